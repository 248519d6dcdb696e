//! Trust lists and revocation lists: who may sign labels, and which labels are struck off.
//!
//! The trust list is signed by the mark's root key, rarely and offline. It may name an
//! online **status key**, which signs revocation lists and nothing else, so that striking
//! a product off never needs the root key online. A status-signed revocation list is
//! valid for at most [`STATUS_LIST_MAX_DAYS`] days, so a leaked status key cannot publish
//! a long-lived list. Both lists carry a sequence number, so that an older list never
//! replaces a newer one, and an expiry after which verifiers warn but keep working. The
//! encoding is specified in `docs/wire-format.md`, section 5.

use crate::date::Date;
use crate::label::{Assurance, LabelId};
use crate::wire::cose::{self, KeyId};
use crate::wire::{self, FormatError};
use ed25519_dalek::{SigningKey, VerifyingKey};
use minicbor::data::Type;
use minicbor::{Decoder, Encoder};
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

/// The longest a revocation list signed by the status key may be valid (`expires - issued`).
pub const STATUS_LIST_MAX_DAYS: u32 = 7;
/// The longest public note of a strike-off, in bytes of UTF-8.
pub const NOTE_MAX_BYTES: usize = 200;
/// Bytes of a label fingerprint: SHA-256 of its signed payload, truncated.
pub const FINGERPRINT_LEN: usize = 12;

/// The largest list file a verifier takes from another channel (a file, a message): far
/// above any real list, far below what could strain a phone.
pub const LIST_FILE_MAX_BYTES: usize = 1 << 20;

/// Which signed file a file held: one of the two lists, or a root rotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum ListKind {
    Trust,
    Revocation,
    /// A [`RootRotation`]: the mark's root moves to a new key.
    Root,
}

/// What became of a list file offered to a verifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Offered {
    /// Validly signed and newer: in use from now on.
    Taken,
    /// The list already held.
    Same,
    /// Validly signed, but older than the list held: an older list never replaces a newer.
    Older,
    /// Larger than [`LIST_FILE_MAX_BYTES`].
    TooLarge,
    /// Not signed by the root (nor, for a revocation list, by its status key).
    WrongSigner,
    /// Not an iotmark list at all.
    NotAList,
}

impl Offered {
    /// The key used in language files (`offer.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Offered::Taken => "taken",
            Offered::Same => "same",
            Offered::Older => "older",
            Offered::TooLarge => "too-large",
            Offered::WrongSigner => "wrong-signer",
            Offered::NotAList => "not-a-list",
        }
    }
}

/// Where a held list came from. Said beside its age, so that a shopper with no network
/// can tell the lists shipped with the app from newer ones passed by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
#[serde(tag = "from", content = "on", rename_all = "kebab-case")]
pub enum Origin {
    /// Given to the verifier when it was set up: the lists a page or app ships with.
    Shipped,
    /// Fetched from the publisher's address, on that (UTC) day.
    Publisher(Date),
    /// Taken from a file that came by any channel (a share, a memory card), on that day.
    File(Date),
}

impl Origin {
    /// The key used in language files (`lists.from.<key>`).
    pub fn key(self) -> &'static str {
        match self {
            Origin::Shipped => "shipped",
            Origin::Publisher(_) => "publisher",
            Origin::File(_) => "file",
        }
    }

    /// The day it came, when it came after set-up.
    pub fn on(self) -> Option<Date> {
        match self {
            Origin::Shipped => None,
            Origin::Publisher(d) | Origin::File(d) => Some(d),
        }
    }
}

fn by_sequence(offered: u64, held: u64) -> Offered {
    match offered.cmp(&held) {
        std::cmp::Ordering::Greater => Offered::Taken,
        std::cmp::Ordering::Equal => Offered::Same,
        std::cmp::Ordering::Less => Offered::Older,
    }
}

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
    /// The online key that may sign revocation lists (and nothing else).
    pub status_key: Option<VerifyingKey>,
}

/// Why a label was struck off, as a stable code that verifiers put in their own words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "wasm",
    derive(tsify::Tsify),
    tsify(type = "\"other\" | \"wrong-product\" | \"false-claims\" | \"copied\" | \"withdrawn\"")
)]
pub enum Reason {
    Other = 0,
    /// The label is used on a product it was not issued for.
    WrongProduct = 1,
    /// The product does not do what the label says.
    FalseClaims = 2,
    /// The label was copied.
    Copied = 3,
    /// The maker or issuer withdrew it.
    Withdrawn = 4,
}

impl Reason {
    pub const ALL: [Reason; 5] = [Reason::Other, Reason::WrongProduct, Reason::FalseClaims, Reason::Copied, Reason::Withdrawn];

    pub fn code(self) -> &'static str {
        match self {
            Reason::Other => "other",
            Reason::WrongProduct => "wrong-product",
            Reason::FalseClaims => "false-claims",
            Reason::Copied => "copied",
            Reason::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// One struck-off label: when, why, and the reviewers' public note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Revoked {
    pub id: LabelId,
    pub on: Date,
    pub reason: Reason,
    /// At most [`NOTE_MAX_BYTES`] bytes, no control characters; may be empty.
    pub note: String,
}

/// What identifies one signed label exactly: the first [`FINGERPRINT_LEN`] bytes of the
/// SHA-256 of its signed payload. A forger holding the issuer's key cannot make another
/// label with a recorded fingerprint (a 96-bit second preimage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint(pub [u8; FINGERPRINT_LEN]);

impl Fingerprint {
    pub fn of_payload(payload: &[u8]) -> Fingerprint {
        let hash = Sha256::digest(payload);
        let mut f = [0; FINGERPRINT_LEN];
        f.copy_from_slice(&hash[..FINGERPRINT_LEN]);
        Fingerprint(f)
    }

    /// The fingerprint of label text (bare or URL form); the signature is not checked.
    pub fn of_text(text: &str) -> Result<Fingerprint, FormatError> {
        let parsed = wire::parse_text(text)?;
        Ok(Fingerprint::of_payload(cose::open(&parsed.envelope)?.payload))
    }
}

/// An issuer key that may have leaked: from `from` on, only the labels the registry had
/// recorded for it still verify; any other label under that key is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suspension {
    pub kid: KeyId,
    pub from: Date,
    /// Sorted, without duplicates.
    pub recorded: Vec<Fingerprint>,
}

