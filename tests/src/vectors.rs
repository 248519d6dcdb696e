//! Generates the conformance vectors (`tests/vectors/labels.json`).
//!
//! Each vector's expected verdict is stated here by construction (what the case is built
//! to be), never computed by the verifier, so the conformance test can catch a verifier
//! that drifts. Signatures are deterministic (Ed25519), so the file is reproducible: the
//! test `vectors_are_current` regenerates it and compares.
//!
//! Usage: `cargo run -p iotmark-tests --bin vectors > tests/vectors/labels.json`

use crate::*;
use iotmark_core::date::Date;
use iotmark_core::grade::Grade;
use iotmark_core::label::{Assurance, Label, LabelId, Status};
use iotmark_core::trust::RevocationList;
use iotmark_core::wire::{self, cose};

struct Vector {
    name: String,
    text: String,
    expected: &'static str,
    today: Option<&'static str>,
}

fn text(envelope: &[u8]) -> String {
    wire::to_text(envelope, None)
}

fn signed(label: &Label, signer: &str) -> Vec<u8> {
    cose::sign(&key(signer), &wire::encode_claims(label))
}

/// Signs raw claims bytes, for claims no honest encoder writes.
fn signed_raw(claims: &[u8]) -> Vec<u8> {
    cose::sign(&key(LAB), claims)
}

const LAB: &str = "Example Test Lab";
const REGISTRY: &str = "Example Self-Declaration Registry";

fn with<F: FnOnce(&mut Label)>(f: F) -> Label {
    let mut l = sample(0x1000, Grade::Gold, Assurance::Audited);
    f(&mut l);
    l
}

fn add(v: &mut Vec<Vector>, name: &str, text: String, expected: &'static str) {
    v.push(Vector { name: name.into(), text, expected, today: None });
}

