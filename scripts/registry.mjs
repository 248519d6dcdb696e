// Runs the registry for `npm start` and the browser tests: a database seeded with the
// demo (the region, the two demo issuers, a demo reviewer, the demo labels, the demo
// strike-off and three makers' applications), then `iotmark-registry serve` on loopback. Demo keys come from
// target/demo-keys (public seeds, not secret), written by the build.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'target/release/iotmark-registry');
const keys = join(root, 'target/demo-keys');

/** The demo reviewer's sign-in (a demo account: not secret). */
export const DEMO_REVIEWER = { email: 'reviewer@demo.iotmark', password: 'demo-reviewer-password' };
export const DEMO_OPERATOR = { email: 'operator@demo.iotmark', password: 'demo-operator-password' };

function admin(database, args, env = {}) {
  return execFileSync(bin, [...args, '--database', database], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** Adds the demo's region, issuers, reviewers and strike-off; returns the issuers' API tokens. */
export function seedDemo(database) {
  admin(database, ['add-region', '--code', 'eu', '--name', 'Demo certifying body (EU)']);
  const token = (name, key) => admin(database, ['add-issuer', '--name', name, '--key', join(keys, key), '--region', 'eu']).split('\n').pop().trim();
  const tokens = { lab: token('Demo Test Lab', 'lab.pub'), registry: token('Demo Self-Declaration Registry', 'registry.pub') };
  admin(database, ['add-user', '--email', DEMO_REVIEWER.email, '--role', 'reviewer', '--region', 'eu'], { IOTMARK_PASSWORD: DEMO_REVIEWER.password });
  admin(database, ['add-user', '--email', DEMO_OPERATOR.email, '--role', 'operator'], { IOTMARK_PASSWORD: DEMO_OPERATOR.password });
  // Makers' applications in the demo body's queue (/console/applications), as POST /api/applications stores them.
  for (const spec of ['smart-speaker', 'open-thermostat', 'video-doorbell']) {
    admin(database, ['add-application', join(root, 'labels/examples', `${spec}.toml`), '--region', 'eu']);
  }
  admin(database, ['import-revocations', join(keys, 'revocation.cose'), '--trust', join(keys, 'trust.cose'), '--root', join(keys, 'root.pub')]);
  return tokens;
}

async function waitFor(url, child, ms = 20000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the registry exited with code ${child.exitCode}`);
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the registry did not answer at ${url}`);
}

/** Starts the registry on `port` over `database`; registers the demo labels of `manifest`. */
export async function startRegistry({ port, database, manifest, tokens, publishDir, reportLimit, quiet = false }) {
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--database', database, '--status-key', join(keys, 'status.key'), '--trust', join(keys, 'trust.cose')];
  if (publishDir) args.push('--publish-dir', publishDir);
  // The tests' limit holds for makers' applications too (the studio's tests send several from one address).
  if (reportLimit) args.push('--report-limit', String(reportLimit), '--application-limit', String(reportLimit));
  const child = spawn(bin, args, { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => { if (child.exitCode === null) child.kill('SIGTERM'); };
  process.once('exit', stop);
  await waitFor(`${url}/lists/trust.cose`, child);
  if (manifest && tokens && existsSync(manifest)) await registerDemoLabels(url, manifest, tokens);
  return { url, child, stop };
}

/** Registers every genuine demo label with its issuer's token (the lab or the registry). */
async function registerDemoLabels(url, manifest, tokens) {
  const genuine = JSON.parse(readFileSync(manifest, 'utf8')).filter((m) => ['valid', 'expired', 'revoked'].includes(m.expected));
  for (const token of Object.values(tokens)) {
    // Each issuer's token registers its own labels; the others are refused with 422, by design.
    for (const m of genuine) {
      await fetch(`${url}/api/labels`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ labels: [m.text] }) });
    }
  }
}
