# SVD benchmark (included by bench/CMakeLists.txt): svd_raw (MPI build)
# drives ScaLAPACK's pdgesvd by hand on a matrix read with pla's HDF5 reader.
# bench/svd_run.py runs it interleaved with `pla svd` and the numpy /
# scikit-learn / Dask peers of bench/svd_peers.py (bench/README.md).
if(PLA_WITH_MPI)
  add_executable(svd_raw ${CMAKE_CURRENT_SOURCE_DIR}/svd_raw.c)
  target_link_libraries(svd_raw PRIVATE pla MPI::MPI_C PkgConfig::SCALAPACK PkgConfig::OPENBLAS OpenMP::OpenMP_C m)
  target_compile_definitions(svd_raw PRIVATE _POSIX_C_SOURCE=200809L)
  target_compile_options(svd_raw PRIVATE ${PLA_WARNINGS})
endif()