/// The vectors document, as pretty JSON.
pub fn generate() -> String {
    let mut v: Vec<Vector> = Vec::new();

    // Valid labels: every grade and every assurance level.
    let mut id = 0x0100;
    for grade in Grade::ALL {
        for assurance in Assurance::ALL {
            id += 1;
            let signer = if assurance == Assurance::SelfDeclared { REGISTRY } else { LAB };
            let label = sample(id, grade, assurance);
            add(&mut v, &format!("valid {} {}", grade.key(), assurance.key()), text(&signed(&label, signer)), "valid");
        }
    }
    let gold = with(|_| {});
    let good = signed(&gold, LAB);
    add(&mut v, "valid, URL form", wire::to_text(&good, Some("HTTPS://IOTMARK.ORG")), "valid");
    add(&mut v, "valid, URL form in lower case on localhost", wire::to_text(&good, Some("http://localhost:8080/")), "valid");
    add(&mut v, "valid, surrounded by white space", format!("  {}\n", text(&good)), "valid");
    let minimal = with(|l| {
        l.product.gtin = None;
        l.product.serial = None;
        l.facts.privacy.sensors = Default::default();
        l.facts.openness = Default::default();
    });
    add(&mut v, "valid, no GTIN, no serial, no sensors", text(&signed(&minimal, LAB)), "valid");
    let na = with(|l| [11, 13, 14, 15, 16].iter().for_each(|i| l.principles[i - 1] = Status::NotApplicable));
    add(&mut v, "valid gold with every open principle not applicable", text(&signed(&na, LAB)), "valid");
    let last_day = with(|l| l.valid_until = date(TODAY));
    add(&mut v, "valid on its last day", text(&signed(&last_day, LAB)), "valid");
    let first_day = with(|l| l.issued = date(TODAY));
    add(&mut v, "valid on its issue day", text(&signed(&first_day, LAB)), "valid");
    add(&mut v, "valid label read with an expired trust list (warns, still valid)", text(&good), "valid");
    if let Some(last) = v.last_mut() {
        last.today = Some("2027-06-01");
    }

    // Genuine but not currently valid.
    let expired = with(|l| l.valid_until = date("2026-11-21"));
    add(&mut v, "expired yesterday", text(&signed(&expired, LAB)), "expired");
    let future = with(|l| l.issued = date("2026-11-23"));
    add(&mut v, "issued tomorrow", text(&signed(&future, LAB)), "not-yet-valid");
    let revoked = with(|l| l.id = LabelId(0xDEAD_0000_0000_0001));
    add(&mut v, "struck off", text(&signed(&revoked, LAB)), "revoked");

    // A leaked issuer key, suspended: what the registry had recorded still verifies; a
    // label made afterwards with the key, even one dated before the suspension, does not.
    add(&mut v, "recorded label of a suspended issuer", text(&recorded_leaked_label()), "valid");
    let backdated = with(|l| {
        l.id = LabelId(0x1EA4_0000_0000_0002);
        l.issued = date("2025-02-01");
    });
    add(&mut v, "backdated label under a suspended issuer key", text(&signed(&backdated, LEAKED_LAB)), "issuer-suspended");
    let reused_id = with(|l| {
        l.id = LabelId(0x1EA4_0000_0000_0001);
        l.product.name = "Another Product".into();
    });
    add(&mut v, "a recorded label's id reused under a suspended issuer key", text(&signed(&reused_id, LEAKED_LAB)), "issuer-suspended");

    // Forged or altered.
    let mut altered = good.clone();
    let at = good.len() - 70; // the last byte of the payload
    altered[at] ^= 0x01;
    add(&mut v, "one payload byte changed", text(&altered), "bad-signature");
    let mut sig = good.clone();
    let last = sig.len() - 1;
    sig[last] ^= 0x80;
    add(&mut v, "one signature byte changed", text(&sig), "bad-signature");
    let mut wrong_key = signed(&gold, "Mallory");
    let lab_kid = cose::key_id(&key(LAB).verifying_key());
    wrong_key[8..12].copy_from_slice(&lab_kid);
    add(&mut v, "signed by another key under the lab's key id", text(&wrong_key), "bad-signature");
    add(&mut v, "signed by a key the trust list does not know", text(&signed(&gold, "Mallory")), "unknown-issuer");
    add(&mut v, "non-canonical signature (S + L)", text(&add_l_to_s(&good)), "bad-signature");
    let mut digit_changed: Vec<u8> = text(&good).into_bytes();
    let i = digit_changed.len() - 200;
    digit_changed[i] = if digit_changed[i] == b'0' { b'1' } else { b'0' };
    add(&mut v, "one digit changed", String::from_utf8(digit_changed).expect("ascii"), "bad-signature");

    // Broken encodings.
    add(&mut v, "envelope cut short by a byte", text(&good[..good.len() - 1]), "truncated");
    add(&mut v, "envelope cut in the middle", text(&good[..40]), "truncated");
    let t = text(&good);
    add(&mut v, "digits cut short", t[..t.len() - 1].to_owned(), "bad-digits");
    add(&mut v, "a letter among the digits", format!("{}A{}", &t[..20], &t[21..]), "bad-digits");
    add(&mut v, "a digit group over its byte range", format!("{}999", PREFIX), "bad-digits");
    let mut trailing = good.clone();
    trailing.push(0x00);
    add(&mut v, "a byte after the envelope", text(&trailing), "trailing-data");
    let mut alg = good.clone();
    alg[5] = 0x26; // -7 (ES256) instead of -8 (EdDSA)
    add(&mut v, "algorithm ES256 instead of EdDSA", text(&alg), "wrong-algorithm");
    add(&mut v, "untagged COSE_Sign1", text(&good[1..]), "bad-structure");
    add(&mut v, "a COSE_Sign1 with three items", text(&reshape(&good, 0x83)), "bad-structure");
    add(&mut v, "indefinite-length COSE array", text(&indefinite(&good)), "non-canonical");
    add(&mut v, "payload length in a longer form than needed", text(&long_length(&good)), "non-canonical");
    add(&mut v, "protected header with an extra entry", text(&extra_header(&gold)), "bad-header");

    // The text form (section 1): white space is Unicode White_Space, nothing else.
    add(&mut v, "valid, U+3000 before and U+0085 after (White_Space)", format!("\u{3000}{}\u{85}", text(&good)), "valid");
    add(&mut v, "a byte-order mark before (not white space)", format!("\u{FEFF}{}", text(&good)), "not-a-label");
    add(&mut v, "U+001C before (not white space)", format!("\u{1C}{}", text(&good)), "not-a-label");
    add(&mut v, "IM1: with no digits (an empty envelope)", PREFIX.to_owned(), "truncated");

    // The order of the envelope checks (section 3).
    add(&mut v, "array head says 5 over an envelope of 4 items", text(&reshape(&good, 0x85)), "bad-structure");
    add(&mut v, "array head says 2^40 items", text(&[&[0xD2, 0x9B, 0, 0, 1, 0, 0, 0, 0, 0][..], &good[2..]].concat()), "bad-structure");
    add(
        &mut v,
        "unprotected header {4: kid}",
        text(&[&good[..12], &[0xA1, 0x04, 0x44], &good[8..12], &good[13..]].concat()),
        "bad-structure",
    );
    add(
        &mut v,
        "unprotected header {4: kid} and a byte after the envelope",
        text(&[&good[..12], &[0xA1, 0x04, 0x44], &good[8..12], &good[13..], &[0]].concat()),
        "bad-structure",
    );
    add(&mut v, "indefinite-length unprotected map", text(&[&good[..12], &[0xBF, 0xFF], &good[13..]].concat()), "non-canonical");
    let payload_at = 13; // 58 n <payload>
    let payload_end = good.len() - 66;
    add(
        &mut v,
        "indefinite-length payload byte string",
        text(&[&good[..payload_at], &[0x5F], &good[payload_at..payload_end], &[0xFF], &good[payload_end..]].concat()),
        "bad-structure",
    );
    add(
        &mut v,
        "payload length 2^40, past the end",
        text(&[&good[..payload_at], &[0x5B, 0, 0, 1, 0, 0, 0, 0, 0], &good[payload_at + 2..]].concat()),
        "truncated",
    );
    add(
        &mut v,
        "signature of 63 bytes",
        text(&[&good[..payload_end], &[0x58, 0x3F], &good[payload_end + 2..good.len() - 1]].concat()),
        "bad-structure",
    );
    add(
        &mut v,
        "signature of 63 bytes and a byte after the envelope",
        text(&[&good[..payload_end], &[0x58, 0x3F], &good[payload_end + 2..good.len() - 1], &[0]].concat()),
        "trailing-data",
    );
    add(
        &mut v,
        "signature is a text string",
        text(&[&good[..payload_end], &[0x78, 0x40], &good[payload_end + 2..]].concat()),
        "bad-structure",
    );
    add(&mut v, "tag 18 written D8 12 and a byte after the envelope", text(&[&[0xD8, 0x12], &good[1..], &[0]].concat()), "trailing-data");
    add(&mut v, "tag 18 written D8 12", text(&[&[0xD8, 0x12], &good[1..]].concat()), "non-canonical");
    let header = |h: &[u8]| {
        let mut e = vec![0xD2, 0x84, 0x40 | h.len() as u8];
        e.extend(h);
        e.extend(&good[12..]);
        e
    };
    let kid = &good[8..12];
    add(&mut v, "protected alg -8 written 38 07", text(&header(&[&[0xA2, 0x01, 0x38, 0x07, 0x04, 0x44], kid].concat())), "non-canonical");
    add(&mut v, "protected key 1 written 18 01", text(&header(&[&[0xA2, 0x18, 0x01, 0x27, 0x04, 0x44], kid].concat())), "non-canonical");
    add(
        &mut v,
        "protected kid length written 58 04",
        text(&header(&[&[0xA2, 0x01, 0x27, 0x04, 0x58, 0x04], kid].concat())),
        "non-canonical",
    );
    add(&mut v, "protected header without alg", text(&header(&[&[0xA1, 0x04, 0x44], kid].concat())), "bad-header");
    add(
        &mut v,
        "protected header with kid first, then alg",
        text(&header(&[&[0xA2, 0x04, 0x44], kid, &[0x01, 0x27]].concat())),
        "bad-header",
    );
    add(
        &mut v,
        "protected alg as the text EdDSA",
        text(&header(&[&[0xA2, 0x01, 0x65], &b"EdDSA"[..], &[0x04, 0x44], kid].concat())),
        "bad-header",
    );
    add(
        &mut v,
        "protected alg 2^63 (beyond a 64-bit signed integer)",
        text(&header(&[&[0xA2, 0x01, 0x1B, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x44], kid].concat())),
        "bad-header",
    );
    add(&mut v, "protected {1: -7} alone", text(&header(&[0xA1, 0x01, 0x26])), "wrong-algorithm");
    add(
        &mut v,
        "protected {1: -7, 4: kid, 5: 0}",
        text(&header(&[&[0xA3, 0x01, 0x26, 0x04, 0x44], kid, &[0x05, 0x00]].concat())),
        "wrong-algorithm",
    );
    add(&mut v, "protected indefinite-length map", text(&header(&[&[0xBF, 0x01, 0x27, 0x04, 0x44], kid, &[0xFF]].concat())), "bad-header");
    add(
        &mut v,
        "protected header with a byte after the map",
        text(&header(&[&[0xA2, 0x01, 0x27, 0x04, 0x44], kid, &[0x00]].concat())),
        "bad-header",
    );
    let es256_long = long_length(&alg);
    add(&mut v, "payload length written 59 00 n under an ES256 header", text(&es256_long), "wrong-algorithm");

    // The four indefinite-length initial bytes (0x5F byte string, 0x7F text string, 0x9F
    // array, 0xBF map) in every place of the envelope, and string lengths of 2^32 and more
    // (section 3, "Reading CBOR"): the same codes on 64-bit and 32-bit (WebAssembly).
    let sig_at = payload_end; // 58 40 <signature>
    let over_2_32 = [0x5B, 0, 0, 0, 1, 0, 0, 0, 0];
    add(
        &mut v,
        "protected header as an indefinite-length byte string",
        text(&[&good[..2], &[0x5F], &good[2..12], &[0xFF], &good[12..]].concat()),
        "bad-structure",
    );
    add(
        &mut v,
        "signature as an indefinite-length byte string",
        text(&[&good[..sig_at], &[0x5F], &good[sig_at..], &[0xFF]].concat()),
        "bad-structure",
    );
    add(
        &mut v,
        "payload as an indefinite-length text string",
        text(&[&good[..payload_at], &[0x7F], &good[payload_at..payload_end], &[0xFF], &good[payload_end..]].concat()),
        "bad-structure",
    );
    add(&mut v, "COSE_Sign1 as an indefinite-length map", text(&[&[0xD2, 0xBF], &good[2..], &[0xFF]].concat()), "bad-structure");
    add(
        &mut v,
        "unprotected header as an indefinite-length array",
        text(&[&good[..12], &[0x9F, 0xFF], &good[13..]].concat()),
        "bad-structure",
    );
    add(
        &mut v,
        "protected kid as an indefinite-length byte string",
        text(&header(&[&[0xA2, 0x01, 0x27, 0x04, 0x5F, 0x44], kid, &[0xFF]].concat())),
        "bad-header",
    );
    add(
        &mut v,
        "protected alg as an indefinite-length text string",
        text(&header(&[&[0xA2, 0x01, 0x7F, 0x65], &b"EdDSA"[..], &[0xFF, 0x04, 0x44], kid].concat())),
        "bad-header",
    );
    add(&mut v, "protected header as an indefinite-length array", text(&header(&[0x9F, 0x01, 0x27, 0xFF])), "bad-header");
    add(
        &mut v,
        "payload length 2^32, past the end",
        text(&[&good[..payload_at], &over_2_32[..], &good[payload_at + 2..]].concat()),
        "truncated",
    );
    add(
        &mut v,
        "payload length 2^64-1, past the end",
        text(&[&good[..payload_at], &[0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], &good[payload_at + 2..]].concat()),
        "truncated",
    );
    add(&mut v, "protected header length 2^32, past the end", text(&[&good[..2], &over_2_32[..], &good[3..]].concat()), "truncated");
    add(&mut v, "signature length 2^32, past the end", text(&[&good[..sig_at], &over_2_32[..], &good[sig_at + 2..]].concat()), "truncated");
    add(
        &mut v,
        "signature length 2^32-1, past the end",
        text(&[&good[..sig_at], &[0x5A, 0xFF, 0xFF, 0xFF, 0xFF], &good[sig_at + 2..]].concat()),
        "truncated",
    );
    add(
        &mut v,
        "protected kid length 2^32, past the end of the header",
        text(&header(&[&[0xA2, 0x01, 0x27, 0x04], &over_2_32[..], kid].concat())),
        "bad-header",
    );

    // Ed25519 strictness (section 3, Signature): nonces chosen outside, see the constants.
    let r_identity = with_signature(&good, R_IDENTITY_SIGNATURE);
    assert!(plain_rfc8032_accepts(&r_identity), "R = identity satisfies the cofactorless equation");
    add(&mut v, "signature with R the identity (r = 0; the plain RFC 8032 equation holds)", text(&r_identity), "bad-signature");
    add(
        &mut v,
        "signature with a small-order component in R (only a cofactored check accepts)",
        text(&with_signature(&good, R_TORSION_SIGNATURE)),
        "bad-signature",
    );

    // Signed by a trusted issuer, but the claims break the rules.
    let claims = wire::encode_claims(&gold);
    let mut bad_grade = claims.clone();
    let grade_at = grade_offset(&claims);
    bad_grade[grade_at] = 0x07;
    add(&mut v, "grade value 7", text(&signed_raw(&bad_grade)), "bad-claim");
    let mut trailing_claims = claims.clone();
    trailing_claims.push(0x00);
    add(&mut v, "a byte after the claims", text(&signed_raw(&trailing_claims)), "trailing-data");
    let mut long_int = claims.clone();
    long_int.splice(grade_at..=grade_at, [0x18, Grade::Gold as u8]);
    add(&mut v, "grade written as a two-byte integer", text(&signed_raw(&long_int)), "non-canonical");
    let mut short_principles = claims.clone();
    let p_at = grade_at - 10; // bstr(9) header of the principles
    short_principles.remove(p_at + 9);
    short_principles[p_at] = 0x48;
    add(&mut v, "eight bytes of principles instead of nine", text(&signed_raw(&short_principles)), "bad-claim");
    let stated_gold_is_silver = with(|l| l.principles = statuses(Some(Grade::Silver)));
    add(&mut v, "states gold, earns silver", text(&signed(&stated_gold_is_silver, LAB)), "grade-mismatch");
    let no_mark = with(|l| {
        l.principles = statuses(None);
        l.grade = Grade::Bronze;
    });
    add(&mut v, "states bronze, earns no mark", text(&signed(&no_mark, LAB)), "grade-mismatch");
    let mut catalogue2 = claims.clone();
    assert_eq!(catalogue2[..5], [0x95, 0x19, 0x10, 0x00, 0x01], "array(21), label id 0x1000, catalogue 1");
    catalogue2[4] = 0x02;
    add(&mut v, "names catalogue version 2", text(&signed_raw(&catalogue2)), "unknown-catalogue");
    add(&mut v, "audited label from a self-declaration registry", text(&signed(&gold, REGISTRY)), "assurance-not-allowed");
    add(&mut v, "issued after the issuer was retired", text(&signed(&gold, "Retired Lab")), "issuer-not-valid");
    let too_early = with(|l| l.issued = date("2024-12-31"));
    add(&mut v, "issued before the issuer was admitted", text(&signed(&too_early, LAB)), "issuer-not-valid");
    let empty_name = with(|l| l.product.name = String::new());
    add(&mut v, "empty product name", text(&signed(&empty_name, LAB)), "bad-claim");
    let mut spoofed = gold.clone();
    spoofed.product.maker = "Hearth Audio\u{202E}HbmG".into();
    add(&mut v, "maker with a right-to-left override", text(&signed_raw(&wire::encode_claims(&spoofed))), "bad-claim");
    let mut zero_width = gold.clone();
    zero_width.product.name = "Hearth\u{200B}Speaker".into();
    add(&mut v, "product name with a zero-width space", text(&signed_raw(&wire::encode_claims(&zero_width))), "bad-claim");
    let mut separator = gold.clone();
    separator.product.model = "HS\u{1C}200".into();
    add(&mut v, "model with the control character U+001C", text(&signed_raw(&wire::encode_claims(&separator))), "bad-claim");

    // The order of the claim checks and the limits (section 4).
    let items = claim_items(&gold);
    let raw = |changes: &[(usize, &[u8])]| {
        let mut it = items.clone();
        for (i, b) in changes {
            it[*i] = b.to_vec();
        }
        [vec![0x95], it.concat()].concat()
    };
    let claims_of = |head: &[u8], it: &[Vec<u8>]| [head.to_vec(), it.concat()].concat();
    let grade_at = 8;
    add(&mut v, "claims array of 20", text(&signed_raw(&claims_of(&[0x94], &items[..20]))), "bad-structure");
    add(&mut v, "claims array of 22", text(&signed_raw(&claims_of(&[0x96], &[items.clone(), vec![vec![0x00]]].concat()))), "bad-structure");
    add(&mut v, "claims are a map", text(&signed_raw(&[0xA1, 0x01, 0x02])), "bad-structure");
    add(&mut v, "claims are empty", text(&signed_raw(&[])), "truncated");
    add(&mut v, "indefinite-length claims array", text(&signed_raw(&[claims_of(&[0x9F], &items), vec![0xFF]].concat())), "non-canonical");
    add(&mut v, "claims array head written 98 15", text(&signed_raw(&claims_of(&[0x98, 0x15], &items))), "non-canonical");
    let cut = raw(&[]);
    let maker_at = 1 + items[0].len() + items[1].len();
    add(&mut v, "claims cut short inside the maker", text(&signed_raw(&cut[..maker_at + 4])), "truncated");
    add(&mut v, "claims cut short after 20 items", text(&signed_raw(&cut[..cut.len() - items[20].len()])), "truncated");
    add(
        &mut v,
        "catalogue 2 and a byte after the claims",
        text(&signed_raw(&[raw(&[(1, &[0x02])]), vec![0x00]].concat())),
        "unknown-catalogue",
    );
    add(&mut v, "catalogue 2 and the claims cut short", text(&signed_raw(&raw(&[(1, &[0x02])])[..cut.len() - 3])), "unknown-catalogue");
    add(
        &mut v,
        "catalogue 2 and the grade in two bytes",
        text(&signed_raw(&raw(&[(1, &[0x02]), (grade_at, &[0x18, Grade::Gold as u8])]))),
        "unknown-catalogue",
    );
    add(&mut v, "catalogue 70000 (over 65535)", text(&signed_raw(&raw(&[(1, &[0x1A, 0x00, 0x01, 0x11, 0x70])]))), "bad-claim");
    add(&mut v, "label id as text and catalogue 2", text(&signed_raw(&raw(&[(0, &[0x61, b'x']), (1, &[0x02])]))), "bad-claim");
    add(&mut v, "grade 7 written in three bytes", text(&signed_raw(&raw(&[(grade_at, &[0x19, 0x00, 0x07])]))), "bad-claim");
    add(&mut v, "grade 0", text(&signed_raw(&raw(&[(grade_at, &[0x00])]))), "bad-claim");
    add(
        &mut v,
        "empty maker and the grade in two bytes",
        text(&signed_raw(&raw(&[(2, &[0x60]), (grade_at, &[0x18, Grade::Gold as u8])]))),
        "bad-claim",
    );
    add(
        &mut v,
        "empty maker and a byte after the claims",
        text(&signed_raw(&[raw(&[(2, &[0x60])]), vec![0x00]].concat())),
        "trailing-data",
    );
    add(
        &mut v,
        "grade in two bytes and a byte after the claims",
        text(&signed_raw(&[raw(&[(grade_at, &[0x18, Grade::Gold as u8])]), vec![0x00]].concat())),
        "trailing-data",
    );
    add(
        &mut v,
        "maker as an indefinite-length text string",
        text(&signed_raw(&raw(&[(2, &[&[0x7F], &items[2][..], &[0xFF]].concat())]))),
        "bad-claim",
    );
    add(&mut v, "claims as an indefinite-length map", text(&signed_raw(&[0xBF, 0xFF])), "bad-structure");
    add(&mut v, "claims as an indefinite-length byte string", text(&signed_raw(&[0x5F, 0x41, 0x00, 0xFF])), "bad-structure");
    add(&mut v, "claims of the one byte 0x7F (an indefinite-length text string)", text(&signed_raw(&[0x7F])), "bad-structure");
    add(
        &mut v,
        "principles as an indefinite-length byte string",
        text(&signed_raw(&raw(&[(7, &[&[0x5F], &items[7][..], &[0xFF]].concat())]))),
        "bad-claim",
    );
    add(
        &mut v,
        "serial as an indefinite-length text string",
        text(&signed_raw(&raw(&[(6, &[&[0x7F], &items[6][..], &[0xFF]].concat())]))),
        "bad-claim",
    );
    add(&mut v, "model as an indefinite-length array", text(&signed_raw(&raw(&[(4, &[0x9F, 0xFF])]))), "bad-claim");
    add(&mut v, "GTIN as an indefinite-length map", text(&signed_raw(&raw(&[(5, &[0xBF, 0xFF])]))), "bad-claim");
    add(&mut v, "maker length 2^32, past the end", text(&signed_raw(&raw(&[(2, &[0x7B, 0, 0, 0, 1, 0, 0, 0, 0])]))), "truncated");
    add(
        &mut v,
        "principles length 2^64-1, past the end",
        text(&signed_raw(&raw(&[(7, &[0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])]))),
        "truncated",
    );
    add(&mut v, "maker of one U+3000 (blank)", text(&signed_raw(&raw(&[(2, &[0x63, 0xE3, 0x80, 0x80])]))), "bad-claim");
    add(&mut v, "maker that is not UTF-8", text(&signed_raw(&raw(&[(2, &[0x62, 0xC3, 0x28])]))), "bad-claim");
    add(
        &mut v,
        "issued day 2^32 (over 2^32-1)",
        text(&signed_raw(&raw(&[(10, &[0x1B, 0, 0, 0, 1, 0, 0, 0, 0]), (11, &[0x1B, 0, 0, 0, 1, 0, 0, 0, 0])]))),
        "bad-claim",
    );
    let updates = |m: u32| with(|l| l.facts.lifecycle.updates_until = iotmark_core::date::YearMonth(m));
    add(&mut v, "security updates until 9999-12 (month 95759)", text(&signed(&updates(95_759), LAB)), "valid");
    add(&mut v, "security updates until month 95760", text(&signed_raw(&raw(&[(12, &[0x1A, 0x00, 0x01, 0x76, 0x10])]))), "bad-claim");
    add(
        &mut v,
        "GTIN with a wrong check digit",
        text(&signed_raw(&raw(&[(5, &[0x1B, 0x00, 0x00, 0x03, 0xA4, 0xCE, 0xEF, 0xAD, 0xAC])]))),
        "bad-claim",
    );
    add(&mut v, "GTIN as text", text(&signed_raw(&raw(&[(5, &[&[0x6D], &b"4006381333931"[..]].concat())]))), "bad-claim");
    add(&mut v, "openness 2^32", text(&signed_raw(&raw(&[(20, &[0x1B, 0, 0, 0, 1, 0, 0, 0, 0])]))), "bad-claim");

    // Not labels at all.
    add(&mut v, "empty text", String::new(), "not-a-label");
    add(&mut v, "a web address", "https://example.com/product".into(), "not-a-label");
    add(&mut v, "plain text", "HELLO WORLD".into(), "not-a-label");
    add(&mut v, "prefix in lower case", t.to_lowercase(), "not-a-label");
    add(&mut v, "URL with another fragment", "https://iotmark.org/s#about".into(), "not-a-label");
    add(&mut v, "a future format version", t.replacen("IM1:", "IM2:", 1), "not-a-label");

    document(&v)
}

