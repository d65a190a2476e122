//! The use cases of processing times (R-CS-04): the daily suggestions computed from completed
//! cases, the public reads, and headquarters' publishing: it reviews, per form and office, what
//! is posted beside what CRIS suggests, adjusts the figures and posts them. Every publication is
//! audited with the figures it replaced.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::model::{ALL_EN, ALL_ES, DAYS_PER_MONTH, Posted, Suggestion, all_key, service_request_date, suggest};
use super::store;
use crate::kernel::access::{Actor, Allowed, Capability};
use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;
use crate::reference::Catalog;

/// The unit a time is posted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Months.
    Months,
    /// Weeks.
    Weeks,
}

impl Unit {
    /// As stored and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Months => "Months",
            Unit::Weeks => "Weeks",
        }
    }

    /// The longest time that may be posted: ten years.
    fn limit(self) -> f64 {
        match self {
            Unit::Months => 120.0,
            Unit::Weeks => 520.0,
        }
    }
}

/// A publication as headquarters entered it, parsed: a form, one of its subtypes, an office and
/// a range in whole or half units.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Form code.
    pub form_code: String,
    /// Subtype key.
    pub form_key: String,
    /// Office.
    pub office_code: String,
    /// Lower bound (the median of the suggestion).
    pub low: f64,
    /// Upper bound (80 % of cases are done within it).
    pub high: f64,
    /// Unit.
    pub unit: Unit,
}

impl Draft {
    /// Parses the publishing form's fields.
    pub fn parse(
        form: &str,
        key: &str,
        office: &str,
        low: &str,
        high: &str,
        unit: &str,
    ) -> Result<Draft, InvalidInput> {
        let unit = match unit.trim() {
            "Months" => Unit::Months,
            "Weeks" => Unit::Weeks,
            _ => return Err(InvalidInput::new("unit", "Choose months or weeks.")),
        };
        let number = |field: &'static str, raw: &str| -> Result<f64, InvalidInput> {
            let v: f64 = raw.trim().parse().map_err(|_| InvalidInput::new(field, "Enter a number, like 3 or 3.5."))?;
            if !v.is_finite() || v <= 0.0 || v > unit.limit() || (v * 2.0).fract() != 0.0 {
                return Err(InvalidInput::new(
                    field,
                    format!(
                        "Enter a whole or half number from 0.5 to {} {}.",
                        unit.limit(),
                        unit.as_str().to_lowercase()
                    ),
                ));
            }
            Ok(v)
        };
        let (low, high) = (number("range_low", low)?, number("range_high", high)?);
        if low > high {
            return Err(InvalidInput::new("range_low", "The lower figure cannot be more than the upper one."));
        }
        Ok(Draft {
            form_code: form.trim().to_uppercase(),
            form_key: key.trim().to_uppercase(),
            office_code: office.trim().to_uppercase(),
            low,
            high,
            unit,
        })
    }
}

/// One form at one office, as the overview lists it.
#[derive(Debug, Clone)]
pub struct Line {
    /// Form code.
    pub form_code: String,
    /// Office.
    pub office_code: String,
    /// What is posted (every subtype).
    pub posted: Vec<Posted>,
    /// What CRIS suggests.
    pub suggestion: Option<Suggestion>,
}

impl Line {
    /// Whether the suggestion's upper figure is a month or more away from the posted one (or
    /// nothing is posted): the lines headquarters should look at first.
    pub fn needs_review(&self) -> bool {
        let Some(s) = &self.suggestion else { return false };
        let months = |p: &Posted| if p.unit == "Weeks" { p.range_high * 7.0 / DAYS_PER_MONTH } else { p.range_high };
        self.posted
            .iter()
            .find(|p| p.form_key == all_key(&p.form_code))
            .or(self.posted.first())
            .is_none_or(|p| (months(p) - s.p80_months).abs() >= 1.0)
    }
}

/// The capability of headquarters' pages. A posted time is not an office's record
/// (docs/ACCESS.md): headquarters publishes for every office, so the capability alone decides,
/// checked by the page (`processing_times.overview`, `.review`, `.publish`, with the office asked
/// for) before it calls here with the proof.
pub const PUBLISH: Capability = Capability::ProcessingTimesPublish;

