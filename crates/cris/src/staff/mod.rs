//! Staff identity: accounts, sign-in behind the warning banner with a password and an
//! authenticator code, lockout and the autolock log, security alerts, the unused-account job,
//! and the administration pages, audit log included (R-AU-01 to R-AU-08).

pub mod model;
pub mod routes;
pub mod service;
pub mod store;
