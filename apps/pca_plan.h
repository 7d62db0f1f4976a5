#pragma once
/* What `pla pca` holds in memory per rank, and the option values it shares
   with `pla info --for pca`. */
#include "memory_plan.h"
#include "pla/pca.h"

#define CLI_PCA_BLOCK 64  /* pca, and pla info --for pca */

/* Collective.  X = display (m x n) can be fitted with k components (0: not
   given): at least 2 samples and 1 feature, k <= min(m, n); PLA_ERR_DATA
   with the message on every rank otherwise. */
PLA_NODISCARD pla_err cli_pca_check_shape(pla_ctx *ctx, const char *display, int64_t m, int64_t n, int64_t k);

/* "auto", "full", "randomized" or "covariance"; PLA_ERR_ARG with msg otherwise. */
pla_err cli_pca_solver_parse(const char *value, pla_pca_solver *solver, cli_msg *msg);

typedef struct {
    pla_pca_solver solver;  /* the route that will run (AUTO resolved) */
    int64_t k;              /* components; 0 when a variance fraction decides */
    int scores;             /* --scores */
    pla_svd_method sketch;  /* randomized: krylov or randomized */
    int64_t oversample;
    int power_iters;
} cli_pca_what;

/* Not collective.  The plan of pla pca for m x n data on ctx's grid (block x
   block blocks, elements of es bytes). */
void cli_pca_memory(const pla_ctx *ctx, int64_t m, int64_t n, int64_t block, int es, const cli_pca_what *w,
                    cli_mem_plan *p);
