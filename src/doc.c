#include "doc.h"

#include "utf8.h"
#include "xmlin.h"

#include <errno.h>
#include <limits.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

/* Where an element may stand.  "block" = in <document>, <cover>, <keep> or
 * <td>/<item>; "inline" = inside anything that holds text. */
typedef struct doc_element {
    const char *name;
    const char *parents;   /* space-separated element names, or "@block" / "@inline" */
    const char *attrs;     /* "name:type ..." types: s len size bool int num color widths nums enum(a|b) */
    bool text;             /* may hold character data and inline elements */
} doc_element;

static const doc_element doc_elements[] = {
    {"document", "", "profile:enum(report|gbt9704) orientation:enum(portrait|landscape) title:s author:s "
     "subject:s keywords:s creator:s confidential:s font:s size:size line-height:len lang:s date:s "
     "table-label:s table-continued:s", false},
    {"page-setup", "document", "margin-top:len margin-bottom:len margin-left:len margin-right:len "
     "font:s size:size line-height:len header-rule:bool", false},
    {"header", "document", "left:s center:s right:s outer:s inner:s size:size font:s rule:bool", false},
    {"footer", "document", "left:s center:s right:s outer:s inner:s size:size font:s rule:bool", false},
    {"cover", "document", "rule:bool", false},
    {"title", "cover", "size:size font:s", true},
    {"subtitle", "cover", "size:size font:s", true},
    {"line", "cover", "size:size font:s align:enum(left|center|right)", true},
    {"toc", "document", "title:s depth:int", false},
    {"h1", "@block", "numbered:bool toc:bool bookmark:bool page-break-before:bool", true},
    {"h2", "@block", "numbered:bool toc:bool bookmark:bool page-break-before:bool", true},
    {"h3", "@block", "numbered:bool toc:bool bookmark:bool page-break-before:bool", true},
    {"h4", "@block", "numbered:bool toc:bool bookmark:bool page-break-before:bool", true},
    {"p", "@block td item field", "indent:len align:enum(justify|left|center|right) font:s size:size bold:bool "
     "line-height:len space-before:len space-after:len color:color keep-with-next:bool", true},
    {"list", "@block td field", "type:enum(bullet|decimal|paren|circled|none)", false},
    {"item", "list", "", true},
    {"table", "@block", "widths:widths columns:columns zebra:bool size:size header-rows:int "
     "align:enum(left|center|right) font:s caption:s continued:s continued-caption:s numbered:bool", false},
    {"tr", "table", "header:bool total:bool", false},
    {"td", "tr", "colspan:int rowspan:int align:enum(left|center|right|justify) valign:enum(top|middle|bottom) "
     "bold:bool fill:color", true},
    {"form", "@block", "columns:int label-width:len size:size continued:s", false},
    {"field", "form cover", "label:s span:int", true},
    {"check", "@block", "checked:bool", true},
    {"signature", "@block", "align:enum(left|right|center)", false},
    {"sign", "signature", "label:s width:len", true},
    {"seal", "@block", "label:s size:len align:enum(left|center|right)", false},
    {"image", "@block", "src:s width:len height:len align:enum(left|center|right) caption:s", false},
    {"chart", "@block", "type:enum(bar|stacked|line) title:s width:len height:len y-min:num y-max:num "
     "unit:s x-label:s y-label:s decimals:int ref:num ref-label:s caption:s", false},
    {"c", "chart", "", true},
    {"series", "chart", "name:s values:nums", false},
    {"page-break", "@block", "", false},
    {"spacer", "@block", "height:len", false},
    {"keep", "@block", "keep-with-next:bool", false},
    {"part", "document", "title:s", false},
    {"b", "@inline", "", true},
    {"em", "@inline", "", true},
    {"span", "@inline", "font:s size:size bold:bool color:color", true},
    {"br", "@inline", "", false},
    {"box", "@inline", "checked:bool", false},
    {"blank", "@inline", "width:len", false},
};

static const char *const doc_block_holders[] = {"document", "cover", "keep", "part"};

