//! Key files in the format `iotmark keygen` writes (see `labels/src/keys.rs`): a line
//! `iotmark-secret-key-1:<64 hex digits>` holding the Ed25519 seed, or
//! `iotmark-public-key-1:<64 hex digits>` holding the public key.

use iotmark_core::{SigningKey, VerifyingKey};
use std::path::Path;

const SECRET: &str = "iotmark-secret-key-1:";
const PUBLIC: &str = "iotmark-public-key-1:";

fn find<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.lines().map(str::trim).find_map(|l| l.strip_prefix(prefix))
}

fn key32(hex: &str) -> Option<[u8; 32]> {
    crate::secrets::unhex(hex)?.try_into().ok()
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

pub fn read_secret(path: &Path) -> Result<SigningKey, String> {
    let seed = find(&read(path)?, SECRET)
        .and_then(key32)
        .ok_or_else(|| format!("{} is not an iotmark private key file (expected a line {SECRET}<64 hex digits>)", path.display()))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A public key file, or the public half of a private key file.
pub fn read_public(path: &Path) -> Result<VerifyingKey, String> {
    let text = read(path)?;
    if find(&text, SECRET).is_some() {
        return Ok(read_secret(path)?.verifying_key());
    }
    let bytes = find(&text, PUBLIC)
        .and_then(key32)
        .ok_or_else(|| format!("{} is not an iotmark public key file (expected a line {PUBLIC}<64 hex digits>)", path.display()))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| format!("{} holds a value that is not an Ed25519 public key", path.display()))
}
