/* Randomized block Krylov SVD by block Golub-Kahan-Lanczos bidiagonalization
   with full reorthogonalization.  From a Gaussian start Omega (n x b,
   b = k + p, the counter-based generator as for the randomized method):

       U_1 = orth(A Omega)
       for j = 1 .. s:  V_j = orth(A^T U_j - V_{<j} (.)),
                        U_{j+1} L_j = A V_j - U_{<=j} C_j   (C_j = U_{<=j}^T A V_j)

   each product orthogonalized twice against the earlier blocks ("twice is
   enough").  Then A V = U B exactly, with U = [U_1 .. U_{s+1}], V = [V_1 ..
   V_s] and B = U^T A V the (s+1) b x s b matrix of the coefficients: no pass
   over A to project.  With B = X S Y^T the triplets are u_i = U X_i, v_i =
   V Y_i, s_i; A v_i = s_i u_i holds by construction and the residual
   ||A^T u_i - s_i v_i|| costs one product with A^T (k columns).  2s + 2
   passes in all.  The space is that of block Krylov iteration (Musco and
   Musco 2015): on slowly decaying spectra it reaches a given accuracy in far
   fewer passes than subspace iteration, which keeps only its last block.

   With tol > 0 and a residual above it, the process restarts from the b best
   Ritz vectors V Y(:, :b) in place of Omega. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal/backend.h"
#include "pla/ops.h"
#include "pla/qr.h"
#include "solvers/svd_methods.h"

enum { STREAM_SKETCH = 0 };

typedef struct {
    pla_ctx *ctx;
    int64_t m, n, b, s; /* A's shape, block width, steps */
    pla_mat **U;        /* U_1 .. U_{s+1}: m x b each */
    pla_mat **V;        /* V_1 .. V_s: n x b each */
    double *B;          /* (s + 1) b x s b, column-major, the same on every rank */
} lanczos;

/* out := M (r x c) as a float64 column-major array on every rank. */
static pla_err replicate(const pla_mat *M, double *out)
{
    double *g = NULL;
    pla_err err = pla__gather_f64(M, &g);
    if (err == PLA_OK && M->ctx->rank == 0)
        memcpy(out, g, (size_t)(M->m * M->n) * sizeof *out);
    free(g);
    if (err == PLA_OK)
        err = pla_ctx_bcast(M->ctx, out, (int64_t)((size_t)(M->m * M->n) * sizeof *out), 0);
    return err;
}

/* One projection: P := P - sum_i K_i (K_i^T P) over the blocks K_0 ..
   K_{nk-1}; coef (nk b x b, ld ldc) += the coefficients (when not NULL). */
static pla_err project(pla_mat *const *K, int64_t nk, pla_mat *P, double *c, double *coef, int64_t ldc)
{
    const int64_t b = P->n;
    pla_mat *C = NULL, *KC = NULL;
    pla_err err = PLA_OK;
    for (int64_t i = 0; err == PLA_OK && i < nk; ++i) {
        err = pla__svd_product(PLA_TRANS, K[i], P, &C);
        if (err == PLA_OK)
            err = pla__svd_product(PLA_NOTRANS, K[i], C, &KC);
        if (err == PLA_OK)
            err = pla_add(-1.0, KC, 1.0, P);
        if (err == PLA_OK && coef != NULL)
            err = replicate(C, c);
        for (int64_t q = 0; err == PLA_OK && coef != NULL && q < b; ++q)
            for (int64_t p = 0; p < b; ++p)
                coef[i * b + p + q * ldc] += c[p + q * b];
        pla_mat_destroy(&C);
        pla_mat_destroy(&KC);
    }
    return err;
}

/* P := P minus its components in the blocks K_0 .. K_{nk-1}; a second
   projection only when a column lost more than half its squared norm in the
   first (Kahan and Parlett: then the first left rounding of the removed
   part, which the second clears; "twice is enough"). */
static pla_err reorthogonalize(pla_mat *const *K, int64_t nk, pla_mat *P, double *coef, int64_t ldc)
{
    pla_ctx *ctx = P->ctx;
    const int64_t b = P->n;
    int again = 0;
    double *c = pla__malloc(ctx, (size_t)(b * b + 2 * b) * sizeof *c), *before = c ? c + b * b : NULL;
    double *after = before ? before + b : NULL;
    pla_err err = pla__agree(ctx, c ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                                            "out of memory for Lanczos coefficients"));
    if (err == PLA_OK && nk > 0)
        err = pla_col_sumsq(P, NULL, before);
    if (err == PLA_OK && nk > 0)
        err = project(K, nk, P, c, coef, ldc);
    if (err == PLA_OK && nk > 0)
        err = pla_col_sumsq(P, NULL, after);
    for (int64_t j = 0; err == PLA_OK && nk > 0 && j < b; ++j)
        again |= after[j] < 0.5 * before[j];
    if (err == PLA_OK && again)
        err = project(K, nk, P, c, coef, ldc);
    free(c);
    return err;
}

