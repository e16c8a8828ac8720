#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "datetime.h"

static void civil_round_trip(void **state)
{
    (void)state;
    assert_int_equal(od_date_from_ymd(1970, 1, 1), 0);
    assert_int_equal(od_date_from_ymd(2000, 3, 1), 11017);
    for (od_date d = -800000; d < 800000; d += 997) {
        int y, m, dd;
        od_date_to_ymd(d, &y, &m, &dd);
        assert_int_equal(od_date_from_ymd(y, m, dd), d);
    }
}

static void weekdays_and_iso_weeks(void **state)
{
    (void)state;
    int y, w;
    /* Facts from chinese-typesetting.md D.3. */
    od_date term_start = od_date_from_ymd(2026, 6, 9);
    assert_int_equal(od_weekday(term_start), 2);          /* Tuesday */
    od_iso_week(term_start, &y, &w);
    assert_int_equal(y, 2026);
    assert_int_equal(w, 24);
    assert_int_equal(od_iso_week_monday(2026, 1), od_date_from_ymd(2025, 12, 29));
    assert_int_equal(od_iso_week_monday(2025, 1), od_date_from_ymd(2024, 12, 30));
    assert_int_equal(od_iso_weeks_in_year(2026), 53);
    assert_int_equal(od_iso_weeks_in_year(2025), 52);
    od_iso_week(od_date_from_ymd(2027, 1, 3), &y, &w);
    assert_int_equal(y, 2026);
    assert_int_equal(w, 53);
    od_iso_week(od_date_from_ymd(2027, 1, 4), &y, &w);
    assert_int_equal(y, 2027);
    assert_int_equal(w, 1);
}

static void parses_dates_and_instants(void **state)
{
    (void)state;
    od_date d;
    od_minute m, base;
    assert_true(od_parse_date("2026-02-28", &d));
    assert_false(od_parse_date("2026-02-29", &d));
    assert_false(od_parse_date("2026-2-28", &d));
    assert_false(od_parse_date("2026-02-28x", &d));

    assert_true(od_parse_instant("2026-07-01T09:15", &base));
    assert_int_equal(base, od_day_start(od_date_from_ymd(2026, 7, 1)) + 9 * 60 + 15);
    assert_true(od_parse_instant("2026-07-01T09:15:59+08:00", &m));
    assert_int_equal(m, base);
    /* 01:15 UTC is 09:15 in Beijing. */
    assert_true(od_parse_instant("2026-07-01T01:15Z", &m));
    assert_int_equal(m, base);
    assert_true(od_parse_instant("2026-06-30T19:15-06:00", &m));
    assert_int_equal(m, base);
    assert_false(od_parse_instant("2026-07-01T24:00", &m));
    assert_false(od_parse_instant("2026-07-01 09:15", &m));
    assert_false(od_parse_instant("2026-07-01T09:15+8", &m));

    char out[17];
    od_format_instant(base, out);
    assert_string_equal(out, "2026-07-01T09:15");
    /* seconds kept: 01:15:07Z is 09:15:07 in Beijing */
    int sec = -1;
    assert_true(od_parse_instant_s("2026-07-01T01:15:07Z", &m, &sec));
    assert_int_equal(m, base);
    assert_int_equal(sec, 7);
    assert_true(od_parse_instant_s("2026-07-01T09:15", &m, &sec));
    assert_int_equal(sec, 0);
    assert_false(od_parse_instant_s("2026-07-01T09:15:60", &m, &sec));
    char outs[20];
    od_format_instant_s(base, 7, outs);
    assert_string_equal(outs, "2026-07-01T09:15:07");
    od_format_instant_s(base, 0, outs);
    assert_string_equal(outs, "2026-07-01T09:15");
    assert_int_equal(od_minute_day(od_day_start(-3) + 5), -3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(civil_round_trip),
        cmocka_unit_test(weekdays_and_iso_weeks),
        cmocka_unit_test(parses_dates_and_instants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
