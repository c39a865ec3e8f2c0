# Linux packages (.deb and .rpm) with CPack, and the install rules they need beyond the two
# binaries and the rule packs (those are in CMakeLists.txt).
#
#   cmake -S . -B build-package -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
#         -DPOSTGUARD_PACKAGE_LAYOUT=ON
#   cmake --build build-package && (cd build-package && cpack -G "DEB;RPM")
#
# or just scripts/package.sh. tests/packaging/check_packages.sh checks the result.
#
# Two layouts:
# - POSTGUARD_PACKAGE_LAYOUT=OFF (default, `cmake --install` into any prefix): the host
#   manifests, filled in with this prefix's postguard-host, go to share/postguard/manifests/
#   (POSTGUARD_INSTALL_DATADIR) for an administrator, or the macOS package's postinstall
#   (installers/macos/), to copy; nothing outside the prefix is written.
# - POSTGUARD_PACKAGE_LAYOUT=ON (packages): the manifests also go to the browsers' system
#   directories, which are absolute paths (/etc/opt/chrome/..., /usr/lib/mozilla/...): the
#   Linux system rows of the install table in host/lib/install_targets.cc.
#
# postguard-host stays in bin/ next to postguard (the install() in CMakeLists.txt): `postguard
# install` registers "the postguard-host next to postguard" by default and `doctor`'s fixes
# say the same, so a package that moved it to lib/postguard/ would make `postguard install
# --user` fail without --host. The cost is a program in PATH that people do not run by hand.
#
# Component split, so that one install tree serves both generators (see
# cmake/packaging/cpack_project_config.cmake, which picks the components per generator):
#   Unspecified   binaries, rule packs (CMakeLists.txt)
#   postguard     manifests, enterprise templates, manual pages
#   deb_only      Debian's copyright, changelog and lintian overrides
#   rpm_only      the /usr/lib64/mozilla manifest (Fedora and RHEL x86_64 Firefox builds;
#                 Debian's Firefox reads /usr/lib/mozilla only)

set(POSTGUARD_PACKAGE_MAINTAINER "Postguard maintainers <maintainers@postguard.org>"
    CACHE STRING "Maintainer of the .deb/.rpm (placeholder)")
set(POSTGUARD_PACKAGE_HOMEPAGE "https://postguard.org/"
    CACHE STRING "Homepage of the .deb/.rpm (placeholder)")
# The project has not chosen a license yet; change these two together when it does.
set(POSTGUARD_PACKAGE_LICENSE "LicenseRef-Postguard-Proprietary"
    CACHE STRING "License of the .deb/.rpm (SPDX id; placeholder until the project picks one)")
set(POSTGUARD_PACKAGE_LICENSE_TEXT
    "No license has been chosen for Postguard yet. All rights reserved by the authors."
    CACHE STRING "One-paragraph license text for debian/copyright")

set(POSTGUARD_HOST_INSTALL_PATH "${CMAKE_INSTALL_FULL_BINDIR}/postguard-host")
set(_pg_pkg_dir "${CMAKE_CURRENT_LIST_DIR}/packaging")
set(_pg_gen "${CMAKE_BINARY_DIR}/packaging")

# --- host manifests ------------------------------------------------------------------------
set(POSTGUARD_HOST_PATH "${POSTGUARD_HOST_INSTALL_PATH}")
foreach(family chromium firefox)
  configure_file("${CMAKE_SOURCE_DIR}/manifests/${family}/org.postguard.host.json"
                 "${_pg_gen}/manifests/${family}/org.postguard.host.json" @ONLY)
endforeach()
set(_pg_chromium_manifest "${_pg_gen}/manifests/chromium/org.postguard.host.json")
set(_pg_firefox_manifest "${_pg_gen}/manifests/firefox/org.postguard.host.json")

set(_pg_file_perms OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)  # 0644
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS  # 0755 for every directory install() creates
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Linux system rows of the install table (host/lib/install_targets.cc). Chrome and Brave share
# /etc/opt/chrome; Vivaldi's is unverified there (browserpass's choice; passff uses /etc/vivaldi).
set(POSTGUARD_CHROMIUM_SYSTEM_DIRS
    /etc/opt/chrome/native-messaging-hosts
    /etc/chromium/native-messaging-hosts
    /etc/opt/edge/native-messaging-hosts
    /etc/opt/vivaldi/native-messaging-hosts)
