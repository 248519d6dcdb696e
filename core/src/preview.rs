//! A preview of the printed sticker, for makers while they fill in their assessment.
//!
//! The printed artwork is drawn by the makers' tool (`labels/src/artwork.rs`, with fonts
//! and print rules that have no place in a browser). This is a sketch of its sticker: the
//! same 30 x 44 mm format, the grade on the same three-step scale with the same fills and
//! stars, the QR code of a trial signature when the answers are complete, and the same
//! words (the core's, in English as the sticker prints them by default), wrapped and never
//! cut. It says PREVIEW across it, so it is never taken for a label.

use crate::date::YearMonth;
use crate::explain::{self, Messages};
use crate::grade::Grade;
use crate::label::Assurance;
use crate::qr::{self, QrCode, QUIET_ZONE};
use std::fmt::Write;

/// What the sticker shows, as far as it is known: empty text and `None` where the answers
/// do not say yet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sketch {
    pub maker: String,
    pub name: String,
    pub model: String,
    /// `None`: no mark (yet).
    pub grade: Option<Grade>,
    pub assurance: Option<Assurance>,
    pub updates_until: Option<YearMonth>,
}

/// A length in millimetres, written with the precision asked (`{:.2}`; 2 when none) by
/// integer arithmetic: the float formatter would be a large part of the studio's
/// WebAssembly. Lengths here are between -1000 and 1000 mm.
struct Mm(f64);

impl std::fmt::Display for Mm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = f.precision().unwrap_or(2).min(6);
        let scale = 10u64.pow(digits as u32);
        let v = (self.0 * scale as f64).round();
        let sign = if v < 0.0 { "-" } else { "" };
        let v = v.abs() as u64;
        if digits == 0 {
            write!(f, "{sign}{v}")
        } else {
            write!(f, "{sign}{}.{:0width$}", v / scale, v % scale, width = digits)
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

// The sticker format of the printed label, in millimetres (docs/labels-mark.md).
const W: f64 = 30.0;
const H: f64 = 44.0;
const MARGIN: f64 = 1.1;
const QR: f64 = 26.0;
/// The printed mark's smallest type (6.66 pt) and its line height.
const TEXT: f64 = 2.35;
const LEAD: f64 = 1.15;
/// Liberation Sans (bold) averages a little over half an em a character: lines wrap at this many.
const CHARS: usize = ((W - 2.0 * MARGIN) / (TEXT * 0.56)) as usize;

/// The print's fills for the current step: three greys apart in greyscale.
fn fill(g: Grade) -> &'static str {
    match g {
        Grade::Gold => "#f3d36b",
        Grade::Silver => "#a9abb0",
        Grade::Bronze => "#b8733d",
    }
}

/// `text` broken at spaces into lines of at most [`CHARS`] characters (a longer word
/// stands alone on its line): the sketch wraps, as the print does, and never cuts.
fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= CHARS => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// The sticker's words, in reading order: the product it is for (said, not printed), the
/// grade, the scan line and who checked, from the core's wording.
pub fn words(s: &Sketch) -> Vec<String> {
    let m = Messages::english();
    let or = |t: &str, none: &str| if t.trim().is_empty() { none.to_owned() } else { t.trim().to_owned() };
    let grade = s.grade.map_or("No mark yet".to_owned(), |g| m.say(&format!("grade.{}", g.key()), &[]));
    let checked = s.assurance.map_or("…".to_owned(), |a| explain::mark_checked_by(a, None, &m));
    let until = s.updates_until.map_or("MM/YYYY".to_owned(), |u| format!("{:02}/{}", u.month(), u.year()));
    vec![
        format!("For {} {} by {}", or(&s.name, "Product"), or(&s.model, "model"), or(&s.maker, "Maker")),
        grade,
        m.say("mark.scan.bare", &[]),
        checked,
        format!("Security updates until {until} (said when scanned)"),
    ]
}

/// The three-step scale across the top: each grade's word in a box, the current one
/// filled, framed thick and given its stars; all plain while there is no mark.
fn scale(grade: Option<Grade>) -> String {
    let m = Messages::english();
    let steps = explain::scale(grade.unwrap_or(Grade::Bronze), &m);
    let (gap, h) = (0.6, 5.4);
    let mut widths: Vec<f64> = steps.iter().map(|st| if grade.is_some() && st.current { 11.0 } else { 0.0 }).collect();
    let wide: f64 = widths.iter().sum();
    let narrow = (W - 2.0 * MARGIN - 2.0 * gap - wide) / widths.iter().filter(|w| **w == 0.0).count().max(1) as f64;
    widths.iter_mut().filter(|w| **w == 0.0).for_each(|w| *w = narrow);
    let (mut x, mut out) = (MARGIN, String::new());
    for (st, w) in steps.iter().zip(widths) {
        let current = grade.is_some() && st.current;
        let (bg, stroke, size) = if current { (fill(st.grade), 0.5, 3.0) } else { ("#fff", 0.2, 2.1) };
        let _ = write!(
            out,
            "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" rx=\"0.8\" fill=\"{bg}\" stroke=\"#000\" stroke-width=\"{stroke}\"/>\
             <text x=\"{cx:.2}\" y=\"{ty:.2}\" font-size=\"{size}\" font-weight=\"{weight}\" text-anchor=\"middle\">{word}</text>",
            x = Mm(x),
            y = Mm(MARGIN),
            w = Mm(w),
            h = Mm(h),
            cx = Mm(x + w / 2.0),
            ty = Mm(MARGIN + if current { 3.0 } else { 3.6 }),
            weight = if current { "bold" } else { "normal" },
            word = esc(&st.text),
        );
        if current {
            let stars = explain::stars(st.grade);
            let _ = write!(
                out,
                "<text x=\"{cx:.2}\" y=\"{sy:.2}\" font-size=\"1.6\" text-anchor=\"middle\">{stars}</text>",
                cx = Mm(x + w / 2.0),
                sy = Mm(MARGIN + 4.7)
            );
        }
        x += w + gap;
    }
    out
}

