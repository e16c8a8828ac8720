/* facts_kpi: the rule kinds of the scoring table.  Every number comes from
 * the rule (kpi.h) or the contract's <sla>; this file only knows what each
 * kind counts (kpi-table.md). */
#include "facts_internal.h"
#include "i18n.h"

#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void fx_cite(fx *c, facts_rule *o, const char *kind, const char *id, const rec_src *src, int64_t points,
             bool fallback, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *detail = fx_vstrf(c, fmt, ap);
    va_end(ap);
    if (!fx_grow(c, &o->causes, &o->n_causes, &o->cap_causes, sizeof *o->causes))
        return;
    facts_cite *x = &o->causes[o->n_causes - 1];
    x->kind = kind;
    x->id = id ? id : "";
    if (src)
        x->src = *src;
    x->points = points;
    x->detail = detail ? detail : "";
    x->fallback = fallback;
    o->uncapped += points;
    o->fallback |= fallback;
}

static bool fx_in(const fx *c, od_date d) { return d != REC_NO_DATE && d >= c->first && d <= c->last; }
static bool fx_in_t(const fx *c, od_minute t) { return t != REC_NO_TIME && t >= c->t0 && t < c->t1; }
static int64_t P(const kpi_rule *k, const char *name) { return kpi_param_get(k, name, 0); }

static const char *fx_date(fx *c, od_date d)
{
    char s[11];
    od_format_date(d, s);
    return fx_strf(c, "%s", s);
}

static const char *fx_pct(fx *c, int64_t num, int64_t den)
{
    char s[32];
    facts_format_percent(num, den, s);
    return fx_strf(c, "%s", s);
}

/* ---- 日常管理 ---------------------------------------------------------- */

/* `date` minus `months` calendar months, the day clamped to the month. */
static od_date fx_minus_months(od_date date, int months)
{
    int y, m, d;
    od_date_to_ymd(date, &y, &m, &d);
    m -= months;
    while (m < 1) {
        m += 12;
        y--;
    }
    int dim = od_days_in_month(y, m);
    return od_date_from_ymd(y, m, d < dim ? d : dim);
}

static void k_staff_notice(fx *c, const kpi_rule *k, facts_rule *o)
{
    const records *r = c->r;
    int remote = (int)(P(k, "remote-days") / 1000), months = (int)(P(k, "onsite-months") / 1000);
    for (size_t i = 0; i < r->staff_changes.n; i++) {
        const rec_staff_change *s = &r->staff_changes.v[i];
        if (!fx_in(c, s->date))
            continue;
        bool onsite = s->person_index != REC_NO_INDEX && r->contract.staff.v[s->person_index].onsite;
        od_date latest = onsite ? fx_minus_months(s->date, months) : s->date - remote;
        if (s->notified == REC_NO_DATE)
            fx_cite(c, o, "staff-change", s->person, &s->src, P(k, "each"), false, "change of %s on %s never notified",
                    s->person, fx_date(c, s->date));
        else if (s->notified > latest)
            fx_cite(c, o, "staff-change", s->person, &s->src, P(k, "each"), false,
                    "change of %s (%s staff) on %s notified %s, later than %s", s->person, onsite ? "on-site" : "remote",
                    fx_date(c, s->date), fx_date(c, s->notified), fx_date(c, latest));
    }
}

static void k_vacancy(fx *c, const kpi_rule *k, facts_rule *o)
{
    for (size_t i = 0; i < c->r->vacancies.n; i++) {
        const rec_vacancy *v = &c->r->vacancies.v[i];
        od_date a = v->start > c->first ? v->start : c->first, b = v->end < c->last ? v->end : c->last;
        if (b < a)
            continue;
        int days = b - a + 1;
        fx_cite(c, o, "vacancy", v->role, &v->src, P(k, "per-day") * days, false, "%s vacant %d day(s), %s to %s",
                v->role, days, fx_date(c, a), fx_date(c, b));
    }
}

static void k_task(fx *c, const kpi_rule *k, facts_rule *o)
{
    for (size_t i = 0; i < c->r->tasks.n; i++) {
        const rec_task *t = &c->r->tasks.v[i];
        if (!fx_in(c, t->due))
            continue;
        if (t->done == REC_NO_DATE || t->done > t->due)
            fx_cite(c, o, "task", t->id, &t->src, P(k, "each"), false, "not done by %s", fx_date(c, t->due));
        else if (t->feedback == REC_NO_TIME)
            fx_cite(c, o, "task", t->id, &t->src, P(k, "each"), false, "no feedback");
    }
}

/* The review findings of deliverables assessed in the period. */
static void k_doc_review(fx *c, const kpi_rule *k, facts_rule *o)
{
    const records *r = c->r;
    for (size_t i = 0; i < r->documents.n; i++) {
        const rec_document *doc = &r->documents.v[i];
        bool fb;
        od_date when = fx_deliverable_date(c, doc, &fb);
        if (!fx_in(c, when))
            continue;
        if (fb) {
            /* The unknown years lie between the unit's (or resolution's) end and `when`. */
            fx_fallback_years(c, doc->period_last != REC_NO_DATE ? doc->period_last + 1 : when, when);
            if (doc->kind == REC_DOC_INCIDENT)
                fx_fallback_years(c, od_minute_day(c->r->incidents.v[doc->ref_index].resolved) + 1, when);
        }
        const char *name = doc->period ? fx_strf(c, "%s %s", doc->kind_name, doc->period)
                           : doc->ref  ? fx_strf(c, "%s %s", doc->kind_name, doc->ref)
                                       : doc->kind_name;
        if (strcmp(k->kind, "doc-missing-items") == 0 && doc->missing_items > 0)
            fx_cite(c, o, "document", name, &doc->src, P(k, "per-item") * doc->missing_items, fb, "%d missing item(s)",
                    doc->missing_items);
        else if (strcmp(k->kind, "doc-inaccurate") == 0 && doc->inaccuracies > 0)
            fx_cite(c, o, "document", name, &doc->src, P(k, "each") * doc->inaccuracies, fb, "%d inaccurac(ies)",
                    doc->inaccuracies);
        else if (strcmp(k->kind, "doc-typos") == 0 && doc->typos > 0) {
            int64_t block = P(k, "block") / 1000;
            if (block < 1)
                block = 1;
            int64_t blocks = (doc->typos + block - 1) / block;
            fx_cite(c, o, "document", name, &doc->src, P(k, "per-block") * blocks, fb,
                    "%d typo(s): %lld block(s) of %lld started", doc->typos, (long long)blocks, (long long)block);
        } else if (strcmp(k->kind, "doc-unfiled") == 0 && !doc->filed)
            fx_cite(c, o, "document", name, &doc->src, P(k, "each"), fb, "not filed by category");
    }
}

static void k_doc_late(fx *c, const kpi_rule *k, facts_rule *o)
{
    const facts *f = c->f;
    for (size_t i = 0; i < f->n_documents; i++) {
        const facts_document *e = &f->documents[i];
        if (!e->late)
            continue;
        const rec_src *src = e->deliverable != REC_NO_INDEX ? &c->r->documents.v[e->deliverable].src
                             : e->kind == REC_DOC_INCIDENT ? &c->r->incidents.v[e->incident].src
                                                           : NULL;
        const char *name = e->kind == REC_DOC_INCIDENT
                               ? fx_strf(c, "incident %s", c->r->incidents.v[e->incident].id)
                               : fx_strf(c, "%s %s",
                                         e->kind == REC_DOC_WEEKLY    ? "weekly"
                                         : e->kind == REC_DOC_MONTHLY ? "monthly"
                                         : e->kind == REC_DOC_QUARTERLY ? "quarterly"
                                                                        : "half-year",
                                         e->unit.label);
        if (e->submitted != REC_NO_DATE)
            fx_cite(c, o, "document", name, src, P(k, "each"), e->fallback, "due %s, submitted %s",
                    fx_date(c, e->due), fx_date(c, e->submitted));
        else
            fx_cite(c, o, "document", name, src, P(k, "each"), e->fallback, "due %s, not submitted",
                    fx_date(c, e->due));
    }
}

