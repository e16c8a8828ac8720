/* Tests for xmlin, the one way XML files come in: what is refused before
 * libxml2 sees a byte (FIFOs, directories, devices, oversize files,
 * DOCTYPEs), what it decodes (GBK, GB18030), how its errors are worded
 * (file:line) and that libxml2's handlers are always put back. */
#include "test_util.h"

#include "alloc.h"
#include "xmlin.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test_xmlin.XXXXXX";

static const char *tmp(const char *name)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

static const char *write_file(const char *name, const char *text, size_t len)
{
    const char *p = tmp(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}
#define WRITE(name, lit) write_file((name), (lit), sizeof(lit) - 1)

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void hung(int sig)
{
    (void)sig;
    static const char msg[] = "test_xmlin: hung opening a FIFO\n";
    (void)write(2, msg, sizeof msg - 1);
    _exit(1);
}

/* ---- opening ------------------------------------------------------------ */

static void test_fifo_refused(void **state)
{
    (void)state;
    const char *p = tmp("fifo.xml");
    assert_int_equal(mkfifo(p, 0600), 0);
    signal(SIGALRM, hung);
    alarm(5);   /* a blocking open would wait for a writer forever */
    xmlin_file f;
    assert_int_equal(xmlin_open(p, 0, &f), XMLIN_ENOTREG);
    alarm(0);
    assert_int_equal(f.fd, -1);
    assert_true(S_ISFIFO(f.mode));
    char msg[512];
    assert_string_equal(xmlin_open_message(XMLIN_ENOTREG, &f, 0, false, msg, sizeof msg),
                        "refused: a FIFO (expected a regular XML file)");
    xmlin_close(&f);   /* harmless on a refused file */

    capture c;
    capture_begin(&c);
    assert_int_equal(xmlin_open_diag(p, 0, &f, &c.d), OR_EINPUT);
    char want[400];
    snprintf(want, sizeof want, "%s: error: refused: a FIFO (expected a regular XML file)\n", p);
    assert_string_equal(capture_text(&c), want);
    capture_end(&c);
}

static void test_directory_and_device_refused(void **state)
{
    (void)state;
    xmlin_file f;
    char msg[512];
    assert_int_equal(xmlin_open(dir, 0, &f), XMLIN_ENOTREG);
    assert_string_equal(xmlin_open_message(XMLIN_ENOTREG, &f, 0, true, msg, sizeof msg),
                        "refused: a directory (expected a regular XML file; subdirectories are not read)");
    assert_int_equal(xmlin_open("/dev/null", 0, &f), XMLIN_ENOTREG);
    assert_string_equal(xmlin_open_message(XMLIN_ENOTREG, &f, 0, false, msg, sizeof msg),
                        "refused: a device (expected a regular XML file)");
    assert_int_equal(xmlin_open(tmp("absent.xml"), 0, &f), XMLIN_ENOFILE);
    assert_string_equal(xmlin_open_message(XMLIN_ENOFILE, &f, 0, false, msg, sizeof msg),
                        "cannot open: No such file or directory (expected a readable XML file)");
    const char *link = tmp("dangling.xml");
    assert_int_equal(symlink("nowhere.xml", link), 0);
    assert_int_equal(xmlin_open(link, 0, &f), XMLIN_EDANGLING);
    assert_string_equal(xmlin_open_message(XMLIN_EDANGLING, &f, 0, false, msg, sizeof msg),
                        "refused: a symbolic link to nowhere.xml, which does not exist (expected a regular XML file)");
}

static void test_oversize_refused(void **state)
{
    (void)state;
    xmlin_file f;
    char msg[512];
    /* A cap of the caller's: one byte over is refused, the cap itself passes. */
    const char *p = WRITE("ten.xml", "<a>12</a>\n");
    assert_int_equal(xmlin_open(p, 9, &f), XMLIN_ETOOBIG);
    assert_int_equal(f.fd, -1);
    assert_string_equal(xmlin_open_message(XMLIN_ETOOBIG, &f, 9, false, msg, sizeof msg),
                        "file too large: 10 bytes (expected at most 9)");
    assert_int_equal(xmlin_open(p, 10, &f), XMLIN_OPENED);
    assert_true(f.fd >= 0);
    assert_int_equal(f.size, 10);
    xmlin_close(&f);
    assert_int_equal(f.fd, -1);

    /* The default cap, on a sparse file one byte over it. */
    const char *big = tmp("big.xml");
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)XMLIN_MAX_BYTES + 1), 0);
    close(fd);
    assert_int_equal(xmlin_open(big, 0, &f), XMLIN_ETOOBIG);
    assert_string_equal(xmlin_open_message(XMLIN_ETOOBIG, &f, 0, false, msg, sizeof msg),
                        "file too large: 67108865 bytes (expected at most 67108864)");
    assert_int_equal(unlink(big), 0);
}

