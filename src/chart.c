#include "chart.h"

#include "alloc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Sizes in pt.  Labels are small because charts share a page with tables;
 * the floors keep printed text legible (below 6 pt CJK strokes blur). */
#define CHART_PAD        4.0f   /* inner margin of the box */
#define CHART_TITLE_SIZE 11.0f
#define CHART_TITLE_MIN  8.0f
#define CHART_LABEL_SIZE 8.0f   /* ticks, categories, legend, axis titles */
#define CHART_LABEL_MIN  6.0f
#define CHART_VALUE_SIZE 7.0f   /* numbers above bars */
#define CHART_VALUE_MIN  5.5f
#define CHART_NODATA_SIZE 10.0f
#define CHART_SIZE_STEP  0.5f
#define CHART_ASC        0.88f  /* text box above the baseline, x size */
#define CHART_DESC       0.12f  /* text box below the baseline, x size */
#define CHART_GAP        2.0f   /* least space between two labels */
#define CHART_TICK       3.0f   /* tick mark length */
#define CHART_MIN_PLOT   24.0f  /* smallest plot area side worth drawing */
#define CHART_MIN_BAND   2.0f   /* smallest width per category */
#define CHART_MAX_TICKS  64
#define CHART_MAX_ABS    1e12   /* larger values print as unreadable labels */
#define CHART_LABEL_BUF  160
#define CHART_MAX_UNIT   64

/* Bar fills go from dark to light in series order, so that a severity
 * order (first = most severe) prints as darkest .. lightest; grey levels
 * 0.16, 0.43, 0.66, 0.88 (chart_grey), at least 0.2 apart.  Fewer series
 * take levels spread over the range.  Every bar has a dark outline, so the
 * lightest fill still stands out from the paper and the grid. */
static const dl_color chart_fills[] = {
    {0.400f, 0.050f, 0.080f},   /* dark red */
    {0.800f, 0.300f, 0.150f},   /* orange red */
    {0.930f, 0.600f, 0.300f},   /* amber */
    {0.980f, 0.880f, 0.620f},   /* pale yellow */
};
#define CHART_NFILLS (sizeof chart_fills / sizeof chart_fills[0])

/* Lines must stay dark enough to read as a line on white: grey 0.20, 0.50,
 * 0.35, 0.60; the marker shapes tell them apart. */
static const dl_color chart_lines[] = {
    {0.100f, 0.200f, 0.450f},   /* navy */
    {0.850f, 0.400f, 0.100f},   /* orange */
    {0.200f, 0.450f, 0.200f},   /* green */
    {0.550f, 0.600f, 0.750f},   /* grey blue */
};
#define CHART_NLINES (sizeof chart_lines / sizeof chart_lines[0])

static const dl_color chart_ink = {0.15f, 0.15f, 0.15f};
static const dl_color chart_axis_color = {0.35f, 0.35f, 0.35f};
static const dl_color chart_grid_color = {0.85f, 0.85f, 0.85f};
static const dl_color chart_faint = {0.50f, 0.50f, 0.50f};
static const dl_color chart_white = {1.0f, 1.0f, 1.0f};

/* One call's state.  err is sticky: drawing helpers do nothing once it is
 * set, so the long drawing sequence checks once per phase. */
typedef struct chart_ctx {
    dl_doc *doc;
    size_t page;
    const chart_text *text;
    const char *where;
    diag *d;
    or_status err;
    bool record;           /* keep the boxes of drawn text (for the reference label) */
    float (*boxes)[4];     /* left, bottom, right, top */
    size_t nboxes, boxes_cap;
} chart_ctx;

/* The box split into its parts, all in page coordinates. */
typedef struct chart_layout {
    float bl, bb, br, bt;         /* box */
    float pl, pb, pr, pt;         /* plot area */
    double lo, hi, step;          /* y axis */
    double first_tick;            /* ticks are (first_tick + i) * step; a whole
                                     number kept as double: lo / step may not
                                     fit a 32-bit long */
    size_t nticks;
    int tick_dec, value_dec;
    float band;                   /* width per category */
    float cat_size;               /* category label size */
    size_t cat_stride;            /* every cat_stride-th label is drawn */
    float cat_top;                /* top of the category label row */
    bool legend;
    bool any_data;
} chart_layout;

/* ---- small helpers ---------------------------------------------------- */

static const char *chart_str(const char *s)
{
    return s ? s : "";
}

static double chart_clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static bool chart_is_int(double v)
{
    return fabs(v - nearbyint(v)) < 1e-9 * fmax(1.0, fabs(v));
}


float chart_grey(dl_color c)
{
    return 0.299f * c.r + 0.587f * c.g + 0.114f * c.b;
}

dl_color chart_fill_color(size_t i, size_t nseries, bool *hatched)
{
    /* Levels for 1, 2 and 3 series spread over the four. */
    static const unsigned char spread[3][3] = {{1, 0, 0}, {0, 2, 0}, {0, 1, 3}};
    size_t level = nseries >= 1 && nseries <= 3 && i < nseries ? spread[nseries - 1][i] : i % CHART_NFILLS;
    if (hatched)
        *hatched = (i / CHART_NFILLS) % 2 == 1;
    return chart_fills[level];
}

dl_color chart_line_color(size_t i)
{
    return chart_lines[i % CHART_NLINES];
}

static float chart_ymap(const chart_layout *L, double v)
{
    double t = (chart_clamp(v, L->lo, L->hi) - L->lo) / (L->hi - L->lo);
    return L->pb + (float)t * (L->pt - L->pb);
}

static float chart_band_center(const chart_layout *L, size_t i)
{
    return L->pl + ((float)i + 0.5f) * L->band;
}

/* Formats v with dec decimals and the unit.  Values that round to zero are
 * printed as zero, never "-0". */
static void chart_format(char *out, size_t n, double v, int dec, const char *unit)
{
    if (fabs(v) < 0.5 * pow(10.0, -dec))
        v = 0.0;
    snprintf(out, n, "%.*f%s", dec, v, chart_str(unit));
}

static const char *chart_series_name(const chart_spec *s, size_t i, char *buf, size_t n)
{
    if (s->series[i].name)
        return s->series[i].name;
    snprintf(buf, n, "系列%zu", i + 1);
    return buf;
}

/* ---- text, through the caller's callbacks ------------------------------ */

static float chart_measure(chart_ctx *cc, const char *s, float size)
{
    if (cc->err)
        return 0.0f;
    float w = cc->text->measure(cc->text->ctx, s, size);
    if (!(w >= 0.0f) || !isfinite(w)) {
        diag_error(cc->d, cc->where, 0, "chart: cannot measure the text \"%s\"", s);
        cc->err = OR_ESYS;
        return 0.0f;
    }
    return w;
}

