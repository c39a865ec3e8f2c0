#!/usr/bin/env bash
# From nothing to warnings: installs the packages, builds, then checks a sample post with the
# CLI and asks the native-messaging host for the same check, as the browser extension would.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build --parallel "$(nproc)"

echo
echo "== postguard check --policy iet --role personal examples/iet-personal-post.txt"
./build/postguard check --policy iet --role personal examples/iet-personal-post.txt || true
echo
echo "== postguard-host answering a check over native messaging"
python3 scripts/host_demo.py ./build/postguard-host iet examples/iet-personal-post.txt
