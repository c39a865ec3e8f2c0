#!/bin/bash
# Builds the macOS installer package, postguard-<version>-<arch>.pkg, on a Mac.
# NOT BUILT OR TESTED: the project's machines run Debian, which has no Apple packaging tools.
# Only the package's scripts are tested, on Linux (tests/installers/macos_pkg.test.mjs).
#
#   installers/macos/build-pkg.sh [--out DIR] [--sign-app IDENTITY]
#                                 [--sign-installer IDENTITY] [--notary-profile PROFILE]
#
# Needs Xcode's command line tools (xcode-select --install) and, from Homebrew:
#   brew install cmake pkgconf icu4c re2 spdlog nlohmann-json boost dylibbundler
#
# 1. Builds postguard and postguard-host for this Mac's architecture only (arm64 or x86_64):
#    Homebrew's libraries are built for one architecture, so a universal binary would need a
#    second Homebrew. Build on each kind of Mac you deploy to; the package refuses the other.
# 2. Installs them into a payload laid out as /Library/Application Support/Postguard: bin/
#    (postguard, postguard-host), lib/, rules/, enterprise/ (the policy templates), manifests/
#    (the two host manifests, generated from manifests/ by CMake with "path" set to the
#    installed postguard-host) and uninstall.sh.
# 3. Copies the Homebrew libraries the binaries load into lib/ and points the binaries at them
#    (dylibbundler), so the Macs it is installed on need no Homebrew.
# 4. Signs every binary: ad hoc by default (Apple silicon runs nothing unsigned); with
#    --sign-app "Developer ID Application: ...", with the hardened runtime and a timestamp,
#    which notarisation requires.
# 5. pkgbuild (the payload and scripts/postinstall, which writes the manifests into each
#    browser's /Library directory), then productbuild (a distribution that accepts only this
#    architecture and this macOS or later). --sign-installer "Developer ID Installer: ..."
#    signs the package; --notary-profile NAME (made with `xcrun notarytool store-credentials`)
#    notarises it and staples the ticket.
set -euo pipefail
cd "$(dirname "$0")/../.."

die() {
  echo "build-pkg.sh: $*" >&2
  exit 1
}

out="build-macos/packages"
sign_app=""
sign_installer=""
notary_profile=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    --sign-app) sign_app=${2:?--sign-app needs an identity}; shift 2 ;;
    --sign-installer) sign_installer=${2:?--sign-installer needs an identity}; shift 2 ;;
    --notary-profile) notary_profile=${2:?--notary-profile needs a profile name}; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
if [ -n "$notary_profile" ] && { [ -z "$sign_app" ] || [ -z "$sign_installer" ]; }; then
  die "--notary-profile needs --sign-app and --sign-installer: Apple notarises signed code only"
fi

[ "$(uname -s)" = Darwin ] || die "this builds a macOS package and runs on macOS (Linux: scripts/package.sh)"
for tool in brew cmake pkg-config dylibbundler pkgbuild productbuild codesign otool; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' not found; install Xcode's command line tools and" \
      "'brew install cmake pkgconf icu4c re2 spdlog nlohmann-json boost dylibbundler'"
done

