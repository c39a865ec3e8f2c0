"use strict";
// content.js end to end inside jsdom: finding boxes, checks, states, stale answers, IME,
// rechecks, re-renders, SPA navigation, the post guard. (Real browsers: tests/e2e.)
const test = require("node:test");
const assert = require("node:assert/strict");
const H = require("./content_helpers.js");

const SECRET = { rule: "iet.confidentiality.secret", category: "confidentiality", severity: "error",
  message: "Do not share confidential material.", clause: "IET policy 6.2", suggestion: "Remove it.",
  fix: { type: "remove", text: "" } };

/** A host stand-in: flags every "secret" as an error and every "maybe" as a warning. */
function policyReply(text) {
  const warnings = [];
  for (const [word, base] of [["secret", SECRET], ["maybe", { rule: "tone.maybe", category: "tone", severity: "warning", message: "Hedging." }]]) {
    let i = -1;
    while ((i = text.indexOf(word, i + 1)) !== -1) warnings.push(Object.assign({}, base, { start: i, end: i + word.length }));
  }
  warnings.sort((a, b) => a.start - b.start);
  return { ok: true, state: warnings.length ? "warnings" : "clean", policy: "iet", role: "personal", warnings, truncated: false };
}

function setup(body, url, respond) {
  const d = H.dom(body, url);
  const { window } = d;
  H.fakeLayout(window);
  const rt = H.fakeRuntime(window, respond || ((m) => policyReply(m.text)));
  const PG = H.loadContentScripts(window);
  return { window, doc: window.document, PG, rt };
}

const markers = (doc, rootNode) => Array.from((rootNode || doc).querySelectorAll("[data-postguard-state]"));
const warningEls = (marker) => Array.from(marker.shadowRoot.querySelectorAll("[data-postguard-warning]"));

/** Type into a Draft-like leaf: change its text node and fire input like the browser. */
function typeInto(window, textNode, newData) {
  textNode.data = newData;
  const ed = textNode.parentNode.closest('[contenteditable="true"]');
  ed.dispatchEvent(new window.InputEvent("input", { bubbles: true, inputType: "insertText" }));
}

test("X: finds the Draft box, sends content:check with site and account, renders warnings per contract", async () => {
  const body = `<div data-testid="SideNav_AccountSwitcher_Button"><span>Me</span><span>@me_123</span></div>` +
    `<div class="compose">${H.draftHtml([["This is top secret"], ["maybe later"]])}<button data-testid="tweetButtonInline">Post</button></div>`;
  const { doc, rt } = setup(body, "https://x.com/home");
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "warnings"));
  assert.equal(markers(doc).length, 1, "exactly one marker per box");
  assert.deepEqual(rt.sent[0], { type: "content:check", text: "This is top secret\nmaybe later", site: "twitter", account: "@me_123" });
  // Beside the editor, not inside it; open shadow root.
  const editor = doc.querySelector('[data-testid="tweetTextarea_0"]');
  assert.ok(!editor.contains(m));
  assert.ok(m.previousElementSibling.classList.contains("DraftEditor-root"));
  assert.ok(m.shadowRoot, "open shadow root");
  const ws = warningEls(m);
  assert.equal(ws.length, 2);
  assert.deepEqual(
    ws.map((w) => [w.dataset.category, w.dataset.rule, w.dataset.start, w.dataset.end, w.dataset.severity]),
    [["confidentiality", "iet.confidentiality.secret", "12", "18", "error"], ["tone", "tone.maybe", "19", "24", "warning"]]
  );
  assert.match(m.shadowRoot.textContent, /2 problems/);
  assert.ok(m.hasAttribute("data-postguard-drawn-at"));
  // Overlay fallback in jsdom (no CSS highlights).
  assert.equal(doc.defaultView.Postguard.content.renderMode, "overlay");
});

