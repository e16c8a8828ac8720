/* xlsx: streaming worksheet reader over libzip + xmlTextReader. */
#define _GNU_SOURCE
#include "xlsx.h"
#include "i18n.h"

#include "alloc.h"
#include "buf.h"
#include "datetime.h"
#include "utf8.h"
#include "xmlin.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include <libxml/xmlreader.h>

#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/* ---- cell references, number formats, serials --------------------------- */

bool xlsx_cell_ref(const char *ref, size_t *col, long *row)
{
    size_t c = 0, letters = 0;
    const char *p = ref;
    while (*p >= 'A' && *p <= 'Z') {
        c = c * 26 + (size_t)(*p - 'A' + 1);
        if (++letters > 3)
            return false;
        p++;
    }
    if (letters == 0 || *p < '1' || *p > '9')
        return false;
    long r = 0;
    while (*p >= '0' && *p <= '9') {
        r = r * 10 + (*p - '0');
        if (r > XLSX_MAX_ROWS)
            return false;
        p++;
    }
    if (*p || c > TAB_MAX_COLUMNS)
        return false;
    *col = c - 1;
    *row = r;
    return true;
}

void xlsx_format_kind(int id, const char *code, bool *is_date, bool *is_time)
{
    *is_date = *is_time = false;
    if (!code || id < 164) {
        /* Built-in formats (ECMA-376 §18.8.30; 27-36 and 50-58 are the
         * East Asian date formats of Chinese, Japanese and Korean Excel). */
        if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58))
            *is_date = true;
        if (id == 22)
            *is_date = *is_time = true;
        if ((id >= 18 && id <= 21) || (id >= 32 && id <= 33) || (id >= 45 && id <= 47))
            *is_time = true;
        if (!code)
            return;
    }
    /* A custom code: look at what is not quoted, escaped or bracketed
     * (a colour such as [Red], a locale such as [$-804]); [h] and [mm]
     * elapsed-time brackets still mean time. */
    bool date = false, time = false;
    for (const char *p = code; *p; p++) {
        char c = *p;
        if (c == '"') {
            while (p[1] && p[1] != '"')
                p++;
            if (p[1])
                p++;
        } else if (c == '\\' || c == '_' || c == '*') {
            if (p[1])
                p++;
        } else if (c == '[') {
            const char *q = p + 1;
            if (*q == 'h' || *q == 'H' || *q == 'm' || *q == 'M' || *q == 's' || *q == 'S')
                time = true;
            while (*p && *p != ']')
                p++;
            if (!*p)
                break;
        } else if (c == 'y' || c == 'Y' || c == 'd' || c == 'D') {
            date = true;
        } else if (c == 'h' || c == 'H' || c == 's' || c == 'S') {
            time = true;
        } else if (c == 'm' || c == 'M') {
            date = date || !time;   /* m after h is minutes, else month */
        } else if (c == ';') {
            break;   /* the first section decides */
        }
    }
    *is_date = *is_date || date;
    *is_time = *is_time || time;
}

bool xlsx_serial_text(double serial, bool date1904, bool with_date, bool with_time, char out[32])
{
    if (!(serial >= 0 && serial <= 2958465.99999))
        return false;
    long long secs = llround(serial * 86400.0);
    long long days = secs / 86400;
    long long sod = secs % 86400;
    int y = 1900, m = 2, d = 29;
    if (date1904) {
        od_date_to_ymd(od_date_from_ymd(1904, 1, 1) + (od_date)days, &y, &m, &d);
    } else if (days != 60) {
        /* Excel counts 1900-01-01 as 1 and believes in 1900-02-29 (60):
         * serials from 61 on are one day ahead of a true count. */
        od_date base = od_date_from_ymd(1899, 12, 31);
        od_date_to_ymd(base + (od_date)days - (days > 60 ? 1 : 0), &y, &m, &d);
    }
    int hh = (int)(sod / 3600), mm = (int)(sod / 60 % 60), ss = (int)(sod % 60);
    if (!with_date && !with_time)
        with_date = true;
    if (with_date && days == 0 && !date1904 && with_time)
        with_date = false;   /* a bare time of day */
    if (with_date && with_time && ss)
        snprintf(out, 32, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, hh, mm, ss);
    else if (with_date && with_time)
        snprintf(out, 32, "%04d-%02d-%02d %02d:%02d", y, m, d, hh, mm);
    else if (with_date)
        snprintf(out, 32, "%04d-%02d-%02d", y, m, d);
    else if (ss)
        snprintf(out, 32, "%02d:%02d:%02d", hh, mm, ss);
    else
        snprintf(out, 32, "%02d:%02d", hh, mm);
    return true;
}

