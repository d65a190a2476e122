//! Change of address, AR-11 (R-CA-01, R-CA-02): the public form in both languages, its checks,
//! the pending cases moved to the new address with their history, and the confirmation.

use crate::support::{CSRF, TestApp};

async fn case(app: &TestApp, receipt: &str, status: &str, zip: &str) {
    cris::with_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO cases (receipt_number, form_code, office_code, status_code, received_on, status_on, mailing_zip, restricted, updated_at) \
             VALUES ($1, 'I-485', 'NSC', $2, '2026-01-05', '2026-02-01', $3, FALSE, '2026-02-01T00:00:00Z')",
        )
        .bind(receipt)
        .bind(status)
        .bind(zip)
        .execute(pool)
        .await
        .unwrap();
    });
}

pub fn form<'a>(receipts: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("first_name", "Lucía"),
        ("last_name", "Fernández"),
        ("a_number", "A012345678"),
        ("birth_month", "7"),
        ("birth_day", "4"),
        ("birth_year", "1990"),
        ("previous_line1", "100 W Randolph Street"),
        ("previous_line2", ""),
        ("previous_city", "Chicago"),
        ("previous_state", "IL"),
        ("previous_zip", "60601"),
        ("new_line1", "350 Fifth Avenue"),
        ("new_line2", "Suite 7"),
        ("new_city", "New York"),
        ("new_state", "NY"),
        ("new_zip", "10118"),
        ("receipts", receipts),
        ("email", email),
        ("certify", "yes"),
    ]
}

/// The form with some fields changed.
fn with<'a>(mut form: Vec<(&'a str, &'a str)>, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    for (k, v) in changes {
        let field = form.iter_mut().find(|(f, _)| f == k).expect("a field of the form");
        field.1 = v;
    }
    form
}

