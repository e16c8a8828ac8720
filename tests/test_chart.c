/* Tests for chart: ticks, geometry, label placement, legends, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "alloc.h"
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a fake text engine: CJK = size wide, ASCII = size / 2 ------------- */

#define MAX_RECS 1024

typedef struct rec {
    char s[64];
    float x, y, size, w;
    dl_color color;
} rec;

typedef struct fake {
    rec r[MAX_RECS];
    size_t n;
    bool fail_measure, fail_draw;
} fake;

static float fake_width(const char *s, float size)
{
    float w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80)
            w += 0.5f * size;
        else if (*p >= 0xC0)
            w += size;   /* lead byte of a multibyte (CJK) character */
    }
    return w;
}

static float fake_measure(void *ctx, const char *s, float size)
{
    fake *f = ctx;
    if (f->fail_measure)
        return -1.0f;
    return fake_width(s, size);
}

static int fake_draw(void *ctx, dl_doc *doc, size_t page, float x, float y, float size,
                     const char *s, dl_color color)
{
    fake *f = ctx;
    if (f->fail_draw)
        return -1;
    /* Push a real op too, so the page rollback on failure is exercised. */
    dl_op op = {.kind = DL_TEXT};
    op.u.text = (dl_text){0, size, x, y, 0, false, color, s};
    if (dl_push(doc, page, &op) != 0)
        return -1;
    if (f->n < MAX_RECS) {
        rec *r = &f->r[f->n++];
        snprintf(r->s, sizeof r->s, "%s", s);
        r->x = x;
        r->y = y;
        r->size = size;
        r->w = fake_width(s, size);
        r->color = color;
    }
    return 0;
}

/* ---- fixture ------------------------------------------------------------ */

typedef struct fx {
    dl_doc doc;
    fake text;
    chart_text ct;
    diag d;
    char *msg;
    size_t msg_len;
} fx;

static fx *fx_new(void)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    dl_doc_init(&f->doc);
    assert_int_equal(dl_add_page(&f->doc, 595, 842), 0);
    f->ct = (chart_text){fake_measure, fake_draw, &f->text};
    f->d.stream = open_memstream(&f->msg, &f->msg_len);
    assert_non_null(f->d.stream);
    return f;
}

static const char *fx_msg(fx *f)
{
    fflush(f->d.stream);
    return f->msg ? f->msg : "";
}

static void fx_free(fx *f)
{
    fclose(f->d.stream);
    free(f->msg);
    dl_doc_free(&f->doc);
    free(f);
}

/* The box every test draws into unless it says otherwise. */
#define BX 50.0f
#define BTOP 700.0f
#define BW 400.0f
#define BH 250.0f

/* Draws on a cleared page. */
static or_status fx_draw(fx *f, const chart_spec *s, float w, float h)
{
    f->text.n = 0;
    f->doc.pages[0].nops = 0;
    return chart_draw(&f->doc, 0, BX, BTOP, w, h, s, &f->ct, "doc.xml:12", &f->d);
}

static const rec *find_text(const fx *f, const char *s)
{
    for (size_t i = 0; i < f->text.n; i++)
        if (strcmp(f->text.r[i].s, s) == 0)
            return &f->text.r[i];
    return NULL;
}

static size_t count_text(const fx *f, const char *s)
{
    size_t n = 0;
    for (size_t i = 0; i < f->text.n; i++)
        n += strcmp(f->text.r[i].s, s) == 0;
    return n;
}

/* Every label's box (ascent 0.88, descent 0.12 of the size) against every
 * other: none may overlap, all must lie inside the chart box. */
static void check_labels(const fx *f, float w, float h)
{
    const float eps = 0.01f;
    for (size_t i = 0; i < f->text.n; i++) {
        const rec *a = &f->text.r[i];
        float al = a->x, ar = a->x + a->w, ab = a->y - 0.12f * a->size, at = a->y + 0.88f * a->size;
        if (al < BX - eps || ar > BX + w + eps || ab < BTOP - h - eps || at > BTOP + eps)
            fail_msg("label \"%s\" [%g,%g]x[%g,%g] leaves the box", a->s, al, ar, ab, at);
        for (size_t j = i + 1; j < f->text.n; j++) {
            const rec *b = &f->text.r[j];
            float bl = b->x, br = b->x + b->w, bb = b->y - 0.12f * b->size, bt = b->y + 0.88f * b->size;
            if (al < br - eps && bl < ar - eps && ab < bt - eps && bb < at - eps)
                fail_msg("labels \"%s\" (%g,%g %g) and \"%s\" (%g,%g %g) overlap", a->s, a->x,
                         a->y, a->size, b->s, b->x, b->y, b->size);
        }
    }
}

static bool pt_in(float x, float y, float w, float h)
{
    const float eps = 0.01f;
    return x >= BX - eps && x <= BX + w + eps && y >= BTOP - h - eps && y <= BTOP + eps;
}

/* Every geometric op of page 0 inside the box (stroke widths aside). */
static void check_ops_inside(const fx *f, float w, float h)
{
    const dl_page *p = &f->doc.pages[0];
    for (size_t i = 0; i < p->nops; i++) {
        const dl_op *op = &p->ops[i];
        switch (op->kind) {
        case DL_LINE:
            assert_true(pt_in(op->u.line.x1, op->u.line.y1, w, h));
            assert_true(pt_in(op->u.line.x2, op->u.line.y2, w, h));
            break;
        case DL_RECT:
            assert_true(op->u.rect.w >= 0 && op->u.rect.h >= 0);
            assert_true(pt_in(op->u.rect.x, op->u.rect.y, w, h));
            assert_true(pt_in(op->u.rect.x + op->u.rect.w, op->u.rect.y + op->u.rect.h, w, h));
            break;
        case DL_PATH:
            for (size_t k = 0; k < op->u.path.npoints; k++)
                assert_true(pt_in(op->u.path.xy[2 * k], op->u.path.xy[2 * k + 1], w, h));
            break;
        case DL_TEXT:
            break;   /* checked through the fake's records */
        default:
            fail_msg("unexpected op kind %d", (int)op->kind);
        }
    }
}

