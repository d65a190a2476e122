//! The retention engine: each policy removes what it must and keeps what R-RT-03 keeps, a legal
//! hold survives, a second run removes nothing, and nothing of the purged people is left in any
//! table; the certificates page and the audit trail count without pointing.

use chrono::{Duration, TimeZone, Utc};
use cris::kernel::access::Role;
use cris::retention::model::{Kind, Policies};
use cris::retention::service;

use crate::infopass::every_row;
use crate::lobby::booked;
use crate::support::TestApp;

async fn scalar(app: &TestApp, sql: &'static str) -> i64 {
    cris::with_db!(&app.db, pool => { sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap() })
}

fn removed(c: &cris::retention::model::Certificate, kind: Kind) -> u64 {
    c.counts.iter().find(|n| n.kind == kind.code()).map_or(0, |n| n.removed)
}

async fn actor(app: &TestApp, username: &str, role: Role) -> cris::kernel::access::Actor {
    app.actor(username, role, "CHI").await
}

// R-RT-01: appointments are purged 60 days after their day, by the engine, in batches.
// R-RT-03: what survives is the count by office, service and day, and the visit's ticket with its
// officer, day and times, without the confirmation number, A-Number or ZIP code.
// R-AU-05: after booking, check-in and a call, the audit trail holds no name, birth date, phone
// or email of the customers; after the purge no table holds anything of them.
#[tokio::test]
async fn appointments_go_after_sixty_days_and_leave_only_what_business_needs() {
    let app = TestApp::new().await; // 2026-11-02, 9:00 in Chicago
    let rosa = booked(&app, "Rosalind", 9).await;
    let hugo = booked(&app, "Hugoberto", 10).await;
    app.staff("desk.chi", Role::Reception, "CHI").await;
    app.staff("iso.chi", Role::Iso, "CHI").await;
    let desk = app.sign_in("desk.chi").await;
    let iso = app.sign_in("iso.chi").await;
    let (status, _, _) =
        app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &rosa), ("confirm", "yes")]).await;
    assert_eq!(status, 303);
    let (status, _, _) = app.post_form("/staff/lobby/call", &iso, &[("counter", "4")]).await;
    assert_eq!(status, 303);
    // A later appointment (70 days on) must stay.
    cris::with_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO appointments (confirmation, pin_hash, office_code, service, starts_at, starts_utc, first_name, last_name, \
             birth_date, zip, phone, lang, created_at) VALUES ('777788889999', 'x', 'CHI', 'information', '2027-01-11T09:00', $1, \
             'Later', 'Person', '1990-01-01', '60601', '+13125550199', 'en', $1)",
        )
        .bind(Utc.with_ymd_and_hms(2027, 1, 11, 15, 0, 0).unwrap())
        .execute(pool)
        .await
        .unwrap();
    });
    // A third customer, who gave an email address.
    let emilia = crate::support::Customer {
        confirmation: "PURGE0000001".into(),
        office: "CHI",
        starts: app.clock.now() + Duration::hours(2),
        first_name: "Emilia",
        phone: "+13125550177".into(),
        email: Some("emilia.p@example.com"),
        lang: "en",
    };
    app.appointment_row(&emilia).await;
    let people = [
        "Rosalind",
        "Hugoberto",
        "1970-03-04",
        "5550100",
        "087654321",
        rosa.as_str(),
        hugo.as_str(),
        "Emilia",
        "emilia.p@example.com",
        "5550177",
        "PURGE0000001",
    ];
    let audit = every_row(&app.db).await.into_iter().filter(|r| r.starts_with("audit_log:")).collect::<Vec<_>>();
    assert!(audit.len() > 3);
    for row in &audit {
        for p in &people[..5] {
            assert!(!row.contains(p), "the audit trail holds {p}: {row}");
        }
    }

    let policies = Policies::default().with_batch(1);
    // Day 60 after: nothing yet.
    app.clock.advance(Duration::days(60));
    let plan = service::plan(&app.db, &policies, app.clock.now(), service::today(&app.clock)).await.unwrap();
    assert_eq!(plan.iter().find(|l| l.kind == Kind::Appointments).unwrap().extent.count, 0);
    app.clock.advance(Duration::days(1));
    let plan = service::plan(&app.db, &policies, app.clock.now(), service::today(&app.clock)).await.unwrap();
    let line = plan.iter().find(|l| l.kind == Kind::Appointments).unwrap();
    assert_eq!(line.extent.count, 3);
    assert_eq!(line.extent.oldest.map(|d| d.to_string()).as_deref(), Some("2026-11-02"));
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM appointments").await, 4, "the plan deletes nothing");

    let cert = service::run(&app.db, &policies, &app.clock, "job:test").await.unwrap();
    assert_eq!(removed(&cert, Kind::Appointments), 3);
    assert_eq!(removed(&cert, Kind::LobbyTickets), 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM appointments").await, 1, "the later appointment stays");
    assert_eq!(
        scalar(&app, "SELECT CAST(SUM(n) AS BIGINT) FROM appointment_counts WHERE outcome = 'purged' AND office_code = 'CHI' AND day = '2026-11-02'").await,
        3
    );
    // The visit keeps its officer, day and times, and nothing that points at the customer.
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM lobby_tickets WHERE officer_id IS NOT NULL AND called_at IS NOT NULL AND day = '2026-11-02' \
                      AND confirmation IS NULL AND a_number IS NULL AND zip IS NULL AND appointment_id IS NULL").await,
        1
    );
    for row in every_row(&app.db).await {
        for p in &people {
            assert!(!row.contains(p), "{p} is left after the purge: {row}");
        }
    }
    // Nor does the file itself hold them: deleted content is zeroed on disk (SQLite's
    // secure_delete), once the write-ahead log is folded into the file.
    if let Some(path) = app.test_db.url.strip_prefix("sqlite://") {
        cris::with_db!(&app.db, pool => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await.unwrap();
        });
        let file = std::fs::read(path).unwrap();
        for p in &people {
            assert!(!file.windows(p.len()).any(|w| w == p.as_bytes()), "{p} is left in the database file");
        }
    }
    // A second run removes nothing.
    let again = service::run(&app.db, &policies, &app.clock, "job:test").await.unwrap();
    assert_eq!(again.total(), 0, "{again:?}");
    // Both runs are certified and in the audit trail, by run id only.
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM retention_runs").await, 2);
    let runs: Vec<(String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT record, detail FROM audit_log WHERE event = 'retention.run' ORDER BY id").fetch_all(pool).await.unwrap()
    });
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].0, format!("retention_run:{}", cert.id));
    assert!(runs[0].1.contains("appointments 3"), "{}", runs[0].1);
}

