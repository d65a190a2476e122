//! Staff pages of InfoPass: an office's calendar (hours, services, slot lengths and capacities,
//! booking horizon) and its closures (R-IP-01, R-IP-11), for offices within reach.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::calendar::{self, Hours, Service};
use super::closures::{self, NewClosure};
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;
use crate::reference::Office;
use crate::web::AppState;
use crate::web::fields::Fields;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::Staff;
use crate::web::staff_ctx::StaffForm;
use crate::web::staff_page::field_offices_in_reach;
use crate::web::staff_page::{field_office_asked, permit_page, staff_error};

crate::web::staff_ctx::carries_csrf!(CloseForm);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/offices/calendar", get(page).post(save)).route("/staff/offices/closures", post(close))
}

/// A service's row of the form: code, name, offered, minutes, capacity.
type ServiceRow = (&'static str, &'static str, bool, String, String);

#[derive(Template)]
#[template(path = "staff/office_calendar.html")]
struct CalendarPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    office: Office,
    offices: Vec<(String, String)>,
    picker_action: &'static str,
    opens: String,
    closes: String,
    weekdays: Vec<(u8, &'static str, bool)>,
    horizon: String,
    services: Vec<ServiceRow>,
    closures: Vec<(String, String, String, String)>,
    errors: Vec<InvalidInput>,
    notice: Option<String>,
    /// Booked appointments the posted calendar would leave out, for the administrator to
    /// confirm (the form then shows what was posted).
    confirm: Option<usize>,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    #[serde(default)]
    office: String,
    #[serde(default)]
    saved: bool,
    #[serde(default)]
    closed: Option<usize>,
    #[serde(default)]
    cancelled: Option<usize>,
}

/// The days of the week, Monday first, as catalogue messages.
const DAYS: [&str; 7] = [
    "staff-weekday-monday",
    "staff-weekday-tuesday",
    "staff-weekday-wednesday",
    "staff-weekday-thursday",
    "staff-weekday-friday",
    "staff-weekday-saturday",
    "staff-weekday-sunday",
];

async fn view(
    state: &AppState,
    staff: &Staff,
    office: &Office,
    errors: Vec<InvalidInput>,
    notice: Option<String>,
) -> Response {
    view_draft(state, staff, office, (errors, notice), None).await
}

