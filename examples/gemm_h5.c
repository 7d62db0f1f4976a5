/* gemm_h5: C = A B for the datasets /A and /B of an HDF5 file, written as /C
   of a new file, with the pla C library.  The complete example of
   docs/library.md; the downstream test builds and runs it.

   usage: [mpirun -n P] gemm_h5 IN.h5 OUT.h5 */
#include <stdio.h>
#include "pla.h"

int main(int argc, char **argv)
{
    pla_ctx *ctx = NULL;
    pla_mat *A = NULL, *B = NULL, *C = NULL;
    pla_h5_out *out = NULL;
    double norm_c = 0.0;

    pla_err err = pla_init(&argc, &argv); /* MPI_Init in the MPI build */
    if (err != PLA_OK)
        return pla_err_exit_code(err);
    if (argc != 3) {
        if (pla_world_rank() == 0)
            fprintf(stderr, "usage: gemm_h5 IN.h5 OUT.h5\n");
        pla_finalize();
        return 2;
    }

    /* Every call below is collective and returns the same status on every
       rank, so all ranks take the same branch and none is left waiting. */
    err = pla_ctx_create(NULL, &ctx); /* all ranks, near-square grid */
    /* Claim the output before any work: an existing /C fails here. */
    if (err == PLA_OK) err = pla_h5_out_open(ctx, argv[2], "/", 0, &out);
    if (err == PLA_OK) err = pla_h5_out_reserve(out, "C");
    /* Each rank reads only its own blocks. */
    if (err == PLA_OK) err = pla_h5_read(ctx, argv[1], "/A", PLA_F64, 0, 0, &A);
    if (err == PLA_OK) err = pla_h5_read(ctx, argv[1], "/B", PLA_F64, 0, 0, &B);
    if (err == PLA_OK)
        err = pla_mat_create(ctx, PLA_F64, pla_mat_rows(A), pla_mat_cols(B), 0, 0, &C);
    if (err == PLA_OK) err = pla_gemm(PLA_NOTRANS, PLA_NOTRANS, 1.0, A, B, 0.0, C);
    if (err == PLA_OK) err = pla_norm(PLA_NORM_FRO, C, &norm_c);
    if (err == PLA_OK) err = pla_h5_out_write_mat(out, "C", C, PLA_F64);
    if (err == PLA_OK) err = pla_h5_out_commit(&out); /* /C appears only now */

    if (pla_world_rank() == 0) {
        if (err == PLA_OK)
            printf("gemm_h5: C (%lld x %lld) written to %s:/C, ||C||_F = %.6g\n",
                   (long long)pla_mat_rows(C), (long long)pla_mat_cols(C), argv[2], norm_c);
        else
            fprintf(stderr, "gemm_h5: error: %s\n", ctx ? pla_ctx_errmsg(ctx) : pla_err_name(err));
    }
    pla_h5_out_abort(&out); /* after a failure: discard what was staged */
    pla_mat_destroy(&C);
    pla_mat_destroy(&B);
    pla_mat_destroy(&A);
    pla_err derr = pla_ctx_destroy(&ctx); /* after its matrices */
    if (err == PLA_OK) err = derr;
    pla_finalize();
    return pla_err_exit_code(err); /* 0, or the exit codes of the pla program */
}
