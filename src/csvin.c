/* csvin: CSV through libcsv, decoded to UTF-8 with glibc iconv. */
#include "csvin.h"

#include "alloc.h"
#include "buf.h"
#include "utf8.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CSVIN_CHUNK ((size_t)64 * 1024)

void tab_column_name(size_t col, char out[8])
{
    char tmp[8];
    size_t n = 0;
    col++;
    while (col > 0 && n < 7) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

const char *csvin_detect(const unsigned char *p, size_t n, size_t *bom_len)
{
    *bom_len = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        *bom_len = 3;
        return "UTF-8";
    }
    if (n >= 4 && p[0] == 0x84 && p[1] == 0x31 && p[2] == 0x95 && p[3] == 0x33) {
        *bom_len = 4;
        return "GB18030";
    }
    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
        return NULL;
    return utf8_valid((const char *)p, n) ? "UTF-8" : "GB18030";
}

/* Length of the tail of p[0..n) that starts a UTF-8 sequence the chunk
 * cuts short (0..3), so that validation can carry it to the next chunk. */
static size_t csvin_utf8_cut(const unsigned char *p, size_t n)
{
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        unsigned char c = p[n - back];
        if ((c & 0xC0) == 0x80)
            continue;   /* continuation byte: look further back */
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return need > back ? back : 0;
    }
    return 0;
}

/* Pass 1: BOM, then whether the whole file is valid UTF-8. */
static or_status csvin_detect_file(FILE *f, const char *path, const char **enc, size_t *bom, diag *d)
{
    unsigned char chunk[CSVIN_CHUNK + 4];
    size_t carry = 0, n;
    bool first = true, utf8 = true;
    *enc = "UTF-8";
    *bom = 0;
    while ((n = fread(chunk + carry, 1, CSVIN_CHUNK, f)) > 0) {
        size_t len = carry + n;
        if (first) {
            first = false;
            const char *e = csvin_detect(chunk, len < 4 ? len : 4, bom);
            if (!e) {
                diag_error(d, path, 0, "a UTF-16 file (expected CSV in UTF-8, GBK or GB18030; save it as \"CSV UTF-8\")");
                return OR_EINPUT;
            }
            if (*bom) {
                *enc = e;
                return OR_OK;
            }
        }
        size_t cut = csvin_utf8_cut(chunk, len);
        if (!utf8_valid((const char *)chunk, len - cut)) {
            utf8 = false;
            break;
        }
        memmove(chunk, chunk + len - cut, cut);
        carry = cut;
    }
    if (ferror(f)) {
        diag_error(d, path, 0, "cannot read: %s", strerror(errno));
        return OR_ESYS;
    }
    if (carry)
        utf8 = false;   /* the file ends inside a sequence */
    *enc = utf8 ? "UTF-8" : "GB18030";
    return OR_OK;
}

typedef struct csvin_state {
    const char *path;
    diag *d;
    tab_row_fn fn;
    void *ctx;
    buf cells;                 /* the row's fields, each NUL-terminated */
    size_t *offs;              /* start of each field in cells */
    size_t nfields, cap;
    const char **ptrs;
    size_t ptr_cap;
    long row;                  /* rows completed */
    or_status st;
} csvin_state;

static void csvin_field(void *field, size_t len, void *data)
{
    csvin_state *s = data;
    if (s->st != OR_OK)
        return;
    if (len > TAB_MAX_CELL_BYTES) {
        diag_error(s->d, s->path, s->row + 1, "a cell of %zu bytes (expected at most %zu)", len, TAB_MAX_CELL_BYTES);
        s->st = OR_EINPUT;
        return;
    }
    if (s->nfields == TAB_MAX_COLUMNS) {
        diag_error(s->d, s->path, s->row + 1, "more than %d columns", TAB_MAX_COLUMNS);
        s->st = OR_EINPUT;
        return;
    }
    if (or_grow(&s->offs, &s->cap, s->nfields + 1, sizeof *s->offs) != 0) {
        s->st = diag_nomem(s->d);
        return;
    }
    s->offs[s->nfields++] = s->cells.len;
    buf_append(&s->cells, field ? field : "", field ? len : 0);
    buf_putc(&s->cells, '\0');
    if (s->cells.failed)
        s->st = diag_nomem(s->d);
}

static void csvin_row(int term, void *data)
{
    (void)term;
    csvin_state *s = data;
    s->row++;
    if (s->st != OR_OK)
        return;
    bool blank = true;
    for (size_t i = 0; i < s->nfields && blank; i++)
        blank = s->cells.data[s->offs[i]] == '\0';
    if (!blank) {
        if (or_grow(&s->ptrs, &s->ptr_cap, s->nfields, sizeof *s->ptrs) != 0) {
            s->st = diag_nomem(s->d);
            return;
        }
        for (size_t i = 0; i < s->nfields; i++)
            s->ptrs[i] = s->cells.data + s->offs[i];
        s->st = s->fn(s->ctx, s->row, s->nfields, s->ptrs);
    }
    s->nfields = 0;
    buf_reset(&s->cells);
}

