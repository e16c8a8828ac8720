#include "probewrite.h"

#include "alloc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PW_BEIJING_OFFSET_MINUTES (8 * 60)

struct probewrite {
    probewrite_opts o;
    char *safe_system;           /* system id usable in a file name */
    probewrite_file *files;
    size_t n_files, cap_files;
    FILE *out;                   /* the open temporary file, or NULL */
    int out_month;               /* y * 12 + m - 1 of the open file */
    /* The minute being gathered. */
    bool have_minute;
    od_minute minute;
    bool minute_down;
    double rtt_sum;
    unsigned rtt_n;
    od_minute last_added;        /* for the order check */
    /* Formatting cache: the day of `day_text`. */
    od_date day;
    char day_text[11];
    od_date busy_reported;       /* last busy day reported, to say it once */
    probewrite_totals totals;
    bool committed;
};

od_minute probewrite_minute_of_unix_ms(int64_t unix_ms)
{
    int64_t m = unix_ms >= 0 ? unix_ms / 60000 : -((-unix_ms + 59999) / 60000);
    return (od_minute)m + PW_BEIJING_OFFSET_MINUTES;
}

int64_t probewrite_unix_ms_of_minute(od_minute m)
{
    return ((int64_t)m - PW_BEIJING_OFFSET_MINUTES) * 60000;
}

static char *pw_safe_name(const char *s)
{
    char *t = or_strdup(s);
    if (!t)
        return NULL;
    for (char *p = t; *p; p++) {
        unsigned char c = (unsigned char)*p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || (c == '.' && p != t) || c >= 0x80;
        if (!keep)
            *p = '_';
    }
    return t;
}

or_status probewrite_open(probewrite **out, const probewrite_opts *o, diag *d)
{
    *out = NULL;
    probewrite *w = or_calloc(1, sizeof *w);
    if (!w)
        return diag_nomem(d);
    w->o = *o;
    w->safe_system = pw_safe_name(o->system);
    if (!w->safe_system) {
        or_free(w);
        return diag_nomem(d);
    }
    w->day = INT32_MIN;
    w->busy_reported = INT32_MIN;
    w->last_added = INT64_MIN;
    *out = w;
    return OR_OK;
}

static void pw_xml_attr(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\t': fputs("&#9;", f); break;
        case '\r': fputs("&#13;", f); break;
        default:
            if ((unsigned char)*s >= 0x20)
                fputc(*s, f);
        }
    }
}

/* A comment's text may not hold "--" nor control characters. */
static void pw_xml_comment(FILE *f, const char *s)
{
    char prev = ' ';
    for (; *s; s++) {
        char c = (unsigned char)*s < 0x20 ? ' ' : *s;
        if (c == '-' && prev == '-')
            fputc(' ', f);
        fputc(c, f);
        prev = c;
    }
    if (prev == '-')
        fputc(' ', f);
}

static or_status pw_close_file(probewrite *w, diag *d)
{
    if (!w->out)
        return OR_OK;
    probewrite_file *pf = &w->files[w->n_files - 1];
    fputs("</probes>\n", w->out);
    w->out = NULL;
    return atomic_new_finish(&pf->tmp, d);   /* flushed, fsynced, closed; "cannot write" naming it */
}

static bool pw_exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

