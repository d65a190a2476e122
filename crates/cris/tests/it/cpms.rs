//! CPMS, the person-centric repository (issue 20): protected classes from the flag and from each
//! protected form, the 1:N match of inbound fingers, agreements in force, exchanges and
//! disclosures with their accounting, who may see a case's sharing record, and the 100-year purge.

use chrono::NaiveDate;
use cris::cpms::model::{
    Agreement, Direction, ExchangeKind, Fin, Finger, NewDisclosure, NewExchange, NewPerson, Outcome, PersonName,
    ProtectedClass,
};
use cris::cpms::service as cpms;
use cris::kernel::access::{Actor, Place, Role};
use cris::kernel::error::ServiceError;

use crate::support::TestApp;

fn actor(app: &TestApp, user_id: i64, username: &str, role: Role, office: &str) -> Actor {
    Actor {
        user_id,
        username: username.into(),
        role,
        place: Place::of(app.catalog.office(office).unwrap()),
        ip: "127.0.0.1".into(),
    }
}

/// A synthetic person whose fingers 1 and 2 are impressions of the fingers of `seed`.
pub fn new_person(seed: u64, birth: NaiveDate, flag: Option<ProtectedClass>) -> NewPerson {
    let fingers = [1u8, 2]
        .into_iter()
        .map(|pos| {
            Finger::from_type9(&fingerprint::synth::Finger::generate(seed * 10 + u64::from(pos)).impression(1, pos))
        })
        .collect();
    NewPerson {
        fin: Fin::parse(&format!("FIN-{seed:06}")).unwrap(),
        a_number: Some(format!("A{:09}", 200_000_000 + seed)),
        name: PersonName { surname: format!("SURNAME{seed}"), given_names: "ANA MARIA".into() },
        aliases: vec![PersonName { surname: format!("ALIAS{seed}"), given_names: "ANA".into() }],
        birth_date: birth,
        birth_country: "COL".into(),
        gender: "F".into(),
        flag,
        consent: None,
        fingers,
        keep_until: cris::retention::model::sharing_keep_until(birth),
    }
}

/// A probe: another impression of the fingers of `seed`.
pub fn probe(seed: u64) -> Vec<ansi_nist::FingerMinutiae> {
    [1u8, 2]
        .into_iter()
        .map(|pos| fingerprint::synth::Finger::generate(seed * 10 + u64::from(pos)).impression(99, pos))
        .collect()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A case of `form` at NBC, received in January 2026.
pub async fn case(app: &TestApp, receipt: &str, form: &str) {
    cris::with_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO cases (receipt_number, form_code, office_code, status_code, received_on, status_on, mailing_zip, restricted, updated_at) \
             VALUES ($1, $2, 'NBC', 'received', $3, $3, '60601', FALSE, '2026-02-01T00:00:00Z')",
        )
        .bind(receipt)
        .bind(form)
        .bind(d(2026, 1, 5))
        .execute(pool)
        .await
        .unwrap();
    });
}

pub fn agreement(partner: &str, from: NaiveDate, to: NaiveDate) -> Agreement {
    Agreement {
        id: 0,
        partner: partner.into(),
        in_force_from: from,
        in_force_to: to,
        outbound_fields: vec![18, 22, 24, 205, 208],
        inbound_fields: vec![18, 19, 20, 22, 24, 37, 201, 202, 203, 204, 207, 208],
        template: partner.into(),
    }
}

async fn events(app: &TestApp, like: &str) -> Vec<(String, String, String)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT event, username, outcome FROM audit_log WHERE event LIKE $1 ORDER BY id")
            .bind(like)
            .fetch_all(pool)
            .await
            .unwrap()
    })
}

// R-IS-01
// R-IS-04
// The records office's flag, or a case of I-914, I-918, I-360, I-589, I-590 or I-730 held for the
// person, makes them protected; another form does not.
#[tokio::test]
async fn protected_class_from_the_flag_and_from_each_protected_form() {
    let app = TestApp::new().await;
    let now = app.clock.now();
    let forms = [
        ("I-914", Some(ProtectedClass::T)),
        ("I-918", Some(ProtectedClass::U)),
        ("I-360", Some(ProtectedClass::Vawa)),
        ("I-589", Some(ProtectedClass::Asylum)),
        ("I-590", Some(ProtectedClass::Refugee)),
        ("I-730", Some(ProtectedClass::Refugee)),
        ("I-485", None),
    ];
    let people = (0..forms.len() as u64 + 1).map(|s| new_person(s + 1, d(1985, 3, 4), None)).collect::<Vec<_>>();
    let mut people = people;
    people.last_mut().unwrap().flag = Some(ProtectedClass::U);
    let ids = cpms::enroll(&app.db, &people, now).await.unwrap();
    for (i, (form, class)) in forms.iter().enumerate() {
        let receipt = format!("IOE09000000{i:02}");
        case(&app, &receipt, form).await;
        cpms::link_case(&app.db, ids[i], &receipt, None).await.unwrap();
        assert_eq!(cpms::protected_class(&app.db, ids[i]).await.unwrap(), *class, "{form}");
    }
    assert_eq!(cpms::protected_class(&app.db, ids[forms.len()]).await.unwrap(), Some(ProtectedClass::U));
}

