// `npm run package`: builds the npm package @iotmark/verifier the way the ecosystem does
// (wasm-pack, twice: the verifier for size, the decoder for speed), assembles it in
// target/npm/package with its JavaScript, types and language files, and packs it into
// target/npm/iotmark-verifier-<version>.tgz with `npm pack`.
import { execSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// wasm-pack runs the first wasm-opt on PATH: binaryen from npm (a current release; the
// Debian one, 108, breaks wasm-bindgen's externref table).
const PATH = `${join(root, 'node_modules/.bin')}:${process.env.PATH}`;
const run = (cmd, cwd = root) => { console.log(`[package] ${cmd}`); return execSync(cmd, { stdio: ['ignore', 'pipe', 'inherit'], cwd, encoding: 'utf8', env: { ...process.env, PATH } }); };
export const packageDir = join(root, 'target/npm/package');

/** Builds both WebAssembly modules and assembles the package folder; returns its path. */
export function buildPackage() {
  const out = join(root, 'target/wasm-pack');
  rmSync(out, { recursive: true, force: true });
  // The verifier (default features) is built for size; the decoder for speed.
  run(`wasm-pack build wasm --mode no-install --target web --no-pack --profile wasm-verify --out-dir ${out}/verify --out-name iotmark_verify`);
  run(`wasm-pack build wasm --mode no-install --target web --no-pack --release --out-dir ${out}/scan --out-name iotmark_scan -- --no-default-features --features scan`);
  rmSync(packageDir, { recursive: true, force: true });
  mkdirSync(join(packageDir, 'wasm'), { recursive: true });
  for (const m of ['verify', 'scan']) {
    for (const f of readdirSync(join(out, m)).filter((f) => /\.(js|wasm|d\.ts)$/.test(f))) cpSync(join(out, m, f), join(packageDir, 'wasm', f));
  }
  cpSync(join(root, 'wasm/js'), packageDir, { recursive: true });
  // The library reports loading progress against the verifier module's real size.
  const index = join(packageDir, 'index.js');
  const bytes = statSync(join(packageDir, 'wasm/iotmark_verify_bg.wasm')).size;
  writeFileSync(index, readFileSync(index, 'utf8').replace('const WASM_BYTES = 0;', `const WASM_BYTES = ${bytes};`));
  minify(packageDir);
  // The verifier's six language files (not the label studio's words, kept in a folder of their own).
  mkdirSync(join(packageDir, 'lang'));
  for (const f of readdirSync(join(root, 'core/lang')).filter((f) => f.endsWith('.json'))) cpSync(join(root, 'core/lang', f), join(packageDir, 'lang', f));
  for (const f of ['package.json', 'README.md']) cpSync(join(root, 'wasm', f), join(packageDir, f));
  cpSync(join(root, 'LICENSE'), join(packageDir, 'LICENSE'));
  return packageDir;
}

/** Every JavaScript file of the package minified in place: see [minifyFiles]. */
function minify(dir) {
  minifyFiles(readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => join(dir, f)));
}

/**
 * JavaScript (ES modules stay ES modules) and CSS files minified in place by esbuild:
 * sites and shoppers download them, and the readable source is in the repository. About a
 * third less to fetch before the first verdict.
 */
export function minifyFiles(paths) {
  // Loaded here, not imported at the top: the first run installs it (setup.mjs) after this
  // module is loaded.
  const { transformSync } = createRequire(import.meta.url)('esbuild');
  for (const path of paths) {
    const loader = path.endsWith('.css') ? 'css' : 'js';
    const options = loader === 'css' ? { loader, minify: true } : { loader, minify: true, format: 'esm', target: 'es2022', legalComments: 'none' };
    writeFileSync(path, transformSync(readFileSync(path, 'utf8'), options).code);
  }
}

/** `npm pack` of the package folder into target/npm; returns the tarball's path. */
export function pack() {
  const name = run(`npm pack --silent --pack-destination ${join(root, 'target/npm')}`, packageDir).trim().split('\n').pop();
  return join(root, 'target/npm', name);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { setup } = await import('./setup.mjs');
  setup();
  buildPackage();
  console.log(`[package] ${pack()}`);
}
