#pragma once
/* Shared by the GEMM benchmark drivers: options, timing, medians, a
   deterministic entry generator and the one-line JSON result.  Header-only
   (static functions) so that every driver stays a single translation unit. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define GEMM_MAX_REPS 64

typedef struct {
    long n;          /* C (n x n) = A (n x n) * B (n x n) */
    int nprow, npcol; /* process grid; 0 x 0 = the driver's default */
    long nb;         /* block size (distributed drivers) */
    int reps;        /* timed repetitions after the warm-up */
    int warmup;      /* untimed runs first */
    int threads;     /* BLAS threads per process; 0 = leave as the environment says */
    long kb;         /* PBLAS logical blocking factor (raw_pdgemm_kb only); 0 = library's */
    int check;       /* verify sampled entries of C */
    unsigned long seed;
} gemm_opts;

static inline void gemm_usage(FILE *to, const char *prog, const char *what)
{
    fprintf(to,
            "usage: %s [-n N] [--grid PxQ] [--nb NB] [--reps R] [--warmup W] [--threads T]\n"
            "          [--kb KB] [--no-check] [--seed S]\n"
            "%s\n"
            "Prints one JSON line: the per-repetition times (max over ranks), their\n"
            "median and GFLOP/s = 2 n^3 / median.\n",
            prog, what);
}

/* Whether `a` is one of the options that take a value. */
static inline int gemm_takes_value(const char *a)
{
    static const char *const names[] = { "-n", "--n", "--grid", "--nb", "--reps", "--warmup", "--threads",
                                         "--kb", "--seed" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i)
        if (!strcmp(a, names[i]))
            return 1;
    return 0;
}

/* 0 on success, 1 after --help, -1 on a bad option (message printed if verbose). */
static inline int gemm_parse(int argc, char **argv, gemm_opts *o, const char *what, int verbose)
{
    *o = (gemm_opts){ .n = 2000, .nb = 256, .reps = 3, .warmup = 1, .check = 1, .seed = 42 };
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (verbose)
                gemm_usage(stdout, argv[0], what);
            return 1;
        } else if (!strcmp(a, "--no-check")) {
            o->check = 0;
            takes = 0;
        } else if (!gemm_takes_value(a)) {
            if (verbose)
                fprintf(stderr, "%s: unknown option %s (see --help)\n", argv[0], a);
            return -1;
        } else if (v == NULL) {
            if (verbose)
                fprintf(stderr, "%s: %s needs a value\n", argv[0], a);
            return -1;
        } else if (!strcmp(a, "-n") || !strcmp(a, "--n")) {
            o->n = atol(v);
        } else if (!strcmp(a, "--grid")) {
            if (sscanf(v, "%dx%d", &o->nprow, &o->npcol) != 2) {
                if (verbose)
                    fprintf(stderr, "%s: --grid wants PxQ, got %s\n", argv[0], v);
                return -1;
            }
        } else if (!strcmp(a, "--nb")) {
            o->nb = atol(v);
        } else if (!strcmp(a, "--reps")) {
            o->reps = atoi(v);
        } else if (!strcmp(a, "--warmup")) {
            o->warmup = atoi(v);
        } else if (!strcmp(a, "--threads")) {
            o->threads = atoi(v);
        } else if (!strcmp(a, "--kb")) {
            o->kb = atol(v);
        } else if (!strcmp(a, "--seed")) {
            o->seed = strtoul(v, NULL, 10);
        } else {
            if (verbose)
                fprintf(stderr, "%s: unknown option %s\n", argv[0], a);
            return -1;
        }
        i += takes;
    }
    if (o->n < 1 || o->nb < 1 || o->reps < 1 || o->reps > GEMM_MAX_REPS || o->warmup < 0 ||
        o->threads < 0 || o->kb < 0 || o->nprow < 0 || o->npcol < 0) {
        if (verbose)
            fprintf(stderr, "%s: out-of-range option (n, nb, reps 1..%d, warmup, threads, kb)\n",
                    argv[0], GEMM_MAX_REPS);
        return -1;
    }
    return 0;
}

static inline double gemm_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds used by this process, all its threads (busy-waiting included). */
static inline double gemm_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int gemm_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double gemm_median(const double *v, int count)
{
    double s[GEMM_MAX_REPS];
    memcpy(s, v, (size_t)count * sizeof *s);
    qsort(s, (size_t)count, sizeof *s, gemm_cmp_double);
    return count % 2 ? s[count / 2] : 0.5 * (s[count / 2 - 1] + s[count / 2]);
}

/* Entry (i, j) of matrix `which` (0 = A, 1 = B): a splitmix64 hash of
   (seed, which, i, j) mapped to [-1, 1).  Any rank can compute any entry, so
   a sampled check of C needs no communication. */
static inline double gemm_entry(unsigned long seed, int which, long i, long j)
{
    uint64_t z = (uint64_t)seed * 0x9E3779B97F4A7C15ull + (uint64_t)which * 0xD1B54A32D192ED03ull +
                 (uint64_t)i * 0xBF58476D1CE4E5B9ull + (uint64_t)j * 0x94D049BB133111EBull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-52 - 1.0;
}

/* The sampled positions of C that --check verifies. */
#define GEMM_NCHECK 8
static inline void gemm_check_pos(long n, int s, long *i, long *j)
{
    *i = (long)(((unsigned long)s * 2654435761ul + 17ul) % (unsigned long)n);
    *j = (long)(((unsigned long)s * 40503ul + 3ul * (unsigned long)s * (unsigned long)s) % (unsigned long)n);
}

/* |c - sum_k A(i,k) B(k,j)| / (sum_k |A(i,k) B(k,j)| * eps * n): a few units
   for a correct product, O(1/eps) for a wrong one. */
static inline double gemm_check_entry(unsigned long seed, long n, long i, long j, double c)
{
    double ref = 0.0, mag = 0.0;
    for (long k = 0; k < n; ++k) {
        double p = gemm_entry(seed, 0, i, k) * gemm_entry(seed, 1, k, j);
        ref += p;
        mag += fabs(p);
    }
    return fabs(c - ref) / ((mag > 0 ? mag : 1.0) * 2.220446049250313e-16 * (double)n);
}

/* The result line; `extra` is inserted verbatim (",\"key\":value..." or "").
   cpu: CPU seconds of each call summed over ranks.  On a shared machine
   GFLOP per CPU-second is steadier than GFLOP/s: time spent descheduled does
   not count (cache and memory-bandwidth contention still does). */
static inline void gemm_print_json(const char *bench, const gemm_opts *o, int ranks, int threads,
                                   const char *corename, const double *times, const double *cpu,
                                   const char *extra)
{
    double med = gemm_median(times, o->reps), cpu_med = gemm_median(cpu, o->reps);
    double flops = 2.0 * (double)o->n * (double)o->n * (double)o->n;
    printf("{\"bench\":\"%s\",\"n\":%ld,\"ranks\":%d,\"grid\":\"%dx%d\",\"nb\":%ld,\"threads\":%d,"
           "\"corename\":\"%s\",\"reps\":%d,\"times\":[",
           bench, o->n, ranks, o->nprow, o->npcol, o->nb, threads, corename, o->reps);
    for (int r = 0; r < o->reps; ++r)
        printf("%s%.6f", r ? "," : "", times[r]);
    printf("],\"median_s\":%.6f,\"gflops\":%.3f,\"cpu_median_s\":%.6f,\"gflops_per_cpu_s\":%.3f%s}\n", med,
           flops / med * 1e-9, cpu_med, flops / cpu_med * 1e-9, extra);
    fflush(stdout);
}