// R-IS-04
// R-IS-05
// Another impression of an enrolled person's fingers finds that person among many; a protected
// person is reported protected with the match; strangers match nobody.
#[tokio::test]
async fn inbound_fingers_find_the_person_and_say_first_whether_protected() {
    let app = TestApp::new().await;
    let now = app.clock.now();
    let people: Vec<NewPerson> = (1..=40u64).map(|s| new_person(s, d(1980, 1, 1), None)).collect();
    let ids = cpms::enroll(&app.db, &people, now).await.unwrap();
    case(&app, "IOE0900000100", "I-589").await;
    cpms::link_case(&app.db, ids[16], "IOE0900000100", None).await.unwrap();

    let found = cpms::match_inbound(&app.db, &cris::cpms::gallery::Gallery::default(), &probe(8)).await.unwrap();
    assert_eq!(found.person, Some(ids[7]));
    assert!(!found.is_protected() && found.score > 0);

    let found = cpms::match_inbound(&app.db, &cris::cpms::gallery::Gallery::default(), &probe(17)).await.unwrap();
    assert_eq!((found.person, found.protected), (Some(ids[16]), Some(ProtectedClass::Asylum)));

    let found = cpms::match_inbound(&app.db, &cris::cpms::gallery::Gallery::default(), &probe(5000)).await.unwrap();
    assert_eq!(found.person, None);
}

// R-IS-04
// R-IS-05
// The in-memory, prefiltered search finds exactly what comparing every enrolled finger finds
// (the same person with the same summed score) for enrolled persons and strangers alike; it
// follows a new enrolment and a purge.
#[tokio::test]
async fn the_in_memory_prefiltered_search_finds_what_the_full_search_finds() {
    let app = TestApp::new().await;
    let now = app.clock.now();
    let people: Vec<NewPerson> = (1..=100u64).map(|s| new_person(s, d(1980, 1, 1), None)).collect();
    let ids = cpms::enroll(&app.db, &people, now).await.unwrap();
    let mut enrolled = Vec::new();
    for id in &ids {
        enrolled.extend(cpms::fingers(&app.db, *id).await.unwrap().into_iter().map(|f| (*id, f)));
    }
    // The reference: every enrolled finger of the probe's position compared, summed by person.
    let full = |fingers: &[ansi_nist::FingerMinutiae]| {
        let mut scores = std::collections::HashMap::<i64, u32>::new();
        for p in fingers {
            let (who, prints): (Vec<i64>, Vec<_>) =
                enrolled.iter().filter(|(_, f)| f.position == p.finger).map(|(id, f)| (*id, f.xyt())).unzip();
            for c in fingerprint::search(&fingerprint::to_xyt(p), &prints, 2) {
                *scores.entry(who[c.index]).or_default() += c.score;
            }
        }
        scores.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))).map_or((None, 0), |(id, s)| (Some(id), s))
    };
    let gallery = &cris::cpms::gallery::Gallery::default();
    for seed in (1..=100u64).step_by(9).chain(9_000..9_005) {
        let found = cpms::match_inbound(&app.db, gallery, &probe(seed)).await.unwrap();
        assert_eq!((found.person, found.score), full(&probe(seed)), "probe {seed}");
    }
    let late = cpms::enroll(&app.db, &[new_person(151, d(1980, 1, 1), None)], now).await.unwrap()[0];
    assert_eq!(cpms::match_inbound(&app.db, gallery, &probe(151)).await.unwrap().person, Some(late));
    let old = cpms::enroll(&app.db, &[new_person(152, d(1926, 11, 1), None)], now).await.unwrap()[0];
    assert_eq!(cpms::match_inbound(&app.db, gallery, &probe(152)).await.unwrap().person, Some(old));
    let mut tx = app.db.begin().await.unwrap();
    assert_eq!(cpms::purge_persons_before(&mut tx, d(2026, 11, 2), 500, &[]).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert_eq!(cpms::match_inbound(&app.db, gallery, &probe(152)).await.unwrap().person, None);
    assert_eq!(cpms::match_inbound(&app.db, gallery, &probe(10)).await.unwrap().person, Some(ids[9]));
    // The newest person purged and another enrolled before the next search: SQLite gives the new
    // person the purged id, and the gallery still drops the one and finds the other.
    let gone = cpms::enroll(&app.db, &[new_person(154, d(1926, 10, 1), None)], now).await.unwrap()[0];
    assert_eq!(cpms::match_inbound(&app.db, gallery, &probe(154)).await.unwrap().person, Some(gone));
    let mut tx = app.db.begin().await.unwrap();
    assert_eq!(cpms::purge_persons_before(&mut tx, d(2026, 11, 2), 500, &[]).await.unwrap(), 1);
    tx.commit().await.unwrap();
    let next = cpms::enroll(&app.db, &[new_person(155, d(1981, 2, 2), None)], now).await.unwrap()[0];
    assert_eq!(cpms::match_inbound(&app.db, gallery, &probe(154)).await.unwrap().person, None);
    assert_eq!(cpms::match_inbound(&app.db, gallery, &probe(155)).await.unwrap().person, Some(next));
}

