#pragma once
/* What a run tells the user: the JSON summary (--json, built with cJSON),
   human-readable lines, progress lines, the one error line, and the
   attributes every output group carries (DESIGN.md 1.2).  Every rank keeps
   the same state and returns the same exit code; only rank 0 prints. */
#include <cjson/cJSON.h>
#include "options.h"

#define CLI_MAX_PHASES 8

typedef struct {
    const char *command;     /* subcommand name, e.g. "gemm" */
    char *command_line;      /* argv joined and shell-quoted (owned) */
    const cli_common *opt;   /* parsed options; NULL until parsing succeeded */
    int json;                /* --json, known before parsing so usage errors honour it */
    int rank;                /* rank in MPI_COMM_WORLD */
    double t0;               /* start of the run */
    cJSON *root;             /* the summary object */
    int nphase;
    const char *phase_name[CLI_MAX_PHASES];
    double phase_s[CLI_MAX_PHASES];
} cli_report;

/* Starts the report of `command`; argv is the whole command line. */
void report_init(cli_report *r, const char *command, int argc, char **argv);
/* Remembers the parsed options (for quiet/verbose/progress and the summary). */
void report_options(cli_report *r, const cli_common *opt);
/* Records where the run happens: ranks, grid, block, threads, precision. */
void report_context(cli_report *r, pla_ctx *ctx, int64_t block, pla_dtype dt);
/* The summary object, for command-specific fields. */
cJSON *report_json(cli_report *r);
/* Adds {"name", "path", "shape": [m, n], "dtype"} to the "inputs" or "outputs"
   list; n < 0 gives a vector's shape [m], m < 0 and n < 0 a scalar's []. */
void report_matrix(cli_report *r, const char *list, const char *name, const char *path, int64_t m,
                   int64_t n, const char *dtype);

/* Adds local seconds to a phase ("read", "compute", "write", ...). */
void report_phase(cli_report *r, const char *name, double seconds);
/* Collective: every phase and the total become their maximum over ranks and
   go into "timings".  Returns the agreed seconds of phase `name` in *seconds
   (NULL: none wanted). */
PLA_NODISCARD pla_err report_agree_phases(cli_report *r, pla_ctx *ctx, const char *name, double *seconds);
/* Collective.  The layout of the run (pla_ctx_layout) as the JSON object
   "layout", and one warning (rank 0) when a node has more ranks x threads
   than CPUs.  *layout (may be NULL) gets it too. */
PLA_NODISCARD pla_err report_layout(cli_report *r, pla_ctx *ctx, pla_layout *layout);
/* Collective.  The peak resident memory of the run so far (getrusage), as the
   JSON object "memory": peak_rss_mb_max_rank and peak_rss_mb_sum (the whole
   job's, to compare with a single process's peak).  report_agree_phases
   calls it. */
PLA_NODISCARD pla_err report_peak_memory(cli_report *r, pla_ctx *ctx);

/* Collective: writes the attributes every output group carries, except
   elapsed_s (see report_write_elapsed). */
PLA_NODISCARD pla_err report_write_attrs(cli_report *r, pla_h5_out *out, pla_ctx *ctx, int64_t block,
                                         pla_dtype dt);
/* Collective: elapsed_s = seconds since the start, maximum over ranks. */
PLA_NODISCARD pla_err report_write_elapsed(cli_report *r, pla_h5_out *out, pla_ctx *ctx);

/* A progress line on stderr (rank 0, with --progress or a terminal). */
void report_progress(const cli_report *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A human-readable line (rank 0) on stdout: level 0 unless -q, level 1 with
   -v, level 2 with -vv.  Under --json level 0 is left out (the summary holds
   it) and the others go to stderr, so stdout holds the JSON only. */
void report_text(const cli_report *r, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A warning: "pla: warning: ..." on stderr (rank 0, unless -q) and in the
   summary's "warnings" list. */
void report_warning(cli_report *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Rank 0 prints `text` (and the common options' help when with_common) on stdout. */
void report_help(const cli_report *r, const char *text, int with_common);

/* Frees the report without printing anything (after --help). */
void report_free(cli_report *r);
/* Ends the run: on error rank 0 prints "pla: error: <message>" on stderr
   (and "pla: hint: run '<hint>'" when hint is not NULL); under --json rank 0
   prints the summary with "status", "exit_code" and "message".  Frees the
   report and returns the exit code (the same on every rank). */
int report_finish(cli_report *r, pla_err err, const char *message, const char *hint);
