#pragma once
/* The kernel interface: the only layer that calls ScaLAPACK/PBLAS/BLACS (MPI
   build) or LAPACK/BLAS directly.  Callers have validated the arguments and
   agreed on them across ranks; these functions only compute.  Each
   pla__kernel_* goes to ScaLAPACK on a grid of more than one process and to
   LAPACK/BLAS on the local storage otherwise (src/backend/kernels.c). */
#include "internal/core.h"
#include "pla/ops.h"

/* Process grid setup and teardown (MPI build: BLACS; single process: 1 x 1). */
pla_err pla__grid_init(pla_ctx *ctx);
void pla__grid_free(pla_ctx *ctx);
/* Fills A->desc from its shape (MPI build; no-op otherwise). */
void pla__desc_init(pla_mat *A);

/* Threads for BLAS and OpenMP in this process. */
void pla__set_threads(int nthreads);

/* C := alpha op(A) op(B) + beta C, all of one dtype, conforming, nonempty m, n. */
pla_err pla__kernel_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A,
                         const pla_mat *B, double beta, pla_mat *C);
/* B := A^T (B n x m), same ctx/dtype. */
pla_err pla__kernel_transpose(const pla_mat *A, pla_mat *B);
/* B(ib:, jb:) := A(ia:ia+m, ja:ja+n) (0-based offsets) between any two
   distributions over the same processes, same dtype. */
pla_err pla__kernel_copy_sub(const pla_mat *A, int64_t ia, int64_t ja, int64_t m, int64_t n, pla_mat *B,
                             int64_t ib, int64_t jb);
/* Gathers/scatters A to/from a column-major buffer on rank root (same dtype). */
pla_err pla__kernel_gather(const pla_mat *A, int root, void *buf, int64_t ld);
pla_err pla__kernel_scatter(pla_mat *A, int root, const void *buf, int64_t ld);

/* C := A^T A (upper triangle of C; C is n x n for A m x n), same ctx/dtype. */
pla_err pla__kernel_syrk_t(const pla_mat *A, pla_mat *C);

/* Householder QR in place: A := the factors, tau (A's dtype) of local length
   pla__tau_len(A).  Workspace sizes (in elements) come from a query that is
   collective in the MPI build; callers allocate, agree, then factor.
   orgqr forms the explicit first k columns of Q in A (m x k, k <= min(m, n)). */
int64_t pla__tau_len(const pla_mat *A);
/* The element count a workspace query left in w[0] (as dtype), rounded up. */
int64_t pla__work_size(pla_dtype dt, const void *w);
int64_t pla__kernel_geqrf_lwork(pla_mat *A, void *tau);
pla_err pla__kernel_geqrf(pla_mat *A, void *tau, void *work, int64_t lwork);
int64_t pla__kernel_orgqr_lwork(pla_mat *A, int64_t k, void *tau);
pla_err pla__kernel_orgqr(pla_mat *A, int64_t k, void *tau, void *work, int64_t lwork);

/* Column-pivoted QR in place (p?geqpf; ?geqp3 on one process): ipiv (A->nloc
   ints, A's local columns) gets for each local column the 1-based global
   column of A it holds after pivoting; tau as for geqrf. */
int64_t pla__kernel_geqpf_lwork(pla_mat *A, int *ipiv, void *tau);
pla_err pla__kernel_geqpf(pla_mat *A, int *ipiv, void *tau, void *work, int64_t lwork);

/* Symmetric eigen-decomposition of A (n x n, square blocks; the lower or upper
   triangle is referenced, A is destroyed): w (A's type, n values, the same on
   every rank) ascending; the eigenvectors into Z (A's layout) when Z is not
   NULL.  Collective; workspaces are allocated inside (src/backend/eig_kernels.c). */
pla_err pla__kernel_syevd(pla_mat *A, int lower, void *w, pla_mat *Z);
/* The il-th..iu-th smallest eigenpairs (0-based, inclusive) of A as above,
   by MRRR (p?syevr; ?syevr on one process): *m gets iu - il + 1, w (n values
   of A's type) the eigenvalues, Z (n x n, A's layout; NULL for values only)
   the eigenvectors in its first *m columns. */