// R-IS-06
// R-IS-08
// Only the partner's agreement in force on the day is found; an exchange and its disclosure are
// written in the caller's transaction, stored whole, and listed in the person's accounting (page
// data and CSV) for those who report disclosures only.
#[tokio::test]
async fn agreements_exchanges_disclosures_and_the_accounting() {
    let app = TestApp::new().await;
    let now = app.clock.now();
    let old = cpms::record_agreement(&app.db, &agreement("CAN", d(2020, 1, 1), d(2025, 12, 31))).await.unwrap();
    let current = cpms::record_agreement(&app.db, &agreement("CAN", d(2026, 1, 1), d(2030, 12, 31))).await.unwrap();
    assert_eq!(cpms::agreement_in_force(&app.db, "CAN", d(2025, 6, 1)).await.unwrap().unwrap().id, old);
    assert_eq!(cpms::agreement_in_force(&app.db, "CAN", d(2026, 11, 2)).await.unwrap().unwrap().id, current);
    assert!(cpms::agreement_in_force(&app.db, "CAN", d(2031, 1, 1)).await.unwrap().is_none());
    assert!(cpms::agreement_in_force(&app.db, "AUS", d(2026, 11, 2)).await.unwrap().is_none());

    let person = cpms::enroll(&app.db, &[new_person(3, d(1990, 5, 6), None)], now).await.unwrap()[0];
    let bytes = b"1.001:... the whole transaction \x1c\x1d binary".to_vec();
    let mut tx = app.db.begin().await.unwrap();
    let exchange = cpms::record_exchange(
        &mut tx,
        &NewExchange {
            direction: Direction::Out,
            partner: "CAN",
            kind: ExchangeKind::Answer,
            tcn: "USCIS-1",
            tcr: Some("CAN-7"),
            sequence: None,
            transaction: &bytes,
            at: now,
            person_id: Some(person),
            agreement_id: Some(current),
            outcome: Some(Outcome::Match),
            reason: None,
        },
    )
    .await
    .unwrap();
    cpms::record_disclosure(
        &mut tx,
        &NewDisclosure {
            person_id: person,
            partner: "CAN",
            at: now,
            fields: &[18, 22],
            purpose: "Answer to CAN's query: =cmd",
            agreement_id: current,
            approved_by: Some("analyst.two"),
            exchange_id: exchange,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(cpms::exchange(&app.db, exchange).await.unwrap().unwrap().transaction, bytes);

    let analyst_id = app.staff("ia.one", Role::InternationalAnalyst, "NBC").await;
    let analyst = actor(&app, analyst_id, "ia.one", Role::InternationalAnalyst, "NBC");
    let fin = Fin::parse("FIN-000003").unwrap();
    let acc = cpms::accounting(&app.db, &app.catalog, &analyst, now, &fin).await.unwrap();
    assert_eq!(acc.disclosures.len(), 1);
    assert_eq!(acc.disclosures[0].fields, "2.018 2.022");
    let csv = cpms::accounting_csv(&acc);
    assert!(csv.starts_with("\"to\",\"when\",\"fields\""), "{csv}");
    assert!(csv.contains("\"CAN\",\"2026-11-02T15:00:00Z\",\"2.018 2.022\""), "{csv}");
    assert!(csv.contains("\"2026-01-01 to 2030-12-31\",\"analyst.two\""), "{csv}");
    // A formula in a purpose stays text.
    assert!(csv.contains("\"Answer to CAN's query: =cmd\""), "{csv}");
    assert_eq!(
        events(&app, "cpms.accounting%").await,
        vec![("cpms.accounting.read".into(), "ia.one".into(), "ok".into())]
    );

    let tier1_id = app.staff("t1.one", Role::Tier1, "NBC").await;
    let tier1 = actor(&app, tier1_id, "t1.one", Role::Tier1, "NBC");
    let refused = cpms::accounting(&app.db, &app.catalog, &tier1, now, &fin).await;
    assert!(matches!(refused, Err(ServiceError::Denied(_))), "{refused:?}");
    assert_eq!(events(&app, "access.denied").await.len(), 1);
}

// R-IS-03
// R-IS-09
// A case's sharing record: the asylum officer assigned to it and fraud analysts see it (each read
// audited); another asylum officer, an international analyst and other roles are refused,
// logged and alerted.
#[tokio::test]
async fn only_the_assigned_officer_and_fraud_analysts_see_a_case_s_sharing_record() {
    let app = TestApp::new().await;
    let now = app.clock.now();
    let person = cpms::enroll(&app.db, &[new_person(4, d(1990, 5, 6), None)], now).await.unwrap()[0];
    let officer_id = app.staff("ao.one", Role::AsylumOfficer, "NBC").await;
    let other_id = app.staff("ao.two", Role::AsylumOfficer, "NBC").await;
    let fdns_id = app.staff("fdns.one", Role::FraudAnalyst, "NBC").await;
    let ia_id = app.staff("ia.one", Role::InternationalAnalyst, "NBC").await;
    let t2_id = app.staff("t2.one", Role::Tier2, "NBC").await;
    case(&app, "IOE0900000200", "I-589").await;
    cpms::link_case(&app.db, person, "IOE0900000200", Some(officer_id)).await.unwrap();

    let officer = actor(&app, officer_id, "ao.one", Role::AsylumOfficer, "NBC");
    let seen = cpms::case_sharing(&app.db, &app.catalog, &officer, now, "IOE0900000200").await.unwrap();
    assert_eq!(seen.record.person.id, person);
    assert_eq!(seen.record.protected, Some(ProtectedClass::Asylum));
    let fdns = actor(&app, fdns_id, "fdns.one", Role::FraudAnalyst, "NBC");
    assert!(cpms::case_sharing(&app.db, &app.catalog, &fdns, now, "IOE0900000200").await.is_ok());
    assert_eq!(events(&app, "cpms.case.read").await.len(), 2);

    for (id, name, role) in [
        (other_id, "ao.two", Role::AsylumOfficer),
        (ia_id, "ia.one", Role::InternationalAnalyst),
        (t2_id, "t2.one", Role::Tier2),
    ] {
        let who = actor(&app, id, name, role, "NBC");
        let refused = cpms::case_sharing(&app.db, &app.catalog, &who, now, "IOE0900000200").await;
        assert!(matches!(refused, Err(ServiceError::Denied(_))), "{name}: {refused:?}");
    }
    let denied = events(&app, "access.denied").await;
    assert_eq!(denied.iter().map(|e| e.1.as_str()).collect::<Vec<_>>(), ["ao.two", "ia.one", "t2.one"]);
    assert_eq!(events(&app, "cpms.case.read").await.len(), 2);
}

// R-RT-04
// A person is kept until the hundredth birthday, then purged with everything of theirs.
#[tokio::test]
async fn persons_go_after_their_hundredth_birthday() {
    let app = TestApp::new().await;
    let now = app.clock.now();
    let ids = cpms::enroll(
        &app.db,
        &[new_person(5, d(1926, 11, 1), None), new_person(6, d(1926, 11, 2), None), new_person(7, d(1990, 1, 1), None)],
        now,
    )
    .await
    .unwrap();
    let today = d(2026, 11, 2);
    let extent = cpms::expired_persons(&app.db, today).await.unwrap();
    assert_eq!((extent.count, extent.oldest), (1, Some(d(2026, 11, 1))));
    let mut tx = app.db.begin().await.unwrap();
    assert_eq!(cpms::purge_persons_before(&mut tx, today, 500, &[]).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert!(cpms::fingers(&app.db, ids[0]).await.unwrap().is_empty());
    assert_eq!(cpms::fingers(&app.db, ids[1]).await.unwrap().len(), 2);
}

// ---------------------------------------------------------------- USCIS asks a partner

/// The applicant of case `receipt`: demo person `index` (fingers shared with the stand-in
/// partners' galleries as the demo's are), assigned to `officer`; returns the person's id.
pub async fn applicant(app: &TestApp, index: u64, receipt: &str, officer: i64) -> i64 {
    let as_of = d(2026, 11, 2);
    let mut p = cris::cpms::model::demo_person(index, cris::ident::standin::person_finger_seed, as_of);
    p.keep_until = cris::retention::model::sharing_keep_until(p.birth_date);
    let id = cpms::enroll(&app.db, &[p], app.clock.now()).await.unwrap()[0];
    case(app, receipt, "I-589").await;
    cpms::link_case(&app.db, id, receipt, Some(officer)).await.unwrap();
    id
}

async fn outbound(app: &TestApp, person: i64) -> Vec<(String, String, Option<i64>, Option<String>, Vec<u8>)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT direction, kind, CAST(sequence AS BIGINT), outcome, body FROM cpms_exchanges WHERE person_id = $1 ORDER BY id",
        )
        .bind(person)
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

async fn disclosed(app: &TestApp, person: i64) -> Vec<(String, String, String, Option<String>)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT partner, fields, purpose, approved_by FROM cpms_disclosures WHERE person_id = $1 ORDER BY id")
            .bind(person)
            .fetch_all(pool)
            .await
            .unwrap()
    })
}

