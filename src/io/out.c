/* Output staging: nothing appears under its final name before commit.  A new
   file is written as a hidden temporary file next to the target and renamed
   into place; in an existing file, datasets go to a hidden staging group and
   are moved into the output group on commit.  Open and reserve only check
   (and close the file again), so a program can still read its inputs from
   the file it will write to; the file is opened for writing at the first
   write. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "io/out.h"

/* "/", "/a/b": a leading slash, no repeated or trailing ones. */
static int normalize_group(const char *group, char *dst, size_t cap)
{
    size_t k = 0;
    dst[k++] = '/';
    for (const char *p = group ? group : ""; *p; ++p) {
        if (*p == '/' && dst[k - 1] == '/')
            continue;
        if (k + 1 >= cap)
            return 0;
        dst[k++] = *p;
    }
    if (k > 1 && dst[k - 1] == '/')
        k--;
    dst[k] = '\0';
    return 1;
}

static void final_path(const pla_h5_out *out, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", strcmp(out->group, "/") == 0 ? "" : out->group, name);
}

void pla__out_staged_path(const pla_h5_out *out, const char *name, char *path, size_t cap)
{
    if (out->is_new)
        final_path(out, name, path, cap);
    else
        snprintf(path, cap, "%s/%s", out->staging, name);
}

static void set_target(pla_h5_out *out, const char *name)
{
    char path[sizeof out->group + PLA__OUT_NAME_CAP + 2];
    if (name)
        final_path(out, name, path, sizeof path);
    else
        snprintf(path, sizeof path, "%s", out->group);
    snprintf(out->target, sizeof out->target, "%s:%s", out->file, path);
}

static int listed(char (*list)[PLA__OUT_NAME_CAP], int n, const char *name)
{
    for (int i = 0; i < n; ++i)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

/* Appends name to a list of n names; 0 when out of memory. */
static int list_add(pla_ctx *ctx, char (**list)[PLA__OUT_NAME_CAP], int *n, const char *name)
{
    (void)ctx;
    char (*grown)[PLA__OUT_NAME_CAP] = realloc(*list, (size_t)(*n + 1) * sizeof **list);
    if (grown == NULL)
        return 0;
    *list = grown;
    snprintf(grown[*n], PLA__OUT_NAME_CAP, "%s", name);
    (*n)++;
    return 1;
}

pla_err pla__out_check_name(pla_h5_out *out, const char *name)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = out->ctx;
    PLA_CHECK(ctx, name != NULL && name[0] != '\0', PLA_ERR_ARG, "empty output dataset name");
    PLA_CHECK(ctx, strlen(name) < PLA__OUT_NAME_CAP, PLA_ERR_ARG, "output dataset name %.40s... is too long", name);
    PLA_CHECK(ctx, strchr(name, '/') == NULL, PLA_ERR_ARG,
              "output dataset name %s contains '/': name the group as FILE:/GROUP", name);
    PLA_CHECK(ctx, !listed(out->written, out->nwritten, name), PLA_ERR_ARG, "output dataset %s written twice",
              name);
done:
    return err;
}

pla_err pla__out_note_written(pla_h5_out *out, const char *name)
{
    if (!list_add(out->ctx, &out->written, &out->nwritten, name))
        return pla__set_err(out->ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory");
    set_target(out, name);
    return PLA_OK;
}

/* A token that makes temporary names unique: rank 0's pid and clock. */
static void make_token(char *token, size_t cap)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(token, cap, "%ld-%lx", (long)getpid(), (unsigned long)(ts.tv_nsec & 0xfffff));
}

