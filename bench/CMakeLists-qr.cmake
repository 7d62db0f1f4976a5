# QR, TSQR and least-squares benchmarks (included by bench/CMakeLists.txt):
# qr_lstsq_lib times pla_qr / pla_lstsq through the public API (both builds);
# raw_pdgels (MPI build) drives ScaLAPACK's pdgels / pdgeqrf / pdorgqr by
# hand.  bench/lstsq_run.py runs them interleaved with the numpy, scipy and
# Dask peers of bench/lstsq_peers.py (docs/qr.md, bench/RESULTS.md).
add_executable(qr_lstsq_lib ${CMAKE_CURRENT_SOURCE_DIR}/qr_lstsq_lib.c)
target_link_libraries(qr_lstsq_lib PRIVATE pla m)
set(_pla_qr_benches qr_lstsq_lib)
if(PLA_WITH_MPI)
  add_executable(raw_pdgels ${CMAKE_CURRENT_SOURCE_DIR}/raw_pdgels.c)
  target_link_libraries(raw_pdgels PRIVATE MPI::MPI_C PkgConfig::SCALAPACK PkgConfig::OPENBLAS OpenMP::OpenMP_C m)
  list(APPEND _pla_qr_benches raw_pdgels)
endif()
# which LAPACK kernel factors a TSQR leaf (no pla, no MPI): the measurement
# behind src/solvers/tsqr_leaf.c's choice of ?latsqr
add_executable(local_qr_kernels ${CMAKE_CURRENT_SOURCE_DIR}/local_qr_kernels.c)
target_link_libraries(local_qr_kernels PRIVATE PkgConfig::OPENBLAS OpenMP::OpenMP_C m)
list(APPEND _pla_qr_benches local_qr_kernels)
foreach(t IN LISTS _pla_qr_benches)
  target_compile_definitions(${t} PRIVATE _POSIX_C_SOURCE=200809L)
  target_compile_options(${t} PRIVATE ${PLA_WARNINGS})
endforeach()
