#include "kpi.h"

#include "alloc.h"
#include "buf.h"
#include "xmlin.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* The rule kinds facts.c implements, with the params each one needs
 * (space-separated) and whether it scores from bands. */
static const struct {
    const char *kind;
    const char *params;
    bool bands;
} kpi_kinds[] = {
    {"staff-notice-late", "each remote-days onsite-months", false},
    {"vacancy", "per-day", false},
    {"task-incomplete", "each", false},
    {"doc-missing-items", "per-item", false},
    {"doc-inaccurate", "each", false},
    {"doc-typos", "per-block block", false},
    {"doc-late", "each", false},
    {"doc-unfiled", "each", false},
    {"asset-inventory", "each", false},
    {"asset-loss", "each", false},
    {"asset-update-late", "each max-days", false},
    {"guarantee-availability", "", true},
    {"fault-serious", "default least most", false},
    {"fault-major", "default least most", false},
    {"guarantee-plan", "each", false},
    {"guarantee-accidents", "each none", false},
    {"inspection-missed", "each", false},
    {"finding-late", "each", false},
    {"hazard-found", "each cap", false},
    {"out-of-scope-finding", "each", false},
    {"unanswered", "each", false},
    {"emergency-plan", "missing", false},
    {"drill", "missing", false},
    {"emergency-response", "none late clean", false},
    {"emergency-resolution", "unresolved late", false},
    {"emergency-suggestion", "each", false},
    {"fault-response-late", "each", false},
    {"fault-resolution-late", "each", false},
    {"fault-suggestion", "each", false},
    {"availability", "", true},
    {"fault-level", "level-1 level-2", false},
    {"repeat-fault", "each", false},
    {"complaint", "important general", false},
    {"praise", "important general", false},
    {"overall-satisfaction", "very-satisfied satisfied basic unsatisfied none", false},
};

bool kpi_kind_known(const char *kind)
{
    for (size_t i = 0; i < sizeof kpi_kinds / sizeof *kpi_kinds; i++)
        if (strcmp(kpi_kinds[i].kind, kind) == 0)
            return true;
    return false;
}

bool kpi_parse_milli(const char *s, int64_t *out)
{
    if (!s)
        return false;
    int sign = 1;
    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (*s < '0' || *s > '9')
        return false;
    int64_t v = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 12)
            return false;
        v = v * 10 + (*s - '0');
    }
    v *= 1000;
    if (*s == '.') {
        s++;
        int64_t scale = 100;
        int frac = 0;
        for (; *s >= '0' && *s <= '9'; s++, frac++) {
            if (frac >= 3)
                return false;
            v += (*s - '0') * scale;
            scale /= 10;
        }
        if (frac == 0)
            return false;
    }
    if (*s)
        return false;
    *out = sign * v;
    return true;
}

void kpi_format_milli(int64_t v, char out[32])
{
    uint64_t a = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    unsigned long long whole = a / 1000, frac = a % 1000;
    const char *sign = v < 0 ? "-" : "";
    if (frac == 0)
        snprintf(out, 32, "%s%llu", sign, whole);
    else if (frac % 100 == 0)
        snprintf(out, 32, "%s%llu.%llu", sign, whole, frac / 100);
    else if (frac % 10 == 0)
        snprintf(out, 32, "%s%llu.%02llu", sign, whole, frac / 10);
    else
        snprintf(out, 32, "%s%llu.%03llu", sign, whole, frac);
}

const kpi_rule *kpi_rules_find(const kpi_rules *k, const char *id)
{
    for (size_t i = 0; k && i < k->n_rules; i++)
        if (strcmp(k->rules[i].id, id) == 0)
            return &k->rules[i];
    return NULL;
}

int64_t kpi_param_get(const kpi_rule *r, const char *name, int64_t fallback)
{
    for (size_t i = 0; r && i < r->n_params; i++)
        if (strcmp(r->params[i].name, name) == 0)
            return r->params[i].milli;
    return fallback;
}

bool kpi_band_points(const kpi_rule *r, kpi_band_scope scope, int64_t num, int64_t den, int64_t *points)
{
    if (!r || den <= 0)
        return false;
    for (size_t i = 0; i < r->n_bands; i++) {
        const kpi_band *b = &r->bands[i];
        if (b->importance != KPI_ANY && b->importance != scope)
            continue;
        /* num/den*100 >= min/1000  <=>  num*100000 >= min*den, exact in
         * int64 for any period of minutes the loader accepts. */
        if (!b->has_min || num * 100000 >= b->min_milli * den) {
            *points = b->points_milli;
            return true;
        }
    }
    return false;
}

