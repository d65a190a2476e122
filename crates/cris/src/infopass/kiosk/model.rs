//! Kiosk mode (R-IP-10), its rules: how long a terminal stays a kiosk. The signed cookie itself,
//! which every page's context reads, is the web shell's (`web::kiosk`), re-exported here.

pub use crate::web::kiosk::{COOKIE, IDLE_SECONDS, cookie_value, office_of};

/// How long a terminal stays a kiosk: a year, across restarts of its browser.
pub const KEEP_SECONDS: i64 = 365 * 24 * 3600;
