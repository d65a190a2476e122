//! Office calendars (R-IP-01): the services a field office offers, its hours, and the slots that
//! follow from them, less federal holidays and the office's own closures; the calendar and
//! closure forms parsed once, and whether a booked appointment fits a new calendar (R-IP-11).
//! Everything here is in the office's local time; the store keeps it as given.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::kernel::error::InvalidInput;
use crate::kernel::i18n::Lang;
use crate::offices::holidays;

/// What a customer can come to a field office for (the appointment type). Each has the letter
/// that opens its lobby tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// Questions about a case or a benefit.
    Information,
    /// Bringing or collecting documents.
    Documents,
    /// Temporary evidence of permanent residence (a stamp in the passport).
    EvidenceOfStatus,
    /// An emergency travel document.
    EmergencyTravel,
}

impl Service {
    /// Every service, in the order pages list them.
    pub const ALL: [Service; 4] =
        [Service::Information, Service::Documents, Service::EvidenceOfStatus, Service::EmergencyTravel];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Service::Information => "information",
            Service::Documents => "documents",
            Service::EvidenceOfStatus => "evidence_of_status",
            Service::EmergencyTravel => "emergency_travel",
        }
    }

    /// The service of a stored code.
    pub fn parse(code: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The letter that opens its lobby tickets (R-QM-02).
    pub fn ticket_prefix(self) -> char {
        match self {
            Service::Information => 'I',
            Service::Documents => 'D',
            Service::EvidenceOfStatus => 'S',
            Service::EmergencyTravel => 'E',
        }
    }

    /// Its name for the public.
    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Service::Information, Lang::En) => "Information about a case or benefit",
            (Service::Information, Lang::Es) => "Información sobre un caso o beneficio",
            (Service::Documents, Lang::En) => "Bring or pick up documents",
            (Service::Documents, Lang::Es) => "Entregar o recoger documentos",
            (Service::EvidenceOfStatus, Lang::En) => "Temporary evidence of permanent residence",
            (Service::EvidenceOfStatus, Lang::Es) => "Evidencia temporal de residencia permanente",
            (Service::EmergencyTravel, Lang::En) => "Emergency travel document",
            (Service::EmergencyTravel, Lang::Es) => "Documento de viaje de emergencia",
        }
    }

    /// The slot length and capacity a field office starts with.
    pub fn default_offering(self) -> (u16, u16) {
        match self {
            Service::Information => (15, 4),
            Service::Documents => (15, 2),
            Service::EvidenceOfStatus => (30, 2),
            Service::EmergencyTravel => (30, 1),
        }
    }
}

/// How local times are stored (slots, closures): the office's local time, to the minute.
const SLOT_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// The stored form of a slot's start.
pub fn slot_key(starts: NaiveDateTime) -> String {
    starts.format(SLOT_FORMAT).to_string()
}

/// A slot's start as stored.
pub fn parse_slot(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, SLOT_FORMAT).ok()
}

/// When an office receives the public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    /// Opening time.
    pub opens: NaiveTime,
    /// Closing time: the last slot ends by then.
    pub closes: NaiveTime,
    /// Days open, Monday first.
    pub weekdays: [bool; 7],
    /// How many days ahead appointments may be booked.
    pub horizon_days: u16,
}

impl Hours {
    /// The standard calendar every field office starts with: Monday to Friday, 8:00 to 15:30,
    /// 30 days ahead.
    pub fn standard() -> Hours {
        Hours {
            opens: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN),
            closes: NaiveTime::from_hms_opt(15, 30, 0).unwrap_or(NaiveTime::MIN),
            weekdays: [true, true, true, true, true, false, false],
            horizon_days: 30,
        }
    }

    /// Whether the office receives the public on a day of the week.
    fn open_on(&self, day: NaiveDate) -> bool {
        self.weekdays.get(day.weekday().num_days_from_monday() as usize).copied().unwrap_or(false)
    }

    /// The stored form of the weekdays: `12345` for Monday to Friday.
    pub fn weekdays_code(&self) -> String {
        (1..=7).zip(self.weekdays).filter(|(_, open)| *open).map(|(d, _)| char::from(b'0' + d)).collect()
    }
}

/// A service an office offers: slot length and customers a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offering {
    /// The service.
    pub service: Service,
    /// Minutes a slot.
    pub slot_minutes: u16,
    /// Customers a slot.
    pub capacity: u16,
}

/// A time the office is closed to the public (a training day, an emergency), local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    /// From.
    pub starts: NaiveDateTime,
    /// Until.
    pub ends: NaiveDateTime,
}

