/* records: the loader — files, libxml2, schemas, errors, cross-checks.
 * Kind-specific extraction is in records_kinds.c, probe streaming in
 * records_probes.c. */
#define RECORDS_INTERNAL
#include "records.h"
#include "i18n.h"

#include "alloc.h"
#include "xmlin.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

static const char *const rec_kind_names[REC_KIND_COUNT] = {
    "contract", "inspections", "incidents", "maintenance", "deliverables", "emergency",
    "feedback", "assets", "tasks", "staffing", "adjustments", "calendar", "probes",
};

#define REC_KIND_LIST "contract, inspections, incidents, maintenance, deliverables, " \
    "emergency, feedback, assets, tasks, staffing, adjustments, calendar, probes"

const char *records_kind_name(rec_kind k)
{
    return (unsigned)k < REC_KIND_COUNT ? rec_kind_names[k] : "?";
}

/* One queued message of the current file.  Messages are queued, not printed,
 * so that they come out sorted by line and so that libxml2's vague schema
 * messages can give way to our precise ones about the same line. */
#define REC_MAX_QUEUED 1000

typedef enum { REC_FROM_PARSER, REC_FROM_SCHEMA, REC_FROM_RECORDS } rec_origin;
typedef struct rec_msg {
    long line;
    size_t seq;
    rec_origin origin;
    bool generic;       /* a schema summary ("failed to validate content") */
    bool warning;
    const char *text;
} rec_msg;

/* A date or instant seen while extracting, checked against the term later
 * (the contract may be in a file loaded after this one). */
typedef struct rec_timenote {
    od_minute t;
    const char *file;
    long line;
    const char *what;
} rec_timenote;

struct rec_loader {
    records *r;
    diag *d;
    const char *schema_dir;
    xmlRelaxNGPtr schemas[REC_KIND_COUNT];
    bool schema_tried[REC_KIND_COUNT];
    const char *file;          /* current file (arena copy) */
    rec_kind kind;             /* current kind */
    REC_VEC(rec_msg) msgs;     /* of the current file */
    REC_VEC(rec_timenote) times;
    bool kind_unparsed[REC_KIND_COUNT];   /* a file of the kind could not be read at all */
    bool nomem, syserr;
    bool encoding_reported;    /* one encoding complaint per file is enough */
    size_t dropped;            /* messages beyond REC_MAX_QUEUED */
    size_t queued_errors;      /* queued messages that are errors */
    long stopped_line;         /* reading stopped there at the cap, 0 when not */
    long root_line;            /* from the prescan */
    long stream_line;          /* probes: line of the reader's element, 0 otherwise */
    bool keep_trees;           /* REC_LOAD_KEEP_TREES */
    size_t file_index;         /* of the current file in r->files, REC_NO_INDEX when none */
};

records *rec_loader_records(rec_loader *L) { return L->r; }
const char *rec_loader_file(rec_loader *L) { return L->file; }
void rec_loader_nomem(rec_loader *L) { L->nomem = true; }
void rec_set_stream_line(rec_loader *L, long line) { L->stream_line = line; }

void *rec_push_raw(rec_loader *L, void *items, size_t *n, size_t *cap, size_t size)
{
    if (or_grow(items, cap, *n + 1, size) != 0) {
        L->nomem = true;
        return NULL;
    }
    unsigned char *base = *(unsigned char **)items;
    unsigned char *p = base + *n * size;
    memset(p, 0, size);
    (*n)++;
    return p;
}

static const char *rec_vfmt(rec_loader *L, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (len < 0)
        return "(unformattable message)";
    char *s = arena_alloc(&L->r->mem, (size_t)len + 1);
    if (!s) {
        L->nomem = true;
        return "(out of memory)";
    }
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    return s;
}

static void rec_queue(rec_loader *L, long line, rec_origin origin, bool generic, bool warning,
                      const char *text)
{
    if (L->msgs.n >= REC_MAX_QUEUED) {
        /* A probes file can be wrong on every one of a million lines. */
        L->dropped++;
        return;
    }
    rec_msg *m = REC_PUSH(L, L->msgs);
    if (!m)
        return;
    m->line = line;
    m->seq = L->msgs.n;
    m->origin = origin;
    m->generic = generic;
    m->warning = warning;
    m->text = text;
    L->queued_errors += !warning;
}

bool rec_should_stop(rec_loader *L) { return L->msgs.n >= REC_MAX_QUEUED && L->queued_errors > 0; }

void rec_stopped_at(rec_loader *L, long line)
{
    if (!L->stopped_line)
        L->stopped_line = line > 0 ? line : -1;
}

/* Counted before it is formatted: past the cap a message costs nothing
 * (a probes file wrong on each of 4.5 million lines peaked at 644 MB with
 * every message formatted into the arena and then dropped). */
static bool rec_queue_full(rec_loader *L)
{
    if (L->msgs.n < REC_MAX_QUEUED)
        return false;
    L->dropped++;
    return true;
}

void rec_file_error(rec_loader *L, long line, const char *fmt, ...)
{
    if (rec_queue_full(L))
        return;
    va_list ap;
    va_start(ap, fmt);
    const char *text = rec_vfmt(L, _(fmt), ap);
    va_end(ap);
    rec_queue(L, line, REC_FROM_RECORDS, false, false, text);
}

static void rec_file_warning(rec_loader *L, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void rec_file_warning(rec_loader *L, long line, const char *fmt, ...)
{
    if (rec_queue_full(L))
        return;
    va_list ap;
    va_start(ap, fmt);
    const char *text = rec_vfmt(L, _(fmt), ap);
    va_end(ap);
    rec_queue(L, line, REC_FROM_RECORDS, false, true, text);
}

static int rec_msg_cmp(const void *a, const void *b)
{
    const rec_msg *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Prints the current file's queued messages, sorted by line.  A schema
 * message gives way to our own on the same line (ours says what was
 * expected); libxml2's summaries ("failed to validate content", no line)
 * are shown only when nothing more specific was said about the file. */
static void rec_flush(rec_loader *L)
{
    rec_msg *v = L->msgs.v;
    size_t n = L->msgs.n;
    if (!n)
        return;   /* dropped > 0 implies n > 0 */
    qsort(v, n, sizeof *v, rec_msg_cmp);
    bool specific = false;
    for (size_t i = 0; i < n; i++)
        if (!v[i].generic && !v[i].warning)
            specific = true;
    size_t shown = 0, hidden = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].generic && specific)
            continue;
        if (v[i].origin == REC_FROM_SCHEMA) {
            bool ours = false;
            for (size_t j = 0; j < n && !ours; j++)
                ours = v[j].line == v[i].line && v[j].origin == REC_FROM_RECORDS;
            if (ours)
                continue;
        }
        if (v[i].warning) {
            diag_warn(L->d, L->file, v[i].line, "%s", v[i].text);
            continue;
        }
        if (shown == REC_MAX_ERRORS_PER_FILE) {
            hidden++;
            continue;
        }
        shown++;
        diag_error(L->d, L->file, v[i].line, "%s", v[i].text);
    }
    hidden += L->dropped;
    L->dropped = 0;
    if (hidden && L->stopped_line)
        diag_error(L->d, L->file, 0, "%zu more errors in this file not shown; reading stopped at line %ld after %d "
                   "messages", hidden, L->stopped_line, REC_MAX_QUEUED);
    else if (hidden)
        diag_error(L->d, L->file, 0, "%zu more errors in this file not shown", hidden);
    L->msgs.n = 0;
    L->queued_errors = 0;
    L->stopped_line = 0;
}

