/* calendar: mainland-China working days and report due dates.
 *
 * A working day is Monday–Friday, minus the statutory holidays, plus the
 * make-up working days (调休) of the State Council's yearly notice.  The
 * program ships the notices it knows (data/holidays/holidays.xml, see
 * data/holidays/README.md); a data set's <calendar> record file adds or
 * corrects days and can mark a further year complete.
 *
 * Days are listed, not ranges: a listed day is off or on as listed, and any
 * other day follows the weekday rule.  A year that neither the shipped data
 * nor a calendar file marks complete still answers by that rule (plus any
 * days a calendar file listed for it), but every answer that looked at such
 * a year "uses the fallback", and the facts must carry a visible warning:
 * ask calendar_range_uses_fallback().
 *
 * Ownership: a calendar is built by calendar_load, owns everything in it,
 * and is freed with calendar_free.  Lookups never allocate and never fail;
 * strings it returns live as long as the calendar.  Not thread-safe to
 * modify, safe to read from several threads once built. */
#ifndef OR_CALENDAR_H
#define OR_CALENDAR_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "datetime.h"
#include "diag.h"

/* Where the shipped schedule lives, relative to the program's data root. */
#define CALENDAR_SHIPPED_PATH "data/holidays/holidays.xml"

typedef struct calendar calendar;

/* Builds a calendar from the shipped schedule at `path` (root <holidays>:
 * <year value="2026" complete="true|false"/> and
 * <day date="YYYY-MM-DD" name="…" off="true|false"/>).  path == NULL gives
 * an empty calendar, where every year uses the fallback.  On success *out
 * is the caller's (free with calendar_free); on failure *out is NULL, the
 * errors went to d with file:line, and the status is OR_EINPUT (bad file),
 * OR_ESYS (unreadable file, out of memory). */
or_status calendar_load(calendar **out, const char *path, diag *d);

/* Applies a data set's calendar record file (input-format.md, root
 * <calendar>: <day date="…" off="true|false">name</day> and
 * <year value="2027" complete="true|false"/>).  Its days win over the
 * shipped data; complete="true" makes a year known, complete="false"
 * changes nothing.  A day given twice across calendar files is an error
 * naming both places.  The file is read without network access, entity
 * substitution or DTD loading; a file with a DOCTYPE is refused.  All or
 * nothing: on any error (OR_EINPUT / OR_ESYS) the calendar is unchanged and
 * every problem was reported to d as "file:line: error: …". */
or_status calendar_apply_file(calendar *cal, const char *path, diag *d);

/* Same, for a document the records loader has already parsed (its root must
 * be <calendar>).  `path` names it in messages; the document stays the
 * caller's.  A document with an internal or external DTD subset is refused
 * (reported at its root element's line: the tree keeps no DOCTYPE line). */
or_status calendar_apply_xml(calendar *cal, xmlDocPtr doc, const char *path, diag *d);

/* Frees the calendar and everything it owns; NULL is a no-op. */
void calendar_free(calendar *cal);

/* Is `day` a working day (listed day first, then Monday–Friday)? */
bool calendar_is_workday(const calendar *cal, od_date day);

/* Does the shipped data or an applied calendar file mark `year` complete? */
bool calendar_year_known(const calendar *cal, int year);

/* Did any answer about a day in [first, last] use the weekday fallback,
 * i.e. does the range touch a year that is not known?  false when
 * first > last.  For a due date from the functions below, the days looked
 * at are [end + 1, due], where `end` is the reported period's last day (or
 * the incident's resolution day): calendar_range_uses_fallback(cal, end + 1,
 * due) tells whether that due date needs the warning. */
bool calendar_range_uses_fallback(const calendar *cal, od_date first, od_date last);

/* The holiday's or make-up day's name (e.g. "国庆节"), or NULL for an
 * unlisted day or a listed day without a name. */
const char *calendar_day_name(const calendar *cal, od_date day);

/* Is `day` a listed make-up working day (调休上班, a weekend that works)? */
bool calendar_is_makeup_day(const calendar *cal, od_date day);

/* Working days in [first, last], both included; 0 when first > last. */
int calendar_count_workdays(const calendar *cal, od_date first, od_date last);

/* The n-th working day counted from `from` inclusive (n >= 1): n = 1 is the
 * first working day on or after `from`.  n < 1 is taken as 1. */
od_date calendar_nth_workday_from(const calendar *cal, od_date from, int n);

/* The n-th working day strictly after `day` (n >= 1; n < 1 is taken as 1). */
od_date calendar_nth_workday_after(const calendar *cal, od_date day, int n);

/* Due dates (kpi-table.md, "Readings where the table is silent").  They are
 * the due dates of the whole calendar unit, whether or not the contract
 * term cuts it.  Arguments out of range (month 0, quarter 5, week 54) are a
 * caller bug; they are clamped into range rather than trusted.
 *   weekly     1st working day on or after the Monday after ISO week
 *              `week` of `iso_year`;
 *   monthly    3rd working day counted from the 1st of the next month;
 *   quarterly  5th working day counted from the first day of the next
 *              quarter (q = 1..4);
 *   half-year  5th working day counted from the first day of the next half
 *              (h = 1..2);
 *   incident   3rd working day after the day it was resolved. */
od_date calendar_due_weekly(const calendar *cal, int iso_year, int week);
od_date calendar_due_monthly(const calendar *cal, int year, int month);
od_date calendar_due_quarter(const calendar *cal, int year, int quarter);
od_date calendar_due_half(const calendar *cal, int year, int half);
od_date calendar_due_incident(const calendar *cal, od_date resolved);

#endif
