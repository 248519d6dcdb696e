// The registry's load benchmark, for `npm run bench`: builds the registry and runs
// target/release/registry-load, which starts its own registry on loopback (a SQLite file,
// and a throwaway PostgreSQL cluster when PostgreSQL is installed), bounded in time and
// requests. Prints its figures and returns them: per database, list fetches and 304
// revalidations per second with p50/p99, report posts per second with p50/p99, strike-off
// to served latency and the server's peak resident memory.
import { execFileSync, execSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** Runs the benchmark; `seconds` per phase. Returns `{sqlite, postgres?}` figures. */
export function registryBench({ seconds = 3, connections = 4 } = {}) {
  execSync('cargo build --release --locked -p iotmark-registry', { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const out = execFileSync(`${root}/target/release/registry-load`, ['--seconds', String(seconds), '--connections', String(connections)], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600000,
  });
  const lines = out.trimEnd().split('\n');
  const figures = JSON.parse(lines.pop());
  console.log(lines.join('\n'));
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) registryBench();
