#pragma once
/* Prototypes of the BLAS, BLACS, PBLAS and ScaLAPACK routines pla calls.  No C
   header exists for ScaLAPACK/BLACS: Fortran symbols take every argument by
   pointer with 32-bit integers; the Cblacs_* entry points are plain C. */
#include "pla/config.h"

void dgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k,
            const double *alpha, const double *a, const int *lda, const double *b, const int *ldb,
            const double *beta, double *c, const int *ldc);
void sgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k,
            const float *alpha, const float *a, const int *lda, const float *b, const int *ldb,
            const float *beta, float *c, const int *ldc);

/* OpenBLAS extensions */
void openblas_set_num_threads(int n);
char *openblas_get_corename(void);
char *openblas_get_config(void);

#if PLA_HAVE_MPI
#include <mpi.h>
int Csys2blacs_handle(MPI_Comm comm);
void Cfree_blacs_system_handle(int handle);
void Cblacs_gridinit(int *ictxt, const char *order, int nprow, int npcol);
void Cblacs_gridmap(int *ictxt, int *usermap, int ldumap, int nprow, int npcol);
void Cblacs_gridinfo(int ictxt, int *nprow, int *npcol, int *myrow, int *mycol);
void Cblacs_gridexit(int ictxt);

void pdgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k,
             const double *alpha, const double *a, const int *ia, const int *ja, const int *desca,
             const double *b, const int *ib, const int *jb, const int *descb,
             const double *beta, double *c, const int *ic, const int *jc, const int *descc);
void psgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k,
             const float *alpha, const float *a, const int *ia, const int *ja, const int *desca,
             const float *b, const int *ib, const int *jb, const int *descb,
             const float *beta, float *c, const int *ic, const int *jc, const int *descc);
void pdtran_(const int *m, const int *n, const double *alpha, const double *a, const int *ia,
             const int *ja, const int *desca, const double *beta, double *c, const int *ic,
             const int *jc, const int *descc);
void pstran_(const int *m, const int *n, const float *alpha, const float *a, const int *ia,
             const int *ja, const int *desca, const float *beta, float *c, const int *ic,
             const int *jc, const int *descc);
void pdgemr2d_(const int *m, const int *n, const double *a, const int *ia, const int *ja,
               const int *desca, double *b, const int *ib, const int *jb, const int *descb,
               const int *ictxt);
void psgemr2d_(const int *m, const int *n, const float *a, const int *ia, const int *ja,
               const int *desca, float *b, const int *ib, const int *jb, const int *descb,
               const int *ictxt);
#endif

/* LAPACK (local) and ScaLAPACK (distributed) QR */
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work,
             const int *lwork, int *info);
void sgeqrf_(const int *m, const int *n, float *a, const int *lda, float *tau, float *work,
             const int *lwork, int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda, const double *tau,
             double *work, const int *lwork, int *info);
void sorgqr_(const int *m, const int *n, const int *k, float *a, const int *lda, const float *tau,
             float *work, const int *lwork, int *info);
/* Symmetric eigenproblems: divide and conquer */
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
             const int *lwork, int *iwork, const int *liwork, int *info);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda, float *w, float *work,
             const int *lwork, int *iwork, const int *liwork, int *info);
/* Symmetric eigenproblems: MRRR subsets; the Cholesky reduction of A x = w B x */
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a, const int *lda,
             const double *vl, const double *vu, const int *il, const int *iu, const double *abstol, int *m,
             double *w, double *z, const int *ldz, int *isuppz, double *work, const int *lwork, int *iwork,
             const int *liwork, int *info);
void ssyevr_(const char *jobz, const char *range, const char *uplo, const int *n, float *a, const int *lda,
             const float *vl, const float *vu, const int *il, const int *iu, const float *abstol, int *m, float *w,
             float *z, const int *ldz, int *isuppz, float *work, const int *lwork, int *iwork, const int *liwork,
             int *info);
void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);
void dsygst_(const int *itype, const char *uplo, const int *n, double *a, const int *lda, const double *b,
             const int *ldb, int *info);
void ssygst_(const int *itype, const char *uplo, const int *n, float *a, const int *lda, const float *b,
             const int *ldb, int *info);
