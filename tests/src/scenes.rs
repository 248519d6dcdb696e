//! Camera scenes of the kinds of picture shoppers meet, to measure decoders on (the
//! `scenes` binary writes them out; tests render a few). Every frame is rendered by
//! casting a ray per sample through a pinhole camera onto the surface, then blurred,
//! lit unevenly, given sensor noise and passed through JPEG, with parameters drawn from a
//! seeded generator (the same scenes on every run).
//!
//! Kinds ([`KINDS`]):
//! - `flat`: a label sticker (version 10, as labels are) on a flat surface, tilted and rolled (the baseline);
//! - `cylinder`: the sticker on a cylinder of radius 1.5x its width, turned 12°;
//! - `two-codes`: a marketing code beside the label (the expected text is the label's);
//! - `small-2px`: about two pixels a module after blur and JPEG;
//! - `small-1px`: a dense symbol at about one pixel a module, sharp and lightly compressed;
//! - `dots`: round-dot modules with rounded finder patterns;
//! - `curled`: a dense symbol (version 20 or so, about 2.5 pixels a module) on paper
//!   curled round a cylinder of radius 0.9 to 1.3 times its width, turned up to 15°;
//! - `colour`: ink and paper in brand colours (navy, red, green on yellow, purple on lilac,
//!   orange), as the grey a decoder sees of them (Rec. 601 luma).

use iotmark_core::qr;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
    fn gauss(&mut self) -> f64 {
        (0..6).map(|_| self.next()).sum::<f64>() - 3.0
    }
}

/// How modules are drawn.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    Square,
    /// Round dots, finder patterns with rounded corners.
    Dots,
}

/// A symbol on a sticker: the sticker spans [0, 1]² with a quiet zone of 4 modules.
struct Sticker {
    code: qr::QrCode,
    n: i32,
    style: Style,
    /// The grey of dark modules and of the paper, 0 to 1.
    ink: f64,
    paper: f64,
}

impl Sticker {
    fn new(text: &str, style: Style) -> Sticker {
        let code = qr::encode(text).expect("the text fits a symbol");
        let n = code.size();
        Sticker { code, n, style, ink: 0.1, paper: 0.92 }
    }

    /// The sticker printed in sRGB colours `ink` on `paper`, as grey (Rec. 601 luma).
    fn coloured(mut self, ink: [u8; 3], paper: [u8; 3]) -> Sticker {
        let luma = |[r, g, b]: [u8; 3]| (0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b)) / 255.0;
        (self.ink, self.paper) = (luma(ink), luma(paper) * 0.95);
        self
    }

    /// Ink at sticker coordinates `(u, v)` in [0, 1]²: true for dark.
    fn dark(&self, u: f64, v: f64) -> bool {
        let side = f64::from(self.n + 2 * qr::QUIET_ZONE);
        let (mx, my) = (u * side - f64::from(qr::QUIET_ZONE), v * side - f64::from(qr::QUIET_ZONE));
        if mx < 0.0 || my < 0.0 || mx >= f64::from(self.n) || my >= f64::from(self.n) {
            return false;
        }
        let (cx, cy) = (mx.floor() as i32, my.floor() as i32);
        if self.style == Style::Square {
            return self.code.get_module(cx, cy);
        }
        let n = f64::from(self.n);
        // Finder patterns: a rounded ring 7 modules wide and a rounded 3x3 centre.
        for (fx, fy) in [(0.0, 0.0), (n - 7.0, 0.0), (0.0, n - 7.0)] {
            let (dx, dy) = (mx - fx - 3.5, my - fy - 3.5);
            if dx.abs() < 3.5 && dy.abs() < 3.5 {
                let rounded = |half: f64, r: f64| {
                    let (qx, qy) = ((dx.abs() - (half - r)).max(0.0), (dy.abs() - (half - r)).max(0.0));
                    qx.hypot(qy) <= r
                };
                return (rounded(3.5, 1.6) && !rounded(2.5, 1.1)) || rounded(1.5, 0.9);
            }
        }
        let (ox, oy) = (mx - f64::from(cx) - 0.5, my - f64::from(cy) - 0.5);
        self.code.get_module(cx, cy) && ox.hypot(oy) <= 0.42
    }
}

