#pragma once
/* pla pca: what the fit (cmd_pca.c) and the use of a fitted model
   (pca_apply.c) share. */
#include "command.h"
#include "pca_plan.h"

typedef struct {
    const char *input;
    const char *model;   /* --model FIT[:/GROUP]: transform or inverse */
    pla_pca_opts o;
    int k_set, variance_set, solver_set, sketch_set, oversample_set, power_set, tol_set;
    int scores;          /* --scores */
    int inverse;         /* --inverse */
} pca_args;

typedef struct {
    cli_name in, out, model;
    pla_h5_dset_info info;
    int64_t m, n, r, block;
    char group_path[4800];
} pca_plan;

/* Collective.  Applies the fitted model named by --model to the input:
   scores (transform) or, with --inverse, the data (inverse transform). */
pla_err pca_apply(cli_report *rep, pla_ctx **pctx, pca_args *a, const cli_common *opt, pca_plan *p);
