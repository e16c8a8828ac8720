#include "image.h"

#include "alloc.h"
#include "i18n.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <png.h>
#include <jpeglib.h>
#include <jerror.h>

#define IMG_MAX_SIDE     100000u          /* pixels a side: bounds one row */
#define IMG_CHUNK_MAX    (8u << 20)       /* largest ancillary PNG chunk kept */
#define IMG_JPEG_MEMORY  (256L << 20)     /* libjpeg's own working memory */

/* Formats err->msg from a translated format; returns st. */
static or_status img_fail(img_error *err, or_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static or_status img_fail(img_error *err, or_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, _(fmt), ap);
    va_end(ap);
    err->status = st;
    return st;
}

static or_status img_nomem(img_error *err)
{
    return img_fail(err, OR_ESYS, "out of memory while decoding");
}

static or_status check_size(unsigned w, unsigned h, img_error *err)
{
    if (w == 0 || h == 0)
        return img_fail(err, OR_EINPUT, "the header declares %u × %u pixels (expected a width and a height of at least 1)",
                        w, h);
    if (w > IMG_MAX_SIDE || h > IMG_MAX_SIDE || (unsigned long long)w * h > IMG_MAX_PIXELS)
        return img_fail(err, OR_EINPUT,
                        "the header declares %u × %u pixels, %.1f megapixels (expected at most %llu megapixels "
                        "and %u pixels a side; scale the image down)",
                        w, h, (double)w * h / 1e6, IMG_MAX_PIXELS / 1000000, IMG_MAX_SIDE);
    return OR_OK;
}

static FILE *img_open(const char *path, img_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        img_fail(err, OR_EINPUT, "cannot open it: %s (expected a readable PNG or JPEG file)", strerror(errno));
    return fp;
}

/* --- the downscaler --------------------------------------------------------- */

/* Box filter: output pixel (ox, oy) is the mean of the input pixels with
 * x * tw / sw == ox and y * th / sh == oy; colours are weighted by alpha so
 * that transparent pixels do not bleed into their neighbours. */
typedef struct scaler {
    unsigned sw, sh, tw, th;
    unsigned nc, ic;           /* colour channels out (1 or 3), channels in */
    bool alpha_in;
    uint32_t *xmap;            /* sw: output column of each input column */
    uint32_t *colcnt;          /* tw: input columns in each output column */
    uint64_t *acc;             /* tw × (nc + 1): weighted sums, alpha last */
    unsigned y, oy, rows;      /* next input row, its output row, rows summed */
    unsigned char *data, *alpha;
    bool transparent;
} scaler;

static void scaler_free(scaler *s)
{
    or_free(s->xmap);
    or_free(s->colcnt);
    or_free(s->acc);
    or_free(s->data);
    or_free(s->alpha);
    memset(s, 0, sizeof *s);
}

static bool scaler_init(scaler *s, unsigned sw, unsigned sh, unsigned tw, unsigned th, unsigned nc, bool alpha_in)
{
    memset(s, 0, sizeof *s);
    if (tw == 0 || tw > sw)
        tw = sw;
    if (th == 0 || th > sh)
        th = sh;
    *s = (scaler){.sw = sw, .sh = sh, .tw = tw, .th = th, .nc = nc, .ic = nc + (alpha_in ? 1 : 0),
                  .alpha_in = alpha_in};
    s->xmap = or_calloc(sw, sizeof *s->xmap);
    s->colcnt = or_calloc(tw, sizeof *s->colcnt);
    s->acc = or_calloc((size_t)tw * (nc + 1), sizeof *s->acc);
    s->data = or_calloc((size_t)tw * th, nc);
    if (alpha_in)
        s->alpha = or_calloc((size_t)tw, th);
    if (!s->xmap || !s->colcnt || !s->acc || !s->data || (alpha_in && !s->alpha)) {
        scaler_free(s);
        return false;
    }
    for (unsigned x = 0; x < sw; x++) {
        s->xmap[x] = (uint32_t)((uint64_t)x * tw / sw);
        s->colcnt[s->xmap[x]]++;
    }
    return true;
}

