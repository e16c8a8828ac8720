/* fonts: the map file, fallback resolution, metrics, subsets and the
 * composite-glyph check, against the real Debian fonts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "buf.h"
#include "fonts.h"
#include "test_util.h"

#include <hb.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAP "fonts/fonts.conf"

static fontset *open_map(void)
{
    fontset *fs = NULL;
    diag d = {0};
    assert_int_equal(fontset_open(&fs, MAP, &d), OR_OK);
    assert_int_equal(d.errors, 0);
    return fs;
}

static bool label_has(const fontset *fs, int face, const char *part)
{
    const char *label = fontset_face_label(fs, face);
    return label && strstr(label, part);
}

static void test_families_and_aliases(void **state)
{
    (void)state;
    fontset *fs = open_map();
    int song = fontset_family(fs, "song");
    assert_true(song >= 0);
    assert_int_equal(fontset_family(fs, "宋体"), song);
    assert_int_equal(fontset_family(fs, "宋"), song);
    assert_string_equal(fontset_family_name(fs, song), "song");
    assert_true(fontset_family(fs, "hei") >= 0);
    assert_true(fontset_family(fs, "kai") >= 0);
    assert_int_equal(fontset_family(fs, "仿宋"), fontset_family(fs, "fangsong"));
    assert_int_equal(fontset_family(fs, "comic"), -1);
    assert_null(fontset_family_name(fs, 99));
    fontset_free(fs);
}

static void test_resolve_chains(void **state)
{
    (void)state;
    fontset *fs = open_map();
    diag d = {0};
    int song = fontset_family(fs, "宋");
    int hei = fontset_family(fs, "hei");
    int kai = fontset_family(fs, "kai");
    int f = fontset_resolve(fs, song, 0x8FD0 /* 运 */, &d);
    assert_true(label_has(fs, f, "arphic/uming.ttc#0"));
    assert_true(label_has(fs, fontset_resolve(fs, hei, 0x8FD0, &d), "wqy-zenhei.ttc#0"));
    assert_true(label_has(fs, fontset_resolve(fs, kai, 0x8FD0, &d), "arphic/ukai.ttc#0"));
    /* fangsong has no free font: it is UMing, as the README says */
    assert_int_equal(fontset_resolve(fs, fontset_family(fs, "fangsong"), 0x8FD0, &d), f);
    /* supplementary plane: 𠮷 U+20BB7 only Hanazono has */
    assert_true(label_has(fs, fontset_resolve(fs, song, 0x20BB7, &d), "hanazono/HanaMin"));
    /* 𪛖 U+2A6D6 is in HanaMinB only: the chain reaches its end */
    assert_true(label_has(fs, fontset_resolve(fs, song, 0x2A6D6, &d), "HanaMinB.ttf#0"));
    /* check boxes: not in the CJK faces, DejaVu Sans comes first */
    assert_true(label_has(fs, fontset_resolve(fs, song, 0x2611, &d), "DejaVuSans.ttf#0"));
    /* Latin letters, digits and ASCII marks: the family's Latin face; the
     * 间隔号 ·, × and full-width digits stay with the CJK face */
    assert_true(label_has(fs, fontset_resolve(fs, song, 'A', &d), "LiberationSerif-Regular.ttf#0"));
    assert_true(label_has(fs, fontset_resolve(fs, song, '7', &d), "LiberationSerif-Regular.ttf#0"));
    assert_true(label_has(fs, fontset_resolve(fs, song, 0xE9 /* é */, &d), "LiberationSerif-Regular.ttf#0"));
    assert_true(label_has(fs, fontset_resolve(fs, hei, '%', &d), "LiberationSans-Regular.ttf#0"));
    assert_true(label_has(fs, fontset_resolve(fs, kai, '2', &d), "LiberationSerif-Regular.ttf#0"));
    assert_int_equal(fontset_resolve(fs, song, 0xB7 /* · */, &d), f);
    assert_int_equal(fontset_resolve(fs, song, 0xD7 /* × */, &d), f);
    assert_int_equal(fontset_resolve(fs, song, 0xFF11 /* １ */, &d), f);
    /* U+10FFFD (plane 16 private use) is in no font; neither is a bad value */
    for (int fam = 0; fam < 4; fam++)
        assert_int_equal(fontset_resolve(fs, fam, 0x10FFFD, &d), -1);
    assert_int_equal(fontset_resolve(fs, song, 0x110000, &d), -1);
    assert_int_equal(fontset_resolve(fs, 42, 'A', &d), -1);
    assert_int_equal(d.errors, 0);
    fontset_free(fs);
}

