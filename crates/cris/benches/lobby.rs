//! InfoPass and lobby at load (issue 5's targets), on a fresh SQLite file, or on the database
//! named by `CRIS_BENCH_DB` (e.g. `postgres://postgres@127.0.0.1:5432/cris_bench`, created first):
//! - bookings a second with 200 concurrent clients across an office's calendar (hold, then book,
//!   through the booking service, with its database-enforced capacity);
//! - 'call next' latency (p50, p99) with 100 officers calling at once and 2,000 people waiting;
//! - ticket issued (an HTTP check-in through the whole router) to the lobby display's event
//!   (p50, p99).
//!
//! Run: `cargo bench --bench lobby`.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]
#![expect(clippy::disallowed_methods, reason = "a benchmark measures, and stamps its rows with, the wall clock")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use cris::infopass::booking::{self, Booking, Slot};
use cris::infopass::calendar::{self, Service};
use cris::infopass::model::DetailsForm;
use cris::kernel::access::{Actor, Place, Role};
use cris::kernel::clock::Clock;
use cris::kernel::i18n::{I18n, Lang};
use cris::lobby::queue::{self, Arrival};
use cris::lobby::rules::Rules;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn actor(n: i64, role: Role, place: &Place) -> Actor {
    Actor { user_id: n, username: format!("bench-{n}"), role, place: place.clone(), ip: "127.0.0.1".into() }
}

