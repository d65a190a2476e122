//! A visit to the public site: page context, CSRF token and, when signed in, the customer's
//! session (a portfolio holder or a registered representative: their account's id; the account
//! itself is `portfolio`'s). Every public form checks its token here.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::kernel::session::{self, Kind};
use crate::web::AppState;
use crate::web::page::PageCtx;
use crate::web::staff_ctx::client_ip;

/// A signed-in customer, as the session knows them: their account's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn {
    /// The account's id (`portfolio` holds the account).
    pub id: i64,
}

/// Page context, CSRF token and, when signed in, the customer with their session token.
pub struct Visit {
    /// The page context.
    pub ctx: PageCtx,
    /// The CSRF token forms carry.
    pub csrf: String,
    set_csrf: Option<HeaderValue>,
    headers: HeaderMap,
    /// The client's address, for rate limits.
    pub ip: String,
    /// The signed-in customer and their session token.
    pub customer: Option<(SignedIn, String)>,
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = PageCtx::from_request_parts(parts, state).await.unwrap_or_else(|never| match never {});
        let (csrf, set_csrf) = session::csrf_token(&parts.headers, state.tls())
            .map_err(|_| StatusCode::SERVICE_UNAVAILABLE.into_response())?;
        let mut customer = None;
        if let Some(token) = session::cookie(&parts.headers, Kind::Customer.cookie()) {
            let now = state.clock().now();
            // Closing an account ends its sessions in the same transaction, so a live session
            // is a live account's.
            if let Ok(Some(id)) = session::lookup(state.db(), Kind::Customer, token, now, state.session_limits()).await
            {
                customer = Some((SignedIn { id }, token.to_owned()));
            }
        }
        Ok(Visit { ctx, csrf, set_csrf, headers: parts.headers.clone(), ip: client_ip(parts), customer })
    }
}

impl Visit {
    /// The response, setting the CSRF cookie when this visit made one.
    pub fn finish(&self, res: impl IntoResponse) -> Response {
        session::with_csrf_cookie(res, self.set_csrf.as_ref())
    }

    /// Whether a form's token matches the visit's cookie.
    pub fn csrf_ok(&self, token: &str) -> bool {
        session::csrf_ok(&self.headers, token)
    }

    /// A request header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
