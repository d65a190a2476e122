//! Lobby SQL for the retention engine: a ticket past its time loses what identifies the customer
//! (confirmation number, A-Number, ZIP code) and keeps the officer, the day and the times
//! (R-RT-03); visit notes past their time are deleted.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use crate::kernel::db::{Db, DbError, Extent, Tx};

/// Tickets of days before `before` (an ISO day) that still hold personal data.
pub async fn expired_tickets(db: &Db, before: &str) -> Result<Extent, DbError> {
    let (n, lo, hi): (i64, Option<String>, Option<String>) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(day), MAX(day) FROM lobby_tickets WHERE day < $1 \
             AND (confirmation IS NOT NULL OR a_number IS NOT NULL OR zip IS NOT NULL)",
        )
        .bind(before)
        .fetch_one(pool)
        .await?
    });
    Ok(Extent::from_text(n, lo.as_deref(), hi.as_deref()))
}

/// Whether lobby ticket `id` exists (for a legal hold).
pub async fn ticket_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    crate::kernel::db::counts_row(tx, "SELECT COUNT(*) FROM lobby_tickets WHERE id = $1", id).await
}

/// Whether visit note `id` exists (for a legal hold).
pub async fn note_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    crate::kernel::db::counts_row(tx, "SELECT COUNT(*) FROM visit_notes WHERE id = $1", id).await
}

/// Clears the personal data of up to `batch` tickets of days before `before` (not those in `keep`).
pub async fn scrub_tickets_before(tx: &mut Tx, before: &str, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new(
            "UPDATE lobby_tickets SET confirmation = NULL, a_number = NULL, zip = NULL WHERE id IN \
             (SELECT id FROM lobby_tickets WHERE (confirmation IS NOT NULL OR a_number IS NOT NULL OR zip IS NOT NULL) AND day < ",
        );
        q.push_bind(before.to_owned());
        crate::kernel::db::push_not_in(&mut q, "id", keep);
        q.push(" ORDER BY id LIMIT ").push_bind(batch).push(")");
        Ok(q.build().execute(&mut *conn).await?.rows_affected())
    })
}

/// Visit notes written before `before`.
pub async fn expired_notes(db: &Db, before: DateTime<Utc>) -> Result<Extent, DbError> {
    let (n, lo, hi): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM visit_notes WHERE created_at < $1")
            .bind(before)
            .fetch_one(pool)
            .await?
    });
    Ok(Extent::from_times(n, lo, hi))
}

/// Deletes up to `batch` visit notes written before `before` (not those in `keep`).
pub async fn purge_notes_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new("DELETE FROM visit_notes WHERE id IN (SELECT id FROM visit_notes WHERE created_at < ");
        q.push_bind(before);
        crate::kernel::db::push_not_in(&mut q, "id", keep);
        q.push(" ORDER BY id LIMIT ").push_bind(batch).push(")");
        Ok(q.build().execute(&mut *conn).await?.rows_affected())
    })
}

/// A segment of a visit's timeline, with its visit's day, status and appointment (the
/// productivity report's rows).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportSegment {
    /// The visit.
    pub ticket_id: i64,
    /// The visit's day.
    pub day: String,
    /// The service of the segment.
    pub service: String,
    /// The visit's status.
    pub status: String,
    /// The appointment's confirmation number, if booked.
    pub confirmation: Option<String>,
    /// Queued.
    pub queued_at: DateTime<Utc>,
    /// First called.
    pub called_at: Option<DateTime<Utc>>,
    /// Started.
    pub started_at: Option<DateTime<Utc>>,
    /// Ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub outcome: Option<String>,
    /// The officer.
    pub officer_id: Option<i64>,
}

/// An office's segments of visits between two days (inclusive, `YYYY-MM-DD`), of one officer
/// (`officer` > 0) or all, by day, visit and segment.
pub async fn report_segments(
    db: &Db,
    office: &str,
    from: &str,
    to: &str,
    officer: i64,
) -> Result<Vec<ReportSegment>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT t.id AS ticket_id, t.day, s.service, t.status, t.confirmation, s.queued_at, s.called_at, s.started_at, \
             s.ended_at, s.outcome, s.officer_id \
             FROM lobby_tickets t JOIN lobby_segments s ON s.ticket_id = t.id \
             WHERE t.office_code = $1 AND t.day >= $2 AND t.day <= $3 AND ($4 = 0 OR s.officer_id = $4) ORDER BY t.day, t.id, s.seq",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .bind(officer)
        .fetch_all(pool)
        .await?
    }))
}
