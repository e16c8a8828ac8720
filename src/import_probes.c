#include "import_probes.h"
#include "i18n.h"
#include "pathfmt.h"

#include "alloc.h"
#include "datetime.h"
#include "diag.h"
#include "kuma.h"
#include "probewrite.h"
#include "promjson.h"
#include "records.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char ip_usage[] =
    "usage: opsreport import probes SOURCE --data DIR --system SYS [options]\n"
    "  SOURCE                 an Uptime Kuma database (kuma.db), a Prometheus query_range\n"
    "                         JSON response, or a directory of such responses (*.json)\n"
    "  --monitor ID|NAME      Uptime Kuma monitor (needed when there are several)\n"
    "  --table T              auto (default), heartbeat or stat_minutely\n"
    "  --pending down|up      what Uptime Kuma's pending status counts as (default down)\n"
    "  --match LABEL=VALUE    Prometheus series to take (repeatable)\n"
    "  --from DATE --to DATE  days to import, inclusive (default: the contract term)\n"
    "  -o NAME                one file NAME.xml in DIR (default: probes-SYS-YYYY-MM.xml per month)\n"
    "  --dry-run              check everything, write nothing\n"
    "  -q                     print nothing on success, no warnings\n";

typedef struct ip_opts {
    const char *source, *data, *system, *monitor, *from, *to, *output, *table, *pending;
    prom_match match[PROM_MAX_MATCHES];
    size_t n_match;
    bool dry_run, quiet;
} ip_opts;

static int ip_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int ip_usage_error(const char *fmt, ...)
{
    fprintf(stderr, "opsreport: import probes: ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, _(fmt), ap);
    va_end(ap);
    fprintf(stderr, "\n%s", ip_usage);
    return OR_EUSAGE;
}

static int ip_parse(int argc, char **argv, ip_opts *o)
{
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--data") == 0      ? &o->data
                            : strcmp(a, "--system") == 0  ? &o->system
                            : strcmp(a, "--monitor") == 0 ? &o->monitor
                            : strcmp(a, "--from") == 0    ? &o->from
                            : strcmp(a, "--to") == 0      ? &o->to
                            : strcmp(a, "--table") == 0   ? &o->table
                            : strcmp(a, "--pending") == 0 ? &o->pending
                            : (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) ? &o->output
                                                                                 : NULL;
        if (slot || strcmp(a, "--match") == 0) {
            if (++i == argc)
                return ip_usage_error("%s needs a value", a);
            if (slot) {
                *slot = argv[i];
                continue;
            }
            char *eq = strchr(argv[i], '=');
            if (!eq || eq == argv[i])
                return ip_usage_error("--match %s: expected LABEL=VALUE", argv[i]);
            if (o->n_match == PROM_MAX_MATCHES)
                return ip_usage_error("%s", "at most 8 --match options");
            *eq = '\0';   /* argv is ours to cut */
            o->match[o->n_match].label = argv[i];
            o->match[o->n_match++].value = eq + 1;
        } else if (strcmp(a, "--dry-run") == 0) {
            o->dry_run = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1]) {
            return ip_usage_error("unknown option %s", a);
        } else if (!o->source) {
            o->source = a;
        } else {
            return ip_usage_error("unexpected argument %s", a);
        }
    }
    if (!o->source)
        return ip_usage_error("%s", "SOURCE is missing (a kuma.db, a query_range .json or a directory of them)");
    if (!o->data)
        return ip_usage_error("%s", "--data DIR is missing (the data set to add the probes to)");
    if (!o->system)
        return ip_usage_error("%s", "--system SYS is missing (the contract system the probes measure)");
    if (o->table && strcmp(o->table, "auto") != 0 && strcmp(o->table, "heartbeat") != 0
        && strcmp(o->table, "stat_minutely") != 0)
        return ip_usage_error("--table %s: expected auto, heartbeat or stat_minutely", o->table);
    if (o->pending && strcmp(o->pending, "down") != 0 && strcmp(o->pending, "up") != 0)
        return ip_usage_error("--pending %s: expected down or up", o->pending);
    if (o->output) {
        size_t n = strlen(o->output);
        if (strchr(o->output, '/') || o->output[0] == '.' || n < 5 || strcmp(o->output + n - 4, ".xml") != 0)
            return ip_usage_error("-o %s: expected a file name NAME.xml (written in DIR)", o->output);
    }
    return 0;
}

