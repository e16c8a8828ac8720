/* Unit tests for textbreak.  Hand-worked metrics: every CJK char (and the
 * full-width punctuation) advances 10 pt at size 10, Latin chars 5 pt, the
 * space 2.5 pt; width 95 holds 9 CJK chars with 5 pt to spare. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "textbreak.h"
#include "utf8.h"

#include <math.h>
#include <string.h>
#include <stdio.h>

#define MAXC 256

typedef struct fx {
    tb_char c[MAXC];
    size_t n;
    tb_params p;
    tb_result r;
} fx;

/* Curly quotes, dashes and the ellipsis come from the CJK font: full width. */
static bool wide_cp(uint32_t cp)
{
    return tb_is_cjk(cp) || cp == 0x2103 || cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019 ||
           cp == 0x2014 || cp == 0x2026 || cp == 0x00B7;
}

/* Fills f->c from UTF-8: style 0 for CJK, 1 for Latin (as if two fonts). */
static void load(fx *f, const char *s)
{
    size_t len = strlen(s), pos = 0;
    f->n = 0;
    while (pos < len) {
        uint32_t cp = utf8_next(s, len, &pos, NULL);
        assert_true(f->n < MAXC);
        tb_char *ch = &f->c[f->n++];
        ch->cp = cp;
        ch->size = 10;
        ch->style = wide_cp(cp) ? 0 : 1;
        ch->advance = wide_cp(cp) ? 10 : cp == ' ' ? 2.5f : 5;
    }
}

/* Every glyph in exactly one piece, pieces in order and inside their line,
 * lines contiguous over the input, only spaces and '\n' left out. */
static void check_consistent(const fx *f)
{
    const tb_result *r = &f->r;
    int seen[MAXC] = {0};
    size_t next_piece = 0, prev_end = 0;
    if (r->nlines)
        assert_int_equal(r->lines[0].first_char, 0);
    for (size_t li = 0; li < r->nlines; li++) {
        const tb_line *l = &r->lines[li];
        assert_int_equal(l->first_char, prev_end);
        assert_true(l->end_char > l->first_char);
        prev_end = l->end_char;
        assert_int_equal(l->first_piece, next_piece);
        next_piece += l->npieces;
        for (size_t pi = l->first_piece; pi < l->first_piece + l->npieces; pi++) {
            const tb_piece *pc = &r->pieces[pi];
            assert_true(pc->count > 0);
            assert_true(pc->first >= l->first_char);
            assert_true(pc->first + pc->count <= l->end_char);
            if (pi > l->first_piece) {
                const tb_piece *pp = &r->pieces[pi - 1];
                assert_true(pc->first >= pp->first + pp->count);
                assert_true(pc->x >= pp->x);
            }
            for (size_t k = pc->first; k < pc->first + pc->count; k++) {
                seen[k]++;
                assert_int_equal(f->c[k].style, pc->style);
            }
        }
    }
    assert_int_equal(next_piece, r->npieces);
    if (r->nlines)
        assert_int_equal(prev_end, f->n);
    for (size_t k = 0; k < f->n; k++) {
        if (f->c[k].cp == ' ' || f->c[k].cp == '\n')
            assert_true(seen[k] <= 1);
        else
            assert_int_equal(seen[k], 1);
    }
}

static void run(fx *f, const char *s)
{
    load(f, s);
    assert_int_equal(tb_break(f->c, f->n, &f->p, &f->r), 0);
    check_consistent(f);
}

static int setup(void **state)
{
    static fx f;
    memset(&f, 0, sizeof f);
    tb_params_default(&f.p, 95);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    tb_result_free(&f->r);
    return 0;
}

