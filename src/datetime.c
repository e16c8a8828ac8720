#include "datetime.h"

#include <stdio.h>
#include <string.h>

/* Days from civil, after H. Hinnant's public-domain algorithm. */
od_date od_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (od_date)(era * 146097 + (int)doe - 719468);
}

void od_date_to_ymd(od_date z0, int *y, int *m, int *d)
{
    const int z = z0 + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int yy = (int)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
    const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (mm <= 2);
    *m = (int)mm;
    *d = (int)dd;
}

static bool od_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int od_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && od_leap(y) ? 29 : days[m - 1];
}

bool od_valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= od_days_in_month(y, m);
}

int od_weekday(od_date day)
{
    /* 1970-01-01 was a Thursday (4). */
    int w = (int)((day % 7 + 7) % 7);
    return (w + 3) % 7 + 1;
}

od_date od_iso_week_monday(int iso_year, int week)
{
    od_date jan4 = od_date_from_ymd(iso_year, 1, 4);
    od_date monday1 = jan4 - (od_weekday(jan4) - 1);
    return monday1 + (week - 1) * 7;
}

void od_iso_week(od_date day, int *iso_year, int *week)
{
    int y, m, d;
    od_date_to_ymd(day, &y, &m, &d);
    /* The ISO year is the year of the Thursday of the date's week. */
    od_date thursday = day - (od_weekday(day) - 1) + 3;
    od_date_to_ymd(thursday, &y, &m, &d);
    *iso_year = y;
    *week = (int)((thursday - od_iso_week_monday(y, 1)) / 7) + 1;
}

int od_iso_weeks_in_year(int iso_year)
{
    return (int)((od_iso_week_monday(iso_year + 1, 1) - od_iso_week_monday(iso_year, 1)) / 7);
}

bool od_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool od_parse_date(const char *s, od_date *out)
{
    int y, m, d;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    if (!od_digits(s, 4, &y) || !od_digits(s + 5, 2, &m) || !od_digits(s + 8, 2, &d))
        return false;
    if (!od_valid_ymd(y, m, d))
        return false;
    *out = od_date_from_ymd(y, m, d);
    return true;
}

bool od_parse_instant(const char *s, od_minute *out) { return od_parse_instant_s(s, out, NULL); }

bool od_parse_instant_s(const char *s, od_minute *out, int *second)
{
    char date[11];
    od_date day;
    int hh, mi, ss = 0, off = 8 * 60;
    size_t n = strlen(s);
    if (n < 16 || s[10] != 'T' || s[13] != ':')
        return false;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!od_parse_date(date, &day) || !od_digits(s + 11, 2, &hh) || !od_digits(s + 14, 2, &mi))
        return false;
    const char *rest = s + 16;
    if (*rest == ':') {
        if (!od_digits(rest + 1, 2, &ss))
            return false;
        rest += 3;
    }
    if (*rest == 'Z') {
        off = 0;
        rest++;
    } else if (*rest == '+' || *rest == '-') {
        int oh, om;
        if (strlen(rest) != 6 || rest[3] != ':' || !od_digits(rest + 1, 2, &oh) || !od_digits(rest + 4, 2, &om)
            || oh > 14 || om > 59)
            return false;
        off = (oh * 60 + om) * (*rest == '-' ? -1 : 1);
        rest += 6;
    }
    if (*rest != '\0' || hh > 23 || mi > 59 || ss > 59)
        return false;
    /* Convert wall time at offset `off` to Beijing wall time. */
    *out = od_day_start(day) + hh * 60 + mi - off + 8 * 60;
    if (second)
        *second = ss;
    return true;
}

/* Formats through a roomy buffer: the compiler cannot prove the fields fit
 * the caller's fixed size, and years outside 0..9999 never reach here. */
void od_format_date(od_date d, char out[11])
{
    int y, m, dd;
    char tmp[48];
    od_date_to_ymd(d, &y, &m, &dd);
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m, dd);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

void od_format_instant(od_minute mins, char out[17])
{
    od_date d = od_minute_day(mins);
    int within = (int)(mins - od_day_start(d));
    char tmp[48];
    od_format_date(d, out);
    snprintf(tmp, sizeof tmp, "T%02d:%02d", within / 60, within % 60);
    memcpy(out + 10, tmp, 6);
    out[16] = '\0';
}

void od_format_instant_s(od_minute m, int second, char out[20])
{
    od_format_instant(m, out);
    if (second > 0 && second < 60) {
        out[16] = ':';
        out[17] = (char)('0' + second / 10);
        out[18] = (char)('0' + second % 10);
        out[19] = '\0';
    }
}
