//! The rules' SQL: one row per office that has its own.

use chrono::{DateTime, Utc};

use super::model::{OfficeRules, Rules, Threshold};
use crate::kernel::db::{Db, DbError, Tx};

type Row = (i32, i32, i32, i32, i32, i32, i32, i32, i32, i32);

/// An office's own rules, if it has them.
pub async fn of_office(db: &Db, office: &str) -> Result<Option<OfficeRules>, DbError> {
    let row: Option<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT early_minutes, late_minutes, ageing_minutes, max_calls, wait_warning, wait_critical, \
             waiting_warning, waiting_critical, late_warning, late_critical FROM lobby_rules WHERE office_code = $1",
        )
        .bind(office)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(|r| OfficeRules {
        queue: Rules {
            early_minutes: r.0.into(),
            late_minutes: r.1.into(),
            ageing_minutes: r.2.into(),
            max_calls: r.3,
        },
        longest_wait: Threshold { warning: r.4.into(), critical: r.5.into() },
        waiting: Threshold { warning: r.6.into(), critical: r.7.into() },
        running_late: Threshold { warning: r.8.into(), critical: r.9.into() },
    }))
}

/// Stores an office's rules, set by `by` at `now`.
pub async fn save(tx: &mut Tx, office: &str, r: &OfficeRules, by: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    let narrow = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO lobby_rules (office_code, early_minutes, late_minutes, ageing_minutes, max_calls, wait_warning, wait_critical, \
             waiting_warning, waiting_critical, late_warning, late_critical, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (office_code) DO UPDATE SET early_minutes = excluded.early_minutes, late_minutes = excluded.late_minutes, \
             ageing_minutes = excluded.ageing_minutes, max_calls = excluded.max_calls, wait_warning = excluded.wait_warning, \
             wait_critical = excluded.wait_critical, waiting_warning = excluded.waiting_warning, waiting_critical = excluded.waiting_critical, \
             late_warning = excluded.late_warning, late_critical = excluded.late_critical, updated_by = excluded.updated_by, \
             updated_at = excluded.updated_at",
        )
        .bind(office)
        .bind(narrow(r.queue.early_minutes))
        .bind(narrow(r.queue.late_minutes))
        .bind(narrow(r.queue.ageing_minutes))
        .bind(r.queue.max_calls)
        .bind(narrow(r.longest_wait.warning))
        .bind(narrow(r.longest_wait.critical))
        .bind(narrow(r.waiting.warning))
        .bind(narrow(r.waiting.critical))
        .bind(narrow(r.running_late.warning))
        .bind(narrow(r.running_late.critical))
        .bind(by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}
