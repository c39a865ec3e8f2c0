// Chromium (Debian's /usr/bin/chromium, driven by playwright-core) with the unpacked extension.
import { launchChromium, CHROMIUM_BIN } from './harness.mjs';
import { defineScenarios } from './scenarios.mjs';

defineScenarios({ browser: 'chromium', launch: launchChromium, binary: CHROMIUM_BIN });
