/* 1-D datasets as single-column matrices (targets, right-hand sides).  A
   vector is small next to the matrices it goes with: every rank reads it
   whole (read-only, independent access) and keeps its own rows. */
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include "internal/core.h"
#include "pla/io.h"

/* Reads dataset `path` (1-D, numeric) of `file` into v[0..n) as doubles. */
static herr_t read_vector(const char *file, const char *path, double *v)
{
    herr_t rc = -1;
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t d = f >= 0 ? H5Dopen2(f, path, H5P_DEFAULT) : -1;
    if (d >= 0)
        rc = H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    if (d >= 0) H5Dclose(d);
    if (f >= 0) H5Fclose(f);
    return rc;
}

static double column_entry(int64_t i, int64_t j, void *arg)
{
    (void)j;
    return ((const double *)arg)[i];
}

pla_err pla_h5_read_columns(pla_ctx *ctx, const char *file, const char *path, pla_dtype dt, int64_t mb, int64_t nb,
                            pla_mat **A)
{
    pla_err err = PLA_OK;
    pla_h5_dset_info info;
    double *v = NULL;
    int64_t m = 0;
    herr_t rc = -1;
    *A = NULL;
    PLA_TRY(pla_h5_inspect(ctx, file, path, &info));
    if (info.ndims != 1)
        return pla_h5_read(ctx, file, info.path, dt, mb, nb, A);
    m = info.dims[0];
    PLA_CHECK(ctx, info.is_numeric, PLA_ERR_DATA, "dataset %s in %s holds %s values; numbers are needed",
              info.path, file, info.type);
    v = pla__malloc(ctx, (size_t)(m > 0 ? m : 1) * sizeof *v);
    PLA_CHECK(ctx, v != NULL, PLA_ERR_MEM, "out of memory reading the %lld-vector %s", (long long)m, info.path);
    H5E_BEGIN_TRY { rc = read_vector(file, info.path, v); } H5E_END_TRY;
    PLA_CHECK(ctx, rc >= 0, PLA_ERR_DATA, "cannot read dataset %s in %s", info.path, file);
    for (int64_t i = 0; i < m; ++i)  /* every rank holds the whole vector: the first bad entry is the same */
        PLA_CHECK(ctx, isfinite(v[i]), PLA_ERR_DATA, "dataset %s in %s holds %s at row %lld", info.path, file,
                  isnan(v[i]) ? "NaN" : "Inf", (long long)i);
done:
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, dt, m, 1, mb, nb, A);
    if (err == PLA_OK)
        err = pla_mat_fill_fn(*A, column_entry, v);
    err = pla__agree(ctx, err);
    if (err != PLA_OK)
        pla_mat_destroy(A);
    free(v);
    return err;
}
