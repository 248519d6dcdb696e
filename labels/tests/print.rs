//! Files a print shop accepts, checked with other programs' eyes: page boxes by poppler's
//! `pdfinfo`, renders by `pdftoppm` with the QR module measured in pixels and turned
//! into millimetres, SVG and PNG sizes from the files, and every output read back by two
//! independent decoders, zbarimg (zbar-tools) and zxing-cpp (Python). Plus the batch's
//! arguments, all checked before anything is written.

use iotmark_labels::{artwork, print};

/// Where the layout puts the symbol (x, y, side in mm, module in mm) for an example's label
/// whose QR code reads `text`, in `format`, with a serial or none, in English.
fn symbol_box(name: &str, text: &str, format: &artwork::Format, serial: Option<&str>) -> (f64, f64, f64, f64) {
    let spec = iotmark_labels::spec::parse(&std::fs::read_to_string(example(name)).unwrap(), Path::new(name)).unwrap();
    let label = spec.label(iotmark_core::label::LabelId(1), iotmark_labels::today(), serial).unwrap();
    let code = iotmark_core::qr::encode(text).unwrap();
    let layout = artwork::layout(&label, text, &code, format, &iotmark_labels::mark::Design::default()).unwrap();
    (layout.qr.0, layout.qr.1, layout.qr.2, layout.module_mm)
}
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_iotmark");
const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");

fn iotmark(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("IOTMARK_STATE_DIR", std::env::temp_dir().join(format!("iotmark-print-state-{}", std::process::id())))
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

fn example(name: &str) -> String {
    format!("{EXAMPLES}/{name}.toml")
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        let d = Dir(tempfile::tempdir().unwrap());
        ok(&["keygen", "--out", s(&d.p("k.key"))]);
        d
    }
    fn p(&self, n: &str) -> PathBuf {
        self.0.path().join(n)
    }
}

/// pdfinfo's boxes of page 1, in mm: name -> (x0, y0, x1, y1).
fn pdf_boxes(path: &Path) -> std::collections::HashMap<String, [f64; 4]> {
    let out =
        Command::new("pdfinfo").args(["-box", s(path)]).output().expect("pdfinfo is installed (scripts/setup.mjs installs poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (name, rest) = l.split_once(':')?;
            let v: Vec<f64> = rest.split_whitespace().filter_map(|x| x.parse().ok()).collect();
            (name.ends_with("Box") && v.len() == 4).then(|| (name.trim().to_owned(), [0, 1, 2, 3].map(|i| v[i] * 25.4 / 72.0)))
        })
        .collect()
}

