#!/usr/bin/env bash
# Compiles the host's sources for Windows with mingw-w64 (-fsyntax-only, the project's warnings
# as errors), so that the _WIN32 code (binary-mode stdio in host_main.cc and frame.cc, the
# rules folder next to the program in policy_set.cc, %LOCALAPPDATA% logs) is at least compiled
# somewhere. Nothing is linked: Debian has no mingw builds of ICU, RE2 or Boost, so this
# machine cannot build postguard-host.exe (docs/deploy.md, "Windows"). The headers are the
# Linux packages' (nlohmann-json, spdlog/fmt, ICU, RE2, Boost), which are not
# platform-specific. Needs g++-mingw-w64-x86-64-posix (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=x86_64-w64-mingw32-g++-posix  # the win32-threads variant has no std::mutex, which spdlog needs
command -v "$cxx" >/dev/null || { echo "check-windows-compile.sh: $cxx not found (scripts/install-deps.sh)" >&2; exit 1; }

# POSIX-only so far (posix_spawn, poll, geteuid, access): `postguard install` and `doctor`,
# which say on Windows that the MSI does their job. They are what keeps postguard.exe from
# compiling even with the libraries; postguard-host.exe does not call them.
posix_only=(host/lib/doctor.cc host/lib/installer.cc host/lib/cli_install.cc)

inc=$(mktemp -d)
trap 'rm -rf "$inc"' EXIT
# Only these headers, not all of /usr/include, whose glibc headers would shadow mingw's.
for d in nlohmann spdlog fmt unicode re2 boost; do ln -s "/usr/include/$d" "$inc/$d"; done

sources=()
for f in host/lib/*.cc host/*.cc; do
  skip=0
  for p in "${posix_only[@]}"; do [ "$f" = "$p" ] && skip=1; done
  [ $skip = 1 ] || sources+=("$f")
done

flags=(-std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Werror -Ihost/lib -isystem "$inc" -DPOSTGUARD_VERSION='"0"'
  -DPOSTGUARD_INSTALL_RULES_DIR='"C:/Program Files/Postguard/rules"'
  -DPOSTGUARD_SOURCE_RULES_DIR='"rules"')
printf '%s\n' "${sources[@]}" | xargs -P "${POSTGUARD_JOBS:-2}" -I{} "$cxx" "${flags[@]}" {}
echo "windows compile: ${#sources[@]} sources compile with $cxx (${#posix_only[@]} POSIX-only left out: ${posix_only[*]})"
