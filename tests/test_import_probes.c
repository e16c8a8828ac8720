/* Unit tests of the probes importer: Uptime Kuma status mapping and time
 * parsing, Prometheus query_range parsing (malformed JSON, wrong
 * resultType, order, duplicates, chunk overlap) and the minute-merging
 * writer (temporary files, no overwrite). */
#include "test_util.h"

#include "alloc.h"
#include "kuma.h"
#include "probewrite.h"
#include "promjson.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#define JULY_MS INT64_C(1782835200000)   /* 2026-07-01T00:00+08:00 */

static void test_kuma_status_mapping(void **state)
{
    (void)state;
    /* As Uptime Kuma's uptime calculator: UP up, DOWN and PENDING down,
     * MAINTENANCE neither. */
    assert_int_equal(kuma_status_sample(1, false), KUMA_SAMPLE_UP);
    assert_int_equal(kuma_status_sample(0, false), KUMA_SAMPLE_DOWN);
    assert_int_equal(kuma_status_sample(2, false), KUMA_SAMPLE_DOWN);
    assert_int_equal(kuma_status_sample(3, false), KUMA_SAMPLE_NONE);
    /* --pending up changes only pending. */
    assert_int_equal(kuma_status_sample(2, true), KUMA_SAMPLE_UP);
    assert_int_equal(kuma_status_sample(0, true), KUMA_SAMPLE_DOWN);
    assert_int_equal(kuma_status_sample(3, true), KUMA_SAMPLE_NONE);
    assert_int_equal(kuma_status_sample(4, false), KUMA_SAMPLE_INVALID);
    assert_int_equal(kuma_status_sample(-1, false), KUMA_SAMPLE_INVALID);
}

static void test_kuma_time(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_true(kuma_parse_time("2026-06-30 16:00:00", &ms));
    assert_int_equal(ms, JULY_MS);
    assert_true(kuma_parse_time("2026-06-30 16:00:00.123", &ms));   /* 2.x isoDateTimeMillis */
    assert_int_equal(ms, JULY_MS + 123);
    assert_true(kuma_parse_time("2026-06-30T16:00:01Z", &ms));
    assert_int_equal(ms, JULY_MS + 1000);
    assert_true(kuma_parse_time("2026-06-30 16:00:00.5", &ms));
    assert_int_equal(ms, JULY_MS + 500);
    assert_false(kuma_parse_time("2026-06-30 16:00", &ms));
    assert_false(kuma_parse_time("2026-02-30 16:00:00", &ms));
    assert_false(kuma_parse_time("2026-06-30 16:00:00+08:00", &ms));
    assert_false(kuma_parse_time("2026-06-30 16:00:00.", &ms));
    assert_false(kuma_parse_time("1782835200", &ms));
    /* Beijing minute of that instant: 2026-07-01T00:00. */
    char at[17];
    od_format_instant(probewrite_minute_of_unix_ms(JULY_MS), at);
    assert_string_equal(at, "2026-07-01T00:00");
    od_format_instant(probewrite_minute_of_unix_ms(JULY_MS - 1), at);
    assert_string_equal(at, "2026-06-30T23:59");
    assert_int_equal(probewrite_unix_ms_of_minute(probewrite_minute_of_unix_ms(JULY_MS + 59999)), JULY_MS);
}

/* ---- Prometheus ---------------------------------------------------------- */

static const prom_select all_time = {.from_ms = 0, .to_ms = INT64_MAX};

static or_status parse(const char *json, prom_points *pts, capture *c, const prom_select *sel)
{
    return prom_parse("r.json", json, strlen(json), sel ? sel : &all_time, pts, &c->d);
}

#define RESPONSE(series) "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" series "]}}"
#define SERIES(instance, values) \
    "{\"metric\":{\"__name__\":\"probe_success\",\"instance\":\"" instance "\",\"job\":\"blackbox\"},\"values\":[" values "]}"

