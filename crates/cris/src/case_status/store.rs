//! The case tables, as status lookups read them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;

use super::model::{Facts, Mailed};
use crate::kernel::db::{Db, DbError, Tx, push_in};

/// A case row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    /// Id.
    pub id: i64,
    /// Receipt number.
    pub receipt_number: String,
    /// Form.
    pub form_code: String,
    /// Office.
    pub office_code: String,
    /// Current status.
    pub status_code: String,
    /// Received.
    pub received_on: NaiveDate,
    /// Current status since.
    pub status_on: NaiveDate,
    /// Not to be disclosed.
    pub restricted: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

pub use super::model::HistoryRow;

/// A case row with its stored report.
#[derive(sqlx::FromRow)]
struct CaseWithReport {
    #[sqlx(flatten)]
    case: CaseRow,
    report: Option<String>,
}

/// A case row joined with one of its history entries (none when it has no history).
#[derive(sqlx::FromRow)]
struct CaseWithStep {
    #[sqlx(flatten)]
    case: CaseRow,
    has_mail: bool,
    h_status_code: Option<String>,
    h_occurred_on: Option<NaiveDate>,
    title_en: Option<String>,
    desc_en: Option<String>,
    title_es: Option<String>,
    desc_es: Option<String>,
}

/// What a lookup found beside the case row.
#[derive(Debug)]
pub enum Found {
    /// The stored report: everything in one read.
    Report(Facts),
    /// A case whose report is not built (stored before reports were kept): its history (oldest
    /// first) and mailed items from the tables; the scans are still to be asked for.
    Tables(Vec<HistoryRow>, Vec<Mailed>),
}

/// A case by receipt number, with what its lookup shows: one read of one row when its report is
/// stored (every case written since migration 0030); else the tables, as before: one query for
/// the case and its history, a second only for a case with mailed items.
pub async fn case(db: &Db, receipt: &str) -> Result<Option<(CaseRow, Found)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let row: Option<CaseWithReport> = sqlx::query_as(
            "SELECT id, receipt_number, form_code, office_code, status_code, received_on, status_on, restricted, updated_at, report \
             FROM cases WHERE receipt_number = $1",
        )
        .bind(receipt)
        .fetch_optional(pool)
        .await?;
        let facts = row.as_ref().and_then(|r| r.report.as_deref()).and_then(Facts::decode);
        match (row, facts) {
            (None, _) => None,
            (Some(CaseWithReport { case, .. }), Some(facts)) => Some((case, Found::Report(facts))),
            (Some(_), None) => {
                let rows: Vec<CaseWithStep> = sqlx::query_as(
                    "SELECT c.id, c.receipt_number, c.form_code, c.office_code, c.status_code, c.received_on, c.status_on, c.restricted, c.updated_at, \
                     EXISTS (SELECT 1 FROM mail_items m WHERE m.case_id = c.id) AS has_mail, \
                     h.status_code AS h_status_code, h.occurred_on AS h_occurred_on, h.title_en, h.desc_en, h.title_es, h.desc_es \
                     FROM cases c LEFT JOIN case_history h ON h.case_id = c.id WHERE c.receipt_number = $1 ORDER BY h.occurred_on, h.seq",
                )
                .bind(receipt)
                .fetch_all(pool)
                .await?;
                let has_mail = rows.first().is_some_and(|r| r.has_mail);
                let mut case = None;
                let mut history = Vec::with_capacity(rows.len());
                for r in rows {
                    if let (Some(status_code), Some(occurred_on)) = (r.h_status_code, r.h_occurred_on) {
                        history.push(HistoryRow { status_code, occurred_on, title_en: r.title_en, desc_en: r.desc_en, title_es: r.title_es, desc_es: r.desc_es });
                    }
                    case.get_or_insert(r.case);
                }
                match case {
                    None => None,
                    Some(row) => {
                        let mailed: Vec<Mailed> = if has_mail {
                            sqlx::query_as("SELECT tracking_number, kind, mailed_on FROM mail_items WHERE case_id = $1 ORDER BY mailed_on")
                                .bind(row.id)
                                .fetch_all(pool)
                                .await?
                        } else {
                            Vec::new()
                        };
                        Some((row, Found::Tables(history, mailed)))
                    }
                }
            }
        }
    }))
}

