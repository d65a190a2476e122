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

/// Dates as the customer reads them: "September 5, 2023" / "5 de septiembre de 2023".
pub fn format_date(date: NaiveDate, lang: Lang) -> String {
    let months = match lang {
        Lang::En => &MONTHS_EN,
        Lang::Es => &MONTHS_ES,
    };
    // month0() is always 0..=11, so the fallback is never used.
    let month = months.get(date.month0() as usize).copied().unwrap_or_default();
    match lang {
        Lang::En => format!("{month} {}, {}", date.day(), date.year()),
        Lang::Es => format!("{} de {month} de {}", date.day(), date.year()),
    }
}
