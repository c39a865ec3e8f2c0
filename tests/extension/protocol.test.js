"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const P = require("../../extension/shared/protocol.js");

const ROOT = path.join(__dirname, "..", "..");

test("message types and host name", () => {
  assert.deepEqual(P.MSG, {
    CONTENT_CHECK: "content:check",
    OPTIONS_GET_STATE: "options:get-state",
    OPTIONS_RETRY_HOST: "options:retry-host",
    BACKGROUND_RECHECK: "background:recheck",
  });
  assert.equal(P.HOST_NAME, "org.postguard.host");
  assert.deepEqual(P.EXT_ERRORS, { HOST_NOT_FOUND: "host-not-found", HOST_EXITED: "host-exited", TIMEOUT: "timeout" });
  assert.deepEqual([...P.SITES], ["twitter", "facebook", "linkedin"]);
  assert.deepEqual([...P.ROLES], ["personal", "official"]);
  assert.equal(P.DEFAULT_TIMEOUT_MS, 5000);
});

test("host error codes mirror host/lib/error_codes.h (names and numbers)", () => {
  const header = fs.readFileSync(path.join(ROOT, "host/lib/error_codes.h"), "utf8");
  const numbers = {}; // enum member -> number
  for (const m of header.matchAll(/^\s*([a-z0-9_]+) = (\d+),/gm)) numbers[m[1]] = Number(m[2]);
  const names = [...header.matchAll(/\{ErrorCode::([a-z0-9_]+), "([a-z0-9-]+)"\}/g)].map((m) => ({ name: m[2], number: numbers[m[1]] }));
  assert.ok(names.length >= 12, "parsed the header");
  assert.deepEqual(P.HOST_ERRORS.map((e) => ({ ...e })), names);
  for (const { name, number } of names) {
    assert.equal(P.HOST_ERROR_NUMBERS[name], number);
    assert.equal(P.isHostErrorCode(name), true);
  }
  assert.equal(P.isHostErrorCode("host-not-found"), false);
});

test("host error codes match the table in docs/protocol.md", () => {
  const doc = fs.readFileSync(path.join(ROOT, "docs/protocol.md"), "utf8");
  const rows = [...doc.matchAll(/^\|\s*(\d+)\s*\|\s*`([a-z0-9-]+)`\s*\|/gm)].map((m) => ({ name: m[2], number: Number(m[1]) }));
  assert.deepEqual(P.HOST_ERRORS.map((e) => ({ ...e })), rows);
});

test("every code has a plain message and a fix", () => {
  const codes = [...P.HOST_ERRORS.map((e) => e.name), ...Object.values(P.EXT_ERRORS), "something-new"];
  for (const code of codes) {
    assert.equal(typeof P.messageFor(code), "string", code);
    assert.ok(P.messageFor(code).length > 20, code);
    assert.ok(P.fixFor(code).length > 20, code);
  }
});

test("the host-not-found fix says where the host manifest goes in each browser", () => {
  const fix = P.fixFor("host-not-found");
  assert.match(fix, /postguard install --user/);
  assert.match(fix, /org\.postguard\.host\.json/);
  assert.match(fix, /~\/\.config\/chromium\/NativeMessagingHosts\//);
  assert.match(fix, /~\/\.config\/google-chrome\/NativeMessagingHosts\//);
  assert.match(fix, /~\/\.mozilla\/native-messaging-hosts\//);
  assert.match(fix, /Install the host/);
  assert.match(fix, /chrome-extension:\/\/acmnpiifhpicdffioflpmeemfieahodg\//);
  assert.match(fix, /postguard@postguard\.org/);
});

test("the script also publishes itself on globalThis.Postguard.protocol", () => {
  assert.strictEqual(globalThis.Postguard.protocol, P);
});
