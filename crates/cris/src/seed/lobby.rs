//! The demo's lobby history (R-RP-01): 90 days of visits at a field office, so that the
//! productivity report and its charts show real trends. Pure and deterministic (the same office,
//! officers and day give the same visits); the lobby writes them (`lobby::history::import`).
//!
//! Each open day (weekdays less federal holidays) gets a number of customers that grows over the
//! quarter, busier on Mondays and quieter on Fridays; about six in ten hold an appointment and
//! arrive around its time, the others walk in, mostly in the morning. Three or four officers call
//! them by the queue's own rule (a walk-in who has waited 45 minutes first, then appointments
//! from 15 minutes before their time, then by arrival), serve them for a time that depends on
//! the service, sometimes transfer them to another service, and now and then nobody answers.
//!
//! Behind the booked visits stand the quarter's appointments: each booked customer who came,
//! about one in ten more booked who never came, and about one in eight cancelled before the day
//! (InfoPass writes them as the counts a past appointment leaves, `infopass::booking::import_past`).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::rng::Rng;
use crate::infopass::calendar::Service;
use crate::infopass::model::PastAppointments;
use crate::kernel::ids::Confirmation;
use crate::lobby::history::{PastSegment, PastVisit};

/// How many days of history the demo carries.
pub const DAYS: i64 = 90;

/// A waiting service: what the simulated queue holds.
struct Waiting {
    visit: usize,
    service: Service,
    queued: NaiveDateTime,
    /// The appointment's time, for a booked customer's first service.
    appointment: Option<NaiveDateTime>,
}

fn at(day: NaiveDate, minutes_after_eight: i64) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) + Duration::minutes(8 * 60 + minutes_after_eight)
}

fn utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    tz.from_local_datetime(&local).earliest().map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

/// A plausible confirmation number: 11 digits from the generator and the check digit that
/// makes it valid.
fn confirmation(rng: &mut Rng) -> String {
    let body = 10_000_000_000 + rng.range(0, 89_999_999_999);
    (0..10)
        .map(|d| format!("{body}{d}"))
        .find(|c| c.parse::<Confirmation>().is_ok())
        .unwrap_or_else(|| format!("{body}0"))
}

/// Minutes at the counter for a service.
fn service_minutes(rng: &mut Rng, s: Service) -> i64 {
    match s {
        Service::Information => rng.range(8, 18),
        Service::Documents => rng.range(10, 22),
        Service::EvidenceOfStatus => rng.range(15, 30),
        Service::EmergencyTravel => rng.range(20, 40),
    }
}

/// The visits of `days` open days before `as_of` (not `as_of` itself: today's queue is live)
/// at an office, served by `officers` (staff user ids with their counters).
pub fn visits(office: &str, tz: Tz, officers: &[(i64, String)], as_of: NaiveDate, days: i64) -> Vec<PastVisit> {
    let mut out = Vec::new();
    if officers.is_empty() {
        return out;
    }
    let seed = office.bytes().fold(0x5EED_u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    for back in (1..=days).rev() {
        let day = as_of - Duration::days(back);
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) || crate::offices::holidays::on(day).is_some() {
            continue;
        }
        let mut rng = Rng::new(seed ^ u64::try_from(day.num_days_from_ce()).unwrap_or(0).wrapping_mul(0x9E37_79B9));
        // Busier as the quarter goes on (half as many again at its end), on Mondays, less on Fridays.
        let progress = (days - back) as f64 / days as f64;
        let weekday = match day.weekday() {
            Weekday::Mon => 1.2,
            Weekday::Fri => 0.85,
            _ => 1.0,
        };
        let noise = 0.85 + rng.range(0, 30) as f64 / 100.0;
        let customers = (50.0 * (1.0 + progress / 2.0) * weekday * noise).round() as usize;
        // Now and then an officer is away.
        let on_duty = if officers.len() > 2 && rng.chance(0.25) { officers.len() - 1 } else { officers.len() };
        out.extend(day_of_visits(&mut rng, (office, tz, day), officers.get(..on_duty).unwrap_or(officers), customers));
    }
    out
}

