#include "buf.h"

#include "alloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void buf_init(buf *b, size_t max)
{
    memset(b, 0, sizeof *b);
    b->max = max ? max : SIZE_MAX / 2;
}

static int buf_fail(buf *b)
{
    b->failed = true;
    return -1;
}

static int buf_reserve(buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > b->max - b->len)
        return buf_fail(b);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    char *p = or_realloc(b->data, ncap);
    if (!p)
        return buf_fail(b);
    b->data = p;
    b->cap = ncap;
    return 0;
}

int buf_append(buf *b, const void *p, size_t n)
{
    if (buf_reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int buf_puts(buf *b, const char *s) { return buf_append(b, s, strlen(s)); }

int buf_putc(buf *b, char c) { return buf_append(b, &c, 1); }

int buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    if (b->failed)
        return -1;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return buf_fail(b);
    if ((size_t)n < sizeof small)
        return buf_append(b, small, (size_t)n);
    if (buf_reserve(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

const char *buf_cstr(buf *b)
{
    if (b->failed)
        return NULL;
    return b->data ? b->data : "";
}

char *buf_steal(buf *b, size_t *len)
{
    char *p;
    if (b->failed) {
        buf_free(b);
        return NULL;
    }
    if (!b->data && buf_reserve(b, 0) != 0)
        return NULL;
    p = b->data;
    if (len)
        *len = b->len;
    size_t max = b->max;
    buf_init(b, max);
    return p;
}

void buf_reset(buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data)
        b->data[0] = '\0';
}

void buf_free(buf *b)
{
    or_free(b->data);
    size_t max = b->max;
    buf_init(b, max);
}
