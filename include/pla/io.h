#pragma once
#include <stddef.h>
#include <stdint.h>
#include "pla/mat.h"

/* HDF5 input and output of distributed matrices, as h5py shows them: a
   dataset of shape (m, n) is the m x n matrix A with A[i, j] = dataset[i, j].
   Every function here is collective on ctx and returns the same status on
   every rank.  The MPI build uses parallel HDF5 (each rank reads and writes
   only its own blocks); the single-process build uses serial HDF5. */

/* Splits "FILE:/PATH" into file and dataset path; a bare "FILE" gives an empty
   path (meaning: the file's only 2-D dataset).  Not collective.  PLA_ERR_ARG
   if a part does not fit its buffer or FILE is empty. */
PLA_NODISCARD pla_err pla_h5_split_name(const char *spec, char *file, size_t file_cap,
                                        char *path, size_t path_cap);

/* What a dataset holds. */
typedef struct {
    char path[512];      /* resolved absolute dataset path */
    int ndims;
    int64_t dims[8];
    char type[32];       /* "float64", "float32", "int32", "uint8", ..., or "string", "other" */
    int is_numeric;      /* 1 for float and integer types */
    char layout[16];     /* "contiguous", "chunked", "compact", "virtual" */
    int64_t chunk[8];    /* chunk dims when chunked */
    char filters[64];    /* e.g. "gzip(4),shuffle" or "" */
} pla_h5_dset_info;

/* Describes dataset `path` of `file` (path "" or NULL: the file's only 2-D
   dataset; PLA_ERR_DATA if there are none or several).  PLA_ERR_DATA for a
   missing file or dataset. */
PLA_NODISCARD pla_err pla_h5_inspect(pla_ctx *ctx, const char *file, const char *path,
                                     pla_h5_dset_info *info);

/* Calls fn once per dataset of the file (in name order); for `pla info`. */
typedef void (*pla_h5_visit_fn)(const pla_h5_dset_info *info, void *arg);
PLA_NODISCARD pla_err pla_h5_list(pla_ctx *ctx, const char *file, pla_h5_visit_fn fn, void *arg);

/* Reads a 2-D numeric dataset (float64, float32 or any integer type; contiguous
   or chunked, compressed too) into a new matrix of element type dt with block
   sizes mb x nb (<= 0: the context default).  Each rank reads only its own
   blocks.  Every value is checked for NaN/Inf: PLA_ERR_DATA naming the first
   one (lowest row, then column) found on any rank.  PLA_ERR_DATA also for a
   missing file/dataset, a dataset that is not 2-D, or a non-numeric type. */
PLA_NODISCARD pla_err pla_h5_read(pla_ctx *ctx, const char *file, const char *path,
                                  pla_dtype dt, int64_t mb, int64_t nb, pla_mat **A);

/* Output staging.  Results go to FILE under GROUP ("/" by default).  Nothing
   is visible under the final names until pla_h5_out_commit: a new file is
   written under a temporary name and renamed into place; in an existing file
   the datasets are written to a hidden staging group and moved into GROUP on
   commit.  An existing dataset of the same name is an error (PLA_ERR_OUTPUT)
   unless force is set, detected by pla_h5_out_reserve before any work. */
typedef struct pla_h5_out pla_h5_out;

/* Opens the target.  PLA_ERR_OUTPUT if the file exists and is not HDF5, or
   the directory is not writable. */
PLA_NODISCARD pla_err pla_h5_out_open(pla_ctx *ctx, const char *file, const char *group,
                                      int force, pla_h5_out **out);
/* Declares that dataset `name` will be written: PLA_ERR_OUTPUT now if it
   exists in GROUP and force is not set.  Call for every output before
   computing anything, so that a clash costs no work. */
PLA_NODISCARD pla_err pla_h5_out_reserve(pla_h5_out *out, const char *name);
/* Writes a distributed matrix as an (m, n) dataset of file type dt. */
PLA_NODISCARD pla_err pla_h5_out_write_mat(pla_h5_out *out, const char *name, const pla_mat *A,
                                           pla_dtype dt);
/* Writes a vector (n >= 0) or a scalar (n < 0: shape ()) of file type dt; the
   values must be the same on every rank. */
PLA_NODISCARD pla_err pla_h5_out_write_vec(pla_h5_out *out, const char *name, const double *v,
                                           int64_t n, pla_dtype dt);
/* The same for integers (indices, counts), stored as int64. */
PLA_NODISCARD pla_err pla_h5_out_write_ivec(pla_h5_out *out, const char *name, const int64_t *v, int64_t n);
/* Attributes of the output group (the same value on every rank). */
PLA_NODISCARD pla_err pla_h5_out_attr_str(pla_h5_out *out, const char *name, const char *value);
PLA_NODISCARD pla_err pla_h5_out_attr_f64(pla_h5_out *out, const char *name, double value);
PLA_NODISCARD pla_err pla_h5_out_attr_i64(pla_h5_out *out, const char *name, int64_t value);
/* The final path of an output dataset ("FILE:/GROUP/NAME"), for reports. */
const char *pla_h5_out_target(const pla_h5_out *out);
/* Moves everything into place and closes; *out = NULL. */
PLA_NODISCARD pla_err pla_h5_out_commit(pla_h5_out **out);
/* Discards everything staged and closes; safe on *out == NULL; *out = NULL.
   Collective; used on the error path (its own failures are ignored). */
void pla_h5_out_abort(pla_h5_out **out);

/* Version string of the HDF5 library, and whether it is the parallel build. */
const char *pla_h5_version(void);

/* As pla_h5_read, but a 1-D dataset of length m is read as an m x 1 matrix
   (a right-hand side or target vector); 2-D datasets are read as they are. */
PLA_NODISCARD pla_err pla_h5_read_columns(pla_ctx *ctx, const char *file, const char *path, pla_dtype dt,
                                          int64_t mb, int64_t nb, pla_mat **A);

/* Reads a 1-D (or scalar) numeric dataset whole on every rank into a new
   array *v of *n doubles (free() it); checked for NaN/Inf as pla_h5_read.
   PLA_ERR_DATA for a missing dataset or one of more dimensions. */
PLA_NODISCARD pla_err pla_h5_read_vector(pla_ctx *ctx, const char *file, const char *path, int64_t *n,
                                         double **v);
/* Reads the numeric scalar attribute `name` of the group or dataset `path`
   ("" or NULL: the root group) on every rank: *found = 1 and *value, or
   *found = 0 when there is no such attribute.  PLA_ERR_DATA when the file or
   object cannot be opened or the attribute is not one number. */
PLA_NODISCARD pla_err pla_h5_read_attr_f64(pla_ctx *ctx, const char *file, const char *path, const char *name,
                                           double *value, int *found);
