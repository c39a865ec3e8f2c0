"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const S = require("../../extension/background/settings.js");

const HOST = [
  { id: "iet", name: "IET", rules: 25 },
  { id: "iom", name: "IOM", rules: 35 },
  { id: "iso-staff", name: "ISO staff", rules: 23 },
];
const eff = (managed, sync, site = "twitter", account = "@me", host = HOST) => S.effectiveSettings(managed, sync, site, account, host);
const pick = (e) => [e.policy, e.role, e.bioDisclaimer];

test("defaults: nothing stored -> the host's first policy, personal, no bio disclaimer", () => {
  const e = eff({}, {});
  assert.deepEqual(pick(e), ["iet", "personal", false]);
  assert.deepEqual(e.source, { policy: "host", role: "default", bioDisclaimer: "default" });
  assert.deepEqual(e.locked, { policy: false, role: false, accountPolicy: false, accountRole: false });
  // undefined / null / junk storage behaves like empty storage
  assert.deepEqual(pick(eff(undefined, undefined)), ["iet", "personal", false]);
  assert.deepEqual(pick(eff(null, null)), ["iet", "personal", false]);
  assert.deepEqual(pick(eff("x", [1, 2])), ["iet", "personal", false]);
});

test("no host policies known and nothing stored -> no policy", () => {
  assert.equal(eff({}, {}, "twitter", null, null).policy, null);
  assert.equal(eff({}, {}, "twitter", null, []).policy, null);
});

test("sync values apply to the profile", () => {
  const e = eff({}, { policy: "iom", role: "official", bioDisclaimer: true });
  assert.deepEqual(pick(e), ["iom", "official", true]);
  assert.deepEqual(e.source, { policy: "sync", role: "sync", bioDisclaimer: "sync" });
});

test("managed.policy without lock beats sync.policy but not an account override", () => {
  const sync = { policy: "iom", accounts: [{ site: "twitter", account: "@work", policy: "iso-staff" }] };
  const m = { policy: "iet" };
  const profile = eff(m, sync, "twitter", "@me");
  assert.equal(profile.policy, "iet");
  assert.equal(profile.source.policy, "managed");
  assert.equal(profile.locked.policy, true, "profile-level control shown locked");
  assert.equal(profile.locked.accountPolicy, false);
  const work = eff(m, sync, "twitter", "@work");
  assert.equal(work.policy, "iso-staff");
  assert.equal(work.source.policy, "account");
  assert.equal(work.locked.policy, false);
});

test("managed.lockPolicy with managed.policy: that policy for every account", () => {
  const sync = { policy: "iom", accounts: [{ site: "twitter", account: "@work", policy: "iso-staff", role: "official" }] };
  const m = { policy: "iet", lockPolicy: true };
  for (const account of ["@me", "@work", null]) {
    const e = eff(m, sync, "twitter", account);
    assert.equal(e.policy, "iet", String(account));
    assert.equal(e.source.policy, "managed-lock");
    assert.equal(e.locked.policy, true);
    assert.equal(e.locked.accountPolicy, true);
  }
  // The lock covers the policy only; the account's role still applies (no managed.role).
  assert.equal(eff(m, sync, "twitter", "@work").role, "official");
  assert.equal(eff(m, sync, "twitter", "@work").locked.accountRole, false);
});

test("a locked managed policy is used even if not offered by the host or allowed", () => {
  const e = eff({ policy: "corp", lockPolicy: true, allowedPolicies: ["iet"] }, { policy: "iet" });
  assert.equal(e.policy, "corp");
  assert.equal(e.source.policy, "managed-lock");
});

test("lockPolicy without managed.policy locks nothing", () => {
  const e = eff({ lockPolicy: true }, { policy: "iom", role: "official" });
  assert.deepEqual(pick(e), ["iom", "official", false]);
  assert.deepEqual(e.locked, { policy: false, role: false, accountPolicy: false, accountRole: false });
});

test("allowedPolicies skips every candidate that is not allowed, including the host default", () => {
  const sync = { policy: "iet", accounts: [{ site: "twitter", account: "@work", policy: "iet" }] };
  const m = { allowedPolicies: ["iom", "iso-staff"] };
  assert.equal(eff(m, sync, "twitter", "@work").policy, "iom", "account and sync skipped; first allowed host policy");
  assert.equal(eff(m, sync, "twitter", "@work").source.policy, "host");
  assert.equal(eff(m, { policy: "iso-staff" }).policy, "iso-staff");
  assert.equal(eff({ policy: "iet", allowedPolicies: ["iom"] }, {}).policy, "iom", "a not-allowed managed.policy is skipped too");
  assert.equal(eff({ policy: "iet", allowedPolicies: ["iom"] }, {}).locked.policy, false);
  assert.equal(eff({ allowedPolicies: ["corp"] }, { policy: "iet" }).policy, null, "nothing allowed is installed");
  assert.equal(eff({ allowedPolicies: [] }, { policy: "iet" }).policy, null, "an empty list allows nothing");
});

