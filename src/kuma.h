/* kuma: reads availability samples of one monitor from an Uptime Kuma
 * database (SQLite), without locking or changing it.
 *
 * Uptime Kuma 1.x keeps every check in `heartbeat` (time: UTC text
 * "YYYY-MM-DD HH:MM:SS[.mmm]", status 0 down, 1 up, 2 pending,
 * 3 maintenance, ping in ms).  2.x keeps `heartbeat` too and adds per-minute
 * aggregates in `stat_minutely` (timestamp: unix seconds of the minute, up
 * and down counts, mean ping); Uptime Kuma itself keeps only 24 hours of
 * those by default.
 *
 * Status mapping, as Uptime Kuma's own uptime calculation does it
 * (server/uptime-calculator.js): pending counts as down — it is a failed
 * check still inside its retries, and Kuma's flatStatus() maps it to DOWN;
 * maintenance is neither up nor down — Kuma stores it apart from the up and
 * down counts, and the contract leaves planned maintenance out of
 * availability — so maintenance heartbeats give no sample at all.
 * `pending_up` turns the first rule round for teams whose contract says
 * retries are not yet an outage. */
#ifndef OR_KUMA_H
#define OR_KUMA_H

#include "diag.h"
#include "probewrite.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    KUMA_TABLE_AUTO,           /* heartbeat when it has rows in the range, else stat_minutely */
    KUMA_TABLE_HEARTBEAT,
    KUMA_TABLE_STAT_MINUTELY
} kuma_table;

typedef enum {
    KUMA_SAMPLE_UP,
    KUMA_SAMPLE_DOWN,
    KUMA_SAMPLE_NONE,          /* maintenance: no sample */
    KUMA_SAMPLE_INVALID        /* not a status Uptime Kuma writes */
} kuma_sample;

/* What a heartbeat status becomes (see the header comment). */
kuma_sample kuma_status_sample(long status, bool pending_up);

/* Parses heartbeat.time, UTC "YYYY-MM-DD HH:MM:SS" with optional
 * fraction, 'T' for the space and a trailing 'Z'. */
bool kuma_parse_time(const char *s, int64_t *unix_ms);

/* True when the file starts with the SQLite header. */
bool kuma_is_sqlite_file(const char *path);

typedef struct kuma_opts {
    const char *path;
    const char *monitor;       /* id (digits) or name; NULL: the only monitor */
    kuma_table table;
    bool pending_up;
    int64_t from_ms, to_ms;    /* unix ms, [from, to) */
} kuma_opts;

typedef struct kuma_counts {
    uint64_t rows;             /* heartbeats or minute rows read */
    uint64_t up, down, pending, maintenance;   /* heartbeats by status; minute rows: up/down/no-sample */
} kuma_counts;

typedef struct kuma kuma;

/* Opens the database read-only (immutable: a running Uptime Kuma is not
 * locked out), finds the monitor and the table to read. */
or_status kuma_open(kuma **out, const kuma_opts *o, diag *d);
long kuma_monitor_id(const kuma *k);
const char *kuma_monitor_name(const kuma *k);
const char *kuma_monitor_target(const kuma *k);   /* url or hostname; "" when none */
int kuma_monitor_interval(const kuma *k);         /* seconds; 0 when unknown */
kuma_table kuma_table_used(const kuma *k);
const char *kuma_table_name(kuma_table t);

/* Streams the samples into w, in time order. */
or_status kuma_read(kuma *k, probewrite *w, kuma_counts *counts, diag *d);
void kuma_close(kuma *k);

#endif
