//! The Service Request Management Tool's pages (R-SR-07 to R-SR-12): intake by call-centre staff,
//! the supervisor's queue with officers' workloads, the officer's list, a request with its case
//! and trail, and the case page staff research with.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::model::{ACCOMMODATIONS, Channel, Method, MoveReason, NOTICES, RequestForm, WRONG_ITEMS};
use super::service::{self, FileError, Lists, NewRequest, Officer, Request, Summary};
use crate::kernel::access::permit;
use crate::kernel::access::{Allowed, Capability};
use crate::kernel::address::state_choices;
use crate::kernel::error::ServiceError;
use crate::kernel::i18n::Lang;
use crate::kernel::ids::ReceiptNumber;
use crate::web::AppState;
use crate::web::fields::{FieldErrors, Fields};
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::{Staff, StaffForm, carries_csrf};
use crate::web::staff_page::{permit_page, staff_error};

carries_csrf!(RequestForm, ReleaseForm);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/service-requests", get(home))
        .route("/staff/service-requests/new", get(intake_page).post(intake))
        .route("/staff/service-requests/assign", post(assign))
        .route("/staff/service-requests/{confirmation}", get(detail))
        .route("/staff/service-requests/{confirmation}/redirect", post(redirect))
        .route("/staff/service-requests/{confirmation}/hold", post(hold))
        .route("/staff/service-requests/{confirmation}/release", post(release))
        .route("/staff/service-requests/{confirmation}/respond", post(respond))
        .route("/staff/service-requests/{confirmation}/letters/{event}", get(letter))
        .route("/staff/cases/{receipt}", get(case_page))
}

#[derive(Template)]
#[template(path = "staff/service_requests.html")]
struct HomePage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    today: NaiveDate,
    /// The office's unassigned requests, for supervisors.
    unassigned: Option<Vec<Summary>>,
    officers: Vec<Officer>,
    /// The officer's own requests.
    mine: Option<Vec<Summary>>,
    /// Overdue and nearly due, for supervisors (their office) and headquarters (every office).
    due: Option<Vec<Summary>>,
    can_create: bool,
    notice: Option<String>,
    /// A refused assignment's messages, beside the officer choice and the list (R-SR-09).
    errors: FieldErrors,
    /// The officer chosen in a refused assignment.
    officer: String,
    /// The requests ticked in a refused assignment (confirmation numbers, one space between).
    picked: String,
}

impl HomePage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn late(&self, s: &Summary) -> bool {
        s.overdue(self.today)
    }
}

#[derive(Deserialize, Default)]
struct HomeQuery {
    #[serde(default)]
    assigned: Option<usize>,
}

fn failed(staff: &Staff, e: impl Into<ServiceError>) -> Response {
    staff_error(staff, &e.into())
}

/// Each role sees its part: supervisors the queue, officers their list, headquarters what is late.
async fn home(State(state): State<AppState>, staff: Staff, Query(q): Query<HomeQuery>) -> Response {
    let notice = q.assigned.map(|n| staff.ctx.ta("staff-srs-assigned", ("count", n)));
    home_view(&state, &staff, StatusCode::OK, notice, FieldErrors::default(), &Fields::default()).await
}

/// The list page; after a refused assignment it comes back with the choices kept and the
/// message beside the field (R-SR-09).
async fn home_view(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    notice: Option<String>,
    errors: FieldErrors,
    kept: &Fields,
) -> Response {
    let role = staff.actor.role;
    let now = state.clock().now();
    // Call-centre staff who record requests see the page without the lists (they have no part
    // in them); everyone else passes the page's check, whose proof the lists ask for.
    let lists = if role.can(Capability::ServiceRequestsCreate) {
        Lists::default()
    } else {
        let gate = crate::web::staff_nav::doors::SERVICE_REQUESTS.gate;
        let allowed = match permit_page(state, staff, gate, ("service_requests.list", &staff.actor.place.office)).await
        {
            Ok(allowed) => allowed,
            Err(r) => return r,
        };
        match service::lists(state.db(), &allowed, &staff.actor, now).await {
            Ok(lists) => lists,
            Err(e) => return failed(staff, e),
        }
    };
    let today = now.date_naive();
    let page = HomePage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        today,
        unassigned: lists.unassigned,
        officers: lists.officers,
        mine: lists.mine,
        due: lists.due,
        can_create: role.can(Capability::ServiceRequestsCreate),
        notice,
        errors,
        officer: kept.get("officer"),
        picked: kept.all("confirmation").join(" "),
    };
    staff.finish(render(status, &page))
}

