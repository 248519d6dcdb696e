//! The QR decoder: camera frames and photos in, ranked codes and what to show out.

use crate::fault::error;
use crate::to_js;
use iotmark_core::scan::sighting::{Sighted, Sighting};
use iotmark_core::scan::{scan, scan_camera, Code, Frame, Want};
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

/// The codes one frame or photo shows, labels first, and what a front end should do.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Scanned {
    pub codes: Vec<Code>,
    pub sighted: Sighted,
}

fn luma_of(width: usize, height: usize, rgba: &[u8]) -> Result<Vec<u8>, JsValue> {
    let want = width.checked_mul(height).and_then(|n| n.checked_mul(4));
    if want != Some(rgba.len()) {
        return Err(error(
            "bad-frame",
            format!("an RGBA {width}x{height} frame needs 4 bytes a pixel, and {} bytes do not fit", rgba.len()),
        ));
    }
    // ITU-R BT.601 luma in integer arithmetic.
    Ok(rgba.chunks_exact(4).map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8) as u8).collect())
}

fn codes(width: usize, height: usize, rgba: &[u8], find: impl FnOnce(&Frame) -> Vec<Code>) -> Result<Vec<Code>, JsValue> {
    let luma = luma_of(width, height, rgba)?;
    let frame = Frame::new(width, height, &luma).map_err(|e| error("bad-frame", e))?;
    Ok(find(&frame))
}

/// Finds every QR code in a photo (RGBA, as a canvas's `ImageData` holds it), labels
/// first, and says which to show: a label if there is one, else the first other code.
#[wasm_bindgen(js_name = scanPhoto, unchecked_return_type = "Scanned")]
pub fn scan_photo(width: usize, height: usize, rgba: &[u8]) -> Result<JsValue, JsValue> {
    let codes = codes(width, height, rgba, |f| scan(f, Want::All))?;
    to_js(&Scanned { sighted: Sighting::photo(&codes), codes })
}

/// Finds QR codes in an RGBA frame; `all` gathers every code instead of stopping at the
/// first. Labels first.
#[wasm_bindgen(js_name = scanRgba, unchecked_return_type = "Code[]")]
pub fn scan_rgba(width: usize, height: usize, rgba: &[u8], all: bool) -> Result<JsValue, JsValue> {
    to_js(&codes(width, height, rgba, |f| scan(f, if all { Want::All } else { Want::First }))?)
}

/// A camera stream: each frame is searched within a per-frame budget (the likeliest
/// attempt on every frame, the others in turn), and a label wins over other codes in view
/// (see the core's `sighting`).
#[wasm_bindgen]
pub struct Camera {
    seq: u32,
    sighting: Sighting,
}

#[wasm_bindgen]
impl Camera {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Camera {
        Camera { seq: 0, sighting: Sighting::new() }
    }

    /// The next frame (RGBA), seen at `now` (milliseconds, `performance.now()`).
    #[wasm_bindgen(unchecked_return_type = "Scanned")]
    pub fn frame(&mut self, width: usize, height: usize, rgba: &[u8], now: f64) -> Result<JsValue, JsValue> {
        let seq = self.seq;
        self.seq = self.seq.wrapping_add(1);
        let codes = codes(width, height, rgba, |f| scan_camera(f, seq))?;
        to_js(&Scanned { sighted: self.sighting.see(&codes, now), codes })
    }

    /// What the camera has found after `codes` from another decoder (the browser's own
    /// `BarcodeDetector`): their texts, in the order found.
    #[wasm_bindgen(unchecked_return_type = "Sighted")]
    pub fn found(&mut self, texts: Vec<String>, now: f64) -> Result<JsValue, JsValue> {
        let mut codes: Vec<Code> = texts.into_iter().map(Code::of_text).collect();
        iotmark_core::scan::rank(&mut codes);
        to_js(&self.sighting.see(&codes, now))
    }
}