void dtrsm_(const char *side, const char *uplo, const char *transa, const char *diag, const int *m, const int *n,
            const double *alpha, const double *a, const int *lda, double *b, const int *ldb);
void strsm_(const char *side, const char *uplo, const char *transa, const char *diag, const int *m, const int *n,
            const float *alpha, const float *a, const int *lda, float *b, const int *ldb);
/* Column-pivoted QR (level-3 LAPACK; ScaLAPACK's below) and the small
   rank-revealing least-squares solve */
void dgeqp3_(const int *m, const int *n, double *a, const int *lda, int *jpvt, double *tau, double *work,
             const int *lwork, int *info);
void sgeqp3_(const int *m, const int *n, float *a, const int *lda, int *jpvt, float *tau, float *work,
             const int *lwork, int *info);
void dgelsy_(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb,
             int *jpvt, const double *rcond, int *rank, double *work, const int *lwork, int *info);
/* LAPACK's sequential TSQR (row blocks) and triangular-pentagonal QR */
void dlatsqr_(const int *m, const int *n, const int *mb, const int *nb, double *a, const int *lda, double *t,
              const int *ldt, double *work, const int *lwork, int *info);
void slatsqr_(const int *m, const int *n, const int *mb, const int *nb, float *a, const int *lda, float *t,
              const int *ldt, float *work, const int *lwork, int *info);
void dlamtsqr_(const char *side, const char *trans, const int *m, const int *n, const int *k, const int *mb,
               const int *nb, const double *a, const int *lda, const double *t, const int *ldt, double *c,
               const int *ldc, double *work, const int *lwork, int *info);
void slamtsqr_(const char *side, const char *trans, const int *m, const int *n, const int *k, const int *mb,
               const int *nb, const float *a, const int *lda, const float *t, const int *ldt, float *c,
               const int *ldc, float *work, const int *lwork, int *info);
void dtpqrt_(const int *m, const int *n, const int *l, const int *nb, double *a, const int *lda, double *b,
             const int *ldb, double *t, const int *ldt, double *work, int *info);
void stpqrt_(const int *m, const int *n, const int *l, const int *nb, float *a, const int *lda, float *b,
             const int *ldb, float *t, const int *ldt, float *work, int *info);
#if PLA_HAVE_MPI
/* Singular value decomposition (QR iteration on the bidiagonal) */
void pdgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a, const int *ia,
              const int *ja, const int *desca, double *s, double *u, const int *iu, const int *ju, const int *descu,
              double *vt, const int *ivt, const int *jvt, const int *descvt, double *work, const int *lwork,
              int *info);
void psgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, float *a, const int *ia,
              const int *ja, const int *desca, float *s, float *u, const int *iu, const int *ju, const int *descu,
              float *vt, const int *ivt, const int *jvt, const int *descvt, float *work, const int *lwork,
              int *info);
#endif

#if PLA_HAVE_MPI
void pdsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *ia, const int *ja,
              const int *desca, double *w, double *z, const int *iz, const int *jz, const int *descz, double *work,
              const int *lwork, int *iwork, const int *liwork, int *info);
void pssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *ia, const int *ja,
              const int *desca, float *w, float *z, const int *iz, const int *jz, const int *descz, float *work,
              const int *lwork, int *iwork, const int *liwork, int *info);
void pdsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *ia, const int *ja,
             const int *desca, double *w, double *z, const int *iz, const int *jz, const int *descz, double *work,
             const int *lwork, int *info);
void pssyev_(const char *jobz, const char *uplo, const int *n, float *a, const int *ia, const int *ja,
             const int *desca, float *w, float *z, const int *iz, const int *jz, const int *descz, float *work,
             const int *lwork, int *info);
void pdsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a, const int *ia,
              const int *ja, const int *desca, const double *vl, const double *vu, const int *il, const int *iu,
              int *m, int *nz, double *w, double *z, const int *iz, const int *jz, const int *descz, double *work,
              const int *lwork, int *iwork, const int *liwork, int *info);
