/* Band <-> local storage kernels, stamped for the four type pairs. */
#include "io/band.h"

#define PLA_TS double
#define PLA_TD double
#define PLA_SUFFIX dd
#include "io/band_tmpl.h"
#define PLA_TS double
#define PLA_TD float
#define PLA_SUFFIX ds
#include "io/band_tmpl.h"
#define PLA_TS float
#define PLA_TD double
#define PLA_SUFFIX sd
#include "io/band_tmpl.h"
#define PLA_TS float
#define PLA_TD float
#define PLA_SUFFIX ss
#include "io/band_tmpl.h"

int pla__band_in(pla_dtype st, const void *src, int64_t rows, int64_t cols, int64_t lds, pla_dtype dt, void *dst,
                 int64_t ld)
{
    if (st == PLA_F64)
        return dt == PLA_F64 ? band_in_dd(src, rows, cols, lds, dst, ld) : band_in_ds(src, rows, cols, lds, dst, ld);
    return dt == PLA_F64 ? band_in_sd(src, rows, cols, lds, dst, ld) : band_in_ss(src, rows, cols, lds, dst, ld);
}

pla__bad_kind pla__band_first_bad(pla_dtype st, const void *src, int64_t rows, int64_t cols, int64_t lds,
                                  pla_dtype dt, int64_t *row, int64_t *col)
{
    if (st == PLA_F64)
        return dt == PLA_F64 ? band_first_bad_dd(src, rows, cols, lds, row, col)
                             : band_first_bad_ds(src, rows, cols, lds, row, col);
    return dt == PLA_F64 ? band_first_bad_sd(src, rows, cols, lds, row, col)
                         : band_first_bad_ss(src, rows, cols, lds, row, col);
}

void pla__band_out(pla_dtype st, const void *src, int64_t ld, int64_t rows, int64_t cols, pla_dtype dt, void *dst,
                   int64_t ldd)
{
    if (st == PLA_F64) {
        if (dt == PLA_F64)
            band_out_dd(src, ld, rows, cols, dst, ldd);
        else
            band_out_ds(src, ld, rows, cols, dst, ldd);
    } else {
        if (dt == PLA_F64)
            band_out_sd(src, ld, rows, cols, dst, ldd);
        else
            band_out_ss(src, ld, rows, cols, dst, ldd);
    }
}

const char *pla__bad_name(pla__bad_kind kind)
{
    switch (kind) {
    case PLA__BAD_NAN: return "NaN";
    case PLA__BAD_INF: return "Inf";
    case PLA__BAD_NEG_INF: return "-Inf";
    case PLA__BAD_RANGE: return "a value beyond the float32 range";
    case PLA__BAD_NONE: break;
    }
    return "a finite value";
}