/* ---- libxml2 errors ------------------------------------------------------ */

static bool rec_has(const char *s, const char *needle) { return s && strstr(s, needle) != NULL; }

/* A RELAX NG validity error in the user's language.  libxml2 has no
 * translations: the messages records authors meet (an attribute or element
 * the schema does not allow, one missing, text where none belongs) are
 * ours, built from the names libxml2 reports; any other is libxml2's
 * English wrapped in a translated frame naming the schema. */
static void rec_schema_message(char *out, size_t n, const xmlError *e, const char *msg, const char *schema)
{
    const char *a = e->str1 ? e->str1 : "?", *b = e->str2 ? e->str2 : "?";
    switch (e->code) {
    case XML_RELAXNG_ERR_INVALIDATTR:
        snprintf(out, n, _("<%s> has an attribute %s= that %s does not allow (expected only the attributes "
                           "docs/records.md lists for <%s>)"), b, a, schema, b);
        return;
    case XML_RELAXNG_ERR_ELEMWRONG:
        snprintf(out, n, _("element <%s> is not allowed here (expected what %s allows at this place)"), a, schema);
        return;
    case XML_RELAXNG_ERR_ELEMNAME:
        snprintf(out, n, _("element <%s> where %s expects <%s>"), b, schema, a);
        return;
    case XML_RELAXNG_ERR_NOELEM:
        snprintf(out, n, _("a required element <%s> is missing (expected what %s allows)"), a, schema);
        return;
    case XML_RELAXNG_ERR_NOTELEM:
    case XML_RELAXNG_ERR_TEXTWRONG:
        snprintf(out, n, _("text where %s allows only elements"), schema);
        return;
    case XML_RELAXNG_ERR_ELEMNOTEMPTY:
        snprintf(out, n, _("element <%s> has content (expected an empty element, as %s says)"), a, schema);
        return;
    case XML_RELAXNG_ERR_ATTRVALID:
        snprintf(out, n, _("<%s> has attributes %s does not allow"), a, schema);
        return;
    case XML_RELAXNG_ERR_CONTENTVALID:
    case XML_RELAXNG_ERR_EXTRACONTENT:
        snprintf(out, n, _("the content of <%s> is not what %s allows"), a, schema);
        return;
    default:
        snprintf(out, n, _("%s (expected what %s allows)"), msg, schema);
        return;
    }
}

/* libxml2's structured error callback: every parser and validity message
 * of the run arrives here (nothing reaches stderr) and is queued for the
 * current file in words a records author can act on. */
void rec_xml_error(void *ctx, xmlErrorPtr e)
{
    rec_loader *L = ctx;
    if (!L->file || !e)
        return;
    if (rec_queue_full(L)) {
        /* libxml2 copies its whole message context per error: 28,500
         * "Double hyphen" errors in a 57,000-dash comment took 6 s. */
        if (e->domain == XML_FROM_PARSER && e->level != XML_ERR_WARNING && e->ctxt && rec_should_stop(L)) {
            xmlStopParser((xmlParserCtxtPtr)e->ctxt);
            rec_stopped_at(L, e->line);
        }
        return;
    }
    char msg[512];
    long line = xmlin_error_text(e, msg, sizeof msg);
    xmlNodePtr node = e->node;
    if (node && (line <= 0 || (L->stream_line == 0 && node->type == XML_ELEMENT_NODE)))
        line = rec_node_line(node);   /* where its start tag begins (see rec_sax_start) */
    if (L->stream_line > 0 && (line <= 0 || line >= 65535))
        line = L->stream_line;   /* the reader's own count runs ahead there */
    bool warning = e->level == XML_ERR_WARNING;
    const char *text;

    if (e->domain == XML_FROM_RELAXNGV) {
        bool generic = line <= 0 || rec_has(msg, "failed to validate") || rec_has(msg, "extra content")
                       || rec_has(msg, "Expecting an element");
        char schema[64];
        snprintf(schema, sizeof schema, "data/schema/%s.rng", records_kind_name(L->kind));
        size_t need = strlen(msg) + strlen(schema) + 512;
        char *full = arena_alloc(&L->r->mem, need);
        if (full)
            rec_schema_message(full, need, e, msg, schema);
        else
            L->nomem = true;
        rec_queue(L, line, REC_FROM_SCHEMA, generic, warning, full ? full : "schema violation");
        return;
    }

    char out[640];
    if (rec_has(msg, "not proper UTF-8") || e->code == XML_ERR_INVALID_ENCODING) {
        if (L->encoding_reported)
            return;
        L->encoding_reported = true;
        const char *bytes = strstr(msg, "Bytes:");
        char b[40] = "";
        if (bytes) {
            snprintf(b, sizeof b, "%s", bytes + 7);
            char *nl = strchr(b, '\n');
            if (nl)
                *nl = '\0';
        }
        snprintf(out, sizeof out,
                 _("the bytes %s are not UTF-8 (expected the encoding named in the XML declaration, "
                   "UTF-8 when it names none; a GBK/GB18030 file needs "
                   "<?xml version=\"1.0\" encoding=\"GB18030\"?>)"), b);
    } else if (e->code == XML_I18N_CONV_FAILED || rec_has(msg, "conversion failed")
               || e->code == XML_ERR_INVALID_CHAR) {
        if (L->encoding_reported)
            return;
        L->encoding_reported = true;
        snprintf(out, sizeof out,
                 _("the bytes do not match the encoding named in the XML declaration (%s; expected "
                   "UTF-8, or GB18030/GBK text declared as such)"), msg);
    } else if (e->code == XML_ERR_UNSUPPORTED_ENCODING || rec_has(msg, "Unsupported encoding")) {
        snprintf(out, sizeof out, _("%s (expected UTF-8, GB18030 or GBK)"), msg);
    } else if (rec_has(msg, "Excessive depth")) {
        snprintf(out, sizeof out, "%s",
                 _("elements nested more than 256 deep (expected the shallow structure of docs/records.md)"));
    } else if (rec_has(msg, "huge") || rec_has(msg, "Huge") || rec_has(msg, "too long")) {
        snprintf(out, sizeof out, _("text too large for a record (expected at most %zu bytes of text)"),
                 REC_MAX_TEXT);
    } else if (rec_has(msg, "Entity") || rec_has(msg, "entity")) {
        snprintf(out, sizeof out, _("%s (expected no entities but &lt; &gt; &amp; &quot; &apos; "
                   "and character references)"), msg);
    } else {
        snprintf(out, sizeof out, _("%s (expected well-formed XML)"), msg);
    }
    text = arena_strdup(&L->r->mem, out);
    if (!text)
        L->nomem = true;
    rec_queue(L, line, REC_FROM_PARSER, false, warning, text ? text : "XML error");
}

