/* init: contract.xml and README.md for a new data set. */
#define _GNU_SOURCE
#include "init.h"
#include "i18n.h"
#include "pathfmt.h"

#include "alloc.h"
#include "atomicout.h"
#include "buf.h"
#include "datetime.h"
#include "diag.h"
#include "records.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char init_usage[] =
    "usage: opsreport init DIR --id ID --client NAME --vendor NAME --start YYYY-MM-DD --end YYYY-MM-DD\n"
    "                      --system ID:NAME:important|general[:MODULE,MODULE=NAME...] ...\n"
    "         [--title TEXT] [--client-rep NAME] [--client-phone TEL] [--vendor-rep NAME] [--vendor-phone TEL]\n"
    "         [--person ID:NAME:ROLE[:onsite]] ... [--fee YUAN] [--payment PERCENT:WHEN] ...\n"
    "         [--response-minutes N] [--onsite-minutes N] [--resolve-hours N] [--feedback-minutes N]\n"
    "         [--failure-rate-max-percent X] [--satisfaction-min-percent X]\n"
    "         [--page-inspections-per-day N] [--server-inspections-per-week N]\n"
    "  SLA values default to the contract's defaults (30, 60, 8, 15, 1, 95, 1, 1).\n";

static int init_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int init_usage_error(const char *fmt, ...)
{
    fprintf(stderr, "opsreport: init: ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, _(fmt), ap);
    va_end(ap);
    fprintf(stderr, "\n%s", init_usage);
    return OR_EUSAGE;
}

static void xa(buf *b, const char *name, const char *v)
{
    if (!v)
        return;
    buf_printf(b, " %s=\"", name);
    for (const char *p = v; *p; p++) {
        if (*p == '&') buf_puts(b, "&amp;");
        else if (*p == '<') buf_puts(b, "&lt;");
        else if (*p == '"') buf_puts(b, "&quot;");
        else buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

static void xt(buf *b, const char *v)
{
    for (const char *p = v; *p; p++) {
        if (*p == '&') buf_puts(b, "&amp;");
        else if (*p == '<') buf_puts(b, "&lt;");
        else buf_putc(b, *p);
    }
}

/* Splits s at ':' into at most max parts (the last keeps any further ':'
 * only when max is reached).  Returns the count; s is modified. */
static int init_split(char *s, char **parts, int max)
{
    int n = 0;
    while (n < max) {
        parts[n++] = s;
        char *c = n < max ? strchr(s, ':') : NULL;
        if (!c)
            break;
        *c = '\0';
        s = c + 1;
    }
    return n;
}

static const char init_readme[] =
    "# 运维记录数据集 / operation records\n"
    "\n"
    "This directory is an opsreport data set: `contract.xml` (made by `opsreport init`) and the\n"
    "record files below, any names ending in `.xml`; files of one kind merge. The format is\n"
    "docs/records.md (installed in share/doc/opsreport); `opsreport check --data .` reports every\n"
    "problem as file:line.\n"
    "\n"
    "| 内容 | file (root element) | from a sheet |\n"
    "|---|---|---|\n"
    "| 巡检记录 page/server inspections, check items, findings | `inspections-*.xml` (`<inspections>`) | `opsreport import inspections 巡检记录表.csv --data .` |\n"
    "| 故障台账 incidents, requests, outages | `incidents*.xml` (`<incidents>`) | `opsreport import incidents 故障台账.xlsx --data .` |\n"
    "| 交付文档 weekly/monthly reports, incident reports | `deliverables*.xml` (`<deliverables>`) | `opsreport import deliverables 文档交付.csv --data .` |\n"
    "| 满意度、投诉、表扬 surveys, complaints, praise | `feedback*.xml` (`<feedback>`) | `opsreport import feedback 满意度.csv --data .` |\n"
    "| 计划停机 maintenance windows | `maintenance.xml` (`<maintenance>`) | by hand |\n"
    "| 应急预案、演练、重大保障 plans, drills, guarantees | `emergency.xml` (`<emergency>`) | by hand |\n"
    "| 资产 assets, changes, inventories | `assets.xml` (`<assets>`) | by hand |\n"
    "| 任务、人员变动 tasks, staffing | `tasks.xml`, `staffing.xml` | by hand |\n"
    "| 甲方调整分 adjustments | `adjustments.xml` (`<adjustments>`) | by hand |\n"
    "| 可用性监测 probe samples | `probes-*.xml` (`<probes>`) | `opsreport import probes …` |\n"
    "\n"
    "Imports read the column headers through a map (data/maps/KIND.xml of the installation;\n"
    "copy it and pass `--map` when your sheet names columns differently: docs/import.md).\n"
    "They never rewrite a file: each import adds a new `KIND-import-HASH.xml`, skips records\n"
    "already here, and writes nothing when any row is wrong.\n"
    "\n"
    "Then: `opsreport render monthly --data . --period 2026-07 -o 月报.pdf`.\n";

/* Puts the finished temporary file at final (atomicout: linked, so an
 * existing file is never replaced). */
static or_status init_place(atomic_new *t, const char *final, diag *d)
{
    if (atomic_new_place(t, final) != 0) {
        diag_error(d, final, 0, errno == EEXIST ? "exists already (init never overwrites a file)" : "cannot write: %s",
                   strerror(errno));
        return errno == EEXIST ? OR_EINPUT : OR_ESYS;
    }
    return OR_OK;
}

/* Writes b to a new temporary file in dir (atomicout: mkstemp, fsync). */
static or_status init_write_tmp(atomic_new *t, const char *dir, const char *name, const buf *b, diag *d)
{
    if (atomic_new_open(t, dir, name) != 0) {
        if (errno == ENOMEM)
            return diag_nomem(d);
        diag_error(d, dir, 0, "cannot write: %s", strerror(errno));
        return OR_ESYS;
    }
    if (fwrite(b->data, 1, b->len, t->f) != b->len) {
        diag_error(d, t->tmp, 0, "cannot write: %s", strerror(errno));
        return OR_ESYS;
    }
    return atomic_new_finish(t, d);
}

int init_main(int argc, char **argv, const char *home)
{
    const char *dir = NULL, *id = NULL, *title = NULL, *client = NULL, *client_rep = NULL, *client_phone = NULL,
               *vendor = NULL, *vendor_rep = NULL, *vendor_phone = NULL, *start = NULL, *end = NULL, *fee = NULL;
    static const char *const sla_names[] = {"response-minutes", "onsite-minutes", "resolve-hours", "feedback-minutes",
                                            "failure-rate-max-percent", "satisfaction-min-percent",
                                            "page-inspections-per-day", "server-inspections-per-week"};
    static const char *const sla_defaults[] = {"30", "60", "8", "15", "1", "95", "1", "1"};
    const char *sla[8] = {0};
    char *systems[64], *persons[256], *payments[16];
    int n_systems = 0, n_persons = 0, n_payments = 0;
    bool quiet = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(init_usage, stdout);
            return 0;
        }
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
            continue;
        }
        if (a[0] != '-') {
            if (dir)
                return init_usage_error("unexpected argument %s", a);
            dir = a;
            continue;
        }
        if (i + 1 == argc)
            return init_usage_error("%s needs a value", a);
        const char *v = argv[++i];
        const char **slot = strcmp(a, "--id") == 0             ? &id
                            : strcmp(a, "--title") == 0        ? &title
                            : strcmp(a, "--client") == 0       ? &client
                            : strcmp(a, "--client-rep") == 0   ? &client_rep
                            : strcmp(a, "--client-phone") == 0 ? &client_phone
                            : strcmp(a, "--vendor") == 0       ? &vendor
                            : strcmp(a, "--vendor-rep") == 0   ? &vendor_rep
                            : strcmp(a, "--vendor-phone") == 0 ? &vendor_phone
                            : strcmp(a, "--start") == 0        ? &start
                            : strcmp(a, "--end") == 0          ? &end
                            : strcmp(a, "--fee") == 0          ? &fee
                                                               : NULL;
        for (int k = 0; k < 8 && !slot; k++)
            if (strncmp(a, "--", 2) == 0 && strcmp(a + 2, sla_names[k]) == 0)
                slot = &sla[k];
        if (slot) {
            *slot = v;
        } else if (strcmp(a, "--system") == 0) {
            if (n_systems == 64)
                return init_usage_error("%s", "at most 64 --system options");
            systems[n_systems++] = (char *)v;
        } else if (strcmp(a, "--person") == 0) {
            if (n_persons == 256)
                return init_usage_error("%s", "at most 256 --person options");
            persons[n_persons++] = (char *)v;
        } else if (strcmp(a, "--payment") == 0) {
            if (n_payments == 16)
                return init_usage_error("%s", "at most 16 --payment options");
            payments[n_payments++] = (char *)v;
        } else {
            return init_usage_error("unknown option %s", a);
        }
    }
    const char *missing = !dir ? "DIR" : !id ? "--id ID" : !client ? "--client NAME" : !vendor ? "--vendor NAME"
                        : !start ? "--start YYYY-MM-DD" : !end ? "--end YYYY-MM-DD" : !n_systems ? "--system ID:NAME:IMPORTANCE" : NULL;
    if (missing)
        return init_usage_error("%s is missing", missing);
    od_date d1, d2;
    if (!od_parse_date(start, &d1))
        return init_usage_error("--start %s: expected a date YYYY-MM-DD", start);
    if (!od_parse_date(end, &d2) || d2 < d1)
        return init_usage_error("--end %s: expected a date YYYY-MM-DD not before --start", end);

    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- made by opsreport init; edit freely, then run opsreport check -->\n");
    buf_puts(&b, "<contract version=\"1\"");
    xa(&b, "id", id);
    buf_puts(&b, ">\n");
    if (title) {
        buf_puts(&b, "  <title>");
        xt(&b, title);
        buf_puts(&b, "</title>\n");
    }
    buf_puts(&b, "  <client");
    xa(&b, "name", client);
    xa(&b, "representative", client_rep);
    xa(&b, "phone", client_phone);
    buf_puts(&b, "/>\n  <vendor");
    xa(&b, "name", vendor);
    xa(&b, "representative", vendor_rep);
    xa(&b, "phone", vendor_phone);
    buf_puts(&b, "/>\n  <term");
    xa(&b, "start", start);
    xa(&b, "end", end);
    buf_puts(&b, "/>\n");
    int rc = 0;
    if (fee) {
        buf_puts(&b, "  <fee");
        xa(&b, "total", fee);
        buf_puts(&b, n_payments ? ">\n" : "/>\n");
        for (int i = 0; i < n_payments && !rc; i++) {
            char *p[2];
            if (init_split(payments[i], p, 2) != 2)
                rc = init_usage_error("--payment %s: expected PERCENT:WHEN (e.g. 80:signing)", payments[i]);
            else {
                buf_puts(&b, "    <payment");
                xa(&b, "percent", p[0]);
                xa(&b, "when", p[1]);
                buf_puts(&b, "/>\n");
            }
        }
        if (n_payments)
            buf_puts(&b, "  </fee>\n");
    } else if (n_payments) {
        rc = init_usage_error("%s", "--payment needs --fee TOTAL");
    }
    buf_puts(&b, "  <sla");
    for (int k = 0; k < 8; k++)
        xa(&b, sla_names[k], sla[k] ? sla[k] : sla_defaults[k]);
    buf_puts(&b, "/>\n");
    for (int i = 0; i < n_systems && !rc; i++) {
        char *p[4];
        int n = init_split(systems[i], p, 4);
        if (n < 3 || (strcmp(p[2], "important") != 0 && strcmp(p[2], "general") != 0)) {
            rc = init_usage_error("--system %s: expected ID:NAME:important|general[:MODULE,...]", systems[i]);
            break;
        }
        buf_puts(&b, "  <system");
        xa(&b, "id", p[0]);
        xa(&b, "name", p[1]);
        xa(&b, "importance", p[2]);
        if (n < 4 || !*p[3]) {
            buf_puts(&b, "/>\n");
            continue;
        }
        buf_puts(&b, ">\n");
        char *save = NULL;
        for (char *m = strtok_r(p[3], ",", &save); m; m = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(m, '=');
            if (eq)
                *eq = '\0';
            buf_puts(&b, "    <module");
            xa(&b, "id", m);
            xa(&b, "name", eq ? eq + 1 : m);
            buf_puts(&b, "/>\n");
        }
        buf_puts(&b, "  </system>\n");
    }
    if (n_persons && !rc) {
        buf_puts(&b, "  <staff>\n");
        for (int i = 0; i < n_persons && !rc; i++) {
            char *p[4];
            int n = init_split(persons[i], p, 4);
            if (n < 2 || (n == 4 && strcmp(p[3], "onsite") != 0 && strcmp(p[3], "remote") != 0)) {
                rc = init_usage_error("--person %s: expected ID:NAME:ROLE[:onsite|remote]", persons[i]);
                break;
            }
            buf_puts(&b, "    <person");
            xa(&b, "id", p[0]);
            xa(&b, "name", p[1]);
            if (n >= 3 && *p[2])
                xa(&b, "role", p[2]);
            xa(&b, "onsite", n == 4 && strcmp(p[3], "onsite") == 0 ? "true" : "false");
            buf_puts(&b, "/>\n");
        }
        buf_puts(&b, "  </staff>\n");
    }
    buf_puts(&b, "</contract>\n");
    if (rc || b.failed) {
        buf_free(&b);
        return rc ? rc : OR_ESYS;
    }

    diag d = {0};
    char contract[PATH_MAX], readme[PATH_MAX], schema[PATH_MAX];
    or_status st = path_format(&d, contract, sizeof contract, "%s/contract.xml", dir);
    if (st == OR_OK)
        st = path_format(&d, readme, sizeof readme, "%s/README.md", dir);
    if (st == OR_OK)
        st = path_format(&d, schema, sizeof schema, "%s/data/schema", home);
    struct stat sb;
    if (st != OR_OK) {
        /* reported */
    } else if (access(contract, F_OK) == 0 || access(readme, F_OK) == 0) {
        diag_error(&d, access(contract, F_OK) == 0 ? contract : readme, 0,
                   "exists already (init never overwrites a file; choose a new directory)");
        st = OR_EINPUT;
    } else if (stat(dir, &sb) != 0 && mkdir(dir, 0755) != 0) {
        diag_error(&d, dir, 0, "cannot create the directory: %s", strerror(errno));
        st = OR_ESYS;
    }
    atomic_new tmp1 = {0}, tmp2 = {0};
    if (st == OR_OK)
        st = init_write_tmp(&tmp1, dir, "contract.xml", &b, &d);
    if (st == OR_OK) {
        /* The same loader as `check`; the contract alone is a data set. */
        const char *paths[1] = {tmp1.tmp};
        records *r = NULL;
        st = records_load_files(&r, paths, 1, schema, &d);
        records_free(r);
    }
    buf rb;
    buf_init(&rb, 0);
    buf_puts(&rb, init_readme);
    if (st == OR_OK)
        st = init_write_tmp(&tmp2, dir, "README.md", &rb, &d);
    buf_free(&rb);
    if (st == OR_OK && (st = init_place(&tmp1, contract, &d)) == OR_OK) {
        st = init_place(&tmp2, readme, &d);
        if (st != OR_OK)
            unlink(contract);
    }
    atomic_new_discard(&tmp1);
    atomic_new_discard(&tmp2);
    if (st != OR_OK)
        fprintf(stderr, "%s", _("opsreport: init: nothing written\n"));
    else if (!quiet)
        printf("%s: contract %s with %d system%s; next: opsreport import KIND FILE --data %s (see %s)\n", contract, id,
               n_systems, n_systems == 1 ? "" : "s", dir, readme);

    buf_free(&b);
    return (int)st;
}