pla_err pla__kernel_syevr(pla_mat *A, int lower, int64_t il, int64_t iu, int64_t *m, void *w, pla_mat *Z);
/* Generalized A z = w B z (B positive definite; A, B n x n, square blocks,
   the same layout): B := its Cholesky factor (L L^T from the lower triangle,
   U^T U from the upper), A := the standard problem's matrix L^-1 A L^-T (or
   U^-T A U^-1) in the same triangle (p?potrf + p?sygst).  PLA_ERR_NUMERIC
   naming the first non-positive leading minor when B is not definite.
   sygst_back turns eigenvectors y of that problem (Z, n x k, rows as B's)
   into those of the pencil: Z := L^-T Z (or U^-1 Z), B-orthonormal. */
pla_err pla__kernel_sygst(pla_mat *A, pla_mat *B, int lower);
pla_err pla__kernel_sygst_back(const pla_mat *B, int lower, pla_mat *Z);
/* ELPA's two-stage solver (MPI build with ELPA, PLA_HAVE_ELPA): the nev
   smallest eigenpairs of the full symmetric A (both triangles set; n x n,
   square blocks; destroyed): w (n values of A's type; the first nev set,
   ascending, the same on every rank) and their eigenvectors in the first nev
   columns of Z (n x n, A's layout; NULL for eigenvalues only).  Collective
   over A's context (src/backend/elpa.c). */
pla_err pla__kernel_elpa(pla_mat *A, int64_t nev, void *w, pla_mat *Z);

#if PLA_HAVE_MPI
/* SVD of A (n x n, square blocks; destroyed) by p?gesvd on a grid of more than
   one process: s (n values of A's type, descending, the same on every rank),
   U and VT (n x n, A's layout) the singular vectors, or both NULL for values
   alone.  PLA_ERR_NUMERIC when the iteration does not converge. */
pla_err pla__kernel_gesvd(pla_mat *A, void *s, pla_mat *U, pla_mat *VT);
#endif

/* ---- implementations behind the dispatch (not called elsewhere) ---- */
pla_err pla__local_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A, const pla_mat *B,
                        double beta, pla_mat *C);
void pla__local_copy(int64_t m, int64_t n, size_t es, const void *src, int64_t ld_src, void *dst,
                     int64_t ld_dst);
void pla__local_transpose(pla_dtype dt, int64_t m, int64_t n, const void *a, int64_t lda, void *b,
                          int64_t ldb);
/* BLAS gemm on column-major arrays (k may be 0: C := beta C). */
void pla__blas_gemm(pla_dtype dt, pla_op ta, pla_op tb, int64_t m, int64_t n, int64_t k, double alpha,
                    const void *a, int64_t lda, const void *b, int64_t ldb, double beta, void *c, int64_t ldc);
/* The same product with the rows of C split between the OpenMP threads, one
   BLAS thread each: for few columns (n up to a few hundred) and many rows
   this beats BLAS's own threading, which splits and packs less evenly
   (100000 x 2000 by 60 on 2 threads: 1.4x).  Falls back to one call when
   there is one thread, few rows, or a parallel region already. */
void pla__blas_gemm_rows(pla_dtype dt, pla_op ta, pla_op tb, int64_t m, int64_t n, int64_t k, double alpha,
                         const void *a, int64_t lda, const void *b, int64_t ldb, double beta, void *c, int64_t ldc);
/* C (n x n, upper) := A^T A for A m x n column-major. */
void pla__local_syrk_t(pla_dtype dt, int64_t m, int64_t n, const void *a, int64_t lda, void *c, int64_t ldc);
/* LAPACK on column-major arrays: geqrf/orgqr; lwork < 0 queries into *work. */
int pla__lapack_geqrf(pla_dtype dt, int64_t m, int64_t n, void *a, int64_t lda, void *tau, void *work,
                      int64_t lwork);
