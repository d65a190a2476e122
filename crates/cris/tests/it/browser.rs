//! Journeys in a real headless Chromium against a real server on a free loopback port, with an
//! automated accessibility audit (axe-core) on every page.

use std::time::Duration;

use tokio::sync::Semaphore;

use crate::support::TestApp;
use crate::webdriver::Browser;

/// One browser at a time: two cores do not run several Chromiums well.
static ONE_BROWSER: Semaphore = Semaphore::const_new(1);

async fn serve(app: &TestApp) -> (String, cris::web::server::Running) {
    let listen = cris::web::server::Listen {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls: None,
        grace: Duration::from_secs(1),
    };
    let (running, _task) = cris::web::server::start(app.router.clone(), &listen)
        .await
        .unwrap();
    (format!("http://{}", running.addr), running)
}

// R-CS-03: the customer interface in English and Spanish, switched from any page.
#[tokio::test]
async fn home_page_language_switch() {
    let _one = ONE_BROWSER.acquire().await.unwrap();
    let app = TestApp::new().await;
    let (base, server) = serve(&app).await;
    let b = Browser::start().await;

    b.goto(&format!("{base}/")).await;
    assert_eq!(b.text("h1").await, "Customer service for immigration cases");
    assert_eq!(
        b.script("return document.documentElement.lang", vec![])
            .await,
        "en"
    );
    assert_eq!(b.text("#language-switch").await, "Español");

    b.click("#language-switch").await;
    assert!(b.url().await.ends_with("/?lang=es"));
    assert_eq!(
        b.text("h1").await,
        "Servicio al cliente para casos de inmigración"
    );
    assert_eq!(
        b.script("return document.documentElement.lang", vec![])
            .await,
        "es"
    );

    // The choice follows the customer to other pages, and back.
    b.goto(&format!("{base}/privacy")).await;
    assert_eq!(b.text("h1").await, "Privacidad");
    b.click("#language-switch").await;
    assert_eq!(b.text("h1").await, "Privacy");
    b.goto(&format!("{base}/accessibility")).await;
    assert_eq!(b.text("h1").await, "Accessibility");

    // The official-website banner opens (USWDS script loaded under the CSP).
    b.click(".usa-banner__button").await;
    let expanded = b
        .script(
            "return document.querySelector('.usa-banner__button').getAttribute('aria-expanded')",
            vec![],
        )
        .await;
    assert_eq!(expanded, "true");
    b.quit().await;
    server.shutdown(Duration::from_secs(1));
}

// WCAG 2.1 AA: no serious or critical violation on any page, in either language.
#[tokio::test]
async fn pages_pass_the_accessibility_audit() {
    let _one = ONE_BROWSER.acquire().await.unwrap();
    let app = TestApp::new().await;
    let (base, server) = serve(&app).await;
    let b = Browser::start().await;
    let mut failures = Vec::new();
    for path in [
        "/",
        "/privacy",
        "/accessibility",
        "/api/docs",
        "/no-such-page",
    ] {
        for lang in ["en", "es"] {
            b.goto(&format!("{base}{path}?lang={lang}")).await;
            for v in b.accessibility_violations().await {
                failures.push(format!("{path} ({lang}): {v}"));
            }
        }
    }
    b.quit().await;
    server.shutdown(Duration::from_secs(1));
    assert!(
        failures.is_empty(),
        "accessibility violations:\n{}",
        failures.join("\n")
    );
}