static void chart_text_at(chart_ctx *cc, float x, float baseline, float size,
                          const char *s, dl_color color)
{
    if (cc->err || !*s)
        return;
    if (cc->text->draw(cc->text->ctx, cc->doc, cc->page, x, baseline, size, s, color) < 0) {
        diag_error(cc->d, cc->where, 0, "chart: cannot draw the text \"%s\"", s);
        cc->err = OR_ESYS;
        return;
    }
    if (!cc->record)
        return;
    float w = chart_measure(cc, s, size);
    if (cc->err)
        return;
    if (or_grow(&cc->boxes, &cc->boxes_cap, cc->nboxes + 1, sizeof *cc->boxes) != 0) {
        cc->err = diag_nomem(cc->d);
        return;
    }
    float *b = cc->boxes[cc->nboxes++];
    b[0] = x;
    b[1] = baseline - CHART_DESC * size;
    b[2] = x + w;
    b[3] = baseline + CHART_ASC * size;
}

/* Does the box clear every text drawn so far by CHART_GAP? */
static bool chart_box_free(const chart_ctx *cc, float l, float b, float r, float t)
{
    for (size_t i = 0; i < cc->nboxes; i++) {
        const float *o = cc->boxes[i];
        if (l < o[2] + CHART_GAP && o[0] < r + CHART_GAP && b < o[3] + CHART_GAP && o[1] < t + CHART_GAP)
            return false;
    }
    return true;
}

/* Largest size in [min, max] (0.5 pt steps) at which s fits in avail.
 * Returns the size, or 0 when it does not fit even at min (or on error). */
static float chart_fit(chart_ctx *cc, const char *s, float max, float min, float avail,
                       float *width)
{
    for (float size = max; size >= min - 1e-3f; size -= CHART_SIZE_STEP) {
        float w = chart_measure(cc, s, size);
        if (cc->err)
            return 0.0f;
        if (w <= avail) {
            *width = w;
            return size;
        }
    }
    return 0.0f;
}

/* ---- drawing primitives ------------------------------------------------ */

static void chart_push(chart_ctx *cc, const dl_op *op)
{
    if (cc->err)
        return;
    if (dl_push(cc->doc, cc->page, op) != 0)
        cc->err = diag_nomem(cc->d);
}

static void chart_line(chart_ctx *cc, float x1, float y1, float x2, float y2, float width,
                       dl_color color)
{
    dl_op op = {.kind = DL_LINE};
    op.u.line = (dl_line){x1, y1, x2, y2, width, color, 0};
    chart_push(cc, &op);
}

static void chart_dashed(chart_ctx *cc, float x1, float y1, float x2, float y2, float width,
                         dl_color color, float dash)
{
    dl_op op = {.kind = DL_LINE};
    op.u.line = (dl_line){x1, y1, x2, y2, width, color, dash};
    chart_push(cc, &op);
}

static void chart_rect(chart_ctx *cc, float x, float y, float w, float h, dl_color fill,
                       float stroke_width, dl_color stroke)
{
    dl_op op = {.kind = DL_RECT};
    op.u.rect = (dl_rect){x, y, w, h, stroke_width, true, stroke, fill};
    chart_push(cc, &op);
}

static void chart_path(chart_ctx *cc, const float *xy, size_t n, float width, bool closed,
                       bool fill, dl_color stroke, dl_color fill_color)
{
    dl_op op = {.kind = DL_PATH};
    op.u.path = (dl_path){xy, n, width, closed, fill, stroke, fill_color};
    chart_push(cc, &op);
}

/* One bar or stack segment of series j: its fill, hatched from the fifth
 * series on (45 degree lines 3 pt apart, white over dark fills, ink over
 * light ones), and a thin dark outline. */
static void chart_bar_rect(chart_ctx *cc, float x, float y, float w, float h, size_t j,
                           size_t nseries)
{
    bool hatched;
    dl_color c = chart_fill_color(j, nseries, &hatched);
    chart_rect(cc, x, y, w, h, c, 0, c);
    if (hatched) {
        dl_color hc = chart_grey(c) < 0.5f ? chart_white : chart_ink;
        for (float k = x - (y + h) + 1.5f; k < x + w - y; k += 3.0f) {
            float x0 = fmaxf(x, y + k), x1 = fminf(x + w, y + h + k);
            if (x1 - x0 > 0.05f)
                chart_line(cc, x0, x0 - k, x1, x1 - k, 0.5f, hc);
        }
    }
    const float box[] = {x, y, x + w, y, x + w, y + h, x, y + h};
    chart_path(cc, box, 4, 0.5f, true, false, chart_ink, chart_ink);
}

/* Point markers differ in shape as well as colour, so that line series stay
 * apart in greyscale: circle, square, triangle, diamond; from the fifth
 * series on the same shapes come hollow. */
static void chart_marker(chart_ctx *cc, size_t series, float x, float y, float r)
{
    float xy[2 * 12];
    size_t n = 0;
    switch (series % 4) {
    case 0:
        for (n = 0; n < 12; n++) {
            double a = (double)n * (2.0 * 3.14159265358979323846 / 12.0);
            xy[2 * n] = x + r * (float)cos(a);
            xy[2 * n + 1] = y + r * (float)sin(a);
        }
        break;
    case 1: {
        float q = r * 0.85f;
        const float sq[] = {x - q, y - q, x + q, y - q, x + q, y + q, x - q, y + q};
        memcpy(xy, sq, sizeof sq);
        n = 4;
        break;
    }
    case 2: {
        const float tri[] = {x, y + r * 1.1f, x + r, y - r * 0.75f, x - r, y - r * 0.75f};
        memcpy(xy, tri, sizeof tri);
        n = 3;
        break;
    }
    default: {
        float q = r * 1.15f;
        const float dia[] = {x, y + q, x + q, y, x, y - q, x - q, y};
        memcpy(xy, dia, sizeof dia);
        n = 4;
        break;
    }
    }
    dl_color c = chart_line_color(series);
    bool hollow = (series / 4) % 2 == 1;
    chart_path(cc, xy, n, 0.8f, true, true, c, hollow ? chart_white : c);
}

/* ---- data scan and the y axis ------------------------------------------ */

typedef struct chart_data {
    double dmin, dmax;   /* of the drawn extent: values, or stack ends */
    bool any;            /* some finite value */
    bool integers;       /* every finite value is a whole number */
    int value_dec;       /* fewest decimals (<= 3) that show every value */
} chart_data;