static void k_assets(fx *c, const kpi_rule *k, facts_rule *o)
{
    const records *r = c->r;
    if (strcmp(k->kind, "asset-inventory") == 0) {
        for (size_t i = 0; i < r->inventories.n; i++)
            if (fx_in(c, r->inventories.v[i].date) && !r->inventories.v[i].completed)
                fx_cite(c, o, "inventory", fx_date(c, r->inventories.v[i].date), &r->inventories.v[i].src,
                        P(k, "each"), false, "inventory not completed");
    } else if (strcmp(k->kind, "asset-loss") == 0) {
        for (size_t i = 0; i < r->losses.n; i++)
            if (fx_in(c, r->losses.v[i].date) && r->losses.v[i].human)
                fx_cite(c, o, "loss", r->losses.v[i].asset, &r->losses.v[i].src, P(k, "each"), false,
                        "asset lost by human cause on %s", fx_date(c, r->losses.v[i].date));
    } else {
        int64_t max = P(k, "max-days") / 1000;
        for (size_t i = 0; i < r->asset_changes.n; i++) {
            const rec_asset_change *a = &r->asset_changes.v[i];
            if (fx_in(c, a->confirmed) && a->recorded - a->confirmed > max)
                fx_cite(c, o, "asset-change", a->asset, &a->src, P(k, "each"), false,
                        "confirmed %s, recorded %s (%d days)", fx_date(c, a->confirmed), fx_date(c, a->recorded),
                        (int)(a->recorded - a->confirmed));
        }
    }
}

/* ---- 重点保障 ---------------------------------------------------------- */

static void k_guarantee_availability(fx *c, const kpi_rule *k, facts_rule *o)
{
    const records *r = c->r;
    for (size_t i = 0; i < r->guarantees.n; i++) {
        const rec_guarantee *g = &r->guarantees.v[i];
        if (!fx_in_t(c, g->start))
            continue;
        int64_t total = 0, down = 0;
        for (size_t s = 0; s < r->contract.systems.n; s++) {
            int64_t maint, dn;
            fx_avail(c, s, g->start, g->end + 1, &maint, &dn);   /* the end minute is inside */
            total += g->end + 1 - g->start - maint;
            down += dn;
        }
        int64_t pts;
        if (kpi_band_points(k, g->importance == REC_IMPORTANT ? KPI_IMPORTANT : KPI_GENERAL, total - down, total, &pts))
            fx_cite(c, o, "guarantee", g->id, &g->src, pts, false, "%s guarantee, availability %s%% (%lld of %lld minutes down)",
                    g->importance == REC_IMPORTANT ? "important" : "general", fx_pct(c, total - down, total),
                    (long long)down, (long long)total);
    }
}

static void k_fault_impact(fx *c, const kpi_rule *k, facts_rule *o)
{
    rec_impact want = strcmp(k->kind, "fault-serious") == 0 ? REC_IMPACT_SERIOUS : REC_IMPACT_MAJOR;
    for (size_t i = 0; i < c->f->n_incidents; i++) {
        const rec_incident *in = &c->r->incidents.v[c->f->incidents[i].index];
        if (in->impact != want)
            continue;
        int64_t pts = P(k, "default");
        if (in->has_deduction) {
            int64_t m = llround_milli(in->deduction);
            pts = m < 0 ? m : -m;   /* the number of points deducted, sign ignored */
            int64_t least = P(k, "least"), most = P(k, "most");
            if (pts > least || pts < most) {
                char a[32], b[32], v[32];
                kpi_format_milli(least, a);
                kpi_format_milli(most, b);
                kpi_format_milli(pts, v);
#define FX_RANGE N_("%s:%ld: incident %s: deduction %s lies outside the table's range %s to %s; used as written")
                fx_warn(c, fx_strf(c, FX_RANGE, in->src.file, in->src.line, in->id, v, a, b),
                        fx_strf(c, _(FX_RANGE), in->src.file, in->src.line, in->id, v, a, b));
#undef FX_RANGE
            }
        }
        fx_cite(c, o, "incident", in->id, &in->src, pts, false, "%s", in->has_deduction ? "deduction as decided" : "default deduction");
    }
}

