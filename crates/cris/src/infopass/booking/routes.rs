//! The public booking pages (R-IP-02 to R-IP-09), in English and Spanish, with no account: hold a
//! time, read the Privacy Act statement, give details, review and amend, confirm and get the
//! notice with its PIN; reprint the notice; cancel with confirmation number and PIN.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use base64::Engine as _;
use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;

use super::model::{BookError, Booking, CancelError, Hold, Slot};
use super::service;
use crate::infopass::calendar::{self, Service};
use crate::infopass::model::{Appointment, DetailsForm, birth_date};
use crate::infopass::notice::{self, Labels, Notice};
use crate::infopass::representatives;
use crate::kernel::contact::Phone;
use crate::kernel::i18n::Lang;
use crate::kernel::ids::{Confirmation, Pin};
use crate::reference::{Office, format_date, format_time};
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};
use crate::web::visit::Visit;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/appointments/{office}/hold", axum::routing::post(hold))
        .route("/appointments/booking/{token}", get(privacy))
        .route("/appointments/booking/{token}/details", get(details_page).post(details))
        .route("/appointments/booking/{token}/confirm", get(back_to_start).post(confirm))
        .route("/appointments/reprint", get(reprint_page).post(reprint))
        .route("/appointments/cancel", get(cancel_page).post(cancel))
}

// ---------------------------------------------------------------- shared

/// A page with a heading, a sentence and a way on.
#[derive(Template)]
#[template(path = "appointment_message.html")]
struct MessagePage {
    ctx: PageCtx,
    title: String,
    body: String,
    link: Option<(String, String)>,
}

fn message(v: &Visit, status: StatusCode, title_id: &str, body: String, link: Option<(String, String)>) -> Response {
    v.finish(render(status, &MessagePage { ctx: v.ctx.clone(), title: v.ctx.t(title_id), body, link }))
}

fn expired_form(v: &Visit) -> Response {
    message(v, StatusCode::FORBIDDEN, "pf-expired-title", v.ctx.t("pf-expired-body"), None)
}

fn unavailable(v: &Visit, e: &dyn std::fmt::Display) -> Response {
    crate::web::error::unavailable_page(v.ctx.clone(), "booking request", e)
}

fn too_many(v: &Visit) -> Response {
    message(v, StatusCode::TOO_MANY_REQUESTS, "ip-too-many-title", v.ctx.t("ip-too-many"), None)
}

/// The held slot as the pages describe it.
struct Held {
    token: String,
    office: String,
    service: String,
    when: String,
    until: String,
}

impl Held {
    fn of(h: &Hold, office: &Office, lang: Lang) -> Held {
        let until = h.expires.with_timezone(&office.tz).time();
        Held {
            token: h.token.clone(),
            office: office.name(lang).to_owned(),
            service: h.slot.service.name(lang).to_owned(),
            when: format!("{}, {}", format_date(h.slot.starts.date(), lang), format_time(h.slot.starts.time(), lang)),
            until: format_time(until, lang),
        }
    }
}

/// The hold of a token with its office; a page saying it is gone otherwise.
async fn held<'a>(state: &'a AppState, v: &Visit, token: &str) -> Result<(Hold, &'a Office), Response> {
    let found = service::hold_of(state.db(), token).await.map_err(|e| unavailable(v, &e))?;
    match found.and_then(|h| state.catalog().office(&h.slot.office_code).map(|o| (h, o))) {
        Some(pair) => Ok(pair),
        None => Err(message(
            v,
            StatusCode::GONE,
            "ip-hold-gone-title",
            v.ctx.t("ip-hold-gone"),
            Some(("/appointments".to_owned(), v.ctx.t("ip-start-again"))),
        )),
    }
}

/// The signed-in customer's account when it is a registered representative's (R-IP-05).
async fn representative(state: &AppState, v: &Visit) -> Option<i64> {
    let (customer, _) = v.customer.as_ref()?;
    representatives::is_approved(state.db(), customer.id).await.ok()?.then_some(customer.id)
}

// ---------------------------------------------------------------- hold

#[derive(Deserialize)]
struct HoldForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
}

