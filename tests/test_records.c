/* Tests for records: loading, schemas, cross-checks, hostile input,
 * encodings and probe streaming.  Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "records.h"

#include <libxml/tree.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define VALID "tests/data/records/valid"
#define ERRS "tests/data/records/errors"
#define SCHEMA "data/schema"

/* Messages of one load, captured from the diag stream. */
typedef struct loaded {
    records *r;
    or_status st;
    unsigned errors;
    char *text;
    size_t len;
} loaded;

static void load_list(loaded *l, const char *const *paths, size_t n)
{
    memset(l, 0, sizeof *l);
    FILE *f = open_memstream(&l->text, &l->len);
    assert_non_null(f);
    diag d = {.stream = f};
    l->st = records_load_files(&l->r, paths, n, SCHEMA, &d);
    fclose(f);
    l->errors = d.errors;
}

static void loaded_free(loaded *l)
{
    records_free(l->r);
    free(l->text);   /* from open_memstream */
    l->r = NULL;
    l->text = NULL;
}

/* The valid contract plus the given files. */
static void load_with_contract(loaded *l, const char *a, const char *b)
{
    const char *paths[3] = {VALID "/contract.xml", a, b};
    load_list(l, paths, b ? 3 : a ? 2 : 1);
}

static void assert_has(const loaded *l, const char *line)
{
    if (!l->text || !strstr(l->text, line))
        fail_msg("expected message:\n%s\ngot:\n%s", line, l->text ? l->text : "(nothing)");
}

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_records.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp_path(const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", tmpdir, name);
    return out;
}

static od_minute bj(int y, int mo, int d, int h, int mi)
{
    return od_day_start(od_date_from_ymd(y, mo, d)) + h * 60 + mi;
}

static void write_file(const char *path, const char *head, const char *unit, size_t times, const char *tail)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(head, f);
    for (size_t i = 0; i < times; i++)
        fputs(unit, f);
    fputs(tail, f);
    assert_int_equal(fclose(f), 0);
}

/* ---- the files list and kept trees --------------------------------------- */

/* records->files lists every file in load (name) order with its kind; with
 * REC_LOAD_KEEP_TREES each holds its validated tree (probes none, the
 * calendar's shared with calendar_files), and releasing one early is safe. */
static void test_files_and_kept_trees(void **state)
{
    (void)state;
    records *r = NULL;
    diag d = {0};
    assert_int_equal(records_load_dir(&r, VALID, SCHEMA, &d), OR_OK);
    assert_int_equal(r->files.n, 14);
    for (size_t i = 0; i < r->files.n; i++)
        assert_null(r->files.v[i].tree);   /* not asked for */
    records_free(r);

    assert_int_equal(records_load_dir_flags(&r, VALID, SCHEMA, REC_LOAD_KEEP_TREES, &d), OR_OK);
    assert_int_equal(d.errors, 0);
    assert_int_equal(r->files.n, 14);
    static const char *const names[] = {"adjustments", "assets", "calendar", "contract", "deliverables",
                                        "emergency", "feedback", "incidents", "inspections-2026-07",
                                        "inspections-2026-08", "maintenance", "probes-vr", "staffing", "tasks"};
    for (size_t i = 0; i < r->files.n; i++) {
        const rec_file *f = &r->files.v[i];
        char want[256];
        snprintf(want, sizeof want, "%s/%s.xml", VALID, names[i]);
        assert_string_equal(f->path, want);
        if (f->kind == REC_KIND_PROBES) {
            assert_null(f->tree);
            continue;
        }
        assert_non_null(f->tree);
        xmlNodePtr root = xmlDocGetRootElement(f->tree);
        assert_string_equal((const char *)root->name, records_kind_name(f->kind));
        assert_int_equal(f->tree_owned, f->kind != REC_KIND_CALENDAR);
    }
    assert_int_equal(r->files.v[11].kind, REC_KIND_PROBES);
    assert_ptr_equal(r->files.v[2].tree, r->calendar_files.v[0].doc);
    records_release_tree(r, 3);
    assert_null(r->files.v[3].tree);
    records_release_tree(r, 2);   /* not owned: the calendar keeps its tree */
    assert_non_null(r->calendar_files.v[0].doc);
    records_free(r);
}