test("a policy the host does not offer is skipped at every level", () => {
  const sync = { policy: "gone", accounts: [{ site: "twitter", account: "@me", policy: "also-gone" }] };
  assert.equal(eff({}, sync).policy, "iet");
  assert.equal(eff({ policy: "missing" }, sync).policy, "iet");
  assert.equal(eff({ policy: "missing" }, { ...sync, policy: "iom" }).policy, "iom");
  // Host unknown (null): nothing is skipped for not being offered.
  assert.equal(eff({}, sync, "twitter", "@me", null).policy, "also-gone");
  // Host policies as plain ids work too.
  assert.equal(eff({}, { policy: "iom" }, "twitter", null, ["iet", "iom"]).policy, "iom");
});

test("account overrides: matched by site and handle, case-insensitively, with or without @", () => {
  const sync = {
    policy: "iet",
    role: "personal",
    bioDisclaimer: false,
    accounts: [
      { site: "twitter", account: "@IsoCommittee", policy: "iso-staff", role: "official", bioDisclaimer: true },
      { site: "linkedin", account: "@isocommittee", policy: "iom" },
    ],
  };
  assert.deepEqual(pick(eff({}, sync, "twitter", "@isocommittee")), ["iso-staff", "official", true]);
  assert.deepEqual(pick(eff({}, sync, "twitter", "isocommittee")), ["iso-staff", "official", true]);
  assert.deepEqual(pick(eff({}, sync, "twitter", " @ISOCOMMITTEE ")), ["iso-staff", "official", true]);
  assert.deepEqual(pick(eff({}, sync, "linkedin", "@isocommittee")), ["iom", "personal", false], "only the fields it sets");
  assert.deepEqual(pick(eff({}, sync, "facebook", "@isocommittee")), ["iet", "personal", false], "other site: no override");
  assert.deepEqual(pick(eff({}, sync, "twitter", "@someone")), ["iet", "personal", false]);
  assert.deepEqual(pick(eff({}, sync, "twitter", null)), ["iet", "personal", false], "unknown account: profile");
  assert.deepEqual(pick(eff({}, sync, null, null)), ["iet", "personal", false], "profile level");
});

test("role: account override, unless lockPolicy and managed.role; then managed.role, sync.role, personal", () => {
  const sync = { role: "official", accounts: [{ site: "facebook", account: "@me", role: "personal" }] };
  assert.equal(eff({}, sync, "facebook", "@me").role, "personal");
  assert.equal(eff({}, sync, "facebook", "@other").role, "official");
  assert.equal(eff({}, {}, "facebook", "@me").role, "personal");

  const m = { role: "official" };
  const a = eff(m, sync, "facebook", "@me");
  assert.equal(a.role, "personal", "account beats managed.role without lock");
  assert.equal(a.source.role, "account");
  const p = eff(m, { role: "personal" }, "facebook", "@other");
  assert.equal(p.role, "official", "managed.role beats sync.role");
  assert.equal(p.source.role, "managed");
  assert.equal(p.locked.role, true);

  const locked = eff({ role: "official", lockPolicy: true }, sync, "facebook", "@me");
  assert.equal(locked.role, "official", "lockPolicy with managed.role overrides the account");
  assert.equal(locked.source.role, "managed-lock");
  assert.equal(locked.locked.role, true);
  assert.equal(locked.locked.accountRole, true);
  assert.equal(locked.locked.accountPolicy, false, "no managed.policy: the policy is not locked");
});

test("invalid role values are ignored at every level", () => {
  const sync = { role: "boss", accounts: [{ site: "twitter", account: "@me", role: "Official" }] };
  const e = eff({ role: "admin" }, sync);
  assert.equal(e.role, "personal");
  assert.equal(e.source.role, "default");
});

test("bioDisclaimer: account override (true or false), else sync, else false; managed has none", () => {
  const sync = {
    bioDisclaimer: true,
    accounts: [
      { site: "twitter", account: "@a", bioDisclaimer: false },
      { site: "twitter", account: "@b" },
    ],
  };
  assert.equal(eff({}, sync, "twitter", "@a").bioDisclaimer, false);
  assert.equal(eff({}, sync, "twitter", "@a").source.bioDisclaimer, "account");
  assert.equal(eff({}, sync, "twitter", "@b").bioDisclaimer, true);
  assert.equal(eff({}, sync, "twitter", "@b").source.bioDisclaimer, "sync");
  assert.equal(eff({}, {}, "twitter", "@b").bioDisclaimer, false);
  assert.equal(eff({}, { bioDisclaimer: "yes" }).bioDisclaimer, false, "not a boolean: ignored");
  assert.equal(eff({ bioDisclaimer: true }, {}).bioDisclaimer, false, "not a managed key");
});

