//! Case updates in: the adjudication systems push status changes, as a JSON batch over HTTP or a
//! JSON Lines file (`cris import case-events`). Each event is applied once (by its id) together
//! with its history entry and its notifications; a bad event is refused with its position and
//! reason while the good ones still apply, and nothing is ever half-applied.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::store::{self, HistoryRow};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::html::sanitize;
use crate::kernel::ids::ReceiptNumber;
use crate::kernel::progress::Progress;
use crate::reference::Catalog;

/// An event as a source system sends it.
#[derive(Debug, Clone, Deserialize, Default, utoipa::ToSchema)]
pub struct RawEvent {
    /// Unique id from the source; a repeated id is applied once.
    pub event_id: Option<String>,
    /// The case.
    pub receipt_number: Option<String>,
    /// A status code of the catalogue (e.g. `CASE_APPROVED`); or, from older sources, the text below.
    pub action_code: Option<String>,
    /// The day the status took effect, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Older sources: the title, English.
    pub title_en: Option<String>,
    /// Older sources: the description, English (links with https targets and paragraphs kept).
    pub description_en: Option<String>,
    /// Older sources: the title, Spanish.
    pub title_es: Option<String>,
    /// Older sources: the description, Spanish.
    pub description_es: Option<String>,
    /// For a case CRIS does not hold yet (its first event): the form.
    pub form: Option<String>,
    /// For a new case: the office holding it (default: the receipt centre's).
    pub office: Option<String>,
    /// For a new case: the applicant's mailing ZIP.
    pub mailing_zip: Option<String>,
}

/// A validated event.
#[derive(Debug, Clone)]
pub struct Event {
    id: String,
    receipt: ReceiptNumber,
    history: HistoryRow,
    new_case: Option<(String, String, Option<String>)>,
}

/// Checks an event against the catalogue.
pub fn validate(raw: &RawEvent, catalog: &Catalog, today: NaiveDate) -> Result<Event, String> {
    let id = raw.event_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).ok_or("event_id is missing")?;
    if id.len() > 100 {
        return Err("event_id is longer than 100 characters".into());
    }
    let receipt: ReceiptNumber = raw
        .receipt_number
        .as_deref()
        .ok_or("receipt_number is missing")?
        .parse()
        .map_err(|e: crate::kernel::error::InvalidInput| e.reason)?;
    let date = raw.date.as_deref().ok_or("date is missing")?;
    let date =
        NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| format!("date {date:?} is not YYYY-MM-DD"))?;
    if date > today + chrono::Duration::days(1) {
        return Err(format!("date {date} is in the future"));
    }
    let text = |v: &Option<String>, max: usize| {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(max).collect::<String>())
    };
    let history = match raw.action_code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(code) => {
            let code = code.to_uppercase();
            if catalog.status(&code).is_none() {
                return Err(format!("action_code {code:?} is not in the status catalogue"));
            }
            HistoryRow {
                status_code: code,
                occurred_on: date,
                title_en: None,
                desc_en: None,
                title_es: None,
                desc_es: None,
            }
        }
        None => {
            let (Some(title), Some(desc)) = (text(&raw.title_en, 200), text(&raw.description_en, 5_000)) else {
                return Err("an event needs an action_code, or title_en and description_en".into());
            };
            HistoryRow {
                status_code: "CUSTOM".into(),
                occurred_on: date,
                // Titles are plain text, escaped wherever they are shown.
                title_en: Some(title),
                desc_en: Some(sanitize(&desc)),
                title_es: text(&raw.title_es, 200),
                desc_es: text(&raw.description_es, 5_000).map(|d| sanitize(&d)),
            }
        }
    };
    let new_case = match raw.form.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(form) => {
            let form = catalog.form(form).ok_or_else(|| format!("form {form:?} is not known"))?.code.clone();
            let office = match raw.office.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(o) => catalog.office(o).ok_or_else(|| format!("office {o:?} is not known"))?.code.clone(),
                None => catalog
                    .office_for_prefix(receipt.prefix())
                    .ok_or("no office holds this receipt centre")?
                    .code
                    .clone(),
            };
            let zip = match raw.mailing_zip.as_deref().filter(|z| !z.trim().is_empty()) {
                Some(z) => Some(z.parse::<crate::kernel::contact::Zip>().map_err(|e| e.reason)?.five().to_owned()),
                None => None,
            };
            Some((form, office, zip))
        }
    };
    Ok(Event { id: id.to_owned(), receipt, history, new_case })
}

