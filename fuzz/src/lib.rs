//! The fuzz targets' bodies live in [`targets`] (the core) and [`labels_targets`] (the
//! makers' tool), one plain function each, so that `core/tests/fuzz_corpus.rs` and
//! `labels/tests/fuzz_corpus.rs` run every committed corpus file through the same code.

#[cfg(feature = "labels")]
pub mod labels_targets;
pub mod targets;
