//! Label specs: what a maker writes (TOML) to describe a product, documented by the JSON
//! Schema `labels/spec.schema.json`. A spec holds everything a label says except what is
//! decided at signing time: the label id, the dates and the grade.
//!
//! The model lives in the core so that every front end that writes a spec (the `iotmark
//! assess` command, the label studio in the browser) writes the one form `iotmark sign`
//! reads, and reads it back by the same rules. [`Spec::to_toml`] writes it; [`parse`]
//! reads it. Pure: no files, no clock (the caller passes today's date).

use crate::catalogue::{self, Catalogue};
use crate::date::{Date, YearMonth};
use crate::explain::Messages;
use crate::grade;
use crate::label::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A label spec, as a maker writes it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Catalogue version; the current one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<u16>,
    pub assurance: Assurance,
    /// How long the label is valid, from its issue date.
    #[serde(default = "default_months")]
    pub valid_for_months: u32,
    /// The scanner address printed in the QR code (URL form); bare form when empty.
    #[serde(default = "default_link")]
    pub link: String,
    pub product: Product,
    /// Principle id to status: "met", "partly", "not-met" or "not-applicable".
    pub principles: BTreeMap<String, Status>,
    pub lifecycle: SpecLifecycle,
    pub privacy: SpecPrivacy,
    #[serde(default)]
    pub openness: SpecOpenness,
}

/// How long a label is valid when the spec does not say: 24 months.
pub fn default_months() -> u32 {
    24
}

/// The scanner address a spec prints when it does not name one.
pub fn default_link() -> String {
    "HTTPS://IOTMARK.ORG".to_owned()
}

/// The lifecycle facts, with the repair flags by name.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpecLifecycle {
    pub updates_until: YearMonth,
    pub update_delivery: UpdateDelivery,
    pub without_cloud: WithoutCloud,
    #[serde(default)]
    pub repair: Vec<String>,
}

/// The privacy facts, with the flags by name.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpecPrivacy {
    #[serde(default)]
    pub sensors: Vec<String>,
    pub processing: Processing,
    #[serde(default)]
    pub sharing: Vec<String>,
    #[serde(default)]
    pub rights: Vec<String>,
}

/// Which parts are open, by name.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpecOpenness {
    #[serde(default)]
    pub open: Vec<String>,
}

/// Why a spec cannot be read or made into a label. Each names the field at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpecError {
    /// Not TOML of a spec's shape: where (1-based line and column) and what was expected.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    UnknownCatalogue(u16),
    /// A `[principles]` key that is not a principle id of the catalogue (1 to `max`).
    UnknownPrinciple {
        key: String,
        max: usize,
    },
    /// Principles of the catalogue with no status.
    MissingPrinciples(Vec<u8>),
    /// A flag name that the field does not define.
    UnknownName {
        field: &'static str,
        name: String,
        allowed: &'static [&'static str],
    },
    /// `product.gtin` is not 8, 12, 13 or 14 digits; `length` counts its characters.
    GtinLength {
        gtin: String,
        length: usize,
    },
    /// `product.gtin` has the right length but a wrong check digit.
    GtinCheckDigit(String),
    /// An applicable essential principle is not met: there is no grade to sign.
    NoMark,
    /// `valid_for_months` takes the label past 9999-12-31.
    ValidityTooLong(u32),
}

impl SpecError {
    /// A stable code for scripts and front ends.
    pub fn code(&self) -> &'static str {
        match self {
            SpecError::Syntax { .. } => "syntax",
            SpecError::UnknownCatalogue(_) => "unknown-catalogue",
            SpecError::UnknownPrinciple { .. } => "unknown-principle",
            SpecError::MissingPrinciples(_) => "missing-principles",
            SpecError::UnknownName { .. } => "unknown-name",
            SpecError::GtinLength { .. } => "gtin-length",
            SpecError::GtinCheckDigit(_) => "gtin-check-digit",
            SpecError::NoMark => "no-mark",
            SpecError::ValidityTooLong(_) => "validity-too-long",
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Syntax { line, column, message } => write!(f, "{line}:{column}: {message}"),
            SpecError::UnknownCatalogue(v) => write!(f, "catalogue: version {v} is not known"),
            SpecError::UnknownPrinciple { key, max } => write!(f, "principles: {key:?} is not a principle id (1 to {max})"),
            SpecError::MissingPrinciples(ids) => {
                let ids: Vec<String> = ids.iter().map(u8::to_string).collect();
                write!(f, "principles: no status for principle {}", ids.join(", "))
            }
            SpecError::UnknownName { field, name, allowed } => write!(f, "{field}: {name:?} is not one of {}", allowed.join(", ")),
            SpecError::GtinLength { gtin, length } => {
                write!(f, "product.gtin {gtin:?} is not a GTIN: it must be 8, 12, 13 or 14 digits (it has {length} characters)")
            }
            SpecError::GtinCheckDigit(gtin) => {
                write!(f, "product.gtin {gtin:?} has a wrong check digit (the last digit): check the number on the barcode")
            }
            SpecError::NoMark => {
                f.write_str("the assessment earns no mark: an applicable essential principle is not met (run `iotmark check` for details)")
            }
            SpecError::ValidityTooLong(months) => write!(f, "valid_for_months = {months} ends after 9999-12-31"),
        }
    }
}