/* ---- the valid set ------------------------------------------------------- */

static void test_valid_set(void **state)
{
    (void)state;
    records *r = NULL;
    diag d = {0};
    assert_int_equal(records_load_dir(&r, VALID, SCHEMA, &d), OR_OK);
    assert_int_equal(d.errors, 0);
    assert_non_null(r);

    const rec_contract *c = &r->contract;
    assert_string_equal(c->id, "KW-2026-YW-02");
    assert_int_equal(c->term_start, od_date_from_ymd(2026, 6, 9));
    assert_int_equal(c->term_end, od_date_from_ymd(2027, 6, 8));
    assert_int_equal(c->fee_total_fen, 20880000);
    assert_int_equal(c->payments.n, 2);
    assert_true(c->payments.v[1].percent == 20.0);
    assert_string_equal(c->payments.v[1].when, "acceptance");
    assert_int_equal(c->sla.response_minutes, 30);
    assert_int_equal(c->sla.feedback_minutes, 15);
    assert_int_equal(c->systems.n, 2);
    assert_string_equal(c->systems.v[0].name, "“三城一区”VR实景");
    assert_int_equal(c->systems.v[0].importance, REC_IMPORTANT);
    assert_int_equal(c->systems.v[0].module_count, 2);
    assert_string_equal(c->modules.v[c->systems.v[0].module_first + 1].id, "hotspot");
    assert_int_equal(c->systems.v[1].module_count, 0);
    assert_int_equal(c->services.n, 2);
    assert_string_equal(c->services.v[0].name, "网站技术运维");
    assert_string_equal(c->services.v[0].text, "对上线的系统进行技术维护工作，包括日常巡检等。");
    assert_int_equal(c->services.v[0].system_index, 0);
    assert_int_equal(c->services.v[0].work, REC_WORK_INSPECTION | REC_WORK_INCIDENT);
    assert_string_equal(c->services.v[1].text, "");
    assert_null(c->services.v[1].system);
    assert_int_equal(c->services.v[1].system_index, REC_NO_INDEX);
    assert_int_equal(c->services.v[1].work, REC_WORK_EMERGENCY);
    assert_int_equal(c->staff.n, 2);
    assert_true(c->staff.v[1].onsite);

    /* counts per kind */
    assert_int_equal(r->inspections.n, 3);
    assert_int_equal(r->checks.n, 4);
    assert_int_equal(r->findings.n, 2);
    assert_int_equal(r->incidents.n, 2);
    assert_int_equal(r->outages.n, 3);
    assert_int_equal(r->windows.n, 1);
    assert_int_equal(r->documents.n, 5);
    assert_int_equal(r->plans.n, 1);
    assert_int_equal(r->drill_plans.n, 1);
    assert_int_equal(r->drills.n, 2);
    assert_int_equal(r->guarantees.n, 1);
    assert_int_equal(r->surveys.n, 2);
    assert_int_equal(r->complaints.n, 1);
    assert_int_equal(r->praise.n, 1);
    assert_int_equal(r->assets.n, 2);
    assert_int_equal(r->asset_changes.n, 1);
    assert_int_equal(r->inventories.n, 1);
    assert_int_equal(r->losses.n, 1);
    assert_int_equal(r->tasks.n, 2);
    assert_int_equal(r->staff_changes.n, 2);
    assert_int_equal(r->vacancies.n, 1);
    assert_int_equal(r->adjustments.n, 2);
    assert_int_equal(r->calendar_files.n, 1);
    assert_int_equal(r->probes.n, 1);
    assert_int_equal(r->files_per_kind[REC_KIND_INSPECTIONS], 2);

    /* inspections: files merged in name order, file:line kept */
    const rec_inspection *p = &r->inspections.v[2];
    assert_string_equal(p->id, "P-20260801");
    assert_string_equal(p->src.file, VALID "/inspections-2026-08.xml");
    assert_int_equal(p->src.line, 3);
    assert_int_equal(p->system_index, 1);
    assert_int_equal(r->inspections.v[0].inspector_index, 1);          /* wangyang */
    assert_int_equal(r->inspections.v[0].reviewer_index, REC_NO_INDEX);  /* free name */
    assert_true(r->inspections.v[0].abnormal);
    assert_false(r->inspections.v[1].abnormal);
    assert_int_equal(r->inspections.v[0].check_count, 2);
    assert_int_equal(r->inspections.v[0].finding_count, 1);
    const rec_finding *f = &r->findings.v[0];
    assert_string_equal(f->text, "第3场景解说音频 404");
    assert_int_equal(f->incident_index, 0);
    assert_int_equal(f->found, bj(2026, 7, 1, 9, 7));
    assert_true(f->in_scope);
    assert_int_equal(r->findings.v[1].reported, REC_NO_TIME);
    assert_true(r->findings.v[1].hazard);
    assert_false(r->findings.v[1].in_scope);
    assert_int_equal(r->findings.v[1].inspection, 2);

    /* incidents: +00:00 converted to Beijing; no <responded> = never */
    const rec_incident *a = &r->incidents.v[0], *b = &r->incidents.v[1];
    assert_int_equal(a->reported, bj(2026, 7, 1, 9, 15));
    assert_int_equal(a->responded, bj(2026, 7, 1, 9, 20));
    assert_int_equal(a->kind, REC_INC_FAULT);
    assert_int_equal(a->level, 3);
    assert_int_equal(a->cause, REC_CAUSE_EQUIPMENT);
    assert_true(a->suggestion_adopted);
    assert_string_equal(a->suggestion, "增加音频资源可用性巡检项");
    assert_int_equal(a->report_submitted, od_date_from_ymd(2026, 7, 3));
    assert_int_equal(a->outage_count, 1);
    assert_int_equal(r->outages.v[a->outage_first].module_index, 0);
    assert_int_equal(r->outages.v[0].incident, 0);
    assert_string_equal(a->src.file, VALID "/incidents.xml");
    assert_int_equal(a->src.line, 3);
    assert_int_equal(b->responded, REC_NO_TIME);
    assert_int_equal(b->resolved, REC_NO_TIME);
    assert_int_equal(b->onsite, REC_NO_TIME);
    assert_int_equal(b->report_submitted, REC_NO_DATE);
    assert_null(b->suggestion);
    assert_int_equal(b->reported, bj(2026, 7, 2, 14, 0));   /* seconds truncated */
    assert_int_equal(b->level, 0);
    assert_int_equal(b->impact, REC_IMPACT_SERIOUS);
    assert_true(b->has_deduction && b->deduction == -25.0);
    assert_int_equal(b->repeat_of_index, 0);
    assert_true(b->data_loss);
    assert_int_equal(b->outage_count, 2);
    assert_int_equal(r->outages.v[b->outage_first + 1].system_index, 1);
    assert_int_equal(r->outages.v[b->outage_first + 1].src.line, 21);
    assert_int_equal(b->src.line, 16);

    /* the rest */
    assert_int_equal(r->windows.v[0].end, bj(2026, 8, 16, 2, 0));
    assert_int_equal(r->documents.v[0].period_kind, REC_PERIOD_WEEK);
    assert_int_equal(r->documents.v[0].period_first, od_date_from_ymd(2026, 6, 29));
    assert_int_equal(r->documents.v[1].typos, 3);
    assert_false(r->documents.v[1].filed);
    assert_true(r->documents.v[0].filed);
    assert_int_equal(r->documents.v[2].ref_index, 0);
    assert_int_equal(r->documents.v[4].kind, REC_DOC_OTHER);
    assert_string_equal(r->documents.v[4].kind_name, "minutes");
    assert_int_equal(r->drills.v[0].plan_index, 0);
    assert_int_equal(r->drills.v[1].held, REC_NO_DATE);
    assert_int_equal(r->guarantees.v[0].end, bj(2026, 10, 8, 23, 59));
    assert_int_equal(r->surveys.v[0].rating, REC_VERY_SATISFIED);
    assert_int_equal(r->complaints.v[0].from, REC_IMPORTANT);
    assert_int_equal(r->losses.v[0].asset_index, 1);
    assert_true(r->losses.v[0].human);
    assert_true(r->inventories.v[0].completed);
    assert_int_equal(r->tasks.v[1].done, REC_NO_DATE);
    assert_int_equal(r->tasks.v[1].feedback, REC_NO_TIME);
    assert_int_equal(r->staff_changes.v[0].person_index, 1);
    assert_int_equal(r->staff_changes.v[1].person_index, REC_NO_INDEX);
    assert_int_equal(r->staff_changes.v[1].notified, REC_NO_DATE);
    assert_true(r->adjustments.v[0].points == 1.0 && r->adjustments.v[1].points == -0.5);
    assert_non_null(r->calendar_files.v[0].doc);
    assert_string_equal(r->calendar_files.v[0].path, VALID "/calendar.xml");

    /* probes: per-day counts; 16:00Z is the next Beijing day */
    const rec_probe_series *s = &r->probes.v[0];
    assert_string_equal(s->system, "vr");
    assert_int_equal(s->system_index, 0);
    assert_int_equal(s->interval_seconds, 60);
    assert_int_equal(s->first_day, od_date_from_ymd(2026, 7, 1));
    assert_int_equal(s->n_days, 3);
    assert_int_equal(s->total[0], 3);
    assert_int_equal(s->ok[0], 2);
    assert_int_equal(s->total[1], 1);
    assert_int_equal(s->ok[1], 1);
    assert_int_equal(s->total[2], 1);
    assert_int_equal(s->samples, 5);
    records_free(r);
}

