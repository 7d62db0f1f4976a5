/* Process start and end, so programs need no MPI header of their own. */
#include "internal/core.h"

#if PLA_HAVE_MPI
static int pla_started_mpi = 0;  /* finalize only what we initialized */

pla_err pla_init(int *argc, char ***argv)
{
    int init = 0, provided = 0;
    MPI_Initialized(&init);
    if (init)
        return PLA_OK;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return PLA_ERR_MPI;
    pla_started_mpi = 1;
    return PLA_OK;
}

void pla_finalize(void)
{
    int fin = 0;
    MPI_Finalized(&fin);
    if (pla_started_mpi && !fin)
        MPI_Finalize();
    pla_started_mpi = 0;
}

int pla_world_rank(void)
{
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

int pla_world_size(void)
{
    int size = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}
#else
pla_err pla_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return PLA_OK;
}

void pla_finalize(void) {}
int pla_world_rank(void) { return 0; }
int pla_world_size(void) { return 1; }
#endif
