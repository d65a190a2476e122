//! The retention staff page: purge certificates (`retention.read`), legal holds, and the form to
//! place or release one (`retention.hold`). Certificates count; they never link to what went.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::model::{self, Certificate, Hold, Kind};
use super::service;
use crate::kernel::access::Capability;
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::render;
use crate::web::staff_ctx::{Staff, StaffForm};
use crate::web::staff_page::staff_error;

crate::web::staff_ctx::carries_csrf!(HoldPost, ReleasePost);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/retention", get(page))
        .route("/staff/retention/holds", post(place))
        .route("/staff/retention/holds/release", post(release))
}

#[derive(Template)]
#[template(path = "staff/retention.html")]
struct RetentionPage {
    ctx: crate::web::page::PageCtx,
    staff: Option<Staff>,
    csrf: String,
    certificates: Vec<Certificate>,
    holds: Vec<Hold>,
    can_hold: bool,
    kinds: Vec<(&'static str, bool)>,
    form: HoldPost,
    errors: FieldErrors,
}

#[derive(Deserialize, Default, Clone)]
struct HoldPost {
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    record: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize, Default)]
struct ReleasePost {
    csrf: String,
    #[serde(default)]
    hold: String,
}

async fn show(state: &AppState, staff: &Staff, status: StatusCode, form: HoldPost, errors: FieldErrors) -> Response {
    let now = state.clock().now();
    let can_read = staff.actor.role.can(Capability::RetentionRead);
    let certificates = if can_read || !staff.actor.role.can(Capability::LegalHold) {
        match service::certificates(state.db(), state.catalog(), &staff.actor, now).await {
            Ok(c) => c,
            Err(e) => return staff_error(staff, &e),
        }
    } else {
        Vec::new()
    };
    let holds = match service::holds(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(h) => h,
        Err(e) => return staff_error(staff, &e),
    };
    let page = RetentionPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        certificates,
        holds,
        can_hold: staff.actor.role.can(Capability::LegalHold),
        kinds: Kind::ALL.into_iter().filter(|k| k.holdable()).map(|k| (k.code(), form.kind == k.code())).collect(),
        form,
        errors,
    };
    staff.finish(render(status, &page))
}

async fn page(State(state): State<AppState>, staff: Staff) -> Response {
    show(&state, &staff, StatusCode::OK, HoldPost::default(), FieldErrors::default()).await
}

async fn place(State(state): State<AppState>, StaffForm(staff, f): StaffForm<HoldPost>) -> Response {
    let mut problems = Vec::new();
    let kind = model::parse_holdable(&f.kind).map_err(|e| problems.push(e)).ok();
    let record = model::parse_record(&f.record).map_err(|e| problems.push(e)).ok();
    let reason = model::parse_reason(&f.reason).map_err(|e| problems.push(e)).ok();
    let (Some(kind), Some(record), Some(reason)) = (kind, record, reason) else {
        return show(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, f, FieldErrors::reasons(&problems)).await;
    };
    let now = state.clock().now();
    match service::place_hold(state.db(), state.catalog(), &staff.actor, now, kind, record, &reason).await {
        Ok(_) => staff.finish(Redirect::to("/staff/retention").into_response()),
        Err(crate::kernel::error::ServiceError::NotFound) => {
            let missing = FieldErrors::one("record", staff.ctx.t("staff-retention-no-record"));
            show(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, f, missing).await
        }
        Err(e) => staff_error(&staff, &e),
    }
}

async fn release(State(state): State<AppState>, StaffForm(staff, f): StaffForm<ReleasePost>) -> Response {
    let Ok(id) = f.hold.trim().parse::<i64>() else {
        return staff_error(&staff, &crate::kernel::error::ServiceError::NotFound);
    };
    let now = state.clock().now();
    match service::release_hold(state.db(), state.catalog(), &staff.actor, now, id).await {
        Ok(()) => staff.finish(Redirect::to("/staff/retention").into_response()),
        Err(e) => staff_error(&staff, &e),
    }
}
