#pragma once
/* The leaf of TSQR: one rank's rows, split among its OpenMP threads.  Each
   thread runs LAPACK's sequential TSQR (?latsqr) on its contiguous rows, so
   the Householder panels stay in cache instead of streaming the whole tall
   panel from memory once per column as ?geqrf does; one small QR combines
   the threads' R factors.  The R-only variant streams the rows through a
   cache-sized buffer and never writes the input (bench/RESULTS.md). */
#include "internal/core.h"

enum { PLA__TSQR_MAX_CHUNKS = 64 };

typedef struct {
    pla_dtype dt;
    size_t es;
    int64_t m, n;     /* my rows, the columns */
    void *a;          /* my rows, factored in place (ld lda) */
    int64_t lda;
    int nchunks;      /* threads' row ranges; 0: fewer rows than columns, one ?geqrf */
    int64_t row0[PLA__TSQR_MAX_CHUNKS + 1];
    int64_t mb, nb;   /* ?latsqr's row block and inner block */
    int64_t ldt, tcols;
    void *t[PLA__TSQR_MAX_CHUNKS];  /* each chunk's T (ldt x tcols) */
    void *s, *tau;    /* chunks > 1: their stacked R factors after ?geqrf; 0 chunks: ?geqrf's tau */
    int64_t r;        /* rows of the leaf's R: min(m, n) */
} pla__tsqr_leaf;

/* Not collective.  Factors my m x n rows a (ld lda) in place; r (n x n, ld n)
   := the leaf's R (first f->r rows, zero below).  Failures are recorded on
   wc (the caller agrees).  Free f with pla__tsqr_leaf_free in any case. */
pla_err pla__tsqr_leaf_factor(pla_ctx *wc, pla__tsqr_leaf *f, pla_dtype dt, int64_t m, int64_t n, void *a,
                              int64_t lda, void *r);
/* Not collective.  q (m x n, ld ldq) := Q_leaf [c; 0], c the f->r x n block
   (ld n) of the tree's Q that belongs to this leaf. */
pla_err pla__tsqr_leaf_q(pla_ctx *wc, pla__tsqr_leaf *f, const void *c, void *q, int64_t ldq);
void pla__tsqr_leaf_free(pla__tsqr_leaf *f);

/* The rows of [A B] - mean, read and never written: A is m x n1 (ld lda), B
   m x n2 (ld ldb; n2 may be 0 and b NULL), mean NULL or n1 + n2 values. */
typedef struct {
    const void *a, *b;
    int64_t lda, ldb, n1, n2;
    const double *mean;
} pla__tsqr_rows;

/* Not collective.  r (n x n upper, ld n; n = n1 + n2) := an R factor of my
   m rows of src (R^T R = W^T W for those rows W). */
pla_err pla__tsqr_leaf_r(pla_ctx *wc, pla_dtype dt, int64_t m, const pla__tsqr_rows *src, void *r);
