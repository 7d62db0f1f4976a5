/* The leaf of TSQR: one rank's rows factored by its threads (tsqr_leaf.h). */
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "internal/backend.h"
#include "solvers/tsqr_leaf.h"
#include "solvers/qr_common.h"

/* Inner block of ?latsqr / ?tpqrt (LAPACK's usual 32). */
static int64_t inner_block(int64_t n)
{
    return n < 32 ? (n > 0 ? n : 1) : 32;
}

/* Row block of ?latsqr: the n rows of the running R plus at least 1024 new
   rows (bench/local_qr_kernels.c: 1024-2048 is best for n = 500). */
static int64_t row_block(int64_t n)
{
    return n + (n > 1024 ? n : 1024);
}

static int max_threads(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* Chunks of at least `least` rows, one per thread at most. */
static int chunk_count(int64_t m, int64_t least)
{
    int64_t k = m / (least > 0 ? least : 1);
    int t = max_threads();
    k = k < t ? k : t;
    k = k < PLA__TSQR_MAX_CHUNKS ? k : PLA__TSQR_MAX_CHUNKS;
    return k > 1 ? (int)k : 1;
}

static void split_rows(int64_t m, int k, int64_t *row0)
{
    for (int t = 0; t <= k; ++t)
        row0[t] = m * t / k;
}

/* dst (n x n, ld n) := the upper trapezoid of the first r rows of a (ld lda), zero elsewhere. */
static void take_upper(pla_dtype dt, int64_t r, int64_t n, const void *a, int64_t lda, void *dst)
{
    const size_t es = (size_t)pla_dtype_size(dt);
    memset(dst, 0, (size_t)(n * n) * es);
    for (int64_t j = 0; j < n; ++j) {
        const int64_t len = (j + 1 < r ? j + 1 : r);
        memcpy((char *)dst + (size_t)(j * n) * es, (const char *)a + (size_t)(j * lda) * es, (size_t)len * es);
    }
}

static int64_t latsqr_lwork(const pla__tsqr_leaf *f)
{
    double w[2] = { 0, 0 };
    int64_t need = f->n * f->nb;
    int64_t rows = f->row0[1] - f->row0[0];
    if (pla__lapack_lamtsqr(f->dt, rows, f->n, f->n, f->mb, f->nb, NULL, rows, NULL, f->ldt, NULL, rows, w, -1) == 0) {
        int64_t q = pla__work_size(f->dt, w);
        need = q > need ? q : need;
    }
    return need > 1 ? need : 1;
}

pla_err pla__tsqr_leaf_factor(pla_ctx *wc, pla__tsqr_leaf *f, pla_dtype dt, int64_t m, int64_t n, void *a,
                              int64_t lda, void *r)
{
    pla_err err = PLA_OK;
    void *work = NULL;
    memset(f, 0, sizeof *f);
    f->dt = dt;
    f->es = (size_t)pla_dtype_size(dt);
    f->m = m;
    f->n = n;
    f->a = a;
    f->lda = lda > 1 ? lda : 1;
    f->r = m < n ? m : n;
    if (n == 0 || m == 0) {
        memset(r, 0, (size_t)(n * n) * f->es);
        return PLA_OK;
    }
    if (m < n) {  /* fewer rows than columns: one ?geqrf, upper trapezoidal R */
        double w[2] = { 0, 0 };
        pla__lapack_geqrf(dt, m, n, a, f->lda, NULL, w, -1);
        int64_t lwork = pla__work_size(dt, w);
        f->tau = pla__calloc(wc, (size_t)m, f->es);
        work = pla__malloc(wc, (size_t)lwork * f->es);
        PLA_CHECK(wc, f->tau && work, PLA_ERR_MEM, "out of memory for a TSQR leaf");
        int info = pla__lapack_geqrf(dt, m, n, a, f->lda, f->tau, work, lwork);
        PLA_CHECK(wc, info == 0, PLA_ERR_LIB, "?geqrf of a TSQR leaf failed with info = %d", info);
        take_upper(dt, m, n, a, f->lda, r);
        goto done;
    }
    f->nb = inner_block(n);
    f->mb = row_block(n);
    f->nchunks = chunk_count(m, f->mb);
    split_rows(m, f->nchunks, f->row0);
    f->ldt = f->nb;
    int64_t longest = f->row0[1] - f->row0[0] + 1;  /* chunks differ by one row at most */
    int64_t blocks = longest <= f->mb ? 1 : (longest - n + (f->mb - n) - 1) / (f->mb - n);
    f->tcols = n * (blocks > 1 ? blocks : 1);
    const int64_t lwork = latsqr_lwork(f);
    work = pla__malloc(wc, (size_t)(lwork * f->nchunks) * f->es);
    PLA_CHECK(wc, work != NULL, PLA_ERR_MEM, "out of memory for TSQR workspace");
    for (int t = 0; t < f->nchunks; ++t) {
        f->t[t] = pla__malloc(wc, (size_t)(f->ldt * f->tcols) * f->es);
        PLA_CHECK(wc, f->t[t] != NULL, PLA_ERR_MEM, "out of memory for TSQR workspace");
    }
    if (f->nchunks > 1) {
        f->s = pla__calloc(wc, (size_t)(f->nchunks * n * n), f->es);
        f->tau = pla__calloc(wc, (size_t)n, f->es);
        PLA_CHECK(wc, f->s && f->tau, PLA_ERR_MEM, "out of memory for TSQR workspace");
    }
    int bad = 0;
    /* inside the parallel region OpenBLAS runs each call on its own thread */
#pragma omp parallel for schedule(static, 1) num_threads(f->nchunks) if (f->nchunks > 1) reduction(| : bad)
    for (int t = 0; t < f->nchunks; ++t) {
        const int64_t rows = f->row0[t + 1] - f->row0[t];
        char *at = (char *)a + (size_t)f->row0[t] * f->es;
        bad |= pla__lapack_latsqr(dt, rows, n, f->mb, f->nb, at, f->lda, f->t[t], f->ldt,
                                  (char *)work + (size_t)(lwork * t) * f->es, lwork) != 0;
    }
    PLA_CHECK(wc, !bad, PLA_ERR_LIB, "?latsqr of a TSQR leaf failed");
    if (f->nchunks == 1) {
        take_upper(dt, n, n, a, f->lda, r);
        goto done;
    }
    /* combine the chunks: R := R of their stacked R factors */
    const int64_t ls = f->nchunks * n;
    for (int t = 0; t < f->nchunks; ++t)
        for (int64_t j = 0; j < n; ++j)
            memcpy((char *)f->s + (size_t)(j * ls + t * n) * f->es,
                   (char *)a + (size_t)(f->row0[t] + j * f->lda) * f->es, (size_t)(j + 1) * f->es);
    double w[2] = { 0, 0 };
    pla__lapack_geqrf(dt, ls, n, f->s, ls, f->tau, w, -1);
    int64_t lw2 = pla__work_size(dt, w);
    free(work);
    work = pla__malloc(wc, (size_t)lw2 * f->es);
    PLA_CHECK(wc, work != NULL, PLA_ERR_MEM, "out of memory for TSQR workspace");
    int info = pla__lapack_geqrf(dt, ls, n, f->s, ls, f->tau, work, lw2);
    PLA_CHECK(wc, info == 0, PLA_ERR_LIB, "?geqrf combining TSQR chunks failed with info = %d", info);
    take_upper(dt, n, n, f->s, ls, r);
done:
    free(work);
    return err;
}

/* Few rows: q := Q (m x m from ?geqrf) [c; 0] with c m x n. */
static pla_err leaf_q_short(pla_ctx *wc, pla__tsqr_leaf *f, const void *c, void *q, int64_t ldq)
{
    pla_err err = PLA_OK;
    const int64_t m = f->m, n = f->n;
    double w[2] = { 0, 0 };
    pla__lapack_orgqr(f->dt, m, m, m, NULL, m, NULL, w, -1);
    int64_t lwork = pla__work_size(f->dt, w);
    void *v = pla__malloc(wc, (size_t)(m * m) * f->es), *work = pla__malloc(wc, (size_t)lwork * f->es);
    PLA_CHECK(wc, v && work, PLA_ERR_MEM, "out of memory for TSQR Q");
    for (int64_t j = 0; j < m; ++j)
        memcpy((char *)v + (size_t)(j * m) * f->es, (char *)f->a + (size_t)(j * f->lda) * f->es, (size_t)m * f->es);
    int info = pla__lapack_orgqr(f->dt, m, m, m, v, m, f->tau, work, lwork);
    PLA_CHECK(wc, info == 0, PLA_ERR_LIB, "?orgqr of a TSQR leaf failed with info = %d", info);
    pla__blas_gemm(f->dt, PLA_NOTRANS, PLA_NOTRANS, m, n, m, 1.0, v, m, c, n, 0.0, q, ldq);
done:
    free(v);
    free(work);
    return err;
}

pla_err pla__tsqr_leaf_q(pla_ctx *wc, pla__tsqr_leaf *f, const void *c, void *q, int64_t ldq)
{
    pla_err err = PLA_OK;
    const int64_t n = f->n;
    void *cs = NULL, *work = NULL;
    if (n == 0 || f->m == 0)
        return PLA_OK;
    if (f->nchunks == 0)
        return leaf_q_short(wc, f, c, q, ldq);
    /* each chunk's block of the leaf's Q: c itself, or (Q of the stacked R factors) c */
    const void *ct = c;
    int64_t ldc = n;
    if (f->nchunks > 1) {
        const int64_t ls = f->nchunks * n;
        double w[2] = { 0, 0 };
        pla__lapack_orgqr(f->dt, ls, n, n, NULL, ls, NULL, w, -1);
        int64_t lw = pla__work_size(f->dt, w);
        cs = pla__malloc(wc, (size_t)(ls * n) * f->es);
        work = pla__malloc(wc, (size_t)lw * f->es);
        PLA_CHECK(wc, cs && work, PLA_ERR_MEM, "out of memory for TSQR Q");
        int info = pla__lapack_orgqr(f->dt, ls, n, n, f->s, ls, f->tau, work, lw);
        PLA_CHECK(wc, info == 0, PLA_ERR_LIB, "?orgqr combining TSQR chunks failed with info = %d", info);
        pla__blas_gemm(f->dt, PLA_NOTRANS, PLA_NOTRANS, ls, n, n, 1.0, f->s, ls, c, n, 0.0, cs, ls);
        free(work);
        work = NULL;
        ct = cs;
        ldc = ls;
    }
    const int64_t lwork = latsqr_lwork(f);
    work = pla__malloc(wc, (size_t)(lwork * f->nchunks) * f->es);
    PLA_CHECK(wc, work != NULL, PLA_ERR_MEM, "out of memory for TSQR Q");
    int bad = 0;
#pragma omp parallel for schedule(static, 1) num_threads(f->nchunks) if (f->nchunks > 1) reduction(| : bad)
    for (int t = 0; t < f->nchunks; ++t) {
        const int64_t r0 = f->row0[t], rows = f->row0[t + 1] - r0;
        char *qt = (char *)q + (size_t)r0 * f->es;
        for (int64_t j = 0; j < n; ++j) {  /* [c_t; 0] */
            char *col = qt + (size_t)(j * ldq) * f->es;
            memcpy(col, (const char *)ct + (size_t)(j * ldc + t * n) * f->es, (size_t)n * f->es);
            memset(col + (size_t)n * f->es, 0, (size_t)(rows - n) * f->es);
        }
        bad |= pla__lapack_lamtsqr(f->dt, rows, n, n, f->mb, f->nb, (char *)f->a + (size_t)r0 * f->es, f->lda,
                                   f->t[t], f->ldt, qt, ldq, (char *)work + (size_t)(lwork * t) * f->es,
                                   lwork) != 0;
    }
    PLA_CHECK(wc, !bad, PLA_ERR_LIB, "?lamtsqr forming a TSQR leaf's Q failed");
done:
    free(cs);
    free(work);
    return err;
}

void pla__tsqr_leaf_free(pla__tsqr_leaf *f)
{
    for (int t = 0; t < PLA__TSQR_MAX_CHUNKS; ++t)
        free(f->t[t]);
    free(f->s);
    free(f->tau);
    memset(f, 0, sizeof *f);
}

/* ---- R only, streamed ---------------------------------------------------- */

/* Rows per streamed block: about 4 MiB of the buffer, 256 at least. */
static int64_t stream_block(int64_t n, size_t es)
{
    int64_t rows = (int64_t)(((size_t)4 << 20) / ((size_t)(n > 0 ? n : 1) * es));
    return rows < 256 ? 256 : rows > 4096 ? 4096 : rows;
}

/* w (h x n, ld h) := rows i0 .. i0 + h of src, shifted by the mean. */
static void copy_rows(pla_dtype dt, const pla__tsqr_rows *src, int64_t i0, int64_t h, void *w)
{
    const size_t es = (size_t)pla_dtype_size(dt);
    for (int64_t j = 0; j < src->n1 + src->n2; ++j) {
        const int in_a = j < src->n1;
        const char *col = in_a ? (const char *)src->a + (size_t)(i0 + j * src->lda) * es
                               : (const char *)src->b + (size_t)(i0 + (j - src->n1) * src->ldb) * es;
        char *dst = (char *)w + (size_t)(j * h) * es;
        if (src->mean == NULL) {
            memcpy(dst, col, (size_t)h * es);
        } else if (dt == PLA_F64) {
            const double mu = src->mean[j], *x = (const double *)col;
            double *y = (double *)dst;
            for (int64_t i = 0; i < h; ++i) y[i] = x[i] - mu;
        } else {
            const float mu = (float)src->mean[j], *x = (const float *)col;
            float *y = (float *)dst;
            for (int64_t i = 0; i < h; ++i) y[i] = x[i] - mu;
        }
    }
}

pla_err pla__tsqr_leaf_r(pla_ctx *wc, pla_dtype dt, int64_t m, const pla__tsqr_rows *src, void *r)
{
    pla_err err = PLA_OK;
    const size_t es = (size_t)pla_dtype_size(dt);
    const int64_t n = src->n1 + src->n2, nb = inner_block(n), blk = stream_block(n, es);
    const int k = chunk_count(m, blk);
    int64_t row0[PLA__TSQR_MAX_CHUNKS + 1];
    split_rows(m, k, row0);
    /* per chunk: its R (n x n), the block buffer, T and work (nb x n each) */
    const size_t per = (size_t)(n * n + blk * n + 2 * nb * n);
    char *buf = pla__calloc(wc, per * (size_t)k, es);
    PLA_CHECK(wc, buf != NULL, PLA_ERR_MEM, "out of memory for TSQR buffers");
    if (n == 0)
        goto done;
    int bad = 0;
#pragma omp parallel for schedule(static, 1) num_threads(k) if (k > 1) reduction(| : bad)
    for (int t = 0; t < k; ++t) {
        char *rt = buf + per * (size_t)t * es, *w = rt + (size_t)(n * n) * es;
        char *tt = w + (size_t)(blk * n) * es, *work = tt + (size_t)(nb * n) * es;
        for (int64_t i = row0[t]; i < row0[t + 1]; i += blk) {
            const int64_t h = row0[t + 1] - i < blk ? row0[t + 1] - i : blk;
            copy_rows(dt, src, i, h, w);
            /* [R_t; W] -> R_t: W is a full (pentagonal with l = 0) block */
            bad |= pla__lapack_tpqrt(dt, h, n, 0, nb, rt, n, w, h, tt, nb, work) != 0;
        }
    }
    PLA_CHECK(wc, !bad, PLA_ERR_LIB, "?tpqrt streaming a TSQR leaf failed");
    /* fold the other chunks' triangles into chunk 0's */
    for (int t = 1; t < k; ++t) {
        char *r0 = buf, *rt = buf + per * (size_t)t * es, *tt = r0 + (size_t)(n * n + blk * n) * es;
        int info = pla__lapack_tpqrt(dt, n, n, n, nb, r0, n, rt, n, tt, nb, tt + (size_t)(nb * n) * es);
        PLA_CHECK(wc, info == 0, PLA_ERR_LIB, "?tpqrt combining TSQR chunks failed with info = %d", info);
    }
    take_upper(dt, n, n, buf, n, r);
done:
    free(buf);
    return err;
}
