/* template: loading (parse, check, compile) and expansion.
 *
 * A template file is parsed once into a small instruction tree (tinst)
 * whose XPath expressions are compiled once; the template's xmlDoc is freed
 * right after.  Expansion walks the instruction tree, evaluating the
 * compiled expressions in one XPath context, and builds the output with the
 * libxml2 tree API.  Variables live on a stack searched from the top; an
 * include starts a new frame (`base`) so a part sees only its parameters. */
#include "template.h"
#include "i18n.h"

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "personal.h"
#include "template_internal.h"
#include "xmlin.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

/* ---------------------------------------------------------------------- */
/* The compiled form                                                       */

typedef enum {
    TI_TEXT,       /* literal text */
    TI_ELEMENT,    /* literal element: attrs (AVTs), children */
    TI_PART,       /* root of an included part: children only */
    TI_FOR_EACH,
    TI_IF,
    TI_CHOOSE,     /* children: TI_WHEN…, optional TI_OTHERWISE */
    TI_WHEN,
    TI_OTHERWISE,
    TI_VARIABLE,   /* expr or children */
    TI_PARAM,      /* expr (default) or children */
    TI_WITH_PARAM, /* expr or children */
    TI_VALUE_OF,
    TI_COPY_OF,
    TI_ATTRIBUTE,  /* name, expr or children */
    TI_INCLUDE
} ti_kind;

typedef struct texpr {
    xmlXPathCompExprPtr comp;
    const char *src;
    struct texpr *next_all;   /* every expression of the template, for template_free */
} texpr;

/* An attribute value template: literal pieces and expressions in turn. */
typedef struct tavt_part {
    const char *lit;   /* NUL-terminated literal, or NULL */
    texpr *expr;       /* or an expression */
} tavt_part;

typedef struct tattr {
    const xmlChar *name;
    const char *constant;   /* the value when it holds no expression */
    tavt_part *parts;
    size_t nparts;
} tattr;

typedef struct tinst tinst;
typedef struct tsort {
    tinst *key;   /* the t:sort: its select and its line, for messages */
    bool descending, number;
} tsort;

typedef struct tunit tunit;

struct tinst {
    ti_kind kind;
    long line;
    const tunit *unit;
    tinst *first, *next;    /* content, siblings */
    const xmlChar *name;    /* element, variable, param or attribute name */
    texpr *expr;            /* select or test */
    const char *text;       /* TI_TEXT */
    size_t textlen;
    tattr *attrs;           /* TI_ELEMENT */
    size_t nattrs;
    tsort *sorts;           /* TI_FOR_EACH */
    size_t nsorts;
    tunit *target;          /* TI_INCLUDE */
    tinst *with;            /* TI_INCLUDE: TI_WITH_PARAM list */
    texpr *values;          /* TI_PARAM of the main template: values="…", or NULL */
    const char *one_of;     /* TI_PARAM of the main template: one-of="…", or NULL */
};

struct tunit {
    const char *path;       /* as opened, for messages */
    const char *real;       /* canonical, to recognize a file met twice */
    tinst *params;          /* TI_PARAM list, in order */
    size_t nparams;
    tinst *root;            /* TI_ELEMENT or TI_PART */
    bool loading;           /* on the include chain right now */
    tunit *next;
};

typedef struct tns {
    const char *prefix, *uri;
} tns;

struct template {
    arena mem;
    tunit *main;
    tunit *units;
    texpr *exprs;
    tns *ns;                /* prefixes used in expressions, one binding each */
    size_t nns, capns;
};

static bool is_t(xmlNodePtr n)
{
    return n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST TEMPLATE_NS);
}

static bool is_t_named(xmlNodePtr n, const char *local)
{
    return is_t(n) && xmlStrEqual(n->name, BAD_CAST local);
}

static bool is_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* ---------------------------------------------------------------------- */
/* Loading                                                                 */

typedef struct loader {
    template *t;
    diag *d;
    unsigned errors;
    bool nomem;
    xmlXPathContextPtr cx;       /* compiles, with our error handler */
    bool xfailed;
    char xmsg[400];
    int xoffset;
    tunit *unit;                 /* the unit being compiled */
    const xmlChar **scope;       /* variables visible here, innermost last */
    size_t nscope, capscope;
    tunit **chain;               /* the include chain, for cycles and depth */
    size_t nchain, capchain;
    const char *parsing;
    const char *base, *overlay;  /* template_load_search: the installed and the team's directories */
} loader;

static void lerr(loader *L, xmlNodePtr at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void lerr(loader *L, xmlNodePtr at, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap);
    va_end(ap);
    diag_error(L->d, L->unit ? L->unit->path : NULL, at ? xmlGetLineNo(at) : 0, "%s", msg);
    L->errors++;
}

static void *lalloc(loader *L, size_t n)
{
    void *p = arena_alloc(&L->t->mem, n);
    if (!p)
        L->nomem = true;
    return p;
}

static char *lstrdup(loader *L, const char *s)
{
    char *p = arena_strdup(&L->t->mem, s ? s : "");
    if (!p)
        L->nomem = true;
    return p;
}

/* libxml2 2.9 hands its XPath errors to the handler without a message;
 * these are its texts (xpath.c, xmlXPathErrorMessages), in its order. */
static const char *xpath_message(int code)
{
    static const char *const msgs[] = {
        "ok", "bad number", "unfinished string literal", "expected a string literal",
        "expected $ for a variable reference", "undefined variable", "invalid predicate",
        "invalid expression", "missing closing curly brace", "unknown function",
        "invalid operand", "invalid type (e.g. a node-set operation on a string)",
        "wrong number of arguments", "invalid context size", "invalid context position",
        "out of memory", "syntax error", "resource error", "sub-resource error",
        "undefined namespace prefix", "encoding error", "character out of the XML range",
        "invalid or incomplete context", "stack usage error", "forbidden variable"};
    int i = code - XML_XPATH_EXPRESSION_OK;
    return i >= 0 && i < (int)(sizeof msgs / sizeof msgs[0]) ? msgs[i] : "error";
}

/* libxml2's XPath compile errors arrive here (the compile context's error
 * handler), never on stderr. */
static void loader_xpath_error(void *ctx, xmlErrorPtr e)
{
    loader *L = ctx;
    if (L->xfailed || !e)
        return;
    L->xfailed = true;
    L->xoffset = e->int1;
    if (e->code == XML_XPATH_MEMORY_ERROR)
        L->nomem = true;
    snprintf(L->xmsg, sizeof L->xmsg, "%s", e->message ? e->message : xpath_message(e->code));
    size_t n = strlen(L->xmsg);
    while (n && (L->xmsg[n - 1] == '\n' || L->xmsg[n - 1] == ' '))
        L->xmsg[--n] = '\0';
}

/* Template parse errors: the parser's structured handler while a file is
 * read. */
static void loader_parse_error(void *ctx, xmlErrorPtr e)
{
    loader *L = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    if (e->code == XML_ERR_NO_MEMORY) {
        L->nomem = true;
        return;
    }
    if (!L->parsing)
        return;   /* outside parsing: reported where it happened */
    char msg[400];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "error");
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    diag_error(L->d, L->parsing, e->line, "malformed template XML: %s", msg);
    L->errors++;
}

/* -- static checks of an XPath expression -------------------------------- */

static const char *const CORE_FUNCTIONS[] = {
    "last", "position", "count", "id", "local-name", "namespace-uri", "name", "string", "concat",
    "starts-with", "contains", "substring-before", "substring-after", "substring",
    "string-length", "normalize-space", "translate", "boolean", "not", "true", "false", "lang",
    "number", "sum", "floor", "ceiling", "round", "current", NULL};

