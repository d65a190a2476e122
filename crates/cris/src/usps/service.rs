//! Ingesting an extract: parse every line (malformed ones are set aside with their line numbers),
//! match scans to cases, store new scans (a file ingested twice adds nothing), move the status of
//! cases whose card or document was delivered or returned, and write a report.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::model::{Line, Meaning, Scan, parse_line};
use crate::case_status::events::{self, RawEvent};
use crate::kernel::db::{Db, DbError, push_in};
use crate::kernel::ids::ReceiptNumber;
use crate::reference::{Catalog, Produces};

/// What one run did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The file.
    pub file_name: String,
    /// Lines read.
    pub lines: usize,
    /// Header and trailer records.
    pub skipped: usize,
    /// Malformed lines: (line number, reason).
    pub malformed: Vec<(usize, String)>,
    /// Scans that matched no case: (line number, tracking number, reference).
    pub unmatched: Vec<(usize, String, String)>,
    /// Scans stored now.
    pub added: u64,
    /// Scans already stored by an earlier run.
    pub repeated: u64,
    /// Case status changes (deliveries and returns) applied now.
    pub status_changes: usize,
}

impl Report {
    /// The report as text, as written next to the processed file.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "USPS tracking extract {}\nlines: {}\nheader/trailer records: {}\nscans stored: {}\nscans already stored: {}\nunmatched scans: {}\nmalformed lines: {}\ncase status changes: {}\n",
            self.file_name,
            self.lines,
            self.skipped,
            self.added,
            self.repeated,
            self.unmatched.len(),
            self.malformed.len(),
            self.status_changes
        );
        for (line, reason) in &self.malformed {
            let _ = writeln!(out, "malformed line {line}: {reason}");
        }
        for (line, tracking, reference) in &self.unmatched {
            let _ = writeln!(out, "unmatched line {line}: tracking {tracking}, reference {reference:?}");
        }
        out
    }
}

/// Scans per transaction.
const CHUNK: usize = 5_000;

/// A case found by receipt number: (id, receipt number, form).
type CaseKey = (i64, String, String);

/// A mailed item found by tracking number: (tracking number, case id, kind, receipt number).
type ItemKey = (String, i64, String, String);

struct Matched<'a> {
    scan: &'a Scan,
    case_id: i64,
    kind: String,
    receipt: String,
}

async fn match_chunk<'a>(
    db: &Db,
    catalog: &Catalog,
    chunk: &'a [(usize, Scan)],
    report: &mut Report,
) -> Result<Vec<Matched<'a>>, DbError> {
    let receipts: Vec<String> = chunk
        .iter()
        .filter_map(|(_, s)| s.customer_reference.parse::<ReceiptNumber>().ok())
        .map(|r| r.to_string())
        .collect();
    let trackings: Vec<String> = chunk.iter().map(|(_, s)| s.tracking_number.clone()).collect();
    let (cases, items): (Vec<CaseKey>, Vec<ItemKey>) = crate::with_db!(db, pool => {
        let mut q = QueryBuilder::new("SELECT id, receipt_number, form_code FROM cases WHERE 1 = 1");
        push_in(&mut q, "receipt_number", &receipts);
        let cases = q.build_query_as().fetch_all(pool).await?;
        let mut q = QueryBuilder::new("SELECT m.tracking_number, m.case_id, m.kind, c.receipt_number FROM mail_items m JOIN cases c ON c.id = m.case_id WHERE 1 = 1");
        push_in(&mut q, "m.tracking_number", &trackings);
        let items = q.build_query_as().fetch_all(pool).await?;
        (cases, items)
    });
    let by_receipt: HashMap<&str, (i64, &str)> =
        cases.iter().map(|(id, r, f)| (r.as_str(), (*id, f.as_str()))).collect();
    let by_tracking: HashMap<&str, (i64, &str, &str)> =
        items.iter().map(|(t, id, k, r)| (t.as_str(), (*id, k.as_str(), r.as_str()))).collect();
    let mut matched = Vec::with_capacity(chunk.len());
    for (line, scan) in chunk {
        if let Some((case_id, kind, receipt)) = by_tracking.get(scan.tracking_number.as_str()) {
            matched.push(Matched { scan, case_id: *case_id, kind: (*kind).to_owned(), receipt: (*receipt).to_owned() });
            continue;
        }
        let reference = scan.customer_reference.parse::<ReceiptNumber>().ok().map(|r| r.to_string());
        match reference.as_deref().and_then(|r| by_receipt.get(r).map(|c| (r, c))) {
            Some((receipt, (case_id, form))) => {
                let kind = match catalog.form(form).map(|f| f.produces) {
                    Some(Produces::Card) => "card",
                    _ => "document",
                };
                matched.push(Matched { scan, case_id: *case_id, kind: kind.to_owned(), receipt: receipt.to_owned() });
            }
            None => report.unmatched.push((*line, scan.tracking_number.clone(), scan.customer_reference.clone())),
        }
    }
    Ok(matched)
}

