use std::io::Write;
use std::mem;

use crate::gf::{GaloisField, GF16, GF256};

use crate::version_db::{RSParameters, VERSION_DATA_BASE};
use crate::{BitGrid, DeQRError, DeQRResult};

pub const MAX_PAYLOAD_SIZE: usize = 8896;

/// Version of a QR Code which determines its size
#[derive(Debug, Clone, Copy, Eq, PartialEq)]
pub struct Version(pub usize);

impl Version {
    /// Given the grid size, determine the likely grid size
    pub fn from_size(b: usize) -> DeQRResult<Self> {
        let computed_version = b.saturating_sub(17) / 4;

        if computed_version > 0 && computed_version <= 40 {
            Ok(Version(computed_version))
        } else {
            Err(DeQRError::InvalidVersion)
        }
    }

    /// Return the size of a grid of the given version
    pub fn to_size(&self) -> usize {
        self.0 * 4 + 17
    }
}

/// MetaData for a QR grid
///
/// Stores information about the size/version of given grid. Also contains
/// information about the error correction level and bit mask used.
#[derive(Debug, Clone, Copy)]
pub struct MetaData {
    /// The version/size of the grid
    pub version: Version,
    /// the error correction leven, between 0 and 3
    pub ecc_level: u16,
    /// The mask that was used, value between 0 and 7
    pub mask: u16,
}

/// The bit stream contained in the QR Code
#[derive(Clone)]
pub struct RawData {
    /// The bits of the QR Code
    pub data: [u8; MAX_PAYLOAD_SIZE],
    /// Length of the bit stream in bits.
    pub len: usize,
}

impl RawData {
    /// Push a new bit into the bit stream
    pub fn push(&mut self, bit: bool) {
        assert!((self.len / 8) < MAX_PAYLOAD_SIZE);
        let bitpos = (self.len & 7) as u8;
        let bytepos = self.len >> 3;

        if bit {
            self.data[bytepos] |= 0x80_u8 >> bitpos;
        }
        self.len += 1;
    }
}

#[derive(Clone)]
pub struct CorrectedDataStream {
    data: [u8; MAX_PAYLOAD_SIZE],
    ptr: usize,
    bit_len: usize,
}

impl CorrectedDataStream {
    pub fn bits_remaining(&self) -> usize {
        assert!(self.bit_len >= self.ptr);
        self.bit_len - self.ptr
    }

    pub fn take_bits(&mut self, nbits: usize) -> usize {
        let mut ret = 0;
        let max_len = ::std::cmp::min(self.bits_remaining(), nbits);
        assert!(max_len <= mem::size_of::<usize>() * 8);
        for _ in 0..max_len {
            let b = self.data[self.ptr >> 3];
            let bitpos = self.ptr & 7;
            ret <<= 1;
            if 0 != (b << bitpos) & 0x80 {
                ret |= 1
            }
            self.ptr += 1;
        }

        ret
    }

    /// Read `nbits` bits, or fail if the stream cannot supply them all.
    fn take_bits_checked(&mut self, nbits: usize) -> DeQRResult<usize> {
        if self.bits_remaining() < nbits {
            Err(DeQRError::DataUnderflow)?
        }
        Ok(self.take_bits(nbits))
    }
}

/// Given a grid try to decode and write it to the output writer
///
/// This tries to read the bit patterns from a [Grid](trait.Grid.html), correct
/// errors and/or missing bits and write the result to the output. If successful
/// also returns [MetaData](struct.MetaData.html) of the read grid.
pub fn decode<W>(code: &dyn BitGrid, writer: W) -> DeQRResult<MetaData>
where
    W: Write,
{
    fn _decode(c: &dyn BitGrid) -> DeQRResult<(MetaData, CorrectedDataStream)> {
        let (meta, raw) = get_raw(c, true)?;
        let stream = codestream_ecc(&meta, raw)?;
        Ok((meta, stream))
    }
    let (meta, stream) = match _decode(code) {
        Ok((meta, stream)) => (meta, stream),
        Err(original) => match _decode(&crate::MirroredGrid(code)) {
            Ok((meta, stream)) => (meta, stream),
            Err(_) => return Err(original),
        },
    };

    let mut writer = writer;
    for segment in read_payload(&meta, stream)?.segments {
        writer.write_all(&segment.data).map_err(|_| DeQRError::IoError)?;
    }
    Ok(meta)
}

/// The data mode of a [Segment](struct.Segment.html).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Digits, written out as ASCII.
    Numeric,
    /// The 45-character alphanumeric set, written out as ASCII. Under FNC1 (GS1 or an AIM
    /// application) `%` is written out as GS (0x1D) and `%%` as `%`.
    Alphanumeric,
    /// Bytes in the character set in force (the ECI designator's, else unstated).
    Byte,
    /// JIS X 0208 characters, written out in their Shift_JIS form.
    Kanji,
    /// GB 2312 characters (the Hanzi mode of GB/T 18284, the Chinese edition of the
    /// standard), written out in their EUC-CN form, which GBK and GB 18030 include.
    Hanzi,
    /// The AIM application indicator that follows FNC1 in second position, written out as
    /// it is transmitted: two digits (`00` to `99`) or one ASCII letter.
    ApplicationIndicator,
}

/// One segment of a symbol's payload: its data as written out by
/// [decode](fn.decode.html), its mode and the ECI designator in force, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub mode: Mode,
    /// The last ECI designator before this segment (it stays in force until the next).
    pub eci: Option<u32>,
    pub data: Vec<u8>,
}

/// A structured append header (ISO/IEC 18004, 8.2 and 8.3): this symbol is one of a
/// sequence of up to 16 whose data, concatenated in order, is one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructuredAppend {
    /// This symbol's position in the sequence, from 0.
    pub index: u8,
    /// How many symbols the sequence has, 1 to 16 (more than `index`).
    pub count: u8,
    /// The exclusive or of every byte of the whole message, the same in every symbol of
    /// the sequence (it tells one sequence from another).
    pub parity: u8,
}

/// An FNC1 mode indicator (ISO/IEC 18004, 7.4.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fnc1 {
    /// FNC1 in first position: the data are GS1 element strings.
    First,
    /// FNC1 in second position: the data follow an AIM application indicator (the first
    /// segment, [Mode::ApplicationIndicator](enum.Mode.html)).
    Second,
}

/// A symbol's payload: its segments, and the headers that say what they are part of.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Payload {
    pub segments: Vec<Segment>,
    /// The structured append header, if the symbol is one of a sequence.
    pub structured_append: Option<StructuredAppend>,
    /// The FNC1 mode, if any.
    pub fnc1: Option<Fnc1>,
}

impl Payload {
    /// The AIM symbology identifier a reader transmits before the data as [decode] writes
    /// it (ISO/IEC 18004, Annex F): `]Q1`, `]Q3` for GS1 (FNC1 in first position), `]Q5`
    /// for FNC1 in second position. (A reader that implements the ECI protocol, passing
    /// ECI designators on as escape sequences in its output, adds one: `]Q2`, `]Q4`,
    /// `]Q6`; `decode` passes none on.)
    pub fn symbology_identifier(&self) -> &'static str {
        match self.fnc1 {
            None => "]Q1",
            Some(Fnc1::First) => "]Q3",
            Some(Fnc1::Second) => "]Q5",
        }
    }
}

