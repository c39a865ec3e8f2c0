// The macOS package's scripts, run here on Linux against a temporary directory that stands in
// for the target volume (Installer's $3): installers/macos/scripts/postinstall must register
// the host with every browser's /Library directory, and installers/macos/uninstall.sh must then
// leave the volume as it found it. The package itself (installers/macos/build-pkg.sh) can only
// be built on a Mac and is not tested here. Needs shellcheck (scripts/install-deps.sh).
//
//   node --test tests/installers/

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MACOS = path.join(REPO, 'installers', 'macos');
const POSTINSTALL = path.join(MACOS, 'scripts', 'postinstall');
const UNINSTALL = path.join(MACOS, 'uninstall.sh');

const APP = '/Library/Application Support/Postguard';
const HOST = `${APP}/bin/postguard-host`;
const MANIFEST = 'org.postguard.host.json';
// The macOS system rows of host/lib/install_targets.cc (Chrome and Brave share a directory);
// tests/unit/install_targets_test.cc fails when the table's rows stop being these.
const EXPECTED = {
  '/Library/Google/Chrome/NativeMessagingHosts': 'chromium',
  '/Library/Application Support/Chromium/NativeMessagingHosts': 'chromium',
  '/Library/Microsoft/Edge/NativeMessagingHosts': 'chromium',
  '/Library/Application Support/Vivaldi/NativeMessagingHosts': 'chromium',
  '/Library/Application Support/Mozilla/NativeMessagingHosts': 'firefox',
};
// Every Mac has these; the package must neither need to create them nor remove them.
const SKELETON = ['Library', 'Library/Application Support'];
const AS_ROOT = process.getuid() === 0;
// On macOS a new file takes its directory's group, and /Library/Application Support's is
// admin (80), not wheel. Set-group-ID directories do the same on Linux.
const ADMIN_GID = 80;

function makeSkeleton(volume) {
  for (const dir of SKELETON) {
    fs.mkdirSync(path.join(volume, dir), { recursive: true });
    if (AS_ROOT) {
      fs.chownSync(path.join(volume, dir), 0, ADMIN_GID);
      fs.chmodSync(path.join(volume, dir), 0o2755);
    }
  }
}

// What CMake's configure_file(@ONLY) makes of a template for the macOS prefix (build-pkg.sh).
function generated(family) {
  const template = fs.readFileSync(path.join(REPO, 'manifests', family, MANIFEST), 'utf8');
  assert.equal(template.split('@POSTGUARD_HOST_PATH@').length, 2, `${family} template placeholder`);
  return template.replace('@POSTGUARD_HOST_PATH@', HOST);
}

// A temporary volume with the Mac's /Library skeleton, removed when test `t` ends.
function emptyVolume(t) {
  const volume = fs.mkdtempSync(path.join(os.tmpdir(), 'postguard-macos-'));
  t.after(() => fs.rmSync(volume, { recursive: true, force: true }));
  makeSkeleton(volume);
  return volume;
}

// emptyVolume() plus the package's payload as build-pkg.sh lays it out (the binaries stand in
// as small files: only the scripts run here).
function volumeWithPayload(t) {
  const volume = emptyVolume(t);
  const app = path.join(volume, APP);
  fs.mkdirSync(path.join(app, 'bin'), { recursive: true });
  for (const bin of ['postguard', 'postguard-host']) {
    fs.writeFileSync(path.join(app, 'bin', bin), '#!/bin/sh\n', { mode: 0o755 });
  }
  for (const family of ['chromium', 'firefox']) {
    fs.mkdirSync(path.join(app, 'manifests', family), { recursive: true });
    fs.writeFileSync(path.join(app, 'manifests', family, MANIFEST), generated(family), { mode: 0o644 });
  }
  fs.mkdirSync(path.join(app, 'rules'));
  fs.copyFileSync(path.join(REPO, 'rules', 'iet.json'), path.join(app, 'rules', 'iet.json'));
  fs.copyFileSync(UNINSTALL, path.join(app, 'uninstall.sh'));
  fs.chmodSync(path.join(app, 'uninstall.sh'), 0o755);
  return volume;
}

// Every entry under `root`, relative, sorted; directories end in '/'.
function tree(root) {
  const out = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(e.isDirectory() ? `${r}/` : r);
      if (e.isDirectory()) walk(r);
    }
  };
  walk('');
  return out.sort();
}

// Runs a script as Installer would (as root: fakeroot when the test is not root, so that
// chown 0:0 works), with a recording pkgutil first on PATH.
function run(shell, script, args, volume) {
  const fakeBin = path.join(volume, '..', `${path.basename(volume)}-bin`);
  fs.mkdirSync(fakeBin, { recursive: true });
  const log = path.join(fakeBin, 'pkgutil.log');
  fs.writeFileSync(path.join(fakeBin, 'pkgutil'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\n`, {
    mode: 0o755,
  });
  const argv = [...(shell ? [shell] : []), script, ...args];
  const [cmd, ...rest] = AS_ROOT ? argv : ['fakeroot', ...argv];
  const r = spawnSync(cmd, rest, {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}` },
  });
  const pkgutil = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : null;
  fs.rmSync(fakeBin, { recursive: true, force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, pkgutil };
}

const postinstall = (volume, shell = null, target = volume) =>
  run(shell, POSTINSTALL, ['/tmp/Postguard.pkg', path.join(volume, APP), target], volume);

