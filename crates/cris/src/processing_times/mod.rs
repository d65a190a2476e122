//! Processing times (R-CS-04): how long a form takes at an office, posted per form, subtype and
//! office with a publication date and a service-request date (a case received before it is
//! outside normal processing time, which is also what e-Request uses to decide whether an inquiry
//! may be filed). CRIS suggests the figures to post from completed cases: the median and the 80th
//! percentile of the time from receipt to decision.

pub mod pages;
pub mod public;
pub mod publish;
pub mod routes;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use crate::kernel::db::{Db, DbError, Tx};
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

/// Computes suggestions for every form and office from decisions made in the year before
/// `as_of` (forms and offices with fewer than ten decisions get none).
pub async fn compute_suggestions(db: &Db, as_of: NaiveDate, now: DateTime<Utc>) -> Result<Vec<Suggestion>, DbError> {
    let rows = crate::case_status::service::decisions_between(db, decisions_since(as_of), as_of).await?;
    let mut by = DecisionDays::default();
    for (form, office, received, decided) in rows {
        by.entry((form, office)).or_default().push((decided - received).num_days());
    }
    Ok(suggestions_from(by, as_of, now))
}

/// Days from receipt to decision, by form and office.
pub type DecisionDays = std::collections::BTreeMap<(String, String), Vec<i64>>;

/// The first day of the decisions that suggestions as of a day are computed from.
pub fn decisions_since(as_of: NaiveDate) -> NaiveDate {
    as_of - chrono::Duration::days(365)
}

/// The suggestions from decisions made from [`decisions_since`] to `as_of` (a bulk loader that
/// made them counts them as it goes instead of reading them back).
pub fn suggestions_from(by: DecisionDays, as_of: NaiveDate, now: DateTime<Utc>) -> Vec<Suggestion> {
    by.into_iter()
        .filter_map(|((form_code, office_code), days)| {
            let cases = days.len() as i64;
            suggest(days).map(|(median_months, p80_months)| Suggestion {
                form_code,
                office_code,
                median_months,
                p80_months,
                cases,
                as_of,
                computed_at: now,
            })
        })
        .collect()
}

/// Computes the suggestions as of a day and replaces the stored ones in one transaction.
pub async fn refresh_suggestions(db: &Db, as_of: NaiveDate, now: DateTime<Utc>) -> Result<Vec<Suggestion>, DbError> {
    let suggestions = compute_suggestions(db, as_of, now).await?;
    store_suggestions(db, suggestions).await
}

/// Replaces the stored suggestions in one transaction.
async fn store_suggestions(db: &Db, suggestions: Vec<Suggestion>) -> Result<Vec<Suggestion>, DbError> {
    let mut tx = db.begin().await?;
    crate::with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM processing_time_suggestions").execute(&mut *conn).await?;
        for chunk in suggestions.chunks(1_000) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO processing_time_suggestions (form_code, office_code, median_months, p80_months, cases, as_of, computed_at) ",
            );
            qb.push_values(chunk, |mut b, s| {
                b.push_bind(&s.form_code)
                    .push_bind(&s.office_code)
                    .push_bind(s.median_months)
                    .push_bind(s.p80_months)
                    .push_bind(s.cases)
                    .push_bind(s.as_of)
                    .push_bind(s.computed_at);
            });
            qb.build().execute(&mut *conn).await?;
        }
    });
    tx.commit().await?;
    Ok(suggestions)
}

/// The daily job: recomputes the suggestions unless they were computed in the last 20 hours
/// (so a restart does not read a year of decisions again). Returns how many were stored.
pub async fn refresh_suggestions_if_stale(db: &Db, now: DateTime<Utc>) -> Result<Option<usize>, DbError> {
    let last: Option<DateTime<Utc>> = crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT MAX(computed_at) FROM processing_time_suggestions").fetch_one(pool).await?
    });
    if last.is_some_and(|at| now - at < chrono::Duration::hours(20)) {
        return Ok(None);
    }
    Ok(Some(refresh_suggestions(db, now.date_naive(), now).await?.len()))
}

/// The stored suggestions, by form and office.
pub async fn suggestions(db: &Db) -> Result<Vec<Suggestion>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM processing_time_suggestions ORDER BY form_code, office_code").fetch_all(pool).await?
    }))
}

