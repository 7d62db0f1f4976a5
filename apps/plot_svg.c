/* The SVG writer of `pla plot` (plot_svg.h). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plot_svg.h"

const char *const svg_palette[SVG_PALETTE_SIZE] = {
    /* matplotlib's tab10 */
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    /* ten more, darker or lighter than any of the first ten (from tab20b/tab20c) */
    "#393b79", "#e7ba52", "#637939", "#843c39", "#7b4173", "#9c9ede", "#3182bd", "#fd8d3c", "#74c476", "#de9ed6",
};

static const char FONT[] = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif";
static const char INK[] = "#222222";       /* text, frame */
static const char GRID[] = "#e3e3e3";      /* grid lines */

/* A coordinate rounded to 0.1 px, without a trailing ".0" and never "-0". */
static void num(FILE *f, double v)
{
    if (!isfinite(v))
        v = 0;
    if (v > 1e9) v = 1e9;
    if (v < -1e9) v = -1e9;
    long long t = llround(v * 10.0);
    long long a = t < 0 ? -t : t;
    const char *sign = t < 0 ? "-" : "";
    if (a % 10 == 0)
        fprintf(f, "%s%lld", sign, a / 10);
    else
        fprintf(f, "%s%lld.%lld", sign, a / 10, a % 10);
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one. */
static int utf8_len(const unsigned char *p)
{
    const unsigned char c = p[0];
    int n;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) n = 3;
    else if (c >= 0xf0 && c <= 0xf4) n = 4;
    else return 0;
    if (c == 0xe0) lo = 0xa0;       /* no overlong forms */
    else if (c == 0xed) hi = 0x9f;  /* no surrogates */
    else if (c == 0xf0) lo = 0x90;
    else if (c == 0xf4) hi = 0x8f;  /* nothing above U+10FFFF */
    if (p[1] < lo || p[1] > hi) return 0;
    for (int i = 2; i < n; ++i)
        if (p[i] < 0x80 || p[i] > 0xbf) return 0;
    return n;
}

void svg_escape(FILE *f, const char *text)
{
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    while (*p) {
        const int n = utf8_len(p);
        if (n == 0) {
            fputc('?', f);
            p++;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, (size_t)n, f);
            p += n;
            continue;
        }
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\t': case '\n': case '\r': fputc(' ', f); break;
        default: fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, f);
        }
        p++;
    }
}

double svg_text_width(const char *text, double size)
{
    /* DejaVu Sans: digits are 0.64 em, lower-case letters 0.5-0.65 em */
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; ++p)
        if ((*p & 0xc0) != 0x80)
            chars++;
    return 0.61 * size * (double)chars;
}

