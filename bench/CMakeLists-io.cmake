# HDF5 I/O benchmark (included by bench/CMakeLists.txt): io_read times
# pla_h5_read (and the write back) per transfer strategy; bench/io_run.py
# runs it interleaved with the h5py reference bench/io_h5py.py (docs/io.md).
add_executable(io_read ${CMAKE_CURRENT_SOURCE_DIR}/io_read.c)
target_compile_definitions(io_read PRIVATE _POSIX_C_SOURCE=200809L)
target_compile_options(io_read PRIVATE ${PLA_WARNINGS})
target_include_directories(io_read PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(io_read PRIVATE pla)