/// Keeps the chosen time for the customer while they fill in the form (R-IP-02).
async fn hold(State(state): State<AppState>, v: Visit, Path(code): Path<String>, Form(f): Form<HoldForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired_form(&v);
    }
    let exempt = v.ctx.kiosk.is_some() || representative(&state, &v).await.is_some();
    if !exempt && !state.limiter().allow(&format!("ip-hold:{}", v.ip), 30.0 / 3600.0, 30.0, state.clock().instant()) {
        return too_many(&v);
    }
    let Some(office) = state.catalog().field_office(&code) else {
        return crate::web::error::error_page(v.ctx.clone(), StatusCode::NOT_FOUND);
    };
    let local_now = state.clock().now().with_timezone(&office.tz).naive_local();
    let back = format!("/appointments/{}?service={}&date={}", office.code, f.service.trim(), f.date.trim());
    let offered = match calendar::of_office(state.db(), &office.code, local_now).await {
        Ok(Some(c)) => c,
        Ok(None) => return crate::web::error::error_page(v.ctx.clone(), StatusCode::NOT_FOUND),
        Err(e) => return unavailable(&v, &e),
    };
    let service = Service::parse(f.service.trim());
    let day = NaiveDate::parse_from_str(f.date.trim(), "%Y-%m-%d").ok();
    let time = NaiveTime::parse_from_str(f.time.trim(), "%H:%M").ok();
    let slot = match (service.and_then(|s| offered.offerings.iter().find(|o| o.service == s)), day, time) {
        (Some(o), Some(day), Some(time)) => calendar::open_days(&offered.hours, o, local_now.date(), &offered.closures)
            .into_iter()
            .find(|(d, times)| *d == day && times.contains(&time))
            .map(|_| Slot { office_code: office.code.clone(), service: o.service, starts: day.and_time(time) }),
        _ => None,
    };
    let Some(slot) = slot else {
        return message(
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            "ip-slot-gone-title",
            v.ctx.t("ip-slot-not-offered"),
            Some((back, v.ctx.t("ip-choose-another"))),
        );
    };
    match service::hold(state.db(), &slot, state.clock().now()).await {
        Ok(Some(h)) => v.finish(Redirect::to(&format!("/appointments/booking/{}", h.token))),
        Ok(None) => message(
            &v,
            StatusCode::CONFLICT,
            "ip-slot-gone-title",
            v.ctx.t("ip-slot-full"),
            Some((back, v.ctx.t("ip-choose-another"))),
        ),
        Err(e) => unavailable(&v, &e),
    }
}

// ---------------------------------------------------------------- privacy act statement

#[derive(Template)]
#[template(path = "appointment_privacy.html")]
struct PrivacyPage {
    ctx: PageCtx,
    held: Held,
}

/// The Privacy Act statement, before any personal data is asked for (R-IP-03).
async fn privacy(State(state): State<AppState>, v: Visit, Path(token): Path<String>) -> Response {
    let (hold, office) = match held(&state, &v, &token).await {
        Ok(h) => h,
        Err(page) => return page,
    };
    let held = Held::of(&hold, office, v.ctx.lang);
    v.finish(render(StatusCode::OK, &PrivacyPage { ctx: v.ctx.clone(), held }))
}

// ---------------------------------------------------------------- details, review

/// The details form, as typed, with the messages of the fields that did not check out.
#[derive(Template)]
#[template(path = "appointment_details.html")]
struct DetailsPage {
    ctx: PageCtx,
    csrf: String,
    held: Held,
    form: DetailsForm,
    errors: FieldErrors,
}

impl DetailsPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn value(&self, field: &str) -> &str {
        let f = &self.form;
        match field {
            "first_name" => &f.first_name,
            "last_name" => &f.last_name,
            "zip" => &f.zip,
            "phone" => &f.phone,
            "email" => &f.email,
            "a_number" => &f.a_number,
            "receipt_number" => &f.receipt_number,
            "country" => &f.country,
            "purpose" => &f.purpose,
            _ => "",
        }
    }
}

