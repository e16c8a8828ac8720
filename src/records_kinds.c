/* records: extraction of each kind's elements into typed records.
 *
 * This code runs on documents whether or not they passed the schema, so it
 * trusts nothing: every attribute is looked up, parsed and range-checked
 * here, and the messages say what was expected.  (The schema remains the
 * published contract and catches structure we do not look at.) */
#define RECORDS_INTERNAL
#include "records.h"
#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rec_x {
    rec_loader *L;
    records *r;
    arena *mem;
} rec_x;

static long rec_line(xmlNodePtr n) { return rec_node_line(n); }
static const char *rec_nm(xmlNodePtr n) { return (const char *)n->name; }
static bool rec_is(xmlNodePtr n, const char *name) { return strcmp(rec_nm(n), name) == 0; }

static const char *rec_dup(rec_x *x, const char *s)
{
    const char *p = arena_strdup(x->mem, s);
    if (!p)
        rec_loader_nomem(x->L);
    return p;
}

/* The attribute as an arena string, NULL when absent (an error when
 * required). */
static const char *rec_attr(rec_x *x, xmlNodePtr n, const char *name, bool required, const char *expect)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v) {
        if (required)
            rec_file_error(x->L, rec_line(n), "<%s> has no %s= attribute (expected %s)", rec_nm(n), name, _(expect));
        return NULL;
    }
    const char *s = rec_dup(x, (const char *)v);
    xmlFree(v);
    return s;
}

/* Element text, trimmed of surrounding white space. */
static const char *rec_text(rec_x *x, xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    if (!v)
        return rec_dup(x, "");
    const char *s = (const char *)v, *e = s + strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    const char *p = arena_strndup(x->mem, s, (size_t)(e - s));
    if (!p)
        rec_loader_nomem(x->L);
    xmlFree(v);
    return p;
}

static void rec_note(rec_x *x, xmlNodePtr n, const char *attr, od_minute t)
{
    char what[96];
    snprintf(what, sizeof what, "<%s> %s=", rec_nm(n), attr);
    rec_note_time(x->L, t, rec_line(n), rec_dup(x, what));
}

static bool rec_attr_date(rec_x *x, xmlNodePtr n, const char *name, bool required, od_date *out)
{
    *out = REC_NO_DATE;
    const char *s = rec_attr(x, n, name, required, "a date YYYY-MM-DD");
    if (!s)
        return false;
    if (!od_parse_date(s, out)) {
        rec_file_error(x->L, rec_line(n), "<%s> %s=\"%s\" is not a date (expected YYYY-MM-DD)", rec_nm(n), name, s);
        *out = REC_NO_DATE;
        return false;
    }
    rec_note(x, n, name, od_day_start(*out));
    return true;
}

static bool rec_attr_instant(rec_x *x, xmlNodePtr n, const char *name, bool required, od_minute *out)
{
    *out = REC_NO_TIME;
    const char *s = rec_attr(x, n, name, required, "a time YYYY-MM-DDTHH:MM[:SS][+08:00]");
    if (!s)
        return false;
    if (!od_parse_instant(s, out)) {
        rec_file_error(x->L, rec_line(n), "<%s> %s=\"%s\" is not a time (expected YYYY-MM-DDTHH:MM[:SS][±HH:MM])",
                       rec_nm(n), name, s);
        *out = REC_NO_TIME;
        return false;
    }
    rec_note(x, n, name, *out);
    return true;
}