/* ---- errors -------------------------------------------------------------- */

static void test_unknown_root(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/unknown-root.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_null(l.r);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/unknown-root.xml:3: error: unknown root element <invoices> (expected one of "
                        "contract, inspections, incidents, maintenance, deliverables, emergency, feedback, assets, "
                        "tasks, staffing, adjustments, calendar, probes)\n");
    loaded_free(&l);
}

static void test_schema_bad_enum(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/bad-enum.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/bad-enum.xml:3: error: <incident> kind=\"outage\" is not allowed (expected "
                        "one of fault, emergency, request, security)\n");
    loaded_free(&l);
}

static void test_schema_only_violation(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/bad-attribute.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/bad-attribute.xml:3: error: <window> has an attribute colour= that "
                        "data/schema/maintenance.rng does not allow (expected only the attributes docs/records.md "
                        "lists for <window>)\n");
    loaded_free(&l);
}

static void test_duplicate_id_across_files(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, VALID "/incidents.xml", ERRS "/duplicate-id.xml");
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/duplicate-id.xml:3: error: duplicate incident id \"INC-2026-007\", already "
                        "used by the incident at " VALID "/incidents.xml:3 (expected ids unique within incidents)\n");
    loaded_free(&l);
}

static void test_unresolved_system(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/unresolved-system.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/unresolved-system.xml:3: error: maintenance window: unknown system \"oa\" "
                        "(expected a system id of the contract: vr, web)\n");
    loaded_free(&l);
}

