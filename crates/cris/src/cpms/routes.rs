//! The sharing staff pages of CPMS: find a case's sharing record, the record itself (the
//! applicant's protected class, USCIS's queries to partners with their answers, the request
//! form), the Privacy Act accounting of a person's disclosures (page and CSV) and the agreements:
//! their list, and for headquarters the form that enters one and the two steps that end one.
//! Every check is the service's; refusals come back as the staff message page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::model::{Agreement, AgreementDraft, Exchange, Fin, agreement_fields, descriptive_fields};
use super::service::{self, Accounting, CaseSharing};
use crate::ident::Partner;
use crate::kernel::access::Capability;
use crate::kernel::error::ServiceError;
use crate::kernel::ids::ReceiptNumber;
use crate::web::AppState;
use crate::web::fields::{FieldErrors, Fields};
use crate::web::page::render;
use crate::web::staff_ctx::{Staff, StaffForm};
use crate::web::staff_page::staff_error;

crate::web::staff_ctx::carries_csrf!(AskPost);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/sharing/cases", get(find_case))
        .route("/staff/sharing/cases/{receipt}", get(case_page))
        .route("/staff/sharing/cases/{receipt}/queries", post(ask))
        .route("/staff/sharing/disclosures", get(disclosures))
        .route("/staff/sharing/disclosures.csv", get(disclosures_csv))
        .route("/staff/sharing/agreements", get(agreements).post(enter_agreement))
        .route("/staff/sharing/agreements/{id}/end", get(end_form).post(end))
}

#[derive(Deserialize, Default)]
struct ReceiptQuery {
    #[serde(default)]
    receipt: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/sharing_find.html")]
struct FindPage {
    ctx: crate::web::page::PageCtx,
    staff: Option<Staff>,
    receipt: String,
    errors: FieldErrors,
}

async fn find_case(State(state): State<AppState>, staff: Staff, Query(q): Query<ReceiptQuery>) -> Response {
    let now = state.clock().now();
    if let Err(e) = service::may_find_cases(state.db(), state.catalog(), &staff.actor, now).await {
        return staff_error(&staff, &e);
    }
    let typed = q.receipt.unwrap_or_default();
    let (status, errors) = match (typed.trim().is_empty(), typed.parse::<ReceiptNumber>()) {
        (true, _) => (StatusCode::OK, FieldErrors::default()),
        (false, Ok(r)) => {
            return staff.finish(Redirect::to(&format!("/staff/sharing/cases/{}", r.as_str())).into_response());
        }
        (false, Err(e)) => (StatusCode::UNPROCESSABLE_ENTITY, FieldErrors::reasons(&[e])),
    };
    let page = FindPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), receipt: typed, errors };
    staff.finish(render(status, &page))
}

/// An exchange as the record shows it.
struct ExchangeView {
    exchange: Exchange,
    fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "staff/sharing_case.html")]
struct CasePage {
    ctx: crate::web::page::PageCtx,
    staff: Option<Staff>,
    csrf: String,
    receipt: String,
    sharing: CaseSharing,
    exchanges: Vec<ExchangeView>,
    partners: Vec<(&'static str, &'static str)>,
    can_ask: bool,
    errors: FieldErrors,
}

pub(super) async fn show_case(
    state: &AppState,
    staff: &Staff,
    receipt: &str,
    status: StatusCode,
    errors: FieldErrors,
) -> Response {
    let now = state.clock().now();
    let Ok(receipt) = receipt.parse::<ReceiptNumber>() else {
        return staff_error(staff, &ServiceError::NotFound);
    };
    let sharing = match service::case_sharing(state.db(), state.catalog(), &staff.actor, now, receipt.as_str()).await {
        Ok(s) => s,
        Err(e) => return staff_error(staff, &e),
    };
    let exchanges = sharing
        .exchanges
        .iter()
        .map(|e| ExchangeView { fields: descriptive_fields(&e.transaction), exchange: e.clone() })
        .collect();
    let page = CasePage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        receipt: receipt.as_str().to_owned(),
        exchanges,
        partners: Partner::ALL.iter().map(|p| (p.code(), p.name())).collect(),
        can_ask: staff.actor.role.can(crate::kernel::access::Capability::SharingQuery),
        sharing,
        errors,
    };
    staff.finish(render(status, &page))
}

async fn case_page(State(state): State<AppState>, staff: Staff, Path(receipt): Path<String>) -> Response {
    show_case(&state, &staff, &receipt, StatusCode::OK, FieldErrors::default()).await
}