/* Local checks on the target file and its directory. */
static pla_err check_target(pla_h5_out *out, const char *token)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = out->ctx;
    struct stat st;
    const char *file = out->file;
    if (stat(file, &st) == 0) {
        PLA_CHECK(ctx, !S_ISDIR(st.st_mode), PLA_ERR_OUTPUT, "output %s is a directory", file);
        PLA_CHECK(ctx, H5Fis_hdf5(file) > 0, PLA_ERR_OUTPUT, "output file %s exists and is not an HDF5 file", file);
        PLA_CHECK(ctx, access(file, W_OK) == 0, PLA_ERR_OUTPUT, "cannot write to %s: %s", file, strerror(errno));
        out->is_new = 0;
        snprintf(out->staging, sizeof out->staging, "/%s%s", PLA__H5_STAGING_PREFIX, token);
        return PLA_OK;
    }
    PLA_CHECK(ctx, errno == ENOENT, PLA_ERR_OUTPUT, "cannot write %s: %s", file, strerror(errno));
    char dir[sizeof out->file];
    const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file;
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == file)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - file), file);
    PLA_CHECK(ctx, base[0] != '\0', PLA_ERR_OUTPUT, "output %s names a directory, not a file", file);
    PLA_CHECK(ctx, stat(dir, &st) == 0 && S_ISDIR(st.st_mode), PLA_ERR_OUTPUT,
              "cannot write %s: no directory %s", file, dir);
    int n = snprintf(out->tmp, sizeof out->tmp, "%s/.%s.pla-%s.tmp", dir, base, token);
    PLA_CHECK(ctx, n > 0 && (size_t)n < sizeof out->tmp, PLA_ERR_OUTPUT, "output file name %s is too long", file);
    out->is_new = 1;
    if (ctx->rank == 0) {  /* a real probe: permission bits do not tell root, or a read-only mount */
        int fd = open(out->tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
        PLA_CHECK(ctx, fd >= 0, PLA_ERR_OUTPUT, "cannot write to directory %s: %s", dir, strerror(errno));
        close(fd);
        unlink(out->tmp);
    }
done:
    return err;
}

/* Collective.  In an existing file, every existing component of the output
   group must be a group. */
static pla_err check_group(pla_h5_out *out)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = out->ctx;
    hid_t fapl = pla__h5_fapl(ctx), fid = H5I_INVALID_HID;
    if (fapl >= 0)
        fid = H5Fopen(out->file, H5F_ACC_RDONLY, fapl);
    pla__h5_close(&fapl);
    PLA_CHECK(ctx, fid >= 0, PLA_ERR_OUTPUT, "HDF5 cannot open %s", out->file);
    char prefix[sizeof out->group];
    for (size_t k = 1; out->group[k - 1] != '\0' && strcmp(out->group, "/") != 0; ++k) {
        if (out->group[k] != '/' && out->group[k] != '\0')
            continue;
        snprintf(prefix, sizeof prefix, "%.*s", (int)k, out->group);
        pla__h5_kind kind = pla__h5_path_kind(fid, prefix);
        if (kind == PLA__H5_MISSING)
            break;  /* created on commit */
        PLA_CHECK(ctx, kind == PLA__H5_GROUP, PLA_ERR_OUTPUT,
                  "cannot use %s in %s as the output group: %s is not a group", out->group, out->file, prefix);
    }
done:
    pla__h5_close(&fid);
    return pla__agree(ctx, err);
}

static void free_out(pla_h5_out *out)
{
    for (int i = 0; i < out->nattrs; ++i)
        free(out->attrs[i].str);
    free(out->attrs);
    free(out->written);
    free(out->reserved);
    free(out);
}

pla_err pla_h5_out_open(pla_ctx *ctx, const char *file, const char *group, int force, pla_h5_out **pout)
{
    pla_err err = PLA_OK;
    pla__h5_quiet quiet;
    char token[40] = "";
    pla_h5_out *out = pla__calloc(ctx, 1, sizeof *out);
    *pout = NULL;
    pla__h5_quiet_begin(&quiet);
    PLA_CHECK(ctx, out != NULL, PLA_ERR_MEM, "out of memory");
    out->ctx = ctx;
    out->fid = H5I_INVALID_HID;
    out->force = force;
    PLA_CHECK(ctx, file != NULL && file[0] != '\0', PLA_ERR_ARG, "no output file named");
    PLA_CHECK(ctx, strlen(file) < sizeof out->file, PLA_ERR_ARG, "output file name %.60s... is too long", file);
    PLA_CHECK(ctx, normalize_group(group, out->group, sizeof out->group), PLA_ERR_ARG,
              "output group name %.60s... is too long", group);
    snprintf(out->file, sizeof out->file, "%s", file);
    if (ctx->rank == 0)
        make_token(token, sizeof token);
done:
    if (pla_ctx_bcast(ctx, token, (int64_t)sizeof token, 0) != PLA_OK && err == PLA_OK)
        err = PLA_ERR_MPI;
    err = pla__agree(ctx, err);
    if (err == PLA_OK)
        err = pla__agree(ctx, check_target(out, token));
    if (err == PLA_OK && !out->is_new)
        err = check_group(out);
    if (err == PLA_OK) {
        set_target(out, NULL);
        *pout = out;
    } else if (out != NULL) {
        free_out(out);
    }
    pla__h5_quiet_end(&quiet);
    return err;
}

