//! The batch CSV: the serial numbers of the units to label, read with the `csv` crate
//! (RFC 4180 quoting, so that a file our own manifest writer made reads back).
//!
//! The serial is the column headed `serial` when the first row has one (so a
//! `manifest.csv` is a valid input), otherwise the first column. Blank rows are skipped;
//! leading and trailing spaces around a serial are dropped. Every serial must be
//! non-empty, without control characters, at most the core's `MAX_SERIAL` bytes, and
//! unique; the rest of the core's text rules are checked on the label before signing.

use std::collections::HashMap;
use std::fmt;

use iotmark_core::label::MAX_SERIAL;

/// One unit to label: its serial and the 1-based line of the CSV it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerialRow {
    pub line: u64,
    pub serial: String,
}

/// Why a batch CSV was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsvError {
    /// The text is not CSV (an unterminated quote, invalid UTF-8, …).
    Malformed { line: u64, message: String },
    /// A row with an empty serial column among non-empty rows.
    EmptySerial { line: u64 },
    /// A serial with a control character or over `MAX_SERIAL` bytes.
    BadSerial { line: u64, serial: String, why: String },
    /// The same serial on two rows.
    Duplicate { serial: String, first_line: u64, line: u64 },
    /// No serials at all.
    NoSerials,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::Malformed { line, message } => write!(f, "line {line}: not CSV: {message}"),
            CsvError::EmptySerial { line } => write!(f, "line {line}: the serial column is empty"),
            CsvError::BadSerial { line, serial, why } => write!(f, "line {line}: serial {serial:?} {why}"),
            CsvError::Duplicate { serial, first_line, line } => {
                write!(f, "line {line}: serial {serial:?} appears twice (first on line {first_line}): each unit needs its own serial")
            }
            CsvError::NoSerials => f.write_str("there are no serial numbers to sign"),
        }
    }
}

impl std::error::Error for CsvError {}

/// Reads the serials of a batch CSV, in order.
pub fn read(text: &str) -> Result<Vec<SerialRow>, CsvError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut column = 0;
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| CsvError::Malformed {
            line: e.position().map_or(0, |p| p.line()),
            message: match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
                _ => e.to_string(),
            },
        })?;
        let line = record.position().map_or(i as u64 + 1, |p| p.line());
        if i == 0 {
            if let Some(c) = record.iter().position(|f| f.trim().eq_ignore_ascii_case("serial")) {
                column = c;
                continue;
            }
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let serial = record.get(column).unwrap_or("").trim();
        if serial.is_empty() {
            return Err(CsvError::EmptySerial { line });
        }
        if serial.chars().any(char::is_control) {
            return Err(CsvError::BadSerial { line, serial: serial.to_owned(), why: "contains a control character".to_owned() });
        }
        if serial.len() > MAX_SERIAL {
            return Err(CsvError::BadSerial {
                line,
                serial: serial.to_owned(),
                why: format!("is longer than the {MAX_SERIAL} bytes a label holds"),
            });
        }
        if let Some(&first_line) = seen.get(serial) {
            return Err(CsvError::Duplicate { serial: serial.to_owned(), first_line, line });
        }
        seen.insert(serial.to_owned(), line);
        rows.push(SerialRow { line, serial: serial.to_owned() });
    }
    if rows.is_empty() {
        return Err(CsvError::NoSerials);
    }
    Ok(rows)
}

/// Writes rows as CSV under `header`, quoting as RFC 4180 requires.
pub fn write<'a>(header: &[&str], rows: impl IntoIterator<Item = Vec<&'a str>>) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serials(text: &str) -> Vec<String> {
        read(text).unwrap().into_iter().map(|r| r.serial).collect()
    }

    #[test]
    fn first_column_or_the_serial_column() {
        assert_eq!(serials("A1\nA2,x\n\nA3\n"), ["A1", "A2", "A3"]);
        assert_eq!(serials("serial\nA1\n"), ["A1"]);
        assert_eq!(serials("batch,Serial\n7,A1\n7,A2\n"), ["A1", "A2"]);
        assert_eq!(serials("\"A,1\",b\n\"A\"\"2\"\n"), ["A,1", "A\"2"]);
        assert_eq!(read("x\nA1\n").unwrap()[1].line, 2);
    }

    #[test]
    fn what_the_writer_writes_reads_back() {
        let awkward = ["plain", "with,comma", "with \"quotes\"", "multi\nline", "  spaced  x", "é-ü-ß"];
        let text = write(&["label_id", "serial", "file"], awkward.iter().map(|s| vec!["1", *s, "labels/f.pdf"]));
        // A serial that spans lines would be refused (a control character); all others read back.
        let ok = read(&text).unwrap_err();
        assert!(matches!(ok, CsvError::BadSerial { line: 5, .. }), "{ok:?}");
        let printable: Vec<&str> = awkward.iter().copied().filter(|s| !s.contains('\n')).collect();
        let text = write(&["label_id", "serial", "file"], printable.iter().map(|s| vec!["1", *s, "x,y.pdf"]));
        let back = serials(&text);
        let trimmed: Vec<&str> = printable.iter().map(|s| s.trim()).collect();
        assert_eq!(back, trimmed);
    }

    #[test]
    fn typed_errors() {
        assert_eq!(read("A1\nA1\n"), Err(CsvError::Duplicate { serial: "A1".into(), first_line: 1, line: 2 }));
        assert_eq!(read("serial\n\n"), Err(CsvError::NoSerials));
        assert_eq!(read(""), Err(CsvError::NoSerials));
        assert_eq!(read("A1\n,b\n"), Err(CsvError::EmptySerial { line: 2 }));
        assert!(matches!(read("\"A1\n"), Ok(_) | Err(CsvError::Malformed { .. }) | Err(CsvError::BadSerial { .. })));
        assert!(matches!(read("A\u{1b}1\n"), Err(CsvError::BadSerial { .. })));
        assert!(matches!(read(&"x".repeat(MAX_SERIAL + 1)), Err(CsvError::BadSerial { .. })));
    }
}