static const doc_element *doc_find(const char *name)
{
    for (size_t i = 0; i < sizeof doc_elements / sizeof *doc_elements; i++)
        if (strcmp(doc_elements[i].name, name) == 0)
            return &doc_elements[i];
    return NULL;
}

bool doc_is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

long doc_line(xmlNodePtr n) { return n ? xmlGetLineNo(n) : 0; }

const char *doc_attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0)
            return a->children && a->children->content ? (const char *)a->children->content : "";
    return NULL;
}

static bool doc_parse_float(const char *s, const char **end, float *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (e == s || errno || !isfinite(v) || fabs(v) > 1e7)
        return false;
    *out = (float)v;
    *end = e;
    return true;
}

static const struct { const char *name; float pt; } doc_hao[] = {
    {"初号", 42}, {"小初", 36}, {"一号", 26}, {"小一", 24}, {"二号", 22}, {"小二", 18},
    {"三号", 16}, {"小三", 15}, {"四号", 14}, {"小四", 12}, {"五号", 10.5f}, {"小五", 9},
    {"六号", 7.5f}, {"小六", 6.5f}, {"七号", 5.5f}, {"八号", 5},
};

bool doc_parse_length(const char *s, float em, float whole, float *out)
{
    const char *e;
    float v;
    if (!doc_parse_float(s, &e, &v))
        return false;
    if (strcmp(e, "mm") == 0)
        v *= 72.0f / 25.4f;
    else if (strcmp(e, "cm") == 0)
        v *= 720.0f / 25.4f;
    else if (strcmp(e, "in") == 0)
        v *= 72.0f;
    else if (strcmp(e, "em") == 0)
        v *= em;
    else if (strcmp(e, "%") == 0)
        v *= whole / 100.0f;
    else if (strcmp(e, "pt") != 0 && *e != '\0')
        return false;
    *out = v;
    return true;
}

bool doc_parse_font_size(const char *s, float *out)
{
    for (size_t i = 0; i < sizeof doc_hao / sizeof *doc_hao; i++)
        if (strcmp(s, doc_hao[i].name) == 0) {
            *out = doc_hao[i].pt;
            return true;
        }
    float v;
    if (!doc_parse_length(s, 0, 0, &v) || v < 3 || v > 200)
        return false;
    *out = v;
    return true;
}

static bool doc_parse_int(const char *s, int *out)
{
    char *e;
    errno = 0;
    long v = strtol(s, &e, 10);
    if (e == s || *e || errno || v < -1000000 || v > 1000000)
        return false;
    *out = (int)v;
    return true;
}

float doc_attr_length(xmlNodePtr n, const char *name, float em, float whole, float def)
{
    const char *s = doc_attr(n, name);
    float v;
    return s && doc_parse_length(s, em, whole, &v) ? v : def;
}

float doc_attr_size(xmlNodePtr n, const char *name, float def)
{
    const char *s = doc_attr(n, name);
    float v;
    return s && doc_parse_font_size(s, &v) ? v : def;
}

bool doc_attr_bool(xmlNodePtr n, const char *name, bool def)
{
    const char *s = doc_attr(n, name);
    if (!s)
        return def;
    return strcmp(s, "true") == 0 || strcmp(s, "1") == 0 || strcmp(s, "yes") == 0;
}

int doc_attr_int(xmlNodePtr n, const char *name, int def)
{
    const char *s = doc_attr(n, name);
    int v;
    return s && doc_parse_int(s, &v) ? v : def;
}

double doc_attr_number(xmlNodePtr n, const char *name, double def)
{
    const char *s = doc_attr(n, name);
    const char *e;
    float v;
    return s && doc_parse_float(s, &e, &v) && *e == '\0' ? v : def;
}

/* --- validation ---------------------------------------------------------- */

#define DOC_CACHE 64

