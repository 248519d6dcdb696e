//! Calendar dates as labels carry them: whole days and whole months, in UTC.
//!
//! Labels need no time of day, and a day count keeps the wire format small. The
//! conversions are Howard Hinnant's `days_from_civil` algorithms for the proleptic
//! Gregorian calendar.

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A day, counted from 1970-01-01 (day 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "string"))]
pub struct Date(pub u32);

/// A month, counted from January 2020 (month 0). Security-update promises are made to
/// the month ("until June 2031"); counting from 2020 keeps months until 2041 in one
/// CBOR byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify), tsify(type = "string"))]
pub struct YearMonth(pub u32);

/// Why a date could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a date in the form YYYY-MM-DD (or YYYY-MM for a month)", self.0)
    }
}

impl std::error::Error for DateError {}

impl Date {
    /// The last day iotmark dates reach: 9999-12-31 (day 2,932,896).
    pub const LAST: Date = Date(2_932_896);

    /// The day `days` later; `None` past [`Date::LAST`].
    pub fn plus_days(self, days: u32) -> Option<Date> {
        self.0.checked_add(days).map(Date).filter(|d| *d <= Date::LAST)
    }

    /// The same day `months` later, or that month's last day when it is shorter (31 January
    /// plus one month is 28 or 29 February); `None` past [`Date::LAST`].
    pub fn plus_months(self, months: u32) -> Option<Date> {
        let (y, m, day) = self.ymd();
        let total = i64::from(y) * 12 + i64::from(m - 1) + i64::from(months);
        let year = i32::try_from(total / 12).ok()?;
        let month = (total % 12) as u32 + 1;
        (0..4).find_map(|back| Date::from_ymd(year, month, day - back))
    }

    /// The date of a Unix time in seconds; times before 1970 clamp to day 0.
    pub fn from_unix(seconds: i64) -> Date {
        Date(u32::try_from(seconds.max(0) / 86_400).unwrap_or(u32::MAX))
    }

    /// The UTC date of a JavaScript time (`Date.now()`: milliseconds since 1970); `None`
    /// for a time that is not a finite number or lies outside 1970 to 9999.
    pub fn from_unix_millis(millis: f64) -> Option<Date> {
        if !millis.is_finite() || millis < 0.0 {
            return None;
        }
        let days = (millis / 86_400_000.0).floor();
        (days <= f64::from(Date::LAST.0)).then_some(Date(days as u32))
    }

    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let y = i64::from(if month <= 2 { year - 1 } else { year });
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        u32::try_from(era * 146_097 + doe - 719_468).ok().map(Date)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = i64::from(self.0) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        (year, month, day)
    }

    /// The month this day falls in.
    pub fn month(self) -> YearMonth {
        let (y, m, _) = self.ymd();
        YearMonth::new(y, m).unwrap_or(YearMonth(0))
    }
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        if !(2020..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        Some(YearMonth((year - 2020) as u32 * 12 + month - 1))
    }

    pub fn year(self) -> i32 {
        2020 + (self.0 / 12) as i32
    }

    /// 1 for January.
    pub fn month(self) -> u32 {
        self.0 % 12 + 1
    }

    /// Whole months from `self` to `later`; negative when `later` is earlier.
    pub fn months_until(self, later: YearMonth) -> i64 {
        i64::from(later.0) - i64::from(self.0)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

fn numbers(s: &str, parts: usize) -> Option<Vec<u32>> {
    let fields: Vec<&str> = s.split('-').collect();
    let widths = [4, 2, 2];
    if fields.len() != parts {
        return None;
    }
    fields.iter().zip(widths).map(|(f, w)| (f.len() == w && f.bytes().all(|b| b.is_ascii_digit())).then(|| f.parse().ok())?).collect()
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        numbers(s, 3).and_then(|n| Date::from_ymd(n[0] as i32, n[1], n[2])).ok_or_else(|| DateError(s.to_owned()))
    }
}

impl FromStr for YearMonth {
    type Err = DateError;
    fn from_str(s: &str) -> Result<YearMonth, DateError> {
        numbers(s, 2).and_then(|n| YearMonth::new(n[0] as i32, n[1])).ok_or_else(|| DateError(s.to_owned()))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl<'de> serde::Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_stop_at_the_last_day() {
        assert_eq!(Date::from_ymd(9999, 12, 31), Some(Date::LAST));
        assert_eq!(Date::LAST.plus_days(1), None);
        assert_eq!(Date(0).plus_days(u32::MAX), None);
        let jan31 = Date::from_ymd(2028, 1, 31).unwrap();
        assert_eq!(jan31.plus_months(1), Date::from_ymd(2028, 2, 29));
        assert_eq!(jan31.plus_months(24), Date::from_ymd(2030, 1, 31));
        assert_eq!(jan31.plus_months(100_000), None);
        assert_eq!(jan31.plus_months(u32::MAX), None);
    }

    #[test]
    fn round_trips_across_four_centuries() {
        for day in (0..2_932_896).step_by(97) {
            let (y, m, d) = Date(day).ymd();
            assert_eq!(Date::from_ymd(y, m, d), Some(Date(day)));
        }
    }

    #[test]
    fn known_dates() {
        assert_eq!(Date::from_ymd(1970, 1, 1), Some(Date(0)));
        assert_eq!(Date::from_ymd(2026, 11, 22), Some(Date(20_779)));
        assert_eq!("2024-02-29".parse(), Ok(Date(19_782)));
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2023-2-01".parse::<Date>().is_err());
        assert_eq!("2031-06".parse::<YearMonth>().unwrap().to_string(), "2031-06");
        assert_eq!(Date::from_unix(1_700_000_000).to_string(), "2023-11-14");
        assert_eq!(Date::from_unix_millis(1_700_000_000_000.0).map(|d| d.to_string()).as_deref(), Some("2023-11-14"));
        assert_eq!(Date::from_unix_millis(86_399_999.0), Some(Date(0)));
        assert_eq!(Date::from_unix_millis(f64::NAN), None);
        assert_eq!(Date::from_unix_millis(-1.0), None);
        assert_eq!(Date::from_unix_millis(1e20), None);
    }
}