/* ---- schemas ------------------------------------------------------------- */

static xmlRelaxNGPtr rec_schema(rec_loader *L, rec_kind k)
{
    if (L->schema_tried[k])
        return L->schemas[k];
    L->schema_tried[k] = true;
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s.rng", L->schema_dir, records_kind_name(k));
    if (len < 0 || (size_t)len >= sizeof path) {
        diag_error(L->d, L->schema_dir, 0, "schema directory path too long");
        L->syserr = true;
        return NULL;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag_error(L->d, path, 0, "cannot read the schema for <%s> (expected the installed data/schema/%s.rng)",
                   records_kind_name(k), records_kind_name(k));
        L->syserr = true;
        return NULL;
    }
    xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(path);
    if (!pc) {
        L->syserr = true;
        return NULL;
    }
    xmlRelaxNGSetParserStructuredErrors(pc, rec_xml_error, L);
    const char *saved = L->file;
    L->file = NULL;   /* schema errors are not the records' fault: see below */
    L->schemas[k] = xmlRelaxNGParse(pc);
    L->file = saved;
    xmlRelaxNGFreeParserCtxt(pc);
    if (!L->schemas[k]) {
        diag_error(L->d, path, 0, "the schema does not compile (expected a valid RELAX NG grammar)");
        L->syserr = true;
    }
    return L->schemas[k];
}

/* ---- opening files ------------------------------------------------------- */

/* Opens path through xmlin: only regular files within the size cap pass,
 * and nothing ever blocks.  Returns the fd, or -1 after queueing an error. */
static int rec_open(rec_loader *L, const char *path, int64_t *size)
{
    xmlin_file f;
    xmlin_open_result res = xmlin_open(path, REC_MAX_PROBES_FILE_BYTES, &f);
    if (res != XMLIN_OPENED) {
        char refusal[XMLIN_MSG_MAX];
        rec_file_error(L, 0, "%s", xmlin_open_message(res, &f, REC_MAX_PROBES_FILE_BYTES, true, refusal, sizeof refusal));
        return -1;
    }
    *size = f.size;
    return f.fd;
}

/* Reads the prolog through xmlin before libxml2 sees a byte: finds the root
 * element (its name is the kind) and refuses a DOCTYPE before any entity
 * could be declared, let alone expanded (billion laughs) or fetched (XXE).
 * Returns true with *kind set, or false after queueing an error. */
static bool rec_prescan(rec_loader *L, int fd, rec_kind *kind)
{
    xmlin_prolog p;
    switch (xmlin_scan_prolog(fd, &p)) {
    case XMLIN_PROLOG_ROOT:
        for (int k = 0; k < REC_KIND_COUNT; k++) {
            if (strlen(rec_kind_names[k]) == p.root_len && memcmp(rec_kind_names[k], p.root, p.root_len) == 0) {
                *kind = (rec_kind)k;
                L->root_line = p.line;
                return true;
            }
        }
        rec_file_error(L, p.line, "unknown root element <%.*s> (expected one of %s)",
                       (int)(p.root_len > 64 ? 64 : p.root_len), p.root, REC_KIND_LIST);
        return false;
    case XMLIN_PROLOG_NOMEM:
        L->nomem = true;
        return false;
    case XMLIN_PROLOG_EREAD:
        rec_file_error(L, 0, "cannot read: %s", strerror(p.err));
        return false;
    case XMLIN_PROLOG_WIDE:
        rec_file_error(L, 1, "the file is UTF-16 or UTF-32 (expected UTF-8, GB18030 or GBK)");
        return false;
    case XMLIN_PROLOG_NOROOT:
        rec_file_error(L, p.line, p.full ? "no root element in the first 64 KiB "
                       "(expected <contract>, <incidents>, ...)"
                       : "no root element (expected one of %s)", REC_KIND_LIST);
        return false;
    case XMLIN_PROLOG_UNTERMINATED:
        rec_file_error(L, p.line, "unterminated %s before the root element (expected %s)",
                       p.close[0] == '?' ? "<?...?>" : "comment", p.close);
        return false;
    case XMLIN_PROLOG_DOCTYPE:
        rec_file_error(L, p.line, "DOCTYPE refused: records take no DTD and no entity declarations "
                       "(expected the root element right after the XML declaration)");
        return false;
    case XMLIN_PROLOG_MARKUP:
        rec_file_error(L, p.line, "unexpected markup before the root element (expected the root element)");
        return false;
    case XMLIN_PROLOG_TEXT:
        rec_file_error(L, p.line, "text before the root element (expected '<' and one of %s)", REC_KIND_LIST);
        return false;
    }
    return false;
}

/* ---- one file ------------------------------------------------------------ */

/* Sentence marks that never stand side by side: ，，  。。  ，。  、，  … */
static bool rec_stop_mark(const unsigned char *p)
{
    /* UTF-8 of ， U+FF0C ； U+FF1B ： U+FF1A (EF BC xx), 、 U+3001 。 U+3002 (E3 80 xx) */
    return (p[0] == 0xEF && p[1] == 0xBC && (p[2] == 0x8C || p[2] == 0x9B || p[2] == 0x9A))
        || (p[0] == 0xE3 && p[1] == 0x80 && (p[2] == 0x81 || p[2] == 0x82));
}

/* A record text with two sentence marks in a row (，， or 。，) prints them
 * so in every document: a warning at check time, with the place. */
