#include "kuma.h"

#include "alloc.h"
#include "buf.h"
#include "datetime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

/* Heartbeat statuses, as in Uptime Kuma's src/util.ts. */
enum { KUMA_DOWN = 0, KUMA_UP = 1, KUMA_PENDING = 2, KUMA_MAINTENANCE = 3 };

struct kuma {
    kuma_opts o;
    sqlite3 *db;
    long monitor_id;
    char *monitor_name;
    char *target;
    int interval;
    kuma_table table;
};

kuma_sample kuma_status_sample(long status, bool pending_up)
{
    switch (status) {
    case KUMA_UP:
        return KUMA_SAMPLE_UP;
    case KUMA_DOWN:
        return KUMA_SAMPLE_DOWN;
    case KUMA_PENDING:
        return pending_up ? KUMA_SAMPLE_UP : KUMA_SAMPLE_DOWN;
    case KUMA_MAINTENANCE:
        return KUMA_SAMPLE_NONE;
    default:
        return KUMA_SAMPLE_INVALID;
    }
}

bool kuma_parse_time(const char *s, int64_t *unix_ms)
{
    int y, mo, d, h, mi, sec, ms = 0;
    if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':'
        || s[16] != ':')
        return false;
    if (!od_digits(s, 4, &y) || !od_digits(s + 5, 2, &mo) || !od_digits(s + 8, 2, &d)
        || !od_digits(s + 11, 2, &h) || !od_digits(s + 14, 2, &mi) || !od_digits(s + 17, 2, &sec))
        return false;
    if (!od_valid_ymd(y, mo, d) || h > 23 || mi > 59 || sec > 60)
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        int scale = 100;
        p++;
        if (*p < '0' || *p > '9')
            return false;
        for (; *p >= '0' && *p <= '9'; p++) {
            ms += (*p - '0') * scale;
            scale /= 10;
        }
    }
    if (*p == 'Z')
        p++;
    else if (strcmp(p, "+00:00") == 0)
        p += 6;
    if (*p)
        return false;
    int64_t day = od_date_from_ymd(y, mo, d);
    *unix_ms = ((day * 86400) + h * 3600 + mi * 60 + sec) * 1000 + ms;
    return true;
}

bool kuma_is_sqlite_file(const char *path)
{
    char head[16];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == sizeof head && memcmp(head, "SQLite format 3", 16) == 0;
}

const char *kuma_table_name(kuma_table t)
{
    return t == KUMA_TABLE_STAT_MINUTELY ? "stat_minutely" : "heartbeat";
}

long kuma_monitor_id(const kuma *k) { return k->monitor_id; }
const char *kuma_monitor_name(const kuma *k) { return k->monitor_name ? k->monitor_name : ""; }
const char *kuma_monitor_target(const kuma *k) { return k->target ? k->target : ""; }
int kuma_monitor_interval(const kuma *k) { return k->interval; }
kuma_table kuma_table_used(const kuma *k) { return k->table; }

/* "file:" URI of a path, percent-encoding what a URI gives meaning to. */
static char *kuma_uri(const char *path)
{
    buf b;
    buf_init(&b, 0);
    buf_puts(&b, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '/'
            || *p == '.' || *p == '-' || *p == '_' || *p == '~')
            buf_putc(&b, (char)*p);
        else
            buf_printf(&b, "%%%02X", *p);
    }
    /* immutable: SQLite takes no locks and never writes (no -shm), so a
     * running Uptime Kuma is not disturbed. */
    buf_puts(&b, "?mode=ro&immutable=1");
    size_t len;
    return buf_steal(&b, &len);
}

static or_status kuma_sql_error(kuma *k, const char *what, diag *d)
{
    int code = sqlite3_errcode(k->db);
    if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
        diag_error(d, k->o.path, 0, "%s: %s (expected an Uptime Kuma database)", what, sqlite3_errmsg(k->db));
        return OR_EINPUT;
    }
    if (code == SQLITE_NOMEM)
        return diag_nomem(d);
    diag_error(d, k->o.path, 0, "%s: %s", what, sqlite3_errmsg(k->db));
    return code == SQLITE_ERROR ? OR_EINPUT : OR_ESYS;
}

static int kuma_has_table(kuma *k, const char *name, diag *d)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(k->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &st, NULL)
        != SQLITE_OK) {
        kuma_sql_error(k, "reading the tables", d);
        return -1;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        kuma_sql_error(k, "reading the tables", d);
        return -1;
    }
    return rc == SQLITE_ROW;
}

