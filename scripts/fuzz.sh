#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan, and runs each for SECONDS
# (default 45; four targets, so about three minutes) from the seed corpus in tests/fuzz/corpus/:
#   frame_fuzz    stdin bytes -> frame reader -> request handling
#   request_fuzz  one request payload -> request handling (JSON in, answer out)
#   rules_fuzz    a rule file -> loader and compiler
#   engine_fuzz   any text -> every policy pack, role and platform
# A crash fails the run. The reproducing input is left in tests/fuzz/.artifacts/ and printed
# in base64 to the log, so a CI run's log alone is enough to replay it:
#   base64 -d > crash.bin <<< '...';  ./build-fuzz/tests/fuzz/<target> crash.bin
# For a longer hunt: scripts/fuzz.sh 3600 (new inputs it finds go to build-fuzz/corpus-*).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-45}
targets=(frame_fuzz:frames request_fuzz:requests rules_fuzz:rules engine_fuzz:text)

CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPOSTGUARD_FUZZ=ON -DPOSTGUARD_TESTS=OFF -DPOSTGUARD_SANITIZE=address,undefined
cmake --build build-fuzz --parallel "$(nproc)" --target "${targets[@]%%:*}"

artifacts=tests/fuzz/.artifacts
mkdir -p "$artifacts"
failed=0
for pair in "${targets[@]}"; do
  target=${pair%%:*}
  seeds=tests/fuzz/corpus/${pair##*:}
  work=build-fuzz/corpus-$target
  mkdir -p "$work"
  echo "== $target for ${seconds}s"
  before=$(find "$artifacts" -type f | sort)
  set +e
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ./build-fuzz/tests/fuzz/"$target" "$work" "$seeds" -max_total_time="$seconds" -max_len=8192 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target-" > "build-fuzz/$target.log" 2>&1
  status=$?
  set -e
  if [ "$status" -eq 0 ]; then
    tail -n 12 "build-fuzz/$target.log"
    continue
  fi
  failed=$((failed + 1))
  tail -n 60 "build-fuzz/$target.log"
  echo "FAIL: $target exited with $status"
  for f in $(comm -13 <(echo "$before") <(find "$artifacts" -type f | sort)); do
    echo "reproducing input $f, base64:"
    base64 -w 0 "$f"
    echo
  done
done
echo "fuzz: $(( ${#targets[@]} - failed )) passed, $failed failed"
test "$failed" -eq 0
