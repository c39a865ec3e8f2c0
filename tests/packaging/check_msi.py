#!/usr/bin/env python3
"""Checks the Windows installer that scripts/package-msi.sh builds, from its database tables
(msiinfo) and the files in its cabinet (msiextract). Nothing is installed: there is no
Windows here, so what msiexec does with these tables is not checked.

    tests/packaging/check_msi.py build-msi/postguard-0.1.0-x64.msi [--bin-dir DIR]
    tests/packaging/check_msi.py --fixture        # what scripts/test.sh runs

1. Per machine: ALLUSERS=1; summary word count (PID 15) compressed and without the "no
   elevation" bit (8) that marks a per-user package; page count (PID 14, the Windows Installer
   version) >= 200, which x64 packages need; template "x64;1033".
2. Upgrades: the version of CMakeLists.txt, the fixed UpgradeCode, Upgrade rows that replace
   an older version and refuse a downgrade, RemoveExistingProducts scheduled.
3. Directories: INSTALLDIR = ProgramFiles64Folder\\Postguard, rules\\ and rules\\shared\\ under it.
4. Files: exactly postguard.exe, postguard-host.exe, the DLLs (those of --bin-dir), the two
   host manifests, and every rules/**/*.json of the checkout; every component 64-bit
   (msidbComponentAttributes64bit, 256) and in the one feature.
5. Registry: exactly the Windows system rows of host/lib/install_targets.cc (HKLM, 64-bit
   view), each key's default value the full path of its family's manifest ([#file]), plus a
   "-" row per key so that uninstalling deletes the key.
6. Contents: each manifest is its template from manifests/ with "path": "postguard-host.exe"
   (relative to the manifest, which Windows allows), without a BOM; the rule packs are
   byte-for-byte the checkout's; with --bin-dir, so are the binaries and DLLs.

--fixture builds the MSI from stand-in binaries it writes itself. They are NOT Windows
programs: the check is about the installer, not the host. It also checks that
package-msi.sh refuses a --bin-dir without the two programs.

Exit status 0 when every check passed, 1 otherwise; each failure is printed as "FAIL: ...".
"""
import argparse
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

from packaging_common import project_version, run

REPO = Path(__file__).resolve().parents[2]
UPGRADE_CODE = "{5C0D7E2A-9B4F-4E8A-A3D1-7F2B6C9E1A40}"
HOST_NAME = "org.postguard.host"
MANIFEST_FILES = {"chromium": f"{HOST_NAME}.chromium.json", "firefox": f"{HOST_NAME}.firefox.json"}
MANIFEST_IDS = {"chromium": "chromium_manifest", "firefox": "firefox_manifest"}
# The contract: these four keys at least, whatever else the table grows.
REQUIRED_KEYS = {
    r"Software\Google\Chrome\NativeMessagingHosts\org.postguard.host",
    r"Software\Chromium\NativeMessagingHosts\org.postguard.host",
    r"Software\Microsoft\Edge\NativeMessagingHosts\org.postguard.host",
    r"Software\Mozilla\NativeMessagingHosts\org.postguard.host",
}
HKLM = "2"
COMPONENT_64BIT = 256
WORDCOUNT_COMPRESSED = 2
WORDCOUNT_NO_ELEVATION = 8  # set only in per-user packages
FIXTURE_NOTE = ("FIXTURE for tests/packaging/check_msi.py: a stand-in for {name}, not a Windows "
                "program. The check is about the installer's tables, not the host.\n")

failures = []


def fail(msg):
    failures.append(msg)
    print(f"FAIL: {msg}", flush=True)


def ok(msg, since):
    """Prints msg unless a check failed since failures had `since` entries."""
    if len(failures) == since:
        print(f"ok: {msg}", flush=True)


def table(msi, name):
    """The rows of one table as dicts, from `msiinfo export` (3 header lines, tab-separated).
    A null cell is ""."""
    lines = run(["msiinfo", "export", str(msi), name]).stdout.splitlines()
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"))) for line in lines[3:] if line]


def long_name(default_dir):
    """The target long name of a Filename or DefaultDir cell ("SHORT~1|long:source")."""
    return default_dir.split(":")[0].split("|")[-1]


