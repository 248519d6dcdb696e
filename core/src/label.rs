//! The label: what a product's trust mark says, before it is signed or after it is verified.
//!
//! Field limits (lengths, ranges) are enforced here, by [`Label::check`], both when a
//! label is signed and when one is read, so that nothing outside these bounds is ever
//! signed or shown.

use crate::catalogue::{self, Catalogue};
use crate::date::{Date, YearMonth};
use crate::grade::Grade;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A principle's assessed status: defined with the grading rule that reads it.
pub use crate::grade::Status;

/// How a label's claims are backed, weakest first. The numbers are the wire values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Assurance {
    /// The maker says so, with public documents as evidence.
    SelfDeclared = 0,
    /// Someone checked the maker's documents.
    Reviewed = 1,
    /// An approved body tested the product.
    Audited = 2,
}

impl Assurance {
    pub const ALL: [Assurance; 3] = [Assurance::SelfDeclared, Assurance::Reviewed, Assurance::Audited];

    pub fn key(self) -> &'static str {
        match self {
            Assurance::SelfDeclared => "self-declared",
            Assurance::Reviewed => "reviewed",
            Assurance::Audited => "audited",
        }
    }
}

/// How security updates reach the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum UpdateDelivery {
    /// Installed automatically.
    Automatic = 0,
    /// Offered to the user, who approves them.
    Prompted = 1,
    /// The user has to look for and install them.
    Manual = 2,
}

/// Whether the core functions keep working without the maker's cloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum WithoutCloud {
    Works = 0,
    Partly = 1,
    Fails = 2,
}

/// Where the collected data is processed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Processing {
    OnDevice = 0,
    DeviceAndCloud = 1,
    Cloud = 2,
}

/// Declares a set of named flags carried on the wire as one unsigned integer.
macro_rules! flags {
    ($(#[$doc:meta])* $name:ident { $($field:ident = $bit:expr),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
        #[serde(default, deny_unknown_fields)]
        pub struct $name { $(pub $field: bool),+ }

        impl $name {
            /// The flag names, in bit order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),+];

            pub fn bits(&self) -> u32 {
                0 $(| (u32::from(self.$field) << $bit))+
            }

            /// `None` when a bit is set that this version does not define.
            pub fn from_bits(bits: u32) -> Option<Self> {
                let all = 0 $(| (1u32 << $bit))+;
                (bits & !all == 0).then(|| $name { $($field: bits & (1 << $bit) != 0),+ })
            }

            /// The flags named in `names`; the error is the first unknown name.
            pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
                let mut out = Self::default();
                for n in names {
                    match n.as_ref() {
                        $(stringify!($field) => out.$field = true,)+
                        other => return Err(other.to_owned()),
                    }
                }
                Ok(out)
            }

            /// The names of the flags that are set, in bit order.
            pub fn set(&self) -> Vec<&'static str> {
                Self::NAMES.iter().enumerate().filter(|(i, _)| self.bits() & (1 << i) != 0).map(|(_, n)| *n).collect()
            }
        }
    };
}

flags!(
    /// Which sensors the product has or what kinds of personal data it collects.
    Sensors { microphone = 0, camera = 1, location = 2, motion = 3, presence = 4, health = 5, environment = 6, usage = 7 }
);
flags!(
    /// What happens to the data beyond the maker.
    Sharing { shared = 0, sold = 1 }
);
flags!(
    /// What users can do with the data about them.
    DataRights { see = 0, delete = 1, export = 2, correct = 3 }
);
flags!(
    /// Which parts of the product are open.
    Openness { firmware = 0, hardware = 1, apps = 2, backend = 3, local_api = 4 }
);
flags!(
    /// What the maker publishes and supplies for repair and end of life.
    Repair { repair_docs = 0, spare_parts = 1, end_of_life_plan = 2 }
);

/// Whose product this label belongs to. Shown first, so that a genuine label copied
/// onto another product is easy to notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub maker: String,
    pub name: String,
    pub model: String,
    /// GS1 trade item number as 13 digits, or 14 not starting with 0 (GTIN-8 and -12 are
    /// written with leading zeros as 13 digits: see [`normalise_gtin`]). Check digit verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gtin: Option<String>,
    /// The unit's serial number, for labels printed per unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
}

