//! Ingesting an extract: parse every line (malformed ones are set aside with their line numbers),
//! match scans to cases, store new scans (a file ingested twice adds nothing), move the status of
//! cases whose card or document was delivered or returned, and write a report.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::model::{Line, Meaning, Scan, parse_line};
use crate::case_status::events::{self, RawEvent};
use crate::case_status::scans::service::NewScan;
use crate::kernel::db::{Db, DbError, Engine};
use crate::kernel::ids::ReceiptNumber;
use crate::kernel::progress::Progress;
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

/// What a tracking number belongs to: the case id, the kind of item, the receipt number, and
/// whether the item is new (first seen on a scan, to be added to the case's mailed items).
#[derive(Debug, Clone)]
struct Owner {
    case_id: i64,
    kind: String,
    receipt: String,
    new: bool,
}

struct Matched {
    scan: Scan,
    owner: Owner,
}

/// Matches a chunk's scans to cases: by a tracking number already on a case (or met earlier in
/// this file, in `known`, as the writer may not have stored it yet), else by the customer
/// reference. Only what `known` lacks is looked up. Identical lines within the chunk count once.
async fn match_chunk(
    db: &Db,
    catalog: &Catalog,
    chunk: Vec<(usize, Scan)>,
    known: &mut HashMap<String, Owner>,
    report: &mut Report,
) -> Result<Vec<Matched>, DbError> {
    let mut trackings: Vec<String> =
        chunk.iter().map(|(_, s)| &s.tracking_number).filter(|t| !known.contains_key(*t)).cloned().collect();
    trackings.sort_unstable();
    trackings.dedup();
    let items = crate::case_status::service::mail_owners(db, &trackings).await?;
    known
        .extend(items.into_iter().map(|(t, case_id, kind, receipt)| (t, Owner { case_id, kind, receipt, new: false })));
    let mut receipts: Vec<String> = chunk
        .iter()
        .filter(|(_, s)| !known.contains_key(&s.tracking_number))
        .filter_map(|(_, s)| s.customer_reference.parse::<ReceiptNumber>().ok())
        .map(|r| r.to_string())
        .collect();
    receipts.sort_unstable();
    receipts.dedup();
    let cases = crate::case_status::service::by_receipts(db, &receipts).await?;
    let by_receipt: HashMap<&str, (i64, &str)> =
        cases.iter().map(|c| (c.receipt_number.as_str(), (c.id, c.form_code.as_str()))).collect();
    // Identical lines (same item, event, day, time and place) count once; decided on borrowed
    // keys before the scans are moved out of the chunk.
    let mut seen = std::collections::HashSet::new();
    let first: Vec<bool> = chunk
        .iter()
        .map(|(_, s)| {
            seen.insert((
                s.tracking_number.as_str(),
                s.event_code.as_str(),
                s.date,
                s.time.as_str(),
                s.facility_zip.as_str(),
            ))
        })
        .collect();
    drop(seen);
    let mut matched = Vec::with_capacity(chunk.len());
    for ((line, scan), first) in chunk.into_iter().zip(first) {
        if !first {
            report.repeated += 1;
            continue;
        }
        let owner = known.get(&scan.tracking_number).cloned().or_else(|| {
            let receipt = scan.customer_reference.parse::<ReceiptNumber>().ok()?.to_string();
            let (case_id, form) = by_receipt.get(receipt.as_str())?;
            let kind = match catalog.form(form).map(|f| f.produces) {
                Some(Produces::Card) => "card",
                _ => "document",
            };
            let owner = Owner { case_id: *case_id, kind: kind.to_owned(), receipt, new: true };
            // Later scans of the item in this file find it here, and do not add it again.
            known.insert(scan.tracking_number.clone(), Owner { new: false, ..owner.clone() });
            Some(owner)
        });
        match owner {
            Some(owner) => matched.push(Matched { scan, owner }),
            None => report.unmatched.push((line, scan.tracking_number, scan.customer_reference)),
        }
    }
    Ok(matched)
}

async fn store_chunk(db: &Db, file_name: &str, matched: &[Matched]) -> Result<u64, DbError> {
    if matched.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    // A tracking number first seen on a scan joins the case's mailed items.
    let new_items: Vec<crate::case_status::service::NewMail<'_>> = matched
        .iter()
        .filter(|m| m.owner.new)
        .map(|m| (m.scan.tracking_number.as_str(), m.owner.case_id, m.owner.kind.as_str(), m.scan.date))
        .collect();
    crate::case_status::service::add_mail(&mut tx, &new_items).await?;
    // On PostgreSQL, the check a foreign key would make on every row, once per case: the cases
    // are locked against deletion until commit, and scans of a case deleted since matching are
    // left out.
    let present = if tx.engine() == Engine::Postgres {
        let mut ids: Vec<i64> = matched.iter().map(|m| m.owner.case_id).collect();
        ids.sort_unstable();
        ids.dedup();
        Some(crate::case_status::service::present(&mut tx, &ids).await?)
    } else {
        None
    };
    let scans: Vec<NewScan<'_>> = matched
        .iter()
        .filter(|m| present.as_ref().is_none_or(|p| p.contains(&m.owner.case_id)))
        .map(|m| NewScan {
            case_id: m.owner.case_id,
            tracking_number: &m.scan.tracking_number,
            event_code: &m.scan.event_code,
            event_name: &m.scan.event_name,
            event_date: m.scan.date,
            event_time: &m.scan.time,
            facility_zip: &m.scan.facility_zip,
            facility_name: &m.scan.facility_name,
        })
        .collect();
    let added = crate::case_status::scans::service::add(&mut tx, file_name, &scans).await?;
    // The cases' reports show their mailed items and scans: rewritten with them.
    let case_ids: Vec<i64> = matched.iter().map(|m| m.owner.case_id).collect();
    crate::case_status::service::refresh_reports(&mut tx, &case_ids).await?;
    tx.commit().await?;
    Ok(added)
}

