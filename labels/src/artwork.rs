//! The label layout. It is written once, as SVG in millimetres; [`crate::print`] makes
//! the SVG, PDF and PNG files from the same parsed tree (text as outlines), and that tree
//! is rasterised and decoded back before anything is reported as done.
//!
//! The mark, top to bottom: the three-step grade scale (bronze, silver, gold, lowest first,
//! as the scanner draws it: the current step filled in its colour, framed thick in black,
//! its word in bold, the largest text on the mark, with one to three filled stars under it),
//! the QR code, "Scan to check" with the link's address, and who checked the claims; the
//! sticker adds the serial of a per-unit label, the box panel the product, one line each on
//! lifecycle, privacy and openness, and the maker's brand in a band outside the mark's frame.
//!
//! Print rules, enforced by [`Layout::check`] and, on the laid-out glyphs, by [`check_tree`]:
//! a quiet zone of 4 modules (part of the symbol here), modules of at least
//! [`MIN_MODULE_MM`], type of at least [`typeset::MIN_TYPE_MM`] (x-height at least 1.2 mm),
//! everything at least [`MIN_MARGIN_MM`] inside the cut. Text that does not fit is refused
//! with a [`LayoutError`] naming the field; it is never cut.

use crate::failure::{Failure, Result};
use crate::mark::{Design, Words};
use crate::typeset::{self, Weight, MIN_TYPE_MM};
use iotmark_core::grade::Grade;
use iotmark_core::label::Label;
use iotmark_core::qr::{self, QrCode, QUIET_ZONE};
use iotmark_core::scan::{self, Frame, Want};
use std::fmt::{self, Write};
use std::sync::{Arc, OnceLock};

/// The smallest printed module GS1 allows for QR codes on products (0.396 mm), rounded up.
pub const MIN_MODULE_MM: f64 = 0.4;
/// The least distance from any text or graphic to the cut.
pub const MIN_MARGIN_MM: f64 = 1.0;
/// Where the layout puts its outermost boxes: a little inside the minimum, so that the
/// glyphs' real outlines (checked in [`check_tree`]) never reach it.
const INSET_MM: f64 = 1.1;

/// The grades' fills: three greys apart in greyscale print (luma 209, 171, 129 of 255, see
/// [`crate::brand::luma`]), with black text on each at a contrast of 5:1 or more.
pub fn grade_fill(g: Grade) -> &'static str {
    match g {
        Grade::Gold => "#f3d36b",
        Grade::Silver => "#a9abb0",
        Grade::Bronze => "#b8733d",
    }
}

/// A label format: its size, the largest side given to the QR code (quiet zone included),
/// and whether it is the box panel (which says more).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Format {
    pub name: &'static str,
    pub width_mm: f64,
    pub height_mm: f64,
    pub qr_mm: f64,
    /// Everything in the layout is this times its size at the format's own width.
    pub scale: f64,
    pub panel: bool,
}

/// A small sticker, 30 x 44 mm: a version 10 symbol at exactly 0.4 mm modules (26 mm),
/// the scale above it and four lines of 6.7 pt type below (40 mm held only two).
pub const STICKER: Format = Format { name: "sticker", width_mm: 30.0, height_mm: 44.0, qr_mm: 26.0, scale: 1.0, panel: false };
/// A box-panel label, 60 x 80 mm: the symbol gets what the words leave, up to 38 mm (0.58 mm
/// modules at version 10), never less than 0.4 mm modules.
pub const PANEL: Format = Format { name: "panel", width_mm: 60.0, height_mm: 80.0, qr_mm: 38.0, scale: 1.0, panel: true };

pub const FORMATS: &[Format] = &[STICKER, PANEL];

impl Format {
    /// The same layout printed `width_mm` wide (everything scales with it).
    pub fn scaled_to(&self, width_mm: f64) -> Format {
        let k = width_mm / self.width_mm;
        Format { width_mm, height_mm: self.height_mm * k, qr_mm: self.qr_mm * k, scale: self.scale * k, ..*self }
    }
}

