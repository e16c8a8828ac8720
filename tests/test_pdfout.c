/* pdfout: writes real PDFs and checks them with real readers (qpdf,
 * pdffonts, pdftotext, pdfinfo, pdftoppm).  Glyph rendering is proved by
 * ink: the rasterised page must have dark pixels where each character was
 * placed, and none in an empty control area. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "buf.h"
#include "display.h"
#include "fonts.h"
#include "pdfout.h"
#include "utf8.h"
#include "test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE_W 595.28f
#define PAGE_H 841.89f
#define DPI 100
#define MAX_GLYPHS 64

/* Where a character was placed, for the ink check. */
typedef struct placed {
    uint32_t cp;
    float x, y, w, size;
} placed;

typedef struct fixture {
    fontset *fs;
    char dir[64];
    char *diag_text;
    size_t diag_len;
    FILE *diag_stream;
    diag d;
    placed glyphs[MAX_GLYPHS];
    size_t nglyphs;
} fixture;

static const unsigned char tiny_png[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x08, 0x02, 0x00, 0x00, 0x00, 0x26,
    0x93, 0x09, 0x29, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38,
    0xa0, 0xa0, 0x00, 0x47, 0x0c, 0xc4, 0x71, 0x00, 0xaa, 0x43, 0x10, 0x01, 0x5d, 0xa7, 0x03,
    0x09, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static int setup(void **state)
{
    fixture *fx = or_calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    fx->diag_stream = open_memstream(&fx->diag_text, &fx->diag_len);
    fx->d.stream = fx->diag_stream;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/test_pdfout-XXXXXX");
    if (!mkdtemp(fx->dir) || fontset_open(&fx->fs, "fonts/fonts.conf", &fx->d) != OR_OK) {
        fclose(fx->diag_stream);
        free(fx->diag_text);
        or_free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static void remove_dir(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        unlink(p);
    }
    if (dir)
        closedir(dir);
    rmdir(path);
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (!fx)
        return 0;
    fontset_free(fx->fs);
    if (getenv("TEST_PDFOUT_KEEP"))
        fprintf(stderr, "kept %s\n", fx->dir);
    else
        remove_dir(fx->dir);
    fclose(fx->diag_stream);
    free(fx->diag_text);   /* open_memstream's buffer comes from libc */
    or_free(fx);
    return 0;
}

static void path_in(const fixture *fx, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", fx->dir, name);
}

/* A tiny layout: one run per face, missing characters become boxes. */
static void add_text(fixture *fx, dl_doc *doc, const char *family, const char *s,
                     float x, float y, float size, bool bold)
{
    int fam = fontset_family(fx->fs, family);
    assert_true(fam >= 0);
    size_t len = strlen(s), pos = 0;
    buf run;
    buf_init(&run, 0);
    int run_face = -1;
    float run_x = x;
    for (;;) {
        size_t start = pos;
        uint32_t cp = pos < len ? utf8_next(s, len, &pos, NULL) : 0;
        int face = cp ? fontset_resolve(fx->fs, fam, cp, &fx->d) : -2;
        if (run.len && face != run_face) {
            dl_op op = {.kind = DL_TEXT};
            op.u.text = (dl_text){.face = run_face, .size = size, .x = run_x, .y = y,
                                  .fake_bold = bold, .color = DL_BLACK, .utf8 = buf_cstr(&run)};
            assert_int_equal(dl_push(doc, 0, &op), 0);
            buf_reset(&run);
        }
        if (!cp)
            break;
        float w = face >= 0 ? fontset_advance(fx->fs, face, cp) * size : size;
        if (face == -1) {
            dl_op op = {.kind = DL_MISSING};
            op.u.missing = (dl_missing){x, y, size, cp};
            assert_int_equal(dl_push(doc, 0, &op), 0);
        } else {
            if (!run.len) {
                run_x = x;
                run_face = face;
            }
            buf_append(&run, s + start, pos - start);
        }
        assert_true(fx->nglyphs < MAX_GLYPHS);
        fx->glyphs[fx->nglyphs++] = (placed){cp, x, y, w, size};
        x += w;
    }
    buf_free(&run);
}

static void build_doc(fixture *fx, dl_doc *doc)
{
    dl_doc_init(doc);
    fx->nglyphs = 0;
    assert_int_equal(dl_add_page(doc, PAGE_W, PAGE_H), 0);
    /* U+10FFFD: no font covers it, so it must come out as a box */
    add_text(fx, doc, "宋体", "运维报告𠮷☑\xF4\x8F\xBF\xBD", 72, 700, 32, false);
    add_text(fx, doc, "hei", "服务器巡检", 72, 600, 32, true);
    dl_color blue = {0, 0, 0.8f};
    assert_int_equal(dl_line_add(doc, 0, 72, 560, 520, 560, 2, blue), 0);
    dl_op dash = {.kind = DL_LINE};
    dash.u.line = (dl_line){72, 540, 520, 540, 1, DL_BLACK, 4};
    assert_int_equal(dl_push(doc, 0, &dash), 0);
    dl_color grey = {0.6f, 0.6f, 0.6f};
    assert_int_equal(dl_rect_add(doc, 0, 72, 400, 200, 100, 1.5f, &grey), 0);
    float tri[] = {300, 400, 400, 400, 350, 480};
    dl_op path = {.kind = DL_PATH};
    path.u.path = (dl_path){tri, 3, 1, true, true, DL_BLACK, blue};
    assert_int_equal(dl_push(doc, 0, &path), 0);
    assert_int_equal(dl_add_bookmark(doc, 1, "第一章 总体情况", 0, 740), 0);
    assert_int_equal(dl_add_bookmark(doc, 2, "（一）服务器巡检", 0, 640), 0);
    doc->info = (dl_info){.title = "运维月报", .author = "运维组", .subject = "二〇二六年六月",
                          .keywords = "运维, 巡检", .creator = "opsreport",
                          .created = 1781000000};   /* 2026-06-09 10:13:20 UTC */
}

/* Runs a shell command, returns its exit status and stdout. */
static int run(const char *cmd, char **out)
{
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *text = test_read_all(p, NULL);
    int rc = pclose(p);
    assert_non_null(text);
    if (out)
        *out = text;
    else
        or_free(text);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf b;
    buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_steal(&b, len);
}

static void write_doc(fixture *fx, const char *name, char *path, size_t n)
{
    dl_doc doc;
    build_doc(fx, &doc);
    path_in(fx, name, path, n);
    or_status st = pdf_write(&doc, fx->fs, path, &fx->d);
    fflush(fx->diag_stream);
    if (st != OR_OK)
        fprintf(stderr, "diagnostics: %s\n", fx->diag_text);
    assert_int_equal(st, OR_OK);
    dl_doc_free(&doc);
}

static void test_qpdf_check(void **state)
{
    fixture *fx = *state;
    char pdf[256], cmd[600];
    write_doc(fx, "check.pdf", pdf, sizeof pdf);
    snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1", pdf);
    char *out;
    int rc = run(cmd, &out);
    if (rc != 0)
        fprintf(stderr, "%s\n", out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "No syntax or stream encoding errors"));
    or_free(out);

    struct stat st;
    assert_int_equal(stat(pdf, &st), 0);
    print_message("one-page PDF: %lld bytes, subset fonts: %zu bytes\n",
                  (long long)st.st_size, fontset_subset_bytes(fx->fs));
    assert_true(st.st_size > 3000 && st.st_size < 40000);
}

static void test_fonts_embedded(void **state)
{
    fixture *fx = *state;
    char pdf[256], cmd[600];
    write_doc(fx, "fonts.pdf", pdf, sizeof pdf);
    snprintf(cmd, sizeof cmd, "pdffonts '%s'", pdf);
    char *out;
    assert_int_equal(run(cmd, &out), 0);
    /* song: UMing, DejaVu (☑), Hanazono (𠮷); hei: Zen Hei */
    const char *names[] = {"+UMingCN-S", "+DejaVuSans-S", "+HanaMinA-S", "+WenQuanYiZenHei-S"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *line = strstr(out, names[i]);
        if (!line)
            fprintf(stderr, "%s\nmissing font %s\n", out, names[i]);
        assert_non_null(line);
        const char *eol = strchr(line, '\n');
        char row[256];
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        snprintf(row, sizeof row, "%.*s", (int)n, line);
        assert_non_null(strstr(row, "CID TrueType"));
        assert_non_null(strstr(row, "yes yes"));      /* embedded, subset */
    }
    or_free(out);
}

static void test_text_extracts(void **state)
{
    fixture *fx = *state;
    char pdf[256], cmd[600];
    write_doc(fx, "text.pdf", pdf, sizeof pdf);
    /* 2>&1: poppler's complaints about the font maps would show up here */
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>&1", pdf);
    char *out;
    assert_int_equal(run(cmd, &out), 0);
    assert_non_null(strstr(out, "运维报告"));
    assert_non_null(strstr(out, "服务器巡检"));
    assert_non_null(strstr(out, "☑"));
    assert_null(strstr(out, "Warning"));
    assert_null(strstr(out, "Error"));
    /* the replaced ToUnicode map turns the private-use code back into the
     * supplementary character */
    assert_non_null(strstr(out, "运维报告𠮷☑"));
    assert_null(strstr(out, "\xEE\x80\x80"));   /* U+E000 */
    or_free(out);
}

/* The value of "Key:   value" in pdfinfo output (static storage). */
static const char *info_field(const char *out, const char *key)
{
    static char value[256];
    char want[64];
    snprintf(want, sizeof want, "\n%s:", key);
    const char *p = strstr(out, want);
    if (!p && strncmp(out, want + 1, strlen(want + 1)) == 0)
        p = out - 1;
    if (!p)
        return "(absent)";
    p += strlen(want);
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, "\n");
    snprintf(value, sizeof value, "%.*s", (int)n, p);
    return value;
}