set(POSTGUARD_FIREFOX_SYSTEM_DIR /usr/lib/mozilla/native-messaging-hosts)
set(POSTGUARD_FIREFOX_SYSTEM_DIR_RPM /usr/lib64/mozilla/native-messaging-hosts)

if(POSTGUARD_PACKAGE_LAYOUT)
  if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    message(WARNING "POSTGUARD_PACKAGE_LAYOUT with CMAKE_INSTALL_PREFIX=${CMAKE_INSTALL_PREFIX}: "
                    "the packages install there and the manifests point there; /usr is usual")
  endif()
  foreach(dir IN LISTS POSTGUARD_CHROMIUM_SYSTEM_DIRS)
    install(FILES "${_pg_chromium_manifest}" DESTINATION "${dir}" PERMISSIONS ${_pg_file_perms}
            COMPONENT postguard)
  endforeach()
  install(FILES "${_pg_firefox_manifest}" DESTINATION "${POSTGUARD_FIREFOX_SYSTEM_DIR}"
          PERMISSIONS ${_pg_file_perms} COMPONENT postguard)
  install(FILES "${_pg_firefox_manifest}" DESTINATION "${POSTGUARD_FIREFOX_SYSTEM_DIR_RPM}"
          PERMISSIONS ${_pg_file_perms} COMPONENT rpm_only EXCLUDE_FROM_ALL)
else()
  install(FILES "${_pg_chromium_manifest}"
          DESTINATION "${POSTGUARD_INSTALL_DATADIR}/manifests/chromium"
          PERMISSIONS ${_pg_file_perms} COMPONENT postguard)
  install(FILES "${_pg_firefox_manifest}"
          DESTINATION "${POSTGUARD_INSTALL_DATADIR}/manifests/firefox"
          PERMISSIONS ${_pg_file_perms} COMPONENT postguard)
endif()

# --- enterprise templates: shipped for administrators to copy, never enabled ---------------
install(DIRECTORY "${CMAKE_SOURCE_DIR}/installers/enterprise/"
        DESTINATION "${POSTGUARD_INSTALL_DATADIR}/enterprise"
        FILE_PERMISSIONS ${_pg_file_perms} COMPONENT postguard)

# --- manual pages (gzip -9n, as Debian wants them) ------------------------------------------
set(POSTGUARD_RULES_DIR_FOR_MAN "${POSTGUARD_INSTALL_RULES_DIR}")
find_program(POSTGUARD_GZIP gzip REQUIRED)
foreach(page postguard postguard-host)
  configure_file("${_pg_pkg_dir}/man/${page}.1.in" "${_pg_gen}/man/${page}.1" @ONLY)
  execute_process(COMMAND "${POSTGUARD_GZIP}" -9nfk "${_pg_gen}/man/${page}.1"
                  COMMAND_ERROR_IS_FATAL ANY)
  install(FILES "${_pg_gen}/man/${page}.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1"
          PERMISSIONS ${_pg_file_perms} COMPONENT postguard)
endforeach()

