//! Retention policies: the kinds of record, their default lives and settings, the cut-off a run
//! uses, the 100-year rule of sharing records, and the purge certificate. No I/O.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::kernel::error::InvalidInput;

/// The version of the rules below; a certificate names it with the configured days.
pub const POLICY_VERSION: &str = "3";

/// Rows deleted in one transaction by default: short enough that bookings and look-ups wait at
/// most one batch for a lock.
pub const DEFAULT_BATCH: i64 = 500;

/// International-sharing records are kept this many years from the person's birth (R-RT-04).
pub const SHARING_YEARS: i32 = 100;

/// A kind of record with a life of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Appointments and their customer's details, 60 days after the appointment's day (R-RT-01);
    /// counts by office, service and day survive (R-RT-03).
    Appointments,
    /// Lobby tickets lose confirmation number, A-Number and ZIP code 60 days after the visit;
    /// the officer, day and times survive (R-RT-03).
    LobbyTickets,
    /// Officers' visit notes, 60 days after they were written.
    VisitNotes,
    /// Survey invitations (flags only), with their appointment.
    SurveyInvitations,
    /// Focus-group contacts (first name and telephone), 120 days after contact (R-RT-02).
    FocusContacts,
    /// Service requests, three years after they were answered (open ones stay).
    ServiceRequests,
    /// AR-11 address changes, one year after filing (the cases keep their address history).
    AddressChanges,
    /// Email and texts sent or given up on, 30 days after they were queued.
    Outbox,
    /// Sessions and sign-in flows, once expired.
    Sessions,
    /// Portfolio recovery links, once expired (a closed account is erased when closed).
    PortfolioRecovery,
    /// Security counters: failed-secret counts (`throttles`), a day after their last failure
    /// (the longest delay they impose is an hour).
    Throttles,
    /// International sharing records (CPMS persons with their biometrics, exchanges and
    /// disclosures), the day after the person's hundredth birthday (R-RT-04); not configurable.
    SharingRecords,
}

impl Kind {
    /// Every kind, in the order a run takes them.
    pub const ALL: [Kind; 12] = [
        Kind::Appointments,
        Kind::SurveyInvitations,
        Kind::LobbyTickets,
        Kind::VisitNotes,
        Kind::FocusContacts,
        Kind::ServiceRequests,
        Kind::AddressChanges,
        Kind::Outbox,
        Kind::Sessions,
        Kind::PortfolioRecovery,
        Kind::Throttles,
        Kind::SharingRecords,
    ];

    /// The stable code (certificates, settings as `<code>_days`, holds).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Appointments => "appointments",
            Kind::LobbyTickets => "lobby_tickets",
            Kind::VisitNotes => "visit_notes",
            Kind::SurveyInvitations => "survey_invitations",
            Kind::FocusContacts => "focus_contacts",
            Kind::ServiceRequests => "service_requests",
            Kind::AddressChanges => "address_changes",
            Kind::Outbox => "outbox",
            Kind::Sessions => "sessions",
            Kind::PortfolioRecovery => "portfolio_recovery",
            Kind::Throttles => "throttles",
            Kind::SharingRecords => "sharing_records",
        }
    }

    /// Parses a code.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s.trim())
    }

    /// The documented default life in days.
    pub fn default_days(self) -> u32 {
        match self {
            Kind::Appointments | Kind::LobbyTickets | Kind::VisitNotes | Kind::SurveyInvitations => 60,
            Kind::FocusContacts => 120,
            Kind::ServiceRequests => 1095,
            Kind::AddressChanges => 365,
            Kind::Outbox => 30,
            Kind::Sessions | Kind::PortfolioRecovery => 0,
            // Each person's own day (`keep_until`, their hundredth birthday) is the cut-off.
            Kind::SharingRecords => 0,
            Kind::Throttles => 1,
        }
    }

    /// The longest life a setting may give (the documents' promise), if any.
    pub fn max_days(self) -> u32 {
        match self {
            Kind::Appointments | Kind::LobbyTickets | Kind::VisitNotes | Kind::SurveyInvitations => 60,
            Kind::FocusContacts => 120,
            Kind::SharingRecords => 0,
            _ => 3650,
        }
    }

    /// Whether a legal hold can keep a record of this kind (records with a numeric id).
    pub fn holdable(self) -> bool {
        matches!(
            self,
            Kind::Appointments
                | Kind::LobbyTickets
                | Kind::VisitNotes
                | Kind::ServiceRequests
                | Kind::AddressChanges
                | Kind::SharingRecords
        )
    }

    /// Whether the life counts from a day (appointments, visits) rather than an instant.
    pub fn by_day(self) -> bool {
        matches!(
            self,
            Kind::Appointments
                | Kind::LobbyTickets
                | Kind::SurveyInvitations
                | Kind::FocusContacts
                | Kind::SharingRecords
        )
    }
}

