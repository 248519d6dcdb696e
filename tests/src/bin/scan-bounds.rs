//! Times the decoder on images that hold no code (blank, noise, a field of finder
//! patterns) at photograph sizes, with `Want::First` and `Want::All`: the cascade's work
//! bound is what keeps these short. Prints the worst of three runs per image.
//!
//! `scan-bounds`

use iotmark_core::scan::{scan, Frame, Want};
use std::time::{Duration, Instant};

/// A field of finder patterns, each 7 modules of `m` pixels with 2 modules between.
fn finder_field(w: usize, h: usize, m: usize) -> Vec<u8> {
    let ring = |k: usize| k == 0 || k == 6;
    (0..w * h)
        .map(|i| {
            let (mx, my) = ((i % w) / m % 9, (i / w) / m % 9);
            let dark = mx < 7 && my < 7 && (ring(mx) || ring(my) || ((2..=4).contains(&mx) && (2..=4).contains(&my)));
            if dark {
                0
            } else {
                255
            }
        })
        .collect()
}

fn noise(w: usize, h: usize, block: usize) -> Vec<u8> {
    (0..w * h)
        .map(|i| {
            let (x, y) = ((i % w) / block, (i / w) / block);
            ((x as u32).wrapping_mul(2_654_435_761) ^ (y as u32).wrapping_mul(40_503)).wrapping_mul(2_246_822_519).to_be_bytes()[0]
        })
        .collect()
}

fn main() {
    let sizes = [(240, 240), (640, 480), (1280, 720), (1920, 1080), (4032, 3024)];
    println!("{:24} {:>11} {:>9} {:>9}", "image", "size", "First ms", "All ms");
    for (w, h) in sizes {
        let images: [(&str, Vec<u8>); 5] = [
            ("blank", vec![255; w * h]),
            ("noise, 1 px", noise(w, h, 1)),
            ("noise, 4 px", noise(w, h, 4)),
            ("finder field, 3 px", finder_field(w, h, 3)),
            ("finder field, 8 px", finder_field(w, h, 8)),
        ];
        for (name, px) in &images {
            let frame = Frame::new(w, h, px).expect("a valid frame");
            let time = |want| {
                (0..3)
                    .map(|_| {
                        let start = Instant::now();
                        let found = scan(&frame, want);
                        assert!(found.is_empty(), "{name}: no code in it");
                        start.elapsed()
                    })
                    .max()
                    .unwrap_or(Duration::ZERO)
            };
            let (first, all) = (time(Want::First), time(Want::All));
            println!("{name:24} {:>11} {:>9.1} {:>9.1}", format!("{w}x{h}"), first.as_secs_f64() * 1e3, all.as_secs_f64() * 1e3);
        }
    }
}