static void k_guarantee_plan(fx *c, const kpi_rule *k, facts_rule *o)
{
    for (size_t i = 0; i < c->r->guarantees.n; i++) {
        const rec_guarantee *g = &c->r->guarantees.v[i];
        if (!fx_in_t(c, g->start))
            continue;
        if (g->plan_submitted == REC_NO_DATE)
            fx_cite(c, o, "guarantee", g->id, &g->src, P(k, "each"), false, "no plan submitted");
        else if (g->plan_submitted >= od_minute_day(g->start))
            fx_cite(c, o, "guarantee", g->id, &g->src, P(k, "each"), false, "plan submitted %s, not before the window",
                    fx_date(c, g->plan_submitted));
    }
}

static void k_guarantee_accidents(fx *c, const kpi_rule *k, facts_rule *o)
{
    const records *r = c->r;
    for (size_t i = 0; i < r->guarantees.n; i++) {
        const rec_guarantee *g = &r->guarantees.v[i];
        if (!fx_in_t(c, g->start))
            continue;
        int n = 0;
        for (size_t j = 0; j < r->incidents.n; j++) {
            const rec_incident *in = &r->incidents.v[j];
            if (in->cause == REC_CAUSE_HUMAN && in->reported >= g->start && in->reported <= g->end) {
                n++;
                fx_cite(c, o, "incident", in->id, &in->src, P(k, "each"), false, "human-cause accident during guarantee %s", g->id);
            }
        }
        if (n == 0)
            fx_cite(c, o, "guarantee", g->id, &g->src, P(k, "none"), false, "no accident during the window");
    }
}

/* ---- 巡检 -------------------------------------------------------------- */

static void k_inspection_missed(fx *c, const kpi_rule *k, facts_rule *o)
{
    for (size_t s = 0; s < c->r->contract.systems.n; s++) {
        facts_system tmp;
        fx_system(c, s, c->first, c->last, &tmp, o, P(k, "each"));
    }
}

static void k_findings(fx *c, const kpi_rule *k, facts_rule *o)
{
    const records *r = c->r;
    int feedback = r->contract.sla.feedback_minutes;
    for (size_t i = 0; i < r->findings.n; i++) {
        const rec_finding *fd = &r->findings.v[i];
        if (!fx_in_t(c, fd->found))
            continue;
        if (strcmp(k->kind, "finding-late") == 0 && fd->in_scope) {
            if (fd->reported == REC_NO_TIME)
                fx_cite(c, o, "finding", fd->id, &fd->src, P(k, "each"), false, "never reported");
            else if (fd->reported - fd->found > feedback)
                fx_cite(c, o, "finding", fd->id, &fd->src, P(k, "each"), false, "reported %lld min after found (limit %d)",
                        (long long)(fd->reported - fd->found), feedback);
        } else if (strcmp(k->kind, "hazard-found") == 0 && fd->hazard && fd->resolved != REC_NO_TIME) {
            fx_cite(c, o, "finding", fd->id, &fd->src, P(k, "each"), false, "hidden risk found and resolved");
        } else if (strcmp(k->kind, "out-of-scope-finding") == 0 && !fd->in_scope && fd->reported != REC_NO_TIME
                   && od_minute_day(fd->reported) == od_minute_day(fd->found)) {
            fx_cite(c, o, "finding", fd->id, &fd->src, P(k, "each"), false, "out-of-scope problem reported the day found");
        }
    }
}

