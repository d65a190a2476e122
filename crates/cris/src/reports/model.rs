//! The office productivity report (R-RP-01): appointments by type and status, no-shows,
//! waiting and service times (mean and 90th percentile), visits per officer per hour and idle
//! time, and the daily trend; for one office within the reader's reach, optionally one officer,
//! over a date range. Figures come from the lobby's visit timelines (every service of a visit,
//! a transfer's first service included, with its own wait and time at the counter) and the
//! appointment books; cancelled appointments count through their anonymous tallies.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::infopass::calendar::Service;
use crate::kernel::error::InvalidInput;

/// The longest range a report covers.
pub const MAX_DAYS: i64 = 366;

/// What a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// Office.
    pub office: String,
    /// One officer (staff user id), or all.
    pub officer: Option<i64>,
    /// First day.
    pub from: NaiveDate,
    /// Last day, included.
    pub to: NaiveDate,
}

impl Filter {
    /// The filter as typed; the last 30 days when no dates are given.
    pub fn parse(office: &str, officer: &str, from: &str, to: &str, today: NaiveDate) -> Result<Filter, InvalidInput> {
        let date = |field: &'static str, s: &str, default: NaiveDate| match s.trim() {
            "" => Ok(default),
            s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| InvalidInput::new(field, "Enter the date as YYYY-MM-DD.")),
        };
        let to = date("to", to, today)?;
        let from = date("from", from, to - Duration::days(29))?;
        if from > to {
            return Err(InvalidInput::new("from", "The first day must not be after the last."));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(InvalidInput::new("from", format!("A report covers at most {MAX_DAYS} days.")));
        }
        let officer = match officer.trim() {
            "" => None,
            s => Some(s.parse::<i64>().map_err(|_| InvalidInput::new("officer", "Choose an officer from the list."))?),
        };
        Ok(Filter { office: office.trim().to_uppercase(), officer, from, to })
    }
}

/// Mean and 90th percentile of durations, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stats {
    /// How many durations.
    pub count: usize,
    /// Mean minutes.
    pub mean: f64,
    /// 90th percentile minutes (nearest rank).
    pub p90: f64,
}

impl Stats {
    /// The statistics of some durations in minutes.
    pub fn of(mut minutes: Vec<f64>) -> Stats {
        if minutes.is_empty() {
            return Stats::default();
        }
        minutes.sort_by(f64::total_cmp);
        let count = minutes.len();
        let mean = minutes.iter().sum::<f64>() / count as f64;
        // Nearest rank: the smallest value with at least 90 % of values at or below it.
        let rank = (0.9 * count as f64).ceil() as usize;
        let p90 = minutes.get(rank.saturating_sub(1)).copied().unwrap_or(0.0);
        Stats { count, mean, p90 }
    }
}

/// Appointments and visits of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRow {
    /// Service.
    pub service: Service,
    /// Appointments on the books for days in the range.
    pub booked: i64,
    /// Appointments cancelled.
    pub cancelled: i64,
    /// Visits with an appointment that came for this service.
    pub with_appointment: i64,
    /// Walk-in visits that came for this service.
    pub walk_ins: i64,
    /// Times this service was given (begun and ended, before a transfer too).
    pub served: i64,
    /// Did not answer the calls for it.
    pub no_shows: i64,
}

/// One officer's work.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficerRow {
    /// User name.
    pub officer: String,
    /// Services given (a visit transferred between officers counts for each).
    pub visits: i64,
    /// Hours at the counter: first call to last end, day by day.
    pub hours: f64,
    /// Visits an hour.
    pub per_hour: f64,
    /// Minutes serving customers.
    pub serving_minutes: f64,
    /// Minutes at the counter not serving anyone.
    pub idle_minutes: f64,
}

/// One day of the trend.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRow {
    /// Day.
    pub day: NaiveDate,
    /// Customers checked in.
    pub arrivals: i64,
    /// Served.
    pub served: i64,
    /// No-shows.
    pub no_shows: i64,
    /// Mean wait, minutes.
    pub mean_wait: f64,
}

