//! The script gateway's staff pages (R-GW-01): search and browse, a script in both languages with
//! its "used on this call" form and, for headquarters, its versions; the draft form; the
//! approvers' queue.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::model::{self, DraftForm, Search, SearchForm, Status, Topic, UseForm, Version};
use super::search::Hit;
use super::service::{self, Decision, Found, Queued, ScriptView};
use crate::kernel::access::permit;
use crate::kernel::access::{Allowed, Capability};
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::{Staff, StaffForm};
use crate::web::staff_page::staff_error;

crate::web::staff_ctx::carries_csrf!(DraftForm, UseForm, DecideForm);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/scripts", get(list_page))
        .route("/staff/scripts/new", get(new_page).post(create))
        .route("/staff/scripts/review", get(review_page))
        .route("/staff/scripts/review/{version}", post(decide))
        .route("/staff/scripts/{id}", get(script_page))
        .route("/staff/scripts/{id}/use", post(used))
        .route("/staff/scripts/{id}/edit", get(edit_page).post(revise))
}

/// A script or version id from the path; anything else is no such record.
fn id(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok().filter(|n| *n > 0)
}

/// The topics, as (code, name), for the pickers.
fn topics() -> Vec<(&'static str, &'static str)> {
    Topic::ALL.into_iter().map(|t| (t.code(), t.name())).collect()
}

/// The forms of the catalogue, as (code, "code, title"), sorted by code, for the pickers.
fn forms(state: &AppState) -> Vec<(String, String)> {
    let mut forms: Vec<(String, String)> =
        state.catalog().forms().iter().map(|f| (f.code.clone(), format!("{}, {}", f.code, f.title_en))).collect();
    forms.sort();
    forms
}

// ---------------------------------------------------------------- search and browse

#[derive(Template)]
#[template(path = "staff/scripts.html")]
struct ListPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    form: SearchForm,
    topics: Vec<(&'static str, &'static str)>,
    forms: Vec<(String, String)>,
    errors: FieldErrors,
    counts: Vec<(Topic, i64)>,
    listed: Vec<Version>,
    hits: Vec<Hit>,
    searched: bool,
    browsing: bool,
    can_author: bool,
}

/// The page's check of `capability`, recorded as `what` when refused; a refusal is the answer.
async fn may(state: &AppState, staff: &Staff, capability: Capability, what: &str) -> Result<Allowed, Response> {
    let (db, catalog, now) = (state.db(), state.catalog(), state.clock().now());
    permit(db, catalog, &staff.actor, now, capability, (what, None)).await.map_err(|e| staff_error(staff, &e))
}

/// The search box, filters and results; the topics when nothing is asked (`scripts.read`).
async fn list_page(State(state): State<AppState>, staff: Staff, Query(form): Query<SearchForm>) -> Response {
    let mut page = ListPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        topics: topics(),
        forms: forms(&state),
        errors: FieldErrors::default(),
        counts: Vec::new(),
        listed: Vec::new(),
        hits: Vec::new(),
        searched: false,
        browsing: false,
        can_author: staff.actor.role.can(Capability::ScriptsAuthor),
        form,
    };
    // Refused filters are named on the page, over the topics.
    let (status, search) = match page.form.parse(state.catalog()) {
        Ok(s) => (StatusCode::OK, s),
        Err(errors) => {
            page.errors = FieldErrors::reasons(&errors);
            (StatusCode::UNPROCESSABLE_ENTITY, Search::default())
        }
    };
    let allowed = match may(&state, &staff, Capability::ScriptsRead, "scripts.search").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match service::find(state.db(), state.scripts(), &allowed, &search).await {
        Ok(Found::Topics(counts)) => page.counts = counts,
        Ok(Found::Listed(listed)) => {
            page.listed = listed;
            page.browsing = true;
        }
        Ok(Found::Hits(hits)) => {
            page.hits = hits;
            page.searched = true;
        }
        Err(e) => return staff_error(&staff, &e),
    }
    staff.finish(render(status, &page))
}

