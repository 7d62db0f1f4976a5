/* pla plot's pictures, drawn on rank 0 with the small SVG writer
   (plot_svg.c): the scree plot and the scatter plot of two components. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plot_draw.h"

static void label_text(double v, char *buf, size_t cap)
{
    if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, cap, "%.0f", v == 0 ? 0.0 : v);
    else
        snprintf(buf, cap, "%.6g", v);
}

static const char SUBTLE[] = "#555555";
static const char BAR[] = "#1f77b4";
static const char CUMULATIVE[] = "#ff7f0e";

static void header(svg_doc *s, const char *title, const char *subtitle)
{
    svg_group_begin(s, "title", NULL);
    svg_text(s, s->width / 2, 30, "middle", 17, 1, 0, NULL, title);
    svg_text(s, s->width / 2, 50, "middle", 12, 0, 0, SUBTLE, subtitle);
    svg_group_end(s);
}

/* The x ticks of a scree plot: every component up to 25, else nice steps
   (with component 1 when the step is 5 or more). */
static void component_ticks(int64_t k, svg_ticks *t)
{
    if (k <= 25) {
        t->n = (int)k;
        for (int64_t i = 0; i < k; ++i)
            t->v[i] = (double)(i + 1);
        t->decimals = 0;
        return;
    }
    svg_ticks nice;
    svg_nice_ticks(1, (double)k, 11, &nice);
    const double step = nice.n > 1 ? nice.v[1] - nice.v[0] : 1;
    t->n = 0;
    t->decimals = 0;
    if (step >= 5)
        t->v[t->n++] = 1;
    for (int i = 0; i < nice.n && t->n < SVG_MAX_TICKS; ++i)
        if (nice.v[i] >= 1 && nice.v[i] <= (double)k && nice.v[i] != 1)
            t->v[t->n++] = nice.v[i];
}

/* Returns 0 when out of memory (for the line's points). */
int plot_draw_scree(svg_doc *s, const plot_plan *p, const double *r, const char *title)
{
    const int64_t k = p->k;
    double *xs = malloc((size_t)k * sizeof *xs), *ys = malloc((size_t)k * sizeof *ys);
    if (xs == NULL || ys == NULL) {
        free(xs);
        free(ys);
        return 0;
    }
    char subtitle[5200], tip[160];
    double total = 0;
    for (int64_t i = 0; i < k; ++i)
        total += r[i];
    snprintf(subtitle, sizeof subtitle, "%s: %lld component%s, together %.1f%% of the variance", p->in.display,
             (long long)k, k == 1 ? "" : "s", 100 * fmin(total, 1.0));
    header(s, title, subtitle);

    const svg_key keys[2] = { { SVG_KEY_BAR, BAR, "explained variance ratio" },
                              { SVG_KEY_LINE, CUMULATIVE, "cumulative" } };
    svg_legend_row(s, (s->width - svg_legend_row_width(keys, 2)) / 2, 72, keys, 2);

    svg_frame fr = { 78, 92, s->width - 78 - 28, s->height - 92 - 62, 0.5, (double)k + 0.5, 0, 1 };
    svg_ticks xt, yt;
    component_ticks(k, &xt);
    svg_nice_ticks(0, 1, 6, &yt);
    svg_axes(s, &fr, &xt, &yt, "principal component", "explained variance ratio");

    const double slot = fr.width / (double)k, bw = fmax(0.8 * slot, 0.5), base = svg_py(&fr, 0);
    svg_group_begin(s, "bars", NULL);
    double cum = 0;
    for (int64_t i = 0; i < k; ++i) {
        cum += r[i];
        snprintf(tip, sizeof tip, "PC%lld: %.4f (cumulative %.4f)", (long long)(i + 1), r[i], fmin(cum, 1.0));
        const double top = svg_py(&fr, r[i]);
        svg_rect(s, svg_px(&fr, (double)(i + 1)) - bw / 2, top, bw, base - top, BAR, NULL, tip);
    }
    svg_group_end(s);

    svg_group_begin(s, "cumulative", NULL);
    cum = 0;
    for (int64_t i = 0; i < k; ++i) {
        cum += r[i];
        xs[i] = svg_px(&fr, (double)(i + 1));
        ys[i] = svg_py(&fr, fmin(cum, 1.0));
    }
    svg_polyline(s, xs, ys, (size_t)k, CUMULATIVE, 2);
    const double rad = fmin(3.5, fmax(1.2, 0.3 * slot));
    char fill[32];
    snprintf(fill, sizeof fill, "fill=\"%s\"", CUMULATIVE);
    svg_group_begin(s, NULL, fill);
    for (int64_t i = 0; i < k; ++i)
        svg_circle(s, xs[i], ys[i], rad, NULL);
    svg_group_end(s);
    svg_group_end(s);
    free(xs);
    free(ys);
    return 1;
}

