/* chart: vector bar and line charts drawn into a display list.
 *
 * Half-year and year-end reports show month-by-month series: availability
 * (line, 99.2-100 %), incidents per level (grouped or stacked bars, small
 * integers), inspection completion (bars, %).  chart_draw lays out title,
 * legend, axes with "nice" ticks, grid, category labels and the data inside
 * one box, using only DL_LINE, DL_RECT and DL_PATH plus text placed through
 * the caller's callbacks (the caller owns fonts and shaping).
 *
 * Printed in black and white: series fills go from dark to light in the
 * order given (put the most severe first), with a dark outline so that the
 * lightest stays visible against the paper and the grid; from the fifth
 * series on the fills repeat hatched.  Line series differ by marker shape.
 * An axis that does not start at zero carries a break mark at its foot.
 *
 * Ownership: the spec and its arrays are only read during the call; every
 * string and point array pushed is copied into the dl_doc (dl_push). */
#ifndef OR_CHART_H
#define OR_CHART_H

#include "diag.h"
#include "display.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct chart_series {
    const char *name;        /* legend text; NULL = "系列N" */
    const double *values;    /* ncat values; NAN = no data */
} chart_series;

typedef enum { CHART_BAR, CHART_STACKED_BAR, CHART_LINE } chart_type;

typedef struct chart_spec {
    chart_type type;
    const char *title;                  /* may be NULL */
    const char *x_label, *y_label;      /* may be NULL */
    const char *unit;                   /* appended to tick and value labels, e.g. "%"; may be NULL */
    const char *const *categories;      /* ncat labels, e.g. "7月" */
    size_t ncat;
    const chart_series *series;
    size_t nseries;
    bool has_min, has_max;              /* fixed axis ends; else an automatic "nice" range */
    double y_min, y_max;                /* bars start at 0 unless has_min */
    int decimals;                       /* tick and value label decimals (0..10); -1 = automatic:
                                           from the tick step, and for values the
                                           fewest (<= 3) that show each exactly */
    bool has_ref;                       /* a reference line (a requirement, a target) */
    double ref_value;                   /* drawn dashed across the plot at this value;
                                           an automatic axis range includes it */
    const char *ref_label;              /* written above the line at its right end; may be NULL */
} chart_spec;

/* Text goes through the caller, who owns fonts: measure returns the width in
 * pt of utf8 at size; draw places it with its baseline at (x, y).  Both
 * return < 0 / -1 on failure.  The chart assumes the glyphs of a line of
 * text fit between 0.12*size below and 0.88*size above the baseline (the
 * ideographic em box of CJK fonts). */
typedef struct chart_text {
    float (*measure)(void *ctx, const char *utf8, float size);
    int (*draw)(void *ctx, dl_doc *doc, size_t page, float x, float y, float size,
                const char *utf8, dl_color color);
    void *ctx;
} chart_text;

/* Draws the chart into the box whose top-left corner is (x, top) with size
 * w x h (PDF points, origin bottom-left) on `page`.  Everything drawn stays
 * inside the box and no two text labels overlap.
 *
 * Returns OR_OK; OR_EINPUT (with a message through d naming `where`, e.g.
 * "doc.xml:12") for an impossible spec: no categories, no series, a NULL
 * values array, an infinite or absurdly large value (|v| > 1e12), box too
 * small to hold the axes and labels, y_min >= y_max; OR_ESYS on allocation
 * failure or when a text callback fails.  On any failure the page is left
 * with the ops it had before the call.  Values outside a fixed y range are
 * clipped to it, with one warning through d. */
or_status chart_draw(dl_doc *doc, size_t page, float x, float top, float w, float h,
                     const chart_spec *spec, const chart_text *text,
                     const char *where, diag *d);

/* The y axis chart_draw uses when the plot is tall enough for every tick
 * label (a short plot gets a coarser step), exposed for tests and for callers
 * that want the same scale elsewhere: fills lo, hi, the tick step and
 * decimals; returns the number of ticks (multiples of step in [lo, hi]), or
 * 0 when the spec is impossible (no data arrays, y_min >= y_max). */
size_t chart_axis(const chart_spec *spec, double *lo, double *hi, double *step, int *decimals);

/* The fill of series i of nseries in a bar or stacked chart, and whether it
 * is hatched; the stroke colour of series i in a line chart.  Exposed for
 * tests and legends drawn elsewhere. */
dl_color chart_fill_color(size_t i, size_t nseries, bool *hatched);
dl_color chart_line_color(size_t i);

/* Grey level of a colour as a printer or pdftoppm -gray makes it
 * (0.299 R + 0.587 G + 0.114 B), 0 black .. 1 white. */
float chart_grey(dl_color c);

#endif
