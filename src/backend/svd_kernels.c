/* The distributed SVD of a square matrix by p?gesvd (QR iteration on the
   bidiagonal), for the full method's small factor when it is too large for
   one process (MPI build only; one process runs LAPACK's ?gesdd instead). */
#include <stdlib.h>
#include "internal/backend.h"
#include "backend/fortran.h"

static int gesvd_run(pla_mat *A, void *s, pla_mat *U, pla_mat *VT, void *work, int lwork)
{
    const int n = (int)A->n, one = 1;
    const char *job = U != NULL ? "V" : "N";
    /* U and VT are not referenced for values alone: A's descriptor stands in */
    void *u = U ? U->data : NULL, *vt = VT ? VT->data : NULL;
    const int *descu = U ? U->desc : A->desc, *descvt = VT ? VT->desc : A->desc;
    int info = 0;
    if (A->dt == PLA_F64)
        pdgesvd_(job, job, &n, &n, A->data, &one, &one, A->desc, s, u, &one, &one, descu, vt, &one, &one, descvt,
                 work, &lwork, &info);
    else
        psgesvd_(job, job, &n, &n, A->data, &one, &one, A->desc, s, u, &one, &one, descu, vt, &one, &one, descvt,
                 work, &lwork, &info);
    return info;
}

pla_err pla__kernel_gesvd(pla_mat *A, void *s, pla_mat *U, pla_mat *VT)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = A->ctx;
    double wq[2] = { 0, 0 };
    void *work = NULL;
    int info = gesvd_run(A, s, U, VT, wq, -1);
    /* the largest query over the ranks, with room for one more block row and column */
    double need = (double)pla__work_size(A->dt, wq) + (double)(2 * A->nb * (A->nb + A->mloc + A->nloc));
    err = pla__allreduce(ctx, PLA_SCOPE_ALL, &need, 1, 1);
    if (err != PLA_OK)
        goto done;
    PLA_CHECK(ctx, info == 0, PLA_ERR_LIB, "the SVD's workspace query failed with info = %d", info);
    PLA_CHECK(ctx, pla__fits_int((int64_t)need), PLA_ERR_MEM,
              "the SVD's workspace (%.0f elements) exceeds what ScaLAPACK can address", need);
    work = pla__malloc(ctx, (size_t)need * (size_t)pla_dtype_size(A->dt));
    PLA_CHECK(ctx, work != NULL, PLA_ERR_MEM, "out of memory for the SVD's workspace (%.0f elements)", need);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK) {
        info = gesvd_run(A, s, U, VT, work, (int)need);
        pla_err local = info == 0 ? PLA_OK
                      : pla__set_err(ctx, info > 0 ? PLA_ERR_NUMERIC : PLA_ERR_LIB, __FILE__, __LINE__,
                                     "p?gesvd failed with info = %d%s", info,
                                     info > 0 ? " (the bidiagonal QR iteration did not converge)" : "");
        err = pla__agree(ctx, local);
    }
    free(work);
    return err;
}
