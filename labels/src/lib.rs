//! The iotmark makers' tool as a library: the `iotmark` binary (`main.rs`) is its command
//! line, and fuzz targets and tests call the same code.
//!
//! - [`spec`]: the label spec (TOML) a maker writes, parsed and checked;
//! - [`serials`]: the batch CSV of serial numbers, read with the `csv` crate;
//! - one module per command: [`keygen`], [`assess`], [`check`], [`sign`], [`batch`],
//!   [`verify`], [`scan`], [`lists`] (trust and revoke), [`demo`];
//! - [`mark`]: what the printed mark says, in six languages, from the core's language
//!   files; [`typeset`]: the font's metrics, line breaking and the type-size rule;
//!   [`brand`]: the maker's colour and logo, outside the mark;
//! - [`artwork`]: the layout of one label; [`print`]: the files a print shop gets (SVG,
//!   PDF, PNG at physical size, text as outlines, bleed and cut marks); [`sheets`]: sticker
//!   sheets and label stocks.

pub mod artwork;
pub mod assess;
pub mod batch;
pub mod brand;
pub mod check;
pub mod demo;
pub mod failure;
pub mod files;
pub mod keygen;
pub mod keys;
pub mod lists;
pub mod mark;
pub mod print;
pub mod registry;
pub mod scan;
pub mod seen;
pub mod serials;
pub mod sheets;
pub mod sign;
pub mod spec;
pub mod typeset;
pub mod verify;

/// Today's date in UTC: the one date rule of the tool (labels' issue dates, lists).
pub fn today() -> iotmark_core::date::Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    iotmark_core::date::Date::from_unix(secs as i64)
}
