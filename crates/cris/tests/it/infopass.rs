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