#[derive(Template)]
#[template(path = "staff/service_request_new.html")]
struct IntakePage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    form: RequestForm,
    errors: FieldErrors,
    refusal: Option<String>,
    caller: String,
    /// The caller's earlier requests.
    rows: Vec<Summary>,
    states: Vec<(&'static str, &'static str)>,
    channels: &'static [&'static str],
    langs: &'static [&'static str],
    issues: &'static [&'static str],
    replies: &'static [&'static str],
    notices: &'static [&'static str],
    wrong_items: &'static [&'static str],
    accommodations: &'static [&'static str],
    done: Option<String>,
    today: NaiveDate,
}

impl IntakePage {
    fn late(&self, s: &Summary) -> bool {
        s.overdue(self.today)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn value(&self, field: &str) -> &str {
        self.form.value(field)
    }
}

#[derive(Deserialize, Default)]
struct IntakeQuery {
    /// A receipt number, email address or phone number the caller gives.
    #[serde(default)]
    caller: String,
    /// The confirmation number just filed.
    #[serde(default)]
    filed: Option<String>,
}

#[expect(clippy::too_many_arguments, reason = "the page keeps everything the form showed")]
fn intake_view(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    form: RequestForm,
    errors: FieldErrors,
    refusal: Option<String>,
    (caller, earlier): (String, Vec<Summary>),
    done: Option<String>,
) -> Response {
    let page = IntakePage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        form,
        errors,
        refusal,
        caller,
        rows: earlier,
        states: state_choices(staff.ctx.lang),
        channels: &["phone", "letter", "office"],
        langs: &["en", "es"],
        issues: &["late", "notice", "typo", "card", "beneficiary", "accommodation"],
        replies: &["email", "phone", "mail"],
        notices: &NOTICES,
        wrong_items: &WRONG_ITEMS,
        accommodations: &ACCOMMODATIONS,
        done,
        today: state.clock().now().date_naive(),
    };
    staff.finish(render(status, &page))
}

/// Checks the staff member records requests (`service_requests.create`); a refusal is the answer.
async fn may_record(state: &AppState, staff: &Staff) -> Result<Allowed, Response> {
    let (db, catalog, now) = (state.db(), state.catalog(), state.clock().now());
    let what = ("service_requests.create", None);
    permit(db, catalog, &staff.actor, now, Capability::ServiceRequestsCreate, what).await.map_err(|e| failed(staff, e))
}

/// The intake form, with the caller's earlier requests when looked up (R-SR-07).
async fn intake_page(State(state): State<AppState>, staff: Staff, Query(q): Query<IntakeQuery>) -> Response {
    let allowed = match may_record(&state, &staff).await {
        Ok(allowed) => allowed,
        Err(r) => return r,
    };
    let found = match service::earlier(state.db(), &allowed, &staff.actor, state.clock().now(), &q.caller).await {
        Ok(f) => f,
        Err(e) => return failed(&staff, e),
    };
    let done = q.filed.map(|c| staff.ctx.t1("staff-sr-new-done", "confirmation", &c));
    intake_view(
        &state,
        &staff,
        StatusCode::OK,
        RequestForm::default(),
        FieldErrors::default(),
        None,
        (q.caller, found),
        done,
    )
}