static void scaler_flush(scaler *s)
{
    unsigned nc = s->nc;
    unsigned char *out = s->data + (size_t)s->oy * s->tw * nc;
    for (unsigned o = 0; o < s->tw; o++) {
        uint64_t *a = s->acc + (size_t)o * (nc + 1);
        uint64_t sum_a = a[nc], n = (uint64_t)s->colcnt[o] * s->rows;
        for (unsigned c = 0; c < nc; c++)
            out[(size_t)o * nc + c] = sum_a ? (unsigned char)((a[c] + sum_a / 2) / sum_a) : 255;
        if (s->alpha) {
            unsigned char v = (unsigned char)((sum_a + n / 2) / n);
            s->alpha[(size_t)s->oy * s->tw + o] = v;
            if (v != 255)
                s->transparent = true;
        }
    }
    memset(s->acc, 0, (size_t)s->tw * (nc + 1) * sizeof *s->acc);
    s->rows = 0;
}

/* Adds one input row of sw pixels, ic bytes each. */
static void scaler_row(scaler *s, const unsigned char *row)
{
    unsigned nc = s->nc, ic = s->ic;
    for (unsigned x = 0; x < s->sw; x++) {
        const unsigned char *p = row + (size_t)x * ic;
        uint64_t *a = s->acc + (size_t)s->xmap[x] * (nc + 1);
        unsigned w = s->alpha_in ? p[nc] : 255;
        for (unsigned c = 0; c < nc; c++)
            a[c] += (uint64_t)p[c] * w;
        a[nc] += w;
    }
    s->rows++;
    s->y++;
    unsigned next = s->y < s->sh ? (unsigned)((uint64_t)s->y * s->th / s->sh) : s->th;
    if (next != s->oy) {
        scaler_flush(s);
        s->oy = next;
    }
}

/* Moves the finished pixels into *out (the scaler keeps nothing). */
static void scaler_take(scaler *s, img_pixels *out)
{
    *out = (img_pixels){.width = s->tw, .height = s->th, .channels = s->nc, .data = s->data, .alpha = s->alpha};
    if (out->alpha && !s->transparent) {
        or_free(out->alpha);
        out->alpha = NULL;
    }
    s->data = NULL;
    s->alpha = NULL;
    scaler_free(s);
}

/* --- PNG ---------------------------------------------------------------------- */

static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static unsigned be32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* The size from IHDR, read by hand so that the cap is checked before
 * libpng reads any further chunk. */
static or_status png_header(FILE *fp, img_info *info, img_error *err)
{
    unsigned char h[33];
    size_t n = fread(h, 1, sizeof h, fp);
    if (n < 24 || be32(h + 8) != 13 || memcmp(h + 12, "IHDR", 4) != 0)
        return img_fail(err, OR_EINPUT, "damaged PNG: %s (expected a complete, undamaged PNG file)",
                        n < 24 ? _("the file ends inside the header") : _("the first chunk is not IHDR"));
    *info = (img_info){IMG_PNG, be32(h + 16), be32(h + 20)};
    return check_size(info->width, info->height, err);
}

typedef struct png_job {
    FILE *fp;
    png_structp png;
    png_infop info;
    char why[200];             /* libpng's message, or the reader's */
    bool nomem, ioerr;
    long long offset;
    unsigned max_w, max_h;
    unsigned char *row, *whole;
    png_bytep *rows;
    scaler sc;
    img_pixels *out;
    img_error *err;
} png_job;

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_job *j = png_get_error_ptr(png);
    if (!j->why[0])
        snprintf(j->why, sizeof j->why, "%s", msg);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;   /* a damaged ancillary chunk: libpng drops it */
}

static png_voidp png_on_malloc(png_structp png, png_alloc_size_t n)
{
    void *p = or_malloc(n);
    if (!p)
        ((png_job *)png_get_mem_ptr(png))->nomem = true;
    return p;
}

