// The installed Linux package, end to end: what an administrator rolls out. For each browser
// it installs the .deb, writes a managed policy that sets and locks the policy, starts the
// real browser with the extension and NO per-user host manifest (the browser has to find the
// host through the package's system-wide manifest), types a post, and expects the locked
// policy's warnings and the options page showing the policy as set by the organisation.
// `postguard doctor` has to be all green. Then it purges the package while the browser runs:
// every file the package installed is gone, and once the running host ends, the extension
// shows `no-host` and keeps the text.
//
//   POSTGUARD_DEB=build-package/packages/postguard_<version>_amd64.deb \
//     node --test tests/e2e/package.test.mjs
//
// Needs root (dpkg) and a machine where the postguard package is not installed. It takes the
// e2e lock for the whole run, so no other browser test meets the system-wide manifests.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  launchChromium, launchFirefox, CHROMIUM_BIN, FIREFOX_BIN, RESULTS_DIR,
  acquireLock, releaseLock, killHost,
} from './harness.mjs';

const DEB = process.env.POSTGUARD_DEB ? path.resolve(process.env.POSTGUARD_DEB) : null;
const PACKAGE = 'postguard';
const SYSTEM_HOST = '/usr/bin/postguard-host';
const POSTGUARD = '/usr/bin/postguard';
// Sets and locks a policy other than the extension's default, so its warnings prove the lock.
const MANAGED = { policy: 'iso-staff', role: 'official', lockPolicy: true };
const POST = 'Great to see the draft text of ISO/DIS 45001 clause 5, attached here';
const TYPE_DELAY_MS = Number(process.env.POSTGUARD_E2E_TYPE_DELAY || 30);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function packageInstalled() {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Status}', PACKAGE], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed|config-files/.test(r.stdout);
}

// Without POSTGUARD_DEB the suite is skipped; with it, a machine that cannot run it fails.
function preconditionProblem() {
  if (!fs.existsSync(DEB)) return `${DEB} does not exist`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root to run dpkg';
  if (packageInstalled()) return `the ${PACKAGE} package is already installed here; remove it first (dpkg -P ${PACKAGE})`;
  return null;
}

function dpkg(...args) {
  return execFileSync('dpkg', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Installs the .deb; returns the regular files and symlinks it put on disk. */
function install() {
  dpkg('-i', DEB);
  const listed = dpkg('-L', PACKAGE).split('\n').filter(Boolean);
  return listed.filter((p) => { try { return !fs.lstatSync(p).isDirectory(); } catch { return false; } });
}

function purge() { dpkg('-P', PACKAGE); }

function doctor() {
  const r = spawnSync(POSTGUARD, ['doctor', '--format', 'json'], { encoding: 'utf8' });
  let report = null;
  try { report = JSON.parse(r.stdout); } catch { /* asserted below */ }
  return { status: r.status, report, stdout: r.stdout, stderr: r.stderr };
}

async function optionsShowLocked(session) {
  const page = await session.openExtensionPage('options/options.html');
  try {
    const deadline = Date.now() + 10000;
    let seen = null;
    while (Date.now() < deadline) {
      seen = await page.evaluate(() => {
        const select = document.getElementById('policy');
        const note = document.getElementById('policy-note');
        return select && note ? { value: select.value, disabled: select.disabled, noteShown: !note.hidden, note: note.textContent } : null;
      });
      if (seen && seen.value === MANAGED.policy && seen.disabled && seen.noteShown) return seen;
      await sleep(100);
    }
    assert.fail(`options page does not show the policy as locked: ${JSON.stringify(seen)}`);
  } finally {
    await page.close().catch(() => {});
  }
}

function defineBrowser(name, launch, binary) {
  const skip = !DEB ? 'set POSTGUARD_DEB to the .deb to test (scripts/package.sh builds it)'
    : fs.existsSync(binary) ? false : `${binary} is not installed`;
  describe(`${name}: the installed .deb`, { skip }, () => {
    let session = null;
    let installed = [];

    before(async () => {
      const problem = preconditionProblem();
      assert.equal(problem, null, problem);
      await acquireLock();
    });
    after(async () => {
      if (session) await session.close();
      if (installed.length && packageInstalled()) purge(); // ours, left by a failed test
      releaseLock();
    });

    test('system-wide manifest, locked policy, doctor green; purge leaves nothing and shows no-host', async () => {
      installed = install();
      for (const f of [SYSTEM_HOST, POSTGUARD]) assert.ok(installed.includes(f), `${f} installed`);

      const doc = doctor();
      assert.equal(doc.status, 0, `postguard doctor is not all green:\n${doc.stdout}\n${doc.stderr}`);
      assert.ok(doc.report, `doctor --format json printed JSON:\n${doc.stdout}`);

      session = await launch({ settings: MANAGED, userManifest: false, hostBin: SYSTEM_HOST });
      assert.equal(fs.existsSync(session.manifestFile), false, 'no per-user host manifest');
      const page = await session.openSite('x');
      try {
        await page.focusEditor();
        await page.type(POST, TYPE_DELAY_MS);
        const snap = await page.waitFor((want) => {
          const s = window.__pg.snapshot();
          return s.state === 'warnings' && s.text === want ? s : null;
        }, POST, { timeout: 15000, what: 'warnings for the typed post' });
        const rules = snap.warnings.map((w) => w.rule);
        assert.ok(rules.length > 0 && rules.every((r) => r.startsWith(`${MANAGED.policy}.`)),
          `warnings come from the locked policy ${MANAGED.policy}: ${rules.join(', ')}`);
        assert.ok(snap.warnings.some((w) => w.category === 'confidentiality'), 'the draft standard is flagged');
        const hosts = session.hostProcesses();
        assert.ok(hosts.length > 0, `the browser started ${SYSTEM_HOST}`);

        const shown = await optionsShowLocked(session);
        assert.match(shown.note, /organisation/i);

        purge();
        const left = installed.filter((f) => fs.existsSync(f));
        assert.deepEqual(left, [], 'files the package installed are gone after purge');
        assert.equal(fs.existsSync('/usr/share/postguard'), false, '/usr/share/postguard is gone');

        // The host that was running keeps its (deleted) binary until it ends; the next start
        // finds no manifest.
        killHost(session);
        await page.focusEditor();
        await page.press('End');
        await page.type('!', TYPE_DELAY_MS);
        const gone = await page.waitForState('no-host', { timeout: 15000 });
        assert.equal(gone.text, `${POST}!`, 'the text is intact');
        assert.deepEqual(gone.warnings, [], 'no stale warnings');
        assert.equal(session.hostProcesses().length, 0, 'no host process after uninstall');
      } catch (err) {
        try { await page.screenshot(path.join(RESULTS_DIR, `${name}-package.png`)); } catch { /* ignore */ }
        throw err;
      } finally {
        await page.close();
      }
    });
  });
}

defineBrowser('chromium', launchChromium, CHROMIUM_BIN);
defineBrowser('firefox', launchFirefox, FIREFOX_BIN);

