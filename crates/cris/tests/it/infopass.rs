//! InfoPass pages (R-IP-01 onwards): finding the field offices nearest a ZIP code.

use crate::support::TestApp;

// R-IP-01: the customer finds the field offices closest to their ZIP code, in English and Spanish.
#[tokio::test]
async fn the_nearest_field_offices_of_a_zip_code_in_both_languages() {
    let app = TestApp::new().await;
    let (status, _, page) = app.get("/appointments", &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="zip""#) && !page.contains(r#"id="offices""#));

    let (status, _, page) = app.get("/appointments?zip=60601-1234", &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Field offices nearest 60601"), "{page}");
    let first = page.find(r#"id="office-"#).unwrap();
    assert_eq!(page.get(first..first + 14), Some(r#"id="office-CHI"#), "Chicago first");
    assert!(page.contains("Chicago Field Office") && page.contains("miles away"));
    assert_eq!(page.matches(r#"class="usa-card tablet:grid-col-6""#).count(), 5);

    let (status, _, es) = app.get("/appointments?zip=60601&lang=es", &[]).await;
    assert_eq!(status, 200);
    assert!(es.contains("Oficinas locales más cercanas a 60601") && es.contains("Oficina Local de Chicago"), "{es}");
    assert!(es.contains("millas"));

    // Bad and unknown ZIP codes are refused with a message in the customer's language.
    let (status, _, page) = app.get("/appointments?zip=6060", &[]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Enter a 5-digit ZIP code") && page.contains(r#"value="6060""#));
    let (status, _, es) = app.get("/appointments?zip=00002&lang=es", &[]).await;
    assert_eq!(status, 422);
    assert!(es.contains("No reconocemos el código postal 00002"), "{es}");
}

// R-IP-01: an office's services, the days it offers one (its hours, less federal holidays and
// its closures), and the times of a day, in the office's own time, in both languages.
#[tokio::test]
async fn the_dates_and_times_an_office_offers() {
    let app = TestApp::new().await; // 2 November 2026, 9:00 in Chicago
    let (status, _, page) = app.get("/appointments/chi", &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Chicago Field Office") && page.contains(r#"id="service-emergency_travel""#));
    assert!(!page.contains(r#"id="dates""#), "no service chosen yet");

    let (_, _, page) = app.get("/appointments/CHI?service=information", &[]).await;
    let days = page.matches(r#"href="/appointments/CHI?service=information&amp;date="#).count();
    // 3 November to 2 December: 22 weekdays, less Veterans Day and Thanksgiving.
    assert_eq!(days, 20, "{page}");
    assert!(
        !page.contains("date=2026-11-11") && !page.contains("date=2026-11-26") && !page.contains("date=2026-11-02")
    );
    assert!(page.contains("date=2026-11-03") && page.contains("date=2026-12-02") && !page.contains("date=2026-12-03"));
    // The year once, in each month's heading; the days without it (issue 17).
    let dates = page.get(page.find(r#"id="dates""#).unwrap()..).unwrap();
    assert!(
        dates.contains("<h3 class=\"margin-bottom-1\">November 2026</h3>") && dates.contains(">December 2026</h3>")
    );
    assert!(dates.contains(">Tuesday, November 3</a>") && !dates.contains("3, 2026</a>"), "{dates}");
    let (_, _, es) = app.get("/appointments/CHI?service=information&lang=es", &[]).await;
    assert!(es.contains(">noviembre de 2026</h3>") && es.contains(">martes 3 de noviembre</a>"), "{es}");

    let (_, _, page) = app.get("/appointments/CHI?service=information&date=2026-11-03", &[]).await;
    let times = page.get(page.find(r#"id="times""#).unwrap()..).unwrap();
    assert_eq!(times.matches(r#"name="time""#).count(), 30);
    assert!(times.contains(r#"value="08:00">8:00 AM</button>"#) && times.contains(r#"value="15:15">3:15 PM</button>"#));
    let (_, _, es) = app.get("/appointments/CHI?service=information&date=2026-11-03&lang=es", &[]).await;
    assert!(es.contains("Oficina Local de Chicago") && es.contains(">15:15</button>") && es.contains("Días con citas"));

    // A closure takes its slots out, and a whole-day closure the day.
    cris::with_db!(&app.db, pool => {
        sqlx::query("INSERT INTO office_closures (office_code, starts_at, ends_at, reason, created_by, created_at) VALUES \
                     ('CHI', '2026-11-03T00:00', '2026-11-04T00:00', 'training', 'test', $1), \
                     ('CHI', '2026-11-04T12:00', '2026-11-04T13:00', 'meeting', 'test', $1)")
            .bind(app.clock.now()).execute(pool).await.unwrap();
    });
    let (_, _, page) = app.get("/appointments/CHI?service=information&date=2026-11-04", &[]).await;
    assert!(!page.contains("date=2026-11-03"));
    let times = page.get(page.find(r#"id="times""#).unwrap()..).unwrap();
    assert_eq!(times.matches(r#"name="time""#).count(), 26);
    assert!(!times.contains(">12:45 PM</button>") && times.contains(">1:00 PM</button>"));

    assert_eq!(app.get("/appointments/ZCH", &[]).await.0, 404, "an asylum office takes no InfoPass appointments");
    assert_eq!(app.get("/appointments/NOPE", &[]).await.0, 404);
    let (status, _, page) = app.get("/appointments/CHI?service=nonsense&date=garbage", &[]).await;
    assert_eq!(status, 200);
    assert!(!page.contains(r#"id="dates""#) && !page.contains(r#"id="times""#));
}

use crate::support::{CSRF, SmtpSink};

/// The cookie a browser holding the CSRF token sends.
fn csrf_cookie() -> String {
    format!("cris_csrf={CSRF}")
}

/// Every row of every table as text, to look for personal data left behind.
pub(crate) async fn every_row(db: &cris::kernel::db::Db) -> Vec<String> {
    use cris::kernel::db::Db;
    let mut out = Vec::new();
    match db {
        Db::Sqlite(pool, _) => {
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            for t in tables {
                let cols: Vec<String> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{t}')")))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                let expr = cols.iter().map(|c| format!("coalesce(CASE typeof(\"{c}\") WHEN 'blob' THEN hex(\"{c}\") ELSE CAST(\"{c}\" AS TEXT) END, '')")).collect::<Vec<_>>().join(" || '|' || ");
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT {expr} FROM \"{t}\"")))
                    .fetch_all(pool)
                    .await
                    .unwrap();
                out.extend(rows.into_iter().map(|r| format!("{t}: {r}")));
            }
        }
        Db::Postgres(pool) => {
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            for t in tables {
                let rows: Vec<String> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT CAST(x AS TEXT) FROM \"{t}\" x")))
                        .fetch_all(pool)
                        .await
                        .unwrap();
                out.extend(rows.into_iter().map(|r| format!("{t}: {r}")));
            }
        }
    }
    out
}

/// Holds the first free time of a day at Chicago and returns the booking token.
async fn hold_a_time(app: &TestApp, service: &str, date: &str, lang: &str) -> String {
    let (status, token) = hold_as(app, &csrf_cookie(), service, date, lang).await;
    assert_eq!(status, 303);
    token
}

/// Holds the first free time of a day at Chicago with the visitor's cookies: the answer's status,
/// and the booking token when it held one.
async fn hold_as(app: &TestApp, cookie: &str, service: &str, date: &str, lang: &str) -> (u16, String) {
    let (_, _, page) = app.get(&format!("/appointments/CHI?service={service}&date={date}&lang={lang}"), &[]).await;
    let at = page.find(r#"name="time" value=""#).expect("a free time") + r#"name="time" value=""#.len();
    let time = page.get(at..at + 5).unwrap();
    let (status, headers, _) = app
        .post_form(
            &format!("/appointments/CHI/hold?lang={lang}"),
            cookie,
            &[("service", service), ("date", date), ("time", time)],
        )
        .await;
    let location = headers.get("location").map_or("", |l| l.to_str().unwrap());
    (status, location.strip_prefix("/appointments/booking/").unwrap_or("").to_owned())
}

fn details<'a>(first: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("first_name", first),
        ("last_name", "Núñez Quintero"),
        ("birth_month", "4"),
        ("birth_day", "28"),
        ("birth_year", "1986"),
        ("zip", "60601"),
        ("phone", "(312) 555-0142"),
        ("email", email),
        ("a_number", "A012345678"),
        ("receipt_number", "EAC9999103403"),
        ("country", "Mexico"),
        ("purpose", "Ask about my card"),
    ]
}

fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let a = page.find(start).unwrap_or_else(|| panic!("{start} in {page}")) + start.len();
    let rest = page.get(a..).unwrap();
    rest.get(..rest.find(end).unwrap()).unwrap()
}

// R-IP-02, R-IP-03, R-IP-04, R-IP-06, R-IP-07, R-IP-08, R-IP-09: the whole booking journey over
// HTTP: hold, Privacy Act statement, details with errors, review and amend, confirm, the notice
// with PIN and barcode, the email copy with its calendar file and without the PIN, one
// appointment per person, reprint without PIN, cancelling with a locked-out guesser, and nothing
// personal left once cancelled.
#[tokio::test]
async fn booking_reprinting_and_cancelling_an_appointment() {
    let app = TestApp::new().await; // 2 November 2026, 9:00 in Chicago
    let token = hold_a_time(&app, "documents", "2026-11-03", "en").await;

    let (status, _, page) = app.get(&format!("/appointments/booking/{token}"), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Privacy Act statement") && page.contains("8 U.S.C. 1103"), "{page}");
    assert!(!page.contains(r#"name="first_name""#), "no personal data asked before the statement");
    assert!(
        page.contains("November 3, 2026, 8:00 AM") && page.contains("We are holding this time for you until 9:15 AM")
    );

    let (status, _, page) = app.get(&format!("/appointments/booking/{token}/details"), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"name="first_name""#) && page.contains("usa-memorable-date"));

    // Mistakes come back field by field, with what was typed.
    let mut bad = details("Ana", "not-an-email");
    bad[2] = ("birth_month", "13");
    let (status, _, page) =
        app.post_form(&format!("/appointments/booking/{token}/details"), &csrf_cookie(), &bad).await;
    assert_eq!(status, 422);
    assert!(page.contains("Enter a real date of birth") && page.contains("Enter an email address like"), "{page}");
    assert!(page.contains(r#"value="Núñez Quintero""#));

    let form = details("Ana", "ana@example.com");
    let (status, _, page) =
        app.post_form(&format!("/appointments/booking/{token}/details"), &csrf_cookie(), &form).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Review your appointment") && page.contains("April 28, 1986") && page.contains("(312) 555-0142")
    );
    let mut amend = form.clone();
    amend.push(("step", "amend"));
    let (status, _, page) =
        app.post_form(&format!("/appointments/booking/{token}/details"), &csrf_cookie(), &amend).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"value="ana@example.com""#) && page.contains(r#"id="review""#));

    // A form without its CSRF token books nothing.
    let mut forged = form.clone();
    forged.push(("csrf", "forged"));
    let (status, _, _) =
        app.post_form(&format!("/appointments/booking/{token}/confirm"), &csrf_cookie(), &forged).await;
    assert_eq!(status, 403);

    let (status, headers, notice) =
        app.post_form(&format!("/appointments/booking/{token}/confirm"), &csrf_cookie(), &form).await;
    assert_eq!(status, 200, "{notice}");
    assert_eq!(headers["cache-control"], "no-store");
    let confirmation = between(&notice, r#"id="notice-confirmation" class="text-bold">"#, "<").replace(' ', "");
    let pin = between(&notice, r#"id="notice-pin" class="text-bold font-sans-lg">"#, "<").to_owned();
    assert!(cris::kernel::ids::Confirmation::new(&confirmation).is_ok() && pin.len() == 5);
    assert!(notice.contains("Ana Núñez Quintero") && notice.contains("Bring or pick up documents"));
    assert!(notice.contains("8:00 AM CST") && notice.contains("Chicago Field Office"));
    assert!(notice.contains(r#"class="cris-barcode""#) && notice.contains("data:application/pdf;base64,"));
    let pdf_b64 = between(&notice, "data:application/pdf;base64,", "\"");
    use base64::Engine as _;
    let pdf = base64::engine::general_purpose::STANDARD.decode(pdf_b64).unwrap();
    // R-IP-07, issue 17 point 8 (Section 508, PDF/UA-1): the notice is a tagged PDF read back
    // here: the PDF/UA identifier, the customer's language, embedded fonts, the structure tree in
    // reading order (the heading, the labels and values, the barcode, the advice), the barcode a
    // Figure with its alternative text, and an outline with the heading (its text, the PIN
    // included, is checked where it is written: infopass::notice's tests).
    let pdf = crate::pdf_read::Pdf::read(&pdf);
    let elems = crate::pdf_read::assert_pdf_ua(&pdf, "en");
    let roles: Vec<&str> = elems.iter().map(|e| e.role.as_str()).collect();
    assert_eq!(roles.get(..2), Some(&["Document", "H1"][..]), "{roles:?}");
    assert_eq!(roles.iter().filter(|r| **r == "P").count(), 15, "7 labels and values with the PIN, the advice");
    assert_eq!(roles.get(roles.len() - 2..), Some(&["Figure", "P"][..]), "the barcode, then the advice");
    let figure = elems.iter().find(|e| e.role == "Figure").unwrap();
    let alt = figure.alt.clone().unwrap_or_default();
    assert!(alt.starts_with("Barcode of confirmation number"), "{alt}");
    assert!(alt.replace(' ', "").ends_with(&confirmation), "the barcode's words: {alt}");
    assert_eq!(pdf.outline().len(), 1);

    // R-IP-07: the hold is spent, so the same form again (a reload of the notice) books nothing
    // and shows the notice again, without the PIN, saying why.
    let (status, headers, again) =
        app.post_form(&format!("/appointments/booking/{token}/confirm"), &csrf_cookie(), &form).await;
    assert_eq!((status, headers["cache-control"].to_str().unwrap()), (200, "no-store"), "{again}");
    assert!(again.contains("You reloaded the page") && again.contains(&confirmation.get(..4).unwrap().to_owned()));
    assert!(!again.contains("notice-pin") && !again.contains(&format!(">{pin}<")), "{again}");
    let booked: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM appointments").fetch_one(pool).await.unwrap()
    });
    assert_eq!(booked, 1);
    // Someone else's details with a spent hold: only that the time is no longer held.
    let (status, _, gone) =
        app.post_form(&format!("/appointments/booking/{token}/confirm"), &csrf_cookie(), &details("Eva", "")).await;
    assert!(status == 410 && !gone.contains("notice-confirmation"), "{gone}");

    // The PIN is stored only as a keyed hash.
    let rows = every_row(&app.db).await;
    assert!(rows.iter().all(|r| !r.contains(&format!("|{pin}|"))), "PIN stored in the clear");

    // The email copy: a real SMTP delivery, with the calendar file and without the PIN.
    let sink = SmtpSink::start().await;
    let mailer = cris::notify::Mailer::new(&sink.url, "USCIS <appointments@cris.test>").unwrap();
    assert_eq!(cris::notify::deliver_due(&app.db, &mailer, app.clock.now(), 10).await.unwrap().sent, 1);
    let (to, data) = sink.received().remove(0);
    let data = data.replace("=\r\n", "").replace("=\n", "");
    assert_eq!(to, vec!["ana@example.com".to_owned()]);
    assert!(data.contains("BEGIN:VCALENDAR") && data.contains("DTSTART:20261103T140000Z"), "{data}");
    assert!(data.contains(confirmation.get(..4).unwrap()) && !data.contains(&format!("PIN: {pin}")), "{data}");

    // R-IP-04: one appointment at a time, however the name is typed.
    let second = hold_a_time(&app, "information", "2026-11-05", "en").await;
    let mut again = details("ANA", "");
    again[1] = ("last_name", "núñez  quintero");
    let (status, _, page) =
        app.post_form(&format!("/appointments/booking/{second}/confirm"), &csrf_cookie(), &again).await;
    assert_eq!(status, 409);
    assert!(page.contains("only one appointment at a time") && page.contains("/appointments/cancel"));

    // R-IP-08: reprint without the PIN.
    let (status, _, page) = app
        .post_form(
            "/appointments/reprint",
            &csrf_cookie(),
            &[
                ("first_name", "ana"),
                ("last_name", "Núñez Quintero"),
                ("birth_month", "04"),
                ("birth_day", "28"),
                ("birth_year", "1986"),
                ("phone", "312-555-0142"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(confirmation.get(..4).unwrap())
            && !page.contains("notice-pin")
            && !page.contains(&format!(">{pin}<"))
    );
    let (status, _, page) = app
        .post_form(
            "/appointments/reprint",
            &csrf_cookie(),
            &[
                ("first_name", "Ana"),
                ("last_name", "Núñez Quintero"),
                ("birth_month", "4"),
                ("birth_day", "28"),
                ("birth_year", "1986"),
                ("phone", "312-555-0199"),
            ],
        )
        .await;
    assert_eq!(status, 404);
    assert!(page.contains("We found no upcoming appointment"));

    // R-IP-09: without the right PIN nothing is cancelled. Issue 16, point 13 (NIST SP 800-63B):
    // a guesser's wrong PINs earn that guesser growing delays, never a lock on the customer.
    let wrong = if pin == "00000" { "11111" } else { "00000" };
    let guesser = "203.0.113.66";
    for _ in 0..3 {
        let (status, _, page) = app
            .post_form_from(
                guesser,
                "/appointments/cancel",
                &csrf_cookie(),
                &[("confirmation", &confirmation), ("pin", wrong)],
            )
            .await;
        assert_eq!(status, 422);
        assert!(page.contains("do not match"));
    }
    let (status, _, page) = app
        .post_form_from(
            guesser,
            "/appointments/cancel",
            &csrf_cookie(),
            &[("confirmation", &confirmation), ("pin", wrong)],
        )
        .await;
    assert_eq!((status, page.contains("Too many wrong PINs")), (429, true), "{page}");
    let (status, _, _) = app
        .post_form_from(
            guesser,
            "/appointments/cancel",
            &csrf_cookie(),
            &[("confirmation", &confirmation), ("pin", &pin)],
        )
        .await;
    assert_eq!(status, 429, "the guesser's address waits, whatever it sends");
    let (status, _, page) =
        app.post_form("/appointments/cancel", &csrf_cookie(), &[("confirmation", "1234"), ("pin", &pin)]).await;
    assert_eq!((status, page.contains("12-digit confirmation number")), (422, true));

    // The customer, from their own address, is not shut out by the stranger's guesses. The right
    // PIN first asks once more, naming the appointment, and deletes nothing.
    let customer = "198.51.100.7";
    let (status, headers, page) = app
        .post_form_from(
            customer,
            "/appointments/cancel",
            &csrf_cookie(),
            &[("confirmation", &confirmation), ("pin", &pin)],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Cancel your appointment on November 3, 2026 at 8:00 AM?"), "{page}");
    assert!(page.contains(r#"name="step" value="confirm""#) && !page.contains("Your appointment is cancelled"));
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    let left: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM appointments").fetch_one(pool).await.unwrap()
    });
    assert_eq!(left, 1, "asking deletes nothing");
    let (status, _, page) = app
        .post_form_from(
            customer,
            "/appointments/cancel",
            &csrf_cookie(),
            &[("confirmation", &confirmation), ("pin", &pin), ("step", "confirm")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Your appointment is cancelled"));

    // Nothing personal is left anywhere, the confirmation number included; only a count.
    let rows = every_row(&app.db).await;
    for needle in
        ["Núñez", "1986-04-28", "+13125550142", "ana@example.com", "A012345678", "EAC9999103403", &confirmation]
    {
        let left: Vec<_> = rows.iter().filter(|r| r.contains(needle)).collect();
        assert!(left.is_empty(), "{needle} left in {left:?}");
    }
    assert!(
        rows.iter().any(|r| r.starts_with("appointment_counts: CHI|documents|2026-11-03|cancelled|1")
            || r.starts_with("appointment_counts: (CHI,documents,2026-11-03,cancelled,1)")),
        "{:?}",
        rows.iter().filter(|r| r.starts_with("appointment_counts")).collect::<Vec<_>>()
    );
    // R-AU-05: the booking, the reprints and the cancellation attempts are in the audit trail,
    // by the appointment's row id only (the needles above found none of the customer's data).
    let trail: Vec<(String, String, String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT event, outcome, username, record FROM audit_log WHERE event LIKE 'appointments.%' ORDER BY id")
            .fetch_all(pool).await.unwrap()
    });
    let events: Vec<(&str, &str)> = trail.iter().map(|(e, o, _, _)| (e.as_str(), o.as_str())).collect();
    // A reload of the notice is found as a reprint finds it, so it is audited as one (R-IP-07): the
    // reload (found) and the spent hold posted with someone else's details (nothing found), then
    // the reprint form's own two searches.
    let mut expected = vec![("appointments.book", "ok")];
    expected.extend([("appointments.reprint", "ok"), ("appointments.reprint", "failed")]);
    expected.extend([("appointments.reprint", "ok"), ("appointments.reprint", "failed")]);
    expected.extend([("appointments.cancel", "denied"); 5]);
    expected.push(("appointments.cancel", "ok"));
    assert_eq!(events, expected);
    assert!(trail.iter().all(|(_, _, who, _)| who == "public"));
    let record = &trail[0].3;
    assert!(record.starts_with("appointment:") && trail.iter().filter(|t| &t.3 == record).count() == 9, "{trail:?}");

    // Once cancelled, the person may book again.
    let third = hold_a_time(&app, "information", "2026-11-05", "es").await;
    let (status, _, page) = app
        .post_form(&format!("/appointments/booking/{third}/confirm?lang=es"), &csrf_cookie(), &details("Ana", ""))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Aviso de cita")
            && page.contains("Información sobre un caso o beneficio")
            && page.contains("Su cita está reservada")
    );
}

// R-IP-02: a held seat counts against the slot until it expires; an expired hold gives it back.
#[tokio::test]
async fn holds_expire_and_give_their_seat_back() {
    let app = TestApp::new().await;
    cris::with_db!(&app.db, pool => {
        sqlx::query("UPDATE office_services SET capacity = 1 WHERE office_code = 'CHI' AND service = 'emergency_travel'")
            .execute(pool).await.unwrap();
    });
    let token = hold_a_time(&app, "emergency_travel", "2026-11-04", "en").await;
    let (_, _, page) = app.get("/appointments/CHI?service=emergency_travel&date=2026-11-04", &[]).await;
    assert!(!page.contains(r#"value="08:00""#), "the held time is not offered");
    let (status, _, page) = app
        .post_form(
            "/appointments/CHI/hold",
            &csrf_cookie(),
            &[("service", "emergency_travel"), ("date", "2026-11-04"), ("time", "08:00")],
        )
        .await;
    assert_eq!(status, 409);
    assert!(page.contains("Someone else has just taken the last place"));
    // A time the office does not offer is refused.
    let (status, _, _) = app
        .post_form(
            "/appointments/CHI/hold",
            &csrf_cookie(),
            &[("service", "emergency_travel"), ("date", "2026-11-04"), ("time", "08:10")],
        )
        .await;
    assert_eq!(status, 422);

    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(cris::infopass::booking::release_expired(&app.db, app.clock.now()).await.unwrap(), 1);
    let (_, _, page) = app.get("/appointments/CHI?service=emergency_travel&date=2026-11-04", &[]).await;
    assert!(page.contains(r#"value="08:00""#));
    let (status, _, _) = app.get(&format!("/appointments/booking/{token}"), &[]).await;
    assert_eq!(status, 410);
}

// R-IP-04 and build item 2: capacity is enforced by the database. 500 customers try to book one
// slot of capacity 3 at the same moment; exactly 3 get it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_simultaneous_bookings_fill_a_slot_exactly() {
    use cris::infopass::booking::{self, Booking, Slot};
    use cris::infopass::calendar::Service;
    use cris::infopass::model::DetailsForm;
    let app = TestApp::new().await;
    let (db, _) = cris::app::open(&app.test_db.url, 16).await.unwrap();
    cris::with_db!(&db, pool => {
        sqlx::query("UPDATE office_services SET capacity = 3 WHERE office_code = 'CHI' AND service = 'information'")
            .execute(pool).await.unwrap();
    });
    let key = cris::kernel::tokens::TokenKey::random();
    let starts = chrono::NaiveDate::from_ymd_opt(2026, 11, 3).unwrap().and_hms_opt(9, 0, 0).unwrap();
    let slot = Slot { office_code: "CHI".into(), service: Service::Information, starts };
    let now = app.clock.now();
    let attempts = (0..500).map(|i| {
        let (db, key, slot) = (db.clone(), key.clone(), slot.clone());
        tokio::spawn(async move {
            let Some(hold) = booking::hold(&db, &slot, now).await.unwrap() else { return false };
            let form = DetailsForm {
                first_name: "Customer".into(),
                last_name: format!("Number {}", (b'a' + (i % 26) as u8) as char) + &"x".repeat(i / 26),
                birth_month: "1".into(),
                birth_day: "2".into(),
                birth_year: "1990".into(),
                zip: "60601".into(),
                phone: "312-555-0100".into(),
                ..DetailsForm::default()
            };
            let details = form.parse(now.date_naive()).unwrap();
            let compose = |_: &cris::infopass::model::Appointment| (String::new(), String::new(), String::new());
            let b = Booking {
                hold: &hold,
                details: &details,
                lang: cris::kernel::i18n::Lang::En,
                tz: chrono_tz::America::Chicago,
                representative: None,
                email: &compose,
                ip: "127.0.0.1",
            };
            booking::book(&db, &key, &b, now).await.is_ok()
        })
    });
    let results = futures_util::future::join_all(attempts).await;
    let booked = results.into_iter().filter(|r| *r.as_ref().unwrap()).count();
    assert_eq!(booked, 3);
    let (appointments, taken): (i64, i32) = cris::with_db!(&db, pool => {
        (
            sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE starts_at = '2026-11-03T09:00'").fetch_one(pool).await.unwrap(),
            sqlx::query_scalar("SELECT taken FROM slot_usage WHERE office_code = 'CHI' AND service = 'information' AND starts_at = '2026-11-03T09:00'")
                .fetch_one(pool).await.unwrap(),
        )
    });
    assert_eq!((appointments, taken), (3, 3));
    db.close().await;
}

// R-IP-01, R-IP-11: an administrator sets an office's hours and services and closes it for some
// hours; each customer inside is told (email where given, else a text, in their language) with
// a link to book again, and the appointments are cancelled, their personal data deleted.
#[tokio::test]
async fn staff_set_the_calendar_and_closures_tell_the_customers() {
    use cris::kernel::access::Role;
    let app = TestApp::new().await; // 9:00 in Chicago
    app.staff("admin.chi", Role::DistrictAdmin, "CHI").await;
    app.staff("desk.chi", Role::Reception, "CHI").await;
    let (admin, desk) = (app.sign_in("admin.chi").await, app.sign_in("desk.chi").await);
    let (status, _, page) = app.get("/staff/offices/calendar", &[("cookie", &admin)]).await;
    assert!(
        status == 200 && page.contains("Office calendar, Chicago") && page.contains(r#"id="offer_documents""#),
        "{page}"
    );
    let (status, _, _) = app.get("/staff/offices/calendar", &[("cookie", &desk)]).await;
    assert_eq!(status, 403);

    let mut form = vec![
        ("office", "CHI"),
        ("opens", "12:00"),
        ("closes", "09:00"),
        ("weekday", "1"),
        ("weekday", "2"),
        ("weekday", "3"),
        ("horizon_days", "60"),
        ("offer_documents", "on"),
        ("minutes_documents", "20"),
        ("capacity_documents", "3"),
    ];
    let (status, _, page) = app.post_form("/staff/offices/calendar", &admin, &form).await;
    assert!(status == 422 && page.contains("must close after it opens"), "{page}");
    form[1] = ("opens", "09:00");
    form[2] = ("closes", "12:00");
    let (status, _, _) = app.post_form("/staff/offices/calendar", &admin, &form).await;
    assert_eq!(status, 303);
    let cal = cris::infopass::calendar::of_office(&app.db, "CHI", app.clock.now().naive_utc()).await.unwrap().unwrap();
    assert_eq!((cal.hours.weekdays_code(), cal.hours.horizon_days, cal.offerings.len()), ("123".to_owned(), 60, 1));
    assert_eq!((cal.offerings[0].slot_minutes, cal.offerings[0].capacity), (20, 3));

    let first = crate::lobby::booked(&app, "Email", 10).await;
    crate::lobby::booked(&app, "Texto", 11).await;
    let outside = crate::lobby::booked(&app, "Later", 13).await;
    cris::with_db!(&app.db, pool => {
        sqlx::query("UPDATE appointments SET email = 'closed@example.com' WHERE confirmation = $1").bind(&first).execute(pool).await.unwrap();
        sqlx::query("UPDATE appointments SET lang = 'es' WHERE first_name = 'Texto'").execute(pool).await.unwrap();
    });
    let today = app.clock.now().with_timezone(&chrono_tz::America::Chicago).date_naive().to_string();
    let closure =
        [("office", "CHI"), ("day", today.as_str()), ("from", "10:00"), ("to", "12:00"), ("reason", "Fire drill")];
    let (status, headers, _) = app.post_form("/staff/offices/closures", &desk, &closure).await;
    assert_eq!(status, 403, "reception cannot close an office: {headers:?}");
    let (status, _, page) = app
        .post_form("/staff/offices/closures", &admin, &[("office", "CHI"), ("day", "2020-01-01"), ("reason", "x")])
        .await;
    assert!(status == 422 && page.contains("cannot be in the past"), "{page}");
    let (status, headers, _) = app.post_form("/staff/offices/closures", &admin, &closure).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (303, "/staff/offices/calendar?office=CHI&closed=2"));

    let sent: Vec<(String, String, String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT channel, recipient, subject, body FROM outbox WHERE recipient NOT LIKE $1 ORDER BY id").bind("%@cris.test").fetch_all(pool).await.unwrap()
    });
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!((sent[0].0.as_str(), sent[0].1.as_str()), ("email", "closed@example.com"));
    assert!(
        sent[0].2.contains("is cancelled") && sent[0].3.contains("http://127.0.0.1:8080/appointments/CHI?lang=en"),
        "{sent:?}"
    );
    assert_eq!((sent[1].0.as_str(), sent[1].1.as_str()), ("sms", "+13125550100"));
    assert!(sent[1].3.contains("Reserve una nueva cita") && sent[1].3.contains("?lang=es"), "{sent:?}");
    let left: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT confirmation FROM appointments").fetch_all(pool).await.unwrap()
    });
    assert_eq!(left, [outside], "only the appointment outside the closure stays");
    let rows = every_row(&app.db).await;
    assert!(!rows.iter().any(|r| r.contains(&first) || r.contains("Texto")), "personal data deleted");
    let closed: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT CAST(n AS BIGINT) FROM appointment_counts WHERE outcome = 'closed'").fetch_one(pool).await.unwrap()
    });
    assert_eq!(closed, 2);
    let (_, _, page) = app.get("/staff/offices/calendar?closed=2", &[("cookie", &admin)]).await;
    assert!(page.contains("2 appointments inside it were cancelled") && page.contains("Fire drill"), "{page}");
}

// R-IP-10: front-desk staff turn a terminal into the office's kiosk (a signed cookie nobody can
// forge from home); kiosk pages have the kiosk layout, are never stored by the browser, and are
// exempt from the per-address limits that the whole lobby would otherwise share.
#[tokio::test]
async fn a_terminal_becomes_the_office_kiosk() {
    use cris::kernel::access::Role;
    let app = TestApp::new().await;
    let (status, _, _) = app.get("/kiosk", &[]).await;
    assert_eq!(status, 404, "not a kiosk");
    let (status, _, _) = app.get("/kiosk", &[("cookie", "cris_kiosk=CHI.0000")]).await;
    assert_eq!(status, 404, "a forged kiosk cookie");
    app.staff("desk.chi", Role::Reception, "CHI").await;
    let desk = app.sign_in("desk.chi").await;
    let (status, _, page) = app.get("/staff/kiosk", &[("cookie", &desk)]).await;
    assert!(status == 200 && page.contains("Make this terminal the office's kiosk"), "{page}");
    let (status, headers, _) = app.post_form("/staff/kiosk", &desk, &[("action", "start")]).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (303, "/kiosk"));
    let cookies: Vec<&str> = headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    let kiosk = cookies.iter().find(|c| c.starts_with("cris_kiosk=CHI.")).expect("the kiosk cookie");
    assert!(kiosk.contains("HttpOnly") && kiosk.contains("Max-Age=31536000"), "{kiosk}");
    assert!(cookies.iter().any(|c| c.starts_with("cris_staff=;")), "the staff member is signed out: {cookies:?}");
    let (status, _, _) = app.get("/staff/lobby", &[("cookie", &desk)]).await;
    assert_eq!(status, 303, "the staff session on the terminal has ended");

    let kiosk = format!("{}; {}", kiosk.split(';').next().unwrap(), csrf_cookie());
    let (status, headers, page) = app.get("/kiosk?lang=es", &[("cookie", &kiosk)]).await;
    assert_eq!((status, headers["cache-control"].to_str().unwrap()), (200, "no-store"));
    assert!(
        page.contains(r#"class="cris-kiosk" data-kiosk-idle="90""#)
            && page.contains("Bienvenido a la Oficina Local de Chicago"),
        "{page}"
    );
    assert!(page.contains(r#"href="/appointments/CHI?lang=es""#) && page.contains(r#"id="kiosk-idle""#));
    let (_, headers, _) = app.get("/appointments", &[]).await;
    assert!(headers.get("cache-control").is_none(), "only kiosks are no-store");

    // Thirty holds an hour from one address, then refused; the kiosk is not limited.
    let date = (app.clock.now().date_naive() + chrono::Duration::days(1)).to_string();
    let hold = |cookie: String| {
        let date = date.clone();
        let app = &app;
        async move {
            let (_, _, page) = app.get(&format!("/appointments/CHI?service=information&date={date}"), &[]).await;
            let at = page.find(r#"name="time" value=""#).expect("a free time") + r#"name="time" value=""#.len();
            let time = page.get(at..at + 5).unwrap().to_owned();
            app.post_form(
                "/appointments/CHI/hold",
                &cookie,
                &[("service", "information"), ("date", &date), ("time", &time)],
            )
            .await
            .0
        }
    };
    for _ in 0..30 {
        assert_eq!(hold(csrf_cookie()).await, 303);
    }
    assert_eq!(hold(csrf_cookie()).await, 429, "the public address is limited");
    assert_eq!(hold(kiosk.clone()).await, 303, "the kiosk is not");
}

// R-IP-05: a customer asks to be registered as a representative and only a national
// administrator decides (audited, emailed in the customer's language). Once approved, they hold
// several appointments for clients from one address, past the public per-address limit, see them
// in their account and cancel them without the clients' PINs; nobody else can. Revoked, the
// public limits apply to them again.
#[tokio::test]
async fn registered_representatives_book_for_several_clients() {
    use cris::kernel::access::Role;
    let app = TestApp::new().await;
    let rep = crate::portfolio::sign_up(&app, "legal.aid.chicago", "es", None).await;
    let (status, headers, _) = app.get("/account/representative", &[]).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (303, "/account/sign-in"));
    let (status, _, page) = app.get("/account/representative?lang=en", &[("cookie", &rep)]).await;
    assert!(status == 200 && page.contains(r#"id="rep-ask""#) && !page.contains("rep-status"), "{page}");
    let (status, _, page) =
        app.post_form("/account/representative?lang=en", &rep, &[("organization", "X"), ("kind", "attorney")]).await;
    assert!(status == 422 && page.contains("Give the firm or organization, in 2 to 200 characters."), "{page}");
    let (status, _, page) = app
        .post_form(
            "/account/representative?lang=en",
            &rep,
            &[("organization", "Legal Aid of Chicago"), ("kind", "notary")],
        )
        .await;
    assert!(status == 422 && page.contains(r#"value="Legal Aid of Chicago""#) && page.contains("kind-error"), "{page}");
    let ask = [("organization", "Legal Aid of Chicago"), ("kind", "cbo")];
    let (status, headers, _) = app.post_form("/account/representative", &rep, &ask).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (303, "/account/representative?asked=true"));
    let (_, _, page) = app.get("/account/representative?lang=en&asked=true", &[("cookie", &rep)]).await;
    assert!(page.contains(r#"data-status="pending""#) && page.contains("Your request has been received."), "{page}");

    // Until approved, the public limit of 30 holds an hour from one address applies to them too.
    let date = (app.clock.now().date_naive() + chrono::Duration::days(1)).to_string();
    for _ in 0..30 {
        assert_eq!(hold_as(&app, &csrf_cookie(), "information", &date, "en").await.0, 303);
    }
    assert_eq!(hold_as(&app, &rep, "information", &date, "en").await.0, 429, "not approved yet");

    // Only a national administrator decides.
    app.staff("admin.chi", Role::DistrictAdmin, "CHI").await;
    let district = app.sign_in("admin.chi").await;
    let (status, _, _) = app.get("/staff/representatives", &[("cookie", &district)]).await;
    assert_eq!(status, 403);
    app.staff("admin.hq", Role::GlobalAdmin, "NYC").await;
    let national = app.sign_in("admin.hq").await;
    let (status, _, page) = app.get("/staff/representatives", &[("cookie", &national)]).await;
    assert!(status == 200 && page.contains("Legal Aid of Chicago") && page.contains(r#"value="approve""#), "{page}");
    let customer = between(&page, r#"name="customer" value=""#, "\"").to_owned();
    let decide = |decision: &'static str, who: String| {
        let customer = customer.clone();
        let app = &app;
        async move {
            app.post_form("/staff/representatives/decide", &who, &[("customer", &customer), ("decision", decision)])
                .await
                .0
        }
    };
    assert_eq!(decide("approve", district.clone()).await, 403);
    assert_eq!(decide("revoke", national.clone()).await, 404, "not approved yet");
    assert_eq!(decide("approve", national.clone()).await, 303);
    assert_eq!(decide("approve", national.clone()).await, 404, "already decided");
    let told: Vec<(String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT recipient, subject FROM outbox WHERE subject LIKE 'USCIS: usted%'").fetch_all(pool).await.unwrap()
    });
    assert_eq!(
        told,
        vec![("customer@example.com".to_owned(), "USCIS: usted está registrado como representante".to_owned())]
    );
    let audited: Vec<(String, String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT username, record, detail FROM audit_log WHERE event = 'representatives.approved'").fetch_all(pool).await.unwrap()
    });
    assert_eq!(
        audited,
        vec![("admin.hq".to_owned(), format!("customer:{customer}"), "Legal Aid of Chicago".to_owned())]
    );

    // Approved: three clients booked from the same, exhausted address.
    let mut booked = Vec::new();
    for client in ["Ana", "Bruno", "Carla"] {
        let (status, token) = hold_as(&app, &rep, "information", &date, "en").await;
        assert_eq!(status, 303, "a representative is not limited per address");
        let (status, _, notice) =
            app.post_form(&format!("/appointments/booking/{token}/confirm"), &rep, &details(client, "")).await;
        assert_eq!(status, 200, "{notice}");
        booked.push(between(&notice, r#"id="notice-confirmation" class="text-bold">"#, "<").replace(' ', ""));
    }
    let theirs: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE representative_id = CAST($1 AS BIGINT)").bind(&customer).fetch_one(pool).await.unwrap()
    });
    assert_eq!(theirs, 3);
    let (_, _, page) = app.get("/account/representative?lang=en", &[("cookie", &rep)]).await;
    assert!(page.contains("Appointments ahead: 3") && page.contains("Bruno Núñez Quintero"), "{page}");
    assert!(booked.iter().all(|c| page.contains(c.as_str())));
    let (_, _, page) = app.get("/account", &[("cookie", &rep)]).await;
    assert!(page.contains(r#"href="/account/representative""#));

    // Someone else's account cannot cancel them; the representative can, without the PIN.
    let other = crate::portfolio::sign_up(&app, "someone.else", "en", None).await;
    let (status, _, _) = app.post_form("/account/representative/cancel", &other, &[("confirmation", &booked[1])]).await;
    assert_eq!(status, 422);
    let (status, headers, _) =
        app.post_form("/account/representative/cancel", &rep, &[("confirmation", &booked[1])]).await;
    assert_eq!((status, headers["location"].to_str().unwrap()), (303, "/account/representative?cancelled=true"));
    let (_, _, page) = app.get("/account/representative?lang=en", &[("cookie", &rep)]).await;
    assert!(page.contains("Appointments ahead: 2") && !page.contains("Bruno"), "{page}");
    let rows = every_row(&app.db).await;
    assert!(rows.iter().all(|r| !r.contains("Bruno") && !r.contains(&booked[1])), "the client's data is deleted");

    // Revoked: the appointments stay, the exemption goes.
    assert_eq!(decide("revoke", national.clone()).await, 303);
    assert_eq!(hold_as(&app, &rep, "information", &date, "en").await.0, 429);
    let (_, _, page) = app.get("/account/representative?lang=en", &[("cookie", &rep)]).await;
    assert!(page.contains(r#"data-status="revoked""#) && page.contains(r#"id="rep-ask""#), "{page}");
    let left: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE representative_id = CAST($1 AS BIGINT)").bind(&customer).fetch_one(pool).await.unwrap()
    });
    assert_eq!(left, 2);
}

// R-IP-02, R-CA-01: one A-Number rule (the kernel type: A and 7 to 9 digits) and one message,
// the same when booking as on the change of address, in both languages; a 7-digit A-Number is
// taken by both.
#[tokio::test]
async fn one_a_number_rule_and_message_when_booking_and_changing_address() {
    let app = TestApp::new().await;
    let token = hold_a_time(&app, "documents", "2026-11-03", "en").await;
    for (lang, message) in [
        ("en", "An A-Number is the letter A followed by 7 to 9 digits, such as A012345678."),
        ("es", "Un Número A es la letra A seguida de 7 a 9 dígitos, por ejemplo A012345678."),
    ] {
        let mut booking = details("Ana", "");
        booking[8] = ("a_number", "A123456");
        let (status, _, page) = app
            .post_form(&format!("/appointments/booking/{token}/details?lang={lang}"), &csrf_cookie(), &booking)
            .await;
        assert!(status == 422 && page.contains(message), "booking ({lang}): {page}");
        let mut coa = crate::change_of_address::form("LIN2690000001", "");
        coa[2] = ("a_number", "A123456");
        let (status, _, page) = app.post_form(&format!("/change-of-address?lang={lang}"), &csrf_cookie(), &coa).await;
        assert!(status == 422 && page.contains(message), "change of address ({lang}): {page}");
        // The staff pages show the kernel's own words, which are the English message.
        assert_eq!(
            "A123456".parse::<cris::kernel::ids::ANumber>().unwrap_err().reason,
            cris::kernel::ids::A_NUMBER_FORMAT
        );
    }
    let mut seven = crate::change_of_address::form("LIN2690000001", "");
    seven[2] = ("a_number", "A1234567");
    let (_, _, page) = app.post_form("/change-of-address", &csrf_cookie(), &seven).await;
    assert!(!page.contains("An A-Number is"), "7 digits are an A-Number on the change of address too: {page}");
    let mut booking = details("Ana", "");
    booking[8] = ("a_number", "A1234567");
    let (status, _, page) =
        app.post_form(&format!("/appointments/booking/{token}/details"), &csrf_cookie(), &booking).await;
    assert!(status == 200 && !page.contains("An A-Number is"), "{page}");
}

// R-IP-11: a calendar change that leaves booked appointments outside the new hours or services
// first shows the administrator how many, saving nothing; once confirmed, they are cancelled as
// by a closure: each customer told with a link to book again, the data deleted, a count kept.
#[tokio::test]
async fn calendar_changes_that_leave_appointments_out_are_confirmed_and_told() {
    use cris::kernel::access::Role;
    let app = TestApp::new().await; // Monday 9:00 in Chicago
    app.staff("admin.chi", Role::DistrictAdmin, "CHI").await;
    let admin = app.sign_in("admin.chi").await;
    let keep = crate::lobby::booked(&app, "Keep", 10).await;
    let gone = crate::lobby::booked(&app, "Gone", 14).await;
    cris::with_db!(&app.db, pool => {
        sqlx::query("UPDATE appointments SET email = 'gone@example.com' WHERE confirmation = $1").bind(&gone).execute(pool).await.unwrap();
    });
    let mut form = vec![
        ("office", "CHI"),
        ("opens", "08:00"),
        ("closes", "12:00"),
        ("weekday", "1"),
        ("weekday", "2"),
        ("weekday", "3"),
        ("weekday", "4"),
        ("weekday", "5"),
        ("horizon_days", "30"),
        ("offer_documents", "on"),
        ("minutes_documents", "15"),
        ("capacity_documents", "2"),
    ];
    let (status, _, page) = app.post_form("/staff/offices/calendar", &admin, &form).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("1 booked appointment falls outside the new hours")
            && page.contains(r#"name="confirm_cancel" value="1""#)
            && page.contains(r#"id="closes" name="closes" value="12:00""#),
        "{page}"
    );
    let left = |app: &TestApp| {
        let db = app.db.clone();
        async move {
            cris::with_db!(&db, pool => sqlx::query_scalar::<_, String>("SELECT confirmation FROM appointments ORDER BY id").fetch_all(pool).await.unwrap())
        }
    };
    assert_eq!(left(&app).await, [keep.clone(), gone.clone()], "nothing cancelled before the confirmation");
    let cal = cris::infopass::calendar::of_office(&app.db, "CHI", app.clock.now().naive_utc()).await.unwrap().unwrap();
    assert_eq!(cal.hours.closes.format("%H:%M").to_string(), "15:30", "nothing saved before the confirmation");

    // A count that no longer matches asks again; the count shown saves and cancels.
    form.push(("confirm_cancel", "1"));
    let (status, headers, _) = app.post_form("/staff/offices/calendar", &admin, &form).await;
    assert_eq!(
        (status, headers["location"].to_str().unwrap()),
        (303, "/staff/offices/calendar?office=CHI&saved=true&cancelled=1")
    );
    assert_eq!(left(&app).await, std::slice::from_ref(&keep));
    let sent: Vec<(String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT recipient, body FROM outbox WHERE recipient = 'gone@example.com' AND subject LIKE '%cancelled%'").fetch_all(pool).await.unwrap()
    });
    assert!(sent.len() == 1 && sent[0].1.contains("/appointments/CHI?lang=en"), "{sent:?}");
    let closed: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT CAST(SUM(n) AS BIGINT) FROM appointment_counts WHERE outcome = 'closed'").fetch_one(pool).await.unwrap()
    });
    assert_eq!(closed, 1);
    let (_, _, page) =
        app.get("/staff/offices/calendar?office=CHI&saved=true&cancelled=1", &[("cookie", &admin)]).await;
    assert!(page.contains("1 appointment outside it was cancelled and its customer told"), "{page}");

    // Removing the service leaves the other appointment out: asked again, with its count.
    let without: Vec<_> =
        form.iter().copied().filter(|(k, _)| !k.ends_with("_documents") && *k != "confirm_cancel").collect();
    let mut with_information = without.clone();
    with_information.extend([
        ("offer_information", "on"),
        ("minutes_information", "15"),
        ("capacity_information", "4"),
    ]);
    let (status, _, page) = app.post_form("/staff/offices/calendar", &admin, &with_information).await;
    assert!(status == 200 && page.contains(r#"name="confirm_cancel" value="1""#), "{page}");
    assert_eq!(left(&app).await, [keep]);
}

// Issue 17 point 11: a refused calendar or closure comes back on the same page (422) as it was
// typed, the message beside the field, markup shown as text.
// R-IP-01
// R-IP-11
#[tokio::test]
async fn a_refused_calendar_or_closure_keeps_what_was_typed() {
    use cris::kernel::access::Role;
    let app = TestApp::new().await;
    app.staff("admin.keep", Role::DistrictAdmin, "CHI").await;
    let admin = app.sign_in("admin.keep").await;

    // The hours: a bad opening time and a bad capacity, the rest kept as typed.
    let form = [
        ("office", "CHI"),
        ("opens", "<b>&"),
        ("closes", "16:30"),
        ("weekday", "2"),
        ("weekday", "4"),
        ("horizon_days", "45"),
        ("offer_documents", "on"),
        ("minutes_documents", "25"),
        ("capacity_documents", "0"),
    ];
    let (status, _, page) = app.post_form("/staff/offices/calendar", &admin, &form).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains(r#"value="&#60;b&#62;&#38;""#) && !page.contains("<b>&"), "{page}");
    assert!(page.contains(r#"id="opens-error""#) && page.contains(r#"aria-describedby="opens-error""#), "{page}");
    assert!(page.contains(r#"id="capacity-error""#) && page.contains(r##"href="#services""##), "{page}");
    assert!(page.contains(r#"value="16:30""#) && page.contains(r#"value="45""#), "{page}");
    assert!(page.contains(r#"name="minutes_documents" inputmode="numeric" value="25""#), "{page}");
    assert!(page.contains(r#"value="2" checked"#) && !page.contains(r#"value="1" checked"#), "{page}");

    // A closure: a bad day, the reason kept, escaped.
    let closure =
        [("office", "CHI"), ("day", "tomorrow"), ("from", "10:00"), ("to", ""), ("reason", "Flood <b>& leak")];
    let (status, _, page) = app.post_form("/staff/offices/closures", &admin, &closure).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains(r#"id="day-error""#) && page.contains(r#"aria-describedby="day-error""#), "{page}");
    assert!(page.contains(r#"value="tomorrow""#) && page.contains(r#"value="10:00""#), "{page}");
    assert!(page.contains("Flood &#60;b&#62;&#38; leak") && !page.contains("<b>& leak"), "{page}");
}