/* ---- parts of the archive, read with limits ----------------------------- */

typedef struct xlsx_part {
    zip_file_t *zf;
    const char *name;
    long long declared, read, cap;
    bool over;
} xlsx_part;

typedef struct xlsx {
    const char *path;
    diag *d;
    zip_t *z;
    bool date1904;
    /* shared strings: text in `strings`, each NUL-terminated, starts in sst */
    buf strings;
    size_t *sst;
    size_t n_sst, sst_cap;
    /* cellXfs index -> 0 number, 1 date, 2 time, 3 date and time */
    unsigned char *xf_kind;
    size_t n_xf;
} xlsx;

static or_status xlsx_bad(xlsx *x, const char *part, long row, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static or_status xlsx_bad(xlsx *x, const char *part, long row, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, _(fmt), ap);
    va_end(ap);
    if (row > 0)
        diag_error(x->d, x->path, row, "%s", msg);
    else if (part)
        diag_error(x->d, x->path, 0, "%s: %s", part, msg);
    else
        diag_error(x->d, x->path, 0, "%s", msg);
    return OR_EINPUT;
}

/* Opens a part after checking its declared size and compression ratio.
 * A missing optional part is OR_OK with p->zf NULL. */
static or_status xlsx_open_part(xlsx *x, const char *name, long long cap, bool required, xlsx_part *p)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(x->z, name, 0, &st) != 0) {
        if (!required)
            return OR_OK;
        return xlsx_bad(x, NULL, 0, "has no %s (expected an .xlsx workbook)", name);
    }
    if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
        return xlsx_bad(x, name, 0, "%s", "the archive does not state its size");
    long long size = (long long)st.size, comp = (long long)st.comp_size;
    if (size > cap) {
        char msg[160];
        snprintf(msg, sizeof msg, "inflates to %lld bytes (expected at most %lld)", size, cap);
        return xlsx_bad(x, name, 0, "%s", msg);
    }
    if (size > 1024 * 1024 && (comp <= 0 || size / comp > XLSX_MAX_RATIO)) {
        char msg[200];
        snprintf(msg, sizeof msg, "compressed %lld:1 (%lld bytes from %lld; expected at most %d:1): refused as a zip bomb",
                 comp > 0 ? size / comp : size, size, comp, XLSX_MAX_RATIO);
        return xlsx_bad(x, name, 0, "%s", msg);
    }
    p->zf = zip_fopen(x->z, name, 0);
    if (!p->zf)
        return xlsx_bad(x, name, 0, "cannot be read: %s", zip_strerror(x->z));
    p->declared = size;
    p->cap = cap;
    return OR_OK;
}

static int xlsx_part_read(void *ctx, char *out, int len)
{
    xlsx_part *p = ctx;
    zip_int64_t n = zip_fread(p->zf, out, (zip_uint64_t)len);
    if (n < 0)
        return -1;
    p->read += n;
    if (p->read > p->declared || p->read > p->cap) {
        p->over = true;   /* the archive lied about the size */
        return -1;
    }
    return (int)n;
}

static int xlsx_part_close(void *ctx)
{
    (void)ctx;
    return 0;
}

static void xlsx_close_part(xlsx_part *p)
{
    if (p->zf)
        zip_fclose(p->zf);
    p->zf = NULL;
}

static void xlsx_silent(void *ctx, const char *msg, xmlParserSeverities sev, xmlTextReaderLocatorPtr loc)
{
    (void)ctx;
    (void)msg;
    (void)sev;
    (void)loc;
}

