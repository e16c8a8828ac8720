/* records: probes files, read as a stream.
 *
 * A year of one-minute samples is 525,600 <p> elements per system; the DOM
 * would take hundreds of MB.  libxml2's reader keeps one node at a time and
 * we keep only per-day counts, so memory is bounded by the number of days
 * (capped at REC_PROBE_MAX_DAYS), not samples. */
#define RECORDS_INTERNAL
#include "records.h"

#include "alloc.h"
#include "xmlin.h"

#include <stdio.h>
#include <string.h>

#include <libxml/xmlreader.h>

#define REC_PROBE_MAX_DAYS 3660   /* ten years of days per system */

static rec_probe_series *rec_series_for(rec_loader *L, const char *system)
{
    records *r = rec_loader_records(L);
    for (size_t i = 0; i < r->probes.n; i++)
        if (strcmp(r->probes.v[i].system, system) == 0)
            return &r->probes.v[i];
    rec_probe_series *s = REC_PUSH(L, r->probes);
    if (!s)
        return NULL;
    s->system = system;
    s->system_index = REC_NO_INDEX;
    s->first_day = REC_NO_DATE;
    return s;
}

/* Makes day a valid slot of s; false when out of memory or the span would
 * exceed REC_PROBE_MAX_DAYS. */
static bool rec_series_cover(rec_loader *L, rec_probe_series *s, od_date day)
{
    if (s->n_days && day >= s->first_day && (size_t)(day - s->first_day) < s->n_days)
        return true;
    od_date first = s->n_days ? (day < s->first_day ? day : s->first_day) : day;
    od_date last = s->n_days ? (od_date)(s->first_day + (od_date)s->n_days - 1) : day;
    if (day > last)
        last = day;
    int64_t span = (int64_t)last - first + 1;
    if (span > REC_PROBE_MAX_DAYS)
        return false;
    size_t n = (size_t)span;
    uint32_t *ok = or_calloc(n, sizeof *ok), *total = or_calloc(n, sizeof *total);
    if (!ok || !total) {
        or_free(ok);
        or_free(total);
        rec_loader_nomem(L);
        return false;
    }
    if (s->n_days) {
        size_t off = (size_t)(s->first_day - first);
        memcpy(ok + off, s->ok, s->n_days * sizeof *ok);
        memcpy(total + off, s->total, s->n_days * sizeof *total);
    }
    or_free(s->ok);
    or_free(s->total);
    s->ok = ok;
    s->total = total;
    s->first_day = first;
    s->n_days = n;
    return true;
}

/* The line of the reader's current element.  Elements remember their line
 * only up to 65534, and the parser's own line count runs up to a chunk
 * ahead of the node handed out.  Past 65534 we use the line where the
 * preceding text (the white space between samples) ended, which libxml2
 * keeps exactly with XML_PARSE_BIG_LINES: that is where this tag starts. */
static long rec_reader_line(xmlTextReaderPtr rd, long text_end_line)
{
    xmlNodePtr n = xmlTextReaderCurrentNode(rd);
    if (n && n->line > 0 && n->line < 65535)
        return n->line;
    return text_end_line > 0 ? text_end_line : xmlTextReaderGetParserLineNumber(rd);
}

typedef struct rec_probe_state {
    rec_loader *L;
    xmlTextReaderPtr rd;
    rec_probe_series *s;
    od_minute prev;
    int prev_sec;       /* samples may come every few seconds: order by the second */
    long prev_line;
    od_minute lo, hi;       /* term +- slack, or lo > hi when no contract */
    size_t sample_errors;
    long text_end_line;     /* see rec_reader_line */
} rec_probe_state;

