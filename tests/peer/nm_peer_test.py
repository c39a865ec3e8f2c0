#!/usr/bin/env python3
"""A native-messaging peer written apart from the C++ code, speaking to the real host.

    python3 nm_peer_test.py <postguard-host binary> <source rules dir>

It starts the host the way Chromium does (argv[1] = a chrome-extension:// origin) with
POSTGUARD_RULES_DIR pointing at a tiny pack it writes and POSTGUARD_LOG_DIR at a temp dir,
then checks hello, check (spans computed here in UTF-16, as JavaScript counts), every
malformed input (and that the host still answers after each), the 1 MiB answer cap, a cut
stream, EOF, and that the log never holds the post text. Standard library only.
Prints "N passed, M failed" and exits non-zero on any failure.
"""

import json
import os
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time

ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"
MARKER = "zebracorn"  # in every post; must never reach the log
TIMEOUT = 30.0
MAX_ANSWER = 1024 * 1024

DEMO_PACK = {
    "format": 1, "id": "demo", "kind": "policy", "name": "Demo", "source": "Demo policy",
    "rules": [{
        "id": "demo.secret", "category": "confidentiality", "severity": "error",
        "message": "Secret stuff.", "clause": "Demo policy, 1", "suggestion": "Remove it.",
        "match": {"phrases": ["top secret", "draft standard"]},
        "examples": {"trigger": ["top secret plan", "the draft standard says"],
                     "clean": ["a secret", "the standard says"]},
    }],
}

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, flush=True)
    return cond


def u16(s):
    """Length in UTF-16 code units: what a JavaScript string index counts."""
    return len(s.encode("utf-16-le")) // 2


def header(n):
    return struct.pack("=I", n)  # native byte order, 4 bytes


def frame(payload):
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return header(len(payload)) + payload


