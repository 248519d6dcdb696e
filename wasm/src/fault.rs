//! Errors thrown into JavaScript: an `Error` whose `message` is one sentence and whose
//! `code` is one of [`CODES`], stable across versions so callers can branch on it.

use wasm_bindgen::prelude::*;

/// Every `code` an error from this package can carry.
pub const CODES: &[&str] = &["bad-root-key", "bad-list", "bad-options", "bad-language-file", "unknown-language", "bad-frame", "internal"];

/// The TypeScript declaration of the errors thrown (checked against [`CODES`]).
pub const TS_ERROR: &str = r#"
/** An error thrown by this package: `code` says what is wrong, `message` says it in a sentence. */
export interface IotmarkError extends Error {
    code: "bad-root-key" | "bad-list" | "bad-options" | "bad-language-file" | "unknown-language" | "bad-frame" | "internal";
    /** For `bad-list`: the list error's own code (`bad-signature`, `truncated`, …). */
    reason?: string;
}
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR_SECTION: &'static str = TS_ERROR;

/// A JavaScript `Error` with `code` set; `code` must be one of [`CODES`].
pub fn error(code: &'static str, message: impl std::fmt::Display) -> JsValue {
    debug_assert!(CODES.contains(&code));
    let e = js_sys::Error::new(&message.to_string());
    let _ = js_sys::Reflect::set(&e, &"code".into(), &code.into());
    e.into()
}

/// A `bad-list` error that also names the list error's own code.
pub fn bad_list(e: &iotmark_core::trust::TrustError) -> JsValue {
    let err = error("bad-list", e);
    let _ = js_sys::Reflect::set(&err, &"reason".into(), &e.code().into());
    err
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_declared_codes_are_the_codes() {
        for code in super::CODES {
            assert!(super::TS_ERROR.contains(&format!("\"{code}\"")), "{code}");
        }
        assert_eq!(super::TS_ERROR.matches(" | ").count() + 1, super::CODES.len());
    }
}
