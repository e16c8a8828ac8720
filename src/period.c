#include "period.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- units ------------------------------------------------------------- */

static void period_set_label_unit(od_period *p)
{
    switch (p->kind) {
    case PERIOD_WEEK:
        snprintf(p->label, sizeof p->label, "%04d-W%02d", p->year, p->index);
        break;
    case PERIOD_MONTH:
        snprintf(p->label, sizeof p->label, "%04d-%02d", p->year, p->index);
        break;
    case PERIOD_QUARTER:
        snprintf(p->label, sizeof p->label, "%04d-Q%d", p->year, p->index);
        break;
    case PERIOD_HALF:
        snprintf(p->label, sizeof p->label, "%04d-H%d", p->year, p->index);
        break;
    case PERIOD_YEAR:
        snprintf(p->label, sizeof p->label, "%04d", p->year);
        break;
    case PERIOD_TERM:
        snprintf(p->label, sizeof p->label, "term");
        break;
    case PERIOD_RANGE: {
        char a[11], b[11];
        od_format_date(p->nominal_first, a);
        od_format_date(p->nominal_last, b);
        snprintf(p->label, sizeof p->label, "%s..%s", a, b);
        break;
    }
    }
}

/* Whole months [m1, m2] of `year` as a unit. */
static void period_months(od_period *out, od_period_kind kind, int year, int index, int m1, int m2)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->year = year;
    out->index = index;
    out->nominal_first = out->first = od_date_from_ymd(year, m1, 1);
    out->nominal_last = out->last = od_date_from_ymd(year, m2, od_days_in_month(year, m2));
    period_set_label_unit(out);
}

bool period_unit(od_period_kind kind, int year, int index, od_period *out)
{
    /* Years as od_parse_date takes them, so every date here formats back. */
    if (year < 1 || year > 9999)
        return false;
    switch (kind) {
    case PERIOD_WEEK:
        if (index < 1 || index > od_iso_weeks_in_year(year))
            return false;
        memset(out, 0, sizeof *out);
        out->kind = kind;
        out->year = year;
        out->index = index;
        out->nominal_first = out->first = od_iso_week_monday(year, index);
        out->nominal_last = out->last = out->first + 6;
        period_set_label_unit(out);
        return true;
    case PERIOD_MONTH:
        if (index < 1 || index > 12)
            return false;
        period_months(out, kind, year, index, index, index);
        return true;
    case PERIOD_QUARTER:
        if (index < 1 || index > 4)
            return false;
        period_months(out, kind, year, index, index * 3 - 2, index * 3);
        return true;
    case PERIOD_HALF:
        if (index < 1 || index > 2)
            return false;
        period_months(out, kind, year, index, index * 6 - 5, index * 6);
        return true;
    case PERIOD_YEAR:
        period_months(out, kind, year, 0, 1, 12);
        return true;
    case PERIOD_RANGE:
    case PERIOD_TERM:
        break;
    }
    return false;
}

bool period_containing(od_period_kind kind, od_date day, od_period *out)
{
    int y, m, d;
    od_date_to_ymd(day, &y, &m, &d);
    switch (kind) {
    case PERIOD_WEEK: {
        int iso_year, week;
        od_iso_week(day, &iso_year, &week);
        return period_unit(kind, iso_year, week, out);
    }
    case PERIOD_MONTH:
        return period_unit(kind, y, m, out);
    case PERIOD_QUARTER:
        return period_unit(kind, y, (m - 1) / 3 + 1, out);
    case PERIOD_HALF:
        return period_unit(kind, y, (m - 1) / 6 + 1, out);
    case PERIOD_YEAR:
        return period_unit(kind, y, 0, out);
    case PERIOD_RANGE:
    case PERIOD_TERM:
        break;
    }
    return false;
}

bool period_clip(od_period *p, od_date first, od_date last)
{
    od_date f = p->first > first ? p->first : first;
    od_date l = p->last < last ? p->last : last;
    if (f > l)
        return false;
    p->first = f;
    p->last = l;
    return true;
}

/* ---- iteration ----------------------------------------------------------- */

void period_iter_init(period_iter *it, const od_period *p, od_period_kind kind)
{
    it->kind = kind;
    it->next = p->first;
    it->last = p->last;
    if (kind == PERIOD_RANGE || kind == PERIOD_TERM)
        it->next = p->last + 1;   /* not a unit: nothing to yield */
}

bool period_iter_next(period_iter *it, od_period *out)
{
    if (it->next > it->last)
        return false;
    od_period u;
    if (!period_containing(it->kind, it->next, &u)) {
        it->next = it->last + 1;
        return false;
    }
    od_date from = it->next;
    it->next = u.nominal_last + 1;
    period_clip(&u, from, it->last);   /* overlaps by construction */
    *out = u;
    return true;
}

int period_count_units(const od_period *p, od_period_kind kind)
{
    period_iter it;
    od_period u;
    int n = 0;
    for (period_iter_init(&it, p, kind); period_iter_next(&it, &u);)
        n++;
    return n;
}

