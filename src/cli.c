#include "cli.h"

#include "alloc.h"
#include "atomicout.h"

#include "dataset.h"
#include "datetime.h"
#include "diag.h"
#include "display.h"
#include "doc.h"
#include "facts.h"
#include "fonts.h"
#include "import_probes.h"
#include "import.h"
#include "init.h"
#include "layout.h"
#include "kpi.h"
#include "pdfout.h"
#include "render.h"
#include "template.h"
#include "period.h"
#include "records.h"
#include "utf8.h"

#include <errno.h>
#include <libgen.h>
#include <libxml/parser.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OPSREPORT_VERSION "0.1.0"

static const char cli_usage[] =
    "usage: opsreport COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  typeset DOC.xml -o OUT.pdf   typeset a layout document (docs/document-xml.md)\n"
    "  fonts                        list the font families and check their files\n"
    "  check --data DIR             validate the records of a data set\n"
    "  facts --data DIR --period P  compute the contract's figures and KPI for period P\n"
    "        [--today YYYY-MM-DD] [--format xml|json] [--rules FILE] [-o FILE] [--unmasked]\n"
    "        P: " PERIOD_FORMS "\n"
    "  render DOC --data DIR --period P -o OUT.pdf\n"
    "        [--today YYYY-MM-DD] [--rules FILE] [--fonts FILE] [--param NAME=VALUE]\n"
    "                               make a document: monthly, half-year, year-end, acceptance,\n"
    "                               inspections, incidents, kpi, packet, or a template file\n"
    "  import probes SOURCE --data DIR --system SYS\n"
    "                               add availability samples from an Uptime Kuma database or\n"
    "                               Prometheus query_range JSON (docs/import-probes.md)\n"
    "  init DIR --id ID --client NAME --vendor NAME --start DATE --end DATE --system ID:NAME:IMPORTANCE ...\n"
    "                               start a data set for a new contract (opsreport init --help)\n"
    "  import KIND FILE --data DIR  records from a CSV or .xlsx sheet (opsreport import --help; docs/import.md)\n"
    "  version                      print the version\n"
    "\n"
    "options:\n"
    "  --fonts FILE     font map (default: fonts/fonts.conf of the installation)\n"
    "  --rules FILE     scoring rules (default: data/rules/kpi-rules.xml of the installation)\n"
    "  -q, --quiet      do not print warnings\n"
    "\n"
    "  -o FILE          output: a regular file (a symlink is written through), or - for\n"
    "                   standard output; devices, FIFOs and directories are refused\n"
    "\n"
    "exit status: 0 done, 1 bad input, 2 bad command line, 3 system error,\n"
    "             130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing written)\n";

typedef struct cli_opts {
    const char *fonts;
    const char *output;
    const char *input;
    bool quiet;
} cli_opts;

static int cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "opsreport: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(run 'opsreport help' for usage)\n");
    return OR_EUSAGE;
}

static bool cli_is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The installation's data directory: $OPSREPORT_HOME, else the directory
 * of the executable when it holds fonts/fonts.conf (a build tree), else
 * ../share/opsreport beside the executable. */
static void cli_home(char *out, size_t size)
{
    const char *env = getenv("OPSREPORT_HOME");
    char exe[PATH_MAX], probe[PATH_MAX + 32];
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return;
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(out, size, ".");
        return;
    }
    exe[n] = '\0';
    char *dir = dirname(exe);
    snprintf(probe, sizeof probe, "%s/fonts/fonts.conf", dir);
    if (cli_is_file(probe)) {
        snprintf(out, size, "%s", dir);
        return;
    }
    snprintf(out, size, "%s/../share/opsreport", dir);
}

static int cli_parse(int argc, char **argv, int first, cli_opts *o)
{
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (++i == argc)
                return cli_usage_error("%s needs a file name", a);
            o->output = argv[i];
        } else if (strcmp(a, "--fonts") == 0) {
            if (++i == argc)
                return cli_usage_error("%s needs a file name", a);
            o->fonts = argv[i];
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("unknown option %s", a);
        } else if (!o->input) {
            o->input = a;
        } else {
            return cli_usage_error("unexpected argument %s", a);
        }
    }
    return 0;
}

