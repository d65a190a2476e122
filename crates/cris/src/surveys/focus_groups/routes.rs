//! Focus-group pages. Staff (`surveys.manage`): the list with each draw's counts, the form that
//! defines and draws a group, a group's status (counts only), and the contacts of those who
//! accepted (audited on view). Public, in English and Spanish: the page a link opens, to accept
//! with a first name and a telephone, or to decline. Like the survey pages, the token travels in
//! the query string and the form body, never in a path, and the pages read no session.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::model::{FocusGroup, FocusGroupForm, Reply};
use super::service::{self, ReplyError};
use crate::kernel::contact::Phone;
use crate::kernel::error::ServiceError;
use crate::reference::format_date;
use crate::surveys::routes::message;
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::{Staff, StaffForm};
use crate::web::staff_page::staff_error;

crate::web::staff_ctx::carries_csrf!(DefinePost);

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/focus-groups", get(list_page))
        .route("/staff/focus-groups/new", get(new_page).post(define))
        .route("/staff/focus-groups/{id}", get(status_page))
        .route("/staff/focus-groups/{id}/contacts", get(contacts_page))
        .route("/focus-group", get(invitation_page).post(reply))
}

fn group_id(raw: &str) -> Option<i64> {
    raw.trim().parse::<i64>().ok().filter(|n| *n > 0)
}

// ---------------------------------------------------------------- staff: list and form

#[derive(Template)]
#[template(path = "staff/focus_groups.html")]
struct ListPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    groups: Vec<FocusGroup>,
}

async fn list_page(State(state): State<AppState>, staff: Staff) -> Response {
    match service::list(state.db(), state.catalog(), &staff.actor, state.clock().now()).await {
        Ok(groups) => {
            let page = ListPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), groups };
            staff.finish(render(StatusCode::OK, &page))
        }
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Template)]
#[template(path = "staff/focus_group_form.html")]
struct FormPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    form: FocusGroupForm,
    offices: Vec<(String, String)>,
    errors: FieldErrors,
}

#[derive(Deserialize)]
struct DefinePost {
    csrf: String,
    #[serde(flatten)]
    form: FocusGroupForm,
}

fn form_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    form: FocusGroupForm,
    errors: FieldErrors,
) -> Response {
    let offices = crate::web::staff_page::field_offices_in_reach(state.catalog(), &staff.actor);
    let page = FormPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        csrf: staff.csrf.clone(),
        form,
        offices,
        errors,
    };
    staff.finish(render(status, &page))
}

async fn new_page(State(state): State<AppState>, staff: Staff) -> Response {
    // The list's check: only those who may define a group see the form.
    if let Err(e) = service::list(state.db(), state.catalog(), &staff.actor, state.clock().now()).await {
        return staff_error(&staff, &e);
    }
    form_page(&state, &staff, StatusCode::OK, FocusGroupForm::default(), FieldErrors::default())
}

async fn define(State(state): State<AppState>, StaffForm(staff, post): StaffForm<DefinePost>) -> Response {
    let now = state.clock().now();
    match service::define(
        state.db(),
        state.catalog(),
        state.token_key(),
        state.public_url(),
        &staff.actor,
        now,
        &post.form,
    )
    .await
    {
        Ok(Ok(group)) => staff.finish(Redirect::to(&format!("/staff/focus-groups/{}?created=1", group.id))),
        Ok(Err(errors)) => {
            form_page(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, post.form, FieldErrors::reasons(&errors))
        }
        Err(e) => staff_error(&staff, &e),
    }
}

// ---------------------------------------------------------------- staff: status and contacts

#[derive(Template)]
#[template(path = "staff/focus_group.html")]
struct StatusPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    group: FocusGroup,
    office: String,
    created: bool,
}

#[derive(Deserialize, Default)]
struct Created {
    #[serde(default)]
    created: String,
}

fn office_name(state: &AppState, code: &str) -> String {
    state
        .catalog()
        .office(code)
        .map(|o| o.name(crate::kernel::i18n::Lang::En).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

async fn status_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<Created>,
) -> Response {
    let Some(id) = group_id(&id) else { return staff_error(&staff, &ServiceError::NotFound) };
    match service::status(state.db(), state.catalog(), &staff.actor, state.clock().now(), id).await {
        Ok(group) => {
            let office = office_name(&state, &group.office_code);
            let page = StatusPage {
                ctx: staff.ctx.clone(),
                staff: Some(staff.clone()),
                group,
                office,
                created: !q.created.is_empty(),
            };
            staff.finish(render(StatusCode::OK, &page))
        }
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Template)]
#[template(path = "staff/focus_contacts.html")]
struct ContactsPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    group: FocusGroup,
    office: String,
    contacts: Vec<(String, Phone)>,
}

