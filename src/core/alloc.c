/* Allocation for matrices and workspaces.  Large blocks are 2 MiB aligned
   and marked for transparent huge pages: on virtual machines a first touch
   of 4 KiB pages can cost more than the arithmetic on them (400 MiB: 1.3 s
   against 0.04 s with huge pages on the benchmark machine, bench/RESULTS.md).
   Every block is released with free(). */
#define _DEFAULT_SOURCE 1 /* madvise and MADV_HUGEPAGE */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#include "internal/core.h"

enum { HUGE_PAGE = 2 << 20, HUGE_FROM = 8 << 20 };

/* PLA_HUGE_PAGES=0 in the environment turns the hint off. */
static int huge_pages_wanted(void)
{
    static int wanted = -1;  /* read once; a benign race: every thread computes the same value */
    if (wanted < 0) {
        const char *v = getenv("PLA_HUGE_PAGES");
        wanted = !(v != NULL && strcmp(v, "0") == 0);
    }
    return wanted;
}

static void *alloc_bytes(size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= HUGE_FROM && huge_pages_wanted()) {
        size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
        void *p = aligned_alloc(HUGE_PAGE, rounded);
        if (p != NULL)
            (void)madvise(p, rounded, MADV_HUGEPAGE);  /* a hint: refusal only costs speed */
        return p;
    }
#endif
    return malloc(bytes ? bytes : 1);
}

void *pla__malloc(pla_ctx *ctx, size_t bytes)
{
    if (ctx && ctx->fail_alloc_rank == ctx->rank)
        return NULL;
    return alloc_bytes(bytes);
}

void *pla__calloc(pla_ctx *ctx, size_t count, size_t size)
{
    if (ctx && ctx->fail_alloc_rank == ctx->rank)
        return NULL;
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    const size_t bytes = count * size;
    if (bytes < HUGE_FROM || !huge_pages_wanted())
        return calloc(count ? count : 1, size ? size : 1);
    void *p = alloc_bytes(bytes);
    if (p != NULL)
        memset(p, 0, bytes);
    return p;
}
