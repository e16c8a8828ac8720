/* image: PNG and JPEG files written here with libpng and libjpeg, then
 * decoded, downscaled and damaged in every way the issue names (bad CRC,
 * no IDAT, short IDAT, truncated at every length, every byte flipped;
 * JPEG truncated, garbage, bad marker, CMYK), and a header that declares
 * 20000 × 20000 pixels.  Each damaged file must come back as OR_EINPUT
 * with a message, never a crash (the suite runs under ASan and UBSan);
 * allocation failure at every step must come back as OR_ESYS with
 * nothing leaked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "image.h"
#include "test_util.h"

#include <png.h>
#include <jpeglib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void path_in(const char *name, char *out, size_t n)
{
    assert_true((size_t)snprintf(out, n, "%s/%s", dir, name) < n);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *d = test_read_all(f, len);
    fclose(f);
    return (unsigned char *)d;
}

static void put(const char *path, const unsigned char *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(d, 1, n, f), n);
    fclose(f);
}

/* --- writers ------------------------------------------------------------------ */

/* A PNG of w × h with bytes from pixel(x, y, channel); channels follow from
 * ctype and depth (16-bit samples get the value in both bytes). */
typedef unsigned (*pixel_fn)(unsigned x, unsigned y, unsigned c);

static void write_png(const char *path, unsigned w, unsigned h, int depth, int ctype, int interlace, pixel_fn px,
                      const png_color *palette, int npal, const unsigned char *trns, int ntrns)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    assert_non_null(info);
    assert_int_equal(setjmp(png_jmpbuf(png)), 0);
    png_init_io(png, f);
    png_set_IHDR(png, info, w, h, depth, ctype, interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (palette)
        png_set_PLTE(png, info, palette, npal);
    if (trns)
        png_set_tRNS(png, info, trns, ntrns, NULL);
    png_write_info(png, info);
    unsigned ch = ctype == PNG_COLOR_TYPE_RGB ? 3 : ctype == PNG_COLOR_TYPE_RGBA ? 4
                : ctype == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : 1;
    size_t rowbytes = png_get_rowbytes(png, info);
    unsigned char *rows = calloc(h, rowbytes);
    png_bytep *rp = calloc(h, sizeof *rp);
    assert_non_null(rows);
    assert_non_null(rp);
    for (unsigned y = 0; y < h; y++) {
        rp[y] = rows + (size_t)y * rowbytes;
        for (unsigned x = 0; x < w; x++)
            for (unsigned c = 0; c < ch; c++) {
                unsigned v = px(x, y, c);
                if (depth == 16) {
                    rp[y][(x * ch + c) * 2] = (unsigned char)(v >> 8);
                    rp[y][(x * ch + c) * 2 + 1] = (unsigned char)v;
                } else if (depth == 8) {
                    rp[y][x * ch + c] = (unsigned char)v;
                } else {   /* 1, 2, 4 bits, one channel */
                    unsigned per = 8 / (unsigned)depth, shift = 8 - (unsigned)depth * (x % per + 1);
                    rp[y][x / per] |= (unsigned char)(v << shift);
                }
            }
    }
    png_write_image(png, rp);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    fclose(f);
    free(rows);
    free(rp);
}