async fn contacts_page(State(state): State<AppState>, staff: Staff, Path(id): Path<String>) -> Response {
    let Some(id) = group_id(&id) else { return staff_error(&staff, &ServiceError::NotFound) };
    match service::contacts(state.db(), state.catalog(), &staff.actor, state.clock().now(), id).await {
        Ok((group, contacts)) => {
            let office = office_name(&state, &group.office_code);
            let page = ContactsPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), group, office, contacts };
            // A list of names and numbers: not kept by the browser or any cache.
            let mut res = staff.finish(render(StatusCode::OK, &page));
            res.headers_mut()
                .insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => staff_error(&staff, &e),
    }
}

// ---------------------------------------------------------------- public: the invitation

#[derive(Template)]
#[template(path = "focus_group.html")]
struct InvitationPage {
    ctx: PageCtx,
    token: String,
    office: String,
    held_on: String,
    place: String,
    reply_by: String,
    pra: Option<(String, String, String)>,
    first_name: String,
    phone: String,
    errors: FieldErrors,
}

fn refusal(ctx: &PageCtx, e: &ReplyError) -> Response {
    match e {
        ReplyError::Used | ReplyError::Invalid(_) => {
            message(ctx, StatusCode::GONE, "focus-used-title", "focus-used-body")
        }
        ReplyError::Closed => message(ctx, StatusCode::GONE, "focus-closed-title", "focus-closed-body"),
        ReplyError::Db(_) => crate::web::error::error_page(ctx.clone(), StatusCode::SERVICE_UNAVAILABLE),
    }
}

#[derive(Deserialize, Default)]
struct ReplyForm {
    #[serde(default)]
    t: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    phone: String,
}

fn invitation(
    state: &AppState,
    ctx: PageCtx,
    status: StatusCode,
    group: &FocusGroup,
    f: ReplyForm,
    errors: FieldErrors,
) -> Response {
    let lang = ctx.lang;
    let office = state
        .catalog()
        .office(&group.office_code)
        .map(|o| o.name(lang).to_owned())
        .unwrap_or_else(|| group.office_code.clone());
    let pra = group
        .pra
        .as_ref()
        .map(|p| (p.omb_number.clone(), format_date(p.expires_on, lang), p.burden_minutes.to_string()));
    let page = InvitationPage {
        ctx,
        token: f.t,
        office,
        held_on: format_date(group.held_on, lang),
        place: group.place.clone(),
        reply_by: format_date(group.reply_by, lang),
        pra,
        first_name: f.first_name,
        phone: f.phone,
        errors,
    };
    render(status, &page)
}

async fn invitation_page(State(state): State<AppState>, ctx: PageCtx, Query(f): Query<ReplyForm>) -> Response {
    match service::open(state.db(), &f.t, state.clock().now().date_naive()).await {
        Ok(group) => {
            let f = ReplyForm { t: f.t, ..ReplyForm::default() };
            invitation(&state, ctx, StatusCode::OK, &group, f, FieldErrors::default())
        }
        Err(e) => refusal(&ctx, &e),
    }
}

async fn reply(State(state): State<AppState>, ctx: PageCtx, Form(f): Form<ReplyForm>) -> Response {
    let now = state.clock().now();
    match service::reply(state.db(), &f.t, &f.answer, &f.first_name, &f.phone, now).await {
        Ok(Reply::Accept { .. }) => message(&ctx, StatusCode::OK, "focus-accepted-title", "focus-accepted-body"),
        Ok(Reply::Decline) => message(&ctx, StatusCode::OK, "focus-declined-title", "focus-declined-body"),
        // What was typed stays on the page, with a message by each field that did not check out.
        Err(ReplyError::Invalid(errors)) => match service::open(state.db(), &f.t, now.date_naive()).await {
            Ok(group) => {
                let errors = FieldErrors::of(&ctx, "focus-err-", &errors);
                invitation(&state, ctx, StatusCode::UNPROCESSABLE_ENTITY, &group, f, errors)
            }
            Err(e) => refusal(&ctx, &e),
        },
        Err(e) => refusal(&ctx, &e),
    }
}