/* names: NULL-terminated; *out is the matching index, dflt when absent. */
static bool rec_attr_enum(rec_x *x, xmlNodePtr n, const char *name, bool required, const char *const *names,
                          int dflt, int *out)
{
    *out = dflt;
    char expect[256] = "";
    size_t used = 0;
    for (int i = 0; names[i] && used < sizeof expect; i++) {
        int w = snprintf(expect + used, sizeof expect - used, "%s%s", i ? ", " : _("one of "), names[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    const char *s = rec_attr(x, n, name, required, expect);
    if (!s)
        return false;
    for (int i = 0; names[i]; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return true;
        }
    }
    rec_file_error(x->L, rec_line(n), "<%s> %s=\"%s\" is not allowed (expected %s)", rec_nm(n), name, s, expect);
    return false;
}

static const char *const rec_bools[] = {"false", "true", NULL};

static bool rec_attr_bool(rec_x *x, xmlNodePtr n, const char *name, bool dflt, bool *out)
{
    int v;
    bool ok = rec_attr_enum(x, n, name, false, rec_bools, dflt, &v);
    *out = v != 0;
    return ok;
}

/* Decimal digits only (no sign unless allow_sign, no exponent, no hex):
 * strtod would accept far more than the format allows. */
static bool rec_decimal_syntax(const char *s, bool allow_sign)
{
    if (allow_sign && (*s == '+' || *s == '-'))
        s++;
    if (*s < '0' || *s > '9')
        return false;
    while (*s >= '0' && *s <= '9')
        s++;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static bool rec_attr_int(rec_x *x, xmlNodePtr n, const char *name, bool required, long lo, long hi, long dflt,
                         long *out)
{
    *out = dflt;
    char expect[96];
    snprintf(expect, sizeof expect, _("a whole number from %ld to %ld"), lo, hi);
    const char *s = rec_attr(x, n, name, required, expect);
    if (!s)
        return false;
    char *end = NULL;
    long v = 0;
    bool ok = *s == '-' || (*s >= '0' && *s <= '9');
    if (ok) {
        v = strtol(s, &end, 10);
        ok = end && *end == '\0' && v >= lo && v <= hi && strlen(s) < 12;
    }
    if (!ok) {
        rec_file_error(x->L, rec_line(n), "<%s> %s=\"%s\" is not allowed (expected %s)", rec_nm(n), name, s, expect);
        return false;
    }
    *out = v;
    return true;
}

static bool rec_attr_decimal(rec_x *x, xmlNodePtr n, const char *name, bool required, bool allow_sign,
                             double dflt, double *out)
{
    *out = dflt;
    const char *expect = allow_sign ? _("a number such as +1, -0.5") : _("a number such as 95 or 0.5");
    const char *s = rec_attr(x, n, name, required, expect);
    if (!s)
        return false;
    if (!rec_decimal_syntax(s, allow_sign) || strlen(s) > 20) {
        rec_file_error(x->L, rec_line(n), "<%s> %s=\"%s\" is not allowed (expected %s)", rec_nm(n), name, s, expect);
        return false;
    }
    *out = strtod(s, NULL);
    return true;
}

/* An amount of yuan with at most 2 decimals, in fen. */
static bool rec_attr_money(rec_x *x, xmlNodePtr n, const char *name, int64_t *out)
{
    const char *s = rec_attr(x, n, name, true, "an amount in yuan such as 208800.00");
    *out = -1;
    if (!s)
        return false;
    int64_t yuan = 0, fen = 0;
    const char *p = s;
    int digits = 0, dec = 0;
    for (; *p >= '0' && *p <= '9' && digits < 13; p++, digits++)
        yuan = yuan * 10 + (*p - '0');
    if (digits && *p == '.') {
        for (p++; *p >= '0' && *p <= '9' && dec < 2; p++, dec++)
            fen = fen * 10 + (*p - '0');
        if (dec == 0)
            digits = 0;
        if (dec == 1)
            fen *= 10;
    }
    if (!digits || *p) {
        rec_file_error(x->L, rec_line(n), "<%s> %s=\"%s\" is not allowed (expected an amount in yuan such as "
                       "208800.00, at most 2 decimals)", rec_nm(n), name, s);
        return false;
    }
    *out = yuan * 100 + fen;
    return true;
}

/* Reports a child element this extractor does not know.  expect lists what
 * may appear there. */
static void rec_unexpected(rec_x *x, xmlNodePtr child, xmlNodePtr parent, const char *expect)
{
    rec_file_error(x->L, rec_line(child), "unexpected element <%s> in <%s> (expected %s)", rec_nm(child),
                   rec_nm(parent), _(expect));
}

/* Text directly inside an element that holds only elements. */
static bool rec_stray_text(rec_x *x, xmlNodePtr c, xmlNodePtr parent)
{
    if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
        return false;
    for (const xmlChar *p = c->content; p && *p; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            rec_file_error(x->L, rec_line(c), "text in <%s> (expected only elements there)", rec_nm(parent));
            break;
        }
    }
    return true;
}

/* A singleton child seen twice. */
static bool rec_once(rec_x *x, xmlNodePtr *slot, xmlNodePtr c, xmlNodePtr parent)
{
    if (*slot) {
        rec_file_error(x->L, rec_line(c), "second <%s> in <%s> (expected at most one; first at line %ld)",
                       rec_nm(c), rec_nm(parent), rec_line(*slot));
        return false;
    }
    *slot = c;
    return true;
}

static rec_src rec_at(rec_x *x, xmlNodePtr n)
{
    rec_src s = {rec_loader_file(x->L), rec_line(n)};
    return s;
}

static void rec_order(rec_x *x, xmlNodePtr later_node, const char *later, od_minute a, const char *earlier,
                      od_minute b)
{
    if (a == REC_NO_TIME || b == REC_NO_TIME || a >= b)
        return;
    char sa[17], sb[17];
    od_format_instant(a, sa);
    od_format_instant(b, sb);
    rec_file_error(x->L, rec_line(later_node), "%s %s is before %s %s (expected %s at or after %s)", later, sa,
                   earlier, sb, later, earlier);
}

/* The seconds of an instant attribute already read by rec_attr_instant
 * (0 when absent, written without seconds, or invalid: that was reported). */
static int8_t rec_attr_second(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    od_minute m;
    int sec = 0;
    if (!v || !od_parse_instant_s((const char *)v, &m, &sec))
        sec = 0;
    xmlFree(v);
    return (int8_t)sec;
}

/* rec_order within one minute, for instants that keep their seconds. */
static void rec_order_s(rec_x *x, xmlNodePtr later_node, const char *later, od_minute a, int as, const char *earlier,
                        od_minute b, int bs)
{
    if (a == REC_NO_TIME || b == REC_NO_TIME || a != b || as >= bs)
        return;
    char sa[20], sb[20];
    od_format_instant_s(a, as, sa);
    od_format_instant_s(b, bs, sb);
    rec_file_error(x->L, rec_line(later_node), "%s %s is before %s %s (expected %s at or after %s)", later, sa,
                   earlier, sb, later, earlier);
}

static void rec_date_order(rec_x *x, xmlNodePtr n, const char *later, od_date a, const char *earlier, od_date b)
{
    if (a == REC_NO_DATE || b == REC_NO_DATE || a >= b)
        return;
    char sa[11], sb[11];
    od_format_date(a, sa);
    od_format_date(b, sb);
    rec_file_error(x->L, rec_line(n), "%s %s is before %s %s (expected %s on or after %s)", later, sa, earlier,
                   sb, later, earlier);
}

#define REC_EACH_ELEMENT(c, parent) \
    for (xmlNodePtr c = (parent)->children; c; c = c->next) \
        if (rec_stray_text(x, c, parent) || c->type != XML_ELEMENT_NODE) continue; else

static const char *const rec_importances[] = {"important", "general", NULL};

/* ---- contract ---------------------------------------------------------- */

static void rec_party_of(rec_x *x, xmlNodePtr n, rec_party *p)
{
    p->name = rec_attr(x, n, "name", true, "the party's name");
    p->representative = rec_attr(x, n, "representative", false, NULL);
    p->phone = rec_attr(x, n, "phone", false, NULL);
}

static void rec_sla_defaults(rec_sla *s)
{
    s->response_minutes = 30;
    s->onsite_minutes = 60;
    s->resolve_hours = 8;
    s->feedback_minutes = 15;
    s->failure_rate_max_percent = 1;
    s->satisfaction_min_percent = 95;
    s->page_inspections_per_day = 1;
    s->server_inspections_per_week = 1;
}

static void rec_sla_of(rec_x *x, xmlNodePtr n, rec_sla *s)
{
    long v;
    s->src = rec_at(x, n);
    if (rec_attr_int(x, n, "response-minutes", false, 0, 100000, s->response_minutes, &v))
        s->response_minutes = (int)v;
    if (rec_attr_int(x, n, "onsite-minutes", false, 0, 100000, s->onsite_minutes, &v))
        s->onsite_minutes = (int)v;
    if (rec_attr_int(x, n, "resolve-hours", false, 0, 10000, s->resolve_hours, &v))
        s->resolve_hours = (int)v;
    if (rec_attr_int(x, n, "feedback-minutes", false, 0, 100000, s->feedback_minutes, &v))
        s->feedback_minutes = (int)v;
    if (rec_attr_int(x, n, "page-inspections-per-day", false, 0, 1000, s->page_inspections_per_day, &v))
        s->page_inspections_per_day = (int)v;
    if (rec_attr_int(x, n, "server-inspections-per-week", false, 0, 1000, s->server_inspections_per_week, &v))
        s->server_inspections_per_week = (int)v;
    double dv;
    if (rec_attr_decimal(x, n, "failure-rate-max-percent", false, false, s->failure_rate_max_percent, &dv))
        s->failure_rate_max_percent = dv;
    if (rec_attr_decimal(x, n, "satisfaction-min-percent", false, false, s->satisfaction_min_percent, &dv))
        s->satisfaction_min_percent = dv;
}

static void rec_system_of(rec_x *x, xmlNodePtr n)
{
    rec_contract *c = &x->r->contract;
    rec_system *s = REC_PUSH(x->L, c->systems);
    if (!s)
        return;
    size_t si = c->systems.n - 1;
    s->src = rec_at(x, n);
    s->id = rec_attr(x, n, "id", true, "a short system id such as vr");
    s->name = rec_attr(x, n, "name", true, "the system's name");
    int imp;
    rec_attr_enum(x, n, "importance", true, rec_importances, REC_GENERAL, &imp);
    s->importance = (rec_importance)imp;
    s->module_first = c->modules.n;
    REC_EACH_ELEMENT(m, n) {
        if (!rec_is(m, "module")) {
            rec_unexpected(x, m, n, "<module>");
            continue;
        }
        rec_module *mod = REC_PUSH(x->L, c->modules);
        if (!mod)
            return;
        mod->src = rec_at(x, m);
        mod->system = si;
        mod->id = rec_attr(x, m, "id", true, "a module id");
        mod->name = rec_attr(x, m, "name", false, NULL);
        for (size_t k = c->systems.v[si].module_first; mod->id && k + 1 < c->modules.n; k++)
            if (c->modules.v[k].id && strcmp(c->modules.v[k].id, mod->id) == 0)
                rec_file_error(x->L, mod->src.line, "duplicate module id \"%s\" (first at line %ld; expected "
                               "module ids unique within a system)", mod->id, c->modules.v[k].src.line);
    }
    c->systems.v[si].module_count = c->modules.n - c->systems.v[si].module_first;
}

static const char *const rec_work_words[] = {"inspection", "incident", "maintenance", "task", "emergency", NULL};

/* work="inspection task": a list of words of rec_work_words, each at most
 * once. */
static unsigned rec_work_of(rec_x *x, xmlNodePtr n)
{
    const char *s = rec_attr(x, n, "work", false, NULL);
    unsigned bits = 0;
    while (s && *s) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        size_t len = strcspn(s, " \t\n\r");
        if (!len)
            break;
        int i = 0;
        while (rec_work_words[i] && !(strlen(rec_work_words[i]) == len && strncmp(s, rec_work_words[i], len) == 0))
            i++;
        if (!rec_work_words[i])
            rec_file_error(x->L, rec_line(n), "<service> work= has \"%.*s\" (expected words of: inspection, "
                           "incident, maintenance, task, emergency)", (int)len, s);
        else if (bits & (1u << i))
            rec_file_error(x->L, rec_line(n), "<service> work= names \"%s\" twice (expected each word once)",
                           rec_work_words[i]);
        else
            bits |= 1u << i;
        s += len;
    }
    return bits;
}

static void rec_service_of(rec_x *x, xmlNodePtr n)
{
    rec_service *sv = REC_PUSH(x->L, x->r->contract.services);
    if (!sv)
        return;
    sv->src = rec_at(x, n);
    sv->name = rec_attr(x, n, "name", true, "the service item's name, such as 日常巡检");
    sv->system = rec_attr(x, n, "system", false, NULL);
    sv->system_index = REC_NO_INDEX;
    sv->work = rec_work_of(x, n);
    sv->text = rec_text(x, n);   /* the schema allows text only */
}

static void rec_contract_of(rec_x *x, xmlNodePtr root)
{
    rec_contract *c = &x->r->contract;
    if (c->src.file) {
        rec_file_error(x->L, rec_line(root), "a second contract (the first is at %s:%ld; expected exactly one "
                       "contract per data set)", c->src.file, c->src.line);
        return;
    }
    c->src = rec_at(x, root);
    c->version = rec_attr(x, root, "version", true, "version=\"1\"");
    if (c->version && strcmp(c->version, "1") != 0)
        rec_file_error(x->L, rec_line(root), "<contract> version=\"%s\" is not supported (expected 1)", c->version);
    c->id = rec_attr(x, root, "id", true, "the contract number");
    rec_sla_defaults(&c->sla);
    xmlNodePtr title = NULL, client = NULL, vendor = NULL, term = NULL, fee = NULL, sla = NULL, staff = NULL;
    REC_EACH_ELEMENT(n, root) {
        if (rec_is(n, "title")) {
            if (rec_once(x, &title, n, root))
                c->title = rec_text(x, n);
        } else if (rec_is(n, "client")) {
            if (rec_once(x, &client, n, root))
                rec_party_of(x, n, &c->client);
        } else if (rec_is(n, "vendor")) {
            if (rec_once(x, &vendor, n, root))
                rec_party_of(x, n, &c->vendor);
        } else if (rec_is(n, "term")) {
            if (!rec_once(x, &term, n, root))
                continue;
            /* The term defines the date bounds; its own dates are not bounded. */
            const char *s = rec_attr(x, n, "start", true, "a date YYYY-MM-DD");
            const char *e = rec_attr(x, n, "end", true, "a date YYYY-MM-DD");
            if (s && !od_parse_date(s, &c->term_start)) {
                rec_file_error(x->L, rec_line(n), "<term> start=\"%s\" is not a date (expected YYYY-MM-DD)", s);
                c->term_start = REC_NO_DATE;
            }
            if (e && !od_parse_date(e, &c->term_end)) {
                rec_file_error(x->L, rec_line(n), "<term> end=\"%s\" is not a date (expected YYYY-MM-DD)", e);
                c->term_end = REC_NO_DATE;
            }
            rec_date_order(x, n, "term end", c->term_end, "term start", c->term_start);
        } else if (rec_is(n, "fee")) {
            if (!rec_once(x, &fee, n, root))
                continue;
            rec_attr_money(x, n, "total", &c->fee_total_fen);
            double sum = 0;
            REC_EACH_ELEMENT(p, n) {
                if (!rec_is(p, "payment")) {
                    rec_unexpected(x, p, n, "<payment>");
                    continue;
                }
                rec_payment *pay = REC_PUSH(x->L, c->payments);
                if (!pay)
                    return;
                pay->src = rec_at(x, p);
                rec_attr_decimal(x, p, "percent", true, false, 0, &pay->percent);
                pay->when = rec_attr(x, p, "when", true, "signing, acceptance or another word");
                sum += pay->percent;
            }
            if (c->payments.n && fabs(sum - 100) > 1e-9)
                rec_file_error(x->L, rec_line(n), "payments add up to %g%% (expected 100%%)", sum);
        } else if (rec_is(n, "sla")) {
            if (rec_once(x, &sla, n, root))
                rec_sla_of(x, n, &c->sla);
        } else if (rec_is(n, "system")) {
            rec_system_of(x, n);
        } else if (rec_is(n, "service")) {
            rec_service_of(x, n);
        } else if (rec_is(n, "staff")) {
            if (!rec_once(x, &staff, n, root))
                continue;
            REC_EACH_ELEMENT(p, n) {
                if (!rec_is(p, "person")) {
                    rec_unexpected(x, p, n, "<person>");
                    continue;
                }
                rec_person *per = REC_PUSH(x->L, c->staff);
                if (!per)
                    return;
                per->src = rec_at(x, p);
                per->id = rec_attr(x, p, "id", true, "a staff id");
                per->name = rec_attr(x, p, "name", true, "the person's name");
                per->role = rec_attr(x, p, "role", false, NULL);
                rec_attr_bool(x, p, "onsite", false, &per->onsite);
            }
        } else {
            rec_unexpected(x, n, root, "title, client, vendor, term, fee, sla, system, service or staff");
        }
    }
    /* A service's system= is checked here, where every system is known
     * (they may come after the service). */
    for (size_t i = 0; i < c->services.n; i++) {
        rec_service *sv = &c->services.v[i];
        if (!sv->system)
            continue;
        for (size_t k = 0; k < c->systems.n && sv->system_index == REC_NO_INDEX; k++)
            if (c->systems.v[k].id && strcmp(c->systems.v[k].id, sv->system) == 0)
                sv->system_index = k;
        if (sv->system_index == REC_NO_INDEX && c->systems.n)
            rec_file_error(x->L, sv->src.line, "<service> system=\"%s\" names no system of the contract (expected "
                           "a system id such as \"%s\", or no system= for the whole contract)", sv->system,
                           c->systems.v[0].id ? c->systems.v[0].id : "");
    }
    if (!c->title)
        c->title = rec_dup(x, "");
    if (!term)
        rec_file_error(x->L, rec_line(root), "<contract> has no <term> (expected <term start=\"YYYY-MM-DD\" "
                       "end=\"YYYY-MM-DD\"/>)");
    if (!c->systems.n)
        rec_file_error(x->L, rec_line(root), "<contract> has no <system> (expected at least one)");
}

/* ---- inspections ------------------------------------------------------- */

static const char *const rec_insp_kinds[] = {"page", "server", NULL};
static const char *const rec_results[] = {"pass", "warn", "fail", NULL};
static const char *const rec_scopes[] = {"in", "out", NULL};

static void rec_finding_of(rec_x *x, xmlNodePtr n, size_t insp)
{
    rec_finding *f = REC_PUSH(x->L, x->r->findings);
    if (!f)
        return;
    f->src = rec_at(x, n);
    f->inspection = insp;
    f->incident_index = REC_NO_INDEX;
    f->id = rec_attr(x, n, "id", true, "a finding id");
    int scope;
    rec_attr_enum(x, n, "scope", true, rec_scopes, 0, &scope);
    f->in_scope = scope == 0;
    rec_attr_bool(x, n, "hazard", false, &f->hazard);
    rec_attr_instant(x, n, "found", true, &f->found);
    rec_attr_instant(x, n, "reported", false, &f->reported);
    rec_attr_instant(x, n, "resolved", false, &f->resolved);
    f->incident = rec_attr(x, n, "incident", false, NULL);
    f->text = rec_text(x, n);
    rec_order(x, n, "reported", f->reported, "found", f->found);
    rec_order(x, n, "resolved", f->resolved, "found", f->found);
}

static void rec_inspection_of(rec_x *x, xmlNodePtr n)
{
    rec_inspection *p = REC_PUSH(x->L, x->r->inspections);
    if (!p)
        return;
    size_t pi = x->r->inspections.n - 1;
    p->src = rec_at(x, n);
    p->system_index = p->inspector_index = p->reviewer_index = REC_NO_INDEX;
    p->id = rec_attr(x, n, "id", true, "an inspection id");
    int kind;
    rec_attr_enum(x, n, "kind", true, rec_insp_kinds, 0, &kind);
    p->kind = (rec_inspection_kind)kind;
    p->system = rec_attr(x, n, "system", true, "a system id of the contract");
    rec_attr_instant(x, n, "at", true, &p->at);
    p->inspector = rec_attr(x, n, "inspector", false, NULL);
    p->reviewer = rec_attr(x, n, "reviewer", false, NULL);
    p->check_first = x->r->checks.n;
    p->finding_first = x->r->findings.n;
    bool abnormal = false;
    REC_EACH_ELEMENT(c, n) {
        if (rec_is(c, "check")) {
            rec_check *k = REC_PUSH(x->L, x->r->checks);
            if (!k)
                return;
            k->src = rec_at(x, c);
            k->inspection = pi;
            k->name = rec_attr(x, c, "name", true, "the check's name");
            int res;
            rec_attr_enum(x, c, "result", true, rec_results, REC_PASS, &res);
            k->result = (rec_result)res;
            abnormal |= k->result == REC_FAIL;
            k->value = rec_attr(x, c, "value", false, NULL);
            k->note = rec_attr(x, c, "note", false, NULL);
        } else if (rec_is(c, "finding")) {
            rec_finding_of(x, c, pi);
        } else {
            rec_unexpected(x, c, n, "<check> or <finding>");
        }
    }
    p = &x->r->inspections.v[pi];
    p->abnormal = abnormal;
    p->check_count = x->r->checks.n - p->check_first;
    p->finding_count = x->r->findings.n - p->finding_first;
}

/* ---- incidents --------------------------------------------------------- */

static const char *const rec_inc_kinds[] = {"fault", "emergency", "request", "security", NULL};
static const char *const rec_causes[] = {"", "human", "equipment", "software", "third-party", "external", NULL};
static const char *const rec_impacts[] = {"", "serious", "major", NULL};

static void rec_incident_of(rec_x *x, xmlNodePtr n)
{
    rec_incident *in = REC_PUSH(x->L, x->r->incidents);
    if (!in)
        return;
    size_t ii = x->r->incidents.n - 1;
    in->src = rec_at(x, n);
    in->system_index = in->repeat_of_index = REC_NO_INDEX;
    in->responded = in->onsite = in->resolved = in->reported = REC_NO_TIME;
    in->report_submitted = REC_NO_DATE;
    in->id = rec_attr(x, n, "id", true, "an incident id");
    in->system = rec_attr(x, n, "system", true, "a system id of the contract");
    int v;
    rec_attr_enum(x, n, "kind", true, rec_inc_kinds, REC_INC_FAULT, &v);
    in->kind = (rec_incident_kind)v;
    long level;
    rec_attr_int(x, n, "level", false, 1, 4, 0, &level);
    in->level = (int)level;
    /* "" in the tables is index 0 = absent; it never matches a written value
     * the schema allows, but we refuse it explicitly. */
    const char *cause = rec_attr(x, n, "cause", false, NULL);
    if (cause && !*cause)
        rec_file_error(x->L, rec_line(n), "<incident> cause=\"\" is not allowed (expected one of human, equipment, "
                       "software, third-party, external)");
    else if (cause) {
        rec_attr_enum(x, n, "cause", false, rec_causes + 1, -1, &v);
        in->cause = (rec_cause)(v + 1);
    }
    rec_attr_bool(x, n, "onsite-required", false, &in->onsite_required);
    const char *impact = rec_attr(x, n, "impact", false, NULL);
    if (impact) {
        rec_attr_enum(x, n, "impact", false, rec_impacts + 1, -1, &v);
        in->impact = (rec_impact)(v + 1);
        if (in->impact != REC_IMPACT_NONE && in->cause != REC_CAUSE_HUMAN)
            rec_file_error(x->L, rec_line(n), "<incident> impact=\"%s\" is only for operator errors (expected "
                           "cause=\"human\")", impact);
    }
    in->has_deduction = rec_attr_decimal(x, n, "deduction", false, true, 0, &in->deduction);
    if (in->has_deduction) {
        double p = fabs(in->deduction);
        if (in->impact == REC_IMPACT_NONE)
            rec_file_error(x->L, rec_line(n), "<incident> deduction= without impact= (expected impact=\"serious\" "
                           "or \"major\")");
        else if (in->impact == REC_IMPACT_SERIOUS && (p < 20 || p > 30))
            rec_file_error(x->L, rec_line(n), "<incident> deduction=\"%g\" is outside the table's range for "
                           "impact=\"serious\" (expected 20 to 30)", in->deduction);
        else if (in->impact == REC_IMPACT_MAJOR && (p < 40 || p > 50))
            rec_file_error(x->L, rec_line(n), "<incident> deduction=\"%g\" is outside the table's range for "
                           "impact=\"major\" (expected 40 to 50)", in->deduction);
    }
    in->repeat_of = rec_attr(x, n, "repeat-of", false, NULL);
    rec_attr_bool(x, n, "data-loss", false, &in->data_loss);

    xmlNodePtr title = NULL, reported = NULL, responded = NULL, onsite = NULL, resolved = NULL;
    xmlNodePtr cause_text = NULL, action = NULL, suggestion = NULL, report = NULL;
    in->outage_first = x->r->outages.n;
    REC_EACH_ELEMENT(c, n) {
        in = &x->r->incidents.v[ii];
        if (rec_is(c, "title")) {
            if (rec_once(x, &title, c, n))
                in->title = rec_text(x, c);
        } else if (rec_is(c, "reported")) {
            if (!rec_once(x, &reported, c, n))
                continue;
            rec_attr_instant(x, c, "at", true, &in->reported);
            in->reported_sec = rec_attr_second(c, "at");
            in->reported_by = rec_attr(x, c, "by", false, NULL);
            in->channel = rec_attr(x, c, "channel", false, NULL);
        } else if (rec_is(c, "responded")) {
            if (!rec_once(x, &responded, c, n))
                continue;
            rec_attr_instant(x, c, "at", true, &in->responded);
            in->responded_sec = rec_attr_second(c, "at");
            in->responded_by = rec_attr(x, c, "by", false, NULL);
        } else if (rec_is(c, "onsite")) {
            if (rec_once(x, &onsite, c, n)) {
                rec_attr_instant(x, c, "at", true, &in->onsite);
                in->onsite_sec = rec_attr_second(c, "at");
            }
        } else if (rec_is(c, "resolved")) {
            if (rec_once(x, &resolved, c, n)) {
                rec_attr_instant(x, c, "at", true, &in->resolved);
                in->resolved_sec = rec_attr_second(c, "at");
            }
        } else if (rec_is(c, "outage")) {
            rec_outage *o = REC_PUSH(x->L, x->r->outages);
            if (!o)
                return;
            o->src = rec_at(x, c);
            o->incident = ii;
            o->system_index = o->module_index = REC_NO_INDEX;
            rec_attr_instant(x, c, "start", true, &o->start);
            rec_attr_instant(x, c, "end", true, &o->end);
            o->module = rec_attr(x, c, "module", false, NULL);
            rec_order(x, c, "outage end", o->end, "start", o->start);
        } else if (rec_is(c, "cause-text")) {
            if (rec_once(x, &cause_text, c, n))
                in->cause_text = rec_text(x, c);
        } else if (rec_is(c, "action")) {
            if (rec_once(x, &action, c, n))
                in->action = rec_text(x, c);
        } else if (rec_is(c, "suggestion")) {
            if (!rec_once(x, &suggestion, c, n))
                continue;
            in->suggestion = rec_text(x, c);
            rec_attr_bool(x, c, "adopted", false, &in->suggestion_adopted);
        } else if (rec_is(c, "report")) {
            if (rec_once(x, &report, c, n))
                rec_attr_date(x, c, "submitted", true, &in->report_submitted);
        } else {
            rec_unexpected(x, c, n, "title, reported, responded, onsite, resolved, outage, cause-text, action, "
                           "suggestion or report");
        }
    }
    in = &x->r->incidents.v[ii];
    in->outage_count = x->r->outages.n - in->outage_first;
    if (!in->title)
        in->title = rec_dup(x, "");
    if (!reported) {
        rec_file_error(x->L, rec_line(n), "incident %s has no <reported> (expected <reported at=\"...\"/>)",
                       in->id ? in->id : "?");
        return;
    }
    if (responded) {
        rec_order(x, responded, "responded", in->responded, "reported", in->reported);
        rec_order_s(x, responded, "responded", in->responded, in->responded_sec, "reported", in->reported,
                    in->reported_sec);
    }
    if (onsite)
        rec_order_s(x, onsite, "on site", in->onsite, in->onsite_sec, "reported", in->reported, in->reported_sec);
    if (resolved)
        rec_order_s(x, resolved, "resolved", in->resolved, in->resolved_sec, "reported", in->reported,
                    in->reported_sec);
    if (onsite)
        rec_order(x, onsite, "on site", in->onsite, "reported", in->reported);
    if (resolved)
        rec_order(x, resolved, "resolved", in->resolved, "reported", in->reported);
    if (report && resolved && in->resolved != REC_NO_TIME && in->report_submitted != REC_NO_DATE)
        rec_date_order(x, report, "report submitted", in->report_submitted, "the day resolved",
                       od_minute_day(in->resolved));
}

/* ---- maintenance ------------------------------------------------------- */

static void rec_window_of(rec_x *x, xmlNodePtr n)
{
    rec_window *w = REC_PUSH(x->L, x->r->windows);
    if (!w)
        return;
    w->src = rec_at(x, n);
    w->system_index = REC_NO_INDEX;
    w->system = rec_attr(x, n, "system", true, "a system id of the contract");
    rec_attr_instant(x, n, "start", true, &w->start);
    rec_attr_instant(x, n, "end", true, &w->end);
    w->approved_by = rec_attr(x, n, "approved-by", false, NULL);
    w->text = rec_text(x, n);
    rec_order(x, n, "window end", w->end, "start", w->start);
}

/* ---- deliverables ------------------------------------------------------ */

static const char *const rec_doc_kinds[] = {
    "weekly", "monthly", "quarterly", "half-year", "annual", "incident", "emergency-plan", "drill-plan",
    "drill-report", "guarantee-plan", "inspection-report", "asset-list", NULL,
};

/* "2026-W27", "2026-07", "2026-Q3", "2026-H2", "2026" -> first/last day. */
static bool rec_parse_period(const char *s, rec_period_kind *k, od_date *first, od_date *last)
{
    size_t n = strlen(s);
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (n < 4 || s[i] < '0' || s[i] > '9')
            return false;
        y = y * 10 + (s[i] - '0');
    }
    if (y < 1900)
        return false;
    if (n == 4) {
        *k = REC_PERIOD_YEAR;
        *first = od_date_from_ymd(y, 1, 1);
        *last = od_date_from_ymd(y, 12, 31);
        return true;
    }
    if (s[4] != '-')
        return false;
    const char *t = s + 5;
    bool two = n == 7 && t[0] >= '0' && t[0] <= '9' && t[1] >= '0' && t[1] <= '9';
    if (two) {
        int m = (t[0] - '0') * 10 + (t[1] - '0');
        if (m < 1 || m > 12)
            return false;
        *k = REC_PERIOD_MONTH;
        *first = od_date_from_ymd(y, m, 1);
        *last = od_date_from_ymd(y, m, od_days_in_month(y, m));
        return true;
    }
    if (n == 7 && t[0] == 'Q' && t[1] >= '1' && t[1] <= '4') {
        int q = t[1] - '0';
        *k = REC_PERIOD_QUARTER;
        *first = od_date_from_ymd(y, q * 3 - 2, 1);
        *last = od_date_from_ymd(y, q * 3, od_days_in_month(y, q * 3));
        return true;
    }
    if (n == 7 && t[0] == 'H' && (t[1] == '1' || t[1] == '2')) {
        *k = REC_PERIOD_HALF;
        *first = od_date_from_ymd(y, t[1] == '1' ? 1 : 7, 1);
        *last = t[1] == '1' ? od_date_from_ymd(y, 6, 30) : od_date_from_ymd(y, 12, 31);
        return true;
    }
    if (n == 8 && t[0] == 'W' && t[1] >= '0' && t[1] <= '9' && t[2] >= '0' && t[2] <= '9') {
        int w = (t[1] - '0') * 10 + (t[2] - '0');
        if (w < 1 || w > od_iso_weeks_in_year(y))
            return false;
        *k = REC_PERIOD_WEEK;
        *first = od_iso_week_monday(y, w);
        *last = *first + 6;
        return true;
    }
    return false;
}

