//! ICTS (issue 20): a partner asks USCIS through IDENT. A protected person is answered "no match"
//! with nothing disclosed; an unprotected one opens a case that an analyst prepares and a second
//! approves, and the partner receives only what the agreement allows (every field tried); an
//! expired agreement is refused; documents are checked by content and size; answers IDENT did not
//! take are sent again.

use std::time::Duration;

use chrono::NaiveDate;
use cris::cpms::model::{Agreement, ProtectedClass};
use cris::cpms::service as cpms;
use cris::icts::{inbound, service, store};
use cris::ident::model::{Partner, Query};
use cris::ident::standin::{self, StandIns};
use cris::kernel::access::{Actor, Place, Role};
use cris::kernel::error::ServiceError;

use crate::cpms::{new_person, probe};
use crate::support::TestApp;

const AUS: Partner = Partner::Australia;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The test app served on loopback with IDENT's stand-ins, and an agreement with Australia in
/// force allowing out `outbound`.
struct World {
    app: TestApp,
    ident: StandIns,
    _server: cris::web::server::Running,
}

async fn world(outbound: &[u16]) -> World {
    let (app, ident, server) = TestApp::with_ident(4).await;
    agree(&app, outbound, d(2026, 1, 1), d(2030, 12, 31)).await;
    World { app, ident, _server: server }
}

async fn agree(app: &TestApp, outbound: &[u16], from: NaiveDate, to: NaiveDate) -> i64 {
    let mut a: Agreement = crate::cpms::agreement("AUS", from, to);
    a.outbound_fields = outbound.to_vec();
    cpms::record_agreement(&app.db, &a).await.unwrap()
}

/// Changes what the agreement in force lets USCIS send. Agreements are entered and ended, never
/// amended, and no two of a partner share a day; the row changed in place stands for the one
/// in force at approval differing from the one at preparation.
async fn amend(app: &TestApp, outbound: &[u16]) {
    let list = cris::cpms::model::fields_list(outbound);
    cris::with_db!(&app.db, pool => {
        sqlx::query("UPDATE cpms_agreements SET outbound_fields = $1").bind(list).execute(pool).await.unwrap();
    });
}

fn analyst(app: &TestApp, id: i64, name: &str) -> Actor {
    Actor {
        user_id: id,
        username: name.into(),
        role: Role::InternationalAnalyst,
        place: Place::of(app.catalog.office("NBC").unwrap()),
        ip: "127.0.0.1".into(),
    }
}

