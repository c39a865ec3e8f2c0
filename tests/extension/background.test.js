"use strict";
// Runs the real background scripts (the files Firefox lists in background.scripts, in that
// order) in a fresh VM context with a fake `chrome` API and a scripted host.
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { FakePort, HELLO } = require("./fakes.js");

const EXT = path.join(__dirname, "..", "..", "extension");
const MANIFEST = JSON.parse(fs.readFileSync(path.join(EXT, "manifest.json"), "utf8"));

const event = () => {
  const listeners = [];
  return { listeners, addListener: (f) => listeners.push(f), removeListener: () => {} };
};
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
// Objects made inside the VM have the VM's prototypes; compare plain copies.
const plain = (x) => (x === undefined ? x : JSON.parse(JSON.stringify(x)));

// host: "ok" (answers), "missing" (browser says not found), or a function(msg, port) that answers.
function load({ sync = {}, managed = null, host = "ok", tabs = [] } = {}) {
  const calls = { connect: 0, sent: [], tabQueries: [], tabMessages: [] };
  const chrome = {
    runtime: {
      lastError: undefined,
      onMessage: event(),
      onInstalled: event(),
      onStartup: event(),
      getManifest: () => MANIFEST,
      connectNative(name) {
        assert.equal(name, "org.postguard.host");
        calls.connect += 1;
        const port = new FakePort();
        const post = port.postMessage.bind(port);
        port.postMessage = (m) => {
          post(m);
          calls.sent.push(plain(m));
          const mode = env.host;
          setImmediate(() => {
            if (port.disconnected) return;
            if (typeof mode === "function") return mode(m, port);
            if (m.type === "hello") port.reply({ ...HELLO, id: m.id });
            else port.reply({ id: m.id, type: "result", policy: m.policy, warnings: [] });
          });
        };
        if (env.host === "missing") {
          setImmediate(() => {
            chrome.runtime.lastError = { message: "Specified native messaging host not found." };
            port.disconnected = true;
            for (const f of port.disconnectListeners) f(port);
            chrome.runtime.lastError = undefined;
          });
        }
        env.port = port;
        return port;
      },
    },
    storage: {
      sync: { get: async (keys) => Object.fromEntries(Object.entries(env.sync).filter(([k]) => keys.includes(k))) },
      managed: {
        get: async () => {
          if (env.managed === null) throw new Error("Managed storage manifest not found");
          return env.managed;
        },
      },
      onChanged: event(),
    },
    tabs: {
      query: async (q) => {
        calls.tabQueries.push(plain(q));
        return env.tabs;
      },
      sendMessage: async (id, msg) => {
        calls.tabMessages.push([id, plain(msg)]);
        if (id === 99) throw new Error("Could not establish connection. Receiving end does not exist.");
      },
    },
  };
  const env = { sync, managed, host, tabs, calls, chrome, port: null };
  const ctx = vm.createContext({ chrome, setTimeout, clearTimeout, console });
  for (const f of MANIFEST.background.scripts) {
    vm.runInContext(fs.readFileSync(path.join(EXT, f), "utf8"), ctx, { filename: f });
  }
  env.ctx = ctx;
  env.send = (msg, sender = { id: "ext", tab: { id: 1 } }) =>
    new Promise((resolve) => {
      const results = chrome.runtime.onMessage.listeners.map((l) => l(msg, sender, (r) => resolve(plain(r))));
      env.lastReturn = results[0];
    });
  return env;
}

test("the background scripts load in the manifest's order and register listeners at once", () => {
  assert.deepEqual(MANIFEST.background.scripts, [
    "shared/protocol.js",
    "background/settings.js",
    "background/host_client.js",
    "background/background.js",
  ]);
  const env = load();
  assert.equal(env.chrome.runtime.onMessage.listeners.length, 1);
  assert.equal(env.chrome.storage.onChanged.listeners.length, 1);
  assert.equal(env.calls.connect, 0, "the host is started lazily");
});