def table_windows_system_rows():
    """[(browser, key, family)] from the install table's Windows system rows, read from
    host/lib/install_targets.cc; also fails unless each is HKLM in the 64-bit view."""
    src = (REPO / "host/lib/install_targets.cc").read_text()
    keys = dict(re.findall(r'constexpr std::string_view (k\w+Key)\s*=\s*R"\((.*?)\)";', src, re.S))
    rows = re.findall(r"InstallTarget\{B::(\w+), O::windows, L::system, Base::(\w+), (\w+), "
                      r"RegistryView::(\w+),", src)
    if not rows or not keys or len(rows) != src.count("O::windows, L::system"):
        fail("cannot read the Windows system rows of host/lib/install_targets.cc (did its "
             "format change?)")
        return []
    out = []
    for browser, base, key_name, view in rows:
        if base != "hklm" or view != "view64":
            fail(f"install table: {browser}'s Windows system row is {base}/{view}; the MSI "
                 "writes HKLM in the 64-bit view")
        if key_name not in keys:
            fail(f"install table: {browser}'s key {key_name} is not a kXxxKey constant")
            continue
        out.append((browser, keys[key_name], "firefox" if browser == "firefox" else "chromium"))
    return out


def install_paths(msi):
    """{Directory id: path under TARGETDIR, e.g. "ProgramFiles64Folder/Postguard/rules"}."""
    rows = {r["Directory"]: r for r in table(msi, "Directory")}
    paths = {}

    def path(d):
        if d not in paths:
            r = rows[d]
            if not r["Directory_Parent"] or r["Directory_Parent"] == d:
                paths[d] = ""
            else:
                parent, name = path(r["Directory_Parent"]), long_name(r["DefaultDir"])
                own = d if r["Directory_Parent"] == "TARGETDIR" else name
                paths[d] = parent if own == "." else f"{parent}/{own}".lstrip("/")
        return paths[d]

    for d in rows:
        path(d)
    return paths


def check_summary(msi):
    since = len(failures)
    info = {r["PropertyId"]: r["Value"] for r in table(msi, "_SummaryInformation")}
    if info.get("7") != "x64;1033":
        fail(f"summary: template (PID 7) is {info.get('7')!r}, want 'x64;1033'")
    if int(info.get("14") or 0) < 200:
        fail(f"summary: page count (PID 14) is {info.get('14')!r}; x64 packages need >= 200")
    words = int(info.get("15") or 0)
    if words & WORDCOUNT_NO_ELEVATION:
        fail(f"summary: word count (PID 15) is {words}: bit 8 makes it a per-user package")
    if not words & WORDCOUNT_COMPRESSED:
        fail(f"summary: word count (PID 15) is {words}: files not marked compressed")
    props = {r["Property"]: r["Value"] for r in table(msi, "Property")}
    if props.get("ALLUSERS") != "1":
        fail(f"Property: ALLUSERS is {props.get('ALLUSERS')!r}, want '1' (per machine)")
    if "MSIINSTALLPERUSER" in props:
        fail("Property: MSIINSTALLPERUSER is set")
    ok(f"per machine: ALLUSERS=1, word count {words}, page count {info.get('14')}, x64 template", since)
    return props


def check_upgrades(msi, props, version):
    since = len(failures)
    if props.get("ProductVersion") != version:
        fail(f"ProductVersion is {props.get('ProductVersion')!r}, want {version} (CMakeLists.txt)")
    if props.get("UpgradeCode") != UPGRADE_CODE:
        fail(f"UpgradeCode is {props.get('UpgradeCode')!r}, want {UPGRADE_CODE}: changing it "
             "makes a new MSI install beside the old one instead of replacing it")
    if not re.fullmatch(r"\{[0-9A-F-]{36}\}", props.get("ProductCode", "")):
        fail(f"ProductCode is {props.get('ProductCode')!r}")
    upgrades = table(msi, "Upgrade")
    older = [u for u in upgrades if u["VersionMax"] == version and u["UpgradeCode"] == UPGRADE_CODE
             and not int(u["Attributes"]) & 2 and u["ActionProperty"] == "WIX_UPGRADE_DETECTED"]
    newer = [u for u in upgrades if u["VersionMin"] == version and u["UpgradeCode"] == UPGRADE_CODE
             and int(u["Attributes"]) & 2 and u["ActionProperty"] == "WIX_DOWNGRADE_DETECTED"]
    if not older or not newer:
        fail(f"Upgrade rows {upgrades}: want one removing versions below {version} and one "
             "detecting newer ones")
    conds = {r["Condition"] for r in table(msi, "LaunchCondition")}
    if "NOT WIX_DOWNGRADE_DETECTED" not in conds:
        fail(f"LaunchCondition {conds}: nothing refuses a downgrade")
    seq = {r["Action"]: int(r["Sequence"]) for r in table(msi, "InstallExecuteSequence")}
    if not seq.get("FindRelatedProducts") or not (
            seq.get("InstallValidate", 0) < seq.get("RemoveExistingProducts", 0)
            < seq.get("InstallInitialize", 0)):
        fail(f"InstallExecuteSequence: FindRelatedProducts/RemoveExistingProducts missing or "
             f"misplaced: {seq}")
    ok(f"upgrades: version {version}, UpgradeCode {UPGRADE_CODE}, older replaced, newer refused", since)


