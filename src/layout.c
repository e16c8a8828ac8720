#include "layout.h"

#include "alloc.h"
#include "buf.h"
#include "chart.h"
#include "datetime.h"
#include "doc.h"
#include "image.h"
#include "textbreak.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MM(x) ((float)(x) * 72.0f / 25.4f)
#define LAY_MAX_PASSES 3
#define LAY_MAX_PAGES 200000

/* --- styles and text ----------------------------------------------------- */

enum { LS_MISSING = 1, LS_BLANK = 2, LS_UNDERLINE = 4 };

typedef struct lay_style {
    int face;
    float size;
    bool bold;
    dl_color color;
    unsigned flags;
} lay_style;

/* What inline content asks for before fonts are resolved. */
typedef struct lay_font {
    int family;
    float size;
    bool bold;
    dl_color color;
    unsigned flags;
} lay_font;

/* Where a paragraph of its own begins inside a text: a list item in a
 * table cell, whose lines after the first hang under its text. */
typedef struct lay_hang {
    size_t first;        /* its first character */
    float indent;        /* of its lines after the first */
} lay_hang;

/* A paragraph's characters and their broken lines. */
typedef struct lay_text {
    tb_char *chars;
    size_t nchars, cap;
    lay_hang *hangs;     /* paragraphs after the first, in order */
    size_t nhangs, hangs_cap;
    tb_result tb;
    float line_h;        /* minimum line pitch */
    bool last_was_space; /* pending collapsed white space */
    bool keep_spaces;    /* labels: spaces are text, not layout */
} lay_text;

typedef struct lay_toc_entry {
    int level;
    char *title;         /* with its number */
    size_t page;         /* physical page */
} lay_toc_entry;

typedef struct lay_section {
    size_t page;
    char *title;
} lay_section;

/* The vertical spaces between blocks on a page, which may shrink so that
 * a heading or lead-in line keeps with what follows (LAY_SHRINK_MIN). */
#define LAY_MAX_GAPS 128
#define LAY_SHRINK_MIN 0.5f   /* a space shrinks to no less than half its size */
typedef struct lay_gap_at {
    size_t nops, nmarks; /* the page's ops and the bookmarks before the space */
    float h, h0;         /* its size now, and as set */
} lay_gap_at;
typedef struct lay_gaps {
    long page;
    size_t n;
    lay_gap_at g[LAY_MAX_GAPS];
} lay_gaps;

/* Where a line of the flow began (a text line, a table row). */
typedef struct lay_at {
    long page;
    float top;
} lay_at;

/* Everything a <keep> may have to undo. */
typedef struct lay_mark {
    size_t npages, nops, nmarks, ntoc, nsections;
    size_t ngaps;        /* of the mark's page */
    lay_at flow[2];
    unsigned long nflow;
    long page;
    float y;
    bool fresh;
    int hnum[4];
    int nfig;
    int tnum;
} lay_mark;

/* The block laid out last in a sequence, for pulling its last lines onto
 * the page of a sign-off block that follows it. */
typedef struct lay_prev {
    xmlNodePtr node;     /* or NULL */
    xmlNodePtr owned;    /* a copy the layout owns (streamed blocks are freed) */
    lay_mark mark;       /* the state before it */
    bool after_heads;    /* laid out under headings or a lead-in */
    bool in_flow;        /* ... and set in the flow (lay_keep_chain): not laid out again */
} lay_prev;

typedef struct lay {
    fontset *fs;
    diag *d;
    const char *path;
    const layout_options *opt;
    dl_doc *dl;
    xmlNodePtr root;

    /* geometry, pt */
    float page_w, page_h, m_top, m_bottom, m_left, m_right, body_w;
    bool gbt;
    int fam_body, fam_song, fam_hei, fam_kai;
    float body_size, line_h, tracking;
    float header_size, footer_size;

    /* cursor */
    long page;           /* current physical page, -1 before the first */
    float y;             /* distance from the page top */
    bool fresh;          /* nothing placed on the current page yet */
    size_t cover_pages;

    int hnum[4];
    int nfig;            /* figures numbered so far in this document or part */
    lay_style *styles;
    size_t nstyles, styles_cap;

    lay_toc_entry *toc;
    size_t ntoc, toc_cap;
    lay_toc_entry *prev; /* the contents as the previous pass found them */
    size_t nprev;
    xmlDocPtr own;       /* copies: <document> with its header, footer and
                            page-setup children; headings held back */
    xmlNodePtr held[8];  /* headings waiting for the block they keep with */
    size_t nheld;
    bool has_toc;
    int level_offset;    /* 1 inside a <part>: its headings sit one level deeper */
    int tnum;            /* numbered tables so far in this document (or part) */
    long watch_page;     /* keep-with-next: the page whose end is watched */
    float watch_end;     /* where the flow left watch_page */
    lay_section *sections;
    size_t nsections, sections_cap;

    /* page keeping (docs/document-xml.md, "Keeping blocks together") */
    long limit_page;     /* a page whose bottom is raised to limit_y, or -1 */
    float limit_y;
    lay_gaps gaps[2];    /* the spaces of the current page and the one before */
    lay_at flow[2];      /* the last two lines placed in the flow, older first */
    unsigned long nflow; /* lines placed so far */
    bool no_move;        /* the next table or keep is set from here on, not moved */
    lay_prev top;        /* the last block of the streamed document */

    unsigned errors;
    bool warned_missing;
} lay;

static const dl_color LAY_RULE = {0.25f, 0.25f, 0.25f};

static or_status lay_nomem(lay *L)
{
    L->errors++;
    return diag_nomem(L->d);
}

/* Bookmark and contents titles: the heading's number and text, cut at
 * LAY_TITLE_MAX bytes on a character boundary with "…".  The heading
 * itself is printed whole; an outline entry pages long helps nobody, and
 * the cut used to be reported as "out of memory". */
enum { LAY_TITLE_MAX = 4095 };

static char *lay_title(const char *num, const char *plain, bool *cut)
{
    size_t nl = strlen(num), pl = strlen(plain);
    *cut = nl + pl > LAY_TITLE_MAX;
    if (*cut) {
        pl = LAY_TITLE_MAX - nl - 3;   /* room for "…" (3 bytes) */
        while (pl > 0 && ((unsigned char)plain[pl] & 0xC0) == 0x80)
            pl--;
    }
    char *t = or_malloc(nl + pl + 4);
    if (t) {
        memcpy(t, num, nl);
        memcpy(t + nl, plain, pl);
        memcpy(t + nl + pl, *cut ? "\xE2\x80\xA6" : "", *cut ? 4 : 1);
    }
    return t;
}

static int lay_style_id(lay *L, const lay_style *s)
{
    for (size_t i = 0; i < L->nstyles; i++) {
        const lay_style *t = &L->styles[i];
        if (t->face == s->face && t->size == s->size && t->bold == s->bold && t->flags == s->flags
            && t->color.r == s->color.r && t->color.g == s->color.g && t->color.b == s->color.b)
            return (int)i;
    }
    if (L->nstyles >= 65535
        || or_grow(&L->styles, &L->styles_cap, L->nstyles + 1, sizeof *L->styles) != 0)
        return -1;
    L->styles[L->nstyles] = *s;
    return (int)L->nstyles++;
}

static void lay_text_free(lay_text *t)
{
    or_free(t->chars);
    or_free(t->hangs);
    tb_result_free(&t->tb);
    memset(t, 0, sizeof *t);
}

static bool lay_is_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'; }

/* General and CJK punctuation, full-width forms: the marks textbreak may
 * compress. */
static bool lay_punct_cp(uint32_t cp)
{
    return (cp >= 0x2010 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFF65);
}

/* Appends one character with its font resolved and measured. */
static or_status lay_put(lay *L, lay_text *t, uint32_t cp, const lay_font *f, float advance_override,
                         long line)
{
    lay_style st = {.size = f->size, .bold = f->bold, .color = f->color, .flags = f->flags};
    float adv;
    if (f->flags & LS_BLANK) {
        st.face = -1;
        adv = advance_override;
    } else {
        st.face = fontset_resolve(L->fs, f->family, cp, L->d);
        if (st.face < 0) {
            char u[5] = {0};
            utf8_encode(cp, u);
            diag_warn(L->d, L->path, line, "no font covers U+%04X '%s' (character %zu of the text); "
                      "drawn as a box", (unsigned)cp, u, t->nchars + 1);
            st.flags |= LS_MISSING;
            adv = f->size;
        } else {
            adv = fontset_advance(L->fs, st.face, cp) * f->size;
        }
    }
    int id = lay_style_id(L, &st);
    if (id < 0 || or_grow(&t->chars, &t->cap, t->nchars + 1, sizeof *t->chars) != 0)
        return lay_nomem(L);
    tb_char *ch = &t->chars[t->nchars++];
    *ch = (tb_char){cp, adv, f->size, (uint16_t)id, 0, 0};
    /* Punctuation carries its ink box: compression may only take blank. */
    float from, to;
    if (st.face >= 0 && lay_punct_cp(cp) && fontset_ink(L->fs, st.face, cp, &from, &to)) {
        ch->ink_l = from * f->size > 0 ? from * f->size : 0;
        ch->ink_r = adv - to * f->size > 0 ? adv - to * f->size : 0;
    }
    return OR_OK;
}

/* Appends UTF-8 text, collapsing white space: a run becomes one space, and
 * none at all next to a CJK character (source line wraps must not show). */
static or_status lay_put_str(lay *L, lay_text *t, const char *s, const lay_font *f, long line)
{
    size_t len = strlen(s), pos = 0;
    while (pos < len) {
        uint32_t cp = utf8_next(s, len, &pos, NULL);
        if (t->keep_spaces && lay_is_space(cp)) {
            /* A no-break space is a glyph to the line breaker, which would
             * fold a plain space beside CJK punctuation ("— 1 —"). */
            or_status st = lay_put(L, t, 0x00A0, f, 0, line);
            if (st)
                return st;
            continue;
        }
        if (lay_is_space(cp)) {
            t->last_was_space = true;
            continue;
        }
        if (t->last_was_space && t->nchars > 0) {
            uint32_t prev = t->chars[t->nchars - 1].cp;
            if (prev != '\n' && !tb_is_cjk(prev) && !tb_is_cjk(cp)) {
                or_status st = lay_put(L, t, ' ', f, 0, line);
                if (st)
                    return st;
            }
        }
        t->last_was_space = false;
        or_status st = lay_put(L, t, cp, f, 0, line);
        if (st)
            return st;
    }
    return OR_OK;
}

static dl_color lay_parse_color(const char *s, dl_color def)
{
    if (!s || strlen(s) != 7)
        return def;
    unsigned long v = strtoul(s + 1, NULL, 16);
    return (dl_color){((v >> 16) & 255) / 255.0f, ((v >> 8) & 255) / 255.0f, (v & 255) / 255.0f};
}

static int lay_family(lay *L, xmlNodePtr n, const char *attr, int def)
{
    const char *s = doc_attr(n, attr);
    if (!s)
        return def;
    int fam = fontset_family(L->fs, s);
    if (fam < 0) {
        diag_error(L->d, L->path, doc_line(n), "font=\"%s\" is not a font family of the font map "
                   "(expected song, hei, kai, fangsong or an alias from fonts/fonts.conf)", s);
        L->errors++;
        return def;
    }
    return fam;
}

static or_status lay_collect(lay *L, lay_text *t, xmlNodePtr parent, const lay_font *f);
static void lay_list_marker(const char *type, int n, char *out, size_t size);
static float lay_measure(lay *L, const char *utf8, const lay_font *f);

static or_status lay_hang_at(lay *L, lay_text *t, float indent)
{
    if (or_grow(&t->hangs, &t->hangs_cap, t->nhangs + 1, sizeof *t->hangs) != 0)
        return lay_nomem(L);
    t->hangs[t->nhangs++] = (lay_hang){t->nchars, indent};
    return OR_OK;
}

/* A list inside a cell: each item a line of its own that begins with its
 * marker, its further lines hanging under its text. */
static or_status lay_collect_list(lay *L, lay_text *t, xmlNodePtr list, const lay_font *f)
{
    const char *type = doc_attr(list, "type");
    int n = 0;
    or_status st = OR_OK;
    for (xmlNodePtr item = list->children; item && st == OR_OK; item = item->next) {
        if (!doc_is(item, "item"))
            continue;
        char marker[32];
        lay_list_marker(type, ++n, marker, sizeof marker);
        size_t mlen = strlen(marker);
        bool full_width_end = mlen >= 3 && (unsigned char)marker[mlen - 3] >= 0xE0;
        float gap = !*marker ? 0 : full_width_end ? 0.15f * f->size : 0.5f * f->size;
        if (t->nchars > 0)
            st = lay_put(L, t, '\n', f, 0, doc_line(item));
        t->last_was_space = false;
        if (st == OR_OK)
            st = lay_hang_at(L, t, lay_measure(L, marker, f) + gap);
        if (st == OR_OK)
            st = lay_put_str(L, t, marker, f, doc_line(item));
        if (st == OR_OK && gap > 0) {
            lay_font g = *f;
            g.flags = LS_BLANK;
            st = lay_put(L, t, 0x3000, &g, gap, doc_line(item));
        }
        if (st == OR_OK)
            st = lay_collect(L, t, item, f);
    }
    /* What follows the list starts a line of its own, not hanging. */
    if (st == OR_OK && n > 0)
        st = lay_put(L, t, '\n', f, 0, doc_line(list));
    if (st == OR_OK && n > 0)
        st = lay_hang_at(L, t, 0);
    t->last_was_space = false;
    return st;
}

static or_status lay_collect_node(lay *L, lay_text *t, xmlNodePtr k, const lay_font *f)
{
    lay_font g = *f;
    if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE)
        return k->content ? lay_put_str(L, t, (const char *)k->content, f, doc_line(k->parent)) : OR_OK;
    if (k->type != XML_ELEMENT_NODE)
        return OR_OK;
    if (doc_is(k, "br")) {
        t->last_was_space = false;
        return lay_put(L, t, '\n', f, 0, doc_line(k));
    }
    if (doc_is(k, "box")) {
        t->last_was_space = false;
        return lay_put(L, t, doc_attr_bool(k, "checked", false) ? 0x2611 : 0x2610, f, 0, doc_line(k));
    }
    if (doc_is(k, "blank")) {
        float w = doc_attr_length(k, "width", f->size, L->body_w, 4 * f->size);
        int n = (int)ceilf(w / f->size);
        g.flags |= LS_BLANK | LS_UNDERLINE;
        t->last_was_space = false;
        for (int i = 0; i < n && i < 200; i++) {
            or_status st = lay_put(L, t, 0x3000, &g, w / (float)n, doc_line(k));
            if (st)
                return st;
        }
        return OR_OK;
    }
    if (doc_is(k, "list"))
        return lay_collect_list(L, t, k, f);
    if (doc_is(k, "b"))
        g.bold = true;
    else if (doc_is(k, "em"))
        g.family = L->fam_kai;
    else if (doc_is(k, "span")) {
        g.family = lay_family(L, k, "font", g.family);
        g.size = doc_attr_size(k, "size", g.size);
        g.bold = doc_attr_bool(k, "bold", g.bold);
        g.color = lay_parse_color(doc_attr(k, "color"), g.color);
    }
    return lay_collect(L, t, k, &g);
}

static or_status lay_collect(lay *L, lay_text *t, xmlNodePtr parent, const lay_font *f)
{
    for (xmlNodePtr k = parent->children; k; k = k->next) {
        /* Block children of a cell or item are laid out as separate lines. */
        if (k->type == XML_ELEMENT_NODE && doc_is(k, "p") && t->nchars > 0) {
            or_status st = lay_put(L, t, '\n', f, 0, doc_line(k));
            if (st)
                return st;
        }
        or_status st = lay_collect_node(L, t, k, f);
        if (st)
            return st;
    }
    return OR_OK;
}

static or_status lay_break(lay *L, lay_text *t, float width, float first_indent, float rest_indent,
                           tb_align align, float tracking)
{
    tb_params p;
    tb_params_default(&p, width);
    p.first_indent = first_indent;
    p.rest_indent = rest_indent;
    p.align = align;
    p.cjk_tracking = tracking;
    /* Trailing forced breaks and spaces carry no content. */
    while (t->nchars && (t->chars[t->nchars - 1].cp == '\n' || t->chars[t->nchars - 1].cp == ' '))
        t->nchars--;
    if (!t->nhangs) {
        if (tb_break(t->chars, t->nchars, &p, &t->tb) != 0)
            return lay_nomem(L);
        return OR_OK;
    }
    /* Paragraphs of their own (list items) are broken one by one and
     * their lines joined. */
    t->tb.nlines = t->tb.npieces = 0;
    tb_result part = {0};
    or_status st = OR_OK;
    for (size_t k = 0; k <= t->nhangs && st == OR_OK; k++) {
        size_t from = k == 0 ? 0 : t->hangs[k - 1].first, to = k < t->nhangs ? t->hangs[k].first : t->nchars;
        if (from > t->nchars)
            from = t->nchars;
        if (to > t->nchars)
            to = t->nchars;
        if (to <= from)
            continue;
        if (k > 0) {
            p.first_indent = 0;
            p.rest_indent = t->hangs[k - 1].indent;
        }
        if (tb_break(t->chars + from, to - from, &p, &part) != 0
            || or_grow(&t->tb.pieces, &t->tb.pieces_cap, t->tb.npieces + part.npieces, sizeof *t->tb.pieces) != 0
            || or_grow(&t->tb.lines, &t->tb.lines_cap, t->tb.nlines + part.nlines, sizeof *t->tb.lines) != 0) {
            st = lay_nomem(L);
            break;
        }
        for (size_t i = 0; i < part.nlines; i++) {
            tb_line ln = part.lines[i];
            ln.first_piece += t->tb.npieces;
            ln.first_char += from;
            ln.end_char += from;
            t->tb.lines[t->tb.nlines++] = ln;
        }
        for (size_t i = 0; i < part.npieces; i++) {
            tb_piece pc = part.pieces[i];
            pc.first += from;
            t->tb.pieces[t->tb.npieces++] = pc;
        }
    }
    tb_result_free(&part);
    return st;
}

static float lay_line_height(const lay_text *t, size_t i)
{
    float size = t->tb.lines[i].max_size;
    float natural = size * 1.3f;
    return natural > t->line_h ? natural : t->line_h;
}

static float lay_text_height(const lay_text *t)
{
    float h = 0;
    for (size_t i = 0; i < t->tb.nlines; i++)
        h += lay_line_height(t, i);
    return h;
}

/* --- drawing primitives --------------------------------------------------- */

static float lay_pdf_y(const lay *L, float y_from_top) { return L->page_h - y_from_top; }

static or_status lay_push(lay *L, size_t page, const dl_op *op)
{
    return dl_push(L->dl, page, op) == 0 ? OR_OK : lay_nomem(L);
}

