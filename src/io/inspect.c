/* Describing datasets for `pla info` and for the readers. */
#include <string.h>
#include "io/h5util.h"

pla_err pla_h5_inspect(pla_ctx *ctx, const char *file, const char *path, pla_h5_dset_info *info)
{
    pla__h5_quiet quiet;
    hid_t fid = H5I_INVALID_HID, dset = H5I_INVALID_HID;
    char resolved[sizeof info->path];
    memset(info, 0, sizeof *info);
    pla__h5_quiet_begin(&quiet);
    pla_err err = pla__h5_open_input(ctx, file, &fid);
    if (err != PLA_OK)
        goto out;
    err = pla__h5_resolve(ctx, fid, file, path, resolved, sizeof resolved);
    if (err == PLA_OK) {
        dset = H5Dopen2(fid, resolved, H5P_DEFAULT);
        if (dset >= 0)
            pla__h5_describe(dset, resolved, info);
        else
            err = pla__set_err(ctx, PLA_ERR_DATA, __FILE__, __LINE__, "cannot open dataset %s in %s", resolved,
                               file);
    }
    err = pla__agree(ctx, err);
    pla__h5_close(&dset);
    pla__h5_close(&fid);
out:
    pla__h5_quiet_end(&quiet);
    return err;
}

struct lister {
    pla_h5_visit_fn fn;
    void *arg;
};

static int list_one(hid_t fid, const char *path, void *arg)
{
    struct lister *l = arg;
    pla_h5_dset_info info;
    hid_t dset = H5Dopen2(fid, path, H5P_DEFAULT);
    if (dset < 0)
        return 0;
    pla__h5_describe(dset, path, &info);
    H5Dclose(dset);
    l->fn(&info, l->arg);
    return 0;
}

pla_err pla_h5_list(pla_ctx *ctx, const char *file, pla_h5_visit_fn fn, void *arg)
{
    pla__h5_quiet quiet;
    hid_t fid = H5I_INVALID_HID;
    struct lister l = { fn, arg };
    pla__h5_quiet_begin(&quiet);
    pla_err err = pla__h5_open_input(ctx, file, &fid);
    if (err != PLA_OK)
        goto out;
    if (pla__h5_walk(fid, list_one, &l) != 0)
        err = pla__set_err(ctx, PLA_ERR_DATA, __FILE__, __LINE__, "cannot list the datasets of %s", file);
    err = pla__agree(ctx, err);
    pla__h5_close(&fid);
out:
    pla__h5_quiet_end(&quiet);
    return err;
}
