// `node tests/bench/corpus-run.mjs [CORPUS_DIR]`: the public photo corpus in headless
// Chromium, our WebAssembly decoder beside zxing-wasm in the same run (corpus.html). The
// repository is served on a free loopback port and the corpus under /corpus/. Our module
// comes from the npm package folder (npm run package), or from IOTMARK_SCAN_PKG (a folder
// under the repository holding iotmark_scan.js and its .wasm).
import { chromium as playwright } from '@playwright/test';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { chromium, baseArgs } from '../browser/playwright.config.mjs';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** The labelled images of the corpus: name, expected text, and the raw bytes where the text is empty. */
function labelled(corpus, dir = corpus, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) labelled(corpus, path, out);
    else if (/\.(png|jpe?g|gif)$/.test(entry.name) && existsSync(path.replace(/\.[a-z]+$/, '.txt'))) {
      const text = readFileSync(path.replace(/\.[a-z]+$/, '.txt'), 'utf8').replace(/\r\n/g, '\n').trim();
      const bin = path.replace(/\.[a-z]+$/, '.bin');
      out.push({ name: relative(corpus, path), text, bin: !text && existsSync(bin) ? readFileSync(bin).toString('base64') : null });
    }
  }
  return out;
}

/** Runs the comparison; returns one line per decoder. */
export async function corpusInChromium(corpus = join(root, '../shared/qr-corpus'), pkg = process.env.IOTMARK_SCAN_PKG || '/target/npm/package/wasm') {
  if (!existsSync(corpus)) return [`(no corpus at ${corpus})`];
  const list = labelled(corpus);
  const server = await serve(root, 0, '127.0.0.1', { csp: false });
  const port = server.address().port;
  const browser = await playwright.launch({ executablePath: chromium, args: baseArgs });
  try {
    const page = await browser.newPage();
    if (process.env.BENCH_LOG) page.on("console", (m) => console.error(m.text()));
    await page.route('**/corpus/**', (route) => {
      const name = decodeURIComponent(new URL(route.request().url()).pathname.slice('/corpus/'.length));
      if (name === 'list.json') return route.fulfill({ contentType: 'application/json', body: JSON.stringify(list) });
      return route.fulfill({ body: readFileSync(join(corpus, name)) });
    });
    await page.goto(`http://127.0.0.1:${port}/tests/bench/corpus.html?pkg=${encodeURIComponent(pkg)}`);
    await page.waitForFunction(() => window.results, null, { timeout: 300_000 });
    const results = await page.evaluate(() => window.results);
    if (results.error) throw new Error(results.error);
    return results.map((r) => `  ${r.decoder.padEnd(13)} correct ${r.correct}, wrong ${r.wrong}, failed ${r.failed} of ${r.images}; mean ${r.meanMs.toFixed(1)} ms, worst ${r.worstMs.toFixed(1)} ms (${r.worst})${r.traps ? `; ${r.traps} traps` : ''}${r.wrong ? `; wrong: ${r.wrongImages.join(' ')}` : ''}`);
  } finally {
    await browser.close();
    server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`# Public corpus in Chromium, every code (as a photo), same run`);
  console.log((await corpusInChromium(process.argv[2])).join('\n'));
}
