// The end-to-end scenarios, shared by chromium.test.mjs and firefox.test.mjs. Each runs in
// the real browser with the unpacked extension and the real native host, on fixture pages
// that mount the real editors (Draft.js, Lexical, Quill-in-shadow-DOM) at the sites' URLs.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { askHost, checkPrerequisites, killHost, recordTiming, RESULTS_DIR, HOST_BIN } from './harness.mjs';

export const SITES = ['x', 'facebook', 'linkedin'];

// Policy "iet", role "personal" (harness DEFAULT_SETTINGS). Expected spans are the substrings
// the rules flag; offsets are computed from the text (UTF-16, i.e. JavaScript indices).
// The IET pack asks for a disclaimer on a view about the IET, not on a bare mention, hence the
// "best thing the IET does".
export const VIOLATING = 'Proud of the kids from year 9 at our IET workshop, best thing the IET does! Photos below. Call me on 07700 900123';
export const VIOLATING_EXPECT = [
  { category: 'minor-consent', rule: 'iet.minor-consent.under-18', severity: 'error', span: 'kids from year 9' },
  { category: 'disclaimer', rule: 'iet.disclaimer.iet-views', severity: 'warning', span: 'IET' },
  { category: 'privacy', rule: 'iet.privacy.phone-number', severity: 'warning', span: 'Call me on 07700 900123' },
];
export const CLEAN = 'Lovely sunny day in the park';
// iet.disclaimer.iet-views offers fix {type: append, text: "Views are my own, not the IET's."}.
export const FIXABLE = 'Great IET workshop on power electronics today';
export const FIX_APPEND = "Views are my own, not the IET's.";
// Emoji and accents before the flagged spans: offsets are UTF-16 code units (👍🏽 counts 4).
export const UTF16 = 'Café ☕ 👍🏽 photos of the year 9 kids at the IET, best thing the IET does';
export const MULTILINE = 'Great day at the workshop!\nCall me on 07700 900123 about the IET';
export const MULTILINE_EXPECT = [
  { category: 'privacy', span: 'Call me on 07700 900123' },
  { category: 'disclaimer', span: 'the IET' },
];
export const UTF16_EXPECT = [
  { category: 'minor-consent', span: 'year 9 kids' },
  { category: 'disclaimer', span: 'the IET' },
];

// A post long enough to be typing when the host is killed; it ends with VIOLATING's slips.
export const LONG_POST = 'Spent Saturday in the village hall with friends from the makerspace, and it was a real ' +
  'pleasure to watch them build and test their machines. ' + VIOLATING;
// A person typing: 60-110 ms between keys.
const HUMAN_KEY_MS = [60, 110];

const TYPE_DELAY_MS = Number(process.env.POSTGUARD_E2E_TYPE_DELAY || 30);
const HUMAN_PAUSE_MS = 1200;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function expectedSpans(text, expect) {
  return expect.map((e) => {
    const start = text.indexOf(e.span);
    assert.ok(start >= 0, `test bug: "${e.span}" not in "${text}"`);
    return { ...e, start, end: start + e.span.length };
  });
}

function assertWarnings(snap, text, expect) {
  const got = snap.warnings;
  for (const e of expectedSpans(text, expect)) {
    const w = got.find((x) => x.category === e.category);
    assert.ok(w, `no ${e.category} warning; got ${JSON.stringify(got)}`);
    if (e.rule) assert.equal(w.rule, e.rule);
    if (e.severity) assert.equal(w.severity, e.severity, `${e.category} severity`);
    assert.deepEqual({ start: w.start, end: w.end, text: text.slice(w.start, w.end) },
      { start: e.start, end: e.end, text: e.span }, `${e.category} span`);
  }
  for (const w of got) {
    assert.ok(Number.isInteger(w.start) && Number.isInteger(w.end) && w.start >= 0 && w.start < w.end && w.end <= text.length,
      `warning offsets out of the text: ${JSON.stringify(w)}`);
  }
}

function summarise(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const q = (p) => v[Math.min(v.length - 1, Math.floor(p * v.length))];
  return { n: v.length, median: q(0.5), p95: q(0.95), max: v[v.length - 1] };
}

const round = (x) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

