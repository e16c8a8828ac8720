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
#include "i18n.h"
#include "pathfmt.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <libgen.h>
#include <libxml/parser.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OPSREPORT_VERSION "0.1.0"

/* ---- help -------------------------------------------------------------- */

static const char cli_usage[] = N_(
    "usage: opsreport [-q] COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  render DOC     make a contract document (monthly, half-year, year-end, acceptance,\n"
    "                 inspections, incidents, kpi, packet) or a template file as PDF\n"
    "  check          validate the record files of a data set\n"
    "  facts          compute the contract's figures and the KPI score for a period\n"
    "  init DIR       start a data set for a new contract\n"
    "  import KIND    add records from a CSV or .xlsx sheet (inspections, incidents,\n"
    "                 deliverables, feedback) or availability probes (import probes)\n"
    "  typeset        typeset a layout document (docs/document-xml.md)\n"
    "  fonts          show which face each font family uses\n"
    "  version        print the version\n"
    "  help COMMAND   the usage, options and an example of COMMAND\n"
    "\n"
    "options for every command:\n"
    "  -q, --quiet    print nothing on success; errors and warnings still go to\n"
    "                 standard error (before or after the command)\n"
    "  -h, --help     this text; after a command, that command's help\n"
    "  -V, --version  print the version\n"
    "  --opt=value and --opt value are the same.\n"
    "\n"
    "exit status: 0 done, 1 bad input (records, templates, documents),\n"
    "  2 bad command line, 3 system error (a missing installation, I/O),\n"
    "  130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (nothing written).\n"
    "\n"
    "The manual: man opsreport; the guides: share/doc/opsreport of the installation.\n");

typedef struct cli_help {
    const char *name;
    const char *text;   /* usage, options and an example */
} cli_help;

