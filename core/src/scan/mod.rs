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
pub mod sighting;
pub mod text;

use gray::{Bits, Gray};
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
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Code {
    /// The payload bytes after error correction (every segment's, in order).
    #[serde(skip)]
    pub bytes: Vec<u8>,
    /// The payload's segments, from which `text` and `parts` are made ([`text::runs`]).
    #[serde(skip)]
    pub segments: Vec<rqrr::Segment>,
    /// The payload as text, each run of it in the character set [`text::runs`] decides.
    /// Where this build cannot decode a run (Shift_JIS and other legacy encodings in
    /// WebAssembly) it holds U+FFFD in its place, and `parts` says how to make the text.
    pub text: String,
    /// Only when `text` is incomplete: the payload in order, as text and as bytes with the
    /// label of their encoding, for `new TextDecoder(label)`. Never set natively.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub parts: Option<Vec<text::Part>>,
    /// The AIM symbology identifier of `text` (ISO/IEC 18004, Annex F), which a GS1 or AIM
    /// application reader transmits before it: `]Q1` plain, `]Q3` GS1 (FNC1 in first
    /// position: `text` is the element strings, with GS, U+001D, after each of variable
    /// length), `]Q5` FNC1 in second position (`text` starts with the application
    /// indicator). Not part of `text`, which is the data as other readers give it (ECI
    /// designators decoded, not passed on: so never `]Q2`, `]Q4` or `]Q6`). `None` for a
    /// code another decoder read.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub symbology: Option<String>,
    /// Only when the symbol is one of a structured append sequence: which one. Its `text`
    /// is then that symbol's share of the message alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub sequence: Option<Sequence>,
    /// The symbol's version (1 to 40).
    pub version: usize,
    /// Corners in frame pixels: top-left, top-right, bottom-right, bottom-left.
    pub corners: [(i32, i32); 4],
}

/// A symbol's place in a structured append sequence (ISO/IEC 18004, 8): up to 16 symbols
/// whose data, in order, make one message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Sequence {
    /// This symbol's position, from 0.
    pub index: u8,
    /// How many symbols the sequence has (1 to 16).
    pub count: u8,
    /// The parity of the whole message, the same in each of its symbols.
    pub parity: u8,
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
    ($prepare:expr, $scale:expr, $samples:expr) => {{
        let scale: f32 = $scale;
        let samples: &mut u64 = $samples;
        let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut img = $prepare;
            img.detect_grids_within(samples)
                .iter()
                .filter_map(|grid| {
                    let (meta, payload) = grid.decode_payload().ok()?;
                    let corners = grid.bounds.map(|p| ((p.x as f32 * scale) as i32, (p.y as f32 * scale) as i32));
                    Some(Code::of_payload(payload, meta.version.0, corners))
                })
                .collect::<Vec<_>>()
        }));
        found.unwrap_or_default()
    }};
}

impl Code {
    /// A code from its decoded payload: its segments' bytes, and their text.
    pub(super) fn of_payload(payload: rqrr::Payload, version: usize, corners: [(i32, i32); 4]) -> Code {
        let symbology = Some(payload.symbology_identifier().to_owned());
        let rqrr::Payload { segments, structured_append, .. } = payload;
        let bytes = segments.iter().flat_map(|s| s.data.iter().copied()).collect();
        let (text, parts) = text::text_of_runs(text::runs(&segments));
        let sequence = structured_append.map(|s| Sequence { index: s.index, count: s.count, parity: s.parity });
        Code { bytes, segments, text, parts, symbology, sequence, version, corners }
    }

    /// A code another decoder read, of which only the text is known.
    pub fn of_text(text: String) -> Code {
        Code {
            bytes: Vec::new(),
            segments: Vec::new(),
            text,
            parts: None,
            symbology: None,
            sequence: None,
            version: 0,
            corners: [(0, 0); 4],
        }
    }

    /// Whether this is one symbol of a structured append sequence of several: a share of
    /// a message, never a whole label, whatever its text.
    pub fn is_part(&self) -> bool {
        self.sequence.is_some_and(|s| s.count > 1)
    }

