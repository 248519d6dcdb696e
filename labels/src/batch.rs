//! `iotmark batch`: one individually signed label per unit, as separate files or as PDF
//! sticker sheets, with a manifest mapping label id to serial to file.
//!
//! Atomic and resumable. Each file is written atomically; a journal (`batch.journal`) gets
//! a line per finished unit only after its file is durably on disk. A run that is stopped
//! resumes from the journal. Label ids derive from the spec, the issuer and the serial, and
//! the issue date is fixed in `batch.json` at the first run, so a unit that was signed but
//! not written is signed again to the very same bytes; a serial in the journal is never
//! signed again.

use crate::artwork::{self, Format};
use crate::commands::{today, write_artwork};
use crate::failure::{Failure, Result};
use crate::registry::{self, Registry, RegistryArgs};
use crate::{files, keys, serials, spec};
use clap::Args;
use iotmark_core::date::Date;
use iotmark_core::issue::issue;
use iotmark_core::label::{Label, LabelId};
use iotmark_core::qr;
use iotmark_core::scan::{self, scan, Frame, Want};
use iotmark_core::SigningKey;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct BatchArgs {
    /// The label spec (TOML).
    spec: PathBuf,
    /// The issuer's private key file.
    #[arg(long)]
    key: PathBuf,
    /// Output folder; running again with the same folder resumes.
    #[arg(long, short)]
    out: PathBuf,
    /// CSV of serial numbers: the first column, one per row (a header row `serial` is skipped).
    #[arg(long, conflicts_with = "count")]
    serials: Option<PathBuf>,
    /// Number of units, numbered `<prefix>000001` upwards.
    #[arg(long)]
    count: Option<u32>,
    #[arg(long, default_value = "SN-")]
    serial_prefix: String,
    /// Sticker sheets instead of separate files: a4 or letter.
    #[arg(long)]
    sheet: Option<String>,
    /// Columns x rows of stickers on a sheet; as many as fit when absent.
    #[arg(long)]
    grid: Option<String>,
    /// Label format for separate files: sticker or panel.
    #[arg(long, default_value = "sticker")]
    format: String,
    /// PNG resolution for separate files.
    #[arg(long, default_value_t = 600.0)]
    dpi: f64,
    #[command(flatten)]
    registry: RegistryArgs,
    #[arg(long)]
    json: bool,
}

/// Paper sizes in millimetres.
fn paper(name: &str) -> Result<(f64, f64)> {
    match name.to_ascii_lowercase().as_str() {
        "a4" => Ok((210.0, 297.0)),
        "letter" | "us-letter" => Ok((215.9, 279.4)),
        other => Err(Failure::input(format!("{other:?} is not a sheet size (a4, letter)"))),
    }
}

const SHEET_MARGIN_MM: f64 = 6.0;
const GAP_MM: f64 = 3.0;

/// The sticker grid on a sheet: columns, rows, and the top-left corner of the grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    pub cols: usize,
    pub rows: usize,
    pub left: f64,
    pub top: f64,
}

pub fn grid(page: (f64, f64), label: &Format, wanted: Option<(usize, usize)>) -> Result<Grid> {
    let fits = |space: f64, size: f64| ((space - 2.0 * SHEET_MARGIN_MM + GAP_MM) / (size + GAP_MM)).floor().max(0.0) as usize;
    let (max_cols, max_rows) = (fits(page.0, label.width_mm), fits(page.1, label.height_mm));
    let (cols, rows) = wanted.unwrap_or((max_cols, max_rows));
    if cols == 0 || rows == 0 || cols > max_cols || rows > max_rows {
        return Err(Failure::refused(format!(
            "a {cols}x{rows} grid of {} x {} mm stickers does not fit the sheet; at most {max_cols}x{max_rows} fit",
            label.width_mm, label.height_mm
        )));
    }
    let used = |n: usize, size: f64| n as f64 * size + (n - 1) as f64 * GAP_MM;
    Ok(Grid { cols, rows, left: (page.0 - used(cols, label.width_mm)) / 2.0, top: (page.1 - used(rows, label.height_mm)) / 2.0 })
}

fn parse_grid(s: &str) -> Result<(usize, usize)> {
    let bad = || Failure::input(format!("{s:?} is not a grid (COLUMNSxROWS, such as 6x6)"));
    let (c, r) = s.split_once('x').ok_or_else(bad)?;
    Ok((c.trim().parse().map_err(|_| bad())?, r.trim().parse().map_err(|_| bad())?))
}

