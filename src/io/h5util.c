/* Shared plumbing of the HDF5 layer: quiet error stack, property lists,
   checked opening of inputs, path resolution and traversal. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "io/h5util.h"

void pla__h5_quiet_begin(pla__h5_quiet *q)
{
    q->func = NULL;
    q->data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void pla__h5_quiet_end(const pla__h5_quiet *q)
{
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

hid_t pla__h5_fapl(pla_ctx *ctx)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0)
        return H5I_INVALID_HID;
#if PLA_HAVE_MPI
    /* the one use of the context's communicator outside src/core */
    if (H5Pset_fapl_mpio(fapl, ctx->comm, MPI_INFO_NULL) < 0) {
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
#else
    (void)ctx;
#endif
    return fapl;
}

hid_t pla__h5_dxpl(int collective)
{
    hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (dxpl < 0)
        return H5I_INVALID_HID;
#if PLA_HAVE_MPI
    if (H5Pset_dxpl_mpio(dxpl, collective ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT) < 0) {
        H5Pclose(dxpl);
        return H5I_INVALID_HID;
    }
#else
    (void)collective;
#endif
    return dxpl;
}

void pla__h5_close(hid_t *id)
{
    if (*id < 0)
        return;
    switch (H5Iget_type(*id)) {
    case H5I_FILE: H5Fclose(*id); break;
    case H5I_GROUP: H5Gclose(*id); break;
    case H5I_DATASET: H5Dclose(*id); break;
    case H5I_DATASPACE: H5Sclose(*id); break;
    case H5I_DATATYPE: H5Tclose(*id); break;
    case H5I_ATTR: H5Aclose(*id); break;
    case H5I_GENPROP_LST: H5Pclose(*id); break;
    default: break;
    }
    *id = H5I_INVALID_HID;
}

static herr_t first_error(unsigned n, const H5E_error2_t *e, void *arg)
{
    char *buf = arg;
    (void)n;
    if (buf[0] == '\0' && e->desc != NULL && e->desc[0] != '\0') {
        snprintf(buf, 160, "%s", e->desc);
        return 1;  /* stop: the first one upward is the most specific */
    }
    return 0;
}

void pla__h5_error_text(char *buf, size_t cap)
{
    char text[160] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, first_error, text);
    snprintf(buf, cap, "%s", text[0] ? text : "unknown HDF5 error");
}

pla_err pla__h5_adopt(pla_ctx *ctx, const pla_ctx *from, pla_err err)
{
    if (err != PLA_OK && from != ctx)
        pla__set_err(ctx, err, __FILE__, __LINE__, "%s", pla_ctx_errmsg(from));
    return err;
}

pla_err pla__h5_open_input(pla_ctx *ctx, const char *file, hid_t *fid)
{
    pla_err err = PLA_OK;
    hid_t fapl = H5I_INVALID_HID;
    struct stat st;
    *fid = H5I_INVALID_HID;
    if (stat(file, &st) != 0) {
        int e = errno;
        PLA_CHECK(ctx, e != ENOENT && e != ENOTDIR, PLA_ERR_DATA, "no such file: %s", file);
        PLA_CHECK(ctx, 0, PLA_ERR_DATA, "cannot read %s: %s", file, strerror(e));
    }
    PLA_CHECK(ctx, !S_ISDIR(st.st_mode), PLA_ERR_DATA, "%s is a directory, not an HDF5 file", file);
    PLA_CHECK(ctx, access(file, R_OK) == 0, PLA_ERR_DATA, "cannot read %s: %s", file, strerror(errno));
    PLA_CHECK(ctx, H5Fis_hdf5(file) > 0, PLA_ERR_DATA, "file %s is not an HDF5 file", file);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK)
        return err;
    fapl = pla__h5_fapl(ctx);
    if (fapl >= 0)
        *fid = H5Fopen(file, H5F_ACC_RDONLY, fapl);
    pla__h5_close(&fapl);
    if (*fid < 0)
        err = pla__set_err(ctx, PLA_ERR_DATA, __FILE__, __LINE__, "HDF5 cannot open %s", file);
    err = pla__agree(ctx, err);
    if (err != PLA_OK)
        pla__h5_close(fid);  /* opened on some ranks only: release those handles */
    return err;
}