def expected_files(bin_names):
    """{install path: source path in the checkout or None} of every file the MSI must hold."""
    base = "ProgramFiles64Folder/Postguard"
    want = {f"{base}/{n}": None for n in sorted(bin_names)}
    for family, name in MANIFEST_FILES.items():
        want[f"{base}/{name}"] = None
    for src in sorted((REPO / "rules").rglob("*.json")):
        want[f"{base}/rules/{src.relative_to(REPO / 'rules').as_posix()}"] = src
    return want


def check_files(msi, bin_names):
    since = len(failures)
    dirs = install_paths(msi)
    if dirs.get("INSTALLDIR") != "ProgramFiles64Folder/Postguard":
        fail(f"Directory: INSTALLDIR is {dirs.get('INSTALLDIR')!r}, want ProgramFiles64Folder/Postguard")
    components = {c["Component"]: c for c in table(msi, "Component")}
    in_feature = {r["Component_"] for r in table(msi, "FeatureComponents")}
    files = table(msi, "File")
    got = {}
    for f in files:
        comp = components.get(f["Component_"])
        if comp is None:
            fail(f"File {f['File']}: no component {f['Component_']}")
            continue
        got[f"{dirs[comp['Directory_']]}/{long_name(f['FileName'])}"] = f
    want = expected_files(bin_names)
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    if missing:
        fail(f"File: missing {missing}")
    if extra:
        fail(f"File: unexpected {extra}")
    for name, c in components.items():
        if not int(c["Attributes"]) & COMPONENT_64BIT:
            fail(f"Component {name}: attributes {c['Attributes']} lack 64-bit (256)")
        if name not in in_feature:
            fail(f"Component {name}: in no feature, so never installed")
        if not c["KeyPath"]:
            fail(f"Component {name}: no key path")
    media = table(msi, "Media")
    if not media or not all(m["Cabinet"].startswith("#") for m in media):
        fail(f"Media {media}: the cabinet is not embedded")
    ok(f"files: {len(got)} in ProgramFiles64Folder\\Postguard ({len(bin_names)} from --bin-dir, "
       f"2 manifests, {len(want) - len(bin_names) - 2} rule packs), {len(components)} "
       "components, all 64-bit and in the feature", since)
    return {f["File"]: f for f in files}, components


def check_registry(msi, files, components):
    since = len(failures)
    # [#id] expands to the full path of File row `id`: it must be the manifest beside the host.
    for family, fid in MANIFEST_IDS.items():
        f = files.get(fid)
        if f is None or long_name(f["FileName"]) != MANIFEST_FILES[family] or \
                components[f["Component_"]]["Directory_"] != "INSTALLDIR":
            fail(f"File {fid}: want {MANIFEST_FILES[family]} in INSTALLDIR, got {f}")
    rows = table_windows_system_rows()
    if not rows:
        return
    family_of_key = {}
    for browser, key, family in rows:
        if family_of_key.setdefault(key, family) != family:
            fail(f"install table: {key} is shared by Chromium and Firefox browsers")
    missing_required = REQUIRED_KEYS - set(family_of_key)
    if missing_required:
        fail(f"install table: no Windows system row for {sorted(missing_required)}")
    want = set()
    for key, family in family_of_key.items():
        want.add((HKLM, key, "", f"[#{MANIFEST_IDS[family]}]"))
        want.add((HKLM, key, "-", ""))
    reg = table(msi, "Registry")
    got = {(r["Root"], r["Key"], r["Name"], r["Value"]) for r in reg}
    if got != want:
        fail(f"Registry: missing {sorted(want - got)}, unexpected {sorted(got - want)}")
    # The keys live and die with the manifest they point at.
    for r in reg:
        family = family_of_key.get(r["Key"])
        if family is None:
            continue  # reported above as unexpected
        manifest = files.get(MANIFEST_IDS[family])
        if manifest is None or r["Component_"] != manifest["Component_"]:
            fail(f"Registry {r['Key']}: in component {r['Component_']}, not the one of its manifest")
    ok(f"registry: {len(family_of_key)} HKLM keys = the install table's Windows system rows "
       f"({', '.join(b for b, _, _ in rows)}), default value [#manifest], removed on uninstall", since)


def extracted(path):
    try:
        return path.read_bytes()
    except OSError as e:
        fail(f"not in the cabinet: {e}")
        return None


