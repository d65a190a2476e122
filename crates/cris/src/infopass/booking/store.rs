//! The appointment book's SQL (`slot_usage`, `slot_holds`, `appointments`,
//! `appointment_counts`): seats taken by a conditional update against the service's capacity, so
//! the database keeps any number of concurrent bookings within capacity; holds; appointments
//! booked, found and withdrawn; and for the retention engine, appointments past their time
//! (R-RT-01) leave only counts behind (R-RT-03), the lobby keeping the officer and the times of
//! the visit. Past appointments brought in from elsewhere (the demo's quarter) arrive as those
//! same counts.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use sqlx::QueryBuilder;

use super::model::{BookError, Hold, Slot, SurveyContact};
use crate::infopass::calendar::{Service, parse_slot, slot_key};
use crate::infopass::model::{Appointment, Details, PastAppointments};
use crate::kernel::db::{Db, DbError, Extent, Tx};
use crate::kernel::i18n::Lang;
use crate::kernel::ids::Confirmation;

/// Seats taken of each slot of a service at an office from `from` on (local time), by stored start.
pub async fn taken(
    db: &Db,
    office: &str,
    service: Service,
    from: NaiveDateTime,
) -> Result<HashMap<String, i32>, DbError> {
    let rows: Vec<(String, i32)> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT starts_at, taken FROM slot_usage WHERE office_code = $1 AND service = $2 AND starts_at >= $3 AND taken > 0")
            .bind(office)
            .bind(service.code())
            .bind(slot_key(from))
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().collect())
}

/// Takes a seat of the slot if one is free (the capacity is read in the same statement).
pub async fn take_seat(tx: &mut Tx, slot: &Slot) -> Result<bool, DbError> {
    let key = slot_key(slot.starts);
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query("INSERT INTO slot_usage (office_code, service, starts_at, taken) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING")
            .bind(&slot.office_code)
            .bind(slot.service.code())
            .bind(&key)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE slot_usage SET taken = taken + 1 WHERE office_code = $1 AND service = $2 AND starts_at = $3 \
             AND taken < (SELECT capacity FROM office_services WHERE office_code = $1 AND service = $2)",
        )
        .bind(&slot.office_code)
        .bind(slot.service.code())
        .bind(&key)
        .execute(&mut *conn)
        .await?
        .rows_affected() == 1
    }))
}

/// Gives a seat of a slot back.
pub async fn give_back_seat(tx: &mut Tx, office: &str, service: &str, starts_at: &str) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE slot_usage SET taken = taken - 1 WHERE office_code = $1 AND service = $2 AND starts_at = $3 AND taken > 0")
            .bind(office)
            .bind(service)
            .bind(starts_at)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Holds that expired by `now` (of one slot, or up to 1,000 of all when `slot` is None): token,
/// office, service and start as stored.
pub async fn expired_holds(
    tx: &mut Tx,
    slot: Option<&Slot>,
    now: DateTime<Utc>,
) -> Result<Vec<(String, String, String, String)>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        match slot {
            Some(s) => sqlx::query_as(
                "SELECT token, office_code, service, starts_at FROM slot_holds \
                 WHERE office_code = $1 AND service = $2 AND starts_at = $3 AND expires_at <= $4",
            )
            .bind(&s.office_code)
            .bind(s.service.code())
            .bind(slot_key(s.starts))
            .bind(now)
            .fetch_all(&mut *conn)
            .await?,
            None => sqlx::query_as("SELECT token, office_code, service, starts_at FROM slot_holds WHERE expires_at <= $1 LIMIT 1000")
                .bind(now)
                .fetch_all(&mut *conn)
                .await?,
        }
    }))
}

/// Deletes a hold; whether it was there (a seat is given back, or taken over, only once).
pub async fn delete_hold(tx: &mut Tx, token: &str) -> Result<bool, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query("DELETE FROM slot_holds WHERE token = $1").bind(token).execute(&mut *conn).await?.rows_affected() == 1
    }))
}

/// Writes a hold on a seat already taken.
pub async fn insert_hold(tx: &mut Tx, token: &str, slot: &Slot, expires: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("INSERT INTO slot_holds (token, office_code, service, starts_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token)
            .bind(&slot.office_code)
            .bind(slot.service.code())
            .bind(slot_key(slot.starts))
            .bind(expires)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// A hold by its token, expired or not, as long as its seat was not given back.
pub async fn hold_of(db: &Db, token: &str) -> Result<Option<Hold>, DbError> {
    let row: Option<(String, String, String, DateTime<Utc>)> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT office_code, service, starts_at, expires_at FROM slot_holds WHERE token = $1")
            .bind(token)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.and_then(|(office_code, service, starts_at, expires)| {
        Some(Hold {
            token: token.to_owned(),
            slot: Slot { office_code, service: Service::parse(&service)?, starts: parse_slot(&starts_at)? },
            expires,
        })
    }))
}

/// An appointment as it is written: everything but the row id.
pub struct NewAppointment<'a> {
    /// Its confirmation number.
    pub confirmation: &'a Confirmation,
    /// The keyed hash of its PIN.
    pub pin_hash: &'a str,
    /// The keyed hash of the person (the one-appointment rule, R-IP-04).
    pub person: &'a str,
    /// The slot.
    pub slot: &'a Slot,
    /// The start in UTC.
    pub starts_utc: DateTime<Utc>,
    /// The customer's details.
    pub details: &'a Details,
    /// The language booked in.
    pub lang: Lang,
    /// The registered representative who booked it.
    pub representative: Option<i64>,
}

