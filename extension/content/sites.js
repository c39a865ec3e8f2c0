// Postguard content script: the three sites' DOM markers, as data (one entry per site), plus
// the few generic helpers that interpret that data. Nothing site-specific lives anywhere else:
// the other content scripts only look at `site.editor.kind` ("draft" | "lexical" | "quill")
// and at the selectors below.
//
// Classic script: adds `globalThis.Postguard.sites` (and module.exports under Node).
(function (root) {
  "use strict";

  const SITES = Object.freeze([
    Object.freeze({
      id: "twitter",
      name: "X",
      // Host names; a host matches when it equals one of these or is a subdomain of one.
      hosts: Object.freeze(["x.com", "twitter.com"]),
      editor: Object.freeze({
        kind: "draft",
        // Draft.js renders X's data-testid on .public-DraftEditor-content itself.
        selector: '[data-testid^="tweetTextarea_"][role="textbox"]',
        // Open shadow roots to search besides the document (selectors of their hosts).
        shadowHosts: Object.freeze([]),
        // Also walk the whole page for other open shadow roots (throttled)?
        deepShadowSearch: false,
      }),
      // Text blocks of the editor: Draft marks each block; empty blocks hold a
      // <br data-text="true"> placeholder that is not text.
      blocks: Object.freeze({ mode: "selector", selector: '[data-block="true"]', ignore: 'br[data-text="true"]' }),
      // The marker element goes right after the closest ancestor matching `after` (or after
      // the editor itself when none matches): outside the contenteditable, beside it.
      marker: Object.freeze({ after: ".DraftEditor-root" }),
      postButton: Object.freeze({
        selector: '[data-testid="tweetButton"], [data-testid="tweetButtonInline"]',
        // "ancestor": the button found in the nearest ancestor of the editor that has one.
        scope: "ancestor",
        scopeSelector: null,
      }),
      // Keyboard shortcut that posts from inside the editor.
      submitKeys: Object.freeze([{ key: "Enter", ctrlOrMeta: true }]),
      account: Object.freeze({
        selector: '[data-testid="SideNav_AccountSwitcher_Button"]',
        pattern: /@[A-Za-z0-9_]{1,15}/,
      }),
    }),
    Object.freeze({
      id: "facebook",
      name: "Facebook",
      hosts: Object.freeze(["facebook.com"]),
      editor: Object.freeze({
        kind: "lexical",
        selector: '[role="textbox"][contenteditable="true"][data-lexical-editor="true"]',
        shadowHosts: Object.freeze([]),
        deepShadowSearch: false,
      }),
      // Lexical: the root's child elements are the blocks (<p>, headings, lists' <li>);
      // a <br>-only paragraph is an empty line.
      blocks: Object.freeze({ mode: "children", selector: null, ignore: null }),
      marker: Object.freeze({ after: null }),
      postButton: Object.freeze({
        selector: '[role="button"][aria-label="Post"]',
        // "closest": the button inside the editor's closest `scopeSelector` ancestor.
        scope: "closest",
        scopeSelector: '[role="dialog"]',
      }),
      submitKeys: Object.freeze([]),
      account: null,
    }),
    Object.freeze({
      id: "linkedin",
      name: "LinkedIn",
      hosts: Object.freeze(["linkedin.com"]),
      editor: Object.freeze({
        kind: "quill",
        selector: '.ql-editor[contenteditable="true"]',
        // Since 2026 the share box lives in an open shadow root on #interop-outlet; a hidden
        // decoy .ql-editor exists elsewhere (skipped by isRendered()).
        shadowHosts: Object.freeze(["#interop-outlet", '[data-testid="interop-shadowdom"]']),
        deepShadowSearch: true,
      }),
      blocks: Object.freeze({ mode: "children", selector: null, ignore: null }),
      marker: Object.freeze({ after: ".ql-container" }),
      postButton: Object.freeze({
        selector: ".share-actions__primary-action",
        // "root": the button in the editor's own root (document or shadow root).
        scope: "root",
        scopeSelector: null,
      }),
      submitKeys: Object.freeze([]),
      account: null,
    }),
  ]);

  const BY_ID = Object.freeze(Object.fromEntries(SITES.map((s) => [s.id, s])));

  /** The site entry for a host name ("www.x.com" -> twitter), or null. */
  function siteForHost(hostname) {
    const h = String(hostname || "").toLowerCase().replace(/\.$/, "");
    for (const site of SITES) {
      for (const base of site.hosts) {
        if (h === base || h.endsWith("." + base)) return site;
      }
    }
    return null;
  }

  function siteById(id) {
    return Object.prototype.hasOwnProperty.call(BY_ID, id) ? BY_ID[id] : null;
  }

  /** The element's parent, crossing out of a shadow root to its host. */
  function composedParent(el) {
    if (el.parentElement) return el.parentElement;
    const p = el.parentNode;
    if (p && p.nodeType === 11 && p.host) return p.host; // ShadowRoot
    return null;
  }

  /** True when the window's frame is hidden (a hidden <iframe>, or a zero-size frame). */
  function frameHidden(win) {
    try {
      if (!win || win.top === win) return false;
      const fe = win.frameElement; // null when cross-origin
      if (fe) return !isRendered(fe);
      return win.innerWidth === 0 || win.innerHeight === 0;
    } catch (_e) {
      return false;
    }
  }

  /**
   * Is the element actually on screen as a box (not a hidden decoy)? False when it has no
   * client rects, when it or an ancestor (across shadow roots) is display:none, when it is
   * visibility:hidden, or when its frame is hidden.
   */
  function isRendered(el) {
    if (!el || !el.isConnected) return false;
    const doc = el.ownerDocument;
    const win = doc && doc.defaultView;
    if (!win) return false;
    if (typeof el.checkVisibility === "function") {
      try {
        if (!el.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true })) return false;
      } catch (_e) {
        /* older signature: ignore */
      }
    }
    const cs = win.getComputedStyle(el);
    if (cs.visibility === "hidden" || cs.visibility === "collapse") return false;
    for (let n = el; n; n = composedParent(n)) {
      if (n.hidden) return false;
      if (win.getComputedStyle(n).display === "none") return false;
    }
    if (el.getClientRects().length === 0) return false;
    return !frameHidden(win);
  }

  /** Open shadow roots named by the site's shadowHosts selectors, in `doc`. */
  function namedShadowRoots(site, doc) {
    const out = [];
    for (const sel of site.editor.shadowHosts) {
      for (const host of doc.querySelectorAll(sel)) {
        if (host.shadowRoot && !out.includes(host.shadowRoot)) out.push(host.shadowRoot);
      }
    }
    return out;
  }

  /** Every open shadow root under `rootNode` (document or shadow root), nested ones too. */
  function allShadowRoots(rootNode, out) {
    out = out || [];
    const doc = rootNode.ownerDocument || rootNode;
    const walker = doc.createTreeWalker(rootNode, 1 /* SHOW_ELEMENT */);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const sr = n.shadowRoot;
      if (sr && !out.includes(sr)) {
        out.push(sr);
        allShadowRoots(sr, out);
      }
    }
    return out;
  }

  /**
   * Candidate editors of `site` in the given roots (document and/or shadow roots), keeping only
   * rendered ones (decoys are skipped). `rendered` can be injected for tests.
   */
  function findEditors(site, roots, rendered) {
    const isShown = rendered || isRendered;
    const found = [];
    for (const r of roots) {
      let list;
      try {
        list = r.querySelectorAll(site.editor.selector);
      } catch (_e) {
        continue;
      }
      for (const el of list) {
        if (found.includes(el)) continue;
        if (el.closest("[data-postguard-state]")) continue;
        if (isShown(el)) found.push(el);
      }
    }
    return found;
  }

  /** Does `el` match the site's editor selector? */
  function isEditor(site, el) {
    try {
      return !!(el && el.nodeType === 1 && el.matches(site.editor.selector));
    } catch (_e) {
      return false;
    }
  }

  /** The site's post buttons that belong to this editor's compose box. */
  function findPostButtons(site, editor) {
    const pb = site.postButton;
    if (!pb || !editor) return [];
    const pick = (scope) => (scope ? Array.from(scope.querySelectorAll(pb.selector)) : []);
    try {
      if (pb.scope === "closest") {
        return pick(editor.closest(pb.scopeSelector));
      }
      if (pb.scope === "root") {
        return pick(editor.getRootNode());
      }
      // "ancestor": nearest ancestor (within the editor's root) holding a button.
      for (let n = editor.parentElement; n; n = n.parentElement) {
        const found = pick(n);
        if (found.length) return found;
      }
      return pick(editor.getRootNode());
    } catch (_e) {
      return [];
    }
  }

  /** The account shown by the page ("@handle"), or null. */
  function accountFor(site, doc) {
    const a = site.account;
    if (!a) return null;
    try {
      const el = doc.querySelector(a.selector);
      if (!el) return null;
      const m = (el.textContent || "").match(a.pattern);
      return m ? m[0] : null;
    } catch (_e) {
      return null;
    }
  }

  /** Is this keydown a "post now" shortcut of the site? */
  function isSubmitKey(site, ev) {
    for (const k of site.submitKeys || []) {
      if (ev.key === k.key && (!k.ctrlOrMeta || ev.ctrlKey || ev.metaKey)) return true;
    }
    return false;
  }

  /** Where the marker element goes: {parent, before} — right after the anchor element. */
  function markerAnchor(site, editor) {
    let anchor = null;
    if (site.marker && site.marker.after) {
      try {
        anchor = editor.closest(site.marker.after);
      } catch (_e) {
        anchor = null;
      }
    }
    return anchor || editor;
  }

  const api = Object.freeze({
    SITES,
    siteForHost,
    siteById,
    isRendered,
    frameHidden,
    composedParent,
    namedShadowRoots,
    allShadowRoots,
    findEditors,
    isEditor,
    findPostButtons,
    accountFor,
    isSubmitKey,
    markerAnchor,
  });

  root.Postguard = root.Postguard || {};
  root.Postguard.sites = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