/* Collective.  PLA_ERR_OUTPUT if dataset `name` exists in the final group and
   may not be replaced. */
static pla_err check_clash(pla_h5_out *out, hid_t fid, const char *name)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = out->ctx;
    char path[sizeof out->group + PLA__OUT_NAME_CAP + 2];
    final_path(out, name, path, sizeof path);
    switch (pla__h5_path_kind(fid, path)) {
    case PLA__H5_MISSING: break;
    case PLA__H5_DATASET:
        PLA_CHECK(ctx, out->force, PLA_ERR_OUTPUT, "dataset %s exists in %s: use --force to overwrite", path,
                  out->file);
        break;
    case PLA__H5_GROUP:
    case PLA__H5_OTHER:
        PLA_CHECK(ctx, 0, PLA_ERR_OUTPUT, "%s in %s exists and is not a dataset: pla will not replace it", path,
                  out->file);
        break;
    }
done:
    return err;
}

pla_err pla_h5_out_reserve(pla_h5_out *out, const char *name)
{
    pla__h5_quiet quiet;
    pla_ctx *ctx = out->ctx;
    pla__h5_quiet_begin(&quiet);
    pla_err err = pla__out_check_name(out, name);
    if (err == PLA_OK && !listed(out->reserved, out->nreserved, name) &&
        !list_add(ctx, &out->reserved, &out->nreserved, name))
        err = pla__set_err(ctx, PLA_ERR_MEM, __FILE__, __LINE__, "out of memory");
    err = pla__agree(ctx, err);
    if (err == PLA_OK && !out->is_new) {
        hid_t fid = out->fid, fapl = H5I_INVALID_HID;
        if (fid < 0) {  /* not open for writing yet: look, and close again */
            fapl = pla__h5_fapl(ctx);
            fid = fapl >= 0 ? H5Fopen(out->file, H5F_ACC_RDONLY, fapl) : H5I_INVALID_HID;
            pla__h5_close(&fapl);
        }
        if (fid < 0)
            err = pla__set_err(ctx, PLA_ERR_OUTPUT, __FILE__, __LINE__, "HDF5 cannot open %s", out->file);
        else
            err = check_clash(out, fid, name);
        if (fid != out->fid)
            pla__h5_close(&fid);
        err = pla__agree(ctx, err);
    }
    if (err == PLA_OK)
        set_target(out, name);
    pla__h5_quiet_end(&quiet);
    return err;
}

static hid_t intermediate_lcpl(void)
{
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (lcpl >= 0 && H5Pset_create_intermediate_group(lcpl, 1) < 0)
        pla__h5_close(&lcpl);
    return lcpl;
}

/* Creates a group with its missing parents; the root always exists. */
static int make_group(hid_t fid, const char *group)
{
    if (strcmp(group, "/") == 0 || pla__h5_path_kind(fid, group) == PLA__H5_GROUP)
        return 0;
    hid_t lcpl = intermediate_lcpl();
    hid_t gid = lcpl >= 0 ? H5Gcreate2(fid, group, lcpl, H5P_DEFAULT, H5P_DEFAULT) : H5I_INVALID_HID;
    int rc = gid >= 0 ? 0 : -1;
    pla__h5_close(&gid);
    pla__h5_close(&lcpl);
    return rc;
}

