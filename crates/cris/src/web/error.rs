//! Errors as the two kinds of client see them: JSON clients get RFC 9457 problem documents,
//! people get a friendly page in their language. Internal details are logged, never shown.

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::page::{PageCtx, render};
use crate::kernel::error::{ErrorCode, InvalidInput};

/// One field that failed validation.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldProblem {
    /// The field's name as the client sent it.
    pub field: String,
    /// Why it was refused.
    pub reason: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type (`about:blank` for plain HTTP statuses).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, human-readable summary of the type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine code (extension member), one of those listed in `docs/ERRORS.md`.
    #[serde(serialize_with = "code_str")]
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// Fields that failed validation (extension member).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

fn code_str<S: serde::Serializer>(code: &ErrorCode, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(code.as_str())
}

impl Problem {
    /// A problem for a plain HTTP status, with that status's general code.
    pub fn status(status: StatusCode) -> Problem {
        Problem {
            kind: "about:blank".into(),
            title: status.canonical_reason().unwrap_or("Error").into(),
            status: status.as_u16(),
            detail: None,
            code: ErrorCode::for_status(status.as_u16()),
            errors: Vec::new(),
        }
    }

    /// Adds a detail sentence.
    pub fn detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    /// Names the problem type by a more precise code than the status's.
    pub fn typed(mut self, code: ErrorCode, title: impl Into<String>) -> Problem {
        self.kind = format!("/problems/{code}");
        self.code = code;
        self.title = title.into();
        self
    }
}

impl From<InvalidInput> for Problem {
    fn from(e: InvalidInput) -> Problem {
        let mut p = Problem::status(StatusCode::UNPROCESSABLE_ENTITY)
            .typed(ErrorCode::InvalidInput, "The request has a value that is not valid")
            .detail(e.to_string());
        p.errors.push(FieldProblem { field: e.field.to_owned(), reason: e.reason });
        p
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"))], body).into_response()
    }
}

/// The friendly error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Message id of the heading.
    pub title_id: &'static str,
    /// Message id of the explanation.
    pub body_id: &'static str,
    /// The stable code shown for support (`docs/ERRORS.md`).
    pub code: ErrorCode,
}

/// Renders the error page for a status.
pub fn error_page(ctx: PageCtx, status: StatusCode) -> Response {
    let (title_id, body_id) = match status {
        StatusCode::NOT_FOUND => ("error-not-found-title", "error-not-found-body"),
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::METHOD_NOT_ALLOWED => {
            ("error-bad-request-title", "error-bad-request-body")
        }
        StatusCode::SERVICE_UNAVAILABLE => ("error-unavailable-title", "error-unavailable-body"),
        _ => ("error-internal-title", "error-internal-body"),
    };
    render(status, &ErrorPage { ctx, title_id, body_id, code: ErrorCode::for_status(status.as_u16()) })
}

/// The "unavailable" page (503) for a storage or other internal failure, which is logged with
/// what was being done.
pub fn unavailable_page(ctx: PageCtx, doing: &str, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "{doing} failed");
    error_page(ctx, StatusCode::SERVICE_UNAVAILABLE)
}

/// Whether the client wants JSON rather than a page.
pub fn wants_json(uri: &Uri, headers: &HeaderMap) -> bool {
    let path = uri.path();
    if path.starts_with("/api/") || path.starts_with("/csol-api/") || path.starts_with("/processing-times/api/") {
        return true;
    }
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    !accept.contains("text/html") && (accept.contains("json") || accept.is_empty())
}

/// Answers requests no route matched.
pub async fn not_found(ctx: PageCtx, uri: Uri, headers: HeaderMap) -> Response {
    if wants_json(&uri, &headers) {
        Problem::status(StatusCode::NOT_FOUND).detail(format!("Nothing is served at {}.", uri.path())).into_response()
    } else {
        error_page(ctx, StatusCode::NOT_FOUND)
    }
}

/// Answers a known path asked with a method it does not take.
pub async fn method_not_allowed(ctx: PageCtx, uri: Uri, headers: HeaderMap) -> Response {
    if wants_json(&uri, &headers) {
        Problem::status(StatusCode::METHOD_NOT_ALLOWED)
            .detail(format!("{} does not accept this method.", uri.path()))
            .into_response()
    } else {
        error_page(ctx, StatusCode::METHOD_NOT_ALLOWED)
    }
}

/// A panic must never reach the client as a dropped connection: answer 500 as a problem.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    Problem::status(StatusCode::INTERNAL_SERVER_ERROR).detail("An unexpected error occurred.").into_response()
}

/// The longest rejection text kept as a problem's detail.
const REJECTION_MAX: usize = 2_000;

/// Extractors refuse bad input before a handler runs (a path segment that is not a number, a
/// form or JSON body that does not decode) with axum's plain-text answer. The shell's layer
/// (`web::shell`) turns such an answer into the error page, or a problem document for programs,
/// like every other refusal: what the request asked for is kept before it is handled
/// ([`Asked::of`]), and the answer looked at after ([`Asked::plain_rejection`]).
#[derive(Debug)]
pub struct Asked {
    json: bool,
    seed: super::page::PageSeed,
}

impl Asked {
    /// Whether the client reads JSON, and what an error page would need of the request.
    pub fn of(parts: &axum::http::request::Parts, state: &super::AppState) -> Asked {
        Asked { json: wants_json(&parts.uri, &parts.headers), seed: super::page::PageSeed::of(parts, state) }
    }

    /// The answer, or the error page or problem a plain-text refusal becomes.
    pub async fn plain_rejection(self, state: &super::AppState, res: Response) -> Response {
        let Asked { json, seed } = self;
        // A plain-text answer, or a bare status with no body type at all, carries no error code;
        // every error answer is given one here, in the client's form.
        let plain = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|t| t.starts_with("text/plain"));
        let status = res.status();
        if !(plain && (status.is_client_error() || status.is_server_error())) {
            return res;
        }
        let (head, body) = res.into_parts();
        let mut answer = if json {
            let text = axum::body::to_bytes(body, REJECTION_MAX).await.unwrap_or_default();
            let mut problem = Problem::status(status);
            if !text.is_empty() {
                problem = problem.detail(String::from_utf8_lossy(&text).into_owned());
            }
            problem.into_response()
        } else {
            error_page(seed.ctx(state), status)
        };
        // Headers the refusal carried (`Retry-After`, `WWW-Authenticate`, `Allow`) stay with it.
        for (name, value) in &head.headers {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH && !answer.headers().contains_key(name) {
                answer.headers_mut().insert(name.clone(), value.clone());
            }
        }
        answer
    }
}
