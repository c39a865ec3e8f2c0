// Postguard content script: applying a warning's fix (docs/protocol.md: fix = {type: "append" |
// "replace" | "remove", text}) through the editor's own input handling, so the site's model,
// undo history and caret stay right. This is the only place that changes what the user wrote,
// and only when the user clicked "Apply fix".
//
//   append  -> caret at the end of the last block, execCommand("insertText", (space) + text)
//   replace -> select the span, execCommand("insertText", text)
//   remove  -> select the span (plus one neighbouring space), execCommand("delete")
//
// Per editor kind (site.editor.kind):
//   draft   Draft.js reads the DOM selection on "selectionchange"/select: set the selection,
//           wait a tick so it lands in EditorState, set it again, then insert. On Chromium the
//           insertion is a textInput event (React's onBeforeInput there), as for typing:
//           execCommand's native insertion into an empty block replaces Draft's placeholder
//           <br> behind React's back and crashes the editor (removeChild). In Firefox, and if
//           textInput changed nothing, execCommand("insertText").
//   lexical Lexical ignores untrusted beforeinput and commits the browser's own edit a little
//           later: insert ONCE, then wait; never retry (retries duplicate the text).
//   quill   Quill picks the change up from its MutationObserver; inside a shadow root the
//           selection is set through shadowRoot.getSelection() when the browser has it.
// Afterwards the text is compared with the expected result (reported, never retried).
//
// Classic script: adds `globalThis.Postguard.fixes` (and module.exports under Node).
(function (root) {
  "use strict";

  function log(what, err) {
    try {
      console.debug("[postguard] fixes:", what, err && err.message ? err.message : "");
    } catch (_e) {
      /* ignore */
    }
  }

  /**
   * Plan a fix on `text` (pure): {start, end, insert, expected} or null when it cannot apply.
   * warning: {start, end, fix: {type, text}} with offsets into `text`.
   */
  function planFix(text, warning) {
    const fix = warning && warning.fix;
    if (!fix || typeof fix.type !== "string") return null;
    const ftext = typeof fix.text === "string" ? fix.text : "";
    const len = text.length;
    let start;
    let end;
    let insert;
    if (fix.type === "append") {
      if (!ftext) return null;
      start = end = len;
      // Trailing empty lines stay as they are; append after the last character.
      const needsSpace = len > 0 && !/\s$/.test(text) && !/^\s/.test(ftext);
      insert = (needsSpace ? " " : "") + ftext;
    } else if (fix.type === "replace" || fix.type === "remove") {
      start = Math.max(0, Math.min(len, warning.start | 0));
      end = Math.max(start, Math.min(len, warning.end | 0));
      insert = fix.type === "replace" ? ftext : "";
      if (fix.type === "remove") {
        if (end === start) return null;
        // Do not leave a double space (or a space at a line edge) behind.
        const before = text[start - 1];
        const after = text[end];
        if (before === " " && (after === " " || after === undefined || after === "\n")) start -= 1;
        else if ((start === 0 || before === "\n") && after === " ") end += 1;
      }
    } else {
      return null;
    }
    return { start, end, insert, expected: text.slice(0, start) + insert + text.slice(end) };
  }

  /** The Selection object that governs `editor` (its shadow root's when the browser has one). */
  function selectionFor(editor) {
    const doc = editor.ownerDocument;
    const rn = editor.getRootNode();
    if (rn && rn !== doc && typeof rn.getSelection === "function") {
      try {
        const s = rn.getSelection();
        if (s) return s;
      } catch (_e) {
        /* fall through */
      }
    }
    return doc.defaultView.getSelection();
  }

  function select(editor, range) {
    const sel = selectionFor(editor);
    if (!sel) return false;
    try {
      if (typeof sel.setBaseAndExtent === "function") {
        sel.setBaseAndExtent(range.startContainer, range.startOffset, range.endContainer, range.endOffset);
      } else {
        sel.removeAllRanges();
        sel.addRange(range);
      }
      return true;
    } catch (e) {
      log("select", e);
      return false;
    }
  }

  /**
   * Chromium's legacy textInput event (what React's onBeforeInput listens to there): like a
   * typed character, the page sees it first and the browser inserts the text as its default
   * action unless the page prevents it. Returns false where TextEvent does not exist.
   */
  function dispatchTextInput(target, data) {
    const doc = target.ownerDocument;
    const win = doc.defaultView;
    // Gecko has TextEvent too, but an untrusted textInput's insertion there breaks Draft's
    // undo (Ctrl+Z doubles the text); execCommand is the verified path in Firefox.
    if (typeof win.TextEvent !== "function" || "mozInnerScreenX" in win) return false;
    let ev;
    try {
      ev = doc.createEvent("TextEvent");
      if (typeof ev.initTextEvent !== "function") return false;
      ev.initTextEvent("textInput", true, true, win, data);
    } catch (_e) {
      return false;
    }
    target.dispatchEvent(ev);
    return true;
  }

  function delay(win, ms) {
    return new Promise((res) => win.setTimeout(res, ms));
  }
  function frame(win) {
    return new Promise((res) => {
      if (win.requestAnimationFrame) win.requestAnimationFrame(() => res());
      else win.setTimeout(res, 16);
    });
  }

  /**
   * Apply the fix of `warning` in `editor`. ctx: {editor, site, buildModel: () => model,
   * textModel}. Resolves {ok, expected, actual, reason}. Never throws.
   */
  async function applyFix(ctx, warning) {
    const editor = ctx.editor;
    const doc = editor.ownerDocument;
    const win = doc.defaultView;
    const kind = (ctx.site && ctx.site.editor && ctx.site.editor.kind) || "";
    const tm = ctx.textModel || (root.Postguard && root.Postguard.textModel);
    try {
      let model = ctx.buildModel();
      const plan = planFix(model.text, warning);
      if (!plan) return { ok: false, reason: "no-fix" };
      if (warning.fix.type !== "append" && warning.passage !== undefined &&
          model.text.slice(warning.start, warning.end) !== warning.passage) {
        return { ok: false, reason: "stale" };
      }
      const before = model.text;

      try {
        editor.focus({ preventScroll: true });
      } catch (_e) {
        editor.focus();
      }
      const rangeNow = () => {
        model = ctx.buildModel();
        return plan.start === plan.end && plan.start === model.text.length
          ? (() => {
              const p = tm.endPoint(model);
              const r = doc.createRange();
              r.setStart(p.node, p.offset);
              r.collapse(true);
              return r;
            })()
          : tm.offsetsToRange(model, plan.start, plan.end);
      };
      if (!select(editor, rangeNow())) return { ok: false, reason: "selection" };
      // Let the editor see the selection (Draft reads it on selectionchange; others too).
      await delay(win, 0);
      await frame(win);
      if (ctx.buildModel().text !== before) return { ok: false, reason: "changed" };
      select(editor, rangeNow());

      let done = false;
      let how = "execCommand";
      if (kind === "draft" && plan.insert && dispatchTextInput(editor, plan.insert)) {
        // Draft on Chromium: React's onBeforeInput is built from textInput, exactly as for
        // typing; Draft either renders the insertion itself or lets the browser's default
        // action insert it. Only if nothing changed at all (no textInput support) fall back.
        await delay(win, 0);
        if (ctx.buildModel().text !== before) {
          done = true;
          how = "textInput";
        } else {
          select(editor, rangeNow());
        }
      }
      if (!done) {
        try {
          done = plan.insert
            ? doc.execCommand("insertText", false, plan.insert)
            : doc.execCommand("delete", false);
        } catch (e) {
          log("execCommand", e);
        }
      }
      // Wait for the editor to commit (Lexical/Quill commit after the current turn). Never retry.
      await delay(win, 0);
      await frame(win);
      if (kind === "lexical" || kind === "quill") await delay(win, 30);
      let actual = ctx.buildModel().text;
      if (actual !== plan.expected && kind === "draft") {
        await delay(win, 30);
        actual = ctx.buildModel().text;
      }
      const ok = actual === plan.expected;
      if (!ok) log("text after fix differs from expected (" + how + (done ? "" : ", refused") + ")");
      return { ok, how, expected: plan.expected, actual, reason: ok ? null : done ? "mismatch" : "refused" };
    } catch (e) {
      log("applyFix", e);
      return { ok: false, reason: "exception" };
    }
  }

  const api = Object.freeze({ applyFix, planFix, selectionFor });
  root.Postguard = root.Postguard || {};
  root.Postguard.fixes = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
