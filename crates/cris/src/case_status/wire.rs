//! The wire formats existing clients speak (`../shared/interfaces/case-status-wire.md`):
//! A. the developer Case Status API (OAuth2 client credentials), B. the public site's JSON with an
//! anonymous JWT, C. the legacy HTML form. All answer from the same report as the page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::model::Report;
use super::service;
use crate::kernel::i18n::Lang;
use crate::kernel::ids::ReceiptNumber;
use crate::kernel::tokens::{self, ApiGrant};
use crate::web::AppState;

/// Seconds an API access token lasts.
const TOKEN_SECONDS: i64 = 1799;
/// Seconds the public site's JWT lasts (about 21 minutes).
const JWT_SECONDS: i64 = 1260;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/oauth/accesstoken", post(access_token))
        .route("/case-status/{receipt}", get(api_status))
        .route("/csol-api/ui-auth", get(ui_auth))
        .route("/csol-api/ui-auth/{receipt}", get(ui_auth))
        .route("/csol-api/case-statuses/{receipt}", get(csol_status))
        .route("/casestatus/mycasestatus.do", get(legacy_get).post(legacy_post))
        .route("/casestatus/landing.do", get(legacy_landing))
        .route("/api/v1/case-events", post(case_events).layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024)))
}

// ---------------------------------------------------------------- A. developer API

/// The flat error envelope of the developer API.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// The HTTP status, again.
    code: u16,
    /// What went wrong, e.g. `Invalid Access Token`, `Spike Arrest Violation`.
    message: String,
}

/// What the server accepts as a receipt number in a path: 3 letters and 10 digits, in any
/// letter case, with dashes or spaces anywhere (they are dropped). A well-formed number whose
/// centre code is not one USCIS uses is refused with 422. (The path annotation repeats it: the
/// macro takes a literal; a test holds the two equal.)
pub const RECEIPT_PATTERN: &str = r"^\s*[- ]*(?:[A-Za-z][- ]*){3}(?:[0-9][- ]*){10}\s*$";

fn api_error(status: StatusCode, message: &str) -> Response {
    let body = ApiError { code: status.as_u16(), message: message.to_owned() };
    (status, axum::Json(body)).into_response()
}

/// The token request's form body.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct TokenForm {
    /// Must be `client_credentials` (without it, or with another grant, the answer is 400).
    #[schema(pattern = "^client_credentials$")]
    grant_type: String,
    /// The client id (or in a Basic header).
    client_id: Option<String>,
    /// The client secret (or in a Basic header).
    client_secret: Option<String>,
    /// Accepted and ignored.
    #[expect(dead_code, reason = "clients send it; the grant does not depend on it")]
    scope: Option<String>,
}

/// The token answer: every value a string, as clients expect.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenAnswer {
    access_token: String,
    token_type: &'static str,
    expires_in: String,
    issued_at: String,
    client_id: String,
    application_name: String,
    scope: &'static str,
    status: &'static str,
    api_product_list: &'static str,
    api_product_list_json: [&'static str; 1],
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic "))?;
    let decoded = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// `POST /oauth/accesstoken` (client credentials in the form or a Basic header).
#[utoipa::path(post, path = "/oauth/accesstoken", tag = "case status",
    request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded", description = "`grant_type=client_credentials`, with `client_id` and `client_secret` here or in an `Authorization: Basic` header"),
    responses((status = 200, description = "An access token", body = TokenAnswer),
        (status = 400, description = "`grant_type` missing or not `client_credentials`", body = ApiError),
        (status = 401, description = "Unknown client or wrong secret", body = ApiError),
        (status = 503, description = "The service cannot check clients right now", body = ApiError)))]
