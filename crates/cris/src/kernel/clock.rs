//! The one place that reads the current time. Services take `now` as a parameter so that rules
//! which depend on time (retention, due dates, holds, queues) can be tested with a fixed clock.

use std::sync::{Arc, Mutex, PoisonError};

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

    /// Today's date in an office's time zone: what "today" means to the people there.
    pub fn today_in(&self, tz: Tz) -> NaiveDate {
        self.now().with_timezone(&tz).date_naive()
    }
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
}
