//! The queue's types and rules, no I/O: a ticket and where it is in its visit, who is checked in,
//! the officer's steps, a visit's segments, visit notes, and why a step did not happen.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::infopass::calendar::Service;
use crate::infopass::model::Appointment;
use crate::kernel::db::DbError;
use crate::kernel::error::ServiceError;
use crate::kernel::ids::ANumber;

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

    /// The status of a stored name.
    pub(super) fn parse(s: &str) -> Option<Status> {
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
