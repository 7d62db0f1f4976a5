/* Dataset names on the command line ("FILE:/PATH") and the HDF5 version. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "io/h5util.h"

static int copy_part(char *dst, size_t cap, const char *src, size_t len)
{
    if (dst == NULL || len >= cap)
        return 0;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 1;
}

pla_err pla_h5_split_name(const char *spec, char *file, size_t file_cap, char *path, size_t path_cap)
{
    if (spec == NULL)
        return PLA_ERR_ARG;
    /* The last ':' separates the dataset path, unless the whole spec names an
       existing file (a file name with a colon in it). */
    const char *colon = strrchr(spec, ':');
    struct stat st;
    if (colon != NULL && stat(spec, &st) == 0)
        colon = NULL;
    size_t flen = colon ? (size_t)(colon - spec) : strlen(spec);
    const char *p = colon ? colon + 1 : "";
    if (flen == 0)
        return PLA_ERR_ARG;
    if (!copy_part(file, file_cap, spec, flen))
        return PLA_ERR_ARG;
    if (p[0] != '\0' && p[0] != '/') {  /* "data.h5:X" means "data.h5:/X" */
        if (path == NULL || path_cap < 2)
            return PLA_ERR_ARG;
        path[0] = '/';
        return copy_part(path + 1, path_cap - 1, p, strlen(p)) ? PLA_OK : PLA_ERR_ARG;
    }
    return copy_part(path, path_cap, p, strlen(p)) ? PLA_OK : PLA_ERR_ARG;
}

const char *pla_h5_version(void)
{
    static char text[64];
    unsigned major = 0, minor = 0, release = 0;
    H5get_libversion(&major, &minor, &release);
#ifdef H5_HAVE_PARALLEL
    const char *kind = "parallel";
#else
    const char *kind = "serial";
#endif
    snprintf(text, sizeof text, "HDF5 %u.%u.%u (%s)", major, minor, release, kind);
    return text;
}
