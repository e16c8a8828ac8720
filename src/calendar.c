#include "calendar.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "alloc.h"
#include "xmlin.h"

/* One listed day.  Days are kept sorted and unique so lookups are a binary
 * search; the list is a few dozen days a year. */
typedef struct calendar_entry {
    od_date day;
    bool off;
    int file;      /* index into calendar.files; -1 = the shipped schedule */
    long line;
    char *name;    /* owned; NULL when the record gave none */
} calendar_entry;

struct calendar {
    calendar_entry *days;
    size_t ndays, days_cap;
    int *years;          /* years marked complete (a handful: linear scan) */
    size_t nyears, years_cap;
    char **files;        /* calendar files applied, to name earlier places */
    size_t nfiles, files_cap;
};

/* What one document contributes, collected in full before anything is
 * changed so that a file with errors leaves the calendar as it was. */
typedef struct calendar_pending {
    calendar_entry *days;
    size_t ndays, days_cap;
    int *years;
    size_t nyears, years_cap;
} calendar_pending;

enum { CALENDAR_SHIPPED = -1 };

/* ---- lookups --------------------------------------------------------- */

static const calendar_entry *calendar_find(const calendar *cal, od_date day)
{
    if (!cal)
        return NULL;
    size_t lo = 0, hi = cal->ndays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < cal->ndays && cal->days[lo].day == day ? &cal->days[lo] : NULL;
}

static int calendar_year_of(od_date day)
{
    int y, m, d;
    od_date_to_ymd(day, &y, &m, &d);
    return y;
}

bool calendar_is_workday(const calendar *cal, od_date day)
{
    const calendar_entry *e = calendar_find(cal, day);
    if (e)
        return !e->off;
    return od_weekday(day) <= 5;
}

bool calendar_year_known(const calendar *cal, int year)
{
    if (!cal)
        return false;
    for (size_t i = 0; i < cal->nyears; i++)
        if (cal->years[i] == year)
            return true;
    return false;
}

bool calendar_range_uses_fallback(const calendar *cal, od_date first, od_date last)
{
    if (first > last)
        return false;
    int y1 = calendar_year_of(first), y2 = calendar_year_of(last);
    for (int y = y1; y <= y2; y++)
        if (!calendar_year_known(cal, y))
            return true;
    return false;
}

const char *calendar_day_name(const calendar *cal, od_date day)
{
    const calendar_entry *e = calendar_find(cal, day);
    return e ? e->name : NULL;
}

bool calendar_is_makeup_day(const calendar *cal, od_date day)
{
    const calendar_entry *e = calendar_find(cal, day);
    return e && !e->off && od_weekday(day) >= 6;
}

int calendar_count_workdays(const calendar *cal, od_date first, od_date last)
{
    int n = 0;
    for (od_date day = first; day <= last; day++)
        n += calendar_is_workday(cal, day);
    return n;
}

/* Terminates: past the last listed day every Monday–Friday works. */
od_date calendar_nth_workday_from(const calendar *cal, od_date from, int n)
{
    if (n < 1)
        n = 1;
    od_date day = from;
    for (;;) {
        if (calendar_is_workday(cal, day) && --n == 0)
            return day;
        day++;
    }
}

od_date calendar_nth_workday_after(const calendar *cal, od_date day, int n)
{
    return calendar_nth_workday_from(cal, day + 1, n);
}

/* ---- due dates -------------------------------------------------------- */

static int calendar_clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

od_date calendar_due_weekly(const calendar *cal, int iso_year, int week)
{
    week = calendar_clamp(week, 1, od_iso_weeks_in_year(iso_year));
    od_date next_monday = od_iso_week_monday(iso_year, week) + 7;
    return calendar_nth_workday_from(cal, next_monday, 1);
}

/* First day of the month after `month`, which may be 12 (→ next January). */
static od_date calendar_month_after(int year, int month)
{
    return month >= 12 ? od_date_from_ymd(year + 1, 1, 1) : od_date_from_ymd(year, month + 1, 1);
}

od_date calendar_due_monthly(const calendar *cal, int year, int month)
{
    month = calendar_clamp(month, 1, 12);
    return calendar_nth_workday_from(cal, calendar_month_after(year, month), 3);
}