/* ---- the prolog ----------------------------------------------------------- */

static xmlin_prolog_result scan(const char *path, xmlin_prolog *p)
{
    xmlin_file f;
    assert_int_equal(xmlin_open(path, 0, &f), XMLIN_OPENED);
    xmlin_prolog_result r = xmlin_scan_prolog(f.fd, p);
    assert_int_equal(lseek(f.fd, 0, SEEK_CUR), 0);   /* pread: the position stays */
    xmlin_close(&f);
    return r;
}

static void test_prolog(void **state)
{
    (void)state;
    xmlin_prolog p;
    assert_int_equal(scan(WRITE("root.xml", "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- a\ncomment -->\n\n<incidents a=\"1\"/>"),
                          &p), XMLIN_PROLOG_ROOT);
    assert_string_equal(p.root, "incidents");
    assert_int_equal(p.root_len, 9);
    assert_int_equal(p.line, 5);
    assert_int_equal(scan(WRITE("wide.xml", "\xFF\xFE<\0a\0/\0>\0"), &p), XMLIN_PROLOG_WIDE);
    assert_int_equal(scan(WRITE("text.xml", "\nhello <a/>"), &p), XMLIN_PROLOG_TEXT);
    assert_int_equal(p.line, 2);
    assert_int_equal(scan(WRITE("open.xml", "<?xml version=\"1.0\"?>\n<!-- never closed <a/>"), &p),
                     XMLIN_PROLOG_UNTERMINATED);
    assert_string_equal(p.close, "-->");
    assert_int_equal(p.line, 2);
    assert_int_equal(scan(WRITE("empty.xml", "  \n"), &p), XMLIN_PROLOG_NOROOT);
    assert_false(p.full);
    assert_int_equal(scan(WRITE("cdata.xml", "<![CDATA[x]]><a/>"), &p), XMLIN_PROLOG_MARKUP);
}

/* ---- parsing ----------------------------------------------------------------- */

typedef struct seen {
    unsigned errors;
    unsigned hooked;
    long line;
} seen;

static void count_error(void *ctx, xmlErrorPtr e)
{
    seen *s = ctx;
    s->errors++;
    if (s->line == 0)
        s->line = e->line;
}

static void count_hook(xmlParserCtxtPtr ctxt, void *user)
{
    (void)ctxt;
    ((seen *)user)->hooked++;
}

static xmlin_parse_result parse(const char *path, int options, seen *s, xmlDocPtr *doc, long *line)
{
    xmlin_file f;
    assert_int_equal(xmlin_open(path, 0, &f), XMLIN_OPENED);
    xmlin_parse_opts o = {.options = options, .on_error = count_error, .error_ctx = s, .hook = count_hook, .user = s};
    xmlin_parse_result r = xmlin_parse_fd(f.fd, &o, doc, line);
    xmlin_close(&f);
    return r;
}

#define LAUGHS "<?xml version=\"1.0\"?>\n" \
    "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">" \
    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>\n<lolz>&lol3;</lolz>\n"