static void write_jpeg(const char *path, unsigned w, unsigned h, J_COLOR_SPACE cs, int comps, bool progressive,
                       pixel_fn px)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr jerr;
    ci.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&ci);
    jpeg_stdio_dest(&ci, f);
    ci.image_width = w;
    ci.image_height = h;
    ci.input_components = comps;
    ci.in_color_space = cs;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 95, TRUE);
    if (progressive)
        jpeg_simple_progression(&ci);
    jpeg_start_compress(&ci, TRUE);
    unsigned char *row = malloc((size_t)w * (unsigned)comps);
    assert_non_null(row);
    while (ci.next_scanline < h) {
        for (unsigned x = 0; x < w; x++)
            for (int c = 0; c < comps; c++)
                row[x * (unsigned)comps + (unsigned)c] = (unsigned char)px(x, ci.next_scanline, (unsigned)c);
        JSAMPROW r = row;
        jpeg_write_scanlines(&ci, &r, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    free(row);
    fclose(f);
}

static unsigned gradient(unsigned x, unsigned y, unsigned c)
{
    return c == 0 ? x * 4 % 256 : c == 1 ? y * 5 % 256 : c == 2 ? (x + y) % 256 : 255;
}

static unsigned half_clear(unsigned x, unsigned y, unsigned c)
{
    (void)y;
    return c < 3 ? 200 : x < 8 ? 255 : 0;
}

/* opaque red on the left, transparent black on the right */
static unsigned red_or_clear_black(unsigned x, unsigned y, unsigned c)
{
    (void)y;
    return x < 8 ? (c == 0 ? 200 : c == 3 ? 255 : 0) : 0;
}

static unsigned grey_half_clear(unsigned x, unsigned y, unsigned c)
{
    (void)y;
    return c == 0 ? 200 : x < 8 ? 255 : 0;
}

static unsigned opaque(unsigned x, unsigned y, unsigned c)
{
    return c < 3 ? gradient(x, y, c) : 255;
}

static unsigned grey16(unsigned x, unsigned y, unsigned c)
{
    (void)y;
    (void)c;
    return x * 1000 + 7;   /* the high byte is x * 1000 / 256 */
}

static unsigned bits1(unsigned x, unsigned y, unsigned c)
{
    (void)c;
    return (x + y) % 2;
}

static unsigned index4(unsigned x, unsigned y, unsigned c)
{
    (void)y;
    (void)c;
    return x % 4;
}

/* 10 × 10 blocks of one colour each: block (bx, by) is (bx*20, by*20, 99) */
static unsigned blocks(unsigned x, unsigned y, unsigned c)
{
    return c == 0 ? x / 10 * 20 : c == 1 ? y / 10 * 20 : 99;
}

static unsigned flat(unsigned x, unsigned y, unsigned c)
{
    (void)x;
    (void)y;
    return c == 0 ? 30 : c == 1 ? 140 : c == 2 ? 220 : 128;
}

/* PNG chunks, for making damage by hand */
static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void set32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Offset of the first chunk of this type (its length field), or 0. */
static size_t find_chunk(const unsigned char *d, size_t n, const char *type)
{
    for (size_t i = 8; i + 12 <= n; i += 12 + get32(d + i))
        if (memcmp(d + i + 4, type, 4) == 0)
            return i;
    return 0;
}

static void fix_crc(unsigned char *d, size_t at)
{
    uint32_t len = get32(d + at);
    set32(d + at + 8 + len, crc32_of(d + at + 4, 4 + len));
}

/* --- helpers for the checks ------------------------------------------------------ */

static or_status decode(const char *name, unsigned mw, unsigned mh, img_pixels *px, img_error *err)
{
    char p[128];
    path_in(name, p, sizeof p);
    return img_decode(p, mw, mh, px, err);
}

static void expect_refused(const char *name, const char *msg)
{
    img_pixels px;
    img_error err;
    assert_int_equal(decode(name, 0, 0, &px, &err), OR_EINPUT);
    assert_int_equal(err.status, OR_EINPUT);
    assert_null(px.data);
    assert_null(px.alpha);
    assert_contains(err.msg, msg);
}

/* --- valid files ------------------------------------------------------------------ */

static void test_png_rgb_exact(void **state)
{
    (void)state;
    char p[128];
    path_in("rgb.png", p, sizeof p);
    write_png(p, 40, 30, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, gradient, NULL, 0, NULL, 0);
    img_info info;
    img_error err;
    assert_int_equal(img_probe(p, &info, &err), OR_OK);
    assert_int_equal(info.kind, IMG_PNG);
    assert_int_equal(info.width, 40);
    assert_int_equal(info.height, 30);
    img_pixels px;
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.width, 40);
    assert_int_equal(px.height, 30);
    assert_int_equal(px.channels, 3);
    assert_null(px.alpha);
    for (unsigned y = 0; y < 30; y++)
        for (unsigned x = 0; x < 40; x++)
            for (unsigned c = 0; c < 3; c++)
                assert_int_equal(px.data[(y * 40 + x) * 3 + c], gradient(x, y, c));
    img_pixels_free(&px);
    /* never scaled up */
    assert_int_equal(img_decode(p, 4000, 3000, &px, &err), OR_OK);
    assert_int_equal(px.width, 40);
    img_pixels_free(&px);
}

