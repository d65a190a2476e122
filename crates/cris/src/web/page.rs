//! What every page template shares: the language, the message catalogue, and the links the
//! layout needs (assets, the language switch). One struct per page embeds a [`PageCtx`].

use std::sync::Arc;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use crate::kernel::i18n::{Args, I18n, Lang};

/// A moment a page shows: a time, or a reference to one (templates hand either).
pub trait Moment {
    /// The moment.
    fn moment(&self) -> chrono::DateTime<chrono::Utc>;
}

impl Moment for chrono::DateTime<chrono::Utc> {
    fn moment(&self) -> chrono::DateTime<chrono::Utc> {
        *self
    }
}

impl<T: Moment + ?Sized> Moment for &T {
    fn moment(&self) -> chrono::DateTime<chrono::Utc> {
        (**self).moment()
    }
}

/// Per-request page context.
#[derive(Clone, Debug)]
pub struct PageCtx {
    /// The language of the page.
    pub lang: Lang,
    i18n: Arc<I18n>,
    path: String,
    query: String,
    /// The request id, shown on error pages so that a customer can quote it.
    pub request_id: String,
    /// The office whose kiosk this terminal is, in kiosk mode (R-IP-10).
    pub kiosk: Option<String>,
    /// Seconds without a touch before a kiosk resets.
    pub kiosk_idle: u32,
    /// The zone times are shown in: a staff member's office's; UTC until someone signs in.
    pub tz: chrono_tz::Tz,
}

impl PageCtx {
    /// A context for `lang` at `path` (for rendering outside a request, and in tests).
    pub fn new(lang: Lang, i18n: Arc<I18n>, path: &str) -> PageCtx {
        PageCtx {
            lang,
            i18n,
            path: path.to_owned(),
            query: String::new(),
            request_id: String::new(),
            kiosk: None,
            kiosk_idle: 0,
            tz: chrono_tz::UTC,
        }
    }

    /// A moment to the minute in the page's zone, the zone named (`2026-11-03 09:05 EST`): staff
    /// read times at their office's clock, and never have to guess which clock it is.
    pub fn at(&self, t: impl Moment) -> String {
        t.moment().with_timezone(&self.tz).format("%Y-%m-%d %H:%M %Z").to_string()
    }

    /// The same to the second (audit and security logs).
    pub fn at_s(&self, t: impl Moment) -> String {
        t.moment().with_timezone(&self.tz).format("%Y-%m-%d %H:%M:%S %Z").to_string()
    }

    /// The day of a moment in the page's zone.
    pub fn day(&self, t: impl Moment) -> String {
        t.moment().with_timezone(&self.tz).format("%Y-%m-%d").to_string()
    }

    /// The path of the page asked for (the staff menu marks where the member stands).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A message in the page's language.
    pub fn t(&self, id: &str) -> String {
        self.i18n.t(self.lang, id)
    }

    /// The same for templates: borrowed from the catalogue when the message takes no arguments
    /// (formatted once at load; a page shows about forty, issue 18).
    pub fn text<'a>(&'a self, id: &'a str) -> std::borrow::Cow<'a, str> {
        self.i18n.text(self.lang, id)
    }

    /// A message with one argument.
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.i18n.t_args(self.lang, id, &[(name, value)])
    }

    /// A message with arguments of any kind: text, or numbers (by which Fluent chooses plural
    /// forms): one pair, `ctx.ta("staff-srs-assigned", ("count", n))`, or a tuple of pairs.
    pub fn ta(&self, id: &str, args: impl Args) -> String {
        self.i18n.t_with(self.lang, id, &args)
    }

    /// A message that carries markup (its id ends in `-html`), as HTML with its text arguments
    /// escaped; the template marks it `|safe`.
    pub fn th(&self, id: &str, args: impl Args) -> String {
        self.i18n.t_html(self.lang, id, &args)
    }

    /// The words for a stored code, e.g. `ctx.tc("staff-role", "tier1")` is the message
    /// `staff-role-tier1`: codes are kept as they are stored, so the catalogue reads like them.
    pub fn tc(&self, vocabulary: &str, code: &str) -> String {
        self.t(&format!("{vocabulary}-{code}"))
    }

    /// The URL of an embedded asset.
    pub fn asset(&self, path: &str) -> String {
        super::assets::asset_url(path)
    }

    /// The language the switch offers.
    pub fn other_lang(&self) -> Lang {
        match self.lang {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }

    /// This page in the other language: the same path and query, with `lang` replaced.
    pub fn switch_href(&self) -> String {
        let mut pairs: Vec<&str> = self.query.split('&').filter(|p| !p.is_empty() && !p.starts_with("lang=")).collect();
        let lang = format!("lang={}", self.other_lang().tag());
        pairs.push(&lang);
        format!("{}?{}", self.path, pairs.join("&"))
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(PageSeed::of(parts, state).ctx(state))
    }
}

/// What a page context takes from a request, held without copying it (the URI and the header
/// value are shared): the shell's error layer keeps one for every request but builds a page only
/// for an error (issue 18: three strings a request before).
#[derive(Debug)]
pub struct PageSeed {
    lang: Lang,
    uri: axum::http::Uri,
    request_id: Option<axum::http::HeaderValue>,
    kiosk: Option<String>,
}

impl PageSeed {
    /// The request's part of a page context.
    pub fn of(parts: &Parts, state: &AppState) -> PageSeed {
        PageSeed {
            lang: super::lang::resolve(parts),
            uri: parts.uri.clone(),
            request_id: parts.headers.get(&super::REQUEST_ID).cloned(),
            kiosk: super::kiosk::office_of(state.token_key(), &parts.headers),
        }
    }

    /// The page context.
    pub fn ctx(self, state: &AppState) -> PageCtx {
        PageCtx {
            lang: self.lang,
            i18n: state.i18n().clone(),
            path: self.uri.path().to_owned(),
            query: self.uri.query().unwrap_or("").to_owned(),
            request_id: self.request_id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("").to_owned(),
            kiosk: self.kiosk,
            kiosk_idle: state.kiosk_idle(),
            tz: chrono_tz::UTC,
        }
    }
}

/// Renders a page with a status; a template failure becomes a plain 500 (it cannot recurse).
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_keeps_the_query_and_replaces_lang() {
        let i18n = Arc::new(I18n::load().unwrap());
        let mut ctx = PageCtx::new(Lang::En, i18n, "/case-status");
        ctx.query = "receipt=EAC9999103403&lang=en".into();
        assert_eq!(ctx.switch_href(), "/case-status?receipt=EAC9999103403&lang=es");
    }
}
