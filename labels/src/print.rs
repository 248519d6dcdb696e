//! Files a print shop accepts, made from the label layout of [`crate::artwork`]:
//!
//! - physical sizes: SVG `width`/`height` in mm, PDF pages in points from mm with a
//!   `TrimBox` (and a `BleedBox` when there is bleed), PNGs with a `pHYs` chunk giving
//!   their resolution, so every program prints them at the size they were made for;
//! - text as outlines: a label's SVG and PDF carry the glyphs as paths (laid out from the
//!   bundled Liberation Sans, SIL OFL 1.1), so no font is needed or substituted; sticker
//!   sheets embed a subset of that font instead, once per sheet (see [`Text`]);
//! - bleed and cut marks on request ([`Finish`]);
//! - colour: sRGB throughout (the PNG says so with an `sRGB` chunk; the PDF's colours are
//!   sRGB values, written by svg2pdf). No CMYK: a print shop converts with its own profile.
//!
//! Every file is rasterised and decoded back before anything is written.

use crate::artwork::{self, Format};
use crate::failure::{Failure, Result};
use crate::files;
use crate::mark::Design;
use iotmark_core::label::Label;
use iotmark_core::qr;
use pdf_writer::{Content, Finish as _, Name, Pdf, Rect, Ref};
use std::collections::HashMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The largest bleed accepted, in millimetres.
pub const MAX_BLEED_MM: f64 = 5.0;
/// Cut marks start this far beyond the bleed (so they never print on the bleed) ...
pub const MARK_GAP_MM: f64 = 2.0;
/// ... and are this long.
pub const MARK_LEN_MM: f64 = 4.0;
/// Line width of cut marks (about 0.28 pt, a hairline that still prints).
pub const MARK_STROKE_MM: f64 = 0.1;

/// How a label is finished for the print shop: bleed around the trim, cut marks.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Finish {
    pub bleed_mm: f64,
    pub cut_marks: bool,
}

impl Finish {
    pub fn new(bleed_mm: f64, cut_marks: bool) -> Result<Finish> {
        if !(0.0..=MAX_BLEED_MM).contains(&bleed_mm) {
            return Err(Failure::input(format!("--bleed-mm {bleed_mm} is not between 0 and {MAX_BLEED_MM}")));
        }
        Ok(Finish { bleed_mm, cut_marks })
    }

    /// Space around the trim on the page: the bleed, and room for the marks.
    pub fn margin_mm(&self) -> f64 {
        if self.cut_marks {
            self.bleed_mm + MARK_GAP_MM + MARK_LEN_MM
        } else {
            self.bleed_mm
        }
    }

    pub fn is_plain(&self) -> bool {
        *self == Finish::default()
    }
}

/// Cut marks (SVG lines, user unit 1 mm) at the corners of a `w` x `h` trim at the
/// origin, outside a bleed of `bleed` mm.
pub fn cut_marks(w: f64, h: f64, bleed: f64) -> String {
    let (near, far) = (bleed + MARK_GAP_MM, bleed + MARK_GAP_MM + MARK_LEN_MM);
    let mut s = format!("<g id=\"cut-marks\" stroke=\"#000\" stroke-width=\"{MARK_STROKE_MM}\" fill=\"none\">");
    for x in [0.0, w] {
        for (y0, y1) in [(-far, -near), (h + near, h + far)] {
            let _ = write!(s, "<line x1=\"{x:.3}\" y1=\"{y0:.3}\" x2=\"{x:.3}\" y2=\"{y1:.3}\"/>");
        }
    }
    for y in [0.0, h] {
        for (x0, x1) in [(-far, -near), (w + near, w + far)] {
            let _ = write!(s, "<line x1=\"{x0:.3}\" y1=\"{y:.3}\" x2=\"{x1:.3}\" y2=\"{y:.3}\"/>");
        }
    }
    s.push_str("</g>");
    s
}

/// Nests an artwork SVG (sized in mm) at `(x, y)` of a parent whose user unit is 1 mm.
pub fn nest(svg: &str, f: &Format, x: f64, y: f64) -> String {
    let sized = format!("width=\"{}mm\" height=\"{}mm\"", f.width_mm, f.height_mm);
    svg.replacen(&sized, &format!("x=\"{x:.3}\" y=\"{y:.3}\" width=\"{}\" height=\"{}\"", f.width_mm, f.height_mm), 1)
}

