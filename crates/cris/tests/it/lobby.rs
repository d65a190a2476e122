//! The CMIS lobby over HTTP: check-in by confirmation number and by search, walk-ins, tickets,
//! the queue's order, the officer's console and the lobby display's live events.

use cris::kernel::access::Role;

use crate::support::TestApp;

/// The next lobby event, within 5 seconds.
async fn next(rx: &mut tokio::sync::broadcast::Receiver<cris::lobby::events::Event>) -> cris::lobby::events::Event {
    tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await.expect("a lobby event within 5 s").unwrap()
}

fn location(headers: &axum::http::HeaderMap) -> String {
    headers["location"].to_str().unwrap().to_owned()
}

/// Books an appointment at Chicago through the service and returns its confirmation number.
async fn booked(app: &TestApp, first: &str, hour: u32) -> String {
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
    let (status, headers, _) = app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &confirmation)]).await;
    assert_eq!(status, 303);
    let (_, _, ticket) = app.get(&location(&headers), &[("cookie", &desk)]).await;
    assert!(
        ticket.contains(r#"id="ticket-label">D002<"#)
            && ticket.contains("A087654321")
            && ticket.contains("2026-11-02 09:00"),
        "{ticket}"
    );
    assert_eq!(next(&mut events).await.ticket, "D002");
    let (status, _, page) = app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &confirmation)]).await;
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
    let on_time = booked(&app, "Ontime", 10).await;
    app.post_form("/staff/lobby/walk-in", &desk, &[("service", "information")]).await; // I001
    app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &late)]).await; // D002, as a walk-in
    app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &on_time)]).await; // D003, booked
    let mut events = app.state.lobby().subscribe("CHI").unwrap();
    let mut order = Vec::new();
    for _ in 0..3 {
        app.post_form("/staff/lobby/call", &iso, &[("counter", "1")]).await;
        order.push(next(&mut events).await.ticket);
    }
    assert_eq!(order, ["D003", "I001", "D002"]);

    // A walk-in who has waited past the ageing limit goes before a booked customer.
    app.post_form("/staff/lobby/walk-in", &desk, &[("service", "documents")]).await; // D004
    app.clock.advance(chrono::Duration::minutes(50));
    // Idle sessions end; both sign in again.
    let (desk, iso) = (app.sign_in("desk.chi").await, app.sign_in("iso.chi").await);
    let third = booked(&app, "Third", 11).await;
    app.post_form("/staff/lobby/check-in", &desk, &[("confirmation", &third)]).await; // D005
    app.post_form("/staff/lobby/call", &iso, &[("counter", "1")]).await;
    let next = loop {
        let e = next(&mut events).await;
        if e.kind == "called" {
            break e.ticket;
        }
    };
    assert_eq!(next, "D004");
}
