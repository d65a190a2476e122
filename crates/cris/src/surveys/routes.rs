//! Survey pages. Staff: the list, the survey form (`surveys.manage`), reports with charts and CSV
//! (`reports.read`), and the desk's opt-out (`checkin.create`). Public, in English and Spanish,
//! with the Paperwork Reduction Act statement: the survey a link opens, its answer, and the
//! opt-out. The public pages set no cookie and read no session, and the token travels in the
//! query string and the form body, never in a path, so the request log (which keeps paths) holds
//! nothing that ties an answer to an invitation (R-SV-03).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::model::{Kind, MAX_QUESTIONS, QuestionForm, Report, Survey, SurveyForm};
use super::service::{self, AnswerError};
use crate::kernel::access::Capability;
use crate::kernel::contact::Email;
use crate::kernel::error::InvalidInput;
use crate::kernel::i18n::Lang;
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::{Staff, StaffForm};
use crate::web::staff_page::staff_error;

crate::web::staff_ctx::carries_csrf!(SurveyPost, OptOutDesk);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/surveys", get(list_page))
        .route("/staff/surveys/new", get(new_page).post(create))
        .route("/staff/surveys/opt-out", get(desk_page).post(desk_opt_out))
        .route("/staff/surveys/{id}/report", get(report_page))
        .route("/staff/surveys/{id}/report.csv", get(report_csv))
        .route("/survey", get(survey_page).post(answer))
        .route("/survey/opt-out", get(opt_out_page).post(opt_out))
        .merge(super::focus_groups::routes::routes())
}

// ---------------------------------------------------------------- staff: list and form

#[derive(Template)]
#[template(path = "staff/surveys.html")]
struct ListPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    surveys: Vec<Survey>,
    can_manage: bool,
    today: NaiveDate,
    created: bool,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    created: String,
}

async fn list_page(State(state): State<AppState>, staff: Staff, Query(q): Query<ListQuery>) -> Response {
    let now = state.clock().now();
    match service::list(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(surveys) => {
            let page = ListPage {
                ctx: staff.ctx.clone(),
                staff: Some(staff.clone()),
                surveys,
                can_manage: staff.actor.role.can(Capability::SurveysManage),
                today: now.date_naive(),
                created: !q.created.is_empty(),
            };
            staff.finish(render(StatusCode::OK, &page))
        }
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Template)]
#[template(path = "staff/survey_form.html")]
struct FormPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    form: SurveyForm,
    errors: Vec<InvalidInput>,
    services: Vec<&'static str>,
}

impl FormPage {
    /// The message for a field, shown beside it (issue 17: staff never lose their work).
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.reason.as_str())
    }

    /// Where a message in the summary leads: the field, or the first question.
    fn anchor(&self, field: &str) -> String {
        if field == "questions" { "q1_kind".to_owned() } else { field.to_owned() }
    }

    fn kind_selected(&self, q: &QuestionForm, kind: &str) -> bool {
        q.kind.trim() == kind
    }
}

#[derive(Deserialize)]
struct SurveyPost {
    csrf: String,
    #[serde(flatten)]
    fields: HashMap<String, String>,
}

impl SurveyPost {
    fn form(&self) -> SurveyForm {
        let get = |k: &str| self.fields.get(k).cloned().unwrap_or_default();
        SurveyForm {
            title_en: get("title_en"),
            title_es: get("title_es"),
            omb_number: get("omb_number"),
            expires_on: get("expires_on"),
            burden_minutes: get("burden_minutes"),
            offices: get("offices"),
            services: get("services"),
            questions: (1..=MAX_QUESTIONS)
                .map(|i| QuestionForm {
                    kind: get(&format!("q{i}_kind")),
                    text_en: get(&format!("q{i}_text_en")),
                    text_es: get(&format!("q{i}_text_es")),
                    choices_en: get(&format!("q{i}_choices_en")),
                    choices_es: get(&format!("q{i}_choices_es")),
                })
                .collect(),
        }
    }
}

