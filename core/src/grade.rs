//! The grading rule: the one place that turns principle statuses into a grade.
//!
//! The rule, as documented in `docs/grading.md`:
//!
//! * Principles whose status is "not applicable" are left out of every count.
//! * **No mark** when any applicable essential principle is not met.
//! * **Bronze** when every applicable essential principle is met or partly met.
//! * **Silver** when every applicable essential principle is met, and at least half of
//!   the applicable nice-to-have principles are met.
//! * **Gold** when every applicable essential and nice-to-have principle is met, and at
//!   least half of the applicable open principles are met.
//!
//! "Partly" counts as met only for bronze's essentials; "at least half" of zero
//! applicable principles is satisfied.

use crate::catalogue::{Catalogue, Tier};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A principle's assessed status. The numbers are the wire values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Met = 0,
    Partly = 1,
    NotMet = 2,
    NotApplicable = 3,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Met, Status::Partly, Status::NotMet, Status::NotApplicable];

    pub fn key(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Partly => "partly",
            Status::NotMet => "not-met",
            Status::NotApplicable => "not-applicable",
        }
    }
}

/// A degree of compliance. The numbers are the wire values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    Bronze = 1,
    Silver = 2,
    Gold = 3,
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::Bronze, Grade::Silver, Grade::Gold];

    /// How many steps the scale has: bronze, silver, gold.
    pub const STEPS: u8 = 3;

    /// The grade's step on the scale, 1 (bronze) to [`Grade::STEPS`] (gold).
    pub fn level(self) -> u8 {
        self as u8
    }

    pub fn key(self) -> &'static str {
        match self {
            Grade::Bronze => "bronze",
            Grade::Silver => "silver",
            Grade::Gold => "gold",
        }
    }

    pub fn from_wire(v: u64) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| *g as u64 == v)
    }

    fn next(self) -> Option<Grade> {
        match self {
            Grade::Bronze => Some(Grade::Silver),
            Grade::Silver => Some(Grade::Gold),
            Grade::Gold => None,
        }
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What stands between an assessment and a grade.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    /// Principles that must all become "met" (or, for bronze, at least "partly").
    pub must_meet: Vec<u8>,
    /// A tier where more principles must be met: how many more, and the candidates.
    pub more_of: Option<(usize, Vec<u8>)>,
}

impl Shortfall {
    pub fn is_empty(&self) -> bool {
        self.must_meet.is_empty() && self.more_of.is_none()
    }
}

/// The statuses of the applicable principles of the tiers `tier` picks, with their ids, in id
/// order (the catalogue's).
fn applicable(catalogue: &Catalogue, statuses: &[Status], tier: impl Fn(Tier) -> bool) -> Vec<(u8, Status)> {
    catalogue
        .principles
        .iter()
        .zip(statuses)
        .filter(|(p, s)| tier(p.tier) && **s != Status::NotApplicable)
        .map(|(p, s)| (p.id, *s))
        .collect()
}

fn failing(items: &[(u8, Status)], ok: impl Fn(Status) -> bool) -> Vec<u8> {
    items.iter().filter(|(_, s)| !ok(*s)).map(|(id, _)| *id).collect()
}

/// "At least half met": how many more are needed, and which could be.
fn half_met(items: &[(u8, Status)]) -> Option<(usize, Vec<u8>)> {
    let met = items.iter().filter(|(_, s)| *s == Status::Met).count();
    let needed = items.len().div_ceil(2);
    (met < needed).then(|| (needed - met, failing(items, |s| s == Status::Met)))
}

/// What an assessment lacks for `target`. Empty when it reaches it.
pub fn shortfall(catalogue: &Catalogue, statuses: &[Status], target: Grade) -> Shortfall {
    let tier = |t: Tier| applicable(catalogue, statuses, move |of| of == t);
    let (essential, nice, open) = (tier(Tier::Essential), tier(Tier::NiceToHave), tier(Tier::Open));
    let met = |s| s == Status::Met;
    match target {
        Grade::Bronze => Shortfall { must_meet: failing(&essential, |s| s != Status::NotMet), more_of: None },
        Grade::Silver => Shortfall { must_meet: failing(&essential, met), more_of: half_met(&nice) },
        // The essential and nice-to-have principles together, read in id order.
        Grade::Gold => {
            let both = applicable(catalogue, statuses, |t| t != Tier::Open);
            Shortfall { must_meet: failing(&both, met), more_of: half_met(&open) }
        }
    }
}

