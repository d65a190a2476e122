//! What the typed views (Type-1, 2, 9, 14) share: reading a field as text, number or date with
//! an error that names the record and field, and the calendar date the standard writes YYYYMMDD.

use std::fmt;

use crate::error::{Error, ErrorKind, RecordRef};
use crate::record::{RS, TaggedRecord, US, Value};

/// A calendar date as the standard writes it (YYYYMMDD), checked (month lengths, leap years).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A date, if it exists (years 1900 to 2999, as the standard allows).
    #[must_use]
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1900..=2999).contains(&year) && (1..=days).contains(&day)).then_some(Self { year, month, day })
    }

    /// Reads `YYYYMMDD`.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year = text.get(0..4)?.parse().ok()?;
        let month = text.get(4..6)?.parse().ok()?;
        let day = text.get(6..8)?.parse().ok()?;
        Self::new(year, month, day)
    }

    /// The year.
    #[must_use]
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month (1 to 12).
    #[must_use]
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    #[must_use]
    pub fn day(self) -> u8 {
        self.day
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

/// A tagged record being read as one type, with its position for errors.
pub(crate) struct Reader<'a> {
    pub rec: RecordRef,
    pub record: &'a TaggedRecord,
}

impl<'a> Reader<'a> {
    pub fn new(record: &'a TaggedRecord, index: usize) -> Self {
        Self { rec: RecordRef { index, record_type: record.record_type() }, record }
    }

    /// An error about field `n` of this record.
    pub fn invalid(&self, n: u16, reason: impl Into<String>) -> Error {
        Error::invalid(self.rec, n, reason)
    }

    /// Field `n` as UTF-8 text, if present.
    pub fn text_opt(&self, n: u16) -> Result<Option<&'a str>, Error> {
        match self.record.value(n) {
            None => Ok(None),
            // A single value: subfields and items belong to the fields that are read as such.
            Some(Value::Text(b)) if b.contains(&RS) || b.contains(&US) => {
                Err(self.invalid(n, "holds several subfields or items where one value is expected"))
            }
            Some(v @ Value::Text(b)) => v
                .as_str()
                .map(Some)
                .ok_or_else(|| self.invalid(n, format!("is not UTF-8 text: {:?}", String::from_utf8_lossy(b)))),
            Some(Value::Binary(_)) => Err(self.invalid(n, "is binary where text is expected")),
        }
    }

    /// Field `n` as UTF-8 text; missing is an error.
    pub fn text(&self, n: u16) -> Result<&'a str, Error> {
        self.text_opt(n)?.ok_or_else(|| Error::field(self.rec, n, ErrorKind::Missing))
    }

    /// Field `n` as non-empty text of at most `max` characters, if present.
    pub fn bounded_opt(&self, n: u16, max: usize) -> Result<Option<&'a str>, Error> {
        match self.text_opt(n)? {
            Some("") => Err(self.invalid(n, "is empty")),
            Some(t) if t.chars().count() > max => Err(self.invalid(n, format!("is longer than {max} characters"))),
            other => Ok(other),
        }
    }

    /// Field `n` as non-empty text of at most `max` characters.
    pub fn bounded(&self, n: u16, max: usize) -> Result<&'a str, Error> {
        self.bounded_opt(n, max)?.ok_or_else(|| Error::field(self.rec, n, ErrorKind::Missing))
    }

    /// Field `n` as a whole number in `min..=max`, if present.
    pub fn number_opt(&self, n: u16, min: u32, max: u32) -> Result<Option<u32>, Error> {
        let Some(text) = self.text_opt(n)? else { return Ok(None) };
        parse_number(text, min, max)
            .map(Some)
            .ok_or_else(|| self.invalid(n, format!("is not a whole number from {min} to {max}: {text:?}")))
    }

    /// Field `n` as a whole number in `min..=max`.
    pub fn number(&self, n: u16, min: u32, max: u32) -> Result<u32, Error> {
        self.number_opt(n, min, max)?.ok_or_else(|| Error::field(self.rec, n, ErrorKind::Missing))
    }

    /// Field `n` as a YYYYMMDD date, if present.
    pub fn date_opt(&self, n: u16) -> Result<Option<Date>, Error> {
        let Some(text) = self.text_opt(n)? else { return Ok(None) };
        Date::parse(text).map(Some).ok_or_else(|| self.invalid(n, format!("is not a date YYYYMMDD: {text:?}")))
    }

    /// Field `n` as a YYYYMMDD date.
    pub fn date(&self, n: u16) -> Result<Date, Error> {
        self.date_opt(n)?.ok_or_else(|| Error::field(self.rec, n, ErrorKind::Missing))
    }
}

/// Digits only (at most 9), within `min..=max`.
pub(crate) fn parse_number(text: &str, min: u32, max: u32) -> Option<u32> {
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|v| (min..=max).contains(v))
}

/// Narrows a number already checked to fit.
pub(crate) fn narrow<T: TryFrom<u32> + Default>(value: u32) -> T {
    T::try_from(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_against_the_calendar() {
        assert_eq!(Date::parse("20240229").map(|d| d.to_string()), Some("20240229".into()));
        assert_eq!(Date::parse("20230229"), None);
        assert_eq!(Date::parse("19000229"), None);
        assert_eq!(Date::parse("20000229").map(Date::day), Some(29));
        assert_eq!(Date::parse("20241301"), None);
        assert_eq!(Date::parse("20240431"), None);
        assert_eq!(Date::parse("2024041"), None);
        assert_eq!(Date::parse("2024-4-1"), None);
        assert_eq!(Date::parse("18991231"), None);
    }

    #[test]
    fn numbers_are_digits_within_range() {
        assert_eq!(parse_number("0500", 0, 9999), Some(500));
        assert_eq!(parse_number("", 0, 9), None);
        assert_eq!(parse_number("+1", 0, 9), None);
        assert_eq!(parse_number("10", 0, 9), None);
        assert_eq!(parse_number("9999999999", 0, u32::MAX), None);
    }
}