static bool name_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static bool name_char(unsigned char c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static size_t skip_ws(const char *s, size_t i)
{
    while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
        i++;
    return i;
}

/* Arguments of the call whose '(' is at s[open]: top-level commas + 1, or
 * 0 for "()". */
static int count_args(const char *s, size_t open)
{
    int depth = 0, commas = 0;
    bool any = false;
    for (size_t i = open; s[i]; i++) {
        char c = s[i];
        if (c == '\'' || c == '"') {
            const char *q = strchr(s + i + 1, c);
            if (!q)
                break;
            i = (size_t)(q - s);
            any = true;
        } else if (c == '(' || c == '[') {
            if (depth > 0)
                any = true;
            depth++;
        } else if (c == ')' || c == ']') {
            if (--depth == 0)
                break;
        } else if (c == ',' && depth == 1) {
            commas++;
        } else if (depth >= 1 && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            any = true;
        }
    }
    return any || commas ? commas + 1 : 0;
}

static bool in_scope(const loader *L, const char *name, size_t len)
{
    for (size_t i = L->nscope; i > 0; i--)
        if (xmlStrlen(L->scope[i - 1]) == (int)len && memcmp(L->scope[i - 1], name, len) == 0)
            return true;
    return false;
}

/* A prefix used in an expression must be declared where the expression is,
 * and (because one XPath context serves the whole template) bound to the
 * same namespace everywhere. */
static const char *check_prefix(loader *L, xmlNodePtr at, const char *prefix, size_t plen, const char *src)
{
    char p[128];
    if (plen >= sizeof p) {
        lerr(L, at, "namespace prefix too long (expression '%s')", src);
        return NULL;
    }
    memcpy(p, prefix, plen);
    p[plen] = '\0';
    xmlNsPtr ns = xmlSearchNs(at->doc, at, BAD_CAST p);
    if (!ns) {
        lerr(L, at, "undeclared namespace prefix '%s' (expression '%s')", p, src);
        return NULL;
    }
    template *t = L->t;
    for (size_t i = 0; i < t->nns; i++) {
        if (strcmp(t->ns[i].prefix, p) == 0) {
            if (strcmp(t->ns[i].uri, (const char *)ns->href) != 0) {
                lerr(L, at, "prefix '%s' is bound to '%s' here and to '%s' elsewhere; bind each prefix to one namespace in all template files (expression '%s')",
                     p, (const char *)ns->href, t->ns[i].uri, src);
                return NULL;
            }
            return t->ns[i].uri;
        }
    }
    if (or_grow(&t->ns, &t->capns, t->nns + 1, sizeof *t->ns) != 0) {
        L->nomem = true;
        return NULL;
    }
    t->ns[t->nns].prefix = lstrdup(L, p);
    t->ns[t->nns].uri = lstrdup(L, (const char *)ns->href);
    if (L->nomem)
        return NULL;
    return t->ns[t->nns++].uri;
}

/* Walks the expression with the XPath 1.0 lexical rules (3.7) far enough to
 * find variable references, function calls and prefixes, and checks them
 * against the scope, the function tables and the namespaces.  Syntax errors
 * are left to libxml2's compiler, which runs next. */
static bool check_expr(loader *L, xmlNodePtr at, const char *s)
{
    unsigned before = L->errors;
    /* operand: the previous token ends an operand, so a following name is
     * an operator (and, or, div, mod) and '*' multiplies. */
    bool operand = false;
    size_t i = 0;
    for (;;) {
        i = skip_ws(s, i);
        unsigned char c = (unsigned char)s[i];
        if (!c)
            break;
        if (c == '\'' || c == '"') {
            const char *q = strchr(s + i + 1, c);
            if (!q)
                break;
            i = (size_t)(q - s) + 1;
            operand = true;
        } else if ((c >= '0' && c <= '9') || (c == '.' && s[i + 1] >= '0' && s[i + 1] <= '9')) {
            while ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')
                i++;
            operand = true;
        } else if (c == '$') {
            size_t b = ++i;
            while (name_char((unsigned char)s[i]) || (s[i] == ':' && s[i + 1] != ':'))
                i++;
            if (i == b)
                break;
            if (!in_scope(L, s + b, i - b))
                lerr(L, at, "unknown variable $%.*s: no t:variable or t:param of that name is in scope here (expression '%s')",
                     (int)(i - b), s + b, s);
            operand = true;
        } else if (c == ')' || c == ']') {
            i++;
            operand = true;
        } else if (c == '.') {
            i += s[i + 1] == '.' ? 2 : 1;
            operand = true;
        } else if (c == '*') {
            i++;
            operand = !operand;   /* a name test after an operator, else multiplication */
        } else if (name_start(c)) {
            size_t b = i;
            while (name_char((unsigned char)s[i]))
                i++;
            size_t plen = 0, local = b;
            bool star = false;
            if (s[i] == ':' && s[i + 1] != ':') {
                plen = i - b;
                local = ++i;
                if (s[i] == '*') {
                    star = true;
                    i++;
                } else {
                    while (name_char((unsigned char)s[i]))
                        i++;
                }
            }
            if (operand && !plen) {   /* and, or, div, mod */
                operand = false;
                continue;
            }
            size_t j = skip_ws(s, i);
            if (s[j] == ':' && s[j + 1] == ':') {   /* axis name */
                operand = false;
                i = j + 2;
                continue;
            }
            size_t llen = i - local;
            if (s[j] == '(' && !star) {
                if (!plen) {
                    static const char *const types[] = {"node", "text", "comment", "processing-instruction", NULL};
                    bool known = false;
                    for (int k = 0; types[k] && !known; k++)
                        known = strlen(types[k]) == llen && memcmp(types[k], s + local, llen) == 0;
                    for (int k = 0; CORE_FUNCTIONS[k] && !known; k++)
                        known = strlen(CORE_FUNCTIONS[k]) == llen && memcmp(CORE_FUNCTIONS[k], s + local, llen) == 0;
                    if (!known)
                        lerr(L, at, "unknown function %.*s() (XPath 1.0 core functions, current(), and f: functions of %s only) (expression '%s')",
                             (int)llen, s + local, TEMPLATE_FUNCTIONS_NS, s);
                } else {
                    const char *uri = check_prefix(L, at, s + b, plen, s);
                    char name[64];
                    int mn, mx;
                    if (!uri) {
                        /* reported */
                    } else if (strcmp(uri, TEMPLATE_FUNCTIONS_NS) != 0) {
                        lerr(L, at, "unknown function %.*s(): prefix '%.*s' is bound to '%s', not to %s (expression '%s')",
                             (int)(i - b), s + b, (int)plen, s + b, uri, TEMPLATE_FUNCTIONS_NS, s);
                    } else if (llen >= sizeof name
                               || (memcpy(name, s + local, llen), name[llen] = '\0', !template_funcs_arity(name, &mn, &mx))) {
                        lerr(L, at, "unknown function %.*s() (see docs/template-language.md for the f: functions) (expression '%s')",
                             (int)(i - b), s + b, s);
                    } else {
                        int n = count_args(s, j);
                        if (n < mn || n > mx) {
                            if (mn == mx)
                                lerr(L, at, "%.*s() takes %d argument%s, not %d (expression '%s')",
                                     (int)(i - b), s + b, mn, mn == 1 ? "" : "s", n, s);
                            else
                                lerr(L, at, "%.*s() takes %d to %d arguments, not %d (expression '%s')",
                                     (int)(i - b), s + b, mn, mx, n, s);
                        }
                    }
                }
                operand = false;   /* the '(' follows */
            } else {
                if (plen)
                    check_prefix(L, at, s + b, plen, s);
                operand = true;
            }
        } else {
            /* ( [ , @ / // | + - = != < <= > >= and anything odd */
            if (c == '!' && s[i + 1] == '=')
                i++;
            else if ((c == '<' || c == '>') && s[i + 1] == '=')
                i++;
            else if (c == '/' && s[i + 1] == '/')
                i++;
            i++;
            operand = false;
        }
    }
    return L->errors == before && !L->nomem;
}

static texpr *compile_expr(loader *L, xmlNodePtr at, const char *src)
{
    if (L->nomem)
        return NULL;
    if (is_blank(BAD_CAST src)) {
        lerr(L, at, "empty XPath expression (expression '%s')", src);
        return NULL;
    }
    if (!check_expr(L, at, src))
        return NULL;
    L->xfailed = false;
    L->xmsg[0] = '\0';
    /* Compiled as "(src)": the same expression, but libxml2 then never
     * takes its pattern-streaming shortcut for simple paths, whose
     * evaluation differs from the general one in corner cases (and whose
     * compiler leaks when an allocation fails). */
    size_t n = strlen(src);
    char *wrapped = or_malloc(n + 3);
    if (!wrapped) {
        L->nomem = true;
        return NULL;
    }
    wrapped[0] = '(';
    memcpy(wrapped + 1, src, n);
    memcpy(wrapped + 1 + n, ")", 2);
    xmlXPathCompExprPtr comp = xmlXPathCtxtCompile(L->cx, BAD_CAST wrapped);
    or_free(wrapped);
    if (!comp) {
        int at_char = L->xoffset < 1 ? 1 : L->xoffset > (int)n ? (int)n : L->xoffset;
        if (L->xfailed)
            lerr(L, at, "XPath syntax error: %s at character %d (expression '%s')", L->xmsg, at_char, src);
        else
            L->nomem = true;
        return NULL;
    }
    texpr *e = lalloc(L, sizeof *e);
    const char *copy = e ? lstrdup(L, src) : NULL;
    if (!copy) {
        xmlXPathFreeCompExpr(comp);
        return NULL;
    }
    e->comp = comp;
    e->src = copy;
    e->next_all = L->t->exprs;
    L->t->exprs = e;
    return e;
}

/* Parses "{expr}" pieces; "{{" and "}}" are literal braces. */
static bool compile_avt(loader *L, xmlNodePtr at, const xmlChar *name, const char *v, tattr *out)
{
    out->name = BAD_CAST lstrdup(L, (const char *)name);
    if (!strchr(v, '{') && !strchr(v, '}')) {
        out->constant = lstrdup(L, v);
        return !L->nomem;
    }
    size_t n = 0;
    tavt_part parts[64];
    buf lit;
    buf_init(&lit, 0);
    bool ok = true;
    for (size_t i = 0; v[i] && ok;) {
        if ((v[i] == '{' && v[i + 1] == '{') || (v[i] == '}' && v[i + 1] == '}')) {
            buf_putc(&lit, v[i]);
            i += 2;
        } else if (v[i] == '}') {
            lerr(L, at, "attribute %s: a lone '}' (write '}}' for a literal brace) (expression '%s')", (const char *)name, v);
            ok = false;
        } else if (v[i] == '{') {
            size_t j = i + 1;
            while (v[j] && v[j] != '}') {
                if (v[j] == '\'' || v[j] == '"') {
                    const char *q = strchr(v + j + 1, v[j]);
                    j = q ? (size_t)(q - v) : strlen(v) - 1;
                }
                j++;
            }
            if (!v[j]) {
                lerr(L, at, "attribute %s: '{' without its '}' (write '{{' for a literal brace) (expression '%s')", (const char *)name, v);
                ok = false;
                break;
            }
            if (n + 2 > sizeof parts / sizeof parts[0]) {
                lerr(L, at, "attribute %s: more than 31 expressions in one value (expression '%s')", (const char *)name, v);
                ok = false;
                break;
            }
            if (lit.len) {
                parts[n].lit = lstrdup(L, buf_cstr(&lit) ? buf_cstr(&lit) : "");
                parts[n++].expr = NULL;
                buf_reset(&lit);
            }
            char *src = or_strndup(v + i + 1, j - i - 1);
            if (!src) {
                L->nomem = true;
                ok = false;
                break;
            }
            parts[n].lit = NULL;
            parts[n].expr = compile_expr(L, at, src);
            or_free(src);
            if (!parts[n++].expr)
                ok = false;
            i = j + 1;
        } else {
            buf_putc(&lit, v[i++]);
        }
    }
    if (lit.failed)
        L->nomem = true;
    if (ok && lit.len) {
        parts[n].lit = lstrdup(L, buf_cstr(&lit));
        parts[n++].expr = NULL;
    }
    buf_free(&lit);
    if (!ok || L->nomem)
        return false;
    if (n == 0) {   /* only escaped braces or empty */
        out->constant = lstrdup(L, "");
        return !L->nomem;
    }
    bool all_lit = true;
    for (size_t k = 0; k < n; k++)
        all_lit = all_lit && !parts[k].expr;
    if (all_lit && n == 1) {
        out->constant = parts[0].lit;
        return true;
    }
    out->parts = lalloc(L, n * sizeof *out->parts);
    if (!out->parts)
        return false;
    memcpy(out->parts, parts, n * sizeof *parts);
    out->nparts = n;
    return true;
}

/* Attribute checking: `allowed` lists the attribute names an instruction
 * takes; a leading '*' marks a required one. */
static bool check_attrs(loader *L, xmlNodePtr n, const char *const *allowed)
{
    bool ok = true;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        bool known = false;
        for (int i = 0; allowed[i] && !known; i++) {
            const char *nm = allowed[i][0] == '*' ? allowed[i] + 1 : allowed[i];
            known = !a->ns && xmlStrEqual(a->name, BAD_CAST nm);
        }
        if (!known) {
            char list[200] = "";
            size_t used = 0;
            for (int i = 0; allowed[i]; i++) {
                const char *nm = allowed[i][0] == '*' ? allowed[i] + 1 : allowed[i];
                int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", nm);
                if (w > 0 && (size_t)w < sizeof list - used)
                    used += (size_t)w;
            }
            lerr(L, n, "unknown attribute '%s%s%s' on <t:%s> (expected %s)", a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
                 a->ns && a->ns->prefix ? ":" : "", (const char *)a->name, (const char *)n->name,
                 used ? list : "no attributes");
            ok = false;
        }
    }
    for (int i = 0; allowed[i]; i++) {
        if (allowed[i][0] == '*' && !xmlHasNsProp(n, BAD_CAST(allowed[i] + 1), NULL)) {
            lerr(L, n, "<t:%s> needs the attribute '%s'", (const char *)n->name, allowed[i] + 1);
            ok = false;
        }
    }
    return ok;
}

