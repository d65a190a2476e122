//! The CMIS lobby over HTTP: check-in by confirmation number and by search, walk-ins, tickets,
//! the queue's order, the officer's console and the lobby display's live events.

use cris::kernel::access::{Capability, Role, permit_at};

use crate::support::TestApp;

/// The next lobby event, within 5 seconds.
async fn next(rx: &mut tokio::sync::broadcast::Receiver<cris::lobby::events::Event>) -> cris::lobby::events::Event {
    tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await.expect("a lobby event within 5 s").unwrap()
}

fn location(headers: &axum::http::HeaderMap) -> String {
    headers["location"].to_str().unwrap().to_owned()
}

/// Books an appointment at Chicago through the service and returns its confirmation number.
pub async fn booked(app: &TestApp, first: &str, hour: u32) -> String {
    use cris::infopass::booking::{self, Booking, Slot};
    let starts =
        app.clock.now().with_timezone(&chrono_tz::America::Chicago).date_naive().and_hms_opt(hour, 0, 0).unwrap();
    let slot = Slot { office_code: "CHI".into(), service: cris::infopass::calendar::Service::Documents, starts };
    let hold = booking::hold(&app.db, &slot, app.clock.now()).await.unwrap().unwrap();
    let form = cris::infopass::model::DetailsForm {
        first_name: first.into(),
        last_name: "Lobby".into(),
        birth_month: "3".into(),
        birth_day: "4".into(),
        birth_year: "1970".into(),
        zip: "60601".into(),
        phone: "312-555-0100".into(),
        a_number: "A087654321".into(),
        ..Default::default()
    };
    let details = form.parse(app.clock.now().date_naive()).unwrap();
    let compose = |_: &cris::infopass::model::Appointment| (String::new(), String::new(), String::new());
    let key = cris::kernel::tokens::TokenKey::random();
    let b = Booking {
        hold: &hold,
        details: &details,
        lang: cris::kernel::i18n::Lang::En,
        tz: chrono_tz::America::Chicago,
        representative: None,
        email: &compose,
        ip: "127.0.0.1",
    };
    booking::book(&app.db, &key, &b, app.clock.now()).await.unwrap().appointment.confirmation.as_str().to_owned()
}

