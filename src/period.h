/* period: the assessment periods users ask for, and the calendar units
 * (ISO weeks, months, quarters, halves, years) inside them.
 *
 * A period is a run of whole Beijing-time days [first, last], both
 * included, clipped to the contract term.  Accepted text (PERIOD_FORMS):
 *   2026-07                  month
 *   2026-Q3                  quarter (Q1–Q4)
 *   2026-H2                  half-year (H1, H2)
 *   2026                     year
 *   2026-W27                 ISO 8601 week (Monday–Sunday; W01–W52/W53)
 *   2026-06-09..2026-12-31   range of days, both ends included
 *   term                     the whole contract term
 *   last-month, this-month   relative to `today`; likewise -week, -quarter,
 *                            -half and -year (last-week, this-year, ...)
 * The letters Q, H and W may be lower case; labels use upper case.
 *
 * Clipping: a unit that the term cuts keeps its name (label "2026",
 * nominal 2026-01-01..2026-12-31) and gets first/last inside the term
 * (2026-06-09..2026-12-31).  A period with no day inside the term is an
 * error, also for the relative forms: last-month on 2026-06-20 is 2026-05,
 * which ends before the term starts, so it is refused rather than quietly
 * replaced by another month.
 *
 * No function here allocates; od_period is a plain value. */
#ifndef OR_PERIOD_H
#define OR_PERIOD_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "datetime.h"
#include "diag.h"

#define PERIOD_FORMS                                                                        \
    "2026-07 (month), 2026-Q3 (quarter), 2026-H2 (half), 2026 (year), 2026-W27 (ISO week), " \
    "2026-06-09..2026-12-31 (days), term, last-month/this-month (also -week, -quarter, "      \
    "-half, -year)"

typedef enum od_period_kind {
    PERIOD_RANGE = 0,   /* "A..B" */
    PERIOD_WEEK,
    PERIOD_MONTH,
    PERIOD_QUARTER,
    PERIOD_HALF,
    PERIOD_YEAR,
    PERIOD_TERM         /* "term" */
} od_period_kind;

typedef struct od_period {
    od_date first, last;                 /* inclusive; clipped to the term */
    od_date nominal_first, nominal_last; /* the whole unit (or range) before clipping */
    od_period_kind kind;
    int year;      /* calendar year; ISO week-numbering year for weeks; first's year for ranges */
    int index;     /* month 1–12, quarter 1–4, half 1–2, week 1–53; 0 for year, range, term */
    char label[32];/* canonical text: "2026-07", "2026-Q3", "2026-W07", "2026-06-09..2026-12-31",
                      "term"; relative forms get the unit they resolved to */
} od_period;

/* Parses a period from the command line (PERIOD_FORMS) and clips it to the
 * term [term_first, term_last].  On success fills *out.  Bad text, an
 * impossible unit (2026-13, 2026-W54, 2027-W53, 2026-Q5, a reversed range)
 * or a period wholly outside the term: OR_EUSAGE, *out untouched, and one
 * message to d naming the text, what is wrong and the accepted forms. */
or_status period_parse(const char *text, od_date today, od_date term_first, od_date term_last,
                       od_period *out, diag *d);

/* Parses only the absolute forms (month, quarter, half, year, ISO week,
 * range), unclipped (first/last = nominal): for `period` attributes of
 * records, whose loader reports errors with its own file:line.  Returns
 * false on bad text and, when why != NULL, writes the reason (no "period"
 * prefix, no list of forms) into why[why_size]. */
bool period_parse_nominal(const char *text, od_period *out, char *why, size_t why_size);

/* The whole unit of `kind` (WEEK, MONTH, QUARTER, HALF, YEAR) numbered
 * `index` in `year` (ISO year for weeks; index ignored for YEAR).  false
 * when the kind or index is out of range. */
bool period_unit(od_period_kind kind, int year, int index, od_period *out);

/* The whole unit of `kind` (WEEK, MONTH, QUARTER, HALF, YEAR) holding
 * `day`; false for other kinds. */
bool period_containing(od_period_kind kind, od_date day, od_period *out);

/* Narrows p->first/last to [first, last].  false (p unchanged) when they
 * do not overlap. */
bool period_clip(od_period *p, od_date first, od_date last);

/* Iterates over the units of `kind` (WEEK, MONTH, QUARTER, HALF, YEAR) that
 * overlap p, in order.  Each one yielded has nominal_* = the whole unit and
 * first/last = its part inside p (so a week across two months is yielded by
 * both months).  Other kinds yield nothing.
 *     period_iter it;
 *     od_period w;
 *     for (period_iter_init(&it, &p, PERIOD_WEEK); period_iter_next(&it, &w);) ... */
typedef struct period_iter {
    od_period_kind kind;
    od_date next, last;
} period_iter;
void period_iter_init(period_iter *it, const od_period *p, od_period_kind kind);
bool period_iter_next(period_iter *it, od_period *out);

/* Number of units of `kind` overlapping p (e.g. ISO weeks needing a server
 * inspection). */
int period_count_units(const od_period *p, od_period_kind kind);

/* Appends the Chinese name of p to b (chinese-typesetting.md D.1, D.3):
 *   2026年7月, 2026年第三季度, 2026年下半年, 2026年,
 *   2026年第27周（6月29日—7月5日）   a week always shows the days it covers,
 *   2026年6月9日—12月31日             a range (or term) shows its days,
 *   2026年（6月9日—12月31日）         a unit the term cuts shows its days.
 * Years are written only where they change; the dash is U+2014.  Returns 0,
 * or -1 when the buffer has failed (sticky). */
int period_format_zh(const od_period *p, buf *b);

/* The same period with no bracket, for text that puts it in brackets
 * itself (a title's （…）): a clipped period, a range or the term as its
 * dates ("2026年6月9日—12月31日"), a whole week as "2026年第27周". */
int period_format_zh_plain(const od_period *p, buf *b);

/* Appends "2026年6月9日" (year always written). */
int period_format_zh_date(od_date day, buf *b);

/* Today's date on the Beijing wall clock (UTC+08:00, no daylight saving),
 * from the system clock.  Callers take `--today` instead when given. */
od_date period_today(void);

#endif
