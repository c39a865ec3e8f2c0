// Checks the host manifest templates (manifests/) and the enterprise policy templates
// (installers/enterprise/): they parse, name the right host and extension ids, and set exactly
// the managed options of extension/managed_schema.json with values valid against it.
//
//   node --test tests/installers/
//
// No dependencies: JSON.parse, a small XML well-formedness check and a plist reader for the
// few plist types the profile uses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (rel) => fs.readFileSync(path.join(REPO, rel), 'utf8');
const readJson = (rel) => JSON.parse(read(rel));

const HOST = 'org.postguard.host';
const CHROMIUM_ID = 'acmnpiifhpicdffioflpmeemfieahodg';
const GECKO_ID = 'postguard@postguard.org';
const ORIGIN = `chrome-extension://${CHROMIUM_ID}/`;
const POLICY_IDS = ['isoiec-committee', 'iso-staff', 'iet', 'iom', 'ico'];
const ROLES = ['personal', 'official'];
const SCHEMA = readJson('extension/managed_schema.json');
const MANAGED_KEYS = Object.keys(SCHEMA.properties).sort();
const EXAMPLE = { policy: 'iet', role: 'personal', allowedPolicies: ['iet'], lockPolicy: true };
const PLACEHOLDER_HOST = 'REPLACE-WITH-YOUR-SERVER.invalid';

// ---------------------------------------------------------------------------------------
// Helpers

// Managed options must be exactly the schema's keys, each valid against it, and our ids.
function checkManaged(settings, where) {
  assert.deepEqual(Object.keys(settings).sort(), MANAGED_KEYS, `${where}: managed keys`);
  for (const [key, value] of Object.entries(settings)) {
    const schema = SCHEMA.properties[key];
    if (schema.type === 'array') {
      assert.ok(Array.isArray(value), `${where}: ${key} is an array`);
      for (const item of value) assert.equal(typeof item, schema.items.type, `${where}: ${key} items`);
    } else {
      assert.equal(typeof value, schema.type, `${where}: ${key} type`);
    }
    if (schema.enum) assert.ok(schema.enum.includes(value), `${where}: ${key} in enum`);
  }
  assert.ok(POLICY_IDS.includes(settings.policy), `${where}: policy id`);
  assert.ok(ROLES.includes(settings.role), `${where}: role`);
  for (const id of settings.allowedPolicies) assert.ok(POLICY_IDS.includes(id), `${where}: allowed id ${id}`);
  assert.ok(settings.allowedPolicies.includes(settings.policy), `${where}: the locked policy is allowed`);
  assert.deepEqual(settings, EXAMPLE, `${where}: the documented example values`);
}