/// The label's SVG on its page: unchanged when plain, otherwise on a larger page with the
/// background carried into the bleed and cut marks around it.
pub fn framed(svg: &str, f: &Format, finish: &Finish) -> String {
    if finish.is_plain() {
        return svg.to_owned();
    }
    let (m, b) = (finish.margin_mm(), finish.bleed_mm);
    let (pw, ph) = (f.width_mm + 2.0 * m, f.height_mm + 2.0 * m);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{pw:.3}mm\" height=\"{ph:.3}mm\" viewBox=\"{x:.3} {x:.3} {pw:.3} {ph:.3}\">\
         <rect width=\"{pw:.3}\" height=\"{ph:.3}\" x=\"{x:.3}\" y=\"{x:.3}\" fill=\"#fff\"/>\
         <rect x=\"{nb:.3}\" y=\"{nb:.3}\" width=\"{bw:.3}\" height=\"{bh:.3}\" fill=\"#fff\"/>",
        x = -m,
        nb = -b,
        bw = f.width_mm + 2.0 * b,
        bh = f.height_mm + 2.0 * b,
    );
    s.push_str(&nest(svg, f, 0.0, 0.0));
    if finish.cut_marks {
        s.push_str(&cut_marks(f.width_mm, f.height_mm, b));
    }
    s.push_str("</svg>\n");
    s
}

/// The page size in mm of a label with its finish.
pub fn page_mm(f: &Format, finish: &Finish) -> (f64, f64) {
    let m = finish.margin_mm();
    (f.width_mm + 2.0 * m, f.height_mm + 2.0 * m)
}

/// The tree as SVG with every text converted to paths, at its physical size in mm, with
/// the label's words kept as `<title>` and `<desc>` (for search and screen readers).
pub fn outlined_svg(tree: &resvg::usvg::Tree, page: (f64, f64), title: &str, desc: &str) -> String {
    // Coordinates to 3 decimals (1 µm: the glyphs and the symbol are laid out in mm).
    let options =
        resvg::usvg::WriteOptions { preserve_text: false, coordinates_precision: 3, transforms_precision: 6, ..Default::default() };
    let body = tree.to_string(&options);
    let (pw, ph) = (tree.size().width(), tree.size().height());
    // usvg writes the root as `<svg width="PX" height="PX" xmlns=...>` in CSS pixels,
    // with the content in those pixels: give the size in mm and a matching viewBox.
    let end = body.find('>').unwrap_or(0);
    let mut root = body[..end].to_owned();
    for (attr, mm) in [("width", page.0), ("height", page.1)] {
        if let Some(i) = root.find(&format!(" {attr}=\"")) {
            let start = i + attr.len() + 3;
            if let Some(len) = root[start..].find('"') {
                root.replace_range(start..start + len, &format!("{mm:.3}mm"));
            }
        }
    }
    format!("{root} viewBox=\"0 0 {pw} {ph}\"><title>{}</title><desc>{}</desc>{}", esc(title), esc(desc), &body[end + 1..])
}

/// Parses an outlined SVG: no fonts are loaded, as none is needed.
pub fn outlines_tree(svg: &str) -> Result<resvg::usvg::Tree> {
    resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default())
        .map_err(|e| Failure::refused(format!("the outlined artwork could not be read back: {e}")))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// How a PDF carries the text of a tree that still has text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    /// As paths (trees made from an outlined SVG have no text left anyway).
    Outlines,
    /// As text in a subset of the bundled font, embedded once per file: sheets, where 36
    /// stickers' glyph outlines would make files of megabytes and cost most of the time.
    EmbeddedFont,
}

/// A PDF of one page of `page` mm showing `tree` over the whole page, a `TrimBox` of
/// `trim` (x, y from the top left, w, h, in mm) and a `BleedBox` `bleed` mm beyond it.
pub fn pdf(tree: &resvg::usvg::Tree, page: (f64, f64), trim: (f64, f64, f64, f64), bleed: f64, text: Text) -> Result<Vec<u8>> {
    pdf_with(tree, page, trim, bleed, text, None)
}

