/* Randomized block Krylov SVD (Musco and Musco 2015, algorithm 2): the same
   passes over A as subspace iteration, but every block is kept,
   K = [A Omega, (A A^T) A Omega, ..., (A A^T)^q A Omega] (each block
   orthonormalized as it comes, so that nothing below sqrt(eps) s_1 is
   lost), and the Rayleigh-Ritz step runs on the whole of orth(K).  On slowly
   decaying spectra this reaches a given accuracy in far fewer passes than
   the power iteration keeps only its last block.

   Rayleigh-Ritz: Z = A^T Q = V_B S U_B^T gives u_i = Q U_B(:, i), v_i =
   V_B(:, i); the residuals ||A v_i - s_i u_i|| cost one product Y = A V_B
   (b columns).  With tol > 0 and a residual above it, the iteration restarts
   from Y, the image of the b best Ritz vectors, and builds a new space of
   q + 1 blocks: the memory stays that of one space. */
#include <stdlib.h>
#include "internal/backend.h"
#include "pla/ops.h"
#include "pla/qr.h"
#include "solvers/svd_methods.h"

enum { STREAM_SKETCH = 0 };

/* *Q := an orthonormal basis of the columns of Y (Y is consumed). */
static pla_err orthonormalize(pla_mat **Y, pla_mat **Q)
{
    pla_mat *R = NULL;
    pla_err err = pla_qr(*Y, PLA_QR_AUTO, &R, Q);
    pla_mat_destroy(&R);
    pla_mat_destroy(Y);
    return err;
}

/* *C := op(X) B as a new matrix (rows blocked as X's rows or columns). */
static pla_err product(pla_op op, const pla_mat *X, const pla_mat *B, pla_mat **C)
{
    const int64_t rows = op == PLA_NOTRANS ? X->m : X->n, rb = op == PLA_NOTRANS ? X->mb : X->nb;
    pla_err err = pla_mat_create(X->ctx, X->dt, rows, B->n, rb, B->nb, C);
    if (err == PLA_OK)
        err = pla_gemm(op, PLA_NOTRANS, 1.0, X, B, 0.0, *C);
    return err;
}

/* The Krylov blocks so far: K(:, 0 : used) of K's capacity. */
typedef struct {
    pla_mat *K;
    int64_t used, room; /* columns in use; K's columns */
    pla_mat *last;      /* the newest orthonormal block */
} krylov;

/* Appends the block Q (consumed) to K. */
static pla_err append(krylov *kr, pla_mat **Q)
{
    pla_err err = pla__kernel_copy_sub(*Q, 0, 0, (*Q)->m, (*Q)->n, kr->K, 0, kr->used);
    kr->used += (*Q)->n;
    pla_mat_destroy(&kr->last);
    kr->last = *Q;
    *Q = NULL;
    return err;
}

/* One more block: orth(A orth(A^T last)). */
static pla_err grow(const pla_mat *A, krylov *kr)
{
    pla_mat *Z = NULL, *W = NULL, *Y = NULL, *Q = NULL;
    pla_err err = product(PLA_TRANS, A, kr->last, &Z);
    if (err == PLA_OK)
        err = orthonormalize(&Z, &W);
    if (err == PLA_OK)
        err = product(PLA_NOTRANS, A, W, &Y);
    pla_mat_destroy(&W);
    if (err == PLA_OK)
        err = orthonormalize(&Y, &Q);
    if (err == PLA_OK)
        err = append(kr, &Q);
    pla_mat_destroy(&Z);
    pla_mat_destroy(&Q);
    return err;
}

/* Rayleigh-Ritz on orth(K(:, :used)): the first k triplets, their residuals,
   and *Y = A V_B(:, :b), the restart block. */