// R-RT-01: a legal hold (its own capability, a reason, audited) keeps a record past its time,
// re-read inside each purge transaction; released, the record goes at the next run.
#[tokio::test]
async fn a_legal_hold_keeps_a_record_until_released() {
    let app = TestApp::new().await;
    booked(&app, "Heldina", 9).await;
    booked(&app, "Freeman", 10).await;
    let id: i64 = scalar(&app, "SELECT MIN(id) FROM appointments").await;
    let admin = actor(&app, "global.admin", Role::GlobalAdmin).await;
    let hq = actor(&app, "hq.person", Role::Headquarters).await;
    let now = app.clock.now();
    let refused = service::place_hold(&app.db, app.catalog.as_ref(), &hq, now, Kind::Appointments, id, "FOIA 12").await;
    assert!(matches!(refused, Err(cris::kernel::error::ServiceError::Denied(_))), "{refused:?}");
    let hold =
        service::place_hold(&app.db, app.catalog.as_ref(), &admin, now, Kind::Appointments, id, "Litigation 2026-77")
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        service::place_hold(&app.db, app.catalog.as_ref(), &admin, now, Kind::Appointments, id, "again").await.unwrap(),
        None
    );
    app.clock.advance(Duration::days(90));
    let policies = Policies::default();
    let cert = service::run(&app.db, &policies, &app.clock, "job:test").await.unwrap();
    assert_eq!(removed(&cert, Kind::Appointments), 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM appointments").await, 1);
    let plan = service::plan(&app.db, &policies, app.clock.now(), service::today(&app.clock)).await.unwrap();
    assert_eq!(plan.iter().find(|l| l.kind == Kind::Appointments).unwrap().held, 1);

    service::release_hold(&app.db, app.catalog.as_ref(), &admin, app.clock.now(), hold).await.unwrap();
    let cert = service::run(&app.db, &policies, &app.clock, "job:test").await.unwrap();
    assert_eq!(removed(&cert, Kind::Appointments), 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM appointments").await, 0);
    let audited: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT record FROM audit_log WHERE event IN ('retention.hold', 'retention.release') ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(audited, vec![format!("appointments:{id}"); 3]);
}

// R-RT-02: the other kinds follow their documented defaults: visit notes (60 days), sent
// messages (30 days; pending ones stay), expired sessions, address changes (a year; the case
// keeps its address history); a second run removes nothing.
#[tokio::test]
async fn every_kind_follows_its_policy() {
    let app = TestApp::new().await;
    let now = app.clock.now();
    let old = now - Duration::days(400);
    cris::with_db!(&app.db, pool => {
        for (status, at) in [("sent", old), ("failed", old), ("pending", old), ("sent", now)] {
            sqlx::query("INSERT INTO outbox (channel, recipient, subject, body, created_at, next_try_at, status) VALUES ('email', 'x@example.com', 's', 'b', $1, $1, $2)")
                .bind(at).bind(status).execute(pool).await.unwrap();
        }
        for (hash, at) in [("s1", now - Duration::hours(1)), ("s2", now + Duration::hours(1))] {
            sqlx::query("INSERT INTO sessions (token_hash, kind, subject_id, ip, created_at, last_seen_at, expires_at) VALUES ($1, 'staff', 1, '::1', $2, $2, $2)")
                .bind(hash).bind(at).execute(pool).await.unwrap();
        }
        for (a, at) in [("A012345678", old), ("A012345679", now)] {
            sqlx::query("INSERT INTO visit_notes (a_number, office_code, officer, note, created_at) VALUES ($1, 'CHI', 'iso', 'n', $2)")
                .bind(a).bind(at).execute(pool).await.unwrap();
            sqlx::query(
                "INSERT INTO address_changes (confirmation, first_name, last_name, a_number, birth_date, previous_line1, previous_city, \
                 previous_state, previous_zip, new_line1, new_city, new_state, new_zip, lang, submitted_at) \
                 VALUES ($1, 'F', 'L', $2, '1980-01-01', '1 A ST', 'X', 'IL', '60601', '2 B ST', 'X', 'IL', '60602', 'en', $3)",
            )
            .bind(format!("AR11-{a}")).bind(a).bind(at).execute(pool).await.unwrap();
        }
    });
    let policies = Policies::default();
    let cert = service::run(&app.db, &policies, &app.clock, "job:test").await.unwrap();
    assert_eq!(removed(&cert, Kind::Outbox), 2);
    assert_eq!(removed(&cert, Kind::Sessions), 1);
    assert_eq!(removed(&cert, Kind::VisitNotes), 1);
    assert_eq!(removed(&cert, Kind::AddressChanges), 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM outbox").await, 2);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'").await, 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM visit_notes").await, 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM address_changes").await, 1);
    assert_eq!(service::run(&app.db, &policies, &app.clock, "job:test").await.unwrap().total(), 0);
}

