//! Tickets and the queue. Ordering (R-QM-04): customers with an appointment, arrived within
//! their window, go before walk-ins, in appointment order; a walk-in who has waited longer than
//! the ageing limit goes before them, so walk-ins are never starved; a customer too late for
//! the window waits as a walk-in. Every step is time-stamped (R-QM-06): the ticket holds the
//! visit's current place in the queue, and each service within the visit (the first, and one
//! more after each transfer) is a segment of its timeline that keeps its own wait, first call,
//! officer, start and end, which the productivity report reads.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::rules::Rules;
use crate::infopass::booking::slot_key;
use crate::infopass::calendar::Service;
use crate::infopass::model::Appointment;
use crate::kernel::access::{Actor, Capability};
use crate::kernel::access::{entry, permit_at};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::error::ServiceError;
use crate::kernel::ids::ANumber;
use crate::reference::Catalog;

/// Where a ticket is in its visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// In the queue.
    Waiting,
    /// Called to a counter.
    Called,
    /// At the counter.
    Serving,
    /// Served.
    Done,
    /// Did not answer the calls.
    NoShow,
}

impl Status {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Waiting => "waiting",
            Status::Called => "called",
            Status::Serving => "serving",
            Status::Done => "done",
            Status::NoShow => "no_show",
        }
    }

    fn parse(s: &str) -> Option<Status> {
        [Status::Waiting, Status::Called, Status::Serving, Status::Done, Status::NoShow]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A lobby ticket.
#[derive(Debug, Clone)]
pub struct Ticket {
    /// Row id.
    pub id: i64,
    /// Office.
    pub office_code: String,
    /// The ticket's label: service letter and number, `D012`.
    pub label: String,
    /// Service.
    pub service: Service,
    /// Whether the customer had an appointment (and arrived within its window).
    pub booked: bool,
    /// Confirmation number of the appointment.
    pub confirmation: Option<String>,
    /// A-Number.
    pub a_number: Option<String>,
    /// The appointment's time, local (`2026-11-03 09:00`).
    pub appointment_at: Option<String>,
    /// ZIP code.
    pub zip: Option<String>,
    /// People in the party.
    pub party: i32,
    /// Status.
    pub status: Status,
    /// Checked in.
    pub arrived_at: DateTime<Utc>,
    /// Last called.
    pub called_at: Option<DateTime<Utc>>,
    /// Service began.
    pub started_at: Option<DateTime<Utc>>,
    /// Service ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Calls so far.
    pub calls: i32,
    /// Counter it was called to.
    pub counter: Option<String>,
    /// The officer who called it (a staff user id), who alone works it unless a supervisor steps in.
    pub officer_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    office_code: String,
    label: String,
    service: String,
    booked: i32,
    confirmation: Option<String>,
    a_number: Option<String>,
    appointment_at: Option<String>,
    zip: Option<String>,
    party: i32,
    status: String,
    arrived_at: DateTime<Utc>,
    called_at: Option<DateTime<Utc>>,
    started_at: Option<DateTime<Utc>>,
    ended_at: Option<DateTime<Utc>>,
    calls: i32,
    counter: Option<String>,
    officer_id: Option<i64>,
}

/// The statement that applies a step's change (`$1` the time, `$2` the ticket) to the visit's
/// open segment, whole at compile time (`concat!`).
macro_rules! segment_set {
    ($set:literal) => {
        concat!("UPDATE lobby_segments SET ", $set, " WHERE ticket_id = $2 AND ended_at IS NULL")
    };
}

/// The columns of a row, as a macro so that statements are whole `&'static str`s (`concat!`),
/// with no SQL assembled at run time.
macro_rules! columns {
    () => {
        "id, office_code, label, service, booked, confirmation, a_number, appointment_at, zip, party, status, \
                       arrived_at, called_at, started_at, ended_at, calls, counter, officer_id"
    };
}

fn ticket(r: Row) -> Option<Ticket> {
    Some(Ticket {
        id: r.id,
        office_code: r.office_code,
        label: r.label,
        service: Service::parse(&r.service)?,
        booked: r.booked == 1,
        confirmation: r.confirmation,
        a_number: r.a_number,
        appointment_at: r.appointment_at.map(|a| a.replace('T', " ")),
        zip: r.zip,
        party: r.party,
        status: Status::parse(&r.status)?,
        arrived_at: r.arrived_at,
        called_at: r.called_at,
        started_at: r.started_at,
        ended_at: r.ended_at,
        calls: r.calls,
        counter: r.counter,
        officer_id: r.officer_id,
    })
}

/// Who is checked in.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The appointment, when the customer has one.
    pub appointment: Option<Appointment>,
    /// Service (the appointment's, or chosen at the desk for a walk-in).
    pub service: Service,
    /// A-Number, if given.
    pub a_number: Option<ANumber>,
    /// ZIP code, if given.
    pub zip: Option<String>,
    /// People in the party.
    pub party: i32,
}

