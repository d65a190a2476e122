//! Booking, reprinting and cancelling appointments (R-IP-02 to R-IP-09), and the seats of each
//! slot. A slot's seats are counted in `slot_usage` and taken by a conditional update against the
//! service's capacity, so the database keeps any number of concurrent bookings within capacity.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::calendar::Service;
use super::model::{Appointment, Details, person_key, pin_hash};
use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::i18n::Lang;
use crate::kernel::ids::{Confirmation, Pin};
use crate::kernel::random::{self, RandomError};
use crate::kernel::tokens::TokenKey;
use crate::notify::{self, Channel, Message};

/// How long a slot is kept for a customer filling in the form.
pub const HOLD_MINUTES: i64 = 15;

pub use super::calendar::{parse_slot, slot_key};

/// One slot of one service at one office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Field office.
    pub office_code: String,
    /// Appointment type.
    pub service: Service,
    /// Start, local time.
    pub starts: NaiveDateTime,
}

/// A seat kept for a customer until `expires`.
#[derive(Debug, Clone)]
pub struct Hold {
    /// The token in the booking pages' address.
    pub token: String,
    /// The slot.
    pub slot: Slot,
    /// When the seat goes back.
    pub expires: DateTime<Utc>,
}

/// Why a booking did not go through.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// The slot filled up (the hold had expired and others took the seats).
    #[error("the slot is full")]
    SlotTaken,
    /// The person already holds an appointment (R-IP-04).
    #[error("the person already has an appointment")]
    AlreadyBooked,
    /// Storage.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The random generator.
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl From<sqlx::Error> for BookError {
    fn from(e: sqlx::Error) -> Self {
        BookError::Db(e.into())
    }
}

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
async fn take_seat(tx: &mut Tx, slot: &Slot) -> Result<bool, DbError> {
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

async fn give_back_seat(tx: &mut Tx, office: &str, service: &str, starts_at: &str) -> Result<(), DbError> {
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

/// Gives back the seats of holds that expired (of one slot, or of all when `slot` is None).
async fn release_expired_in(tx: &mut Tx, slot: Option<&Slot>, now: DateTime<Utc>) -> Result<u64, DbError> {
    let expired: Vec<(String, String, String, String)> = crate::with_tx!(tx, conn => {
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
    });
    let mut released = 0;
    for (token, office, service, starts_at) in expired {
        let gone = crate::with_tx!(tx, conn => {
            sqlx::query("DELETE FROM slot_holds WHERE token = $1").bind(&token).execute(&mut *conn).await?.rows_affected()
        });
        if gone == 1 {
            give_back_seat(tx, &office, &service, &starts_at).await?;
            released += 1;
        }
    }
    Ok(released)
}

/// Gives back the seats of every expired hold (the worker runs this every minute).
pub async fn release_expired(db: &Db, now: DateTime<Utc>) -> Result<u64, DbError> {
    let mut tx = db.begin().await?;
    let n = release_expired_in(&mut tx, None, now).await?;
    tx.commit().await?;
    Ok(n)
}

/// Keeps a seat of the slot for [`HOLD_MINUTES`]; None when the slot is full.
pub async fn hold(db: &Db, slot: &Slot, now: DateTime<Utc>) -> Result<Option<Hold>, BookError> {
    let token = random::token(18)?;
    let expires = now + Duration::minutes(HOLD_MINUTES);
    let mut tx = db.begin().await?;
    release_expired_in(&mut tx, Some(slot), now).await?;
    if !take_seat(&mut tx, slot).await? {
        return Ok(None);
    }
    crate::with_tx!(&mut tx, conn => {
        sqlx::query("INSERT INTO slot_holds (token, office_code, service, starts_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&token)
            .bind(&slot.office_code)
            .bind(slot.service.code())
            .bind(slot_key(slot.starts))
            .bind(expires)
            .execute(&mut *conn)
            .await?;
    });
    tx.commit().await?;
    Ok(Some(Hold { token, slot: slot.clone(), expires }))
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

/// What the customer gets at confirmation: the appointment and its PIN, shown this once.
#[derive(Debug)]
pub struct Booked {
    /// The appointment.
    pub appointment: Appointment,
    /// The PIN (R-IP-07): never stored, never shown again.
    pub pin: Pin,
}

/// Writes the email copy of a booked appointment: (subject, body, calendar file).
pub type Compose<'a> = dyn Fn(&Appointment) -> (String, String, String) + Send + Sync + 'a;

/// Who books, and where the email copy goes.
pub struct Booking<'a> {
    /// The hold the customer filled the form under.
    pub hold: &'a Hold,
    /// The customer's details.
    pub details: &'a Details,
    /// The language of the pages, and of the email copy.
    pub lang: Lang,
    /// The office's time zone.
    pub tz: Tz,
    /// The registered representative booking for a client (R-IP-05).
    pub representative: Option<i64>,
    /// Writes the email copy, sent when the customer gave an email address.
    pub email: &'a Compose<'a>,
    /// The address the booking came from, for the audit trail.
    pub ip: &'a str,
}

/// Who acted, as the audit trail names a member of the public: `public`, or the portfolio
/// account of a registered representative. Identifiers only, never a name (R-AU-05).
fn public_actor(customer: Option<i64>) -> String {
    customer.map_or_else(|| "public".to_owned(), |id| format!("customer:{id}"))
}

/// An audit entry of a public booking, reprint or cancellation: the appointment's row id
/// identifies it, the service says what it was; the customer's details stay out, and so does
/// the confirmation number, which a cancellation must leave nowhere (R-AU-05).
fn public_entry<'a>(
    category: Category,
    event: &'a str,
    (who, ip): (&'a str, &'a str),
    office: &'a str,
    record: &'a str,
    outcome: Outcome,
    detail: &'a str,
) -> Entry<'a> {
    Entry { category, event, username: who, ip, office, record, outcome, detail }
}

/// Books the held slot (R-IP-02, R-IP-04, R-IP-06). The hold's seat becomes the appointment's;
/// if the hold had already been given back, a free seat is taken instead, if any. A person with
/// an active appointment is refused; one whose appointment has passed may book again.
pub async fn book(db: &Db, key: &TokenKey, b: &Booking<'_>, now: DateTime<Utc>) -> Result<Booked, BookError> {
    let confirmation = Confirmation::random()?;
    let pin = Pin::random()?;
    let slot = &b.hold.slot;
    let d = b.details;
    let person = person_key(key, &d.first_name, &d.last_name, d.birth_date);
    let starts_utc = b.tz.from_local_datetime(&slot.starts).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(now);
    let mut tx = db.begin().await?;
    let had_seat = crate::with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM slot_holds WHERE token = $1").bind(&b.hold.token).execute(&mut *conn).await?.rows_affected() == 1
    });
    if !had_seat && !take_seat(&mut tx, slot).await? {
        return Err(BookError::SlotTaken);
    }
    let inserted: Result<i64, sqlx::Error> = crate::with_tx!(&mut tx, conn => {
        // An appointment that has begun no longer counts as the person's active one.
        sqlx::query("UPDATE appointments SET person_key = NULL WHERE person_key = $1 AND starts_utc <= $2")
            .bind(&person)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        sqlx::query_scalar(
            "INSERT INTO appointments (confirmation, pin_hash, person_key, office_code, service, starts_at, starts_utc, \
             first_name, last_name, birth_date, zip, phone, email, a_number, receipt_number, country, purpose, lang, \
             representative_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
        )
        .bind(confirmation.as_str())
        .bind(pin_hash(key, &confirmation, pin.as_str()))
        .bind(&person)
        .bind(&slot.office_code)
        .bind(slot.service.code())
        .bind(slot_key(slot.starts))
        .bind(starts_utc)
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
        .bind(b.lang.tag())
        .bind(b.representative)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    });
    let id = match inserted {
        Ok(id) => id,
        // The only other unique value, the confirmation number, is random; a clash of it is an error.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() && !e.message().contains("confirmation") => {
            return Err(BookError::AlreadyBooked);
        }
        Err(e) => return Err(e.into()),
    };
    let appointment = Appointment {
        id,
        confirmation,
        office_code: slot.office_code.clone(),
        service: slot.service,
        starts: slot.starts,
        details: d.clone(),
        lang: b.lang,
    };
    if let Some(email) = &d.email {
        let (subject, body, ics) = (b.email)(&appointment);
        let message = Message {
            channel: Channel::Email,
            recipient: email.as_str().to_owned(),
            subject,
            body,
            customer_id: None,
            appointment_id: Some(id),
            attachment: Some(ics),
        };
        notify::enqueue(&mut tx, now, &message).await?;
    }
    let (who, record) = (public_actor(b.representative), format!("appointment:{id}"));
    let e = public_entry(
        Category::Change,
        "appointments.book",
        (&who, b.ip),
        &slot.office_code,
        &record,
        Outcome::Ok,
        slot.service.code(),
    );
    audit::record(&mut tx, now, &e).await?;
    tx.commit().await?;
    Ok(Booked { appointment, pin })
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

