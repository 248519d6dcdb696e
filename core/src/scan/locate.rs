//! From finder patterns to symbols: pairing finders into symbols, the perspective that
//! maps the module grid onto the image, and sampling the grid for rqrr's decoder.
//!
//! Three finders that form a right isosceles triangle are a candidate symbol. The module
//! size measured along each side gives the symbol's size; the alignment pattern near the
//! fourth corner (versions 2 and up), found by matching its 5x5 template, fixes the
//! perspective. The sampled grid decodes only if it passes the symbol's error correction.
//! When that fails on a symbol of version 7 or more, it is read again region by region
//! between its alignment patterns (`mesh`), for labels on curved surfaces; there a size
//! may also be taken from the count of its timing patterns' modules.

use super::finder::Finder;
use super::gray::Bits;
use super::{Code, TRY_COST};

mod mesh;

type Point = (f64, f64);

fn dist(a: Point, b: Point) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// A plane projective transform: `(x, y)` maps to `(X / W, Y / W)` with
/// `[X, Y, W] = m · [x, y, 1]`.
#[derive(Clone, Copy, Debug)]
struct Perspective {
    m: [[f64; 3]; 3],
}

impl Perspective {
    /// The transform taking the unit square's corners (0,0), (1,0), (1,1), (0,1) to `q`.
    fn from_square(q: [Point; 4]) -> Perspective {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
        let (dx3, dy3) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
        let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
        let den = dx1 * dy2 - dx2 * dy1;
        let (g, h) = if den.abs() < 1e-12 { (0.0, 0.0) } else { ((dx3 * dy2 - dx2 * dy3) / den, (dx1 * dy3 - dx3 * dy1) / den) };
        Perspective { m: [[x1 - x0 + g * x1, x3 - x0 + h * x3, x0], [y1 - y0 + g * y1, y3 - y0 + h * y3, y0], [g, h, 1.0]] }
    }

    /// The transform taking quadrilateral `from` to quadrilateral `to`, corner by corner.
    fn between(from: [Point; 4], to: [Point; 4]) -> Perspective {
        let a = Perspective::from_square(from).m;
        // The adjugate inverts a projective transform up to scale.
        let inv = [
            [a[1][1] * a[2][2] - a[1][2] * a[2][1], a[0][2] * a[2][1] - a[0][1] * a[2][2], a[0][1] * a[1][2] - a[0][2] * a[1][1]],
            [a[1][2] * a[2][0] - a[1][0] * a[2][2], a[0][0] * a[2][2] - a[0][2] * a[2][0], a[0][2] * a[1][0] - a[0][0] * a[1][2]],
            [a[1][0] * a[2][1] - a[1][1] * a[2][0], a[0][1] * a[2][0] - a[0][0] * a[2][1], a[0][0] * a[1][1] - a[0][1] * a[1][0]],
        ];
        let b = Perspective::from_square(to).m;
        let mut m = [[0.0; 3]; 3];
        for (i, row) in m.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = (0..3).map(|k| b[i][k] * inv[k][j]).sum();
            }
        }
        Perspective { m }
    }

    fn map(&self, (x, y): Point) -> Point {
        let m = &self.m;
        let w = m[2][0] * x + m[2][1] * y + m[2][2];
        ((m[0][0] * x + m[0][1] * y + m[0][2]) / w, (m[1][0] * x + m[1][1] * y + m[1][2]) / w)
    }
}

/// Three finders as a symbol's top-left, top-right and bottom-left corners.
#[derive(Clone, Copy, Debug)]
struct Corners {
    tl: Point,
    tr: Point,
    bl: Point,
    /// How much larger a module looks at the top-right and bottom-left finders than at the
    /// top-left: the perspective's foreshortening.
    tr_scale: f64,
    bl_scale: f64,
    /// The module size at the top-left finder, in pixels.
    module: f64,
}

