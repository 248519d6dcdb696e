//! The label commands: keygen, check, sign, verify, scan.

use crate::artwork::{Format, FORMATS};
use crate::failure::{exit, Failure, Result};
use crate::print::{write_artwork, Finish};
use crate::registry::{Registry, RegistryArgs};
use crate::seen;
use crate::{files, keys, spec};
use clap::Args;
use iotmark_core::date::Date;
use iotmark_core::explain::{explain, Messages};
use iotmark_core::grade;
use iotmark_core::issue::{issue, Issued};
use iotmark_core::label::{Label, LabelId};
use iotmark_core::scan::{self as qrscan, Frame, Want};
use iotmark_core::trust::{Lists, RevocationList, TrustError, TrustList};
use iotmark_core::verify::{verify as verify_text, Context};
use iotmark_core::wire::cose;
use iotmark_core::SigningKey;
use serde_json::json;
use std::path::{Path, PathBuf};

pub fn today() -> Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Date::from_unix(secs as i64)
}

pub fn keygen(out: &Path, force: bool, json_out: bool) -> Result<i32> {
    files::refuse_overwrite(out, force, "a key (replacing it would lose that key for good)")?;
    let key = keys::generate()?;
    let public = key.verifying_key();
    let pub_path = PathBuf::from(format!("{}.pub", out.display()));
    keys::write_secret(out, &key)?;
    // Both files or neither: a private key without its public half is no use to anyone.
    if let Err(f) = files::write(&pub_path, keys::public_text(&public).as_bytes()) {
        let _ = std::fs::remove_file(out);
        return Err(f);
    }
    let kid = keys::hex(&cose::key_id(&public));
    if json_out {
        println!(
            "{}",
            json!({"private_key_file": out, "public_key_file": pub_path, "public_key": keys::hex(public.as_bytes()), "kid": kid})
        );
    } else {
        println!("private key: {} (readable by you only; keep it secret)", out.display());
        println!("public key:  {} ({})", pub_path.display(), keys::hex(public.as_bytes()));
        println!("key id:      {kid}");
    }
    Ok(0)
}

pub fn check(path: &Path, json_out: bool) -> Result<i32> {
    let spec = spec::load(path)?;
    let cat = spec.catalogue().map_err(Failure::input)?;
    let statuses = spec.statuses().map_err(Failure::input)?;
    let earned = grade::grade(cat, &statuses);
    let next = grade::next_grade(cat, &statuses);
    // The rules `sign` applies, all of them (text fields, GTIN, dates, QR fit), with a
    // throwaway key: a spec that checks is one that signs.
    if earned.is_some() {
        let label = spec.label(LabelId(0), today(), None).map_err(|f| Failure::input(format!("{}: {f}", path.display())))?;
        issue(&label, &SigningKey::from_bytes(&[1; 32]), spec.link()).map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
    }
    let m = Messages::english();
    let principle = |id: &u8| format!("{id}. {}", m.say(&format!("principle.{id}"), &[]));
    if json_out {
        println!(
            "{}",
            json!({"file": path, "valid": true, "grade": earned, "next": next.as_ref().map(|(g, s)| json!({"grade": g, "shortfall": s}))})
        );
    } else {
        println!("{}: valid spec", path.display());
        match earned {
            Some(g) => println!("grade: {g}"),
            None => println!("grade: no mark (an applicable essential principle is not met)"),
        }
        if let Some((target, short)) = &next {
            println!("for {target}:");
            for id in &short.must_meet {
                println!("  - meet principle {}", principle(id));
            }
            if let Some((n, candidates)) = &short.more_of {
                println!("  - meet {n} more of:");
                for id in candidates {
                    println!("      {}", principle(id));
                }
            }
        }
    }
    Ok(if earned.is_some() { 0 } else { exit::REFUSED })
}