/// Like [decode](fn.decode.html), but the payload comes back segment by segment, each with
/// its mode and the ECI designator in force, with the structured append and FNC1 headers,
/// so that a caller can choose how each segment's bytes become text.
pub fn decode_payload(code: &dyn BitGrid) -> DeQRResult<(MetaData, Payload)> {
    fn _decode(c: &dyn BitGrid) -> DeQRResult<(MetaData, CorrectedDataStream)> {
        let (meta, raw) = get_raw(c, true)?;
        let stream = codestream_ecc(&meta, raw)?;
        Ok((meta, stream))
    }
    let (meta, stream) = match _decode(code) {
        Ok(found) => found,
        Err(original) => _decode(&crate::MirroredGrid(code)).map_err(|_| original)?,
    };
    let payload = read_payload(&meta, stream)?;
    Ok((meta, payload))
}

/// Return extracted metadata and the raw, uncorrected bit stream.
///
/// Optionally, you can keep the stream masked, so the data appears as it was in the image.
pub fn get_raw(code: &dyn BitGrid, remove_masked: bool) -> DeQRResult<(MetaData, RawData)> {
    let meta = read_format(code)?;
    let raw = read_data(code, &meta, remove_masked);
    Ok((meta, raw))
}

/// The payload, mode by mode. A structured append header is taken only as the first
/// thing in the stream, an FNC1 mode indicator only before the first data segment (after
/// a structured append header or an ECI designator), each once, as ISO/IEC 18004 places
/// them; anywhere else, or a position past the sequence's end, or an application
/// indicator that is neither two digits nor a letter, is refused as an unknown data
/// type. A header cut short is a data underflow.
fn read_payload(meta: &MetaData, mut ds: CorrectedDataStream) -> DeQRResult<Payload> {
    let mut payload = Payload::default();
    let mut eci = None;
    let mut first = true;
    while ds.bits_remaining() >= 4 {
        let ty = ds.take_bits(4);
        let mut data = Vec::new();
        let mode = match ty {
            0 => break,
            1 => decode_numeric(meta, &mut ds, &mut data).map(|_| Mode::Numeric),
            2 => decode_alpha(meta, &mut ds, &mut data).map(|_| {
                if payload.fnc1.is_some() {
                    data = fnc1_percents(&data);
                }
                Mode::Alphanumeric
            }),
            4 => decode_byte(meta, &mut ds, &mut data).map(|_| Mode::Byte),
            8 => decode_kanji(meta, &mut ds, &mut data).map(|_| Mode::Kanji),
            13 => decode_hanzi(meta, &mut ds, &mut data).map(|_| Mode::Hanzi),
            7 => {
                eci = Some(decode_eci(&mut ds)?);
                first = false;
                continue;
            }
            3 if first => {
                let header = ds.take_bits_checked(16)?;
                let (index, count, parity) = ((header >> 12) as u8, (header >> 8 & 0xf) as u8 + 1, header as u8);
                if index >= count {
                    Err(DeQRError::UnknownDataType)?
                }
                payload.structured_append = Some(StructuredAppend { index, count, parity });
                first = false;
                continue;
            }
            5 if payload.fnc1.is_none() && payload.segments.is_empty() => {
                payload.fnc1 = Some(Fnc1::First);
                first = false;
                continue;
            }
            9 if payload.fnc1.is_none() && payload.segments.is_empty() => {
                payload.fnc1 = Some(Fnc1::Second);
                data = application_indicator(ds.take_bits_checked(8)? as u8)?;
                Ok(Mode::ApplicationIndicator)
            }
            _ => Err(DeQRError::UnknownDataType),
        }?;
        first = false;
        payload.segments.push(Segment { mode, eci, data });
    }
    Ok(payload)
}

/// An AIM application indicator as it is transmitted (ISO/IEC 18004, 7.4.8.3): the
/// values 0 to 99 as two digits, 165 to 190 and 197 to 222 as the letter of their value
/// less 100 (`A` to `Z`, `a` to `z`).
fn application_indicator(value: u8) -> DeQRResult<Vec<u8>> {
    match value {
        0..=99 => Ok(vec![b'0' + value / 10, b'0' + value % 10]),
        165..=190 | 197..=222 => Ok(vec![value - 100]),
        _ => Err(DeQRError::UnknownDataType),
    }
}

/// Alphanumeric data under FNC1 (ISO/IEC 18004, 7.4.8.1): `%` stands for FNC1, which a
/// reader transmits as GS (0x1D), and `%%` for a `%`.
fn fnc1_percents(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        if b == b'%' && data.get(i + 1) == Some(&b'%') {
            out.push(b'%');
            i += 2;
        } else {
            out.push(if b == b'%' { 0x1d } else { b });
            i += 1;
        }
    }
    out
}

/// An ECI designator: one to three bytes, the leading bits of the first saying how many
/// (0, 10 or 110), the rest of the bits the number (ISO/IEC 18004, 7.4.2.2).
fn decode_eci(ds: &mut CorrectedDataStream) -> DeQRResult<u32> {
    let first = ds.take_bits_checked(8)? as u32;
    if first & 0x80 == 0 {
        Ok(first)
    } else if first & 0xc0 == 0x80 {
        Ok(((first & 0x3f) << 8) | ds.take_bits_checked(8)? as u32)
    } else if first & 0xe0 == 0xc0 {
        Ok(((first & 0x1f) << 16) | ds.take_bits_checked(16)? as u32)
    } else {
        Err(DeQRError::UnknownDataType)
    }
}

fn decode_kanji<W>(meta: &MetaData, ds: &mut CorrectedDataStream, mut writer: W) -> DeQRResult<()>
where
    W: Write,
{
    let nbits = match meta.version {
        Version(0..=9) => 8,
        Version(10..=26) => 10,
        _ => 12,
    };

    let count = ds.take_bits_checked(nbits)?;
    if ds.bits_remaining() < count * 13 {
        Err(DeQRError::DataUnderflow)?
    }

    for _ in 0..count {
        let d = ds.take_bits(13);
        let ms_b = d / 0xc0;
        let ls_b = d % 0xc0;
        let intermediate = (ms_b << 8) | ls_b;
        let sjw = if intermediate + 0x8140 <= 0x9ffc {
            /* bytes are in the range 0x8140 to 0x9FFC */
            (intermediate + 0x8140) as u16
        } else {
            (intermediate + 0xc140) as u16
        };
        writer.write_all(&[(sjw >> 8) as u8, (sjw & 0xff) as u8]).map_err(|_| DeQRError::IoError)?;
    }
    Ok(())
}

