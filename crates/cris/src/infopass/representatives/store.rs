//! The registrations' SQL (`representatives`), and the appointments a representative holds.

use chrono::{DateTime, Utc};

use super::model::{Application, ClientAppointment, Decision, Kind, Registration, Status};
use crate::infopass::calendar::{Service, parse_slot};
use crate::kernel::db::{Db, DbError, Tx};

type RegistrationRow = (i64, String, String, String, DateTime<Utc>);

fn registration((customer_id, organization, kind, status, requested_at): RegistrationRow) -> Registration {
    Registration {
        customer_id,
        organization,
        kind: Kind::parse(&kind).unwrap_or(Kind::Attorney),
        status: Status::parse(&status),
        requested_at,
    }
}

/// A customer's registration, if they asked for one.
pub async fn of_customer(db: &Db, customer_id: i64) -> Result<Option<Registration>, DbError> {
    let row: Option<RegistrationRow> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT customer_id, organization, kind, status, requested_at FROM representatives WHERE customer_id = $1")
            .bind(customer_id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(registration))
}

/// Records a customer's request. Returns false when one is already pending or approved.
pub async fn apply(db: &Db, customer_id: i64, a: &Application, now: DateTime<Utc>) -> Result<bool, DbError> {
    let written = crate::with_db!(db, pool => {
        sqlx::query(
            "INSERT INTO representatives (customer_id, organization, kind, status, requested_at) VALUES ($1, $2, $3, 'pending', $4) \
             ON CONFLICT (customer_id) DO UPDATE SET organization = excluded.organization, kind = excluded.kind, \
             status = 'pending', requested_at = excluded.requested_at, decided_by = NULL, decided_at = NULL \
             WHERE representatives.status IN ('refused', 'revoked')",
        )
        .bind(customer_id)
        .bind(&a.organization)
        .bind(a.kind.code())
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(written == 1)
}

/// Every registration, pending ones first, then approved, then the rest; oldest first within each.
pub async fn listed(db: &Db) -> Result<Vec<Registration>, DbError> {
    let rows: Vec<RegistrationRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT customer_id, organization, kind, status, requested_at FROM representatives \
             ORDER BY CASE status WHEN 'pending' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END, requested_at",
        )
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().map(registration).collect())
}

/// Moves a registration from the status `decision` applies to, to the one it leads to; the
/// organisation when it was in that status.
pub async fn decide(
    tx: &mut Tx,
    customer_id: i64,
    decision: Decision,
    (by, now): (&str, DateTime<Utc>),
) -> Result<Option<String>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "UPDATE representatives SET status = $1, decided_by = $2, decided_at = $3 WHERE customer_id = $4 AND status = $5 \
             RETURNING organization",
        )
        .bind(decision.to().code())
        .bind(by)
        .bind(now)
        .bind(customer_id)
        .bind(decision.from().code())
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// The appointments ahead that a representative booked, soonest first.
pub async fn appointments(db: &Db, customer_id: i64, now: DateTime<Utc>) -> Result<Vec<ClientAppointment>, DbError> {
    type Row = (String, String, String, String, String, String);
    let rows: Vec<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT confirmation, first_name, last_name, office_code, service, starts_at FROM appointments \
             WHERE representative_id = $1 AND starts_utc > $2 ORDER BY starts_utc, id",
        )
        .bind(customer_id)
        .bind(now)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .filter_map(|(confirmation, first, last, office_code, service, starts)| {
            Some(ClientAppointment {
                confirmation,
                name: format!("{first} {last}"),
                office_code,
                service: Service::parse(&service)?,
                starts: parse_slot(&starts)?,
            })
        })
        .collect())
}

/// How many appointments ahead a representative holds.
pub async fn active(db: &Db, customer_id: i64, now: DateTime<Utc>) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE representative_id = $1 AND starts_utc > $2")
            .bind(customer_id)
            .bind(now)
            .fetch_one(pool)
            .await?
    }))
}
