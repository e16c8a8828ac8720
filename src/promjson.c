#include "promjson.h"

#include "alloc.h"
#include "buf.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

/* Line and column (1-based) of byte offset `at`. */
static void prom_position(const char *text, size_t len, size_t at, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < at && i < len; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static json_object *prom_get(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* The series' labels as {a="b", c="d"} (json-c keeps the file's order). */
static char *prom_labels(json_object *metric)
{
    buf b;
    buf_init(&b, 4096);
    buf_putc(&b, '{');
    int n = 0;
    json_object_object_foreach(metric, key, val)
    {
        buf_printf(&b, "%s%s=\"%s\"", n++ ? ", " : "", key,
                   json_object_is_type(val, json_type_string) ? json_object_get_string(val) : "?");
    }
    buf_putc(&b, '}');
    size_t len;
    return buf_steal(&b, &len);
}

static bool prom_series_matches(json_object *metric, const prom_select *sel)
{
    json_object *name = prom_get(metric, "__name__");
    if (name && (!json_object_is_type(name, json_type_string)
                 || strcmp(json_object_get_string(name), "probe_success") != 0))
        return false;
    for (size_t i = 0; i < sel->n_match; i++) {
        json_object *v = prom_get(metric, sel->match[i].label);
        if (!v || !json_object_is_type(v, json_type_string)
            || strcmp(json_object_get_string(v), sel->match[i].value) != 0)
            return false;
    }
    return true;
}

static or_status prom_take_series(const char *name, json_object *series, size_t index, const prom_select *sel,
                                  prom_points *pts, diag *d)
{
    json_object *values = prom_get(series, "values");
    if (!values || !json_object_is_type(values, json_type_array)) {
        diag_error(d, name, 0, "data.result[%zu] has no \"values\" array (expected [[unix_time, \"0\" or \"1\"], "
                   "…]; native histograms are not availability samples)", index);
        return OR_EINPUT;
    }
    size_t n = json_object_array_length(values);
    int64_t prev = INT64_MIN;
    for (size_t j = 0; j < n; j++) {
        json_object *pair = json_object_array_get_idx(values, j);
        json_object *t = json_object_is_type(pair, json_type_array) && json_object_array_length(pair) == 2
                             ? json_object_array_get_idx(pair, 0)
                             : NULL;
        json_object *v = t ? json_object_array_get_idx(pair, 1) : NULL;
        if (!t || (!json_object_is_type(t, json_type_double) && !json_object_is_type(t, json_type_int))
            || !json_object_is_type(v, json_type_string)) {
            diag_error(d, name, 0, "data.result[%zu].values[%zu] is %.60s (expected [unix_time, \"0\" or \"1\"])",
                       index, j, json_object_to_json_string_ext(pair, JSON_C_TO_STRING_PLAIN));
            return OR_EINPUT;
        }
        double secs = json_object_get_double(t);
        if (!isfinite(secs) || secs < 0 || secs > 32503680000.0) {
            diag_error(d, name, 0, "data.result[%zu].values[%zu]: timestamp %.3f (expected unix seconds)", index, j,
                       secs);
            return OR_EINPUT;
        }
        int64_t ms = (int64_t)llround(secs * 1000.0);
        const char *s = json_object_get_string(v);
        if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0) {
            diag_error(d, name, 0, "data.result[%zu].values[%zu]: value \"%.20s\" (expected \"0\" or \"1\": "
                       "probe_success)", index, j, s);
            return OR_EINPUT;
        }
        if (ms <= prev) {
            diag_error(d, name, 0, "data.result[%zu].values[%zu]: timestamp %.3f is not after the previous one "
                       "%.3f (expected ascending timestamps, as Prometheus returns them)", index, j, secs,
                       prev / 1000.0);
            return OR_EINPUT;
        }
        prev = ms;
        pts->points_read++;
        if (ms < sel->from_ms || ms >= sel->to_ms)
            continue;
        if (pts->n >= (size_t)PROM_MAX_POINTS) {
            diag_error(d, name, 0, "more than %ld points in the import range (expected at most ten years of "
                       "one-minute samples... narrow it with --from and --to)", PROM_MAX_POINTS);
            return OR_EINPUT;
        }
        if (or_grow(&pts->v, &pts->cap, pts->n + 1, sizeof *pts->v) != 0)
            return diag_nomem(d);
        pts->v[pts->n++] = ms * 2 + (s[0] == '1');
    }
    return OR_OK;
}

