//! From a symbol's segments to text: which character set each run of payload bytes is in
//! (one rule, the same in every build), and its decoding where the build can.
//!
//! A QR code says its character set only with an ECI designator, and most codes have none:
//! their bytes are guessed as ZXing guesses them, UTF-8 when valid, Shift_JIS when they
//! read as Japanese (Kanji mode yields Shift_JIS), else ISO-8859-1, the QR default. Whether
//! bytes read as Japanese is decided here, by their structure and a class of each
//! double-byte cell, not by decoding them: so the WebAssembly build, which leaves out the
//! legacy encodings' tables (`legacy-encodings`, encoding_rs), decides exactly as the
//! command line does, and hands the bytes it cannot decode to the browser's
//! `TextDecoder` with the encoding's label instead of returning a wrong text.

use rqrr::{Mode, Segment};
use serde::Serialize;

/// A character set a run of payload bytes is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    /// ISO-8859-1, the QR default: every byte is the code point of its value.
    Latin1,
    /// UTF-16, big-endian (ECI 25).
    Utf16Be,
    /// Code page 437, the IBM PC's (ECI 0 and 2), which the WHATWG encodings lack: decoded
    /// here in every build, by a table of its upper half.
    Cp437,
    /// A character set this decoder does not know (an ECI designator it has no entry for,
    /// or 899, binary data): its bytes have no text, and become one U+FFFD.
    Unknown,
    /// Any other, by its WHATWG label (the name `TextDecoder` and encoding_rs know it by):
    /// decoded with encoding_rs where the build has it, handed to the caller otherwise.
    Legacy(&'static str),
}

/// Shift_JIS, as Japanese codes use it (and Kanji mode writes it).
pub const SHIFT_JIS: Charset = Charset::Legacy("shift_jis");

impl Charset {
    /// The character set an ECI designator names (the AIM ECI register, as ZXing reads
    /// it), if this decoder knows it: the WHATWG encodings', and code page 437 (ECI 0 and
    /// 2), which they lack.
    pub fn of_eci(eci: u32) -> Option<Charset> {
        const ISO_8859: [&str; 15] = [
            "iso-8859-2",
            "iso-8859-3",
            "iso-8859-4",
            "iso-8859-5",
            "iso-8859-6",
            "iso-8859-7",
            "iso-8859-8",
            "iso-8859-9",
            "iso-8859-10",
            "iso-8859-11",
            "",
            "iso-8859-13",
            "iso-8859-14",
            "iso-8859-15",
            "iso-8859-16",
        ];
        Some(match eci {
            0 | 2 => Charset::Cp437,
            1 | 3 | 27 | 170 => Charset::Latin1, // ASCII (27, 170) is a subset
            4..=18 if eci != 14 => Charset::Legacy(ISO_8859[eci as usize - 4]),
            20 => SHIFT_JIS,
            21 => Charset::Legacy("windows-1250"),
            22 => Charset::Legacy("windows-1251"),
            23 => Charset::Legacy("windows-1252"),
            24 => Charset::Legacy("windows-1256"),
            25 => Charset::Utf16Be,
            26 => Charset::Utf8,
            28 => Charset::Legacy("big5"),
            29 => Charset::Legacy("gb18030"),
            30 => Charset::Legacy("euc-kr"),
            31 => Charset::Legacy("gbk"),
            32 => Charset::Legacy("gb18030"),
            33 => Charset::Legacy("utf-16le"),
            _ => return None,
        })
    }

    /// The character set of bytes that do not say theirs: UTF-8 when they are valid UTF-8;
    /// Shift_JIS when they are valid Shift_JIS holding at least two Japanese characters
    /// (see [`reads_as_japanese`]); otherwise ISO-8859-1.
    pub fn guess(bytes: &[u8]) -> Charset {
        if std::str::from_utf8(bytes).is_ok() {
            Charset::Utf8
        } else if reads_as_japanese(bytes) {
            SHIFT_JIS
        } else {
            Charset::Latin1
        }
    }

