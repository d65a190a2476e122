//! The lookup: one case, its history and mailed items, worded from the status catalogue in the
//! language asked. Cases that must not be disclosed are answered exactly like unknown ones.

use chrono::NaiveDate;

use std::sync::Arc;

use super::cache::{Cached, Lookup, ReportCache};
use super::model::{Facts, Parts, Report};
use super::store;
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::ids::ReceiptNumber;
use crate::reference::Catalog;

/// A case's row and history (oldest first), restricted or not: for staff pages, whose own access
/// check comes first.
pub async fn case_with_history(
    db: &Db,
    receipt: &str,
) -> Result<Option<(store::CaseRow, Vec<store::HistoryRow>)>, DbError> {
    Ok(store::case(db, receipt).await?.map(|(case, found)| match found {
        store::Found::Report(facts) => (case, facts.history),
        store::Found::Tables(history, _) => (case, history),
    }))
}

/// Rewrites the stored reports of these cases from their tables, inside the transaction that
/// changed them (status events, mailed items, USPS scans): the one read a lookup makes then
/// shows what was committed with it.
///
/// The cases are locked first (in id order; PostgreSQL, as SQLite has one writer at a time),
/// and their facts read after: two transactions that change one case's facts side by side (a
/// USPS chunk's scans, a status change) rewrite its report in turn, the second reading what
/// the first committed, so neither can put back a report that misses the other's change.
pub async fn refresh_reports(tx: &mut Tx, case_ids: &[i64]) -> Result<(), DbError> {
    let mut ids = case_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    store::lock(tx, &ids).await?;
    let mut facts = store::facts_of_many(tx, &ids).await?;
    let mut scans = super::scans::store::scans_of_many(tx, &ids).await?;
    let reports: Vec<(i64, String)> = ids
        .iter()
        .map(|id| {
            let mut f = facts.remove(id).unwrap_or_default();
            f.scans = scans.remove(id).unwrap_or_default();
            (*id, f.encode())
        })
        .collect();
    store::set_reports(tx, &reports).await
}

/// The status report of a receipt number; `None` when unknown or not to be disclosed. Links in
/// the built-in descriptions start with `public_url`, the installation's public address.
pub async fn lookup(
    db: &Db,
    catalog: &Arc<Catalog>,
    public_url: &str,
    receipt: &ReceiptNumber,
) -> Result<Option<Report>, DbError> {
    lookup_with(db, catalog, public_url, receipt, None).await
}

/// The lookup for the public page: read now (not from the report cache, so a visitor sees a
/// change at once), with the posted processing times from the cache's copy in memory.
pub async fn lookup_now(
    db: &Db,
    catalog: &Arc<Catalog>,
    cache: &ReportCache,
    public_url: &str,
    receipt: &ReceiptNumber,
) -> Result<Option<Report>, DbError> {
    lookup_with(db, catalog, public_url, receipt, Some(cache)).await
}

/// The lookup, with the processing times from the cache's copy when there is one: with it, a
/// case whose report is stored costs one read of one row (issue 18). Nothing is worded here:
/// the report words itself in the language a page or wire format asks for.
async fn lookup_with(
    db: &Db,
    catalog: &Arc<Catalog>,
    public_url: &str,
    receipt: &ReceiptNumber,
    cache: Option<&ReportCache>,
) -> Result<Option<Report>, DbError> {
    let Some((case, found)) = store::case(db, receipt.as_str()).await? else { return Ok(None) };
    if case.restricted {
        return Ok(None);
    }
    let Some(form) = catalog.form(&case.form_code) else {
        tracing::warn!(form = %case.form_code, "case with a form missing from the catalogue");
        return Ok(None);
    };
    let facts = match found {
        store::Found::Report(facts) => facts,
        store::Found::Tables(history, mailed) => {
            let scans = if mailed.is_empty() { Vec::new() } else { super::scans::store::scans_of(db, case.id).await? };
            Facts { history, mailed, scans }
        }
    };
    let processing = match cache {
        Some(cache) => cache.posted(db, &form.code, &case.office_code).await?,
        None => crate::processing_times::at_office(db, &form.code, &case.office_code)
            .await?
            .into_iter()
            .next()
            .map(Arc::new),
    };
    Ok(Some(Report::new(
        catalog.clone(),
        public_url,
        Parts {
            case_id: case.id,
            receipt: case.receipt_number,
            form: case.form_code,
            office_code: case.office_code,
            received_on: case.received_on,
            status_on: case.status_on,
            status_code: case.status_code,
            facts,
            processing,
            electronic: receipt.is_electronic(),
        },
    )))
}

