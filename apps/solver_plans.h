#pragma once
/* What `pla qr`, `pla lstsq`, `pla eig` and `pla svd` hold in memory per
   rank, and the option values they share with `pla info --for CMD`. */
#include "memory_plan.h"
#include "pla/svd.h"

typedef struct {
    int economic;   /* Q is written */
    int pivot;      /* column-pivoted QR */
    int check;      /* --check: a copy of A and Q^T Q */
    pla_qr_method method;  /* AUTO is resolved by shape */
} cli_qr_what;

/* "r" or "economic" into *economic; PLA_ERR_ARG with msg otherwise. */
pla_err cli_qr_mode_parse(const char *value, int *economic, cli_msg *msg);
/* "auto", "qr", "tsqr" or "normal"; PLA_ERR_ARG with msg otherwise. */
pla_err cli_lstsq_solver_parse(const char *value, pla_lstsq_solver *solver, cli_msg *msg);

/* Not collective.  The plans on ctx's grid with block x block blocks and
   elements of es bytes (threads: ctx's). */
void cli_qr_memory(const pla_ctx *ctx, int64_t m, int64_t n, int64_t block, int es, const cli_qr_what *w,
                   cli_mem_plan *p);
void cli_lstsq_memory(const pla_ctx *ctx, int64_t m, int64_t n, int64_t r, int64_t block, int es,
                      pla_lstsq_solver solver, cli_mem_plan *p);

/* pla eig */
typedef struct {
    int generalized;  /* -b B */
    int vectors;
    int values;       /* --values: an eigenvalues-only pass first */
    int check;
    pla_eig_solver solver;  /* the one that will run (AUTO resolved) */
} cli_eig_what;

/* "auto", "dc", "mrrr", "elpa" or "krylov"; PLA_ERR_ARG with msg otherwise. */
pla_err cli_eig_solver_parse(const char *value, pla_eig_solver *solver, cli_msg *msg);
/* Why `used` ran for the pairs opts selects of an n x n problem (a static string). */
const char *cli_eig_reason(const pla_eig_opts *opts, int64_t n, pla_eig_solver used);
/* The plan of pla eig for k pairs of an n x n problem. */
void cli_eig_memory(const pla_ctx *ctx, int64_t n, int64_t k, int64_t block, int es, const cli_eig_what *w,
                    cli_mem_plan *p);

/* pla svd */
#define CLI_SVD_BLOCK 64  /* svd, and pla info --for svd */

typedef struct {
    pla_svd_method method;  /* FULL, RANDOMIZED or KRYLOV: the method that will run */
    int want_u, want_vt;    /* U / Vt written (either one: the full method computes both) */
    int check;              /* --check: a copy of A and the Gram matrices */
} cli_svd_what;

/* "auto", "full", "randomized" or "krylov"; PLA_ERR_ARG with msg otherwise. */
pla_err cli_svd_method_parse(const char *value, pla_svd_method *method, cli_msg *msg);
/* The sketching methods' options, shared by pla svd and pla pca:
   --oversample P (P >= 0), --power-iters Q (0..PLA_SVD_MAX_POWER_ITERS) and
   --tol T (0 < T < 1).  PLA_ERR_ARG with msg otherwise. */
pla_err cli_oversample_parse(const char *value, int64_t *oversample, cli_msg *msg);
pla_err cli_power_iters_parse(const char *value, int *power_iters, cli_msg *msg);
pla_err cli_tol_parse(const char *value, double *tol, cli_msg *msg);
/* The plan of pla svd for k triplets of an m x n matrix (oversample p: the
   sketch or Krylov block has min(k + p, min(m, n)) columns; power_iters: the
   Krylov method's blocks after the first, < 0 for its default). */
void cli_svd_memory(const pla_ctx *ctx, int64_t m, int64_t n, int64_t k, int64_t oversample, int power_iters,
                    int64_t block, int es, const cli_svd_what *w, cli_mem_plan *p);
