//! The demo data set on the engine under test.

use chrono::NaiveDate;
use cris::kernel::access::{Capability, permit_at};
use cris::seed::{SeedError, generate::sandbox_receipts, load_demo};

use crate::support::TestApp;

async fn fingerprint(app: &TestApp) -> Vec<(String, String, String)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as::<_, (String, String, String)>(
            "SELECT receipt_number, form_code, status_code FROM cases ORDER BY receipt_number",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

#[tokio::test]
async fn demo_data_is_deterministic_complete_and_loaded_once() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let a = TestApp::new().await;
    let report = load_demo(&a.db, &a.catalog, 2_000, as_of).await.unwrap();
    let sandbox = sandbox_receipts();
    assert_eq!(report.cases, 2_000 + sandbox.len() as u64);
    assert!(report.history > report.cases * 3, "histories are plausible, not one line each");
    assert!(report.mail > 0);

    let rows = fingerprint(&a).await;
    assert_eq!(rows.len() as u64, report.cases);
    // Clients' usual test receipts answer.
    for r in ["EAC9999103403", "EAC9999103432", "LIN9999106498", "SRC9999102787", "SRC9999132719"] {
        assert!(rows.iter().any(|(rn, _, _)| rn == r), "{r}");
    }
    // Same size and day, another database: the same data.
    let b = TestApp::new().await;
    load_demo(&b.db, &b.catalog, 2_000, as_of).await.unwrap();
    assert_eq!(rows, fingerprint(&b).await);

    // Loading again is refused, and changes nothing.
    let err = load_demo(&a.db, &a.catalog, 10, as_of).await.unwrap_err();
    assert!(matches!(err, SeedError::AlreadyLoaded(_)), "{err}");
    assert_eq!(fingerprint(&a).await.len(), rows.len());

    // Every case's last history entry is its current status, and every mailed item's case exists.
    let orphans: i64 = cris::with_db!(&a.db, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM cases c WHERE c.status_code <> \
             (SELECT h.status_code FROM case_history h WHERE h.case_id = c.id ORDER BY h.seq DESC LIMIT 1)",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    });
    assert_eq!(orphans, 0);
    let dangling: i64 = cris::with_db!(&a.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM mail_items m LEFT JOIN cases c ON c.id = m.case_id WHERE c.id IS NULL")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(dangling, 0);
}

// R-SR-09: the demo gives the New York supervisor a queue of service requests to assign, once.
#[tokio::test]
async fn demo_extras_file_service_requests_at_new_york_once() {
    let app = TestApp::with_demo(2_000).await;
    let as_of = app.clock.now().date_naive();
    cris::seed::demo_extras(&app.db, &app.catalog, as_of, app.clock.now()).await.unwrap();
    let offices: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT office_code FROM service_requests WHERE status = 'open'").fetch_all(pool).await.unwrap()
    });
    assert!(!offices.is_empty() && offices.len() <= 6, "{offices:?}");
    assert!(offices.iter().all(|o| o == "NYC"));
}

