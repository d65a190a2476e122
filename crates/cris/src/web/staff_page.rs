//! What staff pages of every capability share beyond the extractors: the message page that
//! answers a refusal or an error, the capability check whose refusal is that page, and the office
//! a page asks for. It lives in the shell so that capabilities need not import `staff`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::AppState;
use super::page::{PageCtx, render};
use super::staff_ctx::Staff;
use crate::kernel::access::{Actor, Allowed, Capability, Denial};
use crate::kernel::error::{ErrorCode, ServiceError};
use crate::reference::Catalog;

/// A staff message page (refusals, errors).
#[derive(Template)]
#[template(path = "staff/message.html")]
struct MessagePage {
    ctx: PageCtx,
    staff: Option<Staff>,
    title: String,
    message: String,
    /// The stable code shown for support (`docs/ERRORS.md`).
    code: ErrorCode,
}

/// Answers a staff error with the right status and a page that says what happened.
pub fn error_response(ctx: PageCtx, staff: Option<Staff>, err: &ServiceError) -> Response {
    let (status, title, message) = match err {
        ServiceError::Denied(d) => {
            let why = ctx.t(match d {
                Denial::Capability => "staff-error-denied-capability",
                Denial::Reach => "staff-error-denied-reach",
            });
            (StatusCode::FORBIDDEN, "staff-error-denied-title", ctx.t1("staff-error-denied", "why", &why))
        }
        ServiceError::NotFound => {
            (StatusCode::NOT_FOUND, "staff-error-not-found-title", ctx.t("staff-error-not-found"))
        }
        ServiceError::Invalid(e) => (StatusCode::UNPROCESSABLE_ENTITY, "staff-error-invalid-title", e.reason.clone()),
        ServiceError::Internal(e) => {
            tracing::error!(error = %e, "staff request failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "staff-error-internal-title", ctx.t("staff-error-internal"))
        }
    };
    render(status, &MessagePage { title: ctx.t(title), ctx, staff, message, code: err.code() })
}

/// The error page of a signed-in staff member's request.
pub fn staff_error(staff: &Staff, err: &ServiceError) -> Response {
    staff.finish(error_response(staff.ctx.clone(), Some(staff.clone()), err))
}

/// Checks a capability on an office for a staff page; a refusal is the page's answer.
pub async fn permit_page(
    state: &AppState,
    staff: &Staff,
    capability: Capability,
    (what, office): (&str, &str),
) -> Result<Allowed, Response> {
    let now = state.clock().now();
    crate::kernel::access::permit_at(state.db(), state.catalog(), &staff.actor, now, capability, (what, office))
        .await
        .map_err(|e| staff_error(staff, &e))
}

/// The field office a staff page asks for (`?office=`), or the staff member's own when none is
/// asked; whether it is within reach is for the capability check to say.
pub fn field_office_asked<'a>(state: &'a AppState, staff: &Staff, asked: &str) -> Option<&'a crate::reference::Office> {
    let code = if asked.trim().is_empty() { staff.actor.place.office.as_str() } else { asked.trim() };
    state.catalog().field_office(code)
}

/// The answer to a form whose CSRF token does not match (403).
pub fn forbidden_csrf(staff: &Staff) -> Response {
    staff.finish(render(
        StatusCode::FORBIDDEN,
        &MessagePage {
            ctx: staff.ctx.clone(),
            staff: Some(staff.clone()),
            title: staff.ctx.t("staff-error-csrf-title"),
            message: staff.ctx.t("staff-error-csrf"),
            code: ErrorCode::FormExpired,
        },
    ))
}

/// The field offices an actor reaches, as (code, English name), for office pickers.
pub fn field_offices_in_reach(catalog: &Catalog, actor: &Actor) -> Vec<(String, String)> {
    catalog.field_offices_in_reach(actor)
}