static void rec_doubled_marks(rec_loader *L, xmlNodePtr n)
{
    const unsigned char *t = n->content;
    size_t len = strlen((const char *)t);
    for (size_t i = 0; i + 6 <= len; i++)
        if (rec_stop_mark(t + i) && rec_stop_mark(t + i + 3)) {
            rec_file_warning(L, rec_node_line(n), "<%s>: doubled punctuation '%.6s' in \"%.60s\" (expected one mark)",
                             n->parent && n->parent->name ? (const char *)n->parent->name : "?", (const char *)t + i,
                             (const char *)t);
            return;
        }
}

static void rec_text_limits(rec_loader *L, xmlNodePtr n)
{
    for (; n; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content
            && strlen((const char *)n->content) > REC_MAX_TEXT)
            rec_file_error(L, rec_node_line(n), "text of %zu bytes in <%s> (expected at most %zu bytes)",
                           strlen((const char *)n->content),
                           n->parent && n->parent->name ? (const char *)n->parent->name : "?", REC_MAX_TEXT);
        else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
            rec_doubled_marks(L, n);
        if (n->type == XML_ELEMENT_NODE) {
            for (xmlAttrPtr a = n->properties; a; a = a->next) {
                size_t len = 0;
                for (xmlNodePtr t = a->children; t; t = t->next)
                    len += t->content ? strlen((const char *)t->content) : 0;
                if (len > REC_MAX_TEXT)
                    rec_file_error(L, rec_node_line(n), "attribute %s of %zu bytes (expected at most %zu bytes)",
                                   (const char *)a->name, len, REC_MAX_TEXT);
            }
            rec_text_limits(L, n->children);   /* depth <= 256: libxml2 refuses deeper */
        }
    }
}

/* libxml2 stamps an element with the line where its start tag *ends*; a
 * citation should point where it begins.  The SAX callbacks below note the
 * parser's line after every event: the event before a start tag ends right
 * at its '<' (text up to a '<' is always delivered first), so that line is
 * where the tag begins.  Lines past 65534 do not fit node->line; they go to
 * psvi (unused by RELAX NG, cleared before a tree leaves us), read by
 * rec_node_line. */
typedef struct rec_sax {
    long last_line;
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
    charactersSAXFunc characters, whitespace;
    commentSAXFunc comment;
    processingInstructionSAXFunc pi;
    cdataBlockSAXFunc cdata;
} rec_sax;

static void rec_sax_note(xmlParserCtxtPtr ctxt)
{
    rec_sax *s = xmlin_ctxt_user(ctxt);
    if (ctxt->input)
        s->last_line = ctxt->input->line;
}

static void rec_sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI,
                          int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
                          const xmlChar **attributes)
{
    xmlParserCtxtPtr ctxt = ctx;
    rec_sax *s = xmlin_ctxt_user(ctxt);
    long line = s->last_line;
    xmlNodePtr before = ctxt->node;
    s->start(ctx, localname, prefix, URI, nb_namespaces, namespaces, nb_attributes, nb_defaulted, attributes);
    xmlNodePtr n = ctxt->node;
    if (n && n != before && n->type == XML_ELEMENT_NODE && line > 0) {
        if (line < 65535) {
            n->line = (unsigned short)line;
        } else {
            n->line = 65535;
            n->psvi = (void *)(uintptr_t)line;
        }
    }
    rec_sax_note(ctxt);
}

static void rec_sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *URI)
{
    ((rec_sax *)xmlin_ctxt_user(ctx))->end(ctx, localname, prefix, URI);
    rec_sax_note(ctx);
}

static void rec_sax_chars(void *ctx, const xmlChar *ch, int len)
{
    ((rec_sax *)xmlin_ctxt_user(ctx))->characters(ctx, ch, len);
    rec_sax_note(ctx);
}

static void rec_sax_ws(void *ctx, const xmlChar *ch, int len)
{
    ((rec_sax *)xmlin_ctxt_user(ctx))->whitespace(ctx, ch, len);
    rec_sax_note(ctx);
}

static void rec_sax_comment(void *ctx, const xmlChar *value)
{
    ((rec_sax *)xmlin_ctxt_user(ctx))->comment(ctx, value);
    rec_sax_note(ctx);
}

static void rec_sax_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    ((rec_sax *)xmlin_ctxt_user(ctx))->pi(ctx, target, data);
    rec_sax_note(ctx);
}

static void rec_sax_cdata(void *ctx, const xmlChar *value, int len)
{
    ((rec_sax *)xmlin_ctxt_user(ctx))->cdata(ctx, value, len);
    rec_sax_note(ctx);
}

static void rec_sax_hook(xmlParserCtxtPtr ctxt, rec_sax *s)
{
    xmlSAXHandlerPtr h = ctxt->sax;
    s->last_line = 1;
    s->start = h->startElementNs;
    s->end = h->endElementNs;
    s->characters = h->characters;
    s->whitespace = h->ignorableWhitespace;
    s->comment = h->comment;
    s->pi = h->processingInstruction;
    s->cdata = h->cdataBlock;
    if (s->start)
        h->startElementNs = rec_sax_start;
    if (s->end)
        h->endElementNs = rec_sax_end;
    if (s->characters)
        h->characters = rec_sax_chars;
    if (s->whitespace)
        h->ignorableWhitespace = rec_sax_ws;
    if (s->comment)
        h->comment = rec_sax_comment;
    if (s->pi)
        h->processingInstruction = rec_sax_pi;
    if (s->cdata)
        h->cdataBlock = rec_sax_cdata;
}

long rec_node_line(xmlNodePtr n)
{
    if (n->type == XML_ELEMENT_NODE && n->line == 65535 && n->psvi)
        return (long)(uintptr_t)n->psvi;
    return xmlGetLineNo(n);
}

static void rec_clear_psvi(xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            n->psvi = NULL;
            rec_clear_psvi(n->children);
        }
    }
}

static void rec_sax_hook_opt(xmlParserCtxtPtr ctxt, void *user)
{
    rec_sax_hook(ctxt, user);
}

