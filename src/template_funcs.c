/* template_funcs: the XPath extension functions of urn:opsreport:functions.
 *
 * Conventions shared by all of them (docs/template-language.md):
 *  - arguments are taken by their string value; an XPath number is first
 *    written with 15 significant digits (what a double holds exactly), so
 *    amounts and percentages are handled as decimal text, never rounded in
 *    binary;
 *  - a formatting function given the empty string (a missing attribute)
 *    returns the empty string, so an optional value prints nothing;
 *  - a bad argument is an error that names the function and the value; the
 *    engine adds the template's file:line and the expression. */
#include "template_internal.h"
#include "i18n.h"

#include "alloc.h"
#include "buf.h"
#include "datetime.h"
#include "money.h"
#include "template.h"
#include "utf8.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xpathInternals.h>

void template_fctx_fail(template_fctx *fc, const char *fmt, ...)
{
    if (fc->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fc->msg, sizeof fc->msg, _(fmt), ap);
    va_end(ap);
    fc->failed = true;
}

static template_fctx *fctx(xmlXPathParserContextPtr ctxt)
{
    return ctxt->context->userData;
}

/* Stops the evaluation: libxml2 unwinds when ctxt->error is set.  The
 * message stays with us so it never reaches libxml2's own reporting. */
static void ffail(xmlXPathParserContextPtr ctxt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ffail(xmlXPathParserContextPtr ctxt, const char *fmt, ...)
{
    template_fctx *fc = fctx(ctxt);
    if (!fc->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(fc->msg, sizeof fc->msg, _(fmt), ap);
        va_end(ap);
        fc->failed = true;
    }
    ctxt->error = XPATH_EXPR_ERROR;
}

static void fnomem(xmlXPathParserContextPtr ctxt)
{
    fctx(ctxt)->nomem = true;
    ffail(ctxt, "out of memory");
}

/* The string value of an XPath object; numbers with 15 significant digits
 * ("%.15g": 0.1 + 0.2 is 0.3, 1234567890.12 stays itself). */
static xmlChar *obj_string(xmlXPathObjectPtr o)
{
    if (o->type == XPATH_NUMBER) {
        char tmp[40];
        if (isnan(o->floatval))
            return xmlStrdup(BAD_CAST "NaN");
        if (isinf(o->floatval))
            return xmlStrdup(BAD_CAST(o->floatval > 0 ? "Infinity" : "-Infinity"));
        snprintf(tmp, sizeof tmp, "%.15g", o->floatval);
        return xmlStrdup(BAD_CAST tmp);
    }
    return xmlXPathCastToString(o);
}

/* Pops nargs arguments as strings into a[0..nargs) (first argument first).
 * Returns false (with the error set) when out of memory. */
static bool pop_strings(xmlXPathParserContextPtr ctxt, int nargs, xmlChar **a)
{
    bool ok = true;
    for (int i = nargs - 1; i >= 0; i--) {
        xmlXPathObjectPtr o = valuePop(ctxt);
        a[i] = o ? obj_string(o) : NULL;
        if (!a[i])
            ok = false;
        xmlXPathFreeObject(o);
    }
    if (!ok)
        fnomem(ctxt);
    return ok;
}

static void free_strings(xmlChar **a, int n)
{
    for (int i = 0; i < n; i++)
        xmlFree(a[i]);
}

static void push_str(xmlXPathParserContextPtr ctxt, const char *s)
{
    xmlXPathObjectPtr o = xmlXPathNewString(BAD_CAST(s ? s : ""));
    if (!o) {
        fnomem(ctxt);
        return;
    }
    valuePush(ctxt, o);
}

static void push_buf(xmlXPathParserContextPtr ctxt, buf *b)
{
    const char *s = buf_cstr(b);
    if (!s)
        fnomem(ctxt);
    else
        push_str(ctxt, s);
    buf_free(b);
}

/* Checks the argument count at run time too (the loader checks it first). */
static bool arity(xmlXPathParserContextPtr ctxt, int nargs, int mn, int mx, const char *name)
{
    if (nargs >= mn && nargs <= mx)
        return true;
    for (int i = 0; i < nargs; i++)
        xmlXPathFreeObject(valuePop(ctxt));
    ffail(ctxt, "f:%s: wrong number of arguments (%d)", name, nargs);
    return false;
}

/* "YYYY-MM-DD", or an instant whose Beijing date is taken. */
static bool parse_day(const char *s, od_date *out)
{
    od_minute m;
    if (od_parse_date(s, out))
        return true;
    if (od_parse_instant(s, &m)) {
        *out = od_minute_day(m);
        return true;
    }
    return false;
}

/* A whole number within [lo, hi] given as decimal text. */
static bool parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    money_dec x;
    if (!money_parse(s, &x) || x.nint > 15)
        return false;
    for (int i = 0; i < x.nfrac; i++)
        if (x.d[x.nint + i] != '0')
            return false;
    int64_t v = 0;
    for (int i = 0; i < x.nint; i++)
        v = v * 10 + (x.d[i] - '0');
    if (x.neg)
        v = -v;
    if (v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static void put_date_cn(buf *b, od_date d, bool with_year)
{
    int y, m, dd;
    od_date_to_ymd(d, &y, &m, &dd);
    if (with_year)
        buf_printf(b, "%d年", y);
    buf_printf(b, "%d月%d日", m, dd);
}

/* ---------------------------------------------------------------------- */
/* Dates and times (chinese-typesetting.md D)                              */

static void fn_date_cn(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    od_date d;
    if (!arity(ctxt, nargs, 1, 1, "date-cn") || !pop_strings(ctxt, 1, a))
        return;
    buf b;
    buf_init(&b, 0);
    if (!*a[0])
        push_buf(ctxt, &b);
    else if (!parse_day((const char *)a[0], &d))
        ffail(ctxt, "f:date-cn: '%s' is not a date (expected YYYY-MM-DD)", (const char *)a[0]);
    else
        put_date_cn(&b, d, true), push_buf(ctxt, &b);
    buf_free(&b);
    free_strings(a, 1);
}

static void fn_month_cn(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    if (!arity(ctxt, nargs, 1, 1, "month-cn") || !pop_strings(ctxt, 1, a))
        return;
    const char *s = (const char *)a[0];
    int y = 0, m = 0, dd;
    od_date d;
    if (!*s) {
        push_str(ctxt, "");
    } else {
        bool ok = false;
        if (strlen(s) == 7 && s[4] == '-') {
            char tmp[11];
            memcpy(tmp, s, 7);
            memcpy(tmp + 7, "-01", 4);
            ok = od_parse_date(tmp, &d);
        } else {
            ok = parse_day(s, &d);
        }
        if (!ok) {
            ffail(ctxt, "f:month-cn: '%s' is not a month (expected YYYY-MM or YYYY-MM-DD)", s);
        } else {
            char out[32];
            od_date_to_ymd(d, &y, &m, &dd);
            snprintf(out, sizeof out, "%d年%d月", y, m);
            push_str(ctxt, out);
        }
    }
    free_strings(a, 1);
}

static void fn_date_range_cn(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[2];
    od_date d0, d1;
    if (!arity(ctxt, nargs, 2, 2, "date-range-cn") || !pop_strings(ctxt, 2, a))
        return;
    if (!*a[0] && !*a[1]) {
        push_str(ctxt, "");
    } else if (!parse_day((const char *)a[0], &d0) || !parse_day((const char *)a[1], &d1)) {
        ffail(ctxt, "f:date-range-cn: '%s', '%s' are not two dates (expected YYYY-MM-DD)", (const char *)a[0],
              (const char *)a[1]);
    } else if (d1 < d0) {
        ffail(ctxt, "f:date-range-cn: the range ends (%s) before it starts (%s)", (const char *)a[1], (const char *)a[0]);
    } else {
        buf b;
        buf_init(&b, 0);
        int y0, y1, m, dd;
        od_date_to_ymd(d0, &y0, &m, &dd);
        od_date_to_ymd(d1, &y1, &m, &dd);
        put_date_cn(&b, d0, true);
        if (d1 != d0) {
            buf_puts(&b, "—");   /* 一字线 U+2014 (GB/T 15834 4.13.3) */
            put_date_cn(&b, d1, y1 != y0);
        }
        push_buf(ctxt, &b);
    }
    free_strings(a, 2);
}

static bool parse_instant_arg(xmlXPathParserContextPtr ctxt, const char *fname, const char *s, od_minute *m)
{
    if (od_parse_instant(s, m))
        return true;
    ffail(ctxt, "f:%s: '%s' is not a date and time (expected YYYY-MM-DDTHH:MM)", fname, s);
    return false;
}

static void fn_time_cn(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    od_minute t;
    if (!arity(ctxt, nargs, 1, 1, "time-cn") || !pop_strings(ctxt, 1, a))
        return;
    if (!*a[0]) {
        push_str(ctxt, "");
    } else if (parse_instant_arg(ctxt, "time-cn", (const char *)a[0], &t)) {
        buf b;
        buf_init(&b, 0);
        od_date d = od_minute_day(t);
        int64_t min = t - od_day_start(d);
        put_date_cn(&b, d, true);
        buf_printf(&b, " %02d:%02d", (int)(min / 60), (int)(min % 60));
        push_buf(ctxt, &b);
    }
    free_strings(a, 1);
}

static void fn_time_hm(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    od_minute t;
    if (!arity(ctxt, nargs, 1, 1, "time-hm") || !pop_strings(ctxt, 1, a))
        return;
    if (!*a[0]) {
        push_str(ctxt, "");
    } else if (parse_instant_arg(ctxt, "time-hm", (const char *)a[0], &t)) {
        char out[8];
        int64_t min = t - od_day_start(od_minute_day(t));
        snprintf(out, sizeof out, "%02d:%02d", (int)(min / 60), (int)(min % 60));
        push_str(ctxt, out);
    }
    free_strings(a, 1);
}

static const char *const WEEKDAY[7] = {"一", "二", "三", "四", "五", "六", "日"};

static void fn_weekday_cn(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[2] = {NULL, NULL};
    od_date d;
    if (!arity(ctxt, nargs, 1, 2, "weekday-cn") || !pop_strings(ctxt, nargs, a))
        return;
    const char *form = nargs > 1 ? (const char *)a[1] : "long";
    if (strcmp(form, "long") != 0 && strcmp(form, "short") != 0) {
        ffail(ctxt, "f:weekday-cn: form '%s' (expected 'long' for 星期三 or 'short' for 周三)", form);
    } else if (!*a[0]) {
        push_str(ctxt, "");
    } else if (!parse_day((const char *)a[0], &d)) {
        ffail(ctxt, "f:weekday-cn: '%s' is not a date (expected YYYY-MM-DD)", (const char *)a[0]);
    } else {
        char out[16];
        snprintf(out, sizeof out, "%s%s", form[0] == 'l' ? "星期" : "周", WEEKDAY[od_weekday(d) - 1]);
        push_str(ctxt, out);
    }
    free_strings(a, nargs);
}

static void fn_week_label(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    if (!arity(ctxt, nargs, 1, 1, "week-label") || !pop_strings(ctxt, 1, a))
        return;
    const char *s = (const char *)a[0];
    int iy = 0, w = 0;
    od_date d;
    bool ok = false;
    if (!*s) {
        push_str(ctxt, "");
        free_strings(a, 1);
        return;
    }
    if (strlen(s) == 8 && s[4] == '-' && s[5] == 'W') {
        ok = true;
        for (int i = 0; i < 8; i++)
            if (i != 4 && i != 5 && (s[i] < '0' || s[i] > '9'))
                ok = false;
        if (ok) {
            iy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
            w = (s[6] - '0') * 10 + (s[7] - '0');
            ok = iy >= 1 && w >= 1 && w <= od_iso_weeks_in_year(iy);
        }
    } else if (parse_day(s, &d)) {
        od_iso_week(d, &iy, &w);
        ok = true;
    }
    if (!ok) {
        ffail(ctxt, "f:week-label: '%s' is not an ISO week (expected YYYY-Www with a week the year has, or a date)", s);
    } else {
        /* "2026年第27周（6月29日—7月5日）": the range carries a year only
         * where it differs from the one already said (the week's, then the
         * start's), so 2026-W01 reads （2025年12月29日—2026年1月4日）. */
        od_date mon = od_iso_week_monday(iy, w), sun = mon + 6;
        int y0, y1, m, dd;
        od_date_to_ymd(mon, &y0, &m, &dd);
        od_date_to_ymd(sun, &y1, &m, &dd);
        buf b;
        buf_init(&b, 0);
        buf_printf(&b, "%d年第%d周（", iy, w);
        put_date_cn(&b, mon, y0 != iy);
        buf_puts(&b, "—");
        put_date_cn(&b, sun, y1 != y0 || (y0 != iy));
        buf_puts(&b, "）");
        push_buf(ctxt, &b);
    }
    free_strings(a, 1);
}

/* ---------------------------------------------------------------------- */
/* Working days                                                            */

static void fn_workday_add(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[2];
    od_date d;
    int64_t n;
    if (!arity(ctxt, nargs, 2, 2, "workday-add") || !pop_strings(ctxt, 2, a))
        return;
    const calendar *cal = fctx(ctxt)->cal;
    if (!cal) {
        ffail(ctxt, "f:workday-add: no working-day calendar was given to this expansion");
    } else if (!*a[0]) {
        push_str(ctxt, "");
    } else if (!parse_day((const char *)a[0], &d)) {
        ffail(ctxt, "f:workday-add: '%s' is not a date (expected YYYY-MM-DD)", (const char *)a[0]);
    } else if (!parse_int((const char *)a[1], -3660, 3660, &n)) {
        ffail(ctxt, "f:workday-add: '%s' is not a whole number of working days from -3660 to 3660", (const char *)a[1]);
    } else {
        od_date r;
        if (n > 0) {
            r = calendar_nth_workday_after(cal, d, (int)n);
        } else if (n == 0) {
            r = calendar_nth_workday_from(cal, d, 1);   /* the day itself if it works, else the next */
        } else {
            r = d;
            for (int64_t k = 0; k < -n;) {
                r--;
                if (calendar_is_workday(cal, r))
                    k++;
            }
        }
        char out[11];
        od_format_date(r, out);
        push_str(ctxt, out);
    }
    free_strings(a, 2);
}

static void fn_is_workday(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    od_date d;
    if (!arity(ctxt, nargs, 1, 1, "is-workday") || !pop_strings(ctxt, 1, a))
        return;
    const calendar *cal = fctx(ctxt)->cal;
    if (!cal) {
        ffail(ctxt, "f:is-workday: no working-day calendar was given to this expansion");
    } else if (!parse_day((const char *)a[0], &d)) {
        ffail(ctxt, "f:is-workday: '%s' is not a date (expected YYYY-MM-DD)", (const char *)a[0]);
    } else {
        xmlXPathObjectPtr o = xmlXPathNewBoolean(calendar_is_workday(cal, d));
        if (o)
            valuePush(ctxt, o);
        else
            fnomem(ctxt);
    }
    free_strings(a, 1);
}

/* ---------------------------------------------------------------------- */
/* Numbers and amounts                                                     */

static void fn_duration(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    int64_t m;
    if (!arity(ctxt, nargs, 1, 1, "duration") || !pop_strings(ctxt, 1, a))
        return;
    if (!*a[0]) {
        push_str(ctxt, "");
    } else if (!parse_int((const char *)a[0], 0, (int64_t)1000000000, &m)) {
        ffail(ctxt, "f:duration: '%s' is not a whole, non-negative number of minutes", (const char *)a[0]);
    } else {
        /* 2天3小时5分: units that are zero are left out, 0 is 0分. */
        buf b;
        buf_init(&b, 0);
        int64_t days = m / 1440, hours = m % 1440 / 60, mins = m % 60;
        if (days)
            buf_printf(&b, "%lld天", (long long)days);
        if (hours)
            buf_printf(&b, "%lld小时", (long long)hours);
        if (mins || m == 0)
            buf_printf(&b, "%lld分", (long long)mins);
        push_buf(ctxt, &b);
    }
    free_strings(a, 1);
}

static void fixed_common(xmlXPathParserContextPtr ctxt, int nargs, const char *fname, int defdec, const char *suffix)
{
    xmlChar *a[2] = {NULL, NULL};
    money_dec x, r;
    int64_t dec = defdec;
    if (!arity(ctxt, nargs, defdec < 0 ? 2 : 1, 2, fname) || !pop_strings(ctxt, nargs, a))
        return;
    if (nargs > 1 && !parse_int((const char *)a[1], 0, 20, &dec)) {
        ffail(ctxt, "f:%s: '%s' decimals (expected a whole number from 0 to 20)", fname, (const char *)a[1]);
    } else if (!*a[0]) {
        push_str(ctxt, "");
    } else if (!money_parse((const char *)a[0], &x) || !money_round(&x, (int)dec, &r)) {
        ffail(ctxt, "f:%s: '%s' is not a number", fname, (const char *)a[0]);
    } else {
        buf b;
        buf_init(&b, 0);
        money_format(&r, false, &b);
        buf_puts(&b, suffix);
        push_buf(ctxt, &b);
    }
    free_strings(a, nargs);
}

static void fn_percent(xmlXPathParserContextPtr ctxt, int nargs)
{
    fixed_common(ctxt, nargs, "percent", 2, "%");
}

static void fn_fixed(xmlXPathParserContextPtr ctxt, int nargs)
{
    fixed_common(ctxt, nargs, "fixed", -1, "");
}

static bool amount_fen(xmlXPathParserContextPtr ctxt, const char *fname, const char *s, int64_t *fen)
{
    money_dec x;
    if (!money_parse(s, &x)) {
        ffail(ctxt, "f:%s: '%s' is not an amount", fname, s);
        return false;
    }
    if (!money_to_fen(&x, fen)) {
        ffail(ctxt, "f:%s: '%s' is not a whole number of fen (round it first, e.g. f:fixed(x, 2)) or is too large",
              fname, s);
        return false;
    }
    return true;
}

static void fn_money(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    int64_t fen;
    if (!arity(ctxt, nargs, 1, 1, "money") || !pop_strings(ctxt, 1, a))
        return;
    if (!*a[0]) {
        push_str(ctxt, "");
    } else if (amount_fen(ctxt, "money", (const char *)a[0], &fen)) {
        buf b;
        buf_init(&b, 0);
        money_fen_figures(fen, &b);
        push_buf(ctxt, &b);
    }
    free_strings(a, 1);
}

static void fn_money_cn(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    int64_t fen;
    if (!arity(ctxt, nargs, 1, 1, "money-cn") || !pop_strings(ctxt, 1, a))
        return;
    if (!*a[0]) {
        push_str(ctxt, "");
    } else if (amount_fen(ctxt, "money-cn", (const char *)a[0], &fen)) {
        buf b;
        buf_init(&b, 0);
        if (fen < 0)
            ffail(ctxt, "f:money-cn: '%s' is negative (an amount in capitals states a sum owed or paid)", (const char *)a[0]);
        else if (!money_fen_capitals(fen, &b))
            ffail(ctxt, "f:money-cn: '%s' is 10^12 yuan or more (capitals stop at the 亿 group)", (const char *)a[0]);
        else
            push_buf(ctxt, &b);
        buf_free(&b);
    }
    free_strings(a, 1);
}

static void fn_number_cn(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    int64_t n;
    if (!arity(ctxt, nargs, 1, 1, "number-cn") || !pop_strings(ctxt, 1, a))
        return;
    if (!*a[0]) {
        push_str(ctxt, "");
    } else if (!parse_int((const char *)a[0], 0, (int64_t)999999999999, &n)) {
        ffail(ctxt, "f:number-cn: '%s' is not a whole number from 0 to 999999999999", (const char *)a[0]);
    } else {
        buf b;
        buf_init(&b, 0);
        money_number_cn(n, &b);
        push_buf(ctxt, &b);
    }
    free_strings(a, 1);
}

static void fn_pad(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[2];
    int64_t n, w;
    if (!arity(ctxt, nargs, 2, 2, "pad") || !pop_strings(ctxt, 2, a))
        return;
    if (!parse_int((const char *)a[1], 1, 20, &w)) {
        ffail(ctxt, "f:pad: width '%s' (expected a whole number from 1 to 20)", (const char *)a[1]);
    } else if (!*a[0]) {
        push_str(ctxt, "");
    } else if (!parse_int((const char *)a[0], 0, (int64_t)999999999999999, &n)) {
        ffail(ctxt, "f:pad: '%s' is not a whole, non-negative number", (const char *)a[0]);
    } else {
        char out[32];
        snprintf(out, sizeof out, "%0*lld", (int)w, (long long)n);
        push_str(ctxt, out);
    }
    free_strings(a, 2);
}

/* ---------------------------------------------------------------------- */
/* Personal numbers                                                        */

static void fn_mask_id(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[1];
    if (!arity(ctxt, nargs, 1, 1, "mask-id") || !pop_strings(ctxt, 1, a))
        return;
    /* Keep the first 3 and the last 4 characters (138****5678,
     * 110***********002X); anything of 7 characters or fewer is masked
     * whole, since keeping 7 of them would keep all of it. */
    const char *s = (const char *)a[0];
    size_t len = strlen(s), pos = 0, count = 0;
    while (pos < len) {
        utf8_next(s, len, &pos, NULL);
        count++;
    }
    buf b;
    buf_init(&b, 0);
    pos = 0;
    for (size_t i = 0; i < count; i++) {
        size_t at = pos;
        utf8_next(s, len, &pos, NULL);
        if (count > 7 && (i < 3 || i >= count - 4))
            buf_append(&b, s + at, pos - at);
        else
            buf_putc(&b, '*');
    }
    push_buf(ctxt, &b);
    free_strings(a, 1);
}

/* ---------------------------------------------------------------------- */
/* Node-sets                                                               */

static xmlXPathObjectPtr pop_nodeset(xmlXPathParserContextPtr ctxt, const char *fname)
{
    xmlXPathObjectPtr o = valuePop(ctxt);
    if (!o || o->type != XPATH_NODESET) {
        xmlXPathFreeObject(o);
        ffail(ctxt, "f:%s: the first argument must be a node-set", fname);
        return NULL;
    }
    return o;
}

static void fn_join(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *sep[1];
    if (!arity(ctxt, nargs, 2, 2, "join") || !pop_strings(ctxt, 1, sep))
        return;
    xmlXPathObjectPtr ns = pop_nodeset(ctxt, "join");
    if (ns) {
        buf b;
        buf_init(&b, 0);
        bool any = false;
        for (int i = 0; ns->nodesetval && i < ns->nodesetval->nodeNr; i++) {
            xmlChar *v = xmlXPathCastNodeToString(ns->nodesetval->nodeTab[i]);
            if (!v) {
                b.failed = true;
                break;
            }
            if (*v) {   /* empty values would leave doubled separators */
                if (any)
                    buf_puts(&b, (const char *)sep[0]);
                buf_puts(&b, (const char *)v);
                any = true;
            }
            xmlFree(v);
        }
        push_buf(ctxt, &b);
        xmlXPathFreeObject(ns);
    }
    free_strings(sep, 1);
}

/* f:sentence(text [, mark]): the text, its white space collapsed, ended
 * by `mark` (default 。) without doubling punctuation: a text that already
 * ends a sentence (。！？!?… before any closing quotes or brackets) gets no
 * second 。 (another mark replaces a bare final 。); a final pause mark
 * (，、；：,;:) gives way to `mark`; an empty text stays empty. */
static bool sentence_closer(uint32_t cp)
{
    return cp == 0x201D || cp == 0x2019 || cp == 0x300D || cp == 0x300F || cp == 0xFF09 || cp == ')'
           || cp == 0x300B || cp == 0x3011;
}

static bool sentence_end(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == '!' || cp == '?' || cp == 0x2026;
}

static bool sentence_pause(uint32_t cp)
{
    return cp == 0xFF0C || cp == 0x3001 || cp == 0xFF1B || cp == 0xFF1A || cp == ',' || cp == ';' || cp == ':';
}

static void fn_sentence(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[2] = {NULL, NULL};
    if (!arity(ctxt, nargs, 1, 2, "sentence") || !pop_strings(ctxt, nargs, a))
        return;
    const char *mark = nargs == 2 ? (const char *)a[1] : "。";
    bool stop = strcmp(mark, "。") == 0;
    const char *in = (const char *)a[0];
    buf b;
    buf_init(&b, 0);
    /* normalize-space: XML white space runs become one space, none at the ends */
    bool space = false;
    for (const char *q = in; *q; q++) {
        if (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') {
            space = b.len > 0;
            continue;
        }
        if (space)
            buf_putc(&b, ' ');
        space = false;
        buf_putc(&b, *q);
    }
    if (b.failed || b.len == 0) {
        push_buf(ctxt, &b);
        free_strings(a, nargs);
        return;
    }
    /* the last code point, the one before any closers, and where each starts */
    const char *t = b.data;
    size_t len = b.len, pos = 0, last_at = 0, end_at = 0;
    uint32_t last = 0, end = 0;
    bool end_bare = false;
    while (pos < len) {
        size_t at = pos;
        bool valid;
        uint32_t cp = utf8_next(t, len, &pos, &valid);
        if (!sentence_closer(cp)) {
            end = cp;
            end_at = at;
            end_bare = true;
        } else {
            end_bare = false;
        }
        last = cp;
        last_at = at;
    }
    if (sentence_end(end)) {
        if (!stop) {
            if (end == 0x3002 && end_bare)
                b.len = end_at;   /* 。 gives way to the mark */
            buf_puts(&b, mark);
        }
    } else {
        if (sentence_pause(last))
            b.len = last_at;
        buf_puts(&b, mark);
    }
    push_buf(ctxt, &b);
    free_strings(a, nargs);
}

/* The index of f:record: every element under /data/records/<kind>/ that
 * has an id, keyed by (element name, id).  `check` refuses duplicate ids
 * within a kind, so the first one seen is the only one. */
static int build_records_index(template_fctx *fc)
{
    fc->records_by_id = xmlHashCreate(1024);
    if (!fc->records_by_id)
        return -1;
    xmlNodePtr root = fc->data ? xmlDocGetRootElement(fc->data) : NULL;
    for (xmlNodePtr sec = root ? root->children : NULL; sec; sec = sec->next) {
        if (sec->type != XML_ELEMENT_NODE || !xmlStrEqual(sec->name, BAD_CAST "records"))
            continue;
        for (xmlNodePtr kind = sec->children; kind; kind = kind->next) {
            if (kind->type != XML_ELEMENT_NODE)
                continue;
            for (xmlNodePtr rec = kind->children; rec; rec = rec->next) {
                if (rec->type != XML_ELEMENT_NODE)
                    continue;
                xmlAttrPtr id = xmlHasProp(rec, BAD_CAST "id");
                if (!id || !id->children || id->children->type != XML_TEXT_NODE || !id->children->content)
                    continue;
                int rc = xmlHashAddEntry2(fc->records_by_id, rec->name, id->children->content, rec);
                if (rc != 0 && !xmlHashLookup2(fc->records_by_id, rec->name, id->children->content))
                    return -1;   /* not a duplicate: out of memory */
            }
        }
    }
    return 0;
}

/* f:record(name, id): the record element `name` (incident, inspection …)
 * whose @id is id, as a node-set (empty when there is none).  The same as
 * /data/records/<kind>/name[@id = id], found through an index: a report
 * that looks up each of n incidents in the records does n lookups, not n²
 * comparisons. */
static void fn_record(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *a[2];
    if (!arity(ctxt, nargs, 2, 2, "record") || !pop_strings(ctxt, 2, a))
        return;
    template_fctx *fc = fctx(ctxt);
    if (!fc->records_by_id && build_records_index(fc) != 0) {
        free_strings(a, 2);
        fnomem(ctxt);
        return;
    }
    xmlNodePtr rec = xmlHashLookup2(fc->records_by_id, a[0], a[1]);
    free_strings(a, 2);
    xmlXPathObjectPtr o = xmlXPathNewNodeSet(rec);
    if (o)
        valuePush(ctxt, o);
    else
        fnomem(ctxt);
}

void template_fctx_done(template_fctx *fc)
{
    xmlHashFree(fc->records_by_id, NULL);
    fc->records_by_id = NULL;
}

static void minmax(xmlXPathParserContextPtr ctxt, int nargs, bool max)
{
    const char *fname = max ? "max" : "min";
    if (!arity(ctxt, nargs, 1, 1, fname))
        return;
    xmlXPathObjectPtr ns = pop_nodeset(ctxt, fname);
    if (!ns)
        return;
    double best = NAN;
    for (int i = 0; ns->nodesetval && i < ns->nodesetval->nodeNr; i++) {
        double v = xmlXPathCastNodeToNumber(ns->nodesetval->nodeTab[i]);
        if (isnan(v))
            continue;   /* values that are not numbers (empty cells) do not count */
        if (isnan(best) || (max ? v > best : v < best))
            best = v;
    }
    xmlXPathFreeObject(ns);
    xmlXPathObjectPtr o = xmlXPathNewFloat(best);
    if (o)
        valuePush(ctxt, o);
    else
        fnomem(ctxt);
}

static void fn_max(xmlXPathParserContextPtr ctxt, int nargs) { minmax(ctxt, nargs, true); }
static void fn_min(xmlXPathParserContextPtr ctxt, int nargs) { minmax(ctxt, nargs, false); }

/* XSLT's current(): the t:for-each item even inside a predicate, where "."
 * has moved on. */
static void fn_current(xmlXPathParserContextPtr ctxt, int nargs)
{
    if (!arity(ctxt, nargs, 0, 0, "current"))
        return;
    xmlXPathObjectPtr o = xmlXPathNewNodeSet(fctx(ctxt)->current);
    if (o)
        valuePush(ctxt, o);
    else
        fnomem(ctxt);
}

/* ---------------------------------------------------------------------- */

typedef struct fdef {
    const char *name;
    int min, max;
    xmlXPathFunction fn;
} fdef;

static const fdef FUNCS[] = {
    {"date-cn", 1, 1, fn_date_cn},
    {"month-cn", 1, 1, fn_month_cn},
    {"date-range-cn", 2, 2, fn_date_range_cn},
    {"time-cn", 1, 1, fn_time_cn},
    {"time-hm", 1, 1, fn_time_hm},
    {"weekday-cn", 1, 2, fn_weekday_cn},
    {"week-label", 1, 1, fn_week_label},
    {"workday-add", 2, 2, fn_workday_add},
    {"is-workday", 1, 1, fn_is_workday},
    {"duration", 1, 1, fn_duration},
    {"percent", 1, 2, fn_percent},
    {"fixed", 2, 2, fn_fixed},
    {"money", 1, 1, fn_money},
    {"money-cn", 1, 1, fn_money_cn},
    {"number-cn", 1, 1, fn_number_cn},
    {"pad", 2, 2, fn_pad},
    {"mask-id", 1, 1, fn_mask_id},
    {"join", 2, 2, fn_join},
    {"sentence", 1, 2, fn_sentence},
    {"record", 2, 2, fn_record},
    {"max", 1, 1, fn_max},
    {"min", 1, 1, fn_min},
};

bool template_funcs_arity(const char *local, int *min, int *max)
{
    for (size_t i = 0; i < sizeof FUNCS / sizeof FUNCS[0]; i++) {
        if (strcmp(FUNCS[i].name, local) == 0) {
            *min = FUNCS[i].min;
            *max = FUNCS[i].max;
            return true;
        }
    }
    return false;
}

int template_funcs_register(xmlXPathContextPtr xp)
{
    for (size_t i = 0; i < sizeof FUNCS / sizeof FUNCS[0]; i++)
        if (xmlXPathRegisterFuncNS(xp, BAD_CAST FUNCS[i].name, BAD_CAST TEMPLATE_FUNCTIONS_NS, FUNCS[i].fn) != 0)
            return -1;
    if (xmlXPathRegisterFunc(xp, BAD_CAST "current", fn_current) != 0)
        return -1;
    return 0;
}
