// `node scripts/batch-bench.mjs`: `iotmark batch` at factory speed (issue 13, item 4):
// 2,000 labels as separate files (target: under a minute) and 10,000 as A4 sticker sheets
// (target: under 45 s) on this machine, plus a resumed run and a mistyped argument.
// Run by `npm run bench`; IOTMARK_BIN=path uses that binary instead of building one.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
let bin = process.env.IOTMARK_BIN;
if (!bin) {
  execSync('cargo build --release --locked -p iotmark-labels', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  bin = `${root}/target/release/iotmark`;
}
const work = mkdtempSync(join(tmpdir(), 'iotmark-batch-bench-'));
const key = join(work, 'lab.key');
const spec = `${root}/labels/examples/smart-speaker.toml`;
const iotmark = (args) => spawnSync(bin, args, { encoding: 'utf8' });
iotmark(['keygen', '--out', key]);
const du = (dir) => execSync(`du -sm ${dir}`, { encoding: 'utf8' }).split('\t')[0];

/** Runs iotmark under bash's `time`: wall seconds, and the CPU seconds it used (user + system). */
function timed(name, args, target) {
  const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; time '${bin}' ${quoted} >/dev/null`], { encoding: 'utf8' });
  const last = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  if (r.status !== 0 || last.length !== 3) throw new Error(`${name}: ${r.stderr}`);
  const [s, user, sys] = last;
  const cpu = user + sys;
  const cores = availableParallelism();
  const verdict = target ? (s < target ? `under the ${target} s target` : `OVER the ${target} s target`) : '';
  // On a shared machine the wall time depends on the others' load; CPU / cores is what
  // the same run takes with the cores to itself.
  return { s, line: `${name}: ${s.toFixed(1)} s ${verdict} (${cpu.toFixed(1)} CPU-s: about ${(cpu / cores).toFixed(1)} s on ${cores} idle cores)` };
}

console.log(`iotmark batch on ${availableParallelism()} cores (load average ${loadavg()[0].toFixed(1)} at the start; other work on the machine slows these):`);
const files = join(work, 'files');
const a = timed('2,000 labels as separate files (sticker: SVG, PDF, PNG at 600 dpi, text, bare QR SVG and PNG)', ['batch', spec, '--key', key, '--out', files, '--count', '2000'], 60);
const n = readdirSync(join(files, 'labels')).length;
console.log(`  ${a.line}; ${n} files, ${du(files)} MB, ${(2000 / a.s).toFixed(0)} labels/s`);
const again = timed('  the same command again (resumes: nothing left to make)', ['batch', spec, '--key', key, '--out', files, '--count', '2000']);
console.log(again.line);
rmSync(files, { recursive: true, force: true });
const sheets = join(work, 'sheets');
const b = timed('10,000 labels as A4 sticker sheets (6x6 stickers of 30 x 44 mm)', ['batch', spec, '--key', key, '--out', sheets, '--count', '10000', '--sheet', 'a4'], 45);
console.log(`  ${b.line}; ${readdirSync(join(sheets, 'sheets')).length} sheets, ${du(sheets)} MB, ${(10000 / b.s).toFixed(0)} labels/s`);
rmSync(sheets, { recursive: true, force: true });
const stock = join(work, 'stock');
const c = timed('1,800 labels on Avery L7161 stock (100 sheets of 18)', ['batch', spec, '--key', key, '--out', stock, '--count', '1800', '--sheet', 'avery-l7161']);
console.log(`  ${c.line}`);
const typo = join(work, 'typo');
const r = iotmark(['batch', spec, '--key', key, '--out', typo, '--count', '2000', '--sheet', 'a44']);
console.log(`  a mistyped --sheet a44: exit ${r.status}, ${existsSync(typo) ? 'LEFT FILES BEHIND' : 'nothing written'} (${r.stderr.trim().slice(0, 90)}…)`);
rmSync(work, { recursive: true, force: true });