/* [lo, hi] widened by 5% on each side (a single value: by 10% of it, or 1). */
static void padded_range(double lo, double hi, double *plo, double *phi)
{
    double pad = 0.05 * (hi - lo);
    if (!(pad > 1e-12 * fmax(fabs(lo), fabs(hi))))
        pad = fabs(lo) > 0 ? 0.1 * fabs(lo) : 1.0;
    *plo = lo - pad;
    *phi = hi + pad;
}


void plot_draw_scatter(svg_doc *s, const plot_plan *p, const plot_args *a, const double *ratio,
                         const scatter_data *d, const char *title)
{
    const int64_t m = p->m;
    char subtitle[10000], xlabel[96], ylabel[96], style[96];
    char names[PLOT_MAX_LABELS][32];
    svg_key keys[PLOT_MAX_LABELS];
    if (d->labels)
        snprintf(subtitle, sizeof subtitle, "%s: %lld samples, colored by %s", p->in.display, (long long)m,
                 p->labels.display);
    else
        snprintf(subtitle, sizeof subtitle, "%s: %lld sample%s", p->in.display, (long long)m, m == 1 ? "" : "s");
    header(s, title, subtitle);
    const int64_t ci = a->ci, cj = a->cj;
    if (ratio && ci <= p->k)
        snprintf(xlabel, sizeof xlabel, "PC%lld (%.1f%%)", (long long)ci, 100 * ratio[ci - 1]);
    else
        snprintf(xlabel, sizeof xlabel, "PC%lld", (long long)ci);
    if (ratio && cj <= p->k)
        snprintf(ylabel, sizeof ylabel, "PC%lld (%.1f%%)", (long long)cj, 100 * ratio[cj - 1]);
    else
        snprintf(ylabel, sizeof ylabel, "PC%lld", (long long)cj);

    double legend_w = 0;
    const char *legend_title = NULL;
    if (d->labels) {
        for (int c = 0; c < d->nclasses; ++c) {
            label_text(d->classes[c], names[c], sizeof names[c]);
            keys[c] = (svg_key){ SVG_KEY_POINT, svg_palette[c], names[c] };
        }
        legend_title = strrchr(p->labels.path, '/') ? strrchr(p->labels.path, '/') + 1 : p->labels.path;
        legend_w = svg_legend_column_width(legend_title, keys, d->nclasses) + 24;
    }

    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (int64_t i = 0; i < m; ++i) {
        xlo = fmin(xlo, d->x[i]);
        xhi = fmax(xhi, d->x[i]);
        ylo = fmin(ylo, d->y[i]);
        yhi = fmax(yhi, d->y[i]);
    }
    svg_frame fr = { 84, 70, s->width - 84 - 28 - legend_w, s->height - 70 - 62, 0, 1, 0, 1 };
    padded_range(xlo, xhi, &fr.xlo, &fr.xhi);
    padded_range(ylo, yhi, &fr.ylo, &fr.yhi);
    svg_ticks xt, yt;
    svg_nice_ticks(fr.xlo, fr.xhi, (int)fmax(4, fr.width / 80), &xt);
    svg_nice_ticks(fr.ylo, fr.yhi, (int)fmax(4, fr.height / 55), &yt);
    svg_axes(s, &fr, &xt, &yt, xlabel, ylabel);

    const double rad = m <= 1000 ? 3.5 : m <= 5000 ? 2.5 : m <= 50000 ? 1.6 : 1.0;
    const char *opacity = m > 20000 ? " fill-opacity=\"0.4\"" : "";
    if (d->labels == NULL) {
        snprintf(style, sizeof style, "fill=\"%s\"%s", svg_palette[0], opacity);
        svg_group_begin(s, "points", style);
        for (int64_t i = 0; i < m; ++i)
            svg_circle(s, svg_px(&fr, d->x[i]), svg_py(&fr, d->y[i]), rad, NULL);
        svg_group_end(s);
        return;
    }
    /* One group per class, so the color is said once; the larger classes
       first, so that the points of a small class are not hidden under them. */
    int64_t count[PLOT_MAX_LABELS] = { 0 };
    int order[PLOT_MAX_LABELS];
    for (int64_t i = 0; i < m; ++i)
        for (int c = 0; c < d->nclasses; ++c)
            if (d->labels[i] == d->classes[c]) {
                count[c]++;
                break;
            }
    for (int c = 0; c < d->nclasses; ++c) {  /* insertion sort: by count, descending, then by label */
        int j = c;
        for (; j > 0 && count[order[j - 1]] < count[c]; --j)
            order[j] = order[j - 1];
        order[j] = c;
    }
    svg_group_begin(s, "points", NULL);
    for (int o = 0; o < d->nclasses; ++o) {
        const int c = order[o];
        snprintf(style, sizeof style, "fill=\"%s\"%s", svg_palette[c], opacity);
        svg_group_begin(s, NULL, style);
        for (int64_t i = 0; i < m; ++i)
            if (d->labels[i] == d->classes[c])
                svg_circle(s, svg_px(&fr, d->x[i]), svg_py(&fr, d->y[i]), rad, NULL);
        svg_group_end(s);
    }
    svg_group_end(s);
    svg_legend_column(s, fr.left + fr.width + 24, fr.top, legend_title, keys, d->nclasses);
}