fn read_serials(a: &BatchArgs) -> Result<Vec<String>> {
    match (&a.serials, a.count) {
        (Some(path), _) => Ok(serials::read(&files::read_text(path)?)
            .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?
            .into_iter()
            .map(|r| r.serial)
            .collect()),
        (None, Some(0)) => Err(Failure::input("--count 0: there are no serial numbers to sign")),
        (None, Some(n)) => Ok((1..=n).map(|i| format!("{}{i:06}", a.serial_prefix)).collect()),
        (None, None) => Err(Failure::input("give --serials FILE.csv or --count N")),
    }
}

/// The batch's fixed parameters, kept in `batch.json` so that a resumed run signs the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchState {
    /// SHA-256 of the spec file's bytes, in hex.
    pub spec_sha256: String,
    /// The issuer key's id, in hex.
    pub kid: String,
    /// The issue date of every label of the batch, fixed at the first run.
    pub issued: Date,
    pub sheet: Option<String>,
    pub grid: Option<String>,
    pub format: String,
}

impl BatchState {
    /// The first field in which `self` (from an earlier run) and `other` differ, if any.
    pub fn differs_from(&self, other: &BatchState) -> Option<&'static str> {
        [
            ("spec_sha256", self.spec_sha256 == other.spec_sha256),
            ("kid", self.kid == other.kid),
            ("sheet", self.sheet == other.sheet),
            ("grid", self.grid == other.grid),
            ("format", self.format == other.format),
        ]
        .into_iter()
        .find(|(_, same)| !same)
        .map(|(field, _)| field)
    }
}

fn fresh_state(a: &BatchArgs, spec_text: &str, key: &SigningKey) -> BatchState {
    BatchState {
        spec_sha256: keys::hex(&Sha256::digest(spec_text.as_bytes())),
        kid: keys::hex(&iotmark_core::wire::cose::key_id(&key.verifying_key())),
        issued: today(),
        sheet: a.sheet.clone(),
        grid: a.grid.clone(),
        format: a.format.clone(),
    }
}

/// The state of an earlier run in `out`, if any, refused when it was made differently.
fn earlier_state(out: &Path, fresh: &BatchState) -> Result<Option<BatchState>> {
    let path = out.join("batch.json");
    if !path.exists() {
        return Ok(None);
    }
    let old: BatchState =
        serde_json::from_str(&files::read_text(&path)?).map_err(|e| Failure::input(format!("{} is damaged: {e}", path.display())))?;
    if let Some(field) = old.differs_from(fresh) {
        return Err(Failure::refused(format!("{} holds a batch made with another {field}; use a new output folder", out.display())));
    }
    Ok(Some(old))
}

/// A unit's label id: the same for the same spec, issuer and serial, so resuming re-signs nothing new.
fn unit_id(seed: &str, serial: &str) -> LabelId {
    let h = Sha256::digest(format!("iotmark batch label id\n{seed}\n{serial}"));
    LabelId(u64::from_be_bytes(h[..8].try_into().unwrap_or([0; 8])))
}

struct Journal {
    file: std::fs::File,
    path: PathBuf,
    done: Vec<(String, LabelId, String)>,
}

impl Journal {
    fn open(path: PathBuf) -> Result<Journal> {
        let text = if path.exists() { files::read_text(&path)? } else { String::new() };
        let done = text
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?.to_owned(), f.next()?.parse().ok()?, f.next()?.to_owned()))
            })
            .collect();
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| Failure::output(&path, &e))?;
        Ok(Journal { file, path, done })
    }

    fn record(&mut self, entries: &[(String, LabelId, String)]) -> Result<()> {
        let text: String = entries.iter().map(|(s, id, f)| format!("{s}\t{id}\t{f}\n")).collect();
        self.file.write_all(text.as_bytes()).and_then(|_| self.file.sync_data()).map_err(|e| Failure::output(&self.path, &e))?;
        self.done.extend_from_slice(entries);
        Ok(())
    }
}

struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    last_line: usize,
}