static or_status pw_open_file(probewrite *w, int y, int m, diag *d)
{
    if (w->o.single_name && w->out) {
        /* One named file holds every month. */
        w->out_month = y * 12 + m - 1;
        return OR_OK;
    }
    or_status st = pw_close_file(w, d);
    if (st != OR_OK)
        return st;
    char name[512];
    if (w->o.single_name)
        snprintf(name, sizeof name, "%s", w->o.single_name);
    else
        snprintf(name, sizeof name, "probes-%s-%04d-%02d.xml", w->safe_system, y, m);
    size_t dlen = strlen(w->o.dir), nlen = strlen(name);
    char *final = or_malloc(dlen + nlen + 2), *nm = or_strdup(name);
    if (!final || !nm || or_grow(&w->files, &w->cap_files, w->n_files + 1, sizeof *w->files) != 0) {
        or_free(final);
        or_free(nm);
        return diag_nomem(d);
    }
    snprintf(final, dlen + nlen + 2, "%s/%s", w->o.dir, name);
    if (pw_exists(final)) {
        diag_error(d, final, 0, "exists already (expected a new file: an import never overwrites; "
                   "remove it or choose another name with -o)");
        or_free(final);
        or_free(nm);
        return OR_EINPUT;
    }
    atomic_new t;
    if (atomic_new_open(&t, w->o.dir, name) != 0) {
        int err = errno;
        or_free(nm);
        if (err == ENOMEM) {
            or_free(final);
            return diag_nomem(d);
        }
        diag_error(d, final, 0, "cannot create: %s", strerror(err));
        or_free(final);
        return OR_ESYS;
    }
    or_free(final);
    FILE *f = t.f;
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    probewrite_file *pf = &w->files[w->n_files++];
    memset(pf, 0, sizeof *pf);
    pf->name = nm;
    pf->tmp = t;
    w->out = f;
    w->out_month = y * 12 + m - 1;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    if (w->o.origin) {
        fputs("<!-- ", f);
        pw_xml_comment(f, w->o.origin);
        fputs(" -->\n", f);
    }
    fputs("<probes system=\"", f);
    pw_xml_attr(f, w->o.system);
    fputc('"', f);
    if (w->o.target && *w->o.target) {
        fputs(" target=\"", f);
        pw_xml_attr(f, w->o.target);
        fputc('"', f);
    }
    fprintf(f, " interval=\"%d\">\n", w->o.interval_seconds);
    return OR_OK;
}

/* Writes the gathered minute. */
static or_status pw_flush_minute(probewrite *w, diag *d)
{
    if (!w->have_minute)
        return OR_OK;
    w->have_minute = false;
    od_minute m = w->minute;
    od_date day = od_minute_day(m);
    int y, mo, dd;
    od_date_to_ymd(day, &y, &mo, &dd);
    if (!w->out || (y * 12 + mo - 1) != w->out_month) {
        or_status st = pw_open_file(w, y, mo, d);
        if (st != OR_OK)
            return st;
    }
    if (day != w->day) {
        w->day = day;
        od_format_date(day, w->day_text);
        if (w->o.busy_total && day >= w->o.busy_first && (size_t)(day - w->o.busy_first) < w->o.busy_days
            && w->o.busy_total[day - w->o.busy_first] > 0) {
            diag_error(d, w->o.dir, 0, "system %s already has %u samples on %s in the data set (expected no "
                       "overlap: the same minutes imported twice would be counted twice; import the other days with "
                       "--from and --to)", w->o.system,
                       (unsigned)w->o.busy_total[day - w->o.busy_first], w->day_text);
            return OR_EINPUT;
        }
    }
    probewrite_file *pf = &w->files[w->n_files - 1];
    int within = (int)(m - od_day_start(day));
    char line[96];
    int hh = within / 60, mi = within % 60;
    int n = 0;
    memcpy(line, "  <p t=\"", 8);
    n = 8;
    memcpy(line + n, w->day_text, 10);
    n += 10;
    line[n++] = 'T';
    line[n++] = (char)('0' + hh / 10);
    line[n++] = (char)('0' + hh % 10);
    line[n++] = ':';
    line[n++] = (char)('0' + mi / 10);
    line[n++] = (char)('0' + mi % 10);
    memcpy(line + n, ":00\" ok=\"", 9);
    n += 9;
    bool up = !w->minute_down;
    line[n++] = up ? '1' : '0';
    line[n++] = '"';
    if (up && w->rtt_n > 0) {
        double mean = w->rtt_sum / w->rtt_n;
        long ms = mean > 1e8 ? 100000000L : lround(mean);
        n += snprintf(line + n, sizeof line - (size_t)n, " ms=\"%ld\"", ms);
    }
    memcpy(line + n, "/>\n", 3);
    n += 3;
    fwrite(line, 1, (size_t)n, w->out);
    if (pf->samples == 0)
        pf->first = m;
    pf->last = m;
    pf->samples++;
    w->totals.samples++;
    if (up) {
        pf->ok++;
        w->totals.ok++;
    }
    return OR_OK;
}