async fn details_page(State(state): State<AppState>, v: Visit, Path(token): Path<String>) -> Response {
    let (hold, office) = match held(&state, &v, &token).await {
        Ok(h) => h,
        Err(page) => return page,
    };
    let page = DetailsPage {
        ctx: v.ctx.clone(),
        csrf: v.csrf.clone(),
        held: Held::of(&hold, office, v.ctx.lang),
        form: DetailsForm::default(),
        errors: FieldErrors::default(),
    };
    v.finish(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
struct DetailsPost {
    #[serde(default)]
    csrf: String,
    /// `amend` when coming back from the review page.
    #[serde(default)]
    step: String,
    #[serde(flatten)]
    form: DetailsForm,
}

#[derive(Template)]
#[template(path = "appointment_review.html")]
struct ReviewPage {
    ctx: PageCtx,
    csrf: String,
    held: Held,
    form: DetailsForm,
    rows: Vec<(String, String)>,
}

/// The details as the review page lists them.
fn review_rows(ctx: &PageCtx, d: &crate::infopass::model::Details) -> Vec<(String, String)> {
    let mut rows = vec![
        (ctx.t("ip-f-first-name"), d.first_name.clone()),
        (ctx.t("ip-f-last-name"), d.last_name.clone()),
        (ctx.t("ip-f-birth-date"), format_date(d.birth_date, ctx.lang)),
        (ctx.t("ip-f-zip"), d.zip.as_str().to_owned()),
        (ctx.t("ip-f-phone"), d.phone.national_display()),
    ];
    let optional = [
        ("ip-f-email", d.email.as_ref().map(|e| e.as_str().to_owned())),
        ("ip-f-a-number", d.a_number.as_ref().map(|a| a.as_str().to_owned())),
        ("ip-f-receipt", d.receipt_number.as_ref().map(|r| r.as_str().to_owned())),
        ("ip-f-country", d.country.clone()),
        ("ip-f-purpose", d.purpose.clone()),
    ];
    rows.extend(optional.into_iter().filter_map(|(id, value)| Some((ctx.t(id), value?))));
    rows
}

/// Checks the details and shows them for review, or the form again with what to fix; `amend`
/// shows the form filled in.
async fn details(
    State(state): State<AppState>,
    v: Visit,
    Path(token): Path<String>,
    Form(p): Form<DetailsPost>,
) -> Response {
    if !v.csrf_ok(&p.csrf) {
        return expired_form(&v);
    }
    let (hold, office) = match held(&state, &v, &token).await {
        Ok(h) => h,
        Err(page) => return page,
    };
    let held = Held::of(&hold, office, v.ctx.lang);
    let today = state.clock().now().with_timezone(&office.tz).date_naive();
    let parsed = if p.step == "amend" { Err(Vec::new()) } else { p.form.parse(today) };
    match parsed {
        Ok(d) => {
            let rows = review_rows(&v.ctx, &d);
            v.finish(render(
                StatusCode::OK,
                &ReviewPage { ctx: v.ctx.clone(), csrf: v.csrf.clone(), held, form: p.form, rows },
            ))
        }
        Err(errors) => {
            let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let errors = FieldErrors::of(&v.ctx, "ip-err-", &errors);
            v.finish(render(
                status,
                &DetailsPage { ctx: v.ctx.clone(), csrf: v.csrf.clone(), held, form: p.form, errors },
            ))
        }
    }
}

async fn back_to_start(Path(token): Path<String>) -> Response {
    Redirect::to(&format!("/appointments/booking/{token}")).into_response()
}

// ---------------------------------------------------------------- confirm, notice

/// The notice page: at confirmation with the PIN, on reprint without.
#[derive(Template)]
#[template(path = "appointment_notice.html")]
struct NoticePage {
    ctx: PageCtx,
    notice: Notice,
    barcode: String,
    pdf_href: String,
    reprint: bool,
    reloaded: bool,
    emailed: bool,
}

/// Why the notice is shown: booked now (with the PIN), reprinted, or the booking page reloaded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    Booked,
    Reprint,
    Reloaded,
}

fn labels(ctx: &PageCtx) -> Labels {
    Labels {
        title: ctx.t("ip-notice-title"),
        name: ctx.t("ip-notice-name"),
        service: ctx.t("ip-notice-service"),
        confirmation: ctx.t("ip-notice-confirmation"),
        date: ctx.t("ip-notice-date"),
        time: ctx.t("ip-notice-time"),
        location: ctx.t("ip-notice-location"),
        pin: ctx.t("ip-notice-pin"),
        advice: ctx.t("ip-notice-advice"),
        barcode: String::new(),
        lang: ctx.lang.tag().to_owned(),
    }
}

/// The notice page. The PDF is embedded as a data address, made now: the PIN is never kept, so
/// no later request could make it (R-IP-07). The page must not be cached.
fn notice_page(v: &Visit, n: Notice, shown: Shown, emailed: bool) -> Response {
    let alt = v.ctx.t1("ip-barcode-label", "number", &n.confirmation);
    // A PDF that cannot be written leaves the page without its download link, never without
    // the notice (the booking is made).
    let pdf_href = match notice::pdf(&n, &Labels { barcode: alt.clone(), ..labels(&v.ctx) }) {
        Ok(pdf) => format!("data:application/pdf;base64,{}", base64::engine::general_purpose::STANDARD.encode(pdf)),
        Err(e) => {
            tracing::error!(error = %e, "the notice's PDF was not written");
            String::new()
        }
    };
    let barcode = notice::barcode_svg(&n.digits, &alt);
    let (reprint, reloaded) = (shown != Shown::Booked, shown == Shown::Reloaded);
    let page = NoticePage { ctx: v.ctx.clone(), notice: n, barcode, pdf_href, reprint, reloaded, emailed };
    let mut res = v.finish(render(StatusCode::OK, &page));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The email copy (no PIN) and its calendar file.
fn email_copy(
    ctx: &PageCtx,
    a: &Appointment,
    office: &Office,
    minutes: u16,
    now: chrono::DateTime<chrono::Utc>,
) -> (String, String, String) {
    let n = Notice::of(a, office, ctx.lang, None);
    let l = labels(ctx);
    let body = format!(
        "{}\n\n{}: {}\n{}: {}\n{}: {}\n{}: {}\n{}: {}\n{}: {}\n{}\n\n{}\n\n{}\n",
        l.title,
        l.name,
        n.name,
        l.service,
        n.service,
        l.confirmation,
        n.confirmation,
        l.date,
        n.date,
        l.time,
        n.time,
        l.location,
        n.office,
        n.address.join("\n"),
        l.advice,
        ctx.t("ip-email-cancel"),
    );
    let ics = notice::ics(a, &n, office.tz, minutes, now);
    (ctx.t1("ip-email-subject", "date", &n.date), body, ics)
}

/// Books the held time (R-IP-02, R-IP-04) and shows the notice with its PIN (R-IP-06).
async fn confirm(
    State(state): State<AppState>,
    v: Visit,
    Path(token): Path<String>,
    Form(p): Form<DetailsPost>,
) -> Response {
    if !v.csrf_ok(&p.csrf) {
        return expired_form(&v);
    }
    let (hold, office) = match held(&state, &v, &token).await {
        Ok(h) => h,
        Err(page) => return reloaded(&state, &v, &p).await.unwrap_or(page),
    };
    let now = state.clock().now();
    let Ok(details) = p.form.parse(now.with_timezone(&office.tz).date_naive()) else {
        return details(State(state), v, Path(token), Form(DetailsPost { step: String::new(), ..p })).await;
    };
    // Abuse limits: bookings a day from one address and for one person.
    let day = now.date_naive();
    let person = crate::infopass::model::person_key(
        state.token_key(),
        &details.first_name,
        &details.last_name,
        details.birth_date,
    );
    // A kiosk serves the whole lobby from one address, and a representative books for many
    // clients: only the per-person limit applies to them, and a representative's own cap.
    let rep = representative(&state, &v).await;
    if let Some(id) = rep {
        match representatives::active(state.db(), id, now).await {
            Ok(n) if n >= representatives::MAX_ACTIVE => {
                let body = v.ctx.t1("rep-full", "max", &representatives::MAX_ACTIVE.to_string());
                let link = Some(("/account/representative".to_owned(), v.ctx.t("rep-title")));
                return message(&v, StatusCode::CONFLICT, "rep-full-title", body, link);
            }
            Ok(_) => {}
            Err(e) => return unavailable(&v, &e),
        }
    }
    let exempt = v.ctx.kiosk.is_some() || rep.is_some();
    if (!exempt && !state.limiter().within_daily(&format!("ip-book:{}", v.ip), 20, day))
        || !state.limiter().within_daily(&format!("ip-person:{person}"), 3, day)
    {
        return too_many(&v);
    }
    let minutes = calendar::of_office(state.db(), &office.code, now.with_timezone(&office.tz).naive_local())
        .await
        .ok()
        .flatten()
        .and_then(|c| c.offerings.iter().find(|o| o.service == hold.slot.service).map(|o| o.slot_minutes))
        .unwrap_or(15);
    let ctx = v.ctx.clone();
    let compose = move |a: &Appointment| email_copy(&ctx, a, office, minutes, now);
    let b = Booking {
        hold: &hold,
        details: &details,
        lang: v.ctx.lang,
        tz: office.tz,
        representative: rep,
        email: &compose,
        ip: &v.ip,
    };
    match service::book(state.db(), state.token_key(), &b, now).await {
        Ok(booked) => {
            let n = Notice::of(&booked.appointment, office, v.ctx.lang, Some(booked.pin.as_str()));
            notice_page(&v, n, Shown::Booked, details.email.is_some())
        }
        Err(BookError::SlotTaken) => message(
            &v,
            StatusCode::CONFLICT,
            "ip-slot-gone-title",
            v.ctx.t("ip-slot-full"),
            Some((format!("/appointments/{}", office.code), v.ctx.t("ip-choose-another"))),
        ),
        Err(BookError::AlreadyBooked) => message(
            &v,
            StatusCode::CONFLICT,
            "ip-already-title",
            v.ctx.t("ip-already"),
            Some(("/appointments/cancel".to_owned(), v.ctx.t("ip-cancel-title"))),
        ),
        Err(e) => unavailable(&v, &e),
    }
}

/// A confirmation posted again, as a reload of the notice does: the hold is spent, so the notice
/// is found as a reprint finds it, by the name, date of birth and telephone the form still
/// carries (and within the reprint limit), and shown without the PIN, which is never kept
/// (R-IP-07). `None` when there is no such appointment: the hold was simply gone.
async fn reloaded(state: &AppState, v: &Visit, p: &DetailsPost) -> Option<Response> {
    if v.ctx.kiosk.is_none()
        && !state.limiter().allow(&format!("ip-reprint:{}", v.ip), 20.0 / 3600.0, 20.0, state.clock().instant())
    {
        return None;
    }
    let now = state.clock().now();
    let d = p.form.parse(now.date_naive()).ok()?;
    // Audited as the reprint it is (R-AU-05).
    let found = service::reprint(
        state.db(),
        state.token_key(),
        &d.first_name,
        &d.last_name,
        d.birth_date,
        &d.phone,
        now,
        &v.ip,
    );
    let a = found.await.ok()??;
    let office = state.catalog().office(&a.office_code)?;
    Some(notice_page(v, Notice::of(&a, office, v.ctx.lang, None), Shown::Reloaded, false))
}

// ---------------------------------------------------------------- reprint

#[derive(Deserialize, Default)]
struct ReprintForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    birth_month: String,
    #[serde(default)]
    birth_day: String,
    #[serde(default)]
    birth_year: String,
    #[serde(default)]
    phone: String,
}

#[derive(Template)]
#[template(path = "appointment_reprint.html")]
struct ReprintPage {
    ctx: PageCtx,
    csrf: String,
    form: ReprintForm,
    /// What to fix, field by field.
    errors: FieldErrors,
    /// No appointment found with these details (not a field's mistake).
    error: Option<String>,
}

impl ReprintPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn value(&self, field: &str) -> &str {
        match field {
            "first_name" => &self.form.first_name,
            "last_name" => &self.form.last_name,
            "phone" => &self.form.phone,
            _ => "",
        }
    }
}