static xmlTextReaderPtr xlsx_reader(xlsx_part *p)
{
    /* xmlin's options (NONET, no entity expansion); HUGE because a part's
     * size is bounded by what the archive declares (xlsx_part_read). */
    xmlTextReaderPtr r = xmlin_reader_io(xlsx_part_read, xlsx_part_close, p, p->name,
                                         XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
    if (r)
        xmlTextReaderSetErrorHandler(r, xlsx_silent, NULL);
    return r;
}

/* One step of a reader; DOCTYPEs (entity declarations) are refused. */
static int xlsx_step(xlsx *x, xmlTextReaderPtr r, xlsx_part *p, or_status *st)
{
    int rc = xmlTextReaderRead(r);
    if (rc == 1 && xmlin_reader_doctype(r)) {
        *st = xlsx_bad(x, p->name, 0, "%s", "has a DOCTYPE (refused: no entity is ever declared or expanded)");
        return -1;
    }
    if (rc < 0) {
        if (p->over)
            *st = xlsx_bad(x, p->name, 0, "%s", "inflates beyond the size the archive declares: refused");
        else
            *st = xlsx_bad(x, p->name, 0, "%s", "is not well-formed XML or the archive is damaged (expected an .xlsx saved completely)");
    }
    return rc;
}

static bool xlsx_is(xmlTextReaderPtr r, const char *local)
{
    const xmlChar *n = xmlTextReaderConstLocalName(r);
    return n && strcmp((const char *)n, local) == 0;
}

static char *xlsx_attr(xmlTextReaderPtr r, const char *name)
{
    return (char *)xmlTextReaderGetAttribute(r, (const xmlChar *)name);
}

/* ---- workbook: which part is the sheet ---------------------------------- */

static or_status xlsx_find_sheet(xlsx *x, const char *want, char *part, size_t part_size)
{
    xlsx_part p;
    or_status st = xlsx_open_part(x, "xl/workbook.xml", XLSX_MAX_PART_BYTES, true, &p);
    if (st != OR_OK)
        return st;
    xmlTextReaderPtr r = xlsx_reader(&p);
    if (!r) {
        xlsx_close_part(&p);
        return diag_nomem(x->d);
    }
    char *rid = NULL;
    buf names;
    buf_init(&names, 4096);
    int rc;
    while ((rc = xlsx_step(x, r, &p, &st)) == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
            continue;
        if (xlsx_is(r, "workbookPr")) {
            char *v = xlsx_attr(r, "date1904");
            x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
            xmlFree(v);
        } else if (xlsx_is(r, "sheet") && !rid) {
            char *name = xlsx_attr(r, "name");
            char *id = (char *)xmlTextReaderGetAttributeNs(r, (const xmlChar *)"id", (const xmlChar *)NS_REL);
            if (name)
                buf_printf(&names, "%s\"%s\"", names.len ? ", " : "", name);
            if (id && (!want || (name && strcmp(name, want) == 0))) {
                rid = id;
                id = NULL;
            }
            xmlFree(id);
            xmlFree(name);
        }
    }
    xmlFreeTextReader(r);
    xlsx_close_part(&p);
    if (st == OR_OK && !rid) {
        if (want)
            diag_error(x->d, x->path, 0, "no sheet named \"%s\" (expected one of %s)", want, buf_cstr(&names) ? buf_cstr(&names) : "");
        else
            diag_error(x->d, x->path, 0, "the workbook has no sheet");
        st = OR_EINPUT;
    }
    buf_free(&names);
    if (st != OR_OK) {
        xmlFree(rid);
        return st;
    }
    st = xlsx_open_part(x, "xl/_rels/workbook.xml.rels", XLSX_MAX_PART_BYTES, true, &p);
    if (st == OR_OK && !(r = xlsx_reader(&p)))
        st = diag_nomem(x->d);
    bool found = false;
    while (st == OR_OK && (rc = xlsx_step(x, r, &p, &st)) == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT || !xlsx_is(r, "Relationship"))
            continue;
        char *id = xlsx_attr(r, "Id"), *target = xlsx_attr(r, "Target");
        if (id && target && strcmp(id, rid) == 0 && !found) {
            found = true;
            if (target[0] == '/')
                snprintf(part, part_size, "%s", target + 1);
            else
                snprintf(part, part_size, "xl/%s", target);
        }
        xmlFree(id);
        xmlFree(target);
    }
    if (st == OR_OK)
        xmlFreeTextReader(r);
    else if (r)
        xmlFreeTextReader(r);
    xlsx_close_part(&p);
    if (st == OR_OK && !found)
        st = xlsx_bad(x, "xl/_rels/workbook.xml.rels", 0, "has no relationship %s for the sheet", rid);
    xmlFree(rid);
    return st;
}