static void png_on_free(png_structp png, png_voidp p)
{
    (void)png;
    or_free(p);
}

static void png_on_read(png_structp png, png_bytep data, size_t len)
{
    png_job *j = png_get_io_ptr(png);
    size_t n = fread(data, 1, len, j->fp);
    j->offset += (long long)n;
    if (n == len)
        return;
    if (ferror(j->fp)) {
        j->ioerr = true;
        snprintf(j->why, sizeof j->why, "%s", strerror(errno));
    } else {
        snprintf(j->why, sizeof j->why, _("the file ends after %lld bytes (truncated)"), j->offset);
    }
    png_error(png, j->why);
}

static or_status png_failed(png_job *j)
{
    if (j->nomem)
        return img_nomem(j->err);
    if (j->ioerr)
        return img_fail(j->err, OR_ESYS, "cannot read it: %s", j->why);
    return img_fail(j->err, OR_EINPUT, "damaged PNG: %s (expected a complete, undamaged PNG file)", j->why);
}

/* Everything between setjmp and the last libpng call; what it allocates
 * hangs off j, which the caller frees whichever way this returns. */
static or_status png_run(png_job *j)
{
    if (setjmp(png_jmpbuf(j->png)))
        return png_failed(j);
    png_set_read_fn(j->png, j, png_on_read);
    png_set_user_limits(j->png, IMG_MAX_SIDE, IMG_MAX_SIDE);
    png_set_chunk_malloc_max(j->png, IMG_CHUNK_MAX);
    png_read_info(j->png, j->info);
    png_uint_32 w, h;
    int depth, ctype, interlace;
    png_get_IHDR(j->png, j->info, &w, &h, &depth, &ctype, &interlace, NULL, NULL);
    or_status st = check_size(w, h, j->err);
    if (st)
        return st;
    if (interlace != PNG_INTERLACE_NONE && (unsigned long long)w * h > IMG_MAX_WHOLE_PIXELS)
        return img_fail(j->err, OR_EINPUT,
                        "an interlaced PNG of %.1f megapixels (expected at most %llu megapixels when "
                        "interlaced, which must be decoded whole; save it without interlacing)",
                        (double)w * h / 1e6, IMG_MAX_WHOLE_PIXELS / 1000000);
    if (ctype == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(j->png);
    if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(j->png);
    if (png_get_valid(j->png, j->info, PNG_INFO_tRNS))
        png_set_tRNS_to_alpha(j->png);
    if (depth == 16)
        png_set_strip_16(j->png);
    int passes = png_set_interlace_handling(j->png);
    png_read_update_info(j->png, j->info);
    unsigned channels = png_get_channels(j->png, j->info);
    size_t rowbytes = png_get_rowbytes(j->png, j->info);
    if (channels < 1 || channels > 4 || rowbytes != (size_t)w * channels)
        return img_fail(j->err, OR_EINPUT, "a PNG that decodes to %u channels of %zu bytes a row "
                        "(expected 8-bit grey, grey and alpha, RGB or RGBA)", channels, rowbytes);
    if (!scaler_init(&j->sc, w, h, j->max_w, j->max_h, channels >= 3 ? 3 : 1, channels == 2 || channels == 4))
        return img_nomem(j->err);
    if (passes > 1) {
        j->whole = or_calloc(h, rowbytes);
        j->rows = or_calloc(h, sizeof *j->rows);
        if (!j->whole || !j->rows)
            return img_nomem(j->err);
        for (png_uint_32 y = 0; y < h; y++)
            j->rows[y] = j->whole + (size_t)y * rowbytes;
        png_read_image(j->png, j->rows);
        for (png_uint_32 y = 0; y < h; y++)
            scaler_row(&j->sc, j->rows[y]);
    } else {
        j->row = or_malloc(rowbytes);
        if (!j->row)
            return img_nomem(j->err);
        for (png_uint_32 y = 0; y < h; y++) {
            png_read_row(j->png, j->row, NULL);
            scaler_row(&j->sc, j->row);
        }
    }
    png_read_end(j->png, NULL);   /* the last IDAT's CRC, the chunks after it, IEND */
    scaler_take(&j->sc, j->out);
    return OR_OK;
}

static or_status png_decode(FILE *fp, unsigned max_w, unsigned max_h, img_pixels *out, img_error *err)
{
    img_info info;
    or_status st = png_header(fp, &info, err);
    if (st)
        return st;
    rewind(fp);
    png_job j = {.fp = fp, .max_w = max_w, .max_h = max_h, .out = out, .err = err};
    j.png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &j, png_on_error, png_on_warning,
                                     &j, png_on_malloc, png_on_free);
    if (j.png)
        j.info = png_create_info_struct(j.png);
    if (!j.png || !j.info)
        st = img_nomem(err);
    else
        st = png_run(&j);
    png_destroy_read_struct(j.png ? &j.png : NULL, j.info ? &j.info : NULL, NULL);
    or_free(j.row);
    or_free(j.whole);
    or_free(j.rows);
    scaler_free(&j.sc);
    return st;
}

