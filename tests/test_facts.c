/* Tests for facts and kpi: hand-worked figures on tests/data/facts/unit
 * (every expected value is worked out in the fixture's comments and
 * below).  Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNIT "tests/data/facts/unit"

typedef struct world {
    records *r;
    calendar *cal;
    kpi_rules *k;
} world;

static world W;

static int setup(void **state)
{
    (void)state;
    diag d = {0};
    if (records_load_dir(&W.r, UNIT, "data/schema", &d) != OR_OK)
        return -1;
    if (calendar_load(&W.cal, CALENDAR_SHIPPED_PATH, &d) != OR_OK)
        return -1;
    if (kpi_rules_load(&W.k, KPI_RULES_PATH, KPI_SCHEMA_PATH, &d) != OR_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kpi_rules_free(W.k);
    calendar_free(W.cal);
    records_free(W.r);
    return 0;
}

static facts *compute(const char *period)
{
    od_period p;
    diag d = {0};
    assert_int_equal(period_parse(period, 0, W.r->contract.term_start, W.r->contract.term_end, &p, &d), OR_OK);
    facts *f = NULL;
    assert_int_equal(facts_compute(&f, W.r, W.cal, W.k, &p, &d), OR_OK);
    return f;
}

static const facts_system *sys(const facts *f, const char *id)
{
    for (size_t i = 0; i < f->n_systems; i++)
        if (strcmp(f->systems[i].id, id) == 0)
            return &f->systems[i];
    fail_msg("no system %s", id);
    return NULL;
}

static const facts_rule *rule(const facts *f, const char *id)
{
    for (size_t i = 0; i < f->n_kpi; i++)
        if (strcmp(f->kpi[i].id, id) == 0)
            return &f->kpi[i];
    fail_msg("no rule %s", id);
    return NULL;
}

static const facts_incident *incident(const facts *f, const char *id)
{
    for (size_t i = 0; i < f->n_incidents; i++)
        if (strcmp(W.r->incidents.v[f->incidents[i].index].id, id) == 0)
            return &f->incidents[i];
    fail_msg("no incident %s", id);
    return NULL;
}

static const facts_document *document(const facts *f, rec_doc_kind kind, const char *label_or_ref)
{
    for (size_t i = 0; i < f->n_documents; i++) {
        const facts_document *e = &f->documents[i];
        if (e->kind != kind)
            continue;
        const char *name = kind == REC_DOC_INCIDENT ? W.r->incidents.v[e->incident].id : e->unit.label;
        if (strcmp(name, label_or_ref) == 0)
            return e;
    }
    fail_msg("no document %s", label_or_ref);
    return NULL;
}

static od_date D(const char *s)
{
    od_date d;
    assert_true(od_parse_date(s, &d));
    return d;
}

/* ---- availability -------------------------------------------------------- */

/* EDGE: outage 07-31 23:00 – 08-01 01:00 on system a: 60 min in July, 60
 * in August; July = 31 × 1440 = 44640 min; 44580/44640 = 99.8656% → 99.866. */
static void test_outage_across_period_edge(void **state)
{
    (void)state;
    facts *f = compute("2026-07");
    const facts_system *a = sys(f, "a");
    assert_int_equal(a->down_minutes, 60);
    assert_int_equal(a->total_minutes, 44640);
    char s[32];
    facts_format_percent(a->total_minutes - a->down_minutes, a->total_minutes, s);
    assert_string_equal(s, "99.866");
    facts_free(f);
    f = compute("2026-08");
    assert_int_equal(sys(f, "a")->down_minutes, 60);
    facts_free(f);
}

/* b: outages 10:00–11:00 and 10:30–12:00 unite to 120 min; maintenance
 * 10:45–11:15 inside them takes 30 min out of both down and total:
 * down 90, total 44640 − 30 = 44610, availability 44520/44610 = 99.798%. */
static void test_overlap_and_maintenance(void **state)
{
    (void)state;
    facts *f = compute("2026-07");
    const facts_system *b = sys(f, "b");
    assert_int_equal(b->maintenance_minutes, 30);
    assert_int_equal(b->total_minutes, 44610);
    assert_int_equal(b->down_minutes, 90);
    char s[32];
    facts_format_percent(b->down_minutes, b->total_minutes, s);
    assert_string_equal(s, "0.202");
    /* Both ≥ 99%: availability +1 for a, b and c. */
    assert_int_equal(rule(f, "availability")->points, 3000);
    facts_free(f);
}