/* ---- styles: which cell styles are dates -------------------------------- */


/* A numFmtId: a small non-negative number; anything else is no format (-1
 * matches none, so the cell is read as a plain number). */
static int xlsx_format_id(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return end == s || *end || errno || v < 0 || v > 100000 ? -1 : (int)v;
}
static or_status xlsx_load_styles(xlsx *x)
{
    xlsx_part p;
    or_status st = xlsx_open_part(x, "xl/styles.xml", XLSX_MAX_PART_BYTES, false, &p);
    if (st != OR_OK || !p.zf)
        return st;
    xmlTextReaderPtr r = xlsx_reader(&p);
    if (!r) {
        xlsx_close_part(&p);
        return diag_nomem(x->d);
    }
    struct { int id; char *code; } *fmts = NULL;
    size_t n_fmts = 0, fmt_cap = 0, xf_cap = 0;
    bool in_xfs = false;
    int rc;
    while ((rc = xlsx_step(x, r, &p, &st)) == 1) {
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_END_ELEMENT && xlsx_is(r, "cellXfs"))
            in_xfs = false;
        if (type != XML_READER_TYPE_ELEMENT)
            continue;
        if (xlsx_is(r, "numFmt")) {
            char *id = xlsx_attr(r, "numFmtId"), *code = xlsx_attr(r, "formatCode");
            if (id && code && or_grow(&fmts, &fmt_cap, n_fmts + 1, sizeof *fmts) == 0) {
                fmts[n_fmts].id = xlsx_format_id(id);
                fmts[n_fmts++].code = code;
                code = NULL;
            }
            xmlFree(id);
            xmlFree(code);
        } else if (xlsx_is(r, "cellXfs")) {
            in_xfs = !xmlTextReaderIsEmptyElement(r);
        } else if (in_xfs && xlsx_is(r, "xf")) {
            char *id = xlsx_attr(r, "numFmtId");
            int fid = id ? xlsx_format_id(id) : 0;
            xmlFree(id);
            const char *code = NULL;
            for (size_t i = 0; i < n_fmts; i++)
                if (fmts[i].id == fid)
                    code = fmts[i].code;
            bool dt, tm;
            xlsx_format_kind(fid, code, &dt, &tm);
            if (or_grow(&x->xf_kind, &xf_cap, x->n_xf + 1, 1) != 0) {
                st = diag_nomem(x->d);
                break;
            }
            x->xf_kind[x->n_xf++] = (unsigned char)((dt ? 1 : 0) | (tm ? 2 : 0));
        }
    }
    for (size_t i = 0; i < n_fmts; i++)
        xmlFree(fmts[i].code);
    or_free(fmts);
    xmlFreeTextReader(r);
    xlsx_close_part(&p);
    return st;
}

/* ---- shared strings ----------------------------------------------------- */

/* OOXML writes characters XML cannot hold as _xHHHH_ (e.g. _x000D_). */
static void xlsx_unescape(buf *b, size_t from)
{
    char *s = b->data + from;
    size_t n = b->len - from, o = 0;
    for (size_t i = 0; i < n;) {
        unsigned v;
        if (i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_' &&
            sscanf(s + i + 2, "%4x", &v) == 1 && strspn(s + i + 2, "0123456789abcdefABCDEF") >= 4) {
            char enc[4];
            size_t k = utf8_encode(v, enc);
            memcpy(s + o, enc, k);
            o += k;
            i += 7;
        } else {
            s[o++] = s[i++];
        }
    }
    b->len = from + o;
}

