//! The public InfoPass pages: the field offices nearest a ZIP code (R-IP-01).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use crate::kernel::contact::Zip;
use crate::kernel::i18n::Lang;
use crate::offices::nearest::{self, Nearby, NearestError};
use crate::reference::Office;
use crate::web::AppState;
use crate::web::page::{PageCtx, render};

/// Offices listed for a ZIP code.
const LISTED: usize = 5;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/appointments", get(offices_page))
}

/// An office as the page lists it.
struct Listed {
    code: String,
    name: String,
    street: String,
    city_line: String,
    miles: String,
    assigned: bool,
}

#[derive(Template)]
#[template(path = "appointments.html")]
struct OfficesPage {
    ctx: PageCtx,
    typed: String,
    error: Option<String>,
    zip: Option<String>,
    offices: Vec<Listed>,
}

#[derive(Deserialize, Default)]
struct Search {
    #[serde(default)]
    zip: String,
}

fn listed(n: &Nearby<'_>, lang: Lang) -> Listed {
    let o: &Office = n.office;
    Listed {
        code: o.code.clone(),
        name: match lang {
            Lang::En => o.name_en.clone(),
            Lang::Es => o.name_es.clone(),
        },
        street: o.street.clone(),
        city_line: format!("{}, {} {}", o.city, o.state, o.zip),
        miles: format!("{:.0}", n.miles),
        assigned: n.assigned,
    }
}

async fn offices_page(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<Search>) -> Response {
    let typed = q.zip.trim().to_owned();
    let page = |ctx, error, zip, offices| OfficesPage { ctx, typed: typed.clone(), error, zip, offices };
    if typed.is_empty() {
        return render(StatusCode::OK, &page(ctx, None, None, Vec::new()));
    }
    let Ok(zip) = typed.parse::<Zip>() else {
        let message = ctx.t("ip-zip-invalid");
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page(ctx, Some(message), None, Vec::new()));
    };
    match nearest::nearest(state.db(), state.catalog(), &zip, LISTED).await {
        Ok(found) => {
            let offices = found.iter().map(|n| listed(n, ctx.lang)).collect();
            render(StatusCode::OK, &page(ctx, None, Some(zip.five().to_owned()), offices))
        }
        Err(NearestError::UnknownZip) => {
            let message = ctx.t1("ip-zip-unknown", "zip", zip.five());
            render(StatusCode::UNPROCESSABLE_ENTITY, &page(ctx, Some(message), None, Vec::new()))
        }
        Err(NearestError::Db(e)) => {
            tracing::error!(error = %e, "nearest offices failed");
            let message = ctx.t("ip-unavailable");
            render(StatusCode::SERVICE_UNAVAILABLE, &page(ctx, Some(message), None, Vec::new()))
        }
    }
}
