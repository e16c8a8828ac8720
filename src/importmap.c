/* importmap: mapping files, value aliases and date formats. */
#include "importmap.h"

#include "alloc.h"
#include "xmlin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#define IMAP_MAX_BYTES (1024 * 1024)

void imap_free(import_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_fields; i++) {
        imap_field *f = &m->fields[i];
        or_free(f->name);
        or_free(f->fallback);
        for (size_t k = 0; k < f->n_headers; k++)
            or_free(f->headers[k]);
        or_free(f->headers);
        for (size_t k = 0; k < f->n_aliases; k++) {
            or_free(f->aliases[k].from);
            or_free(f->aliases[k].to);
        }
        or_free(f->aliases);
    }
    for (size_t i = 0; i < m->n_ignore; i++)
        or_free(m->ignore[i]);
    for (size_t i = 0; i < m->n_date_formats; i++)
        or_free(m->date_formats[i]);
    or_free(m->fields);
    or_free(m->ignore);
    or_free(m->date_formats);
    or_free(m->kind);
    or_free(m->path);
    or_free(m);
}

typedef struct imap_errs {
    diag *d;
    const char *path;
    unsigned n;
} imap_errs;

static void imap_xml_error(void *ctx, xmlErrorPtr e)
{
    imap_errs *E = ctx;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    diag_error(E->d, E->path, e->line, "%s (expected an import map, docs/import.md)", msg);
    E->n++;
}

static char *imap_prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = or_strdup((const char *)v);
    xmlFree(v);
    return s;
}

static char *imap_text(xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    const char *s = v ? (const char *)v : "";
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    char *out = or_strndup(s, len);
    xmlFree(v);
    return out;
}

static bool imap_push_str(char ***v, size_t *n, char *s)
{
    size_t cap = *n;   /* grow exactly: maps are small */
    if (!s || or_grow(v, &cap, *n + 1, sizeof **v) != 0) {
        or_free(s);
        return false;
    }
    (*v)[(*n)++] = s;
    return true;
}

static bool imap_read_field(imap_field *f, xmlNodePtr n)
{
    f->name = imap_prop(n, "name");
    f->fallback = imap_prop(n, "default");
    f->line = xmlGetLineNo(n);
    if (!f->name)
        return false;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, "header") == 0) {
            if (!imap_push_str(&f->headers, &f->n_headers, imap_text(c)))
                return false;
        } else if (strcmp((const char *)c->name, "value") == 0) {
            size_t cap = f->n_aliases;
            if (or_grow(&f->aliases, &cap, f->n_aliases + 1, sizeof *f->aliases) != 0)
                return false;
            imap_alias *a = &f->aliases[f->n_aliases++];
            a->from = imap_prop(c, "from");
            a->to = imap_prop(c, "to");
            if (!a->from || !a->to)
                return false;
        }
    }
    return true;
}

or_status imap_load(import_map **out, const char *path, const char *schema, diag *d)
{
    *out = NULL;
    xmlin_file f;
    xmlin_open_result opened = xmlin_open(path, IMAP_MAX_BYTES, &f);
    if (opened == XMLIN_ETOOBIG) {
        diag_error(d, path, 0, "an import map of %lld bytes (expected at most 1 MiB)", (long long)f.size);
        return OR_EINPUT;
    }
    if (opened != XMLIN_OPENED) {
        diag_error(d, path, 0, "cannot read the import map (expected a file, docs/import.md)");
        return OR_EINPUT;
    }
    imap_errs E = {.d = d, .path = path};
    xmlin_handlers saved;
    xmlin_push(&saved, imap_xml_error, &E, NULL, NULL);
    /* xmlin: a DOCTYPE refused before parsing, nothing fetched. */
    xmlin_parse_opts o = {.options = XML_PARSE_NOERROR | XML_PARSE_NOWARNING, .on_error = imap_xml_error,
                          .error_ctx = &E};
    xmlDocPtr doc = NULL;
    long at = 0;
    xmlin_parse_result res = xmlin_parse_fd(f.fd, &o, &doc, &at);
    xmlin_close(&f);
    or_status st = OR_OK;
    if (res == XMLIN_DOCTYPE) {
        diag_error(d, path, at, "a DOCTYPE (refused: no entity is ever declared or expanded)");
        st = OR_EINPUT;
    } else if (res == XMLIN_PNOMEM) {
        st = diag_nomem(d);
    } else if (!doc) {
        if (!E.n)
            diag_error(d, path, 0, "not well-formed XML (expected an import map)");
        st = OR_EINPUT;
    }
    if (st == OR_OK) {
        xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(schema);
        xmlRelaxNGPtr rng = pc ? xmlRelaxNGParse(pc) : NULL;
        xmlRelaxNGValidCtxtPtr vc = rng ? xmlRelaxNGNewValidCtxt(rng) : NULL;
        if (!vc) {
            diag_error(d, schema, 0, "cannot read the import map schema");
            st = OR_ESYS;
        } else {
            xmlRelaxNGSetValidStructuredErrors(vc, imap_xml_error, &E);
            if (xmlRelaxNGValidateDoc(vc, doc) != 0) {
                if (!E.n)
                    diag_error(d, path, 0, "does not follow the import map schema");
                st = OR_EINPUT;
            }
        }
        xmlRelaxNGFreeValidCtxt(vc);
        xmlRelaxNGFree(rng);
        xmlRelaxNGFreeParserCtxt(pc);
    }
    import_map *m = NULL;
    if (st == OR_OK) {
        m = or_calloc(1, sizeof *m);
        bool ok = m != NULL;
        xmlNodePtr root = xmlDocGetRootElement(doc);
        if (ok) {
            m->path = or_strdup(path);
            m->kind = imap_prop(root, "kind");
            ok = m->path && m->kind;
        }
        for (xmlNodePtr c = root->children; c && ok; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            const char *name = (const char *)c->name;
            if (strcmp(name, "field") == 0) {
                size_t cap = m->n_fields;
                ok = or_grow(&m->fields, &cap, m->n_fields + 1, sizeof *m->fields) == 0;
                if (ok) {
                    memset(&m->fields[m->n_fields], 0, sizeof *m->fields);
                    ok = imap_read_field(&m->fields[m->n_fields++], c);
                }
            } else if (strcmp(name, "ignore") == 0) {
                for (xmlNodePtr h = c->children; h && ok; h = h->next)
                    if (h->type == XML_ELEMENT_NODE)
                        ok = imap_push_str(&m->ignore, &m->n_ignore, imap_text(h));
            } else if (strcmp(name, "date-format") == 0) {
                ok = imap_push_str(&m->date_formats, &m->n_date_formats, imap_text(c));
            }
        }
        if (!ok) {
            imap_free(m);
            m = NULL;
            st = diag_nomem(d);
        }
    }
    if (st == OR_OK && m->n_date_formats == 0) {
        /* Without formats of its own a map reads the common spellings. */
        static const char *const common[] = {"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                                             "%Y年%m月%d日%H时%M分", "%Y年%m月%d日 %H:%M", "%Y-%m-%d", "%Y/%m/%d",
                                             "%Y年%m月%d日", "excel-serial"};
        for (size_t i = 0; i < sizeof common / sizeof *common && st == OR_OK; i++)
            if (!imap_push_str(&m->date_formats, &m->n_date_formats, or_strdup(common[i]))) {
                imap_free(m);
                m = NULL;
                st = diag_nomem(d);
            }
    }
    xmlFreeDoc(doc);
    xmlin_pop(&saved);
    *out = m;
    return st;
}

