//! The alerts' SQL: the waiting tickets' counts an office is measured by, and its alerts.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::Alert;
use crate::kernel::db::{Db, DbError, Tx};
use crate::lobby::rules::{Level, Measure};

/// An office's day: customers waiting, those of them booked and past their time at `now`, and
/// the arrival of the one who came first.
pub async fn waiting_counts(
    db: &Db,
    office: &str,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(i64, i64, Option<DateTime<Utc>>), DbError> {
    let (waiting, running_late): (i64, i64) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN booked = 1 AND priority_at < $3 THEN 1 ELSE 0 END), 0) \
             FROM lobby_tickets WHERE office_code = $1 AND day = $2 AND status = 'waiting'",
        )
        .bind(office)
        .bind(day.to_string())
        .bind(now)
        .fetch_one(pool)
        .await?
    });
    let first: Option<DateTime<Utc>> = crate::with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT arrived_at FROM lobby_tickets WHERE office_code = $1 AND day = $2 AND status = 'waiting' ORDER BY arrived_at LIMIT 1",
        )
        .bind(office)
        .bind(day.to_string())
        .fetch_optional(pool)
        .await?
    });
    Ok((waiting, running_late, first))
}

type AlertRow = (i64, String, String, i32, DateTime<Utc>, Option<DateTime<Utc>>);

fn alert((id, measure, level, value, raised_at, cleared_at): AlertRow) -> Option<Alert> {
    Some(Alert {
        id,
        measure: Measure::parse(&measure)?,
        level: Level::parse(&level)?,
        value: value.into(),
        raised_at,
        cleared_at,
    })
}

/// An office's latest alerts, open ones first.
pub async fn recent(db: &Db, office: &str, limit: i64) -> Result<Vec<Alert>, DbError> {
    let rows: Vec<AlertRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, measure, level, value, raised_at, cleared_at FROM lobby_alerts WHERE office_code = $1 \
             ORDER BY CASE WHEN cleared_at IS NULL THEN 0 ELSE 1 END, raised_at DESC, id DESC LIMIT $2",
        )
        .bind(office)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().filter_map(alert).collect())
}

/// Clears an open alert; returns the rows changed.
pub async fn clear(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<u64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE lobby_alerts SET cleared_at = $1 WHERE id = $2 AND cleared_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    }))
}

/// Moves an open alert to another level with the value that took it there; returns the rows
/// changed.
pub async fn relevel(tx: &mut Tx, id: i64, level: Level, value: i32) -> Result<u64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE lobby_alerts SET level = $1, value = $2 WHERE id = $3 AND cleared_at IS NULL")
            .bind(level.as_str())
            .bind(value)
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected()
    }))
}

/// Raises an alert (nothing if one of the measure is open); returns the rows changed.
pub async fn raise(
    tx: &mut Tx,
    office: &str,
    (measure, level, value): (Measure, Level, i32),
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO lobby_alerts (office_code, measure, level, value, raised_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(office)
        .bind(measure.as_str())
        .bind(level.as_str())
        .bind(value)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected()
    }))
}

/// The offices with someone waiting or an alert open.
pub async fn offices_to_watch(db: &Db) -> Result<Vec<String>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT DISTINCT office_code FROM lobby_tickets WHERE status = 'waiting' \
             UNION SELECT office_code FROM lobby_alerts WHERE cleared_at IS NULL",
        )
        .fetch_all(pool)
        .await?
    }))
}
