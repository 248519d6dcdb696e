// The embeddable verifier's figures (issue 11), printed by `npm run bench`: first-load
// transfer of a page with <iotmark-verifier> checking a label's text and with the camera,
// text-set-to-verdict-event latency, and verify() through the headless API.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as playwright } from '@playwright/test';
import { packageDir } from './package.mjs';
import { serve } from './serve.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

/** Bytes on the wire (gzip as served) of every request a page makes until `ready`. */
async function firstLoad(browser, url, ready) {
  const context = await browser.newContext();
  const files = [];
  context.on('requestfinished', async (r) => { const s = await r.sizes(); files.push({ path: new URL(r.url()).pathname, bytes: s.responseBodySize + s.responseHeadersSize }); });
  const page = await context.newPage();
  await page.goto(url);
  await ready(page);
  await page.waitForTimeout(300);
  await context.close();
  return files;
}

const kb = (files) => (files.reduce((a, f) => a + f.bytes, 0) / 1024).toFixed(1);

export async function elementBench(chromium) {
  const dir = mkdtempSync(join(tmpdir(), 'iotmark-element-bench-'));
  cpSync(join(root, 'examples'), dir, { recursive: true });
  cpSync(packageDir, join(dir, 'iotmark'), { recursive: true });
  for (const f of ['trust.cose', 'revocation.cose']) cpSync(join(root, 'web/dist/demo', f), join(dir, 'lists', f));
  const manifest = JSON.parse(readFileSync(join(root, 'web/dist/demo/manifest.json'), 'utf8'));
  const texts = manifest.map((m) => m.text);
  const server = await serve(dir, 8293, '127.0.0.1', { csp: false });
  const site = 'http://localhost:8293/';
  const verdict = (page) => page.waitForSelector('iotmark-verifier >> #verdict[data-verdict]', { timeout: 30000 });
  try {
    let browser = await playwright.launch({ executablePath: chromium, args });
    const text = await firstLoad(browser, `${site}strict-csp.html#${texts[0].split('#')[1]}`, verdict);
    console.log(`element checking a label's text, first load (page, element, verifier wasm, the page's language (German), lists; gzip as served): ${kb(text)} KB in ${text.length} requests`);
    for (const f of text.sort((a, b) => b.bytes - a.bytes)) console.log(`  ${f.path}: ${(f.bytes / 1024).toFixed(1)} KB`);
    await browser.close();
    browser = await playwright.launch({ executablePath: chromium, args: [...args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${root}target/clips/straight.y4m`] });
    const camera = await firstLoad(browser, `${site}element.html`, verdict);
    console.log(`element with the camera, first load to a verdict (adds the decoder's worker and wasm): ${kb(camera)} KB in ${camera.length} requests`);
    await browser.close();

    browser = await playwright.launch({ executablePath: chromium, args });
    const page = await browser.newPage();
    await page.goto(`${site}strict-csp.html`);
    await page.waitForFunction(() => customElements.get('iotmark-verifier'));
    const times = await page.evaluate(async (labels) => {
      const el = document.getElementById('checker');
      const once = (t) => new Promise((resolve) => {
        const started = performance.now();
        el.addEventListener('iotmark-verdict', () => resolve(performance.now() - started), { once: true });
        el.setAttribute('text', t);
      });
      await once(labels[0]); // the first check loads the wasm and the lists
      const out = [];
      // The same text twice in a row is no change of the attribute: alternate forms.
      for (let i = 0; i < 100; i++) out.push(await once(i % 2 ? labels[i % labels.length] : `IM1:${labels[i % labels.length].split('#IM1:')[1]}`));
      return out;
    }, texts.filter((t) => t.includes('#IM1:')));
    console.log(`element, text set to iotmark-verdict fired (100 labels, page loaded): median ${quantile(times, 0.5).toFixed(2)} ms, p95 ${quantile(times, 0.95).toFixed(2)} ms`);
    const headless = await page.evaluate(async (labels) => {
      const { createVerifier } = await import('./iotmark/index.js');
      const v = await createVerifier({ root: document.getElementById('checker').getAttribute('root'), trustList: 'lists/trust.cose', revocationList: 'lists/revocation.cose', keep: false });
      await v.prepare('en');
      const out = [];
      for (let i = 0; i < 100; i++) { const t0 = performance.now(); await v.verify(labels[i % labels.length], { lang: 'en' }); out.push(performance.now() - t0); }
      return out;
    }, texts);
    console.log(`headless verify() with its explanation (100 labels): median ${quantile(headless, 0.5).toFixed(3)} ms, p95 ${quantile(headless, 0.95).toFixed(3)} ms`);
    await browser.close();
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
