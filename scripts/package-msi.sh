#!/usr/bin/env bash
# Builds the Windows installer (.msi) with wixl from Windows binaries built elsewhere: this
# machine cannot build them (docs/deploy.md, "Windows": what a cross-build lacks). Puts in
# C:\Program Files\Postguard: postguard.exe, postguard-host.exe, every *.dll of --bin-dir, the
# rule packs (rules/**/*.json) and the two host manifests; registers the host for Chrome,
# Chromium, Edge and Firefox in HKLM (installers/windows/postguard.wxs). Needs wixl
# (scripts/install-deps.sh). tests/packaging/check_msi.py checks what this builds.
#
#   scripts/package-msi.sh --bin-dir DIR [--out FILE]
#       default FILE: build-msi/postguard-<version>-x64.msi
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  echo "usage: scripts/package-msi.sh --bin-dir DIR [--out FILE]" >&2
  exit 2
}

bin_dir="" out=""
while [ $# -gt 0 ]; do
  case $1 in
    --bin-dir) [ $# -ge 2 ] || usage; bin_dir=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
    -h | --help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "package-msi.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -n "$bin_dir" ] || usage
if [ ! -d "$bin_dir" ]; then
  echo "package-msi.sh: --bin-dir '$bin_dir' is not a directory" >&2
  exit 1
fi
for exe in postguard.exe postguard-host.exe; do
  if [ ! -f "$bin_dir/$exe" ]; then
    echo "package-msi.sh: $exe is missing from '$bin_dir' (the MSI needs the Windows builds of postguard.exe and postguard-host.exe)" >&2
    exit 1
  fi
done
if ! command -v wixl >/dev/null 2>&1; then
  echo "package-msi.sh: wixl is not installed (apt-get install wixl; scripts/install-deps.sh)" >&2
  exit 1
fi

version=$(sed -n 's/^project(postguard VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
[ -n "$version" ] || { echo "package-msi.sh: no project version in CMakeLists.txt" >&2; exit 1; }
# --bin-dir and --out are relative to where we were started; everything else to the checkout.
bin_dir=$(realpath "$bin_dir")
out=${out:-$repo/build-msi/postguard-$version-x64.msi}
mkdir -p "$(dirname "$out")"
out=$(realpath "$out")
cd "$repo"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Windows allows a manifest's path relative to the manifest itself (Chrome: "On Windows it can
# be relative to the directory containing the manifest file"; MDN: "On Windows, this may be
# relative to the manifest itself"), so the manifests need no install-time editing and follow
# INSTALLDIR wherever msiexec puts it. UTF-8 without a BOM, as Chrome wants.
mkdir "$work/manifests"
for family in chromium firefox; do
  sed 's/@POSTGUARD_HOST_PATH@/postguard-host.exe/' "manifests/$family/org.postguard.host.json" \
    >"$work/manifests/org.postguard.host.$family.json"
done

# The rule packs, found anew each build so a new pack needs no edit here.
(find rules -name '*.json' | LC_ALL=C sort |
  wixl-heat --directory-ref INSTALLDIR --component-group RulePacks --var var.SourceDir --win64 \
    -p "") >"$work/rules.wxs"

# The DLLs the binaries need (mingw or MSVC runtimes, ICU, ...), whatever --bin-dir holds.
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">'
  echo '  <Fragment><DirectoryRef Id="INSTALLDIR">'
  refs=""
  while IFS= read -r dll; do
    name=$(basename "$dll")
    if [[ ! $name =~ ^[A-Za-z0-9._+-]+$ ]]; then
      echo "package-msi.sh: cannot package a DLL named '$name' (letters, digits, . _ + - only)" >&2
      exit 1
    fi
    id="dll_${name//[+-]/_}"
    echo "    <Component Id=\"$id\" Guid=\"*\" Win64=\"yes\"><File Id=\"$id\" Name=\"$name\" Source=\"\$(var.BinDir)/$name\" KeyPath=\"yes\"/></Component>"
    refs+="    <ComponentRef Id=\"$id\"/>"$'\n'
  done < <(find -L "$bin_dir" -maxdepth 1 -type f -iname '*.dll' | LC_ALL=C sort)
  echo '  </DirectoryRef></Fragment>'
  echo '  <Fragment><ComponentGroup Id="Dlls">'
  printf '%s' "$refs"
  echo '  </ComponentGroup></Fragment>'
  echo '</Wix>'
} >"$work/dlls.wxs"

# wixl takes only relative Source paths (relative to where it runs): link the inputs in.
ln -s "$bin_dir" "$work/bin"
ln -s "$repo" "$work/src"
(cd "$work" && wixl --arch x64 -o "$out" \
  -D Version="$version" -D BinDir=bin -D SourceDir=src -D ManifestDir=manifests -D Win64=yes \
  src/installers/windows/postguard.wxs rules.wxs dlls.wxs)
echo "msi: $out"
