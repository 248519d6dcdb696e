//! Makes a Y4M camera clip of an image, as a phone camera would see it: placed on a
//! textured background, optionally rotated, tilted in perspective, dimmed and noisy.
//! Chromium plays such a clip as its fake camera (see shared/TOOLCHAIN.md).
//!
//! `camera-clip IN.png OUT.y4m [--size 1280x720] [--frames 45] [--rotate DEG] [--tilt F] [--dim F] [--fill F]`

use image::{GrayImage, Luma};
use std::io::Write;

struct Options {
    width: u32,
    height: u32,
    frames: u32,
    rotate: f64,
    tilt: f64,
    dim: f64,
    fill: f64,
}

fn parse() -> Result<(String, String, Options), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut o = Options { width: 1280, height: 720, frames: 45, rotate: 0.0, tilt: 0.0, dim: 1.0, fill: 0.6 };
    let mut pos = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let value = || args.get(i + 1).cloned().ok_or(format!("{} needs a value", args[i]));
        let num = |v: String| v.parse::<f64>().map_err(|_| format!("{v:?} is not a number"));
        match args[i].as_str() {
            "--size" => {
                let v = value()?;
                let (w, h) = v.split_once('x').ok_or("size is WIDTHxHEIGHT")?;
                o.width = w.parse().map_err(|_| "bad width")?;
                o.height = h.parse().map_err(|_| "bad height")?;
            }
            "--frames" => o.frames = num(value()?)? as u32,
            "--rotate" => o.rotate = num(value()?)?,
            "--tilt" => o.tilt = num(value()?)?,
            "--dim" => o.dim = num(value()?)?,
            "--fill" => o.fill = num(value()?)?,
            a => {
                pos.push(a.to_owned());
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    match pos.as_slice() {
        [a, b] => Ok((a.clone(), b.clone(), o)),
        _ => Err("usage: camera-clip IN.png OUT.y4m [options]".into()),
    }
}

/// Renders one frame: the source image mapped into the frame by a projective transform.
fn frame(src: &GrayImage, o: &Options, jitter: f64, seed: u32) -> GrayImage {
    let (w, h) = (f64::from(o.width), f64::from(o.height));
    let (sw, sh) = (f64::from(src.width()), f64::from(src.height()));
    let scale = o.fill * h / sh.max(sw * h / w);
    let (cx, cy) = (w / 2.0 + jitter, h / 2.0);
    let (sin, cos) = o.rotate.to_radians().sin_cos();
    let mut out = GrayImage::new(o.width, o.height);
    let mut rng = seed.wrapping_mul(2_654_435_761) | 1;
    for y in 0..o.height {
        for x in 0..o.width {
            // Inverse map: undo tilt (perspective in x), rotation, scale.
            let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
            let persp = 1.0 + o.tilt * dy / h;
            let (dx, dy) = (dx * persp, dy * persp);
            let (rx, ry) = (dx * cos + dy * sin, -dx * sin + dy * cos);
            let (u, v) = (rx / scale + sw / 2.0, ry / scale + sh / 2.0);
            let base = if u >= 0.0 && v >= 0.0 && u < sw - 1.0 && v < sh - 1.0 {
                let (x0, y0) = (u.floor(), v.floor());
                let (fx, fy) = (u - x0, v - y0);
                let p = |a: f64, b: f64| f64::from(src.get_pixel(a as u32, b as u32).0[0]);
                p(x0, y0) * (1.0 - fx) * (1.0 - fy)
                    + p(x0 + 1.0, y0) * fx * (1.0 - fy)
                    + p(x0, y0 + 1.0) * (1.0 - fx) * fy
                    + p(x0 + 1.0, y0 + 1.0) * fx * fy
            } else {
                // A wooden-shelf-like background.
                110.0 + 25.0 * ((f64::from(x) * 0.05).sin() + (f64::from(y) * 0.013 + f64::from(x) * 0.002).cos())
            };
            // Light falls off towards one corner; plus sensor noise.
            let light = o.dim * (1.0 - 0.25 * f64::from(x + y) / (w + h));
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            let noise = f64::from(rng % 17) - 8.0;
            out.put_pixel(x, y, Luma([(base * light + noise).clamp(0.0, 255.0) as u8]));
        }
    }
    out
}

fn main() {
    let (input, output, o) = match parse() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("camera-clip: {e}");
            std::process::exit(2);
        }
    };
    let src = match image::open(&input) {
        Ok(i) => i.to_luma8(),
        Err(e) => {
            eprintln!("camera-clip: cannot read {input}: {e}");
            std::process::exit(3);
        }
    };
    let mut y4m = format!("YUV4MPEG2 W{} H{} F15:1 Ip A1:1 C420jpeg\n", o.width, o.height).into_bytes();
    let chroma = vec![128u8; (o.width as usize / 2) * (o.height as usize / 2)];
    // A few distinct frames, repeated: a hand-held camera drifts a little.
    let distinct: Vec<GrayImage> = (0..3).map(|k| frame(&src, &o, f64::from(k) * 3.0, k + 1)).collect();
    for n in 0..o.frames {
        y4m.extend_from_slice(b"FRAME\n");
        y4m.extend_from_slice(distinct[(n % 3) as usize].as_raw());
        y4m.extend_from_slice(&chroma);
        y4m.extend_from_slice(&chroma);
    }
    let tmp = format!("{output}.partial");
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(&y4m)).and_then(|_| std::fs::rename(&tmp, &output));
    if let Err(e) = written {
        eprintln!("camera-clip: cannot write {output}: {e}");
        std::process::exit(4);
    }
}
