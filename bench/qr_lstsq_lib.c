/* qr_lstsq_lib: the raw_pdgels measurements through pla's public API (MPI
   and single-process build alike):
     --mode qr       pla_qr, Householder (p?geqrf; with --with-q also p?orgqr)
     --mode tsqr     pla_qr, TSQR
     --mode qrauto   pla_qr, PLA_QR_AUTO (the JSON says which method ran)
     --mode lstsq    pla_lstsq with --solver auto|qr|tsqr|normal
   A (m x n) and B (m x nrhs) come from the shared formula of raw_pdgels.c and
   lstsq_peers.py (filled with pla_mat_fill_fn).  Each timed call is the
   whole library call as a user makes it (copies and redistribution inside
   pla included; A and B are never modified); a run's time is the maximum
   over ranks.  Prints one JSON line on rank 0; --write-coef FILE (lstsq)
   writes X (n x nrhs, column-major) as raw little-endian float64. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pla.h"

#define MAX_REPS 64

enum { MODE_QR, MODE_TSQR, MODE_QRAUTO, MODE_LSTSQ };
static const char *const mode_names[] = { "qr", "tsqr", "qrauto", "lstsq" };

typedef struct {
    long m, n, nrhs;
    int nprow, npcol;
    long mb, nb;
    int mode, with_q, reps, warmup, threads;
    pla_lstsq_solver solver;
    unsigned long seed;
    double cond_delta;
    const char *write_coef;
} opts;

/* The benchmark problem (see raw_pdgels.c, lstsq_peers.py): a splitmix64
   hash of (seed, which, i, j) mapped to [-1, 1), exact in float64. */
static double hash_entry(unsigned long seed, int which, long i, long j)
{
    uint64_t z = (uint64_t)seed * 0x9E3779B97F4A7C15ull + (uint64_t)which * 0xD1B54A32D192ED03ull +
                 (uint64_t)i * 0xBF58476D1CE4E5B9ull + (uint64_t)j * 0x94D049BB133111EBull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-52 - 1.0;
}

typedef struct {
    const opts *o;
    int which;  /* 0 = A, 1 = B, 7 = the probe vector of the QR check */
} entry_arg;

static double entry_fn(int64_t i, int64_t j, void *arg)
{
    const entry_arg *e = arg;
    const opts *o = e->o;
    if (e->which == 0 && o->cond_delta > 0 && j == o->n - 1 && o->n > 1) {
        double d = o->cond_delta * hash_entry(o->seed, 0, (long)i, (long)j);  /* two roundings, as numpy */
        return hash_entry(o->seed, 0, (long)i, 0) + d;
    }
    return hash_entry(o->seed, e->which, (long)i, (long)j);
}

static void usage(FILE *to, const char *prog)
{
    fprintf(to,
            "usage: %s [--mode qr|tsqr|qrauto|lstsq] [--with-q] [--solver auto|qr|tsqr|normal]\n"
            "          [-m M] [-n N] [--nrhs R] [--grid PxQ] [--mb MB] [--nb NB] [--reps R]\n"
            "          [--warmup W] [--threads T] [--seed S] [--cond-delta D] [--write-coef FILE]\n"
            "pla_qr / pla_lstsq through the public API.  Prints one JSON line: per-call times\n"
            "(max over ranks), their median and GFLOP/s (QR: 2mn^2 - 2n^3/3, twice that with Q).\n",
            prog);
}

static int parse_solver(const char *v, pla_lstsq_solver *s)
{
    static const pla_lstsq_solver all[] = { PLA_LSTSQ_AUTO, PLA_LSTSQ_QR, PLA_LSTSQ_TSQR, PLA_LSTSQ_NORMAL };
    for (size_t k = 0; k < sizeof all / sizeof all[0]; ++k)
        if (!strcmp(v, pla_lstsq_solver_name(all[k]))) {
            *s = all[k];
            return 1;
        }
    return 0;
}

