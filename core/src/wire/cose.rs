//! The signed envelope: an RFC 9052 COSE_Sign1 structure with an Ed25519 signature.
//!
//! Labels, trust lists and revocation lists all travel in it, so that anyone can check
//! them with an ordinary COSE library and the signer's public key. The encoding is fixed
//! to one byte-exact form, and parsing accepts only that form:
//!
//! ```text
//! COSE_Sign1 = #6.18([ protected: bstr .cbor { 1: -8, 4: kid }, unprotected: {},
//!                      payload: bstr, signature: bstr .size 64 ])
//! ```
//!
//! `kid` is the first 4 bytes of the SHA-256 of the 32-byte Ed25519 public key. It only has
//! to tell apart the keys of one trust list (which refuses two keys with one id); a
//! collision could not forge anything, since the signature is checked with the full key. The
//! signature is over the RFC 9052 `Sig_structure` `["Signature1", protected, h'', payload]`
//! and is checked with ed25519-dalek's `verify_strict` (canonical S, no small-order keys).

use super::FormatError;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use minicbor::data::{Tag, Type};
use minicbor::{Decoder, Encoder};
use sha2::{Digest, Sha256};

/// Length of a key id in bytes.
pub const KID_LEN: usize = 4;
/// COSE algorithm identifier of EdDSA.
const ALG_EDDSA: i64 = -8;
const TAG_SIGN1: u64 = 18;

/// A key id: names the key that signed an envelope.
pub type KeyId = [u8; KID_LEN];

/// The key id of a public key.
pub fn key_id(key: &VerifyingKey) -> KeyId {
    let hash = Sha256::digest(key.as_bytes());
    let mut kid = [0; KID_LEN];
    kid.copy_from_slice(&hash[..KID_LEN]);
    kid
}

/// A parsed envelope whose signature has not been checked yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope<'a> {
    pub kid: KeyId,
    protected: &'a [u8],
    pub payload: &'a [u8],
    signature: Signature,
}

fn new_encoder() -> Encoder<Vec<u8>> {
    Encoder::new(Vec::new())
}

/// Accepts the result of writing CBOR to a `Vec`. Such writes cannot fail (the only other
/// error minicbor has comes from custom `Encode` impls, which iotmark does not use).
pub(crate) fn written<T>(r: Result<T, minicbor::encode::Error<std::convert::Infallible>>) {
    debug_assert!(r.is_ok(), "writing CBOR to a Vec failed");
}

fn protected_header(kid: &KeyId) -> Vec<u8> {
    let mut e = new_encoder();
    written(e.map(2).and_then(|e| e.u8(1)).and_then(|e| e.i64(ALG_EDDSA)).and_then(|e| e.u8(4)).and_then(|e| e.bytes(kid)));
    e.into_writer()
}

fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut e = new_encoder();
    written(e.array(4).and_then(|e| e.str("Signature1")).and_then(|e| e.bytes(protected)));
    written(e.bytes(&[]).and_then(|e| e.bytes(payload)));
    e.into_writer()
}

fn envelope_bytes(protected: &[u8], payload: &[u8], signature: &[u8]) -> Vec<u8> {
    let mut e = new_encoder();
    written(e.tag(Tag::new(TAG_SIGN1)).and_then(|e| e.array(4)).and_then(|e| e.bytes(protected)));
    written(e.map(0).and_then(|e| e.bytes(payload)).and_then(|e| e.bytes(signature)));
    e.into_writer()
}

/// Signs `payload` into an envelope.
pub fn sign(key: &SigningKey, payload: &[u8]) -> Vec<u8> {
    let protected = protected_header(&key_id(&key.verifying_key()));
    let signature = key.sign(&sig_structure(&protected, payload));
    envelope_bytes(&protected, payload, &signature.to_bytes())
}

/// Maps a CBOR decoding error to the format error it means.
pub(crate) fn cbor_error(e: minicbor::decode::Error) -> FormatError {
    if e.is_end_of_input() {
        FormatError::Truncated
    } else {
        FormatError::BadStructure
    }
}

