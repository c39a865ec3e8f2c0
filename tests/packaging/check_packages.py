#!/usr/bin/env python3
"""Checks the .deb and .rpm that scripts/package.sh builds. Builds nothing itself.

    tests/packaging/check_packages.py build-package/packages/postguard_*.deb \
                                      build-package/packages/postguard-*.rpm

1. Contents (dpkg-deb -c / rpm -qlp --dump): every expected path is there with the right type
   and mode (binaries 0755, data 0644, directories 0755, owner root), and nothing else is.
2. Metadata (dpkg-deb -I / rpm -qip): name, version, the /etc manifests as conffiles
   (%config(noreplace) in the rpm), shared-library dependencies filled in.
3. Each host manifest, unpacked: names org.postguard.host, points at the installed
   postguard-host, and allows exactly our extension (chrome-extension://<id>/ or the Firefox id).
4. lintian on the .deb: errors fail, warnings and infos are listed.
5. As root with dpkg: purge any leftover install, `dpkg -i`, run `postguard doctor --format
   json` and `postguard policies --format json` (rules load, system manifests found, round
   trip ok), `dpkg -r` (only the conffiles stay), `dpkg -P` (nothing stays), and check that
   every file and every directory the package created is gone. Skipped with --no-install.

Exit status 0 when every check passed, 1 otherwise; each failure is printed as "FAIL: ...".
"""
import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging_common import project_version, run

REPO = Path(__file__).resolve().parents[2]
PREFIX = "/usr"
HOST = f"{PREFIX}/bin/postguard-host"
HOST_NAME = "org.postguard.host"
CHROMIUM_ORIGIN = "chrome-extension://acmnpiifhpicdffioflpmeemfieahodg/"
FIREFOX_ID = "postguard@postguard.org"
POLICY_IDS = {"isoiec-committee", "iso-staff", "iet", "iom", "ico"}
# The Linux system rows of host/lib/install_targets.cc (Chrome and Brave share a directory).
CHROMIUM_DIRS = [
    "/etc/opt/chrome/native-messaging-hosts",
    "/etc/chromium/native-messaging-hosts",
    "/etc/opt/edge/native-messaging-hosts",
    "/etc/opt/vivaldi/native-messaging-hosts",
]
FIREFOX_DIR = "/usr/lib/mozilla/native-messaging-hosts"
FIREFOX_DIR_RPM = "/usr/lib64/mozilla/native-messaging-hosts"
CONFFILES = sorted(f"{d}/{HOST_NAME}.json" for d in CHROMIUM_DIRS)

failures = []


def fail(msg):
    failures.append(msg)
    print(f"FAIL: {msg}", flush=True)


def ok(msg):
    print(f"ok: {msg}", flush=True)


def expected_files(kind):
    """{absolute path: mode} of every regular file the package must hold."""
    files = {f"{PREFIX}/bin/postguard": 0o755, HOST: 0o755}
    for src in sorted((REPO / "rules").rglob("*.json")):
        files[f"{PREFIX}/share/postguard/rules/{src.relative_to(REPO / 'rules')}"] = 0o644
    ent = REPO / "installers" / "enterprise"
    for src in sorted(p for p in ent.rglob("*") if p.is_file()):
        files[f"{PREFIX}/share/postguard/enterprise/{src.relative_to(ent)}"] = 0o644
    for page in ("postguard", "postguard-host"):
        files[f"{PREFIX}/share/man/man1/{page}.1.gz"] = 0o644
    for d in CHROMIUM_DIRS + [FIREFOX_DIR]:
        files[f"{d}/{HOST_NAME}.json"] = 0o644
    if kind == "deb":
        files[f"{PREFIX}/share/doc/postguard/copyright"] = 0o644
        files[f"{PREFIX}/share/doc/postguard/changelog.gz"] = 0o644
        files[f"{PREFIX}/share/lintian/overrides/postguard"] = 0o644
    else:
        files[f"{FIREFOX_DIR_RPM}/{HOST_NAME}.json"] = 0o644
    return files


