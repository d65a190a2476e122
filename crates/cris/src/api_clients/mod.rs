//! Registered machine clients of the APIs (the public Case Status API, system interfaces): a
//! client id and a secret (stored as a SHA-256 hash: secrets are random and long, so a slow hash
//! would only slow every token request), each with its own rate limit and daily quota.

pub mod model;
pub mod routes;
pub mod service;
pub mod store;

pub use model::{ApiClient, DEFAULT_DAILY_QUOTA, DEFAULT_RATE_PER_SECOND, NewClient, SCOPES};
pub use service::{authenticate, list, register};