pub async fn access_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let f = form.map(|Form(f)| f).unwrap_or_default();
    if f.grant_type != "client_credentials" {
        return api_error(StatusCode::BAD_REQUEST, "grant_type must be client_credentials");
    }
    let Some((id, secret)) = f.client_id.zip(f.client_secret).or_else(|| basic_credentials(&headers)) else {
        return api_error(StatusCode::UNAUTHORIZED, "Invalid client credentials");
    };
    let client = match crate::api_clients::authenticate(state.db(), &id, &secret).await {
        Ok(Some(c)) => c,
        Ok(None) => return api_error(StatusCode::UNAUTHORIZED, "Invalid client credentials"),
        Err(e) => {
            tracing::error!(error = %e, "client lookup failed");
            return api_error(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable");
        }
    };
    let now = state.clock().now();
    let grant = ApiGrant {
        client_id: client.client_id.clone(),
        rate_per_second: client.rate_per_second,
        daily_quota: client.daily_quota,
        expires: now.timestamp() + TOKEN_SECONDS,
        scopes: client.scopes.clone(),
    };
    let answer = TokenAnswer {
        access_token: tokens::issue_api(state.token_key(), &grant),
        token_type: "BearerToken",
        expires_in: TOKEN_SECONDS.to_string(),
        issued_at: now.timestamp_millis().to_string(),
        client_id: client.client_id,
        application_name: client.name,
        scope: "",
        status: "approved",
        api_product_list: "[Case Status API]",
        api_product_list_json: ["Case Status API"],
    };
    axum::Json(answer).into_response()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")).map(str::trim)
}

/// The developer API's case answer, keys in the documented order.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiCase<'a> {
    #[serde(rename = "receiptNumber")]
    receipt_number: &'a str,
    #[serde(rename = "formType")]
    form_type: &'a str,
    /// `MM-DD-YYYY HH:mm:ss`; absent for electronic receipts (IOE).
    #[serde(rename = "submittedDate", skip_serializing_if = "Option::is_none")]
    #[schema(required = false, nullable = false, pattern = r"^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$")]
    submitted_date: Option<String>,
    /// The day of the latest status event, `MM-DD-YYYY HH:mm:ss`; absent for electronic receipts.
    #[serde(rename = "modifiedDate", skip_serializing_if = "Option::is_none")]
    #[schema(required = false, nullable = false, pattern = r"^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$")]
    modified_date: Option<String>,
    current_case_status_text_en: String,
    current_case_status_desc_en: String,
    current_case_status_text_es: String,
    current_case_status_desc_es: String,
    /// Earlier and current steps, newest first; `null` when the case has no history.
    #[schema(required = true)]
    hist_case_status: Option<Vec<ApiHistory<'a>>>,
}

/// One step of a case's history.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiHistory<'a> {
    /// `YYYY-MM-DD` (a day's own form, written without a string of its own).
    #[schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}$")]
    date: chrono::NaiveDate,
    completed_text_en: &'a str,
    completed_text_es: &'a str,
}

/// The developer API's answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiAnswer<'a> {
    case_status: ApiCase<'a>,
    message: String,
}

fn api_case(r: &Report) -> ApiCase<'_> {
    // Electronic receipts (IOE) carry neither date. `modifiedDate` is the day of the latest
    // status event, however the case came to CRIS (demo data, an import, USPS scans), never the
    // time a row was last written.
    let dates = (!r.electronic).then(|| {
        (r.received_on.format("%m-%d-%Y 00:00:00").to_string(), r.status_on.format("%m-%d-%Y 00:00:00").to_string())
    });
    let history: Vec<ApiHistory<'_>> = r
        .history()
        .map(|s| ApiHistory {
            date: s.date,
            completed_text_en: s.title(Lang::En),
            completed_text_es: s.title(Lang::Es),
        })
        .collect();
    let (en, es) = (r.current(Lang::En), r.current(Lang::Es));
    ApiCase {
        receipt_number: &r.receipt,
        form_type: &r.form,
        submitted_date: dates.as_ref().map(|d| d.0.clone()),
        modified_date: dates.map(|d| d.1),
        current_case_status_text_en: en.title,
        current_case_status_desc_en: en.description_html,
        current_case_status_text_es: es.title,
        current_case_status_desc_es: es.description_html,
        hist_case_status: (!history.is_empty()).then_some(history),
    }
}

/// `GET /case-status/{receiptNumber}` with a bearer token.
#[utoipa::path(get, path = "/case-status/{receipt}", tag = "case status",
    params(("receipt" = String, Path, description = "Receipt number, e.g. EAC9999103403: 3 letters (the centre code) and 10 digits, any letter case, dashes or spaces allowed", pattern = r"^\s*[- ]*(?:[A-Za-z][- ]*){3}(?:[0-9][- ]*){10}\s*$", example = "EAC9999103403")),
    security(("bearer" = [])),
    responses((status = 200, description = "The case's status and history", body = ApiAnswer),
        (status = 401, description = "Invalid Access Token", body = ApiError),
        (status = 404, description = "Receipt number not recognised (also for cases that must not be disclosed)", body = ApiError),
        (status = 422, description = "Malformed receipt number, or a centre code USCIS does not use", body = ApiError),
        (status = 429, description = "Spike Arrest Violation: over the client's rate a second or its daily quota", body = ApiError),
        (status = 503, description = "The service cannot answer right now", body = ApiError)))]