/// A plane projective map from the unit square onto quadrilateral `q` (x, y pairs).
fn square_to_quad(q: [(f64, f64); 4]) -> [[f64; 3]; 3] {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
    let (dx3, dy3) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    let (g, h) = ((dx3 * dy2 - dx2 * dy3) / den, (dx1 * dy3 - dx3 * dy1) / den);
    [[x1 - x0 + g * x1, x3 - x0 + h * x3, x0], [y1 - y0 + g * y1, y3 - y0 + h * y3, y0], [g, h, 1.0]]
}

fn invert(m: [[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let a = m;
    let det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    let c = |i: usize, j: usize| {
        let (r0, r1) = ((i + 1) % 3, (i + 2) % 3);
        let (c0, c1) = ((j + 1) % 3, (j + 2) % 3);
        a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0]
    };
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = c(j, i) / det;
        }
    }
    out
}

fn apply(m: &[[f64; 3]; 3], x: f64, y: f64) -> (f64, f64) {
    let w = m[2][0] * x + m[2][1] * y + m[2][2];
    ((m[0][0] * x + m[0][1] * y + m[0][2]) / w, (m[1][0] * x + m[1][1] * y + m[1][2]) / w)
}

/// Where a frame pixel falls on the surface: sticker coordinates, or `None` off it.
type Surface<'a> = Box<dyn Fn(f64, f64) -> Option<(usize, f64, f64)> + 'a>;

/// A flat sticker whose corners land at `quad` in the frame.
fn flat(quad: [(f64, f64); 4], index: usize) -> impl Fn(f64, f64) -> Option<(usize, f64, f64)> {
    let to_sticker = invert(square_to_quad(quad));
    move |x, y| {
        let (u, v) = apply(&to_sticker, x, y);
        ((0.0..1.0).contains(&u) && (0.0..1.0).contains(&v)).then_some((index, u, v))
    }
}

/// A sticker of width `side` pixels (at the axis distance) wrapped on a vertical cylinder
/// of radius `radius` sides, its centre turned `turn` radians from the camera, centred at
/// `(cx, cy)` in a frame of focal length `f`, rolled by `roll`.
fn cylinder(cx: f64, cy: f64, side: f64, radius: f64, turn: f64, roll: f64, f: f64) -> impl Fn(f64, f64) -> Option<(usize, f64, f64)> {
    let w = 1.0;
    let r = radius * w;
    // The axis at distance d, so that the sticker is about `side` pixels wide.
    let d = f * w / side + r;
    let (sin, cos) = roll.sin_cos();
    move |px, py| {
        let (ox, oy) = (px - cx, py - cy);
        let (x, y) = ((cos * ox + sin * oy) / f, (-sin * ox + cos * oy) / f);
        // The ray t·(x, y, 1) meets x² + (z - d)² = r² nearest the camera.
        let a = x * x + 1.0;
        let disc = d * d - a * (d * d - r * r);
        if disc < 0.0 {
            return None;
        }
        let t = (d - disc.sqrt()) / a;
        let (sx, sy, sz) = (t * x, t * y, t);
        let theta = sx.atan2(d - sz);
        let u = (r * (theta - turn)) / w + 0.5;
        let v = sy / w + 0.5;
        ((0.0..1.0).contains(&u) && (0.0..1.0).contains(&v)).then_some((0, u, v))
    }
}

/// Camera effects on a rendered frame (0 to 1, 1 white).
struct Effects {
    blur: f64,
    noise: f64,
    jpeg: u8,
    /// Light falls from 1 to `1 - shade` across the frame, along `angle`.
    shade: f64,
    angle: f64,
}

fn blur(img: &mut [f64], w: usize, h: usize, sigma: f64) {
    if sigma < 0.05 {
        return;
    }
    let r = (3.0 * sigma).ceil() as i64;
    let k: Vec<f64> = (-r..=r).map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp()).collect();
    let sum: f64 = k.iter().sum();
    let pass = |src: &[f64], horizontal: bool| {
        let mut out = vec![0.0; src.len()];
        for y in 0..h as i64 {
            for x in 0..w as i64 {
                let mut acc = 0.0;
                for (i, kv) in k.iter().enumerate() {
                    let o = i as i64 - r;
                    let (sx, sy) = if horizontal { ((x + o).clamp(0, w as i64 - 1), y) } else { (x, (y + o).clamp(0, h as i64 - 1)) };
                    acc += kv * src[sy as usize * w + sx as usize];
                }
                out[y as usize * w + x as usize] = acc / sum;
            }
        }
        out
    };
    let once = pass(img, true);
    img.copy_from_slice(&pass(&once, false));
}

