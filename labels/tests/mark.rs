//! The designed mark (issue 13, item 2), checked on the layout, on the glyphs the font
//! engine lays out, on rendered pixels, and by two decoders nobody here wrote:
//!
//! - in every language and format, the smallest type is at least 6 pt with an x-height of
//!   at least 1.2 mm, every box is at least 1 mm inside the cut, and the grade word is the
//!   largest text;
//! - long names fit, wrap, or are refused naming the field, in every language; never cut;
//! - gold, silver and bronze differ in greyscale (the current step's mean luma) and in a
//!   cue without colour (filled stars: one, two, three);
//! - the scale is the scanner's: the same steps in the same order, this grade marked;
//! - the brand zone lies outside the mark's frame; bad logos are refused;
//! - `--lang` outputs read back with zbarimg and zxing-cpp.
//!
//! `cargo test -p iotmark-labels --test mark -- --nocapture` prints the measured figures.

use iotmark_core::date::Date;
use iotmark_core::explain::{self, LANGUAGES};
use iotmark_core::grade::Grade;
use iotmark_core::issue::issue;
use iotmark_core::label::{Assurance, Label, LabelId};
use iotmark_core::qr;
use iotmark_core::SigningKey;
use iotmark_labels::artwork::{self, Format, Item, LayoutError, PANEL, STICKER};
use iotmark_labels::brand::{self, Brand};
use iotmark_labels::mark::Design;
use iotmark_labels::{demo, spec, typeset};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_iotmark");
const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
/// The link the labels' QR codes carry here (a longer one leaves less room for a serial
/// in a version 10 symbol).
const LINK: &str = "HTTPS://IOTMARK.ORG";

fn iotmark(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("IOTMARK_STATE_DIR", std::env::temp_dir().join(format!("iotmark-mark-state-{}", std::process::id())))
        .output()
        .expect("iotmark runs")
}