// R-RT-01: the certificates are listed on a staff page for headquarters and administrators,
// with counts only; other roles are refused; `cris retention plan` deletes nothing and `run`
// prints the certificate.
#[tokio::test]
async fn certificates_are_listed_for_headquarters_and_the_commands_print_them() {
    let app = TestApp::new().await;
    booked(&app, "Listed", 9).await;
    app.clock.advance(Duration::days(61));
    let plan = cris::app::retention(&app.db, &Policies::default(), &app.clock, &cris::config::RetentionCommand::Plan)
        .await
        .unwrap();
    assert!(plan.lines().any(|l| l.starts_with("appointments") && l.contains(" 1 ")), "{plan}");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM appointments").await, 1);
    let out = cris::app::retention(&app.db, &Policies::default(), &app.clock, &cris::config::RetentionCommand::Run)
        .await
        .unwrap();
    assert!(out.contains("purge certificate") && out.contains("removed 1"), "{out}");
    let id: String = cris::with_db!(&app.db, pool => { sqlx::query_scalar("SELECT id FROM retention_runs").fetch_one(pool).await.unwrap() });
    app.staff("hq.staff", Role::Headquarters, "CHI").await;
    app.staff("tier.one", Role::Tier1, "CHI").await;
    let hq = app.sign_in("hq.staff").await;
    let (status, _, page) = app.get("/staff/retention", &[("cookie", &hq)]).await;
    assert_eq!(status, 200);
    assert!(page.contains(&id) && page.contains("Appointments: 1, dated before") && !page.contains("Listed"), "{page}");
    assert!(
        page.contains("Rules 3")
            && page.contains("Focus-group contacts: 120 days")
            && !page.contains("appointments=60"),
        "{page}"
    );
    assert!(!page.contains("id=\"hold-form\""), "headquarters reads; it does not hold");
    let t1 = app.sign_in("tier.one").await;
    let (status, _, _) = app.get("/staff/retention", &[("cookie", &t1)]).await;
    assert_eq!(status, 403);
}

