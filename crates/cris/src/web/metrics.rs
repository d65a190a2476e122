//! Prometheus metrics at `/metrics`: request counts by route and status, a latency histogram,
//! and database pool occupancy. Kept in plain atomics; no exporter crate is needed for this.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};

use super::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// A route's counts by method and status.
type Counts = Vec<(Method, u16, u64)>;

/// Counters kept by the server.
#[derive(Debug, Default)]
pub struct Metrics {
    /// By route pattern, then (method, status): counted without allocating once a route has
    /// been seen (issue 18: two strings a request before).
    requests: Mutex<BTreeMap<String, Counts>>,
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn observe(&self, route: &str, method: &Method, status: u16, seconds: f64) {
        if let Ok(mut map) = self.requests.lock() {
            match map.get_mut(route) {
                Some(counts) => match counts.iter_mut().find(|(m, s, _)| m == method && *s == status) {
                    Some(count) => count.2 += 1,
                    None => counts.push((method.clone(), status, 1)),
                },
                None => {
                    map.insert(route.to_owned(), vec![(method.clone(), status, 1)]);
                }
            }
        }
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// The text exposition format.
    pub fn render(&self, pool: (u32, usize)) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP cris_http_requests_total HTTP requests answered.\n# TYPE cris_http_requests_total counter\n",
        );
        if let Ok(map) = self.requests.lock() {
            for (route, counts) in map.iter() {
                let route = route.replace('\\', "\\\\").replace('"', "\\\"");
                let mut counts: Vec<(&str, u16, u64)> = counts.iter().map(|(m, s, n)| (m.as_str(), *s, *n)).collect();
                counts.sort_unstable();
                for (method, status, n) in counts {
                    let _ = writeln!(
                        out,
                        "cris_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
                    );
                }
            }
        }
        out.push_str("# HELP cris_http_request_duration_seconds Time to answer.\n# TYPE cris_http_request_duration_seconds histogram\n");
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "cris_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Ordering::Relaxed)
            );
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "cris_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "cris_http_request_duration_seconds_sum {}",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "cris_http_request_duration_seconds_count {count}");
        out.push_str("# HELP cris_db_connections Pooled database connections.\n# TYPE cris_db_connections gauge\n");
        let _ = writeln!(out, "cris_db_connections{{state=\"open\"}} {}", pool.0);
        let _ = writeln!(out, "cris_db_connections{{state=\"idle\"}} {}", pool.1);
        let _ = writeln!(
            out,
            "# TYPE cris_build_info gauge\ncris_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        out
    }
}

/// Who may read `/metrics` (R-AU-09): a scraper with the configured bearer token, or one on a
/// configured network (by default the machine itself). Route names, error rates and pool sizes
/// tell an attacker too much to show everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The bearer token a scraper sends, when one is configured.
    pub token: Option<String>,
    /// Networks whose clients may read without a token.
    pub networks: super::client_addr::TrustedProxies,
}

impl Default for Access {
    fn default() -> Self {
        Access {
            token: None,
            networks: super::client_addr::TrustedProxies::parse(DEFAULT_NETWORKS).unwrap_or_default(),
        }
    }
}

/// The networks that may read `/metrics` unless configured otherwise: this machine.
pub const DEFAULT_NETWORKS: &str = "127.0.0.0/8, ::1";

impl Access {
    fn allows(&self, client: Option<std::net::IpAddr>, authorization: Option<&str>) -> bool {
        let by_token = self.token.as_deref().zip(authorization.and_then(|a| a.strip_prefix("Bearer "))).is_some_and(
            |(want, given)| crate::kernel::random::constant_time_eq(want.as_bytes(), given.trim().as_bytes()),
        );
        by_token || client.is_some_and(|ip| self.networks.contains(ip))
    }
}

/// `GET /metrics`.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format", content_type = "text/plain"),
    (status = 403, description = "Neither the configured token nor a configured network", body = super::error::Problem, content_type = "application/problem+json")))]
pub async fn metrics(State(state): State<AppState>, parts: axum::http::request::Parts) -> Response {
    let authorization = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if !state.metrics_access().allows(super::client_addr::client_addr(&parts), authorization) {
        return super::error::Problem::status(axum::http::StatusCode::FORBIDDEN)
            .detail("Metrics are read with the configured token or from a configured network.")
            .into_response();
    }
    let body = state.metrics().render(state.db().pool_stats());
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"))], body)
        .into_response()
}
