#pragma once
/* A small SVG 1.1 writer for `pla plot`: a document with a white page, text
   (XML-escaped), lines, rectangles, polylines and circles, tick values at
   "nice" numbers, axes with grid lines, and legends.  Coordinates are in
   pixels (y down) and written with at most one decimal, so that a plot of
   100000 points stays a few megabytes.  Writes through stdio: check the
   stream with ferror() when done. */
#include <stddef.h>
#include <stdio.h>

typedef struct {
    FILE *f;
    double width, height;
} svg_doc;

/* The XML declaration, the <svg> element (xmlns, version 1.1, width,
   height, viewBox, font) and a <title> (escaped), and a white page. */
void svg_begin(svg_doc *s, FILE *f, double width, double height, const char *title);
/* Closes the <svg> element. */
void svg_end(svg_doc *s);

/* <g id=...> with optional presentation attributes, e.g. "fill=\"#1f77b4\""
   (id or attrs may be NULL), and its end. */
void svg_group_begin(svg_doc *s, const char *id, const char *attrs);
void svg_group_end(svg_doc *s);

/* Text at (x, y) (the baseline), anchor "start", "middle" or "end", size in
   px, bold or not, rotated by `rotate` degrees about (x, y), fill color (NULL:
   black).  The text is escaped (&, <, >, quotes); bytes that are not valid
   UTF-8 or are control characters become '?'. */
void svg_text(svg_doc *s, double x, double y, const char *anchor, double size, int bold, double rotate,
              const char *fill, const char *text);
/* Writes text escaped for XML content and attribute values. */
void svg_escape(FILE *f, const char *text);
/* About how wide text is at `size` px in a sans-serif font: for layout. */
double svg_text_width(const char *text, double size);

/* A line; dash NULL for a solid one, e.g. "4 3". */
void svg_line(svg_doc *s, double x1, double y1, double x2, double y2, const char *stroke, double width,
              const char *dash);
/* A rectangle; fill or stroke NULL for none.  tooltip (NULL: none) becomes
   its <title>, shown by browsers on hover. */
void svg_rect(svg_doc *s, double x, double y, double w, double h, const char *fill, const char *stroke,
              const char *tooltip);
/* A polyline through n points (x[i], y[i]), stroked, not filled. */
void svg_polyline(svg_doc *s, const double *x, const double *y, size_t n, const char *stroke, double width);
/* A circle; fill NULL inherits the enclosing group's fill (the short form
   used for many points). */
void svg_circle(svg_doc *s, double cx, double cy, double r, const char *fill);

/* Tick values along an axis, with the decimals that print them. */
#define SVG_MAX_TICKS 32
typedef struct {
    int n;
    double v[SVG_MAX_TICKS];
    int decimals;
} svg_ticks;

/* Ticks at the multiples of a step of 1, 2 or 5 times a power of ten that
   lie in [lo, hi] (with rounding slack), at most max_ticks of them: the
   smallest such step that keeps within max_ticks ("nice numbers"). */
void svg_nice_ticks(double lo, double hi, int max_ticks, svg_ticks *t);
/* The tick value v as text with t's decimals ("0.2", "-15", never "-0"). */
void svg_tick_text(const svg_ticks *t, double v, char *buf, size_t cap);

/* The plotting area: pixel box (left, top, width, height) and the data
   ranges mapped onto it (y grows upwards in data, downwards in pixels). */
typedef struct {
    double left, top, width, height;
    double xlo, xhi, ylo, yhi;
} svg_frame;

double svg_px(const svg_frame *fr, double x);
double svg_py(const svg_frame *fr, double y);

/* Grid lines at the ticks (light gray), the frame, tick marks and their
   values, and the axis labels below (x) and left of (y, rotated) the area. */
void svg_axes(svg_doc *s, const svg_frame *fr, const svg_ticks *xt, const svg_ticks *yt, const char *xlabel,
              const char *ylabel);

/* Legends: a key drawn as a filled square, a line with a marker, or a dot,
   followed by its label. */
typedef enum { SVG_KEY_BAR, SVG_KEY_LINE, SVG_KEY_POINT } svg_key_kind;
typedef struct {
    svg_key_kind kind;
    const char *color;
    const char *label;
} svg_key;

/* One row of keys starting at (x, y) (y: the middle of the row). */
void svg_legend_row(svg_doc *s, double x, double y, const svg_key *keys, int n);
/* Width of such a row, for centering. */
double svg_legend_row_width(const svg_key *keys, int n);
/* A column of keys under an optional title (NULL: none), top-left at (x, y). */
void svg_legend_column(svg_doc *s, double x, double y, const char *title, const svg_key *keys, int n);
/* Width of such a column. */
double svg_legend_column_width(const char *title, const svg_key *keys, int n);

/* The categorical palette for labels: SVG_PALETTE_SIZE distinct colors,
   "#rrggbb", the first ten those of matplotlib's tab10. */
#define SVG_PALETTE_SIZE 20
extern const char *const svg_palette[SVG_PALETTE_SIZE];