test("the service worker imports the same files, relative to itself", () => {
  const sw = fs.readFileSync(path.join(EXT, "background/service_worker.js"), "utf8");
  const m = sw.match(/importScripts\(([^)]*)\)/);
  const files = [...m[1].matchAll(/"([^"]+)"/g)].map((x) => path.posix.normalize(path.posix.join("background", x[1])));
  assert.deepEqual(files, MANIFEST.background.scripts);
});

test("content:check sends the effective settings to the host and replies with its result", async () => {
  const env = load({
    sync: { policy: "iom", role: "official", bioDisclaimer: true },
    host: (m, port) => {
      if (m.type === "hello") return port.reply({ ...HELLO, id: m.id });
      port.reply({
        id: m.id,
        type: "result",
        policy: m.policy,
        warnings: [{ rule: "iom.x", category: "confidentiality", severity: "error", start: 0, end: 3, message: "m" }],
      });
    },
  });
  const reply = await env.send({ type: "content:check", text: "Top secret", site: "linkedin", account: null });
  assert.equal(env.lastReturn, true, "async reply: the listener returns true");
  const check = env.calls.sent.find((m) => m.type === "check");
  assert.deepEqual(
    { ...check, id: undefined },
    { type: "check", text: "Top secret", policy: "iom", platform: "linkedin", role: "official", profile: { bioDisclaimer: true }, id: undefined },
  );
  assert.equal(reply.ok, true);
  assert.equal(reply.state, "warnings");
  assert.equal(reply.policy, "iom");
  assert.equal(reply.role, "official");
  assert.equal(reply.truncated, false);
  assert.equal(reply.warnings.length, 1);
  assert.equal(reply.warnings[0].rule, "iom.x");
});

test("a clean post replies state clean; the hello is sent once for many checks", async () => {
  const env = load();
  const a = await env.send({ type: "content:check", text: "hello", site: "twitter", account: "@me" });
  const b = await env.send({ type: "content:check", text: "hello again", site: "twitter", account: "@me" });
  assert.deepEqual([a.state, b.state], ["clean", "clean"]);
  assert.equal(a.policy, "iet", "host's first policy by default");
  assert.equal(a.role, "personal");
  assert.equal(env.calls.sent.filter((m) => m.type === "hello").length, 1);
  assert.equal(env.calls.connect, 1);
});

test("account overrides and managed values are applied", async () => {
  const env = load({
    sync: { policy: "iet", accounts: [{ site: "twitter", account: "@Work", policy: "iom", role: "official" }] },
    managed: { role: "personal" },
  });
  const r = await env.send({ type: "content:check", text: "x", site: "twitter", account: "@work" });
  assert.equal(r.policy, "iom");
  assert.equal(r.role, "official");
  env.managed = { policy: "iet", role: "personal", lockPolicy: true };
  const locked = await env.send({ type: "content:check", text: "x", site: "twitter", account: "@work" });
  assert.equal(locked.policy, "iet");
  assert.equal(locked.role, "personal");
});

test("truncated answers keep truncated and omitted", async () => {
  const env = load({
    host: (m, port) => {
      if (m.type === "hello") return port.reply({ ...HELLO, id: m.id });
      port.reply({ id: m.id, type: "result", policy: m.policy, warnings: [{ rule: "a", start: 0, end: 1 }], truncated: true, omitted: 7 });
    },
  });
  const r = await env.send({ type: "content:check", text: "x", site: "twitter", account: null });
  assert.equal(r.truncated, true);
  assert.equal(r.omitted, 7);
});

test("no host: ok false, state no-host, code host-not-found, with message and fix", async () => {
  const env = load({ host: "missing" });
  const r = await env.send({ type: "content:check", text: "x", site: "facebook", account: null });
  assert.equal(r.ok, false);
  assert.equal(r.state, "no-host");
  assert.equal(r.code, "host-not-found");
  assert.match(r.message, /not installed/);
  assert.match(r.fix, /NativeMessagingHosts/);
});

