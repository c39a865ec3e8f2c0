import { launchChromium, launchFirefox } from './harness.mjs';
const which = process.argv[2] || 'chromium';
const s = which === 'chromium' ? await launchChromium() : await launchFirefox();
try {
  for (const site of (process.argv[3]||'x,facebook,linkedin').split(',')) {
    const p = await s.openSite(site);
    await p.focusEditor();
    const text = 'Proud of the kids from year 9 at our IET workshop! Photos below. Call me on 07700 900123';
    await p.type(text, 10);
    await new Promise((r) => setTimeout(r, 2500));
    const snap = await p.snapshot();
    console.log(which, site, JSON.stringify(snap, null, 0).slice(0, 1500));
    console.log('text ok', snap.text === text, 'unexpected', p.unexpectedRequests(), 'errors', p.consoleErrors);
    await p.screenshot(`/tmp/pg-smoke-${which}-${site}.png`);
    await p.close();
  }
} finally {
  await s.close();
}
