//! Every conformance vector through the core built for wasm32-unknown-unknown (32-bit
//! usize), where minicbor alone reports a string length over 2^32 - 1 as an overflow rather
//! than the end of the input. `node fuzz/wasm32-vectors/run.mjs` builds and runs it.

use iotmark_core::trust::{RevocationList, TrustList};
use iotmark_core::verify::{verify, Context};
use iotmark_core::VerifyingKey;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()).collect()
}

/// usize bits of this build.
#[no_mangle]
pub extern "C" fn usize_bits() -> u32 {
    usize::BITS
}

/// Whether minicbor itself reports a 2^32 length as the end of the input here (1) or not (0).
#[no_mangle]
pub extern "C" fn minicbor_2_32_is_end() -> u32 {
    let mut d = minicbor::Decoder::new(&[0x5B, 0, 0, 0, 1, 0, 0, 0, 0]);
    d.bytes().unwrap_err().is_end_of_input() as u32
}

/// Number of label and list vectors whose verdict differs from the expected one.
#[no_mangle]
pub extern "C" fn mismatches() -> u32 {
    let doc: serde_json::Value = serde_json::from_str(include_str!("../../../tests/vectors/labels.json")).unwrap();
    let root = VerifyingKey::from_bytes(&unhex(doc["root_public_key"].as_str().unwrap()).try_into().unwrap()).unwrap();
    let trust = TrustList::open(&unhex(doc["trust_list"].as_str().unwrap()), &root).unwrap();
    let revoked = RevocationList::open(&unhex(doc["revocation_list"].as_str().unwrap()), &root, &trust).unwrap();
    let mut bad = 0;
    for v in doc["vectors"].as_array().unwrap() {
        let today = v.get("today").or(doc.get("today")).and_then(|t| t.as_str()).unwrap().parse().unwrap();
        let ctx = Context { trust: &trust, revoked: Some(&revoked), today };
        if verify(v["text"].as_str().unwrap(), &ctx).verdict.code() != v["expected"].as_str().unwrap() {
            bad += 1;
        }
    }
    for l in doc["lists"].as_array().unwrap() {
        let bytes = unhex(l["bytes"].as_str().unwrap());
        let got = if l["list"] == "trust" {
            TrustList::open(&bytes, &root).map(|_| ()).map_err(|e| e.code())
        } else {
            RevocationList::open(&bytes, &root, &trust).map(|_| ()).map_err(|e| e.code())
        };
        if got.err().unwrap_or("ok") != l["expected"].as_str().unwrap() {
            bad += 1;
        }
    }
    bad
}