/* The attribute's value as a string we own for the call (xmlFree); NULL
 * when absent.  A present attribute that libxml2 could not copy is an
 * allocation failure. */
static xmlChar *lattr(loader *L, xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
    if (!v && xmlHasNsProp(n, BAD_CAST name, NULL))
        L->nomem = true;
    return v;
}

/* For messages and required attributes: never NULL. */
#define STR(x) ((x) ? (const char *)(x) : "")

static bool valid_name(const xmlChar *s)
{
    if (!s || !name_start(*s))
        return false;
    for (; *s; s++)
        if (!name_char(*s))
            return false;
    return true;
}

static tinst *new_inst(loader *L, ti_kind kind, xmlNodePtr at)
{
    tinst *in = lalloc(L, sizeof *in);
    if (in) {
        in->kind = kind;
        in->line = at ? xmlGetLineNo(at) : 0;
        in->unit = L->unit;
    }
    return in;
}

static bool scope_push(loader *L, const xmlChar *name)
{
    if (or_grow(&L->scope, &L->capscope, L->nscope + 1, sizeof *L->scope) != 0) {
        L->nomem = true;
        return false;
    }
    L->scope[L->nscope++] = name;
    return true;
}

static tinst *compile_content(loader *L, xmlNodePtr first);
static tinst *compile_node(loader *L, xmlNodePtr n);
static tunit *load_unit(loader *L, const char *path, xmlNodePtr from, const char *href);

/* With template_load_search, a part inside the installed directory or the
 * team's one is looked up in the team's directory first: parts/cover.xml
 * there replaces the installed parts/cover.xml, whoever includes it.
 * Returns path itself, or the overlay's file (in *alt); NULL on no memory. */
static const char *search_path(loader *L, const char *path, buf *alt)
{
    if (!L->base || !L->overlay)
        return path;
    const char *rel = NULL;
    size_t lo = strlen(L->overlay), lb = strlen(L->base);
    if (strncmp(path, L->overlay, lo) == 0 && path[lo] == '/')
        rel = path + lo + 1;
    else if (strncmp(path, L->base, lb) == 0 && path[lb] == '/')
        rel = path + lb + 1;
    if (!rel)
        return path;
    struct stat sb;
    for (int pass = 0; pass < 2; pass++) {
        alt->len = 0;
        buf_printf(alt, "%s/%s", pass == 0 ? L->overlay : L->base, rel);
        const char *cand = buf_cstr(alt);
        if (!cand)
            return NULL;
        if (stat(cand, &sb) == 0 && S_ISREG(sb.st_mode))
            return cand;
    }
    return path;
}


/* select="…" or content, for t:variable, t:param, t:with-param and
 * t:attribute. */
static bool compile_value(loader *L, xmlNodePtr n, tinst *in, bool select_required)
{
    xmlChar *sel = lattr(L, n, "select");
    bool has_content = false;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE || ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && !is_blank(c->content)))
            has_content = true;
    bool ok = true;
    if (sel && has_content) {
        lerr(L, n, "<t:%s> has both a select attribute and content (give one)", (const char *)n->name);
        ok = false;
    } else if (sel) {
        in->expr = compile_expr(L, n, (const char *)sel);
        ok = in->expr != NULL;
    } else if (select_required && !has_content) {
        lerr(L, n, "<t:%s> needs a select attribute or content", (const char *)n->name);
        ok = false;
    } else {
        size_t mark = L->nscope;
        in->first = compile_content(L, n->children);
        L->nscope = mark;
    }
    xmlFree(sel);
    return ok;
}

static bool no_content(loader *L, xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE || ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && !is_blank(c->content))) {
            lerr(L, c->type == XML_ELEMENT_NODE ? c : n, "<t:%s> takes no content", (const char *)n->name);
            return false;
        }
    }
    return true;
}

static tinst *compile_for_each(loader *L, xmlNodePtr n, tinst *in)
{
    static const char *const fa[] = {"*select", NULL};
    static const char *const sa[] = {"*select", "order", "data-type", NULL};
    if (!check_attrs(L, n, fa))
        return NULL;
    xmlChar *sel = lattr(L, n, "select");
    in->expr = compile_expr(L, n, STR(sel));
    xmlFree(sel);
    xmlNodePtr c = n->children;
    size_t nsorts = 0;
    for (xmlNodePtr k = c; k; k = k->next) {
        if (is_t_named(k, "sort"))
            nsorts++;
        else if (k->type == XML_ELEMENT_NODE || ((k->type == XML_TEXT_NODE) && !is_blank(k->content)))
            break;
    }
    if (nsorts) {
        in->sorts = lalloc(L, nsorts * sizeof *in->sorts);
        if (!in->sorts)
            return NULL;
    }
    for (; c; c = c->next) {
        if (!is_t_named(c, "sort")) {
            if (c->type == XML_ELEMENT_NODE || (c->type == XML_TEXT_NODE && !is_blank(c->content)))
                break;
            continue;
        }
        if (!check_attrs(L, c, sa) || !no_content(L, c))
            continue;
        tsort *s = &in->sorts[in->nsorts++];
        xmlChar *ks = lattr(L, c, "select"), *order = lattr(L, c, "order"), *type = lattr(L, c, "data-type");
        if ((s->key = new_inst(L, TI_VALUE_OF, c)))
            s->key->expr = compile_expr(L, c, STR(ks));
        if (order && !xmlStrEqual(order, BAD_CAST "ascending") && !xmlStrEqual(order, BAD_CAST "descending"))
            lerr(L, c, "order=\"%s\" (expected ascending or descending)", (const char *)order);
        if (type && !xmlStrEqual(type, BAD_CAST "text") && !xmlStrEqual(type, BAD_CAST "number"))
            lerr(L, c, "data-type=\"%s\" (expected text or number)", (const char *)type);
        s->descending = order && xmlStrEqual(order, BAD_CAST "descending");
        s->number = type && xmlStrEqual(type, BAD_CAST "number");
        xmlFree(ks);
        xmlFree(order);
        xmlFree(type);
    }
    size_t mark = L->nscope;
    in->first = compile_content(L, c);
    L->nscope = mark;
    return in;
}

static tinst *compile_choose(loader *L, xmlNodePtr n, tinst *in)
{
    static const char *const none[] = {NULL};
    static const char *const wa[] = {"*test", NULL};
    if (!check_attrs(L, n, none))
        return NULL;
    tinst **tail = &in->first;
    bool otherwise = false, any_when = false;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && is_blank(c->content))
            continue;
        if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
            continue;
        bool when = is_t_named(c, "when"), other = is_t_named(c, "otherwise");
        if ((!when && !other) || otherwise) {
            lerr(L, c->type == XML_ELEMENT_NODE ? c : n,
                 "<t:choose> holds <t:when> elements and then at most one <t:otherwise>, nothing else");
            continue;
        }
        if (other && !any_when) {
            lerr(L, c, "<t:otherwise> before any <t:when>");
            continue;
        }
        tinst *w = new_inst(L, when ? TI_WHEN : TI_OTHERWISE, c);
        if (!w)
            return NULL;
        if (!check_attrs(L, c, when ? wa : none))
            continue;
        if (when) {
            xmlChar *test = lattr(L, c, "test");
            w->expr = compile_expr(L, c, STR(test));
            xmlFree(test);
            any_when = true;
        } else {
            otherwise = true;
        }
        size_t mark = L->nscope;
        w->first = compile_content(L, c->children);
        L->nscope = mark;
        *tail = w;
        tail = &w->next;
    }
    if (!any_when)
        lerr(L, n, "<t:choose> without <t:when>");
    return in;
}