/// Waits (up to 10 s) until Australia has received `n` answers.
async fn answers(w: &World, n: usize) -> Vec<cris::ident::model::Answer> {
    for _ in 0..200 {
        let got = w.ident.received(AUS);
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("Australia received {} answers, not {n}", w.ident.received(AUS).len());
}

fn query_about(w: &World, seed: u64) -> Query {
    standin::sample_query(AUS, probe(seed), w.app.clock.now().date_naive())
}

/// Every Type-2 field an answer carries, but its structure (IDC, RES, QSQ).
fn carried(a: &cris::ident::model::Answer) -> Vec<u16> {
    a.text.fields().iter().map(ansi_nist::Field::number).filter(|n| ![2, 208, 209].contains(n)).collect()
}

/// The accounting of disclosures of `new_person(seed)`.
async fn accounting(app: &TestApp, seed: u64) -> cris::cpms::service::Accounting {
    let who = analyst(app, 0, "auditor");
    let fin = cris::cpms::model::Fin::parse(&format!("FIN-{seed:06}")).unwrap();
    cpms::accounting(&app.db, &app.catalog, &who, app.clock.now(), &fin).await.unwrap()
}

// R-IS-04
// R-IS-06
// A protected person's fingers match, but the partner gets "no match", exactly like an unknown
// person's; the query is stored, recorded as withheld with the reason; nothing is disclosed and no
// case opens.
#[tokio::test]
async fn a_protected_person_is_answered_no_match_and_nothing_is_disclosed() {
    let w = world(&[18, 19, 20, 22, 24, 204]).await;
    let now = w.app.clock.now();
    let ids =
        cpms::enroll(&w.app.db, &[new_person(7, d(1990, 3, 14), Some(ProtectedClass::Asylum))], now).await.unwrap();
    let asked = query_about(&w, 7);
    w.ident.partner_asks(AUS, &asked).await.unwrap();
    let unknown = query_about(&w, 8);
    w.ident.partner_asks(AUS, &unknown).await.unwrap();
    let got = answers(&w, 2).await;
    let withheld = got.iter().find(|a| a.tcr == asked.tcn).unwrap();
    let not_found = got.iter().find(|a| a.tcr == unknown.tcn).unwrap();
    assert!(!withheld.matched && !not_found.matched);
    assert!(carried(withheld).is_empty(), "nothing about the person: {:?}", carried(withheld));
    assert_eq!(carried(withheld), carried(not_found));
    assert_eq!(store::by_query(&w.app.db, "AUS", &asked.tcn).await.unwrap(), None);
    assert!(accounting(&w.app, 7).await.disclosures.is_empty());
    assert_eq!(ids.len(), 1);
    let stored = exchanges(&w.app, &asked.tcn).await;
    assert_eq!(stored, vec![("in".to_owned(), Some("withheld".to_owned()), Some("protected: asylum".to_owned()))]);
    // IDENT took both (the outbox is marked once IDENT's 202 is back, just after the partner logs).
    for _ in 0..100 {
        if store::unsent(&w.app.db).await.unwrap() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("answers left unsent");
}

/// The exchanges stored for a query (direction, outcome, reason), read as the tests' own SQL.
async fn exchanges(app: &TestApp, tcn: &str) -> Vec<(String, Option<String>, Option<String>)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT direction, outcome, reason FROM cpms_exchanges WHERE tcn = $1 ORDER BY id")
            .bind(tcn)
            .fetch_all(pool)
            .await
            .unwrap()
    })
}

