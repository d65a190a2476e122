//! Portfolios and their alerts (R-CS-07 to R-CS-11): sign-up, cases up to 100, preferences,
//! alerts by email (to a real SMTP listener) and text (to a stand-in gateway), STOP, recovery,
//! and closing the account.

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::support::{SmtpSink, TestApp};

const FORM: &str = "application/x-www-form-urlencoded";
const CSRF_COOKIE: &str = "cris_csrf=test-csrf-token-0123456789abcdef0123";

/// Signs up through the page; returns the session cookie header.
pub async fn sign_up(app: &TestApp, user: &str, lang: &str, texts: Option<&str>) -> String {
    let mut form = vec![
        ("csrf", crate::support::CSRF),
        ("user_id", user),
        ("email", "customer@example.com"),
        ("password", "river stone lantern harbor"),
        ("password_again", "river stone lantern harbor"),
        ("q1", "q-first-pet"),
        ("a1", "Rex"),
        ("q2", "q-birth-city"),
        ("a2", "Ponce"),
        ("q3", "q-first-job"),
        ("a3", "Cashier"),
    ];
    if let Some(m) = texts {
        form.push(("texts", "yes"));
        form.push(("mobile", m));
    }
    let body = serde_urlencoded::to_string(&form).unwrap();
    let (status, h, page) = app
        .request(
            "POST",
            &format!("/account/sign-up?lang={lang}"),
            &[("content-type", FORM), ("cookie", CSRF_COOKIE)],
            &body,
        )
        .await;
    assert_eq!(status, 303, "{page}");
    let set = h
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("cris_customer="))
        .unwrap();
    format!("{}; {CSRF_COOKIE}", set.split(';').next().unwrap())
}

async fn post(app: &TestApp, uri: &str, cookie: &str, form: &[(&str, &str)]) -> (u16, String) {
    let (status, _, body) = app.post_form(uri, cookie, form).await;
    (status, body)
}