async fn store_chunk(db: &Db, file_name: &str, matched: &[Matched<'_>]) -> Result<u64, DbError> {
    if matched.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let mut added = 0;
    // SQLite takes at most 32,766 bound values a statement: 3,000 rows of 9 columns.
    for part in matched.chunks(3_000) {
        added += crate::with_tx!(&mut tx, conn => {
            // A tracking number first seen on a scan joins the case's mailed items.
            let mut q = QueryBuilder::new("INSERT INTO mail_items (tracking_number, case_id, kind, mailed_on) ");
            q.push_values(part, |mut b, m| {
                b.push_bind(m.scan.tracking_number.clone()).push_bind(m.case_id).push_bind(m.kind.clone()).push_bind(m.scan.date);
            });
            q.push(" ON CONFLICT (tracking_number) DO NOTHING");
            q.build().execute(&mut *conn).await?;
            let mut q = QueryBuilder::new(
                "INSERT INTO usps_events (case_id, tracking_number, event_code, event_name, event_date, event_time, facility_zip, facility_name, file_name) ",
            );
            q.push_values(part, |mut b, m| {
                b.push_bind(m.case_id)
                    .push_bind(m.scan.tracking_number.clone())
                    .push_bind(m.scan.event_code.clone())
                    .push_bind(m.scan.event_name.clone())
                    .push_bind(m.scan.date)
                    .push_bind(m.scan.time.clone())
                    .push_bind(m.scan.facility_zip.clone())
                    .push_bind(m.scan.facility_name.clone())
                    .push_bind(file_name.to_owned());
            });
            q.push(" ON CONFLICT (tracking_number, event_code, event_date, event_time, facility_zip) DO NOTHING");
            q.build().execute(&mut *conn).await?.rows_affected()
        });
    }
    tx.commit().await?;
    Ok(added)
}

/// Ingests one extract's text.
pub async fn ingest(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    file_name: &str,
    text: &str,
) -> Result<Report, DbError> {
    let mut report = Report { file_name: file_name.to_owned(), ..Report::default() };
    let mut scans: Vec<(usize, Scan)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        report.lines += 1;
        match parse_line(line) {
            Ok(Line::Scan(s)) => scans.push((i + 1, s)),
            Ok(Line::Other) => report.skipped += 1,
            Err(reason) => report.malformed.push((i + 1, reason)),
        }
    }
    let mut changes: Vec<events::Read> = Vec::new();
    for chunk in scans.chunks(CHUNK) {
        let matched = match_chunk(db, catalog, chunk, &mut report).await?;
        // Identical lines within one chunk count once.
        let mut seen = std::collections::HashSet::new();
        let unique: Vec<Matched<'_>> = matched
            .into_iter()
            .filter(|m| {
                seen.insert((
                    m.scan.tracking_number.clone(),
                    m.scan.event_code.clone(),
                    m.scan.date,
                    m.scan.time.clone(),
                    m.scan.facility_zip.clone(),
                ))
            })
            .collect();
        let added = store_chunk(db, file_name, &unique).await?;
        report.added += added;
        report.repeated += u64::try_from(unique.len()).unwrap_or(0) - added;
        for m in &unique {
            let status = match (Meaning::of(&m.scan.event_code), m.kind.as_str()) {
                (Meaning::Delivered, "card") => "CARD_DELIVERED",
                (Meaning::Delivered, _) => "DOCUMENT_DELIVERED",
                (Meaning::Returned, "card") => "CARD_RETURNED",
                (Meaning::Returned, _) => "DOCUMENT_RETURNED",
                _ => continue,
            };
            let raw = RawEvent {
                event_id: Some(format!(
                    "usps:{}:{}:{}:{}",
                    m.scan.tracking_number,
                    m.scan.event_code,
                    m.scan.date.format("%Y%m%d"),
                    m.scan.time
                )),
                receipt_number: Some(m.receipt.clone()),
                action_code: Some(status.to_owned()),
                date: Some(m.scan.date.format("%Y-%m-%d").to_string()),
                ..RawEvent::default()
            };
            changes.push((changes.len(), Ok(raw)));
        }
    }
    let outcome = events::apply(db, now, events::prepare(changes, catalog, now.date_naive())).await?;
    report.status_changes = outcome.applied;
    for r in outcome.rejected {
        tracing::warn!(event = ?r.event_id, reason = %r.reason, "USPS status change refused");
    }
    crate::with_db!(db, pool => {
        sqlx::query(
            "INSERT INTO usps_runs (file_name, started_at, lines, skipped, malformed, unmatched, added, status_changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(file_name)
        .bind(now)
        .bind(i64::try_from(report.lines).unwrap_or(i64::MAX))
        .bind(i64::try_from(report.skipped).unwrap_or(i64::MAX))
        .bind(i64::try_from(report.malformed.len()).unwrap_or(i64::MAX))
        .bind(i64::try_from(report.unmatched.len()).unwrap_or(i64::MAX))
        .bind(i64::try_from(report.added).unwrap_or(i64::MAX))
        .bind(i64::try_from(report.status_changes).unwrap_or(i64::MAX))
        .execute(pool)
        .await?;
    });
    Ok(report)
}

/// A scan as the status page shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Shown {
    /// Tracking number.
    pub tracking_number: String,
    /// Event code.
    pub event_code: String,
    /// USPS's event name.
    pub event_name: String,
    /// Day.
    pub event_date: chrono::NaiveDate,
    /// `HHMM`, local to the facility.
    pub event_time: String,
    /// Facility ZIP.
    pub facility_zip: String,
    /// Facility name.
    pub facility_name: String,
}