/// The configured life of every kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policies {
    days: [u32; Kind::ALL.len()],
    /// Rows a transaction.
    pub batch: i64,
    /// Pause between two batches, so that other writers get the lock.
    pub pause: std::time::Duration,
}

impl Default for Policies {
    fn default() -> Self {
        Policies {
            days: Kind::ALL.map(Kind::default_days),
            batch: DEFAULT_BATCH,
            pause: std::time::Duration::from_millis(5),
        }
    }
}

impl Policies {
    /// The same policies with another batch size.
    pub fn with_batch(mut self, batch: i64) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// The life of a kind in days.
    pub fn days(&self, kind: Kind) -> u32 {
        Kind::ALL.iter().position(|k| *k == kind).and_then(|i| self.days.get(i).copied()).unwrap_or(0)
    }

    /// Sets a kind's life; refuses more than the documents allow.
    pub fn set_days(&mut self, kind: Kind, days: u32) -> Result<(), String> {
        if days > kind.max_days() {
            return Err(format!("retention {}_days may be at most {}", kind.code(), kind.max_days()));
        }
        if let Some(i) = Kind::ALL.iter().position(|k| *k == kind)
            && let Some(slot) = self.days.get_mut(i)
        {
            *slot = days;
        }
        Ok(())
    }

    /// The version a certificate names: the rules' version and the days in force.
    pub fn version(&self) -> String {
        let days: Vec<String> = Kind::ALL.iter().map(|k| format!("{}={}", k.code(), self.days(*k))).collect();
        format!("{POLICY_VERSION}; {}", days.join(" "))
    }

    /// Where a kind's life ends for a run at `now` (`today` in the offices' zone).
    pub fn cutoff(&self, kind: Kind, now: DateTime<Utc>, today: NaiveDate) -> Cutoff {
        let days = Duration::days(i64::from(self.days(kind)));
        Cutoff { day: today - days, at: now - days }
    }
}

/// A kind's cut-off: records dated before `day` (kinds by day) or made before `at` go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cutoff {
    /// First day kept.
    pub day: NaiveDate,
    /// First instant kept.
    pub at: DateTime<Utc>,
}

impl Cutoff {
    /// The cut-off as the date a certificate shows.
    pub fn shown(&self, kind: Kind) -> NaiveDate {
        if kind.by_day() { self.day } else { self.at.date_naive() }
    }
}

/// The last day a sharing record is kept: the person's hundredth birthday (R-RT-04); someone born
/// on 29 February reaches it on 1 March when that year has no 29 February.
pub fn sharing_keep_until(birth: NaiveDate) -> NaiveDate {
    let year = birth.year() + SHARING_YEARS;
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a sharing record of someone born on `birth` is past its time on `today`.
pub fn sharing_expired(birth: NaiveDate, today: NaiveDate) -> bool {
    today > sharing_keep_until(birth)
}

/// What a run removed of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// Kind code.
    pub kind: String,
    /// Records dated before this went.
    pub before: NaiveDate,
    /// How many.
    pub removed: u64,
}

/// A purge certificate: proof of a run that never points at what it removed.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    /// Random run id.
    pub id: String,
    /// [`Policies::version`].
    pub policy_version: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub finished_at: DateTime<Utc>,
    /// Who ran it: `job:daily`, `command:<user>`.
    pub run_by: String,
    /// Counts by kind.
    pub counts: Vec<Count>,
}

impl Certificate {
    /// Everything removed.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|c| c.removed).sum()
    }

    /// The window: the earliest and latest cut-off of the run.
    pub fn window(&self) -> Option<(NaiveDate, NaiveDate)> {
        let lo = self.counts.iter().map(|c| c.before).min()?;
        let hi = self.counts.iter().map(|c| c.before).max()?;
        Some((lo, hi))
    }

    /// The policy version in parts: the rules' version, then each kind's code and days, from
    /// `2; appointments=60 lobby_tickets=60 ...` (for the staff page's words).
    pub fn rules(&self) -> (&str, Vec<(&str, u32)>) {
        let (version, days) = self.policy_version.split_once("; ").unwrap_or((self.policy_version.as_str(), ""));
        let lives = days
            .split(' ')
            .filter_map(|part| part.split_once('='))
            .filter_map(|(code, n)| Some((code, n.parse().ok()?)))
            .collect();
        (version, lives)
    }

    /// One line of counts: `appointments 12, outbox 3`.
    pub fn summary(&self) -> String {
        let parts: Vec<String> =
            self.counts.iter().map(|c| format!("{} {} (before {})", c.kind, c.removed, c.before)).collect();
        parts.join(", ")
    }
}

