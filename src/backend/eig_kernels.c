/* Symmetric eigen-decomposition behind the dispatch: ScaLAPACK p?syevd
   (divide and conquer; p?syev for eigenvalues alone, which p?syevd does not
   offer) on a grid, LAPACK ?syevd on one process.  Workspaces are queried,
   allocated and agreed on here. */
#include <stdlib.h>
#include <string.h>
#include "internal/backend.h"
#include "backend/fortran.h"

/* One call with (lwork, liwork) = (-1, -1) for the query, then the real one. */
static int syevd_call(pla_mat *A, char jobz, char uplo, void *w, pla_mat *Z, void *work, int lwork, int *iwork,
                      int liwork)
{
    const int n = (int)A->n;
    int info = 0;
#if PLA_HAVE_MPI
    if (A->ctx->size > 1) {
        const int one = 1;
        if (jobz == 'V') {
            if (A->dt == PLA_F64)
                pdsyevd_(&jobz, &uplo, &n, A->data, &one, &one, A->desc, w, Z->data, &one, &one, Z->desc, work,
                         &lwork, iwork, &liwork, &info);
            else
                pssyevd_(&jobz, &uplo, &n, A->data, &one, &one, A->desc, w, Z->data, &one, &one, Z->desc, work,
                         &lwork, iwork, &liwork, &info);
        } else {  /* values only: Z is not referenced, A's descriptor stands in */
            if (A->dt == PLA_F64)
                pdsyev_(&jobz, &uplo, &n, A->data, &one, &one, A->desc, w, NULL, &one, &one, A->desc, work, &lwork,
                        &info);
            else
                pssyev_(&jobz, &uplo, &n, A->data, &one, &one, A->desc, w, NULL, &one, &one, A->desc, work, &lwork,
                        &info);
        }
        return info;
    }
#endif
    const int lda = (int)(A->lld > 0 ? A->lld : 1);
    if (A->dt == PLA_F64)
        dsyevd_(&jobz, &uplo, &n, A->data, &lda, w, work, &lwork, iwork, &liwork, &info);
    else
        ssyevd_(&jobz, &uplo, &n, A->data, &lda, w, work, &lwork, iwork, &liwork, &info);
    if (info == 0 && lwork != -1 && jobz == 'V')  /* ?syevd leaves the vectors in A */
        for (int64_t j = 0; j < A->nloc; ++j)
            memcpy((char *)Z->data + (size_t)(j * Z->lld) * pla_dtype_size(A->dt),
                   (char *)A->data + (size_t)(j * A->lld) * pla_dtype_size(A->dt),
                   (size_t)A->mloc * pla_dtype_size(A->dt));
    return info;
}

pla_err pla__kernel_syevd(pla_mat *A, int lower, void *w, pla_mat *Z)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    const char jobz = Z != NULL ? 'V' : 'N', uplo = lower ? 'L' : 'U';
    double wq[2] = { 0, 0 };
    int iq = 0;
    void *work = NULL;
    int *iwork = NULL;
    int info = syevd_call(A, jobz, uplo, w, Z, wq, -1, &iq, -1);
    double need[2] = { (double)pla__work_size(A->dt, wq), (double)(iq > 1 ? iq : 1) };
    /* ScaLAPACK 2.2.1's query counts this rank's share only, yet the
       back-transformation (PDORMTR) and the sort (PDLASRT) size their work by
       the largest shares: a rank with few columns got "parameter 16/9
       illegal".  Take the largest query and add what those two need. */
    const int64_t n = A->n, nb = A->nb, np = pla__numroc(n, nb, 0, ctx->nprow), nq = pla__numroc(n, nb, 0, ctx->npcol);
    need[0] += (double)((np + nq) * nb + nb * nb + np * (nb + nq) + 2 * n);
    need[1] += (double)(7 * n + 8 * ctx->npcol + 2);
    err = pla__allreduce(ctx, PLA_SCOPE_ALL, need, 2, 1);
    int64_t lwork = (int64_t)need[0], liwork = (int64_t)need[1];
    lwork = lwork > 3 * n + 64 ? lwork : 3 * n + 64;
    if (err != PLA_OK)
        goto done;
    work = pla__malloc(ctx, (size_t)lwork * (size_t)pla_dtype_size(A->dt));
    iwork = pla__malloc(ctx, (size_t)liwork * sizeof *iwork);
    PLA_CHECK(ctx, info == 0, PLA_ERR_LIB, "the eigensolver's workspace query failed with info = %d", info);
    PLA_CHECK(ctx, work && iwork, PLA_ERR_MEM, "out of memory for the eigensolver's workspace (%lld elements)",
              (long long)lwork);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK) {
        info = syevd_call(A, jobz, uplo, w, Z, work, (int)lwork, iwork, (int)liwork);
        if (info > 0)
            err = pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                               "the symmetric eigensolver did not converge (info = %d)", info);
        else if (info < 0)
            err = pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__,
                               "the symmetric eigensolver rejected argument %d", -info);
        err = pla__agree(ctx, err);
    }
    free(work);
    free(iwork);
    return err;
}
