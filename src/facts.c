/* facts: computing the figures (see facts.h).  Output is in facts_xml.c,
 * the KPI rule kinds in facts_kpi.c. */
#include "facts.h"
#include "facts_internal.h"

#include "alloc.h"
#include "i18n.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ------------------------------------------------------- */

bool fx_grow(fx *c, void *items, size_t *n, size_t *cap, size_t size)
{
    if (c->nomem)
        return false;
    if (or_grow(items, cap, *n + 1, size) != 0) {
        c->nomem = true;
        return false;
    }
    memset((char *)*(void **)items + *n * size, 0, size);
    (*n)++;
    return true;
}

const char *fx_vstrf(fx *c, const char *fmt, va_list ap)
{
    /* Sized to fit: a fixed buffer cut record text (titles, causes) in
     * the middle of a UTF-8 sequence, and render then failed to read the
     * facts back. */
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = n >= 0 ? arena_alloc(&c->f->mem, (size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!s)
        c->nomem = true;
    return s ? s : "";
}

const char *fx_strf(fx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = fx_vstrf(c, fmt, ap);
    va_end(ap);
    return s;
}

void fx_note(fx *c, const char *text)
{
    facts *f = c->f;
    for (size_t i = 0; i < f->n_notes; i++)
        if (strcmp(f->notes[i], text) == 0)
            return;
    if (fx_grow(c, &f->notes, &f->n_notes, &f->cap_notes, sizeof *f->notes))
        f->notes[f->n_notes - 1] = text;
}

void fx_warn(fx *c, const char *text, const char *shown)
{
    facts *f = c->f;
    for (size_t i = 0; i < f->n_warnings; i++)
        if (strcmp(f->warnings[i], text) == 0)
            return;
    if (c->nomem)
        return;
    if (or_grow(&f->warnings_shown, &f->cap_warnings_shown, f->n_warnings + 1, sizeof *f->warnings_shown) != 0) {
        c->nomem = true;
        return;
    }
    if (fx_grow(c, &f->warnings, &f->n_warnings, &f->cap_warnings, sizeof *f->warnings)) {
        f->warnings[f->n_warnings - 1] = text;
        f->warnings_shown[f->n_warnings - 1] = shown;
    }
}

/* Remembers the unknown years a fallback due date looked at, for one
 * warning per year. */
void fx_fallback_years(fx *c, od_date first, od_date last)
{
    int y0, y1, m, d;
    if (first > last)
        return;
    od_date_to_ymd(first, &y0, &m, &d);
    od_date_to_ymd(last, &y1, &m, &d);
    for (int y = y0; y <= y1; y++) {
        if (calendar_year_known(c->cal, y))
            continue;
        /* English in the facts (their bytes do not depend on the locale),
         * the user's language on standard error. */
#define FX_FALLBACK N_("calendar-fallback %d: the holiday data has no %d, so working days of %d are taken as " \
                       "Monday to Friday; every due date and lateness marked calendar-fallback depends on it " \
                       "(add a <calendar> file marking %d complete)")
        fx_warn(c, fx_strf(c, FX_FALLBACK, y, y, y, y), fx_strf(c, _(FX_FALLBACK), y, y, y, y));
#undef FX_FALLBACK
    }
}

void facts_format_percent(int64_t num, int64_t den, char out[32])
{
    if (den <= 0) {
        snprintf(out, 32, "0.000");
        return;
    }
    /* percent × 1000, half up: (num × 100000 × 2 + den) / (2 × den). */
    int64_t v = (num * 200000 + den) / (2 * den);
    snprintf(out, 32, "%lld.%03lld", (long long)(v / 1000), (long long)(v % 1000));
}

void facts_format_fen(int64_t fen, char out[32])
{
    const char *sign = fen < 0 ? "-" : "";
    int64_t a = fen < 0 ? -fen : fen;
    snprintf(out, 32, "%s%lld.%02lld", sign, (long long)(a / 100), (long long)(a % 100));
}

/* ---- intervals ----------------------------------------------------------- */