/// Renders `surface` over a textured background, applies `fx`, and returns grey pixels
/// as they come out of a JPEG decoder.
fn render(w: usize, h: usize, stickers: &[&Sticker], surface: &Surface, fx: &Effects, rng: &mut Rng) -> Vec<u8> {
    let ss = 3;
    let mut img = vec![0.0; w * h];
    let (bg_a, bg_b) = (rng.range(0.35, 0.65), rng.range(0.05, 0.2));
    for y in 0..h {
        for x in 0..w {
            let mut acc = 0.0;
            for sy in 0..ss {
                for sx in 0..ss {
                    let (fx_, fy_) = (x as f64 + (sx as f64 + 0.5) / ss as f64, y as f64 + (sy as f64 + 0.5) / ss as f64);
                    acc += match surface(fx_, fy_) {
                        Some((i, u, v)) => {
                            let s = stickers[i];
                            if s.dark(u, v) {
                                s.ink
                            } else {
                                s.paper
                            }
                        }
                        None => bg_a + bg_b * ((fx_ / 37.0).sin() * (fy_ / 23.0).cos()),
                    };
                }
            }
            img[y * w + x] = acc / (ss * ss) as f64;
        }
    }
    blur(&mut img, w, h, fx.blur);
    let (ca, sa) = (fx.angle.cos(), fx.angle.sin());
    let span = (w as f64).hypot(h as f64);
    let px: Vec<u8> = img
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (x, y) = ((i % w) as f64, (i / w) as f64);
            let t = ((x * ca + y * sa) / span + 0.5).clamp(0.0, 1.0);
            let light = 1.0 - fx.shade * t;
            ((v * light * 255.0) + fx.noise * rng.gauss()).round().clamp(0.0, 255.0) as u8
        })
        .collect();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, fx.jpeg)
        .encode(&px, w as u32, h as u32, image::ExtendedColorType::L8)
        .expect("a JPEG encodes");
    image::load_from_memory(&jpeg).expect("the JPEG decodes").to_luma8().into_raw()
}

/// A label's text as the scanner meets it, `digits` digits after the link.
fn label_text(rng: &mut Rng, digits: usize) -> String {
    let body: String = (0..digits).map(|_| char::from(b'0' + (rng.next() * 10.0) as u8)).collect();
    format!("HTTPS://IOTMARK.ORG/#IM1:{body}")
}

/// A quadrilateral: a square of `side` pixels centred at `(cx, cy)`, rolled by `roll`,
/// tilted so that its far edge is `tilt` shorter.
fn tilted(cx: f64, cy: f64, side: f64, roll: f64, tilt: f64, vertical: bool) -> [(f64, f64); 4] {
    let h = side / 2.0;
    let (near, far) = (h * (1.0 + tilt / 2.0), h * (1.0 - tilt / 2.0));
    let corners = if vertical { [(-far, -h), (far, -h), (near, h), (-near, h)] } else { [(-h, -far), (h, -near), (h, near), (-h, far)] };
    let (s, c) = roll.sin_cos();
    corners.map(|(x, y)| (cx + c * x - s * y, cy + s * x + c * y))
}

/// The kinds of scene, in the order their generators are seeded.
pub const KINDS: [&str; 8] = ["flat", "cylinder", "two-codes", "small-2px", "small-1px", "dots", "curled", "colour"];

/// One rendered frame: grey pixels, `width * height`, and the text a reader should give.
pub struct Scene {
    pub width: usize,
    pub height: usize,
    pub luma: Vec<u8>,
    pub text: String,
}