static int chart_decimals_of(double v)
{
    for (int dec = 0; dec < 3; dec++) {
        double scaled = v * pow(10.0, dec);
        if (fabs(scaled - nearbyint(scaled)) < 1e-6 * fmax(1.0, fabs(scaled)))
            return dec;
    }
    return 3;
}

static void chart_scan(const chart_spec *s, chart_data *out)
{
    bool stacked = s->type == CHART_STACKED_BAR;
    out->dmin = INFINITY;
    out->dmax = -INFINITY;
    out->any = false;
    out->integers = true;
    out->value_dec = 0;
    for (size_t i = 0; i < s->ncat; i++) {
        double pos = 0.0, neg = 0.0;
        bool cat_any = false;
        for (size_t j = 0; j < s->nseries; j++) {
            double v = s->series[j].values[i];
            if (!isfinite(v))
                continue;
            cat_any = true;
            if (!chart_is_int(v))
                out->integers = false;
            int dec = chart_decimals_of(v);
            if (dec > out->value_dec)
                out->value_dec = dec;
            if (stacked) {
                if (v >= 0)
                    pos += v;
                else
                    neg += v;
            } else {
                out->dmin = fmin(out->dmin, v);
                out->dmax = fmax(out->dmax, v);
            }
        }
        if (stacked && cat_any) {
            out->dmin = fmin(out->dmin, neg);
            out->dmax = fmax(out->dmax, pos);
        }
        out->any = out->any || cat_any;
    }
    if (!out->any)
        out->dmin = out->dmax = 0.0;
}

static bool chart_range_ok(const chart_spec *s)
{
    if (s->has_min && !isfinite(s->y_min))
        return false;
    if (s->has_max && !isfinite(s->y_max))
        return false;
    if (s->has_min && s->has_max) {
        double tiny = 1e-9 * fmax(1.0, fmax(fabs(s->y_min), fabs(s->y_max)));
        if (!(s->y_max - s->y_min > tiny))
            return false;
    }
    return true;
}

static bool chart_arrays_ok(const chart_spec *s)
{
    if (!s || s->ncat == 0 || s->nseries == 0 || !s->series || !s->categories)
        return false;
    for (size_t j = 0; j < s->nseries; j++)
        if (!s->series[j].values)
            return false;
    return true;
}

/* Picks the tick step among 1, 2, 5 x 10^k: prefer five or six ticks within
 * 4..8, whole steps for whole-number data (half an incident makes no sense),
 * then the tighter range.  Automatic ends round outward to a multiple of the
 * step; fixed ends stay where the caller put them.  Neighbouring ticks
 * must be at least min_frac of the axis apart (a short plot has no room for
 * many labels); 0 when no step fits. */
static size_t chart_axis_pick(const chart_spec *s, double min_frac, double *lo, double *hi,
                              double *step, int *decimals)
{
    if (!chart_arrays_ok(s) || !chart_range_ok(s))
        return 0;
    chart_data dd;
    chart_scan(s, &dd);
    bool bars = s->type != CHART_LINE;
    bool ints = dd.integers && s->decimals <= 0
                && (!s->has_min || chart_is_int(s->y_min))
                && (!s->has_max || chart_is_int(s->y_max));
    if (bars) {
        dd.dmin = fmin(dd.dmin, 0.0);
        dd.dmax = fmax(dd.dmax, 0.0);
    }
    if (s->has_ref && isfinite(s->ref_value)) {
        /* An automatic end reaches the reference line; with no data the
         * line alone decides the range. */
        dd.dmin = dd.any || bars ? fmin(dd.dmin, s->ref_value) : s->ref_value;
        dd.dmax = dd.any || bars ? fmax(dd.dmax, s->ref_value) : s->ref_value;
    }
    double a = s->has_min ? s->y_min : dd.dmin;
    double b = s->has_max ? s->y_max : dd.dmax;
    double tiny = 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b)));
    if (b - a <= tiny) {
        /* Flat data, or one fixed end beyond all data: open the automatic
         * end (both are automatic only for flat data). */
        double ext = fmax(fabs(a), fabs(b)) * 0.1;
        if (ext < 1e-6 || ints)
            ext = fmax(ext < 1e-6 ? 1.0 : ext, ints ? 1.0 : 0.0);
        if (s->has_min)
            b = a + ext;
        else if (s->has_max)
            a = b - ext;
        else if (bars)
            b = a + ext;   /* flat bars are all zero: grow upward from 0 */
        else {
            double v = a;
            a = v - ext / 2;
            b = v + ext / 2;
            if (v >= 0 && a < 0) {
                a = 0;
                b = fmax(b, ext);
            }
        }
    }

    double span = b - a;
    int k0 = (int)floor(log10(span));
    static const double mults[] = {1, 2, 5};
    bool have = false;
    double best_score = 0, best_range = 0, best_lo = 0, best_hi = 0, best_step = 0;
    size_t best_n = 0;
    int best_k = 0;
    for (int k = k0 - 2; k <= k0 + 1; k++) {
        for (size_t m = 0; m < 3; m++) {
            double st = mults[m] * pow(10.0, k);
            double l = s->has_min ? a : floor(a / st + 1e-7) * st;
            double h = s->has_max ? b : ceil(b / st - 1e-7) * st;
            double f = ceil(l / st - 1e-7);
            double last = floor(h / st + 1e-7);
            if (ints && st >= 1 && !s->has_max && last - f + 1 < 4
                && 3 * st >= min_frac * ((f + 3) * st - l)) {
                /* Small counts (0..2 incidents) still get four whole ticks
                 * instead of fractional ones. */
                last = f + 3;
                h = last * st;
            }
            double cnt = last - f + 1;
            if (cnt < 1 || cnt > CHART_MAX_TICKS || st < min_frac * (h - l) * (1 - 1e-9))
                continue;
            double score = cnt >= 4 && cnt <= 8 ? fabs(cnt - 5.5)
                                                : 100 + fmin(fabs(cnt - 4), fabs(cnt - 8));
            if (cnt < 2)
                score += 500;
            /* Fractional ticks for whole-number data, or a step finer than
             * the fixed decimals can print (equal labels), only as a last
             * resort. */
            if (ints && st < 1)
                score += 1000;
            if (s->decimals >= 0 && st < pow(10.0, -s->decimals) * (1 - 1e-9))
                score += 1000;
            double range = h - l;
            if (!have || score < best_score || (score == best_score && range < best_range)) {
                have = true;
                best_score = score;
                best_range = range;
                best_lo = l;
                best_hi = h;
                best_step = st;
                best_n = (size_t)cnt;
                best_k = k;
            }
        }
    }
    if (!have)
        return 0;
    *lo = best_lo;
    *hi = best_hi;
    *step = best_step;
    if (s->decimals >= 0)
        *decimals = s->decimals > 10 ? 10 : s->decimals;
    else
        *decimals = best_k < 0 ? -best_k : 0;
    return best_n;
}