/// The appointments behind past visits: by office, service and day, those booked (the visits
/// that came with one, and about one in ten more who never came) and those cancelled (about one
/// in eight of the booked). Deterministic, like the visits.
pub fn appointments(visits: &[PastVisit]) -> Vec<PastAppointments> {
    // By office, day and service (its code orders it), how many came with an appointment.
    let mut came: std::collections::BTreeMap<(String, NaiveDate, &str), (Service, i64)> =
        std::collections::BTreeMap::new();
    for v in visits.iter().filter(|v| v.appointment.is_some()) {
        if let Some(first) = v.segments.first() {
            came.entry((v.office.clone(), v.day, first.service.code())).or_insert((first.service, 0)).1 += 1;
        }
    }
    came.into_iter()
        .map(|((office, day, _), (service, came))| {
            let seed = office.bytes().fold(0xB00C_u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
            let day_seed = u64::try_from(day.num_days_from_ce()).unwrap_or(0).wrapping_mul(0x9E37_79B9);
            let mut rng = Rng::new(seed ^ day_seed ^ u64::from(service.ticket_prefix()));
            let missed = (0..came).filter(|_| rng.chance(0.1)).count() as i64;
            let cancelled = (0..came).filter(|_| rng.chance(0.12)).count() as i64;
            PastAppointments { office, service, day, booked: came + missed, cancelled }
        })
        .collect()
}

/// One day: arrivals, then the queue worked by the officers on duty.
fn day_of_visits(
    rng: &mut Rng,
    (office, tz, day): (&str, Tz, NaiveDate),
    officers: &[(i64, String)],
    customers: usize,
) -> Vec<PastVisit> {
    // Arrivals: (arrival, service, appointment).
    let mut arrivals: Vec<(NaiveDateTime, Service, Option<NaiveDateTime>)> = (0..customers)
        .map(|_| {
            let service = Service::ALL.get(rng.weighted(&[45, 25, 20, 10])).copied().unwrap_or(Service::Information);
            if rng.chance(0.6) {
                // Slots every 15 minutes from 8:00 to 15:15; customers come 25 minutes early to
                // 10 late.
                let slot = at(day, 15 * rng.range(0, 29));
                (slot + Duration::minutes(rng.range(-25, 10)), service, Some(slot))
            } else {
                // Walk-ins: mostly in the morning (the smaller of two draws), 7:45 to 15:30.
                let m = rng.range(0, 465).min(rng.range(0, 465));
                (at(day, m - 15), service, None)
            }
        })
        .collect();
    arrivals.sort_by_key(|(t, _, _)| *t);
    let mut visits: Vec<PastVisit> = arrivals
        .iter()
        .zip(1..)
        .map(|((arrived, _, appointment), number)| PastVisit {
            office: office.to_owned(),
            day,
            number,
            appointment: appointment.map(|a| (confirmation(rng), a)),
            party: if rng.chance(0.15) { 2 } else { 1 },
            arrived_at: utc(tz, *arrived),
            segments: Vec::new(),
        })
        .collect();
    let mut queue: Vec<Waiting> = arrivals
        .iter()
        .enumerate()
        .map(|(visit, (arrived, service, appointment))| Waiting {
            visit,
            service: *service,
            queued: *arrived,
            appointment: *appointment,
        })
        .collect();
    // Each officer's next free moment, from 8:00.
    let mut free: Vec<NaiveDateTime> = officers.iter().map(|_| at(day, rng.range(0, 5))).collect();
    while !queue.is_empty() {
        let Some((k, &now)) = free.iter().enumerate().min_by_key(|(_, t)| **t) else { break };
        let Some(first_queued) = queue.iter().map(|w| w.queued).min() else { break };
        if first_queued > now {
            // Nobody there yet: the officer waits for the next arrival.
            if let Some(f) = free.get_mut(k) {
                *f = first_queued;
            }
            continue;
        }
        // The queue's rule among those present.
        let present = |w: &&Waiting| w.queued <= now;
        let aged = queue
            .iter()
            .enumerate()
            .filter(|(_, w)| present(w) && w.appointment.is_none() && now - w.queued >= Duration::minutes(45))
            .min_by_key(|(_, w)| w.queued);
        let booked = queue
            .iter()
            .enumerate()
            .filter(|(_, w)| present(w) && w.appointment.is_some_and(|a| a - Duration::minutes(15) <= now))
            .min_by_key(|(_, w)| w.appointment);
        let anyone = queue.iter().enumerate().filter(|(_, w)| present(w)).min_by_key(|(_, w)| w.queued);
        let Some(pick) = aged.or(booked).or(anyone).map(|(i, _)| i) else { break };
        let w = queue.swap_remove(pick);
        let (officer, counter) = officers.get(k).cloned().unwrap_or_default();
        let called = now + Duration::minutes(rng.range(0, 1));
        let (segment, next_free) = if rng.chance(0.05) {
            // Nobody comes after three calls, two minutes apart.
            let ended = called + Duration::minutes(6);
            let s = PastSegment {
                service: w.service,
                queued_at: utc(tz, w.queued),
                called_at: utc(tz, called),
                calls: 3,
                officer: (officer, counter),
                started_at: None,
                ended_at: utc(tz, ended),
                outcome: "no_show",
            };
            (s, ended)
        } else {
            let started = called + Duration::minutes(rng.range(1, 3));
            let ended = started + Duration::minutes(service_minutes(rng, w.service));
            let transfer = rng.chance(0.06);
            if transfer {
                // On to another service, queued from this one's end.
                let other = Service::ALL.into_iter().filter(|s| *s != w.service).nth(rng.range(0, 2) as usize);
                if let Some(other) = other {
                    queue.push(Waiting { visit: w.visit, service: other, queued: ended, appointment: None });
                }
            }
            let s = PastSegment {
                service: w.service,
                queued_at: utc(tz, w.queued),
                called_at: utc(tz, called),
                calls: 1,
                officer: (officer, counter),
                started_at: Some(utc(tz, started)),
                ended_at: utc(tz, ended),
                outcome: if transfer { "transferred" } else { "done" },
            };
            (s, ended + Duration::minutes(rng.range(0, 2)))
        };
        if let Some(v) = visits.get_mut(w.visit) {
            v.segments.push(segment);
        }
        if let Some(f) = free.get_mut(k) {
            *f = next_free;
        }
    }
    visits
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-RP-01, R-QM-04, R-QM-06: the demo's history is deterministic, of open days only, before
    // today; every visit has a complete timeline in order, and booked customers are not served
    // after walk-ins who came later (unless those waited past the ageing limit).
    #[test]
    fn ninety_days_of_plausible_visits() {
        let officers = [(7, "1".to_owned()), (8, "2".to_owned()), (9, "3".to_owned()), (10, "4".to_owned())];
        let as_of = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let tz = chrono_tz::America::New_York;
        let a = visits("NYC", tz, &officers, as_of, DAYS);
        assert_eq!(a, visits("NYC", tz, &officers, as_of, DAYS));
        let days: std::collections::BTreeSet<NaiveDate> = a.iter().map(|v| v.day).collect();
        // 90 days hold about 64 weekdays, less the holidays (Thanksgiving, Veterans Day, Columbus Day).
        assert!((58..=65).contains(&days.len()), "{}", days.len());
        assert!(days.iter().all(|d| *d < as_of && *d >= as_of - Duration::days(DAYS)));
        assert!(days.iter().all(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)));
        assert!((2_500..=5_500).contains(&a.len()), "{}", a.len());
        let mut no_shows = 0;
        let mut transfers = 0;
        for v in &a {
            assert!(!v.segments.is_empty(), "every visit is served or called");
            let last = v.segments.last().unwrap();
            assert!(last.outcome == "done" || last.outcome == "no_show");
            no_shows += usize::from(last.outcome == "no_show");
            transfers += v.segments.iter().filter(|s| s.outcome == "transferred").count();
            for s in &v.segments {
                assert!(s.queued_at <= s.called_at && s.called_at <= s.ended_at);
                assert!(s.started_at.is_none_or(|t| s.called_at <= t && t <= s.ended_at));
            }
            assert_eq!(v.segments.first().unwrap().queued_at, v.arrived_at);
        }
        assert!(no_shows > 50 && transfers > 50, "{no_shows} no-shows, {transfers} transfers");
        // Every officer worked; the first month is quieter than the last.
        for (id, _) in &officers {
            assert!(a.iter().any(|v| v.segments.iter().any(|s| s.officer.0 == *id)));
        }
        // Visits an open day, in the first month and in the last.
        let month = |from: i64, to: i64| {
            let within = |d: &NaiveDate| *d >= as_of - Duration::days(from) && *d < as_of - Duration::days(to);
            let visits = a.iter().filter(|v| within(&v.day)).count();
            visits as f64 / days.iter().filter(|d| within(d)).count() as f64
        };
        assert!(month(90, 60) * 1.2 < month(30, 0), "{} then {}", month(90, 60), month(30, 0));
        // Behind the booked visits, their appointments: more booked than came, some cancelled,
        // on every day with visits.
        let booked = appointments(&a);
        let came = a.iter().filter(|v| v.appointment.is_some()).count() as i64;
        let (total, cancelled): (i64, i64) =
            (booked.iter().map(|b| b.booked).sum(), booked.iter().map(|b| b.cancelled).sum());
        assert!(total > came + came / 20 && total < came + came / 5, "{total} booked, {came} came");
        assert!(cancelled * 20 > total && cancelled * 5 < total, "{cancelled} of {total} cancelled");
        assert_eq!(booked.iter().map(|b| b.day).collect::<std::collections::BTreeSet<_>>(), days);
        assert_eq!(booked, appointments(&a));
        // Confirmation numbers are valid ones.
        assert!(a.iter().filter_map(|v| v.appointment.as_ref()).all(|(c, _)| c.parse::<Confirmation>().is_ok()));
    }
}
