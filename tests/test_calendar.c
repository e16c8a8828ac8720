/* Tests for src/calendar.c against the shipped 2025–2026 State Council
 * schedules (data/holidays/).  Every expected due date below was worked out
 * by hand from the notices; the reasoning is in the comment beside it.
 * Run from the repository root (the data paths are relative to it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>

#include "alloc.h"
#include "calendar.h"
#include "test_util.h"

#define SHIPPED "data/holidays/holidays.xml"
#define FIXTURE(name) "tests/data/calendar/" name



static int setup_shipped(void **state)
{
    calendar *cal = NULL;
    if (calendar_load(&cal, SHIPPED, NULL) != OR_OK)
        return -1;
    *state = cal;
    return 0;
}

static int teardown_cal(void **state)
{
    calendar_free(*state);
    return 0;
}

/* ---- the shipped data ------------------------------------------------- */

static void test_years_known(void **state)
{
    const calendar *cal = *state;
    assert_true(calendar_year_known(cal, 2025));
    assert_true(calendar_year_known(cal, 2026));
    assert_false(calendar_year_known(cal, 2027));   /* listed complete="false" */
    assert_false(calendar_year_known(cal, 2024));
}

/* The per-month counts of data/holidays/README.md (derived independently
 * when the data was prepared); 248 working days in each year. */
static void test_month_counts(void **state)
{
    const calendar *cal = *state;
    static const int want[2][12] = {
        {19, 19, 21, 22, 19, 20, 23, 21, 23, 18, 20, 23},
        {21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23},
    };
    for (int y = 0; y < 2; y++) {
        int year = 2025 + y, total = 0;
        for (int m = 1; m <= 12; m++) {
            int n = calendar_count_workdays(cal, od_date_from_ymd(year, m, 1),
                                            od_date_from_ymd(year, m, od_days_in_month(year, m)));
            if (n != want[y][m - 1])
                fail_msg("%d-%02d: %d working days, expected %d", year, m, n, want[y][m - 1]);
            total += n;
        }
        assert_int_equal(total, 248);
    }
}

static void test_spring_festival_weeks(void **state)
{
    const calendar *cal = *state;
    /* 2026-W07 = Mon 9 Feb … Sun 15 Feb: Mon–Fri plus Sat 14 Feb (make-up
     * day); Sun 15 Feb is the first day of the holiday. */
    assert_int_equal(calendar_count_workdays(cal, D("2026-02-09"), D("2026-02-15")), 6);
    /* 2026-W08 = 16–22 Feb, all inside the 15–23 Feb holiday. */
    assert_int_equal(calendar_count_workdays(cal, D("2026-02-16"), D("2026-02-22")), 0);
    assert_true(calendar_is_workday(cal, D("2026-02-14")));
    assert_true(calendar_is_makeup_day(cal, D("2026-02-14")));
    assert_string_equal(calendar_day_name(cal, D("2026-02-14")), "春节");
    assert_false(calendar_is_workday(cal, D("2026-02-23")));   /* a Monday, still holiday */
    assert_false(calendar_is_makeup_day(cal, D("2026-02-23")));
    assert_true(calendar_is_workday(cal, D("2026-02-24")));
    assert_null(calendar_day_name(cal, D("2026-02-24")));
    /* Ordinary days. */
    assert_true(calendar_is_workday(cal, D("2026-07-01")));    /* Wednesday */
    assert_false(calendar_is_workday(cal, D("2026-07-04")));   /* Saturday */
    assert_false(calendar_is_makeup_day(cal, D("2026-07-04")));
}

