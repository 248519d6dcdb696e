//! Bytes as decimal digits, so that a payload fits QR numeric mode (3.33 bits a digit).
//!
//! Each group of 7 bytes, read as a big-endian number, becomes 17 digits with leading
//! zeros; a final group of k < 7 bytes becomes the fewest digits that hold any k-byte
//! number: 3, 5, 8, 10, 13 or 15. That costs 1.2 % over the raw bits (Base45 costs 3 %)
//! and, unlike Base45, is safe in a URL fragment. Decoding is strict: a length that no
//! byte count produces, a non-digit, or a group whose value does not fit its bytes is an
//! error, so every byte string has exactly one digit string.

/// Digits for a group of `k` bytes, `k` in 0..=7.
const DIGITS: [usize; 8] = [0, 3, 5, 8, 10, 13, 15, 17];
const GROUP: usize = 7;

/// Encodes bytes as digits.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() / GROUP * 17 + 17);
    for group in bytes.chunks(GROUP) {
        let value = group.iter().fold(0u64, |v, b| v << 8 | u64::from(*b));
        let width = DIGITS[group.len()];
        out.push_str(&format!("{value:0width$}"));
    }
    out
}

/// Decodes digits made by [`encode`]; `None` when they are not such digits.
pub fn decode(digits: &str) -> Option<Vec<u8>> {
    let d = digits.as_bytes();
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let tail_digits = d.len() % 17;
    let tail_bytes = DIGITS.iter().position(|n| *n == tail_digits)?;
    let mut out = Vec::with_capacity(d.len() / 17 * GROUP + tail_bytes);
    for group in d.chunks(17) {
        let bytes = if group.len() == 17 { GROUP } else { tail_bytes };
        let value = group.iter().fold(0u64, |v, c| v * 10 + u64::from(c - b'0'));
        if bytes < 8 && value >> (8 * bytes) != 0 {
            return None;
        }
        out.extend_from_slice(&value.to_be_bytes()[8 - bytes..]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(encode(&[]), "");
        assert_eq!(encode(&[0]), "000");
        assert_eq!(encode(&[255]), "255");
        assert_eq!(encode(&[1, 0]), "00256");
        assert_eq!(encode(&[255; 7]), "72057594037927935");
        assert_eq!(encode(&[0, 0, 0, 0, 0, 0, 0, 7]), "00000000000000000007");
    }

    #[test]
    fn round_trips_every_length() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(97).wrapping_add(n)).collect();
            assert_eq!(decode(&encode(&bytes)), Some(bytes));
        }
    }

    #[test]
    fn rejects_what_encode_never_makes() {
        assert_eq!(decode("256"), None, "more than one byte holds");
        assert_eq!(decode("0000"), None, "no byte count gives 4 digits");
        assert_eq!(decode("12a"), None);
        assert_eq!(decode("72057594037927936"), None, "over 2^56");
    }
}
