//! Sticker sheets: stickers laid out on plain A4 or US Letter paper (to be cut, with cut
//! marks on request) or on die-cut label stocks, one sticker centred on each label.
//!
//! Stocks (dimensions from the makers' templates, in mm):
//! - `avery-l7161` (A4): 18 labels of 63.5 x 46.6, 3 across and 6 down, top margin 8.7,
//!   left margin 7.2, pitch 66.0 across and 46.6 down;
//! - `avery-5163` (US Letter): 10 labels of 4 x 2 in (101.6 x 50.8), 2 across and 5 down,
//!   top margin 0.5 in, left margin 0.15625 in, pitch 4.1875 in across and 2 in down.
//!
//! The smaller address-label stocks (Avery L7160, 63.5 x 38.1; Avery 5160, 66.7 x 25.4)
//! are too short for the 30 x 44 mm sticker, whose version 10 symbol needs 26 mm at the
//! 0.4 mm minimum module: they are refused with that reason.

use crate::artwork::{self, Format};
use crate::failure::{Failure, Result};
use crate::print::{self, Finish};
use iotmark_core::issue::issue;
use iotmark_core::label::Label;
use iotmark_core::qr;
use iotmark_core::scan::{self, scan, Frame, Want};
use iotmark_core::SigningKey;

/// Plain-paper margin and the gap between stickers, in mm.
const SHEET_MARGIN_MM: f64 = 6.0;
const GAP_MM: f64 = 3.0;
const INCH: f64 = 25.4;

/// A die-cut label stock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stock {
    pub name: &'static str,
    pub paper: (f64, f64),
    pub cols: usize,
    pub rows: usize,
    /// One label's width and height.
    pub cell: (f64, f64),
    /// The top-left label's top-left corner.
    pub left: f64,
    pub top: f64,
    /// From one label's corner to the next, across and down.
    pub pitch: (f64, f64),
}

pub const STOCKS: &[Stock] = &[
    Stock { name: "avery-l7161", paper: (210.0, 297.0), cols: 3, rows: 6, cell: (63.5, 46.6), left: 7.2, top: 8.7, pitch: (66.0, 46.6) },
    Stock {
        name: "avery-5163",
        paper: (8.5 * INCH, 11.0 * INCH),
        cols: 2,
        rows: 5,
        cell: (4.0 * INCH, 2.0 * INCH),
        left: 0.15625 * INCH,
        top: 0.5 * INCH,
        pitch: (4.1875 * INCH, 2.0 * INCH),
    },
];

/// Stocks known to be too small for the sticker, with their label size.
const TOO_SMALL: &[(&str, &str)] = &[("avery-l7160", "63.5 x 38.1 mm"), ("avery-5160", "66.7 x 25.4 mm (1 x 2 5/8 in)")];

/// The sheet names `--sheet` accepts.
pub const NAMES: &str = "a4, letter, avery-l7161 (A4, 18 per sheet), avery-5163 (Letter, 10 per sheet)";

/// Where stickers go on a sheet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub page: (f64, f64),
    pub cols: usize,
    pub rows: usize,
    pub left: f64,
    pub top: f64,
    pub pitch: (f64, f64),
    pub cell: (f64, f64),
    /// Die-cut stock: no cut marks.
    pub die_cut: bool,
}

impl Layout {
    pub fn per_sheet(&self) -> usize {
        self.cols * self.rows
    }

    /// The top-left corner of sticker `i` (row by row), centred in its cell.
    pub fn sticker_at(&self, f: &Format, i: usize) -> (f64, f64) {
        let (c, r) = (i % self.cols, i / self.cols);
        (
            self.left + c as f64 * self.pitch.0 + (self.cell.0 - f.width_mm) / 2.0,
            self.top + r as f64 * self.pitch.1 + (self.cell.1 - f.height_mm) / 2.0,
        )
    }
}

fn normalise(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['_', ' '], "-")
}