impl Corners {
    /// Orders three finders: the top-left is opposite the longest side, and the turn from
    /// top-right to bottom-left around it is clockwise on screen.
    fn of(a: &Finder, b: &Finder, c: &Finder) -> Corners {
        let at = |f: &Finder| (f.x, f.y);
        let (ab, bc, ac) = (dist(at(a), at(b)), dist(at(b), at(c)), dist(at(a), at(c)));
        let (tl, mut p, mut q) = if bc >= ab && bc >= ac {
            (a, b, c)
        } else if ac >= ab {
            (b, a, c)
        } else {
            (c, a, b)
        };
        if (p.x - tl.x) * (q.y - tl.y) - (p.y - tl.y) * (q.x - tl.x) < 0.0 {
            std::mem::swap(&mut p, &mut q);
        }
        Corners { tl: at(tl), tr: at(p), bl: at(q), tr_scale: p.module / tl.module, bl_scale: q.module / tl.module, module: tl.module }
    }

    /// One module's step along the top edge and down the left edge, for a symbol `size`
    /// modules a side.
    fn module_vectors(&self, size: usize) -> (Point, Point) {
        let span = size as f64 - 7.0;
        (((self.tr.0 - self.tl.0) / span, (self.tr.1 - self.tl.1) / span), ((self.bl.0 - self.tl.0) / span, (self.bl.1 - self.tl.1) / span))
    }

    /// Where module coordinates `(u, v)` fall if the symbol were only rotated and sheared:
    /// close to the truth along the edges between the finders.
    fn affine(&self, size: usize, u: f64, v: f64) -> Point {
        let (ex, ey) = self.module_vectors(size);
        (self.tl.0 + (u - 3.5) * ex.0 + (v - 3.5) * ey.0, self.tl.1 + (u - 3.5) * ex.1 + (v - 3.5) * ey.1)
    }

    /// The share of timing-pattern modules (row and column 6 between the finders, which
    /// alternate dark and light) that read as expected for a symbol `size` modules a side.
    /// A cheap test of a size, or of three finders that are not one symbol.
    fn timing(&self, bits: &Bits, size: usize) -> f64 {
        let (ex, ey) = self.module_vectors(size);
        let span = size as f64 - 7.0;
        // Along an edge, perspective spaces modules as a 1-D projective map does, with the
        // module sizes at its two ends in the ratio the finders show.
        let along = |t: f64, ratio: f64| t / (t + (1.0 - t) * ratio.sqrt());
        let mut right = 0;
        for i in 8..size - 8 {
            let want = i % 2 == 0;
            let t = (i as f64 + 0.5 - 3.5) / span;
            let (a, b) = (along(t, self.tr_scale) * span, along(t, self.bl_scale) * span);
            for (x, y) in [
                (self.tl.0 + a * ex.0 + 3.0 * ey.0, self.tl.1 + a * ex.1 + 3.0 * ey.1),
                (self.tl.0 + 3.0 * ex.0 + b * ey.0, self.tl.1 + 3.0 * ex.1 + b * ey.1),
            ] {
                right += usize::from(bits.at(x as i64, y as i64) == want);
            }
        }
        right as f64 / (2 * (size - 16)) as f64
    }
}

