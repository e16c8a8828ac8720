/* facts: every figure the contract asks for, computed for one period.
 *
 * facts_compute reads the records, the working-day calendar (shipped data
 * plus the data set's <calendar> files, already applied by the caller) and
 * the scoring rules (kpi.h), and fills a `facts`: per-system availability
 * and inspections, per-incident SLA figures, expected documents with due
 * dates and lateness, satisfaction, complaints and praise, the acceptance
 * indicators (term start to the period's last day), month-by-month figures,
 * and the KPI: each rule's points with the records that caused them, the
 * score, the grade and the tail payment.  The definitions are those of
 * ../shared/spec/kpi-table.md; every reading the table leaves open is a
 * note of the rules file or of facts.c and is repeated in f->notes.
 *
 * Units: minutes for durations, thousandths ("milli", kpi.h) for points
 * and percents, fen for money; no floating point.  A figure that does not
 * apply is flagged (or -1 for minutes), never 0.
 *
 * Ownership: *out owns everything reachable from it except the records,
 * calendar and rules it points to, which must outlive it.  facts_free
 * releases it (NULL is a no-op). */
#ifndef OR_FACTS_H
#define OR_FACTS_H

#include "arena.h"
#include "buf.h"
#include "calendar.h"
#include "diag.h"
#include "kpi.h"
#include "period.h"
#include "records.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A record (or an absence: file NULL) behind some points of a rule. */
typedef struct facts_cite {
    const char *kind;        /* "incident", "outage", "document", "page-day", ... */
    const char *id;          /* record id, or a name for what is missing */
    rec_src src;             /* src.file NULL: no record (something missing) */
    int64_t points;          /* milli, before any cap */
    const char *detail;      /* why, in words */
    bool fallback;           /* rests on the Mon–Fri calendar fallback */
} facts_cite;

typedef struct facts_rule {
    const char *id, *kind, *label, *category;
    const char *note;        /* NULL when the rule has none; numbers filled in */
    const char *criteria;    /* the scoring standard in words, numbers filled in; NULL: none */
    bool manual;             /* a group of adjustments records */
    int64_t points;          /* milli, after the cap */
    int64_t uncapped;
    bool capped, fallback;
    facts_cite *causes;
    size_t n_causes, cap_causes;
} facts_rule;

/* Availability and inspections of one system over some days. */
typedef struct facts_system {
    size_t system;           /* index into contract.systems */
    const char *id, *name;
    rec_importance importance;
    int64_t period_minutes;       /* length of the days */
    int64_t maintenance_minutes;  /* union of planned windows inside them */
    int64_t total_minutes;        /* period − maintenance; availability applies when > 0 */
    int64_t down_minutes;         /* union of counted outages − maintenance */
    int page_required, page_done;
    int server_required, server_done;
    uint64_t probe_total, probe_ok;   /* probe samples on those days */
} facts_system;

typedef struct facts_incident {
    size_t index;            /* into records.incidents */
    /* From reported, exact to the second; -1: not applicable.  The SLA
     * compares the seconds; the minutes are the seconds rounded up (a
     * minute begun counts), so "≤ N minutes" reads the same on both. */
    int64_t response_s, onsite_s, resolution_s;
    int64_t response, onsite, resolution;   /* whole minutes, rounded up */
    bool response_ok;        /* responded within response-minutes */
    bool has_onsite_ok, onsite_ok;          /* only where on-site was required */
    bool resolution_ok;      /* resolved within resolve-hours (third-party: resolved) */
    bool open_at_end;        /* not resolved by the period's end */
} facts_incident;

typedef struct facts_document {
    rec_doc_kind kind;       /* WEEKLY, MONTHLY, QUARTERLY, HALF_YEAR or INCIDENT */
    od_period unit;          /* the unit reported on (periodic kinds) */
    size_t incident;         /* incident reports: index into records.incidents */
    od_date due;
    od_date submitted;       /* REC_NO_DATE: not submitted */
    size_t deliverable;      /* the deliverable record, or REC_NO_INDEX */
    bool late;
    bool fallback;           /* the due date used the Mon–Fri fallback */
} facts_document;

typedef struct facts_month {
    od_period p;             /* the month, clipped to the period */
    facts_system *systems;   /* one per contract system */
    int incidents;           /* reported in the month */
    int by_level[5];         /* [0] ungraded, [1..4] levels */
    int faults;
} facts_month;

typedef struct facts_indicator {
    const char *id, *label;
    const char *system;      /* NULL: the whole contract */
    const char *required;    /* the requirement in words */
    const char *measured;    /* NULL when nothing could be measured */
    bool pass;
    bool fallback;
} facts_indicator;

typedef struct facts {
    od_period period;
    const records *r;
    const kpi_rules *rules;
    facts_system *systems;
    size_t n_systems;
    facts_incident *incidents;    /* reported in the period, record order */
    size_t n_incidents;
    facts_document *documents;    /* due in the period, by due date */
    size_t n_documents;
    facts_month *months;
    size_t n_months;
    int surveys, satisfied;       /* rate applies when surveys > 0 */
    int complaints[2], praise[2]; /* [REC_IMPORTANT], [REC_GENERAL] */
    od_date acceptance_first, acceptance_last;
    facts_indicator *indicators;
    size_t n_indicators, cap_indicators;
    bool acceptance_pass;
    facts_rule *kpi;
    size_t n_kpi, cap_kpi;
    int64_t points, score;        /* milli; score = base + points */
    const kpi_grade *grade;
    bool kpi_fallback;
    int64_t fee_total_fen;        /* -1: no fee in the contract */
    int64_t tail_percent_milli;   /* -1: no tail payment */
    int64_t tail_fen, returned_fen;   /* valid when tail_percent_milli >= 0 */
    const char **notes;
    size_t n_notes, cap_notes;
    const char **warnings;        /* English, as the facts XML writes them (the same bytes under every locale) */
    const char **warnings_shown;  /* the same warnings in the user's language, for standard error */
    size_t n_warnings, cap_warnings, cap_warnings_shown;
    arena mem;
} facts;

/* Computes the facts of period p (already clipped to the term).  On OR_OK
 * *out is the caller's; OR_ESYS on out of memory (*out NULL). */
or_status facts_compute(facts **out, const records *r, const calendar *cal, const kpi_rules *rules,
                        const od_period *p, diag *d);

void facts_free(facts *f);

/* Percent of num/den with three decimals, rounded half up ("99.785"). */
void facts_format_percent(int64_t num, int64_t den, char out[32]);

/* Money in fen as yuan with two decimals ("41760.00"). */
void facts_format_fen(int64_t fen, char out[32]);

typedef enum { FACTS_XML, FACTS_JSON } facts_format;

/* Writes the facts (docs/facts-xml.md) to b; the same facts always give
 * the same bytes.  Returns OR_OK, or OR_ESYS when b failed. */
or_status facts_write(const facts *f, facts_format fmt, buf *b, diag *d);
/* The same; facts_write masks personal numbers (personal.h) in every
 * string.  unmasked leaves them whole and marks the root with
 * personal-numbers="unmasked" (for the vendor's internal use). */
or_status facts_write_masking(const facts *f, facts_format fmt, bool unmasked, buf *b, diag *d);

#endif