/* c: 12 hours of outage with cause external: nothing counted. */
static void test_external_outage(void **state)
{
    (void)state;
    facts *f = compute("2026-07");
    assert_int_equal(sys(f, "c")->down_minutes, 0);
    /* ... but the 720-minute resolution still breaks the 8 h limit. */
    assert_false(incident(f, "EXT")->resolution_ok);
    facts_free(f);
}

/* ---- inspections --------------------------------------------------------- */

/* June is 06-09..06-30 (the term starts 06-09): 22 days; ISO weeks W24
 * (06-08..14, cut by the term's start) to W27 (06-29..07-05): 4.  a has a
 * server inspection on 06-08 (before the term, same week) and 07-02 (after
 * June, same week): 2 done, 2 missed.  Page: 06-09 and 06-10 (twice): 2. */
static void test_week_cut_by_term_start(void **state)
{
    (void)state;
    facts *f = compute("2026-06");
    const facts_system *a = sys(f, "a");
    assert_int_equal(a->page_required, 22);
    assert_int_equal(a->page_done, 2);
    assert_int_equal(a->server_required, 4);
    assert_int_equal(a->server_done, 2);
    /* Missed: a 20 + 2, b 22 + 4, c 22 + 4 = 74 × −0.5 = −37. */
    assert_int_equal(rule(f, "inspection-missed")->points, -37000);
    assert_int_equal(rule(f, "inspection-missed")->n_causes, 74);
    facts_free(f);
    /* W27 counts in July too (done by the 07-02 inspection). */
    f = compute("2026-07");
    assert_int_equal(sys(f, "a")->server_required, 5);
    assert_int_equal(sys(f, "a")->server_done, 1);
    facts_free(f);
}

/* ---- documents ----------------------------------------------------------- */

/* 2026-09's monthly report: 10-01..07 are the National Day holiday, 10-08
 * (Thu) and 10-09 (Fri) are working days 1 and 2, Saturday 10-10 is a
 * make-up working day: due 10-10.  Submitted 10-12: late, in October. */
static void test_monthly_due_over_national_day(void **state)
{
    (void)state;
    facts *f = compute("2026-10");
    const facts_document *e = document(f, REC_DOC_MONTHLY, "2026-09");
    assert_int_equal(e->due, D("2026-10-10"));
    assert_int_equal(e->submitted, D("2026-10-12"));
    assert_true(e->late);
    assert_false(e->fallback);
    facts_free(f);
}

/* MAKEUP resolved Wed 09-16: Thu 17 (1), Fri 18 (2), Sat 19 off, Sun 20 a
 * make-up working day (3): due Sun 09-20; the report of 09-21 is late. */
static void test_incident_report_due_on_makeup_sunday(void **state)
{
    (void)state;
    facts *f = compute("2026-09");
    const facts_document *e = document(f, REC_DOC_INCIDENT, "MAKEUP");
    assert_int_equal(e->due, D("2026-09-20"));
    assert_int_equal(od_weekday(e->due), 7);
    assert_true(e->late);
    facts_free(f);
}

/* Typos per document: 0 → 0, 5 → −0.5, 6 → −1 (ceil(6/5) × 0.5); all three
 * documents are due in August (W31: 08-03, 2026-07: 08-05, W32: 08-10). */
static void test_typos(void **state)
{
    (void)state;
    facts *f = compute("2026-08");
    const facts_rule *t = rule(f, "doc-typos");
    assert_int_equal(t->n_causes, 2);
    assert_int_equal(t->causes[0].points, -500);   /* monthly 2026-07, 5 typos */
    assert_int_equal(t->causes[1].points, -1000);  /* weekly 2026-W31, 6 typos */
    assert_int_equal(t->points, -1500);
    facts_free(f);
}

/* ---- findings ------------------------------------------------------------ */