typedef struct doc_checker {
    const char *path;
    diag *d;
    unsigned errors;
    bool refused;    /* parsing was stopped on purpose: say nothing more */
    /* libxml2 interns element names, so one name is one pointer: a
     * direct-mapped cache from name pointer to table entry saves the
     * string search on almost every node of a large document. */
    const xmlChar *cache_name[DOC_CACHE];
    const doc_element *cache_el[DOC_CACHE];
} doc_checker;

static const doc_element *doc_lookup(doc_checker *c, const xmlChar *name)
{
    size_t slot = ((uintptr_t)name >> 4) % DOC_CACHE;
    if (c->cache_name[slot] != name) {
        c->cache_name[slot] = name;
        c->cache_el[slot] = doc_find((const char *)name);
    }
    return c->cache_el[slot];
}

static void doc_err(doc_checker *c, xmlNodePtr n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void doc_err(doc_checker *c, xmlNodePtr n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_verror(c->d, c->path, doc_line(n), fmt, ap);
    va_end(ap);
    c->errors++;
}

/* Finds attribute `name` in a spec string; returns the type text (up to the
 * next space) in type/typelen. */
static bool doc_spec_attr(const char *spec, const char *name, const char **type, size_t *typelen)
{
    size_t nlen = strlen(name);
    const char *p = spec;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *colon = strchr(p, ':');
        if (!colon)
            return false;
        const char *end = strchr(colon, ' ');
        if (!end)
            end = colon + strlen(colon);
        if ((size_t)(colon - p) == nlen && strncmp(p, name, nlen) == 0) {
            *type = colon + 1;
            *typelen = (size_t)(end - colon - 1);
            return true;
        }
        p = end;
    }
    return false;
}

static bool doc_check_widths(const char *s)
{
    /* Tokens: a length, "N*" (relative share) or "auto". */
    char tok[64];
    int count = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        size_t n = strcspn(s, " ");
        if (n >= sizeof tok)
            return false;
        memcpy(tok, s, n);
        tok[n] = '\0';
        s += n;
        float v;
        const char *e;
        if (strcmp(tok, "auto") == 0 || strcmp(tok, "*") == 0)
            ;
        else if (tok[n - 1] == '*') {
            tok[n - 1] = '\0';
            if (!doc_parse_float(tok, &e, &v) || *e || v <= 0)
                return false;
        } else if (!doc_parse_length(tok, 10, 100, &v) || v <= 0)
            return false;
        count++;
    }
    return count > 0;
}

static bool doc_check_nums(const char *s)
{
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        if (*s == '-' && (s[1] == ' ' || s[1] == '\0')) {   /* "-" = no data */
            s++;
            continue;
        }
        const char *e;
        float v;
        if (!doc_parse_float(s, &e, &v) || (*e && *e != ' '))
            return false;
        s = e;
    }
    return true;
}

/* Column types: one word a column. */
static bool doc_check_columns(const char *v)
{
    static const char *const names[] = {"text", "number", "status", "date", "id", "name"};
    bool any = false;
    while (*v) {
        while (*v == ' ')
            v++;
        size_t n = strcspn(v, " ");
        if (!n)
            break;
        bool ok = false;
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            ok |= strlen(names[k]) == n && strncmp(names[k], v, n) == 0;
        if (!ok)
            return false;
        any = true;
        v += n;
    }
    return any;
}

