/* import: `opsreport import KIND FILE --data DIR`: rows of a CSV file or
 * an .xlsx sheet become a new record file in DIR (docs/import.md).
 *
 * The map (data/maps/KIND.xml unless --map) names the columns; every row
 * is checked as it is read and every problem is reported as
 * "FILE:ROW:COLUMN: error: ..." with the value and what was expected.
 * Records whose id (or, for kinds without ids, whose identifying fields)
 * already exist in DIR are skipped when identical and an error otherwise,
 * so importing a sheet twice changes nothing.  The new file is written to
 * a temporary name in DIR, loaded with every record file of DIR by the
 * same loader `check` uses, and only then linked into place under a name
 * that no file has; with any error nothing is written.
 *
 * Memory does not grow with the sheet: a record is written out as soon as
 * its last row has been read; only the ids seen are held. */
#ifndef OR_IMPORT_H
#define OR_IMPORT_H

#include "diag.h"

#include <stdbool.h>

typedef struct import_request {
    const char *kind;        /* inspections, incidents, deliverables, feedback */
    const char *file;        /* .csv or .xlsx */
    const char *data_dir;
    const char *map;         /* NULL: <home>/data/maps/<kind>.xml */
    const char *encoding;    /* CSV only; NULL: detect */
    const char *sheet;       /* xlsx only; NULL: the first */
    const char *output;      /* file name in data_dir; NULL: <kind>-import-<hash>.xml */
    const char *home;        /* installation data directory */
    bool dry_run;            /* print the file instead of writing it */
    bool quiet;
} import_request;

or_status import_run(const import_request *rq, diag *d);

/* The command line: opsreport import KIND FILE --data DIR ...; home is the
 * installation's data directory.  Returns the exit status. */
int import_main(int argc, char **argv, const char *home);

#endif
