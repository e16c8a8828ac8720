/* probewrite: writes imported availability samples as <probes> record
 * files, streaming.
 *
 * Sources hand in samples in time order (unix milliseconds, up or down,
 * optional round-trip time).  The record format has one <p> per minute at
 * most (times are read to the minute), so every minute's samples become one
 * sample: down when any of them was down, else up with the mean of their
 * round-trip times.  A minute is finished when a later one arrives, so
 * memory does not grow with the number of samples.
 *
 * Files go to hidden temporary names in the data directory and are only
 * given their real names by probewrite_commit; probewrite_free without a
 * commit removes them, so a failed import leaves nothing behind.  A real
 * name that already exists is an error, never overwritten. */
#ifndef OR_PROBEWRITE_H
#define OR_PROBEWRITE_H

#include "atomicout.h"
#include "datetime.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct probewrite probewrite;

typedef struct probewrite_opts {
    const char *dir;          /* data directory */
    const char *system;       /* contract system id */
    const char *target;       /* what was probed (URL, host), or NULL */
    const char *origin;       /* where the samples came from, for a comment; or NULL */
    int interval_seconds;     /* of the written samples, >= 60 */
    const char *single_name;  /* one file of that name, or NULL: one file per month */
    od_minute from, to;       /* samples in [from, to) are kept, others counted as outside */
    /* Days already holding samples of this system in the data set (a
     * loaded series: day i is busy_first + i); NULL when none. */
    const uint32_t *busy_total;
    od_date busy_first;
    size_t busy_days;
} probewrite_opts;

typedef struct probewrite_file {
    char *name;               /* file name in dir */
    atomic_new tmp;           /* its temporary file (atomicout); tmp.tmp is the path */
    uint64_t samples, ok;
    od_minute first, last;
} probewrite_file;

/* Totals over the whole import, for the summary. */
typedef struct probewrite_totals {
    uint64_t samples, ok;     /* minutes written */
    uint64_t outside;         /* samples before from or at/after to */
} probewrite_totals;

or_status probewrite_open(probewrite **out, const probewrite_opts *o, diag *d);

/* One sample at unix_ms, up or down; rtt_ms < 0 when unknown.  `where`
 * names the sample for messages (e.g. "kuma.db: heartbeat id 12").
 * Samples must come in non-decreasing time order. */
or_status probewrite_add(probewrite *w, int64_t unix_ms, bool up, double rtt_ms, const char *where, diag *d);

/* Finishes the last minute and closes the files (still temporary). */
or_status probewrite_finish(probewrite *w, diag *d);

size_t probewrite_file_count(const probewrite *w);
const probewrite_file *probewrite_file_at(const probewrite *w, size_t i);
probewrite_totals probewrite_get_totals(const probewrite *w);

/* Gives every temporary file its real name; when any name exists by now,
 * undoes the ones already given and fails. */
or_status probewrite_commit(probewrite *w, diag *d);

/* Removes uncommitted temporary files and frees w; NULL is a no-op. */
void probewrite_free(probewrite *w);

/* Beijing minute (od_minute) of a unix time in milliseconds. */
od_minute probewrite_minute_of_unix_ms(int64_t unix_ms);
/* Unix milliseconds of the start of a Beijing minute. */
int64_t probewrite_unix_ms_of_minute(od_minute m);

#endif
