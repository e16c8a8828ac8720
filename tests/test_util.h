/* Helpers shared by the cmocka tests: capture what a diag prints, and
 * assert on substrings of it. */
#ifndef OR_TEST_UTIL_H
#define OR_TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "datetime.h"
#include "diag.h"

/* Messages written to a diag, captured for assertions. */
typedef struct capture {
    char *text;
    size_t len;
    FILE *f;
    diag d;
} capture;

static inline void capture_begin(capture *c)
{
    memset(c, 0, sizeof *c);
    c->f = open_memstream(&c->text, &c->len);
    assert_non_null(c->f);
    c->d.stream = c->f;
}

static inline const char *capture_text(capture *c)
{
    fflush(c->f);
    return c->text ? c->text : "";
}

static inline void capture_end(capture *c)
{
    fclose(c->f);
    free(c->text);   /* open_memstream's buffer comes from libc */
}

#define assert_contains(hay, needle)                                                       \
    do {                                                                                   \
        const char *h_ = (hay), *n_ = (needle);                                            \
        if (!strstr(h_, n_))                                                               \
            fail_msg("expected \"%s\" in:\n%s", n_, h_);                                   \
    } while (0)

/* Everything left in a stream (a file, a pipe), NUL-terminated; the
 * caller frees it with or_free. */
static inline char *test_read_all(FILE *f, size_t *len)
{
    buf b;
    buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    return buf_steal(&b, len);
}

/* A date for a test, from "YYYY-MM-DD". */
static inline od_date D(const char *s)
{
    od_date d = 0;
    if (!od_parse_date(s, &d))
        fail_msg("bad test date %s", s);
    return d;
}

#define assert_date(got, want)                                                             \
    do {                                                                                   \
        char g_[11];                                                                       \
        od_format_date((got), g_);                                                         \
        assert_string_equal(g_, (want));                                                   \
    } while (0)

#endif
