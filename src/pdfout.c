#include "pdfout.h"

#include "alloc.h"
#include "atomicout.h"
#include "buf.h"
#include "image.h"
#include "utf8.h"

#include <hpdf.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PDF_MAX_LEVELS 16
#define PDF_MISSING_RED 0.85f

typedef struct pdf_image_slot {
    char *path;           /* a copy: pages, with their strings, may be released */
    unsigned px_w, px_h;
    HPDF_Image image;
} pdf_image_slot;

typedef struct pdf_writer {
    HPDF_Doc pdf;
    HPDF_STATUS code, detail;   /* first error libharu reported */
    fontset *fs;
    diag *d;
    const char *path;
    HPDF_Font *fonts;           /* per face, loaded on first use */
    pdf_image_slot *images;
    size_t nimages, images_cap;
    buf text;                   /* one run, re-encoded for the subset */
    /* What the current page's content stream has already set, so that a
     * state is written only when it changes (a 1,000-page report has
     * hundreds of thousands of runs and cell borders). */
    struct pdf_gstate {
        bool fill_set, stroke_set, width_set, dash_set, in_text;
        dl_color fill, stroke;
        float width, dash, size, char_spacing;
        float tx, ty;            /* origin of the current text line (Td) */
        int render;              /* Tr */
        HPDF_Font font;
    } gs;
    /* Content operators are formatted here and appended to the page's
     * stream in blocks: libharu's per-operator API measures every glyph
     * and formats every number byte by byte, which was most of the time
     * of a 1,000-page document. */
    HPDF_Stream content;
    char out[16384];
    size_t outlen;
    bool out_failed;
} pdf_writer;

/* libharu calls this on every failure; the calling function then returns
 * an error status or NULL.  Keep the first error: later ones are usually
 * consequences. */
static void on_hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
    pdf_writer *w = user;
    if (!w->code) {
        w->code = code;
        w->detail = detail;
    }
}

/* Call after each group of libharu calls: reports a recorded error. */
static or_status check(pdf_writer *w, or_status kind, const char *what, size_t page)
{
    if (!w->code)
        return OR_OK;
    diag_error(w->d, w->path, 0, "libharu error 0x%04lX (detail %lu) while %s on page %zu",
               (unsigned long)w->code, (unsigned long)w->detail, what, page + 1);
    return kind;
}

