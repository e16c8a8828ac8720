/* import: rows -> records -> a checked new record file. */
#define _GNU_SOURCE
#include "import.h"
#include "i18n.h"
#include "pathfmt.h"

#include "alloc.h"
#include "arena.h"
#include "atomicout.h"
#include "buf.h"
#include "csvin.h"
#include "datetime.h"
#include "importmap.h"
#include "records.h"
#include "xlsx.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define IMP_MAX_ERRORS 50

/* ---- the fields of each kind -------------------------------------------- */

typedef enum { F_TEXT, F_ID, F_ENUM, F_INSTANT, F_DATE, F_INT, F_BOOL, F_NUMBER } imp_type;

typedef struct imp_fielddef {
    const char *name;
    imp_type type;
    const char *const *values;   /* F_ENUM */
} imp_fielddef;

static const char *const v_insp_kind[] = {"page", "server", NULL};
static const char *const v_result[] = {"pass", "warn", "fail", NULL};
static const char *const v_scope[] = {"in", "out", NULL};
static const char *const v_inc_kind[] = {"fault", "emergency", "request", "security", NULL};
static const char *const v_cause[] = {"human", "equipment", "software", "third-party", "external", NULL};
static const char *const v_impact[] = {"serious", "major", NULL};
static const char *const v_survey_kind[] = {"overall", "daily", NULL};
static const char *const v_rating[] = {"very-satisfied", "satisfied", "basic", "unsatisfied", NULL};
static const char *const v_importance[] = {"important", "general", NULL};
static const char *const v_fb_type[] = {"survey", "complaint", "praise", NULL};

enum { I_ID, I_KIND, I_SYSTEM, I_AT, I_DATE, I_TIME, I_INSPECTOR, I_REVIEWER, I_CHECK, I_RESULT, I_VALUE, I_NOTE,
       I_FID, I_FINDING, I_SCOPE, I_HAZARD, I_FOUND, I_REPORTED, I_RESOLVED, I_INCIDENT, I_COUNT };
static const imp_fielddef insp_fields[I_COUNT] = {
    {"id", F_ID, NULL}, {"kind", F_ENUM, v_insp_kind}, {"system", F_ID, NULL}, {"at", F_INSTANT, NULL},
    {"date", F_DATE, NULL}, {"time", F_TEXT, NULL}, {"inspector", F_TEXT, NULL}, {"reviewer", F_TEXT, NULL},
    {"check", F_TEXT, NULL}, {"result", F_ENUM, v_result}, {"value", F_TEXT, NULL}, {"note", F_TEXT, NULL},
    {"finding-id", F_ID, NULL}, {"finding", F_TEXT, NULL}, {"scope", F_ENUM, v_scope}, {"hazard", F_BOOL, NULL},
    {"found", F_INSTANT, NULL}, {"reported", F_INSTANT, NULL}, {"resolved", F_INSTANT, NULL}, {"incident", F_ID, NULL},
};

enum { N_ID, N_SYSTEM, N_KIND, N_LEVEL, N_CAUSE, N_ONSITE_REQ, N_TITLE, N_REPORTED, N_REPORTED_BY, N_CHANNEL,
       N_RESPONDED, N_RESPONDED_BY, N_ONSITE, N_RESOLVED, N_OUT_START, N_OUT_END, N_MODULE, N_CAUSE_TEXT, N_ACTION,
       N_SUGGESTION, N_ADOPTED, N_REPORT, N_IMPACT, N_DEDUCTION, N_REPEAT, N_DATA_LOSS, N_COUNT };
static const imp_fielddef inc_fields[N_COUNT] = {
    {"id", F_ID, NULL}, {"system", F_ID, NULL}, {"kind", F_ENUM, v_inc_kind}, {"level", F_INT, NULL},
    {"cause", F_ENUM, v_cause}, {"onsite-required", F_BOOL, NULL}, {"title", F_TEXT, NULL},
    {"reported", F_INSTANT, NULL}, {"reported-by", F_TEXT, NULL}, {"channel", F_TEXT, NULL},
    {"responded", F_INSTANT, NULL}, {"responded-by", F_TEXT, NULL}, {"onsite", F_INSTANT, NULL},
    {"resolved", F_INSTANT, NULL}, {"outage-start", F_INSTANT, NULL}, {"outage-end", F_INSTANT, NULL},
    {"module", F_ID, NULL}, {"cause-text", F_TEXT, NULL}, {"action", F_TEXT, NULL}, {"suggestion", F_TEXT, NULL},
    {"suggestion-adopted", F_BOOL, NULL}, {"report-submitted", F_DATE, NULL}, {"impact", F_ENUM, v_impact},
    {"deduction", F_NUMBER, NULL}, {"repeat-of", F_ID, NULL}, {"data-loss", F_BOOL, NULL},
};

enum { D_KIND, D_PERIOD, D_REF, D_SUBMITTED, D_MISSING, D_TYPOS, D_INACCURACIES, D_FILED, D_COUNT };
static const imp_fielddef doc_fields[D_COUNT] = {
    {"kind", F_ID, NULL}, {"period", F_ID, NULL}, {"ref", F_ID, NULL}, {"submitted", F_DATE, NULL},
    {"missing-items", F_INT, NULL}, {"typos", F_INT, NULL}, {"inaccuracies", F_INT, NULL}, {"filed", F_BOOL, NULL},
};

enum { B_TYPE, B_DATE, B_KIND, B_RESPONDENT, B_RATING, B_FROM, B_TEXT, B_COUNT };
static const imp_fielddef fb_fields[B_COUNT] = {
    {"type", F_ENUM, v_fb_type}, {"date", F_DATE, NULL}, {"kind", F_ENUM, v_survey_kind},
    {"respondent", F_TEXT, NULL}, {"rating", F_ENUM, v_rating}, {"from", F_ENUM, v_importance}, {"text", F_TEXT, NULL},
};

typedef struct imp_kinddef {
    const char *name;
    rec_kind kind;
    const imp_fielddef *fields;
    size_t n_fields;
} imp_kinddef;

static const imp_kinddef imp_kinds[] = {
    {"inspections", REC_KIND_INSPECTIONS, insp_fields, I_COUNT},
    {"incidents", REC_KIND_INCIDENTS, inc_fields, N_COUNT},
    {"deliverables", REC_KIND_DELIVERABLES, doc_fields, D_COUNT},
    {"feedback", REC_KIND_FEEDBACK, fb_fields, B_COUNT},
};

/* ---- a small string -> (hash, row) table -------------------------------- */

typedef struct imp_slot {
    const char *key;
    uint64_t content;   /* hash of the record's XML */
    long row;           /* row of the record (import) or index (existing) */
} imp_slot;

typedef struct imp_table {
    imp_slot *v;
    size_t n, cap;      /* cap a power of two */
} imp_table;

static uint64_t imp_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static imp_slot *imp_find(imp_table *t, const char *key)
{
    if (!t->cap)
        return NULL;
    size_t i = (size_t)imp_hash(key, strlen(key)) & (t->cap - 1);
    while (t->v[i].key) {
        if (strcmp(t->v[i].key, key) == 0)
            return &t->v[i];
        i = (i + 1) & (t->cap - 1);
    }
    return NULL;
}

