//! The bodies of the fuzz targets: each takes arbitrary bytes, must never panic, and
//! checks what it can cheaply on the way (an accepted input must be the canonical
//! encoding of what was read, so decoding then encoding gives the input back).
//!
//! This file is also compiled into `core/tests/fuzz_corpus.rs` (by `#[path]`), which runs
//! every committed corpus file and every saved crash through these functions on every
//! `cargo test`. So it uses nothing but `iotmark_core` and the core's own dependencies.
//!
//! The fixtures are the conformance vectors' (`tests/vectors/labels.json`): their root
//! key, trust list, revocation list and day, and the keys behind them, which the test
//! fixtures derive from names (`tests/src/lib.rs`). With those a target can sign what
//! the fuzzer makes, so that its inputs reach the checks after the signature.

use ed25519_dalek::{SigningKey, VerifyingKey};
use iotmark_core::date::Date;
use iotmark_core::scan::{self, Frame, Want};
use iotmark_core::trust::{Lists, RevocationList, RootRotation, TrustList};
use iotmark_core::verify::{self, Context};
use iotmark_core::wire::{self, cose, digits};
use minicbor::Encoder;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// A target's body: takes any bytes, panics only on a bug.
pub type Target = fn(&[u8]);

/// Every target, by the name of its directory under `fuzz/corpus/`.
pub const TARGETS: &[(&str, Target)] =
    &[("text", text), ("envelope", envelope), ("claims", claims), ("verify", verify), ("lists", lists), ("scan", scan)];

/// Largest side of a frame the scan target makes, in pixels: keeps each input fast and
/// its memory small whatever the header says.
pub const SCAN_MAX_SIDE: usize = 160;

/// The conformance fixtures, read once.
pub struct Fixtures {
    pub root: VerifyingKey,
    pub root_key: SigningKey,
    pub status_key: SigningKey,
    /// Issuers of the trust list: a lab allowed everything, and the suspended lab.
    pub lab: SigningKey,
    pub leaked_lab: SigningKey,
    pub trust_bytes: Vec<u8>,
    pub revocation_bytes: Vec<u8>,
    pub trust: TrustList,
    pub revoked: RevocationList,
    pub today: Date,
}

fn named_key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&Sha256::digest(format!("iotmark test key: {name}")).into())
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex")).collect()
}

/// The fixtures (panics only if the committed vectors file is broken).
pub fn fixtures() -> &'static Fixtures {
    static F: OnceLock<Fixtures> = OnceLock::new();
    F.get_or_init(|| {
        let doc: serde_json::Value = serde_json::from_str(include_str!("../../tests/vectors/labels.json")).expect("vectors JSON");
        let field = |k: &str| doc[k].as_str().expect("vectors field").to_owned();
        let root_bytes: [u8; 32] = unhex(&field("root_public_key")).try_into().expect("32 bytes");
        let root = VerifyingKey::from_bytes(&root_bytes).expect("root key");
        let root_key = named_key("root");
        assert_eq!(root_key.verifying_key(), root, "the vectors' root is the fixture key \"root\"");
        let trust_bytes = unhex(&field("trust_list"));
        let revocation_bytes = unhex(&field("revocation_list"));
        let trust = TrustList::open(&trust_bytes, &root).expect("vectors trust list");
        let revoked = RevocationList::open(&revocation_bytes, &root, &trust).expect("vectors revocation list");
        Fixtures {
            root,
            root_key,
            status_key: named_key("Example Registry status key"),
            lab: named_key("Example Test Lab"),
            leaked_lab: named_key("Leaked Lab"),
            trust_bytes,
            revocation_bytes,
            trust,
            revoked,
            today: field("today").parse().expect("vectors day"),
        }
    })
}

/// The canonical byte string head and content of `b`.
fn bstr(b: &[u8]) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    e.bytes(b).expect("writing to a Vec");
    e.into_writer()
}

/// The text form and the digits.
pub fn text(data: &[u8]) {
    // Any bytes survive the digits both ways.
    let encoded = digits::encode(data);
    assert_eq!(digits::decode(&encoded).as_deref(), Some(data), "digits round trip");
    let Ok(s) = std::str::from_utf8(data) else { return };
    // Digits that decode are the one encoding of their bytes.
    if let Some(bytes) = digits::decode(s) {
        assert_eq!(digits::encode(&bytes), s, "accepted digits are canonical");
    }
    match wire::parse_text(s) {
        Ok(t) => {
            let again = wire::to_text(&t.envelope, t.link.as_deref());
            assert_eq!(again, s.trim(), "accepted text is what to_text writes");
            assert_eq!(wire::parse_text(&again), Ok(t));
        }
        Err(e) => assert!(!e.code().is_empty() && !e.to_string().is_empty()),
    }
}

