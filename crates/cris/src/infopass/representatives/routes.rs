//! The pages of registered representatives (R-IP-05): a customer asks to be registered and, once
//! approved, sees and cancels the appointments they booked for clients; national administrators
//! decide the requests.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::model::{Application, Decision, Kind, Listed, MAX_ACTIVE, Registration, Status};
use super::service;
use crate::infopass::booking::model::CancelError;
use crate::infopass::booking::service as booking;
use crate::kernel::error::ServiceError;
use crate::kernel::ids::Confirmation;
use crate::reference::{format_date, format_time};
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::Staff;
use crate::web::staff_ctx::StaffForm;
use crate::web::staff_page::staff_error;
use crate::web::visit::Visit;

crate::web::staff_ctx::carries_csrf!(DecideForm);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/representative", get(page).post(apply))
        .route("/account/representative/cancel", post(cancel))
        .route("/staff/representatives", get(staff_page))
        .route("/staff/representatives/decide", post(decide))
}

// ---------------------------------------------------------------- the customer's page

/// An appointment as the representative's table shows it.
struct Row {
    confirmation: String,
    client: String,
    office: String,
    service: String,
    when: String,
}

#[derive(Template)]
#[template(path = "account/representative.html")]
struct RepresentativePage {
    ctx: PageCtx,
    csrf: String,
    registration: Option<Registration>,
    kinds: Vec<(&'static str, bool)>,
    typed: String,
    rows: Vec<Row>,
    max: i64,
    errors: Vec<(&'static str, String)>,
    notice: Option<String>,
}

impl RepresentativePage {
    fn status(&self) -> &'static str {
        self.registration.as_ref().map_or("none", |r| r.status.code())
    }

    fn organization(&self) -> &str {
        self.registration.as_ref().map_or("", |r| r.organization.as_str())
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    asked: bool,
    #[serde(default)]
    cancelled: bool,
}

#[derive(Deserialize, Default)]
struct ApplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    kind: String,
}

async fn view(
    state: &AppState,
    v: &Visit,
    status: StatusCode,
    form: ApplyForm,
    errors: Vec<(&'static str, String)>,
    notice: Option<String>,
) -> Response {
    let Some((customer, _)) = &v.customer else { return Redirect::to("/account/sign-in").into_response() };
    let now = state.clock().now();
    let registration = match service::of_customer(state.db(), customer.id).await {
        Ok(r) => r,
        Err(e) => return unavailable(v, &e),
    };
    let lang = v.ctx.lang;
    let mut rows = Vec::new();
    if registration.as_ref().is_some_and(|r| r.status == Status::Approved) {
        let booked = match service::appointments(state.db(), customer.id, now).await {
            Ok(b) => b,
            Err(e) => return unavailable(v, &e),
        };
        rows = booked
            .into_iter()
            .map(|a| Row {
                office: state
                    .catalog()
                    .office(&a.office_code)
                    .map_or(a.office_code.clone(), |o| o.name(lang).to_owned()),
                service: a.service.name(lang).to_owned(),
                when: format!("{}, {}", format_date(a.starts.date(), lang), format_time(a.starts.time(), lang)),
                client: a.name,
                confirmation: a.confirmation,
            })
            .collect();
    }
    let page = RepresentativePage {
        ctx: v.ctx.clone(),
        csrf: v.csrf.clone(),
        registration,
        kinds: Kind::ALL.into_iter().map(|k| (k.code(), k.code() == form.kind)).collect(),
        typed: form.organization,
        rows,
        max: MAX_ACTIVE,
        errors,
        notice,
    };
    v.finish(render(status, &page))
}

fn unavailable(v: &Visit, e: &dyn std::fmt::Display) -> Response {
    crate::web::error::unavailable_page(v.ctx.clone(), "representative request", e)
}

fn expired(v: &Visit) -> Response {
    crate::web::error::error_page(v.ctx.clone(), StatusCode::FORBIDDEN)
}

/// The registration's state and, once approved, the clients' appointments.
async fn page(State(state): State<AppState>, v: Visit, Query(q): Query<PageQuery>) -> Response {
    let notice = match (q.asked, q.cancelled) {
        (true, _) => Some(v.ctx.t("rep-asked")),
        (_, true) => Some(v.ctx.t("rep-cancelled")),
        _ => None,
    };
    view(&state, &v, StatusCode::OK, ApplyForm::default(), Vec::new(), notice).await
}

/// Asks to be registered.
async fn apply(State(state): State<AppState>, v: Visit, Form(f): Form<ApplyForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired(&v);
    }
    let Some((customer, _)) = &v.customer else { return Redirect::to("/account/sign-in").into_response() };
    let application = match Application::parse(&f.organization, &f.kind) {
        Ok(a) => a,
        Err(e) => {
            let errors = vec![(e.field, v.ctx.t(&format!("rep-err-{}", e.field)))];
            return view(&state, &v, StatusCode::UNPROCESSABLE_ENTITY, f, errors, None).await;
        }
    };
    match service::apply(state.db(), customer.id, &application, state.clock().now()).await {
        // Already pending or approved: the page says which.
        Ok(_) => v.finish(Redirect::to("/account/representative?asked=true").into_response()),
        Err(e) => unavailable(&v, &e),
    }
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirmation: String,
}

/// Cancels an appointment the representative booked; its personal data goes with it.
async fn cancel(State(state): State<AppState>, v: Visit, Form(f): Form<CancelForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired(&v);
    }
    let Some((customer, _)) = &v.customer else { return Redirect::to("/account/sign-in").into_response() };
    let approved = match service::is_approved(state.db(), customer.id).await {
        Ok(a) => a,
        Err(e) => return unavailable(&v, &e),
    };
    let refused = |key: &str| {
        let errors = vec![("confirmation", v.ctx.t(key))];
        view(&state, &v, StatusCode::UNPROCESSABLE_ENTITY, ApplyForm::default(), errors, None)
    };
    let Ok(confirmation) = Confirmation::new(&f.confirmation) else { return refused("rep-err-confirmation").await };
    if !approved {
        return refused("rep-err-confirmation").await;
    }
    match booking::cancel_for_representative(state.db(), customer.id, &confirmation, (state.clock().now(), &v.ip)).await
    {
        Ok(_) => v.finish(Redirect::to("/account/representative?cancelled=true").into_response()),
        Err(CancelError::NoMatch | CancelError::Locked(_)) => refused("rep-err-confirmation").await,
        Err(e) => unavailable(&v, &e),
    }
}