impl Progress {
    fn new(total: usize, done: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(total as u64);
            b.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} labels, {per_sec}, {eta} left")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_position(done as u64);
            b
        });
        Progress { bar, total, last_line: done }
    }

    fn at(&mut self, done: usize) {
        match &self.bar {
            Some(b) => b.set_position(done as u64),
            None if done == self.total || done >= self.last_line + self.total.div_ceil(20).max(1) => {
                eprintln!("iotmark batch: {done}/{} labels", self.total);
                self.last_line = done;
            }
            None => {}
        }
    }

    fn complete(&self) {
        if let Some(b) = &self.bar {
            b.finish();
        }
    }
}

pub fn run(a: &BatchArgs) -> Result<i32> {
    // Every argument is checked before anything is written, so that a mistyped one leaves
    // nothing behind that would refuse the corrected run.
    let spec_text = files::read_text(&a.spec)?;
    let spec = spec::parse(&spec_text, &a.spec)?;
    let key = keys::read_secret(&a.key)?;
    let serials = read_serials(a)?;
    let registry = Registry::from_args(&a.registry)?;
    let format = artwork::FORMATS
        .iter()
        .copied()
        .find(|f| f.name == a.format)
        .ok_or_else(|| Failure::input(format!("{:?} is not a format (sticker, panel)", a.format)))?;
    let layout = match &a.sheet {
        None => None,
        Some(sheet) => {
            let page = paper(sheet)?;
            Some((page, grid(page, &artwork::STICKER, a.grid.as_deref().map(parse_grid).transpose()?)?))
        }
    };
    if a.sheet.is_none() && a.grid.is_some() {
        return Err(Failure::input("--grid is for sticker sheets: give --sheet a4 or --sheet letter with it"));
    }
    let fresh = fresh_state(a, &spec_text, &key);
    let earlier = earlier_state(&a.out, &fresh)?;
    let issued = earlier.as_ref().map_or(fresh.issued, |s| s.issued);
    let seed = format!("{}\n{}", fresh.spec_sha256, fresh.kid);
    let label_of = |serial: &str| spec.label(unit_id(&seed, serial), issued, Some(serial));
    // Every unit's label is made and checked (the core's text rules on its serial) first.
    for serial in &serials {
        label_of(serial)?.check().map_err(|e| Failure::input(format!("serial {serial:?}: {e}")))?;
    }
    files::create_dir(&a.out)?;
    // A run that was killed may have left temporary files; they never became outputs.
    for dir in [a.out.clone(), a.out.join("labels"), a.out.join("sheets")] {
        files::remove_partials(&dir);
    }
    if earlier.is_none() {
        files::write(&a.out.join("batch.json"), serde_json::to_string_pretty(&fresh).unwrap_or_default().as_bytes())?;
    }
    let mut journal = Journal::open(a.out.join("batch.journal"))?;
    let done: HashSet<String> = journal.done.iter().map(|(s, _, _)| s.clone()).collect();
    let todo: Vec<&String> = serials.iter().filter(|s| !done.contains(*s)).collect();
    let mut progress = Progress::new(serials.len(), serials.len() - todo.len());
    match layout {
        None => {
            let dir = a.out.join("labels");
            for serial in todo {
                let label = label_of(serial)?;
                let issued = issue(&label, &key, spec.link()).map_err(|e| Failure::refused(format!("serial {serial}: {e}")))?;
                let stem = file_stem(serial);
                write_artwork(&label, &issued.text, &dir, &stem, &[format], a.dpi)?;
                journal.record(&[(serial.clone(), label.id, format!("labels/{stem}-{}.pdf", format.name))])?;
                progress.at(journal.done.len());
            }
        }
        Some((page, grid)) => {
            let per_sheet = grid.cols * grid.rows;
            let first_sheet = journal.done.iter().filter_map(|(_, _, f)| sheet_number(f)).max().map_or(1, |n| n + 1);
            let dir = a.out.join("sheets");
            files::create_dir(&dir)?;
            // Sheets are made on every core, a round of one sheet per core at a time, and
            // journaled in order, so the journal always ends at a whole sheet.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let sheets: Vec<&[&String]> = todo.chunks(per_sheet).collect();
            for (round, group) in sheets.chunks(threads).enumerate() {
                let made: Vec<Result<Sheet>> = std::thread::scope(|scope| {
                    let handles: Vec<_> = group
                        .iter()
                        .enumerate()
                        .map(|(j, chunk)| {
                            let (key, spec, label_of, out) = (&key, &spec, &label_of, &a.out);
                            scope.spawn(move || {
                                let name = format!("sheets/sheet-{:05}.pdf", first_sheet + round * threads + j);
                                let units = chunk.iter().map(|s| label_of(s).map(|l| ((*s).clone(), l))).collect::<Result<Vec<_>>>()?;
                                files::write(&out.join(&name), &sheet_pdf(&units, key, spec.link(), page, &grid)?)?;
                                Ok((name, units))
                            })
                        })
                        .collect();
                    handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(Failure::refused("a sheet worker failed")))).collect()
                });
                for sheet in made {
                    let (name, units) = sheet?;
                    let entries: Vec<_> = units.iter().map(|(s, l)| (s.clone(), l.id, name.clone())).collect();
                    journal.record(&entries)?;
                    progress.at(journal.done.len());
                }
            }
        }
    }
    progress.complete();
    write_manifests(&a.out, &journal.done)?;
    if let Some(r) = &registry {
        register(r, &a.out, &journal.done, |serial| {
            issue(&label_of(serial)?, &key, spec.link()).map(|i| i.text).map_err(|e| Failure::refused(format!("serial {serial}: {e}")))
        })?;
    }
    let sheets = journal.done.iter().filter_map(|(_, _, f)| sheet_number(f)).collect::<HashSet<_>>().len();
    if a.json {
        println!("{}", json!({"labels": journal.done.len(), "sheets": sheets, "manifest": a.out.join("manifest.csv")}));
    } else {
        println!(
            "{} labels in {} ({} sheets); manifest: {}",
            journal.done.len(),
            a.out.display(),
            sheets,
            a.out.join("manifest.csv").display()
        );
    }
    Ok(0)
}