static int fx_iv_cmp(const void *a, const void *b)
{
    const fx_iv *x = a, *y = b;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return x->b < y->b ? -1 : x->b > y->b;
}

/* Sorts and merges v in place; returns the count of disjoint intervals. */
static size_t fx_union(fx_iv *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, fx_iv_cmp);
    size_t o = 0;
    for (size_t i = 1; i < n; i++) {
        if (v[i].a <= v[o].b) {
            if (v[i].b > v[o].b)
                v[o].b = v[i].b;
        } else {
            v[++o] = v[i];
        }
    }
    return o + 1;
}

static int64_t fx_len(const fx_iv *v, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i].b - v[i].a;
    return s;
}

/* Length of the intersection of two unions (each sorted and disjoint). */
static int64_t fx_overlap(const fx_iv *x, size_t nx, const fx_iv *y, size_t ny)
{
    int64_t s = 0;
    size_t i = 0, j = 0;
    while (i < nx && j < ny) {
        od_minute a = x[i].a > y[j].a ? x[i].a : y[j].a;
        od_minute b = x[i].b < y[j].b ? x[i].b : y[j].b;
        if (b > a)
            s += b - a;
        if (x[i].b < y[j].b)
            i++;
        else
            j++;
    }
    return s;
}

/* Maintenance and counted downtime of system `sys` in [t0, t1): the union
 * of its planned windows, and the union of its outages (cause external left
 * out) minus that maintenance.  Outages of every incident kind count. */
void fx_avail(fx *c, size_t sys, od_minute t0, od_minute t1, int64_t *maint, int64_t *down)
{
    const records *r = c->r;
    *maint = *down = 0;
    if (t1 <= t0 || c->nomem)
        return;
    fx_iv *m = or_malloc((r->windows.n + 1) * sizeof *m);
    fx_iv *o = or_malloc((r->outages.n + 1) * sizeof *o);
    if (!m || !o) {
        or_free(m);
        or_free(o);
        c->nomem = true;
        return;
    }
    size_t nm = 0, no = 0;
    for (size_t i = 0; i < r->windows.n; i++) {
        const rec_window *w = &r->windows.v[i];
        od_minute a = w->start > t0 ? w->start : t0, b = w->end < t1 ? w->end : t1;
        if (w->system_index == sys && b > a)
            m[nm++] = (fx_iv){a, b};
    }
    for (size_t i = 0; i < r->outages.n; i++) {
        const rec_outage *x = &r->outages.v[i];
        if (x->system_index != sys || r->incidents.v[x->incident].cause == REC_CAUSE_EXTERNAL)
            continue;
        od_minute a = x->start > t0 ? x->start : t0, b = x->end < t1 ? x->end : t1;
        if (b > a)
            o[no++] = (fx_iv){a, b};
    }
    nm = fx_union(m, nm);
    no = fx_union(o, no);
    *maint = fx_len(m, nm);
    *down = fx_len(o, no) - fx_overlap(o, no, m, nm);
    or_free(m);
    or_free(o);
}

/* Availability, inspections and probes of one system over days
 * [first, last].  With `cite` set, every missed inspection is cited there
 * with `each` points. */
