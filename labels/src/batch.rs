//! `iotmark batch`: one individually signed label per unit, as separate files or as PDF
//! sticker sheets, with a manifest mapping label id to serial to file.
//!
//! Atomic and resumable. Each file is written atomically (a temporary file renamed); a
//! journal (`batch.journal`) gets a line per finished unit only after its files are
//! durably on disk (one file-system sync per group of units, see
//! [`files::write_all_durably`]). A file of an unjournaled unit may be damaged by a power
//! cut; it is made again, to the same bytes, by the run that resumes.
//!
//! Made on both cores with rayon: a group of units (or a round of sheets) is made in
//! parallel, in memory, then written and journaled in order. Rayon rather than
//! `std::thread::scope` over fixed chunks because its work stealing keeps both cores busy
//! when units take uneven times (the first of each group is read back by the full
//! scanner, the others by grid sampling), and its pool is made once, not per round.
//!
//! Every argument is checked, and every unit's label made and checked, before the first
//! file is written, so that a mistyped argument leaves nothing behind. A run that is stopped
//! resumes from the journal. Label ids derive from the spec, the issuer and the serial, and
//! the issue date is fixed in `batch.json` at the first run, so a unit that was signed but
//! not written is signed again to the very same bytes; a serial in the journal is never
//! signed again.

use crate::artwork;
use crate::failure::{Failure, Result};
use crate::print::check_dpi;
use crate::print::{self, Check, Finish, Making};
use crate::registry::{self, Registry, RegistryArgs};
use crate::today;
use crate::{files, keys, serials, sheets, spec};
use clap::Args;
use iotmark_core::date::Date;
use iotmark_core::issue::issue;
use iotmark_core::label::{Label, LabelId};
use iotmark_core::SigningKey;
use rayon::prelude::*;
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
    /// CSV of serial numbers: the column headed `serial`, or the first column when no
    /// header row names one (RFC 4180 quoting; a batch's manifest.csv reads back).
    #[arg(long, conflicts_with = "count")]
    serials: Option<PathBuf>,
    /// Number of units, numbered `<prefix>000001` upwards.
    #[arg(long)]
    count: Option<u32>,
    #[arg(long, default_value = "SN-")]
    serial_prefix: String,
    /// Sticker sheets instead of separate files: a4 or letter (plain paper, to cut), or a
    /// die-cut stock: avery-l7161 (A4, 18 per sheet) or avery-5163 (Letter, 10 per sheet).
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
    /// Bleed in millimetres around each label (separate files) or sticker (plain sheets).
    #[arg(long, default_value_t = 0.0)]
    bleed_mm: f64,
    /// Cut marks: at each label's corners (separate files), or around the block of
    /// stickers in line with their edges (plain sheets).
    #[arg(long)]
    cut_marks: bool,
    #[command(flatten)]
    registry: RegistryArgs,
    #[command(flatten)]
    design: crate::mark::DesignArgs,
    #[arg(long)]
    json: bool,
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    #[serde(default)]
    pub bleed_mm: f64,
    #[serde(default)]
    pub cut_marks: bool,
    /// The language of the labels' words.
    #[serde(default = "english")]
    pub lang: String,
}

