//! Key files. A private key file holds the 32-byte Ed25519 seed in hex behind a label line
//! and is written readable by its owner only; it is never printed. A public key file holds
//! the public key the same way.

use crate::failure::{Failure, Result};
use crate::files;
use iotmark_core::{SigningKey, VerifyingKey};
use std::path::Path;

use iotmark_core::keys::{self as text, KeyTextError};
pub use iotmark_core::keys::{hex, public_text};

/// A fresh key from the operating system's random source.
pub fn generate() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| Failure::refused(format!("the system random source failed: {e}")))?;
    Ok(SigningKey::from_bytes(&seed))
}

pub fn write_secret(path: &Path, key: &SigningKey) -> Result<()> {
    files::write_mode(path, text::secret_text(key).as_bytes(), Some(0o600))
}

fn bad(path: &Path, e: KeyTextError) -> Failure {
    Failure::input(format!("{} is {e}", path.display()))
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
    text::secret_from_text(&files::read_text(path)?).map_err(|e| bad(path, e))
}

/// Reads a public key file, or the public half of a private key file.
pub fn read_public(path: &Path) -> Result<VerifyingKey> {
    let content = files::read_text(path)?;
    if text::is_secret(&content) {
        return read_secret(path).map(|k| k.verifying_key());
    }
    text::public_from_text(&content).map_err(|e| bad(path, e))
}