/// An event as read, with its position (index in a batch, line of a file), or why it could
/// not be read.
pub type Read = (usize, Result<RawEvent, String>);

/// An event checked against the catalogue, with its position, or its id and why it was refused.
pub type Checked = (usize, Result<Event, (Option<String>, String)>);

/// A refused event.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Rejected {
    /// Position: the 0-based index in a batch, or the 1-based line of a file.
    pub position: usize,
    /// The event's id, when it had one.
    #[schema(required = true)]
    pub event_id: Option<String>,
    /// Why.
    pub reason: String,
}

/// What a batch did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// Applied now.
    pub applied: usize,
    /// Applied before (same event id): nothing done.
    pub duplicates: usize,
    /// Refused.
    pub rejected: Vec<Rejected>,
    /// Receipt numbers of the cases changed now (for caches to forget).
    #[serde(skip)]
    #[schema(ignore)]
    pub changed: Vec<String>,
    /// Chunks that the batch path could not apply, applied again one event at a time (should
    /// be rare; each is logged).
    #[serde(skip)]
    #[schema(ignore)]
    pub chunks_retried: usize,
}

/// Events per transaction.
const PER_TRANSACTION: usize = 2_000;

impl Outcome {
    fn refuse(&mut self, position: usize, event_id: Option<String>, reason: String) {
        self.rejected.push(Rejected { position, event_id, reason });
    }

    /// Adds what another batch did.
    pub fn add(&mut self, other: Outcome) {
        self.applied += other.applied;
        self.duplicates += other.duplicates;
        self.rejected.extend(other.rejected);
        self.changed.extend(other.changed);
    }
}

/// Applies events (each with its position, or the reason it failed validation).
///
/// A chunk of events is applied with a few statements for all of it; should that fail (an
/// event racing a concurrent writer, a constraint), the chunk is rolled back and applied again
/// one event at a time, each in its own savepoint, so that only the events at fault are refused.
pub async fn apply(db: &Db, now: DateTime<Utc>, events: Vec<Checked>) -> Result<Outcome, DbError> {
    apply_with(db, now, events, &Progress::hidden()).await
}

/// [`apply`], counting the events done on `progress` (`cris import case-events`).
pub async fn apply_with(
    db: &Db,
    now: DateTime<Utc>,
    events: Vec<Checked>,
    progress: &Progress,
) -> Result<Outcome, DbError> {
    let mut outcome = Outcome::default();
    progress.set_total(events.len() as u64);
    for chunk in events.chunks(PER_TRANSACTION) {
        let mut tx = db.begin().await?;
        match apply_chunk(&mut tx, chunk, now).await {
            Ok(done) => {
                tx.commit().await?;
                outcome.add(done);
            }
            Err(err) => {
                tracing::warn!(error = %err, "event batch refused as a whole; applying its events one at a time");
                drop(tx);
                let mut tx = db.begin().await?;
                let done = apply_each(&mut tx, chunk, now).await?;
                tx.commit().await?;
                outcome.add(done);
                outcome.chunks_retried += 1;
            }
        }
        progress.inc(chunk.len() as u64);
    }
    progress.finish();
    outcome.rejected.sort_by_key(|r| r.position);
    Ok(outcome)
}

/// The chunk's valid events with their positions; the ones that failed validation are refused.
fn valid_events<'a>(chunk: &'a [Checked], outcome: &mut Outcome) -> Vec<(usize, &'a Event)> {
    let mut valid = Vec::with_capacity(chunk.len());
    for (position, event) in chunk {
        match event {
            Ok(e) => valid.push((*position, e)),
            Err((id, reason)) => outcome.refuse(*position, id.clone(), reason.clone()),
        }
    }
    valid
}