// R-CA-01, R-CA-02: the AR-11 filed online moves the pending cases to the new address in one
// transaction, keeps the history, and confirms with a number by page and email; a receipt number
// that does not match the previous address, or a decided case, writes nothing.
#[tokio::test]
async fn a_change_of_address_moves_the_pending_cases() {
    let app = TestApp::new().await;
    let cookie = format!("cris_csrf={CSRF}");
    case(&app, "LIN2690000001", "ACTIVELY_REVIEWED", "60601").await;
    case(&app, "LIN2690000002", "CASE_RECEIVED", "60601").await;
    case(&app, "LIN2690000003", "CASE_DENIED", "60601").await;
    case(&app, "LIN2690000004", "CASE_RECEIVED", "94110").await;

    let (status, _, page) = app.get("/change-of-address?lang=es", &[]).await;
    assert!(status == 200 && page.contains("Cambie su dirección (Formulario AR-11)"), "{page}");
    let (_, _, home) = app.get("/", &[]).await;
    assert!(home.contains(r#"href="/change-of-address""#));

    // Every mistake at once, in the page's language, with what was typed kept.
    let bad = with(form("LIN2690000001", ""), &[("new_zip", "60601"), ("certify", "")]);
    let (status, _, page) = app.post_form("/change-of-address?lang=es", &cookie, &bad).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("Revise el código postal de su nueva dirección") && page.contains("Confirme que la información")
    );
    assert!(page.contains(r#"value="350 Fifth Avenue""#) && page.contains(r#"<option value="NY" selected>"#), "{page}");

    // A case at another address, or a decided one: refused, nothing written.
    for (receipts, says) in [
        (
            "LIN2690000001 LIN2690000004",
            "We could not match LIN2690000004 with a pending case at your previous address",
        ),
        ("LIN2690000001 LIN2690000003", "Case LIN2690000003 is no longer pending"),
        ("LIN2690000009", "We could not match LIN2690000009"),
    ] {
        let (status, _, page) = app.post_form("/change-of-address", &cookie, &form(receipts, "")).await;
        assert!(status == 422 && page.contains(says), "{receipts}: {page}");
    }
    let written: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM address_changes) + (SELECT COUNT(*) FROM case_addresses)").fetch_one(pool).await.unwrap()
    });
    assert_eq!(written, 0, "a refused change writes nothing");

    let (status, _, page) =
        app.post_form("/change-of-address", &cookie, &form("lin2690000001\nLIN2690000002", "lucia@example.com")).await;
    assert_eq!(status, 200, "{page}");
    let at = page.find(r#"id="coa-confirmation">"#).unwrap() + r#"id="coa-confirmation">"#.len();
    let confirmation = page.get(at..at + 15).unwrap().to_owned();
    assert!(
        confirmation.strip_prefix("AR11-").is_some_and(|n| n.len() == 10 && n.chars().all(|c| c.is_ascii_digit())),
        "{confirmation}"
    );
    assert!(page.contains("350 FIFTH AVE<br>STE 7<br>NEW YORK NY 10118") && page.contains("<li>LIN2690000002</li>"));

    // Both cases now at the new address, the previous one kept as history.
    let rows: Vec<(String, i64, String, Option<String>)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT c.receipt_number, CAST(a.seq AS BIGINT), a.line1, x.confirmation FROM case_addresses a JOIN cases c ON c.id = a.case_id \
             LEFT JOIN address_changes x ON x.id = a.change_id ORDER BY c.receipt_number, a.seq",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    assert_eq!(
        rows,
        vec![
            ("LIN2690000001".into(), 1, "100 W RANDOLPH ST".into(), None),
            ("LIN2690000001".into(), 2, "350 FIFTH AVE".into(), Some(confirmation.clone())),
            ("LIN2690000002".into(), 1, "100 W RANDOLPH ST".into(), None),
            ("LIN2690000002".into(), 2, "350 FIFTH AVE".into(), Some(confirmation.clone())),
        ]
    );
    let zips: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT mailing_zip FROM cases ORDER BY receipt_number").fetch_all(pool).await.unwrap()
    });
    assert_eq!(zips, ["10118", "10118", "60601", "94110"]);
    let mail: Vec<(String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT recipient, subject FROM outbox").fetch_all(pool).await.unwrap()
    });
    assert_eq!(
        mail,
        vec![("lucia@example.com".to_owned(), format!("USCIS received your change of address ({confirmation})"))]
    );

    // A second move appends to the history; the previous address is now the last new one.
    let again = with(
        form("LIN2690000001", ""),
        &[
            ("previous_line1", "350 Fifth Ave"),
            ("previous_line2", "Ste 7"),
            ("previous_city", "New York"),
            ("previous_state", "NY"),
            ("previous_zip", "10118"),
            ("new_line1", "1 Market St"),
            ("new_line2", ""),
            ("new_city", "San Francisco"),
            ("new_state", "CA"),
            ("new_zip", "94105"),
        ],
    );
    let (status, _, page) = app.post_form("/change-of-address", &cookie, &again).await;
    assert_eq!(status, 200, "{page}");
    let seqs: Vec<i64> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT CAST(a.seq AS BIGINT) FROM case_addresses a JOIN cases c ON c.id = a.case_id WHERE c.receipt_number = 'LIN2690000001' ORDER BY a.seq").fetch_all(pool).await.unwrap()
    });
    assert_eq!(seqs, [1, 2, 3]);
}

// R-CA-02: a case whose mailing ZIP code is not on file cannot be checked against the previous
// address, so it is refused with the usual message and nothing is written.
#[tokio::test]
async fn a_case_without_a_zip_on_file_is_refused() {
    let app = TestApp::new().await;
    let cookie = format!("cris_csrf={CSRF}");
    case(&app, "LIN2690000005", "CASE_RECEIVED", "60601").await;
    cris::with_db!(&app.db, pool => {
        sqlx::query("UPDATE cases SET mailing_zip = NULL WHERE receipt_number = 'LIN2690000005'").execute(pool).await.unwrap();
    });
    let (status, _, page) = app.post_form("/change-of-address", &cookie, &form("LIN2690000005", "")).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("We could not match LIN2690000005 with a pending case at your previous address"), "{page}");
    let written: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM address_changes) + (SELECT COUNT(*) FROM case_addresses)").fetch_one(pool).await.unwrap()
    });
    assert_eq!(written, 0, "a refused change writes nothing");
}
