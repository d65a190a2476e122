//! The public InfoPass pages: the field offices nearest a ZIP code (R-IP-01).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use axum::extract::Path;
use chrono::{NaiveDate, NaiveTime};

use super::model::{self, Service};
use super::service;
use crate::infopass::booking::service as booking;
use crate::kernel::contact::Zip;
use crate::kernel::i18n::Lang;
use crate::offices::nearest::{self, Nearby, NearestError};
use crate::reference::{Office, format_date, format_day_in_month, format_month, format_time};
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};
use crate::web::visit::Visit;

/// Offices listed for a ZIP code.
const LISTED: usize = 5;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/appointments", get(offices_page)).route("/appointments/{office}", get(office_page))
}

/// An office as the page lists it.
struct Listed {
    code: String,
    name: String,
    street: String,
    city_line: String,
    miles: String,
    assigned: bool,
}

#[derive(Template)]
#[template(path = "appointments.html")]
struct OfficesPage {
    ctx: PageCtx,
    typed: String,
    error: Option<String>,
    zip: Option<String>,
    offices: Vec<Listed>,
}

#[derive(Deserialize, Default)]
struct Search {
    #[serde(default)]
    zip: String,
}

impl Listed {
    /// An office in a language; its distance is set by the search that found it.
    fn of(o: &Office, lang: Lang) -> Listed {
        Listed {
            code: o.code.clone(),
            name: o.name(lang).to_owned(),
            street: o.street.clone(),
            city_line: format!("{}, {} {}", o.city, o.state, o.zip),
            miles: String::new(),
            assigned: false,
        }
    }

    /// An office found near a ZIP code.
    fn near(n: &Nearby<'_>, lang: Lang) -> Listed {
        Listed { miles: format!("{:.0}", n.miles), assigned: n.assigned, ..Listed::of(n.office, lang) }
    }
}

async fn offices_page(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<Search>) -> Response {
    let typed = q.zip.trim().to_owned();
    let page = |ctx, error, zip, offices| OfficesPage { ctx, typed: typed.clone(), error, zip, offices };
    if typed.is_empty() {
        return render(StatusCode::OK, &page(ctx, None, None, Vec::new()));
    }
    let Ok(zip) = typed.parse::<Zip>() else {
        let message = ctx.t("ip-zip-invalid");
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page(ctx, Some(message), None, Vec::new()));
    };
    match nearest::nearest(state.db(), state.catalog(), &zip, LISTED).await {
        Ok(found) => {
            let offices = found.iter().map(|n| Listed::near(n, ctx.lang)).collect();
            render(StatusCode::OK, &page(ctx, None, Some(zip.five().to_owned()), offices))
        }
        Err(NearestError::UnknownZip) => {
            let message = ctx.t1("ip-zip-unknown", "zip", zip.five());
            render(StatusCode::UNPROCESSABLE_ENTITY, &page(ctx, Some(message), None, Vec::new()))
        }
        Err(NearestError::Db(e)) => {
            tracing::error!(error = %e, "nearest offices failed");
            let message = ctx.t("ip-unavailable");
            render(StatusCode::SERVICE_UNAVAILABLE, &page(ctx, Some(message), None, Vec::new()))
        }
    }
}

/// The open days of one month, under its heading (the year is said once, there).
struct Month {
    label: String,
    days: Vec<Day>,
}

/// A day an office offers the chosen service.
struct Day {
    iso: String,
    label: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "appointment_office.html")]
struct OfficePage {
    ctx: PageCtx,
    office: Listed,
    services: Vec<(&'static str, &'static str, bool)>,
    service: Option<Service>,
    /// Whether the chosen service has no open day.
    no_days: bool,
    months: Vec<Month>,
    /// The free times of the chosen day: (value, label).
    times: Vec<(String, String)>,
    chosen_day: Option<String>,
    chosen_iso: String,
    csrf: String,
    /// "Show dates" pressed without a service.
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
struct OfficeQuery {
    #[serde(default)]
    service: String,
    #[serde(default)]
    date: String,
    /// Sent by the "Show dates" button, so that pressing it without a service is told apart
    /// from arriving at the page.
    #[serde(default)]
    show: String,
}

/// An office's services, and for the chosen one the days it is offered and, for the chosen day,
/// the times with a seat free, each a button that holds it (R-IP-01). The office's own time zone
/// decides what "tomorrow" is.
async fn office_page(
    State(state): State<AppState>,
    v: Visit,
    Path(code): Path<String>,
    Query(q): Query<OfficeQuery>,
) -> Response {
    let ctx = v.ctx.clone();
    let Some(office) = state.catalog().field_office(&code) else {
        return crate::web::error::error_page(ctx, StatusCode::NOT_FOUND);
    };
    let local_now = state.clock().now().with_timezone(&office.tz).naive_local();
    let calendar = match service::of_office(state.db(), &office.code, local_now).await {
        Ok(Some(c)) => c,
        Ok(None) => return crate::web::error::error_page(ctx, StatusCode::NOT_FOUND),
        Err(e) => return crate::web::error::unavailable_page(ctx, "office calendar", &e),
    };
    let lang = ctx.lang;
    let service = Service::parse(q.service.trim()).filter(|s| calendar.offerings.iter().any(|o| o.service == *s));
    let services = calendar
        .offerings
        .iter()
        .map(|o| (o.service.code(), o.service.name(lang), Some(o.service) == service))
        .collect();
    let offering = service.and_then(|s| calendar.offerings.iter().find(|o| o.service == s));
    let open = offering
        .map(|o| model::open_days(&calendar.hours, o, local_now.date(), &calendar.closures))
        .unwrap_or_default();
    let chosen: Option<NaiveDate> = NaiveDate::parse_from_str(q.date.trim(), "%Y-%m-%d").ok();
    let mut times = Vec::new();
    if let (Some(o), Some((day, slots))) = (offering, open.iter().find(|(d, _)| Some(*d) == chosen)) {
        let taken = match booking::taken(state.db(), &office.code, o.service, day.and_time(NaiveTime::MIN)).await {
            Ok(t) => t,
            Err(e) => return crate::web::error::unavailable_page(ctx, "slot usage", &e),
        };
        times = slots
            .iter()
            .filter(|t| taken.get(&model::slot_key(day.and_time(**t))).copied().unwrap_or(0) < i32::from(o.capacity))
            .map(|t| (t.format("%H:%M").to_string(), format_time(*t, lang)))
            .collect();
    }
    let chosen_day = chosen.filter(|d| open.iter().any(|(o, _)| o == d)).map(|d| format_date(d, lang));
    let mut months: Vec<Month> = Vec::new();
    for (d, _) in &open {
        let day = Day {
            iso: d.format("%Y-%m-%d").to_string(),
            label: format_day_in_month(*d, lang),
            chosen: Some(*d) == chosen,
        };
        let label = format_month(*d, lang);
        match months.last_mut() {
            Some(m) if m.label == label => m.days.push(day),
            _ => months.push(Month { label, days: vec![day] }),
        }
    }
    let office = Listed::of(office, lang);
    let chosen_iso = chosen.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let errors = if service.is_none() && !q.show.is_empty() {
        FieldErrors::one("service", ctx.t("ip-err-service"))
    } else {
        FieldErrors::default()
    };
    let page = OfficePage {
        ctx,
        office,
        services,
        service,
        no_days: months.is_empty(),
        months,
        times,
        chosen_day,
        chosen_iso,
        csrf: v.csrf.clone(),
        errors,
    };
    v.finish(render(StatusCode::OK, &page))
}