static bool same_color(dl_color a, dl_color b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

static void out_flush(pdf_writer *w)
{
    if (w->outlen && !w->out_failed
        && HPDF_Stream_Write(w->content, (const HPDF_BYTE *)w->out, (HPDF_UINT)w->outlen) != HPDF_OK)
        w->out_failed = true;
    w->outlen = 0;
}

static void out_bytes(pdf_writer *w, const char *p, size_t n)
{
    if (w->outlen + n > sizeof w->out)
        out_flush(w);
    if (n > sizeof w->out) {
        if (!w->out_failed && HPDF_Stream_Write(w->content, (const HPDF_BYTE *)p, (HPDF_UINT)n) != HPDF_OK)
            w->out_failed = true;
        return;
    }
    memcpy(w->out + w->outlen, p, n);
    w->outlen += n;
}

static void out_str(pdf_writer *w, const char *s) { out_bytes(w, s, strlen(s)); }

/* A number in PDF syntax with at most three decimals, no exponent, no
 * trailing zeros: the same value always gives the same bytes. */
static void out_num(pdf_writer *w, float v)
{
    char tmp[32], *e = tmp + sizeof tmp, *p = e;
    long long m = llroundf(v * 1000.0f);
    bool neg = m < 0;
    unsigned long long u = neg ? (unsigned long long)(-m) : (unsigned long long)m;
    unsigned frac = (unsigned)(u % 1000);
    u /= 1000;
    *--p = ' ';
    if (frac) {
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg && (p[0] != '0' || p[1] != ' '))
        *--p = '-';
    out_bytes(w, p, (size_t)(e - p));
}

static void out_color(pdf_writer *w, dl_color c, const char *op)
{
    out_num(w, c.r);
    out_num(w, c.g);
    out_num(w, c.b);
    out_str(w, op);
}

static void gs_fill(pdf_writer *w, dl_color c)
{
    if (w->gs.fill_set && same_color(w->gs.fill, c))
        return;
    out_color(w, c, "rg\n");
    w->gs.fill = c;
    w->gs.fill_set = true;
}

static void gs_stroke(pdf_writer *w, float width, dl_color c, float dash)
{
    if (!w->gs.width_set || w->gs.width != width) {
        out_num(w, width);
        out_str(w, "w\n");
        w->gs.width = width;
        w->gs.width_set = true;
    }
    if (!w->gs.stroke_set || !same_color(w->gs.stroke, c)) {
        out_color(w, c, "RG\n");
        w->gs.stroke = c;
        w->gs.stroke_set = true;
    }
    if (!w->gs.dash_set || w->gs.dash != dash) {
        if (dash > 0) {
            out_str(w, "[");
            out_num(w, dash);
            out_num(w, dash);
            out_str(w, "] 0 d\n");
        } else {
            out_str(w, "[] 0 d\n");
        }
        w->gs.dash = dash;
        w->gs.dash_set = true;
    }
}

/* Paths may not be built inside a text object: close it first. */
static void gs_end_text(pdf_writer *w)
{
    if (w->gs.in_text) {
        out_str(w, "ET\n");
        w->gs.in_text = false;
    }
}

static void gs_reset(pdf_writer *w)
{
    memset(&w->gs, 0, sizeof w->gs);
}

static or_status mark_text(const dl_doc *doc, fontset *fs, diag *d, const char *path)
{
    size_t nfaces = fontset_face_count(fs);
    for (size_t p = 0; p < doc->npages; p++) {
        const dl_page *pg = &doc->pages[p];
        for (size_t i = 0; i < pg->nops; i++) {
            if (pg->ops[i].kind != DL_TEXT)
                continue;
            const dl_text *t = &pg->ops[i].u.text;
            if (t->face < 0 || (size_t)t->face >= nfaces || !t->utf8 || !(t->size > 0)) {
                diag_error(d, path, 0, "page %zu op %zu: text with face %d and size %g; "
                           "expected a face in 0..%zu and a positive size",
                           p + 1, i, t->face, (double)t->size, nfaces ? nfaces - 1 : 0);
                return OR_EINPUT;
            }
            size_t len = strlen(t->utf8), pos = 0;
            while (pos < len)
                if (fontset_mark_used(fs, t->face, utf8_next(t->utf8, len, &pos, NULL)) != 0)
                    return diag_nomem(d);
        }
    }
    return OR_OK;
}

/* libharu 2.3.0 gives UTF-8 fonts an identity "ToUnicode" CMap written
 * with cidrange operators, which readers reject ("Invalid 'begincidrange'
 * operator in ToUnicode CMap") and which cannot say that a private-use code
 * stands for a supplementary character.  Replace its content (same object,
 * so nothing is orphaned) with bfchar entries for exactly the characters
 * the subset holds: code -> UTF-16BE of the real character. */
static bool fix_to_unicode(pdf_writer *w, HPDF_Font font, int face)
{
    HPDF_Dict cmap = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
    if (!cmap || !cmap->stream)
        return false;
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                 "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                 "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    uint32_t cp = fontset_next_used(w->fs, face, 0);
    while (cp != UINT32_MAX) {
        uint32_t chunk[100];
        size_t n = 0;
        for (; cp != UINT32_MAX && n < 100; cp = fontset_next_used(w->fs, face, cp + 1))
            chunk[n++] = cp;
        buf_printf(&b, "%zu beginbfchar\n", n);
        for (size_t i = 0; i < n; i++) {
            uint32_t c = chunk[i];
            buf_printf(&b, "<%04X> <", (unsigned)fontset_pdf_codepoint(w->fs, face, c));
            if (c > 0xFFFF)
                buf_printf(&b, "%04X%04X>\n", (unsigned)(0xD800 + ((c - 0x10000) >> 10)),
                           (unsigned)(0xDC00 + ((c - 0x10000) & 0x3FF)));
            else
                buf_printf(&b, "%04X>\n", (unsigned)c);
        }
        buf_puts(&b, "endbfchar\n");
    }
    buf_puts(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    const char *text = buf_cstr(&b);
    bool ok = text != NULL;
    if (ok) {
        HPDF_MemStream_FreeData(cmap->stream);
        ok = HPDF_Stream_WriteStr(cmap->stream, text) == HPDF_OK;
    }
    buf_free(&b);
    return ok;
}

static HPDF_Font face_font(pdf_writer *w, int face)
{
    if (w->fonts[face])
        return w->fonts[face];
    const char *sub = fontset_subset_path(w->fs, face);
    if (!sub)
        return NULL;
    const char *name = HPDF_LoadTTFontFromFile(w->pdf, sub, HPDF_TRUE);
    HPDF_Font font = name ? HPDF_GetFont(w->pdf, name, "UTF-8") : NULL;
    /* libharu embeds the data of a glyph only once it has measured it, and
     * the content below is written without its help: measure every
     * character this face will draw, once. */
    if (font) {
        buf_reset(&w->text);
        for (uint32_t cp = fontset_next_used(w->fs, face, 0); cp != 0 && cp <= 0x10FFFF;
             cp = fontset_next_used(w->fs, face, cp + 1)) {
            char enc[4];
            buf_append(&w->text, enc, utf8_encode(fontset_pdf_codepoint(w->fs, face, cp), enc));
        }
        const char *all = buf_cstr(&w->text);
        if (!all)
            return NULL;
        if (*all)
            HPDF_Font_TextWidth(font, (const HPDF_BYTE *)all, (HPDF_UINT)strlen(all));
    }
    if (font && !fix_to_unicode(w, font, face)) {
        diag_error(w->d, w->path, 0, "cannot write the ToUnicode map of %s",
                   fontset_face_label(w->fs, face));
        return NULL;
    }
    w->fonts[face] = font;
    return font;
}

static or_status draw_text(pdf_writer *w, HPDF_Page page, const dl_text *t, size_t pno)
{
    HPDF_Font font = face_font(w, t->face);
    if (!font) {
        if (w->code)
            return check(w, OR_ESYS, "loading a subset font", pno);
        diag_error(w->d, w->path, 0, "page %zu: no usable subset font for face %s",
                   pno + 1, fontset_face_label(w->fs, t->face));
        return OR_ESYS;
    }
    const char *fname = HPDF_Page_GetLocalFontName(page, font);
    if (!fname)
        return check(w, OR_ESYS, "registering a font", pno);
    int mode = t->fake_bold ? 2 : 0;   /* Tr: fill, or fill then stroke */
    gs_fill(w, t->color);
    if (t->fake_bold)
        gs_stroke(w, t->size * 0.03f, t->color, 0);
    if (!w->gs.in_text) {
        out_str(w, "BT\n");
        w->gs.in_text = true;
        w->gs.tx = w->gs.ty = 0;   /* BT resets the text matrix; Tf, Tc and Tr persist */
    }
    if (w->gs.font != font || w->gs.size != t->size) {
        out_str(w, "/");
        out_str(w, fname);
        out_str(w, " ");
        out_num(w, t->size);
        out_str(w, "Tf\n");
        w->gs.font = font;
        w->gs.size = t->size;
    }
    if (w->gs.char_spacing != t->char_spacing) {
        out_num(w, t->char_spacing);
        out_str(w, "Tc\n");
        w->gs.char_spacing = t->char_spacing;
    }
    if (w->gs.render != mode) {
        out_str(w, mode ? "2 Tr\n" : "0 Tr\n");
        w->gs.render = mode;
    }
    out_num(w, t->x - w->gs.tx);
    out_num(w, t->y - w->gs.ty);
    out_str(w, "Td\n<");
    w->gs.tx = t->x;
    w->gs.ty = t->y;
    /* The font's CIDs are BMP code points (libharu's UTF-8 encoder stops at
     * U+FFFF): characters beyond it go through the subset's private-use
     * codes. */
    static const char hex[] = "0123456789abcdef";
    size_t len = strlen(t->utf8), pos = 0;
    while (pos < len) {
        uint32_t cp = fontset_pdf_codepoint(w->fs, t->face, utf8_next(t->utf8, len, &pos, NULL));
        char h[4] = {hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15]};
        out_bytes(w, h, 4);
    }
    out_str(w, "> Tj\n");
    return w->out_failed ? check(w, OR_ESYS, "drawing text", pno) : OR_OK;
}

static or_status out_status(pdf_writer *w, const char *what, size_t pno)
{
    if (w->out_failed) {
        diag_error(w->d, w->path, 0, "cannot write page content while %s on page %zu", what, pno + 1);
        return OR_ESYS;
    }
    return OR_OK;
}

static or_status draw_line(pdf_writer *w, HPDF_Page page, const dl_line *l, size_t pno)
{
    (void)page;
    gs_end_text(w);
    gs_stroke(w, l->width, l->color, l->dash);
    out_num(w, l->x1);
    out_num(w, l->y1);
    out_str(w, "m ");
    out_num(w, l->x2);
    out_num(w, l->y2);
    out_str(w, "l S\n");
    return out_status(w, "drawing a line", pno);
}

static const char *paint_op(bool fill, bool stroke, bool close)
{
    if (fill && stroke)
        return close ? "b\n" : "B\n";
    if (fill)
        return "f\n";
    if (stroke)
        return close ? "s\n" : "S\n";
    return "n\n";
}

static or_status draw_rect(pdf_writer *w, HPDF_Page page, const dl_rect *r, size_t pno)
{
    (void)page;
    bool stroke = r->line_width > 0;
    if (!stroke && !r->fill)
        return OR_OK;
    gs_end_text(w);
    if (stroke)
        gs_stroke(w, r->line_width, r->stroke, 0);
    if (r->fill)
        gs_fill(w, r->fill_color);
    out_num(w, r->x);
    out_num(w, r->y);
    out_num(w, r->w);
    out_num(w, r->h);
    out_str(w, "re ");
    out_str(w, paint_op(r->fill, stroke, false));
    return out_status(w, "drawing a rectangle", pno);
}

static or_status draw_path(pdf_writer *w, HPDF_Page page, const dl_path *p, size_t pno)
{
    (void)page;
    bool stroke = p->width > 0;
    if (p->npoints < 2 || (!stroke && !p->fill))
        return OR_OK;
    gs_end_text(w);
    if (stroke)
        gs_stroke(w, p->width, p->stroke, 0);
    if (p->fill)
        gs_fill(w, p->fill_color);
    for (size_t i = 0; i < p->npoints; i++) {
        out_num(w, p->xy[2 * i]);
        out_num(w, p->xy[2 * i + 1]);
        out_str(w, i == 0 ? "m " : "l ");
    }
    out_str(w, paint_op(p->fill, stroke, p->closed));
    return out_status(w, "drawing a path", pno);
}

/* Hands libharu only what src/image.c decoded and checked (its own PNG
 * loader lets libpng abort the process on a damaged file): a PNG as raw
 * pixels (Flate) with alpha as a soft mask, a JPEG as a JPEG stream
 * (DCT), the file's own bytes when it was not scaled.  One XObject per
 * file and pixel size. */
static HPDF_Image load_image(pdf_writer *w, const dl_image *im, or_status *st)
{
    img_pixels px;
    img_error err;
    *st = img_decode(im->path, im->px_w, im->px_h, &px, &err);
    if (*st != OR_OK) {
        diag_error(w->d, NULL, 0, "image %s: %s", im->path, err.msg);
        return NULL;
    }
    HPDF_Image img = NULL;
    if (px.kind == IMG_JPEG) {
        /* a photograph stays a JPEG: its own checked bytes, or re-encoded
         * when it was scaled */
        unsigned char *jpg;
        size_t len;
        *st = img_jpeg_stream(im->path, &px, &jpg, &len, &err);
        if (*st != OR_OK) {
            diag_error(w->d, NULL, 0, "image %s: %s", im->path, err.msg);
            img_pixels_free(&px);
            return NULL;
        }
        img = HPDF_LoadJpegImageFromMem(w->pdf, jpg, (HPDF_UINT)len);
        or_free(jpg);
    } else {
        img = HPDF_LoadRawImageFromMem(w->pdf, px.data, px.width, px.height,
                                       px.channels == 1 ? HPDF_CS_DEVICE_GRAY : HPDF_CS_DEVICE_RGB, 8);
    }
    if (img && px.alpha) {
        HPDF_Image mask = HPDF_LoadRawImageFromMem(w->pdf, px.alpha, px.width, px.height, HPDF_CS_DEVICE_GRAY, 8);
        if (mask)
            HPDF_Image_AddSMask(img, mask);
    }
    img_pixels_free(&px);
    if (!img || w->code) {
        diag_error(w->d, NULL, 0, "image %s: libharu error 0x%04lX while embedding %u × %u pixels",
                   im->path, (unsigned long)w->code, im->px_w, im->px_h);
        *st = OR_ESYS;
        return NULL;
    }
    return img;
}

static or_status draw_image(pdf_writer *w, HPDF_Page page, const dl_image *im, size_t pno)
{
    HPDF_Image img = NULL;
    for (size_t i = 0; i < w->nimages && !img; i++)
        if (strcmp(w->images[i].path, im->path) == 0 && w->images[i].px_w == im->px_w
            && w->images[i].px_h == im->px_h)
            img = w->images[i].image;
    if (!img) {
        or_status st;
        img = load_image(w, im, &st);
        if (!img)
            return st;
        if (or_grow(&w->images, &w->images_cap, w->nimages + 1, sizeof *w->images) != 0)
            return diag_nomem(w->d);
        char *copy = or_strdup(im->path);
        if (!copy)
            return diag_nomem(w->d);
        w->images[w->nimages++] = (pdf_image_slot){copy, im->px_w, im->px_h, img};
    }
    gs_end_text(w);
    out_flush(w);
    HPDF_Page_DrawImage(page, img, im->x, im->y, im->w, im->h);
    return check(w, OR_ESYS, "drawing an image", pno);
}

/* A character no font covers still shows: a red em box with both
 * diagonals, standing on the baseline like an ideograph would. */
static or_status draw_missing(pdf_writer *w, HPDF_Page page, const dl_missing *m, size_t pno)
{
    (void)page;
    float s = m->size, lw = s * 0.05f;
    float x0 = m->x + lw, y0 = m->y - 0.12f * s + lw;
    float x1 = m->x + s - lw, y1 = m->y + 0.88f * s - lw;
    dl_color red = {PDF_MISSING_RED, 0, 0};
    gs_end_text(w);
    gs_stroke(w, lw, red, 0);
    out_num(w, x0);
    out_num(w, y0);
    out_num(w, x1 - x0);
    out_num(w, y1 - y0);
    out_str(w, "re ");
    out_num(w, x0);
    out_num(w, y0);
    out_str(w, "m ");
    out_num(w, x1);
    out_num(w, y1);
    out_str(w, "l ");
    out_num(w, x0);
    out_num(w, y1);
    out_str(w, "m ");
    out_num(w, x1);
    out_num(w, y0);
    out_str(w, "l S\n");
    return out_status(w, "drawing a missing-character box", pno);
}

static or_status draw_page(pdf_writer *w, HPDF_Page page, const dl_page *pg, size_t pno)
{
    HPDF_Page_SetWidth(page, pg->width);
    HPDF_Page_SetHeight(page, pg->height);
    gs_reset(w);
    w->content = ((HPDF_PageAttr)page->attr)->stream;
    w->outlen = 0;
    or_status st = check(w, OR_EINPUT, "setting the page size", pno);
    for (size_t i = 0; i < pg->nops && st == OR_OK; i++) {
        const dl_op *op = &pg->ops[i];
        switch (op->kind) {
        case DL_TEXT: st = draw_text(w, page, &op->u.text, pno); break;
        case DL_LINE: st = draw_line(w, page, &op->u.line, pno); break;
        case DL_RECT: st = draw_rect(w, page, &op->u.rect, pno); break;
        case DL_PATH: st = draw_path(w, page, &op->u.path, pno); break;
        case DL_IMAGE: st = draw_image(w, page, &op->u.image, pno); break;
        case DL_MISSING: st = draw_missing(w, page, &op->u.missing, pno); break;
        }
    }
    gs_end_text(w);
    out_flush(w);
    if (st == OR_OK)
        st = out_status(w, "ending the page", pno);
    return st == OR_OK ? check(w, OR_ESYS, "ending a page", pno) : st;
}

static or_status write_outline(pdf_writer *w, const dl_doc *doc, HPDF_Page *pages)
{
    HPDF_Outline stack[PDF_MAX_LEVELS];
    int depth = 0;
    HPDF_Encoder utf8 = HPDF_GetEncoder(w->pdf, "UTF-8");
    for (size_t i = 0; i < doc->nmarks; i++) {
        const dl_bookmark *m = &doc->marks[i];
        if (m->page >= doc->npages || !m->title) {
            diag_error(w->d, w->path, 0, "bookmark %zu points to page %zu; the document has %zu pages",
                       i + 1, m->page + 1, doc->npages);
            return OR_EINPUT;
        }
        /* a level may only go one deeper than its predecessor */
        int level = m->level < 1 ? 1 : m->level;
        if (level > depth + 1)
            level = depth + 1;
        if (level > PDF_MAX_LEVELS)
            level = PDF_MAX_LEVELS;
        HPDF_Outline parent = level > 1 ? stack[level - 2] : NULL;
        HPDF_Outline o = HPDF_CreateOutline(w->pdf, parent, m->title, utf8);
        HPDF_Destination dst = HPDF_Page_CreateDestination(pages[m->page]);
        if (o && dst) {
            HPDF_Destination_SetXYZ(dst, 0, m->y, 1);
            HPDF_Outline_SetDestination(o, dst);
            HPDF_Outline_SetOpened(o, level == 1 ? HPDF_TRUE : HPDF_FALSE);
        }
        or_status st = check(w, OR_ESYS, "writing a bookmark", m->page);
        if (st != OR_OK)
            return st;
        stack[level - 1] = o;
        depth = level;
    }
    return OR_OK;
}

static or_status write_info(pdf_writer *w, const dl_info *info)
{
    const struct { HPDF_InfoType type; const char *value; } attrs[] = {
        {HPDF_INFO_TITLE, info->title},     {HPDF_INFO_AUTHOR, info->author},
        {HPDF_INFO_SUBJECT, info->subject}, {HPDF_INFO_KEYWORDS, info->keywords},
        {HPDF_INFO_CREATOR, info->creator},
    };
    /* With the UTF-8 encoder current, libharu writes info strings as
     * UTF-16BE with a byte order mark (checked in test_pdfout). */
    HPDF_SetCurrentEncoder(w->pdf, "UTF-8");
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++)
        if (attrs[i].value && *attrs[i].value)
            HPDF_SetInfoAttr(w->pdf, attrs[i].type, attrs[i].value);
    if (info->created > 0) {
        time_t t = (time_t)info->created;
        struct tm tm;
        if (!gmtime_r(&t, &tm)) {
            diag_error(w->d, w->path, 0, "creation time %lld is out of range", info->created);
            return OR_EINPUT;
        }
        HPDF_Date date = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                          tm.tm_min, tm.tm_sec, 'Z', 0, 0};
        HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_CREATION_DATE, date);
        HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_MOD_DATE, date);
    }
    return check(w, OR_ESYS, "writing document info", 0);
}

