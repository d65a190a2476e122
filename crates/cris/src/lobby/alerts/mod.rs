//! Lobby alerts (R-QM-07): the measures a supervisor watches, each against its office's warning
//! and critical thresholds; raised once, escalated once, cleared when the measure falls back.
//! `model` (measures, alerts), `store` (their SQL), `service` (measuring, evaluating, emailing the
//! supervisors in the same transaction).

pub mod model;
pub mod service;
pub mod store;

pub use model::{Alert, Change, Measures};
pub use service::{apply, evaluate, evaluate_all, measures, recent};