static bool csvin_feed(struct csv_parser *p, csvin_state *s, const char *data, size_t len)
{
    if (csv_parse(p, data, len, csvin_field, csvin_row, s) != len) {
        if (s->st == OR_OK) {
            diag_error(s->d, s->path, s->row + 1, "%s (expected RFC 4180 CSV: a quote inside a quoted field is doubled)",
                       csv_strerror(csv_error(p)));
            s->st = OR_EINPUT;
        }
        return false;
    }
    return s->st == OR_OK;
}

or_status csvin_read(const char *path, const char *encoding, tab_row_fn fn, void *ctx, diag *d,
                     const char **used_encoding)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_error(d, path, 0, "cannot open: %s", strerror(errno));
        return OR_EINPUT;
    }
    const char *enc = encoding;
    size_t bom = 0;
    or_status st = OR_OK;
    if (!enc || strcasecmp(enc, "auto") == 0) {
        st = csvin_detect_file(f, path, &enc, &bom, d);
        if (st == OR_OK && fseek(f, (long)bom, SEEK_SET) != 0) {
            diag_error(d, path, 0, "cannot read: %s", strerror(errno));
            st = OR_ESYS;
        }
    } else {
        /* A BOM of the given encoding is still not data. */
        unsigned char head[4];
        size_t n = fread(head, 1, sizeof head, f);
        (void)csvin_detect(head, n, &bom);
        if (fseek(f, (long)bom, SEEK_SET) != 0)
            st = OR_ESYS;
    }
    if (used_encoding)
        *used_encoding = enc;
    if (st != OR_OK) {
        fclose(f);
        return st;
    }
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1) {
        fclose(f);
        diag_error(d, NULL, 0, "--encoding %s: not an encoding iconv knows (expected utf-8, gbk or gb18030)", enc);
        return OR_EUSAGE;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        iconv_close(cd);
        fclose(f);
        return diag_nomem(d);
    }
    csvin_state s = {.path = path, .d = d, .fn = fn, .ctx = ctx};
    buf_init(&s.cells, 0);
    /* iconv at most quadruples GB18030 into UTF-8 (two bytes become up
     * to three, four become four): out never overflows for a whole chunk. */
    char *in = or_malloc(CSVIN_CHUNK + 16), *out = or_malloc(CSVIN_CHUNK * 4);
    size_t out_size = CSVIN_CHUNK * 4;
    if (!in || !out) {
        or_free(in);
        or_free(out);
        csv_free(&p);
        iconv_close(cd);
        fclose(f);
        buf_free(&s.cells);
        return diag_nomem(d);
    }
    size_t carry = 0, n;
    bool go = true;
    while (go && (n = fread(in + carry, 1, CSVIN_CHUNK, f)) > 0) {
        char *ip = in;
        size_t il = carry + n;
        while (il > 0 && go) {
            char *op = out;
            size_t ol = out_size;
            size_t r = iconv(cd, &ip, &il, &op, &ol);
            int err = r == (size_t)-1 ? errno : 0;
            go = csvin_feed(&p, &s, out, (size_t)(op - out));
            if (!go)
                break;
            if (err == E2BIG)
                continue;
            if (err == EINVAL)
                break;   /* a sequence cut by the chunk: carry it */
            if (err == EILSEQ) {
                unsigned char b = (unsigned char)*ip;
                diag_error(d, path, s.row + 1, "byte 0x%02X is not valid %s (expected a CSV file in UTF-8, GBK or GB18030; "
                           "give the right one with --encoding)", b, enc);
                s.st = OR_EINPUT;
                go = false;
            }
        }
        if (!go)
            break;
        memmove(in, ip, il);
        carry = il;
        if (carry > 8) {   /* never a cut sequence: iconv left data unread */
            diag_error(d, path, s.row + 1, "cannot decode as %s", enc);
            s.st = OR_EINPUT;
            go = false;
        }
    }
    if (go && ferror(f)) {
        diag_error(d, path, 0, "cannot read: %s", strerror(errno));
        s.st = OR_ESYS;
        go = false;
    }
    if (go && carry) {
        diag_error(d, path, s.row + 1, "the file ends inside a %s character (expected complete text)", enc);
        s.st = OR_EINPUT;
        go = false;
    }
    if (go && csv_fini(&p, csvin_field, csvin_row, &s) != 0 && s.st == OR_OK) {
        diag_error(d, path, s.row + 1, "a quoted field is not closed at the end of the file (expected a closing \")");
        s.st = OR_EINPUT;
    }
    or_free(in);
    or_free(out);
    csv_free(&p);
    iconv_close(cd);
    fclose(f);
    buf_free(&s.cells);
    or_free(s.offs);
    or_free(s.ptrs);
    return s.st;
}