/// The person's upcoming appointment, found by name, date of birth and telephone (R-IP-08); the
/// reprint, or the search that found nothing, is audited with identifiers only (R-AU-05).
#[expect(clippy::too_many_arguments, reason = "the three facts asked, and who asks when")]
pub async fn reprint(
    db: &Db,
    key: &TokenKey,
    first_name: &str,
    last_name: &str,
    birth_date: NaiveDate,
    phone: &crate::kernel::contact::Phone,
    now: DateTime<Utc>,
    ip: &str,
) -> Result<Option<Appointment>, DbError> {
    let person = person_key(key, first_name, last_name, birth_date);
    let row: Option<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM appointments WHERE person_key = $1 AND phone = $2 AND starts_utc > $3"))
        .bind(&person)
        .bind(phone.as_str())
        .bind(now)
        .fetch_optional(pool)
        .await?
    });
    let found = row.and_then(appointment);
    let who = public_actor(None);
    let record = found.as_ref().map_or_else(|| "-".to_owned(), |a| format!("appointment:{}", a.id));
    let (office, outcome, detail) = match &found {
        Some(a) => (a.office_code.as_str(), Outcome::Ok, a.service.code()),
        None => ("-", Outcome::Failed, ""),
    };
    let e = public_entry(Category::Access, "appointments.reprint", (&who, ip), office, &record, outcome, detail);
    audit::record_alone(db, now, &e).await?;
    Ok(found)
}

