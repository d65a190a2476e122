//! The processing-times API as existing clients read it (`../shared/interfaces/case-status-wire.md`,
//! part D): forms, their subtypes, the offices that post times for them, and the times.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use super::Posted;
use crate::kernel::i18n::Lang;
use crate::reference::format_date;
use crate::web::AppState;
use crate::web::error::Problem;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/processing-times", get(super::public::page))
        .route("/processing-times/api/forms", get(forms))
        .route("/processing-times/api/formtypes/{form}", get(form_types))
        .route("/processing-times/api/formoffices/{form}/{form_key}", get(form_offices))
        .route("/processing-times/api/processingtime/{form}/{office}", get(time))
        .route("/processing-times/api/processingtime/{form}/{office}/{form_key}", get(time_for_key))
}

/// `GET /processing-times/api/forms`: the forms with posted times.
#[derive(Serialize, utoipa::ToSchema)]
struct FormsAnswer {
    data: FormsOuter,
}

/// `GET /processing-times/api/formtypes/{form}`: the form's subtypes.
#[derive(Serialize, utoipa::ToSchema)]
struct TypesAnswer {
    data: TypesOuter,
}

/// `GET /processing-times/api/formoffices/{form}/{form_key}`: the offices posting the subtype.
#[derive(Serialize, utoipa::ToSchema)]
struct OfficesAnswer {
    data: OfficesOuter,
}

#[derive(Serialize, utoipa::ToSchema)]
struct FormsOuter {
    forms: FormsInner,
}