impl Corners {
    /// The symbol sizes that the timing patterns' dark modules count: each timing pattern
    /// walked from finder to finder (row or column 6, through the finders' rings) and its
    /// changes of colour counted, each change once it has lasted a third of a module. A
    /// count needs no module positions, so it holds where the symbol bends (on a cylinder,
    /// the pattern along its axis stays straight) and the positions of [`Corners::timing`]
    /// drift off the pattern. Nearest valid sizes, for each side where they are valid.
    /// Each pixel read is charged [`MESH_COST`] to `work`, up front; none is read when
    /// they do not fit.
    fn timing_counts(&self, bits: &Bits, work: &mut u64) -> Vec<usize> {
        let unit = |a: Point, b: Point| {
            let d = dist(a, b).max(1.0);
            ((b.0 - a.0) / d, (b.1 - a.1) / d)
        };
        let (right, down) = (unit(self.tl, self.tr), unit(self.tl, self.bl));
        let m = self.module;
        let off = |p: Point, d: Point, module: f64| (p.0 + 3.0 * module * d.0, p.1 + 3.0 * module * d.1);
        let lines = [
            (off(self.tl, down, m), off(self.tr, down, m * self.tr_scale), m * self.tr_scale.min(1.0)),
            (off(self.tl, right, m), off(self.bl, right, m * self.bl_scale), m * self.bl_scale.min(1.0)),
        ];
        // Four reads a module (at least every pixel), a change held for a third of one.
        let step = |least: f64| (least / 4.0).clamp(0.5, 1.0);
        let steps = |(from, to, least): (Point, Point, f64)| (dist(from, to) / step(least)).min(1e6) as usize;
        let cost = MESH_COST * lines.iter().map(|l| steps(*l) as u64 + 1).sum::<u64>();
        if cost > *work {
            return Vec::new();
        }
        *work -= cost;
        let mut out = Vec::new();
        for (from, to, least) in lines {
            let steps = steps((from, to, least));
            let hold = ((least / 3.0) / step(least)).ceil().max(1.0) as usize;
            let at = |k: usize| {
                let t = k as f64 / steps.max(1) as f64;
                bits.at(floor(from.0 + t * (to.0 - from.0)), floor(from.1 + t * (to.1 - from.1)))
            };
            let (mut colour, mut run, mut changes) = (at(0), 0, 0usize);
            for k in 1..=steps {
                if at(k) == colour {
                    run = 0;
                } else {
                    run += 1;
                    if run >= hold {
                        colour = !colour;
                        changes += 1;
                        run = 0;
                    }
                }
            }
            let size = changes + 13;
            if (21..=177).contains(&size) && size % 4 == 1 {
                out.push(size);
            }
        }
        out
    }
}

/// `t.floor() as i64`, without the library call that `floor` is on the default x86-64
/// target (no SSE4.1).
#[inline]
fn floor(t: f64) -> i64 {
    let i = t as i64;
    i - i64::from((i as f64) > t)
}

/// How far from the centre `from`, walking towards `to`, the finder's outer dark ring
/// ends: three and a half modules.
fn ring_edge(bits: &Bits, from: Point, dir: Point, limit: f64) -> Option<f64> {
    let mut state = 0;
    let mut t = 0.0;
    while t < limit {
        let dark = bits.at((from.0 + dir.0 * t) as i64, (from.1 + dir.1 * t) as i64);
        state = match (state, dark) {
            (0, false) => 1,
            (1, true) => 2,
            (2, false) => return Some(t),
            (s, _) => s,
        };
        t += 0.5;
    }
    None
}

/// The module size along the line from finder `a` to finder `b`, measured across both.
fn module_along(bits: &Bits, a: Point, b: Point, guess: f64) -> Option<f64> {
    let d = dist(a, b);
    let u = ((b.0 - a.0) / d, (b.1 - a.1) / d);
    let back = (-u.0, -u.1);
    let limit = guess * 8.0;
    let across = |p: Point, dir: Point| Some(ring_edge(bits, p, dir, limit)? + ring_edge(bits, p, (-dir.0, -dir.1), limit)?);
    let sizes = [across(a, u), across(b, back)];
    let known: Vec<f64> = sizes.iter().flatten().copied().collect();
    (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64 / 7.0)
}

/// Symbol sizes to try for an estimated size: the nearest valid size, then the next nearest.
fn sizes_near(estimate: f64) -> Vec<usize> {
    let v = ((estimate - 17.0) / 4.0).round().clamp(1.0, 40.0) as usize;
    let other = if estimate > (17 + 4 * v) as f64 { v + 1 } else { v.saturating_sub(1) };
    [v, other].into_iter().filter(|v| (1..=40).contains(v)).map(|v| 17 + 4 * v).collect()
}

/// The 5x5-module alignment pattern: a dark ring, a light ring and a dark centre.
fn alignment_dark(du: i32, dv: i32) -> bool {
    du.abs() == 2 || dv.abs() == 2 || (du == 0 && dv == 0)
}

