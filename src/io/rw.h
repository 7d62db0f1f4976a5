#pragma once
/* Internal knobs of the HDF5 readers and writers, for the I/O benchmark
   (bench/io_read.c) and tests; not public API.  The public functions use
   the measured defaults (docs/io.md). */
#include "pla/io.h"

typedef enum {
    PLA__H5_AUTO = 0,    /* the default strategy */
    PLA__H5_CYCLIC = 1,  /* each rank selects its block-cyclic part as a hyperslab union */
    PLA__H5_PANEL = 2,   /* each rank moves contiguous row panels; p?gemr2d redistributes */
    PLA__H5_ROWS = 3     /* the whole rows of the rank's row blocks: reading keeps its columns;
                            writing completes them within the process row first */
} pla__h5_strategy;

/* Phases timed when pla__h5_io_opts.seconds is set (this rank's seconds,
   added up over the bands). */
enum { PLA__H5_T_TRANSFER, PLA__H5_T_CONVERT, PLA__H5_T_REDIST, PLA__H5_T_COUNT };

typedef struct {
    pla__h5_strategy strategy;
    int transfer;        /* -1 default, 0 independent, 1 collective MPI-IO */
    int64_t band_bytes;  /* temporary buffer per rank and band; <= 0: default */
    double *seconds;     /* NULL, or PLA__H5_T_COUNT accumulators */
} pla__h5_io_opts;

#define PLA__H5_IO_DEFAULT \
    ((pla__h5_io_opts){ .strategy = PLA__H5_AUTO, .transfer = -1, .band_bytes = 0, .seconds = NULL })

pla_err pla__h5_read_ex(pla_ctx *ctx, const char *file, const char *path, pla_dtype dt, int64_t mb, int64_t nb,
                        const pla__h5_io_opts *opts, pla_mat **A);
pla_err pla__h5_write_mat_ex(pla_h5_out *out, const char *name, const pla_mat *A, pla_dtype dt,
                             const pla__h5_io_opts *opts);
