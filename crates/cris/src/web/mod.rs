//! The web shell: application state, the router every capability mounts into, and the layers
//! every response passes through (request ids, logs, metrics, security headers, compression,
//! time limits, panic safety).

pub mod assets;
pub mod client_addr;
pub mod error;
pub mod fields;
pub mod health;
pub mod lang;
pub mod metrics;
pub mod openapi;
pub mod page;
pub mod pages;
pub mod security;
pub mod server;
pub mod shell;
pub mod staff_ctx;
pub mod staff_home;
pub mod staff_nav;
pub mod staff_page;
pub mod visit;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Request};
use axum::middleware;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::kernel::clock::Clock;
use crate::kernel::db::Db;
use crate::kernel::i18n::I18n;
use crate::reference::Catalog;

/// The header that carries a request's id in and out.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// What every handler can reach. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    db: Db,
    catalog: Arc<Catalog>,
    i18n: Arc<I18n>,
    clock: Clock,
    metrics: metrics::Metrics,
    limiter: crate::kernel::ratelimit::Limiter,
    session_limits: crate::kernel::session::Limits,
    token_key: crate::kernel::tokens::TokenKey,
    public_url: String,
    trusted_proxies: client_addr::TrustedProxies,
    metrics_access: metrics::Access,
    sms_inbound_token: Option<String>,
    reports: Arc<crate::case_status::cache::ReportCache>,
    lobby: crate::lobby::events::Hub,
    scripts: crate::script_gateway::search::ScriptIndex,
    kiosk_idle: u32,
    tls: bool,
    ident: Option<crate::ident::Client>,
    ident_inbound_token: Option<String>,
}

impl AppState {
    /// Assembles the state.
    pub fn new(db: Db, catalog: Arc<Catalog>, i18n: Arc<I18n>, clock: Clock, tls: bool) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                db,
                catalog,
                i18n,
                clock,
                metrics: metrics::Metrics::default(),
                limiter: crate::kernel::ratelimit::Limiter::default(),
                session_limits: crate::kernel::session::Limits::default(),
                token_key: crate::kernel::tokens::TokenKey::random(),
                public_url: "http://127.0.0.1:8080".into(),
                trusted_proxies: client_addr::TrustedProxies::default(),
                metrics_access: metrics::Access::default(),
                sms_inbound_token: None,
                reports: Arc::default(),
                lobby: crate::lobby::events::Hub::default(),
                scripts: crate::script_gateway::search::ScriptIndex::default(),
                kiosk_idle: crate::infopass::kiosk::IDLE_SECONDS,
                tls,
                ident: None,
                ident_inbound_token: None,
            }),
        }
    }

    /// Changes a setting while the state is not yet shared (start-up and tests build it, then
    /// clone it into the router); once shared, settings stay as they are.
    fn configure(self, set: impl FnOnce(&mut Inner)) -> AppState {
        match Arc::try_unwrap(self.inner) {
            Ok(mut inner) => {
                set(&mut inner);
                AppState { inner: Arc::new(inner) }
            }
            Err(inner) => AppState { inner },
        }
    }

    /// The same state with other session time limits (set before the state is shared).
    pub fn with_session_limits(self, limits: crate::kernel::session::Limits) -> AppState {
        self.configure(|inner| inner.session_limits = limits)
    }

    /// The same state with the installation's token key (shared by every node).
    pub fn with_token_key(self, key: crate::kernel::tokens::TokenKey) -> AppState {
        self.configure(|inner| inner.token_key = key)
    }

    /// The same state with the public address used in links sent by email.
    pub fn with_public_url(self, url: &str) -> AppState {
        self.configure(|inner| inner.public_url = url.trim_end_matches('/').to_owned())
    }

    /// The same state believing `X-Forwarded-For` from these proxies.
    pub fn with_trusted_proxies(self, proxies: client_addr::TrustedProxies) -> AppState {
        self.configure(|inner| inner.trusted_proxies = proxies)
    }

    /// The proxies whose `X-Forwarded-For` is believed.
    pub fn trusted_proxies(&self) -> &client_addr::TrustedProxies {
        &self.inner.trusted_proxies
    }

    /// The same state with `/metrics` open to this token and these networks.
    pub fn with_metrics_access(self, access: metrics::Access) -> AppState {
        self.configure(|inner| inner.metrics_access = access)
    }

    /// Who may read `/metrics`.
    pub fn metrics_access(&self) -> &metrics::Access {
        &self.inner.metrics_access
    }

    /// The same state accepting replies to texts with this shared token.
    pub fn with_sms_inbound_token(self, token: Option<String>) -> AppState {
        self.configure(|inner| inner.sms_inbound_token = token)
    }

    /// The token the SMS provider sends with replies, when replies are configured.
    pub fn sms_inbound_token(&self) -> Option<&str> {
        self.inner.sms_inbound_token.as_deref()
    }

    /// The same state reaching IDENT with this client and accepting IDENT's calls with this
    /// token (`docs/IDENT.md`).
    pub fn with_ident(self, client: Option<crate::ident::Client>, inbound_token: Option<String>) -> AppState {
        self.configure(|inner| {
            inner.ident = client;
            inner.ident_inbound_token = inbound_token.filter(|t| !t.is_empty());
        })
    }

    /// The client of IDENT, when IDENT is configured.
    pub fn ident(&self) -> Option<&crate::ident::Client> {
        self.inner.ident.as_ref()
    }

    /// The token IDENT sends with partners' queries, when configured.
    pub fn ident_inbound_token(&self) -> Option<&str> {
        self.inner.ident_inbound_token.as_deref()
    }

    /// The same state with kiosks resetting after this many idle seconds.
    pub fn with_kiosk_idle(self, seconds: u32) -> AppState {
        self.configure(|inner| inner.kiosk_idle = seconds.max(1))
    }

    /// Seconds without a touch before a kiosk warns, then resets.
    pub fn kiosk_idle(&self) -> u32 {
        self.inner.kiosk_idle
    }

    /// The public address (for links in email), never taken from a request's Host header.
    pub fn public_url(&self) -> &str {
        &self.inner.public_url
    }

    /// The key that signs API tokens.
    pub fn token_key(&self) -> &crate::kernel::tokens::TokenKey {
        &self.inner.token_key
    }

    /// The short-lived cache of status reports for the machine interfaces.
    pub fn reports(&self) -> &Arc<crate::case_status::cache::ReportCache> {
        &self.inner.reports
    }

    /// The lobby screens' events.
    pub fn lobby(&self) -> &crate::lobby::events::Hub {
        &self.inner.lobby
    }

    /// This node's search index of the call-centre scripts.
    pub fn scripts(&self) -> &crate::script_gateway::search::ScriptIndex {
        &self.inner.scripts
    }

    /// Rate limiters.
    pub fn limiter(&self) -> &crate::kernel::ratelimit::Limiter {
        &self.inner.limiter
    }

    /// Session time limits.
    pub fn session_limits(&self) -> crate::kernel::session::Limits {
        self.inner.session_limits
    }
    /// The database.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }
    /// Reference data.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.inner.catalog
    }
    /// Message catalogues.
    pub fn i18n(&self) -> &Arc<I18n> {
        &self.inner.i18n
    }
    /// The clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }
    /// Request metrics.
    pub fn metrics(&self) -> &metrics::Metrics {
        &self.inner.metrics
    }
    /// Whether the server speaks HTTPS (cookies get `Secure`, responses get HSTS).
    pub fn tls(&self) -> bool {
        self.inner.tls
    }
}

