//! Portfolio pages, in English and Spanish: sign up, sign in, the dashboard of cases, alert
//! preferences, closing the account, and recovering access.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::model::{Customer, MAX_CASES, NewCustomer, QUESTIONS, UserId};
use super::service::{self, Held, PortfolioError};
use crate::kernel::error::{InvalidInput, keep};
use crate::kernel::i18n::Lang;
use crate::kernel::ids::ReceiptNumber;
use crate::kernel::session::{self, Kind};
use crate::reference::format_date;
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};
use crate::web::visit::Visit;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/account", get(home))
        .route("/account/sign-up", get(sign_up_page).post(sign_up))
        .route("/account/sign-in", get(sign_in_page).post(sign_in))
        .route("/account/sign-out", post(sign_out))
        .route("/account/cases", post(add_case))
        .route("/account/cases/remove", post(remove_case))
        .route("/account/preferences", post(preferences))
        .route("/account/close", post(close))
        .route("/account/recover", get(recover_page).post(recover))
        .route("/account/reset", get(reset_page).post(reset))
}

impl Visit {
    /// The signed-in customer, once the form's CSRF token checks out; otherwise the answer to
    /// give (the sign-in page, or "form expired").
    async fn signed_in(&self, state: &AppState, csrf: &str) -> Result<Customer, Box<Response>> {
        let Some((session, _)) = &self.customer else { return Err(Box::new(see_other("/account/sign-in"))) };
        if !self.csrf_ok(csrf) {
            return Err(Box::new(expired(self)));
        }
        account(state, session.id).await.ok_or_else(|| Box::new(see_other("/account/sign-in")))
    }
}

/// The account of a signed-in customer; `None` (taken as signed out) if it cannot be read.
async fn account(state: &AppState, id: i64) -> Option<Customer> {
    service::by_id(state.db(), id).await.ok().flatten()
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn expired(v: &Visit) -> Response {
    v.finish(render(
        StatusCode::FORBIDDEN,
        &Message { ctx: v.ctx.clone(), title_id: "pf-expired-title", body: v.ctx.t("pf-expired-body") },
    ))
}

fn failed(v: &Visit, e: &PortfolioError) -> Response {
    tracing::error!(error = %e, "portfolio request failed");
    crate::web::error::error_page(v.ctx.clone(), StatusCode::INTERNAL_SERVER_ERROR)
}

/// A page with a heading and a sentence.
#[derive(Template)]
#[template(path = "account/message.html")]
struct Message {
    ctx: PageCtx,
    title_id: &'static str,
    body: String,
}

// ---------------------------------------------------------------- sign up

#[derive(Deserialize, Default, Clone)]
struct SignUpForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
    #[serde(default)]
    q1: String,
    #[serde(default)]
    a1: String,
    #[serde(default)]
    q2: String,
    #[serde(default)]
    a2: String,
    #[serde(default)]
    q3: String,
    #[serde(default)]
    a3: String,
    #[serde(default)]
    texts: String,
    #[serde(default)]
    mobile: String,
    /// `no` declines email alerts (R-CS-09); anything else, or nothing, takes them.
    #[serde(default)]
    email_alerts: String,
}

/// A question choice on the sign-up form.
struct Choice {
    id: &'static str,
    selected: bool,
}

/// One of the three question slots.
struct Slot {
    n: usize,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "account/sign_up.html")]
struct SignUpPage {
    ctx: PageCtx,
    csrf: String,
    /// What to fix, by the field it is about.
    errors: FieldErrors,
    form: SignUpForm,
    slots: Vec<Slot>,
}

impl SignUpPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }
}

/// The form field a refusal is about, so the summary links to it and marks it.
fn field_of(e: &InvalidInput) -> &'static str {
    match e.field {
        "phone" | "mobile" => "mobile",
        "questions" => "a1",
        field => field,
    }
}

/// Refusals worded in the page's language, by field.
fn sign_up_errors(ctx: &PageCtx, errors: &[InvalidInput]) -> FieldErrors {
    let mut all = FieldErrors::default();
    for e in errors {
        all.push(field_of(e), reason(ctx, e));
    }
    all
}