/// The report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// What it covers.
    pub filter: Filter,
    /// By service.
    pub services: Vec<ServiceRow>,
    /// Waiting: for each service of a visit, from arrival (or the transfer) to its first call.
    pub waiting: Stats,
    /// Service: for each service given, start to end.
    pub service_time: Stats,
    /// By officer.
    pub officers: Vec<OfficerRow>,
    /// By day.
    pub days: Vec<DayRow>,
}

/// One segment of a visit's timeline, with its visit's day, status and appointment.
pub(super) struct Visit {
    pub(super) ticket_id: i64,
    pub(super) day: String,
    pub(super) service: String,
    pub(super) status: String,
    pub(super) confirmation: Option<String>,
    pub(super) queued_at: DateTime<Utc>,
    pub(super) called_at: Option<DateTime<Utc>>,
    pub(super) started_at: Option<DateTime<Utc>>,
    pub(super) ended_at: Option<DateTime<Utc>>,
    pub(super) outcome: Option<String>,
    pub(super) officer: Option<String>,
}

fn minutes(a: DateTime<Utc>, b: DateTime<Utc>) -> f64 {
    (b - a).num_seconds().max(0) as f64 / 60.0
}

/// The report from the owners' rows: the visits' segments, the appointments booked and the
/// cancelled ones counted.
pub(super) fn compile(
    filter: Filter,
    visits: &[Visit],
    booked: &[(String, i64)],
    cancelled: &[(String, i64)],
) -> Report {
    let count = |rows: &[(String, i64)], s: Service| rows.iter().filter(|(c, _)| c == s.code()).map(|(_, n)| n).sum();
    // A visit's first segment (of those read) stands for the visit: what it came for, its day.
    let mut seen = BTreeSet::new();
    let firsts: Vec<&Visit> = visits.iter().filter(|v| seen.insert(v.ticket_id)).collect();
    let given = |v: &Visit| v.started_at.is_some() && v.ended_at.is_some() && v.outcome.is_some();
    let services = Service::ALL
        .into_iter()
        .map(|s| {
            let came =
                |p: &dyn Fn(&Visit) -> bool| firsts.iter().filter(|v| v.service == s.code() && p(v)).count() as i64;
            let of =
                |p: &dyn Fn(&Visit) -> bool| visits.iter().filter(|v| v.service == s.code() && p(v)).count() as i64;
            ServiceRow {
                service: s,
                booked: count(booked, s),
                cancelled: count(cancelled, s),
                with_appointment: came(&|v| v.confirmation.is_some()),
                walk_ins: came(&|v| v.confirmation.is_none()),
                served: of(&given),
                no_shows: of(&|v| v.outcome.as_deref() == Some("no_show")),
            }
        })
        .collect();
    let waits = |vs: &mut dyn Iterator<Item = &Visit>| -> Vec<f64> {
        vs.filter_map(|v| Some(minutes(v.queued_at, v.called_at?))).collect()
    };
    let waiting = Stats::of(waits(&mut visits.iter()));
    let service_time = Stats::of(
        visits.iter().filter(|v| given(v)).filter_map(|v| Some(minutes(v.started_at?, v.ended_at?))).collect(),
    );

    // Per officer and day: the span from first call to last end is time at the counter.
    // (first call, last end, minutes serving, services given) by (officer, day).
    type Span = (DateTime<Utc>, DateTime<Utc>, f64, i64);
    let mut spans: BTreeMap<(String, String), Span> = BTreeMap::new();
    for v in visits.iter().filter(|v| given(v)) {
        let (Some(officer), Some(called), Some(started), Some(ended)) =
            (v.officer.clone(), v.called_at, v.started_at, v.ended_at)
        else {
            continue;
        };
        let e = spans.entry((officer, v.day.clone())).or_insert((called, ended, 0.0, 0));
        e.0 = e.0.min(called);
        e.1 = e.1.max(ended);
        e.2 += minutes(started, ended);
        e.3 += 1;
    }
    let mut by_officer: BTreeMap<String, (f64, f64, i64)> = BTreeMap::new();
    for ((officer, _), (first, last, serving, n)) in spans {
        let e = by_officer.entry(officer).or_default();
        e.0 += minutes(first, last);
        e.1 += serving;
        e.2 += n;
    }
    let officers = by_officer
        .into_iter()
        .map(|(officer, (span, serving, visits))| {
            let hours = span / 60.0;
            OfficerRow {
                officer,
                visits,
                hours,
                per_hour: if hours > 0.0 { visits as f64 / hours } else { 0.0 },
                serving_minutes: serving,
                idle_minutes: (span - serving).max(0.0),
            }
        })
        .collect();

    let mut days = Vec::new();
    let mut day = filter.from;
    while day <= filter.to {
        let key = day.to_string();
        let came: Vec<&&Visit> = firsts.iter().filter(|v| v.day == key).collect();
        days.push(DayRow {
            day,
            arrivals: came.len() as i64,
            served: came.iter().filter(|v| v.status == "done").count() as i64,
            no_shows: came.iter().filter(|v| v.status == "no_show").count() as i64,
            mean_wait: Stats::of(waits(&mut visits.iter().filter(|v| v.day == key))).mean,
        });
        day += Duration::days(1);
    }
    Report { filter, services, waiting, service_time, officers, days }
}

