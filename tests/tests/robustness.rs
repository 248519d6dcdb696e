//! No input to the text decoder, the verifier, the list parsers or the scanner panics.

use iotmark_core::scan::{scan, Frame, Want};
use iotmark_core::trust::{RevocationList, TrustList};
use iotmark_core::verify::{verify, Context};
use iotmark_core::wire::{self, cose};
use iotmark_tests::*;
use proptest::prelude::*;

fn ctx_verify(text: &str) -> &'static str {
    let trust = trust_list();
    let revoked = revocation_list();
    let ctx = Context { trust: &trust, revoked: Some(&revoked), today: date(TODAY) };
    verify(text, &ctx).verdict.code()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        let _ = ctx_verify(&text);
    }

    /// Text that gets past the prefix: a genuine label's text (bare or URL form) with
    /// characters inserted, removed or replaced, so that every stage sees odd input.
    #[test]
    fn edited_label_text_never_panics_and_is_never_valid(
        url in any::<bool>(),
        edits in proptest::collection::vec((any::<usize>(), 0u8..3, any::<char>()), 1..6),
    ) {
        let envelope = cose::sign(&key("Example Test Lab"), &wire::encode_claims(&sample(2, iotmark_core::grade::Grade::Gold, iotmark_core::label::Assurance::Audited)));
        let good = wire::to_text(&envelope, url.then_some("HTTPS://IOTMARK.ORG"));
        let mut chars: Vec<char> = good.chars().collect();
        for (at, kind, c) in edits {
            let at = at % (chars.len() + 1);
            match kind {
                0 => chars.insert(at, c),
                1 if at < chars.len() => { chars.remove(at); }
                _ if at < chars.len() => chars[at] = c,
                _ => chars.push(c),
            }
        }
        let text: String = chars.into_iter().collect();
        let verdict = ctx_verify(&text);
        // An edit may leave the label as it was (white space at an end, the same digit
        // written again); anything else must not verify.
        if text.trim() != good && wire::parse_text(&text).map(|t| t.envelope) != Ok(envelope) {
            prop_assert_ne!(verdict, "valid", "{}", text);
        }
    }

    #[test]
    fn arbitrary_digits_never_panic(digits in "IM1:[0-9]{0,400}") {
        let _ = ctx_verify(&digits);
    }

    #[test]
    fn arbitrary_envelopes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = ctx_verify(&wire::to_text(&bytes, None));
        let root = key("root").verifying_key();
        let _ = TrustList::open(&bytes, &root);
        let _ = RevocationList::open(&bytes, &root, &trust_list());
        let _ = wire::decode_claims(&bytes);
    }

    #[test]
    fn any_changed_byte_of_a_genuine_label_is_never_valid(at in 0usize..200, flip in 1u8..=255) {
        let good = cose::sign(&key("Example Test Lab"), &wire::encode_claims(&sample(1, iotmark_core::grade::Grade::Gold, iotmark_core::label::Assurance::Audited)));
        let mut bad = good.clone();
        let at = at % bad.len();
        bad[at] ^= flip;
        prop_assert!(!matches!(ctx_verify(&wire::to_text(&bad, None)), "valid" | "expired" | "revoked" | "not-yet-valid"));
    }

    #[test]
    fn mutated_claims_signed_by_a_trusted_issuer_never_panic(at in 0usize..200, value in any::<u8>()) {
        let mut claims = wire::encode_claims(&sample(1, iotmark_core::grade::Grade::Silver, iotmark_core::label::Assurance::Reviewed));
        let at = at % claims.len();
        claims[at] = value;
        let _ = ctx_verify(&wire::to_text(&cose::sign(&key("Example Test Lab"), &claims), None));
    }

    #[test]
    fn arbitrary_frames_never_panic(w in 1usize..64, h in 1usize..64, seed in any::<u64>()) {
        let px: Vec<u8> = (0..w * h).map(|i| (seed.wrapping_mul(i as u64 + 1) >> 13) as u8).collect();
        let _ = scan(&Frame::new(w, h, &px).unwrap(), Want::All);
    }
}

#[test]
fn a_full_label_fits_version_10_at_level_m_in_url_form() {
    use iotmark_core::issue::issue;
    for grade in iotmark_core::grade::Grade::ALL {
        let label = sample(u64::MAX, grade, iotmark_core::label::Assurance::Audited);
        let issued = issue(&label, &key("Example Test Lab"), Some("HTTPS://IOTMARK.ORG")).unwrap_or_else(|e| panic!("{e}"));
        let version = iotmark_core::qr::version(&issued.text).unwrap();
        assert!(version <= 10, "{} bytes need version {version}", issued.envelope.len());
    }
}