// ---------------------------------------------------------------- one script

#[derive(Template)]
#[template(path = "staff/script.html")]
struct ScriptPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    view: ScriptView,
    can_author: bool,
    form: UseForm,
    errors: FieldErrors,
    notice: Option<String>,
}

impl ScriptPage {
    fn paragraphs<'a>(&self, text: &'a str) -> Vec<&'a str> {
        model::paragraphs(text)
    }

    /// The draft waiting or returned, if any.
    fn open(&self) -> Option<&Version> {
        self.view.history.iter().find(|v| v.status != Status::Approved)
    }
}

#[derive(Deserialize, Default)]
struct ScriptQuery {
    #[serde(default)]
    done: String,
}

async fn script_view(
    state: &AppState,
    staff: &Staff,
    script_id: i64,
    (status, form, errors, notice): (StatusCode, UseForm, FieldErrors, Option<String>),
) -> Response {
    let allowed = match may(state, staff, Capability::ScriptsRead, "scripts.view").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let view = match service::view(state.db(), &allowed, &staff.actor, script_id).await {
        Ok(v) => v,
        Err(e) => return staff_error(staff, &e),
    };
    let page = ScriptPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        view,
        can_author: staff.actor.role.can(Capability::ScriptsAuthor),
        form,
        errors,
        notice,
    };
    staff.finish(render(status, &page))
}

/// A script: its current version in both languages, the call form, and for headquarters its
/// versions and how many calls it answered.
async fn script_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(raw): Path<String>,
    Query(q): Query<ScriptQuery>,
) -> Response {
    let Some(script_id) = id(&raw) else { return staff_error(&staff, &ServiceError::NotFound) };
    let notice = match q.done.as_str() {
        "used" => Some(staff.ctx.t("staff-script-done-used")),
        "drafted" => Some(staff.ctx.t("staff-script-done-drafted")),
        _ => None,
    };
    script_view(&state, &staff, script_id, (StatusCode::OK, UseForm::default(), FieldErrors::default(), notice)).await
}

/// "Used on this call": records which version answered the call (audited).
async fn used(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    StaffForm(staff, f): StaffForm<UseForm>,
) -> Response {
    let Some(script_id) = id(&raw) else { return staff_error(&staff, &ServiceError::NotFound) };
    let refused =
        |errors: &[InvalidInput]| (StatusCode::UNPROCESSABLE_ENTITY, f.clone(), FieldErrors::reasons(errors), None);
    let call = match f.parse() {
        Ok(c) => c,
        Err(errors) => return script_view(&state, &staff, script_id, refused(&errors)).await,
    };
    let allowed = match may(&state, &staff, Capability::ScriptsRead, "scripts.use").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let now = state.clock().now();
    match service::record_use(state.db(), &allowed, &staff.actor, now, script_id, &call).await {
        Ok(_) => staff.finish(Redirect::to(&format!("/staff/scripts/{script_id}?done=used")).into_response()),
        Err(ServiceError::Invalid(e)) => script_view(&state, &staff, script_id, refused(&[e])).await,
        Err(e) => staff_error(&staff, &e),
    }
}

// ---------------------------------------------------------------- drafts

#[derive(Template)]
#[template(path = "staff/script_form.html")]
struct DraftPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    action: String,
    heading: String,
    form: DraftForm,
    errors: FieldErrors,
    topics: Vec<(&'static str, &'static str)>,
    forms: Vec<(String, String)>,
    open: Option<Version>,
}

impl DraftPage {
    /// Each language's fields: (tag, name, title field, text field, title typed, text typed).
    fn languages(&self) -> [(&str, String, &str, &str, &str, &str); 2] {
        let (f, ctx) = (&self.form, &self.ctx);
        [
            ("en", ctx.t("staff-script-english"), "title_en", "body_en", f.title_en.as_str(), f.body_en.as_str()),
            ("es", ctx.t("staff-script-spanish"), "title_es", "body_es", f.title_es.as_str(), f.body_es.as_str()),
        ]
    }
}