/* Draws one broken line whose box starts at (x, top) and is line_h tall. */
static or_status lay_draw_line(lay *L, size_t page, const lay_text *t, size_t li, float x, float top,
                               float line_h)
{
    const tb_line *ln = &t->tb.lines[li];
    float baseline = top + (line_h - ln->max_size) / 2 + ln->max_size * 0.86f;
    buf b;
    buf_init(&b, 0);
    /* Underlines run unbroken across neighbouring underlined pieces (the
     * gaps between Han characters and digits belong to the underline). */
    float ul_from = 0, ul_to = 0, ul_y = 0;
    bool ul_open = false;
    for (size_t pi = ln->first_piece; pi <= ln->first_piece + ln->npieces; pi++) {
        const tb_piece *pc = pi < ln->first_piece + ln->npieces ? &t->tb.pieces[pi] : NULL;
        const lay_style *st = pc ? &L->styles[pc->style] : NULL;
        if (ul_open && (!st || !(st->flags & LS_UNDERLINE))) {
            ul_open = false;
            if (dl_line_add(L->dl, page, ul_from, ul_y, ul_to, ul_y, 0.6f, DL_BLACK) != 0) {
                buf_free(&b);
                return lay_nomem(L);
            }
        }
        if (!pc)
            break;
        float px = x + pc->x;
        float width = 0;
        for (size_t c = pc->first; c < pc->first + pc->count; c++)
            width += t->chars[c].advance + pc->spacing;
        if (st->flags & LS_UNDERLINE) {
            float end = px + width - ((st->flags & LS_BLANK) ? 0 : pc->spacing);
            if (!ul_open) {
                ul_open = true;
                ul_from = px;
                ul_y = lay_pdf_y(L, baseline + st->size * 0.15f);
            }
            ul_to = end;
        }
        if (st->flags & LS_BLANK)
            continue;
        if (st->flags & LS_MISSING) {
            float cx = px;
            for (size_t c = pc->first; c < pc->first + pc->count; c++) {
                dl_op op = {.kind = DL_MISSING};
                op.u.missing = (dl_missing){cx, lay_pdf_y(L, baseline), st->size, t->chars[c].cp};
                or_status s = lay_push(L, page, &op);
                if (s) {
                    buf_free(&b);
                    return s;
                }
                cx += t->chars[c].advance + pc->spacing;
            }
            continue;
        }
        buf_reset(&b);
        for (size_t c = pc->first; c < pc->first + pc->count; c++) {
            char u[4];
            size_t n = utf8_encode(t->chars[c].cp, u);
            buf_append(&b, u, n);
        }
        if (b.failed) {
            buf_free(&b);
            return lay_nomem(L);
        }
        dl_op op = {.kind = DL_TEXT};
        op.u.text = (dl_text){st->face, st->size, px, lay_pdf_y(L, baseline), pc->spacing, st->bold,
                              st->color, buf_cstr(&b)};
        or_status s = lay_push(L, page, &op);
        if (s) {
            buf_free(&b);
            return s;
        }
    }
    buf_free(&b);
    return OR_OK;
}

/* Single-line text outside the flow (headers, footers, TOC numbers, chart
 * labels).  align: 0 left at x, 1 centre on x, 2 right at x.  Returns the
 * width through *width when not NULL. */
static or_status lay_text_at(lay *L, size_t page, float x, float baseline_from_top, const char *utf8,
                             const lay_font *f, int align, float *width)
{
    lay_text t = {.keep_spaces = true};
    or_status st = lay_put_str(L, &t, utf8, f, 0);
    if (st == OR_OK)
        st = lay_break(L, &t, 1e6f, 0, 0, TB_LEFT, 0);
    if (st == OR_OK && t.tb.nlines > 0) {
        float w = t.tb.lines[0].width;
        float x0 = align == 1 ? x - w / 2 : align == 2 ? x - w : x;
        float size = t.tb.lines[0].max_size;
        float top = baseline_from_top - (size * 1.0f - size) / 2 - size * 0.86f;
        st = lay_draw_line(L, page, &t, 0, x0, top, size);
        if (width)
            *width = w;
    } else if (width) {
        *width = 0;
    }
    lay_text_free(&t);
    return st;
}

static float lay_measure(lay *L, const char *utf8, const lay_font *f)
{
    lay_text t = {0};
    float w = 0;
    if (lay_put_str(L, &t, utf8, f, 0) == OR_OK)
        for (size_t i = 0; i < t.nchars; i++)
            w += t.chars[i].advance;
    lay_text_free(&t);
    return w;
}

/* --- pages ---------------------------------------------------------------- */

static lay_gaps *lay_page_gaps(lay *L, long page)
{
    for (int i = 0; i < 2; i++)
        if (L->gaps[i].page == page)
            return &L->gaps[i];
    return NULL;
}

/* Starts noting the spaces of `page`, forgetting the older of the two sets. */
static void lay_gaps_begin(lay *L, long page)
{
    int old = L->gaps[0].page < L->gaps[1].page ? 0 : 1;
    L->gaps[old].page = page;
    L->gaps[old].n = 0;
}

static or_status lay_new_page(lay *L)
{
    if (L->dl->npages >= LAY_MAX_PAGES) {
        diag_error(L->d, L->path, 0, "the document runs past %d pages (expected a smaller document)",
                   LAY_MAX_PAGES);
        L->errors++;
        return OR_EINPUT;
    }
    if (L->page >= 0 && L->page == L->watch_page)
        L->watch_end = L->y;
    long p = dl_add_page(L->dl, L->page_w, L->page_h);
    if (p < 0)
        return lay_nomem(L);
    if (!lay_page_gaps(L, p))
        lay_gaps_begin(L, p);   /* keeps the spaces of the page before */
    L->page = p;
    L->y = L->m_top;
    L->fresh = true;
    return OR_OK;
}

static float lay_bottom(const lay *L)
{
    return L->page >= 0 && L->page == L->limit_page ? L->limit_y : L->page_h - L->m_bottom;
}

/* Adds `h` of space between blocks and notes it as shrinkable. */
static void lay_gap(lay *L, float h)
{
    if (h <= 0)
        return;
    lay_gaps *G = L->page >= 0 ? lay_page_gaps(L, L->page) : NULL;
    if (G && G->n < LAY_MAX_GAPS)
        G->g[G->n++] = (lay_gap_at){L->dl->pages[L->page].nops, L->dl->nmarks, h, h};
    L->y += h;
}

/* Notes the top of a line placed in the flow. */
static void lay_flow_line(lay *L, float top)
{
    L->flow[0] = L->flow[1];
    L->flow[1] = (lay_at){L->page, top};
    L->nflow++;
}

/* Makes room for `h` points, starting a new page when the current one
 * cannot hold them (a fresh page takes whatever comes). */
static or_status lay_need(lay *L, float h)
{
    if (L->page < 0 || (!L->fresh && L->y + h > lay_bottom(L) + 0.01f))
        return lay_new_page(L);
    return OR_OK;
}

/* Places a broken paragraph in the flow, line by line, at left offset x;
 * *first_page and *first_top (when not NULL) tell where its first line
 * went. */
static or_status lay_place_text_at(lay *L, const lay_text *t, float x, size_t *first_page, float *first_top)
{
    for (size_t i = 0; i < t->tb.nlines; i++) {
        float h = lay_line_height(t, i);
        /* Keep the first two and the last two lines of a paragraph together
         * (no widows or orphans) when the paragraph has four lines or more. */
        float need = h;
        if (i == 0 && t->tb.nlines >= 4)
            need = h + lay_line_height(t, 1);
        else if (i + 2 == t->tb.nlines && t->tb.nlines >= 4 && i >= 2)
            need = h + lay_line_height(t, i + 1);
        or_status st = lay_need(L, need);
        if (st)
            return st;
        if (i == 0 && first_page) {
            *first_page = (size_t)L->page;
            *first_top = L->y;
        }
        st = lay_draw_line(L, (size_t)L->page, t, i, L->m_left + x, L->y, h);
        if (st)
            return st;
        lay_flow_line(L, L->y);
        L->y += h;
        L->fresh = false;
    }
    return OR_OK;
}

static or_status lay_place_text(lay *L, const lay_text *t, float x)
{
    return lay_place_text_at(L, t, x, NULL, NULL);
}

static lay_font lay_body_font(const lay *L)
{
    return (lay_font){L->fam_body, L->body_size, false, DL_BLACK, 0};
}

/* --- headings ------------------------------------------------------------- */

static void lay_cn_numeral(int n, char *out, size_t size)
{
    static const char *const digit[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n <= 0 || n >= 100) {
        snprintf(out, size, "%d", n);
        return;
    }
    if (n < 10)
        snprintf(out, size, "%s", digit[n]);
    else
        snprintf(out, size, "%s十%s", n / 10 == 1 ? "" : digit[n / 10], n % 10 ? digit[n % 10] : "");
}

static void lay_heading_number(lay *L, int level, char *out, size_t size)
{
    char cn[32];
    L->hnum[level - 1]++;
    for (int i = level; i < 4; i++)
        L->hnum[i] = 0;
    int n = L->hnum[level - 1];
    switch (level) {
    case 1: lay_cn_numeral(n, cn, sizeof cn); snprintf(out, size, "%s、", cn); break;
    case 2: lay_cn_numeral(n, cn, sizeof cn); snprintf(out, size, "（%s）", cn); break;
    case 3: snprintf(out, size, "%d.", n); break;
    default: snprintf(out, size, "（%d）", n); break;
    }
}

static lay_font lay_heading_font(const lay *L, int level)
{
    lay_font f = lay_body_font(L);
    if (L->gbt) {
        f.family = level == 1 ? L->fam_hei : level == 2 ? L->fam_kai : L->fam_body;
        f.bold = level == 3;
        return f;
    }
    static const float sizes[] = {16, 14, 12, 12};
    f.family = level == 4 ? L->fam_song : L->fam_hei;
    f.size = sizes[level - 1];
    f.bold = level == 4;
    return f;
}

/* A guess at the first lines of the block after `n`, so that a heading
 * never ends a page. */
static float lay_next_block_min(lay *L, xmlNodePtr n)
{
    xmlNodePtr k = n->next;
    while (k && k->type != XML_ELEMENT_NODE)
        k = k->next;
    if (!k)
        return 0;
    if (doc_is(k, "table") || doc_is(k, "form"))
        return L->line_h * 3;
    if (doc_is(k, "chart"))
        return doc_attr_length(k, "height", L->body_size, L->body_w, MM(70));
    if (doc_is(k, "image"))
        return L->line_h * 4;
    if (doc_is(k, "page-break"))
        return 0;
    const char *name = (const char *)k->name;
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '4' && name[2] == '\0')
        return L->line_h * 1.6f + lay_next_block_min(L, k);
    return L->line_h * 2;
}

static char *lay_plain_text(xmlNodePtr n)
{
    xmlChar *c = xmlNodeGetContent(n);
    if (!c)
        return NULL;
    /* Collapse white space for bookmark and TOC titles. */
    size_t len = strlen((char *)c), o = 0;
    char *out = or_malloc(len + 1);
    if (out) {
        bool sp = false;
        for (size_t i = 0; i < len; i++) {
            char ch = (char)c[i];
            if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
                sp = o > 0;
                continue;
            }
            if (sp && o > 0 && (unsigned char)out[o - 1] < 0x80 && (unsigned char)ch < 0x80)
                out[o++] = ' ';
            sp = false;
            out[o++] = ch;
        }
        out[o] = '\0';
    }
    xmlFree(c);
    return out;
}

static or_status lay_heading(lay *L, xmlNodePtr n, int level)
{
    char num[64] = "";
    if (doc_attr_bool(n, "numbered", true))
        lay_heading_number(L, level, num, sizeof num);
    lay_font f = lay_heading_font(L, level);
    lay_text t = {0};
    t.line_h = L->line_h;
    or_status st = lay_put_str(L, &t, num, &f, doc_line(n));
    if (st == OR_OK)
        st = lay_collect(L, &t, n, &f);
    float indent = L->gbt ? 2 * f.size : 0;
    if (st == OR_OK)
        st = lay_break(L, &t, L->body_w, indent, 0, TB_LEFT, L->gbt ? L->tracking : 0);
    if (st) {
        lay_text_free(&t);
        return st;
    }
    float before = L->gbt ? 0 : (level == 1 ? 0.8f : 0.4f) * L->line_h;
    float after = L->gbt ? 0 : 0.2f * L->line_h;
    float h = lay_text_height(&t);
    if (doc_attr_bool(n, "page-break-before", false) && !L->fresh)
        st = lay_new_page(L);
    if (st == OR_OK)
        st = lay_need(L, before + h + after + lay_next_block_min(L, n));
    if (st == OR_OK && !L->fresh)
        lay_gap(L, before);
    size_t page = (size_t)L->page;
    float top = L->y;
    if (st == OR_OK)
        st = lay_place_text(L, &t, 0);
    if (st == OR_OK)
        lay_gap(L, after);
    lay_text_free(&t);
    if (st)
        return st;

    char *plain = lay_plain_text(n);
    bool cut;
    char *title = plain ? lay_title(num, plain, &cut) : NULL;
    or_free(plain);
    if (!title)
        return lay_nomem(L);
    if (doc_attr_bool(n, "bookmark", true)
        && dl_add_bookmark(L->dl, level + L->level_offset, title, page, lay_pdf_y(L, top)) != 0)
        st = lay_nomem(L);
    lay_gaps *G = lay_page_gaps(L, L->page);
    if (st == OR_OK && G && G->n > 0 && after > 0 && (size_t)L->page == page
        && G->g[G->n - 1].nops == L->dl->pages[page].nops)
        G->g[G->n - 1].nmarks = L->dl->nmarks;   /* the space after it does not move its own bookmark */
    if (st == OR_OK && doc_attr_bool(n, "toc", true)) {
        if (or_grow(&L->toc, &L->toc_cap, L->ntoc + 1, sizeof *L->toc) != 0)
            st = lay_nomem(L);
        else {
            L->toc[L->ntoc++] = (lay_toc_entry){level + L->level_offset, title, page};
            title = NULL;
        }
    }
    if (st == OR_OK && level == 1) {
        if (or_grow(&L->sections, &L->sections_cap, L->nsections + 1, sizeof *L->sections) != 0)
            st = lay_nomem(L);
        else {
            char *whole = lay_plain_text(n);
            bool sec_cut;
            char *sec = whole ? lay_title("", whole, &sec_cut) : NULL;   /* for {section} in running heads */
            or_free(whole);
            L->sections[L->nsections++] = (lay_section){page, sec};
            if (!sec)
                st = lay_nomem(L);
        }
    }
    or_free(title);
    return st;
}

/* --- paragraphs, lists, checks, signatures --------------------------------- */

static tb_align lay_align(const char *s, tb_align def)
{
    if (!s)
        return def;
    if (strcmp(s, "left") == 0)
        return TB_LEFT;
    if (strcmp(s, "center") == 0)
        return TB_CENTER;
    if (strcmp(s, "right") == 0)
        return TB_RIGHT;
    return TB_JUSTIFY;
}

static or_status lay_paragraph(lay *L, xmlNodePtr n)
{
    lay_font f = lay_body_font(L);
    f.family = lay_family(L, n, "font", f.family);
    f.size = doc_attr_size(n, "size", f.size);
    f.bold = doc_attr_bool(n, "bold", false);
    f.color = lay_parse_color(doc_attr(n, "color"), DL_BLACK);
    lay_text t = {0};
    t.line_h = doc_attr_length(n, "line-height", f.size, L->body_w, L->line_h * f.size / L->body_size);
    or_status st = lay_collect(L, &t, n, &f);
    tb_align align = lay_align(doc_attr(n, "align"), TB_JUSTIFY);
    float indent = doc_attr_length(n, "indent", f.size, L->body_w,
                                   align == TB_JUSTIFY || align == TB_LEFT ? 2 * f.size : 0);
    if (st == OR_OK)
        st = lay_break(L, &t, L->body_w, indent, 0, align, L->gbt ? L->tracking * f.size / 16 : 0);
    float before = doc_attr_length(n, "space-before", f.size, L->body_w, 0);
    float after = doc_attr_length(n, "space-after", f.size, L->body_w, L->gbt ? 0 : 0.25f * L->line_h);
    if (st == OR_OK && before > 0 && !L->fresh)
        lay_gap(L, before);
    if (st == OR_OK)
        st = lay_place_text(L, &t, 0);
    if (st == OR_OK)
        lay_gap(L, after);
    lay_text_free(&t);
    return st;
}

static void lay_list_marker(const char *type, int n, char *out, size_t size)
{
    static const char *const circled[] = {"①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩",
                                          "⑪", "⑫", "⑬", "⑭", "⑮", "⑯", "⑰", "⑱", "⑲", "⑳"};
    if (!type || strcmp(type, "bullet") == 0)
        snprintf(out, size, "•");
    else if (strcmp(type, "decimal") == 0)
        snprintf(out, size, "%d.", n);
    else if (strcmp(type, "paren") == 0)
        snprintf(out, size, "（%d）", n);
    else if (strcmp(type, "circled") == 0 && n >= 1 && n <= 20)
        snprintf(out, size, "%s", circled[n - 1]);
    else if (strcmp(type, "circled") == 0)
        snprintf(out, size, "(%d)", n);
    else
        out[0] = '\0';
}

/* A paragraph with a hanging marker: the marker at `indent`, the text and
 * its continuation lines just after the marker. */
static or_status lay_marked(lay *L, xmlNodePtr n, const char *marker, float indent)
{
    lay_font f = lay_body_font(L);
    lay_text t = {0};
    t.line_h = L->line_h;
    /* A marker that ends in a full-width mark, as （1）, brings its own space. */
    size_t mlen = strlen(marker);
    bool full_width_end = mlen >= 3 && (unsigned char)marker[mlen - 3] >= 0xE0;
    float gap = full_width_end ? 0.15f * f.size : 0.5f * f.size;
    float text_x = indent + (*marker ? lay_measure(L, marker, &f) + gap : 0);
    or_status st = lay_collect(L, &t, n, &f);
    if (st == OR_OK)
        st = lay_break(L, &t, L->body_w, text_x, text_x, TB_JUSTIFY, L->gbt ? L->tracking : 0);
    size_t page = 0;
    float top = 0;
    if (st == OR_OK)
        st = lay_place_text_at(L, &t, 0, &page, &top);
    if (st == OR_OK && *marker && t.tb.nlines > 0) {
        float lh = lay_line_height(&t, 0);
        float baseline = top + (lh - t.tb.lines[0].max_size) / 2 + t.tb.lines[0].max_size * 0.86f;
        st = lay_text_at(L, page, L->m_left + indent, baseline, marker, &f, 0, NULL);
    }
    if (st == OR_OK && !L->gbt)
        lay_gap(L, 0.15f * L->line_h);
    lay_text_free(&t);
    return st;
}

static or_status lay_list(lay *L, xmlNodePtr n)
{
    int i = 0;
    const char *type = doc_attr(n, "type");
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (!doc_is(k, "item"))
            continue;
        char marker[32];
        lay_list_marker(type, ++i, marker, sizeof marker);
        or_status st = lay_marked(L, k, marker, 2 * L->body_size);
        if (st)
            return st;
    }
    return OR_OK;
}

static or_status lay_check(lay *L, xmlNodePtr n)
{
    const char *mark = doc_attr_bool(n, "checked", false) ? "☑" : "☐";
    return lay_marked(L, n, mark, 2 * L->body_size);
}

/* 巡检人：＿＿＿＿　日期：＿＿＿＿ — labels, then underlined blanks that may
 * hold a pre-filled value. */