/* UTF-8 of the glyphs the line draws (its pieces), for comparisons. */
static const char *line_text(const fx *f, size_t li)
{
    static char buf[1024];
    size_t o = 0;
    const tb_line *l = &f->r.lines[li];
    for (size_t pi = l->first_piece; pi < l->first_piece + l->npieces; pi++) {
        const tb_piece *pc = &f->r.pieces[pi];
        for (size_t k = pc->first; k < pc->first + pc->count; k++) {
            char e[4];
            size_t m = utf8_encode(f->c[k].cp, e);
            memcpy(buf + o, e, m);
            o += m;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* Origin of glyph k as the caller draws it: piece x plus (advance + Tc) of
 * the glyphs before it in its piece.  -1000 when k is in no piece. */
static float glyph_x(const fx *f, size_t k)
{
    for (size_t pi = 0; pi < f->r.npieces; pi++) {
        const tb_piece *pc = &f->r.pieces[pi];
        if (k < pc->first || k >= pc->first + pc->count)
            continue;
        float x = pc->x;
        for (size_t i = pc->first; i < k; i++)
            x += f->c[i].advance + pc->spacing;
        return x;
    }
    return -1000;
}

/* Right edge of the line's last glyph as drawn (ignoring line-end trim). */
static float last_right(const fx *f, size_t li)
{
    const tb_line *l = &f->r.lines[li];
    const tb_piece *pc = &f->r.pieces[l->first_piece + l->npieces - 1];
    size_t k = pc->first + pc->count - 1;
    return glyph_x(f, k) + f->c[k].advance;
}

#define assert_float(a, b) assert_true(fabs((double)(a) - (double)(b)) < 0.01)

/* ---------------------------------------------------------------------- */

static void test_classes(void **state)
{
    (void)state;
    assert_true(tb_is_cjk(0x4E00));
    assert_true(tb_is_cjk(0x9FA5));
    assert_true(tb_is_cjk(0x3400));       /* Ext A */
    assert_true(tb_is_cjk(0x20BB7));      /* Ext B 𠮷 */
    assert_true(tb_is_cjk(0x3042));       /* kana */
    assert_true(tb_is_cjk(0xAC00));       /* hangul */
    assert_true(tb_is_cjk(0x3002));
    assert_true(tb_is_cjk(0xFF0C));
    assert_false(tb_is_cjk('A'));
    assert_false(tb_is_cjk(0xFF76));      /* half-width katakana */
    assert_false(tb_is_cjk(0x00E9));
    assert_true(tb_no_line_start(0xFF0C));
    assert_true(tb_no_line_start(0x3002));
    assert_true(tb_no_line_start(0x201D));
    assert_true(tb_no_line_start(0x300B));
    assert_true(tb_no_line_start('%'));
    assert_true(tb_no_line_start(0x2103));
    assert_false(tb_no_line_start(0x4E00));
    assert_false(tb_no_line_start(0x201C));
    assert_true(tb_no_line_start(0x2026));  /* 省略号 trails what it follows (issue 8) */
    assert_true(tb_no_line_end(0x201C));
    assert_true(tb_no_line_end(0xFF08));
    assert_true(tb_no_line_end(0x300A));
    assert_true(tb_no_line_end(0x00A5));
    assert_true(tb_no_line_end('/'));
    assert_false(tb_no_line_end(0x3002));
}

static void test_empty(void **state)
{
    fx *f = *state;
    run(f, "");
    assert_int_equal(f->r.nlines, 0);
    assert_int_equal(f->r.npieces, 0);
    run(f, "   ");
    assert_int_equal(f->r.nlines, 0);
    assert_int_equal(tb_break(NULL, 0, &f->p, &f->r), 0);
    assert_int_equal(f->r.nlines, 0);
}

/* 20 chars: 9 + 9 + 2.  Line 0 spreads 5 pt over 8 gaps (0.625 each). */
static void test_basic_justify(void **state)
{
    fx *f = *state;
    run(f, "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸");
    assert_int_equal(f->r.nlines, 3);
    assert_string_equal(line_text(f, 0), "一二三四五六七八九");
    assert_string_equal(line_text(f, 1), "十甲乙丙丁戊己庚辛");
    assert_string_equal(line_text(f, 2), "壬癸");
    /* One piece per justified line: uniform 均排 spacing. */
    assert_int_equal(f->r.lines[0].npieces, 1);
    assert_float(f->r.pieces[0].spacing, 0.625);
    assert_float(glyph_x(f, 8), 8 * 10.625);
    assert_float(last_right(f, 0), 95);
    assert_float(f->r.lines[0].width, 95);
    assert_float(last_right(f, 1), 95);
    /* Last line: natural, flush left. */
    assert_float(glyph_x(f, 18), 0);
    assert_float(glyph_x(f, 19), 10);
    assert_float(f->r.lines[2].width, 20);
    assert_float(f->r.lines[2].max_size, 10);
}

/* B.5 push in: "，" would start line 1; at line end it takes 5 pt, so
 * 9 × 10 + 5 = 95 fits and it stays on line 0. */
static void test_pushin_line_end(void **state)
{
    fx *f = *state;
    run(f, "一二三四五六七八九，十甲");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "一二三四五六七八九，");
    assert_string_equal(line_text(f, 1), "十甲");
    assert_float(f->r.lines[0].width, 95);
    assert_float(glyph_x(f, 9), 90);
}

/* Without compression the comma needs 10 pt: 100 > 95, so 九 is carried
 * down with it (push out) and the 8 chars left spread 15 pt over 7 gaps. */
static void test_pushout_no_compress(void **state)
{
    fx *f = *state;
    f->p.compress_punct = false;
    run(f, "一二三四五六七八九，十甲");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "一二三四五六七八");
    assert_string_equal(line_text(f, 1), "九，十甲");
    assert_float(f->r.pieces[0].spacing, 15.0 / 7);
    assert_float(last_right(f, 0), 95);
}

/* "。”" after 9 chars: 。 loses its right half to the pair (5) and ” its
 * right half at line end (5): 100 > 95, and nothing else on the line can
 * be compressed, so 九 goes down with them. */
static void test_pushout_pair(void **state)
{
    fx *f = *state;
    run(f, "一二三四五六七八九。”十");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "一二三四五六七八");
    assert_string_equal(line_text(f, 1), "九。”十");
    assert_float(last_right(f, 0), 95);
    /* Last line: 九 0, 。 10, ” 15 (pair: 1.5 em), 十 25. */
    assert_float(glyph_x(f, 8), 0);
    assert_float(glyph_x(f, 9), 10);
    assert_float(glyph_x(f, 10), 15);
    assert_float(glyph_x(f, 11), 25);
    assert_float(f->r.lines[1].width, 35);
}