/// The report of a receipt number through the short-lived cache of the machine interfaces. A
/// stale entry is answered at once and refreshed in the background.
pub async fn lookup_cached(
    db: &Db,
    catalog: &Arc<Catalog>,
    cache: &Arc<ReportCache>,
    public_url: &str,
    receipt: &ReceiptNumber,
) -> Result<Option<Arc<Cached>>, DbError> {
    // The cache lives in real time (seconds), not in the time of the rules.
    let now = crate::kernel::clock::monotonic();
    match cache.get(receipt.as_str(), now) {
        Lookup::Fresh(hit) => Ok(hit),
        Lookup::Stale(hit) => {
            let (db, catalog, cache, receipt) = (db.clone(), catalog.clone(), cache.clone(), receipt.clone());
            let public_url = public_url.to_owned();
            tokio::spawn(async move {
                match lookup_with(&db, &catalog, &public_url, &receipt, Some(&cache)).await {
                    Ok(report) => cache.put(
                        receipt.as_str(),
                        report.map(|r| Arc::new(Cached::new(r))),
                        crate::kernel::clock::monotonic(),
                    ),
                    Err(e) => tracing::warn!(error = %e, "refreshing a cached report failed"),
                }
            });
            Ok(hit)
        }
        Lookup::Missing => {
            let report =
                lookup_with(db, catalog, public_url, receipt, Some(cache)).await?.map(|r| Arc::new(Cached::new(r)));
            cache.put(receipt.as_str(), report.clone(), now);
            Ok(report)
        }
    }
}

/// Before the retention engine deletes address changes: the cases' address history stays, no
/// longer pointing at them.
pub async fn forget_address_changes(tx: &mut crate::kernel::db::Tx, change_ids: &[i64]) -> Result<u64, DbError> {
    store::forget_address_changes(tx, change_ids).await
}

// ---------------------------------------------------------------- the case service
//
// What other capabilities may ask of the case tables (`docs/ARCHITECTURE.md`, "Who owns each
// table"): look a case up, check facts someone claims without disclosing them, move the mailing
// address, lock a case while a rule about it is decided, and the bulk writes of the demo loader.
// Their SQL is in `store`; nothing else names these tables.

pub use store::{AddressRow, BulkCase, BulkConn, BulkStep, CaseFacts, NewMail};

/// A case by receipt number, restricted or not: callers that show anything check
/// `restricted` (an undisclosed case answers like an unknown one).
pub async fn find(db: &Db, receipt: &ReceiptNumber) -> Result<Option<CaseFacts>, DbError> {
    store::facts(db, receipt.as_str()).await
}

/// [`find`] inside a transaction.
pub async fn find_in(tx: &mut Tx, receipt: &ReceiptNumber) -> Result<Option<CaseFacts>, DbError> {
    store::facts_in(tx, receipt.as_str()).await
}

/// The id of the case with this receipt number as typed (a search key that may be one).
pub async fn id_of(db: &Db, receipt: &str) -> Result<Option<i64>, DbError> {
    Ok(store::facts(db, receipt).await?.map(|c| c.id))
}

