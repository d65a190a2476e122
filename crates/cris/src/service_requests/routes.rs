//! e-Request, the public pages (R-SR-01 to R-SR-06), in English and Spanish, with no account:
//! step one checks the case and the issue, step two asks only what the issue needs, and the
//! confirmation gives the number and the date the answer is due.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;

use super::model::{ACCOMMODATIONS, CaseCheck, Channel, Field, Issue, NOTICES, RequestForm, WRONG_ITEMS};
use super::service::{self, CaseRef, FileError, NewRequest, Refusal};
use crate::kernel::address::state_choices;
use crate::kernel::i18n::Lang;
use crate::reference::format_date;
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};
use crate::web::visit::Visit;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/service-request", get(start_page).post(start)).route("/service-request/details", post(submit))
}

/// Step one: the case and the issue.
#[derive(Template)]
#[template(path = "service_request.html")]
struct StartPage {
    ctx: PageCtx,
    csrf: String,
    form: RequestForm,
    errors: FieldErrors,
    /// Why the request may not be filed, worded.
    refusal: Option<String>,
    forms: Vec<(String, String)>,
    issues: [Issue; 6],
}

impl StartPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

/// Step two: what the issue needs.
#[derive(Template)]
#[template(path = "service_request_details.html")]
struct DetailsPage {
    ctx: PageCtx,
    csrf: String,
    form: RequestForm,
    errors: FieldErrors,
    issue: Issue,
    states: Vec<(&'static str, &'static str)>,
    notices: &'static [&'static str],
    wrong_items: &'static [&'static str],
    accommodations: &'static [&'static str],
}

impl DetailsPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn value(&self, field: &str) -> &str {
        self.form.value(field)
    }

    fn asks(&self, field: &str) -> bool {
        let f = match field {
            "name" => Field::Name,
            "birth_date" => Field::BirthDate,
            "birth_country" => Field::BirthCountry,
            "citizenship" => Field::Citizenship,
            "a_number" => Field::ANumber,
            "address" => Field::MailingAddress,
            "notice" => Field::NoticeKind,
            "correction" => Field::Correction,
            "accommodation" => Field::AccommodationKind,
            _ => Field::Description,
        };
        self.issue.asks(f)
    }
}

/// The confirmation (R-SR-05).
#[derive(Template)]
#[template(path = "service_request_done.html")]
struct DonePage {
    ctx: PageCtx,
    confirmation: String,
    due: String,
    office: String,
    flagged: bool,
}

/// The forms a customer may pick, as (code, "code, title").
fn form_choices(state: &AppState, lang: Lang) -> Vec<(String, String)> {
    state.catalog().forms().iter().map(|f| (f.code.clone(), format!("{}, {}", f.code, f.title(lang)))).collect()
}

fn start_view(
    state: &AppState,
    v: &Visit,
    status: StatusCode,
    form: RequestForm,
    errors: FieldErrors,
    refusal: Option<String>,
) -> Response {
    let page = StartPage {
        ctx: v.ctx.clone(),
        csrf: v.csrf.clone(),
        forms: form_choices(state, v.ctx.lang),
        form,
        errors,
        refusal,
        issues: Issue::ALL,
    };
    v.finish(render(status, &page))
}

fn details_view(v: &Visit, status: StatusCode, form: RequestForm, errors: FieldErrors, issue: Issue) -> Response {
    let page = DetailsPage {
        ctx: v.ctx.clone(),
        csrf: v.csrf.clone(),
        form,
        errors,
        issue,
        states: state_choices(v.ctx.lang),
        notices: &NOTICES,
        wrong_items: &WRONG_ITEMS,
        accommodations: &ACCOMMODATIONS,
    };
    v.finish(render(status, &page))
}

async fn start_page(State(state): State<AppState>, v: Visit) -> Response {
    start_view(&state, &v, StatusCode::OK, RequestForm::default(), FieldErrors::default(), None)
}

/// A refusal in the customer's words (R-SR-02, R-SR-03, R-SR-06).
pub fn refusal_text(ctx: &PageCtx, r: &Refusal) -> String {
    let date = |d: &NaiveDate| format_date(*d, ctx.lang);
    match r {
        Refusal::NoMatch => ctx.t("sr-no-match"),
        Refusal::Decided => ctx.t("sr-decided"),
        Refusal::WithinTime(from) => ctx.t1("sr-within-time", "date", &date(from)),
        Refusal::Duplicate(on) => ctx.t1("sr-duplicate", "date", &date(on)),
    }
}

