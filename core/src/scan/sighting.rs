//! Several codes in view: deciding which one the camera has found.
//!
//! Real packaging carries marketing QR codes beside the label, and a camera often reads
//! one of them a few frames before the label. So a label wins whenever one is in view, and
//! "not an iotmark label" is said only after the camera has seen other codes, and no
//! label, for [`PATIENCE_MS`]. Front ends feed every frame's codes (ranked by
//! [`super::rank`]) with the time, and show what [`Sighting::see`] returns.

use super::Code;
use serde::Serialize;

/// How long a camera keeps looking for a label once it sees only other codes.
pub const PATIENCE_MS: f64 = 700.0;

/// What a front end should show after a frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(tag = "kind", content = "text", rename_all = "kebab-case")]
pub enum Sighted {
    /// A label is in view: verify this text.
    Label(String),
    /// Only other codes were seen for a while: this is the first of them.
    Other(String),
    /// Nothing to show yet: keep scanning.
    Nothing,
}

/// The camera's memory of other codes seen since the last decision.
#[derive(Clone, Debug, Default)]
pub struct Sighting {
    /// When an other code was first seen, and the last time any code was.
    other: Option<(f64, f64)>,
}

impl Sighting {
    pub fn new() -> Sighting {
        Sighting::default()
    }

    /// Takes one frame's codes, seen at `now_ms` (any clock that only moves forward, in
    /// milliseconds). A gap of more than [`PATIENCE_MS`] with no code at all starts the
    /// wait again: the camera has moved on.
    pub fn see(&mut self, codes: &[Code], now_ms: f64) -> Sighted {
        if let Some(label) = codes.iter().find(|c| c.is_label()) {
            self.other = None;
            return Sighted::Label(label.text.clone());
        }
        let Some(first) = codes.first() else {
            if self.other.is_some_and(|(_, last)| now_ms - last > PATIENCE_MS) {
                self.other = None;
            }
            return Sighted::Nothing;
        };
        let (since, _) = *self.other.get_or_insert((now_ms, now_ms));
        if now_ms - since >= PATIENCE_MS {
            self.other = None;
            return Sighted::Other(first.text.clone());
        }
        self.other = Some((since, now_ms));
        Sighted::Nothing
    }

    /// A photograph is all the frames there will be: a label if it shows one, else the
    /// first other code, else nothing.
    pub fn photo(codes: &[Code]) -> Sighted {
        match codes.iter().find(|c| c.is_label()).or(codes.first()) {
            Some(c) if c.is_label() => Sighted::Label(c.text.clone()),
            Some(c) => Sighted::Other(c.text.clone()),
            None => Sighted::Nothing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Code {
        Code { bytes: text.as_bytes().to_vec(), version: 2, ..Code::of_text(text.into()) }
    }

    #[test]
    fn a_label_wins_at_once_even_beside_other_codes() {
        let mut s = Sighting::new();
        assert_eq!(s.see(&[code("https://shop.example/promo")], 0.0), Sighted::Nothing);
        let both = [code("https://shop.example/promo"), code("HTTPS://X/#IM1:123")];
        assert_eq!(s.see(&both, 100.0), Sighted::Label("HTTPS://X/#IM1:123".into()));
        assert_eq!(Sighting::photo(&both), Sighted::Label("HTTPS://X/#IM1:123".into()));
    }

    #[test]
    fn another_code_is_named_only_after_a_moment_without_a_label() {
        let mut s = Sighting::new();
        let other = [code("https://shop.example/promo")];
        assert_eq!(s.see(&other, 1000.0), Sighted::Nothing);
        assert_eq!(s.see(&[], 1300.0), Sighted::Nothing);
        assert_eq!(s.see(&other, 1600.0), Sighted::Nothing);
        assert_eq!(s.see(&other, 1000.0 + PATIENCE_MS), Sighted::Other("https://shop.example/promo".into()));
        // Decided: the wait starts again.
        assert_eq!(s.see(&other, 1800.0), Sighted::Nothing);
        assert_eq!(Sighting::photo(&other), Sighted::Other("https://shop.example/promo".into()));
        assert_eq!(Sighting::photo(&[]), Sighted::Nothing);
    }

    #[test]
    fn a_long_gap_with_nothing_in_view_starts_the_wait_again() {
        let mut s = Sighting::new();
        let other = [code("WIFI:S:shop;;")];
        assert_eq!(s.see(&other, 0.0), Sighted::Nothing);
        assert_eq!(s.see(&[], PATIENCE_MS + 1.0), Sighted::Nothing);
        assert_eq!(s.see(&other, PATIENCE_MS + 2.0), Sighted::Nothing);
        assert_eq!(s.see(&other, 2.0 * PATIENCE_MS + 2.0), Sighted::Other("WIFI:S:shop;;".into()));
    }
}
