//! The call-centre script gateway (R-GW-01): headquarters drafts, a second person approves or
//! returns (four eyes), call-centre staff search and read the approved version and record the
//! calls it answered; every step audited; versions kept; other nodes' indexes follow.

use std::sync::Arc;

use cris::kernel::access::Role;
use cris::kernel::i18n::Lang;
use cris::script_gateway::model::{Draft, Search, Topic};

use crate::support::TestApp;

fn draft_form<'a>(title_en: &'a str, body_en: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("topic", "change_of_address"),
        ("form_code", ""),
        ("title_en", title_en),
        ("body_en", body_en),
        ("title_es", "Cómo informar un cambio de dirección"),
        ("body_es", "Informe su nueva dirección dentro de los 10 días de la mudanza con el Formulario AR-11."),
        ("note", "First version."),
    ]
}

const BODY_V1: &str = "Report your new address within 10 days of moving, with Form AR-11 online.";

async fn versions(app: &TestApp, script: i64) -> Vec<(i64, i64, String)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT id, version, status FROM script_versions WHERE script_id = $1 ORDER BY version")
            .bind(script)
            .fetch_all(pool)
            .await
            .unwrap()
    })
}

async fn audit(app: &TestApp, prefix: &str) -> Vec<(String, String, String, String)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT event, username, outcome, detail FROM audit_log WHERE event LIKE $1 ORDER BY id")
            .bind(format!("{prefix}%"))
            .fetch_all(pool)
            .await
            .unwrap()
    })
}

fn location(headers: &axum::http::HeaderMap) -> String {
    headers["location"].to_str().unwrap().to_owned()
}

/// The script id of a redirect to `/staff/scripts/{id}?…`.
fn script_of(headers: &axum::http::HeaderMap) -> i64 {
    let to = location(headers);
    to.trim_start_matches("/staff/scripts/").split('?').next().unwrap().parse().unwrap()
}