/// Hanzi mode (GB/T 18284, mode indicator 1101): a 4-bit subset indicator (1, GB 2312,
/// the only subset defined), a count as long as Kanji mode's, then 13 bits a character:
/// its two EUC-CN bytes less 0xA1A1 (rows 0xA1 to 0xAA) or 0xA6A1 (rows 0xB0 to 0xFA), the
/// first times 0x60 plus the second. Chinese codes use it as Japanese ones use Kanji mode.
fn decode_hanzi<W>(meta: &MetaData, ds: &mut CorrectedDataStream, mut writer: W) -> DeQRResult<()>
where
    W: Write,
{
    if ds.take_bits_checked(4)? != 1 {
        Err(DeQRError::UnknownDataType)?
    }
    let nbits = match meta.version {
        Version(0..=9) => 8,
        Version(10..=26) => 10,
        _ => 12,
    };
    let count = ds.take_bits_checked(nbits)?;
    if ds.bits_remaining() < count * 13 {
        Err(DeQRError::DataUnderflow)?
    }
    for _ in 0..count {
        let d = ds.take_bits(13);
        let offset = ((d / 0x60) << 8) | (d % 0x60);
        let gb = offset + if offset < 0x0a00 { 0xa1a1 } else { 0xa6a1 };
        writer.write_all(&[(gb >> 8) as u8, gb as u8]).map_err(|_| DeQRError::IoError)?;
    }
    Ok(())
}

fn decode_byte<W>(meta: &MetaData, ds: &mut CorrectedDataStream, mut writer: W) -> DeQRResult<()>
where
    W: Write,
{
    let nbits = match meta.version {
        Version(0..=9) => 8,
        _ => 16,
    };

    let count = ds.take_bits_checked(nbits)?;
    if ds.bits_remaining() < count * 8 {
        Err(DeQRError::DataUnderflow)?;
    }

    for _ in 0..count {
        let buf = &[ds.take_bits(8) as u8];
        writer.write_all(buf).map_err(|_| DeQRError::IoError)?;
    }
    Ok(())
}

fn decode_alpha<W>(meta: &MetaData, ds: &mut CorrectedDataStream, mut writer: W) -> DeQRResult<()>
where
    W: Write,
{
    let nbits = match meta.version {
        Version(0..=9) => 9,
        Version(10..=26) => 11,
        _ => 13,
    };
    let mut count = ds.take_bits_checked(nbits)?;
    let mut buf = [0; 2];

    while count >= 2 {
        alpha_tuple(&mut buf, ds, 11, 2)?;
        writer.write_all(&buf[..]).map_err(|_| DeQRError::IoError)?;
        count -= 2;
    }

    if count == 1 {
        alpha_tuple(&mut buf, ds, 6, 1)?;
        writer.write_all(&buf[..1]).map_err(|_| DeQRError::IoError)?;
    }

    Ok(())
}

fn alpha_tuple(buf: &mut [u8; 2], ds: &mut CorrectedDataStream, nbits: usize, digits: usize) -> DeQRResult<()> {
    let mut tuple = ds.take_bits_checked(nbits)?;
    for i in (0..digits).rev() {
        const ALPHA_MAP: &[u8; 46] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:\x00";
        buf[i] = ALPHA_MAP[tuple % 45];
        tuple /= 45;
    }
    Ok(())
}

fn decode_numeric<W>(meta: &MetaData, ds: &mut CorrectedDataStream, mut writer: W) -> DeQRResult<()>
where
    W: Write,
{
    let nbits = match meta.version {
        Version(0..=9) => 10,
        Version(10..=26) => 12,
        _ => 14,
    };

    let mut count = ds.take_bits_checked(nbits)?;
    let mut buf = [0; 3];
    while count >= 3 {
        numeric_tuple(&mut buf, ds, 10, 3)?;
        writer.write_all(&buf[..]).map_err(|_| DeQRError::IoError)?;
        count -= 3;
    }

    if count == 2 {
        numeric_tuple(&mut buf, ds, 7, 2)?;
        writer.write_all(&buf[..2]).map_err(|_| DeQRError::IoError)?;
        count -= 2;
    }
    if count == 1 {
        numeric_tuple(&mut buf, ds, 4, 1)?;
        writer.write_all(&buf[..1]).map_err(|_| DeQRError::IoError)?;
    }

    Ok(())
}

fn numeric_tuple(buf: &mut [u8; 3], ds: &mut CorrectedDataStream, nbits: usize, digits: usize) -> DeQRResult<()> {
    let mut tuple = ds.take_bits_checked(nbits)?;
    for i in (0..digits).rev() {
        buf[i] = (tuple % 10) as u8 + b'0';
        tuple /= 10;
    }
    Ok(())
}

fn codestream_ecc(meta: &MetaData, ds: RawData) -> DeQRResult<CorrectedDataStream> {
    let mut out = CorrectedDataStream { data: [0; MAX_PAYLOAD_SIZE], ptr: 0, bit_len: 0 };

    let ver = &VERSION_DATA_BASE[meta.version.0];
    let sb_ecc = &ver.ecc[meta.ecc_level as usize];
    let lb_ecc = RSParameters { bs: sb_ecc.bs + 1, dw: sb_ecc.dw + 1, ns: sb_ecc.ns };

    let lb_count = (ver.data_bytes - sb_ecc.bs * sb_ecc.ns) / (sb_ecc.bs + 1);
    let bc = lb_count + sb_ecc.ns;
    let ecc_offset = sb_ecc.dw * bc + lb_count;

    let mut dst_offset = 0;
    for i in 0..bc {
        let ecc = if i < sb_ecc.ns { sb_ecc } else { &lb_ecc };
        let dst = &mut out.data[dst_offset..(dst_offset + ecc.bs)];
        let num_ec = ecc.bs - ecc.dw;
        #[allow(clippy::needless_range_loop)]
        for j in 0..sb_ecc.dw {
            dst[j] = ds.data[j * bc + i];
        }
        // A long block carries exactly one more data codeword than a short
        // one. Once the short blocks have run out, interleaving skips them, so
        // those final codewords sit in a compact run right after the common
        // columns rather than in a column of their own.
        if ecc.dw > sb_ecc.dw {
            dst[sb_ecc.dw] = ds.data[sb_ecc.dw * bc + (i - sb_ecc.ns)];
        }
        for j in 0..num_ec {
            dst[ecc.dw + j] = ds.data[ecc_offset + j * bc + i];
        }
        correct_block(dst, ecc)?;

        dst_offset += ecc.dw;
    }

    out.bit_len = dst_offset * 8;
    Ok(out)
}

