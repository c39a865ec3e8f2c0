// Postguard options page: host status, this profile's policy/role/bio disclaimer, and
// per-account overrides. Reads everything through the background (options:get-state), writes
// storage.sync directly (keys policy, role, bioDisclaimer, accounts; docs/extension.md) and
// saves each change at once. Values the administrator set are shown disabled with
// "Set by your organisation".
(function (root) {
  "use strict";

  const { protocol, settings, ui } = root.Postguard;
  const { el } = ui;
  const $ = (id) => document.getElementById(id);

  let state = null; // the last options:get-state reply
  let rows = []; // the accounts table: {key, site, account (as typed), policy, role, bioDisclaimer}
  let nextKey = 1;
  let lastWritten = {}; // storage.sync values as this page last read or wrote them (canon())

  // JSON with sorted keys: Chromium's storage hands objects back with their keys sorted.
  function canon(v) {
    if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
    if (v && typeof v === "object") {
      return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canon(v[k])).join(",") + "}";
    }
    return JSON.stringify(v);
  }

  // ---- host status ----

  function renderHost(host) {
    const s = ui.hostSummary(host);
    const box = $("host-status");
    box.dataset.tone = s.tone;
    box.dataset.state = host ? host.state : "starting";
    $("host-title").textContent = s.title;
    $("host-detail").textContent = s.detail || "";
    $("host-detail").hidden = !s.detail;
    $("host-fix").textContent = s.fix || "";
    $("host-fix").hidden = !s.fix;
  }

  // ---- profile ----

  function policyLabel(id) {
    const p = (state.policies || []).find((x) => x.id === id);
    return p ? p : { id, name: id };
  }

  function renderProfile() {
    const { locked, sync, effective, selectablePolicies } = state;
    const policy = $("policy");
    if (locked.policy) {
      ui.fillPolicySelect(policy, { policies: [policyLabel(effective.policy)], current: effective.policy });
      policy.disabled = true;
    } else {
      const current = sync.policy || effective.policy;
      ui.fillPolicySelect(policy, { policies: selectablePolicies, current, missingLabel: "not available" });
      if (policy.options.length === 0) {
        policy.append(el("option", { value: "", text: "No policy available until postguard-host runs" }));
      }
      policy.disabled = policy.options.length === 0 || (policy.options.length === 1 && policy.value === "");
    }
    $("policy-note").hidden = !locked.policy;

    const role = $("role");
    ui.fillRoleSelect(role, { current: locked.role ? effective.role : sync.role || effective.role });
    role.disabled = locked.role;
    $("role-note").hidden = !locked.role;

    $("bio").checked = sync.bioDisclaimer === true;
  }

  // ---- accounts ----

  function rowFromStored(a) {
    return {
      key: nextKey++,
      site: a.site,
      account: a.account,
      policy: a.policy || "",
      role: a.role || "",
      bioDisclaimer: typeof a.bioDisclaimer === "boolean" ? a.bioDisclaimer : null,
    };
  }

  // The rows as they are stored: valid ones only, first of duplicates only. Also marks the
  // invalid and duplicate ones for the table.
  function storedAccounts() {
    const out = [];
    const seen = new Set();
    for (const r of rows) {
      r.error = null;
      const handle = settings.normaliseAccount(r.account);
      if (!handle) {
        r.error = r.account.trim() === "" ? "Enter the account's handle, like @isocommittee." : "A handle has no spaces, like @isocommittee.";
        continue;
      }
      const id = r.site + " " + handle;
      if (seen.has(id)) {
        r.error = "This account is already in the table.";
        continue;
      }
      seen.add(id);
      const a = { site: r.site, account: handle };
      if (r.policy) a.policy = r.policy;
      if (r.role) a.role = r.role;
      if (typeof r.bioDisclaimer === "boolean") a.bioDisclaimer = r.bioDisclaimer;
      out.push(a);
    }
    return out;
  }

  function showRowErrors() {
    for (const r of rows) {
      const input = document.querySelector(`input[data-key="${r.key}"]`);
      const msg = document.getElementById(`account-error-${r.key}`);
      if (!input || !msg) continue;
      // An empty new row is not an error until the user leaves it empty.
      const show = r.error && !(r.fresh && r.account.trim() === "");
      input.setAttribute("aria-invalid", show ? "true" : "false");
      msg.textContent = show ? r.error : "";
      msg.hidden = !show;
    }
  }

  function renderAccounts() {
    const { locked } = state;
    const body = $("accounts-body");
    body.replaceChildren();
    rows.forEach((r, i) => body.append(rowElement(r, i + 1, locked)));
    $("accounts").hidden = rows.length === 0;
    $("no-accounts").hidden = rows.length !== 0;
    $("accounts-lock-note").hidden = !(locked.accountPolicy || locked.accountRole);
    $("accounts-lock-note").textContent =
      locked.accountPolicy && locked.accountRole
        ? "Policy and role: set by your organisation for every account."
        : locked.accountPolicy
          ? "Policy: set by your organisation for every account."
          : "Role: set by your organisation for every account.";
    storedAccounts();
    showRowErrors();
  }

  function rowElement(r, n, locked) {
    const name = () => (settings.normaliseAccount(r.account) || `row ${n}`);

    const site = el("select", { "aria-label": `Site, row ${n}` });
    for (const s of protocol.SITES) site.append(el("option", { value: s, text: protocol.SITE_LABELS[s] }));
    site.value = r.site;
    site.addEventListener("change", () => {
      r.site = site.value;
      saveAccounts();
    });

    const errorId = `account-error-${r.key}`;
    const account = el("input", {
      type: "text",
      value: r.account,
      placeholder: "@handle",
      autocomplete: "off",
      spellcheck: "false",
      "aria-label": `Account handle, row ${n}`,
      "aria-describedby": errorId,
      "data-key": String(r.key),
    });
    account.addEventListener("input", () => {
      r.account = account.value;
    });
    account.addEventListener("change", () => {
      r.account = account.value;
      r.fresh = false;
      saveAccounts();
    });
    const error = el("span", { id: errorId, class: "row-error", hidden: true });

    const policy = el("select", { "aria-label": `Policy, row ${n}` });
    if (locked.accountPolicy) {
      ui.fillPolicySelect(policy, { policies: [policyLabel(state.effective.policy)], current: state.effective.policy });
      policy.disabled = true;
      policy.title = ui.LOCKED_TEXT;
    } else {
      ui.fillPolicySelect(policy, { policies: state.selectablePolicies, current: r.policy, inherit: "As profile", missingLabel: "not available" });
      policy.addEventListener("change", () => {
        r.policy = policy.value;
        saveAccounts();
      });
    }

    const role = el("select", { "aria-label": `Role, row ${n}` });
    if (locked.accountRole) {
      ui.fillRoleSelect(role, { current: state.effective.role, short: true });
      role.disabled = true;
      role.title = ui.LOCKED_TEXT;
    } else {
      ui.fillRoleSelect(role, { current: r.role, inherit: "As profile", short: true });
      role.addEventListener("change", () => {
        r.role = role.value;
        saveAccounts();
      });
    }

    const bio = el(
      "select",
      { "aria-label": `Bio disclaimer, row ${n}` },
      el("option", { value: "", text: "As profile" }),
      el("option", { value: "yes", text: "Bio has one" }),
      el("option", { value: "no", text: "Bio has none" }),
    );
    bio.value = r.bioDisclaimer === true ? "yes" : r.bioDisclaimer === false ? "no" : "";
    bio.addEventListener("change", () => {
      r.bioDisclaimer = bio.value === "yes" ? true : bio.value === "no" ? false : null;
      saveAccounts();
    });

    const remove = el("button", { type: "button", class: "remove", text: "Remove", "aria-label": `Remove ${name()}` });
    remove.addEventListener("click", () => {
      rows = rows.filter((x) => x !== r);
      renderAccounts();
      saveAccounts();
      $("add-account").focus();
    });

    return el(
      "tr",
      { "data-key": String(r.key) },
      el("td", {}, site),
      el("td", {}, account, error),
      el("td", {}, policy),
      el("td", {}, role),
      el("td", {}, bio),
      el("td", {}, remove),
    );
  }

  // ---- saving ----

  let statusTimer = null;
  function saved(message, ok = true) {
    const s = $("save-status");
    s.textContent = message;
    s.dataset.ok = ok ? "true" : "false";
    clearTimeout(statusTimer);
    if (ok) statusTimer = setTimeout(() => (s.textContent = ""), 4000);
  }

  async function save(values) {
    // Noted before writing: storage.onChanged may fire before set() resolves.
    for (const [k, v] of Object.entries(values)) lastWritten[k] = canon(v);
    try {
      await ui.saveSync(values);
      saved("Saved.");
    } catch (e) {
      saved(`Not saved: ${(e && e.message) || e}`, false);
    }
  }

  function saveAccounts() {
    const accounts = storedAccounts();
    showRowErrors();
    return save({ accounts });
  }

  // ---- wiring ----

  function rememberStored(sync) {
    lastWritten = {};
    for (const k of protocol.SYNC_KEYS) if (sync[k] !== undefined) lastWritten[k] = canon(sync[k]);
  }

  function renderAll(next) {
    state = next;
    rememberStored(state.sync);
    rows = (state.sync.accounts || []).map(rowFromStored);
    renderHost(state.host);
    renderProfile();
    renderAccounts();
    document.body.dataset.ready = "true";
  }

  async function refresh() {
    renderAll(await ui.getState());
  }

  $("policy").addEventListener("change", () => {
    if ($("policy").value) save({ policy: $("policy").value });
  });
  $("role").addEventListener("change", () => save({ role: $("role").value }));
  $("bio").addEventListener("change", () => save({ bioDisclaimer: $("bio").checked }));

  $("add-account").addEventListener("click", () => {
    rows.push({ key: nextKey++, site: protocol.SITES[0], account: "", policy: "", role: "", bioDisclaimer: null, fresh: true });
    renderAccounts();
    const inputs = document.querySelectorAll("#accounts-body input[type=text]");
    inputs[inputs.length - 1].focus();
  });

  $("retry").addEventListener("click", async () => {
    const b = $("retry");
    b.disabled = true;
    b.textContent = "Trying…";
    renderHost({ state: "starting" });
    try {
      renderAll(await ui.retryHost());
    } finally {
      b.disabled = false;
      b.textContent = "Try again";
    }
  });

  // Another page (the popup, another window) or the administrator changed something.
  ui.api.storage.onChanged.addListener((changes, area) => {
    if (area === "managed") {
      refresh();
      return;
    }
    if (area !== "sync") return;
    const foreign = Object.entries(changes).some(
      ([k, c]) => protocol.SYNC_KEYS.includes(k) && canon(c.newValue) !== lastWritten[k],
    );
    if (foreign) refresh();
  });

  refresh();
})(globalThis);
