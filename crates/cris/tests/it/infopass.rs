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

    let (_, _, page) = app.get("/appointments/CHI?service=information&date=2026-11-03", &[]).await;
    let times = page.get(page.find(r#"id="times""#).unwrap()..).unwrap();
    assert_eq!(times.matches("<li>").count(), 30);
    assert!(times.contains("<li>8:00 AM</li>") && times.contains("<li>3:15 PM</li>"));
    let (_, _, es) = app.get("/appointments/CHI?service=information&date=2026-11-03&lang=es", &[]).await;
    assert!(es.contains("Oficina Local de Chicago") && es.contains("<li>15:15</li>") && es.contains("Días con citas"));

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
    assert_eq!(times.matches("<li>").count(), 26);
    assert!(!times.contains("<li>12:45 PM</li>") && times.contains("<li>1:00 PM</li>"));

    assert_eq!(app.get("/appointments/ZCH", &[]).await.0, 404, "an asylum office takes no InfoPass appointments");
    assert_eq!(app.get("/appointments/NOPE", &[]).await.0, 404);
    let (status, _, page) = app.get("/appointments/CHI?service=nonsense&date=garbage", &[]).await;
    assert_eq!(status, 200);
    assert!(!page.contains(r#"id="dates""#) && !page.contains(r#"id="times""#));
}
