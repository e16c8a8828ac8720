/* money: exact decimal numbers and RMB amounts.
 *
 * Amounts and percentages arrive as decimal text ("208800.00", "99.953").
 * Binary floating point cannot hold 0.1 or 41760.05 exactly, so everything
 * here works on the decimal digits themselves: parse the text, round it
 * half-up digit by digit, count fen in a 64-bit integer.  The Chinese
 * capital form follows ../shared/spec/chinese-typesetting.md part C in the
 * project's house style (the optional 零 of rule 5 is always written).
 *
 * Nothing here allocates except through the caller's buf; no function
 * keeps a pointer to its arguments. */
#ifndef OR_MONEY_H
#define OR_MONEY_H

#include "buf.h"

#include <stdbool.h>
#include <stdint.h>

/* Digits a parsed decimal may hold (integer + fraction, after the exponent
 * is applied): plenty for money and percentages, small enough to live on
 * the stack. */
#define MONEY_DEC_DIGITS 64

/* Amounts from 10^12 yuan up are refused (rule C.1.9: no group above 亿). */
#define MONEY_CN_LIMIT_FEN ((int64_t)100000000000000)   /* 10^12 yuan in fen */

/* A decimal number: sign, integer digits (no leading zeros; nint == 0 for
 * a zero integer part), fraction digits (trailing zeros kept). */
typedef struct money_dec {
    bool neg;
    int nint, nfrac;
    char d[MONEY_DEC_DIGITS];   /* nint integer digits, then nfrac fraction digits */
} money_dec;

/* Parses "[ws][+|-]digits[.digits][(e|E)[+|-]digits][ws]" (either side of
 * the point may be empty, not both).  Returns false for anything else,
 * including NaN/Infinity, and for numbers with more than MONEY_DEC_DIGITS
 * digits.  "-0" parses as zero without the sign. */
bool money_parse(const char *s, money_dec *out);

/* Rounds half-up (ties away from zero, 四舍五入) to `decimals` (0..30)
 * fraction digits, padding with zeros when there are fewer.  Returns false
 * only when the result would not fit MONEY_DEC_DIGITS.  A result that
 * rounds to zero loses its sign. */
bool money_round(const money_dec *in, int decimals, money_dec *out);

/* Appends the number as written: "-12.50" ("0" for a zero integer part);
 * with `group`, the integer digits are grouped by three with ','. */
void money_format(const money_dec *x, bool group, buf *out);

/* Converts to fen.  Returns false when the number has a non-zero digit
 * after the second decimal place (money is never rounded silently) or when
 * it does not fit in 15 integer digits. */
bool money_to_fen(const money_dec *x, int64_t *fen);

/* "¥208,800.00" (negative: "-¥1,000.00"). */
void money_fen_figures(int64_t fen, buf *out);

/* 0 <= fen < MONEY_CN_LIMIT_FEN, else returns false and appends nothing:
 * "贰拾万零捌仟捌佰元整", "叁角整", "伍分", "零元整". */
bool money_fen_capitals(int64_t fen, buf *out);

/* Chinese numerals for counting and headings, 0 <= n < 10^12:
 * 0 零, 10 十, 11 十一, 20 二十, 105 一百零五, 110 一百一十, 100000 十万.
 * Returns false (nothing appended) outside the range. */
bool money_number_cn(int64_t n, buf *out);

#endif