/* Inserts key (which must outlive the table) unless present. */
static imp_slot *imp_insert(imp_table *t, const char *key)
{
    if ((t->n + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        imp_slot *v = or_calloc(cap, sizeof *v);
        if (!v)
            return NULL;
        for (size_t i = 0; i < t->cap; i++)
            if (t->v[i].key) {
                size_t j = (size_t)imp_hash(t->v[i].key, strlen(t->v[i].key)) & (cap - 1);
                while (v[j].key)
                    j = (j + 1) & (cap - 1);
                v[j] = t->v[i];
            }
        or_free(t->v);
        t->v = v;
        t->cap = cap;
    }
    size_t i = (size_t)imp_hash(key, strlen(key)) & (t->cap - 1);
    while (t->v[i].key) {
        if (strcmp(t->v[i].key, key) == 0)
            return &t->v[i];
        i = (i + 1) & (t->cap - 1);
    }
    t->v[i].key = key;
    t->n++;
    return &t->v[i];
}

/* ---- canonical XML of one record ----------------------------------------- */

/* Appends v escaped for an attribute (quot) or element text; runs of
 * characters that need no escape go in one append. */
static void x_escape(buf *b, const char *v, bool attr)
{
    const char *run = v;
    for (const char *p = v;; p++) {
        const char *rep = NULL;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '\r': rep = "&#13;"; break;
        case '"': rep = attr ? "&quot;" : NULL; break;
        case '\n': rep = attr ? "&#10;" : NULL; break;
        case '\t': rep = attr ? "&#9;" : NULL; break;
        case '\0': break;
        default: continue;
        }
        if (!rep && *p)
            continue;
        buf_append(b, run, (size_t)(p - run));
        if (!*p)
            return;
        buf_puts(b, rep);
        run = p + 1;
    }
}

static void x_attr(buf *b, const char *name, const char *v)
{
    if (!v)
        return;
    buf_putc(b, ' ');
    buf_puts(b, name);
    buf_append(b, "=\"", 2);
    x_escape(b, v, true);
    buf_putc(b, '"');
}

static void x_text(buf *b, const char *v)
{
    x_escape(b, v ? v : "", false);
}

static void x_time(buf *b, const char *name, od_minute t)
{
    if (t == REC_NO_TIME)
        return;
    char s[17];
    od_format_instant(t, s);
    x_attr(b, name, s);
}

static void x_date(buf *b, const char *name, od_date t)
{
    if (t == REC_NO_DATE)
        return;
    char s[11];
    od_format_date(t, s);
    x_attr(b, name, s);
}

static void x_int(buf *b, const char *name, int v)
{
    if (!v)
        return;
    char s[16];
    snprintf(s, sizeof s, "%d", v);
    x_attr(b, name, s);
}

static void emit_inspection(buf *b, const records *r, size_t i)
{
    const rec_inspection *in = &r->inspections.v[i];
    buf_puts(b, "  <inspection");
    x_attr(b, "id", in->id);
    x_attr(b, "kind", v_insp_kind[in->kind]);
    x_attr(b, "system", in->system);
    x_time(b, "at", in->at);
    x_attr(b, "inspector", in->inspector);
    x_attr(b, "reviewer", in->reviewer);
    buf_puts(b, ">\n");
    for (size_t k = in->check_first; k < in->check_first + in->check_count; k++) {
        const rec_check *c = &r->checks.v[k];
        buf_puts(b, "    <check");
        x_attr(b, "name", c->name);
        x_attr(b, "result", v_result[c->result]);
        x_attr(b, "value", c->value);
        x_attr(b, "note", c->note);
        buf_puts(b, "/>\n");
    }
    for (size_t k = in->finding_first; k < in->finding_first + in->finding_count; k++) {
        const rec_finding *f = &r->findings.v[k];
        buf_puts(b, "    <finding");
        x_attr(b, "id", f->id);
        x_attr(b, "scope", f->in_scope ? "in" : "out");
        if (f->hazard)
            x_attr(b, "hazard", "true");
        x_time(b, "found", f->found);
        x_time(b, "reported", f->reported);
        x_time(b, "resolved", f->resolved);
        x_attr(b, "incident", f->incident);
        buf_putc(b, '>');
        x_text(b, f->text);
        buf_puts(b, "</finding>\n");
    }
    buf_puts(b, "  </inspection>\n");
}

static void x_elem_text(buf *b, const char *name, const char *text)
{
    if (!text)
        return;
    buf_printf(b, "    <%s>", name);
    x_text(b, text);
    buf_printf(b, "</%s>\n", name);
}

static void emit_incident(buf *b, const records *r, size_t i)
{
    const rec_incident *in = &r->incidents.v[i];
    buf_puts(b, "  <incident");
    x_attr(b, "id", in->id);
    x_attr(b, "system", in->system);
    x_attr(b, "kind", v_inc_kind[in->kind]);
    x_int(b, "level", in->level);
    if (in->cause != REC_CAUSE_NONE)
        x_attr(b, "cause", v_cause[in->cause - 1]);
    if (in->onsite_required)
        x_attr(b, "onsite-required", "true");
    if (in->impact != REC_IMPACT_NONE)
        x_attr(b, "impact", v_impact[in->impact - 1]);
    if (in->has_deduction) {
        char s[32];
        snprintf(s, sizeof s, "%g", in->deduction);
        x_attr(b, "deduction", s);
    }
    x_attr(b, "repeat-of", in->repeat_of);
    if (in->data_loss)
        x_attr(b, "data-loss", "true");
    buf_puts(b, ">\n");
    if (in->title && *in->title)
        x_elem_text(b, "title", in->title);
    buf_puts(b, "    <reported");
    x_time(b, "at", in->reported);
    x_attr(b, "by", in->reported_by);
    x_attr(b, "channel", in->channel);
    buf_puts(b, "/>\n");
    if (in->responded != REC_NO_TIME) {
        buf_puts(b, "    <responded");
        x_time(b, "at", in->responded);
        x_attr(b, "by", in->responded_by);
        buf_puts(b, "/>\n");
    }
    if (in->onsite != REC_NO_TIME) {
        buf_puts(b, "    <onsite");
        x_time(b, "at", in->onsite);
        buf_puts(b, "/>\n");
    }
    if (in->resolved != REC_NO_TIME) {
        buf_puts(b, "    <resolved");
        x_time(b, "at", in->resolved);
        buf_puts(b, "/>\n");
    }
    for (size_t k = in->outage_first; k < in->outage_first + in->outage_count; k++) {
        const rec_outage *o = &r->outages.v[k];
        buf_puts(b, "    <outage");
        x_time(b, "start", o->start);
        x_time(b, "end", o->end);
        x_attr(b, "module", o->module);
        buf_puts(b, "/>\n");
    }
    x_elem_text(b, "cause-text", in->cause_text);
    x_elem_text(b, "action", in->action);
    if (in->suggestion) {
        buf_puts(b, "    <suggestion");
        if (in->suggestion_adopted)
            x_attr(b, "adopted", "true");
        buf_putc(b, '>');
        x_text(b, in->suggestion);
        buf_puts(b, "</suggestion>\n");
    }
    if (in->report_submitted != REC_NO_DATE) {
        buf_puts(b, "    <report");
        x_date(b, "submitted", in->report_submitted);
        buf_puts(b, "/>\n");
    }
    buf_puts(b, "  </incident>\n");
}

static void emit_document(buf *b, const records *r, size_t i)
{
    const rec_document *doc = &r->documents.v[i];
    buf_puts(b, "  <document");
    x_attr(b, "kind", doc->kind_name);
    x_attr(b, "period", doc->period);
    x_attr(b, "ref", doc->ref);
    x_date(b, "submitted", doc->submitted);
    x_int(b, "missing-items", doc->missing_items);
    x_int(b, "typos", doc->typos);
    x_int(b, "inaccuracies", doc->inaccuracies);
    if (!doc->filed)
        x_attr(b, "filed", "false");
    buf_puts(b, "/>\n");
}

