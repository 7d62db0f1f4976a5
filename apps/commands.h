#pragma once
/* The subcommands of `pla`: each takes the whole argv (argv[1] is the
   subcommand, its options start at argv[2]) and returns the exit status,
   the same on every rank. */

int cmd_gemm(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_qr(int argc, char **argv);
int cmd_lstsq(int argc, char **argv);
int cmd_eig(int argc, char **argv);
int cmd_svd(int argc, char **argv);
int cmd_pca(int argc, char **argv);
int cmd_plot(int argc, char **argv);