static void test_png_alpha(void **state)
{
    (void)state;
    char p[128];
    path_in("rgba.png", p, sizeof p);
    write_png(p, 16, 4, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE, half_clear, NULL, 0, NULL, 0);
    img_pixels px;
    img_error err;
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.channels, 3);
    assert_non_null(px.alpha);
    assert_int_equal(px.alpha[0], 255);
    assert_int_equal(px.alpha[15], 0);
    assert_int_equal(px.data[0], 200);
    img_pixels_free(&px);
    /* RGBA whose every pixel is opaque: no mask */
    write_png(p, 16, 4, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE, opaque, NULL, 0, NULL, 0);
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_null(px.alpha);
    img_pixels_free(&px);
    /* downscaled 16 -> 2 columns: the left half opaque, the right clear;
     * a clear pixel's colour does not bleed (weighted by alpha) */
    write_png(p, 16, 4, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE, half_clear, NULL, 0, NULL, 0);
    assert_int_equal(img_decode(p, 2, 1, &px, &err), OR_OK);
    assert_int_equal(px.width, 2);
    assert_int_equal(px.height, 1);
    assert_int_equal(px.alpha[0], 255);
    assert_int_equal(px.alpha[1], 0);
    img_pixels_free(&px);
    /* 16 -> 1 column over opaque red and transparent black: half
     * transparent, and still red 200, not darkened to 100 */
    write_png(p, 16, 4, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_NONE, red_or_clear_black, NULL, 0, NULL, 0);
    assert_int_equal(img_decode(p, 1, 1, &px, &err), OR_OK);
    assert_int_equal(px.alpha[0], 128);
    assert_int_equal(px.data[0], 200);
    assert_int_equal(px.data[1], 0);
    img_pixels_free(&px);
}

static void test_png_kinds(void **state)
{
    (void)state;
    char p[128];
    img_pixels px;
    img_error err;
    /* 16-bit grey: cut to the high byte */
    path_in("g16.png", p, sizeof p);
    write_png(p, 60, 2, 16, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, grey16, NULL, 0, NULL, 0);
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.channels, 1);
    for (unsigned x = 0; x < 60; x++)
        assert_int_equal(px.data[x], (x * 1000 + 7) >> 8);
    img_pixels_free(&px);
    /* 1-bit grey: expanded to 0 and 255 */
    path_in("g1.png", p, sizeof p);
    write_png(p, 13, 3, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, bits1, NULL, 0, NULL, 0);
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.channels, 1);
    assert_int_equal(px.data[0], 0);
    assert_int_equal(px.data[1], 255);
    assert_int_equal(px.data[13], 255);
    img_pixels_free(&px);
    /* 2-bit palette with tRNS: RGB and a mask */
    static const png_color pal[4] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
    static const unsigned char trns[4] = {255, 255, 255, 0};
    path_in("pal.png", p, sizeof p);
    write_png(p, 8, 2, 2, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, index4, pal, 4, trns, 4);
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.channels, 3);
    assert_memory_equal(px.data + 3, "\xff\x00\x00", 3);
    assert_non_null(px.alpha);
    assert_int_equal(px.alpha[2], 255);
    assert_int_equal(px.alpha[3], 0);
    img_pixels_free(&px);
    /* grey and alpha: one colour channel and a mask */
    path_in("ga.png", p, sizeof p);
    write_png(p, 16, 2, 8, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_INTERLACE_NONE, grey_half_clear, NULL, 0, NULL, 0);
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.channels, 1);
    assert_int_equal(px.data[0], 200);
    assert_non_null(px.alpha);
    assert_int_equal(px.alpha[0], 255);
    assert_int_equal(px.alpha[15], 0);
    img_pixels_free(&px);
    /* interlaced (Adam7): the same pixels as the plain one */
    path_in("adam7.png", p, sizeof p);
    write_png(p, 40, 30, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_ADAM7, gradient, NULL, 0, NULL, 0);
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    for (unsigned y = 0; y < 30; y++)
        for (unsigned x = 0; x < 40; x++)
            assert_int_equal(px.data[(y * 40 + x) * 3 + 1], gradient(x, y, 1));
    img_pixels_free(&px);
}