/// Every form and office that has a posting or a suggestion, optionally of one form.
pub async fn overview(db: &Db, _: &Allowed, form: Option<&str>) -> Result<Vec<Line>, ServiceError> {
    let wanted = |code: &str| form.is_none_or(|f| f.eq_ignore_ascii_case(code));
    let mut lines: std::collections::BTreeMap<(String, String), Line> = Default::default();
    fn line<'a>(
        lines: &'a mut std::collections::BTreeMap<(String, String), Line>,
        form: &str,
        office: &str,
    ) -> &'a mut Line {
        lines.entry((form.to_owned(), office.to_owned())).or_insert_with(|| Line {
            form_code: form.to_owned(),
            office_code: office.to_owned(),
            posted: Vec::new(),
            suggestion: None,
        })
    }
    for p in store::all(db).await?.into_iter().filter(|p| wanted(&p.form_code)) {
        line(&mut lines, &p.form_code, &p.office_code).posted.push(p);
    }
    for s in store::suggestions(db).await?.into_iter().filter(|s| wanted(&s.form_code)) {
        let (form, office) = (s.form_code.clone(), s.office_code.clone());
        line(&mut lines, &form, &office).suggestion = Some(s);
    }
    Ok(lines.into_values().collect())
}

/// One form at one office, for review.
pub async fn review(db: &Db, catalog: &Catalog, _: &Allowed, form: &str, office: &str) -> Result<Line, ServiceError> {
    let (form, office) = known(catalog, form, office)?;
    let posted = store::at_office(db, &form, &office).await?;
    let suggestion = store::suggestions(db).await?.into_iter().find(|s| s.form_code == form && s.office_code == office);
    Ok(Line { form_code: form, office_code: office, posted, suggestion })
}

/// The form and office codes, when both are in the reference data (an unknown one is not found,
/// before any check).
pub fn known(catalog: &Catalog, form: &str, office: &str) -> Result<(String, String), ServiceError> {
    let form = catalog.form(&form.trim().to_uppercase()).ok_or(ServiceError::NotFound)?.code.clone();
    let office = catalog.office(&office.trim().to_uppercase()).ok_or(ServiceError::NotFound)?.code.clone();
    Ok((form, office))
}

/// Posts a draft, dated today, with its service-request date; returns the posting. A subtype
/// keeps its descriptions; a form with nothing posted gets its all-applications subtype.
pub async fn publish(
    db: &Db,
    catalog: &Catalog,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    draft: &Draft,
) -> Result<Posted, ServiceError> {
    let (form, office) = known(catalog, &draft.form_code, &draft.office_code)?;
    let before = store::at_office(db, &form, &office).await?.into_iter().find(|p| p.form_key == draft.form_key);
    let (subtype_en, subtype_es) = match &before {
        Some(p) => (p.subtype_en.clone(), p.subtype_es.clone()),
        None if draft.form_key == all_key(&form) => (ALL_EN.to_owned(), ALL_ES.to_owned()),
        None => {
            return Err(InvalidInput::new("form_key", "This subtype is not posted for this form and office.").into());
        }
    };
    let publication_date = now.date_naive();
    let unit = draft.unit.as_str();
    let posted = Posted {
        form_code: form,
        form_key: draft.form_key.clone(),
        subtype_en,
        subtype_es,
        office_code: office,
        range_low: draft.low,
        range_high: draft.high,
        unit: unit.to_owned(),
        publication_date,
        service_request_date: service_request_date(publication_date, draft.high, unit),
    };
    let was = before.map_or_else(|| "nothing posted before".to_owned(), |p| format!("was {}", p.audit_text()));
    let detail = format!(
        "posted {} {} at {}: {}, service-request date {}; {was}",
        posted.form_code,
        posted.form_key,
        posted.office_code,
        posted.audit_text(),
        posted.service_request_date
    );
    let record = format!("processing_time:{}/{}/{}", posted.form_code, posted.form_key, posted.office_code);
    let mut tx = db.begin().await?;
    store::post(&mut tx, &posted, &actor.username, now).await?;
    let entry = Entry {
        category: Category::Change,
        event: "processing_times.publish",
        username: &actor.username,
        ip: &actor.ip,
        office: &actor.place.office,
        record: &record,
        outcome: Outcome::Ok,
        detail: &detail,
    };
    audit::record(&mut tx, now, &entry).await?;
    tx.commit().await?;
    Ok(posted)
}

