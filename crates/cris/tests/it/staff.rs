//! Sign-in, throttled guesses (no lockout) and the autolock log, reinstatement, alerts by email, unused accounts,
//! sessions, and the tamper-evident audit trail.

use chrono::Duration;
use cris::kernel::access::Role;
use cris::kernel::session::Limits;
use cris::staff::service::{self, SignInError};

use crate::support::{STAFF_PASSWORD, SmtpSink, TestApp, current_code};

async fn try_password(app: &TestApp, username: &str, password: &str) -> Result<service::AfterPassword, SignInError> {
    let now = app.clock.now();
    let flow = service::acknowledge_banner(&app.db, now).await.unwrap();
    service::password_step(&app.db, &app.catalog, now, "203.0.113.9", &flow, username, password).await
}

async fn try_password_from(
    app: &TestApp,
    ip: &str,
    username: &str,
    password: &str,
) -> (String, Result<service::AfterPassword, SignInError>) {
    let now = app.clock.now();
    let flow = service::acknowledge_banner(&app.db, now).await.unwrap();
    let r = service::password_step(&app.db, &app.catalog, now, ip, &flow, username, password).await;
    (flow, r)
}

/// `count` wrong passwords for `username` heard from `ip`, waiting out every delay it earns;
/// returns the delays, in seconds, in the order met.
async fn guess_from(app: &TestApp, ip: &str, username: &str, count: usize) -> Vec<i64> {
    let mut delays = Vec::new();
    let mut heard = 0;
    while heard < count {
        match try_password_from(app, ip, username, "a wrong guess 0000").await.1 {
            Err(SignInError::Wait(until)) => {
                delays.push((until - app.clock.now()).num_seconds());
                app.clock.advance(until - app.clock.now() + Duration::seconds(1));
            }
            Err(SignInError::BadCredentials) | Ok(service::AfterPassword::Code) => heard += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    delays
}

/// The code step with the account's current code (or a wrong one).
async fn code_from(app: &TestApp, ip: &str, flow: &str, secret: &str, right: bool) -> Result<String, SignInError> {
    let now = app.clock.now();
    let code = if right { current_code(secret, now.timestamp()) } else { "000000".to_owned() };
    let code = if !right && code == current_code(secret, now.timestamp()) { "111111".to_owned() } else { code };
    service::code_step(&app.db, &app.catalog, now, ip, flow, &code, Limits::default()).await
}

fn totp_secret_of(user: &cris::staff::model::StaffUser) -> String {
    user.totp_secret.clone().unwrap()
}

// Issue 16 point 13 (NIST SP 800-63B 5.2.2): a stranger's guesses slow the stranger, with delays
// that grow, and never lock the staff member out; the autolock log shows the slowing (R-AU-06).
// R-AU-06, R-AU-07
#[tokio::test]
async fn a_strangers_guesses_slow_the_stranger_and_never_lock_the_staff_member_out() {
    let app = TestApp::new().await;
    app.staff("admin.nyc", Role::DistrictAdmin, "NYC").await;
    let id = app.staff("jdoe", Role::Iso, "NYC").await;
    app.sign_in("jdoe").await; // enrolled, with a last sign-in for the autolock log
    let secret = totp_secret_of(&cris::staff::store::by_id(&app.db, id).await.unwrap().unwrap());
    app.clock.advance(Duration::seconds(31));

    let delays = guess_from(&app, "198.51.100.66", "jdoe", 20).await;
    // Three free tries, then 2 s, 4 s, 8 s ... for the guessing address.
    assert_eq!(delays.get(..5), Some(&[2, 4, 8, 16, 32][..]), "{delays:?}");
    assert!(delays.windows(2).all(|w| w[1] >= w[0]), "{delays:?}");
    // The guesser's own address waits, even with the right password (which is not even checked).
    assert!(matches!(
        try_password_from(&app, "198.51.100.66", "jdoe", STAFF_PASSWORD).await.1,
        Err(SignInError::Wait(_))
    ));

    // The staff member, from their own address, signs in with password and code as always.
    let (flow, step) = try_password_from(&app, "203.0.113.20", "jdoe", STAFF_PASSWORD).await;
    assert_eq!(step, Ok(service::AfterPassword::Code));
    assert!(code_from(&app, "203.0.113.20", &flow, &secret, true).await.is_ok(), "not locked out");
    // The right sign-in ended the slowing: the autolock log shows when it began and ended.
    let admin = app.sign_in("admin.nyc").await;
    let (status, _, log) = app.get("/staff/admin/autolock", &[("cookie", &admin)]).await;
    assert_eq!(status, 200);
    assert!(log.contains(">jdoe<") && log.contains("NYC") && log.contains("by jdoe"), "{log}");
    assert!(!log.contains("Still slowed"), "{log}");
    // Nothing is left to reinstate: the account was never locked.
    let (_, _, page) = app.get(&format!("/staff/admin/users/{id}"), &[("cookie", &admin)]).await;
    assert!(page.contains(r#"<dd id="account-status">Active</dd>"#), "{page}");
}

// Issue 16 point 13: while an account is throttled, a right password is answered exactly as a
// wrong one; only password and code together sign in, and every wrong combination is answered
// with the same generic message.
// R-AU-03, R-AU-06
#[tokio::test]
async fn a_throttled_account_never_confirms_a_password_without_the_code() {
    let app = TestApp::new().await;
    let id = app.staff("jdoe", Role::Iso, "NYC").await;
    app.sign_in("jdoe").await;
    let secret = totp_secret_of(&cris::staff::store::by_id(&app.db, id).await.unwrap().unwrap());
    app.clock.advance(Duration::seconds(31));
    guess_from(&app, "198.51.100.66", "jdoe", 20).await;

    // Right and wrong passwords from fresh addresses: the same answer, the code page.
    let (right_flow, right) = try_password_from(&app, "192.0.2.50", "jdoe", STAFF_PASSWORD).await;
    let (wrong_flow, wrong) = try_password_from(&app, "192.0.2.51", "jdoe", "not the password at all").await;
    let (nobody_flow, nobody) = try_password_from(&app, "192.0.2.52", "no.such.user", "not the password").await;
    assert_eq!(right, Ok(service::AfterPassword::Code));
    assert_eq!(wrong, Ok(service::AfterPassword::Code));
    assert_eq!(nobody, Err(SignInError::BadCredentials), "an untouched name is not throttled");
    drop(nobody_flow);
    // Right password, wrong code; wrong password, right code: one generic answer.
    assert_eq!(code_from(&app, "192.0.2.50", &right_flow, &secret, false).await, Err(SignInError::BadCombination));
    assert_eq!(code_from(&app, "192.0.2.51", &wrong_flow, &secret, true).await, Err(SignInError::BadCombination));
    // Over HTTP the two password answers are the same redirect.
    for (ip, password) in [("192.0.2.60", STAFF_PASSWORD), ("192.0.2.61", "not the password at all")] {
        let flow = service::acknowledge_banner(&app.db, app.clock.now()).await.unwrap();
        let cookie = format!("cris_flow={flow}; cris_csrf={}", crate::support::CSRF);
        let (status, headers, _) = app
            .post_form_from(ip, "/staff/sign-in/password", &cookie, &[("username", "jdoe"), ("password", password)])
            .await;
        assert_eq!((status, headers["location"].to_str().unwrap()), (303, "/staff/sign-in/code"), "{ip}");
        let (status, _, page) = app.post_form_from(ip, "/staff/sign-in/code", &cookie, &[("code", "000000")]).await;
        assert_eq!(status, 401);
        assert!(page.contains("The user name, password or code is not right"), "{page}");
    }
    // Both right: signed in, though the account is throttled.
    app.clock.advance(Duration::seconds(31));
    let (flow, step) = try_password_from(&app, "192.0.2.70", "jdoe", STAFF_PASSWORD).await;
    assert_eq!(step, Ok(service::AfterPassword::Code));
    assert!(code_from(&app, "192.0.2.70", &flow, &secret, true).await.is_ok());
}

// Issue 16 point 13: alerts to administrators are aggregated, one per account an hour, whatever
// raises them; the repeats are counted on the alert. An administrator's reinstatement clears the
// slowing.
// R-AU-07
#[tokio::test]
async fn ten_attempts_within_an_hour_make_one_alert_email() {
    let app = TestApp::new().await;
    let sink = SmtpSink::start().await;
    app.staff("admin.nyc", Role::DistrictAdmin, "NYC").await;
    app.staff("admin.la", Role::DistrictAdmin, "LOS").await;
    let id = app.staff("jdoe", Role::Iso, "NYC").await;
    let start = app.clock.now();
    // Ten attempts from ten addresses (each heard): the account is throttled from the fifth.
    for i in 0..10 {
        let ip = format!("198.51.100.{}", 10 + i);
        let _ = try_password_from(&app, &ip, "jdoe", "a wrong guess 0000").await;
        app.clock.advance(Duration::minutes(1));
    }
    assert!(app.clock.now() - start < Duration::hours(1));
    let mailer = cris::notify::Mailer::new(&sink.url, "CRIS <alerts@cris.test>").unwrap();
    let round = cris::notify::deliver_due(&app.db, &mailer, app.clock.now(), 100).await.unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let mail = sink.received();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0].0, vec!["admin.nyc@cris.test".to_owned()], "only the district's administrator");
    assert!(mail[0].1.contains("Subject: CRIS security alert: account_throttled") && mail[0].1.contains("jdoe"));
    let admin = app.sign_in("admin.nyc").await;
    let (_, _, alerts) = app.get("/staff/admin/alerts", &[("cookie", &admin)]).await;
    assert!(alerts.contains("account_throttled") && alerts.contains("5 more times"), "{alerts}");
    let (_, _, page) = app.get(&format!("/staff/admin/users/{id}"), &[("cookie", &admin)]).await;
    assert!(page.contains("Sign-in slowed"), "{page}");

    // An hour after the first alert, the next attempt alerts again.
    app.clock.advance(Duration::minutes(55));
    let _ = try_password_from(&app, "198.51.100.99", "jdoe", "a wrong guess 0000").await;
    assert_eq!(cris::notify::deliver_due(&app.db, &mailer, app.clock.now(), 100).await.unwrap().sent, 1);

    // Reinstating ends the slowing: a wrong password is named again at once.
    let admin = app.sign_in("admin.nyc").await; // the first session has timed out
    let (status, headers, _) = app.post_form(&format!("/staff/admin/users/{id}/reinstate"), &admin, &[]).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (303, format!("/staff/admin/users/{id}").as_str()));
    let (_, _, log) = app.get("/staff/admin/autolock", &[("cookie", &admin)]).await;
    assert!(log.contains("by admin.nyc") && !log.contains("Still slowed"), "{log}");
    assert_eq!(try_password_from(&app, "192.0.2.80", "jdoe", "wrong again").await.1, Err(SignInError::BadCredentials));
    assert!(try_password_from(&app, "192.0.2.81", "jdoe", STAFF_PASSWORD).await.1.is_ok());
}

// R-AU-08
#[tokio::test]
async fn unused_accounts_are_deactivated_and_reported() {
    let app = TestApp::new().await;
    let idle = app.staff("idle.user", Role::Tier1, "NBC").await;
    let busy = app.staff("busy.user", Role::Tier1, "NBC").await;
    app.clock.advance(Duration::days(80));
    app.sign_in("busy.user").await;
    app.clock.advance(Duration::days(11));
    let report = service::deactivate_unused(&app.db, &app.catalog, app.clock.now(), Duration::days(90)).await.unwrap();
    assert_eq!(report.iter().map(|u| u.id).collect::<Vec<_>>(), vec![idle]);
    assert_eq!(try_password(&app, "idle.user", STAFF_PASSWORD).await, Err(SignInError::Inactive));
    assert!(try_password(&app, "busy.user", STAFF_PASSWORD).await.is_ok());
    assert!(cris::staff::store::by_id(&app.db, busy).await.unwrap().unwrap().active);
    // Running it again finds nothing more.
    assert!(
        service::deactivate_unused(&app.db, &app.catalog, app.clock.now(), Duration::days(90))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn codes_cannot_be_replayed_and_sessions_time_out() {
    let app = TestApp::new().await;
    app.staff("ann", Role::Reception, "NYC").await;
    let cookie = app.sign_in("ann").await;
    // The code used to sign in cannot be used again in the same 30 seconds.
    let now = app.clock.now();
    let flow = service::acknowledge_banner(&app.db, now).await.unwrap();
    service::password_step(&app.db, &app.catalog, now, "127.0.0.1", &flow, "ann", STAFF_PASSWORD).await.unwrap();
    let (_, user) = service::flow_user(&app.db, now, &flow).await.unwrap();
    let code = current_code(user.totp_secret.as_deref().unwrap(), now.timestamp());
    let replay = service::code_step(&app.db, &app.catalog, now, "127.0.0.1", &flow, &code, Limits::default()).await;
    assert_eq!(replay, Err(SignInError::BadCode));

    assert_eq!(app.get("/staff", &[("cookie", &cookie)]).await.0, 200);
    app.clock.advance(Duration::minutes(16));
    assert_eq!(app.get("/staff", &[("cookie", &cookie)]).await.0, 303, "idle time-out");

    // Absolute time-out, even when active.
    app.clock.advance(Duration::seconds(31));
    let cookie = app.sign_in("ann").await;
    let mut minutes = 0;
    while minutes < 24 * 60 && app.get("/staff", &[("cookie", &cookie)]).await.0 == 200 {
        app.clock.advance(Duration::minutes(14));
        minutes += 14;
    }
    // Active every 14 minutes, yet ended at the 12-hour limit.
    assert_eq!(minutes, 728);
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session() {
    let app = TestApp::new().await;
    app.staff("bob", Role::Iso, "NYC").await;
    let one = app.sign_in("bob").await;
    app.clock.advance(Duration::seconds(31));
    let two = app.sign_in("bob").await;
    let (status, h, _) = app.post_form("/staff/sign-out-everywhere", &one, &[]).await;
    assert_eq!((status, h.get("location").unwrap().to_str().unwrap()), (303, "/staff/sign-in?signed_out=1"));
    assert_eq!(app.get("/staff", &[("cookie", &two)]).await.0, 303);
}

fn cris_bin() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cris"));
    for (k, _) in std::env::vars() {
        if k.starts_with("CRIS_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

// R-AU-05: the audit trail is tamper-evident.
#[tokio::test]
async fn changing_any_audit_row_is_detected_and_named() {
    let app = TestApp::new().await;
    app.staff("admin", Role::GlobalAdmin, "NYC").await;
    let cookie = app.sign_in("admin").await;
    for _ in 0..3 {
        app.get("/staff/admin/users", &[("cookie", &cookie)]).await;
    }
    let verify = || cris_bin().args(["--database-url", &app.test_db.url, "audit", "verify"]).output().unwrap();
    let out = verify();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit trail intact"));
    let rows: i64 = cris::with_db!(&app.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(pool).await.unwrap());
    assert!(rows >= 5);

    // The first broken row is named: row 3 first, then row 2 once it is changed too.
    for (tamper, row) in [
        ("UPDATE audit_log SET detail = 'nothing to see' WHERE id = 3", 3),
        ("UPDATE audit_log SET username = 'someone.else' WHERE id = 2", 2),
    ] {
        cris::with_db!(&app.db, pool => { sqlx::query(tamper).execute(pool).await.unwrap(); });
        let out = verify();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("broken at row {row}")), "{err}");
    }
    // Removing the last row is noticed too.
    let app2 = TestApp::new().await;
    app2.staff("admin2", Role::GlobalAdmin, "NYC").await;
    let last: i64 = cris::with_db!(&app2.db, pool => {
        sqlx::query("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)").execute(pool).await.unwrap();
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetch_one(pool).await.unwrap()
    });
    let v = cris::kernel::audit::verify(&app2.db).await.unwrap();
    assert_eq!(v.broken.unwrap().id, last + 1);
}

#[tokio::test]
async fn audit_log_filters_and_exports() {
    let app = TestApp::new().await;
    app.staff("admin", Role::GlobalAdmin, "NYC").await;
    app.staff("carol", Role::Iso, "LOS").await;
    let cookie = app.sign_in("admin").await;
    let _ = try_password(&app, "carol", "wrong password here").await;
    let (status, _, page) = app.get("/staff/admin/audit?category=security&user=carol", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(page.contains("staff.sign_in") && page.contains("failed") && page.contains("203.0.113.9"));
    assert!(!page.contains(">admin<"), "filtered to one user");
    let (status, h, csv) = app.get("/staff/admin/audit.csv?event=staff_user.create", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert_eq!(h.get("content-type").unwrap(), "text/csv; charset=utf-8");
    assert!(csv.starts_with("id,time,category,event,user,ip,site,record,outcome,detail,hash\r\n"));
    assert_eq!(csv.lines().count(), 3, "two accounts were created: {csv}");
    let (status, _, page) = app.get("/staff/admin/audit?from=not-a-date", &[("cookie", &cookie)]).await;
    assert_eq!(status, 422);
    assert!(page.contains("is not a date"));
}

#[tokio::test]
async fn the_command_line_creates_the_first_administrator() {
    let app = TestApp::new().await;
    let mut child = cris_bin()
        .args([
            "--database-url",
            &app.test_db.url,
            "admin",
            "create-user",
            "--username",
            "first.admin",
            "--name",
            "First Admin",
            "--email",
            "first@cris.test",
            "--role",
            "global_admin",
            "--office",
            "nyc",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(b"a long and unusual pass phrase\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let user = cris::staff::store::by_username(&app.db, "first.admin").await.unwrap().unwrap();
    assert_eq!((user.role.as_str(), user.office_code.as_str()), ("global_admin", "NYC"));
    // A weak password is refused with the reason.
    let out = cris_bin()
        .args([
            "--database-url",
            &app.test_db.url,
            "admin",
            "create-user",
            "--username",
            "weak",
            "--name",
            "W",
            "--email",
            "w@cris.test",
            "--role",
            "iso",
            "--office",
            "NYC",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12"));
}

// R-AU-01 (issue 17, point 9): the staff menu is the pages' own checks, not a second list: for
// every role, each page of the menu opens (200) exactly when the menu shows it, and is refused
// (403) otherwise; the home shows the role's work and its menu only the jobs it holds.
#[tokio::test]
async fn the_menu_shows_exactly_the_pages_each_role_opens() {
    use cris::web::staff_nav::{doors, nav_for};
    let app = TestApp::new().await;
    for role in Role::ALL {
        let username = format!("menu.{}", role.as_str().replace('_', "-"));
        app.staff(&username, role, "NYC").await;
        let cookie = app.sign_in(&username).await;
        let (status, _, home) = app.get("/staff", &[("cookie", &cookie)]).await;
        assert_eq!(status, 200, "{role}: {home}");
        let shown: Vec<&str> = nav_for(role).iter().flat_map(|g| g.items.iter().map(|i| i.href)).collect();
        for door in doors::ALL {
            let (status, _, page) = app.get(door.href, &[("cookie", &cookie)]).await;
            let opens = door.opens(role);
            assert_eq!(shown.contains(&door.href), opens, "{role}: {}", door.href);
            assert_eq!(home.contains(&format!("href=\"{}\"", door.href)), opens, "{role}'s menu and {}", door.href);
            if opens {
                assert_eq!(status, 200, "{role} opens {}: {page}", door.href);
            } else {
                assert_eq!(status, 403, "{role} is refused {}", door.href);
            }
        }
    }
}

// R-SR-09, R-SR-12, R-QM-06, R-GW-01 (issue 17, point 9): the staff home counts the person's
// work from each capability's service: the officer's requests and those overdue, the lobby
// waiting at their office, the drafts awaiting review; plurals come from the catalogue.
#[tokio::test]
async fn the_staff_home_counts_each_persons_work() {
    let app = TestApp::new().await;
    crate::service_requests::case(&app, "LIN2590000071", "ACTIVELY_REVIEWED", "2025-06-02").await;
    app.staff("home.siio", Role::Siio, "NSC").await;
    app.staff("home.iio", Role::Iio, "NSC").await;
    app.staff("home.desk", Role::Reception, "NYC").await;
    app.staff("home.hq", Role::Headquarters, "NBC").await;
    crate::service_requests::file_late_by_mail(&app, "LIN2590000071", "en").await;

    let siio = app.sign_in("home.siio").await;
    let (_, _, home) = app.get("/staff", &[("cookie", &siio)]).await;
    assert!(home.contains("1 request waiting to be assigned"), "{home}");
    assert!(home.contains("None overdue"), "{home}");
    assert!(home.contains("No requests assigned to you"), "{home}");
    let (_, _, home) = app.get("/staff", &[("cookie", &app.sign_in("home.iio").await)]).await;
    assert!(home.contains("No requests assigned to you"), "{home}");
    let (_, _, home) = app.get("/staff", &[("cookie", &app.sign_in("home.desk").await)]).await;
    assert!(home.contains("Nobody waiting"), "{home}");
    assert!(!home.contains("id=\"work-requests\""), "the front desk has no requests");
    let (_, _, home) = app.get("/staff", &[("cookie", &app.sign_in("home.hq").await)]).await;
    assert!(home.contains("drafts waiting for review") || home.contains("draft waiting for review"), "{home}");
    assert!(home.contains("Every office"), "{home}");
}
