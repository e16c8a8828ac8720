/* facts_xml: the facts as XML (docs/facts-xml.md) and as JSON mirroring it.
 *
 * The facts are first turned into a small element tree (names, typed
 * attributes, children), then serialised; the JSON form is the same tree:
 * an element is an object, its attributes are members (numbers and
 * booleans typed), and its children are arrays keyed by element name in
 * order of first appearance.  Nothing here depends on the clock, the
 * locale or hash order, so the same facts give the same bytes. */
#include "facts.h"

#include "alloc.h"
#include "personal.h"

#include <stdio.h>
#include <string.h>

typedef enum { FA_STR, FA_NUM, FA_BOOL } fa_type;

typedef struct fa {
    const char *name, *value;
    fa_type type;
    struct fa *next;
} fa;

typedef struct fn {
    const char *name;
    const char *text;        /* NULL: none */
    fa *attrs, *alast;
    struct fn *kids, *klast, *next;
} fn;

typedef struct fb {
    arena mem;
    bool nomem;
    bool unmasked;   /* personal numbers left whole (--unmasked) */
} fb;

/* Every string the facts show passes here: personal numbers (personal.h)
 * are masked in the arena copy unless the run asked for them whole. */
static const char *fb_copy(fb *b, const char *value)
{
    char *v = arena_strdup(&b->mem, value);
    if (v && !b->unmasked)
        v[personal_mask(v, strlen(v), NULL)] = '\0';
    return v;
}

static fn *fb_node(fb *b, fn *parent, const char *name)
{
    fn *n = arena_alloc(&b->mem, sizeof *n);
    if (!n) {
        b->nomem = true;
        return NULL;
    }
    n->name = name;
    if (parent) {
        if (parent->klast)
            parent->klast->next = n;
        else
            parent->kids = n;
        parent->klast = n;
    }
    return n;
}

static void fb_attr(fb *b, fn *n, const char *name, fa_type t, const char *value)
{
    if (!n || !value)
        return;
    fa *a = arena_alloc(&b->mem, sizeof *a);
    const char *v = fb_copy(b, value);
    if (!a || !v) {
        b->nomem = true;
        return;
    }
    a->name = name;
    a->value = v;
    a->type = t;
    if (n->alast)
        n->alast->next = a;
    else
        n->attrs = a;
    n->alast = a;
}

static void fb_str(fb *b, fn *n, const char *name, const char *v) { fb_attr(b, n, name, FA_STR, v); }
static void fb_bool(fb *b, fn *n, const char *name, bool v) { fb_attr(b, n, name, FA_BOOL, v ? "true" : "false"); }

static void fb_int(fb *b, fn *n, const char *name, long long v)
{
    char s[32];
    snprintf(s, sizeof s, "%lld", v);
    fb_attr(b, n, name, FA_NUM, s);
}

static void fb_date(fb *b, fn *n, const char *name, od_date d)
{
    if (d == REC_NO_DATE)
        return;
    char s[11];
    od_format_date(d, s);
    fb_str(b, n, name, s);
}

static void fb_time_s(fb *b, fn *n, const char *name, od_minute t, int second)
{
    if (t == REC_NO_TIME)
        return;
    char s[20];
    od_format_instant_s(t, second, s);
    fb_str(b, n, name, s);
}

static void fb_milli(fb *b, fn *n, const char *name, int64_t v)
{
    char s[32];
    kpi_format_milli(v, s);
    fb_attr(b, n, name, FA_NUM, s);
}

static void fb_pct(fb *b, fn *n, const char *name, int64_t num, int64_t den)
{
    char s[32];
    facts_format_percent(num, den, s);
    fb_attr(b, n, name, FA_NUM, s);
}

static void fb_fen(fb *b, fn *n, const char *name, int64_t fen)
{
    char s[32];
    facts_format_fen(fen, s);
    fb_attr(b, n, name, FA_NUM, s);
}

static void fb_src(fb *b, fn *n, const rec_src *src)
{
    if (!src || !src->file)
        return;
    fb_str(b, n, "file", src->file);
    fb_int(b, n, "line", src->line);
}

static void fb_zh(fb *b, fn *n, const char *name, const od_period *p, int (*format)(const od_period *, buf *))
{
    buf t;
    buf_init(&t, 256);
    format(p, &t);
    if (!t.failed)
        fb_str(b, n, name, buf_cstr(&t));
    buf_free(&t);
}

static const char *const fb_importance[] = {"important", "general"};