/// Writes a booked appointment; returns its row id. An appointment of the person that has begun
/// first stops counting as their active one; an active one left is `AlreadyBooked` (R-IP-04).
pub async fn insert_appointment(tx: &mut Tx, a: &NewAppointment<'_>, now: DateTime<Utc>) -> Result<i64, BookError> {
    let (slot, d) = (a.slot, a.details);
    let inserted: Result<i64, sqlx::Error> = crate::with_tx!(tx, conn => {
        // An appointment that has begun no longer counts as the person's active one.
        sqlx::query("UPDATE appointments SET person_key = NULL WHERE person_key = $1 AND starts_utc <= $2")
            .bind(a.person)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        sqlx::query_scalar(
            "INSERT INTO appointments (confirmation, pin_hash, person_key, office_code, service, starts_at, starts_utc, \
             first_name, last_name, birth_date, zip, phone, email, a_number, receipt_number, country, purpose, lang, \
             representative_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
        )
        .bind(a.confirmation.as_str())
        .bind(a.pin_hash)
        .bind(a.person)
        .bind(&slot.office_code)
        .bind(slot.service.code())
        .bind(slot_key(slot.starts))
        .bind(a.starts_utc)
        .bind(&d.first_name)
        .bind(&d.last_name)
        .bind(d.birth_date.to_string())
        .bind(d.zip.as_str())
        .bind(d.phone.as_str())
        .bind(d.email.as_ref().map(|e| e.as_str()))
        .bind(d.a_number.as_ref().map(|a| a.as_str()))
        .bind(d.receipt_number.as_ref().map(|r| r.as_str()))
        .bind(d.country.as_deref())
        .bind(d.purpose.as_deref())
        .bind(a.lang.tag())
        .bind(a.representative)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    });
    match inserted {
        Ok(id) => Ok(id),
        // The only other unique value, the confirmation number, is random; a clash of it is an error.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() && !e.message().contains("confirmation") => {
            Err(BookError::AlreadyBooked)
        }
        Err(e) => Err(e.into()),
    }
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// The columns of a row, as a macro so that statements are whole `&'static str`s (`concat!`),
/// with no SQL assembled at run time.
macro_rules! columns {
    () => {
        "id, confirmation, office_code, service, starts_at, first_name, last_name, birth_date, zip, phone, \
                       email, a_number, receipt_number, country, purpose, lang"
    };
}

fn appointment(row: Row) -> Option<Appointment> {
    let (
        id,
        confirmation,
        office_code,
        service,
        starts_at,
        first_name,
        last_name,
        birth,
        zip,
        phone,
        email,
        a,
        r,
        c,
        p,
        l,
    ) = row;
    Some(Appointment {
        id,
        confirmation: confirmation.parse().ok()?,
        office_code,
        service: Service::parse(&service)?,
        starts: parse_slot(&starts_at)?,
        details: Details {
            first_name,
            last_name,
            birth_date: birth.parse().ok()?,
            zip: zip.parse().ok()?,
            phone: phone.parse().ok()?,
            email: email.and_then(|e| e.parse().ok()),
            a_number: a.and_then(|a| a.parse().ok()),
            receipt_number: r.and_then(|r| r.parse().ok()),
            country: c,
            purpose: p,
        },
        lang: Lang::from_tag(&l).unwrap_or(Lang::En),
    })
}

/// The appointment of a confirmation number.
pub async fn by_confirmation(db: &Db, confirmation: &Confirmation) -> Result<Option<Appointment>, DbError> {
    let row: Option<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM appointments WHERE confirmation = $1"))
            .bind(confirmation.as_str())
            .fetch_optional(pool)
            .await?
    });
    Ok(row.and_then(appointment))
}

