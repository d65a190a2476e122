//! Booking, reprinting and cancelling appointments (R-IP-02 to R-IP-09), and the seats of each
//! slot: the use cases of the public pages, each with its audit record in the same transaction
//! (members of the public act without an account; identifiers only, R-AU-05). The SQL is in
//! `store`.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::model::{BookError, Booked, Booking, CancelError, Cancelled, HOLD_MINUTES, Hold, Slot, SurveyContact};
use super::store::{self, NewAppointment};
use crate::infopass::calendar::{Service, parse_slot};
use crate::infopass::model::{Appointment, person_key, pin_hash};
use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::ids::{Confirmation, Pin};
use crate::kernel::random;
use crate::kernel::tokens::TokenKey;
use crate::notify::{self, Channel, Message};

/// Seats taken of each slot of a service at an office from `from` on (local time), by stored start.
pub async fn taken(
    db: &Db,
    office: &str,
    service: Service,
    from: NaiveDateTime,
) -> Result<HashMap<String, i32>, DbError> {
    store::taken(db, office, service, from).await
}

/// Gives back the seats of holds that expired (of one slot, or of all when `slot` is None).
async fn release_expired_in(tx: &mut Tx, slot: Option<&Slot>, now: DateTime<Utc>) -> Result<u64, DbError> {
    let expired = store::expired_holds(tx, slot, now).await?;
    let mut released = 0;
    for (token, office, service, starts_at) in expired {
        if store::delete_hold(tx, &token).await? {
            store::give_back_seat(tx, &office, &service, &starts_at).await?;
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
    if !store::take_seat(&mut tx, slot).await? {
        return Ok(None);
    }
    store::insert_hold(&mut tx, &token, slot, expires).await?;
    tx.commit().await?;
    Ok(Some(Hold { token, slot: slot.clone(), expires }))
}

/// A hold by its token, expired or not, as long as its seat was not given back.
pub async fn hold_of(db: &Db, token: &str) -> Result<Option<Hold>, DbError> {
    store::hold_of(db, token).await
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
    let had_seat = store::delete_hold(&mut tx, &b.hold.token).await?;
    if !had_seat && !store::take_seat(&mut tx, slot).await? {
        return Err(BookError::SlotTaken);
    }
    let pin_hash = pin_hash(key, &confirmation, pin.as_str());
    let row = NewAppointment {
        confirmation: &confirmation,
        pin_hash: &pin_hash,
        person: &person,
        slot,
        starts_utc,
        details: d,
        lang: b.lang,
        representative: b.representative,
    };
    let id = store::insert_appointment(&mut tx, &row, now).await?;
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

/// The appointment of a confirmation number.
pub async fn by_confirmation(db: &Db, confirmation: &Confirmation) -> Result<Option<Appointment>, DbError> {
    store::by_confirmation(db, confirmation).await
}

/// The appointments of an office on a day (local time), earliest first.
pub async fn of_day(db: &Db, office: &str, day: NaiveDate) -> Result<Vec<Appointment>, DbError> {
    store::of_day(db, office, day).await
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
    let found = store::upcoming_of_person(db, &person, phone, now).await?;
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
    let row = store::pin_of(tx, confirmation).await?;
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
    let row = store::of_representative(&mut tx, representative, confirmation).await?;
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
    store::delete_appointment(tx, id).await?;
    store::give_back_seat(tx, &office, service, starts_at).await?;
    store::count_outcome(tx, &office, service, starts_at.get(..10).unwrap_or(""), "cancelled").await?;
    Ok(Cancelled { office_code: office, starts: parse_slot(starts_at).unwrap_or_default() })
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
    store::survey_contacts(db, from, passed_before, closed).await
}

/// The email address and language of appointments that still have them (survey reminders).
pub async fn survey_contacts_of(db: &Db, ids: &[i64]) -> Result<Vec<SurveyContact>, DbError> {
    store::survey_contacts_of(db, ids).await
}

/// Brings in past appointments (the demo's quarter, R-RP-01) as what remains of an appointment
/// once its day is gone: anonymous counts of those kept on the books and those cancelled
/// (R-RT-03). A load of data at set-up, not a person's step: no actor, no audit.
pub async fn import_past(db: &Db, past: &[crate::infopass::model::PastAppointments]) -> Result<u64, DbError> {
    store::import_past(db, past).await
}

/// Appointments dated before `before` (an ISO day): what the retention engine would purge.
pub async fn expired_appointments(db: &Db, before: &str) -> Result<crate::kernel::db::Extent, DbError> {
    store::expired_appointments(db, before).await
}

/// Whether appointment `id` exists (the retention engine refuses a hold on nothing).
pub async fn appointment_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    store::appointment_exists(tx, id).await
}

/// The retention engine's purge of appointments (R-RT-01): up to `batch` dated before `before`,
/// not those in `keep` (held), are deleted and counted as `purged` in `appointment_counts`
/// (R-RT-03). Runs inside the engine's transaction.
pub async fn purge_appointments_before(tx: &mut Tx, before: &str, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    store::purge_appointments_before(tx, before, batch, keep).await
}
