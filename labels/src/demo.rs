//! `iotmark demo`: a complete, reproducible demo: a root key, two issuers, signed trust and
//! revocation lists, the example labels, and the cases a scanner must tell apart (a
//! tampered label, an expired one, a struck-off one, and a QR code that is not a label).
//!
//! DEMO keys are derived from fixed, public seeds: they are not secret, by design.

use crate::artwork::FORMATS;
use crate::failure::Result;
use crate::mark::Design;
use crate::print::{write_artwork, Finish};
use crate::sign::sign_label;
use crate::today;
use crate::{files, keys, spec};
use iotmark_core::date::Date;
use iotmark_core::label::{Assurance, LabelId};
use iotmark_core::trust::{Issuer, Reason, RevocationList, Revoked, TrustList};
use iotmark_core::wire::{self, cose};
use iotmark_core::SigningKey;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The example specs that ship with the tool: (name, TOML).
pub const EXAMPLES: &[(&str, &str)] = &[
    ("smart-speaker", include_str!("../examples/smart-speaker.toml")),
    ("video-doorbell", include_str!("../examples/video-doorbell.toml")),
    ("open-thermostat", include_str!("../examples/open-thermostat.toml")),
];

/// The language files that ship with the tool (the core's).
pub fn language(tag: &str) -> Option<&'static str> {
    iotmark_core::explain::bundled(tag)
}

pub fn demo_key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&Sha256::digest(format!("iotmark DEMO key, not secret: {name}")).into())
}

/// A label id derived from a name, so that demo runs are reproducible.
fn demo_id(name: &str) -> LabelId {
    let h = Sha256::digest(format!("iotmark demo label: {name}"));
    LabelId(u64::from_be_bytes(h[..8].try_into().unwrap_or([0; 8])))
}