// R-IS-05
// R-IS-06
// R-IS-07
// R-IS-08
// An unprotected match opens a case with the partner's request and its due date; the assigned
// analyst prepares the response from what the agreement allows, the preparer cannot approve it,
// a second analyst does, and the partner receives only the allowed fields; the disclosure is
// recorded with the approver.
#[tokio::test]
async fn an_analyst_prepares_a_second_approves_and_only_allowed_fields_leave() {
    use ansi_nist::type2_fields::{AKA, DOB, NAM, POB};
    let w = world(&[NAM, POB, DOB]).await;
    let app = &w.app;
    let now = app.clock.now();
    let ids = cpms::enroll(&app.db, &[new_person(11, d(1990, 3, 14), None)], now).await.unwrap();
    let asked = query_about(&w, 11);
    w.ident.partner_asks(AUS, &asked).await.unwrap();
    let case = store::by_query(&app.db, "AUS", &asked.tcn).await.unwrap().unwrap();
    assert_eq!((case.person_id, case.state.as_str(), case.priority.as_str()), (ids[0], "received", "high"));
    assert_eq!(case.name.as_deref(), Some("HAKIMI, NADIA"));
    assert_eq!(case.reason.as_deref(), Some("Protection claim: identity and immigration history"));
    assert_eq!(case.requestor.as_deref(), Some("AUS OFFICER (liaison@partner.example)"));
    assert_eq!(case.encounter_id.as_deref(), Some("AUS-ENC-000042"));
    assert_eq!((case.birth_country.as_deref(), case.birth_date), (Some("AFG"), Some(d(1990, 3, 14))));
    // Monday 2 November 2026, high priority: two working days.
    assert_eq!(case.due_on, d(2026, 11, 4));
    assert_eq!(case.keep_until, Some(d(2090, 3, 14)));

    let first = app.staff("icts.first", Role::InternationalAnalyst, "NBC").await;
    let second = app.staff("icts.second", Role::InternationalAnalyst, "NBC").await;
    let (a, b) = (app.sign_in("icts.first").await, app.sign_in("icts.second").await);
    let page = format!("/staff/icts/{}", case.id);
    let (status, _, _) = app.post_form(&format!("{page}/assign"), &a, &[("analyst", &first.to_string())]).await;
    assert_eq!(status, 303);
    let (status, _, html) = app.get(&page, &[("cookie", &a)]).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"field-18\"") && html.contains("id=\"field-22\"") && html.contains("id=\"field-20\""));
    assert!(!html.contains("id=\"field-19\""), "aliases are not allowed out");
    // A field the agreement does not allow is refused, the choice kept.
    let (status, _, html) =
        app.post_form(&format!("{page}/prepare"), &a, &[("field", "18"), ("field", &AKA.to_string())]).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("may not be disclosed") && html.contains("id=\"field-18\" name=\"field\" value=\"18\" checked")
    );
    // The second analyst cannot prepare a case that is not theirs.
    let (status, _, _) = app.post_form(&format!("{page}/prepare"), &b, &[("field", "18")]).await;
    assert_eq!(status, 422);
    let form = [("field", "18"), ("field", "20"), ("field", "22")];
    let (status, _, _) = app.post_form(&format!("{page}/prepare"), &a, &form).await;
    assert_eq!(status, 303);
    // Four eyes: the preparer may not approve.
    let (status, _, html) = app.post_form(&format!("{page}/approve"), &a, &[]).await;
    assert_eq!(status, 422);
    assert!(html.contains("a second analyst must approve it"));
    assert!(w.ident.received(AUS).is_empty());
    let (status, _, _) = app.post_form(&format!("{page}/approve"), &b, &[]).await;
    assert_eq!(status, 303);
    let got = answers(&w, 1).await;
    assert!(got[0].matched && got[0].tcr == asked.tcn);
    assert_eq!(carried(&got[0]), vec![NAM, POB, DOB]);
    assert_eq!(got[0].text.text(DOB), Some("19900314"));
    let case = store::get(&app.db, case.id).await.unwrap().unwrap();
    assert_eq!((case.state.as_str(), case.prepared_by, case.approved_by), ("sent", Some(first), Some(second)));
    let accounting = accounting(app, 11).await;
    assert_eq!(accounting.disclosures.len(), 1);
    assert_eq!(accounting.disclosures[0].approved_by.as_deref(), Some("icts.second"));
    assert_eq!(accounting.disclosures[0].fields, "2.018 2.020 2.022");
    let stored = exchanges(app, &got[0].tcn).await;
    assert_eq!(stored, vec![("out".to_owned(), Some("match".to_owned()), None)]);
}

