//! A person's name and date of birth as forms ask them, parsed once (R-IP-02, R-CA-01, R-SR-04).

use chrono::{Datelike, NaiveDate};

use super::error::InvalidInput;

/// The longest name part accepted.
const NAME_MAX: usize = 60;

/// A name part: letters of any script, with the spaces, hyphens, apostrophes and periods names
/// carry.
pub fn name(field: &'static str, text: &str) -> Result<String, InvalidInput> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let fine = !text.is_empty()
        && text.chars().count() <= NAME_MAX
        && text.chars().any(char::is_alphabetic)
        && text.chars().all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.'));
    if fine { Ok(text) } else { Err(InvalidInput::new(field, "Enter the name as written on your documents.")) }
}

/// A date of birth from the three fields of the form, in the past and not before 1900.
pub fn birth_date(month: &str, day: &str, year: &str, today: NaiveDate) -> Result<NaiveDate, InvalidInput> {
    let n = |s: &str| s.trim().parse::<u32>().ok();
    let date = match (n(month), n(day), year.trim().parse::<i32>().ok()) {
        (Some(m), Some(d), Some(y)) => NaiveDate::from_ymd_opt(y, m, d),
        _ => None,
    };
    match date {
        Some(d) if d.year() >= 1900 && d <= today => Ok(d),
        _ => Err(InvalidInput::new("birth_date", "Enter a real date of birth.")),
    }
}