static void test_metrics(void **state)
{
    (void)state;
    fontset *fs = open_map();
    int song = fontset_family(fs, "song");
    int f = fontset_resolve(fs, song, 0x8FD0, NULL);
    assert_float_equal(fontset_advance(fs, f, 0x8FD0), 1.0, 1e-6);   /* ideograph: 1 em */
    assert_float_equal(fontset_advance(fs, f, 0x3002), 1.0, 1e-6);   /* 。 full width */
    assert_float_equal(fontset_advance(fs, f, 'A'), 0.5, 1e-6);      /* half width */
    /* cached and uncached answers agree, also for the supplementary table */
    for (int i = 0; i < 3; i++)
        assert_float_equal(fontset_advance(fs, f, 'A'), 0.5, 1e-6);
    int hana = fontset_resolve(fs, song, 0x20BB7, NULL);
    for (uint32_t cp = 0x20000; cp < 0x20400; cp++)   /* grows the hash */
        (void)fontset_advance(fs, hana, cp);
    assert_float_equal(fontset_advance(fs, hana, 0x20BB7), 1.0, 1e-6);
    assert_true(fontset_ascent(fs, f) > 0.5f && fontset_ascent(fs, f) < 1.2f);
    assert_true(fontset_descent(fs, f) < 0 && fontset_descent(fs, f) > -0.5f);
    assert_float_equal(fontset_advance(fs, 999, 'A'), 0, 0);
    assert_true(fontset_face_count(fs) >= 6);
    /* Ink boxes: AR PL UMing (song) draws 、，。 centred in the em, WenQuanYi
     * Zen Hei (hei) in the lower left corner; an ideograph fills its cell;
     * a space has no ink. */
    float a, b;
    static const uint32_t marks[] = {0x3001, 0xFF0C, 0x3002, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F, 0x201D, 0xFF09, 0x300B};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        int hei = fontset_resolve(fs, fontset_family(fs, "hei"), marks[i], NULL);
        float c, e;
        assert_true(fontset_ink(fs, f, marks[i], &a, &b));
        assert_true(fontset_ink(fs, hei, marks[i], &c, &e));
        printf("U+%04X ink song %.3f..%.3f hei %.3f..%.3f em\n", (unsigned)marks[i], a, b, c, e);
    }
    assert_true(fontset_ink(fs, f, 0x3001, &a, &b) && a > 0.3f && b < 0.7f);   /* 、 centred in UMing */
    int hei = fontset_resolve(fs, fontset_family(fs, "hei"), 0x3001, NULL);
    assert_true(fontset_ink(fs, hei, 0x3001, &a, &b) && b < 0.4f);             /* in the corner in Zen Hei */
    assert_true(fontset_ink(fs, f, 0x8FD0, &a, &b) && a < 0.15f && b > 0.85f);
    assert_false(fontset_ink(fs, f, ' ', &a, &b));
    assert_false(fontset_ink(fs, 999, 0x3001, &a, &b));
    fontset_free(fs);
}