static or_status lay_signature(lay *L, xmlNodePtr n)
{
    lay_font f = lay_body_font(L);
    lay_text t = {0};
    t.line_h = L->line_h * 1.6f;
    or_status st = OR_OK;
    bool first = true;
    for (xmlNodePtr k = n->children; k && st == OR_OK; k = k->next) {
        if (!doc_is(k, "sign"))
            continue;
        if (!first) {
            lay_font g = f;
            g.flags = LS_BLANK;
            st = lay_put(L, &t, 0x3000, &g, 2 * f.size, doc_line(k));
        }
        first = false;
        const char *label = doc_attr(k, "label");
        if (label && st == OR_OK) {
            st = lay_put_str(L, &t, label, &f, doc_line(k));
            if (st == OR_OK)
                st = lay_put_str(L, &t, "：", &f, doc_line(k));
        }
        float w = doc_attr_length(k, "width", f.size, L->body_w, 6 * f.size);
        if (st != OR_OK)
            break;
        lay_text value = {0};
        lay_font u = f;
        u.flags = LS_UNDERLINE;
        u.family = L->fam_kai;
        st = lay_collect(L, &value, k, &u);
        float vw = 0;
        for (size_t i = 0; i < value.nchars; i++)
            vw += value.chars[i].advance;
        for (size_t i = 0; st == OR_OK && i < value.nchars; i++) {
            if (or_grow(&t.chars, &t.cap, t.nchars + 1, sizeof *t.chars) != 0)
                st = lay_nomem(L);
            else
                t.chars[t.nchars++] = value.chars[i];
        }
        lay_text_free(&value);
        if (st == OR_OK && vw < w) {
            lay_font g = f;
            g.flags = LS_BLANK | LS_UNDERLINE;
            st = lay_put(L, &t, 0x3000, &g, w - vw, doc_line(k));
        }
    }
    tb_align align = lay_align(doc_attr(n, "align"), TB_LEFT);
    if (st == OR_OK)
        st = lay_break(L, &t, L->body_w, 0, 0, align, 0);
    if (st == OR_OK) {
        L->y += 0.3f * L->line_h;
        st = lay_place_text(L, &t, 0);
    }
    lay_text_free(&t);
    return st;
}

/* A dashed circle reserving room for a red seal (45 mm max by regulation). */
static or_status lay_seal(lay *L, xmlNodePtr n)
{
    float size = doc_attr_length(n, "size", L->body_size, L->body_w, MM(42));
    if (size > L->body_w || size > lay_bottom(L) - L->m_top) {
        diag_error(L->d, L->path, doc_line(n), "a seal box of %.1f mm (expected one that fits the type area)",
                   size * 25.4 / 72);
        L->errors++;
        return OR_EINPUT;
    }
    or_status st = lay_need(L, size + 4);
    if (st)
        return st;
    const char *align = doc_attr(n, "align");
    float x = L->m_left + (align && strcmp(align, "left") == 0 ? 0
                           : align && strcmp(align, "center") == 0 ? (L->body_w - size) / 2
                                                                   : L->body_w - size - 2 * L->body_size);
    float cx = x + size / 2, cy = lay_pdf_y(L, L->y + 2 + size / 2), r = size / 2;
    dl_color grey = {0.45f, 0.45f, 0.45f};
    for (int i = 0; i < 72; i += 2) {
        float a0 = (float)i * 2 * (float)M_PI / 72, a1 = (float)(i + 1) * 2 * (float)M_PI / 72;
        if (dl_line_add(L->dl, (size_t)L->page, cx + r * cosf(a0), cy + r * sinf(a0), cx + r * cosf(a1),
                        cy + r * sinf(a1), 0.6f, grey) != 0)
            return lay_nomem(L);
    }
    const char *label = doc_attr(n, "label");
    lay_font f = lay_body_font(L);
    f.size = L->body_size * 0.75f;
    f.color = grey;
    if (label) {
        st = lay_text_at(L, (size_t)L->page, cx, L->y + 2 + size / 2 + f.size * 0.35f, label, &f, 1, NULL);
        if (st)
            return st;
    }
    L->y += size + 4;
    L->fresh = false;
    return OR_OK;
}

/* --- images and charts ------------------------------------------------------ */

static or_status lay_image(lay *L, xmlNodePtr n)
{
    const char *src = doc_attr(n, "src");
    if (!src || !*src) {
        diag_error(L->d, L->path, doc_line(n), "<image> without src (expected the path of a PNG or JPEG file)");
        L->errors++;
        return OR_EINPUT;
    }
    char path[4096];
    if (src[0] == '/' || !L->opt->base_dir)
        snprintf(path, sizeof path, "%s", src);
    else
        snprintf(path, sizeof path, "%s/%s", L->opt->base_dir, src);
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || access(path, R_OK) != 0) {
        diag_error(L->d, L->path, doc_line(n), "image '%s' does not exist or is not a readable file "
                   "(expected a PNG or JPEG file)", path);
        L->errors++;
        return OR_EINPUT;
    }
    /* The header first: kind and declared size, checked against the cap
     * before a pixel is decoded (src/image.h). */
    img_info info;
    img_error ierr;
    if (img_probe(path, &info, &ierr) != OR_OK) {
        diag_error(L->d, L->path, doc_line(n), "image %s: %s", path, ierr.msg);
        L->errors++;
        return ierr.status;
    }
    unsigned pw = info.width, ph = info.height;
    /* 96 dpi natural size, scaled down to the type area and the page. */
    float w = (float)pw * 0.75f, h = (float)ph * 0.75f;
    float ww = doc_attr_length(n, "width", L->body_size, L->body_w, 0);
    float hh = doc_attr_length(n, "height", L->body_size, L->body_w, 0);
    if (ww > 0 && hh > 0) {
        w = ww;
        h = hh;
    } else if (ww > 0) {
        h = h * ww / w;
        w = ww;
    } else if (hh > 0) {
        w = w * hh / h;
        h = hh;
    }
    float maxh = (lay_bottom(L) - L->m_top) * 0.9f;
    if (w > L->body_w) {
        h = h * L->body_w / w;
        w = L->body_w;
    }
    if (h > maxh) {
        w = w * maxh / h;
        h = maxh;
    }
    /* Decoded whole now, so that a damaged file stops the run before any
     * PDF is written; pdfout decodes it again at the same size (keeping
     * the pixels of every image until then would cost more memory). */
    unsigned px_w, px_h;
    img_fit(pw, ph, w, h, &px_w, &px_h);
    img_pixels px;
    if (img_decode(path, px_w, px_h, &px, &ierr) != OR_OK) {
        diag_error(L->d, L->path, doc_line(n), "image %s: %s", path, ierr.msg);
        L->errors++;
        return ierr.status;
    }
    img_pixels_free(&px);
    const char *caption = doc_attr(n, "caption");
    float cap_h = caption ? L->line_h : 0;
    or_status st = lay_need(L, h + cap_h + 6);
    if (st)
        return st;
    const char *align = doc_attr(n, "align");
    float x = L->m_left + (align && strcmp(align, "left") == 0 ? 0
                           : align && strcmp(align, "right") == 0 ? L->body_w - w : (L->body_w - w) / 2);
    dl_op op = {.kind = DL_IMAGE};
    op.u.image = (dl_image){x, lay_pdf_y(L, L->y + 3 + h), w, h, path, px_w, px_h};
    st = lay_push(L, (size_t)L->page, &op);
    if (st)
        return st;
    L->y += h + 6;
    L->fresh = false;
    if (caption) {
        lay_font f = lay_body_font(L);
        f.size = L->body_size * 0.85f;
        st = lay_text_at(L, (size_t)L->page, L->m_left + L->body_w / 2, L->y + f.size, caption, &f, 1, NULL);
        L->y += cap_h;
    }
    return st;
}

typedef struct lay_chart_ctx {
    lay *L;
} lay_chart_ctx;

/* The width as lay_text_at draws it: after line breaking, which adds the
 * CJK-Latin spaces (12月 is wider drawn than its glyphs' advances; the
 * bare sum made neighbouring category labels collide). */
static float lay_chart_measure(void *ctx, const char *utf8, float size)
{
    lay *L = ((lay_chart_ctx *)ctx)->L;
    lay_font f = lay_body_font(L);
    f.family = L->fam_song;
    f.size = size;
    lay_text t = {.keep_spaces = true};
    float w = -1.0f;
    if (lay_put_str(L, &t, utf8, &f, 0) == OR_OK && lay_break(L, &t, 1e6f, 0, 0, TB_LEFT, 0) == OR_OK)
        w = t.tb.nlines > 0 ? t.tb.lines[0].width : 0.0f;
    lay_text_free(&t);
    return w;
}

/* A figure caption under a chart: "图 N　text", N counting the figures of
 * the document (or part), centred, wrapping when long.  With draw false
 * only returns the height through *h. */
static or_status lay_figure_caption(lay *L, const char *caption, int num, long line, bool draw, float *h)
{
    lay_font f = lay_body_font(L);
    f.bold = true;
    f.family = L->fam_hei;
    f.size = L->body_size * 0.9f;
    float line_h = f.size * 1.5f;
    char text[1024];
    int len = snprintf(text, sizeof text, "图 %d\xe3\x80\x80%s", num, caption);
    if (len < 0 || (size_t)len >= sizeof text) {
        diag_error(L->d, L->path, line, "a chart caption of %zu bytes (expected at most %zu)", strlen(caption),
                   sizeof text - 16);
        return OR_EINPUT;
    }
    lay_text t = {0};
    t.line_h = line_h;
    or_status st = lay_put_str(L, &t, text, &f, line);
    if (st == OR_OK)
        st = lay_break(L, &t, L->body_w, 0, 0, TB_CENTER, 0);
    if (st == OR_OK)
        *h = (float)t.tb.nlines * line_h + 4.0f;
    for (size_t i = 0; draw && st == OR_OK && i < t.tb.nlines; i++) {
        float size = t.tb.lines[i].max_size;
        st = lay_draw_line(L, (size_t)L->page, &t, i, L->m_left, L->y + line_h - size * 0.86f, size);
        L->y += line_h;
    }
    if (draw && st == OR_OK)
        L->y += 4.0f;
    lay_text_free(&t);
    return st;
}

static int lay_chart_draw(void *ctx, dl_doc *doc, size_t page, float x, float y, float size, const char *utf8,
                          dl_color color)
{
    (void)doc;
    lay *L = ((lay_chart_ctx *)ctx)->L;
    lay_font f = lay_body_font(L);
    f.family = L->fam_song;
    f.size = size;
    f.color = color;
    return lay_text_at(L, page, x, L->page_h - y, utf8, &f, 0, NULL) == OR_OK ? 0 : -1;
}

/* Splits a space-separated number list; "-" is no data (NAN). */
static size_t lay_numbers(const char *s, double *out, size_t max)
{
    size_t n = 0;
    while (s && *s && n < max) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        char *e;
        if (*s == '-' && (s[1] == ' ' || s[1] == '\0')) {
            out[n++] = NAN;
            s++;
            continue;
        }
        out[n++] = strtod(s, &e);
        s = e;
    }
    return n;
}

#define LAY_CHART_MAX 64

static or_status lay_chart(lay *L, xmlNodePtr n)
{
    const char *cats[LAY_CHART_MAX];
    xmlChar *cat_text[LAY_CHART_MAX];
    double values[8][LAY_CHART_MAX];
    chart_series series[8];
    size_t ncat = 0, nser = 0;
    or_status st = OR_OK;
    char where[512];
    snprintf(where, sizeof where, "%s:%ld", L->path, doc_line(n));

    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (doc_is(k, "c")) {
            if (ncat == LAY_CHART_MAX) {
                diag_error(L->d, L->path, doc_line(k), "more than %d chart categories (expected fewer)", LAY_CHART_MAX);
                st = OR_EINPUT;
                break;
            }
            cat_text[ncat] = xmlNodeGetContent(k);
            cats[ncat] = cat_text[ncat] ? (const char *)cat_text[ncat] : "";
            ncat++;
        }
    }
    for (xmlNodePtr k = n->children; k && st == OR_OK; k = k->next) {
        if (!doc_is(k, "series"))
            continue;
        if (nser == 8) {
            diag_error(L->d, L->path, doc_line(k), "more than 8 chart series (expected at most 8)");
            st = OR_EINPUT;
            break;
        }
        size_t got = lay_numbers(doc_attr(k, "values"), values[nser], LAY_CHART_MAX);
        if (got != ncat) {
            diag_error(L->d, L->path, doc_line(k), "series has %zu values for %zu categories (expected one value "
                       "per <c>, - for no data)", got, ncat);
            st = OR_EINPUT;
            break;
        }
        const char *name = doc_attr(k, "name");
        series[nser] = (chart_series){name ? name : "", values[nser]};
        nser++;
    }
    if (st == OR_OK) {
        const char *type = doc_attr(n, "type");
        chart_spec spec = {
            .type = type && strcmp(type, "line") == 0 ? CHART_LINE
                    : type && strcmp(type, "stacked") == 0 ? CHART_STACKED_BAR : CHART_BAR,
            .title = doc_attr(n, "title"), .x_label = doc_attr(n, "x-label"), .y_label = doc_attr(n, "y-label"),
            .unit = doc_attr(n, "unit"), .categories = cats, .ncat = ncat, .series = series, .nseries = nser,
            .has_min = doc_attr(n, "y-min") != NULL, .has_max = doc_attr(n, "y-max") != NULL,
            .y_min = doc_attr_number(n, "y-min", 0), .y_max = doc_attr_number(n, "y-max", 0),
            .decimals = doc_attr_int(n, "decimals", -1),
            .has_ref = doc_attr(n, "ref") != NULL, .ref_value = doc_attr_number(n, "ref", 0),
            .ref_label = doc_attr(n, "ref-label"),
        };
        const char *caption = doc_attr(n, "caption");
        float cap_h = 0;
        float w = doc_attr_length(n, "width", L->body_size, L->body_w, L->body_w);
        float h = doc_attr_length(n, "height", L->body_size, L->body_w, MM(70));
        if (w > L->body_w + 0.5f || h > lay_bottom(L) - L->m_top) {
            diag_error(L->d, L->path, doc_line(n), "a chart of %.0f×%.0f mm (expected at most the type area, "
                       "%.0f×%.0f mm)", w * 25.4 / 72, h * 25.4 / 72, L->body_w * 25.4 / 72,
                       (lay_bottom(L) - L->m_top) * 25.4 / 72);
            st = OR_EINPUT;
        }
        if (st == OR_OK && caption)
            st = lay_figure_caption(L, caption, L->nfig + 1, doc_line(n), false, &cap_h);
        if (st == OR_OK)
            st = lay_need(L, h + 8 + cap_h);
        if (st == OR_OK) {
            lay_chart_ctx ctx = {L};
            chart_text text = {lay_chart_measure, lay_chart_draw, &ctx};
            float x = L->m_left + (L->body_w - w) / 2;
            st = chart_draw(L->dl, (size_t)L->page, x, lay_pdf_y(L, L->y + 4), w, h, &spec, &text, where, L->d);
            L->y += h + 8;
            L->fresh = false;
        }
        if (st == OR_OK && caption) {
            L->nfig++;
            st = lay_figure_caption(L, caption, L->nfig, doc_line(n), true, &cap_h);
        }
    }
    for (size_t i = 0; i < ncat; i++)
        xmlFree(cat_text[i]);
    if (st == OR_EINPUT)
        L->errors++;
    return st;
}


static lay_mark lay_save(const lay *L)
{
    lay_mark m = {.npages = L->dl->npages, .nops = L->page >= 0 ? L->dl->pages[L->page].nops : 0,
                  .nmarks = L->dl->nmarks, .ntoc = L->ntoc, .nsections = L->nsections, .page = L->page,
                  .y = L->y, .fresh = L->fresh, .tnum = L->tnum};
    memcpy(m.hnum, L->hnum, sizeof m.hnum);
    m.nfig = L->nfig;
    lay_gaps *G = L->page >= 0 ? lay_page_gaps((lay *)L, L->page) : NULL;
    m.ngaps = G ? G->n : 0;
    memcpy(m.flow, L->flow, sizeof m.flow);
    m.nflow = L->nflow;
    return m;
}

static void lay_restore(lay *L, const lay_mark *m)
{
    dl_truncate(L->dl, m->npages, m->nops);
    L->dl->nmarks = m->nmarks;
    for (size_t i = m->ntoc; i < L->ntoc; i++)
        or_free(L->toc[i].title);
    L->ntoc = m->ntoc;
    for (size_t i = m->nsections; i < L->nsections; i++)
        or_free(L->sections[i].title);
    L->nsections = m->nsections;
    L->page = m->page;
    L->y = m->y;
    L->fresh = m->fresh;
    memcpy(L->hnum, m->hnum, sizeof L->hnum);
    L->nfig = m->nfig;
    L->tnum = m->tnum;
    for (int i = 0; i < 2; i++) {
        if (L->gaps[i].page > m->page)
            L->gaps[i].n = 0;
        else if (L->gaps[i].page == m->page && L->gaps[i].n > m->ngaps)
            L->gaps[i].n = m->ngaps;
    }
    if (m->page >= 0 && !lay_page_gaps(L, m->page))
        lay_gaps_begin(L, m->page);   /* its spaces before the mark are forgotten */
    memcpy(L->flow, m->flow, sizeof L->flow);
    L->nflow = m->nflow;
}

/* --- tables and forms -------------------------------------------------------- */

#define LAY_MAX_COLS 64

typedef struct lay_cell {
    xmlNodePtr node;       /* inline content, or NULL */
    const char *literal;   /* or literal text */
    int row, col, colspan, rowspan;
    tb_align align;
    int valign;            /* 0 top, 1 middle, 2 bottom */
    bool bold, has_fill;
    bool align_set;        /* align="…" on the cell: the column type does not change it */
    bool repeat;           /* repeated with the continued mark when its row
                              continues on another page (form labels) */
    dl_color fill;
    lay_text text;
    float natural;         /* one-line width, for auto columns */
    float minw;            /* its widest run the line breaker keeps whole */
} lay_cell;

typedef struct lay_row {
    bool header, total;
    float h;
} lay_row;

typedef struct lay_table {
    xmlNodePtr node;
    const char *widths;    /* the widths attribute, or NULL */
    const char *columns;   /* the columns attribute (column types), or NULL */
    int ncols;
    float colw[LAY_MAX_COLS], colx[LAY_MAX_COLS + 1];
    lay_cell *cells;
    size_t ncells, cells_cap;
    lay_row *rows;
    size_t nrows, rows_cap;
    size_t *row_cell;      /* nrows + 1 entries: the first cell of each row (cells are in row order) */
    size_t header_rows;
    bool zebra;
    const char *continued; /* marks the continued part of a split cell */
    const char *cont_caption; /* set above the repeated header on continued pages, or NULL */
    bool body_started;     /* some body row is on a page: a header from now on repeats */
    lay_font font;
    float padx, pady, line_h;
} lay_table;

static void lay_table_free(lay_table *tb)
{
    for (size_t i = 0; i < tb->ncells; i++)
        lay_text_free(&tb->cells[i].text);
    or_free(tb->cells);
    or_free(tb->rows);
    or_free(tb->row_cell);
}