/* Same, but mid-line marks can push the line in.  An isolated "，" gives at
 * most ¼ em (2.5 pt): one is not enough (100 - 2.5 > 95), so 九 goes down
 * with 。” as above ... */
static void test_pushin_midline(void **state)
{
    fx *f = *state;
    run(f, "一，三四五六七八九。”十甲");
    assert_string_equal(line_text(f, 0), "一，三四五六七八");
    /* ... two give 5: 一 0, ， 10, 三 17.5, ， 27.5, 五 35, ... 九 75, 。 85,
     * ” 90, edge 95. */
    run(f, "一，三，五六七八九。”十甲");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "一，三，五六七八九。”");
    assert_string_equal(line_text(f, 1), "十甲");
    assert_float(glyph_x(f, 1), 10);
    assert_float(glyph_x(f, 2), 17.5);
    assert_float(glyph_x(f, 3), 27.5);
    assert_float(glyph_x(f, 4), 35);
    assert_float(glyph_x(f, 8), 75);
    assert_float(glyph_x(f, 9), 85);
    assert_float(glyph_x(f, 10), 90);
    assert_float(f->r.lines[0].width, 95);
    /* The compressed comma ends a piece: the next glyph starts a new one. */
    assert_int_equal(f->r.pieces[1].first, 2);
}

/* Opening quote may not end a line; 八 may not start one after “, so the
 * break cascades back before “ (compression off so nothing is pushed in). */
static void test_cascade_open_quote(void **state)
{
    fx *f = *state;
    f->p.compress_punct = false;
    run(f, "一二三四五六七“八”");
    assert_int_equal(f->r.nlines, 2);
    /* "“八”" would be a 孤字 line (one character, punctuation aside): 七
     * comes down too */
    assert_string_equal(line_text(f, 0), "一二三四五六");
    assert_string_equal(line_text(f, 1), "七“八”");
    assert_float(last_right(f, 0), 95);
}

/* 《 would be the 9th char and end line 0: it goes down with 九. */
static void test_open_bracket_not_at_end(void **state)
{
    fx *f = *state;
    run(f, "一二三四五六七八《九十》");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "一二三四五六七八");
    assert_string_equal(line_text(f, 1), "《九十》");
    /* Line-end 》 counts half: 40 - 5. */
    assert_float(f->r.lines[1].width, 35);
}

/* —— is one mark: never split; it may start a line (GB法). */
static void test_dash_pair(void **state)
{
    fx *f = *state;
    run(f, "一二三四五六七八——九十");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "一二三四五六七八");
    assert_string_equal(line_text(f, 1), "——九十");
    /* "……" may not start a line (issue 8): 八 comes down with it */
    run(f, "一二三四五六七八……九十");
    assert_string_equal(line_text(f, 1), "八……九十");
}

