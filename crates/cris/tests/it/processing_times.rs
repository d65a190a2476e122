//! Publishing processing times (R-CS-04): headquarters reviews what CRIS suggests from decided
//! cases, adjusts it and posts it; the public answers change; every publication is audited.

use cris::kernel::access::Role;
use serde_json::Value;

use super::support::TestApp;

/// The details of the audit rows of an event, oldest first.
async fn audit_details(app: &TestApp, event: &str) -> Vec<String> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE event = $1 ORDER BY id").bind(event).fetch_all(pool).await.unwrap()
    })
}

// R-CS-04: headquarters staff publish the times, starting from the suggested median and 80th percentile.
#[tokio::test]
async fn headquarters_reviews_the_suggestion_and_publishes_it() {
    let app = TestApp::with_demo(3_000).await;
    app.staff("hq.test", Role::Headquarters, "NBC").await;
    let hq = app.sign_in("hq.test").await;
    let cookie = [("cookie", hq.as_str())];

    let stored = cris::processing_times::suggestions(&app.db).await.unwrap();
    let s = stored.iter().find(|s| s.form_code == "I-765").expect("the demo data suggests times for I-765").clone();
    let office = s.office_code.clone();
    let (status, _, overview) = app.get("/staff/processing-times?form=i-765", &cookie).await;
    assert_eq!(status, 200);
    assert!(overview.contains(&format!("Review I-765 at {office}")), "{overview}");
    assert!(!overview.contains("Review I-130 at"), "filtered to one form");
    assert!(overview.contains(r#"href="/staff/processing-times""#), "in the navigation");

    let review_uri = format!("/staff/processing-times/I-765/{office}");
    let (status, _, review) = app.get(&review_uri, &cookie).await;
    assert_eq!(status, 200, "{review}");
    assert!(review.contains(&format!("from {} cases decided", s.cases)), "{review}");
    assert!(review.contains(&format!(r#"name="range_high" inputmode="decimal" value="{}""#, s.p80_text())));

    let publish = |low: &'static str, high: &'static str, csrf: Option<&'static str>| {
        let mut form = vec![("form_key", "I-765-ALL"), ("range_low", low), ("range_high", high), ("unit", "Months")];
        form.extend(csrf.map(|c| ("csrf", c)));
        let (app, hq, uri) = (&app, &hq, &review_uri);
        async move { app.post_form(uri, hq, &form).await }
    };
    let (status, headers, _) = publish("4.5", "9", None).await;
    assert_eq!(status, 303);
    assert_eq!(headers["location"], format!("{review_uri}?published=I-765-ALL").as_str());

    let api = format!("/processing-times/api/processingtime/I-765/{office}/I-765-ALL");
    let answer = |body: String| -> (Vec<f64>, String, String) {
        let v: Value = serde_json::from_str(&body).unwrap();
        let sub = &v["data"]["processing_time"]["subtypes"][0];
        let range = sub["range"].as_array().unwrap().iter().map(|r| r["value"].as_f64().unwrap()).collect();
        (range, sub["publication_date"].as_str().unwrap().into(), sub["service_request_date"].as_str().unwrap().into())
    };
    let published = (vec![9.0, 4.5], "2026-11-02".to_owned(), "2026-02-02".to_owned());
    assert_eq!(answer(app.get(&api, &[]).await.2), published, "dated today, service-request date 9 months back");
    let details = audit_details(&app, "processing_times.publish").await;
    assert_eq!(details.len(), 1);
    assert!(details[0].starts_with(&format!("posted I-765 I-765-ALL at {office}: 4.5 to 9 Months")), "{}", details[0]);
    assert!(details[0].contains("was "), "the replaced figures are kept: {}", details[0]);
    // The public page writes the figures as each language writes numbers, its words from the
    // catalogues (issue 17); so does the staff page.
    let shown = format!("/processing-times?form=I-765&office={office}");
    assert!(app.get(&shown, &[]).await.2.contains(">4.5 to 9 months<"));
    assert!(app.get(&format!("{shown}&lang=es"), &[]).await.2.contains(">4,5 a 9 meses<"));
    assert!(app.get("/staff/processing-times?form=I-765", &cookie).await.2.contains("4.5 to 9 months"));

    // Bad figures come back with a message and what was typed; nothing changes.
    for (low, high, message) in [
        ("5", "4", "cannot be more than the upper one"),
        ("3.3", "9", "whole or half number"),
        ("abc", "9", "Enter a number"),
    ] {
        let (status, _, page) = publish(low, high, None).await;
        assert_eq!(status, 422, "{low} {high}");
        assert!(page.contains(message) && page.contains(&format!(r#"value="{low}""#)), "{page}");
    }
    assert_eq!(publish("4", "8", Some("forged")).await.0, 403, "a form from elsewhere");
    assert_eq!(answer(app.get(&api, &[]).await.2), published);
    assert_eq!(audit_details(&app, "processing_times.publish").await.len(), 1);
    assert_eq!(app.get("/staff/processing-times/X-9/NSC", &cookie).await.0, 404);
}

// R-CS-04 (published by headquarters), R-AU-01 and R-AU-07: other roles are refused, and the refusal recorded.
#[tokio::test]
async fn only_headquarters_publishes_times() {
    let app = TestApp::with_demo(200).await;
    app.staff("iio.test", Role::Iio, "NYC").await;
    let officer = app.sign_in("iio.test").await;
    let (status, _, home) = app.get("/staff", &[("cookie", &officer)]).await;
    assert_eq!(status, 200);
    assert!(!home.contains("/staff/processing-times"), "not in an officer's navigation");
    assert_eq!(app.get("/staff/processing-times", &[("cookie", &officer)]).await.0, 403);
    let form = [("form_key", "I-765-ALL"), ("range_low", "1"), ("range_high", "2"), ("unit", "Months")];
    assert_eq!(app.post_form("/staff/processing-times/I-765/NSC", &officer, &form).await.0, 403);
    let refusals = audit_details(&app, "access.denied").await;
    assert!(refusals.iter().any(|d| d.contains("processing_times.publish")), "{refusals:?}");
    assert!(audit_details(&app, "processing_times.publish").await.is_empty());
    assert_eq!(app.get("/staff/processing-times", &[]).await.0, 303, "signed out: to the sign-in page");
}

// R-CS-04: the public page: a form, then an office, then the posted range and the date from
// which an inquiry may be filed, in English and in Spanish, read from the same postings as the
// processing-times API; a form or office not posted is said so beside the field.
#[tokio::test]
async fn the_public_page_shows_what_the_api_posts_in_both_languages() {
    let app = TestApp::with_demo(3_000).await;
    let now = app.clock.now();
    if cris::processing_times::all(&app.db).await.unwrap().is_empty() {
        cris::processing_times::post_suggestions(&app.db, now.date_naive(), "test", now).await.unwrap();
    }
    let posted = cris::processing_times::all(&app.db).await.unwrap();
    let p = posted.first().expect("a posted time").clone();
    let (form, office) = (p.form_code.clone(), p.office_code.clone());

    let (status, _, home) = app.get("/", &[]).await;
    assert!(status == 200 && home.contains(r#"href="/processing-times""#), "the home page links to it");

    let api = format!("/processing-times/api/processingtime/{form}/{office}/{}", p.form_key);
    let (_, _, json) = app.get(&api, &[]).await;
    let json: Value = serde_json::from_str(&json).unwrap();
    let subtype = &json["data"]["processing_time"]["subtypes"][0];

    for (lang, title, date_field) in [
        ("en", "Check processing times", "service_request_date_en"),
        ("es", "Consulte los tiempos de procesamiento", "service_request_date_es"),
    ] {
        let (status, _, page) = app.get(&format!("/processing-times?lang={lang}"), &[]).await;
        assert!(
            status == 200 && page.contains(title) && page.contains(&format!(r#"<option value="{form}""#)),
            "{page}"
        );
        assert!(!page.contains(r#"id="office""#), "the office comes after the form");

        let (status, _, page) =
            app.get(&format!("/processing-times?lang={lang}&form={}", form.to_lowercase()), &[]).await;
        assert!(status == 200 && page.contains(&format!(r#"<option value="{office}""#)), "{page}");

        let (status, _, page) =
            app.get(&format!("/processing-times?lang={lang}&form={form}&office={office}"), &[]).await;
        assert_eq!(status, 200, "{page}");
        let l = cris::kernel::i18n::Lang::from_tag(lang).unwrap();
        let (low, high) = (l.decimal(p.range_low), l.decimal(p.range_high));
        let range = if lang == "es" { format!("{low} a {high} meses") } else { format!("{low} to {high} months") };
        assert!(page.contains(&range), "{range}: {page}");
        let inquiry = subtype[date_field].as_str().unwrap();
        assert!(page.contains(inquiry), "the inquiry date the API posts ({inquiry}): {page}");

        let (status, _, page) = app.get(&format!("/processing-times?lang={lang}&form=X-1"), &[]).await;
        assert!(status == 404 && page.contains(r#"id="form-error""#) && page.contains(r##"href="#form""##), "{page}");
        let (status, _, page) = app.get(&format!("/processing-times?lang={lang}&form={form}&office=ZZZ"), &[]).await;
        assert!(status == 404 && page.contains(r#"id="office-error""#), "{page}");
    }
}