/* *Q := orth(P) (P consumed), orthogonal to the blocks K_0 .. K_{nk-1}
   already removed from P; r (b x b, ld b) := R when not NULL.  A block that
   was nearly in their span (a diagonal of R below sqrt(eps) of the largest
   before projection, big) is noise after normalization: projected and
   normalized once more, R := R2 R (the rest is at rounding level of big). */
static pla_err orth_r(pla_mat **P, pla_mat *const *K, int64_t nk, double big, double *r)
{
    const int64_t b = (*P)->n;
    pla_ctx *ctx = (*P)->ctx;
    pla_mat *R = NULL, *Q = NULL, *R2 = NULL, *Q2 = NULL;
    double *r1 = pla__malloc(ctx, (size_t)(2 * b * b) * sizeof *r1), *r2 = r1 ? r1 + b * b : NULL;
    pla_err err = pla__agree(ctx, r1 ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                                             "out of memory for a block factor"));
    if (err == PLA_OK)
        err = pla_qr(*P, PLA_QR_AUTO, &R, &Q);
    if (err == PLA_OK)
        err = replicate(R, r1);
    double small = big;
    for (int64_t i = 0; err == PLA_OK && i < b; ++i)
        small = fmin(small, fabs(r1[i + i * b]));
    if (err == PLA_OK && nk > 0 && small < sqrt(pla_dtype_size(Q->dt) == 8 ? 0x1p-53 : 0x1p-24) * big) {
        err = reorthogonalize(K, nk, Q, NULL, 0);
        if (err == PLA_OK)
            err = pla_qr(Q, PLA_QR_AUTO, &R2, &Q2);
        if (err == PLA_OK)
            err = replicate(R2, r2);
        if (err == PLA_OK) {  /* r1 := r2 r1 (upper triangular) */
            for (int64_t j = b - 1; j >= 0; --j)
                for (int64_t i = 0; i <= j; ++i) {
                    double t = 0;
                    for (int64_t l = i; l <= j; ++l)
                        t += r2[i + l * b] * r1[l + j * b];
                    r1[i + j * b] = t;
                }
            pla_mat_destroy(&Q);
            Q = Q2;
            Q2 = NULL;
        }
    }
    if (err == PLA_OK && r != NULL)
        memcpy(r, r1, (size_t)(b * b) * sizeof *r);
    pla_mat_destroy(&R);
    pla_mat_destroy(&R2);
    pla_mat_destroy(&Q2);
    pla_mat_destroy(P);
    if (err == PLA_OK)
        *P = Q;
    else
        pla_mat_destroy(&Q);
    free(r1);
    return err;
}

