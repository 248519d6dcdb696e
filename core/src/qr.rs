//! Encoding label text as a QR symbol (qrcodegen) at error-correction level M.
//!
//! The text is split into segments by character class so that a label's digits use
//! numeric mode (3.33 bits a character), an upper-case link alphanumeric mode (5.5 bits),
//! and anything else byte mode; the text read back is identical.

pub use qrcodegen::QrCode;
use qrcodegen::{Mask, QrCodeEcc, QrSegment, QrSegmentMode, Version};
use std::fmt::Write;

/// Modules of light margin on every side, as ISO/IEC 18004 requires.
pub const QUIET_ZONE: i32 = 4;

/// Text that does not fit any QR version at level M.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong;

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the text is too long for a QR code")
    }
}

impl std::error::Error for TooLong {}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Numeric,
    Alphanumeric,
    Byte,
}

fn class(c: char) -> Class {
    match c {
        '0'..='9' => Class::Numeric,
        'A'..='Z' | ' ' | '$' | '%' | '*' | '+' | '-' | '.' | '/' | ':' => Class::Alphanumeric,
        _ => Class::Byte,
    }
}

/// Splits text into runs of one class, folding short runs into a wider neighbour where a
/// new segment header (13 to 20 bits) would cost more than it saves.
fn runs(text: &str) -> Vec<(Class, String)> {
    let mut runs: Vec<(Class, String)> = Vec::new();
    for c in text.chars() {
        match runs.last_mut() {
            Some((k, s)) if *k == class(c) => s.push(c),
            _ => runs.push((class(c), c.to_string())),
        }
    }
    for (narrow, wide, min) in
        [(Class::Numeric, Class::Alphanumeric, 8), (Class::Alphanumeric, Class::Byte, 6), (Class::Numeric, Class::Byte, 5)]
    {
        for i in 0..runs.len() {
            let next_to_wide = (i > 0 && runs[i - 1].0 == wide) || runs.get(i + 1).is_some_and(|r| r.0 == wide);
            if runs[i].0 == narrow && runs[i].1.len() < min && next_to_wide {
                runs[i].0 = wide;
            }
        }
        runs = runs.into_iter().fold(Vec::new(), |mut acc: Vec<(Class, String)>, (k, s)| {
            match acc.last_mut() {
                Some((lk, ls)) if *lk == k => ls.push_str(&s),
                _ => acc.push((k, s)),
            }
            acc
        });
    }
    runs
}

fn segments(text: &str) -> Vec<QrSegment> {
    runs(text)
        .into_iter()
        .map(|(k, s)| match k {
            Class::Numeric => QrSegment::make_numeric(&s),
            Class::Alphanumeric => QrSegment::make_alphanumeric(&s),
            Class::Byte => QrSegment::make_bytes(s.as_bytes()),
        })
        .collect()
}

/// Encodes text at level M in the smallest version that holds it (level raised when
/// that costs no size, as qrcodegen does).
pub fn encode(text: &str) -> Result<QrCode, TooLong> {
    QrCode::encode_segments_advanced(&segments(text), QrCodeEcc::Medium, Version::MIN, Version::MAX, None, true).map_err(|_| TooLong)
}

/// The version (size) of the symbol [`encode`] makes for `text`. Cheaper than encoding:
/// the version does not depend on the mask, so one fixed mask is tried instead of eight.
pub fn version(text: &str) -> Result<u8, TooLong> {
    QrCode::encode_segments_advanced(&segments(text), QrCodeEcc::Medium, Version::MIN, Version::MAX, Some(Mask::new(0)), true)
        .map(|c| c.version().value())
        .map_err(|_| TooLong)
}

/// Data codewords of a version 10 symbol at level M (ISO/IEC 18004, table 7).
const V10_M_DATA_BITS: usize = 216 * 8;