// R-QM-01 to R-QM-07: reception checks a booked customer in by confirmation number and a
// walk-in without one; tickets are numbered per office and day with the service letter; the
// officer calls the booked customer first, the display's event stream says so with the ticket
// and counter only; start, notes by A-Number, close; every step time-stamped and audited.
#[tokio::test]
async fn check_in_ticket_call_and_display() {
    let app = TestApp::new().await; // 9:00 in Chicago
    let confirmation = booked(&app, "Rosa", 9).await;
    app.staff("desk.chi", Role::Reception, "CHI").await;
    app.staff("iso.chi", Role::Iso, "CHI").await;
    let desk = app.sign_in("desk.chi").await;
    let iso = app.sign_in("iso.chi").await;

    // A walk-in arrives first.
    let (status, headers, _) = app
        .post_form("/staff/lobby/walk-in", &desk, &[("service", "information"), ("zip", "60601"), ("party", "2")])
        .await;
    assert_eq!(status, 303);
    let (_, _, ticket) = app.get(&location(&headers), &[("cookie", &desk)]).await;
    assert!(ticket.contains(r#"id="ticket-label">I001<"#) && ticket.contains("Walk-in"), "{ticket}");

    // The search finds the day's appointment by name; a scanner types the number and Enter.
    let (status, _, page) = app.get("/staff/lobby?last_name=lobby&first_name=ROSA", &[("cookie", &desk)]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Rosa Lobby") && page.contains(&confirmation), "{page}");
    let (_, _, page) = app.get("/staff/lobby?last_name=Nobody", &[("cookie", &desk)]).await;
    assert!(page.contains("Check the customer in as a walk-in"));

    let mut events = app.state.lobby().subscribe("CHI").unwrap();
    // R-QM-01: the scan shows who holds the appointment before any ticket is issued.
    let (status, _, page) = app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &confirmation)]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"id="arriving-name">Rosa Lobby<"#)
            && page.contains(r#"id="arriving-born">1970-03-04<"#)
            && page.contains(r#"id="arriving-type">Bring or pick up documents<"#)
            && page.contains(r#"id="arriving-time">2026-11-02 09:00 CST<"#)
            && page.contains(r#"id="issue-ticket""#),
        "{page}"
    );
    let tickets: i64 = cris::with_db!(&app.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM lobby_tickets").fetch_one(pool).await.unwrap());
    assert_eq!(tickets, 1, "only the walk-in: no ticket before the desk confirms");
    let (status, headers, _) =
        app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &confirmation), ("confirm", "yes")]).await;
    assert_eq!(status, 303);
    let (_, _, ticket) = app.get(&location(&headers), &[("cookie", &desk)]).await;
    assert!(
        ticket.contains(r#"id="ticket-label">D002<"#)
            && ticket.contains("A087654321")
            && ticket.contains("2026-11-02 09:00"),
        "{ticket}"
    );
    assert_eq!(next(&mut events).await.ticket, "D002");
    let (status, _, page) =
        app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &confirmation), ("confirm", "yes")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("already checked in, as ticket D002"));
    let (status, _, page) = app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", "1234")]).await;
    assert_eq!((status, page.contains("12 digits")), (422, true));

    // Reception cannot call; the officer calls, and the booked customer goes first.
    let (status, _, _) = app.post_form("/staff/lobby/call", &desk, &[("counter", "4")]).await;
    assert_eq!(status, 403);
    let (status, headers, _) = app.post_form("/staff/lobby/call", &iso, &[("counter", "4")]).await;
    assert_eq!((status, location(&headers)), (303, "/staff/lobby/console?counter=4".to_owned()));
    let called = next(&mut events).await;
    assert_eq!(
        (called.kind, called.ticket.as_str(), called.counter.as_deref(), called.waiting),
        ("called", "D002", Some("4"), 1)
    );
    let json = serde_json::to_string(&called).unwrap();
    assert!(!json.contains("Rosa") && !json.contains("Lobby"), "no names on the display");

    let (_, _, display) = app.get("/lobby/CHI", &[]).await;
    assert!(
        display.contains(r#"<tr data-ticket="D002"><td>D002</td><td>4</td></tr>"#) && !display.contains("Rosa"),
        "{display}"
    );
    let stream = app.send(axum::http::Request::get("/lobby/CHI/events").body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(
        (stream.status().as_u16(), stream.headers()["content-type"].to_str().unwrap()),
        (200, "text/event-stream")
    );

    let (_, _, console) = app.get("/staff/lobby/console?counter=4", &[("cookie", &iso)]).await;
    assert!(
        console.contains(r#"id="current-ticket">D002<"#) && console.contains("No notes from earlier visits"),
        "{console}"
    );
    let id = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT id FROM lobby_tickets WHERE label = 'D002'").fetch_one(pool).await.unwrap()
    });
    app.clock.advance(chrono::Duration::minutes(2));
    let (status, _, _) =
        app.post_form(&format!("/staff/lobby/tickets/{id}/step"), &iso, &[("action", "start"), ("counter", "4")]).await;
    assert_eq!(status, 303);
    let (status, _, _) = app
        .post_form(
            &format!("/staff/lobby/tickets/{id}/notes"),
            &iso,
            &[("note", "Asked about card delivery; told to wait 30 days."), ("counter", "4")],
        )
        .await;
    assert_eq!(status, 303);
    app.clock.advance(chrono::Duration::minutes(10));
    let (status, _, _) = app
        .post_form(
            &format!("/staff/lobby/tickets/{id}/step"),
            &iso,
            &[("action", "close"), ("given", "documents"), ("given", "information"), ("counter", "4")],
        )
        .await;
    assert_eq!(status, 303);
    let (status_, given, called_at, started, ended): (String, String, Option<String>, Option<String>, Option<String>) = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT status, services_given, CAST(called_at AS TEXT), CAST(started_at AS TEXT), CAST(ended_at AS TEXT) FROM lobby_tickets WHERE id = $1")
            .bind(id).fetch_one(pool).await.unwrap()
    });
    assert_eq!((status_.as_str(), given.as_str()), ("done", "documents,information"));
    assert!(called_at.is_some() && started.is_some() && ended.is_some());
    // R-QM-08: the note is kept by A-Number, apart from the case data.
    let notes: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM visit_notes WHERE a_number = 'A087654321'").fetch_one(pool).await.unwrap()
    });
    assert_eq!(notes, 1);
    let audited: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event LIKE 'lobby.%' OR event LIKE 'visit_notes.%'").fetch_one(pool).await.unwrap()
    });
    assert!(audited >= 5, "{audited}");

    // The walk-in is next; then nobody.
    let (_, _, _) = app.post_form("/staff/lobby/call", &iso, &[("counter", "4")]).await;
    assert_eq!(next(&mut events).await.kind, "serving");
    assert_eq!(next(&mut events).await.kind, "done");
    assert_eq!(next(&mut events).await.ticket, "I001");
    let (_, headers, _) = app.post_form("/staff/lobby/call", &iso, &[("counter", "4")]).await;
    assert!(location(&headers).ends_with("empty=true"));
}