static void rec_load_dom(rec_loader *L, int fd, rec_kind kind)
{
    /* xmlin: NONET, no entity expansion, libxml2's limits; the prescan
     * has refused a DOCTYPE already. */
    rec_sax sax;
    xmlin_parse_opts o = {.on_error = rec_xml_error, .error_ctx = L, .prolog_scanned = true,
                          .hook = rec_sax_hook_opt, .user = &sax};
    xmlDocPtr doc = NULL;
    long at = 0;
    switch (xmlin_parse_fd(fd, &o, &doc, &at)) {
    case XMLIN_PARSED:
        break;
    case XMLIN_PNOMEM:
        L->nomem = true;
        return;
    case XMLIN_DOCTYPE:   /* the prescan already refuses these */
        rec_file_error(L, at, "DOCTYPE refused (expected no DTD)");
        return;
    case XMLIN_MALFORMED:
    case XMLIN_PREAD:
        if (!L->msgs.n)
            rec_file_error(L, 0, "cannot parse (expected well-formed XML)");
        L->kind_unparsed[kind] = true;
        return;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    /* No SAX event marks the prolog's end; the prescan knows the line. */
    if (root && L->root_line > 0 && L->root_line < 65535)
        root->line = (unsigned short)L->root_line;
    if (!root || strcmp((const char *)root->name, records_kind_name(kind)) != 0) {
        rec_file_error(L, root ? rec_node_line(root) : 0, "root element changed while reading (expected <%s>)",
                       records_kind_name(kind));
        xmlFreeDoc(doc);
        return;
    }
    xmlRelaxNGPtr schema = rec_schema(L, kind);
    if (schema) {
        xmlRelaxNGValidCtxtPtr v = xmlRelaxNGNewValidCtxt(schema);
        if (!v) {
            L->nomem = true;
        } else {
            xmlRelaxNGSetValidStructuredErrors(v, rec_xml_error, L);
            (void)xmlRelaxNGValidateDoc(v, doc);
            xmlRelaxNGFreeValidCtxt(v);
        }
    }
    rec_text_limits(L, root);
    if (kind == REC_KIND_CALENDAR) {
        /* The calendar module parses these; we keep the validated tree,
         * clean of our line stash. */
        rec_clear_psvi(root);
        rec_calendar_file *c = REC_PUSH(L, L->r->calendar_files);
        if (!c) {
            xmlFreeDoc(doc);
            return;
        }
        c->path = L->file;
        c->doc = doc;
        c->src.file = L->file;
        c->src.line = rec_node_line(root);
        if (L->keep_trees && L->file_index != REC_NO_INDEX)
            L->r->files.v[L->file_index].tree = doc;   /* owned by calendar_files */
        return;
    }
    rec_extract(L, kind, root);
    if (L->keep_trees && L->file_index != REC_NO_INDEX) {
        rec_clear_psvi(root);
        L->r->files.v[L->file_index].tree = doc;
        L->r->files.v[L->file_index].tree_owned = true;
    } else {
        xmlFreeDoc(doc);
    }
}

/* Loads one file.  Probes files are only recognised in the first pass
 * (returns true for them) and streamed in a second pass, after the
 * contract is known, so that samples can be checked against the term. */
/* A probes file is opened twice, once per pass; the second open must find
 * the very file the first one did (same inode, size and modification
 * time), or what is streamed is not what was recognised. */
static bool rec_same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size
           && a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* ident: in the first pass, where a probes file's identity is noted; in
 * the second, what it must still be. */
static bool rec_load_one(rec_loader *L, const char *path, bool probes_pass, struct stat *ident)
{
    bool is_probes = false;
    L->file = arena_strdup(&L->r->mem, path);
    if (!L->file) {
        L->nomem = true;
        return false;
    }
    L->encoding_reported = false;
    L->msgs.n = 0;
    int64_t size = 0;
    int fd = rec_open(L, path, &size);
    rec_kind kind = REC_KIND_COUNT;
    L->file_index = REC_NO_INDEX;
    struct stat now;
    if (fd >= 0 && probes_pass && (fstat(fd, &now) != 0 || !rec_same_file(ident, &now))) {
        rec_file_error(L, 0, "changed while it was being read (expected the file to stay as it is while opsreport runs)");
    } else if (fd >= 0 && rec_prescan(L, fd, &kind)) {
        L->kind = kind;
        is_probes = kind == REC_KIND_PROBES;
        if (!probes_pass) {   /* listed once, in load order (probes where they were met) */
            rec_file *f = REC_PUSH(L, L->r->files);
            if (f) {
                f->path = L->file;
                f->kind = kind;
                L->file_index = L->r->files.n - 1;
            }
        }
        if (kind != REC_KIND_PROBES && size > REC_MAX_FILE_BYTES) {
            rec_file_error(L, 0, "file too large for <%s>: %lld bytes (expected at most %lld)",
                           records_kind_name(kind), (long long)size, (long long)REC_MAX_FILE_BYTES);
        } else if (kind == REC_KIND_PROBES && !probes_pass) {
            if (fstat(fd, ident) != 0) {   /* streamed later, from the same file */
                rec_file_error(L, 0, "cannot stat: %s", strerror(errno));
                is_probes = false;
            }
        } else if (kind != REC_KIND_PROBES && probes_pass) {
            rec_file_error(L, 0, "changed while it was being read (expected the file to stay as it is while opsreport runs)");
        } else {
            L->r->files_per_kind[kind]++;
            if (kind == REC_KIND_PROBES)
                rec_load_probes(L, fd, rec_schema(L, kind));
            else
                rec_load_dom(L, fd, kind);
        }
    }
    if (fd >= 0)
        close(fd);
    rec_flush(L);
    L->file = NULL;
    return is_probes;
}

void rec_note_time(rec_loader *L, od_minute t, long line, const char *what)
{
    rec_timenote *n = REC_PUSH(L, L->times);
    if (!n)
        return;
    n->t = t;
    n->file = L->file;
    n->line = line;
    n->what = what;
}

/* ---- cross-checks -------------------------------------------------------- */

typedef struct rec_id {
    const char *id;
    size_t seq;          /* load order, so the first place is the earlier one */
    const char *what;    /* "incident", "finding", ... */
    size_t index;
    rec_src src;
} rec_id;

typedef REC_VEC(rec_id) rec_idset;

static int rec_id_cmp(const void *a, const void *b)
{
    const rec_id *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void rec_id_add(rec_loader *L, rec_idset *s, const char *id, const char *what, size_t index, rec_src src)
{
    if (!id)
        return;
    rec_id *e = REC_PUSH(L, *s);
    if (!e)
        return;
    e->id = id;
    e->seq = s->n;
    e->what = what;
    e->index = index;
    e->src = src;
}

/* Sorts an id space and reports each duplicate at its later place, naming
 * the first. */
static void rec_id_check(rec_loader *L, rec_idset *s, const char *kind)
{
    if (s->n)
        qsort(s->v, s->n, sizeof *s->v, rec_id_cmp);
    for (size_t i = 1; i < s->n; i++) {
        size_t first = i - 1;
        while (first > 0 && strcmp(s->v[first - 1].id, s->v[i].id) == 0)
            first--;
        if (strcmp(s->v[first].id, s->v[i].id) == 0)
            diag_error(L->d, s->v[i].src.file, s->v[i].src.line,
                       "duplicate %s id \"%s\", already used by the %s at %s:%ld "
                       "(expected ids unique within %s)",
                       s->v[i].what, s->v[i].id, s->v[first].what, s->v[first].src.file,
                       s->v[first].src.line, kind);
    }
}

static const rec_id *rec_id_find(const rec_idset *s, const char *id)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->v[mid].id, id);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && strcmp(s->v[lo].id, id) == 0 ? &s->v[lo] : NULL;
}