/// Records a request taken by phone, letter or at an office: the same checks and data as
/// e-Request, attributed to the staff member (R-SR-07).
async fn intake(State(state): State<AppState>, StaffForm(staff, f): StaffForm<RequestForm>) -> Response {
    let now = state.clock().now();
    let allowed = match may_record(&state, &staff).await {
        Ok(allowed) => allowed,
        Err(r) => return r,
    };
    let view = |status, errors: &[crate::kernel::error::InvalidInput], refusal: Option<String>| {
        let errors = FieldErrors::of(&staff.ctx, "sr-err-", errors);
        intake_view(&state, &staff, status, f.clone(), errors, refusal, (String::new(), Vec::new()), None)
    };
    let Some(channel) = Channel::parse(&f.channel).filter(|c| *c != Channel::Online) else {
        let e = crate::kernel::error::InvalidInput::new("channel", staff.ctx.t("sr-err-channel"));
        return view(StatusCode::UNPROCESSABLE_ENTITY, &[e], None);
    };
    let check = match f.start(now.date_naive()) {
        Ok(c) => c,
        Err(errors) => return view(StatusCode::UNPROCESSABLE_ENTITY, &errors, None),
    };
    let case = match service::check_case(state.db(), state.catalog(), state.reports(), &check).await {
        Ok(Ok(case)) => case,
        Ok(Err(r)) => {
            return view(StatusCode::UNPROCESSABLE_ENTITY, &[], Some(super::routes::refusal_text(&staff.ctx, &r)));
        }
        Err(e) => return failed(&staff, e),
    };
    let (details, reply) = match f.details(check.issue, now.date_naive()) {
        Ok(d) => d,
        Err(errors) => return view(StatusCode::UNPROCESSABLE_ENTITY, &errors, None),
    };
    // The customer's confirmation goes in the language they asked for.
    let lang = Lang::from_tag(&f.lang).unwrap_or(Lang::En);
    let customer_ctx = PageCtx::new(lang, state.i18n().clone(), "/service-request");
    let request = NewRequest {
        case: &case,
        issue: check.issue,
        channel,
        details: &details,
        reply: &reply,
        lang: lang.tag(),
        taken_by: Some(&staff.actor),
    };
    let compose = super::routes::confirmation_message(customer_ctx);
    match service::record(state.db(), &allowed, &request, now, &compose).await {
        Ok(filed) => staff
            .finish(Redirect::to(&format!("/staff/service-requests/new?filed={}", filed.confirmation)).into_response()),
        Err(FileError::Refused(r)) => {
            view(StatusCode::CONFLICT, &[], Some(super::routes::refusal_text(&staff.ctx, &r)))
        }
        Err(FileError::Db(e)) => failed(&staff, e),
        Err(e) => failed(&staff, ServiceError::Internal(e.to_string())),
    }
}

/// Assigns one or many requests to an officer; reassigning needs a reason (R-SR-09, R-SR-10).
/// From a request's page, a refusal brings that page back with the form as chosen.
async fn assign(State(state): State<AppState>, StaffForm(staff, f): StaffForm<Fields>) -> Response {
    let confirmations = f.all("confirmation");
    let invalid = |field: &'static str, key: &str| {
        Err(ServiceError::Invalid(crate::kernel::error::InvalidInput::new(field, staff.ctx.t(key))))
    };
    let outcome = match f.get("officer").trim().parse::<i64>() {
        Err(_) => invalid("officer", "staff-sr-choose-officer"),
        Ok(_) if confirmations.is_empty() => invalid("confirmation", "staff-sr-tick-one"),
        Ok(officer) => {
            let reason = MoveReason::parse(&f.get("reason"));
            let now = state.clock().now();
            service::assign(state.db(), state.catalog(), &staff.actor, now, &confirmations, officer, reason).await
        }
    };
    let from_request = confirmations.len() == 1 && f.get("back") == "request";
    match outcome {
        Ok(_) if from_request => {
            staff.finish(Redirect::to(&format!("/staff/service-requests/{}", confirmations[0])).into_response())
        }
        Ok(n) => staff.finish(Redirect::to(&format!("/staff/service-requests?assigned={n}")).into_response()),
        Err(ServiceError::Invalid(e)) if from_request => {
            let ids = [("officer", "officer"), ("reason", "reassign-reason")];
            let confirmation = confirmations[0].clone();
            detail_page(&state, &staff, &confirmation, Kept::refused("assign", f, &e, &ids)).await
        }
        Err(ServiceError::Invalid(e)) => {
            let id = if e.field == "confirmation" { "confirmation" } else { "officer" };
            let errors = FieldErrors::one(id, e.reason.clone());
            home_view(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, None, errors, &f).await
        }
        Err(e) => failed(&staff, e),
    }
}

