#pragma once
#include "pla/config.h"

/* Versions of pla and of the libraries it runs on, for `pla --version` and
   the --json summaries.  Not collective; strings are static. */
const char *pla_version_string(void);    /* "0.1.0" */
const char *pla_build_kind(void);        /* "MPI" or "single-process" */
const char *pla_mpi_version(void);       /* MPI library version line, or "none" */
const char *pla_scalapack_version(void); /* e.g. "ScaLAPACK 2.2.1", or "none" */
const char *pla_blas_version(void);      /* BLAS configuration, e.g. "OpenBLAS 0.3.21 ... OpenMP" */
const char *pla_blas_corename(void);     /* the BLAS kernel set in use, e.g. "Haswell" */