static void fb_system(fb *b, fn *parent, const facts_system *s)
{
    fn *n = fb_node(b, parent, "system");
    fb_str(b, n, "id", s->id);
    fb_str(b, n, "name", s->name);
    fb_str(b, n, "importance", fb_importance[s->importance]);
    if (s->total_minutes > 0) {
        fb_pct(b, n, "availability", s->total_minutes - s->down_minutes, s->total_minutes);
        fb_pct(b, n, "failure-rate", s->down_minutes, s->total_minutes);
    }
    fb_int(b, n, "down-minutes", s->down_minutes);
    fb_int(b, n, "total-minutes", s->total_minutes);
    fb_int(b, n, "period-minutes", s->period_minutes);
    fb_int(b, n, "maintenance-minutes", s->maintenance_minutes);
    fb_int(b, n, "page-required", s->page_required);
    fb_int(b, n, "page-done", s->page_done);
    fb_int(b, n, "page-missed", s->page_required - s->page_done);
    fb_int(b, n, "server-required", s->server_required);
    fb_int(b, n, "server-done", s->server_done);
    fb_int(b, n, "server-missed", s->server_required - s->server_done);
    if (s->probe_total > 0) {
        fb_pct(b, n, "probe-availability", (int64_t)s->probe_ok, (int64_t)s->probe_total);
        fb_int(b, n, "probe-samples", (long long)s->probe_total);
        fb_int(b, n, "probe-ok", (long long)s->probe_ok);
    }
}

static const char *const fb_inc_kind[] = {"fault", "emergency", "request", "security"};
static const char *const fb_cause[] = {NULL, "human", "equipment", "software", "third-party", "external"};

static void fb_incident(fb *b, fn *parent, const records *r, const facts_incident *fi)
{
    const rec_incident *in = &r->incidents.v[fi->index];
    fn *n = fb_node(b, parent, "incident");
    fb_str(b, n, "id", in->id);
    fb_str(b, n, "system", in->system);
    fb_str(b, n, "kind", fb_inc_kind[in->kind]);
    if (in->level > 0)
        fb_int(b, n, "level", in->level);
    fb_str(b, n, "cause", fb_cause[in->cause]);
    if (in->title && *in->title)
        fb_str(b, n, "title", in->title);
    fb_time_s(b, n, "reported", in->reported, in->reported_sec);
    fb_time_s(b, n, "responded", in->responded, in->responded_sec);
    fb_time_s(b, n, "onsite", in->onsite, in->onsite_sec);
    fb_time_s(b, n, "resolved", in->resolved, in->resolved_sec);
    if (fi->response >= 0) {
        fb_int(b, n, "response-minutes", fi->response);
        fb_int(b, n, "response-seconds", fi->response_s);
    }
    if (fi->onsite >= 0) {
        fb_int(b, n, "onsite-minutes", fi->onsite);
        fb_int(b, n, "onsite-seconds", fi->onsite_s);
    }
    if (fi->resolution >= 0) {
        fb_int(b, n, "resolution-minutes", fi->resolution);
        fb_int(b, n, "resolution-seconds", fi->resolution_s);
    }
    fb_bool(b, n, "response-ok", fi->response_ok);
    if (fi->has_onsite_ok)
        fb_bool(b, n, "onsite-ok", fi->onsite_ok);
    fb_bool(b, n, "resolution-ok", fi->resolution_ok);
    fb_bool(b, n, "open-at-end", fi->open_at_end);
    if (in->impact != REC_IMPACT_NONE)
        fb_str(b, n, "impact", in->impact == REC_IMPACT_SERIOUS ? "serious" : "major");
    fb_str(b, n, "repeat-of", in->repeat_of);
    if (in->data_loss)
        fb_bool(b, n, "data-loss", true);
    fb_src(b, n, &in->src);
}

static const char *fb_doc_kind(rec_doc_kind k)
{
    switch (k) {
    case REC_DOC_WEEKLY: return "weekly";
    case REC_DOC_MONTHLY: return "monthly";
    case REC_DOC_QUARTERLY: return "quarterly";
    case REC_DOC_HALF_YEAR: return "half-year";
    default: return "incident";
    }
}

