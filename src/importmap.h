/* importmap: the mapping file of `opsreport import` (docs/import.md):
 * which column header feeds which record field, value aliases per field
 * (正常 → pass), constants, and the date/time formats tried in order.
 *
 * <import-map kind="inspections">
 *   <field name="result" default="pass">
 *     <header>结果</header><header>巡检结果</header>
 *     <value from="正常" to="pass"/>
 *   </field>
 *   <ignore><header>序号</header></ignore>
 *   <date-format>%Y-%m-%d %H:%M</date-format>
 *   <date-format>excel-serial</date-format>
 * </import-map>
 *
 * Validated against data/schema/import-map.rng; DOCTYPEs are refused. */
#ifndef OR_IMPORTMAP_H
#define OR_IMPORTMAP_H

#include "datetime.h"
#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct imap_alias {
    char *from, *to;
} imap_alias;

typedef struct imap_field {
    char *name;
    char **headers;
    size_t n_headers;
    char *fallback;            /* default="..." or NULL */
    imap_alias *aliases;
    size_t n_aliases;
    long line;
} imap_field;

typedef struct import_map {
    char *path;
    char *kind;
    imap_field *fields;
    size_t n_fields;
    char **ignore;             /* headers to skip */
    size_t n_ignore;
    char **date_formats;
    size_t n_date_formats;
} import_map;

/* Loads and validates the map at path against schema (the .rng file). */
or_status imap_load(import_map **out, const char *path, const char *schema, diag *d);
void imap_free(import_map *m);

/* The field named name, or NULL. */
const imap_field *imap_field_named(const import_map *m, const char *name);

/* The field whose header is text (trimmed, compared exactly), or NULL;
 * *ignored is set when the header is one to skip. */
const imap_field *imap_field_for_header(const import_map *m, const char *text, bool *ignored);

/* Applies f's aliases to a trimmed value: the alias target, else value. */
const char *imap_alias_value(const imap_field *f, const char *value);

/* Parses text with one date format: %Y (4 digits), %m %d %H %M %S (1 or 2
 * digits), a space (any run of spaces, or a T), anything else literally;
 * "excel-serial" reads a spreadsheet serial number (1900 system).  The
 * whole text must match.  *has_time tells whether the format had a time. */
bool imap_parse_with(const char *format, const char *text, od_minute *out, bool *has_time);

/* Tries the map's formats in order. */
bool imap_parse_time(const import_map *m, const char *text, od_minute *out, bool *has_time);

/* The formats as "a, b, c" for messages, into out. */
void imap_formats_text(const import_map *m, char *out, size_t size);

#endif