/* 0 on success, 1 after --help, -1 on a bad option (message printed if verbose). */
static int parse(int argc, char **argv, opts *o, int verbose)
{
    *o = (opts){ .m = 20000, .n = 500, .nrhs = 1, .mb = 64, .nb = 64, .mode = MODE_LSTSQ, .reps = 3,
                 .warmup = 1, .solver = PLA_LSTSQ_AUTO, .seed = 42 };
    for (int i = 1; i < argc; ++i) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (verbose)
                usage(stdout, argv[0]);
            return 1;
        }
        if (!strcmp(a, "--with-q")) {
            o->with_q = 1;
            continue;
        }
        if (v == NULL) {
            if (verbose)
                fprintf(stderr, "%s: %s: unknown option or missing value (see --help)\n", argv[0], a);
            return -1;
        }
        ++i;
        if (!strcmp(a, "-m"))
            o->m = atol(v);
        else if (!strcmp(a, "-n"))
            o->n = atol(v);
        else if (!strcmp(a, "--nrhs"))
            o->nrhs = atol(v);
        else if (!strcmp(a, "--mb"))
            o->mb = atol(v);
        else if (!strcmp(a, "--nb"))
            o->nb = atol(v);
        else if (!strcmp(a, "--reps"))
            o->reps = atoi(v);
        else if (!strcmp(a, "--warmup"))
            o->warmup = atoi(v);
        else if (!strcmp(a, "--threads"))
            o->threads = atoi(v);
        else if (!strcmp(a, "--seed"))
            o->seed = strtoul(v, NULL, 10);
        else if (!strcmp(a, "--cond-delta"))
            o->cond_delta = atof(v);
        else if (!strcmp(a, "--write-coef"))
            o->write_coef = v;
        else if (!strcmp(a, "--grid") && sscanf(v, "%dx%d", &o->nprow, &o->npcol) == 2)
            continue;
        else if (!strcmp(a, "--solver") && parse_solver(v, &o->solver))
            continue;
        else if (!strcmp(a, "--mode")) {
            int k = 0;
            while (k < 4 && strcmp(v, mode_names[k])) ++k;
            if (k == 4) {
                if (verbose)
                    fprintf(stderr, "%s: --mode wants qr, tsqr, qrauto or lstsq, got %s\n", argv[0], v);
                return -1;
            }
            o->mode = k;
        } else {
            if (verbose)
                fprintf(stderr, "%s: bad option %s %s (see --help)\n", argv[0], a, v);
            return -1;
        }
    }
    if (o->m < 1 || o->n < 1 || o->nrhs < 1 || o->mb < 1 || o->nb < 1 || o->reps < 1 || o->reps > MAX_REPS ||
        o->warmup < 0 || o->threads < 0 || o->cond_delta < 0 || o->nprow < 0 || o->npcol < 0) {
        if (verbose)
            fprintf(stderr, "%s: out-of-range option (m, n, nrhs, mb, nb >= 1, reps 1..%d)\n", argv[0], MAX_REPS);
        return -1;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int count)
{
    double s[MAX_REPS];
    memcpy(s, v, (size_t)count * sizeof *s);
    qsort(s, (size_t)count, sizeof *s, cmp_double);
    return count % 2 ? s[count / 2] : 0.5 * (s[count / 2 - 1] + s[count / 2]);
}

/* What a run leaves for the report. */
typedef struct {
    double times[MAX_REPS];
    const char *method;    /* QR method or least-squares solver that ran */
    double check;          /* QR: factorization check (see check_qr) */
    pla_lstsq_result res;  /* lstsq */
} outcome;

/* | ||R||_F - ||A||_F | / ||A||_F, and with Q also max_j | ||Q e_j||^2 - 1 |
   and the probe || A x - Q (R x) || / (||A||_F ||x||): of order eps when right. */
static pla_err check_qr(const opts *o, const pla_mat *A, const pla_mat *R, const pla_mat *Q, double *worst)
{
    pla_ctx *ctx = pla_mat_ctx(A);
    const int64_t m = pla_mat_rows(A), n = pla_mat_cols(A), k = pla_mat_rows(R);
    pla_mat *x = NULL, *rx = NULL, *y = NULL;
    double *colsq = NULL, anorm = 0.0, rnorm = 0.0, ynorm = 0.0, xnorm = 0.0;
    entry_arg ex = { o, 7 };
    pla_err err = pla_norm(PLA_NORM_FRO, A, &anorm);
    if (err == PLA_OK)
        err = pla_norm(PLA_NORM_FRO, R, &rnorm);
    if (err != PLA_OK || Q == NULL) {
        *worst = fabs(rnorm - anorm) / anorm;
        return err;
    }
    colsq = malloc((size_t)k * sizeof *colsq);
    err = pla_ctx_agree(ctx, colsq ? PLA_OK : pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory"));
    if (err == PLA_OK)
        err = pla_col_sumsq(Q, NULL, colsq);
    *worst = fabs(rnorm - anorm) / anorm;
    for (int64_t j = 0; err == PLA_OK && j < k; ++j)
        *worst = fmax(*worst, fabs(colsq[j] - 1.0));
    if (err == PLA_OK)
        err = pla_mat_create(ctx, PLA_F64, n, 1, o->mb, o->nb, &x);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, PLA_F64, k, 1, o->mb, o->nb, &rx);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, PLA_F64, m, 1, o->mb, o->nb, &y);
    if (err == PLA_OK)
        err = pla_ctx_agree(ctx, pla_mat_fill_fn(x, entry_fn, &ex));
    if (err == PLA_OK)
        err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, R, x, 0.0, rx);
    if (err == PLA_OK)
        err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, Q, rx, 0.0, y);
    if (err == PLA_OK)
        err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, A, x, -1.0, y);
    if (err == PLA_OK)
        err = pla_norm(PLA_NORM_FRO, y, &ynorm);
    if (err == PLA_OK)
        err = pla_norm(PLA_NORM_FRO, x, &xnorm);
    if (err == PLA_OK)
        *worst = fmax(*worst, ynorm / (anorm * xnorm));
    free(colsq);
    pla_mat_destroy(&x);
    pla_mat_destroy(&rx);
    pla_mat_destroy(&y);
    return err;
}

