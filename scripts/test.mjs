// `npm test`: set up, build, then run every test: Rust (unit, conformance vectors,
// property tests, CLI), and the browser tests in headless Chromium with a fake camera.
import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { setup } from './setup.mjs';
import { build } from './build.mjs';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, env = {}) => { console.log(`[test] ${cmd}`); execSync(cmd, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } }); };

setup({ browser: true });
build({ link: 'HTTP://LOCALHOST:8181/' });
run('cargo fmt --all -- --check');
run('cargo clippy --release --locked --all-targets --workspace -- -D warnings');
run('cargo test --release --locked --workspace');
run('cargo build --release --locked -p iotmark-tests --bin camera-clip');
mkdirSync(`${root}/target/clips`, { recursive: true });
const clip = (label, name, args) => run(`target/release/camera-clip web/dist/demo/labels/${label}.png target/clips/${name}.y4m ${args}`);
clip('smart-speaker-sticker', 'straight', '--size 1280x720 --fill 0.8');
clip('open-thermostat-panel', 'tilted-dim', '--size 1280x720 --rotate 14 --tilt 0.3 --dim 0.55 --fill 0.85');
clip('tampered-sticker', 'tampered', '--size 1280x720 --fill 0.8');
clip('expired-sticker', 'expired', '--size 1280x720 --fill 0.8');
clip('struck-off-sticker', 'struck-off', '--size 1280x720 --fill 0.8');
clip('not-a-label.qr', 'not-a-label', '--size 1280x720 --fill 0.5');
run('npx playwright test --config tests/browser/playwright.config.mjs', { PORT: '8181' });
