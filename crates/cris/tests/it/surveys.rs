//! Satisfaction surveys: invitations once and one reminder only to those who neither answered nor
//! opted out, opt-outs kept as keyed hashes and checked before every invitation, answers that
//! cannot be joined to invitations, single-use tokens, expiry, and reports that hide small groups.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, TimeZone, Utc};
use cris::kernel::access::{Actor, Role};
use cris::surveys::model::{QuestionForm, SurveyForm};
use cris::surveys::service;

use crate::support::{Customer, TestApp, actor_of as actor, link_param};

async fn hq(app: &TestApp) -> Actor {
    app.actor("hq.surveys", Role::Headquarters, "NBC").await
}

fn survey_form(expires: &str) -> SurveyForm {
    SurveyForm {
        title_en: "Your visit to a USCIS office".into(),
        title_es: "Su visita a una oficina de USCIS".into(),
        omb_number: "1615-0122".into(),
        expires_on: expires.into(),
        burden_minutes: "5".into(),
        offices: String::new(),
        services: String::new(),
        questions: vec![
            QuestionForm {
                kind: "scale".into(),
                text_en: "The officer answered my questions.".into(),
                text_es: "El oficial respondió mis preguntas.".into(),
                ..Default::default()
            },
            QuestionForm {
                kind: "choice".into(),
                text_en: "How did you book?".into(),
                text_es: "¿Cómo reservó su cita?".into(),
                choices_en: "Online\nKiosk\nBy phone".into(),
                choices_es: "En línea\nQuiosco\nPor teléfono".into(),
            },
            QuestionForm {
                kind: "text".into(),
                text_en: "What could we do better?".into(),
                text_es: "¿Qué podríamos mejorar?".into(),
                ..Default::default()
            },
        ],
    }
}

pub(crate) async fn create_survey(app: &TestApp, expires: &str) -> i64 {
    let a = hq(app).await;
    service::create(&app.db, &app.catalog, &a, app.clock.now(), &survey_form(expires)).await.unwrap().unwrap()
}

/// An appointment (as the booking would store it) at `office`, starting at `starts` (UTC).
pub(crate) async fn appointment(
    app: &TestApp,
    n: i64,
    office: &str,
    starts: DateTime<Utc>,
    email: Option<&str>,
    lang: &str,
) -> i64 {
    let c = Customer {
        confirmation: format!("SVY{n:07}"),
        office,
        starts,
        first_name: "Ana",
        phone: "+12125550100".into(),
        email,
        lang,
    };
    app.appointment_row(&c).await
}

/// The survey emails queued: (appointment, recipient, subject, body), in queue order.
async fn survey_mail(app: &TestApp) -> Vec<(i64, String, String, String)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT appointment_id, recipient, subject, body FROM outbox WHERE body LIKE '%/survey?%' ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    })
}

/// The token of the survey link in a body.
fn token_of(body: &str) -> String {
    link_param(body, "t")
}

/// The opt-out hash of the link in a body.
fn opt_out_of(body: &str) -> String {
    link_param(body, "o")
}

fn answers(token: &str, scale: i32, choice: i32, text: &str) -> Vec<(String, String)> {
    vec![
        ("t".into(), token.into()),
        ("q1".into(), scale.to_string()),
        ("q2".into(), choice.to_string()),
        ("q3".into(), text.into()),
    ]
}

