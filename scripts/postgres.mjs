// A throwaway PostgreSQL server for tests and benchmarks: a fresh cluster in a temporary
// folder, on a free loopback port, run as the `postgres` user (the server refuses root),
// stopped and removed by stop(). Nothing is left running and two runs never share data.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function postgresBin() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin/initdb'))).sort((a, b) => b - a) : [];
  if (!versions.length) throw new Error('PostgreSQL is not installed (apt-get install postgresql): the setup installs it for the tests');
  return join(base, versions[0], 'bin');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export async function startPostgres() {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'iotmark-pg-'));
  chmodSync(dir, 0o777);
  const asPostgres = (tool, args) => {
    const cmd = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    return execFileSync(cmd[0], cmd[1], { stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const port = await freePort();
  asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'iotmark', '--no-sync']);
  asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`, '-l', join(dir, 'log'), '-w', 'start']);
  const url = `postgres://iotmark@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try { asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return { url, port, stop };
}