#[derive(Serialize, utoipa::ToSchema)]
struct FormsInner {
    forms: Vec<FormEntry>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct FormEntry {
    form_name: String,
    form_description_en: String,
    form_description_es: String,
}

fn internal(e: &crate::kernel::db::DbError) -> Response {
    tracing::error!(error = %e, "processing times query failed");
    Problem::status(StatusCode::INTERNAL_SERVER_ERROR)
        .detail("Processing times are not available right now.")
        .into_response()
}

fn not_found(what: &str) -> Response {
    Problem::status(StatusCode::NOT_FOUND).detail(format!("No processing time is posted for {what}.")).into_response()
}

/// `GET /processing-times/api/forms`.
#[utoipa::path(get, path = "/processing-times/api/forms", tag = "processing times", responses((status = 200, description = "Forms with posted processing times", body = FormsAnswer), (status = 500, description = "Processing times are not available right now", body = Problem, content_type = "application/problem+json")))]
pub async fn forms(State(state): State<AppState>) -> Response {
    let codes = match super::forms(state.db()).await {
        Ok(c) => c,
        Err(e) => return internal(&e),
    };
    let forms = codes
        .into_iter()
        .filter_map(|code| state.catalog().form(&code).cloned())
        .map(|f| FormEntry {
            form_name: f.code.clone(),
            form_description_en: f.title_en.clone(),
            form_description_es: f.title_es.clone(),
        })
        .collect();
    axum::Json(FormsAnswer { data: FormsOuter { forms: FormsInner { forms } } }).into_response()
}

#[derive(Serialize, utoipa::ToSchema)]
struct TypesOuter {
    form_types: TypesInner,
}

#[derive(Serialize, utoipa::ToSchema)]
struct TypesInner {
    subtypes: Vec<TypeEntry>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct TypeEntry {
    form_key: String,
    form_type: String,
    form_type_description_en: String,
    form_type_description_es: String,
}

fn normalise_form(form: &str) -> String {
    form.trim().to_uppercase()
}

/// `GET /processing-times/api/formtypes/{form}`.
#[utoipa::path(get, path = "/processing-times/api/formtypes/{form}", tag = "processing times", params(("form" = String, Path, description = "Form, e.g. I-765")), responses((status = 200, description = "The form's subtypes", body = TypesAnswer), (status = 404, description = "Nothing posted for the form", body = Problem, content_type = "application/problem+json"), (status = 500, description = "Processing times are not available right now", body = Problem, content_type = "application/problem+json")))]
pub async fn form_types(State(state): State<AppState>, Path(form): Path<String>) -> Response {
    let form = normalise_form(&form);
    let posted = match super::for_form(state.db(), &form).await {
        Ok(p) => p,
        Err(e) => return internal(&e),
    };
    if posted.is_empty() {
        return not_found(&form);
    }
    let mut subtypes: Vec<TypeEntry> = Vec::new();
    for p in posted {
        if !subtypes.iter().any(|s| s.form_key == p.form_key) {
            subtypes.push(TypeEntry {
                form_key: p.form_key.clone(),
                form_type: p.form_key,
                form_type_description_en: p.subtype_en,
                form_type_description_es: p.subtype_es,
            });
        }
    }
    axum::Json(TypesAnswer { data: TypesOuter { form_types: TypesInner { subtypes } } }).into_response()
}

#[derive(Serialize, utoipa::ToSchema)]
struct OfficesOuter {
    form_offices: OfficesInner,
}

#[derive(Serialize, utoipa::ToSchema)]
struct OfficesInner {
    form_name: String,
    form_type: String,
    offices: Vec<OfficeEntry>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct OfficeEntry {
    office_code: String,
    office_description: String,
}

/// `GET /processing-times/api/formoffices/{form}/{form_key}`.
#[utoipa::path(get, path = "/processing-times/api/formoffices/{form}/{form_key}", tag = "processing times", params(("form" = String, Path, description = "Form"), ("form_key" = String, Path, description = "Subtype key")), responses((status = 200, description = "Offices posting times for the subtype", body = OfficesAnswer), (status = 404, description = "Nothing posted", body = Problem, content_type = "application/problem+json"), (status = 500, description = "Processing times are not available right now", body = Problem, content_type = "application/problem+json")))]
pub async fn form_offices(State(state): State<AppState>, Path((form, key)): Path<(String, String)>) -> Response {
    let form = normalise_form(&form);
    let posted = match super::for_form(state.db(), &form).await {
        Ok(p) => p,
        Err(e) => return internal(&e),
    };
    let offices: Vec<OfficeEntry> = posted
        .iter()
        .filter(|p| p.form_key.eq_ignore_ascii_case(&key))
        .map(|p| OfficeEntry {
            office_code: p.office_code.clone(),
            office_description: state
                .catalog()
                .office(&p.office_code)
                .map_or_else(|| p.office_code.clone(), |o| o.name_en.clone()),
        })
        .collect();
    if offices.is_empty() {
        return not_found(&format!("{form} {key}"));
    }
    axum::Json(OfficesAnswer {
        data: OfficesOuter { form_offices: OfficesInner { form_name: form, form_type: key, offices } },
    })
    .into_response()
}

#[derive(Serialize, utoipa::ToSchema)]
struct RangeEntry {
    unit: String,
    unit_en: &'static str,
    unit_es: &'static str,
    value: f64,
}

#[derive(Serialize, utoipa::ToSchema)]
struct SubtypeEntry {
    form_type: String,
    publication_date: String,
    range: Vec<RangeEntry>,
    service_request_date: String,
    service_request_date_en: String,
    service_request_date_es: String,
    subtype_info_en: String,
    subtype_info_es: String,
    subtype_note_en: String,
    subtype_note_es: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct TimeInner {
    form_name: String,
    office_code: String,
    form_info_en: String,
    form_info_es: String,
    form_note_en: String,
    form_note_es: String,
    range: Vec<RangeEntry>,
    subtypes: Vec<SubtypeEntry>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct TimeOuter {
    processing_time: TimeInner,
}

#[derive(Serialize, utoipa::ToSchema)]
struct TimeAnswer {
    data: TimeOuter,
    message: String,
}

/// range[0] is the upper bound, range[1] the lower.
fn range(p: &Posted) -> Vec<RangeEntry> {
    [p.range_high, p.range_low]
        .into_iter()
        .map(|value| RangeEntry {
            unit: p.unit.clone(),
            unit_en: p.unit_in(Lang::En),
            unit_es: p.unit_in(Lang::Es),
            value,
        })
        .collect()
}

async fn answer(state: &AppState, form: &str, office: &str, key: Option<&str>) -> Response {
    let form = normalise_form(form);
    let office = office.trim().to_uppercase();
    let posted = match super::at_office(state.db(), &form, &office).await {
        Ok(p) => p,
        Err(e) => return internal(&e),
    };
    let posted: Vec<Posted> =
        posted.into_iter().filter(|p| key.is_none_or(|k| p.form_key.eq_ignore_ascii_case(k))).collect();
    let Some(first) = posted.first() else { return not_found(&format!("{form} at {office}")) };
    let title = state.catalog().form(&form);
    let subtypes = posted
        .iter()
        .map(|p| SubtypeEntry {
            form_type: p.form_key.clone(),
            publication_date: p.publication_date.format("%Y-%m-%d").to_string(),
            range: range(p),
            service_request_date: p.service_request_date.format("%Y-%m-%d").to_string(),
            service_request_date_en: format_date(p.service_request_date, Lang::En),
            service_request_date_es: format_date(p.service_request_date, Lang::Es),
            subtype_info_en: p.subtype_en.clone(),
            subtype_info_es: p.subtype_es.clone(),
            subtype_note_en: String::new(),
            subtype_note_es: String::new(),
        })
        .collect();
    let body = TimeAnswer {
        data: TimeOuter {
            processing_time: TimeInner {
                form_name: form.clone(),
                office_code: office.clone(),
                form_info_en: title.map(|f| f.title_en.clone()).unwrap_or_default(),
                form_info_es: title.map(|f| f.title_es.clone()).unwrap_or_default(),
                form_note_en: String::new(),
                form_note_es: String::new(),
                range: range(first),
                subtypes,
            },
        },
        message: format!("Processing times for {form} at {office}"),
    };
    axum::Json(body).into_response()
}

/// `GET /processing-times/api/processingtime/{form}/{office}`.
#[utoipa::path(get, path = "/processing-times/api/processingtime/{form}/{office}", tag = "processing times", params(("form" = String, Path, description = "Form"), ("office" = String, Path, description = "Office code")), responses((status = 200, description = "Posted times, every subtype", body = TimeAnswer), (status = 404, description = "Nothing posted", body = Problem, content_type = "application/problem+json"), (status = 500, description = "Processing times are not available right now", body = Problem, content_type = "application/problem+json")))]
pub async fn time(State(state): State<AppState>, Path((form, office)): Path<(String, String)>) -> Response {
    answer(&state, &form, &office, None).await
}

/// `GET /processing-times/api/processingtime/{form}/{office}/{form_key}`.
#[utoipa::path(get, path = "/processing-times/api/processingtime/{form}/{office}/{form_key}", tag = "processing times", params(("form" = String, Path, description = "Form"), ("office" = String, Path, description = "Office code"), ("form_key" = String, Path, description = "Subtype key")), responses((status = 200, description = "Posted time of one subtype", body = TimeAnswer), (status = 404, description = "Nothing posted", body = Problem, content_type = "application/problem+json"), (status = 500, description = "Processing times are not available right now", body = Problem, content_type = "application/problem+json")))]
pub async fn time_for_key(
    State(state): State<AppState>,
    Path((form, office, key)): Path<(String, String, String)>,
) -> Response {
    answer(&state, &form, &office, Some(&key)).await
}
