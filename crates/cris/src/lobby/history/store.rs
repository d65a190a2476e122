//! The SQL of past visits: tickets, their segments and the days' last numbers, in bulk.

use chrono::NaiveDate;
use sqlx::QueryBuilder;

use super::{PastSegment, PastVisit};
use crate::infopass::calendar::slot_key;
use crate::kernel::db::{Db, DbError, Engine};

/// Rows a statement: well under SQLite's limit of bound values.
const TICKETS_A_STATEMENT: usize = 1_000;
const SEGMENTS_A_STATEMENT: usize = 2_000;

/// Writes past visits (tickets, their segments, and each day's last ticket number) in one
/// transaction; returns how many. Visits must be of days before today: today's queue is the
/// live one. A visit without segments is skipped.
pub async fn import(db: &Db, visits: &[PastVisit]) -> Result<u64, DbError> {
    // Each visit with its first and last segment: what the ticket shows.
    let visits: Vec<(&PastVisit, &PastSegment, &PastSegment)> =
        visits.iter().filter_map(|v| Some((v, v.segments.first()?, v.segments.last()?))).collect();
    if visits.is_empty() {
        return Ok(0);
    }
    let engine = db.engine();
    let mut tx = db.begin().await?;
    // Ids given here, so each segment knows its ticket without a round trip.
    let first: i64 = crate::with_tx!(&mut tx, conn => {
        sqlx::query_scalar("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM lobby_tickets").fetch_one(&mut *conn).await?
    });
    let ids: Vec<i64> = (first..).take(visits.len()).collect();
    let mut last_numbers: std::collections::BTreeMap<(String, String), i32> = std::collections::BTreeMap::new();
    for (v, _, _) in &visits {
        let e = last_numbers.entry((v.office.clone(), v.day.to_string())).or_default();
        *e = (*e).max(v.number);
    }
    crate::with_tx!(&mut tx, conn => {
        let rows: Vec<(i64, &(&PastVisit, &PastSegment, &PastSegment))> = ids.iter().copied().zip(visits.iter()).collect();
        for chunk in rows.chunks(TICKETS_A_STATEMENT) {
            let mut q = QueryBuilder::new(
                "INSERT INTO lobby_tickets (id, office_code, day, number, label, service, booked, confirmation, appointment_at, \
                 party, status, priority_at, arrived_at, called_at, started_at, ended_at, calls, officer_id, counter, services_given) ",
            );
            q.push_values(chunk, |mut b, (id, (v, first_segment, last))| {
                // The ticket keeps the last service's place and the visit's end.
                let status = if last.outcome == "no_show" { "no_show" } else { "done" };
                let given: Vec<&str> =
                    v.segments.iter().filter(|s| s.started_at.is_some()).map(|s| s.service.code()).collect();
                b.push_bind(*id)
                    .push_bind(v.office.clone())
                    .push_bind(v.day.to_string())
                    .push_bind(v.number)
                    .push_bind(format!("{}{:03}", first_segment.service.ticket_prefix(), v.number))
                    .push_bind(last.service.code())
                    .push_bind(i32::from(v.appointment.is_some()))
                    .push_bind(v.appointment.as_ref().map(|(c, _)| c.clone()))
                    .push_bind(v.appointment.as_ref().map(|(_, at)| slot_key(*at)))
                    .push_bind(v.party)
                    .push_bind(status)
                    .push_bind(v.arrived_at)
                    .push_bind(v.arrived_at)
                    .push_bind(last.called_at)
                    .push_bind(last.started_at)
                    .push_bind(last.ended_at)
                    .push_bind(last.calls)
                    .push_bind(last.officer.0)
                    .push_bind(last.officer.1.clone())
                    .push_bind((status == "done").then(|| given.join(",")));
            });
            q.build().execute(&mut *conn).await?;
        }
        let segments: Vec<(i64, i32, &PastSegment)> = ids
            .iter()
            .zip(visits.iter())
            .flat_map(|(id, (v, _, _))| v.segments.iter().zip(1..).map(move |(s, seq)| (*id, seq, s)))
            .collect();
        for chunk in segments.chunks(SEGMENTS_A_STATEMENT) {
            let mut q = QueryBuilder::new(
                "INSERT INTO lobby_segments (ticket_id, seq, service, queued_at, called_at, calls, officer_id, counter, started_at, \
                 ended_at, outcome) ",
            );
            q.push_values(chunk, |mut b, (id, seq, s)| {
                b.push_bind(*id)
                    .push_bind(*seq)
                    .push_bind(s.service.code())
                    .push_bind(s.queued_at)
                    .push_bind(s.called_at)
                    .push_bind(s.calls)
                    .push_bind(s.officer.0)
                    .push_bind(s.officer.1.clone())
                    .push_bind(s.started_at)
                    .push_bind(s.ended_at)
                    .push_bind(s.outcome);
            });
            q.build().execute(&mut *conn).await?;
        }
        for ((office, day), last) in &last_numbers {
            sqlx::query(
                "INSERT INTO lobby_sequences (office_code, day, last) VALUES ($1, $2, $3) \
                 ON CONFLICT (office_code, day) DO UPDATE SET last = CASE WHEN lobby_sequences.last > excluded.last \
                 THEN lobby_sequences.last ELSE excluded.last END",
            )
            .bind(office)
            .bind(day)
            .bind(*last)
            .execute(&mut *conn)
            .await?;
        }
        if engine == Engine::Postgres {
            // Ids were given explicitly; move the identity past them.
            sqlx::query("SELECT setval(pg_get_serial_sequence('lobby_tickets', 'id'), (SELECT MAX(id) FROM lobby_tickets))")
                .execute(&mut *conn)
                .await?;
        }
    });
    tx.commit().await?;
    Ok(visits.len() as u64)
}

/// Whether an office has any visit on or after `from` (the demo writes its history once).
pub async fn any_since(db: &Db, office: &str, from: NaiveDate) -> Result<bool, DbError> {
    let n: i64 = crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM lobby_tickets WHERE office_code = $1 AND day >= $2")
            .bind(office)
            .bind(from.to_string())
            .fetch_one(pool)
            .await?
    });
    Ok(n > 0)
}
