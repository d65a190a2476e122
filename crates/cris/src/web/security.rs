//! Security headers on every response: a Content-Security-Policy that allows no inline script,
//! no framing, no MIME sniffing, a strict referrer policy, and HSTS when serving HTTPS.

use axum::http::{HeaderMap, HeaderValue, header};

use super::AppState;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The policy for a page that must carry one inline script (the legacy case-status page, whose
/// wire format includes it): that script alone is allowed, by the SHA-256 of its exact text.
pub fn allowing_inline_script(script: &str) -> HeaderValue {
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
    let csp = CSP.replacen("script-src 'self'", &format!("script-src 'self' 'sha256-{hash}'"), 1);
    HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(CSP))
}

/// Adds the headers to a response.
pub fn headers(state: &AppState, h: &mut HeaderMap) {
    // A page that set its own (stricter or hashed) policy keeps it.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if state.tls() {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
}