fn day(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

// R-SV-01: a customer with an email address is invited once after the appointment day has
// passed (or the lobby closed the visit), in their language, with the purpose, how long it
// takes, the link and the opt-out; customers without an address, and appointments still to
// come, are not.
// R-SV-02: four days later, one reminder goes only to those who neither answered nor opted out,
// and nothing after it.
#[tokio::test]
async fn invited_once_reminded_once_only_if_not_answered() {
    let app = TestApp::new().await;
    create_survey(&app, "2027-09-30").await;
    let now = app.clock.now();
    let a = appointment(&app, 1, "NYC", day(2026, 10, 30, 14), Some("ann@example.com"), "en").await;
    let b = appointment(&app, 2, "NYC", day(2026, 10, 30, 15), Some("beto@example.com"), "es").await;
    appointment(&app, 3, "NYC", day(2026, 10, 30, 16), None, "en").await;
    let today = appointment(&app, 4, "NYC", day(2026, 11, 2, 14), Some("later@example.com"), "en").await;
    let key = app.state.token_key().clone();
    let url = app.state.public_url().to_owned();

    let r = service::run_invitations(&app.db, &key, &url, now).await.unwrap();
    assert_eq!(r.invited, 2);
    let mail = survey_mail(&app).await;
    assert_eq!(mail.iter().map(|m| m.0).collect::<Vec<_>>(), vec![a, b]);
    assert!(mail[0].2.starts_with("How was your USCIS visit?"), "{}", mail[0].2);
    assert!(mail[0].3.contains("about 5 minutes") && mail[0].3.contains("/survey/opt-out?lang=en&o="), "{}", mail[0].3);
    assert!(mail[1].2.starts_with("¿Cómo fue su visita a USCIS?"), "{}", mail[1].2);
    assert!(mail[1].3.contains("?lang=es&t="), "{}", mail[1].3);
    // Run again, the same day and the next: nobody is invited twice.
    assert_eq!(service::run_invitations(&app.db, &key, &url, now).await.unwrap().invited, 0);
    assert_eq!(service::run_invitations(&app.db, &key, &url, now + Duration::hours(20)).await.unwrap().invited, 0);

    // The lobby closes today's visit: it is invited without waiting for the day to pass.
    cris::with_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO lobby_tickets (office_code, day, number, label, service, booked, appointment_id, party, status, priority_at, arrived_at) \
             VALUES ('NYC', '2026-11-02', 1, 'A001', 'information', 1, $1, 1, 'done', $2, $2)",
        )
        .bind(today)
        .bind(now)
        .execute(pool)
        .await
        .unwrap();
    });
    assert_eq!(service::run_invitations(&app.db, &key, &url, now + Duration::hours(21)).await.unwrap().invited, 1);

    // Ann answers; Beto does not.
    service::answer(&app.db, &token_of(&mail[0].3), &answers(&token_of(&mail[0].3), 4, 0, ""), now + Duration::days(1))
        .await
        .unwrap();
    let r = service::run_invitations(&app.db, &key, &url, now + Duration::days(3)).await.unwrap();
    assert_eq!(r.reminded, 0, "not before four days");
    let r = service::run_invitations(&app.db, &key, &url, now + Duration::days(4)).await.unwrap();
    assert_eq!((r.reminded, r.answered), (1, 1));
    let mail = survey_mail(&app).await;
    let reminders: Vec<_> = mail.iter().filter(|m| m.2.contains("Recordatorio") || m.2.contains("Reminder")).collect();
    assert_eq!(reminders.len(), 1);
    assert_eq!((reminders[0].0, reminders[0].1.as_str()), (b, "beto@example.com"));
    assert!(reminders[0].2.starts_with("Recordatorio"), "in Beto's language");
    // The reminder's link works (the first one no longer does); nothing more is ever sent.
    let fresh = token_of(&reminders[0].3);
    assert!(service::open(&app.db, &fresh, (now + Duration::days(4)).date_naive()).await.is_ok());
    assert!(service::open(&app.db, &token_of(&mail[1].3), (now + Duration::days(4)).date_naive()).await.is_err());
    // The visit the lobby closed was invited a day later: its reminder comes a day later too.
    let r = service::run_invitations(&app.db, &key, &url, now + Duration::days(5)).await.unwrap();
    assert_eq!((r.invited, r.reminded), (0, 1));
    assert_eq!(survey_mail(&app).await.last().unwrap().0, today);
    for later in [6, 8, 30] {
        let r = service::run_invitations(&app.db, &key, &url, now + Duration::days(later)).await.unwrap();
        assert_eq!((r.invited, r.reminded), (0, 0), "day {later}");
    }
    assert_eq!(survey_mail(&app).await.len(), 5, "three invitations, two reminders, nothing more");
}