static void test_downscale_box(void **state)
{
    (void)state;
    char p[128];
    path_in("blocks.png", p, sizeof p);
    write_png(p, 100, 60, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, blocks, NULL, 0, NULL, 0);
    img_pixels px;
    img_error err;
    /* 100 × 60 -> 10 × 6: each output pixel is one 10 × 10 block */
    assert_int_equal(img_decode(p, 10, 6, &px, &err), OR_OK);
    assert_int_equal(px.width, 10);
    assert_int_equal(px.height, 6);
    for (unsigned y = 0; y < 6; y++)
        for (unsigned x = 0; x < 10; x++) {
            assert_int_equal(px.data[(y * 10 + x) * 3], x * 20);
            assert_int_equal(px.data[(y * 10 + x) * 3 + 1], y * 20);
            assert_int_equal(px.data[(y * 10 + x) * 3 + 2], 99);
        }
    img_pixels_free(&px);
    /* a ratio that is not whole (100 -> 7): a flat colour stays flat */
    path_in("flat.png", p, sizeof p);
    write_png(p, 100, 60, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, flat, NULL, 0, NULL, 0);
    assert_int_equal(img_decode(p, 7, 5, &px, &err), OR_OK);
    assert_int_equal(px.width, 7);
    assert_int_equal(px.height, 5);
    for (unsigned i = 0; i < 35; i++)
        assert_memory_equal(px.data + i * 3, "\x1e\x8c\xdc", 3);
    img_pixels_free(&px);
}

static void test_fit(void **state)
{
    (void)state;
    unsigned w, h;
    /* 100 mm = 283.46 pt = 1181.1 pixels at 300 dpi */
    img_fit(7000, 7000, 100 / 25.4 * 72, 100 / 25.4 * 72, &w, &h);
    assert_int_equal(w, 1182);
    assert_int_equal(h, 1182);
    img_fit(7000, 3000, 72, 36, &w, &h);
    assert_int_equal(w, 300);
    assert_int_equal(h, 150);
    img_fit(160, 60, 113.4, 42.5, &w, &h);   /* 40 mm wide: more than it has */
    assert_int_equal(w, 160);
    assert_int_equal(h, 60);
    img_fit(500, 500, 0.01, 0.01, &w, &h);    /* at least one pixel */
    assert_int_equal(w, 1);
    assert_int_equal(h, 1);
}

static void test_jpeg(void **state)
{
    (void)state;
    char p[128];
    img_pixels px;
    img_error err;
    img_info info;
    path_in("rgb.jpg", p, sizeof p);
    write_jpeg(p, 64, 48, JCS_RGB, 3, false, flat);
    assert_int_equal(img_probe(p, &info, &err), OR_OK);
    assert_int_equal(info.kind, IMG_JPEG);
    assert_int_equal(info.width, 64);
    assert_int_equal(info.height, 48);
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.width, 64);
    assert_int_equal(px.channels, 3);
    assert_null(px.alpha);
    assert_in_range(px.data[0], 27, 33);      /* lossy: near (30, 140, 220) */
    assert_in_range(px.data[1], 137, 143);
    assert_in_range(px.data[2], 217, 223);
    img_pixels_free(&px);
    path_in("grey.jpg", p, sizeof p);
    write_jpeg(p, 20, 20, JCS_GRAYSCALE, 1, false, flat);
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.channels, 1);
    assert_in_range(px.data[0], 27, 33);
    img_pixels_free(&px);
    path_in("prog.jpg", p, sizeof p);
    write_jpeg(p, 50, 40, JCS_RGB, 3, true, flat);
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.width, 50);
    assert_int_equal(px.height, 40);
    img_pixels_free(&px);
    /* scaled in the DCT and by the box filter: 800 -> 100 */
    path_in("big.jpg", p, sizeof p);
    write_jpeg(p, 800, 600, JCS_RGB, 3, false, flat);
    assert_int_equal(img_decode(p, 100, 75, &px, &err), OR_OK);
    assert_int_equal(px.width, 100);
    assert_int_equal(px.height, 75);
    assert_in_range(px.data[(37 * 100 + 50) * 3 + 1], 137, 143);
    img_pixels_free(&px);
    assert_int_equal(img_decode(p, 333, 0, &px, &err), OR_OK);
    assert_int_equal(px.width, 333);
    assert_int_equal(px.height, 600);
    img_pixels_free(&px);
    /* CMYK: refused, by name */
    write_jpeg(p, 16, 16, JCS_CMYK, 4, false, flat);
    expect_refused("big.jpg", "a CMYK JPEG (expected greyscale or RGB");
}