use iotmark_core::wire::PREFIX;

/// Signatures by the lab's key over the "valid, URL form" envelope (`good`), made with a
/// chosen Ed25519 nonce r, which ed25519-dalek cannot do (tests/python: `sign_with_r` in
/// diff_cli.py computes them the same way): R = [r]B (+ T), S = r + k a mod L.
/// r = 0: R is the identity encoding `01 00…00`, a small-order point; [S]B − [k]A = R holds.
const R_IDENTITY_SIGNATURE: &str =
    "01000000000000000000000000000000000000000000000000000000000000004625a483c19adf7367de16066933b0092b2e5c1ae185b056593ed4ea65c0f60d";
/// r = 0x1EA5E plus T, the order-8 point `c7176a70…ac037a`: [8]([S]B − [k]A − R) is the
/// identity, but [S]B − [k]A is not R.
const R_TORSION_SIGNATURE: &str =
    "6e76f227c4fe15099239de43b5b35131037e130bd0964faca303ba51e96adc99f5415c7a258657c9e8fe0d2806c905df713bb26ce3a3ba9e1a97762aed471c00";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

/// `env` with its 64 signature bytes replaced.
fn with_signature(env: &[u8], sig: &str) -> Vec<u8> {
    [&env[..env.len() - 64], &unhex(sig)[..]].concat()
}

