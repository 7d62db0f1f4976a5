/* Hyperslab pieces and band sizes. */
#include "io/layout.h"

int pla__cyclic_pieces(int64_t g0, int64_t g1, int64_t nb, int iproc, int nprocs, pla__piece out[2])
{
    const int64_t cycle = nb * nprocs, s = g0 + (int64_t)iproc * nb;
    int np = 0;
    if (s >= g1)
        return 0;
    const int64_t full = g1 - s >= nb ? (g1 - s - nb) / cycle + 1 : 0;
    const int64_t tail = s + full * cycle;  /* start of a partial block, if any */
    if (full > 0)
        out[np++] = (pla__piece){ (hsize_t)s, (hsize_t)cycle, (hsize_t)full, (hsize_t)nb };
    if (tail < g1)
        out[np++] = (pla__piece){ (hsize_t)tail, (hsize_t)cycle, 1, (hsize_t)(g1 - tail) };
    return np;
}

int pla__select_pieces(hid_t space, const pla__piece *rows, int nr, const pla__piece *cols, int nc)
{
    if (nr == 0 || nc == 0)
        return H5Sselect_none(space) < 0 ? -1 : 0;
    H5S_seloper_t op = H5S_SELECT_SET;
    for (int i = 0; i < nr; ++i)
        for (int j = 0; j < nc; ++j) {
            hsize_t start[2] = { rows[i].start, cols[j].start };
            hsize_t stride[2] = { rows[i].stride, cols[j].stride };
            hsize_t count[2] = { rows[i].count, cols[j].count };
            hsize_t block[2] = { rows[i].block, cols[j].block };
            if (H5Sselect_hyperslab(space, op, start, stride, count, block) < 0)
                return -1;
            op = H5S_SELECT_OR;
        }
    return 0;
}

hid_t pla__mem_space(int64_t count)
{
    hsize_t dim = (hsize_t)(count > 0 ? count : 1);
    hid_t space = H5Screate_simple(1, &dim, NULL);
    if (space >= 0 && count <= 0 && H5Sselect_none(space) < 0) {
        H5Sclose(space);
        return H5I_INVALID_HID;
    }
    return space;
}

int64_t pla__band_rows(int64_t band_bytes, int64_t row_bytes, int64_t unit)
{
    if (band_bytes <= 0)
        band_bytes = PLA__BAND_BYTES_DEFAULT;
    int64_t rows = row_bytes > 0 ? band_bytes / row_bytes : band_bytes;
    if (rows < 1)
        rows = 1;
    if (unit > 1 && rows >= unit)
        rows -= rows % unit;
    return rows;
}