static pla_err ritz(const pla_mat *A, const krylov *kr, int64_t k, int64_t b, double *s, pla_mat **U,
                    pla_mat **Vt, double *res, pla_mat **Y)
{
    pla_ctx *ctx = A->ctx;
    const int64_t w = kr->used;
    pla_mat *Kc = NULL, *Q = NULL, *Z = NULL, *Vb = NULL, *Ubt = NULL, *Uf = NULL, *Vk = NULL;
    pla_svd_info ignored = { 0 };
    double *sv = pla__malloc(ctx, (size_t)w * sizeof *sv);
    pla_err err = pla__agree(ctx, sv ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                                             "out of memory for singular values"));
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, A->m, w, kr->K->mb, kr->K->nb, &Kc);
    if (err == PLA_OK)
        err = pla__kernel_copy_sub(kr->K, 0, 0, A->m, w, Kc, 0, 0);
    if (err == PLA_OK)
        err = orthonormalize(&Kc, &Q);
    if (err == PLA_OK)
        err = product(PLA_TRANS, A, Q, &Z);
    if (err == PLA_OK)  /* Z = V_B S U_B^T, the leading b triplets */
        err = pla__svd_full(Z, b, 1, sv, &Vb, &Ubt, NULL, &ignored);
    pla_mat_destroy(&Z);
    if (err == PLA_OK)
        err = product(PLA_NOTRANS, A, Vb, Y);
    if (err == PLA_OK)  /* Uf = Q U_B(:, :b), laid out as Y */
        err = pla_mat_create(ctx, A->dt, A->m, b, (*Y)->mb, (*Y)->nb, &Uf);
    if (err == PLA_OK)
        err = pla_gemm(PLA_NOTRANS, PLA_TRANS, 1.0, Q, Ubt, 0.0, Uf);
    pla_mat_destroy(&Q);
    pla_mat_destroy(&Ubt);
    if (err == PLA_OK)
        err = pla__svd_residual_norms(*Y, Uf, sv, k, sv[0], res);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, A->m, k, Uf->mb, Uf->nb, U);
    if (err == PLA_OK)
        err = pla__kernel_copy_sub(Uf, 0, 0, A->m, k, *U, 0, 0);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, A->n, k, Vb->mb, Vb->nb, &Vk);
    if (err == PLA_OK)
        err = pla__kernel_copy_sub(Vb, 0, 0, A->n, k, Vk, 0, 0);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, k, A->n, Vb->nb, Vb->mb, Vt);
    if (err == PLA_OK)
        err = pla_mat_transpose(Vk, *Vt);
    for (int64_t i = 0; err == PLA_OK && i < k; ++i)
        s[i] = sv[i];
    pla_mat_destroy(&Vb);
    pla_mat_destroy(&Vk);
    pla_mat_destroy(&Uf);
    free(sv);
    if (err != PLA_OK) {
        pla_mat_destroy(U);
        pla_mat_destroy(Vt);
        pla_mat_destroy(Y);
    }
    return err;
}

static int all_below(const double *res, int64_t k, double tol)
{
    for (int64_t i = 0; i < k; ++i)
        if (!(res[i] < tol))
            return 0;
    return 1;
}

pla_err pla__svd_krylov(const pla_mat *A, const pla_svd_opts *opts, int64_t k, double *s, pla_mat **U,
                        pla_mat **Vt, double *res, pla_svd_info *info)
{
    pla_ctx *ctx = A->ctx;
    const int64_t b = k + opts->oversample < A->n ? k + opts->oversample : A->n;
    const int q = opts->power_iters >= 0 ? opts->power_iters : pla_svd_default_krylov_iters(A->m, A->n, k);
    /* blocks per space: q + 1, and never more columns than A has */
    const int64_t fit = A->n / b > 1 ? A->n / b : 1, blocks = q + 1 < fit ? q + 1 : fit;
    pla_mat *Omega = NULL, *Y = NULL, *Q = NULL;
    krylov kr = { NULL, 0, blocks * b, NULL };
    int grown = 0;
    info->sketch = b;
    pla_err err = pla_mat_create(ctx, A->dt, A->n, b, A->nb, A->nb, &Omega);
    if (err == PLA_OK)
        err = pla_mat_fill_random(Omega, PLA_NORMAL, opts->seed, STREAM_SKETCH);
    if (err == PLA_OK)
        err = product(PLA_NOTRANS, A, Omega, &Y);
    pla_mat_destroy(&Omega);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, A->dt, A->m, kr.room, A->mb, b, &kr.K);
    /* With tol, a space that is not enough restarts from A V_B: the image of
       the best b Ritz vectors, a new first block. */
    while (err == PLA_OK) {
        kr.used = 0;
        err = orthonormalize(&Y, &Q);
        if (err == PLA_OK)
            err = append(&kr, &Q);
        for (int64_t j = 1; err == PLA_OK && j < blocks; ++j, ++grown)
            err = grow(A, &kr);
        if (err == PLA_OK)
            err = ritz(A, &kr, k, b, s, U, Vt, res, &Y);
        if (err != PLA_OK)
            break;
        info->power_iters = grown;
        info->converged = opts->tol > 0 && all_below(res, k, opts->tol);
        if (opts->tol <= 0 || info->converged || grown >= PLA_SVD_MAX_POWER_ITERS)
            break;
        pla_mat_destroy(U);
        pla_mat_destroy(Vt);
        grown += blocks == 1;  /* a one-block space: the restart is the iteration */
    }
    pla_mat_destroy(&kr.K);
    pla_mat_destroy(&kr.last);
    pla_mat_destroy(&Y);
    pla_mat_destroy(&Q);
    if (err != PLA_OK) {
        pla_mat_destroy(U);
        pla_mat_destroy(Vt);
    }
    return err;
}
