// Installs what building and testing need, idempotently: each step is skipped when its
// tool is already there. Run by `npm start` and `npm test`; safe to run again.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const say = (m) => console.log(`[setup] ${m}`);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const run = (cmd) => { say(cmd); execSync(cmd, { stdio: 'inherit', cwd: root }); };
const asRoot = (cmd) => run(process.getuid && process.getuid() !== 0 && has('sudo') ? `sudo ${cmd}` : cmd);

export function lockedVersion(name) {
  const lock = readFileSync(`${root}/Cargo.lock`, 'utf8');
  const m = lock.match(new RegExp(`name = "${name}"\\nversion = "([^"]+)"`));
  if (!m) throw new Error(`${name} is not in Cargo.lock`);
  return m[1];
}

export function setup({ browser = false } = {}) {
  const installed = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' }).stdout || '';
  if (!installed.includes('wasm32-unknown-unknown')) run('rustup target add wasm32-unknown-unknown');

  const want = lockedVersion('wasm-bindgen');
  const have = has('wasm-bindgen') ? spawnSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  if (!have.endsWith(` ${want}`)) {
    // --locked pins the tool's own dependencies; when the registry mirror lacks one of them,
    // fall back to resolving afresh (the wasm-bindgen version itself is still exact).
    try { run(`cargo install wasm-bindgen-cli --version ${want} --locked`); } catch { run(`cargo install wasm-bindgen-cli --version ${want}`); }
  }

  // wasm-pack builds the npm package; it finds wasm-bindgen on PATH, and wasm-opt in
  // node_modules (npm's binaryen).
  if (!has('wasm-pack')) {
    try { run('cargo install wasm-pack --locked'); } catch { run('cargo install wasm-pack'); }
  }

  const apt = [];
  if (browser && !has('chromium')) apt.push('chromium');
  if (browser && !has('zbarimg')) apt.push('zbar-tools');
  if (browser && !has('pdftoppm')) apt.push('poppler-utils');
  // The registry's tests and load benchmark: a real PostgreSQL server, and wrk.
  if (browser && !existsSync('/usr/lib/postgresql/15/bin/initdb')) apt.push('postgresql');
  if (browser && !has('wrk')) apt.push('wrk');
  if (apt.length) {
    asRoot('apt-get update -qq');
    asRoot(`env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${apt.join(' ')}`);
  }

  if (!existsSync(`${root}/node_modules/.package-lock.json`) || !['wasm-opt', 'esbuild'].every((b) => existsSync(`${root}/node_modules/.bin/${b}`))) run('npm ci --no-audit --no-fund');

  // The independent Python verifier (tests/python) and its COSE cross-check.
  if (browser) {
    const missing = spawnSync('python3', ['-c', 'import cbor2, cryptography, pycose'], { stdio: 'ignore' }).status !== 0;
    if (missing) run('python3 -m pip install --quiet --disable-pip-version-check cbor2 cryptography pycose');
  }
  // The labels' print tests read every output back with a second decoder, zxing-cpp.
  if (browser && spawnSync('python3', ['-c', 'import zxingcpp, PIL'], { stdio: 'ignore' }).status !== 0) run('python3 -m pip install --quiet --disable-pip-version-check zxing-cpp pillow');
}

if (import.meta.url === `file://${process.argv[1]}`) setup({ browser: process.argv.includes('--browser') });