const kpi_grade *kpi_grade_of(const kpi_rules *k, int64_t score_milli)
{
    for (size_t i = 0; k && i < k->n_grades; i++)
        if (!k->grades[i].has_min || score_milli >= k->grades[i].min_milli)
            return &k->grades[i];
    return NULL;
}

void kpi_rules_free(kpi_rules *k)
{
    if (!k)
        return;
    or_free(k->rules);
    or_free(k->grades);
    or_free(k->manual);
    or_free(k->notes);
    /* params and bands live in the arena */
    arena_free(&k->mem);
    or_free(k);
}

/* ---- loading ------------------------------------------------------------- */

typedef struct kpi_loader {
    kpi_rules *k;
    diag *d;
    const char *path;
    bool nomem, bad;
} kpi_loader;

static void kpi_xml_error(void *ctx, xmlErrorPtr e)
{
    kpi_loader *L = ctx;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    char msg[400];
    long line = xmlin_error_text(e, msg, sizeof msg);
    if (e->node && ((xmlNodePtr)e->node)->type == XML_ELEMENT_NODE)
        line = xmlGetLineNo(e->node);
    if (e->domain == XML_FROM_RELAXNGV)
        diag_error(L->d, L->path, line, "%s (expected what %s allows)", msg, KPI_SCHEMA_PATH);
    else
        diag_error(L->d, L->path, line, "%s (expected well-formed XML)", msg);
    L->bad = true;
}

static const char *kpi_attr(kpi_loader *L, xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = arena_strdup(&L->k->mem, (const char *)v);
    xmlFree(v);
    if (!s)
        L->nomem = true;
    return s;
}

static const char *kpi_text(kpi_loader *L, xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    if (!v)
        return "";
    /* Collapse the file's line breaks and indentation into single spaces. */
    size_t len = strlen((const char *)v);
    char *s = arena_alloc(&L->k->mem, len + 1);
    if (!s) {
        L->nomem = true;
        xmlFree(v);
        return "";
    }
    size_t o = 0;
    bool space = true;
    for (const char *p = (const char *)v; *p; p++) {
        bool ws = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
        if (ws) {
            if (!space)
                s[o++] = ' ';
            space = true;
        } else {
            s[o++] = *p;
            space = false;
        }
    }
    while (o && s[o - 1] == ' ')
        o--;
    s[o] = '\0';
    xmlFree(v);
    return s;
}

static bool kpi_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static int64_t kpi_milli_attr(kpi_loader *L, xmlNodePtr n, const char *name, bool *present)
{
    const char *s = kpi_attr(L, n, name);
    int64_t v = 0;
    if (present)
        *present = s != NULL;
    if (s && !kpi_parse_milli(s, &v)) {
        diag_error(L->d, L->path, xmlGetLineNo(n), "%s=\"%s\" (expected a decimal with at most 3 places)", name, s);
        L->bad = true;
    }
    return v;
}

static size_t kpi_count(xmlNodePtr parent, const char *name)
{
    size_t n = 0;
    for (xmlNodePtr c = parent->children; c; c = c->next)
        n += kpi_is(c, name);
    return n;
}

/* Checks a rule against its kind: known kind, required params present,
 * bands where the kind scores from bands, a catch-all band last. */
const char *const kpi_contract_values[] = {"response-minutes", "onsite-minutes", "resolve-hours", "feedback-minutes", NULL};

/* The number {name} (len bytes) stands for: r's param, band bN.min /
 * bN.points, or one of vals. */
static bool kpi_resolve(const kpi_rule *r, const char *name, size_t len, const kpi_value *vals, size_t nvals,
                        int64_t *out)
{
    if (r) {
        for (size_t i = 0; i < r->n_params; i++)
            if (strlen(r->params[i].name) == len && memcmp(r->params[i].name, name, len) == 0) {
                *out = r->params[i].milli;
                return true;
            }
        if (len > 1 && name[0] == 'b' && name[1] >= '1' && name[1] <= '9') {
            size_t n = 0, i = 1;
            while (i < len && name[i] >= '0' && name[i] <= '9' && n < 1000)
                n = n * 10 + (size_t)(name[i++] - '0');
            if (n >= 1 && n <= r->n_bands) {
                const kpi_band *b = &r->bands[n - 1];
                if (len - i == 4 && memcmp(name + i, ".min", 4) == 0 && b->has_min) {
                    *out = b->min_milli;
                    return true;
                }
                if (len - i == 7 && memcmp(name + i, ".points", 7) == 0) {
                    *out = b->points_milli;
                    return true;
                }
            }
        }
    }
    for (size_t i = 0; i < nvals; i++)
        if (strlen(vals[i].name) == len && memcmp(vals[i].name, name, len) == 0) {
            *out = vals[i].milli;
            return true;
        }
    return false;
}