/* ---- 服务响应、应急、故障 ------------------------------------------------ */

static void k_incidents(fx *c, const kpi_rule *k, facts_rule *o)
{
    const facts *f = c->f;
    const rec_sla *sla = &c->r->contract.sla;
    bool emergency_deducted = false;
    for (size_t i = 0; i < f->n_incidents; i++) {
        const facts_incident *fi = &f->incidents[i];
        const rec_incident *in = &c->r->incidents.v[fi->index];
        const rec_src *src = &in->src;
        const char *kd = k->kind;
        bool fault = in->kind == REC_INC_FAULT, emerg = in->kind == REC_INC_EMERGENCY;
        if (strcmp(kd, "unanswered") == 0) {
            if (in->responded == REC_NO_TIME)
                fx_cite(c, o, "incident", in->id, src, P(k, "each"), false, "never responded to");
        } else if (strcmp(kd, "emergency-response") == 0 && emerg) {
            if (fi->response < 0) {
                fx_cite(c, o, "incident", in->id, src, P(k, "none"), false, "emergency never responded to");
                emergency_deducted = true;
            } else if (!fi->response_ok) {
                fx_cite(c, o, "incident", in->id, src, P(k, "late"), false, "responded after %lld min (limit %d)",
                        (long long)fi->response, sla->response_minutes);
                emergency_deducted = true;
            }
        } else if (strcmp(kd, "emergency-resolution") == 0 && emerg) {
            if (fi->open_at_end)
                fx_cite(c, o, "incident", in->id, src, P(k, "unresolved"), false, "not resolved by the period's end");
            else if (!fi->resolution_ok)
                fx_cite(c, o, "incident", in->id, src, P(k, "late"), false, "resolved after %lld min (limit %d h)",
                        (long long)fi->resolution, sla->resolve_hours);
        } else if ((strcmp(kd, "emergency-suggestion") == 0 && emerg) || (strcmp(kd, "fault-suggestion") == 0 && fault)) {
            if (in->suggestion && in->suggestion_adopted)
                fx_cite(c, o, "incident", in->id, src, P(k, "each"), false, "suggestion adopted");
        } else if (strcmp(kd, "fault-response-late") == 0 && fault) {
            if (fi->response < 0)
                fx_cite(c, o, "incident", in->id, src, P(k, "each"), false, "never responded to");
            else if (!fi->response_ok)
                fx_cite(c, o, "incident", in->id, src, P(k, "each"), false, "responded after %lld min (limit %d)",
                        (long long)fi->response, sla->response_minutes);
            else if (fi->has_onsite_ok && !fi->onsite_ok) {
                if (fi->onsite < 0)
                    fx_cite(c, o, "incident", in->id, src, P(k, "each"), false, "on-site required, nobody on site");
                else
                    fx_cite(c, o, "incident", in->id, src, P(k, "each"), false, "on site after %lld min (limit %d)",
                            (long long)fi->onsite, sla->onsite_minutes);
            }
        } else if (strcmp(kd, "fault-resolution-late") == 0 && fault) {
            if (fi->open_at_end)
                fx_cite(c, o, "incident", in->id, src, P(k, "each"), false, "not resolved by the period's end");
            else if (!fi->resolution_ok)
                fx_cite(c, o, "incident", in->id, src, P(k, "each"), false, "resolved after %lld min (limit %d h)",
                        (long long)fi->resolution, sla->resolve_hours);
        } else if (strcmp(kd, "fault-level") == 0 && fault && in->level >= 1 && in->level <= 4) {
            char name[16];
            snprintf(name, sizeof name, "level-%d", in->level);
            int64_t pts = P(k, name);
            if (pts)
                fx_cite(c, o, "incident", in->id, src, pts, false, "level %d fault", in->level);
        } else if (strcmp(kd, "repeat-fault") == 0 && in->repeat_of) {
            fx_cite(c, o, "incident", in->id, src, P(k, "each"), false, "repeats %s", in->repeat_of);
        }
    }
    if (strcmp(k->kind, "emergency-response") == 0 && !emergency_deducted)
        fx_cite(c, o, "period", c->f->period.label, NULL, P(k, "clean"), false, "no emergency-response deduction in the period");
}

