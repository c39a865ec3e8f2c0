// Launches the real browsers with the unpacked extension, the real native host and the
// fixture pages served at the real sites' URLs (see /work/shared/recipes/browser-e2e.md).
//
//   const s = await launchChromium();   // or launchFirefox()
//   const page = await s.openSite('x'); // 'x' | 'facebook' | 'linkedin'
//   ... page.snapshot(), page.type(text), page.click(x, y) ...
//   session.rulesDir                    // the host's rules: a copy a test may edit
//   await s.close();
//
// Environment: POSTGUARD_HOST_BIN (default <repo>/build/postguard-host),
// POSTGUARD_E2E_HEADED=1 (show the browser), POSTGUARD_E2E_KEEP=1 (keep temp dirs).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtures, lookup } from './fixtures/build.mjs';
import { PROBE } from './probe.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const EXT_DIR = path.join(REPO, 'extension');
export const HOST_BIN = path.resolve(process.env.POSTGUARD_HOST_BIN || path.join(REPO, 'build', 'postguard-host'));
export const CHROMIUM_ID = 'acmnpiifhpicdffioflpmeemfieahodg';
export const GECKO_ID = 'postguard@postguard.org';
const FIREFOX_EXT_UUID = '5f1c2a9e-7d3b-4c6a-9e2f-0b8d4a6c1e73';
export const HOST_NAME = 'org.postguard.host';
export const CHROMIUM_BIN = process.env.POSTGUARD_E2E_CHROMIUM || '/usr/bin/chromium';
export const FIREFOX_BIN = process.env.POSTGUARD_E2E_FIREFOX || '/usr/bin/firefox-esr';
export const RESULTS_DIR = path.join(HERE, '.results');
export const DEFAULT_SETTINGS = { policy: 'iet', role: 'personal' };

const CHROMIUM_POLICY_FILE = '/etc/chromium/policies/managed/postguard-e2e.json';
const FIREFOX_POLICY_FILE = '/etc/firefox/policies/policies.json';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HEADED = process.env.POSTGUARD_E2E_HEADED === '1';
const KEEP = process.env.POSTGUARD_E2E_KEEP === '1';

export function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function rmrf(dir) {
  if (!KEEP && dir) fs.rmSync(dir, { recursive: true, force: true });
}

export function checkPrerequisites(browserBin) {
  const missing = [];
  if (!fs.existsSync(browserBin)) missing.push(`${browserBin} (apt-get install chromium firefox-esr)`);
  if (!fs.existsSync(HOST_BIN)) missing.push(`${HOST_BIN} (build it: cmake --build build --target postguard-host, or set POSTGUARD_HOST_BIN)`);
  if (!fs.existsSync(path.join(EXT_DIR, 'manifest.json'))) missing.push(`${EXT_DIR}/manifest.json`);
  return missing;
}

// ---------------------------------------------------------------------------------------
// Managed (enterprise) settings: written before the browser starts, restored afterwards.

const restorers = [];
let exitHookInstalled = false;
function onExitRestore(fn) {
  restorers.push(fn);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => { for (const f of restorers.splice(0)) { try { f(); } catch { /* best effort */ } } });
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  }
}

