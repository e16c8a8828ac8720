/* xlsx: the rows of one worksheet of an Office Open XML workbook (.xlsx),
 * read with libzip and libxml2's streaming xmlTextReader.
 *
 * The sheet is the first of xl/workbook.xml, or the one named, found
 * through xl/_rels/workbook.xml.rels.  Cells come out as the text a user
 * sees: shared strings (rich-text runs joined, phonetic runs dropped),
 * inline strings, numbers as stored, booleans TRUE/FALSE, and numbers
 * whose style is a date or time format as "YYYY-MM-DD", "YYYY-MM-DD HH:MM"
 * (":SS" when not zero) or "HH:MM" (serials of the 1900 date system, with
 * Excel's phantom 1900-02-29, or of the 1904 system when the workbook says
 * so).  The cells of a merged range all carry the range's first cell.
 *
 * Memory is bounded: the sheet is streamed (one row at a time; a raw first
 * pass over its bytes collects the <mergeCell> ranges, which follow the
 * data), shared strings are held up to XLSX_MAX_STRINGS_BYTES, and every
 * part is checked before it is inflated: size caps per part and a
 * compression ratio cap against zip bombs, with the bytes actually
 * inflated counted against the size the archive declares. */
#ifndef OR_XLSX_H
#define OR_XLSX_H

#include "tabin.h"

#include <stdbool.h>

#define XLSX_MAX_PART_BYTES ((long long)16 * 1024 * 1024)        /* workbook, rels, styles */
#define XLSX_MAX_STRINGS_BYTES ((long long)64 * 1024 * 1024)     /* sharedStrings.xml text held */
#define XLSX_MAX_STRINGS_PART ((long long)256 * 1024 * 1024)     /* sharedStrings.xml inflated */
#define XLSX_MAX_SHEET_BYTES ((long long)4 * 1024 * 1024 * 1024) /* one worksheet inflated */
#define XLSX_MAX_RATIO 250        /* inflated : compressed, for parts over 1 MiB */
#define XLSX_MAX_MERGES 100000
#define XLSX_MAX_ROWS 1048576

/* Reads the sheet (NULL: the first) of path and calls fn per non-empty
 * row.  Errors name the file (and part, row, cell) and return OR_EINPUT. */
or_status xlsx_read(const char *path, const char *sheet, tab_row_fn fn, void *ctx, diag *d);

/* "C12" → column 2, row 12.  False for anything else. */
bool xlsx_cell_ref(const char *ref, size_t *col, long *row);

/* Whether a number format (built-in id, or format code when id >= 164
 * or code not NULL) shows a date and/or a time. */
void xlsx_format_kind(int id, const char *code, bool *is_date, bool *is_time);

/* Formats a serial as the text above; false for a serial outside
 * 0 .. 2958465 (9999-12-31).  The phantom 1900-02-29 (serial 60) comes out
 * as "1900-02-29", which no date parser accepts. */
bool xlsx_serial_text(double serial, bool date1904, bool with_date, bool with_time, char out[32]);

#endif
