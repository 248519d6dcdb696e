//! Runs every committed fuzz input through the code the fuzz targets run: the seed corpora
//! (`fuzz/corpus/<target>/`) and every crash the fuzzers found, once fixed
//! (`fuzz/regressions/<target>/`). So a fixed crash stays fixed without nightly Rust or
//! cargo-fuzz. The targets' bodies are `fuzz/src/targets.rs`, compiled in here as is.

#[path = "../../fuzz/src/targets.rs"]
mod targets;

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;

thread_local! {
    /// Whether this thread panicked since the flag was last cleared, caught or not.
    static PANICKED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `body`, and says whether it panicked anywhere, even where the code caught the
/// panic itself: the scanner catches rqrr's panics, but the WebAssembly build and the
/// fuzzer abort on them, so a caught panic is still a crash.
fn panics(body: impl FnOnce()) -> bool {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICKED.with(|p| p.set(true));
            default(info);
        }));
    });
    PANICKED.with(|p| p.set(false));
    let unwound = catch_unwind(AssertUnwindSafe(body)).is_err();
    unwound || PANICKED.with(Cell::get)
}

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else { continue };
        files.extend(entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()));
    }
    files.sort();
    files
}

fn run(target: &str) {
    let (_, body) = targets::TARGETS.iter().find(|(name, _)| *name == target).expect("a target of that name");
    let files = inputs(target);
    assert!(!files.is_empty(), "fuzz/corpus/{target}/ has seeds");
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let bytes = std::fs::read(path).expect("readable corpus file");
            panics(|| body(&bytes))
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{target}: these inputs fail: {failed:#?}");
}

#[test]
fn every_target_has_a_test_here() {
    let names: Vec<&str> = targets::TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["text", "envelope", "claims", "verify", "lists", "scan"]);
}

#[test]
fn text() {
    run("text");
}

#[test]
fn envelope() {
    run("envelope");
}

#[test]
fn claims() {
    run("claims");
}

#[test]
fn verify() {
    run("verify");
}

#[test]
fn lists() {
    run("lists");
}

#[test]
fn scan() {
    run("scan");
}

#[test]
fn fixtures_are_the_vectors() {
    let f = targets::fixtures();
    assert_eq!(f.trust.issuers.len(), 4);
    assert!(f.revoked.suspended.len() == 1 && f.today.0 > 0);
    let _ = (&f.status_key, &f.leaked_lab, targets::SCAN_MAX_SIDE);
}

/// The scanner's saved inputs include hangs (libFuzzer `timeout-…` files): each must run
/// through the target's checks to the end. Before its fix the first took 1.5 s natively
/// (rqrr's alignment-pattern search, see vendor/rqrr/PATCHES.md); now about 10 ms. Its speed
/// is measured by `npm run fuzz`, not asserted here (tests hold no timings).
#[test]
fn scan_hangs_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions/scan");
    let entries = std::fs::read_dir(dir).expect("the scan regressions folder");
    let mut seen = 0;
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        let bytes = std::fs::read(&path).expect("readable regression file");
        assert!(!panics(|| targets::scan(&bytes)), "{} panics", path.display());
        seen += 1;
    }
    assert!(seen > 0, "the saved scan hang is missing");
}
