// `npm run bench`: prints the figures the issues ask for, measured on this machine.
// Browser: scanner first-load transfer, camera ready, frame-to-verdict time; our wasm
// decoder against jsQR and @zxing/library on the same frames; label verification in wasm.
// Native: label verification, signing against raw Ed25519, frame decoding, PDF sheets for
// 10,000 labels, and the QR photo corpus (with zxing-cpp beside it when Python has it).
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { chromium as playwright } from '@playwright/test';
import { serve } from './serve.mjs';
import { setup } from './setup.mjs';
import { build } from './build.mjs';
import { registryBench } from './registry-bench.mjs';
import { elementBench } from './element-bench.mjs';
import { slowLinkBench } from './slow-link-bench.mjs';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const sh = (cmd) => execSync(cmd, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const chromium = sh('command -v chromium').trim();
/** zxing-cpp's figures on a folder of images, when Python has the package. */
function zxing(folder) {
  try {
    return sh(`python3 scripts/zxing-corpus.py ${folder}`);
  } catch {
    return '(zxing-cpp not available to Python: pip install zxing-cpp pillow)\n';
  }
}
const args = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

// `npm run bench -- decoders` runs only the browser decoder comparison.
const only = process.argv[2];
setup({ browser: true });
if (only === 'decoders' || !existsSync(`${root}/web/dist/demo/manifest.json`)) build({ link: 'HTTP://LOCALHOST:8291/' });
sh('cargo build --release --locked -p iotmark-tests --bin camera-clip --bin bench --bin qr-corpus');
mkdirSync(`${root}/target/clips`, { recursive: true });
if (!existsSync(`${root}/target/clips/straight.y4m`)) sh('target/release/camera-clip web/dist/demo/labels/smart-speaker-sticker.png target/clips/straight.y4m --size 1280x720 --fill 0.8');

const app = await serve(`${root}/web/dist`, 8291);
const repo = await serve(root, 8292);

// The scanner as a shopper meets it: a fresh phone, the camera pointed at a label.
let browser;
if (only !== 'decoders') {
browser = await playwright.launch({ executablePath: chromium, args: [...args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${root}/target/clips/straight.y4m`] });
let transfer = 0;
const context = await browser.newContext();
context.on('requestfinished', async (r) => { const s = await r.sizes(); transfer += s.responseBodySize + s.responseHeadersSize; });
const page = await context.newPage();
await page.goto('http://localhost:8291/');
await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
await page.waitForSelector('#verdict[data-verdict]', { timeout: 30000 });
const timing = await page.evaluate(() => window.iotmark.timing);
console.log(`scanner first load (page, both wasm modules, the page's language, lists, icons; gzip as served): ${(transfer / 1024).toFixed(1)} KB transferred`);
console.log(`camera ready: ${timing.cameraReadyMs.toFixed(0)} ms after navigation start (fake camera, permission granted)`);
console.log(`label in view to verdict on screen: ${timing.verdictMs.toFixed(0)} ms (frame capture, decode in worker, verify, render); frames decoded: ${timing.frames}`);
await browser.close();
console.log('\nthe embeddable verifier (@iotmark/verifier, examples/ pages):');
await elementBench(chromium);
await slowLinkBench(chromium);
}

browser = await playwright.launch({ executablePath: chromium, args });
const bench = await browser.newPage();
await bench.goto('http://localhost:8292/tests/bench/decoders.html');
await bench.waitForFunction(() => window.results, null, { timeout: 300000 });
const r = await bench.evaluate(() => window.results);
if (r.error) throw new Error(r.error);
console.log(`verify one label in WebAssembly: ${r.verify.microsecondsEach.toFixed(1)} µs (${r.verify.verdict})`);
console.log('decoders in one headless Chromium run, same frames (label artwork rotated 0/12/30°, dimmed, blurred, noisy):');
for (const d of r.decoders) console.log(`  ${d.size} ${d.decoder.padEnd(14)} detected ${d.detected}/${d.frames}, wrong ${d.wrong}, median ${d.medianMs.toFixed(2)} ms/frame`);
// The same frames natively: our decoder and zxing-cpp on the same grey pixels.
const frames = `${root}/target/bench-frames`;
rmSync(frames, { recursive: true, force: true });
for (const size of ['1280x720', '640x480']) mkdirSync(`${frames}/${size}`, { recursive: true });
for (const f of r.frames) {
  const at = `${frames}/${f.name.split('-')[0]}/${f.name}`;
  writeFileSync(`${at}.png`, Buffer.from(f.png, 'base64'));
  writeFileSync(`${at}.txt`, f.text);
}
console.log('the same frames natively (qr-corpus), then zxing-cpp (PyPI zxing-cpp) on the same grey pixels:');
process.stdout.write(sh(`target/release/qr-corpus ${frames}`));
process.stdout.write(zxing(frames));
console.log(`public photo corpus in Chromium (every code, as a photo), our WebAssembly beside zxing-wasm:\n${(await (await import('../tests/bench/corpus-run.mjs')).corpusInChromium()).join('\n')}`);
await browser.close();
app.close();
repo.close();
if (only === 'decoders') process.exit(0);

console.log('\nnative:');
process.stdout.write(sh('target/release/bench 100000'));
const out = '/tmp/iotmark-bench-sheets';
rmSync(out, { recursive: true, force: true });
const key = `${root}/target/bench-lab.key`;
sh(`target/release/iotmark keygen --force --out ${key} >/dev/null && rm -f ${key}.pub`);
const t0 = Date.now();
sh(`target/release/iotmark batch labels/examples/smart-speaker.toml --key ${key} --out ${out} --count 10000 --sheet a4 2>/dev/null`);
console.log(`PDF sticker sheets for 10,000 serialised labels (A4, 6x7): ${((Date.now() - t0) / 1000).toFixed(1)} s, ${sh(`du -sh ${out}/sheets`).split('\t')[0]}`);
rmSync(out, { recursive: true, force: true });
rmSync(key, { force: true });
process.stdout.write(sh('node scripts/batch-bench.mjs'));
const corpus = `${root}/../shared/qr-corpus`;
if (existsSync(corpus)) {
  console.log('\nQR photo corpus (ours):');
  process.stdout.write(sh(`target/release/qr-corpus ${corpus}`));
  process.stdout.write(zxing(corpus));
}

console.log('\nregistry on loopback (list fetches, 304 revalidations, report posts, strike-off to served, peak memory):');
registryBench();
