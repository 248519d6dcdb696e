//! Key files, in the text form the core defines (`iotmark_core::keys`, as `iotmark keygen`
//! writes them). A private key file that other users can read is refused.

use iotmark_core::keys::{self as text};
use iotmark_core::{SigningKey, VerifyingKey};
use std::path::Path;

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A private key file: the status key must be the registry's alone.
pub fn read_secret(path: &Path) -> Result<SigningKey, String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} can be read by other users (mode {:o}): run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    text::secret_from_text(&read(path)?).map_err(|e| format!("{} is {e}", path.display()))
}

/// A public key file, or the public half of a private key file.
pub fn read_public(path: &Path) -> Result<VerifyingKey, String> {
    let content = read(path)?;
    if text::is_secret(&content) {
        return read_secret(path).map(|k| k.verifying_key());
    }
    text::public_from_text(&content).map_err(|e| format!("{} is {e}", path.display()))
}