/* Saves the document into libharu's memory stream and copies it to out.
 * libharu's own file writer would lose errors: it closes its FILE without
 * checking, so a full disk could pass as a complete PDF, and it reports a
 * failed fwrite as "0x1016 (detail 1)" without errno. */
static or_status save(pdf_writer *w, atomic_out *out)
{
    HPDF_SaveToStream(w->pdf);
    if (w->code) {
        diag_error(w->d, w->path, 0, "libharu error 0x%04lX (detail %lu) while saving",
                   (unsigned long)w->code, (unsigned long)w->detail);
        return OR_ESYS;
    }
    static HPDF_BYTE chunk[65536];
    HPDF_UINT32 left = HPDF_GetStreamSize(w->pdf);
    or_status st = OR_OK;
    while (left && st == OR_OK) {
        HPDF_UINT32 n = left < sizeof chunk ? left : (HPDF_UINT32)sizeof chunk;
        HPDF_ReadFromStream(w->pdf, chunk, &n);
        if (w->code || n == 0) {
            diag_error(w->d, w->path, 0, "libharu error 0x%04lX (detail %lu) while reading back the PDF",
                       (unsigned long)w->code, (unsigned long)w->detail);
            return OR_ESYS;
        }
        st = atomic_write(out, chunk, n, w->d);
        left -= n;
    }
    return st;
}

