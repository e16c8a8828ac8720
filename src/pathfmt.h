/* pathfmt: file names built from user-given directories, never cut short.
 *
 * snprintf into a PATH_MAX buffer silently truncates a long --data or
 * installation directory into the name of some other file; every path the
 * program builds goes through path_format instead (`make lint` checks). */
#ifndef OR_PATHFMT_H
#define OR_PATHFMT_H

#include "diag.h"

#include <stddef.h>

/* Formats into out[size].  A result that does not fit is an error (exit 2,
 * the path came from the command line or the environment): the message
 * names the start of the path, and out holds an empty string. */
or_status path_format(diag *d, char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
