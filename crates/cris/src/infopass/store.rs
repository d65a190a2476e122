//! InfoPass SQL for the retention engine: appointments past their time (R-RT-01) leave only
//! counts behind (R-RT-03); the lobby keeps the officer and the times of the visit. Past
//! appointments brought in from elsewhere (the demo's quarter) arrive as those same counts.

use sqlx::QueryBuilder;

use super::model::PastAppointments;
use crate::kernel::db::{Db, DbError, Extent, Tx};

/// A count's key: office, service, day, outcome.
type CountKey = (String, &'static str, String, &'static str);

/// Writes past appointments as what remains of them (`purged` and `cancelled` counts), added to
/// any counts already there, in one transaction; returns how many counts were written.
pub async fn import_past(db: &Db, past: &[PastAppointments]) -> Result<u64, DbError> {
    // One row a key: a statement may not update the same count twice.
    let mut counts: std::collections::BTreeMap<CountKey, i64> = std::collections::BTreeMap::new();
    for p in past {
        for (outcome, n) in [("purged", p.booked), ("cancelled", p.cancelled)] {
            *counts.entry((p.office.clone(), p.service.code(), p.day.to_string(), outcome)).or_default() += n;
        }
    }
    let rows: Vec<(CountKey, i64)> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
    let mut tx = db.begin().await?;
    crate::with_tx!(&mut tx, conn => {
        for chunk in rows.chunks(COUNTS_A_STATEMENT) {
            let mut q = QueryBuilder::new("INSERT INTO appointment_counts (office_code, service, day, outcome, n) ");
            q.push_values(chunk, |mut b, ((office, service, day, outcome), n)| {
                b.push_bind(office.clone()).push_bind(*service).push_bind(day.clone()).push_bind(*outcome).push_bind(*n);
            });
            q.push(" ON CONFLICT (office_code, service, day, outcome) DO UPDATE SET n = appointment_counts.n + excluded.n");
            q.build().execute(&mut *conn).await?;
        }
    });
    tx.commit().await?;
    Ok(rows.len() as u64)
}

/// Rows a statement: well under SQLite's limit of bound values.
const COUNTS_A_STATEMENT: usize = 1_000;

/// Appointments whose day is before `before` (an ISO day), outside `keep`.
pub async fn expired_appointments(db: &Db, before: &str) -> Result<Extent, DbError> {
    let (n, lo, hi): (i64, Option<String>, Option<String>) = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT COUNT(*), MIN(starts_at), MAX(starts_at) FROM appointments WHERE starts_at < $1")
            .bind(before)
            .fetch_one(pool)
            .await?
    });
    Ok(Extent::from_text(n, lo.as_deref(), hi.as_deref()))
}

/// Whether appointment `id` exists (for a legal hold).
pub async fn appointment_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    crate::kernel::db::counts_row(tx, "SELECT COUNT(*) FROM appointments WHERE id = $1", id).await
}

/// Deletes up to `batch` appointments dated before `before` (not those in `keep`), adding each to
/// the anonymous `purged` count of its office, service and day first; their queued mail and
/// survey invitation go with them (foreign keys), and a lobby ticket loses its link.
pub async fn purge_appointments_before(tx: &mut Tx, before: &str, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let mut q = QueryBuilder::new("SELECT id, office_code, service, starts_at FROM appointments WHERE starts_at < ");
        q.push_bind(before.to_owned());
        crate::kernel::db::push_not_in(&mut q, "id", keep);
        q.push(" ORDER BY starts_at, id LIMIT ").push_bind(batch);
        let rows: Vec<(i64, String, String, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let mut groups: std::collections::BTreeMap<(String, String, String), i64> = std::collections::BTreeMap::new();
        for (_, office, service, starts) in &rows {
            let day = starts.get(..10).unwrap_or(starts).to_owned();
            *groups.entry((office.clone(), service.clone(), day)).or_default() += 1;
        }
        for ((office, service, day), n) in groups {
            sqlx::query(
                "INSERT INTO appointment_counts (office_code, service, day, outcome, n) VALUES ($1, $2, $3, 'purged', $4) \
                 ON CONFLICT (office_code, service, day, outcome) DO UPDATE SET n = appointment_counts.n + $4",
            )
            .bind(office)
            .bind(service)
            .bind(day)
            .bind(n)
            .execute(&mut *conn)
            .await?;
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let mut d = QueryBuilder::new("DELETE FROM appointments WHERE 1 = 1");
        crate::kernel::db::push_in(&mut d, "id", &ids);
        Ok(d.build().execute(&mut *conn).await?.rows_affected())
    })
}

/// Appointments booked at an office from `from` until before `until`, by service.
pub async fn booked_by_service(db: &Db, office: &str, from: &str, until: &str) -> Result<Vec<(String, i64)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT service, COUNT(*) FROM appointments WHERE office_code = $1 AND starts_at >= $2 AND starts_at < $3 GROUP BY service",
        )
        .bind(office)
        .bind(from)
        .bind(until)
        .fetch_all(pool)
        .await?
    }))
}

/// What is left of cancelled and purged appointments at an office between two days (inclusive):
/// (service, outcome, count).
pub async fn gone_by_service(
    db: &Db,
    office: &str,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, i64)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT service, outcome, CAST(SUM(n) AS BIGINT) FROM appointment_counts WHERE office_code = $1 AND day >= $2 AND day <= $3 \
             AND outcome IN ('cancelled', 'purged') GROUP BY service, outcome",
        )
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await?
    }))
}