class Host:
    def __init__(self, exe, env, args=(ORIGIN,)):
        self.proc = subprocess.Popen([exe, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, bufsize=0)
        self.out = self.proc.stdout.fileno()
        self.last_length = None

    def send(self, data):
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
            return True
        except (BrokenPipeError, OSError):
            return False

    def _read_exact(self, n):
        buf = bytearray()
        deadline = time.monotonic() + TIMEOUT
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.out], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.out, min(65536, n - len(buf)))
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    def read(self):
        h = self._read_exact(4)
        if h is None:
            return None
        (n,) = struct.unpack("=I", h)
        self.last_length = n
        body = self._read_exact(n)
        if body is None:
            return None
        return json.loads(body.decode("utf-8"))

    def ask_raw(self, payload):
        if not self.send(frame(payload)):
            return None
        return self.read()

    def ask(self, obj, ensure_ascii=True):
        return self.ask_raw(json.dumps(obj, ensure_ascii=ensure_ascii))

    def close_stdin(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def wait(self, timeout=TIMEOUT):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def finish(self):
        self.close_stdin()
        code = self.wait()
        self.proc.stdout.close()
        return code


def make_env(tmp, rules_dir):
    env = dict(os.environ)
    env.pop("POSTGUARD_LOG_TEXT", None)
    env["POSTGUARD_RULES_DIR"] = rules_dir
    env["POSTGUARD_LOG_DIR"] = os.path.join(tmp, "log")
    env["POSTGUARD_DATA_DIR"] = os.path.join(tmp, "data")
    env["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    env["HOME"] = os.path.join(tmp, "home")
    for d in ("data", "config", "home"):
        os.makedirs(os.path.join(tmp, d), exist_ok=True)
    return env


def test_hello(host):
    a = host.ask({"id": 1, "type": "hello"})
    if not check(a is not None, "hello answered"):
        return
    check(a.get("type") == "hello", "hello type: %r" % a)
    check(a.get("id") == 1, "hello id")
    check(a.get("protocol") == 1, "hello protocol")
    check(isinstance(a.get("version"), str) and a["version"], "hello version")
    demo = [p for p in a.get("policies", []) if p.get("id") == "demo"]
    check(demo == [{"id": "demo", "name": "Demo", "source": "Demo policy", "rules": 1}],
          "hello lists the demo policy: %r" % a.get("policies"))


def test_spans(host):
    cases = [
        ("日本語の投稿 ", "top secret", " です"),
        ("👍🏽 " + MARKER + " ", "top secret", " 🎉"),
        ("👨‍👩‍👧 café ", "draft standard", "!"),
        ("🇬🇧 你好 𝐀 ", "TOP SECRET", "。"),
        ("", "top secret", " 😀😀😀"),
    ]
    for prefix, phrase, suffix in cases:
        text = prefix + phrase + suffix
        for ascii_only in (True, False):
            a = host.ask({"id": "s", "type": "check", "text": text, "policy": "demo"},
                         ensure_ascii=ascii_only)
            what = "spans for %r (ensure_ascii=%s): %r" % (text, ascii_only, a)
            if not check(a is not None and a.get("type") == "result", what):
                continue
            ws = a["warnings"]
            if not check(len(ws) == 1, what):
                continue
            w = ws[0]
            check(w["start"] == u16(prefix) and w["end"] == u16(prefix) + u16(phrase), what)
            # The span picks out exactly the phrase, as JavaScript's slice() would.
            units = text.encode("utf-16-le")
            picked = units[2 * w["start"]:2 * w["end"]].decode("utf-16-le")
            check(picked == phrase, what)
            check(w["rule"] == "demo.secret" and w["severity"] == "error"
                  and w["category"] == "confidentiality", what)


def test_options(host):
    for platform in ("twitter", "facebook", "linkedin", None):
        for role in ("personal", "official", None):
            req = {"id": 3, "type": "check", "text": "top secret " + MARKER, "policy": "demo"}
            if platform:
                req["platform"] = platform
            if role:
                req["role"] = role
            req["profile"] = {"bioDisclaimer": True}
            a = host.ask(req)
            check(a is not None and a.get("type") == "result" and a.get("policy") == "demo",
                  "check with platform=%s role=%s: %r" % (platform, role, a))
    a = host.ask({"id": 4, "type": "check", "text": "nothing here " + MARKER, "policy": "demo"})
    check(a is not None and a.get("warnings") == [] and "truncated" not in a,
          "clean text: %r" % a)


def malformed_inputs():
    dumps = json.dumps
    base = {"id": 5, "type": "check", "policy": "demo", "text": "x " + MARKER}
    return [
        ("zero-length frame", b"", "empty-frame", None),
        ("invalid JSON", b'{"id": 5, "type": ', "bad-json", None),
        ("not JSON at all", b"hello host", "bad-json", None),
        ("trailing data", b'{"id":5,"type":"hello"}]', "bad-json", None),
        ("invalid UTF-8", b'{"id":5,"type":"hello","x":"\xff\xfe"}', "bad-utf8", None),
        ("UTF-8 surrogate", b'{"id":5,"type":"hello","x":"\xed\xa0\x80"}', "bad-utf8", None),
        ("truncated UTF-8", b'{"id":5,"type":"hello","x":"\xe6\x97"}', "bad-utf8", None),
        ("NUL in text", dumps(dict(base, text="top\u0000secret " + MARKER)), "bad-text", 5),
        ("lone high surrogate", '{"id":5,"type":"check","policy":"demo","text":"a\\ud800 %s"}'
         % MARKER, "lone-surrogate", None),
        ("lone low surrogate", '{"id":5,"type":"check","policy":"demo","text":"\\udc00"}',
         "lone-surrogate", None),
        ("reversed pair", '{"id":5,"type":"check","policy":"demo","text":"\\ude00\\ud83d"}',
         "lone-surrogate", None),
        ("deep nesting", "[" * 100000, "too-deep", None),
        ("deep nesting in a field",
         '{"id":5,"type":"hello","x":' + "[" * 65 + "]" * 65 + "}", "too-deep", None),
        ("top-level array", dumps([1, 2, 3]), "bad-request", None),
        ("missing id", dumps({"type": "hello"}), "bad-request", None),
        ("id is a bool", dumps({"id": True, "type": "hello"}), "bad-request", None),
        ("id is a float", dumps({"id": 1.5, "type": "hello"}), "bad-request", None),
        ("empty id", dumps({"id": "", "type": "hello"}), "bad-request", None),
        ("oversized id", dumps({"id": "i" * 1000, "type": "hello"}), "bad-request", None),
        ("id beyond 2^53", dumps({"id": 2 ** 53, "type": "hello"}), "bad-request", None),
        ("missing type", dumps({"id": 5}), "bad-request", 5),
        ("type is a number", dumps({"id": 5, "type": 3}), "bad-request", 5),
        ("text is a number", dumps(dict(base, text=42)), "bad-request", 5),
        ("missing text", dumps({"id": 5, "type": "check", "policy": "demo"}), "bad-request", 5),
        ("missing policy", dumps({"id": 5, "type": "check", "text": "a"}), "bad-request", 5),
        ("platform is null", dumps(dict(base, platform=None)), "bad-request", 5),
        ("profile is a string", dumps(dict(base, profile="x")), "bad-request", 5),
        ("bioDisclaimer is a number", dumps(dict(base, profile={"bioDisclaimer": 1})),
         "bad-request", 5),
        ("unknown type", dumps({"id": "t", "type": "goodbye"}), "unknown-type", "t"),
        ("unknown policy", dumps(dict(base, policy="nope")), "unknown-policy", 5),
        ("unknown platform", dumps(dict(base, platform="myspace")), "unknown-platform", 5),
        ("unknown role", dumps(dict(base, role="admin")), "unknown-role", 5),
    ]


def test_malformed(host):
    for name, payload, code, want_id in malformed_inputs():
        a = host.ask_raw(payload)
        what = "%s -> %s: %r" % (name, code, a)
        if not check(a is not None, what + " (no answer)"):
            return False
        check(a.get("type") == "error" and a.get("code") == code, what)
        check(a.get("id") == want_id, what + " (id)")
        check(isinstance(a.get("message"), str) and a["message"], what + " (message)")
        check(MARKER not in a.get("message", ""), what + " (message quotes the text)")
        b = host.ask({"id": 6, "type": "check", "text": "top secret " + MARKER, "policy": "demo"})
        check(b is not None and b.get("type") == "result" and len(b.get("warnings", [])) == 1,
              "host still answers after %s: %r" % (name, b))
    return True


def test_answer_cap(host):
    n = 20000
    text = ("top secret %s " % MARKER) * n
    a = host.ask({"id": 7, "type": "check", "text": text, "policy": "demo"})
    if not check(a is not None, "huge post answered"):
        return
    check(host.last_length <= MAX_ANSWER, "answer of %d bytes is within 1 MiB" % host.last_length)
    check(a.get("truncated") is True, "huge answer is marked truncated")
    kept = len(a.get("warnings", []))
    check(kept > 0 and a.get("omitted") == n - kept,
          "kept %d + omitted %r == %d" % (kept, a.get("omitted"), n))
    step = u16("top secret %s " % MARKER)
    check(all(w["start"] == i * step for i, w in enumerate(a["warnings"])),
          "the first warnings are kept, in order")


def test_real_rules(exe, rules_dir, tmp):
    """The packs in the source tree are written concurrently: check shapes, not content."""
    if not os.path.isdir(rules_dir):
        print("note: no rules dir at %s; skipped" % rules_dir)
        return
    env = make_env(os.path.join(tmp, "real"), rules_dir)
    host = Host(exe, env)
    a = host.ask({"id": 1, "type": "hello"})
    check(a is not None and a.get("type") == "hello", "hello with the real packs: %r" % a)
    if a:
        check(isinstance(a.get("rulesErrors"), int), "rulesErrors is a count")
        for p in a.get("policies", []):
            check(isinstance(p.get("id"), str) and isinstance(p.get("name"), str)
                  and isinstance(p.get("source"), str) and isinstance(p.get("rules"), int),
                  "policy entry shape: %r" % p)
        for p in a.get("policies", []):
            r = host.ask({"id": 2, "type": "check", "text": "😀 日本 hello", "policy": p["id"]})
            check(r is not None and r.get("type") == "result" and isinstance(r.get("warnings"), list),
                  "check against %s: %r" % (p["id"], r))
    check(host.finish() == 0, "EOF exits 0 (real packs)")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, real_rules = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="postguard-peer-")
    try:
        rules = os.path.join(tmp, "rules")
        os.makedirs(rules)
        with open(os.path.join(rules, "demo.json"), "w", encoding="utf-8") as f:
            json.dump(DEMO_PACK, f)
        env = make_env(tmp, rules)

        host = Host(exe, env)
        test_hello(host)
        test_spans(host)
        test_options(host)
        test_malformed(host)
        test_answer_cap(host)
        test_hello(host)
        check(host.finish() == 0, "EOF at a frame boundary exits 0")

        log_path = os.path.join(tmp, "log", "postguard-host.log")
        if check(os.path.isfile(log_path), "log file at %s" % log_path):
            with open(log_path, "rb") as f:
                log = f.read()
            check(MARKER.encode() not in log, "the log never holds the post text")
            check(ORIGIN.encode() in log, "the log records the origin")
            check(b"error=too-deep" in log, "the log records errors")

        host = Host(exe, env)
        check(host.ask({"id": 1, "type": "hello"}) is not None, "second host answers")
        host.send(header(200) + b'{"id": 2, "type": "check", "te')
        check(host.finish() == 3, "a stream cut mid-frame exits 3")

        host = Host(exe, env)
        host.send(b"\x07\x00")
        check(host.finish() == 3, "a stream cut inside a header exits 3")

        host = Host(exe, env)
        host.send(header(64 * 1024 * 1024 + 1))
        check(host.wait() == 3, "a frame over 64 MiB exits 3 without waiting for the body")
        host.finish()

        host = Host(exe, env)
        check(host.finish() == 0, "EOF before any frame exits 0")

        test_real_rules(exe, real_rules, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