size_t chart_axis(const chart_spec *s, double *lo, double *hi, double *step, int *decimals)
{
    return chart_axis_pick(s, 0.0, lo, hi, step, decimals);
}

/* ---- input checks ------------------------------------------------------ */

static or_status chart_check(chart_ctx *cc, const chart_spec *s, float w, float h)
{
    const char *wh = cc->where;
    if (!s) {
        diag_error(cc->d, wh, 0, "chart: no chart description");
        return OR_EINPUT;
    }
    if (s->type != CHART_BAR && s->type != CHART_STACKED_BAR && s->type != CHART_LINE) {
        diag_error(cc->d, wh, 0, "chart: unknown chart type %d", (int)s->type);
        return OR_EINPUT;
    }
    if (s->ncat == 0 || !s->categories) {
        diag_error(cc->d, wh, 0, "chart: no categories (the x axis is empty)");
        return OR_EINPUT;
    }
    if (s->nseries == 0 || !s->series) {
        diag_error(cc->d, wh, 0, "chart: no data series");
        return OR_EINPUT;
    }
    char nb[32];
    for (size_t j = 0; j < s->nseries; j++) {
        const char *name = chart_series_name(s, j, nb, sizeof nb);
        if (!s->series[j].values) {
            diag_error(cc->d, wh, 0, "chart: series \"%s\" has no values", name);
            return OR_EINPUT;
        }
        for (size_t i = 0; i < s->ncat; i++) {
            double v = s->series[j].values[i];
            if (isnan(v))
                continue;
            if (!isfinite(v) || fabs(v) > CHART_MAX_ABS) {
                diag_error(cc->d, wh, 0, "chart: series \"%s\", category \"%s\": value %g cannot be charted",
                           name, chart_str(s->categories[i]), v);
                return OR_EINPUT;
            }
        }
    }
    if (!chart_range_ok(s)) {
        if (s->has_min && s->has_max && isfinite(s->y_min) && isfinite(s->y_max))
            diag_error(cc->d, wh, 0, "chart: y axis minimum %g must be below its maximum %g",
                       s->y_min, s->y_max);
        else
            diag_error(cc->d, wh, 0, "chart: y axis limits must be finite numbers");
        return OR_EINPUT;
    }
    if (s->has_ref && (!isfinite(s->ref_value) || fabs(s->ref_value) > CHART_MAX_ABS)) {
        diag_error(cc->d, wh, 0, "chart: reference line value %g cannot be charted (expected a finite number)",
                   s->ref_value);
        return OR_EINPUT;
    }
    if (s->unit && strlen(s->unit) > CHART_MAX_UNIT) {
        diag_error(cc->d, wh, 0, "chart: unit \"%.20s...\" is too long", s->unit);
        return OR_EINPUT;
    }
    if (!(w > 0) || !(h > 0) || !isfinite(w) || !isfinite(h)) {
        diag_error(cc->d, wh, 0, "chart: box %gx%g pt is empty", (double)w, (double)h);
        return OR_EINPUT;
    }
    return OR_OK;
}

static or_status chart_too_small(chart_ctx *cc, const chart_layout *L, const char *why)
{
    diag_error(cc->d, cc->where, 0, "chart: box %.0fx%.0f pt is too small for %s",
               (double)(L->br - L->bl), (double)(L->bt - L->bb), why);
    return OR_EINPUT;
}

/* ---- legend ------------------------------------------------------------ */

/* Legend entries flow in centred rows above the plot, wrapping to the box
 * width; they never share space with the plot or any label. */
typedef struct chart_legend {
    float size, row_h, swatch;
    size_t nrows;
    float height;
} chart_legend;

static float chart_legend_item_w(chart_ctx *cc, const chart_spec *s, const chart_legend *lg,
                                 size_t j)
{
    char nb[32];
    return lg->swatch + 3.0f + chart_measure(cc, chart_series_name(s, j, nb, sizeof nb), lg->size);
}

#define CHART_LEGEND_SEP 10.0f   /* between two entries of a row */

/* Walks the entries row by row; when draw is set, draws them with the first
 * row's text box top at `top`.  Returns the number of rows, 0 when an entry
 * is wider than the box (or on error). */
static size_t chart_legend_flow(chart_ctx *cc, const chart_spec *s, const chart_legend *lg,
                                const chart_layout *L, bool draw, float top)
{
    float avail = L->br - L->bl - 2 * CHART_PAD;
    size_t rows = 0, j = 0;
    while (j < s->nseries) {
        /* Gather one row. */
        size_t end = j;
        float row_w = 0;
        while (end < s->nseries) {
            float iw = chart_legend_item_w(cc, s, lg, end);
            if (cc->err)
                return 0;
            float nw = row_w + (end > j ? CHART_LEGEND_SEP : 0) + iw;
            if (nw > avail) {
                if (end == j)
                    return 0;
                break;
            }
            row_w = nw;
            end++;
        }
        if (draw) {
            float x = (L->bl + L->br) / 2 - row_w / 2;
            float base = top - (float)rows * lg->row_h - CHART_ASC * lg->size;
            float mid = base + (CHART_ASC - CHART_DESC) / 2 * lg->size;
            for (size_t k = j; k < end; k++) {
                if (s->type == CHART_LINE) {
                    chart_line(cc, x, mid, x + lg->swatch, mid, 1.5f, chart_line_color(k));
                    chart_marker(cc, k, x + lg->swatch / 2, mid, 2.5f);
                } else {
                    float q = lg->size * 0.8f;
                    chart_bar_rect(cc, x + (lg->swatch - q) / 2, mid - q / 2, q, q, k, s->nseries);
                }
                char nb[32];
                const char *name = chart_series_name(s, k, nb, sizeof nb);
                chart_text_at(cc, x + lg->swatch + 3.0f, base, lg->size, name, chart_ink);
                x += chart_legend_item_w(cc, s, lg, k) + CHART_LEGEND_SEP;
            }
        }
        rows++;
        j = end;
    }
    return rows;
}

/* ---- category labels --------------------------------------------------- */

