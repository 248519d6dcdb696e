// The first visit over a 2G link (issue 16), printed by `npm run bench`: Chromium throttled
// to 50 kbit/s down, 20 kbit/s up and 300 ms latency opens a label link, as a phone's
// camera app does, and the figures are: verdict on screen, camera ready (Scan another),
// and everything cached for offline use (the app's own `data-ready`).
import { readFileSync } from 'node:fs';
import { chromium as playwright } from '@playwright/test';
import { serve } from './serve.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const TWO_G = { offline: false, latency: 300, downloadThroughput: (50 * 1000) / 8, uploadThroughput: (20 * 1000) / 8 };

export async function slowLinkBench(chromium) {
  const manifest = JSON.parse(readFileSync(`${root}web/dist/demo/manifest.json`, 'utf8'));
  const label = manifest.find((m) => m.name === 'smart-speaker').text.split('#')[1];
  const server = await serve(`${root}web/dist`, 8294);
  const browser = await playwright.launch({ executablePath: chromium, args: [...args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${root}target/clips/straight.y4m`] });
  try {
    const context = await browser.newContext();
    await context.addInitScript(() => localStorage.setItem('iotmark.language', 'en'));
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', TWO_G);
    let bytes = 0;
    context.on('requestfinished', async (r) => { const s = await r.sizes(); bytes += s.responseBodySize + s.responseHeadersSize; });
    const t0 = Date.now();
    await page.goto(`http://localhost:8294/#${label}`, { waitUntil: 'commit', timeout: 180_000 });
    await page.waitForSelector('iotmark-verifier >> #verdict[data-verdict]', { timeout: 180_000 });
    const verdict = (Date.now() - t0) / 1000;
    const atVerdict = bytes;
    await page.click('iotmark-verifier >> #again');
    await page.waitForFunction(() => document.getElementById('verifier').timing.cameraReadyMs, null, { timeout: 180_000 });
    const camera = (Date.now() - t0) / 1000;
    await page.waitForSelector('body[data-ready=true]', { timeout: 240_000 });
    const cached = (Date.now() - t0) / 1000;
    console.log(`first visit on 2G (50/20 kbit/s, 300 ms), from a label link: verdict on screen ${verdict.toFixed(1)} s (${(atVerdict / 1024).toFixed(1)} KB), camera ready ${camera.toFixed(1)} s, ready offline ${cached.toFixed(1)} s (${(bytes / 1024).toFixed(1)} KB through the page; the service worker's own precache requests are not throttled by Chromium's emulation)`);
  } finally {
    await browser.close();
    server.close();
  }
}