impl Suspension {
    pub fn recorded(&self, f: &Fingerprint) -> bool {
        self.recorded.binary_search(f).is_ok()
    }
}

/// The labels struck off the mark, and the suspended issuer keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RevocationList {
    pub sequence: u64,
    pub issued: Date,
    pub expires: Date,
    /// Sorted by id, without duplicates.
    pub labels: Vec<Revoked>,
    /// Sorted by kid, without duplicates.
    pub suspended: Vec<Suspension>,
}

/// The sequence number and dates of one edition of a list. Every change to a list makes
/// a new edition with a higher sequence number, so that verifiers take it and never go
/// back to an older one; this is the one place that rule is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edition {
    pub sequence: u64,
    pub issued: Date,
    pub expires: Date,
}

impl Edition {
    /// The first edition of a new list, issued `today`, valid for `valid_days`.
    pub fn first(today: Date, valid_days: u32) -> Result<Edition, TrustError> {
        Edition::numbered(1, today, valid_days)
    }

    /// The edition after one numbered `sequence`.
    pub fn after(sequence: u64, today: Date, valid_days: u32) -> Result<Edition, TrustError> {
        let next = sequence.checked_add(1).ok_or(TrustError::BadEntry("the sequence number cannot go higher"))?;
        Edition::numbered(next, today, valid_days)
    }

    fn numbered(sequence: u64, today: Date, valid_days: u32) -> Result<Edition, TrustError> {
        let expires = today.plus_days(valid_days).ok_or(TrustError::BadEntry("the list would expire after 9999-12-31"))?;
        Ok(Edition { sequence, issued: today, expires })
    }
}

/// Why a list cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrustError {
    Format(FormatError),
    /// The list is not signed by a key allowed to sign it.
    BadSignature,
    /// An entry breaks a rule; the text says which.
    BadEntry(&'static str),
}

impl TrustError {
    /// A stable code, as the conformance vectors name it.
    pub fn code(&self) -> &'static str {
        match self {
            TrustError::Format(e) => e.code(),
            TrustError::BadSignature => "bad-signature",
            TrustError::BadEntry(_) => "bad-entry",
        }
    }
}

impl fmt::Display for TrustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrustError::Format(e) => {
                write!(f, "the list is malformed: ")?;
                e.describe(f, "it", "its")?;
                if matches!(e, FormatError::BadStructure) {
                    write!(f, " (is it a list file of this kind?)")?;
                }
                Ok(())
            }
            TrustError::BadSignature => {
                write!(f, "the list is not signed by the trusted root key (or, for a revocation list, the status key)")
            }
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

/// Opens an envelope signed by one of `keys` (chosen by its kid) and hands its payload to
/// `parse`, which must consume it all; the payload must then be in its canonical encoding
/// (`encode` of the parsed value gives back the same bytes). Returns the value and the
/// index of the key that signed it.
fn open_signed<T>(
    bytes: &[u8],
    keys: &[&VerifyingKey],
    parse: impl FnOnce(&mut Decoder) -> Result<T, TrustError>,
    encode: impl FnOnce(&T) -> Vec<u8>,
) -> Result<(T, usize), TrustError> {
    let envelope = cose::open(bytes)?;
    let signer = keys.iter().position(|k| envelope.verify(k)).ok_or(TrustError::BadSignature)?;
    let mut d = Decoder::new(envelope.payload);
    let value = parse(&mut d)?;
    if d.position() != envelope.payload.len() {
        return Err(FormatError::TrailingData.into());
    }
    if encode(&value) != envelope.payload {
        return Err(FormatError::NonCanonical.into());
    }
    Ok((value, signer))
}

/// Reads a definite array header of exactly `n` items.
fn array_of(d: &mut Decoder, n: u64) -> Result<(), TrustError> {
    match d.array().map_err(cbor)? {
        Some(len) if len == n => Ok(()),
        Some(_) => Err(FormatError::BadStructure.into()),
        None => Err(FormatError::NonCanonical.into()),
    }
}

/// Reads a definite array header of any length.
fn entries(d: &mut Decoder) -> Result<u64, TrustError> {
    d.array().map_err(cbor)?.ok_or(FormatError::NonCanonical.into())
}

/// Reads the `[sequence, issued, expires, [entries…], …]` head both lists share (five items).
fn frame(d: &mut Decoder) -> Result<(u64, Date, Date), TrustError> {
    array_of(d, 5)?;
    let sequence = d.u64().map_err(cbor)?;
    let issued = Date(d.u32().map_err(cbor)?);
    let expires = Date(d.u32().map_err(cbor)?);
    if expires < issued {
        return Err(TrustError::BadEntry("the list expires before it was issued"));
    }
    Ok((sequence, issued, expires))
}

fn head(e: &mut Encoder<Vec<u8>>, sequence: u64, issued: Date, expires: Date) {
    cose::written(e.array(5).and_then(|e| e.u64(sequence)).and_then(|e| e.u32(issued.0)).and_then(|e| e.u32(expires.0)));
}

fn strictly_ascending<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> bool {
    items.windows(2).all(|w| key(&w[0]) < key(&w[1]))
}

/// Notes shown to people: no control or invisible characters (empty is allowed).
fn shown_text_ok(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() || crate::label::is_invisible(c))
}

impl TrustList {
    /// Gives the list the sequence number and dates of `e`.
    pub fn set_edition(&mut self, e: Edition) {
        (self.sequence, self.issued, self.expires) = (e.sequence, e.issued, e.expires);
    }

    fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new(Vec::new());
        head(&mut e, self.sequence, self.issued, self.expires);
        cose::written((|| {
            e.array(self.issuers.len() as u64)?;
            for i in &self.issuers {
                e.array(5)?.bytes(i.key.as_bytes())?.str(&i.name)?.u8(assurance_bits(&i.assurances))?;
                e.u32(i.from.0)?.u32(i.until.0)?;
            }
            match &self.status_key {
                Some(k) => e.bytes(k.as_bytes())?,
                None => e.null()?,
            };
            Ok(())
        })());
        e.into_writer()
    }

    fn check(&self) -> Result<(), TrustError> {
        let mut kids: Vec<KeyId> = self.issuers.iter().map(Issuer::kid).collect();
        kids.extend(self.status_key.as_ref().map(cose::key_id));
        // Pairwise: a list holds tens of keys, and a sort's code is kilobytes of WebAssembly.
        if kids.iter().enumerate().any(|(i, k)| kids[..i].contains(k)) {
            return Err(TrustError::BadEntry("two keys of the list (issuers or the status key) share a key id"));
        }
        for i in &self.issuers {
            if i.name.len() > 64 || !crate::label::is_shown_text(&i.name) {
                return Err(TrustError::BadEntry("an issuer name is blank, longer than 64 bytes or has control or invisible characters"));
            }
            if i.assurances.is_empty() || i.until < i.from {
                return Err(TrustError::BadEntry("an issuer may sign nothing or its window ends before it starts"));
            }
            if i.key.is_weak() {
                return Err(TrustError::BadEntry("an issuer key is a weak (small-order) key"));
            }
        }
        if self.status_key.is_some_and(|k| k.is_weak()) {
            return Err(TrustError::BadEntry("the status key is a weak (small-order) key"));
        }
        Ok(())
    }

    /// Signs the list with the root key; refuses a list that breaks a rule.
    pub fn sign(&self, root: &SigningKey) -> Result<Vec<u8>, TrustError> {
        self.check()?;
        self.check_root(&root.verifying_key())?;
        Ok(cose::sign(root, &self.encode()))
    }

    /// The root key signs trust lists only: it is neither an issuer nor the status key.
    fn check_root(&self, root: &VerifyingKey) -> Result<(), TrustError> {
        if self.status_key == Some(*root) {
            return Err(TrustError::BadEntry("the status key must not be the root key"));
        }
        if self.issuers.iter().any(|i| i.key == *root) {
            return Err(TrustError::BadEntry("an issuer key must not be the root key"));
        }
        Ok(())
    }

    /// Verifies and reads a list signed by `root` (only the root signs trust lists).
    pub fn open(bytes: &[u8], root: &VerifyingKey) -> Result<TrustList, TrustError> {
        TrustList::open_under(bytes, &[root])
    }

    /// As [`TrustList::open`], signed by any of `roots`.
    fn open_under(bytes: &[u8], roots: &[&VerifyingKey]) -> Result<TrustList, TrustError> {
        let (list, signer) = open_signed(bytes, roots, read_trust_list, TrustList::encode)?;
        list.check()?;
        list.check_root(roots[signer])?;
        Ok(list)
    }

    pub fn issuer(&self, kid: &KeyId) -> Option<&Issuer> {
        self.issuers.iter().find(|i| &i.kid() == kid)
    }
}

fn read_trust_list(d: &mut Decoder) -> Result<TrustList, TrustError> {
    let (sequence, issued, expires) = frame(d)?;
    let count = entries(d)?;
    let issuers = (0..count).map(|_| read_issuer(d)).collect::<Result<_, _>>()?;
    let status_key = if d.datatype().map_err(cbor)? == Type::Null {
        d.null().map_err(cbor)?;
        None
    } else {
        Some(read_key(d, "the status key is not a 32-byte Ed25519 point")?)
    };
    Ok(TrustList { sequence, issued, expires, issuers, status_key })
}

fn read_key(d: &mut Decoder, what: &'static str) -> Result<VerifyingKey, TrustError> {
    let bytes: [u8; 32] = wire::cbor::bytes(d).map_err(cbor)?.try_into().map_err(|_| TrustError::BadEntry(what))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| TrustError::BadEntry(what))
}

fn read_issuer(d: &mut Decoder) -> Result<Issuer, TrustError> {
    array_of(d, 5)?;
    let key = read_key(d, "an issuer key is not a 32-byte Ed25519 point")?;
    let name = wire::cbor::str(d).map_err(cbor)?.to_owned();
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
    /// Gives the list the sequence number and dates of `e`.
    pub fn set_edition(&mut self, e: Edition) {
        (self.sequence, self.issued, self.expires) = (e.sequence, e.issued, e.expires);
    }

    fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new(Vec::new());
        head(&mut e, self.sequence, self.issued, self.expires);
        cose::written((|| {
            e.array(self.labels.len() as u64)?;
            for r in &self.labels {
                e.array(4)?.u64(r.id.0)?.u32(r.on.0)?.u8(r.reason as u8)?.str(&r.note)?;
            }
            e.array(self.suspended.len() as u64)?;
            for s in &self.suspended {
                let recorded: Vec<u8> = s.recorded.iter().flat_map(|f| f.0).collect();
                e.array(3)?.bytes(&s.kid)?.u32(s.from.0)?.bytes(&recorded)?;
            }
            Ok(())
        })());
        e.into_writer()
    }

    fn check(&self) -> Result<(), TrustError> {
        if self.expires < self.issued {
            return Err(TrustError::BadEntry("the list expires before it was issued"));
        }
        if !strictly_ascending(&self.labels, |r| r.id) {
            return Err(TrustError::BadEntry("label ids are not sorted and unique"));
        }
        if self.labels.iter().any(|r| r.note.len() > NOTE_MAX_BYTES || !shown_text_ok(&r.note)) {
            return Err(TrustError::BadEntry("a strike-off note is longer than 200 bytes or has control characters"));
        }
        if !strictly_ascending(&self.suspended, |s| s.kid) {
            return Err(TrustError::BadEntry("suspended keys are not sorted and unique"));
        }
        if self.suspended.iter().any(|s| !strictly_ascending(&s.recorded, |f| *f)) {
            return Err(TrustError::BadEntry("a suspension's recorded fingerprints are not sorted and unique"));
        }
        Ok(())
    }

    /// Adds a strike-off, keeping the list sorted; false when the label was already there.
    pub fn strike_off(&mut self, r: Revoked) -> bool {
        match self.labels.binary_search_by_key(&r.id, |x| x.id) {
            Ok(_) => false,
            Err(at) => {
                self.labels.insert(at, r);
                true
            }
        }
    }

    /// Signs the list with the root key or the status key; refuses a list that breaks a
    /// rule. (Whether the key may sign it is for verifiers to check, against the trust list.)
    pub fn sign(&self, key: &SigningKey) -> Result<Vec<u8>, TrustError> {
        self.check()?;
        Ok(cose::sign(key, &self.encode()))
    }

    /// Verifies and reads a list signed by `root` or by the status key `trust` names; a
    /// status-signed list may be valid for at most [`STATUS_LIST_MAX_DAYS`] days.
    pub fn open(bytes: &[u8], root: &VerifyingKey, trust: &TrustList) -> Result<RevocationList, TrustError> {
        RevocationList::open_signed_by(bytes, root, trust).map(|(list, _)| list)
    }

    /// Like [`RevocationList::open`], also giving the key id of the key that signed it.
    pub fn open_signed_by(bytes: &[u8], root: &VerifyingKey, trust: &TrustList) -> Result<(RevocationList, KeyId), TrustError> {
        RevocationList::open_under(bytes, &[root], trust)
    }

    /// As [`RevocationList::open_signed_by`], with any of `roots` in the root's place.
    fn open_under(bytes: &[u8], roots: &[&VerifyingKey], trust: &TrustList) -> Result<(RevocationList, KeyId), TrustError> {
        let mut keys = roots.to_vec();
        keys.extend(trust.status_key.as_ref());
        let (list, signer) = open_signed(bytes, &keys, read_revocation_list, RevocationList::encode)?;
        list.check()?;
        if signer == roots.len() && list.expires.0 - list.issued.0 > STATUS_LIST_MAX_DAYS {
            return Err(TrustError::BadEntry("a revocation list signed by the status key is valid for more than 7 days"));
        }
        Ok((list, cose::key_id(keys[signer])))
    }

    /// The strike-off of a label, if it is struck off.
    pub fn revoked(&self, id: LabelId) -> Option<&Revoked> {
        self.labels.binary_search_by_key(&id, |r| r.id).ok().map(|at| &self.labels[at])
    }

    pub fn contains(&self, id: LabelId) -> bool {
        self.revoked(id).is_some()
    }

    /// The suspension of an issuer key, if it is suspended.
    pub fn suspension(&self, kid: &KeyId) -> Option<&Suspension> {
        self.suspended.binary_search_by_key(kid, |s| s.kid).ok().map(|at| &self.suspended[at])
    }
}