/// The history (oldest first) and mailed items of each of these cases, for their reports.
pub async fn facts_of_many(tx: &mut Tx, case_ids: &[i64]) -> Result<HashMap<i64, Facts>, DbError> {
    #[derive(sqlx::FromRow)]
    struct Step {
        case_id: i64,
        #[sqlx(flatten)]
        row: HistoryRow,
    }
    #[derive(sqlx::FromRow)]
    struct Item {
        case_id: i64,
        #[sqlx(flatten)]
        item: Mailed,
    }
    let mut by_case: HashMap<i64, Facts> = HashMap::with_capacity(case_ids.len());
    for part in case_ids.chunks(5_000) {
        crate::with_tx!(tx, conn => {
            let mut q = QueryBuilder::new(
                "SELECT case_id, status_code, occurred_on, title_en, desc_en, title_es, desc_es FROM case_history WHERE 1 = 1",
            );
            push_in(&mut q, "case_id", part);
            q.push(" ORDER BY case_id, occurred_on, seq");
            let steps: Vec<Step> = q.build_query_as().fetch_all(&mut *conn).await?;
            for s in steps {
                by_case.entry(s.case_id).or_default().history.push(s.row);
            }
            let mut q = QueryBuilder::new("SELECT case_id, tracking_number, kind, mailed_on FROM mail_items WHERE 1 = 1");
            push_in(&mut q, "case_id", part);
            q.push(" ORDER BY case_id, mailed_on");
            let items: Vec<Item> = q.build_query_as().fetch_all(&mut *conn).await?;
            for i in items {
                by_case.entry(i.case_id).or_default().mailed.push(i.item);
            }
        });
    }
    Ok(by_case)
}

/// Stores the reports of cases (id, encoded `Facts`).
pub async fn set_reports(tx: &mut Tx, reports: &[(i64, String)]) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        for part in reports.chunks(5_000) {
            let mut q = QueryBuilder::new("WITH v (id, report) AS (");
            q.push_values(part, |mut b, (id, report)| {
                b.push_bind(*id).push_bind(report.clone());
            });
            q.push(") UPDATE cases SET report = v.report FROM v WHERE cases.id = v.id");
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    })
}

/// The id and current status date of a case.
pub async fn find(tx: &mut Tx, receipt: &str) -> Result<Option<(i64, NaiveDate)>, DbError> {
    crate::with_tx!(tx, conn => {
        let row = sqlx::query_as("SELECT id, status_on FROM cases WHERE receipt_number = $1").bind(receipt).fetch_optional(&mut *conn).await?;
        Ok(row)
    })
}

/// Creates a case from its first event.
#[expect(clippy::too_many_arguments, reason = "the columns of one row")]
pub async fn create(
    tx: &mut Tx,
    receipt: &str,
    form: &str,
    office: &str,
    status: &str,
    on: NaiveDate,
    mailing_zip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    crate::with_tx!(tx, conn => {
        let id = sqlx::query_scalar(
            "INSERT INTO cases (receipt_number, form_code, office_code, status_code, received_on, status_on, mailing_zip, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING id",
        )
        .bind(receipt)
        .bind(form)
        .bind(office)
        .bind(status)
        .bind(on)
        .bind(mailing_zip)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        Ok(id)
    })
}

/// Records an event id; false when it was applied before.
pub async fn claim_event(tx: &mut Tx, event_id: &str, case_id: i64, now: DateTime<Utc>) -> Result<bool, DbError> {
    crate::with_tx!(tx, conn => {
        let done = sqlx::query("INSERT INTO case_events (event_id, case_id, applied_at) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING")
            .bind(event_id)
            .bind(case_id)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        Ok(done == 1)
    })
}

/// Whether an event id was applied before.
pub async fn event_seen(tx: &mut Tx, event_id: &str) -> Result<bool, DbError> {
    crate::with_tx!(tx, conn => {
        let seen: Option<i32> = sqlx::query_scalar("SELECT 1 FROM case_events WHERE event_id = $1").bind(event_id).fetch_optional(&mut *conn).await?;
        Ok(seen.is_some())
    })
}

/// Appends a history entry and, when it is the newest, makes it the current status.
pub async fn add_status(
    tx: &mut Tx,
    case_id: i64,
    h: &HistoryRow,
    current_on: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO case_history (case_id, seq, status_code, occurred_on, title_en, desc_en, title_es, desc_es) \
             VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_history WHERE case_id = $1), $2, $3, $4, $5, $6, $7)",
        )
        .bind(case_id)
        .bind(&h.status_code)
        .bind(h.occurred_on)
        .bind(&h.title_en)
        .bind(&h.desc_en)
        .bind(&h.title_es)
        .bind(&h.desc_es)
        .execute(&mut *conn)
        .await?;
        // An older event arriving late joins the history without replacing a newer status.
        let newest = h.occurred_on >= current_on;
        if newest {
            sqlx::query("UPDATE cases SET status_code = $1, status_on = $2, updated_at = $3 WHERE id = $4")
                .bind(&h.status_code)
                .bind(h.occurred_on)
                .bind(now)
                .bind(case_id)
                .execute(&mut *conn)
                .await?;
        }
        Ok(newest)
    })
}

// ---------------------------------------------------------------- batches
//
// The batch path of `events::apply`: a few statements for a whole chunk of events instead of
// several for each one. Lists are at most a chunk long, well inside SQLite's bound-value limit.

