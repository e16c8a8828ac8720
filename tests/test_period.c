/* Tests for src/period.c: every accepted form with exact first/last,
 * clipping to the contract term 2026-06-09..2027-06-08, errors, unit
 * iteration and Chinese names (chinese-typesetting.md D.1, D.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "alloc.h"
#include "period.h"
#include "test_util.h"



#define TERM_FIRST D("2026-06-09")
#define TERM_LAST D("2027-06-08")

/* Parses `text` with the contract's term and `today`; expects success. */
static od_period parse_ok(const char *text, const char *today)
{
    od_period p;
    capture c;
    capture_begin(&c);
    or_status st = period_parse(text, D(today), TERM_FIRST, TERM_LAST, &p, &c.d);
    if (st != OR_OK)
        fail_msg("period_parse(\"%s\") = %d: %s", text, st, capture_text(&c));
    capture_end(&c);
    return p;
}

static void expect(const char *text, const char *first, const char *last, const char *label,
                   od_period_kind kind)
{
    od_period p = parse_ok(text, "2026-08-01");
    assert_date(p.first, first);
    assert_date(p.last, last);
    assert_string_equal(p.label, label);
    assert_int_equal(p.kind, kind);
}

/* Expects OR_EUSAGE and `msg` in the message. */
static void expect_error(const char *text, const char *today, const char *msg)
{
    od_period p;
    memset(&p, 0x5a, sizeof p);
    od_period before = p;
    capture c;
    capture_begin(&c);
    assert_int_equal(period_parse(text, D(today), TERM_FIRST, TERM_LAST, &p, &c.d), OR_EUSAGE);
    assert_contains(capture_text(&c), msg);
    assert_int_equal(c.d.errors, 1);
    assert_memory_equal(&p, &before, sizeof p);   /* *out untouched */
    capture_end(&c);
}

static void test_forms(void **state)
{
    (void)state;
    expect("2026-07", "2026-07-01", "2026-07-31", "2026-07", PERIOD_MONTH);
    expect("2027-02", "2027-02-01", "2027-02-28", "2027-02", PERIOD_MONTH);
    expect("2026-Q3", "2026-07-01", "2026-09-30", "2026-Q3", PERIOD_QUARTER);
    expect("2026-q4", "2026-10-01", "2026-12-31", "2026-Q4", PERIOD_QUARTER);
    expect("2027-Q1", "2027-01-01", "2027-03-31", "2027-Q1", PERIOD_QUARTER);
    expect("2026-H2", "2026-07-01", "2026-12-31", "2026-H2", PERIOD_HALF);
    /* ISO weeks: 2026-06-09 (Tue) is in W24, so W24 = 8–14 Jun and W27 =
     * 29 Jun–5 Jul (chinese-typesetting.md D.3). */
    expect("2026-W27", "2026-06-29", "2026-07-05", "2026-W27", PERIOD_WEEK);
    expect("2026-w30", "2026-07-20", "2026-07-26", "2026-W30", PERIOD_WEEK);
    /* 2026 has 53 weeks; W53 = 2026-12-28..2027-01-03; 2027-W01 starts 4 Jan. */
    expect("2026-W53", "2026-12-28", "2027-01-03", "2026-W53", PERIOD_WEEK);
    expect("2027-W01", "2027-01-04", "2027-01-10", "2027-W01", PERIOD_WEEK);
    expect("2026-06-09..2026-12-31", "2026-06-09", "2026-12-31", "2026-06-09..2026-12-31", PERIOD_RANGE);
    expect("2026-07-15..2026-07-15", "2026-07-15", "2026-07-15", "2026-07-15..2026-07-15", PERIOD_RANGE);
    expect("term", "2026-06-09", "2027-06-08", "term", PERIOD_TERM);
}