size_t records_find_system(const records *r, const char *id)
{
    for (size_t i = 0; id && i < r->contract.systems.n; i++)
        if (strcmp(r->contract.systems.v[i].id, id) == 0)
            return i;
    return REC_NO_INDEX;
}

static size_t rec_find_person(const records *r, const char *id)
{
    for (size_t i = 0; id && i < r->contract.staff.n; i++)
        if (strcmp(r->contract.staff.v[i].id, id) == 0)
            return i;
    return REC_NO_INDEX;
}

typedef struct rec_xref {
    rec_loader *L;
    char systems[512];    /* "vr, web" for messages */
    bool check_systems;   /* false without a usable contract: one error is enough */
} rec_xref;

static size_t rec_ref_system(rec_xref *x, const char *id, const char *who, rec_src src)
{
    size_t i = records_find_system(x->L->r, id);
    if (i == REC_NO_INDEX && x->check_systems)
        diag_error(x->L->d, src.file, src.line, "%s: unknown system \"%s\" (expected a system id of the contract: %s)",
                   who, id, x->systems);
    return i;
}

static size_t rec_ref(rec_loader *L, const rec_idset *s, const char *id, const char *want_what,
                      const char *who, const char *attr, const char *expect, rec_src src, bool check)
{
    if (!id)
        return REC_NO_INDEX;
    const rec_id *e = rec_id_find(s, id);
    while (e && want_what && strcmp(e->what, want_what) != 0 && e + 1 < s->v + s->n && strcmp(e[1].id, id) == 0)
        e++;
    if (e && (!want_what || strcmp(e->what, want_what) == 0))
        return e->index;
    if (check)
        diag_error(L->d, src.file, src.line, "%s: %s=\"%s\" names no %s (expected %s)", _(who), attr, id,
                   want_what ? _(want_what) : _("record"), _(expect));
    return REC_NO_INDEX;
}