fn correct_block(block: &mut [u8], ecc: &RSParameters) -> DeQRResult<()> {
    assert!(ecc.bs > ecc.dw);

    let npar = ecc.bs - ecc.dw;
    let mut sigma_deriv = [GF256::ZERO; 64];

    // Calculate syndromes. If all 0 there is nothing to do.
    let s = match block_syndromes(&block[..ecc.bs], npar) {
        Ok(_) => return Ok(()),
        Err(s) => s,
    };

    let sigma = berlekamp_massey(&s, npar);
    /* Compute derivative of sigma */
    for i in (1..64).step_by(2) {
        sigma_deriv[i - 1] = sigma[i];
    }

    /* Compute error evaluator polynomial */
    let omega = eloc_poly(&s, &sigma, npar - 1);

    /* Find error locations and magnitudes */
    for i in 0..ecc.bs {
        let xinv = GF256::GENERATOR.pow(255 - i);
        if poly_eval(&sigma, xinv) == GF256::ZERO {
            let sd_x = poly_eval(&sigma_deriv, xinv);
            let omega_x = poly_eval(&omega, xinv);
            if sd_x == GF256::ZERO {
                return Err(DeQRError::DataEcc);
            }
            let error = omega_x / sd_x;
            block[ecc.bs - i - 1] = (GF256(block[ecc.bs - i - 1]) + error).0;
        }
    }

    match block_syndromes(&block[..ecc.bs], npar) {
        Ok(_) => Ok(()),
        Err(_) => Err(DeQRError::DataEcc),
    }
}
/* ***********************************************************************
 * Code stream error correction
 *
 * Generator polynomial for GF(2^8) is x^8 + x^4 + x^3 + x^2 + 1
 */
fn block_syndromes(block: &[u8], npar: usize) -> Result<[GF256; 64], [GF256; 64]> {
    let mut nonzero: bool = false;
    let mut s = [GF256::ZERO; 64];

    #[allow(clippy::needless_range_loop)]
    for i in 0..npar {
        for j in 0..block.len() {
            let c = GF256(block[block.len() - 1 - j]);
            s[i] += c * GF256::GENERATOR.pow(i * j);
        }
        if s[i] != GF256::ZERO {
            nonzero = true;
        }
    }
    if nonzero {
        Err(s)
    } else {
        Ok(s)
    }
}

fn poly_eval<G>(s: &[G; 64], x: G) -> G
where
    G: GaloisField,
{
    let mut sum = G::ZERO;
    let mut x_pow = G::ONE;

    #[allow(clippy::needless_range_loop)]
    for i in 0..64 {
        sum += s[i] * x_pow;
        x_pow *= x;
    }
    sum
}

fn eloc_poly(s: &[GF256; 64], sigma: &[GF256; 64], npar: usize) -> [GF256; 64] {
    let mut omega = [GF256::ZERO; 64];
    for i in 0..npar {
        let a = sigma[i];
        for j in 0..(npar - i) {
            let b = s[j + 1];
            omega[i + j] += a * b;
        }
    }
    omega
}
/* ***********************************************************************
 * Berlekamp-Massey algorithm for finding error locator polynomials.
 */
fn berlekamp_massey<G>(s: &[G; 64], n: usize) -> [G; 64]
where
    G: GaloisField,
{
    let mut ts: [G; 64] = [G::ZERO; 64];
    let mut cs: [G; 64] = [G::ZERO; 64];
    let mut bs: [G; 64] = [G::ZERO; 64];
    let mut l: usize = 0;
    let mut m: usize = 1;
    let mut b = G::ONE;
    bs[0] = G::ONE;
    cs[0] = G::ONE;

    for n in 0..n {
        let mut d = s[n];

        // Calculate in GF(p):
        // d = s[n] + \Sum_{i=1}^{l} c[i] * s[n - i]
        for i in 1..=l {
            d += cs[i] * s[n - i];
        }
        // Pre-calculate d * b^-1 in GF(p)
        let mult = d / b;

        if d == G::ZERO {
            m += 1
        } else if l * 2 <= n {
            ts.copy_from_slice(&cs);
            poly_add(&mut cs, &bs, mult, m);
            bs.copy_from_slice(&ts);
            l = n + 1 - l;
            b = d;
            m = 1
        } else {
            poly_add(&mut cs, &bs, mult, m);
            m += 1
        }
    }
    cs
}
/* ***********************************************************************
 * Polynomial operations
 */
fn poly_add<G>(dst: &mut [G; 64], src: &[G; 64], c: G, shift: usize)
where
    G: GaloisField,
{
    if c == G::ZERO {
        return;
    }

    #[allow(clippy::needless_range_loop)]
    for i in 0..64 {
        let p = i + shift;
        if p >= 64 {
            break;
        }
        let v = src[i];
        dst[p] += v * c;
    }
}

/// Reads the code in the "zigzag" pattern, optionally removing the mask
fn read_data(code: &dyn BitGrid, meta: &MetaData, remove_mask: bool) -> RawData {
    let mut ds = RawData { data: [0; MAX_PAYLOAD_SIZE], len: 0 };

    let mut y = code.size() - 1;
    let mut x = code.size() - 1;
    let mut neg_dir = true;

    while x > 0 {
        if x == 6 {
            x -= 1;
        }
        if !reserved_cell(meta.version, y, x) {
            ds.push(read_bit(code, meta, y, x, remove_mask));
        }
        if !reserved_cell(meta.version, y, x - 1) {
            ds.push(read_bit(code, meta, y, x - 1, remove_mask));
        }

        let (new_y, new_neg_dir) = match (y, neg_dir) {
            (0, true) => {
                x = x.saturating_sub(2);
                (0, false)
            }
            (y, false) if y == code.size() - 1 => {
                x = x.saturating_sub(2);
                (code.size() - 1, true)
            }
            (y, true) => (y - 1, true),
            (y, false) => (y + 1, false),
        };

        y = new_y;
        neg_dir = new_neg_dir;
    }

    ds
}

// The read_bit() function can optionally consider the mask.
// This allows bits to be read as they appear "physically" in the QR code or with the mask removed, reflecting the actual code.
fn read_bit(code: &dyn BitGrid, meta: &MetaData, y: usize, x: usize, remove_mask: bool) -> bool {
    let mut v = code.bit(y, x) as u8;
    if remove_mask && mask_bit(meta.mask, y, x) {
        v ^= 1
    }

    v != 0
}

fn mask_bit(mask: u16, y: usize, x: usize) -> bool {
    match mask {
        0 => 0 == (y + x) % 2,
        1 => 0 == y % 2,
        2 => 0 == x % 3,
        3 => 0 == (y + x) % 3,
        4 => 0 == ((y / 2) + (x / 3)) % 2,
        5 => 0 == ((y * x) % 2 + (y * x) % 3),
        6 => 0 == ((y * x) % 2 + (y * x) % 3) % 2,
        7 => 0 == ((y * x) % 3 + (y + x) % 2) % 2,
        _ => panic!("Unknown mask value"),
    }
}

fn reserved_cell(version: Version, i: usize, j: usize) -> bool {
    let ver = &VERSION_DATA_BASE[version.0];
    let size = version.0 * 4 + 17;

    /* Finder + format: top left */
    if i < 9 && j < 9 {
        return true;
    }

    /* Finder + format: bottom left */
    if i + 8 >= size && j < 9 {
        return true;
    }

    /* Finder + format: top right */
    if i < 9 && j + 8 >= size {
        return true;
    }

    /* Exclude timing patterns */
    if i == 6 || j == 6 {
        return true;
    }

    /* Exclude version info, if it exists. Version info sits adjacent to
     * the top-right and bottom-left finders in three rows, bounded by
     * the timing pattern.
     */
    if version.0 >= 7 {
        #[allow(clippy::if_same_then_else)]
        if i < 6 && j + 11 >= size {
            return true;
        } else if i + 11 >= size && j < 6 {
            return true;
        }
    }

    /* Exclude alignment patterns */
    let mut ai = None;
    let mut aj = None;

    let mut len = 0;
    for (a, &pattern) in ver.apat.iter().take_while(|&&x| x != 0).enumerate() {
        len = a;
        if pattern.abs_diff(i) < 3 {
            ai = Some(a)
        }
        if pattern.abs_diff(j) < 3 {
            aj = Some(a)
        }
    }

    match (ai, aj) {
        (Some(x), Some(y)) if x == len && y == len => true,
        (Some(x), Some(_)) if 0 < x && x < len => true,
        (Some(_), Some(x)) if 0 < x && x < len => true,
        _ => false,
    }
}