/// Which of these event ids were applied before.
pub async fn seen_events(tx: &mut Tx, ids: &[String]) -> Result<HashSet<String>, DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new("SELECT event_id FROM case_events WHERE 1 = 1");
        push_in(&mut q, "event_id", ids);
        let rows: Vec<String> = q.build_query_scalar().fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().collect())
    })
}

/// The id and current status date of each of these receipt numbers that is known.
pub async fn find_many(tx: &mut Tx, receipts: &[String]) -> Result<HashMap<String, (i64, NaiveDate)>, DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new("SELECT receipt_number, id, status_on FROM cases WHERE 1 = 1");
        push_in(&mut q, "receipt_number", receipts);
        let rows: Vec<(String, i64, NaiveDate)> = q.build_query_as().fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().map(|(r, id, on)| (r, (id, on))).collect())
    })
}

/// The last history sequence number of each of these cases that has history.
pub async fn last_seqs(tx: &mut Tx, case_ids: &[i64]) -> Result<HashMap<i64, i64>, DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new("SELECT case_id, CAST(MAX(seq) AS BIGINT) FROM case_history WHERE 1 = 1");
        push_in(&mut q, "case_id", case_ids);
        q.push(" GROUP BY case_id");
        let rows: Vec<(i64, i64)> = q.build_query_as().fetch_all(&mut *conn).await?;
        Ok(rows.into_iter().collect())
    })
}

/// A history entry of a batch: the case, its sequence number and the entry.
pub type NewHistory<'a> = (i64, i64, &'a HistoryRow);

/// Records event ids, appends history entries and sets the current status of cases (code and
/// date by case id), all at once.
pub async fn apply_batch(
    tx: &mut Tx,
    claimed: &[(&str, i64)],
    history: &[NewHistory<'_>],
    current: &[(i64, &str, NaiveDate)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        for part in claimed.chunks(5_000) {
            let mut q = QueryBuilder::new("INSERT INTO case_events (event_id, case_id, applied_at) ");
            q.push_values(part, |mut b, (id, case_id)| {
                b.push_bind((*id).to_owned()).push_bind(*case_id).push_bind(now);
            });
            q.build().execute(&mut *conn).await?;
        }
        for part in history.chunks(3_000) {
            let mut q = QueryBuilder::new(
                "INSERT INTO case_history (case_id, seq, status_code, occurred_on, title_en, desc_en, title_es, desc_es) ",
            );
            q.push_values(part, |mut b, (case_id, seq, h)| {
                b.push_bind(*case_id)
                    .push_bind(*seq)
                    .push_bind(h.status_code.clone())
                    .push_bind(h.occurred_on)
                    .push_bind(h.title_en.clone())
                    .push_bind(h.desc_en.clone())
                    .push_bind(h.title_es.clone())
                    .push_bind(h.desc_es.clone());
            });
            q.build().execute(&mut *conn).await?;
        }
        // One UPDATE … FROM a list of values (both engines read the column names of the WITH).
        for part in current.chunks(5_000) {
            let mut q = QueryBuilder::new("WITH v (id, status_code, status_on) AS (");
            q.push_values(part, |mut b, (id, code, on)| {
                b.push_bind(*id).push_bind((*code).to_owned()).push_bind(*on);
            });
            q.push(") UPDATE cases SET status_code = v.status_code, status_on = v.status_on, updated_at = ")
                .push_bind(now)
                .push(" FROM v WHERE cases.id = v.id");
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    })
}

/// Keeps the cases' address history but drops its links to address changes about to be purged.
pub async fn forget_address_changes(tx: &mut Tx, change_ids: &[i64]) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new("UPDATE case_addresses SET change_id = NULL WHERE 1 = 1");
        push_in(&mut q, "change_id", change_ids);
        Ok(q.build().execute(&mut *conn).await?.rows_affected())
    })
}

/// The form of each of these cases that exists: (receipt number, form code).
pub async fn forms_of(db: &Db, receipts: &[String]) -> Result<Vec<(String, String)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new("SELECT receipt_number, form_code FROM cases WHERE 1 = 1");
        crate::kernel::db::push_in(&mut q, "receipt_number", receipts);
        q.push(" ORDER BY receipt_number");
        q.build_query_as().fetch_all(pool).await?
    }))
}

/// Up to `limit` receipt numbers of cases of these forms, in receipt order.
pub async fn receipts_of_forms(db: &Db, forms: &[&str], limit: i64) -> Result<Vec<String>, DbError> {
    let forms: Vec<String> = forms.iter().map(|f| (*f).to_owned()).collect();
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new("SELECT receipt_number FROM cases WHERE 1 = 1");
        crate::kernel::db::push_in(&mut q, "form_code", &forms);
        q.push(" ORDER BY receipt_number LIMIT ");
        q.push_bind(limit);
        q.build_query_scalar().fetch_all(pool).await?
    }))
}