/// Why a cancellation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    /// No appointment has this confirmation number and PIN (which of the two is wrong is not said).
    #[error("no appointment matches")]
    NoMatch,
    /// Too many wrong PINs: locked until then.
    #[error("locked")]
    Locked(DateTime<Utc>),
    /// Storage.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for CancelError {
    fn from(e: sqlx::Error) -> Self {
        CancelError::Db(e.into())
    }
}

/// What remains of a cancelled appointment, for the page that confirms it.
#[derive(Debug, Clone)]
pub struct Cancelled {
    /// Field office.
    pub office_code: String,
    /// Start, local time.
    pub starts: NaiveDateTime,
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

/// The appointment a confirmation number and PIN name, checked as cancelling checks them (a wrong
/// PIN earns that address its delays), for the page that asks once more before it cancels.
pub async fn check(
    db: &Db,
    key: &TokenKey,
    confirmation: &Confirmation,
    pin: &Pin,
    now: DateTime<Utc>,
    ip: &str,
) -> Result<Cancelled, CancelError> {
    let mut tx = db.begin().await?;
    let found = verify(&mut tx, key, confirmation, pin, (now, ip)).await;
    tx.commit().await?;
    let (_, office, _, starts_at) = found?;
    Ok(Cancelled { office_code: office, starts: parse_slot(&starts_at).unwrap_or_default() })
}

/// Cancels with confirmation number and PIN (R-IP-09). A wrong PIN earns growing delays by number
/// and by address (`kernel::throttle`), never a lock a stranger could put on the customer: an
/// address that has not guessed wrong is still heard. Cancelling deletes the appointment's row, and with it
/// its queued messages; only an anonymous count stays.
pub async fn cancel(
    db: &Db,
    key: &TokenKey,
    confirmation: &Confirmation,
    pin: &Pin,
    now: DateTime<Utc>,
    ip: &str,
) -> Result<Cancelled, CancelError> {
    let mut tx = db.begin().await?;
    let (id, office, service, starts_at) = match verify(&mut tx, key, confirmation, pin, (now, ip)).await {
        Ok(found) => found,
        Err(e) => {
            tx.commit().await?; // keeps the wrong PINs' delays and their audit entries
            return Err(e);
        }
    };
    // The appointment goes, and with it what its number's guessers earned.
    crate::kernel::throttle::forget_account(&mut tx, crate::kernel::throttle::Secret::AppointmentPin, &id.to_string())
        .await?;
    let (who, record) = (public_actor(None), format!("appointment:{id}"));
    let e = public_entry(Category::Change, "appointments.cancel", (&who, ip), &office, &record, Outcome::Ok, &service);
    audit::record(&mut tx, now, &e).await?;
    let cancelled = withdraw(&mut tx, id, office, &service, &starts_at).await?;
    tx.commit().await?;
    Ok(cancelled)
}

/// The appointment's id, office, service and start when the PIN is its own. An address that must
/// wait is not heard, and a wrong PIN earns delays (`kernel::throttle`); both are audited in `tx`.
async fn verify(
    tx: &mut Tx,
    key: &TokenKey,
    confirmation: &Confirmation,
    pin: &Pin,
    (now, ip): (DateTime<Utc>, &str),
) -> Result<(i64, String, String, String), CancelError> {
    use crate::kernel::throttle::{self, Secret, Verdict};
    type Stored = (i64, String, String, String, String);
    let row: Option<Stored> = crate::with_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, pin_hash, office_code, service, starts_at FROM appointments WHERE confirmation = $1",
        )
        .bind(confirmation.as_str())
        .fetch_optional(&mut *conn)
        .await?
    });
    let Some((id, stored, office, service, starts_at)) = row else {
        return Err(CancelError::NoMatch);
    };
    let account = id.to_string();
    let (who, record) = (public_actor(None), format!("appointment:{id}"));
    if let Verdict::Wait(until) = throttle::check(tx, Secret::AppointmentPin, &account, ip, now).await? {
        let e = public_entry(
            Category::Security,
            "appointments.cancel",
            (&who, ip),
            &office,
            &record,
            Outcome::Denied,
            "throttled",
        );
        audit::record(tx, now, &e).await?;
        return Err(CancelError::Locked(until));
    }
    let given = pin_hash(key, confirmation, pin.as_str());
    if !random::constant_time_eq(given.as_bytes(), stored.as_bytes()) {
        throttle::failed(tx, Secret::AppointmentPin, &account, ip, now).await?;
        let e = public_entry(
            Category::Security,
            "appointments.cancel",
            (&who, ip),
            &office,
            &record,
            Outcome::Denied,
            "wrong PIN",
        );
        audit::record(tx, now, &e).await?;
        return Err(CancelError::NoMatch);
    }
    Ok((id, office, service, starts_at))
}