static void test_clipping(void **state)
{
    (void)state;
    od_period p = parse_ok("2026", "2026-08-01");
    assert_date(p.first, "2026-06-09");
    assert_date(p.last, "2026-12-31");
    assert_date(p.nominal_first, "2026-01-01");
    assert_date(p.nominal_last, "2026-12-31");
    assert_string_equal(p.label, "2026");
    assert_int_equal(p.kind, PERIOD_YEAR);
    assert_int_equal(p.year, 2026);

    expect("2027", "2027-01-01", "2027-06-08", "2027", PERIOD_YEAR);
    expect("2026-06", "2026-06-09", "2026-06-30", "2026-06", PERIOD_MONTH);
    expect("2027-06", "2027-06-01", "2027-06-08", "2027-06", PERIOD_MONTH);
    expect("2026-Q2", "2026-06-09", "2026-06-30", "2026-Q2", PERIOD_QUARTER);
    expect("2026-H1", "2026-06-09", "2026-06-30", "2026-H1", PERIOD_HALF);
    expect("2027-H1", "2027-01-01", "2027-06-08", "2027-H1", PERIOD_HALF);

    /* 2026-W24 (8–14 Jun) holds the term's first day and starts at it. */
    p = parse_ok("2026-W24", "2026-08-01");
    assert_date(p.first, "2026-06-09");
    assert_date(p.last, "2026-06-14");
    assert_date(p.nominal_first, "2026-06-08");
    assert_int_equal(p.year, 2026);
    assert_int_equal(p.index, 24);
    assert_true(p.first <= D("2026-06-09") && D("2026-06-09") <= p.last);
    /* 2027-W23 (7–13 Jun 2027) holds the term's last day. */
    expect("2027-W23", "2027-06-07", "2027-06-08", "2027-W23", PERIOD_WEEK);
    /* A range partly outside is cut; its label keeps what was asked. */
    expect("2026-01-01..2026-06-10", "2026-06-09", "2026-06-10", "2026-01-01..2026-06-10", PERIOD_RANGE);
}

static void test_relative(void **state)
{
    (void)state;
    od_period p = parse_ok("last-month", "2026-08-01");
    assert_date(p.first, "2026-07-01");
    assert_date(p.last, "2026-07-31");
    assert_string_equal(p.label, "2026-07");
    assert_int_equal(p.kind, PERIOD_MONTH);

    /* On the first day of the term's second month, last month is June,
     * clipped to the term. */
    p = parse_ok("last-month", "2026-07-05");
    assert_string_equal(p.label, "2026-06");
    assert_date(p.first, "2026-06-09");
    assert_date(p.last, "2026-06-30");

    /* Across New Year. */
    p = parse_ok("last-month", "2027-01-15");
    assert_string_equal(p.label, "2026-12");
    p = parse_ok("this-month", "2027-01-15");
    assert_string_equal(p.label, "2027-01");
    /* Wed 2026-07-08 is in W28; last week is W27. */
    p = parse_ok("last-week", "2026-07-08");
    assert_string_equal(p.label, "2026-W27");
    assert_date(p.first, "2026-06-29");
    /* Fri 2027-01-01 is in 2026-W53; the week before is 2026-W52. */
    p = parse_ok("this-week", "2027-01-01");
    assert_string_equal(p.label, "2026-W53");
    p = parse_ok("last-week", "2027-01-01");
    assert_string_equal(p.label, "2026-W52");
    p = parse_ok("last-quarter", "2027-01-02");
    assert_string_equal(p.label, "2026-Q4");
    p = parse_ok("last-half", "2027-01-02");
    assert_string_equal(p.label, "2026-H2");
    p = parse_ok("last-year", "2027-01-02");
    assert_string_equal(p.label, "2026");
    assert_date(p.first, "2026-06-09");

    /* Decision: on 2026-06-20, last month is 2026-05, wholly before the
     * term: an error naming the month, not a silent substitute. */
    expect_error("last-month", "2026-06-20",
                 "period \"last-month\" is 2026-05 (2026-05-01..2026-05-31), which lies outside the "
                 "contract term 2026-06-09..2027-06-08");
    expect_error("next-month", "2026-08-01", "period \"next-month\": not a period form");
    expect_error("last-fortnight", "2026-08-01", "unknown relative period");
}