fn services() -> Vec<&'static str> {
    crate::infopass::calendar::Service::ALL.iter().map(|s| s.code()).collect()
}

fn form_page(staff: &Staff, status: StatusCode, form: SurveyForm, errors: Vec<InvalidInput>) -> Response {
    let page = FormPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        form,
        errors,
        services: services(),
    };
    staff.finish(render(status, &page))
}

async fn new_page(State(state): State<AppState>, staff: Staff) -> Response {
    let now = state.clock().now();
    if let Err(e) = crate::kernel::access::permit(
        state.db(),
        state.catalog(),
        &staff.actor,
        now,
        Capability::SurveysManage,
        ("surveys.create", None),
    )
    .await
    {
        return staff_error(&staff, &e);
    }
    let form = SurveyForm { questions: vec![QuestionForm::default(); MAX_QUESTIONS], ..SurveyForm::default() };
    form_page(&staff, StatusCode::OK, form, Vec::new())
}

async fn create(State(state): State<AppState>, StaffForm(staff, post): StaffForm<SurveyPost>) -> Response {
    let form = post.form();
    match service::create(state.db(), state.catalog(), &staff.actor, state.clock().now(), &form).await {
        Ok(Ok(id)) => staff.finish(Redirect::to(&format!("/staff/surveys?created={id}"))),
        Ok(Err(errors)) => form_page(&staff, StatusCode::UNPROCESSABLE_ENTITY, form, errors),
        Err(e) => staff_error(&staff, &e),
    }
}

// ---------------------------------------------------------------- staff: reports

#[derive(Deserialize, Default)]
struct ReportQuery {
    #[serde(default)]
    office: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Template)]
#[template(path = "staff/survey_report.html")]
struct ReportPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    report: Report,
    query: ReportQuery,
    from: NaiveDate,
    to: NaiveDate,
    offices: Vec<(String, String)>,
    charts: Vec<String>,
    errors: FieldErrors,
}

impl ReportPage {
    fn csv_href(&self) -> String {
        format!(
            "/staff/surveys/{}/report.csv?office={}&from={}&to={}",
            self.report.survey.id,
            self.query.office.trim(),
            self.from,
            self.to
        )
    }

    fn chart(&self, i: &usize) -> Option<&str> {
        self.charts.get(*i).map(String::as_str).filter(|s| !s.is_empty())
    }

    fn value_label(&self, kind: &Kind, choices: &[String], i: &usize) -> String {
        let i = *i;
        match kind {
            Kind::Scale => self.ctx.tc("staff-survey-scale", &(i + 1).to_string()),
            _ => choices.get(i).cloned().unwrap_or_default(),
        }
    }
}

/// The period a report asks for: the last 90 days unless given; a date that does not parse is
/// named on the page.
fn period(q: &ReportQuery, today: NaiveDate) -> (NaiveDate, NaiveDate, FieldErrors) {
    let mut errors = Vec::new();
    let mut day = |field: &'static str, raw: &str, default: NaiveDate| {
        if raw.trim().is_empty() {
            return default;
        }
        super::model::parse_day(field, raw).unwrap_or_else(|e| {
            errors.push(e);
            default
        })
    };
    let from = day("from", &q.from, today - Duration::days(90));
    let to = day("to", &q.to, today);
    (from, to, FieldErrors::reasons(&errors))
}

async fn load_report(
    state: &AppState,
    staff: &Staff,
    id: &str,
    q: &ReportQuery,
) -> Result<(Report, NaiveDate, NaiveDate, FieldErrors), Response> {
    let Some(id) = id.trim().parse::<i64>().ok().filter(|n| *n > 0) else {
        return Err(staff_error(staff, &crate::kernel::error::ServiceError::NotFound));
    };
    let now = state.clock().now();
    let (from, to, errors) = period(q, now.date_naive());
    let office = Some(q.office.trim().to_ascii_uppercase()).filter(|o| !o.is_empty());
    service::report(state.db(), state.catalog(), &staff.actor, now, id, office.as_deref(), from, to)
        .await
        .map(|r| (r, from, to, errors))
        .map_err(|e| staff_error(staff, &e))
}