od_date calendar_due_quarter(const calendar *cal, int year, int quarter)
{
    quarter = calendar_clamp(quarter, 1, 4);
    return calendar_nth_workday_from(cal, calendar_month_after(year, quarter * 3), 5);
}

od_date calendar_due_half(const calendar *cal, int year, int half)
{
    half = calendar_clamp(half, 1, 2);
    return calendar_nth_workday_from(cal, calendar_month_after(year, half * 6), 5);
}

od_date calendar_due_incident(const calendar *cal, od_date resolved)
{
    return calendar_nth_workday_after(cal, resolved, 3);
}

/* ---- freeing ---------------------------------------------------------- */

static void calendar_pending_free(calendar_pending *p)
{
    for (size_t i = 0; i < p->ndays; i++)
        or_free(p->days[i].name);
    or_free(p->days);
    or_free(p->years);
    memset(p, 0, sizeof *p);
}

void calendar_free(calendar *cal)
{
    if (!cal)
        return;
    for (size_t i = 0; i < cal->ndays; i++)
        or_free(cal->days[i].name);
    or_free(cal->days);
    or_free(cal->years);
    for (size_t i = 0; i < cal->nfiles; i++)
        or_free(cal->files[i]);
    or_free(cal->files);
    or_free(cal);
}

/* ---- reading a file ---------------------------------------------------- */

/* The last libxml2 message of a parse: a calendar error names one. */
typedef struct calendar_parse_state {
    bool failed;
    long line;
    char msg[400];
} calendar_parse_state;

static void calendar_on_error(void *ctx, xmlErrorPtr e)
{
    calendar_parse_state *st = ctx;
    if (!e)
        return;
    st->failed = true;
    st->line = xmlin_error_text(e, st->msg, sizeof st->msg);
    st->msg[strcspn(st->msg, "\n")] = '\0';   /* the first line of libxml2's message */
}

/* Parses `path` through xmlin: a regular file, no DOCTYPE (entities and
 * defaults it declares could change what the file says), no network, no
 * entity substitution or DTD loading.  On success *out is the caller's
 * document. */
static or_status calendar_read_doc(const char *path, xmlDocPtr *out, diag *d)
{
    *out = NULL;
    xmlin_file f;
    xmlin_open_result opened = xmlin_open(path, XMLIN_MAX_BYTES, &f);
    if (opened == XMLIN_ENOFILE || opened == XMLIN_EDANGLING) {
        /* libxml2's message for a missing file is vague; say it plainly. */
        diag_error(d, path, 0, "cannot open the calendar file: %s", strerror(opened == XMLIN_ENOFILE ? f.err : ENOENT));
        return OR_ESYS;
    }
    if (opened != XMLIN_OPENED) {
        char refusal[XMLIN_MSG_MAX];
        diag_error(d, path, 0, "%s", xmlin_open_message(opened, &f, XMLIN_MAX_BYTES, false, refusal, sizeof refusal));
        return OR_EINPUT;
    }
    calendar_parse_state st = {0};
    xmlin_parse_opts o = {.options = XML_PARSE_NOERROR | XML_PARSE_NOWARNING, .on_error = calendar_on_error,
                          .error_ctx = &st};
    xmlDocPtr doc = NULL;
    long at = 0;
    xmlin_parse_result res = xmlin_parse_fd(f.fd, &o, &doc, &at);
    xmlin_close(&f);
    switch (res) {
    case XMLIN_PARSED:
        *out = doc;
        return OR_OK;
    case XMLIN_DOCTYPE:
        diag_error(d, path, at,
                   "found a <!DOCTYPE> declaration; expected none (calendar files are plain XML "
                   "without a DTD)");
        return OR_EINPUT;
    case XMLIN_PNOMEM:
        return diag_nomem(d);
    case XMLIN_MALFORMED:
    case XMLIN_PREAD:
        break;
    }
    if (st.failed)
        diag_error(d, path, st.line, "not well-formed XML: %.*s", (int)strlen(st.msg), st.msg);
    else
        diag_error(d, path, 0, "not well-formed XML");
    return OR_EINPUT;
}

/* ---- collecting a document's records ----------------------------------- */

static bool calendar_is_name(const xmlNode *n, const char *name)
{
    return n->name && strcmp((const char *)n->name, name) == 0;
}

static bool calendar_blank(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return false;
    return true;
}

/* Reports attributes not in `allowed` (NULL-terminated); `expected` lists
 * them for the message. */
