//! Test fixtures: a fresh database per test on the chosen engine, and the application around it.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use chrono::TimeZone;
use cris::kernel::clock::Clock;
use cris::kernel::db::Db;
use cris::kernel::i18n::I18n;
use cris::reference::Catalog;
use cris::web::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Which engine this run tests.
pub fn engine() -> &'static str {
    match std::env::var("CRIS_TEST_DATABASE").as_deref() {
        Ok("postgres") | Ok("postgresql") => "postgres",
        _ => "sqlite",
    }
}

fn postgres_base() -> String {
    std::env::var("CRIS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A database of its own for one test, removed when dropped.
pub struct TestDb {
    /// The URL to connect with.
    pub url: String,
    name: String,
    dir: Option<std::path::PathBuf>,
}

impl TestDb {
    /// Creates an empty database.
    pub async fn new() -> TestDb {
        let name = format!("cris_test_{}", uuid::Uuid::new_v4().simple());
        if engine() == "postgres" {
            let admin = Db::connect(&format!("{}/postgres", postgres_base()), 1).await.expect("PostgreSQL reachable");
            if let Db::Postgres(pool) = &admin {
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(pool)
                    .await
                    .expect("create database");
            }
            admin.close().await;
            TestDb { url: format!("{}/{name}", postgres_base()), name, dir: None }
        } else {
            let dir = std::env::temp_dir().join(&name);
            std::fs::create_dir_all(&dir).expect("temp dir");
            TestDb { url: format!("sqlite://{}", dir.join("cris.db").display()), name, dir: Some(dir) }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
            return;
        }
        let name = self.name.clone();
        // Drop runs outside async: a short-lived runtime on its own thread removes the database.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                if let Ok(Db::Postgres(pool)) = Db::connect(&format!("{}/postgres", postgres_base()), 1).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                        .execute(&pool)
                        .await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

/// The fixed time every test application reads: 2 November 2026, 15:00 UTC.
pub fn test_clock() -> Clock {
    Clock::fixed(chrono::Utc.with_ymd_and_hms(2026, 11, 2, 15, 0, 0).unwrap())
}

/// The application on a fresh, migrated database, with a fixed clock.
pub struct TestApp {
    /// The database (kept alive for the test's duration).
    pub test_db: TestDb,
    /// Pool.
    pub db: Db,
    /// Reference data.
    pub catalog: Arc<Catalog>,
    /// The router.
    pub router: Router,
    /// The clock the app reads.
    pub clock: Clock,
    /// The application state behind the router.
    pub state: AppState,
}

impl TestApp {
    /// Opens a fresh database the way `cris serve` does.
    pub async fn new() -> TestApp {
        TestApp::build(|state| state).await
    }

    /// Opens a fresh database, with the state's settings changed by `configure` before the
    /// router takes it.
    pub async fn build(configure: impl FnOnce(AppState) -> AppState) -> TestApp {
        let test_db = TestDb::new().await;
        let (db, catalog) = cris::app::open(&test_db.url, 4).await.expect("open database");
        let clock = test_clock();
        let i18n = Arc::new(I18n::load().expect("catalogues"));
        let state = configure(AppState::new(db.clone(), catalog.clone(), i18n, clock.clone(), false));
        let router = cris::app::router(state.clone(), std::time::Duration::from_secs(30));
        TestApp { test_db, db, catalog, router, clock, state }
    }

    /// The application served over HTTP on loopback, with the IDENT stand-ins (IDENT, Canada,
    /// Australia, each gallery of `gallery` persons) in front of it: CRIS's client reaches the
    /// stand-in IDENT, which posts partners' queries to CRIS's `/ident/v1/transactions`.
    pub async fn with_ident(gallery: usize) -> (TestApp, cris::ident::standin::StandIns, cris::web::server::Running) {
        let standins = cris::ident::standin::start(cris::ident::standin::Options {
            cris_inbound: None,
            gallery_size: Some(gallery),
            clock: test_clock(),
        })
        .await
        .expect("stand-ins start");
        let client = standins.client().expect("a client");
        let inbound = standins.inbound_token.clone();
        let app = TestApp::build(|state| state.with_ident(Some(client), Some(inbound))).await;
        let listen = cris::web::server::Listen {
            addr: "127.0.0.1:0".parse().unwrap(),
            tls: None,
            grace: std::time::Duration::from_secs(1),
            limits: Default::default(),
            trusted_proxies: Default::default(),
        };
        let (running, _task) = cris::web::server::start(app.router.clone(), &listen).await.expect("serve");
        standins.set_cris_inbound(&format!("http://{}/ident/v1/transactions", running.addr));
        (app, standins, running)
    }

    /// Sends one request through the whole stack, in process.
    pub async fn send(&self, req: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(req).await.expect("infallible")
    }

    /// GET with headers; returns status, headers and body text.
    pub async fn get(&self, uri: &str, headers: &[(&str, &str)]) -> (u16, axum::http::HeaderMap, String) {
        let mut b = Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let res = self.send(b.body(Body::empty()).unwrap()).await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }
}

impl TestApp {
    /// The application with the demo data set of `cases` cases (plus the sandbox receipts),
    /// processing times, demo accounts and the demo API client.
    pub async fn with_demo(cases: u64) -> TestApp {
        let app = TestApp::new().await;
        let as_of = app.clock.now().date_naive();
        cris::seed::load_demo(&app.db, &app.catalog, cases, as_of).await.unwrap();
        cris::seed::demo_extras(&app.db, &app.catalog, as_of, app.clock.now()).await.unwrap();
        app
    }

    /// A GET as if over a connection from `peer` (the address the server's socket would see).
    pub async fn get_from(
        &self,
        peer: &str,
        uri: &str,
        headers: &[(&str, &str)],
    ) -> (u16, axum::http::HeaderMap, String) {
        let mut b = Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut req = b.body(Body::empty()).unwrap();
        let addr: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        let res = self.send(req).await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A request with a body and headers; returns status, headers and body text.
    pub async fn request(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, axum::http::HeaderMap, String) {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let res = self.send(b.body(Body::from(body.to_owned())).unwrap()).await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The password every test staff account gets.
pub const STAFF_PASSWORD: &str = "test staff password 2026";

impl TestApp {
    /// Creates a staff account (as the system) and returns its id.
    pub async fn staff(&self, username: &str, role: cris::kernel::access::Role, office: &str) -> i64 {
        let new = cris::staff::model::NewStaff {
            username: cris::staff::model::Username::parse(username).unwrap(),
            display_name: format!("Test {username}"),
            email: format!("{username}@cris.test").parse().unwrap(),
            role,
            office: office.into(),
            password: STAFF_PASSWORD.into(),
        };
        cris::staff::service::create(&self.db, &self.catalog, None, self.clock.now(), new).await.unwrap()
    }

    /// Signs a staff account in through the service (banner, password, code) and returns the
    /// Cookie header of its session, with a CSRF token.
    pub async fn sign_in(&self, username: &str) -> String {
        use cris::staff::service;
        let now = self.clock.now();
        let flow = service::acknowledge_banner(&self.db, now).await.unwrap();
        service::password_step(&self.db, &self.catalog, now, "127.0.0.1", &flow, username, STAFF_PASSWORD)
            .await
            .unwrap();
        let (_, user) = service::flow_user(&self.db, now, &flow).await.unwrap();
        let code = current_code(user.totp_secret.as_deref().unwrap(), now.timestamp());
        let token = service::code_step(&self.db, &self.catalog, now, "127.0.0.1", &flow, &code, Default::default())
            .await
            .unwrap();
        format!("cris_staff={token}; cris_csrf={CSRF}")
    }

    /// POSTs a form (with the test CSRF token unless `form` sets `csrf`) as the given cookies.
    pub async fn post_form(
        &self,
        uri: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> (u16, axum::http::HeaderMap, String) {
        let mut pairs: Vec<(&str, &str)> = form.to_vec();
        if !pairs.iter().any(|(k, _)| *k == "csrf") {
            pairs.push(("csrf", CSRF));
        }
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let req = Request::post(uri)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let res = self.send(req).await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }
}

impl TestApp {
    /// [`TestApp::post_form`] as if over a connection from `peer`.
    pub async fn post_form_from(
        &self,
        peer: &str,
        uri: &str,
        cookie: &str,
        form: &[(&str, &str)],
    ) -> (u16, axum::http::HeaderMap, String) {
        let mut pairs: Vec<(&str, &str)> = form.to_vec();
        if !pairs.iter().any(|(k, _)| *k == "csrf") {
            pairs.push(("csrf", CSRF));
        }
        let body = serde_urlencoded::to_string(&pairs).unwrap();
        let mut req = Request::post(uri)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        let addr: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
        req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        let res = self.send(req).await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The CSRF token tests send (as cookie and field).
pub const CSRF: &str = "test-csrf-token-0123456789abcdef0123";

/// The authenticator code for a secret at a Unix time.
pub fn current_code(secret: &str, unix: i64) -> String {
    let key = cris::kernel::totp::base32_decode(secret).unwrap();
    format!("{:06}", cris::kernel::totp::code(&key, cris::kernel::totp::step_at(unix)))
}

pub use super::smtp_sink::SmtpSink;

/// An actor as a service receives it: `username` of `role` at `office`, with `user_id`.
pub fn actor_of(
    app: &TestApp,
    user_id: i64,
    username: &str,
    role: cris::kernel::access::Role,
    office: &str,
) -> cris::kernel::access::Actor {
    cris::kernel::access::Actor {
        user_id,
        username: username.into(),
        role,
        place: cris::kernel::access::Place::of(app.catalog.office(office).unwrap()),
        ip: "127.0.0.1".into(),
    }
}

impl TestApp {
    /// Creates a staff account (see [`TestApp::staff`]) and returns it as an actor.
    pub async fn actor(
        &self,
        username: &str,
        role: cris::kernel::access::Role,
        office: &str,
    ) -> cris::kernel::access::Actor {
        let id = self.staff(username, role, office).await;
        actor_of(self, id, username, role, office)
    }
}

/// The customer of an appointment row written as the booking stores it (the survey, focus-group
/// and retention fixtures).
pub struct Customer<'a> {
    /// Confirmation number (any unique text).
    pub confirmation: String,
    /// Field office code.
    pub office: &'a str,
    /// Start, UTC (the local time written is the same figures).
    pub starts: chrono::DateTime<chrono::Utc>,
    /// First name.
    pub first_name: &'a str,
    /// Telephone, E.164.
    pub phone: String,
    /// Email address, if given.
    pub email: Option<&'a str>,
    /// `en` or `es`.
    pub lang: &'a str,
}

impl TestApp {
    /// Writes an appointment for `c` (information service, born 1980-01-01) and returns its id.
    pub async fn appointment_row(&self, c: &Customer<'_>) -> i64 {
        cris::with_db!(&self.db, pool => {
            sqlx::query_scalar(
                "INSERT INTO appointments (confirmation, pin_hash, office_code, service, starts_at, starts_utc, first_name, last_name, \
                 birth_date, zip, phone, email, lang, created_at) \
                 VALUES ($1, 'x', $2, 'information', $3, $4, $5, 'Quintero', '1980-01-01', '10001', $6, $7, $8, $9) RETURNING id",
            )
            .bind(&c.confirmation)
            .bind(c.office)
            .bind(c.starts.format("%Y-%m-%dT%H:%M").to_string())
            .bind(c.starts)
            .bind(c.first_name)
            .bind(&c.phone)
            .bind(c.email)
            .bind(c.lang)
            .bind(self.clock.now())
            .fetch_one(pool)
            .await
            .unwrap()
        })
    }
}

/// A link's query parameter in a message body: `t` (the single-use token), `o` (the opt-out).
pub fn link_param(body: &str, name: &str) -> String {
    body.split_once(&format!("&{name}=")).unwrap().1.split_whitespace().next().unwrap().to_owned()
}
