//! The fuzz targets of the makers' tool (`iotmark_labels`): the label spec (TOML) and the
//! batch CSV of serials. Also compiled into `labels/tests/fuzz_corpus.rs`, which runs the
//! committed corpora and regressions through them on every `cargo test`.

use iotmark_core::date::Date;
use iotmark_core::label::LabelId;
use iotmark_core::wire;
use iotmark_labels::{serials, spec};
use std::path::Path;

/// A target's body: takes any bytes, panics only on a bug.
pub type Target = fn(&[u8]);

/// Every target, by the name of its directory under `fuzz/corpus/`.
pub const TARGETS: &[(&str, Target)] = &[("spec", spec_toml), ("batch_csv", batch_csv)];

/// A label spec: parsed; an accepted spec survives TOML both ways; the label it makes,
/// when it passes the core's rules, survives the wire format both ways.
pub fn spec_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = spec::parse(text, Path::new("fuzz.toml")) else { return };
    let written = toml::to_string(&parsed).expect("an accepted spec writes as TOML");
    assert_eq!(spec::parse(&written, Path::new("again.toml")).ok().as_ref(), Some(&parsed), "a spec reads back as written");
    for issued in [Date(0), Date(20_000), Date::LAST] {
        let Ok(label) = parsed.label(LabelId(u64::MAX), issued, Some("SN-1")) else { continue };
        if label.check().is_ok() {
            assert_eq!(wire::decode_claims(&wire::encode_claims(&label)).as_ref(), Ok(&label), "a checked label survives the wire");
        }
    }
}

/// The batch CSV of serials: read; accepted serials, written by the tool's own CSV writer
/// under a `serial` header, read back the same.
pub fn batch_csv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rows) = serials::read(text) else { return };
    let written = serials::write(&["serial"], rows.iter().map(|r| vec![r.serial.as_str()]));
    let again = serials::read(&written).expect("what the writer wrote reads back");
    let serials = |r: &[serials::SerialRow]| r.iter().map(|r| r.serial.clone()).collect::<Vec<_>>();
    assert_eq!(serials(&again), serials(&rows), "serials survive the CSV both ways");
}