static tinst *compile_include(loader *L, xmlNodePtr n, tinst *in)
{
    static const char *const ia[] = {"*href", NULL};
    static const char *const wa[] = {"*name", "select", NULL};
    if (!check_attrs(L, n, ia))
        return NULL;
    tinst **tail = &in->with;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE && is_blank(c->content)) || c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
            continue;
        if (!is_t_named(c, "with-param")) {
            lerr(L, c->type == XML_ELEMENT_NODE ? c : n, "<t:include> holds only <t:with-param> elements");
            continue;
        }
        if (!check_attrs(L, c, wa))
            continue;
        tinst *w = new_inst(L, TI_WITH_PARAM, c);
        if (!w)
            return NULL;
        xmlChar *name = lattr(L, c, "name");
        if (!valid_name(name))
            lerr(L, c, "t:with-param name=\"%s\" is not a name", STR(name));
        for (tinst *o = in->with; o; o = o->next)
            if (xmlStrEqual(o->name, name))
                lerr(L, c, "parameter '%s' given twice", STR(name));
        w->name = BAD_CAST lstrdup(L, STR(name));
        xmlFree(name);
        compile_value(L, c, w, false);
        *tail = w;
        tail = &w->next;
    }
    /* Resolve href against the including file's directory. */
    xmlChar *hv = lattr(L, n, "href");
    const char *href = STR(hv);
    const char *from = L->unit->path;
    const char *slash = strrchr(from, '/');
    size_t dirlen = href[0] != '/' && slash ? (size_t)(slash - from + 1) : 0;
    buf p;
    buf_init(&p, 0);
    buf_append(&p, from, dirlen);
    buf_puts(&p, href);
    const char *path = buf_cstr(&p);
    buf alt;
    buf_init(&alt, 0);
    if (path && p.len < PATH_MAX)
        path = search_path(L, path, &alt);
    if (!path) {
        L->nomem = true;
    } else if (p.len >= PATH_MAX || alt.len >= PATH_MAX) {
        lerr(L, n, "include path too long (href '%s')", href);
    } else {
        tunit *saved_unit = L->unit;
        const xmlChar **saved_scope = L->scope;
        size_t saved_n = L->nscope, saved_cap = L->capscope;
        L->scope = NULL;
        L->nscope = L->capscope = 0;
        in->target = load_unit(L, path, n, href);
        or_free(L->scope);
        L->scope = saved_scope;
        L->nscope = saved_n;
        L->capscope = saved_cap;
        L->unit = saved_unit;
    }
    buf_free(&p);
    buf_free(&alt);
    /* Every with-param must name a t:param of the part. */
    if (in->target) {
        for (tinst *w = in->with; w; w = w->next) {
            bool found = false;
            for (tinst *pp = in->target->params; pp && !found; pp = pp->next)
                found = xmlStrEqual(pp->name, w->name);
            if (!found)
                diag_error(L->d, L->unit->path, w->line, "t:with-param '%s': %s declares no t:param of that name (href '%s')",
                           (const char *)w->name, in->target->path, href), L->errors++;
        }
    }
    xmlFree(hv);
    return in;
}

static tinst *compile_instruction(loader *L, xmlNodePtr n)
{
    static const char *const sel[] = {"*select", NULL};
    static const char *const test[] = {"*test", NULL};
    static const char *const var[] = {"*name", "select", NULL};
    static const char *const none[] = {NULL};
    const char *nm = (const char *)n->name;
    tinst *in = NULL;
    if (strcmp(nm, "for-each") == 0) {
        if ((in = new_inst(L, TI_FOR_EACH, n)))
            in = compile_for_each(L, n, in);
    } else if (strcmp(nm, "if") == 0) {
        if (!check_attrs(L, n, test) || !(in = new_inst(L, TI_IF, n)))
            return NULL;
        xmlChar *t = lattr(L, n, "test");
        in->expr = compile_expr(L, n, STR(t));
        xmlFree(t);
        size_t mark = L->nscope;
        in->first = compile_content(L, n->children);
        L->nscope = mark;
    } else if (strcmp(nm, "choose") == 0) {
        if ((in = new_inst(L, TI_CHOOSE, n)))
            in = compile_choose(L, n, in);
    } else if (strcmp(nm, "variable") == 0 || strcmp(nm, "attribute") == 0) {
        bool is_var = nm[0] == 'v';
        if (!check_attrs(L, n, var) || !(in = new_inst(L, is_var ? TI_VARIABLE : TI_ATTRIBUTE, n)))
            return NULL;
        xmlChar *name = lattr(L, n, "name");
        if (!valid_name(name) || (!is_var && strchr((const char *)name, ':')))
            lerr(L, n, "<t:%s> name=\"%s\" is not a valid name", nm, STR(name));
        in->name = BAD_CAST lstrdup(L, STR(name));
        xmlFree(name);
        compile_value(L, n, in, false);
    } else if (strcmp(nm, "value-of") == 0 || strcmp(nm, "copy-of") == 0) {
        if (!check_attrs(L, n, sel) || !no_content(L, n) || !(in = new_inst(L, nm[0] == 'v' ? TI_VALUE_OF : TI_COPY_OF, n)))
            return NULL;
        xmlChar *s = lattr(L, n, "select");
        in->expr = compile_expr(L, n, STR(s));
        xmlFree(s);
    } else if (strcmp(nm, "text") == 0) {
        if (!check_attrs(L, n, none))
            return NULL;
        buf b;
        buf_init(&b, 0);
        for (xmlNodePtr c = n->children; c; c = c->next) {
            if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
                buf_puts(&b, (const char *)c->content);
            else if (c->type == XML_ELEMENT_NODE)
                lerr(L, c, "<t:text> holds only text");
        }
        if (b.len) {
            if ((in = new_inst(L, TI_TEXT, n))) {
                in->textlen = b.len;
                in->text = lstrdup(L, buf_cstr(&b));
            }
        }
        if (b.failed)
            L->nomem = true;
        buf_free(&b);
        return in;   /* an empty t:text makes nothing */
    } else if (strcmp(nm, "include") == 0) {
        if ((in = new_inst(L, TI_INCLUDE, n)))
            in = compile_include(L, n, in);
    } else if (strcmp(nm, "param") == 0) {
        lerr(L, n, "<t:param> belongs at the start of the template's root element or of <t:part>");
    } else if (strcmp(nm, "sort") == 0) {
        lerr(L, n, "<t:sort> belongs at the start of <t:for-each>");
    } else if (strcmp(nm, "when") == 0 || strcmp(nm, "otherwise") == 0) {
        lerr(L, n, "<t:%s> belongs inside <t:choose>", nm);
    } else if (strcmp(nm, "with-param") == 0) {
        lerr(L, n, "<t:with-param> belongs inside <t:include>");
    } else if (strcmp(nm, "part") == 0) {
        lerr(L, n, "<t:part> is only the root element of an included file");
    } else {
        lerr(L, n, "unknown instruction <t:%s> (expected for-each, if, choose, variable, value-of, copy-of, text, attribute, include)", nm);
    }
    return in;
}

static tinst *compile_literal(loader *L, xmlNodePtr n)
{
    if (n->ns) {
        lerr(L, n, "element <%s%s%s> is in namespace '%s' (literal elements are layout elements, in no namespace)",
             n->ns->prefix ? (const char *)n->ns->prefix : "", n->ns->prefix ? ":" : "", (const char *)n->name,
             (const char *)n->ns->href);
        return NULL;
    }
    tinst *in = new_inst(L, TI_ELEMENT, n);
    if (!in)
        return NULL;
    in->name = BAD_CAST lstrdup(L, (const char *)n->name);
    size_t na = 0;
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        na++;
    if (na) {
        in->attrs = lalloc(L, na * sizeof *in->attrs);
        if (!in->attrs)
            return NULL;
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (a->ns) {
            lerr(L, n, "attribute '%s:%s' on a literal element (instructions are elements: write <t:if>, <t:attribute>, …)",
                 a->ns->prefix ? (const char *)a->ns->prefix : "", (const char *)a->name);
            continue;
        }
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        if (!v && a->children)
            L->nomem = true;
        if (compile_avt(L, n, a->name, v ? (const char *)v : "", &in->attrs[in->nattrs]))
            in->nattrs++;
        xmlFree(v);
    }
    size_t mark = L->nscope;
    in->first = compile_content(L, n->children);
    L->nscope = mark;
    return in;
}

static tinst *compile_node(loader *L, xmlNodePtr n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (is_blank(n->content))
            return NULL;   /* indentation between instructions */
        tinst *in = new_inst(L, TI_TEXT, n);
        if (in) {
            in->text = lstrdup(L, (const char *)n->content);
            in->textlen = in->text ? strlen(in->text) : 0;
        }
        return in;
    }
    if (n->type != XML_ELEMENT_NODE)
        return NULL;   /* comments, processing instructions */
    if (is_t(n))
        return compile_instruction(L, n);
    return compile_literal(L, n);
}

/* A sequence of siblings; a t:variable's name is in scope for the siblings
 * after it (the caller restores the scope when the sequence ends). */
