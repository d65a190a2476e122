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

async fn case(app: &TestApp, receipt: &str, form: &str) {
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

    let found = cpms::match_inbound(&app.db, &probe(8)).await.unwrap();
    assert_eq!(found.person, Some(ids[7]));
    assert!(!found.is_protected() && found.score > 0);

    let found = cpms::match_inbound(&app.db, &probe(17)).await.unwrap();
    assert_eq!((found.person, found.protected), (Some(ids[16]), Some(ProtectedClass::Asylum)));

    let found = cpms::match_inbound(&app.db, &probe(5000)).await.unwrap();
    assert_eq!(found.person, None);
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
