/* csvin: CSV files (RFC 4180) through libcsv, in any of the encodings
 * Chinese spreadsheet tools write.
 *
 * Quoted fields, doubled quotes, embedded newlines, CRLF or LF, a UTF-8
 * or GB18030 byte-order mark.  The encoding is given ("utf-8", "gbk",
 * "gb18030", or any name glibc iconv knows) or detected: a BOM decides;
 * else a file that is valid UTF-8 throughout is UTF-8, and any other is
 * GB18030 (a superset of GBK and GB2312, what Excel on Chinese Windows
 * saves as "CSV").  UTF-16 files are refused (save as "CSV UTF-8").
 * The file is read twice in 64 KiB chunks (detection, then parsing):
 * memory does not grow with the file, only with the longest row. */
#ifndef OR_CSVIN_H
#define OR_CSVIN_H

#include "tabin.h"

/* Reads path and calls fn per row.  encoding NULL or "auto" detects.
 * Errors (unreadable file, bad bytes for the encoding, malformed quoting,
 * an over-long cell) go to d as "path:row: ..." and return OR_EINPUT
 * (OR_ESYS for I/O); a status other than OR_OK from fn is returned as is.
 * *used_encoding (may be NULL) receives the encoding read ("UTF-8",
 * "GB18030", or the name given). */
or_status csvin_read(const char *path, const char *encoding, tab_row_fn fn, void *ctx, diag *d,
                     const char **used_encoding);

/* Detection on a buffer, for tests and for csvin_read: "UTF-8" (BOM or
 * valid UTF-8), "GB18030" (its BOM or anything else), NULL for a UTF-16
 * BOM.  *bom_len gets the byte-order mark's length (0 without). */
const char *csvin_detect(const unsigned char *p, size_t n, size_t *bom_len);

#endif