// Replaces `file` with `content`, and keeps what was there (or that nothing was, and which
// directories had to be made) in a sidecar file next to it, so a crashed or concurrent run
// still restores the administrator's original. Returns a function that puts it back (also
// run at exit); the first run to finish restores, later ones find no sidecar and leave it.
function writeRestorable(file, content) {
  const sidecar = path.join(path.dirname(file), `.${path.basename(file)}.postguard-e2e-backup`);
  const created = [];
  let dir = path.dirname(file);
  const toMake = [];
  while (!fs.existsSync(dir)) { toMake.unshift(dir); dir = path.dirname(dir); }
  for (const d of toMake) { fs.mkdirSync(d); created.push(d); }
  if (!fs.existsSync(sidecar)) {
    const previous = fs.existsSync(file) ? fs.readFileSync(file).toString('base64') : null;
    fs.writeFileSync(sidecar, JSON.stringify({ previous, createdDirs: created }));
  }
  fs.writeFileSync(file, content);
  let done = false;
  const restore = () => {
    if (done) return;
    done = true;
    let saved;
    try { saved = JSON.parse(fs.readFileSync(sidecar, 'utf8')); } catch { return; } // restored already
    if (saved.previous !== null) fs.writeFileSync(file, Buffer.from(saved.previous, 'base64'));
    else fs.rmSync(file, { force: true });
    fs.rmSync(sidecar, { force: true });
    for (const d of [...(saved.createdDirs || [])].reverse()) { try { fs.rmdirSync(d); } catch { /* not empty: leave it */ } }
  };
  onExitRestore(restore);
  return { restore };
}

// One e2e browser session at a time on this machine (they share /etc policy files, and two
// browsers on two cores spoil the timings): an exclusive lock file holding the owner's pid.
const LOCK_FILE = path.join(os.tmpdir(), 'postguard-e2e.lock');
// Holds nest: a test that installs the package takes it around its browser sessions.
let lockHeld = false;
let lockDepth = 0;
function pidAlive(pid) { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } }
export async function acquireLock(timeoutMs = 15 * 60 * 1000) {
  lockDepth++;
  if (lockHeld) return;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      lockHeld = true;
      onExitRestore(() => { lockDepth = 0; releaseLock(); });
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const owner = Number(fs.readFileSync(LOCK_FILE, 'utf8')) || 0;
      if (!owner || !pidAlive(owner)) { fs.rmSync(LOCK_FILE, { force: true }); continue; } // stale
      if (Date.now() > deadline) { lockDepth--; throw new Error(`another e2e run (pid ${owner}) holds ${LOCK_FILE}`); }
      if (!told) { console.log(`# waiting for another e2e run (pid ${owner}) to finish`); told = true; }
      await sleep(1000);
    }
  }
}
export function releaseLock() {
  if (lockDepth > 0) lockDepth--;
  if (!lockHeld || lockDepth > 0) return;
  lockHeld = false;
  try { if (Number(fs.readFileSync(LOCK_FILE, 'utf8')) === process.pid) fs.rmSync(LOCK_FILE, { force: true }); } catch { /* gone */ }
}

function setChromiumManagedSettings(settings) {
  return writeRestorable(CHROMIUM_POLICY_FILE,
    JSON.stringify({ '3rdparty': { extensions: { [CHROMIUM_ID]: settings } } }, null, 2) + '\n').restore;
}

function setFirefoxManagedSettings(settings) {
  // Merge into an existing policies.json rather than replace the administrator's policies.
  let base = { policies: {} };
  if (fs.existsSync(FIREFOX_POLICY_FILE)) {
    try { base = JSON.parse(fs.readFileSync(FIREFOX_POLICY_FILE, 'utf8')); } catch { base = { policies: {} }; }
  }
  base.policies = base.policies || {};
  base.policies['3rdparty'] = base.policies['3rdparty'] || {};
  base.policies['3rdparty'].Extensions = { ...(base.policies['3rdparty'].Extensions || {}), [GECKO_ID]: settings };
  return writeRestorable(FIREFOX_POLICY_FILE, JSON.stringify(base, null, 2) + '\n').restore;
}

// ---------------------------------------------------------------------------------------
// Native host manifest and process handling.

function writeHostManifest(file, allowed, hostBin) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({
    name: HOST_NAME,
    description: 'Postguard policy checker (e2e test)',
    path: hostBin,
    type: 'stdio',
    ...allowed,
  }, null, 2) + '\n');
}

function procList() {
  const out = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').filter(Boolean);
      let exe = null;
      try { exe = fs.readlinkSync(`/proc/${d}/exe`); } catch { /* other user / gone */ }
      out.push({ pid: Number(d), ppid, cmd, exe });
    } catch { /* gone */ }
  }
  return out;
}