static void test_responded_before_reported(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/responded-early.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/responded-early.xml:5: error: responded 2026-07-01T09:10 is before reported "
                        "2026-07-01T09:15 (expected responded at or after reported)\n");
    loaded_free(&l);
}

static void test_three_problems_one_run(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/three-problems.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 3);
    assert_has(&l, ERRS "/three-problems.xml:3: error: <incident> level=\"7\" is not allowed (expected a whole "
               "number from 1 to 4)\n");
    assert_has(&l, ERRS "/three-problems.xml:8: error: resolved 2026-07-01T08:00 is before reported "
               "2026-07-01T09:15 (expected resolved at or after reported)\n");
    assert_has(&l, ERRS "/three-problems.xml:9: error: outage of INC-31: unknown module \"video\" (expected a module "
               "id of system vr)\n");
    loaded_free(&l);
}

static void test_no_contract(void **state)
{
    (void)state;
    loaded l;
    const char *paths[] = {VALID "/tasks.xml"};
    load_list(&l, paths, 1);
    assert_int_equal(l.st, OR_EINPUT);
    assert_string_equal(l.text, "opsreport: error: no contract in the data set (expected exactly one file with root "
                        "<contract>)\n");
    loaded_free(&l);
}

static void test_second_contract(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, VALID "/contract.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_has(&l, VALID "/contract.xml:2: error: a second contract (the first is at " VALID "/contract.xml:2; "
               "expected exactly one contract per data set)\n");
    loaded_free(&l);
}