static void rec_cross_check(rec_loader *L)
{
    records *r = L->r;
    rec_contract *c = &r->contract;
    rec_xref x = {.L = L, .check_systems = c->src.file != NULL};
    size_t used = 0;
    for (size_t i = 0; i < c->systems.n && used + 1 < sizeof x.systems; i++) {
        int w = snprintf(x.systems + used, sizeof x.systems - used, "%s%s", i ? ", " : "", c->systems.v[i].id);
        if (w < 0)
            break;
        used += (size_t)w;
        if (used >= sizeof x.systems)
            used = sizeof x.systems - 1;
    }
    if (!c->src.file && !L->kind_unparsed[REC_KIND_CONTRACT])
        diag_error(L->d, NULL, 0, "no contract in the data set (expected exactly one file with root <contract>)");

    /* Id spaces: one per kind. */
    rec_idset contract_ids = {0}, insp = {0}, inc = {0}, emer = {0}, assets = {0}, tasks = {0};
    for (size_t i = 0; i < c->systems.n; i++)
        rec_id_add(L, &contract_ids, c->systems.v[i].id, "system", i, c->systems.v[i].src);
    for (size_t i = 0; i < c->staff.n; i++)
        rec_id_add(L, &contract_ids, c->staff.v[i].id, "person", i, c->staff.v[i].src);
    for (size_t i = 0; i < r->inspections.n; i++)
        rec_id_add(L, &insp, r->inspections.v[i].id, "inspection", i, r->inspections.v[i].src);
    for (size_t i = 0; i < r->findings.n; i++)
        rec_id_add(L, &insp, r->findings.v[i].id, "finding", i, r->findings.v[i].src);
    for (size_t i = 0; i < r->incidents.n; i++)
        rec_id_add(L, &inc, r->incidents.v[i].id, "incident", i, r->incidents.v[i].src);
    for (size_t i = 0; i < r->plans.n; i++)
        rec_id_add(L, &emer, r->plans.v[i].id, "plan", i, r->plans.v[i].src);
    for (size_t i = 0; i < r->drill_plans.n; i++)
        rec_id_add(L, &emer, r->drill_plans.v[i].id, "drill-plan", i, r->drill_plans.v[i].src);
    for (size_t i = 0; i < r->drills.n; i++)
        rec_id_add(L, &emer, r->drills.v[i].id, "drill", i, r->drills.v[i].src);
    for (size_t i = 0; i < r->guarantees.n; i++)
        rec_id_add(L, &emer, r->guarantees.v[i].id, "guarantee", i, r->guarantees.v[i].src);
    for (size_t i = 0; i < r->assets.n; i++)
        rec_id_add(L, &assets, r->assets.v[i].id, "asset", i, r->assets.v[i].src);
    for (size_t i = 0; i < r->tasks.n; i++)
        rec_id_add(L, &tasks, r->tasks.v[i].id, "task", i, r->tasks.v[i].src);
    rec_id_check(L, &contract_ids, "the contract");
    rec_id_check(L, &insp, "inspections");
    rec_id_check(L, &inc, "incidents");
    rec_id_check(L, &emer, "emergency");
    rec_id_check(L, &assets, "assets");
    rec_id_check(L, &tasks, "tasks");

    bool inc_ok = !L->kind_unparsed[REC_KIND_INCIDENTS];
    for (size_t i = 0; i < r->inspections.n; i++) {
        rec_inspection *p = &r->inspections.v[i];
        char who[160];
        snprintf(who, sizeof who, _("inspection %s"), p->id);
        p->system_index = rec_ref_system(&x, p->system, who, p->src);
        p->inspector_index = rec_find_person(r, p->inspector);
        p->reviewer_index = rec_find_person(r, p->reviewer);
    }
    for (size_t i = 0; i < r->findings.n; i++) {
        rec_finding *f = &r->findings.v[i];
        f->incident_index = rec_ref(L, &inc, f->incident, N_("incident"), N_("finding"), "incident",
                                    N_("an incident id of the incidents files"), f->src, inc_ok);
    }
    for (size_t i = 0; i < r->incidents.n; i++) {
        rec_incident *n = &r->incidents.v[i];
        char who[160];
        snprintf(who, sizeof who, _("incident %s"), n->id);
        n->system_index = rec_ref_system(&x, n->system, who, n->src);
        n->repeat_of_index = rec_ref(L, &inc, n->repeat_of, N_("incident"), who, "repeat-of",
                                     N_("the id of an earlier incident"), n->src, true);
        if (n->repeat_of_index == i) {
            diag_error(L->d, n->src.file, n->src.line, "%s: repeat-of names itself (expected an earlier incident)", who);
        } else if (n->repeat_of_index != REC_NO_INDEX
                   && r->incidents.v[n->repeat_of_index].reported > n->reported) {
            const rec_incident *o = &r->incidents.v[n->repeat_of_index];
            diag_error(L->d, n->src.file, n->src.line,
                       "%s: repeat-of=\"%s\" was reported later, at %s:%ld (expected an earlier incident)",
                       who, o->id, o->src.file, o->src.line);
        }
        for (size_t k = 0; k < n->outage_count; k++) {
            rec_outage *o = &r->outages.v[n->outage_first + k];
            o->system_index = n->system_index;
            o->module_index = REC_NO_INDEX;
            if (!o->module || n->system_index == REC_NO_INDEX)
                continue;
            const rec_system *s = &c->systems.v[n->system_index];
            for (size_t m = 0; m < s->module_count; m++)
                if (strcmp(c->modules.v[s->module_first + m].id, o->module) == 0)
                    o->module_index = s->module_first + m;
            if (o->module_index == REC_NO_INDEX)
                diag_error(L->d, o->src.file, o->src.line,
                           "outage of %s: unknown module \"%s\" (expected a module id of system %s)",
                           n->id, o->module, s->id);
        }
    }
    for (size_t i = 0; i < r->windows.n; i++)
        r->windows.v[i].system_index = rec_ref_system(&x, r->windows.v[i].system, _("maintenance window"),
                                                      r->windows.v[i].src);
    for (size_t i = 0; i < r->documents.n; i++) {
        rec_document *doc = &r->documents.v[i];
        doc->ref_index = doc->kind == REC_DOC_INCIDENT
            ? rec_ref(L, &inc, doc->ref, N_("incident"), N_("document"), "ref", N_("an incident id"), doc->src, inc_ok)
            : REC_NO_INDEX;
    }
    for (size_t i = 0; i < r->drills.n; i++) {
        rec_drill *dr = &r->drills.v[i];
        char who[160];
        snprintf(who, sizeof who, _("drill %s"), dr->id);
        dr->plan_index = rec_ref(L, &emer, dr->plan, N_("plan"), who, "plan", N_("the id of an emergency <plan>"),
                                 dr->src, !L->kind_unparsed[REC_KIND_EMERGENCY]);
    }
    bool assets_ok = !L->kind_unparsed[REC_KIND_ASSETS];
    for (size_t i = 0; i < r->asset_changes.n; i++)
        r->asset_changes.v[i].asset_index = rec_ref(L, &assets, r->asset_changes.v[i].asset, N_("asset"), N_("change"),
                                                    "asset", N_("an asset id"), r->asset_changes.v[i].src, assets_ok);
    for (size_t i = 0; i < r->losses.n; i++)
        r->losses.v[i].asset_index = rec_ref(L, &assets, r->losses.v[i].asset, N_("asset"), N_("loss"), "asset",
                                             N_("an asset id"), r->losses.v[i].src, assets_ok);
    for (size_t i = 0; i < r->staff_changes.n; i++)
        r->staff_changes.v[i].person_index = rec_find_person(r, r->staff_changes.v[i].person);
    for (size_t i = 0; i < r->probes.n; i++) {
        rec_probe_series *p = &r->probes.v[i];
        p->system_index = rec_ref_system(&x, p->system, _("probes"), p->src);
    }

    /* Dates near the term: a year typed wrong (2062 for 2026) would
     * otherwise silently drop a record out of every period. */
    if (c->src.file && c->term_start != REC_NO_DATE && c->term_end != REC_NO_DATE) {
        od_minute lo = od_day_start(c->term_start - REC_TERM_SLACK_DAYS);
        od_minute hi = od_day_start(c->term_end + REC_TERM_SLACK_DAYS + 1);
        char a[11], b[11], ta[11], tb[11];
        od_format_date(c->term_start - REC_TERM_SLACK_DAYS, a);
        od_format_date(c->term_end + REC_TERM_SLACK_DAYS, b);
        od_format_date(c->term_start, ta);
        od_format_date(c->term_end, tb);
        for (size_t i = 0; i < L->times.n; i++) {
            const rec_timenote *t = &L->times.v[i];
            if (t->t >= lo && t->t < hi)
                continue;
            char when[17];
            od_format_instant(t->t, when);
            diag_error(L->d, t->file, t->line,
                       "%s %s lies more than %d days outside the contract term %s to %s (expected %s to %s)",
                       t->what, when, REC_TERM_SLACK_DAYS, ta, tb, a, b);
        }
    }
    or_free(contract_ids.v);
    or_free(insp.v);
    or_free(inc.v);
    or_free(emer.v);
    or_free(assets.v);
    or_free(tasks.v);
}

/* ---- public -------------------------------------------------------------- */

void records_free(records *r)
{
    if (!r)
        return;
    or_free(r->contract.payments.v);
    or_free(r->contract.systems.v);
    or_free(r->contract.modules.v);
    or_free(r->contract.staff.v);
    or_free(r->contract.services.v);
    or_free(r->inspections.v);
    or_free(r->checks.v);
    or_free(r->findings.v);
    or_free(r->incidents.v);
    or_free(r->outages.v);
    or_free(r->windows.v);
    or_free(r->documents.v);
    or_free(r->plans.v);
    or_free(r->drill_plans.v);
    or_free(r->drills.v);
    or_free(r->guarantees.v);
    or_free(r->surveys.v);
    or_free(r->complaints.v);
    or_free(r->praise.v);
    or_free(r->assets.v);
    or_free(r->asset_changes.v);
    or_free(r->inventories.v);
    or_free(r->losses.v);
    or_free(r->tasks.v);
    or_free(r->staff_changes.v);
    or_free(r->vacancies.v);
    or_free(r->adjustments.v);
    for (size_t i = 0; i < r->calendar_files.n; i++)
        xmlFreeDoc(r->calendar_files.v[i].doc);
    or_free(r->calendar_files.v);
    for (size_t i = 0; i < r->files.n; i++)
        records_release_tree(r, i);
    or_free(r->files.v);
    for (size_t i = 0; i < r->probes.n; i++) {
        or_free(r->probes.v[i].ok);
        or_free(r->probes.v[i].total);
    }
    or_free(r->probes.v);
    arena_free(&r->mem);
    or_free(r);
}

void records_release_tree(records *r, size_t i)
{
    rec_file *f = &r->files.v[i];
    if (f->tree_owned)
        xmlFreeDoc(f->tree);
    f->tree = NULL;
    f->tree_owned = false;
}

