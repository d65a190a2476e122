//! Replies to text messages, as the SMS provider posts them (`docs/SMS.md`): STOP, START, HELP.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::sms::{self, Keyword};
use crate::kernel::i18n::{I18n, Lang};
use crate::kernel::random::constant_time_eq;
use crate::web::AppState;
use crate::web::error::Problem;

/// The token the SMS provider sends with replies, when replies are configured: notify's part of
/// the application state.
#[derive(Debug, Clone, Default)]
struct InboundToken(Option<String>);

impl AppState {
    /// The same state accepting replies to texts with this shared token.
    pub fn with_sms_inbound_token(self, token: Option<String>) -> AppState {
        self.with_part(InboundToken(token))
    }

    /// The token the SMS provider sends with replies, when replies are configured.
    pub fn sms_inbound_token(&self) -> Option<&str> {
        self.part::<InboundToken>().0.as_deref()
    }
}

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/sms/inbound", post(inbound))
}

/// A reply from a phone.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Inbound {
    /// The sender's number, E.164.
    pub from: String,
    /// What they wrote.
    pub body: String,
}

/// The text to send back, if any.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Answer {
    /// The text to send back to the phone (`null`: none).
    reply: Option<String>,
}

/// `POST /api/v1/sms/inbound` (bearer token shared with the provider).
#[utoipa::path(post, path = "/api/v1/sms/inbound", tag = "notifications", request_body = Inbound,
    responses((status = 200, description = "Handled; `reply` is the text to send back", body = Answer),
        (status = 401, description = "Wrong or missing token", body = crate::web::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Inbound texts are not configured", body = crate::web::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a reply: `from` and `body` are needed, `from` a telephone number", body = crate::web::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "The reply could not be recorded", body = crate::web::error::Problem, content_type = "application/problem+json")))]
pub async fn inbound(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let Some(expected) = state.sms_inbound_token() else {
        return Problem::status(StatusCode::NOT_FOUND)
            .detail("Inbound text messages are not configured.")
            .into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Problem::status(StatusCode::UNAUTHORIZED).detail("Send the shared bearer token.").into_response();
    }
    let Ok(msg) = serde_json::from_slice::<Inbound>(&body) else {
        return Problem::status(StatusCode::UNPROCESSABLE_ENTITY)
            .detail("Send {\"from\": \"+1...\", \"body\": \"...\"}.")
            .into_response();
    };
    let Ok(from) = msg.from.parse::<crate::kernel::contact::Phone>() else {
        return Problem::status(StatusCode::UNPROCESSABLE_ENTITY)
            .detail("`from` is not a telephone number.")
            .into_response();
    };
    let keyword = Keyword::of(&msg.body);
    if let Err(e) = sms::handle_reply(state.db(), from.e164(), keyword, state.clock().now()).await {
        tracing::error!(error = %e, "inbound text not recorded");
        return Problem::status(StatusCode::SERVICE_UNAVAILABLE).into_response();
    }
    // Spanish keywords get a Spanish answer.
    let lang = if ["PARAR", "ALTO", "INICIAR", "AYUDA"].contains(&msg.body.trim().to_uppercase().as_str()) {
        Lang::Es
    } else {
        Lang::En
    };
    let id = match keyword {
        Keyword::Stop => Some("pf-sms-stopped"),
        Keyword::Start => Some("pf-sms-started"),
        Keyword::Help => Some("pf-sms-help"),
        Keyword::Other => None,
    };
    let reply = id.and_then(|id| I18n::shared().map(|i| i.t(lang, id)));
    Json(Answer { reply }).into_response()
}