/* A service naming an unknown system (declared after it is fine) and a
 * work word given twice. */
static void test_bad_service(void **state)
{
    (void)state;
    loaded l;
    const char *paths[] = {ERRS "/contract-bad-service.xml"};
    load_list(&l, paths, 1);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 2);
    assert_has(&l, ERRS "/contract-bad-service.xml:4: error: <service> system=\"nope\" names no system of the "
               "contract (expected a system id such as \"vr\", or no system= for the whole contract)\n");
    assert_has(&l, ERRS "/contract-bad-service.xml:5: error: <service> work= names \"emergency\" twice (expected "
               "each word once)\n");
    loaded_free(&l);
}

static void test_date_far_from_term(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/far-date.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/far-date.xml:3: error: <task> due= 2062-07-05T00:00 lies more than 366 days "
                        "outside the contract term 2026-06-09 to 2027-06-08 (expected 2025-06-08 to 2028-06-08)\n");
    loaded_free(&l);
}

/* ---- hostile input ------------------------------------------------------- */

static void test_size_caps(void **state)
{
    (void)state;
    /* Sparse files: the cap is checked from fstat before anything is read. */
    char path[128], want[256];
    tmp_path("big-tasks.xml", path, sizeof path);
    write_file(path, "<?xml version=\"1.0\"?>\n<tasks>", "", 0, "");
    assert_int_equal(truncate(path, (off_t)REC_MAX_FILE_BYTES + 1), 0);
    loaded l;
    load_with_contract(&l, path, NULL);
    assert_int_equal(l.st, OR_EINPUT);
    snprintf(want, sizeof want, "%s: error: file too large for <tasks>: 67108865 bytes (expected at most 67108864)\n",
             path);
    assert_string_equal(l.text, want);
    loaded_free(&l);
    tmp_path("big-probes.xml", path, sizeof path);
    write_file(path, "<?xml version=\"1.0\"?>\n<probes system=\"vr\">", "", 0, "");
    assert_int_equal(truncate(path, (off_t)REC_MAX_PROBES_FILE_BYTES + 1), 0);
    load_with_contract(&l, path, NULL);
    assert_int_equal(l.st, OR_EINPUT);
    snprintf(want, sizeof want, "%s: error: file too large: 536870913 bytes (expected at most 536870912)\n", path);
    assert_string_equal(l.text, want);
    loaded_free(&l);
}

static void test_doctype_refused(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/doctype-xxe.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/doctype-xxe.xml:2: error: DOCTYPE refused: records take no DTD and no entity "
                        "declarations (expected the root element right after the XML declaration)\n");
    assert_null(strstr(l.text, "root:"));   /* nothing of /etc/passwd */
    loaded_free(&l);
}

static void test_billion_laughs_fast(void **state)
{
    (void)state;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    loaded l;
    load_with_contract(&l, ERRS "/billion-laughs.xml", NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(secs < 1.0);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/billion-laughs.xml:2: error: DOCTYPE refused: records take no DTD and no "
                        "entity declarations (expected the root element right after the XML declaration)\n");
    loaded_free(&l);
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "test_records: hung on a FIFO\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(3);
}