static lay_cell *lay_table_cell(lay *L, lay_table *tb)
{
    if (or_grow(&tb->cells, &tb->cells_cap, tb->ncells + 1, sizeof *tb->cells) != 0) {
        lay_nomem(L);
        return NULL;
    }
    lay_cell *c = &tb->cells[tb->ncells++];
    memset(c, 0, sizeof *c);
    c->colspan = c->rowspan = 1;
    c->valign = 1;
    c->align = TB_LEFT;
    return c;
}

static or_status lay_table_row(lay *L, lay_table *tb, bool header, bool total)
{
    if (or_grow(&tb->rows, &tb->rows_cap, tb->nrows + 1, sizeof *tb->rows) != 0)
        return lay_nomem(L);
    tb->rows[tb->nrows++] = (lay_row){header, total, 0};
    return OR_OK;
}

/* Assigns columns to cells, honouring row and column spans. */
static or_status lay_table_grid(lay *L, lay_table *tb)
{
    int busy[LAY_MAX_COLS] = {0};   /* rows still covered by a rowspan above */
    int ncols = 0;
    size_t ci = 0;
    /* Drawing and page breaking look up a row's cells by row: without this
     * index every row group scanned every cell (a 100,000-row table). */
    tb->row_cell = or_malloc((tb->nrows + 1) * sizeof *tb->row_cell);
    if (!tb->row_cell)
        return lay_nomem(L);
    for (size_t r = 0; r < tb->nrows; r++) {
        int col = 0;
        tb->row_cell[r] = ci;
        for (; ci < tb->ncells && tb->cells[ci].row == (int)r; ci++) {
            lay_cell *c = &tb->cells[ci];
            while (col < LAY_MAX_COLS && busy[col] > 0)
                col++;
            if (col + c->colspan > LAY_MAX_COLS) {
                diag_error(L->d, L->path, doc_line(c->node ? c->node : tb->node),
                           "a table row wider than %d columns (expected fewer columns)", LAY_MAX_COLS);
                return OR_EINPUT;
            }
            if ((size_t)c->rowspan > tb->nrows - r) {
                diag_error(L->d, L->path, doc_line(c->node ? c->node : tb->node),
                           "rowspan=\"%d\" reaches past the last row of the table (expected at most %zu)",
                           c->rowspan, tb->nrows - r);
                return OR_EINPUT;
            }
            c->col = col;
            for (int k = 0; k < c->colspan; k++)
                busy[col + k] = c->rowspan;
            col += c->colspan;
            if (col > ncols)
                ncols = col;
        }
        for (int k = 0; k < LAY_MAX_COLS; k++)
            if (busy[k] > 0)
                busy[k]--;
    }
    tb->row_cell[tb->nrows] = ci;
    tb->ncols = ncols;
    return ncols > 0 ? OR_OK : OR_EINPUT;
}

/* Column types (columns="…"): what a column holds decides its alignment
 * and whether it is narrow (kept on one line while there is room) or text
 * (shares what is left). */
typedef enum { LAY_COL_AUTO, LAY_COL_TEXT, LAY_COL_NUMBER, LAY_COL_STATUS, LAY_COL_DATE, LAY_COL_ID,
               LAY_COL_NAME } lay_coltype;

/* An untyped auto column whose widest line is at most this many em is narrow. */
#define LAY_NARROW_EM 10

static void lay_column_types(const char *s, lay_coltype *t, int n)
{
    static const char *const names[] = {"", "text", "number", "status", "date", "id", "name"};
    for (int i = 0; i < n; i++)
        t[i] = LAY_COL_AUTO;
    for (int i = 0; s && *s && i < n;) {
        while (*s == ' ')
            s++;
        size_t len = strcspn(s, " ");
        if (!len)
            break;
        for (int k = 1; k < (int)(sizeof names / sizeof *names); k++)
            if (strlen(names[k]) == len && strncmp(names[k], s, len) == 0)
                t[i] = (lay_coltype)k;
        s += len;
        i++;
    }
}

/* Column widths: fixed lengths first, "auto" columns at their natural
 * width when there is room, N* shares split what is left; a table without
 * shares stretches its auto columns to the full width. */
static or_status lay_table_widths(lay *L, lay_table *tb, float avail)
{
    enum { FIXED, SHARE, AUTO } kind[LAY_MAX_COLS];
    lay_coltype ctype[LAY_MAX_COLS];
    lay_column_types(tb->columns, ctype, LAY_MAX_COLS);
    float val[LAY_MAX_COLS];
    int n = 0;
    const char *s = tb->widths;
    while (s && *s && n < LAY_MAX_COLS + 1) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        size_t len = strcspn(s, " ");
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)(len < 63 ? len : 63), s);
        s += len;
        if (n == LAY_MAX_COLS) {
            n++;
            break;
        }
        if (strcmp(tok, "auto") == 0) {
            kind[n] = AUTO;
        } else if (tok[strlen(tok) - 1] == '*') {
            kind[n] = SHARE;
            val[n] = strlen(tok) == 1 ? 1 : strtof(tok, NULL);
        } else {
            kind[n] = FIXED;
            doc_parse_length(tok, tb->font.size, avail, &val[n]);
        }
        n++;
    }
    if (!tb->widths) {
        for (int i = 0; i < tb->ncols; i++)
            kind[i] = AUTO;
        n = tb->ncols;
    }
    if (n != tb->ncols) {
        diag_error(L->d, L->path, doc_line(tb->node), "widths=\"%s\" gives %d columns but the rows have %d "
                   "(expected one width per column)", tb->widths, n, tb->ncols);
        return OR_EINPUT;
    }
    /* Per column: its widest line (natural) and its widest run kept whole
     * (least), padding included. */
    float natural[LAY_MAX_COLS] = {0}, least[LAY_MAX_COLS] = {0};
    for (size_t i = 0; i < tb->ncells; i++) {
        const lay_cell *c = &tb->cells[i];
        if (c->colspan != 1)
            continue;
        /* A header may wrap (a column of short entries under a long
         * heading stays narrow): it counts up to four characters, or its
         * widest run. */
        float nat = c->natural;
        if (tb->rows[c->row].header && nat > 4 * tb->font.size)
            nat = c->minw > 4 * tb->font.size ? c->minw : 4 * tb->font.size;
        if (nat + 2 * tb->padx > natural[c->col])
            natural[c->col] = nat + 2 * tb->padx;
        if (c->minw + 2 * tb->padx > least[c->col])
            least[c->col] = c->minw + 2 * tb->padx;
    }
    float fixed = 0, shares = 0, autos = 0, mins = 0;
    float one = tb->font.size + 2 * tb->padx;
    for (int i = 0; i < n; i++) {
        if (natural[i] <= 0)
            natural[i] = least[i] = tb->font.size * 2;
        /* A run wider than a third of the type area (a long URL or id)
         * does not widen its column: it breaks at its punctuation. */
        if (least[i] > avail / 3)
            least[i] = avail / 3 > one ? avail / 3 : one;
        if (least[i] < one)
            least[i] = one;
        if (kind[i] == FIXED) {
            fixed += val[i];
        } else if (kind[i] == SHARE) {
            shares += val[i];
        } else {
            autos += natural[i];
            mins += least[i];
        }
    }
    if (fixed > avail + 0.5f) {
        diag_error(L->d, L->path, doc_line(tb->node), "the fixed column widths need %.1f mm but the type area "
                   "is %.1f mm wide (expected narrower columns)", fixed * 25.4 / 72, avail * 25.4 / 72);
        return OR_EINPUT;
    }
    float rest = avail - fixed;
    float auto_room = shares > 0 ? (autos < rest * 0.6f ? autos : rest * 0.6f) : rest;
    if (shares > 0 && auto_room < mins)
        auto_room = mins < rest - shares * one ? mins : rest - shares * one;
    /* Auto columns: every one first gets its widest run kept whole (a
     * date, an id, a name never wraps while the table has room for it);
     * then narrow columns (a type other than text, or short entries) grow
     * to their widest line, and what is left goes to the text columns in
     * proportion to their content. */
    bool narrow[LAY_MAX_COLS];
    float narrow_more = 0, text_more = 0, text_nat = 0;
    for (int i = 0; i < n; i++) {
        if (kind[i] != AUTO)
            continue;
        narrow[i] = ctype[i] == LAY_COL_TEXT ? false
                    : ctype[i] != LAY_COL_AUTO ? true
                    : natural[i] <= LAY_NARROW_EM * tb->font.size + 2 * tb->padx;
        if (narrow[i])
            narrow_more += natural[i] - least[i];
        else {
            text_more += natural[i] - least[i];
            text_nat += natural[i];
        }
    }
    for (int i = 0; i < n; i++) {
        if (kind[i] == FIXED)
            tb->colw[i] = val[i];
        else if (kind[i] == SHARE)
            tb->colw[i] = (rest - (autos > 0 ? auto_room : 0)) * val[i] / shares;
    }
    if (mins > auto_room + 0.5f) {
        /* Not even the runs fit: each auto column in proportion to its
         * run, at least one character (the runs break then). */
        float floor_sum = 0;
        for (int i = 0; i < n; i++)
            floor_sum += kind[i] == AUTO ? one : 0;
        if (floor_sum > auto_room + 0.5f) {
            diag_error(L->d, L->path, doc_line(tb->node), "the auto columns need at least %.1f mm but %.1f mm are "
                       "left (expected fewer columns, or widths=\"…\")", floor_sum * 25.4 / 72, auto_room * 25.4 / 72);
            return OR_EINPUT;
        }
        for (int i = 0; i < n; i++)
            if (kind[i] == AUTO)
                tb->colw[i] = one + (auto_room - floor_sum) * (least[i] - one) / (mins - floor_sum > 0 ? mins - floor_sum : 1);
    } else {
        float left = auto_room - mins;
        float to_narrow = narrow_more < left ? narrow_more : left;
        left -= to_narrow;
        int ntext = 0;
        for (int i = 0; i < n; i++)
            ntext += kind[i] == AUTO && !narrow[i];
        for (int i = 0; i < n; i++) {
            if (kind[i] != AUTO)
                continue;
            tb->colw[i] = least[i];
            if (narrow[i]) {
                if (narrow_more > 0)
                    tb->colw[i] += to_narrow * (natural[i] - least[i]) / narrow_more;
                if (!ntext && autos > 0)
                    tb->colw[i] += left * natural[i] / autos;   /* only narrow columns: all spread */
            } else if (text_more > 0 && left <= text_more) {
                tb->colw[i] += left * (natural[i] - least[i]) / text_more;
            } else if (text_nat > 0) {
                tb->colw[i] += (natural[i] - least[i]) + (left - text_more) * natural[i] / text_nat;
            }
        }
    }
    tb->colx[0] = 0;
    for (int i = 0; i < n; i++) {
        if (tb->colw[i] < tb->font.size + 2 * tb->padx - 0.01f) {
            diag_error(L->d, L->path, doc_line(tb->node), "column %d is %.1f mm wide (expected at least %.1f mm: "
                       "one character and the cell padding)", i + 1, tb->colw[i] * 25.4 / 72,
                       (tb->font.size + 2 * tb->padx) * 25.4 / 72);
            return OR_EINPUT;
        }
        tb->colx[i + 1] = tb->colx[i] + tb->colw[i];
    }
    return OR_OK;
}

static float lay_cell_width(const lay_table *tb, const lay_cell *c)
{
    return tb->colx[c->col + c->colspan] - tb->colx[c->col];
}

static or_status lay_table_prepare(lay *L, lay_table *tb)
{
    or_status st = lay_table_grid(L, tb);
    if (st)
        return st;
    for (size_t i = 0; i < tb->ncells; i++) {
        lay_cell *c = &tb->cells[i];
        lay_font f = tb->font;
        f.bold = c->bold;
        c->text.line_h = tb->line_h;
        st = c->node ? lay_collect(L, &c->text, c->node, &f) : lay_put_str(L, &c->text, c->literal, &f, 0);
        if (st)
            return st;
        /* Natural width: the widest forced line of the cell, as the line
         * breaker sets it (CJK-Latin gaps included); and its widest run
         * kept whole. */
        st = lay_break(L, &c->text, 1e6f, 0, 0, TB_LEFT, 0);
        if (st)
            return st;
        for (size_t k = 0; k < c->text.tb.nlines; k++)
            if (c->text.tb.lines[k].width > c->natural)
                c->natural = c->text.tb.lines[k].width;
        tb_params p;
        tb_params_default(&p, L->body_w);
        c->minw = tb_min_width(c->text.chars, c->text.nchars, &p);
        if (c->minw > c->natural)
            c->natural = c->minw;
    }
    /* One alignment rule by column type: numbers right, status centred,
     * the rest left; a cell's own align="…" and header cells keep theirs. */
    lay_coltype ctype[LAY_MAX_COLS];
    lay_column_types(tb->columns, ctype, LAY_MAX_COLS);
    for (size_t i = 0; i < tb->ncells; i++) {
        lay_cell *c = &tb->cells[i];
        if (c->align_set || tb->rows[c->row].header || c->colspan != 1)
            continue;
        if (ctype[c->col] == LAY_COL_NUMBER)
            c->align = TB_RIGHT;
        else if (ctype[c->col] == LAY_COL_STATUS)
            c->align = TB_CENTER;
    }
    st = lay_table_widths(L, tb, L->body_w);
    if (st)
        return st;
    for (size_t i = 0; i < tb->ncells; i++) {
        lay_cell *c = &tb->cells[i];
        st = lay_break(L, &c->text, lay_cell_width(tb, c) - 2 * tb->padx, 0, 0, c->align, 0);
        if (st)
            return st;
    }
    /* Row heights: one-row cells first, then rows stretched for spans. */
    for (size_t r = 0; r < tb->nrows; r++)
        tb->rows[r].h = tb->line_h + 2 * tb->pady;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < tb->ncells; i++) {
            lay_cell *c = &tb->cells[i];
            float h = lay_text_height(&c->text) + 2 * tb->pady;
            if ((pass == 0) != (c->rowspan == 1))
                continue;
            float have = 0;
            for (int k = 0; k < c->rowspan; k++)
                have += tb->rows[c->row + k].h;
            if (h > have)
                tb->rows[c->row + c->rowspan - 1].h += h - have;
        }
    return OR_OK;
}

static dl_color lay_gray(float v) { return (dl_color){v, v, v}; }

/* Draws the cells that start in rows [r0, r1) with the first at `top`;
 * `seg_h` > 0 draws a split segment of a single row showing lines
 * [from[i], to[i]) of each cell. */
static or_status lay_table_draw(lay *L, lay_table *tb, size_t r0, size_t r1, float top, float seg_h,
                                const size_t *from, const size_t *to, size_t body_index)
{
    float x0 = L->m_left;
    for (size_t i = tb->row_cell[r0]; i < tb->row_cell[r1]; i++) {
        lay_cell *c = &tb->cells[i];
        float y = top;
        for (size_t r = r0; r < (size_t)c->row; r++)
            y += tb->rows[r].h;
        float h = 0;
        if (seg_h > 0)
            h = seg_h;
        else
            for (int k = 0; k < c->rowspan; k++)
                h += tb->rows[c->row + k].h;
        const lay_row *row = &tb->rows[c->row];
        dl_color fill;
        bool filled = true;
        if (c->has_fill)
            fill = c->fill;
        else if (row->header)
            fill = lay_gray(0.88f);
        else if (row->total)
            fill = lay_gray(0.93f);
        else if (tb->zebra && (body_index + (size_t)c->row - r0) % 2 == 1)
            fill = lay_gray(0.96f);
        else
            filled = false;
        float x = x0 + tb->colx[c->col], w = lay_cell_width(tb, c);
        if (dl_rect_add(L->dl, (size_t)L->page, x, lay_pdf_y(L, y + h), w, h, 0.5f, filled ? &fill : NULL) != 0)
            return lay_nomem(L);
        size_t a = from ? from[i] : 0, b = to ? to[i] : c->text.tb.nlines;
        float text_h = 0;
        for (size_t li = a; li < b; li++)
            text_h += lay_line_height(&c->text, li);
        float ty = y + tb->pady;
        if (!from && c->valign == 1)
            ty = y + (h - text_h) / 2;
        else if (!from && c->valign == 2)
            ty = y + h - tb->pady - text_h;
        for (size_t li = a; li < b; li++) {
            float lh = lay_line_height(&c->text, li);
            or_status st = lay_draw_line(L, (size_t)L->page, &c->text, li, x + tb->padx, ty, lh);
            if (st)
                return st;
            ty += lh;
        }
    }
    return OR_OK;
}

static float lay_rows_height(const lay_table *tb, size_t a, size_t b)
{
    float h = 0;
    for (size_t r = a; r < b; r++)
        h += tb->rows[r].h;
    return h;
}

/* --- row groups over pages ---------------------------------------------------
 *
 * Rows joined by rowspan (and a single row) that do not fit the room left
 * are placed by parts, one part a page.  A part holds whole rows while they
 * fit; a row taller than a whole page is cut between lines.  A cell that
 * spans rows beyond a part is drawn on every page with its borders: on the
 * next page its text is repeated followed by the continued mark (（续）)
 * when the whole text was shown, or continues under the mark when it was
 * cut (a cut text is never repeated, which could go on without end: once
 * it has ended its box stays empty).  A form label (a cell marked `repeat`) is repeated the same way
 * beside its continued value; other cells of a cut row simply continue. */

typedef struct lay_gcell {
    lay_cell *c;
    lay_text marked;      /* the cell's text followed by the continued mark */
    lay_text mark;        /* the mark alone: heads the rest of a cut text */
    bool marks_built;
    bool use_marked;      /* shows `marked` (a repeat) instead of its own text */
    bool shown;           /* some of it is on an earlier page */
    bool was_cut;         /* its text went on over a page break: never repeated */
    size_t from;          /* first line of the shown text not drawn yet */
    /* this page's part */
    int s, e;             /* the rows [s, e) it covers from this part on; s < 0: done */
    bool mark_line;       /* starts with the mark: it continues a cut text */
    float need;           /* height its content needs, padding included */
    bool in_part;         /* drawn in this part */
    float box_top, box_h; /* relative to the part's top */
    size_t to;            /* lines [from, to) go in this part */
} lay_gcell;

typedef struct lay_group {
    lay_table *tb;
    size_t r, end;        /* the rows of the group */
    lay_gcell *g;
    size_t ng;
    size_t *by_end;       /* indices into g, ordered by the row after their last */
    float *h;             /* heights of rows a.. of this part */
    float *top;           /* top of row a + k relative to the part's top */
    size_t body_index;    /* body rows before the group (zebra shading) */
} lay_group;

static bool lay_cell_repeats(const lay_cell *c) { return c->rowspan > 1 || c->repeat; }

static const lay_text *lay_gcell_text(const lay_gcell *g) { return g->use_marked ? &g->marked : &g->c->text; }

static float lay_lines_height(const lay_text *t, size_t a, size_t b)
{
    float h = 0;
    for (size_t i = a; i < b; i++)
        h += lay_line_height(t, i);
    return h;
}

/* The texts a cell shows where it continues: its text with the mark after
 * it, and the mark alone; broken to the cell's width. */
