//! Reading QR codes from camera frames and photographs: one pipeline for every front end.
//!
//! rqrr decodes module grids (and its error correction guarantees that no wrong text is
//! returned). The grids come first from our own locator, as ZXing finds symbols: block
//! thresholds (`gray`), cross-checked finder patterns (`finder`), then triples of
//! finders tested by their timing patterns, an alignment template and a perspective
//! transform (`locate`). That fast path reads most frames in a millisecond or two.
//! When it reads nothing, a cascade of attempts follows, cheapest and most likely first,
//! each running the locator and then rqrr's own detection on: a block threshold with
//! rqrr's thresholding; a local-mean binarisation, which copes with shadows and glare; the
//! same inverted, for light-on-dark codes; a global (Otsu) threshold for low-contrast
//! prints; and rescaled copies for codes that are very small or very large in the frame.
//! The cascade stops at the first attempt that finds a code, unless every code in the image
//! is wanted.
//!
//! rqrr panics on some real photographs (its issue #54). Natively the panic is caught and
//! that attempt counts as finding nothing; in WebAssembly a panic traps the instance, so
//! the scanner runs the decoder in a worker that starts a fresh instance after a trap.

mod finder;
mod gray;
mod locate;

use gray::Gray;
use serde::Serialize;
use std::fmt;

/// Largest side of a frame, in pixels. Larger photographs are refused rather than
/// risking unbounded time and memory; callers scale them down first.
pub const MAX_SIDE: usize = 8192;

/// A grey frame: `luma[y * width + x]`, 0 black, 255 white.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    pub width: usize,
    pub height: usize,
    pub luma: &'a [u8],
}

/// Why a frame could not be scanned at all (finding no code is not an error).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanError {
    /// A side is zero or above [`MAX_SIDE`].
    BadSize { width: usize, height: usize },
    /// The pixel buffer does not hold width times height bytes.
    BufferMismatch { expected: usize, found: usize },
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::BadSize { width, height } => {
                write!(f, "a {width}x{height} image cannot be scanned (each side must be 1 to {MAX_SIDE} pixels)")
            }
            ScanError::BufferMismatch { expected, found } => write!(f, "the image should have {expected} pixels but has {found}"),
        }
    }
}

impl std::error::Error for ScanError {}

/// One code found in a frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Code {
    /// The payload bytes after error correction.
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// The payload as text (UTF-8; other encodings where the build supports them).
    pub text: String,
    /// The symbol's version (1 to 40).
    pub version: usize,
    /// Corners in frame pixels: top-left, top-right, bottom-right, bottom-left.
    pub corners: [(i32, i32); 4],
}

/// What to look for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// Stop at the first attempt that finds a code: for cameras.
    First,
    /// Run every attempt and gather every distinct code: for sheets of labels.
    All,
}

impl<'a> Frame<'a> {
    pub fn new(width: usize, height: usize, luma: &'a [u8]) -> Result<Frame<'a>, ScanError> {
        if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
            return Err(ScanError::BadSize { width, height });
        }
        if luma.len() != width * height {
            return Err(ScanError::BufferMismatch { expected: width * height, found: luma.len() });
        }
        Ok(Frame { width, height, luma })
    }
}

/// One way of binarising the image for the locator and for rqrr.
#[derive(Clone, Copy, Debug)]
enum Attempt {
    /// Block thresholds for the locator; rqrr's own row-average threshold for rqrr.
    Native,
    /// Local mean over a window of about 1/`div` of the shorter side.
    Local { div: usize, invert: bool },
    /// One threshold for the whole image (Otsu's), for low-contrast or stylised codes.
    Global,
}

/// Runs rqrr on the image `prepare` makes; a panic inside rqrr counts as finding nothing.
/// (A macro because rqrr does not export the image buffer type it returns.)
macro_rules! detect {
    ($prepare:expr, $scale:expr) => {{
        let scale: f32 = $scale;
        let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut img = $prepare;
            img.detect_grids()
                .iter()
                .filter_map(|grid| {
                    let mut bytes = Vec::new();
                    let meta = grid.decode_to(&mut bytes).ok()?;
                    let corners = grid.bounds.map(|p| ((p.x as f32 * scale) as i32, (p.y as f32 * scale) as i32));
                    Some(Code { text: text_of(&bytes), bytes, version: meta.version.0, corners })
                })
                .collect::<Vec<_>>()
        }));
        found.unwrap_or_default()
    }};
}

/// The text of a payload. QR codes rarely say their encoding (rqrr drops ECI
/// designators), so it is guessed as ZXing does: UTF-8 when the bytes are valid UTF-8;
/// Shift_JIS when they decode cleanly as Japanese text (Kanji mode yields Shift_JIS);
/// otherwise ISO-8859-1, the QR default.
pub fn text_of(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    #[cfg(feature = "legacy-encodings")]
    if let Some(s) = shift_jis(bytes) {
        return s;
    }
    bytes.iter().map(|b| char::from(*b)).collect()
}