// Host processes (of binary `hostBin`) started by the browser whose root process is
// `isRoot(proc)`.
export function findHostProcesses(isRoot, hostBin = HOST_BIN) {
  const procs = procList();
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const hostReal = fs.existsSync(hostBin) ? fs.realpathSync(hostBin) : hostBin;
  return procs.filter((p) => {
    const isHost = p.exe === hostReal || p.exe === `${hostReal} (deleted)` || p.cmd[0] === hostBin;
    if (!isHost) return false;
    for (let q = byPid.get(p.ppid), n = 0; q && n < 20; q = byPid.get(q.ppid), n++) if (isRoot(q)) return true;
    return false;
  });
}

// ---------------------------------------------------------------------------------------
// Request handling shared by both browsers: serve the fixtures, record and fail the rest.

function makeNetwork(served) {
  const unexpected = [];
  return {
    unexpected,
    // -> {respond: {contentType, body}} | {abort: true}
    decide(url) {
      if (!/^https?:/i.test(url)) return { pass: true };
      const f = lookup(served, url);
      if (f) return { respond: f };
      unexpected.push(url);
      return { abort: true };
    },
  };
}

// ---------------------------------------------------------------------------------------
// A page wrapper with one API over playwright and puppeteer pages.

class SitePage {
  constructor({ page, kind, site, url, network, session }) {
    this.page = page;
    this.kind = kind; // 'playwright' | 'puppeteer'
    this.site = site;
    this.url = url;
    this.network = network;
    this.session = session;
    this.consoleErrors = [];
    page.on('pageerror', (e) => this.consoleErrors.push(`pageerror: ${e && e.stack ? e.stack : e}`));
    page.on('console', (m) => {
      const type = typeof m.type === 'function' ? m.type() : m.type;
      if (type === 'error') this.consoleErrors.push(`console: ${m.text()}`);
    });
  }

  async goto() {
    await this.page.goto(this.url, { waitUntil: 'load' });
    await this.waitFor(() => !!window.__fixture, null, { timeout: 15000, what: 'fixture editor mounted' });
    await this.page.evaluate(PROBE);
  }

  // Runs fn(arg) in the page's main world.
  evaluate(fn, arg) {
    return this.page.evaluate(fn, arg === undefined ? null : arg);
  }

  snapshot() { return this.evaluate(() => window.__pg.snapshot()); }
  text() { return this.evaluate(() => window.__fixture.text()); }

  // Polls fn(arg) in the page until it returns a truthy value; returns that value.
  async waitFor(fn, arg, { timeout = 10000, interval = 50, what = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.page.evaluate(fn, arg === undefined ? null : arg);
        if (last) return last;
      } catch (e) {
        last = e;
      }
      if (Date.now() > deadline) {
        const snap = await this.snapshot().catch((e) => String(e));
        const err = new Error(`timed out after ${timeout} ms waiting for ${what}; page: ${JSON.stringify(snap)}`);
        err.snapshot = snap;
        throw err;
      }
      await sleep(interval);
    }
  }

  async waitForState(state, opts = {}) {
    return this.waitFor((s) => {
      const snap = window.__pg.snapshot();
      return snap.state === s ? snap : null;
    }, state, { what: `marker state "${state}"`, ...opts });
  }

  async click(x, y) { await this.page.mouse.click(x, y); }

  // Clicks the middle of the rect returned by fn(arg) in the page; throws if there is none.
  async clickRect(fn, arg, what) {
    const r = await this.evaluate(fn, arg);
    if (!r || !(r.width > 0) || !(r.height > 0)) throw new Error(`nothing to click: ${what} (${JSON.stringify(r)})`);
    await this.click(r.cx, r.cy);
    return r;
  }

  async bringToFront() { await this.page.bringToFront(); }

  async focusEditor() {
    await this.page.bringToFront(); // background tabs get throttled timers and focus events
    await this.clickRect(() => window.__pg.editorRect(), null, 'editor');
    await this.waitFor(() => window.__pg.hasFocus(), null, { timeout: 5000, what: 'editor focus' });
  }

  async type(text, delay = 20) { await this.page.keyboard.type(text, { delay }); }

  async press(key) { await this.page.keyboard.press(key); }

  async chord(modifier, key) {
    await this.page.keyboard.down(modifier);
    await this.page.keyboard.press(key);
    await this.page.keyboard.up(modifier);
  }

  async undo() { await this.chord('Control', 'z'); }

  async screenshot(file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  unexpectedRequests() { return this.network.unexpected.slice(); }

  async close() { await this.page.close().catch(() => {}); }
}

