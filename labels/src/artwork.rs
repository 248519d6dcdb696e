//! The label layout. It is written once, as SVG in millimetres; [`crate::print`] makes
//! the SVG, PDF and PNG files from the same parsed tree (text as outlines), and that tree
//! is rasterised and decoded back before anything is reported as done.
//!
//! Print rules, enforced: a quiet zone of 4 modules (part of the symbol here) and modules
//! of at least [`MIN_MODULE_MM`] at the printed size.

use crate::failure::{Failure, Result};
use iotmark_core::grade::Grade;
use iotmark_core::label::{Assurance, Label};
use iotmark_core::qr::{self, QrCode, QUIET_ZONE};
use iotmark_core::scan::{self, Frame, Want};
use std::fmt::Write;
use std::sync::{Arc, OnceLock};

/// The smallest printed module GS1 allows for QR codes on products (0.396 mm), rounded up.
pub const MIN_MODULE_MM: f64 = 0.4;

/// A label format: page size and the space given to the QR code.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Format {
    pub name: &'static str,
    pub width_mm: f64,
    pub height_mm: f64,
    /// Height of the band above the symbol (mark and grade badge).
    pub band_mm: f64,
    /// Side of the square given to the symbol, quiet zone included.
    pub qr_mm: f64,
    /// Font size of the product line; other lines scale from it.
    pub text_mm: f64,
}

/// A small sticker, around 30 x 40 mm: a version 10 symbol at exactly 0.4 mm modules.
pub const STICKER: Format = Format { name: "sticker", width_mm: 30.0, height_mm: 40.0, band_mm: 6.0, qr_mm: 26.0, text_mm: 1.9 };
/// A box-panel label, 60 x 80 mm: about 0.68 mm modules at version 10.
pub const PANEL: Format = Format { name: "panel", width_mm: 60.0, height_mm: 80.0, band_mm: 12.0, qr_mm: 44.0, text_mm: 3.2 };

pub const FORMATS: &[Format] = &[STICKER, PANEL];

impl Format {
    /// The same layout printed `width_mm` wide (everything scales with it).
    pub fn scaled_to(&self, width_mm: f64) -> Format {
        let k = width_mm / self.width_mm;
        Format {
            name: self.name,
            width_mm,
            height_mm: self.height_mm * k,
            band_mm: self.band_mm * k,
            qr_mm: self.qr_mm * k,
            text_mm: self.text_mm * k,
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The badge: the grade in words, plus filled dots (3 gold, 2 silver, 1 bronze) so that
/// grades differ in black-and-white print, and a colour where colour is printed.
fn badge(grade: Grade, x: f64, y: f64, h: f64) -> String {
    let (fill, dots) = match grade {
        Grade::Gold => ("#c9a227", 3),
        Grade::Silver => ("#a8a9ad", 2),
        Grade::Bronze => ("#b0703c", 1),
    };
    let w = h * 4.6;
    let mut s = format!(
        "<g id=\"badge\"><rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" rx=\"{r:.2}\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"{sw:.2}\"/>\
         <text x=\"{tx:.2}\" y=\"{ty:.2}\" font-family=\"Liberation Sans\" font-weight=\"bold\" font-size=\"{fs:.2}\" fill=\"#000\">{word}</text>",
        r = h * 0.2,
        sw = h * 0.06,
        tx = x + h * 0.25,
        ty = y + h * 0.68,
        fs = h * 0.48,
        word = grade.key().to_uppercase()
    );
    for i in 0..3 {
        let cx = x + w - h * (0.35 + 0.42 * f64::from(i));
        let filled = 3 - i <= dots;
        let _ = write!(
            s,
            "<circle cx=\"{cx:.2}\" cy=\"{cy:.2}\" r=\"{r:.2}\" fill=\"{f}\" stroke=\"#000\" stroke-width=\"{sw:.2}\"/>",
            cy = y + h / 2.0,
            r = h * 0.14,
            f = if filled { "#000" } else { "#fff" },
            sw = h * 0.05
        );
    }
    s.push_str("</g>");
    s
}

fn assurance_words(a: Assurance) -> &'static str {
    match a {
        Assurance::SelfDeclared => "Self-declared by the maker",
        Assurance::Reviewed => "Reviewed",
        Assurance::Audited => "Audited",
    }
}

/// Fits `text` into `max` characters, with an ellipsis when cut.
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        text.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
    }
}

/// Every word the artwork shows, line by line, uncut.
pub fn words(label: &Label) -> Vec<String> {
    let p = &label.product;
    let u = label.facts.lifecycle.updates_until;
    vec![
        format!("#iotmark {}", label.grade.key().to_uppercase()),
        format!("{} {}", p.name, p.model),
        format!("Security updates until {:02}/{}", u.month(), u.year()),
        format!("{} · {}", assurance_words(label.assurance), p.maker),
        format!("Label {}", label.id),
    ]
}