pla__h5_kind pla__h5_path_kind(hid_t loc, const char *path)
{
    char buf[1024];
    if (strcmp(path, "/") == 0)
        return PLA__H5_GROUP;
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return PLA__H5_MISSING;
    /* H5Lexists fails, rather than answering no, when a parent is missing:
       check each prefix in turn */
    for (char *p = buf + 1; ; ++p) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (H5Lexists(loc, buf, H5P_DEFAULT) <= 0)
                return PLA__H5_MISSING;
            *p = c;
            if (c == '\0')
                break;
        }
    }
    hid_t obj = H5Oopen(loc, path, H5P_DEFAULT);
    if (obj < 0)
        return PLA__H5_MISSING;  /* a dangling soft or external link */
    H5I_type_t t = H5Iget_type(obj);
    H5Oclose(obj);
    return t == H5I_DATASET ? PLA__H5_DATASET : t == H5I_GROUP ? PLA__H5_GROUP : PLA__H5_OTHER;
}

int pla__h5_is_staging(const char *name)
{
    return strncmp(name, PLA__H5_STAGING_PREFIX, strlen(PLA__H5_STAGING_PREFIX)) == 0;
}

struct walk {
    pla__h5_dset_fn fn;
    void *arg;
    hid_t fid;
    int depth, stop;
    char path[1024];
};

static herr_t walk_link(hid_t group, const char *name, const H5L_info_t *info, void *op)
{
    struct walk *w = op;
    size_t len = strlen(w->path);
    if (info->type != H5L_TYPE_HARD || (w->depth == 0 && pla__h5_is_staging(name)))
        return 0;
    if (len + 1 + strlen(name) >= sizeof w->path)
        return 0;  /* deeper than any path pla can name */
    snprintf(w->path + len, sizeof w->path - len, "/%s", name);
    hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
    if (obj >= 0) {
        H5I_type_t t = H5Iget_type(obj);
        if (t == H5I_DATASET) {
            w->stop = w->fn(w->fid, w->path, w->arg);
        } else if (t == H5I_GROUP && w->depth < 32) {  /* the bound also stops hard-link cycles */
            w->depth++;
            H5Literate(obj, H5_INDEX_NAME, H5_ITER_INC, NULL, walk_link, w);
            w->depth--;
        }
        H5Oclose(obj);
    }
    w->path[len] = '\0';
    return w->stop ? 1 : 0;
}

int pla__h5_walk(hid_t fid, pla__h5_dset_fn fn, void *arg)
{
    struct walk w = { .fn = fn, .arg = arg, .fid = fid };
    return H5Literate(fid, H5_INDEX_NAME, H5_ITER_INC, NULL, walk_link, &w) < 0 ? -1 : 0;
}

/* Collects the 2-D datasets for resolving a bare file name. */
struct two_d {
    int count;
    char first[512];
    char list[480];
};

static int collect_2d(hid_t fid, const char *path, void *arg)
{
    struct two_d *c = arg;
    hid_t d = H5Dopen2(fid, path, H5P_DEFAULT);
    hid_t s = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    int nd = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    pla__h5_close(&s);
    pla__h5_close(&d);
    if (nd != 2)
        return 0;
    if (c->count == 0)
        snprintf(c->first, sizeof c->first, "%s", path);
    size_t len = strlen(c->list);
    if (c->count < 6 && len + strlen(path) + 3 < sizeof c->list)
        snprintf(c->list + len, sizeof c->list - len, "%s%s", c->count ? ", " : "", path);
    else if (c->count == 6 && len + 5 < sizeof c->list)
        snprintf(c->list + len, sizeof c->list - len, ", ...");
    c->count++;
    return 0;
}

pla_err pla__h5_resolve(pla_ctx *ctx, hid_t fid, const char *file, const char *path, char *resolved,
                        size_t cap)
{
    pla_err err = PLA_OK;
    if (path == NULL || path[0] == '\0') {
        struct two_d c = { 0 };
        PLA_CHECK(ctx, pla__h5_walk(fid, collect_2d, &c) == 0, PLA_ERR_DATA, "cannot list the datasets of %s",
                  file);
        PLA_CHECK(ctx, c.count > 0, PLA_ERR_DATA, "file %s holds no 2-D dataset", file);
        PLA_CHECK(ctx, c.count == 1, PLA_ERR_DATA, "file %s has %d 2-D datasets (%s): name one as %s:/PATH", file,
                  c.count, c.list, file);
        PLA_CHECK(ctx, strlen(c.first) < cap, PLA_ERR_ARG, "dataset path %s is too long", c.first);
        snprintf(resolved, cap, "%s", c.first);
        return PLA_OK;
    }
    int n = snprintf(resolved, cap, "%s%s", path[0] == '/' ? "" : "/", path);
    PLA_CHECK(ctx, n >= 0 && (size_t)n < cap, PLA_ERR_ARG, "dataset path %s is too long", path);
    switch (pla__h5_path_kind(fid, resolved)) {
    case PLA__H5_DATASET: break;
    case PLA__H5_MISSING: PLA_CHECK(ctx, 0, PLA_ERR_DATA, "file %s has no dataset %s", file, resolved); break;
    case PLA__H5_GROUP:
        PLA_CHECK(ctx, 0, PLA_ERR_DATA, "%s in %s is a group, not a dataset: name a dataset as %s:/PATH",
                  resolved, file, file);
        break;
    case PLA__H5_OTHER: PLA_CHECK(ctx, 0, PLA_ERR_DATA, "%s in %s is not a dataset", resolved, file); break;
    }
done:
    return err;
}