void fx_system(fx *c, size_t sys, od_date first, od_date last, facts_system *s, facts_rule *cite, int64_t each)
{
    const records *r = c->r;
    const rec_system *rs = &r->contract.systems.v[sys];
    memset(s, 0, sizeof *s);
    s->system = sys;
    s->id = rs->id;
    s->name = rs->name;
    s->importance = rs->importance;
    od_minute t0 = od_day_start(first), t1 = od_day_start(last + 1);
    s->period_minutes = t1 - t0;
    fx_avail(c, sys, t0, t1, &s->maintenance_minutes, &s->down_minutes);
    s->total_minutes = s->period_minutes - s->maintenance_minutes;

    /* Page inspections per day of [first, last]; server inspections per ISO
     * week touching it, done by an inspection anywhere in that week. */
    od_date wfirst = first - (od_weekday(first) - 1), wlast = last + (7 - od_weekday(last));
    size_t ndays = (size_t)(last - first + 1), nweeks = (size_t)(wlast - wfirst + 1) / 7;
    unsigned char *day = or_calloc(ndays, 1), *week = or_calloc(nweeks, 1);
    if (!day || !week) {
        or_free(day);
        or_free(week);
        c->nomem = true;
        return;
    }
    for (size_t i = 0; i < r->inspections.n; i++) {
        const rec_inspection *in = &r->inspections.v[i];
        if (in->system_index != sys)
            continue;
        od_date dd = od_minute_day(in->at);
        if (in->kind == REC_INSP_PAGE && dd >= first && dd <= last)
            day[dd - first] = 1;
        else if (in->kind == REC_INSP_SERVER && dd >= wfirst && dd <= wlast)
            week[(dd - wfirst) / 7] = 1;
    }
    s->page_required = (int)ndays;
    s->server_required = (int)nweeks;
    for (size_t i = 0; i < ndays; i++) {
        s->page_done += day[i];
        if (!day[i] && cite) {
            char ds[11];
            od_format_date(first + (od_date)i, ds);
            fx_cite(c, cite, "page-missed", fx_strf(c, "%s %s", rs->id, ds), NULL, each, false,
                    "no page inspection of %s on %s", rs->id, ds);
        }
    }
    for (size_t i = 0; i < nweeks; i++) {
        s->server_done += week[i];
        if (!week[i] && cite) {
            int y, w;
            od_iso_week(wfirst + (od_date)(7 * i), &y, &w);
            fx_cite(c, cite, "server-missed", fx_strf(c, "%s %d-W%02d", rs->id, y, w), NULL, each, false,
                    "no server inspection of %s in ISO week %d-W%02d", rs->id, y, w);
        }
    }
    or_free(day);
    or_free(week);

    for (size_t i = 0; i < r->probes.n; i++) {
        const rec_probe_series *ps = &r->probes.v[i];
        if (ps->system_index != sys)
            continue;
        for (od_date dd = first; dd <= last; dd++) {
            if (dd < ps->first_day || (size_t)(dd - ps->first_day) >= ps->n_days)
                continue;
            s->probe_total += ps->total[dd - ps->first_day];
            s->probe_ok += ps->ok[dd - ps->first_day];
        }
    }
}

/* ---- incidents ----------------------------------------------------------- */

/* SLA figures of incident i; `end` is the first minute after the period. */
void fx_incident(fx *c, size_t i, od_minute end, facts_incident *o)
{
    const rec_incident *in = &c->r->incidents.v[i];
    const rec_sla *sla = &c->r->contract.sla;
    memset(o, 0, sizeof *o);
    o->index = i;
    int64_t from = in->reported * 60 + in->reported_sec;
    o->response_s = in->responded != REC_NO_TIME ? in->responded * 60 + in->responded_sec - from : -1;
    o->onsite_s = in->onsite_required && in->onsite != REC_NO_TIME ? in->onsite * 60 + in->onsite_sec - from : -1;
    o->resolution_s = in->resolved != REC_NO_TIME ? in->resolved * 60 + in->resolved_sec - from : -1;
    o->response = o->response_s >= 0 ? (o->response_s + 59) / 60 : -1;
    o->onsite = o->onsite_s >= 0 ? (o->onsite_s + 59) / 60 : -1;
    o->resolution = o->resolution_s >= 0 ? (o->resolution_s + 59) / 60 : -1;
    o->response_ok = o->response_s >= 0 && o->response_s <= (int64_t)sla->response_minutes * 60;
    o->has_onsite_ok = in->onsite_required;
    o->onsite_ok = o->onsite_s >= 0 && o->onsite_s <= (int64_t)sla->onsite_minutes * 60;
    if (o->resolution < 0)
        o->resolution_ok = false;
    else if (in->cause == REC_CAUSE_THIRD_PARTY && in->kind != REC_INC_EMERGENCY)
        o->resolution_ok = true;   /* third-party work is outside the limit; emergencies have no exception */
    else
        o->resolution_ok = o->resolution_s <= (int64_t)sla->resolve_hours * 3600;
    o->open_at_end = in->resolved == REC_NO_TIME || in->resolved >= end;
}

