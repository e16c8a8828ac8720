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
#include "fonts.h"

#include <libxml/tree.h>

typedef struct layout_options {
    const char *base_dir;   /* relative image paths resolve against it; NULL = cwd */
    long long created;      /* document date, seconds since the epoch */
} layout_options;

/* Lays out `doc` (validated by doc_load/doc_validate; `path` names it in
 * messages) into `out`, which must be freshly dl_doc_init'ed.  On failure
 * everything reported through d; `out` must still be freed by the caller. */
or_status layout_document(xmlDocPtr doc, const char *path, fontset *fs, const layout_options *opt,
                          dl_doc *out, diag *d);

#endif