int kpi_text_format(const kpi_rule *r, const char *text, const kpi_value *vals, size_t nvals, buf *out)
{
    const char *p = text;
    while (*p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        int64_t v;
        if (!close) {
            buf_puts(out, p);
            break;
        }
        buf_append(out, p, (size_t)(open - p));
        if (kpi_resolve(r, open + 1, (size_t)(close - open - 1), vals, nvals, &v)) {
            if (v < 0)
                v = -v;
            if (v % 1000 == 0)
                buf_printf(out, "%lld", (long long)(v / 1000));
            else {
                char frac[8];
                snprintf(frac, sizeof frac, "%03lld", (long long)(v % 1000));
                for (int i = 2; i > 0 && frac[i] == '0'; i--)
                    frac[i] = '\0';
                buf_printf(out, "%lld.%s", (long long)(v / 1000), frac);
            }
        } else {
            buf_append(out, open, (size_t)(close - open + 1));
        }
        p = close + 1;
    }
    return out->failed ? -1 : 0;
}

/* Every {NAME} of a rule's (r) or the file's (r NULL) text names a number
 * that kpi_text_format can fill in. */
static void kpi_check_text(kpi_loader *L, const kpi_rule *r, const char *text, long line, const char *what)
{
    kpi_value contract[sizeof kpi_contract_values / sizeof *kpi_contract_values];
    size_t nc = 0;
    for (; kpi_contract_values[nc]; nc++)
        contract[nc] = (kpi_value){kpi_contract_values[nc], 0};
    for (const char *p = text; (p = strchr(p, '{')) != NULL;) {
        const char *close = strchr(p, '}');
        int64_t v;
        if (!close) {
            diag_error(L->d, L->path, line, "<%s>: '{' without '}' in \"%s\" (expected {NAME})", what, text);
            L->bad = true;
            return;
        }
        if (!kpi_resolve(r, p + 1, (size_t)(close - p - 1), contract, nc, &v)) {
            diag_error(L->d, L->path, line,
                       "<%s>: {%.*s} names no param%s (expected a param of the rule, bN.min or bN.points for its "
                       "band N, or response-minutes, onsite-minutes, resolve-hours, feedback-minutes)",
                       what, (int)(close - p - 1), p + 1, r ? " or band of the rule" : "");
            L->bad = true;
        }
        p = close + 1;
    }
}

static void kpi_check_rule(kpi_loader *L, const kpi_rule *r)
{
    size_t i = 0;
    for (; i < sizeof kpi_kinds / sizeof *kpi_kinds; i++)
        if (strcmp(kpi_kinds[i].kind, r->kind) == 0)
            break;
    if (i == sizeof kpi_kinds / sizeof *kpi_kinds) {
        diag_error(L->d, L->path, r->line, "rule \"%s\": unknown kind \"%s\" (expected one of the kinds in docs/facts-xml.md)",
                   r->id, r->kind);
        L->bad = true;
        return;
    }
    const char *p = kpi_kinds[i].params;
    while (*p) {
        size_t len = strcspn(p, " ");
        bool found = false;
        for (size_t j = 0; j < r->n_params; j++)
            if (strlen(r->params[j].name) == len && memcmp(r->params[j].name, p, len) == 0)
                found = true;
        if (!found) {
            diag_error(L->d, L->path, r->line, "rule \"%s\" (kind %s) has no <param name=\"%.*s\"> (expected every param its kind uses)",
                       r->id, r->kind, (int)len, p);
            L->bad = true;
        }
        p += len;
        while (*p == ' ')
            p++;
    }
    if (kpi_kinds[i].bands && r->n_bands == 0) {
        diag_error(L->d, L->path, r->line, "rule \"%s\" (kind %s) has no <band> (expected bands ending with one without min)", r->id, r->kind);
        L->bad = true;
    }
}

