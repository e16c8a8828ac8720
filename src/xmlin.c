/* xmlin: the one way XML files come in; see xmlin.h. */
#include "xmlin.h"
#include "i18n.h"

#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- opening ------------------------------------------------------------ */

xmlin_open_result xmlin_open(const char *path, int64_t max_bytes, xmlin_file *f)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    if (max_bytes == 0)
        max_bytes = XMLIN_MAX_BYTES;
    /* O_NONBLOCK: opening a FIFO without a writer returns at once (and
     * is then refused below) instead of waiting for one. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat link;
    f->is_link = lstat(path, &link) == 0 && S_ISLNK(link.st_mode);
    if (fd < 0) {
        f->err = errno;
        ssize_t len = f->is_link && f->err == ENOENT ? readlink(path, f->link, sizeof f->link - 1) : -1;
        if (len >= 0) {
            f->link[len] = '\0';
            return XMLIN_EDANGLING;
        }
        return XMLIN_ENOFILE;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        f->err = errno;
        close(fd);
        return XMLIN_ESTAT;
    }
    f->mode = (unsigned)st.st_mode;
    f->size = (int64_t)st.st_size;
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return XMLIN_ENOTREG;
    }
    if (max_bytes > 0 && f->size > max_bytes) {
        close(fd);
        return XMLIN_ETOOBIG;
    }
    /* Regular files never block; clear the flag so reads behave normally. */
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1)
        (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    f->fd = fd;
    return XMLIN_OPENED;
}

void xmlin_close(xmlin_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
}

const char *xmlin_mode_name(unsigned mode)
{
    return S_ISFIFO(mode) ? "a FIFO" : S_ISDIR(mode) ? "a directory"
         : S_ISCHR(mode) || S_ISBLK(mode) ? "a device"
         : S_ISSOCK(mode) ? "a socket" : "a special file";
}

const char *xmlin_open_message(xmlin_open_result res, const xmlin_file *f, int64_t max_bytes, bool dir_note,
                               char *out, size_t size)
{
    if (max_bytes == 0)
        max_bytes = XMLIN_MAX_BYTES;
    switch (res) {
    case XMLIN_OPENED:
        snprintf(out, size, "%s", "");
        break;
    case XMLIN_EDANGLING:
        snprintf(out, size, _("refused: a symbolic link to %s, which does not exist (expected a regular XML file)"),
                 f->link);
        break;
    case XMLIN_ENOFILE:
        snprintf(out, size, _("cannot open: %s (expected a readable XML file)"), strerror(f->err));
        break;
    case XMLIN_ESTAT:
        snprintf(out, size, _("cannot stat: %s"), strerror(f->err));
        break;
    case XMLIN_ENOTREG:
        snprintf(out, size, _("refused: %s%s (expected a regular XML file%s)"), f->is_link ? "a symbolic link to " : "",
                 xmlin_mode_name(f->mode), dir_note && S_ISDIR(f->mode) ? "; subdirectories are not read" : "");
        break;
    case XMLIN_ETOOBIG:
        snprintf(out, size, _("file too large: %lld bytes (expected at most %lld)"), (long long)f->size,
                 (long long)max_bytes);
        break;
    }
    return out;
}

or_status xmlin_open_diag(const char *path, int64_t max_bytes, xmlin_file *f, diag *d)
{
    xmlin_open_result res = xmlin_open(path, max_bytes, f);
    if (res == XMLIN_OPENED)
        return OR_OK;
    char refusal[XMLIN_MSG_MAX];
    diag_error(d, path, 0, "%s", xmlin_open_message(res, f, max_bytes, false, refusal, sizeof refusal));
    return OR_EINPUT;
}

/* ---- the prolog ----------------------------------------------------------- */

static bool xmlin_name_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
           || c == '_' || c == '.' || c == ':' || c >= 0x80;
}

static const unsigned char *xmlin_find(const unsigned char *p, const unsigned char *end, const char *pat)
{
    size_t m = strlen(pat);
    for (; (size_t)(end - p) >= m; p++)
        if (memcmp(p, pat, m) == 0)
            return p;
    return NULL;
}

