//! Label specs: the model lives in the core ([`iotmark_core::spec`], shared with the label
//! studio in the browser); this module reads spec files and turns the core's errors into
//! the tool's, naming the file, line and column.
//!
//! [`Spec`] is the core's spec (every field and method through `Deref`) whose
//! [`Spec::label`] fails with the tool's [`Failure`], so that callers keep their `?`.

use crate::failure::{Failure, Result};
use iotmark_core::date::Date;
use iotmark_core::label::{Label, LabelId};
pub use iotmark_core::spec::{default_link, SpecError, SpecLifecycle, SpecOpenness, SpecPrivacy};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The core's spec, with the tool's errors.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(transparent)]
pub struct Spec(pub iotmark_core::spec::Spec);

impl std::ops::Deref for Spec {
    type Target = iotmark_core::spec::Spec;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Spec {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<iotmark_core::spec::Spec> for Spec {
    fn from(s: iotmark_core::spec::Spec) -> Spec {
        Spec(s)
    }
}

impl Spec {
    /// The label this spec describes ([`iotmark_core::spec::Spec::label`]); refused (exit
    /// code 5) when it earns no mark.
    pub fn label(&self, id: LabelId, issued: Date, serial: Option<&str>) -> Result<Label> {
        self.0.label(id, issued, serial).map_err(Failure::from)
    }
}

/// Parses spec text; errors name the file, line, column and what was expected.
pub fn parse(text: &str, file: &Path) -> Result<Spec> {
    iotmark_core::spec::parse(text).map(Spec).map_err(|e| match e {
        SpecError::Syntax { line, column, message } => Failure::input(format!("{}:{line}:{column}: {message}", file.display())),
        other => Failure::input(format!("{}: {other}", file.display())),
    })
}

pub fn load(path: &Path) -> Result<Spec> {
    parse(&crate::files::read_text(path)?, path)
}

/// A spec that earns no mark is refused (exit code 5); every other spec error is bad input.
impl From<SpecError> for Failure {
    fn from(e: SpecError) -> Failure {
        match e {
            SpecError::NoMark => Failure::refused(e.to_string()),
            other => Failure::input(other.to_string()),
        }
    }
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
        assert_eq!(Failure::from(SpecError::NoMark).code, crate::failure::exit::REFUSED);
    }
}