    /// The text of `bytes` in this character set, if this build can decode it (malformed
    /// sequences become U+FFFD, as `TextDecoder` makes them); `None` for a legacy
    /// character set in a build without `legacy-encodings`, and for [`Charset::Unknown`].
    pub fn decode(self, bytes: &[u8]) -> Option<String> {
        match self {
            Charset::Utf8 => Some(String::from_utf8_lossy(bytes).into_owned()),
            Charset::Latin1 => Some(bytes.iter().map(|b| char::from(*b)).collect()),
            Charset::Utf16Be => {
                let units: Vec<u16> = bytes.chunks(2).map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)])).collect();
                let mut text = String::from_utf16_lossy(&units);
                if bytes.len() % 2 == 1 {
                    text.pop(); // the odd byte, padded above, is malformed
                    text.push(char::REPLACEMENT_CHARACTER);
                }
                Some(text)
            }
            Charset::Cp437 => Some(bytes.iter().map(|&b| if b < 0x80 { char::from(b) } else { cp437(b) }).collect()),
            Charset::Unknown => None,
            Charset::Legacy(label) => legacy(label, bytes),
        }
    }
}

/// A byte of code page 437's upper half as its character.
fn cp437(b: u8) -> char {
    /// Code page 437 from 0x80 to 0xFF (its lower half is ASCII), as Unicode maps it.
    const UPPER: [u16; 128] = [
        0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,
        0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,
        0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,
        0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,
        0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,
        0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,
        0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4, 0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,
        0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
    ];
    char::from_u32(u32::from(UPPER[usize::from(b & 0x7F)])).unwrap_or(char::REPLACEMENT_CHARACTER)
}

#[cfg(feature = "legacy-encodings")]
fn legacy(label: &str, bytes: &[u8]) -> Option<String> {
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes())?;
    Some(encoding.decode_without_bom_handling(bytes).0.into_owned())
}

#[cfg(not(feature = "legacy-encodings"))]
fn legacy(_label: &str, _bytes: &[u8]) -> Option<String> {
    None
}

/// GB 2312 as Hanzi mode writes it (EUC-CN), decoded by GBK, which includes it.
pub const GB2312: Charset = Charset::Legacy("gbk");

/// The runs of a payload, each in one character set, in order. With no ECI designator
/// and no Hanzi segment the whole payload is one run, its character set guessed
/// ([`Charset::guess`]). Otherwise byte segments are in the character set the designator
/// names (guessed, each segment alone, before the first designator; [`Charset::Unknown`]
/// where it names one this decoder does not know: no guess), Kanji segments in Shift_JIS,
/// Hanzi segments in GB 2312, and numeric and alphanumeric ones and an AIM application
/// indicator in ASCII; neighbours in the same character set make one run.
pub fn runs(segments: &[Segment]) -> Vec<(Charset, Vec<u8>)> {
    if segments.iter().all(|s| s.eci.is_none() && s.mode != Mode::Hanzi) {
        let bytes: Vec<u8> = segments.iter().flat_map(|s| s.data.iter().copied()).collect();
        return vec![(Charset::guess(&bytes), bytes)];
    }
    let mut out: Vec<(Charset, Vec<u8>)> = Vec::new();
    for s in segments {
        let charset = match s.mode {
            Mode::Kanji => SHIFT_JIS,
            Mode::Hanzi => GB2312,
            Mode::Numeric | Mode::Alphanumeric | Mode::ApplicationIndicator => Charset::Latin1,
            Mode::Byte => match s.eci {
                Some(eci) => Charset::of_eci(eci).unwrap_or(Charset::Unknown),
                None => Charset::guess(&s.data),
            },
        };
        match out.last_mut() {
            Some((last, bytes)) if *last == charset => bytes.extend_from_slice(&s.data),
            _ => out.push((charset, s.data.clone())),
        }
    }
    out
}

/// A part of a payload, for a caller that completes the text: text this build decoded,
/// or bytes in a character set it cannot decode, with the label `new TextDecoder(label)`
/// takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(untagged)]
pub enum Part {
    Text(String),
    Encoded {
        /// The WHATWG label of the character set, such as `shift_jis`.
        encoding: String,
        /// The bytes (a list of numbers: the bindings' values are JSON-compatible).
        bytes: Vec<u8>,
    },
}

