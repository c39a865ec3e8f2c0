"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { debounce, throttle, rollingMedian } = require("../../extension/content/debounce.js");

test("debounce: one call with the latest arguments after the quiet period", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const calls = [];
  const d = debounce((...a) => calls.push(a), 100);
  d(1);
  t.mock.timers.tick(50);
  d(2);
  t.mock.timers.tick(99);
  assert.deepEqual(calls, []);
  assert.equal(d.pending(), true);
  t.mock.timers.tick(1);
  assert.deepEqual(calls, [[2]]);
  assert.equal(d.pending(), false);
  t.mock.timers.tick(1000);
  assert.deepEqual(calls, [[2]]);
});

test("debounce: cancel drops the pending call; flush runs it now", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const calls = [];
  const d = debounce((x) => calls.push(x), 100);
  d("a");
  d.cancel();
  t.mock.timers.tick(200);
  assert.deepEqual(calls, []);
  d("b");
  assert.equal(d.flush(), 1);
  assert.deepEqual(calls, ["b"]);
  t.mock.timers.tick(200);
  assert.deepEqual(calls, ["b"], "flushed call does not run again");
  assert.equal(d.flush(), undefined, "nothing pending");
});

test("debounce: keeps `this`; separate bursts give separate calls", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const seen = [];
  const obj = {
    name: "box",
    d: debounce(function (v) {
      seen.push([this.name, v]);
    }, 100),
  };
  obj.d(1);
  t.mock.timers.tick(100);
  obj.d(2);
  t.mock.timers.tick(100);
  assert.deepEqual(seen, [["box", 1], ["box", 2]]);
});

test("throttle: merges bursts into a trailing call", async () => {
  const calls = [];
  const th = throttle((v) => calls.push(v), 30);
  th(1);
  th(2);
  th(3);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(calls, [3], "first burst runs once, soon, with the latest args");
  th(4);
  th(5);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(calls, [3], "second burst waits for the interval");
  await new Promise((r) => setTimeout(r, 40));
  assert.deepEqual(calls, [3, 5]);
  th.cancel();
});

test("rollingMedian keeps a window", () => {
  const m = rollingMedian(3);
  assert.equal(m.median(), 0);
  m.push(5);
  assert.equal(m.median(), 5);
  m.push(1);
  assert.equal(m.median(), 3);
  m.push(9);
  assert.equal(m.median(), 5);
  m.push(100); // window: 1, 9, 100
  assert.equal(m.median(), 9);
  assert.equal(m.count, 3);
});