static void k_emergency_plan(fx *c, const kpi_rule *k, facts_rule *o)
{
    for (size_t i = 0; i < c->r->plans.n; i++)
        if (c->r->plans.v[i].approved != REC_NO_DATE && c->r->plans.v[i].approved <= c->last)
            return;
    fx_cite(c, o, "plan", "emergency-plan", NULL, P(k, "missing"), false, "no emergency plan approved by %s",
            fx_date(c, c->last));
}

static void k_drill(fx *c, const kpi_rule *k, facts_rule *o)
{
    const records *r = c->r;
    int64_t pts = P(k, "missing");
    bool plan = false;
    for (size_t i = 0; i < r->drill_plans.n; i++)
        plan |= r->drill_plans.v[i].submitted != REC_NO_DATE && r->drill_plans.v[i].submitted <= c->last;
    if (!plan) {
        fx_cite(c, o, "drill-plan", "drill-plan", NULL, pts, false, "no drill plan submitted by %s", fx_date(c, c->last));
        pts = 0;   /* at most once per period */
    }
    for (size_t i = 0; i < r->drills.n; i++) {
        const rec_drill *dr = &r->drills.v[i];
        if (fx_in(c, dr->scheduled) && dr->held == REC_NO_DATE) {
            fx_cite(c, o, "drill", dr->id, &dr->src, pts, false, "scheduled %s, not held", fx_date(c, dr->scheduled));
            pts = 0;
        }
    }
}

/* ---- 可用性 ------------------------------------------------------------ */

static void k_availability(fx *c, const kpi_rule *k, facts_rule *o)
{
    for (size_t s = 0; s < c->f->n_systems; s++) {
        const facts_system *fs = &c->f->systems[s];
        int64_t pts;
        if (!kpi_band_points(k, fs->importance == REC_IMPORTANT ? KPI_IMPORTANT : KPI_GENERAL,
                             fs->total_minutes - fs->down_minutes, fs->total_minutes, &pts))
            continue;
        const rec_system *rs = &c->r->contract.systems.v[fs->system];
        fx_cite(c, o, "system", rs->id, &rs->src, pts, false, "availability %s%% (%lld of %lld minutes down)",
                fx_pct(c, fs->total_minutes - fs->down_minutes, fs->total_minutes), (long long)fs->down_minutes,
                (long long)fs->total_minutes);
        /* The outages behind the down minutes, for the trace. */
        for (size_t i = 0; i < c->r->outages.n; i++) {
            const rec_outage *x = &c->r->outages.v[i];
            const rec_incident *in = &c->r->incidents.v[x->incident];
            if (x->system_index == fs->system && x->end > c->t0 && x->start < c->t1 && in->cause != REC_CAUSE_EXTERNAL)
                fx_cite(c, o, "outage", in->id, &x->src, 0, false, "outage of %s", rs->id);
        }
    }
}

/* ---- 满意度 ------------------------------------------------------------ */

static void k_remarks(fx *c, const kpi_rule *k, facts_rule *o)
{
    bool complaint = strcmp(k->kind, "complaint") == 0;
    const rec_remark *v = complaint ? c->r->complaints.v : c->r->praise.v;
    size_t n = complaint ? c->r->complaints.n : c->r->praise.n;
    for (size_t i = 0; i < n; i++) {
        if (!fx_in(c, v[i].date))
            continue;
        bool imp = v[i].from == REC_IMPORTANT;
        fx_cite(c, o, complaint ? "complaint" : "praise", fx_date(c, v[i].date), &v[i].src,
                P(k, imp ? "important" : "general"), false, "from %s staff", imp ? "important" : "general");
    }
}