static or_status xlsx_load_strings(xlsx *x)
{
    xlsx_part p;
    or_status st = xlsx_open_part(x, "xl/sharedStrings.xml", XLSX_MAX_STRINGS_PART, false, &p);
    if (st != OR_OK || !p.zf)
        return st;
    xmlTextReaderPtr r = xlsx_reader(&p);
    if (!r) {
        xlsx_close_part(&p);
        return diag_nomem(x->d);
    }
    buf_init(&x->strings, (size_t)XLSX_MAX_STRINGS_BYTES);
    bool in_t = false, in_rph = false;
    size_t start = 0;
    int rc;
    while ((rc = xlsx_step(x, r, &p, &st)) == 1) {
        int type = xmlTextReaderNodeType(r);
        bool end_si = false;
        if (type == XML_READER_TYPE_ELEMENT) {
            bool empty = xmlTextReaderIsEmptyElement(r);
            if (xlsx_is(r, "si")) {
                start = x->strings.len;
                end_si = empty;
            } else if (xlsx_is(r, "rPh")) {
                in_rph = !empty;   /* phonetic guide: not the text */
            } else if (xlsx_is(r, "t")) {
                in_t = !empty;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (xlsx_is(r, "t"))
                in_t = false;
            else if (xlsx_is(r, "rPh"))
                in_rph = false;
            else if (xlsx_is(r, "si"))
                end_si = true;
        } else if (in_t && !in_rph &&
                   (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                    type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_CDATA)) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            if (v)
                buf_puts(&x->strings, v);
        }
        if (end_si) {
            xlsx_unescape(&x->strings, start);
            buf_putc(&x->strings, '\0');
            if (x->strings.failed) {
                st = xlsx_bad(x, "xl/sharedStrings.xml", 0, "holds more than %s of text (refused)", "64 MiB");
                break;
            }
            if (or_grow(&x->sst, &x->sst_cap, x->n_sst + 1, sizeof *x->sst) != 0) {
                st = diag_nomem(x->d);
                break;
            }
            x->sst[x->n_sst++] = start;
        }
    }
    xmlFreeTextReader(r);
    xlsx_close_part(&p);
    return st;
}

/* ---- merged ranges (a raw pass: <mergeCells> follows <sheetData>) -------- */

typedef struct xlsx_merge {
    size_t c1, c2;
    long r1, r2;
    char *value;      /* the first cell's text, once its row was read */
} xlsx_merge;

static int xlsx_merge_cmp(const void *a, const void *b)
{
    const xlsx_merge *x = a, *y = b;
    return x->r1 < y->r1 ? -1 : x->r1 > y->r1;
}

static or_status xlsx_add_merge(xlsx *x, const char *tag, size_t len, xlsx_merge **m, size_t *n, size_t *cap)
{
    const char *ref = memmem(tag, len, "ref=\"", 5);
    if (!ref)
        return OR_OK;
    ref += 5;
    const char *end = memchr(ref, '"', (size_t)(tag + len - ref));
    char a[32], b[32];
    const char *colon = end ? memchr(ref, ':', (size_t)(end - ref)) : NULL;
    if (!colon || colon - ref >= 32 || end - colon - 1 >= 32)
        return OR_OK;   /* a one-cell "range" merges nothing */
    memcpy(a, ref, (size_t)(colon - ref));
    a[colon - ref] = '\0';
    memcpy(b, colon + 1, (size_t)(end - colon - 1));
    b[end - colon - 1] = '\0';
    xlsx_merge g = {0};
    if (!xlsx_cell_ref(a, &g.c1, &g.r1) || !xlsx_cell_ref(b, &g.c2, &g.r2) || g.c2 < g.c1 || g.r2 < g.r1)
        return xlsx_bad(x, NULL, 0, "a merged range \"%s\" that is not a cell range (expected e.g. A2:A5)", a);
    if (*n == XLSX_MAX_MERGES)
        return xlsx_bad(x, NULL, 0, "more than %s merged ranges (refused)", "100000");
    if (or_grow(m, cap, *n + 1, sizeof **m) != 0)
        return diag_nomem(x->d);
    (*m)[(*n)++] = g;
    return OR_OK;
}

static or_status xlsx_scan_merges(xlsx *x, const char *part, xlsx_merge **m, size_t *n)
{
    xlsx_part p;
    or_status st = xlsx_open_part(x, part, XLSX_MAX_SHEET_BYTES, true, &p);
    if (st != OR_OK)
        return st;
    enum { CHUNK = 256 * 1024, KEEP = 512 };
    char *b = or_malloc(CHUNK + KEEP + 1);
    if (!b) {
        xlsx_close_part(&p);
        return diag_nomem(x->d);
    }
    size_t have = 0, cap = 0;
    int got;
    while (st == OR_OK && (got = xlsx_part_read(&p, b + have, CHUNK)) > 0) {
        size_t len = have + (size_t)got, done = 0;
        for (;;) {
            char *t = memmem(b + done, len - done, "<mergeCell ", 11);
            if (!t)
                break;
            char *close = memchr(t, '>', (size_t)(b + len - t));
            if (!close)
                break;   /* the tag continues in the next chunk */
            st = xlsx_add_merge(x, t, (size_t)(close - t), m, n, &cap);
            if (st != OR_OK)
                break;
            done = (size_t)(close - b) + 1;
        }
        size_t keep = len - done < KEEP ? len - done : KEEP;
        memmove(b, b + len - keep, keep);
        have = keep;
    }
    if (st == OR_OK && got < 0)
        st = xlsx_bad(x, part, 0, "%s", p.over ? "inflates beyond the size the archive declares: refused"
                                               : "cannot be inflated: the archive is damaged or truncated");
    or_free(b);
    xlsx_close_part(&p);
    if (st == OR_OK && *n)
        qsort(*m, *n, sizeof **m, xlsx_merge_cmp);
    return st;
}

