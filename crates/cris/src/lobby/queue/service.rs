//! The queue's use cases (R-QM-03 to R-QM-06, R-QM-08): check-in, calls in queue order and out of
//! it, the officer's steps, visit notes. Each takes the actor and `now`, checks access through the
//! kernel and writes its audit record in the transaction of its change. Ordering (R-QM-04):
//! customers with an appointment, arrived within their window, go before walk-ins, in appointment
//! order; a walk-in who has waited longer than the ageing limit goes before them, so walk-ins are
//! never starved; a customer too late for the window waits as a walk-in. Every step is
//! time-stamped (R-QM-06): the ticket holds the visit's current place in the queue, and each
//! service within the visit (the first, and one more after each transfer) is a segment of its
//! timeline that keeps its own wait, first call, officer, start and end, which the productivity
//! report reads.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::model::{Arrival, LobbyError, Note, Segment, Status, Step, Ticket, local_day};
use super::store::{self, NewTicket};
use crate::infopass::booking::slot_key;
use crate::kernel::access::{Actor, Capability};
use crate::kernel::access::{entry, permit_at};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::ids::ANumber;
use crate::lobby::rules::Rules;
use crate::reference::Catalog;

/// Issues a ticket (R-QM-03): the next number of the office's day, the service letter, and the
/// place in the queue the rules give.
#[expect(clippy::too_many_arguments, reason = "a use case takes the actor, the time and its inputs")]
pub async fn check_in(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    office: &str,
    tz: Tz,
    rules: Rules,
    a: &Arrival,
) -> Result<Ticket, LobbyError> {
    permit_at(db, catalog, actor, now, Capability::CheckIn, ("lobby.check_in", office)).await?;
    let today = local_day(tz, now);
    // An appointment counts only on its own day; on another, its holder is a walk-in (issue 16).
    if let Some(ap) = &a.appointment
        && ap.starts.date() != today
    {
        return Err(LobbyError::OtherDay(ap.starts.date()));
    }
    let day = today.to_string();
    // Within the window: queued by appointment time. Too late: queued as a walk-in.
    let appointment_utc = a
        .appointment
        .as_ref()
        .and_then(|ap| tz.from_local_datetime(&ap.starts).earliest())
        .map(|t| t.with_timezone(&Utc));
    let booked = appointment_utc.is_some_and(|t| now <= t + Duration::minutes(rules.late_minutes));
    let priority_at = match appointment_utc {
        Some(t) if booked => t,
        _ => now,
    };
    let mut tx = db.begin().await?;
    let number = store::next_number(&mut tx, office, &day).await?;
    let label = format!("{}{number:03}", a.service.ticket_prefix());
    let new = NewTicket {
        office,
        day: &day,
        number,
        label: &label,
        service: a.service,
        booked,
        appointment: a.appointment.as_ref().map(|ap| (ap.id, ap.confirmation.as_str().to_owned(), slot_key(ap.starts))),
        a_number: a.a_number.as_ref().map(|n| n.as_str().to_owned()),
        zip: a.zip.as_deref(),
        party: a.party,
        priority_at,
        arrived_at: now,
    };
    let Some(row) = store::insert_ticket(&mut tx, &new).await? else {
        drop(tx);
        let existing = match a.appointment.as_ref().map(|ap| ap.id) {
            Some(id) => store::label_of_appointment(db, id).await?,
            None => None,
        };
        return Err(LobbyError::AlreadyIn(existing.unwrap_or_default()));
    };
    let t = store::ticket(row).ok_or(LobbyError::NoTicket)?;
    store::open_segment(&mut tx, t.id, t.service, now).await?;
    let record = format!("lobby_ticket:{}", t.id);
    audit::record(&mut tx, now, &entry(actor, Category::Change, "lobby.check_in", &record, Outcome::Ok, &t.label))
        .await?;
    tx.commit().await?;
    Ok(t)
}

/// A ticket of an office by id.
pub async fn ticket_of(db: &Db, office: &str, id: i64) -> Result<Option<Ticket>, DbError> {
    store::ticket_of(db, office, id).await
}