static void test_national_day_2026(void **state)
{
    const calendar *cal = *state;
    /* Notice: 1–7 Oct (Thu–Wed) off; Sun 20 Sep and Sat 10 Oct are make-up
     * working days; Mid-Autumn 25–27 Sep (Fri–Sun) off.
     * Monthly report for 2026-09: 3rd working day counted from Thu 1 Oct.
     * 1–7 Oct off; Thu 8 Oct = 1st, Fri 9 Oct = 2nd, Sat 10 Oct (make-up)
     * = 3rd → 2026-10-10. */
    assert_date(calendar_due_monthly(cal, 2026, 9), "2026-10-10");
    assert_true(calendar_is_makeup_day(cal, D("2026-10-10")));
    /* Q3 report: 5th working day from 1 Oct: 8, 9, 10 (Sat make-up),
     * Sun 11 off, Mon 12 = 4th, Tue 13 = 5th → 2026-10-13. */
    assert_date(calendar_due_quarter(cal, 2026, 3), "2026-10-13");
    /* Weekly report for 2026-W40 (28 Sep–4 Oct): next Monday is 5 Oct, a
     * holiday, as are 6 and 7 Oct; first working day Thu 8 Oct. */
    assert_date(calendar_due_weekly(cal, 2026, 40), "2026-10-08");
    /* W39 (21–27 Sep): Mon 28 Sep works. */
    assert_date(calendar_due_weekly(cal, 2026, 39), "2026-09-28");
    /* None of these touched 2027. */
    assert_false(calendar_range_uses_fallback(cal, D("2026-10-01"), D("2026-10-13")));
    assert_int_equal(calendar_count_workdays(cal, D("2026-10-01"), D("2026-10-11")), 3);
}

static void test_incident_due(void **state)
{
    const calendar *cal = *state;
    /* Resolved Wed 11 Feb 2026: Thu 12 = 1st, Fri 13 = 2nd, Sat 14 (make-up
     * working day) = 3rd → due on the Saturday. */
    assert_date(calendar_due_incident(cal, D("2026-02-11")), "2026-02-14");
    /* Resolved Thu 12 Feb: Fri 13 = 1st, Sat 14 = 2nd, 15–23 Feb holiday,
     * Tue 24 Feb = 3rd. */
    assert_date(calendar_due_incident(cal, D("2026-02-12")), "2026-02-24");
    /* Inside the term — resolved Wed 16 Sep: Thu 17 = 1st, Fri 18 = 2nd,
     * Sat 19 off, Sun 20 Sep (make-up for National Day) = 3rd. */
    assert_date(calendar_due_incident(cal, D("2026-09-16")), "2026-09-20");
    /* Resolved Fri 18 Sep: Sat 19 off, Sun 20 (make-up) = 1st, Mon 21 = 2nd,
     * Tue 22 = 3rd. */
    assert_date(calendar_due_incident(cal, D("2026-09-18")), "2026-09-22");
    /* Resolved Wed 30 Sep: 1–7 Oct off, 8 = 1st, 9 = 2nd, Sat 10 = 3rd. */
    assert_date(calendar_due_incident(cal, D("2026-09-30")), "2026-10-10");
    /* Resolved on a holiday (Sat 3 Oct) counts from the next day all the same. */
    assert_date(calendar_due_incident(cal, D("2026-10-03")), "2026-10-10");
    /* Ordinary week: resolved Thu 2 Jul: Fri 3, Mon 6, Tue 7. */
    assert_date(calendar_due_incident(cal, D("2026-07-02")), "2026-07-07");
}

