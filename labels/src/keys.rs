//! Key files. A private key file holds the 32-byte Ed25519 seed in hex behind a label line
//! and is written readable by its owner only; it is never printed. A public key file holds
//! the public key the same way.

use crate::failure::{Failure, Result};
use crate::files;
use iotmark_core::wire::cose;
use iotmark_core::{SigningKey, VerifyingKey};
use std::path::Path;

const SECRET: &str = "iotmark-secret-key-1:";
const PUBLIC: &str = "iotmark-public-key-1:";

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// A fresh key from the operating system's random source.
pub fn generate() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Failure::refused(format!("the system random source failed: {e}")))?;
    Ok(SigningKey::from_bytes(&seed))
}

pub fn write_secret(path: &Path, key: &SigningKey) -> Result<()> {
    let text = format!("# iotmark private signing key: keep it secret, never share or commit it\n{SECRET}{}\n", hex(&key.to_bytes()));
    files::write_mode(path, text.as_bytes(), Some(0o600))
}

pub fn public_text(key: &VerifyingKey) -> String {
    format!("# iotmark public key, key id {}\n{PUBLIC}{}\n", hex(&cose::key_id(key)), hex(key.as_bytes()))
}

fn find<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.lines().map(str::trim).find_map(|l| l.strip_prefix(prefix))
}

/// Refuses a private key file that other users can read, as ssh does: a key that may have
/// been copied is no longer the signer's alone.
fn check_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(|e| Failure::read(path, &e))?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(Failure::input(format!(
                "{} can be read by other users (mode {:o}): a private key must be yours alone; run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            )));
        }
    }
    Ok(())
}

pub fn read_secret(path: &Path) -> Result<SigningKey> {
    if path != Path::new("-") {
        check_private(path)?;
    }
    let text = files::read_text(path)?;
    let seed = find(&text, SECRET).and_then(unhex32).ok_or_else(|| {
        Failure::input(format!("{} is not an iotmark private key file (expected a line {SECRET}<64 hex digits>)", path.display()))
    })?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads a public key file, or the public half of a private key file.
pub fn read_public(path: &Path) -> Result<VerifyingKey> {
    let text = files::read_text(path)?;
    if find(&text, SECRET).is_some() {
        return Ok(read_secret(path)?.verifying_key());
    }
    let bytes = find(&text, PUBLIC).and_then(unhex32).ok_or_else(|| {
        Failure::input(format!("{} is not an iotmark public key file (expected a line {PUBLIC}<64 hex digits>)", path.display()))
    })?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Failure::input(format!("{} holds a value that is not an Ed25519 public key", path.display())))
}