// ---------------------------------------------------------------------------------------
// Chromium (playwright-core).

// `userManifest: false` writes no per-user host manifest: the browser must find the host
// through a system-wide one (an installed package), and `hostBin` names that host, which then
// uses its installed rules rather than a copy.
export async function launchChromium({ settings = DEFAULT_SETTINGS, managed = true, userManifest = true, hostBin = HOST_BIN } = {}) {
  const { chromium } = await import('playwright-core');
  const served = await buildFixtures();
  await acquireLock();
  const userDataDir = tmpDir('pg-e2e-chromium-');
  const logDir = tmpDir('pg-e2e-hostlog-');
  // An installed host (no per-user manifest) keeps its installed rules.
  const rulesDir = userManifest ? copyRules() : null;
  const manifestFile = path.join(userDataDir, 'NativeMessagingHosts', `${HOST_NAME}.json`);
  if (userManifest) writeHostManifest(manifestFile, { allowed_origins: [`chrome-extension://${CHROMIUM_ID}/`] }, hostBin);
  const restorePolicy = managed && settings ? setChromiumManagedSettings(settings) : () => {};

  const args = [
    '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync',
    '--disable-background-networking', '--disable-component-update',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    `--disable-extensions-except=${EXT_DIR}`, `--load-extension=${EXT_DIR}`,
  ];
  if (!HEADED) args.unshift('--headless=new');
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_BIN,
    headless: !HEADED,
    args,
    ignoreDefaultArgs: ['--disable-extensions'],
    viewport: { width: 1100, height: 800 },
    env: { ...process.env, ...hostEnv(logDir, rulesDir) },
  });
  const network = makeNetwork(served);
  await ctx.route('**/*', async (route) => {
    const d = network.decide(route.request().url());
    if (d.respond) await route.fulfill({ status: 200, contentType: d.respond.contentType, body: d.respond.body });
    else if (d.abort) await route.abort('blockedbyclient');
    else await route.continue();
  });
  let sw = ctx.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`));
  if (!sw) {
    sw = await ctx.waitForEvent('serviceworker', {
      predicate: (w) => w.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`), timeout: 20000,
    }).catch(() => null);
  }
  // Close the blank tab the persistent context opens.
  for (const p of ctx.pages()) await p.close().catch(() => {});

  const isRoot = (p) => p.cmd.some((a) => a === `--user-data-dir=${userDataDir}`);
  const session = {
    browser: 'chromium',
    ctx,
    serviceWorker: sw,
    userDataDir,
    logDir,
    rulesDir,
    manifestFile,
    network,
    async openExtensionPage(file) {
      const page = await ctx.newPage();
      await page.goto(`chrome-extension://${CHROMIUM_ID}/${file}`);
      return page;
    },
    async openSite(site) {
      const page = await ctx.newPage();
      const sp = new SitePage({ page, kind: 'playwright', site, url: served[site].url, network, session });
      await sp.goto();
      return sp;
    },
    hostProcesses: () => findHostProcesses(isRoot, hostBin),
    removeHostManifest() { fs.renameSync(manifestFile, `${manifestFile}.removed`); },
    restoreHostManifest() { if (fs.existsSync(`${manifestFile}.removed`)) fs.renameSync(`${manifestFile}.removed`, manifestFile); },
    hostLog() { return readHostLog(logDir); },
    async close() {
      await ctx.close().catch(() => {});
      restorePolicy();
      releaseLock();
      await sleep(500); // let the host see EOF and exit (a sanitizer build reports then)
      const reports = sanitizerReports(logDir);
      rmrf(userDataDir);
      rmrf(logDir);
      rmrf(rulesDir);
      return { sanitizerReports: reports };
    },
  };
  return session;
}