/// Finds the alignment pattern near where the three finders put it, by matching its
/// template with the module vectors `ex`, `ey`; `None` when nothing matches well.
fn alignment(bits: &Bits, estimate: Point, ex: Point, ey: Point, module: f64) -> Option<Point> {
    // The template's score at `c`, or `None` as soon as it cannot reach `need`: on texture
    // most positions fail within a few samples. The search only wants the best score, and a
    // wide search only one of at least its threshold, so what is cut off could never win:
    // the result is the full search's.
    let score = |c: Point, need: i32| {
        let mut missed = 0;
        for dv in -2..=2 {
            for du in -2..=2 {
                let (x, y) = (c.0 + f64::from(du) * ex.0 + f64::from(dv) * ey.0, c.1 + f64::from(du) * ex.1 + f64::from(dv) * ey.1);
                missed += i32::from(bits.at(x as i64, y as i64) != alignment_dark(du, dv));
                if 25 - missed < need {
                    return None;
                }
            }
        }
        Some(25 - missed)
    };
    let search = |centre: Point, reach: f64, step: f64, least: i32| {
        let steps = (reach / step).ceil() as i32;
        let mut best = (i32::MIN, f64::MAX, centre);
        for j in -steps..=steps {
            for i in -steps..=steps {
                let c = (centre.0 + f64::from(i) * step, centre.1 + f64::from(j) * step);
                let Some(s) = score(c, best.0.max(least)) else { continue };
                let d = dist(c, estimate);
                if s > best.0 || (s == best.0 && d < best.1) {
                    best = (s, d, c);
                }
            }
        }
        best
    };
    // Near first; then wider, for perspective (ZXing widens to 16 modules).
    for (reach, step, least) in [(2.0, 1.0 / 3.0, 22), (6.0, 1.0 / 3.0, 22), (16.0, 0.5, 23)] {
        let (s, _, coarse) = search(estimate, module * reach, module * step, least);
        if s >= least {
            return Some(search(coarse, module * step, module / 8.0, 0).2);
        }
    }
    None
}

/// Tries to read the symbol whose finders are `c`, `size` modules a side: with one
/// perspective, then (version 7 and up) region by region of the mesh of its alignment
/// patterns, if `work` has room for it ([`MESH_COST`] a pixel read, charged up front).
fn read_at(bits: &Bits, c: &Corners, size: usize, work: &mut u64) -> Option<(rqrr::Payload, usize, Perspective)> {
    let s = size as f64;
    let (ex, ey) = c.module_vectors(size);
    let affine = |u: f64, v: f64| c.affine(size, u, v);
    let module = dist((0.0, 0.0), ex).min(dist((0.0, 0.0), ey));
    // Near the fourth corner a row of modules is foreshortened as at the bottom-left
    // finder, a column as at the top-right one.
    let (ax, ay) = ((ex.0 * c.bl_scale, ex.1 * c.bl_scale), (ey.0 * c.tr_scale, ey.1 * c.tr_scale));
    let fourth = if size > 21 { alignment(bits, affine(s - 6.5, s - 6.5), ax, ay, module).map(|p| ((s - 6.5, s - 6.5), p)) } else { None };
    let (grid_point, image_point) = fourth.unwrap_or(((s - 3.5, s - 3.5), affine(s - 3.5, s - 3.5)));
    let from = [(3.5, 3.5), (s - 3.5, 3.5), grid_point, (3.5, s - 3.5)];
    let to = [c.tl, c.tr, image_point, c.bl];
    let p = Perspective::between(from, to);
    let single = decode(size, |x, y| {
        let (px, py) = p.map((x as f64 + 0.5, y as f64 + 0.5));
        bits.at(px.floor() as i64, py.floor() as i64)
    });
    if let Some((payload, version)) = single {
        return Some((payload, version, p));
    }
    let cost = MESH_COST * mesh::mesh_work(size);
    if size < 45 || cost > *work {
        return None;
    }
    *work -= cost;
    let (payload, version) = mesh::read_mesh(bits, c, size, &p)?;
    Some((payload, version, p))
}

/// The work of one pixel read of the mesh (see [`TRY_COST`]).
const MESH_COST: u64 = 3;