/// The whole application: every capability's routes plus the shell's, under the shell's layers.
pub fn router(state: AppState, request_timeout: Duration) -> Router {
    let routes = Router::new()
        .merge(pages::routes())
        .merge(crate::staff::routes::routes())
        .merge(staff_home::routes())
        .merge(crate::api_clients::routes::routes())
        .merge(crate::case_status::routes::routes())
        .merge(crate::case_status::wire::routes())
        .merge(crate::processing_times::routes::routes())
        .merge(crate::processing_times::pages::routes())
        .merge(crate::portfolio::routes::routes())
        .merge(crate::infopass::calendar::routes::routes())
        .merge(crate::change_of_address::routes::routes())
        .merge(crate::service_requests::routes::routes())
        .merge(crate::service_requests::staff_routes::routes())
        .merge(crate::infopass::booking::routes::routes())
        .merge(crate::lobby::routes::routes())
        .merge(crate::lobby::dashboard::routes())
        .merge(crate::reports::routes::routes())
        .merge(crate::infopass::calendar::staff_routes::routes())
        .merge(crate::infopass::kiosk::routes())
        .merge(crate::infopass::representatives::routes::routes())
        .merge(crate::script_gateway::routes::routes())
        .merge(crate::notify::routes::routes())
        .merge(crate::surveys::routes::routes())
        .merge(crate::retention::routes::routes())
        .merge(crate::icts::routes::routes())
        .merge(crate::cpms::routes::routes())
        .merge(health::routes())
        .merge(openapi::routes())
        .merge(assets::routes())
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed);
    routes
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, request_timeout))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(state.clone(), shell::layer))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .with_state(state)
}
