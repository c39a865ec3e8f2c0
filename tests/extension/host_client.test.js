"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { HostClient, HostError, classifyDisconnect } = require("../../extension/background/host_client.js");
const { FakeClock, FakePort, HELLO, flush } = require("./fakes.js");

// A client over fake ports; `h.ports` holds every port it opened, newest last.
function setup(opts = {}) {
  const clock = new FakeClock();
  const ports = [];
  const states = [];
  const h = {
    clock,
    ports,
    states,
    connectError: null,
    get port() {
      return ports[ports.length - 1];
    },
  };
  h.client = new HostClient({
    connect: () => {
      if (h.connectError) throw new Error(h.connectError);
      const p = new FakePort();
      ports.push(p);
      return p;
    },
    getLastError: (p) => (p.error ? p.error.message : null),
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    onStateChange: (s) => states.push(s.state + (s.code ? ":" + s.code : "")),
    ...opts,
  });
  // Answers the hello that opened the current port.
  h.answerHello = (extra = {}) => {
    const helloMsg = h.port.sent.find((m) => m.type === "hello");
    h.port.reply({ ...HELLO, ...extra, id: helloMsg.id });
  };
  return h;
}

// Settles a promise into {ok, value|error} so tests can inspect rejections without races.
function settle(p) {
  return p.then(
    (value) => ({ ok: true, value }),
    (error) => ({ ok: false, error }),
  );
}

test("opens the port lazily and sends hello first, then the request with the next id", async () => {
  const h = setup();
  assert.equal(h.ports.length, 0, "no port before the first request");
  assert.deepEqual(h.client.state().state, "starting");
  const p = h.client.request({ type: "check", text: "hi", policy: "iet" });
  assert.equal(h.ports.length, 1);
  assert.deepEqual(h.port.sent, [
    { type: "hello", id: 1 },
    { type: "check", text: "hi", policy: "iet", id: 2 },
  ]);
  h.answerHello();
  h.port.reply({ id: 2, type: "result", policy: "iet", warnings: [] });
  assert.deepEqual(await p, { id: 2, type: "result", policy: "iet", warnings: [] });
});

test("assigns increasing ids and matches answers by id, whatever their order", async () => {
  const h = setup();
  const a = h.client.request({ type: "check", text: "a", policy: "iet" });
  const b = h.client.request({ type: "check", text: "b", policy: "iet" });
  const c = h.client.request({ type: "check", text: "c", policy: "iet" });
  const ids = h.port.sent.map((m) => m.id);
  assert.deepEqual(ids, [1, 2, 3, 4]);
  h.answerHello();
  h.port.reply({ id: 4, type: "result", warnings: ["c"] });
  h.port.reply({ id: 2, type: "result", warnings: ["a"] });
  h.port.reply({ id: 3, type: "result", warnings: ["b"] });
  assert.deepEqual((await a).warnings, ["a"]);
  assert.deepEqual((await b).warnings, ["b"]);
  assert.deepEqual((await c).warnings, ["c"]);
  // An answer nobody waits for (a repeat, an unknown id) is ignored.
  h.port.reply({ id: 2, type: "result", warnings: [] });
  h.port.reply({ id: 99, type: "result", warnings: [] });
});

test("caches hello: one hello per port, state ok with version and policies", async () => {
  const h = setup();
  const first = h.client.hello();
  const second = h.client.hello();
  h.answerHello();
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.version, "0.1.0");
  assert.deepEqual(a.policies.map((p) => p.id), ["iet", "iom"]);
  assert.strictEqual(a, b);
  assert.strictEqual(await h.client.hello(), a, "later calls use the cache");
  h.client.request({ type: "check", text: "x", policy: "iet" });
  assert.equal(h.port.sent.filter((m) => m.type === "hello").length, 1);
  const s = h.client.state();
  assert.equal(s.state, "ok");
  assert.equal(s.version, "0.1.0");
  assert.equal(s.policies.length, 2);
  assert.equal(s.rulesErrors, 0);
  assert.deepEqual(h.states, ["ok"], "the client starts in state starting");
});