// R-QM-04: walk-ins wait behind customers with appointments, until they have waited longer
// than the ageing limit; a customer too late for the window waits as a walk-in.
#[tokio::test]
async fn the_queue_puts_appointments_first_without_starving_walk_ins() {
    let app = TestApp::new().await; // 9:00 in Chicago
    app.staff("desk.chi", Role::Reception, "CHI").await;
    app.staff("iso.chi", Role::Iso, "CHI").await;
    let desk = app.sign_in("desk.chi").await;
    let iso = app.sign_in("iso.chi").await;
    let late = booked(&app, "Late", 8).await; // 8:00, an hour ago: past the window
    let on_time = booked(&app, "Ontime", 9).await;
    let early = booked(&app, "Early", 11).await; // two hours ahead: outside the early window
    app.post_form("/staff/lobby/walk-in", &desk, &[("service", "information")]).await; // I001
    for c in [&late, &on_time, &early] {
        // D002, as a walk-in (past the window); D003, booked; D004, too early.
        app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", c), ("confirm", "yes")]).await;
    }
    let mut events = app.state.lobby().subscribe("CHI").unwrap();
    let mut order = Vec::new();
    for _ in 0..4 {
        app.post_form("/staff/lobby/call", &iso, &[("counter", "1")]).await;
        order.push(next(&mut events).await.ticket);
    }
    assert_eq!(order, ["D003", "I001", "D002", "D004"]);

    // A walk-in who has waited past the ageing limit goes before a booked customer.
    app.post_form("/staff/lobby/walk-in", &desk, &[("service", "documents")]).await; // D005
    app.clock.advance(chrono::Duration::minutes(50));
    // Idle sessions end; both sign in again.
    let (desk, iso) = (app.sign_in("desk.chi").await, app.sign_in("iso.chi").await);
    let third = booked(&app, "Third", 11).await;
    app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &third)]).await; // D006
    app.post_form("/staff/lobby/call", &iso, &[("counter", "1")]).await;
    let next = loop {
        let e = next(&mut events).await;
        if e.kind == "called" {
            break e.ticket;
        }
    };
    assert_eq!(next, "D005");
}

async fn ticket_id(app: &TestApp, label: &str) -> i64 {
    cris::with_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT id FROM lobby_tickets WHERE label = $1").bind(label).fetch_one(pool).await.unwrap()
    })
}

async fn outbox_to(app: &TestApp, recipient: &str) -> Vec<String> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_scalar::<_, String>("SELECT subject FROM outbox WHERE recipient = $1 ORDER BY id").bind(recipient).fetch_all(pool).await.unwrap()
    })
}

