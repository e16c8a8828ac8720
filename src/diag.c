#include "diag.h"

#include "i18n.h"
#include "personal.h"

#include <stdarg.h>
#include <stdlib.h>

static void diag_vprint(diag *d, const char *kind, const char *file, long line,
                        const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void diag_vprint(diag *d, const char *kind, const char *file, long line,
                        const char *fmt, va_list ap)
{
    FILE *out = d && d->stream ? d->stream : stderr;
    /* The location stays as it is in every language (file:line: is what
     * editors and scripts look for); the kind and the message are
     * translated (po/). */
    kind = gettext(kind);
    fmt = gettext(fmt);
    if (file && line > 0)
        fprintf(out, "%s:%ld: %s: ", file, line, kind);
    else if (file)
        fprintf(out, "%s: %s: ", file, kind);
    else
        fprintf(out, "opsreport: %s: ", kind);
    /* Messages quote record text: personal numbers in it are masked
     * (personal.h).  No allocation from the counted allocator here: the
     * message for an allocation failure must still get out. */
    char small[1024], *text = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small && (text = malloc((size_t)n + 1)) != NULL)
        vsnprintf(text, (size_t)n + 1, fmt, again);
    else if (n >= (int)sizeof small)
        text = small, n = (int)sizeof small - 1;
    va_end(again);
    if (n > 0) {
        size_t len = personal_mask(text, (size_t)n, NULL);
        fwrite(text, 1, len, out);
    }
    if (text != small)
        free(text);
    fputc('\n', out);
}

void diag_error(diag *d, const char *file, long line, const char *fmt, ...)
{
    va_list ap;
    if (d)
        d->errors++;
    va_start(ap, fmt);
    diag_vprint(d, N_("error"), file, line, fmt, ap);
    va_end(ap);
}

void diag_verror(diag *d, const char *file, long line, const char *fmt, va_list ap)
{
    if (d)
        d->errors++;
    diag_vprint(d, N_("error"), file, line, fmt, ap);
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
    diag_vprint(d, N_("warning"), file, line, fmt, ap);
    va_end(ap);
}

or_status diag_nomem(diag *d)
{
    diag_error(d, NULL, 0, "%s", _("out of memory"));
    return OR_ESYS;
}
