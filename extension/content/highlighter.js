// Postguard content script: drawing the underlines without touching the editor's DOM.
//
// 1. CSS Custom Highlight API when available (CSS.highlights && Highlight): one Highlight per
//    severity, registered as postguard-error / postguard-warning / postguard-info, styled by
//    ::highlight() rules adopted into the document and into the editor's shadow root (the rules
//    are tree-scoped in Firefox).
// 2. Otherwise an overlay: absolutely positioned underline boxes (one per client rect of each
//    range) in the marker's shadow root, repositioned on scroll (capture), resize and re-render,
//    batched into one animation frame.
// Highlights are not elements, so hitTest() checks a point against the ranges' client rects
// (used by content.js on pointerdown/mousemove to open the card).
//
// Classic script: adds `globalThis.Postguard.highlighter` (and module.exports under Node).
(function (root) {
  "use strict";

  const SEVERITIES = ["error", "warning", "info"];
  const NAMES = Object.freeze({ error: "postguard-error", warning: "postguard-warning", info: "postguard-info" });

  const HIGHLIGHT_CSS = `
::highlight(postguard-error) { text-decoration-line: underline; text-decoration-style: wavy; text-decoration-color: #d93025; text-decoration-thickness: 1.5px; background-color: rgba(217, 48, 37, 0.08); }
::highlight(postguard-warning) { text-decoration-line: underline; text-decoration-style: wavy; text-decoration-color: #e37400; text-decoration-thickness: 1.5px; background-color: rgba(227, 116, 0, 0.08); }
::highlight(postguard-info) { text-decoration-line: underline; text-decoration-style: dotted; text-decoration-color: #1a73e8; text-decoration-thickness: 2px; }
`;

  function log(what, err) {
    try {
      console.debug("[postguard] highlighter:", what, err && err.message ? err.message : "");
    } catch (_e) {
      /* ignore */
    }
  }

  function normSeverity(s) {
    return s === "error" || s === "warning" ? s : "info";
  }

  /** Can this window draw with the CSS Custom Highlight API? */
  function supportsHighlights(win) {
    try {
      if (!win.CSS || !win.CSS.highlights || typeof win.Highlight !== "function") return false;
      if (typeof win.CSS.highlights.set !== "function" || typeof win.CSS.highlights.delete !== "function") return false;
      if (typeof win.CSS.supports === "function" && !win.CSS.supports("selector(::highlight(postguard-probe))")) return false;
      return true;
    } catch (_e) {
      return false;
    }
  }

  /** Is (x, y) on a rect (a little below it counts too: that is where the underline is)? */
  function pointInRect(x, y, r) {
    return x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 4;
  }

  /**
   * createHighlighter(win, {mode}) -> highlighter. mode: "auto" (default) | "overlay".
   * Each box registers under a key with setRanges(key, items, ctx):
   *   items: [{id, severity, range}], ctx: {marker, editor, isQuiet: () => bool}
   */
  function createHighlighter(win, options) {
    const doc = win.document;
    const mode = options && options.mode === "overlay" ? "overlay" : supportsHighlights(win) ? "highlight" : "overlay";
    const boxes = new Map();
    let registry = null; // severity -> Highlight
    const styled = new WeakSet();
    let frame = null;
    let listening = false;

    // ---- CSS highlights ----

    function ensureRegistry() {
      try {
        if (!registry) {
          registry = {};
          for (const sev of SEVERITIES) registry[sev] = new win.Highlight();
        }
        for (const sev of SEVERITIES) {
          if (win.CSS.highlights.get(NAMES[sev]) !== registry[sev]) win.CSS.highlights.set(NAMES[sev], registry[sev]);
        }
        return true;
      } catch (e) {
        log("registry", e);
        return false;
      }
    }

    /** Add the ::highlight rules to a document or shadow root, once. */
    function ensureStyles(scope) {
      if (!scope || styled.has(scope)) return;
      styled.add(scope);
      try {
        const Sheet = win.CSSStyleSheet;
        if (typeof Sheet === "function" && "adoptedStyleSheets" in scope) {
          const sheet = new Sheet();
          sheet.replaceSync(HIGHLIGHT_CSS);
          scope.adoptedStyleSheets = [...scope.adoptedStyleSheets, sheet];
          if (Array.from(scope.adoptedStyleSheets).includes(sheet)) return;
        }
      } catch (e) {
        log("adoptedStyleSheets", e);
      }
      try {
        const style = doc.createElement("style");
        style.setAttribute("data-postguard-highlights", "");
        style.textContent = HIGHLIGHT_CSS;
        const parent = scope.nodeType === 9 ? scope.head || scope.documentElement : scope;
        parent.appendChild(style);
      } catch (e) {
        log("style element", e);
      }
    }

    function rebuildHighlights() {
      if (!ensureRegistry()) return;
      for (const sev of SEVERITIES) registry[sev].clear();
      for (const entry of boxes.values()) {
        for (const it of entry.items) registry[normSeverity(it.severity)].add(it.range);
      }
    }

    // ---- overlay ----

    function drawOverlay(entry) {
      const marker = entry.ctx.marker;
      if (!marker || !marker.layer) return;
      const layer = marker.layer;
      if (!entry.items.length) {
        if (layer.firstChild) layer.replaceChildren();
        return;
      }
      const hr = marker.hostRect();
      const er = entry.ctx.editor ? entry.ctx.editor.getBoundingClientRect() : null;
      const frag = doc.createDocumentFragment();
      for (const it of entry.items) {
        let rects;
        try {
          rects = it.range.getClientRects();
        } catch (_e) {
          continue;
        }
        for (const r of rects) {
          if (r.width <= 0 || r.height <= 0) continue;
          let left = r.left;
          let right = r.right;
          const bottom = r.bottom;
          if (er) {
            // Clip to the editor's box (it may scroll its content).
            if (bottom < er.top || r.top > er.bottom) continue;
            left = Math.max(left, er.left);
            right = Math.min(right, er.right);
            if (right <= left) continue;
          }
          const u = doc.createElement("div");
          u.className = "ul";
          u.setAttribute("data-postguard-underline", "");
          u.setAttribute("data-severity", normSeverity(it.severity));
          u.setAttribute("data-id", it.id);
          u.style.left = left - hr.left + "px";
          u.style.top = bottom - hr.top - 1 + "px";
          u.style.width = right - left + "px";
          frag.append(u);
        }
      }
      layer.replaceChildren(frag);
    }

    // ---- layout loop (rAF-batched) ----

    function layoutNow() {
      frame = null;
      for (const entry of boxes.values()) {
        try {
          if (entry.ctx.isQuiet && entry.ctx.isQuiet()) continue;
          if (entry.ctx.marker && entry.ctx.editor) entry.ctx.marker.position(entry.ctx.editor.getBoundingClientRect());
          if (mode === "overlay") drawOverlay(entry);
        } catch (e) {
          log("layout", e);
        }
      }
    }

    function scheduleLayout() {
      if (frame !== null) return;
      const raf = win.requestAnimationFrame ? win.requestAnimationFrame.bind(win) : (f) => win.setTimeout(f, 16);
      frame = raf(layoutNow);
    }

    const onScrollOrResize = () => scheduleLayout();

    function listen() {
      if (listening) return;
      listening = true;
      win.addEventListener("scroll", onScrollOrResize, { capture: true, passive: true });
      win.addEventListener("resize", onScrollOrResize, { passive: true });
    }

    // ---- public ----

    /** Replace the ranges of one box and redraw. Returns performance.now() of the draw. */
    function setRanges(key, items, ctx) {
      let entry = boxes.get(key);
      if (!entry) {
        entry = { items: [], ctx: ctx || {}, resize: null };
        boxes.set(key, entry);
        listen();
        if (ctx && ctx.editor && typeof win.ResizeObserver === "function") {
          try {
            entry.resize = new win.ResizeObserver(() => scheduleLayout());
            entry.resize.observe(ctx.editor);
          } catch (_e) {
            entry.resize = null;
          }
        }
      }
      if (ctx) entry.ctx = ctx;
      entry.items = items;
      if (mode === "highlight") {
        ensureStyles(doc);
        if (entry.ctx.editor) {
          const rn = entry.ctx.editor.getRootNode();
          if (rn && rn !== doc) ensureStyles(rn);
        }
        rebuildHighlights();
        if (entry.ctx.marker && entry.ctx.editor) {
          try {
            entry.ctx.marker.position(entry.ctx.editor.getBoundingClientRect());
          } catch (_e) {
            /* ignore */
          }
        }
      } else {
        drawOverlay(entry);
        if (entry.ctx.marker && entry.ctx.editor) {
          try {
            entry.ctx.marker.position(entry.ctx.editor.getBoundingClientRect());
          } catch (_e) {
            /* ignore */
          }
        }
      }
      return win.performance ? win.performance.now() : Date.now();
    }

    function clear(key) {
      const entry = boxes.get(key);
      if (!entry) return;
      boxes.delete(key);
      if (entry.resize) entry.resize.disconnect();
      if (mode === "highlight") rebuildHighlights();
      else if (entry.ctx.marker && entry.ctx.marker.layer) entry.ctx.marker.layer.replaceChildren();
    }

    /** The id of the warning under viewport point (x, y) in box `key`, or null. */
    function hitTest(key, x, y) {
      const entry = boxes.get(key);
      if (!entry) return null;
      for (const it of entry.items) {
        let rects;
        try {
          rects = it.range.getClientRects();
        } catch (_e) {
          continue;
        }
        for (const r of rects) {
          if (r.width > 0 && pointInRect(x, y, r)) return it.id;
        }
      }
      return null;
    }

    /** Viewport rect of a warning's first line (for placing the card), or null. */
    function rectOf(key, id) {
      const entry = boxes.get(key);
      if (!entry) return null;
      const it = entry.items.find((i) => i.id === id);
      if (!it) return null;
      try {
        const rects = Array.from(it.range.getClientRects()).filter((r) => r.width > 0);
        return rects[0] || it.range.getBoundingClientRect();
      } catch (_e) {
        return null;
      }
    }

    function destroy() {
      for (const key of Array.from(boxes.keys())) clear(key);
      win.removeEventListener("scroll", onScrollOrResize, { capture: true });
      win.removeEventListener("resize", onScrollOrResize);
      if (registry) {
        try {
          for (const sev of SEVERITIES) {
            if (win.CSS.highlights.get(NAMES[sev]) === registry[sev]) win.CSS.highlights.delete(NAMES[sev]);
          }
        } catch (_e) {
          /* ignore */
        }
      }
    }

    return { mode, setRanges, clear, hitTest, rectOf, scheduleLayout, layoutNow, destroy };
  }

  const api = Object.freeze({ createHighlighter, supportsHighlights, pointInRect, NAMES, HIGHLIGHT_CSS });
  root.Postguard = root.Postguard || {};
  root.Postguard.highlighter = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