pla_err pla__out_ensure_open(pla_h5_out *out)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = out->ctx;
    char why[200];
    if (out->fid >= 0)
        return PLA_OK;
    hid_t fapl = pla__h5_fapl(ctx);
    PLA_CHECK(ctx, fapl >= 0, PLA_ERR_LIB, "HDF5 cannot make a file access list");
    if (out->is_new) {
        out->fid = H5Fcreate(out->tmp, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
        pla__h5_error_text(why, sizeof why);
        PLA_CHECK(ctx, out->fid >= 0, PLA_ERR_OUTPUT, "cannot create %s: %s", out->tmp, why);
        PLA_CHECK(ctx, make_group(out->fid, out->group) == 0, PLA_ERR_OUTPUT, "cannot create group %s in %s",
                  out->group, out->tmp);
    } else {
        out->fid = H5Fopen(out->file, H5F_ACC_RDWR, fapl);
        pla__h5_error_text(why, sizeof why);
        PLA_CHECK(ctx, out->fid >= 0, PLA_ERR_OUTPUT, "cannot open %s for writing: %s", out->file, why);
        hid_t gid = H5Gcreate2(out->fid, out->staging, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        out->staged = gid >= 0;
        pla__h5_close(&gid);
        PLA_CHECK(ctx, out->staged, PLA_ERR_OUTPUT, "cannot create the staging group %s in %s", out->staging,
                  out->file);
    }
done:
    pla__h5_close(&fapl);
    err = pla__agree(ctx, err);
    if (err != PLA_OK) {  /* leave nothing half-open: the next call starts over */
        if (out->staged && out->fid >= 0)
            H5Ldelete(out->fid, out->staging, H5P_DEFAULT);
        out->staged = 0;
        pla__h5_close(&out->fid);
        if (out->is_new && ctx->rank == 0)
            unlink(out->tmp);
    }
    return err;
}

pla_err pla__out_create_dataset(pla_h5_out *out, const char *name, int ndims, const int64_t *dims, pla_dtype dt,
                                hid_t *dset)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = out->ctx;
    char path[sizeof out->staging + PLA__OUT_NAME_CAP + sizeof out->group], why[200];
    hsize_t hd[2] = { 0, 0 };
    for (int i = 0; i < ndims && i < 2; ++i)
        hd[i] = (hsize_t)dims[i];
    pla__out_staged_path(out, name, path, sizeof path);
    hid_t space = ndims == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(ndims, hd, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl >= 0)
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);  /* every element is written */
    *dset = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0)
        *dset = H5Dcreate2(out->fid, path,
                           dt == PLA_F32 ? H5T_IEEE_F32LE : dt == PLA__H5_I64 ? H5T_STD_I64LE : H5T_IEEE_F64LE, space,
                           H5P_DEFAULT, dcpl, H5P_DEFAULT);
    pla__h5_error_text(why, sizeof why);
    pla__h5_close(&space);
    pla__h5_close(&dcpl);
    PLA_CHECK(ctx, *dset >= 0, PLA_ERR_OUTPUT, "cannot create dataset %s in %s: %s", name, out->file, why);
done:
    err = pla__agree(ctx, err);
    if (err != PLA_OK)
        pla__h5_close(dset);
    return err;
}

/* ---- attributes of the output group, kept until commit ------------------- */

