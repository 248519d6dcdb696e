//! The QR data modes beyond numeric, alphanumeric, byte and Kanji, read from images that
//! encoders nobody here wrote made (`tests/data-modes/make.py`: zxing-cpp's writer for
//! GS1, libqrencode for FNC1 in second position and ECI designators, segno for structured
//! append and Hanzi mode). Each expected text and symbology identifier is what zxing-cpp
//! 3.1.1 reads from the same image (`read_barcodes(..., text_mode=TextMode.Plain)`, its
//! `text` and `symbology_identifier`, printed by `make.py`), except where a comment says
//! why not.

use iotmark_core::scan::sighting::{Sighted, Sighting};
use iotmark_core::scan::{rank, scan, Code, Frame, Sequence, Want};
use std::path::Path;

/// The one code in a fixture, scanned as `iotmark scan` does.
fn read(name: &str) -> Code {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data-modes").join(name);
    let gray = image::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).to_luma8();
    let frame = Frame::new(gray.width() as usize, gray.height() as usize, gray.as_raw()).expect("a frame");
    let mut codes = scan(&frame, Want::All);
    assert_eq!(codes.len(), 1, "{name}: one code");
    codes.remove(0)
}

fn text_and_symbology(name: &str) -> (String, String) {
    let code = read(name);
    (code.text, code.symbology.expect("a code this decoder read"))
}

#[test]
fn gs1_element_strings_with_gs_between() {
    // (01)09521234543213(10)ABC123(21)12345: the fixed-length (01) needs no separator,
    // the variable-length (10) is ended by FNC1, transmitted as GS.
    let want = ("010952123454321310ABC123\u{1d}2112345".to_owned(), "]Q3".to_owned());
    assert_eq!(text_and_symbology("gs1-numeric-alphanumeric.png"), want);
    // (10)AB%C: a literal percent sign (`%%` in alphanumeric mode) and lowercase (byte
    // mode) after FNC1.
    let want = ("010952123454321310AB%C\u{1d}21xyz1".to_owned(), "]Q3".to_owned());
    assert_eq!(text_and_symbology("gs1-percent-lowercase.png"), want);
}

#[test]
fn fnc1_in_second_position_starts_with_the_application_indicator() {
    // Indicator 37, then "AB%CD%%E" in alphanumeric mode: `%` is FNC1 (GS), `%%` is `%`.
    assert_eq!(text_and_symbology("aim-application-37.png"), ("37AB\u{1d}CD%E".to_owned(), "]Q5".to_owned()));
    // Indicator "a" (197), then "hello%world" in byte mode, where `%` is itself.
    assert_eq!(text_and_symbology("aim-application-letter.png"), ("ahello%world".to_owned(), "]Q5".to_owned()));
}

#[test]
fn eci_2_is_code_page_437() {
    // ECI 2 names code page 437, which no WHATWG encoding (so no TextDecoder) has: the core
    // decodes it in every build, so the WebAssembly gives the same text with no parts.
    let code = read("eci-2-cp437.png");
    assert_eq!((code.text.as_str(), code.parts.as_ref(), code.symbology.as_deref()), ("Größe 25° ½", None, Some("]Q1")));
    assert_eq!(code.bytes, [0x47, 0x72, 0x94, 0xE1, 0x65, 0x20, 0x32, 0x35, 0xF8, 0x20, 0xAB]);
}

#[test]
fn hanzi_mode_is_gb2312() {
    // Hanzi mode (GB/T 18284), as Chinese codes hold GB 2312 text, with no ECI designator:
    // not guessed as Shift_JIS. zxing-cpp reads "中国移动", ]Q1. The WebAssembly build hands
    // the bytes to TextDecoder('gbk') in `parts`; natively encoding_rs decodes them.
    let code = read("hanzi-china-mobile.png");
    assert_eq!((code.text.as_str(), code.parts.as_ref(), code.symbology.as_deref()), ("中国移动", None, Some("]Q1")));
    assert_eq!(code.bytes, [0xD6, 0xD0, 0xB9, 0xFA, 0xD2, 0xC6, 0xB6, 0xAF]);
}

#[test]
fn eci_899_binary_has_no_text() {
    // ECI 899 says the bytes are binary data, not text. zxing-cpp gives them as ISO-8859-1
    // ("\x00ÿ\x10\x80"); the core gives no guess: one U+FFFD, and the bytes as they are.
    let code = read("eci-899-binary.png");
    assert_eq!((code.text.as_str(), code.parts.as_ref()), ("\u{FFFD}", None));
    assert_eq!(code.bytes, [0x00, 0xFF, 0x10, 0x80]);
}

#[test]
fn structured_append_parts_are_parts() {
    let message = b"HTTPS://EXAMPLE.ORG/#IM1:0123456789ABCDEFGHIJ";
    let parity = message.iter().fold(0, |p, b| p ^ b);
    let texts = ["HTTPS://EXAMPLE", ".ORG/#IM1:01234", "56789ABCDEFGHIJ"];
    let mut parts = Vec::new();
    for (i, want) in texts.iter().enumerate() {
        let code = read(&format!("structured-append-{}-of-3.png", i + 1));
        assert_eq!((code.text.as_str(), code.symbology.as_deref()), (*want, Some("]Q1")));
        assert_eq!(code.sequence, Some(Sequence { index: i as u8, count: 3, parity }));
        assert!(code.is_part());
        parts.push(code);
    }
    assert_eq!(parts.iter().map(|c| c.text.as_str()).collect::<String>().as_bytes(), message);
    // The middle part's text has a label's marker in it, but a part is never a label: it
    // is not ranked first, and a photo of it alone shows it as another code.
    let middle = parts[1].clone();
    assert!(iotmark_core::scan::is_label(&middle.text) && !middle.is_label());
    let mut codes = vec![Code::of_text("https://shop.example/".into()), middle.clone()];
    rank(&mut codes);
    assert_eq!(codes[0].text, "https://shop.example/");
    assert_eq!(Sighting::photo(std::slice::from_ref(&middle)), Sighted::Other(middle.text.clone()));
    assert_eq!(Sighting::new().see(&[middle], 0.0), Sighted::Nothing);
}
