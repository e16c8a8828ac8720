/* alloc: the one allocator every opsreport module uses.
 *
 * Thin wrappers over malloc & co. that tests can make fail on the Nth call
 * (or_alloc_fail_at), to prove every error path frees what it took and
 * reports OR_ESYS.  or_free(NULL) is a no-op.  Memory from libxml2, HarfBuzz
 * and libharu is not counted: those libraries allocate on their own. */
#ifndef OR_ALLOC_H
#define OR_ALLOC_H

#include <stddef.h>

void *or_malloc(size_t n);
void *or_calloc(size_t count, size_t size);   /* overflow-checked */
void *or_realloc(void *p, size_t n);          /* p is untouched on failure */
/* Grows an array: *items gets room for at least `need` elements of `size`,
 * doubling *cap.  Returns 0, or -1 (array untouched) on failure/overflow. */
int or_grow(void *items, size_t *cap, size_t need, size_t size);
char *or_strdup(const char *s);
char *or_strndup(const char *s, size_t n);
void or_free(void *p);

/* Test hook: the n-th allocation from now (1 = the next one) fails, and so
 * does every later one when `sticky` is nonzero.  n <= 0 turns it off. */
void or_alloc_fail_at(long n, int sticky);
/* Allocations made since the process started (for sizing torture loops). */
long or_alloc_count(void);

#endif
