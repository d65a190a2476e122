//! What every staff page shares: the signed-in staff member (from the session cookie), the CSRF
//! token of its forms, and a navigation built from the member's capabilities. Staff pages are
//! in English (their words are the `staff-` messages of the catalogue): they serve agency
//! employees, not the public.

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use std::pin::Pin;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use super::AppState;
use super::page::PageCtx;
use crate::kernel::access::Actor;
use crate::kernel::db::{Db, DbError};
use crate::kernel::session;
use crate::reference::Catalog;

/// The client's address: the socket peer, or the client a trusted proxy names.
pub use super::client_addr::client_ip;

/// The staff menu: its links and groups, built from the doors' gates.
pub use super::staff_nav::{NavGroup, NavItem, nav_for};

/// Who holds a staff session token, seen from an address: the live account's actor, or `None`.
/// Accounts are `staff`'s, which installs the answer at start (`app::router`), so that the shell
/// imports no capability (as `kernel::access::on_refusal` does for alerts).
pub type SessionActor = for<'a> fn(
    &'a Db,
    &'a Catalog,
    DateTime<Utc>,
    &'a str,
    &'a str,
    session::Limits,
) -> Pin<Box<dyn Future<Output = Result<Option<Actor>, DbError>> + Send + 'a>>;

static SESSION_ACTOR: OnceLock<SessionActor> = OnceLock::new();

/// Installs who holds a staff session (once per process; later calls do nothing).
pub fn on_staff_session(lookup: SessionActor) {
    let _ = SESSION_ACTOR.set(lookup);
}

/// A signed-in staff member and the page context of their request.
#[derive(Debug, Clone)]
pub struct Staff {
    /// Who.
    pub actor: Actor,
    /// Page context (always English).
    pub ctx: PageCtx,
    /// The CSRF token for this page's forms.
    pub csrf: String,
    /// Their menu, by job.
    pub nav: Vec<NavGroup>,
    /// Their office's name (the code when the catalogue does not know it).
    pub office_name: String,
    /// The session token (for sign-out).
    pub token: String,
    set_csrf: Option<HeaderValue>,
}

impl Staff {
    /// Attaches the CSRF cookie when it was just made.
    pub fn finish(&self, res: impl IntoResponse) -> Response {
        session::with_csrf_cookie(res, self.set_csrf.as_ref())
    }

    /// The role's title, for the header.
    pub fn role_title(&self) -> String {
        self.ctx.tc("staff-role", self.actor.role.as_str())
    }
}

/// The sign-in page, for requests without a live staff session.
pub struct SignInRedirect;

impl IntoResponse for SignInRedirect {
    fn into_response(self) -> Response {
        Redirect::to("/staff/sign-in").into_response()
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = session::cookie(&parts.headers, session::Kind::Staff.cookie()).map(str::to_owned) else {
            return Err(SignInRedirect.into_response());
        };
        let ip = client_ip(parts);
        let now = state.clock().now();
        let Some(lookup) = SESSION_ACTOR.get() else {
            tracing::error!("no staff session lookup installed: staff pages are unavailable");
            return Err(StatusCode::SERVICE_UNAVAILABLE.into_response());
        };
        let actor =
            lookup(state.db(), state.catalog(), now, &token, &ip, state.session_limits()).await.map_err(|e| {
                tracing::error!(error = %e, "session lookup failed");
                StatusCode::SERVICE_UNAVAILABLE.into_response()
            })?;
        let Some(actor) = actor else { return Err(SignInRedirect.into_response()) };
        let (csrf, set_csrf) = session::csrf_token(&parts.headers, state.tls())
            .map_err(|_| StatusCode::SERVICE_UNAVAILABLE.into_response())?;
        let mut ctx = PageCtx::from_request_parts(parts, state).await.unwrap_or_else(|never| match never {});
        ctx.lang = crate::kernel::i18n::Lang::En;
        let nav = nav_for(actor.role);
        let office = state.catalog().office(&actor.place.office);
        let office_name = office.map_or_else(|| actor.place.office.clone(), |o| o.name_en.clone());
        // Staff times follow their office's clock (issue 17, point 12).
        if let Some(o) = office {
            ctx.tz = o.tz;
        }
        Ok(Staff { actor, ctx, csrf, nav, office_name, token, set_csrf })
    }
}

/// A form that carries the CSRF token of the page it came from.
pub trait CarriesCsrf {
    /// The token the form carried.
    fn csrf(&self) -> &str;
}

/// Implements [`CarriesCsrf`] for form types with a `csrf: String` field.
macro_rules! carries_csrf {
    ($($form:ty),+ $(,)?) => {
        $(impl $crate::web::staff_ctx::CarriesCsrf for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })+
    };
}
pub(crate) use carries_csrf;

/// A staff form post: the signed-in staff member and the form, whose CSRF token has been checked.
/// A session that is missing sends the browser to sign in; a token that does not match is
/// answered with the "form expired" page (403), before the handler runs.
pub struct StaffForm<T>(pub Staff, pub T);

impl<T> FromRequest<AppState> for StaffForm<T>
where
    T: serde::de::DeserializeOwned + CarriesCsrf + Send,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let headers = parts.headers.clone();
        let Form(form) = Form::<T>::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        if !session::csrf_ok(&headers, form.csrf()) {
            return Err(super::staff_page::forbidden_csrf(&staff));
        }
        Ok(StaffForm(staff, form))
    }
}

/// Whether a posted form carries the browser's CSRF token.
pub fn csrf_ok(headers: &HeaderMap, token: &str) -> bool {
    session::csrf_ok(headers, token)
}