// R-RP-01, R-QM-06: the demo carries 90 days of lobby history at New York, written through the
// lobby (tickets and their timelines), once, and the productivity report reads it: visits on
// every open day and none today, several officers, no-shows, transfers, waiting and service
// times, and more visits a day at the end of the quarter than at its start; the appointments
// behind them, booked and cancelled, written through InfoPass.
#[tokio::test]
async fn demo_lobby_history_feeds_the_productivity_report() {
    use cris::kernel::access::{Actor, Place, Role};
    let app = TestApp::with_demo(20).await;
    let today = app.clock.now().date_naive();
    let user_id = app.staff("report.reader", Role::Siio, "NYC").await;
    let reader = Actor {
        user_id,
        username: "report.reader".into(),
        role: Role::Siio,
        place: Place::of(app.catalog.office("NYC").unwrap()),
        ip: "127.0.0.1".into(),
    };
    let from = today - chrono::Duration::days(90);
    let filter = cris::reports::lobby::Filter::parse("NYC", "", &from.to_string(), &today.to_string(), today).unwrap();
    let what = ("reports.lobby", "NYC");
    let allowed =
        permit_at(&app.db, &app.catalog, &reader, app.clock.now(), Capability::ReportsRead, what).await.unwrap();
    let r = cris::reports::lobby::run(&app.db, &allowed, &reader, app.clock.now(), &filter).await.unwrap();
    let open = r.days.iter().filter(|d| d.arrivals > 0).count();
    assert!((55..=66).contains(&open), "{open} days with visits");
    assert_eq!(r.days.last().unwrap().arrivals, 0, "today's queue is the live one");
    assert_eq!(r.officers.len(), 4, "{:?}", r.officers);
    assert!(r.officers.iter().all(|o| o.visits > 300 && o.per_hour > 1.0 && o.idle_minutes > 0.0), "{:?}", r.officers);
    let arrivals: i64 = r.days.iter().map(|d| d.arrivals).sum();
    let no_shows: i64 = r.days.iter().map(|d| d.no_shows).sum();
    assert!((2_500..=5_500).contains(&arrivals), "{arrivals}");
    // Waits worth watching: minutes, not seconds, longer at the end of the quarter.
    assert!(r.waiting.mean > 5.0 && r.waiting.mean < 45.0, "{:?}", r.waiting);
    assert!(no_shows * 100 > arrivals * 2 && no_shows * 100 < arrivals * 10, "{no_shows} of {arrivals}");
    assert!(r.waiting.mean > 1.0 && r.waiting.p90 > r.waiting.mean, "{:?}", r.waiting);
    assert!(r.service_time.mean > 10.0 && r.service_time.mean < 25.0, "{:?}", r.service_time);
    assert!(r.services.iter().all(|s| s.with_appointment > 0 && s.walk_ins > 0 && s.served > 0), "{:?}", r.services);
    // The appointments behind the visits, written through InfoPass: every service has more
    // booked than came (some never did) and some cancelled (issue 17).
    assert!(r.services.iter().all(|s| s.booked > s.with_appointment && s.cancelled > 0), "{:?}", r.services);
    let per_day = |days: &[cris::reports::lobby::DayRow]| {
        let open: Vec<_> = days.iter().filter(|d| d.arrivals > 0).collect();
        open.iter().map(|d| d.arrivals).sum::<i64>() as f64 / open.len() as f64
    };
    let (first, last) = (per_day(&r.days[..30]), per_day(&r.days[61..]));
    assert!(first * 1.15 < last, "a trend: {first:.1} a day, then {last:.1}");
    // Loading the extras again adds no second history.
    cris::seed::demo_extras(&app.db, &app.catalog, today, app.clock.now()).await.unwrap();
    let again = cris::reports::lobby::run(&app.db, &allowed, &reader, app.clock.now(), &filter).await.unwrap();
    assert_eq!(again.days.iter().map(|d| d.arrivals).sum::<i64>(), arrivals);
    assert_eq!(again.services, r.services, "nor a second quarter of appointments");
}

// Issue 18: the bulk load writes every case's stored report exactly as a normal write builds it
// (`case_status::service::refresh_reports`), and `cris migrate` builds the reports of cases that
// have none (written before reports were kept), once.
#[tokio::test]
async fn seeded_reports_are_those_of_a_normal_write_and_missing_ones_are_built() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let app = TestApp::new().await;
    load_demo(&app.db, &app.catalog, 3_000, as_of).await.unwrap();
    let reports = || async {
        cris::with_db!(&app.db, pool => {
            sqlx::query_as::<_, (i64, Option<String>)>("SELECT id, report FROM cases ORDER BY id").fetch_all(pool).await.unwrap()
        })
    };
    let seeded = reports().await;
    assert!(seeded.len() > 3_000 && seeded.iter().all(|(_, r)| r.is_some()));
    let hidden = cris::kernel::progress::Progress::hidden();
    assert_eq!(cris::case_status::service::backfill_reports(&app.db, &hidden).await.unwrap(), 0, "nothing to build");
    cris::with_db!(&app.db, pool => {
        sqlx::query("UPDATE cases SET report = NULL").execute(pool).await.unwrap();
    });
    let built = cris::case_status::service::backfill_reports(&app.db, &hidden).await.unwrap();
    assert_eq!(built, seeded.len() as u64);
    let rebuilt = reports().await;
    assert_eq!(rebuilt.len(), seeded.len());
    for (s, r) in seeded.iter().zip(&rebuilt) {
        assert_eq!(s, r, "case {}", s.0);
    }
    assert_eq!(cris::case_status::service::backfill_reports(&app.db, &hidden).await.unwrap(), 0, "built once");
}

// R-CS-04, issue 18: the processing times suggested from the load's own count of its decisions
// are those a full read of the history gives.
#[tokio::test]
async fn suggestions_from_the_loads_count_equal_those_from_the_history() {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let app = TestApp::new().await;
    let report = load_demo(&app.db, &app.catalog, 20_000, as_of).await.unwrap();
    let now = app.clock.now();
    let counted = cris::processing_times::suggestions_from(report.decisions.clone().unwrap(), as_of, now);
    let read = cris::processing_times::compute_suggestions(&app.db, as_of, now).await.unwrap();
    assert!(counted.len() > 10, "{counted:?}");
    assert_eq!(counted, read);
}
