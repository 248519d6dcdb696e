//! Verification: from label text to one typed verdict.
//!
//! The order of checks is part of the contract (see `docs/wire-format.md`): the envelope
//! is parsed, the signer is looked up and the signature checked before any claim is read,
//! so that nothing from a forged label is ever shown. Then the claims, the issuer's
//! rights, the grade, revocation and the dates.

use crate::date::Date;
use crate::grade::{self, Grade};
use crate::label::{Assurance, Label, LabelError};
use crate::trust::{Fingerprint, Freshness, ListKind, Lists, Revoked};
use crate::wire::{self, cose, FormatError};
use serde::{Serialize, Serializer};
use std::fmt;

/// Why a label is not genuine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalid {
    Malformed(FormatError),
    /// No issuer of the trust list has the label's key id.
    UnknownIssuer,
    /// The signature does not match the issuer's key.
    BadSignature,
    /// The label was issued outside the issuer's validity window.
    IssuerNotValid,
    /// The issuer may not sign labels of this assurance level.
    AssuranceNotAllowed(Assurance),
    /// The stated grade does not follow from the principle statuses.
    GradeMismatch {
        stated: Grade,
        earned: Option<Grade>,
    },
    UnknownCatalogue(u16),
    /// The issuer's key is suspended and this label is not among those recorded for it
    /// before the suspension: a label made with a leaked key.
    IssuerSuspended,
}

impl Invalid {
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Malformed(e) => e.code(),
            Invalid::UnknownIssuer => "unknown-issuer",
            Invalid::BadSignature => "bad-signature",
            Invalid::IssuerNotValid => "issuer-not-valid",
            Invalid::AssuranceNotAllowed(_) => "assurance-not-allowed",
            Invalid::GradeMismatch { .. } => "grade-mismatch",
            Invalid::UnknownCatalogue(_) => "unknown-catalogue",
            Invalid::IssuerSuspended => "issuer-suspended",
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::Malformed(e) => e.fmt(f),
            Invalid::UnknownIssuer => write!(f, "the label is signed by someone the trust list does not know"),
            Invalid::BadSignature => write!(f, "the label's signature does not match: it was altered or forged"),
            Invalid::IssuerNotValid => write!(f, "the issuer was not allowed to sign labels on the label's issue date"),
            Invalid::AssuranceNotAllowed(a) => {
                write!(f, "the issuer may not sign {} labels", a.key())
            }
            Invalid::GradeMismatch { stated, earned } => match earned {
                Some(g) => write!(f, "the label claims {stated} but its assessment earns {g}"),
                None => write!(f, "the label claims {stated} but its assessment earns no mark"),
            },
            Invalid::UnknownCatalogue(v) => write!(f, "the label names catalogue version {v}, which this verifier does not know"),
            Invalid::IssuerSuspended => {
                write!(f, "the issuer's key is suspended and this label is not one it had registered before: it may be a forgery")
            }
        }
    }
}

/// The verdict on a label.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "VerdictCode"))]
pub enum Verdict {
    Valid,
    /// Genuine, but past its valid-until date.
    Expired,
    /// Genuine, but issued after today (or the device clock is behind).
    NotYetValid,
    /// Genuine, but struck off the mark.
    Revoked,
    Invalid(Invalid),
}

impl Verdict {
    /// Every verdict code a verifier can give, for a genuine label and for every reason a
    /// label is not (the conformance vectors must cover each one).
    pub const CODES: &'static [&'static str] = &[
        "valid",
        "expired",
        "not-yet-valid",
        "revoked",
        "not-a-label",
        "bad-digits",
        "truncated",
        "trailing-data",
        "non-canonical",
        "bad-structure",
        "bad-header",
        "wrong-algorithm",
        "bad-claim",
        "unknown-catalogue",
        "unknown-issuer",
        "bad-signature",
        "issuer-not-valid",
        "assurance-not-allowed",
        "grade-mismatch",
        "issuer-suspended",
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Expired => "expired",
            Verdict::NotYetValid => "not-yet-valid",
            Verdict::Revoked => "revoked",
            Verdict::Invalid(i) => i.code(),
        }
    }

    /// Whether the label was signed by a trusted issuer (even if no longer valid).
    pub fn is_genuine(&self) -> bool {
        !matches!(self, Verdict::Invalid(_))
    }
}