impl std::error::Error for SpecError {}

impl From<SpecError> for String {
    fn from(e: SpecError) -> String {
        e.to_string()
    }
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Reads spec text of any length and checks its principles and flag names; the error says
/// where and what was expected.
pub fn parse(text: &str) -> Result<Spec, SpecError> {
    let spec: Spec = toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        SpecError::Syntax { line, column, message: e.message().trim().to_owned() }
    })?;
    spec.statuses()?;
    spec.facts()?;
    Ok(spec)
}

fn names<T>(
    field: &'static str,
    names: &[String],
    from: fn(&[String]) -> Result<T, String>,
    allowed: &'static [&'static str],
) -> Result<T, SpecError> {
    from(names).map_err(|name| SpecError::UnknownName { field, name, allowed })
}

/// A GTIN as the maker wrote it: 8, 12, 13 or 14 digits with a valid GS1 check digit.
/// Checked before it is put in the one form labels carry, so that the error quotes what
/// was written (not `0000000012345` for `12345`).
pub fn check_written_gtin(gtin: &str) -> Result<(), SpecError> {
    let length = gtin.chars().count();
    if !gtin.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 13, 14].contains(&length) {
        return Err(SpecError::GtinLength { gtin: gtin.to_owned(), length });
    }
    check_gtin(&normalise_gtin(gtin)).map_err(|_| SpecError::GtinCheckDigit(gtin.to_owned()))
}