version=$(sed -n 's/^project(postguard VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || die "cannot read the version from CMakeLists.txt"
arch=$(uname -m)
# Homebrew's bottles are built for the macOS they run on, so the package cannot promise an
# older one: build on the oldest macOS you deploy to.
min_macos="$(sw_vers -productVersion | cut -d. -f1).0"
app="/Library/Application Support/Postguard"
build="build-macos"
stage="$build/pkg"
payload="$stage/root$app"
brew_prefix=$(brew --prefix)

# --- 1. build ------------------------------------------------------------------------------
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPOSTGUARD_TESTS=OFF \
  -DCMAKE_INSTALL_PREFIX="$app" -DPOSTGUARD_INSTALL_DATADIR=. \
  -DCMAKE_OSX_ARCHITECTURES="$arch" -DCMAKE_OSX_DEPLOYMENT_TARGET="$min_macos" \
  -DCMAKE_PREFIX_PATH="$brew_prefix" -DICU_ROOT="$(brew --prefix icu4c)"
cmake --build "$build" --parallel "$(sysctl -n hw.ncpu)"

# --- 2. payload ----------------------------------------------------------------------------
rm -rf "$stage"
DESTDIR="$PWD/$stage/root" cmake --install "$build" --strip
# The manual pages name the Linux paths (/usr/share/postguard/...); the payload is for Macs.
rm -rf "$payload/share"
install -m 755 installers/macos/uninstall.sh "$payload/uninstall.sh"
for f in bin/postguard bin/postguard-host rules/iet.json enterprise/macos/org.postguard.mobileconfig \
  manifests/chromium/org.postguard.host.json manifests/firefox/org.postguard.host.json; do
  [ -f "$payload/$f" ] || die "the payload has no $f"
done
for family in chromium firefox; do
  grep -qF "\"path\": \"$app/bin/postguard-host\"" "$payload/manifests/$family/org.postguard.host.json" ||
    die "manifests/$family/org.postguard.host.json does not name $app/bin/postguard-host"
done

# --- 3. bundle Homebrew's libraries ---------------------------------------------------------
dylibbundler --overwrite-dir --bundle-deps \
  --fix-file "$payload/bin/postguard" --fix-file "$payload/bin/postguard-host" \
  --dest-dir "$payload/lib" --install-path @executable_path/../lib/ \
  --search-path "$brew_prefix/lib" </dev/null
# Nothing may still load from Homebrew (or anywhere but the system and lib/).
for f in "$payload"/bin/* "$payload"/lib/*.dylib; do
  if otool -L "$f" | tail -n +2 | awk '{print $1}' |
    grep -vE '^(/usr/lib/|/System/|@executable_path/\.\./lib/|@loader_path/)'; then
    die "$f still loads the libraries above from outside the package"
  fi
done

# --- 4. sign ---------------------------------------------------------------------------------
sign() {
  if [ -n "$sign_app" ]; then
    codesign --force --options runtime --timestamp --sign "$sign_app" "$@"
  else
    codesign --force --sign - "$@"
  fi
}
sign "$payload"/lib/*.dylib  # libraries first: a binary's signature covers what it loads
sign "$payload/bin/postguard" "$payload/bin/postguard-host"
for f in "$payload"/bin/* "$payload"/lib/*.dylib; do codesign --verify --strict "$f"; done

# --- 5. package ------------------------------------------------------------------------------
# --install-location, not a root of /: the payload then holds no /Library or
# /Library/Application Support entries whose owner or mode Installer could reset.
pkgbuild --root "$payload" --install-location "$app" --scripts installers/macos/scripts \
  --identifier org.postguard.host --version "$version" --ownership recommended \
  "$stage/org.postguard.host.pkg"
cat >"$stage/distribution.xml" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<installer-gui-script minSpecVersion="2">
  <title>Postguard $version</title>
  <options customize="never" require-scripts="false" hostArchitectures="$arch"/>
  <domains enable_anywhere="false" enable_currentUserHome="false" enable_localSystem="true"/>
  <volume-check>
    <allowed-os-versions>
      <os-version min="$min_macos"/>
    </allowed-os-versions>
  </volume-check>
  <choices-outline>
    <line choice="org.postguard.host"/>
  </choices-outline>
  <choice id="org.postguard.host" visible="false" title="Postguard">
    <pkg-ref id="org.postguard.host"/>
  </choice>
  <pkg-ref id="org.postguard.host" version="$version" onConclusion="none">org.postguard.host.pkg</pkg-ref>
</installer-gui-script>
EOF
mkdir -p "$out"
pkg="$out/postguard-$version-$arch.pkg"
if [ -n "$sign_installer" ]; then
  productbuild --distribution "$stage/distribution.xml" --package-path "$stage" \
    --sign "$sign_installer" "$pkg"
  pkgutil --check-signature "$pkg"
else
  productbuild --distribution "$stage/distribution.xml" --package-path "$stage" "$pkg"
fi
if [ -n "$notary_profile" ]; then
  xcrun notarytool submit "$pkg" --keychain-profile "$notary_profile" --wait
  xcrun stapler staple "$pkg"  # fails unless Apple accepted it
fi
echo "pkg: $pkg"
