#pragma once
/* Command-line parsing for the `pla` program: the options every subcommand
   shares (DESIGN.md 1.2), a small table-driven parser for the rest, and
   value parsers that accept a whole string or nothing.  Parsing does no
   communication: every rank parses the same argv and reaches the same
   result, so usage errors need no agreement. */
#include <stddef.h>
#include <stdint.h>
#include "pla.h"

/* Defaults of the command line, kept in one place. */
#define CLI_GEMM_BLOCK 256  /* gemm (bench/RESULTS.md) */
#define CLI_QR_BLOCK 64     /* qr, and pla info --for qr */
#define CLI_LSTSQ_BLOCK 64  /* lstsq, and pla info --for lstsq */
#define CLI_EIG_BLOCK 64    /* eig, and pla info --for eig (bench/RESULTS.md) */
#define CLI_GEN_BLOCK 256   /* gen: the file is the same for every block size */
#define CLI_MAX_THREADS 4096
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)  /* a constant's value in help texts */

/* A message for the user, without the "pla: error: " prefix. */
typedef struct {
    char text[1024];
} cli_msg;

/* Records a message; returns code (for `return cli_fail(...)`). */
pla_err cli_fail(cli_msg *msg, pla_err code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Options every subcommand accepts. */
typedef struct {
    const char *output;  /* -o/--output FILE[:/GROUP]; NULL when not given */
    int force;           /* --force: replace existing datasets */
    int nprow, npcol;    /* --grid PxQ; 0, 0 = the library's near-square default */
    int64_t block;       /* --block NB; 0 = the command's default */
    int threads;         /* --threads N; default OMP_NUM_THREADS, else 1 */
    pla_dtype dtype;     /* --dtype: compute and output precision */
    uint64_t seed;       /* --seed S (default 0) */
    int json;            /* --json: one JSON object on stdout, nothing else there */
    int quiet;           /* -q */
    int verbose;         /* -v (repeat for more) */
    int progress;        /* --progress, or stderr is a terminal (and not -q) */
} cli_common;

/* The default of --threads: OMP_NUM_THREADS (its first value), else 1. */
int cli_default_threads(void);

/* One option of a subcommand. */
typedef struct {
    const char *name;  /* long name without the dashes, or NULL: short only */
    char short_name;   /* 0: long only; both NULL and 0 end a table */
    int takes_value;
    int id;            /* for the command's handler; >= 0 (negative ids are the common options) */
} cli_option;

/* A subcommand's grammar.  handle gets each of the command's own options,
   positional each non-option argument (NULL: none allowed). */
typedef struct {
    const char *name;
    const cli_option *options;
    pla_err (*handle)(void *state, const cli_option *opt, const char *value, cli_msg *msg);
    pla_err (*positional)(void *state, const char *arg, cli_msg *msg);
} cli_spec;

/* Parses argv[first..argc-1] into *common (initialized here) and the
   command's state.  PLA_ERR_ARG with a message on any usage error. */
pla_err cli_parse(const cli_spec *spec, int argc, char **argv, int first, cli_common *common,
                  void *state, cli_msg *msg);

/* 1 if argv[first..] asks for help (-h/--help) / JSON output (--json),
   looked for before parsing so that errors can honour them. */
int cli_wants_help(int argc, char **argv, int first);
int cli_wants_json(int argc, char **argv, int first);

/* Value parsers: the whole string must be the value.  `opt` names the option
   in the message ("--block"). */
pla_err cli_parse_i64(const char *opt, const char *s, int64_t lo, int64_t hi, int64_t *v, cli_msg *msg);
pla_err cli_parse_f64(const char *opt, const char *s, double *v, cli_msg *msg);
pla_err cli_parse_grid(const char *opt, const char *s, int *nprow, int *npcol, cli_msg *msg);
pla_err cli_parse_dtype(const char *opt, const char *s, pla_dtype *dt, cli_msg *msg);

/* The help text of the common options, for every subcommand's --help. */
extern const char cli_common_help[];