static void check_all(const fx *f, float w, float h)
{
    check_labels(f, w, h);
    check_ops_inside(f, w, h);
}

static const char *const months6[] = {"7月", "8月", "9月", "10月", "11月", "12月"};
static const char *const months12[] = {"2026年1月", "2026年2月", "2026年3月", "2026年4月",
                                       "2026年5月", "2026年6月", "2026年7月", "2026年8月",
                                       "2026年9月", "2026年10月", "2026年11月", "2026年12月"};

/* ---- ticks -------------------------------------------------------------- */

static void test_ticks_0_to_7(void **state)
{
    (void)state;
    const char *const cats[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
    const double v[] = {0, 1, 2, 3, 4, 5, 6, 7};
    chart_series se = {"n", v};
    chart_spec s = {.type = CHART_BAR, .categories = cats, .ncat = 8, .series = &se,
                    .nseries = 1, .decimals = -1};
    double lo, hi, step;
    int dec;
    assert_int_equal(chart_axis(&s, &lo, &hi, &step, &dec), 5);
    assert_true(lo == 0 && hi == 8 && step == 2 && dec == 0);

    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    /* Tick labels are the texts right-aligned on the edge of "8" (the only
     * text "8": no bar has that value), bottom to top. */
    const rec *eight = find_text(f, "8");
    assert_non_null(eight);
    float edge = eight->x + eight->w;
    const char *want[] = {"0", "2", "4", "6", "8"};
    size_t nt = 0;
    float prev = -1;
    for (size_t i = 0; i < f->text.n; i++) {
        const rec *r = &f->text.r[i];
        if (fabsf(r->x + r->w - edge) > 0.01f || r->x > BX + 40)
            continue;
        assert_true(nt < 5);
        assert_string_equal(r->s, want[nt]);
        assert_true(r->y > prev);   /* ascending up the axis */
        prev = r->y;
        nt++;
    }
    assert_int_equal(nt, 5);
    check_all(f, BW, BH);
    fx_free(f);
}

static void test_ticks_availability(void **state)
{
    (void)state;
    const double v[] = {99.2, 99.95, 100, 99.5, 99.87, 100};
    chart_series se = {"可用率", v};
    chart_spec s = {.type = CHART_LINE, .title = "系统可用率", .unit = "%",
                    .categories = months6, .ncat = 6, .series = &se, .nseries = 1,
                    .has_min = true, .y_min = 99.0, .decimals = -1};
    double lo, hi, step;
    int dec;
    assert_int_equal(chart_axis(&s, &lo, &hi, &step, &dec), 6);
    assert_true(fabs(lo - 99.0) < 1e-9 && fabs(hi - 100.0) < 1e-9 && fabs(step - 0.2) < 1e-12);
    assert_int_equal(dec, 1);

    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    const char *want[] = {"99.0%", "99.2%", "99.4%", "99.6%", "99.8%", "100.0%"};
    float prev = -1, gap = 0;
    for (size_t i = 0; i < 6; i++) {
        const rec *r = find_text(f, want[i]);
        assert_non_null(r);
        if (i == 2)
            gap = r->y - prev;
        if (i >= 2)
            assert_float_equal(r->y - prev, gap, 0.01);   /* evenly spaced */
        prev = r->y;
    }
    assert_non_null(find_text(f, "系统可用率"));
    assert_non_null(find_text(f, "可用率"));   /* line charts always get a legend */
    check_all(f, BW, BH);

    /* Automatic range still holds all the data. */
    s.has_min = false;
    assert_true(chart_axis(&s, &lo, &hi, &step, &dec) >= 4);
    assert_true(lo <= 99.2 && hi >= 100.0 && lo > 98.0);
    fx_free(f);
}

static void test_ticks_small_counts(void **state)
{
    (void)state;
    /* Incidents: whole numbers only, never 0.5 of an incident. */
    const double v[] = {0, 1, 0, 2, 0, 1};
    chart_series se = {"P1", v};
    chart_spec s = {.type = CHART_BAR, .categories = months6, .ncat = 6, .series = &se,
                    .nseries = 1, .decimals = -1};
    double lo, hi, step;
    int dec;
    size_t n = chart_axis(&s, &lo, &hi, &step, &dec);
    assert_int_equal(n, 4);
    assert_true(lo == 0 && hi == 3 && step == 1 && dec == 0);

    /* 0..100 %: 0, 20, ..., 100. */
    const double pct[] = {96.5, 100, 88, 100, 92.3, 100};
    chart_series sp = {"完成率", pct};
    s.series = &sp;
    s.unit = "%";
    n = chart_axis(&s, &lo, &hi, &step, &dec);
    assert_int_equal(n, 6);
    assert_true(lo == 0 && hi == 100 && step == 20 && dec == 0);

    /* Fixed whole-number labels never get a fractional step. */
    s.decimals = 0;
    s.has_min = true;
    s.y_min = 99;
    n = chart_axis(&s, &lo, &hi, &step, &dec);
    assert_true(step >= 1 && dec == 0 && n >= 2);
    s.decimals = -1;

    /* Both ends fixed. */
    s.has_min = s.has_max = true;
    s.y_min = 80;
    s.y_max = 100;
    n = chart_axis(&s, &lo, &hi, &step, &dec);
    assert_true(lo == 80 && hi == 100 && n == 5 && step == 5);
}

/* ---- geometry ------------------------------------------------------------ */

static void test_bar_heights(void **state)
{
    (void)state;
    /* Hand-worked layout for box (50, 700) 400x250, no title, one series:
     *   ticks 0..8 step 2; widest tick label "8" = 4 pt at 8 pt.
     *   plot left  = 50 + 4 (pad) + 4 (label) + 3 (gap) + 3 (tick) = 64
     *   plot right = 450 - 4 = 446, band = 382 / 4 = 95.5
     *   plot top   = 700 - 4 (pad) - 9 (room for values) = 687
     *   plot bottom = 450 + 4 (pad) + 8 (category row) + 4 + 1 = 467
     *   plot height 220: value 7 -> 7/8 * 220 = 192.5 pt.
     *   bar width 0.6 * 95.5 = 57.3, first bar x = 64 + (95.5 - 57.3) / 2 = 83.1 */
    const char *const cats[] = {"1月", "2月", "3月", "4月"};
    const double v[] = {7, 3, 0, 2};
    chart_series se = {"n", v};
    chart_spec s = {.type = CHART_BAR, .categories = cats, .ncat = 4, .series = &se,
                    .nseries = 1, .decimals = -1};
    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    const dl_page *p = &f->doc.pages[0];
    const dl_rect *bars[4] = {0};
    size_t nb = 0;
    for (size_t i = 0; i < p->nops; i++)
        if (p->ops[i].kind == DL_RECT && nb < 4)
            bars[nb++] = &p->ops[i].u.rect;
    assert_int_equal(nb, 3);   /* the zero bar has no rectangle */
    assert_float_equal(bars[0]->x, 83.1, 0.01);
    assert_float_equal(bars[0]->w, 57.3, 0.01);
    assert_float_equal(bars[0]->y, 467.0, 0.01);
    assert_float_equal(bars[0]->h, 192.5, 0.01);
    assert_float_equal(bars[1]->h, 3.0 / 8 * 220, 0.01);
    assert_float_equal(bars[2]->h, 2.0 / 8 * 220, 0.01);
    assert_float_equal(bars[1]->x - bars[0]->x, 95.5, 0.01);
    /* Values over the bars, the zero included: small counts matter. */
    const rec *seven = NULL;
    for (size_t i = 0; i < f->text.n; i++)
        if (strcmp(f->text.r[i].s, "7") == 0)
            seven = &f->text.r[i];
    assert_non_null(seven);
    assert_true(seven->y > 467.0f + 192.5f);
    assert_float_equal(seven->x + seven->w / 2, 83.1 + 57.3 / 2, 0.01);
    assert_int_equal(count_text(f, "0"), 2);   /* tick and value label */
    check_all(f, BW, BH);
    fx_free(f);
}

static void test_grouped_legend(void **state)
{
    (void)state;
    const double p1[] = {1, 0, 2, 0, 0, 1};
    const double p2[] = {3, 2, 4, 1, 2, 0};
    const double p3[] = {5, 7, 6, 4, 3, 6};
    chart_series se[] = {{"一级故障", p1}, {"二级故障", p2}, {"三级故障", p3}};
    chart_spec s = {.type = CHART_BAR, .title = "各月故障数量", .y_label = "次数",
                    .x_label = "月份", .categories = months6, .ncat = 6, .series = se,
                    .nseries = 3, .decimals = -1};
    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    for (size_t j = 0; j < 3; j++)
        assert_non_null(find_text(f, se[j].name));
    assert_non_null(find_text(f, "次数"));
    assert_non_null(find_text(f, "月份"));
    for (size_t i = 0; i < 6; i++)
        assert_non_null(find_text(f, months6[i]));
    /* Legend entries sit above the plot: above the highest tick label. */
    const rec *top_tick = find_text(f, "8");
    assert_non_null(top_tick);
    assert_true(find_text(f, "一级故障")->y > top_tick->y + 8);
    /* The title is centred on the box. */
    const rec *t = find_text(f, "各月故障数量");
    assert_float_equal(t->x + t->w / 2, BX + BW / 2, 0.01);
    check_all(f, BW, BH);

    /* A single bar series has no legend. */
    s.nseries = 1;
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    assert_null(find_text(f, "一级故障"));
    fx_free(f);
}

static void test_stacked_totals(void **state)
{
    (void)state;
    const double p1[] = {1, 0, 2, NAN};
    const double p2[] = {3, 2, 0, NAN};
    const double p3[] = {5, 7, 6, NAN};
    const double p4[] = {2, 1, 1, NAN};
    chart_series se[] = {{"一级", p1}, {"二级", p2}, {"三级", p3}, {"四级", p4}};
    const char *const cats[] = {"1月", "2月", "3月", "4月"};
    chart_spec s = {.type = CHART_STACKED_BAR, .categories = cats, .ncat = 4, .series = se,
                    .nseries = 4, .decimals = -1};
    double lo, hi, step;
    int dec;
    chart_axis(&s, &lo, &hi, &step, &dec);
    assert_true(lo == 0 && hi >= 11);   /* the largest stack, not the largest value */

    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    assert_non_null(find_text(f, "11"));   /* 1 + 3 + 5 + 2 */
    assert_non_null(find_text(f, "10"));   /* 0 + 2 + 7 + 1 */
    assert_non_null(find_text(f, "9"));    /* 2 + 0 + 6 + 1 */

    /* Segments of the first stack: contiguous, heights in proportion, and
     * the colours apart in greyscale. */
    const dl_page *p = &f->doc.pages[0];
    const dl_rect *seg[4];
    size_t n = 0;
    for (size_t i = 0; i < p->nops && n < 4; i++)
        if (p->ops[i].kind == DL_RECT && p->ops[i].u.rect.w > 20)
            seg[n++] = &p->ops[i].u.rect;
    assert_int_equal(n, 4);
    float unit = seg[0]->h / 1.0f;
    assert_float_equal(seg[1]->h, 3 * unit, 0.01);
    assert_float_equal(seg[2]->h, 5 * unit, 0.01);
    assert_float_equal(seg[3]->h, 2 * unit, 0.01);
    for (size_t k = 1; k < 4; k++)
        assert_float_equal(seg[k]->y, seg[k - 1]->y + seg[k - 1]->h, 0.01);
    for (size_t a = 0; a < 4; a++)
        for (size_t b = a + 1; b < 4; b++) {
            dl_color ca = seg[a]->fill_color, cb = seg[b]->fill_color;
            float la = 0.2126f * ca.r + 0.7152f * ca.g + 0.0722f * ca.b;
            float lb = 0.2126f * cb.r + 0.7152f * cb.g + 0.0722f * cb.b;
            assert_true(fabsf(la - lb) >= 0.1f);
        }
    /* The total "11" sits above the stack. */
    const rec *t = find_text(f, "11");
    assert_true(t->y - 0.12f * t->size >= seg[3]->y + seg[3]->h);
    /* Legend for four series. */
    assert_non_null(find_text(f, "四级"));
    check_all(f, BW, BH);
    fx_free(f);
}

static void test_line_gaps(void **state)
{
    (void)state;
    const double a[] = {99.9, 99.8, NAN, 100, 99.95, 99.7};
    const double b[] = {NAN, 99.5, NAN, 99.6, NAN, NAN};
    chart_series se[] = {{"核心系统", a}, {"外围系统", b}};
    chart_spec s = {.type = CHART_LINE, .unit = "%", .categories = months6, .ncat = 6,
                    .series = se, .nseries = 2, .has_min = true, .y_min = 99.0,
                    .has_max = true, .y_max = 100.0, .decimals = 1};
    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    const dl_page *p = &f->doc.pages[0];
    size_t lines[8], nl = 0, markers = 0;
    for (size_t i = 0; i < p->nops; i++) {
        const dl_op *op = &p->ops[i];
        if (op->kind != DL_PATH || (op->u.path.closed && op->u.path.width <= 0))
            continue;   /* the axis-break band is a closed path without stroke */
        if (op->u.path.closed)
            markers++;
        else if (nl < 8)
            lines[nl++] = op->u.path.npoints;
    }
    /* Series a: runs of 2 and 3 points; series b has no two neighbours. */
    assert_int_equal(nl, 2);
    assert_int_equal(lines[0], 2);
    assert_int_equal(lines[1], 3);
    assert_int_equal(markers, 5 + 2 + 2);   /* points + one per legend entry */
    assert_non_null(find_text(f, "100.0%"));
    check_all(f, BW, BH);
    fx_free(f);
}

/* ---- black and white printing ------------------------------------------- */

static float grey_of(dl_color c)
{
    return 0.299f * c.r + 0.587f * c.g + 0.114f * c.b;
}

static bool same_color(dl_color a, dl_color b)
{
    return fabsf(a.r - b.r) < 1e-4f && fabsf(a.g - b.g) < 1e-4f && fabsf(a.b - b.b) < 1e-4f;
}

static void test_greyscale_series(void **state)
{
    (void)state;
    /* Any two fills that are not told apart by hatching differ by 0.2 in
     * grey; up to four series go from dark to light in order. */
    for (size_t n = 1; n <= 8; n++) {
        for (size_t i = 0; i < n; i++) {
            bool hi;
            float gi = grey_of(chart_fill_color(i, n, &hi));
            assert_float_equal(gi, chart_grey(chart_fill_color(i, n, NULL)), 1e-6);
            assert_true(gi < 0.9f);   /* never paper white */
            for (size_t j = i + 1; j < n; j++) {
                bool hj;
                float gj = grey_of(chart_fill_color(j, n, &hj));
                if (hi == hj && fabsf(gi - gj) < 0.2f)
                    fail_msg("series %zu and %zu of %zu print as greys %.2f and %.2f", i, j, n, gi, gj);
                if (n <= 4 && !(gj > gi + 0.2f))
                    fail_msg("series %zu of %zu (grey %.2f) is not lighter than series %zu (%.2f)", j, n, gj, i, gi);
            }
        }
    }
    /* Line colours: dark enough to read as a line, apart by 0.1. */
    for (size_t i = 0; i < 4; i++) {
        assert_true(grey_of(chart_line_color(i)) <= 0.65f);
        for (size_t j = i + 1; j < 4; j++)
            assert_true(fabsf(grey_of(chart_line_color(i)) - grey_of(chart_line_color(j))) >= 0.1f);
    }

    /* A stacked chart of four levels: the drawn fills are the four greys in
     * order, every segment carries a dark outline (the lightest stays
     * visible against the paper and the light grid). */
    const double l1[] = {1, 0, 2}, l2[] = {1, 1, 0}, l3[] = {2, 1, 1}, l4[] = {3, 2, 1};
    chart_series se[] = {{"一级", l1}, {"二级", l2}, {"三级", l3}, {"四级", l4}};
    chart_spec s = {.type = CHART_STACKED_BAR, .categories = months6, .ncat = 3, .series = se, .nseries = 4,
                    .decimals = 0};
    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    const dl_page *p = &f->doc.pages[0];
    size_t seen[4] = {0}, outlines = 0, rects = 0;
    float grid = 1.0f;
    for (size_t i = 0; i < p->nops; i++) {
        const dl_op *op = &p->ops[i];
        if (op->kind == DL_RECT && !same_color(op->u.rect.fill_color, (dl_color){1, 1, 1})) {
            rects++;
            bool found = false;
            for (size_t j = 0; j < 4; j++)
                if (same_color(op->u.rect.fill_color, chart_fill_color(j, 4, NULL))) {
                    seen[j]++;
                    found = true;
                }
            assert_true(found);
        }
        if (op->kind == DL_PATH && op->u.path.closed && !op->u.path.fill && op->u.path.npoints == 4
            && op->u.path.width >= 0.5f && grey_of(op->u.path.stroke) < 0.3f)
            outlines++;
        if (op->kind == DL_LINE && op->u.line.y1 == op->u.line.y2 && op->u.line.width < 0.5f)
            grid = fminf(grid, grey_of(op->u.line.color));
    }
    /* 10 non-empty segments + 4 legend swatches. */
    assert_int_equal(rects, 14);
    assert_int_equal(outlines, rects);
    for (size_t j = 0; j < 4; j++)
        assert_true(seen[j] >= 2);
    assert_true(grid > 0.8f);   /* the grid is lighter than the outlines by far */
    /* Value labels inside a segment contrast with it: white on the darkest. */
    const rec *one = NULL;
    for (size_t i = 0; i < f->text.n; i++)
        if (strcmp(f->text.r[i].s, "2") == 0 && f->text.r[i].y < BTOP - BH / 2)
            one = &f->text.r[i];
    assert_non_null(one);
    check_all(f, BW, BH);

    /* Eight series: the second four are hatched (lines inside their bars). */
    double v[8][3];
    chart_series s8[8];
    for (size_t j = 0; j < 8; j++) {
        for (size_t i = 0; i < 3; i++)
            v[j][i] = 1;
        s8[j] = (chart_series){NULL, v[j]};
    }
    s.series = s8;
    s.nseries = 8;
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    size_t slanted = 0;
    for (size_t i = 0; i < p->nops; i++) {
        const dl_op *op = &p->ops[i];
        if (op->kind == DL_LINE && op->u.line.x1 != op->u.line.x2 && op->u.line.y1 != op->u.line.y2)
            slanted++;
    }
    assert_true(slanted >= 4 * 3);
    check_all(f, BW, BH);
    fx_free(f);
}

/* The y axis line: the vertical line of width 0.8 (pl, pb)-(pl, pt). */
static const dl_line *find_y_axis(const fx *f)
{
    const dl_page *p = &f->doc.pages[0];
    for (size_t i = 0; i < p->nops; i++) {
        const dl_op *op = &p->ops[i];
        if (op->kind == DL_LINE && op->u.line.x1 == op->u.line.x2 && fabsf(op->u.line.width - 0.8f) < 1e-4f)
            return &op->u.line;
    }
    return NULL;
}

/* Slanted strokes across the y axis near its foot. */
static size_t count_break_strokes(const fx *f)
{
    const dl_line *ax = find_y_axis(f);
    assert_non_null(ax);
    float pb = fminf(ax->y1, ax->y2);
    const dl_page *p = &f->doc.pages[0];
    size_t n = 0;
    for (size_t i = 0; i < p->nops; i++) {
        const dl_op *op = &p->ops[i];
        if (op->kind != DL_LINE)
            continue;
        const dl_line *l = &op->u.line;
        if (l->x1 < ax->x1 && l->x2 > ax->x1 && l->y1 != l->y2 && fminf(l->y1, l->y2) >= pb
            && fmaxf(l->y1, l->y2) <= pb + 12.0f)
            n++;
    }
    return n;
}

static void test_axis_break(void **state)
{
    (void)state;
    const double v[] = {96, 98.5, 99, 100, 97, 99.5};
    chart_series se = {"完成率", v};
    chart_spec s = {.type = CHART_BAR, .unit = "%", .categories = months6, .ncat = 6, .series = &se,
                    .nseries = 1, .has_min = true, .y_min = 90, .has_max = true, .y_max = 100, .decimals = 0};
    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    assert_int_equal(count_break_strokes(f), 2);
    check_all(f, BW, BH);
    /* From zero: no break. */
    s.has_min = false;
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    assert_int_equal(count_break_strokes(f), 0);
    /* A line chart whose automatic axis starts above zero is cut too. */
    s.type = CHART_LINE;
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    double lo, hi, step;
    int dec;
    assert_true(chart_axis(&s, &lo, &hi, &step, &dec) > 0);
    assert_true(lo > 0);
    assert_int_equal(count_break_strokes(f), 2);
    check_all(f, BW, BH);
    fx_free(f);
}

static const dl_line *find_dashed(const fx *f)
{
    const dl_page *p = &f->doc.pages[0];
    for (size_t i = 0; i < p->nops; i++)
        if (p->ops[i].kind == DL_LINE && p->ops[i].u.line.dash > 0)
            return &p->ops[i].u.line;
    return NULL;
}

static void test_reference_line(void **state)
{
    (void)state;
    const double a[] = {99.9, 99.4, 97.7, 100, 99.95, 99.7};
    const double b[] = {100, 99.6, 99.8, 99.6, 100, 99.2};
    chart_series se[] = {{"核心系统", a}, {"外围系统", b}};
    chart_spec s = {.type = CHART_LINE, .unit = "%", .categories = months6, .ncat = 6, .series = se,
                    .nseries = 2, .has_min = true, .y_min = 97, .has_max = true, .y_max = 100, .decimals = 1,
                    .has_ref = true, .ref_value = 99, .ref_label = "要求 99%"};
    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    const dl_line *ax = find_y_axis(f), *ref = find_dashed(f);
    assert_non_null(ax);
    assert_non_null(ref);
    float pb = fminf(ax->y1, ax->y2), pt = fmaxf(ax->y1, ax->y2);
    float want = pb + (99.0f - 97.0f) / 3.0f * (pt - pb);
    assert_float_equal(ref->y1, want, 0.01);
    assert_float_equal(ref->y2, want, 0.01);
    assert_float_equal(fminf(ref->x1, ref->x2), ax->x1, 0.01);
    assert_true(fmaxf(ref->x1, ref->x2) > ax->x1 + BW / 2);
    /* Its label sits just above it, inside the plot's right end. */
    const rec *lab = find_text(f, "要求 99%");
    assert_non_null(lab);
    assert_true(lab->y > want && lab->y - 0.12f * lab->size < want + 4.0f);
    assert_true(lab->x + lab->w <= fmaxf(ref->x1, ref->x2) + 0.01f);
    check_all(f, BW, BH);
    /* The data is drawn over the line (drawn after it). */
    const dl_page *p = &f->doc.pages[0];
    size_t ref_i = 0, last_path = 0;
    for (size_t i = 0; i < p->nops; i++) {
        if (&p->ops[i].u.line == ref)
            ref_i = i;
        if (p->ops[i].kind == DL_PATH && !p->ops[i].u.path.closed)
            last_path = i;
    }
    assert_true(last_path > ref_i);

    /* Near the top the label goes under the line. */
    s.ref_value = 99.9;
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    ref = find_dashed(f);
    assert_non_null(ref);
    lab = find_text(f, "要求 99%");
    assert_non_null(lab);
    assert_true(lab->y + 0.88f * lab->size < ref->y1);
    check_all(f, BW, BH);

    /* An automatic range reaches the line. */
    const double c[] = {1, 3, 2, 0, 1, 2};
    chart_series sc = {"事件", c};
    chart_spec s2 = {.type = CHART_BAR, .categories = months6, .ncat = 6, .series = &sc, .nseries = 1,
                     .decimals = -1, .has_ref = true, .ref_value = 10};
    double lo, hi, step;
    int dec;
    assert_true(chart_axis(&s2, &lo, &hi, &step, &dec) > 0);
    assert_true(lo == 0 && hi >= 10);
    assert_int_equal(fx_draw(f, &s2, BW, BH), OR_OK);
    assert_non_null(find_dashed(f));
    check_all(f, BW, BH);

    /* Outside a fixed range: a warning, no line; not a number: refused. */
    s.ref_value = 95;
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    assert_null(find_dashed(f));
    assert_non_null(strstr(fx_msg(f), "reference line at 95 is outside"));
    s.ref_value = INFINITY;
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_EINPUT);
    assert_non_null(strstr(fx_msg(f), "reference line value"));
    fx_free(f);
}

