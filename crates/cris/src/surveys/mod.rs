//! Customer satisfaction e-surveys (R-SV-01 to R-SV-04, R-SV-06). Headquarters writes a survey in
//! English and Spanish with its OMB approval; after a visit closes in the lobby, or its day has
//! passed, a customer who gave an email address is invited once, in their language, and reminded
//! once four days later if they neither answered nor opted out. Answers are anonymous by
//! construction: a single-use token proves the right to answer and is deleted in the transaction
//! that stores the answers, which keep only the survey, the office and the ISO week. An opt-out is
//! kept as a keyed hash of the address and checked in SQL before every invitation.

pub mod focus_groups;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
