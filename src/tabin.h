/* tabin: the row interface shared by the table readers (csvin, xlsx).
 *
 * A reader calls the row callback once per non-empty row, in order, with
 * the row's 1-based number as the user sees it (the CSV record number or
 * the sheet's row number; the header is usually row 1) and its cells as
 * UTF-8, NUL-terminated strings (never NULL; "" for an empty cell).  The
 * cells live until the callback returns.  A callback returns OR_OK to go
 * on; anything else stops the reader, which returns that status. */
#ifndef OR_TABIN_H
#define OR_TABIN_H

#include "diag.h"

#include <stddef.h>

#define TAB_MAX_COLUMNS 16384        /* Excel's XFD */
#define TAB_MAX_CELL_BYTES ((size_t)64 * 1024)

typedef or_status (*tab_row_fn)(void *ctx, long row, size_t ncells, const char *const *cells);

/* "A", "B", … "Z", "AA" for a 0-based column index; out holds >= 8 bytes. */
void tab_column_name(size_t col, char out[8]);

#endif
