// Builds this crate for wasm32 and runs every conformance vector through it:
//   node fuzz/wasm32-vectors/run.mjs
// Exits non-zero when a vector's verdict on 32-bit differs from the expected one.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const build = spawnSync("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown"], { cwd: here, stdio: "inherit" });
if (build.status !== 0) process.exit(2);
const wasm = join(here, "target", "wasm32-unknown-unknown", "release", "iotmark_wasm32_vectors.wasm");
const { instance } = await WebAssembly.instantiate(readFileSync(wasm), {});
const e = instance.exports;
const bad = e.mismatches();
console.log(`usize: ${e.usize_bits()} bits; minicbor alone reads a 2^32 length as the end of the input: ${e.minicbor_2_32_is_end() === 1}; vectors that differ: ${bad}`);
process.exit(bad === 0 ? 0 : 1);
