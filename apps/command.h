#pragma once
/* The shape every subcommand shares: --help, parsing, the usage check, the
   context, the collective run and one report with one exit status. */
#include "common.h"

typedef struct {
    const char *name;   /* "gemm" */
    const char *help;   /* the --help text (the common options' help is appended) */
    const cli_spec *spec;
    /* Not collective.  What parsing cannot check (required options, names);
       sets *block, the run's default block size.  PLA_ERR_ARG with msg. */
    pla_err (*check)(void *state, const cli_common *opt, int64_t *block, cli_msg *msg);
    /* Collective.  The work; reports its context (report_context) once it is
       final, and may replace *ctx (e.g. by a P x 1 grid). */
    pla_err (*run)(cli_report *rep, pla_ctx **ctx, void *state, const cli_common *opt, int64_t block);
} cli_command;

/* Runs command c with its option state; returns the exit status (the same on
   every rank).  argv[1] is the subcommand, its options start at argv[2]. */
int cli_main(const cli_command *c, void *state, int argc, char **argv);
