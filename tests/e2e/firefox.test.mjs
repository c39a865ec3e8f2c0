// Firefox ESR (Debian's /usr/bin/firefox-esr, driven by puppeteer-core over WebDriver BiDi)
// with the extension installed temporarily.
import { launchFirefox, FIREFOX_BIN } from './harness.mjs';
import { defineScenarios } from './scenarios.mjs';

defineScenarios({ browser: 'firefox', launch: launchFirefox, binary: FIREFOX_BIN });