static bool kuma_all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* "1 "web", 2 "api"" for messages. */
static void kuma_list_monitors(kuma *k, buf *b)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(k->db, "SELECT id, name FROM monitor ORDER BY id LIMIT 21", -1, &st, NULL) != SQLITE_OK)
        return;
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == 20) {
            buf_puts(b, ", …");
            break;
        }
        const unsigned char *name = sqlite3_column_text(st, 1);
        buf_printf(b, "%s%lld \"%s\"", n ? ", " : "", (long long)sqlite3_column_int64(st, 0),
                   name ? (const char *)name : "");
        n++;
    }
    if (n == 0)
        buf_puts(b, "none: the monitor table is empty");
    sqlite3_finalize(st);
}

static or_status kuma_find_monitor(kuma *k, diag *d)
{
    const char *want = k->o.monitor;
    sqlite3_stmt *st = NULL;
    const char *sql = !want ? "SELECT id, name, url, hostname, interval FROM monitor ORDER BY id LIMIT 2"
                      : kuma_all_digits(want)
                          ? "SELECT id, name, url, hostname, interval FROM monitor WHERE id = ?1"
                          : "SELECT id, name, url, hostname, interval FROM monitor WHERE name = ?1 ORDER BY id";
    if (sqlite3_prepare_v2(k->db, sql, -1, &st, NULL) != SQLITE_OK)
        return kuma_sql_error(k, "reading the monitor table", d);
    if (want && kuma_all_digits(want))
        sqlite3_bind_int64(st, 1, strtoll(want, NULL, 10));
    else if (want)
        sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC);
    int found = 0, rc;
    buf ids;
    buf_init(&ids, 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long id = (long)sqlite3_column_int64(st, 0);
        buf_printf(&ids, "%s%ld", found ? ", " : "", id);
        if (found++ == 0) {
            const unsigned char *name = sqlite3_column_text(st, 1);
            const unsigned char *url = sqlite3_column_text(st, 2);
            const unsigned char *host = sqlite3_column_text(st, 3);
            k->monitor_id = id;
            k->monitor_name = or_strdup(name ? (const char *)name : "");
            /* Kuma's form fills url with "https://" for monitors that
             * have none; the host name is then what was probed. */
            const char *t = url && strcmp((const char *)url, "https://") != 0 && *url ? (const char *)url
                            : host ? (const char *)host
                                   : "";
            k->target = or_strdup(t);
            long iv = (long)sqlite3_column_int64(st, 4);
            k->interval = iv > 0 && iv <= 86400 ? (int)iv : 0;
            if (!k->monitor_name || !k->target) {
                sqlite3_finalize(st);
                buf_free(&ids);
                return diag_nomem(d);
            }
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        buf_free(&ids);
        return kuma_sql_error(k, "reading the monitor table", d);
    }
    or_status res = OR_OK;
    if (found == 0 || (found > 1 && (!want || !kuma_all_digits(want)))) {
        buf list;
        buf_init(&list, 0);
        kuma_list_monitors(k, &list);
        if (found == 0 && want)
            diag_error(d, k->o.path, 0, kuma_all_digits(want) ? "no monitor with id %s (expected one of: %s)"
                                                              : "no monitor named \"%s\" (expected one of: %s)",
                       want, buf_cstr(&list) ? buf_cstr(&list) : "");
        else if (found == 0)
            diag_error(d, k->o.path, 0, "the monitor table is empty (expected the monitor to import)");
        else if (!want)
            diag_error(d, k->o.path, 0, "several monitors (%s); choose one with --monitor ID or --monitor NAME",
                       buf_cstr(&list) ? buf_cstr(&list) : "");
        else
            diag_error(d, k->o.path, 0, "%d monitors are named \"%s\" (ids %s); choose one with --monitor ID", found,
                       want, buf_cstr(&ids) ? buf_cstr(&ids) : "");
        buf_free(&list);
        res = OR_EINPUT;
    }
    buf_free(&ids);
    return res;
}

/* UTC "YYYY-MM-DD" of the day before (delta -1) or after (+1) a time:
 * bounds for a text comparison that hold whether the stored times use a
 * space or a 'T'; the writer then keeps the exact range. */
static void kuma_day_bound(int64_t unix_ms, int delta, char out[11])
{
    int64_t s = unix_ms / 1000;
    od_date day = (od_date)((s >= 0 ? s : s - 86399) / 86400) + delta;
    od_format_date(day, out);
}

