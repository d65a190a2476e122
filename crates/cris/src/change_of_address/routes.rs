//! The AR-11 pages (R-CA-01, R-CA-02), in English and Spanish, with no account: the form, and
//! the confirmation with its number and the cases moved.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};

use super::model::{Ar11Form, MAX_RECEIPTS};
use super::service::{self, SubmitError};
use crate::kernel::address::state_choices;
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};
use crate::web::visit::Visit;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/change-of-address", get(page).post(submit))
}

/// The form, with what was typed and what to fix.
#[derive(Template)]
#[template(path = "change_of_address.html")]
struct FormPage {
    ctx: PageCtx,
    csrf: String,
    form: Ar11Form,
    errors: FieldErrors,
    states: Vec<(&'static str, &'static str)>,
    max: usize,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    fn value(&self, field: &str) -> &str {
        let f = &self.form;
        match field {
            "first_name" => &f.first_name,
            "last_name" => &f.last_name,
            "a_number" => &f.a_number,
            "previous_line1" => &f.previous_line1,
            "previous_line2" => &f.previous_line2,
            "previous_city" => &f.previous_city,
            "previous_state" => &f.previous_state,
            "previous_zip" => &f.previous_zip,
            "new_line1" => &f.new_line1,
            "new_line2" => &f.new_line2,
            "new_city" => &f.new_city,
            "new_state" => &f.new_state,
            "new_zip" => &f.new_zip,
            "email" => &f.email,
            _ => "",
        }
    }
}

/// The confirmation.
#[derive(Template)]
#[template(path = "change_of_address_done.html")]
struct DonePage {
    ctx: PageCtx,
    confirmation: String,
    new_address: Vec<String>,
    updated: Vec<String>,
    emailed: bool,
}

fn form_page(v: &Visit, status: StatusCode, form: Ar11Form, errors: FieldErrors) -> Response {
    let page = FormPage {
        ctx: v.ctx.clone(),
        csrf: v.csrf.clone(),
        form,
        errors,
        states: state_choices(v.ctx.lang),
        max: MAX_RECEIPTS,
    };
    v.finish(render(status, &page))
}

async fn page(v: Visit) -> Response {
    form_page(&v, StatusCode::OK, Ar11Form::default(), FieldErrors::default())
}

/// Records the change (R-CA-02). Tries are limited per address: each one tests a receipt number
/// against a ZIP code.
async fn submit(State(state): State<AppState>, v: Visit, Form(f): Form<Ar11Form>) -> Response {
    if !v.csrf_ok(&f.csrf) {
        return crate::web::error::error_page(v.ctx.clone(), StatusCode::FORBIDDEN);
    }
    let now = state.clock().now();
    let change = match f.parse(now.date_naive()) {
        Ok(c) => c,
        Err(errors) => {
            let errors = FieldErrors::of(&v.ctx, "coa-err-", &errors);
            return form_page(&v, StatusCode::UNPROCESSABLE_ENTITY, f, errors);
        }
    };
    if !state.limiter().allow(&format!("coa:{}", v.ip), 20.0 / 3600.0, 20.0, state.clock().instant()) {
        let errors = FieldErrors::one("receipts", v.ctx.t("ip-too-many"));
        return form_page(&v, StatusCode::TOO_MANY_REQUESTS, f, errors);
    }
    let ctx = v.ctx.clone();
    let lines = change.new.lines().join("\n");
    let compose = move |confirmation: &str| {
        (
            ctx.t1("coa-email-subject", "confirmation", confirmation),
            ctx.t1("coa-email-body", "address", &lines)
                + "\n\n"
                + &ctx.t1("coa-confirmation", "confirmation", confirmation),
        )
    };
    match service::submit(state.db(), state.catalog(), &change, v.ctx.lang.tag(), now, &compose).await {
        Ok(done) => {
            let page = DonePage {
                ctx: v.ctx.clone(),
                confirmation: done.confirmation,
                new_address: change.new.lines(),
                updated: done.updated.iter().map(|r| r.as_str().to_owned()).collect(),
                emailed: change.email.is_some(),
            };
            v.finish(render(StatusCode::OK, &page))
        }
        Err(SubmitError::NoMatch(r)) => {
            let errors = FieldErrors::one("receipts", v.ctx.t1("coa-no-match", "receipt", r.as_str()));
            form_page(&v, StatusCode::UNPROCESSABLE_ENTITY, f, errors)
        }
        Err(SubmitError::NotPending(r)) => {
            let errors = FieldErrors::one("receipts", v.ctx.t1("coa-not-pending", "receipt", r.as_str()));
            form_page(&v, StatusCode::UNPROCESSABLE_ENTITY, f, errors)
        }
        Err(e) => crate::web::error::unavailable_page(v.ctx.clone(), "change of address", &e),
    }
}