fn definite(len: Result<Option<u64>, minicbor::decode::Error>, expected: u64) -> Result<(), FormatError> {
    match len.map_err(cbor_error)? {
        Some(n) if n == expected => Ok(()),
        Some(_) => Err(FormatError::BadStructure),
        None => Err(FormatError::NonCanonical),
    }
}

fn parse_protected(bytes: &[u8]) -> Result<KeyId, FormatError> {
    let mut d = Decoder::new(bytes);
    let bad = |_| FormatError::BadHeader;
    let entries = d.map().map_err(bad)?.ok_or(FormatError::BadHeader)?;
    let (k1, alg) = (d.u8().map_err(bad)?, d.i64().map_err(bad)?);
    if k1 != 1 {
        return Err(FormatError::BadHeader);
    }
    if alg != ALG_EDDSA {
        return Err(FormatError::WrongAlgorithm);
    }
    if entries != 2 || d.u8().map_err(bad)? != 4 {
        return Err(FormatError::BadHeader);
    }
    let kid: KeyId = super::cbor::bytes(&mut d).map_err(bad)?.try_into().map_err(|_| FormatError::BadHeader)?;
    if d.position() != bytes.len() {
        return Err(FormatError::BadHeader);
    }
    Ok(kid)
}

/// Parses an envelope strictly: exactly the form [`sign`] writes, nothing before or after.
pub fn open(bytes: &[u8]) -> Result<Envelope<'_>, FormatError> {
    let mut d = Decoder::new(bytes);
    if d.datatype().map_err(cbor_error)? != Type::Tag || d.tag().map_err(cbor_error)? != Tag::new(TAG_SIGN1) {
        return Err(FormatError::BadStructure);
    }
    definite(d.array(), 4)?;
    let protected = super::cbor::bytes(&mut d).map_err(cbor_error)?;
    definite(d.map(), 0)?;
    let payload = super::cbor::bytes(&mut d).map_err(cbor_error)?;
    let signature = super::cbor::bytes(&mut d).map_err(cbor_error)?;
    if d.position() != bytes.len() {
        return Err(FormatError::TrailingData);
    }
    let kid = parse_protected(protected)?;
    let signature = Signature::from_slice(signature).map_err(|_| FormatError::BadStructure)?;
    if envelope_bytes(protected, payload, &signature.to_bytes()) != bytes || protected_header(&kid) != protected {
        return Err(FormatError::NonCanonical);
    }
    Ok(Envelope { kid, protected, payload, signature })
}

impl Envelope<'_> {
    /// Whether `key` made the signature (strict Ed25519: canonical S, no weak keys).
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        key_id(key) == self.kid && key.verify_strict(&sig_structure(self.protected, self.payload), &self.signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn signs_and_verifies() {
        let bytes = sign(&key(1), b"hello");
        let env = open(&bytes).unwrap();
        assert_eq!(env.payload, b"hello");
        assert!(env.verify(&key(1).verifying_key()));
        assert!(!env.verify(&key(2).verifying_key()));
    }

    #[test]
    fn layout_is_the_documented_one() {
        let bytes = sign(&key(1), b"");
        // tag 18, array(4), bstr(9) { 1: -8, 4: bstr(4) }
        assert_eq!(&bytes[..8], &[0xD2, 0x84, 0x49, 0xA2, 0x01, 0x27, 0x04, 0x44]);
        assert_eq!(bytes.len(), 1 + 1 + 10 + 1 + 1 + 2 + 64);
    }

    #[test]
    fn rejects_every_deviation() {
        let good = sign(&key(1), b"abc");
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(open(&trailing), Err(FormatError::TrailingData));
        assert_eq!(open(&good[..good.len() - 1]), Err(FormatError::Truncated));
        assert_eq!(open(&good[1..]), Err(FormatError::BadStructure));
        let mut wrong_alg = good.clone();
        wrong_alg[5] = 0x26; // -7: ES256
        assert_eq!(open(&wrong_alg), Err(FormatError::WrongAlgorithm));
    }
}
