//! Label spec files: what a maker writes (TOML) to describe a product, documented by the
//! JSON Schema `labels/spec.schema.json`. A spec has everything a label says except what
//! the tool decides at signing time: the label id, the dates and the grade.

use crate::failure::{Failure, Result};
use iotmark_core::catalogue;
use iotmark_core::date::{Date, YearMonth};
use iotmark_core::grade;
use iotmark_core::label::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

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

fn default_months() -> u32 {
    24
}

pub fn default_link() -> String {
    "HTTPS://IOTMARK.ORG".to_owned()
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpecLifecycle {
    pub updates_until: YearMonth,
    pub update_delivery: UpdateDelivery,
    pub without_cloud: WithoutCloud,
    #[serde(default)]
    pub repair: Vec<String>,
}

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

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpecOpenness {
    #[serde(default)]
    pub open: Vec<String>,
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parses spec text; errors name the file, line, column and what was expected.
pub fn parse(text: &str, file: &Path) -> Result<Spec> {
    let spec: Spec = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        Failure::input(format!("{}:{line}:{col}: {}", file.display(), e.message().trim()))
    })?;
    spec.statuses().map_err(|m| Failure::input(format!("{}: {m}", file.display())))?;
    spec.facts().map_err(|m| Failure::input(format!("{}: {m}", file.display())))?;
    Ok(spec)
}

pub fn load(path: &Path) -> Result<Spec> {
    parse(&crate::files::read_text(path)?, path)
}

fn names<T>(
    field: &str,
    names: &[String],
    from: fn(&[String]) -> std::result::Result<T, String>,
    allowed: &[&str],
) -> std::result::Result<T, String> {
    from(names).map_err(|bad| format!("{field}: {bad:?} is not one of {}", allowed.join(", ")))
}

impl Spec {
    pub fn catalogue(&self) -> std::result::Result<&'static catalogue::Catalogue, String> {
        match self.catalogue {
            None => Ok(catalogue::current()),
            Some(v) => catalogue::by_version(v).ok_or_else(|| format!("catalogue: version {v} is not known")),
        }
    }

    /// One status per principle of the catalogue, in order; every principle must be given.
    pub fn statuses(&self) -> std::result::Result<Vec<Status>, String> {
        let cat = self.catalogue()?;
        for key in self.principles.keys() {
            let known = key.parse::<u8>().ok().and_then(|id| cat.principle(id)).is_some();
            if !known {
                return Err(format!("principles: {key:?} is not a principle id (1 to {})", cat.len()));
            }
        }
        let missing: Vec<String> = cat.principles.iter().map(|p| p.id.to_string()).filter(|id| !self.principles.contains_key(id)).collect();
        if !missing.is_empty() {
            return Err(format!("principles: no status for principle {}", missing.join(", ")));
        }
        Ok(cat.principles.iter().map(|p| self.principles[&p.id.to_string()]).collect())
    }

    pub fn facts(&self) -> std::result::Result<Facts, String> {
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

    /// The label this spec describes, issued on `issued` under `id`, with its earned grade.
    /// Refused when it earns no mark.
    pub fn label(&self, id: LabelId, issued: Date, serial: Option<&str>) -> Result<Label> {
        let cat = self.catalogue().map_err(Failure::input)?;
        let principles = self.statuses().map_err(Failure::input)?;
        let grade = grade::grade(cat, &principles).ok_or_else(|| {
            Failure::refused("the assessment earns no mark: an applicable essential principle is not met (run `iotmark check` for details)")
        })?;
        let valid_until = issued
            .plus_months(self.valid_for_months)
            .ok_or_else(|| Failure::input(format!("valid_for_months = {} ends after 9999-12-31", self.valid_for_months)))?;
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
            facts: self.facts().map_err(Failure::input)?,
        })
    }

    pub fn link(&self) -> Option<&str> {
        Some(self.link.as_str()).filter(|l| !l.is_empty())
    }
}

/// A GTIN as the maker wrote it: 8, 12, 13 or 14 digits with a valid GS1 check digit.
/// Checked before it is put in the one form labels carry, so that the error quotes what
/// was written (not `0000000012345` for `12345`).
fn check_written_gtin(gtin: &str) -> Result<()> {
    let digits = gtin.len();
    if !gtin.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 13, 14].contains(&digits) {
        return Err(Failure::input(format!(
            "product.gtin {gtin:?} is not a GTIN: it must be 8, 12, 13 or 14 digits (it has {digits} characters)"
        )));
    }
    check_gtin(&normalise_gtin(gtin)).map_err(|_| {
        Failure::input(format!("product.gtin {gtin:?} has a wrong check digit (the last digit): check the number on the barcode"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_column_and_field() {
        let text = "assurance = \"self-declared\"\nvalid_for_months = \"ten\"\n";
        let e = parse(text, Path::new("s.toml")).unwrap_err();
        assert!(e.message.starts_with("s.toml:2:20:"), "{}", e.message);
        let e = parse("assurance = \"maybe\"", Path::new("s.toml")).unwrap_err();
        assert!(e.message.contains("s.toml:1:13") && e.message.contains("self-declared"), "{}", e.message);
    }
}