#[derive(Deserialize, Default)]
struct FinQuery {
    #[serde(default)]
    fin: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/sharing_disclosures.html")]
struct DisclosuresPage {
    ctx: crate::web::page::PageCtx,
    staff: Option<Staff>,
    fin: String,
    accounting: Option<Accounting>,
    errors: FieldErrors,
}

impl DisclosuresPage {
    fn agreement(&self, id: &i64) -> Option<&Agreement> {
        self.accounting.as_ref().and_then(|a| a.agreements.get(id))
    }
}

/// The accounting of the FIN asked for, or why not: `Ok(None)` when none was asked.
async fn accounting_for(state: &AppState, staff: &Staff, fin: &str) -> Result<Option<Accounting>, Response> {
    let now = state.clock().now();
    if fin.trim().is_empty() {
        return match service::may_account(state.db(), state.catalog(), &staff.actor, now).await {
            Ok(()) => Ok(None),
            Err(e) => Err(staff_error(staff, &e)),
        };
    }
    let parsed = Fin::parse(fin).map_err(|e| {
        let page = DisclosuresPage {
            ctx: staff.ctx.clone(),
            staff: Some(staff.clone()),
            fin: fin.to_owned(),
            accounting: None,
            errors: FieldErrors::reasons(&[e]),
        };
        staff.finish(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
    })?;
    match service::accounting(state.db(), state.catalog(), &staff.actor, now, &parsed).await {
        Ok(a) => Ok(Some(a)),
        Err(e) => Err(staff_error(staff, &e)),
    }
}

async fn disclosures(State(state): State<AppState>, staff: Staff, Query(q): Query<FinQuery>) -> Response {
    let fin = q.fin.unwrap_or_default();
    match accounting_for(&state, &staff, &fin).await {
        Ok(accounting) => {
            let page = DisclosuresPage {
                ctx: staff.ctx.clone(),
                staff: Some(staff.clone()),
                fin,
                accounting,
                errors: FieldErrors::default(),
            };
            staff.finish(render(StatusCode::OK, &page))
        }
        Err(res) => res,
    }
}

async fn disclosures_csv(State(state): State<AppState>, staff: Staff, Query(q): Query<FinQuery>) -> Response {
    let fin = q.fin.unwrap_or_default();
    match accounting_for(&state, &staff, &fin).await {
        Ok(Some(a)) => staff.finish(
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"disclosures-{}.csv\"", a.person.fin)),
                ],
                service::accounting_csv(&a),
            )
                .into_response(),
        ),
        Ok(None) => staff_error(&staff, &ServiceError::NotFound),
        Err(res) => res,
    }
}

#[derive(Template)]
#[template(path = "staff/sharing_agreements.html")]
struct AgreementsPage {
    ctx: crate::web::page::PageCtx,
    staff: Option<Staff>,
    csrf: String,
    agreements: Vec<Agreement>,
    today: chrono::NaiveDate,
    /// Headquarters: the form to enter one, and the links to end one.
    can_manage: bool,
    partners: Vec<(&'static str, &'static str)>,
    fields: Vec<(u16, String)>,
    draft: AgreementDraft,
    errors: FieldErrors,
    done: Option<String>,
}

impl AgreementsPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn ticked(&self, direction: &str, n: &u16) -> bool {
        let list = if direction == "outbound" { &self.draft.outbound } else { &self.draft.inbound };
        let (short, long) = (n.to_string(), format!("2.{n:03}"));
        list.iter().any(|v| v.trim() == short || v.trim() == long)
    }

    /// Whether a typed code is this option's (typed codes may be in any case).
    fn same(&self, typed: &str, code: &str) -> bool {
        typed.trim().eq_ignore_ascii_case(code)
    }

    /// Whether an agreement may still be ended (its last day not yet past).
    fn endable(&self, a: &Agreement) -> bool {
        self.can_manage && a.in_force_to >= self.today
    }
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    #[serde(default)]
    entered: Option<i64>,
    #[serde(default)]
    ended: Option<i64>,
}

async fn show_agreements(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    draft: AgreementDraft,
    errors: FieldErrors,
    done: Option<String>,
) -> Response {
    let now = state.clock().now();
    match service::agreements(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(agreements) => {
            let page = AgreementsPage {
                ctx: staff.ctx.clone(),
                staff: Some(staff.clone()),
                csrf: staff.csrf.clone(),
                agreements,
                today: service::today(now),
                can_manage: staff.actor.role.can(Capability::SharingAgreements),
                partners: Partner::ALL.iter().map(|p| (p.code(), p.name())).collect(),
                fields: agreement_fields(),
                draft,
                errors,
                done,
            };
            staff.finish(render(status, &page))
        }
        Err(e) => staff_error(staff, &e),
    }
}

async fn agreements(State(state): State<AppState>, staff: Staff, Query(q): Query<DoneQuery>) -> Response {
    let done = match (q.entered, q.ended) {
        (Some(id), _) => Some(staff.ctx.t1("staff-agreements-entered", "id", &id.to_string())),
        (None, Some(id)) => Some(staff.ctx.t1("staff-agreements-ended", "id", &id.to_string())),
        (None, None) => None,
    };
    show_agreements(&state, &staff, StatusCode::OK, AgreementDraft::default(), FieldErrors::default(), done).await
}