// R-GW-01: an author drafts; the author cannot approve it (four eyes, recorded as a refusal);
// another approver returns it with a reason; the author revises it; the approver approves it;
// call-centre staff then find it by a misspelt search in English or Spanish and read it.
#[tokio::test]
async fn drafted_approved_by_another_then_found() {
    let app = TestApp::new().await;
    app.staff("hq.author", Role::Headquarters, "NBC").await;
    app.staff("hq.approver", Role::Headquarters, "NBC").await;
    app.staff("tier1.nbc", Role::Tier1, "NBC").await;
    let (author, approver, tier1) =
        (app.sign_in("hq.author").await, app.sign_in("hq.approver").await, app.sign_in("tier1.nbc").await);

    let (status, _, page) = app.get("/staff/scripts", &[("cookie", &tier1)]).await;
    assert!(status == 200 && page.contains("No script has been approved yet"), "{page}");
    assert!(page.contains(r#"href="/staff/scripts""#) && !page.contains("Script review"), "tier 1 nav");

    // The draft form checks every field and links each message to its field.
    let mut bad = draft_form("Hi", BODY_V1);
    bad[0] = ("topic", "gossip");
    let (status, _, page) = app.post_form("/staff/scripts/new", &author, &bad).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains(r##"href="#topic""##) && page.contains(r##"href="#title_en""##), "{page}");
    assert!(page.contains("The English title must be 3 to 150 characters."), "{page}");

    let (status, headers, _) =
        app.post_form("/staff/scripts/new", &author, &draft_form("Reporting a change of address", BODY_V1)).await;
    assert_eq!(status, 303);
    assert!(location(&headers).ends_with("?done=drafted"));
    let script = script_of(&headers);
    let vid = versions(&app, script).await[0].0;
    let (status, _, _) = app.get(&format!("/staff/scripts/{script}"), &[("cookie", &tier1)]).await;
    assert_eq!(status, 404, "call-centre staff do not see drafts");

    // Four eyes: the author may neither approve nor return their own draft.
    let (_, _, page) = app.get("/staff/scripts/review", &[("cookie", &author)]).await;
    assert!(page.contains("You wrote this draft") && !page.contains(&format!("approve-{vid}")), "{page}");
    let (status, _, page) =
        app.post_form(&format!("/staff/scripts/review/{vid}"), &author, &[("decision", "approve")]).await;
    assert!(status == 422 && page.contains("another approver must decide it"), "{status} {page}");
    assert_eq!(versions(&app, script).await[0].2, "pending");

    // Another approver returns it; a return needs a reason.
    let (_, _, page) = app.get("/staff/scripts/review", &[("cookie", &approver)]).await;
    assert!(page.contains(&format!(r#"id="approve-{vid}""#)) && page.contains("Reporting a change of address"));
    let (status, _, page) = app
        .post_form(&format!("/staff/scripts/review/{vid}"), &approver, &[("decision", "return"), ("reason", "")])
        .await;
    assert!(status == 422 && page.contains(&format!(r##"href="#reason-{vid}""##)), "{page}");
    let reason = "Say that moving with the Postal Service does not change it with USCIS.";
    let (status, headers, _) = app
        .post_form(&format!("/staff/scripts/review/{vid}"), &approver, &[("decision", "return"), ("reason", reason)])
        .await;
    assert_eq!((status, location(&headers)), (303, format!("/staff/scripts/review?done=returned&script={script}")));

    // The author sees the reason and revises the same version.
    let (status, _, page) = app.get(&format!("/staff/scripts/{script}/edit"), &[("cookie", &author)]).await;
    assert!(status == 200 && page.contains(reason) && page.contains(BODY_V1), "{page}");
    let body_v1b = "Report your new address within 10 days of moving, with Form AR-11. A change with the Postal Service does not reach USCIS.";
    let (status, _, _) = app
        .post_form(
            &format!("/staff/scripts/{script}/edit"),
            &author,
            &draft_form("Reporting a change of address", body_v1b),
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(versions(&app, script).await, vec![(vid, 1, "pending".to_owned())]);

    let (status, headers, _) =
        app.post_form(&format!("/staff/scripts/review/{vid}"), &approver, &[("decision", "approve")]).await;
    assert_eq!((status, location(&headers)), (303, format!("/staff/scripts/review?done=approved&script={script}")));
    let (status, _, page) =
        app.post_form(&format!("/staff/scripts/review/{vid}"), &approver, &[("decision", "approve")]).await;
    assert!(status == 422 && page.contains("no longer waiting"), "deciding twice: {page}");

    // Call-centre staff find it with typing mistakes, in English or in Spanish without accents.
    for (q, lang) in [("adress", "en"), ("chnage+of+adress", "en"), ("direccion", "es"), ("mudanza", "es")] {
        let (status, _, page) = app.get(&format!("/staff/scripts?q={q}"), &[("cookie", &tier1)]).await;
        assert_eq!(status, 200);
        assert!(page.contains(&format!(r#"href="/staff/scripts/{script}""#)), "{q}: {page}");
        assert!(page.contains(&format!(r#"lang="{lang}""#)), "{q} matched in {lang}");
    }
    let (_, _, page) = app.get("/staff/scripts?q=adress&topic=fees", &[("cookie", &tier1)]).await;
    assert!(page.contains("No approved script matches"), "the topic filter applies");
    let (_, _, page) = app.get("/staff/scripts", &[("cookie", &tier1)]).await;
    assert!(page.contains("Change of address</a> (1 script)"), "{page}");
    let (status, _, page) = app.get(&format!("/staff/scripts/{script}"), &[("cookie", &tier1)]).await;
    assert!(
        status == 200 && page.contains(body_v1b) && page.contains("Cómo informar un cambio de dirección"),
        "{page}"
    );
    assert!(!page.contains("For headquarters"), "tier 1 sees neither history nor counts");

    let trail: Vec<(String, String, String)> =
        audit(&app, "scripts.").await.into_iter().map(|(e, u, o, _)| (e, u, o)).collect();
    let row = |e: &str, u: &str, o: &str| (e.to_owned(), u.to_owned(), o.to_owned());
    assert_eq!(
        trail,
        vec![
            row("scripts.draft", "hq.author", "ok"),
            row("scripts.approve", "hq.author", "denied"),
            row("scripts.return", "hq.approver", "ok"),
            row("scripts.revise", "hq.author", "ok"),
            row("scripts.approve", "hq.approver", "ok"),
        ]
    );
}

// R-GW-01, R-AU-01: call-centre staff read scripts but may not write or approve them; a refusal
// is recorded like any other.
#[tokio::test]
async fn tier1_cannot_author_or_approve() {
    let app = TestApp::new().await;
    app.staff("tier1.nbc", Role::Tier1, "NBC").await;
    app.staff("iso.nyc", Role::Iso, "NYC").await;
    let (tier1, iso) = (app.sign_in("tier1.nbc").await, app.sign_in("iso.nyc").await);
    for path in ["/staff/scripts/new", "/staff/scripts/review"] {
        let (status, _, _) = app.get(path, &[("cookie", &tier1)]).await;
        assert_eq!(status, 403, "{path}");
    }
    let (status, _, _) =
        app.post_form("/staff/scripts/new", &tier1, &draft_form("Reporting a change of address", BODY_V1)).await;
    assert_eq!(status, 403);
    let (status, _, _) = app.post_form("/staff/scripts/review/1", &tier1, &[("decision", "approve")]).await;
    assert_eq!(status, 403);
    let (status, _, _) = app.get("/staff/scripts?q=address", &[("cookie", &iso)]).await;
    assert_eq!(status, 403, "lobby officers do not read scripts");
    let scripts: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM scripts").fetch_one(pool).await.unwrap()
    });
    assert_eq!(scripts, 0);
    let denied = audit(&app, "access.denied").await;
    assert_eq!(denied.len(), 5, "{denied:?}");
}

fn approved(title: &str, body: &str) -> Draft {
    Draft {
        topic: Topic::Biometrics,
        form_code: Some("I-485".into()),
        title_en: title.into(),
        body_en: body.into(),
        title_es: "Cita de datos biométricos".into(),
        body_es: "En la cita tomamos sus huellas dactilares, su fotografía y su firma.".into(),
        note: String::new(),
    }
}

// R-GW-01: "used on this call" records the version read, the staff member, the call and the
// receipt number (parsed at the edge), audited; headquarters sees how often a script was used.
#[tokio::test]
async fn calls_are_recorded_and_audited() {
    let app = TestApp::new().await;
    let biometrics = approved("Biometrics appointment", "Bring your appointment notice and a photo identification.");
    let ids = cris::script_gateway::service::import_approved(&app.db, &[biometrics], ("hq.a", "hq.b"), app.clock.now())
        .await
        .unwrap();
    let script = ids[0];
    app.staff("tier1.nbc", Role::Tier1, "NBC").await;
    app.staff("hq.staff", Role::Headquarters, "NBC").await;
    let (tier1, hq) = (app.sign_in("tier1.nbc").await, app.sign_in("hq.staff").await);

    let (status, _, page) = app.get(&format!("/staff/scripts/{script}"), &[("cookie", &tier1)]).await;
    assert!(status == 200 && page.contains(r#"name="version" value="1""#), "{page}");
    let use_path = format!("/staff/scripts/{script}/use");
    let (status, _, page) =
        app.post_form(&use_path, &tier1, &[("version", "1"), ("call_ref", "C-1"), ("receipt_number", "EAC123")]).await;
    assert!(status == 422 && page.contains(r##"href="#receipt_number""##) && page.contains(r#"value="C-1""#), "{page}");
    let (status, _, _) = app.post_form(&use_path, &tier1, &[("version", "7")]).await;
    assert_eq!(status, 404, "only an approved version of the script can have answered a call");
    let call = [("version", "1"), ("call_ref", "NCSC-2026-004211"), ("receipt_number", "eac 99-991-03403")];
    let (status, headers, _) = app.post_form(&use_path, &tier1, &call).await;
    assert_eq!((status, location(&headers)), (303, format!("/staff/scripts/{script}?done=used")));
    let (status, headers, _) = app.post_form(&use_path, &tier1, &[("version", "1")]).await;
    assert_eq!((status, location(&headers)), (303, format!("/staff/scripts/{script}?done=used")));

    type Use = (i64, String, String, Option<String>, Option<String>);
    let uses: Vec<Use> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT version, used_by, office, call_ref, receipt_number FROM script_uses WHERE script_id = $1 ORDER BY id")
            .bind(script)
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(
        uses[0],
        (1, "tier1.nbc".into(), "NBC".into(), Some("NCSC-2026-004211".into()), Some("EAC9999103403".into()))
    );
    assert_eq!((uses.len(), uses[1].3.clone(), uses[1].4.clone()), (2, None, None));
    let trail = audit(&app, "scripts.use").await;
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[0].3, "version 1; call NCSC-2026-004211; receipt EAC9999103403");
    assert_eq!(trail[0].1, "tier1.nbc");

    let (_, _, page) = app.get(&format!("/staff/scripts/{script}"), &[("cookie", &hq)]).await;
    assert!(page.contains("Used on 2 calls."), "{page}");
}

// R-GW-01: a new version replaces what call-centre staff read and search; headquarters sees every
// version in the history.
#[tokio::test]
async fn history_keeps_versions_and_search_follows_the_latest() {
    let app = TestApp::new().await;
    app.staff("hq.author", Role::Headquarters, "NBC").await;
    app.staff("hq.approver", Role::Headquarters, "NBC").await;
    app.staff("tier2.nbc", Role::Tier2, "NBC").await;
    let (author, approver, tier2) =
        (app.sign_in("hq.author").await, app.sign_in("hq.approver").await, app.sign_in("tier2.nbc").await);
    let (_, headers, _) =
        app.post_form("/staff/scripts/new", &author, &draft_form("Reporting a change of address", BODY_V1)).await;
    let script = script_of(&headers);
    let v1 = versions(&app, script).await[0].0;
    app.post_form(&format!("/staff/scripts/review/{v1}"), &approver, &[("decision", "approve")]).await;
    let (_, _, page) = app.get("/staff/scripts?q=AR-11", &[("cookie", &tier2)]).await;
    assert!(page.contains(&format!("/staff/scripts/{script}")), "{page}");

    let body_v2 = "Tell us your new residence within ten days, using the online Form AR-11 filing.";
    let (status, _, _) = app
        .post_form(&format!("/staff/scripts/{script}/edit"), &author, &draft_form("Telling us you moved", body_v2))
        .await;
    assert_eq!(status, 303);
    // Until approved, call-centre staff still read and find version 1.
    let (_, _, page) = app.get(&format!("/staff/scripts/{script}"), &[("cookie", &tier2)]).await;
    assert!(page.contains(BODY_V1) && !page.contains(body_v2));
    let v2 = versions(&app, script).await[1].0;
    app.post_form(&format!("/staff/scripts/review/{v2}"), &approver, &[("decision", "approve")]).await;
    assert_eq!(
        versions(&app, script).await.into_iter().map(|(_, n, s)| (n, s)).collect::<Vec<_>>(),
        vec![(1, "approved".to_owned()), (2, "approved".to_owned())]
    );
    let (_, _, page) = app.get(&format!("/staff/scripts/{script}"), &[("cookie", &tier2)]).await;
    assert!(page.contains(body_v2) && !page.contains(BODY_V1) && page.contains("version 2"), "{page}");
    let (_, _, page) = app.get("/staff/scripts?q=residense", &[("cookie", &tier2)]).await;
    assert!(page.contains("Telling us you <mark>moved</mark>") || page.contains("<mark>residence</mark>"), "{page}");
    let (_, _, page) = app.get("/staff/scripts?q=moving&lang=en", &[("cookie", &tier2)]).await;
    assert!(page.contains("No approved script matches"), "version 1's words are no longer searched: {page}");

    let (_, _, page) = app.get(&format!("/staff/scripts/{script}"), &[("cookie", &author)]).await;
    assert!(page.contains(r#"id="history""#) && page.contains("Reporting a change of address"), "{page}");
    assert!(page.contains("2 (shown)") || page.contains("approved (shown)"), "{page}");
}

// R-GW-01: nodes sharing one database each keep an index; one sees what another approved at its
// next search.
#[tokio::test]
async fn another_node_sees_approvals() {
    let app = TestApp::new().await;
    let other = cris::web::AppState::new(
        app.db.clone(),
        app.catalog.clone(),
        Arc::new(cris::kernel::i18n::I18n::load().unwrap()),
        app.clock.clone(),
        false,
    );
    let search = Search { words: "fingreprints".into(), ..Search::default() };
    assert!(other.scripts().search(&app.db, &search, 10).await.unwrap().is_empty());
    let draft = approved("Biometrics appointment", "At the appointment we take your fingerprints and photograph.");
    cris::script_gateway::service::import_approved(&app.db, &[draft], ("hq.a", "hq.b"), app.clock.now()).await.unwrap();
    let hits = other.scripts().search(&app.db, &search, 10).await.unwrap();
    assert_eq!(hits.len(), 1);
    let spanish = Search { words: "huellas".into(), lang: Some(Lang::Es), ..Search::default() };
    assert_eq!(app.state.scripts().search(&app.db, &spanish, 10).await.unwrap()[0].lang, Lang::Es);
}

// R-GW-01: bad input is a page that says what is wrong, never a server error.
#[tokio::test]
async fn bad_input_is_named() {
    let app = TestApp::new().await;
    app.staff("hq.staff", Role::Headquarters, "NBC").await;
    let hq = app.sign_in("hq.staff").await;
    let (status, _, page) = app.get("/staff/scripts?topic=nope&form=X-1&lang=fr", &[("cookie", &hq)]).await;
    assert!(
        status == 422 && page.contains("Choose a topic from the list.") && page.contains(r##"href="#lang""##),
        "{page}"
    );
    for path in ["/staff/scripts/abc", "/staff/scripts/0", "/staff/scripts/99", "/staff/scripts/99/edit"] {
        assert_eq!(app.get(path, &[("cookie", &hq)]).await.0, 404, "{path}");
    }
    let (status, _, _) = app.post_form("/staff/scripts/review/99", &hq, &[("decision", "approve")]).await;
    assert_eq!(status, 404);
    let (status, _, page) = app.post_form("/staff/scripts/review/99", &hq, &[("decision", "maybe")]).await;
    assert!(status == 422 && page.contains("Choose to approve or return"), "{page}");
    let (status, _, _) = app.post_form("/staff/scripts/99/use", &hq, &[("version", "1")]).await;
    assert_eq!(status, 404);
}