pub async fn api_status(State(state): State<AppState>, headers: HeaderMap, Path(receipt): Path<String>) -> Response {
    let now = state.clock().now();
    let Some(grant) = bearer(&headers).and_then(|t| tokens::verify_api(state.token_key(), t, now.timestamp())) else {
        return api_error(StatusCode::UNAUTHORIZED, "Invalid Access Token");
    };
    let rate = grant.rate_per_second.max(1) as f64;
    let limiter = state.limiter();
    let key = format!("api:{}", grant.client_id);
    if !limiter.allow(&key, rate, rate, state.clock().instant())
        || !limiter.within_daily(&key, u64::try_from(grant.daily_quota).unwrap_or(0), now.date_naive())
    {
        return api_error(StatusCode::TOO_MANY_REQUESTS, "Spike Arrest Violation");
    }
    let receipt = match receipt.parse::<ReceiptNumber>() {
        Ok(r) => r,
        Err(e) => return api_error(StatusCode::UNPROCESSABLE_ENTITY, &e.reason),
    };
    match service::lookup_cached(state.db(), state.catalog(), state.reports(), state.public_url(), &receipt).await {
        Ok(Some(cached)) => {
            let body = cached.api_body(|report| {
                let answer = ApiAnswer {
                    case_status: api_case(report),
                    message: format!("Query was successful for payload {{'receipt_number': '{}'}}", report.receipt),
                };
                // Pretty-printed, one key a line: some clients read it line by line.
                serde_json::to_string_pretty(&answer).unwrap_or_default()
            });
            ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
        }
        Ok(None) => api_error(
            StatusCode::NOT_FOUND,
            "Case Status Online does not recognize the receipt number entered. Please check that your receipt number is correct.",
        ),
        Err(e) => {
            tracing::error!(error = %e, "lookup failed");
            api_error(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable")
        }
    }
}

// ---------------------------------------------------------------- B. public-site JSON

/// Anonymous clients of the public site: a rate per client address (the socket peer, or the
/// client a trusted proxy names; see `web::client_addr`).
fn public_allowed(state: &AppState, client: Option<&crate::web::client_addr::ClientAddr>, what: &str) -> bool {
    let who = client.map_or_else(|| "unknown".to_owned(), |c| c.0.to_string());
    state.limiter().allow(&format!("{what}:{who}"), 50.0, 100.0, state.clock().instant())
}

/// The anonymous token of the public site.
#[derive(Serialize, utoipa::ToSchema)]
pub struct JwtAnswer {
    #[serde(rename = "JwtResponse")]
    jwt_response: JwtInner,
}

/// The token and its kind.
#[derive(Serialize, utoipa::ToSchema)]
pub struct JwtInner {
    #[serde(rename = "accessToken")]
    access_token: String,
    #[serde(rename = "tokenType")]
    token_type: &'static str,
}

/// `GET /csol-api/ui-auth`: an anonymous short-lived token.
#[utoipa::path(get, path = "/csol-api/ui-auth", tag = "case status", responses((status = 200, description = "An anonymous JWT", body = JwtAnswer)))]
pub async fn ui_auth(State(state): State<AppState>) -> Response {
    let jwt = tokens::issue_jwt(state.token_key(), state.clock().now().timestamp(), JWT_SECONDS);
    axum::Json(JwtAnswer { jwt_response: JwtInner { access_token: jwt, token_type: "Bearer" } }).into_response()
}

/// The public site's answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CsolAnswer {
    #[serde(rename = "CaseStatusResponse")]
    response: CsolResponse,
}

/// The status, or `isValid: false` alone.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CsolResponse {
    #[serde(rename = "receiptNumber")]
    receipt_number: String,
    #[serde(rename = "isValid")]
    is_valid: bool,
    /// Absent when `isValid` is false.
    #[serde(rename = "detailsEng", skip_serializing_if = "Option::is_none")]
    #[schema(required = false, nullable = false)]
    details_eng: Option<CsolDetails>,
    /// Absent when `isValid` is false.
    #[serde(rename = "detailsEs", skip_serializing_if = "Option::is_none")]
    #[schema(required = false, nullable = false)]
    details_es: Option<CsolDetails>,
}

