// Postguard: the one long-lived native-messaging port to postguard-host (docs/protocol.md).
//
//   const client = new HostClient({connect: () => chrome.runtime.connectNative(HOST_NAME),
//                                  getLastError: (port) => port.error?.message ?? chrome.runtime.lastError?.message});
//   const hello = await client.hello();           // {version, protocol, policies, rulesErrors, rulesErrorMessages}
//   const fresh = await client.refreshHello();    // asks the running host again (rules reloaded)
//   const result = await client.request({type: "check", text, policy});
//
// - The port is opened lazily by the first hello()/request(); opening it sends "hello" and
//   caches the answer. Requests are numbered 1, 2, 3... and may be sent before hello answers
//   (the host answers in order).
// - Every request has its own time limit (timeoutMs, default 5000). A request that runs out
//   of time rejects with code "timeout", and the port is dropped (the host is stuck or far
//   too slow); every other request waiting on it rejects with "timeout" too.
// - When the port disconnects, the browser's reason is classified: the host is missing or not
//   allowed ("host-not-found", state "no-host") or it stopped ("host-exited"). All waiting
//   requests reject with that code.
// - The next request reconnects. The first reconnect after a working session (or after
//   retry()) is immediate, so a host that was just installed or restarted is found at once;
//   after that, while connecting keeps failing, at most one attempt per minRetryMs (1000), so
//   a crashing host is not restarted in a tight loop. Requests made meanwhile wait.
// - A host "error" answer rejects that request with the host's code and message.
// Rejections are HostError objects: {name: "HostError", code, message, detail}.
//
// No browser API is used here: everything comes in through the constructor, so Node tests
// drive it with a fake port and fake timers. Adds `globalThis.Postguard.hostClient`.
(function (root) {
  "use strict";

  const protocol =
    (root.Postguard && root.Postguard.protocol) ||
    (typeof require === "function" ? require("../shared/protocol.js") : null);
  const { EXT_ERRORS, HOST_STATES, DEFAULT_TIMEOUT_MS } = protocol;

  class HostError extends Error {
    constructor(code, message, detail) {
      super(message || protocol.messageFor(code));
      this.name = "HostError";
      this.code = code;
      this.detail = detail == null ? null : String(detail);
    }
  }

  // What the browsers say when the host cannot be started at all (Chromium's strings from
  // native_message_host.cc; Firefox says "No such native application <name>" for every
  // problem before launch).
  const NOT_FOUND_PATTERNS = [
    /specified native messaging host not found/i,
    /no such native application/i,
    /access to the specified native messaging host is forbidden/i,
    /failed to start native messaging host/i,
  ];

  /** "host-not-found" when the browser could not find or start the host, else "host-exited". */
  function classifyDisconnect(message) {
    const text = typeof message === "string" ? message : "";
    return NOT_FOUND_PATTERNS.some((re) => re.test(text)) ? EXT_ERRORS.HOST_NOT_FOUND : EXT_ERRORS.HOST_EXITED;
  }

  // What the client keeps of a hello answer.
  function helloFields(answer) {
    return {
      version: answer.version,
      protocol: answer.protocol,
      policies: Array.isArray(answer.policies) ? answer.policies : [],
      rulesErrors: answer.rulesErrors,
      rulesErrorMessages: Array.isArray(answer.rulesErrorMessages) ? answer.rulesErrorMessages.filter((m) => typeof m === "string") : [],
      limits: answer.limits,
    };
  }

  class HostClient {
    /**
     * @param {object} o
     * @param {() => object} o.connect  opens a port {postMessage, onMessage, onDisconnect, disconnect}
     * @param {(port: object) => (string|null|undefined)} [o.getLastError]  the browser's reason for a disconnect
     * @param {() => number} [o.now]  milliseconds clock
     * @param {Function} [o.setTimeout] @param {Function} [o.clearTimeout]
     * @param {number} [o.timeoutMs]  per-request limit (default 5000)
     * @param {number} [o.minRetryMs]  minimum gap between connection attempts while they fail (default 1000)
     * @param {(state: object, previous: object) => void} [o.onStateChange]
     */
    constructor({
      connect,
      getLastError = () => null,
      now = () => Date.now(),
      setTimeout: setTimer = (fn, ms) => root.setTimeout(fn, ms),
      clearTimeout: clearTimer = (t) => root.clearTimeout(t),
      timeoutMs = DEFAULT_TIMEOUT_MS,
      minRetryMs = 1000,
      onStateChange = null,
    } = {}) {
      if (typeof connect !== "function") throw new TypeError("HostClient needs connect()");
      this._connect = connect;
      this._getLastError = getLastError;
      this._now = now;
      this._setTimeout = setTimer;
      this._clearTimeout = clearTimer;
      this._timeoutMs = timeoutMs;
      this._minRetryMs = minRetryMs;
      this._onStateChange = onStateChange;

      this._nextId = 1;
      this._port = null;
      this._pending = new Map(); // id -> entry, in the order sent on the current port
      this._queue = []; // entries waiting for a port (during the reconnect back-off)
      this._connectTimer = null;
      this._lastConnectAt = null;
      this._failures = 0; // connections lost since the last hello answer (or retry())
      this._hello = null; // cached hello answer of the current port
      this._helloPromise = null;
      this._state = { state: HOST_STATES.STARTING, code: null, message: null, detail: null };
    }

    /**
     * The host as the options page shows it: {state: "ok"|"no-host"|"starting", version,
     * protocol, policies, rulesErrors (when ok), code, message, detail (when no-host)}.
     */
    state() {
      const s = { ...this._state };
      if (s.state === HOST_STATES.OK && this._hello) {
        s.version = this._hello.version;
        s.protocol = this._hello.protocol;
        s.policies = this._hello.policies;
        s.rulesErrors = this._hello.rulesErrors;
        s.rulesErrorMessages = this._hello.rulesErrorMessages;
      }
      return s;
    }

    /** The cached hello answer ({version, protocol, policies, rulesErrors, limits}), or null. */
    cachedHello() {
      return this._hello;
    }

    /** The hello answer, connecting first if needed. Rejects with a HostError. */
    hello() {
      if (this._hello) return Promise.resolve(this._hello);
      if (!this._port) {
        // Opening the port creates _helloPromise (synchronously, or later after the back-off).
        return new Promise((resolve, reject) => {
          this._queue.push({ kind: "hello", resolve, reject, timer: this._startTimer(reject) });
          this._ensurePort();
        });
      }
      return this._helloPromise;
    }

    /**
     * A new hello answer from the running host (its policies and rule problems change when
     * its rule files are edited), or the first one. Rejects with a HostError.
     */
    async refreshHello() {
      if (!this._hello) return this.hello();
      const port = this._port;
      const answer = await this.request({ type: "hello" });
      if (this._port === port && this._hello) this._hello = helloFields(answer);
      return this._hello || helloFields(answer);
    }

    /** Sends one request ({type, ...}; the id is assigned here). Resolves with the answer. */
    request(msg) {
      return new Promise((resolve, reject) => {
        const entry = { kind: "request", msg, resolve, reject, timer: null };
        entry.timer = this._startTimer(reject, entry);
        if (this._port) this._send(entry);
        else {
          this._queue.push(entry);
          this._ensurePort();
        }
      });
    }

    /**
     * Drops the current port (requests waiting on it reject with "host-exited") and connects
     * again now, ignoring the back-off; resolves with the new state. For "Try again" and for
     * reloading edited rules.
     */
    async retry() {
      if (this._port) this._drop(new HostError(EXT_ERRORS.HOST_EXITED, "Restarted by the user."), { disconnect: true });
      if (this._connectTimer !== null) {
        this._clearTimeout(this._connectTimer);
        this._connectTimer = null;
      }
      this._failures = 0;
      try {
        await this.hello();
      } catch (_) {
        // The state says what went wrong.
      }
      return this.state();
    }

    /** Closes the port (the browser then stops the host); waiting requests reject. */
    close() {
      if (this._port) this._drop(new HostError(EXT_ERRORS.HOST_EXITED, "Closed."), { disconnect: true });
    }

    // ---- internals ----

    _setState(next) {
      const previous = this._state;
      this._state = { state: next.state, code: next.code || null, message: next.message || null, detail: next.detail || null };
      if (this._onStateChange && (previous.state !== next.state || previous.code !== this._state.code)) {
        try {
          this._onStateChange(this.state(), previous);
        } catch (_) {
          // A listener's failure must not break the client.
        }
      }
    }

    // Starts the time limit of one entry; on expiry the entry leaves the queue or the
    // pending map, and a sent request also brings the port down.
    _startTimer(reject, entry) {
      return this._setTimeout(() => {
        const err = new HostError(EXT_ERRORS.TIMEOUT, protocol.messageFor(EXT_ERRORS.TIMEOUT));
        const qi = this._queue.findIndex((e) => e.reject === reject);
        if (qi !== -1) {
          this._queue.splice(qi, 1);
          reject(err);
          return;
        }
        if (entry && entry.id != null && this._pending.get(entry.id) === entry) {
          this._drop(err, { disconnect: true });
          return;
        }
        // A queued hello() whose port opened: its promise follows _helloPromise, which has
        // its own timer. Nothing to do.
        reject(err);
      }, this._timeoutMs);
    }

    _ensurePort() {
      if (this._port || this._connectTimer !== null) return;
      let wait = 0;
      if (this._failures >= 2 && this._lastConnectAt !== null) {
        wait = Math.max(0, this._lastConnectAt + this._minRetryMs - this._now());
      }
      if (wait > 0) {
        this._connectTimer = this._setTimeout(() => {
          this._connectTimer = null;
          this._open();
        }, wait);
      } else {
        this._open();
      }
    }

    _open() {
      if (this._port) return;
      this._lastConnectAt = this._now();
      this._hello = null;
      this._setState({ state: HOST_STATES.STARTING });
      let port;
      try {
        port = this._connect();
        if (!port) throw new Error("connectNative returned nothing");
      } catch (e) {
        this._port = null;
        this._lost(String((e && e.message) || e));
        return;
      }
      this._port = port;
      port.onMessage.addListener((m) => this._onMessage(port, m));
      port.onDisconnect.addListener((p) => {
        if (port !== this._port) return;
        let reason = null;
        try {
          reason = this._getLastError(p || port);
        } catch (_) {
          reason = null;
        }
        this._port = null;
        this._lost(reason);
      });

      // hello first, then whatever was waiting.
      const helloEntry = { kind: "request", msg: { type: "hello" }, resolve: null, reject: null, timer: null };
      this._helloPromise = new Promise((resolve, reject) => {
        helloEntry.resolve = (answer) => {
          this._hello = helloFields(answer);
          this._failures = 0;
          this._setState({ state: HOST_STATES.OK });
          resolve(this._hello);
        };
        helloEntry.reject = (err) => {
          reject(err);
          // A host that cannot even answer hello is of no use: start it again next time.
          if (this._port === port) this._drop(err, { disconnect: true });
        };
      });
      this._helloPromise.catch(() => {}); // callers see the rejection; no "unhandled" noise
      helloEntry.timer = this._startTimer(helloEntry.reject, helloEntry);
      this._send(helloEntry);

      const waiting = this._queue;
      this._queue = [];
      for (const e of waiting) {
        if (!this._port) {
          // A send failed and the port is gone: the rest fail the same way.
          this._clearTimeout(e.timer);
          e.reject(new HostError(this._state.code || EXT_ERRORS.HOST_EXITED, this._state.message, this._state.detail));
          continue;
        }
        if (e.kind === "hello") {
          this._clearTimeout(e.timer);
          this._helloPromise.then(e.resolve, e.reject);
        } else {
          this._send(e);
        }
      }
    }

    _send(entry) {
      const port = this._port;
      entry.id = this._nextId++;
      this._pending.set(entry.id, entry);
      try {
        port.postMessage({ ...entry.msg, id: entry.id });
      } catch (e) {
        // Chromium throws when the port is already disconnected.
        if (port === this._port) {
          this._port = null;
          this._lost(String((e && e.message) || e));
        }
      }
    }

    _onMessage(port, m) {
      if (port !== this._port || m === null || typeof m !== "object") return;
      let entry = null;
      if (m.id !== null && m.id !== undefined) {
        entry = this._pending.get(m.id) || null;
      } else if (m.type === "error") {
        // The host could not read the request's id; it answers in order, so this answers the
        // oldest request still waiting.
        const first = this._pending.values().next();
        entry = first.done ? null : first.value;
      }
      if (!entry) return;
      this._pending.delete(entry.id);
      this._clearTimeout(entry.timer);
      if (m.type === "error") {
        const code = typeof m.code === "string" ? m.code : "internal";
        entry.reject(new HostError(code, protocol.messageFor(code), typeof m.message === "string" ? m.message : null));
      } else {
        entry.resolve(m);
      }
    }

    // The port went away (reason: the browser's message, or null).
    _lost(reason) {
      const code = classifyDisconnect(reason);
      this._failures += 1;
      this._hello = null;
      const err = new HostError(code, protocol.messageFor(code), reason);
      this._setState({ state: HOST_STATES.NO_HOST, code, message: err.message, detail: reason });
      this._rejectAll(err);
    }

    // We give up on the current port ourselves (timeout, retry, close).
    _drop(err, { disconnect }) {
      const port = this._port;
      this._port = null;
      this._hello = null;
      if (port && disconnect) {
        try {
          port.disconnect();
        } catch (_) {
          // already gone
        }
      }
      this._failures += 1;
      this._setState({ state: HOST_STATES.NO_HOST, code: err.code, message: err.message, detail: err.detail });
      this._rejectAll(err);
    }

    _rejectAll(err) {
      const entries = [...this._pending.values(), ...this._queue];
      this._pending.clear();
      this._queue = [];
      for (const e of entries) {
        this._clearTimeout(e.timer);
        e.reject(err);
      }
    }
  }

  const hostClient = Object.freeze({ HostClient, HostError, classifyDisconnect });

  root.Postguard = root.Postguard || {};
  root.Postguard.hostClient = hostClient;
  if (typeof module !== "undefined" && module.exports) module.exports = hostClient;
})(globalThis);
