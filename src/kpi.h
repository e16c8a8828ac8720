/* kpi: the scoring table as data (data/rules/kpi-rules.xml).
 *
 * A rules file lists rules (id, kind, label, params, bands, notes), the
 * grades with their tail-return shares, the base score and which contract
 * payment is the tail installment.  The C code implements rule *kinds*
 * (facts.c); every number a kind uses comes from the file, so a user can
 * copy and edit it for another client's table.  Schema:
 * data/schema/kpi-rules.rng; every kind's required params are checked at
 * load, each error as "file:line: error: ...".
 *
 * Points, percents and thresholds are held as int64 thousandths ("milli"):
 * "-0.5" is -500, "99" is 99000.  No floating point touches a score.
 *
 * Ownership: kpi_rules_load hands back a kpi_rules that owns every string
 * and array in it; free it with kpi_rules_free (NULL is a no-op). */
#ifndef OR_KPI_H
#define OR_KPI_H

#include "arena.h"
#include "buf.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KPI_SCHEMA_PATH "data/schema/kpi-rules.rng"
#define KPI_RULES_PATH "data/rules/kpi-rules.xml"

typedef struct kpi_param {
    const char *name;
    int64_t milli;
    long line;
} kpi_param;

typedef enum { KPI_ANY = 0, KPI_IMPORTANT, KPI_GENERAL } kpi_band_scope;

typedef struct kpi_band {
    kpi_band_scope importance;   /* which systems/guarantees it applies to */
    bool has_min;                /* false: catches the rest */
    int64_t min_milli;           /* percent × 1000 */
    int64_t points_milli;
    long line;
} kpi_band;

typedef struct kpi_rule {
    const char *id, *kind, *label;
    const char *category;        /* "" when absent */
    const char *note;            /* NULL, or the rule's notes joined by a space */
    const char *criteria;        /* the scoring standard's words with {placeholders}, or NULL */
    kpi_param *params;
    size_t n_params;
    kpi_band *bands;
    size_t n_bands;
    long line;
} kpi_rule;

typedef struct kpi_grade {
    const char *name;
    bool has_min;                /* false: catches the rest */
    int64_t min_milli;
    bool accepted;               /* false: not accepted at all */
    int64_t returned_milli;      /* percent of the tail × 1000 */
} kpi_grade;

typedef struct kpi_manual {
    const char *id, *label;
    const char *criteria;        /* NULL when the file gives none */
} kpi_manual;

typedef struct kpi_rules {
    const char *path, *id, *title;
    int64_t base_milli;
    const char *tail_payment;    /* `when` of the contract payment that is the tail */
    kpi_rule *rules;
    size_t n_rules;
    kpi_grade *grades;
    size_t n_grades;
    kpi_manual *manual;
    size_t n_manual;
    const char **notes;          /* file-level notes, in order */
    size_t n_notes;
    arena mem;
} kpi_rules;

/* Loads and validates a rules file against the schema at schema_path.  The
 * file is parsed without network access, entity expansion or DTD (a
 * DOCTYPE is refused).  On OR_OK *out is the caller's; on OR_EINPUT (every
 * problem reported to d as file:line) or OR_ESYS *out is NULL. */
or_status kpi_rules_load(kpi_rules **out, const char *path, const char *schema_path, diag *d);

void kpi_rules_free(kpi_rules *k);

/* The rule with this id, or NULL. */
const kpi_rule *kpi_rules_find(const kpi_rules *k, const char *id);

/* A param's value; `fallback` when the rule has none (only for optional
 * params: required ones are checked at load). */
int64_t kpi_param_get(const kpi_rule *r, const char *name, int64_t fallback);

/* Points of the first band of r that applies to `scope` and whose min the
 * ratio num/den (as a percent, unrounded) reaches.  false when no band
 * applies (den <= 0, or no catch-all band). */
bool kpi_band_points(const kpi_rule *r, kpi_band_scope scope, int64_t num, int64_t den, int64_t *points);

/* The grade of a score (milli, unrounded): the first grade whose min it
 * reaches, else the last grade without min.  NULL when none applies. */
const kpi_grade *kpi_grade_of(const kpi_rules *k, int64_t score_milli);

/* A named number a rule's text may cite besides its own params: the
 * contract's service levels (response-minutes, onsite-minutes,
 * resolve-hours, feedback-minutes), supplied by the caller. */
typedef struct kpi_value {
    const char *name;
    int64_t milli;
} kpi_value;

/* The names kpi_text_format accepts from the caller (checked at load). */
extern const char *const kpi_contract_values[];

/* Writes `text` (a rule's criteria or note, or a file-level note) to out
 * with every {NAME} replaced by r's param NAME, {bN.min} / {bN.points} by
 * band N (1-based, file order) of r, or a caller value NAME; numbers are
 * written without sign ("扣{each}分" with each -0.5 gives 扣0.5分), the
 * words around them say which way they count.  r may be NULL (file notes).
 * Placeholders were checked at load; one that still does not resolve is
 * written as it stands.  -1 when out failed to grow. */
int kpi_text_format(const kpi_rule *r, const char *text, const kpi_value *vals, size_t nvals, buf *out);

/* Parses a signed decimal with at most 3 decimals ("+1", "-0.5", "99.25")
 * into thousandths.  false on anything else. */
bool kpi_parse_milli(const char *s, int64_t *out);

/* Formats thousandths as a short decimal: -500 → "-0.5", 1000 → "1",
 * 97250 → "97.25".  out must hold 32 bytes. */
void kpi_format_milli(int64_t v, char out[32]);

/* Is `kind` one the program implements? */
bool kpi_kind_known(const char *kind);

#endif