test("a host error answer becomes ok false with the host's code", async () => {
  const env = load({
    sync: { policy: "iet" },
    host: (m, port) => {
      if (m.type === "hello") return port.reply({ ...HELLO, id: m.id });
      port.reply({ id: m.id, type: "error", code: "internal", message: "boom" });
    },
  });
  const r = await env.send({ type: "content:check", text: "x", site: "twitter", account: null });
  assert.deepEqual([r.ok, r.state, r.code], [false, "no-host", "internal"]);
  assert.ok(r.fix.length > 0);
});

test("no usable policy (allowedPolicies names none installed): ok false, unknown-policy", async () => {
  const env = load({ managed: { allowedPolicies: ["corp"] } });
  const r = await env.send({ type: "content:check", text: "x", site: "twitter", account: null });
  assert.deepEqual([r.ok, r.code], [false, "unknown-policy"]);
  assert.equal(env.calls.sent.filter((m) => m.type === "check").length, 0);
});

test("a malformed content:check is refused without asking the host", async () => {
  const env = load();
  for (const bad of [{ text: 3, site: "twitter" }, { text: "x", site: "myspace" }, { text: "x", site: "twitter", account: 5 }]) {
    const r = await env.send({ type: "content:check", ...bad });
    assert.deepEqual([r.ok, r.code], [false, "bad-request"]);
  }
  assert.equal(env.calls.connect, 0);
});

test("lone surrogates and NUL are replaced by U+FFFD, keeping offsets", async () => {
  const env = load();
  const text = "a\uD800b\u0000c\uDC00 👍🏽";
  const r = await env.send({ type: "content:check", text, site: "twitter", account: null });
  assert.equal(r.ok, true);
  const sent = env.calls.sent.find((m) => m.type === "check").text;
  assert.equal(sent, "a\uFFFDb\uFFFDc\uFFFD 👍🏽");
  assert.equal(sent.length, text.length);
});

test("messages that are not ours are left alone (listener returns false)", async () => {
  const env = load();
  const l = env.chrome.runtime.onMessage.listeners[0];
  assert.equal(l({ type: "something-else" }, {}, () => assert.fail("must not answer")), false);
  assert.equal(l("string", {}, () => assert.fail("must not answer")), false);
  assert.equal(l(null, {}, () => assert.fail("must not answer")), false);
});

test("options:get-state reports host, policies, settings and locks", async () => {
  const env = load({
    sync: { policy: "iom", role: "official", bioDisclaimer: true, accounts: [{ site: "twitter", account: "@a", role: "personal" }], junk: 1 },
    managed: { role: "personal", allowedPolicies: ["iom"] },
  });
  const s = await env.send({ type: "options:get-state" });
  assert.equal(s.host.state, "ok");
  assert.equal(s.host.version, "0.1.0");
  assert.equal(s.host.policyCount, 2);
  assert.equal(s.host.fix, null);
  assert.deepEqual(s.policies.map((p) => p.id), ["iet", "iom"]);
  assert.deepEqual(s.selectablePolicies.map((p) => p.id), ["iom"]);
  assert.deepEqual(s.sync, { policy: "iom", role: "official", bioDisclaimer: true, accounts: [{ site: "twitter", account: "@a", role: "personal" }] });
  assert.deepEqual(s.managed, { role: "personal", allowedPolicies: ["iom"] });
  assert.equal(s.locked.policy, false);
  assert.equal(s.locked.role, true);
  assert.deepEqual(s.allowedPolicies, ["iom"]);
  assert.deepEqual(s.effective, { policy: "iom", role: "personal", bioDisclaimer: true });
});

test("options:get-state without a host explains it and how to fix it", async () => {
  const env = load({ host: "missing" });
  const s = await env.send({ type: "options:get-state" });
  assert.equal(s.host.state, "no-host");
  assert.equal(s.host.code, "host-not-found");
  assert.equal(s.host.detail, "Specified native messaging host not found.");
  assert.match(s.host.fix, /Install the host/);
  assert.deepEqual(s.policies, []);
  assert.equal(s.managed && typeof s.managed, "object", "managed storage failing is {}");
});

