// The WebAssembly decoder in Chromium reads what the command line reads. The decoder module
// leaves out the legacy encodings' tables (Shift_JIS and the like); the core still decides
// each code's character set, hands those bytes over with the encoding's label, and the
// decoder's worker makes the text with the browser's TextDecoder. The public photo corpus
// (../shared/qr-corpus) has Japanese codes; every one the command line reads must read to
// the same text here, through the worker as the element uses it, and none to a wrong text.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const corpus = process.env.QR_CORPUS || join(root, '../shared/qr-corpus');
// Natively unread too (a 87x107 pixel photo of a tiny code).
const UNREAD = new Set(['zxing/qrcode-2/33.png']);

const normalise = (s) => s.replace(/\r\n/g, '\n').trim();

/** The corpus images whose expected text has Japanese characters, with that text. */
function japanese(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) japanese(path, out);
    else if (/\.(png|jpe?g|gif)$/.test(entry.name)) {
      const txt = path.replace(/\.[a-z]+$/, '.txt');
      const text = existsSync(txt) ? normalise(readFileSync(txt, 'utf8')) : '';
      if (/[\u3000-\u9fff\uff00-\uffef]/.test(text)) out.push({ name: relative(corpus, path), text });
    }
  }
  return out;
}

test('decoder: photos in Shift_JIS read to the same text as natively, none wrong', async ({ page }) => {
  test.skip(!existsSync(corpus), `no photo corpus at ${corpus}`);
  const images = japanese(corpus);
  expect(images.length).toBeGreaterThanOrEqual(14);
  await page.route('**/corpus/**', (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.slice('/corpus/'.length));
    return route.fulfill({ body: readFileSync(join(corpus, name)) });
  });
  await page.route('**/decoder-test.html', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>decoder</title>' }));
  await page.goto('/decoder-test.html');
  const results = await page.evaluate(async (names) => {
    const { Decoder } = await import('/verifier/camera.js');
    const decoder = new Decoder();
    const out = [];
    for (const name of names) {
      const bitmap = await createImageBitmap(await (await fetch(`/corpus/${name}`)).blob());
      const r = await decoder.decode('photo', bitmap, 0);
      out.push({ name, texts: r.codes.map((c) => c.text), parts: r.codes.some((c) => 'parts' in c), sighted: r.sighted });
    }
    decoder.stop();
    return out;
  }, images.map((i) => i.name));
  // As the native corpus counts (qr-corpus): read if any code is the expected one (a photo
  // may hold more codes: 16.png is a code inside a code), wrong if codes were read and none
  // is; no text may hold U+FFFD, a part the worker left undecoded.
  for (const [i, r] of results.entries()) {
    const expected = images[i].text;
    const texts = r.texts.map(normalise);
    expect(texts.filter((t) => t.includes('\uFFFD')), `${r.name}: an undecoded part`).toEqual([]);
    expect(r.parts, `${r.name}: parts left for the caller`).toBe(false);
    if (UNREAD.has(r.name)) {
      expect(texts.length === 0 || texts.includes(expected), `${r.name}: a wrong text, ${texts}`).toBe(true);
      continue;
    }
    expect(texts, `${r.name}: read`).toContain(expected);
    expect(r.sighted.kind).toBe('other');
    expect(texts, `${r.name}: the sighting names a whole text`).toContain(normalise(r.sighted.text));
  }
});
