/* Randomized SVD (Halko, Martinsson and Tropp 2011, algorithms 4.4 and 5.1):
   the range of A is sketched by Y = A Omega (Omega n x l Gaussian, l = k + p,
   drawn from the counter-based generator so that every grid draws the same
   one), sharpened by q power iterations with re-orthonormalization after
   every product (Q = orth(A W), W = orth(A^T Q): without it the directions
   below sqrt(eps) s_1 are lost), then Rayleigh-Ritz: Z = A^T Q = V_B S U_B^T
   gives u_i = Q U_B(:, i), v_i = V_B(:, i).

   The residuals ||A v_i - s_i u_i|| cost one product Y = A V_B, which is also
   the next power iterate: with tol > 0 the iteration goes on, two passes over
   A at a time, until every residual is below tol.  (A^T u_i = s_i v_i holds
   by construction, so this residual is the whole error of the triplet.) */
#include <math.h>
#include <stdlib.h>
#include "internal/backend.h"
#include "pla/ops.h"
#include "pla/qr.h"
#include "solvers/svd_methods.h"

enum { STREAM_SKETCH = 0 };

/* One Rayleigh-Ritz step from the basis Q: the triplets of Z = A^T Q, the
   next iterate *Y = A V_B and the residuals of the first k triplets. */
typedef struct {
    pla_mat *Uf;  /* m x l: Q U_B */
    pla_mat *Vb;  /* n x l */
    double *s;    /* l values */
} ritz;

static void ritz_free(ritz *t)
{
    pla_mat_destroy(&t->Uf);
    pla_mat_destroy(&t->Vb);
    free(t->s);
    t->s = NULL;
}

static pla_err rayleigh_ritz(const pla_mat *A, const pla_mat *Q, int64_t k, ritz *t, pla_mat **Y, double *res)
{
    pla_ctx *ctx = A->ctx;
    const int64_t l = Q->n;
    pla_mat *Z = NULL, *Ubt = NULL;
    pla_svd_info ignored = { 0 };
    t->s = pla__malloc(ctx, (size_t)l * sizeof *t->s);
    pla_err err = pla__agree(ctx, t->s ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                                               "out of memory for singular values"));
    if (err == PLA_OK)
        err = pla__svd_product(PLA_TRANS, A, Q, &Z);
    if (err == PLA_OK)  /* Z = V_B S U_B^T */
        err = pla__svd_full(Z, l, 1, t->s, &t->Vb, &Ubt, NULL, &ignored);
    pla_mat_destroy(&Z);
    if (err == PLA_OK)
        err = pla__svd_product(PLA_NOTRANS, A, t->Vb, Y);
    if (err == PLA_OK)  /* Uf = Q U_B, laid out as Y */
        err = pla_mat_create(ctx, A->dt, A->m, l, (*Y)->mb, (*Y)->nb, &t->Uf);
    if (err == PLA_OK)
        err = pla_gemm(PLA_NOTRANS, PLA_TRANS, 1.0, Q, Ubt, 0.0, t->Uf);
    pla_mat_destroy(&Ubt);
    if (err == PLA_OK)
        err = pla__svd_residual_norms(*Y, t->Uf, t->s, k, t->s[0], res);
    return err;
}

/* The first k triplets of t as the results: U = Uf(:, :k), Vt = Vb(:, :k)^T. */
static pla_err take(const ritz *t, int64_t k, double *s, pla_mat **U, pla_mat **Vt)
{
    pla_ctx *ctx = t->Uf->ctx;
    pla_mat *Vk = NULL;
    for (int64_t i = 0; i < k; ++i)
        s[i] = t->s[i];
    pla_err err = pla_mat_create(ctx, t->Uf->dt, t->Uf->m, k, t->Uf->mb, t->Uf->nb, U);
    if (err == PLA_OK)
        err = pla__kernel_copy_sub(t->Uf, 0, 0, t->Uf->m, k, *U, 0, 0);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, t->Vb->dt, t->Vb->m, k, t->Vb->mb, t->Vb->nb, &Vk);
    if (err == PLA_OK)
        err = pla__kernel_copy_sub(t->Vb, 0, 0, t->Vb->m, k, Vk, 0, 0);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, t->Vb->dt, k, t->Vb->m, t->Vb->nb, t->Vb->mb, Vt);
    if (err == PLA_OK)
        err = pla_mat_transpose(Vk, *Vt);
    pla_mat_destroy(&Vk);
    return err;
}

pla_err pla__svd_randomized(const pla_mat *A, const pla_svd_opts *opts, int64_t k, double *s, pla_mat **U,
                            pla_mat **Vt, double *res, pla_svd_info *info)
{
    pla_ctx *ctx = A->ctx;
    const int64_t l = k + opts->oversample < A->n ? k + opts->oversample : A->n;
    const int q = opts->power_iters >= 0 ? opts->power_iters : pla_svd_default_power_iters(A->m, A->n, k);
    const int cap = opts->tol > 0 && q < PLA_SVD_MAX_POWER_ITERS ? PLA_SVD_MAX_POWER_ITERS : q;
    pla_mat *Omega = NULL, *Y = NULL, *Q = NULL, *Z = NULL, *W = NULL;
    ritz t = { 0 };
    info->sketch = l;
    pla_err err = pla_mat_create(ctx, A->dt, A->n, l, A->nb, A->nb, &Omega);
    if (err == PLA_OK)
        err = pla_mat_fill_random(Omega, PLA_NORMAL, opts->seed, STREAM_SKETCH);
    if (err == PLA_OK)
        err = pla__svd_product(PLA_NOTRANS, A, Omega, &Y);
    pla_mat_destroy(&Omega);
    for (int it = 0; err == PLA_OK; ++it) {
        err = pla__svd_orth(&Y, &Q);
        if (err == PLA_OK && it < q) {  /* a power iteration: Y = A orth(A^T Q) */
            err = pla__svd_product(PLA_TRANS, A, Q, &Z);
            if (err == PLA_OK)
                err = pla__svd_orth(&Z, &W);
            if (err == PLA_OK)
                err = pla__svd_product(PLA_NOTRANS, A, W, &Y);
            pla_mat_destroy(&W);
            pla_mat_destroy(&Q);
            continue;
        }
        ritz_free(&t);
        if (err == PLA_OK)
            err = rayleigh_ritz(A, Q, k, &t, &Y, res);
        pla_mat_destroy(&Q);
        if (err != PLA_OK)
            break;
        info->power_iters = it;
        info->converged = opts->tol > 0 && pla__svd_all_below(res, k, opts->tol);
        if (opts->tol <= 0 || info->converged || it >= cap)
            break;
    }
    pla_mat_destroy(&Y);
    if (err == PLA_OK)
        err = take(&t, k, s, U, Vt);
    ritz_free(&t);
    if (err != PLA_OK) {
        pla_mat_destroy(U);
        pla_mat_destroy(Vt);
    }
    return err;
}
