//! Staff pages: sign-in behind the warning banner (R-AU-04), password and authenticator code,
//! sign-out, and the administration pages (accounts, autolock log, alerts, audit log).

use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::model::{Alert, AutolockEntry, NewStaff, StaffUser, Username};
use super::service::{self, AfterPassword, SignInError};
use crate::kernel::access::{Capability, Role};
use crate::kernel::audit::{self, Category, Entry, Filter, Outcome, Row};
use crate::kernel::error::ServiceError;
use crate::kernel::session::{self, Kind};
use crate::kernel::totp;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};
use crate::web::staff_ctx::StaffForm;
use crate::web::staff_ctx::{Staff, client_ip, csrf_ok};

crate::web::staff_ctx::carries_csrf!(CsrfForm, NewUserForm, ReasonForm);

/// The cookie that carries a sign-in in progress.
const FLOW_COOKIE: &str = "cris_flow";

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/sign-in", get(banner_page).post(banner_ack))
        .route("/staff/sign-in/password", get(password_page).post(password_post))
        .route("/staff/sign-in/code", get(code_page).post(code_post))
        .route("/staff/sign-in/enrol", get(enrol_page).post(code_post))
        .route("/staff/sign-out", post(sign_out))
        .route("/staff/sign-out-everywhere", post(sign_out_everywhere))
        .route("/staff/admin/users", get(users_page).post(create_user))
        .route("/staff/admin/users/{id}", get(user_page))
        .route("/staff/admin/users/{id}/deactivate", post(deactivate_user))
        .route("/staff/admin/users/{id}/reinstate", post(reinstate_user))
        .route("/staff/admin/users/{id}/reset-code", post(reset_code))
        .route("/staff/admin/autolock", get(autolock_page))
        .route("/staff/admin/alerts", get(alerts_page))
        .route("/staff/admin/alerts/{id}/acknowledge", post(acknowledge_alert))
        .route("/staff/admin/audit", get(audit_page))
        .route("/staff/admin/audit.csv", get(audit_csv))
}

pub use crate::web::staff_page::{error_response, field_office_asked, forbidden_csrf, permit_page, staff_error};

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn with_cookies(mut res: Response, cookies: &[HeaderValue]) -> Response {
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c.clone());
    }
    res
}

// ---------------------------------------------------------------- sign-in

/// The page context and CSRF token of a sign-in page (no session yet).
struct Public {
    ctx: PageCtx,
    csrf: String,
    set_csrf: Option<HeaderValue>,
    ip: String,
    headers: HeaderMap,
}

impl FromRequestParts<AppState> for Public {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &AppState) -> Result<Self, Response> {
        let mut ctx = PageCtx::from_request_parts(parts, state).await.unwrap_or_else(|never| match never {});
        ctx.lang = crate::kernel::i18n::Lang::En;
        let (csrf, set_csrf) = session::csrf_token(&parts.headers, state.tls())
            .map_err(|_| StatusCode::SERVICE_UNAVAILABLE.into_response())?;
        Ok(Public { ctx, csrf, set_csrf, ip: client_ip(parts), headers: parts.headers.clone() })
    }
}

impl Public {
    fn finish(&self, res: impl IntoResponse) -> Response {
        session::with_csrf_cookie(res, self.set_csrf.as_ref())
    }

    fn flow(&self) -> Option<String> {
        session::cookie(&self.headers, FLOW_COOKIE).map(str::to_owned)
    }
}

/// Which sign-in step a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Banner,
    Password,
    Code,
    Enrol,
}

#[derive(Template)]
#[template(path = "staff/sign_in.html")]
struct SignInPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    csrf: String,
    step: Step,
    error: Option<String>,
    notice: Option<String>,
    username: String,
    secret: String,
    otpauth: String,
    /// The setup link as a QR code (SVG), on the enrolment step.
    qr: String,
}

impl SignInPage {
    fn new(p: &Public, step: Step) -> SignInPage {
        SignInPage {
            ctx: p.ctx.clone(),
            staff: None,
            csrf: p.csrf.clone(),
            step,
            error: None,
            notice: None,
            username: String::new(),
            secret: String::new(),
            otpauth: String::new(),
            qr: String::new(),
        }
    }

    /// The secret in groups of four, as authenticator apps show it.
    fn secret_grouped(&self) -> String {
        let chars: Vec<char> = self.secret.chars().collect();
        chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
    }
}

#[derive(Deserialize)]
struct SignedOutQuery {
    signed_out: Option<String>,
}