static void test_errors(void **state)
{
    (void)state;
    const char *today = "2026-08-01";
    expect_error("2026-13", today, "period \"2026-13\": the month is out of range; expected 01 to 12");
    expect_error("2026-00", today, "the month is out of range");
    expect_error("2026-W54", today, "the ISO week is out of range; 2026 has weeks W01 to W53");
    expect_error("2026-W00", today, "the ISO week is out of range");
    expect_error("2027-W53", today, "2027 has weeks W01 to W52");
    expect_error("2026-Q5", today, "the quarter is out of range; expected Q1 to Q4");
    expect_error("2026-Q0", today, "the quarter is out of range");
    expect_error("2026-H3", today, "the half is out of range; expected H1 or H2");
    expect_error("2026-12-31..2026-06-09", today, "the range ends before it starts");
    expect_error("2026-02-30..2026-03-01", today, "does not start with a real date");
    expect_error("2026-07-01..", today, "does not end with a real date");
    expect_error("2026-07-01..2026-07-01x", today, "does not end with a real date");
    expect_error("2026-07-01", today, "a single day is written as a range");
    expect_error("", today, "period \"\": not a period form; accepted forms: 2026-07 (month)");
    expect_error("2026-7", today, "not a period form");
    expect_error("2026-07x", today, "not a period form");
    expect_error("2026-W7", today, "not a period form");
    expect_error("26-07", today, "not a period form");
    expect_error("0000", today, "year 0000 does not exist");
    expect_error("Term", today, "not a period form");
    expect_error("2026-Q", today, "not a period form");
    /* Wholly outside the term. */
    expect_error("2025", today,
                 "period \"2025\" (2025-01-01..2025-12-31) lies outside the contract term "
                 "2026-06-09..2027-06-08; expected a period with at least one day in the term");
    expect_error("2026-05", today, "lies outside the contract term");
    expect_error("2026-W23", today, "lies outside the contract term");   /* 1–7 Jun 2026 */
    expect_error("2027-07", today, "lies outside the contract term");
    expect_error("2026-06-01..2026-06-08", today, "lies outside the contract term");
    /* Every message lists the accepted forms. */
    expect_error("2026-Q5", today, PERIOD_FORMS);
}

static void test_nominal(void **state)
{
    (void)state;
    od_period p;
    char why[128];
    /* Unclipped: 2026 stays the whole year. */
    assert_true(period_parse_nominal("2026", &p, why, sizeof why));
    assert_date(p.first, "2026-01-01");
    assert_date(p.last, "2026-12-31");
    assert_true(period_parse_nominal("2025-W01", &p, NULL, 0));
    assert_date(p.first, "2024-12-30");   /* D.3 */
    assert_true(period_parse_nominal("2025-W52", &p, NULL, 0));
    assert_date(p.last, "2025-12-28");    /* D.3: 2025 has 52 weeks */
    assert_false(period_parse_nominal("2025-W53", &p, why, sizeof why));
    assert_string_equal(why, "the ISO week is out of range; 2025 has weeks W01 to W52");
    assert_false(period_parse_nominal("term", &p, why, sizeof why));
    assert_false(period_parse_nominal("last-month", &p, NULL, 0));
    assert_true(period_parse_nominal("2024-02", &p, NULL, 0));
    assert_date(p.last, "2024-02-29");

    /* Unit constructors. */
    assert_true(period_unit(PERIOD_QUARTER, 2027, 2, &p));
    assert_date(p.first, "2027-04-01");
    assert_date(p.last, "2027-06-30");
    assert_false(period_unit(PERIOD_MONTH, 2026, 13, &p));
    assert_false(period_unit(PERIOD_RANGE, 2026, 1, &p));
    assert_true(period_containing(PERIOD_WEEK, D("2026-06-09"), &p));
    assert_string_equal(p.label, "2026-W24");
    assert_true(period_containing(PERIOD_WEEK, D("2027-01-03"), &p));
    assert_string_equal(p.label, "2026-W53");
    assert_true(period_containing(PERIOD_HALF, D("2026-07-01"), &p));
    assert_string_equal(p.label, "2026-H2");
    assert_false(period_containing(PERIOD_TERM, D("2026-07-01"), &p));

    assert_true(period_unit(PERIOD_MONTH, 2026, 7, &p));
    assert_false(period_clip(&p, D("2026-08-01"), D("2026-08-31")));
    assert_date(p.first, "2026-07-01");   /* unchanged */
    assert_true(period_clip(&p, D("2026-07-31"), D("2026-08-31")));
    assert_date(p.first, "2026-07-31");
    assert_date(p.last, "2026-07-31");
}

