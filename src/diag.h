/* diag: status codes and user-facing diagnostics.
 *
 * Every function that can fail returns an or_status.  Messages for the user
 * go through a diag sink so that one run can report all of its errors and
 * tests can capture them (point `stream` at an open_memstream FILE). */
#ifndef OR_DIAG_H
#define OR_DIAG_H

#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>

typedef enum {
    OR_OK = 0,
    OR_EINPUT = 1,  /* bad input: records, document, template, font file */
    OR_EUSAGE = 2,  /* bad command line */
    OR_ESYS = 3     /* system: I/O, out of memory, library failure */
} or_status;

typedef struct diag {
    FILE *stream;          /* where messages go; stderr when NULL */
    unsigned errors;       /* counts, for "N errors" summaries and exit codes */
    unsigned warnings;
    bool quiet_warnings;   /* count warnings but do not print them */
} diag;

/* Formats "file:line: error: message\n".  file may be NULL (then no location
 * is printed); line <= 0 prints "file: error: ...". */
void diag_error(diag *d, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* diag_error with a va_list, for helpers that add their own context. */
void diag_verror(diag *d, const char *file, long line, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
void diag_warn(diag *d, const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Convenience for allocation failures: prints "out of memory" and returns
 * OR_ESYS so callers can write `return diag_nomem(d);`. */
or_status diag_nomem(diag *d);

#endif
