#pragma once
/* The output target behind pla_h5_out: where datasets are staged until
   commit, and what commit must do.  Private to src/io. */
#include "io/h5util.h"

#define PLA__OUT_NAME_CAP 256

typedef enum { PLA__ATTR_STR, PLA__ATTR_F64, PLA__ATTR_I64 } pla__attr_kind;

typedef struct {
    char name[PLA__OUT_NAME_CAP];
    pla__attr_kind kind;
    double f64;
    int64_t i64;
    char *str;
} pla__out_attr;

struct pla_h5_out {
    pla_ctx *ctx;
    char file[1024];     /* the final file name */
    char group[512];     /* "/" or "/a/b", no trailing slash */
    int force;
    int is_new;          /* the file did not exist: write tmp, rename on commit */
    char tmp[1200];      /* the temporary file (new file) */
    char staging[64];    /* the hidden staging group (existing file), "/.pla-staging-..." */
    hid_t fid;           /* open for writing since the first write; invalid before */
    int staged;          /* the staging group exists */
    char (*written)[PLA__OUT_NAME_CAP];
    int nwritten;
    char (*reserved)[PLA__OUT_NAME_CAP];
    int nreserved;
    pla__out_attr *attrs;
    int nattrs;
    char target[1800];
};

/* Local.  Checks an output dataset name (a plain name: no '/'), and that it
   has not been written yet; PLA_ERR_ARG otherwise. */
pla_err pla__out_check_name(pla_h5_out *out, const char *name);
/* Collective.  Opens the target for writing if that has not happened yet:
   creates the temporary file, or opens the existing file and creates the
   staging group. */
pla_err pla__out_ensure_open(pla_h5_out *out);
/* Where dataset `name` is written before commit (group or staging group). */
void pla__out_staged_path(const pla_h5_out *out, const char *name, char *path, size_t cap);
/* Local.  Records a written dataset (after a successful write). */
pla_err pla__out_note_written(pla_h5_out *out, const char *name);
/* Collective.  Creates dataset `name` of file type dt and the given shape
   (ndims 0: a scalar) at its staged path.  Every rank must call. */
/* The file element type of integer outputs (indices, counts), beside PLA_F32 and PLA_F64. */
#define PLA__H5_I64 ((pla_dtype)299)

pla_err pla__out_create_dataset(pla_h5_out *out, const char *name, int ndims, const int64_t *dims, pla_dtype dt,
                                hid_t *dset);
