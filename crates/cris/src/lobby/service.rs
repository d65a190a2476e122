//! The front desk's use cases that span the lobby's rooms and the appointment books: telling the
//! screens and the alerts of a step, finding the day's appointments for a check-in (an audited
//! access to personal data), and the rules a page works with. The queue's own steps are
//! `queue::service`.

use chrono::{DateTime, NaiveDate, Utc};

use super::alerts;
use super::events::{Event, Hub};
use super::queue::{self, Ticket};
use super::rules::{self, OfficeRules};
use crate::infopass::booking;
use crate::infopass::model::{Appointment, fold};
use crate::kernel::access::{Actor, entry};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, DbError};
use crate::kernel::ids::Confirmation;
use crate::reference::Office;

/// Tells the office's screens, with the number now waiting, and holds the measures taken for
/// that against the office's alert thresholds.
pub async fn announce(
    db: &Db,
    hub: &Hub,
    office: &Office,
    now: DateTime<Utc>,
    rules: &OfficeRules,
    kind: &'static str,
    t: &Ticket,
) {
    let m = alerts::measures(db, &office.code, queue::local_day(office.tz, now), now).await.unwrap_or_default();
    let event = Event { kind, ticket: t.label.clone(), counter: t.counter.clone(), waiting: m.waiting };
    hub.publish(&office.code, event);
    if let Err(e) = alerts::apply(db, office, now, &m, rules).await {
        tracing::warn!(error = %e, office = %office.code, "lobby alert evaluation failed");
    }
}

/// The office's lobby rules; the defaults if they cannot be read.
pub async fn rules_of(db: &Db, office: &Office) -> OfficeRules {
    rules::of_office(db, &office.code).await.unwrap_or_default()
}

/// A search of the day's appointments at the front desk: the holder's names and date of birth,
/// each as typed (an empty first name or date matches any).
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    /// First name.
    pub first_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// Date of birth, `YYYY-MM-DD`.
    pub birth_date: &'a str,
}

/// The appointments of an office's day whose holder matches (R-QM-02); reading them is an
/// access to personal data, audited with the number found.
pub async fn find_appointments(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    (office, day): (&str, NaiveDate),
    holder: Holder<'_>,
) -> Result<Vec<Appointment>, DbError> {
    let found: Vec<Appointment> = booking::of_day(db, office, day)
        .await?
        .into_iter()
        .filter(|a| fold(&a.details.last_name) == fold(holder.last_name))
        .filter(|a| holder.first_name.trim().is_empty() || fold(&a.details.first_name) == fold(holder.first_name))
        .filter(|a| holder.birth_date.trim().is_empty() || a.details.birth_date.to_string() == holder.birth_date.trim())
        .collect();
    let detail = format!("{} found", found.len());
    let _ = audit::record_alone(
        db,
        now,
        &entry(actor, Category::Access, "appointments.search", "appointments", Outcome::Ok, &detail),
    )
    .await;
    Ok(found)
}

/// The appointment a confirmation number names, when it is at this office.
pub async fn appointment_at(
    db: &Db,
    office: &str,
    confirmation: &Confirmation,
) -> Result<Option<Appointment>, DbError> {
    Ok(booking::by_confirmation(db, confirmation).await?.filter(|a| a.office_code == office))
}

/// Records that the desk was shown an appointment's holder before the ticket (R-QM-01): an
/// access to personal data.
pub async fn holder_shown(db: &Db, actor: &Actor, now: DateTime<Utc>, appointment: &Appointment) {
    let record = format!("appointment:{}", appointment.id);
    let _ = audit::record_alone(
        db,
        now,
        &entry(actor, Category::Access, "appointments.read", &record, Outcome::Ok, "check-in"),
    )
    .await;
}