/// Decisions (approved, denied) made between two days, inclusive: (form, office, received,
/// decided). Cases own them and ask this module for the posted times, so `app` installs the read
/// at start and processing times import no case.
pub type DecisionsRead = for<'a> fn(
    &'a Db,
    NaiveDate,
    NaiveDate,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Vec<(String, String, NaiveDate, NaiveDate)>, DbError>> + Send + 'a>,
>;

static DECISIONS: std::sync::OnceLock<DecisionsRead> = std::sync::OnceLock::new();

/// Installs where suggestions read decisions from (once per process; later calls do nothing).
pub fn on_decisions(read: DecisionsRead) {
    let _ = DECISIONS.set(read);
}

/// Computes suggestions for every form and office from decisions made in the year before
/// `as_of` (forms and offices with fewer than ten decisions get none).
pub async fn compute_suggestions(db: &Db, as_of: NaiveDate, now: DateTime<Utc>) -> Result<Vec<Suggestion>, DbError> {
    let Some(decisions) = DECISIONS.get() else {
        tracing::error!("no decisions reader installed (open through app::open): no suggestions");
        return Ok(Vec::new());
    };
    let rows = decisions(db, decisions_since(as_of), as_of).await?;
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
    store::replace_suggestions(db, &suggestions).await?;
    Ok(suggestions)
}

/// The daily job: recomputes the suggestions unless they were computed in the last 20 hours
/// (so a restart does not read a year of decisions again). Returns how many were stored.
pub async fn refresh_suggestions_if_stale(db: &Db, now: DateTime<Utc>) -> Result<Option<usize>, DbError> {
    let last = store::suggestions_computed_at(db).await?;
    if last.is_some_and(|at| now - at < chrono::Duration::hours(20)) {
        return Ok(None);
    }
    Ok(Some(refresh_suggestions(db, now.date_naive(), now).await?.len()))
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
    let suggestions = suggestions_from(decisions, as_of, now);
    store::replace_suggestions(db, &suggestions).await?;
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
        store::post(&mut tx, &p, by, now).await?;
    }
    tx.commit().await?;
    Ok(suggestions.len())
}

/// Every posting of a form (all offices and subtypes): public.
pub async fn for_form(db: &Db, form: &str) -> Result<Vec<Posted>, DbError> {
    store::for_form(db, form).await
}

/// The postings of a form at an office: public.
pub async fn at_office(db: &Db, form: &str, office: &str) -> Result<Vec<Posted>, DbError> {
    store::at_office(db, form, office).await
}

/// Every posting, by form, office and subtype: public.
pub async fn all(db: &Db) -> Result<Vec<Posted>, DbError> {
    store::all(db).await
}

/// Forms that have at least one posting: public.
pub async fn forms(db: &Db) -> Result<Vec<String>, DbError> {
    store::forms(db).await
}

/// The stored suggestions, by form and office.
pub async fn suggestions(db: &Db) -> Result<Vec<Suggestion>, DbError> {
    store::suggestions(db).await
}

/// Posts (or replaces) a processing time inside the caller's transaction, as the system (the
/// demo data set; headquarters publishes through [`publish`], checked and audited).
pub async fn post(tx: &mut Tx, p: &Posted, by: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    store::post(tx, p, by, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-CS-04: what headquarters may post.
    #[test]
    fn drafts_take_whole_or_half_units_in_order() {
        let d = Draft::parse(" i-765 ", "i-765-all", "nsc", "3.5", "7", "Months").unwrap();
        assert_eq!((d.form_code.as_str(), d.form_key.as_str(), d.office_code.as_str()), ("I-765", "I-765-ALL", "NSC"));
        assert_eq!((d.low, d.high, d.unit), (3.5, 7.0, Unit::Months));
        let refused = |low: &str, high: &str, unit: &str| {
            Draft::parse("I-765", "I-765-ALL", "NSC", low, high, unit).unwrap_err().field
        };
        assert_eq!(refused("3.3", "7", "Months"), "range_low");
        assert_eq!(refused("0", "7", "Months"), "range_low");
        assert_eq!(refused("3", "121", "Months"), "range_high");
        assert_eq!(refused("3", "NaN", "Months"), "range_high");
        assert_eq!(refused("8", "7", "Months"), "range_low");
        assert_eq!(refused("3", "7", "Days"), "unit");
        assert!(Draft::parse("I-765", "I-765-ALL", "NSC", "200", "520", "Weeks").is_ok());
    }
}