/// Why a check-in or a queue step did not happen.
#[derive(Debug, thiserror::Error)]
pub enum LobbyError {
    /// Not allowed, or not within reach.
    #[error(transparent)]
    Staff(#[from] ServiceError),
    /// The appointment is already checked in.
    #[error("already checked in as {0}")]
    AlreadyIn(String),
    /// The appointment is for another day (its day, the office's local date): the customer may
    /// take a walk-in ticket instead.
    #[error("the appointment is for {0}")]
    OtherDay(NaiveDate),
    /// No such ticket, or not in a state for this step.
    #[error("no such ticket in that state")]
    NoTicket,
    /// Storage.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for LobbyError {
    fn from(e: sqlx::Error) -> Self {
        LobbyError::Db(e.into())
    }
}

/// The office's local day at `now`.
pub fn local_day(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

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
    let row: Result<Row, sqlx::Error> = crate::with_tx!(&mut tx, conn => {
        sqlx::query("INSERT INTO lobby_sequences (office_code, day, last) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
            .bind(office)
            .bind(&day)
            .execute(&mut *conn)
            .await?;
        let number: i32 = sqlx::query_scalar("UPDATE lobby_sequences SET last = last + 1 WHERE office_code = $1 AND day = $2 RETURNING last")
            .bind(office)
            .bind(&day)
            .fetch_one(&mut *conn)
            .await?;
        let label = format!("{}{number:03}", a.service.ticket_prefix());
        sqlx::query_as(concat!("INSERT INTO lobby_tickets (office_code, day, number, label, service, booked, appointment_id, confirmation, a_number, \
             appointment_at, zip, party, status, priority_at, arrived_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'waiting', $13, $14) RETURNING ", columns!()))
        .bind(office)
        .bind(&day)
        .bind(number)
        .bind(&label)
        .bind(a.service.code())
        .bind(i32::from(booked))
        .bind(a.appointment.as_ref().map(|ap| ap.id))
        .bind(a.appointment.as_ref().map(|ap| ap.confirmation.as_str().to_owned()))
        .bind(a.a_number.as_ref().map(|n| n.as_str().to_owned()))
        .bind(a.appointment.as_ref().map(|ap| slot_key(ap.starts)))
        .bind(a.zip.as_deref())
        .bind(a.party)
        .bind(priority_at)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    });
    let row = match row {
        Ok(r) => r,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            let existing: Option<String> = match a.appointment.as_ref().map(|ap| ap.id) {
                Some(id) => crate::with_db!(db, pool => {
                    sqlx::query_scalar("SELECT label FROM lobby_tickets WHERE appointment_id = $1").bind(id).fetch_optional(pool).await?
                }),
                None => None,
            };
            return Err(LobbyError::AlreadyIn(existing.unwrap_or_default()));
        }
        Err(e) => return Err(e.into()),
    };
    let t = ticket(row).ok_or(LobbyError::NoTicket)?;
    open_segment(&mut tx, t.id, t.service, now).await?;
    let record = format!("lobby_ticket:{}", t.id);
    audit::record(&mut tx, now, &entry(actor, Category::Change, "lobby.check_in", &record, Outcome::Ok, &t.label))
        .await?;
    tx.commit().await?;
    Ok(t)
}

/// A ticket of an office by id.
pub async fn ticket_of(db: &Db, office: &str, id: i64) -> Result<Option<Ticket>, DbError> {
    let row: Option<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM lobby_tickets WHERE office_code = $1 AND id = $2"))
            .bind(office)
            .bind(id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.and_then(ticket))
}

/// Tickets of an office's day in a state, in queue order for the waiting ones.
pub async fn of_day(db: &Db, office: &str, day: NaiveDate, status: Status) -> Result<Vec<Ticket>, DbError> {
    let rows: Vec<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM lobby_tickets WHERE office_code = $1 AND day = $2 AND status = $3 ORDER BY booked DESC, priority_at, id"))
        .bind(office)
        .bind(day.to_string())
        .bind(status.as_str())
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().filter_map(ticket).collect())
}

