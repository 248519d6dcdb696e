//! Trust lists and revocation lists: who may sign labels, and which labels are struck off.
//!
//! Both lists are signed by the mark's root key in the same COSE_Sign1 envelope as labels
//! (see `docs/wire-format.md`), carry a sequence number so that an older list never
//! replaces a newer one, and an expiry after which verifiers warn but keep working.

use crate::date::Date;
use crate::label::{Assurance, LabelId};
use crate::wire::cose::{self, KeyId};
use crate::wire::FormatError;
use ed25519_dalek::{SigningKey, VerifyingKey};
use minicbor::{Decoder, Encoder};
use serde::Serialize;
use std::fmt;

/// An organisation allowed to sign labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issuer {
    pub key: VerifyingKey,
    pub name: String,
    /// The assurance levels this issuer may sign.
    pub assurances: Vec<Assurance>,
    /// Labels issued on days in `from..=until` are accepted from this issuer.
    pub from: Date,
    pub until: Date,
}

impl Issuer {
    pub fn kid(&self) -> KeyId {
        cose::key_id(&self.key)
    }
}

/// The issuers a verifier trusts, as published by the mark's operators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustList {
    pub sequence: u64,
    pub issued: Date,
    pub expires: Date,
    pub issuers: Vec<Issuer>,
}

/// The labels struck off the mark.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevocationList {
    pub sequence: u64,
    pub issued: Date,
    pub expires: Date,
    /// Sorted, without duplicates.
    pub labels: Vec<LabelId>,
}

/// Why a list cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrustError {
    Format(FormatError),
    /// The list is not signed by the root key the verifier was given.
    BadSignature,
    /// An entry breaks a rule; the text says which.
    BadEntry(&'static str),
}

impl fmt::Display for TrustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustError::Format(e) => write!(f, "the list is malformed: {e}"),
            TrustError::BadSignature => write!(f, "the list is not signed by the trusted root key"),
            TrustError::BadEntry(what) => write!(f, "the list is invalid: {what}"),
        }
    }
}

impl std::error::Error for TrustError {}

impl From<FormatError> for TrustError {
    fn from(e: FormatError) -> Self {
        TrustError::Format(e)
    }
}

fn assurance_bits(a: &[Assurance]) -> u8 {
    a.iter().fold(0, |bits, a| bits | 1 << (*a as u8))
}

fn cbor(e: minicbor::decode::Error) -> TrustError {
    TrustError::Format(cose::cbor_error(e))
}

/// Opens a root-signed envelope and hands its payload to `parse`, which must consume it all.
fn open_signed<T>(bytes: &[u8], root: &VerifyingKey, parse: impl FnOnce(&mut Decoder) -> Result<T, TrustError>) -> Result<T, TrustError> {
    let envelope = cose::open(bytes)?;
    if !envelope.verify(root) {
        return Err(TrustError::BadSignature);
    }
    let mut d = Decoder::new(envelope.payload);
    let value = parse(&mut d)?;
    if d.position() != envelope.payload.len() {
        return Err(FormatError::TrailingData.into());
    }
    Ok(value)
}

/// Reads the `[sequence, issued, expires, [entries…]]` frame both lists share.
fn frame(d: &mut Decoder) -> Result<(u64, Date, Date, u64), TrustError> {
    if d.array().map_err(cbor)? != Some(4) {
        return Err(FormatError::BadStructure.into());
    }
    let sequence = d.u64().map_err(cbor)?;
    let issued = Date(d.u32().map_err(cbor)?);
    let expires = Date(d.u32().map_err(cbor)?);
    let entries = d.array().map_err(cbor)?.ok_or(FormatError::NonCanonical)?;
    Ok((sequence, issued, expires, entries))
}

