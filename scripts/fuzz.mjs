// Runs every fuzz target (fuzz/, cargo-fuzz + libFuzzer) for SECONDS each, one after the
// other, on one core at low priority, and prints per target the executions, executions a
// second, coverage and corpus size. Exits non-zero when a target crashed (the input is
// saved under fuzz/artifacts/<target>/; fix it, then copy it to fuzz/regressions/<target>/
// so `cargo test` keeps it fixed). Not part of `npm test`.
//
//   npm run fuzz -- [SECONDS] [--runs N] [TARGET...]     (SECONDS defaults to 60)
//
// --runs N stops a target after N executions when that comes before SECONDS (issue 15
// asks for ten million executions or one hour, whichever comes first).
//
// Targets run at the speed their code allows: `scan` decodes images (tens of inputs a
// second), `spec` and `batch_csv` build the makers' tool and its dependencies first.
//
// Needs the nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz
// when it is missing. The committed seeds in fuzz/corpus/<target>/ are read, never
// written: what libFuzzer finds goes to fuzz/work/<target>/ (not committed).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const fuzz = join(root, "fuzz");
const args = process.argv.slice(2);
const seconds = args.length && /^\d+$/.test(args[0]) ? Number(args.shift()) : 60;
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : null;
if (runs !== null && !(Number.isInteger(runs) && runs > 0)) {
  console.error("--runs needs a whole number of executions");
  process.exit(2);
}
const env = { ...process.env, CARGO_BUILD_JOBS: process.env.CARGO_BUILD_JOBS ?? "1" };

// Per target: libFuzzer flags beyond the common ones. The scanner's inputs are images of
// at most 160 x 160 pixels (fuzz/src/targets.rs), so each runs in well under a second;
// its time-out is a minute of wall-clock time, because at `nice 19` on a machine that is
// building, half a second of work can take half a minute (a hang still shows).
const extra = { scan: ["-max_len=20000", "-timeout=60"] };

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: "inherit", env, ...opts });
  if (r.error) throw r.error;
  return r.status;
}

function fuzzInstalled() {
  const r = spawnSync("cargo", ["fuzz", "--version"], { stdio: "ignore", env });
  return r.status === 0;
}

if (!fuzzInstalled()) {
  console.log("cargo-fuzz is missing: installing it (cargo install cargo-fuzz --locked)");
  if (run("cargo", ["install", "cargo-fuzz", "--locked"]) !== 0 || !fuzzInstalled()) {
    console.error("could not install cargo-fuzz");
    process.exit(2);
  }
}

const manifest = readFileSync(join(fuzz, "Cargo.toml"), "utf8");
const all = [...manifest.matchAll(/^\[\[bin\]\]\s*\nname = "([^"]+)"/gm)].map((m) => m[1]);
const targets = args.length ? args : all;
for (const t of targets) {
  if (!all.includes(t)) {
    console.error(`no fuzz target ${t} (targets: ${all.join(", ")})`);
    process.exit(2);
  }
}

// Release build with debug assertions and overflow checks; no sanitizer (safe Rust: the
// bugs to find are panics, overflows, hangs and memory blow-ups, which need none).
// FUZZ_TARGET_DIR: build somewhere else than fuzz/target (e.g. to keep two builds).
const targetDir = process.env.FUZZ_TARGET_DIR ?? join(fuzz, "target");
// The makers' tool's targets need the crate's "labels" feature (and the labels crate to
// build); the core's build without it.
const labels = targets.some((t) => ["spec", "batch_csv"].includes(t));
const buildFlags = ["+nightly", "fuzz", "build", "--debug-assertions", "--sanitizer", "none", "--target-dir", targetDir];
if (labels) buildFlags.push("--features", "labels");
if (run("nice", ["-n", "19", "cargo", ...buildFlags], { cwd: fuzz }) !== 0) {
  console.error("the fuzz targets do not build");
  process.exit(2);
}
const triple = readdirSync(targetDir).find((d) => existsSync(join(targetDir, d, "release", targets[0])));
const bin = (t) => join(targetDir, triple, "release", t);

const number = (log, re) => {
  const all = [...log.matchAll(re)];
  return all.length ? all[all.length - 1].slice(1) : null;
};

const rows = [];
let crashed = false;
for (const t of targets) {
  const work = join(fuzz, "work", t);
  const artifacts = join(fuzz, "artifacts", t);
  const logs = join(fuzz, "work", `${t}.logs`);
  for (const d of [work, artifacts]) mkdirSync(d, { recursive: true });
  rmSync(logs, { recursive: true, force: true });
  mkdirSync(logs, { recursive: true });
  const flags = [
    `-max_total_time=${seconds}`,
    ...(runs ? [`-runs=${runs}`] : []),
    "-jobs=1",
    "-workers=1",
    "-rss_limit_mb=1024",
    "-timeout=10",
    "-print_final_stats=1",
    `-artifact_prefix=${artifacts}/`,
    ...(extra[t] ?? []),
    work,
    join(fuzz, "corpus", t),
  ];
  console.log(`\n== ${t}: ${seconds} s`);
  const started = Date.now();
  const status = run("nice", ["-n", "19", bin(t), ...flags], { cwd: logs, stdio: ["ignore", "ignore", "inherit"] });
  const elapsed = (Date.now() - started) / 1000;
  const logFile = readdirSync(logs).find((f) => f.endsWith(".log"));
  const log = logFile ? readFileSync(join(logs, logFile), "utf8") : "";
  const [execs] = number(log, /stat::number_of_executed_units:\s*(\d+)/g) ?? ["?"];
  const [rate] = number(log, /stat::average_exec_per_sec:\s*(\d+)/g) ?? ["?"];
  const [cov, ft] = number(log, /cov: (\d+) ft: (\d+)/g) ?? ["?", "?"];
  const corpus = readdirSync(work).length;
  // libFuzzer also writes an input that ran longer than 10 s (`slow-unit-…`): not a crash
  // (the time-out above is), but shown, since at nice 19 it may be the machine, not the code.
  const written = [...log.matchAll(/Test unit written to (\S+)/g)].map((m) => m[1]);
  const slow = written.filter((f) => /\/slow-unit-[^/]*$/.test(f));
  const crash = status !== 0 || /==\d+== ERROR: libFuzzer|panicked at|deadly signal/.test(log) || written.length > slow.length;
  if (crash) {
    crashed = true;
    console.log(log.split("\n").slice(-40).join("\n"));
  }
  rows.push({ target: t, executions: execs, "exec/s": rate, seconds: elapsed.toFixed(0), cov, ft, corpus, crash: crash ? "CRASH" : "none", slow: slow.length });
}

console.log();
console.table(rows);
if (crashed) {
  console.error("a target crashed: its input is under fuzz/artifacts/<target>/");
  process.exit(1);
}