/// The layout of `sheet` for stickers of format `f`: a plain paper (a grid of as many as
/// fit, or `wanted`) or a stock. Everything is checked here, before anything is made.
pub fn layout(sheet: &str, f: &Format, wanted: Option<(usize, usize)>, finish: &Finish) -> Result<Layout> {
    let name = normalise(sheet);
    let name = name.strip_prefix("avery-").map_or(name.clone(), |n| format!("avery-{n}"));
    let bare = name.trim_start_matches("avery-");
    if let Some(stock) = STOCKS.iter().find(|s| s.name == name || s.name.trim_start_matches("avery-") == bare) {
        if wanted.is_some() {
            return Err(Failure::input(format!(
                "{} is a die-cut stock with a fixed {}x{} grid: leave out --grid",
                stock.name, stock.cols, stock.rows
            )));
        }
        if finish.cut_marks || finish.bleed_mm > 0.0 {
            return Err(Failure::input(format!(
                "{} is a die-cut stock: cut marks and bleed are for plain sheets (a4, letter)",
                stock.name
            )));
        }
        if stock.cell.0 < f.width_mm + 2.0 || stock.cell.1 < f.height_mm + 2.0 {
            return Err(Failure::input(format!(
                "the {} labels are too small for a {} x {} mm sticker",
                stock.name, f.width_mm, f.height_mm
            )));
        }
        return Ok(Layout {
            page: stock.paper,
            cols: stock.cols,
            rows: stock.rows,
            left: stock.left,
            top: stock.top,
            pitch: stock.pitch,
            cell: stock.cell,
            die_cut: true,
        });
    }
    if let Some((n, size)) = TOO_SMALL.iter().find(|(n, _)| *n == name || n.trim_start_matches("avery-") == bare) {
        return Err(Failure::input(format!(
            "{n} labels are {size}: too small for the 30 x 44 mm sticker (its QR code needs 26 mm at 0.4 mm modules, and the scale and four lines of type 18 mm more); use {NAMES}"
        )));
    }
    let page = match name.as_str() {
        "a4" => (210.0, 297.0),
        "letter" | "us-letter" => (215.9, 279.4),
        _ => return Err(Failure::input(format!("{sheet:?} is not a sheet: use {NAMES}"))),
    };
    let margin = SHEET_MARGIN_MM.max(finish.margin_mm() + 1.0);
    let gap = GAP_MM.max(2.0 * finish.bleed_mm);
    let fits = |space: f64, size: f64| ((space - 2.0 * margin + gap) / (size + gap)).floor().max(0.0) as usize;
    let (max_cols, max_rows) = (fits(page.0, f.width_mm), fits(page.1, f.height_mm));
    let (cols, rows) = wanted.unwrap_or((max_cols, max_rows));
    if cols == 0 || rows == 0 || cols > max_cols || rows > max_rows {
        return Err(Failure::refused(format!(
            "a {cols}x{rows} grid of {} x {} mm stickers does not fit the sheet; at most {max_cols}x{max_rows} fit",
            f.width_mm, f.height_mm
        )));
    }
    let used = |n: usize, size: f64| n as f64 * size + (n - 1) as f64 * gap;
    Ok(Layout {
        page,
        cols,
        rows,
        left: (page.0 - used(cols, f.width_mm)) / 2.0,
        top: (page.1 - used(rows, f.height_mm)) / 2.0,
        pitch: (f.width_mm + gap, f.height_mm + gap),
        cell: (f.width_mm, f.height_mm),
        die_cut: false,
    })
}

pub fn parse_grid(s: &str) -> Result<(usize, usize)> {
    let bad = || Failure::input(format!("{s:?} is not a grid (COLUMNSxROWS, such as 6x6)"));
    let (c, r) = s.split_once('x').ok_or_else(bad)?;
    Ok((c.trim().parse().map_err(|_| bad())?, r.trim().parse().map_err(|_| bad())?))
}

/// Cut marks for a plain sheet: outside the block of stickers, in line with every
/// sticker's edges, so that a guillotine can cut each row and column.
fn sheet_marks(l: &Layout, f: &Format, bleed: f64) -> String {
    let (x0, y0) = (l.left, l.top);
    let (x1, y1) = (l.left + (l.cols - 1) as f64 * l.pitch.0 + f.width_mm, l.top + (l.rows - 1) as f64 * l.pitch.1 + f.height_mm);
    let (near, far) = (bleed + print::MARK_GAP_MM, bleed + print::MARK_GAP_MM + print::MARK_LEN_MM);
    let mut s = format!("<g id=\"cut-marks\" stroke=\"#000\" stroke-width=\"{}\" fill=\"none\">", print::MARK_STROKE_MM);
    for c in 0..l.cols {
        for x in [x0 + c as f64 * l.pitch.0, x0 + c as f64 * l.pitch.0 + f.width_mm] {
            s.push_str(&format!("<line x1=\"{x:.3}\" y1=\"{:.3}\" x2=\"{x:.3}\" y2=\"{:.3}\"/>", y0 - far, y0 - near));
            s.push_str(&format!("<line x1=\"{x:.3}\" y1=\"{:.3}\" x2=\"{x:.3}\" y2=\"{:.3}\"/>", y1 + near, y1 + far));
        }
    }
    for r in 0..l.rows {
        for y in [y0 + r as f64 * l.pitch.1, y0 + r as f64 * l.pitch.1 + f.height_mm] {
            s.push_str(&format!("<line x1=\"{:.3}\" y1=\"{y:.3}\" x2=\"{:.3}\" y2=\"{y:.3}\"/>", x0 - far, x0 - near));
            s.push_str(&format!("<line x1=\"{:.3}\" y1=\"{y:.3}\" x2=\"{:.3}\" y2=\"{y:.3}\"/>", x1 + near, x1 + far));
        }
    }
    s.push_str("</g>");
    s
}