/// The start times of a service's slots on a day: none on a closed weekday or a federal
/// holiday, and none that overlaps a closure.
pub fn slots(hours: &Hours, offering: &Offering, day: NaiveDate, closures: &[Closure]) -> Vec<NaiveTime> {
    if !hours.open_on(day) || holidays::on(day).is_some() {
        return Vec::new();
    }
    let length = Duration::minutes(i64::from(offering.slot_minutes.max(5)));
    let (mut start, close) = (day.and_time(hours.opens), day.and_time(hours.closes));
    let mut out = Vec::new();
    while start + length <= close {
        let end = start + length;
        if !closures.iter().any(|c| c.starts < end && start < c.ends) {
            out.push(start.time());
        }
        start = end;
    }
    out
}

/// The days, from the day after `today` to the end of the booking horizon, that have at least
/// one slot of the service, with their slots.
pub fn open_days(
    hours: &Hours,
    offering: &Offering,
    today: NaiveDate,
    closures: &[Closure],
) -> Vec<(NaiveDate, Vec<NaiveTime>)> {
    (1..=i64::from(hours.horizon_days))
        .map(|n| today + Duration::days(n))
        .map(|day| (day, slots(hours, offering, day, closures)))
        .filter(|(_, s)| !s.is_empty())
        .collect()
}

/// An office's calendar as stored.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Hours.
    pub hours: Hours,
    /// Services offered.
    pub offerings: Vec<Offering>,
    /// Closures not yet over.
    pub closures: Vec<Closure>,
}

/// A time of day as stored (`08:00`).
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// The weekdays as stored (`12345`, Monday first).
pub fn parse_weekdays(s: &str) -> [bool; 7] {
    let mut days = [false; 7];
    for c in s.chars() {
        if let Some(d) = c.to_digit(10).and_then(|d| usize::try_from(d).ok()).filter(|d| (1..=7).contains(d))
            && let Some(slot) = days.get_mut(d - 1)
        {
            *slot = true;
        }
    }
    days
}

/// The whole numbers a calendar field takes: (field, lowest, highest).
const BOUNDS: [(&str, u16, u16); 3] = [("horizon_days", 1, 180), ("slot_minutes", 5, 240), ("capacity", 1, 100)];

/// The lowest and highest whole number a calendar field takes, for the message that names them.
pub fn bounds(field: &str) -> Option<(u16, u16)> {
    BOUNDS.iter().find(|(f, _, _)| *f == field).map(|(_, low, high)| (*low, *high))
}

/// The calendar form as typed (`get` gives a field, `weekdays` the ticked days, 1 for Monday):
/// hours and the services offered, every mistake at once.
pub fn parse_form(
    get: impl Fn(&str) -> String,
    weekdays: &[String],
) -> Result<(Hours, Vec<Offering>), Vec<InvalidInput>> {
    let mut errors = Vec::new();
    let mut time = |field: &'static str| match parse_time(get(field).trim()) {
        Some(t) => t,
        None => {
            errors.push(
                InvalidInput::new(field, "Enter the time as HH:MM, for example 08:00.").with_code("calendar-time"),
            );
            NaiveTime::MIN
        }
    };
    let (opens, closes) = (time("opens"), time("closes"));
    if errors.is_empty() && closes <= opens {
        errors.push(InvalidInput::new("closes", "The office must close after it opens.").with_code("calendar-order"));
    }
    let days = parse_weekdays(&weekdays.concat());
    if !days.contains(&true) {
        errors.push(InvalidInput::new("weekday", "Tick at least one day of the week.").with_code("calendar-weekday"));
    }
    let mut number = |field: String, name: &'static str| -> u16 {
        let (low, high) = bounds(name).unwrap_or((0, 0));
        match get(&field).trim().parse::<u16>() {
            Ok(n) if (low..=high).contains(&n) => n,
            _ => {
                let reason = format!("Enter a whole number from {low} to {high}.");
                errors.push(InvalidInput::new(name, reason).with_code("calendar-range"));
                low
            }
        }
    };
    let horizon_days = number("horizon_days".into(), "horizon_days");
    let offerings: Vec<Offering> = Service::ALL
        .into_iter()
        .filter(|s| !get(&format!("offer_{}", s.code())).is_empty())
        .map(|service| Offering {
            service,
            slot_minutes: number(format!("minutes_{}", service.code()), "slot_minutes"),
            capacity: number(format!("capacity_{}", service.code()), "capacity"),
        })
        .collect();
    if errors.is_empty() { Ok((Hours { opens, closes, weekdays: days, horizon_days }, offerings)) } else { Err(errors) }
}