static void type_name(hid_t type, pla_h5_dset_info *info)
{
    H5T_class_t cls = H5Tget_class(type);
    int bits = (int)H5Tget_size(type) * 8;
    info->is_numeric = cls == H5T_FLOAT || cls == H5T_INTEGER;
    if (cls == H5T_FLOAT)
        snprintf(info->type, sizeof info->type, "float%d", bits);
    else if (cls == H5T_INTEGER)
        snprintf(info->type, sizeof info->type, "%s%d", H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int", bits);
    else if (cls == H5T_STRING)
        snprintf(info->type, sizeof info->type, "string");
    else
        snprintf(info->type, sizeof info->type, "other");
}

static void append(char *dst, size_t cap, const char *item)
{
    size_t len = strlen(dst);
    if (len + strlen(item) + 2 < cap)
        snprintf(dst + len, cap - len, "%s%s", len ? "," : "", item);
}

static void filter_names(hid_t dcpl, pla_h5_dset_info *info)
{
    int nf = H5Pget_nfilters(dcpl);
    for (int i = 0; i < nf; ++i) {
        unsigned flags = 0, cd[8] = { 0 }, config = 0;
        size_t ncd = 8;
        char name[64] = "", item[64];
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, sizeof name, name, &config);
        switch (id) {
        case H5Z_FILTER_DEFLATE: snprintf(item, sizeof item, "gzip(%u)", ncd > 0 ? cd[0] : 0u); break;
        case H5Z_FILTER_SHUFFLE: snprintf(item, sizeof item, "shuffle"); break;
        case H5Z_FILTER_FLETCHER32: snprintf(item, sizeof item, "fletcher32"); break;
        case H5Z_FILTER_SZIP: snprintf(item, sizeof item, "szip"); break;
        case H5Z_FILTER_NBIT: snprintf(item, sizeof item, "nbit"); break;
        case H5Z_FILTER_SCALEOFFSET: snprintf(item, sizeof item, "scaleoffset"); break;
        case 32000: snprintf(item, sizeof item, "lzf"); break;
        default:
            if (name[0])
                snprintf(item, sizeof item, "%.40s", name);
            else
                snprintf(item, sizeof item, "filter%d", (int)id);
        }
        append(info->filters, sizeof info->filters, item);
    }
}

void pla__h5_describe(hid_t dset, const char *path, pla_h5_dset_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->path, sizeof info->path, "%s", path);
    hid_t space = H5Dget_space(dset), type = H5Dget_type(dset), dcpl = H5Dget_create_plist(dset);
    if (space >= 0) {
        hsize_t dims[H5S_MAX_RANK];
        int nd = H5Sget_simple_extent_ndims(space);
        if (nd > 8)
            nd = 8;
        info->ndims = nd > 0 ? nd : 0;
        if (nd > 0 && H5Sget_simple_extent_dims(space, dims, NULL) >= 0)
            for (int i = 0; i < nd; ++i)
                info->dims[i] = (int64_t)dims[i];
    }
    if (type >= 0)
        type_name(type, info);
    else
        snprintf(info->type, sizeof info->type, "other");
    snprintf(info->layout, sizeof info->layout, "contiguous");
    if (dcpl >= 0) {
        H5D_layout_t layout = H5Pget_layout(dcpl);
        if (layout == H5D_CHUNKED) {
            hsize_t cd[H5S_MAX_RANK];
            int nd = H5Pget_chunk(dcpl, H5S_MAX_RANK, cd);
            for (int i = 0; i < nd && i < 8; ++i)
                info->chunk[i] = (int64_t)cd[i];
            snprintf(info->layout, sizeof info->layout, "chunked");
        } else if (layout == H5D_COMPACT) {
            snprintf(info->layout, sizeof info->layout, "compact");
        } else if (layout == H5D_VIRTUAL) {
            snprintf(info->layout, sizeof info->layout, "virtual");
        }
        filter_names(dcpl, info);
    }
    pla__h5_close(&dcpl);
    pla__h5_close(&type);
    pla__h5_close(&space);
}