// R-IS-08
// For every field a response can carry: prepared while the agreement allowed it, then the
// agreement in force changes to one that does not; the approved answer leaves without it.
#[tokio::test]
async fn a_response_never_carries_a_field_its_agreement_does_not_allow() {
    use ansi_nist::type2_fields::ENC;
    let every: Vec<u16> = cris::icts::model::DISCLOSABLE.to_vec();
    let w = world(&every).await;
    let app = &w.app;
    let now = app.clock.now();
    let first = app.staff("icts.first", Role::InternationalAnalyst, "NBC").await;
    let second = app.staff("icts.second", Role::InternationalAnalyst, "NBC").await;
    let (a, b) = (analyst(app, first, "icts.first"), analyst(app, second, "icts.second"));
    let client = w.ident.client().unwrap();
    let offered = inbound::offered_now(&app.db, "AUS", now).await.unwrap();
    assert!(!offered.is_empty());
    for (i, barred) in offered.iter().copied().enumerate() {
        let seed = 100 + i as u64;
        cpms::enroll(&app.db, &[new_person(seed, d(1980, 1, 2), None)], now).await.unwrap();
        amend(app, &every).await;
        let q = query_about(&w, seed);
        let received = inbound::receive(
            &app.db,
            &cris::cpms::gallery::Gallery::default(),
            now,
            AUS,
            &q,
            &q.encode(AUS.agency(), cris::ident::USCIS_AGENCY).unwrap(),
        )
        .await
        .unwrap();
        let inbound::Decision::Opened(id) = received.decision else { panic!("no case: {received:?}") };
        service::assign(&app.db, &app.catalog, &a, now, id, first).await.unwrap();
        let all: Vec<String> = offered.iter().map(u16::to_string).collect();
        service::prepare(&app.db, &app.catalog, &a, now, id, &all).await.unwrap();
        let allowed: Vec<u16> = every.iter().copied().filter(|n| *n != barred).collect();
        amend(app, &allowed).await;
        inbound::approve(&app.db, &app.catalog, Some(&client), &b, now, id).await.unwrap();
        let got = answers(&w, i + 1).await;
        let sent = got.iter().find(|x| x.tcr == q.tcn).unwrap();
        assert!(sent.text.field(barred).is_none(), "2.{barred:03} left");
        // Every other offered field the person's record holds left (the test persons have no
        // encounter, so no 2.204).
        let expected: Vec<u16> = offered.iter().copied().filter(|n| *n != barred && *n != ENC).collect();
        assert_eq!(carried(sent), expected);
    }
}

// R-IS-08
// A query from a partner whose agreement has expired is refused (403) and yet stored and logged;
// no answer and no case.
#[tokio::test]
async fn a_partner_without_an_agreement_in_force_is_refused_and_logged() {
    let (app, ident, _server) = TestApp::with_ident(4).await;
    agree(&app, &[18], d(2020, 1, 1), d(2026, 10, 31)).await;
    let now = app.clock.now();
    cpms::enroll(&app.db, &[new_person(21, d(1990, 3, 14), None)], now).await.unwrap();
    let q = standin::sample_query(AUS, probe(21), now.date_naive());
    let raw = q.encode(AUS.agency(), cris::ident::USCIS_AGENCY).unwrap();
    let body = cris::ident::wire::Envelope::query(AUS, &q.tcn, raw).to_json();
    let auth = format!("Bearer {}", ident.inbound_token);
    let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
    let (status, h, json) =
        app.request("POST", "/ident/v1/transactions", &headers, std::str::from_utf8(&body).unwrap()).await;
    assert_eq!(status, 403, "{json}");
    assert_eq!(h["content-type"], "application/problem+json");
    assert!(json.contains("\"code\":\"forbidden\""));
    assert_eq!(exchanges(&app, &q.tcn).await.len(), 1);
    assert_eq!(exchanges(&app, &q.tcn).await[0].1.as_deref(), Some("refused"));
    let logged: Vec<(String,)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT outcome FROM audit_log WHERE event = 'icts.query_refused'").fetch_all(pool).await.unwrap()
    });
    assert_eq!(logged, vec![("denied".to_owned(),)]);
    assert_eq!(store::by_query(&app.db, "AUS", &q.tcn).await.unwrap(), None);
    // Without the agreed token: 401, nothing stored.
    let (status, _, _) = app
        .request(
            "POST",
            "/ident/v1/transactions",
            &[("content-type", "application/json")],
            std::str::from_utf8(&body).unwrap(),
        )
        .await;
    assert_eq!(status, 401);
}

/// A multipart body of one document with its label and the test CSRF token.
fn upload(label: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "cris-test-boundary-7d3f";
    let mut body = Vec::new();
    for (name, value) in [("csrf", crate::support::CSRF), ("label", label)] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"x.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_upload(app: &TestApp, uri: &str, cookie: &str, label: &str, bytes: &[u8]) -> (u16, String) {
    use http_body_util::BodyExt;
    let (content_type, body) = upload(label, bytes);
    let req = axum::http::Request::post(uri)
        .header("cookie", cookie)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .unwrap();
    let res = app.send(req).await;
    let status = res.status().as_u16();
    let text = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&text).into_owned())
}