static void test_other_due_dates(void **state)
{
    const calendar *cal = *state;
    /* 2026-06 monthly: Wed 1, Thu 2, Fri 3 Jul. */
    assert_date(calendar_due_monthly(cal, 2026, 6), "2026-07-03");
    /* 2026-04 monthly: 1–5 May off, Wed 6, Thu 7, Fri 8 May. */
    assert_date(calendar_due_monthly(cal, 2026, 4), "2026-05-08");
    /* 2026-11 monthly: Tue 1, Wed 2, Thu 3 Dec. */
    assert_date(calendar_due_monthly(cal, 2026, 11), "2026-12-03");
    /* 2026-H1: 5th working day from Wed 1 Jul: 1, 2, 3, 6, 7 Jul. */
    assert_date(calendar_due_half(cal, 2026, 1), "2026-07-07");
    /* 2026-Q2: same start, same answer. */
    assert_date(calendar_due_quarter(cal, 2026, 2), "2026-07-07");
    /* 2026-W24 (8–14 Jun): Mon 15 Jun works. */
    assert_date(calendar_due_weekly(cal, 2026, 24), "2026-06-15");
    /* 2026-W25 (15–21 Jun, Dragon Boat 19–21): Mon 22 Jun works. */
    assert_date(calendar_due_weekly(cal, 2026, 25), "2026-06-22");
    /* 2026-W07 and W08: next Mondays 16 and 23 Feb are holidays; Tue 24. */
    assert_date(calendar_due_weekly(cal, 2026, 7), "2026-02-24");
    assert_date(calendar_due_weekly(cal, 2026, 8), "2026-02-24");
    /* 2025 National Day + Mid-Autumn (1–8 Oct off, Sat 11 Oct works):
     * 2025-09 monthly from 1 Oct: Thu 9, Fri 10, Sat 11 → 2025-10-11. */
    assert_date(calendar_due_monthly(cal, 2025, 9), "2025-10-11");
    /* nth_workday_from counts `from` itself when it works. */
    assert_date(calendar_nth_workday_from(cal, D("2026-07-01"), 1), "2026-07-01");
    assert_date(calendar_nth_workday_from(cal, D("2026-07-04"), 1), "2026-07-06");
    assert_date(calendar_nth_workday_after(cal, D("2026-07-01"), 1), "2026-07-02");
    assert_date(calendar_nth_workday_from(cal, D("2026-07-01"), 0), "2026-07-01");
}

static void test_fallback_2027(void **state)
{
    const calendar *cal = *state;
    /* 2026-12 monthly counts from Fri 1 Jan 2027; 2027 is unknown, so the
     * weekday rule applies (New Year's Day counts as a working day!):
     * Fri 1 = 1st, Mon 4 = 2nd, Tue 5 = 3rd. */
    od_date due = calendar_due_monthly(cal, 2026, 12);
    assert_date(due, "2027-01-05");
    assert_true(calendar_range_uses_fallback(cal, D("2027-01-01"), due));
    assert_true(calendar_is_workday(cal, D("2027-01-01")));
    /* Q4 and H2: 1, 4, 5, 6, 7 Jan 2027. */
    assert_date(calendar_due_quarter(cal, 2026, 4), "2027-01-07");
    assert_date(calendar_due_half(cal, 2026, 2), "2027-01-07");
    /* 2026-W53 (28 Dec–3 Jan): next Monday 4 Jan 2027. */
    assert_date(calendar_due_weekly(cal, 2026, 53), "2027-01-04");
    assert_true(calendar_range_uses_fallback(cal, D("2027-01-04"), D("2027-01-04")));
    /* Dates inside 2026 do not. */
    assert_false(calendar_range_uses_fallback(cal, D("2026-06-09"), D("2026-12-31")));
    assert_true(calendar_range_uses_fallback(cal, D("2026-06-09"), D("2027-06-08")));
    assert_false(calendar_range_uses_fallback(cal, D("2027-01-02"), D("2027-01-01")));  /* empty */
    /* 2026-11 monthly (due 3 Dec) is safe. */
    due = calendar_due_monthly(cal, 2026, 11);
    assert_false(calendar_range_uses_fallback(cal, D("2026-12-01"), due));
}

/* ---- calendar record files --------------------------------------------- */

