//! The USPS runs' table (`usps_runs`): each extract file read, and what it held.

use chrono::{DateTime, Utc};

use super::service::Report;
use crate::kernel::db::{Db, DbError};

/// Records a run: the file, when it started, and its report's counts.
pub async fn record_run(db: &Db, now: DateTime<Utc>, report: &Report) -> Result<(), DbError> {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    crate::with_db!(db, pool => {
        sqlx::query(
            "INSERT INTO usps_runs (file_name, started_at, lines, skipped, malformed, unmatched, added, status_changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&report.file_name)
        .bind(now)
        .bind(count(report.lines))
        .bind(count(report.skipped))
        .bind(count(report.malformed.len()))
        .bind(count(report.unmatched.len()))
        .bind(i64::try_from(report.added).unwrap_or(i64::MAX))
        .bind(count(report.status_changes))
        .execute(pool)
        .await?;
    });
    Ok(())
}