/* 70 + gap 2.5 + 50 > 95: the date moves down whole. */
static void test_date_whole(void **state)
{
    fx *f = *state;
    run(f, "一二三四五六七2026-06-09");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "一二三四五六七");
    assert_string_equal(line_text(f, 1), "2026-06-09");
    run(f, "一二三四五六七八99.95%");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 1), "99.95%");
    /* 9 chars + gap + "10" = 102.5: break before the number; % stays. */
    run(f, "一二三四五六七八九10%");
    assert_string_equal(line_text(f, 0), "一二三四五六七八九");
    assert_string_equal(line_text(f, 1), "10%");
    /* ℃ keeps its number: 92.5 + 10 > 95 moves "30℃" down whole. */
    run(f, "一二三四五六七八30℃");
    assert_string_equal(line_text(f, 0), "一二三四五六七八");
    assert_string_equal(line_text(f, 1), "30℃");
    /* A preceding ￥ does not end a line: 90 + 5 fits, the second 0 not. */
    run(f, "一二三四五六七八￥100");
    assert_string_equal(line_text(f, 0), "一二三四五六七八");
    assert_string_equal(line_text(f, 1), "￥100");
}

/* "25 kg": the space is not a break (B.4 unit); 80 + 2.5 + 10 = 92.5 would
 * fit but "25 kg" needs 105, so the number goes down with its unit. */
static void test_number_unit(void **state)
{
    fx *f = *state;
    run(f, "一二三四五六七八25 kg");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "一二三四五六七八");
    assert_string_equal(line_text(f, 1), "25 kg");
    /* A plain word after a number does break at the space. */
    run(f, "一二三四五六七八25 ab");
    assert_string_equal(line_text(f, 0), "一二三四五六七八25");
}

/* "https://" 40 + "abcdefgh/" 45 = 85; the next segment would need 130.
 * Line 0 has nothing but letters: letter-spaced to 95 (10 pt / 16 gaps). */
static void test_url(void **state)
{
    fx *f = *state;
    run(f, "https://abcdefgh/ijklmnop/qrstu");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "https://abcdefgh/");
    assert_string_equal(line_text(f, 1), "ijklmnop/qrstu");
    assert_float(f->r.pieces[0].spacing, 10.0 / 16);
    assert_float(last_right(f, 0), 95);
    /* Not a URL: a slash does not end a line (分隔号) while the line has
     * another break; a word too wide for the line (an id, a path) breaks
     * after its punctuation before it is cut anywhere. */
    run(f, "abcdefgh/abcdefgh/abcdefgh");
    assert_true(f->r.nlines >= 2);
    assert_string_equal(line_text(f, 0), "abcdefgh/abcdefgh/");
    run(f, "这是 abcdefghijkl/abcdefgh");
    assert_string_equal(line_text(f, 0), "这是");
    run(f, "S-web-2026-W47_inspection.2");
    assert_string_equal(line_text(f, 0), "S-web-2026-W47_");
    assert_string_equal(line_text(f, 1), "inspection.2");
    /* A decimal point is no break: 12345678901234567.5 is cut as before. */
    run(f, "12345678901234567.5678");
    assert_string_equal(line_text(f, 0), "12345678901234567.5");
    /* www. counts as a URL too. */
    run(f, "www.abcdefghijk.example.cn");
    assert_string_equal(line_text(f, 0), "www.abcdefghijk.");
}

/* The widest run tb_break keeps whole: a date with units, an id, a word. */
static void test_min_width(void **state)
{
    fx *f = *state;
    load(f, "故障处理");
    assert_float(tb_min_width(f->c, f->n, &f->p), 10);
    /* 2026年7月3日 10:18: the date is whole (4×5+10+5+10+5+10 = 60 and five
     * CJK-Latin gaps of 2.5), the time is a word of its own after the space. */
    load(f, "2026年7月3日 10:18");
    assert_float(tb_min_width(f->c, f->n, &f->p), 72.5);
    load(f, "编号 S-web-2026-W47 已处理");
    assert_float(tb_min_width(f->c, f->n, &f->p), 14 * 5);
    load(f, "abcd\nefg");
    assert_float(tb_min_width(f->c, f->n, &f->p), 20);
    assert_float(tb_min_width(f->c, 0, &f->p), 0);
}

/* 26 × 5 = 130: last resort, 19 chars (95) then 7. */
static void test_overlong_word(void **state)
{
    fx *f = *state;
    run(f, "abcdefghijklmnopqrstuvwxyz");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 0), "abcdefghijklmnopqrs");
    assert_string_equal(line_text(f, 1), "tuvwxyz");
    assert_float(f->r.lines[0].width, 95);
    /* Words before it go to their own line first. */
    run(f, "ab abcdefghijklmnopqrstuvwxyz");
    assert_string_equal(line_text(f, 0), "ab");
    assert_string_equal(line_text(f, 1), "abcdefghijklmnopqrs");
}