test("typing: checking while waiting, debounced (one request per burst), then the new answer", async () => {
  const body = H.draftHtml([["hello"]]);
  const { window, doc, rt } = setup(body, "https://x.com/compose/post");
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "clean"));
  assert.equal(rt.sent.length, 1);
  const leaf = doc.querySelector('[data-text="true"]').firstChild;
  typeInto(window, leaf, "hello s");
  typeInto(window, leaf, "hello se");
  typeInto(window, leaf, "hello secret");
  await H.until(() => m.getAttribute("data-postguard-state") === "checking");
  await H.until(() => m.getAttribute("data-postguard-state") === "warnings");
  assert.equal(rt.sent.length, 2, "one request for the burst");
  assert.equal(rt.sent[1].text, "hello secret");
  assert.deepEqual(warningEls(m).map((w) => [w.dataset.start, w.dataset.end]), [["6", "12"]]);
  const ms = Number(m.getAttribute("data-postguard-input-ms"));
  assert.ok(Number.isFinite(ms) && ms >= 0, "input-ms median recorded");
});

test("stale answers are dropped; spans before the edit are kept meanwhile", async () => {
  let release;
  let n = 0;
  const respond = (msg) => {
    n++;
    if (n === 2) return new Promise((r) => (release = () => r(policyReply(msg.text))));
    return policyReply(msg.text);
  };
  const { window, doc, rt } = setup(H.draftHtml([["secret one"]]), "https://x.com/home", respond);
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "warnings"));
  const leaf = doc.querySelector('[data-text="true"]').firstChild;
  typeInto(window, leaf, "secret one two");
  await H.until(() => rt.sent.length === 2 && release);
  // The span before the edit survives the edit (remapped), state is checking.
  await H.until(() => warningEls(m).length === 1);
  assert.equal(m.getAttribute("data-postguard-state"), "checking");
  typeInto(window, leaf, "my secret one two");
  // "my " inserted before the span: it shifts (a separator right before it keeps it).
  await H.until(() => warningEls(m).length === 1 && warningEls(m)[0].dataset.start === "3");
  release(); // answer for "secret one two": stale now
  await H.until(() => rt.sent.length === 3);
  await H.until(() => m.getAttribute("data-postguard-state") === "warnings");
  assert.equal(rt.sent[2].text, "my secret one two");
  assert.deepEqual(warningEls(m).map((w) => [w.dataset.start, w.dataset.end]), [["3", "9"]]);
});

test("IME: nothing is checked between compositionstart and compositionend", async () => {
  const { window, doc, rt } = setup(H.draftHtml([["abc"]]), "https://x.com/home");
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "clean"));
  const ed = doc.querySelector('[role="textbox"]');
  const leaf = doc.querySelector('[data-text="true"]').firstChild;
  ed.dispatchEvent(new window.CompositionEvent("compositionstart", { bubbles: true }));
  typeInto(window, leaf, "abcに");
  typeInto(window, leaf, "abc日本");
  await H.tick(250);
  assert.equal(rt.sent.length, 1, "no check during composition");
  ed.dispatchEvent(new window.CompositionEvent("compositionend", { bubbles: true, data: "日本" }));
  await H.until(() => rt.sent.length === 2);
  assert.equal(rt.sent[1].text, "abc日本");
  await H.until(() => m.getAttribute("data-postguard-state") === "clean");
});

test("no-host: plain message with the fix hint; text kept", async () => {
  const reply = { ok: false, state: "no-host", code: "host-not-found", message: "Postguard's checker is not installed.", fix: "Install postguard-host." };
  const { doc } = setup(H.lexicalHtml([H.lex("hello")]), "https://www.facebook.com/", () => reply);
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "no-host"));
  assert.match(m.shadowRoot.textContent, /Postguard: host not installed/);
  assert.match(m.shadowRoot.querySelector("[data-postguard-hint]").textContent, /Install postguard-host/);
  assert.equal(warningEls(m).length, 0);
  assert.equal(doc.querySelector("[data-lexical-editor]").textContent, "hello");
});

test("a failing runtime (no background answer) shows no-host instead of throwing", async () => {
  const { doc } = setup(H.lexicalHtml([H.lex("hello")]), "https://www.facebook.com/", () => undefined);
  await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "no-host"));
});

