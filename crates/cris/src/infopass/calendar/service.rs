//! Office calendars, the use cases (R-IP-01, R-IP-11): the standard calendar every field office
//! starts with, an office's calendar as the booking pages read it, and the closures and calendar
//! changes made by staff, each checked and audited in the transaction that makes it. Closing a day or some
//! hours cancels the appointments inside, tells each customer by email (or by text message when
//! no email was given) with a link to book again, and deletes their personal data, keeping only
//! anonymous counts, all in one transaction. A calendar change that leaves booked appointments
//! outside the new hours, days or services does the same to them, once the administrator has
//! confirmed how many.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::model::{
    Affected, Calendar, CalendarSaved, Hours, NewClosure, Offering, Service, fits, parse_slot, slot_key,
};
use super::store;
use crate::kernel::access::entry;
use crate::kernel::access::{Actor, Allowed};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::error::ServiceError;
use crate::kernel::i18n::{I18n, Lang};
use crate::notify::{self, Channel, Message};
use crate::reference::{Catalog, Office, OfficeKind, format_time};

/// Gives every field office without a calendar the standard one ([`Hours::standard`], every
/// service). Offices with a calendar keep theirs.
pub async fn ensure_defaults(db: &Db, catalog: &Catalog) -> Result<(), DbError> {
    let offices: Vec<&str> = catalog.offices_of_kind(OfficeKind::FieldOffice).map(|o| o.code.as_str()).collect();
    let offerings: Vec<Offering> = Service::ALL
        .into_iter()
        .map(|service| {
            let (slot_minutes, capacity) = service.default_offering();
            Offering { service, slot_minutes, capacity }
        })
        .collect();
    store::insert_defaults(db, &offices, &Hours::standard(), &offerings).await
}

/// An office's calendar, with the closures that end after `from` (local time); None when the
/// office takes no appointments.
pub async fn of_office(db: &Db, office: &str, from: NaiveDateTime) -> Result<Option<Calendar>, DbError> {
    store::of_office(db, office, from).await
}

/// Closes an office for a time: the closure is stored, every appointment inside it cancelled,
/// its customer told with a link to book again, and its personal data deleted. Returns how many
/// customers were told. The proof is of `appointments.manage` on the office (`appointments.close`).
pub async fn close(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    office: &Office,
    c: &NewClosure,
    public_url: &str,
) -> Result<usize, ServiceError> {
    let i18n = I18n::shared().ok_or_else(|| ServiceError::Internal("message catalogues not loaded".into()))?;
    let (from, to) = (slot_key(c.starts), slot_key(c.ends));
    let mut tx = db.begin().await?;
    store::insert_closure(&mut tx, &office.code, (&from, &to), &c.reason, (&actor.username, now)).await?;
    // Cancelled in the same statement that finds them: none booked meanwhile goes untold.
    let affected = store::withdraw_between(&mut tx, &office.code, &from, &to).await?;
    tell_cancelled(&mut tx, i18n, now, office, &affected, public_url).await?;
    let record = format!("office:{}", office.code);
    let detail = format!("{from} to {to}: {}; {} appointments cancelled", c.reason, affected.len());
    audit::record(&mut tx, now, &entry(actor, Category::Change, "appointments.close", &record, Outcome::Ok, &detail))
        .await?;
    tx.commit().await?;
    Ok(affected.len())
}

