#pragma once
/* The numerical tester: sweeps over grids, block sizes, shapes and element
   types; each case prints one row on rank 0 and counts as pass or fail. */
#include <stdint.h>
#include "pla.h"

typedef struct {
    int rank, size;
    int failures, cases;
    int verbose;
} tester;

/* Records one case: prints a row on rank 0; ok must be the same on every rank. */
void tester_case(tester *t, int ok, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Every grid P x Q with P * Q = size, as contexts (caller destroys them). */
int tester_grids(int size, int grids[][2], int cap);
/* A context with grid p x q and the given threads; aborts the tester on failure. */
pla_ctx *tester_ctx(int p, int q, int threads);
/* Destroys a context; a failure (matrices still alive: a leak) is a failed case. */
void tester_ctx_free(tester *t, pla_ctx **ctx);
/* Gathers A into a new column-major double array on every rank (small matrices). */
double *tester_gather_all(const pla_mat *A);
/* Random matrix on ctx: normal entries from (seed, stream). */
pla_mat *tester_random(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n, int64_t mb, int64_t nb,
                       uint64_t stream);
/* The unit roundoff of a dtype. */
double tester_eps(pla_dtype dt);
/* ||I - Q^T Q||_1 / (mx eps), -1 if a call failed (t_factors.c). */
double tester_orthogonality(pla_ctx *ctx, const pla_mat *Q, int64_t mx);
/* 1 if R is upper trapezoidal with a non-negative (and, if asked,
   non-increasing) diagonal; checked on a gathered copy. */
int tester_upper_ok(const pla_mat *R, int nonincreasing);
/* Agrees on a local pass flag: 1 only if every rank passed. */
int tester_all(pla_ctx *ctx, int ok);

void test_gemm(tester *t);
void test_norms(tester *t);
void test_moves(tester *t);
void test_rng(tester *t);
void test_errors(tester *t);
void test_qr(tester *t);
void test_qrcp(tester *t);
void test_lstsq(tester *t);
void test_eig(tester *t);
void test_eig_krylov(tester *t);
void test_svd(tester *t);
void test_pca(tester *t);
