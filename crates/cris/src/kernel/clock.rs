//! The one place that reads the current time. Services take `now` as a parameter so that rules
//! which depend on time (retention, due dates, holds, queues, rate limits) can be tested with a
//! fixed clock. `clippy.toml` forbids `Utc::now`, `Local::now`, `SystemTime::now` and
//! `Instant::now` everywhere else, so a rule cannot read the time behind its caller's back.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Where the time comes from.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A clock that stands still until moved, for tests.
    Fixed(Arc<Mutex<DateTime<Utc>>>),
}

impl Clock {
    /// A clock fixed at `at`.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock::Fixed(Arc::new(Mutex::new(at)))
    }

    /// The current instant.
    #[expect(clippy::disallowed_methods, reason = "the clock module is the one reader of the time")]
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(at) => *at.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Moves a fixed clock forward; the system clock cannot be moved.
    pub fn advance(&self, by: chrono::Duration) {
        if let Clock::Fixed(at) = self {
            let mut at = at.lock().unwrap_or_else(PoisonError::into_inner);
            *at += by;
        }
    }

    /// The current instant on the monotonic clock, for rate limits and other rules measured in
    /// elapsed time. A fixed clock maps its time onto one process-wide origin, so an instant moves
    /// only when the clock is advanced, and never backwards.
    #[expect(clippy::disallowed_methods, reason = "the clock module is the one reader of the time")]
    pub fn instant(&self) -> Instant {
        match self {
            Clock::System => Instant::now(),
            Clock::Fixed(_) => {
                static ORIGIN: OnceLock<Instant> = OnceLock::new();
                let origin = *ORIGIN.get_or_init(Instant::now);
                let since = self.now() - DateTime::<Utc>::UNIX_EPOCH;
                origin + since.to_std().unwrap_or(Duration::ZERO)
            }
        }
    }

    /// Today's date in an office's time zone: what "today" means to the people there.
    pub fn today_in(&self, tz: Tz) -> NaiveDate {
        self.now().with_timezone(&tz).date_naive()
    }
}

/// A stopwatch for measuring how long work took (metrics, timings printed by commands) and for
/// caches that expire in real time: not for rules, which take `now` or [`Clock::instant`].
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    /// Starts measuring.
    pub fn start() -> Self {
        Self(monotonic())
    }

    /// The time since the start.
    pub fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// The monotonic clock, for measurements and real-time caches (see [`Stopwatch`]).
#[expect(clippy::disallowed_methods, reason = "the clock module is the one reader of the time")]
pub fn monotonic() -> Instant {
    Instant::now()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn today_depends_on_the_office_time_zone() {
        // 03:30 UTC on 2 March is still 1 March in Los Angeles but 2 March in New York... no:
        // New York is UTC-5 in March, so 22:30 on 1 March there too. Honolulu and Guam differ.
        let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 3, 2, 3, 30, 0).unwrap());
        assert_eq!(clock.today_in(chrono_tz::America::Los_Angeles), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        assert_eq!(clock.today_in(chrono_tz::Pacific::Guam), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        clock.advance(chrono::Duration::hours(12));
        assert_eq!(clock.today_in(chrono_tz::America::Los_Angeles), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    }

    #[test]
    fn a_fixed_clock_moves_its_instants_only_when_advanced() {
        let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 11, 2, 15, 0, 0).unwrap());
        let t0 = clock.instant();
        assert_eq!(clock.instant(), t0, "a fixed clock stands still");
        clock.advance(chrono::Duration::seconds(90));
        assert_eq!(clock.instant() - t0, Duration::from_secs(90));
    }
}
