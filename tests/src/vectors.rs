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
    serde_json::json!([
        case("revocation list signed by the status key, valid 7 days", "revocation", week.sign(&status).expect("valid"), "ok"),
        case("revocation list signed by the status key, valid 8 days", "revocation", long.sign(&status).expect("valid"), "bad-entry"),
        case("revocation list signed by the root, valid 8 days", "revocation", long.sign(&root).expect("valid"), "ok"),
        case("revocation list signed by an issuer key", "revocation", r.sign(&key(LAB)).expect("valid"), "bad-signature"),
        case("trust list signed by the status key", "trust", cose::sign(&status, &trust_payload), "bad-signature"),
        case("trust list with its sequence number in two bytes", "trust", cose::sign(&root, &long_sequence), "non-canonical"),
    ])
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