/// A refusal worded in the page's language.
fn reason(ctx: &PageCtx, e: &InvalidInput) -> String {
    match e.field {
        "password" => ctx.t("pf-password-rule"),
        "user_id" => ctx.t("pf-user-id-rule"),
        "email" => ctx.t("pf-email-rule"),
        "questions" => ctx.t("pf-questions-rule"),
        "phone" | "mobile" => ctx.t("pf-bad-mobile"),
        _ => e.reason.clone(),
    }
}

fn sign_up_view(v: &Visit, status: StatusCode, errors: FieldErrors, form: SignUpForm) -> Response {
    let form = SignUpForm {
        password: String::new(),
        password_again: String::new(),
        a1: String::new(),
        a2: String::new(),
        a3: String::new(),
        ..form
    };
    let chosen = [form.q1.as_str(), form.q2.as_str(), form.q3.as_str()];
    let slots = chosen
        .iter()
        .enumerate()
        .map(|(i, c)| Slot {
            n: i + 1,
            // Different questions preselected in each slot, or what the customer chose.
            choices: QUESTIONS
                .iter()
                .enumerate()
                .map(|(j, q)| Choice { id: q, selected: if c.is_empty() { j == i } else { q == c } })
                .collect(),
        })
        .collect();
    v.finish(render(status, &SignUpPage { ctx: v.ctx.clone(), csrf: v.csrf.clone(), errors, form, slots }))
}

async fn sign_up_page(v: Visit) -> Response {
    sign_up_view(&v, StatusCode::OK, FieldErrors::default(), SignUpForm::default())
}

async fn sign_up(State(state): State<AppState>, v: Visit, Form(f): Form<SignUpForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired(&v);
    }
    let lang = v.ctx.lang;
    // Every problem at once, so the customer fixes them in one go.
    let mut problems = Vec::new();
    let user_id = keep(&mut problems, UserId::parse(&f.user_id));
    let email = keep(&mut problems, f.email.parse());
    let mobile = match f.texts.as_str() {
        "yes" => keep(&mut problems, f.mobile.parse()).map(Some),
        _ => Some(None),
    };
    let mut errors = sign_up_errors(&v.ctx, &problems);
    if f.password != f.password_again {
        errors.push("password_again", v.ctx.t("pf-password-mismatch"));
    }
    let (Some(user_id), Some(email), Some(mobile), true) = (user_id, email, mobile, errors.is_empty()) else {
        return sign_up_view(&v, StatusCode::UNPROCESSABLE_ENTITY, errors, f);
    };
    let new = NewCustomer {
        user_id,
        password: f.password.clone(),
        email,
        email_alerts: f.email_alerts != "no",
        mobile,
        lang,
        questions: vec![(f.q1.clone(), f.a1.clone()), (f.q2.clone(), f.a2.clone()), (f.q3.clone(), f.a3.clone())],
    };
    let user_id = new.user_id.as_str().to_owned();
    let password = new.password.clone();
    let now = state.clock().now();
    match service::sign_up(state.db(), now, new).await {
        Ok(_) => match service::sign_in(state.db(), now, &user_id, &password, &v.ip, state.session_limits()).await {
            Ok(token) => {
                let mut res = see_other("/account?welcome=1");
                res.headers_mut().append(
                    header::SET_COOKIE,
                    session::set_cookie(Kind::Customer.cookie(), &token, state.tls(), None),
                );
                res
            }
            Err(e) => failed(&v, &e),
        },
        Err(PortfolioError::Invalid(e)) => {
            sign_up_view(&v, StatusCode::UNPROCESSABLE_ENTITY, sign_up_errors(&v.ctx, &[e]), f)
        }
        Err(PortfolioError::UserIdTaken) => sign_up_view(
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::one("user_id", v.ctx.t("pf-user-id-taken")),
            f,
        ),
        Err(e) => failed(&v, &e),
    }
}

