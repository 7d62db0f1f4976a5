#pragma once
/* pla gen --kind regression: a least-squares problem with known answers. */
#include "common.h"

typedef struct {
    int64_t rows, cols, targets;
    double noise, bias;
} gen_regression_args;

/* Collective.  Writes X (rows x cols, standard normal), coef (cols x
   targets, standard normal), y = X coef + bias + noise * N(0, 1) (a vector
   when targets = 1) and intercept (targets values, all = bias) under the
   group of `out`; the same seed gives the same problem for any rank count. */
PLA_NODISCARD pla_err gen_regression(cli_report *rep, pla_ctx *ctx, const gen_regression_args *g, const cli_common *opt,
                                     const cli_name *out, int64_t block);
