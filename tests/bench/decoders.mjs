// Runs the same camera-like frames through our WebAssembly decoder, jsQR and
// @zxing/library, and times label verification in WebAssembly. Results go to window.results.
// The decoder module: the npm package's, or another build's folder (`?pkg=/target/…`).
const pkg = new URLSearchParams(location.search).get('pkg') || '/target/npm/package/wasm';
const { default: initScan, Camera, scanRgba } = await import(`${pkg}/iotmark_scan.js`);
import initVerify, { Verifier } from '/target/npm/package/wasm/iotmark_verify.js';

const LABELS = ['smart-speaker-sticker', 'video-doorbell-sticker', 'open-thermostat-panel'];
const SIZES = [[1280, 720], [640, 480]];
const ROTATIONS = [0, 12, 30];
const FILLS = [0.45, 0.8];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function image(url) {
  const img = new Image();
  img.src = url;
  await img.decode();
  return img;
}

/** A camera-like frame: the label on a grey textured background, rotated, dimmed, noisy. */
function frame(img, w, h, rotate, fill, seed) {
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.fillStyle = '#7a7060';
  ctx.fillRect(0, 0, w, h);
  const scale = (fill * h) / img.height;
  ctx.filter = 'brightness(0.75) blur(0.6px)';
  ctx.translate(w / 2, h / 2);
  ctx.rotate((rotate * Math.PI) / 180);
  ctx.drawImage(img, (-img.width * scale) / 2, (-img.height * scale) / 2, img.width * scale, img.height * scale);
  const data = ctx.getImageData(0, 0, w, h);
  let r = seed * 2654435761 >>> 0;
  for (let i = 0; i < data.data.length; i += 4) {
    r ^= r << 13; r >>>= 0; r ^= r >>> 17; r ^= r << 5; r >>>= 0;
    const n = (r % 21) - 10;
    data.data[i] += n; data.data[i + 1] += n; data.data[i + 2] += n;
  }
  return data;
}

async function png(data) {
  const c = new OffscreenCanvas(data.width, data.height);
  c.getContext('2d').putImageData(data, 0, 0);
  const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

const decoders = {
  // As the scanner calls it: one frame of a stream, within the per-frame budget.
  'iotmark-camera': (d) => new Camera().frame(d.width, d.height, new Uint8Array(d.data.buffer), 0).codes[0]?.text,
  // Every attempt on the one frame, as for a photo.
  'iotmark-full': (d) => scanRgba(d.width, d.height, new Uint8Array(d.data.buffer), false)[0]?.text,
  jsQR: (d) => window.jsQR(d.data, d.width, d.height)?.data,
  'zxing-library': (d) => {
    const grey = new Uint8ClampedArray(d.width * d.height);
    for (let i = 0, j = 0; j < grey.length; i += 4, j++) grey[j] = (77 * d.data[i] + 150 * d.data[i + 1] + 29 * d.data[i + 2]) >> 8;
    const source = new window.ZXing.RGBLuminanceSource(grey, d.width, d.height);
    try { return new window.ZXing.QRCodeReader().decode(new window.ZXing.BinaryBitmap(new window.ZXing.HybridBinarizer(source))).getText(); } catch { return undefined; }
  },
};

async function run() {
  await initScan({ module_or_path: `${pkg}/iotmark_scan_bg.wasm` });
  await initVerify({ module_or_path: '/target/npm/package/wasm/iotmark_verify_bg.wasm' });
  const manifest = await (await fetch('/web/dist/demo/manifest.json')).json();
  const texts = Object.fromEntries(manifest.map((m) => [m.name, m.text]));
  const results = { decoders: [], verify: null, frames: [] };
  const imgs = await Promise.all(LABELS.map((l) => image(`/web/dist/demo/labels/${l}.png`)));
  for (const [w, h] of SIZES) {
    const frames = [];
    imgs.forEach((img, k) => ROTATIONS.forEach((rot) => FILLS.forEach((fill) => frames.push({ data: frame(img, w, h, rot, fill, frames.length + 1), text: texts[LABELS[k].replace(/-(sticker|panel)$/, '')] }))));
    // The same frames as PNG, for the native comparison with zxing-cpp.
    for (const [i, f] of frames.entries()) results.frames.push({ name: `${w}x${h}-${i}`, text: f.text, png: await png(f.data) });
    for (const [name, decode] of Object.entries(decoders)) {
      decode(frames[0].data); // warm up
      const times = [];
      let found = 0;
      let wrong = 0;
      for (const f of frames) {
        const t0 = performance.now();
        const text = decode(f.data);
        times.push(performance.now() - t0);
        if (text === f.text) found++;
        else if (text !== undefined) wrong++;
      }
      results.decoders.push({ size: `${w}x${h}`, decoder: name, frames: frames.length, detected: found, wrong, medianMs: median(times) });
    }
  }
  const config = await (await fetch('/web/dist/trust/config.json')).json();
  const bytes = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());
  const verifier = new Verifier(config.root, await bytes('/web/dist/trust/trust.cose'), await bytes('/web/dist/trust/revocation.cose'));
  // The verifier carries no words of its own: its explanations need a language loaded.
  if (verifier.addLanguage) verifier.addLanguage('en', await (await fetch('/core/lang/en.json')).text());
  const text = texts['smart-speaker'];
  const n = 2000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) verifier.verify(text, {});
  results.verify = { labels: n, microsecondsEach: ((performance.now() - t0) * 1000) / n, verdict: verifier.verify(text, {}).verification.verdict };
  window.results = results;
  document.getElementById('out').textContent = 'done';
}
run().catch((e) => { window.results = { error: String(e) }; });
