// Postguard: names shared by every part of the extension (content scripts, background,
// options page, popup) and the error codes of the native host. Pure data plus two lookups;
// no browser API is touched, so Node tests can require() it.
//
// Loaded as a classic script: it adds `globalThis.Postguard.protocol` (and sets
// module.exports under Node). Everything is inside one function so that no top-level name
// clashes with the other scripts sharing the same global scope.
(function (root) {
  "use strict";

  const HOST_NAME = "org.postguard.host";

  // Runtime message types, named by sender (docs/extension.md, "Messages").
  const MSG = Object.freeze({
    CONTENT_CHECK: "content:check", // content script -> background
    OPTIONS_GET_STATE: "options:get-state", // options page / popup -> background
    OPTIONS_RETRY_HOST: "options:retry-host", // options page / popup -> background
    BACKGROUND_RECHECK: "background:recheck", // background -> content scripts
  });

  const SITES = Object.freeze(["twitter", "facebook", "linkedin"]);
  const SITE_LABELS = Object.freeze({ twitter: "X (Twitter)", facebook: "Facebook", linkedin: "LinkedIn" });
  const ROLES = Object.freeze(["personal", "official"]);
  const ROLE_LABELS = Object.freeze({
    personal: "Personal (my own account)",
    official: "Official (an organisation's account)",
  });

  // The keys stored in storage.sync and storage.managed (docs/extension.md, "Settings").
  const SYNC_KEYS = Object.freeze(["policy", "role", "bioDisclaimer", "accounts"]);
  const MANAGED_KEYS = Object.freeze(["policy", "role", "allowedPolicies", "lockPolicy"]);

  // Per-request time limit for the host, in milliseconds.
  const DEFAULT_TIMEOUT_MS = 5000;

  // The host's error codes, mirrored from host/lib/error_codes.h (a public contract: codes
  // are only ever added at the end, never renumbered or respelled).
  const HOST_ERRORS = Object.freeze([
    { name: "empty-frame", number: 1 },
    { name: "bad-utf8", number: 2 },
    { name: "too-deep", number: 3 },
    { name: "lone-surrogate", number: 4 },
    { name: "bad-json", number: 5 },
    { name: "bad-request", number: 6 },
    { name: "unknown-type", number: 7 },
    { name: "unknown-policy", number: 8 },
    { name: "unknown-platform", number: 9 },
    { name: "unknown-role", number: 10 },
    { name: "bad-text", number: 11 },
    { name: "internal", number: 12 },
  ].map(Object.freeze));
  const HOST_ERROR_NUMBERS = Object.freeze(Object.fromEntries(HOST_ERRORS.map((e) => [e.name, e.number])));

  // Problems the extension itself detects (not sent by the host).
  const EXT_ERRORS = Object.freeze({
    HOST_NOT_FOUND: "host-not-found", // the browser cannot find or may not start the host
    HOST_EXITED: "host-exited", // the host stopped, or the port broke
    TIMEOUT: "timeout", // no answer within DEFAULT_TIMEOUT_MS (the host is then restarted)
  });

  // Host states shown by the options page and popup; "no-host" is also the content reply's
  // state whenever a check could not be done.
  const HOST_STATES = Object.freeze({ OK: "ok", NO_HOST: "no-host", STARTING: "starting" });

  // The connection to the host as a compose box shows it (the marker's data-postguard-host):
  // a host that stopped is restarted by the next check, one that is missing is not.
  const HOST_LINKS = Object.freeze({ CONNECTED: "connected", RECONNECTING: "reconnecting", NOT_INSTALLED: "not-installed" });

  /** The HOST_LINKS value for a failed check's code. */
  function hostLinkFor(code) {
    if (code === EXT_ERRORS.HOST_NOT_FOUND) return HOST_LINKS.NOT_INSTALLED;
    if (code === EXT_ERRORS.HOST_EXITED || code === EXT_ERRORS.TIMEOUT) return HOST_LINKS.RECONNECTING;
    return HOST_LINKS.CONNECTED; // the host answered (with an error), or the extension refused
  }

  /**
   * A rule-loading problem from the host ("/home/me/.config/postguard/rules/iet.json:4:2: ...")
   * with its directory left out ("iet.json:4:2: ..."), for places a web page can read: the
   * path would tell the site the user's name.
   */
  function shortRulesMessage(message) {
    const text = typeof message === "string" ? message : "";
    const m = /^(.+?\.json)((?::\d+)*): /.exec(text) || /^(.+?)(): /.exec(text);
    if (!m) return text;
    const base = m[1].split(/[\\/]/).filter(Boolean).pop() || m[1];
    return base + m[2] + text.slice(m[0].length - 2);
  }

  const LOG_HINT =
    "Its log is in ~/.local/state/postguard/postguard-host.log on Linux " +
    "(~/Library/Logs/Postguard on macOS, %LOCALAPPDATA%\\Postguard\\logs on Windows).";

  const INSTALL_FIX = [
    "Postguard needs its checker program, postguard-host, installed on this computer for this browser.",
    "Install the Postguard package from your organisation, or run \"postguard install --user\" once that command is available.",
    "Until then, on Linux, put a file named org.postguard.host.json whose \"path\" is the full path of postguard-host in:",
    "  Chromium: ~/.config/chromium/NativeMessagingHosts/",
    "  Google Chrome: ~/.config/google-chrome/NativeMessagingHosts/",
    "  Firefox: ~/.mozilla/native-messaging-hosts/",
    "(Chromium and Chrome need \"allowed_origins\": [\"chrome-extension://acmnpiifhpicdffioflpmeemfieahodg/\"], " +
      "Firefox needs \"allowed_extensions\": [\"postguard@postguard.org\"].)",
    "The README section \"Install the host\" has the whole file. Then press \"Try again\" in Postguard's options.",
  ].join("\n");

  // Plain-words explanation (message) and what to do about it (fix), per code.
  const EXPLAIN = {
    "host-not-found": {
      message: "Postguard's checker (postguard-host) is not installed for this browser, so your post was not checked.",
      fix: INSTALL_FIX,
    },
    "host-exited": {
      message: "Postguard's checker (postguard-host) stopped, so your post was not checked.",
      fix:
        "Press \"Try again\" in Postguard's options, or keep typing: it is restarted automatically. " +
        "If it keeps stopping, reinstall Postguard. " +
        LOG_HINT,
    },
    timeout: {
      message: "Postguard's checker (postguard-host) did not answer in time, so your post was not checked.",
      fix: "It has been restarted; keep typing to check again. If this keeps happening, the log says why. " + LOG_HINT,
    },
    "unknown-policy": {
      message: "The policy chosen for this account is not installed in postguard-host.",
      fix:
        "Choose one of the installed policies in Postguard's options. If your organisation set the policy, " +
        "ask them to install its rule pack.",
    },
    internal: {
      message: "Postguard's checker hit an internal error on this post (a bug).",
      fix: "Please report it with the host's log. " + LOG_HINT,
    },
  };
  const PROTOCOL_MISMATCH = {
    message: "Postguard's extension and its checker (postguard-host) did not understand each other.",
    fix: "Update the extension and postguard-host to the same release. " + LOG_HINT,
  };

  function explain(code) {
    if (Object.prototype.hasOwnProperty.call(EXPLAIN, code)) return EXPLAIN[code];
    return PROTOCOL_MISMATCH;
  }

  /** A plain-words sentence saying what went wrong, for any host or extension error code. */
  function messageFor(code) {
    return explain(code).message;
  }

  /** What the user can do about `code` (may contain newlines; show with white-space: pre-wrap). */
  function fixFor(code) {
    return explain(code).fix;
  }

  /** True when `code` is one of the host's own error codes (host/lib/error_codes.h). */
  function isHostErrorCode(code) {
    return Object.prototype.hasOwnProperty.call(HOST_ERROR_NUMBERS, code);
  }

  const protocol = Object.freeze({
    HOST_NAME,
    MSG,
    SITES,
    SITE_LABELS,
    ROLES,
    ROLE_LABELS,
    SYNC_KEYS,
    MANAGED_KEYS,
    DEFAULT_TIMEOUT_MS,
    HOST_ERRORS,
    HOST_ERROR_NUMBERS,
    EXT_ERRORS,
    HOST_STATES,
    HOST_LINKS,
    hostLinkFor,
    shortRulesMessage,
    messageFor,
    fixFor,
    isHostErrorCode,
  });

  root.Postguard = root.Postguard || {};
  root.Postguard.protocol = protocol;
  if (typeof module !== "undefined" && module.exports) module.exports = protocol;
})(globalThis);
