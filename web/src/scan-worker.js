// The scanner's worker: every piece of WebAssembly work (decoding frames, verifying,
// explaining) happens here, so the page stays smooth. A panic in the decoder traps the
// instance; the worker then reports "trapped" and the page starts a fresh worker.
import init, { scanCameraFrame, scanRgba, Verifier } from './pkg/iotmark_wasm.js';

let verifier = null;
let canvas = null;
let ctx = null;
const detector = 'BarcodeDetector' in self ? new self.BarcodeDetector({ formats: ['qr_code'] }) : null;

const ready = init({ module_or_path: new URL('./pkg/iotmark_wasm_bg.wasm', import.meta.url) });

function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Frame pixels from an ImageBitmap, drawn on an OffscreenCanvas. */
function pixels(bitmap) {
  if (!canvas || canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
    canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    ctx = canvas.getContext('2d', { willReadFrequently: true });
  }
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

async function decode(msg) {
  try {
    return await decodeFrame(msg);
  } finally {
    msg.bitmap?.close(); // frees the frame's memory at once, whichever decoder read it
  }
}

async function decodeFrame(msg) {
  const started = performance.now();
  if (detector && msg.bitmap) {
    try {
      const found = await detector.detect(msg.bitmap);
      if (found.length) return { codes: found.map((c) => ({ text: c.rawValue })), engine: 'native', ms: performance.now() - started };
    } catch { /* fall through to our decoder */ }
  }
  const img = msg.bitmap ? pixels(msg.bitmap) : msg.image;
  const rgba = new Uint8Array(img.data.buffer);
  // Camera frames get a per-frame budget (attempts taken in turn); a photo gets everything.
  const codes = JSON.parse(msg.seq === undefined ? scanRgba(img.width, img.height, rgba, !!msg.all) : scanCameraFrame(img.width, img.height, rgba, msg.seq));
  return { codes, engine: 'wasm', ms: performance.now() - started };
}

function lists(msg) {
  if (!verifier) verifier = new Verifier(hexToBytes(msg.root), new Uint8Array(msg.trust), msg.revocation ? new Uint8Array(msg.revocation) : undefined);
  const updated = { trust: [], revocation: [] };
  for (const t of msg.extraTrust || []) {
    try { updated.trust.push(verifier.updateTrustList(new Uint8Array(t))); } catch (e) { updated.trust.push(String(e.message || e)); }
  }
  for (const r of msg.extraRevocation || []) {
    try { updated.revocation.push(verifier.updateRevocationList(new Uint8Array(r))); } catch (e) { updated.revocation.push(String(e.message || e)); }
  }
  return updated;
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    await ready;
    let result;
    if (msg.type === 'lists') result = lists(msg);
    else if (msg.type === 'frame') result = await decode(msg);
    else if (msg.type === 'explain') result = JSON.parse(verifier.explain(msg.text, msg.today, msg.language));
    else if (msg.type === 'verify') result = JSON.parse(verifier.verify(msg.text, msg.today));
    else throw new Error(`unknown request ${msg.type}`);
    self.postMessage({ id: msg.id, ok: true, result });
  } catch (e) {
    const trapped = e instanceof WebAssembly.RuntimeError;
    self.postMessage({ id: msg.id, ok: false, trapped, error: String(e && e.message || e) });
  }
};