/// The grade an assessment earns, or `None` for no mark. `statuses` must hold one status
/// per principle of `catalogue`, in id order (a label checks this when it is read).
pub fn grade(catalogue: &Catalogue, statuses: &[Status]) -> Option<Grade> {
    Grade::ALL.into_iter().rev().find(|g| shortfall(catalogue, statuses, *g).is_empty())
}

/// The next grade above the one earned, and what it would take; `None` at gold.
pub fn next_grade(catalogue: &Catalogue, statuses: &[Status]) -> Option<(Grade, Shortfall)> {
    let target = match grade(catalogue, statuses) {
        None => Grade::Bronze,
        Some(g) => g.next()?,
    };
    Some((target, shortfall(catalogue, statuses, target)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::JUNE_2018;
    use Status::*;

    fn all(s: Status) -> Vec<Status> {
        vec![s; 33]
    }

    fn with(mut v: Vec<Status>, changes: &[(u8, Status)]) -> Vec<Status> {
        for (id, s) in changes {
            v[usize::from(*id) - 1] = *s;
        }
        v
    }

    #[test]
    fn everything_met_is_gold() {
        assert_eq!(grade(&JUNE_2018, &all(Met)), Some(Grade::Gold));
    }

    #[test]
    fn one_essential_not_met_is_no_mark() {
        assert_eq!(grade(&JUNE_2018, &with(all(Met), &[(3, NotMet)])), None);
    }

    #[test]
    fn partly_met_essential_is_bronze() {
        assert_eq!(grade(&JUNE_2018, &with(all(Met), &[(24, Partly)])), Some(Grade::Bronze));
    }

    #[test]
    fn silver_needs_half_the_nice_to_haves() {
        // Nice to have: 9 10 12 17 26 31 32 33 (8). Four met is half: silver.
        let four_not = with(all(Met), &[(9, NotMet), (10, NotMet), (12, NotMet), (17, NotMet)]);
        assert_eq!(grade(&JUNE_2018, &four_not), Some(Grade::Silver));
        let five_not = with(four_not.clone(), &[(26, Partly)]);
        assert_eq!(grade(&JUNE_2018, &five_not), Some(Grade::Bronze));
    }

    #[test]
    fn gold_needs_half_the_open_principles() {
        // Open: 11 13 14 15 16 (5): three must be met.
        let two_met = with(all(Met), &[(11, NotMet), (13, NotMet), (14, NotMet)]);
        assert_eq!(grade(&JUNE_2018, &two_met), Some(Grade::Silver));
        let (target, short) = next_grade(&JUNE_2018, &two_met).unwrap();
        assert_eq!(target, Grade::Gold);
        assert_eq!(short.more_of, Some((1, vec![11, 13, 14])));
        // Not applicable principles leave the count: two of three applicable is enough.
        let fewer = with(two_met, &[(11, NotApplicable), (14, NotApplicable)]);
        assert_eq!(grade(&JUNE_2018, &fewer), Some(Grade::Gold));
    }

    #[test]
    fn no_applicable_principles_of_a_tier_satisfies_half() {
        let v = with(all(Met), &[(11, NotApplicable), (13, NotApplicable), (14, NotApplicable), (15, NotApplicable), (16, NotApplicable)]);
        assert_eq!(grade(&JUNE_2018, &v), Some(Grade::Gold));
    }

    #[test]
    fn gold_names_its_blockers_in_id_order_across_tiers() {
        // 9 is nice to have, 18 essential, 12 nice to have: the list is by id, not by tier.
        let v = with(all(Met), &[(18, Partly), (9, NotMet), (12, Partly)]);
        assert_eq!(grade(&JUNE_2018, &v), Some(Grade::Bronze));
        assert_eq!(shortfall(&JUNE_2018, &v, Grade::Gold).must_meet, vec![9, 12, 18]);
        assert_eq!(shortfall(&JUNE_2018, &v, Grade::Silver).must_meet, vec![18]);
    }

    #[test]
    fn next_grade_from_no_mark_names_the_blockers() {
        let v = with(all(Met), &[(3, NotMet), (29, NotMet)]);
        let (target, short) = next_grade(&JUNE_2018, &v).unwrap();
        assert_eq!(target, Grade::Bronze);
        assert_eq!(short.must_meet, vec![3, 29]);
        assert_eq!(next_grade(&JUNE_2018, &all(Met)), None);
    }
}
