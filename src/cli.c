#include "cli.h"

#include "datetime.h"
#include "diag.h"
#include "display.h"
#include "doc.h"
#include "fonts.h"
#include "layout.h"
#include "pdfout.h"
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
    "  version                      print the version\n"
    "\n"
    "options:\n"
    "  --fonts FILE     font map (default: fonts/fonts.conf of the installation)\n"
    "  -q, --quiet      do not print warnings\n"
    "\n"
    "exit status: 0 done, 1 bad input, 2 bad command line, 3 system error\n";

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

/* The document date: SOURCE_DATE_EPOCH, else <document date="">, else the
 * input file's modification time, so the same input gives the same bytes. */
static or_status cli_created(xmlDocPtr doc, const char *input, long long *out, diag *d)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (env && *env) {
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
    const char *date = doc_attr(xmlDocGetRootElement(doc), "date");
    if (date) {
        od_date day;
        if (!od_parse_date(date, &day)) {
            diag_error(d, input, doc_line(xmlDocGetRootElement(doc)), "date=\"%s\" on <document> (expected YYYY-MM-DD)", date);
            return OR_EINPUT;
        }
        /* Midnight Beijing time. */
        *out = (long long)day * 86400 - 8 * 3600;
        return OR_OK;
    }
    struct stat sb;
    *out = stat(input, &sb) == 0 ? (long long)sb.st_mtime : 0;
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
    diag d = {.quiet_warnings = o.quiet};
    xmlDocPtr doc = NULL;
    fontset *fs = NULL;
    dl_doc dl;
    dl_doc_init(&dl);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", o.input);
    layout_options lo = {.base_dir = dirname(dir)};
    or_status st = doc_load(&doc, o.input, NULL, 0, &d);
    if (st == OR_OK)
        st = cli_created(doc, o.input, &lo.created, &d);
    if (st == OR_OK)
        st = cli_open_fonts(&o, &fs, &d);
    if (st == OR_OK)
        st = layout_document(doc, o.input, fs, &lo, &dl, &d);
    /* The display list holds copies of everything it needs: the tree can
     * go before libharu builds its own copy of every page. */
    xmlFreeDoc(doc);
    if (st == OR_OK)
        st = pdf_write(&dl, fs, o.output, &d);
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

int cli_main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("%s", "a command is missing");
    const char *cmd = argv[1];
    int rc;
    if (strcmp(cmd, "typeset") == 0)
        rc = cli_typeset(argc, argv);
    else if (strcmp(cmd, "fonts") == 0)
        rc = cli_fonts(argc, argv);
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