/* --- JPEG --------------------------------------------------------------------- */

/* Where libjpeg's error manager jumps to; client_data points at it. */
typedef struct jpg_trap {
    jmp_buf jmp;
    char why[JMSG_LENGTH_MAX];
} jpg_trap;

typedef struct jpg_job {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr jerr;
    jpg_trap trap;
    FILE *fp;
    unsigned max_w, max_h;
    bool header_only;
    img_info *info;
    unsigned char *row;
    scaler sc;
    img_pixels *out;
    img_error *err;
} jpg_job;

static void jpg_on_error(j_common_ptr c)
{
    jpg_trap *t = c->client_data;
    if (!t->why[0])
        c->err->format_message(c, t->why);
    longjmp(t->jmp, 1);
}

/* Warnings are damage too (a premature end of data, corrupt entropy-coded
 * data, bytes before a marker), except those about harmless metadata. */
static void jpg_on_message(j_common_ptr c, int level)
{
    if (level >= 0)
        return;
    int code = c->err->msg_code;
    if (code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM || code == JWRN_BOGUS_ICC)
        return;
    jpg_on_error(c);
}

static or_status jpg_run(jpg_job *j)
{
    struct jpeg_decompress_struct *ci = &j->cinfo;
    if (setjmp(j->trap.jmp)) {
        if (strstr(j->trap.why, "Insufficient memory") || strstr(j->trap.why, "Backing store"))
            return img_nomem(j->err);
        return img_fail(j->err, OR_EINPUT, "damaged or unsupported JPEG: %s (expected a complete baseline or "
                        "progressive JPEG in greyscale or RGB)", j->trap.why);
    }
    jpeg_create_decompress(ci);
    ci->mem->max_memory_to_use = IMG_JPEG_MEMORY;
    jpeg_stdio_src(ci, j->fp);
    jpeg_read_header(ci, TRUE);
    *j->info = (img_info){IMG_JPEG, ci->image_width, ci->image_height};
    or_status st = check_size(ci->image_width, ci->image_height, j->err);
    if (st)
        return st;
    if (ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK)
        return img_fail(j->err, OR_EINPUT, "a CMYK JPEG (expected greyscale or RGB; convert it to RGB)");
    if (ci->jpeg_color_space == JCS_GRAYSCALE)
        ci->out_color_space = JCS_GRAYSCALE;
    else if (ci->num_components == 3)
        ci->out_color_space = JCS_RGB;
    else
        return img_fail(j->err, OR_EINPUT, "a JPEG with %d colour components (expected greyscale or RGB)",
                        ci->num_components);
    if (ci->progressive_mode && (unsigned long long)ci->image_width * ci->image_height > IMG_MAX_WHOLE_PIXELS)
        return img_fail(j->err, OR_EINPUT,
                        "a progressive JPEG of %.1f megapixels (expected at most %llu megapixels when "
                        "progressive, which must be decoded whole; save it as baseline)",
                        (double)ci->image_width * ci->image_height / 1e6, IMG_MAX_WHOLE_PIXELS / 1000000);
    if (j->header_only)
        return OR_OK;
    /* Scale in the DCT by the largest of 1/8, 1/4, 1/2 that still leaves
     * at least the pixels wanted; the box filter does the rest. */
    unsigned want_w = j->max_w && j->max_w < ci->image_width ? j->max_w : ci->image_width;
    unsigned want_h = j->max_h && j->max_h < ci->image_height ? j->max_h : ci->image_height;
    ci->scale_num = 1;
    ci->scale_denom = 1;
    for (unsigned d = 8; d > 1; d /= 2)
        if ((ci->image_width + d - 1) / d >= want_w && (ci->image_height + d - 1) / d >= want_h) {
            ci->scale_denom = d;
            break;
        }
    jpeg_start_decompress(ci);
    unsigned ow = ci->output_width, oh = ci->output_height, oc = (unsigned)ci->output_components;
    if (oc != 1 && oc != 3)
        return img_fail(j->err, OR_EINPUT, "a JPEG with %d colour components (expected greyscale or RGB)", (int)oc);
    if (!scaler_init(&j->sc, ow, oh, want_w, want_h, oc, false))
        return img_nomem(j->err);
    j->row = or_malloc((size_t)ow * oc);
    if (!j->row)
        return img_nomem(j->err);
    while (ci->output_scanline < oh) {
        JSAMPROW r = j->row;
        if (jpeg_read_scanlines(ci, &r, 1) != 1)
            return img_fail(j->err, OR_EINPUT, "damaged or unsupported JPEG: %s (expected a complete baseline "
                            "or progressive JPEG in greyscale or RGB)", _("no scanline decoded"));
        scaler_row(&j->sc, j->row);
    }
    jpeg_finish_decompress(ci);   /* reads on to EOI: damage after the last row counts */
    bool as_is = ci->scale_denom == 1 && j->sc.tw == ow && j->sc.th == oh
                 && (ci->jpeg_color_space == JCS_YCbCr || ci->jpeg_color_space == JCS_GRAYSCALE);
    scaler_take(&j->sc, j->out);
    j->out->kind = IMG_JPEG;
    j->out->as_is = as_is;
    return OR_OK;
}

