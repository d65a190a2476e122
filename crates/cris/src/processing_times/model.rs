//! Processing times as posted and as suggested, and the rules that turn figures into dates.

use chrono::{DateTime, Months, NaiveDate, Utc};

use crate::kernel::i18n::Lang;

/// A posted processing time.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq)]
pub struct Posted {
    /// Form code, e.g. `I-765`.
    pub form_code: String,
    /// Subtype key, e.g. `I-765-ALL`.
    pub form_key: String,
    /// Subtype description, English.
    pub subtype_en: String,
    /// Subtype description, Spanish.
    pub subtype_es: String,
    /// Office.
    pub office_code: String,
    /// Lower bound.
    pub range_low: f64,
    /// Upper bound (80 % of cases are done within it).
    pub range_high: f64,
    /// `Months` or `Weeks`.
    pub unit: String,
    /// When published.
    pub publication_date: NaiveDate,
    /// Receipts before this date are outside normal processing time.
    pub service_request_date: NaiveDate,
}

/// A range's message variables: low, high, unit.
pub type RangeArgs = ((&'static str, String), (&'static str, String), (&'static str, &'static str));

impl Posted {
    /// The unit in a language.
    pub fn unit_in(&self, lang: Lang) -> &'static str {
        match (self.unit.as_str(), lang) {
            ("Weeks", Lang::En) => "Weeks",
            ("Weeks", Lang::Es) => "Semanas",
            (_, Lang::En) => "Months",
            (_, Lang::Es) => "Meses",
        }
    }

    /// The unit's code in the message catalogues (`weeks` or `months`), by which a message
    /// chooses its words.
    pub fn unit_code(&self) -> &'static str {
        if self.unit == "Weeks" { "weeks" } else { "months" }
    }

    /// The variables of a range's message (`pt-range-value`, `staff-pt-range`): the bounds as
    /// `lang` writes numbers, and the unit's code.
    pub fn range_args(&self, lang: Lang) -> RangeArgs {
        (("low", lang.decimal(self.range_low)), ("high", lang.decimal(self.range_high)), ("unit", self.unit_code()))
    }

    /// "3.5 to 7 Months": the range as the audit trail records it (one fixed wording; pages
    /// word it through the catalogues).
    pub fn audit_text(&self) -> String {
        format!("{} to {} {}", trim(self.range_low), trim(self.range_high), self.unit_in(Lang::En))
    }

    /// Whether a case received on `received` is outside normal processing time.
    pub fn is_outside(&self, received: NaiveDate) -> bool {
        received < self.service_request_date
    }
}

/// A number without a needless ".0".
pub fn trim(v: f64) -> String {
    if (v.fract()).abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// The service-request date for a posting: the publication date less the upper bound.
pub fn service_request_date(publication: NaiveDate, high: f64, unit: &str) -> NaiveDate {
    if unit == "Weeks" {
        return publication - chrono::Duration::days((high * 7.0).ceil() as i64);
    }
    let whole = high.floor() as u32;
    let days = ((high - f64::from(whole)) * 30.4).round() as i64;
    publication.checked_sub_months(Months::new(whole)).unwrap_or(publication) - chrono::Duration::days(days)
}

/// The average month, for turning days into months.
pub const DAYS_PER_MONTH: f64 = 30.44;

/// Suggested figures for a form at an office: from decision times in days, (median, 80th
/// percentile) in months, rounded to half months.
pub fn suggest(mut days: Vec<i64>) -> Option<(f64, f64)> {
    if days.len() < 10 {
        return None;
    }
    days.sort_unstable();
    let at = |q: f64| days[((days.len() - 1) as f64 * q).round() as usize] as f64 / DAYS_PER_MONTH;
    let half = |m: f64| ((m * 2.0).round() / 2.0).max(0.5);
    let (median, p80) = (half(at(0.5)), half(at(0.8)));
    Some((median, p80.max(median)))
}

/// The figures suggested for a form at an office, as the daily job stored them.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq)]
pub struct Suggestion {
    /// Form code.
    pub form_code: String,
    /// Office.
    pub office_code: String,
    /// Median time from receipt to decision, in months.
    pub median_months: f64,
    /// 80th percentile, in months.
    pub p80_months: f64,
    /// Decisions counted.
    pub cases: i64,
    /// The last day of the year of decisions read.
    pub as_of: NaiveDate,
    /// When computed.
    pub computed_at: DateTime<Utc>,
}

impl Suggestion {
    /// The median, without a needless ".0".
    pub fn median_text(&self) -> String {
        trim(self.median_months)
    }

    /// The 80th percentile, without a needless ".0".
    pub fn p80_text(&self) -> String {
        trim(self.p80_months)
    }
}

/// The subtype key that covers every application of a form.
pub fn all_key(form: &str) -> String {
    format!("{form}-ALL")
}
/// The subtype of [`all_key`], in English.
pub const ALL_EN: &str = "All applications and petitions";
/// The subtype of [`all_key`], in Spanish.
pub const ALL_ES: &str = "Todas las solicitudes y peticiones";

#[cfg(test)]
mod tests {
    use super::*;

    // R-CS-04: figures from completed cases.
    #[test]
    fn suggestions_are_median_and_80th_percentile_in_half_months() {
        assert_eq!(suggest(vec![30; 5]), None, "too few cases to say");
        let days: Vec<i64> = (1..=100).map(|i| i * 3).collect(); // 3 to 300 days
        let (median, p80) = suggest(days).unwrap();
        assert_eq!((median, p80), (5.0, 8.0));
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(service_request_date(d(2026, 11, 1), 8.0, "Months"), d(2026, 3, 1));
        assert_eq!(service_request_date(d(2026, 11, 1), 2.0, "Weeks"), d(2026, 10, 18));
        let p = Posted {
            form_code: "I-765".into(),
            form_key: "I-765-ALL".into(),
            subtype_en: String::new(),
            subtype_es: String::new(),
            office_code: "NSC".into(),
            range_low: 3.5,
            range_high: 7.0,
            unit: "Months".into(),
            publication_date: d(2026, 11, 1),
            service_request_date: d(2026, 4, 1),
        };
        assert_eq!(p.audit_text(), "3.5 to 7 Months");
        // Numbers as each language writes them (issue 17); the words come from the catalogues.
        assert_eq!(p.range_args(Lang::Es), (("low", "3,5".into()), ("high", "7".into()), ("unit", "months")));
        assert_eq!(p.range_args(Lang::En).0.1, "3.5");
        assert_eq!(Lang::Es.decimal(4.5), "4,5");
        assert!(p.is_outside(d(2026, 3, 31)) && !p.is_outside(d(2026, 4, 1)));
    }
}
