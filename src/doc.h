/* doc: the document-tree vocabulary (layout XML) that templates produce and
 * `opsreport typeset` reads.  docs/document-xml.md describes it.
 *
 * doc_stream_file reads and validates a document file: every element must be
 * known and in a place where it is allowed, every attribute known and of
 * the right type.  After a successful load the layout can read attributes
 * through the doc_* accessors without further checks: values that fail to
 * parse there were already reported.  Nodes handed to a doc_block_fn
 * belong to whoever produced them and live only during the call. */
#ifndef OR_DOC_H
#define OR_DOC_H

#include "diag.h"

#include <libxml/tree.h>
#include <stdbool.h>
#include <stdint.h>

/* Validates an already-built tree (templates build documents in memory). */
or_status doc_validate(xmlDocPtr doc, const char *path, diag *d);

/* Streaming: the children of <document> one at a time, so a long document
 * never exists as one tree.  fn gets the <document> element (its
 * attributes; its children may be absent) and one child, both valid only
 * during the call.  Each child is validated before fn sees it; a problem
 * is reported with file:line and the stream stops with OR_EINPUT.  fn's
 * own non-OK status also stops it and is returned. */
typedef or_status (*doc_block_fn)(void *ctx, xmlNodePtr root, xmlNodePtr block);
/* Reads a document file through xmlin with libxml2's streaming reader:
 * refuses a DOCTYPE before parsing, never touches the network, reads only
 * regular files of at most DOC_MAX_FILE_BYTES (streamed, so the cap only
 * stops a runaway file). */
#define DOC_MAX_FILE_BYTES ((int64_t)1024 * 1024 * 1024)
or_status doc_stream_file(const char *path, doc_block_fn fn, void *ctx, diag *d);

/* For producers that build documents block by block (templates): checks
 * the <document> element's own attributes, or one of its children, with
 * the same rules as doc_stream_file; OR_EINPUT after reporting. */
or_status doc_check_root_element(xmlNodePtr root, const char *path, diag *d);
or_status doc_check_block(xmlNodePtr block, const char *path, diag *d);

/* Lengths: "12mm", "1.5cm", "10pt", "2em" (of `em`), "30%" (of `whole`), or
 * a bare number of points.  Font sizes also accept 号 names (三号, 小四 …). */
bool doc_parse_length(const char *s, float em, float whole, float *out);
bool doc_parse_font_size(const char *s, float *out);

/* Attribute accessors (validated values; `def` when absent). */
const char *doc_attr(xmlNodePtr n, const char *name);   /* NULL when absent; owned by the tree */
float doc_attr_length(xmlNodePtr n, const char *name, float em, float whole, float def);
float doc_attr_size(xmlNodePtr n, const char *name, float def);
bool doc_attr_bool(xmlNodePtr n, const char *name, bool def);
int doc_attr_int(xmlNodePtr n, const char *name, int def);
double doc_attr_number(xmlNodePtr n, const char *name, double def);
bool doc_is(xmlNodePtr n, const char *name);            /* element named `name` */
long doc_line(xmlNodePtr n);

#endif