// ---------------------------------------------------------------------------------------
// Firefox (puppeteer-core over WebDriver BiDi).

export async function launchFirefox({ settings = DEFAULT_SETTINGS, managed = true, userManifest = true, hostBin = HOST_BIN } = {}) {
  const { default: puppeteer } = await import('puppeteer-core');
  const served = await buildFixtures();
  await acquireLock();
  // A private HOME, so the per-user host manifest (~/.mozilla/native-messaging-hosts) and
  // anything else Firefox writes under HOME stay in a temp dir.
  const home = tmpDir('pg-e2e-firefox-home-');
  const logDir = tmpDir('pg-e2e-hostlog-');
  // An installed host (no per-user manifest) keeps its installed rules.
  const rulesDir = userManifest ? copyRules() : null;
  const manifestFile = path.join(home, '.mozilla', 'native-messaging-hosts', `${HOST_NAME}.json`);
  if (userManifest) writeHostManifest(manifestFile, { allowed_extensions: [GECKO_ID] }, hostBin);
  const restorePolicy = managed && settings ? setFirefoxManagedSettings(settings) : () => {};

  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_BIN,
    headless: !HEADED,
    defaultViewport: { width: 1100, height: 800 },
    env: {
      ...process.env, ...hostEnv(logDir, rulesDir), HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_STATE_HOME: path.join(home, '.local', 'state'),
      // Lets WebDriver BiDi navigate to the extension's own moz-extension:// pages.
      MOZ_REMOTE_ALLOW_SYSTEM_ACCESS: '1',
    },
    extraPrefsFirefox: {
      // No network beyond what the tests serve.
      'network.dns.localDomains': '',
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'extensions.update.enabled': false,
      'app.update.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
      // A fixed moz-extension:// host, so tests can open the extension's own pages.
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXT_UUID }),
    },
  });
  await browser.installExtension(EXT_DIR);
  const network = makeNetwork(served);
  const browserPid = browser.process() ? browser.process().pid : null;
  const isRoot = (p) => p.pid === browserPid;
  // Give the background script a moment to start (it is an event page; nothing to wait on).
  await sleep(500);

  const session = {
    browser: 'firefox',
    puppeteer: browser,
    home,
    logDir,
    rulesDir,
    manifestFile,
    network,
    async openExtensionPage(file) {
      const page = await browser.newPage();
      // Firefox reports no load event for extension pages to BiDi; callers poll the page.
      await page.goto(`moz-extension://${FIREFOX_EXT_UUID}/${file}`, { waitUntil: 'domcontentloaded', timeout: 5000 }).catch(() => {});
      return page;
    },
    async openSite(site) {
      const page = await browser.newPage();
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const d = network.decide(req.url());
        if (d.respond) req.respond({ status: 200, contentType: d.respond.contentType, body: d.respond.body }).catch(() => {});
        else if (d.abort) req.abort('blockedbyclient').catch(() => {});
        else req.continue().catch(() => {});
      });
      const sp = new SitePage({ page, kind: 'puppeteer', site, url: served[site].url, network, session });
      await sp.goto();
      return sp;
    },
    hostProcesses: () => findHostProcesses(isRoot, hostBin),
    removeHostManifest() { fs.renameSync(manifestFile, `${manifestFile}.removed`); },
    restoreHostManifest() { if (fs.existsSync(`${manifestFile}.removed`)) fs.renameSync(`${manifestFile}.removed`, manifestFile); },
    hostLog() { return readHostLog(logDir); },
    async close() {
      await browser.close().catch(() => {});
      restorePolicy();
      releaseLock();
      await sleep(500);
      const reports = sanitizerReports(logDir);
      rmrf(home);
      rmrf(logDir);
      rmrf(rulesDir);
      return { sanitizerReports: reports };
    },
  };
  return session;
}

