//! The iotmark verifier and QR decoder for JavaScript.
//!
//! Values cross as plain JavaScript objects (serde-wasm-bindgen) whose TypeScript types
//! are generated from the core's Rust types (tsify), so `verify()` is typed down to every
//! field. Errors are thrown as `Error`s with a stable `code` (see [`fault`]).
//!
//! One crate, two modules: the `verify` feature (default) builds the verifier, the `scan`
//! feature the QR decoder. A page that only checks label text never loads the decoder.
//! A panic inside the decoder traps its instance (WebAssembly has no unwinding here): run
//! it in a worker and start a fresh one after a trap, as the element does.

pub mod fault;
#[cfg(feature = "scan")]
pub mod scan;
#[cfg(feature = "studio")]
pub mod studio;
#[cfg(feature = "verify")]
pub mod verify;

use wasm_bindgen::prelude::*;

/// Converts a Rust value to the plain JavaScript object its TypeScript type describes.
pub(crate) fn to_js(value: &impl serde::Serialize) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| fault::error("internal", e))
}

/// An object's entries as strings (numbers as integers): the arguments of a message.
#[cfg(any(feature = "verify", feature = "studio"))]
pub(crate) fn pairs(args: &JsValue) -> Vec<(String, String)> {
    let Some(object) = args.dyn_ref::<js_sys::Object>() else { return Vec::new() };
    js_sys::Object::entries(object)
        .iter()
        .map(|entry| {
            let entry = js_sys::Array::from(&entry);
            let value = entry.get(1);
            let value = value.as_string().or_else(|| value.as_f64().map(|n| (n as i64).to_string())).unwrap_or_default();
            (entry.get(0).as_string().unwrap_or_default(), value)
        })
        .collect()
}

/// Whether `text` (a QR code's payload or a page address) is an iotmark label, in text
/// or link form: the rule every front end uses before offering to verify.
#[wasm_bindgen(js_name = isLabel)]
pub fn is_label(text: &str) -> bool {
    iotmark_core::scan::is_label(text)
}

/// The allocator of every module built from this crate (Talc: smaller and faster than the
/// default dlmalloc, which the verifier's download pays for).
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
