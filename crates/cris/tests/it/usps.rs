//! USPS tracking extracts (R-CS-05, R-CS-06): a good file, the same file again, malformed lines,
//! unknown codes, unmatched scans, the inbox, and the command line.

use cris::usps::model::record;

use crate::support::TestApp;

struct Fixture {
    app: TestApp,
    mailed_receipt: String,
    tracking: String,
    kind: String,
    plain_receipt: String,
}

async fn fixture() -> Fixture {
    let app = TestApp::with_demo(300).await;
    let (mailed_receipt, tracking, kind): (String, String, String) = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT c.receipt_number, m.tracking_number, m.kind FROM mail_items m JOIN cases c ON c.id = m.case_id WHERE c.restricted = FALSE ORDER BY m.case_id LIMIT 1")
            .fetch_one(pool).await.unwrap()
    });
    let plain_receipt: String = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT receipt_number FROM cases c WHERE restricted = FALSE AND NOT EXISTS (SELECT 1 FROM mail_items m WHERE m.case_id = c.id) ORDER BY id LIMIT 1")
            .fetch_one(pool).await.unwrap()
    });
    Fixture { app, mailed_receipt, tracking, kind, plain_receipt }
}

fn extract(f: &Fixture) -> String {
    let t = &f.tracking;
    [
        "\"H1\",\"015\",\"20261102\"".to_owned(),
        record(t, "20500", "WASHINGTON DC P&DC", "GX", "SHIPPING LABEL CREATED", "20261030", "0900", ""),
        record(t, "20500", "WASHINGTON DC P&DC", "10", "PROCESSED THROUGH FACILITY", "20261031", "2210", ""),
        record(t, "10001", "NEW YORK NY", "OF", "OUT FOR DELIVERY", "20261102", "0745", ""),
        record(t, "10001", "NEW YORK NY", "01", "DELIVERED", "20261102", "1432", ""),
        // Matched by the customer reference: a new tracking number joins the case.
        record(
            "9205590123456789012345",
            "60601",
            "CHICAGO IL",
            "Z9",
            "HELD AT CUSTOMS",
            "20261101",
            "1015",
            &f.plain_receipt,
        ),
        // Malformed: a broken separator, and a bad date.
        record(t, "10001", "NEW YORK NY", "17", "DELIVERED", "20261102", "1500", "").replacen("\",\"", "\";\"", 2),
        record(t, "10001", "NEW YORK NY", "17", "DELIVERED", "20261399", "1500", ""),
        // Unmatched: nobody's tracking number, no reference.
        record("9400111201080805483016", "30301", "ATLANTA GA", "03", "ACCEPTED", "20261101", "0800", "EAC0000000001"),
        "\"T1\",\"0000009\"".to_owned(),
    ]
    .join("\r\n")
}