static void fb_document(fb *b, fn *parent, const records *r, const facts_document *e)
{
    fn *n = fb_node(b, parent, "document");
    fb_str(b, n, "kind", fb_doc_kind(e->kind));
    if (e->kind == REC_DOC_INCIDENT)
        fb_str(b, n, "ref", r->incidents.v[e->incident].id);
    else
        fb_str(b, n, "period", e->unit.label);
    fb_date(b, n, "due", e->due);
    fb_date(b, n, "submitted", e->submitted);
    fb_bool(b, n, "late", e->late);
    if (e->fallback)
        fb_bool(b, n, "calendar-fallback", true);
    if (e->deliverable != REC_NO_INDEX)
        fb_src(b, n, &r->documents.v[e->deliverable].src);
}

static void fb_kpi(fb *b, fn *root, const facts *f)
{
    fn *k = fb_node(b, root, "kpi");
    fb_str(b, k, "rules", f->rules->id);
    fb_milli(b, k, "base", f->rules->base_milli);
    fb_milli(b, k, "points", f->points);
    fb_milli(b, k, "score", f->score);
    if (f->grade)
        fb_str(b, k, "grade", f->grade->name);
    if (f->fee_total_fen >= 0)
        fb_fen(b, k, "fee-total", f->fee_total_fen);
    if (f->fee_total_fen >= 0 && f->tail_percent_milli >= 0) {
        fb_milli(b, k, "tail-percent", f->tail_percent_milli);
        fb_fen(b, k, "tail", f->tail_fen);
        if (f->grade && f->grade->accepted) {
            fb_bool(b, k, "accepted", true);
            fb_milli(b, k, "returned-percent", f->grade->returned_milli);
            fb_fen(b, k, "returned", f->returned_fen);
            fb_fen(b, k, "paid", f->tail_fen - f->returned_fen);
        } else if (f->grade) {
            fb_bool(b, k, "accepted", false);
        }
    }
    if (f->kpi_fallback)
        fb_bool(b, k, "calendar-fallback", true);
    /* the grades of the rules file, so that a sheet prints its standard */
    for (size_t i = 0; i < f->rules->n_grades; i++) {
        const kpi_grade *g = &f->rules->grades[i];
        fn *n = fb_node(b, k, "grade");
        fb_str(b, n, "name", g->name);
        if (g->has_min)
            fb_milli(b, n, "min", g->min_milli);
        if (g->accepted)
            fb_milli(b, n, "returned-percent", g->returned_milli);
        else
            fb_bool(b, n, "accepted", false);
    }
    for (size_t i = 0; i < f->n_kpi; i++) {
        const facts_rule *o = &f->kpi[i];
        fn *n = fb_node(b, k, "rule");
        fb_str(b, n, "id", o->id);
        fb_str(b, n, "kind", o->kind);
        fb_str(b, n, "label", o->label);
        if (o->category && *o->category)
            fb_str(b, n, "category", o->category);
        if (o->criteria)
            fb_str(b, n, "criteria", o->criteria);
        if (o->note)
            fb_str(b, n, "note", o->note);
        fb_milli(b, n, "points", o->points);
        if (o->capped) {
            fb_bool(b, n, "capped", true);
            fb_milli(b, n, "uncapped", o->uncapped);
        }
        fb_int(b, n, "causes", (long long)o->n_causes);
        if (o->manual)
            fb_bool(b, n, "manual", true);
        if (o->fallback)
            fb_bool(b, n, "calendar-fallback", true);
        for (size_t j = 0; j < o->n_causes; j++) {
            const facts_cite *x = &o->causes[j];
            fn *cn = fb_node(b, n, "cause");
            fb_str(b, cn, "kind", x->kind);
            fb_str(b, cn, "id", x->id);
            fb_src(b, cn, &x->src);
            fb_milli(b, cn, "points", x->points);
            fb_str(b, cn, "detail", x->detail);
            if (x->fallback)
                fb_bool(b, cn, "calendar-fallback", true);
        }
    }
}

/* The contract's service levels in force: <sla> of the contract with the
 * defaults filled in, so that a template never prints an empty limit. */
static void fb_sla(fb *b, fn *root, const rec_sla *sla)
{
    fn *n = fb_node(b, root, "sla");
    char s[32];
    fb_int(b, n, "response-minutes", sla->response_minutes);
    fb_int(b, n, "onsite-minutes", sla->onsite_minutes);
    fb_int(b, n, "resolve-hours", sla->resolve_hours);
    fb_int(b, n, "feedback-minutes", sla->feedback_minutes);
    fb_int(b, n, "page-inspections-per-day", sla->page_inspections_per_day);
    fb_int(b, n, "server-inspections-per-week", sla->server_inspections_per_week);
    snprintf(s, sizeof s, "%g", sla->failure_rate_max_percent);
    fb_attr(b, n, "failure-rate-max-percent", FA_NUM, s);
    snprintf(s, sizeof s, "%g", sla->satisfaction_min_percent);
    fb_attr(b, n, "satisfaction-min-percent", FA_NUM, s);
}

