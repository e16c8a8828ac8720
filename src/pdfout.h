/* pdfout: writes a laid-out document (display list) as a PDF with libharu.
 *
 * Every character of every DL_TEXT op is marked in the fontset, one subset
 * TrueType font per used face is built and embedded (CIDFontType2, Identity
 * encoding via libharu's UTF-8 encoder), and the pages, bookmarks (outline
 * tree) and document info are written.
 *
 * The file appears atomically through atomicout (path "-" is standard
 * output; a device, FIFO or directory is refused): on any failure an
 * existing file at path is untouched and no temporary file stays.
 * Output is deterministic: the same document gives byte-identical files
 * (dates come from doc->info.created, never from the clock).
 *
 * libharu reports errors through a callback; this module confines it and
 * turns every libharu failure into OR_ESYS with a message naming the libharu
 * error code and what was being written. */
#ifndef OR_PDFOUT_H
#define OR_PDFOUT_H

#include "diag.h"
#include "display.h"
#include "fonts.h"

/* Writes doc to path.  The fontset is modified (characters are marked and
 * subsets rebuilt) but stays usable for later documents.  Returns OR_OK,
 * OR_EINPUT for a document that refers to something that does not exist
 * (a face id, a page of a bookmark, an unreadable image), or OR_ESYS. */
or_status pdf_write(const dl_doc *doc, fontset *fs, const char *path, diag *d);
/* The same, releasing each page's operations as soon as it is drawn, so
 * that the display list and libharu's copy of the pages are never both
 * whole in memory.  Afterwards doc keeps only page sizes, bookmarks and
 * info; free it with dl_doc_free. */
or_status pdf_write_release(dl_doc *doc, fontset *fs, const char *path, diag *d);

#endif