static void k_overall(fx *c, const kpi_rule *k, facts_rule *o)
{
    const rec_survey *latest = NULL;
    for (size_t i = 0; i < c->r->surveys.n; i++) {
        const rec_survey *s = &c->r->surveys.v[i];
        if (s->kind == REC_SURVEY_OVERALL && fx_in(c, s->date) && (!latest || s->date >= latest->date))
            latest = s;
    }
    static const char *const names[] = {"very-satisfied", "satisfied", "basic", "unsatisfied"};
    if (!latest)
        fx_cite(c, o, "survey", "overall", NULL, P(k, "none"), false, "no overall survey in the period");
    else
        fx_cite(c, o, "survey", fx_date(c, latest->date), &latest->src, P(k, names[latest->rating]), false,
                "latest overall survey: %s", names[latest->rating]);
}

/* ---- dispatch ------------------------------------------------------------ */

typedef void (*fx_kind_fn)(fx *c, const kpi_rule *k, facts_rule *o);

static const struct {
    const char *kind;
    fx_kind_fn fn;
} fx_kinds[] = {
    {"staff-notice-late", k_staff_notice},
    {"vacancy", k_vacancy},
    {"task-incomplete", k_task},
    {"doc-missing-items", k_doc_review},
    {"doc-inaccurate", k_doc_review},
    {"doc-typos", k_doc_review},
    {"doc-late", k_doc_late},
    {"doc-unfiled", k_doc_review},
    {"asset-inventory", k_assets},
    {"asset-loss", k_assets},
    {"asset-update-late", k_assets},
    {"guarantee-availability", k_guarantee_availability},
    {"fault-serious", k_fault_impact},
    {"fault-major", k_fault_impact},
    {"guarantee-plan", k_guarantee_plan},
    {"guarantee-accidents", k_guarantee_accidents},
    {"inspection-missed", k_inspection_missed},
    {"finding-late", k_findings},
    {"hazard-found", k_findings},
    {"out-of-scope-finding", k_findings},
    {"unanswered", k_incidents},
    {"emergency-plan", k_emergency_plan},
    {"drill", k_drill},
    {"emergency-response", k_incidents},
    {"emergency-resolution", k_incidents},
    {"emergency-suggestion", k_incidents},
    {"fault-response-late", k_incidents},
    {"fault-resolution-late", k_incidents},
    {"fault-suggestion", k_incidents},
    {"availability", k_availability},
    {"fault-level", k_incidents},
    {"repeat-fault", k_incidents},
    {"complaint", k_remarks},
    {"praise", k_remarks},
    {"overall-satisfaction", k_overall},
};

static facts_rule *fx_new_rule(fx *c)
{
    facts *f = c->f;
    if (!fx_grow(c, &f->kpi, &f->n_kpi, &f->cap_kpi, sizeof *f->kpi))
        return NULL;
    return &f->kpi[f->n_kpi - 1];
}

/* A rule's (or the file's: r NULL) text with its numbers filled in from
 * the rule and the contract's service levels; NULL for NULL. */
static const char *fx_rule_text(fx *c, const kpi_rule *r, const char *text)
{
    if (!text)
        return NULL;
    const rec_sla *sla = &c->r->contract.sla;
    const kpi_value vals[] = {
        {"response-minutes", (int64_t)sla->response_minutes * 1000},
        {"onsite-minutes", (int64_t)sla->onsite_minutes * 1000},
        {"resolve-hours", (int64_t)sla->resolve_hours * 1000},
        {"feedback-minutes", (int64_t)sla->feedback_minutes * 1000},
    };
    buf b;
    buf_init(&b, 0);
    const char *s = NULL;
    if (kpi_text_format(r, text, vals, sizeof vals / sizeof *vals, &b) == 0)
        s = fx_strf(c, "%s", buf_cstr(&b));
    else
        c->nomem = true;
    buf_free(&b);
    return s;
}