/// The label as an SVG document in millimetres.
pub fn svg(label: &Label, code: &QrCode, format: &Format) -> Result<String> {
    let modules = code.size() + 2 * QUIET_ZONE;
    let module = format.qr_mm / f64::from(modules);
    if module < MIN_MODULE_MM {
        return Err(Failure::refused(format!(
            "at the {} size the QR modules would be {module:.3} mm, below the {MIN_MODULE_MM} mm minimum: use a larger format",
            format.name
        )));
    }
    let (w, h, band, t) = (format.width_mm, format.height_mm, format.band_mm, format.text_mm);
    let qr_x = (w - format.qr_mm) / 2.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}mm\" height=\"{h}mm\" viewBox=\"0 0 {w} {h}\">\
         <title>iotmark label {id}</title><rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>\
         <text x=\"{mx:.2}\" y=\"{my:.2}\" font-family=\"Liberation Sans\" font-weight=\"bold\" font-size=\"{ms:.2}\" fill=\"#000\">#iotmark</text>",
        id = label.id,
        mx = band * 0.12,
        my = band * 0.66,
        ms = band * 0.42,
    );
    s.push_str(&badge(label.grade, w - band * 0.55 * 4.6 - band * 0.12, band * 0.22, band * 0.55));
    let _ = write!(
        s,
        "<g id=\"qr\" transform=\"translate({qr_x:.3} {band:.3}) scale({module:.5})\" shape-rendering=\"crispEdges\"><path fill=\"#000\" d=\"{}\"/></g>",
        qr::svg_path(code, QUIET_ZONE)
    );
    let chars = (w / (t * 0.5)) as usize;
    let small = t * 0.8;
    let p = &label.product;
    let lines = [
        (t, "bold", fit(&format!("{} {}", p.name, p.model), chars)),
        (
            small,
            "normal",
            format!(
                "Security updates until {:02}/{}",
                label.facts.lifecycle.updates_until.month(),
                label.facts.lifecycle.updates_until.year()
            ),
        ),
        (small, "normal", fit(&format!("{} · {}", assurance_words(label.assurance), p.maker), chars + chars / 4)),
        (small, "normal", format!("Label {}", label.id)),
    ];
    let mut y = band + format.qr_mm + t * 0.2;
    for (size, weight, text) in lines {
        y += size * 1.05;
        if y > h {
            break;
        }
        let _ = write!(
            s,
            "<text x=\"{x:.2}\" y=\"{y:.2}\" font-family=\"Liberation Sans\" font-weight=\"{weight}\" font-size=\"{size:.2}\" fill=\"#000\">{}</text>",
            esc(&text),
            x = qr_x + module * f64::from(QUIET_ZONE),
        );
    }
    s.push_str("</svg>\n");
    Ok(s)
}

/// The bundled fonts, loaded once.
fn fonts() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(include_bytes!("../fonts/LiberationSans-Regular.ttf").to_vec());
        db.load_font_data(include_bytes!("../fonts/LiberationSans-Bold.ttf").to_vec());
        Arc::new(db)
    })
    .clone()
}

/// Parses artwork SVG with the bundled fonts.
pub fn tree(svg: &str) -> Result<resvg::usvg::Tree> {
    let options = resvg::usvg::Options { fontdb: fonts(), ..Default::default() };
    resvg::usvg::Tree::from_str(svg, &options).map_err(|e| Failure::refused(format!("the artwork could not be laid out: {e}")))
}

/// Rasterises the artwork at `dpi` as an opaque RGBA pixmap (white where nothing is
/// drawn), its size the physical size at `dpi` rounded to whole pixels.
pub fn raster(tree: &resvg::usvg::Tree, dpi: f64) -> Result<resvg::tiny_skia::Pixmap> {
    // The tree's size is in CSS pixels (96 per inch); scale to the requested resolution.
    let scale = dpi / 96.0;
    let (w, h) = ((f64::from(tree.size().width()) * scale).round(), (f64::from(tree.size().height()) * scale).round());
    if !(w >= 1.0 && h >= 1.0 && w * h <= 400e6) {
        return Err(Failure::refused(format!("a {w}x{h} pixel image is too large (or empty)")));
    }
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(w as u32, h as u32).ok_or_else(|| Failure::refused(format!("a {w}x{h} pixel image is too large")))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    let scale = scale as f32;
    resvg::render(tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// Grey pixels of a pixmap, for the decoder.
pub fn luma(pixmap: &resvg::tiny_skia::Pixmap) -> Vec<u8> {
    pixmap.pixels().iter().map(|p| ((77 * u32::from(p.red()) + 150 * u32::from(p.green()) + 29 * u32::from(p.blue())) >> 8) as u8).collect()
}

/// Decodes grey pixels with our own decoder and checks they read `expected`.
pub fn check_luma(width: usize, height: usize, px: &[u8], expected: &str, what: &str) -> Result<()> {
    let frame = Frame::new(width, height, px).map_err(|e| Failure::refused(format!("{what}: {e}")))?;
    let codes = scan::scan(&frame, Want::All);
    if codes.iter().any(|c| c.text == expected) {
        return Ok(());
    }
    Err(Failure::refused(format!(
        "{what}: the printed QR code did not read back as the label (found {} other codes); nothing was written",
        codes.len()
    )))
}

/// Decodes the rasterised artwork with our own decoder and checks it reads `expected`.
pub fn check_decodes(pixmap: &resvg::tiny_skia::Pixmap, expected: &str, what: &str) -> Result<()> {
    check_luma(pixmap.width() as usize, pixmap.height() as usize, &luma(pixmap), expected, what)
        .map_err(|f| Failure::refused(format!("{f}. Use a higher --dpi (300 or more)")))
}