/// The appointments of an office on a day (local time), earliest first.
pub async fn of_day(db: &Db, office: &str, day: NaiveDate) -> Result<Vec<Appointment>, DbError> {
    let from = slot_key(day.and_time(chrono::NaiveTime::MIN));
    let to = slot_key((day + Duration::days(1)).and_time(chrono::NaiveTime::MIN));
    let rows: Vec<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM appointments WHERE office_code = $1 AND starts_at >= $2 AND starts_at < $3 ORDER BY starts_at, id"))
        .bind(office)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().filter_map(appointment).collect())
}

/// The person's (by person key) appointment still ahead at `now` with this telephone number.
pub async fn upcoming_of_person(
    db: &Db,
    person: &str,
    phone: &crate::kernel::contact::Phone,
    now: DateTime<Utc>,
) -> Result<Option<Appointment>, DbError> {
    let row: Option<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM appointments WHERE person_key = $1 AND phone = $2 AND starts_utc > $3"))
        .bind(person)
        .bind(phone.as_str())
        .bind(now)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.and_then(appointment))
}

/// Adds one to the anonymous count of an outcome.
pub async fn count_outcome(tx: &mut Tx, office: &str, service: &str, day: &str, outcome: &str) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO appointment_counts (office_code, service, day, outcome, n) VALUES ($1, $2, $3, $4, 1) \
             ON CONFLICT (office_code, service, day, outcome) DO UPDATE SET n = appointment_counts.n + 1",
        )
        .bind(office)
        .bind(service)
        .bind(day)
        .bind(outcome)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// The appointment of a confirmation number as cancelling checks it: id, stored PIN hash,
/// office, service and start as stored.
pub async fn pin_of(
    tx: &mut Tx,
    confirmation: &Confirmation,
) -> Result<Option<(i64, String, String, String, String)>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, pin_hash, office_code, service, starts_at FROM appointments WHERE confirmation = $1",
        )
        .bind(confirmation.as_str())
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// The appointment of a confirmation number that a representative booked: id, office, service
/// and start as stored.
pub async fn of_representative(
    tx: &mut Tx,
    representative: i64,
    confirmation: &Confirmation,
) -> Result<Option<(i64, String, String, String)>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, office_code, service, starts_at FROM appointments WHERE confirmation = $1 AND representative_id = $2",
        )
        .bind(confirmation.as_str())
        .bind(representative)
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// Deletes an appointment with all its personal data (its queued messages go by foreign key).
pub async fn delete_appointment(tx: &mut Tx, id: i64) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("DELETE FROM appointments WHERE id = $1").bind(id).execute(&mut *conn).await?;
    });
    Ok(())
}

/// An appointment's row as a survey invitation reads it: id, office, service, start, email, language.
pub type ContactRow = (i64, String, String, String, String, String);

/// The survey contact of a row; None when its start does not read as a day.
pub fn contact(r: ContactRow) -> Option<SurveyContact> {
    Some(SurveyContact {
        appointment_id: r.0,
        office_code: r.1,
        service: r.2,
        day: NaiveDate::parse_from_str(r.3.get(..10)?, "%Y-%m-%d").ok()?,
        email: r.4,
        lang: Lang::from_tag(&r.5).unwrap_or(Lang::En),
    })
}

/// Appointments with an email address that started at or after `from` and either started before
/// `passed_before` (their day is over) or are among `closed` (visits the lobby closed), for the
/// survey invitations (R-SV-01).
pub async fn survey_contacts(
    db: &Db,
    from: DateTime<Utc>,
    passed_before: DateTime<Utc>,
    closed: &[i64],
) -> Result<Vec<SurveyContact>, DbError> {
    let rows: Vec<ContactRow> = crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT id, office_code, service, starts_at, email, lang FROM appointments WHERE email IS NOT NULL AND starts_utc >= ",
        );
        q.push_bind(from).push(" AND (starts_utc < ").push_bind(passed_before);
        // A few hundred closed visits a day at most: one bound list is enough.
        for (i, id) in closed.iter().take(5_000).enumerate() {
            q.push(if i == 0 { " OR id IN (" } else { ", " }).push_bind(*id);
        }
        if !closed.is_empty() {
            q.push(")");
        }
        q.push(") ORDER BY id");
        q.build_query_as().fetch_all(pool).await?
    });
    Ok(rows.into_iter().filter_map(contact).collect())
}

/// The email address and language of appointments that still have them (survey reminders).
pub async fn survey_contacts_of(db: &Db, ids: &[i64]) -> Result<Vec<SurveyContact>, DbError> {
    let mut out = Vec::new();
    for part in ids.chunks(500) {
        let rows: Vec<ContactRow> = crate::with_db!(db, pool => {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT id, office_code, service, starts_at, email, lang FROM appointments WHERE email IS NOT NULL",
            );
            crate::kernel::db::push_in(&mut q, "id", part);
            q.build_query_as().fetch_all(pool).await?
        });
        out.extend(rows.into_iter().filter_map(contact));
    }
    Ok(out)
}

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