/// Tickets of an office's day in a state, in queue order for the waiting ones.
pub async fn of_day(db: &Db, office: &str, day: NaiveDate, status: Status) -> Result<Vec<Ticket>, DbError> {
    store::of_day(db, office, day, status).await
}

/// How many wait in an office's lobby on a day.
pub async fn waiting(db: &Db, office: &str, day: NaiveDate) -> Result<i64, DbError> {
    store::waiting(db, office, day).await
}

/// Calls the next customer of the office's day to the officer's counter (R-QM-04, R-QM-05): an
/// aged walk-in first, then customers with appointments by appointment time (once within the
/// early window of it), then walk-ins by arrival. Two officers calling at once never get the
/// same ticket.
pub async fn call_next(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    (office, day): (&str, NaiveDate),
    counter: &str,
    rules: Rules,
) -> Result<Option<Ticket>, LobbyError> {
    permit_at(db, catalog, actor, now, Capability::QueueCall, ("lobby.call", office)).await?;
    let aged = now - Duration::minutes(rules.ageing_minutes);
    let (day, early) = (day.to_string(), now + Duration::minutes(rules.early_minutes));
    let mut tx = db.begin().await?;
    let row = store::call_first(&mut tx, (office, &day), now, (actor.user_id, counter), (aged, early)).await?;
    let called = row.and_then(store::ticket);
    if let Some(t) = &called {
        store::segment_called(&mut tx, t.id, now, (actor.user_id, counter)).await?;
    }
    tx.commit().await?;
    Ok(called)
}