// R-SV-04: an opt-out, from the email's link or at the desk, stops the next invitation (of any
// survey) to that address, whatever its case; the list holds hashes, no address.
#[tokio::test]
async fn opt_out_stops_the_next_invitation() {
    let app = TestApp::new().await;
    create_survey(&app, "2027-09-30").await;
    let now = app.clock.now();
    let key = app.state.token_key().clone();
    let url = app.state.public_url().to_owned();
    appointment(&app, 1, "NYC", day(2026, 10, 20, 14), Some("ann@example.com"), "en").await;
    service::run_invitations(&app.db, &key, &url, now - Duration::days(10)).await.unwrap();
    let mail = survey_mail(&app).await;
    assert_eq!(mail.len(), 1);

    // The one-click link: a page with one button, which records the opt-out.
    let o = opt_out_of(&mail[0].3);
    let (status, _, page) = app.get(&format!("/survey/opt-out?lang=en&o={o}"), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("opt-out-confirm"));
    let (status, _, page) = app
        .request("POST", "/survey/opt-out", &[("content-type", "application/x-www-form-urlencoded")], &format!("o={o}"))
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("You will not be asked again"));
    // A forged link is refused.
    let (status, ..) = app
        .request(
            "POST",
            "/survey/opt-out",
            &[("content-type", "application/x-www-form-urlencoded")],
            "o=ann%40example.com",
        )
        .await;
    assert_eq!(status, 422);

    // The desk records Carla's opt-out (reception).
    let rid = app.staff("desk.nyc", Role::Reception, "NYC").await;
    let desk = actor(&app, rid, "desk.nyc", Role::Reception, "NYC");
    service::opt_out_at_desk(&app.db, &app.catalog, &key, &desk, now, &"Carla@Example.com".parse().unwrap())
        .await
        .unwrap();
    let hq = actor(&app, 1, "hq.surveys", Role::Headquarters, "NBC");
    assert!(matches!(
        service::opt_out_at_desk(&app.db, &app.catalog, &key, &hq, now, &"x@example.com".parse().unwrap()).await,
        Err(cris::staff::service::StaffError::Denied(_))
    ));

    // Their next visits, and Dan's, who did not opt out.
    appointment(&app, 2, "NYC", day(2026, 10, 30, 14), Some("ANN@example.com"), "en").await;
    appointment(&app, 3, "LOS", day(2026, 10, 30, 18), Some("carla@example.com"), "es").await;
    let dan = appointment(&app, 4, "NYC", day(2026, 10, 30, 15), Some("dan@example.com"), "en").await;
    let r = service::run_invitations(&app.db, &key, &url, now).await.unwrap();
    assert_eq!(r.invited, 1);
    assert_eq!(survey_mail(&app).await.last().unwrap().0, dan);

    // No address in clear on the list; the desk's act is audited without it.
    let listed: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT email_hash FROM survey_opt_outs").fetch_all(pool).await.unwrap()
    });
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|h| h.len() == 64 && !h.contains('@')));
    let audit: Vec<String> = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE event = 'surveys.opt_out'").fetch_all(pool).await.unwrap()
    });
    assert_eq!(audit, vec!["desk".to_owned()]);
}