/// Decodes a sampled module grid, `dark(column, row)`, with rqrr: the payload and the
/// version, only if the grid passes error correction. A panic counts as no result.
pub(super) fn decode(size: usize, dark: impl Fn(usize, usize) -> bool) -> Option<(rqrr::Payload, usize)> {
    let grid = rqrr::SimpleGrid::from_func(size, dark);
    let decoded = std::panic::catch_unwind(|| rqrr::Grid::new(grid).decode_payload().map(|(meta, payload)| (payload, meta.version.0)));
    decoded.ok()?.ok()
}

/// A candidate symbol: three finders and how far they are from a right isosceles triangle.
struct Candidate {
    finders: [usize; 3],
    distortion: f64,
    side: f64,
}

/// How many nearest finders each finder is paired with. A symbol's top-right and
/// bottom-left finders are among the nearest to its top-left one, even on a sheet of
/// labels, and the bound keeps the triples linear in the number of finders.
const NEIGHBOURS: usize = 8;

/// Triples of finders of similar module size that could be one symbol, likeliest first.
/// Each triple is formed at its right-angle corner, from two of that finder's neighbours.
fn candidates(f: &[Finder]) -> Vec<Candidate> {
    let similar = |a: &Finder, b: &Finder| a.module.max(b.module) <= 1.5 * a.module.min(b.module);
    let d2 = |a: &Finder, b: &Finder| (a.x - b.x).powi(2) + (a.y - b.y).powi(2);
    // Between centres: 14 modules (version 1) to 170 (version 40), allowing for tilt.
    let apart =
        |a: &Finder, b: &Finder| (100.0 * a.module.min(b.module).powi(2)..=62_500.0 * a.module.min(b.module).powi(2)).contains(&d2(a, b));
    let mut out = Vec::new();
    let mut near: Vec<(f64, usize)> = Vec::new();
    for (i, corner) in f.iter().enumerate() {
        near.clear();
        near.extend(
            f.iter().enumerate().filter(|(j, o)| *j != i && similar(corner, o) && apart(corner, o)).map(|(j, o)| (d2(corner, o), j)),
        );
        near.sort_by(|a, b| a.0.total_cmp(&b.0));
        near.truncate(NEIGHBOURS);
        for (x, &(dj, j)) in near.iter().enumerate() {
            for &(dk, k) in &near[x + 1..] {
                let djk = d2(&f[j], &f[k]);
                if !similar(&f[j], &f[k]) || djk < dj.max(dk) {
                    continue; // the corner must face the longest side
                }
                let distortion = ((djk - 2.0 * dj).abs() + (djk - 2.0 * dk).abs()) / djk;
                if distortion < 0.6 {
                    out.push(Candidate { finders: [i, j, k], distortion, side: dj.min(dk).sqrt() });
                }
            }
        }
    }
    out.sort_by(|a, b| a.distortion.total_cmp(&b.distortion).then(a.side.total_cmp(&b.side)));
    out
}