void pssyevr_(const char *jobz, const char *range, const char *uplo, const int *n, float *a, const int *ia,
              const int *ja, const int *desca, const float *vl, const float *vu, const int *il, const int *iu,
              int *m, int *nz, float *w, float *z, const int *iz, const int *jz, const int *descz, float *work,
              const int *lwork, int *iwork, const int *liwork, int *info);
void pdpotrf_(const char *uplo, const int *n, double *a, const int *ia, const int *ja, const int *desca, int *info);
void pspotrf_(const char *uplo, const int *n, float *a, const int *ia, const int *ja, const int *desca, int *info);
void pdsygst_(const int *ibtype, const char *uplo, const int *n, double *a, const int *ia, const int *ja,
              const int *desca, const double *b, const int *ib, const int *jb, const int *descb, double *scale,
              int *info);
void pssygst_(const int *ibtype, const char *uplo, const int *n, float *a, const int *ia, const int *ja,
              const int *desca, const float *b, const int *ib, const int *jb, const int *descb, float *scale,
              int *info);
void pdtrsm_(const char *side, const char *uplo, const char *transa, const char *diag, const int *m, const int *n,
             const double *alpha, const double *a, const int *ia, const int *ja, const int *desca, double *b,
             const int *ib, const int *jb, const int *descb);
void pstrsm_(const char *side, const char *uplo, const char *transa, const char *diag, const int *m, const int *n,
             const float *alpha, const float *a, const int *ia, const int *ja, const int *desca, float *b,
             const int *ib, const int *jb, const int *descb);
void pdgeqpf_(const int *m, const int *n, double *a, const int *ia, const int *ja, const int *desca, int *ipiv,
              double *tau, double *work, const int *lwork, int *info);
void psgeqpf_(const int *m, const int *n, float *a, const int *ia, const int *ja, const int *desca, int *ipiv,
              float *tau, float *work, const int *lwork, int *info);
void pdgeqrf_(const int *m, const int *n, double *a, const int *ia, const int *ja, const int *desca,
              double *tau, double *work, const int *lwork, int *info);
void psgeqrf_(const int *m, const int *n, float *a, const int *ia, const int *ja, const int *desca,
              float *tau, float *work, const int *lwork, int *info);
void pdorgqr_(const int *m, const int *n, const int *k, double *a, const int *ia, const int *ja,
              const int *desca, double *tau, double *work, const int *lwork, int *info);
void psorgqr_(const int *m, const int *n, const int *k, float *a, const int *ia, const int *ja,
              const int *desca, float *tau, float *work, const int *lwork, int *info);
#endif

/* LAPACK for the small dense problems solved on one rank (double only) */
void dtrcon_(const char *norm, const char *uplo, const char *diag, const int *n, const double *a, const int *lda,
             double *rcond, double *work, int *iwork, int *info);
void dtrtrs_(const char *uplo, const char *trans, const char *diag, const int *n, const int *nrhs, const double *a,
             const int *lda, double *b, const int *ldb, int *info);
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s, double *u,
             const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork, int *iwork, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda, double *b,
             const int *ldb, int *info);
void dpocon_(const char *uplo, const int *n, const double *a, const int *lda, const double *anorm, double *rcond,
             double *work, int *iwork, int *info);

/* Symmetric rank-k update */
void dsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha, const double *a,
            const int *lda, const double *beta, double *c, const int *ldc);
void ssyrk_(const char *uplo, const char *trans, const int *n, const int *k, const float *alpha, const float *a,
            const int *lda, const float *beta, float *c, const int *ldc);
#if PLA_HAVE_MPI
void pdsyrk_(const char *uplo, const char *trans, const int *n, const int *k, const double *alpha, const double *a,
             const int *ia, const int *ja, const int *desca, const double *beta, double *c, const int *ic,
             const int *jc, const int *descc);
void pssyrk_(const char *uplo, const char *trans, const int *n, const int *k, const float *alpha, const float *a,
             const int *ia, const int *ja, const int *desca, const float *beta, float *c, const int *ic,
             const int *jc, const int *descc);
#endif

#if PLA_HAVE_MPI
/* PBLAS's blocking-factor query; pla defines it (src/backend/pblas_tuning.c) */
int pilaenv_(const int *ictxt, const char *prec);
#endif
