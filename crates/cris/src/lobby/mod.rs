//! The CMIS lobby (R-QM-01 to R-QM-08): check-in at the front desk, tickets numbered in
//! sequence per office and day, the queue with its ordering rule, the officer's console, visit
//! notes kept apart from case data, the live events the lobby display follows, the supervisor's
//! dashboard with its alerts, and each office's rules.
//!
//! Rooms: the sub-rooms `queue`, `rules`, `alerts` and `history` each have their `model`, `store`
//! (all the lobby's SQL is in these stores) and use cases; `dashboard` has its `service` and
//! `routes`; `service` holds the front desk's use cases across them, `routes` the front desk,
//! console and display pages, `events` the per-office channels the screens follow (the hub the
//! web state keeps), `workload` the staff home's counts.

pub mod alerts;
pub mod dashboard;
pub mod events;
pub mod history;
pub mod queue;
pub mod routes;
pub mod rules;
pub mod service;
pub mod workload;

pub use queue::service::report_segments;
