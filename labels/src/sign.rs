//! `iotmark sign`: one signed label from a spec, with its print files.

use crate::artwork::{Format, FORMATS};
use crate::failure::{Failure, Result};
use crate::mark::{Design, DesignArgs};
use crate::print::{write_artwork, Finish};
use crate::registry::{Registry, RegistryArgs};
use crate::today;
use crate::{keys, spec};
use clap::Args;
use iotmark_core::issue::{issue, Issued};
use iotmark_core::label::{Label, LabelId};
use iotmark_core::trust::TrustList;
use iotmark_core::wire::cose;
use iotmark_core::SigningKey;
use serde_json::json;
use std::path::{Path, PathBuf};

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
    #[command(flatten)]
    design: DesignArgs,
    #[arg(long)]
    json: bool,
}

/// Whether verifiers holding `trust` will accept `label` signed with `key`: the issuer
/// checks of the verification (`docs/wire-format.md`, section 6, steps 3, 6 and 7).
/// Returns the issuer's name, for the mark's "Reviewed by …".
fn check_issuer(trust: &TrustList, key: &SigningKey, label: &Label) -> Result<String> {
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
    Ok(issuer.name.clone())
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
#[allow(clippy::too_many_arguments)]
pub fn sign_label(
    label: &Label,
    key: &SigningKey,
    link: Option<&str>,
    out: &Path,
    stem: &str,
    formats: &[Format],
    dpi: f64,
    design: &Design,
) -> Result<Written> {
    let issued = issue(label, key, link).map_err(|e| Failure::refused(e.to_string()))?;
    let files = write_artwork(label, &issued.text, out, stem, formats, dpi, &Finish::default(), design)?;
    Ok(Written { issued, files })
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
    crate::print::check_dpi(a.dpi)?;
    let finish = Finish::new(a.bleed_mm, a.cut_marks)?;
    let mut issuer = None;
    if let (Some(trust), Some(root)) = (&a.trust, &a.root) {
        issuer = Some(check_issuer(&crate::lists::open_trust(trust, &keys::read_public(root)?)?, &key, &label)?);
    }
    let design = a.design.design(issuer, formats.iter().any(|f| f.panel))?;
    let registry = Registry::from_args(&a.registry)?;
    // Registered before any file is written: a label the registry does not know is never
    // printed, and a failed registration leaves nothing behind.
    let issued = issue(&label, &key, spec.link()).map_err(|e| Failure::refused(e.to_string()))?;
    if let Some(r) = &registry {
        r.register(std::slice::from_ref(&issued.text))?;
    }
    let files = write_artwork(&label, &issued.text, &a.out, &stem, &formats, a.dpi, &finish, &design)?;
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