static bool rec_digits(const char *s, long max, long *out)
{
    long v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

static void rec_sample(rec_probe_state *ps)
{
    xmlTextReaderPtr rd = ps->rd;
    rec_loader *L = ps->L;
    long line = rec_reader_line(rd, ps->text_end_line);
    const char *t = NULL, *ok = NULL, *ms = NULL;
    bool bad = false;
    while (xmlTextReaderMoveToNextAttribute(rd) == 1) {
        const char *name = (const char *)xmlTextReaderConstLocalName(rd);
        const char *val = (const char *)xmlTextReaderConstValue(rd);
        if (!name || !val)
            continue;
        if (strcmp(name, "t") == 0)
            t = val;
        else if (strcmp(name, "ok") == 0)
            ok = val;
        else if (strcmp(name, "ms") == 0)
            ms = val;
        else if (strcmp(name, "code") == 0)
            continue;
        else {
            rec_file_error(L, line, "<p> has an unknown attribute %s= (expected t, ok, ms, code)", name);
            bad = true;
        }
    }
    (void)xmlTextReaderMoveToElement(rd);
    od_minute when;
    int sec = 0;
    long v;
    if (!t) {
        rec_file_error(L, line, "<p> has no t= attribute (expected t=\"YYYY-MM-DDTHH:MM:SS\")");
        return;
    }
    if (!od_parse_instant_s(t, &when, &sec)) {
        rec_file_error(L, line, "<p> t=\"%.40s\" is not a time (expected YYYY-MM-DDTHH:MM[:SS][±HH:MM])", t);
        return;
    }
    if (!ok || (strcmp(ok, "0") != 0 && strcmp(ok, "1") != 0)) {
        rec_file_error(L, line, ok ? "<p> ok=\"%.20s\" is not allowed (expected 0 or 1)"
                                   : "<p> has no ok= attribute%.0s (expected ok=\"0\" or ok=\"1\")", ok ? ok : "");
        return;
    }
    if (ms && !rec_digits(ms, 100000000, &v)) {
        rec_file_error(L, line, "<p> ms=\"%.20s\" is not allowed (expected a whole number of milliseconds)", ms);
        bad = true;
    }
    if (bad)
        return;
    if (ps->prev != REC_NO_TIME && (when < ps->prev || (when == ps->prev && sec <= ps->prev_sec))) {
        char a[20], b[20];
        od_format_instant_s(when, sec, a);
        od_format_instant_s(ps->prev, ps->prev_sec, b);
        rec_file_error(L, line, "sample at %s is not after the previous one at %s, line %ld (expected samples in "
                       "time order, one per time)", a, b, ps->prev_line);
        return;
    }
    ps->prev = when;
    ps->prev_sec = sec;
    ps->prev_line = line;
    if (ps->lo <= ps->hi && (when < ps->lo || when >= ps->hi)) {
        char a[17];
        od_format_instant(when, a);
        rec_file_error(L, line, "sample at %s lies more than %d days outside the contract term (expected a time "
                       "near the term)", a, REC_TERM_SLACK_DAYS);
        return;
    }
    if (!ps->s)
        return;
    od_date day = od_minute_day(when);
    if (!rec_series_cover(L, ps->s, day)) {
        if (ps->sample_errors++ == 0)
            rec_file_error(L, line, "samples span more than %d days (expected at most ten years per system)",
                           REC_PROBE_MAX_DAYS);
        return;
    }
    size_t i = (size_t)(day - ps->s->first_day);
    ps->s->total[i]++;
    ps->s->samples++;
    if (ok[0] == '1') {
        ps->s->ok[i]++;
        ps->s->ok_samples++;
    }
}

static void rec_probe_root(rec_probe_state *ps)
{
    xmlTextReaderPtr rd = ps->rd;
    rec_loader *L = ps->L;
    records *r = rec_loader_records(L);
    long line = rec_reader_line(rd, ps->text_end_line);
    xmlChar *sys = xmlTextReaderGetAttribute(rd, (const xmlChar *)"system");
    xmlChar *target = xmlTextReaderGetAttribute(rd, (const xmlChar *)"target");
    xmlChar *interval = xmlTextReaderGetAttribute(rd, (const xmlChar *)"interval");
    long iv = 0;
    if (!sys)
        rec_file_error(L, line, "<probes> has no system= attribute (expected a system id of the contract)");
    if (interval && (!rec_digits((const char *)interval, 86400, &iv) || iv == 0))
        rec_file_error(L, line, "<probes> interval=\"%.20s\" is not allowed (expected seconds from 1 to 86400)",
                       (const char *)interval);
    if (sys) {
        const char *name = arena_strdup(&r->mem, (const char *)sys);
        ps->s = name ? rec_series_for(L, name) : NULL;
        if (!name)
            rec_loader_nomem(L);
        if (ps->s && !ps->s->src.file) {
            ps->s->src.file = rec_loader_file(L);
            ps->s->src.line = line;
            ps->s->target = target ? arena_strdup(&r->mem, (const char *)target) : NULL;
            ps->s->interval_seconds = (int)iv;
        }
    }
    xmlFree(sys);
    xmlFree(target);
    xmlFree(interval);
}

void rec_load_probes(rec_loader *L, int fd, xmlRelaxNGPtr schema)
{
    records *r = rec_loader_records(L);
    xmlTextReaderPtr rd = xmlin_reader_fd(fd, rec_loader_file(L), 0);
    if (!rd) {
        rec_loader_nomem(L);
        return;
    }
    xmlTextReaderSetStructuredErrorHandler(rd, rec_xml_error, L);
    if (schema && xmlTextReaderRelaxNGSetSchema(rd, schema) != 0)
        rec_file_error(L, 0, "cannot validate against data/schema/probes.rng");
    rec_probe_state ps = {.L = L, .rd = rd, .prev = REC_NO_TIME, .lo = 1, .hi = 0};
    const rec_contract *c = &r->contract;
    if (c->src.file && c->term_start != REC_NO_DATE && c->term_end != REC_NO_DATE) {
        ps.lo = od_day_start(c->term_start - REC_TERM_SLACK_DAYS);
        ps.hi = od_day_start(c->term_end + REC_TERM_SLACK_DAYS + 1);
    }
    int rc;
    while ((rc = xmlTextReaderRead(rd)) == 1) {
        if (rec_should_stop(L)) {
            rec_stopped_at(L, rec_reader_line(rd, ps.text_end_line));
            break;
        }
        int type = xmlTextReaderNodeType(rd);
        if (type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE
            || type == XML_READER_TYPE_TEXT) {
            xmlNodePtr t = xmlTextReaderCurrentNode(rd);
            ps.text_end_line = t ? xmlGetLineNo(t) : 0;
            /* The next element's schema check happens inside the next
             * xmlTextReaderRead: tell the error callback where it is. */
            rec_set_stream_line(L, ps.text_end_line);
            continue;
        }
        if (xmlin_reader_doctype(rd)) {
            /* The prescan refuses DOCTYPEs; this is the second lock. */
            rec_file_error(L, rec_reader_line(rd, ps.text_end_line), "DOCTYPE refused (expected no DTD)");
            break;
        }
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        int depth = xmlTextReaderDepth(rd);
        const char *name = (const char *)xmlTextReaderConstLocalName(rd);
        if (depth == 0) {
            rec_probe_root(&ps);
        } else if (depth == 1 && name && strcmp(name, "p") == 0) {
            rec_sample(&ps);
        } else {
            rec_file_error(L, rec_reader_line(rd, ps.text_end_line), "unexpected element <%s> (expected <p> in <probes>)",
                           name ? name : "?");
        }
    }
    rec_set_stream_line(L, 0);
    xmlFreeTextReader(rd);
}
