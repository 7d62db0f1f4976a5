# Symmetric eigensolver benchmark (included by bench/CMakeLists.txt): eig_raw
# (MPI build) drives ScaLAPACK's pdsyevd / pdsyevr by hand on a matrix read
# with pla's HDF5 reader.  bench/eig_run.py runs it interleaved with
# `pla eig` and the numpy / scipy peers of bench/eig_peers.py (bench/README.md).
if(PLA_WITH_MPI)
  add_executable(eig_raw ${CMAKE_CURRENT_SOURCE_DIR}/eig_raw.c)
  target_link_libraries(eig_raw PRIVATE pla MPI::MPI_C PkgConfig::SCALAPACK PkgConfig::OPENBLAS OpenMP::OpenMP_C m)
  target_compile_definitions(eig_raw PRIVATE _POSIX_C_SOURCE=200809L)
  target_compile_options(eig_raw PRIVATE ${PLA_WARNINGS})
endif()
