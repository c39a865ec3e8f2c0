// Postguard background: wires settings.js and host_client.js to the browser.
//
// Chromium runs it in the service worker (service_worker.js imports the four scripts),
// Firefox as an event page (manifest background.scripts). Every listener is registered
// synchronously at the top level so that the event that woke the worker is delivered.
// There is nothing to do at install or start-up: the host port opens with the first
// request.
//
// Messages (docs/extension.md, "Messages"): content:check, options:get-state,
// options:retry-host in; background:recheck out to the tabs of the three sites, when
// settings change, the host stops ({host: "reconnecting"}) or comes back after a failure.
(function (root) {
  "use strict";

  const api = root.browser ?? root.chrome;
  const { protocol, settings, hostClient } = root.Postguard;
  const { MSG, HOST_NAME, SITES, SYNC_KEYS, MANAGED_KEYS, EXT_ERRORS, HOST_STATES } = protocol;

  // Chromium reports a native port's failure in runtime.lastError inside onDisconnect,
  // Firefox in port.error. Reading lastError also keeps Chromium from logging it as unchecked.
  function disconnectReason(port) {
    let reason = null;
    try {
      const le = (root.chrome && root.chrome.runtime && root.chrome.runtime.lastError) || (api.runtime && api.runtime.lastError);
      if (le && le.message) reason = le.message;
    } catch (_) {
      // no lastError
    }
    if (port && port.error && port.error.message) reason = port.error.message;
    return reason;
  }

  let failedSinceOk = false;
  const client = new hostClient.HostClient({
    connect: () => api.runtime.connectNative(HOST_NAME),
    getLastError: disconnectReason,
    onStateChange(state) {
      if (state.state === HOST_STATES.NO_HOST) {
        // Only on the way into no-host: the boxes' rechecks fail again and must not loop.
        if (!failedSinceOk) {
          failedSinceOk = true;
          // A host that stopped while working: every box says so at once, even one with no
          // check under way, and its recheck starts the host again.
          scheduleRecheck(protocol.hostLinkFor(state.code) === protocol.HOST_LINKS.RECONNECTING);
        }
      } else if (state.state === HOST_STATES.OK && failedSinceOk) {
        failedSinceOk = false;
        scheduleRecheck();
      }
    },
  });

  // ---- storage ----

  async function readSync() {
    try {
      return (await api.storage.sync.get(SYNC_KEYS)) || {};
    } catch (_) {
      return {};
    }
  }

  // Without an enterprise policy Chromium answers {} and Firefox rejects ("Managed storage
  // manifest not found"); both mean "nothing managed".
  async function readManaged() {
    try {
      if (!api.storage.managed) return {};
      return settings.normaliseManaged(await api.storage.managed.get(null));
    } catch (_) {
      return {};
    }
  }

  // ---- replies ----

  function failReply(err) {
    const code = (err && err.code) || EXT_ERRORS.HOST_EXITED;
    return {
      ok: false,
      state: HOST_STATES.NO_HOST,
      code,
      message: protocol.messageFor(code),
      fix: protocol.fixFor(code),
    };
  }

  // JavaScript strings may hold lone surrogates and U+0000, which the host refuses
  // (lone-surrogate, bad-text). Both become U+FFFD, one UTF-16 unit for one, so the host's
  // offsets still index the page's text.
  function wireText(text) {
    let t = typeof text.toWellFormed === "function" ? text.toWellFormed() : text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
    if (t.indexOf("\u0000") !== -1) t = t.replace(/\u0000/g, "\uFFFD");
    return t;
  }

  async function handleCheck(msg) {
    const account = msg.account === undefined ? null : msg.account;
    if (typeof msg.text !== "string" || !SITES.includes(msg.site) || (account !== null && typeof account !== "string")) {
      return failReply({ code: "bad-request" });
    }
    const [sync, managed] = await Promise.all([readSync(), readManaged()]);
    let hello;
    try {
      hello = await client.hello();
    } catch (e) {
      return failReply(e);
    }
    const eff = settings.effectiveSettings(managed, sync, msg.site, account, hello.policies);
    if (!eff.policy) return failReply({ code: "unknown-policy" });
    let answer;
    try {
      answer = await client.request({
        type: "check",
        text: wireText(msg.text),
        policy: eff.policy,
        platform: msg.site,
        role: eff.role,
        profile: { bioDisclaimer: eff.bioDisclaimer },
      });
    } catch (e) {
      return failReply(e);
    }
    const warnings = Array.isArray(answer.warnings) ? answer.warnings : [];
    const reply = {
      ok: true,
      state: warnings.length ? "warnings" : "clean",
      policy: typeof answer.policy === "string" ? answer.policy : eff.policy,
      role: eff.role,
      warnings,
      truncated: answer.truncated === true,
    };
    if (reply.truncated) reply.omitted = typeof answer.omitted === "number" ? answer.omitted : 0;
    const re = answer.rulesError;
    if (re && typeof re === "object" && typeof re.message === "string") {
      reply.rulesError = { message: re.message, count: typeof re.count === "number" ? re.count : 1, stale: re.stale === true };
    }
    return reply;
  }

  function buildState(syncRaw, managed, hello) {
    const hs = client.state();
    const policies = hello ? hello.policies : [];
    const host = {
      state: hs.state,
      version: hs.state === HOST_STATES.OK ? hs.version : null,
      policyCount: hs.state === HOST_STATES.OK ? policies.length : null,
      rulesErrors: hs.state === HOST_STATES.OK ? hs.rulesErrors || 0 : null,
      rulesErrorMessages: hs.state === HOST_STATES.OK ? hs.rulesErrorMessages || [] : null,
      code: hs.state === HOST_STATES.NO_HOST ? hs.code : null,
      message: hs.state === HOST_STATES.NO_HOST ? hs.message : null,
      detail: hs.state === HOST_STATES.NO_HOST ? hs.detail : null,
      fix: hs.state === HOST_STATES.NO_HOST ? protocol.fixFor(hs.code) : null,
    };
    const eff = settings.effectiveSettings(managed, syncRaw, null, null, hello ? policies : null);
    return {
      host,
      policies,
      selectablePolicies: settings.selectablePolicies(managed, policies),
      sync: settings.normaliseSync(syncRaw),
      managed,
      locked: eff.locked,
      allowedPolicies: managed.allowedPolicies || null,
      effective: { policy: eff.policy, role: eff.role, bioDisclaimer: eff.bioDisclaimer },
    };
  }

  async function getState() {
    const [syncRaw, managed] = await Promise.all([readSync(), readManaged()]);
    let hello = null;
    try {
      // Asked again, not cached: the host reloads edited rules while it runs.
      hello = await client.refreshHello();
    } catch (_) {
      // client.state() says why
    }
    return buildState(syncRaw, managed, hello);
  }

  async function retryHost() {
    await client.retry();
    return getState();
  }

  // ---- background:recheck ----

  // The content scripts' match patterns, from the manifest (one source of truth).
  function siteUrlPatterns() {
    const cs = (api.runtime.getManifest().content_scripts || []);
    return [...new Set(cs.flatMap((c) => c.matches || []))];
  }

  // tabs.query by URL needs host permissions for those URLs (which the manifest has) or
  // "tabs"; if a browser refuses it anyway, every tab is asked and tabs without the content
  // script simply fail to receive.
  async function broadcastRecheck(message = { type: MSG.BACKGROUND_RECHECK }) {
    let tabs;
    try {
      tabs = await api.tabs.query({ url: siteUrlPatterns() });
    } catch (_) {
      try {
        tabs = await api.tabs.query({});
      } catch (_) {
        tabs = [];
      }
    }
    await Promise.all(
      tabs.map((t) =>
        Promise.resolve()
          .then(() => api.tabs.sendMessage(t.id, message))
          .catch(() => {}),
      ),
    );
    return tabs.length;
  }

  // Coalesced for 50 ms. `hostStopped`: the message also says the host stopped
  // ({host: "reconnecting"}), even if it is back by the time it is sent.
  let recheckTimer = null;
  let recheckHostStopped = false;
  function scheduleRecheck(hostStopped = false) {
    if (hostStopped) recheckHostStopped = true;
    if (recheckTimer !== null) return;
    recheckTimer = root.setTimeout(() => {
      recheckTimer = null;
      const message = { type: MSG.BACKGROUND_RECHECK };
      if (recheckHostStopped) message.host = protocol.HOST_LINKS.RECONNECTING;
      recheckHostStopped = false;
      broadcastRecheck(message);
    }, 50);
  }

  // ---- listeners (top level, synchronous) ----

  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    if (!msg || typeof msg !== "object") return false;
    let work;
    switch (msg.type) {
      case MSG.CONTENT_CHECK:
        work = handleCheck(msg);
        break;
      case MSG.OPTIONS_GET_STATE:
        work = getState();
        break;
      case MSG.OPTIONS_RETRY_HOST:
        work = retryHost();
        break;
      default:
        return false; // not ours: leave it to other listeners
    }
    // sendResponse + `return true` keeps the channel open in Chromium and Firefox alike.
    work.then(sendResponse, (e) => sendResponse(failReply(e))).catch(() => {}); // sender gone
    return true;
  });

  api.storage.onChanged.addListener((changes, area) => {
    const keys = area === "sync" ? SYNC_KEYS : area === "managed" ? MANAGED_KEYS : null;
    if (keys && Object.keys(changes).some((k) => keys.includes(k))) scheduleRecheck();
  });

  root.Postguard.background = Object.freeze({ client, handleCheck, getState, retryHost, broadcastRecheck, wireText });
})(globalThis);
