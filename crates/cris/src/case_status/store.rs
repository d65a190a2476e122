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

/// A case by receipt number with its stored report.
const CASE_WITH_REPORT: &str = "SELECT id, receipt_number, form_code, office_code, status_code, received_on, status_on, restricted, updated_at, report \
     FROM cases WHERE receipt_number = $1";

/// [`CASE_WITH_REPORT`] on a reader of the SQLite file, the report decoded from the row's own
/// text (no copy of it).
fn case_here(conn: &rusqlite::Connection, receipt: &str) -> rusqlite::Result<Option<(CaseRow, Option<Facts>)>> {
    use rusqlite::OptionalExtension;
    conn.prepare_cached(CASE_WITH_REPORT)?
        .query_row([receipt], |r| {
            let case = CaseRow {
                id: r.get(0)?,
                receipt_number: r.get(1)?,
                form_code: r.get(2)?,
                office_code: r.get(3)?,
                status_code: r.get(4)?,
                received_on: r.get(5)?,
                status_on: r.get(6)?,
                restricted: r.get(7)?,
                updated_at: r.get(8)?,
            };
            Ok((case, r.get_ref(9)?.as_str_or_null()?.and_then(Facts::decode)))
        })
        .optional()
}

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
    // On a SQLite file, the one read runs on this thread (see `Readers`).
    let first = match db.read_here(|conn| case_here(conn, receipt)) {
        Some(read) => read?,
        None => crate::with_db!(db, pool => {
            let row: Option<CaseWithReport> = sqlx::query_as(CASE_WITH_REPORT).bind(receipt).fetch_optional(pool).await?;
            row.map(|r| {
                let facts = r.report.as_deref().and_then(Facts::decode);
                (r.case, facts)
            })
        }),
    };
    Ok(crate::with_db!(db, pool => {
        match first {
            None => None,
            Some((case, Some(facts))) => Some((case, Found::Report(facts))),
            Some((_, None)) => {
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

// ---------------------------------------------------------------- for other capabilities
//
// What the case service offers the rest of CRIS (change of address, portfolios, service
// requests, processing times, USPS, the demo loader): the only SQL on the case tables outside
// the lookups above.

/// A case's facts as other capabilities check them (never shown to the public as such).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseFacts {
    /// Id.
    pub id: i64,
    /// Receipt number.
    pub receipt_number: String,
    /// Form.
    pub form_code: String,
    /// Office holding it.
    pub office_code: String,
    /// Current status.
    pub status_code: String,
    /// Received.
    pub received_on: NaiveDate,
    /// Current status since.
    pub status_on: NaiveDate,
    /// The mailing ZIP code on file.
    pub mailing_zip: Option<String>,
    /// Not to be disclosed.
    pub restricted: bool,
}

macro_rules! facts_columns {
    () => {
        "SELECT id, receipt_number, form_code, office_code, status_code, received_on, status_on, mailing_zip, restricted FROM cases "
    };
}

/// A case's facts by receipt number.
pub async fn facts(db: &Db, receipt: &str) -> Result<Option<CaseFacts>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!(facts_columns!(), "WHERE receipt_number = $1")).bind(receipt).fetch_optional(pool).await?
    }))
}

/// A case's facts by receipt number, inside a transaction.
pub async fn facts_in(tx: &mut Tx, receipt: &str) -> Result<Option<CaseFacts>, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query_as(concat!(facts_columns!(), "WHERE receipt_number = $1")).bind(receipt).fetch_optional(&mut *conn).await?)
    })
}

/// The facts of these cases (by id), in id order.
pub async fn facts_by_ids(db: &Db, ids: &[i64]) -> Result<Vec<CaseFacts>, DbError> {
    let mut out = Vec::with_capacity(ids.len());
    for part in ids.chunks(5_000) {
        crate::with_db!(db, pool => {
            let mut q = QueryBuilder::new(concat!(facts_columns!(), "WHERE 1 = 1"));
            push_in(&mut q, "id", part);
            q.push(" ORDER BY id");
            out.extend(q.build_query_as::<CaseFacts>().fetch_all(pool).await?);
        });
    }
    Ok(out)
}