/// The batch path: reads what the chunk needs in a few queries, decides every event in memory
/// (in order, so a later event of the same case sees the earlier one), then writes it all.
async fn apply_chunk(tx: &mut Tx, chunk: &[Checked], now: DateTime<Utc>) -> Result<Outcome, DbError> {
    let mut outcome = Outcome::default();
    let valid = valid_events(chunk, &mut outcome);
    let ids: Vec<String> = valid.iter().map(|(_, e)| e.id.clone()).collect();
    let receipts: Vec<String> = valid.iter().map(|(_, e)| e.receipt.to_string()).collect();
    let mut seen = store::seen_events(tx, &ids).await?;
    let mut cases = store::find_many(tx, &receipts).await?;
    let mut claimed: Vec<(&str, i64)> = Vec::new();
    let mut history: Vec<(i64, &HistoryRow)> = Vec::new();
    let mut current: HashMap<i64, (&str, NaiveDate)> = HashMap::new();
    let mut alerts: Vec<(i64, &str)> = Vec::new();
    for (position, e) in valid {
        if !seen.insert(e.id.clone()) {
            outcome.duplicates += 1;
            continue;
        }
        let receipt = e.receipt.as_str();
        let (case_id, current_on) = match (cases.get(receipt), &e.new_case) {
            (Some(found), _) => *found,
            (None, Some((form, office, zip))) => {
                let on = e.history.occurred_on;
                let id =
                    store::create(tx, receipt, form, office, &e.history.status_code, on, zip.as_deref(), now).await?;
                (id, on)
            }
            (None, None) => {
                seen.remove(&e.id);
                outcome.refuse(position, Some(e.id.clone()), not_known(&e.receipt));
                continue;
            }
        };
        claimed.push((&e.id, case_id));
        history.push((case_id, &e.history));
        // An older event arriving late joins the history without replacing a newer status.
        let on = e.history.occurred_on;
        if on >= current_on {
            cases.insert(receipt.to_owned(), (case_id, on));
            current.insert(case_id, (&e.history.status_code, on));
            alerts.push((case_id, receipt));
        } else {
            cases.insert(receipt.to_owned(), (case_id, current_on));
        }
        outcome.applied += 1;
        outcome.changed.push(receipt.to_owned());
    }
    let mut case_ids: Vec<i64> = history.iter().map(|(id, _)| *id).collect();
    case_ids.sort_unstable();
    case_ids.dedup();
    // Locked in id order before they are changed, as `refresh_reports` locks them: a USPS chunk
    // rewriting the same cases' reports then waits its turn instead of closing a circle.
    store::lock(tx, &case_ids).await?;
    let mut seqs = store::last_seqs(tx, &case_ids).await?;
    let rows: Vec<store::NewHistory<'_>> = history
        .iter()
        .map(|(case_id, h)| {
            let seq = seqs.entry(*case_id).or_insert(0);
            *seq += 1;
            (*case_id, *seq, *h)
        })
        .collect();
    let current: Vec<(i64, &str, NaiveDate)> = current.into_iter().map(|(id, (code, on))| (id, code, on)).collect();
    store::apply_batch(tx, &claimed, &rows, &current, now).await?;
    super::service::refresh_reports(tx, &case_ids).await?;
    on_changes(tx, &alerts, now).await?;
    Ok(outcome)
}

/// What a change of a case's current status sets off in the same transaction: the alerts of
/// the portfolios that follow it (R-CS-09, R-CS-10). Portfolios own those and ask cases, so `portfolio`
/// installs the hook at start (`app::open`) and cases import no portfolio.
pub type StatusChangeHook =
    for<'a> fn(
        &'a mut Tx,
        &'a [(i64, &'a str)],
        DateTime<Utc>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<usize, DbError>> + Send + 'a>>;

static ON_STATUS_CHANGE: std::sync::OnceLock<StatusChangeHook> = std::sync::OnceLock::new();

/// Installs what a status change sets off (once per process; later calls do nothing).
pub fn on_status_change(hook: StatusChangeHook) {
    let _ = ON_STATUS_CHANGE.set(hook);
}

/// Runs the installed status-change hook on (case id, receipt) pairs.
async fn on_changes(tx: &mut Tx, changes: &[(i64, &str)], now: DateTime<Utc>) -> Result<usize, DbError> {
    match ON_STATUS_CHANGE.get() {
        Some(hook) => hook(tx, changes, now).await,
        None => {
            // A wiring mistake, not a state of the data: say so loudly rather than lose alerts.
            tracing::error!("no status-change hook installed (open through app::open): alerts not queued");
            Ok(0)
        }
    }
}

fn not_known(receipt: &ReceiptNumber) -> String {
    format!("receipt number {receipt} is not known (send form to create the case)")
}

enum Applied {
    Now,
    Before,
}

