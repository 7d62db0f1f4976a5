#pragma once
#include "pla/mat.h"

/* Linear least squares: min ||A X - B||_F (+ ridge ||X||_F^2) for A m x n and
   B m x r (r right-hand sides), optionally with an intercept, as
   scikit-learn's LinearRegression / Ridge.  Any shape: an underdetermined or
   rank-deficient problem gets the minimum-norm solution (as numpy.linalg.lstsq),
   with the numerical rank reported. */

typedef enum {
    PLA_LSTSQ_AUTO = 251,   /* tsqr for tall-skinny, qr otherwise (never normal) */
    PLA_LSTSQ_QR = 252,     /* Householder QR of [A B] (of A^T when m < n) */
    PLA_LSTSQ_TSQR = 253,   /* TSQR of [A B]; needs m >= n + r */
    PLA_LSTSQ_NORMAL = 254  /* [A B]^T [A B] by syrk + Cholesky: fastest, squares cond(A); needs m >= n */
} pla_lstsq_solver;

typedef struct {
    pla_lstsq_solver solver;
    double ridge;     /* L >= 0: adds L ||X||^2 (the intercept is not penalized) */
    int intercept;    /* fit an intercept: center A's columns and B's columns first */
    double rcond;     /* rank tolerance: singular values <= rcond * s_max count as zero;
                         <= 0 means max(m, n) * eps, numpy.linalg.lstsq's default */
} pla_lstsq_opts;
#define PLA_LSTSQ_OPTS_DEFAULT ((pla_lstsq_opts){ .solver = PLA_LSTSQ_AUTO, .ridge = 0.0, .intercept = 0, .rcond = -1.0 })

typedef struct {
    pla_lstsq_solver solver; /* the solver used (auto resolved) */
    int64_t rank;            /* numerical rank of the (centered) A */
    double rcond;            /* reciprocal condition estimate: of A (qr, tsqr) or of A^T A (normal) */
    int64_t nrhs;
    double *intercept;       /* nrhs values each, the same on every rank (zeros without intercept) */
    double *residual_norm;   /* ||B_j - A X_j - intercept_j||_2 */
    double *r2;              /* coefficient of determination, as sklearn's r2_score */
} pla_lstsq_result;

/* The solver PLA_LSTSQ_AUTO picks for these sizes, and solver names. */
pla_lstsq_solver pla_lstsq_choose(int64_t m, int64_t n, int64_t r);
const char *pla_lstsq_solver_name(pla_lstsq_solver s);

/* Collective on the context shared by A and B (one dtype).  *X is a new n x r
   matrix with A's type and blocks; res is filled (free with
   pla_lstsq_result_free).  Errors: PLA_ERR_DATA for B with other than m rows
   or an all-zero A; PLA_ERR_ARG for ridge < 0 or a solver that cannot take
   the shape; PLA_ERR_NUMERIC when the normal equations are not positive
   definite.  On error *X is NULL and res holds no allocations. */
PLA_NODISCARD pla_err pla_lstsq(const pla_mat *A, const pla_mat *B, const pla_lstsq_opts *opts, pla_mat **X,
                                pla_lstsq_result *res);
void pla_lstsq_result_free(pla_lstsq_result *res);
