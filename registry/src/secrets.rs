//! Secrets: API tokens, session ids and CSRF tokens are random bytes from the operating
//! system, stored only as SHA-256 digests, and compared in constant time.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Bytes from the operating system's random source. A machine without one cannot run a
/// registry safely, so the error is passed up rather than papered over.
pub fn random<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out)?;
    Ok(out)
}

pub fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

pub use iotmark_core::keys::hex;

/// Compares secrets in time that does not depend on where they differ.
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_constant_time_comparison() {
        assert_eq!(hex(&[10, 255]), "0aff");
        assert!(same_secret(b"ab", b"ab") && !same_secret(b"ab", b"ac") && !same_secret(b"ab", b"abc"));
    }
}
