/* xmlin: the one way XML files come in (base layer: no domain).
 *
 * Every XML file the program reads — records, the rules, calendars,
 * templates, layout documents, import maps — is opened, checked and parsed
 * here, so that the defences are written once:
 *  - xmlin_open: a regular file only, opened without ever blocking (a FIFO
 *    without a writer or a terminal would hang the run), at most a size cap
 *    (XMLIN_MAX_BYTES unless the caller gives its own);
 *  - xmlin_scan_prolog: the bytes before the root element, read before
 *    libxml2 sees one: a DOCTYPE is refused there, so no entity is ever
 *    declared, expanded (billion laughs) or fetched (XXE); UTF-16/32 is
 *    recognised; the root element's name and line are found;
 *  - xmlin_parse_fd / xmlin_reader_*: libxml2 always with XML_PARSE_NONET
 *    and never NOENT, DTDLOAD, DTDATTR, DTDVALID or XINCLUDE; HUGE only
 *    where a caller asks (xlsx parts, bounded by their archive), so that
 *    libxml2's size and depth limits hold everywhere else; a second lock on a DOCTYPE the prolog
 *    scan could not see, the encoding named by the XML declaration
 *    (UTF-8 when none; GB18030 and GBK through libxml2's iconv);
 *  - xmlin_push / xmlin_pop: libxml2's process-wide error handlers are
 *    swapped here and only here, and always restored;
 *  - xmlin_error_text and xmlin_diag_error: a libxml2 error as
 *    "file:line: error: message (expected well-formed XML)".
 *
 * Messages stay with the callers (each says what kind of file it expected);
 * xmlin_open_message gives the common wording of a refused file. */
#ifndef OR_XMLIN_H
#define OR_XMLIN_H

#include "diag.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XMLIN_MAX_BYTES ((int64_t)64 * 1024 * 1024)   /* the default size cap */
#define XMLIN_PROLOG_MAX 65536                        /* bytes the prolog scan reads */

/* The parse options every parse gets, and those it never gets. */
#define XMLIN_ALWAYS (XML_PARSE_NONET | XML_PARSE_BIG_LINES)
#define XMLIN_NEVER (XML_PARSE_NOENT | XML_PARSE_DTDLOAD | XML_PARSE_DTDATTR | XML_PARSE_DTDVALID \
                     | XML_PARSE_XINCLUDE)

/* ---- opening ------------------------------------------------------------ */

typedef enum xmlin_open_result {
    XMLIN_OPENED,     /* f->fd is open, f->size its size */
    XMLIN_ENOFILE,    /* open failed: f->err */
    XMLIN_EDANGLING,  /* a symbolic link to nothing: f->link names its target */
    XMLIN_ESTAT,      /* fstat failed: f->err */
    XMLIN_ENOTREG,    /* not a regular file: f->mode, f->is_link */
    XMLIN_ETOOBIG,    /* f->size is over the cap */
} xmlin_open_result;

typedef struct xmlin_file {
    int fd;             /* -1 unless XMLIN_OPENED; close it with xmlin_close */
    int64_t size;
    unsigned mode;      /* st_mode */
    bool is_link;       /* path is a symbolic link */
    int err;            /* errno of ENOFILE and ESTAT */
    char link[PATH_MAX];
} xmlin_file;

/* Opens path read-only without blocking; only a regular file of at most
 * max_bytes (0: XMLIN_MAX_BYTES; negative: no cap) passes.  Whatever the
 * result, f says what was found and xmlin_close(f) is safe. */
xmlin_open_result xmlin_open(const char *path, int64_t max_bytes, xmlin_file *f);
void xmlin_close(xmlin_file *f);

/* "a FIFO", "a directory", "a device", "a socket", "a special file". */
const char *xmlin_mode_name(unsigned mode);

/* Room for a message of xmlin_open_message: a path and the words. */
#define XMLIN_MSG_MAX (PATH_MAX + 256)

/* The common message of a failed open (translated), e.g. "refused: a FIFO
 * (expected a regular XML file)"; dir_note adds that subdirectories are not
 * read.  Returns out. */
const char *xmlin_open_message(xmlin_open_result res, const xmlin_file *f, int64_t max_bytes, bool dir_note,
                               char *out, size_t size);

/* xmlin_open, reporting a failure as diag_error(d, path, 0, message);
 * OR_OK or OR_EINPUT. */
or_status xmlin_open_diag(const char *path, int64_t max_bytes, xmlin_file *f, diag *d);

/* ---- the prolog ----------------------------------------------------------- */