/* A category label may hold a line break: "1月\n2027年" is set on two
 * lines, each centred under the band, so that long labels need not be
 * thinned out.  Splits c into its first line (copied into l1) and the rest. */
static const char *chart_cat_split(const char *c, char *l1, size_t n1)
{
    const char *nl = strchr(c, '\n');
    size_t len = nl ? (size_t)(nl - c) : strlen(c);
    if (len >= n1)
        len = n1 - 1;
    memcpy(l1, c, len);
    l1[len] = '\0';
    return nl ? nl + 1 : NULL;
}

/* Width of a category label's box: its widest line. */
static float chart_cat_width(chart_ctx *cc, const char *c, float size)
{
    char l1[CHART_LABEL_BUF];
    const char *l2 = chart_cat_split(c, l1, sizeof l1);
    float w = chart_measure(cc, l1, size);
    if (l2)
        w = fmaxf(w, chart_measure(cc, l2, size));
    return w;
}

static bool chart_cats_two_lines(const chart_spec *s)
{
    for (size_t i = 0; i < s->ncat; i++)
        if (s->categories[i] && strchr(s->categories[i], '\n'))
            return true;
    return false;
}

#define CHART_CAT_LEAD 1.15f   /* baseline distance of two-line labels, x size */

/* Left edge of category label i (width lw) centred under its band, pushed
 * inside the box at the two ends. */
static float chart_cat_left(const chart_layout *L, size_t i, float lw)
{
    float left = chart_band_center(L, i) - lw / 2;
    if (left + lw > L->br - CHART_PAD)
        left = L->br - CHART_PAD - lw;
    if (left < L->bl + CHART_PAD)
        left = L->bl + CHART_PAD;
    return left;
}

/* Do the labels at this size and stride fit without overlapping each other
 * or leaving the box?  1 yes, 0 no (also on error). */
static int chart_cats_fit(chart_ctx *cc, const chart_spec *s, const chart_layout *L, float size,
                          size_t stride)
{
    float prev_right = -INFINITY;
    float maxw = L->br - L->bl - 2 * CHART_PAD;
    for (size_t i = 0; i < s->ncat; i += stride) {
        const char *c = chart_str(s->categories[i]);
        float lw = chart_cat_width(cc, c, size);
        if (cc->err || lw > maxw)
            return 0;
        if (lw == 0)
            continue;
        float left = chart_cat_left(L, i, lw);
        /* Half an em apart at least: closer labels read as one. */
        if (left < prev_right + fmaxf(CHART_GAP, 0.5f * size))
            return 0;
        prev_right = left + lw;
    }
    return 1;
}

/* Shrinks the labels down to the floor size, then skips every other one
 * (then two of three, ...) until they fit. */
static or_status chart_fit_cats(chart_ctx *cc, const chart_spec *s, chart_layout *L)
{
    for (float size = CHART_LABEL_SIZE; size >= CHART_LABEL_MIN - 1e-3f; size -= CHART_SIZE_STEP) {
        if (chart_cats_fit(cc, s, L, size, 1)) {
            L->cat_size = size;
            L->cat_stride = 1;
            return OR_OK;
        }
        if (cc->err)
            return cc->err;
    }
    for (size_t stride = 2; stride <= s->ncat; stride++) {
        if (chart_cats_fit(cc, s, L, CHART_LABEL_MIN, stride)) {
            L->cat_size = CHART_LABEL_MIN;
            L->cat_stride = stride;
            return OR_OK;
        }
        if (cc->err)
            return cc->err;
    }
    return chart_too_small(cc, L, "the category labels");
}

/* ---- the data ---------------------------------------------------------- */

/* Geometry of bar j of category i in a grouped bar chart. */
static void chart_bar_slot(const chart_layout *L, size_t nseries, size_t i, size_t j,
                           float *x, float *bw, float *slot)
{
    float group = L->band * (nseries == 1 ? 0.6f : 0.8f);
    *slot = group / (float)nseries;
    *bw = nseries == 1 ? *slot : *slot * 0.85f;
    *x = L->pl + (float)i * L->band + (L->band - group) / 2 + (float)j * *slot + (*slot - *bw) / 2;
}

/* Where a value label goes: above a bar that rises from the baseline, below
 * one that hangs from it.  Returns false when there is no room inside the
 * plot (the reserved strip above the plot counts as room). */
static bool chart_value_pos(const chart_layout *L, float y_end, bool down, float size,
                            float *base)
{
    if (!down) {
        *base = y_end + 1.5f + CHART_DESC * size;
        return true;
    }
    *base = y_end - 1.5f - CHART_ASC * size;
    return *base - CHART_DESC * size >= L->pb;
}

/* Chooses the value label size: every label must fit over its bar (slot
 * width, less a gap), else none is drawn, so a chart never shows numbers
 * over some bars only.  Returns 0 for no labels. */
static float chart_value_size(chart_ctx *cc, const chart_spec *s, const chart_layout *L)
{
    float room;
    if (s->type == CHART_STACKED_BAR) {
        room = L->band - 1.0f;
    } else {
        float x, bw, slot;
        chart_bar_slot(L, s->nseries, 0, 0, &x, &bw, &slot);
        room = (s->nseries == 1 ? L->band : slot) - 1.0f;
    }
    char buf[CHART_LABEL_BUF];
    for (float size = CHART_VALUE_SIZE; size >= CHART_VALUE_MIN - 1e-3f; size -= CHART_SIZE_STEP) {
        bool ok = true;
        for (size_t i = 0; i < s->ncat && ok; i++) {
            double total = 0;
            bool any = false;
            for (size_t j = 0; j < s->nseries && ok; j++) {
                double v = s->series[j].values[i];
                if (isnan(v))
                    continue;
                any = true;
                total += v;
                if (s->type == CHART_STACKED_BAR)
                    continue;
                chart_format(buf, sizeof buf, v, L->value_dec, s->unit);
                ok = chart_measure(cc, buf, size) <= room && !cc->err;
            }
            if (s->type == CHART_STACKED_BAR && any && ok) {
                chart_format(buf, sizeof buf, total, L->value_dec, s->unit);
                ok = chart_measure(cc, buf, size) <= room && !cc->err;
            }
        }
        if (cc->err)
            return 0;
        if (ok)
            return size;
    }
    return 0;
}