static bool doc_check_value(const char *type, size_t tlen, const char *v, const char **expected)
{
    float f;
    int i;
    const char *e;
#define T(name) (tlen == strlen(name) && strncmp(type, name, tlen) == 0)
    if (T("s"))
        return true;
    if (T("len")) {
        *expected = "a length such as 12mm, 1.5cm, 10pt, 2em or 50%";
        return doc_parse_length(v, 10, 100, &f) && f >= 0;
    }
    if (T("size")) {
        *expected = "a font size in pt (3 to 200) or a 号 name such as 三号 or 小四";
        return doc_parse_font_size(v, &f);
    }
    if (T("bool")) {
        *expected = "true or false";
        return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
    }
    if (T("int")) {
        *expected = "a whole number";
        return doc_parse_int(v, &i);
    }
    if (T("num")) {
        *expected = "a number";
        return doc_parse_float(v, &e, &f) && *e == '\0';
    }
    if (T("color")) {
        *expected = "a colour #rrggbb";
        if (strlen(v) != 7 || v[0] != '#')
            return false;
        for (int k = 1; k < 7; k++)
            if (!strchr("0123456789abcdefABCDEF", v[k]))
                return false;
        return true;
    }
    if (T("widths")) {
        *expected = "column widths: lengths, N* shares or auto, separated by spaces";
        return doc_check_widths(v);
    }
    if (T("columns")) {
        *expected = "column types separated by spaces: text, number, status, date, id or name";
        return doc_check_columns(v);
    }
    if (T("nums")) {
        *expected = "numbers separated by spaces (- for no data)";
        return doc_check_nums(v);
    }
#undef T
    if (tlen > 6 && strncmp(type, "enum(", 5) == 0) {
        const char *p = type + 5, *end = type + tlen - 1;
        size_t vlen = strlen(v);
        *expected = type;   /* printed with its length below */
        while (p < end) {
            const char *bar = memchr(p, '|', (size_t)(end - p));
            const char *stop = bar ? bar : end;
            if ((size_t)(stop - p) == vlen && strncmp(p, v, vlen) == 0)
                return true;
            p = stop + 1;
        }
        return false;
    }
    return false;
}

/* A parents spec lists element names; "@block" stands for every element
 * that holds blocks, "@inline" for every element that holds text. */
static bool doc_parent_ok(const doc_element *el, xmlNodePtr parent, bool parent_holds_text)
{
    const char *pname = parent && parent->type == XML_ELEMENT_NODE ? (const char *)parent->name : "";
    size_t plen = strlen(pname);
    const char *p = el->parents;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (n == 7 && strncmp(p, "@inline", 7) == 0 && parent_holds_text)
            return true;
        if (n == 6 && strncmp(p, "@block", 6) == 0)
            for (size_t i = 0; i < sizeof doc_block_holders / sizeof *doc_block_holders; i++)
                if (strcmp(pname, doc_block_holders[i]) == 0)
                    return true;
        if (n == plen && plen && strncmp(p, pname, n) == 0)
            return true;
        p += n;
        while (*p == ' ')
            p++;
    }
    return false;
}

static void doc_check_node(doc_checker *c, xmlNodePtr n, int depth)
{
    const char *name = (const char *)n->name;
    const doc_element *el = doc_lookup(c, n->name);
    if (depth > 64) {
        doc_err(c, n, "elements nested %s deep%s%s (expected at most 64 levels)", "too", "", "");
        return;
    }
    if (!el) {
        doc_err(c, n, "unknown element <%s>%s%s (expected a document element: see docs/document-xml.md)",
                name, "", "");
        return;
    }
    xmlNodePtr parent = n->parent;
    const doc_element *pel = parent && parent->type == XML_ELEMENT_NODE ? doc_lookup(c, parent->name) : NULL;
    if (n != xmlDocGetRootElement(n->doc) && !doc_parent_ok(el, parent, pel && pel->text)) {
        doc_err(c, n, "<%s> is not allowed inside <%s>%s", name,
                parent && parent->type == XML_ELEMENT_NODE ? (const char *)parent->name : "(top)", "");
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        const char *aname = (const char *)a->name, *type, *expected = "";
        size_t tlen;
        const char *v = a->children && a->children->content ? (const char *)a->children->content : "";
        if (a->ns) {
            continue;   /* namespaced attributes (e.g. template bookkeeping) are ignored */
        }
        if (!doc_spec_attr(el->attrs, aname, &type, &tlen)) {
            doc_err(c, n, "unknown attribute %s on <%s>%s", aname, name, "");
            continue;
        }
        if (!doc_check_value(type, tlen, v, &expected)) {
            char exp[160];
            if (strncmp(expected, "enum(", 5) == 0) {
                size_t k = tlen - 6 < sizeof exp - 1 ? tlen - 6 : sizeof exp - 1;
                memcpy(exp, expected + 5, k);
                exp[k] = '\0';
                for (char *q = exp; *q; q++)
                    if (*q == '|')
                        *q = '/';
                expected = exp;
            }
            diag_error(c->d, c->path, doc_line(n), "%s=\"%s\" on <%s> (expected %s)", aname, v, name, expected);
            c->errors++;
        }
    }
    for (xmlNodePtr k = n->children; k; k = k->next) {
        if (k->type == XML_ELEMENT_NODE)
            doc_check_node(c, k, depth + 1);
        else if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && !el->text) {
            const char *t = (const char *)k->content;
            if (t && t[strspn(t, " \t\r\n")] != '\0')
                doc_err(c, k, "text inside <%s>%s%s (expected only elements here)", name, "", "");
        } else if (k->type == XML_TEXT_NODE && k->content && !utf8_valid((const char *)k->content, strlen((const char *)k->content))) {
            doc_err(c, k, "invalid UTF-8 in <%s>%s%s", name, "", "");
        }
    }
    if (doc_is(n, "td") || doc_is(n, "field")) {
        int span = doc_attr_int(n, doc_is(n, "td") ? "colspan" : "span", 1);
        if (span < 1 || span > 100)
            doc_err(c, n, "a span of %s on <%s>%s (expected 1 to 100)", doc_attr(n, doc_is(n, "td") ? "colspan" : "span"), name, "");
        if (doc_is(n, "td") && (doc_attr_int(n, "rowspan", 1) < 1 || doc_attr_int(n, "rowspan", 1) > 1000))
            doc_err(c, n, "rowspan=\"%s\" on <%s>%s (expected 1 to 1000)", doc_attr(n, "rowspan"), name, "");
    }
}