/// The case status change a delivery or return scan makes, as an event (its id derived from the
/// scan, so a repeated scan changes nothing).
fn status_change(m: &Matched) -> Option<RawEvent> {
    let status = match (Meaning::of(&m.scan.event_code), m.owner.kind.as_str()) {
        (Meaning::Delivered, "card") => "CARD_DELIVERED",
        (Meaning::Delivered, _) => "DOCUMENT_DELIVERED",
        (Meaning::Returned, "card") => "CARD_RETURNED",
        (Meaning::Returned, _) => "DOCUMENT_RETURNED",
        _ => return None,
    };
    Some(RawEvent {
        event_id: Some(format!(
            "usps:{}:{}:{}:{}",
            m.scan.tracking_number,
            m.scan.event_code,
            m.scan.date.format("%Y%m%d"),
            m.scan.time
        )),
        receipt_number: Some(m.owner.receipt.clone()),
        action_code: Some(status.to_owned()),
        date: Some(m.scan.date.format("%Y-%m-%d").to_string()),
        ..RawEvent::default()
    })
}

/// Ingests one extract's text.
///
/// Stages run side by side: this task parses and matches a chunk while a writer task stores the
/// one before it (on SQLite the matching reads another connection's snapshot, which WAL allows
/// beside the writer). On PostgreSQL a third task applies the status changes of the chunks
/// matched so far, since they touch other rows; SQLite has one writer at a time, so there they
/// are applied once every scan is stored.
pub async fn ingest(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    file_name: &str,
    text: &str,
) -> Result<Report, DbError> {
    ingest_with(db, catalog, now, file_name, text, &Progress::hidden()).await
}

/// [`ingest`], counting the lines matched on `progress` (`cris ingest usps`).
pub async fn ingest_with(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    file_name: &str,
    text: &str,
    progress: &Progress,
) -> Result<Report, DbError> {
    if progress.is_shown() {
        progress.set_total(text.lines().count() as u64);
    }
    let mut report = Report { file_name: file_name.to_owned(), ..Report::default() };
    let started = crate::kernel::clock::Stopwatch::start();
    let (to_writer, mut chunks) = tokio::sync::mpsc::channel::<Vec<Matched>>(2);
    let writer = {
        let (db, file_name) = (db.clone(), file_name.to_owned());
        tokio::spawn(async move {
            let (mut stored, mut added) = (0u64, 0u64);
            while let Some(chunk) = chunks.recv().await {
                added += store_chunk(&db, &file_name, &chunk).await?;
                stored += u64::try_from(chunk.len()).unwrap_or(u64::MAX);
            }
            Ok::<_, DbError>((stored, added))
        })
    };
    let (to_applier, mut batches) = tokio::sync::mpsc::channel::<Vec<events::Checked>>(4);
    let applier = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut outcome = events::Outcome::default();
            while let Some(batch) = batches.recv().await {
                outcome.add(events::apply(&db, now, batch).await?);
            }
            Ok::<_, DbError>(outcome)
        })
    };
    let concurrent = db.engine() == Engine::Postgres;
    let today = now.date_naive();
    let mut known = HashMap::new();
    let mut changes: Vec<events::Read> = Vec::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut lines = text.lines().enumerate().peekable();
    let matching: Result<(), DbError> = async {
        while let Some((i, line)) = lines.next() {
            report.lines += 1;
            match parse_line(line) {
                Ok(Line::Scan(s)) => chunk.push((i + 1, s)),
                Ok(Line::Other) => report.skipped += 1,
                Err(reason) => report.malformed.push((i + 1, reason)),
            }
            if chunk.len() == CHUNK || (lines.peek().is_none() && !chunk.is_empty()) {
                let matched = match_chunk(db, catalog, std::mem::take(&mut chunk), &mut known, &mut report).await?;
                progress.set_done(report.lines as u64);
                for event in matched.iter().filter_map(status_change) {
                    changes.push((changes.len(), Ok(event)));
                }
                if to_writer.send(matched).await.is_err() {
                    break; // the writer stopped on an error, reported below
                }
                if concurrent
                    && to_applier.send(events::prepare(std::mem::take(&mut changes), catalog, today)).await.is_err()
                {
                    break; // likewise
                }
            }
        }
        Ok(())
    }
    .await;
    drop(to_writer);
    progress.note("storing and applying the status changes");
    let written = writer.await.map_err(|e| DbError::Url(format!("the USPS writer stopped: {e}")))?;
    let stored_in = started.elapsed().as_secs_f64();
    // What is left (everything on SQLite) is applied now that the scans are in.
    let left = to_applier.send(events::prepare(changes, catalog, today)).await;
    drop(to_applier);
    let applied = applier.await.map_err(|e| DbError::Url(format!("the USPS status changes stopped: {e}")))?;
    matching?;
    let (stored, added) = written?;
    let outcome = applied?;
    if left.is_err() {
        return Err(DbError::Url("the USPS status changes stopped early".into()));
    }
    report.added = added;
    report.repeated += stored - added;
    report.status_changes = outcome.applied;
    progress.finish();
    let seconds = started.elapsed().as_secs_f64();
    tracing::info!(file_name, stored, added, changes = outcome.applied, stored_in, seconds, "USPS extract ingested");
    for r in outcome.rejected {
        tracing::warn!(event = ?r.event_id, reason = %r.reason, "USPS status change refused");
    }
    super::store::record_run(db, now, &report).await?;
    Ok(report)
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