/// A text that does not fit, or a rule the layout would break: nothing is cut, the label
/// is refused with the field to shorten.
#[derive(Clone, Debug, PartialEq)]
pub enum LayoutError {
    /// `field` (`product.name`, `issuer`, `product.serial`, or a message key) is too long.
    TooLong { field: String, format: &'static str, width_mm: f64, lang: &'static str, chars: usize, fit: usize },
    /// The words together need more height than the format has (each would fit alone):
    /// `field` is the longest of those the maker or the issuer chose.
    TooTall { field: String, format: &'static str, width_mm: f64, lang: &'static str, chars: usize, over_mm: f64 },
    /// The QR modules would be smaller than [`MIN_MODULE_MM`].
    ModulesTooSmall { format: &'static str, module_mm: f64 },
    /// A print rule the laid-out artwork breaks (type size, margin, overlap).
    Rule { format: &'static str, what: String },
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::TooLong { field, format, width_mm, lang, chars, fit } => write!(
                f,
                "{field} is too long for a {width_mm} mm {format} in {lang}: {chars} characters, at most {fit} fit at the smallest type ({:.1} pt)",
                MIN_TYPE_MM / typeset::MM_PER_PT
            ),
            LayoutError::TooTall { field, format, width_mm, lang, chars, over_mm } => write!(
                f,
                "{field} is too long for a {width_mm} mm {format} in {lang}: with its {chars} characters the words need {over_mm:.1} mm more than the {format} has, at the smallest type ({:.1} pt)",
                MIN_TYPE_MM / typeset::MM_PER_PT
            ),
            LayoutError::ModulesTooSmall { format, module_mm } => write!(
                f,
                "at the {format} size the QR modules would be {module_mm:.3} mm, below the {MIN_MODULE_MM} mm minimum: use a larger format"
            ),
            LayoutError::Rule { format, what } => write!(f, "the {format} artwork breaks a print rule: {what}"),
        }
    }
}

impl From<LayoutError> for Failure {
    fn from(e: LayoutError) -> Failure {
        Failure::refused(e.to_string())
    }
}

/// What a box holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A line of text; `vertical` reads bottom to top (the serial beside a sticker's symbol).
    Text {
        text: String,
        size: f64,
        weight: Weight,
        fill: &'static str,
        vertical: bool,
    },
    Rect {
        fill: String,
        stroke: Option<(&'static str, f64)>,
        radius: f64,
    },
    Star {
        filled: bool,
    },
    Logo {
        href: String,
    },
    Qr,
}

/// One laid-out box, in mm from the label's top left. A text's box is its line box: from
/// the font's ascender above the baseline to its descender below.
#[derive(Clone, Debug, PartialEq)]
pub struct Placed {
    pub item: Item,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The laid-out artwork of one label in one format.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub format: Format,
    pub items: Vec<Placed>,
    /// The symbol's square (quiet zone included): x, y, side.
    pub qr: (f64, f64, f64),
    /// The current step's box, filled in its grade's colour: x, y, w, h.
    pub current_step: (f64, f64, f64, f64),
    /// The QR module as laid out.
    pub module_mm: f64,
    pub words: Words,
}

/// The figures the print rules are about, as laid out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figures {
    pub smallest_type_mm: f64,
    pub smallest_x_height_mm: f64,
    pub grade_type_mm: f64,
    pub largest_other_type_mm: f64,
    pub least_margin_mm: f64,
    pub module_mm: f64,
}

/// Lays out blocks of text top to bottom within a column.
struct Column<'a> {
    items: Vec<Placed>,
    x: f64,
    width: f64,
    y: f64,
    format: &'a Format,
    lang: &'static str,
}

/// One block: a text with its field name, weight, largest and smallest size and most lines.
struct Block<'a> {
    field: &'a str,
    text: &'a str,
    weight: Weight,
    largest: f64,
    lines: usize,
}