/* ---- documents ----------------------------------------------------------- */

static od_date fx_unit_due(fx *c, const od_period *u, bool *fallback)
{
    int y, m, d;
    od_date due;
    od_date_to_ymd(u->nominal_first, &y, &m, &d);
    switch (u->kind) {
    case PERIOD_WEEK:
        due = calendar_due_weekly(c->cal, u->year, u->index);
        break;
    case PERIOD_MONTH:
        due = calendar_due_monthly(c->cal, y, m);
        break;
    case PERIOD_QUARTER:
        due = calendar_due_quarter(c->cal, y, u->index);
        break;
    default:
        due = calendar_due_half(c->cal, y, u->index);
        break;
    }
    *fallback = calendar_range_uses_fallback(c->cal, u->nominal_last + 1, due);
    return due;
}

static rec_period_kind fx_rec_kind(od_period_kind k)
{
    switch (k) {
    case PERIOD_WEEK: return REC_PERIOD_WEEK;
    case PERIOD_MONTH: return REC_PERIOD_MONTH;
    case PERIOD_QUARTER: return REC_PERIOD_QUARTER;
    default: return REC_PERIOD_HALF;
    }
}

/* The due date by which a deliverable's review findings are assessed: its
 * unit's due date (periodic kinds), its incident's report due date, else
 * the day it was submitted.  REC_NO_DATE when it has none. */
od_date fx_deliverable_date(fx *c, const rec_document *doc, bool *fallback)
{
    *fallback = false;
    if (doc->period && doc->period_kind != REC_PERIOD_NONE && doc->period_kind != REC_PERIOD_YEAR
        && (doc->kind == REC_DOC_WEEKLY || doc->kind == REC_DOC_MONTHLY || doc->kind == REC_DOC_QUARTERLY
            || doc->kind == REC_DOC_HALF_YEAR)) {
        od_period u;
        od_period_kind k = doc->period_kind == REC_PERIOD_WEEK      ? PERIOD_WEEK
                           : doc->period_kind == REC_PERIOD_MONTH   ? PERIOD_MONTH
                           : doc->period_kind == REC_PERIOD_QUARTER ? PERIOD_QUARTER
                                                                    : PERIOD_HALF;
        if (period_containing(k, doc->period_first, &u))
            return fx_unit_due(c, &u, fallback);
    }
    if (doc->kind == REC_DOC_INCIDENT && doc->ref_index != REC_NO_INDEX) {
        const rec_incident *in = &c->r->incidents.v[doc->ref_index];
        if (in->resolved != REC_NO_TIME) {
            od_date rd = od_minute_day(in->resolved);
            od_date due = calendar_due_incident(c->cal, rd);
            *fallback = calendar_range_uses_fallback(c->cal, rd + 1, due);
            return due;
        }
    }
    return doc->submitted;
}

static bool fx_doc_matches(const rec_document *doc, rec_doc_kind kind, const od_period *u)
{
    return doc->kind == kind && doc->period && doc->period_kind == fx_rec_kind(u->kind)
           && doc->period_first == u->nominal_first;
}

/* Adds the expected document of unit u (kind k) to c->all. */
static void fx_expect_unit(fx *c, rec_doc_kind kind, const od_period *u)
{
    if (!fx_grow(c, &c->all, &c->n_all, &c->cap_all, sizeof *c->all))
        return;
    facts_document *e = &c->all[c->n_all - 1];
    e->kind = kind;
    e->unit = *u;
    e->incident = REC_NO_INDEX;
    e->deliverable = REC_NO_INDEX;
    e->submitted = REC_NO_DATE;
    e->due = fx_unit_due(c, u, &e->fallback);
    const records *r = c->r;
    for (size_t i = 0; i < r->documents.n; i++) {
        const rec_document *doc = &r->documents.v[i];
        if (fx_doc_matches(doc, kind, u) && (e->submitted == REC_NO_DATE || doc->submitted < e->submitted)) {
            e->submitted = doc->submitted;
            e->deliverable = i;
        }
    }
}

