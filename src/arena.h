/* arena: a per-run region allocator.  Build, use, free once.
 *
 * Everything allocated from an arena lives until arena_free; there is no
 * per-object free.  Allocation failure returns NULL (the arena stays valid). */
#ifndef OR_ARENA_H
#define OR_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t block_size;
    size_t total;     /* bytes handed out, for size reports */
} arena;

void arena_init(arena *a, size_t block_size);   /* 0 = 64 KiB */
void *arena_alloc(arena *a, size_t n);           /* 16-byte aligned, zeroed */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
void arena_free(arena *a);

#endif