fn read_revocation_list(d: &mut Decoder) -> Result<RevocationList, TrustError> {
    let (sequence, issued, expires) = frame(d)?;
    let labels = (0..entries(d)?).map(|_| read_revoked(d)).collect::<Result<_, _>>()?;
    let suspended = (0..entries(d)?).map(|_| read_suspension(d)).collect::<Result<_, _>>()?;
    Ok(RevocationList { sequence, issued, expires, labels, suspended })
}

fn read_revoked(d: &mut Decoder) -> Result<Revoked, TrustError> {
    array_of(d, 4)?;
    let id = LabelId(d.u64().map_err(cbor)?);
    let on = Date(d.u32().map_err(cbor)?);
    let code = d.u8().map_err(cbor)?;
    let reason = Reason::ALL.get(usize::from(code)).copied().ok_or(TrustError::BadEntry("a strike-off has an unknown reason"))?;
    let note = wire::cbor::str(d).map_err(cbor)?.to_owned();
    Ok(Revoked { id, on, reason, note })
}

fn read_suspension(d: &mut Decoder) -> Result<Suspension, TrustError> {
    array_of(d, 3)?;
    let kid: KeyId =
        wire::cbor::bytes(d).map_err(cbor)?.try_into().map_err(|_| TrustError::BadEntry("a suspended key id is not 4 bytes"))?;
    let from = Date(d.u32().map_err(cbor)?);
    let bytes = wire::cbor::bytes(d).map_err(cbor)?;
    if bytes.len() % FINGERPRINT_LEN != 0 {
        return Err(TrustError::BadEntry("a suspension's recorded fingerprints are not a multiple of 12 bytes"));
    }
    let recorded = bytes.chunks_exact(FINGERPRINT_LEN).map(|c| Fingerprint(c.try_into().unwrap_or([0; FINGERPRINT_LEN]))).collect();
    Ok(Suspension { kid, from, recorded })
}

/// A statement, signed by the mark's current root key, that the root moves to `to`.
/// A verifier that follows it takes lists signed by `to` from then on and no longer any
/// signed by the old root; the lists it holds stay in use until newer ones come. So an
/// operator retires a root key (ageing hardware, a planned change of custodian) without
/// shipping every verifier a new key: statements chain, R0 → R1 → R2, each signed by the
/// root it retires. It does not rescue a root key that has leaked: its holder could sign a
/// rotation to a key of their own first (see docs/wire-format.md, section 5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootRotation {
    /// The new root key.
    pub to: VerifyingKey,
    /// The day the statement was made, for people to read.
    pub on: Date,
}

/// The first item of a rotation's payload, which no list can start with (theirs is a
/// sequence number).
const ROTATION_TAG: &str = "iotmark-root-rotation";

impl RootRotation {
    fn encode(&self) -> Vec<u8> {
        let mut e = Encoder::new(Vec::new());
        cose::written(
            e.array(3).and_then(|e| e.str(ROTATION_TAG)).and_then(|e| e.bytes(self.to.as_bytes())).and_then(|e| e.u32(self.on.0)),
        );
        e.into_writer()
    }

    fn check(&self, from: &VerifyingKey) -> Result<(), TrustError> {
        if self.to == *from {
            return Err(TrustError::BadEntry("a root rotation must name a new key"));
        }
        if self.to.is_weak() {
            return Err(TrustError::BadEntry("the new root key is a weak (small-order) key"));
        }
        Ok(())
    }

    /// Signs the statement with the root key it retires.
    pub fn sign(&self, root: &SigningKey) -> Result<Vec<u8>, TrustError> {
        self.check(&root.verifying_key())?;
        Ok(cose::sign(root, &self.encode()))
    }

    /// Verifies and reads a statement signed by `root`, the root it retires.
    pub fn open(bytes: &[u8], root: &VerifyingKey) -> Result<RootRotation, TrustError> {
        let (rotation, _) = open_signed(bytes, &[root], read_rotation, RootRotation::encode)?;
        rotation.check(root)?;
        Ok(rotation)
    }
}

fn read_rotation(d: &mut Decoder) -> Result<RootRotation, TrustError> {
    array_of(d, 3)?;
    if wire::cbor::str(d).map_err(cbor)? != ROTATION_TAG {
        return Err(FormatError::BadStructure.into());
    }
    let to = read_key(d, "the new root key is not a 32-byte Ed25519 point")?;
    Ok(RootRotation { to, on: Date(d.u32().map_err(cbor)?) })
}

