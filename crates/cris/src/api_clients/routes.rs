//! The administrators' page for API clients.

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::model::{ApiClient, DEFAULT_DAILY_QUOTA, DEFAULT_RATE_PER_SECOND, NewClient};
use super::service;
use crate::kernel::error::ServiceError;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::Staff;
use crate::web::staff_ctx::StaffForm;
use crate::web::staff_page::staff_error;

crate::web::staff_ctx::carries_csrf!(ClientForm);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/admin/clients", get(page).post(create))
}

#[derive(Template)]
#[template(path = "staff/clients.html")]
struct ClientsPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    clients: Vec<ApiClient>,
    error: Option<String>,
    issued: Option<(String, String)>,
    default_rate: i64,
    default_quota: i64,
}

#[derive(Deserialize, Default)]
struct Empty {}

async fn view(state: &AppState, staff: &Staff, error: Option<String>, issued: Option<(String, String)>) -> Response {
    let now = state.clock().now();
    match service::list(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(clients) => {
            let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            let page = ClientsPage {
                ctx: staff.ctx.clone(),
                staff: Some(staff.clone()),
                clients,
                error,
                issued,
                default_rate: DEFAULT_RATE_PER_SECOND,
                default_quota: DEFAULT_DAILY_QUOTA,
            };
            staff.finish(render(status, &page))
        }
        Err(e) => staff_error(staff, &e),
    }
}

async fn page(State(state): State<AppState>, staff: Staff, Query(_): Query<Empty>) -> Response {
    view(&state, &staff, None, None).await
}

#[derive(Deserialize)]
struct ClientForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    rate_per_second: String,
    #[serde(default)]
    daily_quota: String,
    #[serde(default)]
    scopes: String,
}

async fn create(State(state): State<AppState>, StaffForm(staff, f): StaffForm<ClientForm>) -> Response {
    let number = |s: &str, default: i64| {
        if s.trim().is_empty() { Some(default) } else { s.trim().replace(',', "").parse::<i64>().ok() }
    };
    let (Some(rate), Some(quota)) =
        (number(&f.rate_per_second, DEFAULT_RATE_PER_SECOND), number(&f.daily_quota, DEFAULT_DAILY_QUOTA))
    else {
        return view(&state, &staff, Some(staff.ctx.t("staff-clients-not-numbers")), None).await;
    };
    let scopes = if f.scopes.trim().is_empty() { "case_status".to_owned() } else { f.scopes };
    let new =
        NewClient { name: f.name, client_id: None, secret: None, rate_per_second: rate, daily_quota: quota, scopes };
    match service::register(state.db(), state.catalog(), Some(&staff.actor), state.clock().now(), new).await {
        Ok(issued) => view(&state, &staff, None, Some(issued)).await,
        Err(ServiceError::Invalid(e)) => view(&state, &staff, Some(e.reason), None).await,
        Err(e) => staff_error(&staff, &e),
    }
}