// R-IS-02
// R-IS-03
// R-IS-06
// R-IS-08
// R-IS-10
// The officer assigned to the case asks Canada, which knows the applicant: the first answer
// (match) is stored, the second query goes out by itself, the officer sends a third, and no
// fourth. Every query and answer is stored whole, each query's disclosure written with it
// (fields, purpose, agreement, who), and the partner received only the fields the agreement
// allows. The officer and a fraud analyst see the answers; another officer cannot ask.
#[tokio::test]
async fn a_match_sends_the_second_query_by_itself_and_the_third_on_request() {
    use cris::ident::Partner;
    let (app, standins, _server) = TestApp::with_ident(8).await;
    let mut can = cpms::demo_agreements().remove(0);
    can.outbound_fields.retain(|f| *f != 19); // no aliases for Canada under this agreement
    cpms::record_agreement(&app.db, &can).await.unwrap();
    let officer = app.staff("ao.one", Role::AsylumOfficer, "NBC").await;
    app.staff("ao.two", Role::AsylumOfficer, "NBC").await;
    app.staff("fdns.one", Role::FraudAnalyst, "NBC").await;
    // Demo person 0 is in Canada's gallery.
    let person = applicant(&app, 0, "IOE0900000300", officer).await;
    let cookie = app.sign_in("ao.one").await;
    let ask = "/staff/sharing/cases/IOE0900000300/queries";

    let (status, headers, page) = app.post_form(ask, &cookie, &[("partner", "CAN")]).await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(headers["location"], "/staff/sharing/cases/IOE0900000300");
    let received = standins.queries(Partner::Canada);
    assert_eq!(received.iter().map(|q| q.sequence).collect::<Vec<_>>(), [1, 2]);
    for q in &received {
        for field in q.text.fields().iter().map(|f| f.number()).filter(|n| *n > 2) {
            assert!(can.allows_out(field) || field == 208, "2.{field:03} is not allowed");
        }
    }
    assert!(received[1].text.text(207).is_some_and(|r| r.starts_with("CAN-")), "the 2nd names the partner's reference");

    let (status, _, page) = app.post_form(ask, &cookie, &[("partner", "CAN")]).await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(standins.queries(Partner::Canada).len(), 3);
    assert_eq!(standins.queries(Partner::Canada)[2].sequence, 3);
    let (status, _, page) = app.post_form(ask, &cookie, &[("partner", "CAN")]).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("already been sent the third query"), "{page}");
    assert_eq!(standins.queries(Partner::Canada).len(), 3);

    let rows = outbound(&app, person).await;
    let shape: Vec<(&str, &str, Option<i64>, Option<&str>)> =
        rows.iter().map(|r| (r.0.as_str(), r.1.as_str(), r.2, r.3.as_deref())).collect();
    assert_eq!(
        shape,
        [
            ("out", "query", Some(1), Some("match")),
            ("in", "answer", Some(1), Some("match")),
            ("out", "query", Some(2), Some("match")),
            ("in", "answer", Some(2), Some("match")),
            ("out", "query", Some(3), Some("match")),
            ("in", "answer", Some(3), Some("match")),
        ]
    );
    // Stored whole: what was sent reads back as the query the partner received.
    for (row, sent) in [(0, 0), (2, 1), (4, 2)] {
        let stored = cris::ident::Query::decode(&rows[row].4).unwrap();
        assert_eq!(stored, standins.queries(Partner::Canada)[sent]);
    }
    let disclosures = disclosed(&app, person).await;
    assert_eq!(disclosures.len(), 3);
    for (partner, fields, purpose, by) in &disclosures {
        assert_eq!((partner.as_str(), by.as_deref()), ("CAN", Some("ao.one")));
        assert!(fields.contains("2.018") && fields.contains("2.022") && fields.ends_with(" 9"), "{fields}");
        assert!(!fields.contains("2.019"), "{fields}");
        assert!(purpose.contains("IOE0900000300"), "{purpose}");
    }

    let (status, _, page) = app.get("/staff/sharing/cases/IOE0900000300", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Match") && page.contains("2.207"), "{page}");
    let fdns = app.sign_in("fdns.one").await;
    let (status, _, page) = app.get("/staff/sharing/cases/IOE0900000300", &[("cookie", &fdns)]).await;
    assert!(status == 200 && page.contains("2.207") && !page.contains("id=\"ask\""), "{page}");
    let (status, _, _) = app.post_form(ask, &fdns, &[("partner", "CAN")]).await;
    assert_eq!(status, 403);
    let other = app.sign_in("ao.two").await;
    assert_eq!(app.post_form(ask, &other, &[("partner", "CAN")]).await.0, 403);
    assert_eq!(app.get("/staff/sharing/cases/IOE0900000300", &[("cookie", &other)]).await.0, 403);
    assert_eq!(standins.queries(Partner::Canada).len(), 3);
}