// ---------------------------------------------------------------- sign in / out

#[derive(Template)]
#[template(path = "account/sign_in.html")]
struct SignInPage {
    ctx: PageCtx,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
struct Notice {
    signed_out: Option<String>,
    reset: Option<String>,
    closed: Option<String>,
}

async fn sign_in_page(v: Visit, Query(n): Query<Notice>) -> Response {
    let notice = if n.signed_out.is_some() {
        Some(v.ctx.t("pf-signed-out"))
    } else if n.reset.is_some() {
        Some(v.ctx.t("pf-reset-done"))
    } else if n.closed.is_some() {
        Some(v.ctx.t("pf-closed"))
    } else {
        None
    };
    v.finish(render(StatusCode::OK, &SignInPage { ctx: v.ctx.clone(), csrf: v.csrf.clone(), error: None, notice }))
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    password: String,
}

async fn sign_in(State(state): State<AppState>, v: Visit, Form(f): Form<SignInForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired(&v);
    }
    let page = |status, id: &str| {
        v.finish(render(
            status,
            &SignInPage { ctx: v.ctx.clone(), csrf: v.csrf.clone(), error: Some(v.ctx.t(id)), notice: None },
        ))
    };
    if !state.limiter().allow(&format!("customer-sign-in:{}", v.ip), 1.0, 30.0, state.clock().instant()) {
        return page(StatusCode::TOO_MANY_REQUESTS, "pf-too-many");
    }
    match service::sign_in(state.db(), state.clock().now(), &f.user_id, &f.password, &v.ip, state.session_limits())
        .await
    {
        Ok(token) => {
            let mut res = see_other("/account");
            res.headers_mut()
                .append(header::SET_COOKIE, session::set_cookie(Kind::Customer.cookie(), &token, state.tls(), None));
            res
        }
        Err(PortfolioError::BadCredentials) => page(StatusCode::UNAUTHORIZED, "pf-bad-credentials"),
        Err(PortfolioError::Paused(_)) => page(StatusCode::TOO_MANY_REQUESTS, "pf-paused"),
        Err(e) => failed(&v, &e),
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(State(state): State<AppState>, v: Visit, Form(f): Form<CsrfOnly>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired(&v);
    }
    if let Some((_, token)) = &v.customer {
        let _ = session::delete(state.db(), token).await;
    }
    let mut res = see_other("/account/sign-in?signed_out=1");
    res.headers_mut()
        .append(header::SET_COOKIE, session::set_cookie(Kind::Customer.cookie(), "", state.tls(), Some(0)));
    res
}

// ---------------------------------------------------------------- dashboard

/// A case as the dashboard lists it.
struct Row {
    receipt: String,
    form: String,
    status: String,
    since: String,
}

#[derive(Template)]
#[template(path = "account/home.html")]
struct HomePage {
    ctx: PageCtx,
    csrf: String,
    customer: Customer,
    rows: Vec<Row>,
    max: i64,
    error: Option<String>,
    notice: Option<String>,
}

impl HomePage {
    fn is_es(&self) -> bool {
        self.customer.language() == Lang::Es
    }
}

#[derive(Deserialize, Default)]
struct HomeQuery {
    welcome: Option<String>,
    saved: Option<String>,
}

async fn home_view(
    state: &AppState,
    v: &Visit,
    status: StatusCode,
    error: Option<String>,
    notice: Option<String>,
) -> Response {
    let Some((session, _)) = &v.customer else { return see_other("/account/sign-in") };
    let Some(customer) = account(state, session.id).await else { return see_other("/account/sign-in") };
    let held: Vec<Held> = match service::cases(state.db(), customer.id).await {
        Ok(h) => h,
        Err(e) => return failed(v, &PortfolioError::from(e)),
    };
    let lang = v.ctx.lang;
    let rows = held
        .into_iter()
        .map(|h| Row {
            status: state
                .catalog()
                .status(&h.status_code)
                .map_or_else(|| v.ctx.t("pf-status-unknown"), |s| s.title(lang).to_owned()),
            since: format_date(h.status_on, lang),
            receipt: h.receipt_number,
            form: h.form_code,
        })
        .collect();
    v.finish(render(
        status,
        &HomePage { ctx: v.ctx.clone(), csrf: v.csrf.clone(), customer, rows, max: MAX_CASES, error, notice },
    ))
}

/// The dashboard again, refused with the message `key` (422).
async fn refuse(state: &AppState, v: &Visit, key: &str) -> Response {
    home_view(state, v, StatusCode::UNPROCESSABLE_ENTITY, Some(v.ctx.t(key)), None).await
}

async fn home(State(state): State<AppState>, v: Visit, Query(q): Query<HomeQuery>) -> Response {
    let notice = if q.welcome.is_some() {
        Some(v.ctx.t("pf-welcome"))
    } else if q.saved.is_some() {
        Some(v.ctx.t("pf-saved"))
    } else {
        None
    };
    home_view(&state, &v, StatusCode::OK, None, notice).await
}

#[derive(Deserialize)]
struct ReceiptForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    receipt: String,
}

