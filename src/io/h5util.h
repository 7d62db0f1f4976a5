#pragma once
/* Private helpers of the HDF5 layer: error-stack silencing, property lists,
   opening inputs with clear messages, path resolution and dataset
   descriptions.  Nothing here is public. */
#include <hdf5.h>
#include "internal/core.h"
#include "pla/io.h"

/* HDF5's automatic error printing is switched off for the duration of each
   public call and restored afterwards, so a program that uses HDF5 itself
   keeps its own setting. */
typedef struct {
    H5E_auto2_t func;
    void *data;
} pla__h5_quiet;
void pla__h5_quiet_begin(pla__h5_quiet *q);
void pla__h5_quiet_end(const pla__h5_quiet *q);

/* File access list: MPI-IO on the context's communicator in the MPI build,
   the default (sec2) driver otherwise.  H5I_INVALID_HID on failure. */
hid_t pla__h5_fapl(pla_ctx *ctx);
/* Transfer list: collective or independent MPI-IO (default list in the
   single-process build). */
hid_t pla__h5_dxpl(int collective);
/* Closes an identifier of any kind if it is valid; sets it invalid. */
void pla__h5_close(hid_t *id);
/* The most specific message on HDF5's error stack after a failed call, e.g.
   "filter returned failure during read" ("unknown HDF5 error" if empty). */
void pla__h5_error_text(char *buf, size_t cap);

/* Local.  A failure reported on another context (a helper grid, or the
   context of a matrix being written) becomes ctx's pending message. */
pla_err pla__h5_adopt(pla_ctx *ctx, const pla_ctx *from, pla_err err);

/* Collective.  Opens an input file read-only, after local checks that give
   "no such file: X" / "file X is not an HDF5 file" (PLA_ERR_DATA) agreed on
   every rank. */
pla_err pla__h5_open_input(pla_ctx *ctx, const char *file, hid_t *fid);

/* What a path names in an open file. */
typedef enum { PLA__H5_MISSING, PLA__H5_GROUP, PLA__H5_DATASET, PLA__H5_OTHER } pla__h5_kind;
pla__h5_kind pla__h5_path_kind(hid_t loc, const char *path);

/* Not collective.  Turns the user's path ("" or NULL: the file's only 2-D
   dataset) into an absolute dataset path; PLA_ERR_DATA with a message naming
   the file otherwise. */
pla_err pla__h5_resolve(pla_ctx *ctx, hid_t fid, const char *file, const char *path, char *resolved,
                        size_t cap);

/* Not collective.  Fills info from an open dataset. */
void pla__h5_describe(hid_t dset, const char *path, pla_h5_dset_info *info);

/* Visits every dataset below the root in name order (depth first, hard links
   only, each object once per link); fn returns nonzero to stop. */
typedef int (*pla__h5_dset_fn)(hid_t fid, const char *path, void *arg);
int pla__h5_walk(hid_t fid, pla__h5_dset_fn fn, void *arg);

/* The hidden group that pla_h5_out stages datasets in, inside an existing
   file; listings skip it. */
#define PLA__H5_STAGING_PREFIX ".pla-staging-"
int pla__h5_is_staging(const char *name);
