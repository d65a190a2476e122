//! IDENT as an external system (`docs/IDENT.md`), over real HTTP on loopback: CRIS's client and
//! the stand-ins (IDENT, Canada, Australia), the inbound reading of partners' queries, and every
//! refusal of the interface as the client sorts it. Nothing here touches the database, so each test
//! proves the same on both engines; the harness test runs the whole application.

use std::sync::{Arc, Mutex};

use ansi_nist::type2_fields as f;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use cris::ident::standin::{self, Options, StandIns, person_finger_seed};
use cris::ident::{Answer, Client, IdentError, Partner, Query};
use fingerprint::Finger;

use crate::support::{TestApp, test_clock};

fn today() -> chrono::NaiveDate {
    test_clock().now().date_naive()
}

async fn standins() -> StandIns {
    standin::start(Options { cris_inbound: None, gallery_size: Some(12), clock: test_clock() }).await.unwrap()
}

/// A query from USCIS to `partner`, its template's fields, with two fingers of CRIS demo person
/// `cris` (as CRIS would have captured them: impressions of their own).
fn uscis_query(partner: Partner, cris: u64, sequence: u8) -> Query {
    let fingers = [1u8, 2]
        .iter()
        .map(|&position| {
            let mut m = Finger::generate(person_finger_seed(cris, position)).impression(4242 + cris, position);
            m.idc = position;
            m
        })
        .collect();
    let mut q = standin::sample_query(partner, fingers, today());
    q.tcn = cris::ident::model::new_tcn("USCIS");
    q.sequence = sequence;
    q
}

// R-IS-02: USCIS's query goes out through IDENT to the partner, over the documented interface.
// R-IS-03: the partner answers match or no match; a match's second query brings more.
#[tokio::test]
async fn a_query_round_trips_through_ident_to_a_partner_and_back() {
    let s = standins().await;
    let client = s.client().unwrap();
    // Canada's gallery person 4 is CRIS demo person 5.
    let shared = s.gallery(Partner::Canada)[4].clone();
    assert_eq!(shared.cris_person, Some(5));
    let q = uscis_query(Partner::Canada, 5, 1);
    let (sent, reply) = client.query(Partner::Canada, &q).await.unwrap();
    assert_eq!(sent.tcn, q.tcn);
    assert_eq!(Query::decode(&sent.transaction).unwrap(), q, "what went out is the query, whole");
    let answer = reply.decode_answer().unwrap();
    assert!(answer.matched);
    assert_eq!(answer.tcr, q.tcn);
    assert_eq!(answer.tcn, reply.tcn);
    assert_eq!(answer.text.text(f::FPN), Some(shared.reference.as_str()));
    assert_eq!(answer.text.value(f::NAM), None, "the first answer is match and reference only");

    let (_, reply) = client.query(Partner::Canada, &uscis_query(Partner::Canada, 5, 2)).await.unwrap();
    let more = reply.decode_answer().unwrap();
    assert!(more.matched);
    assert_eq!(more.sequence(), Some(2));
    let name = more.text.value(f::NAM).unwrap();
    assert_eq!(name.item(0, 0), Some(shared.surname.as_bytes()));
    // Only what Canada's allow-list gives for a second query.
    let allowed = Partner::Canada.answer_template(2);
    assert!(more.text.fields().iter().all(|fl| fl.number() == 2 || allowed.spec(fl.number()).is_some()));

    // CRIS demo person 7 is in no gallery: no match, and nothing but the result.
    let (_, reply) = client.query(Partner::Canada, &uscis_query(Partner::Canada, 7, 1)).await.unwrap();
    let none = reply.decode_answer().unwrap();
    assert!(!none.matched);
    let numbers: Vec<u16> = none.text.fields().iter().map(|fl| fl.number()).collect();
    assert_eq!(numbers, [2, f::QSQ, f::RES]);
    assert_eq!(s.queries(Partner::Canada).len(), 3);
    assert!(s.queries(Partner::Australia).is_empty());
}