/// Makes the demo with its labels' words in `lang`.
pub fn run(out: &Path, link: &str, lang: &str) -> Result<i32> {
    let design = |issuer: &str| Design::new(lang, Some(issuer.to_owned()), Default::default());
    let lab_design = design("Demo Test Lab")?;
    let registry_design = design("Demo Self-Declaration Registry")?;
    let today = today();
    let (root, lab, registry, status) = (demo_key("root"), demo_key("lab"), demo_key("registry"), demo_key("status"));
    files::create_dir(out)?;
    keys::write_secret(&out.join("root.key"), &root)?;
    files::write(&out.join("root.pub"), keys::public_text(&root.verifying_key()).as_bytes())?;
    keys::write_secret(&out.join("lab.key"), &lab)?;
    keys::write_secret(&out.join("registry.key"), &registry)?;
    keys::write_secret(&out.join("status.key"), &status)?;
    files::write(&out.join("lab.pub"), keys::public_text(&lab.verifying_key()).as_bytes())?;
    files::write(&out.join("registry.pub"), keys::public_text(&registry.verifying_key()).as_bytes())?;
    let issuer = |key: &SigningKey, name: &str, assurances: Vec<Assurance>| Issuer {
        key: key.verifying_key(),
        name: name.into(),
        assurances,
        from: Date::from_ymd(2020, 1, 1).unwrap_or_default(),
        until: Date::from_ymd(2099, 12, 31).unwrap_or_default(),
    };
    let trust = TrustList {
        sequence: 1,
        issued: today,
        expires: Date(today.0 + 180),
        issuers: vec![
            issuer(&lab, "Demo Test Lab", Assurance::ALL.to_vec()),
            issuer(&registry, "Demo Self-Declaration Registry", vec![Assurance::SelfDeclared]),
        ],
        status_key: Some(status.verifying_key()),
    };
    let revoked_id = demo_id("struck-off");
    // The bundled list is root-signed and long-lived; the registry publishes fresher ones
    // with the status key.
    let struck_off = Revoked {
        id: revoked_id,
        on: today,
        reason: Reason::WrongProduct,
        note: "Found on unbranded speakers sold online; the maker has been told.".into(),
    };
    let revocation =
        RevocationList { sequence: 1, issued: today, expires: Date(today.0 + 30), labels: vec![struck_off], suspended: vec![] };
    let fail = |e: iotmark_core::trust::TrustError| crate::failure::Failure::refused(e.to_string());
    files::write(&out.join("trust.cose"), &trust.sign(&root).map_err(fail)?)?;
    files::write(&out.join("revocation.cose"), &revocation.sign(&root).map_err(fail)?)?;

    let labels_dir = out.join("labels");
    let mut manifest = Vec::new();
    let link = Some(link).filter(|l| !l.is_empty());
    let signer = |a: Assurance| {
        if a == Assurance::SelfDeclared {
            &registry
        } else {
            &lab
        }
    };
    for (name, toml) in EXAMPLES {
        let spec = spec::parse(toml, Path::new(name))?;
        let label = spec.label(demo_id(name), today, None)?;
        let d = if spec.assurance == Assurance::SelfDeclared { &registry_design } else { &lab_design };
        let w = sign_label(&label, signer(spec.assurance), link, &labels_dir, name, FORMATS, 600.0, d)?;
        manifest.push(json!({"name": name, "expected": "valid", "product": label.product.name, "grade": label.grade,
            "bytes": w.issued.envelope.len(), "qr_version": iotmark_core::qr::version(&w.issued.text).unwrap_or(0), "text": w.issued.text}));
    }
    // The cases a scanner must tell apart, made from the speaker spec.
    let speaker = spec::parse(EXAMPLES[0].1, Path::new(EXAMPLES[0].0))?;
    let expired_issue = Date(today.0 - 800);
    let expired = speaker.label(demo_id("expired"), expired_issue, None)?;
    let w = sign_label(&expired, &lab, link, &labels_dir, "expired", FORMATS, 600.0, &lab_design)?;
    manifest.push(json!({"name": "expired", "expected": "expired", "product": expired.product.name, "text": w.issued.text}));
    let struck = speaker.label(revoked_id, today, None)?;
    let w = sign_label(&struck, &lab, link, &labels_dir, "struck-off", FORMATS, 600.0, &lab_design)?;
    manifest.push(json!({"name": "struck-off", "expected": "revoked", "product": struck.product.name, "text": w.issued.text}));
    // Tampered: a genuine label whose claims were changed after signing (its grade raised).
    let genuine = speaker.label(demo_id("tampered"), today, None)?;
    let mut claims = wire::encode_claims(&genuine);
    let mut forged = genuine.clone();
    forged.grade = iotmark_core::grade::Grade::Gold;
    let forged_claims = wire::encode_claims(&forged);
    let envelope = cose::sign(&lab, &claims);
    let at = envelope.windows(claims.len()).position(|w| w == claims.as_slice()).unwrap_or(0);
    claims.copy_from_slice(&forged_claims);
    let mut tampered = envelope.clone();
    tampered[at..at + claims.len()].copy_from_slice(&claims);
    let text = wire::to_text(&tampered, link);
    write_artwork(&forged, &text, &labels_dir, "tampered", FORMATS, 600.0, &Finish::default(), &lab_design)?;
    manifest.push(json!({"name": "tampered", "expected": "bad-signature", "product": forged.product.name, "text": text}));
    // A QR code that is not a label.
    let other = "HTTPS://EXAMPLE.COM/WIFI-SETUP";
    write_artwork(&genuine, other, &labels_dir, "not-a-label", &[], 600.0, &Finish::default(), &lab_design)?;
    manifest.push(json!({"name": "not-a-label", "expected": "not-a-label", "text": other}));

    let config = json!({"root": keys::hex(root.verifying_key().as_bytes()), "kid": keys::hex(&cose::key_id(&root.verifying_key())),
        "trust_list": "trust.cose", "revocation_list": "revocation.cose", "made": today});
    files::write(&out.join("config.json"), serde_json::to_string_pretty(&config).unwrap_or_default().as_bytes())?;
    files::write(&out.join("manifest.json"), serde_json::to_string_pretty(&manifest).unwrap_or_default().as_bytes())?;
    println!("demo written to {}: {} labels in {}", out.display(), manifest.len(), labels_dir.display());
    Ok(0)
}
