/* utf8: decoding and encoding Unicode scalar values. */
#ifndef OR_UTF8_H
#define OR_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT 0xFFFDu

/* Decodes the scalar at s[*pos] (pos < len) and advances *pos past it.
 * Invalid or truncated sequences, overlongs, surrogates and values above
 * U+10FFFF yield U+FFFD, advance by one byte and set *valid to false
 * (valid may be NULL). */
uint32_t utf8_next(const char *s, size_t len, size_t *pos, bool *valid);
/* Writes cp's encoding into out (at least 4 bytes); returns its length,
 * 0 for a value that is not a Unicode scalar. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* True when all of s[0..len) is well-formed UTF-8. */
bool utf8_valid(const char *s, size_t len);

#endif
