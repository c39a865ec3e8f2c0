#!/usr/bin/env bash
# Installs every Debian 12 package Postguard needs to build, test and package (dpkg-dev, rpm,
# lintian: scripts/package.sh, tests/packaging/check_packages.py; shellcheck: the macOS
# package's scripts, tests/installers/macos_pkg.test.mjs; wixl, msitools:
# scripts/package-msi.sh, tests/packaging/check_msi.py; mingw-w64:
# scripts/check-windows-compile.sh). Idempotent.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  nlohmann-json3-dev libicu-dev libboost-program-options-dev libspdlog-dev catch2 libre2-dev
  python3 clang clang-format libclang-rt-14-dev
  dpkg-dev fakeroot rpm lintian file shellcheck
  wixl msitools g++-mingw-w64-x86-64-posix
  chromium firefox-esr fonts-dejavu-core
)
# Node.js and npm for the extension's tests: Debian's packages, unless a node/npm is already
# installed (e.g. NodeSource's nodejs, which bundles npm and conflicts with Debian's npm).
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi
