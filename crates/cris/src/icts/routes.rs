//! ICTS's pages for international analysts: the queue (priorities, due dates, the overdue), a case
//! with the partner's request, the person's record and the response form, documents, approval.
//! Each handler extracts, calls `icts::service`, renders.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;

use super::model::MAX_DOCUMENT_BYTES;
use super::service::{self, Analyst, CaseView, Queue, Summary};
use crate::kernel::error::{InvalidInput, ServiceError};
use crate::web::AppState;
use crate::web::fields::{FieldErrors, Fields};
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::{Staff, StaffForm, csrf_ok};
use crate::web::staff_page::{forbidden_csrf, staff_error};

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/icts", get(queue))
        .route("/staff/icts/{id}", get(case))
        .route("/staff/icts/{id}/assign", post(assign))
        .route("/staff/icts/{id}/prepare", post(prepare))
        .route(
            "/staff/icts/{id}/documents",
            // The form's other fields and the multipart framing ride on top of the document.
            post(attach).layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 64 * 1024)),
        )
        .route("/staff/icts/{id}/documents/{doc}", get(document))
        .route("/staff/icts/{id}/approve", post(approve))
        .route("/ident/v1/transactions", post(inbound))
        // The 1:N search's gallery in memory, one for the application (cpms's, sequestered).
        .layer(axum::Extension(std::sync::Arc::new(crate::cpms::gallery::Gallery::default())))
}

/// IDENT posts a partner's query (docs/IDENT.md): 202 with the TCN once stored, whatever comes of
/// it; 403 when no agreement is in force (stored and logged too); 400 naming record and field,
/// 401 without the agreed token. An automatic answer leaves after this reply.
async fn inbound(
    State(state): State<AppState>,
    axum::Extension(gallery): axum::Extension<std::sync::Arc<crate::cpms::gallery::Gallery>>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    use crate::ident::wire::{Accepted, Problem, codes, read_inbound_query};
    let (envelope, query) = match read_inbound_query(&headers, &body, state.ident_inbound_token().unwrap_or_default()) {
        Ok(read) => read,
        Err(problem) => return problem.into_response(),
    };
    let now = state.clock().now();
    let received =
        match super::inbound::receive(state.db(), &gallery, now, envelope.partner, &query, &envelope.transaction).await
        {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "partner query not stored");
                return Problem::unavailable("try again later").into_response();
            }
        };
    if received.decision == super::inbound::Decision::Refused {
        let detail = "no agreement with this partner is in force today";
        return Problem::new(StatusCode::FORBIDDEN, codes::FORBIDDEN, detail).into_response();
    }
    if let (Some(outbox), Some(client)) = (received.outbox, state.ident().cloned()) {
        let db = state.db().clone();
        tokio::spawn(async move {
            if let Err(e) = super::inbound::deliver(&db, &client, now, Some(outbox)).await {
                tracing::warn!(error = %e, "automatic answer not sent; the minutely job retries");
            }
        });
    }
    (StatusCode::ACCEPTED, axum::Json(Accepted { tcn: envelope.tcn })).into_response()
}

#[derive(Template)]
#[template(path = "staff/icts_queue.html")]
struct QueuePage {
    ctx: PageCtx,
    staff: Option<Staff>,
    q: Queue,
    today: NaiveDate,
}

impl QueuePage {
    fn late(&self, s: &Summary) -> bool {
        s.overdue(self.today)
    }

    fn overdue(&self) -> Vec<&Summary> {
        self.q.open.iter().filter(|s| s.overdue(self.today)).collect()
    }
}

async fn queue(State(state): State<AppState>, staff: Staff) -> Response {
    let now = state.clock().now();
    match service::queue(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(q) => {
            let page = QueuePage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), q, today: service::today(now) };
            staff.finish(render(StatusCode::OK, &page))
        }
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Template)]
#[template(path = "staff/icts_case.html")]
struct CasePage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    v: CaseView,
    analysts: Vec<Analyst>,
    today: NaiveDate,
    me: i64,
    errors: FieldErrors,
    /// The form that came back, as typed.
    kept: Fields,
    /// Which form came back (`assign`, `prepare`, `attach`, `approve`).
    form: &'static str,
}

impl CasePage {
    fn error(&self, id: &str) -> Option<&str> {
        self.errors.get(id)
    }

    fn who(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.analysts.iter().find(|a| a.id == id)).map(|a| a.username.clone()).unwrap_or_default()
    }

    fn overdue(&self) -> bool {
        Summary::overdue_on(&self.v.case.state, self.v.case.due_on, self.today)
    }

    /// Whether field `n` is ticked: as typed when the form came back, else as prepared.
    fn ticked(&self, n: &u16) -> bool {
        if self.form == "prepare" {
            return self.kept.all("field").iter().any(|f| f == &n.to_string());
        }
        self.v.case.response_fields.as_deref().is_some_and(|t| super::model::parse_fields(t).contains(n))
    }

    fn kept(&self, form: &str, name: &str) -> String {
        if self.form == form { self.kept.get(name) } else { String::new() }
    }

    fn can_assign(&self) -> bool {
        matches!(self.v.case.state.as_str(), "received" | "assigned")
    }

    fn mine(&self) -> bool {
        self.v.case.assigned_to == Some(self.me) && matches!(self.v.case.state.as_str(), "assigned" | "prepared")
    }

    fn can_approve(&self) -> bool {
        self.v.case.state == "prepared" && self.v.case.prepared_by != Some(self.me)
    }
}