static void rec_document_of(rec_x *x, xmlNodePtr n)
{
    rec_document *doc = REC_PUSH(x->L, x->r->documents);
    if (!doc)
        return;
    doc->src = rec_at(x, n);
    doc->ref_index = REC_NO_INDEX;
    doc->period_first = doc->period_last = REC_NO_DATE;
    doc->kind_name = rec_attr(x, n, "kind", true, "weekly, monthly, quarterly, half-year, annual, incident, ...");
    doc->kind = REC_DOC_OTHER;
    for (int i = 0; doc->kind_name && rec_doc_kinds[i]; i++)
        if (strcmp(doc->kind_name, rec_doc_kinds[i]) == 0)
            doc->kind = (rec_doc_kind)i;
    doc->period = rec_attr(x, n, "period", false, NULL);
    if (doc->period && !rec_parse_period(doc->period, &doc->period_kind, &doc->period_first, &doc->period_last)) {
        rec_file_error(x->L, rec_line(n), "<document> period=\"%s\" is not a period (expected 2026-W27, 2026-07, "
                       "2026-Q3, 2026-H2 or 2026)", doc->period);
    } else if (doc->kind <= REC_DOC_ANNUAL) {
        static const rec_period_kind want[] = {REC_PERIOD_WEEK, REC_PERIOD_MONTH, REC_PERIOD_QUARTER,
                                               REC_PERIOD_HALF, REC_PERIOD_YEAR};
        static const char *const example[] = {"2026-W27", "2026-07", "2026-Q3", "2026-H2", "2026"};
        if (doc->period_kind != want[doc->kind])
            rec_file_error(x->L, rec_line(n), "<document kind=\"%s\"> %s (expected period=\"%s\" or alike)",
                           doc->kind_name, doc->period ? "has a period of another length" : "has no period=",
                           example[doc->kind]);
    }
    if (doc->period_first != REC_NO_DATE)
        rec_note(x, n, "period", od_day_start(doc->period_first));
    doc->ref = rec_attr(x, n, "ref", false, NULL);
    if (doc->kind == REC_DOC_INCIDENT && !doc->ref)
        rec_file_error(x->L, rec_line(n), "<document kind=\"incident\"> has no ref= (expected the incident's id)");
    rec_attr_date(x, n, "submitted", true, &doc->submitted);
    long v;
    rec_attr_int(x, n, "missing-items", false, 0, 100000, 0, &v);
    doc->missing_items = (int)v;
    rec_attr_int(x, n, "typos", false, 0, 100000, 0, &v);
    doc->typos = (int)v;
    rec_attr_int(x, n, "inaccuracies", false, 0, 100000, 0, &v);
    doc->inaccuracies = (int)v;
    rec_attr_bool(x, n, "filed", true, &doc->filed);
}