impl Column<'_> {
    fn k(&self) -> f64 {
        self.format.scale
    }

    /// Sets a block at the largest size that fits, or refuses it naming its field.
    fn block(&mut self, b: &Block) -> std::result::Result<(), LayoutError> {
        let smallest = MIN_TYPE_MM.max(MIN_TYPE_MM * self.k().min(1.0));
        let (size, lines) =
            typeset::fit(b.text, b.weight, b.largest * self.k(), smallest, self.width, b.lines).ok_or_else(|| LayoutError::TooLong {
                field: b.field.to_owned(),
                format: self.format.name,
                width_mm: self.format.width_mm,
                lang: self.lang,
                chars: b.text.chars().count(),
                fit: typeset::chars_that_fit(b.text, b.weight, smallest, self.width, b.lines),
            })?;
        let m = typeset::metrics(b.weight);
        for line in lines {
            let w = m.width(&line, size);
            let h = (m.ascent + m.descent) * size;
            self.items.push(Placed {
                item: Item::Text { text: line, size, weight: b.weight, fill: "#000", vertical: false },
                x: self.x,
                y: self.y,
                w,
                h,
            });
            self.y += size * typeset::LEADING;
        }
        // The last line's box ends at its descender, not a full pitch below.
        self.y -= size * typeset::LEADING - (m.ascent + m.descent) * size;
        Ok(())
    }

    fn gap(&mut self, mm: f64) {
        self.y += mm * self.k();
    }
}

