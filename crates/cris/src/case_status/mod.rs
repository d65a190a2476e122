//! Case Status Online (R-CS-01 to R-CS-03): anyone looks up a case by its receipt number, without
//! an account, and sees its current status, history, form, the processing time for that form and
//! office, and the tracking of documents mailed for it, in English and Spanish. The same report
//! answers the wire formats existing clients speak (`wire`).

pub mod cache;
pub mod events;
pub mod model;
pub mod routes;
pub mod scans;
pub mod service;
pub mod store;
pub mod wire;