const imap_field *imap_field_named(const import_map *m, const char *name)
{
    for (size_t i = 0; i < m->n_fields; i++)
        if (strcmp(m->fields[i].name, name) == 0)
            return &m->fields[i];
    return NULL;
}

const imap_field *imap_field_for_header(const import_map *m, const char *text, bool *ignored)
{
    *ignored = false;
    for (size_t i = 0; i < m->n_fields; i++)
        for (size_t k = 0; k < m->fields[i].n_headers; k++)
            if (strcmp(m->fields[i].headers[k], text) == 0)
                return &m->fields[i];
    for (size_t i = 0; i < m->n_ignore; i++)
        if (strcmp(m->ignore[i], text) == 0)
            *ignored = true;
    return NULL;
}

const char *imap_alias_value(const imap_field *f, const char *value)
{
    for (size_t i = 0; f && i < f->n_aliases; i++)
        if (strcmp(f->aliases[i].from, value) == 0)
            return f->aliases[i].to;
    return value;
}

static bool imap_digits(const char **s, int min, int max, int *out)
{
    int n = 0, v = 0;
    while (n < max && **s >= '0' && **s <= '9') {
        v = v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    *out = v;
    return n >= min;
}

bool imap_parse_with(const char *format, const char *text, od_minute *out, bool *has_time)
{
    *has_time = false;
    if (strcmp(format, "excel-serial") == 0) {
        char *end;
        double serial = strtod(text, &end);
        if (end == text || *end || !(serial >= 1 && serial < 2958466) || (serial >= 60 && serial < 61))
            return false;
        long long secs = llround(serial * 86400.0);
        long long days = secs / 86400;
        od_date day = od_date_from_ymd(1899, 12, 31) + (od_date)days - (days > 60 ? 1 : 0);
        *out = od_day_start(day) + (secs % 86400) / 60;
        *has_time = secs % 86400 != 0;
        return true;
    }
    int y = -1, mo = -1, d = -1, h = 0, mi = 0, sec = 0;
    const char *s = text;
    for (const char *f = format; *f; f++) {
        if (*f == '%' && f[1]) {
            f++;
            bool ok = false;
            switch (*f) {
            case 'Y': ok = imap_digits(&s, 4, 4, &y); break;
            case 'm': ok = imap_digits(&s, 1, 2, &mo); break;
            case 'd': ok = imap_digits(&s, 1, 2, &d); break;
            case 'H': ok = imap_digits(&s, 1, 2, &h); *has_time = true; break;
            case 'M': ok = imap_digits(&s, 1, 2, &mi); *has_time = true; break;
            case 'S': ok = imap_digits(&s, 1, 2, &sec); break;
            case '%': ok = *s == '%'; s += ok; break;
            default: return false;
            }
            if (!ok)
                return false;
        } else if (*f == ' ') {
            if (*s == 'T')
                s++;
            else
                while (*s == ' ')
                    s++;
        } else {
            if (*s != *f)
                return false;
            s++;
        }
    }
    if (*s || y < 0 || mo < 0 || d < 0 || !od_valid_ymd(y, mo, d) || h > 23 || mi > 59 || sec > 59)
        return false;
    *out = od_day_start(od_date_from_ymd(y, mo, d)) + h * 60 + mi;
    return true;
}

bool imap_parse_time(const import_map *m, const char *text, od_minute *out, bool *has_time)
{
    for (size_t i = 0; i < m->n_date_formats; i++)
        if (imap_parse_with(m->date_formats[i], text, out, has_time))
            return true;
    return false;
}

void imap_formats_text(const import_map *m, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < m->n_date_formats && used + 1 < size; i++) {
        int n = snprintf(out + used, size - used, "%s%s", i ? ", " : "", m->date_formats[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}
