/* The covariance route of PCA: C = X^T X (the 1 / (m - 1) goes into the
   eigenvalues) by a symmetric rank-m update, then the k largest eigenpairs
   of C.  It reads X once at the full speed of a GEMM-like kernel, and its
   eigenproblem is n x n whatever m is: for m >> n the fastest exact route.
   The eigenvalues are exact to about eps * the largest variance (the
   squared singular values are what C holds); the components of variances
   near eps * the largest are not resolved, as with any covariance PCA. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "internal/backend.h"
#include "pla/ops.h"
#include "solvers/pca_routes.h"
#include "solvers/qr_common.h"
#include "solvers/signs.h"
#include "solvers/svd_methods.h"

/* Below this many columns ?syrk's threads (which split the n x n result)
   leave cores idle: each thread takes a share of the rows instead (1 rank x
   2 threads on 1000000 x 100 took twice the time of 2 ranks). */
#define GRAM_SPLIT_ROWS_MAX_N 512

/* local (n x n, ld n, upper triangle) := X_loc^T X_loc. */
static void local_gram(const pla_mat *X, void *local, int64_t n)
{
    const size_t es = (size_t)pla_dtype_size(X->dt), nn = (size_t)(n * n);
    int nt = 1;
#ifdef _OPENMP
    nt = X->ctx->nthreads > 0 ? X->ctx->nthreads : omp_get_max_threads();
#endif
    void *extra = nt > 1 && n <= GRAM_SPLIT_ROWS_MAX_N && X->mloc >= 256 * nt ? calloc((size_t)(nt - 1) * nn, es)
                                                                            : NULL;
    if (extra == NULL) {
        pla__local_syrk_t(X->dt, X->mloc, n, X->data, X->lld, local, n);
        return;
    }
#pragma omp parallel num_threads(nt) /* OpenBLAS runs one thread inside a parallel region */
    {
        int t = 0;
#ifdef _OPENMP
        t = omp_get_thread_num();
#endif
        const int64_t lo = X->mloc * t / nt, hi = X->mloc * (t + 1) / nt;
        void *dst = t == 0 ? local : (char *)extra + (size_t)(t - 1) * nn * es;
        pla__local_syrk_t(X->dt, hi - lo, n, (const char *)X->data + (size_t)lo * es, X->lld, dst, n);
    }
    for (int t = 1; t < nt; ++t)
        for (int64_t j = 0; j < n; ++j)
            for (int64_t i = 0; i <= j; ++i)
                pla__put(X->dt, local, n, i, j, pla__get(X->dt, local, n, i, j) +
                                                    pla__get(X->dt, (char *)extra + (size_t)(t - 1) * nn * es, n, i, j));
    free(extra);
}

/* C := the upper triangle of X^T X when every rank holds whole rows of X
   (a P x 1 grid): one local ?syrk per rank, the packed triangles summed
   over the ranks, each rank keeping its blocks of C. */
static pla_err gram_panels(const pla_mat *X, pla_mat *C)
{
    pla_ctx *ctx = X->ctx;
    pla_err err = PLA_OK;
    const int64_t n = X->n, es = pla_dtype_size(X->dt), tri = n * (n + 1) / 2;
    void *local = pla__calloc(ctx, (size_t)(n * n), (size_t)es);
    double *packed = pla__calloc(ctx, (size_t)tri, sizeof *packed);
    PLA_CHECK(ctx, local && packed, PLA_ERR_MEM, "out of memory for the %lldx%lld covariance", (long long)n,
              (long long)n);
    if (X->mloc > 0)
        local_gram(X, local, n);
    for (int64_t j = 0, p = 0; j < n; ++j)
        for (int64_t i = 0; i <= j; ++i, ++p)
            packed[p] = pla__get(X->dt, local, n, i, j);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, packed, tri, 0);
    for (int64_t jl = 0; err == PLA_OK && jl < C->nloc; ++jl) {
        const int64_t j = pla_mat_col_l2g(C, jl);
        for (int64_t il = 0; il < C->mloc; ++il) {
            const int64_t i = pla_mat_row_l2g(C, il);
            if (i <= j)
                pla__put(C->dt, C->data, C->lld, il, jl, packed[j * (j + 1) / 2 + i]);
        }
    }
    free(local);
    free(packed);
    return err;
}

/* *C := X^T X (upper triangle; n x n, square blocks of X's column block). */
static pla_err gram(const pla_mat *X, pla_mat **C)
{
    pla_err err = pla_mat_create(X->ctx, X->dt, X->n, X->n, X->nb, X->nb, C);
    if (err == PLA_OK)
        err = X->ctx->npcol == 1 ? gram_panels(X, *C) : pla__agree(X->ctx, pla__kernel_syrk_t(X, *C));
    if (err != PLA_OK)
        pla_mat_destroy(C);
    return err;
}

