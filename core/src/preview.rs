//! A preview of the printed sticker, for makers while they fill in their assessment.
//!
//! The printed artwork is drawn by the makers' tool (`labels/src/artwork.rs`, with fonts
//! and print rules that have no place in a browser). This is a faithful sketch of its
//! sticker: the same 30 x 40 mm layout, the same words in the same order, the grade badge
//! with its dots (legible in greyscale), and the QR code of a trial signature when the
//! answers are complete. It says PREVIEW across it, so it is never taken for a label.

use crate::date::YearMonth;
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

// The sticker format of the printed label, in millimetres.
const W: f64 = 30.0;
const H: f64 = 40.0;
const BAND: f64 = 6.0;
const QR: f64 = 26.0;
const TEXT: f64 = 1.9;

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

fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
}

fn assurance_words(a: Option<Assurance>) -> &'static str {
    match a {
        Some(Assurance::SelfDeclared) => "Self-declared by the maker",
        Some(Assurance::Reviewed) => "Reviewed",
        Some(Assurance::Audited) => "Audited",
        None => "…",
    }
}

/// The sticker's lines of text, in print order: the mark and grade, the product, the
/// updates, who vouches, the label number. In English, as the sticker prints them.
pub fn words(s: &Sketch) -> Vec<String> {
    let or = |t: &str, none: &str| if t.trim().is_empty() { none.to_owned() } else { t.trim().to_owned() };
    vec![
        format!("#iotmark {}", s.grade.map_or("NO MARK YET".to_owned(), |g| g.key().to_uppercase())),
        format!("{} {}", or(&s.name, "Product"), or(&s.model, "model")),
        format!("Security updates until {}", s.updates_until.map_or("MM/YYYY".to_owned(), |u| format!("{:02}/{}", u.month(), u.year()))),
        format!("{} · {}", assurance_words(s.assurance), or(&s.maker, "Maker")),
        "Label number given at signing".to_owned(),
    ]
}

/// The badge: the grade in words and filled dots (3 gold, 2 silver, 1 bronze, none for no
/// mark), as the printed badge draws it.
fn badge(grade: Option<Grade>, x: f64, y: f64, h: f64) -> String {
    let (fill, dots, word) = match grade {
        Some(Grade::Gold) => ("#c9a227", 3, "GOLD"),
        Some(Grade::Silver) => ("#a8a9ad", 2, "SILVER"),
        Some(Grade::Bronze) => ("#b0703c", 1, "BRONZE"),
        None => ("#ffffff", 0, "—"),
    };
    let w = h * 4.6;
    let mut s = format!(
        "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" rx=\"{r:.2}\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"{sw:.2}\"/>\
         <text x=\"{tx:.2}\" y=\"{ty:.2}\" font-weight=\"bold\" font-size=\"{fs:.2}\">{word}</text>",
        r = Mm(h * 0.2),
        sw = Mm(h * 0.06),
        tx = Mm(x + h * 0.25),
        ty = Mm(y + h * 0.68),
        fs = Mm(h * 0.48),
        x = Mm(x),
        y = Mm(y),
        w = Mm(w),
        h = Mm(h),
    );
    for i in 0..3 {
        let filled = 3 - i <= dots;
        let _ = write!(
            s,
            "<circle cx=\"{cx:.2}\" cy=\"{cy:.2}\" r=\"{r:.2}\" fill=\"{f}\" stroke=\"#000\" stroke-width=\"{sw:.2}\"/>",
            cx = Mm(x + w - h * (0.35 + 0.42 * f64::from(i))),
            cy = Mm(y + h / 2.0),
            r = Mm(h * 0.14),
            f = if filled { "#000" } else { "#fff" },
            sw = Mm(h * 0.05)
        );
    }
    s
}