/* ---- the sheet ---------------------------------------------------------- */

typedef struct xlsx_row {
    buf text;                 /* cell texts, NUL-terminated */
    size_t *off;              /* per column: offset in text, or SIZE_MAX */
    size_t ncols, cap;
    const char **ptrs;
    size_t ptr_cap;
} xlsx_row;

static or_status xlsx_set_cell(xlsx *x, xlsx_row *row, size_t col, const char *v, size_t len)
{
    if (col >= row->cap) {
        size_t old = row->cap;
        if (or_grow(&row->off, &row->cap, col + 1, sizeof *row->off) != 0)
            return diag_nomem(x->d);
        for (size_t i = old; i < row->cap; i++)
            row->off[i] = SIZE_MAX;
    }
    while (row->ncols <= col)
        row->off[row->ncols++] = SIZE_MAX;
    row->off[col] = row->text.len;
    buf_append(&row->text, v, len);
    buf_putc(&row->text, '\0');
    return row->text.failed ? diag_nomem(x->d) : OR_OK;
}

static const char *xlsx_cell(const xlsx_row *row, size_t col)
{
    return col < row->ncols && row->off[col] != SIZE_MAX ? row->text.data + row->off[col] : "";
}

typedef struct xlsx_cellstate {
    size_t col;
    char type[16];
    long style;
    buf v;                    /* <v> or inline <t> text */
    bool in_v, in_is_t, have;
} xlsx_cellstate;

/* The text of the finished cell c. */
static or_status xlsx_cell_text(xlsx *x, xlsx_cellstate *c, long rownum, xlsx_row *row)
{
    const char *v = buf_cstr(&c->v);
    if (!v)
        return diag_nomem(x->d);
    char ref[8], tmp[32];
    tab_column_name(c->col, ref);
    if (strcmp(c->type, "s") == 0) {
        char *end;
        unsigned long idx = strtoul(v, &end, 10);
        if (end == v || *end || idx >= x->n_sst) {
            diag_error(x->d, x->path, rownum, "cell %s%ld: shared string %s does not exist (expected 0..%zu)", ref, rownum, v,
                       x->n_sst ? x->n_sst - 1 : 0);
            return OR_EINPUT;
        }
        const char *s = x->strings.data + x->sst[idx];
        return xlsx_set_cell(x, row, c->col, s, strlen(s));
    }
    if (strcmp(c->type, "inlineStr") == 0) {
        xlsx_unescape(&c->v, 0);
        return xlsx_set_cell(x, row, c->col, c->v.len ? c->v.data : "", c->v.len);
    }
    if (strcmp(c->type, "b") == 0)
        return xlsx_set_cell(x, row, c->col, strcmp(v, "1") == 0 ? "TRUE" : "FALSE", strcmp(v, "1") == 0 ? 4 : 5);
    if (c->type[0] == '\0' || strcmp(c->type, "n") == 0) {
        unsigned kind = c->style >= 0 && (size_t)c->style < x->n_xf ? x->xf_kind[c->style] : 0;
        if (kind && *v) {
            char *end;
            double serial = strtod(v, &end);
            if (*end || !xlsx_serial_text(serial, x->date1904, kind & 1, kind & 2, tmp)) {
                diag_error(x->d, x->path, rownum, "cell %s%ld: %s is not a date serial (expected 0 to 2958465)", ref, rownum, v);
                return OR_EINPUT;
            }
            return xlsx_set_cell(x, row, c->col, tmp, strlen(tmp));
        }
    }
    return xlsx_set_cell(x, row, c->col, v, c->v.len);   /* str, e, d, numbers */
}

