//! Staff pages of InfoPass: an office's calendar (hours, services, slot lengths and capacities,
//! booking horizon) and its closures (R-IP-01, R-IP-11), for offices within reach.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::model::{self, CalendarSaved, Hours, NewClosure, Service};
use super::service;
use crate::kernel::access::Capability;
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
    /// The closure form as typed, when it was refused: day, from, until, reason (R-IP-11).
    closing: [String; 4],
}

impl CalendarPage {
    /// The message for a field, shown beside it.
    fn error(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| self.message(e))
    }

    /// A refusal in the catalogue's words, by its code (`staff-calendar-err-<code>`); a number
    /// out of range names the field's bounds.
    fn message(&self, e: &InvalidInput) -> String {
        message(&self.ctx, e)
    }
}

/// A calendar or closure refusal in the catalogue's words, by its code.
fn message(ctx: &PageCtx, e: &InvalidInput) -> String {
    match (e.code, model::bounds(e.field)) {
        (Some("calendar-range"), Some((low, high))) => {
            ctx.ta("staff-calendar-err-calendar-range", (("low", u32::from(low)), ("high", u32::from(high))))
        }
        (Some(code), _) => ctx.tc("staff-calendar-err", code),
        (None, _) => e.reason.clone(),
    }
}

/// What a refused form had in it, shown back as typed.
enum Typed<'a> {
    Hours(&'a Fields),
    Closing(&'a CloseForm),
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
    view_draft(state, staff, office, (errors, notice), None, None).await
}

/// The page, showing a posted calendar (`draft`) and the count of booked appointments it would
/// leave out instead of the stored one, when that count needs the administrator's confirmation.
async fn view_draft(
    state: &AppState,
    staff: &Staff,
    office: &Office,
    (errors, notice): (Vec<InvalidInput>, Option<String>),
    draft: Option<(&Hours, &[model::Offering], usize)>,
    typed: Option<Typed<'_>>,
) -> Response {
    if let Err(page) =
        permit_page(state, staff, crate::web::staff_nav::doors::CALENDAR.gate, ("offices.calendar", &office.code)).await
    {
        return page;
    }
    let now = state.clock().now();
    let local = now.with_timezone(&office.tz).naive_local();
    let (cal, closures) = match (
        service::of_office(state.db(), &office.code, local).await,
        service::upcoming(state.db(), &office.code, local).await,
    ) {
        (Ok(c), Ok(u)) => (c, u),
        (Err(e), _) | (_, Err(e)) => return staff_error(staff, &ServiceError::Internal(e.to_string())),
    };
    let (hours, offerings) = match (draft, cal.as_ref()) {
        (Some((h, o, _)), _) => (h.clone(), o.to_vec()),
        (None, Some(c)) => (c.hours.clone(), c.offerings.clone()),
        (None, None) => (Hours::standard(), Vec::new()),
    };
    let mut services: Vec<ServiceRow> = Service::ALL
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
    let mut opens = hours.opens.format("%H:%M").to_string();
    let mut closes = hours.closes.format("%H:%M").to_string();
    let mut horizon = hours.horizon_days.to_string();
    let mut weekdays: Vec<(u8, &'static str, bool)> =
        (1u8..).zip(DAYS).zip(hours.weekdays).map(|((n, d), open)| (n, d, open)).collect();
    let mut closing: [String; 4] = Default::default();
    match typed {
        // A refused calendar comes back as it was typed (issue 17: staff never lose their work).
        Some(Typed::Hours(f)) => {
            (opens, closes, horizon) = (f.get("opens"), f.get("closes"), f.get("horizon_days"));
            let ticked = f.all("weekday");
            for (n, _, open) in &mut weekdays {
                *open = ticked.iter().any(|t| t.trim() == n.to_string());
            }
            for (code, _, offered, minutes, capacity) in &mut services {
                *offered = !f.get(&format!("offer_{code}")).is_empty();
                *minutes = f.get(&format!("minutes_{code}"));
                *capacity = f.get(&format!("capacity_{code}"));
            }
        }
        Some(Typed::Closing(c)) => closing = [c.day.clone(), c.from.clone(), c.to.clone(), c.reason.clone()],
        None => {}
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = CalendarPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        office: office.clone(),
        offices: field_offices_in_reach(state.catalog(), &staff.actor),
        picker_action: "/staff/offices/calendar",
        opens,
        closes,
        weekdays,
        horizon,
        services,
        closures: closures.into_iter().map(|(s, e, r, by)| (s.replace('T', " "), e.replace('T', " "), r, by)).collect(),
        errors,
        notice,
        confirm: draft.map(|(_, _, n)| n),
        closing,
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
    let (hours, offerings) = match model::parse_form(get, &f.all("weekday")) {
        Ok(parsed) => parsed,
        Err(errors) => return view_draft(&state, &staff, office, (errors, None), None, Some(Typed::Hours(&f))).await,
    };
    // The count the administrator was shown and confirmed, if any (R-IP-11).
    let confirmed = get("confirm_cancel").trim().parse::<usize>().ok();
    let what = ("offices.calendar", office.code.as_str());
    let allowed = match permit_page(&state, &staff, Capability::OfficesManage, what).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    let saved = service::save_calendar(
        state.db(),
        &allowed,
        &staff.actor,
        state.clock().now(),
        office,
        (&hours, &offerings),
        confirmed,
        state.public_url(),
    );
    match saved.await {
        Ok(CalendarSaved::Saved(n)) => staff.finish(
            Redirect::to(&format!("/staff/offices/calendar?office={}&saved=true&cancelled={n}", office.code))
                .into_response(),
        ),
        Ok(CalendarSaved::Confirm(n)) => {
            view_draft(&state, &staff, office, (Vec::new(), None), Some((&hours, &offerings, n)), None).await
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
        Err(e) => return view_draft(&state, &staff, office, (vec![e], None), None, Some(Typed::Closing(&f))).await,
    };
    let what = ("appointments.close", office.code.as_str());
    let allowed = match permit_page(&state, &staff, Capability::AppointmentsManage, what).await {
        Ok(a) => a,
        Err(page) => return page,
    };
    match service::close(state.db(), &allowed, &staff.actor, now, office, &closure, state.public_url()).await {
        Ok(n) => staff.finish(
            Redirect::to(&format!("/staff/offices/calendar?office={}&closed={n}", office.code)).into_response(),
        ),
        Err(e) => staff_error(&staff, &e),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::kernel::i18n::{I18n, Lang};

    // R-IP-01, R-IP-11: every refusal of the calendar and closure forms is worded by the
    // catalogue from its code, a number's bounds included (issue 17).
    #[test]
    fn every_calendar_and_closure_refusal_has_its_words() {
        let ctx = PageCtx::new(Lang::En, Arc::new(I18n::load().unwrap()), "/staff/offices/calendar");
        let typed = |k: &str| match k {
            "offer_documents" => "on".to_owned(),
            "opens" | "horizon_days" | "minutes_documents" | "capacity_documents" => "x".to_owned(),
            _ => String::new(),
        };
        let mut refusals = model::parse_form(typed, &[]).unwrap_err();
        refusals.push(InvalidInput::new("closes", "").with_code("calendar-order"));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        for (day, from, to, reason) in [
            ("x", "", "", "r"),
            ("2026-11-01", "", "", "r"),
            ("2026-11-03", "x", "", "r"),
            ("2026-11-03", "13:00", "12:00", "r"),
            ("2026-11-03", "", "", ""),
        ] {
            refusals.extend(NewClosure::parse(day, from, to, reason, today).err());
        }
        let words: Vec<String> = refusals.iter().map(|e| message(&ctx, e)).collect();
        assert_eq!(words.len(), 12, "{words:?}");
        for (e, w) in refusals.iter().zip(&words) {
            assert!(e.code.is_some() && !w.starts_with("staff-"), "{e:?}: {w}");
        }
        assert!(words.contains(&"Enter a whole number from 5 to 240.".to_owned()), "{words:?}");
        assert!(words.contains(&"The closure must end after it starts.".to_owned()), "{words:?}");
    }
}
