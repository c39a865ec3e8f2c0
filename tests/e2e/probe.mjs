// Page-side helpers, installed into the fixture page's main world with page.evaluate(PROBE).
// They only read the DOM (the extension's marker is reachable from the page: it carries
// data-postguard-state and has an open shadow root) and record timings; they never touch
// the editor or the extension.

function probeMain() {
  if (window.__pg) return 'already';
  const fx = () => window.__fixture;

  // document plus every open shadow root below it, markers' own shadow roots excluded.
  function roots() {
    const out = [document];
    const walk = (root) => {
      const all = root.querySelectorAll('*');
      for (const el of all) {
        if (el.shadowRoot && !el.hasAttribute('data-postguard-state')) {
          out.push(el.shadowRoot);
          walk(el.shadowRoot);
        }
      }
    };
    walk(document);
    return out;
  }

  function markers() {
    const found = [];
    for (const r of roots()) for (const m of r.querySelectorAll('[data-postguard-state]')) found.push(m);
    return found;
  }

  function marker() { return markers()[0] || null; }

  function editor() {
    const f = fx();
    if (!f) return null;
    if (f.shadowHost) {
      const host = document.querySelector(f.shadowHost);
      return host && host.shadowRoot ? host.shadowRoot.querySelector(f.editorSelector) : null;
    }
    return document.querySelector(f.editorSelector);
  }

  function postButton() {
    const f = fx();
    if (f.shadowHost) return document.querySelector(f.shadowHost).shadowRoot.querySelector(f.postSelector);
    return document.querySelector(f.postSelector);
  }

  function rectOf(el) {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: r.height, cx: r.left + r.width / 2, cy: r.top + r.height / 2 };
  }

  function visible(el) {
    if (!el || !el.isConnected) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none';
  }

  function describe(el) {
    return {
      tag: el.tagName.toLowerCase(),
      action: el.getAttribute('data-postguard-action'),
      text: (el.innerText || el.textContent || '').trim().slice(0, 200),
      visible: visible(el),
      rect: rectOf(el),
    };
  }

  function badgeText(m) {
    const b = m && m.shadowRoot ? m.shadowRoot.querySelector('[data-postguard-badge]') : null;
    return b ? b.textContent : null;
  }

  // Every change of the first marker's state, host link, rules error or badge, in order,
  // however briefly it lasted (a MutationObserver sees each one; polling would not).
  const history = [];
  function record() {
    const m = marker();
    if (!m) return;
    const e = {
      t: performance.now(),
      state: m.getAttribute('data-postguard-state'),
      host: m.getAttribute('data-postguard-host'),
      rulesError: m.getAttribute('data-postguard-rules-error'),
      badge: badgeText(m),
    };
    const last = history[history.length - 1];
    if (last && last.state === e.state && last.host === e.host && last.rulesError === e.rulesError && last.badge === e.badge) return;
    history.push(e);
  }

  function snapshot() {
    const ms = markers();
    const m = ms[0] || null;
    const ed = editor();
    const out = {
      markers: ms.length,
      state: m ? m.getAttribute('data-postguard-state') : null,
      host: m ? m.getAttribute('data-postguard-host') : null,
      rulesError: m ? m.getAttribute('data-postguard-rules-error') : null,
      badge: badgeText(m),
      inputMs: m ? m.getAttribute('data-postguard-input-ms') : null,
      markerRoot: m ? (m.getRootNode() === document ? 'document' : (m.getRootNode().host ? '#' + m.getRootNode().host.id : 'other')) : null,
      markerInsideEditor: !!(m && ed && ed.contains(m)),
      markerShadowOpen: !!(m && m.shadowRoot),
      warnings: [],
      dialog: null,
      actions: [],
      text: fx() ? fx().text() : null,
      editorInnerText: ed ? ed.innerText : null,
      posted: (window.__posted || []).slice(),
    };
    if (m && m.shadowRoot) {
      for (const w of m.shadowRoot.querySelectorAll('[data-postguard-warning]')) {
        out.warnings.push({
          category: w.getAttribute('data-category'),
          rule: w.getAttribute('data-rule'),
          severity: w.getAttribute('data-severity'),
          start: Number(w.getAttribute('data-start')),
          end: Number(w.getAttribute('data-end')),
        });
      }
      const d = m.shadowRoot.querySelector('[data-postguard-dialog]');
      if (d) out.dialog = { visible: visible(d), text: (d.innerText || d.textContent || '').trim().slice(0, 500) };
      for (const a of m.shadowRoot.querySelectorAll('[data-postguard-action]')) out.actions.push(describe(a));
    }
    return out;
  }

  // The editor's blocks, each with its text nodes, in the order the extension's contract
  // joins them ("\n" between blocks).
  function blocks() {
    const ed = editor();
    if (!ed) return [];
    let bl = ed.querySelectorAll('[data-block="true"]'); // Draft.js
    if (bl.length === 0) bl = ed.children; // Lexical / Quill paragraphs
    return Array.from(bl);
  }

  // Client rects of the text between UTF-16 offsets [start, end) of the box's text.
  function spanRects(start, end) {
    let pos = 0;
    const range = document.createRange();
    let startSet = false;
    let endSet = false;
    const bl = blocks();
    for (let b = 0; b < bl.length && !endSet; b++) {
      if (b > 0) pos += 1; // the "\n" between blocks
      const tw = document.createTreeWalker(bl[b], NodeFilter.SHOW_TEXT);
      for (let n = tw.nextNode(); n; n = tw.nextNode()) {
        const len = n.data.length;
        if (!startSet && start <= pos + len) { range.setStart(n, start - pos); startSet = true; }
        if (startSet && end <= pos + len) { range.setEnd(n, end - pos); endSet = true; break; }
        pos += len;
      }
    }
    if (!startSet || !endSet) return [];
    return Array.from(range.getClientRects()).map((r) => ({ x: r.left, y: r.top, width: r.width, height: r.height, cx: r.left + r.width / 2, cy: r.top + r.height / 2 }));
  }

  function markerElement(selector) {
    const m = marker();
    if (!m || !m.shadowRoot) return null;
    return m.shadowRoot.querySelector(selector);
  }

  // Timings: last keydown (capture, on window, so it runs before the editor's handlers) and
  // each change of the marker's attributes / shadow content, checked once per frame.
  const timing = { lastKeydown: 0, keydowns: 0, inputMs: [], reached: null, drawn: null, condition: null };
  window.addEventListener('keydown', () => { timing.lastKeydown = performance.now(); timing.keydowns++; }, true);
  let lastInputMs = null;
  function frame() {
    const m = marker();
    if (m) {
      const v = m.getAttribute('data-postguard-input-ms');
      if (v !== null && v !== lastInputMs) { timing.inputMs.push(Number(v)); lastInputMs = v; }
      if (timing.condition && timing.reached === null && timing.condition(m)) {
        timing.reached = performance.now();
        // "Drawn": the frame after the one in which the result is in the DOM.
        requestAnimationFrame(() => { timing.drawn = performance.now(); });
      }
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  // Also catch input-ms updates between frames.
  const mo = new MutationObserver((recs) => {
    for (const r of recs) {
      if (r.attributeName === 'data-postguard-input-ms') {
        const v = r.target.getAttribute('data-postguard-input-ms');
        if (v !== null && v !== lastInputMs) { timing.inputMs.push(Number(v)); lastInputMs = v; }
      }
    }
  });
  for (const r of roots()) mo.observe(r, { subtree: true, attributes: true, attributeFilter: ['data-postguard-input-ms'] });
  const states = new MutationObserver(record);
  for (const r of roots()) {
    states.observe(r, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ['data-postguard-state', 'data-postguard-host', 'data-postguard-rules-error'],
    });
  }

  window.__pg = {
    roots, markers, marker, editor, postButton, rectOf, visible, snapshot, blocks, spanRects, markerElement,
    editorRect: () => rectOf(editor()),
    postRect: () => rectOf(postButton()),
    markerRect: (sel) => rectOf(markerElement(sel)),
    markerButtons: () => {
      const m = marker();
      return m && m.shadowRoot ? Array.from(m.shadowRoot.querySelectorAll('button,[role="button"],[data-postguard-action]')).map(describe) : [];
    },
    // Start timing a "final result" condition: a warning ending at `end` is listed.
    armTiming(end) {
      timing.reached = null; timing.drawn = null; timing.inputMs = []; lastInputMs = null;
      timing.condition = (m) => m.getAttribute('data-postguard-state') === 'warnings' && !!m.shadowRoot &&
        Array.from(m.shadowRoot.querySelectorAll('[data-postguard-warning]')).some((w) => Number(w.getAttribute('data-end')) === end);
    },
    history: () => history.slice(),
    timing: () => ({ lastKeydown: timing.lastKeydown, keydowns: timing.keydowns, reached: timing.reached, drawn: timing.drawn, inputMs: timing.inputMs.slice() }),
    hasFocus: () => {
      const ed = editor();
      const root = ed && ed.getRootNode();
      return !!ed && root.activeElement === ed;
    },
  };
  return 'installed';
}

export const PROBE = `(${probeMain.toString()})()`;