/// Whether `text` fits a version 10 symbol at level M, by counting its segment bits (mode
/// indicator, character count of the width versions 10 to 26 use, data): no encoding.
pub fn fits_version_10(text: &str) -> bool {
    let bits: usize = segments(text)
        .iter()
        .map(|s| {
            let count = match s.mode() {
                QrSegmentMode::Numeric => 12,
                QrSegmentMode::Alphanumeric => 11,
                _ => 16,
            };
            4 + count + s.data().len()
        })
        .sum();
    bits <= V10_M_DATA_BITS
}

/// The symbol as an SVG document, one unit a module, quiet zone included, black on white.
pub fn to_svg(code: &QrCode) -> String {
    let size = code.size() + 2 * QUIET_ZONE;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    svg.push_str(&svg_path(code, QUIET_ZONE));
    svg.push_str("\"/></svg>\n");
    svg
}

/// The dark modules as one SVG path in module units offset by `border`: each horizontal
/// run of dark modules is one rectangle, which keeps the path (and PDFs) about a third
/// of one square a module.
pub fn svg_path(code: &QrCode, border: i32) -> String {
    let mut d = String::new();
    for y in 0..code.size() {
        let mut x = 0;
        while x < code.size() {
            if !code.get_module(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < code.size() && code.get_module(x, y) {
                x += 1;
            }
            let _ = write!(d, "M{},{}h{}v1h-{}z", start + border, y + border, x - start, x - start);
        }
    }
    d
}

/// The symbol as grey pixels (0 dark, 255 light), `scale` pixels a module, with quiet zone.
pub fn to_luma(code: &QrCode, scale: usize) -> (usize, Vec<u8>) {
    let modules = (code.size() + 2 * QUIET_ZONE) as usize;
    let side = modules * scale;
    let mut px = vec![255u8; side * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / scale) as i32 - QUIET_ZONE, (y / scale) as i32 - QUIET_ZONE);
            if code.get_module(mx, my) {
                px[y * side + x] = 0;
            }
        }
    }
    (side, px)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_text_uses_dense_segments() {
        let r = runs("HTTPS://IOTMARK.ORG#IM1:0123456789012345678901");
        let classes: Vec<Class> = r.iter().map(|(k, _)| *k).collect();
        assert_eq!(classes, vec![Class::Alphanumeric, Class::Byte, Class::Numeric]);
        assert_eq!(r.iter().map(|(_, s)| s.as_str()).collect::<String>(), "HTTPS://IOTMARK.ORG#IM1:0123456789012345678901");
    }

    #[test]
    fn lower_case_and_unicode_survive() {
        let text = "https://example.org/ä?x=1#IM1:000";
        let code = encode(text).unwrap();
        assert!(code.version().value() <= 3);
        assert!(to_svg(&code).starts_with("<svg"));
        let (side, px) = to_luma(&code, 4);
        let frame = crate::scan::Frame::new(side, side, &px).unwrap();
        let read: Vec<String> = crate::scan::scan(&frame, crate::scan::Want::First).into_iter().map(|c| c.text).collect();
        assert_eq!(read, vec![text.to_owned()]);
    }

    #[test]
    fn version_matches_the_encoded_symbol() {
        for n in [1, 40, 150, 300, 500, 1200] {
            let text = format!("HTTPS://IOTMARK.ORG#IM1:{}", "7".repeat(n));
            assert_eq!(version(&text), Ok(encode(&text).unwrap().version().value()), "{n} digits");
        }
        assert_eq!(version(&"9".repeat(8000)), Err(TooLong));
    }

    #[test]
    fn the_version_10_bit_count_agrees_with_the_encoder() {
        for prefix in ["HTTPS://IOTMARK.ORG#IM1:", "IM1:", "http://localhost:8080/#IM1:"] {
            for n in 380..520 {
                let text = format!("{prefix}{}", "3".repeat(n));
                assert_eq!(fits_version_10(&text), version(&text).unwrap() <= 10, "{prefix} {n}");
            }
        }
    }

    #[test]
    fn too_long_is_an_error() {
        assert_eq!(encode(&"9".repeat(8000)).err(), Some(TooLong));
    }
}
