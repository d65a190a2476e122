//! Static assets (USWDS, our stylesheet) embedded in the binary and served with year-long cache
//! lifetimes under a content-versioned path.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

fn index() -> &'static HashMap<&'static str, (&'static [u8], &'static str)> {
    static INDEX: OnceLock<HashMap<&'static str, (&'static [u8], &'static str)>> = OnceLock::new();
    INDEX.get_or_init(|| ASSETS.iter().map(|(p, b, t)| (*p, (*b, *t))).collect())
}

/// The URL of an embedded asset, e.g. `asset_url("vendor/uswds/css/uswds.min.css")`.
pub fn asset_url(path: &str) -> String {
    format!("/assets/{ASSET_VERSION}/{path}")
}

/// Routes for `/assets/...`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/assets/{version}/{*path}", get(serve))
}

async fn serve(Path((version, path)): Path<(String, String)>) -> Response {
    let Some((bytes, content_type)) = index().get(path.as_str()) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    // A page from an older release may ask for an older version: serve today's bytes, but do
    // not let the browser keep them under the old URL.
    let cache = if version == ASSET_VERSION { "public, max-age=31536000, immutable" } else { "no-cache" };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        *bytes,
    )
        .into_response()
}
