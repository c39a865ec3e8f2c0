// Postguard content script: ask before posting while an error-severity warning is current.
//
// A capture-phase listener on the window sees the click on the site's post button (and the
// site's keyboard submit, e.g. Ctrl+Enter on X, and Enter/Space on a non-native button) before
// the site does. If a box of that button has error warnings, the post is stopped and the box's
// marker shows a dialog (data-postguard-dialog) with "Post anyway" / "Go back and edit". "Post
// anyway" clicks the button again with a one-shot bypass. If the box's text changed since the
// last answer, the post waits for a fresh check first (a few seconds at most).
//
// Classic script: adds `globalThis.Postguard.postGuard` (and module.exports under Node).
(function (root) {
  "use strict";

  const WAIT_FOR_CHECK_MS = 3000;
  const BYPASS_MS = 2000;

  function log(what, err) {
    try {
      console.debug("[postguard] post guard:", what, err && err.message ? err.message : "");
    } catch (_e) {
      /* ignore */
    }
  }

  function isDisabled(btn) {
    return !!(btn.disabled || btn.getAttribute("aria-disabled") === "true");
  }

  function isNativeButton(btn) {
    const t = btn.tagName;
    return t === "BUTTON" || t === "INPUT";
  }

  /**
   * createPostGuard({win, boxes}) where boxes() lists the watched boxes, each with:
   *   editor, site, marker, errors() -> [W], isDirty() -> bool, checkNow() -> Promise,
   *   postButtons() -> [Element]
   */
  function createPostGuard(opts) {
    const win = opts.win;
    const now = () => (win.performance ? win.performance.now() : Date.now());
    let bypass = null; // {button, until}
    let busy = false;

    function boxesForButton(path) {
      const out = [];
      let button = null;
      for (const box of opts.boxes()) {
        let buttons;
        try {
          buttons = box.postButtons();
        } catch (_e) {
          continue;
        }
        const b = buttons.find((x) => path.includes(x));
        if (b) {
          button = button || b;
          out.push(box);
        }
      }
      return button ? { button, boxes: out } : null;
    }

    function collectErrors(boxes) {
      const out = [];
      for (const b of boxes) {
        try {
          out.push(...b.errors());
        } catch (_e) {
          /* ignore */
        }
      }
      return out;
    }

    function block(ev) {
      ev.preventDefault();
      ev.stopPropagation();
      ev.stopImmediatePropagation();
    }

    function proceed(button) {
      if (!button || !button.isConnected) return;
      bypass = { button, until: now() + BYPASS_MS };
      try {
        button.click();
      } finally {
        bypass = null;
      }
    }

    async function decide(hit) {
      busy = true;
      try {
        let errors = collectErrors(hit.boxes);
        if (hit.boxes.some((b) => b.isDirty())) {
          await Promise.race([
            Promise.all(hit.boxes.map((b) => Promise.resolve(b.checkNow()).catch(() => null))),
            new Promise((res) => win.setTimeout(res, WAIT_FOR_CHECK_MS)),
          ]);
          errors = collectErrors(hit.boxes);
        }
        if (!errors.length) {
          proceed(hit.button);
          return;
        }
        const box = hit.boxes.find((b) => b.errors().length) || hit.boxes[0];
        const answer = await box.marker.confirmPost(errors);
        if (answer === "post-anyway") {
          proceed(hit.button);
        } else {
          try {
            box.editor.focus({ preventScroll: true });
          } catch (_e) {
            /* ignore */
          }
        }
      } catch (e) {
        log("decide", e);
      } finally {
        busy = false;
      }
    }

    function needsGuard(hit) {
      return hit.boxes.some((b) => b.isDirty()) || collectErrors(hit.boxes).length > 0;
    }

    function onClick(ev) {
      try {
        if (!ev.composedPath) return;
        const path = ev.composedPath();
        if (bypass && now() <= bypass.until && path.includes(bypass.button)) {
          bypass = null;
          return; // the click we asked for: let it through
        }
        const hit = boxesForButton(path);
        if (!hit || isDisabled(hit.button)) return;
        if (busy) {
          block(ev);
          return;
        }
        if (!needsGuard(hit)) return;
        block(ev);
        decide(hit);
      } catch (e) {
        log("click", e);
      }
    }

    function onKeydown(ev) {
      try {
        if (ev.isComposing || ev.keyCode === 229) return;
        if (!ev.composedPath) return;
        const path = ev.composedPath();
        let hit = null;
        // The site's submit shortcut typed in an editor.
        for (const box of opts.boxes()) {
          if (path.includes(box.editor) && root.Postguard.sites.isSubmitKey(box.site, ev)) {
            const buttons = box.postButtons();
            hit = { button: buttons[0] || null, boxes: [box] };
            break;
          }
        }
        // Enter/Space on a focused non-native post button (native ones turn into clicks).
        if (!hit && (ev.key === "Enter" || ev.key === " ")) {
          const h = boxesForButton(path);
          if (h && !isNativeButton(h.button) && path[0] === h.button) hit = h;
        }
        if (!hit) return;
        if (hit.button && isDisabled(hit.button)) return;
        if (busy) {
          block(ev);
          return;
        }
        if (!needsGuard(hit)) return;
        block(ev);
        if (!hit.button) log("no post button found for the keyboard submit");
        decide(hit);
      } catch (e) {
        log("keydown", e);
      }
    }

    win.addEventListener("click", onClick, true);
    win.addEventListener("keydown", onKeydown, true);

    return {
      destroy() {
        win.removeEventListener("click", onClick, true);
        win.removeEventListener("keydown", onKeydown, true);
      },
      get busy() {
        return busy;
      },
    };
  }

  const api = Object.freeze({ createPostGuard });
  root.Postguard = root.Postguard || {};
  root.Postguard.postGuard = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
