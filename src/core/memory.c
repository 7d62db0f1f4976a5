/* How much memory one rank may use: the basis of the resource checks that
   refuse a job before it allocates (exit code 4) and of `pla info --for`. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal/core.h"

/* The first number after `key` in a /proc-style file, or -1. */
static double read_field(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1.0;
    char line[256];
    double value = -1.0;
    const size_t len = strlen(key);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, key, len) == 0) {
            value = strtod(line + len, NULL);
            break;
        }
    fclose(f);
    return value;
}

/* A file holding one number (a cgroup limit or usage); -1 for "max" or none. */
static double read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1.0;
    char text[64] = "";
    double value = -1.0;
    if (fgets(text, sizeof text, f) != NULL && isdigit((unsigned char)text[0]))
        value = strtod(text, NULL);
    fclose(f);
    return value;
}

/* Bytes this node can still give: MemAvailable, capped by the room left under
   the cgroup's limit (Slurm's --mem, a container's limit); -1 if unknown. */
static double node_available(void)
{
    double avail = read_field("/proc/meminfo", "MemAvailable:");
    if (avail >= 0)
        avail *= 1024.0;
    static const char *const limits[][2] = {
        { "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current" },                           /* v2 */
        { "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes" } /* v1 */
    };
    for (int i = 0; i < 2; ++i) {
        double limit = read_number(limits[i][0]), used = read_number(limits[i][1]);
        /* v1 reports "no limit" as a huge number */
        if (limit > 0 && limit < 1e18 && used >= 0) {
            double room = limit > used ? limit - used : 0.0;
            avail = avail < 0 || room < avail ? room : avail;
            break;
        }
    }
    return avail;
}

/* "512M", "4G", "1.5T", "1000000": bytes; -1 if malformed. */
static double parse_size(const char *text)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || v < 0)
        return -1.0;
    double scale = 1.0;
    switch (toupper((unsigned char)*end)) {
    case 'K': scale = 1024.0; ++end; break;
    case 'M': scale = 1048576.0; ++end; break;
    case 'G': scale = 1073741824.0; ++end; break;
    case 'T': scale = 1099511627776.0; ++end; break;
    default: break;
    }
    if (toupper((unsigned char)*end) == 'B' || toupper((unsigned char)*end) == 'I')
        ++end;
    return *end == '\0' ? v * scale : -1.0;
}

pla_err pla_ctx_memory_per_rank(pla_ctx *ctx, double *bytes)
{
    pla_err err = PLA_OK;
    double mine = -1.0;
    *bytes = 0.0;
    const char *limit = getenv("PLA_MEMORY_LIMIT");
    if (limit != NULL && limit[0] != '\0') {
        mine = parse_size(limit);
        PLA_CHECK(ctx, mine >= 0, PLA_ERR_ARG,
                  "PLA_MEMORY_LIMIT must be bytes per rank such as 512M or 4G, got '%s'", limit);
    } else {
        int on_node = 1;
#if PLA_HAVE_MPI
        MPI_Comm node = MPI_COMM_NULL;
        if (MPI_Comm_split_type(ctx->comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
            MPI_Comm_size(node, &on_node);
            MPI_Comm_free(&node);
        }
#endif
        double avail = node_available();
        mine = avail >= 0 ? avail / on_node : -1.0;
    }
done:
    err = pla__agree(ctx, err);
    /* the tightest rank decides; unknown (-1) anywhere makes the answer unknown */
    double worst[2] = { -mine, mine < 0 ? 1.0 : 0.0 };
    if (err == PLA_OK)
        err = pla__allreduce(ctx, PLA_SCOPE_ALL, worst, 2, 1);
    if (err == PLA_OK)
        *bytes = worst[1] > 0 ? 0.0 : -worst[0];
    return err;
}