    /// Whether this code is an iotmark label: a whole symbol whose text [`is_label`].
    pub fn is_label(&self) -> bool {
        !self.is_part() && is_label(&self.text)
    }
}

/// The text of a payload that has no ECI designator, in the character set
/// [`text::Charset::guess`] decides (U+FFFD where this build cannot decode it).
pub fn text_of(bytes: &[u8]) -> String {
    text::text_of_runs(vec![(text::Charset::guess(bytes), bytes.to_vec())]).0
}

/// Most finder patterns for which rqrr's own detection runs too: its grouping of finder
/// patterns takes time that grows steeply with their number (13 s for 361 on one core).
/// Above this the locator alone reads the image; a sheet of 42 labels has 126.
const RQRR_FINDERS: usize = 40;

/// The work one scan may do, in units of somewhat under a nanosecond of native time on a
/// 2-core laptop (see [`locator_cost`], [`rqrr_cost`] and [`SAMPLE_COST`]): about 80 ms
/// for a photograph that holds no readable code. Time is bounded by work, not by a clock:
/// the core is pure, runs the same everywhere and WebAssembly has no clock. It covers the
/// fast path, the locator on every binarisation and several of rqrr's own detections; on
/// a large photograph the cascade skips the full-size steps that would not fit. The
/// photographs of the public corpus that read take up to 55 M of it; the rendered scenes
/// (`tests/src/scenes.rs`: round dots, curved surfaces read by the mesh) come nearest it.
const BUDGET: u64 = 120_000_000;

/// The work of the tiles of a sheet, per [`TILE_AREA`] of frame.
const TILE_BUDGET: u64 = 150_000_000;

/// The locator's work on one camera frame: its candidate symbols beyond this are left to
/// later frames (rqrr's one step per frame is not bounded by it).
const CAMERA_BUDGET: u64 = 30_000_000;

/// Pixels of frame per [`TILE_BUDGET`] of work for the tiles of a sheet.
const TILE_AREA: usize = 1_000_000;

/// Codes that make a large frame a sheet of labels, to be read again tile by tile. A
/// photograph of packaging with a label and another code or two is not one.
const SHEET_CODES: usize = 3;

/// Work left in one scan; each step is charged before it runs, and a step that does not
/// fit is skipped (a cheaper one after it may still fit).
struct Budget(u64);

impl Budget {
    fn take(&mut self, cost: u64) -> bool {
        let fits = cost <= self.0;
        if fits {
            self.0 -= cost;
        }
        fits
    }
}

/// The locator's work on `n` pixels: the binarisation (a local mean builds an integral
/// image) and the finder scan. Each candidate symbol it tries costs [`TRY_COST`] more.
fn locator_cost(n: usize, attempt: Attempt) -> u64 {
    let per_pixel = if matches!(attempt, Attempt::Local { .. }) { 12 } else { 3 };
    (per_pixel * n) as u64 + 1_000_000
}

/// The work of one candidate symbol of the locator at most: the timing patterns and the
/// alignment search for two sizes, and a grid decode.
pub(super) const TRY_COST: u64 = 100_000;

/// rqrr's detection on `n` pixels, before its grid fits: thresholding, region filling
/// and finding capstones over every pixel. The fits are charged as they run (see
/// [`rqrr_in`]): on a photograph of texture they are most of its time, and they vary
/// from nothing to tens of milliseconds with what the image holds.
fn rqrr_cost(n: usize) -> u64 {
    10 * n as u64 + 1_000_000
}

/// The work of one sample of rqrr's grid fits (a perspective map and a pixel read).
const SAMPLE_COST: u64 = 16;

/// The binarisation of one attempt.
fn binarise(img: &Gray, attempt: Attempt) -> Bits<'_> {
    match attempt {
        Attempt::Native => img.hybrid(),
        Attempt::Local { div, invert } => img.binarise((img.w.min(img.h) / div).max(4), invert),
        Attempt::Global => img.global(img.otsu()),
    }
}

