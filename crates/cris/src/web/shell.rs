//! The shell's own work on every request, in one layer: the client's address, the metrics, the
//! security headers, the remembered language, kiosks' `no-store`, and plain-text refusals turned
//! into error pages or problems. One layer rather than six (issue 18): each `from_fn` layer
//! cloned the whole stack of services below it and boxed two futures on every request.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;

/// The layer (`middleware::from_fn_with_state`). Before the handler, in the order the separate
/// layers ran: the client's address, the clock, the language chosen in the query, the kiosk
/// cookie, what an error page would need; after it, in reverse.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    super::client_addr::resolve(&state, &mut req);
    let started = crate::kernel::clock::Stopwatch::start();
    // The route pattern (never the raw path, which would carry receipt numbers into the
    // metrics) and the method, kept without copying: a matched path is shared, a method a tag.
    let route = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().clone();
    let chosen = super::lang::query_choice(req.uri().query());
    let kiosk = super::kiosk::no_store(&req);
    let (parts, body) = req.into_parts();
    let asked = super::error::Asked::of(&parts, &state);
    let res = next.run(Request::from_parts(parts, body)).await;
    let mut res = asked.plain_rejection(&state, res).await;
    if kiosk {
        super::kiosk::mark_no_store(&mut res);
    }
    super::lang::remember_choice(&state, chosen, &mut res);
    super::security::headers(&state, res.headers_mut());
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    state.metrics().observe(route, &method, res.status().as_u16(), started.elapsed().as_secs_f64());
    res
}