impl Spec {
    /// The catalogue the spec names, the current one when it names none.
    pub fn catalogue(&self) -> Result<&'static Catalogue, SpecError> {
        match self.catalogue {
            None => Ok(catalogue::current()),
            Some(v) => catalogue::by_version(v).ok_or(SpecError::UnknownCatalogue(v)),
        }
    }

    /// One status per principle of the catalogue, in order; every principle must be given.
    pub fn statuses(&self) -> Result<Vec<Status>, SpecError> {
        let cat = self.catalogue()?;
        for key in self.principles.keys() {
            let known = key.parse::<u8>().ok().and_then(|id| cat.principle(id)).is_some_and(|p| p.id.to_string() == *key);
            if !known {
                return Err(SpecError::UnknownPrinciple { key: key.clone(), max: cat.len() });
            }
        }
        let missing: Vec<u8> = cat.principles.iter().map(|p| p.id).filter(|id| !self.principles.contains_key(&id.to_string())).collect();
        if !missing.is_empty() {
            return Err(SpecError::MissingPrinciples(missing));
        }
        Ok(cat.principles.iter().map(|p| self.principles[&p.id.to_string()]).collect())
    }

    /// The facts, with every flag name checked.
    pub fn facts(&self) -> Result<Facts, SpecError> {
        let l = &self.lifecycle;
        let p = &self.privacy;
        Ok(Facts {
            lifecycle: Lifecycle {
                updates_until: l.updates_until,
                update_delivery: l.update_delivery,
                without_cloud: l.without_cloud,
                repair: names("lifecycle.repair", &l.repair, Repair::from_names, Repair::NAMES)?,
            },
            privacy: Privacy {
                sensors: names("privacy.sensors", &p.sensors, Sensors::from_names, Sensors::NAMES)?,
                processing: p.processing,
                sharing: names("privacy.sharing", &p.sharing, Sharing::from_names, Sharing::NAMES)?,
                rights: names("privacy.rights", &p.rights, DataRights::from_names, DataRights::NAMES)?,
            },
            openness: names("openness.open", &self.openness.open, Openness::from_names, Openness::NAMES)?,
        })
    }

    /// The label this spec describes, issued on `issued` under `id`, with its earned grade
    /// ([`SpecError::NoMark`] when it earns none). The text rules of [`Label::check`] are
    /// the caller's to apply (signing applies them).
    pub fn label(&self, id: LabelId, issued: Date, serial: Option<&str>) -> Result<Label, SpecError> {
        let cat = self.catalogue()?;
        let principles = self.statuses()?;
        let grade = grade::grade(cat, &principles).ok_or(SpecError::NoMark)?;
        let valid_until = issued.plus_months(self.valid_for_months).ok_or(SpecError::ValidityTooLong(self.valid_for_months))?;
        let mut product = self.product.clone();
        if let Some(written) = &product.gtin {
            check_written_gtin(written)?;
        }
        product.gtin = product.gtin.as_deref().map(normalise_gtin);
        if let Some(serial) = serial {
            product.serial = Some(serial.to_owned());
        }
        Ok(Label {
            id,
            catalogue: cat.version,
            product,
            principles,
            grade,
            assurance: self.assurance,
            issued,
            valid_until,
            facts: self.facts()?,
        })
    }

    /// The address printed in the QR code; `None` for the bare form.
    pub fn link(&self) -> Option<&str> {
        Some(self.link.as_str()).filter(|l| !l.is_empty())
    }

    /// The spec as TOML that [`parse`] (and so `iotmark sign`) reads back equal, laid out
    /// for people: the product first, then each principle under a comment with its wording
    /// in English, then the facts. Any spec writes; principle keys that are not ids are
    /// kept (after the ids) so that nothing is lost.
    pub fn to_toml(&self) -> String {
        let m = Messages::english();
        let mut s = String::from("# iotmark label spec. Check it with `iotmark check`, sign it with `iotmark sign`.\n");
        if let Some(v) = self.catalogue {
            s += &format!("catalogue = {v}\n");
        }
        s += &format!("assurance = {}\nvalid_for_months = {}\n", word(&self.assurance), self.valid_for_months);
        if self.link != default_link() {
            s += &format!("link = {}\n", quote(&self.link));
        }
        let p = &self.product;
        s += &format!("\n[product]\nmaker = {}\nname = {}\nmodel = {}\n", quote(&p.maker), quote(&p.name), quote(&p.model));
        for (key, value) in [("gtin", &p.gtin), ("serial", &p.serial)] {
            if let Some(v) = value {
                s += &format!("{key} = {}\n", quote(v));
            }
        }
        s += "\n[principles]\n";
        let mut keys: Vec<&String> = self.principles.keys().collect();
        keys.sort_by_key(|k| (k.parse::<u16>().unwrap_or(u16::MAX), k.as_str()));
        for key in keys {
            if key.parse::<u8>().is_ok_and(|id| self.catalogue().ok().and_then(|c| c.principle(id)).is_some()) {
                s += &format!("# {}\n", m.say(&format!("principle.{key}"), &[]));
            }
            s += &format!("{} = {}\n", bare_or_quoted(key), word(&self.principles[key]));
        }
        let l = &self.lifecycle;
        s += &format!(
            "\n[lifecycle]\nupdates_until = {}\nupdate_delivery = {}\nwithout_cloud = {}\nrepair = {}\n",
            quote(&l.updates_until.to_string()),
            word(&l.update_delivery),
            word(&l.without_cloud),
            list(&l.repair)
        );
        let pr = &self.privacy;
        s += &format!(
            "\n[privacy]\nsensors = {}\nprocessing = {}\nsharing = {}\nrights = {}\n\n[openness]\nopen = {}\n",
            list(&pr.sensors),
            word(&pr.processing),
            list(&pr.sharing),
            list(&pr.rights),
            list(&self.openness.open)
        );
        s
    }
}

/// A string as a TOML basic string, escaped (written here rather than through the `toml`
/// crate's writer, which would bring its float formatting into the studio's WebAssembly).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The words the spec writes for its enum values (their serde names).
pub trait Word {
    fn word(&self) -> &'static str;
}

impl Word for Status {
    fn word(&self) -> &'static str {
        self.key()
    }
}

impl Word for Assurance {
    fn word(&self) -> &'static str {
        self.key()
    }
}