fn near(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// QR codes only: zbar also tries 1D symbologies, and once read a panel's artwork as
/// the barcode "723002" beside the label (a random signature each run draws new codes).
fn zbar(png: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable", s(png)])
        .output()
        .expect("zbarimg is installed (scripts/setup.mjs installs zbar-tools)");
    let mut v: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect();
    v.sort();
    v
}

/// What zxing-cpp reads in each image, one list per image.
fn zxing(pngs: &[&Path]) -> Vec<Vec<String>> {
    let script = "import sys, json, zxingcpp\nfrom PIL import Image\nfor f in sys.argv[1:]:\n    \
                  codes = zxingcpp.read_barcodes(Image.open(f).convert('L'), formats=zxingcpp.BarcodeFormat.QRCode)\n    \
                  print(json.dumps(sorted(c.text for c in codes)))\n";
    let out = Command::new("python3").args(["-c", script]).args(pngs.iter().map(|p| s(p))).output().expect("python3 runs");
    assert!(out.status.success(), "zxing-cpp (pip zxing-cpp, pillow; scripts/setup.mjs): {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Both decoders read exactly `want` from each image.
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

/// The QR symbol's module in mm, measured on a rendering at `dpi`: the dark pixels'
/// extent inside the area given to the symbol (mm, from the top left), over its modules.
fn module_mm(png: &Path, dpi: f64, area: (f64, f64, f64, f64), modules: u32) -> f64 {
    let img = image::open(png).unwrap().to_luma8();
    let px = |mm: f64| (mm * dpi / 25.4).round() as u32;
    let (mut x0, mut x1) = (u32::MAX, 0);
    for y in px(area.1)..px(area.1 + area.3).min(img.height()) {
        for x in px(area.0)..px(area.0 + area.2).min(img.width()) {
            if img.get_pixel(x, y).0[0] < 128 {
                x0 = x0.min(x);
                x1 = x1.max(x);
            }
        }
    }
    f64::from(x1 + 1 - x0) / f64::from(modules) * 25.4 / dpi
}

/// The PNG's pHYs chunk: pixels per metre (x, y) and the unit byte.
fn phys(png: &Path) -> (u32, u32, u8) {
    let d = std::fs::read(png).unwrap();
    let mut i = 8;
    while i + 8 <= d.len() {
        let n = u32::from_be_bytes(d[i..i + 4].try_into().unwrap()) as usize;
        if &d[i + 4..i + 8] == b"pHYs" {
            let c = &d[i + 8..i + 8 + n];
            return (u32::from_be_bytes(c[0..4].try_into().unwrap()), u32::from_be_bytes(c[4..8].try_into().unwrap()), c[8]);
        }
        i += 12 + n;
    }
    panic!("{} has no pHYs chunk", png.display());
}

/// Renders an SVG file with no fonts at all (its text must be outlines) to a PNG.
fn render_svg(svg: &Path, dpi: f64, out: &Path) -> PathBuf {
    let text = std::fs::read_to_string(svg).unwrap();
    assert!(!text.contains("<text"), "{}: text is not outlined", svg.display());
    let tree = print::outlines_tree(&text).unwrap();
    let pixmap = artwork::raster(&tree, dpi).unwrap();
    std::fs::write(out, print::png(&pixmap, dpi).unwrap()).unwrap();
    out.to_owned()
}

/// The SVG root's width and height in mm.
fn svg_size_mm(svg: &Path) -> (f64, f64) {
    let text = std::fs::read_to_string(svg).unwrap();
    let root = &text[..text.find('>').unwrap()];
    let attr = |name: &str| -> f64 {
        let start = root.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        let v = &root[start..start + root[start..].find('"').unwrap()];
        v.strip_suffix("mm").unwrap_or_else(|| panic!("{name}={v} is not in mm")).parse().unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn every_format_has_its_physical_size_and_reads_back() {
    let d = Dir::new();
    let out = d.p("o");
    let signed: serde_json::Value = serde_json::from_str(&ok(&[
        "sign",
        &example("smart-speaker"),
        "--key",
        s(&d.p("k.key")),
        "--out",
        s(&out),
        "--name",
        "t",
        "--json",
    ]))
    .unwrap();
    let text = signed["text"].as_str().unwrap();
    let modules = 17 + 4 * signed["qr_version"].as_u64().unwrap() as u32;
    // (format, width, height, module mm, symbol area: x, y, w, h in mm), from the layout.
    let formats = [("sticker", 30.0, 44.0, artwork::STICKER), ("panel", 60.0, 80.0, artwork::PANEL)].map(|(name, w, h, f)| {
        let (x, y, side, module) = symbol_box("smart-speaker", text, &f, None);
        (name, w, h, module, (x + 0.5, y + 0.5, side - 1.0, side - 1.0))
    });
    assert_eq!(formats[0].3, 0.4, "the sticker's modules are the 0.4 mm minimum");
    assert!(formats[1].3 > 0.5, "the panel's modules are larger: {}", formats[1].3);
    for (name, w, h, module, area) in formats {
        // PDF: the page and trim boxes, and the module as rendered by poppler.
        let pdf = out.join(format!("t-{name}.pdf"));
        let boxes = pdf_boxes(&pdf);
        for b in ["MediaBox", "TrimBox"] {
            let [x0, y0, x1, y1] = boxes[b];
            assert!(near(x1 - x0, w, 0.05) && near(y1 - y0, h, 0.05), "{name} {b}: {:.2} x {:.2} mm", x1 - x0, y1 - y0);
        }
        let rendered = pdftoppm(&pdf, 600, &d.p(&format!("{name}-pdf.png")));
        let m = module_mm(&rendered, 600.0, area, modules);
        assert!(near(m, module, 0.01), "{name} PDF module {m:.4} mm, not {module:.4}");
        // PNG: pixels and pHYs give the physical size at 600 dpi.
        let png = out.join(format!("t-{name}.png"));
        let (xppm, yppm, unit) = phys(&png);
        assert_eq!((xppm, yppm, unit), (23622, 23622, 1), "600 dpi is 23622 pixels per metre");
        let (pw, ph) = image::image_dimensions(&png).unwrap();
        assert!(near(f64::from(pw) / 23622.0 * 1000.0, w, 0.05) && near(f64::from(ph) / 23622.0 * 1000.0, h, 0.05), "{name} PNG {pw}x{ph}");
        let m = module_mm(&png, 600.0, area, modules);
        assert!(near(m, module, 0.01), "{name} PNG module {m:.4} mm");
        // SVG: width and height in mm, text as outlines, and it renders without fonts.
        let svg = out.join(format!("t-{name}.svg"));
        let (sw, sh) = svg_size_mm(&svg);
        assert!(near(sw, w, 0.001) && near(sh, h, 0.001), "{name} SVG {sw} x {sh} mm");
        let from_svg = render_svg(&svg, 600.0, &d.p(&format!("{name}-svg.png")));
        let m = module_mm(&from_svg, 600.0, area, modules);
        assert!(near(m, module, 0.01), "{name} SVG module {m:.4} mm");
        read_back(&[&rendered, &png, &from_svg], text);
    }
    // PDFs carry no fonts: the text is outlines.
    let fonts = Command::new("pdffonts").arg(s(&out.join("t-sticker.pdf"))).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&fonts.stdout).lines().count(), 2, "pdffonts lists no font");
    // The words stay searchable in the SVG's title and description.
    let svg = std::fs::read_to_string(out.join("t-sticker.svg")).unwrap();
    assert!(svg.contains("<desc>") && svg.contains("Security updates until June 2031") && svg.contains("Hearth Speaker Mini"));
    read_back(&[&out.join("t.qr.png")], text);
}

#[test]
fn bleed_and_cut_marks_grow_the_page_around_the_trim() {
    let d = Dir::new();
    let out = d.p("o");
    let signed: serde_json::Value = serde_json::from_str(&ok(&[
        "sign",
        &example("video-doorbell"),
        "--key",
        s(&d.p("k.key")),
        "--out",
        s(&out),
        "--name",
        "b",
        "--format",
        "sticker",
        "--bleed-mm",
        "3",
        "--cut-marks",
        "--json",
    ]))
    .unwrap();
    let text = signed["text"].as_str().unwrap();
    // 3 mm bleed, then marks 2 mm beyond it, 4 mm long: 9 mm around the 30 x 44 trim.
    let m = 3.0 + print::MARK_GAP_MM + print::MARK_LEN_MM;
    let boxes = pdf_boxes(&out.join("b-sticker.pdf"));
    let [x0, y0, x1, y1] = boxes["MediaBox"];
    assert!(near(x1 - x0, 30.0 + 2.0 * m, 0.05) && near(y1 - y0, 44.0 + 2.0 * m, 0.05));
    let [x0, y0, x1, y1] = boxes["TrimBox"];
    assert!(near(x0, m, 0.05) && near(y0, m, 0.05) && near(x1 - x0, 30.0, 0.05) && near(y1 - y0, 44.0, 0.05), "{:?}", boxes["TrimBox"]);
    let [x0, _, x1, _] = boxes["BleedBox"];
    assert!(near(x0, m - 3.0, 0.05) && near(x1 - x0, 36.0, 0.05));
    assert_eq!(svg_size_mm(&out.join("b-sticker.svg")), (30.0 + 2.0 * m, 44.0 + 2.0 * m));
    // The marks are there: dark pixels in the page's corner strip, outside the bleed.
    let rendered = pdftoppm(&out.join("b-sticker.pdf"), 600, &d.p("b-pdf.png"));
    let img = image::open(&rendered).unwrap().to_luma8();
    let px = |mm: f64| (mm * 600.0 / 25.4).round() as u32;
    let mark_row = px(m); // the trim's top edge, continued into the margin
    let dark = (0..px(m - 3.5)).filter(|&x| img.get_pixel(x, mark_row).0[0] < 128).count();
    assert!(dark > px(3.0) as usize, "a cut mark left of the top-left corner ({dark} dark pixels)");
    assert!((0..px(m)).all(|y| img.get_pixel(px(m - 1.0), y).0[0] > 200), "nothing printed in the bleed above the trim");
    let png = out.join("b-sticker.png");
    let (pw, _) = image::image_dimensions(&png).unwrap();
    assert!(near(f64::from(pw) * 25.4 / 600.0, 30.0 + 2.0 * m, 0.05));
    let from_svg = render_svg(&out.join("b-sticker.svg"), 600.0, &d.p("b-svg.png"));
    read_back(&[&rendered, &png, &from_svg], text);
    // Out-of-range finishing is refused before anything is written.
    let bad = iotmark(&["sign", &example("video-doorbell"), "--key", s(&d.p("k.key")), "--out", s(&d.p("no")), "--bleed-mm", "9"]);
    assert_eq!(bad.status.code(), Some(3));
    assert!(!d.p("no").exists());
}

#[test]
fn sheets_for_label_stocks_and_plain_paper_read_back() {
    let d = Dir::new();
    let key = d.p("k.key");
    // (sheet, units, paper mm, extra arguments)
    type Case<'a> = (&'a str, usize, (f64, f64), &'a [&'a str]);
    let cases: [Case; 3] = [
        ("avery-l7161", 18, (210.0, 297.0), &[]),
        ("avery-5163", 10, (215.9, 279.4), &[]),
        ("letter", 30, (215.9, 279.4), &["--cut-marks", "--bleed-mm", "1"]),
    ];
    let spec = example("open-thermostat");
    for (sheet, units, (w, h), extra) in cases {
        let out = d.p(sheet);
        let count = units.to_string();
        let mut args = vec!["batch", &spec, "--key", s(&key), "--out", s(&out), "--count", &count, "--sheet", sheet];
        args.extend_from_slice(extra);
        ok(&args);
        let pdf = out.join("sheets/sheet-00001.pdf");
        let [x0, y0, x1, y1] = pdf_boxes(&pdf)["MediaBox"];
        assert!(near(x1 - x0, w, 0.1) && near(y1 - y0, h, 0.1), "{sheet}: {:.1} x {:.1}", x1 - x0, y1 - y0);
        let png = pdftoppm(&pdf, 300, &d.p(&format!("{sheet}.png")));
        let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
        assert_eq!(manifest.lines().count(), units + 1);
        let mut z = zxing(&[&png]).remove(0);
        z.dedup(); // zxing-cpp may report a symbol twice
        assert_eq!(z.len(), units, "zxing-cpp reads every sticker of {sheet}");
        let zb = zbar(&png);
        // zbar on a whole sheet misses a few symbols, depending on the codes (26 of 30 seen;
        // each read when cropped alone); it never reads a wrong text.
        assert!(zb.len() * 10 >= units * 8 && zb.iter().all(|t| z.contains(t)), "zbarimg read {} of {units} on {sheet}", zb.len());
    }
    // The die-cut stock's labels are where the template puts them: on L7161 the first
    // sticker is centred on the label at 7.2 mm, 8.7 mm (63.5 x 46.6).
    let png = d.p("avery-l7161.png");
    let img = image::open(&png).unwrap().to_luma8();
    let px = |mm: f64| (mm * 300.0 / 25.4).round() as u32;
    // The QR symbol starts where the layout puts it (a per-unit sticker's symbol moves left
    // to make room for the serial beside it), plus its 1.6 mm quiet zone.
    let (qx, ..) = symbol_box("open-thermostat", "HTTPS://IOTMARK.ORG#X", &artwork::STICKER, Some("SN-000001"));
    // Rows through the symbol only (the sticker's top is at 8.7 + (46.6 - 44) / 2 = 10 mm).
    let first_dark_x = (0..px(40.0)).find(|&x| (px(20.0)..px(38.0)).any(|y| img.get_pixel(x, y).0[0] < 128)).unwrap();
    let symbol_left = 7.2 + (63.5 - 30.0) / 2.0 + qx + 1.6;
    let measured = f64::from(first_dark_x) * 25.4 / 300.0;
    assert!(near(measured, symbol_left, 0.15), "the first symbol starts at {measured:.2} mm, not {symbol_left:.2}");
}

#[test]
fn batch_arguments_are_all_checked_before_anything_is_written() {
    let d = Dir::new();
    let out = d.p("batch");
    let key = d.p("k.key");
    let spec = example("smart-speaker");
    let base = ["batch", &spec, "--key", s(&key), "--out", s(&out), "--count", "4"];
    let run = |more: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(more);
        iotmark(&a)
    };
    let mistakes: [&[&str]; 9] = [
        &["--sheet", "a44"],
        &["--sheet", "avery-l7160"],
        &["--sheet", "avery-l7161", "--grid", "3x6"],
        &["--sheet", "a4", "--grid", "9x9"],
        &["--sheet", "a4", "--grid", "five"],
        &["--grid", "2x2"],
        &["--format", "stickr"],
        &["--dpi", "0"],
        &["--bleed-mm", "-1"],
    ];
    for more in mistakes {
        let r = run(more);
        assert!(matches!(r.status.code(), Some(2..=5)), "{more:?}: {:?}", r.status);
        assert!(!out.exists(), "{more:?} left {} behind", out.display());
    }
    // Serials that would share a file name, or that a label cannot hold, are refused too.
    let csv = d.p("s.csv");
    std::fs::write(&csv, "serial\nA/1\nA_1\n").unwrap();
    let r = iotmark(&["batch", &spec, "--key", s(&key), "--out", s(&out), "--serials", s(&csv)]);
    assert_eq!(r.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&r.stderr).contains("would both be written as A_1"));
    std::fs::write(&csv, format!("serial\nOK-1\n{}\n", "X".repeat(30))).unwrap();
    let r = iotmark(&["batch", &spec, "--key", s(&key), "--out", s(&out), "--serials", s(&csv)]);
    assert_eq!(r.status.code(), Some(3), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(!out.exists());
    // The corrected run goes through, and its manifest, written with the csv crate and
    // quoted where needed, reads back as the serials of another batch.
    std::fs::write(&csv, "serial,note\n\"Q,1\",\"a \"\"quoted\"\" note\"\nQ-2,x\n").unwrap();
    let r = iotmark(&["batch", &spec, "--key", s(&key), "--out", s(&out), "--serials", s(&csv), "--sheet", "a4"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert!(manifest.contains("\"Q,1\""), "{manifest}");
    let again = d.p("again");
    ok(&["batch", &spec, "--key", s(&key), "--out", s(&again), "--serials", s(&out.join("manifest.csv")), "--sheet", "a4"]);
    let serials = |m: &Path| -> Vec<String> {
        iotmark_labels::serials::read(&std::fs::read_to_string(m).unwrap()).unwrap().into_iter().map(|r| r.serial).collect()
    };
    assert_eq!(serials(&again.join("manifest.csv")), ["Q,1", "Q-2"]);
    let state: iotmark_labels::batch::BatchState = serde_json::from_str(&std::fs::read_to_string(out.join("batch.json")).unwrap()).unwrap();
    assert_eq!(state.sheet.as_deref(), Some("a4"));
}
