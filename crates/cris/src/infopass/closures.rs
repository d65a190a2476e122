//! Office closures and calendar changes made by staff (R-IP-01, R-IP-11). Closing a day or some
//! hours cancels the appointments inside, tells each customer by email (or by text message when
//! no email was given) with a link to book again, and deletes their personal data, keeping only
//! anonymous counts, all in one transaction. A calendar change that leaves booked appointments
//! outside the new hours, days or services does the same to them, once the administrator has
//! confirmed how many.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use super::booking::{count_outcome, parse_slot, slot_key};
use super::calendar::{Hours, Offering, Service};
use crate::kernel::access::{Actor, Capability};
use crate::kernel::access::{entry, permit_at};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;
use crate::kernel::i18n::{I18n, Lang};
use crate::notify::{self, Channel, Message};
use crate::reference::{Catalog, Office, format_time};

/// A closure as typed: a day, and the hours (the whole day when none are given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClosure {
    /// From, local time.
    pub starts: NaiveDateTime,
    /// Until, local time.
    pub ends: NaiveDateTime,
    /// Why (for staff; customers are told the office is closed).
    pub reason: String,
}

impl NewClosure {
    /// Parses the closure form; the day must not be before `today`.
    pub fn parse(day: &str, from: &str, to: &str, reason: &str, today: NaiveDate) -> Result<NewClosure, InvalidInput> {
        let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
            .map_err(|_| InvalidInput::new("day", "Enter the day as YYYY-MM-DD.").with_code("closure-day"))?;
        if day < today {
            return Err(InvalidInput::new("day", "A closure cannot be in the past.").with_code("closure-past"));
        }
        let time = |field: &'static str, s: &str, whole: NaiveTime| match s.trim() {
            "" => Ok(whole),
            s => NaiveTime::parse_from_str(s, "%H:%M")
                .map_err(|_| InvalidInput::new(field, "Enter the time as HH:MM.").with_code("closure-time")),
        };
        let from = time("from", from, NaiveTime::MIN)?;
        let (starts, ends) = match to.trim() {
            // The whole day, or from a time to the end of the day.
            "" => (day.and_time(from), day.succ_opt().unwrap_or(day).and_time(NaiveTime::MIN)),
            _ => (day.and_time(from), day.and_time(time("to", to, NaiveTime::MIN)?)),
        };
        if ends <= starts {
            return Err(InvalidInput::new("to", "The closure must end after it starts.").with_code("closure-order"));
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(
                InvalidInput::new("reason", "Give the reason, in up to 200 characters.").with_code("closure-reason")
            );
        }
        Ok(NewClosure { starts, ends, reason: reason.to_owned() })
    }
}

/// Closes an office for a time: the closure is stored, every appointment inside it cancelled,
/// its customer told with a link to book again, and its personal data deleted. Returns how many
/// customers were told.
pub async fn close(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    office: &Office,
    c: &NewClosure,
    public_url: &str,
) -> Result<usize, ServiceError> {
    permit_at(db, catalog, actor, now, Capability::AppointmentsManage, ("appointments.close", &office.code)).await?;
    let i18n = I18n::shared().ok_or_else(|| ServiceError::Internal("message catalogues not loaded".into()))?;
    let (from, to) = (slot_key(c.starts), slot_key(c.ends));
    let mut tx = db.begin().await?;
    let affected: Vec<Affected> = crate::with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO office_closures (office_code, starts_at, ends_at, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&office.code)
        .bind(&from)
        .bind(&to)
        .bind(&c.reason)
        .bind(&actor.username)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        // Cancelled in the same statement that finds them: none booked meanwhile goes untold.
        sqlx::query_as(
            "DELETE FROM appointments WHERE office_code = $1 AND starts_at >= $2 AND starts_at < $3 \
             RETURNING service, starts_at, lang, email, phone",
        )
        .bind(&office.code)
        .bind(&from)
        .bind(&to)
        .fetch_all(&mut *conn)
        .await?
    });
    tell_cancelled(&mut tx, i18n, now, office, &affected, public_url).await?;
    let record = format!("office:{}", office.code);
    let detail = format!("{from} to {to}: {}; {} appointments cancelled", c.reason, affected.len());
    audit::record(&mut tx, now, &entry(actor, Category::Change, "appointments.close", &record, Outcome::Ok, &detail))
        .await?;
    tx.commit().await?;
    Ok(affected.len())
}

/// A cancelled appointment's service, start (local, as stored), language, email and telephone.
type Affected = (String, String, String, Option<String>, String);

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
        count_outcome(tx, &office.code, service, starts_at.get(..10).unwrap_or(""), "closed").await?;
    }
    Ok(())
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

/// What saving a calendar did, or needs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarSaved {
    /// Saved; this many booked appointments fell outside it and were cancelled as by a closure.
    Saved(usize),
    /// Nothing saved: this many booked appointments would fall outside the new calendar. Saving
    /// again with this count confirmed cancels them (R-IP-11).
    Confirm(usize),
}

