//! The web shell: application state, the extractors and the page renderer, the shell's own pages,
//! and the layers every response passes through (request ids, logs, metrics, security headers,
//! compression, time limits, panic safety). It imports no capability: `app::router` assembles the
//! capabilities' routers and hands them to [`shell`], and each capability's own state is a part
//! of [`AppState`] ([`parts`]) that the capability reaches through its own accessor.

pub mod assets;
pub mod client_addr;
pub mod error;
pub mod fields;
pub mod health;
pub mod kiosk;
pub mod lang;
pub mod metrics;
pub mod page;
pub mod pages;
pub mod parts;
pub mod security;
pub mod server;
pub mod shell;
pub mod staff_ctx;
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
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::kernel::clock::Clock;
use crate::kernel::db::Db;
use crate::kernel::i18n::I18n;
use crate::reference::Catalog;

/// The header that carries a request's id in and out.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids shaped like UUIDs (what proxies and log tools expect): a random half drawn once per
/// process, a counting half. A fresh random id asks the kernel for randomness on every request (a
/// system call); this one only counts, and stays unique across nodes and restarts.
#[derive(Clone, Copy)]
struct RequestIds;

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        static PROCESS: std::sync::LazyLock<u64> = std::sync::LazyLock::new(|| uuid::Uuid::new_v4().as_u64_pair().0);
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = uuid::Uuid::from_u64_pair(*PROCESS, n).hyphenated();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        axum::http::HeaderValue::from_str(id.encode_lower(&mut text)).ok().map(RequestId::new)
    }
}

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
    kiosk_idle: u32,
    tls: bool,
    parts: parts::Parts,
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
                kiosk_idle: kiosk::IDLE_SECONDS,
                tls,
                parts: parts::Parts::default(),
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

    /// The same state holding this part of a capability's state (set before the state is shared;
    /// the capability's own `with_…` method calls this).
    pub fn with_part<T: std::any::Any + Send + Sync>(self, part: T) -> AppState {
        self.configure(|inner| inner.parts.set(part))
    }

    /// A capability's part of the state, made from its default on first use (the capability's
    /// own accessor calls this: `state.lobby()`, `state.reports()`, …).
    pub fn part<T: std::any::Any + Send + Sync + Default>(&self) -> &T {
        self.inner.parts.get::<T>()
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

/// The whole application: the capabilities' routes (assembled by `app::router`) and the shell's
/// own, under the shell's layers.
pub fn shell(state: AppState, capabilities: Router<AppState>, request_timeout: Duration) -> Router {
    let routes = capabilities
        .merge(pages::routes())
        .merge(health::routes())
        .route("/metrics", axum::routing::get(metrics::metrics))
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
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), RequestIds))
        .with_state(state)
}