xmlin_prolog_result xmlin_scan_prolog(int fd, xmlin_prolog *out)
{
    memset(out, 0, sizeof *out);
    unsigned char *b = or_malloc(XMLIN_PROLOG_MAX);
    if (!b)
        return XMLIN_PROLOG_NOMEM;
    size_t n = 0;
    while (n < XMLIN_PROLOG_MAX) {
        ssize_t got = pread(fd, b + n, XMLIN_PROLOG_MAX - n, (off_t)n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            out->err = errno;
            or_free(b);
            return XMLIN_PROLOG_EREAD;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    xmlin_prolog_result res;
    const unsigned char *p = b, *end = b + n;
    long line = 1;
    if (n >= 2 && ((b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0xFF && b[1] == 0xFE) || !b[0] || !b[1])) {
        out->line = 1;
        res = XMLIN_PROLOG_WIDE;
        goto done;
    }
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        p += 3;
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            line += *p++ == '\n';
        out->line = line;
        if (p >= end) {
            out->full = n == XMLIN_PROLOG_MAX;
            res = XMLIN_PROLOG_NOROOT;
            goto done;
        }
        const char *close = NULL;
        if (end - p >= 2 && p[0] == '<' && p[1] == '?')
            close = "?>";
        else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
            close = "-->";
        if (close) {
            const unsigned char *q = xmlin_find(p + 2, end, close);
            if (!q) {
                out->close = close;
                res = XMLIN_PROLOG_UNTERMINATED;
                goto done;
            }
            q += strlen(close);
            for (; p < q; p++)
                line += *p == '\n';
            continue;
        }
        if (end - p >= 2 && p[0] == '<' && p[1] == '!') {
            res = end - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0 ? XMLIN_PROLOG_DOCTYPE : XMLIN_PROLOG_MARKUP;
            goto done;
        }
        if (*p != '<') {
            res = XMLIN_PROLOG_TEXT;
            goto done;
        }
        const unsigned char *s = p + 1, *e = s;
        while (e < end && xmlin_name_char(*e))
            e++;
        out->root_len = (size_t)(e - s);
        size_t keep = out->root_len < sizeof out->root - 1 ? out->root_len : sizeof out->root - 1;
        memcpy(out->root, s, keep);
        out->root[keep] = '\0';
        res = XMLIN_PROLOG_ROOT;
        goto done;
    }
done:
    or_free(b);
    return res;
}

/* ---- libxml2's error handlers ------------------------------------------------ */

static void xmlin_swallow(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

void xmlin_push(xmlin_handlers *saved, xmlStructuredErrorFunc fn, void *ctx, xmlGenericErrorFunc generic,
                void *gctx)
{
    xmlInitParser();
    saved->serror = xmlStructuredError;
    saved->sctx = xmlStructuredErrorContext;
    saved->generic = xmlGenericError;
    saved->gctx = xmlGenericErrorContext;
    if (fn)
        xmlSetStructuredErrorFunc(ctx, fn);
    if (generic)
        xmlSetGenericErrorFunc(gctx, generic);
    else
        xmlSetGenericErrorFunc(NULL, xmlin_swallow);
}

void xmlin_pop(const xmlin_handlers *saved)
{
    xmlSetStructuredErrorFunc(saved->sctx, saved->serror);
    xmlSetGenericErrorFunc(saved->gctx, saved->generic);
}

long xmlin_error_text(const xmlError *e, char *out, size_t size)
{
    snprintf(out, size, "%s", e && e->message ? e->message : "error");
    for (size_t n = strlen(out); n && (out[n - 1] == '\n' || out[n - 1] == ' ');)
        out[--n] = '\0';
    return e && e->line > 0 ? e->line : 0;
}

void xmlin_diag_error(void *ctx, xmlErrorPtr e)
{
    xmlin_diag_ctx *c = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    char msg[512];
    long line = xmlin_error_text(e, msg, sizeof msg);
    diag_error(c->d, c->path, line, "%s (expected well-formed XML)", msg);
    c->errors++;
}

/* ---- parsing ----------------------------------------------------------------- */

typedef struct xmlin_state {
    void *user;
    bool doctype;
    long doctype_line;
} xmlin_state;

void *xmlin_ctxt_user(xmlParserCtxtPtr ctxt)
{
    return ((xmlin_state *)ctxt->_private)->user;
}

/* The second lock: a DOCTYPE the prolog scan could not see (past its
 * first 64 KiB) stops the parse before its internal subset is read. */
static void xmlin_on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id, const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    xmlParserCtxtPtr ctxt = ctx;
    xmlin_state *s = ctxt->_private;
    s->doctype = true;
    s->doctype_line = ctxt->input ? ctxt->input->line : 0;
    xmlStopParser(ctxt);
}

static int xmlin_options(int options)
{
    return (options | XMLIN_ALWAYS) & ~XMLIN_NEVER;
}

xmlin_parse_result xmlin_parse_fd(int fd, const xmlin_parse_opts *o, xmlDocPtr *out, long *line)
{
    *out = NULL;
    *line = 0;
    if (!o->prolog_scanned) {
        xmlin_prolog pr;
        switch (xmlin_scan_prolog(fd, &pr)) {
        case XMLIN_PROLOG_DOCTYPE:
            *line = pr.line;
            return XMLIN_DOCTYPE;
        case XMLIN_PROLOG_NOMEM:
            return XMLIN_PNOMEM;
        case XMLIN_PROLOG_EREAD:
            *line = pr.err;
            return XMLIN_PREAD;
        default:
            break;   /* anything else libxml2 reports in its own words */
        }
    }
    xmlin_handlers saved;
    xmlin_push(&saved, o->on_error, o->error_ctx, NULL, NULL);
    if (!o->on_error)   /* nothing to the outer handler: libxml2 falls back to the swallowed generic one */
        xmlSetStructuredErrorFunc(NULL, NULL);
    /* xmlCtxtReadFd, not xmlCreateIOParserCtxt: libxml2 2.9's
     * xmlCreateIOParserCtxt leaks its input buffer when out of memory. */
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        xmlin_pop(&saved);
        return XMLIN_PNOMEM;
    }
    int options = xmlin_options(o->options);
    (void)xmlCtxtUseOptions(ctxt, options);   /* before the hook sees the SAX callbacks */
    xmlin_state s = {.user = o->user};
    ctxt->_private = &s;
    ctxt->sax->internalSubset = xmlin_on_doctype;
    if (o->hook)
        o->hook(ctxt, o->user);
    /* The fd is read from its position and left open (the caller's). */
    xmlDocPtr doc = xmlCtxtReadFd(ctxt, fd, NULL, NULL, options);
    bool nomem = ctxt->errNo == XML_ERR_NO_MEMORY || (!doc && !s.doctype && ctxt->errNo == XML_ERR_OK);
    xmlFreeParserCtxt(ctxt);
    xmlin_pop(&saved);
    if (s.doctype || (doc && (doc->intSubset || doc->extSubset))) {
        xmlFreeDoc(doc);
        *line = s.doctype ? s.doctype_line : 1;
        return XMLIN_DOCTYPE;
    }
    if (!doc)   /* xmlCtxtReadFd keeps only a well-formed document */
        return nomem ? XMLIN_PNOMEM : XMLIN_MALFORMED;
    *out = doc;
    return XMLIN_PARSED;
}

/* ---- streaming --------------------------------------------------------------- */

xmlTextReaderPtr xmlin_reader_fd(int fd, const char *url, int options)
{
    xmlInitParser();
    return xmlReaderForFd(fd, url, NULL, xmlin_options(options));
}

xmlTextReaderPtr xmlin_reader_io(xmlInputReadCallback rd, xmlInputCloseCallback cl, void *ctx, const char *url,
                                 int options)
{
    xmlInitParser();
    return xmlReaderForIO(rd, cl, ctx, url, NULL, xmlin_options(options));
}

bool xmlin_reader_doctype(xmlTextReaderPtr r)
{
    return xmlTextReaderNodeType(r) == XML_READER_TYPE_DOCUMENT_TYPE;
}