#[derive(Args)]
pub struct SignArgs {
    /// The label spec (TOML).
    spec: PathBuf,
    /// The issuer's private key file.
    #[arg(long)]
    key: PathBuf,
    /// Folder for the label's files.
    #[arg(long, short)]
    out: PathBuf,
    /// Label id (XXXX-XXXX-XXXX-XXXX); random when absent.
    #[arg(long)]
    id: Option<String>,
    /// Issue date (YYYY-MM-DD); today when absent.
    #[arg(long)]
    issued: Option<String>,
    /// The unit's serial number.
    #[arg(long)]
    serial: Option<String>,
    /// Artwork formats: sticker, panel (default: both).
    #[arg(long, value_delimiter = ',')]
    format: Vec<String>,
    /// PNG resolution in dots per inch.
    #[arg(long, default_value_t = 600.0)]
    dpi: f64,
    /// Print width in millimetres (the layout scales); refused when QR modules would be
    /// smaller than 0.4 mm.
    #[arg(long)]
    width_mm: Option<f64>,
    /// Bleed in millimetres: the page grows by this much on every side, with the label's
    /// background carried into it (the PDF gets a BleedBox).
    #[arg(long, default_value_t = 0.0)]
    bleed_mm: f64,
    /// Cut marks at the corners, outside the bleed (the PDF gets a TrimBox either way).
    #[arg(long)]
    cut_marks: bool,
    /// File name stem; the label id when absent.
    #[arg(long)]
    name: Option<String>,
    /// A trust list to check the key against first: a key it does not name, or an
    /// assurance it does not allow that key, is refused before anything is written.
    #[arg(long, requires = "root")]
    trust: Option<PathBuf>,
    /// The root public key that signed `--trust`.
    #[arg(long)]
    root: Option<PathBuf>,
    #[command(flatten)]
    registry: RegistryArgs,
    #[arg(long)]
    json: bool,
}

/// Whether verifiers holding `trust` will accept `label` signed with `key`: the issuer
/// checks of the verification (`docs/wire-format.md`, section 6, steps 3, 6 and 7).
fn check_issuer(trust: &TrustList, key: &SigningKey, label: &Label) -> Result<()> {
    let kid = cose::key_id(&key.verifying_key());
    let issuer = trust.issuer(&kid).ok_or_else(|| {
        Failure::refused(format!(
            "the trust list has no issuer with this issuer key ({}): verifiers would refuse the label",
            keys::hex(&kid)
        ))
    })?;
    if label.issued < issuer.from || label.issued > issuer.until {
        return Err(Failure::refused(format!(
            "{} may sign labels issued {} to {}, not on {}",
            issuer.name, issuer.from, issuer.until, label.issued
        )));
    }
    if !issuer.assurances.contains(&label.assurance) {
        return Err(Failure::refused(format!("{} may not sign {} labels", issuer.name, label.assurance.key())));
    }
    Ok(())
}

pub fn random_id() -> Result<LabelId> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| Failure::refused(format!("the system random source failed: {e}")))?;
    Ok(LabelId(u64::from_be_bytes(b)))
}

fn formats(names: &[String]) -> Result<Vec<Format>> {
    if names.is_empty() {
        return Ok(FORMATS.to_vec());
    }
    names
        .iter()
        .map(|n| {
            FORMATS.iter().copied().find(|f| f.name == n).ok_or_else(|| Failure::input(format!("{n:?} is not a format (sticker, panel)")))
        })
        .collect()
}

/// What `sign` wrote for one label.
pub struct Written {
    pub issued: Issued,
    pub files: Vec<PathBuf>,
}

/// Signs one label and writes its text, QR and artwork, each decoded back first.
pub fn sign_label(
    label: &Label,
    key: &SigningKey,
    link: Option<&str>,
    out: &Path,
    stem: &str,
    formats: &[Format],
    dpi: f64,
) -> Result<Written> {
    let issued = issue(label, key, link).map_err(|e| Failure::refused(e.to_string()))?;
    let files = write_artwork(label, &issued.text, out, stem, formats, dpi, &Finish::default())?;
    Ok(Written { issued, files })
}

/// Refuses a resolution outside 1 to 2400 dpi.
pub fn check_dpi(dpi: f64) -> Result<()> {
    if !(dpi > 0.0 && dpi <= 2400.0) {
        return Err(Failure::input(format!("a resolution of {dpi} dpi is not between 1 and 2400")));
    }
    Ok(())
}

