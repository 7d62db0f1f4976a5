/* Memory plans: per-rank estimates, the check against what a rank may use,
   and their report. */
#include <stdio.h>
#include <string.h>
#include "memory_plan.h"

/* Rows (or columns) of an n-long dimension in blocks of nb on process iproc of nprocs. */
static int64_t local_extent(int64_t n, int64_t nb, int iproc, int nprocs)
{
    int64_t nblocks = n / nb, count = (nblocks / nprocs) * nb, extra = nblocks % nprocs;
    if (iproc < extra)
        count += nb;
    else if (iproc == extra)
        count += n % nb;
    return count;
}

double cli_mem_local(int64_t m, int64_t n, int64_t mb, int64_t nb, int nprow, int npcol, int es)
{
    return (double)local_extent(m, mb > 0 ? mb : 1, 0, nprow) * (double)local_extent(n, nb > 0 ? nb : 1, 0, npcol) *
           es;
}

void cli_mem_add(cli_mem_plan *p, const char *name, double bytes)
{
    if (p->nparts < CLI_MEM_MAX_PARTS) {
        p->name[p->nparts] = name;
        p->bytes[p->nparts++] = bytes;
    }
    p->total += bytes;
}

void cli_mem_add_io(cli_mem_plan *p)
{
    double largest = 0.0;
    for (int i = 0; i < p->nparts; ++i)
        largest = p->bytes[i] > largest ? p->bytes[i] : largest;
    cli_mem_add(p, "I/O", 2.0 * largest < CLI_MEM_IO_BYTES ? 2.0 * largest : CLI_MEM_IO_BYTES);
}

void cli_size_text(char *buf, size_t cap, double bytes)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        ++u;
    }
    snprintf(buf, cap, u == 0 ? "%.0f %s" : "%.1f %s", bytes, unit[u]);
}

/* "A 1.0 GiB, B 2.0 GiB, ..." */
static void parts_text(char *buf, size_t cap, const cli_mem_plan *p)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < p->nparts && used < cap; ++i) {
        char size[32];
        cli_size_text(size, sizeof size, p->bytes[i]);
        used += (size_t)snprintf(buf + used, cap - used, "%s%s %s", i ? ", " : "", p->name[i], size);
    }
}

pla_err cli_mem_check(pla_ctx *ctx, const cli_mem_plan *p, double *avail)
{
    pla_err err = pla_ctx_memory_per_rank(ctx, avail);
    if (err != PLA_OK || *avail <= 0.0 || p->total <= *avail)
        return err;
    char need[32], have[32], parts[512];
    cli_size_text(need, sizeof need, p->total);
    cli_size_text(have, sizeof have, *avail);
    parts_text(parts, sizeof parts, p);
    /* every rank computed the same plan and the same minimum: no agreement needed */
    return pla_ctx_fail(ctx, PLA_ERR_MEM,
                        "pla %s needs about %s per rank (%s) but %s is available per rank; use more ranks or "
                        "nodes, or --dtype float32 (see pla info --for %s)",
                        p->command, need, parts, have, p->command);
}

void cli_mem_report(cli_report *rep, const cli_mem_plan *p, double avail)
{
    cJSON *mem = cJSON_AddObjectToObject(report_json(rep), "memory");
    cJSON_AddStringToObject(mem, "for", p->command);
    cJSON *per = cJSON_AddObjectToObject(mem, "per_rank_bytes");
    for (int i = 0; i < p->nparts; ++i)
        cJSON_AddNumberToObject(per, p->name[i], p->bytes[i]);
    cJSON_AddNumberToObject(per, "total", p->total);
    cJSON_AddNumberToObject(mem, "available_per_rank_bytes", avail);
    cJSON_AddBoolToObject(mem, "fits", avail <= 0.0 || p->total <= avail);

    char parts[512], total[32], have[32];
    parts_text(parts, sizeof parts, p);
    cli_size_text(total, sizeof total, p->total);
    cli_size_text(have, sizeof have, avail);
    report_text(rep, 0, "  memory per rank (largest part): %s; total %s", parts, total);
    if (avail > 0.0)
        report_text(rep, 0, "  available per rank: %s: %s", have,
                    p->total <= avail ? "fits" : "does not fit (the command would stop with exit code 4)");
    else
        report_text(rep, 0, "  available per rank: unknown (no check is made)");
}
