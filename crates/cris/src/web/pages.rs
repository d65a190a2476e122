//! The public home page and the fixed-text pages (privacy, accessibility). Each capability
//! adds its entry to [`SERVICES`] when it has pages.

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use super::AppState;
use super::page::{PageCtx, render};

/// A service card on the home page: link and message ids of its title and description.
pub struct Service {
    /// Where it starts.
    pub href: &'static str,
    /// Title message id.
    pub title_id: &'static str,
    /// Description message id.
    pub body_id: &'static str,
}

/// The services offered, in the order the home page lists them.
pub const SERVICES: &[Service] = &[
    Service { href: "/case-status", title_id: "service-status-title", body_id: "service-status-body" },
    Service { href: "/processing-times", title_id: "service-times-title", body_id: "service-times-body" },
    Service { href: "/account/sign-in", title_id: "service-portfolio-title", body_id: "service-portfolio-body" },
    Service { href: "/appointments", title_id: "service-appointments-title", body_id: "service-appointments-body" },
    Service { href: "/service-request", title_id: "service-request-title", body_id: "service-request-body" },
    Service { href: "/change-of-address", title_id: "service-address-title", body_id: "service-address-body" },
    Service { href: "/api/docs", title_id: "service-api-title", body_id: "service-api-body" },
];

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    ctx: PageCtx,
    services: &'static [Service],
}

/// A page of fixed text: a heading and paragraphs, all from the message catalogue.
#[derive(Template)]
#[template(path = "info.html")]
pub struct InfoPage {
    ctx: PageCtx,
    title_id: &'static str,
    paragraph_ids: &'static [&'static str],
}

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home)).route("/privacy", get(privacy)).route("/accessibility", get(accessibility))
}

async fn privacy(ctx: PageCtx) -> Response {
    let paragraph_ids = &["privacy-p1", "privacy-p2", "privacy-p3", "privacy-p4"];
    render(StatusCode::OK, &InfoPage { ctx, title_id: "privacy-title", paragraph_ids })
}

async fn accessibility(ctx: PageCtx) -> Response {
    let paragraph_ids = &["accessibility-p1", "accessibility-p2", "accessibility-p3"];
    render(StatusCode::OK, &InfoPage { ctx, title_id: "accessibility-title", paragraph_ids })
}

async fn home(ctx: PageCtx) -> Response {
    render(StatusCode::OK, &HomePage { ctx, services: SERVICES })
}