typedef struct xlsx_merges {
    xlsx_merge *v;
    size_t n, next;           /* v sorted by r1; next: first not yet active */
    size_t *active;           /* indexes of ranges covering the current row */
    size_t n_active, active_cap;
} xlsx_merges;

/* Fills the row's merged cells, then hands the row on unless it is blank. */
static or_status xlsx_emit(xlsx *x, xlsx_row *row, long rownum, xlsx_merges *g, tab_row_fn fn, void *ctx)
{
    size_t k = 0;
    for (size_t i = 0; i < g->n_active; i++)   /* drop ranges that ended */
        if (g->v[g->active[i]].r2 >= rownum)
            g->active[k++] = g->active[i];
    g->n_active = k;
    while (g->next < g->n && g->v[g->next].r1 <= rownum) {
        if (g->v[g->next].r2 >= rownum) {
            if (or_grow(&g->active, &g->active_cap, g->n_active + 1, sizeof *g->active) != 0)
                return diag_nomem(x->d);
            g->active[g->n_active++] = g->next;
        }
        g->next++;
    }
    for (size_t i = 0; i < g->n_active; i++) {
        xlsx_merge *mg = &g->v[g->active[i]];
        if (mg->r1 == rownum && !mg->value) {
            const char *first = xlsx_cell(row, mg->c1);
            if (!(mg->value = or_strdup(first)))
                return diag_nomem(x->d);
        }
        const char *val = mg->value ? mg->value : "";
        for (size_t c = mg->c1; c <= mg->c2 && *val; c++)
            if (!*xlsx_cell(row, c)) {
                or_status st = xlsx_set_cell(x, row, c, val, strlen(val));
                if (st != OR_OK)
                    return st;
            }
    }
    bool blank = true;
    for (size_t c = 0; c < row->ncols && blank; c++)
        blank = *xlsx_cell(row, c) == '\0';
    or_status st = OR_OK;
    if (!blank) {
        if (or_grow(&row->ptrs, &row->ptr_cap, row->ncols, sizeof *row->ptrs) != 0)
            return diag_nomem(x->d);
        for (size_t c = 0; c < row->ncols; c++)
            row->ptrs[c] = xlsx_cell(row, c);
        st = fn(ctx, rownum, row->ncols, row->ptrs);
    }
    row->ncols = 0;
    buf_reset(&row->text);
    return st;
}

