//! The alerts' types, no I/O: an office's measures at a moment, an alert, and what an
//! evaluation changed.

use chrono::{DateTime, Utc};

use crate::lobby::rules::{Level, Measure};

/// The measures of an office's lobby at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Measures {
    /// Minutes the longest-waiting customer has waited.
    pub longest_wait: i64,
    /// Customers waiting.
    pub waiting: i64,
    /// Customers with an appointment still waiting after its time.
    pub running_late: i64,
}

impl Measures {
    /// One measure's value.
    pub fn value(&self, m: Measure) -> i64 {
        match m {
            Measure::LongestWait => self.longest_wait,
            Measure::Waiting => self.waiting,
            Measure::RunningLate => self.running_late,
        }
    }
}

/// An alert, open or cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// Row id.
    pub id: i64,
    /// What is measured.
    pub measure: Measure,
    /// Warning or critical.
    pub level: Level,
    /// The measure's value when raised (or escalated).
    pub value: i64,
    /// Raised.
    pub raised_at: DateTime<Utc>,
    /// Cleared, once the measure fell back.
    pub cleared_at: Option<DateTime<Utc>>,
}

/// What an evaluation changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Raised, or escalated to critical: supervisors were emailed.
    Raised(Measure, Level, i64),
    /// Fell back below warning.
    Cleared(Measure),
}