static void test_iteration(void **state)
{
    (void)state;
    od_period term = parse_ok("term", "2026-08-01");
    period_iter it;
    od_period u;

    /* Months of the term: 2026-06 (from 9 Jun) … 2027-06 (to 8 Jun). */
    int n = 0;
    for (period_iter_init(&it, &term, PERIOD_MONTH); period_iter_next(&it, &u); n++) {
        if (n == 0) {
            assert_string_equal(u.label, "2026-06");
            assert_date(u.first, "2026-06-09");
            assert_date(u.nominal_first, "2026-06-01");
        }
        if (n == 7)
            assert_string_equal(u.label, "2027-01");
        if (n == 12) {
            assert_string_equal(u.label, "2027-06");
            assert_date(u.last, "2027-06-08");
            assert_date(u.nominal_last, "2027-06-30");
        }
    }
    assert_int_equal(n, 13);
    assert_int_equal(period_count_units(&term, PERIOD_QUARTER), 5);   /* 26Q2 … 27Q2 */
    assert_int_equal(period_count_units(&term, PERIOD_HALF), 3);      /* 26H1, 26H2, 27H1 */
    assert_int_equal(period_count_units(&term, PERIOD_YEAR), 2);
    /* Weeks: 2026-W24 … 2026-W53 (30) and 2027-W01 … W23 (23). */
    assert_int_equal(period_count_units(&term, PERIOD_WEEK), 53);
    assert_int_equal(period_count_units(&term, PERIOD_RANGE), 0);

    /* Weeks of July 2026: W27 (29 Jun–5 Jul) … W31 (27 Jul–2 Aug), the
     * first and last cut to the month but still whole in nominal_*. */
    od_period jul = parse_ok("2026-07", "2026-08-01");
    n = 0;
    for (period_iter_init(&it, &jul, PERIOD_WEEK); period_iter_next(&it, &u); n++) {
        if (n == 0) {
            assert_string_equal(u.label, "2026-W27");
            assert_date(u.first, "2026-07-01");
            assert_date(u.last, "2026-07-05");
            assert_date(u.nominal_first, "2026-06-29");
        }
        if (n == 4) {
            assert_string_equal(u.label, "2026-W31");
            assert_date(u.first, "2026-07-27");
            assert_date(u.last, "2026-07-31");
            assert_date(u.nominal_last, "2026-08-02");
        }
    }
    assert_int_equal(n, 5);

    /* A single day is one unit of each kind. */
    od_period day = parse_ok("2026-12-31..2026-12-31", "2026-08-01");
    assert_int_equal(period_count_units(&day, PERIOD_WEEK), 1);
    assert_int_equal(period_count_units(&day, PERIOD_MONTH), 1);
}

