# Installation and export: the `pla` program, libpla, the public headers, a
# CMake package (find_package(pla) -> pla::pla) and a pkg-config file (pla.pc).
# Included from the top-level CMakeLists.txt after the targets pla and pla_cli.

include(CMakePackageConfigHelpers)

set(PLA_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/pla
    CACHE STRING "Where plaConfig.cmake is installed (relative to the prefix)")
set(PLA_INSTALL_PKGCONFIGDIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig
    CACHE STRING "Where pla.pc is installed (relative to the prefix)")

get_target_property(_pla_lib_type pla TYPE)
if(NOT _pla_lib_type STREQUAL "SHARED_LIBRARY")
  # HDF5, ScaLAPACK and OpenBLAS are private dependencies of the shared library;
  # a static libpla would need them in the exported package as well.
  message(WARNING "pla: libpla is a ${_pla_lib_type}; the installed CMake package and "
                  "pla.pc describe a shared library (add_library(pla SHARED ...)).")
endif()

# The installed program finds libpla relative to itself, so an install tree
# can be moved or installed with `cmake --install --prefix`.
if(NOT IS_ABSOLUTE "${CMAKE_INSTALL_BINDIR}" AND NOT IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  file(RELATIVE_PATH _pla_bin_to_lib "/prefix/${CMAKE_INSTALL_BINDIR}" "/prefix/${CMAKE_INSTALL_LIBDIR}")
  set_target_properties(pla_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${_pla_bin_to_lib}")
else()
  set_target_properties(pla_cli PROPERTIES INSTALL_RPATH "${CMAKE_INSTALL_FULL_LIBDIR}")
endif()

# ---- binaries and headers --------------------------------------------------------
install(TARGETS pla EXPORT plaTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})  # include dir: the target's INSTALL_INTERFACE
install(TARGETS pla_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/pla.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/pla/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/pla
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/pla/config.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/pla)

# ---- CMake package ---------------------------------------------------------------
if(PLA_WITH_MPI)
  set(PLA_CONFIG_WITH_MPI ON)
  set(PLA_BUILD_KIND "MPI")
else()
  set(PLA_CONFIG_WITH_MPI OFF)
  set(PLA_BUILD_KIND "single-process")
endif()
install(EXPORT plaTargets NAMESPACE pla:: FILE plaTargets.cmake
        DESTINATION ${PLA_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/plaConfig.cmake.in
    ${PROJECT_BINARY_DIR}/plaConfig.cmake
    INSTALL_DESTINATION ${PLA_INSTALL_CMAKEDIR})
# 0.x releases: only the same minor version is promised to be compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/plaConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/plaConfig.cmake ${PROJECT_BINARY_DIR}/plaConfigVersion.cmake
        DESTINATION ${PLA_INSTALL_CMAKEDIR})

# ---- pkg-config ------------------------------------------------------------------
# The prefix is found from the .pc file's own place (${pcfiledir}), so the file
# stays right under `cmake --install --prefix` and when the tree is moved.
if(IS_ABSOLUTE "${PLA_INSTALL_PKGCONFIGDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}"
   OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(PLA_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(PLA_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(PLA_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH _pla_pc_up "/prefix/${PLA_INSTALL_PKGCONFIGDIR}" "/prefix")
  string(REGEX REPLACE "/$" "" _pla_pc_up "${_pla_pc_up}")
  set(PLA_PC_PREFIX "\${pcfiledir}/${_pla_pc_up}")
  set(PLA_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(PLA_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()

set(PLA_PC_REQUIRES "")
set(PLA_PC_MPI_CFLAGS "")
set(PLA_PC_MPI_LIBS "")
if(PLA_WITH_MPI)
  set(PLA_PC_REQUIRES_PRIVATE "scalapack-openmpi hdf5-openmpi openblas")
  # The public headers include mpi.h: name the pkg-config module of the MPI
  # that CMake found, or else write its flags out.
  set(_pla_mpi_h_defines "")
  if(MPI_C_HEADER_DIR AND EXISTS "${MPI_C_HEADER_DIR}/mpi.h")
    file(STRINGS "${MPI_C_HEADER_DIR}/mpi.h" _pla_mpi_h_defines
         REGEX "^#define (OPEN_MPI|MPICH_VERSION) ")
  endif()
  if(_pla_mpi_h_defines MATCHES "OPEN_MPI")
    set(_pla_mpi_pc_candidates ompi-c)
  elseif(_pla_mpi_h_defines MATCHES "MPICH_VERSION")
    set(_pla_mpi_pc_candidates mpich)
  else()
    set(_pla_mpi_pc_candidates mpi-c)
  endif()
  # (asked directly, not through pkg_search_module, whose cached answer would
  # outlive a change of MPI)
  execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} --exists ${_pla_mpi_pc_candidates}
                  RESULT_VARIABLE _pla_mpi_pc_missing)
  if(_pla_mpi_pc_missing EQUAL 0)
    set(PLA_PC_REQUIRES "${_pla_mpi_pc_candidates}")
  else()
    foreach(dir IN LISTS MPI_C_INCLUDE_DIRS)
      string(APPEND PLA_PC_MPI_CFLAGS " -I${dir}")
    endforeach()
    foreach(lib IN LISTS MPI_C_LIBRARIES)
      string(APPEND PLA_PC_MPI_LIBS " ${lib}")
    endforeach()
  endif()
  message(STATUS "pla: pla.pc requires MPI as '${PLA_PC_REQUIRES}${PLA_PC_MPI_LIBS}'")
else()
  set(PLA_PC_REQUIRES_PRIVATE "hdf5-serial openblas")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/pla.pc.in ${PROJECT_BINARY_DIR}/pla.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/pla.pc DESTINATION ${PLA_INSTALL_PKGCONFIGDIR})