// R-IS-02
// R-IS-06
// A partner that does not know the applicant answers "no match": stored, shown, and nothing
// follows by itself.
#[tokio::test]
async fn no_match_is_stored_and_nothing_follows() {
    use cris::ident::Partner;
    let (app, standins, _server) = TestApp::with_ident(8).await;
    for a in cpms::demo_agreements() {
        cpms::record_agreement(&app.db, &a).await.unwrap();
    }
    let officer = app.staff("ao.one", Role::AsylumOfficer, "NBC").await;
    // Demo person 2 is in neither gallery.
    let person = applicant(&app, 2, "IOE0900000400", officer).await;
    let cookie = app.sign_in("ao.one").await;
    let (status, _, page) =
        app.post_form("/staff/sharing/cases/IOE0900000400/queries", &cookie, &[("partner", "AUS")]).await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(standins.queries(Partner::Australia).len(), 1);
    let rows = outbound(&app, person).await;
    let outcomes: Vec<Option<&str>> = rows.iter().map(|r| r.3.as_deref()).collect();
    assert_eq!(outcomes, [Some("no-match"), Some("no-match")]);
    assert_eq!(disclosed(&app, person).await.len(), 1);
    let (_, _, page) = app.get("/staff/sharing/cases/IOE0900000400", &[("cookie", &cookie)]).await;
    assert!(page.contains("No match"), "{page}");
}

// R-IS-06
// A query IDENT does not take leaves nothing counted as disclosed: the exchange is kept, settled
// as refused, its disclosure withdrawn; the officer is told and the next try goes out. The call
// to IDENT runs outside any transaction, so a slow partner never holds the database's writer.
#[tokio::test]
async fn a_query_ident_does_not_take_is_withdrawn_and_can_be_sent_again() {
    use cris::ident::Partner;
    let (app, standins, _server) = TestApp::with_ident(8).await;
    for a in cpms::demo_agreements() {
        cpms::record_agreement(&app.db, &a).await.unwrap();
    }
    let officer = app.staff("ao.one", Role::AsylumOfficer, "NBC").await;
    let person = applicant(&app, 2, "IOE0900000450", officer).await;
    let cookie = app.sign_in("ao.one").await;
    standins.set_available(Partner::Australia, false);
    let (status, _, page) =
        app.post_form("/staff/sharing/cases/IOE0900000450/queries", &cookie, &[("partner", "AUS")]).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("IDENT did not take the query"), "{page}");
    let rows = outbound(&app, person).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0.as_str(), rows[0].3.as_deref()), ("out", Some("refused")));
    assert!(disclosed(&app, person).await.is_empty());

    standins.set_available(Partner::Australia, true);
    let (status, _, page) =
        app.post_form("/staff/sharing/cases/IOE0900000450/queries", &cookie, &[("partner", "AUS")]).await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(disclosed(&app, person).await.len(), 1);
    let outcomes: Vec<Option<String>> = outbound(&app, person).await.into_iter().map(|r| r.3).collect();
    assert_eq!(outcomes.iter().filter(|o| o.as_deref() == Some("no-match")).count(), 2);
}

// R-IS-08
// A query to a partner whose agreement has expired is refused: nothing reaches the partner,
// the refusal is stored as an exchange and written to the security log, the page says why.
#[tokio::test]
async fn a_query_under_an_expired_agreement_is_refused_and_logged() {
    use cris::ident::Partner;
    let (app, standins, _server) = TestApp::with_ident(8).await;
    cpms::record_agreement(&app.db, &agreement("CAN", d(2020, 1, 1), d(2025, 12, 31))).await.unwrap();
    let officer = app.staff("ao.one", Role::AsylumOfficer, "NBC").await;
    let person = applicant(&app, 0, "IOE0900000500", officer).await;
    let cookie = app.sign_in("ao.one").await;
    let (status, _, page) =
        app.post_form("/staff/sharing/cases/IOE0900000500/queries", &cookie, &[("partner", "CAN")]).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("No agreement with this partner is in force today"), "{page}");
    assert!(standins.queries(Partner::Canada).is_empty());
    let rows = outbound(&app, person).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0.as_str(), rows[0].3.as_deref()), ("out", Some("refused")));
    assert!(disclosed(&app, person).await.is_empty());
    let logged = events(&app, "cpms.query.refused").await;
    assert_eq!(logged, vec![("cpms.query.refused".into(), "ao.one".into(), "denied".into())]);
}