static int fx_doc_cmp(const void *a, const void *b)
{
    const facts_document *x = a, *y = b;
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->unit.nominal_first != y->unit.nominal_first)
        return x->unit.nominal_first < y->unit.nominal_first ? -1 : 1;
    return x->incident < y->incident ? -1 : x->incident > y->incident;
}

/* Every document the term expects: a weekly, monthly, quarterly and
 * half-year report for each unit overlapping the term, and an incident
 * report for each resolved incident; sorted by due date. */
static void fx_expect_all(fx *c)
{
    const rec_contract *k = &c->r->contract;
    od_period term = {.first = k->term_start, .last = k->term_end, .nominal_first = k->term_start,
                      .nominal_last = k->term_end, .kind = PERIOD_TERM};
    static const struct { od_period_kind pk; rec_doc_kind dk; } units[] = {
        {PERIOD_WEEK, REC_DOC_WEEKLY}, {PERIOD_MONTH, REC_DOC_MONTHLY},
        {PERIOD_QUARTER, REC_DOC_QUARTERLY}, {PERIOD_HALF, REC_DOC_HALF_YEAR}};
    for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
        period_iter it;
        od_period u;
        for (period_iter_init(&it, &term, units[i].pk); period_iter_next(&it, &u);)
            fx_expect_unit(c, units[i].dk, &u);
    }
    const records *r = c->r;
    for (size_t i = 0; i < r->incidents.n; i++) {
        const rec_incident *in = &r->incidents.v[i];
        if (in->resolved == REC_NO_TIME)
            continue;
        if (!fx_grow(c, &c->all, &c->n_all, &c->cap_all, sizeof *c->all))
            return;
        facts_document *e = &c->all[c->n_all - 1];
        e->kind = REC_DOC_INCIDENT;
        e->incident = i;
        e->deliverable = REC_NO_INDEX;
        od_date rd = od_minute_day(in->resolved);
        e->due = calendar_due_incident(c->cal, rd);
        e->fallback = calendar_range_uses_fallback(c->cal, rd + 1, e->due);
        /* The report's date: the earlier of the deliverable and the
         * incident's own <report submitted>. */
        e->submitted = in->report_submitted;
        for (size_t j = 0; j < r->documents.n; j++) {
            const rec_document *doc = &r->documents.v[j];
            if (doc->kind == REC_DOC_INCIDENT && doc->ref_index == i
                && (e->submitted == REC_NO_DATE || doc->submitted < e->submitted
                    || (doc->submitted == e->submitted && e->deliverable == REC_NO_INDEX))) {
                e->submitted = doc->submitted;
                e->deliverable = j;
            }
        }
    }
    if (c->n_all)
        qsort(c->all, c->n_all, sizeof *c->all, fx_doc_cmp);
}

/* Warns about the unknown years behind a document's fallback due date. */
void fx_doc_warn(fx *c, const facts_document *e)
{
    if (!e->fallback)
        return;
    od_date from = e->kind == REC_DOC_INCIDENT ? od_minute_day(c->r->incidents.v[e->incident].resolved) + 1
                                               : e->unit.nominal_last + 1;
    fx_fallback_years(c, from, e->due);
}

/* Lateness as of period end `last`: submitted after the due date, or not
 * submitted while the due date lies before `last`. */
bool fx_doc_late(const facts_document *e, od_date last)
{
    if (e->submitted != REC_NO_DATE)
        return e->submitted > e->due;
    return e->due < last;
}

/* ---- acceptance ---------------------------------------------------------- */

static void fx_indicator(fx *c, const char *id, const char *label, const char *system, const char *required,
                         const char *measured, bool pass, bool fallback)
{
    facts *f = c->f;
    if (!fx_grow(c, &f->indicators, &f->n_indicators, &f->cap_indicators, sizeof *f->indicators))
        return;
    facts_indicator *x = &f->indicators[f->n_indicators - 1];
    *x = (facts_indicator){id, label, system, required, measured, pass, fallback};
    if (!pass)
        f->acceptance_pass = false;
}