/// How many wait in an office's lobby on a day.
pub async fn waiting(db: &Db, office: &str, day: NaiveDate) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM lobby_tickets WHERE office_code = $1 AND day = $2 AND status = 'waiting'")
            .bind(office)
            .bind(day.to_string())
            .fetch_one(pool)
            .await?
    }))
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
    let skip_locked = if db.engine() == crate::kernel::db::Engine::Postgres { " FOR UPDATE SKIP LOCKED" } else { "" };
    let (day, early) = (day.to_string(), now + Duration::minutes(rules.early_minutes));
    let mut tx = db.begin().await?;
    let row: Option<Row> = crate::with_tx!(&mut tx, conn => {
        let mut q = sqlx::QueryBuilder::new("UPDATE lobby_tickets SET status = 'called', calls = calls + 1, called_at = ");
        q.push_bind(now).push(", counter = ").push_bind(counter.to_owned()).push(", officer_id = ").push_bind(actor.user_id);
        // The first of: a walk-in who has waited past the ageing limit, a booked customer inside
        // their window, anyone by priority time. Three index seeks, not a sort of the day's queue.
        q.push(" WHERE id = COALESCE(");
        let classes = [Some((" AND booked = 0 AND priority_at <= ", aged)), Some((" AND booked = 1 AND priority_at <= ", early)), None];
        for (k, class) in classes.into_iter().enumerate() {
            if k > 0 {
                q.push(", ");
            }
            q.push("(SELECT id FROM lobby_tickets WHERE office_code = ").push_bind(office.to_owned());
            q.push(" AND day = ").push_bind(day.clone()).push(" AND status = 'waiting'");
            if let Some((condition, by)) = class {
                q.push(condition).push_bind(by);
            }
            q.push(" ORDER BY priority_at, id LIMIT 1").push(skip_locked).push(")");
        }
        q.push(") AND status = 'waiting' RETURNING ").push(columns!());
        q.build_query_as().fetch_optional(&mut *conn).await?
    });
    let called = row.and_then(ticket);
    if let Some(t) = &called {
        segment_called(&mut tx, t.id, now, (actor.user_id, counter)).await?;
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
    let row: Option<Row> = crate::with_tx!(&mut tx, conn => {
        sqlx::query_as(concat!("UPDATE lobby_tickets SET status = 'called', calls = calls + 1, called_at = $1, counter = $2, officer_id = $3, \
             out_of_order_reason = $4 WHERE office_code = $5 AND id = $6 AND status = 'waiting' RETURNING ", columns!()))
        .bind(now)
        .bind(counter)
        .bind(actor.user_id)
        .bind(reason)
        .bind(office)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    });
    let t = row.and_then(ticket).ok_or(LobbyError::NoTicket)?;
    segment_called(&mut tx, t.id, now, (actor.user_id, counter)).await?;
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

/// A step of the officer's work on a called ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Call again; after the rules' number of calls the ticket becomes a no-show.
    Recall,
    /// The customer came: service begins.
    Start,
    /// Send back to the queue for another service, keeping its place.
    Transfer(Service),
    /// Service ended, with the services given.
    Close(Vec<Service>),
    /// The customer did not come.
    NoShow,
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
    let mut tx = db.begin().await?;
    let changed = crate::with_tx!(&mut tx, conn => {
        let mut q = sqlx::QueryBuilder::new("UPDATE lobby_tickets SET ");
        match step {
            Step::Recall if current.calls >= rules.max_calls => q.push("status = 'no_show', ended_at = ").push_bind(now),
            Step::Recall => q.push("calls = calls + 1, called_at = ").push_bind(now),
            Step::Start => q.push("status = 'serving', started_at = ").push_bind(now),
            Step::Transfer(s) => q
                .push("status = 'waiting', service = ")
                .push_bind(s.code())
                .push(", counter = NULL, called_at = NULL, calls = 0, started_at = NULL, officer_id = NULL"),
            Step::Close(given) => q
                .push("status = 'done', ended_at = ")
                .push_bind(now)
                .push(", services_given = ")
                .push_bind(given.iter().map(|s| s.code()).collect::<Vec<_>>().join(",")),
            Step::NoShow => q.push("status = 'no_show', ended_at = ").push_bind(now),
        };
        q.push(" WHERE id = ").push_bind(id);
        q.push(" AND status = ").push_bind(current.status.as_str());
        q.push(" AND arrived_at <= ").push_bind(now);
        q.build().execute(&mut *conn).await?.rows_affected()
    });
    if changed != 1 {
        return Err(LobbyError::NoTicket);
    }
    let segment = match step {
        Step::Recall if current.calls >= rules.max_calls => segment_set!("ended_at = $1, outcome = 'no_show'"),
        Step::NoShow => segment_set!("ended_at = $1, outcome = 'no_show'"),
        Step::Recall => segment_set!("calls = calls + 1, called_at = COALESCE(called_at, $1)"),
        Step::Start => segment_set!("started_at = COALESCE(started_at, $1)"),
        Step::Transfer(_) => segment_set!("ended_at = $1, outcome = 'transferred'"),
        Step::Close(_) => segment_set!("ended_at = $1, outcome = 'done'"),
    };
    update_segment(&mut tx, id, segment, now).await?;
    if let Step::Transfer(s) = step {
        open_segment(&mut tx, id, *s, now).await?;
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

/// Opens the next segment of a visit: a service it now waits for, from `now`.
async fn open_segment(tx: &mut Tx, ticket: i64, service: Service, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO lobby_segments (ticket_id, seq, service, queued_at, calls) \
             SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, 0 FROM lobby_segments WHERE ticket_id = $1",
        )
        .bind(ticket)
        .bind(service.code())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// A call of the open segment: its first call is kept (the end of its wait), later ones counted.
async fn segment_called(
    tx: &mut Tx,
    ticket: i64,
    now: DateTime<Utc>,
    (officer, counter): (i64, &str),
) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE lobby_segments SET called_at = COALESCE(called_at, $1), calls = calls + 1, officer_id = $2, counter = $3 \
             WHERE ticket_id = $4 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(officer)
        .bind(counter)
        .bind(ticket)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Applies a step's change (`sql`, one of the fixed statements of [`step`] made by
/// `segment_set!`) to the visit's open segment.
async fn update_segment(tx: &mut Tx, ticket: i64, sql: &'static str, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(sql)
            .bind(now)
            .bind(ticket)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// One segment of a visit's timeline: a service waited for, called, given and ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Position in the visit, from 1.
    pub seq: i32,
    /// Service.
    pub service: String,
    /// Began waiting for it (arrival, or the transfer).
    pub queued_at: DateTime<Utc>,
    /// First called for it.
    pub called_at: Option<DateTime<Utc>>,
    /// Calls.
    pub calls: i32,
    /// Officer who called it last.
    pub officer_id: Option<i64>,
    /// Service began.
    pub started_at: Option<DateTime<Utc>>,
    /// Ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// How it ended: `transferred`, `done` or `no_show`; none while open.
    pub outcome: Option<String>,
}

type SegmentRow = (
    i32,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    i32,
    Option<i64>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// The timeline of a visit, in order.
pub async fn timeline(db: &Db, ticket: i64) -> Result<Vec<Segment>, DbError> {
    let rows: Vec<SegmentRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT seq, service, queued_at, called_at, calls, officer_id, started_at, ended_at, outcome \
             FROM lobby_segments WHERE ticket_id = $1 ORDER BY seq",
        )
        .bind(ticket)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(seq, service, queued_at, called_at, calls, officer_id, started_at, ended_at, outcome)| Segment {
            seq,
            service,
            queued_at,
            called_at,
            calls,
            officer_id,
            started_at,
            ended_at,
            outcome,
        })
        .collect())
}

