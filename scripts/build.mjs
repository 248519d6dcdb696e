// Builds everything: the `iotmark` tool, the npm package (wasm-pack, scripts/package.mjs),
// the demo (keys, lists, labels) and the scanner app in web/dist with its precache list.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { allowConnectInPage } from './serve.mjs';
import { buildPackage, minifyFiles } from './package.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'web/dist');
const run = (cmd) => { console.log(`[build] ${cmd}`); execSync(cmd, { stdio: 'inherit', cwd: root }); };

export function build({ link = 'HTTP://LOCALHOST:8080/', registry = null } = {}) {
  run('cargo build --release --locked -p iotmark-labels -p iotmark-registry');
  // The npm package (@iotmark/verifier: the verifier, the decoder, the element): the
  // scanner app is built on it and serves it from verifier/.
  const pkg = buildPackage();
  rmSync(dist, { recursive: true, force: true });
  cpSync(join(root, 'web/src'), dist, { recursive: true });
  // The app's own scripts and styles, minified like the package (the service worker keeps
  // its placeholders, filled in below).
  minifyFiles(readdirSync(dist).filter((f) => /\.(js|css)$/.test(f) && f !== 'sw.js').map((f) => join(dist, f)));
  cpSync(pkg, join(dist, 'verifier'), { recursive: true, filter: (p) => !/\.(d\.ts|md)$|package\.json$|LICENSE$/.test(p) });
  const names = Object.fromEntries(readdirSync(join(root, 'core/lang')).filter((f) => f.endsWith('.json')).map((f) => [f.replace('.json', ''), JSON.parse(readFileSync(join(root, 'core/lang', f), 'utf8'))['language.name']]));
  writeFileSync(join(dist, 'verifier/lang/names.json'), JSON.stringify(names));
  buildStudio();
  const demo = join(dist, 'demo');
  run(`target/release/iotmark demo --out ${demo} --link ${link}`);
  mkdirSync(join(dist, 'trust'));
  for (const f of ['trust.cose', 'revocation.cose']) cpSync(join(demo, f), join(dist, 'trust', f));
  const config = JSON.parse(readFileSync(join(demo, 'config.json'), 'utf8'));
  writeFileSync(join(dist, 'trust/config.json'), JSON.stringify(registry ? { ...config, registry } : config, null, 2));
  // Any static host serves index.html as built: its CSP meta tag must allow the registry.
  if (registry) writeFileSync(join(dist, 'index.html'), allowConnectInPage(readFileSync(join(dist, 'index.html'), 'utf8'), [registry]));
  if (registry) writeFileSync(join(dist, 'studio.html'), allowConnectInPage(readFileSync(join(dist, 'studio.html'), 'utf8'), [registry]));
  // The demo's keys (public seeds, not secret) go to target/demo-keys for the demo
  // registry, never into the served folder.
  const keys = join(root, 'target/demo-keys');
  mkdirSync(keys, { recursive: true });
  for (const f of ['root.key', 'lab.key', 'registry.key', 'status.key', 'lab.pub', 'registry.pub', 'root.pub']) {
    cpSync(join(demo, f), join(keys, f));
    if (f.endsWith('.key')) rmSync(join(demo, f));
  }
  cpSync(join(demo, 'trust.cose'), join(keys, 'trust.cose'));
  cpSync(join(demo, 'revocation.cose'), join(keys, 'revocation.cose'));

  // Precached: the app, the wasm, the lists. Not the demo labels, and not
  // the PNG icons, which the browser fetches itself when the app is installed.
  const files = walk(dist).filter((f) => !f.startsWith('demo/') && f !== 'sw.js' && !/^icons\/.*\.png$/.test(f));
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(dist, f)));
  // The label studio's files are cached when the studio is first opened, not with the
  // scanner: the scanner's first load does not grow.
  const studio = files.filter(isStudio);
  // Nor the languages' files (names.json aside): the page has the service worker keep
  // those it shows (web/src/sw.js), so a phone downloads the language it shows, not six.
  // English aside, the last resort: should keeping the shown language fail (the page
  // closed too soon), the app still opens offline, in English, rather than not at all.
  // It is fetched at install, after the first verdict, so the first load does not grow.
  const isLanguage = (f) => /^verifier\/lang\/[a-z]{2}\.json$/.test(f) && f !== 'verifier/lang/en.json';
  const precache = ['./', ...files.filter((f) => f !== 'index.html' && !isStudio(f) && !isLanguage(f))];
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8')
    .replace('__VERSION__', hash.digest('hex').slice(0, 16))
    .replace('__PRECACHE__', JSON.stringify(precache))
    .replace('__STUDIO__', JSON.stringify(studio));
  writeFileSync(join(dist, 'sw.js'), sw);
  report(files.filter((f) => !isStudio(f)).concat('sw.js'));
  report(studio, 'label studio');
}

/** The label studio's files in web/dist: its page, scripts and styles, its module and words. */
const isStudio = (f) => /^studio[^/]*\.(html|js|css)$/.test(f) || f.startsWith('studio/');

/**
 * The label studio's WebAssembly module (wasm/src/studio.rs, built for size like the
 * verifier) into web/dist/studio/, with its words (core/lang/studio) beside it.
 */
function buildStudio() {
  const out = join(root, 'target/wasm-pack/studio');
  const PATH = `${join(root, 'node_modules/.bin')}:${process.env.PATH}`;
  console.log('[build] wasm-pack: the label studio');
  execSync(`wasm-pack build wasm --mode no-install --target web --no-pack --profile wasm-verify --out-dir ${out} --out-name iotmark_studio -- --no-default-features --features studio`, { stdio: 'inherit', cwd: root, env: { ...process.env, PATH } });
  mkdirSync(join(dist, 'studio/lang'), { recursive: true });
  for (const f of ['iotmark_studio.js', 'iotmark_studio_bg.wasm']) cpSync(join(out, f), join(dist, 'studio', f));
  cpSync(join(root, 'core/lang/studio'), join(dist, 'studio/lang'), { recursive: true });
}

function walk(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p, base) : [relative(base, p)];
  });
}

function report(files, what = 'scanner app') {
  const sizes = files.map((f) => { const b = readFileSync(join(dist, f)); return { f, raw: b.length, gz: gzipSync(b, { level: 9 }).length }; });
  const total = sizes.reduce((a, s) => ({ raw: a.raw + s.raw, gz: a.gz + s.gz }), { raw: 0, gz: 0 });
  const wasm = sizes.filter((s) => s.f.endsWith('.wasm')).map((s) => `${s.f.split('/').pop()} ${(s.raw / 1024).toFixed(1)} KB raw, ${(s.gz / 1024).toFixed(1)} KB gzipped`);
  console.log(`[build] ${what}: ${files.length} files, ${(total.raw / 1024).toFixed(1)} KB raw, ${(total.gz / 1024).toFixed(1)} KB gzipped (${wasm.join('; ')})`);
}

if (import.meta.url === `file://${process.argv[1]}`) build();