/* Month labels as the reports write them: the year under the first month
 * and under each January, or the year in every label on one line. */
static void test_category_labels_never_collide(void **state)
{
    (void)state;
    static char names[2][24][32];
    const char *cats[2][24];
    double v[24];
    for (size_t i = 0; i < 24; i++) {
        int month = (int)((i + 5) % 12) + 1, year = 2026 + (int)((i + 5) / 12);
        if (i == 0 || month == 1)
            snprintf(names[0][i], sizeof names[0][i], "%d月\n%d年", month, year);
        else
            snprintf(names[0][i], sizeof names[0][i], "%d月", month);
        snprintf(names[1][i], sizeof names[1][i], "%d年%d月", year, month);
        cats[0][i] = names[0][i];
        cats[1][i] = names[1][i];
        v[i] = (double)(i % 5);
    }
    chart_series se = {"事件", v};
    const float widths[] = {BW, 300.0f, 200.0f};
    fx *f = fx_new();
    for (size_t form = 0; form < 2; form++)
        for (size_t wi = 0; wi < 3; wi++)
            for (size_t n = 1; n <= 24; n++) {
                chart_spec s = {.type = CHART_BAR, .categories = cats[form], .ncat = n, .series = &se,
                                .nseries = 1, .decimals = 0};
                assert_int_equal(fx_draw(f, &s, widths[wi], BH), OR_OK);
                /* Every text box apart from every other and inside the box. */
                check_all(f, widths[wi], BH);
                /* Category labels, found on the bottom rows: half an em
                 * apart at least, and the first one always shown. */
                const rec *row[48];
                size_t nr = 0;
                float foot = BTOP - BH + 30.0f;
                for (size_t i = 0; i < f->text.n && nr < 48; i++)
                    if (f->text.r[i].y < foot && strcmp(f->text.r[i].s, "事件") != 0
                        && strchr(f->text.r[i].s, '\n') == NULL && strstr(f->text.r[i].s, "月"))
                        row[nr++] = &f->text.r[i];
                assert_true(nr >= 1);
                for (size_t i = 1; i < nr; i++)
                    if (row[i]->x < row[i - 1]->x + row[i - 1]->w + 0.5f * row[i]->size - 0.01f)
                        fail_msg("n=%zu width %g: \"%s\" and \"%s\" are closer than half an em", n,
                                 (double)widths[wi], row[i - 1]->s, row[i]->s);
                if (form == 0) {
                    /* The two lines of the first label: month above year. */
                    const rec *m = find_text(f, "6月"), *y = find_text(f, "2026年");
                    assert_non_null(m);
                    assert_non_null(y);
                    assert_true(y->y < m->y - m->size);
                }
            }
    fx_free(f);
}