def check_contents(msi, bin_dir, bin_names):
    since = len(failures)
    with tempfile.TemporaryDirectory(prefix="pg-msi-") as tmp:
        run(["msiextract", "-C", tmp, str(msi)])
        root = Path(tmp) / "Postguard"
        for family, name in MANIFEST_FILES.items():
            data = extracted(root / name)
            if data is None:
                continue
            if data.startswith(b"\xef\xbb\xbf"):
                fail(f"{name}: starts with a BOM")
            template = json.loads((REPO / "manifests" / family / f"{HOST_NAME}.json").read_text())
            want = dict(template, path="postguard-host.exe")
            got = json.loads(data.decode("utf-8-sig"))
            if got != want:
                fail(f"{name} is {got}, want {want}")
            if not (root / got.get("path", "")).is_file():
                fail(f"{name}: path {got.get('path')!r} is not a file next to the manifest")
        for src in sorted((REPO / "rules").rglob("*.json")):
            data = extracted(root / "rules" / src.relative_to(REPO / "rules"))
            if data is not None and data != src.read_bytes():
                fail(f"rules/{src.relative_to(REPO / 'rules')}: differs from the checkout")
        if bin_dir is not None:
            for n in sorted(bin_names):
                data = extracted(root / n)
                if data is not None and data != (bin_dir / n).read_bytes():
                    fail(f"{n}: differs from {bin_dir / n}")
    ok("contents: manifests name org.postguard.host, postguard-host.exe beside them and our "
       "extension; rule packs" + (" and binaries" if bin_dir else "") + " byte-identical", since)


def bin_names_of(msi, bin_dir):
    if bin_dir is not None:
        return {p.name for p in bin_dir.iterdir()
                if p.name in ("postguard.exe", "postguard-host.exe") or p.suffix.lower() == ".dll"}
    # Without --bin-dir, the DLLs are whatever the MSI holds; the two programs are required.
    dlls = {long_name(f["FileName"]) for f in table(msi, "File")
            if long_name(f["FileName"]).lower().endswith(".dll")}
    return {"postguard.exe", "postguard-host.exe"} | dlls


def check_msi(msi, bin_dir):
    version = project_version()
    bin_names = bin_names_of(msi, bin_dir)
    props = check_summary(msi)
    check_upgrades(msi, props, version)
    files, components = check_files(msi, bin_names)
    check_registry(msi, files, components)
    check_contents(msi, bin_dir, bin_names)


def write_fixture(bin_dir, names):
    bin_dir.mkdir(parents=True, exist_ok=True)
    for n in names:
        (bin_dir / n).write_text(FIXTURE_NOTE.format(name=n))


def check_refusals(tmp):
    since = len(failures)
    script = REPO / "scripts" / "package-msi.sh"
    for present, missing in (({"postguard.exe"}, "postguard-host.exe"),
                             ({"postguard-host.exe"}, "postguard.exe")):
        d = tmp / f"without-{missing}"
        write_fixture(d, present)
        p = run(["bash", str(script), "--bin-dir", str(d), "--out", str(tmp / "no.msi")],
                check=False)
        want = (f"package-msi.sh: {missing} is missing from '{d}' (the MSI needs the Windows "
                "builds of postguard.exe and postguard-host.exe)\n")
        if p.returncode != 1 or p.stderr != want or (tmp / "no.msi").exists():
            fail(f"package-msi.sh without {missing}: exit {p.returncode}, stderr {p.stderr!r}; "
                 f"want exit 1, {want!r} and no MSI")
    ok("package-msi.sh refuses a --bin-dir without postguard.exe or postguard-host.exe", since)


def run_fixture():
    since = len(failures)
    with tempfile.TemporaryDirectory(prefix="pg-msi-fixture-") as t:
        tmp = Path(t)
        check_refusals(tmp)
        bin_dir = tmp / "bin"
        write_fixture(bin_dir, ["postguard.exe", "postguard-host.exe", "libfixture-1.dll"])
        msi = tmp / "postguard.msi"
        p = run(["bash", str(REPO / "scripts" / "package-msi.sh"), "--bin-dir", str(bin_dir),
                 "--out", str(msi)], check=False)
        if p.returncode != 0 or not msi.is_file():
            fail(f"package-msi.sh exited {p.returncode}: {p.stdout}{p.stderr}")
            return
        ok(f"package-msi.sh built an MSI from fixture binaries ({msi.stat().st_size} bytes)", since)
        check_msi(msi, bin_dir)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("msi", nargs="?", type=Path)
    ap.add_argument("--bin-dir", type=Path, help="the --bin-dir the MSI was built from")
    ap.add_argument("--fixture", action="store_true",
                    help="build the MSI from stand-in binaries, then check it")
    args = ap.parse_args()
    if args.fixture == (args.msi is not None):
        ap.error("give either an MSI or --fixture")
    for tool in ("msiinfo", "msiextract", "wixl", "wixl-heat"):
        if shutil.which(tool) is None:
            print(f"FAIL: {tool} not found (scripts/install-deps.sh installs msitools and wixl)")
            return 1
    if args.fixture:
        run_fixture()
    else:
        check_msi(args.msi, args.bin_dir)
    if failures:
        print(f"{len(failures)} checks failed")
        return 1
    print("all MSI checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