fn draft_view(
    state: &AppState,
    staff: &Staff,
    script_id: Option<i64>,
    (status, form, errors, open): (StatusCode, DraftForm, FieldErrors, Option<Version>),
) -> Response {
    let (action, heading) = match script_id {
        Some(id) => (format!("/staff/scripts/{id}/edit"), staff.ctx.ta("staff-script-form-next", ("id", id))),
        None => ("/staff/scripts/new".to_owned(), staff.ctx.t("staff-script-form-new")),
    };
    let page = DraftPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        action,
        heading,
        form,
        errors,
        topics: topics(),
        forms: forms(state),
        open,
    };
    staff.finish(render(status, &page))
}

/// An empty draft form (`scripts.author`).
async fn new_page(State(state): State<AppState>, staff: Staff) -> Response {
    if let Err(r) = may(&state, &staff, Capability::ScriptsAuthor, "scripts.draft").await {
        return r;
    }
    draft_view(&state, &staff, None, (StatusCode::OK, DraftForm::default(), FieldErrors::default(), None))
}

/// Saves a draft: a new script's, or a script's next version; a refused one comes back with
/// what was typed and the messages.
async fn save(state: &AppState, staff: &Staff, script_id: Option<i64>, f: DraftForm) -> Response {
    let refused = |f: DraftForm, errors: &[InvalidInput]| {
        draft_view(state, staff, script_id, (StatusCode::UNPROCESSABLE_ENTITY, f, FieldErrors::reasons(errors), None))
    };
    let draft = match f.parse(state.catalog()) {
        Ok(d) => d,
        Err(errors) => return refused(f, &errors),
    };
    let allowed = match may(state, staff, Capability::ScriptsAuthor, "scripts.draft").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (db, now) = (state.db(), state.clock().now());
    let saved = match script_id {
        Some(id) => service::draft_revision(db, &allowed, &staff.actor, now, id, &draft).await.map(|_| id),
        None => service::draft_new(db, &allowed, &staff.actor, now, &draft).await,
    };
    match saved {
        Ok(id) => staff.finish(Redirect::to(&format!("/staff/scripts/{id}?done=drafted")).into_response()),
        Err(ServiceError::Invalid(e)) => refused(f, &[e]),
        Err(e) => staff_error(staff, &e),
    }
}

/// Saves a new script as a draft for approval.
async fn create(State(state): State<AppState>, StaffForm(staff, f): StaffForm<DraftForm>) -> Response {
    save(&state, &staff, None, f).await
}

/// The form for a script's next version: its open draft, or its current text (`scripts.author`).
async fn edit_page(State(state): State<AppState>, staff: Staff, Path(raw): Path<String>) -> Response {
    let Some(script_id) = id(&raw) else { return staff_error(&staff, &ServiceError::NotFound) };
    let allowed = match may(&state, &staff, Capability::ScriptsAuthor, "scripts.draft").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match service::for_editing(state.db(), &allowed, script_id).await {
        Ok((form, open)) => {
            draft_view(&state, &staff, Some(script_id), (StatusCode::OK, form, FieldErrors::default(), open))
        }
        Err(e) => staff_error(&staff, &e),
    }
}

/// Saves a script's next version for approval.
async fn revise(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    StaffForm(staff, f): StaffForm<DraftForm>,
) -> Response {
    let Some(script_id) = id(&raw) else { return staff_error(&staff, &ServiceError::NotFound) };
    save(&state, &staff, Some(script_id), f).await
}

// ---------------------------------------------------------------- the approvers' queue

#[derive(Template)]
#[template(path = "staff/script_review.html")]
struct ReviewPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    me: String,
    queued: Vec<Queued>,
    /// The draft a refusal is about, what was typed as the reason, and the messages.
    refused: Option<(i64, String, FieldErrors)>,
    notice: Option<String>,
}