/// What the locator made of one binarisation.
#[derive(Default)]
struct Located {
    codes: Vec<Code>,
    /// Finder patterns seen ([`finder::MAX_FINDERS`] and more count as `usize::MAX`).
    finders: usize,
    /// Finder patterns that no code read took.
    unused: usize,
}

/// The locator on one binarisation, its candidate symbols charged to `budget`.
fn locate_in(bits: &Bits, scale: f32, all: bool, budget: &mut Budget) -> Located {
    match finder::find(bits) {
        Ok(f) => {
            let (codes, unused) = locate::read(bits, &f, scale, all, &mut budget.0);
            Located { codes, finders: f.len(), unused }
        }
        Err(_) => Located { finders: usize::MAX, unused: usize::MAX, ..Located::default() },
    }
}

/// rqrr's own detection: on the grey pixels with its own threshold for the native attempt,
/// on `bits` for the others. Its grid fits take what is left of `budget` at most
/// ([`SAMPLE_COST`] a sample), and are charged what they took.
fn rqrr_in(img: &Gray, bits: &Bits, attempt: Attempt, scale: f32, budget: &mut Budget) -> Vec<Code> {
    let allowed = budget.0 / SAMPLE_COST;
    let mut samples = allowed;
    let found = match attempt {
        Attempt::Native => {
            detect!(rqrr::PreparedImage::prepare_from_greyscale(img.w, img.h, |x, y| img.px[y * img.w + x]), scale, &mut samples)
        }
        _ => detect!(rqrr::PreparedImage::prepare_from_bitmap(img.w, img.h, |x, y| bits.dark(x, y)), scale, &mut samples),
    };
    budget.0 = budget.0.saturating_sub((allowed - samples.min(allowed)) * SAMPLE_COST);
    found
}

/// Adds the codes not already found (the same bytes at the same place).
fn merge(found: &mut Vec<Code>, more: Vec<Code>) {
    for code in more {
        if !found.iter().any(|c| c.bytes == code.bytes && near(c, &code)) {
            found.push(code);
        }
    }
}

/// One attempt: binarise, find the finder patterns and read the symbols they outline;
/// when that reads nothing, rqrr's own detection on the same pixels.
fn run(img: &Gray, attempt: Attempt, scale: f32, all: bool, budget: &mut Budget) -> Vec<Code> {
    let bits = binarise(img, attempt);
    let mut found = locate_in(&bits, scale, all, budget);
    if (!found.codes.is_empty() && !all) || found.finders > RQRR_FINDERS {
        return found.codes;
    }
    // rqrr's step is bounded by a budget of its own: on a camera frame the locator has
    // taken most of the frame's.
    merge(&mut found.codes, rqrr_in(img, &bits, attempt, scale, &mut Budget(budget.0.max(RQRR_STEP))));
    found.codes
}

/// The work one step of rqrr's detection may take on a camera frame.
const RQRR_STEP: u64 = 150_000_000;

/// The scales to try, most likely first: a large frame is first shrunk (fast, and it
/// bridges blur); a tiny one is grown. A small one is shrunk too, for the locator alone:
/// averaging pixels two by two smooths out texture inside large modules (a photograph in
/// the dark modules of an "art" code, halftone print) that breaks every finder's runs.
fn scales(f: &Frame) -> Vec<usize> {
    let side = f.width.max(f.height);
    match side {
        0..=1000 => vec![1, 2, 0],
        1001..=2000 => vec![2, 1],
        _ => vec![side.div_ceil(1200), 2, 1],
    }
}

/// Whether a payload is an iotmark label: the label's text alone, or after a link.
pub fn is_label(text: &str) -> bool {
    text.starts_with("IM1:") || text.contains("#IM1:")
}

/// Orders the codes of one frame: iotmark labels first, the rest as found (likeliest first).
pub fn rank(codes: &mut [Code]) {
    // A stable partition (a frame has few codes): no sort of codes in the module.
    let mut next = 0;
    for i in 0..codes.len() {
        if codes[i].is_label() {
            codes[next..=i].rotate_right(1);
            next += 1;
        }
    }
}