async fn add_case(State(state): State<AppState>, v: Visit, Form(f): Form<ReceiptForm>) -> Response {
    let customer = match v.signed_in(&state, &f.csrf).await {
        Ok(c) => c,
        Err(res) => return *res,
    };
    let receipt = match f.receipt.parse::<ReceiptNumber>() {
        Ok(r) => r,
        Err(e) => {
            return refuse(&state, &v, &e.message_id().unwrap_or_else(|| "cs-error-format".into())).await;
        }
    };
    match service::add_case(state.db(), state.clock().now(), customer.id, &receipt).await {
        Ok(()) => see_other("/account"),
        Err(PortfolioError::Full) => refuse(&state, &v, "pf-full").await,
        Err(PortfolioError::UnknownCase) => refuse(&state, &v, "cs-error-unknown").await,
        Err(e) => failed(&v, &e),
    }
}

async fn remove_case(State(state): State<AppState>, v: Visit, Form(f): Form<ReceiptForm>) -> Response {
    let customer = match v.signed_in(&state, &f.csrf).await {
        Ok(c) => c,
        Err(res) => return *res,
    };
    if let Ok(r) = f.receipt.parse::<ReceiptNumber>()
        && let Err(e) = service::remove_case(state.db(), customer.id, &r).await
    {
        return failed(&v, &e);
    }
    see_other("/account")
}

#[derive(Deserialize)]
struct PreferencesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email_alerts: String,
    #[serde(default)]
    text_alerts: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    lang: String,
}

async fn preferences(State(state): State<AppState>, v: Visit, Form(f): Form<PreferencesForm>) -> Response {
    let customer = match v.signed_in(&state, &f.csrf).await {
        Ok(c) => c,
        Err(res) => return *res,
    };
    let texts = f.text_alerts == "yes";
    let mobile = if texts && !f.mobile.trim().is_empty() {
        match f.mobile.parse::<crate::kernel::contact::Phone>() {
            Ok(m) => Some(m),
            Err(_) => {
                return refuse(&state, &v, "pf-bad-mobile").await;
            }
        }
    } else {
        None
    };
    let lang = Lang::from_tag(&f.lang).unwrap_or(customer.language());
    match service::set_preferences(state.db(), customer.id, f.email_alerts == "yes", texts, mobile.as_ref(), lang).await
    {
        Ok(()) => see_other("/account?saved=1"),
        Err(PortfolioError::Invalid(_)) => refuse(&state, &v, "pf-bad-mobile").await,
        Err(e) => failed(&v, &e),
    }
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm: String,
}

async fn close(State(state): State<AppState>, v: Visit, Form(f): Form<CloseForm>) -> Response {
    let customer = match v.signed_in(&state, &f.csrf).await {
        Ok(c) => c,
        Err(res) => return *res,
    };
    if f.confirm != "yes" {
        return refuse(&state, &v, "pf-close-confirm-needed").await;
    }
    match service::close(state.db(), customer.id).await {
        Ok(()) => {
            let mut res = see_other("/account/sign-in?closed=1");
            res.headers_mut()
                .append(header::SET_COOKIE, session::set_cookie(Kind::Customer.cookie(), "", state.tls(), Some(0)));
            res
        }
        Err(e) => failed(&v, &e),
    }
}

