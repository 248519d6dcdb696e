//! The one error type of the `iotmark` command: a sentence for people and an exit code for
//! scripts. Exit codes are documented in `iotmark --help`.

use std::fmt;
use std::path::Path;

/// Exit codes.
pub mod exit {
    /// The input (a spec, a key, a list, an image) is invalid or unreadable.
    pub const INPUT: i32 = 3;
    /// An output could not be written (permissions, full disk, missing folder).
    pub const OUTPUT: i32 = 4;
    /// A label or list did not verify, or a rule refused to sign or print.
    pub const REFUSED: i32 = 5;
    /// `scan` found no code in at least one image.
    pub const NOT_FOUND: i32 = 6;
    /// `verify`: the labels are genuine and valid, but without a current revocation list
    /// (none given, expired, or older than one already seen), so a strike-off may be missed.
    pub const UNCHECKED: i32 = 7;
}

#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: i32,
}

impl Failure {
    pub fn input(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), code: exit::INPUT }
    }

    pub fn refused(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), code: exit::REFUSED }
    }

    pub fn output(path: &Path, e: &std::io::Error) -> Failure {
        let why = match e.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            std::io::ErrorKind::NotFound => "the folder does not exist".to_owned(),
            std::io::ErrorKind::StorageFull => "the disk is full".to_owned(),
            _ => e.to_string(),
        };
        Failure { message: format!("cannot write {}: {why}", path.display()), code: exit::OUTPUT }
    }

    pub fn read(path: &Path, e: &std::io::Error) -> Failure {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => e.to_string(),
        };
        Failure::input(format!("cannot read {}: {why}", path.display()))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub type Result<T, E = Failure> = std::result::Result<T, E>;
