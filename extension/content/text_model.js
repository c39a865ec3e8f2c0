// Postguard content script: the text of a compose box and the map between UTF-16 offsets of
// that text and DOM positions. Reads the DOM only; never writes to the editor.
//
// The text is the blocks' text joined with "\n" (docs/extension.md): Draft.js blocks are the
// `[data-block="true"]` elements; for Lexical and Quill the blocks are the root's child
// elements (lists contribute one block per <li>). Inside a block, text nodes count as they
// are, a <br> counts as "\n" unless it is the block's last content (Lexical/Quill render an
// empty line as <p><br></p> and a trailing soft break with an extra <br>), and Draft's
// placeholder <br data-text="true"> never counts.
//
// Classic script: adds `globalThis.Postguard.textModel` (and module.exports under Node).
(function (root) {
  "use strict";

  const TEXT_NODE = 3;
  const ELEMENT_NODE = 1;
  const SKIP_TAGS = new Set(["STYLE", "SCRIPT", "TEMPLATE", "NOSCRIPT"]);
  const BLOCK_TAGS = new Set([
    "P", "DIV", "LI", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE", "OL", "UL",
    "TABLE", "TBODY", "THEAD", "TR", "TD", "TH", "SECTION", "ARTICLE",
  ]);
  const CONTAINER_TAGS = new Set(["OL", "UL", "TABLE", "TBODY", "THEAD", "TR"]);
  const ZERO_WIDTH_ONLY = /^[\u200B\uFEFF]+$/;

  function isHigh(c) {
    return c >= 0xd800 && c <= 0xdbff;
  }
  function isLow(c) {
    return c >= 0xdc00 && c <= 0xdfff;
  }

  /** Is the element a container of blocks rather than a block with text? */
  function isContainer(el) {
    if (CONTAINER_TAGS.has(el.tagName)) return true;
    let sawElement = false;
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === TEXT_NODE) {
        if (c.data.trim() !== "") return false;
      } else if (c.nodeType === ELEMENT_NODE) {
        if (!BLOCK_TAGS.has(c.tagName)) return false;
        sawElement = true;
      }
    }
    return sawElement;
  }

  function collectChildBlocks(el, out) {
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
      if (SKIP_TAGS.has(c.tagName) || c.hasAttribute("data-postguard-state")) continue;
      if (isContainer(c)) collectChildBlocks(c, out);
      else out.push(c);
    }
    return out;
  }

  /** The block elements of an editor root, for the block `mode` of the site data. */
  function findBlocks(rootEl, blocks) {
    const mode = blocks && blocks.mode;
    if (mode === "selector" && blocks.selector) {
      const list = Array.from(rootEl.querySelectorAll(blocks.selector));
      return list.length ? list : [rootEl];
    }
    // "children": if the root holds loose text (no block children), it is its own block.
    for (let c = rootEl.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === TEXT_NODE && c.data !== "") return [rootEl];
    }
    const list = collectChildBlocks(rootEl, []);
    return list.length ? list : [rootEl];
  }

  /** The text-bearing items of one block, in order: Text nodes and counting <br>s. */
  function blockItems(block, ignoreSel, kind) {
    const items = [];
    const walk = (node) => {
      for (let c = node.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === TEXT_NODE) {
          if (c.data === "") continue;
          if (kind === "draft" && ZERO_WIDTH_ONLY.test(c.data)) continue;
          items.push(c);
        } else if (c.nodeType === ELEMENT_NODE) {
          if (SKIP_TAGS.has(c.tagName) || c.hasAttribute("data-postguard-state")) continue;
          if (c.tagName === "BR") {
            if (ignoreSel && c.matches(ignoreSel)) continue;
            items.push(c);
            continue;
          }
          walk(c);
        }
      }
    };
    walk(block);
    // A <br> that is the block's last item is a line placeholder, not a character (Lexical
    // renders a trailing soft break as <br><br>: the first one counts).
    if (items.length && items[items.length - 1].nodeType === ELEMENT_NODE) items.pop();
    return items;
  }

  /**
   * Build the model of an editor: {root, text, segs, blocks}.
   *   segs: in order, {type:"text", node, start, end} | {type:"br", node, start, end}
   *         | {type:"sep", prev, next, start, end} | {type:"empty", node: blockEl, start, end}
   *   blocks: [{el, start, end}]
   * `opts`: {blocks: site.blocks, kind: site.editor.kind}.
   */
  function buildModel(rootEl, opts) {
    opts = opts || {};
    const blockSpec = opts.blocks || { mode: "children" };
    const kind = opts.kind || "";
    const blockEls = findBlocks(rootEl, blockSpec);
    const segs = [];
    const blocks = [];
    const parts = [];
    let pos = 0;
    blockEls.forEach((el, i) => {
      if (i > 0) {
        segs.push({ type: "sep", prev: blockEls[i - 1], next: el, start: pos, end: pos + 1 });
        parts.push("\n");
        pos += 1;
      }
      const start = pos;
      const items = blockItems(el, blockSpec.ignore, kind);
      for (const it of items) {
        if (it.nodeType === TEXT_NODE) {
          const len = it.data.length;
          segs.push({ type: "text", node: it, start: pos, end: pos + len });
          parts.push(it.data);
          pos += len;
        } else {
          segs.push({ type: "br", node: it, start: pos, end: pos + 1 });
          parts.push("\n");
          pos += 1;
        }
      }
      if (!items.length) segs.push({ type: "empty", node: el, start: pos, end: pos });
      blocks.push({ el, start, end: pos });
    });
    return { root: rootEl, text: parts.join(""), segs, blocks };
  }

  /** Just the text (same rules as buildModel). */
  function textOf(rootEl, opts) {
    return buildModel(rootEl, opts).text;
  }

  function indexInParent(node) {
    let i = 0;
    for (let c = node.parentNode.firstChild; c && c !== node; c = c.nextSibling) i++;
    return i;
  }

  /** The DOM point {node, offset} of a segment at a local offset. */
  function segPoint(seg, local) {
    switch (seg.type) {
      case "text":
        return { node: seg.node, offset: local };
      case "br":
        return { node: seg.node.parentNode, offset: indexInParent(seg.node) + (local > 0 ? 1 : 0) };
      case "empty": {
        // Inside the innermost first element (Draft: the leaf span holding the placeholder
        // <br>), so editors that map selections through their leaves find it.
        let n = seg.node;
        while (n.firstElementChild && n.firstElementChild.tagName !== "BR" && n.firstChild === n.firstElementChild) {
          n = n.firstElementChild;
        }
        return { node: n, offset: 0 };
      }
      default: // sep
        return local > 0 ? { node: seg.next, offset: 0 } : { node: seg.prev, offset: seg.prev.childNodes.length };
    }
  }

  const PRIORITY = { text: 0, empty: 1, br: 2, sep: 3 };

  /**
   * The DOM point for a text offset. bias "forward" prefers the segment the offset starts
   * (range starts), "backward" the segment it ends (range ends).
   */
  function pointAt(model, off, bias) {
    let best = null;
    let bestScore = Infinity;
    for (const seg of model.segs) {
      if (off < seg.start || off > seg.end) continue;
      // Lower is better: text segments first; among them, the bias decides.
      let score = PRIORITY[seg.type] * 4;
      if (bias === "forward") score += off < seg.end || seg.start === seg.end ? 0 : 1;
      else score += off > seg.start || seg.start === seg.end ? 0 : 1;
      if (score < bestScore) {
        best = seg;
        bestScore = score;
      }
    }
    if (!best) {
      return { node: model.root, offset: off <= 0 ? 0 : model.root.childNodes.length };
    }
    return segPoint(best, off - best.start);
  }

  function clampOffsets(text, start, end) {
    const len = text.length;
    let s = Math.max(0, Math.min(len, Math.floor(Number(start) || 0)));
    let e = Math.max(0, Math.min(len, Math.floor(Number(end) || 0)));
    if (e < s) e = s;
    // Never split a surrogate pair: widen to the whole character.
    if (s > 0 && s < len && isLow(text.charCodeAt(s)) && isHigh(text.charCodeAt(s - 1))) s--;
    if (e > 0 && e < len && isLow(text.charCodeAt(e)) && isHigh(text.charCodeAt(e - 1))) e++;
    return [s, e];
  }

  /** A DOM Range over text[start, end) (UTF-16 offsets, clamped, whole characters). */
  function offsetsToRange(model, start, end) {
    const [s, e] = clampOffsets(model.text, start, end);
    const doc = model.root.ownerDocument;
    const range = doc.createRange();
    const a = pointAt(model, s, "forward");
    if (s === e) {
      range.setStart(a.node, a.offset);
      range.collapse(true);
      return range;
    }
    const b = pointAt(model, e, "backward");
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    return range;
  }

  /** Compare DOM points: -1 if (n1,o1) is before (n2,o2), 0 equal, 1 after. */
  function comparePoints(doc, n1, o1, n2, o2) {
    const r = doc.createRange();
    r.setStart(n2, o2);
    r.collapse(true);
    return r.comparePoint(n1, o1);
  }

  /** The text offset of a DOM point (e.g. the caret) in the model; null if outside the root. */
  function pointToOffset(model, node, offset) {
    if (!node || !model.root.contains(node)) return null;
    for (const seg of model.segs) {
      if (seg.type === "text" && seg.node === node) {
        return seg.start + Math.max(0, Math.min(offset, seg.end - seg.start));
      }
    }
    const doc = model.root.ownerDocument;
    // Element point (or a text node we did not count): look inside the block holding it.
    const blk = model.blocks.find((b) => b.el === node || b.el.contains(node)) || null;
    const segs = model.segs.filter((seg) => {
      if (seg.type === "sep") return false;
      if (!blk) return true;
      if (seg.type === "empty") return seg.node === blk.el;
      return seg.start >= blk.start && seg.end <= blk.end;
    });
    for (const seg of segs) {
      const p = segPoint(seg, 0);
      let cmp;
      try {
        cmp = comparePoints(doc, node, offset, p.node, p.offset);
      } catch (_e) {
        continue;
      }
      if (cmp <= 0) return seg.start;
      if (seg.type === "text" || seg.type === "br") {
        // Is the point right after this segment (and before the next one)?
        const q = segPoint(seg, seg.end - seg.start);
        let cmpEnd;
        try {
          cmpEnd = comparePoints(doc, node, offset, q.node, q.offset);
        } catch (_e) {
          continue;
        }
        if (cmpEnd <= 0) return seg.end;
      }
    }
    return blk ? blk.end : model.text.length;
  }

  /** {start, end} offsets of a DOM Range (null when it is outside the root). */
  function rangeToOffsets(model, range) {
    const s = pointToOffset(model, range.startContainer, range.startOffset);
    const e = pointToOffset(model, range.endContainer, range.endOffset);
    if (s === null || e === null) return null;
    return { start: Math.min(s, e), end: Math.max(s, e) };
  }

  /** The DOM point at the very end of the text (where an append goes). */
  function endPoint(model) {
    return pointAt(model, model.text.length, "backward");
  }

  /** Do the model's text nodes still hold what they held when it was built? */
  function isCurrent(model) {
    for (const seg of model.segs) {
      if (!seg.node) continue;
      if (!seg.node.isConnected || !model.root.contains(seg.node)) return false;
      if (seg.type === "text" && seg.node.data.length !== seg.end - seg.start) return false;
    }
    return model.root.isConnected;
  }

  const api = Object.freeze({
    buildModel,
    textOf,
    findBlocks,
    offsetsToRange,
    pointToOffset,
    rangeToOffsets,
    endPoint,
    pointAt,
    clampOffsets,
    isCurrent,
  });

  root.Postguard = root.Postguard || {};
  root.Postguard.textModel = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