/// A payload's text, with U+FFFD in place of each run this build could not decode, and
/// then its parts, from which the caller makes the whole text.
pub fn text_of_runs(runs: Vec<(Charset, Vec<u8>)>) -> (String, Option<Vec<Part>>) {
    let parts: Vec<Part> = runs
        .into_iter()
        .map(|(charset, bytes)| match (charset.decode(&bytes), charset) {
            (Some(text), _) => Part::Text(text),
            (None, Charset::Legacy(label)) => Part::Encoded { encoding: label.to_owned(), bytes },
            (None, _) => Part::Text(char::REPLACEMENT_CHARACTER.to_string()),
        })
        .collect();
    let text = text_of_parts(&parts);
    let complete = parts.iter().all(|p| matches!(p, Part::Text(_)));
    (text, (!complete).then_some(parts))
}

/// The text this build makes of a payload's parts: each text part as it is, and U+FFFD
/// for each part of bytes left to the caller.
pub fn text_of_parts(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => t.as_str(),
            Part::Encoded { .. } => "\u{FFFD}",
        })
        .collect()
}

/// Whether bytes are well-formed Shift_JIS (as the WHATWG decoder reads it: no lead byte
/// without its trail, no cell JIS X 0208 leaves empty) holding at least two Japanese
/// characters (kana, kanji, CJK punctuation, full- and half-width forms: U+3000 to
/// U+9FFF and U+FF00 to U+FFEF). A few Latin-1 accented letters seldom pass both.
pub fn reads_as_japanese(bytes: &[u8]) -> bool {
    let mut japanese = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            0x00..=0x80 => i += 1,
            0xA1..=0xDF => {
                japanese += 1; // half-width katakana
                i += 1;
            }
            0x81..=0x9F | 0xE0..=0xFC => {
                match bytes.get(i + 1).and_then(|t| cell_class(b, *t)) {
                    Some(CellClass::Japanese) => japanese += 1,
                    Some(CellClass::Other) => {}
                    None => return false,
                }
                i += 2;
            }
            _ => return false,
        }
    }
    japanese >= 2
}

/// What a double-byte Shift_JIS cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CellClass {
    Japanese,
    /// Another character: Latin, Greek, Cyrillic, box drawing, symbols, user-defined.
    Other,
}

/// The class of the cell a lead and trail byte name, `None` if there is no character
/// there (the trail byte is out of range, or the cell is empty).
fn cell_class(lead: u8, trail: u8) -> Option<CellClass> {
    let lead_offset = if lead < 0xA0 { 0x81 } else { 0xC1 };
    let offset = if trail < 0x7F { 0x40 } else { 0x41 };
    if !matches!(trail, 0x40..=0x7E | 0x80..=0xFC) {
        return None;
    }
    let pointer = (u16::from(lead) - lead_offset) * 188 + u16::from(trail) - offset;
    let run = CELL_RUNS.partition_point(|r| r & 0x3FFF <= pointer).checked_sub(1)?;
    match CELL_RUNS[run] >> 14 {
        2 => Some(CellClass::Japanese),
        1 => Some(CellClass::Other),
        _ => None,
    }
}