static void test_info_and_bookmarks(void **state)
{
    fixture *fx = *state;
    char pdf[256], cmd[600];
    write_doc(fx, "info.pdf", pdf, sizeof pdf);
    snprintf(cmd, sizeof cmd, "pdfinfo -isodates '%s'", pdf);
    char *out;
    assert_int_equal(run(cmd, &out), 0);
    const char *fields[][2] = {
        {"Title", "运维月报"}, {"Author", "运维组"}, {"Subject", "二〇二六年六月"},
        {"Keywords", "运维, 巡检"}, {"Creator", "opsreport"},
        {"CreationDate", "2026-06-09T10:13:20Z"}, {"ModDate", "2026-06-09T10:13:20Z"},
        {"Pages", "1"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        assert_string_equal(info_field(out, fields[i][0]), fields[i][1]);
    or_free(out);

    snprintf(cmd, sizeof cmd, "qpdf --json --json-key=outlines '%s'", pdf);
    assert_int_equal(run(cmd, &out), 0);
    const char *top = strstr(out, "\"title\": \"第一章 总体情况\"");
    const char *kid = strstr(out, "\"title\": \"（一）服务器巡检\"");
    if (!top || !kid)
        fprintf(stderr, "%s\n", out);
    assert_non_null(top);
    assert_non_null(kid);
    /* the level-2 mark is nested in the level-1 mark's "kids" (qpdf prints
     * an item's kids before its title) */
    const char *kids = strstr(out, "\"kids\": [");
    assert_non_null(kids);
    assert_true(kids < kid && kid < top);
    or_free(out);
}

/* Loads a P5 PGM written by pdftoppm. */
typedef struct pgm {
    int w, h;
    unsigned char *px;
    char *raw;
} pgm;

static void load_pgm(const char *path, pgm *img)
{
    size_t len;
    img->raw = slurp(path, &len);
    assert_non_null(img->raw);
    int maxval, consumed = 0;
    assert_int_equal(sscanf(img->raw, "P5 %d %d %d%n", &img->w, &img->h, &maxval, &consumed), 3);
    assert_int_equal(maxval, 255);
    img->px = (unsigned char *)img->raw + consumed + 1;
    assert_true((size_t)consumed + 1 + (size_t)img->w * (size_t)img->h <= len);
}

/* Dark pixels inside a box given in PDF points (origin bottom-left). */
static int ink(const pgm *img, float x0, float y0, float x1, float y1, int below)
{
    int px0 = (int)(x0 * DPI / 72), px1 = (int)(x1 * DPI / 72);
    int py0 = (int)((PAGE_H - y1) * DPI / 72), py1 = (int)((PAGE_H - y0) * DPI / 72);
    int n = 0;
    for (int y = py0 < 0 ? 0 : py0; y < py1 && y < img->h; y++)
        for (int x = px0 < 0 ? 0 : px0; x < px1 && x < img->w; x++)
            n += img->px[(size_t)y * (size_t)img->w + (size_t)x] < below;
    return n;
}

static void test_glyphs_have_ink(void **state)
{
    fixture *fx = *state;
    char pdf[256], cmd[800], prefix[256], pgmpath[300];
    write_doc(fx, "ink.pdf", pdf, sizeof pdf);
    path_in(fx, "ink", prefix, sizeof prefix);
    snprintf(cmd, sizeof cmd, "pdftoppm -r %d -gray -singlefile '%s' '%s'", DPI, pdf, prefix);
    assert_int_equal(run(cmd, NULL), 0);
    snprintf(pgmpath, sizeof pgmpath, "%s.pgm", prefix);
    pgm img;
    load_pgm(pgmpath, &img);
    assert_int_equal(img.w, (int)(PAGE_W * DPI / 72 + 0.5f));
    for (size_t i = 0; i < fx->nglyphs; i++) {
        const placed *g = &fx->glyphs[i];
        /* the em box of the character, shrunk a little so neighbours
         * do not lend it their ink */
        int n = ink(&img, g->x + g->w * 0.1f, g->y - g->size * 0.1f,
                    g->x + g->w * 0.9f, g->y + g->size * 0.8f, 128);
        if (n < 20)
            fprintf(stderr, "U+%04X at (%.0f, %.0f): %d dark pixels\n",
                    (unsigned)g->cp, (double)g->x, (double)g->y, n);
        assert_true(n >= 20);
    }
    /* control: the empty area right of the text has no ink at all */
    assert_int_equal(ink(&img, 450, 600, 580, 740, 250), 0);
    /* the grey fill (0.6 = 153), the blue rule and the dashed rule */
    assert_true(ink(&img, 100, 420, 250, 480, 200) > 10000);
    assert_true(ink(&img, 100, 558, 500, 562, 128) > 500);
    int dash = ink(&img, 100, 538, 500, 542, 128);
    assert_true(dash > 200 && dash < ink(&img, 100, 558, 500, 562, 128));
    or_free(img.raw);
    unlink(pgmpath);
}

static void test_deterministic(void **state)
{
    fixture *fx = *state;
    char a[256], b[256];
    write_doc(fx, "a.pdf", a, sizeof a);
    write_doc(fx, "b.pdf", b, sizeof b);
    size_t la, lb;
    char *da = slurp(a, &la), *db = slurp(b, &lb);
    assert_non_null(da);
    assert_non_null(db);
    assert_int_equal(la, lb);
    assert_memory_equal(da, db, la);
    or_free(da);
    or_free(db);

    /* and from a fresh fontset: nothing depends on earlier runs */
    fontset *other;
    assert_int_equal(fontset_open(&other, "fonts/fonts.conf", &fx->d), OR_OK);
    fontset *saved = fx->fs;
    fx->fs = other;
    write_doc(fx, "c.pdf", b, sizeof b);
    fx->fs = saved;
    fontset_free(other);
    db = slurp(b, &lb);
    da = slurp(a, &la);
    assert_int_equal(la, lb);
    assert_memory_equal(da, db, la);
    or_free(da);
    or_free(db);
}

static int count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void test_atomic_failure_keeps_old_file(void **state)
{
    fixture *fx = *state;
    char pdf[256];
    path_in(fx, "keep.pdf", pdf, sizeof pdf);
    FILE *f = fopen(pdf, "w");
    assert_non_null(f);
    fputs("previous report", f);
    fclose(f);

    dl_doc doc;
    build_doc(fx, &doc);
    dl_op img = {.kind = DL_IMAGE};
    img.u.image = (dl_image){10, 10, 50, 50, "/nonexistent/logo.png", 0, 0};
    assert_int_equal(dl_push(&doc, 0, &img), 0);
    unsigned errors = fx->d.errors;
    assert_int_not_equal(pdf_write(&doc, fx->fs, pdf, &fx->d), OR_OK);
    assert_true(fx->d.errors > errors);
    fflush(fx->diag_stream);
    assert_non_null(strstr(fx->diag_text, "/nonexistent/logo.png"));

    size_t len;
    char *data = slurp(pdf, &len);
    assert_non_null(data);
    assert_string_equal(data, "previous report");
    or_free(data);
    assert_int_equal(count_entries(fx->dir, "keep.pdf"), 1);   /* no temp left */

    /* a bookmark pointing past the last page fails the same way */
    assert_int_equal(dl_add_bookmark(&doc, 1, "x", 5, 0), 0);
    doc.pages[0].nops--;   /* drop the bad image */
    assert_int_equal(pdf_write(&doc, fx->fs, pdf, &fx->d), OR_EINPUT);
    data = slurp(pdf, &len);
    assert_string_equal(data, "previous report");
    or_free(data);
    assert_int_equal(count_entries(fx->dir, "keep.pdf"), 1);

    /* a face id the fontset does not have */
    doc.nmarks--;
    dl_op bad = {.kind = DL_TEXT};
    bad.u.text = (dl_text){.face = 999, .size = 10, .utf8 = "x", .color = DL_BLACK};
    assert_int_equal(dl_push(&doc, 0, &bad), 0);
    assert_int_equal(pdf_write(&doc, fx->fs, pdf, &fx->d), OR_EINPUT);
    data = slurp(pdf, &len);
    assert_string_equal(data, "previous report");
    or_free(data);
    dl_doc_free(&doc);

    /* success replaces it */
    write_doc(fx, "keep.pdf", pdf, sizeof pdf);
    data = slurp(pdf, &len);
    assert_memory_equal(data, "%PDF-", 5);
    or_free(data);
    assert_int_equal(count_entries(fx->dir, "keep.pdf"), 1);
}

static void test_missing_directory_fails(void **state)
{
    fixture *fx = *state;
    dl_doc doc;
    build_doc(fx, &doc);
    assert_int_equal(pdf_write(&doc, fx->fs, "/nonexistent-dir/x.pdf", &fx->d), OR_ESYS);
    dl_doc_free(&doc);
}

static void test_image_embedded_once(void **state)
{
    fixture *fx = *state;
    char png[256], pdf[256];
    path_in(fx, "logo.png", png, sizeof png);
    FILE *f = fopen(png, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(tiny_png, 1, sizeof tiny_png, f), sizeof tiny_png);
    fclose(f);

    dl_doc doc;
    build_doc(fx, &doc);
    for (int i = 0; i < 3; i++) {
        dl_op img = {.kind = DL_IMAGE};
        img.u.image = (dl_image){400.0f + 40 * (float)i, 100, 30, 30, png, 0, 0};
        assert_int_equal(dl_push(&doc, 0, &img), 0);
    }
    path_in(fx, "img.pdf", pdf, sizeof pdf);
    assert_int_equal(pdf_write(&doc, fx->fs, pdf, &fx->d), OR_OK);
    dl_doc_free(&doc);

    size_t len;
    char *data = slurp(pdf, &len);
    assert_non_null(data);
    int images = 0;
    for (size_t i = 0; i + 15 <= len; i++)
        images += memcmp(data + i, "/Subtype /Image", 15) == 0;
    assert_int_equal(images, 1);
    or_free(data);

    char cmd[600], *out;
    snprintf(cmd, sizeof cmd, "pdfimages -list '%s' | tail -n +3 | wc -l", pdf);
    assert_int_equal(run(cmd, &out), 0);
    assert_int_equal(strtol(out, NULL, 10), 3);    /* drawn three times */
    or_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qpdf_check),
        cmocka_unit_test(test_fonts_embedded),
        cmocka_unit_test(test_text_extracts),
        cmocka_unit_test(test_info_and_bookmarks),
        cmocka_unit_test(test_glyphs_have_ink),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_atomic_failure_keeps_old_file),
        cmocka_unit_test(test_missing_directory_fails),
        cmocka_unit_test(test_image_embedded_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