/* Six resolved hazards (H7 is unresolved): +6, capped at +5. */
static void test_hazard_cap(void **state)
{
    (void)state;
    facts *f = compute("2026-08");
    const facts_rule *h = rule(f, "hazard-found");
    assert_int_equal(h->uncapped, 6000);
    assert_int_equal(h->points, 5000);
    assert_true(h->capped);
    /* H6 reported 30 min after found (> 15): −0.5; O1 same day +0.5, O2 next day 0. */
    assert_int_equal(rule(f, "finding-late")->points, -500);
    assert_int_equal(rule(f, "out-of-scope-finding")->points, 500);
    facts_free(f);
}

/* ---- incidents ----------------------------------------------------------- */

static void test_never_responded(void **state)
{
    (void)state;
    facts *f = compute("2026-08");
    const facts_incident *s = incident(f, "SILENT");
    assert_int_equal(s->response, -1);
    assert_false(s->response_ok);
    assert_true(s->open_at_end);
    const facts_rule *u = rule(f, "unanswered");
    assert_int_equal(u->points, -500);
    assert_string_equal(u->causes[0].id, "SILENT");
    assert_int_equal(u->causes[0].src.line, 33);
    facts_free(f);
}

/* THIRD: third-party cause, resolved after 600 min (> 8 h): ok; SLOW, the
 * same with cause software: late, and responded after 45 min: late. */
static void test_third_party_after_8h(void **state)
{
    (void)state;
    facts *f = compute("2026-08");
    const facts_incident *t = incident(f, "THIRD");
    assert_int_equal(t->resolution, 600);
    assert_true(t->resolution_ok);
    assert_false(incident(f, "SLOW")->resolution_ok);
    const facts_rule *r = rule(f, "fault-resolution-late");
    assert_int_equal(r->n_causes, 1);
    assert_string_equal(r->causes[0].id, "SLOW");
    assert_int_equal(rule(f, "fault-response-late")->points, -500);
    facts_free(f);
}

/* An incident reported in July but resolved in August is open at July's
 * end: fault-resolution-late counts it in July. */
static void test_unresolved_at_period_end(void **state)
{
    (void)state;
    facts *f = compute("2026-07");
    assert_true(incident(f, "EDGE")->open_at_end);
    assert_true(incident(f, "EDGE")->resolution_ok);
    const facts_rule *r = rule(f, "fault-resolution-late");
    /* EDGE (open at end) and EXT (720 min, external is no exception). */
    assert_int_equal(r->n_causes, 2);
    /* EXT is level 2: −5. */
    assert_int_equal(rule(f, "fault-level")->points, -5000);
    facts_free(f);
}

/* ---- seconds (tests/data/facts/seconds) ---------------------------------- */

/* SLA 30 min / 8 h compared on exact seconds; minutes are the seconds
 * rounded up.  ONE-SECOND: 10:00:59 → 10:01:00 = 1 s → 1 min, in time;
 * 10:00:59 → 18:00:59 = 8 × 3600 = 28,800 s → 480 min, in time.
 * ON-THE-MINUTE: 1800 s → 30 min, in time; 28,800 s, in time.
 * LATE-BY-SECONDS: 10:00:01 → 10:30:59 = 30 × 60 + 58 = 1858 s → 31 min,
 * late; 10:00:01 → 18:00:02 = 28,801 s → 481 min, late.  Probes every
 * 6 s (20 samples, i = 0, 5, 10, 15 failing): 16/20 = 80.000%. */