static void test_doctype_refused_before_parsing(void **state)
{
    (void)state;
    seen s = {0};
    xmlDocPtr doc = (xmlDocPtr)1;
    long line = -1;
    /* NOENT is asked for and taken out; the parse never starts anyway. */
    assert_int_equal(parse(WRITE("laughs.xml", LAUGHS), XML_PARSE_NOENT | XML_PARSE_DTDLOAD, &s, &doc, &line),
                     XMLIN_DOCTYPE);
    assert_null(doc);
    assert_int_equal(line, 2);
    assert_int_equal(s.hooked, 0);   /* libxml2 was never handed the file */
    assert_int_equal(s.errors, 0);

    /* A DOCTYPE beyond the prolog scan's 64 KiB: libxml2 stops at its name,
     * before the internal subset is read. */
    size_t pad = XMLIN_PROLOG_MAX + 100;
    char *text = or_malloc(pad + sizeof LAUGHS + 16);
    assert_non_null(text);
    memcpy(text, "<!--", 4);
    memset(text + 4, 'x', pad - 7);
    memcpy(text + pad - 3, "-->", 3);
    memcpy(text + pad, LAUGHS + 22, sizeof LAUGHS - 22);   /* from the DOCTYPE on, after "<?xml ...?>\n" */
    const char *late = write_file("late.xml", text, pad + sizeof LAUGHS - 23);
    or_free(text);
    s = (seen){0};
    assert_int_equal(parse(late, 0, &s, &doc, &line), XMLIN_DOCTYPE);
    assert_null(doc);
    assert_int_equal(line, 1);
    assert_int_equal(s.hooked, 1);   /* this time the parser ran, and was stopped */
}

static void test_gbk_decoded(void **state)
{
    (void)state;
    /* 运维 in GBK is D4 CB CE AC; 中文 is D6 D0 CE C4. */
    static const char *const encodings[] = {"GBK", "GB18030"};
    for (size_t i = 0; i < 2; i++) {
        char text[200];
        int n = snprintf(text, sizeof text, "<?xml version=\"1.0\" encoding=\"%s\"?>\n<a t=\"\xD6\xD0\xCE\xC4\">\xD4\xCB\xCE\xAC</a>\n",
                         encodings[i]);
        seen s = {0};
        xmlDocPtr doc = NULL;
        long line = 0;
        assert_int_equal(parse(write_file("gbk.xml", text, (size_t)n), 0, &s, &doc, &line), XMLIN_PARSED);
        assert_int_equal(s.errors, 0);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        xmlChar *content = xmlNodeGetContent(root);
        xmlChar *attr = xmlGetProp(root, (const xmlChar *)"t");
        assert_string_equal((const char *)content, "运维");
        assert_string_equal((const char *)attr, "中文");
        xmlFree(content);
        xmlFree(attr);
        xmlFreeDoc(doc);
    }
    /* The same bytes undeclared are not UTF-8: an error, not mojibake. */
    seen s = {0};
    xmlDocPtr doc = NULL;
    long line = 0;
    assert_int_equal(parse(WRITE("undeclared.xml", "<a>\xD4\xCB\xCE\xAC</a>\n"), 0, &s, &doc, &line), XMLIN_MALFORMED);
    assert_null(doc);
    assert_true(s.errors > 0);
}

static void test_malformed_gives_file_line(void **state)
{
    (void)state;
    const char *p = WRITE("broken.xml", "<?xml version=\"1.0\"?>\n<a>\n  <b>\n</a>\n");
    capture c;
    capture_begin(&c);
    xmlin_diag_ctx dc = {.d = &c.d, .path = p};
    xmlin_file f;
    assert_int_equal(xmlin_open_diag(p, 0, &f, &c.d), OR_OK);
    xmlin_parse_opts o = {.on_error = xmlin_diag_error, .error_ctx = &dc};
    xmlDocPtr doc = NULL;
    long line = 0;
    assert_int_equal(xmlin_parse_fd(f.fd, &o, &doc, &line), XMLIN_MALFORMED);
    xmlin_close(&f);
    assert_null(doc);
    assert_true(dc.errors >= 1);
    char want[300];
    snprintf(want, sizeof want, "%s:4: error: Opening and ending tag mismatch: b line 3 and a (expected well-formed XML)\n", p);
    assert_contains(capture_text(&c), want);
    capture_end(&c);
}

/* ---- handlers ------------------------------------------------------------------ */

static unsigned outer_calls;
static void outer_error(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
    outer_calls++;
}
static void outer_generic(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
    outer_calls++;
}
static int outer_ctx;