fn correct_format(mut word: u16) -> DeQRResult<u16> {
    /* Evaluate U (received codeword) at each of alpha_1 .. alpha_6
     * to get S_1 .. S_6 (but we index them from 0).
     */
    if let Err(s) = format_syndromes(word) {
        let sigma = berlekamp_massey(&s, 6);

        /* Now, find the roots of the polynomial */
        for i in 0..15 {
            if poly_eval(&sigma, GF16::GENERATOR.pow(15 - i)) == GF16::ZERO {
                word ^= 1 << i;
            }
        }

        // Double CHECK syndromes
        format_syndromes(word).map_err(|_| DeQRError::FormatEcc)?;
    }
    Ok(word)
}

fn read_format(code: &dyn BitGrid) -> DeQRResult<MetaData> {
    let mut format = 0;

    // Try first location
    const XS: [usize; 15] = [8, 8, 8, 8, 8, 8, 8, 8, 7, 5, 4, 3, 2, 1, 0];
    const YS: [usize; 15] = [0, 1, 2, 3, 4, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8];
    for i in (0..15).rev() {
        format = (format << 1) | code.bit(YS[i], XS[i]) as u16;
    }
    format ^= 0x5412;

    // Check format, try other location if needed
    let verified_format = correct_format(format).or_else(|_| {
        let mut format = 0;
        for i in 0..7 {
            format = (format << 1) | code.bit(code.size() - 1 - i, 8) as u16;
        }
        for i in 0..8 {
            format = (format << 1) | code.bit(8, code.size() - 8 + i) as u16;
        }
        format ^= 0x5412;
        correct_format(format)
    })?;

    let fdata = verified_format >> 10;
    let ecc_level = fdata >> 3;
    let mask = fdata & 7;
    let version = Version::from_size(code.size())?;

    Ok(MetaData { version, ecc_level, mask })
}
/* ***********************************************************************
 * Format value error correction
 *
 * Generator polynomial for GF(2^4) is x^4 + x + 1
 */