static fn *fb_build(fb *b, const facts *f)
{
    const records *r = f->r;
    fn *root = fb_node(b, NULL, "facts");
    fb_str(b, root, "version", "1");
    fb_str(b, root, "contract", r->contract.id);
    fb_str(b, root, "period", f->period.label);
    fb_zh(b, root, "label", &f->period, period_format_zh);
    fb_zh(b, root, "plain-label", &f->period, period_format_zh_plain);
    fb_date(b, root, "start", f->period.first);
    fb_date(b, root, "end", f->period.last);
    fb_date(b, root, "term-start", r->contract.term_start);
    fb_date(b, root, "term-end", r->contract.term_end);
    fb_int(b, root, "days", f->period.last - f->period.first + 1);
    if (f->n_warnings)
        fb_bool(b, root, "calendar-fallback", true);

    fb_sla(b, root, &r->contract.sla);
    for (size_t i = 0; i < f->n_systems; i++)
        fb_system(b, root, &f->systems[i]);
    for (size_t i = 0; i < f->n_incidents; i++)
        fb_incident(b, root, r, &f->incidents[i]);
    for (size_t i = 0; i < f->n_documents; i++)
        fb_document(b, root, r, &f->documents[i]);

    fn *s = fb_node(b, root, "satisfaction");
    fb_int(b, s, "surveys", f->surveys);
    fb_int(b, s, "satisfied", f->satisfied);
    if (f->surveys > 0)
        fb_pct(b, s, "rate", f->satisfied, f->surveys);
    fn *c = fb_node(b, root, "complaints");
    fb_int(b, c, "count", f->complaints[0] + f->complaints[1]);
    fb_int(b, c, "important", f->complaints[0]);
    fb_int(b, c, "general", f->complaints[1]);
    fn *p = fb_node(b, root, "praise");
    fb_int(b, p, "count", f->praise[0] + f->praise[1]);
    fb_int(b, p, "important", f->praise[0]);
    fb_int(b, p, "general", f->praise[1]);

    fn *a = fb_node(b, root, "acceptance");
    fb_date(b, a, "start", f->acceptance_first);
    fb_date(b, a, "end", f->acceptance_last);
    fb_bool(b, a, "pass", f->acceptance_pass);
    for (size_t i = 0; i < f->n_indicators; i++) {
        const facts_indicator *x = &f->indicators[i];
        fn *n = fb_node(b, a, "indicator");
        fb_str(b, n, "id", x->id);
        fb_str(b, n, "system", x->system);
        fb_str(b, n, "label", x->label);
        fb_str(b, n, "required", x->required);
        fb_str(b, n, "measured", x->measured);
        fb_bool(b, n, "pass", x->pass);
        if (x->fallback)
            fb_bool(b, n, "calendar-fallback", true);
    }

    fb_kpi(b, root, f);

    for (size_t i = 0; i < f->n_months; i++) {
        const facts_month *m = &f->months[i];
        fn *n = fb_node(b, root, "month");
        fb_str(b, n, "period", m->p.label);
        fb_zh(b, n, "label", &m->p, period_format_zh);
        fb_date(b, n, "start", m->p.first);
        fb_date(b, n, "end", m->p.last);
        fb_int(b, n, "incidents", m->incidents);
        fb_int(b, n, "faults", m->faults);
        fb_int(b, n, "level-1", m->by_level[1]);
        fb_int(b, n, "level-2", m->by_level[2]);
        fb_int(b, n, "level-3", m->by_level[3]);
        fb_int(b, n, "level-4", m->by_level[4]);
        fb_int(b, n, "ungraded", m->by_level[0]);
        for (size_t j = 0; j < f->n_systems; j++)
            fb_system(b, n, &m->systems[j]);
    }
    for (size_t i = 0; i < f->n_notes; i++) {
        fn *n = fb_node(b, root, "note");
        if (n && !(n->text = fb_copy(b, f->notes[i])))
            b->nomem = true;
    }
    for (size_t i = 0; i < f->n_warnings; i++) {
        fn *n = fb_node(b, root, "warning");
        if (n && !(n->text = fb_copy(b, f->warnings[i])))
            b->nomem = true;
    }
    return root;
}

/* ---- XML ----------------------------------------------------------------- */