/// The cells of WHATWG's Shift_JIS index in runs of one class, by pointer (lead and trail
/// bytes, 188 cells a lead byte): each entry is a run's first pointer, with its class in
/// the top two bits (0 empty, 1 other, 2 Japanese). 374 bytes instead of the 14 KB index;
/// generated from encoding_rs, which a test checks it against for every cell.
const CELL_RUNS: [u16; 187] = [
    0x8000, 0x400c, 0x800d, 0x400e, 0x800f, 0x401c, 0x801e, 0x4021, 0x8022, 0x4023, 0x8029, 0x403d, 0x8040, 0x4041, 0x8042, 0x4044, 0x804e,
    0x4057, 0x8066, 0x4067, 0x806b, 0x006c, 0x4077, 0x007f, 0x4087, 0x8089, 0x408a, 0x008e, 0x4099, 0x00a8, 0x40af, 0x00b7, 0x40bb, 0x00bc,
    0x80cb, 0x00d5, 0x80dc, 0x00f6, 0x80fc, 0x0116, 0x811a, 0x016d, 0x8178, 0x01ce, 0x41d6, 0x01ee, 0x41f6, 0x020e, 0x4234, 0x0255, 0x4264,
    0x0285, 0x4292, 0x02b2, 0x4468, 0x0486, 0x8487, 0x049e, 0x84a6, 0x44a9, 0x84aa, 0x44ab, 0x84ac, 0x44b7, 0x04c4, 0x8582, 0x1117, 0x9142,
    0x1e80, 0xa050, 0x6083, 0xa084, 0x608e, 0xa090, 0x60a4, 0xa0a5, 0x60cb, 0xa0cc, 0x60d3, 0xa0d4, 0x60db, 0xa0dc, 0x60dd, 0xa0de, 0x6108,
    0xa109, 0x610e, 0xa10f, 0x6125, 0xa126, 0x612d, 0xa130, 0x6131, 0xa132, 0x6135, 0xa136, 0x6138, 0xa139, 0x6141, 0xa142, 0x614c, 0xa14d,
    0x614e, 0xa150, 0x6158, 0xa159, 0x6160, 0xa161, 0x6162, 0xa164, 0x6166, 0xa167, 0x6182, 0xa183, 0x6189, 0xa18a, 0x6198, 0xa19a, 0x61a5,
    0xa1a7, 0x61a8, 0xa1a9, 0x61b5, 0xa1b6, 0x21b8, 0x61ba, 0xa1c4, 0x21c8, 0x6284, 0xa9f0, 0x69f5, 0xa9f8, 0x6a2b, 0xaa2c, 0x6a36, 0xaa38,
    0x6a4c, 0xaa4d, 0x6a73, 0xaa74, 0x6a7b, 0xaa7c, 0x6a83, 0xaa84, 0x6a85, 0xaa86, 0x6ab0, 0xaab1, 0x6ab6, 0xaab7, 0x6acd, 0xaace, 0x6ad5,
    0xaad8, 0x6ad9, 0xaada, 0x6add, 0xaade, 0x6ae0, 0xaae1, 0x6ae9, 0xaaea, 0x6af4, 0xaaf5, 0x6af6, 0xaaf8, 0x6b00, 0xab01, 0x6b08, 0xab09,
    0x6b0a, 0xab0c, 0x6b0e, 0xab0f, 0x6b2a, 0xab2b, 0x6b31, 0xab32, 0x6b40, 0xab42, 0x6b4d, 0xab4f, 0x6b50, 0xab51, 0x6b5d, 0xab5e, 0x2b60,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn byte_segment(eci: Option<u32>, data: &[u8]) -> Segment {
        Segment { mode: Mode::Byte, eci, data: data.to_vec() }
    }

    /// "モバイル" in Shift_JIS.
    const MOBILE: [u8; 8] = [0x83, 0x82, 0x83, 0x6F, 0x83, 0x43, 0x83, 0x8B];

    #[test]
    fn the_character_set_of_bytes_that_do_not_say() {
        assert_eq!(Charset::guess(b"HTTPS://EXAMPLE.ORG/#IM1:AB"), Charset::Utf8, "ASCII is UTF-8");
        assert_eq!(Charset::guess("grüß こんにちは".as_bytes()), Charset::Utf8);
        assert_eq!(Charset::guess(&MOBILE), SHIFT_JIS);
        // Half-width katakana count as Japanese; one Japanese character is not enough.
        assert_eq!(Charset::guess(&[0xB1, 0xB2]), SHIFT_JIS);
        assert_eq!(Charset::guess(&[b'a', 0x83, 0x82]), Charset::Latin1);
        // Latin-1 text: "café" is not valid UTF-8, and its é is a lone lead byte.
        assert_eq!(Charset::guess(&[0x63, 0x61, 0x66, 0xE9]), Charset::Latin1);
        // A lead byte with an out-of-range trail, or naming an empty cell, is no Shift_JIS.
        assert_eq!(Charset::guess(&[0x83, 0x82, 0x83, 0x20]), Charset::Latin1);
        assert_eq!(Charset::guess(&[0x83, 0x82, 0x85, 0x40]), Charset::Latin1);
    }

    #[test]
    fn an_eci_designator_decides_over_the_guess() {
        let eci = |n, data: &[u8]| runs(&[byte_segment(Some(n), data)]);
        assert_eq!(eci(20, &MOBILE), vec![(SHIFT_JIS, MOBILE.to_vec())]);
        // Valid UTF-8 (ASCII), but the code says Shift_JIS.
        assert_eq!(eci(20, b"AB")[0].0, SHIFT_JIS);
        assert_eq!(eci(26, &[0x63, 0xE9])[0].0, Charset::Utf8);
        assert_eq!(eci(3, "é".as_bytes())[0].0, Charset::Latin1);
        assert_eq!(eci(22, &[0xCF])[0].0, Charset::Legacy("windows-1251"));
        // Code page 437 (ECI 0 and 2) is decoded here; an ECI this decoder does not know is
        // no text, not a guess.
        assert_eq!(eci(2, &MOBILE)[0].0, Charset::Cp437);
        assert_eq!(eci(0, b"x")[0].0, Charset::Cp437);
        for unknown in [14, 19, 34, 899, 811_799] {
            assert_eq!(eci(unknown, &MOBILE), vec![(Charset::Unknown, MOBILE.to_vec())], "ECI {unknown}");
            assert_eq!(text_of_runs(eci(unknown, b"AB")), ("\u{FFFD}".to_owned(), None), "ECI {unknown}");
        }
        assert_eq!(Charset::Utf16Be.decode(&[0x30, 0x42, 0x00, 0x41]).as_deref(), Some("あA"));
        assert_eq!(Charset::Utf16Be.decode(&[0x00, 0x41, 0x00]).as_deref(), Some("A\u{FFFD}"));
    }

    #[test]
    fn code_page_437() {
        let all: Vec<u8> = (0..=255).collect();
        let text = Charset::Cp437.decode(&all).expect("decoded in every build");
        assert_eq!(text.chars().count(), 256);
        assert!(text.chars().take(128).eq((0..128u8).map(char::from)), "ASCII below 0x80");
        assert_eq!(Charset::Cp437.decode(&[0x80, 0x81, 0x9E, 0xB0, 0xC9, 0xE1, 0xE3, 0xFE, 0xFF]).as_deref(), Some("Çü₧░╔ßπ■\u{a0}"));
        // "Größe 25°" as an ECI 2 code holds it.
        let (text, parts) = text_of_runs(runs(&[byte_segment(Some(2), &[0x47, 0x72, 0x94, 0xE1, 0x65, 0x20, 0x32, 0x35, 0xF8])]));
        assert_eq!((text.as_str(), parts), ("Größe 25°", None));
    }

    /// Every character set [`Charset::of_eci`] names by a label is one the WHATWG
    /// encodings (and so `TextDecoder`) know by that label.
    #[cfg(feature = "legacy-encodings")]
    #[test]
    fn eci_labels_are_whatwg_labels() {
        for eci in 0..1000 {
            if let Some(Charset::Legacy(label)) = Charset::of_eci(eci) {
                assert!(encoding_rs::Encoding::for_label(label.as_bytes()).is_some(), "ECI {eci}: {label}");
            }
        }
        assert_eq!(Charset::of_eci(33).and_then(|c| c.decode(&[0x42, 0x30, 0x41, 0x00])).as_deref(), Some("あA"));
    }

    #[test]
    fn segments_make_runs() {
        // No designator: the whole payload is one run, guessed as a whole (so Kanji mode and
        // Shift_JIS bytes read together).
        let kanji = Segment { mode: Mode::Kanji, eci: None, data: MOBILE[..4].to_vec() };
        let plain = [byte_segment(None, &MOBILE[4..]), kanji.clone()];
        assert_eq!(runs(&plain), vec![(SHIFT_JIS, [&MOBILE[4..], &MOBILE[..4]].concat())]);
        // After a designator: ASCII segments, the designated bytes, Kanji in Shift_JIS.
        let alpha = Segment { mode: Mode::Alphanumeric, eci: None, data: b"A1".to_vec() };
        let mixed =
            [alpha, byte_segment(Some(26), "é".as_bytes()), byte_segment(Some(26), "ß".as_bytes()), Segment { eci: Some(26), ..kanji }];
        let got = runs(&mixed);
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), vec![Charset::Latin1, Charset::Utf8, SHIFT_JIS]);
        assert_eq!(got[1].1, "éß".as_bytes());
    }

    #[test]
    fn hanzi_segments_are_gb2312_in_a_run_of_their_own() {
        // "阿" in Hanzi mode between ASCII bytes, with no designator: not guessed with them.
        let hanzi = Segment { mode: Mode::Hanzi, eci: None, data: vec![0xB0, 0xA2] };
        let got = runs(&[byte_segment(None, b"AD:"), hanzi, byte_segment(None, b";;")]);
        assert_eq!(got, vec![(Charset::Utf8, b"AD:".to_vec()), (GB2312, vec![0xB0, 0xA2]), (Charset::Utf8, b";;".to_vec())]);
        #[cfg(feature = "legacy-encodings")]
        assert_eq!(text_of_runs(got), ("AD:阿;;".to_owned(), None));
        #[cfg(not(feature = "legacy-encodings"))]
        assert_eq!(text_of_runs(got).1.map(|p| p.len()), Some(3));
    }

    #[test]
    fn text_is_complete_or_comes_with_its_parts() {
        let (text, parts) = text_of_runs(vec![(Charset::Latin1, b"ID ".to_vec()), (Charset::Utf8, "é".as_bytes().to_vec())]);
        assert_eq!((text.as_str(), parts), ("ID é", None));
        let (text, parts) = text_of_runs(vec![(Charset::Latin1, b"ID ".to_vec()), (SHIFT_JIS, MOBILE.to_vec())]);
        #[cfg(feature = "legacy-encodings")]
        assert_eq!((text.as_str(), parts), ("ID モバイル", None));
        #[cfg(not(feature = "legacy-encodings"))]
        {
            assert_eq!(text, "ID \u{FFFD}");
            let encoded = Part::Encoded { encoding: "shift_jis".into(), bytes: MOBILE.to_vec() };
            assert_eq!(parts, Some(vec![Part::Text("ID ".into()), encoded]));
        }
    }

    /// The cell classes are WHATWG's Shift_JIS (encoding_rs) for every lead and trail byte.
    #[cfg(feature = "legacy-encodings")]
    #[test]
    fn cell_classes_agree_with_encoding_rs() {
        for lead in (0x81..=0x9F).chain(0xE0..=0xFC) {
            for trail in 0..=0xFFu8 {
                let pair = [lead, trail];
                let (text, errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&pair);
                let mut chars = text.chars();
                let expected = match (errors, chars.next(), chars.next()) {
                    (false, Some(c), None) if matches!(c as u32, 0x3000..=0x9FFF | 0xFF00..=0xFFEF) => Some(CellClass::Japanese),
                    (false, Some(_), None) => Some(CellClass::Other),
                    _ => None,
                };
                assert_eq!(cell_class(lead, trail), expected, "{lead:#04x} {trail:#04x}");
            }
        }
    }

    /// The guess is the one the command line made with encoding_rs before this module:
    /// Shift_JIS exactly when it decodes without errors to two or more Japanese characters.
    #[cfg(feature = "legacy-encodings")]
    #[test]
    fn the_guess_matches_decoding_with_encoding_rs() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for n in 0..20_000 {
            let len = 2 + n % 9;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Mostly lead and trail bytes, some ASCII and half-width katakana.
                    [0x82, 0x83, 0x88, 0x93, 0xE0, 0xEA, 0xFC, 0xA0, 0xB1, 0x41, 0x7F, 0x80, 0x9F, 0xE9][(seed % 14) as usize]
                        ^ ((seed >> 8) as u8 & 0x03)
                })
                .collect();
            let (text, errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes);
            let japanese = text.chars().filter(|c| matches!(*c as u32, 0x3000..=0x9FFF | 0xFF00..=0xFFEF)).count();
            assert_eq!(reads_as_japanese(&bytes), !errors && japanese >= 2, "{bytes:02x?}");
        }
    }
}