/// A stand-in SMS gateway speaking the documented interface; keeps what it receives.
async fn sms_gateway() -> (String, Arc<Mutex<Vec<Value>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = got.clone();
    let app = axum::Router::new().route(
        "/messages",
        axum::routing::post(move |axum::Json(v): axum::Json<Value>| {
            let store = store.clone();
            async move {
                store.lock().unwrap().push(v);
                axum::Json(json!({"id": "m-1"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/messages", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

async fn change(app: &TestApp, receipt: &str, id: &str) {
    let raw = cris::case_status::events::RawEvent {
        event_id: Some(id.into()),
        receipt_number: Some(receipt.into()),
        action_code: Some("CASE_APPROVED".into()),
        date: Some(app.clock.now().date_naive().to_string()),
        ..Default::default()
    };
    let now = app.clock.now();
    let prepared = cris::case_status::events::prepare(vec![(0, Ok(raw))], &app.catalog, now.date_naive());
    let out = cris::case_status::events::apply(&app.db, now, prepared).await.unwrap();
    assert_eq!((out.applied, out.chunks_retried), (1, 0), "{out:?}");
}

// R-CS-07, R-CS-08, R-CS-09, R-CS-10
#[tokio::test]
async fn a_portfolio_follows_cases_and_alerts_by_email_and_text() {
    let app = TestApp::with_demo(150).await;
    let cookie = sign_up(&app, "jane.doe@firm", "en", Some("(202) 555-0143")).await;
    let (status, _, home) = app.get("/account?welcome=1", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(home.contains("Your portfolio is ready") && home.contains("jane.doe@firm"));

    assert_eq!(post(&app, "/account/cases", &cookie, &[("receipt", "eac-99-991-03420")]).await.0, 303);
    let (status, page) = post(&app, "/account/cases", &cookie, &[("receipt", "EAC0000000001")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("does not recognize"));
    let (_, _, home) = app.get("/account", &[("cookie", &cookie)]).await;
    assert!(home.contains(">EAC9999103420<") && home.contains("Cases (1)"));

    // A status change queues one email and one text, in the customer's language, without details.
    change(&app, "EAC9999103420", "p-1").await;
    let sink = SmtpSink::start().await;
    let mailer = cris::notify::Mailer::new(&sink.url, "CRIS <alerts@cris.test>").unwrap();
    let round = cris::notify::deliver_due(&app.db, &mailer, app.clock.now(), 10).await.unwrap();
    assert_eq!(round.sent, 1);
    let mail = sink.received();
    let (to, data) = &mail[0];
    let data = data.replace("=\n", ""); // quoted-printable soft line breaks
    assert_eq!(to, &vec!["customer@example.com".to_owned()]);
    assert!(data.contains("Subject: Case EAC9999103420 was updated"), "{data}");
    assert!(data.contains("Sign in to your Case Status Online account"), "{data}");
    assert!(!data.contains("Approved"), "no status details in the message");

    let (url, texts) = sms_gateway().await;
    let gateway = cris::notify::sms::Gateway::new(&url, Some("gw-token".into())).unwrap();
    let always =
        cris::notify::QuietHours { start: chrono::NaiveTime::MIN, end: chrono::NaiveTime::MIN, ..Default::default() };
    let round = cris::notify::deliver_due_sms(&app.db, &gateway, &always, app.clock.now(), 10).await.unwrap();
    assert_eq!(round.sent, 1);
    let sent = texts.lock().unwrap().clone();
    assert_eq!(sent[0]["to"], "+12025550143");
    let body = sent[0]["body"].as_str().unwrap();
    assert!(body.contains("EAC9999103420") && body.contains("Sign in") && body.contains("STOP"), "{body}");

    // Quiet hours hold texts back.
    change(&app, "EAC9999103420", "p-2").await;
    let quiet = cris::notify::QuietHours {
        start: chrono::NaiveTime::MIN,
        end: chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap(),
        tz: chrono_tz::UTC,
    };
    assert_eq!(cris::notify::deliver_due_sms(&app.db, &gateway, &quiet, app.clock.now(), 10).await.unwrap().sent, 0);

    // STOP: nothing more goes to the number.
    cris::notify::sms::handle_reply(&app.db, "+12025550143", cris::notify::sms::Keyword::Stop, app.clock.now())
        .await
        .unwrap();
    let round = cris::notify::deliver_due_sms(&app.db, &gateway, &always, app.clock.now(), 10).await.unwrap();
    assert_eq!(round.sent, 0);
    assert_eq!(texts.lock().unwrap().len(), 1);
}

// R-CS-08: the 101st receipt number is refused with a clear message.
#[tokio::test]
async fn a_portfolio_holds_at_most_100_cases() {
    let app = TestApp::with_demo(150).await;
    let cookie = sign_up(&app, "busy.attorney", "es", None).await;
    let receipts: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT receipt_number FROM cases WHERE restricted = FALSE ORDER BY id LIMIT 101").fetch_all(pool).await.unwrap()
    });
    let customer: i64 =
        cris::with_db!(&app.db, pool => sqlx::query_scalar("SELECT id FROM customers").fetch_one(pool).await.unwrap());
    for r in &receipts[..100] {
        cris::portfolio::service::add_case(&app.db, app.clock.now(), customer, &r.parse().unwrap()).await.unwrap();
    }
    let (status, page) = post(&app, "/account/cases?lang=es", &cookie, &[("receipt", &receipts[100])]).await;
    assert_eq!(status, 422);
    assert!(page.contains("como máximo 100 números de recibo"), "{page}");
    // Adding one already held changes nothing and is not an error.
    assert_eq!(post(&app, "/account/cases", &cookie, &[("receipt", &receipts[0])]).await.0, 303);
    let (_, _, home) = app.get("/account?lang=es", &[("cookie", &cookie)]).await;
    assert!(home.contains("Casos (100)"));
}

// R-CS-07: recovery with the security questions and an emailed link.
#[tokio::test]
async fn recovery_by_questions_and_email_link() {
    let app = TestApp::with_demo(20).await;
    sign_up(&app, "forgetful.one", "en", None).await;
    let cookie = CSRF_COOKIE.to_owned();
    let (_, page) = post(&app, "/account/recover", &cookie, &[("user_id", "forgetful.one")]).await;
    assert!(page.contains("What was the name of your first pet?") && page.contains("In what city were you born?"));
    // Wrong answers: the same answer, and no email.
    let (status, page) = post(
        &app,
        "/account/recover",
        &cookie,
        &[("user_id", "forgetful.one"), ("a1", "Max"), ("a2", "Ponce"), ("a3", "Cashier")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("If the answers were right"));
    let (status, _) = post(
        &app,
        "/account/recover",
        &cookie,
        &[("user_id", "forgetful.one"), ("a1", " rex "), ("a2", "PONCE"), ("a3", "cashier.")],
    )
    .await;
    assert_eq!(status, 200);
    let body: String = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT body FROM outbox WHERE subject LIKE 'Set a new password%'").fetch_one(pool).await.unwrap()
    });
    let link = body.split_whitespace().find(|w| w.contains("/account/reset?token=")).unwrap();
    let token = link.split("token=").nth(1).unwrap();
    let (status, _) =
        post(&app, "/account/reset", &cookie, &[("token", token), ("password", "a brand new pass phrase")]).await;
    assert_eq!(status, 303);
    let (status, _) =
        post(&app, "/account/reset", &cookie, &[("token", token), ("password", "another new pass phrase")]).await;
    assert_eq!(status, 422, "a link works once");
    let (status, _) = post(
        &app,
        "/account/sign-in",
        &cookie,
        &[("user_id", "forgetful.one"), ("password", "a brand new pass phrase")],
    )
    .await;
    assert_eq!(status, 303);
}

// R-CS-11: closing the account erases it.
#[tokio::test]
async fn closing_the_account_erases_it() {
    let app = TestApp::with_demo(20).await;
    let cookie = sign_up(&app, "leaving.soon", "en", Some("+1 202 555 0143")).await;
    post(&app, "/account/cases", &cookie, &[("receipt", "LIN9999106500")]).await;
    change(&app, "LIN9999106500", "c-1").await;
    let (status, _) = post(&app, "/account/close", &cookie, &[]).await;
    assert_eq!(status, 422, "needs the confirmation box");
    let (status, _) = post(&app, "/account/close", &cookie, &[("confirm", "yes")]).await;
    assert_eq!(status, 303);
    let left: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM customer_questions) + (SELECT COUNT(*) FROM portfolio_cases) \
             + (SELECT COUNT(*) FROM sessions WHERE kind = 'customer') + (SELECT COUNT(*) FROM outbox WHERE recipient IN ('customer@example.com', '+12025550143'))",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    assert_eq!(left, 0);
    assert_eq!(app.get("/account", &[("cookie", &cookie)]).await.0, 303);
}

// Issue 16 point 13 (NIST SP 800-63B 5.2.2): a stranger's 20 wrong passwords from one address
// slow that address with growing delays, and never stop the customer signing in from another:
// no pause anyone knowing the user ID could put on the account.
// R-CS-07
#[tokio::test]
async fn a_strangers_guesses_slow_the_stranger_not_the_customer() {
    use cris::portfolio::service::{self, PortfolioError};
    let app = TestApp::new().await;
    sign_up(&app, "careful.user", "en", None).await;
    let stranger = "198.51.100.66";
    let (mut delays, mut heard) = (Vec::new(), 0);
    while heard < 20 {
        let now = app.clock.now();
        match service::sign_in(&app.db, now, "careful.user", "wrong wrong wrong wrong", stranger, Default::default())
            .await
        {
            Err(PortfolioError::Paused(until)) => {
                delays.push((until - now).num_seconds());
                app.clock.advance(until - now + chrono::Duration::seconds(1));
            }
            Err(PortfolioError::BadCredentials) => heard += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    // Three free tries, then 2 s, 4 s, 8 s ... for the guessing address.
    assert_eq!(delays.get(..5), Some(&[2, 4, 8, 16, 32][..]), "{delays:?}");
    assert!(delays.windows(2).all(|w| w[1] >= w[0]), "{delays:?}");
    let right = [("user_id", "careful.user"), ("password", "river stone lantern harbor")];
    // The guessing address waits, even with the right password, which is not checked.
    let (status, _, page) = app.post_form_from(stranger, "/account/sign-in", CSRF_COOKIE, &right).await;
    assert_eq!(status, 429);
    assert!(page.contains("Too many failed attempts from your connection"), "{page}");
    // The customer, from their own address, signs in at once.
    let (status, headers, page) = app.post_form_from("203.0.113.20", "/account/sign-in", CSRF_COOKIE, &right).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (303, "/account"), "{page}");
}

// R-CS-10: replies to texts (STOP, HELP, START) as the provider posts them.
#[tokio::test]
async fn inbound_stop_help_and_start() {
    let app = TestApp::new().await;
    assert_eq!(app.request("POST", "/api/v1/sms/inbound", &[], "{}").await.0, 404, "off unless configured");
    let state = cris::web::AppState::new(
        app.db.clone(),
        app.catalog.clone(),
        Arc::new(cris::kernel::i18n::I18n::load().unwrap()),
        app.clock.clone(),
        false,
    )
    .with_sms_inbound_token(Some("provider-secret".into()));
    let router = cris::app::router(state, std::time::Duration::from_secs(5));
    let send = |auth: &'static str, body: Value| {
        let router = router.clone();
        async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/v1/sms/inbound")
                .header("authorization", auth)
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            let res = router.oneshot(req).await.unwrap();
            let status = res.status().as_u16();
            let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
        }
    };
    assert_eq!(send("Bearer wrong", json!({"from": "+12025550143", "body": "STOP"})).await.0, 401);
    let (status, v) = send("Bearer provider-secret", json!({"from": "(202) 555-0143", "body": "stop"})).await;
    assert_eq!(status, 200);
    assert!(v["reply"].as_str().unwrap().contains("no more text messages"));
    assert!(cris::notify::sms::opted_out(&app.db, "+12025550143").await.unwrap());
    let (_, v) = send("Bearer provider-secret", json!({"from": "+12025550143", "body": "AYUDA"})).await;
    assert!(v["reply"].as_str().unwrap().contains("Avisos de estado de caso"));
    send("Bearer provider-secret", json!({"from": "+12025550143", "body": "START"})).await;
    assert!(!cris::notify::sms::opted_out(&app.db, "+12025550143").await.unwrap());
    assert_eq!(send("Bearer provider-secret", json!({"from": "not a number", "body": "STOP"})).await.0, 422);
}

// R-CS-09: several events of one case in one batch apply in order: each newer one alerts once,
// an older one arriving late joins the history without replacing the status or alerting.
#[tokio::test]
async fn events_of_one_case_in_one_batch_apply_in_order_and_alert_once_each() {
    let app = TestApp::with_demo(50).await;
    let cookie = sign_up(&app, "orderly.watcher", "en", None).await;
    assert_eq!(post(&app, "/account/cases", &cookie, &[("receipt", "EAC9999103410")]).await.0, 303);
    let today = app.clock.now().date_naive();
    let event = |id: &str, code: &str, date: chrono::NaiveDate| cris::case_status::events::RawEvent {
        event_id: Some(id.into()),
        receipt_number: Some("EAC9999103410".into()),
        action_code: Some(code.into()),
        date: Some(date.to_string()),
        ..Default::default()
    };
    let raw = vec![
        (0, Ok(event("o1", "INTERVIEW_SCHEDULED", today))),
        (1, Ok(event("o2", "CASE_APPROVED", today))),
        (2, Ok(event("o3", "CASE_RECEIVED", today - chrono::Duration::days(400)))),
        (3, Ok(event("o2", "CASE_APPROVED", today))),
    ];
    let now = app.clock.now();
    let prepared = cris::case_status::events::prepare(raw, &app.catalog, today);
    let out = cris::case_status::events::apply(&app.db, now, prepared).await.unwrap();
    assert_eq!((out.applied, out.duplicates, out.rejected.len()), (3, 1, 0), "{out:?}");
    assert_eq!(out.chunks_retried, 0, "the batch path applied it, not the one-by-one fallback");
    let report = cris::case_status::service::lookup(
        &app.db,
        &app.catalog,
        "https://cris.test",
        &"EAC9999103410".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(report.status_code, "CASE_APPROVED", "the late, older event did not replace the status");
    let titles: Vec<&str> = report.history().map(|s| s.title(cris::kernel::i18n::Lang::En)).collect();
    assert_eq!(titles.first(), Some(&"Case Was Approved"), "{titles:?}");
    assert!(titles.contains(&"Interview Was Scheduled") && titles.len() >= 3, "{titles:?}");
    let alerts: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND body LIKE '%EAC9999103410%'").fetch_one(pool).await.unwrap()
    });
    assert_eq!(alerts, 2, "one email for each change of the current status");
}

// R-CS-08: 50 concurrent adds to a portfolio holding 99 cases leave it at 100, never more.
#[tokio::test]
async fn concurrent_adds_never_pass_100_cases() {
    let app = TestApp::with_demo(200).await;
    sign_up(&app, "race.attorney", "en", None).await;
    let receipts: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT receipt_number FROM cases WHERE restricted = FALSE ORDER BY id LIMIT 149").fetch_all(pool).await.unwrap()
    });
    let customer: i64 =
        cris::with_db!(&app.db, pool => sqlx::query_scalar("SELECT id FROM customers").fetch_one(pool).await.unwrap());
    for r in &receipts[..99] {
        cris::portfolio::service::add_case(&app.db, app.clock.now(), customer, &r.parse().unwrap()).await.unwrap();
    }
    let adds: Vec<_> = receipts[99..]
        .iter()
        .map(|r| {
            let db = app.db.clone();
            let receipt = r.parse().unwrap();
            let now = app.clock.now();
            tokio::spawn(async move { cris::portfolio::service::add_case(&db, now, customer, &receipt).await })
        })
        .collect();
    let mut added = 0;
    for done in adds {
        match done.await.unwrap() {
            Ok(()) => added += 1,
            Err(cris::portfolio::service::PortfolioError::Full) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    let held: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM portfolio_cases WHERE customer_id = $1").bind(customer).fetch_one(pool).await.unwrap()
    });
    assert_eq!((added, held), (1, 100));
}

// R-CS-09: the customer chooses email alerts at sign-up; declining them stops email alerts while
// the texts chosen still go.
#[tokio::test]
async fn email_alerts_can_be_declined_at_sign_up() {
    let app = TestApp::with_demo(150).await;
    let (_, _, page) = app.get("/account/sign-up?lang=es", &[("cookie", CSRF_COOKIE)]).await;
    assert!(page.contains(r#"name="email_alerts" value="no""#) && page.contains("No me envíen correos"), "{page}");
    let form = [
        ("csrf", crate::support::CSRF),
        ("user_id", "no.email"),
        ("email", "customer@example.com"),
        ("password", "river stone lantern harbor"),
        ("password_again", "river stone lantern harbor"),
        ("q1", "q-first-pet"),
        ("a1", "Rex"),
        ("q2", "q-birth-city"),
        ("a2", "Ponce"),
        ("q3", "q-first-job"),
        ("a3", "Cashier"),
        ("email_alerts", "no"),
        ("texts", "yes"),
        ("mobile", "(202) 555-0143"),
    ];
    let body = serde_urlencoded::to_string(form).unwrap();
    let (status, _, page) =
        app.request("POST", "/account/sign-up", &[("content-type", FORM), ("cookie", CSRF_COOKIE)], &body).await;
    assert_eq!(status, 303, "{page}");
    let customer: i64 =
        cris::with_db!(&app.db, pool => sqlx::query_scalar("SELECT id FROM customers").fetch_one(pool).await.unwrap());
    cris::portfolio::service::add_case(&app.db, app.clock.now(), customer, &"EAC9999103420".parse().unwrap())
        .await
        .unwrap();
    change(&app, "EAC9999103420", "d-1").await;
    let (emails, texts): (i64, i64) = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM outbox WHERE channel = 'email'), (SELECT COUNT(*) FROM outbox WHERE channel = 'sms')").fetch_one(pool).await.unwrap()
    });
    assert_eq!((emails, texts), (0, 1), "declined email alerts send none; the text still goes");
}