/// Frame `i` of the scenes of kind `kind` (one of [`KINDS`]): the same pixels on every run.
pub fn render_scene(kind: &str, i: usize) -> Scene {
    let k = KINDS.iter().position(|n| *n == kind).expect("a kind of scene");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((k as u64) << 32 | i as u64).wrapping_mul(0x1000_0000_01B3));
    rng.next();
    let (w, h) = (640, 480);
    let roll = rng.range(-0.4, 0.4);
    let mut fx = Effects {
        blur: rng.range(0.4, 1.2),
        noise: rng.range(2.0, 8.0),
        jpeg: rng.range(60.0, 85.0) as u8,
        shade: rng.range(0.2, 0.6),
        angle: rng.range(0.0, std::f64::consts::TAU),
    };
    let (cx, cy) = (w as f64 / 2.0 + rng.range(-40.0, 40.0), h as f64 / 2.0 + rng.range(-30.0, 30.0));
    let label = label_text(&mut rng, 400);
    let (px, text) = match kind {
        "flat" | "dots" => {
            let style = if kind == "dots" { Style::Dots } else { Style::Square };
            let s = Sticker::new(&label, style);
            let quad = tilted(cx, cy, rng.range(300.0, 380.0), roll, rng.range(0.0, 0.3), rng.next() < 0.5);
            let surface: Surface = Box::new(flat(quad, 0));
            (render(w, h, &[&s], &surface, &fx, &mut rng), label)
        }
        "cylinder" => {
            let s = Sticker::new(&label, Style::Square);
            let turn = if rng.next() < 0.5 { 12f64 } else { -12.0 }.to_radians();
            let surface: Surface = Box::new(cylinder(cx, cy, rng.range(320.0, 400.0), 1.5, turn, roll * 0.5, 900.0));
            (render(w, h, &[&s], &surface, &fx, &mut rng), label)
        }
        "two-codes" => {
            let s = Sticker::new(&label, Style::Square);
            let m = Sticker::new(&format!("HTTPS://SHOP.EXAMPLE/OFFER?ID={}", (rng.next() * 1e9) as u64), Style::Square);
            let side = rng.range(220.0, 260.0);
            let tilt = rng.range(0.0, 0.2);
            let (a, b) = (tilted(170.0, cy, side, roll * 0.5, tilt, true), tilted(470.0, cy, side * 0.8, roll * 0.5, tilt, true));
            // The label on one side, the marketing code on the other.
            let label_left = rng.next() < 0.5;
            let (left, right) = if label_left { (0, 1) } else { (1, 0) };
            let (fl, fr) = (flat(a, left), flat(b, right));
            let surface: Surface = Box::new(move |x, y| fl(x, y).or_else(|| fr(x, y)));
            (render(w, h, &[&s, &m], &surface, &fx, &mut rng), label)
        }
        "small-2px" => {
            let s = Sticker::new(&label, Style::Square);
            let side = f64::from(s.n + 8) * rng.range(1.9, 2.3);
            fx.blur = rng.range(0.5, 0.9);
            let quad = tilted(cx, cy, side, roll, rng.range(0.0, 0.1), true);
            let surface: Surface = Box::new(flat(quad, 0));
            (render(w, h, &[&s], &surface, &fx, &mut rng), label)
        }
        "curled" => {
            let dense = label_text(&mut rng, 800);
            let s = Sticker::new(&dense, Style::Square);
            let side = f64::from(s.n + 8) * rng.range(3.2, 3.8);
            let turn = rng.range(-15.0f64, 15.0).to_radians();
            let surface: Surface = Box::new(cylinder(cx, cy, side, rng.range(0.9, 1.3), turn, roll * 0.5, 900.0));
            (render(w, h, &[&s], &surface, &fx, &mut rng), dense)
        }
        "colour" => {
            const COLOURS: [([u8; 3], [u8; 3]); 5] = [
                ([0x1B, 0x2A, 0x6B], [0xFF, 0xFF, 0xFF]),
                ([0xC8, 0x10, 0x2E], [0xFF, 0xFF, 0xFF]),
                ([0x00, 0x85, 0x3F], [0xFF, 0xF3, 0xB0]),
                ([0x5B, 0x2C, 0x83], [0xF2, 0xE6, 0xFF]),
                ([0xE3, 0x52, 0x05], [0xFF, 0xFF, 0xFF]),
            ];
            let (ink, paper) = COLOURS[i % COLOURS.len()];
            let s = Sticker::new(&label, Style::Square).coloured(ink, paper);
            let quad = tilted(cx, cy, rng.range(300.0, 380.0), roll, rng.range(0.0, 0.3), rng.next() < 0.5);
            let surface: Surface = Box::new(flat(quad, 0));
            (render(w, h, &[&s], &surface, &fx, &mut rng), label)
        }
        _ => {
            // Version 20 or so at one pixel a module, nearly square to the camera.
            let dense = label_text(&mut rng, 800);
            let s = Sticker::new(&dense, Style::Square);
            let side = f64::from(s.n + 8) * rng.range(1.0, 1.15);
            (fx.blur, fx.noise, fx.jpeg) = (rng.range(0.2, 0.4), rng.range(1.0, 3.0), 92);
            let quad = tilted(cx, cy, side, roll * 0.05, 0.0, true);
            let surface: Surface = Box::new(flat(quad, 0));
            (render(w, h, &[&s], &surface, &fx, &mut rng), dense)
        }
    };
    Scene { width: w, height: h, luma: px, text }
}