// R-QM-07: an office's thresholds, set by its administrator, raise an alert once per level on
// the dashboard and by email to the supervisors, and clear it when the measure falls back.
// R-QM-04, R-QM-05: a call out of queue order needs its own capability and a reason, audited;
// the queue never calls a ticket left over from another day.
#[tokio::test]
async fn thresholds_alert_supervisors_and_calls_out_of_order_are_audited() {
    let app = TestApp::new().await; // 9:00 in Chicago
    app.staff("desk.chi", Role::Reception, "CHI").await;
    app.staff("iso.chi", Role::Iso, "CHI").await;
    app.staff("siio.chi", Role::Siio, "CHI").await;
    app.staff("admin.chi", Role::DistrictAdmin, "CHI").await;
    let (desk, iso) = (app.sign_in("desk.chi").await, app.sign_in("iso.chi").await);
    let (siio, admin) = (app.sign_in("siio.chi").await, app.sign_in("admin.chi").await);

    // Rules: only an administrator, and every value checked.
    let (status, _, _) = app.get("/staff/lobby/rules", &[("cookie", &desk)]).await;
    assert_eq!(status, 403);
    let (status, _, page) = app.get("/staff/lobby/rules?office=CHI", &[("cookie", &admin)]).await;
    assert!(status == 200 && page.contains(r#"name="ageing_minutes" inputmode="numeric" value="45""#), "{page}");
    let mut rules = vec![
        ("office", "CHI"),
        ("early_minutes", "30"),
        ("late_minutes", "15"),
        ("ageing_minutes", "45"),
        ("max_calls", "3"),
        ("longest_wait_warning", "30"),
        ("longest_wait_critical", "60"),
        ("waiting_warning", "2"),
        ("waiting_critical", "2"),
        ("running_late_warning", "5"),
        ("running_late_critical", "9"),
    ];
    let (status, _, page) = app.post_form("/staff/lobby/rules", &admin, &rules).await;
    assert!(status == 422 && page.contains("critical level must be above the warning level"), "{page}");
    rules[8] = ("waiting_critical", "3");
    let (status, headers, _) = app.post_form("/staff/lobby/rules", &admin, &rules).await;
    assert_eq!((status, location(&headers)), (303, "/staff/lobby/rules?office=CHI&saved=true".to_owned()));
    let stored = cris::lobby::rules::of_office(&app.db, "CHI").await.unwrap();
    assert_eq!((stored.waiting.warning, stored.waiting.critical), (2, 3));

    // Two waiting: warning; three: critical. One email each to the supervisor, none to others.
    for _ in 0..3 {
        app.post_form("/staff/lobby/walk-in", &desk, &[("service", "information")]).await;
    }
    let mail = outbox_to(&app, "siio.chi@cris.test").await;
    assert_eq!(mail.len(), 2, "{mail:?}");
    assert!(mail[0].contains("(warning): Customers waiting") && mail[1].contains("(critical)"), "{mail:?}");
    assert!(outbox_to(&app, "iso.chi@cris.test").await.is_empty(), "officers are not supervisors");
    let (status, _, dash) = app.get("/staff/lobby/dashboard", &[("cookie", &siio)]).await;
    assert_eq!(status, 200);
    assert!(dash.contains(r#"data-measure="waiting" data-level="critical""#), "{dash}");
    assert!(dash.contains(r#"data-alert="waiting" data-open="true""#) && dash.contains("Call I003 now"), "{dash}");
    let (status, _, _) = app.get("/staff/lobby/dashboard", &[("cookie", &iso)]).await;
    assert_eq!(status, 403, "officers do not monitor the lobby");

    // Out of order: not for officers; a supervisor with a reason.
    let mut events = app.state.lobby().subscribe("CHI").unwrap();
    let i003 = ticket_id(&app, "I003").await;
    let call = format!("/staff/lobby/tickets/{i003}/call");
    let (status, _, _) =
        app.post_form(&call, &iso, &[("counter", "7"), ("reason", "Customer uses a wheelchair")]).await;
    assert_eq!(status, 403);
    let (status, _, _) = app.post_form(&call, &siio, &[("counter", "7"), ("reason", "")]).await;
    assert_eq!(status, 422);
    let (status, _, _) =
        app.post_form(&call, &siio, &[("counter", "7"), ("reason", "Customer uses a wheelchair")]).await;
    assert_eq!(status, 303);
    let e = next(&mut events).await;
    assert_eq!((e.kind, e.ticket.as_str(), e.counter.as_deref(), e.waiting), ("called", "I003", Some("7"), 2));
    let (reason, audited): (Option<String>, String) = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT t.out_of_order_reason, a.detail FROM lobby_tickets t, audit_log a WHERE t.id = $1 AND a.event = 'lobby.call_out_of_order'")
            .bind(i003).fetch_one(pool).await.unwrap()
    });
    assert_eq!(reason.as_deref(), Some("Customer uses a wheelchair"));
    assert_eq!(audited, "I003 to counter 7: Customer uses a wheelchair");
    let (status, _, _) =
        app.post_form(&call, &siio, &[("counter", "7"), ("reason", "Customer uses a wheelchair")]).await;
    assert_eq!(status, 404, "already called");

    // The queue goes on in order; below the warning level the alert clears, without email.
    app.post_form("/staff/lobby/call", &iso, &[("counter", "1")]).await;
    assert_eq!(next(&mut events).await.ticket, "I001");
    let open: Vec<(String, Option<String>)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT level, CAST(cleared_at AS TEXT) FROM lobby_alerts WHERE measure = 'waiting'").fetch_all(pool).await.unwrap()
    });
    assert_eq!(open.len(), 1);
    assert!(open[0].1.is_some(), "cleared: {open:?}");
    assert_eq!(outbox_to(&app, "siio.chi@cris.test").await.len(), 2);
    // Every time on the dashboard names its zone, the office's (issue 17, point 12).
    let (_, _, dash) = app.get("/staff/lobby/dashboard", &[("cookie", &siio)]).await;
    assert!(dash.contains("<td>2026-11-02 09:00 CST</td>"), "the call, with its zone: {dash}");
    assert!(dash.contains("at 2026-11-02 09:00 CST; cleared at 2026-11-02 09:00 CST"), "{dash}");

    // Waits grow with no event: the minutely evaluation raises the longest-wait alert.
    app.clock.advance(chrono::Duration::minutes(31));
    let changes = cris::lobby::alerts::evaluate_all(&app.db, &app.catalog, app.clock.now()).await.unwrap();
    assert_eq!(changes, 1);
    let mail = outbox_to(&app, "siio.chi@cris.test").await;
    assert!(mail.len() == 3 && mail[2].contains("Longest wait"), "{mail:?}");
    assert_eq!(cris::lobby::alerts::evaluate_all(&app.db, &app.catalog, app.clock.now()).await.unwrap(), 0, "once");

    // The next morning, yesterday's waiting ticket is not called.
    app.clock.advance(chrono::Duration::hours(24));
    let iso = app.sign_in("iso.chi").await;
    let (status, headers, page) = app.post_form("/staff/lobby/call", &iso, &[("counter", "1")]).await;
    assert!(status == 303 && location(&headers).ends_with("empty=true"), "{status} {page}");
}

// R-RP-01: the productivity report for an office within reach, its charts and its CSV tables;
// an office out of reach is refused.
#[tokio::test]
async fn the_productivity_report_covers_the_reach() {
    let app = TestApp::new().await; // 9:00 in Chicago
    app.staff("desk.chi", Role::Reception, "CHI").await;
    app.staff("iso.chi", Role::Iso, "CHI").await;
    app.staff("siio.chi", Role::Siio, "CHI").await;
    let (desk, iso) = (app.sign_in("desk.chi").await, app.sign_in("iso.chi").await);
    let confirmation = booked(&app, "Report", 9).await;
    app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &confirmation), ("confirm", "yes")]).await;
    app.post_form("/staff/lobby/walk-in", &desk, &[("service", "information")]).await;
    app.clock.advance(chrono::Duration::minutes(6));
    app.post_form("/staff/lobby/call", &iso, &[("counter", "2")]).await;
    let d001 = ticket_id(&app, "D001").await;
    app.post_form(&format!("/staff/lobby/tickets/{d001}/step"), &iso, &[("action", "start"), ("counter", "2")]).await;
    app.clock.advance(chrono::Duration::minutes(12));
    let (status, _, _) = app
        .post_form(
            &format!("/staff/lobby/tickets/{d001}/step"),
            &iso,
            &[("action", "close"), ("given", "documents"), ("counter", "2")],
        )
        .await;
    assert_eq!(status, 303);

    let siio = app.sign_in("siio.chi").await; // idle for 18 minutes: signed out
    let (status, _, page) = app.get("/staff/reports", &[("cookie", &siio)]).await;
    assert_eq!(status, 200);
    assert!(page.contains("<svg class=\"cris-chart\"") && page.contains("Visits served a day"), "{page}");
    assert!(page.contains("1 visit, mean 6.0 minutes, 90th percentile 6.0 minutes"), "waiting: {page}");
    assert!(page.contains("1 visit, mean 12.0 minutes, 90th percentile 12.0 minutes"), "service: {page}");
    assert!(page.contains("<th scope=\"row\">iso.chi</th><td>1</td>"), "{page}");
    let today = app.clock.now().with_timezone(&chrono_tz::America::Chicago).date_naive();
    let (status, headers, csv) = app
        .get(&format!("/staff/reports/lobby.csv?table=days&office=CHI&from={today}&to={today}"), &[("cookie", &siio)])
        .await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "text/csv; charset=utf-8"));
    assert_eq!(
        csv,
        format!(
            "\"day\",\"arrivals\",\"served\",\"no_shows\",\"mean_wait_minutes\"\r\n\"{today}\",\"2\",\"1\",\"0\",\"6.0\"\r\n"
        )
    );
    let (status, _, csv) = app
        .get(
            &format!("/staff/reports/lobby.csv?table=services&office=CHI&from={today}&to={today}"),
            &[("cookie", &siio)],
        )
        .await;
    assert!(status == 200 && csv.contains("\"documents\",\"1\",\"0\",\"1\",\"0\",\"1\",\"0\""), "{csv}");
    let (status, _, page) = app.get("/staff/reports?from=2026-13-01", &[("cookie", &siio)]).await;
    assert!(status == 422 && page.contains("YYYY-MM-DD"), "{page}");
    let (status, _, _) = app.get("/staff/reports?office=NYC", &[("cookie", &siio)]).await;
    assert_eq!(status, 403, "another office is out of reach");
    let desk = app.sign_in("desk.chi").await;
    let (status, _, _) = app.get("/staff/reports", &[("cookie", &desk)]).await;
    assert_eq!(status, 403);
    let audited: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'reports.lobby'").fetch_one(pool).await.unwrap()
    });
    assert_eq!(audited, 3);
}