// R-SV-03: the token is single use: the answer burns it in the transaction that stores the
// answers, and a second answer with it is refused (by the page too); an expired survey neither
// opens nor takes answers, and stops inviting.
#[tokio::test]
async fn a_token_answers_once_and_an_expired_survey_refuses() {
    let app = TestApp::new().await;
    create_survey(&app, "2026-11-10").await;
    let now = app.clock.now();
    let key = app.state.token_key().clone();
    let url = app.state.public_url().to_owned();
    appointment(&app, 1, "NYC", day(2026, 10, 30, 14), Some("ann@example.com"), "en").await;
    appointment(&app, 2, "NYC", day(2026, 10, 30, 15), Some("beto@example.com"), "es").await;
    service::run_invitations(&app.db, &key, &url, now).await.unwrap();
    let mail = survey_mail(&app).await;
    let (t1, t2) = (token_of(&mail[0].3), token_of(&mail[1].3));

    let (status, _, page) = app.get(&format!("/survey?lang=en&t={t1}"), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("1615-0122") && page.contains("Paperwork Reduction Act"), "PRA statement");
    let form = serde_urlencoded::to_string(answers(&t1, 5, 1, "Quick and kind.")).unwrap();
    let ct = [("content-type", "application/x-www-form-urlencoded")];
    let (status, headers, page) = app.request("POST", "/survey", &ct, &form).await;
    assert_eq!(status, 200, "{page}");
    assert!(headers.get("set-cookie").is_none(), "the survey sets no cookie");
    let (status, _, page) = app.request("POST", "/survey", &ct, &form).await;
    assert_eq!(status, 410);
    assert!(page.contains("already used"));
    let (status, ..) = app.get(&format!("/survey?t={t1}"), &[]).await;
    assert_eq!(status, 410);
    let stored: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM survey_responses").fetch_one(pool).await.unwrap()
    });
    assert_eq!(stored, 1);
    // An answer outside the choices stores nothing and keeps the token.
    let bad = serde_urlencoded::to_string(answers(&t2, 9, 1, "")).unwrap();
    assert_eq!(app.request("POST", "/survey", &ct, &bad).await.0, 422);
    assert!(service::open(&app.db, &t2, now.date_naive()).await.is_ok());

    // After the expiry: Beto's link no longer opens, his answer is refused, nobody new is invited.
    app.clock.advance(Duration::days(9));
    let (status, _, page) = app.get(&format!("/survey?lang=es&t={t2}"), &[]).await;
    assert_eq!(status, 410);
    assert!(page.contains("Esta encuesta terminó"));
    let good = serde_urlencoded::to_string(answers(&t2, 3, 0, "")).unwrap();
    assert_eq!(app.request("POST", "/survey", &ct, &good).await.0, 410);
    appointment(&app, 3, "NYC", day(2026, 11, 9, 14), Some("carla@example.com"), "en").await;
    assert_eq!(service::run_invitations(&app.db, &key, &url, app.clock.now()).await.unwrap().invited, 0);
}

fn random_hash(token: &str) -> String {
    cris::kernel::random::sha256_hex(token.as_bytes())
}

