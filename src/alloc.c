#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static long alloc_calls;
static long fail_at;      /* absolute call number that fails; 0 = never */
static int fail_sticky;

static int alloc_should_fail(void)
{
    alloc_calls++;
    if (fail_at <= 0)
        return 0;
    return fail_sticky ? alloc_calls >= fail_at : alloc_calls == fail_at;
}

void or_alloc_fail_at(long n, int sticky)
{
    fail_at = n > 0 ? alloc_calls + n : 0;
    fail_sticky = sticky;
}

long or_alloc_count(void) { return alloc_calls; }

void *or_malloc(size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *or_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    if (alloc_should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *or_realloc(void *p, size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

int or_grow(void *items, size_t *cap, size_t need, size_t size)
{
    void **slot = items;
    size_t ncap = *cap ? *cap : 8;
    if (need <= *cap)
        return 0;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (size && ncap > SIZE_MAX / size)
        return -1;
    void *np = or_realloc(*slot, ncap * size);
    if (!np)
        return -1;
    *slot = np;
    *cap = ncap;
    return 0;
}

char *or_strndup(const char *s, size_t n)
{
    char *p = or_malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *or_strdup(const char *s) { return or_strndup(s, strlen(s)); }

void or_free(void *p) { free(p); }
