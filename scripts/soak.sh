#!/usr/bin/env bash
# Soak test: one postguard-host process serves N checks (default 1 000 000) of mixed posts
# through its pipes, with requests in flight, while its memory is sampled; then the pipe is cut
# in the middle of a frame. Fails if an answer is wrong, memory grows after warm-up, or the
# host does not exit as docs/protocol.md says (tests/soak/soak.cc has the details).
#   scripts/soak.sh [N] [HOST] [driver options, e.g. --no-rss-check]
# HOST defaults to build/postguard-host; the driver is built in build/ if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
host=${2:-build/postguard-host}
shift $(( $# < 2 ? $# : 2 ))
if [ ! -x build/tests/postguard-soak ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
  cmake --build build --parallel "$(nproc)" --target postguard-soak
fi
echo "== soak: $n checks against $host"
./build/tests/postguard-soak "$host" rules tests/corpus "$n" "$@"
