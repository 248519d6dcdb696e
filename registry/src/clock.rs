//! The registry's clock: Unix seconds for records, and the UTC date lists and labels use.

use iotmark_core::date::Date;
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix time in seconds.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// A time as RFC 3339 in UTC, to the second: `2026-12-02T03:16:45Z`.
pub fn rfc3339(unix: i64) -> String {
    let s = unix.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", Date::from_unix(unix), s / 3600, s / 60 % 60, s % 60)
}

/// Today's date in UTC.
pub fn today() -> Date {
    Date::from_unix(now())
}
