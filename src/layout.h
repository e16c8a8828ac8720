/* layout: turns a validated document tree (doc.h) into pages of drawing
 * operations (display.h).  It owns page geometry, the two house profiles
 * (gbt9704, report), heading numbering, paragraphs, lists, tables, forms,
 * signatures, seals, images, charts, running headers and footers, the table
 * of contents and bookmarks.  It knows nothing about the contract.
 *
 * Line breaking is textbreak's job, glyph metrics fontset's, and PDF
 * output pdfout's. */
#ifndef OR_LAYOUT_H
#define OR_LAYOUT_H

#include "diag.h"
#include "display.h"
#include "doc.h"
#include "fonts.h"

#include <libxml/tree.h>

typedef struct layout_options {
    const char *base_dir;   /* relative image paths resolve against it; NULL = cwd */
    /* The PDF date: `created` (seconds since the epoch, e.g. from
     * SOURCE_DATE_EPOCH) when >= 0, else the document's date attribute,
     * else `fallback_created`. */
    long long created;
    long long fallback_created;
} layout_options;

/* Where a document comes from: `feed` hands every child of <document> to
 * fn in order (doc_stream_file does; render feeds template output) and is called once
 * per layout pass: one to scan, one or two to lay out (two when there is a
 * contents page, whose page numbers come from the first). */
typedef struct layout_source {
    or_status (*feed)(void *ctx, doc_block_fn fn, void *fn_ctx, diag *d);
    void *ctx;
    const char *path;       /* names the input in messages */
} layout_source;

/* Lays the document out into `out` (freshly dl_doc_init'ed), holding only
 * one block of the input at a time.  On failure everything is reported
 * through d; `out` must still be freed by the caller. */
or_status layout_stream(const layout_source *src, fontset *fs, const layout_options *opt, dl_doc *out, diag *d);
/* The same for a document file, read with the streaming reader. */
or_status layout_file(const char *path, fontset *fs, const layout_options *opt, dl_doc *out, diag *d);

#endif
