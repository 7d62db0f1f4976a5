/* Error agreement: a failure seen by one rank becomes the same status and the
   same message on every rank, without a hang. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tester.h"
#include "internal/core.h"  /* pla__debug_fail_alloc: the allocation-failure hook */

/* 1 if every rank holds the same message (compared by a hash, min == max). */
static int same_message(pla_ctx *ctx)
{
    const char *msg = pla_ctx_errmsg(ctx);
    double h = 5381;
    for (const char *p = msg; *p; ++p)
        h = (double)(((uint64_t)h * 33u + (unsigned char)*p) % 1000000007u);
    double hi = h, lo = -h;
    if (pla_ctx_allreduce_max(ctx, &hi, 1) != PLA_OK || pla_ctx_allreduce_max(ctx, &lo, 1) != PLA_OK)
        return 0;
    return hi == -lo && msg[0] != '\0';
}

void test_errors(tester *t)
{
    int last = t->size - 1;
    pla_ctx *ctx = tester_ctx(0, 0, 1);

    /* an allocation fails on the last rank only */
    pla__debug_fail_alloc(ctx, last);
    pla_mat *A = NULL;
    pla_err err = pla_mat_create(ctx, PLA_F64, 300, 200, 16, 16, &A);
    tester_case(t, tester_all(ctx, err == PLA_ERR_MEM && A == NULL) && same_message(ctx),
                "allocation failure on rank %d -> PLA_ERR_MEM everywhere: %s", last, pla_ctx_errmsg(ctx));
    pla__debug_fail_alloc(ctx, -1);

    /* a caller's local failure on one rank, agreed */
    pla_err local = pla_ctx_rank(ctx) == last ? pla_ctx_fail(ctx, PLA_ERR_DATA, "rank %d found bad data", last)
                                               : PLA_OK;
    err = pla_ctx_agree(ctx, local);
    tester_case(t, tester_all(ctx, err == PLA_ERR_DATA) && same_message(ctx),
                "local failure on rank %d -> agreed: %s", last, pla_ctx_errmsg(ctx));

    /* nonconforming gemm: the same error, C untouched */
    pla_mat *X = tester_random(ctx, PLA_F64, 10, 7, 4, 4, 1), *Y = tester_random(ctx, PLA_F64, 8, 5, 4, 4, 2);
    pla_mat *Z = tester_random(ctx, PLA_F64, 10, 5, 4, 4, 3), *W = NULL;
    double before = 0, after = 0;
    int ok = pla_norm(PLA_NORM_FRO, Z, &before) == PLA_OK;
    err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, X, Y, 0.0, Z);
    ok = ok && pla_norm(PLA_NORM_FRO, Z, &after) == PLA_OK && before == after;
    tester_case(t, tester_all(ctx, err == PLA_ERR_DATA && ok) && same_message(ctx),
                "nonconforming gemm -> PLA_ERR_DATA: %s", pla_ctx_errmsg(ctx));
    /* mixed element types */
    ok = pla_mat_create(ctx, PLA_F32, 7, 5, 4, 4, &W) == PLA_OK;
    err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, X, W, 0.0, Z);
    tester_case(t, tester_all(ctx, ok && err == PLA_ERR_ARG), "mixed types in gemm -> PLA_ERR_ARG: %s",
                pla_ctx_errmsg(ctx));
    err = pla_gemm(PLA_TRANS, PLA_NOTRANS, 1.0, Y, Y, 0.0, Z);
    tester_case(t, tester_all(ctx, err == PLA_ERR_DATA && strstr(pla_ctx_errmsg(ctx), "A^T") != NULL),
                "a later failure reports its own message: %s", pla_ctx_errmsg(ctx));
    /* negative shape and bad block */
    pla_mat *N = NULL;
    err = pla_mat_create(ctx, PLA_F64, -1, 3, 4, 4, &N);
    tester_case(t, tester_all(ctx, err == PLA_ERR_ARG && N == NULL), "negative shape -> PLA_ERR_ARG: %s",
                pla_ctx_errmsg(ctx));

    /* destroying a context with live matrices is refused */
    err = pla_ctx_destroy(&ctx);
    tester_case(t, tester_all(ctx, err == PLA_ERR_STATE && ctx != NULL), "destroy with live matrices -> PLA_ERR_STATE");
    pla_mat_destroy(&X); pla_mat_destroy(&Y); pla_mat_destroy(&Z); pla_mat_destroy(&W);
    tester_ctx_free(t, &ctx);

    /* a grid that does not match the rank count */
    pla_ctx_opts o = PLA_CTX_OPTS_DEFAULT;
    o.nprow = t->size + 1;
    o.npcol = 1;
    pla_ctx *bad = NULL;
    err = pla_ctx_create(&o, &bad);
    int msg_ok = bad != NULL && strstr(pla_ctx_errmsg(bad), "ranks") != NULL;
    tester_case(t, err == PLA_ERR_ARG && msg_ok, "grid %dx1 at %d ranks -> PLA_ERR_ARG: %s", t->size + 1, t->size,
                bad ? pla_ctx_errmsg(bad) : "(no context)");
    if (pla_ctx_destroy(&bad) != PLA_OK)
        tester_case(t, 0, "destroying a failed context");
}