/// The lists a verifier holds. Offered lists replace held ones only when validly signed
/// and with a higher sequence number: an older list never replaces a newer one, whatever
/// order they arrive in.
///
/// A held revocation list signed by a status key that a newer trust list no longer names
/// is *superseded*: it stays in use, but any validly signed revocation list replaces it
/// whatever its sequence number. So an operator recovers from a leaked status key (whose
/// holder could sign a list numbered 2^64 - 1 that nothing could ever replace) by naming
/// a new status key in a new trust list.
#[derive(Clone, Debug)]
pub struct Lists {
    pub root: VerifyingKey,
    pub trust: TrustList,
    pub revoked: Option<RevocationList>,
    /// The key id of the key that signed `revoked`.
    revoked_by: Option<KeyId>,
    /// Where the trust list, the revocation list and the last root rotation came from.
    origins: [Origin; 3],
    /// The roots followed away from by [`RootRotation`]s, oldest first.
    retired: Vec<VerifyingKey>,
}

impl Lists {
    pub fn new(root: VerifyingKey, trust: &[u8], revoked: Option<&[u8]>) -> Result<Lists, TrustError> {
        Lists::after_rotations(root, &[], trust, revoked)
    }

    /// Lists for a verifier that pins `pinned` and has followed `rotations` (oldest first,
    /// each signed by the root before it). Its first lists may be signed by any root of
    /// that chain: they come from where the pinned key comes from (the page or app, or
    /// this verifier's own store). Lists offered later must be signed by the newest root.
    pub fn after_rotations(pinned: VerifyingKey, rotations: &[&[u8]], trust: &[u8], revoked: Option<&[u8]>) -> Result<Lists, TrustError> {
        let mut chain = vec![pinned];
        for bytes in rotations {
            let now = *chain.last().expect("the chain starts with the pinned key");
            chain.push(RootRotation::open(bytes, &now)?.to);
        }
        let roots: Vec<&VerifyingKey> = chain.iter().rev().collect();
        let trust = TrustList::open_under(trust, &roots)?;
        let opened = revoked.map(|b| RevocationList::open_under(b, &roots, &trust)).transpose()?;
        let (revoked, revoked_by) = opened.map_or((None, None), |(list, by)| (Some(list), Some(by)));
        let root = chain.pop().expect("the chain is never empty");
        Ok(Lists { root, trust, revoked, revoked_by, origins: [Origin::Shipped; 3], retired: chain })
    }

    /// Every root this verifier has had, newest first.
    fn roots(&self) -> Vec<&VerifyingKey> {
        std::iter::once(&self.root).chain(self.retired.iter().rev()).collect()
    }

    /// Follows a root rotation signed by the current root: from now on lists must be signed
    /// by its new key. Returns false for a statement already followed (signed by a retired
    /// root, naming a key of the chain), so kept statements can be offered again.
    pub fn follow(&mut self, bytes: &[u8]) -> Result<bool, TrustError> {
        match RootRotation::open(bytes, &self.root) {
            Ok(r) => {
                self.retired.push(std::mem::replace(&mut self.root, r.to));
                Ok(true)
            }
            Err(TrustError::BadSignature) if self.followed(bytes) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Whether `bytes` is a rotation this verifier has followed already.
    fn followed(&self, bytes: &[u8]) -> bool {
        let chain = self.roots();
        self.retired.iter().any(|old| RootRotation::open(bytes, old).is_ok_and(|r| chain.contains(&&r.to)))
    }

    /// Where the held list of `kind` came from ([`Origin::Shipped`] until one is taken).
    pub fn origin(&self, kind: ListKind) -> Origin {
        self.origins[kind as usize]
    }

    /// Records where the held list of `kind` came from: a caller that took a list by
    /// [`Lists::offer_trust`], [`Lists::offer_revocation`] or [`Lists::offer_file`] says
    /// by which channel, since only it knows.
    pub fn came(&mut self, kind: ListKind, origin: Origin) {
        self.origins[kind as usize] = origin;
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

    /// Whether the held revocation list was signed by a key the trust list no longer
    /// allows (a status key since replaced or dropped).
    pub fn revocation_superseded(&self) -> bool {
        let root = cose::key_id(&self.root);
        let status = self.trust.status_key.as_ref().map(cose::key_id);
        self.revoked_by.is_some_and(|by| by != root && Some(by) != status)
    }

    /// Takes `bytes` as the revocation list if valid and newer (or the held one is
    /// superseded); returns whether it did.
    pub fn offer_revocation(&mut self, bytes: &[u8]) -> Result<bool, TrustError> {
        let (list, by) = RevocationList::open_signed_by(bytes, &self.root, &self.trust)?;
        let take = self.revocation_superseded() || self.revoked.as_ref().is_none_or(|r| list.sequence > r.sequence);
        if take {
            self.revoked = Some(list);
            self.revoked_by = Some(by);
        }
        Ok(take)
    }

    /// Takes a list file of either kind, or a root rotation, however it arrived (a file
    /// passed from a phone that was online, a message): which it is, and whether it was
    /// taken. A list is taken only when validly signed and newer than the one held; a
    /// rotation only when signed by the current root.
    pub fn offer_file(&mut self, bytes: &[u8]) -> (Option<ListKind>, Offered) {
        if bytes.len() > LIST_FILE_MAX_BYTES {
            return (None, Offered::TooLarge);
        }
        match self.follow(bytes) {
            Ok(true) => return (Some(ListKind::Root), Offered::Taken),
            Ok(false) => return (Some(ListKind::Root), Offered::Same),
            Err(_) => {}
        }
        let as_trust = match TrustList::open(bytes, &self.root) {
            Ok(list) => {
                let offered = by_sequence(list.sequence, self.trust.sequence);
                if offered == Offered::Taken {
                    self.trust = list;
                }
                return (Some(ListKind::Trust), offered);
            }
            Err(e) => e,
        };
        match RevocationList::open_signed_by(bytes, &self.root, &self.trust) {
            Ok((list, by)) => {
                let held = self.revoked.as_ref().map_or(0, |r| r.sequence);
                let offered =
                    if self.revocation_superseded() || self.revoked.is_none() { Offered::Taken } else { by_sequence(list.sequence, held) };
                if offered == Offered::Taken {
                    self.revoked = Some(list);
                    self.revoked_by = Some(by);
                }
                (Some(ListKind::Revocation), offered)
            }
            // Signed, but by a key this verifier does not take lists from.
            Err(e) if e == TrustError::BadSignature || as_trust == TrustError::BadSignature => (None, Offered::WrongSigner),
            Err(_) => (None, Offered::NotAList),
        }
    }

    /// What labels are checked against on `today` with these lists.
    pub fn context(&self, today: Date) -> Context<'_> {
        Context { trust: &self.trust, revoked: self.revoked.as_ref(), today }
    }
}

/// What a verifier checks labels against: a trust list, maybe a revocation list, and the
/// day (UTC) it judges dates on.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    pub trust: &'a TrustList,
    pub revoked: Option<&'a RevocationList>,
    pub today: Date,
}

/// How fresh a list is, as a verifier reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Freshness {
    pub sequence: u64,
    pub issued: Date,
    pub expires: Date,
    /// Whole days since the list was issued (0 when the clock is behind it).
    pub age_days: u32,
    /// Past its expiry: verifiers keep verifying but warn.
    pub expired: bool,
    /// Where the list came from, when the verifier knows (`verify::against` says).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "wasm", tsify(optional))]
    pub origin: Option<Origin>,
}