/* Reports of one kind due by `last`: how many were delivered by then. */
static void fx_reports_indicator(fx *c, rec_doc_kind kind, const char *id, const char *label)
{
    int due = 0, delivered = 0;
    bool fallback = false;
    for (size_t i = 0; i < c->n_all; i++) {
        const facts_document *e = &c->all[i];
        if (e->kind != kind || e->due > c->f->acceptance_last)
            continue;
        due++;
        delivered += e->submitted != REC_NO_DATE && e->submitted <= c->f->acceptance_last;
        fallback |= e->fallback;
        fx_doc_warn(c, e);
    }
    fx_indicator(c, id, label, NULL, "每期按时提交", due ? fx_strf(c, "%d/%d", delivered, due) : NULL,
                 delivered == due, fallback);
}

/* §七.2 acceptance indicators over [term start, period's last day]. */
static void fx_acceptance(fx *c)
{
    facts *f = c->f;
    const records *r = c->r;
    const rec_sla *sla = &r->contract.sla;
    f->acceptance_first = r->contract.term_start;
    f->acceptance_last = f->period.last;
    f->acceptance_pass = true;
    od_minute t0 = od_day_start(f->acceptance_first), t1 = od_day_start(f->acceptance_last + 1);
    int64_t max_fail = llround_milli(sla->failure_rate_max_percent);
    for (size_t s = 0; s < r->contract.systems.n && !c->nomem; s++) {
        facts_system fs;
        fx_system(c, s, f->acceptance_first, f->acceptance_last, &fs, NULL, 0);
        const char *id = fs.id;
        fx_indicator(c, "page-inspections", "页面业务可用性巡检", id,
                     fx_strf(c, "每天不少于%d次", sla->page_inspections_per_day),
                     fx_strf(c, "%d/%d", fs.page_done, fs.page_required), fs.page_done >= fs.page_required, false);
        fx_indicator(c, "server-inspections", "服务器端巡检", id,
                     fx_strf(c, "每周不少于%d次", sla->server_inspections_per_week),
                     fx_strf(c, "%d/%d", fs.server_done, fs.server_required), fs.server_done >= fs.server_required,
                     false);
        char pct[32], req[32];
        kpi_format_milli(max_fail, req);
        if (fs.total_minutes > 0) {
            facts_format_percent(fs.down_minutes, fs.total_minutes, pct);
            fx_indicator(c, "failure-rate", "系统故障率", id, fx_strf(c, "< %s%%", req), fx_strf(c, "%s%%", pct),
                         fs.down_minutes * 100000 < max_fail * fs.total_minutes, false);
        } else {
            fx_indicator(c, "failure-rate", "系统故障率", id, fx_strf(c, "< %s%%", req), NULL, true, false);
        }
    }
    int faults = 0, resp_ok = 0, onsite_need = 0, onsite_ok = 0, resol_ok = 0, data_loss = 0, security = 0;
    for (size_t i = 0; i < r->incidents.n; i++) {
        const rec_incident *in = &r->incidents.v[i];
        if (in->reported < t0 || in->reported >= t1)
            continue;
        data_loss += in->data_loss;
        security += in->kind == REC_INC_SECURITY;
        if (in->kind != REC_INC_FAULT)
            continue;
        facts_incident fi;
        fx_incident(c, i, t1, &fi);
        faults++;
        resp_ok += fi.response_ok;
        if (fi.has_onsite_ok) {
            onsite_need++;
            onsite_ok += fi.onsite_ok;
        }
        resol_ok += fi.resolution_ok && !fi.open_at_end;
    }
    char rate[32];
    facts_format_percent(resp_ok, faults, rate);
    fx_indicator(c, "fault-response-rate", "故障响应率", NULL, "100%", faults ? fx_strf(c, "%s%%", rate) : NULL,
                 resp_ok == faults, false);
    fx_indicator(c, "no-data-loss", "系统数据无丢失、无错误", NULL, "0", fx_strf(c, "%d", data_loss), data_loss == 0, false);
    fx_indicator(c, "no-security-incident", "无安全事件", NULL, "0", fx_strf(c, "%d", security), security == 0, false);
    fx_indicator(c, "fault-response", "故障响应时间", NULL, fx_strf(c, "≤ %d分钟", sla->response_minutes),
                 faults ? fx_strf(c, "%d/%d", resp_ok, faults) : NULL, resp_ok == faults, false);
    fx_indicator(c, "fault-onsite", "故障到场时间", NULL, fx_strf(c, "≤ %d分钟", sla->onsite_minutes),
                 onsite_need ? fx_strf(c, "%d/%d", onsite_ok, onsite_need) : NULL, onsite_ok == onsite_need, false);
    fx_indicator(c, "fault-resolution", "故障处置时间（第三方原因除外）", NULL, fx_strf(c, "≤ %d小时", sla->resolve_hours),
                 faults ? fx_strf(c, "%d/%d", resol_ok, faults) : NULL, resol_ok == faults, false);
    int surveys = 0, sat = 0;
    for (size_t i = 0; i < r->surveys.n; i++) {
        const rec_survey *sv = &r->surveys.v[i];
        if (sv->date < f->acceptance_first || sv->date > f->acceptance_last)
            continue;
        surveys++;
        sat += sv->rating == REC_VERY_SATISFIED || sv->rating == REC_SATISFIED;
    }
    int64_t min_sat = llround_milli(sla->satisfaction_min_percent);
    char req[32];
    kpi_format_milli(min_sat, req);
    facts_format_percent(sat, surveys, rate);
    fx_indicator(c, "satisfaction", "用户满意度", NULL, fx_strf(c, "> %s%%", req),
                 surveys ? fx_strf(c, "%s%%", rate) : NULL, surveys > 0 && (int64_t)sat * 100000 > min_sat * surveys,
                 false);
    bool plan = false;
    for (size_t i = 0; i < r->plans.n; i++)
        plan |= r->plans.v[i].approved != REC_NO_DATE && r->plans.v[i].approved <= f->acceptance_last;
    fx_indicator(c, "emergency-plan", "应急预案", NULL, "已制定", plan ? "已制定" : "无", plan, false);
    fx_reports_indicator(c, REC_DOC_MONTHLY, "monthly-reports", "运维工作月度总结报告");
    fx_reports_indicator(c, REC_DOC_HALF_YEAR, "half-year-reports", "运维工作半年总结报告");
    bool annual = false;
    for (size_t i = 0; i < r->documents.n; i++)
        annual |= r->documents.v[i].kind == REC_DOC_ANNUAL && r->documents.v[i].submitted <= f->acceptance_last;
    fx_indicator(c, "year-end-report", "运维工作年终总结报告", NULL, "已提交", annual ? "已提交" : "未提交", annual, false);
}