async fn reprint_page(v: Visit) -> Response {
    let page = ReprintPage {
        ctx: v.ctx.clone(),
        csrf: v.csrf.clone(),
        form: ReprintForm::default(),
        errors: FieldErrors::default(),
        error: None,
    };
    v.finish(render(StatusCode::OK, &page))
}

/// The notice again, found by name, date of birth and telephone, without the PIN (R-IP-08).
async fn reprint(State(state): State<AppState>, v: Visit, Form(f): Form<ReprintForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired_form(&v);
    }
    let refuse = |v: &Visit, f: ReprintForm, status: StatusCode, errors: FieldErrors, error: Option<String>| {
        let page = ReprintPage { ctx: v.ctx.clone(), csrf: v.csrf.clone(), form: f, errors, error };
        v.finish(render(status, &page))
    };
    if v.ctx.kiosk.is_none()
        && !state.limiter().allow(&format!("ip-reprint:{}", v.ip), 20.0 / 3600.0, 20.0, state.clock().instant())
    {
        return too_many(&v);
    }
    let now = state.clock().now();
    let born = birth_date(&f.birth_month, &f.birth_day, &f.birth_year, now.date_naive());
    let phone = f.phone.parse::<Phone>();
    let mut problems = Vec::new();
    for (field, empty) in [("first_name", f.first_name.trim().is_empty()), ("last_name", f.last_name.trim().is_empty())]
    {
        if empty {
            problems.push(crate::kernel::error::InvalidInput::new(field, ""));
        }
    }
    if born.is_err() {
        problems.push(crate::kernel::error::InvalidInput::new("birth_date", ""));
    }
    if phone.is_err() {
        problems.push(crate::kernel::error::InvalidInput::new("phone", ""));
    }
    let (Ok(born), Ok(phone), true) = (born, phone, problems.is_empty()) else {
        let errors = FieldErrors::of(&v.ctx, "ip-err-", &problems);
        return refuse(&v, f, StatusCode::UNPROCESSABLE_ENTITY, errors, None);
    };
    match service::reprint(state.db(), state.token_key(), &f.first_name, &f.last_name, born, &phone, now, &v.ip).await {
        Ok(Some(a)) => match state.catalog().office(&a.office_code) {
            Some(office) => notice_page(&v, Notice::of(&a, office, v.ctx.lang, None), Shown::Reprint, false),
            None => unavailable(&v, &"office of an appointment is not in the catalog"),
        },
        Ok(None) => refuse(&v, f, StatusCode::NOT_FOUND, FieldErrors::default(), Some(v.ctx.t("ip-reprint-none"))),
        Err(e) => unavailable(&v, &e),
    }
}

