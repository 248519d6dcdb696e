// `npm test`: set up, build, then run every test: Rust (unit, conformance vectors,
// property tests, CLI), and the browser tests in headless Chromium with a fake camera.
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup } from './setup.mjs';
import { build } from './build.mjs';
import { startPostgres } from './postgres.mjs';
import { seedDemo, startRegistry } from './registry.mjs';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, env = {}) => { console.log(`[test] ${cmd}`); execSync(cmd, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } }); };

// The registry's tests run on SQLite and on a real PostgreSQL server; here they must not skip.
process.env.IOTMARK_REQUIRE_POSTGRES = '1';
const REGISTRY_PORT = 8182;
setup({ browser: true });
build({ link: 'HTTP://LOCALHOST:8181/', registry: `http://127.0.0.1:${REGISTRY_PORT}` });
run('cargo fmt --all -- --check');
run('cargo clippy --release --locked --all-targets --workspace -- -D warnings');
run('cargo test --release --locked --workspace');
// A second verifier, written from docs/ alone, over every vector and over the demo labels
// the CLI made; and an ordinary COSE library reading an envelope.
run('python3 tests/python/test_vectors.py');
run('python3 tests/python/test_vectors.py --labels web/dist/demo/manifest.json --root target/demo-keys/root.pub --trust target/demo-keys/trust.cose --revocation target/demo-keys/revocation.cose');
run('python3 tests/python/test_pycose.py');
run('cargo build --release --locked -p iotmark-tests --bin camera-clip');
mkdirSync(`${root}/target/clips`, { recursive: true });
const clip = (label, name, args) => run(`target/release/camera-clip web/dist/demo/labels/${label}.png target/clips/${name}.y4m ${args}`);
clip('smart-speaker-sticker', 'straight', '--size 1280x720 --fill 0.8');
clip('open-thermostat-panel', 'tilted-dim', '--size 1280x720 --rotate 14 --tilt 0.3 --dim 0.55 --fill 0.85');
clip('tampered-sticker', 'tampered', '--size 1280x720 --fill 0.8');
clip('expired-sticker', 'expired', '--size 1280x720 --fill 0.8');
clip('struck-off-sticker', 'struck-off', '--size 1280x720 --fill 0.8');
clip('not-a-label.qr', 'not-a-label', '--size 1280x720 --fill 0.5');

// The browser tests run beside a real registry seeded with the demo: on SQLite with every
// spec, then the registry's end-to-end spec again on PostgreSQL.
const manifest = `${root}/web/dist/demo/manifest.json`;
const tmp = mkdtempSync(join(tmpdir(), 'iotmark-test-'));
async function withRegistry(database, use) {
  const tokens = seedDemo(database);
  // Every browser test posts from 127.0.0.1: a higher per-client report limit than the
  // default of 10 a minute, so that the tests measure behaviour, not the limiter.
  const registry = await startRegistry({ port: REGISTRY_PORT, database, manifest, tokens, reportLimit: 200, quiet: true });
  try { use(registry.url, tokens); } finally { registry.stop(); await new Promise((r) => registry.child.once('exit', r)); }
}
try {
  await withRegistry(`sqlite://${tmp}/registry.db`, (url, tokens) => run('npx playwright test --config tests/browser/playwright.config.mjs', { PORT: '8181', REGISTRY_URL: url, IOTMARK_REGISTRY_TOKEN: tokens.lab }));
  const pg = await startPostgres();
  try {
    await withRegistry(pg.url, (url, tokens) => run('npx playwright test --config tests/browser/playwright.config.mjs tests/browser/registry.spec.mjs', { PORT: '8181', REGISTRY_URL: url, IOTMARK_REGISTRY_TOKEN: tokens.lab, REGISTRY_DATABASE: 'postgres' }));
  } finally { pg.stop(); }
} finally { rmSync(tmp, { recursive: true, force: true }); }