// R-IS-05
// Documents: a PDF is attached and served back as stored; a file that is not a PDF, JPEG or PNG
// by content, or one over 5 MB, is refused on the case page with the name as typed.
#[tokio::test]
async fn documents_are_checked_by_content_and_size_and_a_refusal_keeps_the_form() {
    let w = world(&[18, 22]).await;
    let app = &w.app;
    let now = app.clock.now();
    cpms::enroll(&app.db, &[new_person(31, d(1990, 3, 14), None)], now).await.unwrap();
    let q = query_about(&w, 31);
    w.ident.partner_asks(AUS, &q).await.unwrap();
    let case = store::by_query(&app.db, "AUS", &q.tcn).await.unwrap().unwrap();
    let me = app.staff("icts.docs", Role::InternationalAnalyst, "NBC").await;
    let cookie = app.sign_in("icts.docs").await;
    let page = format!("/staff/icts/{}", case.id);
    app.post_form(&format!("{page}/assign"), &cookie, &[("analyst", &me.to_string())]).await;
    let docs = format!("{page}/documents");
    let (status, html) = post_upload(app, &docs, &cookie, "Passport <scan>", b"hello, not a PDF").await;
    assert_eq!(status, 422);
    assert!(html.contains("The file is not a PDF, JPEG or PNG."));
    assert!(html.contains("value=\"Passport &#60;scan&#62;\""), "the name as typed");
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(cris::icts::model::MAX_DOCUMENT_BYTES + 1, b'0');
    let (status, html) = post_upload(app, &docs, &cookie, "Too big", &big).await;
    assert_eq!(status, 422);
    assert!(html.contains("The file is larger than 5 MB.") && html.contains("value=\"Too big\""));
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj <<>> endobj\n%%EOF\n";
    let (status, _) = post_upload(app, &docs, &cookie, "Passport", pdf).await;
    assert_eq!(status, 303);
    let listed = store::documents(&app.db, case.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].media_type.as_str(), listed[0].size), ("application/pdf", pdf.len() as i64));
    let (status, h, _) = app.get(&format!("{docs}/{}", listed[0].id), &[("cookie", &cookie)]).await;
    assert_eq!((status, h["content-type"].to_str().unwrap()), (200, "application/pdf"));
}

// R-IS-04
// IDENT down: the automatic answer waits in the outbox and leaves on a later try.
#[tokio::test]
async fn an_answer_ident_did_not_take_is_sent_again() {
    let w = world(&[18]).await;
    let app = &w.app;
    let now = app.clock.now();
    let q = query_about(&w, 41);
    let dead = cris::ident::client::Client::new("http://127.0.0.1:9", "x").unwrap();
    let raw = q.encode(AUS.agency(), cris::ident::USCIS_AGENCY).unwrap();
    let r = inbound::receive(&app.db, &cris::cpms::gallery::Gallery::default(), now, AUS, &q, &raw).await.unwrap();
    assert_eq!(r.decision, inbound::Decision::NoMatch);
    assert_eq!(inbound::deliver(&app.db, &dead, now, r.outbox).await.unwrap(), 0);
    assert_eq!(store::unsent(&app.db).await.unwrap(), 1);
    let client = w.ident.client().unwrap();
    // Not before its time; then it goes.
    assert_eq!(inbound::deliver(&app.db, &client, now, None).await.unwrap(), 0);
    let later = now + chrono::Duration::minutes(3);
    assert_eq!(inbound::deliver(&app.db, &client, later, None).await.unwrap(), 1);
    assert_eq!(answers(&w, 1).await[0].tcr, q.tcn);
    assert_eq!(store::unsent(&app.db).await.unwrap(), 0);
}

