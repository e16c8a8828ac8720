/* i18n: messages through gettext (glibc's libintl).  _() translates a
 * message where it is printed; N_() marks one kept in a table and
 * translated later.  The catalogs are po/LANG.po, built by `make` into
 * build/locale and installed under share/locale; `make pot` extracts the
 * messages (every diag_error/diag_warn format and the helpers' formats). */
#ifndef OR_I18N_H
#define OR_I18N_H

#include <libintl.h>

#define OR_TEXTDOMAIN "opsreport"
#define _(s) gettext(s)
#define N_(s) (s)

#endif
