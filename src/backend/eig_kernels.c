/* Symmetric eigen-decompositions behind the dispatch: ScaLAPACK on a grid,
   LAPACK on one process.  All pairs by divide and conquer (p?syevd; p?syev
   for eigenvalues alone, which p?syevd does not offer), index subsets by
   MRRR (p?syevr), and the Cholesky reduction of A x = w B x to standard
   form (p?potrf + p?sygst) with its back-transformation (p?trsm).
   Workspaces are queried, enlarged where ScaLAPACK undercounts, agreed on
   across ranks and allocated here. */
#include <stdlib.h>
#include <string.h>
#include "internal/backend.h"
#include "backend/fortran.h"

/* One eigensolver call: the arguments of ?syevd / ?syevr.  il, iu 1-based. */
typedef struct {
    int mrrr;    /* 0: divide and conquer (p?syev for values alone), 1: MRRR */
    char jobz, uplo;
    int il, iu;  /* MRRR index range */
    int m;       /* MRRR: eigenvalues found */
    pla_mat *A, *Z;
    void *w;
} eig_call;

#if PLA_HAVE_MPI
static int scalapack_run(eig_call *c, void *work, int lwork, int *iwork, int liwork)
{
    const int n = (int)c->A->n, one = 1;
    const double dv = 0.0;
    const float sv = 0.0f;
    const int f64 = c->A->dt == PLA_F64;
    void *z = c->Z ? c->Z->data : NULL;
    const int *descz = c->Z ? c->Z->desc : c->A->desc;  /* Z unreferenced for values alone */
    int info = 0, nz = 0;
    pla_mat *A = c->A;
    if (c->mrrr && f64)
        pdsyevr_(&c->jobz, "I", &c->uplo, &n, A->data, &one, &one, A->desc, &dv, &dv, &c->il, &c->iu, &c->m, &nz,
                 c->w, z, &one, &one, descz, work, &lwork, iwork, &liwork, &info);
    else if (c->mrrr)
        pssyevr_(&c->jobz, "I", &c->uplo, &n, A->data, &one, &one, A->desc, &sv, &sv, &c->il, &c->iu, &c->m, &nz,
                 c->w, z, &one, &one, descz, work, &lwork, iwork, &liwork, &info);
    else if (c->jobz == 'V' && f64)
        pdsyevd_(&c->jobz, &c->uplo, &n, A->data, &one, &one, A->desc, c->w, z, &one, &one, descz, work, &lwork,
                 iwork, &liwork, &info);
    else if (c->jobz == 'V')
        pssyevd_(&c->jobz, &c->uplo, &n, A->data, &one, &one, A->desc, c->w, z, &one, &one, descz, work, &lwork,
                 iwork, &liwork, &info);
    else if (f64)
        pdsyev_(&c->jobz, &c->uplo, &n, A->data, &one, &one, A->desc, c->w, NULL, &one, &one, descz, work, &lwork,
                &info);
    else
        pssyev_(&c->jobz, &c->uplo, &n, A->data, &one, &one, A->desc, c->w, NULL, &one, &one, descz, work, &lwork,
                &info);
    return info;
}
#endif

static int lapack_run(eig_call *c, void *work, int lwork, int *iwork, int liwork)
{
    pla_mat *A = c->A;
    const int n = (int)A->n, lda = (int)(A->lld > 0 ? A->lld : 1);
    const int f64 = A->dt == PLA_F64, ldz = c->Z ? (int)c->Z->lld : 1;
    int info = 0;
    if (c->mrrr) {
        const double dv = 0.0;
        const float sv = 0.0f;
        double zd = 0;
        void *z = c->Z ? c->Z->data : &zd;
        int *isuppz = malloc(2 * (size_t)(n > 0 ? n : 1) * sizeof *isuppz);
        if (!isuppz)
            return -1000;  /* reported as out of memory */
        if (f64)
            dsyevr_(&c->jobz, "I", &c->uplo, &n, A->data, &lda, &dv, &dv, &c->il, &c->iu, &dv, &c->m, c->w, z, &ldz,
                    isuppz, work, &lwork, iwork, &liwork, &info);
        else
            ssyevr_(&c->jobz, "I", &c->uplo, &n, A->data, &lda, &sv, &sv, &c->il, &c->iu, &sv, &c->m, c->w, z, &ldz,
                    isuppz, work, &lwork, iwork, &liwork, &info);
        free(isuppz);
        return info;
    }
    if (f64)
        dsyevd_(&c->jobz, &c->uplo, &n, A->data, &lda, c->w, work, &lwork, iwork, &liwork, &info);
    else
        ssyevd_(&c->jobz, &c->uplo, &n, A->data, &lda, c->w, work, &lwork, iwork, &liwork, &info);
    if (info == 0 && lwork != -1 && c->jobz == 'V')  /* ?syevd leaves the vectors in A */
        for (int64_t j = 0; j < A->nloc; ++j)
            memcpy((char *)c->Z->data + (size_t)(j * c->Z->lld) * pla_dtype_size(A->dt),
                   (char *)A->data + (size_t)(j * A->lld) * pla_dtype_size(A->dt),
                   (size_t)A->mloc * pla_dtype_size(A->dt));
    return info;
}