/// What a run would remove of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanLine {
    /// Kind.
    pub kind: Kind,
    /// Cut-off shown.
    pub before: NaiveDate,
    /// Count, oldest and newest.
    pub extent: crate::kernel::db::Extent,
    /// Records of this kind under a legal hold.
    pub held: usize,
}

/// A legal hold.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Hold {
    /// Id.
    pub id: i64,
    /// Kind code.
    pub kind: String,
    /// The held record's id.
    pub record_id: i64,
    /// Why.
    pub reason: String,
    /// Who placed it.
    pub placed_by: String,
    /// When.
    pub placed_at: DateTime<Utc>,
}

/// A hold's reason: required, one line of at most 500 characters.
pub fn parse_reason(s: &str) -> Result<String, InvalidInput> {
    let t = s.trim();
    if t.chars().count() < 3 {
        return Err(InvalidInput::new("reason", "Give the reason for the hold (a case or matter reference)."));
    }
    if t.chars().count() > 500 || t.chars().any(char::is_control) {
        return Err(InvalidInput::new("reason", "Keep the reason to one line of at most 500 characters."));
    }
    Ok(t.to_owned())
}

/// A held record's number, parsed.
pub fn parse_record(s: &str) -> Result<i64, InvalidInput> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| InvalidInput::new("record", "Give the record's number (a whole number)."))
}

/// A held kind, parsed.
pub fn parse_holdable(s: &str) -> Result<Kind, InvalidInput> {
    Kind::parse(s)
        .filter(|k| k.holdable())
        .ok_or_else(|| InvalidInput::new("kind", "Choose a kind of record that can be held."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn sharing_records_live_a_hundred_years_from_birth() {
        // R-RT-04
        assert_eq!(sharing_keep_until(d(1950, 6, 15)), d(2050, 6, 15));
        assert!(!sharing_expired(d(1950, 6, 15), d(2050, 6, 15)));
        assert!(sharing_expired(d(1950, 6, 15), d(2050, 6, 16)));
        // R-RT-04
        assert_eq!(sharing_keep_until(d(1960, 2, 29)), d(2060, 2, 29));
        assert_eq!(sharing_keep_until(d(1952, 2, 29)), d(2052, 2, 29));
        assert_eq!(sharing_keep_until(d(1904, 2, 29)), d(2004, 2, 29));
        assert_eq!(sharing_keep_until(d(1900, 3, 1)), d(2000, 3, 1));
        assert_eq!(sharing_keep_until(d(1996, 2, 29)), d(2096, 2, 29));
        assert_eq!(sharing_keep_until(d(1999, 2, 28)), d(2099, 2, 28));
        assert_eq!(sharing_keep_until(d(2000, 2, 29)), d(2100, 3, 1));
    }

    #[test]
    fn defaults_follow_the_documents_and_settings_cannot_exceed_them() {
        // R-RT-01
        // R-RT-02
        let mut p = Policies::default();
        assert_eq!(p.days(Kind::Appointments), 60);
        assert_eq!(p.days(Kind::FocusContacts), 120);
        assert!(p.set_days(Kind::Appointments, 61).is_err());
        assert!(p.set_days(Kind::FocusContacts, 121).is_err());
        assert!(p.set_days(Kind::Outbox, 7).is_ok());
        assert_eq!(p.days(Kind::Outbox), 7);
        assert!(p.version().starts_with("3; appointments=60"));
        assert!(p.version().ends_with(" throttles=1 sharing_records=0"));
        let now = DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z").map(|t| t.to_utc()).unwrap_or_default();
        let c = p.cutoff(Kind::Appointments, now, d(2026, 12, 7));
        assert_eq!(c.day, d(2026, 10, 8));
    }

    #[test]
    fn a_certificate_reads_its_policy_version_back() {
        let p = Policies::default();
        let now = DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z").map(|t| t.to_utc()).unwrap_or_default();
        let c = Certificate {
            id: "x".into(),
            policy_version: p.version(),
            started_at: now,
            finished_at: now,
            run_by: "job:test".into(),
            counts: Vec::new(),
        };
        let (version, lives) = c.rules();
        assert_eq!(version, POLICY_VERSION);
        assert_eq!(lives.len(), Kind::ALL.len());
        assert_eq!(lives.first(), Some(&("appointments", 60)));
        assert!(lives.contains(&("throttles", 1)));
    }

    #[test]
    fn reasons_and_kinds_of_holds_are_checked() {
        assert!(parse_reason("  ").is_err());
        assert!(parse_reason("FOIA 2026-114").is_ok());
        assert!(parse_holdable("appointments").is_ok());
        assert!(parse_holdable("sessions").is_err());
    }
}