/// A written sheet: its file, and the serials and labels on it.
type Sheet = (String, Vec<(String, Label)>);

/// Registers the journal's labels that are not registered yet, [`registry::BATCH`] a
/// request, counting the registered ones in `batch.registered` so that a rerun after a
/// failure goes on where it stopped. Signing is deterministic, so each label's text is
/// made again from its serial rather than kept.
fn register(r: &Registry, out: &Path, done: &[(String, LabelId, String)], text_of: impl Fn(&str) -> Result<String>) -> Result<()> {
    let counter = out.join("batch.registered");
    let mut registered: usize = std::fs::read_to_string(&counter).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    for chunk in done.get(registered..).unwrap_or_default().chunks(registry::BATCH) {
        let texts = chunk.iter().map(|(serial, _, _)| text_of(serial)).collect::<Result<Vec<_>>>()?;
        r.register(&texts).map_err(|f| Failure {
            message: format!("{f} ({registered} of {} labels registered; run the same command again to go on)", done.len()),
            code: f.code,
        })?;
        registered += chunk.len();
        files::write(&counter, format!("{registered}\n").as_bytes())?;
    }
    Ok(())
}

fn sheet_number(file: &str) -> Option<usize> {
    file.strip_prefix("sheets/sheet-")?.strip_suffix(".pdf")?.parse().ok()
}

/// A file name for a serial: letters, digits, `-` and `_` kept, anything else replaced.
fn file_stem(serial: &str) -> String {
    serial.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect()
}

fn write_manifests(out: &Path, done: &[(String, LabelId, String)]) -> Result<()> {
    let ids: Vec<String> = done.iter().map(|(_, id, _)| id.to_string()).collect();
    let csv = serials::write(&["label_id", "serial", "file"], done.iter().zip(&ids).map(|((s, _, f), id)| vec![id.as_str(), s, f]));
    files::write(&out.join("manifest.csv"), csv.as_bytes())?;
    let rows: Vec<_> = done.iter().map(|(s, id, f)| json!({"label_id": id.to_string(), "serial": s, "file": f})).collect();
    files::write(&out.join("manifest.json"), serde_json::to_string_pretty(&rows).unwrap_or_default().as_bytes())
}

/// Resolution at which every sticker on a sheet is rasterised and decoded back.
const CHECK_DPI: f64 = 200.0;

