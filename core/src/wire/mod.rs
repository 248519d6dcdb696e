//! The wire format of a label, specified in prose in `docs/wire-format.md`.
//!
//! A label travels as text: `IM1:` followed by decimal digits ([`digits`]) that carry a
//! COSE_Sign1 envelope ([`cose`]) whose payload is the label's claims, a CBOR array of 21
//! items in a fixed order ([`encode_claims`]). The URL form puts that text in the
//! fragment of a scanner's address (`https://host/path#IM1:…`), which browsers never send
//! to a server. This module is the only place that reads or writes these bytes.

pub(crate) mod cbor;
pub mod cose;
pub mod digits;

use crate::catalogue;
use crate::date::{Date, YearMonth};
use crate::grade::Grade;
use crate::label::*;
use minicbor::{Decoder, Encoder};
use std::fmt;

/// What starts the bare text form; the `1` is the format version.
pub const PREFIX: &str = "IM1:";
/// Number of items in the claims array.
const CLAIMS: u64 = 21;

/// Why bytes or text are not a well-formed label. Each has a stable code (see
/// [`FormatError::code`]) used by the conformance vectors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// The text is neither the bare nor the URL form of a label.
    NotALabel,
    /// The digits after the prefix are not a valid digit encoding.
    BadDigits,
    /// The bytes end in the middle of a structure.
    Truncated,
    /// Bytes follow the end of the structure.
    TrailingData,
    /// The structure is valid CBOR but not in its one canonical encoding.
    NonCanonical,
    /// The envelope is not the documented COSE_Sign1 shape.
    BadStructure,
    /// The protected header is not exactly `{1: -8, 4: kid}`.
    BadHeader,
    /// The envelope names an algorithm other than EdDSA.
    WrongAlgorithm,
    /// A claim has the wrong type or an out-of-range value.
    BadClaim(&'static str),
    /// The claims break a rule of the label model.
    Label(LabelError),
}

impl FormatError {
    pub fn code(&self) -> &'static str {
        match self {
            FormatError::NotALabel => "not-a-label",
            FormatError::BadDigits => "bad-digits",
            FormatError::Truncated => "truncated",
            FormatError::TrailingData => "trailing-data",
            FormatError::NonCanonical => "non-canonical",
            FormatError::BadStructure => "bad-structure",
            FormatError::BadHeader => "bad-header",
            FormatError::WrongAlgorithm => "wrong-algorithm",
            FormatError::BadClaim(_) => "bad-claim",
            FormatError::Label(LabelError::UnknownCatalogue(_)) => "unknown-catalogue",
            FormatError::Label(_) => "bad-claim",
        }
    }
}

impl FormatError {
    /// Writes this error said of `it` and `its`: "the label", "the label's" for a label (its
    /// `Display`), "it", "its" after "the list is malformed: " for a list, in the same words.
    pub fn describe(&self, f: &mut fmt::Formatter<'_>, it: &str, its: &str) -> fmt::Result {
        match self {
            FormatError::NotALabel => {
                write!(f, "the text is not an iotmark label (it must start with {PREFIX} or be a link ending in #{PREFIX}…)")
            }
            FormatError::BadDigits => write!(f, "{its} digits are damaged"),
            FormatError::Truncated => write!(f, "{it} is cut short"),
            FormatError::TrailingData => write!(f, "{it} has extra data after its end"),
            FormatError::NonCanonical => write!(f, "{it} is not in its canonical encoding"),
            FormatError::BadStructure => write!(f, "{its} signed envelope is malformed"),
            FormatError::BadHeader => write!(f, "{its} signature header is malformed"),
            FormatError::WrongAlgorithm => write!(f, "{it} is signed with an algorithm other than Ed25519"),
            FormatError::BadClaim(field) => write!(f, "{its} {field} is malformed"),
            FormatError::Label(e) => write!(f, "{it} breaks a rule: {e}"),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f, "the label", "the label's")
    }
}

impl std::error::Error for FormatError {}

impl From<LabelError> for FormatError {
    fn from(e: LabelError) -> Self {
        FormatError::Label(e)
    }
}

/// Label text taken apart: the envelope bytes and, for the URL form, the link before `#`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelText {
    pub link: Option<String>,
    pub envelope: Vec<u8>,
}