#[derive(Template)]
#[template(path = "staff/service_request.html")]
struct DetailPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    r: Request,
    today: NaiveDate,
    case: Option<CaseView>,
    officers: Vec<Officer>,
    offices: Vec<(String, String)>,
    reasons: [MoveReason; 4],
    can_assign: bool,
    can_work: bool,
    /// The form that came back with mistakes, as typed.
    kept: Kept,
}

impl DetailPage {
    fn overdue(&self) -> bool {
        self.r.summary.overdue(self.today)
    }

    /// What was typed in `name` of `form`, when that form came back with mistakes.
    fn kept(&self, form: &str, name: &str) -> String {
        if self.kept.form == form { self.kept.fields.get(name) } else { String::new() }
    }

    /// The mistake of the field whose element id is `id`.
    fn error(&self, id: &str) -> Option<&str> {
        self.kept.errors.get(id)
    }

    /// Whether the answer's method `code` is the one to show chosen.
    fn method_chosen(&self, code: &str) -> bool {
        match self.kept("respond", "method") {
            m if m.is_empty() => code == "letter",
            m => m == code,
        }
    }

    /// A step's reason in words: a reason for moving the request is a code, a hold's is as typed.
    fn reason_words(&self, reason: &str) -> String {
        MoveReason::parse(reason).map_or_else(|| reason.to_owned(), |m| self.ctx.tc("staff-sr-move-reason", m.code()))
    }

    /// What a step said: a filing names the channel and a resolution the method, as codes; an
    /// answer or a release is text as written.
    fn said(&self, kind: &str, body: &str) -> String {
        match kind {
            "filed" => self.ctx.tc("staff-sr-channel", body),
            "resolved" => self.ctx.tc("staff-sr-event", body),
            _ => body.to_owned(),
        }
    }

    /// Whether the "resolves" box is ticked (it is, unless a form came back without it).
    fn resolves(&self) -> bool {
        self.kept.form != "respond" || self.kept.fields.get("resolves") == "yes"
    }
}

/// A form of a request's page that came back with mistakes (R-SR-11): which form, every field as
/// typed, and each mistake under the id of the element it belongs to, so that the page shows it
/// beside that field and in the summary.
#[derive(Default)]
struct Kept {
    form: &'static str,
    fields: Fields,
    errors: FieldErrors,
}

