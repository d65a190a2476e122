//! Tickets and the queue (R-QM-01 to R-QM-06, R-QM-08): `model` (tickets, steps, segments,
//! notes), `store` (their SQL), `service` (the use cases). The front desk, the console and the
//! display are `lobby::routes`. Everything a caller needs is here by name.

pub mod model;
pub mod service;
pub mod store;

pub use model::{Arrival, LobbyError, Note, Segment, Status, Step, Ticket, local_day};
pub use service::{
    call_next, call_out_of_order, check_in, closed_appointments, expired_notes, expired_tickets, note_exists, notes,
    of_day, purge_notes_before, scrub_tickets_before, step, ticket_exists, ticket_of, timeline, waiting, write_note,
};
