//! The case status page, in English and Spanish (R-CS-01 to R-CS-05).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::model::{Report, Wording};
use super::service;
use crate::kernel::db::{Db, DbError};
use crate::kernel::i18n::Lang;
use crate::kernel::ids::ReceiptNumber;
use crate::reference::{Day, format_date};
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};

/// A service request about a case as the case page lists it (R-SR-12).
#[derive(Debug, Clone)]
pub struct RequestLine {
    /// Issue code.
    pub issue: String,
    /// `open`, `assigned`, `on_hold`, `resolved`.
    pub status: String,
    /// When filed.
    pub filed_at: chrono::DateTime<chrono::Utc>,
    /// When the answer is due.
    pub due_on: chrono::NaiveDate,
    /// When it was answered.
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The service requests about a case, newest first. Requests own them and ask cases, so
/// `service_requests` installs the read at start (`app`) and cases import no request.
pub type RequestsRead = for<'a> fn(
    &'a Db,
    i64,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Vec<RequestLine>, DbError>> + Send + 'a>,
>;

static REQUESTS: std::sync::OnceLock<RequestsRead> = std::sync::OnceLock::new();

/// Installs where the case page reads a case's requests (once per process; later calls do nothing).
pub fn on_case_requests(read: RequestsRead) {
    let _ = REQUESTS.set(read);
}

async fn requests_of(db: &Db, case_id: i64) -> Result<Vec<RequestLine>, DbError> {
    match REQUESTS.get() {
        Some(read) => read(db, case_id).await,
        None => {
            tracing::error!("no case-requests hook installed (open through app::open): the case page lists none");
            Ok(Vec::new())
        }
    }
}

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/case-status", get(page).post(lookup))
}

/// The page: the form, and a report or a message.
#[derive(Template)]
#[template(path = "case_status.html")]
struct StatusPage {
    ctx: PageCtx,
    typed: String,
    /// The receipt number's problem, as the one error summary of every public form shows it.
    errors: FieldErrors,
    report: Option<Report>,
    /// The current status in the page's language (the only one worded).
    current: Wording,
    /// Service requests about the case (R-SR-12): what they are about and where they stand.
    requests: Vec<RequestLine>,
}

impl StatusPage {
    fn date(&self, d: &chrono::NaiveDate) -> String {
        format_date(*d, self.ctx.lang)
    }

    /// A date written straight into the page (the history's, one a line).
    fn day(&self, d: &chrono::NaiveDate) -> Day {
        Day(*d, self.ctx.lang)
    }

    fn processing_note(&self, p: &crate::processing_times::Posted) -> String {
        self.ctx.t1("cs-processing-note", "date", &self.date(&p.service_request_date))
    }

    /// The current status's description as this page shows it: its own paragraphs (text from an
    /// older source may bring several; a `<p>` never holds another), links with `rel="noopener"`.
    fn description(&self) -> String {
        let html = crate::kernel::html::for_our_pages(&self.current.description_html);
        if html.contains("<p>") { html } else { format!("<p>{html}</p>") }
    }

    fn lang(&self) -> Lang {
        self.ctx.lang
    }

    fn filed_on(&self, q: &RequestLine) -> String {
        self.date(&q.filed_at.date_naive())
    }

    fn request_status(&self, q: &RequestLine) -> String {
        match (q.status.as_str(), q.resolved_at) {
            ("resolved", Some(at)) => self.ctx.t1("sr-status-resolved", "date", &self.date(&at.date_naive())),
            ("on_hold", _) => self.ctx.t("sr-status-on_hold"),
            _ => self.ctx.t1("sr-status-open", "date", &self.date(&q.due_on)),
        }
    }
}

#[derive(Deserialize, Default)]
struct Lookup {
    #[serde(default)]
    receipt: String,
}

async fn page(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<Lookup>) -> Response {
    if q.receipt.trim().is_empty() {
        return render(
            StatusCode::OK,
            &StatusPage {
                ctx,
                typed: String::new(),
                errors: FieldErrors::default(),
                report: None,
                current: Wording::default(),
                requests: Vec::new(),
            },
        );
    }
    answer(&state, ctx, q.receipt).await
}

async fn lookup(State(state): State<AppState>, ctx: PageCtx, Form(f): Form<Lookup>) -> Response {
    answer(&state, ctx, f.receipt).await
}

async fn answer(state: &AppState, ctx: PageCtx, typed: String) -> Response {
    let receipt = match typed.parse::<ReceiptNumber>() {
        Ok(r) => r,
        // R-CS-02: a malformed number gets a clear reason.
        Err(e) => {
            let message = ctx.t(&e.message_id().unwrap_or_else(|| "cs-error-format".into()));
            let errors = FieldErrors::one("receipt", message);
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &StatusPage { ctx, typed, errors, report: None, current: Wording::default(), requests: Vec::new() },
            );
        }
    };
    match service::lookup_now(state.db(), state.catalog(), state.reports(), state.public_url(), &receipt).await {
        // The case was just read: its requests are asked for by its id, not its receipt again.
        Ok(Some(report)) => match requests_of(state.db(), report.case_id).await {
            Ok(requests) => render(
                StatusCode::OK,
                &StatusPage {
                    typed: report.receipt.clone(),
                    errors: FieldErrors::default(),
                    current: report.current(ctx.lang),
                    report: Some(report),
                    ctx,
                    requests,
                },
            ),
            Err(e) => crate::web::error::unavailable_page(ctx, "case status lookup", &e),
        },
        Ok(None) => {
            let errors = FieldErrors::one("receipt", ctx.t("cs-error-unknown"));
            render(
                StatusCode::NOT_FOUND,
                &StatusPage {
                    ctx,
                    typed: receipt.to_string(),
                    errors,
                    report: None,
                    current: Wording::default(),
                    requests: Vec::new(),
                },
            )
        }
        Err(e) => crate::web::error::unavailable_page(ctx, "case status lookup", &e),
    }
}
