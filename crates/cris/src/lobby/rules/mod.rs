//! Each office's lobby rules (R-QM-04, R-QM-07): the queue's arrival windows, ageing and calls,
//! and the alert thresholds of its monitored measures. An office without its own row follows
//! the defaults; administrators change them on the rules page (`lobby::dashboard`).
//! `model` (types and the typed form's check), `store` (its SQL), `service` (reading, saving).

pub mod model;
pub mod service;
pub mod store;

pub use model::{Level, Measure, OfficeRules, Rules, Threshold};
pub use service::{of_office, save};