/* ---- emergency --------------------------------------------------------- */

static void rec_emergency_child(rec_x *x, xmlNodePtr n, xmlNodePtr root)
{
    records *r = x->r;
    if (rec_is(n, "plan")) {
        rec_plan *p = REC_PUSH(x->L, r->plans);
        if (!p)
            return;
        p->src = rec_at(x, n);
        p->id = rec_attr(x, n, "id", true, "a plan id");
        rec_attr_date(x, n, "approved", false, &p->approved);
        p->title = rec_text(x, n);
    } else if (rec_is(n, "drill-plan")) {
        rec_drill_plan *p = REC_PUSH(x->L, r->drill_plans);
        if (!p)
            return;
        p->src = rec_at(x, n);
        p->id = rec_attr(x, n, "id", true, "a drill plan id");
        rec_attr_date(x, n, "submitted", false, &p->submitted);
    } else if (rec_is(n, "drill")) {
        rec_drill *d = REC_PUSH(x->L, r->drills);
        if (!d)
            return;
        d->src = rec_at(x, n);
        d->plan_index = REC_NO_INDEX;
        d->id = rec_attr(x, n, "id", true, "a drill id");
        d->plan = rec_attr(x, n, "plan", false, NULL);
        rec_attr_date(x, n, "scheduled", false, &d->scheduled);
        rec_attr_date(x, n, "held", false, &d->held);
        rec_attr_date(x, n, "report-submitted", false, &d->report_submitted);
        rec_date_order(x, n, "report-submitted", d->report_submitted, "held", d->held);
        d->title = rec_text(x, n);
    } else if (rec_is(n, "guarantee")) {
        rec_guarantee *g = REC_PUSH(x->L, r->guarantees);
        if (!g)
            return;
        g->src = rec_at(x, n);
        g->id = rec_attr(x, n, "id", true, "a guarantee id");
        rec_attr_instant(x, n, "start", true, &g->start);
        rec_attr_instant(x, n, "end", true, &g->end);
        int imp;
        rec_attr_enum(x, n, "importance", true, rec_importances, REC_GENERAL, &imp);
        g->importance = (rec_importance)imp;
        rec_attr_date(x, n, "plan-submitted", false, &g->plan_submitted);
        g->title = rec_text(x, n);
        rec_order(x, n, "guarantee end", g->end, "start", g->start);
    } else {
        rec_unexpected(x, n, root, "plan, drill-plan, drill or guarantee");
    }
}