or_status probewrite_add(probewrite *w, int64_t unix_ms, bool up, double rtt_ms, const char *where, diag *d)
{
    od_minute m = probewrite_minute_of_unix_ms(unix_ms);
    if (m < w->last_added) {
        char a[17], b[17];
        od_format_instant(m, a);
        od_format_instant(w->last_added, b);
        diag_error(d, where, 0, "sample at %s comes after one at %s (expected samples in time order)", a, b);
        return OR_EINPUT;
    }
    w->last_added = m;
    if (m < w->o.from || m >= w->o.to) {
        w->totals.outside++;
        return OR_OK;
    }
    if (!w->have_minute || m != w->minute) {
        or_status st = pw_flush_minute(w, d);
        if (st != OR_OK)
            return st;
        w->have_minute = true;
        w->minute = m;
        w->minute_down = false;
        w->rtt_sum = 0;
        w->rtt_n = 0;
    }
    if (!up)
        w->minute_down = true;
    else if (rtt_ms >= 0 && isfinite(rtt_ms)) {
        w->rtt_sum += rtt_ms;
        w->rtt_n++;
    }
    return OR_OK;
}

or_status probewrite_finish(probewrite *w, diag *d)
{
    or_status st = pw_flush_minute(w, d);
    or_status st2 = pw_close_file(w, d);
    return st != OR_OK ? st : st2;
}

size_t probewrite_file_count(const probewrite *w)
{
    return w->n_files;
}

const probewrite_file *probewrite_file_at(const probewrite *w, size_t i)
{
    return i < w->n_files ? &w->files[i] : NULL;
}

probewrite_totals probewrite_get_totals(const probewrite *w)
{
    return w->totals;
}

or_status probewrite_commit(probewrite *w, diag *d)
{
    size_t done = 0;
    or_status st = OR_OK;
    char **finals = or_calloc(w->n_files ? w->n_files : 1, sizeof *finals);
    if (!finals)
        return diag_nomem(d);
    for (size_t i = 0; i < w->n_files; i++) {
        size_t need = strlen(w->o.dir) + strlen(w->files[i].name) + 2;
        finals[i] = or_malloc(need);
        if (!finals[i]) {
            st = diag_nomem(d);
            break;
        }
        snprintf(finals[i], need, "%s/%s", w->o.dir, w->files[i].name);
    }
    for (size_t i = 0; st == OR_OK && i < w->n_files; i++) {
        if (atomic_new_place(&w->files[i].tmp, finals[i]) != 0) {
            int err = errno;
            if (err == EEXIST)
                diag_error(d, finals[i], 0, "exists already (expected a new file: an import never overwrites); "
                           "nothing was written");
            else
                diag_error(d, finals[i], 0, "cannot write: %s; nothing was written", strerror(err));
            st = err == EEXIST ? OR_EINPUT : OR_ESYS;
            break;
        }
        done = i + 1;
    }
    if (st != OR_OK) {
        /* Undo: move the placed files back to their temporary names so
         * probewrite_free removes them. */
        for (size_t i = 0; i < done; i++)
            if (rename(finals[i], w->files[i].tmp.tmp) != 0)
                unlink(finals[i]);
            else
                w->files[i].tmp.placed = false;   /* back under its temporary name */
    } else {
        w->committed = true;
    }
    for (size_t i = 0; i < w->n_files; i++)
        or_free(finals[i]);
    or_free(finals);
    return st;
}

void probewrite_free(probewrite *w)
{
    if (!w)
        return;
    w->out = NULL;   /* the last file's stream, closed by its atomic_new_discard */
    for (size_t i = 0; i < w->n_files; i++) {
        /* once committed each temporary name is gone: discard only frees */
        atomic_new_discard(&w->files[i].tmp);
        or_free(w->files[i].name);
    }
    or_free(w->files);
    or_free(w->safe_system);
    or_free(w);
}