/// Posts (or replaces) a processing time, inside the caller's transaction.
pub async fn post(tx: &mut Tx, p: &Posted, by: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO processing_times (form_code, form_key, subtype_en, subtype_es, office_code, range_low, range_high, unit, \
             publication_date, service_request_date, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (form_code, form_key, office_code) DO UPDATE SET subtype_en = excluded.subtype_en, subtype_es = excluded.subtype_es, \
             range_low = excluded.range_low, range_high = excluded.range_high, unit = excluded.unit, publication_date = excluded.publication_date, \
             service_request_date = excluded.service_request_date, published_by = excluded.published_by, published_at = excluded.published_at",
        )
        .bind(&p.form_code)
        .bind(&p.form_key)
        .bind(&p.subtype_en)
        .bind(&p.subtype_es)
        .bind(&p.office_code)
        .bind(p.range_low)
        .bind(p.range_high)
        .bind(&p.unit)
        .bind(p.publication_date)
        .bind(p.service_request_date)
        .bind(by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    })
}

/// The columns of a row, as a macro so that statements are whole `&'static str`s (`concat!`),
/// with no SQL assembled at run time.
macro_rules! columns {
    () => {
        "form_code, form_key, subtype_en, subtype_es, office_code, range_low, range_high, unit, publication_date, service_request_date"
    };
}

/// Every posting of a form (all offices and subtypes).
pub async fn for_form(db: &Db, form: &str) -> Result<Vec<Posted>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM processing_times WHERE form_code = $1 ORDER BY office_code, form_key"))
            .bind(form)
            .fetch_all(pool)
            .await?
    }))
}

/// The postings of a form at an office.
pub async fn at_office(db: &Db, form: &str, office: &str) -> Result<Vec<Posted>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM processing_times WHERE form_code = $1 AND office_code = $2 ORDER BY form_key"))
            .bind(form)
            .bind(office)
            .fetch_all(pool)
            .await?
    }))
}

/// Every posting, by form, office and subtype.
pub async fn all(db: &Db) -> Result<Vec<Posted>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM processing_times ORDER BY form_code, office_code, form_key"))
            .fetch_all(pool)
            .await?
    }))
}

/// Forms that have at least one posting.
pub async fn forms(db: &Db) -> Result<Vec<String>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT DISTINCT form_code FROM processing_times ORDER BY form_code").fetch_all(pool).await?
    }))
}

/// Computes the suggestions as of a day and posts them for every form and office (the demo data
/// set's postings, and a starting point for headquarters).
pub async fn post_suggestions(db: &Db, as_of: NaiveDate, by: &str, now: DateTime<Utc>) -> Result<usize, DbError> {
    let suggestions = refresh_suggestions(db, as_of, now).await?;
    post_these(db, &suggestions, as_of, by, now).await
}

/// [`post_suggestions`] from decisions counted by the caller (the demo loader's own, which are
/// every decision in the database when it loaded an empty one): no read of the history.
pub async fn post_suggestions_from(
    db: &Db,
    decisions: DecisionDays,
    as_of: NaiveDate,
    by: &str,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    let suggestions = store_suggestions(db, suggestions_from(decisions, as_of, now)).await?;
    post_these(db, &suggestions, as_of, by, now).await
}

async fn post_these(
    db: &Db,
    suggestions: &[Suggestion],
    as_of: NaiveDate,
    by: &str,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    // Published on the first of the month, as the public site does.
    let publication = as_of.with_day(1).unwrap_or(as_of);
    let mut tx = db.begin().await?;
    for s in suggestions {
        let p = Posted {
            form_code: s.form_code.clone(),
            form_key: all_key(&s.form_code),
            subtype_en: ALL_EN.into(),
            subtype_es: ALL_ES.into(),
            office_code: s.office_code.clone(),
            range_low: s.median_months,
            range_high: s.p80_months,
            unit: "Months".into(),
            publication_date: publication,
            service_request_date: service_request_date(publication, s.p80_months, "Months"),
        };
        post(&mut tx, &p, by, now).await?;
    }
    tx.commit().await?;
    Ok(suggestions.len())
}

/// The subtype key that covers every application of a form.
pub fn all_key(form: &str) -> String {
    format!("{form}-ALL")
}
const ALL_EN: &str = "All applications and petitions";
const ALL_ES: &str = "Todas las solicitudes y peticiones";

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
