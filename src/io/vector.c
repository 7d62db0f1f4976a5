/* Small reads: 1-D datasets as single-column matrices (targets, right-hand
   sides) or as plain arrays (a fitted model's vectors), and numeric
   attributes.  Such data is small next to the matrices it goes with: every
   rank reads it whole (read-only, independent access). */
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

pla_err pla_h5_read_vector(pla_ctx *ctx, const char *file, const char *path, int64_t *n, double **v)
{
    pla_err err = PLA_OK;
    pla_h5_dset_info info;
    herr_t rc = -1;
    *v = NULL;
    *n = 0;
    PLA_TRY(pla_h5_inspect(ctx, file, path, &info));
    PLA_CHECK(ctx, info.ndims <= 1 && info.is_numeric, PLA_ERR_DATA,
              "dataset %s in %s must be a numeric vector or scalar; it is %d-D %s", info.path, file, info.ndims,
              info.type);
    *n = info.ndims == 1 ? info.dims[0] : 1;
    *v = pla__malloc(ctx, (size_t)(*n > 0 ? *n : 1) * sizeof **v);
    PLA_CHECK(ctx, *v != NULL, PLA_ERR_MEM, "out of memory reading the %lld-vector %s", (long long)*n, info.path);
    H5E_BEGIN_TRY { rc = read_vector(file, info.path, *v); } H5E_END_TRY;
    PLA_CHECK(ctx, rc >= 0, PLA_ERR_DATA, "cannot read dataset %s in %s", info.path, file);
    for (int64_t i = 0; i < *n; ++i)
        PLA_CHECK(ctx, isfinite((*v)[i]), PLA_ERR_DATA, "dataset %s in %s holds %s at %lld", info.path, file,
                  isnan((*v)[i]) ? "NaN" : "Inf", (long long)i);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK) {
        free(*v);
        *v = NULL;
    }
    return err;
}

/* Reads the numeric scalar attribute `name` of object `path`: 1 when read, 0
   when absent, -1 when the file, the object or the value cannot be read. */
static int read_attr(const char *file, const char *path, const char *name, double *value)
{
    int found = -1;
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t o = f >= 0 ? H5Oopen(f, path, H5P_DEFAULT) : -1;
    htri_t exists = o >= 0 ? H5Aexists(o, name) : -1;
    if (exists == 0)
        found = 0;
    if (exists > 0) {
        hid_t a = H5Aopen(o, name, H5P_DEFAULT);
        hid_t space = a >= 0 ? H5Aget_space(a) : -1;
        if (space >= 0 && H5Sget_simple_extent_npoints(space) == 1 &&
            H5Aread(a, H5T_NATIVE_DOUBLE, value) >= 0)
            found = 1;
        if (space >= 0) H5Sclose(space);
        if (a >= 0) H5Aclose(a);
    }
    if (o >= 0) H5Oclose(o);
    if (f >= 0) H5Fclose(f);
    return found;
}

pla_err pla_h5_read_attr_f64(pla_ctx *ctx, const char *file, const char *path, const char *name, double *value,
                             int *found)
{
    pla_err err = PLA_OK;
    int got = -1;
    H5E_BEGIN_TRY { got = read_attr(file, path && *path ? path : "/", name, value); } H5E_END_TRY;
    PLA_CHECK(ctx, got >= 0, PLA_ERR_DATA, "cannot read attribute %s of %s in %s as a number", name,
              path && *path ? path : "/", file);
    *found = got;
done:
    return pla__agree(ctx, err);
}
