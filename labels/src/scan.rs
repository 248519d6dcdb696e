//! `iotmark scan`: the text of every QR code in images.

use crate::failure::{exit, Failure, Result};
use crate::files;
use iotmark_core::scan::{self as qrscan, Frame, Want};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Loads an image as grey pixels, scaled down when larger than the decoder accepts.
pub fn load_gray(path: &Path) -> Result<image::GrayImage> {
    let bytes = files::read(path)?;
    let img = image::load_from_memory(&bytes).map_err(|e| Failure::input(format!("{} is not a readable image: {e}", path.display())))?;
    let max = qrscan::MAX_SIDE as u32;
    let img = if img.width() > max || img.height() > max { img.resize(max, max, image::imageops::FilterType::Triangle) } else { img };
    Ok(img.to_luma8())
}

pub fn read_codes(path: &Path) -> Result<Vec<qrscan::Code>> {
    let gray = load_gray(path)?;
    let frame = Frame::new(gray.width() as usize, gray.height() as usize, gray.as_raw())
        .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
    Ok(qrscan::scan(&frame, Want::All))
}

pub fn scan(images: &[PathBuf], json_out: bool) -> Result<i32> {
    let mut missing = false;
    for path in images {
        let codes = match read_codes(path) {
            Ok(c) => c,
            Err(f) if json_out => {
                println!("{}", json!({"image": path, "error": f.message}));
                missing = true;
                continue;
            }
            Err(f) => return Err(f),
        };
        missing |= codes.is_empty();
        if json_out {
            println!("{}", json!({"image": path, "codes": codes}));
        } else {
            for c in &codes {
                println!("{}: {}", path.display(), c.text);
            }
            if codes.is_empty() {
                eprintln!("{}: no QR code found", path.display());
            }
        }
    }
    Ok(if missing { exit::NOT_FOUND } else { 0 })
}