static void emit_survey(buf *b, const rec_survey *s)
{
    buf_puts(b, "  <survey");
    x_date(b, "date", s->date);
    x_attr(b, "kind", v_survey_kind[s->kind]);
    x_attr(b, "respondent", s->respondent);
    x_attr(b, "rating", v_rating[s->rating]);
    buf_puts(b, "/>\n");
}

static void emit_remark(buf *b, const char *el, const rec_remark *m)
{
    buf_printf(b, "  <%s", el);
    x_date(b, "date", m->date);
    x_attr(b, "from", v_importance[m->from]);
    buf_putc(b, '>');
    x_text(b, m->text);
    buf_printf(b, "</%s>\n", el);
}

/* Identity of a record of a kind without ids: what names it to a reader. */
static void key_document(buf *b, const rec_document *doc)
{
    buf_printf(b, "document|%s|%s|%s", doc->kind_name, doc->period ? doc->period : "", doc->ref ? doc->ref : "");
    if (!doc->period && !doc->ref) {
        char s[11];
        od_format_date(doc->submitted, s);
        buf_printf(b, "|%s", s);
    }
}

static void key_survey(buf *b, const rec_survey *s)
{
    char day[11];
    od_format_date(s->date, day);
    buf_printf(b, "survey|%s|%s|%s", day, v_survey_kind[s->kind], s->respondent ? s->respondent : "");
}

static void key_remark(buf *b, const char *el, const rec_remark *m)
{
    char day[11];
    od_format_date(m->date, day);
    buf_printf(b, "%s|%s|%s", el, day, m->text ? m->text : "");
}

/* ---- the run ------------------------------------------------------------ */

#define IMP_MAX_FIELDS 32

typedef struct imp {
    const import_request *rq;
    diag *d;
    const imp_kinddef *kd;
    import_map *map;
    records *old;
    imp_table old_keys, seen;
    arena key_mem;
    records *cur;              /* the record being built (its vectors and strings) */
    arena row_mem;             /* this row's values */
    /* columns */
    bool header_done;
    int col_of[IMP_MAX_FIELDS];            /* field -> column, -1 absent */
    const imap_field *mf[IMP_MAX_FIELDS];  /* field -> its map entry */
    char *col_header[IMP_MAX_FIELDS];
    char *prev[IMP_MAX_FIELDS];            /* fill-down of inspection group fields */
    const char *val[IMP_MAX_FIELDS];       /* this row's values, NULL when empty */
    /* the pending record */
    bool pending;
    char *pending_key;
    long pending_row;
    /* output */
    FILE *out;          /* tmp.f while it is open */
    atomic_new tmp;     /* the new record file, until it is placed (atomicout) */
    uint64_t content;
    size_t written, skipped, rows;
    unsigned errors;
    buf frag, other, key;
    long row;
} imp;

static char *imp_vfmt(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        return NULL;
    return s;
}

/* "FILE:ROW:COL: error: column "HEADER": message" (COL when the field has a column). */
static void __attribute__((format(printf, 3, 4))) imp_err(imp *I, int field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = imp_vfmt(_(fmt), ap);
    va_end(ap);
    char loc[PATH_MAX + 64];
    if (field >= 0 && I->col_of[field] >= 0) {
        char col[8];
        tab_column_name((size_t)I->col_of[field], col);
        (void)snprintf(loc, sizeof loc, "%s:%ld:%s", I->rq->file, I->row, col);
        diag_error(I->d, loc, 0, "column \"%s\" (%s): %s", I->col_header[field], I->kd->fields[field].name,
                   msg ? msg : "out of memory");
    } else if (field >= 0) {
        (void)snprintf(loc, sizeof loc, "%s:%ld", I->rq->file, I->row);
        diag_error(I->d, loc, 0, "%s: %s", I->kd->fields[field].name, msg ? msg : "out of memory");
    } else {
        (void)snprintf(loc, sizeof loc, "%s:%ld", I->rq->file, I->row);
        diag_error(I->d, loc, 0, "%s", msg ? msg : "out of memory");
    }
    free(msg);
    I->errors++;
}

static const char *imp_trim(arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    if (strncmp(s, "\xE3\x80\x80", 3) == 0)   /* ideographic space */
        return imp_trim(a, s + 3);
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return arena_strndup(a, s, n);
}

static void imp_aliases_text(const imap_field *f, buf *b)
{
    for (size_t i = 0; f && i < f->n_aliases && i < 12; i++)
        buf_printf(b, "%s%s", i ? ", " : "", f->aliases[i].from);
}

static bool imp_enum(imp *I, int k, int *out)
{
    const char *v = I->val[k];
    if (!v)
        return false;
    const char *const *vals = I->kd->fields[k].values;
    for (int i = 0; vals[i]; i++)
        if (strcasecmp(vals[i], v) == 0) {
            *out = i;
            return true;
        }
    buf b;
    buf_init(&b, 4096);
    for (int i = 0; vals[i]; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", vals[i]);
    if (I->mf[k] && I->mf[k]->n_aliases) {
        buf_puts(&b, "; or as the map spells them: ");
        imp_aliases_text(I->mf[k], &b);
    }
    imp_err(I, k, "\"%s\" is not a %s value (expected %s)", v, I->kd->fields[k].name, buf_cstr(&b) ? buf_cstr(&b) : "");
    buf_free(&b);
    *out = -1;
    return false;
}

static bool imp_instant_text(imp *I, int k, const char *v, od_minute *out, bool *has_time)
{
    if (imap_parse_time(I->map, v, out, has_time))
        return true;
    char formats[512];
    imap_formats_text(I->map, formats, sizeof formats);
    imp_err(I, k, "\"%s\" is not a date and time the map reads (expected one of: %s)", v, formats);
    return false;
}

static bool imp_instant(imp *I, int k, od_minute *out)
{
    *out = REC_NO_TIME;
    if (!I->val[k])
        return false;
    bool has_time;
    return imp_instant_text(I, k, I->val[k], out, &has_time);
}

static bool imp_date(imp *I, int k, od_date *out)
{
    *out = REC_NO_DATE;
    od_minute t;
    bool has_time;
    if (!I->val[k] || !imp_instant_text(I, k, I->val[k], &t, &has_time))
        return false;
    *out = od_minute_day(t);
    return true;
}

static bool imp_int(imp *I, int k, int lo, int hi, int *out)
{
    const char *v = I->val[k];
    if (!v)
        return false;
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || x != (double)(long)x || x < lo || x > hi) {
        imp_err(I, k, "\"%s\" is not a whole number from %d to %d", v, lo, hi);
        return false;
    }
    *out = (int)x;
    return true;
}

static bool imp_bool(imp *I, int k, bool *out)
{
    const char *v = I->val[k];
    if (!v)
        return false;
    static const char *const yes[] = {"true", "yes", "y", "1", "是", "有", "√", NULL};
    static const char *const no[] = {"false", "no", "n", "0", "否", "无", "×", NULL};
    for (int i = 0; yes[i]; i++)
        if (strcasecmp(v, yes[i]) == 0)
            return *out = true;
    for (int i = 0; no[i]; i++)
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return true;
        }
    imp_err(I, k, "\"%s\" is not yes or no (expected true/false, 是/否, 1/0)", v);
    return false;
}

static const char *imp_str(imp *I, int k)
{
    return I->val[k] ? arena_strdup(&I->cur->mem, I->val[k]) : NULL;
}

static bool imp_required(imp *I, int k)
{
    if (I->val[k])
        return true;
    imp_err(I, k, "is empty (expected a value%s)", I->col_of[k] < 0 ? "; the sheet has no column for it" : "");
    return false;
}

