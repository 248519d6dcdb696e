//! The iotmark makers' tool as a library: the `iotmark` binary (`main.rs`) is its command
//! line, and fuzz targets and tests call the same code.
//!
//! - [`spec`]: the label spec (TOML) a maker writes, parsed and checked;
//! - [`serials`]: the batch CSV of serial numbers, read with the `csv` crate;
//! - [`batch`], [`commands`], [`assess`], [`lists`], [`demo`]: the commands;
//! - [`artwork`]: the layout of one label; [`print`]: the files a print shop gets (SVG,
//!   PDF, PNG at physical size, text as outlines, bleed and cut marks); [`sheets`]: sticker
//!   sheets and label stocks.

pub mod artwork;
pub mod assess;
pub mod batch;
pub mod commands;
pub mod demo;
pub mod failure;
pub mod files;
pub mod keys;
pub mod lists;
pub mod print;
pub mod registry;
pub mod seen;
pub mod serials;
pub mod sheets;
pub mod spec;
