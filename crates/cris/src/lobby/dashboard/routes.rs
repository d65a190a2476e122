//! The supervisor's lobby dashboard (R-QM-07) and each office's lobby rules page. The dashboard
//! shows the measures against their thresholds, the alerts, the queue and the counters; it
//! follows the office's lobby events and refreshes its live part on each. A supervisor may call
//! a ticket out of queue order from it, with a reason.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::service::{self, View};
use crate::kernel::access::Capability;
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;
use crate::lobby::alerts::Alert;
use crate::lobby::queue::{self, Ticket};
use crate::lobby::routes::{counter_of, lobby_error, refuse};
use crate::lobby::rules::{self, Level, Measure, OfficeRules, Threshold};
use crate::reference::Office;
use crate::web::AppState;
use crate::web::fields::Fields;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::Staff;
use crate::web::staff_ctx::StaffForm;
use crate::web::staff_page::field_offices_in_reach;
use crate::web::staff_page::{field_office_asked, permit_page, staff_error};

crate::web::staff_ctx::carries_csrf!(OutOfOrderForm);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/lobby/dashboard", get(dashboard))
        .route("/staff/lobby/tickets/{id}/call", post(call_out_of_order))
        .route("/staff/lobby/rules", get(rules_page).post(save_rules))
}

#[derive(Deserialize, Default)]
struct OfficeQuery {
    #[serde(default)]
    office: String,
}

/// A measure as the dashboard shows it.
struct Gauge {
    measure: Measure,
    value: i64,
    level: Level,
    threshold: Threshold,
}

/// A waiting ticket as the dashboard shows it.
struct Waiting {
    ticket: Ticket,
    waited: i64,
}

#[derive(Template)]
#[template(path = "staff/lobby_dashboard.html")]
struct DashboardPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    office: Office,
    offices: Vec<(String, String)>,
    gauges: Vec<Gauge>,
    alerts: Vec<Alert>,
    waiting: Vec<Waiting>,
    counters: Vec<Ticket>,
    out_of_order: bool,
    updated: String,
    /// The office's zone now, for the appointments' local times.
    zone: String,
}

/// The dashboard (R-QM-07).
async fn dashboard(State(state): State<AppState>, staff: Staff, Query(q): Query<OfficeQuery>) -> Response {
    let Some(office) = field_office_asked(&state, &staff, &q.office) else {
        return staff_error(&staff, &ServiceError::NotFound);
    };
    let now = state.clock().now();
    match service::view(state.db(), state.catalog(), &staff.actor, now, office).await {
        Ok(View { measures, rules: office_rules, alerts, waiting, counters }) => {
            let gauges = Measure::ALL
                .into_iter()
                .map(|m| {
                    let threshold = office_rules.threshold(m);
                    let value = measures.value(m);
                    Gauge { measure: m, value, level: threshold.level(value), threshold }
                })
                .collect();
            // The dashboard reads at its office's clock, every time with the zone named.
            let mut ctx = staff.ctx.clone();
            ctx.tz = office.tz;
            let page = DashboardPage {
                zone: now.with_timezone(&office.tz).format("%Z").to_string(),
                ctx,
                staff: Some(staff.clone()),
                csrf: staff.csrf.clone(),
                office: office.clone(),
                offices: field_offices_in_reach(state.catalog(), &staff.actor),
                gauges,
                alerts,
                waiting: waiting
                    .into_iter()
                    .map(|t| Waiting { waited: (now - t.arrived_at).num_minutes().max(0), ticket: t })
                    .collect(),
                counters,
                out_of_order: staff.actor.role.can(Capability::QueueCallOutOfOrder),
                updated: now.with_timezone(&office.tz).format("%-I:%M:%S %p %Z").to_string(),
            };
            staff.finish(render(StatusCode::OK, &page))
        }
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Deserialize)]
struct OutOfOrderForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    counter: String,
    #[serde(default)]
    reason: String,
}

/// Calls one ticket ahead of the queue, with the reason (R-QM-05).
async fn call_out_of_order(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<OutOfOrderForm>,
) -> Response {
    let Some(office) = field_office_asked(&state, &staff, "") else {
        return staff_error(&staff, &ServiceError::NotFound);
    };
    let reason = f.reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        return refuse(&staff, "reason", &staff.ctx.t("staff-dashboard-reason-length"));
    }
    let counter = counter_of(&f.counter);
    let now = state.clock().now();
    match queue::call_out_of_order(state.db(), state.catalog(), &staff.actor, now, (&office.code, id), &counter, reason)
        .await
    {
        Ok(t) => {
            let office_rules = crate::lobby::service::rules_of(state.db(), office).await;
            crate::lobby::service::announce(
                state.db(),
                state.lobby(),
                office,
                state.clock().now(),
                &office_rules,
                "called",
                &t,
            )
            .await;
            staff.finish(Redirect::to("/staff/lobby/dashboard").into_response())
        }
        Err(e) => lobby_error(&staff, e),
    }
}

