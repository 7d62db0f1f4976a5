/* local_qr_kernels: which LAPACK kernel should factor one rank's tall row
   panel inside TSQR?  Times, on one m x n float64 panel (no MPI, no pla):
     geqrf            LAPACK's blocked Householder QR (R and reflectors)
     geqrf+orgqr      the same, then the explicit Q
     latsqr MB NB     LAPACK's sequential TSQR over row blocks of MB rows
                      (dgeqrt of the first block, dtpqrt of [R; block] after)
     latsqr+orgtsqr   the same, then the explicit Q
     geqrt NB         LAPACK's compact-WY QR: recursive dgeqrt3 panels of NB
                      columns (level 3 throughout), dlarfb updates
     geqrt+gemqrt     the same, then Q = Q [I; 0] applied by dgemqrt
     omp-latsqr       one dlatsqr per OpenMP thread on its contiguous rows,
                      then a dtpqrt of the stacked R factors (R only)
   Threads: OMP_NUM_THREADS (OpenBLAS's OpenMP variant follows it; inside an
   OpenMP region its calls run on one thread).  Each kernel runs on a fresh
   copy of the panel made before the clock starts; one JSON line per kernel
   with the median seconds and GFLOP/s (2mn^2 - 2n^3/3 for R, doubled for Q).

   usage: local_qr_kernels [-m M] [-n N] [--reps R] [--mb LIST] [--nb NB] */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work, const int *lwork,
             int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda, const double *tau, double *work,
             const int *lwork, int *info);
void dlatsqr_(const int *m, const int *n, const int *mb, const int *nb, double *a, const int *lda, double *t,
              const int *ldt, double *work, const int *lwork, int *info);
void dorgtsqr_(const int *m, const int *n, const int *mb, const int *nb, double *a, const int *lda,
               const double *t, const int *ldt, double *work, const int *lwork, int *info);
void dgeqrt_(const int *m, const int *n, const int *nb, double *a, const int *lda, double *t, const int *ldt,
             double *work, int *info);
void dgemqrt_(const char *side, const char *trans, const int *m, const int *n, const int *k, const int *nb,
              const double *v, const int *ldv, const double *t, const int *ldt, double *c, const int *ldc,
              double *work, int *info);