def deb_entries(deb):
    """{path: (type char, mode, owner)} from dpkg-deb -c."""
    out = {}
    for line in run(["dpkg-deb", "-c", deb]).stdout.splitlines():
        # drwxr-xr-x root/root         0 2026-11-21 22:30 ./etc/
        parts = line.split(None, 5)
        perms, owner, name = parts[0], parts[1], parts[5]
        name = name.split(" -> ")[0]
        path = "/" + name.lstrip("./").rstrip("/") if name not in ("./", ".") else "/"
        out[path] = (perms[0], stat.S_IMODE(_mode_from_string(perms)), owner)
    return out


def _mode_from_string(perms):
    mode = 0
    for i, ch in enumerate(perms[1:10]):
        if ch != "-":
            mode |= 1 << (8 - i)
    return mode


def rpm_entries(rpm):
    """{path: (type char, mode, owner)} from rpm -qp --dump."""
    out = {}
    # path size mtime digest mode owner group isconfig isdoc rdev symlink
    for line in run(["rpm", "-qp", "--dump", rpm]).stdout.splitlines():
        f = line.split(" ")
        mode = int(f[4], 8)
        kind = "d" if stat.S_ISDIR(mode) else "l" if stat.S_ISLNK(mode) else "-"
        out[f[0]] = (kind, stat.S_IMODE(mode), f"{f[5]}/{f[6]}")
    return out


def check_contents(kind, entries):
    want = expected_files(kind)
    for path, mode in want.items():
        got = entries.get(path)
        if got is None:
            fail(f"{kind}: {path} is missing")
        elif got[0] != "-":
            fail(f"{kind}: {path} is not a regular file ({got[0]})")
        elif got[1] != mode:
            fail(f"{kind}: {path} has mode {got[1]:04o}, want {mode:04o}")
    for path, (t, mode, owner) in sorted(entries.items()):
        if owner != "root/root":
            fail(f"{kind}: {path} is owned by {owner}, want root/root")
        if t == "d":
            if mode != 0o755:
                fail(f"{kind}: directory {path} has mode {mode:04o}, want 0755")
            if not any(f.startswith(path.rstrip("/") + "/") for f in want) and not (
                    kind == "rpm" and path.startswith("/usr/lib/.build-id")):
                fail(f"{kind}: unexpected directory {path}")
        elif kind == "rpm" and (path + "/").startswith("/usr/lib/.build-id/"):
            pass  # rpmbuild's build-id links to the two binaries (and their directories)
        elif path not in want:
            fail(f"{kind}: unexpected {path}")
    if kind == "deb" and any(p.startswith("/usr/lib64") for p in entries):
        fail("deb: has /usr/lib64 (Debian's Firefox reads /usr/lib/mozilla only)")
    ok(f"{kind}: {len(want)} expected files checked against {len(entries)} entries")


def check_deb_metadata(deb, version):
    info = run(["dpkg-deb", "-I", deb]).stdout
    field = lambda name: (re.search(rf"^ {name}: (.*)$", info, re.M) or [None, None])[1]
    for name, want in [("Package", "postguard"), ("Version", version), ("Section", "utils"),
                       ("Priority", "optional"), ("Architecture", None), ("Maintainer", None),
                       ("Homepage", None), ("Description", None)]:
        got = field(name)
        if got is None or (want is not None and got != want):
            fail(f"deb: control field {name} is {got!r}, want {want or 'a value'}")
    depends = field("Depends") or ""
    for lib in ("libc6", "libstdc++6", "libicu", "libre2"):
        if lib not in depends:
            fail(f"deb: Depends lacks {lib} (dpkg-shlibdeps did not run?): {depends!r}")
    conffiles = sorted(
        run(["dpkg-deb", "-I", deb, "conffiles"]).stdout.split())
    if conffiles != CONFFILES:
        fail(f"deb: conffiles are {conffiles}, want {CONFFILES}")
    ok(f"deb: control fields, Depends ({depends}) and conffiles")


