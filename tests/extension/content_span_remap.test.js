"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { diffEdit, remapSpans } = require("../../extension/content/span_remap.js");

const sp = (start, end, rule = "r") => ({ start, end, rule });
const pick = (list) => list.map((s) => [s.start, s.end]);

test("diffEdit finds the single edit", () => {
  assert.equal(diffEdit("abc", "abc"), null);
  assert.deepEqual(diffEdit("hello world", "hello big world"), { start: 6, oldEnd: 6, newEnd: 10 });
  assert.deepEqual(diffEdit("hello world", "hello"), { start: 5, oldEnd: 11, newEnd: 5 });
  assert.deepEqual(diffEdit("abc", "aXc"), { start: 1, oldEnd: 2, newEnd: 2 });
  assert.deepEqual(diffEdit("", "x"), { start: 0, oldEnd: 0, newEnd: 1 });
  // Repeated characters: prefix wins, suffix never overlaps it.
  assert.deepEqual(diffEdit("aaa", "aaaa"), { start: 3, oldEnd: 3, newEnd: 4 });
  assert.deepEqual(diffEdit("aaaa", "aa"), { start: 2, oldEnd: 4, newEnd: 2 });
});

test("diffEdit never splits a surrogate pair", () => {
  // 😀 U+1F600 = D83D DE00, 😁 U+1F601 = D83D DE01: same high half.
  const e = diffEdit("a😀b", "a😁b");
  assert.deepEqual(e, { start: 1, oldEnd: 3, newEnd: 3 });
  // Same low half, different high half: 🀀 U+1F000 = D83C DC00 vs 𐀀 U+10000 = D800 DC00.
  const f = diffEdit("x\uD83C\uDC00", "x\uD800\uDC00");
  assert.deepEqual(f, { start: 1, oldEnd: 3, newEnd: 3 });
});

test("spans before the edit stay, spans after shift", () => {
  const old = "secret plan and password here";
  const now = "secret plan and my password here";
  const out = remapSpans([sp(0, 6), sp(16, 24)], old, now);
  assert.deepEqual(pick(out), [[0, 6], [19, 27]]);
  assert.equal(now.slice(19, 27), "password");
});

test("spans touching or containing the edit are dropped", () => {
  const old = "top secret stuff";
  assert.deepEqual(pick(remapSpans([sp(4, 10)], old, "top secrets stuff")), []); // extends the word
  assert.deepEqual(pick(remapSpans([sp(4, 10)], old, "top secet stuff")), []); // inside
  assert.deepEqual(pick(remapSpans([sp(4, 10)], old, "topsecret stuff")), []); // deletes the space before it
  assert.deepEqual(pick(remapSpans([sp(4, 10)], old, "top Xsecret stuff")), []); // word char at its start
});

test("typing a separator right after or before a span keeps it", () => {
  const old = "top secret";
  assert.deepEqual(pick(remapSpans([sp(4, 10)], old, "top secret ")), [[4, 10]]);
  assert.deepEqual(pick(remapSpans([sp(4, 10)], old, "top secret,")), [[4, 10]]);
  assert.deepEqual(pick(remapSpans([sp(4, 10)], old, "top  secret")), [[5, 11]]);
  assert.deepEqual(pick(remapSpans([sp(4, 10)], old, "top \nsecret")), [[5, 11]]);
});

test("emoji before a span shift it by two UTF-16 units", () => {
  const old = "hi secret";
  const now = "hi 😀 secret";
  const out = remapSpans([sp(3, 9)], old, now);
  assert.deepEqual(pick(out), [[6, 12]]);
  assert.equal(now.slice(6, 12), "secret");
});

test("a deletion before a span shifts it left; other fields are copied", () => {
  const old = "hello dear world secret";
  const now = "hello world secret";
  const input = [{ start: 17, end: 23, rule: "x", id: "a", passage: "secret" }];
  const out = remapSpans(input, old, now);
  assert.deepEqual(out, [{ start: 12, end: 18, rule: "x", id: "a", passage: "secret" }]);
  assert.notEqual(out[0], input[0], "copies, not the same objects");
  assert.equal(input[0].start, 17, "input untouched");
});

test("no change: all spans kept (copied)", () => {
  const out = remapSpans([sp(0, 1), sp(1, 2)], "ab", "ab");
  assert.deepEqual(pick(out), [[0, 1], [1, 2]]);
});

test("empty spans touching the edit are dropped; elsewhere shifted", () => {
  assert.deepEqual(pick(remapSpans([sp(2, 2)], "ab", "abc")), []);
  assert.deepEqual(pick(remapSpans([sp(2, 2)], "abcd", "xabcd")), [[3, 3]]);
});

test("random edits: surviving spans always point at the same passage", () => {
  let seed = 7;
  const rnd = (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = ["a", "b", " ", "😀", "東", "\n", "secret"];
  for (let i = 0; i < 2000; i++) {
    let old = "";
    for (let k = 0, n = rnd(12); k < n; k++) old += alphabet[rnd(alphabet.length)];
    const s = rnd(old.length + 1);
    const e = s + rnd(old.length - s + 1);
    let ins = "";
    for (let k = 0, n = rnd(3); k < n; k++) ins += alphabet[rnd(alphabet.length)];
    // Keep surrogate pairs whole in the edit.
    const safe = (t, o) => (o > 0 && o < t.length && /[\uDC00-\uDFFF]/.test(t[o]) ? o - 1 : o);
    const ss = safe(old, s);
    const ee = safe(old, e) < ss ? ss : safe(old, e);
    const now = old.slice(0, ss) + ins + old.slice(ee);
    const spans = [];
    for (let k = 0; k < 3; k++) {
      const a = safe(old, rnd(old.length + 1));
      const b = safe(old, a + rnd(old.length - a + 1));
      if (b >= a) spans.push({ start: a, end: b, passage: old.slice(a, b) });
    }
    for (const out of remapSpans(spans, old, now)) {
      assert.equal(now.slice(out.start, out.end), out.passage, JSON.stringify({ old, now, out }));
    }
  }
});
