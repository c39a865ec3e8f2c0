// Postguard content script: the marker element of one compose box (docs/extension.md, "DOM
// contract"). One element per box carrying data-postguard-state, with an OPEN shadow root that
// holds the badge, the list of warnings (one element per warning, data-postguard-warning +
// data-category/-rule/-start/-end/-severity), the card shown for one warning, the overlay layer
// for underlines when CSS highlights are not available, and the "post anyway?" dialog.
//
// The element is placed beside the editor (after the site's anchor element), never inside the
// contenteditable, and put back when the site's re-render removes it (ensureAttached()).
// All strings from the host are set with textContent.
//
// Classic script: adds `globalThis.Postguard.marker` (and module.exports under Node).
(function (root) {
  "use strict";

  const TAG = "postguard-marker";
  const SEVERITY_LABEL = { error: "Error", warning: "Warning", info: "Note" };

  const HOST_STYLE = [
    "all: initial",
    "display: block",
    "position: relative",
    "width: 0",
    "height: 0",
    "margin: 0",
    "padding: 0",
    "border: 0",
    "overflow: visible",
    "pointer-events: none",
    "z-index: 2147483000",
  ].join(" !important; ") + " !important;";

  const SHADOW_CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
.layer { position: absolute; left: 0; top: 0; width: 0; height: 0; overflow: visible; pointer-events: none; }
.ul { position: absolute; height: 0; pointer-events: none; border-bottom: 2px solid; }
.ul[data-severity="error"] { border-bottom: 2px solid #d93025; }
.ul[data-severity="warning"] { border-bottom: 2px dashed #e37400; }
.ul[data-severity="info"] { border-bottom: 2px dotted #1a73e8; }
.badge {
  position: absolute; left: 0; top: 0; transform: translate(-100%, -100%);
  pointer-events: auto; cursor: pointer; white-space: nowrap;
  font: 600 11px/16px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #fff; background: #5f6368; border: 0; border-radius: 9px; padding: 1px 8px;
  opacity: .92; box-shadow: 0 1px 3px rgba(0,0,0,.25);
}
.badge[hidden] { display: none; }
.badge:focus-visible { outline: 2px solid #1a73e8; outline-offset: 2px; }
:host([data-postguard-state="clean"]) .badge { background: #188038; }
:host([data-postguard-state="warnings"]) .badge { background: #e37400; }
:host([data-postguard-state="warnings"][data-postguard-has-errors]) .badge { background: #d93025; }
:host([data-postguard-state="no-host"]) .badge { background: #5f6368; }
:host([data-postguard-state="checking"]) .badge { opacity: .7; }
:host([data-postguard-host="reconnecting"]) .badge { background: #5f6368; opacity: .92; }
.panel, .card {
  pointer-events: auto; position: absolute; left: 0; top: 0; z-index: 1;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #202124;
  background: #fff; border: 1px solid #dadce0; border-radius: 8px;
  box-shadow: 0 4px 16px rgba(0,0,0,.2); padding: 10px 12px; margin: 0;
  max-width: min(360px, 90vw); width: max-content; inset: auto;
}
.panel { transform: translate(-100%, 0); }
.panel[hidden], .card[hidden] { display: none; }
.card:popover-open, .panel:popover-open { position: fixed; }
.hint { white-space: pre-wrap; margin: 6px 0 0; font-size: 12px; color: #3c4043; }
ul { list-style: none; margin: 0; padding: 0; }
li + li { margin-top: 4px; }
.item { all: unset; display: block; cursor: pointer; padding: 4px 6px; border-radius: 4px; }
.item:hover, .item:focus-visible { background: #f1f3f4; outline: none; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; vertical-align: middle; }
.dot[data-severity="error"] { background: #d93025; }
.dot[data-severity="warning"] { background: #e37400; }
.dot[data-severity="info"] { background: #1a73e8; }
.sev { font-weight: 700; font-size: 11px; text-transform: uppercase; letter-spacing: .04em; }
.sev[data-severity="error"] { color: #d93025; }
.sev[data-severity="warning"] { color: #b06000; }
.sev[data-severity="info"] { color: #1a73e8; }
.msg { margin: 4px 0; }
.clause { margin: 4px 0; font-size: 12px; color: #5f6368; }
.sugg { margin: 4px 0; font-size: 12px; }
.actions { display: flex; gap: 8px; margin-top: 8px; }
button.act {
  font: 600 12px/1 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; cursor: pointer;
  border-radius: 4px; padding: 6px 10px; border: 1px solid #dadce0; background: #fff; color: #1a73e8;
}
button.act.primary { background: #1a73e8; color: #fff; border-color: #1a73e8; }
button.act:focus-visible { outline: 2px solid #1a73e8; outline-offset: 2px; }
dialog {
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #202124;
  border: 0; border-radius: 10px; padding: 18px 20px; max-width: min(480px, 92vw);
  box-shadow: 0 8px 32px rgba(0,0,0,.35); pointer-events: auto;
}
dialog:not([open]) { display: none; }
dialog.fallback[open] { position: fixed; inset: 0; margin: auto; height: fit-content; z-index: 2147483647; background: #fff; display: block; }
dialog::backdrop { background: rgba(0,0,0,.4); }
dialog h2 { font-size: 15px; margin: 0 0 10px; }
dialog ul { margin: 0 0 6px; }
dialog li { padding-left: 14px; position: relative; }
dialog li::before { content: "•"; position: absolute; left: 2px; color: #d93025; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

  function el(doc, tag, attrs, text) {
    const e = doc.createElement(tag);
    if (attrs) {
      for (const k of Object.keys(attrs)) {
        if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? "" : String(attrs[k]));
      }
    }
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function log(what, err) {
    try {
      console.debug("[postguard] marker:", what, err && err.message ? err.message : "");
    } catch (_e) {
      /* ignore */
    }
  }

  /** Call a user callback without letting an exception or rejection reach the page. */
  function callback(fn, arg) {
    if (typeof fn !== "function") return;
    try {
      Promise.resolve(fn(arg)).catch((e) => log("callback", e));
    } catch (e) {
      log("callback", e);
    }
  }

  function shortRulesMessage(message) {
    const p = root.Postguard && root.Postguard.protocol;
    if (p && p.shortRulesMessage) return p.shortRulesMessage(message);
    return String(message).replace(/^.*[\\/]/, "");
  }

  function supportsPopover(elem) {
    return typeof elem.showPopover === "function" && typeof elem.hidePopover === "function";
  }

  /**
   * createMarker({doc, anchor, onApplyFix(id), onDismiss(id), onCardChange(id|null),
   * getRangeRect(id)}) -> marker. `anchor` is the element the marker goes right after.
   */
  function createMarker(opts) {
    const doc = opts.doc || opts.anchor.ownerDocument;
    const win = doc.defaultView;
    let anchor = opts.anchor;
    const host = doc.createElement(TAG);
    host.setAttribute("data-postguard-state", "checking");
    host.setAttribute("style", HOST_STYLE);
    const shadow = host.attachShadow({ mode: "open" });

    const style = el(doc, "style", null, SHADOW_CSS);
    const layer = el(doc, "div", { class: "layer", "aria-hidden": "true" });
    const badge = el(doc, "button", { class: "badge", type: "button", "aria-expanded": "false", "data-postguard-badge": true }, "Postguard");
    const panel = el(doc, "div", { class: "panel", role: "region", "aria-label": "Postguard", "data-postguard-panel": true, hidden: true });
    const status = el(doc, "p", { class: "msg", "data-postguard-status": true });
    const hint = el(doc, "p", { class: "hint", "data-postguard-hint": true, hidden: true });
    const rulesProblem = el(doc, "p", { class: "hint", "data-postguard-rules-problem": true, hidden: true });
    const list = el(doc, "ul", { "data-postguard-list": true, "aria-label": "Problems found" });
    panel.append(status, hint, rulesProblem, list);
    const card = el(doc, "div", { class: "card", role: "dialog", "aria-label": "Postguard: problem", "data-postguard-card": true, hidden: true });
    const perf = el(doc, "span", { class: "sr", "aria-hidden": "true" });
    shadow.append(style, layer, badge, panel, card, perf);

    const usePopover = supportsPopover(card);
    if (usePopover) {
      card.setAttribute("popover", "manual");
      panel.setAttribute("popover", "manual");
    }

    let state = "checking";
    let stateInfo = null;
    let hostLink = null; // "connected" | "reconnecting" | "not-installed" (protocol.HOST_LINKS)
    let rulesError = null; // {message, count, stale} from the host
    let items = []; // current warnings: {id, rule, category, severity, start, end, message, clause, suggestion, fix}
    let cardFor = null;
    let cardHow = null;
    let cardCloseTimer = null;
    let cardOpener = null;
    let dialogOpen = null;
    let badgePos = { left: 0, top: 0 };
    let destroyed = false;

    function attach() {
      try {
        if (!anchor || !anchor.parentNode) return false;
        if (host.parentNode === anchor.parentNode && host.previousSibling === anchor) return true;
        anchor.after(host);
        return true;
      } catch (e) {
        log("attach failed", e);
        return false;
      }
    }

    // If the site keeps removing the element (a framework that owns every child of that
    // container), stop fighting: after a few re-insertions in a short time, move to the end
    // of the editor's root (document body or shadow root); positions are computed from rects,
    // so the badge and overlay still land on the editor.
    let reattachTimes = [];
    let fallback = false;

    function attachFallback() {
      try {
        const rn = anchor.getRootNode();
        const parent = rn.nodeType === 9 ? rn.body || rn.documentElement : rn;
        if (host.parentNode !== parent) parent.appendChild(host);
        return true;
      } catch (e) {
        log("fallback attach failed", e);
        return false;
      }
    }

    /** Put the element back if the site's re-render removed or moved it. */
    function ensureAttached(newAnchor) {
      if (destroyed) return false;
      if (newAnchor && newAnchor !== anchor) anchor = newAnchor;
      if (fallback) return host.isConnected ? false : attachFallback();
      if (host.isConnected && host.parentNode === anchor.parentNode) return false; // still beside it
      const t = win.performance ? win.performance.now() : Date.now();
      reattachTimes = reattachTimes.filter((x) => t - x < 5000);
      reattachTimes.push(t);
      if (reattachTimes.length > 8) {
        fallback = true;
        log("the site keeps removing the marker; moving it to the end of the page");
        return attachFallback();
      }
      return attach();
    }

    function hostRect() {
      return host.getBoundingClientRect();
    }

    // ---- positioning ----

    function popShow(elem) {
      if (usePopover) {
        elem.hidden = false;
        try {
          if (!elem.matches(":popover-open")) elem.showPopover();
        } catch (e) {
          log("showPopover", e);
        }
      } else {
        elem.hidden = false;
      }
    }
    function popHide(elem) {
      if (usePopover) {
        try {
          if (elem.matches(":popover-open")) elem.hidePopover();
        } catch (_e) {
          /* ignore */
        }
      }
      elem.hidden = true;
    }

    /** Place a floating element near a viewport rect (below it, kept inside the viewport). */
    function placeNear(elem, rect, alignRight) {
      const vw = win.innerWidth || 1024;
      const vh = win.innerHeight || 768;
      const w = elem.offsetWidth || 300;
      const h = elem.offsetHeight || 120;
      let left = alignRight ? rect.right - w : rect.left;
      let top = rect.bottom + 6;
      if (top + h > vh && rect.top - h - 6 >= 0) top = rect.top - h - 6;
      left = Math.max(4, Math.min(left, vw - w - 4));
      top = Math.max(4, top);
      if (usePopover && elem.matches(":popover-open")) {
        elem.style.left = left + "px";
        elem.style.top = top + "px";
        elem.style.transform = "none";
      } else {
        const hr = hostRect();
        elem.style.left = left - hr.left + "px";
        elem.style.top = top - hr.top + "px";
        elem.style.transform = "none";
      }
    }

    /** Keep the badge at the editor's bottom-right corner (viewport rect of the editor). */
    function position(editorRect) {
      if (!editorRect) return;
      // An editor without a box (hidden, collapsed dialog): no badge floating elsewhere.
      const shown = editorRect.width > 0 || editorRect.height > 0;
      if (badge.hidden === shown) badge.hidden = !shown;
      if (!shown) return;
      const hr = hostRect();
      const left = Math.round(editorRect.right - hr.left - 4);
      const top = Math.round(editorRect.bottom - hr.top - 2);
      if (left !== badgePos.left || top !== badgePos.top) {
        badgePos = { left, top };
        badge.style.left = left + "px";
        badge.style.top = top + "px";
      }
      if (!panel.hidden) placeNear(panel, badge.getBoundingClientRect(), true);
    }

    // ---- state, badge, list ----

    function badgeText() {
      const n = items.length;
      // A host that stopped is restarted by the next check: not the same as "not installed".
      if (hostLink === "reconnecting") return "Postguard: reconnecting\u2026";
      const rules = rulesError ? " \u00b7 rules error" : "";
      switch (state) {
        case "clean":
          return "Postguard \u2713" + rules;
        case "warnings":
          return `Postguard: ${n} ${n === 1 ? "problem" : "problems"}${rules}`;
        case "no-host":
          return "Postguard: host not installed";
        default:
          return n ? `Postguard: ${n} \u2026` : "Postguard \u2026";
      }
    }

    function renderBadge() {
      badge.textContent = badgeText();
      badge.setAttribute("aria-label", badgeText() + " (show details)");
      if (items.some((w) => w.severity === "error")) host.setAttribute("data-postguard-has-errors", "");
      else host.removeAttribute("data-postguard-has-errors");
    }

    /** state: checking|clean|warnings|no-host; info (no-host): {message, fix, code}. */
    function setState(newState, info) {
      state = newState;
      stateInfo = newState === "no-host" ? info || null : null;
      if (host.getAttribute("data-postguard-state") !== newState) host.setAttribute("data-postguard-state", newState);
      if (newState === "no-host") {
        const code = info && info.code;
        if (code) host.setAttribute("data-postguard-code", code);
      } else {
        host.removeAttribute("data-postguard-code");
      }
      renderStatus();
    }

    function renderStatus() {
      if (state === "no-host") {
        status.textContent = (stateInfo && stateInfo.message) || "Postguard's checker is not available, so this post was not checked.";
        hint.textContent = (stateInfo && stateInfo.fix) || "";
      } else {
        hint.textContent = "";
        status.textContent =
          hostLink === "reconnecting" ? "Postguard's checker (postguard-host) stopped; it is being started again." :
          state === "clean" ? "No problems found." :
          state === "checking" ? "Checking\u2026" : "";
      }
      hint.hidden = !hint.textContent;
      renderBadge();
    }

    /** The connection to the host: "connected" | "reconnecting" | "not-installed" (data-postguard-host). */
    function setHost(link) {
      if (link === hostLink) return;
      hostLink = link || null;
      if (hostLink) host.setAttribute("data-postguard-host", hostLink);
      else host.removeAttribute("data-postguard-host");
      renderStatus();
    }

    /**
     * The host's problem with this policy's rule files ({message, count, stale}) or null. The
     * attribute and the panel name the file, not its directory (the page can read both).
     */
    function setRulesError(info) {
      const next = info && typeof info.message === "string" ? info : null;
      if (JSON.stringify(next) === JSON.stringify(rulesError)) return;
      rulesError = next;
      if (!next) {
        host.removeAttribute("data-postguard-rules-error");
        rulesProblem.textContent = "";
        rulesProblem.hidden = true;
      } else {
        const short = shortRulesMessage(next.message);
        host.setAttribute("data-postguard-rules-error", short);
        const more = next.count > 1 ? ` (and ${next.count - 1} more ${next.count === 2 ? "problem" : "problems"})` : "";
        rulesProblem.textContent = next.stale
          ? `This policy's rule file has an error, so Postguard still checks with the rules it had before the file was changed: ${short}${more}`
          : `Some of this policy's rules could not be loaded and are not checked: ${short}${more}`;
        rulesProblem.hidden = false;
      }
      renderBadge();
    }

    function itemById(id) {
      return items.find((w) => w.id === id) || null;
    }

    function warningLabel(w) {
      return (SEVERITY_LABEL[w.severity] || w.severity || "") + ": " + (w.message || w.rule || "");
    }

    /** Replace the current warnings (objects with id and the host's W fields). */
    function setWarnings(newItems) {
      items = newItems.slice();
      const frag = doc.createDocumentFragment();
      for (const w of items) {
        const li = el(doc, "li", {
          "data-postguard-warning": true,
          "data-id": w.id,
          "data-category": w.category || "",
          "data-rule": w.rule || "",
          "data-start": w.start,
          "data-end": w.end,
          "data-severity": w.severity || "",
        });
        const b = el(doc, "button", { class: "item", type: "button" });
        b.append(el(doc, "span", { class: "dot", "data-severity": w.severity || "" }), doc.createTextNode(warningLabel(w)));
        b.addEventListener("click", (ev) => {
          ev.stopPropagation();
          openCard(w.id, null, "keyboard", b);
        });
        li.append(b);
        frag.append(li);
      }
      list.replaceChildren(frag);
      renderBadge();
      if (cardFor !== null) {
        const cur = itemById(cardFor);
        if (!cur) closeCard();
        else fillCard(cur);
      }
    }

    function togglePanel(force) {
      const show = force === undefined ? panel.hidden : !!force;
      if (show) {
        popShow(panel);
        badge.setAttribute("aria-expanded", "true");
        placeNear(panel, badge.getBoundingClientRect(), true);
      } else {
        popHide(panel);
        badge.setAttribute("aria-expanded", "false");
      }
    }

    badge.addEventListener("click", (ev) => {
      ev.stopPropagation();
      togglePanel();
      if (!panel.hidden) {
        const first = list.querySelector("button");
        if (first && ev.detail === 0) first.focus(); // keyboard activation
      }
    });
    panel.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.stopPropagation();
        togglePanel(false);
        badge.focus();
      }
    });

    // ---- card ----

    function fillCard(w) {
      const nodes = [];
      nodes.push(el(doc, "div", { class: "sev", "data-severity": w.severity || "" }, SEVERITY_LABEL[w.severity] || w.severity || ""));
      nodes.push(el(doc, "p", { class: "msg", "data-postguard-message": true }, w.message || ""));
      if (w.clause) nodes.push(el(doc, "p", { class: "clause", "data-postguard-clause": true }, w.clause));
      if (w.suggestion) nodes.push(el(doc, "p", { class: "sugg", "data-postguard-suggestion": true }, w.suggestion));
      const actions = el(doc, "div", { class: "actions" });
      if (w.fix && w.fix.type) {
        const apply = el(doc, "button", { class: "act primary", type: "button", "data-postguard-action": "apply-fix" }, "Apply fix");
        // Keep the editor's focus and selection while clicking.
        apply.addEventListener("mousedown", (ev) => ev.preventDefault());
        apply.addEventListener("click", (ev) => {
          ev.stopPropagation();
          const id = w.id;
          closeCard(false);
          callback(opts.onApplyFix, id);
        });
        actions.append(apply);
      }
      const dismiss = el(doc, "button", { class: "act", type: "button", "data-postguard-action": "dismiss" }, "Dismiss");
      dismiss.addEventListener("mousedown", (ev) => ev.preventDefault());
      dismiss.addEventListener("click", (ev) => {
        ev.stopPropagation();
        const id = w.id;
        closeCard(true);
        callback(opts.onDismiss, id);
      });
      actions.append(dismiss);
      nodes.push(actions);
      card.replaceChildren(...nodes);
      card.setAttribute("data-id", w.id);
      card.setAttribute("aria-label", "Postguard: " + (SEVERITY_LABEL[w.severity] || "problem"));
    }

    /**
     * Open the card of warning `id` near `rect` (viewport rect of its text; falls back to the
     * opener or the badge). how: "hover" | "click" | "keyboard" (keyboard moves focus in).
     */
    function openCard(id, rect, how, opener) {
      const w = itemById(id);
      if (!w) return;
      cancelCloseCard();
      if (cardFor === id && !card.hidden) {
        if (how !== "hover") cardHow = how;
      } else {
        fillCard(w);
        cardFor = id;
        cardHow = how;
      }
      cardOpener = how === "keyboard" ? opener || null : null;
      popShow(card);
      let r = rect;
      if (!r && opts.getRangeRect) r = opts.getRangeRect(id);
      if (!r && opener) r = opener.getBoundingClientRect();
      if (!r) r = badge.getBoundingClientRect();
      placeNear(card, r, false);
      if (how === "keyboard") {
        const first = card.querySelector("button");
        if (first) first.focus();
      }
      if (opts.onCardChange) callback(opts.onCardChange, id);
    }

    function closeCard(restoreFocus) {
      cancelCloseCard();
      if (cardFor === null && card.hidden) return;
      const opener = cardOpener;
      cardFor = null;
      cardHow = null;
      cardOpener = null;
      popHide(card);
      if (restoreFocus && opener && opener.isConnected) {
        try {
          opener.focus();
        } catch (_e) {
          /* ignore */
        }
      }
      if (opts.onCardChange) callback(opts.onCardChange, null);
    }

    function scheduleCloseCard(ms) {
      if (cardHow !== "hover") return;
      cancelCloseCard();
      cardCloseTimer = win.setTimeout(() => closeCard(false), ms || 300);
    }
    function cancelCloseCard() {
      if (cardCloseTimer !== null) win.clearTimeout(cardCloseTimer);
      cardCloseTimer = null;
    }

    card.addEventListener("mouseenter", cancelCloseCard);
    card.addEventListener("mouseleave", () => scheduleCloseCard(300));
    card.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.stopPropagation();
        ev.preventDefault();
        closeCard(true);
      }
    });

    // Clicks elsewhere close the card and the panel.
    const onDocPointer = (ev) => {
      try {
        const path = ev.composedPath();
        if (path.includes(host)) return;
        if (cardHow && cardHow !== "hover" && !card.hidden) closeCard(false);
        if (!panel.hidden) togglePanel(false);
      } catch (_e) {
        /* ignore */
      }
    };
    doc.addEventListener("pointerdown", onDocPointer, true);

    // ---- confirm dialog (post guard) ----

    /**
     * Ask before posting. errors: [{message, rule, ...}]. Resolves "post-anyway" or "cancel".
     */
    function confirmPost(errors) {
      if (dialogOpen) return dialogOpen.promise;
      const n = errors.length;
      const dlg = el(doc, "dialog", { "data-postguard-dialog": true, "aria-labelledby": "pg-dlg-title" });
      const title = el(doc, "h2", { id: "pg-dlg-title" },
        `This post has ${n} ${n === 1 ? "problem" : "problems"} your organisation's policy treats as errors`);
      const ul = el(doc, "ul");
      for (const w of errors) {
        const li = el(doc, "li", { "data-rule": w.rule || "" }, w.message || w.rule || "");
        if (w.clause) li.append(el(doc, "span", { class: "clause" }, " (" + w.clause + ")"));
        ul.append(li);
      }
      const actions = el(doc, "div", { class: "actions" });
      const cancel = el(doc, "button", { class: "act primary", type: "button", "data-postguard-action": "cancel" }, "Go back and edit");
      const anyway = el(doc, "button", { class: "act", type: "button", "data-postguard-action": "post-anyway" }, "Post anyway");
      actions.append(cancel, anyway);
      dlg.append(title, ul, actions);
      shadow.append(dlg);
      let resolveFn;
      const promise = new Promise((res) => (resolveFn = res));
      const finish = (answer) => {
        if (!dialogOpen) return;
        dialogOpen = null;
        try {
          if (typeof dlg.close === "function" && dlg.open) dlg.close();
        } catch (_e) {
          /* ignore */
        }
        dlg.remove();
        resolveFn(answer);
      };
      dialogOpen = { promise, finish };
      cancel.addEventListener("click", (ev) => {
        ev.stopPropagation();
        finish("cancel");
      });
      anyway.addEventListener("click", (ev) => {
        ev.stopPropagation();
        finish("post-anyway");
      });
      dlg.addEventListener("cancel", (ev) => {
        ev.preventDefault();
        finish("cancel");
      });
      dlg.addEventListener("keydown", (ev) => {
        if (ev.key === "Escape") {
          ev.preventDefault();
          ev.stopPropagation();
          finish("cancel");
        }
      });
      let modal = false;
      try {
        if (typeof dlg.showModal === "function") {
          dlg.showModal();
          modal = true;
        }
      } catch (e) {
        log("showModal", e);
      }
      if (!modal) {
        dlg.classList.add("fallback");
        dlg.setAttribute("open", "");
        dlg.setAttribute("role", "dialog");
        dlg.setAttribute("aria-modal", "true");
      }
      try {
        cancel.focus();
      } catch (_e) {
        /* ignore */
      }
      return promise;
    }

    function setPerf(inputMs, drawnAt) {
      if (inputMs !== null && inputMs !== undefined) host.setAttribute("data-postguard-input-ms", (Math.round(inputMs * 1000) / 1000).toString());
      if (drawnAt !== null && drawnAt !== undefined) host.setAttribute("data-postguard-drawn-at", (Math.round(drawnAt * 1000) / 1000).toString());
    }

    function destroy() {
      destroyed = true;
      doc.removeEventListener("pointerdown", onDocPointer, true);
      cancelCloseCard();
      if (dialogOpen) dialogOpen.finish("cancel");
      try {
        host.remove();
      } catch (_e) {
        /* ignore */
      }
    }

    attach();

    return {
      host,
      shadow,
      layer,
      badge,
      card,
      ensureAttached,
      position,
      setState,
      setHost,
      setRulesError,
      setWarnings,
      setPerf,
      openCard,
      closeCard,
      scheduleCloseCard,
      cancelCloseCard,
      confirmPost,
      togglePanel,
      hostRect,
      destroy,
      get state() {
        return state;
      },
      get hostLink() {
        return hostLink;
      },
      get cardFor() {
        return cardFor;
      },
      get cardHow() {
        return cardHow;
      },
      get dialogOpen() {
        return !!dialogOpen;
      },
      get anchor() {
        return anchor;
      },
    };
  }

  const api = Object.freeze({ createMarker, TAG });
  root.Postguard = root.Postguard || {};
  root.Postguard.marker = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