static void test_seconds_kept(void **state)
{
    (void)state;
    diag d = {0};
    records *r = NULL;
    assert_int_equal(records_load_dir(&r, "tests/data/facts/seconds", "data/schema", &d), OR_OK);
    od_period p;
    assert_int_equal(period_parse("2026-07", 0, r->contract.term_start, r->contract.term_end, &p, &d), OR_OK);
    facts *f = NULL;
    assert_int_equal(facts_compute(&f, r, W.cal, W.k, &p, &d), OR_OK);
    static const struct {
        const char *id;
        int64_t response_s, response, resolution_s, resolution;
        bool response_ok, resolution_ok;
    } want[] = {
        {"ONE-SECOND", 1, 1, 28800, 480, true, true},
        {"ON-THE-MINUTE", 1800, 30, 28800, 480, true, true},
        {"LATE-BY-SECONDS", 1858, 31, 28801, 481, false, false},
    };
    assert_int_equal(f->n_incidents, 3);
    for (size_t i = 0; i < 3; i++) {
        const facts_incident *fi = &f->incidents[i];
        assert_string_equal(r->incidents.v[fi->index].id, want[i].id);
        assert_int_equal(fi->response_s, want[i].response_s);
        assert_int_equal(fi->response, want[i].response);
        assert_int_equal(fi->resolution_s, want[i].resolution_s);
        assert_int_equal(fi->resolution, want[i].resolution);
        assert_int_equal(fi->response_ok, want[i].response_ok);
        assert_int_equal(fi->resolution_ok, want[i].resolution_ok);
    }
    assert_int_equal(f->systems[0].probe_total, 20);
    assert_int_equal(f->systems[0].probe_ok, 16);
    /* the facts keep the seconds of the instants */
    buf out;
    buf_init(&out, 0);
    assert_int_equal(facts_write(f, FACTS_XML, &out, &d), OR_OK);
    assert_non_null(strstr(buf_cstr(&out), "reported=\"2026-07-07T10:00:59\" responded=\"2026-07-07T10:01\""));
    assert_non_null(strstr(buf_cstr(&out), "response-minutes=\"31\" response-seconds=\"1858\""));
    buf_free(&out);
    facts_free(f);
    records_free(r);
}

/* ---- score, grade, money ------------------------------------------------- */

static void test_grades_and_tail(void **state)
{
    (void)state;
    assert_string_equal(kpi_grade_of(W.k, 95000)->name, "优秀");
    assert_string_equal(kpi_grade_of(W.k, 94999)->name, "良好");
    assert_string_equal(kpi_grade_of(W.k, 80000)->name, "良好");
    assert_string_equal(kpi_grade_of(W.k, 79500)->name, "合格");
    assert_string_equal(kpi_grade_of(W.k, 60000)->name, "基本合格");
    assert_string_equal(kpi_grade_of(W.k, 59999)->name, "不合格");
    assert_false(kpi_grade_of(W.k, 10000)->accepted);
    facts *f = compute("2026-08");
    assert_int_equal(f->fee_total_fen, 20880000);
    assert_int_equal(f->tail_fen, 4176000);   /* 20% of ¥208,800.00 = ¥41,760.00 */
    assert_int_equal(f->score, f->rules->base_milli + f->points);
    int64_t sum = 0;
    for (size_t i = 0; i < f->n_kpi; i++)
        sum += f->kpi[i].points;
    assert_int_equal(sum, f->points);
    facts_free(f);
}

static void test_milli_and_percent(void **state)
{
    (void)state;
    int64_t v;
    assert_true(kpi_parse_milli("-0.5", &v));
    assert_int_equal(v, -500);
    assert_true(kpi_parse_milli("+1", &v));
    assert_int_equal(v, 1000);
    assert_true(kpi_parse_milli("99.125", &v));
    assert_int_equal(v, 99125);
    assert_false(kpi_parse_milli("1.2345", &v));
    assert_false(kpi_parse_milli("1.", &v));
    assert_false(kpi_parse_milli("x", &v));
    char s[32];
    kpi_format_milli(-500, s);
    assert_string_equal(s, "-0.5");
    kpi_format_milli(97250, s);
    assert_string_equal(s, "97.25");
    facts_format_percent(2, 3, s);
    assert_string_equal(s, "66.667");
    facts_format_percent(1, 200000, s);   /* 0.0005% rounds half up */
    assert_string_equal(s, "0.001");
    facts_format_fen(835200, s);
    assert_string_equal(s, "8352.00");
    /* Thresholds compare the unrounded value: 98.9995% prints 99.000 but
     * scores −0.5 under the ≥ 99% band. */
    const kpi_rule *av = kpi_rules_find(W.k, "availability");
    int64_t pts;
    facts_format_percent(197999, 200000, s);
    assert_string_equal(s, "99.000");
    assert_true(kpi_band_points(av, KPI_IMPORTANT, 197999, 200000, &pts));
    assert_int_equal(pts, -500);
}