static void test_prom_parse(void **state)
{
    (void)state;
    capture c;
    capture_begin(&c);
    prom_points pts = {0};
    /* As in docs/querying/api.md: float seconds, string values. */
    assert_int_equal(parse(RESPONSE(SERIES("https://a/", "[1782835200.781,\"1\"],[1782835260.781,\"0\"],[1782835320,\"1\"]")),
                           &pts, &c, NULL),
                     OR_OK);
    assert_int_equal(pts.n, 3);
    assert_int_equal(pts.v[0], (JULY_MS + 781) * 2 + 1);
    assert_int_equal(pts.v[1], (JULY_MS + 60781) * 2 + 0);
    assert_int_equal(pts.v[2], (JULY_MS + 120000) * 2 + 1);
    assert_string_equal(pts.instance, "https://a/");
    assert_string_equal(pts.series, "{__name__=\"probe_success\", instance=\"https://a/\", job=\"blackbox\"}");
    assert_int_equal(c.d.errors, 0);
    prom_points_free(&pts);
    capture_end(&c);
}

static void test_prom_errors(void **state)
{
    (void)state;
    static const struct {
        const char *json, *message;
    } cases[] = {
        {"{\"status\":\"success\",\n \"data\": {\"resultType\": \"matrix\" \"result\": []}}", "r.json:2: error: column"},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" SERIES("a", "[1782835200,\"1\"]"),
         "the JSON ends early"},
        {"", "the JSON ends early"},
        {RESPONSE("") " {}", "more after the response"},
        {"[1,2]", "no \"status\" member"},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", "resultType \"vector\" (expected \"matrix\""},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\"}}", "no data.result array"},
        {"{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out\"}", "status \"error\", errorType timeout: query timed out"},
        {RESPONSE(SERIES("a", "[1782835260,\"1\"],[1782835200,\"1\"]")), "values[1]: timestamp 1782835200.000 is not after the previous one 1782835260.000"},
        {RESPONSE(SERIES("a", "[1782835200,\"1\"],[1782835200,\"1\"]")), "values[1]: timestamp 1782835200.000 is not after"},
        {RESPONSE(SERIES("a", "[1782835200,\"0.5\"]")), "value \"0.5\" (expected \"0\" or \"1\""},
        {RESPONSE(SERIES("a", "[1782835200,1]")), "values[0] is [1782835200,1] (expected [unix_time, \"0\" or \"1\"])"},
        {RESPONSE(SERIES("a", "[\"x\",\"1\"]")), "values[0] is"},
        {RESPONSE(SERIES("a", "[-5,\"1\"]")), "timestamp -5.000 (expected unix seconds)"},
        {RESPONSE("{\"metric\":{},\"histograms\":[]}"), "has no \"values\" array"},
        {RESPONSE("{\"values\":[]}"), "has no \"metric\" object"},
        {RESPONSE(SERIES("a", "[1782835200,\"1\"]") "," SERIES("b", "[1782835200,\"1\"]")), "2 series match"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        capture c;
        capture_begin(&c);
        prom_points pts = {0};
        or_status st = parse(cases[i].json, &pts, &c, NULL);
        if (st != OR_EINPUT)
            fail_msg("case %zu: status %d, expected OR_EINPUT", i, (int)st);
        assert_contains(capture_text(&c), cases[i].message);
        prom_points_free(&pts);
        capture_end(&c);
    }
}