static or_status lay_gcell_marks(lay *L, const lay_table *tb, lay_gcell *g)
{
    if (g->marks_built)
        return OR_OK;
    g->marks_built = true;
    const lay_cell *c = g->c;
    lay_font f = tb->font;
    f.bold = c->bold;
    g->marked.line_h = g->mark.line_h = tb->line_h;
    if (c->text.nchars
        && or_grow(&g->marked.chars, &g->marked.cap, c->text.nchars, sizeof *g->marked.chars) != 0)
        return lay_nomem(L);
    if (c->text.nchars)
        memcpy(g->marked.chars, c->text.chars, c->text.nchars * sizeof *c->text.chars);
    g->marked.nchars = c->text.nchars;
    if (c->text.nhangs
        && or_grow(&g->marked.hangs, &g->marked.hangs_cap, c->text.nhangs, sizeof *g->marked.hangs) != 0)
        return lay_nomem(L);
    /* (hangs past the trimmed end of the text are dropped) */
    for (size_t i = 0; i < c->text.nhangs; i++)
        if (c->text.hangs[i].first < c->text.nchars)
            g->marked.hangs[g->marked.nhangs++] = c->text.hangs[i];
    long line = doc_line(c->node ? c->node : tb->node);
    float w = lay_cell_width(tb, c) - 2 * tb->padx;
    /* The mark stays whole: smaller in a column too narrow for it, and on
     * a line of its own when the text's last line has no room for it. */
    float mark_w = lay_measure(L, tb->continued, &f);
    if (mark_w > w) {
        f.size *= 0.99f * w / mark_w;
        mark_w = lay_measure(L, tb->continued, &f);
    }
    or_status st = OR_OK;
    size_t nl = c->text.tb.nlines;
    if (nl && c->text.tb.lines[nl - 1].width + mark_w > w) {
        st = lay_put(L, &g->marked, '\n', &f, 0, line);
        if (st == OR_OK && g->marked.nhangs)
            st = lay_hang_at(L, &g->marked, 0);
    }
    if (st == OR_OK)
        st = lay_put_str(L, &g->marked, tb->continued, &f, line);
    if (st == OR_OK)
        st = lay_put_str(L, &g->mark, tb->continued, &f, line);
    if (st == OR_OK)
        st = lay_break(L, &g->marked, w, 0, 0, c->align, 0);
    if (st == OR_OK)
        st = lay_break(L, &g->mark, w, 0, 0, c->align, 0);
    return st;
}

/* Starts a part at row a: which cells it holds and what each must show. */
static or_status lay_group_begin(lay *L, lay_group *G, size_t a)
{
    const lay_table *tb = G->tb;
    for (size_t i = 0; i < G->ng; i++) {
        lay_gcell *g = &G->g[i];
        int e = g->c->row + g->c->rowspan;
        g->in_part = false;
        if (e <= (int)a) {
            g->s = g->e = -1;
            continue;
        }
        g->s = g->c->row > (int)a ? g->c->row : (int)a;
        g->e = e;
        g->mark_line = false;
        /* (an empty cell stays empty: there is nothing to mark) */
        if (g->shown && lay_cell_repeats(g->c) && g->c->text.tb.nlines > 0) {
            or_status st = lay_gcell_marks(L, tb, g);
            if (st)
                return st;
            const lay_text *t = lay_gcell_text(g);
            if (!g->was_cut && (g->from == 0 || g->from >= t->tb.nlines)) {
                g->use_marked = true;   /* shown whole: repeat it, marked */
                g->from = 0;
            } else if (g->from < t->tb.nlines) {
                g->mark_line = true;    /* cut: the rest under the mark */
            }                           /* (a cut text that has ended: the box stays empty) */
        }
        const lay_text *t = lay_gcell_text(g);
        g->need = lay_lines_height(t, g->from, t->tb.nlines) + (g->mark_line ? lay_text_height(&g->mark) : 0)
                  + 2 * tb->pady;
    }
    return OR_OK;
}

/* Heights of rows a..end when all of them go in the part, computed as
 * lay_table_prepare does (one-row cells, then spans stretching their last
 * row); returns the part's height. */
static float lay_group_heights(lay_group *G, size_t a)
{
    const lay_table *tb = G->tb;
    size_t n = G->end - a;
    for (size_t k = 0; k < n; k++)
        G->h[k] = tb->line_h + 2 * tb->pady;
    for (size_t i = 0; i < G->ng; i++) {
        const lay_gcell *g = &G->g[i];
        if (g->s >= 0 && g->e - g->s == 1 && g->need > G->h[g->s - (int)a])
            G->h[g->s - (int)a] = g->need;
    }
    for (size_t i = 0; i < G->ng; i++) {
        const lay_gcell *g = &G->g[i];
        if (g->s < 0 || g->e - g->s == 1)
            continue;
        float have = 0;
        for (int k = g->s; k < g->e; k++)
            have += G->h[k - (int)a];
        if (g->need > have)
            G->h[g->e - 1 - (int)a] += g->need - have;
    }
    G->top[0] = 0;
    for (size_t k = 0; k < n; k++)
        G->top[k + 1] = G->top[k] + G->h[k];
    return G->top[n];
}

/* How many whole rows from a fit `room` when the part ends after them:
 * each row as tall as its own cells and the spans ending in it need.
 * *next_h: the height the first row that does not fit would need. */
static size_t lay_group_fit(lay_group *G, size_t a, float room, float *next_h)
{
    const lay_table *tb = G->tb;
    size_t n = G->end - a;
    for (size_t k = 0; k < n; k++)
        G->h[k] = tb->line_h + 2 * tb->pady;
    for (size_t i = 0; i < G->ng; i++) {
        const lay_gcell *g = &G->g[i];
        if (g->s >= 0 && g->e - g->s == 1 && g->need > G->h[g->s - (int)a])
            G->h[g->s - (int)a] = g->need;
    }
    G->top[0] = 0;
    size_t gi = 0;
    for (size_t k = 0; k < n; k++) {
        float hk = G->h[k];
        for (; gi < G->ng && G->g[G->by_end[gi]].c->row + G->g[G->by_end[gi]].c->rowspan <= (int)(a + k + 1); gi++) {
            const lay_gcell *g = &G->g[G->by_end[gi]];
            if (g->s < 0 || g->e - g->s == 1)
                continue;
            float have = G->top[k] - G->top[g->s - (int)a] + hk;
            if (g->need > have)
                hk += g->need - have;
        }
        if (G->top[k] + hk > room + 0.01f) {
            *next_h = hk;
            return k;
        }
        G->h[k] = hk;
        G->top[k + 1] = G->top[k] + hk;
    }
    *next_h = 0;
    return n;
}

/* Lays the part out: rows a..last, row `last` ending at part_h; each cell
 * takes the lines that fit its box.  Returns whether anything moves on
 * (a whole row, or a line). */
static bool lay_group_cut(lay_group *G, size_t a, size_t last, float part_h)
{
    const lay_table *tb = G->tb;
    bool progress = last > a;
    for (size_t i = 0; i < G->ng; i++) {
        lay_gcell *g = &G->g[i];
        if (g->s < 0 || g->s > (int)last)
            continue;
        g->in_part = true;
        g->box_top = G->top[g->s - (int)a];
        g->box_h = (g->e <= (int)last ? G->top[g->e - (int)a] : part_h) - g->box_top;
        const lay_text *t = lay_gcell_text(g);
        float room = g->box_h - 2 * tb->pady - (g->mark_line ? lay_text_height(&g->mark) : 0);
        float used = 0;
        size_t to = g->from;
        while (to < t->tb.nlines && used + lay_line_height(t, to) <= room + 0.01f)
            used += lay_line_height(t, to++);
        g->to = to;
        progress |= to > g->from;
    }
    /* Row `last` ending here moves on too (its cells may be empty). */
    bool row_done = true;
    for (size_t i = 0; i < G->ng; i++) {
        const lay_gcell *g = &G->g[i];
        if (g->in_part && g->e == (int)last + 1 && g->to < lay_gcell_text(g)->tb.nlines)
            row_done = false;
    }
    return progress || row_done;
}

/* line_cut: row `last` is cut between lines. */
static or_status lay_group_paint(lay *L, lay_group *G, float y0, size_t last, bool line_cut)
{
    const lay_table *tb = G->tb;
    for (size_t i = 0; i < G->ng; i++) {
        lay_gcell *g = &G->g[i];
        if (!g->in_part)
            continue;
        const lay_cell *c = g->c;
        const lay_row *row = &tb->rows[c->row];
        dl_color fill;
        bool filled = true;
        if (c->has_fill)
            fill = c->fill;
        else if (row->header)
            fill = lay_gray(0.88f);
        else if (row->total)
            fill = lay_gray(0.93f);
        else if (tb->zebra && (G->body_index + (size_t)c->row - G->r) % 2 == 1)
            fill = lay_gray(0.96f);
        else
            filled = false;
        float x = L->m_left + tb->colx[c->col], w = lay_cell_width(tb, c);
        float y = y0 + g->box_top, h = g->box_h;
        if (dl_rect_add(L->dl, (size_t)L->page, x, lay_pdf_y(L, y + h), w, h, 0.5f, filled ? &fill : NULL) != 0)
            return lay_nomem(L);
        const lay_text *t = lay_gcell_text(g);
        float ty = y + tb->pady;
        if (g->mark_line && g->to > g->from)
            for (size_t li = 0; li < g->mark.tb.nlines; li++) {
                float lh = lay_line_height(&g->mark, li);
                or_status st = lay_draw_line(L, (size_t)L->page, &g->mark, li, x + tb->padx, ty, lh);
                if (st)
                    return st;
                ty += lh;
            }
        /* A text shown whole keeps its vertical alignment, unless its box
         * is cut between lines (it goes on over the page); a cut text
         * starts at the top so that it reads on from the page before. */
        bool whole = !g->mark_line && g->from == 0 && g->to == t->tb.nlines && !(line_cut && g->e > (int)last);
        float text_h = lay_lines_height(t, g->from, g->to);
        if (whole && c->valign == 1)
            ty = y + (h - text_h) / 2;
        else if (whole && c->valign == 2)
            ty = y + h - tb->pady - text_h;
        for (size_t li = g->from; li < g->to; li++) {
            float lh = lay_line_height(t, li);
            or_status st = lay_draw_line(L, (size_t)L->page, t, li, x + tb->padx, ty, lh);
            if (st)
                return st;
            ty += lh;
        }
        g->was_cut |= g->to > g->from && g->to < t->tb.nlines;
        g->from = g->to;
        g->shown = true;
    }
    return OR_OK;
}

typedef struct lay_end_key {
    int end;
    size_t index;
} lay_end_key;