/* Adjustments records: added to the rule they name, or grouped into a
 * manual rule per `rule` word, in order of first appearance. */
static void fx_adjustments(fx *c)
{
    const records *r = c->r;
    facts *f = c->f;
    for (size_t i = 0; i < r->adjustments.n && !c->nomem; i++) {
        const rec_adjustment *a = &r->adjustments.v[i];
        if (!fx_in(c, a->date))
            continue;
        facts_rule *o = NULL;
        for (size_t j = 0; j < f->n_kpi; j++)
            if (strcmp(f->kpi[j].id, a->rule) == 0)
                o = &f->kpi[j];
        if (!o) {
            o = fx_new_rule(c);
            if (!o)
                return;
            o->id = a->rule;
            o->kind = "manual";
            o->label = a->rule;
            o->category = "";
            o->manual = true;
            for (size_t j = 0; j < c->rules->n_manual; j++)
                if (strcmp(c->rules->manual[j].id, a->rule) == 0) {
                    o->label = c->rules->manual[j].label;
                    o->criteria = fx_rule_text(c, NULL, c->rules->manual[j].criteria);
                }
        }
        fx_cite(c, o, "adjustment", fx_date(c, a->date), &a->src, llround_milli(a->points), false, "%s%s%s",
                a->reason ? a->reason : "", a->by ? " — " : "", a->by ? a->by : "");
    }
}

void fx_kpi(fx *c)
{
    facts *f = c->f;
    const kpi_rules *k = c->rules;
    for (size_t i = 0; i < k->n_rules && !c->nomem; i++) {
        const kpi_rule *kr = &k->rules[i];
        facts_rule *o = fx_new_rule(c);
        if (!o)
            return;
        o->id = kr->id;
        o->kind = kr->kind;
        o->label = kr->label;
        o->category = kr->category;
        o->note = fx_rule_text(c, kr, kr->note);
        o->criteria = fx_rule_text(c, kr, kr->criteria);
        for (size_t j = 0; j < sizeof fx_kinds / sizeof *fx_kinds; j++)
            if (strcmp(fx_kinds[j].kind, kr->kind) == 0) {
                /* o may move when later rules grow f->kpi, never during a call. */
                fx_kinds[j].fn(c, kr, o);
                break;
            }
    }
    fx_adjustments(c);
    f->points = 0;
    for (size_t i = 0; i < f->n_kpi; i++) {
        facts_rule *o = &f->kpi[i];
        o->points = o->uncapped;
        const kpi_rule *kr = o->manual ? NULL : kpi_rules_find(k, o->id);
        if (kr && strcmp(kr->kind, "hazard-found") == 0) {
            int64_t cap = kpi_param_get(kr, "cap", 0);
            if (o->points > cap) {
                o->points = cap;
                o->capped = true;
            }
        }
        f->points += o->points;
        f->kpi_fallback |= o->fallback;
    }
    for (size_t i = 0; i < k->n_notes; i++) {
        const char *note = fx_rule_text(c, NULL, k->notes[i]);
        if (note)
            fx_note(c, note);
    }
    f->score = k->base_milli + f->points;
    f->grade = kpi_grade_of(k, f->score);

    /* Tail installment and its returned share, in fen, rounded half up. */
    const rec_contract *ct = &c->r->contract;
    f->fee_total_fen = ct->fee_total_fen;
    f->tail_percent_milli = -1;
    for (size_t i = 0; i < ct->payments.n && k->tail_payment; i++)
        if (strcmp(ct->payments.v[i].when, k->tail_payment) == 0)
            f->tail_percent_milli = llround_milli(ct->payments.v[i].percent);
    if (f->fee_total_fen >= 0 && f->tail_percent_milli >= 0) {
        f->tail_fen = (f->fee_total_fen * f->tail_percent_milli + 50000) / 100000;
        if (f->grade && f->grade->accepted)
            f->returned_fen = (f->tail_fen * f->grade->returned_milli + 50000) / 100000;
    }
}