/// Reads the bare or URL text form. Surrounding white space is ignored.
pub fn parse_text(text: &str) -> Result<LabelText, FormatError> {
    let text = text.trim();
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let (link, bare) = if lower.starts_with("https://") || lower.starts_with("http://") {
        let (link, fragment) = text.split_once('#').ok_or(FormatError::NotALabel)?;
        (Some(link.to_owned()), fragment)
    } else {
        (None, text)
    };
    let digits = bare.strip_prefix(PREFIX).ok_or(FormatError::NotALabel)?;
    let envelope = digits::decode(digits).ok_or(FormatError::BadDigits)?;
    Ok(LabelText { link, envelope })
}

/// Writes the text form: bare, or the URL form when a scanner address is given.
pub fn to_text(envelope: &[u8], link: Option<&str>) -> String {
    let bare = format!("{PREFIX}{}", digits::encode(envelope));
    match link {
        Some(link) => format!("{link}#{bare}"),
        None => bare,
    }
}

fn pack_statuses(statuses: &[Status]) -> Vec<u8> {
    let mut out = vec![0u8; statuses.len().div_ceil(4)];
    for (i, s) in statuses.iter().enumerate() {
        out[i / 4] |= (*s as u8) << (2 * (i % 4));
    }
    out
}

fn unpack_statuses(bytes: &[u8], count: usize) -> Option<Vec<Status>> {
    if bytes.len() != count.div_ceil(4) {
        return None;
    }
    let all: Vec<Status> = (0..bytes.len() * 4).map(|i| Status::ALL[usize::from(bytes[i / 4] >> (2 * (i % 4)) & 3)]).collect();
    // Padding bits after the last status must be zero (status "met").
    all[count..].iter().all(|s| *s == Status::Met).then(|| all[..count].to_vec())
}

/// The claims of a label as canonical CBOR. The label must pass [`Label::check`].
pub fn encode_claims(label: &Label) -> Vec<u8> {
    let p = &label.product;
    let f = &label.facts;
    let mut e = Encoder::new(Vec::new());
    let opt = |e: &mut Encoder<Vec<u8>>, v: &Option<String>| match v {
        Some(s) => e.str(s).map(|_| ()),
        None => e.null().map(|_| ()),
    };
    // A GTIN is all digits (checked by Label::check); as a number it takes 9 bytes, not 14.
    let gtin = |e: &mut Encoder<Vec<u8>>, v: &Option<String>| match v.as_deref().map(str::parse::<u64>) {
        Some(Ok(n)) => e.u64(n).map(|_| ()),
        _ => e.null().map(|_| ()),
    };
    let r = (|| {
        e.array(CLAIMS)?.u64(label.id.0)?.u16(label.catalogue)?;
        e.str(&p.maker)?.str(&p.name)?.str(&p.model)?;
        gtin(&mut e, &p.gtin)?;
        opt(&mut e, &p.serial)?;
        e.bytes(&pack_statuses(&label.principles))?.u8(label.grade as u8)?.u8(label.assurance as u8)?;
        e.u32(label.issued.0)?.u32(label.valid_until.0)?;
        let l = &f.lifecycle;
        e.u32(l.updates_until.0)?.u8(l.update_delivery as u8)?.u8(l.without_cloud as u8)?.u32(l.repair.bits())?;
        let pr = &f.privacy;
        e.u32(pr.sensors.bits())?.u8(pr.processing as u8)?.u32(pr.sharing.bits())?.u32(pr.rights.bits())?;
        e.u32(f.openness.bits())?;
        Ok::<_, minicbor::encode::Error<std::convert::Infallible>>(())
    })();
    cose::written(r);
    e.into_writer()
}

/// One claim, decoded with a field name for the error.
struct Claims<'b> {
    d: Decoder<'b>,
}

impl<'b> Claims<'b> {
    fn uint(&mut self, field: &'static str) -> Result<u64, FormatError> {
        self.d.u64().map_err(|e| if e.is_end_of_input() { FormatError::Truncated } else { FormatError::BadClaim(field) })
    }

    fn small(&mut self, field: &'static str, max: u64) -> Result<u32, FormatError> {
        let v = self.uint(field)?;
        u32::try_from(v).ok().filter(|v| u64::from(*v) <= max).ok_or(FormatError::BadClaim(field))
    }