// ---------------------------------------------------------------- cancel

#[derive(Deserialize, Default)]
struct CancelForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirmation: String,
    #[serde(default)]
    pin: String,
    /// `confirm` once the customer has said yes on the question page.
    #[serde(default)]
    step: String,
}

/// The question asked once more before anything is deleted: which appointment, and yes or no.
#[derive(Template)]
#[template(path = "appointment_cancel_ask.html")]
struct CancelAskPage {
    ctx: PageCtx,
    csrf: String,
    question: String,
    office: String,
    confirmation: String,
    pin: String,
}

#[derive(Template)]
#[template(path = "appointment_cancel.html")]
struct CancelPage {
    ctx: PageCtx,
    csrf: String,
    confirmation: String,
    pin: String,
    /// A number or PIN that is not one, field by field.
    errors: FieldErrors,
    /// No match, locked, or too many tries (not a field's mistake).
    error: Option<String>,
}

impl CancelPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn value(&self, field: &str) -> &str {
        if field == "pin" { &self.pin } else { &self.confirmation }
    }
}

async fn cancel_page(v: Visit) -> Response {
    let page = CancelPage {
        ctx: v.ctx.clone(),
        csrf: v.csrf.clone(),
        confirmation: String::new(),
        pin: String::new(),
        errors: FieldErrors::default(),
        error: None,
    };
    v.finish(render(StatusCode::OK, &page))
}