/// Whether ed25519-dalek's non-strict `verify` (the cofactorless RFC 8032 equation without
/// the small-order checks) accepts the envelope's signature with the lab's key.
fn plain_rfc8032_accepts(env: &[u8]) -> bool {
    let e = cose::open(env).expect("well-formed");
    let mut m = minicbor::Encoder::new(Vec::new());
    let protected = &env[3..12];
    let ok = m
        .array(4)
        .and_then(|m| m.str("Signature1"))
        .and_then(|m| m.bytes(protected))
        .and_then(|m| m.bytes(&[]))
        .and_then(|m| m.bytes(e.payload))
        .is_ok();
    let sig = ed25519_dalek::Signature::from_slice(&env[env.len() - 64..]).expect("64 bytes");
    ok && key(LAB).verifying_key().verify_strict(m.writer(), &sig).is_err()
        && ed25519_dalek::Verifier::verify(&key(LAB).verifying_key(), m.writer(), &sig).is_ok()
}

/// The 21 claims of `label`, each as its own canonical CBOR bytes.
fn claim_items(label: &Label) -> Vec<Vec<u8>> {
    let claims = wire::encode_claims(label);
    let mut d = minicbor::Decoder::new(&claims);
    assert_eq!(d.array().ok().flatten(), Some(21), "array(21)");
    (0..21)
        .map(|_| {
            let start = d.position();
            d.skip().expect("canonical claims");
            claims[start..d.position()].to_vec()
        })
        .collect()
}

