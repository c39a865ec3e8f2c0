// Postguard: helpers shared by the options page and the popup (both load this after
// shared/protocol.js and background/settings.js). Adds `globalThis.Postguard.ui`.
(function (root) {
  "use strict";

  const api = root.browser ?? root.chrome;
  const { protocol } = root.Postguard;
  const { MSG, HOST_STATES } = protocol;

  const LOCKED_TEXT = "Set by your organisation";

  /** Asks the background; resolves with its reply (never rejects: a failure becomes a no-host state). */
  async function ask(type) {
    try {
      const reply = await api.runtime.sendMessage({ type });
      if (reply && reply.host) return reply;
      throw new Error("no reply");
    } catch (e) {
      return {
        host: {
          state: HOST_STATES.NO_HOST,
          code: "host-exited",
          message: "Postguard's background page did not answer.",
          detail: String((e && e.message) || e),
          fix: "Reload the extension (or restart the browser) and try again.",
        },
        policies: [],
        selectablePolicies: [],
        sync: { accounts: [] },
        managed: {},
        locked: { policy: false, role: false, accountPolicy: false, accountRole: false },
        allowedPolicies: null,
        effective: { policy: null, role: "personal", bioDisclaimer: false },
      };
    }
  }

  const getState = () => ask(MSG.OPTIONS_GET_STATE);
  const retryHost = () => ask(MSG.OPTIONS_RETRY_HOST);

  /**
   * What to say about the host: {tone: "ok"|"problem"|"waiting", title, detail, fix}.
   * `detail` is the browser's own words (for people who search for them), `fix` may hold
   * newlines.
   */
  function hostSummary(host) {
    if (!host || host.state === HOST_STATES.STARTING) {
      return { tone: "waiting", title: "Starting postguard-host…", detail: null, fix: null };
    }
    if (host.state === HOST_STATES.OK) {
      const n = host.policyCount || 0;
      let title = `Working: postguard-host ${host.version || "(unknown version)"} with ${n} ${n === 1 ? "policy" : "policies"}.`;
      if (n === 0) title = `postguard-host ${host.version || ""} is running but has no policies installed.`;
      const k = host.rulesErrors || 0;
      const detail = k
        ? `${k} ${k === 1 ? "problem" : "problems"} in the rule files. A policy whose file has an error keeps ` +
          "the rules it had before the file was changed (one that never loaded is left out) until the file is fixed."
        : null;
      // The host's own "file:line: what" (this page is the extension's, so full paths may show).
      const messages = Array.isArray(host.rulesErrorMessages) ? host.rulesErrorMessages : [];
      let fix = messages.length ? messages.join("\n") : null;
      if (fix && k > messages.length) fix += `\n… and ${k - messages.length} more in postguard-host's log.`;
      if (k && !fix) fix = "postguard-host's log says which.";
      return { tone: n === 0 ? "problem" : "ok", title, detail, fix };
    }
    const titles = {
      "host-not-found": "Postguard's checker, postguard-host, is not installed for this browser, so nothing is being checked.",
      "host-exited": "Postguard's checker, postguard-host, stopped, so nothing is being checked.",
      timeout: "Postguard's checker, postguard-host, stopped answering and is being restarted.",
    };
    return {
      tone: "problem",
      title: titles[host.code] || host.message || protocol.messageFor(host.code),
      detail: host.detail ? `The browser said: "${host.detail}"` : null,
      fix: host.fix || protocol.fixFor(host.code),
    };
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k in node && typeof v !== "string") node[k] = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c != null) node.append(c);
    return node;
  }

  /**
   * Fills a <select> with policies. `policies`: hello objects {id, name}; `current`: the id to
   * show selected (added as "(not installed)" when the host does not offer it); `inherit`:
   * label of a first "" option meaning "as for the profile", or null.
   */
  function fillPolicySelect(select, { policies, current, inherit = null, missingLabel = "not installed", showId = true }) {
    select.replaceChildren();
    if (inherit !== null) select.append(el("option", { value: "", text: inherit }));
    const ids = new Set();
    for (const p of policies || []) {
      ids.add(p.id);
      select.append(el("option", { value: p.id, text: p.name && p.name !== p.id ? (showId ? `${p.name} (${p.id})` : p.name) : p.id, title: p.source || null }));
    }
    if (current && !ids.has(current)) select.append(el("option", { value: current, text: `${current} (${missingLabel})` }));
    select.value = current || (inherit !== null ? "" : select.options.length ? select.options[0].value : "");
  }

  const SHORT_ROLE_LABELS = { personal: "Personal", official: "Official" };

  function fillRoleSelect(select, { current, inherit = null, short = false }) {
    select.replaceChildren();
    if (inherit !== null) select.append(el("option", { value: "", text: inherit }));
    for (const r of protocol.ROLES) {
      select.append(el("option", { value: r, text: short ? SHORT_ROLE_LABELS[r] || r : protocol.ROLE_LABELS[r] }));
    }
    select.value = current || (inherit !== null ? "" : "personal");
  }

  /** Writes only the given keys of storage.sync (policy, role, bioDisclaimer, accounts). */
  async function saveSync(values) {
    const clean = {};
    for (const k of protocol.SYNC_KEYS) if (Object.prototype.hasOwnProperty.call(values, k)) clean[k] = values[k];
    await api.storage.sync.set(clean);
  }

  function openOptions() {
    return api.runtime.openOptionsPage();
  }

  root.Postguard.ui = Object.freeze({
    api,
    LOCKED_TEXT,
    getState,
    retryHost,
    hostSummary,
    el,
    fillPolicySelect,
    fillRoleSelect,
    saveSync,
    openOptions,
  });
})(globalThis);
