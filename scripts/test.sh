#!/usr/bin/env bash
# Runs every test: the normal build, then the same tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, the fuzzers for a bounded time, then the extension's tests. Assumes scripts/install-deps.sh has run (quickstart does it).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

# C++ sources as clang-format writes them (scripts/check-format.sh --fix mends them).
bash scripts/check-format.sh

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --parallel "$jobs"
ctest --test-dir build --output-on-failure --parallel "$jobs"
# The policy packs' scores on the labelled corpus, printed for the log (ctest gates on them).
python3 tests/corpus/score.py --postguard build/postguard --rules rules
# A million checks through one host process: answers right, memory flat, clean exit when the
# pipe is cut mid-frame (scripts/soak.sh; several minutes).
bash scripts/soak.sh 1000000 build/postguard-host

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPOSTGUARD_SANITIZE=address,undefined
cmake --build build-asan --parallel "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure --parallel "$jobs"
# A shorter soak of the sanitized host: LeakSanitizer runs when it exits and a leak changes the
# exit code the soak checks (its RSS is not compared: ASan's quarantine grows by design).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  bash scripts/soak.sh 20000 build-asan/postguard-host --no-rss-check

# Fuzz the frame reader and request handling, the rule loader and the engine for a bounded
# time under ASan and UBSan; a crash fails the run with its input saved (scripts/fuzz.sh).
bash scripts/fuzz.sh "${POSTGUARD_FUZZ_SECONDS:-45}"

# The browser extension: its unit tests (Node), then end-to-end tests in real Chromium and
# Firefox with the unpacked extension and this build's native host (tests/e2e/README.md).
# The e2e tests run once against build/ and once more, in both browsers, against the sanitizer
# build, whose reports the harness collects from the host (the browser swallows its stderr).
npm ci --no-audit --no-fund --prefer-offline
npm run test:unit
POSTGUARD_HOST_BIN="$PWD/build/postguard-host" npm run test:e2e
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  POSTGUARD_HOST_BIN="$PWD/build-asan/postguard-host" npm run test:e2e

# Linux packages: build the .deb and .rpm, check their contents, manifests and lintian, and,
# as root, install the .deb, run `postguard doctor`, then remove and purge it
# (tests/packaging/check_packages.py). Last, so the system-wide manifests it installs for a
# moment never meet the browser tests.
bash scripts/package.sh
python3 tests/packaging/check_packages.py build-package/packages/postguard_*.deb \
  build-package/packages/postguard-*.rpm
# Windows: the MSI, built by scripts/package-msi.sh from stand-in binaries (this machine cannot
# build the Windows host, see docs/deploy.md) and checked table by table: per-machine scope,
# files, 64-bit components, the registry keys against the install table, the manifests inside
# (tests/packaging/check_msi.py). Then the host's sources compiled for Windows with mingw-w64
# (syntax only; nothing can be linked without mingw builds of ICU and RE2).
python3 tests/packaging/check_msi.py --fixture
bash scripts/check-windows-compile.sh

# The .deb end to end: installed, both browsers reach the host through its system-wide
# manifests with a locked managed policy, doctor is green, and a purge leaves nothing and the
# extension showing no-host (tests/e2e/package.test.mjs).
POSTGUARD_DEB=$(ls build-package/packages/postguard_*.deb) node --test tests/e2e/package.test.mjs