/// The offset of the grade in canonical claims: after the principles bstr.
fn grade_offset(claims: &[u8]) -> usize {
    let p = claims.windows(2).position(|w| w == [0x49, 0x00] || w[0] == 0x49).expect("principles bstr(9)");
    p + 10
}

/// Replaces the envelope's array header.
fn reshape(env: &[u8], header: u8) -> Vec<u8> {
    let mut e = env.to_vec();
    e[1] = header;
    e
}

fn indefinite(env: &[u8]) -> Vec<u8> {
    let mut e = reshape(env, 0x9F);
    e.push(0xFF);
    e
}

/// Rewrites the payload's bstr header (0x58 n) as 0x59 0x00 n.
fn long_length(env: &[u8]) -> Vec<u8> {
    let at = 1 + 1 + 10 + 1;
    assert_eq!(env[at], 0x58, "payload header is bstr with 1-byte length");
    let mut e = env[..at].to_vec();
    e.extend([0x59, 0x00]);
    e.extend(&env[at + 1..]);
    e
}

fn extra_header(label: &Label) -> Vec<u8> {
    let env = signed(label, LAB);
    // protected bstr(9) {1:-8, 4:kid} -> bstr(11) {1:-8, 4:kid, 5: 0}: three entries.
    let mut e = vec![0xD2, 0x84, 0x4B, 0xA3];
    e.extend(&env[4..12]);
    e.extend([0x05, 0x00]);
    e.extend(&env[12..]);
    e
}

/// Adds the group order L to the signature's S, which strict verification must refuse.
fn add_l_to_s(env: &[u8]) -> Vec<u8> {
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0x10,
    ];
    let mut e = env.to_vec();
    let s = e.len() - 32;
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(e[s + i]) + u16::from(L[i]) + carry;
        e[s + i] = sum as u8;
        carry = sum >> 8;
    }
    e
}