/// Five-pointed star polygon points, in a `size` square at (x, y).
fn star_points(x: f64, y: f64, size: f64) -> String {
    let (cx, cy, r) = (x + size / 2.0, y + size * 0.53, size / 2.0);
    (0..10)
        .map(|i| {
            let a = std::f64::consts::PI / 5.0 * f64::from(i) - std::f64::consts::FRAC_PI_2;
            let rr = if i % 2 == 0 { r } else { r * 0.45 };
            format!("{:.3},{:.3}", cx + rr * a.cos(), cy + rr * a.sin())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The scale: three steps side by side over `width`, lowest first. The other steps' words
/// are set at `small`; the current step takes the rest of the width, its word in bold as
/// large as fits up to `largest` (and always larger than any other text), stars under it.
/// Returns the current step's box and the scale's bottom.
#[allow(clippy::too_many_arguments)]
fn scale(
    col: &mut Column,
    words: &Words,
    pad: f64,
    largest: f64,
    small: f64,
    star: f64,
    larger_than: f64,
) -> std::result::Result<(f64, f64, f64, f64), LayoutError> {
    let k = col.k();
    let (pad, gap, small, star) = (pad * k, 0.35 * k, small * k, star * k);
    let regular = typeset::metrics(Weight::Regular);
    let bold = typeset::metrics(Weight::Bold);
    let others: f64 = words.scale.iter().filter(|s| !s.current).map(|s| regular.width(&s.text, small) + 2.0 * pad).sum();
    // Strokes are centred on their boxes: keep half the thickest one inside the column.
    let edge = 0.25 * k;
    let current_w = col.width - 2.0 * edge - others - 2.0 * gap;
    let current = words.scale.iter().find(|s| s.current).cloned().unwrap_or_else(|| words.scale[0].clone());
    let floor = (larger_than * k + 0.2 * k).max(small + 0.2 * k);
    let too_long = || LayoutError::TooLong {
        field: format!("grade.{}", current.grade.key()),
        format: col.format.name,
        width_mm: col.format.width_mm,
        lang: col.lang,
        chars: current.text.chars().count(),
        fit: typeset::chars_that_fit(&current.text, Weight::Bold, floor, (current_w - 2.0 * pad).max(0.0), 1),
    };
    if current_w <= 2.0 * pad {
        return Err(too_long());
    }
    // The stars beside the word, as the scanner writes "★★☆ Silver", when they fit there
    // at a size the word keeps above every other text; else under the word, smaller.
    let star_gap = 0.12;
    let inline_width = |size: f64| 3.0 * 0.72 * size + 2.0 * star_gap * 0.72 * size + 0.35 * size + bold.width(&current.text, size);
    let steps = ((largest * k - floor) / 0.05 + 1e-9).floor().max(0.0) as usize;
    let inline = (0..=steps)
        .map(|i| largest * k - 0.05 * i as f64)
        .chain([floor])
        .find(|size| *size >= floor && inline_width(*size) <= current_w - 2.0 * pad && 0.72 * size >= star);
    let (size, star) = match inline {
        Some(size) => (size, 0.72 * size),
        None => (typeset::fit(&current.text, Weight::Bold, largest * k, floor, current_w - 2.0 * pad, 1).ok_or_else(too_long)?.0, star),
    };
    let cap = 0.74 * size; // capitals and ascenders of the grade words
    let word_h = cap + bold.descent * size;
    let current_h = if inline.is_some() { pad + word_h + pad } else { pad + word_h + 0.25 * k + star + pad };
    let other_h = pad + (regular.ascent + regular.descent) * small * 0.9 + pad;
    let top = col.y + edge;
    let mut x = col.x + edge;
    let mut current_box = (0.0, 0.0, 0.0, 0.0);
    for step in &words.scale {
        if step.current {
            let b = (x, top, current_w, current_h);
            current_box = b;
            col.items.push(Placed {
                item: Item::Rect { fill: grade_fill(step.grade).to_owned(), stroke: Some(("#000", 0.5 * k)), radius: 0.6 * k },
                x: b.0,
                y: b.1,
                w: b.2,
                h: b.3,
            });
            let tw = bold.width(&step.text, size);
            let baseline = top + pad + cap;
            let stars_w = 3.0 * star + 2.0 * star_gap * star;
            let (word_x, stars_x, stars_y) = if inline.is_some() {
                let left = x + (current_w - inline_width(size)) / 2.0;
                (left + stars_w + 0.35 * size, left, baseline - cap + (cap - star) / 2.0)
            } else {
                (x + (current_w - tw) / 2.0, x + (current_w - stars_w) / 2.0, baseline + bold.descent * size + 0.25 * k)
            };
            col.items.push(Placed {
                item: Item::Text { text: step.text.clone(), size, weight: Weight::Bold, fill: "#000", vertical: false },
                x: word_x,
                y: baseline - bold.ascent * size,
                w: tw,
                h: (bold.ascent + bold.descent) * size,
            });
            for i in 0..usize::from(Grade::STEPS) {
                let sx = stars_x + i as f64 * star * (1.0 + star_gap);
                let filled = i < usize::from(step.grade.level());
                col.items.push(Placed { item: Item::Star { filled }, x: sx, y: stars_y, w: star, h: star });
            }
            x += current_w + gap;
        } else {
            let tw = regular.width(&step.text, small);
            let (w, y) = (tw + 2.0 * pad, top + (current_h - other_h) / 2.0);
            col.items.push(Placed {
                item: Item::Rect { fill: "#fff".into(), stroke: Some(("#6b6b6b", 0.25 * k)), radius: 0.5 * k },
                x,
                y,
                w,
                h: other_h,
            });
            let text_h = (regular.ascent + regular.descent) * small;
            col.items.push(Placed {
                item: Item::Text { text: step.text.clone(), size: small, weight: Weight::Regular, fill: "#333", vertical: false },
                x: x + pad,
                y: y + (other_h - text_h) / 2.0,
                w: tw,
                h: text_h,
            });
            x += w + gap;
        }
    }
    col.y = top + current_h + edge;
    Ok(current_box)
}

/// Lays out the mark of `label` (whose symbol is `code` and text `text`) in `format`.
pub fn layout(label: &Label, text: &str, code: &QrCode, format: &Format, design: &Design) -> std::result::Result<Layout, LayoutError> {
    let words = Words::of(label, text, design);
    let k = format.scale;
    let modules = f64::from(code.size() + 2 * QUIET_ZONE);
    let inset = INSET_MM.max(INSET_MM * k);
    let mut col = Column { items: Vec::new(), x: inset, width: format.width_mm - 2.0 * inset, y: inset, format, lang: design.lang };
    if format.panel {
        // The preferred sizes first; when the words leave the symbol too little room, every
        // size down to the smallest, so that long words in long languages still fit.
        let start = (col.x, col.width, col.y);
        match panel(&mut col, &words, format, design, modules, false) {
            Err(LayoutError::TooTall { .. }) => {
                (col.x, col.width, col.y) = start;
                col.items.clear();
                panel(&mut col, &words, format, design, modules, true)
            }
            other => other,
        }
    } else {
        sticker(&mut col, &words, format, modules)
    }
}

fn sticker(col: &mut Column, words: &Words, format: &Format, modules: f64) -> std::result::Result<Layout, LayoutError> {
    let k = format.scale;
    let body = MIN_TYPE_MM;
    let current = scale(col, words, 0.35, 2.9, body, 0.95, body)?;
    let side = format.qr_mm;
    check_module(format, side / modules)?;
    let inset = col.x;
    // A per-unit sticker's serial runs up beside the symbol, so the lines below keep room
    // for the scan address and who checked: the symbol moves left to make the column
    // (its quiet zone still whole, on the sticker).
    let mut qr = ((format.width_mm - side) / 2.0, col.y, side);
    if let Some(serial) = &words.serial {
        let regular = typeset::metrics(Weight::Regular);
        let line = (regular.ascent + regular.descent) * body;
        let column_x = format.width_mm - inset - line;
        qr.0 = (column_x - 0.1 * k - side).max(0.0);
        let fits = regular.width(serial, body) <= side - 0.2 * k;
        if !fits || qr.0 + f64::from(QUIET_ZONE) * side / modules < MIN_MARGIN_MM {
            return Err(LayoutError::TooLong {
                field: "product.serial".into(),
                format: format.name,
                width_mm: format.width_mm,
                lang: col.lang,
                chars: serial.chars().count(),
                fit: typeset::chars_that_fit(serial, Weight::Regular, body, side - 0.2 * k, 1),
            });
        }
        let len = regular.width(serial, body);
        col.items.push(Placed {
            item: Item::Text { text: serial.clone(), size: body, weight: Weight::Regular, fill: "#000", vertical: true },
            x: column_x,
            y: qr.1 + (side - len) / 2.0,
            w: line,
            h: len,
        });
    }
    col.y += side;
    col.block(&Block { field: "mark.scan", text: &words.scan, weight: Weight::Regular, largest: body, lines: 2 })?;
    col.gap(0.15);
    col.block(&Block { field: "issuer", text: &words.checked_by, weight: Weight::Bold, largest: body, lines: 2 })?;
    let bottom = format.height_mm - inset;
    if col.y > bottom + 1e-9 {
        return Err(overflow(col, &[("issuer", &words.checked_by), ("mark.scan", &words.scan)], col.y - bottom));
    }
    Ok(Layout {
        format: *format,
        items: std::mem::take(&mut col.items),
        qr,
        current_step: current,
        module_mm: side / modules,
        words: words.clone(),
    })
}

/// The field to shorten when the blocks together are too tall: the longest of the texts
/// the maker or the issuer chose, else the longest message.
fn overflow(col: &Column, fields: &[(&str, &str)], over_mm: f64) -> LayoutError {
    let (field, text) = fields.iter().max_by_key(|(_, t)| t.chars().count()).copied().unwrap_or(("product.name", ""));
    LayoutError::TooTall {
        field: field.to_owned(),
        format: col.format.name,
        width_mm: col.format.width_mm,
        lang: col.lang,
        chars: text.chars().count(),
        over_mm,
    }
}

fn check_module(format: &Format, module_mm: f64) -> std::result::Result<(), LayoutError> {
    if module_mm + 1e-9 < MIN_MODULE_MM {
        return Err(LayoutError::ModulesTooSmall { format: format.name, module_mm });
    }
    Ok(())
}

fn panel(
    col: &mut Column,
    words: &Words,
    format: &Format,
    design: &Design,
    modules: f64,
    compact: bool,
) -> std::result::Result<Layout, LayoutError> {
    // Preferred sizes, or (compact) the smallest that keep the grade word the largest.
    let size = |preferred: f64| if compact { MIN_TYPE_MM } else { preferred };
    let k = format.scale;
    let inset = col.x;
    let mut items = Vec::new();
    // The brand band: above the mark's frame, with a clear gap, never inside it.
    if !design.brand.is_empty() {
        let band_h = 9.0 * k;
        let fill = design.brand.colour.clone().unwrap_or_else(|| "#fff".into());
        items.push(Placed {
            item: Item::Rect { fill, stroke: Some(("#6b6b6b", 0.2 * k)), radius: 1.0 * k },
            x: inset,
            y: inset,
            w: col.width,
            h: band_h,
        });
        if let Some(logo) = &design.brand.logo {
            let h = band_h - 2.0 * k;
            let w = (h * logo.aspect).min(col.width - 2.0 * k);
            let h = w / logo.aspect;
            items.push(Placed {
                item: Item::Logo { href: logo.data_uri.clone() },
                x: inset + 1.0 * k,
                y: inset + (band_h - h) / 2.0,
                w,
                h,
            });
        }
        col.y += band_h + 2.0 * k;
    }
    // The mark's frame, and everything of the mark inside it.
    let frame_top = col.y;
    let frame_stroke = 0.35 * k;
    let pad = 1.4 * k;
    col.x += frame_stroke + pad;
    col.width -= 2.0 * (frame_stroke + pad);
    col.y += frame_stroke + pad;
    let brand_size = if compact { 2.8 } else { 3.4 };
    col.block(&Block { field: "#iotmark", text: "#iotmark", weight: Weight::Bold, largest: brand_size, lines: 1 })?;
    col.gap(0.5);
    let current = if compact {
        scale(col, words, 0.6, 4.2, MIN_TYPE_MM, 1.8, brand_size)?
    } else {
        scale(col, words, 0.7, 6.0, 2.9, 2.2, brand_size)?
    };
    col.gap(0.4);
    let qr_top = col.y;
    // The words under the symbol are laid out first, from y = 0, to learn their height.
    let mut below = Column { items: Vec::new(), x: col.x, width: col.width, y: 0.0, format, lang: col.lang };
    below.block(&Block { field: "mark.scan", text: &words.scan, weight: Weight::Regular, largest: size(2.9), lines: 2 })?;
    below.gap(0.9);
    below.block(&Block { field: "product.name", text: &words.product, weight: Weight::Bold, largest: size(3.2), lines: 2 })?;
    below.gap(0.3);
    below.block(&Block { field: "issuer", text: &words.checked_by, weight: Weight::Regular, largest: size(2.8), lines: 2 })?;
    for fact in &words.facts {
        below.gap(0.5);
        let field = format!("mark.{}", fact.key);
        below.block(&Block { field: &field, text: &fact.text, weight: Weight::Regular, largest: size(2.6), lines: 3 })?;
    }
    if let Some(serial) = &words.serial {
        below.gap(0.5);
        below.block(&Block { field: "product.serial", text: serial, weight: Weight::Regular, largest: size(2.6), lines: 1 })?;
    }
    let frame_bottom = format.height_mm - inset;
    let room = frame_bottom - frame_stroke - pad - qr_top - below.y;
    let side = room.min(format.qr_mm);
    if side / modules < MIN_MODULE_MM {
        // The words leave too little room for the symbol: the longest of them must be shorter.
        return Err(overflow(col, &[("product.name", &words.product), ("issuer", &words.checked_by)], modules * MIN_MODULE_MM - side));
    }
    let qr = ((format.width_mm - side) / 2.0, qr_top, side);
    let shift = qr_top + side;
    col.items.extend(below.items.into_iter().map(|p| Placed { y: p.y + shift, ..p }));
    let frame_h = frame_bottom - frame_top;
    items.push(Placed {
        item: Item::Rect { fill: "none".into(), stroke: Some(("#000", frame_stroke)), radius: 1.6 * k },
        x: inset + frame_stroke / 2.0,
        y: frame_top + frame_stroke / 2.0,
        w: format.width_mm - 2.0 * inset - frame_stroke,
        h: frame_h - frame_stroke,
    });
    items.append(&mut col.items);
    Ok(Layout { format: *format, items, qr, current_step: current, module_mm: side / modules, words: words.clone() })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Layout {
    /// The print rules, checked on the layout: type size and x-height, the grade word the
    /// largest text, every box at least [`MIN_MARGIN_MM`] inside the cut, the modules.
    pub fn check(&self) -> std::result::Result<Figures, LayoutError> {
        let f = &self.format;
        let rule = |what: String| LayoutError::Rule { format: f.name, what };
        let texts: Vec<(&Placed, f64, Weight)> = self
            .items
            .iter()
            .filter_map(|p| match &p.item {
                Item::Text { size, weight, .. } => Some((p, *size, *weight)),
                _ => None,
            })
            .collect();
        let smallest = texts.iter().map(|t| t.1).fold(f64::INFINITY, f64::min);
        let x_height = texts.iter().map(|t| t.1 * typeset::metrics(t.2).x_height).fold(f64::INFINITY, f64::min);
        let (cx, cy, cw, ch) = self.current_step;
        let inside = |p: &Placed| {
            let (mx, my) = (p.x + p.w / 2.0, p.y + p.h / 2.0);
            mx > cx && mx < cx + cw && my > cy && my < cy + ch
        };
        let grade = texts.iter().filter(|t| inside(t.0)).map(|t| t.1).fold(0.0, f64::max);
        let other = texts.iter().filter(|t| !inside(t.0)).map(|t| t.1).fold(0.0, f64::max);
        let mut margin = f64::INFINITY;
        for p in &self.items {
            let m = p.x.min(p.y).min(f.width_mm - p.x - p.w).min(f.height_mm - p.y - p.h);
            margin = margin.min(m);
        }
        let figures = Figures {
            smallest_type_mm: smallest,
            smallest_x_height_mm: x_height,
            grade_type_mm: grade,
            largest_other_type_mm: other,
            least_margin_mm: margin,
            module_mm: self.module_mm,
        };
        if smallest + 1e-9 < MIN_TYPE_MM || x_height + 1e-9 < typeset::MIN_X_HEIGHT_MM {
            return Err(rule(format!("type of {smallest:.2} mm (x-height {x_height:.2} mm) is below the minimum")));
        }
        if grade <= other {
            return Err(rule(format!("the grade word ({grade:.2} mm) is not the largest text ({other:.2} mm)")));
        }
        if margin + 1e-9 < MIN_MARGIN_MM {
            return Err(rule(format!("a box is {margin:.2} mm from the cut, less than {MIN_MARGIN_MM} mm")));
        }
        Ok(figures)
    }

    /// The laid-out mark as an SVG document in millimetres.
    pub fn svg(&self, code: &QrCode, title: &str) -> String {
        let f = &self.format;
        let (w, h) = (f.width_mm, f.height_mm);
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{w}mm\" height=\"{h}mm\" viewBox=\"0 0 {w} {h}\">\
             <title>{}</title><rect id=\"bg\" width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>",
            esc(title)
        );
        for (i, p) in self.items.iter().enumerate() {
            match &p.item {
                Item::Rect { fill, stroke, radius } => {
                    let stroke = stroke.map_or(String::new(), |(c, sw)| format!(" stroke=\"{c}\" stroke-width=\"{sw:.3}\""));
                    let _ = write!(
                        s,
                        "<rect x=\"{:.3}\" y=\"{:.3}\" width=\"{:.3}\" height=\"{:.3}\" rx=\"{radius:.3}\" fill=\"{fill}\"{stroke}/>",
                        p.x, p.y, p.w, p.h
                    );
                }
                Item::Text { text, size, weight, fill, vertical } => {
                    let ascent = typeset::metrics(*weight).ascent * size;
                    // A vertical line is set at the origin and turned to read upwards.
                    let (place, x, y) = if *vertical {
                        (format!(" transform=\"translate({:.3} {:.3}) rotate(-90)\"", p.x, p.y + p.h), 0.0, ascent)
                    } else {
                        (String::new(), p.x, p.y + ascent)
                    };
                    let _ = write!(
                        s,
                        "<text id=\"t{i}\"{place} x=\"{x:.3}\" y=\"{y:.3}\" font-family=\"Liberation Sans\" font-weight=\"{}\" font-size=\"{size:.3}\" fill=\"{fill}\">{}</text>",
                        weight.svg(),
                        esc(text)
                    );
                }
                Item::Star { filled } => {
                    let fill = if *filled { "#000" } else { "#fff" };
                    let _ = write!(
                        s,
                        "<polygon points=\"{}\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"{:.3}\" stroke-linejoin=\"round\"/>",
                        star_points(p.x, p.y, p.w),
                        p.w * 0.08
                    );
                }
                Item::Logo { href } => {
                    let _ = write!(
                        s,
                        "<image x=\"{:.3}\" y=\"{:.3}\" width=\"{:.3}\" height=\"{:.3}\" preserveAspectRatio=\"xMidYMid meet\" xlink:href=\"{href}\"/>",
                        p.x, p.y, p.w, p.h
                    );
                }
                Item::Qr => {}
            }
        }
        let (qx, qy, side) = self.qr;
        let module = side / f64::from(code.size() + 2 * QUIET_ZONE);
        let _ = write!(
            s,
            "<g id=\"qr\" transform=\"translate({qx:.3} {qy:.3}) scale({module:.5})\" shape-rendering=\"crispEdges\"><path fill=\"#000\" d=\"{}\"/></g>",
            qr::svg_path(code, QUIET_ZONE)
        );
        s.push_str("</svg>\n");
        s
    }

    /// The module size of the symbol `code` as laid out.
    pub fn module_mm(&self, code: &QrCode) -> f64 {
        self.qr.2 / f64::from(code.size() + 2 * QUIET_ZONE)
    }

    /// The symbol's top-left corner inside its quiet zone, in mm.
    pub fn symbol_at(&self, code: &QrCode) -> (f64, f64) {
        let q = f64::from(QUIET_ZONE) * self.module_mm(code);
        (self.qr.0 + q, self.qr.1 + q)
    }
}

/// Every word the artwork shows, line by line, uncut, in the design's language.
pub fn words(label: &Label, text: &str, design: &Design) -> Vec<String> {
    Words::of(label, text, design).all()
}

/// The label laid out, checked and written as an SVG document in millimetres.
pub fn svg(label: &Label, text: &str, code: &QrCode, format: &Format, design: &Design) -> Result<(String, Layout)> {
    let layout = layout(label, text, code, format, design)?;
    layout.check()?;
    let svg = layout.svg(code, &format!("iotmark label {}", label.id));
    Ok((svg, layout))
}

/// Checks the parsed artwork against the layout with the glyphs as laid out by the font
/// engine: every text's outlines within its line box (so no kerning or shaping made a line
/// longer than measured), and nothing at all within [`MIN_MARGIN_MM`] of the cut. `offset`
/// is where the label's top left sits on the tree's page (bleed and cut marks).
pub fn check_tree(tree: &resvg::usvg::Tree, layout: &Layout, offset: f64) -> std::result::Result<(), LayoutError> {
    let px = 96.0 / 25.4;
    let f = &layout.format;
    let rule = |what: String| LayoutError::Rule { format: f.name, what };
    let mut problems = Vec::new();
    walk(tree.root(), &mut |id, b| {
        let (x0, y0, x1, y1) = (
            f64::from(b.left()) / px - offset,
            f64::from(b.top()) / px - offset,
            f64::from(b.right()) / px - offset,
            f64::from(b.bottom()) / px - offset,
        );
        if id == "bg" || id == "cut-marks" || x1 < 0.0 || y1 < 0.0 || x0 > f.width_mm || y0 > f.height_mm {
            return;
        }
        let margin = x0.min(y0).min(f.width_mm - x1).min(f.height_mm - y1);
        if margin + 1e-6 < MIN_MARGIN_MM {
            problems.push(format!("{} is {margin:.2} mm from the cut", if id.is_empty() { "a shape" } else { id }));
        }
        if let Some(i) = id.strip_prefix('t').and_then(|n| n.parse::<usize>().ok()) {
            if let Some(p) = layout.items.get(i) {
                if x0 < p.x - 0.05 || x1 > p.x + p.w + 0.05 || y0 < p.y - 0.05 || y1 > p.y + p.h + 0.05 {
                    problems.push(format!(
                        "text {i} ({:?}) is set outside its measured box ({:.2} x {:.2} mm for {:.2} x {:.2})",
                        p.item,
                        x1 - x0,
                        y1 - y0,
                        p.w,
                        p.h
                    ));
                }
            }
        }
    });
    match problems.first() {
        Some(p) => Err(rule(p.clone())),
        None => Ok(()),
    }
}

fn is_white(paint: &resvg::usvg::Paint) -> bool {
    matches!(paint, resvg::usvg::Paint::Color(c) if (c.red, c.green, c.blue) == (255, 255, 255))
}

fn walk(group: &resvg::usvg::Group, visit: &mut dyn FnMut(&str, resvg::usvg::Rect)) {
    for node in group.children() {
        match node {
            resvg::usvg::Node::Group(g) => {
                if g.id() == "cut-marks" {
                    continue;
                }
                walk(g, visit)
            }
            resvg::usvg::Node::Text(t) => visit(t.id(), t.abs_bounding_box()),
            // White fills without a stroke print nothing (backgrounds, the bleed).
            resvg::usvg::Node::Path(p) if p.stroke().is_none() && p.fill().is_some_and(|f| is_white(f.paint())) => {}
            resvg::usvg::Node::Path(p) => visit(p.id(), p.abs_stroke_bounding_box()),
            resvg::usvg::Node::Image(i) => visit(i.id(), i.abs_bounding_box()),
        }
    }
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