/* ¼ em = 2.5 pt between 汉 and A, also when the source has a space. */
static void test_cjk_latin_gap(void **state)
{
    fx *f = *state;
    f->p.align = TB_LEFT;
    run(f, "汉A字");
    assert_float(glyph_x(f, 1), 12.5);
    assert_float(glyph_x(f, 2), 20);
    assert_int_equal(f->r.npieces, 3);
    run(f, "汉 A 字");
    assert_float(glyph_x(f, 2), 12.5);
    assert_float(glyph_x(f, 4), 20);
    assert_float(glyph_x(f, 1), -1000);  /* spaces dropped */
    assert_float(glyph_x(f, 3), -1000);
    assert_float(f->r.lines[0].width, 30);
    /* No gap next to CJK punctuation. */
    run(f, "汉，A");
    assert_float(glyph_x(f, 2), 20);
    /* Digits too; none at line start. */
    run(f, "2026年");
    assert_float(glyph_x(f, 0), 0);
    assert_float(glyph_x(f, 4), 22.5);
}

/* Justification widens CJK-Latin gaps first, by half their room, then
 * spreads the rest over every gap. */
static void test_justify_gap_first(void **state)
{
    fx *f = *state;
    /* 一二三四五六七 70 + 2.5 + A 5 + 2.5 + 八 10 = 90; the next 九 does not
     * fit.  Slack 5: both gaps 2.5 → 3.75 (half their room of 2.5), then the
     * 2.5 left over 8 gaps (6 CJK pairs, 2 CJK-Latin) = 0.3125 each: 七 at
     * 6 × 10.3125 = 61.875, A at 61.875 + 10 + 4.0625 = 75.9375, 八 85. */
    run(f, "一二三四五六七A八九十");
    assert_string_equal(line_text(f, 0), "一二三四五六七A八");
    assert_float(glyph_x(f, 6), 61.875);
    assert_float(glyph_x(f, 7), 75.9375);
    assert_float(glyph_x(f, 8), 85);
    assert_float(f->r.pieces[0].spacing, 0.3125);
    assert_float(last_right(f, 0), 95);
    /* 一2026年6月19日 = 90 with six CJK-Latin gaps (room 15): the 5 pt of
     * slack go to them evenly, 2.5 + 5/6 each, none past ½ em. */
    run(f, "一2026年6月19日二三四五六七八九十");
    assert_string_equal(line_text(f, 0), "一2026年6月19日");
    assert_float(glyph_x(f, 1), 10 + 2.5f + 5.0f / 6);
    assert_float(glyph_x(f, 5), 30 + 2 * (2.5f + 5.0f / 6));
    assert_float(last_right(f, 0), 95);
}

/* Latin spaces stretch before 均排; collapse; are dropped at line end. */
static void test_latin_spaces(void **state)
{
    fx *f = *state;
    f->p.align = TB_LEFT;
    run(f, "ab  cd");
    assert_float(glyph_x(f, 4), 12.5);
    assert_float(glyph_x(f, 3), -1000);
    /* Line 0 "aaaa bbbb cccc dddd" = 80 + 7.5 = 87.5; "eeee" goes down,
     * the space before it is dropped. */
    run(f, "aaaa bbbb cccc dddd eeee");
    assert_string_equal(line_text(f, 0), "aaaa bbbb cccc dddd");
    assert_string_equal(line_text(f, 1), "eeee");
    assert_float(f->r.lines[0].width, 87.5);
    /* Justified: 7.5 pt over 3 spaces (within the +½ em cap of 5). */
    f->p.align = TB_JUSTIFY;
    run(f, "aaaa bbbb cccc dddd eeee");
    assert_float(glyph_x(f, 5), 25);
    assert_float(glyph_x(f, 15), 75);
    assert_float(last_right(f, 0), 95);
}

/* A compressed mark moves off the cut side when its ink is centred (AR PL
 * UMing's 。、: blank 3.75 pt each side at 10 pt); a corner mark does not.
 * "一。”二": the pair takes 5 pt from the right of 。; its ink would come
 * within 5 - 3.75 = 1.25 pt of ”, so it moves left by 1.25 + ½ pt margin
 * (0.05 em) = 1.75: drawn at 8.25 instead of 10. */