/* X gathered onto rank 0 and written there; the status is agreed on. */
static pla_err write_coef(const opts *o, const pla_mat *X)
{
    pla_ctx *ctx = pla_mat_ctx(X);
    const int64_t n = pla_mat_rows(X), r = pla_mat_cols(X);
    int root = pla_ctx_rank(ctx) == 0;
    double *buf = root ? malloc((size_t)(n * r) * sizeof *buf) : NULL;
    pla_err err = pla_ctx_agree(ctx, !root || buf ? PLA_OK : pla_ctx_fail(ctx, PLA_ERR_MEM, "out of memory"));
    if (err == PLA_OK)
        err = pla_mat_gather(X, 0, buf, n);
    pla_err local = PLA_OK;
    if (err == PLA_OK && root) {
        FILE *f = fopen(o->write_coef, "wb");
        int ok = f != NULL && fwrite(buf, sizeof *buf, (size_t)(n * r), f) == (size_t)(n * r);
        if (f != NULL && fclose(f) != 0)
            ok = 0;
        if (!ok)
            local = pla_ctx_fail(ctx, PLA_ERR_OUTPUT, "cannot write %s", o->write_coef);
    }
    if (err == PLA_OK)
        err = pla_ctx_agree(ctx, local);
    free(buf);
    return err;
}

/* The timed calls; the results of the last one are checked or written. */
static pla_err measure(const opts *o, const pla_mat *A, const pla_mat *B, outcome *out)
{
    pla_ctx *ctx = pla_mat_ctx(A);
    pla_mat *R = NULL, *Q = NULL, *X = NULL;
    pla_lstsq_opts lo = PLA_LSTSQ_OPTS_DEFAULT;
    pla_qr_method method = o->mode == MODE_QR ? PLA_QR_HOUSEHOLDER : o->mode == MODE_TSQR ? PLA_QR_TSQR : PLA_QR_AUTO;
    pla_err err = PLA_OK;
    lo.solver = o->solver;
    out->method = o->mode == MODE_LSTSQ ? pla_lstsq_solver_name(o->solver)
                                        : pla_qr_method_name(method == PLA_QR_AUTO ? pla_qr_choose(A) : method);
    for (int r = -o->warmup; r < o->reps && err == PLA_OK; ++r) {
        pla_mat_destroy(&R);
        pla_mat_destroy(&Q);
        pla_mat_destroy(&X);
        pla_lstsq_result_free(&out->res);
        if ((err = pla_ctx_barrier(ctx)) != PLA_OK)
            break;
        double t = pla_wtime();
        if (o->mode == MODE_LSTSQ)
            err = pla_lstsq(A, B, &lo, &X, &out->res);
        else
            err = pla_qr(A, method, &R, o->with_q ? &Q : NULL);
        t = pla_wtime() - t;
        if (err == PLA_OK)
            err = pla_ctx_allreduce_max(ctx, &t, 1);
        if (r >= 0)
            out->times[r] = t;
    }
    if (err == PLA_OK && o->mode == MODE_LSTSQ) {
        out->method = pla_lstsq_solver_name(out->res.solver);
        if (o->write_coef)
            err = write_coef(o, X);
    } else if (err == PLA_OK) {
        err = check_qr(o, A, R, Q, &out->check);
    }
    pla_mat_destroy(&R);
    pla_mat_destroy(&Q);
    pla_mat_destroy(&X);
    return err;
}