impl TrustList {
    fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new(Vec::new());
        cose::written((|| {
            e.array(4)?.u64(self.sequence)?.u32(self.issued.0)?.u32(self.expires.0)?;
            e.array(self.issuers.len() as u64)?;
            for i in &self.issuers {
                e.array(5)?.bytes(i.key.as_bytes())?.str(&i.name)?.u8(assurance_bits(&i.assurances))?;
                e.u32(i.from.0)?.u32(i.until.0)?;
            }
            Ok(())
        })());
        e.into_writer()
    }

    fn check(&self) -> Result<(), TrustError> {
        let mut kids: Vec<KeyId> = self.issuers.iter().map(Issuer::kid).collect();
        kids.sort_unstable();
        if kids.windows(2).any(|w| w[0] == w[1]) {
            return Err(TrustError::BadEntry("two issuers share a key"));
        }
        for i in &self.issuers {
            if i.name.trim().is_empty() || i.name.len() > 64 {
                return Err(TrustError::BadEntry("an issuer name is empty or longer than 64 bytes"));
            }
            if i.assurances.is_empty() || i.until < i.from {
                return Err(TrustError::BadEntry("an issuer may sign nothing or its window ends before it starts"));
            }
            if i.key.is_weak() {
                return Err(TrustError::BadEntry("an issuer key is a weak (small-order) key"));
            }
        }
        Ok(())
    }

    /// Signs the list with the root key; refuses a list that breaks a rule.
    pub fn sign(&self, root: &SigningKey) -> Result<Vec<u8>, TrustError> {
        self.check()?;
        Ok(cose::sign(root, &self.encode()))
    }

    /// Verifies and reads a list signed by `root`.
    pub fn open(bytes: &[u8], root: &VerifyingKey) -> Result<TrustList, TrustError> {
        let list = open_signed(bytes, root, |d| {
            let (sequence, issued, expires, count) = frame(d)?;
            let issuers = (0..count).map(|_| read_issuer(d)).collect::<Result<_, _>>()?;
            Ok(TrustList { sequence, issued, expires, issuers })
        })?;
        list.check()?;
        Ok(list)
    }

    pub fn issuer(&self, kid: &KeyId) -> Option<&Issuer> {
        self.issuers.iter().find(|i| &i.kid() == kid)
    }
}

fn read_issuer(d: &mut Decoder) -> Result<Issuer, TrustError> {
    if d.array().map_err(cbor)? != Some(5) {
        return Err(FormatError::BadStructure.into());
    }
    let key_bytes: [u8; 32] = d.bytes().map_err(cbor)?.try_into().map_err(|_| TrustError::BadEntry("an issuer key is not 32 bytes"))?;
    let key = VerifyingKey::from_bytes(&key_bytes).map_err(|_| TrustError::BadEntry("an issuer key is not an Ed25519 point"))?;
    let name = d.str().map_err(cbor)?.to_owned();
    let bits = d.u8().map_err(cbor)?;
    if bits & !0b111 != 0 {
        return Err(TrustError::BadEntry("an issuer has unknown assurance levels"));
    }
    let assurances = Assurance::ALL.into_iter().filter(|a| bits & 1 << (*a as u8) != 0).collect();
    let from = Date(d.u32().map_err(cbor)?);
    let until = Date(d.u32().map_err(cbor)?);
    Ok(Issuer { key, name, assurances, from, until })
}

impl RevocationList {
    fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new(Vec::new());
        cose::written((|| {
            e.array(4)?.u64(self.sequence)?.u32(self.issued.0)?.u32(self.expires.0)?;
            e.array(self.labels.len() as u64)?;
            for id in &self.labels {
                e.u64(id.0)?;
            }
            Ok(())
        })());
        e.into_writer()
    }

    fn check(&self) -> Result<(), TrustError> {
        let sorted = self.labels.windows(2).all(|w| w[0] < w[1]);
        sorted.then_some(()).ok_or(TrustError::BadEntry("label ids are not sorted and unique"))
    }

    /// Adds a label id, keeping the list sorted; false when it was already there.
    pub fn strike_off(&mut self, id: LabelId) -> bool {
        match self.labels.binary_search(&id) {
            Ok(_) => false,
            Err(at) => {
                self.labels.insert(at, id);
                true
            }
        }
    }

    pub fn sign(&self, root: &SigningKey) -> Result<Vec<u8>, TrustError> {
        self.check()?;
        Ok(cose::sign(root, &self.encode()))
    }

    pub fn open(bytes: &[u8], root: &VerifyingKey) -> Result<RevocationList, TrustError> {
        let list = open_signed(bytes, root, |d| {
            let (sequence, issued, expires, count) = frame(d)?;
            let labels = (0..count).map(|_| d.u64().map(LabelId).map_err(cbor)).collect::<Result<_, _>>()?;
            Ok(RevocationList { sequence, issued, expires, labels })
        })?;
        list.check()?;
        Ok(list)
    }

    pub fn contains(&self, id: LabelId) -> bool {
        self.labels.binary_search(&id).is_ok()
    }
}

/// The lists a verifier holds. Offered lists replace held ones only when they are signed
/// by the root and carry a higher sequence number: an older list never replaces a newer
/// one, whatever order they arrive in.
#[derive(Clone, Debug)]
pub struct Lists {
    pub root: VerifyingKey,
    pub trust: TrustList,
    pub revoked: Option<RevocationList>,
}