#[cfg(feature = "legacy-encodings")]
fn shift_jis(bytes: &[u8]) -> Option<String> {
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    let japanese = text.chars().filter(|c| matches!(*c as u32, 0x3000..=0x9FFF | 0xFF00..=0xFFEF)).count();
    (!had_errors && japanese >= 2).then(|| text.into_owned())
}

/// Most finder patterns for which rqrr's own detection runs too: its grouping of finder
/// patterns takes time that grows steeply with their number (13 s for 361 on one core).
/// Above this the locator alone reads the image; a sheet of 42 labels has 126.
const RQRR_FINDERS: usize = 40;

/// One attempt: binarise, find the finder patterns and read the symbols they outline;
/// when that reads nothing, rqrr's own detection on the same pixels.
fn run(img: &Gray, attempt: Attempt, scale: f32, all: bool) -> Vec<Code> {
    let bits = match attempt {
        Attempt::Native => img.hybrid(),
        Attempt::Local { div, invert } => img.binarise((img.w.min(img.h) / div).max(4), invert),
        Attempt::Global => img.global(img.otsu()),
    };
    let Ok(finders) = finder::find(&bits) else { return Vec::new() };
    let mut found = locate::read(&bits, &finders, scale, all);
    if (!found.is_empty() && !all) || finders.len() > RQRR_FINDERS {
        return found;
    }
    let more = match attempt {
        Attempt::Native => detect!(rqrr::PreparedImage::prepare_from_greyscale(img.w, img.h, |x, y| img.px[y * img.w + x]), scale),
        _ => detect!(rqrr::PreparedImage::prepare_from_bitmap(img.w, img.h, |x, y| bits.dark(x, y)), scale),
    };
    for code in more {
        if !found.iter().any(|c| c.bytes == code.bytes && near(c, &code)) {
            found.push(code);
        }
    }
    found
}

/// The scales to try, most likely first: a large frame is first shrunk (fast, and it
/// bridges blur); a tiny one is grown.
fn scales(f: &Frame) -> Vec<usize> {
    let side = f.width.max(f.height);
    match side {
        0..=320 => vec![1, 0],
        321..=1000 => vec![1, 2, 0],
        1001..=2000 => vec![2, 1],
        _ => vec![side.div_ceil(1200), 2, 1],
    }
}

/// Finds the QR codes in a frame.
pub fn scan(frame: &Frame, want: Want) -> Vec<Code> {
    let large = frame.width.max(frame.height) > 1200;
    let stop = match want {
        Want::First => Stop::FirstCode,
        Want::All if large => Stop::FirstAttempt,
        Want::All => Stop::Never,
    };
    let mut found = scan_whole(frame, stop);
    // Tiles separate codes the whole frame showed too many of at once; a frame that showed
    // none is not searched tile by tile (that would also defeat the finder-pattern limit).
    if want == Want::All && large && !found.is_empty() {
        scan_tiles(frame, &mut found);
    }
    found
}

/// When the cascade of attempts ends.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At the first code.
    FirstCode,
    /// After the first attempt that finds anything, with all it found.
    FirstAttempt,
    /// After every attempt.
    Never,
}

/// Adds the codes found in overlapping tiles of a large frame. With many codes in one
/// image (a sheet of labels) rqrr groups finder patterns of neighbouring codes wrongly;
/// a tile of about four codes' size holds few enough to group right.
fn scan_tiles(frame: &Frame, found: &mut Vec<Code>) {
    let side =
        found.iter().map(|c| (c.corners[1].0 - c.corners[0].0).abs().max((c.corners[3].1 - c.corners[0].1).abs())).max().unwrap_or(0);
    let tile = usize::try_from(side * 3).unwrap_or(0).clamp(400, 1600).min(frame.width.max(frame.height));
    let step = tile / 2;
    let mut y = 0;
    while y < frame.height {
        let mut x = 0;
        while x < frame.width {
            let (w, h) = (tile.min(frame.width - x), tile.min(frame.height - y));
            let px: Vec<u8> =
                (y..y + h).flat_map(|row| frame.luma[row * frame.width + x..row * frame.width + x + w].iter().copied()).collect();
            if let Ok(t) = Frame::new(w, h, &px) {
                for mut code in scan_whole(&t, Stop::FirstAttempt) {
                    code.corners = code.corners.map(|(cx, cy)| (cx + x as i32, cy + y as i32));
                    if !found.iter().any(|c| c.bytes == code.bytes && near(c, &code)) {
                        found.push(code);
                    }
                }
            }
            if x + w >= frame.width {
                break;
            }
            x += step;
        }
        if y + tile >= frame.height {
            break;
        }
        y += step;
    }
}

