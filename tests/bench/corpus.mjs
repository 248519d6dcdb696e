// The public photo corpus (../shared/qr-corpus, served under /corpus/ by corpus-run.mjs)
// through our WebAssembly decoder as a photo is read (scanPhoto: every code, the text
// completed with TextDecoder where the module hands over bytes, as the decoder's worker
// does) and through zxing-wasm (zxing-cpp compiled to WebAssembly, its .wasm from
// node_modules) with textMode 'Plain', in the same run on the same pixels. Results go to
// window.results: per decoder, correct / wrong / failed and mean and worst ms per image.
const params = new URLSearchParams(location.search);
const pkg = params.get('pkg') || '/target/npm/package/wasm';
// A decoder panic traps the instance: as the scanner's worker does, a fresh one is started
// (a fresh copy of the module) and that image counts as read by nothing.
let scanPhoto;
let instances = 0;
async function fresh() {
  const module = await import(`${pkg}/iotmark_scan.js?instance=${instances++}`);
  await module.default({ module_or_path: `${pkg}/iotmark_scan_bg.wasm` });
  scanPhoto = module.scanPhoto;
}

let traps = 0;
const normalise = (s) => s.replace(/\r\n/g, '\n').trim();
const latin1 = (bytes) => Array.from(bytes, (b) => String.fromCharCode(b)).join('');

/** Our codes' texts, each completed from its parts as the decoder's worker does. */
function texts(codes) {
  return codes.map((c) => (c.parts ? c.parts.map((p) => (typeof p === 'string' ? p : new TextDecoder(p.encoding).decode(new Uint8Array(p.bytes)))).join('') : c.text));
}

const decoders = {
  'iotmark-wasm': async (d) => {
    try {
      return texts(scanPhoto(d.width, d.height, new Uint8Array(d.data.buffer)).codes).map((text) => ({ text }));
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      traps++;
      console.log(`trap ${traps}: ${e.message}`);
      await fresh();
      return [];
    }
  },
  'zxing-wasm': async (d) => (await window.ZXingWASM.readBarcodes(d, { formats: ['QRCode'], textMode: 'Plain' })).filter((r) => r.isValid).map((r) => ({ text: r.text, bytes: r.bytes })),
};

async function pixels(name) {
  const bitmap = await createImageBitmap(await (await fetch(`/corpus/${name}`)).blob());
  const c = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
}

async function run() {
  await fresh();
  window.ZXingWASM.prepareZXingModule({
    overrides: { locateFile: (path, prefix) => (path.endsWith('.wasm') ? '/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm' : prefix + path) },
  });
  const list = await (await fetch('/corpus/list.json')).json();
  const images = [];
  for (const item of list) images.push({ ...item, data: await pixels(item.name) });
  const results = [];
  for (const [name, decode] of Object.entries(decoders)) {
    await decode(images[0].data); // warm up (and instantiate)
    const t = { decoder: name, correct: 0, wrong: 0, failed: 0, images: images.length, totalMs: 0, worstMs: 0, worst: '', wrongImages: [] };
    for (const img of images) {
      const t0 = performance.now();
      const codes = await decode(img.data);
      const ms = performance.now() - t0;
      t.totalMs += ms;
      if (ms > t.worstMs) [t.worstMs, t.worst] = [ms, img.name];
      const bin = img.bin ? Uint8Array.from(atob(img.bin), (ch) => ch.charCodeAt(0)) : null;
      // A payload with no text form (an empty .txt) is compared by its bytes; our module
      // gives text only, compared with the bytes' text in each encoding it may choose.
      const textsOfBin = bin ? [latin1(bin), new TextDecoder('utf-8').decode(bin), new TextDecoder('shift_jis').decode(bin)] : [];
      const right = (c) => (img.text ? normalise(c.text) === img.text : bin && (c.bytes ? c.bytes.length === bin.length && c.bytes.every((b, i) => b === bin[i]) : textsOfBin.includes(c.text)));
      if (codes.some(right)) t.correct++;
      else if (codes.length === 0) t.failed++;
      else { t.wrong++; t.wrongImages.push(img.name); }
    }
    results.push({ ...t, meanMs: t.totalMs / images.length, traps: name === 'iotmark-wasm' ? traps : 0 });
  }
  window.results = results;
  document.getElementById('out').textContent = 'done';
}
run().catch((e) => { window.results = { error: String(e?.stack || e) }; });