/// A staff actor at Chicago, through its account.
async fn actor(app: &TestApp, username: &str, role: Role) -> cris::kernel::access::Actor {
    let user_id = app.staff(username, role, "CHI").await;
    cris::kernel::access::Actor {
        user_id,
        username: username.into(),
        role,
        place: cris::kernel::access::Place::of(app.catalog.office("CHI").unwrap()),
        ip: "127.0.0.1".into(),
    }
}

// R-QM-08: visit notes are kept apart from adjudication: every adjudication role (and every
// role but the officer who serves the lobby) is refused reading and writing them, and each
// refusal is logged.
#[tokio::test]
async fn visit_notes_are_refused_to_every_other_role() {
    let app = TestApp::new().await;
    let a_number: cris::kernel::ids::ANumber = "A087654321".parse().unwrap();
    let now = app.clock.now();
    let adjudication = [Role::AsylumOfficer, Role::FraudAnalyst, Role::InternationalAnalyst];
    for (i, role) in Role::ALL.into_iter().filter(|r| *r != Role::Iso).enumerate() {
        let who = actor(&app, &format!("other.{i}"), role).await;
        let read = cris::lobby::queue::notes(&app.db, &app.catalog, &who, now, &a_number, 0).await;
        assert!(matches!(read, Err(cris::lobby::queue::LobbyError::Staff(_))), "{role:?} reads notes");
        let write = cris::lobby::queue::write_note(&app.db, &app.catalog, &who, now, ("CHI", 1), &a_number, "x").await;
        assert!(matches!(write, Err(cris::lobby::queue::LobbyError::Staff(_))), "{role:?} writes notes");
    }
    for role in adjudication {
        assert!(!role.capabilities().contains(&cris::kernel::access::Capability::VisitNotesRead), "{role:?}");
    }
    let refused: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'access.denied' AND record LIKE 'visit_notes.%'").fetch_one(pool).await.unwrap()
    });
    assert_eq!(refused, 2 * (Role::ALL.len() as i64 - 1), "every refusal is logged");
    let notes: i64 = cris::with_db!(&app.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM visit_notes").fetch_one(pool).await.unwrap());
    assert_eq!(notes, 0);
}