impl Serialize for Verdict {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Who signed a genuine label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Signer {
    pub name: String,
    /// Hex key id.
    pub kid: String,
}

/// Everything a front end needs to show the result of a verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Verification {
    pub verdict: Verdict,
    /// One sentence on why, for an invalid label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The claims; only for a genuine label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signer: Option<Signer>,
    /// When, why and with what public note the label was struck off; only when revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub struck_off: Option<Revoked>,
    /// The address before `#` when the label was given in URL form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// For a QR code that is not a label: what it says, to be shown as plain text (see
    /// [`shown_text`]); never opened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_text: Option<String>,
    pub trust_list: Freshness,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_list: Option<Freshness>,
    pub today: Date,
}

/// What a verifier checks labels against: defined with the lists.
pub use crate::trust::Context;

/// Verifies `text` with a verifier's held lists on `today`, each list's freshness stamped
/// with where it came from ([`Lists::origin`]).
pub fn against(lists: &Lists, text: &str, today: Date) -> Verification {
    let mut v = verify(text, &lists.context(today));
    v.trust_list.origin = Some(lists.origin(ListKind::Trust));
    if let Some(r) = v.revocation_list.as_mut() {
        r.origin = Some(lists.origin(ListKind::Revocation));
    }
    v
}

/// Verifies label text (bare or URL form).
pub fn verify(text: &str, ctx: &Context) -> Verification {
    let t = ctx.trust;
    let mut out = Verification {
        verdict: Verdict::Valid,
        reason: None,
        label: None,
        signer: None,
        struck_off: None,
        link: None,
        other_text: None,
        trust_list: Freshness::of(t.sequence, t.issued, t.expires, ctx.today),
        revocation_list: ctx.revoked.map(|r| Freshness::of(r.sequence, r.issued, r.expires, ctx.today)),
        today: ctx.today,
    };
    match check(text, ctx, &mut out) {
        Ok(verdict) => out.verdict = verdict,
        Err(invalid) => {
            if invalid == Invalid::Malformed(FormatError::NotALabel) {
                out.other_text = Some(shown_text(text));
            }
            out.reason = Some(invalid.to_string());
            out.verdict = Verdict::Invalid(invalid);
            out.label = None;
            out.signer = None;
            out.struck_off = None;
        }
    }
    out
}

/// The most of a non-label code's text that is shown: 200 characters, with control and
/// invisible characters (which could disguise it) replaced by U+FFFD.
pub const SHOWN_CHARS: usize = 200;

