//! Runs every conformance vector through the verifier and checks the exact verdict.

use iotmark_core::date::Date;
use iotmark_core::trust::{RevocationList, RootRotation, TrustList};
use iotmark_core::verify::{verify, Context};
use iotmark_core::VerifyingKey;
use serde_json::Value;

const VECTORS: &str = include_str!("../vectors/labels.json");

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn every_vector_gets_its_expected_verdict() {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let root = VerifyingKey::from_bytes(&unhex(doc["root_public_key"].as_str().unwrap()).try_into().unwrap()).unwrap();
    let trust = TrustList::open(&unhex(doc["trust_list"].as_str().unwrap()), &root).unwrap();
    let revoked = RevocationList::open(&unhex(doc["revocation_list"].as_str().unwrap()), &root, &trust).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 40, "at least 40 vectors");
    let mut failures = Vec::new();
    for v in vectors {
        let today: Date = v.get("today").or(doc.get("today")).and_then(Value::as_str).unwrap().parse().unwrap();
        let ctx = Context { trust: &trust, revoked: Some(&revoked), today };
        let got = verify(v["text"].as_str().unwrap(), &ctx);
        let expected = v["expected"].as_str().unwrap();
        if got.verdict.code() != expected {
            failures.push(format!("{}: expected {expected}, got {} ({:?})", v["name"], got.verdict.code(), got.reason));
        }
        // Nothing from a label that is not genuine is ever handed out.
        assert_eq!(got.label.is_some(), got.verdict.is_genuine(), "{}", v["name"]);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_list_vector_is_taken_or_refused_as_stated() {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let root = VerifyingKey::from_bytes(&unhex(doc["root_public_key"].as_str().unwrap()).try_into().unwrap()).unwrap();
    let trust = TrustList::open(&unhex(doc["trust_list"].as_str().unwrap()), &root).unwrap();
    for v in doc["lists"].as_array().unwrap() {
        let bytes = unhex(v["bytes"].as_str().unwrap());
        let got = match v["list"].as_str().unwrap() {
            "trust" => TrustList::open(&bytes, &root).map(|_| ()),
            "rotation" => RootRotation::open(&bytes, &root).map(|_| ()),
            _ => RevocationList::open(&bytes, &root, &trust).map(|_| ()),
        };
        let code = got.map_or_else(|e| e.code(), |()| "ok");
        assert_eq!(code, v["expected"].as_str().unwrap(), "{}", v["name"]);
    }
}

#[test]
fn vectors_are_current() {
    assert_eq!(
        iotmark_tests::vectors::generate(),
        VECTORS,
        "regenerate with: cargo run -p iotmark-tests --bin vectors > tests/vectors/labels.json"
    );
}

#[test]
fn every_verdict_and_failure_reason_has_a_vector() {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let codes: Vec<&str> = doc["vectors"].as_array().unwrap().iter().map(|v| v["expected"].as_str().unwrap()).collect();
    for code in iotmark_core::verify::Verdict::CODES {
        assert!(codes.contains(code), "no vector expects {code}");
    }
}

#[test]
fn the_grading_document_lists_the_catalogue_as_the_code_has_it() {
    use iotmark_core::catalogue::{Tier, JUNE_2018};
    let doc = include_str!("../../docs/grading.md");
    let rows: Vec<Vec<&str>> = doc
        .lines()
        .filter(|l| l.starts_with("| ") && l.split('|').nth(1).is_some_and(|c| c.trim().parse::<u8>().is_ok()))
        .map(|l| l.split('|').map(str::trim).filter(|c| !c.is_empty()).collect())
        .collect();
    assert_eq!(rows.len(), JUNE_2018.principles.len(), "one row per principle");
    for (row, p) in rows.iter().zip(JUNE_2018.principles) {
        let tier = match p.tier {
            Tier::Essential => "essential",
            Tier::NiceToHave => "nice-to-have",
            Tier::Open => "open",
        };
        assert_eq!((row[0], row[1]), (p.id.to_string().as_str(), tier), "principle {}", p.id);
        let category = serde_json::to_value(p.category).unwrap();
        assert_eq!(row[2], category.as_str().unwrap(), "principle {}", p.id);
    }
}
