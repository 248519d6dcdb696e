//! The maker's own brand on a box panel: a colour and a logo, in a band above the mark's
//! frame and never inside it, so that nobody takes the brand for part of the mark (or the
//! mark for part of the brand). Logos are checked before anything is made: a file that is
//! not a readable PNG or SVG, or is too large, is refused with a [`BrandError`].

use crate::failure::Failure;
use std::fmt;
use std::path::Path;

/// The largest logo file accepted.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;
/// The largest logo image accepted, in pixels each way (PNG).
pub const MAX_LOGO_PIXELS: u32 = 4096;

/// What the brand zone shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Brand {
    /// `#rrggbb`.
    pub colour: Option<String>,
    pub logo: Option<Logo>,
}

/// A checked logo, with its aspect ratio (width over height) for the layout.
#[derive(Clone, Debug, PartialEq)]
pub struct Logo {
    pub data_uri: String,
    pub aspect: f64,
}

/// Why a brand option was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum BrandError {
    Colour(String),
    Unreadable { path: String, why: String },
    TooLarge { path: String, bytes: usize },
    NotAnImage { path: String },
    TooManyPixels { path: String, width: u32, height: u32 },
}

impl fmt::Display for BrandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrandError::Colour(c) => write!(f, "--brand-colour {c:?} is not a colour: write it as #RRGGBB, such as #0057b8"),
            BrandError::Unreadable { path, why } => write!(f, "--logo {path}: cannot read it: {why}"),
            BrandError::TooLarge { path, bytes } => {
                write!(f, "--logo {path} is {bytes} bytes: at most {MAX_LOGO_BYTES} are accepted (export a smaller PNG or a simpler SVG)")
            }
            BrandError::NotAnImage { path } => write!(f, "--logo {path} is not a readable PNG or SVG"),
            BrandError::TooManyPixels { path, width, height } => {
                write!(f, "--logo {path} is {width}x{height} pixels: at most {MAX_LOGO_PIXELS} each way")
            }
        }
    }
}

impl From<BrandError> for Failure {
    fn from(e: BrandError) -> Failure {
        Failure::input(e.to_string())
    }
}

impl Brand {
    pub fn is_empty(&self) -> bool {
        self.colour.is_none() && self.logo.is_none()
    }

    /// The brand from the command line's `--brand-colour` and `--logo`, checked.
    pub fn from_args(colour: Option<&str>, logo: Option<&Path>) -> Result<Brand, BrandError> {
        Ok(Brand { colour: colour.map(parse_colour).transpose()?, logo: logo.map(read_logo).transpose()? })
    }
}

/// `#RRGGBB` (or `RRGGBB`), any case, as lowercase `#rrggbb`.
pub fn parse_colour(s: &str) -> Result<String, BrandError> {
    let hex = s.trim().trim_start_matches('#');
    if hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(format!("#{}", hex.to_ascii_lowercase()))
    } else {
        Err(BrandError::Colour(s.to_owned()))
    }
}

/// The sRGB luma (0 to 255) of a `#rrggbb` colour: what it prints as in greyscale.
pub fn luma(colour: &str) -> f64 {
    let hex = colour.trim_start_matches('#');
    let c = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).map_or(0.0, f64::from);
    0.299 * c(0) + 0.587 * c(2) + 0.114 * c(4)
}

fn read_logo(path: &Path) -> Result<Logo, BrandError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| BrandError::Unreadable { path: shown.clone(), why: e.to_string() })?;
    logo_from_bytes(&bytes, &shown)
}

/// Checks a logo's bytes: a PNG that decodes, or an SVG that parses with a size.
pub fn logo_from_bytes(bytes: &[u8], path: &str) -> Result<Logo, BrandError> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(BrandError::TooLarge { path: path.to_owned(), bytes: bytes.len() });
    }
    let not_image = || BrandError::NotAnImage { path: path.to_owned() };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png).map_err(|_| not_image())?;
        let (width, height) = (img.width(), img.height());
        if width > MAX_LOGO_PIXELS || height > MAX_LOGO_PIXELS {
            return Err(BrandError::TooManyPixels { path: path.to_owned(), width, height });
        }
        return Ok(Logo { data_uri: format!("data:image/png;base64,{}", base64(bytes)), aspect: f64::from(width) / f64::from(height) });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| not_image())?;
    let tree = resvg::usvg::Tree::from_str(text, &resvg::usvg::Options::default()).map_err(|_| not_image())?;
    let size = tree.size();
    if size.width() <= 0.0 || size.height() <= 0.0 {
        return Err(not_image());
    }
    Ok(Logo { data_uri: format!("data:image/svg+xml;base64,{}", base64(bytes)), aspect: f64::from(size.width() / size.height()) })
}

/// Standard base64 with padding (RFC 4648), for data URIs.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_logos_are_checked() {
        assert_eq!(parse_colour("#0057B8").unwrap(), "#0057b8");
        assert!(matches!(parse_colour("blue"), Err(BrandError::Colour(_))));
        assert!(matches!(parse_colour("#12345"), Err(BrandError::Colour(_))));
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/></svg>"#;
        assert_eq!(logo_from_bytes(svg, "l.svg").unwrap().aspect, 2.0);
        assert!(matches!(logo_from_bytes(b"GIF89a....", "l.gif"), Err(BrandError::NotAnImage { .. })));
        assert!(matches!(logo_from_bytes(b"\x89PNG\r\n\x1a\nbroken", "l.png"), Err(BrandError::NotAnImage { .. })));
        assert!(matches!(logo_from_bytes(&vec![b' '; MAX_LOGO_BYTES + 1], "big.svg"), Err(BrandError::TooLarge { .. })));
    }
}