static void chart_draw_bars(chart_ctx *cc, const chart_spec *s, const chart_layout *L,
                            float vsize)
{
    char buf[CHART_LABEL_BUF];
    float y0 = chart_ymap(L, 0.0);
    for (size_t i = 0; i < s->ncat && !cc->err; i++) {
        for (size_t j = 0; j < s->nseries; j++) {
            double v = s->series[j].values[i];
            if (isnan(v))
                continue;
            float x, bw, slot;
            chart_bar_slot(L, s->nseries, i, j, &x, &bw, &slot);
            float y1 = chart_ymap(L, v);
            float lo = fminf(y0, y1), hi = fmaxf(y0, y1);
            if (hi - lo > 0)
                chart_bar_rect(cc, x, lo, bw, hi - lo, j, s->nseries);
            if (vsize > 0) {
                float base;
                bool down = y1 < y0;
                if (chart_value_pos(L, y1, down, vsize, &base)) {
                    chart_format(buf, sizeof buf, v, L->value_dec, s->unit);
                    float tw = chart_measure(cc, buf, vsize);
                    chart_text_at(cc, x + bw / 2 - tw / 2, base, vsize, buf, chart_ink);
                }
            }
        }
    }
}

static void chart_draw_stacked(chart_ctx *cc, const chart_spec *s, const chart_layout *L,
                               float vsize)
{
    char buf[CHART_LABEL_BUF];
    float bw = L->band * 0.6f;
    for (size_t i = 0; i < s->ncat && !cc->err; i++) {
        double pos = 0, neg = 0, total = 0;
        bool any = false;
        float x = L->pl + (float)i * L->band + (L->band - bw) / 2;
        for (size_t j = 0; j < s->nseries; j++) {
            double v = s->series[j].values[i];
            if (isnan(v))
                continue;
            any = true;
            total += v;
            double from = v >= 0 ? pos : neg;
            double to = from + v;
            if (v >= 0)
                pos = to;
            else
                neg = to;
            float ya = chart_ymap(L, from), yb = chart_ymap(L, to);
            float lo = fminf(ya, yb), hi = fmaxf(ya, yb);
            if (hi - lo <= 0)
                continue;
            dl_color c = chart_fill_color(j, s->nseries, NULL);
            /* The dark outline keeps neighbouring segments apart. */
            chart_bar_rect(cc, x, lo, bw, hi - lo, j, s->nseries);
            if (vsize > 0 && hi - lo >= vsize + 1.0f) {
                chart_format(buf, sizeof buf, v, L->value_dec, s->unit);
                float tw = chart_measure(cc, buf, vsize);
                if (tw <= bw - 2.0f) {
                    float base = (lo + hi) / 2 - (CHART_ASC - CHART_DESC) / 2 * vsize;
                    dl_color ink = chart_grey(c) < 0.5f ? chart_white : chart_ink;
                    chart_text_at(cc, x + bw / 2 - tw / 2, base, vsize, buf, ink);
                }
            }
        }
        if (any && vsize > 0) {
            /* The total sits above the positive part of the stack (or above
             * the baseline when everything is negative). */
            float base;
            chart_value_pos(L, chart_ymap(L, pos), false, vsize, &base);
            chart_format(buf, sizeof buf, total, L->value_dec, s->unit);
            float tw = chart_measure(cc, buf, vsize);
            chart_text_at(cc, chart_band_center(L, i) - tw / 2, base, vsize, buf, chart_ink);
        }
    }
}

static void chart_draw_lines(chart_ctx *cc, const chart_spec *s, const chart_layout *L)
{
    if (s->ncat > SIZE_MAX / (2 * sizeof(float))) {
        cc->err = diag_nomem(cc->d);
        return;
    }
    float *xy = or_malloc(s->ncat * 2 * sizeof(float));
    if (!xy) {
        cc->err = diag_nomem(cc->d);
        return;
    }
    for (size_t j = 0; j < s->nseries && !cc->err; j++) {
        dl_color c = chart_line_color(j);
        /* Runs of consecutive values; NAN breaks the line. */
        size_t n = 0;
        for (size_t i = 0; i <= s->ncat; i++) {
            double v = i < s->ncat ? s->series[j].values[i] : NAN;
            if (!isnan(v)) {
                xy[2 * n] = chart_band_center(L, i);
                xy[2 * n + 1] = chart_ymap(L, v);
                n++;
                continue;
            }
            if (n >= 2)
                chart_path(cc, xy, n, 1.5f, false, false, c, c);
            n = 0;
        }
        for (size_t i = 0; i < s->ncat; i++) {
            double v = s->series[j].values[i];
            if (!isnan(v))
                chart_marker(cc, j, chart_band_center(L, i), chart_ymap(L, v), 2.5f);
        }
    }
    or_free(xy);
}

/* An axis that starts above zero is cut: two parallel slanted strokes
 * across the foot of the y axis with paper between them. */
static void chart_draw_break(chart_ctx *cc, const chart_layout *L)
{
    float x = L->pl, y = L->pb + 4.0f, hw = 3.0f, rise = 1.5f, gap = 2.5f;
    const float band[] = {x - hw, y - rise, x + hw, y + rise, x + hw, y + rise + gap, x - hw, y - rise + gap};
    chart_path(cc, band, 4, 0, true, true, chart_white, chart_white);
    chart_line(cc, x - hw, y - rise, x + hw, y + rise, 0.8f, chart_ink);
    chart_line(cc, x - hw, y - rise + gap, x + hw, y + rise + gap, 0.8f, chart_ink);
}

/* The reference line, dashed across the plot, behind the data.  Returns
 * false when it lies outside the axis range (with a warning). */
static bool chart_draw_ref_line(chart_ctx *cc, const chart_spec *s, const chart_layout *L)
{
    double eps = 1e-9 * (L->hi - L->lo);
    if (s->ref_value < L->lo - eps || s->ref_value > L->hi + eps) {
        diag_warn(cc->d, cc->where, 0, "chart: the reference line at %g is outside the y axis range %g..%g "
                  "and is not drawn", s->ref_value, L->lo, L->hi);
        return false;
    }
    float y = chart_ymap(L, s->ref_value);
    chart_dashed(cc, L->pl, y, L->pr, y, 0.9f, chart_ink, 3.0f);
    return true;
}

/* Its label, drawn last: just above the line at its right end, else below
 * it, else at the left end, wherever it clears every other text and stays
 * inside the plot.  With no such place the line stays unlabelled, with a
 * warning (labels never overlap). */