/// What someone says about their case, to be checked against the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct Claim<'a> {
    /// The mailing ZIP code on file (its first five digits).
    pub zip: Option<&'a str>,
    /// The form (any case of letters).
    pub form: Option<&'a str>,
    /// The day it was received.
    pub received_on: Option<NaiveDate>,
}

impl Claim<'_> {
    /// Whether the case is on file as claimed. A case with no mailing ZIP code on file cannot be
    /// checked against one, so it fails a claim that names one (issue 16).
    fn holds(&self, case: &CaseFacts) -> bool {
        let zip = self.zip.is_none_or(|z| case.mailing_zip.as_deref().and_then(|m| m.get(..5)) == Some(z));
        let form = self.form.is_none_or(|f| case.form_code.eq_ignore_ascii_case(f));
        let received = self.received_on.is_none_or(|d| case.received_on == d);
        zip && form && received
    }
}

/// The case, when it is on file as claimed and may be disclosed; `None` otherwise, without
/// saying which fact failed (a wrong ZIP code and an unknown receipt number answer alike).
pub async fn check(db: &Db, receipt: &ReceiptNumber, claim: &Claim<'_>) -> Result<Option<CaseFacts>, DbError> {
    Ok(find(db, receipt).await?.filter(|c| !c.restricted && claim.holds(c)))
}

/// [`check`] inside a transaction.
pub async fn check_in(tx: &mut Tx, receipt: &ReceiptNumber, claim: &Claim<'_>) -> Result<Option<CaseFacts>, DbError> {
    Ok(find_in(tx, receipt).await?.filter(|c| !c.restricted && claim.holds(c)))
}

/// These cases (by id), in id order.
pub async fn by_ids(db: &Db, ids: &[i64]) -> Result<Vec<CaseFacts>, DbError> {
    store::facts_by_ids(db, ids).await
}

/// These receipt numbers' cases, those that are known.
pub async fn by_receipts(db: &Db, receipts: &[String]) -> Result<Vec<CaseFacts>, DbError> {
    store::facts_by_receipts(db, receipts).await
}

/// The first `limit` disclosable cases an office holds (the demo's service requests).
pub async fn at_office(db: &Db, office: &str, limit: i64) -> Result<Vec<CaseFacts>, DbError> {
    store::facts_at_office(db, office, limit).await
}

/// Whether any case is stored (the demo loader fills only an empty database).
pub async fn any(db: &Db) -> Result<bool, DbError> {
    store::any(db).await
}

/// Holds these cases' rows until commit (in id order, so that two writers never wait on each
/// other in a circle): a rule decided about a case (one open request an issue) holds under
/// concurrency.
pub async fn lock(tx: &mut Tx, case_ids: &[i64]) -> Result<(), DbError> {
    let mut ids = case_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    store::lock(tx, &ids).await
}

