// Postguard background entry for Chromium's service worker. Firefox ignores
// background.service_worker and loads the same four files from background.scripts, so both
// browsers run the same code. Paths are relative to this file.
importScripts("../shared/protocol.js", "settings.js", "host_client.js", "background.js");
