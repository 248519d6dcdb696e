//! Reading a symbol region by region, for labels on curved surfaces (a bottle, a round tin).
//!
//! One perspective for the whole symbol fits a flat label. On a cylinder the modules are
//! compressed towards one side and the rows bow, so that in the middle of a large symbol
//! the single perspective is off by several modules. Symbols of version 7 and up have
//! alignment patterns on a grid inside them (as zxing-cpp uses them): each is found near
//! where its found neighbours put it, and each cell of the mesh of finder and alignment
//! centres is sampled with its own perspective, through its four corners. A curve is
//! nearly a perspective over so small a cell. The perspective the predictions start from
//! is fitted again to every pattern found (least squares), so that a flat symbol whose
//! fourth corner the finders placed badly (strong tilt, round dots) is read too.

use super::{alignment_dark, floor, Corners, Perspective, Point};
use crate::scan::gray::Bits;
use rqrr::alignment_centres;

/// Searches of the alignment pattern around a prediction: the reach in modules, the step
/// in modules and the least template score (of 25) that counts as found.
const SEARCHES: [(f64, f64, i32); 2] = [(2.0, 1.0 / 3.0, 22), (5.0, 1.0 / 3.0, 22)];

/// The pixels a centring of a found pattern reads: a 13 x 13 lattice of template matches.
const CENTRING: u64 = 13 * 13 * 25;

/// The pixels that reading a symbol of `size` modules by its mesh reads at most: every
/// alignment pattern searched for and centred, and every module sampled.
pub(super) fn mesh_work(size: usize) -> u64 {
    let n = alignment_centres((size.max(21) - 17) / 4).len() as u64;
    let per_search: u64 = SEARCHES.iter().map(|(reach, step, _)| ((2.0 * (reach / step).ceil() + 1.0) as u64).pow(2) * 25).sum();
    n * n * (per_search + CENTRING) + (size * size) as u64
}

/// The 5x5 template score of an alignment pattern centred at `c` with module vectors
/// `ex`, `ey`: how many of its 25 modules read as they should.
fn score(bits: &Bits, c: Point, ex: Point, ey: Point) -> i32 {
    let mut n = 0;
    for dv in -2..=2 {
        for du in -2..=2 {
            let (x, y) = (c.0 + f64::from(du) * ex.0 + f64::from(dv) * ey.0, c.1 + f64::from(du) * ex.1 + f64::from(dv) * ey.1);
            n += i32::from(bits.at(floor(x), floor(y)) == alignment_dark(du, dv));
        }
    }
    n
}

/// Finds the alignment pattern near `guess`: the best template match within a short reach,
/// then a longer one, centred on the middle of the positions that match best (the
/// template matches wherever each of its samples stays inside its module, a plateau about
/// a module wide whose middle is the pattern's centre).
fn find_alignment(bits: &Bits, guess: Point, ex: Point, ey: Point) -> Option<Point> {
    let at = |o: Point, i: f64, j: f64| (o.0 + i * ex.0 + j * ey.0, o.1 + i * ex.1 + j * ey.1);
    for (reach, step, least) in SEARCHES {
        let steps = (reach / step).ceil() as i32;
        let mut best = (i32::MIN, f64::MAX, guess);
        for j in -steps..=steps {
            for i in -steps..=steps {
                let (di, dj) = (f64::from(i) * step, f64::from(j) * step);
                let c = at(guess, di, dj);
                let (s, d) = (score(bits, c, ex, ey), di * di + dj * dj);
                if s > best.0 || (s == best.0 && d < best.1) {
                    best = (s, d, c);
                }
            }
        }
        if best.0 < least {
            continue;
        }
        let (mut sum, mut count) = ((0.0, 0.0), 0.0);
        for j in -6..=6 {
            for i in -6..=6 {
                let c = at(best.2, f64::from(i) / 6.0, f64::from(j) / 6.0);
                if score(bits, c, ex, ey) >= best.0 {
                    sum = (sum.0 + c.0, sum.1 + c.1);
                    count += 1.0;
                }
            }
        }
        return (count > 0.0).then(|| (sum.0 / count, sum.1 / count));
    }
    None
}