// A private copy of the repository's rules/ for one session, so a test may break and mend
// a rule file under the running host without touching the checkout.
function copyRules() {
  const dir = tmpDir('pg-e2e-rules-');
  fs.cpSync(path.join(REPO, 'rules'), dir, { recursive: true });
  return dir;
}

// Environment for the browser, inherited by the host it starts: the rules come from the
// session's copy (POSTGUARD_DATA_DIR replaces the installed rules directory), the host's log
// goes to a temp dir, and a sanitizer build (build-asan) writes its reports there instead of
// to stderr, which the browser swallows.
function hostEnv(logDir, rulesDir) {
  const add = (prev, extra) => (prev ? `${prev}:${extra}` : extra);
  return {
    ...(rulesDir ? { POSTGUARD_DATA_DIR: rulesDir } : {}),
    POSTGUARD_LOG_DIR: logDir,
    ASAN_OPTIONS: add(process.env.ASAN_OPTIONS, `log_path=${path.join(logDir, 'asan')}`),
    UBSAN_OPTIONS: add(process.env.UBSAN_OPTIONS, `print_stacktrace=1:log_path=${path.join(logDir, 'ubsan')}`),
  };
}

function sanitizerReports(dir) {
  try {
    return fs.readdirSync(dir).filter((f) => /^(asan|ubsan)\./.test(f))
      .map((f) => `${f}:\n${fs.readFileSync(path.join(dir, f), 'utf8')}`);
  } catch { return []; }
}

function readHostLog(dir) {
  try {
    return fs.readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
  } catch { return ''; }
}

// Kills the host processes a session's browser started (by pid; SIGTERM, or `signal`), so
// the extension has to reconnect. Returns the pids killed.
export function killHost(session, signal = 'SIGTERM') {
  const procs = session.hostProcesses();
  for (const p of procs) { try { process.kill(p.pid, signal); } catch { /* gone */ } }
  return procs.map((p) => p.pid);
}

// Asks a host of our own (HOST_BIN, the session's rules) to check `text`, the way the
// extension does; resolves with the answer. The reference for what a box should show.
export function askHost(session, request) {
  return new Promise((resolve, reject) => {
    const logDir = tmpDir('pg-e2e-askhost-');
    const child = spawn(HOST_BIN, [`chrome-extension://${CHROMIUM_ID}/`], {
      env: { ...process.env, ...hostEnv(logDir, session.rulesDir) },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let buf = Buffer.alloc(0);
    const done = (err, value) => {
      child.kill('SIGKILL');
      rmrf(logDir);
      if (err) reject(err); else resolve(value);
    };
    child.on('error', (e) => done(e));
    child.stdout.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32LE(0)) {
        done(null, JSON.parse(buf.subarray(4, 4 + buf.readUInt32LE(0)).toString('utf8')));
      }
    });
    const body = Buffer.from(JSON.stringify({ id: 1, ...request }), 'utf8');
    const head = Buffer.alloc(4);
    head.writeUInt32LE(body.length, 0);
    child.stdin.end(Buffer.concat([head, body]));
  });
}

// Writes one run's measurements into tests/e2e/.results/timings.json under `key`
// ("chromium@build", "firefox@build", "chromium@build-asan"...), replacing that key's
// previous entry.
export function recordTiming(key, entry) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, 'timings.json');
  let data = {};
  try { data = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* new */ }
  if (!data || typeof data !== 'object' || Array.isArray(data)) data = {};
  data[key] = {
    when: new Date().toISOString(),
    cpus: os.cpus().length,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    ...entry,
  };
  fs.writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  return file;
}
