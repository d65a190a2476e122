//! Office calendars (R-IP-01, R-IP-11): the services each field office offers, its hours and
//! closures, and the days and free times that follow. Rooms: `model` (services, hours, slots,
//! the calendar and closure forms), `store` (the calendars' SQL), `service` (the standard
//! calendars, reading one, closing and changing one: checked, audited), `routes` (the public
//! pages: nearest offices, an office's days and free times), `staff_routes` (the office calendar
//! and closures page).

pub mod model;
pub mod routes;
pub mod service;
pub mod staff_routes;
pub mod store;

// The sub-room's face: booking, the lobby, surveys, reports, the start-up and the tests name
// these as `infopass::calendar::…`.
pub use model::{
    Calendar, CalendarSaved, Closure, Hours, NewClosure, Offering, Service, bounds, fits, open_days, parse_form,
    parse_slot, slot_key, slots,
};
pub use service::{close, ensure_defaults, of_office, save_calendar, upcoming};