/// A closure as typed: a day, and the hours (the whole day when none are given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClosure {
    /// From, local time.
    pub starts: NaiveDateTime,
    /// Until, local time.
    pub ends: NaiveDateTime,
    /// Why (for staff; customers are told the office is closed).
    pub reason: String,
}

impl NewClosure {
    /// Parses the closure form; the day must not be before `today`.
    pub fn parse(day: &str, from: &str, to: &str, reason: &str, today: NaiveDate) -> Result<NewClosure, InvalidInput> {
        let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
            .map_err(|_| InvalidInput::new("day", "Enter the day as YYYY-MM-DD.").with_code("closure-day"))?;
        if day < today {
            return Err(InvalidInput::new("day", "A closure cannot be in the past.").with_code("closure-past"));
        }
        let time = |field: &'static str, s: &str, whole: NaiveTime| match s.trim() {
            "" => Ok(whole),
            s => NaiveTime::parse_from_str(s, "%H:%M")
                .map_err(|_| InvalidInput::new(field, "Enter the time as HH:MM.").with_code("closure-time")),
        };
        let from = time("from", from, NaiveTime::MIN)?;
        let (starts, ends) = match to.trim() {
            // The whole day, or from a time to the end of the day.
            "" => (day.and_time(from), day.succ_opt().unwrap_or(day).and_time(NaiveTime::MIN)),
            _ => (day.and_time(from), day.and_time(time("to", to, NaiveTime::MIN)?)),
        };
        if ends <= starts {
            return Err(InvalidInput::new("to", "The closure must end after it starts.").with_code("closure-order"));
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(
                InvalidInput::new("reason", "Give the reason, in up to 200 characters.").with_code("closure-reason")
            );
        }
        Ok(NewClosure { starts, ends, reason: reason.to_owned() })
    }
}

/// A cancelled appointment's service, start (local, as stored), language, email and telephone.
pub type Affected = (String, String, String, Option<String>, String);

/// What saving a calendar did, or needs first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarSaved {
    /// Saved; this many booked appointments fell outside it and were cancelled as by a closure.
    Saved(usize),
    /// Nothing saved: this many booked appointments would fall outside the new calendar. Saving
    /// again with this count confirmed cancels them (R-IP-11).
    Confirm(usize),
}

/// Whether a booked appointment still fits a calendar: its service offered, its day open, and
/// its slot (at the new length) inside the hours.
pub fn fits(hours: &Hours, offerings: &[Offering], service: Service, starts: NaiveDateTime) -> bool {
    let Some(o) = offerings.iter().find(|o| o.service == service) else { return false };
    let open_day = hours.weekdays.get(starts.weekday().num_days_from_monday() as usize).copied().unwrap_or(false);
    let ends = starts + Duration::minutes(i64::from(o.slot_minutes));
    open_day && starts.time() >= hours.opens && ends <= starts.date().and_time(hours.closes)
}

#[cfg(test)]
mod tests {
    use chrono::Weekday;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn standard() -> Hours {
        Hours { horizon_days: 14, ..Hours::standard() }
    }

    // R-IP-01: the dates and times an office offers.
    #[test]
    fn slots_follow_hours_holidays_and_closures() {
        let info = Offering { service: Service::Information, slot_minutes: 15, capacity: 4 };
        let monday = d(2026, 11, 23);
        assert_eq!(monday.weekday(), Weekday::Mon);
        let all = slots(&standard(), &info, monday, &[]);
        assert_eq!((all.len(), all.first().copied(), all.last().copied()), (30, Some(t(8, 0)), Some(t(15, 15))));
        let long = Offering { service: Service::EmergencyTravel, slot_minutes: 45, capacity: 1 };
        assert_eq!(slots(&standard(), &long, monday, &[]).last().copied(), Some(t(14, 45)), "ends by closing");
        assert!(slots(&standard(), &info, d(2026, 11, 28), &[]).is_empty(), "Saturday");
        assert!(slots(&standard(), &info, d(2026, 11, 26), &[]).is_empty(), "Thanksgiving");
        let closure = Closure { starts: monday.and_time(t(12, 0)), ends: monday.and_time(t(13, 10)) };
        let afternoon = slots(&standard(), &info, monday, std::slice::from_ref(&closure));
        assert_eq!(afternoon.len(), 25, "12:00 to 13:15 taken out");
        assert!(!afternoon.contains(&t(13, 0)) && afternoon.contains(&t(13, 15)) && afternoon.contains(&t(11, 45)));

        // From Sunday 22 November: two weeks less the weekend days and Thanksgiving.
        let days = open_days(&standard(), &info, d(2026, 11, 22), &[]);
        assert_eq!(days.first().map(|(d, _)| *d), Some(monday));
        assert_eq!(days.len(), 9);
        assert_eq!(standard().weekdays_code(), "12345");
        assert_eq!(Service::parse("emergency_travel"), Some(Service::EmergencyTravel));
        assert_eq!(Service::ALL.map(Service::ticket_prefix), ['I', 'D', 'S', 'E']);
    }