/// Lists a verifier must take or refuse, given the fixture trust list: each with the
/// expected result (`ok`, or the error code).
fn list_vectors() -> serde_json::Value {
    use iotmark_core::trust::STATUS_LIST_MAX_DAYS;
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let (root, status) = (key("root"), key(STATUS));
    let r = revocation_list();
    let long = RevocationList { expires: Date(r.issued.0 + STATUS_LIST_MAX_DAYS + 1), ..r.clone() };
    let week = RevocationList { expires: Date(r.issued.0 + STATUS_LIST_MAX_DAYS), ..r.clone() };
    let trust_payload = cose::open(&trust_list().sign(&root).expect("valid")).map(|e| e.payload.to_vec()).unwrap_or_default();
    let mut long_sequence = trust_payload.clone();
    assert_eq!(long_sequence[..2], [0x85, 0x07], "array(5), sequence 7");
    long_sequence.splice(1..2, [0x18, 0x07]);
    let case = |name: &str, kind: &str, bytes: Vec<u8>, expected: &str| serde_json::json!({"name": name, "list": kind, "bytes": hex(&bytes), "expected": expected});
    let mut cases = serde_json::json!([
        case("revocation list signed by the status key, valid 7 days", "revocation", week.sign(&status).expect("valid"), "ok"),
        case("revocation list signed by the status key, valid 8 days", "revocation", long.sign(&status).expect("valid"), "bad-entry"),
        case("revocation list signed by the root, valid 8 days", "revocation", long.sign(&root).expect("valid"), "ok"),
        case("revocation list signed by an issuer key", "revocation", r.sign(&key(LAB)).expect("valid"), "bad-signature"),
        case("trust list signed by the status key", "trust", cose::sign(&status, &trust_payload), "bad-signature"),
        case("trust list with its sequence number in two bytes", "trust", cose::sign(&root, &long_sequence), "non-canonical"),
        // Sizes, key decoding and the order of the list checks (section 5, "Reading a list").
        case("trust list with an issuer key of 31 bytes", "trust", tl(&with_issuer(&[0x42; 31], "Short Key Lab", 1), None), "bad-entry"),
        case(
            "trust list with an issuer key of 31 bytes and a byte after it",
            "trust",
            tl(&with_issuer(&[0x42; 31], "Short Key Lab", 1), Some(&[0])),
            "bad-entry"
        ),
        case(
            "trust list with an issuer key that is not a point (y = 2)",
            "trust",
            tl(&with_issuer(&point(2, false), "Odd Key Lab", 1), None),
            "bad-entry"
        ),
        case(
            "trust list with an issuer key of small order (the identity)",
            "trust",
            tl(&with_issuer(&point(1, false), "Odd Key Lab", 1), None),
            "bad-entry"
        ),
        case(
            "trust list with an issuer key x = 0 and bit 255 set (order 2)",
            "trust",
            tl(&with_issuer(&p_minus_1_signed(), "Odd Key Lab", 1), None),
            "bad-entry"
        ),
        case(
            "trust list with an issuer key written with y = p + 3 (a point of large order)",
            "trust",
            tl(&with_issuer(&p_plus(3), "Odd Key Lab", 1), None),
            "ok"
        ),
        case(
            "trust list with assurances 8",
            "trust",
            tl(&with_issuer(key("Odd Lab").verifying_key().as_bytes(), "Odd Lab", 8), None),
            "bad-entry"
        ),
        case(
            "trust list with assurances 256",
            "trust",
            tl(&with_issuer(key("Odd Lab").verifying_key().as_bytes(), "Odd Lab", 256), None),
            "bad-structure"
        ),
        case(
            "trust list with an issuer named by one space",
            "trust",
            tl(&with_issuer(key("Odd Lab").verifying_key().as_bytes(), " ", 1), None),
            "bad-entry"
        ),
        case(
            "trust list naming one issuer twice, and a byte after it",
            "trust",
            tl(&with_issuer(key(LAB).verifying_key().as_bytes(), LAB, 7), Some(&[0])),
            "trailing-data"
        ),
        case(
            "trust list expiring before its issue, and a byte after it",
            "trust",
            cose::sign(&root, &[trust_expiring_early(), vec![0]].concat()),
            "bad-entry"
        ),
        case(
            "trust list with a status key of 33 bytes",
            "trust",
            cose::sign(&root, &trust_payload_with(&issuers_raw(&[]), &[&[0x58, 0x21][..], &[0x55; 33]].concat())),
            "bad-entry"
        ),
        case(
            "trust list with its issuers in an indefinite-length array",
            "trust",
            cose::sign(&root, &indefinite_issuers()),
            "non-canonical"
        ),
        case("revocation list with a note of spaces only", "revocation", rl(&root, &[strike(1, 1, "   ")], &[]), "ok"),
        case("revocation list with an empty note", "revocation", rl(&root, &[strike(1, 1, "")], &[]), "ok"),
        case("revocation list with a note of 200 bytes", "revocation", rl(&root, &[strike(1, 1, &"\u{E9}".repeat(100))], &[]), "ok"),
        case("revocation list with a note of 201 bytes", "revocation", rl(&root, &[strike(1, 1, &"x".repeat(201))], &[]), "bad-entry"),
        case("revocation list with a note holding U+202E", "revocation", rl(&root, &[strike(1, 1, "a\u{202E}b")], &[]), "bad-entry"),
        case("revocation list with reason 5", "revocation", rl(&root, &[strike(1, 5, "")], &[]), "bad-entry"),
        case("revocation list with reason 256", "revocation", rl(&root, &[strike(1, 256, "")], &[]), "bad-structure"),
        case("revocation list with ids descending", "revocation", rl(&root, &[strike(2, 1, ""), strike(1, 1, "")], &[]), "bad-entry"),
        case("revocation list with a suspended kid of 3 bytes", "revocation", rl(&root, &[], &[suspension(&[1, 2, 3], &[])]), "bad-entry"),
        case(
            "revocation list with a suspension recording 13 bytes",
            "revocation",
            rl(&root, &[], &[suspension(&[1, 2, 3, 4], &[0; 13])]),
            "bad-entry"
        ),
        case(
            "revocation list signed by the status key, valid 8 days, and a byte after it",
            "revocation",
            cose::sign(&status, &[revocation_payload(&long), vec![0]].concat()),
            "trailing-data"
        ),
        case(
            "revocation list signed by the status key, issued and expired long ago",
            "revocation",
            RevocationList { issued: Date(100), expires: Date(103), ..r.clone() }.sign(&status).expect("valid"),
            "ok"
        ),
        case(
            "revocation list signed by the root under the status key's kid",
            "revocation",
            under_kid(&root, &revocation_payload(&r), &status),
            "bad-signature"
        ),
    ]);
    // The four indefinite-length initial bytes and lengths over 2^32 in lists (section 3,
    // "Reading CBOR", and section 5, "Reading a list").
    let odd = issuer_raw(key("Odd Lab").verifying_key().as_bytes(), "Odd Lab", 1, date("2025-01-01").0, date("2030-12-31").0);
    assert_eq!([odd[0], odd[1], odd[2], odd[35]], [0x85, 0x58, 0x20, 0x67], "array(5), bstr(32), tstr(7)");
    let note = strike(1, 1, "note");
    assert_eq!([note[0], note[2], note[6]], [0x84, 0x19, 0x64], "array(4), day in two bytes, tstr(4)");
    let held = suspension(&[1, 2, 3, 4], &[7; 12]);
    assert_eq!([held[0], held[1], held[6], held[9]], [0x83, 0x44, 0x19, 0x4C], "array(3), bstr(4), day, bstr(12)");
    let over_2_32 = [0x5B, 0, 0, 0, 1, 0, 0, 0, 0];
    let more = [
        case(
            "trust list as an indefinite-length array",
            "trust",
            tl(&[&[0x9F][..], &trust_payload[1..], &[0xFF]].concat(), None),
            "non-canonical",
        ),
        case(
            "trust list with an issuer as an indefinite-length array",
            "trust",
            tl(&with_raw_issuer(&[&[0x9F][..], &odd[1..], &[0xFF]].concat()), None),
            "non-canonical",
        ),
        case(
            "trust list with an issuer key as an indefinite-length byte string",
            "trust",
            tl(&with_raw_issuer(&[&odd[..1], &[0x5F], &odd[1..35], &[0xFF], &odd[35..]].concat()), None),
            "bad-structure",
        ),
        case(
            "trust list with an issuer name as an indefinite-length text string",
            "trust",
            tl(&with_raw_issuer(&[&odd[..35], &[0x7F], &odd[35..43], &[0xFF], &odd[43..]].concat()), None),
            "bad-structure",
        ),
        case(
            "trust list with an issuer name of length 2^32, past the end",
            "trust",
            tl(&with_raw_issuer(&[&odd[..35], &[0x7B, 0, 0, 0, 1, 0, 0, 0, 0], &odd[36..]].concat()), None),
            "truncated",
        ),
        case(
            "trust list with an issuer key of length 2^64-1, past the end",
            "trust",
            tl(&with_raw_issuer(&[&odd[..1], &[0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], &odd[3..]].concat()), None),
            "truncated",
        ),
        case(
            "trust list with its status key as an indefinite-length array",
            "trust",
            tl(&trust_payload_with(&issuers_raw(&[]), &[0x9F, 0xFF]), None),
            "bad-structure",
        ),
        case(
            "revocation list with a suspension as an indefinite-length map",
            "revocation",
            rl(&root, &[], &[[&[0xBF][..], &held[1..], &[0xFF]].concat()]),
            "bad-structure",
        ),
        case(
            "revocation list with its strike-offs in an indefinite-length array",
            "revocation",
            rl_raw(&root, &[&[0x9F][..], &note, &[0xFF, 0x80]].concat()),
            "non-canonical",
        ),
        case(
            "revocation list with a note as an indefinite-length text string",
            "revocation",
            rl(&root, &[[&note[..6], &[0x7F], &note[6..], &[0xFF]].concat()], &[]),
            "bad-structure",
        ),
        case(
            "revocation list with a note of length 2^64-1, past the end",
            "revocation",
            rl(&root, &[[&note[..6], &[0x7B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF][..]].concat()], &[]),
            "truncated",
        ),
        case(
            "revocation list with a recorded set as an indefinite-length byte string",
            "revocation",
            rl(&root, &[], &[[&held[..9], &[0x5F], &held[9..], &[0xFF]].concat()]),
            "bad-structure",
        ),
        case(
            "revocation list with a recorded set of length 2^32, past the end",
            "revocation",
            rl(&root, &[], &[[&held[..9], &over_2_32[..], &held[10..]].concat()]),
            "truncated",
        ),
    ];
    if let serde_json::Value::Array(list) = &mut cases {
        list.extend(more);
        list.extend(rotation_vectors(&root, case));
    }
    cases
}

