// Postguard content script entry: finds the compose boxes of the site (initial scan, then a
// MutationObserver on the document and on the open shadow roots found, plus focusin), watches
// each box (one watcher per editor element), asks the background to check the text (debounced,
// never during IME composition), drops stale answers, and renders the result through the
// marker (docs/extension.md "DOM contract") and the highlighter. It never writes to the
// editor, except through fixes.js when the user clicks "Apply fix".
//
// Loaded last, after shared/protocol.js and the other content/*.js files.
(function (root) {
  "use strict";

  const PG = root.Postguard;
  if (!PG || !PG.sites || !PG.textModel || !PG.marker || !PG.highlighter) return;
  if (PG.content && PG.content.started) return; // injected twice: keep the first

  const win = root;
  const doc = root.document;
  if (!doc) return;

  const sites = PG.sites;
  const tm = PG.textModel;
  const { debounce, throttle, rollingMedian } = PG.debounce;
  const { remapSpans } = PG.spanRemap;
  const MSG = (PG.protocol && PG.protocol.MSG) || {
    CONTENT_CHECK: "content:check",
    BACKGROUND_RECHECK: "background:recheck",
  };

  // A pause in typing this long triggers a check. A check costs microseconds in the host, so
  // the delay is kept short enough that the underline lands within ~150 ms of the last key.
  const CHECK_DELAY_MS = 60;
  const SCAN_THROTTLE_MS = 150;
  const DEEP_SHADOW_EVERY_MS = 2000;
  const REPLY_TIMEOUT_MS = 15000;
  const HOVER_OPEN_MS = 250;

  function log(what, err) {
    try {
      console.debug("[postguard]", what, err && err.message ? err.message : "");
    } catch (_e) {
      /* ignore */
    }
  }
  function perfNow() {
    return win.performance ? win.performance.now() : Date.now();
  }
  function raf(fn) {
    return win.requestAnimationFrame ? win.requestAnimationFrame(fn) : win.setTimeout(fn, 16);
  }

  // ---- extension API ----

  const ext = (() => {
    try {
      if (typeof browser !== "undefined" && browser && browser.runtime && browser.runtime.sendMessage) return { api: browser, promises: true };
    } catch (_e) {
      /* ignore */
    }
    try {
      if (typeof chrome !== "undefined" && chrome && chrome.runtime && chrome.runtime.sendMessage) return { api: chrome, promises: false };
    } catch (_e) {
      /* ignore */
    }
    return null;
  })();

  let dead = false; // the extension was reloaded or removed: stop quietly

  function contextGone(err) {
    const m = String((err && err.message) || err || "");
    return /context invalidated|Extension context/i.test(m);
  }

  function sendMessage(msg) {
    if (!ext) return Promise.reject(new Error("no extension runtime"));
    const p = ext.promises
      ? ext.api.runtime.sendMessage(msg)
      : new Promise((resolve, reject) => {
          ext.api.runtime.sendMessage(msg, (reply) => {
            const le = ext.api.runtime.lastError;
            if (le) reject(new Error(le.message || "sendMessage failed"));
            else resolve(reply);
          });
        });
    let timer = null;
    const timeout = new Promise((_res, reject) => {
      timer = win.setTimeout(() => reject(new Error("timeout")), REPLY_TIMEOUT_MS);
    });
    return Promise.race([p, timeout]).finally(() => win.clearTimeout(timer));
  }

  function noHostReply(code) {
    const proto = PG.protocol;
    const message = proto && proto.messageFor ? proto.messageFor(code) : "Postguard could not check this post.";
    const fix = proto && proto.fixFor ? proto.fixFor(code) : "";
    return { ok: false, state: "no-host", code, message, fix };
  }

  // ---- sites ----

  const hostSite = sites.siteForHost(win.location && win.location.hostname);
  // On the three sites only their own entry applies; elsewhere (a test page served on another
  // origin) each box takes the site whose editor selector it matches.
  const candidateSites = hostSite ? [hostSite] : sites.SITES.slice();

  const renderMode = (() => {
    try {
      return doc.documentElement && doc.documentElement.getAttribute("data-postguard-render") === "overlay" ? "overlay" : "auto";
    } catch (_e) {
      return "auto";
    }
  })();
  const highlighter = PG.highlighter.createHighlighter(win, { mode: renderMode });

  const boxes = new Map(); // editor element -> Box
  let nextBoxId = 1;

  // ---- one watched compose box ----

  class Box {
    constructor(editor, site) {
      this.id = "b" + nextBoxId++;
      this.editor = editor;
      this.site = site;
      this.text = null; // text seen at the last refresh
      this.answered = null; // text of the last applied answer
      this.warnings = []; // shown: host W fields + {id, passage}, offsets into this.text
      this.state = "checking";
      this.seq = 0;
      this.inflight = null;
      this.inflightText = null;
      this.composing = false;
      this.dirty = true;
      this.frameQueued = false;
      this.destroyed = false;
      this.dismissed = new Set();
      this.timings = rollingMedian(31);
      this.warningsSig = "";
      this.hover = null; // {id, timer}
      this.moveQueued = null;
      this.noHost = null;

      this.marker = PG.marker.createMarker({
        doc: editor.ownerDocument,
        anchor: sites.markerAnchor(site, editor),
        onApplyFix: (id) => this.applyFix(id),
        onDismiss: (id) => this.dismiss(id),
        getRangeRect: (id) => highlighter.rectOf(this.id, id),
      });
      this.marker.setState("checking");

      this.debouncedCheck = debounce(() => {
        this.check(false).catch((e) => log("check", e));
      }, CHECK_DELAY_MS);

      this.onEvent = (ev) => this.handleEditorEvent(ev);
      this.onPointerDown = (ev) => this.handlePointerDown(ev);
      this.onMouseMove = (ev) => this.handleMouseMove(ev);
      this.onMouseLeave = () => this.handleMouseLeave();
      for (const t of ["input", "keyup", "paste", "cut", "compositionstart", "compositionend"]) {
        editor.addEventListener(t, this.onEvent, true);
      }
      editor.addEventListener("pointerdown", this.onPointerDown, true);
      editor.addEventListener("mousemove", this.onMouseMove, { capture: true, passive: true });
      editor.addEventListener("mouseleave", this.onMouseLeave, { passive: true });

      this.observer = new win.MutationObserver(() => {
        if (this.destroyed) return;
        this.dirty = true;
        this.scheduleFrame();
        if (!this.composing) this.debouncedCheck();
      });
      this.observer.observe(editor, { childList: true, subtree: true, characterData: true });

      this.refresh();
      this.check(false).catch((e) => log("check", e));
    }

    buildModel() {
      return tm.buildModel(this.editor, { blocks: this.site.blocks, kind: this.site.editor.kind });
    }

    // Per-keystroke work: flags, a timer and a frame request; measured.
    handleEditorEvent(ev) {
      const t0 = perfNow();
      try {
        if (ev.type === "compositionstart") {
          this.composing = true;
          this.debouncedCheck.cancel();
          return;
        }
        if (ev.type === "compositionend") this.composing = false;
        else if (this.composing) return;
        this.dirty = true;
        this.scheduleFrame();
        this.debouncedCheck();
      } catch (e) {
        log("input handler", e);
      } finally {
        this.timings.push(perfNow() - t0);
      }
    }

    scheduleFrame() {
      if (this.frameQueued || this.destroyed) return;
      this.frameQueued = true;
      raf(() => {
        this.frameQueued = false;
        try {
          this.refresh();
        } catch (e) {
          log("refresh", e);
        }
      });
    }

    /** Re-read the text, shift the shown spans across the edit, redraw. Not during IME. */
    refresh() {
      if (this.destroyed || !this.editor.isConnected) return;
      this.marker.ensureAttached(sites.markerAnchor(this.site, this.editor));
      if (this.composing) {
        this.marker.setPerf(this.timings.median(), null);
        return;
      }
      const model = this.buildModel();
      const text = model.text;
      if (this.text !== null && text !== this.text) {
        this.warnings = remapSpans(this.warnings, this.text, text).filter(
          (w) => text.slice(w.start, w.end) === w.passage
        );
      }
      this.text = text;
      if (text !== this.answered && this.state !== "checking") this.setState("checking");
      this.dirty = false;
      this.draw(model);
    }

    setState(state, info) {
      this.state = state;
      this.marker.setState(state, info);
    }

    draw(model) {
      const items = [];
      for (const w of this.warnings) {
        if (w.end <= w.start) continue;
        try {
          items.push({ id: w.id, severity: w.severity, range: tm.offsetsToRange(model, w.start, w.end) });
        } catch (e) {
          log("range", e);
        }
      }
      const sig = this.warnings.map((w) => `${w.id}:${w.start}:${w.end}`).join("|");
      if (sig !== this.warningsSig) {
        this.warningsSig = sig;
        this.marker.setWarnings(this.warnings);
      }
      const drawnAt = highlighter.setRanges(this.id, items, {
        marker: this.marker,
        editor: this.editor,
        isQuiet: () => this.composing,
      });
      this.marker.setPerf(this.timings.count ? this.timings.median() : null, drawnAt);
    }

    currentText() {
      return this.buildModel().text;
    }

    /** Ask the background about the current text (force: even if it was answered). */
    async check(force) {
      if (this.destroyed || dead) return;
      if (this.composing) return;
      const text = this.currentText();
      if (!force && text === this.answered && this.state !== "checking") return;
      if (!force && this.inflight && this.inflightText === text) return this.inflight;
      const seq = ++this.seq;
      if (this.state !== "checking") this.setState("checking");
      const msg = { type: MSG.CONTENT_CHECK, text, site: this.site.id, account: sites.accountFor(this.site, doc) };
      const run = (async () => {
        let reply;
        try {
          reply = await sendMessage(msg);
          if (!reply || typeof reply !== "object") reply = noHostReply("host-exited");
        } catch (e) {
          if (contextGone(e)) {
            shutdown();
            return;
          }
          log("sendMessage", e);
          reply = noHostReply(/timeout/.test(String(e && e.message)) ? "timeout" : "host-exited");
        }
        if (this.destroyed || seq !== this.seq) return; // a newer request owns the box
        this.inflight = null;
        this.inflightText = null;
        if (this.currentText() !== text) {
          // Stale: the text changed while we waited. Drop it; check the new text.
          this.debouncedCheck();
          return;
        }
        this.applyReply(reply, text);
      })();
      this.inflight = run;
      this.inflightText = text;
      return run;
    }

    applyReply(reply, text) {
      this.answered = text;
      this.text = text;
      if (!reply.ok) {
        this.warnings = [];
        this.noHost = { code: reply.code || "host-not-found", message: reply.message || "", fix: reply.fix || "" };
        this.marker.setHost(hostLinkFor(this.noHost.code));
        this.marker.setRulesError(null);
        this.setState("no-host", this.noHost);
        this.draw(this.buildModel());
        return;
      }
      this.noHost = null;
      this.marker.setHost("connected");
      this.marker.setRulesError(reply.rulesError || null);
      const seen = new Map();
      const list = [];
      for (const w of Array.isArray(reply.warnings) ? reply.warnings : []) {
        if (!w || typeof w.start !== "number" || typeof w.end !== "number") continue;
        const start = Math.max(0, Math.min(text.length, w.start));
        const end = Math.max(start, Math.min(text.length, w.end));
        let id = `${w.rule}@${start}-${end}`;
        const n = (seen.get(id) || 0) + 1;
        seen.set(id, n);
        if (n > 1) id += "#" + n;
        const passage = text.slice(start, end);
        if (this.dismissed.has(dismissKey(w, passage))) continue;
        list.push(Object.assign({}, w, { id, start, end, passage }));
      }
      this.warnings = list;
      this.setState(list.length ? "warnings" : "clean");
      this.draw(this.buildModel());
    }

    /** Current error-severity warnings (for the post guard). */
    errors() {
      return this.warnings.filter((w) => w.severity === "error");
    }

    isDirty() {
      if (this.composing || this.debouncedCheck.pending() || this.inflight) return true;
      if (this.state === "no-host") return false;
      return this.currentText() !== this.answered;
    }

    checkNow() {
      this.debouncedCheck.cancel();
      if (this.composing) return Promise.resolve();
      return this.check(false) || Promise.resolve();
    }

    dismiss(id) {
      try {
        this.dismissNow(id);
      } catch (e) {
        log("dismiss", e);
      }
    }

    dismissNow(id) {
      const w = this.warnings.find((x) => x.id === id);
      if (!w) return;
      this.dismissed.add(dismissKey(w, w.passage));
      this.warnings = this.warnings.filter((x) => x.id !== id);
      if (this.state === "warnings" && !this.warnings.length) this.setState("clean");
      this.draw(this.buildModel());
      try {
        this.editor.focus({ preventScroll: true });
      } catch (_e) {
        /* ignore */
      }
    }

    async applyFix(id) {
      const w = this.warnings.find((x) => x.id === id);
      if (!w || !w.fix || this.composing || this.fixing) return;
      this.fixing = true;
      try {
        const res = await PG.fixes.applyFix(
          { editor: this.editor, site: this.site, buildModel: () => this.buildModel(), textModel: tm },
          w
        );
        if (!res.ok) log("fix not applied as expected: " + res.reason);
      } catch (e) {
        log("applyFix", e);
      } finally {
        this.fixing = false;
      }
      try {
        this.dirty = true;
        this.refresh();
        this.debouncedCheck.cancel();
        this.check(true).catch((e) => log("check", e));
      } catch (e) {
        log("after fix", e);
      }
    }

    // ---- opening the card from the text (highlights are not elements) ----

    handlePointerDown(ev) {
      try {
        if (this.composing) return;
        const id = highlighter.hitTest(this.id, ev.clientX, ev.clientY);
        this.cancelHover();
        if (id) this.marker.openCard(id, highlighter.rectOf(this.id, id), "click");
      } catch (e) {
        log("pointerdown", e);
      }
    }

    handleMouseMove(ev) {
      if (this.moveQueued) {
        this.moveQueued.x = ev.clientX;
        this.moveQueued.y = ev.clientY;
        return;
      }
      this.moveQueued = { x: ev.clientX, y: ev.clientY };
      raf(() => {
        const p = this.moveQueued;
        this.moveQueued = null;
        if (!p || this.destroyed || this.composing) return;
        try {
          const id = highlighter.hitTest(this.id, p.x, p.y);
          if (id) {
            if (this.marker.cardFor === id) {
              this.marker.cancelCloseCard();
              return;
            }
            if (this.hover && this.hover.id === id) return;
            this.cancelHover();
            this.hover = {
              id,
              timer: win.setTimeout(() => {
                const h = this.hover;
                this.hover = null;
                if (h && !this.destroyed) this.marker.openCard(h.id, highlighter.rectOf(this.id, h.id), "hover");
              }, HOVER_OPEN_MS),
            };
          } else {
            this.cancelHover();
            this.marker.scheduleCloseCard(300);
          }
        } catch (e) {
          log("mousemove", e);
        }
      });
    }

    handleMouseLeave() {
      this.cancelHover();
      this.marker.scheduleCloseCard(300);
    }

    cancelHover() {
      if (this.hover) win.clearTimeout(this.hover.timer);
      this.hover = null;
    }

    destroy() {
      if (this.destroyed) return;
      this.destroyed = true;
      this.seq++;
      this.debouncedCheck.cancel();
      this.cancelHover();
      try {
        this.observer.disconnect();
      } catch (_e) {
        /* ignore */
      }
      for (const t of ["input", "keyup", "paste", "cut", "compositionstart", "compositionend"]) {
        this.editor.removeEventListener(t, this.onEvent, true);
      }
      this.editor.removeEventListener("pointerdown", this.onPointerDown, true);
      this.editor.removeEventListener("mousemove", this.onMouseMove, { capture: true });
      this.editor.removeEventListener("mouseleave", this.onMouseLeave);
      highlighter.clear(this.id);
      this.marker.destroy();
    }

    postButtons() {
      return sites.findPostButtons(this.site, this.editor);
    }
  }

  function hostLinkFor(code) {
    if (PG.protocol && PG.protocol.hostLinkFor) return PG.protocol.hostLinkFor(code);
    return code === "host-not-found" ? "not-installed" : code === "host-exited" || code === "timeout" ? "reconnecting" : "connected";
  }

  function dismissKey(w, passage) {
    return `${w.rule}\u0000${passage}`;
  }

  // ---- finding boxes ----

  const knownRoots = new Set(); // open shadow roots we observe
  const rootObservers = [];
  let lastDeepWalk = -Infinity;
  let docObserver = null;

  function isOurNode(n) {
    return n && n.nodeType === 1 && n.hasAttribute && n.hasAttribute("data-postguard-state");
  }

  function insideWatchedEditor(node) {
    for (const editor of boxes.keys()) if (editor === node || editor.contains(node)) return true;
    return false;
  }

  function onMutations(records) {
    if (dead) return;
    for (const r of records) {
      if (insideWatchedEditor(r.target)) continue; // typing: the box's own observer handles it
      // Our own marker being inserted is no news; anything else (including the site
      // removing a marker) is a reason to look again.
      let ours = r.removedNodes.length === 0;
      for (const n of r.addedNodes) if (!isOurNode(n)) ours = false;
      if (!ours || isOurNode(r.target)) {
        scheduleScan();
        return;
      }
    }
  }

  function observeRoot(rootNode) {
    if (knownRoots.has(rootNode)) return;
    knownRoots.add(rootNode);
    try {
      const mo = new win.MutationObserver(onMutations);
      mo.observe(rootNode, { childList: true, subtree: true });
      rootObservers.push(mo);
    } catch (e) {
      log("observe shadow root", e);
    }
  }

  function shadowRoots(deep) {
    const out = [];
    for (const site of candidateSites) {
      for (const sr of sites.namedShadowRoots(site, doc)) if (!out.includes(sr)) out.push(sr);
    }
    if (deep) {
      for (const sr of sites.allShadowRoots(doc)) if (!out.includes(sr)) out.push(sr);
      lastDeepWalk = perfNow();
    }
    for (const sr of knownRoots) if (sr.host && sr.host.isConnected && !out.includes(sr)) out.push(sr);
    return out;
  }

  function scan(extraRoot) {
    if (dead) return;
    try {
      for (const [editor, box] of boxes) {
        if (!editor.isConnected) {
          box.destroy();
          boxes.delete(editor);
        }
      }
      const wantDeep = candidateSites.some((s) => s.editor.deepShadowSearch) && perfNow() - lastDeepWalk >= DEEP_SHADOW_EVERY_MS;
      const roots = [doc, ...shadowRoots(wantDeep)];
      if (extraRoot && !roots.includes(extraRoot)) roots.push(extraRoot);
      for (const r of roots) if (r !== doc) observeRoot(r);
      for (const site of candidateSites) {
        for (const editor of sites.findEditors(site, roots)) {
          if (boxes.has(editor)) continue;
          if (Array.from(boxes.keys()).some((e) => e.contains(editor) || editor.contains(e))) continue;
          try {
            boxes.set(editor, new Box(editor, site));
          } catch (e) {
            log("watch box", e);
          }
        }
      }
      for (const box of boxes.values()) {
        box.marker.ensureAttached(sites.markerAnchor(box.site, box.editor));
      }
    } catch (e) {
      log("scan", e);
    }
  }

  const scheduleScan = throttle(() => scan(null), SCAN_THROTTLE_MS);

  // A focused editor (perhaps in a shadow root we did not know, or a decoy that became
  // visible) is picked up at once.
  function onFocusIn(ev) {
    try {
      const t = ev.composedPath ? ev.composedPath()[0] : ev.target;
      if (!t || t.nodeType !== 1) return;
      for (const site of candidateSites) {
        const editor = sites.isEditor(site, t) ? t : t.closest ? t.closest(site.editor.selector) : null;
        if (editor && !boxes.has(editor)) {
          const rn = editor.getRootNode();
          scan(rn !== doc ? rn : null);
          return;
        }
      }
    } catch (e) {
      log("focusin", e);
    }
  }

  // ---- rechecks ----

  const recheckAll = debounce(() => {
    for (const box of boxes.values()) box.check(true).catch((e) => log("recheck", e));
  }, 50);

  function onRuntimeMessage(msg) {
    try {
      if (msg && msg.type === MSG.BACKGROUND_RECHECK) {
        // The host stopped: say so in every box now; the recheck restarts it and clears it.
        if (msg.host === "reconnecting") for (const box of boxes.values()) box.marker.setHost("reconnecting");
        recheckAll();
      }
    } catch (e) {
      log("onMessage", e);
    }
    return undefined;
  }

  function onStorageChanged(_changes, area) {
    if (area === "sync" || area === "managed") recheckAll();
  }

  // ---- start / stop ----

  let guard = null;

  function shutdown() {
    if (dead) return;
    dead = true;
    try {
      if (docObserver) docObserver.disconnect();
      for (const mo of rootObservers) mo.disconnect();
      doc.removeEventListener("focusin", onFocusIn, true);
      for (const box of boxes.values()) box.destroy();
      boxes.clear();
      if (guard) guard.destroy();
      highlighter.destroy();
      if (ext) {
        try {
          ext.api.runtime.onMessage.removeListener(onRuntimeMessage);
        } catch (_e) {
          /* ignore */
        }
        try {
          if (ext.api.storage && ext.api.storage.onChanged) ext.api.storage.onChanged.removeListener(onStorageChanged);
        } catch (_e) {
          /* ignore */
        }
      }
    } catch (e) {
      log("shutdown", e);
    }
  }

  function start() {
    try {
      docObserver = new win.MutationObserver(onMutations);
      docObserver.observe(doc, { childList: true, subtree: true });
      doc.addEventListener("focusin", onFocusIn, true);
      if (ext) {
        try {
          ext.api.runtime.onMessage.addListener(onRuntimeMessage);
        } catch (e) {
          log("onMessage.addListener", e);
        }
        try {
          if (ext.api.storage && ext.api.storage.onChanged) ext.api.storage.onChanged.addListener(onStorageChanged);
        } catch (e) {
          log("storage.onChanged", e);
        }
      }
      guard = PG.postGuard.createPostGuard({ win, boxes: () => Array.from(boxes.values()) });
      scan(null);
    } catch (e) {
      log("start", e);
    }
  }

  PG.content = {
    started: true,
    boxes: () => Array.from(boxes.values()),
    scan: () => scan(null),
    recheckAll: () => recheckAll(),
    shutdown,
    get renderMode() {
      return highlighter.mode;
    },
  };

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start, { once: true });
  else start();
})(globalThis);