static void test_prom_match(void **state)
{
    (void)state;
    const char *two = RESPONSE(SERIES("a", "[1782835200,\"1\"]") "," SERIES("b", "[1782835200,\"0\"],[1782835260,\"0\"]"));
    prom_match m[] = {{"instance", "b"}};
    prom_select sel = {.match = m, .n_match = 1, .from_ms = 0, .to_ms = INT64_MAX};
    capture c;
    capture_begin(&c);
    prom_points pts = {0};
    assert_int_equal(parse(two, &pts, &c, &sel), OR_OK);
    assert_int_equal(pts.n, 2);
    assert_int_equal(pts.v[0] & 1, 0);
    /* The same series must be chosen in every chunk. */
    prom_match other[] = {{"job", "blackbox"}};
    prom_select sel2 = {.match = other, .n_match = 1, .from_ms = 0, .to_ms = INT64_MAX};
    assert_int_equal(parse(RESPONSE(SERIES("a", "[1782835320,\"1\"]")), &pts, &c, &sel2), OR_EINPUT);
    assert_contains(capture_text(&c), "the matching series is {__name__=\"probe_success\", instance=\"a\"");
    prom_points_free(&pts);
    capture_end(&c);

    /* No match: a warning, no points; another metric is never taken. */
    capture_begin(&c);
    prom_match none[] = {{"instance", "zzz"}};
    prom_select sel3 = {.match = none, .n_match = 1, .from_ms = 0, .to_ms = INT64_MAX};
    assert_int_equal(parse(two, &pts, &c, &sel3), OR_OK);
    assert_int_equal(pts.n, 0);
    assert_int_equal(c.d.warnings, 1);
    assert_contains(capture_text(&c), "no probe_success series matches");
    assert_int_equal(parse(RESPONSE("{\"metric\":{\"__name__\":\"up\"},\"values\":[[1782835200,\"1\"]]}"), &pts, &c, NULL), OR_OK);
    assert_int_equal(pts.n, 0);
    prom_points_free(&pts);
    capture_end(&c);
}

static void test_prom_overlap(void **state)
{
    (void)state;
    capture c;
    capture_begin(&c);
    prom_points pts = {0};
    /* Two chunks overlapping on 1782835260 and 1782835320, read in
     * reverse order: merged, sorted, the two duplicates dropped. */
    assert_int_equal(parse(RESPONSE(SERIES("a", "[1782835260,\"0\"],[1782835320,\"1\"],[1782835380,\"1\"]")), &pts, &c, NULL), OR_OK);
    assert_int_equal(parse(RESPONSE(SERIES("a", "[1782835200,\"1\"],[1782835260,\"0\"],[1782835320,\"1\"]")), &pts, &c, NULL), OR_OK);
    assert_int_equal(pts.n, 6);
    assert_int_equal(prom_merge(&pts, &c.d), OR_OK);
    assert_int_equal(pts.n, 4);
    assert_int_equal(pts.duplicates, 2);
    assert_int_equal(pts.v[0], JULY_MS * 2 + 1);
    assert_int_equal(pts.v[1], (JULY_MS + 60000) * 2);
    assert_int_equal(pts.v[3], (JULY_MS + 180000) * 2 + 1);
    assert_int_equal(prom_min_step_ms(&pts), 60000);
    prom_points_free(&pts);
    /* Overlapping chunks that disagree. */
    assert_int_equal(parse(RESPONSE(SERIES("a", "[1782835200,\"1\"],[1782835260,\"1\"]")), &pts, &c, NULL), OR_OK);
    assert_int_equal(parse(RESPONSE(SERIES("a", "[1782835260,\"0\"]")), &pts, &c, NULL), OR_OK);
    assert_int_equal(prom_merge(&pts, &c.d), OR_EINPUT);
    assert_contains(capture_text(&c), "unix time 1782835260.000 (2026-07-01T00:01) is \"0\" in one chunk and \"1\" in another");
    prom_points_free(&pts);
    /* The range keeps [from, to) only. */
    prom_select sel = {.from_ms = JULY_MS + 60000, .to_ms = JULY_MS + 120000};
    assert_int_equal(parse(RESPONSE(SERIES("a", "[1782835200,\"1\"],[1782835260,\"1\"],[1782835320,\"1\"]")), &pts, &c, &sel), OR_OK);
    assert_int_equal(pts.n, 1);
    assert_int_equal(pts.points_read, 3);
    prom_points_free(&pts);
    capture_end(&c);
}

/* ---- the writer -------------------------------------------------------------- */

static char *tmpdir_make(void)
{
    char tmpl[] = "/tmp/or-test-probes-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return or_strdup(d);
}

static int dir_entries(const char *dir)
{
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(dh);
    return n;
}

static char *slurp(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t len;
    char *s = test_read_all(f, &len);
    fclose(f);
    return s;
}