impl Kept {
    /// The kept form `form`, with a refusal worded beside its field; `ids` maps the service's
    /// field names to the page's element ids (a refusal of another field goes to the first).
    fn refused(
        form: &'static str,
        fields: Fields,
        e: &crate::kernel::error::InvalidInput,
        ids: &[(&str, &'static str)],
    ) -> Kept {
        let id = ids.iter().find(|(f, _)| *f == e.field).or(ids.first()).map_or("", |(_, id)| *id);
        Kept { form, fields, errors: FieldErrors::one(id, e.reason.clone()) }
    }
}

/// A case as staff research it: status, history, addresses, requests.
pub struct CaseView {
    /// The office holding it (whose reach decides who may see it).
    pub office_code: String,
    /// Receipt number.
    pub receipt: String,
    /// Form.
    pub form: String,
    /// Office.
    pub office: String,
    /// Received.
    pub received_on: NaiveDate,
    /// Current status title.
    pub status: String,
    /// History, newest first: (date, status title).
    pub history: Vec<(NaiveDate, String)>,
    /// Addresses, newest first: (lines, since, AR-11 confirmation).
    pub addresses: Vec<(Vec<String>, DateTime<Utc>, Option<String>)>,
}

async fn case_view(state: &AppState, receipt: &str) -> Result<Option<CaseView>, ServiceError> {
    let Some((case, history)) = crate::case_status::service::case_with_history(state.db(), receipt).await? else {
        return Ok(None);
    };
    let catalog = state.catalog();
    let title = |code: &str| catalog.status(code).map_or_else(|| code.to_owned(), |s| s.title(Lang::En).to_owned());
    let addresses = crate::change_of_address::address_history(state.db(), case.id).await?;
    Ok(Some(CaseView {
        office_code: case.office_code.clone(),
        receipt: case.receipt_number.clone(),
        form: case.form_code.clone(),
        office: catalog.office(&case.office_code).map_or(case.office_code.clone(), |o| o.name_en.clone()),
        received_on: case.received_on,
        status: title(&case.status_code),
        history: history
            .iter()
            .rev()
            .map(|h| (h.occurred_on, h.title_en.clone().unwrap_or_else(|| title(&h.status_code))))
            .collect(),
        addresses,
    }))
}

/// A request with its case at hand and its whole trail; what the actor may do next.
async fn detail(State(state): State<AppState>, staff: Staff, Path(confirmation): Path<String>) -> Response {
    detail_page(&state, &staff, &confirmation, Kept::default()).await
}

/// The request's page; with a kept form, that form as typed and its mistakes (422).
async fn detail_page(state: &AppState, staff: &Staff, confirmation: &str, kept: Kept) -> Response {
    let now = state.clock().now();
    let r = match service::read(state.db(), state.catalog(), &staff.actor, now, confirmation).await {
        Ok(r) => r,
        Err(e) => return failed(staff, e),
    };
    let case = match case_view(state, &r.summary.receipt_number).await {
        Ok(c) => c,
        Err(e) => return failed(staff, e),
    };
    let role = staff.actor.role;
    let can_assign = role.can(Capability::ServiceRequestsAssign);
    let officers = if can_assign {
        match service::officers(state.db(), &r.summary.office_code).await {
            Ok(o) => o,
            Err(e) => return failed(staff, e),
        }
    } else {
        Vec::new()
    };
    let can_work =
        role.can(Capability::ServiceRequestsWork) && (can_assign || r.assigned_to == Some(staff.actor.user_id));
    let offices = state
        .catalog()
        .offices()
        .iter()
        .filter(|o| o.code != r.summary.office_code && service::works_requests(o))
        .map(|o| (o.code.clone(), o.name_en.clone()))
        .collect();
    let page = DetailPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        r,
        today: now.date_naive(),
        case,
        officers,
        offices,
        reasons: MoveReason::ALL,
        can_assign,
        can_work,
        kept,
    };
    let status = if page.kept.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    staff.finish(render(status, &page))
}

/// The answer to a form of a request's page: back to the page when done; the page again with
/// the form as typed when a field is refused; the message page for anything else.
async fn after_form(
    state: &AppState,
    staff: &Staff,
    confirmation: &str,
    form: &'static str,
    fields: Fields,
    ids: &[(&str, &'static str)],
    outcome: Result<(), ServiceError>,
) -> Response {
    match outcome {
        Ok(()) => back_to(staff, confirmation),
        Err(ServiceError::Invalid(e)) => {
            detail_page(state, staff, confirmation, Kept::refused(form, fields, &e, ids)).await
        }
        Err(e) => failed(staff, e),
    }
}

fn back_to(staff: &Staff, confirmation: &str) -> Response {
    staff.finish(Redirect::to(&format!("/staff/service-requests/{confirmation}")).into_response())
}

/// Sends a request to another office (R-SR-10).
async fn redirect(
    State(state): State<AppState>,
    Path(confirmation): Path<String>,
    StaffForm(staff, f): StaffForm<Fields>,
) -> Response {
    let ids = [("office", "office"), ("reason", "redirect-reason")];
    let outcome = match MoveReason::parse(&f.get("reason")) {
        None => Err(ServiceError::Invalid(crate::kernel::error::InvalidInput::new(
            "reason",
            staff.ctx.t("staff-sr-choose-reason"),
        ))),
        Some(reason) => {
            let now = state.clock().now();
            let office = f.get("office");
            service::redirect(state.db(), state.catalog(), &staff.actor, now, &confirmation, office.trim(), reason)
                .await
        }
    };
    match outcome {
        // Redirected, the request has left this officer's reach: back to the list.
        Ok(()) => staff.finish(Redirect::to("/staff/service-requests").into_response()),
        Err(e) => after_form(&state, &staff, &confirmation, "redirect", f, &ids, Err(e)).await,
    }
}

/// The release form carries nothing but its token.
#[derive(Deserialize)]
struct ReleaseForm {
    #[serde(default)]
    csrf: String,
}

/// Puts a request on hold, with the reason (R-SR-12).
async fn hold(
    State(state): State<AppState>,
    Path(confirmation): Path<String>,
    StaffForm(staff, f): StaffForm<Fields>,
) -> Response {
    let now = state.clock().now();
    let outcome = service::hold(state.db(), state.catalog(), &staff.actor, now, &confirmation, &f.get("reason")).await;
    after_form(&state, &staff, &confirmation, "hold", f, &[("reason", "hold-reason")], outcome).await
}

/// Takes a request off hold (R-SR-12).
async fn release(
    State(state): State<AppState>,
    Path(confirmation): Path<String>,
    StaffForm(staff, _): StaffForm<ReleaseForm>,
) -> Response {
    match service::release(state.db(), state.catalog(), &staff.actor, state.clock().now(), &confirmation).await {
        Ok(()) => back_to(&staff, &confirmation),
        Err(e) => failed(&staff, e),
    }
}

/// Answers the customer by letter, email or a recorded call (R-SR-11).
async fn respond(
    State(state): State<AppState>,
    Path(confirmation): Path<String>,
    StaffForm(staff, f): StaffForm<Fields>,
) -> Response {
    let ids = [("method", "method-letter"), ("body", "body")];
    let outcome = match Method::parse(&f.get("method")) {
        None => Err(ServiceError::Invalid(crate::kernel::error::InvalidInput::new(
            "method",
            staff.ctx.t("staff-sr-choose-method"),
        ))),
        Some(method) => {
            let now = state.clock().now();
            let resolves = f.get("resolves") == "yes";
            let body = f.get("body");
            service::respond(state.db(), state.catalog(), &staff.actor, now, &confirmation, method, &body, resolves)
                .await
                .map(|_| ())
        }
    };
    after_form(&state, &staff, &confirmation, "respond", f, &ids, outcome).await
}

/// A response letter as PDF, in the customer's language (R-SR-11).
async fn letter(
    State(state): State<AppState>,
    staff: Staff,
    Path((confirmation, event)): Path<(String, i64)>,
) -> Response {
    let now = state.clock().now();
    match service::letter_pdf(state.db(), state.catalog(), &staff.actor, now, &confirmation, event).await {
        Ok(pdf) => {
            let disposition = format!("inline; filename=\"{confirmation}-{event}.pdf\"");
            staff.finish(
                (
                    [(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
                    pdf,
                )
                    .into_response(),
            )
        }
        Err(e) => failed(&staff, e),
    }
}

#[derive(Template)]
#[template(path = "staff/case.html")]
struct CasePage {
    ctx: PageCtx,
    staff: Option<Staff>,
    case: CaseView,
    /// Its service requests.
    rows: Vec<Summary>,
    today: NaiveDate,
}

impl CasePage {
    fn late(&self, s: &Summary) -> bool {
        s.overdue(self.today)
    }
}

/// A case as staff research it (`cases.read`, the case's office in reach; audited).
async fn case_page(State(state): State<AppState>, staff: Staff, Path(receipt): Path<String>) -> Response {
    let Ok(receipt) = receipt.parse::<ReceiptNumber>() else { return failed(&staff, ServiceError::NotFound) };
    let case = match case_view(&state, receipt.as_str()).await {
        Ok(Some(case)) => case,
        Ok(None) => return failed(&staff, ServiceError::NotFound),
        Err(e) => return failed(&staff, e),
    };
    let allowed = match permit_page(&state, &staff, Capability::CasesRead, ("cases.read", &case.office_code)).await {
        Ok(allowed) => allowed,
        Err(r) => return r,
    };
    let now = state.clock().now();
    match service::of_case(state.db(), &allowed, &staff.actor, now, &receipt).await {
        Ok(rows) => {
            let page =
                CasePage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), case, rows, today: now.date_naive() };
            staff.finish(render(StatusCode::OK, &page))
        }
        Err(e) => failed(&staff, e),
    }
}