/// [`pdf`], with `overlay` (page content, in points from the bottom left) drawn over the
/// tree.
pub fn pdf_with(
    tree: &resvg::usvg::Tree,
    page: (f64, f64),
    trim: (f64, f64, f64, f64),
    bleed: f64,
    text: Text,
    overlay: Option<Vec<u8>>,
) -> Result<Vec<u8>> {
    let options = svg2pdf::ConversionOptions { embed_text: text == Text::EmbeddedFont, ..Default::default() };
    let (chunk, svg_ref) = svg2pdf::to_chunk(tree, options).map_err(|e| Failure::refused(format!("the PDF could not be made: {e}")))?;
    let mut alloc = Ref::new(1);
    let (catalog, pages, page_id, content_id) = (alloc.bump(), alloc.bump(), alloc.bump(), alloc.bump());
    let mut map = HashMap::new();
    let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
    let svg_id = map.get(&svg_ref).copied().ok_or_else(|| Failure::refused("the PDF could not be made"))?;
    let pt = |mm: f64| (mm * 72.0 / 25.4) as f32;
    // PDF boxes count from the bottom left.
    let rect = |x: f64, y: f64, w: f64, h: f64| Rect::new(pt(x), pt(page.1 - y - h), pt(x + w), pt(page.1 - y));
    let (tx, ty, tw, th) = trim;
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page_id]).count(1);
    let mut p = pdf.page(page_id);
    p.media_box(Rect::new(0.0, 0.0, pt(page.0), pt(page.1))).parent(pages).contents(content_id);
    p.trim_box(rect(tx, ty, tw, th));
    if bleed > 0.0 {
        p.bleed_box(rect(tx - bleed, ty - bleed, tw + 2.0 * bleed, th + 2.0 * bleed));
    }
    p.resources().x_objects().pair(Name(b"S"), svg_id);
    p.finish();
    let mut content = Content::new();
    content.save_state();
    content.transform([pt(page.0), 0.0, 0.0, pt(page.1), 0.0, 0.0]).x_object(Name(b"S"));
    content.restore_state();
    let mut content = content.finish();
    if let Some(overlay) = overlay {
        content.push(b'\n');
        content.extend_from_slice(&overlay);
    }
    // Fast deflate: most of a sheet's bytes are here, and level 1 costs a fifth of level 6.
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&content, 1);
    pdf.stream(content_id, &packed).filter(pdf_writer::Filter::FlateDecode);
    pdf.extend(&chunk);
    Ok(pdf.finish())
}

/// An opaque pixmap as an 8-bit RGB PNG in sRGB with its resolution (`pHYs`, pixels per
/// metre) so that it prints at its physical size.
pub fn png(pixmap: &resvg::tiny_skia::Pixmap, dpi: f64) -> Result<Vec<u8>> {
    let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    png_bytes(pixmap.width(), pixmap.height(), png::ColorType::Rgb, &rgb, Some(dpi))
}

/// Grey pixels as an 8-bit greyscale PNG, for screens (no physical size).
pub fn png_gray(width: u32, height: u32, px: &[u8]) -> Result<Vec<u8>> {
    png_bytes(width, height, png::ColorType::Grayscale, px, None)
}

fn png_bytes(width: u32, height: u32, colour: png::ColorType, data: &[u8], dpi: Option<f64>) -> Result<Vec<u8>> {
    let fail = |e: png::EncodingError| Failure::refused(format!("the PNG could not be encoded: {e}"));
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, width, height);
    e.set_color(colour);
    e.set_depth(png::BitDepth::Eight);
    e.set_compression(png::Compression::Fast);
    e.set_source_srgb(png::SrgbRenderingIntent::Perceptual);
    if let Some(dpi) = dpi {
        let ppm = (dpi / 0.0254).round() as u32;
        e.set_pixel_dims(Some(png::PixelDimensions { xppu: ppm, yppu: ppm, unit: png::Unit::Meter }));
    }
    let mut w = e.write_header().map_err(fail)?;
    w.write_image_data(data).map_err(fail)?;
    w.finish().map_err(fail)?;
    Ok(out)
}

/// The words a label's artwork shows, for the outlined SVG's `<title>` and `<desc>`.
fn words(label: &Label, text: &str, design: &Design) -> (String, String) {
    (format!("iotmark label {}", label.id), artwork::words(label, text, design).join(" · "))
}

/// How the decode-back of each artwork is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// The full scanner over the whole image: what `sign` does.
    Scan,
    /// Sampling the symbol's known module grid from the pixels: for batches, where the
    /// full scanner runs on the first unit of every group only.
    Grid,
}

/// What to make of a label: which formats, the PNG resolution, the finish, the check,
/// and the design (language, issuer's name, brand).
#[derive(Clone, Copy, Debug)]
pub struct Making<'a> {
    pub formats: &'a [Format],
    pub dpi: f64,
    pub finish: &'a Finish,
    pub check: Check,
    pub design: &'a Design,
}