function checkForcelist(list, where) {
  assert.ok(Array.isArray(list) && list.length === 1, `${where}: one forcelist entry`);
  const [id, url] = list[0].split(';');
  assert.equal(id, CHROMIUM_ID, `${where}: forcelist id`);
  assert.match(url, /^https:\/\//, `${where}: forcelist update URL`);
  assert.ok(url.includes(PLACEHOLDER_HOST), `${where}: update URL is the placeholder to replace`);
}

// A small XML well-formedness check: one root, balanced tags, quoted attributes, no stray
// '<' or '&'. Enough to catch a broken template; not a validating parser.
function checkWellFormedXml(text, where) {
  let s = text.replace(/^\uFEFF/, '');
  s = s.replace(/^<\?xml[^?]*\?>/, '');
  const stack = [];
  let roots = 0;
  let i = 0;
  const NAME = '[A-Za-z_:][-A-Za-z0-9_.:]*';
  const ATTR = `\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*')`;
  const open = new RegExp(`^<(${NAME})((?:${ATTR})*)\\s*(/?)>`);
  const close = new RegExp(`^</(${NAME})\\s*>`);
  const checkText = (t) => {
    assert.ok(!/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(t), `${where}: bare & in "${t.slice(0, 40)}"`);
  };
  while (i < s.length) {
    const rest = s.slice(i);
    if (rest.startsWith('<!--')) {
      const end = rest.indexOf('-->');
      assert.ok(end > 0, `${where}: unterminated comment`);
      assert.ok(!rest.slice(4, end).includes('--'), `${where}: "--" inside a comment`);
      i += end + 3;
    } else if (rest.startsWith('<!DOCTYPE')) {
      assert.equal(stack.length, 0, `${where}: DOCTYPE inside an element`);
      i += rest.indexOf('>') + 1;
    } else if (rest.startsWith('</')) {
      const m = close.exec(rest);
      assert.ok(m, `${where}: bad end tag at ${i}`);
      assert.equal(stack.pop(), m[1], `${where}: mismatched </${m[1]}> at ${i}`);
      i += m[0].length;
    } else if (rest.startsWith('<')) {
      const m = open.exec(rest);
      assert.ok(m, `${where}: bad start tag at ${i}: ${rest.slice(0, 60)}`);
      if (stack.length === 0) roots += 1;
      if (!m[3]) stack.push(m[1]);
      i += m[0].length;
    } else {
      const next = rest.indexOf('<');
      const t = next < 0 ? rest : rest.slice(0, next);
      if (stack.length === 0) assert.equal(t.trim(), '', `${where}: text outside the root`);
      checkText(t);
      i += t.length;
    }
  }
  assert.equal(stack.length, 0, `${where}: unclosed <${stack.at(-1)}>`);
  assert.equal(roots, 1, `${where}: exactly one root element`);
}

// Reads the plist subset the profile uses (dict, array, string, integer, true, false).
function parsePlist(text) {
  const tokens = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?xml[^>]*>|<!DOCTYPE[^>]*>/g, '')
    .match(/<[^>]+>|[^<]+/g).filter((t) => t.trim() !== '' || false);
  let i = 0;
  const unescape = (t) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const textUntil = (endTag) => {
    let t = '';
    while (tokens[i] !== endTag) t += tokens[i++];
    i += 1;
    return unescape(t);
  };
  const value = () => {
    const tag = tokens[i++];
    if (tag === '<dict>') {
      const out = {};
      while (tokens[i] !== '</dict>') {
        assert.equal(tokens[i++], '<key>');
        const k = textUntil('</key>');
        out[k] = value();
      }
      i += 1;
      return out;
    }
    if (tag === '<array>') {
      const out = [];
      while (tokens[i] !== '</array>') out.push(value());
      i += 1;
      return out;
    }
    if (tag === '<string>') return textUntil('</string>');
    if (tag === '<string/>') return '';
    if (tag === '<integer>') return Number(textUntil('</integer>'));
    if (tag === '<true/>') return true;
    if (tag === '<false/>') return false;
    throw new Error(`unsupported plist token ${tag}`);
  };
  assert.equal(tokens[i++], '<plist version="1.0">');
  const root = value();
  assert.equal(tokens[i], '</plist>');
  return root;
}

