"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { planFix } = require("../../extension/content/fixes.js");

const w = (start, end, type, text) => ({ start, end, fix: { type, text } });

test("append adds a space only when needed", () => {
  assert.deepEqual(planFix("Great news", w(0, 0, "append", "Views my own.")), {
    start: 10, end: 10, insert: " Views my own.", expected: "Great news Views my own.",
  });
  assert.equal(planFix("Great news ", w(0, 0, "append", "Views my own.")).expected, "Great news Views my own.");
  assert.equal(planFix("Great news\n", w(0, 0, "append", "Views my own.")).expected, "Great news\nViews my own.");
  assert.equal(planFix("", w(0, 0, "append", "#ad")).expected, "#ad");
  assert.equal(planFix("x", w(0, 0, "append", " #ad")).expected, "x #ad");
  assert.equal(planFix("x", w(0, 0, "append", "")), null);
});

test("replace swaps the span", () => {
  assert.deepEqual(planFix("a secret plan", w(2, 8, "replace", "private")), {
    start: 2, end: 8, insert: "private", expected: "a private plan",
  });
  assert.equal(planFix("I 👍🏽 it", w(2, 6, "replace", "like")).expected, "I like it");
});

test("remove deletes the span and one neighbouring space", () => {
  assert.equal(planFix("a secret plan", w(2, 8, "remove", "")).expected, "a plan");
  assert.equal(planFix("secret plan", w(0, 6, "remove", "")).expected, "plan");
  assert.equal(planFix("plan secret", w(5, 11, "remove", "")).expected, "plan");
  assert.equal(planFix("plan secret\nnext", w(5, 11, "remove", "")).expected, "plan\nnext");
  assert.equal(planFix("x\nsecret y", w(2, 8, "remove", "")).expected, "x\ny");
  assert.equal(planFix("a,secret,b", w(2, 8, "remove", "")).expected, "a,,b");
  assert.equal(planFix("abc", w(1, 1, "remove", "")), null);
});

test("offsets are clamped; unknown types and missing fixes give null", () => {
  assert.equal(planFix("abc", w(1, 99, "replace", "X")).expected, "aX");
  assert.equal(planFix("abc", w(0, 1, "rewrite", "X")), null);
  assert.equal(planFix("abc", { start: 0, end: 1 }), null);
});