impl Freshness {
    pub fn of(sequence: u64, issued: Date, expires: Date, today: Date) -> Freshness {
        Freshness { sequence, issued, expires, age_days: today.0.saturating_sub(issued.0), expired: today > expires, origin: None }
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
        TrustList { sequence: 3, issued: Date(150), expires: Date(180), issuers: vec![issuer], status_key: Some(key(7).verifying_key()) }
    }

    fn struck(id: u64) -> Revoked {
        Revoked { id: LabelId(id), on: Date(160), reason: Reason::WrongProduct, note: "Used on a kettle".into() }
    }

    fn revocations(sequence: u64) -> RevocationList {
        RevocationList { sequence, issued: Date(160), expires: Date(163), ..Default::default() }
    }

    #[test]
    fn a_list_file_from_any_channel_is_taken_only_when_signed_and_newer() {
        let root = key(1);
        let mut lists = Lists::new(root.verifying_key(), &list().sign(&root).unwrap(), Some(&revocations(4).sign(&root).unwrap())).unwrap();
        let newer = TrustList { sequence: 4, ..list() };
        assert_eq!(lists.offer_file(&newer.sign(&root).unwrap()), (Some(ListKind::Trust), Offered::Taken));
        assert_eq!(lists.offer_file(&newer.sign(&root).unwrap()), (Some(ListKind::Trust), Offered::Same));
        assert_eq!(lists.offer_file(&list().sign(&root).unwrap()), (Some(ListKind::Trust), Offered::Older));
        assert_eq!(lists.offer_file(&revocations(5).sign(&key(7)).unwrap()), (Some(ListKind::Revocation), Offered::Taken));
        assert_eq!(lists.offer_file(&revocations(3).sign(&root).unwrap()), (Some(ListKind::Revocation), Offered::Older));
        assert_eq!(lists.offer_file(&revocations(9).sign(&key(9)).unwrap()), (None, Offered::WrongSigner));
        assert_eq!(lists.offer_file(&newer.sign(&key(9)).unwrap()), (None, Offered::WrongSigner));
        assert_eq!(lists.offer_file(b"hello"), (None, Offered::NotAList));
        assert_eq!(lists.offer_file(&vec![0; LIST_FILE_MAX_BYTES + 1]), (None, Offered::TooLarge));
        assert_eq!(lists.trust.sequence, 4);
        assert_eq!(lists.revoked.as_ref().map(|r| r.sequence), Some(5));
    }

    #[test]
    fn a_list_that_does_not_parse_is_said_to_be_a_list_not_a_label() {
        let root = key(1);
        let trust = list().sign(&root).unwrap();
        // A trust list given as the revocation list, and one cut short.
        let as_revocation = Lists::new(root.verifying_key(), &trust, Some(&trust)).unwrap_err().to_string();
        let cut = TrustList::open(&trust[..trust.len() - 5], &root.verifying_key()).unwrap_err().to_string();
        for message in [&as_revocation, &cut] {
            assert!(message.starts_with("the list is malformed: it"), "{message}");
            assert!(!message.contains("label"), "{message}");
        }
    }

    #[test]
    fn trust_list_round_trips_and_needs_the_root() {
        let bytes = list().sign(&key(1)).unwrap();
        assert_eq!(TrustList::open(&bytes, &key(1).verifying_key()), Ok(list()));
        assert_eq!(TrustList::open(&bytes, &key(9).verifying_key()), Err(TrustError::BadSignature));
        let plain = TrustList { status_key: None, ..list() };
        assert_eq!(TrustList::open(&plain.sign(&key(1)).unwrap(), &key(1).verifying_key()), Ok(plain));
    }

    #[test]
    fn the_status_key_signs_revocation_lists_and_nothing_else() {
        let (root, status) = (key(1), key(7));
        let trust = list();
        // A trust list signed by the status key is refused.
        assert_eq!(TrustList::open(&cose::sign(&status, &trust.encode()), &root.verifying_key()), Err(TrustError::BadSignature));
        // A revocation list from it is taken, when valid for at most 7 days.
        let mut r = revocations(1);
        r.strike_off(struck(5));
        let opened = RevocationList::open(&r.sign(&status).unwrap(), &root.verifying_key(), &trust).unwrap();
        assert_eq!(opened, r);
        let long = RevocationList { expires: Date(168), ..r.clone() };
        let refused = RevocationList::open(&long.sign(&status).unwrap(), &root.verifying_key(), &trust);
        assert_eq!(refused, Err(TrustError::BadEntry("a revocation list signed by the status key is valid for more than 7 days")));
        // The root may sign a long-lived one; a list naming no status key takes only the root's.
        assert!(RevocationList::open(&long.sign(&root).unwrap(), &root.verifying_key(), &trust).is_ok());
        let no_status = TrustList { status_key: None, ..trust.clone() };
        assert_eq!(RevocationList::open(&r.sign(&status).unwrap(), &root.verifying_key(), &no_status), Err(TrustError::BadSignature));
        // An issuer key cannot sign revocation lists.
        assert_eq!(RevocationList::open(&r.sign(&key(2)).unwrap(), &root.verifying_key(), &trust), Err(TrustError::BadSignature));
    }

    #[test]
    fn the_status_key_is_no_issuer_and_not_the_root() {
        let mut l = list();
        l.status_key = Some(key(2).verifying_key());
        assert!(matches!(l.sign(&key(1)), Err(TrustError::BadEntry(_))));
        l.status_key = Some(key(1).verifying_key());
        assert!(matches!(l.sign(&key(1)), Err(TrustError::BadEntry(_))));
    }