/// The envelope (COSE_Sign1).
pub fn envelope(data: &[u8]) {
    match cose::open(data) {
        Ok(env) => {
            // Accepted means exactly the documented layout.
            let sig = &data[data.len().saturating_sub(64)..];
            let layout =
                [&[0xD2, 0x84, 0x49, 0xA2, 0x01, 0x27, 0x04, 0x44][..], &env.kid, &[0xA0], &bstr(env.payload), &[0x58, 0x40], sig].concat();
            assert_eq!(layout, data, "an accepted envelope is canonical");
            let f = fixtures();
            for key in [&f.lab, &f.root_key] {
                let vk = key.verifying_key();
                if env.verify(&vk) {
                    assert_eq!(cose::key_id(&vk), env.kid, "a signature verifies only under its kid");
                }
            }
        }
        Err(e) => assert!(!e.code().is_empty() && !e.to_string().is_empty()),
    }
}

/// The claims (the payload of a label).
pub fn claims(data: &[u8]) {
    match wire::decode_claims(data) {
        Ok(label) => {
            assert_eq!(label.check(), Ok(()), "accepted claims pass the label rules");
            assert_eq!(wire::encode_claims(&label), data, "accepted claims are canonical");
            assert!(serde_json::to_string(&label).is_ok());
        }
        Err(e) => assert!(!e.code().is_empty() && !e.to_string().is_empty()),
    }
}

/// `verify` against the vectors' lists. The first byte chooses what the rest is: label
/// text; an envelope (written as text); or claims, signed by the lab, by the suspended
/// lab, or put unsigned under the lab's kid, so the fuzzer reaches every step.
pub fn verify(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let f = fixtures();
    let text = match mode % 5 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => wire::to_text(rest, None),
        2 => wire::to_text(&cose::sign(&f.lab, rest), None),
        3 => wire::to_text(&cose::sign(&f.leaked_lab, rest), Some("https://iotmark.org/v")),
        _ => wire::to_text(&cose::sign(&f.lab, rest), Some("HTTPS://IOTMARK.ORG")),
    };
    let revoked = (mode & 0x80 == 0).then_some(&f.revoked);
    let ctx = Context { trust: &f.trust, revoked, today: f.today };
    let v = verify::verify(&text, &ctx);
    assert_eq!(v.verdict.is_genuine(), v.label.is_some(), "claims are shown exactly for a genuine label");
    assert!(verify::Verdict::CODES.contains(&v.verdict.code()), "a documented verdict code");
    if let Some(label) = &v.label {
        if (2..=4).contains(&(mode % 5)) {
            assert_eq!(wire::encode_claims(label), rest, "genuine claims are canonical");
        }
    }
    assert!(serde_json::to_string(&v).is_ok());
}

/// Trust and revocation list parsing. The first byte chooses: the rest as a trust list or
/// a revocation list envelope; or as a payload signed by the root (trust list or
/// revocation list) or by the status key (revocation list); or a revocation list
/// offered to a verifier holding the vectors' lists.
pub fn lists(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let f = fixtures();
    match mode % 8 {
        0 => trust_list(rest, None),
        1 => revocation_list(rest, None),
        2 => trust_list(&cose::sign(&f.root_key, rest), Some(&f.root_key)),
        3 => revocation_list(&cose::sign(&f.root_key, rest), Some(&f.root_key)),
        4 => revocation_list(&cose::sign(&f.status_key, rest), Some(&f.status_key)),
        6 => rotation(rest, false),
        7 => rotation(&cose::sign(&f.root_key, rest), true),
        _ => {
            let mut held = Lists::new(f.root, &f.trust_bytes, Some(&f.revocation_bytes)).expect("the vectors' lists");
            let offered = cose::sign(&f.status_key, rest);
            if let Ok(taken) = held.offer_revocation(&offered) {
                let list = RevocationList::open(&offered, &f.root, &f.trust).expect("offered list is valid");
                assert_eq!(taken, list.sequence > f.revoked.sequence, "a list replaces an older one only");
            }
            if let Ok(taken) = held.offer_trust(rest) {
                assert!(!taken || held.trust.sequence > f.trust.sequence);
            }
        }
    }
}

