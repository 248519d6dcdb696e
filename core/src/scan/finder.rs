//! Finder patterns: the three nested squares in a symbol's corners.
//!
//! Found as ZXing finds them: a row scan for dark and light runs in the ratio 1:1:3:1:1,
//! confirmed by the same ratio down the column, back along the row and on the diagonal
//! through the centre. Only every few rows are read, because a finder is at least seven
//! modules tall; the confirmations make a false pattern in text or texture unlikely.

use super::gray::Bits;

/// Most finder patterns an image may hold before it is given up on: pairing them into
/// symbols grows faster than their number, and an image full of finder-like shapes would
/// take minutes. A sheet of 42 labels holds 126.
pub(super) const MAX_FINDERS: usize = 400;

/// The centre of one finder pattern, in pixels.
#[derive(Clone, Copy, Debug)]
pub(super) struct Finder {
    pub x: f64,
    pub y: f64,
    /// Module size estimated from the runs across the pattern.
    pub module: f64,
    /// How many scan lines confirmed it.
    pub count: u32,
}

/// The image holds more than [`MAX_FINDERS`] finder patterns.
#[derive(Debug)]
pub(super) struct TooMany;

/// Whether five run lengths are in the ratio 1:1:3:1:1, each within half a module (and
/// half a pixel, for blurred modules one or two pixels wide); returns the module size.
fn ratio(c: [u32; 5]) -> Option<f64> {
    let total: u32 = c.iter().sum();
    if total < 7 {
        return None;
    }
    let m = f64::from(total) / 7.0;
    let near = |n: u32, k: f64| (f64::from(n) - k * m).abs() <= k * m / 2.0 + 0.5;
    (near(c[0], 1.0) && near(c[1], 1.0) && near(c[2], 3.0) && near(c[3], 1.0) && near(c[4], 1.0)).then_some(m)
}

/// The runs along the line through `(x, y)` in direction `(dx, dy)`: the dark run holding
/// the point, and a light and a dark run each side, each at most `max` long. Returns the
/// runs and the centre's offset from `(x, y)` along the line.
fn line_runs(bits: &Bits, x: i64, y: i64, (dx, dy): (i64, i64), max: u32) -> Option<([u32; 5], f64)> {
    let inside = |k: i64| {
        let (px, py) = (x + k * dx, y + k * dy);
        px >= 0 && py >= 0 && (px as usize) < bits.w && (py as usize) < bits.h
    };
    let dark = |k: i64| bits.at(x + k * dx, y + k * dy);
    let mut c = [0u32; 5];
    let mut k = 0;
    while inside(k) && dark(k) {
        c[2] += 1;
        k -= 1;
    }
    for (i, want) in [(1, false), (0, true)] {
        while inside(k) && dark(k) == want && c[i] <= max {
            c[i] += 1;
            k -= 1;
        }
        if c[i] > max || (i == 1 && !inside(k)) {
            return None;
        }
    }
    k = 1;
    while inside(k) && dark(k) {
        c[2] += 1;
        k += 1;
    }
    for (i, want) in [(3, false), (4, true)] {
        while inside(k) && dark(k) == want && c[i] < max {
            c[i] += 1;
            k += 1;
        }
        if c[i] >= max || (i == 3 && !inside(k)) {
            return None;
        }
    }
    let centre = k as f64 - f64::from(c[4]) - f64::from(c[3]) - f64::from(c[2]) / 2.0;
    Some((c, centre))
}

/// Checks a candidate found on a row across the column, the row and the diagonal, and
/// returns its centre and module size.
fn confirm(bits: &Bits, c: [u32; 5], end: usize, y: usize) -> Option<(f64, f64, f64)> {
    let total: u32 = c.iter().sum();
    let similar = |r: [u32; 5], total: u32| {
        let t: u32 = r.iter().sum();
        5 * t.abs_diff(total) < 2 * total && ratio(r).is_some()
    };
    let x = end as f64 - f64::from(c[4] + c[3]) - f64::from(c[2]) / 2.0;
    let (v, dy) = line_runs(bits, x as i64, y as i64, (0, 1), c[2] * 2)?;
    let y = y as f64 + dy;
    if !similar(v, total) {
        return None;
    }
    let (h, dx) = line_runs(bits, x as i64, y as i64, (1, 0), c[2] * 2)?;
    let x = x.floor() + dx;
    if !similar(h, total) {
        return None;
    }
    let (d, _) = line_runs(bits, x as i64, y as i64, (1, 1), c[2] * 3)?;
    ratio(d)?;
    let module = f64::from(h.iter().sum::<u32>() + v.iter().sum::<u32>()) / 14.0;
    Some((x, y, module))
}

/// Adds a confirmed centre, merging it with a finder already seen there.
fn add(found: &mut Vec<Finder>, (x, y, module): (f64, f64, f64)) -> Result<(), TooMany> {
    if let Some(f) =
        found.iter_mut().find(|f| (f.x - x).abs() <= module && (f.y - y).abs() <= module && (f.module - module).abs() <= f.module.max(1.0))
    {
        let n = f64::from(f.count);
        (f.x, f.y, f.module) = ((f.x * n + x) / (n + 1.0), (f.y * n + y) / (n + 1.0), (f.module * n + module) / (n + 1.0));
        f.count += 1;
        return Ok(());
    }
    if found.len() >= MAX_FINDERS {
        return Err(TooMany);
    }
    found.push(Finder { x, y, module, count: 1 });
    Ok(())
}

/// Every finder pattern in a binarised image.
pub(super) fn find(bits: &Bits) -> Result<Vec<Finder>, TooMany> {
    let mut found = Vec::new();
    // A symbol of up to 97 modules filling the height leaves a finder centre three rows tall.
    let skip = (3 * bits.h / (4 * 97)).max(2);
    for y in (skip - 1..bits.h).step_by(skip) {
        let mut c = [0u32; 5];
        let mut state = 0;
        for x in 0..bits.w {
            if bits.dark(x, y) {
                if state % 2 == 1 {
                    state += 1;
                }
                c[state] += 1;
            } else if state % 2 == 1 {
                c[state] += 1;
            } else if state < 4 {
                state += 1;
                c[state] += 1;
            } else {
                if ratio(c).is_some() {
                    if let Some(centre) = confirm(bits, c, x, y) {
                        add(&mut found, centre)?;
                        (c, state) = ([0, 1, 0, 0, 0], 1);
                        continue;
                    }
                }
                (c, state) = ([c[2], c[3], c[4], 1, 0], 3);
            }
        }
        if state == 4 && ratio(c).is_some() {
            if let Some(centre) = confirm(bits, c, bits.w, y) {
                add(&mut found, centre)?;
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr;
    use crate::scan::gray::hybrid;

    #[test]
    fn finds_the_three_finders_of_a_symbol() {
        let (side, px) = qr::to_luma(&qr::encode("FINDERS").unwrap(), 4);
        let bits = hybrid(side, side, &px);
        let mut f = find(&bits).unwrap();
        f.sort_by(|a, b| (a.y + a.x).total_cmp(&(b.y + b.x)));
        assert_eq!(f.len(), 3, "{f:?}");
        // The top-left finder's centre is 3.5 modules in from the symbol's corner.
        let q = (qr::QUIET_ZONE * 4) as f64;
        assert!((f[0].x - (q + 14.0)).abs() < 1.0 && (f[0].y - (q + 14.0)).abs() < 1.0, "{f:?}");
        assert!((f[0].module - 4.0).abs() < 0.5, "{f:?}");
    }
}
