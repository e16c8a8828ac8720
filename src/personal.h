/* personal: finding and masking personal numbers in text (contract §九:
 * personal data is 非常敏感).
 *
 * Three kinds count:
 *   - 18-digit resident ID (GB 11643): a birth date 1900–2099 at digits
 *     7–14 and a valid check character (0–9 or X/x); masked 110***********002X
 *   - 15-digit old resident ID: a valid 19YYMMDD birth date at digits 7–12,
 *     first digit 1–8 (the province codes); masked 110********0012
 *   - 11-digit mainland mobile number 1[3-9]x xxxx xxxx; masked 138****5678
 * 18 digits with a wrong check character are not an ID (order and ticket
 * numbers often have 18 digits).
 *
 * Before matching, text is read the way a person reads it: full-width and
 * other compatibility digits (０–９, ①…, superscripts, mathematical and
 * Arabic-Indic digits) and Ｘ/ｘ count as ASCII; format characters (U+00AD,
 * U+200B–U+200F, U+202A–U+202E, U+2060–U+206F, U+FEFF, U+180E, U+034F,
 * variation selectors) are invisible and ignored; up to 3 separators
 * (spaces of every width, NBSP, ideographic space, - and the Unicode
 * dashes, ．, ·, line breaks) may stand between digit groups.  A number
 * must start and end at a group boundary: a digit directly before or after
 * it means a longer number, which is not one of these.
 *
 * Masking replaces the whole written span (separators and format
 * characters included) by the masked ASCII form; it never makes text
 * longer, so it is done in place. */
#ifndef OR_PERSONAL_H
#define OR_PERSONAL_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) holds a personal number. */
bool personal_find(const char *s, size_t len);
/* Masks every personal number of s[0..len) in place and returns the new
 * length (s is not NUL-terminated anew; callers that need it do so).
 * *count, when not NULL, gets the number of numbers masked. */
size_t personal_mask(char *s, size_t len, size_t *count);
/* Masks every text and attribute value under n (n and its following
 * siblings when siblings is true).  Returns the number of numbers masked,
 * or -1 when out of memory. */
long personal_mask_tree(xmlNodePtr n, bool siblings);
/* personal_mask_tree for a template's output tree n: the same, except that
 * an attribute holding only a list of plain numbers (a chart's series) is
 * left alone.  Such a list is computed, not record text (records are masked
 * before a template reads them), and single digits joined by spaces would
 * otherwise spell an 18-digit ID now and then (generated seed 102: a
 * chart's counts became 001***********0010). */
long personal_mask_output(xmlNodePtr n);
/* True when s is a list of plain numbers: ASCII digits, '.', '-' and
 * spaces, at least two numbers. */
bool personal_number_list(const char *s);

#endif
