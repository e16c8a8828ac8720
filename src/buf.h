/* buf: a growable byte buffer with a hard size cap and a sticky error.
 *
 * Once an append fails (allocation, or the cap would be exceeded) every
 * later append does nothing and returns -1; check buf.failed once at the
 * end.  The data is always NUL-terminated when len > 0 or after buf_cstr.
 * The buffer owns its data; buf_steal hands it to the caller. */
#ifndef OR_BUF_H
#define OR_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;   /* hard cap on len; 0 = SIZE_MAX/2 */
    bool failed;
} buf;

void buf_init(buf *b, size_t max);
int buf_append(buf *b, const void *p, size_t n);
int buf_puts(buf *b, const char *s);
int buf_putc(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "" when empty; NULL only when the buffer has failed. */
const char *buf_cstr(buf *b);
/* Returns the data (caller frees with or_free) and resets the buffer;
 * NULL when the buffer has failed (its memory is then freed). */
char *buf_steal(buf *b, size_t *len);
void buf_reset(buf *b);   /* empties it, keeps memory and clears the error */
void buf_free(buf *b);

#endif