static or_status jpg_decode(FILE *fp, unsigned max_w, unsigned max_h, bool header_only, img_info *info,
                            img_pixels *out, img_error *err)
{
    jpg_job *j = or_calloc(1, sizeof *j);   /* large (jmp_buf, libjpeg's structs): not on the stack */
    if (!j)
        return img_nomem(err);
    j->fp = fp;
    j->max_w = max_w;
    j->max_h = max_h;
    j->header_only = header_only;
    j->info = info;
    j->out = out;
    j->err = err;
    j->cinfo.err = jpeg_std_error(&j->jerr);
    j->jerr.error_exit = jpg_on_error;
    j->jerr.emit_message = jpg_on_message;
    j->cinfo.client_data = &j->trap;
    or_status st = jpg_run(j);
    jpeg_destroy_decompress(&j->cinfo);
    or_free(j->row);
    scaler_free(&j->sc);
    or_free(j);
    return st;
}

/* --- JPEG streams to embed ---------------------------------------------------- */

/* True when walking the markers from SOI segment by segment, as libharu's
 * loader does, reaches a frame header (SOF0, 1, 2 or 9) of 8-bit samples
 * that says what libjpeg decoded. */
static bool jpeg_plain_walk(const unsigned char *d, size_t n, const img_pixels *px)
{
    size_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xFF || d[i + 1] == 0xFF)
            return false;
        unsigned tag = d[i + 1], size = (unsigned)d[i + 2] << 8 | d[i + 3];
        if (tag == 0xC0 || tag == 0xC1 || tag == 0xC2 || tag == 0xC9)
            return i + 10 <= n && d[i + 4] == 8 && ((unsigned)d[i + 5] << 8 | d[i + 6]) == px->height
                   && ((unsigned)d[i + 7] << 8 | d[i + 8]) == px->width && d[i + 9] == px->channels;
        if (size < 2)
            return false;
        i += 2 + size;
    }
    return false;
}

