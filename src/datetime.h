/* datetime: civil dates, Beijing-time minutes, ISO weeks.
 *
 * Dates are day numbers (days since 1970-01-01, proleptic Gregorian).
 * Instants are minutes since 1970-01-01T00:00 *Beijing time* (UTC+08:00):
 * all contract arithmetic happens on the Beijing wall clock, and China has
 * no daylight saving, so minute arithmetic is exact.  Seconds in input are
 * accepted and truncated to the minute (floor). */
#ifndef OR_DATETIME_H
#define OR_DATETIME_H

#include <stdbool.h>
#include <stdint.h>

typedef int32_t od_date;     /* days since 1970-01-01 */
typedef int64_t od_minute;   /* minutes since 1970-01-01T00:00+08:00 */

#define OD_MINUTES_PER_DAY 1440

od_date od_date_from_ymd(int y, int m, int d);
void od_date_to_ymd(od_date day, int *y, int *m, int *d);
bool od_valid_ymd(int y, int m, int d);
int od_days_in_month(int y, int m);
/* 1 = Monday … 7 = Sunday (ISO 8601). */
int od_weekday(od_date day);
/* ISO 8601 week of a date: week-numbering year and week 1..53. */
void od_iso_week(od_date day, int *iso_year, int *week);
/* Monday of ISO week `week` of `iso_year`; no range check. */
od_date od_iso_week_monday(int iso_year, int week);
int od_iso_weeks_in_year(int iso_year);   /* 52 or 53 */

/* "YYYY-MM-DD" exactly.  Returns true and sets *out, false on any other text. */
/* The n ASCII digits at s as a number in *out; false when one is not a digit. */
bool od_digits(const char *s, int n, int *out);
bool od_parse_date(const char *s, od_date *out);
/* "YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]"; no offset = Beijing time.  Returns
 * true and sets *out (Beijing minutes). */
bool od_parse_instant(const char *s, od_minute *out);
/* The same, also giving the seconds within the minute (0..59) in *second:
 * offsets are whole minutes, so the seconds are those written. */
bool od_parse_instant_s(const char *s, od_minute *out, int *second);

static inline od_minute od_day_start(od_date d) { return (od_minute)d * OD_MINUTES_PER_DAY; }
static inline od_date od_minute_day(od_minute m)
{
    return (od_date)(m >= 0 ? m / OD_MINUTES_PER_DAY : -((-m + OD_MINUTES_PER_DAY - 1) / OD_MINUTES_PER_DAY));
}

/* Formats into out (>= 11 bytes): "2026-06-09". */
void od_format_date(od_date d, char out[11]);
/* Formats into out (>= 17 bytes): "2026-06-09T09:30". */
void od_format_instant(od_minute m, char out[17]);
/* "2026-06-09T09:30:05" when second > 0, else as od_format_instant (>= 20 bytes). */
void od_format_instant_s(od_minute m, int second, char out[20]);

#endif
