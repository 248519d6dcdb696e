// The decoder's worker: camera frames and photos are decoded here, off the page's thread,
// by the browser's BarcodeDetector where it exists and by the iotmark decoder otherwise.
// The core decides which code to show (labels first; another code only after a moment).
// A decoder panic traps the WebAssembly instance: the worker reports "trapped" and the
// page starts a fresh worker.
import init, { Camera, scanPhoto } from './wasm/iotmark_scan.js';

const ready = init({ module_or_path: new URL('./wasm/iotmark_scan_bg.wasm', import.meta.url) });
const detector = 'BarcodeDetector' in self ? new self.BarcodeDetector({ formats: ['qr_code'] }) : null;
let camera = null;
let canvas = null;
let ctx = null;

/** The RGBA pixels of an ImageBitmap. */
function pixels(bitmap) {
  if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    ctx = canvas.getContext('2d', { willReadFrequently: true });
  }
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

async function native(bitmap) {
  if (!detector) return null;
  try {
    const found = await detector.detect(bitmap);
    return found.length ? found.map((c) => c.rawValue) : null;
  } catch {
    return null;
  }
}

async function frame({ bitmap, now }) {
  camera ??= new Camera();
  const texts = await native(bitmap);
  if (texts) return { engine: 'native', sighted: camera.found(texts, now), codes: texts.map((text) => ({ text })) };
  const img = pixels(bitmap);
  const r = camera.frame(img.width, img.height, new Uint8Array(img.data.buffer), now);
  return { engine: 'wasm', ...r };
}

async function photo({ bitmap }) {
  const img = pixels(bitmap);
  return { engine: 'wasm', ...scanPhoto(img.width, img.height, new Uint8Array(img.data.buffer)) };
}

self.onmessage = async ({ data: msg }) => {
  const started = performance.now();
  try {
    await ready;
    const result = msg.type === 'photo' ? await photo(msg) : await frame(msg);
    self.postMessage({ id: msg.id, ok: true, result: { ...result, ms: performance.now() - started } });
  } catch (e) {
    self.postMessage({ id: msg.id, ok: false, trapped: e instanceof WebAssembly.RuntimeError, error: String(e?.message || e), code: e?.code });
  } finally {
    msg.bitmap?.close();
  }
};