static void test_centred_mark_moves(void **state)
{
    fx *f = *state;
    f->p.align = TB_LEFT;
    load(f, "一。”二");
    f->c[1].ink_l = 3.75f;
    f->c[1].ink_r = 3.75f;
    assert_int_equal(tb_break(f->c, f->n, &f->p, &f->r), 0);
    assert_float(glyph_x(f, 1), 8.25f);
    assert_float(glyph_x(f, 2), 15);
    assert_float(glyph_x(f, 3), 25);
    /* corner style: blank 1 pt left, 6.5 right: nothing moves */
    load(f, "一。”二");
    f->c[1].ink_l = 1;
    f->c[1].ink_r = 6.5f;
    assert_int_equal(tb_break(f->c, f->n, &f->p, &f->r), 0);
    assert_float(glyph_x(f, 1), 10);
    /* at line end a centred 。 hangs half an em: it moves left so that its
     * ink stays inside the measure (5 - 3.75 + 0.5 = 1.75) */
    load(f, "一二三四五六七八九。十甲");
    f->c[9].ink_l = f->c[9].ink_r = 3.75f;
    f->p.align = TB_JUSTIFY;
    assert_int_equal(tb_break(f->c, f->n, &f->p, &f->r), 0);
    assert_string_equal(line_text(f, 0), "一二三四五六七八九。");
    assert_float(glyph_x(f, 9), 90 - 1.75f);
}

/* Numbers stay whole (issue 8): a date written with units, a time range
 * around its dash; an ellipsis never starts a line; a last line of one
 * character and its full stop is a 孤字 too. */
static void test_numbers_whole(void **state)
{
    fx *f = *state;
    /* 一…七 70 + 2.5 + 2026 20 = 92.5: 年 (95 + 10) does not fit, and the
     * date goes down whole rather than leave "2026" behind. */
    run(f, "一二三四五六七2026年2月8日");
    assert_string_equal(line_text(f, 0), "一二三四五六七");
    assert_string_equal(line_text(f, 1), "2026年2月8日");
    /* ... but a line left more than 2.5 em short breaks inside the date,
     * after a unit: 一二三四 40 + 2026年2月 would leave 55 pt otherwise. */
    run(f, "一二三四2026年2月8日五六");
    assert_string_equal(line_text(f, 0), "一二三四2026年2月");
    assert_string_equal(line_text(f, 1), "8日五六");
    /* 一…五 50 + 2.5 + 08:41 25 + — 10 = 87.5: 10:48 does not fit after the
     * dash, so the whole range goes down. */
    run(f, "一二三四五08:41—10:48");
    assert_string_equal(line_text(f, 0), "一二三四五");
    assert_string_equal(line_text(f, 1), "08:41—10:48");
    /* "……" may not start line 1: 九 goes down with it. */
    run(f, "一二三四五六七八九……十");
    assert_string_equal(line_text(f, 0), "一二三四五六七八");
    assert_string_equal(line_text(f, 1), "九……十");
    /* 19 ideographs and 。: the last line would be "壬。"; 辛 comes down. */
    run(f, "一二三四五六七八九十甲乙丙丁戊己庚辛壬。");
    assert_int_equal(f->r.nlines, 3);
    assert_string_equal(line_text(f, 2), "辛壬。");
}

/* 19 chars would leave 1 on line 2: 孤字 pulls 辛 down, line 1 re-spreads
 * 8 chars: 15 pt over 7 gaps. */
static void test_orphan(void **state)
{
    fx *f = *state;
    run(f, "一二三四五六七八九十甲乙丙丁戊己庚辛壬");
    assert_int_equal(f->r.nlines, 3);
    assert_string_equal(line_text(f, 0), "一二三四五六七八九");
    assert_string_equal(line_text(f, 1), "十甲乙丙丁戊己庚");
    assert_string_equal(line_text(f, 2), "辛壬");
    assert_float(last_right(f, 1), 95);
    assert_float(f->r.pieces[1].spacing, 15.0 / 7);
    /* "……" cannot start line 1 and "九……" is one character: 八 and 九 come
     * down. */
    run(f, "一二三四五六七八九……");
    assert_int_equal(f->r.nlines, 2);
    assert_string_equal(line_text(f, 1), "八九……");
}

static void test_forced_break(void **state)
{
    fx *f = *state;
    f->p.rest_indent = 10;
    run(f, "一二\n三四五六七八九十甲乙丙\n");
    assert_int_equal(f->r.nlines, 3);
    assert_int_equal(f->r.lines[0].end_char, 3);
    assert_string_equal(line_text(f, 0), "一二");
    /* Not justified: ended by '\n'. */
    assert_float(f->r.lines[0].width, 20);
    assert_float(glyph_x(f, 1), 10);
    /* Later lines use rest_indent: 85 pt = 8 chars. */
    assert_string_equal(line_text(f, 1), "三四五六七八九十");
    assert_float(glyph_x(f, 3), 10);
    assert_float(last_right(f, 1), 95);
    assert_string_equal(line_text(f, 2), "甲乙丙");
    assert_float(f->r.lines[2].width, 40);
    /* Empty line from "\n\n" has no pieces but a height. */
    run(f, "一\n\n二");
    assert_int_equal(f->r.nlines, 3);
    assert_int_equal(f->r.lines[1].npieces, 0);
    assert_float(f->r.lines[1].max_size, 10);
}

