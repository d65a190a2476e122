//! Service requests (R-SR-01 to R-SR-12): e-Request in both languages with its checks, intake by
//! call-centre staff, routing to the case's office, the supervisor's assignment, reassignment and
//! redirection with reasons, holds, and the officer's answer, every step on an audited trail.

use cris::kernel::access::Role;

use crate::support::{CSRF, TestApp};

/// A case at NSC for Form I-485, received on `received`, mailed to 60601.
pub async fn case(app: &TestApp, receipt: &str, status: &str, received: &str) {
    cris::with_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO cases (receipt_number, form_code, office_code, status_code, received_on, status_on, mailing_zip, restricted, updated_at) \
             VALUES ($1, 'I-485', 'NSC', $2, $3, $3, '60601', FALSE, '2026-02-01T00:00:00Z')",
        )
        .bind(receipt)
        .bind(status)
        .bind(chrono::NaiveDate::parse_from_str(received, "%Y-%m-%d").unwrap())
        .execute(pool)
        .await
        .unwrap();
    });
}

/// Posts 8 to 10 months for I-485 at NSC on 2026-10-01: cases received before 2025-12-01 are late.
pub async fn posted(app: &TestApp) {
    let p = cris::processing_times::Posted {
        form_code: "I-485".into(),
        form_key: "I-485-ALL".into(),
        subtype_en: "All".into(),
        subtype_es: "Todos".into(),
        office_code: "NSC".into(),
        range_low: 8.0,
        range_high: 10.0,
        unit: "Months".into(),
        publication_date: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        service_request_date: chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap(),
    };
    let mut tx = app.db.begin().await.unwrap();
    cris::processing_times::post(&mut tx, &p, "hq", app.clock.now()).await.unwrap();
    tx.commit().await.unwrap();
}

/// Files an e-Request about `receipt` (a late I-485, from Ana García, answered by letter to
/// 100 W Randolph St, Chicago) through the public form, in `lang`.
pub async fn file_late_by_mail(app: &TestApp, receipt: &str, lang: &str) {
    let mut form = step_one(receipt, ("6", "2", "2025"), "late");
    form.extend([
        ("first_name", "Ana"),
        ("last_name", "García"),
        ("birth_month", "1"),
        ("birth_day", "31"),
        ("birth_year", "1990"),
        ("reply", "mail"),
        ("mail_line1", "100 W Randolph St"),
        ("mail_city", "Chicago"),
        ("mail_state", "IL"),
        ("mail_zip", "60601"),
    ]);
    let cookie = format!("cris_csrf={CSRF}");
    let (status, _, page) = app.post_form(&format!("/service-request/details?lang={lang}"), &cookie, &form).await;
    assert_eq!(status, 200, "{page}");
}

fn step_one<'a>(receipt: &'a str, filed: (&'a str, &'a str, &'a str), issue: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("receipt", receipt),
        ("form", "I-485"),
        ("filed_month", filed.0),
        ("filed_day", filed.1),
        ("filed_year", filed.2),
        ("zip", "60601"),
        ("issue", issue),
    ]
}

/// Step two's answers for every issue type; each type keeps only its own.
fn everything<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("first_name", "Ana"),
        ("last_name", "García"),
        ("birth_month", "1"),
        ("birth_day", "31"),
        ("birth_year", "1990"),
        ("birth_country", "Mexico"),
        ("citizenship", "Mexico"),
        ("a_number", "A012345678"),
        ("notice", "interview"),
        ("wrong_item", "name"),
        ("correction", "Ana García"),
        ("accommodation", "mobility"),
        ("description", "Wheelchair access"),
        ("reply", "email"),
        ("email", "ana@example.com"),
        ("mail_line1", "100 W Randolph St"),
        ("mail_city", "Chicago"),
        ("mail_state", "IL"),
        ("mail_zip", "60601"),
    ]
}

async fn stored(app: &TestApp, confirmation: &str) -> (String, String, String, Option<i64>) {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT details, office_code, status, assigned_to FROM service_requests WHERE confirmation = $1")
            .bind(confirmation)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

async fn trail(app: &TestApp, confirmation: &str) -> Vec<(String, Option<String>, Option<String>, Option<String>)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT e.kind, e.actor, e.reason, COALESCE(e.office_code, e.officer) FROM service_request_events e \
             JOIN service_requests r ON r.id = e.request_id WHERE r.confirmation = $1 ORDER BY e.id",
        )
        .bind(confirmation)
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