static or_status cli_open_fonts(const cli_opts *o, fontset **fs, diag *d)
{
    char home[PATH_MAX], map[PATH_MAX + 32];
    const char *path = o->fonts;
    if (!path) {
        cli_home(home, sizeof home);
        snprintf(map, sizeof map, "%s/fonts/fonts.conf", home);
        path = map;
    }
    return fontset_open(fs, path, d);
}

/* SOURCE_DATE_EPOCH, when set, fixes the PDF date (-1 when unset). */
static or_status cli_source_date(long long *out, diag *d)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    *out = -1;
    if (!env || !*env)
        return OR_OK;
    char *end;
    errno = 0;
    long long v = strtoll(env, &end, 10);
    if (*end || errno || v < 0 || v > 253402300799LL) {
        diag_error(d, NULL, 0, "SOURCE_DATE_EPOCH=\"%s\" (expected seconds since 1970 as a whole number)", env);
        return OR_EUSAGE;
    }
    *out = v;
    return OR_OK;
}

static int cli_typeset(int argc, char **argv)
{
    cli_opts o = {0};
    int rc = cli_parse(argc, argv, 2, &o);
    if (rc)
        return rc;
    if (!o.input)
        return cli_usage_error("%s", "typeset needs a document file");
    if (!o.output)
        return cli_usage_error("%s", "typeset needs -o OUT.pdf");
    if ((rc = (int)atomic_check_target(o.output, NULL)))
        return rc;
    diag d = {.quiet_warnings = o.quiet};
    fontset *fs = NULL;
    dl_doc dl;
    dl_doc_init(&dl);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", o.input);
    /* Without SOURCE_DATE_EPOCH or a date in the document, the input's
     * modification time keeps the same input giving the same bytes. */
    struct stat sb;
    layout_options lo = {.base_dir = dirname(dir), .fallback_created = stat(o.input, &sb) == 0 ? (long long)sb.st_mtime : 0};
    or_status st = cli_source_date(&lo.created, &d);
    if (st == OR_OK)
        st = cli_open_fonts(&o, &fs, &d);
    if (st == OR_OK)
        st = layout_file(o.input, fs, &lo, &dl, &d);
    if (st == OR_OK)
        st = pdf_write_release(&dl, fs, o.output, &d);
    dl_doc_free(&dl);
    fontset_free(fs);
    if (st != OR_OK && d.errors > 1)
        fprintf(stderr, "opsreport: %u errors; nothing written\n", d.errors);
    else if (st != OR_OK)
        fprintf(stderr, "opsreport: nothing written\n");
    return (int)st;
}

static int cli_fonts(int argc, char **argv)
{
    cli_opts o = {0};
    int rc = cli_parse(argc, argv, 2, &o);
    if (rc)
        return rc;
    diag d = {0};
    fontset *fs = NULL;
    or_status st = cli_open_fonts(&o, &fs, &d);
    static const char *const families[] = {"song", "hei", "kai", "fangsong"};
    static const char *const samples[] = {"运维月报", "考核指标", "验收清单", "𠮷☑"};
    for (size_t i = 0; st == OR_OK && i < sizeof families / sizeof *families; i++) {
        int fam = fontset_family(fs, families[i]);
        printf("%-9s", families[i]);
        if (fam < 0) {
            printf(" (not in the map)\n");
            continue;
        }
        const char *s = samples[i];
        size_t pos = 0, len = strlen(s);
        while (pos < len) {
            size_t at = pos;
            uint32_t cp = utf8_next(s, len, &pos, NULL);
            int face = fontset_resolve(fs, fam, cp, &d);
            printf(" %.*s→%s", (int)(pos - at), s + at, face < 0 ? "(none)" : fontset_face_label(fs, face));
        }
        printf("\n");
    }
    fontset_free(fs);
    return (int)st;
}

/* ---- check and facts --------------------------------------------------- */

typedef struct cli_facts_opts {
    const char *data, *period, *today, *format, *rules, *output;
    bool quiet;
    bool unmasked;   /* facts only: personal numbers whole */
} cli_facts_opts;