static void assert_outer_handlers(void)
{
    assert_ptr_equal(xmlStructuredError, outer_error);
    assert_ptr_equal(xmlStructuredErrorContext, &outer_ctx);
    assert_ptr_equal(xmlGenericError, outer_generic);
    assert_ptr_equal(xmlGenericErrorContext, &outer_ctx);
}

static void test_handlers_restored_after_failure(void **state)
{
    (void)state;
    xmlInitParser();
    xmlStructuredErrorFunc saved_s = xmlStructuredError;
    void *saved_sctx = xmlStructuredErrorContext;
    xmlGenericErrorFunc saved_g = xmlGenericError;
    void *saved_gctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(&outer_ctx, outer_error);
    xmlSetGenericErrorFunc(&outer_ctx, outer_generic);
    outer_calls = 0;

    seen s = {0};
    xmlDocPtr doc = NULL;
    long line = 0;
    const char *bad = WRITE("bad.xml", "<a><b></a>");
    assert_int_equal(parse(bad, 0, &s, &doc, &line), XMLIN_MALFORMED);
    assert_true(s.errors > 0);      /* the errors came to the parse's handler */
    assert_outer_handlers();        /* and the outer ones are back */
    assert_int_equal(parse(WRITE("dt.xml", LAUGHS), 0, &s, &doc, &line), XMLIN_DOCTYPE);
    assert_outer_handlers();

    /* Without a handler of its own a parse says nothing, to anyone. */
    xmlin_file f;
    assert_int_equal(xmlin_open(bad, 0, &f), XMLIN_OPENED);
    xmlin_parse_opts quiet = {0};
    assert_int_equal(xmlin_parse_fd(f.fd, &quiet, &doc, &line), XMLIN_MALFORMED);
    xmlin_close(&f);
    assert_outer_handlers();
    assert_int_equal(outer_calls, 0);

    /* Pushes nest; each pop restores what its push found. */
    xmlin_handlers a, b;
    xmlin_push(&a, count_error, &s, NULL, NULL);
    assert_ptr_equal(xmlStructuredError, count_error);
    xmlin_push(&b, NULL, NULL, outer_generic, NULL);
    assert_ptr_equal(xmlStructuredError, count_error);   /* NULL leaves it */
    assert_ptr_equal(xmlGenericError, outer_generic);
    xmlin_pop(&b);
    assert_ptr_equal(xmlStructuredError, count_error);
    xmlin_pop(&a);
    assert_outer_handlers();

    xmlSetStructuredErrorFunc(saved_sctx, saved_s);
    xmlSetGenericErrorFunc(saved_gctx, saved_g);
}

/* Out of memory in the prolog scan is reported, not a crash. */
static void test_prolog_nomem(void **state)
{
    (void)state;
    const char *p = WRITE("ok.xml", "<a/>");
    xmlin_file f;
    assert_int_equal(xmlin_open(p, 0, &f), XMLIN_OPENED);
    or_alloc_fail_at(1, 0);
    xmlin_prolog pr;
    xmlin_prolog_result r = xmlin_scan_prolog(f.fd, &pr);
    or_alloc_fail_at(0, 0);
    assert_int_equal(r, XMLIN_PROLOG_NOMEM);
    seen s = {0};
    xmlDocPtr doc = NULL;
    long line = 0;
    xmlin_parse_opts o = {.on_error = count_error, .error_ctx = &s};
    or_alloc_fail_at(1, 0);
    xmlin_parse_result pres = xmlin_parse_fd(f.fd, &o, &doc, &line);
    or_alloc_fail_at(0, 0);
    assert_int_equal(pres, XMLIN_PNOMEM);
    xmlin_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_refused),
        cmocka_unit_test(test_directory_and_device_refused),
        cmocka_unit_test(test_oversize_refused),
        cmocka_unit_test(test_prolog),
        cmocka_unit_test(test_doctype_refused_before_parsing),
        cmocka_unit_test(test_gbk_decoded),
        cmocka_unit_test(test_malformed_gives_file_line),
        cmocka_unit_test(test_handlers_restored_after_failure),
        cmocka_unit_test(test_prolog_nomem),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
