//! The sharing staff pages of CPMS: find a case's sharing record, the record itself (the
//! applicant's protected class, USCIS's queries to partners with their answers, the request
//! form), the Privacy Act accounting of a person's disclosures (page and CSV) and the agreements.
//! Every check is the service's; refusals come back as the staff message page.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::model::{Agreement, Exchange, Fin, descriptive_fields};
use super::service::{self, Accounting, CaseSharing};
use crate::ident::Partner;
use crate::kernel::error::ServiceError;
use crate::kernel::ids::ReceiptNumber;
use crate::web::AppState;
use crate::web::fields::FieldErrors;
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
        .route("/staff/sharing/agreements", get(agreements))
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
    agreements: Vec<Agreement>,
    today: chrono::NaiveDate,
}

async fn agreements(State(state): State<AppState>, staff: Staff) -> Response {
    let now = state.clock().now();
    match service::agreements(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(agreements) => {
            let page = AgreementsPage {
                ctx: staff.ctx.clone(),
                staff: Some(staff.clone()),
                agreements,
                today: service::today(now),
            };
            staff.finish(render(StatusCode::OK, &page))
        }
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
