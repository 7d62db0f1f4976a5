#pragma once
/* Converting between HDF5's row-major bands and pla's column-major local
   storage (a transpose, a type conversion and, inbound, a finiteness check in
   one pass over memory). */
#include <stdint.h>
#include "pla/mat.h"

typedef enum { PLA__BAD_NONE = 0, PLA__BAD_NAN, PLA__BAD_INF, PLA__BAD_NEG_INF, PLA__BAD_RANGE } pla__bad_kind;

/* dst (column-major, leading dimension ld, element type dt) := the row-major
   rows x cols band src of type st whose rows are lds elements apart.
   Returns 1 if some converted value is not finite. */
int pla__band_in(pla_dtype st, const void *src, int64_t rows, int64_t cols, int64_t lds, pla_dtype dt, void *dst,
                 int64_t ld);
/* The first value of the band (row-major order) that is not finite after
   conversion to dt: its kind, and its band row and column. */
pla__bad_kind pla__band_first_bad(pla_dtype st, const void *src, int64_t rows, int64_t cols, int64_t lds,
                                  pla_dtype dt, int64_t *row, int64_t *col);
/* dst (row-major rows x cols band of type dt, rows ldd elements apart) :=
   src (column-major, ld, type st). */
void pla__band_out(pla_dtype st, const void *src, int64_t ld, int64_t rows, int64_t cols, pla_dtype dt, void *dst,
                   int64_t ldd);
/* "NaN", "Inf", "-Inf", or a phrase for a value beyond the float32 range. */
const char *pla__bad_name(pla__bad_kind kind);
