"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { createMarker } = require("../../extension/content/marker.js");
const { createHighlighter, pointInRect, supportsHighlights } = require("../../extension/content/highlighter.js");
const H = require("./content_helpers.js");

function setup() {
  const { window } = H.dom(`<div id="wrap">${H.quillHtml(["hello secret"])}</div>`);
  H.fakeLayout(window);
  const doc = window.document;
  const container = doc.querySelector(".ql-container");
  return { window, doc, container, editor: doc.querySelector(".ql-editor") };
}

test("marker: one element after the anchor, open shadow root, state attribute", () => {
  const { doc, container } = setup();
  const m = createMarker({ doc, anchor: container });
  assert.equal(container.nextSibling, m.host);
  assert.equal(m.host.getAttribute("data-postguard-state"), "checking");
  assert.ok(m.host.shadowRoot && m.host.shadowRoot.mode === "open");
  m.setState("clean");
  assert.equal(m.host.getAttribute("data-postguard-state"), "clean");
  assert.match(m.badge.textContent, /Postguard/);
  m.setState("no-host", { code: "host-not-found", message: "Not installed.", fix: "Run the installer." });
  assert.equal(m.badge.textContent, "Postguard: host not installed");
  assert.equal(m.shadow.querySelector("[data-postguard-hint]").textContent, "Run the installer.");
  assert.equal(m.host.getAttribute("data-postguard-code"), "host-not-found");
  m.destroy();
  assert.ok(!m.host.isConnected);
});

test("marker: a host that stopped reads 'reconnecting', not 'not installed'; rules errors are marked", () => {
  require("../../extension/shared/protocol.js"); // shortRulesMessage, as in the browser
  const { doc, container } = setup();
  const m = createMarker({ doc, anchor: container });
  const status = () => m.shadow.querySelector("[data-postguard-status]").textContent;
  m.setWarnings([{ id: "a", rule: "r", category: "privacy", severity: "warning", start: 0, end: 5, message: "m" }]);
  m.setState("warnings");
  m.setHost("connected");
  assert.equal(m.host.getAttribute("data-postguard-host"), "connected");
  assert.equal(m.badge.textContent, "Postguard: 1 problem");
  m.setHost("reconnecting");
  assert.equal(m.host.getAttribute("data-postguard-host"), "reconnecting");
  assert.equal(m.host.getAttribute("data-postguard-state"), "warnings", "states are unchanged");
  assert.equal(m.badge.textContent, "Postguard: reconnecting\u2026");
  assert.match(status(), /stopped; it is being started again/);
  m.setState("no-host", { code: "host-exited", message: "It stopped.", fix: "Keep typing." });
  assert.equal(m.badge.textContent, "Postguard: reconnecting\u2026");
  assert.equal(status(), "It stopped.");
  m.setHost("not-installed");
  m.setState("no-host", { code: "host-not-found", message: "Not installed.", fix: "Install it." });
  assert.equal(m.badge.textContent, "Postguard: host not installed");

  m.setHost("connected");
  m.setState("clean");
  m.setRulesError({ message: "C:\\Users\\bob\\AppData\\Roaming\\Postguard\\rules\\iet.json:9: rule 'x': bad", count: 1, stale: false });
  assert.equal(m.host.getAttribute("data-postguard-rules-error"), "iet.json:9: rule 'x': bad");
  const p = m.shadow.querySelector("[data-postguard-rules-problem]");
  assert.equal(p.textContent, "Some of this policy's rules could not be loaded and are not checked: iet.json:9: rule 'x': bad");
  assert.equal(m.badge.textContent, "Postguard \u2713 \u00b7 rules error");
  m.setRulesError(null);
  assert.ok(!m.host.hasAttribute("data-postguard-rules-error"));
  assert.equal(p.hidden, true);
  assert.equal(m.badge.textContent, "Postguard \u2713");
  m.destroy();
});