// ---------------------------------------------------------------- rules

#[derive(Template)]
#[template(path = "staff/lobby_rules.html")]
struct RulesPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    office: Office,
    offices: Vec<(String, String)>,
    values: Vec<(&'static str, &'static str, String)>,
    errors: Vec<InvalidInput>,
    saved: bool,
}

impl RulesPage {
    /// The message for a field, shown beside it (issue 17: staff never lose their work).
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.reason.as_str())
    }
}

#[derive(Deserialize, Default)]
struct RulesQuery {
    #[serde(default)]
    office: String,
    #[serde(default)]
    saved: bool,
}

/// The fields of the rules form: name, label (a catalogue message), value.
fn fields(r: &OfficeRules) -> Vec<(&'static str, &'static str, String)> {
    vec![
        ("early_minutes", "staff-rules-early_minutes", r.queue.early_minutes.to_string()),
        ("late_minutes", "staff-rules-late_minutes", r.queue.late_minutes.to_string()),
        ("ageing_minutes", "staff-rules-ageing_minutes", r.queue.ageing_minutes.to_string()),
        ("max_calls", "staff-rules-max_calls", r.queue.max_calls.to_string()),
        ("longest_wait_warning", "staff-rules-longest_wait_warning", r.longest_wait.warning.to_string()),
        ("longest_wait_critical", "staff-rules-longest_wait_critical", r.longest_wait.critical.to_string()),
        ("waiting_warning", "staff-rules-waiting_warning", r.waiting.warning.to_string()),
        ("waiting_critical", "staff-rules-waiting_critical", r.waiting.critical.to_string()),
        ("running_late_warning", "staff-rules-running_late_warning", r.running_late.warning.to_string()),
        ("running_late_critical", "staff-rules-running_late_critical", r.running_late.critical.to_string()),
    ]
}

fn rules_view(
    state: &AppState,
    staff: &Staff,
    office: &Office,
    values: Vec<(&'static str, &'static str, String)>,
    errors: Vec<InvalidInput>,
    saved: bool,
) -> Response {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = RulesPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        office: office.clone(),
        offices: field_offices_in_reach(state.catalog(), &staff.actor),
        values,
        errors,
        saved,
    };
    staff.finish(render(status, &page))
}

/// An office's queue rules and alert thresholds.
async fn rules_page(State(state): State<AppState>, staff: Staff, Query(q): Query<RulesQuery>) -> Response {
    let Some(office) = field_office_asked(&state, &staff, &q.office) else {
        return staff_error(&staff, &ServiceError::NotFound);
    };
    if let Err(page) =
        permit_page(&state, &staff, crate::web::staff_nav::doors::LOBBY_RULES.gate, ("lobby.rules", &office.code)).await
    {
        return page;
    }
    match rules::of_office(state.db(), &office.code).await {
        Ok(r) => rules_view(&state, &staff, office, fields(&r), Vec::new(), q.saved),
        Err(e) => staff_error(&staff, &ServiceError::Internal(e.to_string())),
    }
}

/// Saves them (audited).
async fn save_rules(State(state): State<AppState>, StaffForm(staff, f): StaffForm<Fields>) -> Response {
    let get = |k: &str| f.get(k);
    let Some(office) = field_office_asked(&state, &staff, &get("office")) else {
        return staff_error(&staff, &ServiceError::NotFound);
    };
    let parsed = match OfficeRules::parse(get) {
        Ok(r) => r,
        Err(errors) => {
            let typed = fields(&OfficeRules::default()).into_iter().map(|(n, l, _)| (n, l, get(n))).collect();
            return rules_view(&state, &staff, office, typed, errors, false);
        }
    };
    match rules::save(state.db(), state.catalog(), &staff.actor, state.clock().now(), &office.code, &parsed).await {
        Ok(()) => {
            staff.finish(Redirect::to(&format!("/staff/lobby/rules?office={}&saved=true", office.code)).into_response())
        }
        Err(e) => staff_error(&staff, &e),
    }
}