fn line(plan: &[cris::retention::model::PlanLine], kind: Kind) -> i64 {
    plan.iter().find(|l| l.kind == kind).map_or(-1, |l| l.extent.count)
}

// R-RT-02: service requests go three years after they were answered (open ones stay, however
// old), expired portfolio recovery links go, and the security counters (`throttles`) a day
// after their last failure, all through the engine: the plan counts them first, the run removes
// exactly those, a second run removes nothing.
#[tokio::test]
async fn requests_recovery_links_and_security_counters_follow_their_policies() {
    let app = TestApp::new().await;
    let now = app.clock.now();
    crate::service_requests::case(&app, "LIN2290000011", "CASE_RECEIVED", "2022-01-05").await;
    cris::with_db!(&app.db, pool => {
        let case: i64 = sqlx::query_scalar("SELECT id FROM cases WHERE receipt_number = 'LIN2290000011'").fetch_one(pool).await.unwrap();
        for (confirmation, status, resolved) in
            [("SR-OLD", "resolved", Some(now - Duration::days(1096))), ("SR-NEW", "resolved", Some(now - Duration::days(1094))), ("SR-OPEN", "open", None)]
        {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO service_requests (confirmation, case_id, issue, channel, office_code, status, lang, email, details, filed_at, due_on, resolved_at, resolved_by) \
                 VALUES ($1, $2, 'late', 'online', 'NSC', $3, 'en', 'someone@example.com', '{}', $4, $5, $6, $7) RETURNING id",
            )
            .bind(confirmation).bind(case).bind(status).bind(now - Duration::days(1200)).bind((now - Duration::days(1170)).date_naive())
            .bind(resolved).bind(resolved.map(|_| "letter"))
            .fetch_one(pool).await.unwrap();
            sqlx::query("INSERT INTO service_request_events (request_id, kind, at) VALUES ($1, 'filed', $2)")
                .bind(id).bind(now - Duration::days(1200)).execute(pool).await.unwrap();
        }
        let customer: i64 = sqlx::query_scalar(
            "INSERT INTO customers (user_id, password_hash, email, created_at) VALUES ('recovering', 'x', 'r@example.com', $1) RETURNING id",
        )
        .bind(now).fetch_one(pool).await.unwrap();
        for (hash, expires) in [("gone", now - Duration::minutes(1)), ("live", now + Duration::minutes(29))] {
            sqlx::query("INSERT INTO recovery_tokens (token_hash, customer_id, expires_at) VALUES ($1, $2, $3)")
                .bind(hash).bind(customer).bind(expires).execute(pool).await.unwrap();
        }
        for (key, last) in [("pin:src:192.0.2.1", now - Duration::hours(25)), ("pin:src:192.0.2.2", now - Duration::hours(23))] {
            sqlx::query("INSERT INTO throttles (key, failures, last_failure_at) VALUES ($1, 4, $2)")
                .bind(key).bind(last).execute(pool).await.unwrap();
        }
    });
    let policies = Policies::default();
    let plan = service::plan(&app.db, &policies, now, service::today(&app.clock)).await.unwrap();
    assert_eq!(line(&plan, Kind::ServiceRequests), 1);
    assert_eq!(line(&plan, Kind::PortfolioRecovery), 1);
    assert_eq!(line(&plan, Kind::Throttles), 1);
    let cert = service::run(&app.db, &policies.clone().with_batch(1), &app.clock, "job:test").await.unwrap();
    assert_eq!(removed(&cert, Kind::ServiceRequests), 1);
    assert_eq!(removed(&cert, Kind::PortfolioRecovery), 1);
    assert_eq!(removed(&cert, Kind::Throttles), 1);
    let left: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT confirmation FROM service_requests ORDER BY confirmation").fetch_all(pool).await.unwrap()
    });
    assert_eq!(left, ["SR-NEW", "SR-OPEN"]);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM service_request_events").await, 2, "the trail goes with its request");
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM recovery_tokens WHERE token_hash = 'live'").await, 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM recovery_tokens").await, 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM throttles WHERE key = 'pin:src:192.0.2.2'").await, 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM throttles").await, 1);
    assert_eq!(service::run(&app.db, &policies, &app.clock, "job:test").await.unwrap().total(), 0);
}