static void kpi_extract(kpi_loader *L, xmlNodePtr root)
{
    kpi_rules *k = L->k;
    k->id = kpi_attr(L, root, "id");
    k->title = "";
    size_t nr = kpi_count(root, "rule"), nm = kpi_count(root, "manual"), nn = kpi_count(root, "note");
    k->rules = or_calloc(nr ? nr : 1, sizeof *k->rules);
    k->manual = or_calloc(nm ? nm : 1, sizeof *k->manual);
    k->notes = or_calloc(nn ? nn : 1, sizeof *k->notes);
    if (!k->rules || !k->manual || !k->notes) {
        L->nomem = true;
        return;
    }
    for (xmlNodePtr c = root->children; c && !L->nomem; c = c->next) {
        if (kpi_is(c, "title")) {
            k->title = kpi_text(L, c);
        } else if (kpi_is(c, "score")) {
            k->base_milli = kpi_milli_attr(L, c, "base", NULL);
        } else if (kpi_is(c, "tail")) {
            k->tail_payment = kpi_attr(L, c, "payment");
        } else if (kpi_is(c, "note")) {
            k->notes[k->n_notes] = kpi_text(L, c);
            kpi_check_text(L, NULL, k->notes[k->n_notes++], xmlGetLineNo(c), "note");
        } else if (kpi_is(c, "manual")) {
            kpi_manual *m = &k->manual[k->n_manual++];
            m->id = kpi_attr(L, c, "id");
            m->label = kpi_attr(L, c, "label");
            m->criteria = kpi_attr(L, c, "criteria");
            if (m->criteria)
                kpi_check_text(L, NULL, m->criteria, xmlGetLineNo(c), "criteria");
        } else if (kpi_is(c, "grades")) {
            size_t ng = kpi_count(c, "grade");
            k->grades = or_calloc(ng ? ng : 1, sizeof *k->grades);
            if (!k->grades) {
                L->nomem = true;
                return;
            }
            for (xmlNodePtr g = c->children; g; g = g->next) {
                if (!kpi_is(g, "grade"))
                    continue;
                kpi_grade *gr = &k->grades[k->n_grades++];
                gr->name = kpi_attr(L, g, "name");
                gr->min_milli = kpi_milli_attr(L, g, "min", &gr->has_min);
                gr->returned_milli = kpi_milli_attr(L, g, "returned-percent", NULL);
                const char *acc = kpi_attr(L, g, "accepted");
                gr->accepted = !acc || strcmp(acc, "false") != 0;
            }
        } else if (kpi_is(c, "rule")) {
            kpi_rule *r = &k->rules[k->n_rules++];
            r->line = xmlGetLineNo(c);
            r->id = kpi_attr(L, c, "id");
            r->kind = kpi_attr(L, c, "kind");
            r->label = kpi_attr(L, c, "label");
            r->category = kpi_attr(L, c, "category");
            if (!r->category)
                r->category = "";
            size_t np = kpi_count(c, "param"), nb = kpi_count(c, "band");
            r->params = arena_alloc(&k->mem, (np ? np : 1) * sizeof *r->params);
            r->bands = arena_alloc(&k->mem, (nb ? nb : 1) * sizeof *r->bands);
            if (!r->params || !r->bands || !r->id || !r->kind || !r->label) {
                L->nomem = true;
                return;
            }
            buf notes;
            buf_init(&notes, 0);
            long criteria_line = r->line, note_line = r->line;
            for (xmlNodePtr p = c->children; p; p = p->next) {
                if (kpi_is(p, "param")) {
                    kpi_param *pa = &r->params[r->n_params++];
                    pa->name = kpi_attr(L, p, "name");
                    pa->milli = kpi_milli_attr(L, p, "value", NULL);
                    pa->line = xmlGetLineNo(p);
                } else if (kpi_is(p, "band")) {
                    kpi_band *b = &r->bands[r->n_bands++];
                    const char *imp = kpi_attr(L, p, "importance");
                    b->importance = !imp ? KPI_ANY : strcmp(imp, "important") == 0 ? KPI_IMPORTANT : KPI_GENERAL;
                    b->min_milli = kpi_milli_attr(L, p, "min", &b->has_min);
                    b->points_milli = kpi_milli_attr(L, p, "points", NULL);
                    b->line = xmlGetLineNo(p);
                } else if (kpi_is(p, "note")) {
                    if (!notes.len)
                        note_line = xmlGetLineNo(p);
                    buf_puts(&notes, kpi_text(L, p));
                } else if (kpi_is(p, "criteria") && r->criteria) {
                    diag_error(L->d, L->path, xmlGetLineNo(p), "rule \"%s\" has a second <criteria> (expected one)", r->id);
                    L->bad = true;
                } else if (kpi_is(p, "criteria")) {
                    r->criteria = kpi_text(L, p);
                    criteria_line = xmlGetLineNo(p);
                }
            }
            if (notes.failed)
                L->nomem = true;
            else if (notes.len)
                r->note = arena_strdup(&k->mem, buf_cstr(&notes));
            buf_free(&notes);
            if (r->criteria)
                kpi_check_text(L, r, r->criteria, criteria_line, "criteria");
            if (r->note)
                kpi_check_text(L, r, r->note, note_line, "note");
            for (size_t j = 0; j + 1 < k->n_rules; j++)
                if (strcmp(k->rules[j].id, r->id) == 0) {
                    diag_error(L->d, L->path, r->line, "rule id \"%s\" also at line %ld (expected unique rule ids)", r->id,
                               k->rules[j].line);
                    L->bad = true;
                }
            kpi_check_rule(L, r);
        }
    }
    if (k->n_grades == 0 || k->grades[k->n_grades - 1].has_min) {
        diag_error(L->d, L->path, xmlGetLineNo(root), "the last <grade> has a min (expected a last grade without min that catches every lower score)");
        L->bad = true;
    }
}

