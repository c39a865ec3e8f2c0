// Postguard content script: keep old warning spans in place across the user's edit until the
// next answer arrives (pure). An edit is found as the common prefix/suffix difference of the
// old and new text; spans after it shift by the length change, spans before it stay, spans
// touching it are dropped (the next answer brings them back if they still apply).
//
// Classic script: adds `globalThis.Postguard.spanRemap` (and module.exports under Node).
(function (root) {
  "use strict";

  function isHigh(c) {
    return c >= 0xd800 && c <= 0xdbff;
  }
  function isLow(c) {
    return c >= 0xdc00 && c <= 0xdfff;
  }

  /**
   * The single edit turning `a` into `b`: {start, oldEnd, newEnd} (UTF-16 offsets; a[start,
   * oldEnd) was replaced by b[start, newEnd)). Never splits a surrogate pair. null if equal.
   */
  function diffEdit(a, b) {
    if (a === b) return null;
    const min = Math.min(a.length, b.length);
    let p = 0;
    while (p < min && a.charCodeAt(p) === b.charCodeAt(p)) p++;
    // Do not end the common prefix between the two halves of a pair.
    if (p > 0 && isHigh(a.charCodeAt(p - 1)) && (isLow(a.charCodeAt(p)) || isLow(b.charCodeAt(p)))) p--;
    let s = 0;
    const maxS = min - p;
    while (s < maxS && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
    // Do not start the common suffix on the low half of a pair.
    if (s > 0 && isLow(a.charCodeAt(a.length - s)) &&
        (isHigh(a.charCodeAt(a.length - s - 1)) || isHigh(b.charCodeAt(b.length - s - 1)))) s--;
    return { start: p, oldEnd: a.length - s, newEnd: b.length - s };
  }

  const WORD = /[\p{L}\p{N}\p{M}_]/u;
  function isWordChar(ch) {
    return !!ch && WORD.test(ch);
  }

  /**
   * Remap `spans` (objects with numeric start/end into `oldText`) onto `newText`. Returns new
   * objects (copies with start/end updated) for the spans that survive, in the same order.
   * A pure insertion of a separator right after (or right before) a span keeps it: typing a
   * space after a flagged word must not make its underline flicker.
   */
  function remapSpans(spans, oldText, newText) {
    const edit = diffEdit(oldText, newText);
    if (!edit) return spans.map((s) => Object.assign({}, s));
    const delta = (edit.newEnd - edit.start) - (edit.oldEnd - edit.start);
    const inserted = newText.slice(edit.start, edit.newEnd);
    const pureInsert = edit.oldEnd === edit.start;
    const out = [];
    for (const span of spans) {
      const st = span.start;
      const en = span.end;
      let keep = null; // null: drop; 0: unchanged; 1: shifted
      if (en < edit.start) keep = 0;
      else if (st > edit.oldEnd) keep = 1;
      else if (pureInsert && en > st) {
        if (en === edit.start && !isWordChar(inserted[0])) keep = 0;
        else if (st === edit.start && !isWordChar(inserted[inserted.length - 1])) keep = 1;
      }
      if (keep === null) continue;
      const copy = Object.assign({}, span);
      if (keep === 1) {
        copy.start = st + delta;
        copy.end = en + delta;
      }
      out.push(copy);
    }
    return out;
  }

  const api = Object.freeze({ diffEdit, remapSpans, isWordChar });
  root.Postguard = root.Postguard || {};
  root.Postguard.spanRemap = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