/* The JSON and XML forms are deterministic and carry the same figures. */
static void test_write(void **state)
{
    (void)state;
    facts *f = compute("2026-07");
    buf a, b;
    buf_init(&a, 0);
    buf_init(&b, 0);
    diag d = {0};
    assert_int_equal(facts_write(f, FACTS_XML, &a, &d), OR_OK);
    assert_int_equal(facts_write(f, FACTS_XML, &b, &d), OR_OK);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    assert_non_null(strstr(buf_cstr(&a), "<system id=\"b\" name=\"重叠系统\" importance=\"general\" availability=\"99.798\" failure-rate=\"0.202\" down-minutes=\"90\" total-minutes=\"44610\""));
    buf_reset(&b);
    assert_int_equal(facts_write(f, FACTS_JSON, &b, &d), OR_OK);
    assert_non_null(strstr(buf_cstr(&b), "\"down-minutes\": 90"));
    assert_non_null(strstr(buf_cstr(&b), "\"response-ok\": true"));
    buf_free(&a);
    buf_free(&b);
    facts_free(f);
}

/* Rules files: a missing param and an unknown kind are errors with lines. */
static void test_bad_rules(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    diag d = {.stream = mem};
    kpi_rules *k = NULL;
    or_status st = kpi_rules_load(&k, "tests/data/facts/bad-rules.xml", KPI_SCHEMA_PATH, &d);
    fclose(mem);
    assert_int_equal(st, OR_EINPUT);
    assert_null(k);
    assert_non_null(strstr(text, "bad-rules.xml:6: error: rule \"vacancy\" (kind vacancy) has no <param name=\"per-day\">"));
    assert_non_null(strstr(text, "bad-rules.xml:7: error: rule \"x\": unknown kind \"nonsense\""));
    /* placeholders of criteria and notes name a param, a band or a service level */
    assert_non_null(strstr(text, "bad-rules.xml:12: error: rule \"unanswered\" has a second <criteria>"));
    assert_non_null(strstr(text, "bad-rules.xml:10: error: <criteria>: {nope} names no param or band of the rule"));
    assert_null(strstr(text, "{each} names no param or band"));
    assert_null(strstr(text, "{response-minutes} names"));
    assert_non_null(strstr(text, "bad-rules.xml:11: error: <note>: {b2.points} names no param or band of the rule"));
    assert_non_null(strstr(text, "bad-rules.xml:14: error: <criteria>: {each} names no param ("));
    free(text);
}

/* The rules file comes in through xmlin like every XML input: a FIFO, a
 * directory or a file over the cap is refused without being read (a FIFO
 * used to block the run in fopen), and a DOCTYPE is refused at its line
 * before libxml2 parses (it used to be refused only after parsing). */
static void rules_hung(int sig)
{
    (void)sig;
    static const char msg[] = "test_facts: hung on a FIFO rules file\n";
    (void)write(2, msg, sizeof msg - 1);
    _exit(1);
}

static char *load_rules_text(const char *path, or_status *st)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    diag d = {.stream = mem};
    kpi_rules *k = NULL;
    *st = kpi_rules_load(&k, path, KPI_SCHEMA_PATH, &d);
    fclose(mem);
    if (*st == OR_OK)
        kpi_rules_free(k);
    else
        assert_null(k);
    return text;
}