/* ---- parsing ---------------------------------------------------------- */

static bool period_fail(char *why, size_t why_size, const char *msg)
{
    if (why && why_size)
        snprintf(why, why_size, "%s", msg);
    return false;
}

/* "A..B" with two real dates. */
static bool period_parse_range(const char *text, od_period *out, char *why, size_t why_size)
{
    const char *dots = strstr(text, "..");
    char a[16], b[16];
    size_t la = (size_t)(dots - text), lb = strlen(dots + 2);
    od_date first, last;
    if (la >= sizeof a || lb >= sizeof b)
        return period_fail(why, why_size, "a range is two dates YYYY-MM-DD..YYYY-MM-DD");
    memcpy(a, text, la);
    a[la] = '\0';
    memcpy(b, dots + 2, lb + 1);
    if (!od_parse_date(a, &first))
        return period_fail(why, why_size, "the range does not start with a real date YYYY-MM-DD");
    if (!od_parse_date(b, &last))
        return period_fail(why, why_size, "the range does not end with a real date YYYY-MM-DD");
    if (last < first)
        return period_fail(why, why_size, "the range ends before it starts");
    memset(out, 0, sizeof *out);
    out->kind = PERIOD_RANGE;
    int m, d;
    od_date_to_ymd(first, &out->year, &m, &d);
    out->nominal_first = out->first = first;
    out->nominal_last = out->last = last;
    period_set_label_unit(out);
    return true;
}

bool period_parse_nominal(const char *text, od_period *out, char *why, size_t why_size)
{
    if (why && why_size)
        why[0] = '\0';
    if (strstr(text, ".."))
        return period_parse_range(text, out, why, why_size);

    size_t n = strlen(text);
    int year;
    if (n < 4 || !od_digits(text, 4, &year) || (n > 4 && text[4] != '-'))
        return period_fail(why, why_size, "not a period form");
    if (year < 1)
        return period_fail(why, why_size, "year 0000 does not exist");
    if (n == 4)
        return period_unit(PERIOD_YEAR, year, 0, out);

    const char *rest = text + 5;
    size_t rn = n - 5;
    int v;
    char what = rest[0];
    if (rn == 2 && od_digits(rest, 2, &v)) {
        if (period_unit(PERIOD_MONTH, year, v, out))
            return true;
        return period_fail(why, why_size, "the month is out of range; expected 01 to 12");
    }
    if (rn == 2 && (what == 'Q' || what == 'q') && od_digits(rest + 1, 1, &v)) {
        if (period_unit(PERIOD_QUARTER, year, v, out))
            return true;
        return period_fail(why, why_size, "the quarter is out of range; expected Q1 to Q4");
    }
    if (rn == 2 && (what == 'H' || what == 'h') && od_digits(rest + 1, 1, &v)) {
        if (period_unit(PERIOD_HALF, year, v, out))
            return true;
        return period_fail(why, why_size, "the half is out of range; expected H1 or H2");
    }
    if (rn == 3 && (what == 'W' || what == 'w') && od_digits(rest + 1, 2, &v)) {
        if (period_unit(PERIOD_WEEK, year, v, out))
            return true;
        if (why && why_size)
            snprintf(why, why_size, "the ISO week is out of range; %04d has weeks W01 to W%02d", year,
                     od_iso_weeks_in_year(year));
        return false;
    }
    if (rn == 5 && rest[2] == '-') {
        /* A lone date: close to a form but not one. */
        return period_fail(why, why_size, "a single day is written as a range, e.g. 2026-07-01..2026-07-01");
    }
    return period_fail(why, why_size, "not a period form");
}

/* "this-month", "last-week", ...: the unit holding `today`, or the one
 * before it. */
static bool period_parse_relative(const char *text, od_date today, od_period *out)
{
    static const struct {
        const char *name;
        od_period_kind kind;
    } units[] = {
        {"week", PERIOD_WEEK},       {"month", PERIOD_MONTH}, {"quarter", PERIOD_QUARTER},
        {"half", PERIOD_HALF},       {"year", PERIOD_YEAR},
    };
    bool last;
    if (strncmp(text, "last-", 5) == 0)
        last = true;
    else if (strncmp(text, "this-", 5) == 0)
        last = false;
    else
        return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(text + 5, units[i].name) != 0)
            continue;
        if (!period_containing(units[i].kind, today, out))
            return false;
        if (last && !period_containing(units[i].kind, out->nominal_first - 1, out))
            return false;
        return true;
    }
    return false;
}