// R-QM-05, R-QM-08: the console's "earlier visits" shows the notes of earlier visits only, not
// the one being served.
#[tokio::test]
async fn earlier_visits_show_only_earlier_visits_notes() {
    let app = TestApp::new().await; // 9:00 in Chicago
    let confirmation = booked(&app, "Rosa", 9).await;
    app.staff("desk.chi", Role::Reception, "CHI").await;
    let iso_actor = actor(&app, "iso.chi", Role::Iso).await;
    let desk = app.sign_in("desk.chi").await;
    let iso = app.sign_in("iso.chi").await;
    // A note from a visit last month, by A-Number.
    let a_number: cris::kernel::ids::ANumber = "A087654321".parse().unwrap();
    cris::with_db!(&app.db, pool => {
        sqlx::query("INSERT INTO visit_notes (a_number, ticket_id, office_code, officer, note, created_at) VALUES ($1, NULL, 'CHI', 'iso.old', 'Earlier: asked about fees.', $2)")
            .bind(a_number.as_str()).bind(app.clock.now() - chrono::Duration::days(30)).execute(pool).await.unwrap();
    });
    let (status, _, _) =
        app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &confirmation), ("confirm", "yes")]).await;
    assert_eq!(status, 303);
    app.post_form("/staff/lobby/call", &iso, &[("counter", "4")]).await;
    let id = ticket_id(&app, "D001").await;
    app.post_form(&format!("/staff/lobby/tickets/{id}/step"), &iso, &[("action", "start"), ("counter", "4")]).await;
    let (status, _, _) = app
        .post_form(
            &format!("/staff/lobby/tickets/{id}/notes"),
            &iso,
            &[("note", "Today: card delivery."), ("counter", "4")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, _, console) = app.get("/staff/lobby/console?counter=4", &[("cookie", &iso)]).await;
    assert!(console.contains("Earlier: asked about fees."), "{console}");
    assert!(!console.contains("Today: card delivery."), "this visit's note is not an earlier visit's: {console}");
    let earlier =
        cris::lobby::queue::notes(&app.db, &app.catalog, &iso_actor, app.clock.now(), &a_number, id).await.unwrap();
    assert_eq!(earlier.len(), 1);
}

