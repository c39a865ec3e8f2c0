"use strict";
// text_model.js against jsdom fixtures shaped like each editor's real DOM.
const test = require("node:test");
const assert = require("node:assert/strict");
const tm = require("../../extension/content/text_model.js");
const sites = require("../../extension/content/sites.js");
const { draftHtml, lexicalHtml, lex, quillHtml, dom } = require("./content_helpers.js");

const X = sites.siteById("twitter");
const FB = sites.siteById("facebook");
const LI = sites.siteById("linkedin");
const opts = (site) => ({ blocks: site.blocks, kind: site.editor.kind });

function editorOf(window, site) {
  return window.document.querySelector(site.editor.selector);
}

/** Range text with block boundaries as "\n" (what the model's offsets count). */
function rangeText(model, range) {
  // Collect the model text covered by the range by testing each segment boundary.
  const r = tm.rangeToOffsets(model, range);
  return model.text.slice(r.start, r.end);
}

/** Every offset maps to a DOM point and back; ranges of every (s,e) within a block read back. */
function roundTrip(model) {
  const t = model.text;
  for (let o = 0; o <= t.length; o++) {
    const isSplit = o > 0 && o < t.length && /[\uDC00-\uDFFF]/.test(t[o]) && /[\uD800-\uDBFF]/.test(t[o - 1]);
    const r = tm.offsetsToRange(model, o, o);
    const back = tm.pointToOffset(model, r.startContainer, r.startOffset);
    assert.equal(back, isSplit ? o - 1 : o, `offset ${o} -> point -> ${back}`);
  }
  for (let s = 0; s <= t.length; s++) {
    for (let e = s; e <= t.length; e++) {
      const r = tm.offsetsToRange(model, s, e);
      const [cs, ce] = tm.clampOffsets(t, s, e);
      assert.equal(rangeText(model, r), t.slice(cs, ce), `range ${s}-${e}`);
      // Within one block the DOM's own text of the range is the passage.
      if (!t.slice(cs, ce).includes("\n")) assert.equal(r.toString(), t.slice(cs, ce), `toString ${s}-${e}`);
    }
  }
}

test("Draft.js (X): blocks joined with \\n, placeholders ignored, leaves concatenated", () => {
  const { window } = dom(draftHtml([["Hello ", "#world"], [], ["second line"]]), "https://x.com/home");
  const ed = editorOf(window, X);
  assert.ok(ed, "X selector finds the Draft content element");
  const m = tm.buildModel(ed, opts(X));
  assert.equal(m.text, "Hello #world\n\nsecond line");
  assert.equal(m.blocks.length, 3);
  roundTrip(m);
  const r = tm.offsetsToRange(m, 6, 12);
  assert.equal(r.toString(), "#world");
  assert.equal(r.startContainer.data, "#world");
});

test("Draft.js: empty editor is the empty string; its caret point is in the leaf span", () => {
  const { window } = dom(draftHtml([[]]));
  const m = tm.buildModel(editorOf(window, X), opts(X));
  assert.equal(m.text, "");
  const r = tm.offsetsToRange(m, 0, 5);
  assert.ok(r.collapsed);
  roundTrip(m);
  const p = tm.endPoint(m);
  assert.equal(p.node.tagName, "SPAN");
  assert.ok(p.node.hasAttribute("data-offset-key"));
  assert.equal(p.offset, 0);
});

test("Draft.js: zero-width placeholder text and soft newlines", () => {
  const { window } = dom(draftHtml([["\u200B"], ["a\nb"]]));
  const m = tm.buildModel(editorOf(window, X), opts(X));
  assert.equal(m.text, "\na\nb");
  roundTrip(m);
});

test("Draft.js: emoji (surrogate pairs, ZWJ, skin tone) and CJK offsets are UTF-16", () => {
  const { window } = dom(draftHtml([["I 👍🏽 東京 ", "👨‍👩‍👧"], ["終わり"]]));
  const m = tm.buildModel(editorOf(window, X), opts(X));
  const text = "I 👍🏽 東京 👨‍👩‍👧\n終わり";
  assert.equal(m.text, text);
  assert.equal(m.text.length, text.length);
  const s = text.indexOf("東京");
  assert.equal(tm.offsetsToRange(m, s, s + 2).toString(), "東京");
  const t = text.indexOf("👍🏽");
  assert.equal(tm.offsetsToRange(m, t, t + 4).toString(), "👍🏽");
  // Offsets inside a pair widen to the whole character.
  assert.equal(tm.offsetsToRange(m, t + 1, t + 3).toString(), "👍🏽");
  const fam = text.indexOf("👨");
  assert.equal(tm.offsetsToRange(m, fam, fam + 8).toString(), "👨‍👩‍👧");
  assert.equal(tm.offsetsToRange(m, fam, fam + 8).startContainer.data, "👨‍👩‍👧");
  const end = text.indexOf("終");
  assert.equal(tm.offsetsToRange(m, end, end + 3).toString(), "終わり");
  roundTrip(m);
});