/// The sticker as an SVG document 30 x 40 mm in size; `code` is the QR code of a trial
/// signature, or `None` for a dashed placeholder. Any text is escaped and fitted; the
/// output is always a well-formed SVG.
pub fn sticker(s: &Sketch, code: Option<&QrCode>) -> String {
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}mm\" height=\"{H}mm\" viewBox=\"0 0 {W} {H}\" \
         font-family=\"Liberation Sans, Arial, Helvetica, sans-serif\" fill=\"#000\">\
         <rect width=\"{W}\" height=\"{H}\" fill=\"#fff\" stroke=\"#999\" stroke-width=\"0.1\"/>\
         <text x=\"{mx:.2}\" y=\"{my:.2}\" font-weight=\"bold\" font-size=\"{ms:.2}\">#iotmark</text>",
        mx = Mm(BAND * 0.12),
        my = Mm(BAND * 0.66),
        ms = Mm(BAND * 0.42),
        W = Mm(W),
        H = Mm(H),
    );
    out.push_str(&badge(s.grade, W - BAND * 0.55 * 4.6 - BAND * 0.12, BAND * 0.22, BAND * 0.55));
    let qr_x = (W - QR) / 2.0;
    let module = match code {
        Some(code) => {
            let module = QR / f64::from(code.size() + 2 * QUIET_ZONE);
            let _ = write!(
                out,
                "<g transform=\"translate({qr_x:.3} {BAND:.3}) scale({module:.5})\" shape-rendering=\"crispEdges\"><path d=\"{}\"/></g>",
                qr::svg_path(code, QUIET_ZONE),
                qr_x = Mm(qr_x),
                BAND = Mm(BAND),
                module = Mm(module),
            );
            module
        }
        None => {
            let m = QR / 65.0;
            let (x, y, side) = (qr_x + 4.0 * m, BAND + 4.0 * m, QR - 8.0 * m);
            let _ = write!(
                out,
                "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{side:.2}\" height=\"{side:.2}\" fill=\"#eee\" stroke=\"#666\" stroke-width=\"0.2\" stroke-dasharray=\"0.8 0.6\"/>\
                 <text x=\"{cx:.2}\" y=\"{cy:.2}\" font-size=\"2.4\" text-anchor=\"middle\" fill=\"#444\">QR code</text>",
                cx = Mm(W / 2.0),
                cy = Mm(BAND + QR * 0.22),
                x = Mm(x),
                y = Mm(y),
                side = Mm(side),
            );
            m
        }
    };
    let _ = write!(
        out,
        "<text x=\"{cx:.2}\" y=\"{cy:.2}\" font-size=\"4.2\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#c62828\" fill-opacity=\"0.45\" \
         transform=\"rotate(-35 {cx:.2} {cy:.2})\">PREVIEW</text>",
        cx = Mm(W / 2.0),
        cy = Mm(BAND + QR / 2.0),
    );
    let chars = (W / (TEXT * 0.5)) as usize;
    let small = TEXT * 0.8;
    let lines = words(s);
    let shown = [
        (TEXT, "bold", fit(&lines[1], chars)),
        (small, "normal", lines[2].clone()),
        (small, "normal", fit(&lines[3], chars + chars / 4)),
        (small, "normal", lines[4].clone()),
    ];
    let mut y = BAND + QR + TEXT * 0.2;
    for (size, weight, text) in shown {
        y += size * 1.05;
        let _ = write!(
            out,
            "<text x=\"{x:.2}\" y=\"{y:.2}\" font-weight=\"{weight}\" font-size=\"{size:.2}\">{}</text>",
            esc(&text),
            x = Mm(qr_x + module * f64::from(QUIET_ZONE)),
            y = Mm(y),
            size = Mm(size),
        );
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
        assert!(svg.contains("NO MARK") || svg.contains("—"));
        assert!(svg.contains("QR code") && svg.contains("PREVIEW") && svg.contains("MM/YYYY"));
    }

    #[test]
    fn text_is_escaped_and_fitted() {
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
        assert!(svg.contains("&lt;Acme &amp; Sons&gt;") && !svg.contains("<Acme"));
        assert!(svg.contains("SILVER") && svg.contains("06/2031") && svg.contains('…'));
        assert_eq!(words(&s)[2], "Security updates until 06/2031");
        assert!(svg.contains("width=\"30.00mm\"") && svg.contains("scale(0."), "{svg}");
        assert_eq!(format!("{:.3} {} {:.0}", Mm(-0.0004), Mm(2.005), Mm(12.5)), "0.000 2.01 13");
    }
}