/// Tells each customer of appointments cancelled for a closure or a calendar change, in their
/// language, with a link to book again, and counts each as `closed`.
async fn tell_cancelled(
    tx: &mut Tx,
    i18n: &I18n,
    now: DateTime<Utc>,
    office: &Office,
    affected: &[Affected],
    public_url: &str,
) -> Result<(), DbError> {
    let link = format!("{}/appointments/{}", public_url.trim_end_matches('/'), office.code);
    let mut messages = Vec::new();
    for (service, starts_at, lang, email, phone) in affected {
        let lang = Lang::from_tag(lang).unwrap_or(Lang::En);
        let Some(starts) = parse_slot(starts_at) else { continue };
        let date = starts.date().format("%Y-%m-%d").to_string();
        let args = [
            ("office", office.name(lang)),
            ("date", date.as_str()),
            ("time", &format_time(starts.time(), lang)),
            ("service", Service::parse(service).map_or("", |s| s.name(lang))),
            ("link", &format!("{link}?lang={}", lang.tag())),
        ];
        let subject = i18n.t_args(lang, "ip-closure-subject", &args);
        let body = i18n.t_args(lang, "ip-closure-body", &args);
        // Email where given; otherwise a text to the telephone number, the one contact we have.
        let (channel, recipient) = match email {
            Some(e) => (Channel::Email, e.clone()),
            None => (Channel::Sms, phone.clone()),
        };
        messages.push(Message {
            channel,
            recipient,
            subject,
            body,
            customer_id: None,
            appointment_id: None,
            attachment: None,
        });
    }
    notify::enqueue_many(tx, now, &messages).await?;
    for (service, starts_at, ..) in affected {
        crate::infopass::booking::store::count_outcome(
            tx,
            &office.code,
            service,
            starts_at.get(..10).unwrap_or(""),
            "closed",
        )
        .await?;
    }
    Ok(())
}

/// An office's closures that end after `from` (local time), with their reasons and who set them.
pub async fn upcoming(
    db: &Db,
    office: &str,
    from: NaiveDateTime,
) -> Result<Vec<(String, String, String, String)>, DbError> {
    store::upcoming(db, office, from).await
}

/// Stores an office's hours and services (R-IP-01); audited with what was set. Booked
/// appointments from now on that the new calendar leaves out are counted first: unless
/// `confirmed` is that count, nothing is saved and the count is returned for the administrator
/// to confirm; once confirmed, they are cancelled, told and counted as a closure's are (R-IP-11).
/// The proof is of `offices.manage` on the office (`offices.calendar`).
#[expect(clippy::too_many_arguments, reason = "who, when, where, what, and the confirmation and link")]
pub async fn save_calendar(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    office: &Office,
    (hours, offerings): (&Hours, &[Offering]),
    confirmed: Option<usize>,
    public_url: &str,
) -> Result<CalendarSaved, ServiceError> {
    let i18n = I18n::shared().ok_or_else(|| ServiceError::Internal("message catalogues not loaded".into()))?;
    let local_now = slot_key(now.with_timezone(&office.tz).naive_local());
    let mut tx = db.begin().await?;
    let booked = store::booked_from(&mut tx, &office.code, &local_now).await?;
    let outside: Vec<i64> = booked
        .iter()
        .filter(|(_, service, starts_at)| match (Service::parse(service), parse_slot(starts_at)) {
            (Some(s), Some(at)) => !fits(hours, offerings, s, at),
            _ => false,
        })
        .map(|(id, ..)| *id)
        .collect();
    if !outside.is_empty() && confirmed != Some(outside.len()) {
        return Ok(CalendarSaved::Confirm(outside.len()));
    }
    let (office_full, office) = (office, office.code.as_str());
    store::write_calendar(&mut tx, office, hours, offerings).await?;
    let mut affected: Vec<Affected> = Vec::with_capacity(outside.len());
    for id in &outside {
        affected.extend(store::withdraw(&mut tx, *id).await?);
    }
    tell_cancelled(&mut tx, i18n, now, office_full, &affected, public_url).await?;
    let services: Vec<String> =
        offerings.iter().map(|o| format!("{} {}min x{}", o.service.code(), o.slot_minutes, o.capacity)).collect();
    let detail = format!(
        "{}-{} days {} horizon {}; {}; {} appointments outside it cancelled",
        hours.opens.format("%H:%M"),
        hours.closes.format("%H:%M"),
        hours.weekdays_code(),
        hours.horizon_days,
        services.join(", "),
        affected.len()
    );
    let record = format!("office:{office}");
    audit::record(&mut tx, now, &entry(actor, Category::Change, "offices.calendar", &record, Outcome::Ok, &detail))
        .await?;
    tx.commit().await?;
    Ok(CalendarSaved::Saved(affected.len()))
}