/// A stand-in for CRIS's inbound endpoint: reads with `ident::wire::read_inbound_query`, keeps
/// the queries, answers 202.
async fn fake_cris(token: String) -> (String, Arc<Mutex<Vec<Query>>>) {
    async fn inbound(
        State((token, seen)): State<(String, Arc<Mutex<Vec<Query>>>)>,
        headers: HeaderMap,
        body: axum::body::Bytes,
    ) -> Response {
        match cris::ident::wire::read_inbound_query(&headers, &body, &token) {
            Ok((envelope, query)) => {
                seen.lock().unwrap().push(query);
                let accepted = cris::ident::wire::Accepted { tcn: envelope.tcn };
                (axum::http::StatusCode::ACCEPTED, axum::Json(accepted)).into_response()
            }
            Err(problem) => problem.into_response(),
        }
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let router = axum::Router::new()
        .route("/ident/v1/transactions", axum::routing::post(inbound))
        .with_state((token, seen.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ident/v1/transactions", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (url, seen)
}

// R-IS-05: a partner's query reaches CRIS through IDENT, and CRIS's answer goes back to the
// partner the same way.
// R-IS-07: the partner's request carries requestor, date, reason, priority, name, birth date and
// country, gender, aliases and encounter identifier, in its own template.
#[tokio::test]
async fn a_partners_query_reaches_cris_and_cris_answers_it() {
    let s = standins().await;
    let (url, seen) = fake_cris(s.inbound_token.clone()).await;
    s.set_cris_inbound(&url);
    let fingers = vec![Finger::generate(person_finger_seed(11, 1)).impression(5, 1)];
    let q = standin::sample_query(Partner::Australia, fingers, today());
    assert_eq!(s.partner_asks(Partner::Australia, &q).await.unwrap(), q.tcn);
    let got = seen.lock().unwrap().clone();
    assert_eq!(got, vec![q.clone()]);
    let d = got[0].descriptive().unwrap();
    assert!(d.requestor.is_some() && d.request_date.is_some() && d.reason.is_some());
    assert_eq!(d.priority, Some(ansi_nist::Priority::High));
    assert!(d.name.is_some() && d.date_of_birth.is_some() && d.country_of_birth.is_some());
    assert!(d.gender.is_some() && !d.aliases.is_empty() && d.encounter_id.is_some());
    assert!(Partner::Australia.request_template().check(&got[0].text, 2).is_ok());

    let mut text = ansi_nist::TaggedRecord::new(2, 0).unwrap();
    text.set_text(f::QSQ, "1").unwrap();
    let answer = Answer {
        tcn: cris::ident::model::new_tcn("USCIS"),
        tcr: q.tcn.clone(),
        date: today(),
        matched: false,
        text,
        documents: Vec::new(),
    };
    let sent = s.client().unwrap().answer(Partner::Australia, &answer).await.unwrap();
    assert_eq!(sent.tcn, answer.tcn);
    let received = s.received(Partner::Australia);
    assert_eq!(received.len(), 1);
    assert!(!received[0].matched);
    assert_eq!(received[0].tcr, q.tcn);
    assert!(s.received(Partner::Canada).is_empty());
}

/// Posts a raw envelope to the stand-in IDENT as CRIS.
async fn post_raw(s: &StandIns, token: &str, body: String) -> (u16, serde_json::Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/v1/transactions", s.ident_url))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/"));
    (res.status().as_u16(), res.json().await.unwrap())
}

fn envelope(partner: &str, bytes: &[u8]) -> String {
    use base64::Engine as _;
    let transaction = base64::engine::general_purpose::STANDARD.encode(bytes);
    serde_json::json!({"kind": "query", "partner": partner, "tcn": "T-1", "transaction": transaction}).to_string()
}

// R-IS-06: a transaction that does not read is refused with a message naming record and field,
// on both sides of IDENT.
#[tokio::test]
async fn a_malformed_transaction_is_refused_naming_record_and_field() {
    let s = standins().await;
    let mut q = uscis_query(Partner::Canada, 5, 1);
    q.text.set_text(f::DOB, "1980-02-29").unwrap();
    let err = s.client().unwrap().query(Partner::Canada, &q).await.unwrap_err();
    assert_eq!(
        err,
        IdentError::Malformed("record 2 (Type-2): field 2.022 is not a date YYYYMMDD: \"1980-02-29\"".into())
    );

    // A cut transaction: its LEN says more than remains.
    let bytes = uscis_query(Partner::Canada, 5, 1).encode("A", "B").unwrap();
    let (status, problem) = post_raw(&s, &s.token, envelope("CAN", &bytes[..bytes.len() - 10])).await;
    assert_eq!(status, 400);
    assert_eq!(problem["code"], "malformed");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.starts_with("record ") && detail.contains("field ") && detail.contains(".001 LEN says"), "{detail}");

    // What a partner sends CRIS is read the same way by CRIS's inbound reading.
    let (url, seen) = fake_cris(s.inbound_token.clone()).await;
    let res = reqwest::Client::new()
        .post(&url)
        .bearer_auth(&s.inbound_token)
        .body(envelope("AUS", &bytes[..bytes.len() - 10]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let problem: serde_json::Value = res.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains(".001 LEN says"), "{problem}");
    // And through IDENT, a partner's malformed query never reaches CRIS.
    s.set_cris_inbound(&url);
    let err = s.partner_posts(Partner::Australia, envelope("AUS", b"1.001:").into_bytes()).await.unwrap_err();
    assert!(matches!(&err, IdentError::Malformed(m) if m.starts_with("record 1 (Type-1)")), "{err:?}");
    assert!(seen.lock().unwrap().is_empty());
}

// R-AU-09: IDENT and CRIS each refuse a caller without the agreed token.
#[tokio::test]
async fn a_wrong_token_is_refused_with_401() {
    let s = standins().await;
    let wrong = Client::new(&s.ident_url, "not-the-token").unwrap();
    let err = wrong.query(Partner::Canada, &uscis_query(Partner::Canada, 5, 1)).await.unwrap_err();
    assert_eq!(err, IdentError::Unauthorized);
    assert!(!err.is_temporary());
    let (url, seen) = fake_cris(s.inbound_token.clone()).await;
    let bytes = uscis_query(Partner::Canada, 5, 1).encode("A", "B").unwrap();
    for auth in [None, Some("Bearer wrong"), Some(s.token.as_str())] {
        let mut req = reqwest::Client::new().post(&url).body(envelope("CAN", &bytes));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        assert_eq!(req.send().await.unwrap().status().as_u16(), 401, "{auth:?}");
    }
    assert!(seen.lock().unwrap().is_empty());
}

// R-IS-07: each partner has its own request template and refuses a query that breaks it.
#[tokio::test]
async fn a_partner_refuses_a_query_outside_its_template() {
    let s = standins().await;
    let client = s.client().unwrap();
    let mut q = uscis_query(Partner::Australia, 1, 1);
    q.text.set_text(f::ANU, "A123456789").unwrap();
    let err = client.query(Partner::Australia, &q).await.unwrap_err();
    assert_eq!(err, IdentError::TemplateRefused("record 2 (Type-2): field 2.206 is not in the AUS template".into()));
    // Canada takes five aliases, Australia three.
    let mut q = uscis_query(Partner::Australia, 1, 1);
    let aliases = vec![["ALIAS", "ONE"]; 4];
    q.text.set(f::AKA, ansi_nist::Value::subfields(aliases.clone()).unwrap()).unwrap();
    let err = client.query(Partner::Australia, &q).await.unwrap_err();
    assert!(matches!(&err, IdentError::TemplateRefused(m) if m.contains("2.019 repeats more than 3 times")), "{err:?}");
    let mut q = uscis_query(Partner::Canada, 1, 1);
    q.text.set(f::AKA, ansi_nist::Value::subfields(aliases).unwrap()).unwrap();
    assert!(client.query(Partner::Canada, &q).await.is_ok());
    // Canada requires the gender Australia may go without.
    let mut q = uscis_query(Partner::Australia, 1, 1);
    q.text = ansi_nist::Template {
        name: "cut".into(),
        fields: Partner::Australia.request_template().fields.into_iter().filter(|s| s.number != f::SEX).collect(),
    }
    .restrict(&q.text);
    assert!(client.query(Partner::Australia, &q).await.is_ok());
    let err = client.query(Partner::Canada, &q).await.unwrap_err();
    assert_eq!(err, IdentError::TemplateRefused("record 2 (Type-2): field 2.024 is missing".into()));
    assert_eq!(s.queries(Partner::Australia).len(), 1, "refused queries are not answered");
}

// R-IS-08: only the partners IDENT links to; the client tells passing trouble from refusals.
#[tokio::test]
async fn the_client_sorts_every_refusal() {
    let s = standins().await;
    let client = s.client().unwrap();
    let q = uscis_query(Partner::Canada, 5, 1);
    s.set_available(Partner::Canada, false);
    let err = client.query(Partner::Canada, &q).await.unwrap_err();
    assert!(matches!(&err, IdentError::Unavailable(m) if m.contains("Canada")), "{err:?}");
    assert!(err.is_temporary());
    s.set_available(Partner::Canada, true);
    assert!(client.query(Partner::Canada, &q).await.is_ok());

    let bytes = q.encode("A", "B").unwrap();
    let (status, problem) = post_raw(&s, &s.token, envelope("NZL", &bytes)).await;
    assert_eq!((status, problem["code"].as_str()), (403, Some("partner-unknown")));
    assert_eq!(
        IdentError::from_problem(status, serde_json::from_value(problem).ok()),
        IdentError::PartnerRefused("partner \"NZL\" is unknown".into())
    );
    let (status, problem) = post_raw(&s, &s.token, "{\"kind\":\"query\"}".into()).await;
    assert_eq!((status, problem["code"].as_str()), (400, Some("malformed")));

    // Nobody listening: unavailable, worth trying again.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let nowhere = Client::new(&format!("http://{closed}"), "t").unwrap();
    let err = nowhere.query(Partner::Canada, &q).await.unwrap_err();
    assert_eq!(err, IdentError::Unavailable("cannot connect".into()));
    // IDENT up, CRIS's inbound address not set: a partner's query cannot be delivered.
    let err = s.partner_asks(Partner::Canada, &q).await.unwrap_err();
    assert!(err.is_temporary(), "{err:?}");
}

// R-IS-02: the application started by the test harness reaches the stand-in IDENT with the client
// its state holds, over HTTP, while serving on loopback for IDENT's calls.
#[tokio::test]
async fn the_harness_starts_the_stand_ins_in_front_of_the_application() {
    let (app, s, server) = TestApp::with_ident(8).await;
    let client = app.state.ident().expect("the state holds the client");
    assert_eq!(client.url(), s.ident_url);
    assert_eq!(app.state.ident_inbound_token(), Some(s.inbound_token.as_str()));
    let (_, reply) = client.query(Partner::Australia, &uscis_query(Partner::Australia, 1, 1)).await.unwrap();
    assert!(reply.decode_answer().unwrap().matched, "Australia's person 0 is CRIS demo person 1");
    server.shutdown(std::time::Duration::from_secs(1));
}