/* The s steps from the start block Omega (n x b). */
static pla_err bidiagonalize(const pla_mat *A, lanczos *lz, const pla_mat *Omega)
{
    const int64_t b = lz->b, s = lz->s, ldb = (s + 1) * b;
    pla_mat *P = NULL, *Z = NULL;
    double *coef = pla__calloc(lz->ctx, (size_t)(ldb * b), sizeof *coef);
    pla_err err = pla__agree(lz->ctx, coef ? PLA_OK : pla__set_err(lz->ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                                                   "out of memory for Lanczos coefficients"));
    memset(lz->B, 0, (size_t)(ldb * s * b) * sizeof *lz->B);
    double *r0 = pla__malloc(lz->ctx, (size_t)(b * b) * sizeof *r0);
    err = pla__agree(lz->ctx, r0 ? err : pla__set_err(lz->ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory"));
    for (int64_t j = 0; j <= s; ++j)
        pla_mat_destroy(&lz->U[j]);
    for (int64_t j = 0; j < s; ++j)
        pla_mat_destroy(&lz->V[j]);
    if (err == PLA_OK)
        err = pla__svd_product(PLA_NOTRANS, A, Omega, &P);
    if (err == PLA_OK)
        err = orth_r(&P, NULL, 0, 0.0, r0);
    /* the scale below which a block counts as noise: the largest column of
       A Omega, about ||A||_F (E ||A w||^2 = ||A||_F^2 for Gaussian w) */
    double big = 0;
    for (int64_t i = 0; err == PLA_OK && i < b; ++i)
        big = fmax(big, fabs(r0[i + i * b]));
    lz->U[0] = P;
    P = NULL;
    for (int64_t j = 0; err == PLA_OK && j < s; ++j) {
        /* V_j = orth(A^T U_j - V_{<j} (.)) */
        err = pla__svd_product(PLA_TRANS, A, lz->U[j], &Z);
        if (err == PLA_OK)
            err = reorthogonalize(lz->V, j, Z, NULL, 0);
        if (err == PLA_OK)
            err = orth_r(&Z, lz->V, j, big, NULL);
        lz->V[j] = Z;
        Z = NULL;
        /* U_{j+1} L_j = A V_j - U_{<=j} C_j: B(0 : (j+1) b, block j) = C_j, B(block j+1, block j) = L_j */
        if (err == PLA_OK)
            err = pla__svd_product(PLA_NOTRANS, A, lz->V[j], &P);
        memset(coef, 0, (size_t)(ldb * b) * sizeof *coef);
        if (err == PLA_OK)
            err = reorthogonalize(lz->U, j + 1, P, coef, ldb);
        for (int64_t c = 0; err == PLA_OK && c < b; ++c)
            memcpy(lz->B + (j * b + c) * ldb, coef + c * ldb, (size_t)((j + 1) * b) * sizeof *coef);
        if (err == PLA_OK)
            err = orth_r(&P, lz->U, j + 1, big, coef);  /* coef := L_j (b x b, ld b) */
        for (int64_t c = 0; err == PLA_OK && c < b; ++c)
            memcpy(lz->B + (j * b + c) * ldb + (j + 1) * b, coef + c * b, (size_t)b * sizeof *coef);
        lz->U[j + 1] = P;
        P = NULL;
    }
    pla_mat_destroy(&P);
    pla_mat_destroy(&Z);
    free(coef);
    free(r0);
    return err;
}

/* The projected SVD B = X S Y^T ((s+1) b x s b; on rank 0, shared): sv (sb
   values), x ((s+1) b x b) and y (sb x b): the leading b singular vector pairs. */
static pla_err ritz(const lanczos *lz, double *sv, double *x, double *y)
{
    pla_ctx *ctx = lz->ctx;
    const int64_t b = lz->b, w = lz->s * b, ldb = (lz->s + 1) * b;
    double *a = NULL, *u = NULL, *vt = NULL;
    pla_err local = PLA_OK;
    if (ctx->rank == 0) {
        a = malloc((size_t)(ldb * w) * sizeof *a);
        u = malloc((size_t)(ldb * w) * sizeof *u);
        vt = malloc((size_t)(w * w) * sizeof *vt);
        int info = a && u && vt ? 0 : -100;
        if (info == 0) {
            memcpy(a, lz->B, (size_t)(ldb * w) * sizeof *a);
            info = pla__lapack_gesdd(ldb, w, a, ldb, sv, u, ldb, vt, w);
        }
        if (info != 0)
            local = pla__set_err(ctx, info == -100 ? PLA_ERR_MEM : PLA_ERR_NUMERIC, __FILE__, __LINE__,
                                 "the %lldx%lld projected SVD failed (info %d)", (long long)ldb, (long long)w, info);
        for (int64_t i = 0; local == PLA_OK && i < b; ++i) {
            memcpy(x + i * ldb, u + i * ldb, (size_t)ldb * sizeof *x);
            for (int64_t j = 0; j < w; ++j)
                y[j + i * w] = vt[i + j * w];
        }
    }
    free(a);
    free(u);
    free(vt);
    pla_err err = pla__agree(ctx, local);
    if (err == PLA_OK)
        err = pla_ctx_bcast(ctx, sv, (int64_t)((size_t)w * sizeof *sv), 0);
    if (err == PLA_OK)
        err = pla_ctx_bcast(ctx, x, (int64_t)((size_t)(ldb * b) * sizeof *x), 0);
    if (err == PLA_OK)
        err = pla_ctx_bcast(ctx, y, (int64_t)((size_t)(w * b) * sizeof *y), 0);
    return err;
}

/* Rows r0 .. r0 + b of a shared column-major array (ld rows): a fill function. */
typedef struct {
    const double *a;
    int64_t ld, r0;
} rows_of;

static double entry_of(int64_t i, int64_t j, void *arg)
{
    const rows_of *r = arg;
    return r->a[r->r0 + i + j * r->ld];
}

/* *out := sum_i K_i C(i b : (i+1) b, 0 : c) over the blocks K_0 .. K_{nk-1};
   C shared on every rank, column-major with leading dimension nk b. */
static pla_err combine(pla_mat *const *K, int64_t nk, const double *C, int64_t c, pla_mat **out)
{
    const int64_t b = K[0]->n;
    pla_mat *Ci = NULL, *T = NULL;
    pla_err err = PLA_OK;
    *out = NULL;
    for (int64_t i = 0; err == PLA_OK && i < nk; ++i) {
        rows_of r = { C, nk * b, i * b };
        err = pla_mat_create(K[i]->ctx, K[i]->dt, b, c, b, b, &Ci);
        if (err == PLA_OK)
            err = pla_mat_fill_fn(Ci, entry_of, &r);
        if (err == PLA_OK)
            err = pla__svd_product(PLA_NOTRANS, K[i], Ci, i == 0 ? out : &T);
        if (err == PLA_OK && i > 0)
            err = pla_add(1.0, T, 1.0, *out);
        pla_mat_destroy(&Ci);
        pla_mat_destroy(&T);
    }
    if (err != PLA_OK)
        pla_mat_destroy(out);
    return err;
}

pla_err pla__svd_krylov(const pla_mat *A, const pla_svd_opts *opts, int64_t k, double *s, pla_mat **U,
                        pla_mat **Vt, double *res, pla_svd_info *info)
{
    pla_ctx *ctx = A->ctx;
    const int64_t b = k + opts->oversample < A->n ? k + opts->oversample : A->n;
    const int q = opts->power_iters >= 0 ? opts->power_iters : pla_svd_default_krylov_iters(A->m, A->n, k);
    /* s steps build s b columns of V: never more than n */
    const int64_t fit = A->n / b > 1 ? A->n / b : 1, steps = q + 1 < fit ? q + 1 : fit, w = steps * b;
    lanczos lz = { ctx, A->m, A->n, b, steps, NULL, NULL, NULL };
    pla_mat *Omega = NULL, *V = NULL, *W = NULL;
    double *sv = NULL, *x = NULL, *y = NULL;
    int done_steps = 0;
    info->sketch = b;
    lz.B = pla__calloc(ctx, (size_t)((steps + 1) * b * w), sizeof *lz.B);
    lz.U = pla__calloc(ctx, (size_t)(steps + 1), sizeof *lz.U);
    lz.V = pla__calloc(ctx, (size_t)steps, sizeof *lz.V);
    sv = pla__malloc(ctx, (size_t)w * sizeof *sv);
    x = pla__malloc(ctx, (size_t)((w + b) * b) * sizeof *x);
    y = pla__malloc(ctx, (size_t)(w * b) * sizeof *y);
    pla_err err = pla__agree(ctx, lz.B && lz.U && lz.V && sv && x && y
                                      ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                                              "out of memory for the Lanczos process"));
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, A->n, b, A->nb, A->nb, &Omega);
    if (err == PLA_OK)
        err = pla_mat_fill_random(Omega, PLA_NORMAL, opts->seed, STREAM_SKETCH);
    while (err == PLA_OK) {
        err = bidiagonalize(A, &lz, Omega);
        done_steps += (int)steps;
        if (err == PLA_OK)
            err = ritz(&lz, sv, x, y);
        /* A V = U B holds by construction, so A v_i = s_i u_i: the residual
           is ||A^T u_i - s_i v_i||, one product with A^T */
        pla_mat_destroy(U);
        pla_mat_destroy(&V);
        if (err == PLA_OK)
            err = combine(lz.U, steps + 1, x, k, U);
        if (err == PLA_OK)
            err = combine(lz.V, steps, y, k, &V);
        if (err == PLA_OK)
            err = pla__svd_product(PLA_TRANS, A, *U, &W);
        if (err == PLA_OK)
            err = pla__svd_residual_norms(W, V, sv, k, sv[0], res);
        pla_mat_destroy(&W);
        if (err != PLA_OK)
            break;
        info->power_iters = done_steps - 1;
        info->converged = opts->tol > 0 && pla__svd_all_below(res, k, opts->tol);
        if (opts->tol <= 0 || info->converged || done_steps - 1 + steps > PLA_SVD_MAX_POWER_ITERS)
            break;
        pla_mat_destroy(&Omega);  /* restart from the b best Ritz vectors V Y(:, :b) */
        err = combine(lz.V, steps, y, b, &Omega);
    }
    for (int64_t i = 0; err == PLA_OK && i < k; ++i)
        s[i] = sv[i];
    if (err == PLA_OK)
        err = pla_mat_create(ctx, V->dt, k, A->n, V->nb, V->mb, Vt);
    if (err == PLA_OK)
        err = pla_mat_transpose(V, *Vt);
    pla_mat_destroy(&V);
    pla_mat_destroy(&Omega);
    for (int64_t j = 0; lz.U && j <= steps; ++j)
        pla_mat_destroy(&lz.U[j]);
    for (int64_t j = 0; lz.V && j < steps; ++j)
        pla_mat_destroy(&lz.V[j]);
    free(lz.U);
    free(lz.V);
    free(lz.B);
    free(sv);
    free(x);
    free(y);
    if (err != PLA_OK) {
        pla_mat_destroy(U);
        pla_mat_destroy(Vt);
    }
    return err;
}