static pla_err add_attr(pla_h5_out *out, const char *name, pla__attr_kind kind, double f, int64_t i, const char *s)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = out->ctx;
    pla__out_attr *a = NULL;
    PLA_CHECK(ctx, name != NULL && name[0] != '\0' && strlen(name) < PLA__OUT_NAME_CAP, PLA_ERR_ARG,
              "bad attribute name");
    PLA_CHECK(ctx, kind != PLA__ATTR_STR || s != NULL, PLA_ERR_ARG, "attribute %s has no value", name);
    for (int k = 0; k < out->nattrs && a == NULL; ++k)
        if (strcmp(out->attrs[k].name, name) == 0)
            a = &out->attrs[k];
    if (a == NULL) {
        pla__out_attr *grown = realloc(out->attrs, (size_t)(out->nattrs + 1) * sizeof *grown);
        PLA_CHECK(ctx, grown != NULL, PLA_ERR_MEM, "out of memory");
        out->attrs = grown;
        a = &grown[out->nattrs++];
        memset(a, 0, sizeof *a);
        snprintf(a->name, sizeof a->name, "%s", name);
    }
    free(a->str);
    a->str = NULL;
    a->kind = kind;
    a->f64 = f;
    a->i64 = i;
    if (kind == PLA__ATTR_STR) {
        a->str = pla__malloc(ctx, strlen(s) + 1);
        PLA_CHECK(ctx, a->str != NULL, PLA_ERR_MEM, "out of memory");
        memcpy(a->str, s, strlen(s) + 1);
    }
done:
    return pla__agree(ctx, err);
}

pla_err pla_h5_out_attr_str(pla_h5_out *out, const char *name, const char *value)
{
    return add_attr(out, name, PLA__ATTR_STR, 0.0, 0, value);
}

pla_err pla_h5_out_attr_f64(pla_h5_out *out, const char *name, double value)
{
    return add_attr(out, name, PLA__ATTR_F64, value, 0, NULL);
}

pla_err pla_h5_out_attr_i64(pla_h5_out *out, const char *name, int64_t value)
{
    return add_attr(out, name, PLA__ATTR_I64, 0.0, value, NULL);
}

static int write_attr(hid_t gid, const pla__out_attr *a)
{
    hid_t space = H5Screate(H5S_SCALAR), ftype = H5I_INVALID_HID, attr = H5I_INVALID_HID;
    hid_t mtype = a->kind == PLA__ATTR_F64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64;
    const void *buf = a->kind == PLA__ATTR_F64 ? (const void *)&a->f64 : (const void *)&a->i64;
    int rc = -1;
    if (a->kind == PLA__ATTR_STR) {  /* variable-length UTF-8: h5py reads it as str */
        ftype = H5Tcopy(H5T_C_S1);
        if (ftype >= 0 && (H5Tset_size(ftype, H5T_VARIABLE) < 0 || H5Tset_cset(ftype, H5T_CSET_UTF8) < 0))
            pla__h5_close(&ftype);
        mtype = ftype;
        buf = &a->str;
    } else {
        ftype = H5Tcopy(a->kind == PLA__ATTR_F64 ? H5T_IEEE_F64LE : H5T_STD_I64LE);
    }
    if (H5Aexists(gid, a->name) > 0)
        H5Adelete(gid, a->name);
    if (space >= 0 && ftype >= 0)
        attr = H5Acreate2(gid, a->name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr >= 0 && H5Awrite(attr, mtype, buf) >= 0)
        rc = 0;
    pla__h5_close(&attr);
    pla__h5_close(&ftype);
    pla__h5_close(&space);
    return rc;
}

/* ---- commit and abort ------------------------------------------------------ */

/* Removes whatever was staged; failures are ignored (this is the error path). */
static void discard(pla_h5_out *out)
{
    if (out->fid >= 0) {
        if (out->staged && H5Lexists(out->fid, out->staging, H5P_DEFAULT) > 0)
            H5Ldelete(out->fid, out->staging, H5P_DEFAULT);
        pla__h5_close(&out->fid);
    }
    if (out->is_new && out->ctx->rank == 0)
        unlink(out->tmp);
}

/* Collective.  Moves the staged datasets of an existing file into the
   output group, replacing same-named datasets only with force. */