async fn audited(app: &TestApp, event: &str) -> i64 {
    cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE event = $1")
            .bind(event)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

fn confirmation_in(page: &str) -> String {
    let at = page.find("SRQ").expect("a confirmation number");
    page.get(at..at + 13).expect("13 characters").to_owned()
}

// R-SR-01 to R-SR-06: e-Request checks the case, refuses a case within its processing time with
// the date inquiries open, asks only what the issue needs, confirms with a number and a 30-day
// due date by page and email, refuses a duplicate, and shows on the case status page.
#[tokio::test]
async fn an_e_request_is_checked_confirmed_and_not_repeated() {
    let app = TestApp::new().await;
    let cookie = format!("cris_csrf={CSRF}");
    posted(&app).await;
    case(&app, "LIN2690000011", "CASE_RECEIVED", "2026-01-05").await;
    case(&app, "LIN2590000012", "ACTIVELY_REVIEWED", "2025-06-02").await;

    let (status, _, page) = app.get("/service-request?lang=es", &[]).await;
    assert!(status == 200 && page.contains("Consulte sobre su caso"), "{page}");
    let (_, _, home) = app.get("/", &[]).await;
    assert!(home.contains(r#"href="/service-request""#), "the home page links to e-Request");

    // R-SR-02: a mismatch says so without saying which part.
    let mut wrong = step_one("LIN2590000012", ("6", "2", "2025"), "late");
    wrong[5].1 = "94110";
    let (status, _, page) = app.post_form("/service-request", &cookie, &wrong).await;
    assert!(status == 422 && page.contains("does not match a case"), "{page}");
    assert!(!page.contains("60601"), "the ZIP code on file is not revealed");

    // R-SR-03: within the posted time: refused, with the date inquiries open.
    let early = step_one("LIN2690000011", ("1", "5", "2026"), "late");
    let (status, _, page) = app.post_form("/service-request?lang=es", &cookie, &early).await;
    assert_eq!(status, 422);
    assert!(page.contains("dentro de nuestro tiempo de procesamiento") && page.contains("2026"), "{page}");

    // R-SR-04: a late case asks the name and date of birth, not the A-Number.
    let late = step_one("LIN2590000012", ("6", "2", "2025"), "late");
    let (status, _, page) = app.post_form("/service-request", &cookie, &late).await;
    assert!(status == 200 && page.contains(r#"name="first_name""#), "{page}");
    assert!(!page.contains(r#"name="a_number""#) && !page.contains(r#"name="birth_country""#));

    // Missing answers are named; then the request is filed with only its fields (R-SR-04, R-SR-05).
    let (status, _, page) = app.post_form("/service-request/details", &cookie, &late).await;
    assert!(status == 422 && page.contains("Enter your given name"), "{page}");
    let mut full = late.clone();
    full.extend(everything());
    let (status, _, page) = app.post_form("/service-request/details", &cookie, &full).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("December 2, 2026") && page.contains("30 days"), "{page}");
    let confirmation = confirmation_in(&page);
    let (details, office, state, officer) = stored(&app, &confirmation).await;
    let details: serde_json::Value = serde_json::from_str(&details).unwrap();
    let mut keys: Vec<_> = details.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["birth_date", "first_name", "last_name"]);
    assert_eq!(
        (office.as_str(), state.as_str(), officer),
        ("NSC", "open", None),
        "R-SR-08: routed to the case's office"
    );
    let emails: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = 'ana@example.com'").fetch_all(pool).await.unwrap()
    });
    assert!(emails.len() == 1 && emails[0].contains(&confirmation) && emails[0].contains("30 days"));

    // R-SR-06: the same case and issue again within 30 days: refused with the date.
    let (status, _, page) = app.post_form("/service-request/details", &cookie, &full).await;
    assert!(
        status == 409 && page.contains("already have an open request") && page.contains("December 2, 2026"),
        "{page}"
    );
    // Another issue about the same case is a different request.
    let mut card = step_one("LIN2590000012", ("6", "2", "2025"), "card");
    card.extend(everything());
    let (status, _, _) = app.post_form("/service-request/details", &cookie, &card).await;
    assert_eq!(status, 200);
    // After 30 days without an answer, the customer may ask again.
    app.clock.advance(chrono::Duration::days(31));
    let (status, _, _) = app.post_form("/service-request/details", &cookie, &full).await;
    assert_eq!(status, 200);

    // The customer sees the requests on the case status page.
    let (_, _, page) = app.get("/case-status?receipt=LIN2590000012", &[]).await;
    assert!(page.contains("Your service requests about this case") && page.contains("we will answer by"), "{page}");
}

// R-SR-07 to R-SR-12: a call is recorded by tier 1 with the caller's earlier requests at hand;
// the supervisor assigns with workloads shown, reassigns and redirects with reasons; the officer
// holds, releases and answers by letter (PDF, customer's language); the trail and audit keep it all.
#[tokio::test]
async fn staff_record_route_assign_redirect_and_answer() {
    let app = TestApp::new().await;
    case(&app, "LIN2590000021", "ACTIVELY_REVIEWED", "2025-03-03").await;
    app.staff("tier1.sr", Role::Tier1, "NSC").await;
    app.staff("siio.sr", Role::Siio, "NSC").await;
    let iio1 = app.staff("iio1.sr", Role::Iio, "NSC").await;
    let iio2 = app.staff("iio2.sr", Role::Iio, "NSC").await;
    app.staff("siio.tsc", Role::Siio, "TSC").await;
    app.staff("hq.sr", Role::Headquarters, "NBC").await;

    // R-SR-07: the call-centre form records a typo request in Spanish, by phone.
    let tier1 = app.sign_in("tier1.sr").await;
    let mut call = step_one("LIN2590000021", ("3", "3", "2025"), "typo");
    call.extend(everything());
    call.extend([("channel", "phone"), ("lang", "es")]);
    let (status, headers, page) = app.post_form("/staff/service-requests/new", &tier1, &call).await;
    assert_eq!(status, 303, "{page}");
    let location = headers["location"].to_str().unwrap();
    let confirmation = location.rsplit('=').next().unwrap().to_owned();
    assert!(confirmation.starts_with("SRQ"));
    let (details, office, _, _) = stored(&app, &confirmation).await;
    assert!(details.contains("wrong_item") && details.contains("a_number") && !details.contains("accommodation"));
    assert_eq!(office, "NSC");
    assert_eq!(audited(&app, "service_requests.create").await, 1);
    // The caller's earlier requests, by receipt number.
    let (_, _, page) = app.get("/staff/service-requests/new?caller=LIN2590000021", &[("cookie", &tier1)]).await;
    assert!(page.contains(&confirmation) && page.contains(r#"id="earlier""#), "{page}");
    // Tier 1 cannot open a request or assign.
    let (status, _, _) = app.get(&format!("/staff/service-requests/{confirmation}"), &[("cookie", &tier1)]).await;
    assert_eq!(status, 403);

    // R-SR-09: the supervisor sees it unassigned with officers' workloads, and assigns it.
    let siio = app.sign_in("siio.sr").await;
    let (_, _, page) = app.get("/staff/service-requests", &[("cookie", &siio)]).await;
    assert!(page.contains(r#"id="unassigned""#) && page.contains(&confirmation) && page.contains("0 open"), "{page}");
    let (app, siio) = (&app, &siio);
    let assign = |officer: i64, reason: &'static str| {
        let officer = officer.to_string();
        let c = confirmation.clone();
        async move {
            let form = [("confirmation", c.as_str()), ("officer", officer.as_str()), ("reason", reason)];
            app.post_form("/staff/service-requests/assign", siio, &form).await
        }
    };
    let (status, _, _) = assign(iio1, "").await;
    assert_eq!(status, 303);
    // R-SR-10: reassigning needs a reason.
    let (status, _, page) = assign(iio2, "").await;
    assert!(status == 422 && page.contains("reason"), "{page}");
    let (status, _, _) = assign(iio2, "staff_change").await;
    assert_eq!(status, 303);
    let (_, _, _, officer) = stored(app, &confirmation).await;
    assert_eq!(officer, Some(iio2));

    // R-SR-12: the officer puts it on hold (a reason is required), the due date pauses, and
    // taking it off hold moves the due date by the days held.
    let iio = app.sign_in("iio2.sr").await;
    let hold = format!("/staff/service-requests/{confirmation}/hold");
    let (status, _, _) = app.post_form(&hold, &iio, &[("reason", " ")]).await;
    assert_eq!(status, 422);
    let (status, _, _) = app.post_form(&hold, &iio, &[("reason", "Waiting for the A-file")]).await;
    assert_eq!(status, 303);
    let (_, _, page) = app.get(&format!("/staff/service-requests/{confirmation}"), &[("cookie", &iio)]).await;
    assert!(page.contains("paused while on hold") && page.contains("Waiting for the A-file"), "{page}");
    app.clock.advance(chrono::Duration::days(3));
    // Sessions end after 15 idle minutes: everyone signs in again.
    let iio = app.sign_in("iio2.sr").await;
    let (status, headers, _) =
        app.post_form(&format!("/staff/service-requests/{confirmation}/release"), &iio, &[]).await;
    assert_eq!(
        (status, headers["location"].to_str().unwrap()),
        (303, format!("/staff/service-requests/{confirmation}").as_str())
    );
    let due: chrono::NaiveDate = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT due_on FROM service_requests WHERE confirmation = $1").bind(&confirmation).fetch_one(pool).await.unwrap()
    });
    assert_eq!(due, chrono::NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(), "30 days from Nov 2, plus 3 days held");

    // Another officer cannot answer it.
    let other = app.sign_in("iio1.sr").await;
    let respond = format!("/staff/service-requests/{confirmation}/respond");
    let answer =
        [("method", "letter"), ("body", "Corregimos su nombre; le enviaremos un aviso nuevo."), ("resolves", "yes")];
    let (status, _, _) = app.post_form(&respond, &other, &answer).await;
    assert_eq!(status, 422);
    // R-SR-11: the assigned officer answers by letter; the letter is a PDF in Spanish.
    let (status, _, _) = app.post_form(&respond, &iio, &answer).await;
    assert_eq!(status, 303);
    let (_, _, page) = app.get(&format!("/staff/service-requests/{confirmation}"), &[("cookie", &iio)]).await;
    let at = page.find("/letters/").expect("a link to the letter");
    let id: String = page.get(at + 9..).unwrap_or_default().chars().take_while(char::is_ascii_digit).collect();
    let res = app
        .send(
            axum::http::Request::get(format!("/staff/service-requests/{confirmation}/letters/{id}"))
                .header("cookie", &iio)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    assert!(pdf.starts_with(b"%PDF-"));
    // A tagged PDF/UA-1 letter in the customer's language (its lines are checked where it is
    // written: service_requests::letter's tests).
    // R-SR-11, issue 17 point 8 (Section 508, PDF/UA-1): read back, the letter is tagged in the
    // customer's language with embedded fonts, its structure in reading order (the heading
    // lines, the subject as the H1, the paragraphs) and the subject in the outline.
    let pdf = crate::pdf_read::Pdf::read(&pdf);
    let elems = crate::pdf_read::assert_pdf_ua(&pdf, "es");
    let roles: Vec<&str> = elems.iter().map(|e| e.role.as_str()).collect();
    assert_eq!(roles.first(), Some(&"Document"));
    let h1 = roles.iter().position(|r| *r == "H1").expect("the subject is the heading");
    assert!(h1 > 1 && roles.iter().skip(1).enumerate().all(|(i, r)| *r == "P" || i + 1 == h1), "{roles:?}");
    assert!(roles.len() > h1 + 1, "paragraphs after the subject");
    assert_eq!(pdf.outline(), vec![elems[h1].title.clone().unwrap()]);
    let (_, _, state, _) = stored(app, &confirmation).await;
    assert_eq!(state, "resolved");
    let (_, _, page) = app.get("/case-status?receipt=LIN2590000021&lang=es", &[]).await;
    assert!(page.contains("Respondida el"), "{page}");

    // R-SR-10: a second request is redirected to TSC with a reason; NSC loses sight of it, TSC has it.
    let (tier1, siio_again) = (app.sign_in("tier1.sr").await, app.sign_in("siio.sr").await);
    let siio = &siio_again;
    let mut notice = step_one("LIN2590000021", ("3", "3", "2025"), "accommodation");
    notice.extend(everything());
    notice.extend([("channel", "letter"), ("lang", "en")]);
    let (_, headers, _) = app.post_form("/staff/service-requests/new", &tier1, &notice).await;
    let second = headers["location"].to_str().unwrap().rsplit('=').next().unwrap().to_owned();
    let (_, _, page) = app.get("/staff/service-requests", &[("cookie", siio)]).await;
    assert!(page.contains(&second) && page.contains("Accommodation"), "flagged to the office: {page}");
    let redirect = format!("/staff/service-requests/{second}/redirect");
    let (status, _, _) = app.post_form(&redirect, siio, &[("office", "TSC"), ("reason", "")]).await;
    assert_eq!(status, 422);
    let (status, _, _) = app.post_form(&redirect, siio, &[("office", "TSC"), ("reason", "customer_disability")]).await;
    assert_eq!(status, 303);
    let (status, _, _) = app.get(&format!("/staff/service-requests/{second}"), &[("cookie", siio)]).await;
    assert_eq!(status, 403, "the request left NSC's reach");
    let tsc = app.sign_in("siio.tsc").await;
    let (_, _, page) = app.get("/staff/service-requests", &[("cookie", &tsc)]).await;
    assert!(page.contains(&second));

    // The full trail, in order, with who, why and where.
    let steps = trail(app, &confirmation).await;
    let kinds: Vec<&str> = steps.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(kinds, ["filed", "routed", "assigned", "reassigned", "held", "released", "letter", "resolved"]);
    assert_eq!(steps[0].1.as_deref(), Some("tier1.sr"));
    assert_eq!((steps[3].2.as_deref(), steps[3].3.as_deref()), (Some("staff_change"), Some("iio2.sr")));
    let moved = trail(app, &second).await;
    assert_eq!(
        moved.last().map(|s| (s.0.as_str(), s.2.as_deref(), s.3.as_deref())),
        Some(("redirected", Some("customer_disability"), Some("TSC")))
    );
    for event in ["assigned", "reassigned", "held", "released", "resolved", "redirected", "read"] {
        assert!(audited(app, &format!("service_requests.{event}")).await >= 1, "{event} audited");
    }

    // R-SR-12: headquarters lists what is overdue across offices.
    app.clock.advance(chrono::Duration::days(40));
    let hq = app.sign_in("hq.sr").await;
    let (_, _, page) = app.get("/staff/service-requests", &[("cookie", &hq)]).await;
    assert!(page.contains(r#"id="due""#) && page.contains(&second) && page.contains("overdue"), "{page}");
    assert!(!page.contains(&format!(">{confirmation}<")), "answered requests are not overdue");
}

// R-SR-06: filings about one case at the same moment take turns: only one of them is filed.
#[tokio::test]
async fn concurrent_duplicates_file_once() {
    use cris::service_requests::model::{CaseCheck, Channel, Details, Issue, Reply};
    use cris::service_requests::store::{self, FileError, NewRequest, Refusal};
    let app = TestApp::new().await;
    case(&app, "LIN2590000061", "ACTIVELY_REVIEWED", "2025-06-02").await;
    let check = CaseCheck {
        receipt: "LIN2590000061".parse().unwrap(),
        form: "I-485".into(),
        filed: chrono::NaiveDate::from_ymd_opt(2025, 6, 2).unwrap(),
        zip: "60601".parse().unwrap(),
        issue: Issue::Card,
    };
    let case = store::check_case(&app.db, &app.catalog, app.state.reports(), &check).await.unwrap().unwrap();
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let (db, case, now) = (app.db.clone(), case.clone(), app.clock.now());
        tasks.push(tokio::spawn(async move {
            let (details, reply) = (Details::default(), Reply::Mail);
            let r = NewRequest {
                case: &case,
                issue: Issue::Card,
                channel: Channel::Online,
                details: &details,
                reply: &reply,
                lang: "en",
                taken_by: None,
            };
            store::file(&db, &r, now, &|c: &str, _| (c.to_owned(), c.to_owned())).await
        }));
    }
    let mut filed = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => filed += 1,
            Err(FileError::Refused(Refusal::Duplicate(_))) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(filed, 1);
}

// R-SR-10, R-SR-11: a request is redirected only to an office that works requests (not an ASC),
// and a letter needs an address or an email to go to; a call is recorded instead.
#[tokio::test]
async fn redirects_skip_ascs_and_letters_need_somewhere_to_go() {
    use cris::kernel::access::{Actor, Place};
    use cris::reference::OfficeKind;
    use cris::service_requests::model::{CaseCheck, Channel, Details, Issue, Method, MoveReason, Reply};
    use cris::service_requests::{store, work};
    use cris::staff::service::StaffError;
    let app = TestApp::new().await;
    case(&app, "LIN2590000071", "ACTIVELY_REVIEWED", "2025-06-02").await;
    let actor = |user_id: i64, username: &str, role: Role| Actor {
        user_id,
        username: username.into(),
        role,
        place: Place::of(app.catalog.office("NSC").unwrap()),
        ip: "127.0.0.1".into(),
    };
    let siio = actor(app.staff("siio.x", Role::Siio, "NSC").await, "siio.x", Role::Siio);
    let iio = actor(app.staff("iio.x", Role::Iio, "NSC").await, "iio.x", Role::Iio);
    let check = CaseCheck {
        receipt: "LIN2590000071".parse().unwrap(),
        form: "I-485".into(),
        filed: chrono::NaiveDate::from_ymd_opt(2025, 6, 2).unwrap(),
        zip: "60601".parse().unwrap(),
        issue: Issue::Late,
    };
    let case = store::check_case(&app.db, &app.catalog, app.state.reports(), &check).await.unwrap().unwrap();
    let (details, reply) = (Details::default(), Reply::Phone("202-555-0143".parse().unwrap()));
    let request = store::NewRequest {
        case: &case,
        issue: Issue::Late,
        channel: Channel::Online,
        details: &details,
        reply: &reply,
        lang: "en",
        taken_by: None,
    };
    let now = app.clock.now();
    let filed = store::file(&app.db, &request, now, &|c: &str, _| (c.to_owned(), c.to_owned())).await.unwrap();
    let c = filed.confirmation;
    work::assign(&app.db, &app.catalog, &siio, now, std::slice::from_ref(&c), iio.user_id, None).await.unwrap();
    let asc = app.catalog.offices_of_kind(OfficeKind::Asc).next().unwrap().code.clone();
    let refused = work::redirect(&app.db, &app.catalog, &siio, now, &c, &asc, MoveReason::Bandwidth).await;
    assert!(matches!(refused, Err(StaffError::Invalid(ref e)) if e.field == "office"), "{refused:?}");
    let letter =
        work::respond(&app.db, &app.catalog, &iio, now, &c, Method::Letter, "Your case is in review.", true).await;
    assert!(matches!(letter, Err(StaffError::Invalid(ref e)) if e.field == "method"), "{letter:?}");
    work::respond(&app.db, &app.catalog, &iio, now, &c, Method::Phone, "Told the caller it is in review.", true)
        .await
        .unwrap();
    assert_eq!(stored(&app, &c).await.2, "resolved");
}

// Issue 17 point 11: a refused assignment from the request list comes back on the list (422),
// with the ticked request still ticked and the message beside the officer choice; what was sent
// is never echoed unescaped.
// R-SR-09
#[tokio::test]
async fn a_refused_assignment_from_the_list_keeps_the_ticks_and_says_why() {
    let app = TestApp::new().await;
    case(&app, "LIN2590000071", "ACTIVELY_REVIEWED", "2025-03-03").await;
    app.staff("tier1.keep", Role::Tier1, "NSC").await;
    app.staff("siio.keep", Role::Siio, "NSC").await;
    app.staff("iio.keep", Role::Iio, "NSC").await;
    let tier1 = app.sign_in("tier1.keep").await;
    let mut call = step_one("LIN2590000071", ("3", "3", "2025"), "typo");
    call.extend(everything());
    call.extend([("channel", "phone"), ("lang", "en")]);
    let (status, headers, page) = app.post_form("/staff/service-requests/new", &tier1, &call).await;
    assert_eq!(status, 303, "{page}");
    let confirmation = headers["location"].to_str().unwrap().rsplit('=').next().unwrap().to_owned();
    let siio = app.sign_in("siio.keep").await;

    // No officer chosen (and a value that is no officer, with markup in it).
    let form = [("confirmation", confirmation.as_str()), ("officer", "<b>&")];
    let (status, _, page) = app.post_form("/staff/service-requests/assign", &siio, &form).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains(r#"id="form-errors""#) && page.contains(r#"id="officer-error""#), "{page}");
    assert!(page.contains(r#"aria-invalid="true" aria-describedby="officer-error""#), "{page}");
    assert!(page.contains(&format!(r#"value="{confirmation}" checked"#)), "{page}");
    assert!(!page.contains("<b>&"), "{page}");
    assert!(page.contains(r#"id="unassigned""#), "{page}");

    // Nothing ticked: the message stands above the list, still on the list page.
    let form = [("officer", "1")];
    let (status, _, page) = app.post_form("/staff/service-requests/assign", &siio, &form).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains(r#"id="confirmation-error""#) && page.contains(r##"href="#unassigned""##), "{page}");
    let (_, _, _, officer) = stored(&app, &confirmation).await;
    assert_eq!(officer, None);
}
