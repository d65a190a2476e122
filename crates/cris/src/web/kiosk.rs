//! The kiosk marker of a terminal (R-IP-10), as the shell needs it: the cookie that makes a
//! terminal its office's kiosk, signed with the server's key so that nobody can claim it from
//! home; the page context reads it (every page's layout and idle reset follow it), and the
//! `no-store` layer keeps a kiosk's pages out of the browser's history. Turning a terminal into
//! a kiosk, and its welcome screen, are InfoPass's (`infopass::kiosk`), which sets this cookie.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use crate::kernel::session;
use crate::kernel::tokens::TokenKey;

/// The kiosk cookie.
pub const COOKIE: &str = "cris_kiosk";

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

/// Pages shown on a kiosk are never stored by the browser (assets keep their caching).
pub fn no_store(req: &Request) -> bool {
    session::cookie(req.headers(), COOKIE).is_some() && !req.uri().path().starts_with("/assets/")
}

/// Marks an answer to a kiosk (see [`no_store`]) not to be kept.
pub fn mark_no_store(res: &mut Response) {
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}
