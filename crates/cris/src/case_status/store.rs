//! The case tables, as status lookups read them.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::Mailed;
use crate::kernel::db::{Db, DbError, Tx};

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

/// A history row: the status code and date, and the source's own wording when it sent text.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    /// Status code (`CUSTOM` for text from an older source).
    pub status_code: String,
    /// When.
    pub occurred_on: NaiveDate,
    /// Source's title, English.
    pub title_en: Option<String>,
    /// Source's description (sanitised HTML), English.
    pub desc_en: Option<String>,
    /// Source's title, Spanish.
    pub title_es: Option<String>,
    /// Source's description (sanitised HTML), Spanish.
    pub desc_es: Option<String>,
}

/// A case with its history (oldest first) and mailed items, by receipt number.
pub async fn case(db: &Db, receipt: &str) -> Result<Option<(CaseRow, Vec<HistoryRow>, Vec<Mailed>)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let row: Option<CaseRow> = sqlx::query_as(
            "SELECT id, receipt_number, form_code, office_code, status_code, received_on, status_on, restricted, updated_at \
             FROM cases WHERE receipt_number = $1",
        )
        .bind(receipt)
        .fetch_optional(pool)
        .await?;
        match row {
            None => None,
            Some(row) => {
                let history: Vec<HistoryRow> = sqlx::query_as(
                    "SELECT status_code, occurred_on, title_en, desc_en, title_es, desc_es FROM case_history \
                     WHERE case_id = $1 ORDER BY occurred_on, seq",
                )
                        .bind(row.id)
                        .fetch_all(pool)
                        .await?;
                let mailed: Vec<Mailed> =
                    sqlx::query_as("SELECT tracking_number, kind, mailed_on FROM mail_items WHERE case_id = $1 ORDER BY mailed_on")
                        .bind(row.id)
                        .fetch_all(pool)
                        .await?;
                Some((row, history, mailed))
            }
        }
    }))
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
