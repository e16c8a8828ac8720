/* Shared between facts*.c only; not part of the interface. */
#ifndef OR_FACTS_INTERNAL_H
#define OR_FACTS_INTERNAL_H

#include <stdarg.h>
#include "facts.h"

typedef struct fx_iv {
    od_minute a, b;   /* [a, b) */
} fx_iv;

/* The state of one facts_compute run. */
typedef struct fx {
    facts *f;
    const records *r;
    const calendar *cal;
    const kpi_rules *rules;
    diag *d;
    od_date first, last;   /* the period's days */
    od_minute t0, t1;      /* [t0, t1): the period's minutes */
    facts_document *all;   /* every document the term expects, by due date */
    size_t n_all, cap_all;
    bool nomem;            /* sticky: an allocation failed */
} fx;

bool fx_grow(fx *c, void *items, size_t *n, size_t *cap, size_t size);
const char *fx_strf(fx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *fx_vstrf(fx *c, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void fx_note(fx *c, const char *text);
/* text: the English warning for the facts; shown: the same in the user's
 * language (gettext), printed on standard error. */
void fx_warn(fx *c, const char *text, const char *shown);
void fx_fallback_years(fx *c, od_date first, od_date last);
void fx_avail(fx *c, size_t sys, od_minute t0, od_minute t1, int64_t *maint, int64_t *down);
void fx_system(fx *c, size_t sys, od_date first, od_date last, facts_system *s, facts_rule *cite, int64_t each);
void fx_incident(fx *c, size_t i, od_minute end, facts_incident *o);
od_date fx_deliverable_date(fx *c, const rec_document *doc, bool *fallback);
void fx_doc_warn(fx *c, const facts_document *e);
bool fx_doc_late(const facts_document *e, od_date last);
int64_t llround_milli(double v);
/* Adds a cause of `points` (milli) to rule o; src may be NULL. */
void fx_cite(fx *c, facts_rule *o, const char *kind, const char *id, const rec_src *src, int64_t points,
             bool fallback, const char *fmt, ...) __attribute__((format(printf, 8, 9)));
/* Scores every rule of c->rules into c->f->kpi, then the total. */
void fx_kpi(fx *c);

#endif
