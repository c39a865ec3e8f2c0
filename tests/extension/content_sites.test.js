"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const sites = require("../../extension/content/sites.js");
const { draftHtml, lexicalHtml, lex, quillHtml, dom, fakeLayout } = require("./content_helpers.js");

test("one entry per site with the documented data shape", () => {
  assert.deepEqual(sites.SITES.map((s) => s.id), ["twitter", "facebook", "linkedin"]);
  for (const s of sites.SITES) {
    assert.ok(Object.isFrozen(s));
    assert.ok(Array.isArray(s.hosts) && s.hosts.length);
    assert.ok(["draft", "lexical", "quill"].includes(s.editor.kind));
    assert.equal(typeof s.editor.selector, "string");
    assert.ok(Array.isArray(s.editor.shadowHosts));
    assert.ok(["selector", "children"].includes(s.blocks.mode));
    assert.equal(typeof s.postButton.selector, "string");
    assert.ok(["ancestor", "closest", "root"].includes(s.postButton.scope));
    assert.ok(s.account === null || (typeof s.account.selector === "string" && s.account.pattern instanceof RegExp));
  }
  assert.equal(sites.siteById("twitter").editor.selector, '[data-testid^="tweetTextarea_"][role="textbox"]');
  assert.equal(sites.siteById("facebook").editor.selector, '[role="textbox"][contenteditable="true"][data-lexical-editor="true"]');
  assert.equal(sites.siteById("linkedin").editor.selector, '.ql-editor[contenteditable="true"]');
  assert.equal(sites.siteById("nope"), null);
});

test("siteForHost matches hosts and subdomains only", () => {
  assert.equal(sites.siteForHost("x.com").id, "twitter");
  assert.equal(sites.siteForHost("mobile.twitter.com").id, "twitter");
  assert.equal(sites.siteForHost("www.facebook.com").id, "facebook");
  assert.equal(sites.siteForHost("WWW.LINKEDIN.COM.").id, "linkedin");
  assert.equal(sites.siteForHost("notx.com"), null);
  assert.equal(sites.siteForHost("x.com.evil.org"), null);
  assert.equal(sites.siteForHost(""), null);
});

test("X account marker: @handle from the account switcher", () => {
  const { window } = dom(`<nav><div data-testid="SideNav_AccountSwitcher_Button"><span>ISO Committee</span><span>@isocommittee</span></div></nav>`);
  assert.equal(sites.accountFor(sites.siteById("twitter"), window.document), "@isocommittee");
  assert.equal(sites.accountFor(sites.siteById("facebook"), window.document), null);
  const { window: w2 } = dom("<p>nothing</p>");
  assert.equal(sites.accountFor(sites.siteById("twitter"), w2.document), null);
});

test("decoys are skipped: display:none, visibility:hidden, hidden ancestors, no rects", () => {
  const { window } = dom(
    `<div id="a">${quillHtml(["shown"])}</div>` +
      `<div style="display:none">${quillHtml(["decoy1"])}</div>` +
      `<div style="visibility:hidden">${quillHtml(["decoy2"])}</div>` +
      `<div hidden>${quillHtml(["decoy3"])}</div>`
  );
  fakeLayout(window);
  const li = sites.siteById("linkedin");
  const found = sites.findEditors(li, [window.document]);
  assert.equal(found.length, 1);
  assert.equal(found[0].textContent, "shown");
  // Without fake layout (no client rects), nothing is rendered.
  const { window: w2 } = dom(quillHtml(["x"]));
  assert.equal(sites.findEditors(li, [w2.document]).length, 0);
});

test("LinkedIn: editor inside an open shadow root on #interop-outlet; decoy in the document", () => {
  const { window } = dom(`<div id="interop-outlet" data-testid="interop-shadowdom"></div><div style="display:none" class="preload">${quillHtml(["decoy"])}</div>`, "https://www.linkedin.com/feed/");
  fakeLayout(window);
  const host = window.document.getElementById("interop-outlet");
  const sr = host.attachShadow({ mode: "open" });
  sr.innerHTML = `<div data-test-modal-id="sharebox">${quillHtml(["real"])}<div class="share-box_actions"><button class="share-actions__primary-action">Post</button></div></div>`;
  const li = sites.siteById("linkedin");
  const roots = sites.namedShadowRoots(li, window.document);
  assert.deepEqual(roots, [sr]);
  assert.deepEqual(sites.allShadowRoots(window.document), [sr]);
  const found = sites.findEditors(li, [window.document, ...roots]);
  assert.equal(found.length, 1);
  assert.equal(found[0].textContent, "real");
  const buttons = sites.findPostButtons(li, found[0]);
  assert.equal(buttons.length, 1);
  assert.equal(buttons[0].textContent, "Post");
  // Hidden shadow host: its editor is not rendered.
  host.style.display = "none";
  assert.equal(sites.findEditors(li, [sr]).length, 0);
});

test("post buttons: X nearest ancestor, Facebook same dialog", () => {
  const { window } = dom(
    `<div class="compose">${draftHtml([["hi"]])}<div><button data-testid="tweetButtonInline">Post</button></div></div>` +
      `<div class="other"><button data-testid="tweetButton">Post all</button></div>` +
      `<div role="dialog">${lexicalHtml([lex("hello")])}<div role="button" aria-label="Post">Post</div></div>` +
      `<div role="dialog"><div role="button" aria-label="Post">Other</div></div>`
  );
  const x = sites.siteById("twitter");
  const ed = window.document.querySelector(x.editor.selector);
  assert.deepEqual(sites.findPostButtons(x, ed).map((b) => b.textContent), ["Post"]);
  const fb = sites.siteById("facebook");
  const fed = window.document.querySelector(fb.editor.selector);
  assert.deepEqual(sites.findPostButtons(fb, fed).map((b) => b.textContent), ["Post"]);
});

test("marker anchor: after .DraftEditor-root for X, the editor for Facebook", () => {
  const { window } = dom(draftHtml([["a"]]) + lexicalHtml([lex("b")]));
  const x = sites.siteById("twitter");
  const ed = window.document.querySelector(x.editor.selector);
  assert.ok(sites.markerAnchor(x, ed).classList.contains("DraftEditor-root"));
  const fb = sites.siteById("facebook");
  const fed = window.document.querySelector(fb.editor.selector);
  assert.equal(sites.markerAnchor(fb, fed), fed);
});

test("submit keys: Ctrl/Cmd+Enter on X", () => {
  const x = sites.siteById("twitter");
  assert.ok(sites.isSubmitKey(x, { key: "Enter", ctrlKey: true }));
  assert.ok(sites.isSubmitKey(x, { key: "Enter", metaKey: true }));
  assert.ok(!sites.isSubmitKey(x, { key: "Enter" }));
  assert.ok(!sites.isSubmitKey(sites.siteById("facebook"), { key: "Enter", ctrlKey: true }));
});
