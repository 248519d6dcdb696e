//! The catalogue of principles a label is assessed against.
//!
//! This module is the only place that knows which principles exist, their tier and their
//! category. Principle wording lives in the language files (`core/lang/*.json`), keyed by
//! id, so that every front end shows the same words. Catalogues are versioned because the
//! principles will be revised; a verifier keeps every version it has ever shipped so that
//! old labels stay explainable.

use serde::Serialize;

/// How much a principle matters to the mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// What every marked product must do.
    Essential,
    /// Good practice that poses no threat when missing.
    NiceToHave,
    /// Best practice where open development is fully embraced.
    Open,
}

impl Tier {
    /// Every tier, from the one every product must meet to the most demanding.
    pub const ALL: [Tier; 3] = [Tier::Essential, Tier::NiceToHave, Tier::Open];

    /// The key used in language files (`tier.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Tier::Essential => "essential",
            Tier::NiceToHave => "nice-to-have",
            Tier::Open => "open",
        }
    }
}

/// The topic a principle belongs to; used to group principles for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Privacy,
    Interoperability,
    Openness,
    Ownership,
    Transparency,
    Security,
    Lifecycle,
}

impl Category {
    /// Every category, in the order people see them.
    pub const ALL: [Category; 7] = [
        Category::Lifecycle,
        Category::Privacy,
        Category::Openness,
        Category::Security,
        Category::Ownership,
        Category::Transparency,
        Category::Interoperability,
    ];

    /// The key used in language files (`category.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Category::Privacy => "privacy",
            Category::Interoperability => "interoperability",
            Category::Openness => "openness",
            Category::Ownership => "ownership",
            Category::Transparency => "transparency",
            Category::Security => "security",
            Category::Lifecycle => "lifecycle",
        }
    }
}

/// One principle of a catalogue. Its id is stable across catalogue versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Principle {
    pub id: u8,
    pub category: Category,
    pub tier: Tier,
}

/// A versioned set of principles.
#[derive(Debug, PartialEq, Eq)]
pub struct Catalogue {
    pub version: u16,
    /// Principles in id order; `principles[i].id == i + 1`.
    pub principles: &'static [Principle],
}

impl Catalogue {
    pub fn len(&self) -> usize {
        self.principles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.principles.is_empty()
    }

    pub fn principle(&self, id: u8) -> Option<&Principle> {
        self.principles.get(usize::from(id).checked_sub(1)?)
    }
}

const fn p(id: u8, category: Category, tier: Tier) -> Principle {
    Principle { id, category, tier }
}

use Category::*;
use Tier::*;

/// The June 2018 set of 33 principles (20 essential, 8 nice to have, 5 open).
pub const JUNE_2018: Catalogue = Catalogue {
    version: 1,
    principles: &[
        p(1, Privacy, Essential),
        p(2, Privacy, Essential),
        p(3, Privacy, Essential),
        p(4, Privacy, Essential),
        p(5, Privacy, Essential),
        p(6, Privacy, Essential),
        p(7, Privacy, Essential),
        p(8, Privacy, Essential),
        p(9, Interoperability, NiceToHave),
        p(10, Interoperability, NiceToHave),
        p(11, Interoperability, Open),
        p(12, Interoperability, NiceToHave),
        p(13, Openness, Open),
        p(14, Openness, Open),
        p(15, Openness, Open),
        p(16, Openness, Open),
        p(17, Ownership, NiceToHave),
        p(18, Ownership, Essential),
        p(19, Ownership, Essential),
        p(20, Transparency, Essential),
        p(21, Transparency, Essential),
        p(22, Transparency, Essential),
        p(23, Transparency, Essential),
        p(24, Security, Essential),
        p(25, Security, Essential),
        p(26, Security, NiceToHave),
        p(27, Security, Essential),
        p(28, Lifecycle, Essential),
        p(29, Lifecycle, Essential),
        p(30, Lifecycle, Essential),
        p(31, Lifecycle, NiceToHave),
        p(32, Lifecycle, NiceToHave),
        p(33, Lifecycle, NiceToHave),
    ],
};

/// Every catalogue this build knows, oldest first.
pub const CATALOGUES: &[&Catalogue] = &[&JUNE_2018];

/// The newest catalogue: the one new labels are assessed against.
pub fn current() -> &'static Catalogue {
    CATALOGUES[CATALOGUES.len() - 1]
}

/// Looks up a catalogue by the version a label names.
pub fn by_version(version: u16) -> Option<&'static Catalogue> {
    CATALOGUES.iter().copied().find(|c| c.version == version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn june_2018_has_the_documented_shape() {
        let count = |t| JUNE_2018.principles.iter().filter(|p| p.tier == t).count();
        assert_eq!(JUNE_2018.len(), 33);
        assert_eq!((count(Essential), count(NiceToHave), count(Open)), (20, 8, 5));
        for (i, p) in JUNE_2018.principles.iter().enumerate() {
            assert_eq!(usize::from(p.id), i + 1);
        }
    }

    #[test]
    fn lookup() {
        assert_eq!(by_version(1), Some(&JUNE_2018));
        assert_eq!(by_version(2), None);
        assert_eq!(JUNE_2018.principle(0), None);
        assert_eq!(JUNE_2018.principle(33).map(|p| p.tier), Some(NiceToHave));
        assert_eq!(JUNE_2018.principle(34), None);
    }
}