static const cli_help cli_helps[] = {
    {"render", N_(
        "usage: opsreport render DOC --data DIR --period P -o OUT.pdf [options]\n"
        "\n"
        "Makes one of the contract's documents from the records of DIR: monthly,\n"
        "half-year, year-end, acceptance, inspections, incidents, kpi, packet, or\n"
        "the path of a template file.\n"
        "\n"
        "options:\n"
        "  --data DIR          the data set (record files *.xml)\n"
        "  --period P          2026-07, 2026-Q3, 2026-H2, 2026, 2026-W27,\n"
        "                      2026-06-09..2026-12-31, term, last-month, this-month\n"
        "  -o, --output FILE   the PDF; - writes it to standard output\n"
        "  --today YYYY-MM-DD  the date printed on the document (default: today)\n"
        "  --param NAME=VALUE  a parameter the template declares (system=ID, kind=page|server,\n"
        "                      incident=ID)\n"
        "  --templates DIR     templates searched before the installed ones: DIR/parts/cover.xml\n"
        "                      replaces the installed parts/cover.xml (also: the line\n"
        "                      'templates = DIR' in DIR/opsreport.conf of the data set)\n"
        "  --rules FILE        the scoring table (default: data/rules/kpi-rules.xml)\n"
        "  --fonts FILE        the font map (default: fonts/fonts.conf)\n"
        "  -q, --quiet         no warnings\n"
        "\n"
        "example:\n"
        "  opsreport render monthly --data /srv/ops/records --period 2026-07 -o monthly-2026-07.pdf\n")},
    {"check", N_(
        "usage: opsreport check --data DIR [options]\n"
        "\n"
        "Loads and validates every record file of DIR and reports each problem as\n"
        "file:line: what was found (expected what).  Prints one line on success.\n"
        "\n"
        "options:\n"
        "  --data DIR      the data set\n"
        "  --rules FILE    the scoring table to check with the records\n"
        "  -q, --quiet     print nothing on success, no warnings\n"
        "\n"
        "example:\n"
        "  opsreport check --data /srv/ops/records\n")},
    {"facts", N_(
        "usage: opsreport facts --data DIR --period P [options]\n"
        "\n"
        "Computes every figure of the period (availability, inspections, incidents,\n"
        "documents, satisfaction, the 100-point score) as XML or JSON.\n"
        "\n"
        "options:\n"
        "  --data DIR          the data set\n"
        "  --period P          2026-07, 2026-Q3, 2026-H2, 2026, 2026-W27,\n"
        "                      2026-06-09..2026-12-31, term, last-month, this-month\n"
        "  --today YYYY-MM-DD  the day 'last-month' and due dates are counted from\n"
        "  --format xml|json   (default xml)\n"
        "  -o, --output FILE   write to FILE (default and -: standard output)\n"
        "  --rules FILE        the scoring table\n"
        "  --unmasked          personal numbers whole (the vendor's internal use)\n"
        "  -q, --quiet         no warnings\n"
        "\n"
        "example:\n"
        "  opsreport facts --data /srv/ops/records --period 2026-Q3 --format json -o q3.json\n")},
    {"init", N_(
        "usage: opsreport init DIR --id ID --client NAME --vendor NAME --start YYYY-MM-DD --end YYYY-MM-DD\n"
        "                      --system ID:NAME:important|general[:MODULE,MODULE=NAME...] ...\n"
        "\n"
        "Writes DIR/contract.xml and DIR/README.md for a new contract.\n"
        "\n"
        "options:\n"
        "  --title TEXT  --client-rep NAME  --client-phone TEL  --vendor-rep NAME  --vendor-phone TEL\n"
        "  --person ID:NAME:ROLE[:onsite|remote] ...   --fee YUAN  --payment PERCENT:WHEN ...\n"
        "  --response-minutes N  --onsite-minutes N  --resolve-hours N  --feedback-minutes N\n"
        "  --failure-rate-max-percent X  --satisfaction-min-percent X\n"
        "  --page-inspections-per-day N  --server-inspections-per-week N\n"
        "  SLA values default to the contract's defaults (30, 60, 8, 15, 1, 95, 1, 1).\n"
        "  -q, --quiet   print nothing on success\n"
        "\n"
        "example:\n"
        "  opsreport init ops --id HT-2026-01 --client 甲方单位 --vendor 乙方公司 \\\n"
        "      --start 2026-01-01 --end 2026-12-31 --system portal:门户网站:important\n")},
    {"import", N_(
        "usage: opsreport import KIND FILE --data DIR [options]\n"
        "\n"
        "Adds the rows of a CSV (UTF-8, GBK or GB18030) or .xlsx sheet to DIR as a new\n"
        "checked record file.  KIND: inspections, incidents, deliverables, feedback;\n"
        "availability samples: opsreport help import probes.\n"
        "\n"
        "options:\n"
        "  --data DIR      the data set\n"
        "  --map MAP       mapping file (default: data/maps/KIND.xml of the installation)\n"
        "  --encoding E    the CSV's encoding (default: detected)\n"
        "  --sheet NAME    the workbook's sheet (default: the first)\n"
        "  --dry-run       print the record file instead of writing it\n"
        "  -o NAME         the new file's name in DIR (default: KIND-import-HASH.xml)\n"
        "  -q, --quiet     print nothing on success, no warnings\n"
        "\n"
        "example:\n"
        "  opsreport import incidents 故障台账.xlsx --data /srv/ops/records\n")},
    {"import probes", N_(
        "usage: opsreport import probes SOURCE --data DIR --system SYS [options]\n"
        "\n"
        "Adds availability samples from an Uptime Kuma database (kuma.db), a Prometheus\n"
        "query_range JSON response, or a directory of such responses, one file per month.\n"
        "\n"
        "options:\n"
        "  --monitor ID|NAME      Uptime Kuma monitor (needed when there are several)\n"
        "  --table T              auto (default), heartbeat or stat_minutely\n"
        "  --pending down|up      what Uptime Kuma's pending status counts as (default down)\n"
        "  --match LABEL=VALUE    Prometheus series to take (repeatable)\n"
        "  --from DATE --to DATE  days to import, inclusive (default: the contract term)\n"
        "  -o NAME                one file NAME.xml in DIR (default: probes-SYS-YYYY-MM.xml)\n"
        "  --dry-run              check everything, write nothing\n"
        "  -q, --quiet            print nothing on success, no warnings\n"
        "\n"
        "example:\n"
        "  opsreport import probes /var/lib/uptime-kuma/kuma.db --data /srv/ops/records --system portal\n")},
    {"typeset", N_(
        "usage: opsreport typeset DOC.xml -o OUT.pdf [options]\n"
        "\n"
        "Typesets a document written in the layout vocabulary (docs/document-xml.md).\n"
        "\n"
        "options:\n"
        "  -o, --output FILE   the PDF; - writes it to standard output\n"
        "  --fonts FILE        the font map (default: fonts/fonts.conf)\n"
        "  -q, --quiet         no warnings\n"
        "\n"
        "example:\n"
        "  opsreport typeset letter.xml -o letter.pdf\n")},
    {"fonts", N_(
        "usage: opsreport fonts [--fonts FILE]\n"
        "\n"
        "Shows which face each family (song, hei, kai, fangsong) uses for a few\n"
        "sample characters.\n"
        "\n"
        "example:\n"
        "  opsreport fonts\n")},
    {"version", N_(
        "usage: opsreport version   (also: opsreport -V, opsreport --version)\n"
        "\n"
        "example:\n"
        "  opsreport version\n")},
    {"help", N_(
        "usage: opsreport help [COMMAND]   (also: opsreport COMMAND --help)\n"
        "\n"
        "example:\n"
        "  opsreport help render\n")},
};