    fn text(&mut self, field: &'static str) -> Result<String, FormatError> {
        cbor::str(&mut self.d).map(str::to_owned).map_err(|e| {
            if e.is_end_of_input() {
                FormatError::Truncated
            } else {
                FormatError::BadClaim(field)
            }
        })
    }

    fn optional_text(&mut self, field: &'static str) -> Result<Option<String>, FormatError> {
        if self.d.datatype().map_err(cose::cbor_error)? == minicbor::data::Type::Null {
            self.d.null().map_err(cose::cbor_error)?;
            return Ok(None);
        }
        self.text(field).map(Some)
    }

    fn optional_gtin(&mut self) -> Result<Option<String>, FormatError> {
        if self.d.datatype().map_err(cose::cbor_error)? == minicbor::data::Type::Null {
            self.d.null().map_err(cose::cbor_error)?;
            return Ok(None);
        }
        Ok(Some(normalise_gtin(&self.uint("GTIN")?.to_string())))
    }

    fn flags<T>(&mut self, field: &'static str, from_bits: fn(u32) -> Option<T>) -> Result<T, FormatError> {
        let v = self.small(field, u64::from(u32::MAX))?;
        from_bits(v).ok_or(FormatError::BadClaim(field))
    }

    fn choice<T: Copy>(&mut self, field: &'static str, values: &[T]) -> Result<T, FormatError> {
        let v = self.small(field, values.len() as u64 - 1)?;
        Ok(values[v as usize])
    }
}

/// Decodes the claims of a label, strictly: the exact array [`encode_claims`] writes for a
/// label that passes [`Label::check`], and nothing after it.
pub fn decode_claims(bytes: &[u8]) -> Result<Label, FormatError> {
    let mut c = Claims { d: Decoder::new(bytes) };
    match c.d.array().map_err(cose::cbor_error)? {
        Some(CLAIMS) => {}
        Some(_) => return Err(FormatError::BadStructure),
        None => return Err(FormatError::NonCanonical),
    }
    let id = LabelId(c.uint("label id")?);
    let catalogue_version = c.small("catalogue", u64::from(u16::MAX))? as u16;
    let catalogue = catalogue::by_version(catalogue_version).ok_or(LabelError::UnknownCatalogue(catalogue_version))?;
    let product = Product {
        maker: c.text("maker")?,
        name: c.text("product name")?,
        model: c.text("model")?,
        gtin: c.optional_gtin()?,
        serial: c.optional_text("serial")?,
    };
    let packed =
        cbor::bytes(&mut c.d)
            .map_err(|e| if e.is_end_of_input() { FormatError::Truncated } else { FormatError::BadClaim("principles") })?;
    let principles = unpack_statuses(packed, catalogue.len()).ok_or(FormatError::BadClaim("principles"))?;
    let grade = Grade::from_wire(c.uint("grade")?).ok_or(FormatError::BadClaim("grade"))?;
    let assurance = c.choice("assurance", &Assurance::ALL)?;
    let issued = Date(c.small("issue date", u64::from(u32::MAX))?);
    let valid_until = Date(c.small("expiry date", u64::from(u32::MAX))?);
    let lifecycle = Lifecycle {
        updates_until: YearMonth(c.small("security updates", 12 * 7980 - 1)?),
        update_delivery: c.choice("update delivery", &[UpdateDelivery::Automatic, UpdateDelivery::Prompted, UpdateDelivery::Manual])?,
        without_cloud: c.choice("offline use", &[WithoutCloud::Works, WithoutCloud::Partly, WithoutCloud::Fails])?,
        repair: c.flags("repair", Repair::from_bits)?,
    };
    let privacy = Privacy {
        sensors: c.flags("sensors", Sensors::from_bits)?,
        processing: c.choice("processing", &[Processing::OnDevice, Processing::DeviceAndCloud, Processing::Cloud])?,
        sharing: c.flags("sharing", Sharing::from_bits)?,
        rights: c.flags("data rights", DataRights::from_bits)?,
    };
    let openness = c.flags("openness", Openness::from_bits)?;
    if c.d.position() != bytes.len() {
        return Err(FormatError::TrailingData);
    }
    let label = Label {
        id,
        catalogue: catalogue_version,
        product,
        principles,
        grade,
        assurance,
        issued,
        valid_until,
        facts: Facts { lifecycle, privacy, openness },
    };
    label.check()?;
    if encode_claims(&label) != bytes {
        return Err(FormatError::NonCanonical);
    }
    Ok(label)
}