void svg_begin(svg_doc *s, FILE *f, double width, double height, const char *title)
{
    s->f = f;
    s->width = width;
    s->height = height;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fputs("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"", f);
    num(f, width);
    fputs("\" height=\"", f);
    num(f, height);
    fputs("\" viewBox=\"0 0 ", f);
    num(f, width);
    fputc(' ', f);
    num(f, height);
    fprintf(f, "\" font-family=\"%s\" font-size=\"12\">\n<title>", FONT);
    svg_escape(f, title);
    fputs("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", f);
}

void svg_end(svg_doc *s)
{
    fputs("</svg>\n", s->f);
}

void svg_group_begin(svg_doc *s, const char *id, const char *attrs)
{
    fputs("<g", s->f);
    if (id)
        fprintf(s->f, " id=\"%s\"", id);
    if (attrs)
        fprintf(s->f, " %s", attrs);
    fputs(">\n", s->f);
}

void svg_group_end(svg_doc *s)
{
    fputs("</g>\n", s->f);
}

void svg_text(svg_doc *s, double x, double y, const char *anchor, double size, int bold, double rotate,
              const char *fill, const char *text)
{
    FILE *f = s->f;
    fputs("<text x=\"", f);
    num(f, x);
    fputs("\" y=\"", f);
    num(f, y);
    fputc('"', f);
    if (anchor && strcmp(anchor, "start") != 0)
        fprintf(f, " text-anchor=\"%s\"", anchor);
    if (size != 12) {
        fputs(" font-size=\"", f);
        num(f, size);
        fputc('"', f);
    }
    if (bold)
        fputs(" font-weight=\"bold\"", f);
    fprintf(f, " fill=\"%s\"", fill ? fill : INK);
    if (rotate != 0) {
        fputs(" transform=\"rotate(", f);
        num(f, rotate);
        fputc(' ', f);
        num(f, x);
        fputc(' ', f);
        num(f, y);
        fputs(")\"", f);
    }
    fputc('>', f);
    svg_escape(f, text);
    fputs("</text>\n", f);
}

void svg_line(svg_doc *s, double x1, double y1, double x2, double y2, const char *stroke, double width,
              const char *dash)
{
    FILE *f = s->f;
    fputs("<line x1=\"", f);
    num(f, x1);
    fputs("\" y1=\"", f);
    num(f, y1);
    fputs("\" x2=\"", f);
    num(f, x2);
    fputs("\" y2=\"", f);
    num(f, y2);
    fprintf(f, "\" stroke=\"%s\" stroke-width=\"", stroke);
    num(f, width);
    fputc('"', f);
    if (dash)
        fprintf(f, " stroke-dasharray=\"%s\"", dash);
    fputs("/>\n", f);
}

void svg_rect(svg_doc *s, double x, double y, double w, double h, const char *fill, const char *stroke,
              const char *tooltip)
{
    FILE *f = s->f;
    fputs("<rect x=\"", f);
    num(f, x);
    fputs("\" y=\"", f);
    num(f, y);
    fputs("\" width=\"", f);
    num(f, w);
    fputs("\" height=\"", f);
    num(f, h);
    fprintf(f, "\" fill=\"%s\"", fill ? fill : "none");
    if (stroke)
        fprintf(f, " stroke=\"%s\"", stroke);
    if (tooltip) {
        fputs("><title>", f);
        svg_escape(f, tooltip);
        fputs("</title></rect>\n", f);
    } else {
        fputs("/>\n", f);
    }
}

void svg_polyline(svg_doc *s, const double *x, const double *y, size_t n, const char *stroke, double width)
{
    FILE *f = s->f;
    fputs("<polyline fill=\"none\" stroke-linejoin=\"round\" stroke=\"", f);
    fputs(stroke, f);
    fputs("\" stroke-width=\"", f);
    num(f, width);
    fputs("\" points=\"", f);
    for (size_t i = 0; i < n; ++i) {
        if (i)
            fputc(' ', f);
        num(f, x[i]);
        fputc(',', f);
        num(f, y[i]);
    }
    fputs("\"/>\n", f);
}

void svg_circle(svg_doc *s, double cx, double cy, double r, const char *fill)
{
    FILE *f = s->f;
    fputs("<circle cx=\"", f);
    num(f, cx);
    fputs("\" cy=\"", f);
    num(f, cy);
    fputs("\" r=\"", f);
    num(f, r);
    fputc('"', f);
    if (fill)
        fprintf(f, " fill=\"%s\"", fill);
    fputs("/>\n", f);
}

/* The smallest of 1, 2, 5 times a power of ten that is >= x (x > 0). */
static double nice_step(double x)
{
    const double p = pow(10.0, floor(log10(x)));
    const double f = x / p;
    return (f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10) * p;
}

void svg_nice_ticks(double lo, double hi, int max_ticks, svg_ticks *t)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    if (hi < lo) {
        const double x = lo;
        lo = hi;
        hi = x;
    }
    if (max_ticks < 2) max_ticks = 2;
    if (max_ticks > SVG_MAX_TICKS) max_ticks = SVG_MAX_TICKS;
    const double span = hi - lo > 0 ? hi - lo : fmax(fabs(lo), 1.0);
    const double slack = 1e-9 * span;
    double step = nice_step(span / (2.0 * max_ticks)), first = 0;
    for (int tries = 0; tries < 64; ++tries) {  /* the next of 1, 2, 5, 10, ... until few enough fit */
        first = ceil((lo - slack) / step);
        if (floor((hi + slack) / step) - first + 1 <= max_ticks)
            break;
        step = nice_step(step * 1.5);
    }
    int n = 0;
    for (double i = first; n < max_ticks; i += 1) {
        const double v = i * step;
        if (v > hi + slack)
            break;
        t->v[n++] = fabs(v) < 1e-9 * step ? 0.0 : v;
    }
    t->n = n;
    const int d = (int)-floor(log10(step) + 1e-9);
    t->decimals = d > 0 ? d : 0;
}

void svg_tick_text(const svg_ticks *t, double v, char *buf, size_t cap)
{
    double big = 0;
    for (int i = 0; i < t->n; ++i)
        big = fmax(big, fabs(t->v[i]));
    if (t->decimals > 6 || big >= 1e7)
        snprintf(buf, cap, "%.4g", v);
    else
        snprintf(buf, cap, "%.*f", t->decimals, v);
    /* "-0", "-0.00": plain zero */
    const char *p = buf[0] == '-' ? buf + 1 : NULL;
    if (p && strspn(p, "0.") == strlen(p))
        memmove(buf, buf + 1, strlen(buf));
}

double svg_px(const svg_frame *fr, double x)
{
    const double span = fr->xhi - fr->xlo;
    return fr->left + (span > 0 ? (x - fr->xlo) / span : 0.5) * fr->width;
}

double svg_py(const svg_frame *fr, double y)
{
    const double span = fr->yhi - fr->ylo;
    return fr->top + fr->height - (span > 0 ? (y - fr->ylo) / span : 0.5) * fr->height;
}

static int inside(double v, double lo, double hi)
{
    const double slack = 1e-9 * (hi - lo);
    return v >= lo - slack && v <= hi + slack;
}

