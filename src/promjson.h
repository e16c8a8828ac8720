/* promjson: availability samples from Prometheus /api/v1/query_range
 * responses (docs/querying/api.md):
 *
 *   {"status": "success",
 *    "data": {"resultType": "matrix",
 *             "result": [{"metric": {"__name__": "probe_success", "instance": "…", …},
 *                         "values": [[1435781430.781, "1"], …]}]}}
 *
 * Timestamps are unix seconds (fractions allowed), values strings; for
 * probe_success "1" is up and "0" down.  Prometheus returns at most 11,000
 * points per series per query, so a month of one-minute samples comes as
 * several responses ("chunks", one file each, in a directory) whose ranges
 * may overlap: points of all chunks are gathered, sorted and deduplicated by
 * timestamp (the same timestamp with different values is an error).
 * Each file is parsed whole with json-c (about 18 bytes of memory per byte
 * of JSON, hence PROM_MAX_FILE_BYTES) and freed before the next one;
 * only the chosen series' points in the import range are kept, 8 bytes
 * each. */
#ifndef OR_PROMJSON_H
#define OR_PROMJSON_H

#include "diag.h"
#include "probewrite.h"

#include <stddef.h>
#include <stdint.h>

#define PROM_MAX_FILE_BYTES (3L * 1024 * 1024)
#define PROM_MAX_MATCHES 8
#define PROM_MAX_POINTS (16L * 1000 * 1000)

typedef struct prom_match {
    const char *label, *value;
} prom_match;

typedef struct prom_points {
    int64_t *v;                /* timestamp_ms * 2 + (value == "1") */
    size_t n, cap;
    char *series;              /* labels of the chosen series, {a="b", …} */
    char *instance;            /* its instance label, or NULL */
    char *first_file;          /* where that series was first chosen */
    size_t files;              /* responses read */
    uint64_t points_read;      /* before range filtering and dedup */
    uint64_t duplicates;       /* dropped by the dedup */
} prom_points;

typedef struct prom_select {
    const prom_match *match;
    size_t n_match;
    int64_t from_ms, to_ms;    /* points in [from, to) are kept */
} prom_select;

/* Parses one response held in text[0..len) named `name` for messages, and
 * adds the chosen series' points to pts.  A response without any matching
 * series adds nothing (with a warning: Prometheus leaves out series that
 * have no points in the range). */
or_status prom_parse(const char *name, const char *text, size_t len, const prom_select *sel, prom_points *pts,
                     diag *d);

/* Reads a file, or every *.json file of a directory in name order. */
or_status prom_read_path(const char *path, const prom_select *sel, prom_points *pts, diag *d);

/* Sorts and deduplicates the gathered points. */
or_status prom_merge(prom_points *pts, diag *d);

/* Hands the merged points to w; returns the smallest step between
 * consecutive points in *step_ms (0 with fewer than two). */
or_status prom_write(const prom_points *pts, probewrite *w, const char *where, diag *d);
int64_t prom_min_step_ms(const prom_points *pts);

void prom_points_free(prom_points *pts);

#endif