static const cli_help *cli_find_help(const char *name)
{
    for (size_t i = 0; i < sizeof cli_helps / sizeof *cli_helps; i++)
        if (strcmp(cli_helps[i].name, name) == 0)
            return &cli_helps[i];
    return NULL;
}

static int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("opsreport: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, _(fmt), ap);
    va_end(ap);
    fputs(_("\n(run 'opsreport help' for usage)\n"), stderr);
    return OR_EUSAGE;
}

typedef struct cli_opts {
    const char *fonts;
    const char *output;
    const char *input;
    bool quiet;
} cli_opts;

static bool cli_is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The installation's data directory: $OPSREPORT_HOME, else the directory
 * of the executable when it holds fonts/fonts.conf (a build tree), else
 * ../share/opsreport beside the executable.  Filled once by cli_main
 * (cli_find_home), read by every subcommand. */
static char cli_home_dir[PATH_MAX];

static or_status cli_find_home(diag *d)
{
    const char *env = getenv("OPSREPORT_HOME");
    char exe[PATH_MAX], probe[PATH_MAX];
    if (env && *env)
        return path_format(d, cli_home_dir, sizeof cli_home_dir, "%s", env);
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return path_format(d, cli_home_dir, sizeof cli_home_dir, ".");
    exe[n] = '\0';
    char *dir = dirname(exe);
    or_status st = path_format(d, probe, sizeof probe, "%s/fonts/fonts.conf", dir);
    if (st != OR_OK)
        return st;
    if (cli_is_file(probe))
        return path_format(d, cli_home_dir, sizeof cli_home_dir, "%s", dir);
    return path_format(d, cli_home_dir, sizeof cli_home_dir, "%s/../share/opsreport", dir);
}

/* Every subcommand needs the installation's data files (schemas, fonts
 * map, templates): without them it is the same system error (exit 3) for
 * all, before any option is looked at. */
static or_status cli_check_home(diag *d)
{
    char probe[PATH_MAX];
    or_status st = path_format(d, probe, sizeof probe, "%s/data/schema/contract.rng", cli_home_dir);
    if (st != OR_OK)
        return st;
    if (!cli_is_file(probe)) {
        diag_error(d, NULL, 0, "the installation's data files are missing: there is no %s (expected the "
                   "directory that holds fonts/, templates/ and data/: reinstall with 'make install', or set "
                   "OPSREPORT_HOME to it)", probe);
        return OR_ESYS;
    }
    return OR_OK;
}

/* Message catalogs: build/locale of a build tree, else ../locale beside
 * the installation's share/opsreport (share/locale). */