int64_t llround_milli(double v)
{
    /* Contract figures (percents) are written with few decimals; round to
     * thousandths once, here, and stay in integers afterwards. */
    double x = v * 1000.0;
    return (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
}

/* ---- the whole ----------------------------------------------------------- */

void facts_free(facts *f)
{
    if (!f)
        return;
    or_free(f->systems);
    or_free(f->incidents);
    or_free(f->documents);
    for (size_t i = 0; i < f->n_months; i++)
        or_free(f->months[i].systems);
    or_free(f->months);
    or_free(f->indicators);
    for (size_t i = 0; i < f->n_kpi; i++)
        or_free(f->kpi[i].causes);
    or_free(f->kpi);
    or_free(f->notes);
    or_free(f->warnings);
    or_free(f->warnings_shown);
    arena_free(&f->mem);
    or_free(f);
}

or_status facts_compute(facts **out, const records *r, const calendar *cal, const kpi_rules *rules,
                        const od_period *p, diag *d)
{
    *out = NULL;
    facts *f = or_calloc(1, sizeof *f);
    if (!f)
        return diag_nomem(d);
    arena_init(&f->mem, 0);
    f->period = *p;
    f->r = r;
    f->rules = rules;
    fx c = {.f = f, .r = r, .cal = cal, .rules = rules, .d = d, .first = p->first, .last = p->last,
            .t0 = od_day_start(p->first), .t1 = od_day_start(p->last + 1)};
    size_t ns = r->contract.systems.n;

    f->systems = or_calloc(ns ? ns : 1, sizeof *f->systems);
    f->incidents = or_calloc(r->incidents.n ? r->incidents.n : 1, sizeof *f->incidents);
    if (!f->systems || !f->incidents)
        c.nomem = true;
    for (size_t s = 0; s < ns && !c.nomem; s++)
        fx_system(&c, s, p->first, p->last, &f->systems[f->n_systems++], NULL, 0);
    for (size_t i = 0; i < r->incidents.n && !c.nomem; i++) {
        const rec_incident *in = &r->incidents.v[i];
        if (in->reported >= c.t0 && in->reported < c.t1)
            fx_incident(&c, i, c.t1, &f->incidents[f->n_incidents++]);
    }

    fx_expect_all(&c);
    size_t nd = 0;
    for (size_t i = 0; i < c.n_all; i++)
        nd += c.all[i].due >= p->first && c.all[i].due <= p->last;
    f->documents = or_calloc(nd ? nd : 1, sizeof *f->documents);
    if (!f->documents)
        c.nomem = true;
    for (size_t i = 0; i < c.n_all && !c.nomem; i++) {
        if (c.all[i].due < p->first || c.all[i].due > p->last)
            continue;
        facts_document *e = &f->documents[f->n_documents++];
        *e = c.all[i];
        e->late = fx_doc_late(e, p->last);
        fx_doc_warn(&c, e);
    }

    for (size_t i = 0; i < r->surveys.n; i++) {
        const rec_survey *sv = &r->surveys.v[i];
        if (sv->date < p->first || sv->date > p->last)
            continue;
        f->surveys++;
        f->satisfied += sv->rating == REC_VERY_SATISFIED || sv->rating == REC_SATISFIED;
    }
    for (size_t i = 0; i < r->complaints.n; i++)
        if (r->complaints.v[i].date >= p->first && r->complaints.v[i].date <= p->last)
            f->complaints[r->complaints.v[i].from]++;
    for (size_t i = 0; i < r->praise.n; i++)
        if (r->praise.v[i].date >= p->first && r->praise.v[i].date <= p->last)
            f->praise[r->praise.v[i].from]++;

    /* Month by month, for the half-year and year-end reports. */
    od_period m;
    period_iter it;
    size_t nm = (size_t)period_count_units(p, PERIOD_MONTH);
    f->months = or_calloc(nm ? nm : 1, sizeof *f->months);
    if (!f->months)
        c.nomem = true;
    for (period_iter_init(&it, p, PERIOD_MONTH); !c.nomem && period_iter_next(&it, &m);) {
        facts_month *fm = &f->months[f->n_months++];
        fm->p = m;
        fm->systems = or_calloc(ns ? ns : 1, sizeof *fm->systems);
        if (!fm->systems) {
            c.nomem = true;
            break;
        }
        for (size_t s = 0; s < ns; s++)
            fx_system(&c, s, m.first, m.last, &fm->systems[s], NULL, 0);
        od_minute a = od_day_start(m.first), b = od_day_start(m.last + 1);
        for (size_t i = 0; i < r->incidents.n; i++) {
            const rec_incident *in = &r->incidents.v[i];
            if (in->reported < a || in->reported >= b)
                continue;
            fm->incidents++;
            fm->by_level[in->level >= 1 && in->level <= 4 ? in->level : 0]++;
            fm->faults += in->kind == REC_INC_FAULT;
        }
    }

    if (!c.nomem)
        fx_acceptance(&c);
    if (!c.nomem)
        fx_kpi(&c);
    or_free(c.all);
    if (c.nomem) {
        facts_free(f);
        return diag_nomem(d);
    }
    *out = f;
    return OR_OK;
}
