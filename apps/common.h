#pragma once
/* Pieces every subcommand uses: dataset names from the command line, the
   context from the common options, and input matrices checked for shape. */
#include <stddef.h>
#include "report.h"

/* A dataset or group named on the command line as FILE[:/PATH]. */
typedef struct {
    char file[4096];
    char path[512];      /* "" when only FILE was given */
    char display[4700];  /* "FILE:/PATH" for messages and reports */
} cli_name;

/* Not collective.  Splits spec; a usage error naming option `opt` if it is
   malformed. */
pla_err cli_split_name(const char *opt, const char *spec, cli_name *name, cli_msg *msg);
/* Not collective.  Sets the path (and display) of name. */
void cli_set_path(cli_name *name, const char *path);

/* Collective.  The context of a run: grid, threads and verbosity from the
   common options, default block size `block`.  On error *ctx holds the
   message (or is NULL): destroy it after reporting. */
PLA_NODISCARD pla_err cli_open_context(const cli_common *opt, int64_t block, pla_ctx **ctx);

/* Collective.  Describes the dataset `name` (a bare FILE: its only 2-D
   dataset, whose path is then filled in) and requires a 2-D numeric
   matrix: PLA_ERR_DATA otherwise, with a message naming it. */
PLA_NODISCARD pla_err cli_inspect_matrix(pla_ctx *ctx, cli_name *name, pla_h5_dset_info *info);

/* A shape as h5py prints it: "(37, 53)", "(5,)", "()". */
void cli_shape_text(char *buf, size_t cap, int ndims, const int64_t *dims);

/* `err = expr`, and on failure to the function's `done:` cleanup. */
#define CLI_TRY(expr) do { err = (expr); if (err != PLA_OK) goto done; } while (0)

/* "out.h5:/GROUP/NAME" for an output dataset NAME under GROUP of FILE. */
void cli_output_path(char *buf, size_t cap, const cli_name *group, const char *name);

/* Collective.  For a tall-skinny problem (tall != 0) and no --grid given,
   replaces *ctx by a P x 1 context: row panels suit TSQR and p?geqrf on such
   shapes and are read from the file without redistribution.  Otherwise a no-op. */
PLA_NODISCARD pla_err cli_prefer_row_grid(const cli_common *opt, int64_t block, int tall, pla_ctx **ctx);