static void test_hostile_rules_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_facts_rules.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], want[256];
    or_status st;

    snprintf(path, sizeof path, "%s/fifo.xml", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    signal(SIGALRM, rules_hung);
    alarm(5);
    char *text = load_rules_text(path, &st);
    alarm(0);
    assert_int_equal(st, OR_EINPUT);
    snprintf(want, sizeof want, "%s: error: refused: a FIFO (expected a regular XML file)\n", path);
    assert_string_equal(text, want);
    free(text);
    unlink(path);

    text = load_rules_text(dir, &st);
    assert_int_equal(st, OR_EINPUT);
    snprintf(want, sizeof want, "%s: error: refused: a directory (expected a regular XML file)\n", dir);
    assert_string_equal(text, want);
    free(text);

    snprintf(path, sizeof path, "%s/doctype.xml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\"?>\n\n<!DOCTYPE kpi-rules [<!ENTITY x \"&#38;x;\">]>\n<kpi-rules>&x;</kpi-rules>\n", f);
    fclose(f);
    text = load_rules_text(path, &st);
    assert_int_equal(st, OR_EINPUT);
    snprintf(want, sizeof want, "%s:3: error: DOCTYPE refused (expected no DTD in a rules file)\n", path);
    assert_string_equal(text, want);   /* that alone: libxml2 never saw the recursive entity */
    free(text);
    unlink(path);

    snprintf(path, sizeof path, "%s/missing.xml", dir);
    text = load_rules_text(path, &st);
    assert_int_equal(st, OR_EINPUT);
    snprintf(want, sizeof want, "%s: error: cannot read the rules file (expected a readable KPI rules XML file)\n", path);
    assert_string_equal(text, want);
    free(text);
    assert_int_equal(rmdir(dir), 0);
}

/* {NAME} in a rule's text: params and bands without sign, caller values,
 * unknown names left as they stand. */
static void test_rule_text_format(void **state)
{
    (void)state;
    kpi_param params[] = {{"each", -500, 1}, {"cap", 5000, 2}, {"odd", 1250, 3}};
    kpi_band bands[] = {{KPI_ANY, true, 99000, 1000, 4}, {KPI_ANY, true, 90000, -500, 5}, {KPI_ANY, false, 0, -1000, 6}};
    kpi_rule r = {.id = "r", .params = params, .n_params = 3, .bands = bands, .n_bands = 3};
    kpi_value vals[] = {{"response-minutes", 30000}};
    buf b;
    buf_init(&b, 0);
    assert_int_equal(kpi_text_format(&r, "每次扣{each}分，最多加{cap}分，{odd}，{b1.min}%加{b1.points}分，低于{b2.min}%扣{b3.points}分，"
                                         "{response-minutes}分钟，{b3.min}{nope}{", vals, 1, &b), 0);
    assert_string_equal(buf_cstr(&b), "每次扣0.5分，最多加5分，1.25，99%加1分，低于90%扣1分，30分钟，{b3.min}{nope}{");
    buf_free(&b);
    buf_init(&b, 0);
    assert_int_equal(kpi_text_format(NULL, "{each}与{response-minutes}", vals, 1, &b), 0);
    assert_string_equal(buf_cstr(&b), "{each}与30");
    buf_free(&b);
}

/* Allocation failures anywhere in a computation give OR_ESYS, no leak. */
static void test_alloc_failures(void **state)
{
    (void)state;
    od_period p;
    diag d = {.quiet_warnings = true};
    FILE *null = fopen("/dev/null", "w");
    d.stream = null;
    assert_int_equal(period_parse("2026-08", 0, W.r->contract.term_start, W.r->contract.term_end, &p, &d), OR_OK);
    for (long n = 1; n < 400; n += 7) {
        facts *f = NULL;
        or_alloc_fail_at(n, 1);
        or_status st = facts_compute(&f, W.r, W.cal, W.k, &p, &d);
        or_alloc_fail_at(0, 0);
        assert_true(st == OR_OK || st == OR_ESYS);
        assert_true((st == OR_OK) == (f != NULL));
        facts_free(f);
    }
    fclose(null);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outage_across_period_edge),
        cmocka_unit_test(test_overlap_and_maintenance),
        cmocka_unit_test(test_external_outage),
        cmocka_unit_test(test_week_cut_by_term_start),
        cmocka_unit_test(test_monthly_due_over_national_day),
        cmocka_unit_test(test_incident_report_due_on_makeup_sunday),
        cmocka_unit_test(test_typos),
        cmocka_unit_test(test_hazard_cap),
        cmocka_unit_test(test_never_responded),
        cmocka_unit_test(test_third_party_after_8h),
        cmocka_unit_test(test_seconds_kept),
        cmocka_unit_test(test_unresolved_at_period_end),
        cmocka_unit_test(test_grades_and_tail),
        cmocka_unit_test(test_milli_and_percent),
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_bad_rules),
        cmocka_unit_test(test_hostile_rules_files),
        cmocka_unit_test(test_rule_text_format),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