static void chart_draw_ref_label(chart_ctx *cc, const chart_spec *s, const chart_layout *L)
{
    if (!s->ref_label || !*s->ref_label)
        return;
    float y = chart_ymap(L, s->ref_value);
    float tw = 0;
    float size = chart_fit(cc, s->ref_label, CHART_LABEL_SIZE, CHART_LABEL_MIN, L->pr - L->pl - 4.0f, &tw);
    if (cc->err)
        return;
    if (size > 0) {
        const float lefts[] = {L->pr - 2.0f - tw, L->pl + 4.0f, (L->pl + L->pr) / 2 - tw / 2};
        const float bases[] = {y + 1.5f + CHART_DESC * size, y - 1.5f - CHART_ASC * size};
        for (size_t i = 0; i < 3; i++)
            for (size_t k = 0; k < 2; k++) {
                float l = lefts[i], b = bases[k] - CHART_DESC * size, t = bases[k] + CHART_ASC * size;
                if (b < L->pb || t > L->pt || l < L->pl || l + tw > L->pr)
                    continue;
                if (chart_box_free(cc, l, b, l + tw, t)) {
                    chart_text_at(cc, l, bases[k], size, s->ref_label, chart_ink);
                    return;
                }
            }
    }
    diag_warn(cc->d, cc->where, 0, "chart: no room for the reference line label \"%s\"; the line is drawn "
              "without it", s->ref_label);
}

/* ---- the whole chart --------------------------------------------------- */