/// Finds the QR codes in a frame, labels first (see [`rank`]). With [`Want::First`] the
/// cascade stops at the first step that reads a code; with [`Want::All`] after the first
/// step of rqrr's own detection that follows a find, and large frames that show more
/// codes or finder patterns than were read are searched again tile by tile. Either way
/// the work is bounded ([`BUDGET`]), whatever the image.
pub fn scan(frame: &Frame, want: Want) -> Vec<Code> {
    let mut budget = Budget(BUDGET);
    let mut found = scan_whole(frame, want, &mut budget);
    // Tiles separate codes the whole frame showed too many of at once; a frame that showed
    // none is not searched tile by tile (that would also defeat the finder-pattern limit).
    let large = frame.width.max(frame.height) > 1200;
    if want == Want::All && large && found.len() >= SHEET_CODES {
        // A sheet of labels is not a photograph: tiles may take work in proportion to its area.
        let mut tiles = Budget(TILE_BUDGET * (frame.width * frame.height).div_ceil(TILE_AREA) as u64);
        scan_tiles(frame, &mut found, &mut tiles);
    }
    rank(&mut found);
    found
}

/// Adds the codes found in overlapping tiles of a large frame. With many codes in one
/// image (a sheet of labels) rqrr groups finder patterns of neighbouring codes wrongly;
/// a tile of about four codes' size holds few enough to group right. Each tile gets the
/// locator and, when finder patterns are left unread, rqrr's own detection.
fn scan_tiles(frame: &Frame, found: &mut Vec<Code>, budget: &mut Budget) {
    let side =
        found.iter().map(|c| (c.corners[1].0 - c.corners[0].0).abs().max((c.corners[3].1 - c.corners[0].1).abs())).max().unwrap_or(0);
    let tile = usize::try_from(side * 3).unwrap_or(0).clamp(400, 1600).min(frame.width.max(frame.height));
    let step = tile / 2;
    let mut y = 0;
    while y < frame.height {
        let mut x = 0;
        while x < frame.width {
            let (w, h) = (tile.min(frame.width - x), tile.min(frame.height - y));
            if budget.take(locator_cost(w * h, Attempt::Native) + (w * h) as u64) {
                let img = Gray {
                    w,
                    h,
                    px: (y..y + h).flat_map(|row| frame.luma[row * frame.width + x..row * frame.width + x + w].iter().copied()).collect(),
                };
                let bits = img.hybrid();
                let mut seen = locate_in(&bits, 1.0, true, budget);
                if seen.unused >= 3 && seen.finders <= RQRR_FINDERS && budget.take(rqrr_cost(w * h)) {
                    merge(&mut seen.codes, rqrr_in(&img, &bits, Attempt::Native, 1.0, budget));
                }
                for code in &mut seen.codes {
                    code.corners = code.corners.map(|(cx, cy)| (cx + x as i32, cy + y as i32));
                }
                merge(found, seen.codes);
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
fn at_scale(frame: &Frame, k: usize) -> (Gray, f32) {
    match k {
        0 => (Gray::grown(frame.width, frame.height, frame.luma), 0.5),
        1 => (Gray::of(frame), 1.0),
        k => (Gray::shrunk(frame.width, frame.height, frame.luma, k), k as f32),
    }
}

/// Pixels of the working image at scale `k`.
fn pixels_at(frame: &Frame, k: usize) -> usize {
    match k {
        0 => 4 * frame.width * frame.height,
        k => (frame.width / k) * (frame.height / k),
    }
}

/// The fast path, first for every frame: finder patterns on the block-threshold
/// binarisation of the frame as it is, with no copy and no rescaling.
fn locate_fast(frame: &Frame, all: bool, budget: &mut Budget) -> Located {
    budget.take(locator_cost(frame.width * frame.height, Attempt::Native));
    locate_in(&gray::hybrid(frame.width, frame.height, frame.luma), 1.0, all, budget)
}

/// Scans one frame of a camera stream within a per-frame budget: the fast path on every
/// frame (which reads every code in view, labels first), then, when it read nothing, one
/// pair of scale and attempt from the cascade, taken in turn by frame number `seq`. Over
/// consecutive frames of a held camera this runs the whole cascade at a fraction of its
/// cost per frame.
pub fn scan_camera(frame: &Frame, seq: u32) -> Vec<Code> {
    let mut budget = Budget(CAMERA_BUDGET);
    let mut found = locate_fast(frame, true, &mut budget).codes;
    if found.is_empty() {
        let pairs: Vec<(usize, Attempt)> = scales(frame).iter().flat_map(|k| ATTEMPTS.iter().map(move |a| (*k, *a))).collect();
        let (k, attempt) = pairs[seq as usize % pairs.len()];
        let (img, scale) = at_scale(frame, k);
        if img.w >= 21 && img.h >= 21 {
            found = run(&img, attempt, scale, false, &mut budget);
        }
    }
    rank(&mut found);
    found
}

/// One step of the cascade: the locator, or rqrr's own detection, on one binarisation at
/// one scale.
#[derive(Clone, Copy)]
struct Step {
    scale: usize,
    attempt: usize,
    rqrr: bool,
}

/// The cascade, likeliest per unit of work first. The locator on every binarisation of
/// the frame and its shrunk copies comes first while they are small (each a millisecond
/// or a few, and it reads most photographs the fast path missed); then rqrr's own
/// detection with its own threshold at the first scale; then, scale by scale, the
/// remaining locator steps and rqrr's detection on each binarisation (each up to tens of
/// milliseconds). A frame of camera size is shrunk for the locator (it bridges blur), and
/// rqrr's turn there comes last. A small frame (320 pixels a side or less) is shrunk for
/// the locator only (its cheap steps come first), and its grown copy costs little: there
/// the grown copy's locator and rqrr's own threshold on it come before rqrr on the other
/// binarisations, and the grown copy's turn first (rqrr needs modules of a few pixels,
/// which so small a photo seldom has).
fn steps(frame: &Frame) -> Vec<Step> {
    let scales = scales(frame);
    let cheap = |k: usize| k >= 1 && pixels_at(frame, k) <= CHEAP_PIXELS;
    let mut out: Vec<Step> = Vec::new();
    let add = |step: Step, out: &mut Vec<Step>| {
        // The fast path has run the locator on the frame's block thresholds.
        let fast = !step.rqrr && step.scale == 1 && step.attempt == 0;
        if !fast && !out.iter().any(|s| (s.scale, s.attempt, s.rqrr) == (step.scale, step.attempt, step.rqrr)) {
            out.push(step);
        }
    };
    let shrunk_for_locator = |k: usize| k == 2 && scales.contains(&0);
    let small = frame.width.max(frame.height) <= 320;
    for &scale in scales.iter().filter(|k| cheap(**k)) {
        (0..ATTEMPTS.len()).for_each(|attempt| add(Step { scale, attempt, rqrr: false }, &mut out));
    }
    add(Step { scale: scales[0], attempt: 0, rqrr: true }, &mut out);
    for &scale in &scales {
        (0..ATTEMPTS.len()).for_each(|attempt| add(Step { scale, attempt, rqrr: false }, &mut out));
        if !shrunk_for_locator(scale) {
            let attempts = if small { 1 } else { ATTEMPTS.len() };
            (0..attempts).for_each(|attempt| add(Step { scale, attempt, rqrr: true }, &mut out));
        }
    }
    if small {
        for scale in [0, 1] {
            (1..ATTEMPTS.len()).for_each(|attempt| add(Step { scale, attempt, rqrr: true }, &mut out));
        }
    }
    if scales.contains(&2) && !small {
        (0..ATTEMPTS.len()).for_each(|attempt| add(Step { scale: 2, attempt, rqrr: true }, &mut out));
    }
    out
}

/// Largest working image on which the locator runs before rqrr's first step.
const CHEAP_PIXELS: usize = 1_000_000;

/// The fast path, then the cascade within the budget.
fn scan_whole(frame: &Frame, want: Want, budget: &mut Budget) -> Vec<Code> {
    let all = want == Want::All;
    let fast = locate_fast(frame, all, budget);
    let mut found = fast.codes;
    if !all && !found.is_empty() {
        return found;
    }
    let large = frame.width.max(frame.height) > 1200;
    let mut images: Vec<(usize, Gray, f32)> = Vec::new();
    // Finder patterns seen per scale and attempt: rqrr is not run where there are too many.
    let mut finders: Vec<((usize, usize), usize)> = vec![((1, 0), fast.finders)];
    let mut rqrr_ran = false;
    for step in steps(frame) {
        if !found.is_empty() && (!all || rqrr_ran || !step.rqrr) {
            // Gathering every code, the first of rqrr's steps still runs after a find when
            // finder patterns are left unread, or on a large frame: on a sheet, rqrr reads a
            // sticker whose finders the locator paired wrongly.
            if !all || rqrr_ran || !(large || fast.unused >= 3) {
                break;
            }
            continue;
        }
        let n = pixels_at(frame, step.scale);
        let attempt = ATTEMPTS[step.attempt];
        let key = (step.scale, step.attempt);
        let known = finders.iter().find(|f| f.0 == key).map(|f| f.1);
        let cached = images.iter().any(|i| i.0 == step.scale);
        let copy = if cached { 0 } else { (n + frame.width * frame.height) as u64 };
        // rqrr's cost depends on the finder patterns, counted first where not yet known.
        let count = if step.rqrr && known.is_some() { 0 } else { locator_cost(n, attempt) };
        if !budget.take(count + copy) {
            continue;
        }
        if !cached {
            let (img, scale) = at_scale(frame, step.scale);
            images.push((step.scale, img, scale));
        }
        let (_, img, scale) = images.iter().find(|i| i.0 == step.scale).expect("cached above");
        if img.w < 21 || img.h < 21 {
            continue;
        }
        let bits = binarise(img, attempt);
        if step.rqrr {
            let seen = known.unwrap_or_else(|| finder::find(&bits).map_or(usize::MAX, |f| f.len()));
            if seen <= RQRR_FINDERS && budget.take(rqrr_cost(n)) {
                merge(&mut found, rqrr_in(img, &bits, attempt, *scale, budget));
                rqrr_ran = true;
            }
        } else {
            let seen = locate_in(&bits, *scale, all, budget);
            finders.push((key, seen.finders));
            merge(&mut found, seen.codes);
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
    locate::decode(size, dark).map(|(payload, _)| text::text_of_runs(text::runs(&payload.segments)).0)
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

    /// A symbol whose dark modules are texture (a photograph's, on "art" codes; halftone
    /// print): each a thin black outline around pixels from dark to nearly white, which
    /// break the runs a finder pattern is seen by at every threshold.
    fn textured(text: &str, module: usize) -> (usize, Vec<u8>) {
        let code = qr::encode(text).unwrap();
        let (side, mut px) = qr::to_luma(&code, module);
        let q = qr::QUIET_ZONE as usize * module;
        for (i, p) in px.iter_mut().enumerate() {
            let (x, y) = (i % side, i / side);
            let edge = |v: usize| v < q || (v - q) % module < 1 || (v - q) % module >= module - 1;
            if *p == 0 && !edge(x) && !edge(y) {
                // Light and dark patches a few pixels across, and grain.
                let patch = (x as f64 / 2.5).sin() * (y as f64 / 3.5).cos();
                let grain = f64::from(((i as u32).wrapping_mul(2_654_435_761) >> 24) as u8 % 40);
                *p = (110.0 + 70.0 * patch + grain) as u8;
            }
        }
        (side, px)
    }

    #[test]
    fn reads_a_small_photo_whose_dark_modules_are_texture() {
        let text = "HTTPS://EXAMPLE.ORG/#IM1:0123456789ABCDEF";
        let (side, px) = textured(text, 8);
        assert!(side <= 320, "a small photo: {side}");
        let frame = Frame::new(side, side, &px).unwrap();
        // At full size no finder pattern holds together; the copy shrunk by two averages the
        // texture out.
        assert_eq!(finder::find(&gray::hybrid(side, side, &px)).map(|f| f.len()).unwrap_or(0), 0);
        assert_eq!(scan(&frame, Want::First).first().map(|c| c.text.as_str()), Some(text));
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

    /// Two symbols side by side on one white frame.
    fn side_by_side(a: &str, b: &str) -> (usize, usize, Vec<u8>) {
        let (sa, pa) = frame_of(a, 4, false);
        let (sb, pb) = frame_of(b, 4, false);
        let (w, h) = (sa + sb, sa.max(sb));
        let mut px = vec![255u8; w * h];
        for y in 0..h {
            if y < sa {
                px[y * w..y * w + sa].copy_from_slice(&pa[y * sa..(y + 1) * sa]);
            }
            if y < sb {
                px[y * w + sa..(y + 1) * w].copy_from_slice(&pb[y * sb..(y + 1) * sb]);
            }
        }
        (w, h, px)
    }

    #[test]
    fn every_code_in_a_camera_frame_labels_first() {
        let label = "HTTPS://EXAMPLE.ORG/#IM1:0123456789";
        for (a, b) in [("HTTPS://SHOP.EXAMPLE/OFFER", label), (label, "HTTPS://SHOP.EXAMPLE/OFFER")] {
            let (w, h, px) = side_by_side(a, b);
            let frame = Frame::new(w, h, &px).unwrap();
            for codes in [scan_camera(&frame, 0), scan(&frame, Want::All)] {
                let texts: Vec<&str> = codes.iter().map(|c| c.text.as_str()).collect();
                assert_eq!(texts, vec![label, "HTTPS://SHOP.EXAMPLE/OFFER"]);
            }
            assert_eq!(scan(&frame, Want::First).len(), 1);
        }
        assert!(is_label("IM1:0123") && is_label("HTTP://LOCALHOST:8080/#IM1:0123") && !is_label("HTTPS://EXAMPLE.ORG/IM1:"));
    }

    #[test]
    fn rqrr_fits_grids_within_the_budget_and_is_charged_for_them() {
        let (side, px) = frame_of("RQRR FITS", 4, false);
        let img = Gray::of(&Frame::new(side, side, &px).unwrap());
        let bits = binarise(&img, Attempt::Native);
        let mut budget = Budget(BUDGET);
        let codes = rqrr_in(&img, &bits, Attempt::Native, 1.0, &mut budget);
        assert_eq!(codes.first().map(|c| c.text.as_str()), Some("RQRR FITS"));
        let fit = BUDGET - budget.0;
        assert!(fit >= 2 * SAMPLE_COST * rqrr::fit_work(21), "the fit and its refit are charged: {fit}");
        // With less than one fit's work left, no grid is fitted.
        let mut short = Budget(SAMPLE_COST * rqrr::fit_work(21) / 2);
        assert!(rqrr_in(&img, &bits, Attempt::Native, 1.0, &mut short).is_empty());
    }

    #[test]
    fn the_cascade_is_bounded_by_work() {
        // Noise holds no code; the budget ends the cascade before the full-size steps.
        let (w, h) = (1280, 720);
        let noise: Vec<u8> = (0..w * h).map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 24) as u8).collect();
        let frame = Frame::new(w, h, &noise).unwrap();
        let mut budget = Budget(BUDGET);
        assert!(scan_whole(&frame, Want::All, &mut budget).is_empty());
        assert!(budget.0 < BUDGET / 4, "the cascade used its budget: {} left", budget.0);
        // Each step is charged before it runs, so nothing runs on an empty budget.
        let mut none = Budget(0);
        assert!(scan_whole(&frame, Want::All, &mut none).is_empty());
        // The order: the locator's cheap steps before rqrr's, and every step once.
        let order = steps(&frame);
        assert!(!order[0].rqrr && order.iter().filter(|s| s.rqrr).count() == 10 && order.len() == 19);
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
        let mobile = [0x83, 0x82, 0x83, 0x6F, 0x83, 0x43, 0x83, 0x8B];
        #[cfg(feature = "legacy-encodings")]
        assert_eq!(text_of(&mobile), "モバイル");
        // Without encoding_rs no wrong text: U+FFFD, and the bytes go to the caller.
        #[cfg(not(feature = "legacy-encodings"))]
        assert_eq!(text_of(&mobile), "\u{FFFD}");
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