/// The status in one language.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CsolDetails {
    #[serde(rename = "formNum")]
    form_num: String,
    #[serde(rename = "formTitle")]
    form_title: String,
    #[serde(rename = "actionCodeText")]
    action_code_text: String,
    #[serde(rename = "actionCodeDesc")]
    action_code_desc: String,
    empty: bool,
}

/// `GET /csol-api/case-statuses/{receipt}` with the anonymous JWT.
#[utoipa::path(get, path = "/csol-api/case-statuses/{receipt}", tag = "case status",
    params(("receipt" = String, Path, description = "Receipt number; anything else answers `isValid: false`", example = "EAC9999103403")),
    security(("bearer" = [])),
    responses((status = 200, description = "The status, or isValid false for an unknown or malformed receipt", body = CsolAnswer),
        (status = 401, description = "Missing or expired token", body = ApiError),
        (status = 429, description = "Spike Arrest Violation: too many requests from this address", body = ApiError),
        (status = 503, description = "The service cannot answer right now", body = ApiError)))]
pub async fn csol_status(
    State(state): State<AppState>,
    client: Option<axum::Extension<crate::web::client_addr::ClientAddr>>,
    headers: HeaderMap,
    Path(receipt): Path<String>,
) -> Response {
    let now = state.clock().now().timestamp();
    if !bearer(&headers).is_some_and(|t| tokens::verify_jwt(state.token_key(), t, now)) {
        return api_error(StatusCode::UNAUTHORIZED, "Invalid Access Token");
    }
    if !public_allowed(&state, client.as_deref(), "csol") {
        return api_error(StatusCode::TOO_MANY_REQUESTS, "Spike Arrest Violation");
    }
    let invalid = |r: String| {
        axum::Json(CsolAnswer {
            response: CsolResponse { receipt_number: r, is_valid: false, details_eng: None, details_es: None },
        })
        .into_response()
    };
    let Ok(parsed) = receipt.parse::<ReceiptNumber>() else { return invalid(receipt.trim().to_owned()) };
    match service::lookup_cached(state.db(), state.catalog(), state.reports(), state.public_url(), &parsed).await {
        Ok(Some(r)) => {
            let details = |lang| {
                let w = r.current(lang);
                CsolDetails {
                    form_num: r.form.clone(),
                    form_title: r.form_title(lang).to_owned(),
                    action_code_text: w.title,
                    action_code_desc: w.description_html,
                    empty: false,
                }
            };
            let response = CsolResponse {
                receipt_number: r.receipt.clone(),
                is_valid: true,
                details_eng: Some(details(crate::kernel::i18n::Lang::En)),
                details_es: Some(details(crate::kernel::i18n::Lang::Es)),
            };
            axum::Json(CsolAnswer { response }).into_response()
        }
        Ok(None) => invalid(parsed.to_string()),
        Err(e) => {
            tracing::error!(error = %e, "lookup failed");
            api_error(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable")
        }
    }
}

// ---------------------------------------------------------------- C. legacy HTML form

/// The compatibility page: its structure is what old clients select on, so it is kept exactly.
#[derive(Template)]
#[template(path = "legacy_status.html")]
struct LegacyPage {
    receipt: String,
    title: String,
    description_html: String,
    error: Option<String>,
    spanish: bool,
}

/// Renders the page with a policy that allows its one inline script (the wire format has it) by
/// the hash of its exact text; the receipt in it is a parsed one or empty, so nothing else can run.
fn legacy_render(status: StatusCode, page: &LegacyPage) -> Response {
    let script = format!("var appReceiptNum = \"{}\";", page.receipt);
    let mut res = crate::web::page::render(status, page);
    res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, crate::web::security::allowing_inline_script(&script));
    res
}

#[derive(Deserialize, Default)]
struct LegacyForm {
    #[serde(rename = "appReceiptNum", default)]
    app_receipt_num: String,
    #[serde(rename = "changeLocale", default)]
    change_locale: String,
}