/// Checks step one: the fields, then the case. Each try tests a receipt number against a ZIP
/// code, so tries are limited per address.
async fn checked(state: &AppState, v: &Visit, f: &RequestForm) -> Result<(CaseCheck, CaseRef), Response> {
    let today = state.clock().now().date_naive();
    let check = f.start(today).map_err(|errors| {
        let errors = FieldErrors::of(&v.ctx, "sr-err-", &errors);
        start_view(state, v, StatusCode::UNPROCESSABLE_ENTITY, f.clone(), errors, None)
    })?;
    if !state.limiter().allow(&format!("sr:{}", v.ip), 30.0 / 3600.0, 30.0, state.clock().instant()) {
        let refusal = Some(v.ctx.t("ip-too-many"));
        return Err(start_view(state, v, StatusCode::TOO_MANY_REQUESTS, f.clone(), FieldErrors::default(), refusal));
    }
    match service::check_case(state.db(), state.catalog(), state.reports(), &check).await {
        Ok(Ok(case)) => Ok((check, case)),
        Ok(Err(refusal)) => {
            let text = Some(refusal_text(&v.ctx, &refusal));
            Err(start_view(state, v, StatusCode::UNPROCESSABLE_ENTITY, f.clone(), FieldErrors::default(), text))
        }
        Err(e) => Err(crate::web::error::unavailable_page(v.ctx.clone(), "service request", &e)),
    }
}

/// Step one posted: on to step two, or told why not.
async fn start(State(state): State<AppState>, v: Visit, Form(f): Form<RequestForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return crate::web::error::error_page(v.ctx.clone(), StatusCode::FORBIDDEN);
    }
    match checked(&state, &v, &f).await {
        Ok((check, _)) => details_view(&v, StatusCode::OK, f, FieldErrors::default(), check.issue),
        Err(page) => page,
    }
}

/// Step two posted: files the request.
async fn submit(State(state): State<AppState>, v: Visit, Form(f): Form<RequestForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return crate::web::error::error_page(v.ctx.clone(), StatusCode::FORBIDDEN);
    }
    let (check, case) = match checked(&state, &v, &f).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let now = state.clock().now();
    let (details, reply) = match f.details(check.issue, now.date_naive()) {
        Ok(d) => d,
        Err(errors) => {
            let errors = FieldErrors::of(&v.ctx, "sr-err-", &errors);
            return details_view(&v, StatusCode::UNPROCESSABLE_ENTITY, f, errors, check.issue);
        }
    };
    let request = NewRequest {
        case: &case,
        issue: check.issue,
        channel: Channel::Online,
        details: &details,
        reply: &reply,
        lang: v.ctx.lang.tag(),
        taken_by: None,
    };
    let ctx = v.ctx.clone();
    let compose = confirmation_message(ctx.clone());
    match service::file(state.db(), &request, now, &compose).await {
        Ok(filed) => {
            let page = DonePage {
                due: format_date(filed.due_on, ctx.lang),
                office: state
                    .catalog()
                    .office(&filed.office_code)
                    .map_or(filed.office_code.clone(), |o| o.name(ctx.lang).to_owned()),
                confirmation: filed.confirmation,
                flagged: check.issue.flagged(),
                ctx,
            };
            v.finish(render(StatusCode::OK, &page))
        }
        Err(FileError::Refused(refusal)) => {
            let text = Some(refusal_text(&v.ctx, &refusal));
            start_view(&state, &v, StatusCode::CONFLICT, f, FieldErrors::default(), text)
        }
        Err(e) => crate::web::error::unavailable_page(v.ctx.clone(), "service request", &e),
    }
}

/// The confirmation message in the page's language (R-SR-05).
pub fn confirmation_message(ctx: PageCtx) -> impl Fn(&str, NaiveDate) -> (String, String) + Send + Sync {
    move |confirmation: &str, due: NaiveDate| {
        (
            ctx.t1("sr-email-subject", "confirmation", confirmation),
            ctx.t1("sr-confirmation", "confirmation", confirmation)
                + "\n\n"
                + &ctx.t1("sr-due", "date", &format_date(due, ctx.lang)),
        )
    }
}
