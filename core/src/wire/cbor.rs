//! The few CBOR reads whose outcome minicbor leaves to the platform.
//!
//! minicbor converts a string's 64-bit length to `usize` before it looks at the input, so a
//! length over 2^32 − 1 is an overflow error on a 32-bit target (the WebAssembly verifier)
//! and the end of the input on a 64-bit one. `docs/wire-format.md` (section 3, "Reading
//! CBOR") says a length that runs past the end is `truncated` on every platform: these
//! reads compare the length with the bytes left as 64-bit numbers first.

use minicbor::decode::Error;
use minicbor::Decoder;

const BYTES: u8 = 2;
const TEXT: u8 = 3;

/// Fails with the end of the input when the next item is a definite string of major type
/// `major` whose length runs past the end; leaves every other case to minicbor.
fn check_length(d: &Decoder<'_>, major: u8) -> Result<(), Error> {
    let rest = d.input().get(d.position()..).unwrap_or_default();
    let Some((&initial, rest)) = rest.split_first() else {
        return Err(Error::end_of_input());
    };
    if initial >> 5 != major {
        return Ok(());
    }
    let (length, rest) = match initial & 0x1F {
        n @ 0..=23 => (u64::from(n), rest),
        ai @ 24..=27 => {
            let size = 1usize << (ai - 24);
            let Some(arg) = rest.get(..size) else {
                return Err(Error::end_of_input());
            };
            (arg.iter().fold(0u64, |v, b| v << 8 | u64::from(*b)), &rest[size..])
        }
        _ => return Ok(()),
    };
    // usize is at most 64 bits on every target Rust supports, so this never saturates.
    if length > u64::try_from(rest.len()).unwrap_or(u64::MAX) {
        return Err(Error::end_of_input());
    }
    Ok(())
}

/// A definite-length byte string.
pub(crate) fn bytes<'b>(d: &mut Decoder<'b>) -> Result<&'b [u8], Error> {
    check_length(d, BYTES)?;
    d.bytes()
}

/// A definite-length text string (UTF-8).
pub(crate) fn str<'b>(d: &mut Decoder<'b>) -> Result<&'b str, Error> {
    check_length(d, TEXT)?;
    d.str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &[u8]) -> Result<usize, bool> {
        let mut d = Decoder::new(input);
        bytes(&mut d).map(<[u8]>::len).map_err(|e| e.is_end_of_input())
    }

    #[test]
    fn lengths_past_the_end_are_the_end_of_the_input_whatever_their_size() {
        assert_eq!(read(&[0x43, 1, 2, 3]), Ok(3));
        assert_eq!(read(&[0x43, 1, 2]), Err(true));
        assert_eq!(read(&[0x5A, 0, 0, 0]), Err(true), "argument cut short");
        assert_eq!(read(&[0x5A, 0xFF, 0xFF, 0xFF, 0xFF, 0]), Err(true), "2^32 - 1");
        assert_eq!(read(&[0x5B, 0, 0, 0, 1, 0, 0, 0, 0, 0]), Err(true), "2^32");
        assert_eq!(read(&[0x5B, 0, 0, 1, 0, 0, 0, 0, 0, 0]), Err(true), "2^40");
        assert_eq!(read(&[0x5B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0]), Err(true), "2^64 - 1");
        assert_eq!(read(&[]), Err(true));
    }

    #[test]
    fn wrong_items_stay_wrong() {
        assert_eq!(read(&[0x5F, 0x41, 0, 0xFF]), Err(false), "indefinite byte string");
        assert_eq!(read(&[0x5C]), Err(false), "AI 28");
        assert_eq!(read(&[0x7B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), Err(false), "a text string");
        let mut d = Decoder::new(&[0x7F, 0x61, 0x61, 0xFF]);
        assert!(!str(&mut d).unwrap_err().is_end_of_input(), "indefinite text string");
        let mut d = Decoder::new(&[0x7B, 0, 0, 0, 1, 0, 0, 0, 0]);
        assert!(str(&mut d).unwrap_err().is_end_of_input());
    }
}