fn format_syndromes(u: u16) -> Result<[GF16; 64], [GF16; 64]> {
    let mut result = [GF16(0); 64];
    let mut nonzero = false;

    #[allow(clippy::needless_range_loop)]
    for i in 0..6 {
        for j in 0..15 {
            if u & (1 << j) != 0 {
                result[i] += GF16::GENERATOR.pow((i + 1) * j);
            }
        }
        if result[i].0 != 0 {
            nonzero = true;
        }
    }

    if nonzero {
        Err(result)
    } else {
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_mask_0() {
        let test = [
            [1, 0, 1, 0, 1, 0, 1],
            [0, 1, 0, 1, 0, 1, 0],
            [1, 0, 1, 0, 1, 0, 1],
            [0, 1, 0, 1, 0, 1, 0],
            [1, 0, 1, 0, 1, 0, 1],
            [0, 1, 0, 1, 0, 1, 0],
            [1, 0, 1, 0, 1, 0, 1],
        ];

        for x in 0..7 {
            for y in 0..7 {
                assert_eq!(test[y][x] != 0, mask_bit(0, y, x));
            }
        }
    }

    #[test]
    fn test_mask_1() {
        let test = [
            [1, 1, 1, 1, 1, 1, 1],
            [0, 0, 0, 0, 0, 0, 0],
            [1, 1, 1, 1, 1, 1, 1],
            [0, 0, 0, 0, 0, 0, 0],
            [1, 1, 1, 1, 1, 1, 1],
            [0, 0, 0, 0, 0, 0, 0],
            [1, 1, 1, 1, 1, 1, 1],
        ];

        for x in 0..7 {
            for y in 0..7 {
                assert_eq!(test[y][x] != 0, mask_bit(1, y, x));
            }
        }
    }

    #[test]
    fn test_mask_2() {
        let test = [
            [1, 0, 0, 1, 0, 0, 1],
            [1, 0, 0, 1, 0, 0, 1],
            [1, 0, 0, 1, 0, 0, 1],
            [1, 0, 0, 1, 0, 0, 1],
            [1, 0, 0, 1, 0, 0, 1],
            [1, 0, 0, 1, 0, 0, 1],
            [1, 0, 0, 1, 0, 0, 1],
        ];

        for x in 0..7 {
            for y in 0..7 {
                assert_eq!(test[y][x] != 0, mask_bit(2, y, x));
            }
        }
    }

    #[test]
    fn test_mask_3() {
        let test = [
            [1, 0, 0, 1, 0, 0, 1],
            [0, 0, 1, 0, 0, 1, 0],
            [0, 1, 0, 0, 1, 0, 0],
            [1, 0, 0, 1, 0, 0, 1],
            [0, 0, 1, 0, 0, 1, 0],
            [0, 1, 0, 0, 1, 0, 0],
            [1, 0, 0, 1, 0, 0, 1],
        ];

        for x in 0..7 {
            for y in 0..7 {
                assert_eq!(test[y][x] != 0, mask_bit(3, y, x));
            }
        }
    }

    #[test]
    fn test_mask_4() {
        let test = [
            [1, 1, 1, 0, 0, 0, 1],
            [1, 1, 1, 0, 0, 0, 1],
            [0, 0, 0, 1, 1, 1, 0],
            [0, 0, 0, 1, 1, 1, 0],
            [1, 1, 1, 0, 0, 0, 1],
            [1, 1, 1, 0, 0, 0, 1],
            [0, 0, 0, 1, 1, 1, 0],
        ];

        for x in 0..7 {
            for y in 0..7 {
                assert_eq!(test[y][x] != 0, mask_bit(4, y, x));
            }
        }
    }

    #[test]
    fn test_mask_5() {
        let test = [
            [1, 1, 1, 1, 1, 1, 1],
            [1, 0, 0, 0, 0, 0, 1],
            [1, 0, 0, 1, 0, 0, 1],
            [1, 0, 1, 0, 1, 0, 1],
            [1, 0, 0, 1, 0, 0, 1],
            [1, 0, 0, 0, 0, 0, 1],
            [1, 1, 1, 1, 1, 1, 1],
        ];

        for x in 0..7 {
            for y in 0..7 {
                assert_eq!(test[y][x] != 0, mask_bit(5, y, x));
            }
        }
    }

    #[test]
    fn test_mask_6() {
        let test = [
            [1, 1, 1, 1, 1, 1, 1],
            [1, 1, 1, 0, 0, 0, 1],
            [1, 1, 0, 1, 1, 0, 1],
            [1, 0, 1, 0, 1, 0, 1],
            [1, 0, 1, 1, 0, 1, 1],
            [1, 0, 0, 0, 1, 1, 1],
            [1, 1, 1, 1, 1, 1, 1],
        ];

        for x in 0..7 {
            for y in 0..7 {
                assert_eq!(test[y][x] != 0, mask_bit(6, y, x));
            }
        }
    }

    #[test]
    fn test_mask_7() {
        let test = [
            [1, 0, 1, 0, 1, 0, 1],
            [0, 0, 0, 1, 1, 1, 0],
            [1, 0, 0, 0, 1, 1, 1],
            [0, 1, 0, 1, 0, 1, 0],
            [1, 1, 1, 0, 0, 0, 1],
            [0, 1, 1, 1, 0, 0, 0],
            [1, 0, 1, 0, 1, 0, 1],
        ];

        for x in 0..7 {
            for y in 0..7 {
                assert_eq!(test[y][x] != 0, mask_bit(7, y, x));
            }
        }
    }

    /// Systematic Reed-Solomon encode, producing the `npar` error correction
    /// codewords that follow `data` in a block. Uses the same generator roots
    /// (alpha^0 .. alpha^(npar - 1)) that `block_syndromes` evaluates at.
    fn rs_encode(data: &[u8], npar: usize) -> Vec<u8> {
        let mut gen = vec![GF256::ONE];
        for i in 0..npar {
            let root = GF256::GENERATOR.pow(i);
            gen.push(GF256::ZERO);
            for j in (1..gen.len()).rev() {
                let carry = gen[j - 1] * root;
                gen[j] += carry;
            }
        }

        let mut rem: Vec<GF256> = data.iter().map(|&b| GF256(b)).collect();
        rem.resize(data.len() + npar, GF256::ZERO);
        for i in 0..data.len() {
            let coeff = rem[i];
            if coeff == GF256::ZERO {
                continue;
            }
            for (j, &g) in gen.iter().enumerate() {
                rem[i + j] += g * coeff;
            }
        }
        rem[data.len()..].iter().map(|g| g.0).collect()
    }

    /// Build the symbol at this version and error correction level, damage
    /// one long block by exactly as many codewords as its error correction can
    /// repair, and check that every data codeword comes back in order.
    fn check_damaged_long_block(version: usize, ecc_level: u16) {
        let meta = MetaData { version: Version(version), ecc_level, mask: 0 };
        let ver = &VERSION_DATA_BASE[version];
        let sb_ecc = &ver.ecc[ecc_level as usize];
        let lb_count = (ver.data_bytes - sb_ecc.bs * sb_ecc.ns) / (sb_ecc.bs + 1);
        let bc = sb_ecc.ns + lb_count;
        let npar = sb_ecc.bs - sb_ecc.dw;

        // Build every block, each data codeword distinguishable from its
        // neighbours, and give each block its real error correction codewords.
        let mut data = Vec::new();
        let mut ecc = Vec::new();
        for i in 0..bc {
            let dw = if i < sb_ecc.ns { sb_ecc.dw } else { sb_ecc.dw + 1 };
            let block: Vec<u8> = (0..dw).map(|j| (i * 251 + j * 97 + 1) as u8).collect();
            ecc.push(rs_encode(&block, npar));
            data.push(block);
        }

        // Interleave per ISO/IEC 18004 section 8.6: one data codeword from
        // every block in turn, skipping blocks that have run out - so the long
        // blocks' final data codewords form a compact run at the end of the
        // data codewords - then the same over the error correction codewords.
        // Note where the first long block's codewords land as we go.
        let mut raw = RawData { data: [0; MAX_PAYLOAD_SIZE], len: 0 };
        let mut target = Vec::new();
        let mut pos = 0;
        for j in 0..=sb_ecc.dw {
            for (i, block) in data.iter().enumerate() {
                if j < block.len() {
                    if i == sb_ecc.ns {
                        target.push(pos);
                    }
                    raw.data[pos] = block[j];
                    pos += 1;
                }
            }
        }
        for j in 0..npar {
            for (i, block) in ecc.iter().enumerate() {
                if i == sb_ecc.ns {
                    target.push(pos);
                }
                raw.data[pos] = block[j];
                pos += 1;
            }
        }
        assert_eq!(pos, ver.data_bytes);
        raw.len = pos * 8;

        // Damage that block up to - but not past - what it can repair.
        for &p in &target[..npar / 2] {
            raw.data[p] ^= 0xff;
        }

        let out = codestream_ecc(&meta, raw).unwrap_or_else(|e| panic!("version {version} level {ecc_level} damaged to its limit: {e:?}"));
        let expected: Vec<u8> = data.concat();
        assert_eq!(out.bit_len, expected.len() * 8);
        assert_eq!(&out.data[..expected.len()], &expected[..], "version {version} level {ecc_level}");
    }

    #[test]
    fn test_deinterleave_mixed_block_sizes() {
        // Every version and error correction level whose blocks come in two
        // sizes, so that the long blocks each carry one extra data codeword.
        // Version 7-Q, for example, has 2 blocks of (32, 14) and 4 of (33, 15).
        let mut checked = 0;
        for version in 1..VERSION_DATA_BASE.len() {
            for ecc_level in 0..4 {
                let ver = &VERSION_DATA_BASE[version];
                let sb_ecc = &ver.ecc[ecc_level as usize];
                if (ver.data_bytes - sb_ecc.bs * sb_ecc.ns) / (sb_ecc.bs + 1) > 0 {
                    check_damaged_long_block(version, ecc_level);
                    checked += 1;
                }
            }
        }
        // 128 of the 160 version/level combinations have two block sizes.
        assert_eq!(checked, 128);
    }
    /// The `nbits` wide big endian representation of `value`, one entry per bit.
    fn bits_of(value: usize, nbits: usize) -> Vec<u8> {
        (0..nbits).map(|i| ((value >> (nbits - 1 - i)) & 1) as u8).collect()
    }

    /// A corrected stream holding exactly `bits` and nothing more.
    fn stream_of(bits: &[u8]) -> CorrectedDataStream {
        let mut ds = CorrectedDataStream { data: [0; MAX_PAYLOAD_SIZE], ptr: 0, bit_len: bits.len() };
        for (i, &bit) in bits.iter().enumerate() {
            if bit != 0 {
                ds.data[i >> 3] |= 0x80 >> (i & 7);
            }
        }
        ds
    }

    #[test]
    fn test_truncated_count_indicator() {
        let meta = MetaData { version: Version(1), ecc_level: 0, mask: 0 };

        // A mode indicator followed by a character count indicator one bit
        // short of complete, for each of the four data modes. At version 1 the
        // counts are 10, 9, 8 and 8 bits wide respectively.
        for (mode, nbits) in [(1, 10), (2, 9), (4, 8), (8, 8)] {
            let mut bits = bits_of(mode, 4);
            bits.extend(bits_of(0, nbits - 1));

            assert_eq!(
                segments_of(&meta, &bits),
                Err(DeQRError::DataUnderflow),
                "mode {mode} accepted a truncated character count indicator"
            );
        }
    }

    #[test]
    fn test_truncated_count_indicator_after_valid_segment() {
        let meta = MetaData { version: Version(1), ecc_level: 0, mask: 0 };

        // A well formed byte segment carrying "A", then a second byte mode
        // indicator whose 8 bit count indicator is cut off after 4 bits.
        let mut bits = bits_of(4, 4);
        bits.extend(bits_of(1, 8));
        bits.extend(bits_of(u32::from(b'A') as usize, 8));
        bits.extend(bits_of(4, 4));
        bits.extend(bits_of(0, 4));

        assert_eq!(segments_of(&meta, &bits), Err(DeQRError::DataUnderflow), "a stream cut short mid count indicator decoded");
    }

    #[test]
    fn test_count_indicator_ends_stream() {
        let meta = MetaData { version: Version(1), ecc_level: 0, mask: 0 };

        // The stream ends on the last bit of the count indicator. That is a
        // complete - if empty - segment and must still decode.
        let mut bits = bits_of(4, 4);
        bits.extend(bits_of(0, 8));

        let segments = segments_of(&meta, &bits).expect("a complete count indicator");
        assert_eq!(segments, vec![Segment { mode: Mode::Byte, eci: None, data: Vec::new() }]);
    }

    /// The segments of a stream holding exactly `bits`.
    fn segments_of(meta: &MetaData, bits: &[u8]) -> DeQRResult<Vec<Segment>> {
        read_payload(meta, stream_of(bits)).map(|p| p.segments)
    }

    /// A byte segment carrying `data`, at version 1.
    fn byte_segment(data: &[u8]) -> Vec<u8> {
        let mut bits = bits_of(4, 4);
        bits.extend(bits_of(data.len(), 8));
        data.iter().for_each(|b| bits.extend(bits_of(usize::from(*b), 8)));
        bits
    }

    #[test]
    fn test_eci_designators_apply_to_the_segments_after_them() {
        let meta = MetaData { version: Version(1), ecc_level: 0, mask: 0 };
        // "A" with no ECI; ECI 20 (Shift_JIS, one byte); two bytes; ECI 26 (UTF-8) in the
        // two-byte form, then "é" as UTF-8; then the terminator.
        let mut bits = byte_segment(b"A");
        bits.extend(bits_of(7, 4));
        bits.extend(bits_of(20, 8));
        bits.extend(byte_segment(&[0x82, 0xa0]));
        bits.extend(bits_of(7, 4));
        bits.extend(bits_of(0x8000 | 26, 16));
        bits.extend(byte_segment("é".as_bytes()));
        bits.extend(bits_of(0, 4));
        let segments = segments_of(&meta, &bits).expect("well formed");
        let got: Vec<(Option<u32>, Vec<u8>)> = segments.into_iter().map(|s| (s.eci, s.data)).collect();
        assert_eq!(got, vec![(None, b"A".to_vec()), (Some(20), vec![0x82, 0xa0]), (Some(26), "é".as_bytes().to_vec())]);
        // The three-byte form carries 21 bits; a first byte of 111xxxxx is no designator.
        let mut bits = bits_of(7, 4);
        bits.extend(bits_of(0xc0_0000 | 811_799, 24));
        bits.extend(byte_segment(b"x"));
        assert_eq!(segments_of(&meta, &bits).expect("three-byte ECI")[0].eci, Some(811_799));
        let mut bits = bits_of(7, 4);
        bits.extend(bits_of(0xe0, 8));
        assert_eq!(segments_of(&meta, &bits), Err(DeQRError::UnknownDataType));
    }

    /// An alphanumeric segment carrying `text`, at version 1.
    fn alpha_segment(text: &str) -> Vec<u8> {
        const SET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        let values: Vec<usize> = text.bytes().map(|c| SET.iter().position(|&x| x == c).expect("an alphanumeric character")).collect();
        let mut bits = bits_of(2, 4);
        bits.extend(bits_of(values.len(), 9));
        for pair in values.chunks(2) {
            match pair {
                [a, b] => bits.extend(bits_of(a * 45 + b, 11)),
                [a] => bits.extend(bits_of(*a, 6)),
                _ => unreachable!(),
            }
        }
        bits
    }

    /// A numeric segment carrying `digits`, at version 1.
    fn numeric_segment(digits: &str) -> Vec<u8> {
        let mut bits = bits_of(1, 4);
        bits.extend(bits_of(digits.len(), 10));
        for group in digits.as_bytes().chunks(3) {
            let value = group.iter().fold(0, |v, d| v * 10 + usize::from(d - b'0'));
            bits.extend(bits_of(value, [0, 4, 7, 10][group.len()]));
        }
        bits
    }

    fn payload_of(bits: &[u8]) -> DeQRResult<Payload> {
        read_payload(&MetaData { version: Version(1), ecc_level: 0, mask: 0 }, stream_of(bits))
    }

    /// The data of each segment, in order.
    fn data_of(payload: &Payload) -> Vec<&[u8]> {
        payload.segments.iter().map(|s| &s.data[..]).collect()
    }

    #[test]
    fn test_structured_append_header() {
        // Part 2 of 3 (position 1, total less one 2), parity 0x5a, then "AB".
        let mut bits = bits_of(3, 4);
        bits.extend(bits_of(0x125a, 16));
        bits.extend(byte_segment(b"AB"));
        bits.extend(bits_of(0, 4));
        let payload = payload_of(&bits).expect("a structured append header");
        assert_eq!(payload.structured_append, Some(StructuredAppend { index: 1, count: 3, parity: 0x5a }));
        assert_eq!(data_of(&payload), vec![b"AB"]);
        assert_eq!((payload.fnc1, payload.symbology_identifier()), (None, "]Q1"));
        // The last of sixteen; and a sequence of one.
        let header = |value: usize| [bits_of(3, 4), bits_of(value, 16), byte_segment(b"x")].concat();
        assert_eq!(payload_of(&header(0xff00)).unwrap().structured_append, Some(StructuredAppend { index: 15, count: 16, parity: 0 }));
        assert_eq!(payload_of(&header(0x0001)).unwrap().structured_append, Some(StructuredAppend { index: 0, count: 1, parity: 1 }));
        // A structured append header may carry ECI and FNC1 after it.
        let mut bits = header(0x0100);
        bits.truncate(20);
        bits.extend([bits_of(7, 4), bits_of(26, 8), bits_of(5, 4), byte_segment(b"01")].concat());
        let payload = payload_of(&bits).expect("header, ECI, FNC1");
        assert_eq!((payload.structured_append.map(|s| s.count), payload.symbology_identifier()), (Some(2), "]Q3"));
    }

    #[test]
    fn test_structured_append_header_refused() {
        // Cut short: every length of header from none to fifteen bits.
        for n in 0..16 {
            let bits = [bits_of(3, 4), bits_of(0x1234 >> (16 - n), n)].concat();
            assert_eq!(payload_of(&bits), Err(DeQRError::DataUnderflow), "a {n}-bit header");
        }
        // A position past the end of the sequence (4 of 3).
        assert_eq!(payload_of(&[bits_of(3, 4), bits_of(0x3200, 16)].concat()), Err(DeQRError::UnknownDataType));
        // After a segment, after an ECI designator, or twice.
        let header = [bits_of(3, 4), bits_of(0x0100, 16)].concat();
        for before in [byte_segment(b"A"), [bits_of(7, 4), bits_of(26, 8)].concat(), header.clone()] {
            let bits = [before, header.clone(), byte_segment(b"B")].concat();
            assert_eq!(payload_of(&bits), Err(DeQRError::UnknownDataType));
        }
    }

    #[test]
    fn test_fnc1_first_position_gs1() {
        // (01)09521234543213 (10)AB%C (21)12, the last two separated by FNC1: in
        // alphanumeric mode `%` is FNC1 and `%%` a percent sign; a byte segment keeps its
        // bytes (a GS byte is FNC1 there, a `%` is a percent sign).
        let mut bits = bits_of(5, 4);
        bits.extend(numeric_segment("0109521234543213"));
        bits.extend(alpha_segment("10AB%%C%2112"));
        bits.extend(byte_segment(b"%\x1d9"));
        bits.extend(bits_of(0, 4));
        let payload = payload_of(&bits).expect("GS1");
        assert_eq!(payload.fnc1, Some(Fnc1::First));
        assert_eq!(data_of(&payload), vec![&b"0109521234543213"[..], b"10AB%C\x1d2112", b"%\x1d9"]);
        assert_eq!(payload.segments.iter().map(|s| s.mode).collect::<Vec<_>>(), vec![Mode::Numeric, Mode::Alphanumeric, Mode::Byte]);
        assert_eq!((payload.structured_append, payload.symbology_identifier()), (None, "]Q3"));
        // Without FNC1 a percent sign is a percent sign.
        let plain = payload_of(&alpha_segment("A%%B%")).unwrap();
        assert_eq!((data_of(&plain), plain.symbology_identifier()), (vec![&b"A%%B%"[..]], "]Q1"));
        // After an ECI designator, FNC1 in first position is still in place.
        let bits = [bits_of(7, 4), bits_of(3, 8), bits_of(5, 4), alpha_segment("%")].concat();
        let payload = payload_of(&bits).unwrap();
        assert_eq!((data_of(&payload), payload.symbology_identifier()), (vec![&b"\x1d"[..]], "]Q3"));
    }

    #[test]
    fn test_fnc1_out_of_place_refused() {
        // After a data segment, twice, or both modes.
        for bits in [
            [byte_segment(b"A"), bits_of(5, 4), byte_segment(b"B")].concat(),
            [bits_of(5, 4), bits_of(5, 4), byte_segment(b"B")].concat(),
            [bits_of(5, 4), bits_of(9, 4), bits_of(37, 8)].concat(),
            [bits_of(9, 4), bits_of(37, 8), bits_of(5, 4)].concat(),
            [numeric_segment("1"), bits_of(9, 4), bits_of(37, 8)].concat(),
        ] {
            assert_eq!(payload_of(&bits), Err(DeQRError::UnknownDataType));
        }
    }

    #[test]
    fn test_fnc1_second_position_application_indicator() {
        // Application indicator 37, then "AB%C%%": the indicator is transmitted first.
        let bits = [bits_of(9, 4), bits_of(37, 8), alpha_segment("AB%C%%"), bits_of(0, 4)].concat();
        let payload = payload_of(&bits).expect("FNC1 in second position");
        assert_eq!(payload.fnc1, Some(Fnc1::Second));
        assert_eq!(data_of(&payload), vec![&b"37"[..], b"AB\x1dC%"]);
        assert_eq!(payload.segments[0], Segment { mode: Mode::ApplicationIndicator, eci: None, data: b"37".to_vec() });
        assert_eq!(payload.symbology_identifier(), "]Q5");
        // Two digits from 00 to 99; a letter as its value plus 100; nothing else.
        for (value, shown) in [(0, &b"00"[..]), (7, b"07"), (99, b"99"), (165, b"A"), (190, b"Z"), (197, b"a"), (222, b"z")] {
            let payload = payload_of(&[bits_of(9, 4), bits_of(value, 8), byte_segment(b"1")].concat()).unwrap();
            assert_eq!(data_of(&payload), vec![shown, b"1"], "indicator {value}");
        }
        for value in [100, 164, 191, 196, 223, 255] {
            assert_eq!(payload_of(&[bits_of(9, 4), bits_of(value, 8)].concat()), Err(DeQRError::UnknownDataType), "indicator {value}");
        }
        // Cut short: the indicator's eight bits are not all there.
        for n in 0..8 {
            assert_eq!(payload_of(&[bits_of(9, 4), bits_of(0, n)].concat()), Err(DeQRError::DataUnderflow), "a {n}-bit indicator");
        }
        // With ECI.
        let payload = payload_of(&[bits_of(7, 4), bits_of(26, 8), bits_of(9, 4), bits_of(165, 8), byte_segment(b"x")].concat()).unwrap();
        assert_eq!((payload.symbology_identifier(), payload.segments[0].eci), ("]Q5", Some(26)));
    }

    #[test]
    fn test_hanzi_mode() {
        // "阿" (GB 2312 0xB0A2) and "啊" (0xB0A1, the first cell past the offset's gap), and
        // "　" (0xA1A1, the first cell), in one segment of three.
        let value = |gb: usize| {
            let offset = gb - if gb < 0xb0a1 { 0xa1a1 } else { 0xa6a1 };
            (offset >> 8) * 0x60 + (offset & 0xff)
        };
        let mut bits = [bits_of(13, 4), bits_of(1, 4), bits_of(3, 8)].concat();
        [0xb0a2, 0xb0a1, 0xa1a1].iter().for_each(|gb| bits.extend(bits_of(value(*gb), 13)));
        bits.extend(byte_segment(b";;"));
        let payload = payload_of(&bits).unwrap();
        assert_eq!(payload.segments[0].mode, Mode::Hanzi);
        assert_eq!(data_of(&payload), vec![&[0xb0, 0xa2, 0xb0, 0xa1, 0xa1, 0xa1][..], b";;"]);
        // Another subset than GB 2312 is refused; a count past the data is an underflow.
        assert_eq!(payload_of(&[bits_of(13, 4), bits_of(2, 4), bits_of(0, 8)].concat()), Err(DeQRError::UnknownDataType));
        assert_eq!(payload_of(&[bits_of(13, 4), bits_of(1, 4), bits_of(2, 8), bits_of(0, 13)].concat()), Err(DeQRError::DataUnderflow));
    }

    #[test]
    fn test_unknown_mode_indicators_refused() {
        for mode in [6, 10, 11, 12, 14, 15] {
            assert_eq!(payload_of(&[bits_of(mode, 4), byte_segment(b"A")].concat()), Err(DeQRError::UnknownDataType), "mode {mode}");
        }
    }
}