    #[test]
    fn an_older_list_never_replaces_a_newer_one() {
        let root = key(1);
        let v3 = list().sign(&root).unwrap();
        let v5 = TrustList { sequence: 5, ..list() }.sign(&root).unwrap();
        let forged = cose::sign(&key(2), &TrustList { sequence: 9, ..list() }.encode());
        let mut lists = Lists::new(root.verifying_key(), &v3, None).unwrap();
        assert_eq!(lists.offer_trust(&v5), Ok(true));
        assert_eq!(lists.offer_trust(&v3), Ok(false));
        assert_eq!(lists.trust.sequence, 5);
        assert_eq!(lists.offer_trust(&forged), Err(TrustError::BadSignature));
        assert_eq!(lists.trust.sequence, 5);
        let r1 = revocations(1).sign(&root).unwrap();
        let r2 = revocations(2).sign(&key(7)).unwrap();
        assert_eq!(lists.offer_revocation(&r2), Ok(true));
        assert_eq!(lists.offer_revocation(&r1), Ok(false));
        assert_eq!(lists.revoked.as_ref().map(|r| r.sequence), Some(2));
    }

    #[test]
    fn duplicate_issuers_are_refused() {
        let mut l = list();
        l.issuers.push(l.issuers[0].clone());
        assert!(matches!(l.sign(&key(1)), Err(TrustError::BadEntry(_))));
    }

    #[test]
    fn revocation_list_stays_sorted_and_keeps_why() {
        let mut r = revocations(1);
        assert!(r.strike_off(struck(9)));
        assert!(r.strike_off(struck(3)));
        assert!(!r.strike_off(struck(9)));
        assert_eq!(r.labels.iter().map(|x| x.id.0).collect::<Vec<_>>(), vec![3, 9]);
        let fp = |b: u8| Fingerprint([b; FINGERPRINT_LEN]);
        r.suspended.push(Suspension { kid: [1, 2, 3, 4], from: Date(150), recorded: vec![fp(1), fp(4)] });
        let bytes = r.sign(&key(1)).unwrap();
        let back = RevocationList::open(&bytes, &key(1).verifying_key(), &list()).unwrap();
        assert_eq!(back.revoked(LabelId(3)), Some(&struck(3)));
        assert!(!back.contains(LabelId(4)));
        let s = back.suspension(&[1, 2, 3, 4]).unwrap();
        assert!(s.recorded(&fp(4)) && !s.recorded(&fp(2)));
        assert!(back.suspension(&[0; 4]).is_none());
        let unsorted = Suspension { kid: [1, 2, 3, 4], from: Date(150), recorded: vec![fp(4), fp(1)] };
        assert!(RevocationList { suspended: vec![unsorted], ..revocations(1) }.sign(&key(1)).is_err());
        let long_note = Revoked { note: "x".repeat(NOTE_MAX_BYTES + 1), ..struck(1) };
        assert!(RevocationList { labels: vec![long_note], ..revocations(1) }.sign(&key(1)).is_err());
    }

    #[test]
    fn list_payloads_must_be_canonical() {
        // The sequence number 3 written in two bytes (0x18 0x03) instead of one.
        let good = revocations(3).encode();
        let mut payload = vec![good[0], 0x18];
        payload.extend_from_slice(&good[1..]);
        let bytes = cose::sign(&key(1), &payload);
        assert_eq!(RevocationList::open(&bytes, &key(1).verifying_key(), &list()), Err(TrustError::Format(FormatError::NonCanonical)));
    }

    #[test]
    fn a_new_status_key_recovers_from_a_leaked_one() {
        let (root, leaked, fresh) = (key(1), key(7), key(8));
        let mut lists = Lists::new(root.verifying_key(), &list().sign(&root).unwrap(), None).unwrap();
        // The leaked key's holder publishes an empty list numbered as high as it goes.
        let pinned = RevocationList { sequence: u64::MAX, ..revocations(0) }.sign(&leaked).unwrap();
        assert_eq!(lists.offer_revocation(&pinned), Ok(true));
        let honest = {
            let mut r = revocations(5);
            r.strike_off(struck(9));
            r
        };
        assert_eq!(lists.offer_revocation(&honest.sign(&fresh).unwrap()), Err(TrustError::BadSignature));
        // The operator names a new status key; the pinned list is superseded and replaced.
        let rotated = TrustList { sequence: 4, status_key: Some(fresh.verifying_key()), ..list() };
        assert_eq!(lists.offer_trust(&rotated.sign(&root).unwrap()), Ok(true));
        assert!(lists.revocation_superseded());
        assert_eq!(lists.offer_revocation(&honest.sign(&fresh).unwrap()), Ok(true));
        assert!(lists.revoked.as_ref().unwrap().contains(LabelId(9)));
        assert!(!lists.revocation_superseded());
        // From then on the usual rule holds again.
        assert_eq!(lists.offer_revocation(&revocations(4).sign(&fresh).unwrap()), Ok(false));
    }

    #[test]
    fn a_verification_says_where_each_list_came_from() {
        let root = key(1);
        let mut lists = Lists::new(root.verifying_key(), &list().sign(&root).unwrap(), Some(&revocations(2).sign(&root).unwrap())).unwrap();
        let v = crate::verify::against(&lists, "", Date(150));
        assert_eq!((v.trust_list.origin, v.revocation_list.unwrap().origin), (Some(Origin::Shipped), Some(Origin::Shipped)));
        assert_eq!(lists.offer_file(&revocations(3).sign(&root).unwrap()), (Some(ListKind::Revocation), Offered::Taken));
        lists.came(ListKind::Revocation, Origin::File(Date(151)));
        let v = crate::verify::against(&lists, "", Date(151));
        assert_eq!(v.trust_list.origin, Some(Origin::Shipped));
        assert_eq!(v.revocation_list.unwrap().origin, Some(Origin::File(Date(151))));
        assert_eq!(Origin::File(Date(151)).on(), Some(Date(151)));
        // Verifying without a verifier's lists knows no origin.
        assert_eq!(crate::verify::verify("", &lists.context(Date(151))).trust_list.origin, None);
    }