/* ---- feedback ---------------------------------------------------------- */

static const char *const rec_survey_kinds[] = {"overall", "daily", NULL};
static const char *const rec_ratings[] = {"very-satisfied", "satisfied", "basic", "unsatisfied", NULL};

static void rec_feedback_child(rec_x *x, xmlNodePtr n, xmlNodePtr root)
{
    if (rec_is(n, "survey")) {
        rec_survey *s = REC_PUSH(x->L, x->r->surveys);
        if (!s)
            return;
        s->src = rec_at(x, n);
        rec_attr_date(x, n, "date", true, &s->date);
        int v;
        rec_attr_enum(x, n, "kind", true, rec_survey_kinds, REC_SURVEY_DAILY, &v);
        s->kind = (rec_survey_kind)v;
        s->respondent = rec_attr(x, n, "respondent", false, NULL);
        rec_attr_enum(x, n, "rating", true, rec_ratings, REC_BASIC, &v);
        s->rating = (rec_rating)v;
    } else if (rec_is(n, "complaint") || rec_is(n, "praise")) {
        rec_remark *m = rec_is(n, "praise") ? REC_PUSH(x->L, x->r->praise) : REC_PUSH(x->L, x->r->complaints);
        if (!m)
            return;
        m->src = rec_at(x, n);
        rec_attr_date(x, n, "date", true, &m->date);
        int v;
        rec_attr_enum(x, n, "from", true, rec_importances, REC_GENERAL, &v);
        m->from = (rec_importance)v;
        m->text = rec_text(x, n);
    } else {
        rec_unexpected(x, n, root, "survey, complaint or praise");
    }
}