/// Headquarters enters an agreement; a refused one comes back as typed with its mistakes.
async fn enter_agreement(State(state): State<AppState>, StaffForm(staff, f): StaffForm<Fields>) -> Response {
    let now = state.clock().now();
    let allowed = match service::may_manage_agreements(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(a) => a,
        Err(e) => return staff_error(&staff, &e),
    };
    let draft = AgreementDraft {
        partner: f.get("partner"),
        in_force_from: f.get("in_force_from"),
        in_force_to: f.get("in_force_to"),
        outbound: f.all("outbound"),
        inbound: f.all("inbound"),
        template: f.get("template"),
    };
    match service::enter_agreement(state.db(), &allowed, &staff.actor, now, &draft).await {
        Ok(Ok(a)) => staff.finish(Redirect::to(&format!("/staff/sharing/agreements?entered={}", a.id)).into_response()),
        Ok(Err(problems)) => {
            let errors = FieldErrors::reasons(&problems);
            show_agreements(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, draft, errors, None).await
        }
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Template)]
#[template(path = "staff/sharing_agreement_end.html")]
struct EndPage {
    ctx: crate::web::page::PageCtx,
    staff: Option<Staff>,
    csrf: String,
    agreement: Agreement,
    last_day: String,
    /// The day checked and waiting for confirmation.
    confirm: Option<chrono::NaiveDate>,
    errors: FieldErrors,
}

impl EndPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

fn end_page(staff: &Staff, agreement: Agreement, last_day: String, confirm: Option<chrono::NaiveDate>) -> EndPage {
    EndPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        agreement,
        last_day,
        confirm,
        errors: FieldErrors::default(),
    }
}

/// The form to end an agreement, today's date filled in.
async fn end_form(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> Response {
    let now = state.clock().now();
    let allowed = match service::may_manage_agreements(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(a) => a,
        Err(e) => return staff_error(&staff, &e),
    };
    let today = service::today(now).to_string();
    match service::end_preview(state.db(), &allowed, now, id, &today).await {
        Ok((agreement, _)) => staff.finish(render(StatusCode::OK, &end_page(&staff, agreement, today, None))),
        // Already over: the form says so beside the day.
        Err(ServiceError::Invalid(e)) => match service::agreement(state.db(), &allowed, id).await {
            Ok(agreement) => {
                let mut page = end_page(&staff, agreement, today, None);
                page.errors = FieldErrors::reasons(&[e]);
                staff.finish(render(StatusCode::OK, &page))
            }
            Err(e) => staff_error(&staff, &e),
        },
        Err(e) => staff_error(&staff, &e),
    }
}

/// Ends an agreement in two steps: the day typed is checked and shown for confirmation; the
/// confirmed day (`confirm=yes`) is written.
async fn end(State(state): State<AppState>, Path(id): Path<i64>, StaffForm(staff, f): StaffForm<Fields>) -> Response {
    let now = state.clock().now();
    let allowed = match service::may_manage_agreements(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(a) => a,
        Err(e) => return staff_error(&staff, &e),
    };
    let typed = f.get("last_day");
    let outcome = if f.get("confirm") == "yes" {
        service::end_agreement(state.db(), &allowed, &staff.actor, now, id, &typed).await.map(|_| None)
    } else {
        service::end_preview(state.db(), &allowed, now, id, &typed).await.map(Some)
    };
    match outcome {
        Ok(None) => staff.finish(Redirect::to(&format!("/staff/sharing/agreements?ended={id}")).into_response()),
        Ok(Some((agreement, last))) => {
            staff.finish(render(StatusCode::OK, &end_page(&staff, agreement, last.to_string(), Some(last))))
        }
        Err(ServiceError::Invalid(e)) => match service::agreement(state.db(), &allowed, id).await {
            Ok(agreement) => {
                let mut page = end_page(&staff, agreement, typed, None);
                page.errors = FieldErrors::reasons(&[e]);
                staff.finish(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
            }
            Err(e) => staff_error(&staff, &e),
        },
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Deserialize, Default)]
struct AskPost {
    csrf: String,
    #[serde(default)]
    partner: String,
}

async fn ask(
    State(state): State<AppState>,
    Path(receipt): Path<String>,
    StaffForm(staff, f): StaffForm<AskPost>,
) -> Response {
    let Ok(parsed) = receipt.parse::<ReceiptNumber>() else { return staff_error(&staff, &ServiceError::NotFound) };
    let now = state.clock().now();
    let ident = state.ident();
    match service::request_query(state.db(), state.catalog(), &staff.actor, now, ident, parsed.as_str(), &f.partner)
        .await
    {
        Ok(_) => staff.finish(Redirect::to(&format!("/staff/sharing/cases/{receipt}")).into_response()),
        Err(ServiceError::Invalid(e)) => {
            show_case(&state, &staff, &receipt, StatusCode::UNPROCESSABLE_ENTITY, FieldErrors::reasons(&[e])).await
        }
        Err(e) => staff_error(&staff, &e),
    }
}
