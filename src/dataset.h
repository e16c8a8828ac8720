/* dataset: one data directory made ready for computing: its records
 * (validated), the working-day calendar (the shipped State Council
 * schedule plus the set's own <calendar> files) and the scoring rules.
 * `check`, `facts` and `render` all start here. */
#ifndef OR_DATASET_H
#define OR_DATASET_H

#include "calendar.h"
#include "diag.h"
#include "kpi.h"
#include "period.h"
#include "records.h"

typedef struct dataset {
    records *records;
    calendar *cal;
    kpi_rules *rules;
} dataset;

/* Loads `dir` with the schemas, holidays and default rules found under
 * `home` (the installation's data directory); `rules_path` overrides the
 * rules file; rec_flags are records_load_dir_flags's (REC_LOAD_KEEP_TREES
 * for render).  Every problem is reported through d.  On failure ds is
 * left empty (dataset_free is still safe). */
or_status dataset_load(dataset *ds, const char *dir, const char *home, const char *rules_path, unsigned rec_flags,
                       diag *d);
void dataset_free(dataset *ds);

/* Parses a period for this data set's term; today_text ("YYYY-MM-DD") is
 * what `last-month` and the like count from, NULL for the clock.  A bad
 * date or period is OR_EUSAGE. */
or_status dataset_period(const dataset *ds, const char *text, const char *today_text, od_period *out,
                         od_date *today, diag *d);

#endif
