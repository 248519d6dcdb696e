//! Issuing a label: every rule is checked before anything is signed, so that a label that
//! verifiers would reject, or that would not fit its QR code, is never produced.

use crate::grade::{self, Grade};
use crate::label::{Label, LabelError};
use crate::qr;
use crate::wire::{self, cose};
use ed25519_dalek::SigningKey;
use std::fmt;

/// The largest QR version a label may need at error-correction level M (checked by
/// [`qr::fits_version_10`]). At 0.4 mm modules a
/// version 10 symbol (57 modules) is 22.8 mm wide, 26 mm with its quiet zone.
pub const MAX_QR_VERSION: u8 = 10;

/// Why a label cannot be issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueError {
    Label(LabelError),
    /// The stated grade is not the one the assessment earns.
    GradeMismatch {
        stated: Grade,
        earned: Option<Grade>,
    },
    /// The assessment earns no mark at all.
    NoMark,
    /// The text would need a QR code larger than [`MAX_QR_VERSION`].
    TooLarge {
        bytes: usize,
    },
}

impl fmt::Display for IssueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IssueError::Label(e) => e.fmt(f),
            IssueError::GradeMismatch { stated, earned: Some(g) } => write!(f, "the label states {stated} but the assessment earns {g}"),
            IssueError::GradeMismatch { stated, earned: None } => write!(f, "the label states {stated} but the assessment earns no mark"),
            IssueError::NoMark => write!(f, "the assessment earns no mark: an applicable essential principle is not met"),
            IssueError::TooLarge { bytes } => write!(
                f,
                "the signed label is {bytes} bytes and needs a QR code above version {MAX_QR_VERSION}: shorten the product name, maker, model or serial"
            ),
        }
    }
}

impl std::error::Error for IssueError {}

/// A signed label, as bytes and as the text that goes into the QR code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    pub envelope: Vec<u8>,
    pub text: String,
}

/// Checks `label` and signs it. `link` is the scanner address for the URL form.
pub fn issue(label: &Label, key: &SigningKey, link: Option<&str>) -> Result<Issued, IssueError> {
    label.check().map_err(IssueError::Label)?;
    let earned = grade::grade(label.catalogue().map_err(IssueError::Label)?, &label.principles);
    match earned {
        None => return Err(IssueError::NoMark),
        Some(g) if g != label.grade => return Err(IssueError::GradeMismatch { stated: label.grade, earned }),
        Some(_) => {}
    }
    let envelope = cose::sign(key, &wire::encode_claims(label));
    let text = wire::to_text(&envelope, link);
    if !qr::fits_version_10(&text) {
        return Err(IssueError::TooLarge { bytes: envelope.len() });
    }
    Ok(Issued { envelope, text })
}