// A refused step names its reason; an analyst's queue lists the case with its due date.
#[tokio::test]
async fn the_queue_lists_open_cases_by_due_date_and_refuses_other_roles() {
    let w = world(&[18]).await;
    let app = &w.app;
    let now = app.clock.now();
    cpms::enroll(&app.db, &[new_person(51, d(1990, 3, 14), None)], now).await.unwrap();
    let q = query_about(&w, 51);
    w.ident.partner_asks(AUS, &q).await.unwrap();
    let me = app.staff("icts.queue", Role::InternationalAnalyst, "NBC").await;
    let queue = service::queue(&app.db, &app.catalog, &analyst(app, me, "icts.queue"), now).await.unwrap();
    assert_eq!(queue.open.len(), 1);
    assert_eq!(queue.open[0].due_on, d(2026, 11, 4));
    let officer = Actor { role: Role::AsylumOfficer, ..analyst(app, me, "icts.queue") };
    let refused = service::queue(&app.db, &app.catalog, &officer, now).await;
    assert!(matches!(refused, Err(ServiceError::Denied(_))));
}

/// ICTS's staff routes per role: ✔ allowed, ✘ refused (docs/ACCESS.md shows the same rows).
/// Only international analysts work partner queries.
const MATRIX: &[(&str, &str)] = &[
    // route                          tier1 tier2 iio siio iso recep dist region global hq asylum fraud intl
    ("GET /staff/icts", "✘✘✘✘✘✘✘✘✘✘✘✘✔"),
    ("GET /staff/icts/{case}", "✘✘✘✘✘✘✘✘✘✘✘✘✔"),
    ("POST /staff/icts/{case}/assign", "✘✘✘✘✘✘✘✘✘✘✘✘✔"),
    ("POST /staff/icts/{case}/prepare", "✘✘✘✘✘✘✘✘✘✘✘✘✔"),
    // The case is assigned to another analyst (icts.owner): only the assignee attaches.
    ("POST /staff/icts/{case}/documents", "✘✘✘✘✘✘✘✘✘✘✘✘✘"),
    ("POST /staff/icts/{case}/approve", "✘✘✘✘✘✘✘✘✘✘✘✘✔"),
    ("GET /staff/icts/{case}/documents/{doc}", "✘✘✘✘✘✘✘✘✘✘✘✘✔"),
];

// R-IS-09
// R-AU-01
// R-AU-07
// Every ICTS route for every role; each refusal is in the security log and raised as an alert.
#[tokio::test]
async fn every_icts_route_for_every_role_and_refusals_are_logged_and_alerted() {
    let w = world(&[18]).await;
    let app = &w.app;
    let now = app.clock.now();
    cpms::enroll(&app.db, &[new_person(61, d(1990, 3, 14), None)], now).await.unwrap();
    let q = query_about(&w, 61);
    w.ident.partner_asks(AUS, &q).await.unwrap();
    let case = store::by_query(&app.db, "AUS", &q.tcn).await.unwrap().unwrap().id.to_string();
    let owner = app.staff("icts.owner", Role::InternationalAnalyst, "NBC").await;
    let who = analyst(app, owner, "icts.owner");
    let id: i64 = case.parse().unwrap();
    service::assign(&app.db, &app.catalog, &who, now, id, owner).await.unwrap();
    let doc = service::attach(&app.db, &app.catalog, &who, now, id, "Scan", b"%PDF-1.4 x".to_vec()).await.unwrap();
    let before: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND event = 'access.denied'").fetch_one(pool).await.unwrap()
    });
    let (mut failures, mut denials) = (Vec::new(), 0_i64);
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let me = format!("actor.{}", role.as_str());
        app.staff(&me, role, "NYC").await;
        let cookie = app.sign_in(&me).await;
        for (route, expected) in MATRIX {
            let want = expected.chars().nth(i).unwrap() == '✔';
            let route = route.replace("{case}", &case).replace("{doc}", &doc.to_string());
            let (method, path) = route.split_once(' ').unwrap();
            let status = if method == "GET" {
                app.get(path, &[("cookie", &cookie)]).await.0
            } else if path.ends_with("/documents") {
                post_upload(app, path, &cookie, "Scan", b"%PDF-1.4 y").await.0
            } else {
                app.post_form(path, &cookie, &[]).await.0
            };
            // 422: past the check, refused for the (empty) form or the case's stage.
            let allowed = matches!(status, 200 | 303 | 422);
            if status != 403 && !allowed {
                failures.push(format!("{}: {route} answered {status}", role.as_str()));
            } else if allowed != want {
                failures.push(format!("{}: {route} allowed={allowed}, expected {want}", role.as_str()));
            }
            denials += i64::from(!allowed);
        }
    }
    assert!(failures.is_empty(), "ICTS access differs:\n{}", failures.join("\n"));
    let (denied, alerts): (i64, i64) = cris::with_db!(&app.db, pool => {
        let d = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND event = 'access.denied'").fetch_one(pool).await.unwrap();
        let a = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(occurrences), 0) AS BIGINT) FROM security_alerts WHERE kind IN ('permission_denied', 'other_office')").fetch_one(pool).await.unwrap();
        (d, a)
    });
    assert_eq!((denied - before, alerts), (denials, denials));
}