static or_status prom_take(const char *name, json_object *root, const prom_select *sel, prom_points *pts, diag *d)
{
    json_object *status = prom_get(root, "status");
    if (!json_object_is_type(root, json_type_object) || !status || !json_object_is_type(status, json_type_string)) {
        diag_error(d, name, 0, "no \"status\" member (expected a Prometheus query_range response "
                   "{\"status\": \"success\", \"data\": …})");
        return OR_EINPUT;
    }
    if (strcmp(json_object_get_string(status), "success") != 0) {
        json_object *et = prom_get(root, "errorType"), *er = prom_get(root, "error");
        diag_error(d, name, 0, "status \"%.20s\"%s%.40s%s%.200s (expected \"success\": this response is an error)",
                   json_object_get_string(status), et ? ", errorType " : "", et ? json_object_get_string(et) : "",
                   er ? ": " : "", er ? json_object_get_string(er) : "");
        return OR_EINPUT;
    }
    json_object *data = prom_get(root, "data");
    json_object *rt = data ? prom_get(data, "resultType") : NULL;
    json_object *result = data ? prom_get(data, "result") : NULL;
    if (!rt || !json_object_is_type(rt, json_type_string)) {
        diag_error(d, name, 0, "no data.resultType (expected \"matrix\": a query_range response)");
        return OR_EINPUT;
    }
    if (strcmp(json_object_get_string(rt), "matrix") != 0) {
        diag_error(d, name, 0, "resultType \"%.20s\" (expected \"matrix\": ask /api/v1/query_range, not "
                   "/api/v1/query)", json_object_get_string(rt));
        return OR_EINPUT;
    }
    if (!result || !json_object_is_type(result, json_type_array)) {
        diag_error(d, name, 0, "no data.result array (expected the series of the matrix)");
        return OR_EINPUT;
    }
    size_t n = json_object_array_length(result), chosen = SIZE_MAX, matching = 0;
    buf seen;
    buf_init(&seen, 4096);
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_array_get_idx(result, i);
        json_object *metric = prom_get(s, "metric");
        if (!metric || !json_object_is_type(metric, json_type_object)) {
            diag_error(d, name, 0, "data.result[%zu] has no \"metric\" object (expected the series' labels)", i);
            buf_free(&seen);
            return OR_EINPUT;
        }
        char *labels = prom_labels(metric);
        if (!labels) {
            buf_free(&seen);
            return diag_nomem(d);
        }
        if (i < 5)
            buf_printf(&seen, "%s%s", i ? ", " : "", labels);
        else if (i == 5)
            buf_puts(&seen, ", …");
        or_free(labels);
        if (prom_series_matches(metric, sel)) {
            matching++;
            if (chosen == SIZE_MAX)
                chosen = i;
        }
    }
    if (matching > 1) {
        diag_error(d, name, 0, "%zu series match (%s); choose one with --match LABEL=VALUE", matching,
                   buf_cstr(&seen) ? buf_cstr(&seen) : "");
        buf_free(&seen);
        return OR_EINPUT;
    }
    if (matching == 0) {
        if (n > 0)
            diag_warn(d, name, 0, "no probe_success series matches (%s); no samples from this file",
                      buf_cstr(&seen) ? buf_cstr(&seen) : "");
        else
            diag_warn(d, name, 0, "the result is empty; no samples from this file");
        buf_free(&seen);
        return OR_OK;
    }
    buf_free(&seen);
    json_object *series = json_object_array_get_idx(result, chosen);
    char *labels = prom_labels(prom_get(series, "metric"));
    if (!labels)
        return diag_nomem(d);
    if (!pts->series) {
        json_object *inst = prom_get(prom_get(series, "metric"), "instance");
        pts->series = labels;
        pts->first_file = or_strdup(name);
        pts->instance = inst && json_object_is_type(inst, json_type_string) ? or_strdup(json_object_get_string(inst))
                                                                            : NULL;
        if (!pts->first_file || (inst && !pts->instance))
            return diag_nomem(d);
    } else {
        bool same = strcmp(labels, pts->series) == 0;
        if (!same)
            diag_error(d, name, 0, "the matching series is %s, in %s it was %s (expected the same series in every "
                       "chunk; choose it with --match LABEL=VALUE)", labels, pts->first_file, pts->series);
        or_free(labels);
        if (!same)
            return OR_EINPUT;
    }
    return prom_take_series(name, series, chosen, sel, pts, d);
}

or_status prom_parse(const char *name, const char *text, size_t len, const prom_select *sel, prom_points *pts,
                     diag *d)
{
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        return diag_nomem(d);
    json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    or_status st = OR_OK;
    long line, col;
    if (err == json_tokener_continue || (!root && err == json_tokener_success)) {
        prom_position(text, len, len, &line, &col);
        diag_error(d, name, line, "the JSON ends early at column %ld (expected a complete query_range response; "
                   "was the download cut short?)", col);
        st = OR_EINPUT;
    } else if (err != json_tokener_success) {
        prom_position(text, len, end, &line, &col);
        diag_error(d, name, line, "column %ld: %s (expected JSON)", col, json_tokener_error_desc(err));
        st = OR_EINPUT;
    } else {
        size_t rest = end;
        while (rest < len && (text[rest] == ' ' || text[rest] == '\n' || text[rest] == '\r' || text[rest] == '\t'))
            rest++;
        if (rest < len) {
            prom_position(text, len, rest, &line, &col);
            diag_error(d, name, line, "column %ld: more after the response (expected one JSON object per file)",
                       col);
            st = OR_EINPUT;
        }
    }
    json_tokener_free(tok);
    if (st == OR_OK) {
        pts->files++;
        st = prom_take(name, root, sel, pts, d);
    }
    json_object_put(root);
    return st;
}