static int lay_end_cmp(const void *pa, const void *pb)
{
    const lay_end_key *a = pa, *b = pb;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void lay_group_free(lay_group *G)
{
    for (size_t i = 0; i < G->ng; i++) {
        lay_text_free(&G->g[i].marked);
        lay_text_free(&G->g[i].mark);
    }
    or_free(G->g);
    or_free(G->by_end);
    or_free(G->h);
    or_free(G->top);
}

static or_status lay_table_header(lay *L, lay_table *tb);

/* Places rows [r, end) (a row group, or one row) that do not fit the room
 * left, part by part over as many pages as they need, the header repeated
 * on each. */
static or_status lay_table_group(lay *L, lay_table *tb, size_t r, size_t end, size_t body_index, float head_h)
{
    lay_group G = {.tb = tb, .r = r, .end = end, .body_index = body_index};
    size_t first = 0, stop;
    while (first < tb->ncells && tb->cells[first].row < (int)r)
        first++;
    for (stop = first; stop < tb->ncells && tb->cells[stop].row < (int)end; stop++)
        ;
    G.ng = stop - first;
    size_t n = end - r;
    G.g = or_calloc(G.ng ? G.ng : 1, sizeof *G.g);
    G.by_end = or_calloc(G.ng ? G.ng : 1, sizeof *G.by_end);
    lay_end_key *keys = or_calloc(G.ng ? G.ng : 1, sizeof *keys);
    G.h = or_calloc(n, sizeof *G.h);
    G.top = or_calloc(n + 1, sizeof *G.top);
    if (!G.g || !G.by_end || !keys || !G.h || !G.top) {
        or_free(keys);
        lay_group_free(&G);
        return lay_nomem(L);
    }
    for (size_t i = 0; i < G.ng; i++) {
        G.g[i].c = &tb->cells[first + i];
        keys[i] = (lay_end_key){G.g[i].c->row + G.g[i].c->rowspan, i};
    }
    qsort(keys, G.ng, sizeof *keys, lay_end_cmp);
    for (size_t i = 0; i < G.ng; i++)
        G.by_end[i] = keys[i].index;
    or_free(keys);

    float full = lay_bottom(L) - L->m_top - head_h;
    or_status st = OR_OK;
    for (size_t a = r; a < end && st == OR_OK;) {
        st = lay_group_begin(L, &G, a);
        if (st)
            break;
        float room = lay_bottom(L) - L->y;
        float all = lay_group_heights(&G, a);
        size_t last;
        float part_h;
        bool line_cut = false;
        if (all <= room + 0.01f) {
            last = end - 1;
            part_h = all;
        } else {
            float next_h;
            size_t fit = a + lay_group_fit(&G, a, room, &next_h);
            if (fit == end) {
                last = end - 1;
                part_h = G.top[n - (a - r)];
            } else if (next_h > full + 0.01f || (fit == a && L->fresh)) {
                last = fit;           /* a row taller than a page: cut it between lines */
                part_h = room;
                line_cut = true;
            } else if (fit > a) {
                last = fit - 1;       /* cut between rows */
                part_h = G.top[fit - a];
                for (size_t i = 0; i < G.ng; i++) {
                    const lay_gcell *g = &G.g[i];
                    if (g->s >= 0 && g->s <= (int)last && g->e > (int)fit
                        && G.top[g->s - (int)a] + g->need > part_h)
                        part_h = G.top[g->s - (int)a] + g->need;
                }
                if (part_h > room)
                    part_h = room;
            } else {
                /* Not one row fits here, and the next one fits a page. */
                st = lay_new_page(L);
                if (st == OR_OK)
                    st = lay_table_header(L, tb);
                L->fresh = true;
                continue;
            }
        }
        if (!lay_group_cut(&G, a, last, part_h)) {
            if (L->fresh) {
                diag_error(L->d, L->path, doc_line(tb->node), "a table cell line taller than a page "
                           "(expected smaller text)");
                L->errors++;
                st = OR_EINPUT;
                break;
            }
            for (size_t i = 0; i < G.ng; i++)
                G.g[i].in_part = false;
            st = lay_new_page(L);
            if (st == OR_OK)
                st = lay_table_header(L, tb);
            L->fresh = true;
            continue;
        }
        st = lay_group_paint(L, &G, L->y, last, line_cut);
        if (st)
            break;
        tb->body_started = true;
        /* Row `last` is done when every cell that ends in it is. */
        bool row_done = true;
        for (size_t i = 0; i < G.ng; i++) {
            const lay_gcell *g = &G.g[i];
            if (g->in_part && g->e == (int)last + 1 && g->from < lay_gcell_text(g)->tb.nlines)
                row_done = false;
        }
        a = row_done ? last + 1 : last;
        lay_flow_line(L, L->y);
        L->y += part_h;
        L->fresh = false;
        if (a < end) {
            st = lay_new_page(L);
            if (st == OR_OK)
                st = lay_table_header(L, tb);
            L->fresh = true;   /* only the header so far */
        }
    }
    lay_group_free(&G);
    return st;
}

/* The height of the continued mark set above a repeated header. */
static float lay_cont_height(const lay_table *tb)
{
    return tb->cont_caption && tb->header_rows ? tb->line_h * 1.2f : 0;
}

static or_status lay_table_header(lay *L, lay_table *tb)
{
    if (!tb->header_rows)
        return OR_OK;
    if (tb->body_started && tb->cont_caption) {
        lay_font f = tb->font;
        f.size *= 0.9f;
        or_status st = lay_text_at(L, (size_t)L->page, L->m_left + L->body_w, L->y + tb->line_h * 0.9f,
                                   tb->cont_caption, &f, 2, NULL);
        if (st)
            return st;
        L->y += lay_cont_height(tb);
    }
    or_status st = lay_table_draw(L, tb, 0, tb->header_rows, L->y, 0, NULL, NULL, 0);
    L->y += lay_rows_height(tb, 0, tb->header_rows);
    L->fresh = false;
    return st;
}

/* A caption above its table, centred; a long one wraps. */
static or_status lay_table_caption(lay *L, const lay_table *tb, const char *caption, long line)
{
    lay_font f = tb->font;
    f.bold = true;
    f.family = L->fam_hei;
    if (lay_measure(L, caption, &f) <= L->body_w) {
        or_status st = lay_text_at(L, (size_t)L->page, L->m_left + L->body_w / 2, L->y + tb->line_h, caption, &f, 1,
                                   NULL);
        L->y += tb->line_h * 1.3f;
        return st;
    }
    lay_text t = {0};
    t.line_h = tb->line_h;
    or_status st = lay_put_str(L, &t, caption, &f, line);
    if (st == OR_OK)
        st = lay_break(L, &t, L->body_w, 0, 0, TB_CENTER, 0);
    for (size_t i = 0; st == OR_OK && i < t.tb.nlines; i++) {
        float size = t.tb.lines[i].max_size;
        float step = i + 1 < t.tb.nlines ? tb->line_h : tb->line_h * 1.3f;
        st = lay_need(L, step);
        if (st == OR_OK)
            st = lay_draw_line(L, (size_t)L->page, &t, i, L->m_left, L->y + tb->line_h - size * 0.86f, size);
        L->y += step;
        L->fresh = false;
    }
    lay_text_free(&t);
    return st;
}

/* The height of a caption, for keeping it with the table's first rows. */
static float lay_caption_height(lay *L, const lay_table *tb, const char *caption)
{
    if (!caption)
        return 0;
    lay_font f = tb->font;
    f.bold = true;
    f.family = L->fam_hei;
    float w = lay_measure(L, caption, &f);
    float lines = w <= L->body_w ? 1 : ceilf(w / L->body_w);
    return tb->line_h * 1.3f + (lines - 1) * tb->line_h;
}

/* printf into a new string (or_free it), or NULL when out of memory. */
static char *lay_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *lay_strdupf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = or_malloc((size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

/* The row after the group that starts at row r (rows joined by row spans). */
static size_t lay_group_end(const lay_table *tb, size_t r)
{
    size_t end = r + 1;
    for (size_t i = tb->row_cell[r]; i < tb->row_cell[end]; i++) {
        const lay_cell *c = &tb->cells[i];
        if ((size_t)(c->row + c->rowspan) > end)
            end = (size_t)(c->row + c->rowspan);
    }
    return end;
}

/* Takes back what the table set since *start (its caption, header and
 * rows on this page) and begins it again on a new page. */
static or_status lay_table_restart(lay *L, lay_table *tb, const char *caption, long line, lay_mark *start)
{
    lay_restore(L, start);
    or_status st = lay_new_page(L);
    *start = lay_save(L);
    if (st == OR_OK && caption)
        st = lay_table_caption(L, tb, caption, line);
    if (st == OR_OK)
        st = lay_table_header(L, tb);
    return st;
}

static or_status lay_table_place(lay *L, lay_table *tb, const char *caption, long line)
{
    bool in_flow = L->no_move;   /* after a heading that may not move: fill this page */
    L->no_move = false;
    or_status st = lay_table_prepare(L, tb);
    if (st) {
        if (st == OR_EINPUT)
            L->errors++;
        return st;
    }
    float head_h = lay_rows_height(tb, 0, tb->header_rows);
    /* Header rows taller than half a page are not repeated: they are laid
     * out once, as the first rows. */
    if (head_h > (lay_bottom(L) - L->m_top) / 2) {
        tb->header_rows = 0;
        head_h = 0;
    }
    head_h += lay_cont_height(tb);
    float cap_h = lay_caption_height(L, tb, caption);
    float first = tb->header_rows < tb->nrows ? tb->rows[tb->header_rows].h : 0;
    if (first > 3 * tb->line_h)
        first = 3 * tb->line_h;
    float page_room = lay_bottom(L) - L->m_top;
    st = lay_need(L, cap_h + head_h + first < page_room ? cap_h + head_h + first : page_room);
    if (st)
        return st;
    lay_mark start = lay_save(L);
    if (caption) {
        st = lay_table_caption(L, tb, caption, line);
        if (st)
            return st;
    }
    st = lay_table_header(L, tb);
    bool only_header = true;
    size_t body_index = 0, rows_here = 0;   /* body rows on this page */
    for (size_t r = tb->header_rows; r < tb->nrows && st == OR_OK;) {
        /* A unit: rows joined by row spans, kept on one page when they fit. */
        size_t end = lay_group_end(tb, r);
        float h = lay_rows_height(tb, r, end);
        float full = lay_bottom(L) - L->m_top - head_h;
        float room = lay_bottom(L) - L->y;
        /* At least two body rows on each side of a page break: a row that
         * fits but would be the only one on this page, or that would leave
         * one row alone (or a total row) for the next, moves on with the
         * rows after it.  Single rows only; row groups keep their rules. */
        if (end == r + 1 && L->y + h <= lay_bottom(L) + 0.01f && end < tb->nrows && lay_group_end(tb, end) == end + 1) {
            float h2 = tb->rows[end].h;
            bool next_breaks = L->y + h + h2 > lay_bottom(L) + 0.01f;
            bool alone_here = rows_here == 0;
            bool last_two = end + 1 == tb->nrows || tb->rows[end].total;
            bool fits_fresh = h + h2 <= full + 0.01f;
            if (next_breaks && fits_fresh && ((alone_here && !only_header) || (last_two && rows_here >= 2))) {
                st = lay_new_page(L);
                if (st == OR_OK)
                    st = lay_table_header(L, tb);
                rows_here = 0;
                continue;
            }
            if (next_breaks && fits_fresh && alone_here && only_header && !start.fresh && start.page == L->page
                && !in_flow) {
                /* The first row alone under caption and header: the table starts on the next page. */
                st = lay_table_restart(L, tb, caption, line, &start);
                continue;
            }
        }
        if (L->y + h > lay_bottom(L) + 0.01f) {
            /* A group that fits a fresh page moves there, unless that
             * would leave more than half of this page empty: then it is
             * cut between its rows, as a group taller than a page is. */
            bool fill = end - r > 1 && room > full / 2 && tb->rows[r].h <= room + 0.01f;
            bool moves = h <= full + 0.01f && !fill && !(in_flow && only_header && tb->rows[r].h <= room + 0.01f);
            /* Nothing of the body would stay under the caption and header
             * (the first row moves on): the table starts on the next page. */
            bool row_here = tb->rows[r].h <= room + 0.01f || tb->rows[r].h > full + 0.01f;
            if (only_header && !start.fresh && start.page == L->page && (moves || !row_here)) {
                st = lay_table_restart(L, tb, caption, line, &start);
                continue;
            }
            if (moves) {
                if (!only_header || !L->fresh) {
                    st = lay_new_page(L);
                    if (st == OR_OK)
                        st = lay_table_header(L, tb);
                    if (st)
                        return st;
                    rows_here = 0;
                }
            } else {
                size_t page_before = (size_t)L->page;
                st = lay_table_group(L, tb, r, end, body_index, head_h);
                body_index += end - r;
                only_header = false;
                tb->body_started = true;
                rows_here = (size_t)L->page == page_before ? rows_here + (end - r) : 2;
                r = end;
                continue;
            }
        }
        st = lay_table_draw(L, tb, r, end, L->y, 0, NULL, NULL, body_index);
        lay_flow_line(L, L->y);
        L->y += h;
        L->fresh = false;
        only_header = false;
        tb->body_started = true;
        rows_here += end - r;
        body_index += end - r;
        r = end;
    }
    if (st == OR_OK)
        lay_gap(L, L->gbt ? 0 : 0.5f * L->line_h);
    return st;
}

static lay_font lay_table_font(lay *L, xmlNodePtr n)
{
    lay_font f = lay_body_font(L);
    f.family = lay_family(L, n, "font", L->fam_song);
    f.size = doc_attr_size(n, "size", L->gbt ? 12 : 10.5f);
    return f;
}

/* The mark after a cell's text where it continues on the next page. */
static const char *lay_continued_mark(xmlNodePtr n)
{
    const char *mark = doc_attr(n, "continued");
    return mark ? mark : "（续）";
}

static void lay_table_metrics(lay_table *tb)
{
    tb->padx = tb->font.size * 0.4f;
    tb->pady = tb->font.size * 0.3f;
    tb->line_h = tb->font.size * 1.35f;
}

static or_status lay_table_block(lay *L, xmlNodePtr n)
{
    lay_table tb = {.node = n, .widths = doc_attr(n, "widths"), .columns = doc_attr(n, "columns"),
                    .zebra = doc_attr_bool(n, "zebra", false), .continued = lay_continued_mark(n)};
    tb.font = lay_table_font(L, n);
    lay_table_metrics(&tb);
    or_status st = OR_OK;
    bool in_header = true;
    for (xmlNodePtr r = n->children; r && st == OR_OK; r = r->next) {
        if (!doc_is(r, "tr"))
            continue;
        bool header = doc_attr_bool(r, "header", false);
        bool total = doc_attr_bool(r, "total", false);
        if (header && !in_header) {
            diag_error(L->d, L->path, doc_line(r), "a header row after body rows (expected header rows first)");
            st = OR_EINPUT;
            break;
        }
        in_header = header;
        st = lay_table_row(L, &tb, header, total);
        for (xmlNodePtr c = r->children; c && st == OR_OK; c = c->next) {
            if (!doc_is(c, "td"))
                continue;
            lay_cell *cell = lay_table_cell(L, &tb);
            if (!cell) {
                st = OR_ESYS;
                break;
            }
            cell->node = c;
            cell->row = (int)tb.nrows - 1;
            cell->colspan = doc_attr_int(c, "colspan", 1);
            cell->rowspan = doc_attr_int(c, "rowspan", 1);
            cell->bold = doc_attr_bool(c, "bold", header || total);
            cell->align = lay_align(doc_attr(c, "align"), header ? TB_CENTER : TB_LEFT);
            cell->align_set = doc_attr(c, "align") != NULL;
            const char *va = doc_attr(c, "valign");
            cell->valign = !va ? 1 : strcmp(va, "top") == 0 ? 0 : strcmp(va, "bottom") == 0 ? 2 : 1;
            if (doc_attr(c, "fill")) {
                cell->has_fill = true;
                cell->fill = lay_parse_color(doc_attr(c, "fill"), DL_BLACK);
            }
        }
        if (header)
            tb.header_rows = tb.nrows;
    }
    int hr = doc_attr_int(n, "header-rows", -1);
    if (hr >= 0 && (size_t)hr <= tb.nrows) {
        tb.header_rows = (size_t)hr;
        for (size_t i = 0; i < tb.nrows; i++)
            tb.rows[i].header = i < (size_t)hr;
    }
    if (st == OR_OK && (tb.nrows == 0 || tb.ncells == 0)) {
        diag_error(L->d, L->path, doc_line(n), "an empty table (expected <tr> rows with <td> cells)");
        st = OR_EINPUT;
    }
    if (st == OR_EINPUT)
        L->errors++;
    /* A table with a caption is numbered (表 N, counted per document or
     * part) unless numbered="false" or the caption already starts with
     * the label and a number; continued pages carry 续表 (N). */
    const char *caption = doc_attr(n, "caption");
    const char *label = doc_attr(L->root, "table-label");
    const char *cont = doc_attr(L->root, "table-continued");
    label = label ? label : "表";
    cont = cont ? cont : "续表";
    char *numbered = NULL, *cont_caption = NULL;
    size_t llen = strlen(label);
    bool own_number = caption && llen && strncmp(caption, label, llen) == 0
                      && (caption[llen] >= '0' && caption[llen] <= '9');
    if (st == OR_OK && caption && *caption && doc_attr_bool(n, "numbered", true) && !own_number) {
        L->tnum++;
        numbered = lay_strdupf("%s%d\u3000%s", label, L->tnum, caption);
        cont_caption = lay_strdupf("%s%d", cont, L->tnum);
        if (!numbered || !cont_caption)
            st = lay_nomem(L);
        caption = numbered;
    } else if (st == OR_OK && *cont) {
        cont_caption = lay_strdupf("%s", cont);
        if (!cont_caption)
            st = lay_nomem(L);
    }
    const char *own_cont = doc_attr(n, "continued-caption");
    tb.cont_caption = own_cont ? (*own_cont ? own_cont : NULL) : cont_caption;
    if (st == OR_OK)
        st = lay_table_place(L, &tb, caption, doc_line(n));
    or_free(numbered);
    or_free(cont_caption);
    lay_table_free(&tb);
    return st;
}

/* A key-value form is a table: label cells shaded, value cells beside them. */

static or_status lay_form(lay *L, xmlNodePtr n)
{
    lay_table tb = {.node = n, .continued = lay_continued_mark(n)};
    tb.font = lay_table_font(L, n);
    lay_table_metrics(&tb);
    int columns = doc_attr_int(n, "columns", 2);
    if (columns < 1 || columns > 4) {
        diag_error(L->d, L->path, doc_line(n), "columns=\"%d\" on <form> (expected 1 to 4)", columns);
        L->errors++;
        return OR_EINPUT;
    }
    float label_w = doc_attr_length(n, "label-width", tb.font.size, L->body_w, 0);
    char widths[256] = "";
    size_t wl = 0;
    for (int i = 0; i < columns; i++)
        wl += (size_t)snprintf(widths + wl, sizeof widths - wl, label_w > 0 ? "%.2fpt 1* " : "auto 1* ", label_w);
    tb.widths = widths;
    or_status st = OR_OK;
    int used = columns;
    for (xmlNodePtr k = n->children; k && st == OR_OK; k = k->next) {
        if (!doc_is(k, "field"))
            continue;
        int span = doc_attr_int(k, "span", 1);
        if (span > columns)
            span = columns;
        if (used + span > columns) {
            st = lay_table_row(L, &tb, false, false);
            used = 0;
        }
        lay_cell *label = st == OR_OK ? lay_table_cell(L, &tb) : NULL;
        lay_cell *value = label ? lay_table_cell(L, &tb) : NULL;
        if (!value) {
            st = OR_ESYS;
            break;
        }
        label = &tb.cells[tb.ncells - 2];
        const char *lt = doc_attr(k, "label");
        *label = (lay_cell){.literal = lt ? lt : "", .row = (int)tb.nrows - 1, .colspan = 1, .rowspan = 1,
                            .align = TB_CENTER, .valign = 1, .bold = true, .has_fill = true, .fill = lay_gray(0.92f),
                            .repeat = true};
        value->node = k;
        value->row = (int)tb.nrows - 1;
        value->colspan = span * 2 - 1;
        used += span;
    }
    /* Close the last row's gap so the grid stays rectangular. */
    if (st == OR_OK && used < columns && tb.ncells > 0)
        tb.cells[tb.ncells - 1].colspan += (columns - used) * 2;
    if (st == OR_OK && tb.ncells == 0) {
        diag_error(L->d, L->path, doc_line(n), "an empty form (expected <field> elements)");
        L->errors++;
        st = OR_EINPUT;
    }
    if (st == OR_OK)
        st = lay_table_place(L, &tb, NULL, doc_line(n));
    lay_table_free(&tb);
    return st;
}

/* --- cover, contents, running heads ------------------------------------------ */

static or_status lay_blocks(lay *L, xmlNodePtr parent);

static or_status lay_centered(lay *L, xmlNodePtr n, lay_font f, float line_factor, tb_align align)
{
    lay_text t = {0};
    t.line_h = f.size * line_factor;
    or_status st = lay_collect(L, &t, n, &f);
    if (st == OR_OK)
        st = lay_break(L, &t, L->body_w, 0, 0, align, 0);
    if (st == OR_OK)
        st = lay_place_text(L, &t, 0);
    lay_text_free(&t);
    return st;
}

/* Label–value lines of a cover, as one centred block: labels right-aligned
 * against a column of underlined values that wrap when long. */
static or_status lay_cover_fields(lay *L, xmlNodePtr first)
{
    lay_font lf = lay_body_font(L);
    lf.family = L->fam_hei;
    lay_font vf = lay_body_font(L);
    vf.family = L->fam_song;
    float label_w = 0, value_w = L->body_w * 0.55f;
    for (xmlNodePtr k = first; k; k = k->next)
        if (doc_is(k, "field")) {
            const char *label = doc_attr(k, "label");
            float w = label ? lay_measure(L, label, &lf) + lf.size : 0;
            if (w > label_w)
                label_w = w;
        }
    float x = L->m_left + (L->body_w - label_w - value_w) / 2;
    float lh = L->line_h * 1.4f;
    for (xmlNodePtr k = first; k; k = k->next) {
        if (!doc_is(k, "field"))
            continue;
        lay_text t = {0};
        t.line_h = lh;
        or_status st = lay_collect(L, &t, k, &vf);
        if (st == OR_OK)
            st = lay_break(L, &t, value_w, 0, 0, TB_CENTER, 0);
        /* A value kept on one page when it fits one; a longer one goes on
         * over the next page (the cover then takes two). */
        float text_h = (float)t.tb.nlines * lh;
        if (text_h > lay_bottom(L) - L->m_top)
            text_h = 2 * lh;
        if (st == OR_OK)
            st = lay_need(L, text_h > lh ? text_h : lh);
        float top = L->y;
        const char *label = doc_attr(k, "label");
        if (st == OR_OK && label) {
            char text[512];
            snprintf(text, sizeof text, "%s：", label);
            st = lay_text_at(L, (size_t)L->page, x + label_w, top + lh * 0.7f, text, &lf, 2, NULL);
        }
        for (size_t i = 0; st == OR_OK && i < t.tb.nlines; i++) {
            if (i > 0)
                st = lay_need(L, lh);
            if (st)
                break;
            float line_top = L->y;
            st = lay_draw_line(L, (size_t)L->page, &t, i, x + label_w, line_top, lh);
            float uy = line_top + lh * 0.7f + 4;
            if (st == OR_OK && dl_line_add(L->dl, (size_t)L->page, x + label_w, lay_pdf_y(L, uy), x + label_w + value_w,
                                           lay_pdf_y(L, uy), 0.6f, DL_BLACK) != 0)
                st = lay_nomem(L);
            L->y += lh;
            L->fresh = false;
        }
        if (st == OR_OK && t.tb.nlines == 0)
            L->y += lh;
        lay_text_free(&t);
        if (st)
            return st;
        L->fresh = false;
    }
    return OR_OK;
}

static or_status lay_cover(lay *L, xmlNodePtr n)
{
    or_status st = L->fresh && L->page >= 0 ? OR_OK : lay_new_page(L);
    if (st)
        return st;
    L->y = L->m_top + (lay_bottom(L) - L->m_top) * 0.18f;
    bool fields_done = false;
    for (xmlNodePtr k = n->children; k && st == OR_OK; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        lay_font f = lay_body_font(L);
        if (doc_is(k, "title")) {
            f.family = lay_family(L, k, "font", L->fam_hei);
            f.size = doc_attr_size(k, "size", 26);
            st = lay_centered(L, k, f, 1.5f, TB_CENTER);
            L->y += f.size * 0.8f;
        } else if (doc_is(k, "subtitle")) {
            f.family = lay_family(L, k, "font", L->fam_kai);
            f.size = doc_attr_size(k, "size", 18);
            st = lay_centered(L, k, f, 1.6f, TB_CENTER);
        } else if (doc_is(k, "line")) {
            f.family = lay_family(L, k, "font", L->fam_song);
            f.size = doc_attr_size(k, "size", 16);
            st = lay_centered(L, k, f, 1.8f, lay_align(doc_attr(k, "align"), TB_CENTER));
        } else if (doc_is(k, "field")) {
            if (!fields_done) {
                L->y += L->line_h * 2;
                st = lay_cover_fields(L, k);
                L->y += L->line_h * 2;
                fields_done = true;
            }
        } else {
            /* Other blocks take the flow; wrap them in a temporary parent. */
            xmlNodePtr next = k->next;
            k->next = NULL;
            xmlNodePtr saved = n->children;
            n->children = k;
            st = lay_blocks(L, n);
            n->children = saved;
            k->next = next;
        }
    }
    if (st == OR_OK) {
        /* A cover is a page of its own: what follows starts the next one. */
        L->cover_pages = (size_t)L->page + 1;
        st = lay_new_page(L);
    }
    return st;
}

static size_t lay_logical(const lay *L, size_t page) { return page + 1 - L->cover_pages; }

static or_status lay_toc(lay *L, xmlNodePtr n)
{
    or_status st = L->fresh && L->page >= 0 ? OR_OK : lay_new_page(L);
    if (st)
        return st;
    const char *title = doc_attr(n, "title");
    int depth = doc_attr_int(n, "depth", 2);
    lay_font tf = lay_body_font(L);
    tf.family = L->fam_hei;
    tf.size = 18;
    st = lay_text_at(L, (size_t)L->page, L->m_left + L->body_w / 2, L->y + tf.size, title ? title : "目　录", &tf, 1, NULL);
    L->y += tf.size * 2.5f;
    L->fresh = false;
    lay_font f = lay_body_font(L);
    f.size = L->gbt ? 14 : 12;
    float num_w = f.size * 3;
    for (size_t i = 0; i < L->nprev && st == OR_OK; i++) {
        const lay_toc_entry *e = &L->prev[i];
        if (e->level > depth)
            continue;
        lay_font ef = f;
        ef.family = e->level == 1 ? L->fam_hei : L->fam_body;
        lay_text t = {0};
        t.line_h = f.size * 1.9f;
        float indent = (float)(e->level - 1) * 2 * f.size;
        st = lay_put_str(L, &t, e->title, &ef, doc_line(n));
        if (st == OR_OK)
            st = lay_break(L, &t, L->body_w - num_w - indent, indent, indent, TB_LEFT, 0);
        if (st == OR_OK && t.tb.nlines > 0) {
            float h = lay_text_height(&t);
            st = lay_need(L, h);
            if (st == OR_OK)
                st = lay_place_text(L, &t, 0);
            /* Dot leader from the end of the last line to the page number. */
            float end_x = L->m_left + t.tb.lines[t.tb.nlines - 1].width + f.size * 0.5f;
            float base = L->y - lay_line_height(&t, t.tb.nlines - 1) / 2 + f.size * 0.35f;
            float num_x = L->m_left + L->body_w;
            for (float x = end_x; st == OR_OK && x < num_x - num_w + f.size; x += f.size * 0.5f) {
                dl_op op = {.kind = DL_RECT};
                op.u.rect = (dl_rect){x, lay_pdf_y(L, base) + 1, 0.9f, 0.9f, 0, true, DL_BLACK, DL_BLACK};
                st = lay_push(L, (size_t)L->page, &op);
            }
            char num[32];
            snprintf(num, sizeof num, "%zu", e->page >= L->cover_pages ? lay_logical(L, e->page) : 0);
            if (st == OR_OK)
                st = lay_text_at(L, (size_t)L->page, num_x, base, num, &f, 2, NULL);
        }
        lay_text_free(&t);
    }
    if (st == OR_OK)
        st = lay_new_page(L);
    return st;
}

/* Replaces {page} {pages} {title} {section} in a running-head template. */
static or_status lay_fields(lay *L, const char *tmpl, size_t page, buf *out)
{
    const char *title = doc_attr(L->root, "title");
    /* The section of a page: the first level-1 heading that begins on it,
     * else the last one begun before it. */
    const char *section = "";
    for (size_t i = 0; i < L->nsections && L->sections[i].page <= page; i++) {
        section = L->sections[i].title;
        if (L->sections[i].page == page)
            break;
    }
    buf_reset(out);
    for (const char *p = tmpl; *p;) {
        if (strncmp(p, "{page}", 6) == 0) {
            buf_printf(out, "%zu", lay_logical(L, page));
            p += 6;
        } else if (strncmp(p, "{pages}", 7) == 0) {
            buf_printf(out, "%zu", L->dl->npages - L->cover_pages);
            p += 7;
        } else if (strncmp(p, "{title}", 7) == 0) {
            buf_puts(out, title ? title : "");
            p += 7;
        } else if (strncmp(p, "{section}", 9) == 0) {
            buf_puts(out, section);
            p += 9;
        } else {
            buf_putc(out, *p++);
        }
    }
    if (out->failed && strlen(tmpl) + (title ? strlen(title) : 0) + strlen(section) > out->max / 4) {
        /* the buffer's cap, not memory: a title or heading pages long */
        diag_error(L->d, L->path, doc_line(L->root), "a running header or footer of page %zu would be longer than "
                   "%zu bytes (expected a shorter document title or level-1 heading for {title}/{section})",
                   page + 1, out->max);
        L->errors++;
        return OR_EINPUT;
    }
    return out->failed ? lay_nomem(L) : OR_OK;
}

static xmlNodePtr lay_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr k = parent->children; k; k = k->next)
        if (doc_is(k, name))
            return k;
    return NULL;
}

/* Cuts `s` to fit `max_w` with an ellipsis after what is kept. */
static or_status lay_fit_width(lay *L, const char *s, const lay_font *f, float max_w, buf *out)
{
    float ell = lay_measure(L, "…", f), w = 0;
    size_t len = strlen(s), pos = 0;
    buf_reset(out);
    while (pos < len) {
        size_t at = pos;
        utf8_next(s, len, &pos, NULL);
        char one[8] = {0};
        memcpy(one, s + at, pos - at < 7 ? pos - at : 7);
        float cw = lay_measure(L, one, f);
        if (w + cw + ell > max_w)
            break;
        w += cw;
        buf_append(out, s + at, pos - at);
    }
    buf_puts(out, "…");
    return out->failed ? lay_nomem(L) : OR_OK;
}

/* Draws one running head (header or footer) on `page` at `baseline`.  A
 * field too long for its place (a long title or section) is cut with an
 * ellipsis so that left and right never run into each other. */
static or_status lay_running(lay *L, xmlNodePtr spec, const char *const defaults[5], size_t page, float baseline,
                             const lay_font *f, buf *tmp)
{
    static const char *const keys[] = {"left", "center", "right", "outer", "inner"};
    bool odd = lay_logical(L, page) % 2 == 1;
    float inset = L->gbt ? f->size : 0;
    char *text[5] = {NULL};
    int side[5];
    float width[5] = {0}, side_w[3] = {0};
    or_status st = OR_OK;
    for (int i = 0; i < 5 && st == OR_OK; i++) {
        const char *tmpl = spec ? doc_attr(spec, keys[i]) : defaults[i];
        if (!tmpl || !*tmpl)
            continue;
        st = lay_fields(L, tmpl, page, tmp);
        if (st)
            break;
        text[i] = or_strdup(buf_cstr(tmp));
        if (!text[i]) {
            st = lay_nomem(L);
            break;
        }
        side[i] = i == 0 ? 0 : i == 1 ? 1 : i == 2 ? 2 : (i == 3) == odd ? 2 : 0;
        width[i] = lay_measure(L, text[i], f);
        side_w[side[i]] += width[i];
    }
    float room = L->body_w - 2 * inset, gap = 2 * f->size;
    float max_w[3] = {room, room, room};
    if (side_w[0] > 0 && side_w[2] > 0 && side_w[0] + side_w[2] + gap > room) {
        float half = (room - gap) / 2;
        max_w[0] = side_w[2] <= half ? room - gap - side_w[2] : side_w[0] <= half ? side_w[0] : half;
        max_w[2] = room - gap - (side_w[0] < max_w[0] ? side_w[0] : max_w[0]);
    }
    for (int i = 0; i < 5 && st == OR_OK; i++) {
        if (!text[i])
            continue;
        const char *shown = text[i];
        if (width[i] > max_w[side[i]] + 0.01f) {
            st = lay_fit_width(L, text[i], f, max_w[side[i]], tmp);
            shown = buf_cstr(tmp);
        }
        float x = side[i] == 0 ? L->m_left + inset : side[i] == 1 ? L->m_left + L->body_w / 2
                                                                    : L->m_left + L->body_w - inset;
        if (st == OR_OK)
            st = lay_text_at(L, page, x, baseline, shown, f, side[i], NULL);
    }
    for (int i = 0; i < 5; i++)
        or_free(text[i]);
    return st;
}

static or_status lay_decorate(lay *L)
{
    xmlNodePtr hspec = lay_child(L->root, "header"), fspec = lay_child(L->root, "footer");
    static const char *const report_header[5] = {"{title}", NULL, "{section}", NULL, NULL};
    static const char *const report_footer[5] = {NULL, "第 {page} 页 共 {pages} 页", NULL, NULL, NULL};
    static const char *const gbt_header[5] = {NULL, NULL, NULL, NULL, NULL};
    static const char *const gbt_footer[5] = {NULL, NULL, NULL, "— {page} —", NULL};
    const char *conf = doc_attr(L->root, "confidential");
    if (conf && (strcmp(conf, "false") == 0 || !*conf))
        conf = NULL;
    else if (conf && strcmp(conf, "true") == 0)
        conf = "内部资料　注意保密";
    lay_font hf = lay_body_font(L);
    hf.family = L->fam_song;
    hf.size = hspec ? doc_attr_size(hspec, "size", L->header_size) : L->header_size;
    lay_font ff = hf;
    ff.size = fspec ? doc_attr_size(fspec, "size", L->footer_size) : L->footer_size;
    bool header_rule = hspec ? doc_attr_bool(hspec, "rule", true) : !L->gbt;
    buf tmp;
    buf_init(&tmp, 64 * 1024);
    or_status st = OR_OK;
    for (size_t p = 0; p < L->dl->npages && st == OR_OK; p++) {
        if (conf) {
            lay_font cf = hf;
            cf.family = L->fam_hei;
            cf.size = 10.5f;
            st = lay_text_at(L, p, L->page_w - L->m_right, L->m_top * 0.45f, conf, &cf, 2, NULL);
        }
        if (p < L->cover_pages || st)
            continue;
        float hbase = L->m_top - hf.size * 0.6f - 4;
        st = lay_running(L, hspec, L->gbt ? gbt_header : report_header, p, hbase, &hf, &tmp);
        if (st == OR_OK && header_rule && (hspec || !L->gbt)
            && dl_line_add(L->dl, p, L->m_left, lay_pdf_y(L, L->m_top - 3), L->m_left + L->body_w,
                           lay_pdf_y(L, L->m_top - 3), 0.5f, LAY_RULE) != 0)
            st = lay_nomem(L);
        float fbase = L->gbt ? lay_bottom(L) + MM(7) + ff.size * 0.8f : lay_bottom(L) + ff.size + 12;
        if (st == OR_OK)
            st = lay_running(L, fspec, L->gbt ? gbt_footer : report_footer, p, fbase, &ff, &tmp);
    }
    buf_free(&tmp);
    return st;
}

/* --- blocks ---------------------------------------------------------------- */

static or_status lay_keep(lay *L, xmlNodePtr n)
{
    bool in_flow = L->no_move;   /* after a heading that may not move: stay in the flow */
    L->no_move = false;
    lay_mark m = lay_save(L);
    or_status st = lay_blocks(L, n);
    if (st || L->page == m.page || m.fresh || m.page < 0 || in_flow)
        return st;
    /* Over three pages or more it is taller than a page: a fresh page
     * would not hold it either, and it stays in the flow where it is. */
    if (L->page - m.page >= 2)
        return OR_OK;
    /* It ran over a page: start it on a fresh page instead. */
    lay_restore(L, &m);
    st = lay_new_page(L);
    if (st)
        return st;
    lay_mark fresh = lay_save(L);
    st = lay_blocks(L, n);
    if (st || L->page == fresh.page)
        return st;
    /* Taller than a page after all: back to where it stood, in the flow. */
    lay_restore(L, &m);
    return lay_blocks(L, n);
}

static or_status lay_toc_add(lay *L, int level, const char *title, size_t page)
{
    char *t = or_strdup(title);
    if (!t || or_grow(&L->toc, &L->toc_cap, L->ntoc + 1, sizeof *L->toc) != 0) {
        or_free(t);
        return lay_nomem(L);
    }
    L->toc[L->ntoc++] = (lay_toc_entry){level, t, page};
    return OR_OK;
}

/* A part of a packet: a document of its own inside a larger one.  It
 * starts a page under its title, numbers its headings from 一、 again and
 * nests them one level below its own bookmark and contents entry. */
static or_status lay_part(lay *L, xmlNodePtr n)
{
    or_status st = L->fresh && L->page >= 0 ? OR_OK : lay_new_page(L);
    if (st)
        return st;
    const char *title = doc_attr(n, "title");
    if (!title)
        title = "";
    if (dl_add_bookmark(L->dl, 1, title, (size_t)L->page, lay_pdf_y(L, L->y)) != 0)
        return lay_nomem(L);
    st = lay_toc_add(L, 1, title, (size_t)L->page);
    if (st == OR_OK && or_grow(&L->sections, &L->sections_cap, L->nsections + 1, sizeof *L->sections) == 0) {
        char *sec = or_strdup(title);
        if (!sec)
            return lay_nomem(L);
        L->sections[L->nsections++] = (lay_section){(size_t)L->page, sec};
    } else if (st == OR_OK) {
        return lay_nomem(L);
    }
    if (st)
        return st;
    lay_font f = lay_body_font(L);
    f.family = L->fam_hei;
    f.size = 22;
    lay_text t = {0};
    t.line_h = f.size * 1.5f;
    st = lay_put_str(L, &t, title, &f, doc_line(n));
    if (st == OR_OK)
        st = lay_break(L, &t, L->body_w, 0, 0, TB_CENTER, 0);
    if (st == OR_OK)
        st = lay_place_text(L, &t, 0);
    lay_text_free(&t);
    L->y += L->line_h;
    memset(L->hnum, 0, sizeof L->hnum);
    L->nfig = 0;
    L->tnum = 0;
    L->level_offset = 1;
    if (st == OR_OK)
        st = lay_blocks(L, n);
    L->level_offset = 0;
    return st;
}

static or_status lay_block(lay *L, xmlNodePtr k)
{
    const char *name = (const char *)k->name;
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '4' && name[2] == '\0')
        return lay_heading(L, k, name[1] - '0');
    if (doc_is(k, "p"))
        return lay_paragraph(L, k);
    if (doc_is(k, "list"))
        return lay_list(L, k);
    if (doc_is(k, "table"))
        return lay_table_block(L, k);
    if (doc_is(k, "form"))
        return lay_form(L, k);
    if (doc_is(k, "check"))
        return lay_check(L, k);
    if (doc_is(k, "signature"))
        return lay_signature(L, k);
    if (doc_is(k, "seal"))
        return lay_seal(L, k);
    if (doc_is(k, "image"))
        return lay_image(L, k);
    if (doc_is(k, "chart"))
        return lay_chart(L, k);
    if (doc_is(k, "keep"))
        return lay_keep(L, k);
    if (doc_is(k, "part"))
        return lay_part(L, k);
    if (doc_is(k, "cover"))
        return lay_cover(L, k);
    if (doc_is(k, "toc"))
        return lay_toc(L, k);
    if (doc_is(k, "page-break"))
        return L->fresh && L->page >= 0 ? OR_OK : lay_new_page(L);
    if (doc_is(k, "spacer")) {
        float h = doc_attr_length(k, "height", L->body_size, L->body_w, L->line_h);
        if (L->y + h > lay_bottom(L))
            return lay_new_page(L);
        L->y += h;
        return OR_OK;
    }
    return OR_OK;   /* page-setup, header, footer: read elsewhere */
}