static or_status jpeg_file_bytes(const char *path, unsigned char **data, size_t *len, img_error *err)
{
    FILE *fp = img_open(path, err);
    if (!fp)
        return err->status;
    or_status st = OR_OK;
    long size = fseek(fp, 0, SEEK_END) == 0 ? ftell(fp) : -1;
    if (size <= 0 || fseek(fp, 0, SEEK_SET) != 0) {
        st = img_fail(err, OR_ESYS, "cannot read it: %s", strerror(errno ? errno : EIO));
    } else if (!(*data = or_malloc((size_t)size))) {
        st = img_nomem(err);
    } else if (fread(*data, 1, (size_t)size, fp) != (size_t)size) {
        st = img_fail(err, OR_ESYS, "cannot read it: %s", _("the file changed while it was read"));
        or_free(*data);
        *data = NULL;
    } else {
        *len = (size_t)size;
    }
    fclose(fp);
    return st;
}

typedef struct jpg_enc {
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    struct jpeg_destination_mgr dest;   /* into mem, grown with or_realloc */
    jpg_trap trap;
    unsigned char *mem;
    size_t cap, len;
    bool nomem;
} jpg_enc;

static jpg_enc *enc_of(j_compress_ptr ci)
{
    return (jpg_enc *)(void *)((char *)ci->dest - offsetof(jpg_enc, dest));
}

static void enc_nomem(jpg_enc *e)
{
    e->nomem = true;
    longjmp(e->trap.jmp, 1);
}

static void enc_init(j_compress_ptr ci)
{
    jpg_enc *e = enc_of(ci);
    e->cap = 64 * 1024;
    if (!(e->mem = or_malloc(e->cap)))
        enc_nomem(e);
    e->dest.next_output_byte = e->mem;
    e->dest.free_in_buffer = e->cap;
}

static boolean enc_grow(j_compress_ptr ci)
{
    jpg_enc *e = enc_of(ci);
    unsigned char *m = e->cap < SIZE_MAX / 2 ? or_realloc(e->mem, e->cap * 2) : NULL;
    if (!m)
        enc_nomem(e);
    e->mem = m;
    e->dest.next_output_byte = m + e->cap;   /* libjpeg hands back a full buffer */
    e->dest.free_in_buffer = e->cap;
    e->cap *= 2;
    return TRUE;
}

static void enc_term(j_compress_ptr ci)
{
    jpg_enc *e = enc_of(ci);
    e->len = e->cap - e->dest.free_in_buffer;
}

static or_status jpg_encode_run(jpg_enc *e, const img_pixels *px, img_error *err)
{
    struct jpeg_compress_struct *ci = &e->cinfo;
    if (setjmp(e->trap.jmp))
        return e->nomem || strstr(e->trap.why, "Insufficient memory")
                   ? img_nomem(err) : img_fail(err, OR_ESYS, "cannot encode the pixels as JPEG: %s", e->trap.why);
    jpeg_create_compress(ci);
    e->dest.init_destination = enc_init;
    e->dest.empty_output_buffer = enc_grow;
    e->dest.term_destination = enc_term;
    ci->dest = &e->dest;
    ci->image_width = px->width;
    ci->image_height = px->height;
    ci->input_components = (int)px->channels;
    ci->in_color_space = px->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(ci);
    jpeg_set_quality(ci, IMG_JPEG_QUALITY, TRUE);
    ci->comp_info[0].h_samp_factor = 1;
    ci->comp_info[0].v_samp_factor = 1;
    jpeg_start_compress(ci, TRUE);
    while (ci->next_scanline < ci->image_height) {
        JSAMPROW r = px->data + (size_t)ci->next_scanline * px->width * px->channels;
        jpeg_write_scanlines(ci, &r, 1);
    }
    jpeg_finish_compress(ci);
    return OR_OK;
}

