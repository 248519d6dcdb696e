//! The text form of key files, as `iotmark keygen` writes them: comment lines starting with
//! `#`, and one line `iotmark-secret-key-1:<64 hex digits>` (the 32-byte Ed25519 seed) or
//! `iotmark-public-key-1:<64 hex digits>` (the public key). Reading and writing the files,
//! and their permissions, are the tools' business; the form is defined here once.

use crate::wire::cose;
use ed25519_dalek::{SigningKey, VerifyingKey};
use std::fmt;

pub const SECRET_PREFIX: &str = "iotmark-secret-key-1:";
pub const PUBLIC_PREFIX: &str = "iotmark-public-key-1:";

/// Why text is not a key file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyTextError {
    /// No line holds a key of the kind asked for.
    NotAKeyFile { expected: &'static str },
    /// The public key is not a point of the curve.
    NotAPoint,
}

impl fmt::Display for KeyTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyTextError::NotAKeyFile { expected } => {
                let kind = if *expected == SECRET_PREFIX { "private" } else { "public" };
                write!(f, "not an iotmark {kind} key file (expected a line {expected}<64 hex digits>)")
            }
            KeyTextError::NotAPoint => write!(f, "not an iotmark public key file: its value is not an Ed25519 public key"),
        }
    }
}

impl std::error::Error for KeyTextError {}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 bytes from 64 hex digits (either case); `None` for anything else.
pub fn unhex32(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn find<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.lines().map(str::trim).find_map(|l| l.strip_prefix(prefix))
}

pub fn secret_text(key: &SigningKey) -> String {
    format!("# iotmark private signing key: keep it secret, never share or commit it\n{SECRET_PREFIX}{}\n", hex(&key.to_bytes()))
}

pub fn public_text(key: &VerifyingKey) -> String {
    format!("# iotmark public key, key id {}\n{PUBLIC_PREFIX}{}\n", hex(&cose::key_id(key)), hex(key.as_bytes()))
}

/// Whether the text holds a private key (so that its file must be kept private).
pub fn is_secret(text: &str) -> bool {
    find(text, SECRET_PREFIX).is_some()
}

pub fn secret_from_text(text: &str) -> Result<SigningKey, KeyTextError> {
    let seed = find(text, SECRET_PREFIX).and_then(unhex32).ok_or(KeyTextError::NotAKeyFile { expected: SECRET_PREFIX })?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A public key, or the public half of a private key.
pub fn public_from_text(text: &str) -> Result<VerifyingKey, KeyTextError> {
    if is_secret(text) {
        return secret_from_text(text).map(|k| k.verifying_key());
    }
    let bytes = find(text, PUBLIC_PREFIX).and_then(unhex32).ok_or(KeyTextError::NotAKeyFile { expected: PUBLIC_PREFIX })?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| KeyTextError::NotAPoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_texts_round_trip_and_refuse_anything_else() {
        let key = SigningKey::from_bytes(&[7; 32]);
        assert_eq!(secret_from_text(&secret_text(&key)).map(|k| k.to_bytes()), Ok(key.to_bytes()));
        assert_eq!(public_from_text(&public_text(&key.verifying_key())), Ok(key.verifying_key()));
        assert_eq!(public_from_text(&secret_text(&key)), Ok(key.verifying_key()));
        assert!(secret_from_text(&public_text(&key.verifying_key())).is_err());
        assert!(public_from_text("hello").is_err());
        assert!(public_from_text(&format!("{PUBLIC_PREFIX}{}", "é".repeat(32))).is_err());
        assert_eq!(unhex32(&"AB".repeat(32)), Some([0xAB; 32]));
    }
}