/// The facts of these receipt numbers that are known.
pub async fn facts_by_receipts(db: &Db, receipts: &[String]) -> Result<Vec<CaseFacts>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = QueryBuilder::new(concat!(facts_columns!(), "WHERE 1 = 1"));
        push_in(&mut q, "receipt_number", receipts);
        q.build_query_as().fetch_all(pool).await?
    }))
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

/// The first `limit` disclosable cases held by an office, by id.
pub async fn facts_at_office(db: &Db, office: &str, limit: i64) -> Result<Vec<CaseFacts>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!(facts_columns!(), "WHERE office_code = $1 AND restricted = FALSE ORDER BY id LIMIT $2"))
            .bind(office)
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

/// Whether any case is stored.
pub async fn any(db: &Db) -> Result<bool, DbError> {
    let n: i64 = crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM (SELECT 1 FROM cases LIMIT 1) AS any_case").fetch_one(pool).await?
    });
    Ok(n > 0)
}

/// Locks these cases' rows until commit, in id order (`ids` sorted), on PostgreSQL; SQLite's
/// `BEGIN IMMEDIATE` already makes writers take turns. `FOR NO KEY UPDATE` is the lock an
/// `UPDATE` of the row takes anyway; unlike `FOR UPDATE` it does not wait for the foreign-key
/// checks (`FOR KEY SHARE`) of rows inserted about the case, so it adds no lock cycle with them.
pub async fn lock(tx: &mut Tx, ids: &[i64]) -> Result<(), DbError> {
    if let Tx::Postgres(t) = tx {
        for part in ids.chunks(5_000) {
            sqlx::query("SELECT id FROM cases WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
                .bind(part)
                .execute(&mut **t)
                .await?;
        }
    }
    Ok(())
}

/// On PostgreSQL, which of these cases still exist, locked against deletion until commit (the
/// check a foreign key would make, once per case); on SQLite, where the foreign key stays, all.
pub async fn present(tx: &mut Tx, ids: &[i64]) -> Result<HashSet<i64>, DbError> {
    match tx {
        Tx::Postgres(t) => Ok(sqlx::query_scalar("SELECT id FROM cases WHERE id = ANY($1) FOR KEY SHARE")
            .bind(ids)
            .fetch_all(&mut **t)
            .await?
            .into_iter()
            .collect()),
        Tx::Sqlite(..) => Ok(ids.iter().copied().collect()),
    }
}

/// Sets the mailing ZIP code of cases.
pub async fn set_mailing_zip(tx: &mut Tx, ids: &[i64], zip: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new("UPDATE cases SET mailing_zip = ");
        q.push_bind(zip.to_owned()).push(", updated_at = ").push_bind(now).push(" WHERE 1 = 1");
        push_in(&mut q, "id", ids);
        q.build().execute(&mut *conn).await?;
    });
    Ok(())
}

/// An address of a case's history, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AddressRow {
    /// First line.
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// State code.
    pub state: String,
    /// ZIP code (ZIP+4 when known).
    pub zip: String,
    /// Since when.
    pub since: DateTime<Utc>,
    /// The address change that brought it, while that change is kept.
    pub change_id: Option<i64>,
}

/// The last sequence number of a case's address history.
pub async fn last_address_seq(tx: &mut Tx, case_id: i64) -> Result<Option<i64>, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query_scalar("SELECT CAST(MAX(seq) AS BIGINT) FROM case_addresses WHERE case_id = $1")
            .bind(case_id)
            .fetch_one(&mut *conn)
            .await?)
    })
}

/// Appends an address to a case's history.
pub async fn insert_address(tx: &mut Tx, case_id: i64, seq: i64, a: &AddressRow) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO case_addresses (case_id, seq, line1, line2, city, state, zip, since, change_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(case_id)
        .bind(seq)
        .bind(&a.line1)
        .bind(a.line2.as_deref())
        .bind(&a.city)
        .bind(&a.state)
        .bind(&a.zip)
        .bind(a.since)
        .bind(a.change_id)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// A case's addresses, newest first.
pub async fn addresses(db: &Db, case_id: i64) -> Result<Vec<AddressRow>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT line1, line2, city, state, zip, since, change_id FROM case_addresses WHERE case_id = $1 ORDER BY seq DESC",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await?
    }))
}

