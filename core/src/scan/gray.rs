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

    /// Box-filter downscale by an integer factor.
    pub fn shrink(&self, k: usize) -> Gray {
        let (w, h) = (self.w / k, self.h / k);
        let mut px = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                let mut sum = 0u32;
                for dy in 0..k {
                    let row = &self.px[(y * k + dy) * self.w + x * k..][..k];
                    sum += row.iter().map(|v| u32::from(*v)).sum::<u32>();
                }
                px.push((sum / (k * k) as u32) as u8);
            }
        }
        Gray { w, h, px }
    }

    /// Bilinear upscale by two, for codes whose modules are only a pixel or two wide.
    pub fn grow(&self) -> Gray {
        let (w, h) = (self.w * 2, self.h * 2);
        let at = |x: usize, y: usize| u32::from(self.px[y.min(self.h - 1) * self.w + x.min(self.w - 1)]);
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
    pub fn binarise(&self, window: usize, invert: bool) -> Bits {
        let (w, h) = (self.w, self.h);
        let mut integral = vec![0u64; (w + 1) * (h + 1)];
        for y in 0..h {
            let mut row = 0u64;
            for x in 0..w {
                row += u64::from(self.px[y * w + x]);
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
            }
        }
        let mut out = Vec::with_capacity(w * h);
        for y in 0..h {
            let (y0, y1) = (y.saturating_sub(window), (y + window + 1).min(h));
            for x in 0..w {
                let (x0, x1) = (x.saturating_sub(window), (x + window + 1).min(w));
                let sum =
                    integral[y1 * (w + 1) + x1] + integral[y0 * (w + 1) + x0] - integral[y0 * (w + 1) + x1] - integral[y1 * (w + 1) + x0];
                let n = ((x1 - x0) * (y1 - y0)) as u64;
                let v = u64::from(self.px[y * w + x]) * n * 100;
                let dark = if invert { v > sum * 107 } else { v < sum * 93 };
                out.push(dark);
            }
        }
        Bits { w, h, dark: out }
    }

    /// Dark pixels under a threshold per 8x8 block: the mean of the 5x5 blocks around it,
    /// as ZXing's hybrid binariser does. Cheap (one pass over the pixels) and it follows
    /// shadows and glare; a block with too little contrast to hold an edge takes its
    /// neighbours' level, so flat paper inside a symbol is not read as noise.
    pub fn hybrid(&self) -> Bits {
        const B: usize = 8;
        let (w, h) = (self.w, self.h);
        let (bw, bh) = (w.div_ceil(B), h.div_ceil(B));
        let mut level = vec![0u32; bw * bh];
        for by in 0..bh {
            let y0 = (by * B).min(h.saturating_sub(B));
            for bx in 0..bw {
                let x0 = (bx * B).min(w.saturating_sub(B));
                let (mut sum, mut min, mut max, mut n) = (0u32, 255u32, 0u32, 0u32);
                for row in self.px[y0 * w..].chunks(w).take(B) {
                    for p in &row[x0..(x0 + B).min(w)] {
                        let p = u32::from(*p);
                        (sum, min, max, n) = (sum + p, min.min(p), max.max(p), n + 1);
                    }
                }
                let mut avg = sum / n.max(1);
                if max - min <= 24 {
                    // Flat: assume light paper unless the neighbours say this is darker.
                    avg = min / 2;
                    if bx > 0 && by > 0 {
                        let i = by * bw + bx;
                        let around = (level[i - bw] + 2 * level[i - 1] + level[i - bw - 1]) / 4;
                        if min < around {
                            avg = around;
                        }
                    }
                }
                level[by * bw + bx] = avg;
            }
        }
        let mut dark = vec![false; w * h];
        for by in 0..bh {
            let cy = by.clamp(2.min(bh - 1), bh.saturating_sub(3).max(2.min(bh - 1)));
            let y0 = (by * B).min(h.saturating_sub(B));
            for bx in 0..bw {
                let cx = bx.clamp(2.min(bw - 1), bw.saturating_sub(3).max(2.min(bw - 1)));
                let (mut sum, mut n) = (0u32, 0u32);
                for ny in cy.saturating_sub(2)..(cy + 3).min(bh) {
                    for nx in cx.saturating_sub(2)..(cx + 3).min(bw) {
                        (sum, n) = (sum + level[ny * bw + nx], n + 1);
                    }
                }
                let t = sum / n;
                let x0 = (bx * B).min(w.saturating_sub(B));
                for y in y0..(y0 + B).min(h) {
                    for x in x0..(x0 + B).min(w) {
                        dark[y * w + x] = u32::from(self.px[y * w + x]) <= t;
                    }
                }
            }
        }
        Bits { w, h, dark }
    }

    /// Dark pixels under one threshold for the whole image.
    pub fn global(&self, t: u8) -> Bits {
        Bits { w: self.w, h: self.h, dark: self.px.iter().map(|p| *p <= t).collect() }
    }
}

/// A binarised image: `dark[y * w + x]`.
pub(super) struct Bits {
    pub w: usize,
    pub h: usize,
    pub dark: Vec<bool>,
}

impl Bits {
    /// Whether the pixel at `(x, y)` is dark; outside the image is light.
    #[inline]
    pub fn at(&self, x: i64, y: i64) -> bool {
        x >= 0 && y >= 0 && (x as usize) < self.w && (y as usize) < self.h && self.dark[y as usize * self.w + x as usize]
    }
}