/* ---- crowded labels -------------------------------------------------------- */

static void test_category_labels_shrink_then_skip(void **state)
{
    (void)state;
    double v[12];
    for (size_t i = 0; i < 12; i++)
        v[i] = 90 + (double)i * 0.5;
    chart_series se = {"巡检完成率", v};
    chart_spec s = {.type = CHART_BAR, .unit = "%", .categories = months12, .ncat = 12,
                    .series = &se, .nseries = 1, .decimals = -1};
    fx *f = fx_new();

    /* Wide: all twelve at 8 pt ("2026年10月" = 4 ASCII + 2 CJK... = 40 pt). */
    assert_int_equal(fx_draw(f, &s, 560, BH), OR_OK);
    for (size_t i = 0; i < 12; i++)
        assert_float_equal(find_text(f, months12[i])->size, 8.0, 0.001);
    check_all(f, 560, BH);

    /* Narrower: all twelve, smaller. */
    assert_int_equal(fx_draw(f, &s, 460, BH), OR_OK);
    for (size_t i = 0; i < 12; i++) {
        const rec *r = find_text(f, months12[i]);
        assert_non_null(r);
        assert_true(r->size < 8.0f && r->size >= 6.0f);
    }
    check_all(f, 460, BH);

    /* Narrow: every other label at the floor size. */
    assert_int_equal(fx_draw(f, &s, 300, BH), OR_OK);
    size_t shown = 0;
    for (size_t i = 0; i < 12; i++) {
        const rec *r = find_text(f, months12[i]);
        if (r) {
            shown++;
            assert_float_equal(r->size, 6.0, 0.001);
        }
    }
    assert_true(shown >= 4 && shown < 12);
    assert_non_null(find_text(f, months12[0]));
    check_all(f, 300, BH);
    fx_free(f);
}

