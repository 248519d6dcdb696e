//! The iotmark verifier and QR decoder for JavaScript.
//!
//! Results cross into JavaScript as JSON strings (`JSON.parse` them): one serialiser the
//! core already has, instead of a second binding layer. Errors are thrown as `Error`
//! objects whose message is one sentence.
//!
//! A panic inside the QR decoder traps this instance (WebAssembly has no unwinding here);
//! run `scanFrame` in a worker and instantiate the module again after a trap, as the
//! scanner app does.

use iotmark_core::date::Date;
use iotmark_core::explain::{explain, Messages};
use iotmark_core::scan::{scan, Frame, Want};
use iotmark_core::trust::Lists;
use iotmark_core::verify::verify;
use iotmark_core::VerifyingKey;
use wasm_bindgen::prelude::*;

fn error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}

/// Finds QR codes in a grey frame (`luma[y * width + x]`). Returns a JSON array of
/// `{text, version, corners}`; `all` gathers every code instead of stopping at the first.
#[wasm_bindgen(js_name = scanFrame)]
pub fn scan_frame(width: usize, height: usize, luma: &[u8], all: bool) -> Result<String, JsError> {
    let frame = Frame::new(width, height, luma).map_err(error)?;
    Ok(json(&scan(&frame, if all { Want::All } else { Want::First })))
}

/// Finds QR codes in frame number `seq` of a camera stream (RGBA), within a per-frame
/// budget: the likeliest attempt on every frame and the others in turn (see the core's
/// `scan_camera`). Returns a JSON array like `scanFrame`.
#[wasm_bindgen(js_name = scanCameraFrame)]
pub fn scan_camera_frame(width: usize, height: usize, rgba: &[u8], seq: u32) -> Result<String, JsError> {
    let luma = luma_of(width, height, rgba)?;
    let frame = Frame::new(width, height, &luma).map_err(error)?;
    Ok(json(&iotmark_core::scan::scan_camera(&frame, seq)))
}

fn luma_of(width: usize, height: usize, rgba: &[u8]) -> Result<Vec<u8>, JsError> {
    if rgba.len() != width.saturating_mul(height).saturating_mul(4) {
        return Err(error(format!("an RGBA {width}x{height} frame needs {} bytes, not {}", width * height * 4, rgba.len())));
    }
    // ITU-R BT.601 luma in integer arithmetic.
    Ok(rgba.chunks_exact(4).map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2])) >> 8) as u8).collect())
}

/// Finds QR codes in an RGBA frame, as a canvas's `ImageData` holds it.
#[wasm_bindgen(js_name = scanRgba)]
pub fn scan_rgba(width: usize, height: usize, rgba: &[u8], all: bool) -> Result<String, JsError> {
    scan_frame(width, height, &luma_of(width, height, rgba)?, all)
}

/// Verifies labels against a root key, a trust list and an optional revocation list.
#[wasm_bindgen]
pub struct Verifier {
    lists: Lists,
}

fn date(iso: &str) -> Result<Date, JsError> {
    iso.parse().map_err(error)
}

#[wasm_bindgen]
impl Verifier {
    /// `root` is the mark's 32-byte root public key; the lists are their signed bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(root: &[u8], trust_list: &[u8], revocation_list: Option<Vec<u8>>) -> Result<Verifier, JsError> {
        let root: [u8; 32] = root.try_into().map_err(|_| error("the root key must be 32 bytes"))?;
        let root = VerifyingKey::from_bytes(&root).map_err(|_| error("the root key is not an Ed25519 public key"))?;
        Ok(Verifier { lists: Lists::new(root, trust_list, revocation_list.as_deref()).map_err(error)? })
    }

    /// Takes `bytes` as the trust list if they are signed by the root and newer than the
    /// one held. Returns whether it did; throws when the bytes are not a valid list.
    #[wasm_bindgen(js_name = updateTrustList)]
    pub fn update_trust_list(&mut self, bytes: &[u8]) -> Result<bool, JsError> {
        self.lists.offer_trust(bytes).map_err(error)
    }

    /// Takes `bytes` as the revocation list if they are signed by the root and newer.
    #[wasm_bindgen(js_name = updateRevocationList)]
    pub fn update_revocation_list(&mut self, bytes: &[u8]) -> Result<bool, JsError> {
        self.lists.offer_revocation(bytes).map_err(error)
    }

    /// The verification of label text on `today` (YYYY-MM-DD), as JSON.
    pub fn verify(&self, text: &str, today: &str) -> Result<String, JsError> {
        Ok(json(&verify(text, &self.lists.context(date(today)?))))
    }

    /// The verification and its plain-language explanation, as JSON
    /// `{verification, explanation}`. `language` is a language file's JSON text.
    pub fn explain(&self, text: &str, today: &str, language: &str) -> Result<String, JsError> {
        let messages = Messages::from_json(language).map_err(error)?;
        let verification = verify(text, &self.lists.context(date(today)?));
        let explanation = explain(&verification, &messages);
        Ok(json(&serde_json::json!({ "verification": verification, "explanation": explanation })))
    }
}