/// Cancels an appointment a registered representative booked (R-IP-05): theirs to cancel from
/// their account, without the PIN their client holds.
pub async fn cancel_for_representative(
    db: &Db,
    representative: i64,
    confirmation: &Confirmation,
    (now, ip): (DateTime<Utc>, &str),
) -> Result<Cancelled, CancelError> {
    let mut tx = db.begin().await?;
    let row: Option<(i64, String, String, String)> = crate::with_tx!(&mut tx, conn => {
        sqlx::query_as(
            "SELECT id, office_code, service, starts_at FROM appointments WHERE confirmation = $1 AND representative_id = $2",
        )
        .bind(confirmation.as_str())
        .bind(representative)
        .fetch_optional(&mut *conn)
        .await?
    });
    let Some((id, office, service, starts_at)) = row else { return Err(CancelError::NoMatch) };
    let (who, record) = (public_actor(Some(representative)), format!("appointment:{id}"));
    let e = public_entry(Category::Change, "appointments.cancel", (&who, ip), &office, &record, Outcome::Ok, &service);
    audit::record(&mut tx, now, &e).await?;
    let cancelled = withdraw(&mut tx, id, office, &service, &starts_at).await?;
    tx.commit().await?;
    Ok(cancelled)
}

/// Deletes a cancelled appointment with all its personal data, gives its seat back and counts it.
async fn withdraw(tx: &mut Tx, id: i64, office: String, service: &str, starts_at: &str) -> Result<Cancelled, DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("DELETE FROM appointments WHERE id = $1").bind(id).execute(&mut *conn).await?;
    });
    give_back_seat(tx, &office, service, starts_at).await?;
    count_outcome(tx, &office, service, starts_at.get(..10).unwrap_or(""), "cancelled").await?;
    Ok(Cancelled { office_code: office, starts: parse_slot(starts_at).unwrap_or_default() })
}

/// What a survey invitation needs of an appointment (R-SV-01), and nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyContact {
    /// The appointment.
    pub appointment_id: i64,
    /// Its office.
    pub office_code: String,
    /// Its service code.
    pub service: String,
    /// Its day (local).
    pub day: NaiveDate,
    /// The customer's email address.
    pub email: String,
    /// The customer's language.
    pub lang: Lang,
}

type ContactRow = (i64, String, String, String, String, String);

fn contact(r: ContactRow) -> Option<SurveyContact> {
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

/// Brings in past appointments (the demo's quarter, R-RP-01) as what remains of an appointment
/// once its day is gone: anonymous counts of those kept on the books and those cancelled
/// (R-RT-03). A load of data at set-up, not a person's step: no actor, no audit.
pub async fn import_past(db: &Db, past: &[super::model::PastAppointments]) -> Result<u64, DbError> {
    super::store::import_past(db, past).await
}

/// Appointments dated before `before` (an ISO day): what the retention engine would purge.
pub async fn expired_appointments(db: &Db, before: &str) -> Result<crate::kernel::db::Extent, DbError> {
    super::store::expired_appointments(db, before).await
}

/// Whether appointment `id` exists (the retention engine refuses a hold on nothing).
pub async fn appointment_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    super::store::appointment_exists(tx, id).await
}

/// The retention engine's purge of appointments (R-RT-01): up to `batch` dated before `before`,
/// not those in `keep` (held), are deleted and counted as `purged` in `appointment_counts`
/// (R-RT-03). Runs inside the engine's transaction.
pub async fn purge_appointments_before(tx: &mut Tx, before: &str, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    super::store::purge_appointments_before(tx, before, batch, keep).await
}