test("a request without an answer rejects with code timeout after 5000 ms and the port is dropped", async () => {
  const h = setup();
  const p = settle(h.client.request({ type: "check", text: "slow", policy: "iet" }));
  h.answerHello();
  h.clock.advance(4999);
  await flush();
  h.clock.advance(1);
  const r = await p;
  assert.equal(r.ok, false);
  assert.ok(r.error instanceof HostError);
  assert.equal(r.error.code, "timeout");
  assert.equal(h.port.disconnectCalls, 1, "a stuck host is restarted");
  assert.equal(h.client.state().state, "no-host");
  assert.equal(h.client.state().code, "timeout");
  // The next request reconnects at once and works.
  const next = h.client.request({ type: "check", text: "again", policy: "iet" });
  assert.equal(h.ports.length, 2);
  h.answerHello();
  const id = h.port.last().id;
  h.port.reply({ id, type: "result", warnings: [] });
  assert.deepEqual((await next).warnings, []);
  assert.equal(h.client.state().state, "ok");
});

test("a late answer from a dropped port is ignored", async () => {
  const h = setup();
  const p = settle(h.client.request({ type: "check", text: "slow", policy: "iet" }));
  const old = h.port;
  h.answerHello();
  h.clock.advance(5000);
  assert.equal((await p).error.code, "timeout");
  old.reply({ id: 2, type: "result", warnings: [] }); // must not throw or resolve anything
});

test("the time limit is configurable and also covers hello", async () => {
  const h = setup({ timeoutMs: 100 });
  const p = settle(h.client.hello());
  h.clock.advance(100);
  const r = await p;
  assert.equal(r.error.code, "timeout");
});

test("a disconnect rejects every pending request with host-exited; the next request reconnects at once", async () => {
  const h = setup();
  const a = settle(h.client.request({ type: "check", text: "a", policy: "iet" }));
  const b = settle(h.client.request({ type: "check", text: "b", policy: "iet" }));
  h.answerHello();
  h.port.fail("Native host has exited.");
  const [ra, rb] = await Promise.all([a, b]);
  for (const r of [ra, rb]) {
    assert.equal(r.ok, false);
    assert.equal(r.error.code, "host-exited");
    assert.equal(r.error.detail, "Native host has exited.");
  }
  assert.equal(h.client.state().state, "no-host");
  assert.equal(h.client.state().code, "host-exited");
  assert.equal(h.clock.pending(), 0, "no timers left behind");

  const c = h.client.request({ type: "check", text: "c", policy: "iet" });
  assert.equal(h.ports.length, 2, "first retry is immediate");
  assert.equal(h.port.sent[0].type, "hello");
  h.answerHello();
  h.port.reply({ id: h.port.last().id, type: "result", warnings: [] });
  assert.deepEqual((await c).warnings, []);
  assert.deepEqual(h.states, ["ok", "no-host:host-exited", "starting", "ok"]);
});

test("Firefox's disconnect without an error is host-exited", async () => {
  const h = setup();
  const p = settle(h.client.hello());
  h.port.fail(null);
  assert.equal((await p).error.code, "host-exited");
});

test("the browsers' not-found messages are classified host-not-found (state no-host)", async () => {
  for (const msg of [
    "Specified native messaging host not found.",
    "No such native application org.postguard.host",
    "Access to the specified native messaging host is forbidden.",
  ]) {
    const h = setup();
    const p = settle(h.client.request({ type: "check", text: "x", policy: "iet" }));
    h.port.fail(msg);
    const r = await p;
    assert.equal(r.error.code, "host-not-found", msg);
    assert.equal(r.error.detail, msg);
    assert.match(r.error.message, /not installed/);
    const s = h.client.state();
    assert.equal(s.state, "no-host");
    assert.equal(s.code, "host-not-found");
    assert.equal(s.detail, msg);
    assert.equal(s.version, undefined);
  }
});

test("classifyDisconnect", () => {
  assert.equal(classifyDisconnect("Specified native messaging host not found."), "host-not-found");
  assert.equal(classifyDisconnect("No such native application org.postguard.host"), "host-not-found");
  assert.equal(classifyDisconnect("Access to the specified native messaging host is forbidden."), "host-not-found");
  assert.equal(classifyDisconnect("Failed to start native messaging host."), "host-not-found");
  assert.equal(classifyDisconnect("Native host has exited."), "host-exited");
  assert.equal(classifyDisconnect("Error when communicating with the native messaging host."), "host-exited");
  assert.equal(classifyDisconnect(null), "host-exited");
  assert.equal(classifyDisconnect(undefined), "host-exited");
});