// R-IS-05
// R-AU-07
// Only the analyst the case is assigned to attaches a document: another analyst's post (the page
// offers them no form) is refused, written to the security log and alerted, and nothing is
// stored; the assignee's goes through.
#[tokio::test]
async fn only_the_assigned_analyst_attaches_documents() {
    let w = world(&[18]).await;
    let app = &w.app;
    let now = app.clock.now();
    cpms::enroll(&app.db, &[new_person(62, d(1990, 3, 14), None)], now).await.unwrap();
    let q = query_about(&w, 62);
    w.ident.partner_asks(AUS, &q).await.unwrap();
    let id = store::by_query(&app.db, "AUS", &q.tcn).await.unwrap().unwrap().id;
    let owner = app.staff("icts.owner", Role::InternationalAnalyst, "NBC").await;
    let other = app.staff("icts.other", Role::InternationalAnalyst, "NBC").await;
    let (mine, theirs) = (analyst(app, owner, "icts.owner"), analyst(app, other, "icts.other"));
    service::assign(&app.db, &app.catalog, &mine, now, id, owner).await.unwrap();

    let refused = service::attach(&app.db, &app.catalog, &theirs, now, id, "Scan", b"%PDF-1.4 x".to_vec()).await;
    assert!(matches!(refused, Err(ServiceError::Denied(_))), "{refused:?}");
    let path = format!("/staff/icts/{id}/documents");
    let cookie = app.sign_in("icts.other").await;
    assert_eq!(post_upload(app, &path, &cookie, "Scan", b"%PDF-1.4 y").await.0, 403);
    let (denied, alerts, docs): (i64, i64, i64) = cris::with_db!(&app.db, pool => {
        let d = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND event = 'access.denied' AND record = 'icts.attach' AND username = 'icts.other'").fetch_one(pool).await.unwrap();
        let a = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(occurrences), 0) AS BIGINT) FROM security_alerts").fetch_one(pool).await.unwrap();
        let n = sqlx::query_scalar("SELECT COUNT(*) FROM icts_documents").fetch_one(pool).await.unwrap();
        (d, a, n)
    });
    assert_eq!((denied, alerts, docs), (2, 2, 0));

    let cookie = app.sign_in("icts.owner").await;
    assert_eq!(post_upload(app, &path, &cookie, "Scan", b"%PDF-1.4 y").await.0, 303);
    service::attach(&app.db, &app.catalog, &mine, now, id, "Scan 2", b"%PDF-1.4 z".to_vec()).await.unwrap();
    assert_eq!(service::case(&app.db, &app.catalog, &mine, now, id).await.unwrap().documents.len(), 2);
}
