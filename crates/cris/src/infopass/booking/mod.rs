//! Booking (R-IP-02 to R-IP-09): holds on a slot's seats, the booking with no account, the notice
//! reprinted, the cancellation with confirmation number and PIN; what the retention engine, the
//! lobby and the surveys ask of the appointment book. Rooms: `model` (slots, holds, bookings and
//! their refusals), `store` (the SQL of the appointment book), `service` (the use cases, audited),
//! `routes` (the public booking pages).

pub mod model;
pub mod routes;
pub mod service;
pub mod store;

// The sub-room's face: other capabilities, the journeys' tests and the lobby benchmark name
// these as `infopass::booking::…`; each is the service's use case or the model's type.
pub use crate::infopass::calendar::{parse_slot, slot_key};
pub use model::{BookError, Booked, Booking, CancelError, Cancelled, Compose, HOLD_MINUTES, Hold, Slot, SurveyContact};
pub use service::{
    appointment_exists, book, by_confirmation, cancel, cancel_for_representative, check, expired_appointments, hold,
    hold_of, import_past, of_day, purge_appointments_before, release_expired, reprint, survey_contacts,
    survey_contacts_of, taken,
};
