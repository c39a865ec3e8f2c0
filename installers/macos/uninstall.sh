#!/bin/sh
# Removes what the Postguard package installed: the host manifests its postinstall wrote into
# the browsers' directories (and those directories, when that left them empty), everything
# under /Library/Application Support/Postguard (this script included), then the package's
# receipt.
#
#   sudo "/Library/Application Support/Postguard/uninstall.sh" [VOLUME]
#
# VOLUME is the volume the package was installed on, "/" by default, as for the package's
# scripts; tests/installers/macos_pkg.test.mjs passes a temporary directory. Left alone: your
# own rule packs in /etc/postguard/rules, per-user manifests written by
# 'postguard install --user', and the host's logs in each user's ~/Library/Logs/Postguard.
set -eu

volume=${1:-/}
receipt_volume=$volume
volume=${volume%/}  # "/" becomes "", so "$volume/Library/..." is right for both
app="/Library/Application Support/Postguard"

if [ -z "$volume" ] && [ "$(id -u)" -ne 0 ]; then
  echo "uninstall.sh: run it as root: sudo \"$app/uninstall.sh\"" >&2
  exit 1
fi

# remove_manifest DIR: DIR/org.postguard.host.json, then DIR and its parents while they are
# empty (postinstall created them when the browser was not installed), stopping at /Library
# and /Library/Application Support.
remove_manifest() {
  dir=$1
  if [ -e "$volume$dir/org.postguard.host.json" ]; then
    rm -f "$volume$dir/org.postguard.host.json"
    echo "uninstall.sh: removed $volume$dir/org.postguard.host.json"
  fi
  while [ "$dir" != "/Library" ] && [ "$dir" != "/Library/Application Support" ] &&
    rmdir "$volume$dir" 2>/dev/null; do
    dir=$(dirname "$dir")
  done
}

# The directories scripts/postinstall writes to (the macOS system rows of the install table).
remove_manifest "/Library/Google/Chrome/NativeMessagingHosts"
remove_manifest "/Library/Application Support/Chromium/NativeMessagingHosts"
remove_manifest "/Library/Microsoft/Edge/NativeMessagingHosts"
remove_manifest "/Library/Application Support/Vivaldi/NativeMessagingHosts"
remove_manifest "/Library/Application Support/Mozilla/NativeMessagingHosts"

# The payload: every file under it is the package's.
if [ -d "$volume$app" ]; then
  rm -rf "$volume$app"
  echo "uninstall.sh: removed $volume$app"
fi

pkgutil --volume "$receipt_volume" --forget org.postguard.host ||
  echo "uninstall.sh: no receipt for org.postguard.host on $receipt_volume to forget"