test("repeated failures: first retry immediate, then at most one attempt per second", async () => {
  const h = setup();
  const r1 = settle(h.client.hello());
  h.port.fail("Specified native messaging host not found.");
  assert.equal((await r1).error.code, "host-not-found");

  // First retry: immediate.
  const r2 = settle(h.client.hello());
  assert.equal(h.ports.length, 2);
  h.port.fail("Specified native messaging host not found.");
  assert.equal((await r2).error.code, "host-not-found");

  // Second retry right away: waits for the back-off, no new port yet.
  h.clock.advance(300);
  const r3 = settle(h.client.request({ type: "check", text: "x", policy: "iet" }));
  assert.equal(h.ports.length, 2, "no connection attempt inside the back-off");
  h.clock.advance(699);
  assert.equal(h.ports.length, 2);
  h.clock.advance(1);
  assert.equal(h.ports.length, 3, "connects once a second has passed since the last attempt");
  // The host is back (re-installed): the waiting request goes through.
  h.answerHello();
  h.port.reply({ id: h.port.last().id, type: "result", warnings: [] });
  const r = await r3;
  assert.equal(r.ok, true);

  // A working session resets the back-off: after the next failure, the retry is immediate.
  h.port.fail("Native host has exited.");
  h.client.hello().catch(() => {});
  assert.equal(h.ports.length, 4);
});

test("requests waiting out the back-off still time out", async () => {
  const h = setup({ minRetryMs: 10_000 });
  for (let i = 0; i < 2; i++) {
    const r = settle(h.client.hello());
    h.port.fail("Native host has exited.");
    await r;
  }
  const p = settle(h.client.request({ type: "check", text: "x", policy: "iet" }));
  h.clock.advance(5000);
  const r = await p;
  assert.equal(r.error.code, "timeout");
  assert.equal(h.ports.length, 2);
});

test("retry() ignores the back-off, reconnects now and reports the new state", async () => {
  const h = setup();
  for (let i = 0; i < 3; i++) {
    const r = settle(h.client.hello());
    if (h.ports.length === i + 1) h.port.fail("Specified native messaging host not found.");
    else h.clock.advance(1000), h.port.fail("Specified native messaging host not found.");
    await r;
  }
  const before = h.ports.length;
  const s = h.client.retry();
  assert.equal(h.ports.length, before + 1, "connects immediately");
  h.answerHello({ version: "0.2.0" });
  const state = await s;
  assert.equal(state.state, "ok");
  assert.equal(state.version, "0.2.0");
});

test("retry() on a working port restarts the host (pending requests reject) and hellos again", async () => {
  const h = setup();
  const hello1 = h.client.hello();
  h.answerHello();
  await hello1;
  const pending = settle(h.client.request({ type: "check", text: "x", policy: "iet" }));
  const old = h.port;
  const s = h.client.retry();
  assert.equal(old.disconnectCalls, 1);
  assert.equal((await pending).error.code, "host-exited");
  assert.equal(h.ports.length, 2);
  h.answerHello();
  assert.equal((await s).state, "ok");
});

test("a host error answer rejects that request with the host's code; the port stays open", async () => {
  const h = setup();
  const bad = settle(h.client.request({ type: "check", text: "x", policy: "ieet" }));
  const good = h.client.request({ type: "check", text: "y", policy: "iet" });
  h.answerHello();
  h.port.reply({ id: 2, type: "error", code: "unknown-policy", message: 'unknown policy "ieet"' });
  h.port.reply({ id: 3, type: "result", warnings: [] });
  const r = await bad;
  assert.equal(r.ok, false);
  assert.ok(r.error instanceof HostError);
  assert.equal(r.error.code, "unknown-policy");
  assert.equal(r.error.detail, 'unknown policy "ieet"');
  assert.match(r.error.message, /not installed/);
  assert.deepEqual((await good).warnings, []);
  assert.equal(h.ports.length, 1);
  assert.equal(h.port.disconnectCalls, 0);
  assert.equal(h.client.state().state, "ok");
});