test("background:recheck and storage changes check every box again", async () => {
  const { doc, rt } = setup(H.lexicalHtml([H.lex("hello")]) + H.lexicalHtml([H.lex("world")]), "https://www.facebook.com/");
  await H.until(() => markers(doc).length === 2 && markers(doc).every((e) => e.getAttribute("data-postguard-state") === "clean"));
  assert.equal(rt.sent.length, 2);
  rt.deliver({ type: "background:recheck" });
  await H.until(() => rt.sent.length === 4);
  rt.storageChanged({ policy: { newValue: "x" } }, "sync");
  await H.until(() => rt.sent.length === 6);
  assert.deepEqual(rt.sent.slice(4).map((s) => s.text).sort(), ["hello", "world"]);
  assert.equal(rt.sent[0].account, null);
  assert.equal(rt.sent[0].site, "facebook");
});

test("host stopped: every box says reconnecting at once; the recheck's answer clears it", async () => {
  let mode = "ok";
  const held = [];
  const exited = { ok: false, state: "no-host", code: "host-exited", message: "Postguard's checker (postguard-host) stopped, so your post was not checked.", fix: "keep typing" };
  const respond = (m) => {
    if (mode === "exited") return exited;
    if (mode === "hold") return new Promise((r) => held.push(r));
    return policyReply(m.text);
  };
  const { doc, rt } = setup(H.lexicalHtml([H.lex("hello")]) + H.lexicalHtml([H.lex("a secret")]), "https://www.facebook.com/", respond);
  await H.until(() => markers(doc).length === 2 && markers(doc).every((e) => e.getAttribute("data-postguard-host") === "connected"));
  const badge = (m) => m.shadowRoot.querySelector("[data-postguard-badge]").textContent;
  assert.deepEqual(markers(doc).map(badge), ["Postguard \u2713", "Postguard: 1 problem"]);

  // No check is under way in either box: the background's message alone says it.
  mode = "hold";
  rt.deliver({ type: "background:recheck", host: "reconnecting" });
  for (const m of markers(doc)) {
    assert.equal(m.getAttribute("data-postguard-host"), "reconnecting");
    assert.equal(badge(m), "Postguard: reconnecting\u2026");
  }
  assert.equal(markers(doc)[1].getAttribute("data-postguard-state"), "warnings", "the last answer's warnings stay shown");
  await H.until(() => rt.sent.length === 4, 2000);

  // The checks failing with host-exited keep saying reconnecting, not "not installed".
  mode = "exited";
  for (const r of held.splice(0)) r(exited);
  rt.deliver({ type: "background:recheck" });
  await H.until(() => markers(doc).every((e) => e.getAttribute("data-postguard-state") === "no-host"));
  for (const m of markers(doc)) {
    assert.equal(m.getAttribute("data-postguard-host"), "reconnecting");
    assert.equal(m.getAttribute("data-postguard-code"), "host-exited");
    assert.equal(badge(m), "Postguard: reconnecting\u2026");
  }

  // The host is back: the next answers clear it.
  mode = "ok";
  rt.deliver({ type: "background:recheck" });
  await H.until(() => markers(doc).every((e) => e.getAttribute("data-postguard-host") === "connected"));
  await H.until(() => markers(doc)[1].getAttribute("data-postguard-state") === "warnings");
  assert.deepEqual(markers(doc).map(badge), ["Postguard \u2713", "Postguard: 1 problem"]);
});

test("a missing host says not-installed; an answer's rulesError is shown without the file's directory", async () => {
  let reply = { ok: false, state: "no-host", code: "host-not-found", message: "not installed", fix: "install it" };
  const { doc, rt } = setup(H.lexicalHtml([H.lex("a secret")]), "https://www.facebook.com/", () => reply);
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "no-host"));
  assert.equal(m.getAttribute("data-postguard-host"), "not-installed");
  assert.equal(m.shadowRoot.querySelector("[data-postguard-badge]").textContent, "Postguard: host not installed");

  reply = Object.assign(policyReply("a secret"), {
    rulesError: { message: "/home/alice/.config/postguard/rules/iet.json:3:7: invalid JSON: syntax error", count: 2, stale: true },
  });
  rt.deliver({ type: "background:recheck" });
  await H.until(() => m.getAttribute("data-postguard-state") === "warnings");
  assert.equal(m.getAttribute("data-postguard-host"), "connected");
  assert.equal(m.getAttribute("data-postguard-rules-error"), "iet.json:3:7: invalid JSON: syntax error");
  const p = m.shadowRoot.querySelector("[data-postguard-rules-problem]");
  assert.equal(p.hidden, false);
  assert.match(p.textContent, /rules it had before the file was changed: iet\.json:3:7: invalid JSON: syntax error \(and 1 more problem\)$/);
  assert.ok(!m.outerHTML.includes("alice") && !m.shadowRoot.innerHTML.includes("alice"), "no directory (user name) in the page");
  assert.equal(m.shadowRoot.querySelector("[data-postguard-badge]").textContent, "Postguard: 1 problem \u00b7 rules error");
  assert.equal(warningEls(m).length, 1, "the warnings of the rules in force are shown");

  reply = policyReply("a secret"); // the file was fixed
  rt.deliver({ type: "background:recheck" });
  await H.until(() => !m.hasAttribute("data-postguard-rules-error"));
  assert.equal(m.shadowRoot.querySelector("[data-postguard-rules-problem]").hidden, true);
  assert.equal(m.shadowRoot.querySelector("[data-postguard-badge]").textContent, "Postguard: 1 problem");
});