static void test_fifo_refused(void **state)
{
    (void)state;
    char path[128];
    tmp_path("fifo.xml", path, sizeof path);
    assert_int_equal(mkfifo(path, 0600), 0);
    signal(SIGALRM, on_alarm);
    alarm(10);   /* a hang fails the run instead of blocking it */
    loaded l;
    load_with_contract(&l, path, NULL);
    alarm(0);
    assert_int_equal(l.st, OR_EINPUT);
    char want[256];
    snprintf(want, sizeof want, "%s: error: refused: a FIFO (expected a regular XML file)\n", path);
    assert_string_equal(l.text, want);
    loaded_free(&l);
    unlink(path);

    /* and a device */
    load_with_contract(&l, "/dev/zero", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_string_equal(l.text, "/dev/zero: error: refused: a device (expected a regular XML file)\n");
    loaded_free(&l);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    char path[128];
    tmp_path("deep.xml", path, sizeof path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\"?>\n<adjustments>\n", f);
    for (int i = 0; i < 100000; i++)
        fputs("<a>", f);
    for (int i = 0; i < 100000; i++)
        fputs("</a>", f);
    fputs("</adjustments>\n", f);
    assert_int_equal(fclose(f), 0);
    loaded l;
    load_with_contract(&l, path, NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    char want[256];
    snprintf(want, sizeof want, "%s:3: error: elements nested more than 256 deep (expected the shallow structure "
             "of docs/records.md)\n", path);
    assert_string_equal(l.text, want);
    loaded_free(&l);
}

static void test_oversized_text(void **state)
{
    (void)state;
    char path[128];
    tmp_path("big.xml", path, sizeof path);
    write_file(path, "<?xml version=\"1.0\"?>\n<adjustments>\n<adjustment rule=\"x\" date=\"2026-07-10\" "
               "points=\"1\" by=\"", "0123456789", 7000, "\">x</adjustment>\n<adjustment rule=\"y\" "
               "date=\"2026-07-10\" points=\"1\">");
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    for (int i = 0; i < 20000; i++)
        fputs("文本", f);   /* 120,000 bytes of UTF-8 */
    fputs("</adjustment>\n</adjustments>\n", f);
    assert_int_equal(fclose(f), 0);
    loaded l;
    load_with_contract(&l, path, NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 2);
    char want[256];
    snprintf(want, sizeof want, "%s:3: error: attribute by of 70000 bytes (expected at most 65536 bytes)\n", path);
    assert_has(&l, want);
    snprintf(want, sizeof want, "%s:4: error: text of 120000 bytes in <adjustment> (expected at most 65536 bytes)\n",
             path);
    assert_has(&l, want);
    loaded_free(&l);
}

static void test_utf16_refused(void **state)
{
    (void)state;
    char path[128];
    tmp_path("u16.xml", path, sizeof path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    static const char bom_lt[] = {'\xFF', '\xFE', '<', 0};
    fwrite(bom_lt, 1, sizeof bom_lt, f);
    assert_int_equal(fclose(f), 0);
    loaded l;
    load_with_contract(&l, path, NULL);
    assert_int_equal(l.st, OR_EINPUT);
    char want[256];
    snprintf(want, sizeof want, "%s:1: error: the file is UTF-16 or UTF-32 (expected UTF-8, GB18030 or GBK)\n", path);
    assert_string_equal(l.text, want);
    loaded_free(&l);
}

static void test_missing_file_and_dir(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/no-such-file.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_string_equal(l.text, ERRS "/no-such-file.xml: error: cannot open: No such file or directory (expected a "
                        "readable XML file)\n");
    loaded_free(&l);
    records *r = (records *)1;
    diag d = {.stream = fopen("/dev/null", "w")};
    assert_int_equal(records_load_dir(&r, ERRS "/nope", SCHEMA, &d), OR_EINPUT);
    assert_null(r);
    fclose(d.stream);
    /* a missing schema directory is the installation's fault */
    d.stream = fopen("/dev/null", "w");
    assert_int_equal(records_load_dir(&r, VALID, "/nonexistent", &d), OR_ESYS);
    assert_null(r);
    fclose(d.stream);
}

/* ---- encodings ----------------------------------------------------------- */

static void test_gb18030_equals_utf8(void **state)
{
    (void)state;
    static const char *const kinds[] = {"contract", "incidents", "feedback"};
    const char *u[3], *g[3];
    char ubuf[3][96], gbuf[3][96];
    for (int i = 0; i < 3; i++) {
        snprintf(ubuf[i], sizeof ubuf[i], VALID "/%s.xml", kinds[i]);
        snprintf(gbuf[i], sizeof gbuf[i], "tests/data/records/gb18030/%s.xml", kinds[i]);
        u[i] = ubuf[i];
        g[i] = gbuf[i];
    }
    loaded a, b;
    load_list(&a, u, 3);
    load_list(&b, g, 3);
    assert_int_equal(a.st, OR_OK);
    if (b.st != OR_OK)
        fail_msg("%s", b.text);
    const records *x = a.r, *y = b.r;
    assert_string_equal(y->contract.title, "网络信息系统运行与维护第2包-网站技术运维");
    assert_string_equal(x->contract.title, y->contract.title);
    assert_string_equal(x->contract.client.name, y->contract.client.name);
    assert_string_equal(x->contract.systems.v[0].name, y->contract.systems.v[0].name);
    assert_string_equal(x->contract.staff.v[0].role, y->contract.staff.v[0].role);
    assert_int_equal(x->incidents.n, y->incidents.n);
    for (size_t i = 0; i < x->incidents.n; i++) {
        assert_string_equal(x->incidents.v[i].title, y->incidents.v[i].title);
        assert_int_equal(x->incidents.v[i].reported, y->incidents.v[i].reported);
        assert_int_equal(x->incidents.v[i].src.line, y->incidents.v[i].src.line);
    }
    assert_string_equal(x->incidents.v[0].cause_text, y->incidents.v[0].cause_text);
    assert_string_equal(x->incidents.v[1].reported_by, y->incidents.v[1].reported_by);
    assert_string_equal(x->complaints.v[0].text, y->complaints.v[0].text);
    assert_string_equal(x->surveys.v[1].respondent, y->surveys.v[1].respondent);
    loaded_free(&a);
    loaded_free(&b);
}

static void test_encoding_mismatch(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/gbk-declared-utf8.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    assert_string_equal(l.text, ERRS "/gbk-declared-utf8.xml:3: error: the bytes 0xCF 0xEC 0xD3 0xA6 are not UTF-8 "
                        "(expected the encoding named in the XML declaration, UTF-8 when it names none; a GBK/GB18030 "
                        "file needs <?xml version=\"1.0\" encoding=\"GB18030\"?>)\n");
    loaded_free(&l);
}

/* ---- probes -------------------------------------------------------------- */

static void test_probes_errors(void **state)
{
    (void)state;
    loaded l;
    load_with_contract(&l, ERRS "/probes-bad.xml", NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_has(&l, ERRS "/probes-bad.xml:4: error: sample at 2026-07-01T00:00 is not after the previous one at "
               "2026-07-01T00:00, line 3 (expected samples in time order, one per time)\n");
    assert_has(&l, ERRS "/probes-bad.xml:5: error: <p> ok=\"yes\" is not allowed (expected 0 or 1)\n");
    assert_has(&l, ERRS "/probes-bad.xml:6: error: <p> ms=\"fast\" is not allowed (expected a whole number of "
               "milliseconds)\n");
    assert_has(&l, ERRS "/probes-bad.xml:7: error: sample at 2029-07-01T00:04 lies more than 366 days outside the "
               "contract term (expected a time near the term)\n");
    loaded_free(&l);
}

/* 50 days of one-minute samples for system web, every 7th failing; the
 * sample with index `bad` (line bad + 3) gets ok="2" when bad >= 0.  Over
 * 72,000 lines: past 65535, where libxml2's element line numbers stop. */
static long write_probes(const char *path, long bad)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<probes system=\"web\" interval=\"60\">\n", f);
    long n = 0;
    for (od_minute t = bj(2026, 7, 1, 0, 0); t < bj(2026, 8, 20, 0, 0); t++, n++) {
        char when[17];
        od_format_instant(t, when);
        fprintf(f, "  <p t=\"%s:00\" ok=\"%d\" ms=\"200\"/>\n", when, n == bad ? 2 : n % 7 == 6 ? 0 : 1);
    }
    fputs("</probes>\n", f);
    assert_int_equal(fclose(f), 0);
    return n;
}

static void test_probes_stream_many_days(void **state)
{
    (void)state;
    char path[128];
    tmp_path("probes-web.xml", path, sizeof path);
    long n = write_probes(path, -1);
    loaded l;
    load_with_contract(&l, path, NULL);
    if (l.st != OR_OK)
        fail_msg("%s", l.text);
    const rec_probe_series *s = &l.r->probes.v[0];
    assert_int_equal(s->system_index, 1);
    assert_int_equal(s->n_days, 50);
    assert_int_equal(s->samples, (uint64_t)n);
    assert_int_equal(s->total[0], 1440);
    assert_int_equal(s->total[49], 1440);
    uint64_t ok = 0;
    for (size_t i = 0; i < s->n_days; i++)
        ok += s->ok[i];
    assert_int_equal(ok, s->ok_samples);
    assert_int_equal(s->samples - s->ok_samples, (uint64_t)n / 7);
    loaded_free(&l);

    /* exact line numbers past 65535, ours and the schema's agreeing */
    write_probes(path, 70000 - 3);
    load_with_contract(&l, path, NULL);
    assert_int_equal(l.st, OR_EINPUT);
    assert_int_equal(l.errors, 1);
    char want[256];
    snprintf(want, sizeof want, "%s:70000: error: <p> ok=\"2\" is not allowed (expected 0 or 1)\n", path);
    assert_string_equal(l.text, want);
    loaded_free(&l);
}

/* ---- allocation failures ------------------------------------------------- */

static void test_alloc_failures(void **state)
{
    (void)state;
    FILE *null = fopen("/dev/null", "w");
    assert_non_null(null);
    long before = or_alloc_count();
    records *r = NULL;
    diag d = {.stream = null};
    assert_int_equal(records_load_dir(&r, VALID, SCHEMA, &d), OR_OK);
    long total = or_alloc_count() - before;
    records_free(r);
    /* Every allocation in turn fails: each must give OR_ESYS, no records and
     * no leak (ASan's leak checker watches). */
    for (long i = 1; i <= total; i++) {
        or_alloc_fail_at(i, 1);
        r = NULL;
        or_status st = records_load_dir(&r, VALID, SCHEMA, &d);
        or_alloc_fail_at(0, 0);
        assert_int_equal(st, OR_ESYS);
        assert_null(r);
    }
    fclose(null);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_set),
        cmocka_unit_test(test_unknown_root),
        cmocka_unit_test(test_schema_bad_enum),
        cmocka_unit_test(test_schema_only_violation),
        cmocka_unit_test(test_duplicate_id_across_files),
        cmocka_unit_test(test_unresolved_system),
        cmocka_unit_test(test_responded_before_reported),
        cmocka_unit_test(test_three_problems_one_run),
        cmocka_unit_test(test_no_contract),
        cmocka_unit_test(test_second_contract),
        cmocka_unit_test(test_bad_service),
        cmocka_unit_test(test_date_far_from_term),
        cmocka_unit_test(test_size_caps),
        cmocka_unit_test(test_doctype_refused),
        cmocka_unit_test(test_billion_laughs_fast),
        cmocka_unit_test(test_fifo_refused),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_oversized_text),
        cmocka_unit_test(test_utf16_refused),
        cmocka_unit_test(test_missing_file_and_dir),
        cmocka_unit_test(test_gb18030_equals_utf8),
        cmocka_unit_test(test_encoding_mismatch),
        cmocka_unit_test(test_probes_errors),
        cmocka_unit_test(test_probes_stream_many_days),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_files_and_kept_trees),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