    // R-IP-01: staff set the hours and the services; every mistake comes back at once.
    #[test]
    fn the_calendar_form_is_parsed_once() {
        let typed = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned()).unwrap_or_default()
        };
        let days = ["1".to_owned(), "3".to_owned(), "5".to_owned()];
        let (hours, offered) = parse_form(
            typed(&[
                ("opens", "09:00"),
                ("closes", "12:00"),
                ("horizon_days", "60"),
                ("offer_documents", "on"),
                ("minutes_documents", "20"),
                ("capacity_documents", "3"),
            ]),
            &days,
        )
        .expect("valid");
        assert_eq!((hours.weekdays_code(), hours.horizon_days), ("135".to_owned(), 60));
        assert_eq!(offered, vec![Offering { service: Service::Documents, slot_minutes: 20, capacity: 3 }]);
        let errors = parse_form(
            typed(&[("opens", "9"), ("closes", "12:00"), ("horizon_days", "0"), ("offer_information", "on")]),
            &[],
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["opens", "weekday", "horizon_days", "slot_minutes", "capacity"]);
        // Each refusal carries the code pages word it by, in the catalogue (issue 17).
        let codes: Vec<Option<&str>> = errors.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [
                Some("calendar-time"),
                Some("calendar-weekday"),
                Some("calendar-range"),
                Some("calendar-range"),
                Some("calendar-range")
            ]
        );
        assert_eq!((bounds("slot_minutes"), bounds("opens")), (Some((5, 240)), None));
    }

    // R-IP-11: an appointment fits a calendar only with its service offered, its day open and its
    // slot inside the hours.
    #[test]
    fn appointments_fit_a_calendar_or_not() {
        let hours = Hours::standard(); // Monday to Friday, 8:00 to 15:30
        let documents = Offering { service: Service::Documents, slot_minutes: 30, capacity: 2 };
        let monday = |h: u32, m: u32| NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(h, m, 0).unwrap();
        assert!(fits(&hours, &[documents], Service::Documents, monday(15, 0)));
        assert!(!fits(&hours, &[documents], Service::Documents, monday(15, 15)), "ends after closing");
        assert!(!fits(&hours, &[documents], Service::Documents, monday(7, 30)), "before opening");
        assert!(!fits(&hours, &[documents], Service::Information, monday(9, 0)), "service removed");
        let saturday = monday(9, 0) + Duration::days(5);
        assert!(!fits(&hours, &[documents], Service::Documents, saturday), "day closed");
    }

    // R-IP-11: a closure is a day or some hours of it, never in the past, always with a reason.
    #[test]
    fn closures_are_parsed_once() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let whole = NewClosure::parse("2026-11-23", "", "", "Training", today).unwrap();
        assert_eq!(
            (slot_key(whole.starts), slot_key(whole.ends)),
            ("2026-11-23T00:00".into(), "2026-11-24T00:00".into())
        );
        let part = NewClosure::parse("2026-11-23", "12:00", "13:30", "Power cut", today).unwrap();
        assert_eq!(
            (slot_key(part.starts), slot_key(part.ends)),
            ("2026-11-23T12:00".into(), "2026-11-23T13:30".into())
        );
        // Each refusal names its field and the code pages word it by (issue 17).
        let field = |d: &str, f: &str, t: &str, r: &str| {
            let e = NewClosure::parse(d, f, t, r, today).unwrap_err();
            (e.field, e.code.unwrap_or_default())
        };
        assert_eq!(field("2026-11-21", "", "", "x"), ("day", "closure-past"));
        assert_eq!(field("23/11/2026", "", "", "x"), ("day", "closure-day"));
        assert_eq!(field("2026-11-23", "13:00", "12:00", "x"), ("to", "closure-order"));
        assert_eq!(field("2026-11-23", "9am", "", "x"), ("from", "closure-time"));
        assert_eq!(field("2026-11-23", "", "", " "), ("reason", "closure-reason"));
    }
}