/* Whether SOURCE is JSON: a directory, or a file whose first non-blank
 * byte opens a JSON value. */
static bool ip_is_json(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return true;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    int c;
    while ((c = fgetc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t')
        ;
    fclose(f);
    return c == '{' || c == '[';
}

typedef struct ip_run {
    ip_opts *o;
    records *r;
    const rec_probe_series *existing;
    od_date from, to;          /* inclusive days */
    probewrite *w;
    char origin[1024];         /* the files' comment: lives as long as w */
    diag *d;
} ip_run;

static probewrite_opts ip_writer_opts(const ip_run *run, const char *target, int interval, const char *origin)
{
    probewrite_opts wo = {
        .dir = run->o->data,
        .system = run->o->system,
        .target = target,
        .origin = origin,
        .interval_seconds = interval < 60 ? 60 : interval,
        .single_name = run->o->output,
        .from = od_day_start(run->from),
        .to = od_day_start(run->to + 1),
    };
    if (run->existing) {
        wo.busy_total = run->existing->total;
        wo.busy_first = run->existing->first_day;
        wo.busy_days = run->existing->n_days;
    }
    return wo;
}

static or_status ip_from_kuma(ip_run *run)
{
    ip_opts *o = run->o;
    diag *d = run->d;
    kuma_opts ko = {
        .path = o->source,
        .monitor = o->monitor,
        .table = !o->table || strcmp(o->table, "auto") == 0 ? KUMA_TABLE_AUTO
                 : strcmp(o->table, "heartbeat") == 0        ? KUMA_TABLE_HEARTBEAT
                                                             : KUMA_TABLE_STAT_MINUTELY,
        .pending_up = o->pending && strcmp(o->pending, "up") == 0,
        .from_ms = probewrite_unix_ms_of_minute(od_day_start(run->from)),
        .to_ms = probewrite_unix_ms_of_minute(od_day_start(run->to + 1)),
    };
    if (o->n_match)
        diag_warn(d, NULL, 0, "--match is for Prometheus responses; ignored for an Uptime Kuma database");
    kuma *k = NULL;
    or_status st = kuma_open(&k, &ko, d);
    if (st == OR_OK) {
        kuma_table t = kuma_table_used(k);
        snprintf(run->origin, sizeof run->origin, "opsreport import probes: Uptime Kuma monitor %ld \"%.200s\", %s table of %.300s",
                 kuma_monitor_id(k), kuma_monitor_name(k), kuma_table_name(t), o->source);
        int interval = t == KUMA_TABLE_STAT_MINUTELY ? 60 : kuma_monitor_interval(k);
        probewrite_opts wo = ip_writer_opts(run, kuma_monitor_target(k), interval, run->origin);
        st = probewrite_open(&run->w, &wo, d);
    }
    kuma_counts c = {0};
    if (st == OR_OK)
        st = kuma_read(k, run->w, &c, d);
    if (st == OR_OK)
        st = probewrite_finish(run->w, d);
    if (st == OR_OK && !o->quiet) {
        if (kuma_table_used(k) == KUMA_TABLE_HEARTBEAT)
            printf("%s: monitor %ld \"%s\", heartbeat table: %llu heartbeats: %llu up, %llu down, %llu pending "
                   "(counted as %s), %llu maintenance (left out)\n",
                   o->source, kuma_monitor_id(k), kuma_monitor_name(k), (unsigned long long)c.rows,
                   (unsigned long long)c.up, (unsigned long long)c.down, (unsigned long long)c.pending,
                   ko.pending_up ? "up" : "down", (unsigned long long)c.maintenance);
        else
            printf("%s: monitor %ld \"%s\", stat_minutely table: %llu minutes: %llu up, %llu with a down or pending "
                   "heartbeat, %llu with neither (maintenance, left out)\n",
                   o->source, kuma_monitor_id(k), kuma_monitor_name(k), (unsigned long long)c.rows,
                   (unsigned long long)c.up, (unsigned long long)c.down, (unsigned long long)c.maintenance);
    }
    kuma_close(k);
    return st;
}

static or_status ip_from_prometheus(ip_run *run)
{
    ip_opts *o = run->o;
    diag *d = run->d;
    if (o->monitor || o->table || o->pending)
        diag_warn(d, NULL, 0, "--monitor, --table and --pending are for Uptime Kuma; ignored for Prometheus");
    prom_select sel = {
        .match = o->match,
        .n_match = o->n_match,
        .from_ms = probewrite_unix_ms_of_minute(od_day_start(run->from)),
        .to_ms = probewrite_unix_ms_of_minute(od_day_start(run->to + 1)),
    };
    prom_points pts = {0};
    or_status st = prom_read_path(o->source, &sel, &pts, d);
    if (st == OR_OK)
        st = prom_merge(&pts, d);
    if (st == OR_OK && !pts.series) {
        diag_error(d, o->source, 0, "no probe_success series%s in %zu response%s (expected the series to import)",
                   o->n_match ? " matches --match" : "", pts.files, pts.files == 1 ? "" : "s");
        st = OR_EINPUT;
    }
    if (st == OR_OK) {
        snprintf(run->origin, sizeof run->origin, "opsreport import probes: Prometheus probe_success %.400s from %.300s",
                 pts.series, o->source);
        int64_t step = prom_min_step_ms(&pts);
        probewrite_opts wo = ip_writer_opts(run, pts.instance, (int)((step + 500) / 1000), run->origin);
        st = probewrite_open(&run->w, &wo, d);
    }
    if (st == OR_OK)
        st = prom_write(&pts, run->w, o->source, d);
    if (st == OR_OK)
        st = probewrite_finish(run->w, d);
    if (st == OR_OK && !o->quiet)
        printf("%s: series %s: %zu response%s, %llu points, %llu duplicates of overlapping chunks dropped\n",
               o->source, pts.series, pts.files, pts.files == 1 ? "" : "s", (unsigned long long)pts.points_read,
               (unsigned long long)pts.duplicates);
    prom_points_free(&pts);
    return st;
}

/* Loads the contract and the new files as `check` would: the new files
 * must pass the same schema and time checks. */
static or_status ip_validate(ip_run *run, const char *schema_dir)
{
    size_t n = probewrite_file_count(run->w);
    const char **paths = or_calloc(n + 1, sizeof *paths);
    if (!paths)
        return diag_nomem(run->d);
    paths[0] = run->r->contract.src.file;
    for (size_t i = 0; i < n; i++)
        paths[i + 1] = probewrite_file_at(run->w, i)->tmp.tmp;
    records *check = NULL;
    or_status st = records_load_files(&check, paths, n + 1, schema_dir, run->d);
    records_free(check);
    or_free(paths);
    if (st != OR_OK)
        diag_error(run->d, run->o->data, 0, "the written files do not pass check (expected valid probes files; "
                   "this is a bug in the importer)");
    return st;
}

static or_status ip_range(ip_run *run)
{
    const rec_contract *c = &run->r->contract;
    diag *d = run->d;
    run->from = c->term_start;
    run->to = c->term_end;
    if (run->o->from && !od_parse_date(run->o->from, &run->from)) {
        diag_error(d, NULL, 0, "--from %s (expected a date YYYY-MM-DD)", run->o->from);
        return OR_EUSAGE;
    }
    if (run->o->to && !od_parse_date(run->o->to, &run->to)) {
        diag_error(d, NULL, 0, "--to %s (expected a date YYYY-MM-DD)", run->o->to);
        return OR_EUSAGE;
    }
    char a[11], b[11];
    if (run->from > run->to) {
        od_format_date(run->from, a);
        od_format_date(run->to, b);
        diag_error(d, NULL, 0, "--from %s is after --to %s (expected from <= to)", a, b);
        return OR_EUSAGE;
    }
    if (run->from < c->term_start - REC_TERM_SLACK_DAYS || run->to > c->term_end + REC_TERM_SLACK_DAYS) {
        od_format_date(c->term_start - REC_TERM_SLACK_DAYS, a);
        od_format_date(c->term_end + REC_TERM_SLACK_DAYS, b);
        diag_error(d, NULL, 0, "--from/--to reach outside %s … %s (expected days within %d days of the contract "
                   "term, as check requires)", a, b, REC_TERM_SLACK_DAYS);
        return OR_EUSAGE;
    }
    return OR_OK;
}

static void ip_summary(const ip_run *run)
{
    if (run->o->quiet)
        return;   /* -q: nothing on success */
    size_t n = probewrite_file_count(run->w);
    for (size_t i = 0; i < n; i++) {
        const probewrite_file *f = probewrite_file_at(run->w, i);
        char a[17], b[17];
        od_format_instant(f->first, a);
        od_format_instant(f->last, b);
        printf("%s %s/%s: %llu one-minute samples, %llu ok (%.3f%%), %s … %s\n",
               run->o->dry_run ? "would write" : "wrote", run->o->data, f->name, (unsigned long long)f->samples,
               (unsigned long long)f->ok, f->samples ? 100.0 * (double)f->ok / (double)f->samples : 0.0, a, b);
    }
    probewrite_totals t = probewrite_get_totals(run->w);
    printf("system %s: %llu samples, %llu ok (%.3f%%), %llu outside the import range left out%s\n", run->o->system,
           (unsigned long long)t.samples, (unsigned long long)t.ok,
           t.samples ? 100.0 * (double)t.ok / (double)t.samples : 0.0, (unsigned long long)t.outside,
           run->o->dry_run ? "; dry run: nothing written" : "");
}

int import_probes_main(int argc, char **argv, const char *home)
{
    ip_opts o = {0};
    int rc = ip_parse(argc, argv, &o);
    if (rc)
        return rc;
    diag d = {.quiet_warnings = o.quiet};
    char schema_dir[PATH_MAX];
    ip_run run = {.o = &o, .d = &d};
    or_status st = path_format(&d, schema_dir, sizeof schema_dir, "%s/data/schema", home);
    if (st != OR_OK)
        return st;
    st = records_load_dir(&run.r, o.data, schema_dir, &d);
    if (st != OR_OK)
        fprintf(stderr, "opsreport: %s must pass check before an import\n", o.data);
    if (st == OR_OK && !run.r->contract.src.file) {
        diag_error(&d, o.data, 0, "no contract.xml (expected a data set made by opsreport init)");
        st = OR_EINPUT;
    }
    if (st == OR_OK && records_find_system(run.r, o.system) == REC_NO_INDEX) {
        char list[1024] = "";
        size_t len = 0;
        for (size_t i = 0; i < run.r->contract.systems.n && len < sizeof list - 64; i++)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                                    run.r->contract.systems.v[i].id);
        diag_error(&d, run.r->contract.src.file, run.r->contract.src.line,
                   "no system \"%s\" in the contract (expected one of: %s)", o.system, list);
        st = OR_EINPUT;
    }
    if (st == OR_OK)
        st = ip_range(&run);
    if (st == OR_OK) {
        for (size_t i = 0; i < run.r->probes.n; i++)
            if (strcmp(run.r->probes.v[i].system, o.system) == 0)
                run.existing = &run.r->probes.v[i];
        st = ip_is_json(o.source) ? ip_from_prometheus(&run) : ip_from_kuma(&run);
    }
    if (st == OR_OK && probewrite_get_totals(run.w).samples == 0) {
        char a[11], b[11];
        od_format_date(run.from, a);
        od_format_date(run.to, b);
        diag_error(&d, o.source, 0, "no samples from %s to %s (expected some to import; see --from and --to)", a,
                   b);
        st = OR_EINPUT;
    }
    if (st == OR_OK)
        st = ip_validate(&run, schema_dir);
    if (st == OR_OK && !o.dry_run)
        st = probewrite_commit(run.w, &d);
    if (st == OR_OK)
        ip_summary(&run);
    else
        fprintf(stderr, "opsreport: %u error%s; nothing written\n", d.errors, d.errors == 1 ? "" : "s");
    probewrite_free(run.w);
    records_free(run.r);
    return (int)st;
}