/// Moves cases to a new mailing address (R-CA-02): each case's address history gains the new
/// address, after the previous one when its history is empty, and its mailing ZIP code changes.
pub async fn move_mailing_address(
    tx: &mut Tx,
    case_ids: &[i64],
    previous: &crate::kernel::address::UsAddress,
    new: &crate::kernel::address::UsAddress,
    change_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbError> {
    let row = |a: &crate::kernel::address::UsAddress, change_id| AddressRow {
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        zip: a.zip.as_str().to_owned(),
        since: now,
        change_id,
    };
    lock(tx, case_ids).await?;
    for &case_id in case_ids {
        let last = store::last_address_seq(tx, case_id).await?;
        // A case's first change also records where it was, so its history starts there.
        let mut seq = last.unwrap_or(0);
        if last.is_none() {
            seq += 1;
            store::insert_address(tx, case_id, seq, &row(previous, None)).await?;
        }
        store::insert_address(tx, case_id, seq + 1, &row(new, Some(change_id))).await?;
    }
    store::set_mailing_zip(tx, case_ids, new.zip.five(), now).await
}

/// A case's mailing addresses, newest first.
pub async fn addresses(db: &Db, case_id: i64) -> Result<Vec<AddressRow>, DbError> {
    store::addresses(db, case_id).await
}

/// Decisions (approved, denied) made between two days, inclusive: (form, office, received,
/// decided), for the suggested processing times.
pub async fn decisions_between(
    db: &Db,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<(String, String, NaiveDate, NaiveDate)>, DbError> {
    store::decisions_between(db, since, until).await
}

/// The mailed items with these tracking numbers: (tracking number, case id, kind, receipt).
pub async fn mail_owners(db: &Db, trackings: &[String]) -> Result<Vec<(String, i64, String, String)>, DbError> {
    store::mail_owners(db, trackings).await
}

/// Adds mailed items (a tracking number already on file stays as it is). The caller refreshes
/// the cases' reports in the same transaction.
pub async fn add_mail(tx: &mut Tx, items: &[NewMail<'_>]) -> Result<(), DbError> {
    store::add_mail(tx, items).await
}

/// Which of these cases still exist, held against deletion until commit (PostgreSQL; SQLite's
/// foreign keys do it there).
pub async fn present(tx: &mut Tx, case_ids: &[i64]) -> Result<std::collections::HashSet<i64>, DbError> {
    store::present(tx, case_ids).await
}

/// The demo loader's bulk write of cases, history and mail on its own connection.
pub async fn insert_bulk(
    conn: BulkConn<'_>,
    cases: &[BulkCase<'_>],
    history: &[BulkStep<'_>],
    mail: &[NewMail<'_>],
) -> Result<(), DbError> {
    store::insert_bulk(conn, cases, history, mail).await
}

/// [`insert_bulk`] on the loader's own connection to a SQLite file, on the calling thread, inside
/// the caller's transaction (see `store::insert_bulk_here`).
pub fn insert_bulk_here(
    conn: &rusqlite::Connection,
    cases: &[BulkCase<'_>],
    history: &[BulkStep<'_>],
    mail: &[NewMail<'_>],
) -> rusqlite::Result<()> {
    store::insert_bulk_here(conn, cases, history, mail)
}

/// The id the next bulk-loaded case takes.
pub async fn next_id(db: &Db) -> Result<i64, DbError> {
    store::next_id(db).await
}

/// After a bulk load with explicit ids.
pub async fn after_bulk(db: &Db) -> Result<(), DbError> {
    store::after_bulk(db).await
}

/// The form of each of these cases CRIS holds: (receipt number, form code). International
/// sharing derives a person's protected class from them (R-IS-04).
pub async fn forms_of(db: &Db, receipts: &[String]) -> Result<Vec<(String, String)>, DbError> {
    store::forms_of(db, receipts).await
}

/// Up to `limit` receipt numbers of cases of these forms (the sharing demo links its persons to
/// them).
pub async fn receipts_of_forms(db: &Db, forms: &[&str], limit: i64) -> Result<Vec<String>, DbError> {
    store::receipts_of_forms(db, forms, limit).await
}

/// Builds the stored report of every case that has none: cases written before reports were kept
/// (migration 0030), whose lookups read the tables until then. Run by `cris migrate`; batches of
/// 1,000 cases, each in its own transaction, so that the server keeps answering beside it.
/// Returns how many were built.
pub async fn backfill_reports(db: &Db, progress: &crate::kernel::progress::Progress) -> Result<u64, DbError> {
    const BATCH: i64 = 1_000;
    progress.set_total(u64::try_from(store::count_without_report(db).await?).unwrap_or(0));
    let (mut after, mut built) = (0, 0u64);
    loop {
        let ids = store::without_report(db, after, BATCH).await?;
        let Some(&last) = ids.last() else { break };
        let mut tx = db.begin().await?;
        refresh_reports(&mut tx, &ids).await?;
        tx.commit().await?;
        let n = ids.len() as u64;
        built += n;
        progress.inc(n);
        after = last;
    }
    progress.finish();
    Ok(built)
}