/// A foreign code's text made safe to show as plain text (see [`SHOWN_CHARS`]).
pub fn shown_text(text: &str) -> String {
    let mut out: String =
        text.chars().take(SHOWN_CHARS).map(|c| if c.is_control() || crate::label::is_invisible(c) { '\u{FFFD}' } else { c }).collect();
    if text.chars().nth(SHOWN_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn check(text: &str, ctx: &Context, out: &mut Verification) -> Result<Verdict, Invalid> {
    let parsed = wire::parse_text(text).map_err(Invalid::Malformed)?;
    out.link = parsed.link;
    let envelope = cose::open(&parsed.envelope).map_err(Invalid::Malformed)?;
    let issuer = ctx.trust.issuer(&envelope.kid).ok_or(Invalid::UnknownIssuer)?;
    if !envelope.verify(&issuer.key) {
        return Err(Invalid::BadSignature);
    }
    let label = wire::decode_claims(envelope.payload).map_err(|e| match e {
        FormatError::Label(LabelError::UnknownCatalogue(v)) => Invalid::UnknownCatalogue(v),
        e => Invalid::Malformed(e),
    })?;
    if label.issued < issuer.from || label.issued > issuer.until {
        return Err(Invalid::IssuerNotValid);
    }
    if !issuer.assurances.contains(&label.assurance) {
        return Err(Invalid::AssuranceNotAllowed(label.assurance));
    }
    let catalogue = label.catalogue().map_err(|_| Invalid::UnknownCatalogue(label.catalogue))?;
    let earned = grade::grade(catalogue, &label.principles);
    if earned != Some(label.grade) {
        return Err(Invalid::GradeMismatch { stated: label.grade, earned });
    }
    let suspension = ctx.revoked.and_then(|r| r.suspension(&envelope.kid));
    if suspension.is_some_and(|s| !s.recorded(&Fingerprint::of_payload(envelope.payload))) {
        return Err(Invalid::IssuerSuspended);
    }
    out.signer = Some(Signer { name: issuer.name.clone(), kid: crate::keys::hex(&envelope.kid) });
    out.struck_off = ctx.revoked.and_then(|r| r.revoked(label.id)).cloned();
    let verdict = if out.struck_off.is_some() {
        Verdict::Revoked
    } else if label.issued > ctx.today {
        Verdict::NotYetValid
    } else if label.valid_until < ctx.today {
        Verdict::Expired
    } else {
        Verdict::Valid
    };
    out.label = Some(label);
    Ok(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::label::LabelError;

    /// One verdict of every kind. The matches are exhaustive, so a new variant does not
    /// compile until it is listed here, and then this test checks it is in `CODES`.
    fn every_verdict() -> Vec<Verdict> {
        let formats = [
            FormatError::NotALabel,
            FormatError::BadDigits,
            FormatError::Truncated,
            FormatError::TrailingData,
            FormatError::NonCanonical,
            FormatError::BadStructure,
            FormatError::BadHeader,
            FormatError::WrongAlgorithm,
            FormatError::BadClaim("grade"),
            FormatError::Label(LabelError::UnknownCatalogue(2)),
        ];
        for f in &formats {
            match f {
                FormatError::NotALabel
                | FormatError::BadDigits
                | FormatError::Truncated
                | FormatError::TrailingData
                | FormatError::NonCanonical
                | FormatError::BadStructure
                | FormatError::BadHeader
                | FormatError::WrongAlgorithm
                | FormatError::BadClaim(_)
                | FormatError::Label(_) => {}
            }
        }
        let invalid = [
            Invalid::UnknownIssuer,
            Invalid::BadSignature,
            Invalid::IssuerNotValid,
            Invalid::AssuranceNotAllowed(Assurance::Audited),
            Invalid::GradeMismatch { stated: Grade::Gold, earned: None },
            Invalid::UnknownCatalogue(2),
            Invalid::IssuerSuspended,
        ];
        for i in &invalid {
            match i {
                Invalid::Malformed(_)
                | Invalid::UnknownIssuer
                | Invalid::BadSignature
                | Invalid::IssuerNotValid
                | Invalid::AssuranceNotAllowed(_)
                | Invalid::GradeMismatch { .. }
                | Invalid::UnknownCatalogue(_)
                | Invalid::IssuerSuspended => {}
            }
        }
        let mut all = vec![Verdict::Valid, Verdict::Expired, Verdict::NotYetValid, Verdict::Revoked];
        all.extend(formats.into_iter().map(|f| Verdict::Invalid(Invalid::Malformed(f))));
        all.extend(invalid.into_iter().map(Verdict::Invalid));
        all
    }

    #[test]
    fn a_foreign_code_is_shown_shortened_and_disarmed() {
        assert_eq!(shown_text("https://example.com/\u{202E}gpj.exe"), "https://example.com/\u{FFFD}gpj.exe");
        assert_eq!(shown_text("a\nb"), "a\u{FFFD}b");
        let long = "x".repeat(SHOWN_CHARS + 5);
        assert_eq!(shown_text(&long).chars().count(), SHOWN_CHARS + 1);
        assert_eq!(shown_text(&"y".repeat(SHOWN_CHARS)), "y".repeat(SHOWN_CHARS));
    }

    #[test]
    fn codes_lists_every_verdict_code_once() {
        let mut codes: Vec<&str> = every_verdict().iter().map(Verdict::code).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut listed = Verdict::CODES.to_vec();
        listed.sort_unstable();
        assert_eq!(codes, listed);
    }
}
