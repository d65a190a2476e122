//! The API description: an OpenAPI 3.1 document generated from the handlers' annotations at
//! `/api/openapi.json`, and a readable page of it at `/api/docs`. It names the handlers of every
//! capability that serves a machine interface, so it sits beside `app`, outside the web shell
//! (which imports no capability); `app::router` mounts it.

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use utoipa::OpenApi;

use crate::web::AppState;
use crate::web::page::{PageCtx, render};

/// The generated document. Capabilities add their paths here.
#[derive(OpenApi)]
#[openapi(
    info(title = "CRIS API", description = "Customer Relationship Interface System: machine interfaces of case status, appointments and service requests."),
    paths(
        crate::web::health::healthz,
        crate::web::health::readyz,
        crate::web::metrics::metrics,
        openapi_json,
        crate::case_status::wire::access_token,
        crate::case_status::wire::api_status,
        crate::case_status::wire::ui_auth,
        crate::case_status::wire::csol_status,
        crate::case_status::wire::case_events,
        crate::notify::routes::inbound,
        crate::processing_times::routes::forms,
        crate::processing_times::routes::form_types,
        crate::processing_times::routes::form_offices,
        crate::processing_times::routes::time,
        crate::processing_times::routes::time_for_key,
    ),
    tags(
        (name = "operations", description = "Health, readiness, metrics and this description"),
        (name = "case status", description = "Case status for existing clients: the developer API (OAuth2 client credentials) and the public site's JSON"),
        (name = "processing times", description = "Posted processing times by form, subtype and office"),
        (name = "notifications", description = "Replies to text messages from the SMS provider")
    ),
    modifiers(&BearerScheme)
)]
pub struct ApiDoc;

/// The bearer token the developer API, the public site's JSON and the case-events endpoint take.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(openapi_json)).route("/api/docs", get(docs))
}

/// `GET /api/openapi.json`.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations", responses((status = 200, description = "This OpenAPI document")))]
pub async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// One operation as the docs page lists it.
pub struct Operation {
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Summary or description.
    pub summary: String,
    /// Tag.
    pub tag: String,
}

/// The readable API page.
#[derive(Template)]
#[template(path = "api_docs.html")]
pub struct DocsPage {
    ctx: PageCtx,
    operations: Vec<Operation>,
    version: String,
}

/// Every operation of the document, sorted by path.
pub fn operations() -> Vec<Operation> {
    let doc = ApiDoc::openapi();
    let value = serde_json::to_value(&doc).unwrap_or_default();
    let mut ops = Vec::new();
    if let Some(paths) = value.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, op) in item {
                let text = |k: &str| op.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
                let summary = if text("summary").is_empty() { text("description") } else { text("summary") };
                let tag = op.pointer("/tags/0").and_then(|v| v.as_str()).unwrap_or("").to_owned();
                ops.push(Operation { method: method.to_uppercase(), path: path.clone(), summary, tag });
            }
        }
    }
    ops.sort_by(|a, b| (&a.path, &a.method).cmp(&(&b.path, &b.method)));
    ops
}

async fn docs(ctx: PageCtx) -> Response {
    let version = ApiDoc::openapi().info.version;
    render(StatusCode::OK, &DocsPage { ctx, operations: operations(), version })
}