/// A log sink shared with the subscriber of one test.
#[derive(Clone, Default)]
struct LogBuf(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The share of pairs two orders agree on, among pairs the first does not tie: 0.5 is chance.
fn concordance(by_column: &[String], truth: &[usize]) -> Option<f64> {
    let (mut agree, mut pairs) = (0u64, 0u64);
    for i in 0..by_column.len() {
        for j in i + 1..by_column.len() {
            if by_column[i] == by_column[j] {
                continue;
            }
            pairs += 1;
            if (by_column[i] < by_column[j]) == (truth[i] < truth[j]) {
                agree += 1;
            }
        }
    }
    (pairs > 0).then(|| agree as f64 / pairs as f64)
}

/// The invitation rows as text (on PostgreSQL with the row version, `xmin`, which a transaction
/// that touched them would change).
async fn invitation_rows(app: &TestApp) -> Vec<String> {
    let sql = if crate::support::engine() == "postgres" {
        "SELECT CONCAT_WS('|', xmin::text, appointment_id, survey_id, appointment_day, invited_on, reminded, answered, opted_out) \
         FROM survey_invitations ORDER BY appointment_id"
    } else {
        "SELECT appointment_id || '|' || survey_id || '|' || appointment_day || '|' || invited_on || '|' || reminded || '|' || answered || '|' || opted_out \
         FROM survey_invitations ORDER BY appointment_id"
    };
    cris::with_db!(&app.db, pool => { sqlx::query_scalar(sql).fetch_all(pool).await.unwrap() })
}

// R-SV-03: 200 customers answer in a random order. Afterwards nothing in the database or the
// server's log orders or matches the answers to the invitations better than chance: the
// invitation rows (and on PostgreSQL their row versions) are exactly as before the first answer,
// the tokens are gone, every column of the answers is tied or in an order that agrees with
// neither the answering order nor the invitation order more than chance allows, no answer holds
// a value of an invitation, and no log line holds a token, an address or a link's query.
#[tokio::test]
async fn answers_cannot_be_joined_to_invitations() {
    use tracing::instrument::WithSubscriber;
    let app = TestApp::new().await;
    create_survey(&app, "2027-09-30").await;
    let now = app.clock.now();
    let key = app.state.token_key().clone();
    let url = app.state.public_url().to_owned();
    for n in 0..200 {
        let office = if n % 2 == 0 { "NYC" } else { "LOS" };
        appointment(
            &app,
            n,
            office,
            day(2026, 10, 30, 14) + Duration::minutes(n),
            Some(&format!("c{n}@example.com")),
            "en",
        )
        .await;
    }
    assert_eq!(service::run_invitations(&app.db, &key, &url, now).await.unwrap().invited, 200);
    let mail = survey_mail(&app).await;
    let before = invitation_rows(&app).await;

    // A fixed shuffle (SplitMix64), so a failure can be replayed.
    let mut order: Vec<usize> = (0..200).collect();
    let mut s: u64 = 0x5eed_2026;
    for i in (1..order.len()).rev() {
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        order.swap(i, (z % (i as u64 + 1)) as usize);
    }
    let logs = LogBuf::default();
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let ct = [("content-type", "application/x-www-form-urlencoded")];
    async {
        for (rank, &invitee) in order.iter().enumerate() {
            let token = token_of(&mail[invitee].3);
            // Each customer marks their text, so the test (not the database) knows whose it is.
            let form =
                serde_urlencoded::to_string(answers(&token, (rank % 5) as i32 + 1, 0, &format!("marker {invitee}")))
                    .unwrap();
            let (status, _, page) = app.get(&format!("/survey?lang=en&t={token}"), &[]).await;
            assert_eq!(status, 200, "{page}");
            let (status, _, page) = app.request("POST", "/survey", &ct, &form).await;
            assert_eq!(status, 200, "{page}");
            app.clock.advance(Duration::seconds(37));
        }
    }
    .with_subscriber(subscriber)
    .await;

    assert_eq!(invitation_rows(&app).await, before, "answering changed no invitation row");
    let tokens: i64 = cris::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM survey_tokens").fetch_one(pool).await.unwrap()
    });
    assert_eq!(tokens, 0);

    // Every column of the answers, against the answering order and the invitation order.
    type Row = (String, i64, String, String, i32, Option<i32>, Option<i32>, Option<String>);
    let rows: Vec<Row> = cris::with_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT r.id, r.survey_id, r.office_code, r.iso_week, a.position, a.scale, a.choice, a.text \
             FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    let mut by_response: HashMap<String, (String, i64, String, String)> = HashMap::new();
    let mut invitee_of: HashMap<String, usize> = HashMap::new();
    for r in &rows {
        by_response.insert(r.0.clone(), (r.0.clone(), r.1, r.2.clone(), r.3.clone()));
        if let Some(t) = r.7.as_deref().and_then(|t| t.strip_prefix("marker ")) {
            invitee_of.insert(r.0.clone(), t.parse().unwrap());
        }
    }
    assert_eq!(by_response.len(), 200);
    let rank_of: HashMap<usize, usize> = order.iter().enumerate().map(|(rank, &i)| (i, rank)).collect();
    let responses: Vec<&(String, i64, String, String)> = by_response.values().collect();
    let answered_rank: Vec<usize> = responses.iter().map(|r| rank_of[&invitee_of[&r.0]]).collect();
    let invited_rank: Vec<usize> = responses.iter().map(|r| invitee_of[&r.0]).collect();
    let columns: [(&str, Vec<String>); 4] = [
        ("id", responses.iter().map(|r| r.0.clone()).collect()),
        ("survey_id", responses.iter().map(|r| r.1.to_string()).collect()),
        ("office_code", responses.iter().map(|r| r.2.clone()).collect()),
        ("iso_week", responses.iter().map(|r| r.3.clone()).collect()),
    ];
    for (name, values) in &columns {
        for (what, truth) in [("answering", &answered_rank), ("invitation", &invited_rank)] {
            if let Some(c) = concordance(values, truth) {
                // 200 answers: chance is 0.5 with a spread of about 0.03 (office: two values).
                assert!((0.4..=0.6).contains(&c), "{name} follows the {what} order ({c:.3})");
            }
        }
    }
    // The order in which the database hands back the rows is no better.
    let stored: Vec<String> = (0..responses.len()).map(|i| format!("{i:05}")).collect();
    let returned_rank: Vec<usize> = rows.iter().filter(|r| r.4 == 1).map(|r| rank_of[&invitee_of[&r.0]]).collect();
    let returned_invitee: Vec<usize> = rows.iter().filter(|r| r.4 == 1).map(|r| invitee_of[&r.0]).collect();
    if let Some(c) = concordance(&stored, &returned_invitee) {
        assert!((0.4..=0.6).contains(&c), "storage order follows the invitation order ({c:.3})");
    }
    // SQLite keeps the answers in the order of their random keys. PostgreSQL's heap keeps
    // insertion order, which is the answering order; with nothing on the invitation side that
    // records when (or whether) it was answered, that order matches nothing.
    if crate::support::engine() == "sqlite" {
        let c = concordance(&stored, &returned_rank).unwrap();
        assert!((0.4..=0.6).contains(&c), "storage order follows the answering order ({c:.3})");
    }
    // No answer carries a value of the invitations: appointment ids, tokens, hashes, addresses.
    let invitation_values: Vec<String> =
        mail.iter().flat_map(|m| [m.0.to_string(), token_of(&m.3), opt_out_of(&m.3), m.1.clone()]).collect();
    for r in &rows {
        for v in [&r.0, &r.2, &r.3] {
            assert!(!invitation_values.contains(v), "an answer holds {v}");
        }
    }
    // The log: the requests are there (so the test saw them), but no token, address or query.
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("/survey"), "the requests were logged");
    for m in &mail {
        for secret in [token_of(&m.3), random_hash(&token_of(&m.3)), opt_out_of(&m.3), m.1.clone()] {
            assert!(!text.contains(&secret), "a log line holds {secret}");
        }
    }
    let query = text.lines().find(|l| l.contains("&t=") || l.contains("?lang=")).unwrap_or_default();
    assert!(query.is_empty(), "a log line holds a query: {query}");
}