async fn legacy_answer(state: &AppState, f: LegacyForm) -> Response {
    let spanish = f.change_locale.to_ascii_lowercase().starts_with("es");
    let lang = if spanish { crate::kernel::i18n::Lang::Es } else { crate::kernel::i18n::Lang::En };
    let page = |receipt: String, title: String, description_html: String, error: Option<String>| {
        legacy_render(StatusCode::OK, &LegacyPage { receipt, title, description_html, error, spanish })
    };
    let unknown = "Case Status Online does not recognize the receipt number entered. Please check that your receipt number is correct.";
    let receipt = match f.app_receipt_num.parse::<ReceiptNumber>() {
        Ok(r) => r,
        Err(e) => {
            let reason = if f.app_receipt_num.trim().is_empty() {
                "Please enter a receipt number."
            } else if e.code == Some(crate::kernel::ids::UNKNOWN_CENTRE) {
                "The receipt number entered is invalid. Its first 3 letters are not a centre code USCIS uses."
            } else {
                "The receipt number entered is invalid. A receipt number is 3 letters followed by 10 digits."
            };
            return page(String::new(), String::new(), String::new(), Some(reason.into()));
        }
    };
    match service::lookup_cached(state.db(), state.catalog(), state.reports(), state.public_url(), &receipt).await {
        Ok(Some(r)) => {
            let w = r.current(lang);
            // The page's `<p>` holds the description: its own paragraphs become line breaks.
            page(r.receipt.clone(), w.title, crate::kernel::html::inline_paragraphs(&w.description_html), None)
        }
        Ok(None) => page(String::new(), String::new(), String::new(), Some(unknown.into())),
        Err(e) => {
            tracing::error!(error = %e, "lookup failed");
            legacy_render(
                StatusCode::SERVICE_UNAVAILABLE,
                &LegacyPage {
                    receipt: String::new(),
                    title: String::new(),
                    description_html: String::new(),
                    error: Some("Service unavailable.".into()),
                    spanish,
                },
            )
        }
    }
}

async fn legacy_post(State(state): State<AppState>, Form(f): Form<LegacyForm>) -> Response {
    legacy_answer(&state, f).await
}

async fn legacy_get(
    State(state): State<AppState>,
    axum::extract::Query(f): axum::extract::Query<LegacyForm>,
) -> Response {
    legacy_answer(&state, f).await
}

async fn legacy_landing() -> Response {
    legacy_render(
        StatusCode::OK,
        &LegacyPage {
            receipt: String::new(),
            title: String::new(),
            description_html: String::new(),
            error: None,
            spanish: false,
        },
    )
}

// ---------------------------------------------------------------- case updates in

/// `POST /api/v1/case-events`: a batch of status changes from an adjudication system.
#[utoipa::path(post, path = "/api/v1/case-events", tag = "case status", request_body(content = Vec<super::events::RawEvent>, description = "Events: a JSON array, or an object with an `events` array (at most 10,000)"),
    security(("bearer" = [])),
    responses((status = 200, description = "The batch was taken: the events that could apply did, each once; `rejected` lists every refused event with its index and reason (a partial refusal is still 200)", body = super::events::Outcome),
        (status = 401, description = "No valid bearer token", body = crate::web::error::Problem, content_type = "application/problem+json"),
        (status = 403, description = "A client without the case_events scope", body = crate::web::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body is not a batch of events (not JSON, not an array, or too many)", body = crate::web::error::Problem, content_type = "application/problem+json"),
        (status = 503, description = "Nothing was stored; send the batch again", body = crate::web::error::Problem, content_type = "application/problem+json")))]
pub async fn case_events(State(state): State<AppState>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let now = state.clock().now();
    let Some(grant) = bearer(&headers).and_then(|t| tokens::verify_api(state.token_key(), t, now.timestamp())) else {
        return crate::web::error::Problem::status(StatusCode::UNAUTHORIZED)
            .detail("Send a bearer token from /oauth/accesstoken.")
            .into_response();
    };
    if !grant.has_scope("case_events") {
        return crate::web::error::Problem::status(StatusCode::FORBIDDEN)
            .detail("This client may not push case events.")
            .into_response();
    }
    let raw = match super::events::parse_batch(&body) {
        Ok(r) => r,
        Err(reason) => {
            return crate::web::error::Problem::status(StatusCode::UNPROCESSABLE_ENTITY)
                .typed(crate::kernel::error::ErrorCode::InvalidBatch, "The batch cannot be read")
                .detail(reason)
                .into_response();
        }
    };
    let prepared = super::events::prepare(raw, state.catalog(), now.date_naive());
    match super::events::apply(state.db(), now, prepared).await {
        Ok(outcome) => {
            state.reports().forget(outcome.changed.iter().map(String::as_str));
            axum::Json(outcome).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "case events failed");
            crate::web::error::Problem::status(StatusCode::SERVICE_UNAVAILABLE)
                .detail("The events could not be stored; send the batch again.")
                .into_response()
        }
    }
}
