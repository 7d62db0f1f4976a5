#pragma once
/* Shared pieces of the QR routes (Householder and TSQR). */
#include "internal/core.h"

/* Element (i, j) of a column-major array of dtype dt. */
static inline double pla__get(pla_dtype dt, const void *a, int64_t ld, int64_t i, int64_t j)
{
    return dt == PLA_F64 ? ((const double *)a)[i + j * ld] : (double)((const float *)a)[i + j * ld];
}

static inline void pla__put(pla_dtype dt, void *a, int64_t ld, int64_t i, int64_t j, double v)
{
    if (dt == PLA_F64)
        ((double *)a)[i + j * ld] = v;
    else
        ((float *)a)[i + j * ld] = (float)v;
}

/* Collective.  Makes diag(R) >= 0 by flipping rows of R and the matching
   columns of Q (Q may be NULL): A = Q R still holds and R becomes unique. */
pla_err pla__qr_fix_signs(pla_mat *R, pla_mat *Q);
/* Not collective.  Zeroes the strictly lower triangle of A (global indices). */
void pla__zero_lower(pla_mat *A);
/* Collective.  TSQR of A (m >= n): R (n x n) and optionally Q (m x n) on A's
   context; signs not yet fixed. */
pla_err pla__tsqr(const pla_mat *A, pla_mat **R, pla_mat **Q);
/* Collective.  R (n x n, n = n1 + n2, on A's context in blocks mb x nb) of
   [A B] - mean by TSQR (B and mean may be NULL; B has A's rows and context).
   A and B are not modified: whole local rows are streamed as they are, other
   layouts are first stacked on the P x 1 context.  Signs not fixed. */
pla_err pla__tsqr_r(const pla_mat *A, const pla_mat *B, const double *mean, int64_t mb, int64_t nb, pla_mat **R);
/* Collective.  TSQR of P, which lives on a P x 1 context and is overwritten;
   R and Q are created on ctx (same ranks) with blocks mb x nb. */
pla_err pla__tsqr_panel(pla_mat *P, pla_ctx *ctx, int64_t mb, int64_t nb, pla_mat **R, pla_mat **Q);
/* Collective.  Workspace for one LAPACK/ScaLAPACK call (*work is freed
   first): allocated locally, agreed on. */
pla_err pla__qr_alloc_work(pla_ctx *ctx, pla_dtype dt, int64_t lwork, void **work);
/* Collective.  R (min(m,n) x n) and, when Q is not NULL, the explicit
   economic Q from F factored in place by ?geqrf or ?geqpf with its tau; F may
   become *Q (then *pF is NULL). */
pla_err pla__qr_factors(pla_mat **pF, void *tau, pla_mat **R, pla_mat **Q);
/* Collective.  Householder QR of F, which is overwritten (and may become *Q). */
pla_err pla__householder_qr(pla_mat **F, pla_mat **R, pla_mat **Q);