def check_rpm_metadata(rpm, version):
    q = lambda fmt: run(["rpm", "-qp", "--qf", fmt, rpm]).stdout
    for tag, want in [("NAME", "postguard"), ("VERSION", version), ("LICENSE", None),
                      ("GROUP", None), ("URL", None), ("SUMMARY", None)]:
        got = q(f"%{{{tag}}}")
        if not got or got == "(none)" or (want is not None and got != want):
            fail(f"rpm: {tag} is {got!r}, want {want or 'a value'}")
    if "CPack" in q("%{DESCRIPTION}"):
        fail("rpm: the description is CPack's default")
    if q("%{CHANGELOGTEXT}") in ("", "(none)"):
        fail("rpm: no %changelog")
    config = sorted(run(["rpm", "-qp", "--configfiles", rpm]).stdout.split())
    if config != CONFFILES:
        fail(f"rpm: config files are {config}, want {CONFFILES}")
    # %config(noreplace): fileflags bit 4 (RPMFILE_NOREPLACE) on each.
    flags = run(["rpm", "-qp", "--qf", "[%{FILENAMES} %{FILEFLAGS}\n]", rpm]).stdout
    for line in flags.splitlines():
        path, fl = line.rsplit(" ", 1)
        if path in CONFFILES and not int(fl) & 16:
            fail(f"rpm: {path} is %config without noreplace")
    requires = run(["rpm", "-qp", "--requires", rpm]).stdout
    for lib in ("libc.so.6", "libstdc++.so.6", "libicuuc.so", "libre2.so"):
        if lib not in requires:
            fail(f"rpm: Requires lacks {lib} (AUTOREQ off?)")
    ok("rpm: header tags, %changelog, %config(noreplace) files and Requires")


def check_manifests(kind, root):
    dirs = CHROMIUM_DIRS + [FIREFOX_DIR] + ([FIREFOX_DIR_RPM] if kind == "rpm" else [])
    for d in dirs:
        f = Path(root) / d.lstrip("/") / f"{HOST_NAME}.json"
        try:
            m = json.loads(f.read_text())
        except (OSError, ValueError) as e:
            fail(f"{kind}: {d}/{HOST_NAME}.json: {e}")
            continue
        firefox = "mozilla" in d
        want = {"name": HOST_NAME, "description": m.get("description"), "path": HOST,
                "type": "stdio"}
        if firefox:
            want["allowed_extensions"] = [FIREFOX_ID]
        else:
            want["allowed_origins"] = [CHROMIUM_ORIGIN]
        if m != want or not m.get("description"):
            fail(f"{kind}: {d}/{HOST_NAME}.json is {m}, want {want}")
    ok(f"{kind}: {len(dirs)} manifests name {HOST_NAME}, {HOST} and the right extension")