/// Reads the symbols the finders outline. With `all`, every symbol (each finder belongs to
/// one); otherwise the first that decodes. Decoding is tried a bounded number of times,
/// each candidate charged [`TRY_COST`] to `work` (and a mesh read its own cost) before it
/// runs, none once `work` runs out. Also returns how many finders no symbol read took
/// (finders of symbols still unread).
pub(super) fn read(bits: &Bits, finders: &[Finder], scale: f32, all: bool, work: &mut u64) -> (Vec<Code>, usize) {
    let mut used = vec![false; finders.len()];
    let mut found = Vec::new();
    let mut tries = if all { 16 + 3 * finders.len() } else { 12 };
    for cand in candidates(finders) {
        if tries == 0 || (!all && !found.is_empty()) {
            break;
        }
        if cand.finders.iter().any(|i| used[*i]) {
            continue;
        }
        if *work < TRY_COST {
            break;
        }
        *work -= TRY_COST;
        tries -= 1;
        let [a, b, c] = cand.finders.map(|i| &finders[i]);
        let corners = Corners::of(a, b, c);
        let guess = (a.module + b.module + c.module) / 3.0;
        let (Some(mh), Some(mv)) = (module_along(bits, corners.tl, corners.tr, guess), module_along(bits, corners.tl, corners.bl, guess))
        else {
            continue;
        };
        let estimate = (dist(corners.tl, corners.tr) / mh + dist(corners.tl, corners.bl) / mv) / 2.0 + 7.0;
        // Sizes whose timing patterns read, best first.
        let mut sizes: Vec<(usize, f64)> = sizes_near(estimate).into_iter().map(|s| (s, corners.timing(bits, s))).collect();
        // A large size whose modules are not where the finders put them (a bend) may still
        // count right on its timing patterns; it is charged another try.
        let counted = if sizes.iter().any(|s| s.1 < 0.6 && s.0 >= 45) { corners.timing_counts(bits, work) } else { Vec::new() };
        sizes.retain(|s| s.1 >= 0.6 || (s.0 >= 45 && counted.contains(&s.0)));
        sizes.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut attempt = |(size, timing): (usize, f64)| {
            if timing < 0.6 {
                *work = work.checked_sub(TRY_COST)?;
            }
            read_at(bits, &corners, size, work)
        };
        let Some((payload, version, p)) = sizes.into_iter().find_map(&mut attempt) else {
            continue;
        };
        cand.finders.iter().for_each(|i| used[*i] = true);
        let s = (17 + 4 * version) as f64;
        let corners = [(0.0, 0.0), (s, 0.0), (s, s), (0.0, s)].map(|q| {
            let (x, y) = p.map(q);
            ((x * f64::from(scale)) as i32, (y * f64::from(scale)) as i32)
        });
        found.push(Code::of_payload(payload, version, corners));
    }
    (found, used.iter().filter(|u| !**u).count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr;
    use crate::scan::finder;
    use crate::scan::gray::Gray;

    /// A symbol drawn with its corners at `quad` on a mid-grey 400x400 frame.
    fn warped(text: &str, quad: [Point; 4]) -> Gray {
        let code = qr::encode(text).unwrap();
        let n = code.size() as f64;
        let to_grid = Perspective::between(quad, [(0.0, 0.0), (n, 0.0), (n, n), (0.0, n)]);
        let mut px = vec![180u8; 400 * 400];
        for (i, p) in px.iter_mut().enumerate() {
            let (x, y) = to_grid.map(((i % 400) as f64 + 0.5, (i / 400) as f64 + 0.5));
            if (0.0..n).contains(&x) && (0.0..n).contains(&y) {
                *p = if code.get_module(x as i32, y as i32) { 20 } else { 235 };
            } else if (-4.0..n + 4.0).contains(&x) && (-4.0..n + 4.0).contains(&y) {
                *p = 235;
            }
        }
        Gray { w: 400, h: 400, px }
    }

    fn read_text(img: &Gray) -> Option<String> {
        let bits = img.hybrid();
        read(&bits, &finder::find(&bits).unwrap(), 1.0, false, &mut { u64::MAX }).0.pop().map(|c| c.text)
    }

    #[test]
    fn reads_symbols_under_rotation_and_perspective() {
        let label = "HTTPS://EXAMPLE.ORG/#IM1:".to_owned() + &"0123456789".repeat(30);
        let quads = [
            [(60.0, 60.0), (340.0, 60.0), (340.0, 340.0), (60.0, 340.0)],
            [(200.0, 20.0), (380.0, 200.0), (200.0, 380.0), (20.0, 200.0)],
            [(80.0, 50.0), (330.0, 80.0), (320.0, 330.0), (70.0, 350.0)],
        ];
        for (i, quad) in quads.into_iter().enumerate() {
            // Version 1 has no alignment pattern to fix a strong perspective (as in ZXing).
            let v1 = if i < 2 { "V1" } else { "VERSION 2 WITH ALIGNMENT 0123" };
            for text in [v1, "VERSION 4 WITH ALIGNMENT PATTERN 0123456789", label.as_str()] {
                assert_eq!(read_text(&warped(text, quad)).as_deref(), Some(text), "{quad:?}");
            }
        }
    }

    /// The alignment search as it was before it cut off hopeless positions: every position
    /// scored in full.
    fn alignment_in_full(bits: &Bits, estimate: Point, ex: Point, ey: Point, module: f64) -> Option<Point> {
        let score = |c: Point| {
            let at =
                |du: i32, dv: i32| (c.0 + f64::from(du) * ex.0 + f64::from(dv) * ey.0, c.1 + f64::from(du) * ex.1 + f64::from(dv) * ey.1);
            let cells = (-2..=2).flat_map(|dv| (-2..=2).map(move |du| (du, dv)));
            cells.filter(|&(du, dv)| bits.at(at(du, dv).0 as i64, at(du, dv).1 as i64) == alignment_dark(du, dv)).count() as i32
        };
        let search = |centre: Point, reach: f64, step: f64| {
            let steps = (reach / step).ceil() as i32;
            let mut best = (i32::MIN, f64::MAX, centre);
            for j in -steps..=steps {
                for i in -steps..=steps {
                    let c = (centre.0 + f64::from(i) * step, centre.1 + f64::from(j) * step);
                    let (s, d) = (score(c), dist(c, estimate));
                    if s > best.0 || (s == best.0 && d < best.1) {
                        best = (s, d, c);
                    }
                }
            }
            best
        };
        for (reach, step, least) in [(2.0, 1.0 / 3.0, 22), (6.0, 1.0 / 3.0, 22), (16.0, 0.5, 23)] {
            let (s, _, coarse) = search(estimate, module * reach, module * step);
            if s >= least {
                return Some(search(coarse, module * step, module / 8.0).2);
            }
        }
        None
    }

    #[test]
    fn the_alignment_search_finds_what_the_full_search_finds() {
        let text = "VERSION 4 WITH ALIGNMENT PATTERN 0123456789";
        let quad = [(80.0, 50.0), (330.0, 80.0), (320.0, 330.0), (70.0, 350.0)];
        let img = warped(text, quad);
        let noise = Gray { w: 400, h: 400, px: (0..160_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect() };
        let mut found = 0;
        for img in [&img, &noise] {
            let bits = img.hybrid();
            for k in 0..60 {
                let estimate = (150.0 + f64::from(k % 10) * 17.0, 150.0 + f64::from(k / 10) * 29.0);
                let (ex, ey) = ((7.5 + f64::from(k % 3), 0.8), (-0.6, 7.0 + f64::from(k % 4) / 2.0));
                let got = alignment(&bits, estimate, ex, ey, 7.0);
                assert_eq!(got, alignment_in_full(&bits, estimate, ex, ey, 7.0), "at {estimate:?}");
                found += usize::from(got.is_some());
            }
        }
        assert!(found > 0, "some searches find a pattern");
    }

    #[test]
    fn a_mirrored_symbol_is_read() {
        let quad = [(340.0, 60.0), (60.0, 60.0), (60.0, 340.0), (340.0, 340.0)];
        assert_eq!(read_text(&warped("MIRRORED", quad)).as_deref(), Some("MIRRORED"));
    }

    #[test]
    fn a_perspective_maps_corners_to_corners() {
        let from = [(3.5, 3.5), (53.5, 3.5), (50.5, 50.5), (3.5, 53.5)];
        let to = [(100.0, 120.0), (400.0, 90.0), (380.0, 390.0), (130.0, 420.0)];
        let p = Perspective::between(from, to);
        for (a, b) in from.iter().zip(to) {
            let m = p.map(*a);
            assert!(dist(m, b) < 1e-6, "{m:?} != {b:?}");
        }
    }

    #[test]
    fn sizes_near_an_estimate() {
        assert_eq!(sizes_near(57.3), vec![57, 61]);
        assert_eq!(sizes_near(55.6), vec![57, 53]);
        assert_eq!(sizes_near(12.0), vec![21]);
        assert_eq!(sizes_near(400.0), vec![177]);
    }
}