// R-QM-05, R-AU-02: only the officer who called a ticket starts or closes it; another officer is
// refused (and the refusal logged), a supervisor may step in.
#[tokio::test]
async fn only_the_calling_officer_or_a_supervisor_works_a_ticket() {
    let app = TestApp::new().await;
    app.staff("desk.chi", Role::Reception, "CHI").await;
    app.staff("iso.one", Role::Iso, "CHI").await;
    app.staff("iso.two", Role::Iso, "CHI").await;
    app.staff("siio.chi", Role::Siio, "CHI").await;
    let desk = app.sign_in("desk.chi").await;
    let (one, two, siio) = (app.sign_in("iso.one").await, app.sign_in("iso.two").await, app.sign_in("siio.chi").await);
    app.post_form("/staff/lobby/walk-in", &desk, &[("service", "information"), ("zip", "60601"), ("party", "1")]).await;
    let (status, _, _) = app.post_form("/staff/lobby/call", &one, &[("counter", "4")]).await;
    assert_eq!(status, 303);
    let id = ticket_id(&app, "I001").await;
    let step = |who: &str, action: &'static str| {
        let who = who.to_owned();
        let app = &app;
        async move {
            let form = [("action", action), ("counter", "4"), ("given", "information")];
            app.post_form(&format!("/staff/lobby/tickets/{id}/step"), &who, &form).await.0
        }
    };
    assert_eq!(step(&two, "start").await, 403, "another officer cannot start it");
    assert_eq!(step(&one, "start").await, 303, "the calling officer starts it");
    assert_eq!(step(&two, "close").await, 403, "another officer cannot close it");
    let status: String = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT status FROM lobby_tickets WHERE id = $1").bind(id).fetch_one(pool).await.unwrap()
    });
    assert_eq!(status, "serving");
    let refused: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'access.denied' AND record = 'lobby.step_other' AND username = 'iso.two'").fetch_one(pool).await.unwrap()
    });
    assert_eq!(refused, 2);
    assert_eq!(step(&siio, "close").await, 303, "a supervisor may close it");
}

// R-QM-01, R-QM-03: an appointment for another day is not checked in as an appointment: the desk
// sees its day and is offered a walk-in ticket, and the service refuses it even when asked.
#[tokio::test]
async fn check_in_refuses_an_appointment_for_another_day() {
    let app = TestApp::new().await; // Monday 9:00 in Chicago
    let confirmation = booked(&app, "Rosa", 10).await;
    app.clock.advance(chrono::Duration::days(1));
    app.staff("desk.chi", Role::Reception, "CHI").await;
    let desk = app.sign_in("desk.chi").await;
    let (status, _, page) = app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &confirmation)]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("This appointment is for Monday, November 2, 2026, not today")
            && page.contains(r#"id="issue-walk-in""#)
            && !page.contains(r#"id="issue-ticket""#),
        "{page}"
    );
    let (status, _, page) =
        app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &confirmation), ("confirm", "yes")]).await;
    assert!(status == 422 && page.contains("This appointment is for Monday, November 2, 2026"), "{page}");
    let tickets: i64 = cris::with_db!(&app.db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM lobby_tickets").fetch_one(pool).await.unwrap());
    assert_eq!(tickets, 0);
    // The walk-in ticket offered instead.
    let (status, _, _) = app
        .post_form(
            "/staff/lobby/walk-in",
            &desk,
            &[("service", "documents"), ("a_number", "A087654321"), ("zip", "60601"), ("party", "1")],
        )
        .await;
    assert_eq!(status, 303);
    let booked_: i32 = cris::with_db!(&app.db, pool => sqlx::query_scalar("SELECT booked FROM lobby_tickets").fetch_one(pool).await.unwrap());
    assert_eq!(booked_, 0, "a walk-in");
}

