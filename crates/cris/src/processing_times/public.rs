//! The public processing-times page (R-CS-04): a form, then an office, then the posted range of
//! each of the form's subtypes there and the date from which a case is outside normal processing
//! time (an inquiry may be filed about a case received before it). It reads the same postings as
//! the processing-times API, in English or Spanish.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::kernel::i18n::Lang;
use crate::reference::format_date;
use crate::web::AppState;
use crate::web::fields::FieldErrors;
use crate::web::page::{PageCtx, render};

/// The choices made so far.
#[derive(Deserialize, Default)]
pub struct Chosen {
    #[serde(default)]
    form: String,
    #[serde(default)]
    office: String,
}

/// One subtype's posted time at the chosen office.
struct Row {
    subtype: String,
    range: String,
    inquiry_from: String,
    published: String,
}

#[derive(Template)]
#[template(path = "processing_times.html")]
struct TimesPage {
    ctx: PageCtx,
    /// Forms with a posting: (code, "code, title").
    forms: Vec<(String, String)>,
    form: String,
    /// Offices posting the chosen form: (code, name).
    offices: Vec<(String, String)>,
    office: String,
    office_name: String,
    rows: Vec<Row>,
    errors: FieldErrors,
}

/// `GET /processing-times`: the form to choose from, then the office, then the times.
pub async fn page(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<Chosen>) -> Response {
    let lang = ctx.lang;
    let unavailable =
        |ctx: PageCtx, e: &crate::kernel::db::DbError| crate::web::error::unavailable_page(ctx, "processing times", e);
    let codes = match super::forms(state.db()).await {
        Ok(c) => c,
        Err(e) => return unavailable(ctx, &e),
    };
    let title = |code: &str| {
        state.catalog().form(code).map_or_else(|| code.to_owned(), |f| format!("{code}, {}", f.title(lang)))
    };
    let forms: Vec<(String, String)> = codes.iter().map(|c| (c.clone(), title(c))).collect();
    let form = q.form.trim().to_uppercase();
    let mut page = TimesPage {
        ctx,
        forms,
        form: String::new(),
        offices: Vec::new(),
        office: String::new(),
        office_name: String::new(),
        rows: Vec::new(),
        errors: FieldErrors::default(),
    };
    if form.is_empty() {
        return render(StatusCode::OK, &page);
    }
    if !codes.contains(&form) {
        page.errors = FieldErrors::one("form", page.ctx.t("pt-err-form"));
        return render(StatusCode::NOT_FOUND, &page);
    }
    let posted = match super::for_form(state.db(), &form).await {
        Ok(p) => p,
        Err(e) => return unavailable(page.ctx, &e),
    };
    let mut offices: Vec<(String, String)> = Vec::new();
    for p in &posted {
        if !offices.iter().any(|(c, _)| *c == p.office_code) {
            let name = state
                .catalog()
                .office(&p.office_code)
                .map_or_else(|| p.office_code.clone(), |o| o.name(lang).to_owned());
            offices.push((p.office_code.clone(), name));
        }
    }
    page.form = form;
    page.offices = offices;
    let office = q.office.trim().to_uppercase();
    if office.is_empty() {
        return render(StatusCode::OK, &page);
    }
    let Some((code, name)) = page.offices.iter().find(|(c, _)| *c == office).cloned() else {
        page.errors = FieldErrors::one("office", page.ctx.t("pt-err-office"));
        return render(StatusCode::NOT_FOUND, &page);
    };
    page.rows = posted
        .iter()
        .filter(|p| p.office_code == code)
        .map(|p| Row {
            subtype: if lang == Lang::Es { p.subtype_es.clone() } else { p.subtype_en.clone() },
            range: page.ctx.ta("pt-range-value", p.range_args(lang)),
            inquiry_from: format_date(p.service_request_date, lang),
            published: format_date(p.publication_date, lang),
        })
        .collect();
    page.office = code;
    page.office_name = name;
    render(StatusCode::OK, &page)
}