async fn banner_page(p: Public, Query(q): Query<SignedOutQuery>) -> Response {
    let mut page = SignInPage::new(&p, Step::Banner);
    if q.signed_out.is_some() {
        page.notice = Some(p.ctx.t("staff-sign-in-signed-out"));
    }
    p.finish(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
struct BannerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    acknowledge: String,
}

async fn banner_ack(State(state): State<AppState>, p: Public, Form(f): Form<BannerForm>) -> Response {
    if !csrf_ok(&p.headers, &f.csrf) {
        let mut page = SignInPage::new(&p, Step::Banner);
        page.error = Some(p.ctx.t("staff-sign-in-expired"));
        return p.finish(render(StatusCode::FORBIDDEN, &page));
    }
    if f.acknowledge != "yes" {
        let mut page = SignInPage::new(&p, Step::Banner);
        page.error = Some(p.ctx.t("staff-sign-in-must-accept"));
        return p.finish(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    match service::acknowledge_banner(state.db(), state.clock().now()).await {
        Ok(token) => {
            let cookie = session::set_cookie(FLOW_COOKIE, &token, state.tls(), Some(600));
            with_cookies(see_other("/staff/sign-in/password"), &[cookie])
        }
        Err(e) => sign_in_failure(&p, Step::Banner, &e),
    }
}

fn sign_in_failure(p: &Public, step: Step, e: &SignInError) -> Response {
    if *e == SignInError::Restart {
        return see_other("/staff/sign-in");
    }
    let (status, message) = match e {
        SignInError::BadCredentials => (StatusCode::UNAUTHORIZED, "staff-sign-in-bad-credentials"),
        SignInError::BadCode => (StatusCode::UNAUTHORIZED, "staff-sign-in-bad-code"),
        SignInError::BadCombination => (StatusCode::UNAUTHORIZED, "staff-sign-in-bad-combination"),
        SignInError::Wait(_) => (StatusCode::TOO_MANY_REQUESTS, "staff-sign-in-wait"),
        SignInError::Inactive => (StatusCode::FORBIDDEN, "staff-sign-in-inactive"),
        SignInError::Restart | SignInError::Internal(_) => {
            tracing::error!(error = %e, "sign-in failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "staff-sign-in-failed")
        }
    };
    // A throttled account's wrong combination starts again at the password.
    let step = if *e == SignInError::BadCombination { Step::Password } else { step };
    let mut page = SignInPage::new(p, step);
    page.error = Some(match e {
        SignInError::Wait(until) => p.ctx.t1("staff-sign-in-wait", "time", &until.format("%H:%M:%S UTC").to_string()),
        _ => p.ctx.t(message),
    });
    p.finish(render(status, &page))
}

async fn password_page(p: Public) -> Response {
    if p.flow().is_none() {
        return see_other("/staff/sign-in");
    }
    p.finish(render(StatusCode::OK, &SignInPage::new(&p, Step::Password)))
}

/// What every posted sign-in step checks first: a flow in progress, the CSRF token, and the
/// rate of attempts from the address (enough for a busy office behind one gateway, too few for
/// guessing). Returns the flow's token, or the answer to give instead.
fn admit(state: &AppState, p: &Public, csrf: &str, step: Step) -> Result<String, Box<Response>> {
    let Some(flow) = p.flow() else { return Err(Box::new(see_other("/staff/sign-in"))) };
    if !csrf_ok(&p.headers, csrf) {
        return Err(Box::new(see_other("/staff/sign-in")));
    }
    let bucket = if step == Step::Password { "staff-sign-in" } else { "staff-code" };
    if !state.limiter().allow(&format!("{bucket}:{}", p.ip), 0.5, 30.0, state.clock().instant()) {
        let mut page = SignInPage::new(p, step);
        page.error = Some(p.ctx.t("staff-sign-in-too-many"));
        return Err(Box::new(p.finish(render(StatusCode::TOO_MANY_REQUESTS, &page))));
    }
    Ok(flow)
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

async fn password_post(State(state): State<AppState>, p: Public, Form(f): Form<PasswordForm>) -> Response {
    let flow = match admit(&state, &p, &f.csrf, Step::Password) {
        Ok(flow) => flow,
        Err(res) => return *res,
    };
    let now = state.clock().now();
    match service::password_step(state.db(), state.catalog(), now, &p.ip, &flow, &f.username, &f.password).await {
        Ok(AfterPassword::Code) => see_other("/staff/sign-in/code"),
        Ok(AfterPassword::Enrol) => see_other("/staff/sign-in/enrol"),
        Err(e) => sign_in_failure(&p, Step::Password, &e),
    }
}

async fn code_page(State(state): State<AppState>, p: Public) -> Response {
    let Some(flow) = p.flow() else { return see_other("/staff/sign-in") };
    match service::flow_stage(state.db(), state.clock().now(), &flow).await {
        // `both`: a throttled account, whose page is the same whatever the password was.
        Ok(Some(stage)) if stage == "password" || stage == "both" => {
            p.finish(render(StatusCode::OK, &SignInPage::new(&p, Step::Code)))
        }
        Ok(Some(stage)) if stage == "enrol" => see_other("/staff/sign-in/enrol"),
        _ => see_other("/staff/sign-in"),
    }
}

async fn enrol_page(State(state): State<AppState>, p: Public) -> Response {
    let Some(flow) = p.flow() else { return see_other("/staff/sign-in") };
    match service::flow_user(state.db(), state.clock().now(), &flow).await {
        Ok((stage, user)) if stage == "enrol" => {
            let mut page = SignInPage::new(&p, Step::Enrol);
            page.secret = user.totp_secret.clone().unwrap_or_default();
            page.otpauth = totp::otpauth_uri("CRIS", &user.username, &page.secret);
            let title = p.ctx.t1("staff-sign-in-enrol-qr-title", "user", &user.username);
            page.qr = totp::qr_svg(&page.otpauth, &title).unwrap_or_default();
            page.username = user.username;
            p.finish(render(StatusCode::OK, &page))
        }
        _ => see_other("/staff/sign-in"),
    }
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

async fn code_post(State(state): State<AppState>, p: Public, Form(f): Form<CodeForm>) -> Response {
    let flow = match admit(&state, &p, &f.csrf, Step::Code) {
        Ok(flow) => flow,
        Err(res) => return *res,
    };
    let now = state.clock().now();
    let step = match service::flow_user(state.db(), now, &flow).await {
        Ok((stage, _)) if stage == "enrol" => Step::Enrol,
        _ => Step::Code,
    };
    match service::code_step(state.db(), state.catalog(), now, &p.ip, &flow, &f.code, state.session_limits()).await {
        Ok(token) => {
            let tls = state.tls();
            let cookies = [
                session::set_cookie(Kind::Staff.cookie(), &token, tls, None),
                session::set_cookie(FLOW_COOKIE, "", tls, Some(0)),
                // A new CSRF token for the signed-in session.
                session::set_cookie(session::CSRF_COOKIE, "", tls, Some(0)),
            ];
            with_cookies(see_other("/staff"), &cookies)
        }
        Err(e) if step == Step::Enrol && e == SignInError::BadCode => {
            // Show the secret again with the error.
            let mut res = enrol_page(State(state), p).await;
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            res
        }
        Err(e) => sign_in_failure(&p, step, &e),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(State(state): State<AppState>, StaffForm(staff, _): StaffForm<CsrfForm>) -> Response {
    end_sessions(state, staff, false).await
}

async fn sign_out_everywhere(State(state): State<AppState>, StaffForm(staff, _): StaffForm<CsrfForm>) -> Response {
    end_sessions(state, staff, true).await
}

async fn end_sessions(state: AppState, staff: Staff, everywhere: bool) -> Response {
    if let Err(e) = service::sign_out(state.db(), &staff.actor, state.clock().now(), &staff.token, everywhere).await {
        return staff_error(&staff, &e);
    }
    let cookie = session::set_cookie(Kind::Staff.cookie(), "", state.tls(), Some(0));
    with_cookies(see_other("/staff/sign-in?signed_out=1"), &[cookie])
}

// ---------------------------------------------------------------- accounts

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    users: Vec<StaffUser>,
    can_manage: bool,
    offices: Vec<(String, String)>,
    roles: Vec<(&'static str, String)>,
    error: Option<String>,
    form: NewUserForm,
    created: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct NewUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
struct CreatedQuery {
    created: Option<String>,
}

async fn users_view(
    state: &AppState,
    staff: &Staff,
    error: Option<String>,
    form: NewUserForm,
    created: Option<String>,
) -> Response {
    let now = state.clock().now();
    let users = match service::list(state.db(), state.catalog(), &staff.actor, now).await {
        Ok(u) => u,
        Err(e) => return staff_error(staff, &e),
    };
    let within = service::reach(state.catalog(), &staff.actor);
    let offices = state
        .catalog()
        .offices()
        .iter()
        .filter(|o| within.as_ref().is_none_or(|w| w.contains(&o.code)))
        .map(|o| (o.code.clone(), format!("{} ({})", o.name_en, o.code)))
        .collect();
    let roles = Role::ALL.iter().map(|r| (r.as_str(), staff.ctx.tc("staff-role", r.as_str()))).collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = UsersPage {
        ctx: staff.ctx.clone(),
        staff: Some(staff.clone()),
        users,
        can_manage: staff.actor.role.can(Capability::UsersManage),
        offices,
        roles,
        error,
        form: NewUserForm { password: String::new(), ..form },
        created,
    };
    staff.finish(render(status, &page))
}

async fn users_page(State(state): State<AppState>, staff: Staff, Query(q): Query<CreatedQuery>) -> Response {
    users_view(&state, &staff, None, NewUserForm::default(), q.created).await
}

async fn create_user(State(state): State<AppState>, StaffForm(staff, f): StaffForm<NewUserForm>) -> Response {
    let parsed = (|| -> Result<NewStaff, crate::kernel::error::InvalidInput> {
        Ok(NewStaff {
            username: Username::parse(&f.username)?,
            display_name: f.display_name.clone(),
            email: f.email.parse()?,
            role: f.role.parse()?,
            office: f.office.trim().to_uppercase(),
            password: f.password.clone(),
        })
    })();
    let new = match parsed {
        Ok(n) => n,
        Err(e) => return users_view(&state, &staff, Some(e.reason), f, None).await,
    };
    let username = new.username.as_str().to_owned();
    match service::create(state.db(), state.catalog(), Some(&staff.actor), state.clock().now(), new).await {
        Ok(_) => see_other(&format!("/staff/admin/users?created={username}")),
        Err(ServiceError::Invalid(e)) => users_view(&state, &staff, Some(e.reason), f, None).await,
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Template)]
#[template(path = "staff/user.html")]
struct UserPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    user: StaffUser,
    role_title: String,
    can_manage: bool,
}

async fn user_page(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>) -> Response {
    match service::view(state.db(), state.catalog(), &staff.actor, state.clock().now(), id).await {
        Ok(user) => {
            let ctx = &staff.ctx;
            let role_title =
                user.role().map_or_else(|| ctx.t("staff-role-unknown"), |r| ctx.tc("staff-role", r.as_str()));
            let can_manage = staff.actor.role.can(Capability::UsersManage);
            staff.finish(render(
                StatusCode::OK,
                &UserPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), user, role_title, can_manage },
            ))
        }
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// A change to one account from its page, then back to the page.
async fn account_action(staff: &Staff, id: i64, change: impl Future<Output = Result<(), ServiceError>>) -> Response {
    match change.await {
        Ok(()) => see_other(&format!("/staff/admin/users/{id}")),
        Err(e) => staff_error(staff, &e),
    }
}

async fn deactivate_user(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, f): StaffForm<ReasonForm>,
) -> Response {
    let change = service::deactivate(state.db(), state.catalog(), &staff.actor, state.clock().now(), id, &f.reason);
    account_action(&staff, id, change).await
}

async fn reinstate_user(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<CsrfForm>,
) -> Response {
    let change = service::reinstate(state.db(), state.catalog(), &staff.actor, state.clock().now(), id);
    account_action(&staff, id, change).await
}

async fn reset_code(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<CsrfForm>,
) -> Response {
    let change = service::reset_code(state.db(), state.catalog(), &staff.actor, state.clock().now(), id);
    account_action(&staff, id, change).await
}

// ---------------------------------------------------------------- security

#[derive(Template)]
#[template(path = "staff/autolock.html")]
struct AutolockPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    rows: Vec<AutolockEntry>,
}

async fn autolock_page(State(state): State<AppState>, staff: Staff) -> Response {
    match service::autolock_log(state.db(), state.catalog(), &staff.actor, state.clock().now()).await {
        Ok(rows) => staff
            .finish(render(StatusCode::OK, &AutolockPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), rows })),
        Err(e) => staff_error(&staff, &e),
    }
}

#[derive(Template)]
#[template(path = "staff/alerts.html")]
struct AlertsPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    alerts: Vec<Alert>,
}

async fn alerts_page(State(state): State<AppState>, staff: Staff) -> Response {
    match service::alerts(state.db(), state.catalog(), &staff.actor, state.clock().now()).await {
        Ok(alerts) => staff
            .finish(render(StatusCode::OK, &AlertsPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), alerts })),
        Err(e) => staff_error(&staff, &e),
    }
}

async fn acknowledge_alert(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    StaffForm(staff, _): StaffForm<CsrfForm>,
) -> Response {
    match service::acknowledge(state.db(), state.catalog(), &staff.actor, state.clock().now(), id).await {
        Ok(()) => see_other("/staff/admin/alerts"),
        Err(e) => staff_error(&staff, &e),
    }
}

// ---------------------------------------------------------------- audit log

/// The audit page's filters, as typed.
#[derive(Deserialize, Default, Clone)]
struct AuditQuery {
    #[serde(default)]
    category: String,
    #[serde(default)]
    event: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    office: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

fn day_start(ctx: &PageCtx, s: &str) -> Result<Option<DateTime<Utc>>, String> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(|d| Some(d.and_time(chrono::NaiveTime::MIN).and_utc()))
        .map_err(|_| ctx.t1("staff-audit-bad-date", "typed", &format!("{s:?}")))
}

fn audit_filter(ctx: &PageCtx, q: &AuditQuery, limit: i64) -> Result<Filter, String> {
    let nonempty = |s: &str| if s.trim().is_empty() { None } else { Some(s.trim().to_owned()) };
    let category = match q.category.trim() {
        "" => None,
        c => Some(Category::parse(c).ok_or_else(|| ctx.t1("staff-audit-bad-category", "typed", &format!("{c:?}")))?),
    };
    Ok(Filter {
        category,
        event: nonempty(&q.event),
        username: nonempty(&q.user).map(|u| u.to_lowercase()),
        office: nonempty(&q.office).map(|o| o.to_uppercase()),
        within: None,
        from: day_start(ctx, &q.from)?,
        to: day_start(ctx, &q.to)?.map(|d| d + chrono::Duration::days(1)),
        before_id: q.before,
        limit,
    })
}

async fn audit_rows(
    state: &AppState,
    staff: &Staff,
    q: &AuditQuery,
    limit: i64,
    event: &str,
) -> Result<Result<Vec<Row>, String>, ServiceError> {
    let now = state.clock().now();
    crate::kernel::access::permit(state.db(), state.catalog(), &staff.actor, now, Capability::AuditRead, (event, None))
        .await?;
    let mut filter = match audit_filter(&staff.ctx, q, limit) {
        Ok(f) => f,
        Err(msg) => return Ok(Err(msg)),
    };
    filter.within = service::reach(state.catalog(), &staff.actor);
    let rows = audit::search(state.db(), &filter).await?;
    let detail = format!("{} rows", rows.len());
    let a = &staff.actor;
    let e = Entry {
        category: Category::Access,
        event,
        username: &a.username,
        ip: &a.ip,
        office: &a.place.office,
        record: "-",
        outcome: Outcome::Ok,
        detail: &detail,
    };
    audit::record_alone(state.db(), now, &e).await?;
    Ok(Ok(rows))
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    ctx: PageCtx,
    staff: Option<Staff>,
    q: AuditQuery,
    rows: Vec<Row>,
    error: Option<String>,
    older: Option<String>,
    csv: String,
}

/// Rows a page.
const AUDIT_PAGE: i64 = 100;

fn query_string(q: &AuditQuery) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!(
        "category={}&event={}&user={}&office={}&from={}&to={}",
        enc(&q.category),
        enc(&q.event),
        enc(&q.user),
        enc(&q.office),
        enc(&q.from),
        enc(&q.to)
    )
}