// R-SV-06: a report shows nothing for a group of fewer than 5 answers ("fewer than 5"), on the
// page and in the CSV; from 5 on, counts per question with a titled SVG chart, its table, and
// the free text; filtering on an office with fewer than 5 hides it again.
#[tokio::test]
async fn reports_hide_groups_under_five() {
    let app = TestApp::new().await;
    let id = create_survey(&app, "2027-09-30").await;
    let now = app.clock.now();
    let key = app.state.token_key().clone();
    let url = app.state.public_url().to_owned();
    for n in 0..6 {
        let office = if n < 5 { "NYC" } else { "LOS" };
        appointment(&app, n, office, day(2026, 10, 30, 14), Some(&format!("r{n}@example.com")), "en").await;
    }
    service::run_invitations(&app.db, &key, &url, now).await.unwrap();
    let mail = survey_mail(&app).await;
    app.staff("hq.reports", Role::Headquarters, "NBC").await;
    let cookie = app.sign_in("hq.reports").await;
    let report = format!("/staff/surveys/{id}/report");
    for (i, m) in mail.iter().enumerate().take(4) {
        let t = token_of(&m.3);
        service::answer(&app.db, &t, &answers(&t, 4, 1, &format!("Comment {i}")), now).await.unwrap();
    }
    let (status, _, page) = app.get(&report, &[("cookie", &cookie)]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("report-suppressed") && page.contains("Fewer than 5"));
    assert!(!page.contains("Comment 0") && !page.contains("<svg"));
    let (_, _, csv) = app.get(&format!("{report}.csv"), &[("cookie", &cookie)]).await;
    assert!(csv.contains("fewer than 5"), "{csv}");

    let t = token_of(&mail[4].3);
    service::answer(&app.db, &t, &answers(&t, 2, 0, "Comment 4"), now).await.unwrap();
    let (_, _, page) = app.get(&report, &[("cookie", &cookie)]).await;
    assert!(page.contains("5 responses"), "{page}");
    assert!(page.contains("<svg") && page.contains("<title id=\"chart-q1-title\">"));
    assert!(page.contains("id=\"table-q1\"") && page.contains("Comment 4"));
    let (_, headers, csv) = app.get(&format!("{report}.csv"), &[("cookie", &cookie)]).await;
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.contains("\"1. The officer answered my questions.\",\"4\",\"4\""), "{csv}");
    assert!(csv.contains("\"2. How did you book?\",\"Kiosk\",\"4\""), "{csv}");

    // Los Angeles alone has one answer: hidden.
    let t = token_of(&mail[5].3);
    service::answer(&app.db, &t, &answers(&t, 1, 2, "Only one here"), now).await.unwrap();
    let (_, _, page) = app.get(&format!("{report}?office=LOS"), &[("cookie", &cookie)]).await;
    assert!(page.contains("report-suppressed") && !page.contains("Only one here"));
    let (_, _, page) = app.get(&report, &[("cookie", &cookie)]).await;
    assert!(page.contains("6 responses") && page.contains("Only one here"));
}