int pla__lapack_geqp3(pla_dtype dt, int64_t m, int64_t n, void *a, int64_t lda, int *jpvt, void *tau, void *work,
                      int64_t lwork);
int pla__lapack_orgqr(pla_dtype dt, int64_t m, int64_t n, int64_t k, void *a, int64_t lda, const void *tau,
                      void *work, int64_t lwork);
/* LAPACK's sequential TSQR on column-major arrays (m >= n, mb > n for
   latsqr/lamtsqr; see LAPACK's ?latsqr, ?lamtsqr (side L, no transpose:
   C := Q C) and ?tpqrt; lwork < 0 queries into *work). */
int pla__lapack_latsqr(pla_dtype dt, int64_t m, int64_t n, int64_t mb, int64_t nb, void *a, int64_t lda, void *t,
                       int64_t ldt, void *work, int64_t lwork);
int pla__lapack_lamtsqr(pla_dtype dt, int64_t m, int64_t n, int64_t k, int64_t mb, int64_t nb, const void *a,
                        int64_t lda, const void *t, int64_t ldt, void *c, int64_t ldc, void *work, int64_t lwork);
int pla__lapack_tpqrt(pla_dtype dt, int64_t m, int64_t n, int64_t l, int64_t nb, void *a, int64_t lda, void *b,
                      int64_t ldb, void *t, int64_t ldt, void *work);
/* Small dense double-precision LAPACK on one rank: upper-triangular condition
   estimate (1-norm) and solve (R or R^T), Cholesky (upper) factor/solve/condition estimate.  Return
   LAPACK's info (-100: out of memory). */
int pla__lapack_trcon(int64_t n, const double *r, int64_t ldr, double *rcond);
int pla__lapack_trtrs(int trans, int64_t n, int64_t nrhs, const double *r, int64_t ldr, double *b, int64_t ldb);
/* ?gesdd of an m x n matrix (a destroyed): s gets min(m, n) values; with u and
   vt, the economic factors (u m x min, vt min x n); u or vt NULL: values only. */
int pla__lapack_gesdd(int64_t m, int64_t n, double *a, int64_t lda, double *s, double *u, int64_t ldu, double *vt,
                      int64_t ldvt);
int pla__lapack_potrf(int64_t n, double *a, int64_t lda);
int pla__lapack_potrs(int64_t n, int64_t nrhs, const double *a, int64_t lda, double *b, int64_t ldb);
/* Minimum-norm solution of min ||A X - B|| by QR with column pivoting and a
   complete orthogonal factorization (?gelsy): A n x n (destroyed), B n x nrhs
   (overwritten by X); the rank is the order of the largest leading R11 with
   estimated condition below 1 / rcond. */
int pla__lapack_gelsy(int64_t n, int64_t nrhs, double *a, int64_t lda, double *b, int64_t ldb, double rcond,
                      int64_t *rank);
int pla__lapack_pocon(int64_t n, const double *a, int64_t lda, double anorm, double *rcond);
#if PLA_HAVE_MPI
pla_err pla__pblas_gemm(pla_op ta, pla_op tb, double alpha, const pla_mat *A, const pla_mat *B,
                        double beta, pla_mat *C);
pla_err pla__pblas_transpose(const pla_mat *A, pla_mat *B);
pla_err pla__scalapack_copy_sub(const pla_mat *A, int64_t ia, int64_t ja, int64_t m, int64_t n, pla_mat *B,
                                int64_t ib, int64_t jb);
pla_err pla__scalapack_root_transfer(const pla_mat *A, int root, void *buf, int64_t ld, int to_root);
pla_err pla__pblas_syrk_t(const pla_mat *A, pla_mat *C);
int pla__scalapack_geqrf(pla_mat *A, void *tau, void *work, int64_t lwork);
int pla__scalapack_geqpf(pla_mat *A, int *ipiv, void *tau, void *work, int64_t lwork);
int pla__scalapack_orgqr(pla_mat *A, int64_t k, void *tau, void *work, int64_t lwork);
#endif