test("marker: warnings as elements with the contract's attributes; host strings are text, not HTML", () => {
  const { doc, container } = setup();
  const m = createMarker({ doc, anchor: container });
  m.setWarnings([
    { id: "a", rule: "r.one", category: "privacy", severity: "error", start: 6, end: 12, message: "<img src=x onerror=alert(1)>" },
    { id: "b", rule: "r.two", category: "tone", severity: "info", start: 0, end: 5, message: "Hi" },
  ]);
  m.setState("warnings");
  const els = m.shadow.querySelectorAll("[data-postguard-warning]");
  assert.equal(els.length, 2);
  assert.deepEqual([els[0].dataset.rule, els[0].dataset.category, els[0].dataset.start, els[0].dataset.end, els[0].dataset.severity], ["r.one", "privacy", "6", "12", "error"]);
  assert.equal(m.shadow.querySelector("img"), null);
  assert.match(els[0].textContent, /<img src=x/);
  assert.equal(m.badge.textContent, "Postguard: 2 problems");
  assert.ok(m.host.hasAttribute("data-postguard-has-errors"));
});

test("marker: put back after removal; gives up fighting after repeated removals", () => {
  const { doc, container } = setup();
  const m = createMarker({ doc, anchor: container });
  m.host.remove();
  assert.equal(m.ensureAttached(), true);
  assert.equal(container.nextSibling, m.host);
  assert.equal(m.ensureAttached(), false, "nothing to do when in place");
  for (let i = 0; i < 10; i++) {
    m.host.remove();
    m.ensureAttached();
  }
  assert.ok(m.host.isConnected);
  assert.equal(m.host.parentNode, doc.body, "moved to the end of the page");
});