// R-SV-01: the demo data holds one active survey, so the demo invites after visits.
#[tokio::test]
async fn the_demo_has_one_active_survey() {
    let app = TestApp::with_demo(10).await;
    let surveys = cris::surveys::store::surveys(&app.db, Some(app.clock.now().date_naive())).await.unwrap();
    assert_eq!(surveys.len(), 1);
    assert_eq!(surveys[0].questions.len(), 4);
    // Loading the extras again adds none.
    cris::seed::demo_extras(&app.db, &app.catalog, app.clock.now().date_naive(), app.clock.now()).await.unwrap();
    assert_eq!(cris::surveys::store::surveys(&app.db, None).await.unwrap().len(), 1);
}

// R-SV-03: invitations go with the appointment: deleting the appointment deletes its invitation
// and token, and the retention engine's batch purge removes those of appointments before a day,
// a batch at a time, leaving later ones and every answer.
#[tokio::test]
async fn invitations_are_purged_with_their_appointments() {
    let app = TestApp::new().await;
    create_survey(&app, "2027-09-30").await;
    let now = app.clock.now();
    let key = app.state.token_key().clone();
    let url = app.state.public_url().to_owned();
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            appointment(&app, n, "NYC", day(2026, 10, 20 + n as u32, 14), Some(&format!("p{n}@example.com")), "en")
                .await,
        );
    }
    assert_eq!(service::run_invitations(&app.db, &key, &url, now).await.unwrap().invited, 5);
    let t = token_of(&survey_mail(&app).await[0].3);
    service::answer(&app.db, &t, &answers(&t, 5, 0, ""), now).await.unwrap();
    let count = |table: &'static str| {
        let db = app.db.clone();
        async move {
            let sql = match table {
                "i" => "SELECT COUNT(*) FROM survey_invitations",
                "t" => "SELECT COUNT(*) FROM survey_tokens",
                _ => "SELECT COUNT(*) FROM survey_responses",
            };
            let n: i64 = cris::with_db!(&db, pool => { sqlx::query_scalar(sql).fetch_one(pool).await.unwrap() });
            n
        }
    };
    cris::with_db!(&app.db, pool => {
        sqlx::query("DELETE FROM appointments WHERE id = $1").bind(ids[4]).execute(pool).await.unwrap();
    });
    assert_eq!((count("i").await, count("t").await), (4, 3));
    let before = chrono::NaiveDate::from_ymd_opt(2026, 10, 23).unwrap();
    assert_eq!(service::purge_invitations_before(&app.db, before, 2).await.unwrap(), 2);
    assert_eq!(service::purge_invitations_before(&app.db, before, 2).await.unwrap(), 1);
    assert_eq!(service::purge_invitations_before(&app.db, before, 2).await.unwrap(), 0);
    assert_eq!((count("i").await, count("t").await, count("r").await), (1, 1, 1));
}