// ---------------------------------------------------------------- the administrators' page

#[derive(Template)]
#[template(path = "staff/representatives.html")]
struct StaffPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    listed: Vec<Listed>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
struct StaffQuery {
    #[serde(default)]
    decided: Option<String>,
}

/// The requests and registrations (`representatives.manage`).
async fn staff_page(State(state): State<AppState>, staff: Staff, Query(q): Query<StaffQuery>) -> Response {
    let now = state.clock().now();
    let listed = match service::listed(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(l) => l,
        Err(e) => return staff_error(&staff, &e),
    };
    let notice = q.decided.as_deref().and_then(Decision::parse).map(|d| {
        staff.ctx.t(match d {
            Decision::Approve => "staff-reps-decided-approve",
            Decision::Refuse => "staff-reps-decided-refuse",
            Decision::Revoke => "staff-reps-decided-revoke",
        })
    });
    let page =
        StaffPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), csrf: staff.csrf.clone(), listed, notice };
    staff.finish(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    customer: String,
    #[serde(default)]
    decision: String,
}

/// Approves, refuses or revokes (audited; the customer is emailed).
async fn decide(State(state): State<AppState>, StaffForm(staff, f): StaffForm<DecideForm>) -> Response {
    let (Ok(customer), Some(decision)) = (f.customer.trim().parse::<i64>(), Decision::parse(&f.decision)) else {
        return staff_error(&staff, &ServiceError::NotFound);
    };
    let now = state.clock().now();
    match service::decide(state.db(), state.catalog(), &staff.actor, now, customer, decision).await {
        Ok(()) => {
            staff.finish(Redirect::to(&format!("/staff/representatives?decided={}", f.decision.trim())).into_response())
        }
        Err(e) => staff_error(&staff, &e),
    }
}
