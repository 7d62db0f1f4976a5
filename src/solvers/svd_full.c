/* The full SVD method: A = Q R (TSQR for tall-skinny A), R = U_R S V^T by
   divide and conquer on one process (?gesdd, in double precision) or by
   p?gesvd when R is too large for one, then U = Q U_R.  LAPACK's gesdd takes
   the same route on one process; here the QR and the product with Q run in
   parallel and only the n x n problem is serial. */
#include <stdlib.h>
#include <string.h>
#include "internal/backend.h"
#include "pla/ops.h"
#include "pla/qr.h"
#include "solvers/qr_common.h"
#include "solvers/svd_methods.h"

static int64_t small_max = PLA_SVD_SMALL_MAX;

void pla__debug_svd_small_max(int64_t order)
{
    small_max = order > 0 ? order : PLA_SVD_SMALL_MAX;
}

/* The factors of R (r x r) on rank 0: s on every rank, Ur (r x k) and
   Vtr (k x r) scattered when vectors are wanted. */
static pla_err small_on_one(const pla_mat *R, int64_t k, int vectors, double *s, pla_mat **Ur, pla_mat **Vtr)
{
    pla_ctx *ctx = R->ctx;
    const int64_t r = R->n;
    double *a = NULL, *sv = NULL, *u = NULL, *vt = NULL, *vtk = NULL;
    pla_err err = pla__gather_f64(R, &a), local = PLA_OK;
    if (err == PLA_OK && ctx->rank == 0) {
        sv = malloc((size_t)r * sizeof *sv);
        if (vectors) {
            u = malloc((size_t)(r * r) * sizeof *u);
            vt = malloc((size_t)(r * r) * sizeof *vt);
            vtk = malloc((size_t)(k * r) * sizeof *vtk);
        }
        int info = sv && (!vectors || (u && vt && vtk)) ? pla__lapack_gesdd(r, r, a, r, sv, u, r, vt, r) : -100;
        if (info == -100)
            local = pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory for the %lldx%lld SVD",
                                 (long long)r, (long long)r);
        else if (info != 0)
            local = pla__set_err(ctx, info > 0 ? PLA_ERR_NUMERIC : PLA_ERR_LIB, __FILE__, __LINE__,
                                 "?gesdd failed with info = %d%s", info,
                                 info > 0 ? " (divide and conquer did not converge)" : "");
        for (int64_t j = 0; local == PLA_OK && vectors && j < r; ++j)
            for (int64_t i = 0; i < k; ++i)
                vtk[i + j * k] = vt[i + j * r];
    }
    if (err == PLA_OK)
        err = pla__agree(ctx, local);
    if (err == PLA_OK && ctx->rank != 0 && (sv = pla__malloc(ctx, (size_t)r * sizeof *sv)) == NULL)
        local = pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory for singular values");
    if (err == PLA_OK)
        err = pla__agree(ctx, local);
    if (err == PLA_OK)
        err = pla_ctx_bcast(ctx, sv, (int64_t)((size_t)r * sizeof *sv), 0);
    if (err == PLA_OK)
        memcpy(s, sv, (size_t)k * sizeof *s);
    if (err == PLA_OK && vectors)
        err = pla__scatter_f64(R, R->dt, r, k, u, Ur);  /* the first k columns, leading dimension r */
    if (err == PLA_OK && vectors)
        err = pla__scatter_f64(R, R->dt, k, r, vtk, Vtr);
    free(a);
    free(sv);
    free(u);
    free(vt);
    free(vtk);
    return err;
}