// R-IS-06
// The accounting of disclosures, as a page and a CSV, for international analysts only.
#[tokio::test]
async fn the_accounting_page_and_csv() {
    let (app, _standins, _server) = TestApp::with_ident(8).await;
    for a in cpms::demo_agreements() {
        cpms::record_agreement(&app.db, &a).await.unwrap();
    }
    let officer = app.staff("ao.one", Role::AsylumOfficer, "NBC").await;
    app.staff("ia.one", Role::InternationalAnalyst, "NBC").await;
    applicant(&app, 0, "IOE0900000600", officer).await;
    let cookie = app.sign_in("ao.one").await;
    app.post_form("/staff/sharing/cases/IOE0900000600/queries", &cookie, &[("partner", "CAN")]).await;
    let ia = app.sign_in("ia.one").await;
    let (status, _, page) = app.get("/staff/sharing/disclosures?fin=FIN100000000", &[("cookie", &ia)]).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page.matches("<th scope=\"row\">CAN</th>").count(), 2, "{page}");
    assert!(page.contains("ao.one") && page.contains("in force 2020-01-01 to 2099-01-01"), "{page}");
    let (status, headers, csv) = app.get("/staff/sharing/disclosures.csv?fin=FIN100000000", &[("cookie", &ia)]).await;
    assert_eq!(status, 200);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert_eq!(csv.lines().count(), 3, "{csv}");
    let (status, _, page) = app.get("/staff/sharing/disclosures?fin=not%20a%20fin", &[("cookie", &ia)]).await;
    assert!(status == 422 && page.contains("value=\"not a fin\""), "{page}");
    assert_eq!(app.get("/staff/sharing/disclosures?fin=FIN100000000", &[("cookie", &cookie)]).await.0, 403);
}

/// For the access matrix: case `IOE0900000900` of demo person 7 (`FIN100000007`), assigned to
/// no officer, and the demo agreements.
pub async fn matrix_case(app: &TestApp) {
    for a in cpms::demo_agreements() {
        cpms::record_agreement(&app.db, &a).await.unwrap();
    }
    let mut p = cris::cpms::model::demo_person(7, cris::ident::standin::person_finger_seed, d(2026, 11, 2));
    p.keep_until = cris::retention::model::sharing_keep_until(p.birth_date);
    let id = cpms::enroll(&app.db, &[p], app.clock.now()).await.unwrap()[0];
    case(app, "IOE0900000900", "I-589").await;
    cpms::link_case(&app.db, id, "IOE0900000900", None).await.unwrap();
}

/// For the access matrix: case `IOE0900000901` of demo person 8, assigned to `officer`.
pub async fn matrix_case_of(app: &TestApp, officer: i64) {
    applicant(app, 8, "IOE0900000901", officer).await;
}

// ---------------------------------------------------------------- agreements entered and ended by headquarters

/// A partner's query about `seed` posted by IDENT to CRIS, dated the app's today: the status
/// CRIS answers (202 taken, 403 refused).
async fn partner_query(app: &TestApp, ident: &cris::ident::standin::StandIns, seed: u64) -> u16 {
    use cris::ident::Partner;
    let today = cpms::today(app.clock.now());
    let q = cris::ident::standin::sample_query(Partner::Australia, probe(seed), today);
    let raw = q.encode(Partner::Australia.agency(), cris::ident::USCIS_AGENCY).unwrap();
    let body = cris::ident::wire::Envelope::query(Partner::Australia, &q.tcn, raw).to_json();
    let auth = format!("Bearer {}", ident.inbound_token);
    let headers = [("authorization", auth.as_str()), ("content-type", "application/json")];
    app.request("POST", "/ident/v1/transactions", &headers, std::str::from_utf8(&body).unwrap()).await.0
}

async fn agreement_rows(app: &TestApp) -> Vec<(i64, String, NaiveDate, NaiveDate)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT id, partner, in_force_from, in_force_to FROM cpms_agreements ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
    })
}

/// A form's name-value pairs.
type Form<'a> = Vec<(&'a str, &'a str)>;

