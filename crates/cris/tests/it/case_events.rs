//! Case updates in: batches over HTTP and JSON Lines files, applied once each, bad events refused
//! by position with a reason while the good ones apply.

use serde_json::{Value, json};

use crate::support::TestApp;

async fn token(app: &TestApp, scopes: &str) -> String {
    let id = format!("sys-{}", scopes.replace(' ', "-"));
    let new = cris::api_clients::NewClient {
        name: "Adjudication system".into(),
        client_id: Some(id.clone()),
        secret: Some("system-secret".into()),
        rate_per_second: 1_000,
        daily_quota: 1_000_000,
        scopes: scopes.into(),
    };
    cris::api_clients::register(&app.db, &app.catalog, None, app.clock.now(), new).await.unwrap();
    let body = format!("grant_type=client_credentials&client_id={id}&client_secret=system-secret");
    let (_, _, t) = app
        .request("POST", "/oauth/accesstoken", &[("content-type", "application/x-www-form-urlencoded")], &body)
        .await;
    let t: Value = serde_json::from_str(&t).unwrap();
    format!("Bearer {}", t["access_token"].as_str().unwrap())
}

async fn post(app: &TestApp, auth: &str, body: &Value) -> (u16, Value) {
    let (status, _, text) = app
        .request(
            "POST",
            "/api/v1/case-events",
            &[("authorization", auth), ("content-type", "application/json")],
            &body.to_string(),
        )
        .await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_batch_applies_good_events_once_and_refuses_bad_ones_by_index() {
    let app = TestApp::with_demo(100).await;
    let auth = token(&app, "case_events").await;
    let batch = json!({"events": [
        {"event_id": "e1", "receipt_number": "EAC9999103410", "action_code": "CASE_APPROVED", "date": "2026-11-02"},
        {"event_id": "e2", "receipt_number": "eac-99-991-03411", "date": "2026-11-02",
         "title_en": "Notice Was Mailed", "description_en": "<p>On November 2, 2026, we mailed a notice. <script>steal()</script> See <a href=\"https://www.uscis.gov/x\">this page</a>.</p>",
         "title_es": "Se Envió un Aviso", "description_es": "<p>El 2 de noviembre de 2026, le enviamos un aviso.</p>"},
        {"event_id": "e1", "receipt_number": "EAC9999103410", "action_code": "CASE_APPROVED", "date": "2026-11-02"},
        {"event_id": "e4", "receipt_number": "EAC999910341", "action_code": "CASE_APPROVED", "date": "2026-11-02"},
        {"event_id": "e5", "receipt_number": "EAC9999103412", "action_code": "CASE_WAS_EATEN", "date": "2026-11-02"},
        {"event_id": "e6", "receipt_number": "WAC2690000001", "action_code": "CASE_RECEIVED", "date": "2026-11-02"},
        {"event_id": "e7", "receipt_number": "WAC2690000001", "action_code": "CASE_RECEIVED", "date": "2026-11-02", "form": "I-130", "mailing_zip": "90012"},
        "not an event",
        {"event_id": "e9", "receipt_number": "EAC9999103413", "action_code": "CASE_APPROVED", "date": "2031-01-01"}
    ]});
    let (status, out) = post(&app, &auth, &batch).await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["applied"], 3, "{out}");
    assert_eq!(out["duplicates"], 1, "{out}");
    let rejected: Vec<(u64, String)> = out["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["position"].as_u64().unwrap(), r["reason"].as_str().unwrap().to_owned()))
        .collect();
    let positions: Vec<u64> = rejected.iter().map(|r| r.0).collect();
    assert_eq!(positions, vec![3, 4, 5, 7, 8], "{out}");
    assert!(rejected[0].1.contains("10 digits"));
    assert!(rejected[1].1.contains("not in the status catalogue"));
    assert!(rejected[2].1.contains("not known"));
    assert!(rejected[4].1.contains("future"));

    // The approval is the current status, with its history entry.
    let approved = cris::case_status::service::lookup(
        &app.db,
        &app.catalog,
        "https://cris.test",
        &"EAC9999103410".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(approved.current(cris::kernel::i18n::Lang::En).title, "Case Was Approved");
    assert_eq!(approved.history().next().unwrap().date.to_string(), "2026-11-02");
    // An older source's own text is kept, sanitised: the link stays, the script does not run.
    let custom = cris::case_status::service::lookup(
        &app.db,
        &app.catalog,
        "https://cris.test",
        &"EAC9999103411".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(custom.current(cris::kernel::i18n::Lang::En).title, "Notice Was Mailed");
    assert_eq!(custom.current(cris::kernel::i18n::Lang::Es).title, "Se Envió un Aviso");
    let desc = &custom.current(cris::kernel::i18n::Lang::En).description_html;
    assert!(
        desc.contains("&lt;script&gt;")
            && desc.contains(r#"<a href="https://www.uscis.gov/x" target="_blank">this page</a>"#),
        "{desc}"
    );
    let (_, _, page) = app.get("/case-status?receipt=EAC9999103411", &[]).await;
    assert!(!page.contains("<script>steal()"));
    // A new case from its first event.
    let created = cris::case_status::service::lookup(
        &app.db,
        &app.catalog,
        "https://cris.test",
        &"WAC2690000001".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!((created.form.as_str(), created.office_code.as_str()), ("I-130", "CSC"));

    // The same batch again applies nothing twice. (e6, refused before because its case did not
    // exist, now finds the case that e7 created, so it applies this time.)
    let history_before = approved.history().len();
    let (_, again) = post(&app, &auth, &batch).await;
    assert_eq!((again["applied"].as_u64(), again["duplicates"].as_u64()), (Some(1), Some(4)), "{again}");
    let after = cris::case_status::service::lookup(
        &app.db,
        &app.catalog,
        "https://cris.test",
        &"EAC9999103410".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(after.history().len(), history_before);
}

#[tokio::test]
async fn only_systems_with_the_scope_may_push() {
    let app = TestApp::with_demo(20).await;
    let body = json!([{"event_id": "x", "receipt_number": "EAC9999103410", "action_code": "CASE_APPROVED", "date": "2026-11-02"}]);
    assert_eq!(post(&app, "Bearer nothing", &body).await.0, 401);
    let reader = token(&app, "case_status").await;
    assert_eq!(post(&app, &reader, &body).await.0, 403);
    let writer = token(&app, "case_events").await;
    let (status, _, text) =
        app.request("POST", "/api/v1/case-events", &[("authorization", &writer)], "{not json").await;
    assert_eq!(status, 422);
    assert!(text.contains("not JSON"));
    assert_eq!(post(&app, &writer, &json!({"events": 5})).await.0, 422);
}

#[tokio::test]
async fn a_json_lines_file_reports_refused_lines_and_applies_the_rest() {
    let app = TestApp::with_demo(20).await;
    let dir = std::env::temp_dir().join(format!("cris-events-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("events.jsonl");
    std::fs::write(
        &file,
        [
            r#"{"event_id": "f1", "receipt_number": "SRC9999102777", "action_code": "CASE_DENIED", "date": "2026-11-01"}"#,
            "",
            r#"{"event_id": "f2", "receipt_number": "SRC9999102778", "action_code": "CASE_APPROVED""#,
            r#"{"event_id": "f3", "receipt_number": "SRC9999102779", "action_code": "RFE_SENT", "date": "2026-11-01"}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cris"));
    let out = cmd.args(["--database-url", &app.test_db.url, "import", "case-events"]).arg(&file).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("applied 2, already applied 0, refused 1"), "{stdout}");
    assert!(stdout.contains("line 3: not a JSON event"), "{stdout}");
    let denied = cris::case_status::service::lookup(
        &app.db,
        &app.catalog,
        "https://cris.test",
        &"SRC9999102777".parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(denied.status_code, "CASE_DENIED");
    std::fs::remove_dir_all(dir).unwrap();
}

// An imported case's `modifiedDate` is the day of its latest status event, as for a case of the
// demo data, never the moment the import ran (the fixed clock says 2026-11-02 15:00).
#[tokio::test]
async fn an_imported_case_is_modified_on_its_latest_status_event() {
    let app = TestApp::with_demo(20).await;
    let writer = token(&app, "case_events").await;
    let batch = json!([
        {"event_id": "m1", "receipt_number": "WAC2690000002", "action_code": "CASE_RECEIVED", "date": "2026-09-14", "form": "I-130"},
        {"event_id": "m2", "receipt_number": "WAC2690000002", "action_code": "CASE_APPROVED", "date": "2026-10-20"},
        // Late and older: joins the history, moves nothing.
        {"event_id": "m3", "receipt_number": "WAC2690000002", "action_code": "FINGERPRINT_FEE_RECEIVED", "date": "2026-09-30"}
    ]);
    let (status, out) = post(&app, &writer, &batch).await;
    assert_eq!((status, out["applied"].as_u64()), (200, Some(3)), "{out}");
    let reader = token(&app, "case_status").await;
    let (status, _, body) = app.get("/case-status/WAC2690000002", &[("authorization", &reader)]).await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["case_status"]["submittedDate"], "09-14-2026 00:00:00", "{body}");
    assert_eq!(v["case_status"]["modifiedDate"], "10-20-2026 00:00:00", "{body}");
    // And through the one-at-a-time path (a JSON Lines file) too.
    let dir = std::env::temp_dir().join(format!("cris-events-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("events.jsonl");
    std::fs::write(
        &file,
        r#"{"event_id": "m4", "receipt_number": "WAC2690000003", "action_code": "CASE_RECEIVED", "date": "2026-08-03", "form": "I-765"}"#,
    )
    .unwrap();
    let raw = cris::case_status::events::parse_lines(&std::fs::read_to_string(&file).unwrap());
    let prepared = cris::case_status::events::prepare(raw, &app.catalog, app.clock.now().date_naive());
    cris::case_status::events::apply(&app.db, app.clock.now(), prepared).await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let (_, _, body) = app.get("/case-status/WAC2690000003", &[("authorization", &reader)]).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["case_status"]["modifiedDate"], "08-03-2026 00:00:00", "{body}");
}

// Issue 16, point 16: a description from an older system with a link that opens a new tab keeps
// the link whole on every surface (before, the opening tag was escaped and `</a>` kept raw), our
// own page adds rel="noopener", and no surface shows an unbalanced tag.
#[tokio::test]
async fn links_in_older_texts_stay_whole_anchors() {
    let app = TestApp::with_demo(20).await;
    let writer = token(&app, "case_events").await;
    let batch = json!([{"event_id": "l1", "receipt_number": "EAC9999103414", "date": "2026-11-02",
        "title_en": "Card Was Delivered To Me By The Post Office",
        "description_en": "On November 2, 2026, the Post Office delivered your card. Track it <a href=\"https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=9400100000000000000001\" target=\"_blank\">here</a>. Stray </a> and <p>open"}]);
    let (status, out) = post(&app, &writer, &batch).await;
    assert_eq!((status, out["applied"].as_u64()), (200, Some(1)), "{out}");
    let anchor = r#"<a href="https://tools.usps.com/go/TrackConfirmAction_input?origTrackNum=9400100000000000000001" target="_blank">here</a>"#;
    let reader = token(&app, "case_status").await;
    let (_, _, body) = app.get("/case-status/EAC9999103414", &[("authorization", &reader)]).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    let desc = v["case_status"]["current_case_status_desc_en"].as_str().unwrap();
    assert!(desc.contains(anchor), "{desc}");
    assert!(!desc.contains("&lt;a") && desc.matches("</a>").count() == 1, "{desc}");
    assert!(desc.ends_with("<p>open</p>"), "{desc}");
    let (_, _, page) = app.get("/case-status?receipt=EAC9999103414", &[]).await;
    assert!(page.contains(r#"target="_blank" rel="noopener">here</a>"#), "{page}");
    assert!(!page.contains("&lt;a href"), "{page}");
    let (_, _, legacy) = app.get("/casestatus/mycasestatus.do?appReceiptNum=EAC9999103414", &[]).await;
    assert!(legacy.contains(anchor) && !legacy.contains("<p>open"), "{legacy}");
}

// Issue 18: the one-event-at-a-time fallback locks its chunk's cases in id order before it
// changes any, as the batch path does, so two fallbacks over the same two cases in opposite
// orders take turns instead of each holding a case the other waits for (a deadlock, one event
// refused). PostgreSQL: a trigger refuses multi-row history inserts (so both batches fall back)
// and slows each row (so the two overlap). SQLite's writers take turns anyway.
#[tokio::test]
async fn two_fallbacks_over_the_same_cases_in_opposite_orders_both_apply() {
    use cris::case_status::events::{self, RawEvent};
    let app = TestApp::with_demo(100).await;
    let postgres = matches!(app.db, cris::kernel::db::Db::Postgres(_));
    if let cris::kernel::db::Db::Postgres(pool) = &app.db {
        sqlx::raw_sql(
            "CREATE FUNCTION one_at_a_time() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
               IF (SELECT COUNT(*) FROM added) > 1 THEN RAISE EXCEPTION 'one at a time'; END IF; \
               PERFORM pg_sleep(0.3); RETURN NULL; END $$; \
             CREATE TRIGGER one_at_a_time AFTER INSERT ON case_history REFERENCING NEW TABLE AS added \
               FOR EACH STATEMENT EXECUTE FUNCTION one_at_a_time();",
        )
        .execute(pool)
        .await
        .unwrap();
    }
    let now = app.clock.now();
    let batch = |tag: &str, receipts: [&str; 2]| {
        let raw = receipts
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let e = RawEvent {
                    event_id: Some(format!("{tag}-{i}")),
                    receipt_number: Some((*r).to_owned()),
                    action_code: Some("CASE_APPROVED".into()),
                    date: Some(now.date_naive().to_string()),
                    ..RawEvent::default()
                };
                (i, Ok(e))
            })
            .collect();
        events::prepare(raw, &app.catalog, now.date_naive())
    };
    let (a, b) = ("EAC9999103414", "EAC9999103415");
    let (one, two) = tokio::join!(
        events::apply(&app.db, now, batch("one", [a, b])),
        events::apply(&app.db, now, batch("two", [b, a]))
    );
    let retried = usize::from(postgres);
    for out in [one.unwrap(), two.unwrap()] {
        assert_eq!((out.applied, out.chunks_retried), (2, retried), "{out:?}");
        assert!(out.rejected.is_empty(), "no event refused: {out:?}");
    }
}