impl ReviewPage {
    fn paragraphs<'a>(&self, text: &'a str) -> Vec<&'a str> {
        model::paragraphs(text)
    }

    /// The message about a draft's field, if its decision was refused.
    fn error(&self, version_id: &i64, field: &str) -> Option<&str> {
        self.refused.as_ref().filter(|(v, _, _)| v == version_id).and_then(|(_, _, e)| e.get(field))
    }

    /// The reason typed for a draft whose decision was refused.
    fn typed(&self, version_id: &i64) -> &str {
        self.refused.as_ref().filter(|(v, _, _)| v == version_id).map_or("", |(_, typed, _)| typed.as_str())
    }
}

#[derive(Deserialize, Default)]
struct ReviewQuery {
    #[serde(default)]
    done: String,
    #[serde(default)]
    script: String,
}

async fn review_view(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    refused: Option<(i64, String, FieldErrors)>,
    notice: Option<String>,
) -> Response {
    let allowed = match may(state, staff, Capability::ScriptsApprove, "scripts.review").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let queued = match service::queue(state.db(), &allowed).await {
        Ok(q) => q,
        Err(e) => return staff_error(staff, &e),
    };
    let page = ReviewPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        me: staff.actor.username.clone(),
        queued,
        refused,
        notice,
    };
    staff.finish(render(status, &page))
}

/// The drafts waiting for approval (`scripts.approve`).
async fn review_page(State(state): State<AppState>, staff: Staff, Query(q): Query<ReviewQuery>) -> Response {
    let script = q.script.trim().parse::<i64>().ok();
    let notice = match (q.done.as_str(), script) {
        ("approved", Some(id)) => Some(staff.ctx.ta("staff-script-review-approved", ("id", id))),
        ("returned", Some(id)) => Some(staff.ctx.ta("staff-script-review-returned", ("id", id))),
        _ => None,
    };
    review_view(&state, &staff, StatusCode::OK, None, notice).await
}

#[derive(Deserialize, Clone, Default)]
struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// Approves a draft, or returns it with a reason (audited; never one's own draft).
async fn decide(
    State(state): State<AppState>,
    Path(raw): Path<String>,
    StaffForm(staff, f): StaffForm<DecideForm>,
) -> Response {
    let Some(version_id) = id(&raw) else { return staff_error(&staff, &ServiceError::NotFound) };
    let refused = |e: InvalidInput| {
        let errors = FieldErrors::reasons(std::slice::from_ref(&e));
        review_view(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((version_id, f.reason.clone(), errors)),
            None,
        )
    };
    let decision = match f.decision.trim() {
        "approve" => Decision::Approve,
        "return" => match model::return_reason(&f.reason) {
            Ok(reason) => Decision::Return(reason),
            Err(e) => return refused(e).await,
        },
        _ => {
            let why = staff.ctx.t("staff-script-review-choose");
            return refused(InvalidInput::new(service::DECISION_FIELD, why)).await;
        }
    };
    let allowed = match may(&state, &staff, Capability::ScriptsApprove, decision.event()).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let now = state.clock().now();
    match service::decide(state.db(), &allowed, &staff.actor, now, version_id, &decision).await {
        Ok(v) => {
            let done = if decision == Decision::Approve {
                // This node searches the new version at once; the others at their next search.
                if let Err(e) = state.scripts().refresh(state.db()).await {
                    tracing::warn!(error = %e, "script index refresh after an approval failed");
                }
                "approved"
            } else {
                "returned"
            };
            staff.finish(
                Redirect::to(&format!("/staff/scripts/review?done={done}&script={}", v.script_id)).into_response(),
            )
        }
        Err(ServiceError::Invalid(e)) => refused(e).await,
        Err(e) => staff_error(&staff, &e),
    }
}
