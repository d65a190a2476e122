//! The rules' types, no I/O: the queue's arrival windows, ageing and calls, the measures the
//! dashboard watches with their levels and thresholds, and the rules as typed on the rules page.

use crate::kernel::error::InvalidInput;

/// The queue's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Minutes before the appointment a customer may arrive and keep their place.
    pub early_minutes: i64,
    /// Minutes after the appointment a customer may arrive and keep their place.
    pub late_minutes: i64,
    /// Minutes after which a waiting walk-in goes first.
    pub ageing_minutes: i64,
    /// Calls without an answer before the ticket is a no-show.
    pub max_calls: i32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules { early_minutes: 30, late_minutes: 15, ageing_minutes: 45, max_calls: 3 }
    }
}

/// A measure the dashboard watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Minutes the longest-waiting customer has waited.
    LongestWait,
    /// Customers waiting.
    Waiting,
    /// Customers with an appointment still waiting after its time.
    RunningLate,
}

impl Measure {
    /// Every measure, in the order the dashboard shows them.
    pub const ALL: [Measure; 3] = [Measure::LongestWait, Measure::Waiting, Measure::RunningLate];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::LongestWait => "longest_wait",
            Measure::Waiting => "waiting",
            Measure::RunningLate => "running_late",
        }
    }

    /// The measure of a stored name.
    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// How bad a measure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Below the warning threshold.
    Normal,
    /// At or above the warning threshold.
    Warning,
    /// At or above the critical threshold.
    Critical,
}

impl Level {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Normal => "normal",
            Level::Warning => "warning",
            Level::Critical => "critical",
        }
    }

    /// The level of a stored name.
    pub fn parse(s: &str) -> Option<Level> {
        [Level::Normal, Level::Warning, Level::Critical].into_iter().find(|l| l.as_str() == s)
    }
}

/// A measure's two thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    /// Warning at or above.
    pub warning: i64,
    /// Critical at or above.
    pub critical: i64,
}

impl Threshold {
    /// The level of a value.
    pub fn level(self, value: i64) -> Level {
        if value >= self.critical {
            Level::Critical
        } else if value >= self.warning {
            Level::Warning
        } else {
            Level::Normal
        }
    }
}

/// An office's lobby rules: the queue's and the alerts'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeRules {
    /// The queue's rules.
    pub queue: Rules,
    /// Longest wait, in minutes.
    pub longest_wait: Threshold,
    /// Customers waiting.
    pub waiting: Threshold,
    /// Appointments running late.
    pub running_late: Threshold,
}

impl Default for OfficeRules {
    fn default() -> Self {
        OfficeRules {
            queue: Rules::default(),
            longest_wait: Threshold { warning: 30, critical: 60 },
            waiting: Threshold { warning: 25, critical: 50 },
            running_late: Threshold { warning: 3, critical: 8 },
        }
    }
}

impl OfficeRules {
    /// A measure's thresholds.
    pub fn threshold(&self, m: Measure) -> Threshold {
        match m {
            Measure::LongestWait => self.longest_wait,
            Measure::Waiting => self.waiting,
            Measure::RunningLate => self.running_late,
        }
    }

    /// The rules as typed on the rules page, every mistake at once.
    pub fn parse(get: impl Fn(&str) -> String) -> Result<OfficeRules, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let mut number = |field: &'static str, low: i64, high: i64| -> i64 {
            match get(field).trim().parse::<i64>() {
                Ok(n) if (low..=high).contains(&n) => n,
                _ => {
                    errors.push(InvalidInput::new(field, format!("Enter a whole number from {low} to {high}.")));
                    low
                }
            }
        };
        let queue = Rules {
            early_minutes: number("early_minutes", 0, 240),
            late_minutes: number("late_minutes", 0, 240),
            ageing_minutes: number("ageing_minutes", 1, 480),
            max_calls: i32::try_from(number("max_calls", 1, 10)).unwrap_or(1),
        };
        let mut pair = |w: &'static str, c: &'static str| Threshold {
            warning: number(w, 1, 10_000),
            critical: number(c, 1, 10_000),
        };
        let rules = OfficeRules {
            queue,
            longest_wait: pair("longest_wait_warning", "longest_wait_critical"),
            waiting: pair("waiting_warning", "waiting_critical"),
            running_late: pair("running_late_warning", "running_late_critical"),
        };
        for m in Measure::ALL {
            let t = rules.threshold(m);
            if t.critical <= t.warning {
                let field = match m {
                    Measure::LongestWait => "longest_wait_critical",
                    Measure::Waiting => "waiting_critical",
                    Measure::RunningLate => "running_late_critical",
                };
                errors.push(InvalidInput::new(field, "The critical level must be above the warning level."));
            }
        }
        if errors.is_empty() { Ok(rules) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dashboard and the alert emails name a measure by its message, `staff-measure-<code>`.
    #[test]
    fn every_measure_has_its_title_in_the_staff_catalogue() {
        let i18n = crate::kernel::i18n::I18n::load().unwrap();
        for m in Measure::ALL {
            let id = format!("staff-measure-{}", m.as_str());
            assert_ne!(i18n.t(crate::kernel::i18n::Lang::En, &id), id, "{id} is missing");
        }
    }

    // R-QM-07: a measure's level follows its two thresholds.
    #[test]
    fn levels_follow_thresholds_and_typed_rules_are_checked() {
        let t = Threshold { warning: 30, critical: 60 };
        assert_eq!(
            [29, 30, 59, 60].map(|v| t.level(v)),
            [Level::Normal, Level::Warning, Level::Warning, Level::Critical]
        );
        let typed = |over: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                over.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned()).unwrap_or_else(|| "10".to_owned())
            }
        };
        let ok = OfficeRules::parse(typed(&[
            ("longest_wait_critical", "20"),
            ("waiting_critical", "20"),
            ("running_late_critical", "20"),
            ("max_calls", "3"),
        ]))
        .expect("valid");
        assert_eq!((ok.queue.max_calls, ok.longest_wait), (3, Threshold { warning: 10, critical: 20 }));
        let errors = OfficeRules::parse(typed(&[("max_calls", "0"), ("waiting_critical", "x")])).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert!(fields.contains(&"max_calls") && fields.contains(&"waiting_critical"), "{fields:?}");
        assert!(fields.contains(&"longest_wait_critical"), "critical must exceed warning: {fields:?}");
    }
}