/// The sticker as an SVG document 30 x 44 mm in size; `code` is the QR code of a trial
/// signature, or `None` for a dashed placeholder. Any text is escaped and wrapped; the
/// output is always a well-formed SVG.
pub fn sticker(s: &Sketch, code: Option<&QrCode>) -> String {
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}mm\" height=\"{H}mm\" viewBox=\"0 0 {W} {H}\" \
         font-family=\"Liberation Sans, Arial, Helvetica, sans-serif\" fill=\"#000\">\
         <rect width=\"{W}\" height=\"{H}\" fill=\"#fff\" stroke=\"#999\" stroke-width=\"0.1\"/>",
        W = Mm(W),
        H = Mm(H),
    );
    out.push_str(&scale(s.grade));
    let (qr_x, qr_y) = ((W - QR) / 2.0, MARGIN + 5.4);
    match code {
        Some(code) => {
            let module = QR / f64::from(code.size() + 2 * QUIET_ZONE);
            let _ = write!(
                out,
                "<g transform=\"translate({qr_x:.3} {qr_y:.3}) scale({module:.5})\" shape-rendering=\"crispEdges\"><path d=\"{}\"/></g>",
                qr::svg_path(code, QUIET_ZONE),
                qr_x = Mm(qr_x),
                qr_y = Mm(qr_y),
                module = Mm(module),
            );
        }
        None => {
            let m = QR / 65.0;
            let (x, y, side) = (qr_x + 4.0 * m, qr_y + 4.0 * m, QR - 8.0 * m);
            let _ = write!(
                out,
                "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{side:.2}\" height=\"{side:.2}\" fill=\"#eee\" stroke=\"#666\" stroke-width=\"0.2\" stroke-dasharray=\"0.8 0.6\"/>\
                 <text x=\"{cx:.2}\" y=\"{cy:.2}\" font-size=\"2.4\" text-anchor=\"middle\" fill=\"#444\">QR code</text>",
                cx = Mm(W / 2.0),
                cy = Mm(qr_y + QR * 0.22),
                x = Mm(x),
                y = Mm(y),
                side = Mm(side),
            );
        }
    }
    let _ = write!(
        out,
        "<text x=\"{cx:.2}\" y=\"{cy:.2}\" font-size=\"4.2\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#c62828\" fill-opacity=\"0.45\" \
         transform=\"rotate(-35 {cx:.2} {cy:.2})\">PREVIEW</text>",
        cx = Mm(W / 2.0),
        cy = Mm(qr_y + QR / 2.0),
    );
    let lines = words(s);
    // The quiet zone's last modules are white: the words start just inside it, as printed.
    let mut y = qr_y + QR - 1.2;
    for (weight, text) in [("normal", &lines[2]), ("bold", &lines[3])] {
        for line in wrap(text) {
            y += TEXT * LEAD;
            let _ = write!(
                out,
                "<text x=\"{x:.2}\" y=\"{y:.2}\" font-weight=\"{weight}\" font-size=\"{TEXT}\">{}</text>",
                esc(&line),
                x = Mm(MARGIN),
                y = Mm(y),
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sketch_with_no_answers_draws_a_placeholder() {
        let svg = sticker(&Sketch::default(), None);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("Bronze") && svg.contains("Silver") && svg.contains("Gold") && !svg.contains('★'));
        assert!(svg.contains("QR code") && svg.contains("PREVIEW") && svg.contains("height=\"44.00mm\""));
        assert_eq!(words(&Sketch::default())[1], "No mark yet");
    }

    #[test]
    fn the_sketch_has_the_printed_marks_scale_and_words_and_never_cuts() {
        let s = Sketch {
            maker: "<Acme & Sons>".into(),
            name: "A very long product name that goes on".into(),
            model: "M\"1".into(),
            grade: Some(Grade::Silver),
            assurance: Some(Assurance::Reviewed),
            updates_until: YearMonth::new(2031, 6),
        };
        let code = qr::encode("HTTPS://IOTMARK.ORG/#TEST").unwrap();
        let svg = sticker(&s, Some(&code));
        assert!(svg.contains("#a9abb0") && svg.contains("★★☆"), "the current step filled, with its stars");
        assert!(svg.contains("Reviewed: scan to see") && !svg.contains('…'), "{svg}");
        assert!(words(&s)[0].contains("&") && !svg.contains("<Acme"));
        assert!(words(&s)[4].contains("06/2031"));
        for text in ["Scan with an iotmark scanner to check", "Self-declared by the maker, not checked"] {
            assert!(wrap(text).iter().all(|l| l.chars().count() <= CHARS) && wrap(text).join(" ") == text);
        }
        assert_eq!(format!("{:.3} {} {:.0}", Mm(-0.0004), Mm(2.005), Mm(12.5)), "0.000 2.01 13");
    }
}