static void test_apply_complete_2027(void **state)
{
    (void)state;
    calendar *cal;
    capture c;
    capture_begin(&c);
    assert_int_equal(calendar_load(&cal, SHIPPED, &c.d), OR_OK);
    assert_int_equal(calendar_apply_file(cal, FIXTURE("complete-2027.xml"), &c.d), OR_OK);
    assert_string_equal(capture_text(&c), "");
    assert_true(calendar_year_known(cal, 2027));
    assert_false(calendar_is_workday(cal, D("2027-01-01")));
    assert_string_equal(calendar_day_name(cal, D("2027-01-01")), "元旦");
    /* Now 1 Jan is off: Mon 4, Tue 5, Wed 6 → 2027-01-06, no warning. */
    od_date due = calendar_due_monthly(cal, 2026, 12);
    assert_date(due, "2027-01-06");
    assert_false(calendar_range_uses_fallback(cal, D("2027-01-01"), due));
    /* Q4: 4, 5, 6, 7, 8 Jan. */
    assert_date(calendar_due_quarter(cal, 2026, 4), "2027-01-08");
    /* The shipped years are untouched. */
    assert_date(calendar_due_monthly(cal, 2026, 9), "2026-10-10");

    /* The same day from a second file is an error naming the first place,
     * and the calendar is left as it was. */
    assert_int_equal(calendar_apply_file(cal, FIXTURE("complete-2027.xml"), &c.d), OR_EINPUT);
    assert_contains(capture_text(&c),
                    "tests/data/calendar/complete-2027.xml:4: error: day 2027-01-01 is already given "
                    "at tests/data/calendar/complete-2027.xml:4");
    assert_false(calendar_is_workday(cal, D("2027-01-01")));
    calendar_free(cal);
    capture_end(&c);
}

static void test_apply_partial_2027(void **state)
{
    (void)state;
    calendar *cal;
    assert_int_equal(calendar_load(&cal, SHIPPED, NULL), OR_OK);
    assert_int_equal(calendar_apply_file(cal, FIXTURE("partial-2027.xml"), NULL), OR_OK);
    /* The listed day counts, but 2027 is still not complete: warn. */
    od_date due = calendar_due_monthly(cal, 2026, 12);
    assert_date(due, "2027-01-06");
    assert_false(calendar_year_known(cal, 2027));
    assert_true(calendar_range_uses_fallback(cal, D("2027-01-01"), due));
    calendar_free(cal);
}

static void test_apply_override_2026(void **state)
{
    (void)state;
    calendar *cal;
    assert_int_equal(calendar_load(&cal, SHIPPED, NULL), OR_OK);
    assert_int_equal(calendar_apply_file(cal, FIXTURE("override-2026.xml"), NULL), OR_OK);
    /* Sat 10 Oct no longer works: 8, 9, Mon 12 Oct. */
    assert_false(calendar_is_workday(cal, D("2026-10-10")));
    assert_false(calendar_is_makeup_day(cal, D("2026-10-10")));
    assert_string_equal(calendar_day_name(cal, D("2026-10-10")), "国庆节（测试：取消调休）");
    assert_date(calendar_due_monthly(cal, 2026, 9), "2026-10-12");
    /* The neighbours from the shipped data are still there. */
    assert_false(calendar_is_workday(cal, D("2026-10-07")));
    assert_true(calendar_is_workday(cal, D("2026-09-20")));
    calendar_free(cal);
}

static void test_apply_gb18030(void **state)
{
    (void)state;
    calendar *cal;
    assert_int_equal(calendar_load(&cal, NULL, NULL), OR_OK);
    assert_int_equal(calendar_apply_file(cal, FIXTURE("gb18030.xml"), NULL), OR_OK);
    assert_string_equal(calendar_day_name(cal, D("2027-02-06")), "春节");
    calendar_free(cal);
}

/* Applies `file` to a shipped calendar, expects OR_EINPUT (or `want`) and
 * every message in `msgs` (NULL-terminated); checks nothing was applied. */
static void expect_file_error(const char *file, or_status want, const char *const *msgs)
{
    calendar *cal;
    capture c;
    capture_begin(&c);
    assert_int_equal(calendar_load(&cal, SHIPPED, &c.d), OR_OK);
    assert_int_equal(calendar_apply_file(cal, file, &c.d), want);
    for (const char *const *m = msgs; *m; m++)
        assert_contains(capture_text(&c), *m);
    assert_true(c.d.errors > 0);
    /* All or nothing: no 2027 day or year from the broken file. */
    assert_false(calendar_year_known(cal, 2027));
    assert_null(calendar_day_name(cal, D("2027-01-01")));
    assert_null(calendar_day_name(cal, D("2027-02-06")));
    calendar_free(cal);
    capture_end(&c);
}

