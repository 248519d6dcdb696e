//! The registry's clock: Unix seconds for records, and the UTC date lists and labels use.

use iotmark_core::date::Date;
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix time in seconds.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Today's date in UTC.
pub fn today() -> Date {
    Date::from_unix(now())
}
