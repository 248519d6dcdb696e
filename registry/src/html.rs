//! HTML for the register pages and the console: every piece of text that came from
//! anyone goes through [`esc`], and inline styles are allowed by their hash only.

use base64::Engine;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The CSP source that allows one inline style: `'sha256-…'`.
pub fn style_hash(style: &str) -> String {
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(crate::secrets::sha256(style.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_hashes() {
        assert_eq!(esc("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        // The hash of the empty string, as browsers compute it for CSP.
        assert_eq!(style_hash(""), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
    }
}