/// The files of one label: its text, the bare QR (SVG, PNG) and each format's artwork
/// (SVG, PDF, PNG), each decoded back first; nothing is written.
pub fn label_files(label: &Label, text: &str, out: &Path, stem: &str, making: &Making) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let Making { formats, dpi, finish, check, design } = *making;
    let code = qr::encode(text).map_err(|e| Failure::refused(e.to_string()))?;
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = vec![
        (out.join(format!("{stem}.txt")), format!("{text}\n").into_bytes()),
        (out.join(format!("{stem}.qr.svg")), qr::to_svg(&code).into_bytes()),
    ];
    let (side, px) = qr::to_luma(&code, 8);
    artwork::check_luma(side, side, &px, text, "the QR image")?;
    outputs.push((out.join(format!("{stem}.qr.png")), png_gray(side as u32, side as u32, &px)?));
    let (title, desc) = words(label, text, design);
    for format in formats {
        let (svg, layout) = artwork::svg(label, text, &code, format, design)?;
        let svg = framed(&svg, format, finish);
        let tree = artwork::tree(&svg)?;
        artwork::check_tree(&tree, &layout, finish.margin_mm())?;
        let pixmap = artwork::raster(&tree, dpi)?;
        let what = format!("the {} artwork at {dpi} dpi", format.name);
        match check {
            Check::Scan => artwork::check_decodes(&pixmap, text, &what)?,
            Check::Grid => check_grid(&pixmap, dpi, &layout, finish, &code, text, &what)?,
        }
        let page = page_mm(format, finish);
        let m = finish.margin_mm();
        let outlined = outlined_svg(&tree, page, &title, &desc);
        // The PDF is made from the outlined SVG: the same paths, and far fewer digits for
        // svg2pdf to write and compress than the layout's full-precision glyphs.
        let pdf = pdf(&outlines_tree(&outlined)?, page, (m, m, format.width_mm, format.height_mm), finish.bleed_mm, Text::Outlines)?;
        outputs.push((out.join(format!("{stem}-{}.svg", format.name)), outlined.into_bytes()));
        outputs.push((out.join(format!("{stem}-{}.pdf", format.name)), pdf));
        outputs.push((out.join(format!("{stem}-{}.png", format.name)), png(&pixmap, dpi)?));
    }
    Ok(outputs)
}

/// Reads the symbol back from the pixels by sampling its known module grid.
fn check_grid(
    pixmap: &resvg::tiny_skia::Pixmap,
    dpi: f64,
    layout: &artwork::Layout,
    finish: &Finish,
    code: &qr::QrCode,
    text: &str,
    what: &str,
) -> Result<()> {
    let luma = artwork::luma(pixmap);
    let frame = iotmark_core::scan::Frame::new(pixmap.width() as usize, pixmap.height() as usize, &luma)
        .map_err(|e| Failure::refused(format!("{what}: {e}")))?;
    let size = code.size() as usize;
    let module_mm = layout.module_mm;
    let m = finish.margin_mm();
    let at = layout.symbol_at(code);
    let (qx, qy) = (m + at.0, m + at.1);
    let px_per_mm = dpi / 25.4;
    let read = iotmark_core::scan::decode_grid(&frame, qx * px_per_mm, qy * px_per_mm, module_mm * px_per_mm, size);
    if read.as_deref() == Some(text) {
        return Ok(());
    }
    Err(Failure::refused(format!("{what}: the printed QR code did not read back as the label; nothing was written. Use a higher --dpi")))
}

/// Refuses a resolution outside 1 to 2400 dpi.
pub fn check_dpi(dpi: f64) -> Result<()> {
    if !(dpi > 0.0 && dpi <= 2400.0) {
        return Err(Failure::input(format!("a resolution of {dpi} dpi is not between 1 and 2400")));
    }
    Ok(())
}

/// Writes a label's files (see [`label_files`]), each atomically.
#[allow(clippy::too_many_arguments)]
pub fn write_artwork(
    label: &Label,
    text: &str,
    out: &Path,
    stem: &str,
    formats: &[Format],
    dpi: f64,
    finish: &Finish,
    design: &Design,
) -> Result<Vec<PathBuf>> {
    let outputs = label_files(label, text, out, stem, &Making { formats, dpi, finish, check: Check::Scan, design })?;
    files::create_dir(out)?;
    let mut written = Vec::new();
    for (path, bytes) in outputs {
        files::write(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}