// Parses a .reg file into { key: { valueName: value } } (REG_SZ strings and dwords only).
function parseReg(text) {
  const lines = text.split('\r\n');
  const keys = {};
  let current = null;
  for (const line of lines.slice(1)) {
    if (line === '' || line.startsWith(';')) continue;
    let m = /^\[([^\]]+)\]$/.exec(line);
    if (m) { current = keys[m[1]] = keys[m[1]] || {}; continue; }
    m = /^"([^"]*)"=(?:"((?:[^"\\]|\\.)*)"|dword:([0-9a-f]{8}))$/.exec(line);
    assert.ok(m && current, `unparsed .reg line: ${line}`);
    current[m[1]] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : parseInt(m[3], 16);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------
// Host manifests

test('host manifests: exactly the keys each browser family allows', () => {
  const chromium = readJson('manifests/chromium/org.postguard.host.json');
  const firefox = readJson('manifests/firefox/org.postguard.host.json');
  assert.deepEqual(Object.keys(chromium).sort(), ['allowed_origins', 'description', 'name', 'path', 'type']);
  assert.deepEqual(Object.keys(firefox).sort(), ['allowed_extensions', 'description', 'name', 'path', 'type']);
  for (const m of [chromium, firefox]) {
    assert.equal(m.name, HOST);
    assert.match(m.name, /^[a-z0-9_]+(\.[a-z0-9_]+)*$/); // Chromium's rule; stricter than Firefox's
    assert.equal(m.type, 'stdio');
    assert.ok(m.description.length > 0);
    // CMake's configure_file(@ONLY) or the installer replaces it with an absolute path.
    assert.equal(m.path, '@POSTGUARD_HOST_PATH@');
  }
  assert.deepEqual(chromium.allowed_origins, [ORIGIN]);
  assert.ok(chromium.allowed_origins[0].endsWith('/'), 'Chromium needs the trailing slash');
  assert.deepEqual(firefox.allowed_extensions, [GECKO_ID]);
});

test('host manifests: the extension ids match the extension and the e2e harness', () => {
  const ext = readJson('extension/manifest.json');
  assert.equal(ext.browser_specific_settings.gecko.id, GECKO_ID);
  const harness = read('tests/e2e/harness.mjs');
  assert.ok(harness.includes(`CHROMIUM_ID = '${CHROMIUM_ID}'`));
  assert.ok(harness.includes(`HOST_NAME = '${HOST}'`));
});

test('host manifests: filled in, they are what the browsers read', () => {
  for (const family of ['chromium', 'firefox']) {
    const text = read(`manifests/${family}/org.postguard.host.json`)
      .replace('@POSTGUARD_HOST_PATH@', '/usr/lib/postguard/postguard-host');
    const m = JSON.parse(text);
    assert.ok(path.isAbsolute(m.path));
  }
});

// ---------------------------------------------------------------------------------------
// Chromium-family JSON policies (Linux)

for (const browser of ['chrome', 'chromium', 'edge', 'brave']) {
  test(`linux/${browser}-policy.json: forcelist, native messaging allowlist, managed options`, () => {
    const p = readJson(`installers/enterprise/linux/${browser}-policy.json`);
    assert.deepEqual(Object.keys(p).sort(), ['3rdparty', 'ExtensionInstallForcelist', 'NativeMessagingAllowlist']);
    checkForcelist(p.ExtensionInstallForcelist, browser);
    assert.deepEqual(p.NativeMessagingAllowlist, [HOST]);
    // The shape tests/e2e/harness.mjs writes for Chromium (lowercase "extensions").
    assert.deepEqual(Object.keys(p['3rdparty']), ['extensions']);
    assert.deepEqual(Object.keys(p['3rdparty'].extensions), [CHROMIUM_ID]);
    checkManaged(p['3rdparty'].extensions[CHROMIUM_ID], browser);
  });
}

// ---------------------------------------------------------------------------------------
// Firefox policies.json

test('firefox/policies.json: force-installs the add-on and sets its managed options', () => {
  const p = readJson('installers/enterprise/firefox/policies.json');
  assert.deepEqual(Object.keys(p), ['policies']);
  assert.deepEqual(Object.keys(p.policies).sort(), ['3rdparty', 'ExtensionSettings']);
  const s = p.policies.ExtensionSettings[GECKO_ID];
  assert.equal(s.installation_mode, 'force_installed');
  assert.match(s.install_url, /^https:\/\/.*\.xpi$/);
  assert.ok(s.install_url.includes(PLACEHOLDER_HOST));
  // The shape tests/e2e/harness.mjs writes for Firefox (capital "Extensions").
  assert.deepEqual(Object.keys(p.policies['3rdparty']), ['Extensions']);
  assert.deepEqual(Object.keys(p.policies['3rdparty'].Extensions), [GECKO_ID]);
  checkManaged(p.policies['3rdparty'].Extensions[GECKO_ID], 'firefox');
  // Firefox has no NativeMessagingAllowlist policy (not in Firefox ESR 153's policy schema);
  // an unknown policy would only show up as an error in about:policies.
  assert.ok(!('NativeMessagingAllowlist' in p.policies));
});

// ---------------------------------------------------------------------------------------
// Windows .reg

test('windows/postguard.reg: header, key paths and values for Chrome, Edge and Chromium', () => {
  const raw = fs.readFileSync(path.join(REPO, 'installers/enterprise/windows/postguard.reg'));
  const text = raw.toString('latin1');
  assert.ok(text.startsWith('Windows Registry Editor Version 5.00\r\n\r\n'), 'header then a blank line');
  assert.ok(!/[^\r]\n/.test(text), 'CRLF line endings');
  assert.ok(/^[\x09\x0a\x0d\x20-\x7e]*$/.test(text), 'plain ASCII');
  const keys = parseReg(text);
  const expected = {};
  for (const root of ['Google\\Chrome', 'Microsoft\\Edge', 'Chromium']) {
    const base = `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${root}`;
    const ext = `${base}\\3rdparty\\extensions\\${CHROMIUM_ID}\\policy`;
    expected[`${base}\\ExtensionInstallForcelist`] = { 1: keys[`${base}\\ExtensionInstallForcelist`]?.['1'] };
    expected[`${base}\\NativeMessagingAllowlist`] = { 1: HOST };
    expected[ext] = { policy: 'iet', role: 'personal', lockPolicy: 1 };
    expected[`${ext}\\allowedPolicies`] = { 1: 'iet' };
    checkForcelist([keys[`${base}\\ExtensionInstallForcelist`]['1']], root);
    // Back to the managed options, as Chromium's registry_dict.cc converts them.
    checkManaged({
      policy: keys[ext].policy,
      role: keys[ext].role,
      allowedPolicies: Object.entries(keys[`${ext}\\allowedPolicies`]).map(([, v]) => v),
      lockPolicy: keys[ext].lockPolicy !== 0,
    }, root);
  }
  assert.deepEqual(keys, expected);
});

// ---------------------------------------------------------------------------------------
// ADMX / ADML

test('windows/admx: well-formed, every managed option for Chrome and Edge, strings defined', () => {
  const admx = read('installers/enterprise/windows/admx/postguard.admx');
  const adml = read('installers/enterprise/windows/admx/en-US/postguard.adml');
  checkWellFormedXml(admx, 'postguard.admx');
  checkWellFormedXml(adml, 'postguard.adml');
  for (const root of ['Software\\Policies\\Google\\Chrome', 'Software\\Policies\\Microsoft\\Edge']) {
    const key = `${root}\\3rdparty\\extensions\\${CHROMIUM_ID}\\policy`;
    assert.ok(admx.includes(`key="${key}"`), `${root}: policy key`);
    assert.ok(admx.includes(`key="${key}\\allowedPolicies"`), `${root}: list key`);
  }
  // Registry value names written by the ADMX: exactly the managed options (allowedPolicies is
  // the list's subkey).
  const valueNames = new Set([...admx.matchAll(/valueName="([^"]+)"/g)].map((m) => m[1]));
  const listKeys = new Set([...admx.matchAll(/<list id="[^"]+" key="[^"]*\\([^"\\]+)"/g)].map((m) => m[1]));
  assert.deepEqual([...valueNames, ...listKeys].sort(), MANAGED_KEYS);
  // Enum values: every policy id and role, nothing else.
  const strings = [...admx.matchAll(/<string>([^<]+)<\/string>/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(strings)].sort(), [...POLICY_IDS, ...ROLES].sort());
  // Every $(string.X) and $(presentation.X) the ADMX uses is defined in the ADML, and back.
  const used = (kind) => new Set([...admx.matchAll(new RegExp(`\\$\\(${kind}\\.([A-Za-z0-9_]+)\\)`, 'g'))].map((m) => m[1]));
  const defined = (tag) => new Set([...adml.matchAll(new RegExp(`<${tag} id="([A-Za-z0-9_]+)"`, 'g'))].map((m) => m[1]));
  assert.deepEqual([...used('string')].sort(), [...defined('string')].sort());
  assert.deepEqual([...used('presentation')].sort(), [...defined('presentation')].sort());
  // Presentation refIds point at elements of the ADMX.
  const elementIds = new Set([...admx.matchAll(/<(?:enum|list|text|decimal|boolean) id="([^"]+)"/g)].map((m) => m[1]));
  for (const m of adml.matchAll(/refId="([^"]+)"/g)) assert.ok(elementIds.has(m[1]), `refId ${m[1]}`);
});

// ---------------------------------------------------------------------------------------
// macOS configuration profile

test('macos/org.postguard.mobileconfig: Chrome, Edge and Firefox payloads', () => {
  const text = read('installers/enterprise/macos/org.postguard.mobileconfig');
  checkWellFormedXml(text, 'mobileconfig');
  const profile = parsePlist(text);
  assert.equal(profile.PayloadType, 'Configuration');
  const byType = Object.fromEntries(profile.PayloadContent.map((p) => [p.PayloadType, p]));
  assert.deepEqual(Object.keys(byType).sort(), [
    'com.google.Chrome', `com.google.Chrome.extensions.${CHROMIUM_ID}`,
    'com.microsoft.Edge', `com.microsoft.Edge.extensions.${CHROMIUM_ID}`,
    'org.mozilla.firefox',
  ].sort());
  const uuids = [profile.PayloadUUID, ...profile.PayloadContent.map((p) => p.PayloadUUID)];
  assert.equal(new Set(uuids).size, uuids.length, 'unique PayloadUUIDs');
  const strip = (p) => Object.fromEntries(Object.entries(p).filter(([k]) => !k.startsWith('Payload')));
  for (const bid of ['com.google.Chrome', 'com.microsoft.Edge']) {
    const browser = strip(byType[bid]);
    assert.deepEqual(Object.keys(browser).sort(), ['ExtensionInstallForcelist', 'NativeMessagingAllowlist']);
    checkForcelist(browser.ExtensionInstallForcelist, bid);
    assert.deepEqual(browser.NativeMessagingAllowlist, [HOST]);
    checkManaged(strip(byType[`${bid}.extensions.${CHROMIUM_ID}`]), `${bid} extension domain`);
  }
  const ff = strip(byType['org.mozilla.firefox']);
  assert.deepEqual(Object.keys(ff).sort(), ['3rdparty', 'EnterprisePoliciesEnabled', 'ExtensionSettings']);
  assert.equal(ff.EnterprisePoliciesEnabled, true);
  // Same policies as firefox/policies.json.
  const json = readJson('installers/enterprise/firefox/policies.json').policies;
  assert.deepEqual(ff.ExtensionSettings, json.ExtensionSettings);
  assert.deepEqual(ff['3rdparty'], json['3rdparty']);
});

// ---------------------------------------------------------------------------------------
// The XML checker itself rejects broken documents.

test('the XML well-formedness check rejects broken XML', () => {
  assert.throws(() => checkWellFormedXml('<a><b></a></b>', 't'));
  assert.throws(() => checkWellFormedXml('<a x=1/>', 't'));
  assert.throws(() => checkWellFormedXml('<a>x & y</a>', 't'));
  assert.throws(() => checkWellFormedXml('<a/><b/>', 't'));
  assert.throws(() => checkWellFormedXml('<a>', 't'));
  checkWellFormedXml('<?xml version="1.0"?>\n<!-- c --><a x="1"><b/>t &amp; u</a>\n', 't');
});