/// Whether a booked appointment still fits a calendar: its service offered, its day open, and
/// its slot (at the new length) inside the hours.
pub fn fits(hours: &Hours, offerings: &[Offering], service: Service, starts: NaiveDateTime) -> bool {
    let Some(o) = offerings.iter().find(|o| o.service == service) else { return false };
    let open_day = hours.weekdays.get(starts.weekday().num_days_from_monday() as usize).copied().unwrap_or(false);
    let ends = starts + Duration::minutes(i64::from(o.slot_minutes));
    open_day && starts.time() >= hours.opens && ends <= starts.date().and_time(hours.closes)
}

/// Stores an office's hours and services (R-IP-01); audited with what was set. Booked
/// appointments from now on that the new calendar leaves out are counted first: unless
/// `confirmed` is that count, nothing is saved and the count is returned for the administrator
/// to confirm; once confirmed, they are cancelled, told and counted as a closure's are (R-IP-11).
#[expect(clippy::too_many_arguments, reason = "who, when, where, what, and the confirmation and link")]
pub async fn save_calendar(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    office: &Office,
    (hours, offerings): (&Hours, &[Offering]),
    confirmed: Option<usize>,
    public_url: &str,
) -> Result<CalendarSaved, ServiceError> {
    permit_at(db, catalog, actor, now, Capability::OfficesManage, ("offices.calendar", &office.code)).await?;
    let i18n = I18n::shared().ok_or_else(|| ServiceError::Internal("message catalogues not loaded".into()))?;
    let local_now = slot_key(now.with_timezone(&office.tz).naive_local());
    let mut tx = db.begin().await?;
    let booked: Vec<(i64, String, String)> = crate::with_tx!(&mut tx, conn => {
        sqlx::query_as("SELECT id, service, starts_at FROM appointments WHERE office_code = $1 AND starts_at >= $2 ORDER BY id")
            .bind(&office.code)
            .bind(&local_now)
            .fetch_all(&mut *conn)
            .await?
    });
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
    crate::with_tx!(&mut tx, conn => {
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
    let mut affected: Vec<Affected> = Vec::with_capacity(outside.len());
    for id in &outside {
        let row: Option<Affected> = crate::with_tx!(&mut tx, conn => {
            sqlx::query_as("DELETE FROM appointments WHERE id = $1 RETURNING service, starts_at, lang, email, phone")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        });
        affected.extend(row);
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

#[cfg(test)]
mod tests {
    use super::*;

    // R-IP-11: an appointment fits a calendar only with its service offered, its day open and its
    // slot inside the hours.
    #[test]
    fn appointments_fit_a_calendar_or_not() {
        let hours = Hours::standard(); // Monday to Friday, 8:00 to 15:30
        let documents = Offering { service: Service::Documents, slot_minutes: 30, capacity: 2 };
        let monday = |h: u32, m: u32| NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(h, m, 0).unwrap();
        assert!(fits(&hours, &[documents], Service::Documents, monday(15, 0)));
        assert!(!fits(&hours, &[documents], Service::Documents, monday(15, 15)), "ends after closing");
        assert!(!fits(&hours, &[documents], Service::Documents, monday(7, 30)), "before opening");
        assert!(!fits(&hours, &[documents], Service::Information, monday(9, 0)), "service removed");
        let saturday = monday(9, 0) + Duration::days(5);
        assert!(!fits(&hours, &[documents], Service::Documents, saturday), "day closed");
    }

    // R-IP-11: a closure is a day or some hours of it, never in the past, always with a reason.
    #[test]
    fn closures_are_parsed_once() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let whole = NewClosure::parse("2026-11-23", "", "", "Training", today).unwrap();
        assert_eq!(
            (slot_key(whole.starts), slot_key(whole.ends)),
            ("2026-11-23T00:00".into(), "2026-11-24T00:00".into())
        );
        let part = NewClosure::parse("2026-11-23", "12:00", "13:30", "Power cut", today).unwrap();
        assert_eq!(
            (slot_key(part.starts), slot_key(part.ends)),
            ("2026-11-23T12:00".into(), "2026-11-23T13:30".into())
        );
        // Each refusal names its field and the code pages word it by (issue 17).
        let field = |d: &str, f: &str, t: &str, r: &str| {
            let e = NewClosure::parse(d, f, t, r, today).unwrap_err();
            (e.field, e.code.unwrap_or_default())
        };
        assert_eq!(field("2026-11-21", "", "", "x"), ("day", "closure-past"));
        assert_eq!(field("23/11/2026", "", "", "x"), ("day", "closure-day"));
        assert_eq!(field("2026-11-23", "13:00", "12:00", "x"), ("to", "closure-order"));
        assert_eq!(field("2026-11-23", "9am", "", "x"), ("from", "closure-time"));
        assert_eq!(field("2026-11-23", "", "", " "), ("reason", "closure-reason"));
    }
}
