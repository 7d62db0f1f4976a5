/* pla: the command line.  Starts MPI (if built with it), picks the
   subcommand and returns its exit status (DESIGN.md 1.3) on every rank. */
#include <stdio.h>
#include <string.h>
#include "pla.h"
#include "commands.h"
#include "report.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    { "gemm", cmd_gemm, "C := alpha op(A) op(B) + beta C on HDF5 datasets" },
    { "qr", cmd_qr, "QR factorization: R and the economic Q (Householder or TSQR)" },
    { "lstsq", cmd_lstsq, "least squares, ridge, intercept: min ||A X - B|| (+ L ||X||^2)" },
    { "eig", cmd_eig, "symmetric eigenvalues and eigenvectors (all, a subset, or of A x = w B x)" },
    { "svd", cmd_svd, "singular value decomposition: all triplets, or the k largest (full, block Krylov, randomized)" },
    { "pca", cmd_pca, "principal component analysis with scikit-learn's conventions; transform with a fitted model" },
    { "plot", cmd_plot, "SVG pictures of a pla pca output: scree plot, or the scores of two components" },
    { "gen", cmd_gen, "generate a random matrix into an HDF5 file, in parallel" },
    { "info", cmd_info, "describe datasets; memory per rank a command would need" },
    { "version", cmd_version, "versions of pla and the libraries it runs on" },
};
static const int ncommands = (int)(sizeof commands / sizeof commands[0]);

static void print_usage(void)
{
    printf("usage: [mpirun -n P] pla COMMAND [OPTIONS]\n"
           "       pla --version | pla --help | pla COMMAND --help\n\n"
           "Distributed dense linear algebra on HDF5 datasets (FILE:/PATH names a dataset).\n\n"
           "Commands:\n");
    for (int i = 0; i < ncommands; ++i)
        printf("  %-8s %s\n", commands[i].name, commands[i].summary);
    printf("\nExit status: 0 success, 1 numerical failure, 2 usage error, 3 input data error,\n"
           "4 resource error, 5 output error.  See docs/cli.md.\n");
}

static const command *find_command(const char *name)
{
    for (int i = 0; i < ncommands; ++i)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Usage errors before any subcommand runs: reported like every other error. */
static int top_level_error(int argc, char **argv, const char *fmt, const char *arg)
{
    cli_report rep;
    char text[512];
    snprintf(text, sizeof text, fmt, arg);
    report_init(&rep, "pla", argc, argv);
    return report_finish(&rep, PLA_ERR_ARG, text, "pla --help");
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return top_level_error(argc, argv, "no command given%s", "");
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
        if (pla_world_rank() == 0)
            print_usage();
        return 0;
    }
    if (strcmp(first, "--version") == 0)
        return cmd_version(argc, argv);
    if (strcmp(first, "help") == 0) {  /* "pla help gemm" is "pla gemm --help" */
        const command *cmd = argc > 2 ? find_command(argv[2]) : NULL;
        if (argc > 2 && cmd == NULL)
            return top_level_error(argc, argv, "unknown command '%s'", argv[2]);
        if (cmd == NULL) {
            if (pla_world_rank() == 0)
                print_usage();
            return 0;
        }
        char *help_argv[] = { argv[0], (char *)cmd->name, (char *)"--help", NULL };
        return cmd->run(3, help_argv);
    }
    const command *cmd = find_command(first);
    if (cmd == NULL)
        return top_level_error(argc, argv, first[0] == '-' ? "unknown option '%s'" : "unknown command '%s'",
                               first);
    return cmd->run(argc, argv);
}

int main(int argc, char **argv)
{
    if (pla_init(&argc, &argv) != PLA_OK) {
        fprintf(stderr, "pla: error: could not start MPI\n");
        return 1;
    }
    int code = dispatch(argc, argv);
    pla_finalize();
    return code;
}