test("options:retry-host reconnects at once and the recovery sends background:recheck", async () => {
  const env = load({ host: "missing", tabs: [{ id: 1 }, { id: 99 }] });
  await env.send({ type: "options:get-state" });
  await env.send({ type: "content:check", text: "x", site: "twitter", account: null });
  assert.equal(env.calls.connect, 2);
  env.host = "ok"; // the user installed the host
  const s = await env.send({ type: "options:retry-host" });
  assert.equal(s.host.state, "ok");
  assert.equal(env.calls.connect, 3);
  await tick(120);
  assert.deepEqual(env.calls.tabQueries, [{ url: MANIFEST.content_scripts[0].matches }]);
  assert.deepEqual(env.calls.tabMessages, [
    [1, { type: "background:recheck" }],
    [99, { type: "background:recheck" }],
  ]);
});

test("settings changes send one background:recheck to the sites' tabs", async () => {
  const env = load({ tabs: [{ id: 4 }, { id: 5 }] });
  const changed = env.chrome.storage.onChanged.listeners[0];
  changed({ policy: { newValue: "iom" } }, "sync");
  changed({ accounts: { newValue: [] } }, "sync");
  changed({ lockPolicy: { newValue: true } }, "managed");
  changed({ unrelated: { newValue: 1 } }, "local");
  await tick(120);
  assert.equal(env.calls.tabQueries.length, 1, "coalesced");
  assert.deepEqual(env.calls.tabMessages.map((x) => x[0]), [4, 5]);
  changed({ unrelated: { newValue: 1 } }, "sync");
  changed({ policy: { newValue: 1 } }, "local");
  await tick(120);
  assert.equal(env.calls.tabQueries.length, 1, "other keys and areas are ignored");
});

test("a check answer's rulesError reaches the content script", async () => {
  const rulesError = { message: "/r/iet.json:2:1: invalid JSON: syntax error", count: 1, stale: true };
  const env = load({
    host: (m, port) => {
      if (m.type === "hello") return port.reply({ ...HELLO, id: m.id });
      port.reply({ id: m.id, type: "result", policy: m.policy, warnings: [], rulesError });
    },
  });
  const r = await env.send({ type: "content:check", text: "x", site: "twitter", account: null });
  assert.deepEqual(r.rulesError, rulesError);
  env.host = "ok";
  const clean = await env.send({ type: "content:check", text: "y", site: "twitter", account: null });
  assert.equal("rulesError" in clean, false, "absent when the host reports none");
});

test("the host stopping while working sends background:recheck with host: reconnecting", async () => {
  const env = load({ tabs: [{ id: 3 }] });
  await env.send({ type: "content:check", text: "x", site: "twitter", account: null });
  const port = env.port;
  port.fail(null); // the host was killed: no reason given
  await tick(120);
  assert.deepEqual(env.calls.tabMessages, [[3, { type: "background:recheck", host: "reconnecting" }]]);
  // The boxes' recheck starts it again; being back sends a plain recheck.
  const r = await env.send({ type: "content:check", text: "x", site: "twitter", account: null });
  assert.equal(r.ok, true);
  assert.equal(env.calls.connect, 2);
  await tick(120);
  assert.deepEqual(env.calls.tabMessages.slice(1), [[3, { type: "background:recheck" }]]);
});

test("options:get-state asks the running host for a fresh hello (rules edited meanwhile)", async () => {
  let errors = 0;
  const env = load({
    host: (m, port) => {
      if (m.type === "hello") {
        return port.reply({ ...HELLO, id: m.id, rulesErrors: errors, rulesErrorMessages: errors ? ["/r/iet.json:1:1: invalid JSON"] : [] });
      }
      port.reply({ id: m.id, type: "result", policy: m.policy, warnings: [] });
    },
  });
  const before = await env.send({ type: "options:get-state" });
  assert.equal(before.host.rulesErrors, 0);
  assert.deepEqual(before.host.rulesErrorMessages, []);
  errors = 1;
  const after = await env.send({ type: "options:get-state" });
  assert.equal(after.host.rulesErrors, 1);
  assert.deepEqual(after.host.rulesErrorMessages, ["/r/iet.json:1:1: invalid JSON"]);
  assert.equal(env.calls.connect, 1, "same host process");
});