#[tokio::test]
async fn a_good_file_then_the_same_file_again() {
    let f = fixture().await;
    let now = f.app.clock.now();
    let report =
        cris::usps::service::ingest(&f.app.db, &f.app.catalog, now, "extract-1.txt", &extract(&f)).await.unwrap();
    assert_eq!(report.lines, 10);
    assert_eq!(report.skipped, 2);
    assert_eq!(report.malformed.iter().map(|m| m.0).collect::<Vec<_>>(), vec![7, 8]);
    assert!(report.malformed[0].1.contains("separator") && report.malformed[1].1.contains("YYYYMMDD"));
    assert_eq!(report.unmatched.iter().map(|u| u.0).collect::<Vec<_>>(), vec![9]);
    assert_eq!(report.added, 5);
    assert_eq!(report.status_changes, 1);
    let text = report.to_text();
    assert!(text.contains("malformed line 7:") && text.contains("unmatched line 9:"));

    // The delivery moved the case.
    let r = cris::case_status::service::lookup(
        &f.app.db,
        &f.app.catalog,
        "https://cris.test",
        &f.mailed_receipt.parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let delivered = if f.kind == "card" { "CARD_DELIVERED" } else { "DOCUMENT_DELIVERED" };
    assert_eq!(r.status_code, delivered);
    assert_eq!(r.history().next().unwrap().date.to_string(), "2026-11-02");

    // The page shows the scans in the customer's words, not the label-created record.
    let (_, _, page) = f.app.get(&format!("/case-status?receipt={}", f.mailed_receipt), &[]).await;
    assert!(
        page.contains("Delivered to addressee")
            && page.contains("Out for delivery")
            && page.contains("Processed at a USPS facility")
    );
    assert!(page.contains("NEW YORK NY 10001") && page.contains("14:32"));
    assert!(!page.contains("(GX)"), "pre-shipment records are not shown");
    let (_, _, es) = f.app.get(&format!("/case-status?receipt={}&lang=es", f.mailed_receipt), &[]).await;
    assert!(es.contains("Entregado al destinatario") && es.contains("En camino para la entrega"));
    // An unknown code is kept and shown by its name.
    let (_, _, page) = f.app.get(&format!("/case-status?receipt={}", f.plain_receipt), &[]).await;
    assert!(page.contains("HELD AT CUSTOMS") && page.contains("9205590123456789012345"), "{page}");

    // Ingesting the same file again adds nothing.
    let again =
        cris::usps::service::ingest(&f.app.db, &f.app.catalog, now, "extract-1.txt", &extract(&f)).await.unwrap();
    assert_eq!((again.added, again.repeated, again.status_changes), (0, 5, 0));
    let after = cris::case_status::service::lookup(
        &f.app.db,
        &f.app.catalog,
        "https://cris.test",
        &f.mailed_receipt.parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(after.history().len(), r.history().len());
}

#[tokio::test]
async fn the_inbox_and_the_command_line() {
    let f = fixture().await;
    let dir = std::env::temp_dir().join(format!("cris-usps-{}", uuid::Uuid::new_v4().simple()));
    let (inbox, processed, _) = cris::usps::service::inbox_dirs(&dir);
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::write(inbox.join("20261102.txt"), extract(&f)).unwrap();
    let reports = cris::usps::service::process_inbox(&f.app.db, &f.app.catalog, f.app.clock.now(), &dir).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert!(!inbox.join("20261102.txt").exists() && processed.join("20261102.txt").exists());
    let written = std::fs::read_to_string(processed.join("20261102.txt.report.txt")).unwrap();
    assert!(written.contains("scans stored: 5"), "{written}");

    let file = dir.join("again.txt");
    std::fs::write(&file, extract(&f)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cris"))
        .args(["--database-url", &f.app.test_db.url, "ingest", "usps"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("scans stored: 0") && stdout.contains("scans already stored: 5"), "{stdout}");
    std::fs::remove_dir_all(dir).unwrap();
}

// R-CS-05: scans belong to their case: deleting the case (as retention will) deletes its scans and
// no one else's. PostgreSQL does it with a trigger, SQLite with its foreign key.
#[tokio::test]
async fn deleting_a_case_deletes_its_scans() {
    let f = fixture().await;
    let now = f.app.clock.now();
    cris::usps::service::ingest(&f.app.db, &f.app.catalog, now, "extract-1.txt", &extract(&f)).await.unwrap();
    let scans = |tracking: &'static str| {
        let (db, tracking) = (&f.app.db, if tracking == "mailed" { f.tracking.clone() } else { tracking.to_owned() });
        async move {
            cris::with_db!(db, pool => {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM usps_events WHERE tracking_number = $1").bind(tracking).fetch_one(pool).await.unwrap()
            })
        }
    };
    assert_eq!((scans("mailed").await, scans("9205590123456789012345").await), (4, 1));
    let deleted = cris::with_db!(&f.app.db, pool => {
        sqlx::query("DELETE FROM cases WHERE receipt_number = $1").bind(&f.mailed_receipt).execute(pool).await.unwrap().rows_affected()
    });
    assert_eq!(deleted, 1);
    assert_eq!((scans("mailed").await, scans("9205590123456789012345").await), (0, 1));
}
