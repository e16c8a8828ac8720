/* textbreak: line breaking and justification of one paragraph of Chinese
 * (mixed with Latin) text, per spec part B (chinese-typesetting.md).
 *
 * Pure computation: no fonts, no I/O.  The caller measures every character
 * with its font and passes advances; tb_break returns lines made of
 * positioned pieces that the caller draws one text operation each.
 *
 * Rules applied (GB法 strictness of B.1 plus the [practice] extensions of
 * B.2/B.3):
 *   - breaks between CJK characters; Latin words and numbers only at spaces;
 *     URLs also after / . - _ ? & = ; a word wider than the line (an id)
 *     after / . - _ ? & = before anywhere else; an unbreakable run wider
 *     than the line is broken between characters as a last resort;
 *   - 禁则: tb_no_line_start marks never begin a line, tb_no_line_end marks
 *     never end one, —— and …… are never split, a number keeps a following
 *     unit (% ‰ ℃ ㎡, or "25 kg" across one space); violations are resolved
 *     "push in first" (compress the line's punctuation), then "push out"
 *     (carry characters down);
 *   - punctuation compression (compress_punct): adjacent full-width marks
 *     2 em -> 1.5 em, a closing mark at line end takes 1/2 em, an isolated
 *     mid-line mark gives at most 1/4 em to push a line in; the glyph moves
 *     off the compressed side when its ink (tb_char.ink_l/ink_r) would
 *     otherwise touch the next character;
 *   - numbers stay whole: 2026年2月8日, 47周, 08:41—10:48, −0.5, 第3;
 *   - CJK-Latin gap, justification (gaps and spaces first up to half their
 *     room, then spread evenly over every gap — CJK pairs, gaps, spaces —
 *     with no CJK-Latin gap above 1/2 em), the 孤字 rule for the last line
 *     (a last line of one character, punctuation aside), forced breaks ('\n').
 *
 * Ownership: a tb_result owns its two arrays; free with tb_result_free.  It
 * may be reused across calls to tb_break to avoid reallocation. */
#ifndef OR_TEXTBREAK_H
#define OR_TEXTBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tb_char {
    uint32_t cp;       /* Unicode scalar; '\n' = forced line break (from <br/>) */
    float advance;     /* natural advance, pt (caller measured it with the font) */
    float size;        /* font size of this char, pt (1 em, for em-based adjustments) */
    uint16_t style;    /* caller's style id (font, size, colour...); pieces never mix styles */
    float ink_l, ink_r; /* blank beside the glyph's ink, left and right, pt (from the font);
                           both 0: unknown.  A compressed mark whose ink is centred (AR PL
                           UMing's 、。) is moved so that its ink keeps clear of its
                           neighbours; a mark drawn in the corner is not moved. */
} tb_char;

typedef enum { TB_JUSTIFY, TB_LEFT, TB_CENTER, TB_RIGHT } tb_align;

typedef struct tb_params {
    float width;          /* available line width, pt */
    float first_indent;   /* first line indent, pt (2 em for body paragraphs) */
    float rest_indent;    /* indent of later lines, pt (hanging indent for list items);
                             lines after a '\n' are later lines too */
    tb_align align;       /* TB_JUSTIFY: all lines but the last (and lines ended by '\n') flush both edges */
    float cjk_latin_gap;  /* gap between Han and Latin/digits, in em of the CJK char: 0.25 default */
    bool compress_punct;  /* adjacent full-width punctuation pairs 2em→1.5em; full-width punct at line end ½em */
    float cjk_tracking;   /* extra pt after each CJK char (grid typesetting, may be negative, e.g. -0.21).
                             It is part of the char's cell everywhere, also after the
                             last char of a line, so that N grid cells of pitch
                             (advance + tracking) fit a line exactly N cells wide. */
} tb_params;

typedef struct tb_piece {  /* a positioned run of chars drawn with one text operation */
    size_t first, count;  /* range in the input char array (excluded chars such as line-end spaces are not in any piece) */
    float x;              /* offset of the first glyph's origin from the paragraph box's left edge, pt */
    float spacing;        /* extra space after every glyph of the run (PDF Tc), pt */
    uint16_t style;
} tb_piece;

typedef struct tb_line {
    size_t first_piece, npieces;
    size_t first_char, end_char;  /* chars [first_char, end_char) belong to this line (incl. dropped spaces
                                     and the '\n' that ended it) */
    float width;          /* x of the right edge of the last glyph (ink extent incl. indent); a
                             closing mark at line end counts 1/2 em, a CJK char includes
                             cjk_tracking; 0 for a line without glyphs */
    float max_size;       /* largest font size on the line, for line height (a line
                             without glyphs: largest size among its chars, e.g. the '\n') */
} tb_line;

typedef struct tb_result {
    tb_piece *pieces; size_t npieces, pieces_cap;
    tb_line *lines; size_t nlines, lines_cap;
} tb_result;

/* Fills p: width, no indents, TB_JUSTIFY, gap 0.25 em, compress_punct on,
 * no tracking. */
void tb_params_default(tb_params *p, float width);

/* Breaks chars[0..n) (one paragraph) into lines.  Returns 0, or -1 on
 * allocation failure or NULL p/out (the result is then freed and empty).
 * out must be zero-initialised or previously used (it is reset; its arrays
 * are reused).  Empty input, or input of nothing but spaces, gives zero
 * lines; a trailing '\n' does not open an empty last line.  chars is only
 * read, and may be NULL when n == 0. */
int tb_break(const tb_char *chars, size_t n, const tb_params *p, tb_result *out);

/* The width of the widest run of chars[0..n) that tb_break never breaks
 * at its ordinary break opportunities: a word, a number with its unit, a
 * date written with units (kept whole here, though tb_break may split it
 * in a cell too narrow for it), an id (its / . - _ ? breaks are a last
 * resort).  With p's gap and compression settings; 0 for empty input. */
float tb_min_width(const tb_char *chars, size_t n, const tb_params *p);

/* Frees both arrays and zeroes *r.  NULL is a no-op. */
void tb_result_free(tb_result *r);

/* Character classes, exported for tests and for the caller: */
/* Han ideographs (all planes incl. Ext B..), kana, hangul, CJK symbols that take a full cell
 * (CJK and full-width punctuation included; half-width katakana excluded). */
bool tb_is_cjk(uint32_t cp);
/* 禁则: may not start a line (B.2, GB法 + [practice] list).  U+2014 is listed
 * as the single 一字线; tb_break lets a 破折号 "——" start a line (GB法). */
bool tb_no_line_start(uint32_t cp);
/* May not end a line (B.3, incl. [practice] list).  Inside a URL tb_break
 * still breaks after '/'. */
bool tb_no_line_end(uint32_t cp);

#endif