/// Root rotations (section 5, "Rotating the root key"), read with the fixture root as the
/// verifier's current root.
fn rotation_vectors(
    root: &iotmark_core::SigningKey,
    case: impl Fn(&str, &str, Vec<u8>, &str) -> serde_json::Value,
) -> Vec<serde_json::Value> {
    let new = key("New Root").verifying_key();
    let on = date("2026-06-01").0;
    // The payload written out: array(3), the tag, the key, the day; then variations of it.
    let raw = |items: u8, tag: &str, key: &[u8], day: &[u8]| {
        let mut p = vec![0x80 | items, 0x60 | tag.len() as u8];
        p.extend(tag.as_bytes());
        p.extend([0x58, key.len() as u8]);
        p.extend(key);
        p.extend(day);
        p
    };
    let short = u16::try_from(on).expect("a day of this century fits in two bytes").to_be_bytes();
    let day = [0x19, short[0], short[1]];
    let good = raw(3, "iotmark-root-rotation", new.as_bytes(), &day);
    assert_eq!(
        cose::open(&iotmark_core::trust::RootRotation { to: new, on: Date(on) }.sign(root).expect("valid")).expect("opens").payload,
        good
    );
    let signed = |payload: &[u8]| cose::sign(root, payload);
    vec![
        case("root rotation to a new key", "rotation", signed(&good), "ok"),
        case("root rotation signed by an issuer key", "rotation", cose::sign(&key(LAB), &good), "bad-signature"),
        case(
            "root rotation naming the root itself",
            "rotation",
            signed(&raw(3, "iotmark-root-rotation", root.verifying_key().as_bytes(), &day)),
            "bad-entry",
        ),
        case(
            "root rotation naming a key of small order (the identity)",
            "rotation",
            signed(&raw(3, "iotmark-root-rotation", &point(1, false), &day)),
            "bad-entry",
        ),
        case(
            "root rotation naming a key of 31 bytes",
            "rotation",
            signed(&raw(3, "iotmark-root-rotation", &[0x42; 31], &day)),
            "bad-entry",
        ),
        case("root rotation with another tag", "rotation", signed(&raw(3, "iotmark-root-rotatiom", new.as_bytes(), &day)), "bad-structure"),
        case(
            "root rotation as an array of 4",
            "rotation",
            signed(&[&raw(4, "iotmark-root-rotation", new.as_bytes(), &day)[..], &[0]].concat()),
            "bad-structure",
        ),
        case(
            "root rotation with its day 2^32, past the range of days",
            "rotation",
            signed(&raw(3, "iotmark-root-rotation", new.as_bytes(), &[0x1B, 0, 0, 0, 1, 0, 0, 0, 0])),
            "bad-structure",
        ),
        case(
            "root rotation with its day in 5 bytes when 3 would do",
            "rotation",
            signed(&raw(3, "iotmark-root-rotation", new.as_bytes(), &[0x1A, 0, 0, short[0], short[1]])),
            "non-canonical",
        ),
        case("root rotation with a byte after it", "rotation", signed(&[&good[..], &[0]].concat()), "trailing-data"),
        case("trust list read as a root rotation", "rotation", trust_list().sign(root).expect("valid"), "bad-structure"),
    ]
}

/// The fixture's trust list payload with one more issuer, given as raw CBOR.
fn with_raw_issuer(issuer: &[u8]) -> Vec<u8> {
    let status = trust_list().status_key.expect("fixture has a status key");
    let mut e = minicbor::Encoder::new(Vec::new());
    assert!(e.bytes(status.as_bytes()).is_ok());
    trust_payload_with(&issuers_raw(&[issuer.to_vec()]), &e.into_writer())
}

/// A revocation list with the fixture's head and `body` (raw CBOR: the strike-offs and
/// suspensions, with their array heads), signed by `signer`.
fn rl_raw(signer: &iotmark_core::SigningKey, body: &[u8]) -> Vec<u8> {
    let r = revocation_list();
    let mut e = minicbor::Encoder::new(Vec::new());
    let ok = e.array(5).and_then(|e| e.u64(r.sequence)).and_then(|e| e.u32(r.issued.0)).and_then(|e| e.u32(r.expires.0)).is_ok();
    assert!(ok);
    cose::sign(signer, &[&e.into_writer()[..], body].concat())
}

/// A trust list payload: the fixture's head with `issuers` (raw CBOR, with its array head)
/// and `status` (raw CBOR).
fn trust_payload_with(issuers: &[u8], status: &[u8]) -> Vec<u8> {
    let t = trust_list();
    let mut e = minicbor::Encoder::new(Vec::new());
    let ok = e.array(5).and_then(|e| e.u64(t.sequence)).and_then(|e| e.u32(t.issued.0)).and_then(|e| e.u32(t.expires.0)).is_ok();
    assert!(ok);
    [e.into_writer(), issuers.to_vec(), status.to_vec()].concat()
}