/* ---- assets ------------------------------------------------------------ */

static void rec_assets_child(rec_x *x, xmlNodePtr n, xmlNodePtr root)
{
    records *r = x->r;
    if (rec_is(n, "asset")) {
        rec_asset *a = REC_PUSH(x->L, r->assets);
        if (!a)
            return;
        a->src = rec_at(x, n);
        a->id = rec_attr(x, n, "id", true, "an asset id");
        a->kind = rec_attr(x, n, "kind", false, NULL);
        a->name = rec_attr(x, n, "name", false, NULL);
    } else if (rec_is(n, "change")) {
        rec_asset_change *c = REC_PUSH(x->L, r->asset_changes);
        if (!c)
            return;
        c->src = rec_at(x, n);
        c->asset_index = REC_NO_INDEX;
        c->asset = rec_attr(x, n, "asset", true, "an asset id");
        rec_attr_date(x, n, "confirmed", true, &c->confirmed);
        rec_attr_date(x, n, "recorded", true, &c->recorded);
        c->text = rec_text(x, n);
    } else if (rec_is(n, "inventory")) {
        rec_inventory *inv = REC_PUSH(x->L, r->inventories);
        if (!inv)
            return;
        inv->src = rec_at(x, n);
        rec_attr_date(x, n, "date", true, &inv->date);
        rec_attr_bool(x, n, "completed", true, &inv->completed);
    } else if (rec_is(n, "loss")) {
        rec_loss *l = REC_PUSH(x->L, r->losses);
        if (!l)
            return;
        l->src = rec_at(x, n);
        l->asset_index = REC_NO_INDEX;
        l->asset = rec_attr(x, n, "asset", true, "an asset id");
        rec_attr_date(x, n, "date", true, &l->date);
        rec_attr_bool(x, n, "human", false, &l->human);
    } else {
        rec_unexpected(x, n, root, "asset, change, inventory or loss");
    }
}