or_status img_jpeg_stream(const char *path, const img_pixels *px, unsigned char **data, size_t *len,
                          img_error *err)
{
    *data = NULL;
    *len = 0;
    err->status = OR_OK;
    err->msg[0] = '\0';
    if (px->as_is) {
        or_status st = jpeg_file_bytes(path, data, len, err);
        if (st)
            return st;
        if (jpeg_plain_walk(*data, *len, px))
            return OR_OK;
        or_free(*data);   /* a file libharu would misread: encode anew */
        *data = NULL;
        *len = 0;
    }
    jpg_enc *e = or_calloc(1, sizeof *e);
    if (!e)
        return img_nomem(err);
    e->cinfo.err = jpeg_std_error(&e->jerr);
    e->jerr.error_exit = jpg_on_error;
    e->cinfo.client_data = &e->trap;
    or_status st = jpg_encode_run(e, px, err);
    jpeg_destroy_compress(&e->cinfo);
    if (st == OR_OK) {
        *data = e->mem;
        *len = e->len;
    } else {
        or_free(e->mem);
    }
    or_free(e);
    return st;
}

/* --- the interface ------------------------------------------------------------ */

typedef enum { SNIFF_PNG, SNIFF_JPEG, SNIFF_OTHER } sniff_kind;

static sniff_kind sniff(FILE *fp)
{
    unsigned char head[8];
    size_t n = fread(head, 1, sizeof head, fp);
    rewind(fp);
    if (n == 8 && memcmp(head, png_magic, 8) == 0)
        return SNIFF_PNG;
    if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        return SNIFF_JPEG;
    return SNIFF_OTHER;
}

static or_status not_an_image(img_error *err)
{
    return img_fail(err, OR_EINPUT, "not a PNG or JPEG file (expected a PNG or JPEG image, "
                    "recognised by its first bytes)");
}

or_status img_probe(const char *path, img_info *info, img_error *err)
{
    memset(info, 0, sizeof *info);
    err->status = OR_OK;
    err->msg[0] = '\0';
    FILE *fp = img_open(path, err);
    if (!fp)
        return err->status;
    or_status st;
    switch (sniff(fp)) {
    case SNIFF_PNG: st = png_header(fp, info, err); break;
    case SNIFF_JPEG: st = jpg_decode(fp, 0, 0, true, info, NULL, err); break;
    default: st = not_an_image(err); break;
    }
    fclose(fp);
    return st;
}

or_status img_decode(const char *path, unsigned max_w, unsigned max_h, img_pixels *out, img_error *err)
{
    memset(out, 0, sizeof *out);
    err->status = OR_OK;
    err->msg[0] = '\0';
    FILE *fp = img_open(path, err);
    if (!fp)
        return err->status;
    img_info info;
    or_status st;
    switch (sniff(fp)) {
    case SNIFF_PNG: st = png_decode(fp, max_w, max_h, out, err); break;
    case SNIFF_JPEG: st = jpg_decode(fp, max_w, max_h, false, &info, out, err); break;
    default: st = not_an_image(err); break;
    }
    fclose(fp);
    if (st)
        img_pixels_free(out);
    return st;
}

void img_fit(unsigned width, unsigned height, double w_pt, double h_pt, unsigned *fit_w, unsigned *fit_h)
{
    double fw = w_pt > 0 ? ceil(w_pt * IMG_DPI / 72.0 - 1e-6) : width;
    double fh = h_pt > 0 ? ceil(h_pt * IMG_DPI / 72.0 - 1e-6) : height;
    *fit_w = !(fw < width) ? width : fw < 1 ? 1 : (unsigned)fw;
    *fit_h = !(fh < height) ? height : fh < 1 ? 1 : (unsigned)fh;
}

void img_pixels_free(img_pixels *p)
{
    if (!p)
        return;
    or_free(p->data);
    or_free(p->alpha);
    memset(p, 0, sizeof *p);
}