static int eig_run(eig_call *c, void *work, int lwork, int *iwork, int liwork)
{
#if PLA_HAVE_MPI
    if (c->A->ctx->size > 1)
        return scalapack_run(c, work, lwork, iwork, liwork);
#endif
    return lapack_run(c, work, lwork, iwork, liwork);
}

/* Query, enlarge, agree, allocate, run; info mapped to an agreed status. */
static pla_err eig_with_workspace(eig_call *c)
{
    pla_err err = PLA_OK;
    pla_mat *A = c->A;
    pla_ctx *ctx = A->ctx;
    double wq[2] = { 0, 0 };
    int iq = 0;
    void *work = NULL;
    int *iwork = NULL;
    int info = eig_run(c, wq, -1, &iq, -1);
    double need[2] = { (double)pla__work_size(A->dt, wq), (double)(iq > 1 ? iq : 1) };
    /* ScaLAPACK 2.2.1's queries count this rank's share only, yet the
       back-transformation (PDORMTR) and the sort (PDLASRT) size their work by
       the largest shares: a rank with few columns got "parameter 16/9
       illegal".  Take the largest query and add what those two need. */
    const int64_t n = A->n, nb = A->nb, np = pla__numroc(n, nb, 0, ctx->nprow), nq = pla__numroc(n, nb, 0, ctx->npcol);
    need[0] += (double)((np + nq) * nb + nb * nb + np * (nb + nq) + 2 * n);
    need[1] += (double)(7 * n + 8 * ctx->npcol + 2);
    err = pla__allreduce(ctx, PLA_SCOPE_ALL, need, 2, 1);
    const int64_t lwork = (int64_t)need[0] > 3 * n + 64 ? (int64_t)need[0] : 3 * n + 64, liwork = (int64_t)need[1];
    if (err != PLA_OK)
        goto done;
    PLA_CHECK(ctx, info == 0, PLA_ERR_LIB, "the eigensolver's workspace query failed with info = %d", info);
    PLA_CHECK(ctx, pla__fits_int(lwork) && pla__fits_int(liwork), PLA_ERR_MEM,
              "the eigensolver's workspace (%lld elements) exceeds what ScaLAPACK can address", (long long)lwork);
    work = pla__malloc(ctx, (size_t)lwork * (size_t)pla_dtype_size(A->dt));
    iwork = pla__malloc(ctx, (size_t)liwork * sizeof *iwork);
    PLA_CHECK(ctx, work && iwork, PLA_ERR_MEM, "out of memory for the eigensolver's workspace (%lld elements)",
              (long long)lwork);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK) {
        info = eig_run(c, work, (int)lwork, iwork, (int)liwork);
        if (info == -1000)
            err = pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory in the eigensolver");
        else if (info > 0)
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

pla_err pla__kernel_syevd(pla_mat *A, int lower, void *w, pla_mat *Z)
{
    eig_call c = { .mrrr = 0, .jobz = Z ? 'V' : 'N', .uplo = lower ? 'L' : 'U', .A = A, .Z = Z, .w = w };
    return eig_with_workspace(&c);
}

pla_err pla__kernel_syevr(pla_mat *A, int lower, int64_t il, int64_t iu, int64_t *m, void *w, pla_mat *Z)
{
    eig_call c = { .mrrr = 1, .jobz = Z ? 'V' : 'N', .uplo = lower ? 'L' : 'U', .il = (int)il + 1,
                   .iu = (int)iu + 1, .A = A, .Z = Z, .w = w };
    pla_err err = eig_with_workspace(&c);
    *m = c.m;
    if (err == PLA_OK && c.m != c.iu - c.il + 1)
        err = pla__agree(A->ctx, pla__set_err(A->ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                                              "MRRR found %d of the %d eigenvalues asked for", c.m, c.iu - c.il + 1));
    return err;
}

pla_err pla__kernel_sygst(pla_mat *A, pla_mat *B, int lower)
{
    const char uplo = lower ? 'L' : 'U';
    const int n = (int)A->n, one = 1, f64 = A->dt == PLA_F64;
    int info = 0;
    pla_ctx *ctx = A->ctx;
#if PLA_HAVE_MPI
    if (ctx->size > 1) {
        double ds = 1.0;
        float ss = 1.0f;
        if (f64)
            pdpotrf_(&uplo, &n, B->data, &one, &one, B->desc, &info);
        else
            pspotrf_(&uplo, &n, B->data, &one, &one, B->desc, &info);
        if (info == 0 && f64)
            pdsygst_(&one, &uplo, &n, A->data, &one, &one, A->desc, B->data, &one, &one, B->desc, &ds, &info);
        else if (info == 0)
            pssygst_(&one, &uplo, &n, A->data, &one, &one, A->desc, B->data, &one, &one, B->desc, &ss, &info);
    } else
#endif
    {
        const int lda = (int)(A->lld > 0 ? A->lld : 1), ldb = (int)(B->lld > 0 ? B->lld : 1);
        if (f64)
            dpotrf_(&uplo, &n, B->data, &ldb, &info);
        else
            spotrf_(&uplo, &n, B->data, &ldb, &info);
        if (info == 0 && f64)
            dsygst_(&one, &uplo, &n, A->data, &lda, B->data, &ldb, &info);
        else if (info == 0)
            ssygst_(&one, &uplo, &n, A->data, &lda, B->data, &ldb, &info);
    }
    pla_err err = PLA_OK;
    if (info > 0)
        err = pla__set_err(ctx, PLA_ERR_NUMERIC, __FILE__, __LINE__,
                           "B is not positive definite (its leading minor of order %d is not)", info);
    else if (info < 0)
        err = pla__set_err(ctx, PLA_ERR_LIB, __FILE__, __LINE__,
                           "the reduction to standard form rejected argument %d", -info);
    return pla__agree(ctx, err);
}

pla_err pla__kernel_sygst_back(const pla_mat *B, int lower, pla_mat *Z)
{
    /* B = L L^T: x = L^-T y;  B = U^T U: x = U^-1 y */
    const char side = 'L', uplo = lower ? 'L' : 'U', trans = lower ? 'T' : 'N', diag = 'N';
    const int n = (int)Z->m, k = (int)Z->n;
    const double done = 1.0;
    const float sone = 1.0f;
    if (n == 0 || k == 0)
        return PLA_OK;
#if PLA_HAVE_MPI
    if (Z->ctx->size > 1) {
        const int one = 1;
        if (Z->dt == PLA_F64)
            pdtrsm_(&side, &uplo, &trans, &diag, &n, &k, &done, B->data, &one, &one, B->desc, Z->data, &one, &one,
                    Z->desc);
        else
            pstrsm_(&side, &uplo, &trans, &diag, &n, &k, &sone, B->data, &one, &one, B->desc, Z->data, &one, &one,
                    Z->desc);
        return PLA_OK;
    }
#endif
    const int ldb = (int)(B->lld > 0 ? B->lld : 1), ldz = (int)(Z->lld > 0 ? Z->lld : 1);
    if (Z->dt == PLA_F64)
        dtrsm_(&side, &uplo, &trans, &diag, &n, &k, &done, B->data, &ldb, Z->data, &ldz);
    else
        strsm_(&side, &uplo, &trans, &diag, &n, &k, &sone, B->data, &ldb, Z->data, &ldz);
    return PLA_OK;
}
