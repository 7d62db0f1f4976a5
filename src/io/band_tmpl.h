/* Stamped once per (source, destination) element type pair: define PLA_TS,
   PLA_TD and PLA_SUFFIX before including.  A band is a row-major block of
   rows x cols values as HDF5 delivers a selection; local storage is
   column-major with leading dimension ld.  Cache-blocked, converting, and on
   the way in checking that every converted value is finite. */
#define PLA_CAT2(a, b) a##b
#define PLA_CAT(a, b) PLA_CAT2(a, b)

/* dst (column-major, ld) := src (row-major band, rows lds apart); 1 if any
   value of dst is not finite (NaN, Inf, or a float64 beyond the float32
   range). */
static int PLA_CAT(band_in_, PLA_SUFFIX)(const PLA_TS *src, int64_t rows, int64_t cols, int64_t lds,
                                         PLA_TD *dst, int64_t ld)
{
    enum { TILE = 32 };
    int bad = 0;
#pragma omp parallel for schedule(static) reduction(| : bad) if (rows * cols > (1 << 18))
    for (int64_t c0 = 0; c0 < cols; c0 += TILE) {
        const int64_t c1 = c0 + TILE < cols ? c0 + TILE : cols;
        for (int64_t r0 = 0; r0 < rows; r0 += TILE) {
            const int64_t r1 = r0 + TILE < rows ? r0 + TILE : rows;
            for (int64_t c = c0; c < c1; ++c) {
                PLA_TD *d = dst + c * ld;
                for (int64_t r = r0; r < r1; ++r) {
                    const PLA_TD v = (PLA_TD)src[r * lds + c];
                    const PLA_TD z = v - v;  /* 0 when finite, NaN otherwise */
                    d[r] = v;
                    bad |= z != z;
                }
            }
        }
    }
    return bad;
}

/* The first non-finite converted value in row-major order of the band. */
static int PLA_CAT(band_first_bad_, PLA_SUFFIX)(const PLA_TS *src, int64_t rows, int64_t cols, int64_t lds,
                                                int64_t *row, int64_t *col)
{
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
            const PLA_TS x = src[r * lds + c];
            const PLA_TD v = (PLA_TD)x;
            const PLA_TD z = v - v;
            if (z != z) {
                *row = r;
                *col = c;
                return x != x ? PLA__BAD_NAN : x - x == 0 ? PLA__BAD_RANGE : x > 0 ? PLA__BAD_INF : PLA__BAD_NEG_INF;
            }
        }
    return PLA__BAD_NONE;
}

/* dst (row-major band, rows ldd apart) := src (column-major, ld), converted. */
static void PLA_CAT(band_out_, PLA_SUFFIX)(const PLA_TS *src, int64_t ld, int64_t rows, int64_t cols,
                                           PLA_TD *dst, int64_t ldd)
{
    enum { TILE = 32 };
#pragma omp parallel for schedule(static) if (rows * cols > (1 << 18))
    for (int64_t r0 = 0; r0 < rows; r0 += TILE) {
        const int64_t r1 = r0 + TILE < rows ? r0 + TILE : rows;
        for (int64_t c0 = 0; c0 < cols; c0 += TILE) {
            const int64_t c1 = c0 + TILE < cols ? c0 + TILE : cols;
            for (int64_t r = r0; r < r1; ++r)
                for (int64_t c = c0; c < c1; ++c)
                    dst[r * ldd + c] = (PLA_TD)src[r + c * ld];
        }
    }
}

#undef PLA_CAT
#undef PLA_CAT2
#undef PLA_TS
#undef PLA_TD
#undef PLA_SUFFIX