static or_status xlsx_read_sheet(xlsx *x, const char *part, xlsx_merges *g, tab_row_fn fn, void *ctx)
{
    xlsx_part p;
    or_status st = xlsx_open_part(x, part, XLSX_MAX_SHEET_BYTES, true, &p);
    if (st != OR_OK)
        return st;
    xmlTextReaderPtr r = xlsx_reader(&p);
    if (!r) {
        xlsx_close_part(&p);
        return diag_nomem(x->d);
    }
    xlsx_row row = {0};
    buf_init(&row.text, 0);
    xlsx_cellstate c = {0};
    buf_init(&c.v, TAB_MAX_CELL_BYTES);
    long rownum = 0, last_row = 0;
    bool in_row = false, in_data = false, in_rph = false;
    int rc;
    while (st == OR_OK && (rc = xlsx_step(x, r, &p, &st)) == 1) {
        int type = xmlTextReaderNodeType(r);
        if (type == XML_READER_TYPE_ELEMENT) {
            const char *n = (const char *)xmlTextReaderConstLocalName(r);
            bool empty = xmlTextReaderIsEmptyElement(r);
            if (strcmp(n, "sheetData") == 0) {
                in_data = !empty;
            } else if (in_data && strcmp(n, "row") == 0) {
                char *rv = xlsx_attr(r, "r");
                long num = rv ? strtol(rv, NULL, 10) : last_row + 1;
                xmlFree(rv);
                if (num <= last_row || num > XLSX_MAX_ROWS) {
                    char msg[64];
                    snprintf(msg, sizeof msg, "%ld", num);
                    st = xlsx_bad(x, part, 0, "row number %s out of order or beyond 1048576", msg);
                    break;
                }
                rownum = last_row = num;
                in_row = true;
                c.col = SIZE_MAX;
                if (empty) {
                    st = xlsx_emit(x, &row, rownum, g, fn, ctx);
                    in_row = false;
                }
            } else if (in_row && strcmp(n, "c") == 0) {
                /* Attributes walked in place: no copies per cell. */
                char ref[32] = "";
                bool have_ref = false;
                c.type[0] = '\0';
                c.style = -1;
                while (xmlTextReaderMoveToNextAttribute(r) == 1) {
                    const char *an = (const char *)xmlTextReaderConstLocalName(r);
                    const char *av = (const char *)xmlTextReaderConstValue(r);
                    if (!an || !av || an[1])
                        continue;
                    if (an[0] == 'r') {
                        snprintf(ref, sizeof ref, "%s", av);
                        have_ref = true;
                    } else if (an[0] == 't') {
                        snprintf(c.type, sizeof c.type, "%s", av);
                    } else if (an[0] == 's') {
                        c.style = strtol(av, NULL, 10);
                    }
                }
                xmlTextReaderMoveToElement(r);
                size_t col = c.col == SIZE_MAX ? 0 : c.col + 1;
                long rr = rownum;
                if (have_ref && !(xlsx_cell_ref(ref, &col, &rr) && rr == rownum)) {
                    st = xlsx_bad(x, part, rownum, "a cell reference \"%s\" outside its row (expected e.g. B12)", ref);
                    break;
                }
                c.col = col;
                c.have = !empty;
                buf_reset(&c.v);
            } else if (c.have && strcmp(n, "v") == 0) {
                c.in_v = !empty;
            } else if (c.have && strcmp(n, "t") == 0) {
                c.in_is_t = !empty;
            } else if (c.have && strcmp(n, "rPh") == 0) {
                in_rph = !empty;   /* phonetic guide: not the cell's text */
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            const char *n = (const char *)xmlTextReaderConstLocalName(r);
            if (strcmp(n, "v") == 0)
                c.in_v = false;
            else if (strcmp(n, "t") == 0)
                c.in_is_t = false;
            else if (strcmp(n, "rPh") == 0)
                in_rph = false;
            else if (strcmp(n, "c") == 0 && c.have) {
                c.have = false;
                if (c.v.failed) {
                    char ref[8];
                    tab_column_name(c.col, ref);
                    st = xlsx_bad(x, part, rownum, "cell %s holds more than 64 KiB (expected a shorter value)", ref);
                } else if (c.v.len || c.type[0])
                    st = xlsx_cell_text(x, &c, rownum, &row);
            } else if (strcmp(n, "row") == 0 && in_row) {
                in_row = false;
                st = xlsx_emit(x, &row, rownum, g, fn, ctx);
            } else if (strcmp(n, "sheetData") == 0) {
                in_data = false;
            }
        } else if ((c.in_v || (c.in_is_t && !in_rph)) &&
                   (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                    type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_CDATA)) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            if (v)
                buf_puts(&c.v, v);
        }
    }
    xmlFreeTextReader(r);
    xlsx_close_part(&p);
    buf_free(&row.text);
    or_free(row.off);
    or_free(row.ptrs);
    buf_free(&c.v);
    return st;
}

or_status xlsx_read(const char *path, const char *sheet, tab_row_fn fn, void *ctx, diag *d)
{
    int err = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, err);
        diag_error(d, path, 0, "not a readable .xlsx: %s (expected a workbook saved completely; a truncated or damaged "
                   "file cannot be read)", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return err == ZIP_ER_OPEN || err == ZIP_ER_READ ? OR_EINPUT : OR_EINPUT;
    }
    xmlInitParser();
    xlsx x = {.path = path, .d = d, .z = z};
    buf_init(&x.strings, 0);
    char part[512];
    xlsx_merges g = {0};
    or_status st = xlsx_find_sheet(&x, sheet, part, sizeof part);
    if (st == OR_OK)
        st = xlsx_load_styles(&x);
    if (st == OR_OK)
        st = xlsx_load_strings(&x);
    if (st == OR_OK)
        st = xlsx_scan_merges(&x, part, &g.v, &g.n);
    if (st == OR_OK)
        st = xlsx_read_sheet(&x, part, &g, fn, ctx);
    for (size_t i = 0; i < g.n; i++)
        or_free(g.v[i].value);
    or_free(g.v);
    or_free(g.active);
    buf_free(&x.strings);
    or_free(x.sst);
    or_free(x.xf_kind);
    zip_discard(z);
    return st;
}
