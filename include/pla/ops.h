#pragma once
#include "pla/mat.h"

typedef enum { PLA_NORM_FRO = 231, PLA_NORM_ONE = 232, PLA_NORM_INF = 233, PLA_NORM_MAX = 234 } pla_norm_kind;

/* C := alpha * op(A) * op(B) + beta * C.  Collective on the context shared by
   A, B and C, which have one element type.  Any conforming shapes, including
   k = 0 (C := beta * C) and empty matrices; block sizes may differ.  Returns
   the same status on every rank; nothing is changed on error. */
PLA_NODISCARD pla_err pla_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A,
                               const pla_mat *B, double beta, pla_mat *C);

/* Collective.  *value = the Frobenius, one (max column sum), infinity (max row
   sum) or max-abs norm of A, the same on every rank; 0 for an empty matrix. */
PLA_NODISCARD pla_err pla_norm(pla_norm_kind kind, const pla_mat *A, double *value);

/* Not collective (local work only).  A := alpha * A. */
PLA_NODISCARD pla_err pla_scale(double alpha, pla_mat *A);

/* Not collective (local work only).  B := alpha * A + beta * B; A and B have
   the same shape, blocks, context and type. */
PLA_NODISCARD pla_err pla_add(double alpha, const pla_mat *A, double beta, pla_mat *B);

/* Collective.  sums[j] = sum over i of A(i, j), for every column j, on every
   rank (the caller provides n doubles). */
PLA_NODISCARD pla_err pla_col_sums(const pla_mat *A, double *sums);
/* Collective.  sumsq[j] = sum over i of (A(i, j) - shift[j])^2 (shift may be
   NULL for zero): the squared column norms after a shift, on every rank. */
PLA_NODISCARD pla_err pla_col_sumsq(const pla_mat *A, const double *shift, double *sumsq);
/* Not collective (local work only).  A(i, j) -= shift[j] for every element;
   shift holds n values, the same on every rank. */
PLA_NODISCARD pla_err pla_col_shift(pla_mat *A, const double *shift);
/* Not collective (local work only).  A(i, j) *= factor[j] for every element;
   factor holds n values, the same on every rank. */
PLA_NODISCARD pla_err pla_col_scale(pla_mat *A, const double *factor);
/* Collective.  B(:, j) := A(:, perm[j]) for j < n (0-based; perm the same on
   every rank); A and B of the same shape and type, any distributions over
   the same processes.  One column move per column: meant for checks and
   reordering outputs, not for inner loops. */
PLA_NODISCARD pla_err pla_col_permute(const pla_mat *A, const int64_t *perm, pla_mat *B);