async fn report_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let (report, from, to, errors) = match load_report(&state, &staff, &id, &q).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let ctx = staff.ctx.clone();
    let charts = report
        .questions
        .iter()
        .map(|qc| {
            if qc.question.kind == Kind::Text {
                return String::new();
            }
            let points: Vec<(String, f64)> = qc
                .counts
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let label = match qc.question.kind {
                        Kind::Scale => (i + 1).to_string(),
                        _ => qc.question.choices_en.get(i).cloned().unwrap_or_default(),
                    };
                    (label, *c as f64)
                })
                .collect();
            let x_label = if qc.question.kind == Kind::Scale {
                ctx.t("staff-survey-chart-scale-axis")
            } else {
                ctx.t("staff-survey-chart-choice-axis")
            };
            crate::reports::chart::bars(&crate::reports::chart::Bars {
                id: &format!("chart-q{}", qc.question.position),
                title: &ctx.ta(
                    "staff-survey-chart-title",
                    (("n", qc.question.position.to_string().as_str()), ("question", qc.question.text_en.as_str())),
                ),
                description: &ctx.t("staff-survey-chart-desc"),
                x_label: &x_label,
                y_label: &ctx.t("staff-survey-chart-count-axis"),
                points: &points,
            })
        })
        .collect();
    let offices = crate::web::staff_page::field_offices_in_reach(state.catalog(), &staff.actor);
    let page = ReportPage { ctx, staff: Some(staff.clone()), report, query: q, from, to, offices, charts, errors };
    staff.finish(render(StatusCode::OK, &page))
}

async fn report_csv(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Response {
    let id = id.trim_end_matches(".csv").to_owned();
    match load_report(&state, &staff, &id, &q).await {
        Ok((report, ..)) => staff.finish(
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"survey-{}.csv\"", report.survey.id)),
                ],
                report.csv(),
            )
                .into_response(),
        ),
        Err(res) => res,
    }
}

// ---------------------------------------------------------------- staff: desk opt-out

#[derive(Deserialize, Default)]
struct OptOutDesk {
    csrf: String,
    #[serde(default)]
    email: String,
}

#[derive(Template)]
#[template(path = "staff/survey_opt_out.html")]
struct DeskPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    email: String,
    errors: FieldErrors,
    done: bool,
}

fn desk(staff: &Staff, status: StatusCode, email: String, errors: FieldErrors, done: bool) -> Response {
    let page =
        DeskPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), csrf: staff.csrf.clone(), email, errors, done };
    staff.finish(render(status, &page))
}

async fn desk_page(State(state): State<AppState>, staff: Staff) -> Response {
    let now = state.clock().now();
    if let Err(e) = crate::kernel::access::permit(
        state.db(),
        state.catalog(),
        &staff.actor,
        now,
        Capability::CheckIn,
        ("surveys.opt_out", None),
    )
    .await
    {
        return staff_error(&staff, &e);
    }
    desk(&staff, StatusCode::OK, String::new(), FieldErrors::default(), false)
}

async fn desk_opt_out(State(state): State<AppState>, StaffForm(staff, f): StaffForm<OptOutDesk>) -> Response {
    let email: Email = match f.email.parse() {
        Ok(e) => e,
        Err(e) => return desk(&staff, StatusCode::UNPROCESSABLE_ENTITY, f.email, FieldErrors::reasons(&[e]), false),
    };
    let now = state.clock().now();
    match service::opt_out_at_desk(state.db(), state.catalog(), state.token_key(), &staff.actor, now, &email).await {
        // The address is not shown back: the page may stay on a shared desk screen.
        Ok(()) => desk(&staff, StatusCode::OK, String::new(), FieldErrors::default(), true),
        Err(e) => staff_error(&staff, &e),
    }
}