test("the full table: every level present", () => {
  const managed = { policy: "iom", role: "official", allowedPolicies: ["iet", "iom", "iso-staff"] };
  const sync = {
    policy: "iet",
    role: "personal",
    bioDisclaimer: true,
    accounts: [{ site: "twitter", account: "@acct", policy: "iso-staff", role: "personal", bioDisclaimer: false }],
  };
  assert.deepEqual(pick(eff(managed, sync, "twitter", "@acct")), ["iso-staff", "personal", false]);
  assert.deepEqual(pick(eff(managed, sync, "twitter", "@other")), ["iom", "official", true]);
  assert.deepEqual(pick(eff({ ...managed, lockPolicy: true }, sync, "twitter", "@acct")), ["iom", "official", false]);
});

test("normaliseAccount", () => {
  assert.equal(S.normaliseAccount("@IsoCommittee"), "@isocommittee");
  assert.equal(S.normaliseAccount("isocommittee"), "@isocommittee");
  assert.equal(S.normaliseAccount("  @@iso  "), "@iso");
  assert.equal(S.normaliseAccount(""), null);
  assert.equal(S.normaliseAccount("@"), null);
  assert.equal(S.normaliseAccount("two words"), null);
  assert.equal(S.normaliseAccount(null), null);
  assert.equal(S.normaliseAccount(42), null);
});

test("normaliseManaged keeps only the four keys, each of the right type", () => {
  assert.deepEqual(S.normaliseManaged({ policy: " iet ", role: "official", allowedPolicies: ["iet", "", 3, "iet", "iom"], lockPolicy: true, extra: 1 }), {
    policy: "iet",
    role: "official",
    allowedPolicies: ["iet", "iom"],
    lockPolicy: true,
  });
  assert.deepEqual(S.normaliseManaged({ policy: "", role: "boss", allowedPolicies: "iet", lockPolicy: "true" }), {});
  assert.deepEqual(S.normaliseManaged(undefined), {});
  assert.deepEqual(S.normaliseManaged([]), {});
});

test("normaliseSync drops bad values, unusable rows and duplicate accounts", () => {
  const raw = {
    policy: "iet",
    role: "personal",
    bioDisclaimer: true,
    other: "x",
    accounts: [
      { site: "twitter", account: "IsoCommittee", policy: "iso-staff", role: "official", bioDisclaimer: true, note: 1 },
      { site: "twitter", account: "@isocommittee", policy: "iom" }, // duplicate: first wins
      { site: "myspace", account: "@a" },
      { site: "facebook", account: "" },
      { site: "facebook", account: "@b", policy: "", role: "boss", bioDisclaimer: "no" },
      "junk",
      null,
    ],
  };
  assert.deepEqual(S.normaliseSync(raw), {
    policy: "iet",
    role: "personal",
    bioDisclaimer: true,
    accounts: [
      { site: "twitter", account: "@isocommittee", policy: "iso-staff", role: "official", bioDisclaimer: true },
      { site: "facebook", account: "@b" },
    ],
  });
  assert.deepEqual(S.normaliseSync({}), { accounts: [] });
  assert.deepEqual(S.normaliseSync(null), { accounts: [] });
  assert.deepEqual(S.normaliseSync({ accounts: "x", role: 3, bioDisclaimer: 1 }), { accounts: [] });
});

test("normaliseSync with the host's policies drops unknown policy ids (rows stay)", () => {
  const raw = { policy: "gone", accounts: [{ site: "twitter", account: "@a", policy: "gone", role: "official" }] };
  assert.deepEqual(S.normaliseSync(raw, { policies: HOST }), {
    accounts: [{ site: "twitter", account: "@a", role: "official" }],
  });
  assert.deepEqual(S.normaliseSync(raw).policy, "gone", "host unknown: kept");
});

test("selectablePolicies: the host's, limited to allowedPolicies", () => {
  assert.deepEqual(S.selectablePolicies({}, HOST).map((p) => p.id), ["iet", "iom", "iso-staff"]);
  assert.deepEqual(S.selectablePolicies({ allowedPolicies: ["iso-staff", "iet", "corp"] }, HOST).map((p) => p.id), ["iet", "iso-staff"]);
  assert.deepEqual(S.selectablePolicies({}, null), []);
});
