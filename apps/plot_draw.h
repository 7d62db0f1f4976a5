#pragma once
/* pla plot: what the command (cmd_plot.c) and its drawing (plot_draw.c)
   share. */
#include "command.h"
#include "plot_svg.h"

#define PLOT_MAX_LABELS SVG_PALETTE_SIZE

typedef struct {
    const char *input;   /* positional FILE[:/GROUP] */
    const char *labels;  /* --labels */
    const char *title;   /* --title */
    int scatter, components_set;
    int64_t ci, cj;      /* --components, 1-based */
} plot_args;

typedef struct {
    cli_name in, labels;
    char group[512];                     /* the output group of pla pca: "/" or "/A/B" */
    const char *out;                     /* the SVG file */
    pla_h5_dset_info ratio, scores, lab; /* the datasets read */
    int have_ratio, have_scores;
    int64_t k, m, kk;                    /* components (ratio), samples and components (scores) */
} plot_plan;

typedef struct {
    const double *x, *y;     /* m scores each */
    const double *labels;    /* m labels, or NULL */
    const double *classes;   /* the distinct labels, ascending */
    int nclasses;
} scatter_data;

/* Local (rank 0).  The scree plot of the k ratios r: bars and the
   cumulative line; 0 when out of memory. */
int plot_draw_scree(svg_doc *s, const plot_plan *p, const double *r, const char *title);
/* Local (rank 0).  The scores of components a->ci and a->cj as points,
   colored by label, with axes labeled by their ratios (ratio may be NULL). */
void plot_draw_scatter(svg_doc *s, const plot_plan *p, const plot_args *a, const double *ratio,
                       const scatter_data *d, const char *title);