/// Lifecycle facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Lifecycle {
    pub updates_until: YearMonth,
    pub update_delivery: UpdateDelivery,
    pub without_cloud: WithoutCloud,
    #[serde(default)]
    pub repair: Repair,
}

/// Privacy facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    #[serde(default)]
    pub sensors: Sensors,
    pub processing: Processing,
    #[serde(default)]
    pub sharing: Sharing,
    #[serde(default)]
    pub rights: DataRights,
}

/// The concrete facts behind the principles, the ones shoppers and regulators ask for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub lifecycle: Lifecycle,
    pub privacy: Privacy,
    #[serde(default)]
    pub openness: Openness,
}

/// A label's identity: unique per issuer, printed on the label, named by revocation lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "string"))]
pub struct LabelId(pub u64);

impl fmt::Display for LabelId {
    /// Four groups of four hex digits, easy to read out over the phone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = format!("{:016X}", self.0);
        write!(f, "{}-{}-{}-{}", &h[0..4], &h[4..8], &h[8..12], &h[12..16])
    }
}

impl std::str::FromStr for LabelId {
    type Err = LabelError;
    fn from_str(s: &str) -> Result<Self, LabelError> {
        let hex: String = s.chars().filter(|c| *c != '-').collect();
        if hex.len() != 16 {
            return Err(LabelError::BadLabelId(s.to_owned()));
        }
        u64::from_str_radix(&hex, 16).map(LabelId).map_err(|_| LabelError::BadLabelId(s.to_owned()))
    }
}

impl Serialize for LabelId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LabelId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A complete label: the claims that get signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Label {
    pub id: LabelId,
    /// The catalogue version the principles were assessed against.
    pub catalogue: u16,
    pub product: Product,
    /// One status per principle of the catalogue, in id order.
    pub principles: Vec<Status>,
    /// The grade the issuer states; verifiers recompute it.
    pub grade: Grade,
    pub assurance: Assurance,
    pub issued: Date,
    pub valid_until: Date,
    pub facts: Facts,
}

/// Longest maker name, in UTF-8 bytes.
pub const MAX_MAKER: usize = 32;
/// Longest product name, in UTF-8 bytes.
pub const MAX_NAME: usize = 32;
/// Longest model designation, in UTF-8 bytes.
pub const MAX_MODEL: usize = 24;
/// Longest serial number, in UTF-8 bytes.
pub const MAX_SERIAL: usize = 24;

/// A label that breaks a rule of the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabelError {
    /// A text field is empty, too long, or holds control characters.
    BadText {
        field: &'static str,
        max: usize,
    },
    BadGtin(String),
    BadLabelId(String),
    UnknownCatalogue(u16),
    /// The number of principle statuses does not match the catalogue.
    WrongPrincipleCount {
        expected: usize,
        found: usize,
    },
    /// `valid_until` is before `issued`.
    ValidityInverted,
}

impl fmt::Display for LabelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelError::BadText { field, max } => {
                write!(f, "{field} must be 1 to {max} bytes of text, without control characters or invisible characters (zero-width, direction overrides)")
            }
            LabelError::BadGtin(g) => {
                write!(f, "{g:?} is not a GTIN written as 13 digits (or 14 not starting with 0) with a correct check digit")
            }
            LabelError::BadLabelId(s) => write!(f, "{s:?} is not a label id (16 hex digits, as XXXX-XXXX-XXXX-XXXX)"),
            LabelError::UnknownCatalogue(v) => write!(f, "catalogue version {v} is not known to this software"),
            LabelError::WrongPrincipleCount { expected, found } => {
                write!(f, "the catalogue has {expected} principles but {found} statuses were given")
            }
            LabelError::ValidityInverted => write!(f, "the label expires before it is issued"),
        }
    }
}

impl std::error::Error for LabelError {}

/// Characters that show nothing, or change how the text around them shows: a name made
/// with them could look like another name. Listed by code point in `docs/wire-format.md`.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
        | '\u{2800}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Whether `value` may be shown to people as a name: no control characters (Unicode
/// category Cc), nothing invisible ([`is_invisible`]), and not only white space (Unicode
/// White_Space). Labels and trust lists share this rule.
pub fn is_shown_text(value: &str) -> bool {
    !value.trim().is_empty() && !value.chars().any(|c| c.is_control() || is_invisible(c))
}

