//! Setting the mark's words in the bundled Liberation Sans: widths from the font's own
//! advance widths, lines broken at spaces, sizes chosen between a largest and a smallest
//! size. Nothing is ever cut: text that does not fit at the smallest size is refused by the
//! caller, naming the field ([`crate::artwork::LayoutError`]).
//!
//! The print rules live here as numbers: type at least [`MIN_TYPE_MM`] (6.6 pt), which in
//! this font gives an x-height of at least [`MIN_X_HEIGHT_MM`].

use std::sync::OnceLock;

/// The smallest x-height printed (the rule: 1.2 mm).
pub const MIN_X_HEIGHT_MM: f64 = 1.2;
/// The smallest type printed: 2.35 mm (6.66 pt) body size. Liberation Sans's x-height is
/// 0.519 em, so this gives 1.22 mm, above [`MIN_X_HEIGHT_MM`]; 6 pt alone would give 1.1 mm.
pub const MIN_TYPE_MM: f64 = 2.35;
/// Millimetres per point.
pub const MM_PER_PT: f64 = 25.4 / 72.0;
/// Line pitch as a multiple of the body size.
pub const LEADING: f64 = 1.1;

/// Regular or bold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

impl Weight {
    pub fn svg(self) -> &'static str {
        match self {
            Weight::Regular => "normal",
            Weight::Bold => "bold",
        }
    }
}

/// One face's metrics, in em.
pub struct Metrics {
    advances: Vec<(char, f64)>,
    missing: f64,
    /// Height of a lowercase x (OS/2 sxHeight).
    pub x_height: f64,
    /// Line box above and below the baseline (hhea ascender and descender).
    pub ascent: f64,
    pub descent: f64,
}

impl Metrics {
    fn load(data: &[u8]) -> Metrics {
        let Ok(face) = ttf_parser::Face::parse(data, 0) else {
            // The fonts are compiled in; a face that does not parse is a broken build.
            return Metrics { advances: Vec::new(), missing: 0.6, x_height: 0.519, ascent: 0.905, descent: 0.212 };
        };
        let em = f64::from(face.units_per_em());
        let advance = |c: char| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map(|a| f64::from(a) / em);
        // Latin-1 and Latin Extended-A: every letter the six languages and most names use.
        let advances =
            (' '..='\u{17f}').chain(['’', '‘', '“', '”', '–', '—', '…', '€', '·']).filter_map(|c| advance(c).map(|a| (c, a))).collect();
        Metrics {
            advances,
            missing: advance('M').unwrap_or(0.833),
            x_height: face.x_height().map_or(0.519, |x| f64::from(x) / em),
            ascent: f64::from(face.ascender()) / em,
            descent: -f64::from(face.descender()) / em,
        }
    }

    /// Width of `text` in em. Characters the table lacks count as wide as an M, so an
    /// estimate errs towards refusing, never towards overflowing.
    pub fn width_em(&self, text: &str) -> f64 {
        text.chars()
            .map(|c| match self.advances.binary_search_by(|(k, _)| k.cmp(&c)) {
                Ok(i) => self.advances[i].1,
                Err(_) => self.missing,
            })
            .sum()
    }

    pub fn width(&self, text: &str, size_mm: f64) -> f64 {
        self.width_em(text) * size_mm
    }
}

/// The metrics of the bundled fonts, read once.
pub fn metrics(weight: Weight) -> &'static Metrics {
    static REGULAR: OnceLock<Metrics> = OnceLock::new();
    static BOLD: OnceLock<Metrics> = OnceLock::new();
    match weight {
        Weight::Regular => REGULAR.get_or_init(|| sorted(Metrics::load(include_bytes!("../fonts/LiberationSans-Regular.ttf")))),
        Weight::Bold => BOLD.get_or_init(|| sorted(Metrics::load(include_bytes!("../fonts/LiberationSans-Bold.ttf")))),
    }
}

fn sorted(mut m: Metrics) -> Metrics {
    m.advances.sort_by_key(|a| a.0);
    m
}

/// Breaks `text` at spaces into lines no wider than `width` mm at `size` mm, at most
/// `max_lines` of them; `None` when it cannot (a word is wider than a line, or more lines
/// are needed). Non-breaking spaces keep their neighbours together.
pub fn wrap(text: &str, weight: Weight, size: f64, width: f64, max_lines: usize) -> Option<Vec<String>> {
    let m = metrics(weight);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
        if m.width(&candidate, size) <= width {
            line = candidate;
        } else if line.is_empty() {
            return None;
        } else {
            lines.push(std::mem::take(&mut line));
            if m.width(word, size) > width {
                return None;
            }
            line = word.to_owned();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    (lines.len() <= max_lines.max(1)).then_some(lines)
}

/// The fewest lines, and then the largest size from `largest` down to `smallest` (in steps
/// of 0.05 mm), at which `text` fits `width` in at most `max_lines` lines.
pub fn fit(text: &str, weight: Weight, largest: f64, smallest: f64, width: f64, max_lines: usize) -> Option<(f64, Vec<String>)> {
    // Fewer lines first: one line at a smaller size reads better than two at a larger.
    let steps = ((largest - smallest) / 0.05 + 1e-9).floor().max(0.0) as usize;
    let sizes = || (0..=steps).map(|i| largest - 0.05 * i as f64).filter(|s| *s > smallest).chain([smallest]);
    (1..=max_lines.max(1)).find_map(|lines| sizes().find_map(|size| wrap(text, weight, size, width, lines).map(|l| (size, l))))
}

/// How many characters of `text` (its beginning, broken at spaces as [`wrap`] breaks
/// it) fit in `lines` lines of `width` mm at `size`: for messages that say how much
/// shorter a field must be.
pub fn chars_that_fit(text: &str, weight: Weight, size: f64, width: f64, lines: usize) -> usize {
    let chars: Vec<char> = text.chars().collect();
    (0..=chars.len())
        .rev()
        .find(|&n| {
            let head: String = chars[..n].iter().collect();
            wrap(head.trim_end(), weight, size, width, lines).is_some()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_type_has_the_x_height_the_rule_asks_for() {
        let m = metrics(Weight::Regular);
        assert!((m.x_height - 0.519).abs() < 0.01, "x-height {} em", m.x_height);
        assert!(MIN_TYPE_MM * m.x_height >= MIN_X_HEIGHT_MM, "{} mm", MIN_TYPE_MM * m.x_height);
        assert!(metrics(Weight::Bold).x_height * MIN_TYPE_MM >= MIN_X_HEIGHT_MM);
    }

    #[test]
    fn lines_break_at_spaces_and_never_cut_a_word() {
        let lines = wrap("Hearth Speaker Mini HS-200", Weight::Bold, 3.0, 30.0, 2).unwrap();
        assert_eq!(lines.join(" "), "Hearth Speaker Mini HS-200");
        assert!(lines.len() == 2);
        assert!(wrap("Donaudampfschifffahrtsgesellschaft", Weight::Regular, 2.35, 20.0, 3).is_none());
        assert!(wrap("a b c d e f g h", Weight::Regular, 2.35, 3.0, 2).is_none());
        let (size, lines) = fit("Gold", Weight::Bold, 6.0, 2.35, 8.0, 1).unwrap();
        assert!(size < 6.0 && metrics(Weight::Bold).width(&lines[0], size) <= 8.0);
    }
}