#if PLA_HAVE_MPI
/* The factors of R by p?gesvd on R's grid (square blocks). */
static pla_err small_distributed(const pla_mat *R, int64_t k, int vectors, double *s, pla_mat **Ur, pla_mat **Vtr)
{
    pla_ctx *ctx = R->ctx;
    const int64_t r = R->n, nb = R->nb;
    pla_mat *F = NULL, *Uf = NULL, *Vf = NULL;
    void *sv = pla__malloc(ctx, (size_t)r * (size_t)pla_dtype_size(R->dt));
    pla_err err = pla__agree(ctx, sv ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__,
                                                             "out of memory for singular values"));
    if (err == PLA_OK)
        err = pla_mat_create(ctx, R->dt, r, r, nb, nb, &F);
    if (err == PLA_OK)
        err = pla_mat_copy(R, F);
    if (err == PLA_OK && vectors)
        err = pla_mat_create(ctx, R->dt, r, r, nb, nb, &Uf);
    if (err == PLA_OK && vectors)
        err = pla_mat_create(ctx, R->dt, r, r, nb, nb, &Vf);
    if (err == PLA_OK)
        err = pla__kernel_gesvd(F, sv, Uf, Vf);
    for (int64_t i = 0; err == PLA_OK && i < k; ++i)
        s[i] = pla__get(R->dt, sv, 1, i, 0);
    if (err == PLA_OK && vectors)
        err = pla_mat_create(ctx, R->dt, r, k, nb, nb, Ur);
    if (err == PLA_OK && vectors)
        err = pla__kernel_copy_sub(Uf, 0, 0, r, k, *Ur, 0, 0);
    if (err == PLA_OK && vectors)
        err = pla_mat_create(ctx, R->dt, k, r, nb, nb, Vtr);
    if (err == PLA_OK && vectors)
        err = pla__kernel_copy_sub(Vf, 0, 0, k, r, *Vtr, 0, 0);
    pla_mat_destroy(&F);
    pla_mat_destroy(&Uf);
    pla_mat_destroy(&Vf);
    free(sv);
    return err;
}
#endif

pla_err pla__svd_full(const pla_mat *A, int64_t k, int vectors, double *s, pla_mat **U, pla_mat **Vt, double *res,
                      pla_svd_info *info)
{
    pla_ctx *ctx = A->ctx;
    const pla_qr_method qr = pla_qr_choose(A);
    const int one = A->n <= small_max || ctx->size == 1;
    pla_mat *Q = NULL, *R = NULL, *Ur = NULL, *W = NULL;
    pla_err err = pla_qr(A, qr, &R, vectors ? &Q : NULL);
    info->qr_tsqr = qr == PLA_QR_TSQR;
    info->small_on_one = one;
    if (err == PLA_OK) {
#if PLA_HAVE_MPI
        err = one ? small_on_one(R, k, vectors, s, &Ur, Vt) : small_distributed(R, k, vectors, s, &Ur, Vt);
#else
        err = small_on_one(R, k, vectors, s, &Ur, Vt);
#endif
    }
    /* the residuals, from the triangle: A v - s u = Q (R v - s U_R e), and Q
       is orthonormal to rounding, so ||A v - s u|| = ||R v - s U_R e||: a
       product of order r^2 k instead of m r k */
    if (err == PLA_OK && vectors && res != NULL)
        err = pla_mat_create(ctx, A->dt, R->m, k, Ur->mb, Ur->nb, &W);
    if (err == PLA_OK && vectors && res != NULL)
        err = pla_gemm(PLA_NOTRANS, PLA_TRANS, 1.0, R, *Vt, 0.0, W);
    if (err == PLA_OK && vectors && res != NULL)
        err = pla__svd_residual_norms(W, Ur, s, k, s[0], res);
    pla_mat_destroy(&W);
    pla_mat_destroy(&R);
    if (err == PLA_OK && vectors)
        err = pla_mat_create(ctx, A->dt, A->m, k, A->mb, A->nb, U);
    if (err == PLA_OK && vectors)
        err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, Q, Ur, 0.0, *U);
    pla_mat_destroy(&Q);
    pla_mat_destroy(&Ur);
    if (err != PLA_OK && vectors) {
        pla_mat_destroy(U);
        pla_mat_destroy(Vt);
    }
    return err;
}