async fn apply_one(tx: &mut Tx, e: &Event, now: DateTime<Utc>) -> Result<Result<Applied, String>, DbError> {
    if store::event_seen(tx, &e.id).await? {
        return Ok(Ok(Applied::Before));
    }
    let (case_id, current_on) = match store::find(tx, e.receipt.as_str()).await? {
        Some(found) => found,
        None => match &e.new_case {
            Some((form, office, zip)) => {
                let id = store::create(
                    tx,
                    e.receipt.as_str(),
                    form,
                    office,
                    &e.history.status_code,
                    e.history.occurred_on,
                    zip.as_deref(),
                    now,
                )
                .await?;
                (id, e.history.occurred_on)
            }
            None => return Ok(Err(not_known(&e.receipt))),
        },
    };
    if !store::claim_event(tx, &e.id, case_id, now).await? {
        return Ok(Ok(Applied::Before));
    }
    let newest = store::add_status(tx, case_id, &e.history, current_on, now).await?;
    super::service::refresh_reports(tx, &[case_id]).await?;
    if newest {
        // The current status changed: portfolio alerts go with it, in the same transaction.
        on_changes(tx, &[(case_id, e.receipt.as_str())], now).await?;
    }
    Ok(Ok(Applied::Now))
}

/// The careful path: each event in its own savepoint, so a failure undoes only that event.
///
/// The chunk's known cases are locked first, all in id order, as the batch path and
/// `refresh_reports` lock theirs: taken event by event, two such transactions (or one and a USPS
/// chunk) could each hold a case the other waits for (issue 18).
async fn apply_each(tx: &mut Tx, chunk: &[Checked], now: DateTime<Utc>) -> Result<Outcome, DbError> {
    let mut outcome = Outcome::default();
    let valid = valid_events(chunk, &mut outcome);
    let receipts: Vec<String> = valid.iter().map(|(_, e)| e.receipt.to_string()).collect();
    let mut known: Vec<i64> = store::find_many(tx, &receipts).await?.into_values().map(|(id, _)| id).collect();
    known.sort_unstable();
    known.dedup();
    store::lock(tx, &known).await?;
    for (position, e) in valid {
        tx.savepoint().await?;
        match apply_one(tx, e, now).await {
            Ok(Ok(Applied::Now)) => {
                tx.release().await?;
                outcome.applied += 1;
                outcome.changed.push(e.receipt.to_string());
            }
            Ok(Ok(Applied::Before)) => {
                tx.release().await?;
                outcome.duplicates += 1;
            }
            Ok(Err(reason)) => {
                tx.rollback_to_savepoint().await?;
                outcome.refuse(position, Some(e.id.clone()), reason);
            }
            Err(err) => {
                tx.rollback_to_savepoint().await?;
                tracing::warn!(error = %err, event = %e.id, "event not applied");
                outcome.refuse(position, Some(e.id.clone()), "could not be stored".into());
            }
        }
    }
    Ok(outcome)
}

/// Validates raw events for [`apply`].
pub fn prepare(raw: Vec<Read>, catalog: &Catalog, today: NaiveDate) -> Vec<Checked> {
    raw.into_iter()
        .map(|(pos, r)| {
            let checked = match r {
                Ok(raw) => validate(&raw, catalog, today).map_err(|reason| (raw.event_id.clone(), reason)),
                Err(reason) => Err((None, reason)),
            };
            (pos, checked)
        })
        .collect()
}

/// Reads a JSON Lines file: one event a line, numbered from 1; blank lines are skipped.
pub fn parse_lines(text: &str) -> Vec<Read> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, serde_json::from_str::<RawEvent>(l).map_err(|e| format!("not a JSON event: {e}"))))
        .collect()
}

/// Reads a batch body: `{"events": [...]}` or a bare array; each element is read on its own so
/// that one malformed element is refused by its index while the others apply.
pub fn parse_batch(body: &[u8]) -> Result<Vec<Read>, String> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Object(mut map) => match map.remove("events") {
            Some(serde_json::Value::Array(items)) => items,
            _ => return Err("the body must be an array of events or an object with an \"events\" array".into()),
        },
        _ => return Err("the body must be an array of events or an object with an \"events\" array".into()),
    };
    if items.len() > MAX_BATCH {
        return Err(format!("a batch holds at most {MAX_BATCH} events; split it"));
    }
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(i, v)| (i, serde_json::from_value::<RawEvent>(v).map_err(|e| format!("not an event: {e}"))))
        .collect())
}

/// The largest batch accepted over HTTP.
pub const MAX_BATCH: usize = 10_000;