static void test_many_series_legend_wraps(void **state)
{
    (void)state;
    const double v[] = {1, 2, 3};
    chart_series se[6] = {{"生产环境一", v}, {"生产环境二", v}, {"测试环境", v},
                          {"灾备环境", v}, {"办公网络", v}, {NULL, v}};
    const char *const cats[] = {"7月", "8月", "9月"};
    chart_spec s = {.type = CHART_LINE, .title = "各环境事件数", .categories = cats,
                    .ncat = 3, .series = se, .nseries = 6, .decimals = -1};
    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, 220, 220), OR_OK);
    for (size_t j = 0; j < 5; j++)
        assert_non_null(find_text(f, se[j].name));
    assert_non_null(find_text(f, "系列6"));
    /* Wrapped: entries on more than one baseline. */
    assert_true(find_text(f, "生产环境一")->y != find_text(f, "系列6")->y);
    check_all(f, 220, 220);
    fx_free(f);
}

/* ---- edge data ----------------------------------------------------------- */

static void test_edge_data(void **state)
{
    (void)state;
    fx *f = fx_new();
    const double zero[] = {0, 0, 0, 0, 0, 0};
    const double nan6[] = {NAN, NAN, NAN, NAN, NAN, NAN};
    const double neg[] = {-3, 2, -0.5, 4, 0, -7};
    const double one[] = {42};
    const char *const one_cat[] = {"2026年7月"};
    chart_type types[] = {CHART_BAR, CHART_STACKED_BAR, CHART_LINE};

    for (size_t t = 0; t < 3; t++) {
        chart_series se = {"数据", zero};
        chart_spec s = {.type = types[t], .title = "标题", .y_label = "值", .x_label = "月份",
                        .categories = months6, .ncat = 6, .series = &se, .nseries = 1,
                        .decimals = -1};
        assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
        check_all(f, BW, BH);
        assert_null(find_text(f, "无数据"));

        se.values = nan6;
        assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
        assert_non_null(find_text(f, "无数据"));
        check_all(f, BW, BH);

        se.values = neg;
        assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
        assert_non_null(find_text(f, "-8"));   /* ticks reach below zero */
        check_all(f, BW, BH);

        se.values = one;
        s.categories = one_cat;
        s.ncat = 1;
        assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
        assert_non_null(find_text(f, "2026年7月"));
        check_all(f, BW, BH);
    }
    /* Flat availability line at exactly 100. */
    const double flat[] = {100, 100, 100, 100, 100, 100};
    chart_series se = {"可用率", flat};
    chart_spec s = {.type = CHART_LINE, .unit = "%", .categories = months6, .ncat = 6,
                    .series = &se, .nseries = 1, .decimals = -1};
    double lo, hi, step;
    int dec;
    assert_true(chart_axis(&s, &lo, &hi, &step, &dec) >= 4);
    assert_true(lo <= 100 && hi >= 100 && hi > lo);
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    check_all(f, BW, BH);

    /* Negative bars hang below the zero line. */
    se.values = neg;
    s.type = CHART_BAR;
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    const dl_page *p = &f->doc.pages[0];
    float y0 = NAN;
    for (size_t i = 0; i < p->nops; i++)
        if (p->ops[i].kind == DL_RECT) {
            y0 = p->ops[i].u.rect.y + p->ops[i].u.rect.h;   /* first bar: -3, top = zero */
            break;
        }
    const rec *zl = find_text(f, "0%");
    assert_non_null(zl);
    assert_false(isnan(y0));
    assert_float_equal(zl->y + 0.38f * zl->size, y0, 0.01);   /* tick label centred on 0 */
    fx_free(f);
}