void dtpqrt_(const int *m, const int *n, const int *l, const int *nb, double *a, const int *lda, double *b,
             const int *ldb, double *t, const int *ldt, double *work, int *info);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double entry(uint64_t i, uint64_t j)
{
    uint64_t z = i * 0xBF58476D1CE4E5B9ull + j * 0x94D049BB133111EBull + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-52 - 1.0;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* |R(0,0)| and |R(n-1,n-1)| from the factor, to show every kernel computed the same R (up to signs) */
static void report(const char *name, int m, int n, int mb, int nb, int with_q, double *t, int reps, const double *a,
                   int lda)
{
    qsort(t, (size_t)reps, sizeof *t, cmp);
    double med = t[reps / 2], flops = 2.0 * m * (double)n * n - 2.0 * n * (double)n * n / 3.0;
    if (with_q)
        flops *= 2.0;
    printf("{\"kernel\":\"%s\",\"m\":%d,\"n\":%d,\"mb\":%d,\"nb\":%d,\"threads\":%d,\"median_s\":%.4f,"
           "\"min_s\":%.4f,\"gflops\":%.1f,\"r00\":%.12g,\"rnn\":%.12g}\n",
           name, m, n, mb, nb, omp_get_max_threads(), med, t[0], flops / med * 1e-9, fabs(a[0]),
           with_q ? 0.0 : fabs(a[(size_t)(n - 1) * (size_t)lda + (size_t)(n - 1)]));
    fflush(stdout);
}

/* R of the m x n panel a (ld m) with one dlatsqr per thread, then the stacked
   R factors once more; R is left in the first n rows of a. */
static void omp_latsqr(int m, int n, int mb, int nb, double *a, double *rs)
{
    const int nt = omp_get_max_threads();
    const int nbt = nb < n ? nb : n;
#pragma omp parallel num_threads(nt)
    {
        const int t = omp_get_thread_num();
        const int r0 = (int)((int64_t)m * t / nt), r1 = (int)((int64_t)m * (t + 1) / nt), rows = r1 - r0;
        const int nblk = (rows - n + (mb - n) - 1) / (mb - n) + 1;
        int ldt = nbt, lwork = nbt * n, info;
        double *tt = malloc(sizeof(double) * (size_t)ldt * (size_t)n * (size_t)(nblk > 0 ? nblk : 1));
        double *w = malloc(sizeof(double) * (size_t)lwork);
        int lda = m;
        dlatsqr_(&rows, &n, &mb, &nbt, a + r0, &lda, tt, &ldt, w, &lwork, &info);
        for (int j = 0; j < n; ++j)  /* my R into the stack, ld nt * n */
            for (int i = 0; i < n; ++i)
                rs[(size_t)j * (size_t)(nt * n) + (size_t)(t * n + i)] = i <= j ? a[(size_t)j * m + r0 + i] : 0.0;
        free(tt);
        free(w);
    }
    /* combine: R0 := qr([R0; R1; ...]) one triangle at a time */
    int ldt = nbt, info, ldr = nt * n, lda = m, zero = 0;
    double *tt = malloc(sizeof(double) * (size_t)ldt * (size_t)n), *w = malloc(sizeof(double) * (size_t)nbt * n);
    for (int j = 0; j < n; ++j)
        for (int i = 0; i <= j; ++i) a[(size_t)j * m + i] = rs[(size_t)j * ldr + i];
    for (int t = 1; t < nt; ++t) {
        int l = n;  /* the block below is upper triangular */
        (void)zero;
        dtpqrt_(&n, &n, &l, &nbt, a, &lda, rs + t * n, &ldr, tt, &ldt, w, &info);
    }
    free(tt);
    free(w);
}

int main(int argc, char **argv)
{
    int m = 100000, n = 501, reps = 3, nb = 32;
    int mbs[8] = { 2048, 4096, 8192 }, nmb = 3;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "-m") && i + 1 < argc)
            m = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-n") && i + 1 < argc)
            n = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--nb") && i + 1 < argc)
            nb = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--mb") && i + 1 < argc) {
            nmb = 0;
            for (char *s = strtok(argv[++i], ","); s && nmb < 8; s = strtok(NULL, ","))
                mbs[nmb++] = atoi(s);
        } else {
            fprintf(stderr, "usage: %s [-m M] [-n N] [--reps R] [--mb LIST] [--nb NB]\n", argv[0]);
            return 2;
        }
    }
    if (reps < 1 || reps > 32 || n < 1 || m < n) {
        fprintf(stderr, "%s: need 1 <= reps <= 32 and m >= n >= 1\n", argv[0]);
        return 2;
    }
    const size_t count = (size_t)m * (size_t)n;
    double *a0 = malloc(count * sizeof *a0), *a = malloc(count * sizeof *a), *tau = malloc((size_t)n * sizeof *tau);
    double *rs = malloc(sizeof(double) * (size_t)n * (size_t)n * (size_t)omp_get_max_threads());
    for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i) a0[(size_t)j * m + i] = entry((uint64_t)i, (uint64_t)j);
    int lwork = -1, info;
    double wq;
    dgeqrf_(&m, &n, a, &m, tau, &wq, &lwork, &info);
    lwork = (int)wq;
    dorgqr_(&m, &n, &n, a, &m, tau, &wq, &(int){ -1 }, &info);
    lwork = (int)wq > lwork ? (int)wq : lwork;
    lwork = lwork > 64 * n ? lwork : 64 * n;
    double *work = malloc((size_t)lwork * sizeof *work), t[32];

    for (int q = 0; q < 2; ++q) {
        for (int r = 0; r < reps; ++r) {
            memcpy(a, a0, count * sizeof *a);
            double t0 = now();
            dgeqrf_(&m, &n, a, &m, tau, work, &lwork, &info);
            if (q)
                dorgqr_(&m, &n, &n, a, &m, tau, work, &lwork, &info);
            t[r] = now() - t0;
        }
        report(q ? "geqrf+orgqr" : "geqrf", m, n, 0, 0, q, t, reps, a, m);
    }
    const int geqrt_nbs[3] = { 32, 64, 128 };
    for (int k = 0; k < 3; ++k) {
        int nbt = geqrt_nbs[k] < n ? geqrt_nbs[k] : n, ldt = nbt;
        double *tt = malloc(sizeof(double) * (size_t)ldt * (size_t)n), *q = malloc(count * sizeof *q);
        double *w = malloc(sizeof(double) * (size_t)nbt * (size_t)m);
        for (int qq = 0; qq < 2; ++qq) {
            for (int r = 0; r < reps; ++r) {
                memcpy(a, a0, count * sizeof *a);
                if (qq) {
                    memset(q, 0, count * sizeof *q);
                    for (int j = 0; j < n; ++j) q[(size_t)j * m + j] = 1.0;
                }
                double t0 = now();
                dgeqrt_(&m, &n, &nbt, a, &m, tt, &ldt, w, &info);
                if (qq)
                    dgemqrt_("L", "N", &m, &n, &n, &nbt, a, &m, tt, &ldt, q, &m, w, &info);
                t[r] = now() - t0;
            }
            report(qq ? "geqrt+gemqrt" : "geqrt", m, n, 0, nbt, qq, t, reps, qq ? q : a, m);
        }
        free(tt);
        free(q);
        free(w);
    }
    for (int k = 0; k < nmb; ++k) {
        int mb = mbs[k], nbt = nb < n ? nb : n;
        if (mb <= n)
            continue;
        int nblk = (m - n + (mb - n) - 1) / (mb - n) + 1, ldt = nbt, lw = nbt * n;
        double *tt = malloc(sizeof(double) * (size_t)ldt * (size_t)n * (size_t)nblk);
        int lwq = -1;
        dorgtsqr_(&m, &n, &mb, &nbt, a, &m, tt, &ldt, &wq, &lwq, &info);
        lwq = (int)wq;
        double *qwork = malloc(sizeof(double) * (size_t)lwq);
        for (int q = 0; q < 2; ++q) {
            for (int r = 0; r < reps; ++r) {
                memcpy(a, a0, count * sizeof *a);
                double t0 = now();
                dlatsqr_(&m, &n, &mb, &nbt, a, &m, tt, &ldt, work, &lw, &info);
                if (q)
                    dorgtsqr_(&m, &n, &mb, &nbt, a, &m, tt, &ldt, qwork, &lwq, &info);
                t[r] = now() - t0;
            }
            report(q ? "latsqr+orgtsqr" : "latsqr", m, n, mb, nbt, q, t, reps, a, m);
        }
        for (int r = 0; r < reps; ++r) {
            memcpy(a, a0, count * sizeof *a);
            double t0 = now();
            omp_latsqr(m, n, mb, nbt, a, rs);
            t[r] = now() - t0;
        }
        report("omp-latsqr", m, n, mb, nbt, 0, t, reps, a, m);
        free(tt);
        free(qwork);
    }
    free(a0);
    free(a);
    free(tau);
    free(rs);
    free(work);
    return info == 0 ? 0 : 1;
}