/// One PDF page of stickers: the labels laid out as one SVG, converted once (fonts
/// embedded once per sheet), and every sticker's QR decoded back from a rasterisation.
fn sheet_pdf(units: &[(String, Label)], key: &SigningKey, link: Option<&str>, page: (f64, f64), grid: &Grid) -> Result<Vec<u8>> {
    let f = artwork::STICKER;
    let mut svg = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}mm\" height=\"{h}mm\" viewBox=\"0 0 {w} {h}\"><rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>", w = page.0, h = page.1);
    let mut texts = Vec::with_capacity(units.len());
    for (i, (serial, label)) in units.iter().enumerate() {
        let issued = issue(label, key, link).map_err(|e| Failure::refused(format!("serial {serial}: {e}")))?;
        let code = qr::encode(&issued.text).map_err(|e| Failure::refused(e.to_string()))?;
        let (x, y) = cell(grid, &f, i);
        let inner = artwork::svg(label, &code, &f)?;
        // Nested in a sheet whose user unit is already 1 mm: sizes in user units, not "mm".
        let sized = format!("width=\"{}mm\" height=\"{}mm\"", f.width_mm, f.height_mm);
        let nested = inner.replacen(&sized, &format!("x=\"{x:.3}\" y=\"{y:.3}\" width=\"{}\" height=\"{}\"", f.width_mm, f.height_mm), 1);
        svg.push_str(&nested);
        texts.push((issued.text, code.size() as usize));
    }
    svg.push_str("</svg>");
    let tree = artwork::tree(&svg)?;
    check_sheet(&tree, grid, &texts)?;
    let (chunk, svg_ref) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
        .map_err(|e| Failure::refused(format!("the PDF could not be made: {e}")))?;
    let mut alloc = Ref::new(1);
    let (catalog, pages, page_id, content_id) = (alloc.bump(), alloc.bump(), alloc.bump(), alloc.bump());
    let mut map = HashMap::new();
    let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
    let svg_id = map.get(&svg_ref).copied().ok_or_else(|| Failure::refused("the PDF could not be made"))?;
    let pt = |mm: f64| (mm * 72.0 / 25.4) as f32;
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page_id]).count(1);
    let mut p = pdf.page(page_id);
    p.media_box(Rect::new(0.0, 0.0, pt(page.0), pt(page.1))).parent(pages).contents(content_id);
    p.resources().x_objects().pair(Name(b"S"), svg_id);
    p.finish();
    let mut content = Content::new();
    content.transform([pt(page.0), 0.0, 0.0, pt(page.1), 0.0, 0.0]).x_object(Name(b"S"));
    pdf.stream(content_id, &content.finish());
    pdf.extend(&chunk);
    Ok(pdf.finish())
}

fn cell(grid: &Grid, f: &Format, i: usize) -> (f64, f64) {
    let (c, r) = (i % grid.cols, i / grid.cols);
    (grid.left + c as f64 * (f.width_mm + GAP_MM), grid.top + r as f64 * (f.height_mm + GAP_MM))
}

/// Rasterises the sheet and decodes every sticker's QR from the pixels: the first with
/// the full scanner, all of them by sampling their known module grid.
fn check_sheet(tree: &resvg::usvg::Tree, grid: &Grid, codes: &[(String, usize)]) -> Result<()> {
    let pixmap = artwork::raster(tree, CHECK_DPI)?;
    let luma = artwork::luma(&pixmap);
    let (w, h) = (pixmap.width() as usize, pixmap.height() as usize);
    let frame = Frame::new(w, h, &luma).map_err(|e| Failure::refused(e.to_string()))?;
    let px_per_mm = CHECK_DPI / 25.4;
    let f = artwork::STICKER;
    for (i, (text, size)) in codes.iter().enumerate() {
        let (x, y) = cell(grid, &f, i);
        let module_mm = f.qr_mm / (*size + 2 * qr::QUIET_ZONE as usize) as f64;
        let (qx, qy) = (x + (f.width_mm - f.qr_mm) / 2.0, y + f.band_mm);
        let quiet = f64::from(qr::QUIET_ZONE) * module_mm;
        let sampled = scan::decode_grid(&frame, (qx + quiet) * px_per_mm, (qy + quiet) * px_per_mm, module_mm * px_per_mm, *size);
        let mut ok = sampled.as_deref() == Some(text.as_str());
        if ok && i == 0 {
            let side = (f.qr_mm * px_per_mm) as usize;
            let (x0, y0) = ((qx * px_per_mm) as usize, (qy * px_per_mm) as usize);
            let crop: Vec<u8> = (y0..y0 + side).flat_map(|row| luma[row * w + x0..row * w + x0 + side].iter().copied()).collect();
            let crop = Frame::new(side, side, &crop).map_err(|e| Failure::refused(e.to_string()))?;
            ok = scan(&crop, Want::First).iter().any(|c| &c.text == text);
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
