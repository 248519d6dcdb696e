//! Grey working images and their binarisations: the first step of every attempt.

use super::Frame;

/// An owned grey image, the working copy of one attempt.
#[derive(Clone)]
pub(super) struct Gray {
    pub w: usize,
    pub h: usize,
    pub px: Vec<u8>,
}

impl Gray {
    pub fn of(f: &Frame) -> Gray {
        Gray { w: f.width, h: f.height, px: f.luma.to_vec() }
    }

    /// Box-filter downscale of `w` x `h` pixels `src` by an integer factor.
    pub fn shrunk(sw: usize, sh: usize, src: &[u8], k: usize) -> Gray {
        let (w, h) = (sw / k, sh / k);
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                let mut sum = 0u32;
                for dy in 0..k {
                    let row = &src[(y * k + dy) * sw + x * k..][..k];
                    sum += row.iter().map(|v| u32::from(*v)).sum::<u32>();
                }
                px.push((sum / (k * k) as u32) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Bilinear upscale of `w` x `h` pixels `src` by two, for codes whose modules are only
    /// a pixel or two wide.
    pub fn grown(sw: usize, sh: usize, src: &[u8]) -> Gray {
        let (w, h) = (sw * 2, sh * 2);
        let at = |x: usize, y: usize| u32::from(src[y.min(sh - 1) * sw + x.min(sw - 1)]);
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                let (sx, sy) = (x / 2, y / 2);
                let (fx, fy) = ((x % 2) as u32, (y % 2) as u32);
                let top = at(sx, sy) * (2 - fx) + at(sx + 1, sy) * fx;
                let bottom = at(sx, sy + 1) * (2 - fx) + at(sx + 1, sy + 1) * fx;
                px.push(((top * (2 - fy) + bottom * fy) / 4) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Otsu's threshold: the grey level that best separates dark from light.
    pub fn otsu(&self) -> u8 {
        let mut hist = [0u64; 256];
        self.px.iter().for_each(|p| hist[usize::from(*p)] += 1);
        let total = self.px.len() as f64;
        let sum: f64 = hist.iter().enumerate().map(|(i, n)| i as f64 * *n as f64).sum();
        let (mut best, mut best_t, mut w0, mut sum0) = (0.0, 127u8, 0.0, 0.0);
        for (t, n) in hist.iter().enumerate() {
            w0 += *n as f64;
            sum0 += t as f64 * *n as f64;
            let w1 = total - w0;
            if w0 == 0.0 || w1 == 0.0 {
                continue;
            }
            let between = w0 * w1 * (sum0 / w0 - (sum - sum0) / w1).powi(2);
            if between > best {
                (best, best_t) = (between, t as u8);
            }
        }
        best_t
    }

    /// Dark pixels under a local-mean threshold: a pixel is dark when it is darker than
    /// the mean of a window around it by a small margin. `window` is the half side.
    pub fn binarise(&self, window: usize, invert: bool) -> Bits<'_> {
        let (w, h) = (self.w, self.h);
        let mut integral = vec![0u64; (w + 1) * (h + 1)];
        for y in 0..h {
            let mut row = 0u64;
            for x in 0..w {
                row += u64::from(self.px[y * w + x]);
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
            }
        }
        let mut threshold = Vec::with_capacity(w * h);
        for y in 0..h {
            let (y0, y1) = (y.saturating_sub(window), (y + window + 1).min(h));
            for x in 0..w {
                let (x0, x1) = (x.saturating_sub(window), (x + window + 1).min(w));
                let sum =
                    integral[y1 * (w + 1) + x1] + integral[y0 * (w + 1) + x0] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0];
                let n = ((x1 - x0) * (y1 - y0)) as u64;
                // Dark below 93 % of the mean; light-on-dark, light above 107 %.
                let t = if invert { sum * 107 / (n * 100) } else { (sum * 93).div_ceil(n * 100).saturating_sub(1) };
                threshold.push(t.min(255) as u8);
            }
        }
        Bits { w, h, px: &self.px, shift: 0, bw: w, threshold, invert }
    }

    /// Dark pixels under a threshold per block (see [`hybrid`]).
    pub fn hybrid(&self) -> Bits<'_> {
        hybrid(self.w, self.h, &self.px)
    }

    /// Dark pixels under one threshold for the whole image.
    pub fn global(&self, t: u8) -> Bits<'_> {
        Bits { w: self.w, h: self.h, px: &self.px, shift: usize::BITS - 1, bw: 1, threshold: vec![t], invert: false }
    }
}

