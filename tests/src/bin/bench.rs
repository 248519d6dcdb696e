//! Native figures, printed: verifying a label; signing and encoding labels against raw
//! Ed25519 signing of the same messages; decoding camera frames.
//!
//! `cargo run --release -p iotmark-tests --bin bench [LABELS]` (default 100000)

use ed25519_dalek::Signer;
use iotmark_core::grade::Grade;
use iotmark_core::issue::issue;
use iotmark_core::label::{Assurance, LabelId};
use iotmark_core::scan::{scan, scan_camera, Frame, Want};
use iotmark_core::verify::{verify, Context};
use iotmark_core::wire;
use iotmark_tests::*;
use std::time::Instant;

fn per_item(start: Instant, n: usize) -> f64 {
    start.elapsed().as_secs_f64() * 1e6 / n as f64
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let lab = key("Example Test Lab");
    let (trust, revoked) = (trust_list(), revocation_list());
    let ctx = Context { trust: &trust, revoked: Some(&revoked), today: date(TODAY) };
    let label = sample(7, Grade::Gold, Assurance::Audited);
    let text = issue(&label, &lab, Some("HTTPS://IOTMARK.ORG")).expect("sample label issues").text;

    let start = Instant::now();
    let rounds = 20_000;
    for _ in 0..rounds {
        assert_eq!(verify(&text, &ctx).verdict.code(), "valid");
    }
    println!("verify one label (parse, Ed25519 strict verify, claims, grade): {:.1} µs", per_item(start, rounds));

    let labels: Vec<_> = (0..n as u64)
        .map(|i| {
            let mut l = label.clone();
            l.id = LabelId(i);
            l
        })
        .collect();
    let messages: Vec<Vec<u8>> = labels.iter().map(wire::encode_claims).collect();
    let start = Instant::now();
    for m in &messages {
        std::hint::black_box(lab.sign(m));
    }
    let raw = start.elapsed();
    let start = Instant::now();
    for l in &labels {
        std::hint::black_box(issue(l, &lab, Some("HTTPS://IOTMARK.ORG")).expect("issues"));
    }
    let full = start.elapsed();
    let start = Instant::now();
    for l in &labels {
        let claims = wire::encode_claims(l);
        std::hint::black_box(wire::to_text(&wire::cose::sign(&lab, &claims), Some("HTTPS://IOTMARK.ORG")));
    }
    let signed = start.elapsed();
    println!("{n} labels: raw Ed25519 signing {:.2} s; checked, signed and encoded as text {:.2} s ({:.2}x raw); with the QR fit check (issue) {:.2} s ({:.2}x raw)",
        raw.as_secs_f64(), signed.as_secs_f64(), signed.as_secs_f64() / raw.as_secs_f64(), full.as_secs_f64(), full.as_secs_f64() / raw.as_secs_f64());

    let code = iotmark_core::qr::encode(&text).expect("fits");
    for (w, h) in [(1280usize, 720usize), (640, 480)] {
        let (side, px) = iotmark_core::qr::to_luma(&code, (h * 6 / 10) / (code.size() as usize + 8));
        let mut frame = vec![120u8; w * h];
        let (ox, oy) = ((w - side) / 2, (h - side) / 2);
        for y in 0..side {
            frame[(oy + y) * w + ox..(oy + y) * w + ox + side].copy_from_slice(&px[y * side..(y + 1) * side]);
        }
        let f = Frame::new(w, h, &frame).expect("frame");
        let start = Instant::now();
        let rounds = 50;
        for _ in 0..rounds {
            assert_eq!(scan(&f, Want::First).len(), 1);
        }
        let with_label = per_item(start, rounds) / 1000.0;
        let start = Instant::now();
        let empty = vec![120u8; w * h];
        let e = Frame::new(w, h, &empty).expect("frame");
        for seq in 0..rounds as u32 {
            assert!(scan_camera(&e, seq).is_empty());
        }
        println!("camera stream, a {w}x{h} frame with no code (per-frame budget): {:.2} ms", per_item(start, rounds) / 1000.0);
        let empty = vec![120u8; w * h];
        let e = Frame::new(w, h, &empty).expect("frame");
        let start_empty = Instant::now();
        for _ in 0..rounds {
            assert!(scan(&e, Want::First).is_empty());
        }
        println!(
            "decode a {w}x{h} frame with a label: {:.2} ms; a frame with no code (whole cascade): {:.2} ms",
            with_label,
            per_item(start_empty, rounds) / 1000.0
        );
    }
}