impl Lists {
    pub fn new(root: VerifyingKey, trust: &[u8], revoked: Option<&[u8]>) -> Result<Lists, TrustError> {
        let trust = TrustList::open(trust, &root)?;
        let revoked = revoked.map(|b| RevocationList::open(b, &root)).transpose()?;
        Ok(Lists { root, trust, revoked })
    }

    /// Takes `bytes` as the trust list if valid and newer; returns whether it did.
    pub fn offer_trust(&mut self, bytes: &[u8]) -> Result<bool, TrustError> {
        let list = TrustList::open(bytes, &self.root)?;
        let newer = list.sequence > self.trust.sequence;
        if newer {
            self.trust = list;
        }
        Ok(newer)
    }

    /// Takes `bytes` as the revocation list if valid and newer; returns whether it did.
    pub fn offer_revocation(&mut self, bytes: &[u8]) -> Result<bool, TrustError> {
        let list = RevocationList::open(bytes, &self.root)?;
        let newer = self.revoked.as_ref().is_none_or(|r| list.sequence > r.sequence);
        if newer {
            self.revoked = Some(list);
        }
        Ok(newer)
    }

    pub fn context(&self, today: Date) -> crate::verify::Context<'_> {
        crate::verify::Context { trust: &self.trust, revoked: self.revoked.as_ref(), today }
    }
}

/// How fresh a list is, as a verifier reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Freshness {
    pub sequence: u64,
    pub issued: Date,
    pub expires: Date,
    /// Whole days since the list was issued (0 when the clock is behind it).
    pub age_days: u32,
    /// Past its expiry: verifiers keep verifying but warn.
    pub expired: bool,
}

impl Freshness {
    pub fn of(sequence: u64, issued: Date, expires: Date, today: Date) -> Freshness {
        Freshness { sequence, issued, expires, age_days: today.0.saturating_sub(issued.0), expired: today > expires }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn list() -> TrustList {
        let issuer = Issuer {
            key: key(2).verifying_key(),
            name: "Test Lab".into(),
            assurances: vec![Assurance::Reviewed],
            from: Date(100),
            until: Date(200),
        };
        TrustList { sequence: 3, issued: Date(150), expires: Date(180), issuers: vec![issuer] }
    }

    #[test]
    fn trust_list_round_trips_and_needs_the_root() {
        let bytes = list().sign(&key(1)).unwrap();
        assert_eq!(TrustList::open(&bytes, &key(1).verifying_key()), Ok(list()));
        assert_eq!(TrustList::open(&bytes, &key(9).verifying_key()), Err(TrustError::BadSignature));
    }

    #[test]
    fn an_older_list_never_replaces_a_newer_one() {
        let root = key(1);
        let v3 = list().sign(&root).unwrap();
        let v5 = TrustList { sequence: 5, ..list() }.sign(&root).unwrap();
        let forged = TrustList { sequence: 9, ..list() }.sign(&key(2)).unwrap();
        let mut lists = Lists::new(root.verifying_key(), &v3, None).unwrap();
        assert_eq!(lists.offer_trust(&v5), Ok(true));
        assert_eq!(lists.offer_trust(&v3), Ok(false));
        assert_eq!(lists.trust.sequence, 5);
        assert_eq!(lists.offer_trust(&forged), Err(TrustError::BadSignature));
        assert_eq!(lists.trust.sequence, 5);
        let r1 = RevocationList { sequence: 1, ..Default::default() }.sign(&root).unwrap();
        let r2 = RevocationList { sequence: 2, ..Default::default() }.sign(&root).unwrap();
        assert_eq!(lists.offer_revocation(&r2), Ok(true));
        assert_eq!(lists.offer_revocation(&r1), Ok(false));
    }

    #[test]
    fn duplicate_issuers_are_refused() {
        let mut l = list();
        l.issuers.push(l.issuers[0].clone());
        assert_eq!(l.sign(&key(1)), Err(TrustError::BadEntry("two issuers share a key")));
    }

    #[test]
    fn revocation_list_stays_sorted() {
        let mut r = RevocationList { sequence: 1, ..Default::default() };
        assert!(r.strike_off(LabelId(9)));
        assert!(r.strike_off(LabelId(3)));
        assert!(!r.strike_off(LabelId(9)));
        assert_eq!(r.labels, vec![LabelId(3), LabelId(9)]);
        let bytes = r.sign(&key(1)).unwrap();
        let back = RevocationList::open(&bytes, &key(1).verifying_key()).unwrap();
        assert!(back.contains(LabelId(3)) && !back.contains(LabelId(4)));
    }
}