/// The attempts, most likely first.
const ATTEMPTS: [Attempt; 5] = [
    Attempt::Native,
    Attempt::Local { div: 8, invert: false },
    Attempt::Local { div: 24, invert: false },
    Attempt::Local { div: 8, invert: true },
    Attempt::Global,
];

/// The working image at scale `k` (0 grows by two) and its factor back to frame pixels.
fn at_scale(original: &Gray, k: usize) -> (Gray, f32) {
    match k {
        0 => (original.grow(), 0.5),
        1 => (original.clone(), 1.0),
        k => (original.shrink(k), k as f32),
    }
}

/// The fast path, first for every frame: finder patterns on the block-threshold
/// binarisation of the frame as it is, with no copy and no rescaling.
fn locate_fast(frame: &Frame, all: bool) -> Vec<Code> {
    let bits = gray::hybrid(frame.width, frame.height, frame.luma);
    finder::find(&bits).map(|f| locate::read(&bits, &f, 1.0, all)).unwrap_or_default()
}

/// Scans one frame of a camera stream within a per-frame budget: the fast path on every
/// frame, then one pair of scale and attempt from the cascade, taken in turn by frame
/// number `seq`. Over consecutive frames of a held camera this runs the whole cascade at
/// a fraction of its cost per frame.
pub fn scan_camera(frame: &Frame, seq: u32) -> Vec<Code> {
    let found = locate_fast(frame, false);
    if !found.is_empty() {
        return found;
    }
    let pairs: Vec<(usize, Attempt)> = scales(frame).iter().flat_map(|k| ATTEMPTS.iter().map(move |a| (*k, *a))).collect();
    let (k, attempt) = pairs[seq as usize % pairs.len()];
    let (img, scale) = at_scale(&Gray::of(frame), k);
    if img.w < 21 || img.h < 21 {
        return Vec::new();
    }
    run(&img, attempt, scale, false)
}

fn scan_whole(frame: &Frame, stop: Stop) -> Vec<Code> {
    let mut found = locate_fast(frame, stop != Stop::FirstCode);
    // Gathering every code, the first attempt of the cascade still runs: on a sheet, rqrr's
    // own detection (in tiles) reads a sticker whose finders the locator paired wrongly.
    if stop == Stop::FirstCode && !found.is_empty() {
        return found;
    }
    let original = Gray::of(frame);
    for k in scales(frame) {
        let (img, scale) = at_scale(&original, k);
        if img.w < 21 || img.h < 21 {
            continue;
        }
        for attempt in ATTEMPTS {
            for code in run(&img, attempt, scale, stop == Stop::Never) {
                if !found.iter().any(|c| c.bytes == code.bytes && near(c, &code)) {
                    found.push(code);
                }
            }
            if stop != Stop::Never && !found.is_empty() {
                return found;
            }
        }
    }
    found
}

/// Decodes a symbol whose module grid is known: `size` modules a side, the top-left
/// module's top-left corner at `(x, y)` pixels, `module` pixels a module. Each module is
/// read at its centre against the mid-grey. Used to check printed artwork quickly, where
/// the layout is known; every result still passes the symbol's error correction.
pub fn decode_grid(frame: &Frame, x: f64, y: f64, module: f64, size: usize) -> Option<String> {
    let dark = |col: usize, row: usize| {
        let px = (x + (col as f64 + 0.5) * module) as usize;
        let py = (y + (row as f64 + 0.5) * module) as usize;
        frame.luma.get(py.min(frame.height - 1) * frame.width + px.min(frame.width - 1)).is_some_and(|v| *v < 128)
    };
    locate::decode(size, dark).map(|(bytes, _)| text_of(&bytes))
}

