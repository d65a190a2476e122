//! The report pages: the office productivity report and its CSV tables.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::chart;
use super::service::{self, Filter, Report};
use crate::kernel::access::permit_at;
use crate::kernel::error::ServiceError;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::Staff;
use crate::web::staff_page::field_offices_in_reach;
use crate::web::staff_page::staff_error;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/reports", get(page)).route("/staff/reports/lobby.csv", get(csv))
}

#[derive(Deserialize, Default)]
struct ReportQuery {
    #[serde(default)]
    office: String,
    #[serde(default)]
    officer: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    table: String,
}

impl ReportQuery {
    /// The query string of the same report, for the CSV links.
    fn same(&self, r: &Report) -> String {
        format!(
            "office={}&officer={}&from={}&to={}",
            r.filter.office,
            r.filter.officer.map(|o| o.to_string()).unwrap_or_default(),
            r.filter.from,
            r.filter.to
        )
    }
}

#[derive(Template)]
#[template(path = "staff/reports.html")]
struct ReportPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    offices: Vec<(String, String)>,
    officers: Vec<(i64, String)>,
    report: Option<Report>,
    query: String,
    visits_chart: String,
    wait_chart: String,
    error: Option<String>,
    office: String,
    officer: String,
    from: String,
    to: String,
}

async fn run(state: &AppState, staff: &Staff, q: &ReportQuery) -> Result<Result<Report, String>, ServiceError> {
    let office = if q.office.trim().is_empty() { staff.actor.place.office.as_str() } else { q.office.as_str() };
    let now = state.clock().now();
    let today = state.catalog().office(office).map_or(now.date_naive(), |o| now.with_timezone(&o.tz).date_naive());
    let filter = match Filter::parse(office, &q.officer, &q.from, &q.to, today) {
        Ok(f) => f,
        Err(e) => return Ok(Err(e.reason)),
    };
    let what = ("reports.lobby", filter.office.as_str());
    let allowed = permit_at(state.db(), state.catalog(), &staff.actor, now, service::READ, what).await?;
    Ok(Ok(service::run(state.db(), &allowed, &staff.actor, now, &filter).await?))
}

/// The office productivity report (R-RP-01).
async fn page(State(state): State<AppState>, staff: Staff, Query(q): Query<ReportQuery>) -> Response {
    let offices = field_offices_in_reach(state.catalog(), &staff.actor);
    let (report, error) = match run(&state, &staff, &q).await {
        Ok(Ok(r)) => (Some(r), None),
        Ok(Err(reason)) => (None, Some(reason)),
        Err(e) => return staff_error(&staff, &e),
    };
    let (mut visits_chart, mut wait_chart, mut query) = (String::new(), String::new(), String::new());
    let mut office = q.office.clone();
    if let Some(r) = &report {
        let label = |d: &chrono::NaiveDate| d.format("%b %-d").to_string();
        let served: Vec<(String, f64)> = r.days.iter().map(|d| (label(&d.day), d.served as f64)).collect();
        let waits: Vec<(String, f64)> = r.days.iter().map(|d| (label(&d.day), d.mean_wait)).collect();
        let (ctx, description) = (&staff.ctx, staff.ctx.t("staff-report-chart-description"));
        let day = ctx.t("staff-report-chart-day");
        visits_chart = chart::bars(&chart::Bars {
            id: "chart-visits",
            title: &ctx.t("staff-report-chart-visits"),
            description: &description,
            x_label: &day,
            y_label: &ctx.t("staff-report-chart-visits-axis"),
            points: &served,
        });
        wait_chart = chart::bars(&chart::Bars {
            id: "chart-wait",
            title: &ctx.t("staff-report-chart-wait"),
            description: &description,
            x_label: &day,
            y_label: &ctx.t("staff-report-chart-wait-axis"),
            points: &waits,
        });
        query = q.same(r);
        office = r.filter.office.clone();
    }
    let officers = match service::officers(
        state.db(),
        if office.is_empty() { &staff.actor.place.office } else { &office },
    )
    .await
    {
        Ok(officers) => officers,
        Err(e) => return staff_error(&staff, &e),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ReportPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        offices,
        officers,
        from: report.as_ref().map_or(q.from.clone(), |r| r.filter.from.to_string()),
        to: report.as_ref().map_or(q.to.clone(), |r| r.filter.to.to_string()),
        officer: q.officer.clone(),
        office,
        report,
        query,
        visits_chart,
        wait_chart,
        error,
    };
    staff.finish(render(status, &page))
}

/// One table of the report as CSV.
async fn csv(State(state): State<AppState>, staff: Staff, Query(q): Query<ReportQuery>) -> Response {
    let report = match run(&state, &staff, &q).await {
        Ok(Ok(r)) => r,
        Ok(Err(reason)) => {
            return staff_error(
                &staff,
                &ServiceError::Invalid(crate::kernel::error::InvalidInput::new("filter", reason)),
            );
        }
        Err(e) => return staff_error(&staff, &e),
    };
    let Some(body) = service::csv(&report, &q.table) else {
        let msg = staff.ctx.t("staff-report-choose-table");
        return staff_error(&staff, &ServiceError::Invalid(crate::kernel::error::InvalidInput::new("table", msg)));
    };
    let name = format!(
        "attachment; filename=\"cris-{}-{}-{}-{}.csv\"",
        q.table, report.filter.office, report.filter.from, report.filter.to
    );
    let disposition = HeaderValue::from_str(&name).unwrap_or(HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