static bool calendar_check_attrs(const xmlNode *el, const char *const *allowed, const char *expected,
                                 const char *path, diag *d)
{
    bool ok = true;
    for (const xmlAttr *a = el->properties; a; a = a->next) {
        bool known = false;
        for (const char *const *p = allowed; *p; p++)
            if (a->ns == NULL && strcmp((const char *)a->name, *p) == 0)
                known = true;
        if (!known) {
            diag_error(d, path, xmlGetLineNo(el), "<%s> has an unknown attribute \"%s\"; expected only %s",
                       (const char *)el->name, (const char *)a->name, expected);
            ok = false;
        }
    }
    return ok;
}

/* Fetches required attribute `name` (xmlFree the result), reporting it
 * missing with the form it should have. */
static xmlChar *calendar_attr(const xmlNode *el, const char *name, const char *form, const char *path,
                              diag *d)
{
    xmlChar *v = xmlGetNoNsProp(el, (const xmlChar *)name);
    if (!v)
        diag_error(d, path, xmlGetLineNo(el), "<%s> has no %s attribute; expected %s=\"%s\"",
                   (const char *)el->name, name, name, form);
    return v;
}

static bool calendar_parse_bool(const xmlNode *el, const char *attr, const xmlChar *v, bool *out,
                                const char *path, diag *d)
{
    if (strcmp((const char *)v, "true") == 0) {
        *out = true;
        return true;
    }
    if (strcmp((const char *)v, "false") == 0) {
        *out = false;
        return true;
    }
    diag_error(d, path, xmlGetLineNo(el), "<%s %s=\"%.40s\">: expected %s=\"true\" or \"false\"",
               (const char *)el->name, attr, (const char *)v, attr);
    return false;
}

/* A year as four digits, 0001–9999, like the years of od_parse_date. */
static bool calendar_parse_year(const xmlChar *v, int *out)
{
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        y = y * 10 + (v[i] - '0');
    }
    if (v[4] != '\0' || y < 1)
        return false;
    *out = y;
    return true;
}

/* Trimmed copy of the element's text (the day's name); NULL when empty.
 * Sets *nomem on allocation failure. */
static char *calendar_text(const xmlNode *el, bool *nomem)
{
    xmlChar *raw = xmlNodeGetContent(el);
    if (!raw)
        return NULL;
    const char *s = (const char *)raw;
    size_t len = strlen(s);
    while (len && strchr(" \t\r\n", s[len - 1]))
        len--;
    while (len && strchr(" \t\r\n", *s)) {
        s++;
        len--;
    }
    char *copy = NULL;
    if (len) {
        copy = or_strndup(s, len);
        if (!copy)
            *nomem = true;
    }
    xmlFree(raw);
    return copy;
}

static or_status calendar_collect_day(const xmlNode *el, const char *path, calendar_pending *p,
                                      diag *d)
{
    static const char *const allowed[] = {"date", "off", "name", NULL};
    bool ok = calendar_check_attrs(el, allowed, "date, off and name", path, d);
    long line = xmlGetLineNo(el);
    for (const xmlNode *c = el->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            diag_error(d, path, xmlGetLineNo(c), "found <%s> inside <day>; expected only the day's name as text",
                       (const char *)c->name);
            ok = false;
        }
    xmlChar *date = calendar_attr(el, "date", "YYYY-MM-DD", path, d);
    xmlChar *off = calendar_attr(el, "off", "true|false", path, d);
    xmlChar *name_attr = xmlGetNoNsProp(el, (const xmlChar *)"name");
    od_date day = 0;
    bool is_off = false;
    if (date && !od_parse_date((const char *)date, &day)) {
        diag_error(d, path, line, "<day date=\"%.40s\">: expected a real date as YYYY-MM-DD",
                   (const char *)date);
        ok = false;
    }
    if (off && !calendar_parse_bool(el, "off", off, &is_off, path, d))
        ok = false;
    ok = ok && date && off;

    or_status st = OR_OK;
    if (ok) {
        /* The shipped file carries the name as an attribute, calendar
         * records as text; either is accepted, the attribute first. */
        bool nomem = false;
        char *name = NULL;
        if (name_attr && !calendar_blank(name_attr)) {
            name = or_strdup((const char *)name_attr);
            nomem = !name;
        } else if (!name_attr) {
            name = calendar_text(el, &nomem);
        }
        if (nomem || or_grow(&p->days, &p->days_cap, p->ndays + 1, sizeof *p->days) != 0) {
            or_free(name);
            st = diag_nomem(d);
        } else {
            p->days[p->ndays++] = (calendar_entry){day, is_off, 0, line, name};
        }
    } else {
        st = OR_EINPUT;
    }
    xmlFree(date);
    xmlFree(off);
    xmlFree(name_attr);
    return st;
}