/// The form as headquarters fills it in: partner, days, fields each way, template.
fn agreement_form<'a>(
    partner: &'a str,
    from: &'a str,
    to: &'a str,
    out: &[&'a str],
    inb: &[&'a str],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![("partner", partner), ("in_force_from", from), ("in_force_to", to), ("template", partner)];
    form.extend(out.iter().map(|f| ("outbound", *f)));
    form.extend(inb.iter().map(|f| ("inbound", *f)));
    form
}

// R-IS-08
// Headquarters enters an agreement on the staff page (audited); a partner's query on a day
// inside it is taken. Ending it takes a confirmation step, then sets its last day to today
// (audited, the agreement kept): today's query is still taken, tomorrow's is refused and logged.
#[tokio::test]
async fn headquarters_enters_and_ends_an_agreement_and_queries_follow_it() {
    let (app, ident, _server) = TestApp::with_ident(4).await;
    app.staff("hq.one", Role::Headquarters, "NBC").await;
    let cookie = app.sign_in("hq.one").await;
    let now = app.clock.now();
    cpms::enroll(&app.db, &[new_person(31, d(1990, 3, 14), None)], now).await.unwrap();
    // Before any agreement, Australia is refused.
    assert_eq!(partner_query(&app, &ident, 31).await, 403);

    let every = ["18", "19", "20", "22", "24", "37", "201", "202", "203", "204", "207", "208", "209"];
    let form = agreement_form("AUS", "2026-11-01", "2026-11-30", &["18", "2.022"], &every);
    let (status, headers, page) = app.post_form("/staff/sharing/agreements", &cookie, &form).await;
    assert_eq!(status, 303, "{page}");
    let rows = agreement_rows(&app).await;
    assert_eq!(rows, vec![(rows[0].0, "AUS".to_owned(), d(2026, 11, 1), d(2026, 11, 30))]);
    let id = rows[0].0;
    assert_eq!(headers["location"], format!("/staff/sharing/agreements?entered={id}"));
    let stored = cpms::agreement_in_force(&app.db, "AUS", d(2026, 11, 2)).await.unwrap().unwrap();
    assert_eq!(stored.outbound_fields, vec![18, 22]);
    assert_eq!(stored.template, "AUS");
    let (status, _, page) = app.get(&format!("/staff/sharing/agreements?entered={id}"), &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("Agreement {id} is recorded.")) && page.contains("2026-11-30"), "{page}");
    assert_eq!(
        events(&app, "cpms.agreement.%").await,
        vec![("cpms.agreement.enter".into(), "hq.one".into(), "ok".into())]
    );

    assert_eq!(partner_query(&app, &ident, 31).await, 202);

    // Ending: the form, then the confirmation (nothing written yet), then the change.
    let end = format!("/staff/sharing/agreements/{id}/end");
    let (status, _, page) = app.get(&end, &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"2026-11-02\""), "today is filled in: {page}");
    let (status, _, page) = app.post_form(&end, &cookie, &[("last_day", "2026-11-02")]).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"confirm-end\"") && page.contains("until 2026-11-02 instead of 2026-11-30"), "{page}");
    assert_eq!(agreement_rows(&app).await[0].3, d(2026, 11, 30));
    let (status, headers, page) = app.post_form(&end, &cookie, &[("last_day", "2026-11-02"), ("confirm", "yes")]).await;
    assert_eq!(status, 303, "{page}");
    assert_eq!(headers["location"], format!("/staff/sharing/agreements?ended={id}"));
    assert_eq!(agreement_rows(&app).await, vec![(id, "AUS".to_owned(), d(2026, 11, 1), d(2026, 11, 2))]);
    let logged = events(&app, "cpms.agreement.%").await;
    assert_eq!(logged[1], ("cpms.agreement.end".into(), "hq.one".into(), "ok".into()));
    let detail: String = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE event = 'cpms.agreement.end'").fetch_one(pool).await.unwrap()
    });
    assert!(detail.contains("2026-11-02") && detail.contains("was 2026-11-30"), "{detail}");

    // Still in force today; tomorrow refused, stored and logged.
    assert_eq!(partner_query(&app, &ident, 31).await, 202);
    app.clock.advance(chrono::Duration::days(1));
    let refused_before: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'icts.query_refused'").fetch_one(pool).await.unwrap()
    });
    assert_eq!(partner_query(&app, &ident, 31).await, 403);
    let (refused, exchanges): (i64, i64) = cris::with_db!(&app.db, pool => {
        let r = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'icts.query_refused'").fetch_one(pool).await.unwrap();
        let e = sqlx::query_scalar("SELECT COUNT(*) FROM cpms_exchanges WHERE outcome = 'refused' AND reason LIKE '%2026-11-03%'").fetch_one(pool).await.unwrap();
        (r, e)
    });
    assert_eq!((refused - refused_before, exchanges), (1, 1));
    // An ended agreement cannot be ended again (a new session: a day has passed).
    let cookie = app.sign_in("hq.one").await;
    let (status, _, page) = app.post_form(&end, &cookie, &[("last_day", "2026-11-03"), ("confirm", "yes")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("already ended on 2026-11-02"), "{page}");
}