static char *write_temp(const char *dir, const char *name, const char *text)
{
    buf b;
    buf_init(&b, 0);
    buf_printf(&b, "%s/%s", dir, name);
    char *path = buf_steal(&b, NULL);
    assert_non_null(path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_map_errors_have_locations(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_fonts-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *notfont = write_temp(dir, "fake.ttf", "this is not a font at all");
    char *map = write_temp(dir, "bad.conf",
        "# comment line\n"
        "family song = /usr/share/fonts/truetype/arphic/uming.ttc#0\n"
        "song = uming.ttc\n"
        "family hei = /nonexistent/zenhei.ttc#0\n"
        "family kai = /usr/share/fonts/truetype/arphic/ukai.ttc#x\n"
        "family fake = fake.ttf\n"
        "family song = /usr/share/fonts/truetype/arphic/uming.ttc\n"
        "family many = /usr/share/fonts/truetype/arphic/uming.ttc#7\n"
        "family empty =\n"
        "latin nope = /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf\n"
        "latin song /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf\n"
        "latin song = /nonexistent/serif.ttf\n"
        "latin song = /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf\n"
        "latin song = /usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf\n");
    capture c;
    capture_begin(&c);
    fontset *fs = (fontset *)map;   /* must be reset to NULL on failure */
    assert_int_equal(fontset_open(&fs, map, &c.d), OR_EINPUT);
    assert_null(fs);
    const char *t = capture_text(&c);
    char want[512];
    const char *expect[][2] = {
        {"3", "expected 'family NAME"},
        {"4", "not found"},
        {"5", "FILE#INDEX, found"},
        {"6", "not a TrueType font"},
        {"7", "already defined"},
        {"8", "face index 7"},
        {"9", "lists no fonts"},
        {"10", "no family 'nope' defined above"},
        {"11", "expected 'latin FAMILY = FILE#INDEX'"},
        {"12", "not found"},
        {"14", "has a Latin face already"},
    };
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++) {
        snprintf(want, sizeof want, "%s:%s: error: ", map, expect[i][0]);
        const char *line = strstr(t, want);
        if (!line || !strstr(line, expect[i][1]))
            fprintf(stderr, "want '%s...%s' in:\n%s", want, expect[i][1], t);
        assert_non_null(line);
        assert_non_null(strstr(line, expect[i][1]));
    }
    assert_null(strstr(t, ":2:"));
    assert_null(strstr(t, ":13:"));
    assert_int_equal(c.d.errors, 11);
    capture_end(&c);

    /* unreadable map: named, without a line */
    capture_begin(&c);
    assert_int_equal(fontset_open(&fs, "/nonexistent/fonts.conf", &c.d), OR_EINPUT);
    assert_non_null(strstr(capture_text(&c), "/nonexistent/fonts.conf: error: cannot read"));
    capture_end(&c);

    /* the first allocation failing is a system error, not a bad map */
    capture_begin(&c);
    or_alloc_fail_at(1, 0);
    assert_int_equal(fontset_open(&fs, MAP, &c.d), OR_ESYS);
    or_alloc_fail_at(0, 0);
    assert_non_null(strstr(capture_text(&c), "out of memory"));
    assert_null(strstr(capture_text(&c), "cannot read font map"));
    capture_end(&c);

    /* relative names: next to the map, then under /usr/share/fonts */
    char *rel = write_temp(dir, "rel.conf", "family song 宋 = truetype/arphic/uming.ttc#0\n");
    capture_begin(&c);
    assert_int_equal(fontset_open(&fs, rel, &c.d), OR_OK);
    assert_true(label_has(fs, 0, "/usr/share/fonts/truetype/arphic/uming.ttc#0"));
    fontset_free(fs);
    capture_end(&c);

    unlink(map);
    unlink(notfont);
    unlink(rel);
    rmdir(dir);
    or_free(map);
    or_free(notfont);
    or_free(rel);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *data = (uint8_t *)test_read_all(f, len);
    fclose(f);
    assert_non_null(data);
    return data;
}

static const uint32_t sample[] = {0x8FD0, 0x7EF4, 0x62A5, 0x544A, 'A', '1', 0x3002, 0x20BB7, 0x2611};

static fontset *subset_sample(int *faces)
{
    fontset *fs = open_map();
    int song = fontset_family(fs, "song");
    for (size_t i = 0; i < sizeof sample / sizeof *sample; i++) {
        faces[i] = fontset_resolve(fs, song, sample[i], NULL);
        assert_true(faces[i] >= 0);
        assert_int_equal(fontset_mark_used(fs, faces[i], sample[i]), 0);
    }
    diag d = {0};
    assert_int_equal(fontset_build_subsets(fs, &d), OR_OK);
    return fs;
}

static void test_subsets(void **state)
{
    (void)state;
    int faces[sizeof sample / sizeof *sample];
    fontset *fs = subset_sample(faces);
    int uming = faces[0], hana = faces[7];
    assert_int_not_equal(uming, hana);
    assert_int_equal(fontset_pdf_codepoint(fs, uming, 0x8FD0), 0x8FD0);
    assert_int_equal(fontset_pdf_codepoint(fs, hana, 0x20BB7), 0xE000);
    assert_null(fontset_subset_path(fs, fontset_family(fs, "kai") >= 0 ?
                                    fontset_resolve(fs, fontset_family(fs, "kai"), 0x8FD0, NULL) : 0));
    size_t total = fontset_subset_bytes(fs);
    print_message("subset bytes for %zu characters: %zu\n", sizeof sample / sizeof *sample, total);
    assert_true(total > 1000 && total < 20000);

    /* each subset is a plain TrueType font whose own cmap maps what
     * libharu will be given (the PUA code for 𠮷) to a real glyph */
    const int used[] = {uming, hana};
    const uint32_t probe[] = {0x8FD0, 0xE000};
    for (int i = 0; i < 2; i++) {
        const char *path = fontset_subset_path(fs, used[i]);
        assert_non_null(path);
        size_t len;
        uint8_t *data = slurp(path, &len);
        assert_int_equal(ttf_check_components(data, len, path, NULL), OR_OK);
        hb_blob_t *blob = hb_blob_create((const char *)data, (unsigned)len,
                                         HB_MEMORY_MODE_READONLY, NULL, NULL);
        hb_face_t *face = hb_face_create(blob, 0);
        /* a non-empty prep: libharu 2.3.0 fails to save a font whose last
         * table is empty when its buffer ends on a 4,096-byte block */
        hb_blob_t *prep = hb_face_reference_table(face, HB_TAG('p', 'r', 'e', 'p'));
        assert_true(hb_blob_get_length(prep) > 0);
        hb_blob_destroy(prep);
        hb_font_t *font = hb_font_create(face);
        hb_codepoint_t gid = 0;
        assert_true(hb_font_get_nominal_glyph(font, probe[i], &gid));
        assert_true(gid > 0);
        assert_true(hb_face_get_glyph_count(face) < 20);
        hb_font_destroy(font);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
        or_free(data);
    }

    /* deterministic: a second fontset gives the same bytes */
    int faces2[sizeof sample / sizeof *sample];
    fontset *fs2 = subset_sample(faces2);
    size_t la, lb;
    uint8_t *a = slurp(fontset_subset_path(fs, uming), &la);
    uint8_t *b = slurp(fontset_subset_path(fs2, uming), &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_string_not_equal(fontset_subset_path(fs, uming), fontset_subset_path(fs2, uming));
    or_free(a);
    or_free(b);
    fontset_free(fs2);

    /* fontset_free removes the files and the private directory */
    char path[512], dir[512];
    snprintf(path, sizeof path, "%s", fontset_subset_path(fs, uming));
    snprintf(dir, sizeof dir, "%s", path);
    *strrchr(dir, '/') = '\0';
    fontset_free(fs);
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0);
    assert_int_not_equal(stat(dir, &st), 0);
}

static void test_mark_used_rejects_bad_input(void **state)
{
    (void)state;
    fontset *fs = open_map();
    assert_int_equal(fontset_mark_used(fs, -1, 'A'), -1);
    assert_int_equal(fontset_mark_used(fs, 999, 'A'), -1);
    assert_int_equal(fontset_mark_used(fs, 0, 0x110000), -1);
    or_alloc_fail_at(1, 0);
    assert_int_equal(fontset_mark_used(fs, 0, 'A'), -1);   /* bitmap allocation fails */
    assert_int_equal(fontset_mark_used(fs, 0, 'A'), 0);
    fontset_free(fs);
}

/* ---- ttf_check_components on synthetic fonts ---------------------------- */

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v & 0xFFFF); }