static or_status build(pdf_writer *w, const dl_doc *doc, dl_doc *release, atomic_out *out)
{
    HPDF_SetCompressionMode(w->pdf, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(w->pdf);
    or_status st = check(w, OR_ESYS, "setting up the document", 0);
    if (st != OR_OK)
        return st;
    HPDF_Page *pages = or_calloc(doc->npages, sizeof *pages);
    if (!pages)
        return diag_nomem(w->d);
    for (size_t p = 0; p < doc->npages && st == OR_OK; p++) {
        pages[p] = HPDF_AddPage(w->pdf);
        st = pages[p] ? draw_page(w, pages[p], &doc->pages[p], p)
                      : check(w, OR_ESYS, "adding a page", p);
        if (release)
            dl_page_release(release, p);
    }
    if (st == OR_OK)
        st = write_outline(w, doc, pages);
    or_free(pages);
    if (st == OR_OK)
        st = write_info(w, &doc->info);
    if (st == OR_OK)
        st = save(w, out);
    return st;
}

static or_status write_pdf(const dl_doc *doc, dl_doc *release, fontset *fs, const char *path, diag *d)
{
    if (doc->npages == 0) {
        diag_error(d, path, 0, "document has no pages; expected at least one");
        return OR_EINPUT;
    }
    fontset_clear_used(fs);
    or_status st = mark_text(doc, fs, d, path);
    if (st == OR_OK)
        st = fontset_build_subsets(fs, d);
    if (st != OR_OK)
        return st;

    atomic_out out;
    st = atomic_open(&out, path, d);
    if (st != OR_OK)
        return st;

    pdf_writer w = {.fs = fs, .d = d, .path = path};
    buf_init(&w.text, 0);
    w.fonts = or_calloc(fontset_face_count(fs), sizeof *w.fonts);
    if (!w.fonts)
        st = diag_nomem(d);
    if (st == OR_OK) {
        w.pdf = HPDF_New(on_hpdf_error, &w);
        st = w.pdf ? build(&w, doc, release, &out) : diag_nomem(d);
    }
    HPDF_Free(w.pdf);
    or_free(w.fonts);
    for (size_t i = 0; i < w.nimages; i++)
        or_free(w.images[i].path);
    or_free(w.images);
    buf_free(&w.text);
    if (st == OR_OK)
        return atomic_commit(&out, d);
    atomic_abort(&out);
    return st;
}

or_status pdf_write(const dl_doc *doc, fontset *fs, const char *path, diag *d)
{
    return write_pdf(doc, NULL, fs, path, d);
}

or_status pdf_write_release(dl_doc *doc, fontset *fs, const char *path, diag *d)
{
    return write_pdf(doc, doc, fs, path, d);
}