async fn call_next_round(
    db: &cris::kernel::db::Db,
    catalog: &Arc<cris::reference::Catalog>,
    (desk, place): (&Actor, &Place),
    (now, today): (chrono::DateTime<Utc>, chrono::NaiveDate),
    office: &cris::reference::Office,
    pause: Duration,
) {
    let started = Instant::now();

    for n in 0..2_000 {
        let a = Arrival {
            appointment: None,
            service: Service::ALL[n % 4],
            a_number: None,
            zip: Some("60601".into()),
            party: 1,
        };
        queue::check_in(db, catalog, desk, now, "CHI", office.tz, Rules::default(), &a).await.expect("check in");
    }
    println!("check-in: 2000 tickets in {:.2} s", started.elapsed().as_secs_f64());
    let mut tasks = Vec::new();
    for officer in 0..100i64 {
        let (db, catalog, place) = (db.clone(), catalog.clone(), place.clone());
        tasks.push(tokio::spawn(async move {
            let me = actor(100 + officer, Role::Iso, &place);
            let mut times = Vec::new();
            // Officers do not all press at the same instant.
            tokio::time::sleep(pause.mul_f64(officer as f64 / 100.0)).await;
            loop {
                let t = Instant::now();
                let called =
                    queue::call_next(&db, &catalog, &me, now, ("CHI", today), &officer.to_string(), Rules::default())
                        .await
                        .expect("call next");
                times.push(t.elapsed());
                if called.is_none() {
                    return times;
                }
                tokio::time::sleep(pause).await;
            }
        }));
    }
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await.expect("officer"));
    }
    times.sort();
    let called: i64 = cris::with_db!(&db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM lobby_tickets WHERE status = 'called'").fetch_one(pool).await.expect("count")
    });
    println!(
        "call next, {} ms between an officer's calls: {} calls by 100 officers, {called} tickets called once each; p50 {:.1} ms, p99 {:.1} ms",
        pause.as_millis(),
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let file = std::env::temp_dir().join(format!("cris-bench-lobby-{}.db", std::process::id()));
    let url = std::env::var("CRIS_BENCH_DB").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", file.display()));
    let (db, catalog) = cris::app::open(&url, 16).await.expect("open the database");
    cris::with_db!(&db, pool => {
        for t in ["DELETE FROM lobby_tickets", "DELETE FROM lobby_sequences", "DELETE FROM appointments", "DELETE FROM slot_usage", "DELETE FROM slot_holds", "DELETE FROM outbox"] {
            sqlx::query(t).execute(pool).await.expect("clean up");
        }
    });
    let office = catalog.field_office("CHI").expect("Chicago").clone();
    let place = Place::of(&office);
    let now = Utc::now();
    let today = now.with_timezone(&office.tz).date_naive();

    // Bookings: 200 clients, each booking 10 people across the office's next 30 days.
    let cal = calendar::of_office(&db, "CHI", now.with_timezone(&office.tz).naive_local())
        .await
        .expect("calendar")
        .expect("Chicago takes appointments");
    let offering = cal.offerings.iter().find(|o| o.service == Service::Information).expect("information").to_owned();
    let slots: Vec<_> = calendar::open_days(&cal.hours, &offering, today, &cal.closures)
        .into_iter()
        .flat_map(|(d, times)| times.into_iter().map(move |t| d.and_time(t)))
        .collect();
    let key = Arc::new(cris::kernel::tokens::TokenKey::random());
    let slots = Arc::new(slots);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..200usize {
        let (db, key, slots) = (db.clone(), key.clone(), slots.clone());
        tasks.push(tokio::spawn(async move {
            let mut booked = 0;
            for k in 0..10usize {
                let n = client * 10 + k;
                let slot =
                    Slot { office_code: "CHI".into(), service: Service::Information, starts: slots[n % slots.len()] };
                let Some(hold) = booking::hold(&db, &slot, Utc::now()).await.expect("hold") else { continue };
                let form = DetailsForm {
                    // Names have no digits: the number spelled in letters keeps each person apart.
                    first_name: n
                        .to_string()
                        .chars()
                        .map(|d| char::from(b'a' + d.to_digit(10).unwrap_or(0) as u8))
                        .collect(),
                    last_name: "Client".into(),
                    birth_month: "1".into(),
                    birth_day: "2".into(),
                    birth_year: "1980".into(),
                    zip: "60601".into(),
                    phone: "312-555-0100".into(),
                    ..Default::default()
                };
                let details = form.parse(Utc::now().date_naive()).expect("details");
                let compose = |_: &cris::infopass::model::Appointment| (String::new(), String::new(), String::new());
                let b = Booking {
                    hold: &hold,
                    details: &details,
                    lang: Lang::En,
                    tz: chrono_tz::America::Chicago,
                    representative: None,
                    email: &compose,
                    ip: "127.0.0.1",
                };
                if booking::book(&db, &key, &b, Utc::now()).await.is_ok() {
                    booked += 1;
                }
            }
            booked
        }));
    }
    let mut booked = 0;
    for t in tasks {
        booked += t.await.expect("client");
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "bookings: {booked} by 200 concurrent clients in {secs:.2} s = {:.0} bookings/s",
        f64::from(booked) / secs
    );

    // 2,000 waiting, then 100 officers calling until the queue is empty: first all at once with
    // no pause (saturation: the database's single writer on SQLite queues them), then each
    // officer calling every half second (200 calls a second, far above a real lobby's rate).
    let desk = actor(1, Role::Reception, &place);
    for pause in [Duration::ZERO, Duration::from_millis(500)] {
        cris::with_db!(&db, pool => {
            sqlx::query("DELETE FROM lobby_tickets").execute(pool).await.expect("clean up");
        });
        call_next_round(&db, &catalog, (&desk, &place), (now, today), &office, pause).await;
    }

    // Ticket issued over HTTP to the display's event.
    let i18n = Arc::new(I18n::load().expect("catalogues"));
    let state = cris::web::AppState::new(db.clone(), catalog.clone(), i18n, Clock::System, false);
    let router = cris::app::router(state.clone(), Duration::from_secs(30));
    let new = cris::staff::model::NewStaff {
        username: cris::staff::model::Username::parse("bench.desk").expect("name"),
        display_name: "Bench desk".into(),
        email: "bench.desk@cris.test".parse().expect("email"),
        role: Role::Reception,
        office: "CHI".into(),
        password: "bench staff password 2026".into(),
    };
    cris::with_db!(&db, pool => {
        sqlx::query("DELETE FROM staff_users WHERE username = 'bench.desk'").execute(pool).await.ok();
    });
    cris::staff::service::create(&db, &catalog, None, Utc::now(), new).await.expect("staff");
    let flow = cris::staff::service::acknowledge_banner(&db, Utc::now()).await.expect("banner");
    cris::staff::service::password_step(
        &db,
        &catalog,
        Utc::now(),
        "127.0.0.1",
        &flow,
        "bench.desk",
        "bench staff password 2026",
    )
    .await
    .expect("password");
    let (_, user) = cris::staff::service::flow_user(&db, Utc::now(), &flow).await.expect("flow");
    let secret = user.totp_secret.expect("secret");
    let key_bytes = cris::kernel::totp::base32_decode(&secret).expect("secret");
    let code =
        format!("{:06}", cris::kernel::totp::code(&key_bytes, cris::kernel::totp::step_at(Utc::now().timestamp())));
    let token =
        cris::staff::service::code_step(&db, &catalog, Utc::now(), "127.0.0.1", &flow, &code, Default::default())
            .await
            .expect("code");
    let csrf = "bench-csrf-token-0123456789abcdef0123";
    let cookie = format!("cris_staff={token}; cris_csrf={csrf}");
    let mut rx = state.lobby().subscribe("CHI").expect("hub");
    let mut latencies = Vec::new();
    for _ in 0..500 {
        use tower::ServiceExt;
        let req = axum::http::Request::post("/staff/lobby/walk-in")
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!("csrf={csrf}&service=information&party=1")))
            .expect("request");
        let t = Instant::now();
        let res = router.clone().oneshot(req).await.expect("response");
        assert_eq!(res.status(), 303, "check-in");
        loop {
            let e = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("event").expect("open");
            if e.kind == "issued" {
                break;
            }
        }
        latencies.push(t.elapsed());
    }
    latencies.sort();
    println!(
        "ticket to display event: 500 check-ins over HTTP; p50 {:.1} ms, p99 {:.1} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_file(&file);
}