static void test_error_bad_date(void **state)
{
    (void)state;
    static const char *const m[] = {
        "tests/data/calendar/bad-date.xml:4: error: <day date=\"2027-02-30\">: expected a real date as "
        "YYYY-MM-DD",
        NULL};
    expect_file_error(FIXTURE("bad-date.xml"), OR_EINPUT, m);
}

static void test_error_bad_off(void **state)
{
    (void)state;
    static const char *const m[] = {
        "tests/data/calendar/bad-off.xml:5: error: <day off=\"yes\">: expected off=\"true\" or \"false\"",
        NULL};
    expect_file_error(FIXTURE("bad-off.xml"), OR_EINPUT, m);
}

static void test_error_doctype(void **state)
{
    (void)state;
    static const char *const m[] = {"tests/data/calendar/doctype.xml:3: error: found a <!DOCTYPE>", NULL};
    expect_file_error(FIXTURE("doctype.xml"), OR_EINPUT, m);
}

static void test_error_duplicate(void **state)
{
    (void)state;
    static const char *const m[] = {
        "tests/data/calendar/duplicate.xml:5: error: day 2027-01-01 is listed twice; first at line 3", NULL};
    expect_file_error(FIXTURE("duplicate.xml"), OR_EINPUT, m);
}

static void test_error_various(void **state)
{
    (void)state;
    static const char *const m[] = {
        "various.xml:3: error: <day> has an unknown attribute \"of\"; expected only date, off and name",
        "various.xml:3: error: <day> has no off attribute; expected off=\"true|false\"",
        "various.xml:4: error: unknown element <holiday> in <calendar>; expected <day> or <year>",
        "various.xml:5: error: <year value=\"27\">: expected a four-digit year",
        "various.xml:6: error: <year> has no complete attribute",
        NULL};
    expect_file_error(FIXTURE("various.xml"), OR_EINPUT, m);
}

static void test_error_wrong_root(void **state)
{
    (void)state;
    static const char *const m[] = {
        "tests/data/calendar/wrong-root.xml:2: error: root element <holidays>; expected <calendar>", NULL};
    expect_file_error(FIXTURE("wrong-root.xml"), OR_EINPUT, m);
}

static void test_error_not_well_formed(void **state)
{
    (void)state;
    static const char *const m[] = {"tests/data/calendar/broken.xml:3: error: not well-formed XML", NULL};
    expect_file_error(FIXTURE("broken.xml"), OR_EINPUT, m);
}

static void test_error_missing_file(void **state)
{
    (void)state;
    static const char *const m[] = {"tests/data/calendar/nonexistent.xml: error: cannot open", NULL};
    expect_file_error(FIXTURE("nonexistent.xml"), OR_ESYS, m);

    calendar *cal = (calendar *)1;
    capture c;
    capture_begin(&c);
    assert_int_equal(calendar_load(&cal, "data/holidays/none.xml", &c.d), OR_ESYS);
    assert_null(cal);
    capture_end(&c);
}

/* A document the records loader parsed itself: same checks, and a DOCTYPE
 * that slipped through is still refused (at the root's line). */