/// The fixture's issuers plus `extra` (raw CBOR issuers), with the array head.
fn issuers_raw(extra: &[Vec<u8>]) -> Vec<u8> {
    let t = trust_list();
    let mut all: Vec<Vec<u8>> =
        t.issuers.iter().map(|i| issuer_raw(i.key.as_bytes(), &i.name, bits(&i.assurances), i.from.0, i.until.0)).collect();
    all.extend(extra.iter().cloned());
    let mut e = minicbor::Encoder::new(Vec::new());
    assert!(e.array(all.len() as u64).is_ok());
    [e.into_writer(), all.concat()].concat()
}

fn bits(a: &[Assurance]) -> u64 {
    a.iter().fold(0, |b, a| b | 1 << (*a as u64))
}

fn issuer_raw(key: &[u8], name: &str, assurances: u64, from: u32, until: u32) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    let ok = e
        .array(5)
        .and_then(|e| e.bytes(key))
        .and_then(|e| e.str(name))
        .and_then(|e| e.u64(assurances))
        .and_then(|e| e.u32(from))
        .and_then(|e| e.u32(until))
        .is_ok();
    assert!(ok);
    e.into_writer()
}

/// The fixture's issuers and status key plus one issuer (in the fixture's window).
fn with_issuer(key: &[u8], name: &str, assurances: u64) -> Vec<u8> {
    let status = trust_list().status_key.expect("fixture has a status key");
    let mut e = minicbor::Encoder::new(Vec::new());
    assert!(e.bytes(status.as_bytes()).is_ok());
    trust_payload_with(&issuers_raw(&[issuer_raw(key, name, assurances, date("2025-01-01").0, date("2030-12-31").0)]), &e.into_writer())
}

/// Signs a trust list payload with the root, with `after` appended.
fn tl(payload: &[u8], after: Option<&[u8]>) -> Vec<u8> {
    cose::sign(&key("root"), &[payload, after.unwrap_or(&[])].concat())
}

fn trust_expiring_early() -> Vec<u8> {
    let t = trust_list();
    let mut payload = with_issuer(key("Odd Lab").verifying_key().as_bytes(), "Odd Lab", 1);
    // The head is 85 07 19 <issued:2> 19 <expires:2>: make expires = issued - 1.
    assert_eq!([payload[2], payload[5]], [0x19, 0x19], "days in two bytes");
    let early = u16::try_from(t.issued.0 - 1).expect("a 2026 day fits two bytes");
    payload[6..8].copy_from_slice(&early.to_be_bytes());
    payload
}

fn indefinite_issuers() -> Vec<u8> {
    let status = trust_list().status_key.expect("fixture has a status key");
    let definite = issuers_raw(&[]);
    assert_eq!(definite[0], 0x84, "four issuers");
    let mut e = minicbor::Encoder::new(Vec::new());
    assert!(e.bytes(status.as_bytes()).is_ok());
    trust_payload_with(&[&[0x9F][..], &definite[1..], &[0xFF]].concat(), &e.into_writer())
}

/// The 32-byte encoding of y (below p) with bit 255 as given.
fn point(y: u8, sign: bool) -> [u8; 32] {
    let mut b = [0u8; 32];
    b[0] = y;
    if sign {
        b[31] |= 0x80;
    }
    b
}

/// p + k, little-endian (p = 2^255 - 19), for k < 19: the non-canonical encoding of y = k.
fn p_plus(k: u8) -> [u8; 32] {
    let mut b = [0xFF; 32];
    b[0] = 0xED + k;
    b[31] = 0x7F;
    b
}

/// y = p - 1 (x = 0, a point of order 2) with bit 255 set.
fn p_minus_1_signed() -> [u8; 32] {
    let mut b = [0xFF; 32];
    b[0] = 0xEC;
    b
}

/// A strike-off with a raw reason (so that out-of-range reasons can be written).
fn strike(id: u64, reason: u64, note: &str) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    let ok = e
        .array(4)
        .and_then(|e| e.u64(id))
        .and_then(|e| e.u32(date("2026-11-14").0))
        .and_then(|e| e.u64(reason))
        .and_then(|e| e.str(note))
        .is_ok();
    assert!(ok);
    e.into_writer()
}

fn suspension(kid: &[u8], recorded: &[u8]) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    let ok = e.array(3).and_then(|e| e.bytes(kid)).and_then(|e| e.u32(date("2026-11-10").0)).and_then(|e| e.bytes(recorded)).is_ok();
    assert!(ok);
    e.into_writer()
}

/// A revocation list with the fixture's head and the given raw entries, signed by `signer`.
fn rl(signer: &iotmark_core::SigningKey, strikes: &[Vec<u8>], suspensions: &[Vec<u8>]) -> Vec<u8> {
    let r = revocation_list();
    let mut e = minicbor::Encoder::new(Vec::new());
    let ok = e.array(5).and_then(|e| e.u64(r.sequence)).and_then(|e| e.u32(r.issued.0)).and_then(|e| e.u32(r.expires.0)).is_ok();
    let mut head = e.into_writer();
    let mut a = minicbor::Encoder::new(Vec::new());
    let ok = ok && a.array(strikes.len() as u64).is_ok();
    head.extend(a.into_writer());
    head.extend(strikes.concat());
    let mut b = minicbor::Encoder::new(Vec::new());
    assert!(ok && b.array(suspensions.len() as u64).is_ok());
    head.extend(b.into_writer());
    head.extend(suspensions.concat());
    cose::sign(signer, &head)
}

/// The payload a valid revocation list signs to.
fn revocation_payload(r: &RevocationList) -> Vec<u8> {
    cose::open(&r.sign(&key("root")).expect("valid")).map(|e| e.payload.to_vec()).unwrap_or_default()
}

/// An envelope signed by `signer` whose protected header names `named`'s kid.
fn under_kid(signer: &iotmark_core::SigningKey, payload: &[u8], named: &iotmark_core::SigningKey) -> Vec<u8> {
    let mut e = cose::sign(signer, payload);
    e[8..12].copy_from_slice(&cose::key_id(&named.verifying_key()));
    e
}

fn document(v: &[Vector]) -> String {
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let root = key("root");
    let doc = serde_json::json!({
        "about": "iotmark conformance vectors. Verify each text against the trust list and revocation list (signed by root_public_key), on the day `today` (or the vector's own `today`), and expect the verdict code. See docs/wire-format.md.",
        "root_public_key": hex(root.verifying_key().as_bytes()),
        "trust_list": hex(&trust_list().sign(&root).expect("fixture trust list is valid")),
        "revocation_list": hex(&revocation_list().sign(&key(STATUS)).expect("fixture revocation list is valid")),
        "lists": list_vectors(),
        "today": TODAY,
        "vectors": v.iter().map(|x| {
            let mut o = serde_json::json!({"name": x.name, "text": x.text, "expected": x.expected});
            if let Some(t) = x.today { o["today"] = t.into(); }
            o
        }).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}