/* 2 em first-line indent: 20 + 7 × 10 = 90, 8 would be 100. */
static void test_indent(void **state)
{
    fx *f = *state;
    f->p.first_indent = 20;
    run(f, "一二三四五六七八九十甲乙");
    assert_string_equal(line_text(f, 0), "一二三四五六七");
    assert_float(glyph_x(f, 0), 20);
    assert_float(last_right(f, 0), 95);
    assert_string_equal(line_text(f, 1), "八九十甲乙");
    assert_float(glyph_x(f, 7), 0);
}

static void test_center_right(void **state)
{
    fx *f = *state;
    f->p.align = TB_CENTER;
    run(f, "一二三");
    assert_float(glyph_x(f, 0), 32.5);
    assert_float(f->r.lines[0].width, 62.5);
    f->p.align = TB_RIGHT;
    run(f, "一二三");
    assert_float(glyph_x(f, 0), 65);
    assert_float(f->r.lines[0].width, 95);
    /* Wrapped centred lines are not justified either (孤字 applies: 八 goes
     * down with 十, leaving 80 pt and 20 pt lines). */
    f->p.align = TB_CENTER;
    run(f, "一二三四五六七八九十");
    assert_float(glyph_x(f, 0), 7.5);
    assert_float(f->r.pieces[0].spacing, 0);
    assert_float(glyph_x(f, 8), 37.5);
    assert_float(glyph_x(f, 9), 47.5);
}

/* B.6 pairs: 。” 15 pt not 20; 《（ shifts （ left by ½ em; 》《. */
static void test_pair_compression(void **state)
{
    fx *f = *state;
    f->p.align = TB_LEFT;
    run(f, "汉。”汉");
    assert_float(glyph_x(f, 1), 10);
    assert_float(glyph_x(f, 2), 15);
    assert_float(glyph_x(f, 3), 25);
    run(f, "汉《（汉");
    assert_float(glyph_x(f, 1), 10);
    assert_float(glyph_x(f, 2), 15);   /* drawn ½ em left of its cell */
    assert_float(glyph_x(f, 3), 25);
    run(f, "汉》《汉");
    assert_float(glyph_x(f, 2), 15);
    assert_float(glyph_x(f, 3), 25);
    run(f, "汉），汉");
    assert_float(glyph_x(f, 3), 25);
    /* Off: full width. */
    f->p.compress_punct = false;
    run(f, "汉。”汉");
    assert_float(glyph_x(f, 2), 20);
    assert_float(glyph_x(f, 3), 30);
    assert_float(f->r.lines[0].width, 40);
}

/* Mixed sizes: max_size per line; em-based values use the char's size. */
static void test_mixed_sizes(void **state)
{
    fx *f = *state;
    load(f, "大小小小小小小小");
    f->c[0].size = 20;
    f->c[0].advance = 20;
    f->p.align = TB_LEFT;
    assert_int_equal(tb_break(f->c, f->n, &f->p, &f->r), 0);
    check_consistent(f);
    assert_int_equal(f->r.nlines, 1);
    assert_float(f->r.lines[0].max_size, 20);
    assert_float(glyph_x(f, 1), 20);
    /* 8 × 10 + 20 = 100 > 95: two lines, the second only small. */
    load(f, "大小小小小小小小小");
    f->c[0].size = 20;
    f->c[0].advance = 20;
    assert_int_equal(tb_break(f->c, f->n, &f->p, &f->r), 0);
    check_consistent(f);
    assert_int_equal(f->r.nlines, 2);
    assert_float(f->r.lines[1].max_size, 10);
}