or_status records_load_files(records **out, const char *const *paths, size_t n, const char *schema_dir, diag *d)
{
    return records_load_files_flags(out, paths, n, schema_dir, 0, d);
}

or_status records_load_files_flags(records **out, const char *const *paths, size_t n, const char *schema_dir,
                                   unsigned flags, diag *d)
{
    *out = NULL;
    records *r = or_calloc(1, sizeof *r);
    if (!r)
        return diag_nomem(d);
    arena_init(&r->mem, 0);
    rec_loader L = {.r = r, .d = d, .schema_dir = schema_dir ? schema_dir : "data/schema",
                    .keep_trees = (flags & REC_LOAD_KEEP_TREES) != 0, .file_index = REC_NO_INDEX};
    r->contract.fee_total_fen = -1;
    r->contract.term_start = r->contract.term_end = REC_NO_DATE;

    /* Route every libxml2 message of this run to us; restored afterwards
     * so that other modules' handlers are untouched. */
    xmlin_handlers saved;
    xmlin_push(&saved, rec_xml_error, &L, NULL, NULL);

    unsigned errors_before = d ? d->errors : 0;
    bool *probes = or_calloc(n ? n : 1, sizeof *probes);
    struct stat *idents = or_calloc(n ? n : 1, sizeof *idents);
    if (!probes || !idents)
        L.nomem = true;
    for (size_t i = 0; i < n && !L.nomem; i++)
        probes[i] = rec_load_one(&L, paths[i], false, &idents[i]);
    for (size_t i = 0; i < n && !L.nomem; i++)
        if (probes[i])
            rec_load_one(&L, paths[i], true, &idents[i]);
    or_free(probes);
    or_free(idents);
    if (!L.nomem)
        rec_cross_check(&L);

    xmlin_pop(&saved);
    for (int k = 0; k < REC_KIND_COUNT; k++)
        xmlRelaxNGFree(L.schemas[k]);
    or_free(L.msgs.v);
    or_free(L.times.v);

    or_status st = OR_OK;
    if (L.nomem)
        st = diag_nomem(d);
    else if (L.syserr)
        st = OR_ESYS;
    else if (d && d->errors != errors_before)
        st = OR_EINPUT;
    if (st != OR_OK) {
        records_free(r);
        return st;
    }
    *out = r;
    return OR_OK;
}

static int rec_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Depth to which a subdirectory is searched for *.xml files it would be
 * wrong to ignore; deeper trees are not data sets. */
#define REC_SUBDIR_DEPTH 8

/* The first "*.xml" found under dir (not following symbolic links below
 * it, dot names skipped), written to found; the count of them in *n. */
static void rec_find_xml(const char *dir, int depth, char *found, size_t size, size_t *n)
{
    DIR *dh = depth < REC_SUBDIR_DEPTH ? opendir(dir) : NULL;
    if (!dh)
        return;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
            continue;
        size_t len = strlen(e->d_name);
        struct stat st;
        if (len >= 5 && strcmp(e->d_name + len - 4, ".xml") == 0) {
            if ((*n)++ == 0)
                (void)snprintf(found, size, "%s", path);   /* path fits: it was built in a PATH_MAX buffer */
        } else if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            rec_find_xml(path, depth + 1, found, size, n);
        }
    }
    closedir(dh);
}

or_status records_load_dir(records **out, const char *dir, const char *schema_dir, diag *d)
{
    return records_load_dir_flags(out, dir, schema_dir, 0, d);
}

or_status records_load_dir_flags(records **out, const char *dir, const char *schema_dir, unsigned flags, diag *d)
{
    *out = NULL;
    DIR *dh = opendir(dir);
    if (!dh) {
        diag_error(d, dir, 0, "cannot open the records directory: %s (expected a directory of *.xml files)",
                   strerror(errno));
        return OR_EINPUT;
    }
    REC_VEC(char *) names = {0};
    REC_VEC(char *) subdirs = {0};
    or_status st = OR_OK;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        bool xml = len >= 5 && strcmp(e->d_name + len - 4, ".xml") == 0;
        size_t need = strlen(dir) + 1 + len + 1;
        char *p = or_malloc(need);
        if (!p) {
            st = diag_nomem(d);
            break;
        }
        snprintf(p, need, "%s/%s", dir, e->d_name);
        /* An entry named *.xml is always loaded (the loader refuses what is
         * not a regular file, saying what it is); any other directory is
         * looked into, so that records put there are not silently left out. */
        struct stat sb;
        bool dir_entry = !xml && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
        if (!xml && !dir_entry) {
            or_free(p);
            continue;
        }
        if (xml ? or_grow(&names.v, &names.cap, names.n + 1, sizeof *names.v) != 0
                : or_grow(&subdirs.v, &subdirs.cap, subdirs.n + 1, sizeof *subdirs.v) != 0) {
            or_free(p);
            st = diag_nomem(d);
            break;
        }
        if (xml)
            names.v[names.n++] = p;
        else
            subdirs.v[subdirs.n++] = p;
    }
    closedir(dh);
    unsigned scan_errors = 0;
    if (st == OR_OK && subdirs.n) {
        qsort(subdirs.v, subdirs.n, sizeof *subdirs.v, rec_strcmp_p);
        for (size_t i = 0; i < subdirs.n; i++) {
            char found[PATH_MAX] = "";
            size_t n = 0;
            rec_find_xml(subdirs.v[i], 0, found, sizeof found, &n);
            if (n == 0)
                continue;
            const char *shown = found + strlen(subdirs.v[i]) + 1;   /* relative to the subdirectory */
            if (n == 1)
                diag_error(d, subdirs.v[i], 0, "a subdirectory holding a record file, %s (expected every *.xml "
                           "directly in %s: subdirectories are not read)", shown, dir);
            else
                diag_error(d, subdirs.v[i], 0, "a subdirectory holding %zu *.xml files, %s among them (expected "
                           "every *.xml directly in %s: subdirectories are not read)", n, shown, dir);
            scan_errors++;
        }
    }
    if (st == OR_OK) {
        if (names.n)
            qsort(names.v, names.n, sizeof *names.v, rec_strcmp_p);
        /* The files are still checked, so that one run reports everything. */
        st = records_load_files_flags(out, (const char *const *)names.v, names.n, schema_dir, flags, d);
        if (st == OR_OK && scan_errors) {
            records_free(*out);
            *out = NULL;
            st = OR_EINPUT;
        }
    }
    for (size_t i = 0; i < names.n; i++)
        or_free(names.v[i]);
    or_free(names.v);
    for (size_t i = 0; i < subdirs.n; i++)
        or_free(subdirs.v[i]);
    or_free(subdirs.v);
    return st;
}
