//! What the printed mark says, in the label's language: every sentence comes from the
//! core's language files through `iotmark_core::explain`, the same place the scanner's
//! words come from, so that the sticker and the screen say the same thing (one rule in one
//! place: the print's shorter wordings are `mark.*` keys there, not strings here).

use crate::brand::Brand;
use crate::failure::{Failure, Result};
use iotmark_core::explain::{self, Fact, Messages, Step};
use iotmark_core::label::Label;

/// How a label's artwork is made beyond the label itself: its language, who the issuer is
/// (for "Reviewed by …"), and the maker's brand zone.
#[derive(Clone, Debug)]
pub struct Design {
    pub lang: &'static str,
    pub messages: Messages,
    /// The issuer's name as the trust list gives it.
    pub issuer: Option<String>,
    pub brand: Brand,
}

impl Default for Design {
    fn default() -> Design {
        Design { lang: "en", messages: Messages::english(), issuer: None, brand: Brand::default() }
    }
}

impl Design {
    /// The design in language `tag` (one of the six shipped), refused otherwise.
    pub fn new(tag: &str, issuer: Option<String>, brand: Brand) -> Result<Design> {
        let lang = explain::shipped(tag).ok_or_else(|| {
            Failure::input(format!("--lang {tag:?} is not a language the label can be printed in: use {}", explain::LANGUAGES.join(", ")))
        })?;
        let messages = explain::bundled(lang)
            .and_then(|json| Messages::from_json(json).ok())
            .ok_or_else(|| Failure::input(format!("the {lang} language file is damaged")))?;
        Ok(Design { lang, messages, issuer: issuer.filter(|i| !i.trim().is_empty()), brand })
    }
}

/// The words of one mark.
#[derive(Clone, Debug, PartialEq)]
pub struct Words {
    /// Bronze, silver, gold, this label's marked.
    pub scale: Vec<Step>,
    /// "Reviewed by Demo Test Lab".
    pub checked_by: String,
    /// "Scan to check: iotmark.example/check".
    pub scan: String,
    /// "Serial SN-000001", on per-unit labels.
    pub serial: Option<String>,
    /// "Hearth Speaker Mini HS-200".
    pub product: String,
    /// Lifecycle, privacy, openness.
    pub facts: Vec<Fact>,
}

/// The readable address of a label's link: `HTTPS://IOTMARK.EXAMPLE/CHECK#IM1…` gives
/// `iotmark.example/check`; a bare label (no link) has none.
pub fn address(text: &str) -> Option<String> {
    let (link, _) = text.split_once('#')?;
    let lower = link.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).unwrap_or(&lower);
    let shown = rest.trim_end_matches('/');
    (!shown.is_empty()).then(|| shown.to_owned())
}

impl Words {
    /// What the mark of `label`, whose QR code reads `text`, says in the design's language.
    pub fn of(label: &Label, text: &str, design: &Design) -> Words {
        let m = &design.messages;
        let p = &label.product;
        Words {
            scale: explain::scale(label.grade, m),
            checked_by: explain::mark_checked_by(label.assurance, design.issuer.as_deref(), m),
            scan: match address(text) {
                Some(a) => m.say("mark.scan", &[("address", &a)]),
                None => m.say("mark.scan.bare", &[]),
            },
            serial: p.serial.as_ref().map(|s| m.say("mark.serial", &[("serial", s)])),
            product: format!("{} {}", p.name, p.model),
            facts: explain::mark_facts(label, m),
        }
    }

    /// Every word, line by line, for the outlined SVG's description (search, screen readers).
    pub fn all(&self) -> Vec<String> {
        let current = self.scale.iter().find(|s| s.current).map(|s| s.text.clone()).unwrap_or_default();
        let mut out = vec![format!("#iotmark {current}"), self.product.clone(), self.checked_by.clone()];
        out.extend(self.facts.iter().map(|f| f.text.clone()));
        out.push(self.scan.clone());
        out.extend(self.serial.clone());
        out
    }
}

/// The command line's design options, shared by `sign` and `batch`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct DesignArgs {
    /// The language of the label's words: en, fr, de, es, pt or sw.
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// The issuer's name for "Reviewed by …" / "Audited by …", as the trust list names it
    /// (taken from the trust list when --trust is given). Without it the mark says to scan
    /// to see who checked.
    #[arg(long)]
    pub issuer_name: Option<String>,
    /// The maker's brand colour (#RRGGBB), in a band above the panel's mark, outside its frame.
    #[arg(long)]
    pub brand_colour: Option<String>,
    /// The maker's logo (PNG or SVG, at most 512 KB), in the same band.
    #[arg(long)]
    pub logo: Option<std::path::PathBuf>,
}

impl DesignArgs {
    /// The design, with `issuer` (from a trust list) before `--issuer-name`. A brand is for
    /// the box panel: asking for one with no panel among `panel` formats is refused.
    pub fn design(&self, issuer: Option<String>, panel: bool) -> Result<Design> {
        let brand = Brand::from_args(self.brand_colour.as_deref(), self.logo.as_deref())?;
        if !brand.is_empty() && !panel {
            return Err(Failure::input(
                "--brand-colour and --logo go in a band on the box panel, outside the mark: a sticker has no room for them (add --format panel)",
            ));
        }
        Design::new(&self.lang, issuer.or_else(|| self.issuer_name.clone()), brand)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_the_links_host_and_path_in_lowercase() {
        assert_eq!(address("HTTPS://IOTMARK.EXAMPLE/CHECK#IM1:ABC").as_deref(), Some("iotmark.example/check"));
        assert_eq!(address("HTTP://LOCALHOST:8080/#IM1:ABC").as_deref(), Some("localhost:8080"));
        assert_eq!(address("IM1:ABC"), None);
        assert!(Design::new("de-AT", None, Brand::default()).is_ok_and(|d| d.lang == "de"));
        assert!(Design::new("xx", None, Brand::default()).is_err());
    }
}
