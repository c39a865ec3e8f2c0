// Helpers for the content-script tests (node --test): jsdom windows shaped like the three
// editors, and a loader that runs the content scripts inside such a window.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { JSDOM } = require("jsdom");

const EXT = path.join(__dirname, "..", "..", "extension");
const CONTENT_ORDER = [
  "shared/protocol.js",
  "content/sites.js",
  "content/debounce.js",
  "content/span_remap.js",
  "content/text_model.js",
  "content/marker.js",
  "content/highlighter.js",
  "content/fixes.js",
  "content/post_guard.js",
  "content/content.js",
];

/** Draft.js (X) markup for the given blocks; each block is a list of leaf texts. */
function draftHtml(blocks, testid = "tweetTextarea_0") {
  const bl = blocks
    .map((leaves, i) => {
      const key = "k" + i;
      const inner = leaves.length === 0 || (leaves.length === 1 && leaves[0] === "")
        ? `<span data-offset-key="${key}-0-0"><br data-text="true"></span>`
        : leaves
            .map((t, j) => `<span data-offset-key="${key}-${j}-0"><span data-text="true">${t}</span></span>`)
            .join("");
      return `<div class="" data-block="true" data-editor="ed" data-offset-key="${key}-0-0"><div data-offset-key="${key}-0-0" class="public-DraftStyleDefault-block public-DraftStyleDefault-ltr">${inner}</div></div>`;
    })
    .join("");
  return `<div class="DraftEditor-root"><div class="public-DraftEditorPlaceholder-root"><div class="public-DraftEditorPlaceholder-inner">What is happening?!</div></div><div class="DraftEditor-editorContainer"><div aria-label="Post text" class="notranslate public-DraftEditor-content" contenteditable="true" data-testid="${testid}" role="textbox" spellcheck="true" tabindex="0" style="outline: none; user-select: text; white-space: pre-wrap; overflow-wrap: break-word;"><div data-contents="true">${bl}</div></div></div></div>`;
}

/** Lexical (Facebook) markup; each paragraph is an HTML string of its content ("" = empty). */
function lexicalHtml(paragraphs) {
  const ps = paragraphs.map((p) => (p === "" ? "<p><br></p>" : `<p dir="ltr">${p}</p>`)).join("");
  return `<div contenteditable="true" role="textbox" spellcheck="true" tabindex="0" aria-label="What's on your mind?" data-lexical-editor="true" class="notranslate">${ps}</div>`;
}

function lex(text) {
  return `<span data-lexical-text="true">${text}</span>`;
}

/** Quill (LinkedIn) markup; each line is HTML ("" = empty line). */
function quillHtml(lines) {
  const ps = lines.map((l) => (l === "" ? "<p><br></p>" : `<p>${l}</p>`)).join("");
  return `<div class="ql-container"><div class="ql-editor" contenteditable="true" role="textbox" aria-label="Text editor for creating content" data-placeholder="What do you want to talk about?">${ps}</div><div class="ql-clipboard" contenteditable="true" tabindex="-1"></div></div>`;
}

function dom(bodyHtml, url = "https://example.org/") {
  return new JSDOM(`<!doctype html><html><head></head><body>${bodyHtml}</body></html>`, { url, pretendToBeVisual: true, runScripts: "outside-only" });
}

/** Make every element look rendered (jsdom has no layout). */
function fakeLayout(window) {
  const rect = { left: 10, top: 10, right: 410, bottom: 60, width: 400, height: 50, x: 10, y: 10 };
  window.Element.prototype.getClientRects = function () {
    const cs = window.getComputedStyle(this);
    if (cs.display === "none") return [];
    for (let n = this.parentElement; n; n = n.parentElement) if (window.getComputedStyle(n).display === "none") return [];
    return [rect];
  };
  window.Element.prototype.getBoundingClientRect = function () {
    return rect;
  };
  if (!window.Range.prototype.getClientRects) window.Range.prototype.getClientRects = () => [];
  if (!window.Range.prototype.getBoundingClientRect) window.Range.prototype.getBoundingClientRect = () => rect;
}

/**
 * A fake extension runtime: `respond(msg)` returns the reply (or a Promise of it).
 * Returns {chrome, sent, deliver(msg)}.
 */
function fakeRuntime(window, respond) {
  const sent = [];
  const listeners = [];
  const storageListeners = [];
  const chrome = {
    runtime: {
      lastError: undefined,
      sendMessage(msg, cb) {
        sent.push(JSON.parse(JSON.stringify(msg)));
        Promise.resolve()
          .then(() => respond(msg))
          .then((reply) => cb && cb(reply));
      },
      onMessage: {
        addListener: (f) => listeners.push(f),
        removeListener: (f) => listeners.splice(listeners.indexOf(f), 1),
      },
    },
    storage: {
      onChanged: {
        addListener: (f) => storageListeners.push(f),
        removeListener: (f) => storageListeners.splice(storageListeners.indexOf(f), 1),
      },
    },
  };
  window.chrome = chrome;
  return {
    chrome,
    sent,
    deliver: (msg) => listeners.forEach((f) => f(msg, {}, () => {})),
    storageChanged: (changes, area) => storageListeners.forEach((f) => f(changes, area)),
  };
}

/** Run the content scripts (in manifest order) inside the jsdom window. */
function loadContentScripts(window, upTo) {
  for (const rel of CONTENT_ORDER) {
    if (upTo && rel === upTo) break;
    const src = fs.readFileSync(path.join(EXT, rel), "utf8");
    if (rel.startsWith("shared/")) {
      // Another part of the extension; content.js works without it (falls back to the
      // contract's literal message names), so a broken copy must not hide our results.
      try {
        window.eval(src + "\n//# sourceURL=" + rel);
      } catch (e) {
        console.error("note: " + rel + " failed to load: " + e.message);
      }
      continue;
    }
    window.eval(src + "\n//# sourceURL=" + rel);
  }
  return window.Postguard;
}

function tick(ms = 0) {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(pred, ms = 2000) {
  const t0 = Date.now();
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error("timed out waiting");
    await tick(5);
  }
}

module.exports = {
  EXT, CONTENT_ORDER, draftHtml, lexicalHtml, lex, quillHtml, dom, fakeLayout, fakeRuntime, loadContentScripts, tick, until,
};