/// Side of a block of [`hybrid`] binarisation, in pixels.
const BLOCK: usize = 8;

/// Dark pixels under a threshold per 8x8 block: the mean of the 5x5 blocks around it, as
/// ZXing's hybrid binariser does. One pass over half the pixels, and it follows shadows and
/// glare. A block with too little contrast to hold an edge takes its neighbours' level, so
/// flat paper inside a symbol is not read as noise.
pub(super) fn hybrid(w: usize, h: usize, px: &[u8]) -> Bits<'_> {
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let (mut sum, mut min, mut max) = (vec![0u32; bw * bh], vec![255u8; bw * bh], vec![0u8; bw * bh]);
    // Every other row is enough to know a block's level and contrast, at half the cost.
    for (y, row) in px.chunks_exact(w).enumerate().step_by(2) {
        let base = (y / BLOCK) * bw;
        for (i, chunk) in row.chunks(BLOCK).enumerate() {
            let (mut s, mut lo, mut hi) = (0u32, 255u8, 0u8);
            for p in chunk {
                (s, lo, hi) = (s + u32::from(*p), lo.min(*p), hi.max(*p));
            }
            let b = base + i;
            (sum[b], min[b], max[b]) = (sum[b] + s, min[b].min(lo), max[b].max(hi));
        }
    }
    let mut level = vec![0u32; bw * bh];
    for by in 0..bh {
        let rows = (h - by * BLOCK).min(BLOCK).div_ceil(2);
        for bx in 0..bw {
            let b = by * bw + bx;
            let n = (rows * (w - bx * BLOCK).min(BLOCK)) as u32;
            level[b] = if max[b] - min[b] > 24 {
                sum[b] / n
            } else {
                // Flat: light paper unless the neighbours say this is darker.
                let around = if bx > 0 && by > 0 { (level[b - bw] + 2 * level[b - 1] + level[b - bw - 1]) / 4 } else { 0 };
                if u32::from(min[b]) < around {
                    around
                } else {
                    u32::from(min[b]) / 2
                }
            };
        }
    }
    let mut threshold = vec![0u8; bw * bh];
    for by in 0..bh {
        let (y0, y1) = (by.saturating_sub(2), (by + 3).min(bh));
        for bx in 0..bw {
            let (x0, x1) = (bx.saturating_sub(2), (bx + 3).min(bw));
            let total: u32 = (y0..y1).map(|y| level[y * bw + x0..y * bw + x1].iter().sum::<u32>()).sum();
            threshold[by * bw + bx] = (total / ((y1 - y0) * (x1 - x0)) as u32) as u8;
        }
    }
    Bits { w, h, px, shift: BLOCK.trailing_zeros(), bw, threshold, invert: false }
}

/// A binarised image: a pixel is dark when it is at most the threshold of its block
/// (`2^shift` pixels a side), or above it for light-on-dark symbols. Pixels are compared
/// when read, because the finder scan reads only every few rows.
pub(super) struct Bits<'a> {
    pub w: usize,
    pub h: usize,
    px: &'a [u8],
    shift: u32,
    /// Blocks per row of `threshold`.
    bw: usize,
    threshold: Vec<u8>,
    invert: bool,
}

impl Bits<'_> {
    /// Whether the pixel at `(x, y)`, inside the image, is dark.
    #[inline]
    pub fn dark(&self, x: usize, y: usize) -> bool {
        let t = self.threshold[(y >> self.shift) * self.bw + (x >> self.shift)];
        (self.px[y * self.w + x] <= t) != self.invert
    }

    /// Whether the pixel at `(x, y)` is dark; outside the image is light.
    #[inline]
    pub fn at(&self, x: i64, y: i64) -> bool {
        x >= 0 && y >= 0 && (x as usize) < self.w && (y as usize) < self.h && self.dark(x as usize, y as usize)
    }
}
