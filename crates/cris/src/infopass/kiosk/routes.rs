//! Kiosk mode (R-IP-10): the public pages on a terminal in a field office, for people without
//! internet access. A staff member of the office turns a terminal into a kiosk; it then carries
//! a cookie naming the office, signed with the server's key so that nobody can claim it from
//! home. In kiosk mode the pages have large touch targets, no links away, a welcome screen to
//! start from, an inactivity reset that returns to it (leaving no personal data on screen), and
//! `no-store` caching so the browser's Back button cannot bring a customer's page back. Kiosks
//! are exempt from the per-address limits (the whole lobby shares one address); the limits per
//! person still hold.

use askama::Template;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::model::{COOKIE, KEEP_SECONDS, cookie_value, office_of};
use super::service;
use crate::kernel::session::{self};
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::Staff;
use crate::web::staff_ctx::StaffForm;
use crate::web::staff_page::{permit_page, staff_error};

crate::web::staff_ctx::carries_csrf!(StartForm);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/kiosk", get(welcome)).route("/staff/kiosk", get(setup).post(start))
}

/// Pages shown on a kiosk are never stored by the browser (assets keep their caching).
pub fn no_store(req: &Request) -> bool {
    session::cookie(req.headers(), COOKIE).is_some() && !req.uri().path().starts_with("/assets/")
}

/// Marks an answer to a kiosk (see [`no_store`]) not to be kept.
pub fn mark_no_store(res: &mut Response) {
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

#[derive(Template)]
#[template(path = "kiosk.html")]
struct WelcomePage {
    ctx: PageCtx,
    office: String,
    office_code: String,
}

/// The kiosk's welcome screen, where every visit starts and every reset returns.
async fn welcome(State(state): State<AppState>, ctx: PageCtx) -> Response {
    let Some(office) = ctx.kiosk.as_deref().and_then(|code| state.catalog().field_office(code)) else {
        return crate::web::error::error_page(ctx, StatusCode::NOT_FOUND);
    };
    let page = WelcomePage { office: office.name(ctx.lang).to_owned(), office_code: office.code.clone(), ctx };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "staff/kiosk.html")]
struct SetupPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    office: String,
    active: bool,
}

/// Kiosks are set up by front-desk staff, for their own office.
async fn permitted(state: &AppState, staff: &Staff) -> Result<crate::kernel::access::Allowed, Response> {
    permit_page(state, staff, crate::web::staff_nav::doors::KIOSK.gate, ("kiosk.start", &staff.actor.place.office))
        .await
}

/// Front-desk staff turn this terminal into their office's kiosk, or back.
async fn setup(State(state): State<AppState>, staff: Staff, headers: HeaderMap) -> Response {
    if let Err(page) = permitted(&state, &staff).await {
        return page;
    }
    let Some(office) = state.catalog().field_office(&staff.actor.place.office) else {
        return staff_error(&staff, &crate::kernel::error::ServiceError::NotFound);
    };
    let page = SetupPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        office: office.name_en.clone(),
        active: office_of(state.token_key(), &headers).is_some(),
    };
    staff.finish(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// Sets (or clears) the kiosk cookie and signs the staff member out of this terminal, so that
/// the public never finds a staff session on it; audited.
async fn start(State(state): State<AppState>, StaffForm(staff, f): StaffForm<StartForm>) -> Response {
    let allowed = match permitted(&state, &staff).await {
        Ok(allowed) => allowed,
        Err(page) => return page,
    };
    let office = staff.actor.place.office.clone();
    let stop = f.action == "stop";
    service::turn(state.db(), &allowed, &staff.actor, state.clock().now(), stop, &staff.token).await;
    let (value, age) =
        if stop { (String::new(), Some(0)) } else { (cookie_value(state.token_key(), &office), Some(KEEP_SECONDS)) };
    let mut res = Redirect::to(if stop { "/staff/sign-in" } else { "/kiosk" }).into_response();
    let headers = res.headers_mut();
    headers.append(header::SET_COOKIE, session::set_cookie(COOKIE, &value, state.tls(), age));
    headers.append(header::SET_COOKIE, session::set_cookie(session::Kind::Staff.cookie(), "", state.tls(), Some(0)));
    res
}