static void test_jpeg_stream(void **state)
{
    (void)state;
    char p[128];
    path_in("s.jpg", p, sizeof p);
    write_jpeg(p, 64, 48, JCS_RGB, 3, false, flat);
    size_t n;
    unsigned char *file = slurp(p, &n);
    img_pixels px;
    img_error err;
    unsigned char *d;
    size_t len;
    /* unscaled: the file's own bytes */
    assert_int_equal(img_decode(p, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.kind, IMG_JPEG);
    assert_true(px.as_is);
    assert_int_equal(img_jpeg_stream(p, &px, &d, &len, &err), OR_OK);
    assert_int_equal(len, n);
    assert_memory_equal(d, file, n);
    or_free(d);
    img_pixels_free(&px);
    /* scaled: encoded anew, a JPEG of the scaled size and colour */
    assert_int_equal(img_decode(p, 16, 12, &px, &err), OR_OK);
    assert_false(px.as_is);
    assert_int_equal(img_jpeg_stream(p, &px, &d, &len, &err), OR_OK);
    img_pixels_free(&px);
    char q[128];
    path_in("s2.jpg", q, sizeof q);
    put(q, d, len);
    or_free(d);
    assert_int_equal(img_decode(q, 0, 0, &px, &err), OR_OK);
    assert_int_equal(px.width, 16);
    assert_int_equal(px.height, 12);
    assert_in_range(px.data[3 * 20 + 2], 215, 225);
    img_pixels_free(&px);
    /* fill bytes before a marker (legal, but libharu's walk would misread
     * them): encoded anew, not copied */
    unsigned char *e = malloc(n + 2);
    assert_non_null(e);
    memcpy(e, file, 2);
    e[2] = 0xFF;
    e[3] = 0xFF;
    memcpy(e + 4, file + 2, n - 2);
    put(q, e, n + 2);
    free(e);
    assert_int_equal(img_decode(q, 0, 0, &px, &err), OR_OK);
    assert_true(px.as_is);
    assert_int_equal(img_jpeg_stream(q, &px, &d, &len, &err), OR_OK);
    assert_true(len != n + 2);
    assert_memory_equal(d, "\xff\xd8", 2);
    or_free(d);
    img_pixels_free(&px);
    or_free(file);
}

/* --- damaged and oversized ---------------------------------------------------------- */

static unsigned char *good_png(size_t *n)
{
    char p[128];
    path_in("good.png", p, sizeof p);
    write_png(p, 40, 30, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, gradient, NULL, 0, NULL, 0);
    return slurp(p, n);
}

static void test_png_damaged(void **state)
{
    (void)state;
    size_t n;
    unsigned char *good = good_png(&n);
    unsigned char *d = malloc(n + 64);
    assert_non_null(d);
    char p[128];
    size_t idat = find_chunk(good, n, "IDAT");
    assert_true(idat > 0);
    uint32_t idat_len = get32(good + idat);

    path_in("bad.png", p, sizeof p);
    memcpy(d, good, n);
    d[idat + 8 + idat_len] ^= 0x01;                 /* the IDAT CRC */
    put(p, d, n);
    expect_refused("bad.png", "damaged PNG: IDAT: CRC error (expected a complete, undamaged PNG file)");

    memcpy(d, good, n);
    d[idat + 8 + idat_len / 2] ^= 0x40;             /* a data byte: zlib or the CRC finds it */
    put(p, d, n);
    expect_refused("bad.png", "damaged PNG: IDAT: ");

    /* no IDAT: the chunk cut out */
    memcpy(d, good, idat);
    memcpy(d + idat, good + idat + 12 + idat_len, n - idat - 12 - idat_len);
    put(p, d, n - 12 - idat_len);
    expect_refused("bad.png", "damaged PNG: ");

    /* short IDAT: IHDR claims 60 rows where the data holds 30 */
    memcpy(d, good, n);
    set32(d + 8 + 12, 60);
    fix_crc(d, 8);
    put(p, d, n);
    expect_refused("bad.png", "damaged PNG: Not enough image data");

    /* IHDR's own CRC */
    memcpy(d, good, n);
    d[8 + 8 + 13] ^= 0xFF;
    put(p, d, n);
    expect_refused("bad.png", "damaged PNG: IHDR: CRC error");

    /* truncated at every length: each refused, none crashes */
    for (size_t len = 0; len < n; len++) {
        put(p, good, len);
        img_pixels px;
        img_error err;
        or_status st = decode("bad.png", 0, 0, &px, &err);
        if (st != OR_EINPUT)
            fail_msg("truncated at %zu of %zu bytes: status %d, %s", len, n, st, err.msg);
        assert_null(px.data);
    }
    put(p, good, idat + 8 + idat_len / 2);
    expect_refused("bad.png", "the file ends after");

    /* every byte flipped in turn: refused or decoded, never a crash or a
     * leak; a flip inside a CRC-covered critical chunk is always refused */
    for (size_t i = 0; i < n; i++) {
        memcpy(d, good, n);
        d[i] ^= 0xA5;
        put(p, d, n);
        img_pixels px;
        img_error err;
        or_status st = decode("bad.png", 0, 0, &px, &err);
        if (i >= 8 && i < idat + 12 + idat_len && st != OR_EINPUT)
            fail_msg("byte %zu flipped: status %d", i, st);
        img_pixels_free(&px);
    }
    free(d);
    or_free(good);
}

static void test_png_huge_header(void **state)
{
    (void)state;
    size_t n;
    unsigned char *d = good_png(&n);
    set32(d + 16, 20000);
    set32(d + 20, 20000);
    fix_crc(d, 8);
    char p[128];
    path_in("huge.png", p, sizeof p);
    put(p, d, n);
    img_info info;
    img_error err;
    assert_int_equal(img_probe(p, &info, &err), OR_EINPUT);
    assert_contains(err.msg, "the header declares 20000 × 20000 pixels, 400.0 megapixels (expected at most 50 megapixels");
    expect_refused("huge.png", "20000 × 20000");
    /* a long thin one: under 50 megapixels, over the side limit */
    set32(d + 16, 400000);
    set32(d + 20, 2);
    fix_crc(d, 8);
    put(p, d, n);
    expect_refused("huge.png", "400000 × 2 pixels");
    /* interlaced and over 16 megapixels: refused before decoding */
    set32(d + 16, 5000);
    set32(d + 20, 4000);
    d[8 + 8 + 12] = 1;
    fix_crc(d, 8);
    put(p, d, n);
    expect_refused("huge.png", "an interlaced PNG of 20.0 megapixels (expected at most 16 megapixels");
    /* zero width */
    set32(d + 16, 0);
    fix_crc(d, 8);
    put(p, d, n);
    expect_refused("huge.png", "0 × 4000 pixels (expected a width and a height of at least 1)");
    or_free(d);
}

static void test_jpeg_damaged(void **state)
{
    (void)state;
    char p[128];
    path_in("good.jpg", p, sizeof p);
    write_jpeg(p, 64, 48, JCS_RGB, 3, false, gradient);
    size_t n;
    unsigned char *good = slurp(p, &n);
    unsigned char *d = malloc(n + 4096);
    assert_non_null(d);
    path_in("bad.jpg", p, sizeof p);

    for (size_t len = 3; len < n - 2; len++) {   /* without EOI at least */
        put(p, good, len);
        img_pixels px;
        img_error err;
        or_status st = decode("bad.jpg", 0, 0, &px, &err);
        if (st != OR_EINPUT)
            fail_msg("JPEG truncated at %zu of %zu bytes: status %d", len, n, st);
    }
    put(p, good, n / 2);
    expect_refused("bad.jpg", "damaged or unsupported JPEG: Premature end of JPEG file");

    memcpy(d, "\xff\xd8\xff", 3);
    for (size_t i = 3; i < 3000; i++)
        d[i] = (unsigned char)(i * 131 + 17);
    put(p, d, 3000);
    expect_refused("bad.jpg", "damaged or unsupported JPEG: ");

    /* a marker that has no place there */
    memcpy(d, good, n);
    assert_int_equal(d[2], 0xFF);
    d[3] = 0x01;
    put(p, d, n);
    expect_refused("bad.jpg", "damaged or unsupported JPEG: ");
    /* SOF0 made lossless SOF3 */
    memcpy(d, good, n);
    for (size_t i = 2; i + 1 < n; i++)
        if (d[i] == 0xFF && d[i + 1] == 0xC0) {
            d[i + 1] = 0xC3;
            break;
        }
    put(p, d, n);
    expect_refused("bad.jpg", "Unsupported JPEG process: SOF type 0xc3");

    /* every byte flipped: refused or decoded, never a crash or a leak */
    for (size_t i = 0; i < n; i++) {
        memcpy(d, good, n);
        d[i] ^= 0x5A;
        put(p, d, n);
        img_pixels px;
        img_error err;
        decode("bad.jpg", 0, 0, &px, &err);
        img_pixels_free(&px);
    }

    /* a progressive JPEG's SOF2 claiming 5000 × 4000: over 16 megapixels */
    path_in("prog.jpg", p, sizeof p);
    write_jpeg(p, 16, 16, JCS_RGB, 3, true, flat);
    or_free(good);
    good = slurp(p, &n);
    for (size_t i = 2; i + 8 < n; i++)
        if (good[i] == 0xFF && good[i + 1] == 0xC2) {
            good[i + 5] = 4000 >> 8;
            good[i + 6] = 4000 & 0xFF;
            good[i + 7] = 5000 >> 8;
            good[i + 8] = 5000 & 0xFF;
            break;
        }
    put(p, good, n);
    expect_refused("prog.jpg", "a progressive JPEG of 20.0 megapixels (expected at most 16 megapixels");
    free(d);
    or_free(good);
}

static void test_not_an_image(void **state)
{
    (void)state;
    char p[128];
    path_in("gif.png", p, sizeof p);
    put(p, (const unsigned char *)"GIF89a\0\0\0\0", 10);
    expect_refused("gif.png", "not a PNG or JPEG file");
    put(p, (const unsigned char *)"", 0);
    expect_refused("gif.png", "not a PNG or JPEG file");
    img_pixels px;
    img_error err;
    assert_int_equal(decode("no-such.png", 0, 0, &px, &err), OR_EINPUT);
    assert_contains(err.msg, "cannot open it: No such file or directory");
}

/* Allocation failure at each step of a decode: OR_ESYS, nothing leaked
 * (ASan's leak check), and the walk reaches a decode that succeeds. */
static void test_alloc_failure(void **state)
{
    (void)state;
    char p[128];
    path_in("walk.png", p, sizeof p);
    write_png(p, 30, 20, 8, PNG_COLOR_TYPE_RGBA, PNG_INTERLACE_ADAM7, half_clear, NULL, 0, NULL, 0);
    char q[128];
    path_in("walk.jpg", q, sizeof q);
    write_jpeg(q, 30, 20, JCS_RGB, 3, false, flat);
    const char *files[2] = {p, q};
    for (int f = 0; f < 2; f++) {
        long n = 1;
        for (;; n++) {
            img_pixels px;
            img_error err;
            or_alloc_fail_at(n, 1);
            or_status st = img_decode(files[f], 10, 10, &px, &err);
            if (st == OR_OK && px.kind == IMG_JPEG) {
                unsigned char *d;
                size_t len;
                st = img_jpeg_stream(files[f], &px, &d, &len, &err);
                if (st == OR_OK)
                    or_free(d);
                else
                    assert_null(d);
            }
            or_alloc_fail_at(0, 0);
            img_pixels_free(&px);
            if (st == OR_OK)
                break;
            if (st != OR_ESYS)
                fail_msg("%s, allocation %ld failing: status %d, %s", files[f], n, st, err.msg);
            assert_true(n < 1000);
        }
        assert_true(n > 3);
    }
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_image.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_png_rgb_exact),
        cmocka_unit_test(test_png_alpha),
        cmocka_unit_test(test_png_kinds),
        cmocka_unit_test(test_downscale_box),
        cmocka_unit_test(test_fit),
        cmocka_unit_test(test_jpeg),
        cmocka_unit_test(test_jpeg_stream),
        cmocka_unit_test(test_png_damaged),
        cmocka_unit_test(test_png_huge_header),
        cmocka_unit_test(test_jpeg_damaged),
        cmocka_unit_test(test_not_an_image),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