test("marker: card with Apply fix only when the warning has a fix; Escape closes", () => {
  const { window, doc, container } = setup();
  const applied = [];
  const dismissed = [];
  const m = createMarker({ doc, anchor: container, onApplyFix: (id) => applied.push(id), onDismiss: (id) => dismissed.push(id) });
  m.setWarnings([
    { id: "a", rule: "r", category: "c", severity: "warning", start: 0, end: 1, message: "M", clause: "C 1.2", suggestion: "S", fix: { type: "append", text: "x" } },
    { id: "b", rule: "r2", category: "c", severity: "info", start: 1, end: 2, message: "N" },
  ]);
  m.openCard("a", null, "keyboard");
  assert.equal(m.cardFor, "a");
  assert.match(m.card.textContent, /M/);
  assert.match(m.card.textContent, /C 1\.2/);
  assert.match(m.card.textContent, /S/);
  m.card.querySelector('[data-postguard-action="apply-fix"]').click();
  assert.deepEqual(applied, ["a"]);
  assert.equal(m.cardFor, null);
  m.openCard("b", null, "click");
  assert.equal(m.card.querySelector('[data-postguard-action="apply-fix"]'), null);
  m.card.dispatchEvent(new window.KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
  assert.equal(m.cardFor, null);
  m.openCard("b", null, "click");
  m.card.querySelector('[data-postguard-action="dismiss"]').click();
  assert.deepEqual(dismissed, ["b"]);
  // A card for a warning that went away closes.
  m.openCard("a", null, "click");
  m.setWarnings([]);
  assert.equal(m.cardFor, null);
});

test("marker: confirmPost resolves with the button pressed; one dialog at a time", async () => {
  const { doc, container } = setup();
  const m = createMarker({ doc, anchor: container });
  const errs = [{ rule: "r", message: "Bad one", clause: "6.2" }, { rule: "s", message: "Bad two" }];
  const p1 = m.confirmPost(errs);
  const p2 = m.confirmPost(errs);
  assert.equal(m.shadow.querySelectorAll("[data-postguard-dialog]").length, 1);
  const d = m.shadow.querySelector("[data-postguard-dialog]");
  assert.match(d.textContent, /This post has 2 problems your organisation's policy treats as errors/);
  assert.match(d.textContent, /Bad two/);
  d.querySelector('[data-postguard-action="post-anyway"]').click();
  assert.equal(await p1, "post-anyway");
  assert.equal(await p2, "post-anyway");
  assert.equal(m.shadow.querySelector("[data-postguard-dialog]"), null);
  const p3 = m.confirmPost(errs);
  m.shadow.querySelector('[data-postguard-action="cancel"]').click();
  assert.equal(await p3, "cancel");
});

test("marker: perf attributes", () => {
  const { doc, container } = setup();
  const m = createMarker({ doc, anchor: container });
  m.setPerf(0.01234, 1234.5678);
  assert.equal(m.host.getAttribute("data-postguard-input-ms"), "0.012");
  assert.equal(m.host.getAttribute("data-postguard-drawn-at"), "1234.568");
});

test("highlighter: overlay boxes per client rect, clipped to the editor; hit-testing", () => {
  const { window, doc, container, editor } = setup();
  const m = createMarker({ doc, anchor: container });
  const hl = createHighlighter(window, {});
  assert.equal(hl.mode, "overlay", "jsdom has no CSS highlights");
  assert.equal(supportsHighlights(window), false);
  const range = doc.createRange();
  range.selectNodeContents(editor.firstChild);
  // Two lines: one inside the editor (10..410 x 10..60), one partly outside to the right.
  range.getClientRects = () => [
    { left: 20, right: 80, top: 12, bottom: 30, width: 60, height: 18 },
    { left: 380, right: 500, top: 32, bottom: 50, width: 120, height: 18 },
  ];
  hl.setRanges("k", [{ id: "w1", severity: "error", range }], { marker: m, editor });
  const boxes = m.layer.querySelectorAll("[data-postguard-underline]");
  assert.equal(boxes.length, 2);
  assert.equal(boxes[0].dataset.severity, "error");
  assert.equal(boxes[1].style.width, "30px", "clipped at the editor's right edge (410)");
  assert.equal(hl.hitTest("k", 50, 20), "w1");
  assert.equal(hl.hitTest("k", 50, 33), "w1", "just under the text counts (the underline)");
  assert.equal(hl.hitTest("k", 200, 20), null);
  assert.equal(hl.rectOf("k", "w1").left, 20);
  hl.clear("k");
  assert.equal(m.layer.querySelectorAll("[data-postguard-underline]").length, 0);
  assert.equal(hl.hitTest("k", 50, 20), null);
  assert.ok(pointInRect(5, 5, { left: 0, right: 10, top: 0, bottom: 10 }));
});

test("highlighter: CSS highlights when available (fake registry)", () => {
  const { window, doc, container, editor } = setup();
  const reg = new Map();
  class FakeHighlight extends Set {}
  window.Highlight = FakeHighlight;
  window.CSS = { highlights: reg, supports: () => true };
  const m = createMarker({ doc, anchor: container });
  const hl = createHighlighter(window, {});
  assert.equal(hl.mode, "highlight");
  const r1 = doc.createRange();
  const r2 = doc.createRange();
  hl.setRanges("a", [{ id: "1", severity: "error", range: r1 }, { id: "2", severity: "warning", range: r2 }], { marker: m, editor });
  hl.setRanges("b", [{ id: "3", severity: "error", range: r2 }], { marker: m, editor });
  assert.equal(reg.get("postguard-error").size, 2);
  assert.equal(reg.get("postguard-warning").size, 1);
  assert.equal(reg.get("postguard-info").size, 0);
  hl.clear("a");
  assert.equal(reg.get("postguard-error").size, 1);
  // The ::highlight rules went into the document (style element or adopted sheet).
  const css = Array.from(doc.querySelectorAll("style[data-postguard-highlights]")).map((s) => s.textContent).join("") +
    Array.from(doc.adoptedStyleSheets || []).map((s) => Array.from(s.cssRules).map((r) => r.cssText).join("")).join("");
  assert.match(css, /postguard-error/);
  hl.destroy();
  assert.equal(reg.size, 0);
});