static or_status calendar_collect_year(const xmlNode *el, const char *path, calendar_pending *p,
                                       diag *d)
{
    static const char *const allowed[] = {"value", "complete", NULL};
    bool ok = calendar_check_attrs(el, allowed, "value and complete", path, d);
    for (const xmlNode *c = el->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE || (c->type == XML_TEXT_NODE && !calendar_blank(c->content))) {
            diag_error(d, path, xmlGetLineNo(el), "<year> has content; expected an empty element");
            ok = false;
            break;
        }
    xmlChar *value = calendar_attr(el, "value", "YYYY", path, d);
    xmlChar *complete = calendar_attr(el, "complete", "true|false", path, d);
    int year = 0;
    bool is_complete = false;
    if (value && !calendar_parse_year(value, &year)) {
        diag_error(d, path, xmlGetLineNo(el), "<year value=\"%.40s\">: expected a four-digit year",
                   (const char *)value);
        ok = false;
    }
    if (complete && !calendar_parse_bool(el, "complete", complete, &is_complete, path, d))
        ok = false;
    ok = ok && value && complete;
    xmlFree(value);
    xmlFree(complete);
    if (!ok)
        return OR_EINPUT;
    /* complete="false" documents a gap; it never un-knows a year. */
    if (is_complete) {
        if (or_grow(&p->years, &p->years_cap, p->nyears + 1, sizeof *p->years) != 0)
            return diag_nomem(d);
        p->years[p->nyears++] = year;
    }
    return OR_OK;
}

static int calendar_cmp_entry(const void *a, const void *b)
{
    const calendar_entry *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Walks the document into `p`, reporting every problem; OR_EINPUT when
 * there was any.  `root_name` is "holidays" (shipped) or "calendar". */
static or_status calendar_collect(const calendar *cal, xmlDocPtr doc, const char *path,
                                  const char *root_name, calendar_pending *p, diag *d)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root) {
        diag_error(d, path, 0, "the document is empty; expected a <%s> element", root_name);
        return OR_EINPUT;
    }
    if (doc->intSubset || doc->extSubset) {
        diag_error(d, path, xmlGetLineNo(root),
                   "found a <!DOCTYPE> declaration before <%s>; expected none (calendar files are "
                   "plain XML without a DTD)",
                   (const char *)root->name);
        return OR_EINPUT;
    }
    if (!calendar_is_name(root, root_name) || root->ns) {
        diag_error(d, path, xmlGetLineNo(root), "root element <%s>; expected <%s>",
                   (const char *)root->name, root_name);
        return OR_EINPUT;
    }
    or_status worst = OR_OK;
    for (xmlNodePtr n = root->children; n; n = n->next) {
        or_status st = OR_OK;
        if (n->type == XML_ELEMENT_NODE && calendar_is_name(n, "day")) {
            st = calendar_collect_day(n, path, p, d);
        } else if (n->type == XML_ELEMENT_NODE && calendar_is_name(n, "year")) {
            st = calendar_collect_year(n, path, p, d);
        } else if (n->type == XML_ELEMENT_NODE) {
            diag_error(d, path, xmlGetLineNo(n), "unknown element <%s> in <%s>; expected <day> or <year>",
                       (const char *)n->name, root_name);
            st = OR_EINPUT;
        } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
                   && !calendar_blank(n->content)) {
            diag_error(d, path, xmlGetLineNo(n), "text directly inside <%s>; expected only <day> and <year> elements",
                       root_name);
            st = OR_EINPUT;
        }
        if (st == OR_ESYS)
            return OR_ESYS;
        if (st != OR_OK)
            worst = st;
    }

    /* One day listed twice is a contradiction (or a copy-paste slip): name
     * both places rather than silently keep one. */
    if (p->ndays > 1)
        qsort(p->days, p->ndays, sizeof *p->days, calendar_cmp_entry);
    for (size_t i = 0; i < p->ndays; i++) {
        char date[11];
        od_format_date(p->days[i].day, date);
        if (i > 0 && p->days[i - 1].day == p->days[i].day) {
            diag_error(d, path, p->days[i].line, "day %s is listed twice; first at line %ld", date,
                       p->days[i - 1].line);
            worst = OR_EINPUT;
            continue;
        }
        const calendar_entry *e = calendar_find(cal, p->days[i].day);
        if (e && e->file != CALENDAR_SHIPPED) {
            diag_error(d, path, p->days[i].line, "day %s is already given at %s:%ld", date,
                       cal->files[e->file], e->line);
            worst = OR_EINPUT;
        }
    }
    return worst;
}