/// Resolution at which every sticker on a sheet is rasterised and decoded back.
const CHECK_DPI: f64 = 200.0;

/// One sticker's QR symbol on a sheet: drawn by us, in the PDF as one path of rectangles
/// (one per run of dark modules, in module units) and in the check's pixels the same.
struct Symbol {
    text: String,
    size: usize,
    /// Top-left corner of the symbol (inside its quiet zone), mm from the page's top left.
    at: (f64, f64),
    module_mm: f64,
    /// (column, row, length) of each horizontal run of dark modules.
    runs: Vec<(i32, i32, i32)>,
}

fn runs(code: &qr::QrCode) -> Vec<(i32, i32, i32)> {
    let n = code.size();
    let mut out = Vec::new();
    for y in 0..n {
        let mut x = 0;
        while x < n {
            if code.get_module(x, y) {
                let start = x;
                while x < n && code.get_module(x, y) {
                    x += 1;
                }
                out.push((start, y, x - start));
            } else {
                x += 1;
            }
        }
    }
    out
}

/// The artwork without its symbol group (the sheet draws symbols itself).
fn without_symbol(svg: &str) -> String {
    match svg.find("<g id=\"qr\"") {
        Some(start) => match svg[start..].find("</g>") {
            Some(len) => format!("{}{}", &svg[..start], &svg[start + len + 4..]),
            None => svg.to_owned(),
        },
        None => svg.to_owned(),
    }
}

/// One PDF page of stickers: the labels laid out as one SVG, converted once (the font
/// subset embedded once), with the QR symbols drawn over it as rectangles in pure black
/// (DeviceGray 0: one ink), and every sticker's QR decoded back from a rasterisation of
/// the same page. Drawing the symbols ourselves, a few bytes a run, instead of having
/// svg2pdf write and compress 36 paths, halves the time a sheet takes.
pub fn sheet_pdf(
    units: &[(String, Label)],
    key: &SigningKey,
    link: Option<&str>,
    l: &Layout,
    finish: &Finish,
    design: &crate::mark::Design,
) -> Result<Vec<u8>> {
    let f = artwork::STICKER;
    let (w, h) = l.page;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}mm\" height=\"{h}mm\" viewBox=\"0 0 {w} {h}\"><rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>"
    );
    let mut symbols = Vec::with_capacity(units.len());
    for (i, (serial, label)) in units.iter().enumerate() {
        let issued = issue(label, key, link).map_err(|e| Failure::refused(format!("serial {serial}: {e}")))?;
        let code = qr::encode(&issued.text).map_err(|e| Failure::refused(e.to_string()))?;
        let (x, y) = l.sticker_at(&f, i);
        if finish.bleed_mm > 0.0 {
            let b = finish.bleed_mm;
            svg.push_str(&format!(
                "<rect x=\"{:.3}\" y=\"{:.3}\" width=\"{:.3}\" height=\"{:.3}\" fill=\"#fff\"/>",
                x - b,
                y - b,
                f.width_mm + 2.0 * b,
                f.height_mm + 2.0 * b
            ));
        }
        // Nested in a sheet whose user unit is already 1 mm: sizes in user units, not "mm".
        let (art, laid) = artwork::svg(label, &issued.text, &code, &f, design)?;
        svg.push_str(&print::nest(&without_symbol(&art), &f, x, y));
        let size = code.size() as usize;
        let module_mm = laid.module_mm;
        let inside = laid.symbol_at(&code);
        let at = (x + inside.0, y + inside.1);
        symbols.push(Symbol { text: issued.text, size, at, module_mm, runs: runs(&code) });
    }
    if finish.cut_marks && !l.die_cut {
        svg.push_str(&sheet_marks(l, &f, finish.bleed_mm));
    }
    svg.push_str("</svg>");
    let tree = artwork::tree(&svg)?;
    check_sheet(&tree, &symbols)?;
    let pt = |mm: f64| (mm * 72.0 / 25.4) as f32;
    let mut overlay = pdf_writer::Content::new();
    overlay.set_fill_gray(0.0);
    for s in &symbols {
        overlay.save_state();
        let m = pt(s.module_mm);
        overlay.transform([m, 0.0, 0.0, -m, pt(s.at.0), pt(h - s.at.1)]);
        for &(c, r, n) in &s.runs {
            overlay.rect(c as f32, r as f32, n as f32, 1.0);
        }
        overlay.fill_nonzero();
        overlay.restore_state();
    }
    print::pdf_with(&tree, l.page, (0.0, 0.0, w, h), 0.0, print::Text::EmbeddedFont, Some(overlay.finish()))
}

