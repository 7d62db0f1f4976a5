/* LAPACK on small dense double-precision problems held by one rank (the
   n x n systems that least squares reduces to).  Thin wrappers: 64-bit sizes
   in, Fortran calls out, info back. */
#include <stdlib.h>
#include "internal/backend.h"
#include "backend/fortran.h"

int pla__lapack_trcon(int64_t n, const double *r, int64_t ldr, double *rcond)
{
    const int in = (int)n, ild = (int)(ldr > 0 ? ldr : 1);
    int info = 0;
    double *work = malloc((size_t)(3 * n + 1) * sizeof *work);
    int *iwork = malloc((size_t)(n + 1) * sizeof *iwork);
    if (work == NULL || iwork == NULL)
        info = -100;
    else
        dtrcon_("1", "U", "N", &in, r, &ild, rcond, work, iwork, &info);
    free(work);
    free(iwork);
    return info;
}

int pla__lapack_trtrs(int trans, int64_t n, int64_t nrhs, const double *r, int64_t ldr, double *b, int64_t ldb)
{
    const int in = (int)n, ir = (int)nrhs, ild = (int)(ldr > 0 ? ldr : 1), ildb = (int)(ldb > 0 ? ldb : 1);
    int info = 0;
    dtrtrs_("U", trans ? "T" : "N", "N", &in, &ir, r, &ild, b, &ildb, &info);
    return info;
}

int pla__lapack_gesdd(int64_t m, int64_t n, double *a, int64_t lda, double *s, double *u, int64_t ldu, double *vt,
                      int64_t ldvt)
{
    const int im = (int)m, in = (int)n, ild = (int)(lda > 0 ? lda : 1);
    const int ildu = (int)(ldu > 0 ? ldu : 1), ildvt = (int)(ldvt > 0 ? ldvt : 1);
    const int64_t r = m < n ? m : n;
    const char *jobz = u != NULL && vt != NULL ? "S" : "N";
    int info = 0, lwork = -1;
    double q = 0, one_u = 0, one_vt = 0;
    int *iwork = malloc((size_t)(8 * r + 1) * sizeof *iwork);
    if (iwork == NULL)
        return -100;
    if (u == NULL || vt == NULL)
        u = &one_u, vt = &one_vt;  /* not referenced for jobz = N */
    dgesdd_(jobz, &im, &in, a, &ild, s, u, &ildu, vt, &ildvt, &q, &lwork, iwork, &info);
    /* the query's answer, never below the minimum LAPACK documents */
    const double minimum = (double)(*jobz == 'N' ? 7 * r + 3 * (m > n ? m : n) : 4 * r * r + 7 * r + 3 * (m > n ? m : n));
    double want = q > minimum ? q : minimum;
    lwork = want < 2147483647.0 ? (int)want + 1 : -1;
    double *work = lwork > 0 ? malloc((size_t)lwork * sizeof *work) : NULL;
    if (work == NULL)
        info = -100;
    else
        dgesdd_(jobz, &im, &in, a, &ild, s, u, &ildu, vt, &ildvt, work, &lwork, iwork, &info);
    free(work);
    free(iwork);
    return info;
}

int pla__lapack_potrf(int64_t n, double *a, int64_t lda)
{
    const int in = (int)n, ild = (int)(lda > 0 ? lda : 1);
    int info = 0;
    dpotrf_("U", &in, a, &ild, &info);
    return info;
}

int pla__lapack_potrs(int64_t n, int64_t nrhs, const double *a, int64_t lda, double *b, int64_t ldb)
{
    const int in = (int)n, ir = (int)nrhs, ild = (int)(lda > 0 ? lda : 1), ildb = (int)(ldb > 0 ? ldb : 1);
    int info = 0;
    dpotrs_("U", &in, &ir, a, &ild, b, &ildb, &info);
    return info;
}

int pla__lapack_pocon(int64_t n, const double *a, int64_t lda, double anorm, double *rcond)
{
    const int in = (int)n, ild = (int)(lda > 0 ? lda : 1);
    int info = 0;
    double *work = malloc((size_t)(3 * n + 1) * sizeof *work);
    int *iwork = malloc((size_t)(n + 1) * sizeof *iwork);
    if (work == NULL || iwork == NULL)
        info = -100;
    else
        dpocon_("U", &in, a, &ild, &anorm, rcond, work, iwork, &info);
    free(work);
    free(iwork);
    return info;
}

int pla__lapack_gelsy(int64_t n, int64_t nrhs, double *a, int64_t lda, double *b, int64_t ldb, double rcond,
                      int64_t *rank)
{
    const int in = (int)n, inr = (int)nrhs, ilda = (int)(lda > 0 ? lda : 1), ildb = (int)(ldb > 0 ? ldb : 1);
    int info = 0, r = 0, lwork = -1;
    double query = 0.0;
    int *jpvt = calloc((size_t)(n > 0 ? n : 1), sizeof *jpvt);  /* zero: every column free to move */
    if (jpvt == NULL)
        return -100;
    dgelsy_(&in, &in, &inr, a, &ilda, b, &ildb, jpvt, &rcond, &r, &query, &lwork, &info);
    lwork = (int)query + 1;
    double *work = malloc((size_t)lwork * sizeof *work);
    if (work == NULL)
        info = -100;
    else
        dgelsy_(&in, &in, &inr, a, &ilda, b, &ildb, jpvt, &rcond, &r, work, &lwork, &info);
    *rank = r;
    free(work);
    free(jpvt);
    return info;
}