/* A system id of the contract. */
static bool imp_system(imp *I, int k, size_t *index)
{
    if (!imp_required(I, k))
        return false;
    *index = records_find_system(I->old, I->val[k]);
    if (*index != REC_NO_INDEX)
        return true;
    /* A sheet names systems as people do: the contract's name is as good
     * as its id. */
    for (size_t i = 0; i < I->old->contract.systems.n; i++)
        if (strcmp(I->old->contract.systems.v[i].name, I->val[k]) == 0) {
            *index = i;
            I->val[k] = I->old->contract.systems.v[i].id;
            return true;
        }
    buf b;
    buf_init(&b, 4096);
    for (size_t i = 0; i < I->old->contract.systems.n; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", I->old->contract.systems.v[i].id);
    imp_err(I, k, "\"%s\" is not a system of the contract (expected %s, or a <value> alias in the map)", I->val[k],
            buf_cstr(&b) ? buf_cstr(&b) : "");
    buf_free(&b);
    return false;
}

/* ---- writing a finished record ------------------------------------------ */

static void imp_reset_cur(imp *I)
{
    records *r = I->cur;
    r->inspections.n = r->checks.n = r->findings.n = 0;
    r->incidents.n = r->outages.n = r->documents.n = 0;
    r->surveys.n = r->complaints.n = r->praise.n = 0;
    arena_free(&r->mem);
    arena_init(&r->mem, 16 * 1024);
    I->pending = false;
}

/* The canonical XML of the existing record behind key slot s. */
static void imp_emit_old(imp *I, const char *key, size_t index, buf *b)
{
    switch (I->kd->kind) {
    case REC_KIND_INSPECTIONS: emit_inspection(b, I->old, index); break;
    case REC_KIND_INCIDENTS: emit_incident(b, I->old, index); break;
    case REC_KIND_DELIVERABLES: emit_document(b, I->old, index); break;
    default:
        if (strncmp(key, "survey|", 7) == 0)
            emit_survey(b, &I->old->surveys.v[index]);
        else if (strncmp(key, "complaint|", 10) == 0)
            emit_remark(b, "complaint", &I->old->complaints.v[index]);
        else
            emit_remark(b, "praise", &I->old->praise.v[index]);
    }
}

static const rec_src *imp_old_src(imp *I, const char *key, size_t index)
{
    switch (I->kd->kind) {
    case REC_KIND_INSPECTIONS: return &I->old->inspections.v[index].src;
    case REC_KIND_INCIDENTS: return &I->old->incidents.v[index].src;
    case REC_KIND_DELIVERABLES: return &I->old->documents.v[index].src;
    default:
        if (strncmp(key, "survey|", 7) == 0)
            return &I->old->surveys.v[index].src;
        if (strncmp(key, "complaint|", 10) == 0)
            return &I->old->complaints.v[index].src;
        return &I->old->praise.v[index].src;
    }
}

/* Emits the pending record: skipped when DIR or an earlier row already has
 * it, an error when either has a different record under the same key. */
static or_status imp_flush(imp *I)
{
    if (!I->pending)
        return OR_OK;
    records *r = I->cur;
    buf_reset(&I->frag);
    buf_reset(&I->key);
    if (r->inspections.n) {
        emit_inspection(&I->frag, r, 0);
        buf_puts(&I->key, r->inspections.v[0].id);
    } else if (r->incidents.n) {
        emit_incident(&I->frag, r, 0);
        buf_puts(&I->key, r->incidents.v[0].id);
    } else if (r->documents.n) {
        emit_document(&I->frag, r, 0);
        key_document(&I->key, &r->documents.v[0]);
    } else if (r->surveys.n) {
        emit_survey(&I->frag, &r->surveys.v[0]);
        key_survey(&I->key, &r->surveys.v[0]);
    } else if (r->complaints.n) {
        emit_remark(&I->frag, "complaint", &r->complaints.v[0]);
        key_remark(&I->key, "complaint", &r->complaints.v[0]);
    } else if (r->praise.n) {
        emit_remark(&I->frag, "praise", &r->praise.v[0]);
        key_remark(&I->key, "praise", &r->praise.v[0]);
    }
    const char *frag = buf_cstr(&I->frag), *key = buf_cstr(&I->key);
    if (!frag || !key)
        return diag_nomem(I->d);
    long row = I->row;
    I->row = I->pending_row;
    uint64_t h = imp_hash(frag, I->frag.len);
    imp_slot *old = imp_find(&I->old_keys, key);
    if (old) {
        buf_reset(&I->other);
        imp_emit_old(I, key, (size_t)old->row, &I->other);
        const rec_src *src = imp_old_src(I, key, (size_t)old->row);
        if (I->other.failed)
            return diag_nomem(I->d);
        if (I->other.len == I->frag.len && memcmp(I->other.data, frag, I->frag.len) == 0)
            I->skipped++;
        else
            imp_err(I, -1, "%s \"%s\" is already in %s:%ld with other content (expected the same record, or a new id)",
                    I->kd->kind == REC_KIND_INSPECTIONS ? "inspection" : I->kd->kind == REC_KIND_INCIDENTS ? "incident" : "record",
                    key, src->file, src->line);
        I->row = row;
        imp_reset_cur(I);
        return OR_OK;
    }
    imp_slot *seen = imp_find(&I->seen, key);
    if (seen) {
        if (seen->content == h)
            I->skipped++;
        else
            imp_err(I, -1, "\"%s\" was already made from row %ld with other content (expected the rows of one record "
                    "together, or distinct ids)", key, seen->row);
    } else {
        char *k = arena_strdup(&I->key_mem, key);
        imp_slot *s = k ? imp_insert(&I->seen, k) : NULL;
        if (!s)
            return diag_nomem(I->d);
        s->content = h;
        s->row = I->pending_row;
        if (I->errors == 0 && fwrite(frag, 1, I->frag.len, I->out) != I->frag.len) {
            diag_error(I->d, I->tmp.tmp, 0, "cannot write: %s", strerror(errno));
            return OR_ESYS;
        }
        for (size_t i = 0; i < I->frag.len; i++)
            I->content = (I->content ^ (unsigned char)frag[i]) * 1099511628211ull;
        I->written++;
    }
    I->row = row;
    imp_reset_cur(I);
    return OR_OK;
}

/* ---- rows of each kind --------------------------------------------------- */

static or_status imp_begin(imp *I, const char *key)
{
    char *k = arena_strdup(&I->cur->mem, key);
    if (!k)
        return diag_nomem(I->d);
    I->pending = true;
    I->pending_key = k;
    I->pending_row = I->row;
    return OR_OK;
}

#define PUSH(vec) rec_push_local(&(vec).v, &(vec).n, &(vec).cap, sizeof *(vec).v)
static void *rec_push_local(void *items, size_t *n, size_t *cap, size_t size)
{
    if (or_grow(items, cap, *n + 1, size) != 0)
        return NULL;
    unsigned char *p = *(unsigned char **)items + *n * size;
    memset(p, 0, size);
    (*n)++;
    return p;
}

static or_status row_inspection(imp *I)
{
    records *r = I->cur;
    unsigned errors = I->errors;
    int kind = -1;
    size_t sys = REC_NO_INDEX;
    od_minute at = REC_NO_TIME;
    bool has_time = false;
    if (imp_required(I, I_KIND))
        imp_enum(I, I_KIND, &kind);
    imp_system(I, I_SYSTEM, &sys);
    if (I->val[I_AT]) {
        imp_instant(I, I_AT, &at);
    } else if (I->val[I_DATE]) {
        char both[256];
        snprintf(both, sizeof both, "%s %s", I->val[I_DATE], I->val[I_TIME] ? I->val[I_TIME] : "");
        const char *t = imp_trim(&I->row_mem, both);
        if (!imap_parse_time(I->map, t, &at, &has_time)) {
            char formats[512];
            imap_formats_text(I->map, formats, sizeof formats);
            imp_err(I, I->val[I_TIME] ? I_TIME : I_DATE, "\"%s\" is not a date and time the map reads (expected one of: %s)", t,
                    formats);
        }
    } else {
        imp_err(I, I_AT, "is empty (expected the inspection's date and time: an at column, or date and time columns)");
    }
    if (I->errors != errors)
        return OR_OK;
    char key[512];
    int y, m, d;
    od_date_to_ymd(od_minute_day(at), &y, &m, &d);
    int hh = (int)((at - od_day_start(od_minute_day(at))) / 60), mi = (int)((at - od_day_start(od_minute_day(at))) % 60);
    char genid[256];
    snprintf(genid, sizeof genid, "%c-%s-%04d%02d%02d-%02d%02d", kind == 0 ? 'P' : 'S', I->val[I_SYSTEM], y, m, d, hh, mi);
    const char *id = I->val[I_ID] ? I->val[I_ID] : genid;
    snprintf(key, sizeof key, "%s", id);
    if (!I->pending || strcmp(I->pending_key, key) != 0) {
        or_status st = imp_flush(I);
        if (st != OR_OK)
            return st;
        if ((st = imp_begin(I, key)) != OR_OK)
            return st;
        rec_inspection *in = PUSH(r->inspections);
        if (!in)
            return diag_nomem(I->d);
        in->id = arena_strdup(&r->mem, id);
        in->kind = (rec_inspection_kind)kind;
        in->system = imp_str(I, I_SYSTEM);
        in->at = at;
        in->inspector = imp_str(I, I_INSPECTOR);
        in->reviewer = imp_str(I, I_REVIEWER);
    }
    rec_inspection *in = &r->inspections.v[0];
    bool any = false;
    if (I->val[I_CHECK]) {
        int result = -1;
        any = true;
        if (imp_required(I, I_RESULT) && imp_enum(I, I_RESULT, &result)) {
            rec_check *c = PUSH(r->checks);
            if (!c)
                return diag_nomem(I->d);
            c->name = imp_str(I, I_CHECK);
            c->result = (rec_result)result;
            c->value = imp_str(I, I_VALUE);
            c->note = imp_str(I, I_NOTE);
            in->check_count++;
        }
    }
    if (I->val[I_FINDING] || I->val[I_FID]) {
        any = true;
        int scope = 0;
        rec_finding f = {.reported = REC_NO_TIME, .resolved = REC_NO_TIME, .found = REC_NO_TIME};
        if (I->val[I_SCOPE])
            imp_enum(I, I_SCOPE, &scope);
        imp_bool(I, I_HAZARD, &f.hazard);
        if (imp_required(I, I_FOUND))
            imp_instant(I, I_FOUND, &f.found);
        imp_instant(I, I_REPORTED, &f.reported);
        imp_instant(I, I_RESOLVED, &f.resolved);
        char fid[300];
        snprintf(fid, sizeof fid, "%s-F%zu", in->id, in->finding_count + 1);
        rec_finding *p = PUSH(r->findings);
        if (!p)
            return diag_nomem(I->d);
        *p = f;
        p->in_scope = scope == 0;
        p->id = I->val[I_FID] ? imp_str(I, I_FID) : arena_strdup(&r->mem, fid);
        p->incident = imp_str(I, I_INCIDENT);
        p->text = I->val[I_FINDING] ? imp_str(I, I_FINDING) : "";
        in->finding_count++;
    }
    if (!any)
        imp_err(I, I_CHECK, "is empty (expected a check item, or a finding, on every row)");
    return OR_OK;
}

static or_status row_incident(imp *I)
{
    records *r = I->cur;
    bool continuation = I->pending && r->incidents.n &&
                        ((I->val[N_ID] && strcmp(I->val[N_ID], r->incidents.v[0].id) == 0) ||
                         (!I->val[N_ID] && !I->val[N_SYSTEM] && !I->val[N_REPORTED] && !I->val[N_TITLE] && I->val[N_OUT_START]));
    if (!continuation) {
        unsigned errors = I->errors;
        int kind = -1, cause = -1, impact = -1, level = 0;
        size_t sys;
        od_minute reported = REC_NO_TIME;
        if (imp_required(I, N_KIND))
            imp_enum(I, N_KIND, &kind);
        imp_system(I, N_SYSTEM, &sys);
        if (imp_required(I, N_REPORTED))
            imp_instant(I, N_REPORTED, &reported);
        if (I->val[N_LEVEL])
            imp_int(I, N_LEVEL, 1, 4, &level);
        imp_enum(I, N_CAUSE, &cause);
        imp_enum(I, N_IMPACT, &impact);
        if (I->errors != errors)
            return OR_OK;
        or_status st = imp_flush(I);
        if (st != OR_OK)
            return st;
        int y, m, d;
        od_date day = od_minute_day(reported);
        od_date_to_ymd(day, &y, &m, &d);
        char genid[256];
        snprintf(genid, sizeof genid, "INC-%s-%04d%02d%02d-%02d%02d", I->val[N_SYSTEM], y, m, d,
                 (int)((reported - od_day_start(day)) / 60), (int)((reported - od_day_start(day)) % 60));
        const char *id = I->val[N_ID] ? I->val[N_ID] : genid;
        if ((st = imp_begin(I, id)) != OR_OK)
            return st;
        rec_incident *in = PUSH(r->incidents);
        if (!in)
            return diag_nomem(I->d);
        in->id = arena_strdup(&r->mem, id);
        in->system = imp_str(I, N_SYSTEM);
        in->kind = (rec_incident_kind)kind;
        in->level = level;
        in->cause = cause < 0 ? REC_CAUSE_NONE : (rec_cause)(cause + 1);
        in->impact = impact < 0 ? REC_IMPACT_NONE : (rec_impact)(impact + 1);
        imp_bool(I, N_ONSITE_REQ, &in->onsite_required);
        in->title = I->val[N_TITLE] ? imp_str(I, N_TITLE) : "";
        in->reported = reported;
        in->reported_by = imp_str(I, N_REPORTED_BY);
        in->channel = imp_str(I, N_CHANNEL);
        imp_instant(I, N_RESPONDED, &in->responded);
        in->responded_by = in->responded != REC_NO_TIME ? imp_str(I, N_RESPONDED_BY) : NULL;
        imp_instant(I, N_ONSITE, &in->onsite);
        imp_instant(I, N_RESOLVED, &in->resolved);
        in->cause_text = imp_str(I, N_CAUSE_TEXT);
        in->action = imp_str(I, N_ACTION);
        in->suggestion = imp_str(I, N_SUGGESTION);
        imp_bool(I, N_ADOPTED, &in->suggestion_adopted);
        imp_date(I, N_REPORT, &in->report_submitted);
        if (I->val[N_DEDUCTION]) {
            char *end;
            in->deduction = strtod(I->val[N_DEDUCTION], &end);
            in->has_deduction = end != I->val[N_DEDUCTION] && !*end;
            if (!in->has_deduction)
                imp_err(I, N_DEDUCTION, "\"%s\" is not a number of points", I->val[N_DEDUCTION]);
        }
        in->repeat_of = imp_str(I, N_REPEAT);
        imp_bool(I, N_DATA_LOSS, &in->data_loss);
    }
    if (I->val[N_OUT_START] || I->val[N_OUT_END]) {
        rec_incident *in = &r->incidents.v[0];
        rec_outage o = {0};
        if (imp_required(I, N_OUT_START) && imp_required(I, N_OUT_END) && imp_instant(I, N_OUT_START, &o.start) &&
            imp_instant(I, N_OUT_END, &o.end)) {
            if (I->val[N_MODULE]) {
                const rec_contract *c = &I->old->contract;
                const rec_system *s = &c->systems.v[records_find_system(I->old, in->system)];
                bool found = false;
                for (size_t k = s->module_first; k < s->module_first + s->module_count; k++)
                    found = found || strcmp(c->modules.v[k].id, I->val[N_MODULE]) == 0;
                if (!found)
                    imp_err(I, N_MODULE, "\"%s\" is not a module of system %s (see its <module> ids in the contract)",
                            I->val[N_MODULE], in->system);
            }
            rec_outage *p = PUSH(r->outages);
            if (!p)
                return diag_nomem(I->d);
            *p = o;
            p->module = imp_str(I, N_MODULE);
            in->outage_count++;
        }
    }
    return OR_OK;
}

static or_status row_document(imp *I)
{
    unsigned errors = I->errors;
    od_date submitted = REC_NO_DATE;
    imp_required(I, D_KIND);
    if (imp_required(I, D_SUBMITTED))
        imp_date(I, D_SUBMITTED, &submitted);
    int missing = 0, typos = 0, inacc = 0;
    bool filed = true;
    imp_int(I, D_MISSING, 0, 100000, &missing);
    imp_int(I, D_TYPOS, 0, 100000, &typos);
    imp_int(I, D_INACCURACIES, 0, 100000, &inacc);
    imp_bool(I, D_FILED, &filed);
    if (I->errors != errors)
        return OR_OK;
    or_status st = imp_flush(I);
    if (st == OR_OK)
        st = imp_begin(I, "");
    rec_document *doc = st == OR_OK ? PUSH(I->cur->documents) : NULL;
    if (!doc)
        return st == OR_OK ? diag_nomem(I->d) : st;
    doc->kind_name = imp_str(I, D_KIND);
    doc->period = imp_str(I, D_PERIOD);
    doc->ref = imp_str(I, D_REF);
    doc->submitted = submitted;
    doc->missing_items = missing;
    doc->typos = typos;
    doc->inaccuracies = inacc;
    doc->filed = filed;
    return OR_OK;
}

static or_status row_feedback(imp *I)
{
    unsigned errors = I->errors;
    int type = 0, kind = -1, rating = -1, from = -1;
    od_date date = REC_NO_DATE;
    if (I->val[B_TYPE])
        imp_enum(I, B_TYPE, &type);
    if (imp_required(I, B_DATE))
        imp_date(I, B_DATE, &date);
    if (type == 0) {
        if (imp_required(I, B_KIND))
            imp_enum(I, B_KIND, &kind);
        if (imp_required(I, B_RATING))
            imp_enum(I, B_RATING, &rating);
    } else if (type > 0) {
        if (imp_required(I, B_FROM))
            imp_enum(I, B_FROM, &from);
        imp_required(I, B_TEXT);
    }
    if (I->errors != errors)
        return OR_OK;
    or_status st = imp_flush(I);
    if (st == OR_OK)
        st = imp_begin(I, "");
    if (st != OR_OK)
        return st;
    records *r = I->cur;
    if (type == 0) {
        rec_survey *s = PUSH(r->surveys);
        if (!s)
            return diag_nomem(I->d);
        s->date = date;
        s->kind = (rec_survey_kind)kind;
        s->respondent = imp_str(I, B_RESPONDENT);
        s->rating = (rec_rating)rating;
    } else {
        rec_remark *m = type == 1 ? PUSH(r->complaints) : PUSH(r->praise);
        if (!m)
            return diag_nomem(I->d);
        m->date = date;
        m->from = (rec_importance)from;
        m->text = imp_str(I, B_TEXT);
    }
    return OR_OK;
}

/* ---- header and rows ----------------------------------------------------- */

/* Fields that a merged cell (or a sheet saved from one as CSV, which keeps
 * the value in the first row only) leaves blank below its first row.  The
 * fields that say which inspection a row is in fill down one by one (a
 * date merged over a day's inspections); inspector and reviewer only on a
 * row that names no inspection at all (a continuation row), so that one
 * inspection's reviewer never passes to the next. */
static bool imp_key_field(const imp *I, int k)
{
    return I->kd->kind == REC_KIND_INSPECTIONS &&
           (k == I_ID || k == I_KIND || k == I_SYSTEM || k == I_AT || k == I_DATE || k == I_TIME);
}

static bool imp_person_field(const imp *I, int k)
{
    return I->kd->kind == REC_KIND_INSPECTIONS && (k == I_INSPECTOR || k == I_REVIEWER);
}

static or_status imp_header(imp *I, size_t ncells, const char *const *cells)
{
    for (size_t k = 0; k < I->kd->n_fields; k++) {
        I->col_of[k] = -1;
        I->mf[k] = imap_field_named(I->map, I->kd->fields[k].name);
    }
    for (size_t c = 0; c < ncells; c++) {
        const char *h = imp_trim(&I->row_mem, cells[c]);
        if (!h)
            return diag_nomem(I->d);
        if (!*h)
            continue;
        bool ignored;
        const imap_field *f = imap_field_for_header(I->map, h, &ignored);
        if (ignored)
            continue;
        char col[8], loc[PATH_MAX + 32];
        tab_column_name(c, col);
        (void)snprintf(loc, sizeof loc, "%s:%ld:%s", I->rq->file, I->row, col);
        if (!f) {
            buf b;
            buf_init(&b, 8192);
            for (size_t i = 0; i < I->map->n_fields; i++)
                for (size_t j = 0; j < I->map->fields[i].n_headers; j++)
                    buf_printf(&b, "%s%s", b.len ? ", " : "", I->map->fields[i].headers[j]);
            diag_error(I->d, loc, 0, "unknown column header \"%s\" (expected one of %s, or an <ignore> for it in the map %s)", h,
                       buf_cstr(&b) ? buf_cstr(&b) : "", I->map->path);
            buf_free(&b);
            I->errors++;
            continue;
        }
        int k = -1;
        for (size_t i = 0; i < I->kd->n_fields; i++)
            if (strcmp(I->kd->fields[i].name, f->name) == 0)
                k = (int)i;
        if (k < 0) {
            diag_error(I->d, loc, 0, "the map %s:%ld gives header \"%s\" to field \"%s\", which %s records do not have",
                       I->map->path, f->line, h, f->name, I->kd->name);
            I->errors++;
            continue;
        }
        if (I->col_of[k] >= 0) {
            char other[8];
            tab_column_name((size_t)I->col_of[k], other);
            diag_error(I->d, loc, 0, "header \"%s\" is a second column for field %s (column %s has it already)", h, f->name, other);
            I->errors++;
            continue;
        }
        I->col_of[k] = (int)c;
        if (!(I->col_header[k] = or_strdup(h)))
            return diag_nomem(I->d);
    }
    I->header_done = true;
    return OR_OK;
}

static or_status imp_row(void *ctx, long row, size_t ncells, const char *const *cells)
{
    imp *I = ctx;
    I->row = row;
    arena_free(&I->row_mem);
    arena_init(&I->row_mem, 4096);
    if (!I->header_done)
        return imp_header(I, ncells, cells);
    I->rows++;
    bool continuation = true;
    for (size_t k = 0; k < I->kd->n_fields; k++) {
        const char *v = NULL;
        if (I->col_of[k] >= 0 && (size_t)I->col_of[k] < ncells) {
            v = imp_trim(&I->row_mem, cells[I->col_of[k]]);
            if (!v)
                return diag_nomem(I->d);
        }
        I->val[k] = v;
        if (imp_key_field(I, (int)k) && v && *v)
            continuation = false;
    }
    for (size_t k = 0; k < I->kd->n_fields; k++) {
        const char *v = I->val[k];
        if (imp_key_field(I, (int)k) || imp_person_field(I, (int)k)) {
            if (v && *v) {
                or_free(I->prev[k]);
                if (!(I->prev[k] = or_strdup(v)))
                    return diag_nomem(I->d);
            } else if (imp_key_field(I, (int)k) || continuation) {
                v = I->prev[k];
            }
        }
        if ((!v || !*v) && I->mf[k] && I->mf[k]->fallback)
            v = I->mf[k]->fallback;
        if (v && *v)
            v = imap_alias_value(I->mf[k], v);
        I->val[k] = v && *v ? v : NULL;
    }
    or_status st;
    switch (I->kd->kind) {
    case REC_KIND_INSPECTIONS: st = row_inspection(I); break;
    case REC_KIND_INCIDENTS: st = row_incident(I); break;
    case REC_KIND_DELIVERABLES: st = row_document(I); break;
    default: st = row_feedback(I); break;
    }
    if (st == OR_OK && I->errors >= IMP_MAX_ERRORS) {
        diag_error(I->d, I->rq->file, 0, "stopped after %u errors", I->errors);
        return OR_EINPUT;
    }
    return st;
}

/* ---- existing records ---------------------------------------------------- */

static or_status imp_index_old(imp *I)
{
    records *r = I->old;
    buf k;
    buf_init(&k, 0);
#define IMP_KEY(expr, idx)                                                   \
    do {                                                                    \
        buf_reset(&k);                                                      \
        expr;                                                               \
        const char *ks = buf_cstr(&k);                                      \
        char *kk = ks ? arena_strdup(&I->key_mem, ks) : NULL;               \
        imp_slot *s = kk ? imp_insert(&I->old_keys, kk) : NULL;             \
        if (!s) {                                                           \
            buf_free(&k);                                                   \
            return diag_nomem(I->d);                                        \
        }                                                                   \
        s->row = (long)(idx);                                               \
    } while (0)
    switch (I->kd->kind) {
    case REC_KIND_INSPECTIONS:
        for (size_t i = 0; i < r->inspections.n; i++)
            IMP_KEY(buf_puts(&k, r->inspections.v[i].id), i);
        break;
    case REC_KIND_INCIDENTS:
        for (size_t i = 0; i < r->incidents.n; i++)
            IMP_KEY(buf_puts(&k, r->incidents.v[i].id), i);
        break;
    case REC_KIND_DELIVERABLES:
        for (size_t i = 0; i < r->documents.n; i++)
            IMP_KEY(key_document(&k, &r->documents.v[i]), i);
        break;
    default:
        for (size_t i = 0; i < r->surveys.n; i++)
            IMP_KEY(key_survey(&k, &r->surveys.v[i]), i);
        for (size_t i = 0; i < r->complaints.n; i++)
            IMP_KEY(key_remark(&k, "complaint", &r->complaints.v[i]), i);
        for (size_t i = 0; i < r->praise.n; i++)
            IMP_KEY(key_remark(&k, "praise", &r->praise.v[i]), i);
    }
#undef IMP_KEY
    buf_free(&k);
    return OR_OK;
}

static int imp_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Loads DIR's record files plus the new one, as `check` would. */
static or_status imp_validate(imp *I, const char *schema_dir)
{
    DIR *dh = opendir(I->rq->data_dir);
    if (!dh) {
        diag_error(I->d, I->rq->data_dir, 0, "cannot open: %s", strerror(errno));
        return OR_ESYS;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    or_status st = OR_OK;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL && st == OR_OK) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0)
            continue;
        char *p = NULL;
        if (asprintf(&p, "%s/%s", I->rq->data_dir, e->d_name) < 0 || or_grow(&names, &cap, n + 2, sizeof *names) != 0) {
            free(p);
            st = diag_nomem(I->d);
            break;
        }
        names[n++] = p;
    }
    closedir(dh);
    if (st == OR_OK && or_grow(&names, &cap, n + 1, sizeof *names) != 0)
        st = diag_nomem(I->d);
    if (st == OR_OK) {
        qsort(names, n, sizeof *names, imp_strcmp_p);
        names[n] = I->tmp.tmp;
        records *all = NULL;
        st = records_load_files(&all, (const char *const *)names, n + 1, schema_dir, I->d);
        records_free(all);
        if (st == OR_EINPUT)
            diag_error(I->d, I->rq->file, 0, "the records made from it do not check with %s (the file named above is the "
                       "new one); nothing written", I->rq->data_dir);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    or_free(names);
    return st;
}

