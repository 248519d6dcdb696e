//! `iotmark verify`: label text, or the codes in an image, against the trust lists.

use crate::failure::{exit, Failure, Result};
use crate::registry::Registry;
use crate::{files, keys};
use crate::{seen, today};
use clap::Args;
use iotmark_core::explain::{explain, Messages};
use iotmark_core::trust::{Lists, RevocationList, TrustError, TrustList};
use iotmark_core::verify::{verify as verify_text, Context};
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct VerifyArgs {
    /// Label text, or `-` to read it from stdin.
    text: Option<String>,
    /// Read the label from the QR codes in this image instead.
    #[arg(long)]
    image: Option<PathBuf>,
    /// The mark's root public key file.
    #[arg(long)]
    root: PathBuf,
    /// The signed trust list.
    #[arg(long, required_unless_present = "lists_url")]
    trust: Option<PathBuf>,
    /// A registry's address (or any folder URL holding trust.cose and revocation.cose):
    /// fetch the current lists from there first; the files given above are used when the
    /// fetched ones are not newer, or the address cannot be reached.
    #[arg(long)]
    lists_url: Option<String>,
    /// The signed revocation list.
    #[arg(long)]
    revoked: Option<PathBuf>,
    /// A root rotation the mark published (`iotmark trust rotate-root`), oldest first when
    /// repeated: lists signed by the root it moved to are then taken.
    #[arg(long = "rotation")]
    rotations: Vec<PathBuf>,
    /// The day to verify on (YYYY-MM-DD); today when absent.
    #[arg(long)]
    today: Option<String>,
    /// Language of the explanation (en, de, fr, es, pt, sw).
    #[arg(long, default_value = "en")]
    lang: String,
    #[arg(long)]
    json: bool,
}

pub fn messages(lang: &str) -> Result<Messages> {
    let json = crate::demo::language(lang)
        .ok_or_else(|| Failure::input(format!("{lang:?} is not a language iotmark ships (en, de, fr, es, pt, sw)")))?;
    Messages::from_json(json).map_err(|e| Failure::input(e.to_string()))
}

pub fn verify(a: &VerifyArgs) -> Result<i32> {
    let (trust, revoked) = verify_lists(a)?;
    let today = match &a.today {
        Some(d) => d.parse().map_err(|e: iotmark_core::date::DateError| Failure::input(e.to_string()))?,
        None => today(),
    };
    let texts: Vec<String> = match (&a.text, &a.image) {
        (_, Some(image)) => crate::scan::read_codes(image)?.into_iter().map(|c| c.text).collect(),
        (Some(t), None) if t == "-" => vec![files::read_text(Path::new("-"))?],
        (Some(t), None) => vec![t.clone()],
        (None, None) => return Err(Failure::input("give the label text, `-` for stdin, or --image")),
    };
    if texts.is_empty() {
        return Err(Failure { message: "no QR code found in the image".into(), code: exit::NOT_FOUND });
    }
    let m = messages(&a.lang)?;
    let ctx = Context { trust: &trust, revoked: revoked.as_ref(), today };
    let status = seen::check(&root_of(a)?, &trust, revoked.as_ref(), today);
    let mut all_valid = true;
    for text in texts {
        let v = verify_text(&text, &ctx);
        all_valid &= v.verdict.code() == "valid";
        let e = explain(&v, &m);
        if a.json {
            println!("{}", json!({"verification": v, "explanation": e, "revocation_status": status}));
        } else {
            print_explanation(&e);
        }
    }
    if !a.json && status == seen::Status::OlderThanSeen {
        println!("\nwarning: the revocation list given is older than one this computer has already seen: a strike-off may be missing");
    }
    Ok(match (all_valid, status) {
        (false, _) => exit::REFUSED,
        (true, seen::Status::Current) => 0,
        (true, _) => exit::UNCHECKED,
    })
}

fn root_of(a: &VerifyArgs) -> Result<iotmark_core::VerifyingKey> {
    keys::read_public(&a.root)
}

/// The lists to verify with: the files given, replaced by fetched lists that are validly
/// signed and newer (the core's rule, [`Lists`]).
fn verify_lists(a: &VerifyArgs) -> Result<(TrustList, Option<RevocationList>)> {
    let root = keys::read_public(&a.root)?;
    let refused = |what: &str, e: TrustError| Failure::refused(format!("{what}: {e}"));
    let local_trust = a.trust.as_deref().map(files::read).transpose()?;
    let local_revoked = a.revoked.as_deref().map(files::read).transpose()?;
    let fetched = match &a.lists_url {
        None => None,
        Some(url) => match Registry::new(url, None)?.lists() {
            Ok(l) => Some(l),
            Err(f) if local_trust.is_some() => {
                eprintln!("iotmark: warning: {f}; verifying with the lists given");
                None
            }
            Err(f) => return Err(f),
        },
    };
    let (first_trust, first_revoked) = match (&local_trust, &fetched) {
        (Some(t), _) => (t.clone(), local_revoked.clone()),
        (None, Some((t, r))) => (t.clone(), Some(r.clone())),
        (None, None) => return Err(Failure::input("give --trust or --lists-url")),
    };
    let rotations = a.rotations.iter().map(|p| files::read(p)).collect::<Result<Vec<_>>>()?;
    let chain: Vec<&[u8]> = rotations.iter().map(Vec::as_slice).collect();
    let mut held =
        Lists::after_rotations(root, &chain, &first_trust, first_revoked.as_deref()).map_err(|e| refused("the lists given", e))?;
    if let Some((t, r)) = &fetched {
        held.offer_trust(t).map_err(|e| refused("the fetched trust list", e))?;
        held.offer_revocation(r).map_err(|e| refused("the fetched revocation list", e))?;
    }
    Ok((held.trust, held.revoked))
}

fn print_explanation(e: &iotmark_core::explain::Explanation) {
    println!("{} ({})", e.headline, e.verdict.code());
    println!("{}", e.summary);
    e.struck_off.iter().for_each(|l| println!("{l}"));
    if let (Some(p), Some(g)) = (&e.product, &e.grade_text) {
        println!("{p}: {g}");
    }
    if let Some(c) = &e.check_box {
        println!("{c}");
    }
    for s in &e.sections {
        println!("\n{}", s.title);
        for l in &s.lines {
            println!("  {l}");
        }
    }
    for w in &e.warnings {
        println!("\nwarning: {w}");
    }
}