function checkManifests(volume) {
  for (const [dir, family] of Object.entries(EXPECTED)) {
    const file = path.join(volume, dir, MANIFEST);
    assert.equal(fs.readFileSync(file, 'utf8'), generated(family), `${dir}: the generated manifest`);
    const m = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(m.name, 'org.postguard.host', dir);
    assert.equal(m.path, HOST, `${dir}: the host as the booted Mac sees it, without the volume`);
    assert.equal(m.type, 'stdio', dir);
    if (family === 'firefox') {
      assert.deepEqual(m.allowed_extensions, ['postguard@postguard.org'], dir);
      assert.equal(m.allowed_origins, undefined, dir);
    } else {
      assert.deepEqual(m.allowed_origins, ['chrome-extension://acmnpiifhpicdffioflpmeemfieahodg/'], dir);
      assert.equal(m.allowed_extensions, undefined, dir);
    }
    const st = fs.statSync(file);
    assert.equal(st.mode & 0o777, 0o644, `${dir}: mode`);
    if (AS_ROOT) assert.deepEqual([st.uid, st.gid], [0, 0], `${dir}: root:wheel`);
    assert.equal(fs.statSync(path.join(volume, dir)).mode & 0o777, 0o755, `${dir}: readable by all`);
  }
}

// The payload, plus exactly the five manifests and the directories holding them.
function expectedTreeAfterPostinstall(payloadTree) {
  const entries = new Set(payloadTree);
  for (const dir of Object.keys(EXPECTED)) {
    const parts = dir.slice(1).split('/');
    for (let i = 1; i <= parts.length; i++) entries.add(`${parts.slice(0, i).join('/')}/`);
    entries.add(`${dir.slice(1)}/${MANIFEST}`);
  }
  return [...entries].sort();
}

test('postinstall writes the generated manifest into each macOS system directory, and nothing else', (t) => {
  for (const shell of [null, 'bash']) {  // null: its #!/bin/sh (dash here; bash 3.2 on macOS)
    const volume = volumeWithPayload(t);
    const before = tree(volume);
    const r = postinstall(volume, shell);
    assert.equal(r.status, 0, r.stderr);
    checkManifests(volume);
    assert.deepEqual(tree(volume), expectedTreeAfterPostinstall(before), 'no temporary or extra files');
  }
});

test('postinstall is idempotent and repairs a damaged manifest; "VOLUME/" works like "VOLUME"', (t) => {
  const volume = volumeWithPayload(t);
  assert.equal(postinstall(volume).status, 0);
  const once = tree(volume);
  fs.writeFileSync(path.join(volume, '/Library/Google/Chrome/NativeMessagingHosts', MANIFEST), '{"name": "stale"');
  fs.chmodSync(path.join(volume, '/Library/Google/Chrome/NativeMessagingHosts', MANIFEST), 0o600);
  const r = postinstall(volume, null, `${volume}/`);
  assert.equal(r.status, 0, r.stderr);
  checkManifests(volume);
  assert.deepEqual(tree(volume), once);
});

test('postinstall fails with a clear message when the payload is not there', (t) => {
  const volume = emptyVolume(t);
  const r = postinstall(volume);
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr,
    `postinstall: ${volume}${HOST} is missing; the payload was not installed\n`,
  );
  assert.deepEqual(tree(volume), SKELETON.map((d) => `${d}/`), 'nothing written');

  const usage = run(null, POSTINSTALL, ['/tmp/Postguard.pkg', APP], volume);
  assert.equal(usage.status, 2);
  assert.equal(usage.stderr, 'usage: postinstall PACKAGE_PATH INSTALL_LOCATION TARGET_VOLUME\n');
});

test('uninstall.sh removes the payload, the manifests and the directories made for them, and forgets the receipt', (t) => {
  for (const shell of [null, 'bash']) {
    const volume = volumeWithPayload(t);
    assert.equal(postinstall(volume).status, 0);
    // As an admin runs it: the copy the package installed.
    const r = run(shell, path.join(volume, APP, 'uninstall.sh'), [volume], volume);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(tree(volume), SKELETON.map((d) => `${d}/`), 'the volume as it was before');
    assert.deepEqual(r.pkgutil, ['--volume', volume, '--forget', 'org.postguard.host']);
  }
});

test('uninstall.sh leaves what is not the package\'s', (t) => {
  const volume = volumeWithPayload(t);
  const theirs = [
    'Library/Google/Chrome/NativeMessagingHosts/com.example.other.json',
    'Library/Application Support/Mozilla/Extensions/readme.txt',
    'Library/Microsoft/Edge/policy.plist',
  ];
  for (const f of theirs) {
    fs.mkdirSync(path.dirname(path.join(volume, f)), { recursive: true });
    fs.writeFileSync(path.join(volume, f), 'theirs');
  }
  const before = tree(volume).filter((e) => !e.startsWith(`${APP.slice(1)}/`));  // minus the payload
  assert.equal(postinstall(volume).status, 0);
  const r = run(null, UNINSTALL, [volume], volume);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(tree(volume), before);
  for (const f of theirs) assert.equal(fs.readFileSync(path.join(volume, f), 'utf8'), 'theirs');
});

test('the scripts are executable, parse, and pass shellcheck', () => {
  const build = path.join(MACOS, 'build-pkg.sh');
  for (const [script, shell] of [[POSTINSTALL, 'sh'], [UNINSTALL, 'sh'], [build, 'bash']]) {
    assert.ok(fs.statSync(script).mode & 0o111, `${script} is executable`);
    assert.ok(fs.readFileSync(script, 'utf8').startsWith(`#!/bin/${shell}\n`), `${script}: #!/bin/${shell}`);
    execFileSync(shell, ['-n', script]);
    const r = spawnSync('shellcheck', ['--shell', shell, script], { encoding: 'utf8' });
    assert.equal(r.error, undefined, 'shellcheck is installed (scripts/install-deps.sh)');
    assert.equal(r.status, 0, r.stdout);
  }
});