/* 公文 grid: 16 pt chars with −0.21 tracking, 28 per 442.2 pt line. */
static void test_grid_tracking(void **state)
{
    fx *f = *state;
    tb_params_default(&f->p, 442.2f);
    f->p.cjk_tracking = -0.21f;
    load(f, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十");
    for (size_t i = 0; i < f->n; i++) {
        f->c[i].size = 16;
        f->c[i].advance = 16;
    }
    assert_int_equal(tb_break(f->c, f->n, &f->p, &f->r), 0);
    check_consistent(f);
    assert_int_equal(f->r.nlines, 2);
    assert_int_equal(f->r.lines[0].end_char, 28);
    assert_float(f->r.lines[0].width, 442.2);
    /* Pitch 15.79 plus the even share of the 0.08 pt slack. */
    assert_true(fabsf(f->r.pieces[0].spacing - (-0.21f + 0.08f / 27)) < 0.001f);
}

/* Pieces split at style changes and spacing changes, never otherwise. */
static void test_pieces(void **state)
{
    fx *f = *state;
    f->p.align = TB_LEFT;
    run(f, "中文abc def中文");
    /* 中文 | abc def (space at natural width continues the run) | 中文 */
    assert_int_equal(f->r.npieces, 3);
    assert_int_equal(f->r.pieces[1].first, 2);
    assert_int_equal(f->r.pieces[1].count, 7);
    assert_float(f->r.pieces[1].x, 22.5);
    assert_float(f->r.pieces[2].x, 22.5 + 32.5 + 2.5);
}

/* Every allocation failure reports -1 and leaves an empty result; the
 * sanitizer checks nothing leaks. */
static void test_alloc_failure(void **state)
{
    fx *f = *state;
    load(f, "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥一二三四五六七八九十");
    for (long k = 1; k < 50; k++) {
        tb_result r = {0};
        or_alloc_fail_at(k, 1);
        int rc = tb_break(f->c, f->n, &f->p, &r);
        or_alloc_fail_at(0, 0);
        if (rc == 0) {
            assert_true(r.nlines > 0);
            tb_result_free(&r);
            break;
        }
        assert_int_equal(rc, -1);
        assert_null(r.lines);
        assert_null(r.pieces);
        assert_int_equal(r.nlines, 0);
    }
    assert_int_equal(tb_break(f->c, f->n, NULL, &f->r), -1);
    assert_int_equal(tb_break(f->c, f->n, &f->p, NULL), -1);
}

/* A result is reusable: a second call resets it. */
static void test_reuse(void **state)
{
    fx *f = *state;
    run(f, "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸");
    assert_int_equal(f->r.nlines, 3);
    run(f, "一二");
    assert_int_equal(f->r.nlines, 1);
    assert_int_equal(f->r.npieces, 1);
}

/* Random mixed input: structure always consistent, lines never wider than
 * the width unless a single glyph is. */
static void test_random(void **state)
{
    fx *f = *state;
    static const uint32_t pool[] = {
        0x4E00, 0x4E8C, 0x4E09, 0x3002, 0xFF0C, 0x3001, 0x201C, 0x201D, 0x300A, 0x300B,
        0xFF08, 0xFF09, 0x2014, 0x2026, 'a', 'b', '1', '2', '.', '%', ' ', ' ', '/', ':',
        '\n', 0xFF1A, 0x00B7, 0x3010, 0x3011,
    };
    unsigned seed = 12345;
    for (int round = 0; round < 400; round++) {
        f->n = (size_t)(seed % 120);
        for (size_t i = 0; i < f->n; i++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t cp = pool[(seed >> 16) % (sizeof pool / sizeof pool[0])];
            tb_char *ch = &f->c[i];
            ch->cp = cp;
            ch->size = 10;
            ch->style = wide_cp(cp) ? 0 : 1;
            ch->advance = wide_cp(cp) ? 10 : cp == ' ' ? 2.5f : 5;
        }
        seed = seed * 1103515245u + 12345u;
        tb_params_default(&f->p, 40 + (float)(seed % 100));
        f->p.compress_punct = (seed >> 8) & 1;
        f->p.first_indent = (seed >> 9) & 1 ? 20 : 0;
        f->p.align = (tb_align)((seed >> 10) % 4);
        assert_int_equal(tb_break(f->c, f->n, &f->p, &f->r), 0);
        check_consistent(f);
        for (size_t li = 0; li < f->r.nlines; li++) {
            const tb_line *l = &f->r.lines[li];
            if (l->npieces > 1)
                assert_true(l->width <= f->p.width + 0.01f);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_basic_justify, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pushin_line_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_centred_mark_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pushout_no_compress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pushout_pair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pushin_midline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cascade_open_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_bracket_not_at_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dash_pair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_date_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_number_unit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url, setup, teardown),
        cmocka_unit_test_setup_teardown(test_min_width, setup, teardown),
        cmocka_unit_test_setup_teardown(test_overlong_word, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cjk_latin_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_justify_gap_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latin_spaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_orphan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forced_break, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_center_right, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pair_compression, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mixed_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grid_tracking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