/// Cancels with confirmation number and PIN (R-IP-09); tries are limited per address, and per
/// confirmation number by the store.
async fn cancel(State(state): State<AppState>, v: Visit, Form(f): Form<CancelForm>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return expired_form(&v);
    }
    let page = |v: &Visit, status: StatusCode, errors: FieldErrors, error: Option<String>| {
        let page = CancelPage {
            ctx: v.ctx.clone(),
            csrf: v.csrf.clone(),
            confirmation: f.confirmation.trim().to_owned(),
            pin: f.pin.trim().to_owned(),
            errors,
            error,
        };
        v.finish(render(status, &page))
    };
    let refuse = |v: &Visit, status: StatusCode, error: String| page(v, status, FieldErrors::default(), Some(error));
    if !state.limiter().allow(&format!("ip-cancel:{}", v.ip), 10.0 / 3600.0, 10.0, state.clock().instant()) {
        return refuse(&v, StatusCode::TOO_MANY_REQUESTS, v.ctx.t("ip-too-many"));
    }
    let (confirmation, pin) = match (Confirmation::new(&f.confirmation), Pin::new(&f.pin)) {
        (Ok(c), Ok(p)) => (c, p),
        (c, p) => {
            // The form's own field names (the kernel names the confirmation `confirmation_number`).
            let problems: Vec<_> = [c.err().map(|_| "confirmation"), p.err().map(|_| "pin")]
                .into_iter()
                .flatten()
                .map(|field| crate::kernel::error::InvalidInput::new(field, ""))
                .collect();
            return page(&v, StatusCode::UNPROCESSABLE_ENTITY, FieldErrors::of(&v.ctx, "ip-err-", &problems), None);
        }
    };
    if f.step != "confirm" {
        return match service::check(state.db(), state.token_key(), &confirmation, &pin, state.clock().now(), &v.ip)
            .await
        {
            Ok(c) => {
                let lang = v.ctx.lang;
                let when = (("date", format_date(c.starts.date(), lang)), ("time", format_time(c.starts.time(), lang)));
                let page = CancelAskPage {
                    ctx: v.ctx.clone(),
                    csrf: v.csrf.clone(),
                    question: v.ctx.ta("ip-cancel-ask", when),
                    office: state
                        .catalog()
                        .office(&c.office_code)
                        .map_or_else(String::new, |o| o.name(lang).to_owned()),
                    confirmation: confirmation.as_str().to_owned(),
                    pin: f.pin.trim().to_owned(),
                };
                // The page carries the PIN typed, to send it again with the yes: never cached.
                let mut res = v.finish(render(StatusCode::OK, &page));
                res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                res
            }
            Err(CancelError::NoMatch) => refuse(&v, StatusCode::UNPROCESSABLE_ENTITY, v.ctx.t("ip-cancel-no-match")),
            Err(CancelError::Locked(_)) => refuse(&v, StatusCode::TOO_MANY_REQUESTS, v.ctx.t("ip-cancel-locked")),
            Err(CancelError::Db(e)) => unavailable(&v, &e),
        };
    }
    match service::cancel(state.db(), state.token_key(), &confirmation, &pin, state.clock().now(), &v.ip).await {
        Ok(c) => {
            let when =
                format!("{}, {}", format_date(c.starts.date(), v.ctx.lang), format_time(c.starts.time(), v.ctx.lang));
            message(
                &v,
                StatusCode::OK,
                "ip-cancelled-title",
                v.ctx.t1("ip-cancelled", "when", &when),
                Some(("/appointments".to_owned(), v.ctx.t("ip-book-again"))),
            )
        }
        Err(CancelError::NoMatch) => refuse(&v, StatusCode::UNPROCESSABLE_ENTITY, v.ctx.t("ip-cancel-no-match")),
        Err(CancelError::Locked(_)) => refuse(&v, StatusCode::TOO_MANY_REQUESTS, v.ctx.t("ip-cancel-locked")),
        Err(CancelError::Db(e)) => unavailable(&v, &e),
    }
}
