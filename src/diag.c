#include "diag.h"

#include <stdarg.h>

static void diag_vprint(diag *d, const char *kind, const char *file, long line,
                        const char *fmt, va_list ap)
{
    FILE *out = d && d->stream ? d->stream : stderr;
    if (file && line > 0)
        fprintf(out, "%s:%ld: %s: ", file, line, kind);
    else if (file)
        fprintf(out, "%s: %s: ", file, kind);
    else
        fprintf(out, "opsreport: %s: ", kind);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
}

void diag_error(diag *d, const char *file, long line, const char *fmt, ...)
{
    va_list ap;
    if (d)
        d->errors++;
    va_start(ap, fmt);
    diag_vprint(d, "error", file, line, fmt, ap);
    va_end(ap);
}

void diag_warn(diag *d, const char *file, long line, const char *fmt, ...)
{
    va_list ap;
    if (d) {
        d->warnings++;
        if (d->quiet_warnings)
            return;
    }
    va_start(ap, fmt);
    diag_vprint(d, "warning", file, line, fmt, ap);
    va_end(ap);
}

or_status diag_nomem(diag *d)
{
    diag_error(d, NULL, 0, "out of memory");
    return OR_ESYS;
}