test("re-render removes the marker: it is put back; detached editors are forgotten (SPA)", async () => {
  const { window, doc } = setup(`<main>${H.quillHtml(["hi secret"])}</main>`, "https://www.linkedin.com/feed/");
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "warnings"));
  m.remove();
  await H.until(() => markers(doc).length === 1 && markers(doc)[0] === m && m.isConnected);
  // SPA navigation: the whole composer is replaced.
  doc.querySelector("main").innerHTML = H.quillHtml(["new page text"]);
  await H.until(() => markers(doc).length === 1 && markers(doc)[0] !== m && markers(doc)[0].getAttribute("data-postguard-state") === "clean");
  assert.equal(window.Postguard.content.boxes().length, 1);
  assert.ok(!m.isConnected);
});

test("LinkedIn: lazily mounted composer in #interop-outlet's shadow root; hidden decoy ignored", async () => {
  const { window, doc, rt } = setup(`<div class="preload" style="display:none">${H.quillHtml(["decoy"])}</div>`, "https://www.linkedin.com/feed/");
  await H.tick(50);
  assert.equal(markers(doc).length, 0, "decoy is not watched");
  const host = doc.createElement("div");
  host.id = "interop-outlet";
  const sr = host.attachShadow({ mode: "open" });
  doc.body.append(host);
  await H.tick(200);
  sr.innerHTML = `<div data-test-modal-id="sharebox">${H.quillHtml(["a secret plan"])}<button class="share-actions__primary-action">Post</button></div>`;
  const m = await H.until(() => markers(doc, sr).find((e) => e.getAttribute("data-postguard-state") === "warnings"));
  assert.equal(m.getRootNode(), sr, "marker in the same shadow root as the editor");
  assert.ok(m.previousElementSibling.classList.contains("ql-container"));
  assert.deepEqual(rt.sent.map((s) => s.text), ["a secret plan"]);
  assert.equal(window.Postguard.content.boxes().length, 1);
});

test("post guard: blocks the post while an error is current; Post anyway lets one click through", async () => {
  const body = `<div class="compose">${H.draftHtml([["top secret"]])}<button data-testid="tweetButtonInline">Post</button></div>`;
  const { window, doc } = setup(body, "https://x.com/home");
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "warnings"));
  const button = doc.querySelector('[data-testid="tweetButtonInline"]');
  let posted = 0;
  button.addEventListener("click", () => posted++);
  button.click();
  await H.tick(10);
  assert.equal(posted, 0, "post stopped");
  const dlg = await H.until(() => m.shadowRoot.querySelector("[data-postguard-dialog]"));
  assert.match(dlg.textContent, /This post has 1 problem your organisation's policy treats as errors/);
  assert.match(dlg.textContent, /Do not share confidential material/);
  dlg.querySelector('[data-postguard-action="cancel"]').click();
  await H.tick(10);
  assert.equal(posted, 0);
  assert.equal(m.shadowRoot.querySelector("[data-postguard-dialog]"), null);
  button.click();
  const dlg2 = await H.until(() => m.shadowRoot.querySelector("[data-postguard-dialog]"));
  dlg2.querySelector('[data-postguard-action="post-anyway"]').click();
  await H.until(() => posted === 1);
  button.click();
  await H.tick(10);
  assert.equal(posted, 1, "bypass is one-shot");
  assert.ok(m.shadowRoot.querySelector("[data-postguard-dialog]"));
  window.Postguard.content.shutdown();
});