/* A minimal TrueType font: glyph 0 empty, glyph 1 a composite of one
 * component `comp`.  Tables: glyf, head, loca, maxp. */
static size_t make_font(uint8_t *out, size_t cap, unsigned comp)
{
    enum { NT = 4, DIR = 12 + 16 * NT, GLYF = 20, HEAD = 54, LOCA = 6, MAXP = 6 };
    size_t len = DIR + GLYF + HEAD + 2 + LOCA + 2 + MAXP + 2;
    assert_true(len <= cap);
    memset(out, 0, len);
    put32(out, 0x00010000);
    put16(out + 4, NT);
    const char *tags[NT] = {"glyf", "head", "loca", "maxp"};
    const size_t lens[NT] = {GLYF, HEAD, LOCA, MAXP};
    size_t off = DIR;
    for (int i = 0; i < NT; i++) {
        memcpy(out + 12 + 16 * i, tags[i], 4);
        put32(out + 12 + 16 * i + 8, (uint32_t)off);
        put32(out + 12 + 16 * i + 12, (uint32_t)lens[i]);
        off += (lens[i] + 3) & ~(size_t)3;
    }
    uint8_t *glyf = out + DIR;
    put16(glyf, 0xFFFF);           /* numberOfContours = -1: composite */
    put16(glyf + 10, 0x0000);      /* flags: byte args, last component */
    put16(glyf + 12, comp);
    uint8_t *head = glyf + ((GLYF + 3) & ~3);
    put32(head, 0x00010000);
    put16(head + 50, 0);           /* short loca */
    uint8_t *loca = head + ((HEAD + 3) & ~3);
    put16(loca, 0);
    put16(loca + 2, 0);            /* glyph 0 empty */
    put16(loca + 4, GLYF / 2);     /* glyph 1: the whole glyf table */
    uint8_t *maxp = loca + ((LOCA + 3) & ~3);
    put32(maxp, 0x00005000);
    put16(maxp + 4, 2);
    return len;
}

