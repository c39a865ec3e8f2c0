# CPACK_PROJECT_CONFIG_FILE: CPack reads this once per generator with CPACK_GENERATOR set to
# that generator. One monolithic package each, from different sets of install components
# (see cmake/packaging.cmake): the .deb gets Debian's metadata, the .rpm gets the
# /usr/lib64/mozilla manifest.
set(_pg_build "${CPACK_POSTGUARD_BINARY_DIR}")
if(CPACK_GENERATOR STREQUAL "DEB")
  set(_pg_extra deb_only)
elseif(CPACK_GENERATOR STREQUAL "RPM")
  set(_pg_extra rpm_only)
else()
  set(_pg_extra "")
endif()
set(CPACK_INSTALL_CMAKE_PROJECTS "")
foreach(component Unspecified postguard ${_pg_extra})
  list(APPEND CPACK_INSTALL_CMAKE_PROJECTS "${_pg_build}" postguard "${component}" /)
endforeach()
