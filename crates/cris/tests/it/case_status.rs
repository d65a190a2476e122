//! Case Status Online: the page and the four wire formats, from the same data
//! (R-CS-01 to R-CS-04; `../shared/interfaces/case-status-wire.md`).

use cris::seed::generate::sandbox_receipts;
use serde_json::Value;

use crate::support::TestApp;

const FORM: &str = "application/x-www-form-urlencoded";

async fn api_token(app: &TestApp, body: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut h = vec![("content-type", FORM)];
    h.extend_from_slice(headers);
    let (status, _, text) = app.request("POST", "/oauth/accesstoken", &h, body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn demo_token(app: &TestApp) -> String {
    let (status, t) =
        api_token(app, "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret", &[]).await;
    assert_eq!(status, 200, "{t}");
    t["access_token"].as_str().unwrap().to_owned()
}

async fn restricted_receipt(app: &TestApp) -> String {
    cris::with_db!(&app.db, pool => {
        let r: String = sqlx::query_scalar("SELECT receipt_number FROM cases WHERE receipt_number LIKE 'WAC%' ORDER BY id LIMIT 1").fetch_one(pool).await.unwrap();
        sqlx::query("UPDATE cases SET restricted = TRUE WHERE receipt_number = $1").bind(&r).execute(pool).await.unwrap();
        r
    })
}

// R-CS-01, R-CS-03: the page, in both languages, with history and processing time.
#[tokio::test]
async fn the_page_shows_status_history_and_processing_time_in_both_languages() {
    let app = TestApp::with_demo(400).await;
    let (status, _, page) = app.get("/case-status?receipt=eac-99-991-03403", &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="receipt-number">EAC9999103403<"#));
    let report = cris::case_status::service::lookup(
        &app.db,
        &app.catalog,
        "https://cris.test",
        &"EAC9999103403".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(page.contains(&report.current(cris::kernel::i18n::Lang::En).title));
    assert!(page.contains(r#"id="history""#));
    let (_, _, es) = app.get("/case-status?receipt=EAC9999103403&lang=es", &[]).await;
    assert!(es.contains(&report.current(cris::kernel::i18n::Lang::Es).title) && es.contains("Historial del caso"));
    assert_ne!(report.current(cris::kernel::i18n::Lang::En).title, report.current(cris::kernel::i18n::Lang::Es).title);
    // A case whose form and office have a posted time shows it.
    let with_time: String = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT c.receipt_number FROM cases c JOIN processing_times p ON p.form_code = c.form_code AND p.office_code = c.office_code LIMIT 1")
            .fetch_one(pool).await.unwrap()
    });
    let (_, _, page) = app.get(&format!("/case-status?receipt={with_time}"), &[]).await;
    assert!(
        page.contains(r#"id="processing-time""#)
            && page.contains(" months")
            && page.contains("outside normal processing time")
    );
}

// R-CS-02: malformed numbers get a clear reason; unknown and undisclosed cases answer alike.
#[tokio::test]
async fn malformed_unknown_and_undisclosed_receipts() {
    let app = TestApp::with_demo(200).await;
    let (status, _, page) = app.request("POST", "/case-status", &[("content-type", FORM)], "receipt=ABC123").await;
    assert_eq!(status, 422);
    assert!(page.contains("3 letters followed by 10 digits"));
    let (status, _, page) =
        app.request("POST", "/case-status?lang=es", &[("content-type", FORM)], "receipt=%3Cscript%3E").await;
    assert_eq!(status, 422);
    assert!(page.contains("3 letras seguidas de 10 dígitos") && !page.contains("<script>"));
    let (status, _, unknown) = app.get("/case-status?receipt=EAC0000000001", &[]).await;
    assert_eq!(status, 404);
    assert!(unknown.contains("does not recognize the receipt number"));
    let hidden = restricted_receipt(&app).await;
    let (status, _, page) = app.get(&format!("/case-status?receipt={hidden}"), &[]).await;
    assert_eq!(status, 404);
    assert_eq!(
        page.replace(&hidden, "X"),
        unknown.replace("EAC0000000001", "X"),
        "an undisclosed case looks exactly unknown"
    );

    let token = demo_token(&app).await;
    let auth = format!("Bearer {token}");
    let (s1, _, b1) = app.get(&format!("/case-status/{hidden}"), &[("authorization", &auth)]).await;
    let (s2, _, b2) = app.get("/case-status/EAC0000000001", &[("authorization", &auth)]).await;
    assert_eq!((s1, b1), (s2, b2));
}

// Wire format A: the developer API with OAuth2 client credentials.
#[tokio::test]
async fn developer_api_tokens_answers_and_errors() {
    let app = TestApp::with_demo(200).await;
    let (status, t) =
        api_token(&app, "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=x", &[])
            .await;
    assert_eq!(status, 200);
    for key in [
        "access_token",
        "token_type",
        "expires_in",
        "issued_at",
        "client_id",
        "application_name",
        "scope",
        "status",
        "api_product_list",
    ] {
        assert!(t[key].is_string(), "{key} is a string: {t}");
    }
    assert_eq!(
        (t["token_type"].as_str(), t["status"].as_str(), t["expires_in"].as_str()),
        (Some("BearerToken"), Some("approved"), Some("1799"))
    );
    assert!(t["api_product_list_json"].is_array());
    // The same in a Basic header.
    let basic = format!("Basic {}", base64_encode("demo-client:demo-secret"));
    assert_eq!(api_token(&app, "grant_type=client_credentials", &[("authorization", &basic)]).await.0, 200);
    assert_eq!(
        api_token(&app, "grant_type=client_credentials&client_id=demo-client&client_secret=nope", &[]).await.0,
        401
    );

    let auth = format!("Bearer {}", t["access_token"].as_str().unwrap());
    let (status, h, body) = app.get("/case-status/EAC9999103403", &[("authorization", &auth)]).await;
    assert_eq!(status, 200);
    assert!(h.get("content-type").unwrap().to_str().unwrap().starts_with("application/json"));
    // Pretty-printed, keys in the documented order.
    let order = [
        "receiptNumber",
        "formType",
        "submittedDate",
        "modifiedDate",
        "current_case_status_text_en",
        "current_case_status_desc_en",
        "current_case_status_text_es",
        "current_case_status_desc_es",
        "hist_case_status",
        "message",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|k| body.find(&format!("\"{k}\":")).unwrap_or_else(|| panic!("{k} missing: {body}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{body}");
    assert!(body.lines().count() > 10);
    let v: Value = serde_json::from_str(&body).unwrap();
    let cs = &v["case_status"];
    assert_eq!(cs["receiptNumber"], "EAC9999103403");
    let submitted = cs["submittedDate"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(submitted, "%m-%d-%Y %H:%M:%S").is_ok(),
        "MM-DD-YYYY HH:mm:ss: {submitted}"
    );
    let hist = cs["hist_case_status"].as_array().unwrap();
    assert!(hist[0]["date"].as_str().unwrap().len() == 10 && hist[0]["completed_text_es"].is_string());
    assert_eq!(v["message"], "Query was successful for payload {'receipt_number': 'EAC9999103403'}");

    // Electronic receipts carry no dates.
    let ioe: String = cris::with_db!(&app.db, pool => sqlx::query_scalar("SELECT receipt_number FROM cases WHERE receipt_number LIKE 'IOE%' LIMIT 1").fetch_one(pool).await.unwrap());
    let (_, _, body) = app.get(&format!("/case-status/{ioe}"), &[("authorization", &auth)]).await;
    assert!(!body.contains("submittedDate") && !body.contains("modifiedDate"), "{body}");

    let err = |s: &str| serde_json::from_str::<Value>(s).unwrap();
    let (status, _, body) = app.get("/case-status/EAC9999103403", &[("authorization", "Bearer forged")]).await;
    assert_eq!((status, err(&body)), (401, serde_json::json!({"code": 401, "message": "Invalid Access Token"})));
    let (status, _, body) = app.get("/case-status/EAC9999103403", &[]).await;
    assert_eq!((status, err(&body)["code"].as_u64()), (401, Some(401)));
    let (status, _, body) = app.get("/case-status/EAC99991034", &[("authorization", &auth)]).await;
    assert_eq!((status, err(&body)["code"].as_u64()), (422, Some(422)));
    let (status, _, body) = app.get("/case-status/XYZ9999103403", &[("authorization", &auth)]).await;
    assert_eq!((status, err(&body)["code"].as_u64()), (422, Some(422)), "unknown prefix");
    let (status, _, body) = app.get("/case-status/EAC0000000001", &[("authorization", &auth)]).await;
    assert_eq!(status, 404);
    assert!(
        err(&body)["message"]
            .as_str()
            .unwrap()
            .starts_with("Case Status Online does not recognize the receipt number entered.")
    );
}

#[tokio::test]
async fn a_client_over_its_rate_or_quota_gets_spike_arrest() {
    let app = TestApp::with_demo(100).await;
    let new = cris::api_clients::NewClient {
        name: "Small".into(),
        client_id: Some("small".into()),
        secret: Some("small-secret".into()),
        rate_per_second: 100,
        daily_quota: 3,
        scopes: "case_status".into(),
    };
    cris::api_clients::register(&app.db, &app.catalog, None, app.clock.now(), new).await.unwrap();
    let (_, t) = api_token(&app, "grant_type=client_credentials&client_id=small&client_secret=small-secret", &[]).await;
    let auth = format!("Bearer {}", t["access_token"].as_str().unwrap());
    for _ in 0..3 {
        assert_eq!(app.get("/case-status/EAC9999103403", &[("authorization", &auth)]).await.0, 200);
    }
    let (status, _, body) = app.get("/case-status/EAC9999103403", &[("authorization", &auth)]).await;
    assert_eq!(status, 429);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        serde_json::json!({"code": 429, "message": "Spike Arrest Violation"})
    );
}

// Wire format B: the public site's JSON.
#[tokio::test]
async fn public_site_json_with_anonymous_jwt() {
    let app = TestApp::with_demo(100).await;
    let (status, _, body) = app.get("/csol-api/ui-auth", &[]).await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    let jwt = v["JwtResponse"]["accessToken"].as_str().unwrap();
    assert!(jwt.len() > 50);
    assert_eq!(v["JwtResponse"]["tokenType"], "Bearer");
    assert_eq!(app.get("/csol-api/ui-auth/EAC9999103403", &[]).await.0, 200);
    let auth = format!("Bearer {jwt}");
    let (status, _, body) = app.get("/csol-api/case-statuses/LIN9999106498", &[("authorization", &auth)]).await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    let r = &v["CaseStatusResponse"];
    assert_eq!((r["receiptNumber"].as_str(), r["isValid"].as_bool()), (Some("LIN9999106498"), Some(true)));
    for d in ["detailsEng", "detailsEs"] {
        for k in ["formNum", "formTitle", "actionCodeText", "actionCodeDesc"] {
            assert!(r[d][k].as_str().is_some_and(|s| !s.is_empty()), "{d}.{k}: {body}");
        }
        assert_eq!(r[d]["empty"], false);
    }
    assert_ne!(r["detailsEng"]["formTitle"], r["detailsEs"]["formTitle"]);
    let (status, _, body) = app.get("/csol-api/case-statuses/EAC0000000001", &[("authorization", &auth)]).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        serde_json::json!({"CaseStatusResponse": {"receiptNumber": "EAC0000000001", "isValid": false}})
    );
    assert_eq!(app.get("/csol-api/case-statuses/EAC9999103403", &[]).await.0, 401);
}

// Wire format C: the legacy HTML form, in all the ways old clients call it.
#[tokio::test]
async fn legacy_form_answers_get_and_post() {
    let app = TestApp::with_demo(100).await;
    let report = cris::case_status::service::lookup(
        &app.db,
        &app.catalog,
        "https://cris.test",
        &"SRC9999102777".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let title = &report.current(cris::kernel::i18n::Lang::En).title;
    for (method, uri, body) in [
        ("POST", "/casestatus/mycasestatus.do", "appReceiptNum=SRC9999102777"),
        ("POST", "/casestatus/mycasestatus.do", "appReceiptNum=src9999102777&initCaseSearch=CHECK+STATUS"),
        (
            "POST",
            "/casestatus/mycasestatus.do",
            "changeLocale=&completedActionsCurrentPage=0&upcomingActionsCurrentPage=0&appReceiptNum=SRC9999102777&caseStatusSearchBtn=CHECK+STATUS",
        ),
        ("GET", "/casestatus/mycasestatus.do?appReceiptNum=SRC9999102777", ""),
    ] {
        let (status, _, page) = app.request(method, uri, &[("content-type", FORM)], body).await;
        assert_eq!(status, 200, "{uri} {body}");
        assert!(page.contains(r#"var appReceiptNum = "SRC9999102777";"#), "{page}");
        // The live page breaks the line between the heading and the description; clients that
        // read the block's text split on it.
        assert!(page.contains(&format!("<h1>{title}</h1>\n<p>On ")), "description starts with the date: {page}");
        assert!(page.contains(r#"<div id="formErrorMessages"></div>"#));
    }
    let (_, _, page) = app
        .request("POST", "/casestatus/mycasestatus.do", &[("content-type", FORM)], "appReceiptNum=EAC0000000001")
        .await;
    assert!(page.contains(r#"var appReceiptNum = "";"#) && page.contains("<h1></h1>\n<p></p>"));
    assert!(page.contains(
        "<h4>Validation Error(s)<br/>You must correct the following error(s) before proceeding:</h4><ul><li>"
    ));
    assert!(page.contains("does not recognize the receipt number entered"));
    let (status, _, landing) = app.get("/casestatus/landing.do", &[]).await;
    assert_eq!(status, 200);
    assert!(
        landing.contains(r#"form name="caseStatusForm""#)
            && landing.contains(r#"id="receipt_number" name="appReceiptNum""#)
    );
}

// Wire format D and R-CS-04: processing times per form and office.
#[tokio::test]
async fn processing_times_api() {
    let app = TestApp::with_demo(3_000).await;
    let (status, _, body) = app.get("/processing-times/api/forms", &[]).await;
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).unwrap();
    let forms = v["data"]["forms"]["forms"].as_array().unwrap();
    let i765 = forms.iter().find(|f| f["form_name"] == "I-765").expect("I-765 posted");
    assert_eq!(i765["form_description_en"], "Application for Employment Authorization");
    assert!(i765["form_description_es"].as_str().unwrap().contains("Autorización de Empleo"));

    let v: Value = serde_json::from_str(&app.get("/processing-times/api/formtypes/i-765", &[]).await.2).unwrap();
    let key = v["data"]["form_types"]["subtypes"][0]["form_key"].as_str().unwrap().to_owned();
    let v: Value =
        serde_json::from_str(&app.get(&format!("/processing-times/api/formoffices/I-765/{key}"), &[]).await.2).unwrap();
    let office = v["data"]["form_offices"]["offices"][0]["office_code"].as_str().unwrap().to_owned();
    assert_eq!(v["data"]["form_offices"]["form_name"], "I-765");

    for uri in [
        format!("/processing-times/api/processingtime/I-765/{office}"),
        format!("/processing-times/api/processingtime/I-765/{office}/{key}"),
    ] {
        let (status, _, body) = app.get(&uri, &[]).await;
        assert_eq!(status, 200, "{uri}");
        let v: Value = serde_json::from_str(&body).unwrap();
        let pt = &v["data"]["processing_time"];
        assert_eq!((pt["form_name"].as_str(), pt["office_code"].as_str()), (Some("I-765"), Some(office.as_str())));
        let range = pt["range"].as_array().unwrap();
        assert!(range[0]["value"].as_f64().unwrap() >= range[1]["value"].as_f64().unwrap(), "upper bound first");
        assert_eq!((range[0]["unit_en"].as_str(), range[0]["unit_es"].as_str()), (Some("Months"), Some("Meses")));
        let sub = &pt["subtypes"][0];
        for k in [
            "form_type",
            "publication_date",
            "service_request_date",
            "service_request_date_en",
            "service_request_date_es",
            "subtype_info_en",
            "subtype_info_es",
        ] {
            assert!(sub[k].is_string(), "{k}: {body}");
        }
        assert!(v["message"].is_string());
    }
    assert_eq!(app.get("/processing-times/api/processingtime/I-765/NOPE", &[]).await.0, 404);
    assert_eq!(app.get("/processing-times/api/formtypes/X-1", &[]).await.0, 404);
}

// Clients' usual test receipts answer through every format.
#[tokio::test]
async fn every_sandbox_receipt_answers_in_every_format() {
    let app = TestApp::with_demo(50).await;
    let auth = format!("Bearer {}", demo_token(&app).await);
    let (_, _, jwt) = app.get("/csol-api/ui-auth", &[]).await;
    let jwt: Value = serde_json::from_str(&jwt).unwrap();
    let public = format!("Bearer {}", jwt["JwtResponse"]["accessToken"].as_str().unwrap());
    for r in sandbox_receipts() {
        assert_eq!(app.get(&format!("/case-status/{r}"), &[("authorization", &auth)]).await.0, 200, "{r} A");
        let (_, _, b) = app.get(&format!("/csol-api/case-statuses/{r}"), &[("authorization", &public)]).await;
        assert!(b.contains(r#""isValid":true"#), "{r} B");
        let (_, _, c) = app.get(&format!("/casestatus/mycasestatus.do?appReceiptNum={r}"), &[]).await;
        assert!(c.contains(&format!(r#"var appReceiptNum = "{r}";"#)), "{r} C");
        assert_eq!(app.get(&format!("/case-status?receipt={r}"), &[]).await.0, 200, "{r} page");
    }
}

fn base64_encode(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

// Issue 16, point 18: the built-in texts link to the change of address absolutely, from the
// configured public address (a bare path means nothing in an app, an email or another site).
#[tokio::test]
async fn built_in_texts_link_absolutely_from_the_public_address() {
    let app = TestApp::with_demo(400).await;
    let i18n = std::sync::Arc::new(cris::kernel::i18n::I18n::load().unwrap());
    let state = cris::web::AppState::new(app.db.clone(), app.catalog.clone(), i18n, app.clock.clone(), false)
        .with_public_url("https://my.cris.test/");
    let router = cris::app::router(state, std::time::Duration::from_secs(30));
    let receipt: String = cris::with_db!(&app.db, pool => sqlx::query_scalar(
        "SELECT receipt_number FROM cases WHERE status_code = 'CASE_RECEIVED' AND receipt_number NOT LIKE 'IOE%' LIMIT 1"
    ).fetch_one(pool).await.unwrap());
    let get = |uri: String, auth: Option<String>| {
        let router = router.clone();
        async move {
            use http_body_util::BodyExt;
            use tower::ServiceExt;
            let mut b = axum::http::Request::builder().uri(uri);
            if let Some(a) = auth {
                b = b.header("authorization", a);
            }
            let res = router.oneshot(b.body(axum::body::Body::empty()).unwrap()).await.unwrap();
            String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
        }
    };
    let link = r#"<a href="https://my.cris.test/change-of-address" target="_blank">https://my.cris.test/change-of-address</a>"#;
    let token: Value = serde_json::from_str(&{
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let req = axum::http::Request::post("/oauth/accesstoken")
            .header("content-type", FORM)
            .body(axum::body::Body::from(
                "grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret",
            ))
            .unwrap();
        let res = router.clone().oneshot(req).await.unwrap();
        String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
    })
    .unwrap();
    let auth = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let body = get(format!("/case-status/{receipt}"), Some(auth)).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    for key in ["current_case_status_desc_en", "current_case_status_desc_es"] {
        let desc = v["case_status"][key].as_str().unwrap();
        assert!(desc.contains(link), "{key}: {desc}");
    }
    let page = get(format!("/case-status?receipt={receipt}"), None).await;
    assert!(
        page.contains(r#"<a href="https://my.cris.test/change-of-address" target="_blank" rel="noopener">"#),
        "{page}"
    );
    assert!(!page.contains(" /change-of-address "), "{page}");
}

// R-CS-02: a well-formed receipt number whose centre code USCIS does not use is told so (not the
// format, which it has), on the page in English and Spanish, on the portfolio's add, on the
// change-of-address form, on the legacy page and in the developer API's message.
#[tokio::test]
async fn an_unknown_centre_code_is_named_as_such() {
    let app = TestApp::with_demo(50).await;
    let centre = "not a centre code USCIS uses";
    let (status, _, page) = app.get("/case-status?receipt=XYZ9999103403", &[]).await;
    assert_eq!(status, 422);
    assert!(page.contains(centre) && !page.contains("3 letters followed by 10 digits"), "{page}");
    let (_, _, es) = app.get("/case-status?receipt=XYZ9999103403&lang=es", &[]).await;
    assert!(es.contains("no son un código de centro que USCIS use"), "{es}");
    // The format message still answers a number of the wrong shape.
    let (_, _, page) = app.get("/case-status?receipt=EAC99991034", &[]).await;
    assert!(page.contains("3 letters followed by 10 digits") && !page.contains(centre));

    let cookie = format!("cris_csrf={}", crate::support::CSRF);
    let ar11 = crate::change_of_address::form("XYZ9999103403", "");
    let (status, _, page) = app.post_form("/change-of-address?lang=es", &cookie, &ar11).await;
    assert!(status == 422 && page.contains("no son un código de centro que USCIS use"), "{page}");

    let (_, _, legacy) = app
        .request("POST", "/casestatus/mycasestatus.do", &[("content-type", FORM)], "appReceiptNum=XYZ9999103403")
        .await;
    assert!(legacy.contains("Its first 3 letters are not a centre code USCIS uses"), "{legacy}");

    let auth = format!("Bearer {}", demo_token(&app).await);
    let (status, _, body) = app.get("/case-status/XYZ9999103403", &[("authorization", &auth)]).await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status, 422);
    assert!(body["message"].as_str().unwrap().contains(centre), "{body}");
}

// R-CS-01, R-CS-04 (issue 18): a lookup reads the report kept beside the case; a case whose
// report is not built (stored before migration 0030) reads the tables. Both give the same
// page, developer API answer and public-site JSON, to the byte, and a status change rewrites
// the report in its own transaction.
#[tokio::test]
async fn the_stored_report_answers_exactly_as_the_tables() {
    let app = TestApp::with_demo(300).await;
    let token = demo_token(&app).await;
    let bearer = format!("Bearer {token}");
    let (_, _, jwt) = app.get("/csol-api/ui-auth", &[]).await;
    let jwt: Value = serde_json::from_str(&jwt).unwrap();
    let jwt = format!("Bearer {}", jwt["JwtResponse"]["accessToken"].as_str().unwrap());
    let receipts: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT receipt_number FROM cases WHERE report IS NOT NULL ORDER BY id LIMIT 40").fetch_all(pool).await.unwrap()
    });
    assert_eq!(receipts.len(), 40, "the demo data is written with its reports");
    let answers = |receipts: Vec<String>| {
        let (app, bearer, jwt) = (&app, bearer.clone(), jwt.clone());
        async move {
            let mut all = Vec::new();
            for r in receipts {
                all.push(app.get(&format!("/case-status?receipt={r}&lang=es"), &[]).await.2);
                all.push(app.get(&format!("/case-status/{r}"), &[("authorization", &bearer)]).await.2);
                all.push(app.get(&format!("/csol-api/case-statuses/{r}"), &[("authorization", &jwt)]).await.2);
            }
            all
        }
    };
    let from_reports = answers(receipts.clone()).await;
    cris::with_db!(&app.db, pool => {
        sqlx::query("UPDATE cases SET report = NULL").execute(pool).await.unwrap();
    });
    // Past the machine interfaces' cache.
    app.state.reports().forget(receipts.iter().map(String::as_str));
    let from_tables = answers(receipts.clone()).await;
    assert_eq!(from_reports.len(), from_tables.len());
    for (a, b) in from_reports.iter().zip(&from_tables) {
        assert_eq!(a, b);
    }
    // A status change rebuilds the report with it.
    let receipt = &receipts[0];
    let body = format!(
        r#"[{{"event_id":"e-report-1","receipt_number":"{receipt}","action_code":"CASE_APPROVED","date":"2026-11-02"}}]"#
    );
    let events = cris::case_status::events::parse_batch(body.as_bytes()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    let prepared = cris::case_status::events::prepare(events, &app.catalog, today);
    let now = today.and_hms_opt(12, 0, 0).unwrap().and_utc();
    let outcome = cris::case_status::events::apply(&app.db, now, prepared).await.unwrap();
    assert_eq!(outcome.applied, 1, "{:?}", outcome.rejected);
    let stored: Option<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT report FROM cases WHERE receipt_number = $1").bind(receipt).fetch_one(pool).await.unwrap()
    });
    let facts = cris::case_status::model::Facts::decode(&stored.unwrap()).unwrap();
    assert_eq!(facts.history.last().map(|h| h.status_code.as_str()), Some("CASE_APPROVED"));
}