// R-RT-01: a hold placed after the plan and before the run (while a purge is under way) is read
// again inside the purge transaction: the plan counted the record, the run keeps it.
#[tokio::test]
async fn a_hold_placed_between_plan_and_run_is_honoured() {
    let app = TestApp::new().await;
    booked(&app, "Planned", 9).await;
    booked(&app, "Caught", 10).await;
    let caught: i64 = scalar(&app, "SELECT MAX(id) FROM appointments").await;
    let admin = actor(&app, "global.admin", Role::GlobalAdmin).await;
    app.clock.advance(Duration::days(61));
    let policies = Policies::default().with_batch(1);
    let plan = service::plan(&app.db, &policies, app.clock.now(), service::today(&app.clock)).await.unwrap();
    assert_eq!(line(&plan, Kind::Appointments), 2);
    service::place_hold(
        &app.db,
        app.catalog.as_ref(),
        &admin,
        app.clock.now(),
        Kind::Appointments,
        caught,
        "FOIA 2026-9",
    )
    .await
    .unwrap()
    .unwrap();
    let cert = service::run(&app.db, &policies, &app.clock, "job:test").await.unwrap();
    assert_eq!(removed(&cert, Kind::Appointments), 1);
    let left: Vec<i64> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT id FROM appointments").fetch_all(pool).await.unwrap()
    });
    assert_eq!(left, [caught]);
}