static pla_err move_staged(pla_h5_out *out)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = out->ctx;
    char src[sizeof out->staging + PLA__OUT_NAME_CAP + 1], dst[sizeof out->group + PLA__OUT_NAME_CAP + 2];
    hid_t lcpl = H5I_INVALID_HID;
    for (int i = 0; i < out->nwritten && err == PLA_OK; ++i)  /* all checks before the first change */
        err = check_clash(out, out->fid, out->written[i]);
    err = pla__agree(ctx, err);
    if (err != PLA_OK)
        return err;
    lcpl = intermediate_lcpl();
    for (int i = 0; i < out->nwritten && err == PLA_OK; ++i) {
        pla__out_staged_path(out, out->written[i], src, sizeof src);
        final_path(out, out->written[i], dst, sizeof dst);
        if (pla__h5_path_kind(out->fid, dst) == PLA__H5_DATASET)
            PLA_CHECK(ctx, H5Ldelete(out->fid, dst, H5P_DEFAULT) >= 0, PLA_ERR_OUTPUT,
                      "cannot replace dataset %s in %s", dst, out->file);
        PLA_CHECK(ctx, lcpl >= 0 && H5Lmove(out->fid, src, out->fid, dst, lcpl, H5P_DEFAULT) >= 0, PLA_ERR_OUTPUT,
                  "cannot move dataset %s into place in %s", dst, out->file);
    }
done:
    pla__h5_close(&lcpl);
    return pla__agree(ctx, err);
}

static pla_err write_attrs(pla_h5_out *out)
{
    pla_err err = PLA_OK;
    pla_ctx *ctx = out->ctx;
    hid_t gid = H5I_INVALID_HID;
    PLA_CHECK(ctx, make_group(out->fid, out->group) == 0, PLA_ERR_OUTPUT, "cannot create group %s in %s",
              out->group, out->file);
    gid = H5Gopen2(out->fid, out->group, H5P_DEFAULT);
    PLA_CHECK(ctx, gid >= 0, PLA_ERR_OUTPUT, "cannot open group %s in %s", out->group, out->file);
    for (int i = 0; i < out->nattrs; ++i)
        PLA_CHECK(ctx, write_attr(gid, &out->attrs[i]) == 0, PLA_ERR_OUTPUT,
                  "cannot write attribute %s of %s in %s", out->attrs[i].name, out->group, out->file);
done:
    pla__h5_close(&gid);
    return pla__agree(ctx, err);
}

pla_err pla_h5_out_commit(pla_h5_out **pout)
{
    pla_h5_out *out = pout ? *pout : NULL;
    pla__h5_quiet quiet;
    if (out == NULL)
        return PLA_ERR_ARG;
    pla_ctx *ctx = out->ctx;
    pla__h5_quiet_begin(&quiet);
    pla_err err = pla__out_ensure_open(out);
    if (err == PLA_OK && !out->is_new)
        err = move_staged(out);
    if (err == PLA_OK)
        err = write_attrs(out);
    if (err == PLA_OK && !out->is_new && H5Ldelete(out->fid, out->staging, H5P_DEFAULT) >= 0)
        out->staged = 0;
    if (err == PLA_OK) {
        herr_t rc = H5Fclose(out->fid);  /* collective: flushes everything */
        out->fid = H5I_INVALID_HID;
        if (rc < 0)
            pla__set_err(ctx, PLA_ERR_OUTPUT, __FILE__, __LINE__, "cannot finish writing %s",
                         out->is_new ? out->tmp : out->file);
        err = pla__agree(ctx, rc < 0 ? PLA_ERR_OUTPUT : PLA_OK);
    }
    if (err == PLA_OK && out->is_new) {
        pla_err mine = PLA_OK;
        if (ctx->rank == 0 && rename(out->tmp, out->file) != 0)
            mine = pla__set_err(ctx, PLA_ERR_OUTPUT, __FILE__, __LINE__, "cannot rename %s to %s: %s", out->tmp,
                                out->file, strerror(errno));
        err = pla__agree(ctx, mine);
    }
    if (err != PLA_OK)
        discard(out);
    free_out(out);
    *pout = NULL;
    pla__h5_quiet_end(&quiet);
    return err;
}

void pla_h5_out_abort(pla_h5_out **pout)
{
    pla_h5_out *out = pout ? *pout : NULL;
    pla__h5_quiet quiet;
    if (out == NULL)
        return;
    pla__h5_quiet_begin(&quiet);
    discard(out);
    free_out(out);
    *pout = NULL;
    pla__h5_quiet_end(&quiet);
}

const char *pla_h5_out_target(const pla_h5_out *out)
{
    return out ? out->target : "";
}