def unpack(kind, pkg, dest):
    if kind == "deb":
        run(["dpkg-deb", "-x", pkg, dest])
    else:
        # rpm2archive (in Debian's rpm) turns the payload into a .tar.gz; no cpio needed.
        with open(pkg, "rb") as f:
            tgz = subprocess.run(["rpm2archive", "-"], stdin=f, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-xzf", "-", "-C", str(dest)], input=tgz, check=True)


def check_lintian(deb):
    if shutil.which("lintian") is None:
        fail("lintian is not installed (scripts/install-deps.sh)")
        return
    # -I: also infos; --pedantic: also pedantic tags. Exit 1 means a tag at --fail-on error.
    p = run(["lintian", "-I", "--pedantic", "--fail-on", "error", "--tag-display-limit", "0",
             deb], check=False)
    lines = [line for line in p.stdout.splitlines() if re.match(r"^[EWIPX]: ", line)]
    # What the package's overrides (cmake/packaging/postguard.lintian-overrides) silence, as
    # "O:" lines, for the log only (lintian 2.116 exits 2 with --show-overrides).
    o = run(["lintian", "--show-overrides", "--pedantic", deb], check=False)
    lines += [line for line in o.stdout.splitlines() if line.startswith("O: ")]
    print("lintian:" + ("".join(f"\n  {line}" for line in lines) or " clean"))
    errors = [line for line in lines if line.startswith("E: ")]
    if errors:
        fail(f"lintian: {len(errors)} errors")
    elif p.returncode != 0:
        fail(f"lintian exited {p.returncode}: {p.stderr}")
    else:
        ok(f"lintian: no errors ({sum(l.startswith('W: ') for l in lines)} warnings)")


def dpkg_status():
    p = run(["dpkg-query", "-W", "-f=${db:Status-Status}", "postguard"], check=False)
    return p.stdout.strip() if p.returncode == 0 else "not-installed"


# Directories the package puts files under that are the system's, not ours (FHS). dpkg -P
# removes them when they are empty and no other package owns them; we put them back.
SYSTEM_DIRS = ["/etc/opt", "/usr/lib/mozilla", "/usr/lib64/mozilla", "/usr/share/man/man1",
               "/usr/share/lintian/overrides"]


def purge_leftover():
    if dpkg_status() not in ("not-installed", ""):
        print(f"removing a leftover postguard ({dpkg_status()}) first")
        there = [d for d in SYSTEM_DIRS if os.path.isdir(d)]
        run(["dpkg", "--purge", "postguard"])
        for d in there:
            os.makedirs(d, mode=0o755, exist_ok=True)


def check_install(deb, version, entries):
    purge_leftover()
    files = sorted(p for p, (t, _, _) in entries.items() if t != "d")
    dirs = sorted(p for p, (t, _, _) in entries.items() if t == "d")
    existing_dirs = {d for d in dirs if os.path.isdir(d)}
    strays = [f for f in files if os.path.lexists(f)]
    if strays:
        fail("files of the package exist before installing it (not owned by any package; "
             f"remove them by hand): {strays}")
        return
    try:
        run(["dpkg", "-i", deb])
        ok("dpkg -i")
        for f in files:
            if not os.path.isfile(f):
                fail(f"installed: {f} is missing")
        out = run(["/usr/bin/postguard", "--version"], check=False).stdout
        if version not in out:
            fail(f"postguard --version says {out!r}, want {version}")

        # A clean environment: no user manifests, no extra rule dirs, no staging root.
        home = tempfile.mkdtemp(prefix="pg-check-home-")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("POSTGUARD_") and k != "XDG_CONFIG_HOME"}
        env["HOME"] = home
        try:
            check_policies(env)
            check_doctor(env)
        finally:
            shutil.rmtree(home, ignore_errors=True)

        run(["dpkg", "-r", "postguard"])
        left = [f for f in files if os.path.lexists(f)]
        if left != CONFFILES:
            fail(f"after dpkg -r, left: {left}; want only the conffiles {CONFFILES}")
        else:
            ok("dpkg -r removed everything but the conffiles")
    finally:
        if dpkg_status() not in ("not-installed", ""):
            run(["dpkg", "--purge", "postguard"], check=False)
    # dpkg -P also removes an empty directory that existed before but that no other package
    # owns (e.g. /etc/opt); put those back so this check leaves the machine as it found it.
    for d in sorted(existing_dirs):
        if not os.path.isdir(d):
            os.makedirs(d, mode=0o755, exist_ok=True)
            print(f"note: dpkg -P removed {d}, which existed before (unowned, empty); recreated")
    left = [f for f in files if os.path.lexists(f)]
    left += [d for d in dirs if d not in existing_dirs and os.path.lexists(d)]
    if left:
        fail(f"after dpkg -P, still there: {left}")
    else:
        ok(f"dpkg -P removed all {len(files)} files and the "
           f"{len([d for d in dirs if d not in existing_dirs])} directories it created")


