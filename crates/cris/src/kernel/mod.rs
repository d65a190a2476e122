//! The shared kernel: types parsed once at the edge, errors, time, database and i18n.

pub mod access;
pub mod address;
pub mod audit;
pub mod clock;
pub mod contact;
pub mod copy;
pub mod csv;
pub mod db;
pub mod error;
pub mod html;
pub mod i18n;
pub mod ids;
pub mod password;
pub mod pdf;
pub mod person;
pub mod progress;
pub mod random;
pub mod ratelimit;
pub mod recent;
pub mod session;
pub mod throttle;
pub mod tokens;
pub mod totp;

/// Installs the process's TLS crypto provider (ring) for rustls, which serves HTTPS and is used
/// by the SMTP and SMS clients. Idempotent: later calls do nothing.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