/* ---- tasks, staffing, adjustments -------------------------------------- */

static void rec_task_of(rec_x *x, xmlNodePtr n)
{
    rec_task *t = REC_PUSH(x->L, x->r->tasks);
    if (!t)
        return;
    t->src = rec_at(x, n);
    t->id = rec_attr(x, n, "id", true, "a task id");
    rec_attr_instant(x, n, "assigned", true, &t->assigned);
    rec_attr_date(x, n, "due", true, &t->due);
    rec_attr_date(x, n, "done", false, &t->done);
    rec_attr_instant(x, n, "feedback", false, &t->feedback);
    t->by = rec_attr(x, n, "by", false, NULL);
    t->text = rec_text(x, n);
    if (t->assigned != REC_NO_TIME)
        rec_date_order(x, n, "due", t->due, "the day assigned", od_minute_day(t->assigned));
}

static void rec_staffing_child(rec_x *x, xmlNodePtr n, xmlNodePtr root)
{
    if (rec_is(n, "change")) {
        rec_staff_change *c = REC_PUSH(x->L, x->r->staff_changes);
        if (!c)
            return;
        c->src = rec_at(x, n);
        c->person_index = REC_NO_INDEX;
        c->person = rec_attr(x, n, "person", true, "a staff id or a name");
        rec_attr_date(x, n, "date", true, &c->date);
        rec_attr_date(x, n, "notified", false, &c->notified);
    } else if (rec_is(n, "vacancy")) {
        rec_vacancy *v = REC_PUSH(x->L, x->r->vacancies);
        if (!v)
            return;
        v->src = rec_at(x, n);
        v->role = rec_attr(x, n, "role", true, "the vacant role");
        rec_attr_date(x, n, "start", true, &v->start);
        rec_attr_date(x, n, "end", true, &v->end);
        rec_date_order(x, n, "vacancy end", v->end, "start", v->start);
    } else {
        rec_unexpected(x, n, root, "change or vacancy");
    }
}