// R-IS-08
// Refused agreements come back on the page with the message beside each field and in the
// summary and every value as typed, and nothing is written: the last day before the first, no
// field one way, a field the templates do not know, an unknown partner, days overlapping
// another agreement of the partner. Ending in the past or later than the current end is refused.
#[tokio::test]
async fn refused_agreements_keep_what_was_typed_and_write_nothing() {
    let app = TestApp::new().await;
    app.staff("hq.two", Role::Headquarters, "NBC").await;
    let cookie = app.sign_in("hq.two").await;
    let existing = cpms::record_agreement(&app.db, &agreement("CAN", d(2026, 1, 1), d(2026, 12, 31))).await.unwrap();
    // (the form, the id of the message, its words)
    let cases: Vec<(Form, &str, &str)> = vec![
        (
            agreement_form("AUS", "2027-03-01", "2027-02-01", &["18"], &["18"]),
            "in_force_to-error",
            "The last day in force cannot be before the first.",
        ),
        (
            agreement_form("AUS", "2027-01-01", "2027-12-31", &[], &["18"]),
            "outbound-error",
            "Choose at least one field.",
        ),
        (
            agreement_form("AUS", "2027-01-01", "2027-12-31", &["18", "2.999"], &["18"]),
            "outbound-error",
            "2.999 is not a Type-2 field the request templates know.",
        ),
        (
            agreement_form("FRA", "2027-01-01", "2027-12-31", &["18"], &["18"]),
            "partner-error",
            "Choose one of the partners",
        ),
        (
            agreement_form("CAN", "2026-12-01", "2027-12-31", &["18"], &["22"]),
            "in_force_from-error",
            "the days overlap",
        ),
        (agreement_form("AUS", "31.01.2027", "2027-12-31", &["18"], &["18"]), "in_force_from-error", "YYYY-MM-DD"),
    ];
    for (form, id, message) in &cases {
        let (status, _, page) = app.post_form("/staff/sharing/agreements", &cookie, form).await;
        assert_eq!(status, 422, "{form:?}: {page}");
        assert!(page.contains(&format!("id=\"{id}\"")) && page.contains(message), "{form:?}: {page}");
        assert!(page.contains("id=\"errors\""), "the summary: {page}");
        for (name, value) in form.iter().filter(|(n, _)| n.starts_with("in_force")) {
            assert!(page.contains(&format!("name=\"{name}\" value=\"{value}\"")), "{name} kept: {page}");
        }
        for (_, f) in form.iter().filter(|(n, _)| *n == "inbound") {
            assert!(page.contains(&format!("value=\"{f}\" checked")), "inbound {f} kept: {page}");
        }
    }
    assert_eq!(agreement_rows(&app).await.len(), 1);
    assert!(events(&app, "cpms.agreement.%").await.is_empty());

    let end = format!("/staff/sharing/agreements/{existing}/end");
    for (day, message) in [
        ("2026-11-01", "An agreement cannot be ended in the past: choose 2026-11-02 or a later day."),
        ("2027-01-01", "The last day cannot be after its current last day, 2026-12-31."),
        ("soon", "YYYY-MM-DD"),
    ] {
        for confirm in ["", "yes"] {
            let (status, _, page) = app.post_form(&end, &cookie, &[("last_day", day), ("confirm", confirm)]).await;
            assert_eq!(status, 422, "{day}: {page}");
            assert!(page.contains(message) && page.contains(&format!("value=\"{day}\"")), "{day}: {page}");
        }
    }
    assert_eq!(agreement_rows(&app).await[0].3, d(2026, 12, 31));
    assert!(events(&app, "cpms.agreement.%").await.is_empty());
    // No such agreement.
    assert_eq!(app.get("/staff/sharing/agreements/999/end", &[("cookie", &cookie)]).await.0, 404);
}

// R-IS-08
// R-AU-01
// R-AU-07
// Only headquarters enters and ends agreements: an international analyst reads the list (no form,
// no end link) and is refused the form's post and the end, logged and alerted; seeds and tests go
// through the same rules (an overlapping agreement is refused).
#[tokio::test]
async fn only_headquarters_enters_and_ends_agreements() {
    let app = TestApp::new().await;
    let id = cpms::record_agreement(&app.db, &agreement("CAN", d(2026, 1, 1), d(2026, 12, 31))).await.unwrap();
    let overlapping = cpms::record_agreement(&app.db, &agreement("CAN", d(2026, 6, 1), d(2027, 12, 31))).await;
    assert!(matches!(&overlapping, Err(ServiceError::Invalid(e)) if e.field == "in_force_from"), "{overlapping:?}");
    app.staff("ia.one", Role::InternationalAnalyst, "NBC").await;
    let cookie = app.sign_in("ia.one").await;
    let (status, _, page) = app.get("/staff/sharing/agreements", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("id=\"agreements\"") && !page.contains("agreement-form") && !page.contains("/end\""),
        "{page}"
    );
    let form = agreement_form("AUS", "2027-01-01", "2027-12-31", &["18"], &["18"]);
    assert_eq!(app.post_form("/staff/sharing/agreements", &cookie, &form).await.0, 403);
    let end = format!("/staff/sharing/agreements/{id}/end");
    assert_eq!(app.get(&end, &[("cookie", &cookie)]).await.0, 403);
    assert_eq!(app.post_form(&end, &cookie, &[("last_day", "2026-11-02"), ("confirm", "yes")]).await.0, 403);
    assert_eq!(agreement_rows(&app).await, vec![(id, "CAN".to_owned(), d(2026, 1, 1), d(2026, 12, 31))]);
    let denied: Vec<(String, String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT event, record, username FROM audit_log WHERE outcome = 'denied' ORDER BY id").fetch_all(pool).await.unwrap()
    });
    assert_eq!(denied.len(), 3, "{denied:?}");
    assert!(denied.iter().all(|(e, r, u)| e == "access.denied" && r == "cpms.agreements.manage" && u == "ia.one"));
    let alerts: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(occurrences), 0) AS BIGINT) FROM security_alerts WHERE kind = 'permission_denied'").fetch_one(pool).await.unwrap()
    });
    assert_eq!(alerts, 3);
}

// R-IS-08
// Two overlapping agreements for the same partner recorded at the same moment take turns: one is
// recorded, the other refused for the overlap, so exactly one agreement governs each day.
#[tokio::test]
async fn overlapping_agreements_recorded_at_once_leave_one() {
    let app = TestApp::new().await;
    let (a, b) = (agreement("CAN", d(2026, 1, 1), d(2026, 12, 31)), agreement("CAN", d(2026, 6, 1), d(2027, 12, 31)));
    for _ in 0..5 {
        let (ra, rb) = tokio::join!(cpms::record_agreement(&app.db, &a), cpms::record_agreement(&app.db, &b));
        assert!(ra.is_ok() != rb.is_ok(), "exactly one is recorded: {ra:?} {rb:?}");
        let refused = if ra.is_ok() { rb } else { ra };
        assert!(matches!(&refused, Err(ServiceError::Invalid(e)) if e.field == "in_force_from"), "{refused:?}");
        let rows = agreement_rows(&app).await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        cris::with_db!(&app.db, pool => {
            sqlx::query("DELETE FROM cpms_agreements").execute(pool).await.unwrap();
        });
    }
}