/// Times from receipt to a decision made between two days (inclusive), with the form and office:
/// (form, office, received, decided).
pub async fn decisions_between(
    db: &Db,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<(String, String, NaiveDate, NaiveDate)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT c.form_code, c.office_code, c.received_on, h.occurred_on FROM case_history h \
             JOIN cases c ON c.id = h.case_id \
             WHERE h.status_code IN ('CASE_APPROVED', 'CASE_DENIED') AND h.occurred_on >= $1 AND h.occurred_on <= $2",
        )
        .bind(since)
        .bind(until)
        .fetch_all(pool)
        .await?
    }))
}

/// The mailed items with these tracking numbers: (tracking number, case id, kind, receipt number).
pub async fn mail_owners(db: &Db, trackings: &[String]) -> Result<Vec<(String, i64, String, String)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = QueryBuilder::new(
            "SELECT m.tracking_number, m.case_id, m.kind, c.receipt_number FROM mail_items m JOIN cases c ON c.id = m.case_id WHERE 1 = 1",
        );
        push_in(&mut q, "m.tracking_number", trackings);
        q.build_query_as().fetch_all(pool).await?
    }))
}

/// A mailed item: (tracking number, case id, kind, mailed on).
pub type NewMail<'a> = (&'a str, i64, &'a str, NaiveDate);