impl Shown {
    /// The customer's wording, by message id (`None`: show the event name).
    pub fn message_id(&self) -> Option<&'static str> {
        Meaning::of(&self.event_code).message_id()
    }

    /// `HH:MM`.
    pub fn time_display(&self) -> String {
        let (h, m) = self.event_time.split_at(self.event_time.len().min(2));
        format!("{h}:{m}")
    }
}

/// The scans of a case, newest first, without the ones customers are not shown.
pub async fn scans_of(db: &Db, case_id: i64) -> Result<Vec<Shown>, DbError> {
    let rows: Vec<Shown> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT tracking_number, event_code, event_name, event_date, event_time, facility_zip, facility_name FROM usps_events \
             WHERE case_id = $1 ORDER BY event_date DESC, event_time DESC, id DESC",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().filter(|s| Meaning::of(&s.event_code) != Meaning::NotShown).collect())
}

/// The inbox folders under the data folder.
pub fn inbox_dirs(data_dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let root = data_dir.join("usps");
    (root.join("inbox"), root.join("processed"), root.join("failed"))
}

/// Ingests every file waiting in the inbox, moving each to `processed` with its report beside it
/// (or to `failed` when it cannot be read). Returns the reports.
pub async fn process_inbox(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    data_dir: &Path,
) -> Result<Vec<Report>, DbError> {
    let (inbox, processed, failed) = inbox_dirs(data_dir);
    for dir in [&inbox, &processed, &failed] {
        if let Err(e) = std::fs::create_dir_all(dir) {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot create the USPS inbox");
            return Ok(Vec::new());
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&inbox)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut reports = Vec::new();
    for path in files {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match std::fs::read(&path).map(|b| String::from_utf8_lossy(&b).into_owned()) {
            Ok(text) => {
                let report = ingest(db, catalog, now, &name, &text).await?;
                let _ = std::fs::write(processed.join(format!("{name}.report.txt")), report.to_text());
                let _ = std::fs::rename(&path, processed.join(&name));
                tracing::info!(file = %name, added = report.added, malformed = report.malformed.len(), "USPS extract ingested");
                reports.push(report);
            }
            Err(e) => {
                tracing::warn!(file = %name, error = %e, "USPS extract unreadable");
                let _ = std::fs::rename(&path, failed.join(&name));
            }
        }
    }
    Ok(reports)
}
