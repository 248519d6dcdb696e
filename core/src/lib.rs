//! iotmark core: signed, offline-verifiable trust labels for connected products.
//!
//! Pure Rust with no I/O, shared by the manufacturers' tool, the WebAssembly verifier and
//! the scanner app. One module per concept:
//!
//! * [`catalogue`]: the 33 principles, by version.
//! * [`label`]: what a label says; [`date`]: the days and months it says them in.
//! * [`grade`]: the grading rule.
//! * [`wire`]: the signed encoding and its text form.
//! * [`issue`]: checking and signing a label; [`verify`]: the verdict on one.
//! * [`keys`]: the text form of key files.
//! * [`trust`]: trust lists and revocation lists.
//! * [`qr`]: QR symbols; [`scan`]: reading them from images.
//! * [`explain`]: what a verdict means, in plain words and many languages.
//! * [`spec`]: the label spec a maker writes (TOML); [`assess`]: the self-assessment
//!   that writes one, its live grade and its warnings; [`preview`]: a sketch of the
//!   printed sticker.

pub mod assess;
pub mod catalogue;
pub mod date;
pub mod explain;
pub mod grade;
pub mod issue;
pub mod keys;
pub mod label;
pub mod preview;
pub mod qr;
pub mod scan;
pub mod spec;
pub mod trust;
pub mod verify;
pub mod wire;

pub use ed25519_dalek::{SigningKey, VerifyingKey};