fn check_text(value: &str, field: &'static str, max: usize) -> Result<(), LabelError> {
    let ok = value.len() <= max && is_shown_text(value);
    ok.then_some(()).ok_or(LabelError::BadText { field, max })
}

/// Writes a GTIN-8, -12, -13 or -14 in the one form labels carry: 13 digits, or 14 when
/// the first is not 0. The wire carries the GTIN as a number, so the form must be unique.
pub fn normalise_gtin(gtin: &str) -> String {
    let digits = gtin.trim_start_matches('0');
    if digits.len() <= 13 {
        format!("{digits:0>13}")
    } else {
        digits.to_owned()
    }
}

/// Checks a GTIN's form (see [`normalise_gtin`]) and GS1 mod-10 check digit.
pub fn check_gtin(gtin: &str) -> Result<(), LabelError> {
    let bad = || LabelError::BadGtin(gtin.to_owned());
    if !gtin.bytes().all(|b| b.is_ascii_digit()) || normalise_gtin(gtin) != gtin || gtin.len() > 14 {
        return Err(bad());
    }
    let digits: Vec<u32> = gtin.bytes().map(|b| u32::from(b - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    let sum: u32 = body.iter().rev().enumerate().map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d }).sum();
    ((10 - sum % 10) % 10 == check[0]).then_some(()).ok_or_else(bad)
}

impl Label {
    /// The catalogue this label names.
    pub fn catalogue(&self) -> Result<&'static Catalogue, LabelError> {
        catalogue::by_version(self.catalogue).ok_or(LabelError::UnknownCatalogue(self.catalogue))
    }

    /// Checks every rule of the model except the grade, which [`crate::grade`] owns.
    pub fn check(&self) -> Result<(), LabelError> {
        let p = &self.product;
        check_text(&p.maker, "maker", MAX_MAKER)?;
        check_text(&p.name, "product name", MAX_NAME)?;
        check_text(&p.model, "model", MAX_MODEL)?;
        if let Some(serial) = &p.serial {
            check_text(serial, "serial", MAX_SERIAL)?;
        }
        if let Some(gtin) = &p.gtin {
            check_gtin(gtin)?;
        }
        let expected = self.catalogue()?.len();
        if self.principles.len() != expected {
            return Err(LabelError::WrongPrincipleCount { expected, found: self.principles.len() });
        }
        if self.valid_until < self.issued {
            return Err(LabelError::ValidityInverted);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_check_digits() {
        assert!(check_gtin("4006381333931").is_ok());
        assert_eq!(normalise_gtin("96385074"), "0000096385074");
        assert!(check_gtin("0000096385074").is_ok());
        assert!(check_gtin("0036000291452").is_ok());
        assert!(check_gtin("036000291452").is_err(), "12 digits must be written as 13");
        assert!(check_gtin("10614141000415").is_ok());
        assert!(check_gtin("4006381333932").is_err());
        assert!(check_gtin("40063813339").is_err());
        assert!(check_gtin("400638133393a").is_err());
    }

    #[test]
    fn flags_round_trip_and_reject_unknown_bits() {
        let o = Openness { firmware: true, local_api: true, ..Default::default() };
        assert_eq!(o.bits(), 0b1_0001);
        assert_eq!(Openness::from_bits(0b1_0001), Some(o));
        assert_eq!(Openness::from_bits(0b10_0000), None);
        assert_eq!(o.set(), vec!["firmware", "local_api"]);
    }

    #[test]
    fn names_that_could_look_like_others_are_refused() {
        for bad in ["", "   ", "Acme\u{202E}emca", "Ac\u{200B}me", "\u{3164}", "Acme\u{1C}", "\u{FEFF}Acme", "Acme\u{2066}"] {
            assert!(!is_shown_text(bad), "{bad:?}");
        }
        for good in ["Acme", "Hearth Audio GmbH", "Café Ünïcode", "株式会社", "A\u{00A0}B"] {
            assert!(is_shown_text(good), "{good:?}");
        }
    }

    #[test]
    fn label_ids_print_and_parse() {
        let id = LabelId(0x0123_4567_89AB_CDEF);
        assert_eq!(id.to_string(), "0123-4567-89AB-CDEF");
        assert_eq!("0123-4567-89ab-cdef".parse::<LabelId>(), Ok(id));
        assert!("0123-4567".parse::<LabelId>().is_err());
    }
}
