/* template: XML templates that turn the data (records and facts) into the
 * layout document of docs/document-xml.md.  docs/template-language.md
 * describes the language; in short, elements in urn:opsreport:template
 * (t:for-each, t:if, t:choose, t:variable, t:value-of, t:include, ...) are
 * instructions, every other element is copied, `{xpath}` in a copied
 * attribute is replaced by its value, and XPath 1.0 gains the functions of
 * urn:opsreport:functions (f:date-cn, f:money-cn, ...).
 *
 * template_load reads a template and every part it includes, checks every
 * instruction, attribute, variable reference, function name and arity, and
 * compiles each XPath expression once.  Expansion then only evaluates.
 *
 * Errors (load or expansion) are reported to the diag as
 * "template-file:line: error: what is wrong (expression '...')" and give
 * OR_EINPUT; out of memory gives OR_ESYS.  On any failure nothing is
 * produced: *out stays NULL.
 *
 * Ownership: a template owns its parsed parts and compiled expressions and
 * is freed with template_free (NULL is a no-op).  It is read-only during
 * expansion and can be expanded any number of times, one expansion at a
 * time.  The data document and the calendar are only read and must outlive
 * the call; the engine keeps no pointer into them afterwards. */
#ifndef OR_TEMPLATE_H
#define OR_TEMPLATE_H

#include "calendar.h"
#include "diag.h"

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

#define TEMPLATE_NS "urn:opsreport:template"
#define TEMPLATE_FUNCTIONS_NS "urn:opsreport:functions"
/* Nesting of t:include beyond this is an error (it is almost surely a cycle
 * through different paths, and real documents need three levels). */
#define TEMPLATE_MAX_INCLUDE_DEPTH 16

typedef struct template template;

/* Parses and checks the template at `path` and its includes (paths relative
 * to the including file).  On success *out is the caller's; on failure it is
 * NULL and every problem found went to d. */
or_status template_load(template **out, const char *path, diag *d);
/* The same, with a team's directory of templates searched first: an
 * include that resolves to BASE/REL (the installed templates) or
 * OVERLAY/REL reads OVERLAY/REL when that is a regular file, else
 * BASE/REL.  base or overlay NULL: template_load. */
or_status template_load_search(template **out, const char *path, const char *base, const char *overlay, diag *d);
void template_free(template *t);

/* A string parameter for the template's top-level t:param of that name
 * (e.g. period = "2026-07", today = "2026-07-01").  Parameters the template
 * does not declare are ignored, so one caller can pass the same set to
 * every document. */
typedef struct template_param {
    const char *name, *value;
} template_param;

/* Expands `t` against `data` (the context of the template's top level is
 * data's document node, so "/data/facts" selects from the root).  `cal` is
 * needed only by f:workday-add and f:is-workday (NULL makes them an error).
 * On success *out is a new document (the layout tree) owned by the caller
 * (xmlFreeDoc); it is not validated here (doc_validate does that). */
or_status template_expand(const template *t, xmlDocPtr data, const template_param *params,
                          size_t nparams, const calendar *cal, xmlDocPtr *out, diag *d);

/* Streaming expansion, for documents too large to hold as one tree (1,000
 * one-page inspection records): every node that becomes a child of the
 * output root (the top-level blocks, including each one a top-level
 * t:for-each makes) is handed to `emit` as soon as it is complete, then
 * freed.  During the call `block` is the root's only child, so
 * block->parent == root; `root` carries the root's attributes (all of them:
 * a t:attribute on the root after its first block is an error).  After the
 * last block, emit is called once more with block == NULL, whether or not
 * there was any block.  Neither pointer may be kept after emit returns.
 * emit returns OR_OK to go on; anything else stops the expansion and is
 * returned as is (emit reports its own message).  When the expansion fails
 * part way, blocks were already emitted: the caller must discard what it
 * made of them. */
/* The main template's declared parameters (its leading t:param), in
 * order: what a caller such as `render --param` may set.  The name's line
 * goes to *line when line is not NULL; NULL past the last. */
const char *template_path(const template *t);
size_t template_param_count(const template *t);
const char *template_param_name(const template *t, size_t i, long *line);

/* The values parameter i admits: the words of its one-of="…" and the
 * string values of the nodes its values="XPath" selects in `data` (each
 * once, in that order).  restricted is false, and the list empty, when
 * the declaration states neither: any value is accepted.  A values=
 * expression that fails, or selects something other than nodes, is
 * OR_EINPUT naming the template line.  Free with template_values_free. */
typedef struct template_values {
    char **v;
    size_t n, cap;
    bool restricted;
} template_values;
or_status template_param_values(const template *t, size_t i, xmlDocPtr data, const calendar *cal,
                                template_values *out, diag *d);
void template_values_free(template_values *v);

typedef or_status (*template_emit_fn)(void *ctx, xmlNodePtr root, xmlNodePtr block);
or_status template_expand_stream(const template *t, xmlDocPtr data, const template_param *params,
                                 size_t nparams, const calendar *cal, template_emit_fn emit,
                                 void *ctx, diag *d);

#endif
