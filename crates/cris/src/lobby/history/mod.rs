//! Past visits written in bulk (R-RP-01): how the demo data set gets its months of lobby history,
//! and how visits kept by another system could be brought in. Each visit is a ticket of a past
//! day with its timeline of segments, exactly as the queue's own steps leave them, so the
//! productivity report and the dashboard read them like any other. No actor and no audit: this
//! is a load of data at set-up (`cris seed demo`), not a person's step.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::infopass::calendar::Service;

mod store;
pub use store::{any_since, import};

/// One service of a past visit: waited for from `queued_at`, called, begun and ended (or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastSegment {
    /// The service.
    pub service: Service,
    /// Began waiting for it (arrival, or the transfer).
    pub queued_at: DateTime<Utc>,
    /// First called.
    pub called_at: DateTime<Utc>,
    /// Calls made.
    pub calls: i32,
    /// The officer who called (a staff user id) and the counter.
    pub officer: (i64, String),
    /// Service began (none for a no-show).
    pub started_at: Option<DateTime<Utc>>,
    /// Ended.
    pub ended_at: DateTime<Utc>,
    /// `done`, `transferred` or `no_show`.
    pub outcome: &'static str,
}

/// A past visit: its ticket and its segments, in order (every one but the last `transferred`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastVisit {
    /// The office.
    pub office: String,
    /// The office's local day.
    pub day: NaiveDate,
    /// The ticket's number that day, from 1 in order of arrival.
    pub number: i32,
    /// The appointment's confirmation number and local time, for a customer who had one.
    pub appointment: Option<(String, NaiveDateTime)>,
    /// People in the party.
    pub party: i32,
    /// Checked in.
    pub arrived_at: DateTime<Utc>,
    /// The visit's services, the first being the one it came for.
    pub segments: Vec<PastSegment>,
}
