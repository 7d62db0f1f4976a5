#pragma once
#include <stdint.h>
#include "pla/ctx.h"

/* A dense matrix distributed block-cyclically over the context's P x Q grid,
   as ScaLAPACK lays it out: global element (i, j) (0-based) lives on process
   row (i / mb) % P and process column (j / nb) % Q, in column-major local
   storage with leading dimension lld >= max(1, mloc). */
typedef struct pla_mat pla_mat;

typedef enum { PLA_F32 = 201, PLA_F64 = 202 } pla_dtype;
typedef enum { PLA_NOTRANS = 211, PLA_TRANS = 212 } pla_op;
typedef enum { PLA_UNIFORM = 221, PLA_NORMAL = 222 } pla_dist;

/* Bytes per element of a dtype (4 or 8). */
int pla_dtype_size(pla_dtype dt);
/* "float32" / "float64". */
const char *pla_dtype_name(pla_dtype dt);

/* Collective.  Allocates zeroed local storage (owned).  mb, nb <= 0 take the
   context's default block size.  *A is NULL on any error. */
PLA_NODISCARD pla_err pla_mat_create(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n,
                                     int64_t mb, int64_t nb, pla_mat **A);
/* Collective.  Wraps caller storage (borrowed: the caller frees it after
   destroy).  lld must be >= max(1, local rows). */
PLA_NODISCARD pla_err pla_mat_wrap(pla_ctx *ctx, pla_dtype dt, int64_t m, int64_t n,
                                   int64_t mb, int64_t nb, void *local, int64_t lld,
                                   pla_mat **A);
/* Collective.  A new matrix with A's context, shape, blocks and type, and a
   copy of its values. */
PLA_NODISCARD pla_err pla_mat_dup(const pla_mat *A, pla_mat **B);
/* Not collective (no communication).  Safe on *A == NULL; sets *A = NULL. */
void pla_mat_destroy(pla_mat **A);

/* Not collective.  Queries. */
pla_ctx *pla_mat_ctx(const pla_mat *A);
pla_dtype pla_mat_dtype(const pla_mat *A);
int64_t pla_mat_rows(const pla_mat *A);
int64_t pla_mat_cols(const pla_mat *A);
int64_t pla_mat_mb(const pla_mat *A);
int64_t pla_mat_nb(const pla_mat *A);
/* Local storage: column-major, *mloc x *nloc, leading dimension *lld. */
void pla_mat_local(const pla_mat *A, void **data, int64_t *lld, int64_t *mloc, int64_t *nloc);
/* Global index of local row il / local column jl on this rank. */
int64_t pla_mat_row_l2g(const pla_mat *A, int64_t il);
int64_t pla_mat_col_l2g(const pla_mat *A, int64_t jl);
/* Owner of global row i (process row) / column j (process column), and its
   local index there. */
void pla_mat_row_g2l(const pla_mat *A, int64_t i, int *prow, int64_t *il);
void pla_mat_col_g2l(const pla_mat *A, int64_t j, int *pcol, int64_t *jl);
#if PLA_HAVE_MPI
/* The ScaLAPACK descriptor (9 ints), for calling ScaLAPACK directly. */
const int *pla_mat_desc(const pla_mat *A);
#endif

/* Not collective.  A(i, j) = f(i, j, arg) for every locally stored element;
   i, j are global and 0-based.  Runs on the context's threads: f must be
   thread-safe. */
typedef double (*pla_entry_fn)(int64_t i, int64_t j, void *arg);
PLA_NODISCARD pla_err pla_mat_fill_fn(pla_mat *A, pla_entry_fn f, void *arg);
/* Not collective.  Counter-based random fill (Philox4x64 keyed by seed,
   counter (stream, i, j)): the same (seed, stream) gives the same matrix bit
   for bit for every rank count, grid, block size and thread count.  Uniform
   is on [0, 1), normal is standard. */
PLA_NODISCARD pla_err pla_mat_fill_random(pla_mat *A, pla_dist dist, uint64_t seed, uint64_t stream);
/* The value pla_mat_fill_random puts at global (i, j), in double precision. */
double pla_random_entry(pla_dist dist, uint64_t seed, uint64_t stream, int64_t i, int64_t j);

/* Collective.  B := A, element by element, with any change of block sizes,
   grid (B's context must span the same processes as A's) or element type. */
PLA_NODISCARD pla_err pla_mat_copy(const pla_mat *A, pla_mat *B);
/* Collective.  B := A^T (B is n x m; same context and type). */
PLA_NODISCARD pla_err pla_mat_transpose(const pla_mat *A, pla_mat *B);
/* Collective.  Gathers A onto rank `root` into buf (column-major, leading
   dimension ld >= max(1, m), A's element type).  buf is ignored elsewhere. */
PLA_NODISCARD pla_err pla_mat_gather(const pla_mat *A, int root, void *buf, int64_t ld);
/* Collective.  A := the matrix held in buf on rank `root` (column-major). */
PLA_NODISCARD pla_err pla_mat_scatter(pla_mat *A, int root, const void *buf, int64_t ld);