// Registers the whole suite for one browser.
export function defineScenarios({ browser, launch, binary }) {
  const missing = checkPrerequisites(binary);
  const skip = missing.length ? `missing: ${missing.join('; ')}` : false;

  describe(`${browser} e2e`, { skip }, () => {
    let session;
    const timings = {};

    before(async () => { session = await launch(); });
    after(async () => {
      if (Object.keys(timings).length) {
        const file = recordTiming(`${browser}@${path.basename(path.dirname(HOST_BIN))}`, { hostBin: HOST_BIN, typeDelayMs: TYPE_DELAY_MS, sites: timings });
        console.log(`# ${browser} timings written to ${file}:\n${JSON.stringify(timings, null, 2)}`);
      }
      if (session) {
        const { sanitizerReports } = await session.close();
        assert.deepEqual(sanitizerReports, [], 'sanitizer reports from the host');
      }
    });

    // Opens a fresh tab on `site`, runs fn(page); on failure saves a screenshot and the page
    // snapshot under .results/; always closes the tab and checks the network log.
    async function withPage(site, name, fn) {
      const page = await session.openSite(site);
      const before = session.network.unexpected.length;
      try {
        await fn(page);
        const extra = session.network.unexpected.slice(before);
        assert.deepEqual(extra, [], 'requests the test did not serve');
      } catch (err) {
        const base = path.join(RESULTS_DIR, `${browser}-${site}-${name}`.replace(/[^a-z0-9.-]+/gi, '_'));
        try {
          await page.screenshot(`${base}.png`);
          fs.writeFileSync(`${base}.json`, JSON.stringify({ snapshot: await page.snapshot(), consoleErrors: page.consoleErrors }, null, 2));
          err.message += `\n  (screenshot ${base}.png)`;
        } catch { /* page gone */ }
        throw err;
      } finally {
        await page.close();
      }
    }

    for (const site of SITES) {
      describe(site, () => {
        test('fixture: the real editor takes typed text, one marker beside it', async () => {
          await withPage(site, 'fixture', async (page) => {
            await page.focusEditor();
            await page.type('Hello world', TYPE_DELAY_MS);
            await page.waitFor(() => window.__fixture.text() === 'Hello world', null, { what: 'editor text' });
            const snap = await page.waitFor(() => window.__pg.marker() && window.__pg.snapshot(), null, { what: 'a marker' });
            assert.equal(snap.markers, 1, 'exactly one marker (the hidden decoy box gets none)');
            assert.equal(snap.markerInsideEditor, false, 'marker is not inside the contenteditable');
            assert.equal(snap.markerShadowOpen, true, 'marker has an open shadow root');
            assert.equal(snap.markerRoot, site === 'linkedin' ? '#interop-outlet' : 'document');
            assert.equal(snap.editorInnerText.replace(/\n+$/, ''), 'Hello world');
          });
        });

        test('violating post: warnings with the right categories and UTF-16 offsets; timings', async () => {
          await withPage(site, 'violating', async (page) => {
            await page.focusEditor();
            await page.evaluate((end) => window.__pg.armTiming(end), VIOLATING.length);
            await page.type(VIOLATING, TYPE_DELAY_MS);
            const snap = await page.waitFor((want) => {
              const s = window.__pg.snapshot();
              return s.state === 'warnings' && s.text === want.text && s.warnings.length >= want.n ? s : null;
            }, { text: VIOLATING, n: VIOLATING_EXPECT.length }, { timeout: 10000, what: 'warnings for the whole text' });
            assert.equal(snap.text, VIOLATING, "editor's own text is exactly what was typed");
            assertWarnings(snap, VIOLATING, VIOLATING_EXPECT);
            // Timings: from the last keydown to the final result in the DOM / drawn.
            const t = await page.waitFor(() => { const x = window.__pg.timing(); return x.drawn !== null ? x : null; }, null,
              { timeout: 10000, what: 'timing of the final result' });
            const attrs = await page.evaluate(() => {
              const m = window.__pg.marker();
              return { inputMs: m.getAttribute('data-postguard-input-ms'), drawnAt: m.getAttribute('data-postguard-drawn-at') };
            });
            const entry = {
              keystrokes: VIOLATING.length,
              lastKeyToResultMs: round(t.reached - t.lastKeydown),
              lastKeyToDrawnFrameMs: round(t.drawn - t.lastKeydown),
              lastKeyToExtensionDrawnAtMs: attrs.drawnAt !== null ? round(Number(attrs.drawnAt) - t.lastKeydown) : null,
              contentScriptInputMs: summarise(t.inputMs),
              contentScriptInputMsFinalAttr: attrs.inputMs !== null ? Number(attrs.inputMs) : null,
            };
            timings[site] = entry;
            console.log(`# ${browser} ${site} timing ${JSON.stringify(entry)}`);
            assert.ok(t.inputMs.length > 0, 'marker publishes data-postguard-input-ms while typing');
          });
        });

        test('UTF-16 offsets with emoji and accents', async () => {
          await withPage(site, 'utf16', async (page) => {
            await page.focusEditor();
            await page.type(UTF16, TYPE_DELAY_MS);
            const snap = await page.waitFor((want) => {
              const s = window.__pg.snapshot();
              return s.state === 'warnings' && s.text === want && s.warnings.length >= 2 ? s : null;
            }, UTF16, { timeout: 10000, what: 'warnings for the emoji text' });
            assertWarnings(snap, UTF16, UTF16_EXPECT);
          });
        });

        test('two paragraphs (Enter): offsets count the "\\n" between blocks', async () => {
          await withPage(site, 'multiline', async (page) => {
            await page.focusEditor();
            const lines = MULTILINE.split('\n');
            for (let i = 0; i < lines.length; i++) {
              if (i > 0) await page.press('Enter');
              await page.type(lines[i], TYPE_DELAY_MS);
            }
            const snap = await page.waitFor((want) => {
              const s = window.__pg.snapshot();
              return s.state === 'warnings' && s.text === want && s.warnings.length >= 2 ? s : null;
            }, MULTILINE, { timeout: 10000, what: 'warnings for the two-paragraph text' });
            assertWarnings(snap, MULTILINE, MULTILINE_EXPECT);
          });
        });

        test('clean post: state clean, no warnings, posts without a dialog', async () => {
          await withPage(site, 'clean', async (page) => {
            await page.focusEditor();
            await page.type(CLEAN, TYPE_DELAY_MS);
            const snap = await page.waitFor((want) => {
              const s = window.__pg.snapshot();
              return s.state === 'clean' && s.text === want ? s : null;
            }, CLEAN, { timeout: 10000, what: 'state clean' });
            assert.deepEqual(snap.warnings, []);
            await page.clickRect(() => window.__pg.postRect(), null, 'Post button');
            const posted = await page.waitFor(() => window.__posted.length ? window.__posted.slice() : null, null, { what: 'the post' });
            assert.deepEqual(posted, [CLEAN]);
            const after = await page.snapshot();
            assert.equal(after.dialog, null, 'no dialog for a clean post');
            // The site empties the box after posting (a re-render): one marker, state clean.
            await page.waitFor(() => {
              const s = window.__pg.snapshot();
              return s.text === '' && s.markers === 1 && s.state === 'clean' ? s : null;
            }, null, { timeout: 5000, what: 'emptied box, marker still there and clean' });
          });
        });

        test('apply fix (append) by clicking the underline, then Ctrl+Z restores the text', async () => {
          await withPage(site, 'fix', async (page) => {
            await page.focusEditor();
            await page.type(FIXABLE, TYPE_DELAY_MS);
            const snap = await page.waitFor((want) => {
              const s = window.__pg.snapshot();
              return s.state === 'warnings' && s.text === want && s.warnings.some((w) => w.category === 'disclaimer') ? s : null;
            }, FIXABLE, { timeout: 10000, what: 'the disclaimer warning' });
            const w = snap.warnings.find((x) => x.category === 'disclaimer');
            // Click the underlined words (the overlay is click-through; the extension hit-tests).
            await page.clickRect((sp) => window.__pg.spanRects(sp.start, sp.end)[0] || null, w, 'underlined span');
            await page.waitFor(() => {
              const b = window.__pg.markerElement('[data-postguard-action="apply-fix"]');
              return b && window.__pg.visible(b);
            }, null, { timeout: 5000, what: 'card with "Apply fix" after clicking the underline' });
            // A person reads the card before clicking; this also keeps the fix out of the
            // editors' undo grouping of the typing (Quill merges changes within 1 s).
            await sleep(HUMAN_PAUSE_MS);
            await page.clickRect(() => window.__pg.markerRect('[data-postguard-action="apply-fix"]'), null, 'Apply fix');
            const fixed = `${FIXABLE} ${FIX_APPEND}`;
            const after = await page.waitFor((want) => {
              const s = window.__pg.snapshot();
              return s.text === want && s.state === 'clean' ? s : null;
            }, fixed, { timeout: 10000, what: 'fixed text and state clean' });
            assert.ok(after.text.endsWith(FIX_APPEND));
            assert.ok(!after.warnings.some((x) => x.category === 'disclaimer'), 'disclaimer warning gone');
            // Undo with the keyboard, in the editor.
            const focused = await page.evaluate(() => window.__pg.hasFocus());
            if (!focused) await page.focusEditor(); // report below if focus was lost
            await page.undo();
            let text;
            try {
              text = await page.waitFor((want) => window.__fixture.text() === want ? want : null, FIXABLE, { timeout: 4000, what: 'undo' });
            } catch (e) {
              text = await page.text();
            }
            assert.equal(text, FIXABLE, 'one Ctrl+Z restores the original text');
            assert.ok(focused, 'editor kept the focus after "Apply fix"');
            await page.waitFor((want) => {
              const s = window.__pg.snapshot();
              return s.state === 'warnings' && s.warnings.some((x) => x.category === 'disclaimer') ? s : null;
            }, null, { timeout: 10000, what: 'warning back after undo' });
          });
        });

        test('post guard: error warning blocks Post with a dialog; go back; Post anyway posts', async () => {
          await withPage(site, 'postguard', async (page) => {
            await page.focusEditor();
            await page.type(VIOLATING, TYPE_DELAY_MS);
            await page.waitFor((want) => {
              const s = window.__pg.snapshot();
              return s.state === 'warnings' && s.text === want && s.warnings.some((w) => w.severity === 'error') ? s : null;
            }, VIOLATING, { timeout: 10000, what: 'an error-severity warning' });
            // 1. Post -> dialog, nothing posted; "Go back and edit" closes it.
            await page.clickRect(() => window.__pg.postRect(), null, 'Post button');
            await page.waitFor(() => { const s = window.__pg.snapshot(); return s.dialog && s.dialog.visible; }, null,
              { timeout: 5000, what: 'the post-guard dialog' });
            await sleep(300);
            assert.deepEqual(await page.evaluate(() => window.__posted.slice()), [], 'nothing posted while the dialog is open');
            await page.clickRect(() => window.__pg.markerRect('[data-postguard-action="cancel"]'), null, 'Go back and edit');
            await page.waitFor(() => window.__pg.snapshot().dialog === null, null, { timeout: 3000, what: 'dialog closed' });
            await sleep(200);
            assert.deepEqual(await page.evaluate(() => window.__posted.slice()), [], 'nothing posted after "Go back and edit"');
            assert.equal(await page.text(), VIOLATING, 'text intact after going back');
            // 2. Post -> dialog -> Post anyway -> posted exactly once, with the text.
            await page.clickRect(() => window.__pg.postRect(), null, 'Post button');
            await page.waitFor(() => { const s = window.__pg.snapshot(); return s.dialog && s.dialog.visible; }, null,
              { timeout: 5000, what: 'the post-guard dialog again' });
            await page.clickRect(() => window.__pg.markerRect('[data-postguard-action="post-anyway"]'), null, 'Post anyway');
            const posted = await page.waitFor(() => window.__posted.length ? window.__posted.slice() : null, null, { timeout: 5000, what: 'the post' });
            await sleep(300);
            assert.deepEqual(await page.evaluate(() => window.__posted.slice()), [VIOLATING], 'posted once, the typed text');
            assert.deepEqual(posted, [VIOLATING]);
          });
        });
      });
    }

    test('x: Ctrl+Enter with an error warning is stopped by the dialog too', async () => {
      await withPage('x', 'ctrl-enter', async (page) => {
        await page.focusEditor();
        await page.type(VIOLATING, TYPE_DELAY_MS);
        await page.waitFor((want) => {
          const s = window.__pg.snapshot();
          return s.state === 'warnings' && s.text === want && s.warnings.some((w) => w.severity === 'error') ? s : null;
        }, VIOLATING, { timeout: 10000, what: 'an error-severity warning' });
        await page.chord('Control', 'Enter');
        await page.waitFor(() => { const s = window.__pg.snapshot(); return s.dialog && s.dialog.visible; }, null,
          { timeout: 5000, what: 'the post-guard dialog after Ctrl+Enter' });
        await sleep(300);
        assert.deepEqual(await page.evaluate(() => window.__posted.slice()), [], 'nothing posted');
        await page.clickRect(() => window.__pg.markerRect('[data-postguard-action="post-anyway"]'), null, 'Post anyway');
        const posted = await page.waitFor(() => window.__posted.length ? window.__posted.slice() : null, null, { timeout: 5000, what: 'the post' });
        assert.deepEqual(posted, [VIOLATING]);
      });
    });

    test('host killed (SIGKILL) while typing: nothing typed is lost, the badge says reconnecting, a new host answers', async () => {
      await withPage('x', 'host-killed', async (page) => {
        await page.focusEditor();
        const before = session.hostProcesses().map((p) => p.pid);
        const killAt = Math.floor(LONG_POST.length * 0.4);
        let killed = [];
        let killedAt = null;
        for (let i = 0; i < LONG_POST.length; i++) {
          if (i === killAt) {
            killedAt = await page.evaluate(() => performance.now());
            killed = killHost(session, 'SIGKILL');
          }
          await page.type(LONG_POST[i], 0);
          await sleep(HUMAN_KEY_MS[0] + Math.floor(Math.random() * (HUMAN_KEY_MS[1] - HUMAN_KEY_MS[0])));
        }
        assert.ok(killed.length > 0, `a host was running when the typing was 40% through (before: ${before})`);
        const snap = await page.waitFor((want) => {
          const s = window.__pg.snapshot();
          return s.text === want && s.state === 'warnings' && s.host === 'connected' ? s : null;
        }, LONG_POST, { timeout: 15000, what: 'the whole post checked by a host again' });
        // Every character, once, in order: nothing lost or doubled by the outage.
        assert.equal(snap.text, LONG_POST);
        assert.equal(snap.editorInnerText.replace(/\n+$/, ''), LONG_POST);
        // The outage was visible: after the kill the marker said reconnecting, then connected.
        const history = await page.evaluate(() => window.__pg.history());
        const after = history.filter((e) => e.t >= killedAt);
        const outage = after.findIndex((e) => e.host === 'reconnecting');
        assert.ok(outage >= 0, `no "reconnecting" after the kill; history: ${JSON.stringify(after)}`);
        assert.equal(after[outage].badge, 'Postguard: reconnecting\u2026');
        assert.ok(!after.some((e) => e.host === 'not-installed'), 'never "not installed"');
        assert.ok(after.slice(outage).some((e) => e.host === 'connected'), 'connected again afterwards');
        // A new host process, started by the extension on its own.
        const now = session.hostProcesses().map((p) => p.pid);
        assert.ok(now.length > 0 && now.every((pid) => !killed.includes(pid)), `new host pid: killed ${killed}, running ${now}`);
        // The warnings are those of the final text, as a host of our own finds them.
        const ref = await askHost(session, { type: 'check', text: LONG_POST, policy: 'iet', platform: 'twitter', role: 'personal', profile: { bioDisclaimer: false } });
        const key = (w) => `${w.rule}@${w.start}-${w.end}`;
        assert.deepEqual(snap.warnings.map(key).sort(), ref.warnings.map(key).sort());
        assertWarnings(snap, LONG_POST, VIOLATING_EXPECT);
      });
    });

    test('a rule file broken under the running host: old warnings stay, the error shows, then clears', async () => {
      const ietFile = path.join(session.rulesDir, 'iet.json');
      const good = fs.readFileSync(ietFile);
      try {
        await withPage('x', 'rules-broken', async (page) => {
          await page.focusEditor();
          await page.type(FIXABLE, TYPE_DELAY_MS);
          const first = await page.waitFor((want) => {
            const s = window.__pg.snapshot();
            return s.state === 'warnings' && s.text === want && s.warnings.some((w) => w.category === 'disclaimer') ? s : null;
          }, FIXABLE, { timeout: 10000, what: 'the disclaimer warning' });
          assert.equal(first.rulesError, null);

          // Saved half-way through an edit. The host looks at its files at most once a second,
          // before a request: wait that long, then type.
          fs.writeFileSync(ietFile, good.subarray(0, Math.floor(good.length / 2)));
          await sleep(1500);
          const more = `${FIXABLE} and more`;
          await page.press('End');
          await page.type(' and more', TYPE_DELAY_MS);
          const broken = await page.waitFor((want) => {
            const s = window.__pg.snapshot();
            return s.text === want && s.state === 'warnings' && s.rulesError ? s : null;
          }, more, { timeout: 10000, what: 'the rules error on the marker' });
          assert.match(broken.rulesError, /^iet\.json:\d+:\d+: invalid JSON/);
          assert.ok(!broken.rulesError.includes(session.rulesDir), 'the page is not told the directory');
          assert.ok(broken.warnings.some((w) => w.category === 'disclaimer'), 'the last good rules still warn');
          assert.match(broken.badge, /rules error/);
          const panel = await page.evaluate(() => window.__pg.markerElement('[data-postguard-rules-problem]').textContent);
          assert.match(panel, /still checks with the rules it had before/);

          fs.writeFileSync(ietFile, good);
          await sleep(1500);
          await page.type('!', TYPE_DELAY_MS);
          const fixed = await page.waitFor((want) => {
            const s = window.__pg.snapshot();
            return s.text === want && s.state === 'warnings' && s.rulesError === null ? s : null;
          }, `${more}!`, { timeout: 10000, what: 'the rules error gone' });
          assert.ok(fixed.warnings.some((w) => w.category === 'disclaimer'));
          assert.doesNotMatch(fixed.badge, /rules error/);
        });
      } finally {
        fs.writeFileSync(ietFile, good);
      }
    });

    test('host removed: each box shows no-host at once and keeps its text', async (t) => {
      const pages = [];
      try {
        for (const site of SITES) {
          const page = await session.openSite(site);
          pages.push(page);
          await page.focusEditor();
          await page.type(FIXABLE, TYPE_DELAY_MS);
          await page.waitForState('warnings', { timeout: 10000 });
        }
        // Remove the host (its manifest) and stop the running one: the extension has to
        // reconnect, and finds nothing.
        session.removeHostManifest();
        const killed = killHost(session);
        assert.ok(killed.length > 0, 'a host process was running');
        // The boxes learn it without a keystroke: the background asks them to check again.
        for (const page of pages) {
          const snap = await page.waitForState('no-host', { timeout: 10000 });
          assert.equal(snap.text, FIXABLE, `${page.site}: text intact when the host died`);
        }
        for (const page of pages) {
          // One more keystroke: the box is checked again, the extension reconnects and fails.
          await page.focusEditor();
          await page.press('End');
          await page.type('!', TYPE_DELAY_MS);
          const snap = await page.waitForState('no-host', { timeout: 10000 });
          assert.equal(snap.text, `${FIXABLE}!`, `${page.site}: text intact`);
          assert.deepEqual(snap.warnings, [], `${page.site}: no stale warnings while the host is missing`);
          assert.equal(snap.dialog, null);
        }
        // Typing still works and the text stays intact while the host is missing.
        const p = pages[0];
        await p.focusEditor();
        await p.press('End');
        await p.type(' ok', TYPE_DELAY_MS);
        await sleep(1000);
        const snap = await p.snapshot();
        assert.equal(snap.text, `${FIXABLE}! ok`);
        assert.equal(snap.state, 'no-host');
        assert.equal(session.hostProcesses().length, 0, 'no host process while its manifest is gone');
        assert.deepEqual(session.network.unexpected, [], 'requests the test did not serve');
      } catch (err) {
        for (const page of pages) {
          const base = path.join(RESULTS_DIR, `${browser}-${page.site}-nohost`);
          try { await page.screenshot(`${base}.png`); } catch { /* ignore */ }
        }
        throw err;
      } finally {
        session.restoreHostManifest();
        for (const page of pages) await page.close();
      }
    });
  });
}
