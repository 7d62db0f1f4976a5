#pragma once
/* The shape rule and the memory plan of C := alpha op(A) op(B) + beta C0,
   shared by `pla gemm` and `pla info --for gemm`. */
#include "common.h"
#include "memory_plan.h"

typedef struct {
    int64_t m, n, k;  /* C is m x n, op(A) is m x k, op(B) is k x n */
} cli_gemm_dims;

/* Collective (agrees).  Checks that op(A) and op(B) conform, and C0 (c NULL:
   none) has their product's shape; PLA_ERR_DATA naming the datasets and their
   shapes otherwise.  *d is filled in either case. */
PLA_NODISCARD pla_err cli_gemm_conform(pla_ctx *ctx, int transa, int transb, const cli_name *a,
                                       const int64_t *da, const cli_name *b, const int64_t *db,
                                       const cli_name *c, const int64_t *dc, cli_gemm_dims *d);

/* Not collective.  What `pla gemm` holds per rank: A, B and C (C0 is read
   into C) in block x block blocks on ctx's grid, the probe vectors and the
   I/O buffers.  da, db: the datasets' shapes; es: the compute element size. */
void cli_gemm_memory(const pla_ctx *ctx, const cli_gemm_dims *d, const int64_t *da, const int64_t *db,
                     int64_t block, int es, cli_mem_plan *p);