# --- Debian metadata for lintian: copyright, changelog.gz (native package), overrides -------
if(POSTGUARD_PACKAGE_LAYOUT)
  set(_pg_doc "${CMAKE_INSTALL_DATADIR}/doc/postguard")
  configure_file("${_pg_pkg_dir}/copyright.in" "${_pg_gen}/deb/copyright" @ONLY)
  configure_file("${_pg_pkg_dir}/changelog.deb.in" "${_pg_gen}/deb/changelog" @ONLY)
  execute_process(COMMAND "${POSTGUARD_GZIP}" -9nfk "${_pg_gen}/deb/changelog"
                  COMMAND_ERROR_IS_FATAL ANY)
  install(FILES "${_pg_gen}/deb/copyright" "${_pg_gen}/deb/changelog.gz" DESTINATION "${_pg_doc}"
          PERMISSIONS ${_pg_file_perms} COMPONENT deb_only EXCLUDE_FROM_ALL)
  install(FILES "${_pg_pkg_dir}/postguard.lintian-overrides"
          DESTINATION "${CMAKE_INSTALL_DATADIR}/lintian/overrides" RENAME postguard
          PERMISSIONS ${_pg_file_perms} COMPONENT deb_only EXCLUDE_FROM_ALL)

  # The /etc manifests are conffiles: Debian policy 10.7.2 wants every file in /etc to be one,
  # and an administrator who adds an origin (e.g. an Edge Add-ons id) keeps the edit across
  # upgrades. Consequence: `dpkg -r` keeps them (pointing at a removed host, which the browser
  # reports as "host not found"); `dpkg -P` removes them. rpm: %config(noreplace).
  set(_pg_conffiles "")
  set(_pg_rpm_config "")
  foreach(dir IN LISTS POSTGUARD_CHROMIUM_SYSTEM_DIRS)
    string(APPEND _pg_conffiles "${dir}/org.postguard.host.json\n")
    list(APPEND _pg_rpm_config "%config(noreplace) ${dir}/org.postguard.host.json")
  endforeach()
  # CPack RPM marks every file with an absolute destination %config; the Firefox manifests
  # are under /usr, so they are plain files.
  foreach(dir IN ITEMS ${POSTGUARD_FIREFOX_SYSTEM_DIR} ${POSTGUARD_FIREFOX_SYSTEM_DIR_RPM})
    list(APPEND _pg_rpm_config "%attr(0644,root,root) ${dir}/org.postguard.host.json")
  endforeach()
  file(WRITE "${_pg_gen}/deb/conffiles" "${_pg_conffiles}")
endif()

# --- CPack ---------------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME postguard)
set(CPACK_PACKAGE_VENDOR "Postguard")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${POSTGUARD_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "checks social media posts against an organisation's policy")
set(CPACK_PACKAGE_DESCRIPTION
    "Postguard checks a post, before it is published, against the social media
policy of the writer's organisation and explains each warning. This package
holds the command-line checker (postguard), the native-messaging host that
the browser extension talks to (postguard-host), the policy rule packs, the
host manifests that register postguard-host system-wide with Google Chrome,
Chromium, Microsoft Edge, Brave, Vivaldi and Firefox, and enterprise policy
templates in /usr/share/postguard/enterprise (not enabled).")
set(CPACK_PACKAGE_HOMEPAGE_URL "${POSTGUARD_PACKAGE_HOMEPAGE}")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_RELOCATABLE OFF)  # the manifests name the host's absolute path
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_BINARY_DIR}/packages")
set(CPACK_PROJECT_CONFIG_FILE "${_pg_pkg_dir}/cpack_project_config.cmake")
set(CPACK_POSTGUARD_BINARY_DIR "${CMAKE_BINARY_DIR}")  # read by the project config file

# DEB
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # postguard_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
if(POSTGUARD_PACKAGE_LAYOUT)
  set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${_pg_gen}/deb/conffiles")
endif()

# RPM
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)  # postguard-0.1.0-1.x86_64.rpm
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_RPM_PACKAGE_LICENSE "${POSTGUARD_PACKAGE_LICENSE}")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Text")
set(CPACK_RPM_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
set(CPACK_RPM_PACKAGE_URL "${POSTGUARD_PACKAGE_HOMEPAGE}")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)   # rpmbuild finds the shared libraries the binaries need
set(CPACK_RPM_PACKAGE_AUTOPROV OFF)  # we provide no libraries
if(POSTGUARD_PACKAGE_LAYOUT)
  configure_file("${_pg_pkg_dir}/changelog.rpm.in" "${_pg_gen}/rpm/changelog" @ONLY)
  set(CPACK_RPM_CHANGELOG_FILE "${_pg_gen}/rpm/changelog")
  set(CPACK_RPM_USER_FILELIST ${_pg_rpm_config})
endif()
# Directories that belong to the distribution (filesystem, mozilla-filesystem), not to us; we
# own only .../native-messaging-hosts and the browser directories above them that we create.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION /etc/opt /usr/lib/mozilla /usr/lib64/mozilla)

include(CPack)