/// A root rotation: one that opens signs again to the same bytes, and a verifier that
/// follows it takes nothing more from the old root.
fn rotation(bytes: &[u8], signed_here: bool) {
    let f = fixtures();
    if let Ok(r) = RootRotation::open(bytes, &f.root) {
        let again = r.sign(&f.root_key).expect("an accepted rotation signs");
        if signed_here {
            assert_eq!(again, bytes, "an accepted rotation is canonical");
        }
        let mut held = Lists::new(f.root, &f.trust_bytes, None).expect("the vectors' lists");
        assert_eq!(held.follow(bytes), Ok(true));
        assert_eq!(held.follow(bytes), Ok(false), "followed once");
        assert!(held.offer_trust(&f.trust_bytes).is_err(), "the old root signs nothing any more");
    }
}

fn trust_list(bytes: &[u8], signer: Option<&SigningKey>) {
    let f = fixtures();
    match TrustList::open(bytes, &f.root) {
        Ok(list) => {
            let again = list.sign(&f.root_key).expect("an accepted list signs");
            if signer.is_some() {
                assert_eq!(again, bytes, "an accepted trust list is canonical");
            }
            assert_eq!(TrustList::open(&again, &f.root).as_ref(), Ok(&list));
        }
        Err(e) => assert!(!e.code().is_empty() && !e.to_string().is_empty()),
    }
}

fn revocation_list(bytes: &[u8], signer: Option<&SigningKey>) {
    let f = fixtures();
    match RevocationList::open(bytes, &f.root, &f.trust) {
        Ok(list) => {
            if let Some(key) = signer {
                assert_eq!(list.sign(key).as_deref(), Ok(bytes), "an accepted revocation list is canonical");
            }
            let again = list.sign(&f.root_key).expect("an accepted list signs");
            assert_eq!(RevocationList::open(&again, &f.root, &f.trust).as_ref(), Ok(&list));
        }
        Err(e) => assert!(!e.code().is_empty() && !e.to_string().is_empty()),
    }
}

/// The QR scanner on an image made from the bytes. Header: a flags byte (bits 0–1: scan
/// for the first code, for all, or as camera frame number byte 3; bit 2: one bit a cell,
/// black or white, instead of one grey byte a cell; bits 3–4: cell size 1–4 pixels), then
/// width and height in cells less one, then one spare byte; the rest fills the cells row by
/// row and repeats. Frames are at most [`SCAN_MAX_SIDE`] pixels a side.
pub fn scan(data: &[u8]) {
    let Some((head, cells)) = data.split_first_chunk::<4>() else { return };
    let [flags, w, h, seq] = *head;
    let scale = 1 + usize::from(flags >> 3 & 3);
    let (cols, rows) = (usize::from(w) + 1, usize::from(h) + 1);
    let (width, height) = (cols * scale, rows * scale);
    if width > SCAN_MAX_SIDE || height > SCAN_MAX_SIDE {
        return;
    }
    let bits = flags & 4 != 0;
    let cell = |i: usize| -> u8 {
        if cells.is_empty() {
            return 255;
        }
        if bits {
            let bit = i % (cells.len() * 8);
            if cells[bit / 8] >> (7 - bit % 8) & 1 == 1 {
                0
            } else {
                255
            }
        } else {
            cells[i % cells.len()]
        }
    };
    let luma: Vec<u8> = (0..width * height).map(|p| cell((p / width / scale) * cols + (p % width) / scale)).collect();
    let frame = Frame::new(width, height, &luma).expect("a frame within the bounds");
    let codes = match flags & 3 {
        0 => scan::scan(&frame, Want::First),
        1 => scan::scan(&frame, Want::All),
        _ => scan::scan_camera(&frame, u32::from(seq)),
    };
    for code in &codes {
        assert!((1..=40).contains(&code.version), "a QR version");
        // The text is made by the one rule (`scan::text`) from the code's own segments, and
        // they are its bytes; with no ECI designator the bytes are one run, their character
        // set guessed (the GS1 and AIM modes' FNC1 already in them as GS).
        let bytes: Vec<u8> = code.segments.iter().flat_map(|s| s.data.iter().copied()).collect();
        assert_eq!(code.bytes, bytes);
        let (text, parts) = scan::text::text_of_runs(scan::text::runs(&code.segments));
        assert_eq!((&code.text, &code.parts), (&text, &parts));
        if code.segments.iter().all(|s| s.eci.is_none()) {
            assert_eq!(code.text, scan::text_of(&code.bytes));
        }
        assert!(matches!(code.symbology.as_deref(), Some("]Q1" | "]Q3" | "]Q5")), "a symbology identifier");
        if let Some(parts) = &code.parts {
            assert_eq!(code.text, scan::text::text_of_parts(parts));
            assert!(parts.iter().any(|p| matches!(p, scan::text::Part::Encoded { .. })), "parts only for an incomplete text");
        }
        if let Some(s) = code.sequence {
            assert!(s.index < s.count && s.count <= 16, "a place in a structured append sequence");
        }
    }
}
