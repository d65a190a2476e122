//! Headquarters' pages for publishing processing times: an overview of every form and office
//! (posted figures beside suggested ones) and a review page per form and office that posts.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::service::{self, Draft, Line, Unit};
use crate::kernel::access::{Allowed, permit};
use crate::kernel::error::ServiceError;
use crate::kernel::i18n::Lang;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::Staff;
use crate::web::staff_ctx::StaffForm;
use crate::web::staff_page::staff_error;

crate::web::staff_ctx::carries_csrf!(PublishForm);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/processing-times", get(overview_page))
        .route("/staff/processing-times/{form}/{office}", get(review_page).post(publish_post))
}

#[derive(Template)]
#[template(path = "staff/processing_times.html")]
struct OverviewPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    lines: Vec<Line>,
    forms: Vec<String>,
    form: String,
    computed_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize, Default)]
struct OverviewQuery {
    #[serde(default)]
    form: String,
}

/// Headquarters' check (`what`, at the office asked for, if any); a refusal is the page's answer.
async fn may_publish(state: &AppState, staff: &Staff, what: &str, office: Option<&str>) -> Result<Allowed, Response> {
    let (db, catalog, now) = (state.db(), state.catalog(), state.clock().now());
    permit(db, catalog, &staff.actor, now, service::PUBLISH, (what, office)).await.map_err(|e| staff_error(staff, &e))
}

async fn overview_page(State(state): State<AppState>, staff: Staff, Query(q): Query<OverviewQuery>) -> Response {
    let form = q.form.trim().to_uppercase();
    let filter = (!form.is_empty()).then_some(form.as_str());
    let allowed = match may_publish(&state, &staff, "processing_times.overview", None).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let lines = match service::overview(state.db(), &allowed, filter).await {
        Ok(l) => l,
        Err(e) => return staff_error(&staff, &e),
    };
    let mut forms: Vec<String> = state.catalog().forms().iter().map(|f| f.code.clone()).collect();
    forms.sort();
    let computed_at = lines.iter().filter_map(|l| l.suggestion.as_ref().map(|s| s.computed_at)).max();
    let page = OverviewPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), lines, forms, form, computed_at };
    staff.finish(render(StatusCode::OK, &page))
}

/// One subtype's publishing form.
struct DraftRow {
    key: String,
    subtype: String,
    current: Option<String>,
    low: String,
    high: String,
    unit: String,
}

#[derive(Template)]
#[template(path = "staff/processing_time.html")]
struct ReviewPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    line: Line,
    form_title: String,
    office_name: String,
    rows: Vec<DraftRow>,
    error: Option<(String, String)>,
    published: Option<String>,
}

/// The forms of a review page: one per posted subtype, the all-applications subtype filled with
/// the suggestion (the figures to review), the others with what is posted.
fn rows(ctx: &PageCtx, line: &Line) -> Vec<DraftRow> {
    let all = super::all_key(&line.form_code);
    let suggested = |key: &str| line.suggestion.as_ref().filter(|_| key == all);
    let mut rows: Vec<DraftRow> = line
        .posted
        .iter()
        .map(|p| {
            let (low, high, unit) = match suggested(&p.form_key) {
                Some(s) => (super::trim(s.median_months), super::trim(s.p80_months), Unit::Months.as_str().to_owned()),
                None => (super::trim(p.range_low), super::trim(p.range_high), p.unit.clone()),
            };
            DraftRow {
                key: p.form_key.clone(),
                subtype: p.subtype_en.clone(),
                current: Some(ctx.ta(
                    "staff-pt-current",
                    (
                        ("range", ctx.ta("staff-pt-range", p.range_args(Lang::En))),
                        ("date", p.publication_date.to_string()),
                    ),
                )),
                low,
                high,
                unit,
            }
        })
        .collect();
    if !rows.iter().any(|r| r.key == all)
        && let Some(s) = &line.suggestion
    {
        rows.insert(
            0,
            DraftRow {
                key: all,
                subtype: super::model::ALL_EN.to_owned(),
                current: None,
                low: super::trim(s.median_months),
                high: super::trim(s.p80_months),
                unit: Unit::Months.as_str().to_owned(),
            },
        );
    }
    rows
}

#[derive(Deserialize, Default)]
struct ReviewQuery {
    #[serde(default)]
    published: Option<String>,
}

async fn review_view(
    state: &AppState,
    staff: &Staff,
    form: &str,
    office: &str,
    error: Option<(PublishForm, String)>,
    published: Option<String>,
) -> Response {
    let (form, office) = match service::known(state.catalog(), form, office) {
        Ok(codes) => codes,
        Err(e) => return staff_error(staff, &e),
    };
    let allowed = match may_publish(state, staff, "processing_times.review", Some(&office)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let line = match service::review(state.db(), state.catalog(), &allowed, &form, &office).await {
        Ok(l) => l,
        Err(e) => return staff_error(staff, &e),
    };
    let mut rows = rows(&staff.ctx, &line);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    // A refused form comes back with what was typed.
    let error = error.map(|(f, reason)| {
        if let Some(r) = rows.iter_mut().find(|r| r.key.eq_ignore_ascii_case(&f.form_key)) {
            (r.low, r.high, r.unit) = (f.range_low, f.range_high, f.unit);
        }
        (f.form_key.to_uppercase(), reason)
    });
    let catalog = state.catalog();
    let form_title = catalog.form(&line.form_code).map_or_else(String::new, |f| f.title_en.clone());
    let office_name = catalog.office(&line.office_code).map_or_else(String::new, |o| o.name_en.clone());
    let page = ReviewPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        line,
        form_title,
        office_name,
        rows,
        error,
        published,
    };
    staff.finish(render(status, &page))
}

async fn review_page(
    State(state): State<AppState>,
    staff: Staff,
    Path((form, office)): Path<(String, String)>,
    Query(q): Query<ReviewQuery>,
) -> Response {
    review_view(&state, &staff, &form, &office, None, q.published).await
}

#[derive(Deserialize)]
struct PublishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    form_key: String,
    #[serde(default)]
    range_low: String,
    #[serde(default)]
    range_high: String,
    #[serde(default)]
    unit: String,
}

async fn publish_post(
    State(state): State<AppState>,
    Path((form, office)): Path<(String, String)>,
    StaffForm(staff, f): StaffForm<PublishForm>,
) -> Response {
    let draft = match Draft::parse(&form, &f.form_key, &office, &f.range_low, &f.range_high, &f.unit) {
        Ok(d) => d,
        Err(e) => return review_view(&state, &staff, &form, &office, Some((f, e.reason)), None).await,
    };
    let (_, office_code) = match service::known(state.catalog(), &draft.form_code, &draft.office_code) {
        Ok(codes) => codes,
        Err(e) => return staff_error(&staff, &e),
    };
    let allowed = match may_publish(&state, &staff, "processing_times.publish", Some(&office_code)).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match service::publish(state.db(), state.catalog(), &allowed, &staff.actor, state.clock().now(), &draft).await {
        Ok(p) => {
            // This node's public answers show the new figures at once; others within a minute.
            state.reports().forget_posted();
            let to = format!("/staff/processing-times/{}/{}?published={}", p.form_code, p.office_code, p.form_key);
            staff.finish(Redirect::to(&to).into_response())
        }
        Err(ServiceError::Invalid(e)) => review_view(&state, &staff, &form, &office, Some((f, e.reason)), None).await,
        Err(e) => staff_error(&staff, &e),
    }
}