/* Lays out `next` after headings that ended on the current page and tells
 * whether it left them stranded: it went on to another page with less than
 * two body lines of itself under the headings. */
static or_status lay_after_headings(lay *L, xmlNodePtr next, bool *stranded)
{
    long hpage = L->page;
    float from = L->y;
    L->watch_page = hpage;
    or_status st = lay_block(L, next);
    L->watch_page = -1;
    *stranded = st == OR_OK && L->page != hpage && L->watch_end - from < 2 * L->line_h - 0.01f;
    return st;
}

static bool lay_is_heading(xmlNodePtr k)
{
    const char *name = (const char *)k->name;
    return k->type == XML_ELEMENT_NODE && name[0] == 'h' && name[1] >= '1' && name[1] <= '4' && name[2] == '\0';
}

/* A block kept with the next one: a heading, a lead-in paragraph (one
 * whose text ends in ： or :, unless keep-with-next="false"), and a <p> or
 * <keep> with keep-with-next="true". */
static bool lay_with_next(xmlNodePtr k)
{
    if (lay_is_heading(k))
        return true;
    if (k->type != XML_ELEMENT_NODE || (!doc_is(k, "p") && !doc_is(k, "keep")))
        return false;
    if (doc_attr(k, "keep-with-next"))
        return doc_attr_bool(k, "keep-with-next", false);
    if (!doc_is(k, "p"))
        return false;
    char *t = lay_plain_text(k);   /* out of memory: not kept, which only costs looks */
    if (!t)
        return false;
    size_t n = strlen(t);
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\n'))
        n--;
    bool lead = (n >= 3 && memcmp(t + n - 3, "：", 3) == 0) || (n > 0 && t[n - 1] == ':');
    or_free(t);
    return lead;
}

/* A sign-off block: a <signature>, a <seal>, or a <keep> holding one. */
static bool lay_is_signoff(xmlNodePtr k)
{
    if (doc_is(k, "signature") || doc_is(k, "seal"))
        return true;
    if (!doc_is(k, "keep"))
        return false;
    for (xmlNodePtr c = k->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && lay_is_signoff(c))
            return true;
    return false;
}

static xmlNodePtr lay_next_element(xmlNodePtr k)
{
    for (k = k->next; k; k = k->next)
        if (k->type == XML_ELEMENT_NODE)
            return k;
    return NULL;
}

static void lay_shift_op(dl_op *op, float dy)
{
    switch (op->kind) {
    case DL_TEXT: op->u.text.y += dy; break;
    case DL_LINE: op->u.line.y1 += dy; op->u.line.y2 += dy; break;
    case DL_RECT: op->u.rect.y += dy; break;
    case DL_IMAGE: op->u.image.y += dy; break;
    case DL_MISSING: op->u.missing.y += dy; break;
    case DL_PATH: {
        float *xy = (float *)op->u.path.xy;   /* the page's own copy */
        for (size_t i = 0; i < op->u.path.npoints; i++)
            xy[2 * i + 1] += dy;
        break;
    }
    }
}

/* Shrinks the spaces between blocks on the page of `m` (those before the
 * mark) to `factor` of their size as set (never below it), moving what
 * lies under each space up; their sizes before go to saved[].  With
 * `undo`, puts back the sizes in saved[].  Returns how much room that
 * made (or, undoing, gave back). */
static float lay_shrink(lay *L, const lay_mark *m, float factor, float *saved, bool undo)
{
    lay_gaps *G = m->page >= 0 ? lay_page_gaps(L, m->page) : NULL;
    if (!G || G->n == 0)
        return 0;
    float d[LAY_MAX_GAPS], total = 0;
    for (size_t i = 0; i < G->n; i++) {
        float h = G->g[i].h, to = undo ? saved[i] : G->g[i].h0 * factor;
        if (!undo)
            saved[i] = h;
        if (!undo && to > h)
            to = h;
        d[i] = undo ? to - h : h - to;
        G->g[i].h = to;
        total += d[i];
    }
    float sign = undo ? -1 : 1;
    dl_page *pg = &L->dl->pages[m->page];
    float shift = 0;
    for (size_t j = 0, gi = 0; j < pg->nops; j++) {
        while (gi < G->n && G->g[gi].nops <= j)
            shift += d[gi++];
        if (shift > 0)
            lay_shift_op(&pg->ops[j], sign * shift);
    }
    for (size_t k = 0; k < L->dl->nmarks; k++) {
        if (L->dl->marks[k].page != (size_t)m->page)
            continue;
        float sh = 0;
        for (size_t i = 0; i < G->n && G->g[i].nmarks <= k; i++)
            sh += d[i];
        L->dl->marks[k].y += sign * sh;
    }
    return total;
}

/* Lays out a chain of blocks kept with the next (headings, lead-ins) and
 * the block after them, and tells whether the chain was stranded: one of
 * its blocks left alone at a page foot, or `next` with less than two lines
 * under it.  `in_flow`: `next` is set from here on, not moved. */
static or_status lay_chain(lay *L, xmlNodePtr *chain, size_t n, xmlNodePtr next, bool in_flow, lay_prev *pv,
                           bool *stranded)
{
    *stranded = false;
    or_status st = OR_OK;
    for (size_t i = 0; i < n && st == OR_OK; i++) {
        long page = L->page;
        size_t nops = L->dl->pages[page].nops;
        st = lay_block(L, chain[i]);
        if (st == OR_OK && i > 0 && L->page != page && L->dl->pages[page].nops == nops)
            *stranded = true;
    }
    if (st == OR_OK && next) {
        pv->mark = lay_save(L);
        pv->in_flow = in_flow;
        bool under = false;
        L->no_move = in_flow;
        st = lay_after_headings(L, next, &under);
        L->no_move = false;
        *stranded = *stranded || under;
    }
    return st;
}

/* Keeps a chain with what follows it.  When the block after it would leave
 * it stranded at the page foot, the chain moves to the next page with it —
 * unless that leaves more than a third of this page blank: then the spaces
 * between blocks above shrink (to 3/4, then to half) to make room here,
 * and failing that the next block is set from here on, splitting as it
 * would without the chain (a table under the heading, a <keep> in the
 * flow).  Only a block that cannot split at all takes the chain along
 * whatever it leaves blank. */
