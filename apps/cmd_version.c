/* pla version / pla --version: pla and the libraries it runs on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "report.h"

static const char version_help[] =
    "usage: pla --version [--json]\n"
    "       pla version [--json]\n\n"
    "Prints the pla version, whether this is the MPI or the single-process build,\n"
    "and the MPI, ScaLAPACK, HDF5 and BLAS libraries in use, with the BLAS kernel\n"
    "set (OpenBLAS core) that runs.  OPENBLAS_CORETYPE, when set, forces a kernel\n"
    "set that may be slower than what OpenBLAS would detect: it is shown.  The\n"
    "layout line gives the ranks (per node), the threads per rank (OMP_NUM_THREADS,\n"
    "else 1: what --threads defaults to), the CPUs of a node and the binding.\n\n"
    "Options:\n"
    "      --json   print the same as one JSON object\n"
    "  -h, --help   print this help\n";

int cmd_version(int argc, char **argv)
{
    cli_report rep;
    report_init(&rep, "version", argc, argv);
    if (cli_wants_help(argc, argv, 2)) {
        report_help(&rep, version_help, 0);
        report_free(&rep);
        return 0;
    }
    for (int i = 2; i < argc; ++i) {
        if (strcmp(argv[i], "--json") != 0) {
            char text[512];
            snprintf(text, sizeof text, "unknown option '%s' for pla version", argv[i]);
            return report_finish(&rep, PLA_ERR_ARG, text, "pla version --help");
        }
    }
    const char *coretype = getenv("OPENBLAS_CORETYPE");
    cJSON *root = report_json(&rep);
    cJSON_AddStringToObject(root, "mpi", pla_mpi_version());
    cJSON_AddStringToObject(root, "scalapack", pla_scalapack_version());
    cJSON_AddStringToObject(root, "hdf5", pla_h5_version());
    cJSON *blas = cJSON_GetObjectItemCaseSensitive(root, "blas");
    if (coretype)
        cJSON_AddStringToObject(blas, "openblas_coretype", coretype);
    /* the layout: a context over every rank, as the commands make one */
    pla_ctx_opts o = PLA_CTX_OPTS_DEFAULT;
    pla_ctx *ctx = NULL;
    pla_layout l;
    o.nthreads = cli_default_threads();
    pla_err err = pla_ctx_create(&o, &ctx);
    if (err == PLA_OK)
        err = report_layout(&rep, ctx, &l);
    if (err != PLA_OK) {
        int code = report_finish(&rep, err, ctx ? pla_ctx_errmsg(ctx) : "cannot create a context", NULL);
        if (pla_ctx_destroy(&ctx) != PLA_OK && code == 0)
            code = 1;
        return code;
    }
    if (rep.rank == 0 && !rep.json) {
        printf("pla %s (%s build)\n", pla_version_string(), pla_build_kind());
        printf("  MPI        %s\n", pla_mpi_version());
        printf("  ScaLAPACK  %s\n", pla_scalapack_version());
        printf("  HDF5       %s\n", pla_h5_version());
        printf("  BLAS       %s\n", pla_blas_version());
        printf("  BLAS core  %s", pla_blas_corename());
        if (coretype)
            printf(" (forced by OPENBLAS_CORETYPE=%s; unset it to let OpenBLAS pick the"
                   " kernels for this CPU)", coretype);
        printf("\n");
        printf("  Layout     %d rank%s (%d node%s, at most %d per node) x %d thread%s; %d CPU%s per node; %s "
               "(rank 0 on CPU%s %s)\n", l.ranks, l.ranks == 1 ? "" : "s", l.nodes, l.nodes == 1 ? "" : "s",
               l.ranks_per_node, l.threads, l.threads == 1 ? "" : "s", l.cpus_per_node,
               l.cpus_per_node == 1 ? "" : "s", l.bound ? "bound" : "not bound", l.cpus_rank0 == 1 ? "" : "s",
               l.cpus_text);
    }
    int code = report_finish(&rep, PLA_OK, NULL, NULL);
    if (pla_ctx_destroy(&ctx) != PLA_OK && code == 0)
        code = 1;
    return code;
}