or_status period_parse(const char *text, od_date today, od_date term_first, od_date term_last,
                       od_period *out, diag *d)
{
    od_period p;
    char why[128] = "";
    bool ok;
    if (strcmp(text, "term") == 0) {
        memset(&p, 0, sizeof p);
        p.kind = PERIOD_TERM;
        int m, dd;
        od_date_to_ymd(term_first, &p.year, &m, &dd);
        p.nominal_first = p.first = term_first;
        p.nominal_last = p.last = term_last;
        period_set_label_unit(&p);
        ok = term_first <= term_last;
        if (!ok)
            snprintf(why, sizeof why, "the contract term is empty");
    } else if (strncmp(text, "last-", 5) == 0 || strncmp(text, "this-", 5) == 0) {
        ok = period_parse_relative(text, today, &p);
        if (!ok)
            snprintf(why, sizeof why, "unknown relative period; expected this- or last- followed by "
                                      "week, month, quarter, half or year");
    } else {
        ok = period_parse_nominal(text, &p, why, sizeof why);
    }
    if (!ok) {
        diag_error(d, NULL, 0, "period \"%.60s\": %s; accepted forms: %s", text,
                   why[0] ? why : "not a period form", PERIOD_FORMS);
        return OR_EUSAGE;
    }
    if (!period_clip(&p, term_first, term_last)) {
        char a[11], b[11], ta[11], tb[11];
        od_format_date(p.nominal_first, a);
        od_format_date(p.nominal_last, b);
        od_format_date(term_first, ta);
        od_format_date(term_last, tb);
        if (strcmp(p.label, text) == 0)
            diag_error(d, NULL, 0,
                       "period \"%.60s\" (%s..%s) lies outside the contract term %s..%s; expected "
                       "a period with at least one day in the term",
                       text, a, b, ta, tb);
        else
            diag_error(d, NULL, 0,
                       "period \"%.60s\" is %s (%s..%s), which lies outside the contract term "
                       "%s..%s; expected a period with at least one day in the term",
                       text, p.label, a, b, ta, tb);
        return OR_EUSAGE;
    }
    *out = p;
    return OR_OK;
}

/* ---- Chinese names ------------------------------------------------------- */

static int period_zh_day(buf *b, od_date day, bool with_year, bool with_month)
{
    int y, m, d;
    od_date_to_ymd(day, &y, &m, &d);
    if (with_year)
        buf_printf(b, "%d年", y);
    if (with_month || with_year)
        buf_printf(b, "%d月", m);
    return buf_printf(b, "%d日", d);
}

int period_format_zh_date(od_date day, buf *b) { return period_zh_day(b, day, true, true); }

/* "6月9日—12月31日": the month is always repeated (house style, D.1);
 * a year is written where it differs from `context_year` (the start) or
 * from the start's year (the end). */
static int period_zh_range(buf *b, od_date first, od_date last, int context_year)
{
    int y1, y2, m, d;
    od_date_to_ymd(first, &y1, &m, &d);
    od_date_to_ymd(last, &y2, &m, &d);
    period_zh_day(b, first, y1 != context_year, true);
    if (last == first)
        return b->failed ? -1 : 0;
    buf_puts(b, "\u2014");
    return period_zh_day(b, last, y2 != y1, true);
}

int period_format_zh(const od_period *p, buf *b)
{
    static const char *const quarters[] = {"一", "二", "三", "四"};
    bool clipped = p->first != p->nominal_first || p->last != p->nominal_last;
    switch (p->kind) {
    case PERIOD_RANGE:
    case PERIOD_TERM:
        return period_zh_range(b, p->first, p->last, 0);
    case PERIOD_WEEK:
        buf_printf(b, "%d年第%d周（", p->year, p->index);
        period_zh_range(b, p->first, p->last, p->year);
        return buf_puts(b, "）");
    case PERIOD_MONTH:
        buf_printf(b, "%d年%d月", p->year, p->index);
        break;
    case PERIOD_QUARTER:
        buf_printf(b, "%d年第%s季度", p->year, quarters[(p->index - 1) & 3]);
        break;
    case PERIOD_HALF:
        buf_printf(b, "%d年%s半年", p->year, p->index == 1 ? "上" : "下");
        break;
    case PERIOD_YEAR:
        buf_printf(b, "%d年", p->year);
        break;
    }
    if (clipped) {
        buf_puts(b, "（");
        period_zh_range(b, p->first, p->last, p->year);
        buf_puts(b, "）");
    }
    return b->failed ? -1 : 0;
}

int period_format_zh_plain(const od_period *p, buf *b)
{
    bool clipped = p->first != p->nominal_first || p->last != p->nominal_last;
    if (clipped || p->kind == PERIOD_RANGE || p->kind == PERIOD_TERM)
        return period_zh_range(b, p->first, p->last, 0);
    if (p->kind == PERIOD_WEEK)
        return buf_printf(b, "%d年第%d周", p->year, p->index) < 0 ? -1 : 0;
    return period_format_zh(p, b);
}

/* ---- today ---------------------------------------------------------------- */

od_date period_today(void)
{
    /* Beijing is UTC+08:00 all year: shift the instant and read it as UTC,
     * so the machine's own time zone never matters. */
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    if (!gmtime_r(&now, &tm))
        return od_date_from_ymd(1970, 1, 1);
    return od_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