/// Rasterises the sheet, paints the symbols as the PDF draws them, and decodes every
/// sticker's QR from the pixels: the first with the full scanner, all of them by
/// sampling their known module grid.
fn check_sheet(tree: &resvg::usvg::Tree, symbols: &[Symbol]) -> Result<()> {
    let mut pixmap = artwork::raster(tree, CHECK_DPI)?;
    let px_per_mm = CHECK_DPI / 25.4;
    let mut black = resvg::tiny_skia::Paint::default();
    black.set_color(resvg::tiny_skia::Color::BLACK);
    black.anti_alias = false;
    for s in symbols {
        let m = s.module_mm * px_per_mm;
        for &(c, r, n) in &s.runs {
            // Whole-pixel edges, each rounded once, so that abutting runs leave no gap.
            let x0 = (s.at.0 * px_per_mm + f64::from(c) * m).round() as f32;
            let x1 = (s.at.0 * px_per_mm + f64::from(c + n) * m).round() as f32;
            let y0 = (s.at.1 * px_per_mm + f64::from(r) * m).round() as f32;
            let y1 = (s.at.1 * px_per_mm + f64::from(r + 1) * m).round() as f32;
            if let Some(rect) = resvg::tiny_skia::Rect::from_ltrb(x0, y0, x1, y1) {
                pixmap.fill_rect(rect, &black, resvg::tiny_skia::Transform::identity(), None);
            }
        }
    }
    let luma = artwork::luma(&pixmap);
    let w = pixmap.width() as usize;
    let frame = Frame::new(w, pixmap.height() as usize, &luma).map_err(|e| Failure::refused(e.to_string()))?;
    for (i, s) in symbols.iter().enumerate() {
        let m = s.module_mm * px_per_mm;
        let sampled = scan::decode_grid(&frame, s.at.0 * px_per_mm, s.at.1 * px_per_mm, m, s.size);
        let mut ok = sampled.as_deref() == Some(s.text.as_str());
        if ok && i == 0 {
            // The symbol with its quiet zone, cut out, through the full scanner.
            let quiet = f64::from(qr::QUIET_ZONE) * m;
            let side = ((s.size as f64) * m + 2.0 * quiet) as usize;
            let (x0, y0) = ((s.at.0 * px_per_mm - quiet).max(0.0) as usize, (s.at.1 * px_per_mm - quiet).max(0.0) as usize);
            let rows = y0..(y0 + side).min(pixmap.height() as usize);
            let crop: Vec<u8> = rows.flat_map(|row| luma[row * w + x0..row * w + (x0 + side).min(w)].iter().copied()).collect();
            let crop = Frame::new(side.min(w - x0), crop.len() / side.min(w - x0), &crop).map_err(|e| Failure::refused(e.to_string()))?;
            ok = scan(&crop, Want::First).iter().any(|c| c.text == s.text);
        }
        if !ok {
            return Err(Failure::refused(format!(
                "sticker {} of a sheet did not read back at {CHECK_DPI} dpi; nothing was written",
                i + 1
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stocks_hold_their_labels_and_stickers_fit() {
        for s in STOCKS {
            let right = s.left + (s.cols - 1) as f64 * s.pitch.0 + s.cell.0;
            let bottom = s.top + (s.rows - 1) as f64 * s.pitch.1 + s.cell.1;
            assert!(right < s.paper.0 && bottom <= s.paper.1 + 0.01, "{}", s.name);
            let l = layout(s.name, &artwork::STICKER, None, &Finish::default()).unwrap();
            let (x, y) = l.sticker_at(&artwork::STICKER, l.per_sheet() - 1);
            assert!(x > 0.0 && y > 0.0 && x + 30.0 < s.paper.0 && y + 40.0 < s.paper.1);
        }
        assert_eq!(layout("L7161", &artwork::STICKER, None, &Finish::default()).unwrap().per_sheet(), 18);
        assert_eq!(layout("5163", &artwork::STICKER, None, &Finish::default()).unwrap().per_sheet(), 10);
        assert!(layout("avery-l7160", &artwork::STICKER, None, &Finish::default()).unwrap_err().message.contains("too small"));
        assert!(layout("a5", &artwork::STICKER, None, &Finish::default()).unwrap_err().message.contains("avery-l7161"));
        assert_eq!(layout("a4", &artwork::STICKER, None, &Finish::default()).unwrap().per_sheet(), 36);
    }
}