// ---------------------------------------------------------------- recovery

#[derive(Template)]
#[template(path = "account/recover.html")]
struct RecoverPage {
    ctx: PageCtx,
    csrf: String,
    user_id: String,
    questions: Vec<String>,
    error: Option<String>,
    token: String,
}

#[derive(Deserialize, Default)]
struct RecoverForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    a1: Option<String>,
    #[serde(default)]
    a2: Option<String>,
    #[serde(default)]
    a3: Option<String>,
}

async fn recover_page(v: Visit) -> Response {
    let page = RecoverPage {
        ctx: v.ctx.clone(),
        csrf: v.csrf.clone(),
        user_id: String::new(),
        questions: Vec::new(),
        error: None,
        token: String::new(),
    };
    v.finish(render(StatusCode::OK, &page))
}

async fn recover(State(state): State<AppState>, v: Visit, Form(f): Form<RecoverForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired(&v);
    }
    if !state.limiter().allow(&format!("customer-recover:{}", v.ip), 0.2, 10.0, state.clock().instant()) {
        return v.finish(render(
            StatusCode::TOO_MANY_REQUESTS,
            &Message { ctx: v.ctx.clone(), title_id: "pf-recover-title", body: v.ctx.t("pf-too-many") },
        ));
    }
    let (Some(a1), Some(a2), Some(a3)) = (f.a1, f.a2, f.a3) else {
        // Step one: the user ID, then its questions.
        let questions = match service::questions_for(state.db(), &f.user_id).await {
            Ok(q) => q,
            Err(e) => return failed(&v, &PortfolioError::from(e)),
        };
        let page = RecoverPage {
            ctx: v.ctx.clone(),
            csrf: v.csrf.clone(),
            user_id: f.user_id.trim().to_owned(),
            questions,
            error: None,
            token: String::new(),
        };
        return v.finish(render(StatusCode::OK, &page));
    };
    let answers = [a1, a2, a3];
    match service::recover(state.db(), state.clock().now(), &f.user_id, &answers, (state.public_url(), &v.ip)).await {
        Ok(()) => v.finish(render(
            StatusCode::OK,
            &Message { ctx: v.ctx.clone(), title_id: "pf-recover-title", body: v.ctx.t("pf-recover-sent") },
        )),
        Err(PortfolioError::Paused(_)) => v.finish(render(
            StatusCode::TOO_MANY_REQUESTS,
            &Message { ctx: v.ctx.clone(), title_id: "pf-recover-title", body: v.ctx.t("pf-paused") },
        )),
        Err(e) => failed(&v, &e),
    }
}

#[derive(Deserialize, Default)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn reset_page(v: Visit, Query(q): Query<TokenQuery>) -> Response {
    let page = RecoverPage {
        ctx: v.ctx.clone(),
        csrf: v.csrf.clone(),
        user_id: String::new(),
        questions: Vec::new(),
        error: None,
        token: q.token,
    };
    v.finish(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn reset(State(state): State<AppState>, v: Visit, Form(f): Form<ResetForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired(&v);
    }
    match service::reset_password(state.db(), state.clock().now(), &f.token, &f.password).await {
        Ok(()) => see_other("/account/sign-in?reset=1"),
        Err(PortfolioError::Invalid(e)) => {
            let error = Some(if e.field == "token" { v.ctx.t("pf-link-expired") } else { reason(&v.ctx, &e) });
            let page = RecoverPage {
                ctx: v.ctx.clone(),
                csrf: v.csrf.clone(),
                user_id: String::new(),
                questions: Vec::new(),
                error,
                token: f.token,
            };
            v.finish(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => failed(&v, &e),
    }
}