/// One of the report's tables as CSV (RFC 4180), for a spreadsheet.
pub fn csv(report: &Report, table: &str) -> Option<String> {
    let mut out = String::new();
    let mut line = |cells: &[String]| crate::kernel::csv::line(&mut out, cells);
    let s = |x: &str| x.to_owned();
    let f1 = |x: f64| format!("{x:.1}");
    match table {
        "days" => {
            line(&[s("day"), s("arrivals"), s("served"), s("no_shows"), s("mean_wait_minutes")]);
            for d in &report.days {
                line(&[
                    d.day.to_string(),
                    d.arrivals.to_string(),
                    d.served.to_string(),
                    d.no_shows.to_string(),
                    f1(d.mean_wait),
                ]);
            }
        }
        "services" => {
            line(&[
                s("service"),
                s("booked"),
                s("cancelled"),
                s("with_appointment"),
                s("walk_ins"),
                s("served"),
                s("no_shows"),
            ]);
            for r in &report.services {
                line(&[
                    s(r.service.code()),
                    r.booked.to_string(),
                    r.cancelled.to_string(),
                    r.with_appointment.to_string(),
                    r.walk_ins.to_string(),
                    r.served.to_string(),
                    r.no_shows.to_string(),
                ]);
            }
        }
        "officers" => {
            line(&[
                s("officer"),
                s("visits"),
                s("hours"),
                s("visits_per_hour"),
                s("serving_minutes"),
                s("idle_minutes"),
            ]);
            for r in &report.officers {
                line(&[
                    r.officer.clone(),
                    r.visits.to_string(),
                    format!("{:.2}", r.hours),
                    format!("{:.2}", r.per_hour),
                    f1(r.serving_minutes),
                    f1(r.idle_minutes),
                ]);
            }
        }
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(h, m, 0).unwrap().and_utc()
    }

    fn visit(service: &str, status: &str, booked: bool, times: [Option<(u32, u32)>; 4], officer: &str) -> Visit {
        let t = |x: Option<(u32, u32)>| x.map(|(h, m)| at(h, m));
        let arrived = times[0].unwrap();
        Visit {
            // One segment a visit; the arrival minute tells the visits apart.
            ticket_id: i64::from(arrived.0 * 60 + arrived.1),
            day: "2026-11-23".into(),
            service: service.into(),
            status: status.into(),
            confirmation: booked.then(|| "123456789012".into()),
            queued_at: t(times[0]).unwrap(),
            called_at: t(times[1]),
            started_at: t(times[2]),
            ended_at: t(times[3]),
            outcome: ["done", "no_show"].contains(&status).then(|| status.into()),
            officer: (!officer.is_empty()).then(|| officer.into()),
        }
    }

    // R-QM-06, R-RP-01: a transferred visit counts both its services: both waits, both times at a
    // counter, each officer's work, and one arrival.
    #[test]
    fn a_transfer_keeps_the_first_service() {
        let mut first =
            visit("information", "done", false, [Some((9, 0)), Some((9, 6)), Some((9, 6)), Some((9, 16))], "iso1");
        first.outcome = Some("transferred".into());
        let mut second =
            visit("documents", "done", false, [Some((9, 16)), Some((9, 20)), Some((9, 20)), Some((9, 30))], "iso2");
        second.ticket_id = first.ticket_id;
        let filter = Filter::parse("chi", "", "2026-11-23", "2026-11-23", NaiveDate::MIN).expect("valid");
        let r = compile(filter, &[first, second], &[], &[]);
        assert_eq!((r.waiting.count, r.waiting.mean), (2, 5.0));
        assert_eq!((r.service_time.count, r.service_time.mean), (2, 10.0));
        let (info, docs) = (&r.services[0], &r.services[1]);
        assert_eq!((info.walk_ins, info.served, docs.walk_ins, docs.served), (1, 1, 0, 1));
        let officers: Vec<(&str, i64)> = r.officers.iter().map(|o| (o.officer.as_str(), o.visits)).collect();
        assert_eq!(officers, [("iso1", 1), ("iso2", 1)]);
        assert_eq!((r.days[0].arrivals, r.days[0].served), (1, 1));
    }

    // R-RP-01: waiting and service times, visits per officer per hour, idle time, by type and status.
    #[test]
    fn figures_follow_the_time_stamps() {
        let visits = vec![
            visit("information", "done", true, [Some((9, 0)), Some((9, 10)), Some((9, 12)), Some((9, 32))], "iso1"),
            visit("information", "done", false, [Some((9, 5)), Some((9, 40)), Some((9, 41)), Some((10, 10))], "iso1"),
            visit("documents", "no_show", true, [Some((9, 20)), Some((9, 50)), None, None], "iso2"),
            visit("documents", "waiting", false, [Some((10, 0)), None, None, None], ""),
        ];
        let filter =
            Filter::parse("chi", "", "2026-11-22", "2026-11-23", NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
                .expect("valid");
        let r = compile(filter, &visits, &[("information".into(), 5)], &[("documents".into(), 2)]);
        let info = &r.services[0];
        assert_eq!((info.booked, info.with_appointment, info.walk_ins, info.served), (5, 1, 1, 2));
        assert_eq!((r.services[1].cancelled, r.services[1].no_shows), (2, 1));
        // Waits 10, 35 and 30 minutes.
        assert_eq!((r.waiting.count, r.waiting.p90), (3, 35.0));
        assert!((r.waiting.mean - 25.0).abs() < 1e-9);
        assert_eq!((r.service_time.count, r.service_time.mean), (2, 24.5));
        // iso1: at the counter 9:10 to 10:10, serving 20 + 29 minutes.
        let iso1 = &r.officers[0];
        assert_eq!((iso1.officer.as_str(), iso1.visits, iso1.hours, iso1.per_hour), ("iso1", 2, 1.0, 2.0));
        assert_eq!(iso1.idle_minutes, 11.0);
        assert_eq!(r.days.len(), 2);
        assert_eq!((r.days[1].arrivals, r.days[1].served, r.days[1].no_shows), (4, 2, 1));
        let csv = csv(&r, "officers").expect("a table");
        assert_eq!(
            csv,
            "\"officer\",\"visits\",\"hours\",\"visits_per_hour\",\"serving_minutes\",\"idle_minutes\"\r\n\
             \"iso1\",\"2\",\"1.00\",\"2.00\",\"49.0\",\"11.0\"\r\n"
        );
        assert!(csv_of_unknown_table_is_none(&r));
        assert!(Filter::parse("chi", "", "2026-11-24", "2026-11-23", NaiveDate::MIN).is_err());
        assert!(Filter::parse("chi", "", "2025-01-01", "2026-11-23", NaiveDate::MIN).is_err(), "over a year");
    }

    fn csv_of_unknown_table_is_none(r: &Report) -> bool {
        csv(r, "people").is_none()
    }
}
