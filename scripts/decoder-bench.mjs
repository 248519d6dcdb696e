// `node scripts/decoder-bench.mjs [CORPUS_DIR]`: the QR decoder natively beside zxing-cpp on
// the same pixels. The public photo corpus (default ../shared/qr-corpus) with Want::First
// (as the camera) and Want::All (as `iotmark scan`); the rendered scenes of
// `tests/src/bin/scenes.rs` per kind; images holding no code (time bounds); and the public
// corpus in headless Chromium, our WebAssembly decoder beside zxing-wasm in the same run
// (tests/bench/corpus-run.mjs; our module from `npm run package`, or IOTMARK_SCAN_PKG).
// zxing-cpp comes from PyPI (`pip install zxing-cpp pillow`); without it its lines are skipped.
import { execSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const corpus = process.argv[2] ?? `${root}/../shared/qr-corpus`;
const sh = (cmd) => execSync(cmd, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const zxing = (dir, extra = '') => {
  try {
    return sh(`python3 scripts/zxing-corpus.py ${dir} ${extra}`);
  } catch {
    return '(zxing-cpp not available to Python: pip install zxing-cpp pillow)\n';
  }
};

sh('cargo build --release --locked -p iotmark-tests --bin qr-corpus --bin scenes --bin scan-bounds');
const scenes = `${root}/target/scenes`;
sh(`rm -rf ${scenes}`);
console.log(sh(`target/release/scenes ${scenes} --frames 20`));

console.log(`# Public corpus (${corpus}), first code (camera)`);
console.log(sh(`target/release/qr-corpus ${corpus}`));
console.log('# Public corpus, every code (iotmark scan)');
console.log(sh(`target/release/qr-corpus ${corpus} --all`));
console.log(zxing(corpus));

console.log('# Rendered scenes, every code, frames read per kind');
console.log(sh(`target/release/qr-corpus ${scenes} --all`));
console.log(zxing(scenes, '--folders'));

console.log('# Images with no code: worst of three runs');
console.log(sh('target/release/scan-bounds'));

console.log('# Public corpus in Chromium, every code (as a photo): our WebAssembly beside zxing-wasm, same run');
const { corpusInChromium } = await import('../tests/bench/corpus-run.mjs');
console.log((await corpusInChromium(corpus)).join('\n'));