// R-QM-06, R-RP-01: a transfer keeps the visit's first service: the timeline holds both
// segments with their own waits, officers and times, and the productivity report counts both.
#[tokio::test]
async fn a_transfer_keeps_every_step_of_the_visit() {
    let app = TestApp::new().await; // 9:00 in Chicago
    app.staff("desk.chi", Role::Reception, "CHI").await;
    let (one_actor, siio) = (actor(&app, "iso.one", Role::Iso).await, actor(&app, "siio.chi", Role::Siio).await);
    app.staff("iso.two", Role::Iso, "CHI").await;
    let (desk, one) = (app.sign_in("desk.chi").await, app.sign_in("iso.one").await);
    app.post_form("/staff/lobby/walk-in", &desk, &[("service", "information"), ("party", "1")]).await;
    let id = ticket_id(&app, "I001").await;
    let step = |who: String, form: Vec<(&'static str, &'static str)>| {
        let app = &app;
        async move { app.post_form(&format!("/staff/lobby/tickets/{id}/step"), &who, &form).await.0 }
    };
    app.clock.advance(chrono::Duration::minutes(6));
    app.post_form("/staff/lobby/call", &one, &[("counter", "1")]).await;
    assert_eq!(step(one.clone(), vec![("action", "start"), ("counter", "1")]).await, 303);
    app.clock.advance(chrono::Duration::minutes(10));
    let transfer = vec![("action", "transfer"), ("service", "documents"), ("counter", "1")];
    assert_eq!(step(one.clone(), transfer).await, 303);
    app.clock.advance(chrono::Duration::minutes(4));
    let two = app.sign_in("iso.two").await;
    let (status, headers, _) = app.post_form("/staff/lobby/call", &two, &[("counter", "2")]).await;
    assert_eq!((status, location(&headers)), (303, "/staff/lobby/console?counter=2".to_owned()));
    // A recall does not move the first call of the segment.
    app.clock.advance(chrono::Duration::minutes(1));
    assert_eq!(step(two.clone(), vec![("action", "recall"), ("counter", "2")]).await, 303);
    assert_eq!(step(two.clone(), vec![("action", "start"), ("counter", "2")]).await, 303);
    app.clock.advance(chrono::Duration::minutes(9));
    let close = vec![("action", "close"), ("given", "documents"), ("counter", "2")];
    assert_eq!(step(two.clone(), close).await, 303);

    let timeline = cris::lobby::queue::timeline(&app.db, id).await.unwrap();
    let minute = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| (t - timeline[0].queued_at).num_minutes());
    let seen: Vec<_> = timeline
        .iter()
        .map(|s| {
            (
                s.service.as_str(),
                minute(Some(s.queued_at)),
                minute(s.called_at),
                minute(s.started_at),
                minute(s.ended_at),
                s.outcome.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("information", Some(0), Some(6), Some(6), Some(16), Some("transferred")),
            ("documents", Some(16), Some(20), Some(21), Some(30), Some("done")),
        ]
    );
    assert_eq!(timeline[0].officer_id, Some(one_actor.user_id));

    let today = app.clock.now().with_timezone(&chrono_tz::America::Chicago).date_naive();
    let filter = cris::reports::lobby::Filter { office: "CHI".into(), officer: None, from: today, to: today };
    let what = ("reports.lobby", "CHI");
    let allowed =
        permit_at(&app.db, &app.catalog, &siio, app.clock.now(), Capability::ReportsRead, what).await.unwrap();
    let r = cris::reports::lobby::run(&app.db, &allowed, &siio, app.clock.now(), &filter).await.unwrap();
    assert_eq!((r.waiting.count, r.waiting.mean), (2, 5.0), "waits of 6 and 4 minutes");
    assert_eq!((r.service_time.count, r.service_time.mean), (2, 9.5), "services of 10 and 9 minutes");
    let officers: Vec<(&str, i64)> = r.officers.iter().map(|o| (o.officer.as_str(), o.visits)).collect();
    assert_eq!(officers, [("iso.one", 1), ("iso.two", 1)]);
    assert_eq!((r.services[0].served, r.services[1].served), (1, 1));
    assert_eq!((r.days[0].arrivals, r.days[0].served), (1, 1));
}

// Issue 17 point 11: refused queue rules come back as typed with the message beside the field.
// R-QM-07
#[tokio::test]
async fn refused_lobby_rules_say_why_beside_the_field() {
    let app = TestApp::new().await;
    app.staff("admin.rules", Role::DistrictAdmin, "CHI").await;
    let admin = app.sign_in("admin.rules").await;
    let rules = [
        ("office", "CHI"),
        ("early_minutes", "<b>&"),
        ("late_minutes", "15"),
        ("ageing_minutes", "45"),
        ("max_calls", "3"),
        ("longest_wait_warning", "30"),
        ("longest_wait_critical", "60"),
        ("waiting_warning", "2"),
        ("waiting_critical", "5"),
        ("running_late_warning", "5"),
        ("running_late_critical", "9"),
    ];
    let (status, _, page) = app.post_form("/staff/lobby/rules", &admin, &rules).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains(r#"id="early_minutes-error""#), "{page}");
    assert!(page.contains(r#"aria-invalid="true" aria-describedby="early_minutes-error""#), "{page}");
    assert!(page.contains(r#"value="&#60;b&#62;&#38;""#) && !page.contains("<b>&"), "{page}");
    assert!(page.contains(r#"name="max_calls" inputmode="numeric" value="3""#), "{page}");
    assert!(!page.contains(r#"id="late_minutes-error""#), "{page}");
}