test("an error answer with id null answers the oldest waiting request", async () => {
  const h = setup();
  const hello = h.client.hello();
  h.answerHello();
  await hello;
  const a = settle(h.client.request({ type: "check", text: "a", policy: "iet" }));
  const b = h.client.request({ type: "check", text: "b", policy: "iet" });
  h.port.reply({ id: null, type: "error", code: "lone-surrogate", message: "lone surrogate" });
  h.port.reply({ id: 3, type: "result", warnings: [] });
  assert.equal((await a).error.code, "lone-surrogate");
  assert.deepEqual((await b).warnings, []);
});

test("connect() throwing rejects the request and counts as a failure", async () => {
  const h = setup();
  h.connectError = "Access to native messaging requires nativeMessaging permission.";
  const r = await settle(h.client.request({ type: "check", text: "x", policy: "iet" }));
  assert.equal(r.error.code, "host-exited");
  assert.equal(h.client.state().state, "no-host");
  h.connectError = null;
  const p = h.client.hello();
  assert.equal(h.ports.length, 1);
  h.answerHello();
  assert.equal((await p).version, "0.1.0");
});

test("postMessage throwing on a dead port rejects like a disconnect", async () => {
  const h = setup();
  const hello = h.client.hello();
  h.answerHello();
  await hello;
  h.port.disconnected = true; // dead, but the browser has not told us yet
  const r = await settle(h.client.request({ type: "check", text: "x", policy: "iet" }));
  assert.equal(r.error.code, "host-exited");
  assert.equal(h.client.state().state, "no-host");
});

test("close() disconnects and rejects what is pending", async () => {
  const h = setup();
  const p = settle(h.client.hello());
  h.client.close();
  assert.equal(h.port.disconnectCalls, 1);
  assert.equal((await p).error.code, "host-exited");
});

test("a throwing onStateChange does not break the client", async () => {
  const h = setup({
    onStateChange: () => {
      throw new Error("listener bug");
    },
  });
  const p = h.client.hello();
  h.answerHello();
  assert.equal((await p).version, "0.1.0");
});

test("an error answer to hello drops the port, so the next request starts the host again", async () => {
  const h = setup();
  const p = settle(h.client.hello());
  h.port.reply({ id: 1, type: "error", code: "internal", message: "broken" });
  const r = await p;
  assert.equal(r.error.code, "internal");
  assert.equal(h.port.disconnectCalls, 1);
  assert.equal(h.client.state().state, "no-host");
  const again = h.client.hello();
  assert.equal(h.ports.length, 2);
  h.answerHello();
  assert.equal((await again).version, "0.1.0");
});

test("refreshHello asks the running host again and updates the cached hello (rules reloaded)", async () => {
  const h = setup();
  const first = h.client.hello();
  h.answerHello();
  await first;
  const again = h.client.refreshHello();
  const asked = h.port.sent.filter((m) => m.type === "hello");
  assert.equal(asked.length, 2, "a second hello on the same port");
  assert.equal(h.ports.length, 1);
  const messages = ["/etc/postguard/rules/iet.json:3:1: invalid JSON: syntax error"];
  h.port.reply({ ...HELLO, id: asked[1].id, policies: [HELLO.policies[0]], rulesErrors: 1, rulesErrorMessages: messages });
  const fresh = await again;
  assert.deepEqual(fresh.policies.map((p) => p.id), ["iet"]);
  assert.strictEqual(await h.client.hello(), fresh, "the cache holds the new answer");
  const s = h.client.state();
  assert.equal(s.rulesErrors, 1);
  assert.deepEqual(s.rulesErrorMessages, messages);
});

test("refreshHello without a port connects and says hello once", async () => {
  const h = setup();
  const p = h.client.refreshHello();
  h.answerHello();
  assert.equal((await p).version, "0.1.0");
  assert.equal(h.port.sent.filter((m) => m.type === "hello").length, 1);
  assert.deepEqual(h.client.state().rulesErrorMessages, [], "an older host without the field: none");
});
