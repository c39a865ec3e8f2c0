// Postguard content script: timing helpers (pure: only setTimeout/clearTimeout, looked up at
// call time so node:test's mock.timers can replace them).
//
// Classic script: adds `globalThis.Postguard.debounce` (and module.exports under Node).
(function (root) {
  "use strict";

  /**
   * debounce(fn, wait): a function that calls `fn` with its latest arguments `wait` ms after
   * the last call. Extras: .cancel(), .flush() (run now if pending), .pending().
   */
  function debounce(fn, wait) {
    let timer = null;
    let lastArgs = null;
    let lastThis = null;
    function run() {
      timer = null;
      const args = lastArgs;
      const self = lastThis;
      lastArgs = lastThis = null;
      return fn.apply(self, args || []);
    }
    function debounced(...args) {
      lastArgs = args;
      lastThis = this;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(run, wait);
    }
    debounced.cancel = function () {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      lastArgs = lastThis = null;
    };
    debounced.flush = function () {
      if (timer === null) return undefined;
      clearTimeout(timer);
      return run();
    };
    debounced.pending = function () {
      return timer !== null;
    };
    return debounced;
  }

  /**
   * throttle(fn, wait): runs `fn` at most once per `wait` ms; calls in between are merged
   * into one trailing call (with the latest arguments). .cancel() drops a pending call.
   */
  function throttle(fn, wait) {
    let timer = null;
    let last = -Infinity;
    let lastArgs = null;
    function now() {
      return Date.now();
    }
    function run() {
      timer = null;
      last = now();
      const args = lastArgs;
      lastArgs = null;
      fn.apply(null, args || []);
    }
    function throttled(...args) {
      lastArgs = args;
      if (timer !== null) return;
      const since = now() - last;
      timer = setTimeout(run, since >= wait ? 0 : wait - since);
    }
    throttled.cancel = function () {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      lastArgs = null;
    };
    return throttled;
  }

  /** A fixed-size window of numbers with a median (for the per-keystroke timing). */
  function rollingMedian(size) {
    const values = [];
    return {
      push(v) {
        values.push(v);
        if (values.length > size) values.shift();
      },
      median() {
        if (!values.length) return 0;
        const s = values.slice().sort((a, b) => a - b);
        const m = s.length >> 1;
        return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
      },
      get count() {
        return values.length;
      },
    };
  }

  const api = Object.freeze({ debounce, throttle, rollingMedian });
  root.Postguard = root.Postguard || {};
  root.Postguard.debounce = api;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(globalThis);