/// The perspective from module coordinates to the image that fits `pairs` best (least
/// squares over its eight parameters, coordinates normalised): `None` for fewer than four
/// pairs or a degenerate fit. `size` is the symbol's, to normalise module coordinates.
fn fit(pairs: &[(Point, Point)], size: f64) -> Option<Perspective> {
    if pairs.len() < 4 {
        return None;
    }
    let k = pairs.len() as f64;
    let (cx, cy) = pairs.iter().fold((0.0, 0.0), |s, (_, q)| (s.0 + q.0 / k, s.1 + q.1 / k));
    let spread = pairs.iter().map(|(_, q)| (q.0 - cx).abs() + (q.1 - cy).abs()).sum::<f64>() / k;
    if spread.is_nan() || spread <= 1e-6 {
        return None;
    }
    // Normal equations of x' (g u + h v + 1) = a u + b v + c, and of y' likewise, in loops
    // of a size the optimiser does not know (unrolled, they were 4 KB of the module).
    let n = std::hint::black_box(8usize);
    let mut a = [[0.0f64; 9]; 8];
    for ((u, v), (x, y)) in pairs {
        let (u, v, x, y) = (u / size, v / size, (x - cx) / spread, (y - cy) / spread);
        for row in [[u, v, 1.0, 0.0, 0.0, 0.0, -u * x, -v * x, x], [0.0, 0.0, 0.0, u, v, 1.0, -u * y, -v * y, y]] {
            for (i, ai) in a.iter_mut().enumerate().take(n) {
                for (j, aij) in ai.iter_mut().enumerate().take(n + 1) {
                    *aij += row[i] * row[j];
                }
            }
        }
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..n {
        let pivot = (col..n).max_by(|i, j| a[*i][col].abs().total_cmp(&a[*j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col];
        for (r, row) in a.iter_mut().enumerate().take(n) {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(pivot_row).skip(col).take(n + 1 - col) {
                    *x -= f * p;
                }
            }
        }
    }
    let h: Vec<f64> = (0..8).map(|i| a[i][8] / a[i][i]).collect();
    // Back to pixels and modules: [s 0 cx; 0 s cy; 0 0 1] · H · diag(1/size, 1/size, 1).
    let m = [
        [(spread * h[0] + cx * h[6]) / size, (spread * h[1] + cx * h[7]) / size, spread * h[2] + cx],
        [(spread * h[3] + cy * h[6]) / size, (spread * h[4] + cy * h[7]) / size, spread * h[5] + cy],
        [h[6] / size, h[7] / size, 1.0],
    ];
    m.iter().flatten().all(|v| v.is_finite()).then_some(Perspective { m })
}

/// The mesh of a symbol: a node at each finder centre and each alignment pattern centre,
/// with its place in module coordinates and, once found, in the image.
struct Mesh {
    /// Module coordinate of each row and column of nodes (alignment centres).
    centres: Vec<usize>,
    size: usize,
    /// Where each node is in the image, row by row, where known.
    found: Vec<Option<Point>>,
}

impl Mesh {
    fn n(&self) -> usize {
        self.centres.len()
    }

    /// The module coordinates of node `(i, j)`: a finder's centre in three corners, else an
    /// alignment pattern's.
    fn module(&self, i: usize, j: usize) -> Point {
        let (last, s) = (self.n() - 1, self.size as f64);
        match (i, j) {
            (0, 0) => (3.5, 3.5),
            (i, 0) if i == last => (s - 3.5, 3.5),
            (0, j) if j == last => (3.5, s - 3.5),
            _ => (self.centres[i] as f64 + 0.5, self.centres[j] as f64 + 0.5),
        }
    }

    fn get(&self, i: isize, j: isize) -> Option<Point> {
        let n = self.n() as isize;
        if i < 0 || j < 0 || i >= n || j >= n {
            return None;
        }
        self.found[j as usize * self.n() + i as usize]
    }

    /// Where node `(i, j)` is likely to be: the single perspective `p`, corrected by how
    /// far from it the known nodes nearby were found. The correction at a node follows
    /// from three known neighbours forming a parallelogram with it (exact for a bend along
    /// either side), else from known neighbours along its row or column, else it is none.
    /// Also returns how much the prediction is backed: parallelograms, then neighbours.
    fn predict(&self, p: &Perspective, i: usize, j: usize) -> (Point, usize) {
        let residual = |a: isize, b: isize| {
            self.get(a, b).map(|q| {
                let m = p.map(self.module(a as usize, b as usize));
                (q.0 - m.0, q.1 - m.1)
            })
        };
        let (i, j) = (i as isize, j as isize);
        let (mut sum, mut count) = ((0.0, 0.0), 0usize);
        for (di, dj) in [(-1, -1), (1, -1), (-1, 1), (1, 1)] {
            if let (Some(a), Some(b), Some(c)) = (residual(i + di, j), residual(i, j + dj), residual(i + di, j + dj)) {
                sum = (sum.0 + a.0 + b.0 - c.0, sum.1 + a.1 + b.1 - c.1);
                count += 1;
            }
        }
        let parallelograms = count;
        if count == 0 {
            for (di, dj) in [(-1, 0), (1, 0), (0, -1), (0, 1)] {
                if let Some(a) = residual(i + di, j + dj) {
                    sum = (sum.0 + a.0, sum.1 + a.1);
                    count += 1;
                }
            }
        }
        let m = p.map(self.module(i as usize, j as usize));
        let backing = parallelograms * 8 + count;
        if count == 0 {
            return (m, 0);
        }
        ((m.0 + sum.0 / count as f64, m.1 + sum.1 / count as f64), backing)
    }
}

/// Reads the symbol whose finders are `c`, `size` modules a side, cell by cell of the mesh
/// of its alignment patterns, once the single perspective `p` has failed. The finders'
/// centres are taken as found; every alignment pattern is searched for, the bottom-right
/// one too (the one `p` went through may be a false match, which is why `p` failed).
/// `None` below version 7, and when no alignment pattern is found (the mesh would then be
/// `p` again).
pub(super) fn read_mesh(bits: &Bits, c: &Corners, size: usize, p: &Perspective) -> Option<(rqrr::Payload, usize)> {
    let centres = alignment_centres((size - 17) / 4).to_vec();
    if centres.len() < 3 {
        return None;
    }
    let n = centres.len();
    let mut mesh = Mesh { centres, size, found: vec![None; n * n] };
    mesh.found[0] = Some(c.tl);
    mesh.found[n - 1] = Some(c.tr);
    mesh.found[(n - 1) * n] = Some(c.bl);
    // Attempts at each node, and how many nodes were found at its last attempt.
    let mut tried: Vec<(u8, usize)> = mesh.found.iter().map(|f| (if f.is_some() { 2 } else { 0 }, 0)).collect();
    let (mut inside, mut missed) = (0, 0);
    let mut base = *p;
    // Each node in turn, the best backed prediction first (ties: nearest the middle); a
    // node missed is tried once more after more nodes are found.
    loop {
        let mid = (n - 1) as f64 / 2.0;
        let next = (0..n * n)
            .filter(|k| tried[*k].0 == 0 || (tried[*k].0 == 1 && tried[*k].1 < inside))
            .map(|k| {
                let (i, j) = (k % n, k / n);
                let (guess, backing) = mesh.predict(&base, i, j);
                let off = (i as f64 - mid).abs() + (j as f64 - mid).abs();
                (k, guess, backing + 100 * usize::from(tried[k].0 == 0), off)
            })
            .max_by(|a, b| a.2.cmp(&b.2).then(b.3.total_cmp(&a.3)));
        let Some((k, guess, _, _)) = next else { break };
        let first = tried[k].0 == 0;
        tried[k] = (tried[k].0 + 1, inside);
        let m = mesh.module(k % n, k / n);
        // Module vectors of the base perspective there, moved to the prediction.
        let o = base.map(m);
        let (px, py) = (base.map((m.0 + 1.0, m.1)), base.map((m.0, m.1 + 1.0)));
        let (ex, ey) = ((px.0 - o.0, px.1 - o.1), (py.0 - o.0, py.1 - o.1));
        if let Some(q) = find_alignment(bits, guess, ex, ey) {
            mesh.found[k] = Some(q);
            tried[k].0 = 2;
            inside += 1;
            // The perspective that best fits every node found so far.
            let pairs: Vec<(Point, Point)> = (0..n * n).filter_map(|k| mesh.found[k].map(|q| (mesh.module(k % n, k / n), q))).collect();
            if let Some(fitted) = fit(&pairs, size as f64) {
                base = fitted;
            }
        } else if first {
            missed += 1;
            // Three finders on noise, or no symbol of this size: no pattern near the finders.
            if missed > 2 * inside + 1 {
                return None;
            }
        }
    }
    if inside == 0 {
        return None;
    }
    // Nodes not found where their found neighbours put them.
    let nodes: Vec<Point> = (0..n * n).map(|k| mesh.found[k].unwrap_or_else(|| mesh.predict(&base, k % n, k / n).0)).collect();
    let cells: Vec<Perspective> = (0..(n - 1) * (n - 1))
        .map(|k| {
            let (i, j) = (k % (n - 1), k / (n - 1));
            let from = [mesh.module(i, j), mesh.module(i + 1, j), mesh.module(i + 1, j + 1), mesh.module(i, j + 1)];
            let to = [nodes[j * n + i], nodes[j * n + i + 1], nodes[(j + 1) * n + i + 1], nodes[(j + 1) * n + i]];
            Perspective::between(from, to)
        })
        .collect();
    // A module belongs to the cell whose top-left node is at or before it.
    let cell_of = |x: usize| mesh.centres[1..n - 1].iter().filter(|c| **c <= x).count();
    let lookup: Vec<usize> = (0..size).map(cell_of).collect();
    super::decode(size, |x, y| {
        let (px, py) = cells[lookup[y] * (n - 1) + lookup[x]].map((x as f64 + 0.5, y as f64 + 0.5));
        bits.at(floor(px), floor(py))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fitted_perspective_maps_every_pair() {
        let truth = Perspective::between(
            [(3.5, 3.5), (53.5, 3.5), (50.5, 50.5), (3.5, 53.5)],
            [(100.0, 120.0), (400.0, 90.0), (380.0, 390.0), (130.0, 420.0)],
        );
        let modules =
            [(3.5, 3.5), (53.5, 3.5), (3.5, 53.5), (28.5, 6.5), (6.5, 28.5), (28.5, 28.5), (50.5, 28.5), (28.5, 50.5), (50.5, 50.5)];
        let pairs: Vec<(Point, Point)> = modules.iter().map(|m| (*m, truth.map(*m))).collect();
        let fitted = fit(&pairs, 57.0).expect("a fit");
        for m in [(0.0, 0.0), (57.0, 57.0), (20.0, 40.0)] {
            let (a, b) = (fitted.map(m), truth.map(m));
            assert!((a.0 - b.0).abs() + (a.1 - b.1).abs() < 1e-6, "{a:?} != {b:?}");
        }
        assert!(fit(&pairs[..3], 57.0).is_none(), "three pairs do not fix a perspective");
        assert!(fit(&[((3.5, 3.5), (9.0, 9.0)); 5], 57.0).is_none(), "one point repeated fixes nothing");
    }

    #[test]
    fn alignment_centres_as_the_standard_tabulates_them() {
        assert!(alignment_centres(1).is_empty());
        assert_eq!(alignment_centres(2), vec![6, 18]);
        assert_eq!(alignment_centres(7), vec![6, 22, 38]);
        assert_eq!(alignment_centres(10), vec![6, 28, 50]);
        assert_eq!(alignment_centres(32), vec![6, 34, 60, 86, 112, 138]);
        assert_eq!(alignment_centres(36), vec![6, 24, 50, 76, 102, 128, 154]);
        assert_eq!(alignment_centres(40), vec![6, 30, 58, 86, 114, 142, 170]);
    }
}
