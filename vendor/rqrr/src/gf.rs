//! Arithmetic in GF(2^4) and GF(2^8) by logarithm tables.
//!
//! iotmark's patch: replaces the `g2p` crate, whose generated 64 KB multiplication table
//! and bit-by-bit `pow` made decoding one version-10 symbol take 1.5 ms and added 64 KB to
//! the WebAssembly build. Here each field is 768 bytes of tables built at compile time.

use std::ops::{Add, AddAssign, Div, Mul, MulAssign};

/// The operations the decoder needs from a finite field of characteristic two.
pub trait GaloisField: Copy + PartialEq + Add<Output = Self> + AddAssign + Mul<Output = Self> + MulAssign + Div<Output = Self> {
    const ZERO: Self;
    const ONE: Self;
    /// The primitive element x, whose powers are every non-zero element.
    const GENERATOR: Self;
    fn pow(self, p: usize) -> Self;
}

/// Exponent and logarithm tables of GF(2^bits) under `modulus`, with x as generator.
const fn tables(bits: u32, modulus: u32) -> ([u8; 512], [u8; 256]) {
    let order = (1usize << bits) - 1;
    let (mut exp, mut log) = ([0u8; 512], [0u8; 256]);
    let mut x = 1u32;
    let mut i = 0;
    while i < order {
        exp[i] = x as u8;
        log[x as usize] = i as u8;
        x <<= 1;
        if x & (1 << bits) != 0 {
            x ^= modulus;
        }
        i += 1;
    }
    while i < 512 {
        exp[i] = exp[i % order];
        i += 1;
    }
    (exp, log)
}

macro_rules! field {
    ($name:ident, $bits:expr, $modulus:expr) => {
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name(pub u8);

        impl $name {
            const ORDER: usize = (1 << $bits) - 1;
            const EXP: [u8; 512] = tables($bits, $modulus).0;
            const LOG: [u8; 256] = tables($bits, $modulus).1;
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, o: Self) -> Self {
                $name(self.0 ^ o.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, o: Self) {
                self.0 ^= o.0;
            }
        }

        impl Mul for $name {
            type Output = Self;
            fn mul(self, o: Self) -> Self {
                if self.0 == 0 || o.0 == 0 {
                    return $name(0);
                }
                $name(Self::EXP[usize::from(Self::LOG[usize::from(self.0)]) + usize::from(Self::LOG[usize::from(o.0)])])
            }
        }

        impl MulAssign for $name {
            fn mul_assign(&mut self, o: Self) {
                *self = *self * o;
            }
        }

        impl Div for $name {
            type Output = Self;
            fn div(self, o: Self) -> Self {
                assert!(o.0 != 0, "division by zero in a Galois field");
                if self.0 == 0 {
                    return $name(0);
                }
                let l = usize::from(Self::LOG[usize::from(self.0)]) + Self::ORDER - usize::from(Self::LOG[usize::from(o.0)]);
                $name(Self::EXP[l])
            }
        }

        impl GaloisField for $name {
            const ZERO: Self = $name(0);
            const ONE: Self = $name(1);
            const GENERATOR: Self = $name(2);
            fn pow(self, p: usize) -> Self {
                if p == 0 {
                    return Self::ONE;
                }
                if self.0 == 0 {
                    return Self::ZERO;
                }
                $name(Self::EXP[usize::from(Self::LOG[usize::from(self.0)]) * (p % Self::ORDER) % Self::ORDER])
            }
        }
    };
}

field!(GF16, 4, 0b1_0011);
field!(GF256, 8, 0b1_0001_1101);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_agree_with_schoolbook_multiplication() {
        fn slow(mut a: u32, mut b: u32, bits: u32, modulus: u32) -> u8 {
            let mut r = 0;
            while b > 0 {
                if b & 1 == 1 {
                    r ^= a;
                }
                a <<= 1;
                if a & (1 << bits) != 0 {
                    a ^= modulus;
                }
                b >>= 1;
            }
            r as u8
        }
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                assert_eq!((GF256(a) * GF256(b)).0, slow(a.into(), b.into(), 8, 0x11D));
                if b != 0 {
                    assert_eq!((GF256(a) / GF256(b)) * GF256(b), GF256(a));
                }
            }
        }
        for a in 0..16u8 {
            for b in 0..16u8 {
                assert_eq!((GF16(a) * GF16(b)).0, slow(a.into(), b.into(), 4, 0b1_0011));
            }
        }
        let mut x = GF256::ONE;
        for p in 0..600 {
            assert_eq!(GF256::GENERATOR.pow(p), x);
            x *= GF256::GENERATOR;
        }
    }
}
