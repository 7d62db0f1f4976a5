/* Moving a distributed matrix: copy between distributions and element types,
   transpose, gather to and scatter from one rank. */
#include <stdlib.h>
#include "internal/core.h"
#include "internal/backend.h"

static int same_processes(const pla_ctx *a, const pla_ctx *b)
{
    if (a == b)
        return 1;
#if PLA_HAVE_MPI
    int cmp = MPI_UNEQUAL;
    MPI_Comm_compare(a->comm, b->comm, &cmp);
    return cmp == MPI_IDENT || cmp == MPI_CONGRUENT;
#else
    return 1;
#endif
}

/* dst := src elementwise with conversion, local storage of identically distributed matrices */
static void convert_local(const pla_mat *src, pla_mat *dst)
{
    for (int64_t j = 0; j < src->nloc; ++j) {
        if (src->dt == PLA_F64) {
            const double *s = (const double *)src->data + j * src->lld;
            float *d = (float *)dst->data + j * dst->lld;
            for (int64_t i = 0; i < src->mloc; ++i) d[i] = (float)s[i];
        } else {
            const float *s = (const float *)src->data + j * src->lld;
            double *d = (double *)dst->data + j * dst->lld;
            for (int64_t i = 0; i < src->mloc; ++i) d[i] = (double)s[i];
        }
    }
}

pla_err pla_mat_copy(const pla_mat *A, pla_mat *B)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = B->ctx;
    pla_mat *T = NULL;
    PLA_CHECK(ctx, same_processes(A->ctx, ctx), PLA_ERR_ARG, "copy between contexts over different processes");
    PLA_CHECK(ctx, A->m == B->m && A->n == B->n, PLA_ERR_ARG, "copy of a %lldx%lld matrix into a %lldx%lld one",
              (long long)A->m, (long long)A->n, (long long)B->m, (long long)B->n);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK || A->m == 0 || A->n == 0)
        return err;
    if (A->dt != B->dt) {
        err = pla_mat_create(A->ctx, B->dt, A->m, A->n, A->mb, A->nb, &T);
        if (err != PLA_OK)
            return err;
        convert_local(A, T);
        A = T;
    }
    err = pla__kernel_copy_sub(A, 0, 0, A->m, A->n, B, 0, 0);
    pla_mat_destroy(&T);
    return err;
}

pla_err pla_mat_transpose(const pla_mat *A, pla_mat *B)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = B->ctx;
    PLA_CHECK(ctx, A->ctx == ctx, PLA_ERR_ARG, "transpose between different contexts");
    PLA_CHECK(ctx, A->dt == B->dt, PLA_ERR_ARG, "transpose between element types %s and %s",
              pla_dtype_name(A->dt), pla_dtype_name(B->dt));
    PLA_CHECK(ctx, A->m == B->n && A->n == B->m, PLA_ERR_ARG,
              "transpose of a %lldx%lld matrix into a %lldx%lld one", (long long)A->m, (long long)A->n,
              (long long)B->m, (long long)B->n);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK || A->m == 0 || A->n == 0)
        return err;
    return pla__kernel_transpose(A, B);
}

static pla_err root_checks(const pla_mat *A, int root, const void *buf, int64_t ld)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    PLA_CHECK(ctx, root >= 0 && root < ctx->size, PLA_ERR_ARG, "root rank %d out of range", root);
    if (ctx->rank == root) {
        PLA_CHECK(ctx, ld >= (A->m > 1 ? A->m : 1), PLA_ERR_ARG, "leading dimension %lld below %lld rows",
                  (long long)ld, (long long)A->m);
        PLA_CHECK(ctx, buf != NULL || A->m * A->n == 0, PLA_ERR_ARG, "no buffer on the root rank");
    }
done:
    return pla__agree(ctx, err);
}

pla_err pla_mat_gather(const pla_mat *A, int root, void *buf, int64_t ld)
{
    pla_err err = root_checks(A, root, buf, ld);
    if (err != PLA_OK || A->m == 0 || A->n == 0)
        return err;
    return pla__kernel_gather(A, root, buf, ld);
}

pla_err pla_mat_scatter(pla_mat *A, int root, const void *buf, int64_t ld)
{
    pla_err err = root_checks(A, root, buf, ld);
    if (err != PLA_OK || A->m == 0 || A->n == 0)
        return err;
    return pla__kernel_scatter(A, root, buf, ld);
}

/* Gathers A to rank 0 as a float64 column-major array (NULL elsewhere). */
pla_err pla__gather_f64(const pla_mat *A, double **out)
{
    pla_ctx *ctx = A->ctx;
    pla_mat *D = NULL;
    int64_t ld = A->m > 1 ? A->m : 1;
    *out = NULL;
    pla_err err = pla_mat_create(ctx, PLA_F64, A->m, A->n, A->mb, A->nb, &D);
    if (err == PLA_OK)
        err = pla_mat_copy(A, D);
    if (err == PLA_OK) {
        pla_err local = PLA_OK;
        if (ctx->rank == 0 && (*out = pla__calloc(ctx, (size_t)(ld * (A->n > 0 ? A->n : 1)), sizeof **out)) == NULL)
            local = pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory gathering a %lldx%lld factor",
                                 (long long)A->m, (long long)A->n);
        err = pla__agree(ctx, local);
    }
    if (err == PLA_OK)
        err = pla_mat_gather(D, 0, *out, ld);
    pla_mat_destroy(&D);
    if (err != PLA_OK) {
        free(*out);
        *out = NULL;
    }
    return err;
}

/* A new distributed matrix (dtype dt, blocks of like) from rank 0's float64 array. */
pla_err pla__scatter_f64(const pla_mat *like, pla_dtype dt, int64_t m, int64_t n, const double *buf,
                           pla_mat **out)
{
    pla_mat *D = NULL;
    pla_err err = pla_mat_create(like->ctx, PLA_F64, m, n, like->mb, like->nb, &D);
    if (err == PLA_OK)
        err = pla_mat_scatter(D, 0, buf, m > 1 ? m : 1);
    if (err == PLA_OK)
        err = pla_mat_create(like->ctx, dt, m, n, like->mb, like->nb, out);
    if (err == PLA_OK)
        err = pla_mat_copy(D, *out);
    pla_mat_destroy(&D);
    return err;
}