/// Calls one waiting ticket out of queue order to a counter: a capability of its own, and the
/// reason is kept on the ticket and in the audit trail.
pub async fn call_out_of_order(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    (office, id): (&str, i64),
    counter: &str,
    reason: &str,
) -> Result<Ticket, LobbyError> {
    permit_at(db, catalog, actor, now, Capability::QueueCallOutOfOrder, ("lobby.call_out_of_order", office)).await?;
    let mut tx = db.begin().await?;
    let row = store::call_one(&mut tx, (office, id), now, (actor.user_id, counter), reason).await?;
    let t = row.and_then(store::ticket).ok_or(LobbyError::NoTicket)?;
    store::segment_called(&mut tx, t.id, now, (actor.user_id, counter)).await?;
    let record = format!("lobby_ticket:{id}");
    let detail = format!("{} to counter {counter}: {reason}", t.label);
    audit::record(
        &mut tx,
        now,
        &entry(actor, Category::Change, "lobby.call_out_of_order", &record, Outcome::Ok, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(t)
}

/// Applies a step to a ticket at the officer's office (R-QM-05, R-QM-06).
pub async fn step(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    (office, id): (&str, i64),
    step: &Step,
    rules: Rules,
) -> Result<Ticket, LobbyError> {
    // Only the officer who called a ticket works it; anyone else needs the supervisor's queue
    // capability (the one that also calls out of order). Other officers are refused and logged.
    let supervisor = actor.role.can(Capability::QueueCallOutOfOrder);
    let needed = if supervisor { Capability::QueueCallOutOfOrder } else { Capability::QueueCall };
    permit_at(db, catalog, actor, now, needed, ("lobby.step", office)).await?;
    let current = ticket_of(db, office, id).await?.ok_or(LobbyError::NoTicket)?;
    if !supervisor && current.officer_id != Some(actor.user_id) {
        permit_at(db, catalog, actor, now, Capability::QueueCallOutOfOrder, ("lobby.step_other", office)).await?;
    }
    let from: &[&str] = match step {
        Step::Recall | Step::Start | Step::NoShow => &["called"],
        Step::Transfer(_) => &["called", "serving"],
        Step::Close(_) => &["serving"],
    };
    if !from.contains(&current.status.as_str()) {
        return Err(LobbyError::NoTicket);
    }
    let exhausted = current.calls >= rules.max_calls;
    let mut tx = db.begin().await?;
    let changed = store::step_ticket(&mut tx, (id, current.status), step, exhausted, now).await?;
    if changed != 1 {
        return Err(LobbyError::NoTicket);
    }
    store::step_segment(&mut tx, id, step, exhausted, now).await?;
    if let Step::Transfer(s) = step {
        store::open_segment(&mut tx, id, *s, now).await?;
    }
    let record = format!("lobby_ticket:{id}");
    let event = match step {
        Step::Recall => "lobby.recall",
        Step::Start => "lobby.start",
        Step::Transfer(_) => "lobby.transfer",
        Step::Close(_) => "lobby.close",
        Step::NoShow => "lobby.no_show",
    };
    audit::record(&mut tx, now, &entry(actor, Category::Change, event, &record, Outcome::Ok, &current.label)).await?;
    tx.commit().await?;
    ticket_of(db, office, id).await?.ok_or(LobbyError::NoTicket)
}

/// The timeline of a visit, in order.
pub async fn timeline(db: &Db, ticket: i64) -> Result<Vec<Segment>, DbError> {
    store::timeline(db, ticket).await
}

/// Notes of earlier visits of an A-Number, newest first, leaving out those of the visit being
/// served (`current`, its ticket), which are not an earlier visit's; reading them is audited.
pub async fn notes(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    a_number: &ANumber,
    current: i64,
) -> Result<Vec<Note>, LobbyError> {
    crate::kernel::access::permit(db, catalog, actor, now, Capability::VisitNotesRead, ("visit_notes.read", None))
        .await?;
    let notes = store::notes(db, a_number.as_str(), current).await?;
    let record = format!("a_number:{}", a_number.as_str());
    audit::record_alone(db, now, &entry(actor, Category::Access, "visit_notes.read", &record, Outcome::Ok, "")).await?;
    Ok(notes)
}

/// Writes a visit note on a ticket with an A-Number.
pub async fn write_note(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    (office, ticket_id): (&str, i64),
    a_number: &ANumber,
    note: &str,
) -> Result<(), LobbyError> {
    permit_at(db, catalog, actor, now, Capability::VisitNotesWrite, ("visit_notes.write", office)).await?;
    let mut tx = db.begin().await?;
    store::insert_note(&mut tx, (office, ticket_id), a_number.as_str(), (&actor.username, note), now).await?;
    let record = format!("lobby_ticket:{ticket_id}");
    audit::record(&mut tx, now, &entry(actor, Category::Change, "visit_notes.write", &record, Outcome::Ok, "")).await?;
    tx.commit().await?;
    Ok(())
}

/// The appointments whose visits were closed (served to the end) on or after `since`: the
/// survey invitations go after a visit closes (R-SV-01).
pub async fn closed_appointments(db: &Db, since: NaiveDate) -> Result<Vec<i64>, DbError> {
    store::closed_appointments(db, since).await
}

/// Tickets of days before `before` still holding personal data (the retention engine's plan).
pub async fn expired_tickets(db: &Db, before: &str) -> Result<crate::kernel::db::Extent, DbError> {
    store::expired_tickets(db, before).await
}

/// Whether lobby ticket `id` exists (the retention engine refuses a hold on nothing).
pub async fn ticket_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    store::ticket_exists(tx, id).await
}

/// Whether visit note `id` exists (the retention engine refuses a hold on nothing).
pub async fn note_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    store::note_exists(tx, id).await
}

/// The retention engine's purge of tickets: up to `batch` of days before `before` (not those in
/// `keep`) lose the confirmation number, A-Number and ZIP code, and keep the officer, the day and
/// the times of the visit (R-RT-03).
pub async fn scrub_tickets_before(tx: &mut Tx, before: &str, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    store::scrub_tickets_before(tx, before, batch, keep).await
}

/// Visit notes written before `before` (the retention engine's plan).
pub async fn expired_notes(db: &Db, before: DateTime<Utc>) -> Result<crate::kernel::db::Extent, DbError> {
    store::expired_notes(db, before).await
}

/// The retention engine's purge of visit notes: up to `batch` written before `before`, not those in `keep`.
pub async fn purge_notes_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    store::purge_notes_before(tx, before, batch, keep).await
}

/// The productivity report's reading of the visits: an office's segments between two days
/// (inclusive), of one officer (`officer` > 0) or all.
pub async fn report_segments(
    db: &Db,
    office: &str,
    from: &str,
    to: &str,
    officer: i64,
) -> Result<Vec<store::ReportSegment>, DbError> {
    store::report_segments(db, office, from, to, officer).await
}
