//! The calendars' SQL (`office_calendars`, `office_services`, `office_closures`), and the booked
//! appointments a closure or a calendar change cancels. Local times are stored as given.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::model::{
    Affected, Calendar, Closure, Hours, Offering, Service, parse_slot, parse_time, parse_weekdays, slot_key,
};
use crate::kernel::db::{Db, DbError, Tx};

/// Writes the standard calendar (`hours`, `offerings`) for each of `offices` that has no
/// calendar yet, in one transaction; offices with a calendar keep theirs.
pub async fn insert_defaults(db: &Db, offices: &[&str], hours: &Hours, offerings: &[Offering]) -> Result<(), DbError> {
    let (opens, closes) = (hours.opens.format("%H:%M").to_string(), hours.closes.format("%H:%M").to_string());
    let mut tx = db.begin().await?;
    for office in offices {
        let new = crate::with_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO office_calendars (office_code, opens, closes, weekdays, horizon_days) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (office_code) DO NOTHING",
            )
            .bind(office)
            .bind(&opens)
            .bind(&closes)
            .bind(hours.weekdays_code())
            .bind(i32::from(hours.horizon_days))
            .execute(&mut *conn)
            .await?
            .rows_affected() == 1
        });
        if new {
            insert_offerings(&mut tx, office, offerings).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// An office's calendar, with the closures that end after `from` (local time); None when the
/// office takes no appointments.
pub async fn of_office(db: &Db, office: &str, from: NaiveDateTime) -> Result<Option<Calendar>, DbError> {
    let row: Option<(String, String, String, i32)> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT opens, closes, weekdays, horizon_days FROM office_calendars WHERE office_code = $1")
            .bind(office)
            .fetch_optional(pool)
            .await?
    });
    let Some((opens, closes, weekdays, horizon)) = row else { return Ok(None) };
    let (Some(opens), Some(closes)) = (parse_time(&opens), parse_time(&closes)) else { return Ok(None) };
    let hours =
        Hours { opens, closes, weekdays: parse_weekdays(&weekdays), horizon_days: u16::try_from(horizon).unwrap_or(0) };
    let services: Vec<(String, i32, i32)> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT service, slot_minutes, capacity FROM office_services WHERE office_code = $1")
            .bind(office)
            .fetch_all(pool)
            .await?
    });
    let mut offerings: Vec<Offering> = services
        .into_iter()
        .filter_map(|(code, minutes, capacity)| {
            Some(Offering {
                service: Service::parse(&code)?,
                slot_minutes: u16::try_from(minutes).ok()?,
                capacity: u16::try_from(capacity).ok()?,
            })
        })
        .collect();
    offerings.sort_by_key(|o| Service::ALL.iter().position(|s| *s == o.service));
    let closures: Vec<(String, String)> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT starts_at, ends_at FROM office_closures WHERE office_code = $1 AND ends_at > $2 ORDER BY starts_at")
            .bind(office)
            .bind(slot_key(from))
            .fetch_all(pool)
            .await?
    });
    let closures = closures
        .into_iter()
        .filter_map(|(s, e)| Some(Closure { starts: parse_slot(&s)?, ends: parse_slot(&e)? }))
        .collect();
    Ok(Some(Calendar { hours, offerings, closures }))
}

/// Writes a closure of an office, from `from` until `to` (local times as stored).
pub async fn insert_closure(
    tx: &mut Tx,
    office: &str,
    (from, to): (&str, &str),
    reason: &str,
    (by, now): (&str, DateTime<Utc>),
) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO office_closures (office_code, starts_at, ends_at, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .bind(reason)
        .bind(by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Deletes the appointments of an office from `from` until before `to` (local times as stored)
/// and returns what telling their customers needs: found and cancelled in one statement, so
/// none booked meanwhile goes untold.
pub async fn withdraw_between(tx: &mut Tx, office: &str, from: &str, to: &str) -> Result<Vec<Affected>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_as(
            "DELETE FROM appointments WHERE office_code = $1 AND starts_at >= $2 AND starts_at < $3 \
             RETURNING service, starts_at, lang, email, phone",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?
    }))
}

/// An office's closures that end after `from` (local time), with their reasons and who set them.
pub async fn upcoming(
    db: &Db,
    office: &str,
    from: NaiveDateTime,
) -> Result<Vec<(String, String, String, String)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT starts_at, ends_at, reason, created_by FROM office_closures WHERE office_code = $1 AND ends_at > $2 ORDER BY starts_at",
        )
        .bind(office)
        .bind(slot_key(from))
        .fetch_all(pool)
        .await?
    }))
}

/// The appointments of an office from `from` on (local time as stored): id, service and start.
pub async fn booked_from(tx: &mut Tx, office: &str, from: &str) -> Result<Vec<(i64, String, String)>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_as("SELECT id, service, starts_at FROM appointments WHERE office_code = $1 AND starts_at >= $2 ORDER BY id")
            .bind(office)
            .bind(from)
            .fetch_all(&mut *conn)
            .await?
    }))
}

/// Replaces an office's hours and services.
pub async fn write_calendar(tx: &mut Tx, office: &str, hours: &Hours, offerings: &[Offering]) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO office_calendars (office_code, opens, closes, weekdays, horizon_days) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (office_code) DO UPDATE SET opens = excluded.opens, closes = excluded.closes, weekdays = excluded.weekdays, \
             horizon_days = excluded.horizon_days",
        )
        .bind(office)
        .bind(hours.opens.format("%H:%M").to_string())
        .bind(hours.closes.format("%H:%M").to_string())
        .bind(hours.weekdays_code())
        .bind(i32::from(hours.horizon_days))
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM office_services WHERE office_code = $1").bind(office).execute(&mut *conn).await?;
    });
    insert_offerings(tx, office, offerings).await
}

/// Writes the services an office offers (it has none yet).
async fn insert_offerings(tx: &mut Tx, office: &str, offerings: &[Offering]) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        for o in offerings {
            sqlx::query("INSERT INTO office_services (office_code, service, slot_minutes, capacity) VALUES ($1, $2, $3, $4)")
                .bind(office)
                .bind(o.service.code())
                .bind(i32::from(o.slot_minutes))
                .bind(i32::from(o.capacity))
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

/// Deletes one appointment and returns what telling its customer needs, if it was still there.
pub async fn withdraw(tx: &mut Tx, id: i64) -> Result<Option<Affected>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_as("DELETE FROM appointments WHERE id = $1 RETURNING service, starts_at, lang, email, phone")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
    }))
}