/// A visit note (R-QM-05, R-QM-08).
#[derive(Debug, Clone)]
pub struct Note {
    /// Office where it was written.
    pub office_code: String,
    /// Officer.
    pub officer: String,
    /// Text.
    pub note: String,
    /// When.
    pub created_at: DateTime<Utc>,
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
    let rows: Vec<(String, String, String, DateTime<Utc>)> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT office_code, officer, note, created_at FROM visit_notes WHERE a_number = $1 AND (ticket_id IS NULL OR ticket_id <> $2) ORDER BY created_at DESC, id DESC LIMIT 50")
            .bind(a_number.as_str())
            .bind(current)
            .fetch_all(pool)
            .await?
    });
    let record = format!("a_number:{}", a_number.as_str());
    audit::record_alone(db, now, &entry(actor, Category::Access, "visit_notes.read", &record, Outcome::Ok, "")).await?;
    Ok(rows
        .into_iter()
        .map(|(office_code, officer, note, created_at)| Note { office_code, officer, note, created_at })
        .collect())
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
    crate::with_tx!(&mut tx, conn => {
        sqlx::query("INSERT INTO visit_notes (a_number, ticket_id, office_code, officer, note, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(a_number.as_str())
            .bind(ticket_id)
            .bind(office)
            .bind(&actor.username)
            .bind(note)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    });
    let record = format!("lobby_ticket:{ticket_id}");
    audit::record(&mut tx, now, &entry(actor, Category::Change, "visit_notes.write", &record, Outcome::Ok, "")).await?;
    tx.commit().await?;
    Ok(())
}

