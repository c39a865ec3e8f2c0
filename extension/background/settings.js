// Postguard: effective settings for a compose box, from the administrator's managed values,
// the user's synced values and the policies the host offers (docs/extension.md, "Settings").
// Pure functions only; the background, options page and popup all use them, and
// tests/extension/settings.test.js checks the precedence.
//
// Adds `globalThis.Postguard.settings` (module.exports under Node).
(function (root) {
  "use strict";

  const protocol =
    (root.Postguard && root.Postguard.protocol) ||
    (typeof require === "function" ? require("../shared/protocol.js") : null);
  const { SITES, ROLES } = protocol;

  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const nonEmptyString = (v) => typeof v === "string" && v.trim() !== "";
  const isRole = (v) => ROLES.includes(v);
  const isSite = (v) => SITES.includes(v);

  /**
   * An account as stored and compared: trimmed, lower case, with one leading "@"
   * ("IsoCommittee" and "@isocommittee" are the same account). Returns null for anything
   * that is not a usable handle.
   */
  function normaliseAccount(account) {
    if (typeof account !== "string") return null;
    const bare = account.trim().replace(/^@+/, "").trim().toLowerCase();
    if (bare === "" || /\s/.test(bare)) return null;
    return "@" + bare;
  }

  /** Policy ids out of hello's `policies` (objects with `id`, or plain ids); null stays null. */
  function policyIds(hostPolicies) {
    if (!Array.isArray(hostPolicies)) return null;
    return hostPolicies
      .map((p) => (typeof p === "string" ? p : isObject(p) ? p.id : null))
      .filter(nonEmptyString);
  }

  /**
   * storage.managed as the extension trusts it. Chromium validates it against
   * managed_schema.json, Firefox does not validate it at all, so every field is checked here;
   * a field of the wrong type is dropped. Unknown keys are dropped.
   */
  function normaliseManaged(raw) {
    const out = {};
    if (!isObject(raw)) return out;
    if (nonEmptyString(raw.policy)) out.policy = raw.policy.trim();
    if (isRole(raw.role)) out.role = raw.role;
    if (Array.isArray(raw.allowedPolicies)) {
      out.allowedPolicies = [...new Set(raw.allowedPolicies.filter(nonEmptyString).map((s) => s.trim()))];
    }
    if (typeof raw.lockPolicy === "boolean") out.lockPolicy = raw.lockPolicy;
    return out;
  }

  /**
   * One per-account override, or null when it cannot be used (unknown site, no handle).
   * `policy`, `role` and `bioDisclaimer` are each kept only when valid; a missing one means
   * "as for the profile". With `knownPolicies` (ids), a policy id not among them is dropped.
   */
  function normaliseAccountOverride(raw, knownPolicies) {
    if (!isObject(raw) || !isSite(raw.site)) return null;
    const account = normaliseAccount(raw.account);
    if (!account) return null;
    const out = { site: raw.site, account };
    if (nonEmptyString(raw.policy) && (!knownPolicies || knownPolicies.includes(raw.policy.trim()))) {
      out.policy = raw.policy.trim();
    }
    if (isRole(raw.role)) out.role = raw.role;
    if (typeof raw.bioDisclaimer === "boolean") out.bioDisclaimer = raw.bioDisclaimer;
    return out;
  }

  /**
   * storage.sync as the extension trusts it: `policy`, `role`, `bioDisclaimer` (each only when
   * valid) and `accounts` (always an array; unusable rows dropped; for a site and account
   * given twice, the first row wins). Pass `{policies}` (hello's policies or ids) to also drop
   * policy ids the host does not offer; leave it out when the host is unknown, so that a
   * missing host never erases the user's choice.
   */
  function normaliseSync(raw, { policies } = {}) {
    const known = policyIds(policies);
    const out = { accounts: [] };
    if (!isObject(raw)) return out;
    if (nonEmptyString(raw.policy) && (!known || known.includes(raw.policy.trim()))) out.policy = raw.policy.trim();
    if (isRole(raw.role)) out.role = raw.role;
    if (typeof raw.bioDisclaimer === "boolean") out.bioDisclaimer = raw.bioDisclaimer;
    if (Array.isArray(raw.accounts)) {
      const seen = new Set();
      for (const row of raw.accounts) {
        const a = normaliseAccountOverride(row, known);
        if (!a) continue;
        const key = a.site + " " + a.account;
        if (seen.has(key)) continue;
        seen.add(key);
        out.accounts.push(a);
      }
    }
    return out;
  }

  /** The override for this site and account from normalised sync values, or null. */
  function findAccountOverride(sync, site, account) {
    const handle = normaliseAccount(account);
    if (!handle || !isSite(site) || !isObject(sync) || !Array.isArray(sync.accounts)) return null;
    return sync.accounts.find((a) => isObject(a) && a.site === site && normaliseAccount(a.account) === handle) || null;
  }

  /**
   * The settings that apply to one compose box (docs/extension.md, "Settings"):
   *
   * 1. policy: `managed.policy` for every account when `managed.lockPolicy` is set with it.
   *    Otherwise the first of the account override's policy, `managed.policy`, `sync.policy`
   *    and the host's policies in hello order that is in `managed.allowedPolicies` (when set)
   *    and offered by the host (when `hostPolicies` is known). null if none is.
   * 2. role: the account override's role (unless `managed.lockPolicy` and `managed.role`), then
   *    `managed.role`, `sync.role`, "personal".
   * 3. bioDisclaimer: the account override's value, else `sync.bioDisclaimer`, else false.
   *
   * `managed` and `sync` may be raw storage objects (they are normalised here); `site` and
   * `account` may be null (profile level: no override applies); `hostPolicies` is hello's
   * `policies` (or ids), or null when the host is not known.
   *
   * Returns {policy, role, bioDisclaimer, source: {policy, role, bioDisclaimer}, locked}:
   * `source` says which value won ("managed-lock", "account", "managed", "sync", "host",
   * "default"); `locked.policy`/`locked.role` are true when an administrator's value decided
   * them (so the profile-level control is shown locked); `locked.accountPolicy` /
   * `locked.accountRole` are true when account overrides of that field are ignored.
   */
  function effectiveSettings(managed, sync, site, account, hostPolicies) {
    const m = normaliseManaged(managed);
    const s = normaliseSync(sync);
    const override = findAccountOverride(s, site, account);
    const offered = policyIds(hostPolicies);
    const allowed = m.allowedPolicies || null;
    const lockPolicy = m.lockPolicy === true && !!m.policy;
    const lockRole = m.lockPolicy === true && !!m.role;

    // 1. policy
    let policy = null;
    let policySource = null;
    if (lockPolicy) {
      policy = m.policy;
      policySource = "managed-lock";
    } else {
      const usable = (id) => nonEmptyString(id) && (!allowed || allowed.includes(id)) && (!offered || offered.includes(id));
      const candidates = [
        [override && override.policy, "account"],
        [m.policy, "managed"],
        [s.policy, "sync"],
        ...(offered || []).map((id) => [id, "host"]),
      ];
      for (const [id, source] of candidates) {
        if (usable(id)) {
          policy = id;
          policySource = source;
          break;
        }
      }
    }

    // 2. role
    let role = "personal";
    let roleSource = "default";
    if (!lockRole && override && isRole(override.role)) {
      role = override.role;
      roleSource = "account";
    } else if (m.role) {
      role = m.role;
      roleSource = lockRole ? "managed-lock" : "managed";
    } else if (s.role) {
      role = s.role;
      roleSource = "sync";
    }

    // 3. bioDisclaimer
    let bioDisclaimer = false;
    let bioSource = "default";
    if (override && typeof override.bioDisclaimer === "boolean") {
      bioDisclaimer = override.bioDisclaimer;
      bioSource = "account";
    } else if (typeof s.bioDisclaimer === "boolean") {
      bioDisclaimer = s.bioDisclaimer;
      bioSource = "sync";
    }

    return {
      policy,
      role,
      bioDisclaimer,
      source: { policy: policySource, role: roleSource, bioDisclaimer: bioSource },
      locked: {
        policy: policySource === "managed-lock" || policySource === "managed",
        role: roleSource === "managed-lock" || roleSource === "managed",
        accountPolicy: lockPolicy,
        accountRole: lockRole,
      },
    };
  }

  /**
   * The policies a user may pick in the options page or popup: the host's, in hello order,
   * limited to `managed.allowedPolicies` when set. Each is hello's object ({id, name, ...}).
   */
  function selectablePolicies(managed, hostPolicies) {
    const m = normaliseManaged(managed);
    if (!Array.isArray(hostPolicies)) return [];
    return hostPolicies
      .map((p) => (typeof p === "string" ? { id: p, name: p } : p))
      .filter((p) => isObject(p) && nonEmptyString(p.id) && (!m.allowedPolicies || m.allowedPolicies.includes(p.id)));
  }

  const settings = Object.freeze({
    normaliseAccount,
    normaliseManaged,
    normaliseSync,
    normaliseAccountOverride,
    findAccountOverride,
    effectiveSettings,
    selectablePolicies,
    policyIds,
  });

  root.Postguard = root.Postguard || {};
  root.Postguard.settings = settings;
  if (typeof module !== "undefined" && module.exports) module.exports = settings;
})(globalThis);