static int cli_facts_parse(int argc, char **argv, cli_facts_opts *o)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--data") == 0     ? &o->data
                            : strcmp(a, "--period") == 0 ? &o->period
                            : strcmp(a, "--today") == 0  ? &o->today
                            : strcmp(a, "--format") == 0 ? &o->format
                            : strcmp(a, "--rules") == 0  ? &o->rules
                            : (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) ? &o->output
                                                                                 : NULL;
        if (slot) {
            if (++i == argc)
                return cli_usage_error("%s needs a value", a);
            *slot = argv[i];
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (strcmp(a, "--unmasked") == 0 && strcmp(argv[1], "facts") == 0) {
            o->unmasked = true;
        } else if (a[0] == '-') {
            return cli_usage_error("unknown option %s", a);
        } else {
            return cli_usage_error("unexpected argument %s", a);
        }
    }
    if (!o->data)
        return cli_usage_error("%s", "--data DIR is missing (the directory of record files)");
    return 0;
}

/* Loads the records of o->data, with the installation's schemas, and the
 * working-day calendar (shipped schedule plus the data set's <calendar>
 * files).  On OR_OK the caller frees both. */
static int cli_check(int argc, char **argv)
{
    cli_facts_opts o = {0};
    int rc = cli_facts_parse(argc, argv, &o);
    if (rc)
        return rc;
    diag d = {.quiet_warnings = o.quiet};
    char home[PATH_MAX];
    cli_home(home, sizeof home);
    dataset ds;
    or_status st = dataset_load(&ds, o.data, home, o.rules, 0, &d);
    if (st == OR_OK) {
        size_t files = 0;
        for (int i = 0; i < REC_KIND_COUNT; i++)
            files += ds.records->files_per_kind[i];
        printf("%s: %zu record files, no errors\n", o.data, files);
    } else if (d.errors > 1) {
        fprintf(stderr, "opsreport: %u errors\n", d.errors);
    }
    dataset_free(&ds);
    return (int)st;
}

