//! The web shell: languages, security headers, errors, assets, operations endpoints, OpenAPI.

use crate::support::TestApp;

// R-CS-03: every public page in English and Spanish; the choice is remembered.
#[tokio::test]
async fn home_page_in_both_languages_with_the_switch() {
    let app = TestApp::new().await;
    let (status, headers, body) = app.get("/", &[]).await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"<html lang="en""#));
    assert!(body.contains("An official website of the United States government"));
    assert!(body.contains(r#"class="usa-skipnav""#));
    assert!(body.contains(r#"href="/?lang=es""#), "switch link to Spanish");
    assert!(headers.get("set-cookie").is_none());

    let (status, headers, body) = app.get("/?lang=es", &[]).await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"<html lang="es""#));
    assert!(body.contains("Un sitio oficial del Gobierno de Estados Unidos"));
    assert!(body.contains("Servicio al cliente para casos de inmigración"));
    let cookie = headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(cookie.starts_with("cris_lang=es;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));

    // The cookie, then the browser's preference, decide later pages.
    let (_, _, body) = app.get("/privacy", &[("cookie", "cris_lang=es")]).await;
    assert!(body.contains("<h1>Privacidad</h1>"));
    let (_, _, body) = app.get("/accessibility", &[("accept-language", "es-MX,es;q=0.9,en;q=0.5")]).await;
    assert!(body.contains("<h1>Accesibilidad</h1>"));
    let (_, _, body) = app.get("/accessibility", &[("accept-language", "fr")]).await;
    assert!(body.contains("<h1>Accessibility</h1>"));
}

// R-AU-09 and the shell's hardening: headers on every response, pages and JSON alike.
#[tokio::test]
async fn security_headers_and_request_ids_on_every_response() {
    let app = TestApp::new().await;
    for uri in ["/", "/healthz", "/no-such-page", "/api/openapi.json"] {
        let (_, h, _) = app.get(uri, &[]).await;
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(h.get("referrer-policy").unwrap(), "strict-origin-when-cross-origin");
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
        assert_eq!(h.get("x-request-id").unwrap().len(), 36, "{uri}");
    }
    // A request id sent by a proxy is kept.
    let (_, h, _) = app.get("/healthz", &[("x-request-id", "abc-123")]).await;
    assert_eq!(h.get("x-request-id").unwrap(), "abc-123");
}

#[tokio::test]
async fn unknown_paths_get_a_page_for_people_and_a_problem_for_programs() {
    let app = TestApp::new().await;
    let (status, h, body) = app.get("/nowhere", &[("accept", "text/html")]).await;
    assert_eq!(status, 404);
    assert!(h.get("content-type").unwrap().to_str().unwrap().starts_with("text/html"));
    assert!(body.contains("Page not found") && body.contains("Reference for support"));
    let (_, _, body) = app.get("/nowhere?lang=es", &[("accept", "text/html")]).await;
    assert!(body.contains("No encontramos la página"));

    let (status, h, body) = app.get("/api/nowhere", &[("accept", "text/html")]).await;
    assert_eq!(status, 404);
    assert_eq!(h.get("content-type").unwrap(), "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["type"], "about:blank");
    assert_eq!(problem["title"], "Not Found");

    // A known path with the wrong method: 405, in the client's form.
    let req = axum::http::Request::post("/healthz").body(axum::body::Body::empty()).unwrap();
    let res = app.send(req).await;
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers().get("content-type").unwrap(), "application/problem+json");
}

// Bad input that an extractor refuses before any handler (a path segment that is not a number)
// gets the error page in the visitor's language, or a problem document for programs.
#[tokio::test]
async fn refused_input_gets_a_page_or_a_problem_not_plain_text() {
    let app = TestApp::new().await;
    app.staff("boss.shell", cris::kernel::access::Role::GlobalAdmin, "NYC").await;
    let cookie = app.sign_in("boss.shell").await;
    let (status, h, body) =
        app.get("/staff/admin/users/not-a-number", &[("cookie", &cookie), ("accept", "text/html")]).await;
    assert_eq!(status, 400);
    assert!(h.get("content-type").unwrap().to_str().unwrap().starts_with("text/html"), "{h:?}");
    assert!(body.contains("usa-banner"), "{body}");
    let (status, h, body) =
        app.get("/staff/admin/users/not-a-number", &[("cookie", &cookie), ("accept", "application/json")]).await;
    assert_eq!(status, 400);
    assert_eq!(h.get("content-type").unwrap(), "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("not-a-number"), "{problem}");
}

#[tokio::test]
async fn assets_are_versioned_cached_and_compressed() {
    let app = TestApp::new().await;
    let (_, _, home) = app.get("/", &[]).await;
    let css = home
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with("uswds.min.css"))
        .expect("stylesheet link")
        .to_owned();
    let (status, h, _) = app.get(&css, &[("accept-encoding", "gzip")]).await;
    assert_eq!(status, 200);
    assert_eq!(h.get("cache-control").unwrap(), "public, max-age=31536000, immutable");
    assert_eq!(h.get("content-type").unwrap(), "text/css; charset=utf-8");
    assert_eq!(h.get("content-encoding").unwrap(), "gzip");
    // An old version still answers, but is not cached forever.
    let mut parts: Vec<&str> = css.splitn(4, '/').collect();
    parts[2] = "000000000000";
    let (status, h, _) = app.get(&parts.join("/"), &[]).await;
    assert_eq!((status, h.get("cache-control").unwrap().to_str().unwrap()), (200, "no-cache"));
    let (status, _, _) = app.get("/assets/x/nothing.css", &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::new().await;
    let (status, _, body) = app.get("/healthz", &[]).await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    let (status, _, _) = app.get("/readyz", &[]).await;
    assert_eq!(status, 200);
    // R-AU-09: metrics answer this machine (the default network), nobody else.
    let (status, h, body) = app.get_from("127.0.0.1", "/metrics", &[]).await;
    assert_eq!(status, 200);
    assert!(h.get("content-type").unwrap().to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    assert!(body.contains(r#"cris_http_requests_total{route="/healthz",method="GET",status="200"} 1"#), "{body}");
    // Two requests answered before this one (which is counted once it is answered).
    assert!(body.contains("cris_http_request_duration_seconds_count 2"), "{body}");
    assert_eq!(app.get_from("203.0.113.9", "/metrics", &[]).await.0, 403);
    assert_eq!(app.get("/metrics", &[]).await.0, 403);
    assert!(body.contains(r#"cris_db_connections{state="open"}"#));

    // Readiness follows the database.
    app.db.close().await;
    let (status, h, _) = app.get("/readyz", &[]).await;
    assert_eq!(status, 503);
    assert_eq!(h.get("content-type").unwrap(), "application/problem+json");
}

#[tokio::test]
async fn openapi_document_and_its_readable_page() {
    let app = TestApp::new().await;
    let (status, _, body) = app.get("/api/openapi.json", &[]).await;
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/healthz", "/readyz", "/metrics", "/api/openapi.json"] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    let (status, _, page) = app.get("/api/docs?lang=es", &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Interfaces para desarrolladores") && page.contains("<code>/readyz</code>"));
}

// Every error answer carries a stable code (issue 15): the enum and docs/ERRORS.md list the same
// codes, so a code a program may meet is always documented, and a documented one always exists.
#[test]
fn every_error_code_is_documented() {
    use cris::kernel::error::ErrorCode;
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/ERRORS.md")).unwrap();
    let documented: Vec<&str> =
        doc.lines().filter_map(|l| l.strip_prefix("| `")).filter_map(|l| l.split('`').next()).collect();
    let defined: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(documented, defined, "docs/ERRORS.md and kernel::error::ErrorCode differ");
}

// The code travels with the answer: in a problem document and on the page people see.
#[tokio::test]
async fn error_answers_carry_their_code() {
    let app = TestApp::new().await;
    let (_, _, body) = app.get("/api/nowhere", &[("accept", "application/json")]).await;
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["code"], "not-found");
    let (status, _, body) = app.get("/nowhere", &[("accept", "text/html")]).await;
    assert_eq!(status, 404);
    assert!(body.contains("Error code: not-found"), "{body}");
    let (_, _, body) = app.get("/nowhere?lang=es", &[("accept", "text/html")]).await;
    assert!(body.contains("Código de error: not-found"), "{body}");
    let req = axum::http::Request::post("/healthz").body(axum::body::Body::empty()).unwrap();
    let res = app.send(req).await;
    let body = axum::body::to_bytes(res.into_body(), 10_000).await.unwrap();
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["code"], "method-not-allowed");
}