async fn audit_page(State(state): State<AppState>, staff: Staff, Query(q): Query<AuditQuery>) -> Response {
    match audit_rows(&state, &staff, &q, AUDIT_PAGE, "audit_log.read").await {
        Ok(result) => {
            let (rows, error) = match result {
                Ok(rows) => (rows, None),
                Err(msg) => (Vec::new(), Some(msg)),
            };
            let qs = query_string(&q);
            let older = (i64::try_from(rows.len()).unwrap_or(0) == AUDIT_PAGE)
                .then(|| rows.last().map(|r| format!("/staff/admin/audit?{qs}&before={}", r.id)))
                .flatten();
            let csv = format!("/staff/admin/audit.csv?{qs}");
            let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
            staff.finish(render(
                status,
                &AuditPage { ctx: staff.ctx.clone(), staff: Some(staff.clone()), q, rows, error, older, csv },
            ))
        }
        Err(e) => staff_error(&staff, &e),
    }
}

async fn audit_csv(State(state): State<AppState>, staff: Staff, Query(q): Query<AuditQuery>) -> Response {
    match audit_rows(&state, &staff, &q, 10_000, "audit_log.export").await {
        Ok(Ok(rows)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
                (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"cris-audit.csv\"")),
            ],
            audit::to_csv(&rows),
        )
            .into_response(),
        Ok(Err(msg)) => {
            staff_error(&staff, &ServiceError::Invalid(crate::kernel::error::InvalidInput::new("filter", msg)))
        }
        Err(e) => staff_error(&staff, &e),
    }
}
