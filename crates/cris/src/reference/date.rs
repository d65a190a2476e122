//! Dates as a customer reads them in case status descriptions: "September 5, 2023" in English,
//! "5 de septiembre de 2023" in Spanish. Kept here, next to the templates that use them, so
//! every description formats its date the same way.

use chrono::{Datelike, NaiveDate};

use crate::kernel::i18n::Lang;

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

// Spanish month names are not capitalised.
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// Times of day as the customer reads them: "2:30 PM" / "14:30".
pub fn format_time(time: chrono::NaiveTime, lang: Lang) -> String {
    match lang {
        Lang::En => time.format("%-I:%M %p").to_string(),
        Lang::Es => time.format("%-H:%M").to_string(),
    }
}

/// Weekdays, Monday first.
const WEEKDAYS_EN: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const WEEKDAYS_ES: [&str; 7] = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"];

fn month_name(date: NaiveDate, lang: Lang) -> &'static str {
    let months = match lang {
        Lang::En => &MONTHS_EN,
        Lang::Es => &MONTHS_ES,
    };
    // month0() is always 0..=11, so the fallback is never used.
    months.get(date.month0() as usize).copied().unwrap_or_default()
}

/// A month and its year, a calendar's heading: "November 2026" / "noviembre de 2026".
pub fn format_month(date: NaiveDate, lang: Lang) -> String {
    let month = month_name(date, lang);
    match lang {
        Lang::En => format!("{month} {}", date.year()),
        Lang::Es => format!("{month} de {}", date.year()),
    }
}

/// A day under its month's heading, without the year: "Tuesday, November 3" / "martes 3 de
/// noviembre".
pub fn format_day_in_month(date: NaiveDate, lang: Lang) -> String {
    let month = month_name(date, lang);
    let weekdays = match lang {
        Lang::En => &WEEKDAYS_EN,
        Lang::Es => &WEEKDAYS_ES,
    };
    let weekday = weekdays.get(date.weekday().num_days_from_monday() as usize).copied().unwrap_or_default();
    match lang {
        Lang::En => format!("{weekday}, {month} {}", date.day()),
        Lang::Es => format!("{weekday} {} de {month}", date.day()),
    }
}

/// Dates as the customer reads them: "September 5, 2023" / "5 de septiembre de 2023".
pub fn format_date(date: NaiveDate, lang: Lang) -> String {
    Day(date, lang).to_string()
}

/// A date as [`format_date`] words it, written straight into a page (no string of its own).
#[derive(Debug, Clone, Copy)]
pub struct Day(pub NaiveDate, pub Lang);

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Day(date, lang) = *self;
        let month = month_name(date, lang);
        match lang {
            Lang::En => write!(f, "{month} {}, {}", date.day(), date.year()),
            Lang::Es => write!(f, "{} de {month} de {}", date.day(), date.year()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-CS-03, R-IP-01: a calendar names the month and year once, above days without the year,
    // in each language's order.
    #[test]
    fn a_month_heading_and_its_days() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        assert_eq!(format_month(d, Lang::En), "November 2026");
        assert_eq!(format_month(d, Lang::Es), "noviembre de 2026");
        assert_eq!(format_day_in_month(d, Lang::En), "Tuesday, November 3");
        assert_eq!(format_day_in_month(d, Lang::Es), "martes 3 de noviembre");
        assert_eq!(format_date(d, Lang::Es), "3 de noviembre de 2026");
    }
}