static int kuma_heartbeats_exist(kuma *k, diag *d)
{
    sqlite3_stmt *st = NULL;
    char lo[11], hi[11];
    kuma_day_bound(k->o.from_ms, -1, lo);
    kuma_day_bound(k->o.to_ms, 1, hi);
    if (sqlite3_prepare_v2(k->db,
                           "SELECT 1 FROM heartbeat WHERE monitor_id = ?1 AND time >= ?2 AND time < ?3 LIMIT 1", -1,
                           &st, NULL)
        != SQLITE_OK) {
        kuma_sql_error(k, "reading the heartbeat table", d);
        return -1;
    }
    sqlite3_bind_int64(st, 1, k->monitor_id);
    sqlite3_bind_text(st, 2, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, hi, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        kuma_sql_error(k, "reading the heartbeat table", d);
        return -1;
    }
    return rc == SQLITE_ROW;
}

or_status kuma_open(kuma **out, const kuma_opts *o, diag *d)
{
    *out = NULL;
    struct stat sb;
    if (stat(o->path, &sb) != 0) {
        diag_error(d, o->path, 0, "cannot open: %s", strerror(errno));
        return OR_EINPUT;
    }
    if (!kuma_is_sqlite_file(o->path)) {
        diag_error(d, o->path, 0, "not an SQLite database (expected Uptime Kuma's kuma.db, which starts with "
                   "\"SQLite format 3\")");
        return OR_EINPUT;
    }
    kuma *k = or_calloc(1, sizeof *k);
    if (!k)
        return diag_nomem(d);
    k->o = *o;
    *out = k;
    char *uri = kuma_uri(o->path);
    if (!uri)
        return diag_nomem(d);
    int rc = sqlite3_open_v2(uri, &k->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    or_free(uri);
    if (rc != SQLITE_OK) {
        diag_error(d, o->path, 0, "cannot open the database: %s", k->db ? sqlite3_errmsg(k->db) : "out of memory");
        return rc == SQLITE_NOMEM ? OR_ESYS : OR_EINPUT;
    }
    /* A -wal file beside the database holds changes Kuma has not yet
     * copied in; immutable mode does not read it. */
    size_t plen = strlen(o->path);
    char *wal = or_malloc(plen + 5);
    if (!wal)
        return diag_nomem(d);
    snprintf(wal, plen + 5, "%s-wal", o->path);
    if (stat(wal, &sb) == 0 && sb.st_size > 0)
        diag_warn(d, wal, 0, "%lld bytes of recent changes are not read (the database is read as it is on disk; "
                  "stop Uptime Kuma or copy the database with sqlite3 .backup to include them)",
                  (long long)sb.st_size);
    or_free(wal);
    int has_monitor = kuma_has_table(k, "monitor", d);
    if (has_monitor < 0)
        return OR_EINPUT;
    if (!has_monitor) {
        diag_error(d, o->path, 0, "no monitor table (expected an Uptime Kuma database)");
        return OR_EINPUT;
    }
    or_status st = kuma_find_monitor(k, d);
    if (st != OR_OK)
        return st;
    int has_hb = kuma_has_table(k, "heartbeat", d), has_stat = kuma_has_table(k, "stat_minutely", d);
    if (has_hb < 0 || has_stat < 0)
        return OR_EINPUT;
    k->table = o->table;
    if (o->table == KUMA_TABLE_HEARTBEAT && !has_hb) {
        diag_error(d, o->path, 0, "no heartbeat table (expected an Uptime Kuma database)");
        return OR_EINPUT;
    }
    if (o->table == KUMA_TABLE_STAT_MINUTELY && !has_stat) {
        diag_error(d, o->path, 0, "no stat_minutely table (expected an Uptime Kuma 2.x database; 1.x keeps only "
                   "the heartbeat table)");
        return OR_EINPUT;
    }
    if (o->table == KUMA_TABLE_AUTO) {
        if (!has_hb && !has_stat) {
            diag_error(d, o->path, 0, "neither a heartbeat nor a stat_minutely table (expected an Uptime Kuma "
                       "database)");
            return OR_EINPUT;
        }
        int rows = has_hb ? kuma_heartbeats_exist(k, d) : 0;
        if (rows < 0)
            return OR_EINPUT;
        k->table = rows || !has_stat ? KUMA_TABLE_HEARTBEAT : KUMA_TABLE_STAT_MINUTELY;
    }
    return OR_OK;
}

static or_status kuma_read_heartbeats(kuma *k, probewrite *w, kuma_counts *c, diag *d)
{
    sqlite3_stmt *st = NULL;
    char lo[11], hi[11];
    kuma_day_bound(k->o.from_ms, -1, lo);
    kuma_day_bound(k->o.to_ms, 1, hi);
    if (sqlite3_prepare_v2(k->db,
                           "SELECT id, time, status, ping FROM heartbeat WHERE monitor_id = ?1 AND time >= ?2 "
                           "AND time < ?3 ORDER BY time, id",
                           -1, &st, NULL)
        != SQLITE_OK)
        return kuma_sql_error(k, "reading the heartbeat table", d);
    sqlite3_bind_int64(st, 1, k->monitor_id);
    sqlite3_bind_text(st, 2, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, hi, -1, SQLITE_TRANSIENT);
    or_status res = OR_OK;
    int rc;
    char where[64];
    while (res == OR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        const char *t = (const char *)sqlite3_column_text(st, 1);
        long status = (long)sqlite3_column_int64(st, 2);
        int64_t ms;
        c->rows++;
        snprintf(where, sizeof where, "heartbeat id %lld", id);
        if (!t || !kuma_parse_time(t, &ms)) {
            diag_error(d, k->o.path, 0, "%s: time \"%.40s\" (expected UTC YYYY-MM-DD HH:MM:SS[.mmm])", where,
                       t ? t : "NULL");
            res = OR_EINPUT;
            break;
        }
        if (sqlite3_column_type(st, 2) != SQLITE_INTEGER)
            status = -1;
        kuma_sample s = kuma_status_sample(status, k->o.pending_up);
        switch (status) {
        case KUMA_UP: c->up++; break;
        case KUMA_DOWN: c->down++; break;
        case KUMA_PENDING: c->pending++; break;
        case KUMA_MAINTENANCE: c->maintenance++; break;
        default: break;
        }
        if (s == KUMA_SAMPLE_INVALID) {
            const unsigned char *raw = sqlite3_column_text(st, 2);
            diag_error(d, k->o.path, 0, "%s at %s: status %.20s (expected 0 down, 1 up, 2 pending or "
                       "3 maintenance)", where, t, raw ? (const char *)raw : "NULL");
            res = OR_EINPUT;
            break;
        }
        if (s == KUMA_SAMPLE_NONE)
            continue;
        double ping = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 3);
        res = probewrite_add(w, ms, s == KUMA_SAMPLE_UP, ping, k->o.path, d);
    }
    if (res == OR_OK && rc != SQLITE_DONE)
        res = kuma_sql_error(k, "reading the heartbeat table", d);
    sqlite3_finalize(st);
    return res;
}