static void test_clipped_values_warn(void **state)
{
    (void)state;
    const double v[] = {99.5, 97.0, 100, 99.9, 99.8, 99.99};
    chart_series se = {"可用率", v};
    chart_spec s = {.type = CHART_BAR, .unit = "%", .categories = months6, .ncat = 6,
                    .series = &se, .nseries = 1, .has_min = true, .y_min = 99.0,
                    .decimals = -1};
    fx *f = fx_new();
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);
    assert_int_equal(f->d.warnings, 1);
    assert_non_null(strstr(fx_msg(f), "doc.xml:12"));
    assert_non_null(find_text(f, "97.00%"));   /* the real value, printed */
    check_all(f, BW, BH);
    fx_free(f);
}

/* ---- random specs: OR_OK or OR_EINPUT, never overlap, never outside ------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static void test_random_specs(void **state)
{
    (void)state;
    static const char *const names[] = {"一级", "二级故障", "P3", "核心业务系统可用率", "x"};
    static const char *const cat_pool[] = {"7月", "2026年7月", "10月", "Q3", "第一季度", "12"};
    static const char *const units[] = {NULL, "%", "次", " ms"};
    enum { MAXC = 24, MAXS = 5 };
    double vals[MAXS][MAXC];
    const char *cats[MAXC];
    chart_series se[MAXS];
    fx *f = fx_new();
    size_t ok = 0;
    for (int iter = 0; iter < 1500; iter++) {
        size_t ncat = 1 + rnd(MAXC), ns = 1 + rnd(MAXS);
        uint32_t kind = rnd(5);   /* value flavour */
        for (size_t j = 0; j < ns; j++) {
            for (size_t i = 0; i < ncat; i++) {
                double v;
                switch (kind) {
                case 0: v = rnd(6); break;                                  /* counts */
                case 1: v = 99.0 + rnd(1001) / 1000.0; break;               /* availability */
                case 2: v = (double)rnd(20001) / 10.0 - 1000.0; break;      /* signed */
                case 3: v = 0; break;
                default: v = rnd(1000000) * 1e3; break;                     /* large */
                }
                if (rnd(6) == 0)
                    v = NAN;
                vals[j][i] = v;
            }
            se[j] = (chart_series){names[rnd(5)], vals[j]};
        }
        for (size_t i = 0; i < ncat; i++)
            cats[i] = cat_pool[rnd(6)];
        chart_spec s = {.type = (chart_type)rnd(3), .categories = cats, .ncat = ncat,
                        .series = se, .nseries = ns, .unit = units[rnd(4)],
                        .decimals = (int)rnd(4) - 1};
        if (rnd(2))
            s.title = "随机图表标题";
        if (rnd(2))
            s.y_label = "数值";
        if (rnd(2))
            s.x_label = "月份";
        if (rnd(3) == 0) {
            s.has_min = true;
            s.y_min = kind == 1 ? 99.0 : -5.0;
        }
        if (rnd(4) == 0) {
            s.has_max = true;
            s.y_max = kind == 1 ? 100.0 : 50.0;
        }
        if (rnd(3) == 0) {
            /* A requirement line inside the data's usual range, labelled. */
            s.has_ref = true;
            s.ref_value = kind == 1 ? 99.5 : kind == 4 ? 5e8 : 3.0;
            s.ref_label = rnd(2) ? "要求" : "合同要求 ≥ 99.5%";
        }
        float w = 60.0f + (float)rnd(500), h = 40.0f + (float)rnd(300);
        or_status st = fx_draw(f, &s, w, h);
        if (getenv("CHART_FUZZ_LOG"))
            fprintf(stderr, "iter %d type %d ncat %zu ns %zu kind %u box %gx%g min %d %g max %d %g dec %d st %d\n",
                    iter, (int)s.type, ncat, ns, kind, w, h, s.has_min, s.y_min, s.has_max, s.y_max,
                    s.decimals, (int)st);
        if (st == OR_EINPUT)
            continue;
        assert_int_equal(st, OR_OK);
        ok++;
        check_all(f, w, h);
    }
    assert_true(ok > 500);
    fx_free(f);
}

