/* display: the laid-out document, page by page, as drawing operations.
 *
 * Layout produces a dl_doc; the PDF writer consumes it.  Nothing here knows
 * about the contract, templates or libharu.  Coordinates are PDF points with
 * the origin at the bottom-left corner of the page; text y is the baseline.
 * Text carries the source code points (UTF-8) and the font face that covers
 * every one of them (layout resolved fallbacks); the PDF writer maps code
 * points to what the embedded subset font expects.
 *
 * Ownership: a dl_doc owns everything reachable from it (an arena for the
 * document, one per page); free with dl_doc_free. */
#ifndef OR_DISPLAY_H
#define OR_DISPLAY_H

#include "arena.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct dl_color {
    float r, g, b;   /* 0..1 */
} dl_color;

typedef enum {
    DL_TEXT,      /* a run of glyphs of one face, size and colour */
    DL_LINE,
    DL_RECT,
    DL_PATH,      /* polyline or polygon (charts) */
    DL_IMAGE,
    DL_MISSING    /* a character no font covers: drawn as a visible box */
} dl_kind;

typedef struct dl_text {
    int face;             /* fontset face id */
    float size;           /* pt */
    float x, y;           /* start of the baseline */
    float char_spacing;   /* extra space after every glyph (PDF Tc), pt */
    bool fake_bold;       /* fill + stroke, for faces without a bold cut */
    dl_color color;
    const char *utf8;     /* source code points, NUL-terminated */
} dl_text;

typedef struct dl_line {
    float x1, y1, x2, y2;
    float width;
    dl_color color;
    float dash;           /* 0 = solid, else dash length = gap length, pt */
} dl_line;

typedef struct dl_rect {
    float x, y, w, h;     /* (x, y) = lower-left corner */
    float line_width;     /* <= 0: no stroke */
    bool fill;
    dl_color stroke, fill_color;
} dl_rect;

typedef struct dl_path {
    const float *xy;      /* npoints pairs */
    size_t npoints;
    float width;          /* stroke width; <= 0: no stroke */
    bool closed, fill;
    dl_color stroke, fill_color;
} dl_path;

typedef struct dl_image {
    float x, y, w, h;
    const char *path;     /* PNG or JPEG file, decoded and checked by layout */
    unsigned px_w, px_h;  /* pixels to embed (img_fit of the printed size); 0 = its own */
} dl_image;

typedef struct dl_missing {
    float x, y, size;     /* baseline position and font size of the box */
    unsigned codepoint;
} dl_missing;

typedef struct dl_op {
    dl_kind kind;
    union {
        dl_text text;
        dl_line line;
        dl_rect rect;
        dl_path path;
        dl_image image;
        dl_missing missing;
    } u;
} dl_op;

typedef struct dl_page {
    float width, height;  /* pt */
    dl_op *ops;
    size_t nops, cap;
    arena mem;            /* the strings and points of this page's ops */
} dl_page;

typedef struct dl_bookmark {
    int level;            /* 1 = top */
    const char *title;
    size_t page;          /* 0-based physical page */
    float y;              /* top of the heading, pt from the bottom */
} dl_bookmark;

typedef struct dl_info {
    const char *title, *author, *subject, *keywords, *creator;
    long long created;    /* seconds since the epoch (SOURCE_DATE_EPOCH) */
} dl_info;

typedef struct dl_doc {
    arena mem;
    dl_page *pages;
    size_t npages, cap;
    dl_bookmark *marks;
    size_t nmarks, marks_cap;
    dl_info info;
} dl_doc;

void dl_doc_init(dl_doc *doc);
void dl_doc_free(dl_doc *doc);
/* Appends a page; returns its index or -1 on allocation failure. */
long dl_add_page(dl_doc *doc, float width, float height);
/* Appends an op to a page; strings and point arrays inside `op` are copied
 * into the document's arena.  Returns 0 or -1 on allocation failure. */
int dl_push(dl_doc *doc, size_t page, const dl_op *op);
int dl_add_bookmark(dl_doc *doc, int level, const char *title, size_t page, float y);
/* Frees a page's operations and their strings (its size stays): the PDF
 * writer releases each page once libharu has it. */
void dl_page_release(dl_doc *doc, size_t page);
/* Drops pages from `npages` on and the operations of page npages - 1 from
 * `nops` on (layout undoing a block that it places again elsewhere). */
void dl_truncate(dl_doc *doc, size_t npages, size_t nops);

/* Shorthands over dl_push. */
int dl_line_add(dl_doc *doc, size_t page, float x1, float y1, float x2, float y2,
                float width, dl_color color);
int dl_rect_add(dl_doc *doc, size_t page, float x, float y, float w, float h,
                float line_width, const dl_color *fill);

extern const dl_color DL_BLACK;

#endif