/// Adds mailed items; a tracking number already on file is left as it is.
pub async fn add_mail(tx: &mut Tx, items: &[NewMail<'_>]) -> Result<(), DbError> {
    // SQLite takes at most 32,766 bound values a statement: 3,000 rows of 4 columns is well inside.
    for part in items.chunks(3_000) {
        crate::with_tx!(&mut *tx, conn => {
            let mut q = QueryBuilder::new("INSERT INTO mail_items (tracking_number, case_id, kind, mailed_on) ");
            q.push_values(part, |mut b, (tracking, case_id, kind, on)| {
                b.push_bind((*tracking).to_owned()).push_bind(*case_id).push_bind((*kind).to_owned()).push_bind(*on);
            });
            q.push(" ON CONFLICT (tracking_number) DO NOTHING");
            q.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// A connection of either engine: the demo loader writes on its own connection (foreign keys
/// off on SQLite, see `seed`), not through a pooled transaction.
pub enum BulkConn<'a> {
    /// SQLite.
    Sqlite(&'a mut sqlx::SqliteConnection),
    /// PostgreSQL.
    Postgres(&'a mut sqlx::PgConnection),
}

impl<'a> From<&'a mut sqlx::SqliteConnection> for BulkConn<'a> {
    fn from(c: &'a mut sqlx::SqliteConnection) -> Self {
        BulkConn::Sqlite(c)
    }
}

impl<'a> From<&'a mut sqlx::PgConnection> for BulkConn<'a> {
    fn from(c: &'a mut sqlx::PgConnection) -> Self {
        BulkConn::Postgres(c)
    }
}

/// A case of a bulk load, with its id given and its report already built.
#[derive(Debug, Clone, Copy)]
pub struct BulkCase<'a> {
    /// Id.
    pub id: i64,
    /// Receipt number.
    pub receipt: &'a str,
    /// Form.
    pub form: &'a str,
    /// Office.
    pub office: &'a str,
    /// Current status.
    pub status: &'a str,
    /// Received.
    pub received_on: NaiveDate,
    /// Current status since.
    pub status_on: NaiveDate,
    /// Mailing ZIP code.
    pub mailing_zip: &'a str,
    /// Not to be disclosed.
    pub restricted: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The encoded report (`model::Facts`).
    pub report: &'a str,
}

/// A bulk load's history entry: (case id, sequence number, status, day).
pub type BulkStep<'a> = (i64, i32, &'a str, NaiveDate);

/// Writes cases, their history and mailed items on the loader's connection (its transaction is
/// the caller's): multi-row inserts on SQLite (full chunks reuse one prepared statement),
/// `COPY ... FROM STDIN` on PostgreSQL.
pub async fn insert_bulk(
    conn: BulkConn<'_>,
    cases: &[BulkCase<'_>],
    history: &[BulkStep<'_>],
    mail: &[NewMail<'_>],
) -> Result<(), DbError> {
    match conn {
        BulkConn::Sqlite(c) => insert_bulk_sqlite(c, cases, history, mail).await,
        BulkConn::Postgres(c) => copy_bulk(c, cases, history, mail).await,
    }
}

async fn insert_bulk_sqlite(
    conn: &mut sqlx::SqliteConnection,
    cases: &[BulkCase<'_>],
    history: &[BulkStep<'_>],
    mail: &[NewMail<'_>],
) -> Result<(), DbError> {
    // SQLite takes at most 32,766 bound values a statement.
    for chunk in cases.chunks(2_500) {
        let mut qb = QueryBuilder::new(
            "INSERT INTO cases (id, receipt_number, form_code, office_code, status_code, received_on, status_on, mailing_zip, restricted, updated_at, report) ",
        );
        qb.push_values(chunk, |mut b, c| {
            b.push_bind(c.id)
                .push_bind(c.receipt)
                .push_bind(c.form)
                .push_bind(c.office)
                .push_bind(c.status)
                .push_bind(c.received_on)
                .push_bind(c.status_on)
                .push_bind(c.mailing_zip)
                .push_bind(c.restricted)
                .push_bind(c.updated_at)
                .push_bind(c.report);
        });
        qb.build().execute(&mut *conn).await?;
    }
    for chunk in history.chunks(8_000) {
        let mut qb = QueryBuilder::new("INSERT INTO case_history (case_id, seq, status_code, occurred_on) ");
        qb.push_values(chunk, |mut b, (case_id, seq, status, on)| {
            b.push_bind(*case_id).push_bind(*seq).push_bind(*status).push_bind(*on);
        });
        qb.build().execute(&mut *conn).await?;
    }
    for chunk in mail.chunks(8_000) {
        let mut qb = QueryBuilder::new("INSERT INTO mail_items (tracking_number, case_id, kind, mailed_on) ");
        qb.push_values(chunk, |mut b, (tracking, case_id, kind, on)| {
            b.push_bind(*tracking).push_bind(*case_id).push_bind(*kind).push_bind(*on);
        });
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// [`insert_bulk`] on a connection of its own to the SQLite file (`Db::bulk_writer`), on the
/// calling thread, inside the caller's transaction: prepared statements of [`BULK_ROWS`] rows
/// each (one of one row for the rest), reused for every batch (the connection caches them), their
/// values bound from the caller's text (no SQL built per row, no value copied on the way). A
/// statement of many rows runs SQLite's per-statement work (cursors opened, the statement reset)
/// once for all of them. The values are stored as sqlx stores them (days as `YYYY-MM-DD`, times
/// as RFC 3339, flags as 0 or 1), so rows are the same whichever path wrote them.
pub fn insert_bulk_here(
    conn: &rusqlite::Connection,
    cases: &[BulkCase<'_>],
    history: &[BulkStep<'_>],
    mail: &[NewMail<'_>],
) -> rusqlite::Result<()> {
    use crate::kernel::db::text::{Day, Instant};
    insert_rows(
        conn,
        "INSERT INTO cases (id, receipt_number, form_code, office_code, status_code, received_on, status_on, mailing_zip, restricted, updated_at, report) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        cases,
        |s, at, c| {
            s.raw_bind_parameter(at + 1, c.id)?;
            s.raw_bind_parameter(at + 2, c.receipt)?;
            s.raw_bind_parameter(at + 3, c.form)?;
            s.raw_bind_parameter(at + 4, c.office)?;
            s.raw_bind_parameter(at + 5, c.status)?;
            s.raw_bind_parameter(at + 6, Day::of(c.received_on).as_str())?;
            s.raw_bind_parameter(at + 7, Day::of(c.status_on).as_str())?;
            s.raw_bind_parameter(at + 8, c.mailing_zip)?;
            s.raw_bind_parameter(at + 9, c.restricted)?;
            s.raw_bind_parameter(at + 10, Instant::of(c.updated_at).as_str())?;
            s.raw_bind_parameter(at + 11, c.report)
        },
    )?;
    insert_rows(
        conn,
        "INSERT INTO case_history (case_id, seq, status_code, occurred_on) VALUES ",
        "(?, ?, ?, ?)",
        history,
        |s, at, (case_id, seq, status, on)| {
            s.raw_bind_parameter(at + 1, case_id)?;
            s.raw_bind_parameter(at + 2, seq)?;
            s.raw_bind_parameter(at + 3, status)?;
            s.raw_bind_parameter(at + 4, Day::of(*on).as_str())
        },
    )?;
    insert_rows(
        conn,
        "INSERT INTO mail_items (tracking_number, case_id, kind, mailed_on) VALUES ",
        "(?, ?, ?, ?)",
        mail,
        |s, at, (tracking, case_id, kind, on)| {
            s.raw_bind_parameter(at + 1, tracking)?;
            s.raw_bind_parameter(at + 2, case_id)?;
            s.raw_bind_parameter(at + 3, kind)?;
            s.raw_bind_parameter(at + 4, Day::of(*on).as_str())
        },
    )
}

/// Rows a statement of the SQLite bulk writer inserts.
const BULK_ROWS: usize = 64;

/// Inserts `rows` with `insert` followed by `row` repeated (the statement's text is built once
/// per call, from the literals; its prepared statement is the connection's cached one), `bind`
/// binding a row's values after the first `at` of its statement.
fn insert_rows<T>(
    conn: &rusqlite::Connection,
    insert: &str,
    row: &str,
    rows: &[T],
    bind: impl Fn(&mut rusqlite::Statement<'_>, usize, &T) -> rusqlite::Result<()>,
) -> rusqlite::Result<()> {
    let sql = |n: usize| {
        let mut sql = String::with_capacity(insert.len() + n * (row.len() + 2));
        sql.push_str(insert);
        for i in 0..n {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(row);
        }
        sql
    };
    let per_row = row.matches('?').count();
    let mut chunks = rows.chunks_exact(BULK_ROWS);
    if rows.len() >= BULK_ROWS {
        let mut many = conn.prepare_cached(&sql(BULK_ROWS))?;
        for chunk in &mut chunks {
            for (i, r) in chunk.iter().enumerate() {
                bind(&mut many, i * per_row, r)?;
            }
            many.raw_execute()?;
        }
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut one = conn.prepare_cached(&sql(1))?;
        for r in rest {
            bind(&mut one, 0, r)?;
            one.raw_execute()?;
        }
    }
    Ok(())
}

async fn copy_bulk(
    conn: &mut sqlx::PgConnection,
    cases: &[BulkCase<'_>],
    history: &[BulkStep<'_>],
    mail: &[NewMail<'_>],
) -> Result<(), DbError> {
    use crate::kernel::copy::CopyRows;
    let mut rows = CopyRows::with_capacity(cases.iter().map(|c| c.report.len() + 120).sum());
    for c in cases {
        rows.int(c.id)
            .text(c.receipt)
            .text(c.form)
            .text(c.office)
            .text(c.status)
            .date(c.received_on)
            .date(c.status_on)
            .text(c.mailing_zip)
            .boolean(c.restricted)
            .timestamp(c.updated_at)
            .text(c.report)
            .end_row();
    }
    rows.send(
        conn,
        "COPY cases (id, receipt_number, form_code, office_code, status_code, received_on, status_on, mailing_zip, restricted, updated_at, report) FROM STDIN",
    )
    .await?;
    for (case_id, seq, status, on) in history {
        rows.int(*case_id).int(i64::from(*seq)).text(status).date(*on).end_row();
    }
    rows.send(conn, "COPY case_history (case_id, seq, status_code, occurred_on) FROM STDIN").await?;
    for (tracking, case_id, kind, on) in mail {
        rows.text(tracking).int(*case_id).text(kind).date(*on).end_row();
    }
    rows.send(conn, "COPY mail_items (tracking_number, case_id, kind, mailed_on) FROM STDIN").await?;
    Ok(())
}

/// The id the next bulk-loaded case takes.
pub async fn next_id(db: &Db) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) + 1 FROM cases").fetch_one(pool).await?
    }))
}

/// After a bulk load with explicit ids: PostgreSQL's identity moves past them.
pub async fn after_bulk(db: &Db) -> Result<(), DbError> {
    if let Db::Postgres(pool) = db {
        sqlx::query("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases))")
            .execute(pool)
            .await?;
    }
    Ok(())
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

/// How many cases have no stored report yet (through the partial index `cases_without_report`).
pub async fn count_without_report(db: &Db) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE report IS NULL").fetch_one(pool).await?
    }))
}

/// Up to `limit` ids of cases without a stored report, after id `after`, in id order.
pub async fn without_report(db: &Db, after: i64, limit: i64) -> Result<Vec<i64>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT id FROM cases WHERE report IS NULL AND id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}