/// The case page; after a refused step, the same page (422) with the form as typed.
async fn case_view(
    state: &AppState,
    staff: &Staff,
    id: i64,
    status: StatusCode,
    form: &'static str,
    errors: FieldErrors,
    kept: Fields,
) -> Response {
    let now = state.clock().now();
    let db = state.db();
    let v = match service::case(db, state.catalog(), &staff.actor, now, id).await {
        Ok(v) => v,
        Err(e) => return staff_error(staff, &e),
    };
    let analysts = match service::analysts(db).await {
        Ok(a) => a,
        Err(e) => return staff_error(staff, &e),
    };
    let page = CasePage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        v,
        analysts,
        today: service::today(now),
        me: staff.actor.user_id,
        errors,
        kept,
        form,
    };
    staff.finish(render(status, &page))
}

async fn case(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> Response {
    case_view(&state, &staff, id, StatusCode::OK, "", FieldErrors::default(), Fields::default()).await
}

/// After a step: back to the case, or the case again with the refusal beside its field.
async fn after(
    state: &AppState,
    staff: &Staff,
    id: i64,
    form: &'static str,
    kept: Fields,
    outcome: Result<(), ServiceError>,
) -> Response {
    match outcome {
        Ok(()) => staff.finish(Redirect::to(&format!("/staff/icts/{id}")).into_response()),
        Err(ServiceError::Invalid(e)) => {
            let field = match e.field {
                "analyst" => "analyst",
                "field" => "fields",
                "label" => "label",
                "document" => "document",
                "approve" => "approve",
                _ => "state",
            };
            let message = match e.code.and_then(refusal_key) {
                Some(key) => staff.ctx.t(key),
                None => e.reason.clone(),
            };
            let errors = FieldErrors::one(field, message);
            case_view(state, staff, id, StatusCode::UNPROCESSABLE_ENTITY, form, errors, kept).await
        }
        Err(e) => staff_error(staff, &e),
    }
}

async fn assign(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<Fields>,
) -> Response {
    let outcome = match f.get("analyst").trim().parse::<i64>() {
        Ok(to) => service::assign(state.db(), state.catalog(), &staff.actor, state.clock().now(), id, to).await,
        Err(_) => Err(InvalidInput::new("analyst", staff.ctx.t("staff-icts-choose-analyst")).into()),
    };
    after(&state, &staff, id, "assign", f, outcome).await
}

async fn prepare(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<Fields>,
) -> Response {
    let now = state.clock().now();
    let outcome = service::prepare(state.db(), state.catalog(), &staff.actor, now, id, &f.all("field")).await;
    after(&state, &staff, id, "prepare", f, outcome.map(|_| ())).await
}

async fn approve(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<Fields>,
) -> Response {
    let now = state.clock().now();
    let outcome = super::inbound::approve(state.db(), state.catalog(), state.ident(), &staff.actor, now, id).await;
    after(&state, &staff, id, "approve", f, outcome).await
}

/// A document upload (multipart: `csrf`, `label`, `document`). A refused file brings the case
/// back with the label as typed and the message beside the file input.
async fn attach(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    headers: axum::http::HeaderMap,
    mut form: Multipart,
) -> Response {
    let (mut csrf, mut label, mut bytes) = (String::new(), String::new(), Vec::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let Ok(data) = field.bytes().await else {
                    return upload_refused(&state, &staff, id, &label, "staff-icts-err-too-big").await;
                };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&data).into_owned(),
                    "label" => label = String::from_utf8_lossy(&data).into_owned(),
                    "document" => bytes = data.to_vec(),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return upload_refused(&state, &staff, id, &label, "staff-icts-err-too-big").await,
        }
    }
    if !csrf_ok(&headers, &csrf) {
        return forbidden_csrf(&staff);
    }
    let now = state.clock().now();
    let outcome = service::attach(state.db(), state.catalog(), &staff.actor, now, id, &label, bytes).await;
    let kept = Fields::from(vec![("label".to_owned(), label)]);
    after(&state, &staff, id, "attach", kept, outcome.map(|_| ())).await
}

/// The words of a coded refusal.
fn refusal_key(code: &str) -> Option<&'static str> {
    Some(match code {
        "icts-too-big" => "staff-icts-err-too-big",
        "icts-not-document" => "staff-icts-err-not-document",
        "icts-same-analyst" => "staff-icts-err-same-analyst",
        "icts-not-assignee" => "staff-icts-err-not-assignee",
        "icts-wrong-stage" => "staff-icts-err-wrong-stage",
        _ => return None,
    })
}

/// A body that did not read (larger than the limit, or cut off).
async fn upload_refused(state: &AppState, staff: &Staff, id: i64, label: &str, key: &str) -> Response {
    let kept = Fields::from(vec![("label".to_owned(), label.to_owned())]);
    let errors = FieldErrors::one("document", staff.ctx.t(key));
    case_view(state, staff, id, StatusCode::UNPROCESSABLE_ENTITY, "attach", errors, kept).await
}

async fn document(State(state): State<AppState>, staff: Staff, Path((id, doc)): Path<(i64, i64)>) -> Response {
    let now = state.clock().now();
    match service::document(state.db(), state.catalog(), &staff.actor, now, id, doc).await {
        Ok((media_type, bytes)) => {
            let headers = [
                (header::CONTENT_TYPE, media_type),
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"icts-{id}-{doc}\"")),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ];
            staff.finish((headers, bytes).into_response())
        }
        Err(e) => staff_error(&staff, &e),
    }
}