pub fn sign(a: &SignArgs) -> Result<i32> {
    let spec = spec::load(&a.spec)?;
    let key = keys::read_secret(&a.key)?;
    let id = match &a.id {
        Some(s) => s.parse().map_err(|e: iotmark_core::label::LabelError| Failure::input(e.to_string()))?,
        None => random_id()?,
    };
    let issued = match &a.issued {
        Some(d) => d.parse().map_err(|e: iotmark_core::date::DateError| Failure::input(e.to_string()))?,
        None => today(),
    };
    let label = spec.label(id, issued, a.serial.as_deref())?;
    let stem = a.name.clone().unwrap_or_else(|| id.to_string());
    let formats: Vec<Format> = formats(&a.format)?.iter().map(|f| a.width_mm.map_or(*f, |w| f.scaled_to(w))).collect();
    check_dpi(a.dpi)?;
    let finish = Finish::new(a.bleed_mm, a.cut_marks)?;
    if let (Some(trust), Some(root)) = (&a.trust, &a.root) {
        check_issuer(&crate::lists::open_trust(trust, &keys::read_public(root)?)?, &key, &label)?;
    }
    let registry = Registry::from_args(&a.registry)?;
    // Registered before any file is written: a label the registry does not know is never
    // printed, and a failed registration leaves nothing behind.
    let issued = issue(&label, &key, spec.link()).map_err(|e| Failure::refused(e.to_string()))?;
    if let Some(r) = &registry {
        r.register(std::slice::from_ref(&issued.text))?;
    }
    let files = write_artwork(&label, &issued.text, &a.out, &stem, &formats, a.dpi, &finish)?;
    let w = Written { issued, files };
    if a.json {
        println!(
            "{}",
            json!({"label_id": id.to_string(), "grade": label.grade, "bytes": w.issued.envelope.len(), "qr_version": iotmark_core::qr::version(&w.issued.text).unwrap_or(0), "text": w.issued.text, "files": w.files})
        );
    } else {
        println!(
            "signed label {id}: {} ({} bytes, QR version {})",
            label.grade,
            w.issued.envelope.len(),
            iotmark_core::qr::version(&w.issued.text).unwrap_or(0)
        );
        for f in &w.files {
            println!("  {}", f.display());
        }
        if let Some(r) = &a.registry.registry {
            println!("registered at {r}");
        }
    }
    Ok(0)
}

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
        (_, Some(image)) => read_codes(image)?.into_iter().map(|c| c.text).collect(),
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
    let mut held = Lists::new(root, &first_trust, first_revoked.as_deref()).map_err(|e| refused("the lists given", e))?;
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

/// Loads an image as grey pixels, scaled down when larger than the decoder accepts.
pub fn load_gray(path: &Path) -> Result<image::GrayImage> {
    let bytes = files::read(path)?;
    let img = image::load_from_memory(&bytes).map_err(|e| Failure::input(format!("{} is not a readable image: {e}", path.display())))?;
    let max = qrscan::MAX_SIDE as u32;
    let img = if img.width() > max || img.height() > max { img.resize(max, max, image::imageops::FilterType::Triangle) } else { img };
    Ok(img.to_luma8())
}

pub fn read_codes(path: &Path) -> Result<Vec<qrscan::Code>> {
    let gray = load_gray(path)?;
    let frame = Frame::new(gray.width() as usize, gray.height() as usize, gray.as_raw())
        .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?;
    Ok(qrscan::scan(&frame, Want::All))
}

pub fn scan(images: &[PathBuf], json_out: bool) -> Result<i32> {
    let mut missing = false;
    for path in images {
        let codes = match read_codes(path) {
            Ok(c) => c,
            Err(f) if json_out => {
                println!("{}", json!({"image": path, "error": f.message}));
                missing = true;
                continue;
            }
            Err(f) => return Err(f),
        };
        missing |= codes.is_empty();
        if json_out {
            println!("{}", json!({"image": path, "codes": codes}));
        } else {
            for c in &codes {
                println!("{}: {}", path.display(), c.text);
            }
            if codes.is_empty() {
                eprintln!("{}: no QR code found", path.display());
            }
        }
    }
    Ok(if missing { exit::NOT_FOUND } else { 0 })
}
