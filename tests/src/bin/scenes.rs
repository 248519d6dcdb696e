//! Writes the camera scenes of `iotmark_tests::scenes` (the kinds of picture shoppers
//! meet, rendered with camera effects; the kinds are listed there) to measure decoders
//! on: each kind a folder of grey PNGs with the expected text beside each (`NNN.txt`), the
//! layout `qr-corpus` and `scripts/zxing-corpus.py` read.
//!
//! `scenes OUT_DIR [--frames N]` (default 20 frames per kind)

use iotmark_tests::scenes::{render_scene, KINDS};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: scenes OUT_DIR [--frames N]");
        std::process::exit(2);
    };
    let frames: usize = args.iter().position(|a| a == "--frames").and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok()).unwrap_or(20);
    for kind in KINDS {
        let dir = Path::new(out).join(kind);
        std::fs::create_dir_all(&dir).expect("the folder can be made");
        for i in 0..frames {
            let scene = render_scene(kind, i);
            let name = dir.join(format!("{i:03}"));
            image::GrayImage::from_raw(scene.width as u32, scene.height as u32, scene.luma)
                .expect("the frame has w x h pixels")
                .save(name.with_extension("png"))
                .expect("the PNG is written");
            std::fs::write(name.with_extension("txt"), scene.text).expect("the text is written");
        }
    }
    println!("{} frames of {} kinds in {out}", frames * KINDS.len(), KINDS.len());
}
