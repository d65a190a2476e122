//! Which language a request is answered in: `?lang=` first, then the `cris_lang` cookie, then
//! the browser's Accept-Language, then English. Choosing with `?lang=` is remembered in the
//! cookie so that the choice follows the customer from page to page.

use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::Response;

use super::AppState;
use crate::kernel::i18n::Lang;

/// The cookie that remembers the language.
pub const COOKIE: &str = "cris_lang";

/// The language a `?lang=` in the query chooses.
pub fn query_choice(query: Option<&str>) -> Option<Lang> {
    query?.split('&').filter_map(|pair| pair.strip_prefix("lang=")).find_map(Lang::from_tag)
}

fn cookie_choice(headers: &axum::http::HeaderMap) -> Option<Lang> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .find_map(Lang::from_tag)
}

/// The first supported language in an Accept-Language header, by quality.
fn accept_language(headers: &axum::http::HeaderMap) -> Option<Lang> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(f32, Lang)> = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let Some(lang) = parts.next().and_then(Lang::from_tag) else {
            continue;
        };
        let q = parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map(|(_, l)| l)
}

/// Decides the language of a request.
pub fn resolve(parts: &Parts) -> Lang {
    query_choice(parts.uri.query())
        .or_else(|| cookie_choice(&parts.headers))
        .or_else(|| accept_language(&parts.headers))
        .unwrap_or_default()
}

/// Remembers a `?lang=` choice (see [`query_choice`]) in a cookie.
pub fn remember_choice(state: &AppState, chosen: Option<Lang>, res: &mut Response) {
    if let Some(lang) = chosen {
        let secure = if state.tls() { "; Secure" } else { "" };
        let cookie = format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}", lang.tag());
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request as HttpRequest;

    fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = HttpRequest::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    // R-CS-03
    #[test]
    fn query_beats_cookie_beats_accept_language() {
        assert_eq!(resolve(&parts("/?lang=es", &[("cookie", "cris_lang=en")])), Lang::Es);
        assert_eq!(resolve(&parts("/", &[("cookie", "a=b; cris_lang=es"), ("accept-language", "en")])), Lang::Es);
        assert_eq!(resolve(&parts("/", &[("accept-language", "fr-FR, es;q=0.8, en;q=0.5")])), Lang::Es);
        assert_eq!(resolve(&parts("/", &[("accept-language", "es;q=0.2, en-US")])), Lang::En);
        assert_eq!(resolve(&parts("/?lang=xx", &[])), Lang::En);
        assert_eq!(resolve(&parts("/", &[("accept-language", "garbage;;q=abc,,")])), Lang::En);
    }
}