/// The appointments whose visits were closed (served to the end) on or after `since`: the
/// survey invitations go after a visit closes (R-SV-01).
pub async fn closed_appointments(db: &Db, since: NaiveDate) -> Result<Vec<i64>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT appointment_id FROM lobby_tickets WHERE day >= $1 AND status = 'done' AND appointment_id IS NOT NULL",
        )
        .bind(since.to_string())
        .fetch_all(pool)
        .await?
    }))
}

/// Tickets of days before `before` still holding personal data (the retention engine's plan).
pub async fn expired_tickets(db: &Db, before: &str) -> Result<crate::kernel::db::Extent, DbError> {
    super::store::expired_tickets(db, before).await
}

/// Whether lobby ticket `id` exists (the retention engine refuses a hold on nothing).
pub async fn ticket_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    super::store::ticket_exists(tx, id).await
}

/// Whether visit note `id` exists (the retention engine refuses a hold on nothing).
pub async fn note_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    super::store::note_exists(tx, id).await
}

/// The retention engine's purge of tickets: up to `batch` of days before `before` (not those in
/// `keep`) lose the confirmation number, A-Number and ZIP code, and keep the officer, the day and
/// the times of the visit (R-RT-03).
pub async fn scrub_tickets_before(tx: &mut Tx, before: &str, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    super::store::scrub_tickets_before(tx, before, batch, keep).await
}

/// Visit notes written before `before` (the retention engine's plan).
pub async fn expired_notes(db: &Db, before: DateTime<Utc>) -> Result<crate::kernel::db::Extent, DbError> {
    super::store::expired_notes(db, before).await
}

/// The retention engine's purge of visit notes: up to `batch` written before `before`, not those in `keep`.
pub async fn purge_notes_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    super::store::purge_notes_before(tx, before, batch, keep).await
}