or_status doc_validate(xmlDocPtr doc, const char *path, diag *d)
{
    doc_checker c = {.path = path, .d = d};
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root) {
        diag_error(d, path, 0, "no root element (expected <document>)");
        return OR_EINPUT;
    }
    if (!doc_is(root, "document")) {
        diag_error(d, path, doc_line(root), "root element <%s> (expected <document>)", (const char *)root->name);
        return OR_EINPUT;
    }
    doc_check_node(&c, root, 0);
    return c.errors ? OR_EINPUT : OR_OK;
}

static void doc_xml_error(void *ctx, xmlErrorPtr e)
{
    doc_checker *c = ctx;
    if (!e || e->level < XML_ERR_ERROR || c->refused)
        return;
    char msg[512];
    size_t n = strlen(e->message ? e->message : "");
    snprintf(msg, sizeof msg, "%.*s", (int)(n && e->message[n - 1] == '\n' ? n - 1 : n),
             e->message ? e->message : "malformed XML");
    diag_error(c->d, c->path, e->line, "malformed XML: %s", msg);
    c->errors++;
}



/* --- streaming ------------------------------------------------------------ */

static or_status doc_check_root(doc_checker *c, xmlNodePtr root)
{
    if (!doc_is(root, "document")) {
        diag_error(c->d, c->path, doc_line(root), "root element <%s> (expected <document>)", (const char *)root->name);
        return OR_EINPUT;
    }
    /* Attributes only: the children are checked one by one. */
    xmlNodePtr kids = root->children;
    root->children = NULL;
    unsigned before = c->errors;
    doc_check_node(c, root, 0);
    root->children = kids;
    return c->errors > before ? OR_EINPUT : OR_OK;
}


