/* Versions of pla and the libraries under it, for --version and --json. */
#include <stdio.h>
#include <string.h>
#include "pla/version.h"
#include "backend/fortran.h"
#if PLA_HAVE_MPI
#include <mpi.h>
#endif
#if PLA_HAVE_ELPA
#include <elpa/elpa_version.h>
#endif
#define PLA_STRINGIFY_(x) #x
#define PLA_STRINGIFY(x) PLA_STRINGIFY_(x)

const char *pla_version_string(void) { return PLA_VERSION; }
const char *pla_build_kind(void) { return PLA_HAVE_MPI ? "MPI" : "single-process"; }

const char *pla_mpi_version(void)
{
#if PLA_HAVE_MPI
    static char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(text, &len);
    text[strcspn(text, ",\n")] = '\0';  /* first clause only: "Open MPI v4.1.4" */
    return text;
#else
    return "none";
#endif
}

/* With ELPA, whether this build has it: "ScaLAPACK 2.2.1, ELPA 2022.11.001
   (API 20221109)" or "ScaLAPACK 2.2.1, no ELPA". */
const char *pla_scalapack_version(void)
{
#if PLA_HAVE_MPI && PLA_HAVE_ELPA
    return "ScaLAPACK " PLA_SCALAPACK_VERSION ", ELPA " PLA_ELPA_VERSION " (API " PLA_STRINGIFY(ELPA_API_VERSION) ")";
#elif PLA_HAVE_MPI
    return "ScaLAPACK " PLA_SCALAPACK_VERSION ", no ELPA";
#else
    return "none";
#endif
}

const char *pla_blas_version(void)
{
    static char text[256];
    const char *cfg = openblas_get_config();
    snprintf(text, sizeof text, "%s", cfg ? cfg : "unknown BLAS");
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == ' ')  /* OpenBLAS pads its config string */
        text[--n] = '\0';
    return text;
}

const char *pla_blas_corename(void)
{
    const char *core = openblas_get_corename();
    return core ? core : "unknown";
}