static bool imp_ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcasecmp(s + a - b, tail) == 0;
}

or_status import_run(const import_request *rq, diag *d)
{
    const imp_kinddef *kd = NULL;
    for (size_t i = 0; i < sizeof imp_kinds / sizeof *imp_kinds; i++)
        if (strcmp(imp_kinds[i].name, rq->kind) == 0)
            kd = &imp_kinds[i];
    if (!kd) {
        diag_error(d, NULL, 0, "import %s: not a kind that can be imported (expected inspections, incidents, deliverables, "
                   "feedback or probes)", rq->kind);
        return OR_EUSAGE;
    }
    bool xlsx = imp_ends_with(rq->file, ".xlsx") || imp_ends_with(rq->file, ".xlsm");
    if (!xlsx && !imp_ends_with(rq->file, ".csv") && !imp_ends_with(rq->file, ".txt")) {
        diag_error(d, rq->file, 0, "not a .csv or .xlsx file (expected a sheet saved as CSV or as an Excel workbook)");
        return OR_EINPUT;
    }
    if (rq->output && (strchr(rq->output, '/') || !imp_ends_with(rq->output, ".xml") || rq->output[0] == '.')) {
        diag_error(d, NULL, 0, "-o %s: expected a file name ending in .xml, without a directory (it goes into --data)", rq->output);
        return OR_EUSAGE;
    }
    char schema_dir[PATH_MAX], map_schema[PATH_MAX], map_path[PATH_MAX];
    or_status pst = path_format(d, schema_dir, sizeof schema_dir, "%s/data/schema", rq->home);
    if (pst == OR_OK)
        pst = path_format(d, map_schema, sizeof map_schema, "%s/data/schema/import-map.rng", rq->home);
    if (pst == OR_OK)
        pst = path_format(d, map_path, sizeof map_path, "%s/data/maps/%s.xml", rq->home, rq->kind);
    if (pst != OR_OK)
        return pst;
    imp I = {.rq = rq, .d = d, .kd = kd};
    arena_init(&I.key_mem, 0);
    arena_init(&I.row_mem, 4096);
    buf_init(&I.frag, 0);
    buf_init(&I.other, 0);
    buf_init(&I.key, 0);
    I.content = 1469598103934665603ull;
    or_status st = imap_load(&I.map, rq->map ? rq->map : map_path, map_schema, d);
    if (st == OR_OK && strcmp(I.map->kind, rq->kind) != 0) {
        diag_error(d, I.map->path, 0, "a map for %s (expected one for %s)", I.map->kind, rq->kind);
        st = OR_EUSAGE;
    }
    if (st == OR_OK)
        st = records_load_dir(&I.old, rq->data_dir, schema_dir, d);
    if (st == OR_EINPUT)
        diag_error(d, rq->data_dir, 0, "does not check clean (expected a data set that `opsreport check` accepts, with its "
                   "contract; start one with `opsreport init`)");
    if (st == OR_OK)
        st = imp_index_old(&I);
    if (st == OR_OK) {
        I.cur = or_calloc(1, sizeof *I.cur);
        if (!I.cur)
            st = diag_nomem(d);
        else
            arena_init(&I.cur->mem, 16 * 1024);
    }
    if (st == OR_OK) {
        /* dir/.KIND-import.XXXXXX: hidden from the records loader */
        char name[64];
        (void)snprintf(name, sizeof name, "%s-import", rq->kind);   /* a kind is a short word */
        if (atomic_new_open(&I.tmp, rq->data_dir, name) != 0) {
            if (errno == ENOMEM) {
                st = diag_nomem(d);
            } else {
                diag_error(d, rq->data_dir, 0, "cannot write: %s", strerror(errno));
                st = OR_ESYS;
            }
        }
        I.out = I.tmp.f;
    }
    if (st == OR_OK) {
        const char *slash = strrchr(rq->file, '/');
        buf head;
        buf_init(&head, 0);
        buf_printf(&head, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- imported by opsreport from ");
        x_text(&head, slash ? slash + 1 : rq->file);
        buf_printf(&head, " with the map %s -->\n<%s>\n", rq->map ? rq->map : rq->kind, rq->kind);
        if (head.failed || fwrite(head.data, 1, head.len, I.out) != head.len)
            st = OR_ESYS;
        buf_free(&head);
    }
    if (st == OR_OK) {
        st = xlsx ? xlsx_read(rq->file, rq->sheet, imp_row, &I, d) : csvin_read(rq->file, rq->encoding, imp_row, &I, d, NULL);
        if (st == OR_OK)
            st = imp_flush(&I);
        if (st == OR_OK && !I.header_done) {
            diag_error(d, rq->file, 0, "is empty (expected a header row and rows of %s)", rq->kind);
            st = OR_EINPUT;
        }
        if (st == OR_OK && I.errors)
            st = OR_EINPUT;
    }
    if (I.out) {
        if (st == OR_OK && fprintf(I.out, "</%s>\n", rq->kind) < 0)
            st = OR_ESYS;
        if (st == OR_OK)
            st = atomic_new_finish(&I.tmp, d);   /* flushed, fsynced, closed */
        I.out = NULL;
    }
    if (st == OR_OK && I.written)
        st = imp_validate(&I, schema_dir);
    if (st == OR_OK && I.written && rq->dry_run) {
        FILE *f = fopen(I.tmp.tmp, "rb");
        char chunk[65536];
        size_t n;
        while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
            fwrite(chunk, 1, n, stdout);
        if (f)
            fclose(f);
        fprintf(stderr, "opsreport: dry run: %zu records from %zu rows of %s would be written; %zu already there (skipped)\n",
                I.written, I.rows, rq->file, I.skipped);
    } else if (st == OR_OK && I.written) {
        char final[PATH_MAX + 64];
        if (rq->output)
            st = path_format(d, final, sizeof final, "%s/%s", rq->data_dir, rq->output);
        else
            st = path_format(d, final, sizeof final, "%s/%s-import-%012llx.xml", rq->data_dir, rq->kind,
                             (unsigned long long)(I.content & 0xFFFFFFFFFFFFull));
        if (st != OR_OK) {
            /* reported */
        } else if (atomic_new_place(&I.tmp, final) != 0) {
            if (errno == EEXIST)
                diag_error(d, final, 0, "exists already (expected a new file name: import never rewrites a record file; "
                           "give another with -o)");
            else
                diag_error(d, final, 0, "cannot write: %s", strerror(errno));
            st = errno == EEXIST ? OR_EINPUT : OR_ESYS;
        } else if (!rq->quiet) {
            printf("%s: %zu records from %zu rows of %s", final, I.written, I.rows, rq->file);
            if (I.skipped)
                printf("; %zu already there (skipped)", I.skipped);
            printf("\n");
        }
    } else if (st == OR_OK && !rq->quiet) {
        printf("%s: nothing new: all %zu records from %s are already there\n", rq->data_dir, I.skipped, rq->file);
    }
    atomic_new_discard(&I.tmp);   /* closes and removes it unless it was placed */
    if (st == OR_EINPUT && I.errors > 1)
        fprintf(stderr, "opsreport: %u errors; nothing written\n", I.errors);
    for (size_t k = 0; k < IMP_MAX_FIELDS; k++) {
        or_free(I.prev[k]);
        or_free(I.col_header[k]);
    }
    if (I.cur) {
        arena_free(&I.cur->mem);
        I.cur->mem.head = NULL;
        or_free(I.cur->inspections.v);
        or_free(I.cur->checks.v);
        or_free(I.cur->findings.v);
        or_free(I.cur->incidents.v);
        or_free(I.cur->outages.v);
        or_free(I.cur->documents.v);
        or_free(I.cur->surveys.v);
        or_free(I.cur->complaints.v);
        or_free(I.cur->praise.v);
        or_free(I.cur);
    }
    or_free(I.old_keys.v);
    or_free(I.seen.v);
    arena_free(&I.key_mem);
    arena_free(&I.row_mem);
    buf_free(&I.frag);
    buf_free(&I.other);
    buf_free(&I.key);
    records_free(I.old);
    imap_free(I.map);
    return st;
}

static const char import_usage[] =
    "usage: opsreport import KIND FILE --data DIR [--map MAP] [--encoding E] [--sheet NAME] [--dry-run] [-o NAME] [-q]\n"
    "  KIND: inspections, incidents, deliverables, feedback (probes: opsreport import probes --help)\n"
    "  FILE: a .csv (UTF-8, GBK or GB18030, detected unless --encoding) or an .xlsx workbook\n"
    "  --map MAP    mapping file (default: data/maps/KIND.xml of the installation)\n"
    "  --sheet NAME the workbook's sheet (default: the first)\n"
    "  --dry-run    print the record file instead of writing it\n"
    "  -o NAME      the new file's name in DIR (default: KIND-import-HASH.xml)\n";

int import_main(int argc, char **argv, const char *home)
{
    import_request rq = {.home = home};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--data") == 0       ? &rq.data_dir
                            : strcmp(a, "--map") == 0      ? &rq.map
                            : strcmp(a, "--encoding") == 0 ? &rq.encoding
                            : strcmp(a, "--sheet") == 0    ? &rq.sheet
                            : strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ? &rq.output
                                                                                 : NULL;
        if (slot) {
            if (++i == argc) {
                fprintf(stderr, "opsreport: %s needs a value\n%s", a, import_usage);
                return OR_EUSAGE;
            }
            *slot = argv[i];
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(import_usage, stdout);
            return 0;
        } else if (strcmp(a, "--dry-run") == 0) {
            rq.dry_run = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            rq.quiet = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "opsreport: unknown option %s\n%s", a, import_usage);
            return OR_EUSAGE;
        } else if (!rq.kind) {
            rq.kind = a;
        } else if (!rq.file) {
            rq.file = a;
        } else {
            fprintf(stderr, "opsreport: unexpected argument %s\n%s", a, import_usage);
            return OR_EUSAGE;
        }
    }
    if (rq.kind && strcmp(rq.kind, "probes") == 0) {
        fprintf(stderr, "opsreport: import probes: write the source right after the word probes: "
                "opsreport import probes SOURCE --data DIR --system SYS (docs/import-probes.md)\n");
        return OR_EUSAGE;
    }
    if (!rq.kind || !rq.file || !rq.data_dir) {
        fprintf(stderr, "opsreport: import needs %s\n%s", !rq.kind ? "KIND" : !rq.file ? "FILE" : "--data DIR", import_usage);
        return OR_EUSAGE;
    }
    diag d = {.quiet_warnings = rq.quiet};
    return (int)import_run(&rq, &d);
}