test("Lexical (Facebook): paragraphs, <br>-only paragraph, soft line break, formatted spans, lists", () => {
  const html = lexicalHtml([
    lex("Hello ") + `<strong data-lexical-text="true">bold</strong>`,
    "",
    lex("a") + "<br>" + lex("b"),
    lex("tail") + "<br><br>",
  ]) ;
  const { window } = dom(`<div role="dialog">${html}<ul></ul></div>`, "https://www.facebook.com/");
  const ed = editorOf(window, FB);
  assert.ok(ed);
  // Add a list inside the editor too.
  ed.insertAdjacentHTML("beforeend", `<ul><li value="1">${lex("one")}</li><li value="2">${lex("two 😀")}</li></ul>`);
  const m = tm.buildModel(ed, opts(FB));
  assert.equal(m.text, "Hello bold\n\na\nb\ntail\n\none\ntwo 😀");
  roundTrip(m);
  const i = m.text.indexOf("bold");
  const r = tm.offsetsToRange(m, i, i + 4);
  assert.equal(r.toString(), "bold");
  assert.equal(r.startContainer.parentNode.tagName, "STRONG");
  const j = m.text.indexOf("a\nb");
  assert.equal(rangeText(m, tm.offsetsToRange(m, j, j + 3)), "a\nb");
});

test("Lexical: empty editor (<p><br></p>) is empty", () => {
  const { window } = dom(lexicalHtml([""]));
  const m = tm.buildModel(editorOf(window, FB), opts(FB));
  assert.equal(m.text, "");
  roundTrip(m);
});

test("Quill (LinkedIn): <p> lines, <p><br></p> empty lines, inline formats, emoji, CJK", () => {
  const { window } = dom(quillHtml(["Hello <strong>big</strong> world", "", "", "😀 日本語 <em>end</em>"]), "https://www.linkedin.com/feed/");
  const ed = editorOf(window, LI);
  assert.ok(ed);
  const m = tm.buildModel(ed, opts(LI));
  assert.equal(m.text, "Hello big world\n\n\n😀 日本語 end");
  roundTrip(m);
  const k = m.text.indexOf("日本語");
  assert.equal(tm.offsetsToRange(m, k, k + 3).toString(), "日本語");
  assert.equal(tm.offsetsToRange(m, 6, 9).toString(), "big");
});

test("Quill: lists and code blocks contribute one block per line", () => {
  const { window } = dom(quillHtml(["first"]));
  const ed = editorOf(window, LI);
  ed.insertAdjacentHTML("beforeend", `<ol><li data-list="bullet"><span class="ql-ui" contenteditable="false"></span>x</li><li data-list="bullet">y</li></ol><div class="ql-code-block-container" spellcheck="false"><div class="ql-code-block">code</div></div>`);
  const m = tm.buildModel(ed, opts(LI));
  assert.equal(m.text, "first\nx\ny\ncode");
  roundTrip(m);
});

test("offsetsToRange clamps out-of-range and reversed offsets", () => {
  const { window } = dom(quillHtml(["abc", "de"]));
  const m = tm.buildModel(editorOf(window, LI), opts(LI));
  assert.equal(m.text, "abc\nde");
  assert.equal(tm.offsetsToRange(m, -5, 2).toString(), "ab");
  assert.equal(rangeText(m, tm.offsetsToRange(m, 4, 999)), "de");
  assert.ok(tm.offsetsToRange(m, 5, 2).collapsed);
  assert.ok(tm.offsetsToRange(m, NaN, NaN).collapsed);
});

test("range ends: a span ending at a block end stays in that block's text", () => {
  const { window } = dom(draftHtml([["ab"], ["cd"]]));
  const m = tm.buildModel(editorOf(window, X), opts(X));
  const r = tm.offsetsToRange(m, 0, 2);
  assert.equal(r.endContainer.data, "ab");
  assert.equal(r.endOffset, 2);
  const r2 = tm.offsetsToRange(m, 3, 5);
  assert.equal(r2.startContainer.data, "cd");
  assert.equal(r2.startOffset, 0);
});

test("pointToOffset: element positions (caret between blocks / after spans)", () => {
  const { window } = dom(quillHtml(["ab", "", "cd"]));
  const ed = editorOf(window, LI);
  const m = tm.buildModel(ed, opts(LI));
  assert.equal(m.text, "ab\n\ncd");
  const [p1, p2, p3] = ed.children;
  assert.equal(tm.pointToOffset(m, p1, 0), 0);
  assert.equal(tm.pointToOffset(m, p1, 1), 2);
  assert.equal(tm.pointToOffset(m, p2, 0), 3);
  assert.equal(tm.pointToOffset(m, p2, 1), 3);
  assert.equal(tm.pointToOffset(m, p3, 0), 4);
  assert.equal(tm.pointToOffset(m, ed, 3), 6);
  assert.equal(tm.pointToOffset(m, window.document.body, 0), null);
  const end = tm.endPoint(m);
  assert.equal(end.node.data, "cd");
  assert.equal(end.offset, 2);
});

test("endPoint of an editor ending with an empty line is inside that line", () => {
  const { window } = dom(lexicalHtml([lex("x"), ""]));
  const ed = editorOf(window, FB);
  const m = tm.buildModel(ed, opts(FB));
  assert.equal(m.text, "x\n");
  const p = tm.endPoint(m);
  assert.equal(p.node, ed.children[1]);
  assert.equal(p.offset, 0);
});

test("isCurrent notices text changes and detached nodes", () => {
  const { window } = dom(quillHtml(["abc"]));
  const ed = editorOf(window, LI);
  const m = tm.buildModel(ed, opts(LI));
  assert.ok(tm.isCurrent(m));
  ed.firstChild.firstChild.data = "abcd";
  assert.ok(!tm.isCurrent(m));
});

test("textOf ignores the marker element if placed inside by mistake", () => {
  const { window } = dom(quillHtml(["abc"]));
  const ed = editorOf(window, LI);
  const mk = window.document.createElement("postguard-marker");
  mk.setAttribute("data-postguard-state", "clean");
  mk.textContent = "zzz";
  ed.append(mk);
  assert.equal(tm.textOf(ed, opts(LI)), "abc");
});