test("post guard: clean text posts at once; keyboard submit (Ctrl+Enter) is guarded on X", async () => {
  const body = `<div class="compose">${H.draftHtml([["all fine"]])}<button data-testid="tweetButtonInline">Post</button></div>`;
  const { window, doc } = setup(body, "https://x.com/home");
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "clean"));
  const button = doc.querySelector('[data-testid="tweetButtonInline"]');
  let posted = 0;
  button.addEventListener("click", () => posted++);
  button.click();
  assert.equal(posted, 1);
  // Now an error, then Ctrl+Enter in the editor.
  typeInto(window, doc.querySelector('[data-text="true"]').firstChild, "all secret");
  await H.until(() => m.getAttribute("data-postguard-state") === "warnings");
  let keySeen = 0;
  doc.addEventListener("keydown", () => keySeen++);
  const ed = doc.querySelector('[role="textbox"]');
  ed.dispatchEvent(new window.KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true, cancelable: true, composed: true }));
  assert.equal(keySeen, 0, "site never sees the submit key");
  const dlg = await H.until(() => m.shadowRoot.querySelector("[data-postguard-dialog]"));
  dlg.querySelector('[data-postguard-action="post-anyway"]').click();
  await H.until(() => posted === 2);
});

test("post guard: a click right after typing waits for the fresh answer", async () => {
  const body = `<div class="compose">${H.draftHtml([["fine"]])}<button data-testid="tweetButtonInline">Post</button></div>`;
  const { window, doc } = setup(body, "https://x.com/home");
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "clean"));
  const button = doc.querySelector('[data-testid="tweetButtonInline"]');
  let posted = 0;
  button.addEventListener("click", () => posted++);
  typeInto(window, doc.querySelector('[data-text="true"]').firstChild, "fine secret");
  button.click(); // before the debounce fired
  assert.equal(posted, 0);
  await H.until(() => m.shadowRoot.querySelector("[data-postguard-dialog]"));
  assert.equal(posted, 0);
});

test("dismiss hides a warning (and keeps it hidden on the next answer)", async () => {
  const { window, doc, rt } = setup(H.quillHtml(["a secret and maybe"]), "https://www.linkedin.com/feed/");
  const m = await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "warnings"));
  assert.equal(warningEls(m).length, 2);
  const item = warningEls(m)[1].querySelector("button");
  item.click(); // opens the card (keyboard path)
  const card = m.shadowRoot.querySelector("[data-postguard-card]");
  assert.ok(!card.hidden);
  assert.match(card.textContent, /Hedging/);
  assert.equal(card.querySelector('[data-postguard-action="apply-fix"]'), null, "no fix, no Apply fix button");
  card.querySelector('[data-postguard-action="dismiss"]').click();
  await H.until(() => warningEls(m).length === 1);
  rt.deliver({ type: "background:recheck" });
  await H.until(() => rt.sent.length === 2);
  await H.until(() => m.getAttribute("data-postguard-state") === "warnings");
  assert.deepEqual(warningEls(m).map((w) => w.dataset.rule), ["iet.confidentiality.secret"]);
  // The error's card has Apply fix.
  warningEls(m)[0].querySelector("button").click();
  assert.ok(card.querySelector('[data-postguard-action="apply-fix"]'));
  assert.match(card.textContent, /IET policy 6\.2/);
  assert.match(card.textContent, /Remove it\./);
  window.Postguard.content.shutdown();
});

test("the content scripts never throw into the page and leave the editor DOM alone", async () => {
  const html = H.draftHtml([["secret"], [], ["maybe"]]);
  const { window, doc } = setup(`<div id="c">${html}</div>`, "https://x.com/home");
  const ed = doc.querySelector('[role="textbox"]');
  const before = ed.innerHTML;
  await H.until(() => markers(doc).find((e) => e.getAttribute("data-postguard-state") === "warnings"));
  assert.equal(ed.innerHTML, before);
  window.Postguard.content.shutdown();
  assert.equal(markers(doc).length, 0);
});