// R-RT-01: a hold names a record that exists: one on a number no record of that kind has (or
// that was purged already) is refused, writes neither a hold nor an audit row, and the page says
// so beside the field, keeping what was typed.
#[tokio::test]
async fn a_hold_on_a_missing_record_is_refused() {
    let app = TestApp::new().await;
    booked(&app, "Present", 9).await;
    let id: i64 = scalar(&app, "SELECT MIN(id) FROM appointments").await;
    let admin = actor(&app, "global.admin", Role::GlobalAdmin).await;
    let now = app.clock.now();
    for (kind, record) in [
        (Kind::Appointments, id + 1000),
        (Kind::LobbyTickets, 1),
        (Kind::VisitNotes, 1),
        (Kind::ServiceRequests, 1),
        (Kind::AddressChanges, 1),
    ] {
        let refused =
            service::place_hold(&app.db, app.catalog.as_ref(), &admin, now, kind, record, "Litigation 9").await;
        assert!(matches!(refused, Err(cris::kernel::error::ServiceError::NotFound)), "{kind:?}: {refused:?}");
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM legal_holds").await, 0);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE event = 'retention.hold'").await, 0);
    // The existing record can be held.
    assert!(
        service::place_hold(&app.db, app.catalog.as_ref(), &admin, now, Kind::Appointments, id, "Litigation 9")
            .await
            .unwrap()
            .is_some()
    );

    let cookie = app.sign_in("global.admin").await;
    let missing = (id + 1000).to_string();
    let (status, _, page) = app
        .post_form(
            "/staff/retention/holds",
            &cookie,
            &[("kind", "appointments"), ("record", &missing), ("reason", "Matter 77-B")],
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        page.contains("No record of that kind has this number")
            && page.contains("Matter 77-B")
            && page.contains(&missing),
        "{page}"
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM legal_holds").await, 1);
}

// R-RT-02: `cris retention plan` counts the focus-group contacts the run would remove (kept on
// day 119 after contact, counted and removed on day 120).
#[tokio::test]
async fn the_plan_counts_focus_group_contacts() {
    let app = TestApp::new().await;
    let hq = app.actor("hq.plan", Role::Headquarters, "NBC").await;
    let c = crate::support::Customer {
        confirmation: "PLAN0000001".into(),
        office: "NYC",
        starts: app.clock.now() - Duration::days(7),
        first_name: "Zoraida",
        phone: "+12125550143".into(),
        email: Some("zoraida.q@example.com"),
        lang: "en",
    };
    app.appointment_row(&c).await;
    let form = cris::surveys::focus_groups::model::FocusGroupForm {
        office: "NYC".into(),
        held_on: "2026-12-10".into(),
        place: "26 Federal Plaza, room 8".into(),
        size: "1".into(),
        reply_by: "2026-11-20".into(),
        ..Default::default()
    };
    cris::surveys::focus_groups::service::define(
        &app.db,
        &app.catalog,
        app.state.token_key(),
        app.state.public_url(),
        &hq,
        app.clock.now(),
        &form,
    )
    .await
    .unwrap()
    .unwrap();
    let body: String = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT body FROM outbox WHERE body LIKE '%/focus-group?%'").fetch_one(pool).await.unwrap()
    });
    let token = crate::support::link_param(&body, "t");
    cris::surveys::focus_groups::service::reply(
        &app.db,
        &token,
        "accept",
        "Zoraida",
        "(202) 555-0143",
        app.clock.now(),
    )
    .await
    .unwrap();
    let plan_text = |app: &TestApp| {
        let (db, clock) = (app.db.clone(), app.clock.clone());
        async move {
            cris::app::retention(&db, &Policies::default(), &clock, &cris::config::RetentionCommand::Plan)
                .await
                .unwrap()
        }
    };
    let focus_line = |text: &str| {
        text.lines().find(|l| l.starts_with("focus_contacts")).unwrap().split_whitespace().nth(1).unwrap().to_owned()
    };
    app.clock.advance(Duration::days(119));
    assert_eq!(focus_line(&plan_text(&app).await), "0", "kept on day 119");
    app.clock.advance(Duration::days(1));
    let text = plan_text(&app).await;
    assert_eq!(focus_line(&text), "1", "{text}");
    let cert = service::run(&app.db, &Policies::default(), &app.clock, "job:test").await.unwrap();
    assert_eq!(removed(&cert, Kind::FocusContacts), 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM focus_contacts").await, 0);
}