static tinst *compile_content(loader *L, xmlNodePtr first)
{
    tinst *head = NULL, **tail = &head;
    for (xmlNodePtr n = first; n && !L->nomem; n = n->next) {
        tinst *in = compile_node(L, n);
        if (!in)
            continue;
        *tail = in;
        tail = &in->next;
        if (in->kind == TI_VARIABLE && in->name)
            scope_push(L, in->name);
    }
    return head;
}

/* The leading t:param children of a unit's root, then the rest. */
static xmlNodePtr compile_params(loader *L, tunit *u, xmlNodePtr c)
{
    static const char *const pa[] = {"*name", "select", "values", "one-of", NULL};
    bool main_unit = L->nchain == 1;   /* its parameters are the caller's (--param) */
    tinst **tail = &u->params;
    for (; c; c = c->next) {
        if ((c->type == XML_TEXT_NODE && is_blank(c->content)) || c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
            continue;
        if (!is_t_named(c, "param"))
            break;
        if (!check_attrs(L, c, pa))
            continue;
        tinst *p = new_inst(L, TI_PARAM, c);
        if (!p)
            return NULL;
        xmlChar *name = lattr(L, c, "name");
        if (!valid_name(name))
            lerr(L, c, "<t:param> name=\"%s\" is not a valid name", STR(name));
        for (tinst *o = u->params; o; o = o->next)
            if (xmlStrEqual(o->name, name))
                lerr(L, c, "parameter '%s' declared twice", STR(name));
        p->name = BAD_CAST lstrdup(L, STR(name));
        xmlFree(name);
        compile_value(L, c, p, false);
        xmlChar *values = lattr(L, c, "values"), *one_of = lattr(L, c, "one-of");
        if ((values || one_of) && !main_unit) {
            lerr(L, c, "values= and one-of= belong to the parameters of the template itself (a part's "
                       "parameters are set by t:with-param)");
        } else {
            if (values) {
                /* Over the data alone: no parameter is in scope. */
                size_t mark = L->nscope;
                L->nscope = 0;
                p->values = compile_expr(L, c, (const char *)values);
                L->nscope = mark;
            }
            if (one_of && is_blank(one_of))
                lerr(L, c, "one-of=\"%s\" lists no value (expected values separated by spaces)", STR(one_of));
            else if (one_of)
                p->one_of = lstrdup(L, (const char *)one_of);
        }
        xmlFree(values);
        xmlFree(one_of);
        *tail = p;
        tail = &p->next;
        u->nparams++;
        if (p->name)
            scope_push(L, p->name);
    }
    return c;
}

/* Parses the template open on fd through xmlin: a DOCTYPE is refused
 * before libxml2 reads it, nothing is fetched, no entity expanded. */
static xmlDocPtr parse_file(loader *L, const char *path, int fd)
{
    L->parsing = path;
    unsigned before = L->errors;
    xmlin_parse_opts o = {.options = XML_PARSE_NOCDATA, .on_error = loader_parse_error, .error_ctx = L};
    xmlDocPtr doc = NULL;
    long at = 0;
    xmlin_parse_result res = xmlin_parse_fd(fd, &o, &doc, &at);
    L->parsing = NULL;
    if (res == XMLIN_PNOMEM)
        L->nomem = true;
    if (res == XMLIN_DOCTYPE) {
        diag_error(L->d, path, at, "a DOCTYPE declaration (templates take no DTD; remove it)");
        L->errors++;
    }
    if (L->nomem) {
        xmlFreeDoc(doc);
        return NULL;
    }
    if (!doc || L->errors != before) {
        if (L->errors == before) {
            diag_error(L->d, path, 0, "cannot read the template (expected a well-formed XML file)");
            L->errors++;
        }
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

static tunit *load_unit_fd(loader *L, const char *path, xmlNodePtr from, const char *href, const char *real,
                           int fd);

/* Opens a template through xmlin (a regular file of at most
 * XMLIN_MAX_BYTES) and compiles it. */
static tunit *load_unit(loader *L, const char *path, xmlNodePtr from, const char *href)
{
    char real[PATH_MAX], refusal[XMLIN_MSG_MAX];
    const char *why = NULL;
    xmlin_file f;
    xmlin_open_result opened = xmlin_open(path, XMLIN_MAX_BYTES, &f);
    if (opened == XMLIN_ENOFILE || opened == XMLIN_ESTAT)
        why = strerror(f.err);
    else if (opened == XMLIN_EDANGLING)
        why = strerror(ENOENT);
    else if (opened == XMLIN_ENOTREG)
        why = "not a regular file";
    else if (opened != XMLIN_OPENED)
        why = xmlin_open_message(opened, &f, XMLIN_MAX_BYTES, false, refusal, sizeof refusal);
    else if (!realpath(path, real))
        why = strerror(errno);
    if (why) {
        xmlin_close(&f);
        if (from)
            lerr(L, from, "cannot read the included template %s: %s (href '%s')", path, why, href);
        else
            diag_error(L->d, path, 0, "cannot read the template: %s", why), L->errors++;
        return NULL;
    }
    tunit *u = load_unit_fd(L, path, from, href, real, f.fd);
    xmlin_close(&f);
    return u;
}

static tunit *load_unit_fd(loader *L, const char *path, xmlNodePtr from, const char *href, const char *real,
                           int fd)
{
    for (size_t i = 0; i < L->nchain; i++) {
        if (strcmp(L->chain[i]->real, real) == 0) {
            buf b;
            buf_init(&b, 4096);
            for (size_t k = i; k < L->nchain; k++)
                buf_printf(&b, "%s -> ", L->chain[k]->path);
            buf_puts(&b, path);
            lerr(L, from, "include cycle: %s (href '%s')", buf_cstr(&b) ? buf_cstr(&b) : path, href);
            buf_free(&b);
            return NULL;
        }
    }
    if (L->nchain > TEMPLATE_MAX_INCLUDE_DEPTH) {
        lerr(L, from, "includes nested more than %d deep (href '%s')", TEMPLATE_MAX_INCLUDE_DEPTH, href);
        return NULL;
    }
    for (tunit *u = L->t->units; u; u = u->next)
        if (strcmp(u->real, real) == 0)
            return u;   /* compiled already: parts are shared */
    tunit *u = lalloc(L, sizeof *u);
    if (!u)
        return NULL;
    u->path = lstrdup(L, path);
    u->real = lstrdup(L, real);
    if (L->nomem)
        return NULL;
    if (or_grow(&L->chain, &L->capchain, L->nchain + 1, sizeof *L->chain) != 0) {
        L->nomem = true;
        return NULL;
    }
    xmlDocPtr doc = parse_file(L, path, fd);
    if (!doc)
        return NULL;
    L->chain[L->nchain++] = u;
    L->unit = u;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    bool ok = true;
    if (is_t(root) && !xmlStrEqual(root->name, BAD_CAST "part")) {
        lerr(L, root, "the root element is <t:%s> (expected a layout element such as <document>, or <t:part> for an included part)",
             (const char *)root->name);
        ok = false;
    } else if (is_t(root) && !from) {
        lerr(L, root, "a <t:part> is included by other templates; the template itself has the output's root element (e.g. <document>) as its root");
        ok = false;
    }
    if (ok) {
        static const char *const none[] = {NULL};
        xmlNodePtr rest = compile_params(L, u, root->children);
        if (is_t(root)) {
            if (check_attrs(L, root, none) && (u->root = new_inst(L, TI_PART, root)))
                u->root->first = compile_content(L, rest);
        } else {
            /* A literal root: compile it whole, minus the params already
             * taken (their names stay in scope for its attributes). */
            xmlNodePtr saved = root->children;
            root->children = rest;
            u->root = compile_literal(L, root);
            root->children = saved;
        }
    }
    xmlFreeDoc(doc);
    L->nchain--;
    if (!u->root)
        return NULL;
    u->next = L->t->units;
    L->t->units = u;
    return u;
}

void template_free(template *t)
{
    if (!t)
        return;
    for (texpr *e = t->exprs; e; e = e->next_all)
        xmlXPathFreeCompExpr(e->comp);
    or_free(t->ns);
    arena_free(&t->mem);
    or_free(t);
}

or_status template_load(template **out, const char *path, diag *d)
{
    return template_load_search(out, path, NULL, NULL, d);
}

or_status template_load_search(template **out, const char *path, const char *base, const char *overlay, diag *d)
{
    *out = NULL;
    template *t = or_calloc(1, sizeof *t);
    if (!t)
        return diag_nomem(d);
    arena_init(&t->mem, 16 * 1024);
    loader L = {.t = t, .d = d, .base = base, .overlay = overlay};
    xmlin_handlers saved;
    xmlin_push(&saved, loader_parse_error, &L, NULL, NULL);
    L.cx = xmlXPathNewContext(NULL);
    if (L.cx) {
        L.cx->error = loader_xpath_error;
        L.cx->userData = &L;
        t->main = load_unit(&L, path, NULL, NULL);
        xmlXPathFreeContext(L.cx);
    } else {
        L.nomem = true;
    }
    xmlin_pop(&saved);
    or_free(L.scope);
    or_free(L.chain);
    if (L.nomem) {
        template_free(t);
        return diag_nomem(d);
    }
    if (L.errors || !t->main) {
        template_free(t);
        return OR_EINPUT;
    }
    *out = t;
    return OR_OK;
}

/* ---------------------------------------------------------------------- */
/* Expansion                                                               */

typedef struct tvar {
    const xmlChar *name;
    xmlXPathObjectPtr val;
} tvar;

typedef struct trun {
    template_fctx fc;          /* first: the XPath context's userData */
    const template *t;
    diag *d;
    xmlXPathContextPtr xp;
    xmlDocPtr out;
    tvar *vars;
    size_t nvars, capvars, base;
    or_status st;
    xmlNodePtr sroot;          /* streaming: the output root, whose children are emitted */
    template_emit_fn emit;
    void *ectx;
    size_t emitted;
} trun;

/* Marks the scratch elements that collect a variable's content (t:attribute
 * must not land on them). */
static char scratch_marker;

static int rfail(trun *r, const tinst *at, const texpr *e, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int rfail(trun *r, const tinst *at, const texpr *e, const char *fmt, ...)
{
    if (r->st != OR_OK)
        return -1;
    if (r->fc.nomem) {
        r->st = diag_nomem(r->d);
        return -1;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap);
    va_end(ap);
    if (e)
        diag_error(r->d, at->unit->path, at->line, "%s (expression '%s')", msg, e->src);
    else
        diag_error(r->d, at->unit->path, at->line, "%s", msg);
    r->st = OR_EINPUT;
    return -1;
}

static int rnomem(trun *r)
{
    if (r->st == OR_OK)
        r->st = diag_nomem(r->d);
    return -1;
}

static void run_xpath_error(void *ctx, xmlErrorPtr e)
{
    template_fctx *fc = ctx;
    if (fc->failed || !e)
        return;
    if (e->code == XML_ERR_NO_MEMORY || e->code == XML_XPATH_MEMORY_ERROR)
        fc->nomem = true;
    template_fctx_fail(fc, "XPath error: %s", e->message ? e->message : xpath_message(e->code));
    size_t n = strlen(fc->msg);
    while (n && fc->msg[n - 1] == '\n')
        fc->msg[--n] = '\0';
}

static void run_generic_error(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;   /* libxml2's unstructured XPath chatter; the structured error follows */
}

static int eval_failed(trun *r, const tinst *at, const texpr *e)
{
    if (r->fc.nomem)
        return rnomem(r);
    return rfail(r, at, e, "%s", r->fc.failed ? r->fc.msg : "XPath evaluation failed");
}

static xmlXPathObjectPtr reval(trun *r, const tinst *at, const texpr *e)
{
    r->fc.failed = false;
    xmlXPathObjectPtr v = xmlXPathCompiledEval(e->comp, r->xp);
    if (!v || r->fc.failed) {
        xmlXPathFreeObject(v);
        eval_failed(r, at, e);
        return NULL;
    }
    return v;
}

static int reval_bool(trun *r, const tinst *at, const texpr *e)
{
    r->fc.failed = false;
    int b = xmlXPathCompiledEvalToBoolean(e->comp, r->xp);
    if (b < 0 || r->fc.failed)
        return eval_failed(r, at, e);
    return b;
}

/* The string value, owned by the caller (xmlFree). */
static xmlChar *reval_string(trun *r, const tinst *at, const texpr *e)
{
    xmlXPathObjectPtr v = reval(r, at, e);
    if (!v)
        return NULL;
    xmlChar *s;
    if (v->type == XPATH_STRING) {
        s = v->stringval;   /* steal it rather than copy */
        v->stringval = NULL;
    } else {
        s = xmlXPathCastToString(v);
    }
    xmlXPathFreeObject(v);
    if (!s)
        rnomem(r);
    return s;
}

/* Personal numbers (ID card, old ID, mobile; personal.h) never appear in
 * full, whatever the template says: every string an expression puts into
 * the output is masked in place (the strings are the caller's own copies).
 * The data document of render is masked already; this catches numbers a
 * template computes or writes itself. */
static int guard_text(trun *r, const tinst *at, const texpr *e, xmlChar *s)
{
    (void)r, (void)at, (void)e;
    if (s) {
        size_t len = (size_t)xmlStrlen(s);
        s[personal_mask((char *)s, len, NULL)] = '\0';
    }
    return 0;
}

static int guard_tree(trun *r, const tinst *at, const texpr *e, xmlNodePtr n)
{
    (void)at, (void)e;
    return personal_mask_output(n) < 0 ? rnomem(r) : 0;
}

static xmlXPathObjectPtr var_lookup(void *ctx, const xmlChar *name, const xmlChar *ns_uri)
{
    trun *r = ctx;
    if (ns_uri)
        return NULL;
    for (size_t i = r->nvars; i > r->base; i--) {
        if (xmlStrEqual(r->vars[i - 1].name, name)) {
            xmlXPathObjectPtr v = xmlXPathObjectCopy(r->vars[i - 1].val);
            if (!v)
                r->fc.nomem = true;
            return v;
        }
    }
    return NULL;
}

static int push_var(trun *r, const xmlChar *name, xmlXPathObjectPtr v)
{
    if (or_grow(&r->vars, &r->capvars, r->nvars + 1, sizeof *r->vars) != 0) {
        xmlXPathFreeObject(v);
        return rnomem(r);
    }
    r->vars[r->nvars].name = name;
    r->vars[r->nvars++].val = v;
    return 0;
}

static void pop_vars(trun *r, size_t mark)
{
    while (r->nvars > mark)
        xmlXPathFreeObject(r->vars[--r->nvars].val);
}

/* Adds `child` (complete) to `parent`.  Streaming: a child of the output
 * root goes to the consumer and is freed instead. */
static int rappend(trun *r, xmlNodePtr parent, xmlNodePtr child)
{
    if (parent == r->sroot) {
        xmlAddChild(parent, child);
        or_status st = r->emit(r->ectx, parent, child);
        xmlUnlinkNode(child);
        xmlFreeNode(child);
        r->emitted++;
        if (st != OR_OK) {
            if (r->st == OR_OK)
                r->st = st;
            return -1;
        }
        return 0;
    }
    if (!xmlAddChild(parent, child)) {   /* merged text nodes come back too; NULL only on failure */
        xmlFreeNode(child);
        return rnomem(r);
    }
    return 0;
}

static int append_text(trun *r, xmlNodePtr parent, const xmlChar *s, int len)
{
    if (len == 0)
        return 0;
    xmlNodePtr tn = xmlNewDocTextLen(r->out, s, len);
    if (!tn)
        return rnomem(r);
    return rappend(r, parent, tn);
}

static int run_content(trun *r, const tinst *first, xmlNodePtr parent);

/* Expands content into a scratch element and returns its string value. */
static xmlChar *content_string(trun *r, const tinst *first)
{
    xmlNodePtr tmp = xmlNewDocNode(r->out, NULL, BAD_CAST "scratch", NULL);
    if (!tmp) {
        rnomem(r);
        return NULL;
    }
    tmp->_private = &scratch_marker;
    xmlNodePtr saved = r->sroot;
    r->sroot = NULL;   /* nothing inside is a top-level block */
    int rc = run_content(r, first, tmp);
    r->sroot = saved;
    xmlChar *s = NULL;
    if (rc == 0) {
        s = xmlNodeGetContent(tmp);
        if (!s)
            s = xmlStrdup(BAD_CAST "");
        if (!s)
            rnomem(r);
    }
    xmlFreeNode(tmp);
    return s;
}

/* The value of a t:variable / t:param / t:with-param: its select, its
 * content as a string, or "" when it has neither. */
static xmlXPathObjectPtr value_of_inst(trun *r, const tinst *in)
{
    xmlXPathObjectPtr v;
    if (in->expr)
        return reval(r, in, in->expr);
    if (in->first) {
        xmlChar *s = content_string(r, in->first);
        if (!s)
            return NULL;
        v = xmlXPathWrapString(s);
        if (!v)
            xmlFree(s);
    } else {
        v = xmlXPathNewCString("");
    }
    if (!v)
        rnomem(r);
    return v;
}

static xmlChar *avt_value(trun *r, const tinst *at, const tattr *a)
{
    if (a->constant)
        return xmlStrdup(BAD_CAST a->constant);
    xmlChar *acc = NULL;
    for (size_t i = 0; i < a->nparts; i++) {
        if (a->parts[i].lit) {
            acc = xmlStrcat(acc, BAD_CAST a->parts[i].lit);
        } else {
            xmlChar *s = reval_string(r, at, a->parts[i].expr);
            if (!s || guard_text(r, at, a->parts[i].expr, s) < 0) {
                xmlFree(s);
                xmlFree(acc);
                return NULL;
            }
            acc = acc ? xmlStrcat(acc, s) : xmlStrdup(s);
            xmlFree(s);
        }
        if (!acc) {
            rnomem(r);
            return NULL;
        }
    }
    return acc;
}

static int set_attribute(trun *r, const tinst *at, const texpr *e, xmlNodePtr parent, const xmlChar *name, const xmlChar *value)
{
    if (parent->_private == &scratch_marker)
        return rfail(r, at, e, "t:attribute '%s' inside a variable's content (it needs an enclosing literal element)", (const char *)name);
    if (parent->children || (parent == r->sroot && r->emitted))
        return rfail(r, at, e, "t:attribute '%s' after content of <%s> (attributes come before an element's content)",
                     (const char *)name, (const char *)parent->name);
    if (!xmlSetProp(parent, name, value))
        return rnomem(r);
    return 0;
}

typedef struct skey {
    double num;
    xmlChar *str;
} skey;

typedef struct sorter {
    const tinst *in;
    const skey *keys;   /* n × nsorts */
} sorter;

static int sort_cmp(const sorter *s, size_t a, size_t b)
{
    size_t k = s->in->nsorts;
    for (size_t i = 0; i < k; i++) {
        const skey *x = &s->keys[a * k + i], *y = &s->keys[b * k + i];
        int c;
        if (s->in->sorts[i].number) {
            bool xn = x->num != x->num, yn = y->num != y->num;   /* NaN: not a number */
            if (xn || yn)
                c = xn && yn ? 0 : xn ? -1 : 1;   /* NaN before numbers, as in XSLT */
            else
                c = x->num < y->num ? -1 : x->num > y->num ? 1 : 0;
        } else {
            c = strcmp(x->str ? (const char *)x->str : "", y->str ? (const char *)y->str : "");
        }
        if (c)
            return s->in->sorts[i].descending ? -c : c;
    }
    return a < b ? -1 : a > b ? 1 : 0;   /* stable */
}

/* Stable merge sort of indexes (qsort is neither stable nor given a context). */
static void merge_sort(const sorter *s, size_t *v, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    merge_sort(s, v, tmp, h);
    merge_sort(s, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = sort_cmp(s, v[i], v[j]) <= 0 ? v[i++] : v[j++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

typedef struct ctxsave {
    xmlNodePtr node, current;
    int pos, size;
} ctxsave;

static ctxsave ctx_save(const trun *r)
{
    return (ctxsave){r->xp->node, r->fc.current, r->xp->proximityPosition, r->xp->contextSize};
}

static void ctx_set(trun *r, xmlNodePtr node, int pos, int size)
{
    r->xp->node = node;
    r->xp->proximityPosition = pos;
    r->xp->contextSize = size;
    r->fc.current = node;
}

static void ctx_restore(trun *r, ctxsave s)
{
    r->xp->node = s.node;
    r->xp->proximityPosition = s.pos;
    r->xp->contextSize = s.size;
    r->fc.current = s.current;
}

static int run_for_each(trun *r, const tinst *in, xmlNodePtr parent)
{
    xmlXPathObjectPtr v = reval(r, in, in->expr);
    if (!v)
        return -1;
    if (v->type != XPATH_NODESET) {
        static const char *const types[] = {"undefined", "a node-set", "a boolean", "a number", "a string"};
        rfail(r, in, in->expr, "t:for-each select gives %s, not a node-set",
              v->type <= XPATH_STRING ? types[v->type] : "a value of another type");
        xmlXPathFreeObject(v);
        return -1;
    }
    size_t n = v->nodesetval ? (size_t)v->nodesetval->nodeNr : 0;
    int rc = 0;
    size_t *order = NULL, *tmp = NULL;
    skey *keys = NULL;
    ctxsave saved = ctx_save(r);
    if (n && in->nsorts) {
        order = or_calloc(n, sizeof *order);
        tmp = or_calloc(n, sizeof *tmp);
        keys = or_calloc(n * in->nsorts, sizeof *keys);
        if (!order || !tmp || !keys)
            rc = rnomem(r);
        for (size_t i = 0; i < n && rc == 0; i++) {
            order[i] = i;
            ctx_set(r, v->nodesetval->nodeTab[i], (int)i + 1, (int)n);
            for (size_t k = 0; k < in->nsorts && rc == 0; k++) {
                const tinst *key = in->sorts[k].key;
                xmlXPathObjectPtr kv = reval(r, key, key->expr);
                if (!kv) {
                    rc = -1;
                    break;
                }
                if (in->sorts[k].number) {
                    keys[i * in->nsorts + k].num = xmlXPathCastToNumber(kv);
                } else if (!(keys[i * in->nsorts + k].str = xmlXPathCastToString(kv))) {
                    rc = rnomem(r);
                }
                xmlXPathFreeObject(kv);
            }
        }
        if (rc == 0) {
            sorter s = {in, keys};
            merge_sort(&s, order, tmp, n);
        }
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t idx = order ? order[i] : i;
        ctx_set(r, v->nodesetval->nodeTab[idx], (int)i + 1, (int)n);
        rc = run_content(r, in->first, parent);
    }
    ctx_restore(r, saved);
    if (keys)
        for (size_t i = 0; i < n * in->nsorts; i++)
            xmlFree(keys[i].str);
    or_free(keys);
    or_free(order);
    or_free(tmp);
    xmlXPathFreeObject(v);
    return rc;
}

static int run_copy_of(trun *r, const tinst *in, xmlNodePtr parent)
{
    xmlXPathObjectPtr v = reval(r, in, in->expr);
    if (!v)
        return -1;
    int rc = 0;
    if (v->type == XPATH_NODESET) {
        for (int i = 0; v->nodesetval && i < v->nodesetval->nodeNr && rc == 0; i++) {
            xmlNodePtr src = v->nodesetval->nodeTab[i];
            if (src->type == XML_ATTRIBUTE_NODE) {
                xmlChar *val = xmlNodeGetContent(src);
                if (!val)
                    rc = rnomem(r);
                else if ((rc = guard_text(r, in, in->expr, val)) == 0)
                    rc = set_attribute(r, in, in->expr, parent, src->name, val);
                xmlFree(val);
                continue;
            }
            xmlNodePtr from = src->type == XML_DOCUMENT_NODE ? src->children : src;
            for (; from && rc == 0; from = src->type == XML_DOCUMENT_NODE ? from->next : NULL) {
                if (from->type != XML_ELEMENT_NODE && from->type != XML_TEXT_NODE && from->type != XML_CDATA_SECTION_NODE)
                    continue;
                xmlNodePtr copy = xmlDocCopyNode(from, r->out, 1);
                if (!copy) {
                    rc = rnomem(r);
                    break;
                }
                /* The data may carry namespaces; the layout has none, and
                 * the copy keeps its declarations only for what it uses. */
                if (guard_tree(r, in, in->expr, copy) < 0) {
                    xmlFreeNode(copy);
                    rc = -1;
                    break;
                }
                rc = rappend(r, parent, copy);
            }
        }
    } else {
        xmlChar *s = xmlXPathCastToString(v);
        if (!s)
            rc = rnomem(r);
        else if ((rc = guard_text(r, in, in->expr, s)) == 0)
            rc = append_text(r, parent, s, xmlStrlen(s));
        xmlFree(s);
    }
    xmlXPathFreeObject(v);
    return rc;
}

/* Pushes a unit's parameters: given values first, defaults otherwise
 * (defaults see the parameters before them). */
static int push_params(trun *r, const tunit *u, xmlXPathObjectPtr *given)
{
    size_t i = 0;
    for (const tinst *p = u->params; p; p = p->next, i++) {
        xmlXPathObjectPtr v = given[i];
        given[i] = NULL;
        if (!v && !(v = value_of_inst(r, p)))
            return -1;
        if (push_var(r, p->name, v) < 0)
            return -1;
    }
    return 0;
}

static int run_element(trun *r, const tinst *in, xmlNodePtr parent, bool is_root);

static int run_include(trun *r, const tinst *in, xmlNodePtr parent)
{
    const tunit *u = in->target;
    xmlXPathObjectPtr *given = or_calloc(u->nparams ? u->nparams : 1, sizeof *given);
    if (!given)
        return rnomem(r);
    int rc = 0;
    /* with-param values come from the including scope. */
    for (const tinst *w = in->with; w && rc == 0; w = w->next) {
        size_t i = 0;
        const tinst *p = u->params;
        while (p && !xmlStrEqual(p->name, w->name))
            p = p->next, i++;
        if (!p)
            continue;   /* checked at load */
        if (!(given[i] = value_of_inst(r, w)))
            rc = -1;
    }
    size_t saved_base = r->base, mark = r->nvars;
    if (rc == 0) {
        r->base = r->nvars;   /* the part sees its parameters only */
        rc = push_params(r, u, given);
        if (rc == 0)
            rc = u->root->kind == TI_PART ? run_content(r, u->root->first, parent) : run_element(r, u->root, parent, false);
    }
    pop_vars(r, mark);
    r->base = saved_base;
    for (size_t i = 0; i < u->nparams; i++)
        xmlXPathFreeObject(given[i]);
    or_free(given);
    return rc;
}

static int run_element(trun *r, const tinst *in, xmlNodePtr parent, bool is_root)
{
    xmlNodePtr el = xmlNewDocNode(r->out, NULL, in->name, NULL);
    if (!el)
        return rnomem(r);
    /* Problems found in the output (layout vocabulary) are reported at the
     * template element that made it. */
    el->line = (unsigned short)(in->line > 0 && in->line < 65535 ? in->line : 0);
    for (size_t i = 0; i < in->nattrs; i++) {
        xmlChar *v = avt_value(r, in, &in->attrs[i]);
        if (!v || !xmlNewProp(el, in->attrs[i].name, v)) {
            if (v)
                rnomem(r);
            xmlFree(v);
            xmlFreeNode(el);
            return -1;
        }
        xmlFree(v);
    }
    if (is_root) {
        xmlDocSetRootElement(r->out, el);
        if (r->emit)
            r->sroot = el;
        return run_content(r, in->first, el);
    }
    xmlNodePtr saved = r->sroot;
    r->sroot = NULL;   /* below the root nothing is emitted early */
    int rc = run_content(r, in->first, el);
    r->sroot = saved;
    if (rc < 0) {
        xmlFreeNode(el);
        return -1;
    }
    return rappend(r, parent, el);
}

static int run_inst(trun *r, const tinst *in, xmlNodePtr parent)
{
    switch (in->kind) {
    case TI_TEXT:
        return append_text(r, parent, BAD_CAST in->text, (int)in->textlen);
    case TI_ELEMENT:
        return run_element(r, in, parent, false);
    case TI_PART:
        return run_content(r, in->first, parent);
    case TI_FOR_EACH:
        return run_for_each(r, in, parent);
    case TI_IF: {
        int b = reval_bool(r, in, in->expr);
        return b <= 0 ? b : run_content(r, in->first, parent);
    }
    case TI_CHOOSE:
        for (const tinst *w = in->first; w; w = w->next) {
            if (w->kind == TI_OTHERWISE)
                return run_content(r, w->first, parent);
            int b = reval_bool(r, w, w->expr);
            if (b < 0)
                return -1;
            if (b)
                return run_content(r, w->first, parent);
        }
        return 0;
    case TI_VARIABLE: {
        xmlXPathObjectPtr v = value_of_inst(r, in);
        return v ? push_var(r, in->name, v) : -1;
    }
    case TI_VALUE_OF: {
        xmlChar *s = reval_string(r, in, in->expr);
        if (!s)
            return -1;
        int rc = guard_text(r, in, in->expr, s);
        if (rc == 0)
            rc = append_text(r, parent, s, xmlStrlen(s));
        xmlFree(s);
        return rc;
    }
    case TI_COPY_OF:
        return run_copy_of(r, in, parent);
    case TI_ATTRIBUTE: {
        xmlChar *s = in->expr ? reval_string(r, in, in->expr) : in->first ? content_string(r, in->first) : xmlStrdup(BAD_CAST "");
        if (!s)
            return r->st == OR_OK ? rnomem(r) : -1;
        /* a list of numbers built up here is a layout value (a chart's
         * series), not text: personal_mask_output */
        int rc = personal_number_list((const char *)s) ? 0 : guard_text(r, in, in->expr, s);
        if (rc == 0)
            rc = set_attribute(r, in, in->expr, parent, in->name, s);
        xmlFree(s);
        return rc;
    }
    case TI_INCLUDE:
        return run_include(r, in, parent);
    case TI_WHEN:
    case TI_OTHERWISE:
    case TI_PARAM:
    case TI_WITH_PARAM:
        break;   /* handled by their parents */
    }
    return 0;
}

/* Variables declared in a sequence end with it. */
static int run_content(trun *r, const tinst *first, xmlNodePtr parent)
{
    size_t mark = r->nvars;
    int rc = 0;
    for (const tinst *in = first; in && rc == 0; in = in->next)
        rc = run_inst(r, in, parent);
    pop_vars(r, mark);
    return rc;
}

static or_status expand(const template *t, xmlDocPtr data, const template_param *params, size_t nparams,
                        const calendar *cal, template_emit_fn emit, void *ectx, xmlDocPtr *out, diag *d)
{
    trun r = {.t = t, .d = d, .emit = emit, .ectx = ectx};
    r.fc.cal = cal;
    r.fc.data = data;
    xmlin_handlers saved;
    xmlin_push(&saved, NULL, NULL, run_generic_error, &r);
    r.xp = xmlXPathNewContext(data);
    r.out = xmlNewDoc(BAD_CAST "1.0");
    if (r.out) {
        r.out->encoding = xmlStrdup(BAD_CAST "UTF-8");   /* serializes text as text, not &#x…; */
        /* Element and attribute names interned once instead of copied for
         * every node: a fifth fewer allocations on record-heavy output. */
        r.out->dict = xmlDictCreate();
        if (!r.out->dict) {
            xmlFreeDoc(r.out);
            r.out = NULL;
        }
    }
    if (!r.xp || !r.out || template_funcs_register(r.xp) != 0) {
        rnomem(&r);
    } else {
        r.xp->error = run_xpath_error;
        r.xp->userData = &r.fc;
        xmlXPathRegisterVariableLookup(r.xp, var_lookup, &r);
        /* libxml2's object cache saves an allocation per intermediate value. */
        xmlXPathContextSetCache(r.xp, 1, -1, 0);
        for (size_t i = 0; i < t->nns && r.st == OR_OK; i++)
            if (xmlXPathRegisterNs(r.xp, BAD_CAST t->ns[i].prefix, BAD_CAST t->ns[i].uri) != 0)
                rnomem(&r);
    }
    if (r.st == OR_OK) {
        ctx_set(&r, (xmlNodePtr)data, 1, 1);
        const tunit *u = t->main;
        xmlXPathObjectPtr *given = or_calloc(u->nparams ? u->nparams : 1, sizeof *given);
        if (!given) {
            rnomem(&r);
        } else {
            size_t i = 0;
            for (const tinst *p = u->params; p && r.st == OR_OK; p = p->next, i++) {
                for (size_t k = 0; k < nparams; k++) {
                    if (params[k].name && xmlStrEqual(p->name, BAD_CAST params[k].name)) {
                        xmlXPathFreeObject(given[i]);   /* the last of repeated names wins */
                        if (!(given[i] = xmlXPathNewCString(params[k].value ? params[k].value : "")))
                            rnomem(&r);
                    }
                }
            }
            if (r.st == OR_OK && push_params(&r, u, given) == 0)
                run_element(&r, u->root, NULL, true);
            for (i = 0; i < u->nparams; i++)
                xmlXPathFreeObject(given[i]);
            or_free(given);
        }
        pop_vars(&r, 0);
    }
    if (r.st == OR_OK && emit) {
        or_status st = emit(ectx, xmlDocGetRootElement(r.out), NULL);
        if (st != OR_OK)
            r.st = st;
    }
    xmlin_pop(&saved);
    or_free(r.vars);
    xmlXPathFreeContext(r.xp);
    template_fctx_done(&r.fc);
    if (r.st != OR_OK || !out) {
        xmlFreeDoc(r.out);
        return r.st;
    }
    *out = r.out;
    return OR_OK;
}

or_status template_expand(const template *t, xmlDocPtr data, const template_param *params, size_t nparams,
                          const calendar *cal, xmlDocPtr *out, diag *d)
{
    *out = NULL;
    return expand(t, data, params, nparams, cal, NULL, NULL, out, d);
}

or_status template_expand_stream(const template *t, xmlDocPtr data, const template_param *params,
                                 size_t nparams, const calendar *cal, template_emit_fn emit, void *ctx, diag *d)
{
    return expand(t, data, params, nparams, cal, emit, ctx, NULL, d);
}

/* ---------------------------------------------------------------------- */
/* The main template's parameters, for callers that check --param.         */

const char *template_path(const template *t)
{
    return t->main->path;
}

size_t template_param_count(const template *t)
{
    return t->main->nparams;
}

static const tinst *main_param(const template *t, size_t i)
{
    const tinst *p = t->main->params;
    while (p && i--)
        p = p->next;
    return p;
}

const char *template_param_name(const template *t, size_t i, long *line)
{
    const tinst *p = main_param(t, i);
    if (line)
        *line = p ? p->line : 0;
    return p ? (const char *)p->name : NULL;
}

static int values_add(template_values *v, const char *s, size_t len)
{
    for (size_t i = 0; i < v->n; i++)
        if (strlen(v->v[i]) == len && memcmp(v->v[i], s, len) == 0)
            return 0;   /* listed once */
    char *copy = or_strndup(s, len);
    if (!copy || or_grow(&v->v, &v->cap, v->n + 1, sizeof *v->v) != 0) {
        or_free(copy);
        return -1;
    }
    v->v[v->n++] = copy;
    return 0;
}

void template_values_free(template_values *v)
{
    for (size_t i = 0; i < v->n; i++)
        or_free(v->v[i]);
    or_free(v->v);
    memset(v, 0, sizeof *v);
}

or_status template_param_values(const template *t, size_t i, xmlDocPtr data, const calendar *cal,
                                template_values *out, diag *d)
{
    memset(out, 0, sizeof *out);
    const tinst *p = main_param(t, i);
    if (!p || (!p->values && !p->one_of))
        return OR_OK;
    out->restricted = true;
    or_status st = OR_OK;
    for (const char *s = p->one_of; s && *s && st == OR_OK;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        size_t len = strcspn(s, " \t\n\r");
        if (len && values_add(out, s, len) != 0)
            st = diag_nomem(d);
        s += len;
    }
    if (st == OR_OK && p->values) {
        trun r = {.t = t, .d = d};
        r.fc.cal = cal;
        r.fc.data = data;
        xmlin_handlers saved;
        xmlin_push(&saved, NULL, NULL, run_generic_error, &r);
        r.xp = xmlXPathNewContext(data);
        if (!r.xp || template_funcs_register(r.xp) != 0) {
            rnomem(&r);
        } else {
            r.xp->error = run_xpath_error;
            r.xp->userData = &r.fc;
            xmlXPathRegisterVariableLookup(r.xp, var_lookup, &r);
            for (size_t k = 0; k < t->nns && r.st == OR_OK; k++)
                if (xmlXPathRegisterNs(r.xp, BAD_CAST t->ns[k].prefix, BAD_CAST t->ns[k].uri) != 0)
                    rnomem(&r);
        }
        if (r.st == OR_OK) {
            ctx_set(&r, (xmlNodePtr)data, 1, 1);
            xmlXPathObjectPtr v = reval(&r, p, p->values);
            if (v && v->type != XPATH_NODESET) {
                rfail(&r, p, p->values, "values= selects a %s (expected nodes: their string values are the "
                      "values the parameter admits)", v->type == XPATH_STRING ? "string" : v->type == XPATH_NUMBER
                      ? "number" : v->type == XPATH_BOOLEAN ? "boolean" : "non-node value");
            } else if (v && v->nodesetval) {
                for (int k = 0; k < v->nodesetval->nodeNr && r.st == OR_OK; k++) {
                    xmlChar *sv = xmlXPathCastNodeToString(v->nodesetval->nodeTab[k]);
                    if (!sv || values_add(out, (const char *)sv, strlen((const char *)sv)) != 0)
                        rnomem(&r);
                    xmlFree(sv);
                }
            }
            xmlXPathFreeObject(v);
        }
        xmlin_pop(&saved);
        or_free(r.vars);
        xmlXPathFreeContext(r.xp);
        template_fctx_done(&r.fc);
        st = r.st;
    }
    if (st != OR_OK)
        template_values_free(out);
    return st;
}