static void test_components_synthetic(void **state)
{
    (void)state;
    uint8_t font[256];
    size_t len = make_font(font, sizeof font, 1);
    assert_int_equal(ttf_check_components(font, len, "ok.ttf", NULL), OR_OK);

    len = make_font(font, sizeof font, 40000);
    capture c;
    capture_begin(&c);
    assert_int_equal(ttf_check_components(font, len, "big.ttf", &c.d), OR_EINPUT);
    const char *t = capture_text(&c);
    assert_non_null(strstr(t, "big.ttf: error: "));
    assert_non_null(strstr(t, "composite glyph 1"));
    assert_non_null(strstr(t, "40000"));
    capture_end(&c);

    /* every truncation fails cleanly (ASan watches the reads); the last
     * two bytes are padding after maxp, so the cuts stop before them */
    diag quiet = {0};
    FILE *null = fopen("/dev/null", "w");
    quiet.stream = null;
    make_font(font, sizeof font, 1);
    for (size_t n = 0; n < len - 2; n++) {
        uint8_t *copy = or_malloc(n ? n : 1);   /* exact size: overreads trap */
        memcpy(copy, font, n);
        assert_int_equal(ttf_check_components(copy, n, "cut.ttf", &quiet), OR_EINPUT);
        or_free(copy);
    }
    /* garbage: a valid header, then random bytes */
    srand(7);
    for (int round = 0; round < 2000; round++) {
        uint8_t junk[200];
        memcpy(junk, font, sizeof junk < len ? sizeof junk : len);
        for (int k = 0; k < 8; k++)
            junk[12 + rand() % (int)(len - 12)] = (uint8_t)rand();
        (void)ttf_check_components(junk, len, "junk.ttf", &quiet);
    }
    assert_int_equal(ttf_check_components(NULL, 0, "none", &quiet), OR_EINPUT);
    const uint8_t ttc[16] = {'t', 't', 'c', 'f'};
    assert_int_equal(ttf_check_components(ttc, sizeof ttc, "x.ttc", &quiet), OR_EINPUT);
    fclose(null);
}

/* Layout's per-character pattern (resolve, advance, mark) over 10,000
 * ideographs, repeated: the caches must answer as the first lookup did,
 * every ideograph is one em wide in whichever face draws it, and the used
 * set holds exactly what was marked, per face.  (Speed is measured by
 * make bench, not here.) */
static void test_resolve_advance_mark_agree_over_a_cjk_block(void **state)
{
    (void)state;
    fontset *fs = open_map();
    int song = fontset_family(fs, "song");
    enum { FIRST = 0x4E00, N = 10000 };
    int *face = or_malloc(N * sizeof *face);
    assert_non_null(face);
    size_t resolved = 0;
    for (uint32_t i = 0; i < N; i++) {
        face[i] = fontset_resolve(fs, song, FIRST + i, NULL);
        if (face[i] >= 0)
            resolved++;
    }
    /* UMing and its fallbacks cover the whole of U+4E00..U+750F */
    assert_int_equal(resolved, N);
    for (int rep = 0; rep < 3; rep++)
        for (uint32_t i = 0; i < N; i++) {
            assert_int_equal(fontset_resolve(fs, song, FIRST + i, NULL), face[i]);
            assert_float_equal(fontset_advance(fs, face[i], FIRST + i), 1.0, 1e-6);
            assert_int_equal(fontset_mark_used(fs, face[i], FIRST + i), 0);
        }
    /* every face's used set is exactly the ideographs it resolved, in order */
    size_t walked = 0;
    for (size_t f = 0; f < fontset_face_count(fs); f++) {
        uint32_t expect = FIRST;
        for (uint32_t cp = fontset_next_used(fs, (int)f, 0); cp != UINT32_MAX; cp = fontset_next_used(fs, (int)f, cp + 1)) {
            while (expect < FIRST + N && face[expect - FIRST] != (int)f)
                expect++;
            assert_int_equal(cp, expect);
            expect++;
            walked++;
        }
        while (expect < FIRST + N && face[expect - FIRST] != (int)f)
            expect++;
        assert_int_equal(expect, FIRST + N);   /* nothing marked was left out */
    }
    assert_int_equal(walked, N);
    fontset_clear_used(fs);
    for (size_t f = 0; f < fontset_face_count(fs); f++)
        assert_int_equal(fontset_next_used(fs, (int)f, 0), UINT32_MAX);
    or_free(face);
    fontset_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_families_and_aliases),
        cmocka_unit_test(test_resolve_chains),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_map_errors_have_locations),
        cmocka_unit_test(test_subsets),
        cmocka_unit_test(test_mark_used_rejects_bad_input),
        cmocka_unit_test(test_components_synthetic),
        cmocka_unit_test(test_resolve_advance_mark_agree_over_a_cjk_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
