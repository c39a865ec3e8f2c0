// Test doubles shared by the extension's Node tests: a fake clock with timers and a fake
// native-messaging port (the shape of chrome.runtime.Port / browser.runtime.Port).
"use strict";

class FakeClock {
  constructor(start = 1_000_000) {
    this.t = start;
    this.timers = new Map();
    this.nextHandle = 1;
    this.now = () => this.t;
    this.setTimeout = (fn, ms) => {
      const h = this.nextHandle++;
      this.timers.set(h, { at: this.t + Math.max(0, ms | 0), fn });
      return h;
    };
    this.clearTimeout = (h) => {
      this.timers.delete(h);
    };
  }
  // Moves time forward by ms, running due timers in time order (timers added meanwhile too).
  advance(ms) {
    const end = this.t + ms;
    for (;;) {
      let best = null;
      for (const [h, tm] of this.timers) if (tm.at <= end && (!best || tm.at < best[1].at)) best = [h, tm];
      if (!best) break;
      this.timers.delete(best[0]);
      this.t = best[1].at;
      best[1].fn();
    }
    this.t = end;
  }
  pending() {
    return this.timers.size;
  }
}

class FakePort {
  constructor() {
    this.sent = [];
    this.messageListeners = [];
    this.disconnectListeners = [];
    this.disconnected = false;
    this.disconnectCalls = 0;
    this.error = null;
    this.onMessage = { addListener: (f) => this.messageListeners.push(f) };
    this.onDisconnect = { addListener: (f) => this.disconnectListeners.push(f) };
  }
  postMessage(m) {
    if (this.disconnected) throw new Error("Attempting to use a disconnected port object");
    this.sent.push(JSON.parse(JSON.stringify(m)));
  }
  disconnect() {
    this.disconnectCalls += 1;
    this.disconnected = true;
  }
  // The host answers.
  reply(m) {
    for (const f of this.messageListeners) f(m);
  }
  // The browser closes the port; `message` is what it reports (Firefox: port.error).
  fail(message) {
    this.disconnected = true;
    this.error = message ? { message } : null;
    for (const f of this.disconnectListeners) f(this);
  }
  last() {
    return this.sent[this.sent.length - 1];
  }
}

const HELLO = {
  type: "hello",
  version: "0.1.0",
  protocol: 1,
  policies: [
    { id: "iet", name: "IET volunteers and members", source: "IET", rules: 25 },
    { id: "iom", name: "IOM", source: "IOM", rules: 35 },
  ],
  rulesErrors: 0,
  limits: { maxRequestBytes: 67108864, maxAnswerBytes: 1048576 },
};

// Lets queued promise callbacks run.
const flush = () => new Promise((r) => setImmediate(r));

module.exports = { FakeClock, FakePort, HELLO, flush };