fn english() -> String {
    "en".to_owned()
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
            ("bleed_mm", self.bleed_mm == other.bleed_mm),
            ("cut_marks", self.cut_marks == other.cut_marks),
            ("lang", self.lang == other.lang),
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
        bleed_mm: a.bleed_mm,
        cut_marks: a.cut_marks,
        lang: iotmark_core::explain::shipped(&a.design.lang).unwrap_or("en").to_owned(),
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

/// Units made at a time in separate-file mode: made on every core, then written, synced
/// and journaled together.
const GROUP: usize = 96;

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
    check_dpi(a.dpi)?;
    let finish = Finish::new(a.bleed_mm, a.cut_marks)?;
    let design = a.design.design(None, a.sheet.is_none() && format.panel)?;
    let layout = match &a.sheet {
        None if a.grid.is_some() => return Err(Failure::input("--grid is for sticker sheets: give --sheet with it")),
        None => None,
        Some(sheet) => Some(sheets::layout(sheet, &artwork::STICKER, a.grid.as_deref().map(sheets::parse_grid).transpose()?, &finish)?),
    };
    let fresh = fresh_state(a, &spec_text, &key);
    let earlier = earlier_state(&a.out, &fresh)?;
    let issued = earlier.as_ref().map_or(fresh.issued, |s| s.issued);
    let seed = format!("{}\n{}", fresh.spec_sha256, fresh.kid);
    let label_of = |serial: &str| spec.label(unit_id(&seed, serial), issued, Some(serial));
    // Every unit's label is made and checked (the core's text rules on its serial) first,
    // and no two serials may share a file name.
    serials
        .par_iter()
        .try_for_each(|serial| label_of(serial)?.check().map_err(|e| Failure::input(format!("serial {serial:?}: {e}"))).map(|_| ()))?;
    if layout.is_none() {
        let mut stems: HashMap<String, &str> = HashMap::new();
        for serial in &serials {
            if let Some(other) = stems.insert(file_stem(serial), serial) {
                return Err(Failure::input(format!(
                    "serials {other:?} and {serial:?} would both be written as {}: file names keep letters, digits, - and _ only",
                    file_stem(serial)
                )));
            }
        }
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
            files::create_dir(&dir)?;
            for group in todo.chunks(GROUP) {
                // Made on every core (rayon), in order; the full scanner reads back the
                // first unit of each group, the others are read by sampling their grid.
                let made = group
                    .par_iter()
                    .enumerate()
                    .map(|(i, serial)| {
                        let label = label_of(serial)?;
                        let issued = issue(&label, &key, spec.link()).map_err(|e| Failure::refused(format!("serial {serial}: {e}")))?;
                        let stem = file_stem(serial);
                        let check = if i == 0 { Check::Scan } else { Check::Grid };
                        let outputs = print::label_files(
                            &label,
                            &issued.text,
                            &dir,
                            &stem,
                            &Making { formats: &[format], dpi: a.dpi, finish: &finish, check, design: &design },
                        )?;
                        Ok(((*serial).clone(), label.id, format!("labels/{stem}-{}.pdf", format.name), outputs))
                    })
                    .collect::<Result<Vec<_>>>()?;
                let outputs: Vec<&(PathBuf, Vec<u8>)> = made.iter().flat_map(|m| &m.3).collect();
                files::write_all_durably(&dir, &outputs)?;
                let entries: Vec<_> = made.into_iter().map(|(s, id, f, _)| (s, id, f)).collect();
                journal.record(&entries)?;
                progress.at(journal.done.len());
            }
        }
        Some(layout) => {
            let per_sheet = layout.per_sheet();
            let first_sheet = journal.done.iter().filter_map(|(_, _, f)| sheet_number(f)).max().map_or(1, |n| n + 1);
            let dir = a.out.join("sheets");
            files::create_dir(&dir)?;
            // Sheets are made on every core, a round of a few sheets per core at a time,
            // and journaled in order, so the journal always ends at a whole sheet.
            let round = 2 * rayon::current_num_threads();
            let sheets: Vec<&[&String]> = todo.chunks(per_sheet).collect();
            for (r, group) in sheets.chunks(round).enumerate() {
                let made = group
                    .par_iter()
                    .enumerate()
                    .map(|(j, chunk)| {
                        let name = format!("sheets/sheet-{:05}.pdf", first_sheet + r * round + j);
                        let units = chunk.iter().map(|s| label_of(s).map(|l| ((*s).clone(), l))).collect::<Result<Vec<_>>>()?;
                        let pdf = sheets::sheet_pdf(&units, &key, spec.link(), &layout, &finish, &design)?;
                        Ok((name, units, pdf))
                    })
                    .collect::<Result<Vec<(String, Vec<(String, Label)>, Vec<u8>)>>>()?;
                let outputs: Vec<(PathBuf, Vec<u8>)> = made.iter().map(|(name, _, pdf)| (a.out.join(name), pdf.clone())).collect();
                files::write_all_durably(&dir, &outputs.iter().collect::<Vec<_>>())?;
                for (name, units, _) in made {
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
