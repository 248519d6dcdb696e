// The decoder's worker: camera frames and photos are decoded here, off the page's thread,
// by the browser's BarcodeDetector where it exists and by the iotmark decoder otherwise.
// The core decides which code to show (labels first; another code only after a moment).
// A decoder panic traps the WebAssembly instance: the worker reports "trapped" and the
// page starts a fresh worker. The module leaves out the legacy encodings' tables: a code
// in Shift_JIS (or another such encoding) comes with its bytes and the encoding's label,
// and its text is made here with the browser's TextDecoder (`complete`).
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

/**
 * The decoder's result with every text complete: a code whose `parts` hold bytes in an
 * encoding the module does not decode gets its text from TextDecoder, and so does the
 * sighting that named it (the core names a code by its text).
 */
export function complete(result) {
  const codes = result.codes.map((code) => {
    if (!code.parts) return code;
    const text = code.parts.map((p) => (typeof p === 'string' ? p : decodeText(p))).join('');
    const { parts, ...rest } = code;
    return { ...rest, text, partial: code.text };
  });
  let sighted = result.sighted;
  const named = sighted && 'text' in sighted ? codes.find((c) => c.partial !== undefined && c.partial === sighted.text) : undefined;
  if (named) sighted = { ...sighted, text: named.text };
  return { ...result, sighted, codes: codes.map(({ partial, ...code }) => code) };
}

/** Bytes in an encoding by its WHATWG label; malformed bytes become U+FFFD, as the core makes them. */
function decodeText({ encoding, bytes }) {
  try {
    return new TextDecoder(encoding).decode(new Uint8Array(bytes));
  } catch {
    return '\uFFFD'; // an encoding this browser lacks: no text rather than a wrong one
  }
}

async function frame({ bitmap, now }) {
  camera ??= new Camera();
  const texts = await native(bitmap);
  if (texts) return { engine: 'native', sighted: camera.found(texts, now), codes: texts.map((text) => ({ text })) };
  const img = pixels(bitmap);
  const r = complete(camera.frame(img.width, img.height, new Uint8Array(img.data.buffer), now));
  return { engine: 'wasm', ...r };
}

async function photo({ bitmap }) {
  const img = pixels(bitmap);
  return { engine: 'wasm', ...complete(scanPhoto(img.width, img.height, new Uint8Array(img.data.buffer))) };
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