typedef enum xmlin_prolog_result {
    XMLIN_PROLOG_ROOT,          /* the root element: p->root, p->line */
    XMLIN_PROLOG_DOCTYPE,       /* a <!DOCTYPE at p->line */
    XMLIN_PROLOG_WIDE,          /* UTF-16 or UTF-32 */
    XMLIN_PROLOG_MARKUP,        /* other <! markup before the root */
    XMLIN_PROLOG_TEXT,          /* text before the root */
    XMLIN_PROLOG_UNTERMINATED,  /* a PI or comment never closed: p->close */
    XMLIN_PROLOG_NOROOT,        /* no root; p->full when XMLIN_PROLOG_MAX bytes were read */
    XMLIN_PROLOG_EREAD,         /* p->err */
    XMLIN_PROLOG_NOMEM,
} xmlin_prolog_result;

typedef struct xmlin_prolog {
    long line;           /* of the root's '<', the DOCTYPE or the problem */
    char root[65];       /* the root element's name, cut at 64 bytes */
    size_t root_len;     /* its whole length */
    bool full;
    const char *close;   /* "?>" or "-->" */
    int err;
} xmlin_prolog;

/* Reads the first XMLIN_PROLOG_MAX bytes of fd with pread (the file
 * position does not move) and walks the XML declaration, comments and
 * processing instructions up to the root element. */
xmlin_prolog_result xmlin_scan_prolog(int fd, xmlin_prolog *p);

/* ---- libxml2's error handlers ------------------------------------------------ */

typedef struct xmlin_handlers {
    xmlStructuredErrorFunc serror;
    void *sctx;
    xmlGenericErrorFunc generic;
    void *gctx;
} xmlin_handlers;

/* Saves libxml2's handlers in *saved and routes its structured errors to
 * fn(ctx) (left as they are when fn is NULL) and its generic messages to
 * generic(gctx) (swallowed when generic is NULL: nothing reaches stderr).
 * Every push is undone by xmlin_pop(saved), innermost first. */
void xmlin_push(xmlin_handlers *saved, xmlStructuredErrorFunc fn, void *ctx, xmlGenericErrorFunc generic,
                void *gctx);
void xmlin_pop(const xmlin_handlers *saved);

/* libxml2's message of e without its trailing newline and spaces, in out;
 * returns e's line (0 when it has none). */
long xmlin_error_text(const xmlError *e, char *out, size_t size);

/* A structured handler for files without wording of their own: each error
 * (warnings ignored) becomes diag_error(d, path, line, "%s (expected
 * well-formed XML)") and counts in errors. */
typedef struct xmlin_diag_ctx {
    diag *d;
    const char *path;
    unsigned errors;
} xmlin_diag_ctx;
void xmlin_diag_error(void *ctx, xmlErrorPtr e);

/* ---- parsing ----------------------------------------------------------------- */

typedef enum xmlin_parse_result {
    XMLIN_PARSED,      /* *out is the caller's document */
    XMLIN_DOCTYPE,     /* refused, at *line */
    XMLIN_MALFORMED,   /* not well-formed (or unreadable); the errors went to on_error */
    XMLIN_PNOMEM,
    XMLIN_PREAD,       /* the prolog could not be read: errno in *line */
} xmlin_parse_result;

typedef struct xmlin_parse_opts {
    int options;                      /* XML_PARSE_* added to XMLIN_ALWAYS; XMLIN_NEVER is taken out */
    xmlStructuredErrorFunc on_error;  /* pushed for the parse (NULL: errors are swallowed) */
    void *error_ctx;
    bool prolog_scanned;              /* the caller ran xmlin_scan_prolog already */
    /* Called with the parser context before parsing (e.g. to wrap SAX
     * callbacks); ctxt->_private is xmlin's: use xmlin_ctxt_user. */
    void (*hook)(xmlParserCtxtPtr ctxt, void *user);
    void *user;
} xmlin_parse_opts;

/* Parses the open file fd from its current position into a tree: the
 * prolog scan (unless done), then libxml2 with the options above. */
xmlin_parse_result xmlin_parse_fd(int fd, const xmlin_parse_opts *o, xmlDocPtr *out, long *line);

/* The user pointer given in xmlin_parse_opts, from a parser context of
 * xmlin_parse_fd (for SAX wrappers). */
void *xmlin_ctxt_user(xmlParserCtxtPtr ctxt);

/* A streaming reader on the open file fd, or on read/close callbacks
 * (e.g. an .xlsx part), with the options above; NULL when out of memory.
 * The caller refuses XML_READER_TYPE_DOCUMENT_TYPE nodes (xmlin_reader_doctype). */
xmlTextReaderPtr xmlin_reader_fd(int fd, const char *url, int options);
xmlTextReaderPtr xmlin_reader_io(xmlInputReadCallback rd, xmlInputCloseCallback cl, void *ctx, const char *url,
                                 int options);
bool xmlin_reader_doctype(xmlTextReaderPtr r);

#endif