static void test_apply_xml(void **state)
{
    (void)state;
    calendar *cal;
    capture c;
    capture_begin(&c);
    assert_int_equal(calendar_load(&cal, SHIPPED, &c.d), OR_OK);

    xmlDocPtr doc = xmlReadFile(FIXTURE("doctype.xml"), NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    assert_int_equal(calendar_apply_xml(cal, doc, "doctype.xml", &c.d), OR_EINPUT);
    assert_contains(capture_text(&c), "doctype.xml:6: error: found a <!DOCTYPE> declaration before <calendar>");
    xmlFreeDoc(doc);

    doc = xmlReadFile(FIXTURE("complete-2027.xml"), NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    assert_int_equal(calendar_apply_xml(cal, doc, "complete-2027.xml", &c.d), OR_OK);
    xmlFreeDoc(doc);
    assert_true(calendar_year_known(cal, 2027));

    /* The shipped format is not a calendar record file. */
    doc = xmlReadFile(SHIPPED, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    assert_int_equal(calendar_apply_xml(cal, doc, SHIPPED, &c.d), OR_EINPUT);
    assert_contains(capture_text(&c), "root element <holidays>; expected <calendar>");
    xmlFreeDoc(doc);
    calendar_free(cal);
    capture_end(&c);
}

/* No shipped data at all: every year is the weekday rule, with a warning. */
static void test_empty_calendar(void **state)
{
    (void)state;
    calendar *cal;
    assert_int_equal(calendar_load(&cal, NULL, NULL), OR_OK);
    assert_int_equal(calendar_count_workdays(cal, D("2026-02-16"), D("2026-02-22")), 5);
    assert_true(calendar_range_uses_fallback(cal, D("2026-07-01"), D("2026-07-01")));
    assert_date(calendar_due_monthly(cal, 2026, 9), "2026-10-05");   /* Thu 1, Fri 2, Mon 5 */
    calendar_free(cal);
    calendar_free(NULL);
}

/* Every allocation failing in turn: each run reports OR_ESYS or succeeds,
 * and ASan's leak checker proves nothing is left behind. */
static void test_alloc_failures(void **state)
{
    (void)state;
    capture c;
    capture_begin(&c);
    bool done = false;
    for (long n = 1; !done && n < 10000; n++) {
        calendar *cal = NULL;
        or_alloc_fail_at(n, 1);
        or_status st = calendar_load(&cal, SHIPPED, &c.d);
        if (st == OR_OK) {
            st = calendar_apply_file(cal, FIXTURE("complete-2027.xml"), &c.d);
            if (st == OR_OK) {
                done = true;
                assert_true(calendar_year_known(cal, 2027));
            } else {
                /* A failed apply leaves the shipped data whole. */
                assert_false(calendar_year_known(cal, 2027));
                assert_date(calendar_due_monthly(cal, 2026, 9), "2026-10-10");
            }
        } else {
            assert_null(cal);
        }
        or_alloc_fail_at(0, 0);
        if (st != OR_OK)
            assert_int_equal(st, OR_ESYS);
        calendar_free(cal);
    }
    assert_true(done);
    capture_end(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_years_known, setup_shipped, teardown_cal),
        cmocka_unit_test_setup_teardown(test_month_counts, setup_shipped, teardown_cal),
        cmocka_unit_test_setup_teardown(test_spring_festival_weeks, setup_shipped, teardown_cal),
        cmocka_unit_test_setup_teardown(test_national_day_2026, setup_shipped, teardown_cal),
        cmocka_unit_test_setup_teardown(test_incident_due, setup_shipped, teardown_cal),
        cmocka_unit_test_setup_teardown(test_other_due_dates, setup_shipped, teardown_cal),
        cmocka_unit_test_setup_teardown(test_fallback_2027, setup_shipped, teardown_cal),
        cmocka_unit_test(test_apply_complete_2027),
        cmocka_unit_test(test_apply_partial_2027),
        cmocka_unit_test(test_apply_override_2026),
        cmocka_unit_test(test_apply_gb18030),
        cmocka_unit_test(test_error_bad_date),
        cmocka_unit_test(test_error_bad_off),
        cmocka_unit_test(test_error_doctype),
        cmocka_unit_test(test_error_duplicate),
        cmocka_unit_test(test_error_various),
        cmocka_unit_test(test_error_wrong_root),
        cmocka_unit_test(test_error_not_well_formed),
        cmocka_unit_test(test_error_missing_file),
        cmocka_unit_test(test_apply_xml),
        cmocka_unit_test(test_empty_calendar),
        cmocka_unit_test(test_alloc_failures),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
