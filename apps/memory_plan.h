#pragma once
/* What a command will hold in memory per rank, estimated from the input
   shapes before anything is read or allocated: the run refuses with exit code
   4 when it cannot fit, and `pla info --for CMD` prints the same plan. */
#include "common.h"
#include "report.h"

enum { CLI_MEM_MAX_PARTS = 8 };

typedef struct {
    const char *command;  /* "gemm" */
    int nparts;
    const char *name[CLI_MEM_MAX_PARTS];
    double bytes[CLI_MEM_MAX_PARTS];
    double total;
} cli_mem_plan;

/* The I/O buffers of reading and writing: bands of at most 32 MiB each
   (src/io), and never more than the local share they carry. */
#define CLI_MEM_IO_BYTES (64.0 * 1048576.0)

/* Bytes of the largest local part (process (0, 0) holds the most) of an
   m x n matrix in mb x nb blocks on an nprow x npcol grid. */
double cli_mem_local(int64_t m, int64_t n, int64_t mb, int64_t nb, int nprow, int npcol, int es);
void cli_mem_add(cli_mem_plan *p, const char *name, double bytes);
/* Adds the part "I/O": two band buffers, each at most 32 MiB and at most the
   largest part added so far (the share a band is cut from). */
void cli_mem_add_io(cli_mem_plan *p);
/* "1.5 GiB" */
void cli_size_text(char *buf, size_t cap, double bytes);
/* Collective.  *avail := the memory a rank may use (pla_ctx_memory_per_rank;
   0 when unknown, and then nothing is refused); PLA_ERR_MEM with a one-line
   message naming the parts when the plan's total exceeds it. */
PLA_NODISCARD pla_err cli_mem_check(pla_ctx *ctx, const cli_mem_plan *p, double *avail);
/* The plan as text and as the JSON object "memory". */
void cli_mem_report(cli_report *rep, const cli_mem_plan *p, double avail);