// R-SV-03: the invitation's single-use link does not outlive the sending of its email: once
// sent, the outbox row keeps neither the body with the token nor the address (the email went,
// as the SMTP listener shows); other messages keep their body as before.
#[tokio::test]
async fn the_invitation_link_does_not_outlive_its_sending() {
    let app = TestApp::new().await;
    create_survey(&app, "2027-09-30").await;
    let now = app.clock.now();
    let key = app.state.token_key().clone();
    let url = app.state.public_url().to_owned();
    appointment(&app, 1, "NYC", day(2026, 10, 30, 14), Some("ann@example.com"), "en").await;
    service::run_invitations(&app.db, &key, &url, now).await.unwrap();
    let mail = survey_mail(&app).await;
    assert_eq!(mail.len(), 1);
    let token = token_of(&mail[0].3);
    let other = cris::notify::Message {
        channel: cris::notify::Channel::Email,
        recipient: "staff@cris.test".into(),
        subject: "Ordinary".into(),
        body: "An ordinary message".into(),
        customer_id: None,
        appointment_id: None,
        attachment: None,
    };
    let mut tx = app.db.begin().await.unwrap();
    cris::notify::enqueue(&mut tx, now, &other).await.unwrap();
    tx.commit().await.unwrap();

    let sink = crate::support::SmtpSink::start().await;
    let mailer = cris::notify::Mailer::new(&sink.url, "CRIS <alerts@cris.test>").unwrap();
    let round = cris::notify::deliver_due(&app.db, &mailer, now, 10).await.unwrap();
    assert_eq!(round.sent, 2);
    let received = sink.received();
    let sent = received.iter().find(|(to, _)| to.iter().any(|t| t.contains("ann@example.com"))).unwrap();
    assert!(
        sent.1.replace("=\r\n", "").replace("=\n", "").contains(token.get(..20).unwrap()),
        "the email carried the link"
    );
    let rows: Vec<(String, String, String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT status, recipient, subject, body FROM outbox ORDER BY id").fetch_all(pool).await.unwrap()
    });
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].0.as_str(), rows[0].1.as_str(), rows[0].3.as_str()), ("sent", "", ""));
    assert!(rows[0].2.starts_with("How was your USCIS visit?"), "the subject, without the token, stays");
    assert_eq!((rows[1].1.as_str(), rows[1].3.as_str()), ("staff@cris.test", "An ordinary message"));
    assert!(crate::infopass::every_row(&app.db).await.iter().all(|r| !r.contains(&token)), "the token is nowhere");
    // The link itself still works: the token's hash lives in its own table until answered.
    assert!(service::open(&app.db, &token, now.date_naive()).await.is_ok());
}

// Issue 17 point 11: a refused new survey comes back as typed (422), each message beside its
// field and linked from the summary; markup is kept as text.
// R-SV-01
#[tokio::test]
async fn a_refused_new_survey_keeps_the_text_and_says_why_beside_each_field() {
    let app = TestApp::new().await;
    app.staff("hq.form", Role::Headquarters, "NBC").await;
    let cookie = app.sign_in("hq.form").await;
    let form = [
        ("title_en", "Visits <b>& waits"),
        ("title_es", ""),
        ("omb_number", "1615-0122"),
        ("expires_on", "not a date"),
        ("burden_minutes", "5"),
        ("offices", ""),
        ("services", ""),
        ("q1_kind", "text"),
        ("q1_text_en", "Anything <else>?"),
        ("q1_text_es", "¿Algo más?"),
    ];
    let (status, _, page) = app.post_form("/staff/surveys/new", &cookie, &form).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains(r#"id="form-errors""#), "{page}");
    assert!(page.contains(r#"id="title_es-error""#) && page.contains(r##"href="#title_es""##), "{page}");
    assert!(page.contains(r#"aria-invalid="true" aria-describedby="expires_on-error""#), "{page}");
    assert!(page.contains("Visits &#60;b&#62;&#38; waits") && !page.contains("<b>&"), "{page}");
    assert!(page.contains("Anything &#60;else&#62;?") && page.contains(r#"value="not a date""#), "{page}");
    assert!(!page.contains(r#"id="omb_number-error""#), "{page}");
}