static void expect_zh(const char *text, const char *want)
{
    od_period p = parse_ok(text, "2026-08-01");
    buf b;
    buf_init(&b, 0);
    assert_int_equal(period_format_zh(&p, &b), 0);
    assert_string_equal(buf_cstr(&b), want);
    buf_free(&b);
}

static void expect_zh_plain(const char *text, const char *want)
{
    od_period p = parse_ok(text, "2026-08-01");
    buf b;
    buf_init(&b, 0);
    assert_int_equal(period_format_zh_plain(&p, &b), 0);
    assert_string_equal(buf_cstr(&b), want);
    buf_free(&b);
}

/* Without brackets, for a title that brackets it: never （…（…）） */
static void test_chinese_plain(void **state)
{
    (void)state;
    expect_zh_plain("2026-07", "2026年7月");
    expect_zh_plain("2026-H2", "2026年下半年");
    expect_zh_plain("2027-H1", "2027年1月1日—6月8日");
    expect_zh_plain("2026", "2026年6月9日—12月31日");
    expect_zh_plain("2026-06", "2026年6月9日—6月30日");
    expect_zh_plain("2026-W27", "2026年第27周");
    expect_zh_plain("2026-W24", "2026年6月9日—6月14日");
    expect_zh_plain("2026-W53", "2026年第53周");
    expect_zh_plain("term", "2026年6月9日—2027年6月8日");
}

static void test_chinese(void **state)
{
    (void)state;
    expect_zh("2026-07", "2026年7月");
    expect_zh("2026-Q3", "2026年第三季度");
    expect_zh("2027-Q1", "2027年第一季度");
    expect_zh("2026-H2", "2026年下半年");
    expect_zh("2027-H1", "2027年上半年（1月1日—6月8日）");
    expect_zh("2026-W27", "2026年第27周（6月29日—7月5日）");
    expect_zh("2026-W30", "2026年第30周（7月20日—7月26日）");
    expect_zh("2026-W24", "2026年第24周（6月9日—6月14日）");          /* cut by the term */
    expect_zh("2026-W53", "2026年第53周（12月28日—2027年1月3日）");
    expect_zh("2027-W01", "2027年第1周（1月4日—1月10日）");
    expect_zh("2026-06-09..2026-12-31", "2026年6月9日—12月31日");
    expect_zh("2026-07-15..2026-07-15", "2026年7月15日");
    expect_zh("2026-12-01..2027-01-31", "2026年12月1日—2027年1月31日");
    expect_zh("term", "2026年6月9日—2027年6月8日");
    expect_zh("2026", "2026年（6月9日—12月31日）");
    expect_zh("2026-06", "2026年6月（6月9日—6月30日）");
    expect_zh("2027-01", "2027年1月");

    /* A week whose Monday lies in the previous year (unclipped). */
    od_period p;
    assert_true(period_parse_nominal("2025-W01", &p, NULL, 0));
    buf b;
    buf_init(&b, 0);
    period_format_zh(&p, &b);
    assert_string_equal(buf_cstr(&b), "2025年第1周（2024年12月30日—2025年1月5日）");
    buf_reset(&b);
    assert_int_equal(period_format_zh_date(D("2026-06-09"), &b), 0);
    assert_string_equal(buf_cstr(&b), "2026年6月9日");
    buf_free(&b);

    /* A failed buffer reports -1. */
    buf_init(&b, 4);
    assert_int_equal(period_format_zh(&p, &b), -1);
    buf_free(&b);
}

static void test_today(void **state)
{
    (void)state;
    od_date t = period_today();
    /* The clock is not ours to fix; check it is a plausible Beijing date
     * that agrees with time() to within a day. */
    od_date utc_day = (od_date)(time(NULL) / 86400);
    assert_true(t == utc_day || t == utc_day + 1);
    assert_true(t >= D("2024-01-01"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_clipping),
        cmocka_unit_test(test_relative),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_nominal),
        cmocka_unit_test(test_iteration),
        cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_chinese_plain),
        cmocka_unit_test(test_today),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
