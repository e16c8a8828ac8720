/* fonts: font families, faces, metrics, coverage and subsetting.
 *
 * A fontset is read from a map file (fonts/fonts.conf) that names families
 * (song, hei, kai, fangsong, ...) and, for each, an ordered fallback chain of
 * faces (file + face index inside a .ttc).  Faces are opened with HarfBuzz
 * (memory-mapped) only when first needed.  Layout asks which face covers a
 * code point and how wide it is; the PDF writer later asks for one subset
 * TrueType file per used face, small enough to embed, and for the code point
 * to hand libharu for each character.
 *
 * Why subsets: libharu 2.3.0 keeps every glyph slot of an embedded font
 * (~400 KB per CJK face) and mis-reads composite glyph ids above 32767.  A
 * HarfBuzz subset renumbers glyphs from 0 and is a plain TTF, which
 * HPDF_LoadTTFontFromFile takes.  libharu's UTF-8 encoder only handles the
 * BMP, so characters above U+FFFF are given private-use code points
 * (U+E000..) in the subset's cmap; fontset_pdf_codepoint says which.
 *
 * Ownership: the fontset owns its faces, blobs and temporary files;
 * fontset_free closes and deletes them.  Not thread-safe. */
#ifndef OR_FONTS_H
#define OR_FONTS_H

#include "diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fontset fontset;

/* Reads the map file.  Relative font paths in it are resolved against the
 * map file's directory, then tried as absolute system paths.  Errors
 * (unreadable map, unknown syntax, a face file that does not exist or is not
 * a TrueType font) are reported with file:line; status OR_EINPUT. */
or_status fontset_open(fontset **out, const char *map_path, diag *d);
void fontset_free(fontset *fs);   /* NULL is a no-op */

/* Family id for a name ("song", "hei", "kai", "fangsong", or an alias the
 * map defines such as "宋体"); -1 when unknown. */
int fontset_family(const fontset *fs, const char *name);
const char *fontset_family_name(const fontset *fs, int family);

/* The face that draws cp for this family: the first face of the family's
 * chain whose cmap covers cp.  -1 when no face in the chain covers it (the
 * caller then draws a visible replacement and warns).  May open a face file
 * on first use; a face that fails to open is reported once through d and
 * skipped. */
int fontset_resolve(fontset *fs, int family, uint32_t cp, diag *d);

/* Metrics of a face, in em units (1.0 = the font size). */
float fontset_advance(const fontset *fs, int face, uint32_t cp);
/* The horizontal extent of cp's ink in face, in em from the glyph origin
 * (*from <= *to); false when the face has no glyph or the glyph no ink.
 * Punctuation compression reads it: AR PL UMing draws ，。、 centred in the
 * em, GB fonts in the corner, and only the blank side may be taken. */
bool fontset_ink(const fontset *fs, int face, uint32_t cp, float *from, float *to);
float fontset_ascent(const fontset *fs, int face);    /* > 0 */
float fontset_descent(const fontset *fs, int face);   /* < 0 */
const char *fontset_face_label(const fontset *fs, int face); /* "file#index" */
size_t fontset_face_count(const fontset *fs);

/* Records that cp will be drawn with face (layout calls this for every
 * character it places).  Returns 0, -1 on allocation failure. */
int fontset_mark_used(fontset *fs, int face, uint32_t cp);

/* Forgets every mark (the PDF writer starts each document from a clean
 * slate, so a subset holds only that document's characters and the output
 * does not depend on what the fontset rendered before). */
void fontset_clear_used(fontset *fs);
/* The smallest code point >= from marked for face; UINT32_MAX when none
 * (walk with cp = fontset_next_used(fs, face, cp + 1)). */
uint32_t fontset_next_used(const fontset *fs, int face, uint32_t from);

/* Writes one subset TrueType file per used face into a private temporary
 * directory, checks each (see ttf_check_components) and returns OR_OK, or
 * reports and fails.  Must be called after all marking and before the
 * accessors below. */
or_status fontset_build_subsets(fontset *fs, diag *d);
/* Path of the subset file of a face; NULL when the face was never used. */
const char *fontset_subset_path(const fontset *fs, int face);
/* The BMP code point libharu must be given for cp in this face's subset:
 * cp itself for BMP characters, a private-use code point for cp > U+FFFF. */
uint32_t fontset_pdf_codepoint(const fontset *fs, int face, uint32_t cp);
/* Bytes of font data written by fontset_build_subsets (for size reports). */
size_t fontset_subset_bytes(const fontset *fs);

/* Walks the glyf table of a TrueType font in memory and fails when a
 * composite glyph references a component glyph id above 32767: libharu
 * 2.3.0 reads those ids as signed 16-bit and embeds blank glyphs.  Returns
 * OR_OK, or OR_EINPUT with a message naming `label` and the glyph. */
or_status ttf_check_components(const uint8_t *data, size_t len, const char *label, diag *d);

#endif