/* ---- errors -------------------------------------------------------------- */

static void expect_einput(fx *f, const chart_spec *s, float w, float h, const char *word)
{
    size_t before = f->doc.pages[0].nops;
    unsigned errs = f->d.errors;
    assert_int_equal(chart_draw(&f->doc, 0, BX, BTOP, w, h, s, &f->ct, "doc.xml:12", &f->d),
                     OR_EINPUT);
    assert_int_equal(f->d.errors, errs + 1);
    assert_int_equal(f->doc.pages[0].nops, before);
    const char *m = fx_msg(f);
    /* The newest message names the place and says why. */
    const char *last = m, *q;
    while ((q = strstr(last + 1, "doc.xml:12")) != NULL)
        last = q;
    assert_non_null(strstr(m, "doc.xml:12: error: chart"));
    if (!strstr(last, word))
        fail_msg("message \"%s\" lacks \"%s\"", last, word);
}

static void test_errors(void **state)
{
    (void)state;
    const double v[] = {1, 2, 3, 4, 5, 6};
    const double inf[] = {1, 2, INFINITY, 4, 5, 6};
    chart_series se = {"数据", v};
    chart_series bad = {"坏", NULL};
    chart_series infs = {"无穷", inf};
    fx *f = fx_new();
    chart_spec s = {.type = CHART_BAR, .categories = months6, .ncat = 6, .series = &se,
                    .nseries = 1, .decimals = -1};
    assert_int_equal(fx_draw(f, &s, BW, BH), OR_OK);   /* something on the page */

    chart_spec e = s;
    e.ncat = 0;
    expect_einput(f, &e, BW, BH, "no categories");
    e = s;
    e.nseries = 0;
    expect_einput(f, &e, BW, BH, "no data series");
    e = s;
    e.has_min = e.has_max = true;
    e.y_min = 100;
    e.y_max = 99;
    expect_einput(f, &e, BW, BH, "must be below");
    e.y_max = 100;
    expect_einput(f, &e, BW, BH, "must be below");
    e = s;
    expect_einput(f, &e, 40, BH, "too small");
    expect_einput(f, &e, BW, 30, "too small");
    expect_einput(f, &e, 0, 0, "empty");
    e.series = &bad;
    expect_einput(f, &e, BW, BH, "no values");
    e.series = &infs;
    expect_einput(f, &e, BW, BH, "cannot be charted");
    e = s;
    e.title = "一个非常非常长的图表标题不可能放进这么窄的框里面";
    expect_einput(f, &e, 120, BH, "title");

    /* No place to name: still a message, no crash. */
    e = s;
    e.ncat = 0;
    assert_int_equal(chart_draw(&f->doc, 0, BX, BTOP, BW, BH, &e, &f->ct, NULL, &f->d), OR_EINPUT);
    assert_non_null(strstr(fx_msg(f), "opsreport: error: chart: no categories"));

    /* Failing text callbacks: OR_ESYS, the page untouched. */
    size_t before = f->doc.pages[0].nops;
    assert_true(before > 0);
    f->text.fail_draw = true;
    assert_int_equal(chart_draw(&f->doc, 0, BX, BTOP, BW, BH, &s, &f->ct, "doc.xml:12", &f->d),
                     OR_ESYS);
    assert_int_equal(f->doc.pages[0].nops, before);
    f->text.fail_draw = false;
    f->text.fail_measure = true;
    assert_int_equal(chart_draw(&f->doc, 0, BX, BTOP, BW, BH, &s, &f->ct, "doc.xml:12", &f->d),
                     OR_ESYS);
    assert_int_equal(f->doc.pages[0].nops, before);
    f->text.fail_measure = false;
    fx_free(f);
}