impl Word for UpdateDelivery {
    fn word(&self) -> &'static str {
        match self {
            UpdateDelivery::Automatic => "automatic",
            UpdateDelivery::Prompted => "prompted",
            UpdateDelivery::Manual => "manual",
        }
    }
}

impl Word for WithoutCloud {
    fn word(&self) -> &'static str {
        match self {
            WithoutCloud::Works => "works",
            WithoutCloud::Partly => "partly",
            WithoutCloud::Fails => "fails",
        }
    }
}

impl Word for Processing {
    fn word(&self) -> &'static str {
        match self {
            Processing::OnDevice => "on-device",
            Processing::DeviceAndCloud => "device-and-cloud",
            Processing::Cloud => "cloud",
        }
    }
}

/// Every value of an enum the spec writes as a word, to read one back.
pub const DELIVERIES: [UpdateDelivery; 3] = [UpdateDelivery::Automatic, UpdateDelivery::Prompted, UpdateDelivery::Manual];
pub const WITHOUT_CLOUD: [WithoutCloud; 3] = [WithoutCloud::Works, WithoutCloud::Partly, WithoutCloud::Fails];
pub const PROCESSING: [Processing; 3] = [Processing::OnDevice, Processing::DeviceAndCloud, Processing::Cloud];

/// The value of `all` whose word is `w`.
pub fn from_word<T: Word + Copy>(all: &[T], w: &str) -> Option<T> {
    all.iter().copied().find(|v| v.word() == w)
}

fn word(v: &impl Word) -> String {
    quote(v.word())
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|i| quote(i)).collect::<Vec<_>>().join(", "))
}

/// A table key: bare when TOML allows it, quoted otherwise.
fn bare_or_quoted(key: &str) -> String {
    let bare = !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if bare {
        key.to_owned()
    } else {
        quote(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLES: [&str; 3] = [
        include_str!("../../labels/examples/smart-speaker.toml"),
        include_str!("../../labels/examples/open-thermostat.toml"),
        include_str!("../../labels/examples/video-doorbell.toml"),
    ];

    #[test]
    fn errors_name_line_column_and_field() {
        let e = parse("assurance = \"self-declared\"\nvalid_for_months = \"ten\"\n").unwrap_err();
        assert!(matches!(e, SpecError::Syntax { line: 2, column: 20, .. }), "{e}");
        let e = parse("assurance = \"maybe\"").unwrap_err();
        assert!(e.to_string().starts_with("1:13:") && e.to_string().contains("self-declared"), "{e}");
        assert_eq!(e.code(), "syntax");
    }

    #[test]
    fn every_example_writes_as_toml_that_reads_back_equal() {
        for text in EXAMPLES {
            let spec = parse(text).unwrap();
            let written = spec.to_toml();
            assert_eq!(parse(&written).as_ref(), Ok(&spec), "{written}");
            assert!(written.contains("# You can delete your data.\n3 = "), "{written}");
        }
        let mut odd = parse(EXAMPLES[0]).unwrap();
        odd.product.maker = "Quote \" and \\ back\nslash".into();
        odd.link = String::new();
        odd.catalogue = Some(1);
        assert_eq!(parse(&odd.to_toml()), Ok(odd));
    }

    #[test]
    fn gtins_are_checked_as_written() {
        assert_eq!(check_written_gtin("96385074"), Ok(()));
        assert_eq!(check_written_gtin("4006381333931"), Ok(()));
        assert_eq!(check_written_gtin("12345").unwrap_err().code(), "gtin-length");
        assert_eq!(check_written_gtin("4006381333932").unwrap_err().code(), "gtin-check-digit");
        assert_eq!(check_written_gtin("40063813339é1").unwrap_err().code(), "gtin-length");
    }

    #[test]
    fn principle_keys_must_be_ids_and_all_present() {
        let spec = parse(EXAMPLES[0]).unwrap();
        let mut s = spec.clone();
        s.principles.remove("7");
        assert_eq!(s.statuses(), Err(SpecError::MissingPrinciples(vec![7])));
        let mut s = spec.clone();
        s.principles.insert("07".into(), Status::Met);
        assert_eq!(s.statuses().unwrap_err().code(), "unknown-principle");
        let mut s = spec;
        s.privacy.sensors.push("smell".into());
        assert_eq!(
            s.facts().unwrap_err().to_string(),
            "privacy.sensors: \"smell\" is not one of microphone, camera, location, motion, presence, health, environment, usage"
        );
    }
}
