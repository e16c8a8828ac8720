#include "dataset.h"

#include "pathfmt.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

or_status dataset_load(dataset *ds, const char *dir, const char *home, const char *rules_path, unsigned rec_flags,
                       diag *d)
{
    char schema[PATH_MAX], holidays[PATH_MAX], rules[PATH_MAX], rules_schema[PATH_MAX];
    memset(ds, 0, sizeof *ds);
    or_status st = path_format(d, schema, sizeof schema, "%s/data/schema", home);
    if (st == OR_OK)
        st = path_format(d, holidays, sizeof holidays, "%s/%s", home, CALENDAR_SHIPPED_PATH);
    if (st == OR_OK)
        st = path_format(d, rules, sizeof rules, "%s/%s", home, KPI_RULES_PATH);
    if (st == OR_OK)
        st = path_format(d, rules_schema, sizeof rules_schema, "%s/%s", home, KPI_SCHEMA_PATH);
    if (st != OR_OK)
        return st;
    st = records_load_dir_flags(&ds->records, dir, schema, rec_flags, d);
    if (st == OR_OK)
        st = calendar_load(&ds->cal, holidays, d);
    /* The data set's own calendar files win over the shipped schedule. */
    for (size_t i = 0; st == OR_OK && i < ds->records->calendar_files.n; i++)
        st = calendar_apply_xml(ds->cal, ds->records->calendar_files.v[i].doc,
                                ds->records->calendar_files.v[i].path, d);
    if (st == OR_OK)
        st = kpi_rules_load(&ds->rules, rules_path ? rules_path : rules, rules_schema, d);
    if (st != OR_OK)
        dataset_free(ds);
    return st;
}

void dataset_free(dataset *ds)
{
    kpi_rules_free(ds->rules);
    calendar_free(ds->cal);
    records_free(ds->records);
    memset(ds, 0, sizeof *ds);
}

or_status dataset_period(const dataset *ds, const char *text, const char *today_text, od_period *out,
                         od_date *today, diag *d)
{
    *today = period_today();
    if (today_text && !od_parse_date(today_text, today)) {
        diag_error(d, NULL, 0, "--today %s (expected a date YYYY-MM-DD)", today_text);
        return OR_EUSAGE;
    }
    return period_parse(text, *today, ds->records->contract.term_start, ds->records->contract.term_end, out, d);
}