static void print_json(const opts *o, pla_ctx *ctx, const outcome *out)
{
    int nprow = 0, npcol = 0;
    pla_ctx_grid(ctx, &nprow, &npcol, NULL, NULL);
    double med = median(out->times, o->reps), mm = (double)o->m, nn = (double)o->n;
    double flops = 2.0 * mm * nn * nn - 2.0 * nn * nn * nn / 3.0;  /* geqrf of A; orgqr adds as much */
    if (o->with_q && o->mode != MODE_LSTSQ)
        flops *= 2.0;
    printf("{\"bench\":\"pla_%s\",\"build\":\"%s\",\"mode\":\"%s\",\"method\":\"%s\",\"with_q\":%d,\"m\":%ld,"
           "\"n\":%ld,\"nrhs\":%ld,\"ranks\":%d,\"grid\":\"%dx%d\",\"mb\":%ld,\"nb\":%ld,\"threads\":%d,"
           "\"corename\":\"%s\",\"cond_delta\":%g,\"reps\":%d,\"times\":[",
           o->mode == MODE_LSTSQ ? "lstsq" : "qr", pla_build_kind(), mode_names[o->mode], out->method,
           o->mode == MODE_LSTSQ ? 0 : o->with_q, o->m, o->n, o->nrhs, pla_ctx_size(ctx), nprow, npcol, o->mb,
           o->nb, pla_ctx_threads(ctx), pla_blas_corename(), o->cond_delta, o->reps);
    for (int r = 0; r < o->reps; ++r)
        printf("%s%.6f", r ? "," : "", out->times[r]);
    printf("],\"median_s\":%.6f,\"gflops\":%.3f", med, flops / med * 1e-9);
    if (o->mode == MODE_LSTSQ)
        printf(",\"rank\":%lld,\"rcond\":%.6g,\"residual_norm\":%.17g,\"r2\":%.17g,\"check\":\"skipped\"",
               (long long)out->res.rank, out->res.rcond, out->res.residual_norm[0], out->res.r2[0]);
    else
        printf(",\"check\":\"%s\",\"check_err\":%.3g", out->check < 1e-10 ? "ok" : "FAILED", out->check);
    printf("}\n");
    fflush(stdout);
}

static pla_err run(pla_ctx *ctx, const opts *o, int *check_failed)
{
    pla_mat *A = NULL, *B = NULL;
    entry_arg ea = { o, 0 }, eb = { o, 1 };
    outcome out;
    memset(&out, 0, sizeof out);
    pla_err err = pla_mat_create(ctx, PLA_F64, o->m, o->n, o->mb, o->nb, &A);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, PLA_F64, o->m, o->nrhs, o->mb, o->nb, &B);
    if (err == PLA_OK) {
        err = pla_mat_fill_fn(A, entry_fn, &ea);
        if (err == PLA_OK)
            err = pla_mat_fill_fn(B, entry_fn, &eb);
        err = pla_ctx_agree(ctx, err);  /* fill is local: agree before the next collective */
    }
    if (err == PLA_OK)
        err = measure(o, A, B, &out);
    if (err == PLA_OK) {
        *check_failed = o->mode != MODE_LSTSQ && !(out.check < 1e-10);
        if (pla_ctx_rank(ctx) == 0)
            print_json(o, ctx, &out);
    }
    pla_lstsq_result_free(&out.res);
    pla_mat_destroy(&A);
    pla_mat_destroy(&B);
    return err;
}

int main(int argc, char **argv)
{
    if (pla_init(&argc, &argv) != PLA_OK) {
        fprintf(stderr, "%s: cannot initialize MPI\n", argv[0]);
        return 6;
    }
    int status = 0, check_failed = 0;
    opts o;
    int parsed = parse(argc, argv, &o, pla_world_rank() == 0);
    if (parsed != 0) {
        pla_finalize();
        return parsed > 0 ? 0 : 2;
    }
    pla_ctx_opts copts = PLA_CTX_OPTS_DEFAULT;
    copts.nprow = o.nprow;
    copts.npcol = o.npcol;
    copts.nthreads = o.threads;
    copts.nb_default = o.nb;
    pla_ctx *ctx = NULL;
    pla_err err = pla_ctx_create(&copts, &ctx);
    if (err == PLA_OK)
        err = run(ctx, &o, &check_failed);
    if (err != PLA_OK) {
        if (pla_world_rank() == 0)
            fprintf(stderr, "%s: %s: %s\n", argv[0], pla_err_name(err), ctx ? pla_ctx_errmsg(ctx) : "no context");
        status = pla_err_exit_code(err);
    } else if (check_failed) {
        status = 1;
    }
    if (pla_ctx_destroy(&ctx) != PLA_OK && status == 0)
        status = 1;
    pla_finalize();
    return status;
}
