#include "pathfmt.h"

#include <stdarg.h>
#include <stdio.h>

or_status path_format(diag *d, char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < size)
        return OR_OK;
    if (n < 0) {
        out[0] = '\0';
        diag_error(d, NULL, 0, "cannot format a file name");
        return OR_ESYS;
    }
    diag_error(d, NULL, 0, "a file name of %d bytes (expected at most %zu): %.60s…", n, size - 1, out);
    out[0] = '\0';
    return OR_EUSAGE;
}
