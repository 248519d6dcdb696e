//! Runs every committed fuzz input of the makers' tool (the label spec and the batch CSV)
//! through the code the fuzz targets run: `fuzz/corpus/<target>/` and the fixed crashes in
//! `fuzz/regressions/<target>/`. The targets' bodies are `fuzz/src/labels_targets.rs`,
//! compiled in here as is (the core's targets: `core/tests/fuzz_corpus.rs`).

#[path = "../../fuzz/src/labels_targets.rs"]
mod labels_targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

fn run(target: &str) {
    let (_, body) = labels_targets::TARGETS.iter().find(|(name, _)| *name == target).expect("a target of that name");
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut files = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(target)) else { continue };
        files.extend(entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()));
    }
    assert!(!files.is_empty(), "fuzz/corpus/{target}/ has seeds");
    files.sort();
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let bytes = std::fs::read(path).expect("readable corpus file");
            catch_unwind(AssertUnwindSafe(|| body(&bytes))).is_err()
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{target}: these inputs fail: {failed:#?}");
}

#[test]
fn spec() {
    run("spec");
}

#[test]
fn batch_csv() {
    run("batch_csv");
}