or_status doc_stream_file(const char *path, doc_block_fn fn, void *ctx, diag *d)
{
    doc_checker c = {.path = path, .d = d};
    /* xmlin: a regular file within the cap, opened without blocking; a
     * DOCTYPE refused before libxml2 reads a byte. */
    xmlin_file f;
    xmlin_open_result opened = xmlin_open(path, DOC_MAX_FILE_BYTES, &f);
    if (opened == XMLIN_ENOFILE || opened == XMLIN_EDANGLING) {
        diag_error(d, path, 0, "cannot open the document: %s", strerror(opened == XMLIN_ENOFILE ? f.err : ENOENT));
        return OR_EINPUT;
    }
    if (opened == XMLIN_ENOTREG) {
        diag_error(d, path, 0, "not a regular file (expected an XML document file)");
        return OR_EINPUT;
    }
    if (opened != XMLIN_OPENED) {
        char refusal[XMLIN_MSG_MAX];
        diag_error(d, path, 0, "%s", xmlin_open_message(opened, &f, DOC_MAX_FILE_BYTES, false, refusal, sizeof refusal));
        return OR_EINPUT;
    }
    xmlin_prolog pro;
    xmlin_prolog_result pr = xmlin_scan_prolog(f.fd, &pro);
    if (pr == XMLIN_PROLOG_DOCTYPE || pr == XMLIN_PROLOG_NOMEM || pr == XMLIN_PROLOG_EREAD) {
        xmlin_close(&f);
        if (pr == XMLIN_PROLOG_NOMEM)
            return diag_nomem(d);
        if (pr == XMLIN_PROLOG_EREAD)
            diag_error(d, path, 0, "cannot read the document (expected a readable XML file)");
        else
            diag_error(d, path, pro.line, "a DOCTYPE declaration (documents take no DTD; remove it)");
        return OR_EINPUT;
    }
    xmlTextReaderPtr r = xmlin_reader_fd(f.fd, path, XML_PARSE_NOCDATA);
    if (!r) {
        xmlin_close(&f);
        diag_error(d, path, 0, "cannot read the document (expected a readable XML file)");
        return OR_EINPUT;
    }
    xmlTextReaderSetStructuredErrorHandler(r, doc_xml_error, &c);
    or_status st = OR_OK;
    xmlNodePtr root = NULL;
    int ret = xmlTextReaderRead(r);
    while (st == OR_OK && ret == 1) {
        int type = xmlTextReaderNodeType(r), depth = xmlTextReaderDepth(r);
        if (type == XML_READER_TYPE_ELEMENT && depth == 1) {
            /* One child of <document>: expanded, checked, handed over, and
             * freed when the reader moves past it. */
            xmlNodePtr block = xmlTextReaderExpand(r);
            if (!block)
                break;   /* malformed inside: the error handler has spoken */
            /* After an invalid block the rest is still checked, so that one
             * run reports every problem, but nothing more is handed on. */
            unsigned before = c.errors;
            doc_check_node(&c, block, 1);
            if (c.errors == before && !c.errors)
                st = fn(ctx, root, block);
            ret = xmlTextReaderNext(r);
            continue;
        }
        if (xmlin_reader_doctype(r)) {
            /* The second lock, for a DOCTYPE past the prolog scan: entities
             * it declares are never expanded (no NOENT), and the document
             * is refused before its content is read. */
            diag_error(d, path, xmlTextReaderGetParserLineNumber(r),
                       "a DOCTYPE declaration (documents take no DTD; remove it)");
            st = OR_EINPUT;
        } else if (type == XML_READER_TYPE_ELEMENT && depth == 0) {
            root = xmlTextReaderCurrentNode(r);
            doc_check_root(&c, root);
        } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) && depth == 1) {
            diag_error(d, path, xmlTextReaderGetParserLineNumber(r),
                       "text inside <document> (expected only elements here)");
            st = OR_EINPUT;
        }
        ret = xmlTextReaderRead(r);
    }
    if (st == OR_OK && (c.errors || !root)) {
        if (!c.errors)
            diag_error(d, path, 0, "no root element (expected <document>)");
        st = OR_EINPUT;
    }
    xmlFreeTextReader(r);
    xmlin_close(&f);
    return st;
}

or_status doc_check_root_element(xmlNodePtr root, const char *path, diag *d)
{
    doc_checker c = {.path = path, .d = d};
    return doc_check_root(&c, root);
}

or_status doc_check_block(xmlNodePtr block, const char *path, diag *d)
{
    doc_checker c = {.path = path, .d = d};
    doc_check_node(&c, block, 1);
    return c.errors ? OR_EINPUT : OR_OK;
}
