//! Federal holidays (5 U.S.C. 6103), on which offices are closed and no appointment is offered.
//! A holiday that falls on a Saturday is observed on the Friday before, one on a Sunday on the
//! Monday after (Executive Order 11582), so New Year's Day can be observed on 31 December.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The observed federal holidays of a year (including a 31 December that observes the next
/// New Year's Day), in date order, with their names.
pub fn of_year(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let nth = |month, weekday, n| NaiveDate::from_weekday_of_month_opt(year, month, weekday, n);
    // The last Monday of May is its fifth when there is one.
    let memorial = nth(5, Weekday::Mon, 5).or_else(|| nth(5, Weekday::Mon, 4));
    let dates = [
        (fixed(1, 1), "New Year's Day"),
        (nth(1, Weekday::Mon, 3), "Birthday of Martin Luther King, Jr."),
        (nth(2, Weekday::Mon, 3), "Washington's Birthday"),
        (memorial, "Memorial Day"),
        (fixed(6, 19), "Juneteenth National Independence Day"),
        (fixed(7, 4), "Independence Day"),
        (nth(9, Weekday::Mon, 1), "Labor Day"),
        (nth(10, Weekday::Mon, 2), "Columbus Day"),
        (fixed(11, 11), "Veterans Day"),
        (nth(11, Weekday::Thu, 4), "Thanksgiving Day"),
        (fixed(12, 25), "Christmas Day"),
    ];
    let mut days: Vec<(NaiveDate, &'static str)> =
        dates.into_iter().filter_map(|(d, name)| d.map(|d| (observed(d), name))).collect();
    // Next year's New Year's Day on a Saturday is observed this 31 December.
    if let Some(next) = NaiveDate::from_ymd_opt(year + 1, 1, 1).map(observed)
        && next.year() == year
    {
        days.push((next, "New Year's Day"));
    }
    days.retain(|(d, _)| d.year() == year);
    days.sort();
    days
}

/// The day a holiday is observed on.
fn observed(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day - Duration::days(1),
        Weekday::Sun => day + Duration::days(1),
        _ => day,
    }
}

/// The name of the federal holiday observed on a day, if it is one.
pub fn on(day: NaiveDate) -> Option<&'static str> {
    of_year(day.year()).into_iter().find(|(d, _)| *d == day).map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    // R-IP-01: no appointment is offered on a day the offices are closed.
    #[test]
    fn holidays_of_2026_and_2027_as_observed() {
        let days = |y| of_year(y).into_iter().map(|(d, _)| d).collect::<Vec<_>>();
        assert_eq!(
            days(2026),
            vec![
                d(2026, 1, 1),
                d(2026, 1, 19),
                d(2026, 2, 16),
                d(2026, 5, 25),
                d(2026, 6, 19),
                d(2026, 7, 3), // 4 July is a Saturday
                d(2026, 9, 7),
                d(2026, 10, 12),
                d(2026, 11, 11),
                d(2026, 11, 26),
                d(2026, 12, 25),
            ]
        );
        let y2027 = days(2027);
        // Juneteenth and Christmas on Saturdays, Independence Day on a Sunday, and 1 January 2028
        // (a Saturday) observed on 31 December 2027.
        for day in [d(2027, 6, 18), d(2027, 7, 5), d(2027, 12, 24), d(2027, 12, 31), d(2027, 5, 31)] {
            assert!(y2027.contains(&day), "{day}");
        }
        assert_eq!(y2027.len(), 12);
        assert!(!days(2028).contains(&d(2028, 1, 1)), "observed the year before");
        assert_eq!(on(d(2027, 12, 31)), Some("New Year's Day"));
        assert_eq!(on(d(2026, 11, 26)), Some("Thanksgiving Day"));
        assert_eq!(on(d(2026, 11, 27)), None);
    }
}
