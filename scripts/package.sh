#!/usr/bin/env bash
# Builds the Linux packages: a Release build with the package layout (the host manifests go to
# the browsers' system directories, see cmake/packaging.cmake), then `cpack -G "DEB;RPM"`.
# Prints the paths of the .deb and the .rpm. Needs dpkg-dev and rpm (scripts/install-deps.sh).
# tests/packaging/check_packages.py checks what this builds.
#
#   scripts/package.sh                 # into build-package/
#   POSTGUARD_PACKAGE_BUILD_DIR=/tmp/pkg POSTGUARD_JOBS=1 scripts/package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
build=${POSTGUARD_PACKAGE_BUILD_DIR:-build-package}
jobs=${POSTGUARD_JOBS:-$(nproc)}

# Debian's hardening flags (fortify, stack protector, relro/now), which lintian looks for.
cxxflags="" ldflags=""
if command -v dpkg-buildflags >/dev/null 2>&1; then
  cxxflags=$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CXXFLAGS)
  cxxflags+=" $(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS)"
  ldflags=$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)
fi
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi

# A fresh packages/ dir, so the paths printed below are this run's.
rm -rf "$build/packages"
cmake -S . -B "$build" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr -DPOSTGUARD_PACKAGE_LAYOUT=ON \
  -DPOSTGUARD_TESTS=OFF -DCMAKE_CXX_FLAGS="$cxxflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags"
cmake --build "$build" --parallel "$jobs"
(cd "$build" && cpack -G "DEB;RPM")

deb=$(ls "$build"/packages/postguard_*.deb)
rpm=$(ls "$build"/packages/postguard-*.rpm)
echo "deb: $(realpath "$deb")"
echo "rpm: $(realpath "$rpm")"