static or_status chart_run(chart_ctx *cc, float x, float top, float w, float h,
                           const chart_spec *s)
{
    chart_layout L;
    memset(&L, 0, sizeof L);
    L.bl = x;
    L.br = x + w;
    L.bt = top;
    L.bb = top - h;
    float inner = w - 2 * CHART_PAD;

    /* Top strip: title, legend, y axis title. */
    float cur = L.bt - CHART_PAD;
    float title_size = 0, title_w = 0, title_base = 0;
    if (s->title && *s->title) {
        title_size = chart_fit(cc, s->title, CHART_TITLE_SIZE, CHART_TITLE_MIN, inner, &title_w);
        if (cc->err)
            return cc->err;
        if (title_size == 0)
            return chart_too_small(cc, &L, "the title");
        title_base = cur - CHART_ASC * title_size;
        cur -= title_size + 4.0f;
    }
    chart_legend lg = {CHART_LABEL_SIZE, CHART_LABEL_SIZE * 1.4f,
                       s->type == CHART_LINE ? 16.0f : CHART_LABEL_SIZE, 0, 0};
    L.legend = s->nseries > 1 || s->type == CHART_LINE;
    float legend_top = cur;
    if (L.legend) {
        lg.nrows = chart_legend_flow(cc, s, &lg, &L, false, 0);
        if (cc->err)
            return cc->err;
        if (lg.nrows == 0)
            return chart_too_small(cc, &L, "the legend");
        lg.height = (float)(lg.nrows - 1) * lg.row_h + lg.size;
        cur -= lg.height + 4.0f;
    }
    float ylab_size = 0, ylab_w = 0, ylab_base = 0;
    if (s->y_label && *s->y_label) {
        ylab_size = chart_fit(cc, s->y_label, CHART_LABEL_SIZE, CHART_LABEL_MIN, inner, &ylab_w);
        if (cc->err)
            return cc->err;
        if (ylab_size == 0)
            return chart_too_small(cc, &L, "the y axis title");
        ylab_base = cur - CHART_ASC * ylab_size;
        cur -= ylab_size + 3.0f;
    }
    /* Above the plot: half the top tick label, and room for the numbers
     * over the tallest bar. */
    float head = CHART_LABEL_SIZE / 2;
    if (s->type != CHART_LINE)
        head = fmaxf(head, CHART_VALUE_SIZE + 2.0f);
    L.pt = cur - head;

    /* Bottom strip: x axis title, category labels. */
    cur = L.bb + CHART_PAD;
    float xlab_size = 0, xlab_w = 0, xlab_base = 0;
    if (s->x_label && *s->x_label) {
        xlab_size = chart_fit(cc, s->x_label, CHART_LABEL_SIZE, CHART_LABEL_MIN, inner, &xlab_w);
        if (cc->err)
            return cc->err;
        if (xlab_size == 0)
            return chart_too_small(cc, &L, "the x axis title");
        xlab_base = cur + CHART_DESC * xlab_size;
        cur += xlab_size + 3.0f;
    }
    bool two_lines = chart_cats_two_lines(s);
    L.cat_top = cur + CHART_LABEL_SIZE * (two_lines ? 1.0f + CHART_CAT_LEAD : 1.0f);
    /* The bottom tick label reaches half its size below the axis; category
     * labels start below that. */
    L.pb = L.cat_top + CHART_LABEL_SIZE / 2 + 1.0f;
    if (L.pt - L.pb < CHART_MIN_PLOT)
        return chart_too_small(cc, &L, "the plot area (not enough height)");

    /* The plot height bounds the number of tick labels; the y axis and its
     * labels then decide the left margin. */
    double step = 1;
    double min_frac = (CHART_LABEL_SIZE + 1.0) / (double)(L.pt - L.pb);
    L.nticks = chart_axis_pick(s, min_frac, &L.lo, &L.hi, &step, &L.tick_dec);
    if (L.nticks == 0)
        return chart_too_small(cc, &L, "the y axis labels");
    L.step = step;
    L.first_tick = ceil(L.lo / step - 1e-7);
    chart_data dd;
    chart_scan(s, &dd);
    L.any_data = dd.any;
    if (s->decimals >= 0)
        L.value_dec = L.tick_dec;
    else
        L.value_dec = dd.integers ? 0 : dd.value_dec;

    char buf[CHART_LABEL_BUF];
    float tick_w = 0;
    for (size_t t = 0; t < L.nticks; t++) {
        chart_format(buf, sizeof buf, (L.first_tick + (double)t) * step, L.tick_dec, s->unit);
        tick_w = fmaxf(tick_w, chart_measure(cc, buf, CHART_LABEL_SIZE));
    }
    if (cc->err)
        return cc->err;

    L.pl = L.bl + CHART_PAD + tick_w + 3.0f + CHART_TICK;
    L.pr = L.br - CHART_PAD;
    if (L.pr - L.pl < CHART_MIN_PLOT || L.pr - L.pl < CHART_MIN_BAND * (float)s->ncat)
        return chart_too_small(cc, &L, "the plot area (not enough width)");
    L.band = (L.pr - L.pl) / (float)s->ncat;

    or_status st = chart_fit_cats(cc, s, &L);
    if (st != OR_OK)
        return st;
    float vsize = 0;
    if (s->type != CHART_LINE && L.any_data) {
        vsize = chart_value_size(cc, s, &L);
        if (cc->err)
            return cc->err;
    }

    /* Clipping is legal (a zoomed axis) but worth a word: the reader cannot
     * tell a clipped bar from a full one. */
    size_t clipped = 0;
    double eps = 1e-9 * (L.hi - L.lo);
    for (size_t j = 0; j < s->nseries; j++)
        for (size_t i = 0; i < s->ncat; i++) {
            double v = s->series[j].values[i];
            if (!isnan(v) && s->type != CHART_STACKED_BAR && (v < L.lo - eps || v > L.hi + eps))
                clipped++;
        }
    /* A stack is clipped when one of its ends is (its lower segments under
     * a raised axis minimum are a choice, not a surprise). */
    if (s->type == CHART_STACKED_BAR && ((dd.dmin < 0 && dd.dmin < L.lo - eps) || dd.dmax > L.hi + eps))
        clipped++;
    if (clipped)
        diag_warn(cc->d, cc->where, 0, "chart: values outside the y axis range %g..%g are clipped",
                  L.lo, L.hi);

    /* ---- drawing: back to front ---- */
    if (title_size > 0)
        chart_text_at(cc, (L.bl + L.br) / 2 - title_w / 2, title_base, title_size, s->title,
                      chart_ink);
    if (L.legend)
        chart_legend_flow(cc, s, &lg, &L, true, legend_top);
    if (ylab_size > 0)
        chart_text_at(cc, L.bl + CHART_PAD, ylab_base, ylab_size, s->y_label, chart_ink);

    for (size_t t = 0; t < L.nticks; t++) {
        double v = (L.first_tick + (double)t) * step;
        float y = chart_ymap(&L, v);
        if (y > L.pb + 0.25f)
            chart_line(cc, L.pl, y, L.pr, y, 0.4f, chart_grid_color);
        chart_line(cc, L.pl - CHART_TICK, y, L.pl, y, 0.6f, chart_axis_color);
        chart_format(buf, sizeof buf, v, L.tick_dec, s->unit);
        float tw = chart_measure(cc, buf, CHART_LABEL_SIZE);
        chart_text_at(cc, L.pl - CHART_TICK - 3.0f - tw,
                      y - (CHART_ASC - CHART_DESC) / 2 * CHART_LABEL_SIZE, CHART_LABEL_SIZE, buf,
                      chart_ink);
    }

    /* The reference line behind the data: a series crossing it stays whole;
     * its label comes last, clear of every other text. */
    bool ref_drawn = s->has_ref && chart_draw_ref_line(cc, s, &L);
    cc->record = ref_drawn && s->ref_label && *s->ref_label;
    if (s->type == CHART_BAR)
        chart_draw_bars(cc, s, &L, vsize);
    else if (s->type == CHART_STACKED_BAR)
        chart_draw_stacked(cc, s, &L, vsize);
    else
        chart_draw_lines(cc, s, &L);

    /* Axes over the data so bars do not hide them; a zero line when the
     * axis crosses zero. */
    chart_line(cc, L.pl, L.pb, L.pl, L.pt, 0.8f, chart_axis_color);
    chart_line(cc, L.pl, L.pb, L.pr, L.pb, 0.8f, chart_axis_color);
    if (L.lo < 0 && L.hi > 0) {
        float y0 = chart_ymap(&L, 0.0);
        chart_line(cc, L.pl, y0, L.pr, y0, 0.6f, chart_axis_color);
    }
    if (L.lo > 1e-9 * (L.hi - L.lo))
        chart_draw_break(cc, &L);

    if (!L.any_data) {
        float nw;
        float ns = chart_fit(cc, "无数据", CHART_NODATA_SIZE, CHART_LABEL_MIN, L.pr - L.pl - 4, &nw);
        if (ns > 0)
            chart_text_at(cc, (L.pl + L.pr) / 2 - nw / 2,
                          (L.pb + L.pt) / 2 - (CHART_ASC - CHART_DESC) / 2 * ns, ns, "无数据",
                          chart_faint);
    }

    float cat_base = L.cat_top - CHART_ASC * L.cat_size;
    for (size_t i = 0; i < s->ncat; i += L.cat_stride) {
        const char *c = chart_str(s->categories[i]);
        float lw = chart_cat_width(cc, c, L.cat_size);
        float left = chart_cat_left(&L, i, lw);
        char l1[CHART_LABEL_BUF];
        const char *l2 = chart_cat_split(c, l1, sizeof l1);
        float w1 = chart_measure(cc, l1, L.cat_size);
        chart_text_at(cc, left + (lw - w1) / 2, cat_base, L.cat_size, l1, chart_ink);
        if (l2) {
            float w2 = chart_measure(cc, l2, L.cat_size);
            chart_text_at(cc, left + (lw - w2) / 2, cat_base - CHART_CAT_LEAD * L.cat_size, L.cat_size, l2,
                          chart_ink);
        }
        /* With skipped labels, a tick shows which bar a label belongs to. */
        if (L.cat_stride > 1)
            chart_line(cc, chart_band_center(&L, i), L.pb, chart_band_center(&L, i),
                       L.pb - 2.0f, 0.6f, chart_axis_color);
    }
    if (ref_drawn)
        chart_draw_ref_label(cc, s, &L);
    if (xlab_size > 0) {
        /* Centred under the plot, pushed back inside the box if need be. */
        float xl = fminf((L.pl + L.pr) / 2 - xlab_w / 2, L.br - CHART_PAD - xlab_w);
        chart_text_at(cc, fmaxf(xl, L.bl + CHART_PAD), xlab_base, xlab_size, s->x_label,
                      chart_ink);
    }
    return cc->err;
}

or_status chart_draw(dl_doc *doc, size_t page, float x, float top, float w, float h,
                     const chart_spec *spec, const chart_text *text, const char *where, diag *d)
{
    chart_ctx cc = {doc, page, text, where, d, OR_OK, false, NULL, 0, 0};
    if (!doc || page >= doc->npages || !text || !text->measure || !text->draw) {
        diag_error(d, where, 0, "chart: no page or text functions to draw with");
        return OR_EINPUT;
    }
    if (!isfinite(x) || !isfinite(top)) {
        diag_error(d, where, 0, "chart: box position is not a number");
        return OR_EINPUT;
    }
    or_status st = chart_check(&cc, spec, w, h);
    if (st != OR_OK)
        return st;
    /* All or nothing: a failed chart leaves the page as it was.  Strings the
     * arena already holds stay there until dl_doc_free, harmlessly. */
    size_t saved = doc->pages[page].nops;
    st = chart_run(&cc, x, top, w, h, spec);
    or_free(cc.boxes);
    if (st != OR_OK)
        doc->pages[page].nops = saved;
    return st;
}
