//! Kiosk mode (R-IP-10), its rules: the cookie that makes a terminal its office's kiosk, signed
//! with the server's key so that nobody can claim it from home, and how long a kiosk waits.

use axum::http::HeaderMap;

use crate::kernel::session;
use crate::kernel::tokens::TokenKey;

/// The kiosk cookie.
pub const COOKIE: &str = "cris_kiosk";

/// How long a terminal stays a kiosk: a year, across restarts of its browser.
pub const KEEP_SECONDS: i64 = 365 * 24 * 3600;

/// Seconds without a touch before the kiosk warns (then resets 20 seconds later), unless the
/// operator sets another figure.
pub const IDLE_SECONDS: u32 = 90;

/// The cookie's value for a kiosk of an office: the office and its signature.
pub fn cookie_value(key: &TokenKey, office: &str) -> String {
    format!("{office}.{}", key.digest("kiosk", office))
}

/// The office of a request's kiosk cookie, when the cookie is genuine.
pub fn office_of(key: &TokenKey, headers: &HeaderMap) -> Option<String> {
    let (office, sig) = session::cookie(headers, COOKIE)?.split_once('.')?;
    crate::kernel::random::constant_time_eq(key.digest("kiosk", office).as_bytes(), sig.as_bytes())
        .then(|| office.to_owned())
}
