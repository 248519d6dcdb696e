//! The fuzz targets' bodies live in [`targets`], one plain function each, so that
//! `core/tests/fuzz_corpus.rs` runs every committed corpus file through the same code.

pub mod targets;