/* Every allocation fails in turn: OR_ESYS, the page as before, no leak
 * (LeakSanitizer checks the last part). */
static void test_alloc_failures(void **state)
{
    (void)state;
    const double a[] = {99.9, 99.8, NAN, 100, 99.95, 99.7};
    const double b[] = {1, 2, 0, 3, 1, 0};
    chart_series se[] = {{"甲", a}, {"乙", b}};
    chart_type types[] = {CHART_BAR, CHART_STACKED_BAR, CHART_LINE};
    for (size_t t = 0; t < 3; t++) {
        chart_spec s = {.type = types[t], .title = "标题", .categories = months6, .ncat = 6,
                        .series = se, .nseries = 2, .decimals = -1};
        bool done = false;
        for (long n = 1; n < 2000 && !done; n++) {
            fx *f = fx_new();
            or_alloc_fail_at(n, 1);
            or_status st = fx_draw(f, &s, BW, BH);
            or_alloc_fail_at(0, 0);
            if (st == OR_OK)
                done = true;
            else {
                assert_int_equal(st, OR_ESYS);
                assert_int_equal(f->doc.pages[0].nops, 0);
            }
            fx_free(f);
        }
        assert_true(done);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticks_0_to_7),
        cmocka_unit_test(test_ticks_availability),
        cmocka_unit_test(test_ticks_small_counts),
        cmocka_unit_test(test_bar_heights),
        cmocka_unit_test(test_grouped_legend),
        cmocka_unit_test(test_stacked_totals),
        cmocka_unit_test(test_line_gaps),
        cmocka_unit_test(test_greyscale_series),
        cmocka_unit_test(test_axis_break),
        cmocka_unit_test(test_reference_line),
        cmocka_unit_test(test_category_labels_never_collide),
        cmocka_unit_test(test_category_labels_shrink_then_skip),
        cmocka_unit_test(test_many_series_legend_wraps),
        cmocka_unit_test(test_edge_data),
        cmocka_unit_test(test_clipped_values_warn),
        cmocka_unit_test(test_random_specs),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