/* *V (n x k) := the columns of Z (n x found, eigenvalues ascending) for the
   k largest eigenvalues, largest first. */
static pla_err largest_first(const pla_mat *Z, int64_t found, int64_t k, pla_mat **V)
{
    pla_err err = PLA_OK;
    pla_mat *last = NULL;
    int64_t *perm = pla__calloc(Z->ctx, (size_t)k, sizeof *perm);
    err = perm ? PLA_OK : pla__set_err(Z->ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory");
    PLA_TRY(pla__agree(Z->ctx, err));
    for (int64_t j = 0; j < k; ++j)
        perm[j] = k - 1 - j;
    PLA_TRY(pla_mat_create(Z->ctx, Z->dt, Z->m, k, Z->mb, Z->nb, &last));
    PLA_TRY(pla__agree(Z->ctx, pla__kernel_copy_sub(Z, 0, found - k, Z->m, k, last, 0, 0)));
    PLA_TRY(pla_mat_create(Z->ctx, Z->dt, Z->m, k, Z->mb, Z->nb, V));
    PLA_TRY(pla_col_permute(last, perm, *V));
done:
    if (err != PLA_OK)
        pla_mat_destroy(V);
    pla_mat_destroy(&last);
    free(perm);
    return err;
}

pla_err pla__pca_covariance(const pla_mat *X, const pla_pca_opts *opts, pla_pca_model *model, pla_mat **scores)
{
    pla_ctx *ctx = X->ctx;
    pla_err err = PLA_OK;
    const int64_t m = X->m, n = X->n, r = m < n ? m : n;
    pla_mat *C = NULL, *Z = NULL, *V = NULL, *Y = NULL;
    double *w = NULL, *ev = NULL, *sign = NULL;
    int64_t found = 0;

    /* the k largest pairs, or all of them for a variance fraction (or no k) */
    const int64_t want = opts->variance > 0 || opts->k <= 0 ? n : opts->k;
    pla_eig_opts eo = pla_eig_defaults();
    eo.lower = 0;
    if (want < n) {
        /* MRRR: the Krylov eigensolver that auto picks for a few extreme pairs
           needs many steps on the slowly decaying spectra of data covariances */
        eo.solver = PLA_EIG_MRRR;
        eo.range = PLA_EIG_RANGE_INDEX;
        eo.il = n - want;
        eo.iu = n - 1;
    }
    w = pla__calloc(ctx, (size_t)n, sizeof *w);
    ev = pla__calloc(ctx, (size_t)n, sizeof *ev);
    sign = pla__calloc(ctx, (size_t)n, sizeof *sign);
    err = w && ev && sign ? PLA_OK : pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory");
    PLA_TRY(pla__agree(ctx, err));
    PLA_TRY(gram(X, &C));
    PLA_TRY(pla_eig(C, NULL, &eo, &found, w, &Z, &model->eig_solver));
    pla_mat_destroy(&C);
    PLA_CHECK(ctx, found == want, PLA_ERR_NUMERIC, "the eigensolver found %lld of the %lld largest eigenpairs",
              (long long)found, (long long)want);

    for (int64_t i = 0; i < found; ++i) {  /* descending; rounding may leave tiny negatives */
        const double lambda = w[found - 1 - i] / (double)(m - 1);
        ev[i] = lambda > 0 ? lambda : 0.0;
    }
    int64_t k = pla__pca_pick_k(opts, r, ev, found, model->total_variance);
    k = k < r ? k : r;
    PLA_TRY(largest_first(Z, found, k, &V));
    pla_mat_destroy(&Z);

    /* scikit-learn's svd_flip decides on U = X V / s: the scores carry the signs */
    PLA_TRY(pla__svd_product(PLA_NOTRANS, X, V, &Y));
    PLA_TRY(pla__column_signs(Y, sign));
    pla__flip_columns(Y, sign);
    pla__flip_columns(V, sign);

    PLA_TRY(pla__pca_alloc_values(ctx, model, k));
    for (int64_t i = 0; i < k; ++i) {
        model->explained_variance[i] = ev[i];
        model->singular_values[i] = sqrt(ev[i] * (double)(m - 1));
    }
    PLA_TRY(pla_mat_create(ctx, X->dt, k, n, X->nb, X->nb, &model->components));
    PLA_TRY(pla_mat_transpose(V, model->components));
    if (scores) {
        *scores = Y;
        Y = NULL;
    }
done:
    pla_mat_destroy(&C);
    pla_mat_destroy(&Z);
    pla_mat_destroy(&V);
    pla_mat_destroy(&Y);
    free(w);
    free(ev);
    free(sign);
    return err;
}