static or_status prom_read_file(const char *path, const prom_select *sel, prom_points *pts, diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_error(d, path, 0, "cannot open: %s", strerror(errno));
        return OR_EINPUT;
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        diag_error(d, path, 0, "not a regular file (expected a query_range JSON response)");
        return OR_EINPUT;
    }
    if (sb.st_size > PROM_MAX_FILE_BYTES) {
        fclose(f);
        diag_error(d, path, 0, "%lld bytes (expected at most %ld: a response of one series is at most 11,000 points, "
                   "about 300 KB; ask for one series, probe_success{instance=\"…\"}, per query)",
                   (long long)sb.st_size, PROM_MAX_FILE_BYTES);
        return OR_EINPUT;
    }
    size_t size = (size_t)sb.st_size;
    char *text = or_malloc(size + 1);
    if (!text) {
        fclose(f);
        return diag_nomem(d);
    }
    size_t got = fread(text, 1, size, f);
    bool bad = ferror(f);
    fclose(f);
    if (bad || got != size) {
        or_free(text);
        diag_error(d, path, 0, "cannot read: %s", strerror(errno));
        return OR_ESYS;
    }
    text[size] = '\0';
    or_status st = prom_parse(path, text, size, sel, pts, d);
    or_free(text);
    return st;
}

static int prom_strcmp_p(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

or_status prom_read_path(const char *path, const prom_select *sel, prom_points *pts, diag *d)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        diag_error(d, path, 0, "cannot open: %s", strerror(errno));
        return OR_EINPUT;
    }
    if (!S_ISDIR(sb.st_mode))
        return prom_read_file(path, sel, pts, d);
    DIR *dh = opendir(path);
    if (!dh) {
        diag_error(d, path, 0, "cannot open the directory: %s", strerror(errno));
        return OR_EINPUT;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    or_status st = OR_OK;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        size_t need = strlen(path) + len + 2;
        char *p = or_malloc(need);
        if (!p || or_grow(&names, &cap, n + 1, sizeof *names) != 0) {
            or_free(p);
            st = diag_nomem(d);
            break;
        }
        snprintf(p, need, "%s/%s", path, e->d_name);
        names[n++] = p;
    }
    closedir(dh);
    if (st == OR_OK && n == 0) {
        diag_error(d, path, 0, "no *.json files (expected query_range responses, one per file)");
        st = OR_EINPUT;
    }
    if (n)
        qsort(names, n, sizeof *names, prom_strcmp_p);
    for (size_t i = 0; i < n; i++) {
        if (st == OR_OK)
            st = prom_read_file(names[i], sel, pts, d);
        or_free(names[i]);
    }
    or_free(names);
    return st;
}

static int prom_cmp_point(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

or_status prom_merge(prom_points *pts, diag *d)
{
    if (pts->n > 1)
        qsort(pts->v, pts->n, sizeof *pts->v, prom_cmp_point);
    size_t out = 0;
    for (size_t i = 0; i < pts->n; i++) {
        int64_t v = pts->v[i];
        if (out > 0 && pts->v[out - 1] >> 1 == v >> 1) {
            if (pts->v[out - 1] != v) {
                int64_t ms = v >> 1;
                char at[17];
                od_format_instant(probewrite_minute_of_unix_ms(ms), at);
                diag_error(d, pts->first_file, 0, "the sample at unix time %.3f (%s) is \"0\" in one chunk and \"1\" "
                           "in another (expected overlapping chunks to agree)", ms / 1000.0, at);
                return OR_EINPUT;
            }
            pts->duplicates++;
            continue;
        }
        pts->v[out++] = v;
    }
    pts->n = out;
    return OR_OK;
}

int64_t prom_min_step_ms(const prom_points *pts)
{
    int64_t best = 0;
    for (size_t i = 1; i < pts->n; i++) {
        int64_t step = (pts->v[i] >> 1) - (pts->v[i - 1] >> 1);
        if (step > 0 && (best == 0 || step < best))
            best = step;
    }
    return best;
}

or_status prom_write(const prom_points *pts, probewrite *w, const char *where, diag *d)
{
    for (size_t i = 0; i < pts->n; i++) {
        or_status st = probewrite_add(w, pts->v[i] >> 1, (pts->v[i] & 1) != 0, -1, where, d);
        if (st != OR_OK)
            return st;
    }
    return OR_OK;
}

void prom_points_free(prom_points *pts)
{
    or_free(pts->v);
    or_free(pts->series);
    or_free(pts->instance);
    or_free(pts->first_file);
    memset(pts, 0, sizeof *pts);
}