    #[test]
    fn a_root_rotation_moves_the_root_and_is_followed_once() {
        let (r0, r1, r2) = (key(1), key(11), key(12));
        let rotate = |from: &SigningKey, to: &SigningKey| RootRotation { to: to.verifying_key(), on: Date(150) }.sign(from).unwrap();
        let newer = |n| TrustList { sequence: n, ..list() };
        let mut lists = Lists::new(r0.verifying_key(), &list().sign(&r0).unwrap(), None).unwrap();
        // Before the rotation the new root signs nothing this verifier takes.
        assert_eq!(lists.offer_trust(&newer(4).sign(&r1).unwrap()), Err(TrustError::BadSignature));
        assert_eq!(lists.follow(&rotate(&r0, &r1)), Ok(true));
        assert_eq!(lists.root, r1.verifying_key());
        // The list held stays in use; the old root signs nothing any more.
        assert_eq!(lists.trust.sequence, 3);
        assert_eq!(lists.offer_trust(&newer(4).sign(&r0).unwrap()), Err(TrustError::BadSignature));
        assert_eq!(lists.offer_trust(&newer(4).sign(&r1).unwrap()), Ok(true));
        // Offered again (a kept copy): already followed, nothing changes.
        assert_eq!(lists.follow(&rotate(&r0, &r1)), Ok(false));
        assert_eq!(lists.offer_file(&rotate(&r0, &r1)), (Some(ListKind::Root), Offered::Same));
        // A rotation by a key that is no root of this verifier's is refused.
        assert_eq!(lists.follow(&rotate(&r2, &r0)), Err(TrustError::BadSignature));
        assert_eq!(lists.offer_file(&rotate(&r2, &r0)), (None, Offered::WrongSigner));
        assert_eq!(lists.offer_file(&rotate(&r1, &r2)), (Some(ListKind::Root), Offered::Taken));
        assert_eq!(lists.root, r2.verifying_key());
    }

    #[test]
    fn a_verifier_set_up_after_rotations_takes_its_first_lists_from_any_root_of_the_chain() {
        let (r0, r1, r2) = (key(1), key(11), key(12));
        let rotate = |from: &SigningKey, to: &SigningKey| RootRotation { to: to.verifying_key(), on: Date(150) }.sign(from).unwrap();
        let chain = [rotate(&r0, &r1), rotate(&r1, &r2)];
        let chain: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
        for signer in [&r0, &r1, &r2] {
            let lists = Lists::after_rotations(
                r0.verifying_key(),
                &chain,
                &list().sign(signer).unwrap(),
                Some(&revocations(2).sign(signer).unwrap()),
            )
            .unwrap();
            assert_eq!(lists.root, r2.verifying_key());
        }
        let mut lists = Lists::after_rotations(r0.verifying_key(), &chain, &list().sign(&r0).unwrap(), None).unwrap();
        assert_eq!(lists.offer_trust(&TrustList { sequence: 4, ..list() }.sign(&r1).unwrap()), Err(TrustError::BadSignature));
        assert!(lists.revocation_superseded() || lists.revoked.is_none());
        // Out of order, or from another root: refused.
        let backwards: Vec<&[u8]> = chain.iter().rev().copied().collect();
        assert_eq!(
            Lists::after_rotations(r0.verifying_key(), &backwards, &list().sign(&r0).unwrap(), None).err(),
            Some(TrustError::BadSignature)
        );
        assert_eq!(
            Lists::after_rotations(r0.verifying_key(), &chain, &list().sign(&key(13)).unwrap(), None).err(),
            Some(TrustError::BadSignature)
        );
    }

    #[test]
    fn a_root_rotation_is_strict() {
        let r0 = key(1);
        assert_eq!(
            RootRotation { to: r0.verifying_key(), on: Date(1) }.sign(&r0),
            Err(TrustError::BadEntry("a root rotation must name a new key"))
        );
        // A trust list is not a rotation, nor a rotation a trust list.
        let as_list = list().sign(&r0).unwrap();
        assert_eq!(RootRotation::open(&as_list, &r0.verifying_key()), Err(TrustError::Format(FormatError::BadStructure)));
        let rotation = RootRotation { to: key(11).verifying_key(), on: Date(1) }.sign(&r0).unwrap();
        assert_eq!(TrustList::open(&rotation, &r0.verifying_key()), Err(TrustError::Format(FormatError::BadStructure)));
        // Another tag: bad-structure; a non-minimal date: non-canonical.
        let mut payload = RootRotation { to: key(11).verifying_key(), on: Date(1) }.encode();
        let at = payload.iter().position(|b| *b == b'r').unwrap();
        payload[at] = b'R';
        assert_eq!(RootRotation::open(&cose::sign(&r0, &payload), &r0.verifying_key()), Err(TrustError::Format(FormatError::BadStructure)));
        let mut long = RootRotation { to: key(11).verifying_key(), on: Date(1) }.encode();
        let last = long.pop().unwrap();
        long.extend([0x18, last]);
        assert_eq!(RootRotation::open(&cose::sign(&r0, &long), &r0.verifying_key()), Err(TrustError::Format(FormatError::NonCanonical)));
    }

    #[test]
    fn the_root_is_no_issuer() {
        let mut l = list();
        l.issuers[0].key = key(1).verifying_key();
        assert_eq!(l.sign(&key(1)), Err(TrustError::BadEntry("an issuer key must not be the root key")));
        let bytes = cose::sign(&key(1), &l.encode());
        assert_eq!(TrustList::open(&bytes, &key(1).verifying_key()), Err(TrustError::BadEntry("an issuer key must not be the root key")));
    }

    #[test]
    fn editions_count_up_and_never_wrap() {
        let e = Edition::first(Date(100), 30).unwrap();
        assert_eq!(e, Edition { sequence: 1, issued: Date(100), expires: Date(130) });
        assert_eq!(Edition::after(1, Date(120), 3).unwrap().sequence, 2);
        assert!(Edition::after(u64::MAX, Date(120), 3).is_err());
        assert!(Edition::first(Date(100), u32::MAX).is_err());
    }

    #[test]
    fn fingerprints_name_the_signed_payload() {
        let envelope = cose::sign(&key(2), b"claims");
        let text = wire::to_text(&envelope, None);
        assert_eq!(Fingerprint::of_text(&text), Ok(Fingerprint::of_payload(b"claims")));
        assert_eq!(Fingerprint::of_text("hello"), Err(FormatError::NotALabel));
    }
}