static or_status kuma_read_minutely(kuma *k, probewrite *w, kuma_counts *c, diag *d)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(k->db,
                           "SELECT id, timestamp, up, down, ping FROM stat_minutely WHERE monitor_id = ?1 AND "
                           "timestamp >= ?2 AND timestamp < ?3 ORDER BY timestamp",
                           -1, &st, NULL)
        != SQLITE_OK)
        return kuma_sql_error(k, "reading the stat_minutely table", d);
    sqlite3_bind_int64(st, 1, k->monitor_id);
    sqlite3_bind_int64(st, 2, k->o.from_ms / 1000);
    sqlite3_bind_int64(st, 3, k->o.to_ms / 1000);
    or_status res = OR_OK;
    int rc;
    while (res == OR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        long long ts = sqlite3_column_int64(st, 1);
        long long up = sqlite3_column_int64(st, 2), down = sqlite3_column_int64(st, 3);
        c->rows++;
        if (sqlite3_column_type(st, 1) != SQLITE_INTEGER || up < 0 || down < 0) {
            diag_error(d, k->o.path, 0, "stat_minutely id %lld: timestamp %.20s, up %lld, down %lld (expected unix "
                       "seconds and counts of heartbeats)", id, (const char *)sqlite3_column_text(st, 1), up, down);
            res = OR_EINPUT;
            break;
        }
        if (up == 0 && down == 0) {
            /* Only maintenance heartbeats (kept in extras) or none. */
            c->maintenance++;
            continue;
        }
        if (down > 0)
            c->down++;
        else
            c->up++;
        double ping = down == 0 && sqlite3_column_type(st, 4) != SQLITE_NULL ? sqlite3_column_double(st, 4) : -1;
        res = probewrite_add(w, (int64_t)ts * 1000, down == 0, ping, k->o.path, d);
    }
    if (res == OR_OK && rc != SQLITE_DONE)
        res = kuma_sql_error(k, "reading the stat_minutely table", d);
    sqlite3_finalize(st);
    return res;
}

or_status kuma_read(kuma *k, probewrite *w, kuma_counts *counts, diag *d)
{
    memset(counts, 0, sizeof *counts);
    return k->table == KUMA_TABLE_STAT_MINUTELY ? kuma_read_minutely(k, w, counts, d)
                                                : kuma_read_heartbeats(k, w, counts, d);
}

void kuma_close(kuma *k)
{
    if (!k)
        return;
    if (k->db)
        sqlite3_close(k->db);
    or_free(k->monitor_name);
    or_free(k->target);
    or_free(k);
}
