#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan, and runs each for SECONDS
# (default 30) from the seed corpus in tests/fuzz/corpus/. A crash fails the run and leaves
# the reproducing input in tests/fuzz/.artifacts/; replay it with
#   ./build-fuzz/tests/fuzz/<target> tests/fuzz/.artifacts/crash-...
# For a longer hunt: scripts/fuzz.sh 3600 (new inputs it finds go to build-fuzz/corpus-*).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPOSTGUARD_FUZZ=ON -DPOSTGUARD_TESTS=OFF -DPOSTGUARD_SANITIZE=address,undefined
cmake --build build-fuzz --parallel "$(nproc)" --target frame_fuzz rules_fuzz engine_fuzz

mkdir -p tests/fuzz/.artifacts
for pair in frame_fuzz:frames rules_fuzz:rules engine_fuzz:text; do
  target=${pair%%:*}
  seeds=tests/fuzz/corpus/${pair##*:}
  work=build-fuzz/corpus-$target
  mkdir -p "$work"
  echo "== $target for ${seconds}s"
  ./build-fuzz/tests/fuzz/"$target" "$work" "$seeds" -max_total_time="$seconds" -max_len=8192 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=tests/fuzz/.artifacts/ 2>&1 | tail -n 12
  test "${PIPESTATUS[0]}" -eq 0
done
echo "fuzz: 3 passed, 0 failed"