/* Moves the pending days and years into the calendar.  Allocates
 * everything first, so on failure the calendar is untouched. */
static or_status calendar_merge(calendar *cal, calendar_pending *p, const char *path, diag *d)
{
    int file = CALENDAR_SHIPPED;
    char *path_copy = NULL;
    if (path) {
        path_copy = or_strdup(path);
        if (!path_copy || or_grow(&cal->files, &cal->files_cap, cal->nfiles + 1, sizeof *cal->files) != 0) {
            or_free(path_copy);
            return diag_nomem(d);
        }
        file = (int)cal->nfiles;
    }
    if (or_grow(&cal->years, &cal->years_cap, cal->nyears + p->nyears, sizeof *cal->years) != 0) {
        or_free(path_copy);
        return diag_nomem(d);
    }
    size_t total = cal->ndays + p->ndays;
    calendar_entry *merged = or_calloc(total ? total : 1, sizeof *merged);
    if (!merged) {
        or_free(path_copy);
        return diag_nomem(d);
    }

    /* Nothing can fail from here on. */
    if (path_copy)
        cal->files[cal->nfiles++] = path_copy;
    for (size_t i = 0; i < p->nyears; i++)
        if (!calendar_year_known(cal, p->years[i]))
            cal->years[cal->nyears++] = p->years[i];
    size_t a = 0, b = 0, n = 0;
    while (a < cal->ndays || b < p->ndays) {
        if (b == p->ndays || (a < cal->ndays && cal->days[a].day < p->days[b].day)) {
            merged[n++] = cal->days[a++];
        } else {
            if (a < cal->ndays && cal->days[a].day == p->days[b].day) {
                /* A data set's record wins over the shipped schedule. */
                or_free(cal->days[a].name);
                a++;
            }
            merged[n] = p->days[b++];
            merged[n++].file = file;
        }
    }
    or_free(cal->days);
    cal->days = merged;
    cal->ndays = n;
    cal->days_cap = total ? total : 1;
    p->ndays = 0;   /* names now belong to the calendar */
    return OR_OK;
}

static or_status calendar_apply_doc(calendar *cal, xmlDocPtr doc, const char *path,
                                    const char *root_name, bool shipped, diag *d)
{
    calendar_pending p = {0};
    or_status st = calendar_collect(cal, doc, path, root_name, &p, d);
    if (st == OR_OK)
        st = calendar_merge(cal, &p, shipped ? NULL : path, d);
    calendar_pending_free(&p);
    return st;
}

/* ---- public entry points ----------------------------------------------- */

or_status calendar_load(calendar **out, const char *path, diag *d)
{
    *out = NULL;
    calendar *cal = or_calloc(1, sizeof *cal);
    if (!cal)
        return diag_nomem(d);
    if (path) {
        xmlDocPtr doc;
        or_status st = calendar_read_doc(path, &doc, d);
        if (st == OR_OK) {
            st = calendar_apply_doc(cal, doc, path, "holidays", true, d);
            xmlFreeDoc(doc);
        }
        if (st != OR_OK) {
            calendar_free(cal);
            return st;
        }
    }
    *out = cal;
    return OR_OK;
}

or_status calendar_apply_xml(calendar *cal, xmlDocPtr doc, const char *path, diag *d)
{
    return calendar_apply_doc(cal, doc, path, "calendar", false, d);
}

or_status calendar_apply_file(calendar *cal, const char *path, diag *d)
{
    xmlDocPtr doc;
    or_status st = calendar_read_doc(path, &doc, d);
    if (st != OR_OK)
        return st;
    st = calendar_apply_xml(cal, doc, path, d);
    xmlFreeDoc(doc);
    return st;
}