static void rec_adjustment_of(rec_x *x, xmlNodePtr n)
{
    rec_adjustment *a = REC_PUSH(x->L, x->r->adjustments);
    if (!a)
        return;
    a->src = rec_at(x, n);
    a->rule = rec_attr(x, n, "rule", true, "the rule id the points belong to");
    rec_attr_date(x, n, "date", true, &a->date);
    rec_attr_decimal(x, n, "points", true, true, 0, &a->points);
    a->by = rec_attr(x, n, "by", false, NULL);
    a->reason = rec_text(x, n);
}

/* ---- dispatch ---------------------------------------------------------- */

void rec_extract(rec_loader *L, rec_kind k, xmlNodePtr root)
{
    rec_x xs = {.L = L, .r = rec_loader_records(L)};
    rec_x *x = &xs;
    x->mem = &x->r->mem;
    if (k == REC_KIND_CONTRACT) {
        rec_contract_of(x, root);
        return;
    }
    REC_EACH_ELEMENT(n, root) {
        switch (k) {
        case REC_KIND_INSPECTIONS:
            if (rec_is(n, "inspection"))
                rec_inspection_of(x, n);
            else
                rec_unexpected(x, n, root, "<inspection>");
            break;
        case REC_KIND_INCIDENTS:
            if (rec_is(n, "incident"))
                rec_incident_of(x, n);
            else
                rec_unexpected(x, n, root, "<incident>");
            break;
        case REC_KIND_MAINTENANCE:
            if (rec_is(n, "window"))
                rec_window_of(x, n);
            else
                rec_unexpected(x, n, root, "<window>");
            break;
        case REC_KIND_DELIVERABLES:
            if (rec_is(n, "document"))
                rec_document_of(x, n);
            else
                rec_unexpected(x, n, root, "<document>");
            break;
        case REC_KIND_EMERGENCY:
            rec_emergency_child(x, n, root);
            break;
        case REC_KIND_FEEDBACK:
            rec_feedback_child(x, n, root);
            break;
        case REC_KIND_ASSETS:
            rec_assets_child(x, n, root);
            break;
        case REC_KIND_TASKS:
            if (rec_is(n, "task"))
                rec_task_of(x, n);
            else
                rec_unexpected(x, n, root, "<task>");
            break;
        case REC_KIND_STAFFING:
            rec_staffing_child(x, n, root);
            break;
        case REC_KIND_ADJUSTMENTS:
            if (rec_is(n, "adjustment"))
                rec_adjustment_of(x, n);
            else
                rec_unexpected(x, n, root, "<adjustment>");
            break;
        default:
            return;
        }
    }
}