static int cli_facts(int argc, char **argv)
{
    cli_facts_opts o = {0};
    int rc = cli_facts_parse(argc, argv, &o);
    if (rc)
        return rc;
    if (!o.period)
        return cli_usage_error("%s", "--period P is missing (" PERIOD_FORMS ")");
    facts_format fmt = FACTS_XML;
    if (o.format && strcmp(o.format, "json") == 0)
        fmt = FACTS_JSON;
    else if (o.format && strcmp(o.format, "xml") != 0)
        return cli_usage_error("--format %s: expected xml or json", o.format);
    if (o.output && (rc = (int)atomic_check_target(o.output, NULL)))
        return rc;
    diag d = {.quiet_warnings = o.quiet};
    char home[PATH_MAX];
    cli_home(home, sizeof home);
    dataset ds;
    facts *f = NULL;
    od_period p;
    od_date today;
    buf out;
    buf_init(&out, 0);
    or_status st = dataset_load(&ds, o.data, home, o.rules, 0, &d);
    if (st == OR_OK)
        st = dataset_period(&ds, o.period, o.today, &p, &today, &d);
    if (st == OR_OK)
        st = facts_compute(&f, ds.records, ds.cal, ds.rules, &p, &d);
    if (st == OR_OK)
        st = facts_write_masking(f, fmt, o.unmasked, &out, &d);
    if (st == OR_OK && o.unmasked)
        fprintf(stderr, "opsreport: personal numbers are NOT masked in these facts (--unmasked): "
                        "for the vendor's internal use only\n");
    if (st == OR_OK) {
        for (size_t i = 0; i < f->n_warnings; i++)
            diag_warn(&d, NULL, 0, "%s", f->warnings[i]);
        if (o.output) {
            st = atomic_write_file(o.output, buf_cstr(&out), out.len, &d);
        } else if (fwrite(buf_cstr(&out), 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
            diag_error(&d, NULL, 0, "cannot write the facts to standard output");
            st = OR_ESYS;
        }
    } else if (d.errors > 1) {
        fprintf(stderr, "opsreport: %u errors; no facts written\n", d.errors);
    }
    buf_free(&out);
    facts_free(f);
    dataset_free(&ds);
    return (int)st;
}

/* render DOC --data DIR --period P -o OUT.pdf */
static int cli_render(int argc, char **argv)
{
    const char *doc = NULL, *data = NULL, *period = NULL, *today = NULL, *rules = NULL, *output = NULL,
               *fonts = NULL;
    bool quiet = false;
    template_param extra[16];
    size_t nextra = 0;
    char *owned[16] = {0};
    int rc = 0;
    for (int i = 2; i < argc && !rc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--param") == 0) {
            /* NAME=VALUE for the template's own t:params (e.g. system=vr) */
            const char *eq = ++i < argc ? strchr(argv[i], '=') : NULL;
            if (!eq || eq == argv[i])
                rc = cli_usage_error("%s", "--param needs NAME=VALUE");
            else if (nextra == sizeof extra / sizeof *extra)
                rc = cli_usage_error("%s", "at most 16 --param options");
            else if (!(owned[nextra] = or_strndup(argv[i], (size_t)(eq - argv[i]))))
                rc = OR_ESYS;
            else {
                extra[nextra] = (template_param){owned[nextra], eq + 1};
                nextra++;
            }
            continue;
        }
        const char **slot = strcmp(a, "--data") == 0     ? &data
                            : strcmp(a, "--period") == 0 ? &period
                            : strcmp(a, "--today") == 0  ? &today
                            : strcmp(a, "--rules") == 0  ? &rules
                            : strcmp(a, "--fonts") == 0  ? &fonts
                            : strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ? &output
                                                                                : NULL;
        if (slot) {
            if (++i == argc)
                rc = cli_usage_error("%s needs a value", a);
            else
                *slot = argv[i];
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            rc = cli_usage_error("unknown option %s", a);
        } else if (!doc) {
            doc = a;
        } else {
            rc = cli_usage_error("unexpected argument %s", a);
        }
    }
    if (!rc && !doc)
        rc = cli_usage_error("%s", "render needs a document name or a template file");
    if (!rc && !data)
        rc = cli_usage_error("%s", "render needs --data DIR");
    if (!rc && !period)
        rc = cli_usage_error("%s", "render needs --period P (" PERIOD_FORMS ")");
    if (!rc && !output)
        rc = cli_usage_error("%s", "render needs -o OUT.pdf");
    if (!rc)
        rc = (int)atomic_check_target(output, NULL);
    if (rc) {
        for (size_t k = 0; k < nextra; k++)
            or_free(owned[k]);
        return rc;
    }
    diag d = {.quiet_warnings = quiet};
    char home[PATH_MAX];
    cli_home(home, sizeof home);
    cli_opts fo = {.fonts = fonts};
    fontset *fs = NULL;
    render_request rq = {.document = doc, .data_dir = data, .period = period, .today = today, .rules = rules,
                         .output = output, .home = home, .params = extra, .nparams = nextra};
    or_status st = cli_source_date(&rq.created, &d);
    if (st == OR_OK)
        st = cli_open_fonts(&fo, &fs, &d);
    rq.fonts = fs;
    if (st == OR_OK)
        st = render_run(&rq, &d);
    fontset_free(fs);
    for (size_t k = 0; k < nextra; k++)
        or_free(owned[k]);
    if (st != OR_OK)
        fprintf(stderr, "opsreport: %u error%s; nothing written\n", d.errors, d.errors == 1 ? "" : "s");
    return (int)st;
}

int cli_main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("%s", "a command is missing");
    const char *cmd = argv[1];
    int rc;
    atomic_install_signal_handlers();
    if (strcmp(cmd, "typeset") == 0)
        rc = cli_typeset(argc, argv);
    else if (strcmp(cmd, "fonts") == 0)
        rc = cli_fonts(argc, argv);
    else if (strcmp(cmd, "render") == 0)
        rc = cli_render(argc, argv);
    else if (strcmp(cmd, "check") == 0)
        rc = cli_check(argc, argv);
    else if (strcmp(cmd, "facts") == 0)
        rc = cli_facts(argc, argv);
    else if (strcmp(cmd, "import") == 0 && argc > 2 && strcmp(argv[2], "probes") == 0) {
        char home[PATH_MAX];
        cli_home(home, sizeof home);
        rc = import_probes_main(argc, argv, home);
    } else if (strcmp(cmd, "init") == 0) {
        char home[PATH_MAX];
        cli_home(home, sizeof home);
        rc = init_main(argc, argv, home);
    } else if (strcmp(cmd, "import") == 0) {
        char home[PATH_MAX];
        cli_home(home, sizeof home);
        rc = import_main(argc, argv, home);
    }
    else if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("opsreport %s\n", OPSREPORT_VERSION);
        rc = 0;
    } else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(cli_usage, stdout);
        rc = 0;
    } else
        rc = cli_usage_error("unknown command %s", cmd);
    xmlCleanupParser();
    return rc;
}