or_status kpi_rules_load(kpi_rules **out, const char *path, const char *schema_path, diag *d)
{
    *out = NULL;
    kpi_rules *k = or_calloc(1, sizeof *k);
    if (!k)
        return diag_nomem(d);
    arena_init(&k->mem, 0);
    kpi_loader L = {.k = k, .d = d, .path = path};
    k->path = arena_strdup(&k->mem, path);

    xmlin_handlers saved;
    xmlin_push(&saved, kpi_xml_error, &L, NULL, NULL);

    or_status st = OR_OK;
    xmlin_file f;
    xmlin_open_result opened = xmlin_open(path, XMLIN_MAX_BYTES, &f);
    if (opened == XMLIN_ENOFILE || opened == XMLIN_EDANGLING) {
        diag_error(d, path, 0, "cannot read the rules file (expected a readable KPI rules XML file)");
        st = OR_EINPUT;
    } else if (opened != XMLIN_OPENED) {
        char refusal[XMLIN_MSG_MAX];
        diag_error(d, path, 0, "%s", xmlin_open_message(opened, &f, XMLIN_MAX_BYTES, false, refusal, sizeof refusal));
        st = OR_EINPUT;
    }
    xmlDocPtr doc = NULL;
    if (st == OR_OK) {
        /* xmlin: a DOCTYPE is refused before parsing, nothing is fetched,
         * no entity expanded. */
        xmlin_parse_opts o = {.on_error = kpi_xml_error, .error_ctx = &L};
        long at = 0;
        switch (xmlin_parse_fd(f.fd, &o, &doc, &at)) {
        case XMLIN_PARSED:
            break;
        case XMLIN_DOCTYPE:
            diag_error(d, path, at, "DOCTYPE refused (expected no DTD in a rules file)");
            st = OR_EINPUT;
            break;
        case XMLIN_PNOMEM:
            L.nomem = true;
            break;
        case XMLIN_MALFORMED:
        case XMLIN_PREAD:
            if (!L.bad)
                diag_error(d, path, 0, "cannot parse (expected well-formed XML)");
            st = OR_EINPUT;
            break;
        }
    }
    xmlin_close(&f);
    if (st == OR_OK && !doc)
        st = diag_nomem(d);
    if (st == OR_OK) {
        xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewParserCtxt(schema_path);
        xmlRelaxNGPtr schema = pc ? xmlRelaxNGParse(pc) : NULL;
        xmlRelaxNGFreeParserCtxt(pc);
        if (!schema) {
            diag_error(d, schema_path, 0, "cannot load the rules schema (expected a RELAX NG file)");
            st = OR_ESYS;
        } else {
            xmlRelaxNGValidCtxtPtr v = xmlRelaxNGNewValidCtxt(schema);
            if (!v) {
                L.nomem = true;
            } else {
                xmlRelaxNGSetValidStructuredErrors(v, kpi_xml_error, &L);
                if (xmlRelaxNGValidateDoc(v, doc) != 0 && !L.bad) {
                    diag_error(d, path, 0, "does not match %s", KPI_SCHEMA_PATH);
                    L.bad = true;
                }
                xmlRelaxNGFreeValidCtxt(v);
            }
            xmlRelaxNGFree(schema);
            if (!L.bad && !L.nomem)
                kpi_extract(&L, xmlDocGetRootElement(doc));
        }
    }
    xmlFreeDoc(doc);
    xmlin_pop(&saved);
    if (st == OR_OK && L.nomem)
        st = diag_nomem(d);
    else if (st == OR_OK && L.bad)
        st = OR_EINPUT;
    if (st != OR_OK) {
        kpi_rules_free(k);
        return st;
    }
    *out = k;
    return OR_OK;
}