static void xml_escape(buf *o, const char *s, bool attr)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(o, "&amp;"); break;
        case '<': buf_puts(o, "&lt;"); break;
        case '>': buf_puts(o, "&gt;"); break;
        case '"': buf_puts(o, attr ? "&quot;" : "\""); break;
        case '\n': buf_puts(o, attr ? "&#10;" : "\n"); break;
        case '\t': buf_puts(o, attr ? "&#9;" : "\t"); break;
        case '\r': buf_puts(o, "&#13;"); break;
        default: buf_putc(o, *s);
        }
    }
}

static void xml_node(buf *o, const fn *n, int depth)
{
    for (int i = 0; i < depth; i++)
        buf_puts(o, "  ");
    buf_printf(o, "<%s", n->name);
    for (const fa *a = n->attrs; a; a = a->next) {
        buf_printf(o, " %s=\"", a->name);
        xml_escape(o, a->value, true);
        buf_putc(o, '"');
    }
    if (!n->kids && !n->text) {
        buf_puts(o, "/>\n");
        return;
    }
    buf_putc(o, '>');
    if (n->text) {
        xml_escape(o, n->text, false);
    } else {
        buf_putc(o, '\n');
        for (const fn *k = n->kids; k; k = k->next)
            xml_node(o, k, depth + 1);
        for (int i = 0; i < depth; i++)
            buf_puts(o, "  ");
    }
    buf_printf(o, "</%s>\n", n->name);
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_string(buf *o, const char *s)
{
    buf_putc(o, '"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            buf_putc(o, '\\');
            buf_putc(o, (char)ch);
        } else if (ch == '\n') {
            buf_puts(o, "\\n");
        } else if (ch < 0x20) {
            buf_printf(o, "\\u%04x", ch);
        } else {
            buf_putc(o, (char)ch);
        }
    }
    buf_putc(o, '"');
}

static void json_indent(buf *o, int depth)
{
    buf_putc(o, '\n');
    for (int i = 0; i < depth; i++)
        buf_puts(o, "  ");
}

static void json_node(buf *o, const fn *n, int depth)
{
    buf_putc(o, '{');
    bool first = true;
    for (const fa *a = n->attrs; a; a = a->next) {
        buf_puts(o, first ? "" : ",");
        first = false;
        json_indent(o, depth + 1);
        json_string(o, a->name);
        buf_puts(o, ": ");
        if (a->type == FA_STR)
            json_string(o, a->value);
        else
            buf_puts(o, a->value);
    }
    if (n->text) {
        buf_puts(o, first ? "" : ",");
        first = false;
        json_indent(o, depth + 1);
        buf_puts(o, "\"text\": ");
        json_string(o, n->text);
    }
    /* Children grouped by name, groups in order of first appearance. */
    for (const fn *k = n->kids; k; k = k->next) {
        bool seen = false;
        for (const fn *e = n->kids; e != k; e = e->next)
            if (strcmp(e->name, k->name) == 0)
                seen = true;
        if (seen)
            continue;
        buf_puts(o, first ? "" : ",");
        first = false;
        json_indent(o, depth + 1);
        json_string(o, k->name);
        buf_puts(o, ": [");
        bool firstk = true;
        for (const fn *e = k; e; e = e->next) {
            if (strcmp(e->name, k->name) != 0)
                continue;
            buf_puts(o, firstk ? "" : ",");
            firstk = false;
            json_indent(o, depth + 2);
            json_node(o, e, depth + 2);
        }
        json_indent(o, depth + 1);
        buf_putc(o, ']');
    }
    if (!first)
        json_indent(o, depth);
    buf_putc(o, '}');
}

or_status facts_write(const facts *f, facts_format fmt, buf *out, diag *d)
{
    return facts_write_masking(f, fmt, false, out, d);
}

or_status facts_write_masking(const facts *f, facts_format fmt, bool unmasked, buf *out, diag *d)
{
    fb b = {.unmasked = unmasked};
    arena_init(&b.mem, 0);
    fn *root = fb_build(&b, f);
    if (unmasked)
        fb_str(&b, root, "personal-numbers", "unmasked");
    if (!root || b.nomem) {
        arena_free(&b.mem);
        return diag_nomem(d);
    }
    if (fmt == FACTS_XML) {
        buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml_node(out, root, 0);
    } else {
        buf_puts(out, "{\"facts\": ");
        json_node(out, root, 0);
        buf_puts(out, "}\n");
    }
    arena_free(&b.mem);
    if (out->failed)
        return diag_nomem(d);
    return OR_OK;
}