static void cli_i18n_init(void)
{
    char dir[PATH_MAX];
    struct stat sb;
    setlocale(LC_ALL, "");
    if (path_format(NULL, dir, sizeof dir, "%s/build/locale", cli_home_dir) != OR_OK)
        return;
    if (stat(dir, &sb) != 0 && path_format(NULL, dir, sizeof dir, "%s/../locale", cli_home_dir) != OR_OK)
        return;
    bindtextdomain(OR_TEXTDOMAIN, dir);
    bind_textdomain_codeset(OR_TEXTDOMAIN, "UTF-8");
    textdomain(OR_TEXTDOMAIN);
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
    char map[PATH_MAX];
    const char *path = o->fonts;
    if (!path) {
        or_status st = path_format(d, map, sizeof map, "%s/fonts/fonts.conf", cli_home_dir);
        if (st != OR_OK)
            return st;
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
        return cli_usage_error("typeset needs a document file");
    if (!o.output)
        return cli_usage_error("typeset needs -o OUT.pdf");
    if ((rc = (int)atomic_check_target(o.output, NULL)))
        return rc;
    diag d = {.quiet_warnings = o.quiet};
    char dir[PATH_MAX];
    if ((rc = (int)path_format(&d, dir, sizeof dir, "%s", o.input)))
        return rc;
    fontset *fs = NULL;
    dl_doc dl;
    dl_doc_init(&dl);
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
        fprintf(stderr, _("opsreport: %u errors; nothing written\n"), d.errors);
    else if (st != OR_OK)
        fputs(_("opsreport: nothing written\n"), stderr);
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
        return cli_usage_error("--data DIR is missing (the directory of record files)");
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
    const char *home = cli_home_dir;
    dataset ds;
    or_status st = dataset_load(&ds, o.data, home, o.rules, 0, &d);
    if (st == OR_OK) {
        size_t files = 0;
        for (int i = 0; i < REC_KIND_COUNT; i++)
            files += ds.records->files_per_kind[i];
        if (!o.quiet)
            printf(_("%s: %zu record files, no errors\n"), o.data, files);
    } else if (d.errors > 1) {
        fprintf(stderr, _("opsreport: %u errors\n"), d.errors);
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
        return cli_usage_error("--period P is missing (%s)", PERIOD_FORMS);
    facts_format fmt = FACTS_XML;
    if (o.format && strcmp(o.format, "json") == 0)
        fmt = FACTS_JSON;
    else if (o.format && strcmp(o.format, "xml") != 0)
        return cli_usage_error("--format %s: expected xml or json", o.format);
    if (o.output && (rc = (int)atomic_check_target(o.output, NULL)))
        return rc;
    diag d = {.quiet_warnings = o.quiet};
    const char *home = cli_home_dir;
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
        fputs(_("opsreport: personal numbers are NOT masked in these facts (--unmasked): "
                "for the vendor's internal use only\n"), stderr);
    if (st == OR_OK) {
        for (size_t i = 0; i < f->n_warnings; i++)
            diag_warn(&d, NULL, 0, "%s", f->warnings_shown[i]);
        if (o.output) {
            st = atomic_write_file(o.output, buf_cstr(&out), out.len, &d);
        } else if (fwrite(buf_cstr(&out), 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
            diag_error(&d, NULL, 0, "cannot write the facts to standard output: %s", strerror(errno));
            st = OR_ESYS;
        }
    } else if (d.errors > 1) {
        fprintf(stderr, _("opsreport: %u errors; no facts written\n"), d.errors);
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
               *fonts = NULL, *templates = NULL;
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
                rc = cli_usage_error("--param needs NAME=VALUE");
            else if (nextra == sizeof extra / sizeof *extra)
                rc = cli_usage_error("at most 16 --param options");
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
                            : strcmp(a, "--templates") == 0 ? &templates
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
        rc = cli_usage_error("render needs a document name or a template file");
    if (!rc && !data)
        rc = cli_usage_error("render needs --data DIR");
    if (!rc && !period)
        rc = cli_usage_error("render needs --period P (%s)", PERIOD_FORMS);
    if (!rc && !output)
        rc = cli_usage_error("render needs -o OUT.pdf");
    if (!rc)
        rc = (int)atomic_check_target(output, NULL);
    if (rc) {
        for (size_t k = 0; k < nextra; k++)
            or_free(owned[k]);
        return rc;
    }
    diag d = {.quiet_warnings = quiet};
    const char *home = cli_home_dir;
    cli_opts fo = {.fonts = fonts};
    fontset *fs = NULL;
    render_request rq = {.document = doc, .data_dir = data, .period = period, .today = today, .rules = rules,
                         .output = output, .home = home, .templates = templates, .params = extra,
                         .nparams = nextra};
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
        fprintf(stderr, ngettext("opsreport: %u error; nothing written\n", "opsreport: %u errors; nothing written\n",
                                 d.errors), d.errors);
    return (int)st;
}

static void cli_print_help(const cli_help *h)
{
    fputs(_(h->text), stdout);
}

/* `help [COMMAND [probes]]` */
static int cli_help_cmd(int argc, char **argv, int at)
{
    if (at >= argc) {
        fputs(_(cli_usage), stdout);
        return 0;
    }
    const cli_help *h = NULL;
    if (strcmp(argv[at], "import") == 0 && at + 1 < argc && strcmp(argv[at + 1], "probes") == 0)
        h = cli_find_help("import probes");
    else
        h = cli_find_help(argv[at]);
    if (!h)
        return cli_usage_error("help: unknown command %s (expected render, check, facts, init, import, "
                               "typeset, fonts, version or help)", argv[at]);
    cli_print_help(h);
    return 0;
}

static int cli_dispatch(int argc, char **argv)
{
    const char *cmd = argv[1];
    if (strcmp(cmd, "typeset") == 0)
        return cli_typeset(argc, argv);
    if (strcmp(cmd, "fonts") == 0)
        return cli_fonts(argc, argv);
    if (strcmp(cmd, "render") == 0)
        return cli_render(argc, argv);
    if (strcmp(cmd, "check") == 0)
        return cli_check(argc, argv);
    if (strcmp(cmd, "facts") == 0)
        return cli_facts(argc, argv);
    if (strcmp(cmd, "import") == 0 && argc > 2 && strcmp(argv[2], "probes") == 0)
        return import_probes_main(argc, argv, cli_home_dir);
    if (strcmp(cmd, "init") == 0)
        return init_main(argc, argv, cli_home_dir);
    if (strcmp(cmd, "import") == 0)
        return import_main(argc, argv, cli_home_dir);
    return cli_usage_error("unknown command %s (expected render, check, facts, init, import, typeset, fonts, "
                           "version or help)", cmd);
}

static bool cli_is_quiet(const char *a)
{
    return strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0;
}

static bool cli_is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

static bool cli_is_version(const char *a)
{
    return strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0 || strcmp(a, "version") == 0;
}

/* The conventions every subcommand shares are applied here, once:
 * options before the command (-q, -V, -h), COMMAND --help, --opt=value
 * (split into --opt value), and -q before the command passed on after it.
 * The subcommands then see "opsreport COMMAND ARGS... [-q]". */
int cli_main(int argc, char **argv)
{
    diag d0 = {0};
    if (cli_find_home(&d0) != OR_OK)
        return OR_EUSAGE;
    cli_i18n_init();
    bool quiet = false;
    int at = 1;
    for (; at < argc && argv[at][0] == '-' && argv[at][1]; at++) {
        if (cli_is_quiet(argv[at])) {
            quiet = true;
        } else if (cli_is_version(argv[at])) {
            printf("opsreport %s\n", OPSREPORT_VERSION);
            return 0;
        } else if (cli_is_help(argv[at])) {
            return cli_help_cmd(argc, argv, at + 1);
        } else {
            return cli_usage_error("unknown option %s before the command (expected -q, -V or --help; "
                                   "the command's own options come after it)", argv[at]);
        }
    }
    if (at == argc)
        return cli_usage_error("a command is missing");
    const char *cmd = argv[at];
    if ((cli_is_version(cmd) || strcmp(cmd, "help") == 0) && at + 1 < argc && cli_is_help(argv[at + 1])) {
        cli_print_help(cli_find_help(cli_is_version(cmd) ? "version" : "help"));
        return 0;
    }
    if (cli_is_version(cmd)) {
        printf("opsreport %s\n", OPSREPORT_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0)
        return cli_help_cmd(argc, argv, at + 1);
    bool probes = strcmp(cmd, "import") == 0 && at + 1 < argc && strcmp(argv[at + 1], "probes") == 0;
    for (int i = at + 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            const cli_help *h = cli_find_help(probes ? "import probes" : cmd);
            if (!h)
                return cli_dispatch(2, (char *[]){argv[0], (char *)cmd, NULL});
            cli_print_help(h);
            return 0;
        }
    }
    /* argv rebuilt: at most two entries per argument, plus -q */
    size_t cap = 2 * (size_t)argc + 3, n = 0;
    char **args = or_calloc(cap, sizeof *args);
    char **owned = or_calloc(cap, sizeof *owned);
    size_t nowned = 0;
    int rc = 0;
    if (!args || !owned) {
        rc = (int)diag_nomem(&d0);
        goto done;
    }
    args[n++] = argv[0];
    args[n++] = (char *)cmd;
    for (int i = at + 1; i < argc; i++) {
        char *a = argv[i];
        char *eq = strncmp(a, "--", 2) == 0 && a[2] ? strchr(a, '=') : NULL;
        if (eq && eq > a + 2) {
            char *name = or_strndup(a, (size_t)(eq - a)), *value = or_strdup(eq + 1);
            if (!name || !value) {
                or_free(name);
                or_free(value);
                rc = (int)diag_nomem(&d0);
                goto done;
            }
            owned[nowned++] = name;
            owned[nowned++] = value;
            args[n++] = name;
            args[n++] = value;
        } else {
            args[n++] = a;
        }
    }
    if (quiet)
        args[n++] = "-q";
    args[n] = NULL;
    atomic_install_signal_handlers();
    if ((rc = (int)cli_check_home(&d0)) == 0)
        rc = cli_dispatch((int)n, args);
done:
    for (size_t i = 0; i < nowned; i++)
        or_free(owned[i]);
    or_free(owned);
    or_free(args);
    xmlCleanupParser();
    return rc;
}
