//! The shared kernel: types parsed once at the edge, errors, time, database and i18n.

pub mod access;
pub mod audit;
pub mod clock;
pub mod contact;
pub mod db;
pub mod error;
pub mod html;
pub mod i18n;
pub mod ids;
pub mod password;
pub mod random;
pub mod ratelimit;
pub mod session;
pub mod tokens;
pub mod totp;