static or_status lay_keep_chain(lay *L, xmlNodePtr *chain, size_t n, xmlNodePtr next, lay_prev *pv)
{
    lay_mark m = lay_save(L);
    bool stranded;
    or_status st = lay_chain(L, chain, n, next, false, pv, &stranded);
    if (st || !stranded || m.fresh || m.page < 0)
        return st;
    float area = L->page_h - L->m_bottom - L->m_top;
    if (L->page_h - L->m_bottom - m.y > area / 3) {
        static const float factors[] = {0.75f, LAY_SHRINK_MIN};
        float saved[LAY_MAX_GAPS];
        for (size_t f = 0; f < sizeof factors / sizeof *factors; f++) {
            lay_restore(L, &m);
            float d = lay_shrink(L, &m, factors[f], saved, false);
            if (d < 0.5f) {
                lay_shrink(L, &m, factors[f], saved, true);
                break;
            }
            L->y = m.y - d;
            st = lay_chain(L, chain, n, next, false, pv, &stranded);
            if (st || !stranded)
                return st;
            lay_restore(L, &m);
            lay_shrink(L, &m, factors[f], saved, true);
        }
        lay_restore(L, &m);
        st = lay_chain(L, chain, n, next, true, pv, &stranded);
        if (st || !stranded)
            return st;
    }
    lay_restore(L, &m);
    st = lay_new_page(L);
    return st ? st : lay_chain(L, chain, n, next, false, pv, &stranded);
}

/* Lays out a sign-off block after `pv`.  When it would start a page of its
 * own, the last two lines of the block before it (all of it when it has
 * fewer) come along to its page; if the block and those lines do not fit
 * one page together, it is left as it was. */
static or_status lay_signoff(lay *L, xmlNodePtr s, lay_prev *pv, lay_mark *before)
{
    lay_mark ms = lay_save(L);
    *before = ms;
    or_status st = lay_block(L, s);
    if (st || !pv->node || ms.fresh || ms.page < 0)
        return st;
    if (L->page == ms.page || L->dl->pages[ms.page].nops != ms.nops)
        return OR_OK;   /* it began beside the text before it */
    unsigned long lines = ms.nflow - pv->mark.nflow;
    if (pv->after_heads && (lines < 4 || pv->in_flow))
        return OR_OK;   /* the block before would leave its heading behind, or lay out otherwise */
    lay_at cut = lines >= 2 ? ms.flow[0] : (lay_at){pv->mark.page, pv->mark.y};
    if (cut.page < 0 || cut.top <= L->m_top + 0.5f)
        return OR_OK;   /* those lines already start a page */
    lay_restore(L, &pv->mark);
    L->limit_page = cut.page;
    L->limit_y = cut.top;
    st = lay_block(L, pv->node);
    L->limit_page = -1;
    if (st)
        return st;
    lay_mark m2 = lay_save(L);
    *before = m2;
    st = lay_block(L, s);
    if (st || L->page == m2.page || L->dl->pages[m2.page].nops != m2.nops)
        return st;
    /* Too tall together: as it was. */
    lay_restore(L, &pv->mark);
    st = lay_block(L, pv->node);
    *before = lay_save(L);
    return st ? st : lay_block(L, s);
}

static void lay_prev_set(lay_prev *pv, xmlNodePtr k, xmlNodePtr owned, bool after_heads)
{
    if (pv->owned)
        xmlFreeNode(pv->owned);
    bool usable = k && !doc_is(k, "page-break") && !doc_is(k, "spacer") && !doc_is(k, "toc")
                  && !doc_is(k, "cover") && !doc_is(k, "part");
    if (!usable && owned)
        xmlFreeNode(owned);
    pv->node = usable ? (owned ? owned : k) : NULL;
    pv->owned = usable ? owned : NULL;
    pv->after_heads = after_heads;
    if (!after_heads)
        pv->in_flow = false;
}

static void lay_prev_clear(lay *L) { lay_prev_set(&L->top, NULL, NULL, false); }

/* Lays out a block that is not kept with the next; `own` copies it as the
 * block before the next (a streamed block is freed after this). */
static or_status lay_flow(lay *L, xmlNodePtr k, lay_prev *pv, xmlDocPtr own)
{
    or_status st;
    if (lay_is_signoff(k)) {
        lay_mark before;
        st = lay_signoff(L, k, pv, &before);
        pv->mark = before;
    } else {
        pv->mark = lay_save(L);
        st = lay_block(L, k);
    }
    if (st)
        return st;
    xmlNodePtr copy = NULL;
    if (own) {
        copy = xmlDocCopyNode(k, own, 1);
        if (!copy)
            return lay_nomem(L);
    }
    lay_prev_set(pv, copy ? copy : k, copy, false);
    return OR_OK;
}

static or_status lay_blocks(lay *L, xmlNodePtr parent)
{
    lay_prev pv = {0};
    or_status st = OR_OK;
    for (xmlNodePtr k = parent->children; k && st == OR_OK;) {
        if (k->type != XML_ELEMENT_NODE) {
            k = k->next;
            continue;
        }
        if (L->page < 0 && !doc_is(k, "page-setup") && !doc_is(k, "header") && !doc_is(k, "footer")) {
            st = lay_new_page(L);
            if (st)
                break;
        }
        if (!lay_with_next(k)) {
            st = lay_flow(L, k, &pv, NULL);
            k = lay_next_element(k);
            continue;
        }
        xmlNodePtr chain[8];
        size_t n = 0;
        while (k && n < sizeof chain / sizeof *chain && lay_with_next(k)) {
            chain[n++] = k;
            k = lay_next_element(k);
        }
        xmlNodePtr next = k && !doc_is(k, "page-break") ? k : NULL;
        st = lay_keep_chain(L, chain, n, next, &pv);
        if (next) {
            lay_prev_set(&pv, next, NULL, true);
            k = lay_next_element(next);
        }
    }
    lay_prev_set(&pv, NULL, NULL, false);
    return st;
}

/* --- driver ------------------------------------------------------------------ */

static or_status lay_setup(lay *L)
{
    xmlNodePtr root = L->root;
    const char *profile = doc_attr(root, "profile");
    L->gbt = profile && strcmp(profile, "gbt9704") == 0;
    const char *orient = doc_attr(root, "orientation");
    bool landscape = orient && strcmp(orient, "landscape") == 0;
    L->page_w = landscape ? MM(297) : MM(210);
    L->page_h = landscape ? MM(210) : MM(297);
    L->fam_song = fontset_family(L->fs, "song");
    L->fam_hei = fontset_family(L->fs, "hei");
    L->fam_kai = fontset_family(L->fs, "kai");
    int fangsong = fontset_family(L->fs, "fangsong");
    if (L->fam_song < 0 || L->fam_hei < 0 || L->fam_kai < 0) {
        diag_error(L->d, NULL, 0, "the font map lacks one of the families song, hei, kai "
                   "(expected all three in fonts/fonts.conf)");
        return OR_EINPUT;
    }
    if (L->gbt) {
        /* GB/T 9704-2012: 37/35 mm top/bottom, 28/26 mm binding/outer;
         * 3号 body on a 22-line grid (225 mm / 22) with 28 characters a
         * line (156 mm / 28 = 15.79 pt pitch for 16 pt glyphs). */
        L->m_top = MM(37);
        L->m_bottom = MM(35);
        L->m_left = MM(28);
        L->m_right = MM(26);
        L->body_size = 16;
        L->line_h = MM(225) / 22;
        L->tracking = MM(156) / 28 - 16;
        L->fam_body = fangsong >= 0 ? fangsong : L->fam_song;
        L->header_size = 10.5f;
        L->footer_size = 14;
    } else {
        L->m_top = MM(25);
        L->m_bottom = MM(22);
        L->m_left = MM(25);
        L->m_right = MM(20);
        L->body_size = 12;
        L->line_h = 20;
        L->tracking = 0;
        L->fam_body = L->fam_song;
        L->header_size = 9;
        L->footer_size = 9;
    }
    L->fam_body = lay_family(L, root, "font", L->fam_body);
    L->body_size = doc_attr_size(root, "size", L->body_size);
    L->line_h = doc_attr_length(root, "line-height", L->body_size, 0, L->line_h);
    xmlNodePtr ps = lay_child(root, "page-setup");
    if (ps) {
        L->m_top = doc_attr_length(ps, "margin-top", L->body_size, L->page_h, L->m_top);
        L->m_bottom = doc_attr_length(ps, "margin-bottom", L->body_size, L->page_h, L->m_bottom);
        L->m_left = doc_attr_length(ps, "margin-left", L->body_size, L->page_w, L->m_left);
        L->m_right = doc_attr_length(ps, "margin-right", L->body_size, L->page_w, L->m_right);
        L->fam_body = lay_family(L, ps, "font", L->fam_body);
        L->body_size = doc_attr_size(ps, "size", L->body_size);
        L->line_h = doc_attr_length(ps, "line-height", L->body_size, 0, L->line_h);
    }
    L->body_w = L->page_w - L->m_left - L->m_right;
    if (L->body_w < MM(40) || L->page_h - L->m_top - L->m_bottom < MM(40)) {
        diag_error(L->d, L->path, doc_line(ps ? ps : root), "margins leave a type area of %.0f×%.0f mm "
                   "(expected at least 40×40 mm)", L->body_w * 25.4 / 72,
                   (L->page_h - L->m_top - L->m_bottom) * 25.4 / 72);
        return OR_EINPUT;
    }
    if (L->line_h < L->body_size) {
        diag_error(L->d, L->path, doc_line(ps ? ps : root), "line-height %.1f pt below the font size %.1f pt "
                   "(expected at least the font size)", L->line_h, L->body_size);
        return OR_EINPUT;
    }
    return L->errors ? OR_EINPUT : OR_OK;
}

/* Collects a node's TOC entries (titles numbered as the layout will number
 * them) before the first pass, so the contents take their final size at
 * once and page numbers settle in the second pass. */
static or_status lay_toc_add(lay *L, int level, const char *title, size_t page);

static or_status lay_prescan(lay *L, xmlNodePtr k)
{
    if (doc_is(k, "part")) {
        const char *title = doc_attr(k, "title");
        or_status st = lay_toc_add(L, 1, title ? title : "", 0);
        memset(L->hnum, 0, sizeof L->hnum);
        L->nfig = 0;
        L->level_offset = 1;
        for (xmlNodePtr c = k->children; c && st == OR_OK; c = c->next)
            if (c->type == XML_ELEMENT_NODE)
                st = lay_prescan(L, c);
        L->level_offset = 0;
        return st;
    }
    if (doc_is(k, "keep") || doc_is(k, "cover")) {
        for (xmlNodePtr c = k->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE) {
                or_status st = lay_prescan(L, c);
                if (st)
                    return st;
            }
        return OR_OK;
    }
    if (!lay_is_heading(k))
        return OR_OK;
    int level = ((const char *)k->name)[1] - '0';
    char num[64] = "";
    if (doc_attr_bool(k, "numbered", true))
        lay_heading_number(L, level, num, sizeof num);
    if (!doc_attr_bool(k, "toc", true))
        return OR_OK;
    char *plain = lay_plain_text(k);
    bool cut = false;
    char *t = plain ? lay_title(num, plain, &cut) : NULL;
    or_free(plain);
    if (!t || or_grow(&L->toc, &L->toc_cap, L->ntoc + 1, sizeof *L->toc) != 0) {
        or_free(t);
        return lay_nomem(L);
    }
    if (cut)
        diag_warn(L->d, L->path, doc_line(k), "heading longer than %d bytes: its contents entry and bookmark "
                  "are cut there (the heading itself is printed whole)", LAY_TITLE_MAX);
    L->toc[L->ntoc++] = (lay_toc_entry){level + L->level_offset, t, 0};
    return OR_OK;
}

static void lay_free_toc(lay_toc_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        or_free(e[i].title);
    or_free(e);
}

static void lay_reset_pass(lay *L)
{
    for (size_t i = 0; i < L->nsections; i++)
        or_free(L->sections[i].title);
    L->nsections = 0;
    L->ntoc = 0;
    L->toc = NULL;
    L->toc_cap = 0;
    L->page = -1;
    L->y = 0;
    L->fresh = false;
    L->cover_pages = 0;
    L->level_offset = 0;
    memset(L->hnum, 0, sizeof L->hnum);
    L->nfig = 0;
    L->tnum = 0;
    L->limit_page = -1;
    L->gaps[0].page = L->gaps[1].page = -1;
    L->gaps[0].n = L->gaps[1].n = 0;
    memset(L->flow, 0, sizeof L->flow);
    L->nflow = 0;
    L->no_move = false;
    lay_prev_clear(L);
}

/* Pass 0: keeps copies of <document> and its header, footer and page
 * setup, notes a contents page, and numbers the headings for it. */
static or_status lay_scan_block(void *ctx, xmlNodePtr root, xmlNodePtr k)
{
    lay *L = ctx;
    if (!L->root) {
        L->root = xmlDocCopyNode(root, L->own, 2);   /* attributes, no children */
        if (!L->root)
            return lay_nomem(L);
        xmlDocSetRootElement(L->own, L->root);
    }
    if (doc_is(k, "header") || doc_is(k, "footer") || doc_is(k, "page-setup")) {
        xmlNodePtr copy = xmlDocCopyNode(k, L->own, 1);
        if (!copy || !xmlAddChild(L->root, copy)) {
            xmlFreeNode(copy);
            return lay_nomem(L);
        }
        return OR_OK;
    }
    if (doc_is(k, "toc"))
        L->has_toc = true;
    return lay_prescan(L, k);
}

/* Lays out the held chain (headings, lead-ins) and the block after them
 * (NULL at the end), kept together (lay_keep_chain). */
static or_status lay_flush_held(lay *L, xmlNodePtr next)
{
    xmlNodePtr kept = next && !doc_is(next, "page-break") ? next : NULL;
    or_status st = lay_keep_chain(L, L->held, L->nheld, kept, &L->top);
    for (size_t i = 0; i < L->nheld; i++)
        xmlFreeNode(L->held[i]);
    L->nheld = 0;
    if (st == OR_OK && next && !kept)
        return lay_flow(L, next, &L->top, L->own);
    if (st == OR_OK && kept) {
        xmlNodePtr copy = xmlDocCopyNode(kept, L->own, 1);
        if (!copy)
            return lay_nomem(L);
        lay_prev_set(&L->top, copy, copy, true);
    }
    return st;
}

static or_status lay_pass_block(void *ctx, xmlNodePtr root, xmlNodePtr k)
{
    lay *L = ctx;
    (void)root;
    if (doc_is(k, "header") || doc_is(k, "footer") || doc_is(k, "page-setup"))
        return OR_OK;
    if (L->page < 0) {
        or_status st = lay_new_page(L);
        if (st)
            return st;
    }
    if (lay_with_next(k)) {
        /* Held until the next block arrives (the source frees k after this
         * call); a chain longer than the buffer is laid out as it is. */
        if (L->nheld == sizeof L->held / sizeof *L->held) {
            or_status st = lay_flush_held(L, NULL);
            if (st)
                return st;
        }
        xmlNodePtr copy = xmlDocCopyNode(k, L->own, 1);
        if (!copy)
            return lay_nomem(L);
        L->held[L->nheld++] = copy;
        return OR_OK;
    }
    return L->nheld ? lay_flush_held(L, k) : lay_flow(L, k, &L->top, L->own);
}

static or_status lay_created(lay *L, long long *out)
{
    const char *date = doc_attr(L->root, "date");
    if (L->opt->created >= 0 || !date) {
        *out = L->opt->created >= 0 ? L->opt->created : L->opt->fallback_created;
        return OR_OK;
    }
    od_date day;
    if (!od_parse_date(date, &day)) {
        diag_error(L->d, L->path, doc_line(L->root), "date=\"%s\" on <document> (expected YYYY-MM-DD)", date);
        return OR_EINPUT;
    }
    *out = (long long)day * 86400 - 8 * 3600;   /* midnight, Beijing time */
    return OR_OK;
}

static const char *lay_info(dl_doc *out, xmlNodePtr root, const char *name, const char *def)
{
    const char *v = doc_attr(root, name);
    return v || def ? arena_strdup(&out->mem, v ? v : def) : NULL;
}

or_status layout_stream(const layout_source *src, fontset *fs, const layout_options *opt, dl_doc *out, diag *d)
{
    lay L = {.fs = fs, .d = d, .path = src->path, .opt = opt, .page = -1, .watch_page = -1, .limit_page = -1,
             .gaps = {{.page = -1}, {.page = -1}}};
    L.own = xmlNewDoc((const xmlChar *)"1.0");
    if (!L.own)
        return diag_nomem(d);
    or_status st = src->feed(src->ctx, lay_scan_block, &L, d);
    if (st == OR_OK && !L.root) {
        diag_error(d, src->path, 0, "an empty document (expected <document> with content)");
        st = OR_EINPUT;
    }
    if (st == OR_OK)
        st = lay_setup(&L);
    L.prev = L.toc;
    L.nprev = L.ntoc;
    L.toc = NULL;
    L.ntoc = L.toc_cap = 0;
    dl_doc pass;
    bool have_pass = false;
    for (int n = 0; st == OR_OK && n < LAY_MAX_PASSES; n++) {
        if (have_pass)
            dl_doc_free(&pass);
        dl_doc_init(&pass);
        have_pass = true;
        L.dl = &pass;
        lay_reset_pass(&L);
        st = src->feed(src->ctx, lay_pass_block, &L, d);
        if (st == OR_OK && L.nheld)
            st = lay_flush_held(&L, NULL);
        if (st == OR_OK && L.page < 0)
            st = lay_new_page(&L);
        if (st || !L.has_toc) {
            lay_free_toc(L.toc, L.ntoc);
            break;
        }
        bool settled = L.ntoc == L.nprev;
        for (size_t i = 0; settled && i < L.ntoc; i++)
            settled = L.prev[i].page == L.toc[i].page;
        lay_free_toc(L.prev, L.nprev);
        L.prev = L.toc;
        L.nprev = L.ntoc;
        if (settled)
            break;
    }
    if (st == OR_OK)
        st = lay_decorate(&L);
    if (st == OR_OK && L.errors)
        st = OR_EINPUT;
    long long created = 0;
    if (st == OR_OK)
        st = lay_created(&L, &created);
    if (st == OR_OK) {
        dl_doc_free(out);
        *out = pass;
        have_pass = false;
        out->info.title = lay_info(out, L.root, "title", NULL);
        out->info.author = lay_info(out, L.root, "author", NULL);
        out->info.subject = lay_info(out, L.root, "subject", NULL);
        out->info.keywords = lay_info(out, L.root, "keywords", NULL);
        out->info.creator = lay_info(out, L.root, "creator", "opsreport");
        out->info.created = created;
    }
    if (have_pass)
        dl_doc_free(&pass);
    for (size_t i = 0; i < L.nheld; i++)
        xmlFreeNode(L.held[i]);
    lay_free_toc(L.prev, L.nprev);
    lay_reset_pass(&L);
    or_free(L.sections);
    or_free(L.styles);
    xmlFreeDoc(L.own);
    return st;
}

static or_status lay_feed_file(void *ctx, doc_block_fn fn, void *fn_ctx, diag *d)
{
    return doc_stream_file(ctx, fn, fn_ctx, d);
}

or_status layout_file(const char *path, fontset *fs, const layout_options *opt, dl_doc *out, diag *d)
{
    layout_source src = {lay_feed_file, (void *)path, path};
    return layout_stream(&src, fs, opt, out, d);
}