void svg_axes(svg_doc *s, const svg_frame *fr, const svg_ticks *xt, const svg_ticks *yt, const char *xlabel,
              const char *ylabel)
{
    char buf[64];
    const double bottom = fr->top + fr->height, right = fr->left + fr->width;
    double ytext = 0;
    svg_group_begin(s, "grid", NULL);
    for (int i = 0; i < xt->n; ++i)
        if (inside(xt->v[i], fr->xlo, fr->xhi))
            svg_line(s, svg_px(fr, xt->v[i]), fr->top, svg_px(fr, xt->v[i]), bottom, GRID, 1, NULL);
    for (int i = 0; i < yt->n; ++i)
        if (inside(yt->v[i], fr->ylo, fr->yhi))
            svg_line(s, fr->left, svg_py(fr, yt->v[i]), right, svg_py(fr, yt->v[i]), GRID, 1, NULL);
    svg_group_end(s);

    svg_group_begin(s, "axes", NULL);
    svg_rect(s, fr->left, fr->top, fr->width, fr->height, NULL, INK, NULL);
    for (int i = 0; i < xt->n; ++i) {
        if (!inside(xt->v[i], fr->xlo, fr->xhi))
            continue;
        const double x = svg_px(fr, xt->v[i]);
        svg_line(s, x, bottom, x, bottom + 5, INK, 1, NULL);
        svg_tick_text(xt, xt->v[i], buf, sizeof buf);
        svg_text(s, x, bottom + 19, "middle", 12, 0, 0, NULL, buf);
    }
    for (int i = 0; i < yt->n; ++i) {
        if (!inside(yt->v[i], fr->ylo, fr->yhi))
            continue;
        const double y = svg_py(fr, yt->v[i]);
        svg_line(s, fr->left - 5, y, fr->left, y, INK, 1, NULL);
        svg_tick_text(yt, yt->v[i], buf, sizeof buf);
        svg_text(s, fr->left - 8, y + 4, "end", 12, 0, 0, NULL, buf);
        ytext = fmax(ytext, svg_text_width(buf, 12));
    }
    if (xlabel)
        svg_text(s, fr->left + fr->width / 2, bottom + 42, "middle", 13, 0, 0, NULL, xlabel);
    if (ylabel)
        svg_text(s, fmax(fr->left - 8 - ytext - 12, 16), fr->top + fr->height / 2, "middle", 13, 0, -90, NULL,
                 ylabel);
    svg_group_end(s);
}

enum { KEY_W = 22, KEY_GAP = 6, ROW_GAP = 20, LINE_H = 19 };

static void key_symbol(svg_doc *s, const svg_key *k, double x, double y)
{
    switch (k->kind) {
    case SVG_KEY_BAR: svg_rect(s, x + 4, y - 6, 14, 12, k->color, NULL, NULL); break;
    case SVG_KEY_LINE:
        svg_line(s, x, y, x + KEY_W, y, k->color, 2, NULL);
        svg_circle(s, x + KEY_W / 2.0, y, 3.5, k->color);
        break;
    case SVG_KEY_POINT: svg_circle(s, x + KEY_W / 2.0, y, 4.5, k->color); break;
    }
}

double svg_legend_row_width(const svg_key *keys, int n)
{
    double w = 0;
    for (int i = 0; i < n; ++i)
        w += (i ? ROW_GAP : 0) + KEY_W + KEY_GAP + svg_text_width(keys[i].label, 12);
    return w;
}

void svg_legend_row(svg_doc *s, double x, double y, const svg_key *keys, int n)
{
    svg_group_begin(s, "legend", NULL);
    for (int i = 0; i < n; ++i) {
        key_symbol(s, &keys[i], x, y);
        svg_text(s, x + KEY_W + KEY_GAP, y + 4, "start", 12, 0, 0, NULL, keys[i].label);
        x += KEY_W + KEY_GAP + svg_text_width(keys[i].label, 12) + ROW_GAP;
    }
    svg_group_end(s);
}

double svg_legend_column_width(const char *title, const svg_key *keys, int n)
{
    double w = title ? svg_text_width(title, 12) * 1.1 : 0;  /* bold is wider */
    for (int i = 0; i < n; ++i)
        w = fmax(w, KEY_W + KEY_GAP + svg_text_width(keys[i].label, 12));
    return w;
}

void svg_legend_column(svg_doc *s, double x, double y, const char *title, const svg_key *keys, int n)
{
    svg_group_begin(s, "legend", NULL);
    if (title) {
        svg_text(s, x, y + 12, "start", 12, 1, 0, NULL, title);
        y += LINE_H + 2;
    }
    for (int i = 0; i < n; ++i) {
        const double mid = y + LINE_H / 2.0;
        key_symbol(s, &keys[i], x, mid);
        svg_text(s, x + KEY_W + KEY_GAP, mid + 4, "start", 12, 0, 0, NULL, keys[i].label);
        y += LINE_H;
    }
    svg_group_end(s);
}