/// The page, showing a posted calendar (`draft`) and the count of booked appointments it would
/// leave out instead of the stored one, when that count needs the administrator's confirmation.
async fn view_draft(
    state: &AppState,
    staff: &Staff,
    office: &Office,
    (errors, notice): (Vec<InvalidInput>, Option<String>),
    draft: Option<(&Hours, &[calendar::Offering], usize)>,
) -> Response {
    if let Err(page) =
        permit_page(state, staff, crate::web::staff_nav::doors::CALENDAR.gate, ("offices.calendar", &office.code)).await
    {
        return page;
    }
    let now = state.clock().now();
    let local = now.with_timezone(&office.tz).naive_local();
    let (cal, closures) = match (
        calendar::of_office(state.db(), &office.code, local).await,
        closures::upcoming(state.db(), &office.code, local).await,
    ) {
        (Ok(c), Ok(u)) => (c, u),
        (Err(e), _) | (_, Err(e)) => return staff_error(staff, &ServiceError::Internal(e.to_string())),
    };
    let (hours, offerings) = match (draft, cal.as_ref()) {
        (Some((h, o, _)), _) => (h.clone(), o.to_vec()),
        (None, Some(c)) => (c.hours.clone(), c.offerings.clone()),
        (None, None) => (Hours::standard(), Vec::new()),
    };
    let services = Service::ALL
        .into_iter()
        .map(|s| {
            let offered = offerings.iter().find(|o| o.service == s);
            (
                s.code(),
                s.name(crate::kernel::i18n::Lang::En),
                offered.is_some(),
                offered.map_or("15".into(), |o| o.slot_minutes.to_string()),
                offered.map_or("1".into(), |o| o.capacity.to_string()),
            )
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = CalendarPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        office: office.clone(),
        offices: field_offices_in_reach(state.catalog(), &staff.actor),
        picker_action: "/staff/offices/calendar",
        opens: hours.opens.format("%H:%M").to_string(),
        closes: hours.closes.format("%H:%M").to_string(),
        weekdays: (1u8..).zip(DAYS).zip(hours.weekdays).map(|((n, d), open)| (n, d, open)).collect(),
        horizon: hours.horizon_days.to_string(),
        services,
        closures: closures.into_iter().map(|(s, e, r, by)| (s.replace('T', " "), e.replace('T', " "), r, by)).collect(),
        errors,
        notice,
        confirm: draft.map(|(_, _, n)| n),
    };
    staff.finish(render(status, &page))
}

/// An office's calendar and closures.
async fn page(State(state): State<AppState>, staff: Staff, Query(q): Query<PageQuery>) -> Response {
    let Some(office) = field_office_asked(&state, &staff, &q.office) else {
        return staff_error(&staff, &ServiceError::NotFound);
    };
    let notice = match (q.saved, q.closed, q.cancelled) {
        (_, Some(n), _) => Some(staff.ctx.ta("staff-calendar-closed", ("count", n))),
        (true, None, Some(n)) if n > 0 => Some(staff.ctx.ta("staff-calendar-saved-cancelled", ("count", n))),
        (true, None, _) => Some(staff.ctx.t("staff-calendar-saved")),
        _ => None,
    };
    view(&state, &staff, office, Vec::new(), notice).await
}

/// Saves the hours and services (audited).
async fn save(State(state): State<AppState>, StaffForm(staff, f): StaffForm<Fields>) -> Response {
    let get = |k: &str| f.get(k);
    let Some(office) = field_office_asked(&state, &staff, &get("office")) else {
        return staff_error(&staff, &ServiceError::NotFound);
    };
    let (hours, offerings) = match calendar::parse_form(get, &f.all("weekday")) {
        Ok(parsed) => parsed,
        Err(errors) => return view(&state, &staff, office, errors, None).await,
    };
    // The count the administrator was shown and confirmed, if any (R-IP-11).
    let confirmed = get("confirm_cancel").trim().parse::<usize>().ok();
    let saved = closures::save_calendar(
        state.db(),
        state.catalog(),
        &staff.actor,
        state.clock().now(),
        office,
        (&hours, &offerings),
        confirmed,
        state.public_url(),
    );
    match saved.await {
        Ok(closures::CalendarSaved::Saved(n)) => staff.finish(
            Redirect::to(&format!("/staff/offices/calendar?office={}&saved=true&cancelled={n}", office.code))
                .into_response(),
        ),
        Ok(closures::CalendarSaved::Confirm(n)) => {
            view_draft(&state, &staff, office, (Vec::new(), None), Some((&hours, &offerings, n))).await
        }
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

/// Closes a day or some hours; the customers inside are told (R-IP-11).
async fn close(State(state): State<AppState>, StaffForm(staff, f): StaffForm<CloseForm>) -> Response {
    let Some(office) = field_office_asked(&state, &staff, &f.office) else {
        return staff_error(&staff, &ServiceError::NotFound);
    };
    let now = state.clock().now();
    let closure = match NewClosure::parse(&f.day, &f.from, &f.to, &f.reason, now.with_timezone(&office.tz).date_naive())
    {
        Ok(c) => c,
        Err(e) => return view(&state, &staff, office, vec![e], None).await,
    };
    match closures::close(state.db(), state.catalog(), &staff.actor, now, office, &closure, state.public_url()).await {
        Ok(n) => staff.finish(
            Redirect::to(&format!("/staff/offices/calendar?office={}&closed={n}", office.code)).into_response(),
        ),
        Err(e) => staff_error(&staff, &e),
    }
}
