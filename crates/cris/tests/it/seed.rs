//! The demo data set on the engine under test.

use chrono::NaiveDate;
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