def check_policies(env):
    p = run(["/usr/bin/postguard", "policies", "--format", "json"], check=False, env=env)
    if p.returncode != 0:
        fail(f"postguard policies exited {p.returncode}: {p.stderr}")
        return
    report = json.loads(p.stdout)
    ids = {pol["id"] for pol in report["policies"]}
    rules_dir = f"{PREFIX}/share/postguard/rules"
    if not POLICY_IDS <= ids:
        fail(f"postguard policies: ids {sorted(ids)}, want {sorted(POLICY_IDS)}")
    for pol in report["policies"]:
        if pol["id"] in POLICY_IDS and not pol["path"].startswith(rules_dir + "/"):
            fail(f"postguard policies: {pol['id']} loaded from {pol['path']}, not {rules_dir}")
        if pol.get("ruleCount", 0) <= 0:
            fail(f"postguard policies: {pol['id']} has no rules")
    if report.get("errors"):
        fail(f"postguard policies: errors {report['errors']}")
    ok(f"postguard policies: {sorted(ids)} from {rules_dir}")


def check_doctor(env):
    p = run(["/usr/bin/postguard", "doctor", "--format", "json"], check=False, env=env)
    try:
        report = json.loads(p.stdout)
    except ValueError:
        fail(f"postguard doctor exited {p.returncode} without JSON: {p.stdout}{p.stderr}")
        return
    for c in report["checks"]:
        if not c["ok"]:
            fail(f"doctor: {c['group']} / {c['subject']} {c['path']}: {c['message']} "
                 f"(fix: {c['fix']})")
    seen = {c["path"] for c in report["checks"] if c["subject"] == "system manifest" and c["ok"]}
    # /usr/lib64/mozilla is in the rpm only; doctor looks there only where /usr/lib64 exists.
    for d in CHROMIUM_DIRS + [FIREFOX_DIR]:
        if f"{d}/{HOST_NAME}.json" not in seen:
            fail(f"doctor did not find the system manifest {d}/{HOST_NAME}.json "
                 f"(found: {sorted(seen)})")
    trips = [c for c in report["checks"] if c["subject"] == "round trip"]
    if not trips or any(not c["ok"] or c["path"] != HOST for c in trips):
        fail(f"doctor: round trips {trips}, want each ok with {HOST}")
    if not any(c["group"] == "Rules" and c["ok"] for c in report["checks"]):
        fail("doctor: no passing Rules check")
    if not report["ok"] or p.returncode != 0:
        fail(f"doctor: ok={report['ok']}, exit {p.returncode}, {report['problems']} problems")
    else:
        ok(f"postguard doctor: all green ({len(report['checks'])} checks, "
           f"{len(trips)} round trips to {HOST}; absent: {report['absent']})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("deb")
    ap.add_argument("rpm")
    ap.add_argument("--no-install", action="store_true", help="skip the dpkg -i/-r/-P part")
    args = ap.parse_args()
    version = project_version()
    for tool in ("dpkg-deb", "rpm", "rpm2archive", "tar"):
        if shutil.which(tool) is None:
            print(f"FAIL: {tool} not found (scripts/install-deps.sh)")
            return 1

    deb_e = deb_entries(args.deb)
    rpm_e = rpm_entries(args.rpm)
    check_contents("deb", deb_e)
    check_contents("rpm", rpm_e)
    check_deb_metadata(args.deb, version)
    check_rpm_metadata(args.rpm, version)
    with tempfile.TemporaryDirectory(prefix="pg-check-") as tmp:
        for kind, pkg in (("deb", args.deb), ("rpm", args.rpm)):
            dest = Path(tmp) / kind
            dest.mkdir()
            unpack(kind, pkg, dest)
            check_manifests(kind, dest)
    check_lintian(args.deb)

    if args.no_install:
        print("skipped: installing (--no-install)")
    elif os.geteuid() != 0 or shutil.which("dpkg") is None:
        print("skipped: installing the .deb (needs root and dpkg)")
    else:
        check_install(args.deb, version, deb_e)

    if failures:
        print(f"{len(failures)} checks failed")
        return 1
    print("all package checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
