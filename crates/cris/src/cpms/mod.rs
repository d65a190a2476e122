//! CPMS, the person-centric repository of international biometric sharing (issue 20: R-IS-01 to
//! R-IS-10, R-RT-04): persons with their identifiers, aliases, encounters and fingerprints, the
//! cases CRIS holds for them and their protected class; agreements with partners; every exchange
//! stored whole; disclosures and their accounting; USCIS's queries to partners. Owner of every
//! `cpms_*` table, which only this module, `icts` (through this service) and the retention engine
//! reach (R-IS-09).

pub mod gallery;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
