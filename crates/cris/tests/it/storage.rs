//! The storage layer on the engine under test: migrations, reference data, transactions.

use cris::kernel::db::{Db, meta};

use crate::support::{TestApp, TestDb, engine};

#[tokio::test]
async fn migrations_are_idempotent_and_offices_are_written() {
    let app = TestApp::new().await;
    assert_eq!(app.db.engine() == cris::kernel::db::Engine::Postgres, engine() == "postgres");
    // Opening again (a restart) migrates nothing and refreshes the offices in place.
    let (again, catalog) = cris::app::open(&app.test_db.url, 2).await.unwrap();
    let count = cris::offices::count(&again).await.unwrap();
    assert_eq!(usize::try_from(count).unwrap(), catalog.offices().len());
    assert!(count > 60);
    let tz: String = cris::with_db!(&again, pool => {
        sqlx::query_scalar("SELECT tz FROM offices WHERE code = $1").bind("HHW").fetch_one(pool).await.unwrap()
    });
    assert_eq!(tz, "Pacific/Honolulu");
}

#[tokio::test]
async fn meta_values_round_trip_and_replace() {
    let app = TestApp::new().await;
    assert_eq!(meta::get(&app.db, "k").await.unwrap(), None);
    meta::set(&app.db, "k", "one").await.unwrap();
    meta::set(&app.db, "k", "two").await.unwrap();
    assert_eq!(meta::get(&app.db, "k").await.unwrap().as_deref(), Some("two"));
}

// Every multi-row write is one transaction: a failure part-way leaves nothing behind.
#[tokio::test]
async fn a_failed_multi_row_write_leaves_nothing() {
    let app = TestApp::new().await;
    let result: Result<(), sqlx::Error> = cris::with_db!(&app.db, pool => async {
        let mut tx = pool.begin().await?;
        for key in ["a", "b", "a"] {
            sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, 'x')").bind(key).execute(&mut *tx).await?;
        }
        tx.commit().await
    }.await);
    let err = result.unwrap_err();
    assert!(err.as_database_error().is_some_and(|e| e.is_unique_violation()), "{err}");
    assert_eq!(meta::get(&app.db, "a").await.unwrap(), None);
}

#[tokio::test]
async fn foreign_keys_are_enforced() {
    let app = TestApp::new().await;
    let result: Result<(), sqlx::Error> = cris::with_db!(&app.db, pool => {
        sqlx::query("INSERT INTO case_history (case_id, seq, status_code, occurred_on) VALUES (424242, 1, 'CASE_RECEIVED', $1)")
            .bind(chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap())
            .execute(pool)
            .await
            .map(|_| ())
    });
    assert!(result.unwrap_err().as_database_error().is_some_and(|e| e.is_foreign_key_violation()));
}

#[tokio::test]
async fn a_bad_database_url_is_an_error_not_a_panic() {
    let err = Db::connect("postgres://nobody@127.0.0.1:1/none", 1).await.unwrap_err();
    assert!(err.to_string().contains("cannot open the database"), "{err}");
    let err = Db::connect("sqlite:///proc/definitely/not/here.db", 1).await.unwrap_err();
    assert!(!err.to_string().is_empty());
    drop(TestDb::new().await);
}

// R-IP-01: a ZIP code assigned by jurisdiction is offered its office first; a ZIP code the data
// set lacks is served from its assigned office, and refused without one.
#[tokio::test]
async fn nearest_offices_follow_the_jurisdiction_overrides() {
    use cris::offices::nearest::{NearestError, nearest};
    let app = TestApp::new().await;
    let zip = |z: &str| z.parse::<cris::kernel::contact::Zip>().unwrap();
    let plain = nearest(&app.db, &app.catalog, &zip("10001"), 3).await.unwrap();
    assert_eq!(plain[0].office.code, "NYC");
    cris::with_db!(&app.db, pool => {
        sqlx::query("INSERT INTO zip_office_overrides (zip, office_code, reason) VALUES ('10001', 'BRO', 'test'), ('00001', 'SAJ', 'test')")
            .execute(pool).await.unwrap();
    });
    let assigned = nearest(&app.db, &app.catalog, &zip("10001-1234"), 3).await.unwrap();
    assert_eq!((assigned[0].office.code.as_str(), assigned[0].assigned), ("BRO", true));
    assert_eq!(assigned[1].office.code, "NYC");
    let island = nearest(&app.db, &app.catalog, &zip("00001"), 2).await.unwrap();
    assert_eq!((island[0].office.code.as_str(), island[0].miles.round()), ("SAJ", 0.0));
    assert!(matches!(nearest(&app.db, &app.catalog, &zip("00002"), 2).await, Err(NearestError::UnknownZip)));
}