/// Whether two finds are the same symbol seen twice (centres closer than a side).
fn near(a: &Code, b: &Code) -> bool {
    let centre = |c: &Code| c.corners.iter().fold((0, 0), |s, p| (s.0 + p.0 / 4, s.1 + p.1 / 4));
    let side = |c: &Code| (c.corners[0].0 - c.corners[1].0).abs().max((c.corners[0].1 - c.corners[1].1).abs()).max(1);
    let (ca, cb) = (centre(a), centre(b));
    (ca.0 - cb.0).abs().max((ca.1 - cb.1).abs()) < side(a).max(side(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr;

    fn frame_of(text: &str, scale: usize, invert: bool) -> (usize, Vec<u8>) {
        let (side, mut px) = qr::to_luma(&qr::encode(text).unwrap(), scale);
        if invert {
            px.iter_mut().for_each(|p| *p = 255 - *p);
        }
        (side, px)
    }

    #[test]
    fn reads_a_clean_symbol() {
        let (side, px) = frame_of("HELLO 123", 4, false);
        let codes = scan(&Frame::new(side, side, &px).unwrap(), Want::First);
        assert_eq!(codes[0].text, "HELLO 123");
    }

    #[test]
    fn reads_light_on_dark() {
        let (side, px) = frame_of("INVERTED", 4, true);
        let codes = scan(&Frame::new(side, side, &px).unwrap(), Want::First);
        assert_eq!(codes.first().map(|c| c.text.as_str()), Some("INVERTED"));
    }

    #[test]
    fn a_camera_stream_tries_every_attempt_in_turn() {
        let (side, px) = frame_of("STREAM", 4, true);
        let frame = Frame::new(side, side, &px).unwrap();
        // Light on dark: rqrr's own threshold misses it; some frame's extra attempt finds it.
        assert!(scan_camera(&frame, 0).is_empty());
        assert!((0..12).any(|seq| scan_camera(&frame, seq).first().is_some_and(|c| c.text == "STREAM")));
    }

    #[test]
    fn finds_every_code_on_a_sheet() {
        let (side, a) = frame_of("FIRST", 4, false);
        let (_, b) = frame_of("SECOND", 4, false);
        let w = side * 2;
        let mut px = vec![255u8; w * side];
        for y in 0..side {
            px[y * w..y * w + side].copy_from_slice(&a[y * side..(y + 1) * side]);
            px[y * w + side..(y + 1) * w].copy_from_slice(&b[y * side..(y + 1) * side]);
        }
        let mut texts: Vec<String> = scan(&Frame::new(w, side, &px).unwrap(), Want::All).into_iter().map(|c| c.text).collect();
        texts.sort();
        assert_eq!(texts, vec!["FIRST", "SECOND"]);
    }

    #[test]
    fn decodes_a_known_grid() {
        let code = qr::encode("GRID 42").unwrap();
        let (side, px) = qr::to_luma(&code, 5);
        let frame = Frame::new(side, side, &px).unwrap();
        let q = f64::from(qr::QUIET_ZONE * 5);
        assert_eq!(decode_grid(&frame, q, q, 5.0, code.size() as usize).as_deref(), Some("GRID 42"));
        assert_eq!(decode_grid(&frame, q + 10.0, q, 5.0, code.size() as usize), None, "a misplaced grid fails error correction");
    }

    /// A field of finder patterns, each 7 modules of 3 pixels with 2 modules between.
    fn finder_field(side: usize) -> Vec<u8> {
        let ring = |m: usize| m == 0 || m == 6;
        (0..side * side)
            .map(|i| {
                let (mx, my) = ((i % side) / 3 % 9, (i / side) / 3 % 9);
                let dark = mx < 7 && my < 7 && (ring(mx) || ring(my) || ((2..=4).contains(&mx) && (2..=4).contains(&my)));
                if dark {
                    0
                } else {
                    255
                }
            })
            .collect()
    }

    #[test]
    fn an_image_full_of_finder_patterns_is_given_up_on() {
        let px = finder_field(700);
        let bits = gray::hybrid(700, 700, &px);
        assert!(finder::find(&bits).is_err(), "more than {} finders", finder::MAX_FINDERS);
        assert!(scan(&Frame::new(700, 700, &px).unwrap(), Want::All).is_empty());
        // Under the limit, but too many for rqrr's grouping: the locator alone reads it.
        let px = finder_field(200);
        assert!(finder::find(&gray::hybrid(200, 200, &px)).unwrap().len() > RQRR_FINDERS);
        assert!(scan(&Frame::new(200, 200, &px).unwrap(), Want::All).is_empty());
    }

    #[test]
    fn payload_text_encodings() {
        assert_eq!(text_of("grüß".as_bytes()), "grüß");
        assert_eq!(text_of(&[0x63, 0x61, 0x66, 0xE9]), "café");
        #[cfg(feature = "legacy-encodings")]
        assert_eq!(text_of(&[0x83, 0x82, 0x83, 0x6F, 0x83, 0x43, 0x83, 0x8B]), "モバイル");
    }

    #[test]
    fn hostile_frames_are_refused_or_empty() {
        assert!(matches!(Frame::new(0, 10, &[]), Err(ScanError::BadSize { .. })));
        assert!(matches!(Frame::new(10, 10, &[0; 99]), Err(ScanError::BufferMismatch { .. })));
        assert!(Frame::new(MAX_SIDE + 1, 1, &[]).is_err());
        for fill in [0u8, 255] {
            let px = vec![fill; 200 * 100];
            assert!(scan(&Frame::new(200, 100, &px).unwrap(), Want::All).is_empty());
        }
        let noise: Vec<u8> = (0..300u32 * 300).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        assert!(scan(&Frame::new(300, 300, &noise).unwrap(), Want::All).is_empty());
        assert!(scan(&Frame::new(1, 1, &[0]).unwrap(), Want::All).is_empty());
    }
}