fn ok(args: &[&str]) -> String {
    let out = iotmark(args);
    assert!(out.status.success(), "iotmark {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

/// An example's label, issued on a fixed day, with an optional serial.
fn label(name: &str, serial: Option<&str>) -> Label {
    let (_, toml) = demo::EXAMPLES.iter().find(|(n, _)| *n == name).unwrap();
    let spec = spec::parse(toml, Path::new(name)).unwrap();
    spec.label(LabelId(0x1234_5678_9abc_def0), Date::from_ymd(2026, 12, 1).unwrap(), serial).unwrap()
}

fn design(lang: &str, issuer: Option<&str>) -> Design {
    Design::new(lang, issuer.map(str::to_owned), Brand::default()).unwrap()
}

/// The label's text (URL form) and symbol. A label whose grade a test changed is signed
/// with the grade it earns: the layout only reads the text's address and length.
fn signed(l: &Label) -> (String, qr::QrCode) {
    let mut earned = l.clone();
    if let Some(g) = iotmark_core::grade::grade(l.catalogue().unwrap(), &l.principles) {
        earned.grade = g;
    }
    let text = issue(&earned, &key(), Some(LINK)).unwrap().text;
    let code = qr::encode(&text).unwrap();
    (text, code)
}

/// Lays out, checks the rules on the layout and on the laid-out glyphs.
fn laid(l: &Label, f: &Format, d: &Design) -> Result<(artwork::Layout, artwork::Figures), LayoutError> {
    let (text, code) = signed(l);
    let layout = artwork::layout(l, &text, &code, f, d)?;
    let figures = layout.check()?;
    let tree = artwork::tree(&layout.svg(&code, "t")).unwrap();
    artwork::check_tree(&tree, &layout, 0.0)?;
    Ok((layout, figures))
}

fn texts(layout: &artwork::Layout) -> Vec<String> {
    layout
        .items
        .iter()
        .filter_map(|p| match &p.item {
            Item::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn type_size_x_height_and_margins_hold_in_every_language_and_format() {
    let mut worst = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    for lang in LANGUAGES {
        for (name, _) in demo::EXAMPLES {
            for (f, serial) in [(STICKER, Some("SN-000001")), (STICKER, None), (PANEL, None)] {
                let l = label(name, serial);
                let (layout, fig) =
                    laid(&l, &f, &design(lang, Some("Demo Test Lab"))).unwrap_or_else(|e| panic!("{lang} {name} {}: {e}", f.name));
                assert!(fig.smallest_type_mm / typeset::MM_PER_PT >= 6.0, "{lang} {name}: {fig:?}");
                assert!(fig.smallest_x_height_mm >= 1.2, "{lang} {name}: {fig:?}");
                assert!(fig.least_margin_mm >= 1.0, "{lang} {name}: {fig:?}");
                assert!(fig.grade_type_mm > fig.largest_other_type_mm, "{lang} {name}: {fig:?}");
                assert!(fig.module_mm >= artwork::MIN_MODULE_MM, "{lang} {name}: {fig:?}");
                // The serial is on per-unit stickers, and the panel has one line each on
                // lifecycle, privacy and openness (not the sticker's lines again).
                let all = texts(&layout).join(" ");
                if let Some(serial) = serial {
                    assert!(all.contains(serial), "{lang} {name}: {all}");
                }
                if f.panel {
                    for fact in explain::mark_facts(&l, &design(lang, None).messages) {
                        let first = fact.text.split(' ').next().unwrap();
                        assert!(all.contains(first), "{lang} {name}: {} missing", fact.key);
                    }
                }
                worst = (worst.0.min(fig.smallest_type_mm), worst.1.min(fig.smallest_x_height_mm), worst.2.min(fig.least_margin_mm));
                if *lang == "en" && *name == "smart-speaker" {
                    eprintln!(
                        "{} ({}): smallest type {:.2} mm = {:.2} pt, x-height {:.2} mm, grade word {:.2} mm = {:.1} pt (next largest {:.2} mm), least margin {:.2} mm, module {:.3} mm",
                        f.name,
                        if serial.is_some() { "per unit" } else { "plain" },
                        fig.smallest_type_mm,
                        fig.smallest_type_mm / typeset::MM_PER_PT,
                        fig.smallest_x_height_mm,
                        fig.grade_type_mm,
                        fig.grade_type_mm / typeset::MM_PER_PT,
                        fig.largest_other_type_mm,
                        fig.least_margin_mm,
                        fig.module_mm
                    );
                }
            }
        }
    }
    eprintln!(
        "all languages and formats: smallest type {:.2} mm ({:.2} pt), x-height {:.2} mm, margin {:.2} mm",
        worst.0,
        worst.0 / typeset::MM_PER_PT,
        worst.1,
        worst.2
    );
}

/// The words of `text`, for comparing what was set with what was given.
fn words_of(text: &str) -> Vec<String> {
    text.split([' ', '\u{a0}']).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

#[test]
fn long_names_fit_wrap_or_are_refused_naming_the_field_in_every_language() {
    let name = "Steep Smart Kettle SK-1 Wi-Fi XL"; // 32 characters, the most a label holds
    assert_eq!(name.len(), iotmark_core::label::MAX_NAME);
    // The longest model that the core still signs into a version 10 symbol with this name.
    let model = (1..=iotmark_core::label::MAX_MODEL)
        .rev()
        .map(|n| &"SK-1-WIFI-PRO-EU-2026-XL"[..n])
        .find(|m| {
            let mut l = label("smart-speaker", None);
            l.product.name = name.to_owned();
            l.product.model = (*m).to_owned();
            issue(&l, &key(), Some(LINK)).is_ok()
        })
        .unwrap();
    eprintln!("the longest product line that signs: {} characters", name.len() + 1 + model.len());
    let issuer = "Laboratoire Européen d'Essais des Objets Connectés"; // long, from a trust list
    for lang in LANGUAGES {
        let mut l = label("smart-speaker", None);
        l.product.name = name.to_owned();
        l.product.model = model.to_owned();
        // The panel: the product line wraps onto two lines, every word kept.
        match laid(&l, &PANEL, &design(lang, Some("Demo Test Lab"))) {
            Ok((layout, fig)) => {
                let set = texts(&layout);
                let at = set.iter().position(|t| t.starts_with("Steep")).unwrap_or_else(|| panic!("{lang}: no product line in {set:?}"));
                let joined = set[at..(at + 2).min(set.len())].join(" ");
                let want = words_of(&format!("{name} {model}"));
                assert_eq!(words_of(&joined)[..want.len()], want[..], "{lang}: the product line was cut: {joined}");
                assert!(fig.smallest_type_mm >= typeset::MIN_TYPE_MM);
            }
            Err(LayoutError::TooLong { field, .. }) => assert!(["product.name", "issuer"].contains(&field.as_str()), "{lang}: {field}"),
            Err(e) => panic!("{lang}: {e}"),
        }
        // A long issuer name on a sticker is refused, naming the field and the language.
        let e = laid(&l, &STICKER, &design(lang, Some(issuer))).unwrap_err();
        let LayoutError::TooLong { field, lang: in_lang, chars, fit, .. } = &e else { panic!("{lang}: {e}") };
        assert_eq!((field.as_str(), *in_lang), ("issuer", *lang), "{e}");
        assert!(fit < chars, "{e}");
        let message = e.to_string();
        assert!(message.starts_with("issuer is too long for a 30 mm sticker in ") && message.contains("at most"), "{message}");
        // A long serial likewise.
        // (a short product, so that the core still signs it into a version 10 symbol)
        let mut long = label("smart-speaker", Some("SN-01234567890-X"));
        (long.product.name, long.product.model, long.product.maker) = ("Kettle".into(), "K1".into(), "Steep".into());
        let e = laid(&long, &STICKER, &design(lang, None)).unwrap_err();
        assert!(matches!(&e, LayoutError::TooLong { field, .. } if field == "product.serial"), "{lang}: {e}");
    }
    // Through the command: the typed error reaches the maker, and nothing is written.
    let d = tempfile::tempdir().unwrap();
    let spec = d.path().join("long.toml");
    let toml = std::fs::read_to_string(format!("{EXAMPLES}/smart-speaker.toml")).unwrap();
    std::fs::write(&spec, toml.replace("name = \"Hearth Speaker Mini\"", &format!("name = \"{name}\"")).replace("HS-200", model)).unwrap();
    ok(&["keygen", "--out", s(&d.path().join("k.key"))]);
    let out = d.path().join("o");
    let r = iotmark(&["sign", s(&spec), "--key", s(&d.path().join("k.key")), "--out", s(&out), "--lang", "de", "--issuer-name", issuer]);
    assert_eq!(r.status.code(), Some(5), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("issuer is too long for a 30 mm sticker in de"),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(!out.exists());
}

/// Mean luma of the pixels inside a box (mm), inset by `inset` mm, at `dpi`.
fn mean_luma(pixmap: &resvg::tiny_skia::Pixmap, dpi: f64, b: (f64, f64, f64, f64), inset: f64) -> f64 {
    let px = |mm: f64| (mm * dpi / 25.4).round() as usize;
    let luma = artwork::luma(pixmap);
    let w = pixmap.width() as usize;
    let (x0, y0, x1, y1) = (px(b.0 + inset), px(b.1 + inset), px(b.0 + b.2 - inset), px(b.1 + b.3 - inset));
    let mut sum = 0.0;
    let mut n = 0.0;
    for y in y0..y1 {
        for x in x0..x1 {
            sum += f64::from(luma[y * w + x]);
            n += 1.0;
        }
    }
    sum / n
}

#[test]
fn gold_silver_and_bronze_differ_in_greyscale_and_without_colour() {
    let mut lumas = Vec::new();
    for g in Grade::ALL {
        let mut l = label("smart-speaker", None);
        l.grade = g;
        let (text, code) = signed(&l);
        let layout = artwork::layout(&l, &text, &code, &STICKER, &design("en", None)).unwrap();
        let pixmap = artwork::raster(&artwork::tree(&layout.svg(&code, "t")).unwrap(), 300.0).unwrap();
        // The step's fill, away from its frame: its word and stars darken it a little,
        // the same for every grade.
        let l_step = mean_luma(&pixmap, 300.0, layout.current_step, 0.35);
        let filled = layout.items.iter().filter(|p| matches!(p.item, Item::Star { filled: true })).count();
        assert_eq!(filled, usize::from(g.level()), "{g:?}: one filled star per step");
        let fill = brand::luma(artwork::grade_fill(g));
        eprintln!(
            "{g:?}: fill {} luma {fill:.0}; rendered current step mean luma {l_step:.0} of 255; {filled} filled stars",
            artwork::grade_fill(g)
        );
        lumas.push((g, fill, l_step));
    }
    for (i, a) in lumas.iter().enumerate() {
        for b in &lumas[i + 1..] {
            assert!((a.1 - b.1).abs() >= 30.0, "{:?} and {:?} fills are {:.0} apart in greyscale", a.0, b.0, (a.1 - b.1).abs());
            assert!((a.2 - b.2).abs() >= 20.0, "{:?} and {:?} render {:.0} apart in greyscale", a.0, b.0, (a.2 - b.2).abs());
        }
    }
}

#[test]
fn the_printed_scale_is_the_scanners_scale() {
    for lang in LANGUAGES {
        for g in Grade::ALL {
            let mut l = label("video-doorbell", None);
            l.grade = g;
            let d = design(lang, None);
            let (text, code) = signed(&l);
            let layout = artwork::layout(&l, &text, &code, &STICKER, &d).unwrap();
            // The core's scale, which the scanner's element draws in the same order.
            let screen = explain::scale(g, &d.messages);
            assert_eq!(layout.words.scale, screen);
            assert_eq!(screen.iter().map(|s| s.grade).collect::<Vec<_>>(), Grade::ALL, "lowest first, as on the screen");
            // The steps are drawn left to right in that order, the current one framed thick.
            let set = texts(&layout);
            let order: Vec<usize> = screen.iter().map(|s| set.iter().position(|t| *t == s.text).unwrap()).collect();
            let xs: Vec<f64> = order.iter().map(|&i| text_x(&layout, i)).collect();
            assert!(xs.windows(2).all(|w| w[0] < w[1]), "{lang} {g:?}: {xs:?}");
            assert_eq!(screen.iter().filter(|s| s.current).count(), 1);
        }
    }
    // Who checked: never the maker vouching for itself.
    let m = design("en", None).messages;
    assert_eq!(explain::mark_checked_by(Assurance::SelfDeclared, Some("Hearth Audio GmbH"), &m), "Self-declared by the maker, not checked");
    assert_eq!(explain::mark_checked_by(Assurance::Reviewed, Some("Demo Test Lab"), &m), "Reviewed by Demo Test Lab");
    assert_eq!(explain::mark_checked_by(Assurance::Audited, Some("Demo Test Lab"), &m), "Audited by Demo Test Lab");
}

fn text_x(layout: &artwork::Layout, nth_text: usize) -> f64 {
    layout.items.iter().filter(|p| matches!(p.item, Item::Text { .. })).nth(nth_text).unwrap().x
}

fn overlaps(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

#[test]
fn the_brand_sits_outside_the_marks_frame_and_bad_logos_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let png = d.path().join("logo.png");
    image::RgbImage::from_fn(120, 40, |x, _| if x < 60 { image::Rgb([0, 87, 184]) } else { image::Rgb([255, 215, 0]) }).save(&png).unwrap();
    let brand = Brand::from_args(Some("#0057B8"), Some(&png)).unwrap();
    let l = label("open-thermostat", None);
    let design = Design::new("en", Some("Demo Test Lab".into()), brand).unwrap();
    let (layout, _) = laid(&l, &PANEL, &design).unwrap();
    let frame = layout.items.iter().find(|p| matches!(&p.item, Item::Rect { fill, .. } if fill == "none")).unwrap();
    let frame = (frame.x, frame.y, frame.w, frame.h);
    let brand_boxes: Vec<_> = layout
        .items
        .iter()
        .filter(|p| matches!(&p.item, Item::Logo { .. }) || matches!(&p.item, Item::Rect { fill, .. } if fill == "#0057b8"))
        .map(|p| (p.x, p.y, p.w, p.h))
        .collect();
    assert_eq!(brand_boxes.len(), 2, "the band and the logo");
    for b in &brand_boxes {
        assert!(!overlaps(*b, frame) && b.1 + b.3 + 1.5 <= frame.1, "brand box {b:?} is not clear of the frame {frame:?}");
    }
    // Through the command: a panel with the brand reads back; wrong logos are refused.
    ok(&["keygen", "--out", s(&d.path().join("k.key"))]);
    let out = d.path().join("o");
    let spec = format!("{EXAMPLES}/open-thermostat.toml");
    let k = d.path().join("k.key");
    let base = ["sign", &spec, "--key", s(&k), "--out", s(&out), "--name", "b", "--format", "panel"];
    let mut args = base.to_vec();
    args.extend(["--brand-colour", "#0057B8", "--logo", s(&png), "--json"]);
    let signed: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
    let rendered = pdftoppm(&out.join("b-panel.pdf"), 300, &d.path().join("b.png"));
    read_back(&[&out.join("b-panel.png"), &rendered], signed["text"].as_str().unwrap());
    // The logo is in the PDF too: blue pixels in the band.
    let img = image::open(&rendered).unwrap().to_rgb8();
    let px = |mm: f64| (mm * 300.0 / 25.4) as u32;
    let logo = brand_boxes[1];
    let p = img.get_pixel(px(logo.0 + logo.2 * 0.25), px(logo.1 + logo.3 / 2.0));
    assert!(p[2] > 150 && p[0] < 80, "the logo's blue half, rendered by poppler: {p:?}");
    let text_logo = d.path().join("logo.svg");
    std::fs::write(&text_logo, "not an image").unwrap();
    let huge = d.path().join("huge.png");
    std::fs::write(&huge, vec![0u8; brand::MAX_LOGO_BYTES + 1]).unwrap();
    for (extra, says) in [
        (vec!["--logo", s(&text_logo)], "is not a readable PNG or SVG"),
        (vec!["--logo", s(&huge)], "at most"),
        (vec!["--brand-colour", "blue"], "is not a colour"),
    ] {
        let mut args = base.to_vec();
        let out2 = d.path().join("no");
        args[5] = s(&out2);
        args.extend(extra);
        let r = iotmark(&args);
        assert_eq!(r.status.code(), Some(3), "{args:?}");
        assert!(String::from_utf8_lossy(&r.stderr).contains(says), "{}", String::from_utf8_lossy(&r.stderr));
        assert!(!out2.exists());
    }
    // A brand on a sticker alone is refused: it has no room outside the mark.
    let r = iotmark(&["sign", &spec, "--key", s(&k), "--out", s(&d.path().join("st")), "--format", "sticker", "--brand-colour", "#0057b8"]);
    assert_eq!(r.status.code(), Some(3));
}

/// QR codes only: zbar also tries 1D symbologies, and once read a panel's artwork as
/// the barcode "723002" beside the label (a random signature each run draws new codes).
fn zbar(png: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable", s(png)])
        .output()
        .expect("zbarimg is installed (scripts/setup.mjs)");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

fn zxing(pngs: &[&Path]) -> Vec<Vec<String>> {
    let script = "import sys, json, zxingcpp\nfrom PIL import Image\nfor f in sys.argv[1:]:\n    \
                  codes = zxingcpp.read_barcodes(Image.open(f).convert('L'), formats=zxingcpp.BarcodeFormat.QRCode)\n    \
                  print(json.dumps(sorted(set(c.text for c in codes))))\n";
    let out = Command::new("python3").args(["-c", script]).args(pngs.iter().map(|p| s(p))).output().expect("python3 runs");
    assert!(out.status.success(), "zxing-cpp: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn read_back(pngs: &[&Path], want: &str) {
    for (png, z) in pngs.iter().zip(zxing(pngs)) {
        assert_eq!(z, vec![want.to_owned()], "zxing-cpp on {}", png.display());
        assert_eq!(zbar(png), vec![want.to_owned()], "zbarimg on {}", png.display());
    }
}

fn pdftoppm(pdf: &Path, dpi: u32, out: &Path) -> PathBuf {
    let stem = out.with_extension("");
    let status = Command::new("pdftoppm").args(["-r", &dpi.to_string(), "-png", "-singlefile", s(pdf), s(&stem)]).status().unwrap();
    assert!(status.success());
    stem.with_extension("png")
}

#[test]
fn labels_in_every_language_read_back_with_two_decoders() {
    let d = tempfile::tempdir().unwrap();
    let k = d.path().join("k.key");
    ok(&["keygen", "--out", s(&k)]);
    for lang in LANGUAGES {
        let out = d.path().join(lang);
        let spec = format!("{EXAMPLES}/video-doorbell.toml");
        let args = [
            "sign",
            &spec,
            "--key",
            s(&k),
            "--out",
            s(&out),
            "--name",
            "l",
            "--lang",
            lang,
            "--serial",
            "SN-000042",
            "--dpi",
            "300",
            "--json",
        ];
        let signed: serde_json::Value = serde_json::from_str(&ok(&args)).unwrap();
        let text = signed["text"].as_str().unwrap();
        let mut pngs = Vec::new();
        for f in ["sticker", "panel"] {
            pngs.push(out.join(format!("l-{f}.png")));
            pngs.push(pdftoppm(&out.join(format!("l-{f}.pdf")), 300, &d.path().join(format!("{lang}-{f}.png"))));
        }
        read_back(&pngs.iter().map(PathBuf::as_path).collect::<Vec<_>>(), text);
        // The words are the language's: the outlined SVG's description carries them.
        let svg = std::fs::read_to_string(out.join("l-panel.svg")).unwrap();
        let m = design(lang, None).messages;
        let grade = m.say(&format!("grade.{}", signed["grade"].as_str().unwrap()), &[]);
        assert!(svg.contains(&grade), "{lang}: {grade}");
        assert!(svg.contains("SN-000042"), "{lang}");
    }
    let r = iotmark(&["sign", &format!("{EXAMPLES}/video-doorbell.toml"), "--key", s(&k), "--out", s(&d.path().join("x")), "--lang", "xx"]);
    assert_eq!(r.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&r.stderr).contains("en, de, fr, es, pt, sw"));
}
