//! Measures the QR decoder on a corpus of real photographs (`shared/qr-corpus`): for each
//! folder, how many images decode to the expected text (correct), to another text
//! (wrong), or to nothing (failed), and the time per image. Where a payload has no text
//! form, its `.txt` is empty and the raw bytes in the `.bin` beside it are compared.
//!
//! `qr-corpus [CORPUS_DIR] [--verbose] [--all]` (default `../shared/qr-corpus`). `--all`
//! scans for every code (`Want::All`, as `iotmark scan` does) instead of the first.
//! The last line gives the slowest image and its time.

use iotmark_core::scan::{scan, Frame, Want};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Tally {
    correct: usize,
    wrong: usize,
    failed: usize,
    time: Duration,
    worst: Duration,
}

fn images(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            images(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("png" | "jpg" | "jpeg" | "gif")) && p.with_extension("txt").exists()
        {
            out.push(p);
        }
    }
}

fn normalise(s: &str) -> String {
    s.replace("\r\n", "\n").trim().to_owned()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let want = if args.iter().any(|a| a == "--all") { Want::All } else { Want::First };
    let mut slowest = (Duration::ZERO, PathBuf::new());
    let dir = PathBuf::from(args.iter().find(|a| !a.starts_with("--")).map_or("../shared/qr-corpus", String::as_str));
    let mut files = Vec::new();
    images(&dir, &mut files);
    if files.is_empty() {
        eprintln!("qr-corpus: no labelled images under {}", dir.display());
        std::process::exit(3);
    }
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for path in &files {
        let folder = path.parent().and_then(|p| p.strip_prefix(&dir).ok()).map_or(String::new(), |p| p.display().to_string());
        let expected = normalise(&std::fs::read_to_string(path.with_extension("txt")).unwrap_or_default());
        let gray = match image::open(path) {
            Ok(i) => i.to_luma8(),
            Err(e) => {
                eprintln!("{}: unreadable: {e}", path.display());
                continue;
            }
        };
        let start = Instant::now();
        let codes = Frame::new(gray.width() as usize, gray.height() as usize, gray.as_raw()).map(|f| scan(&f, want)).unwrap_or_default();
        let elapsed = start.elapsed();
        let t = tallies.entry(folder).or_default();
        t.time += elapsed;
        t.worst = t.worst.max(elapsed);
        if elapsed > slowest.0 {
            slowest = (elapsed, path.clone());
        }
        // A payload with no text form has an empty .txt; its bytes are in a .bin beside it.
        let raw = if expected.is_empty() { std::fs::read(path.with_extension("bin")).ok() } else { None };
        let matches = |c: &iotmark_core::scan::Code| normalise(&c.text) == expected || raw.as_deref() == Some(c.bytes.as_slice());
        let verdict = if codes.iter().any(matches) {
            t.correct += 1;
            "correct"
        } else if codes.is_empty() {
            t.failed += 1;
            "failed"
        } else {
            t.wrong += 1;
            "WRONG"
        };
        if verbose {
            println!("{verdict:8} {:7.1} ms  {}", elapsed.as_secs_f64() * 1000.0, path.display());
        }
    }
    let mut total = Tally::default();
    println!("{:32} {:>7} {:>5} {:>6} {:>6} {:>11} {:>9}", "folder", "correct", "wrong", "failed", "images", "ms/image", "worst ms");
    for (folder, t) in &tallies {
        let n = t.correct + t.wrong + t.failed;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{folder:32} {:>7} {:>5} {:>6} {:>6} {:>11.1} {:>9.1}",
            t.correct,
            t.wrong,
            t.failed,
            n,
            ms(t.time) / n as f64,
            ms(t.worst)
        );
        total.correct += t.correct;
        total.wrong += t.wrong;
        total.failed += t.failed;
        total.time += t.time;
        total.worst = total.worst.max(t.worst);
    }
    let n = total.correct + total.wrong + total.failed;
    println!(
        "{:32} {:>7} {:>5} {:>6} {:>6} {:>11.1} {:>9.1}",
        "total",
        total.correct,
        total.wrong,
        total.failed,
        n,
        total.time.as_secs_f64() * 1000.0 / n as f64,
        total.worst.as_secs_f64() * 1000.0
    );
    println!("slowest: {:.1} ms, {}", slowest.0.as_secs_f64() * 1000.0, slowest.1.display());
}