// ---------------------------------------------------------------- public pages

#[derive(Template)]
#[template(path = "survey.html")]
struct SurveyPage {
    ctx: PageCtx,
    survey: Survey,
    token: String,
    error: Option<String>,
}

impl SurveyPage {
    fn lang(&self) -> Lang {
        self.ctx.lang
    }
}

#[derive(Template)]
#[template(path = "survey_message.html")]
struct MessagePage {
    ctx: PageCtx,
    title: String,
    body: String,
}

/// The one-message page the survey and focus-group links end on (thanks, refused, closed).
pub(crate) fn message(ctx: &PageCtx, status: StatusCode, title_id: &str, body_id: &str) -> Response {
    render(status, &MessagePage { ctx: ctx.clone(), title: ctx.t(title_id), body: ctx.t(body_id) })
}

fn refusal(ctx: &PageCtx, e: &AnswerError) -> Response {
    match e {
        AnswerError::Used => message(ctx, StatusCode::GONE, "survey-used-title", "survey-used-body"),
        AnswerError::Expired => message(ctx, StatusCode::GONE, "survey-expired-title", "survey-expired-body"),
        AnswerError::Invalid(_) => {
            message(ctx, StatusCode::UNPROCESSABLE_ENTITY, "survey-invalid-title", "survey-invalid-body")
        }
        AnswerError::Db(_) => crate::web::error::error_page(ctx.clone(), StatusCode::SERVICE_UNAVAILABLE),
    }
}

#[derive(Deserialize, Default)]
struct TokenQuery {
    #[serde(default)]
    t: String,
}

async fn survey_page(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<TokenQuery>) -> Response {
    match service::open(state.db(), &q.t, state.clock().now().date_naive()).await {
        Ok(survey) => render(StatusCode::OK, &SurveyPage { ctx, survey, token: q.t, error: None }),
        Err(e) => refusal(&ctx, &e),
    }
}

async fn answer(State(state): State<AppState>, ctx: PageCtx, Form(given): Form<Vec<(String, String)>>) -> Response {
    let token = given.iter().find(|(k, _)| k == "t").map(|(_, v)| v.clone()).unwrap_or_default();
    match service::answer(state.db(), &token, &given, state.clock().now()).await {
        Ok(()) => message(&ctx, StatusCode::OK, "survey-thanks-title", "survey-thanks-body"),
        Err(AnswerError::Invalid(_)) => match service::open(state.db(), &token, state.clock().now().date_naive()).await
        {
            Ok(survey) => {
                let error = Some(ctx.t("survey-invalid-body"));
                render(StatusCode::UNPROCESSABLE_ENTITY, &SurveyPage { ctx, survey, token, error })
            }
            Err(e) => refusal(&ctx, &e),
        },
        Err(e) => refusal(&ctx, &e),
    }
}

#[derive(Template)]
#[template(path = "survey_opt_out.html")]
struct OptOutPage {
    ctx: PageCtx,
    o: String,
}

#[derive(Deserialize, Default)]
struct OptOutQuery {
    #[serde(default)]
    o: String,
}

async fn opt_out_page(ctx: PageCtx, Query(q): Query<OptOutQuery>) -> Response {
    render(StatusCode::OK, &OptOutPage { ctx, o: q.o })
}

async fn opt_out(State(state): State<AppState>, ctx: PageCtx, Form(f): Form<OptOutQuery>) -> Response {
    match service::opt_out_by_link(state.db(), &f.o, state.clock().now().date_naive()).await {
        Ok(true) => message(&ctx, StatusCode::OK, "survey-opted-out-title", "survey-opted-out-body"),
        Ok(false) => {
            message(&ctx, StatusCode::UNPROCESSABLE_ENTITY, "survey-opt-out-bad-title", "survey-opt-out-bad-body")
        }
        Err(_) => crate::web::error::error_page(ctx, StatusCode::SERVICE_UNAVAILABLE),
    }
}