static void rm_dir(const char *dir)
{
    DIR *dh = opendir(dir);
    struct dirent *e;
    char path[512];
    while (dh && (e = readdir(dh)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (dh)
        closedir(dh);
    rmdir(dir);
}

static void test_writer_minutes_and_months(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    capture c;
    capture_begin(&c);
    probewrite_opts o = {.dir = dir, .system = "web", .target = "https://a/?x=1&y=\"2\"", .origin = "from -- test",
                         .interval_seconds = 60, .from = INT64_MIN, .to = INT64_MAX};
    probewrite *w = NULL;
    assert_int_equal(probewrite_open(&w, &o, &c.d), OR_OK);
    int64_t last_june = JULY_MS - 60000;   /* 2026-06-30T23:59 Beijing */
    assert_int_equal(probewrite_add(w, last_june, true, 100, "t", &c.d), OR_OK);
    assert_int_equal(probewrite_add(w, last_june + 20000, true, 201, "t", &c.d), OR_OK);
    /* 07-01 00:00: up then down in the same minute: down, no ms. */
    assert_int_equal(probewrite_add(w, JULY_MS, true, 100, "t", &c.d), OR_OK);
    assert_int_equal(probewrite_add(w, JULY_MS + 30000, false, -1, "t", &c.d), OR_OK);
    assert_int_equal(probewrite_add(w, JULY_MS + 60000, true, -1, "t", &c.d), OR_OK);
    /* Out of order. */
    assert_int_equal(probewrite_add(w, JULY_MS, true, -1, "t", &c.d), OR_EINPUT);
    assert_contains(capture_text(&c), "t: error: sample at 2026-07-01T00:00 comes after one at 2026-07-01T00:01");
    assert_int_equal(probewrite_finish(w, &c.d), OR_OK);
    assert_int_equal(probewrite_file_count(w), 2);
    assert_string_equal(probewrite_file_at(w, 0)->name, "probes-web-2026-06.xml");
    assert_string_equal(probewrite_file_at(w, 1)->name, "probes-web-2026-07.xml");
    probewrite_totals t = probewrite_get_totals(w);
    assert_int_equal(t.samples, 3);
    assert_int_equal(t.ok, 2);
    /* Before the commit only hidden temporary files exist. */
    assert_null(slurp(dir, "probes-web-2026-07.xml"));
    assert_int_equal(dir_entries(dir), 2);
    assert_int_equal(probewrite_commit(w, &c.d), OR_OK);
    probewrite_free(w);
    assert_int_equal(dir_entries(dir), 2);
    char *june = slurp(dir, "probes-web-2026-06.xml"), *july = slurp(dir, "probes-web-2026-07.xml");
    assert_non_null(june);
    assert_non_null(july);
    assert_string_equal(june, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<!-- from - - test -->\n"
                              "<probes system=\"web\" target=\"https://a/?x=1&amp;y=&quot;2&quot;\" interval=\"60\">\n"
                              "  <p t=\"2026-06-30T23:59:00\" ok=\"1\" ms=\"151\"/>\n"
                              "</probes>\n");
    assert_contains(july, "  <p t=\"2026-07-01T00:00:00\" ok=\"0\"/>\n  <p t=\"2026-07-01T00:01:00\" ok=\"1\"/>\n</probes>\n");
    or_free(june);
    or_free(july);
    capture_end(&c);

    /* Again: the files exist, nothing is written, the temporary files go. */
    capture_begin(&c);
    assert_int_equal(probewrite_open(&w, &o, &c.d), OR_OK);
    assert_int_equal(probewrite_add(w, JULY_MS, true, -1, "t", &c.d), OR_OK);
    assert_int_equal(probewrite_finish(w, &c.d), OR_EINPUT);
    assert_contains(capture_text(&c), "probes-web-2026-07.xml: error: exists already");
    probewrite_free(w);
    assert_int_equal(dir_entries(dir), 2);
    capture_end(&c);
    rm_dir(dir);
    or_free(dir);
}

static void test_writer_single_file_range_and_busy(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    capture c;
    capture_begin(&c);
    od_minute july = probewrite_minute_of_unix_ms(JULY_MS);
    probewrite_opts o = {.dir = dir, .system = "a/b", .interval_seconds = 300, .single_name = "all.xml",
                         .from = july, .to = july + 2 * 31 * 1440};
    probewrite *w = NULL;
    assert_int_equal(probewrite_open(&w, &o, &c.d), OR_OK);
    assert_int_equal(probewrite_add(w, JULY_MS - 60000, true, -1, "t", &c.d), OR_OK);           /* outside */
    assert_int_equal(probewrite_add(w, JULY_MS, true, -1, "t", &c.d), OR_OK);
    assert_int_equal(probewrite_add(w, JULY_MS + INT64_C(31) * 86400000, true, -1, "t", &c.d), OR_OK);   /* August */
    assert_int_equal(probewrite_finish(w, &c.d), OR_OK);
    assert_int_equal(probewrite_file_count(w), 1);
    probewrite_totals t = probewrite_get_totals(w);
    assert_int_equal(t.samples, 2);
    assert_int_equal(t.outside, 1);
    probewrite_free(w);   /* no commit: nothing stays */
    assert_int_equal(dir_entries(dir), 0);

    /* Days already holding samples of the system are refused. */
    uint32_t busy[3] = {0, 0, 5};
    o.busy_total = busy;
    o.busy_first = od_minute_day(july) - 2;
    o.busy_days = 3;
    o.single_name = NULL;
    assert_int_equal(probewrite_open(&w, &o, &c.d), OR_OK);
    assert_int_equal(probewrite_add(w, JULY_MS, true, -1, "t", &c.d), OR_OK);
    assert_int_equal(probewrite_finish(w, &c.d), OR_EINPUT);
    assert_contains(capture_text(&c), "system a/b already has 5 samples on 2026-07-01");
    assert_string_equal(probewrite_file_at(w, 0)->name, "probes-a_b-2026-07.xml");
    probewrite_free(w);
    assert_int_equal(dir_entries(dir), 0);
    capture_end(&c);
    rm_dir(dir);
    or_free(dir);
}

/* Every allocation of parsing, merging and writing may fail: each run
 * either succeeds or reports OR_ESYS, frees what it took (ASan's leak
 * check) and leaves no file behind. */
static void test_allocation_failures(void **state)
{
    (void)state;
    const char *json = RESPONSE(SERIES("a", "[1782835200,\"1\"],[1782835260,\"0\"]") "," SERIES("b", "[1782835200,\"1\"]"));
    prom_match m[] = {{"instance", "a"}};
    prom_select sel = {.match = m, .n_match = 1, .from_ms = 0, .to_ms = INT64_MAX};
    char *dir = tmpdir_make();
    bool finished = false;
    for (long n = 1; n < 1000 && !finished; n++) {
        capture c;
        capture_begin(&c);
        prom_points pts = {0};
        probewrite *w = NULL;
        probewrite_opts o = {.dir = dir, .system = "web", .interval_seconds = 60, .from = INT64_MIN, .to = INT64_MAX};
        or_alloc_fail_at(n, 1);
        or_status st = prom_parse("r.json", json, strlen(json), &sel, &pts, &c.d);
        if (st == OR_OK)
            st = prom_merge(&pts, &c.d);
        if (st == OR_OK)
            st = probewrite_open(&w, &o, &c.d);
        if (st == OR_OK)
            st = prom_write(&pts, w, "r.json", &c.d);
        if (st == OR_OK)
            st = probewrite_finish(w, &c.d);
        or_alloc_fail_at(0, 0);
        if (st == OR_OK)
            finished = true;
        else
            assert_int_equal(st, OR_ESYS);
        probewrite_free(w);   /* not committed: removes the files */
        prom_points_free(&pts);
        assert_int_equal(dir_entries(dir), 0);
        capture_end(&c);
    }
    assert_true(finished);
    rm_dir(dir);
    or_free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kuma_status_mapping),
        cmocka_unit_test(test_kuma_time),
        cmocka_unit_test(test_prom_parse),
        cmocka_unit_test(test_prom_errors),
        cmocka_unit_test(test_prom_match),
        cmocka_unit_test(test_prom_overlap),
        cmocka_unit_test(test_writer_minutes_and_months),
        cmocka_unit_test(test_writer_single_file_range_and_busy),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
