//! Focus groups: the draw (office, email address, opt-out), invitations in the customer's
//! language, acceptance keeping only a first name and a telephone, nothing kept of those who
//! decline or do not answer, the purge at 120 days, and the staff pages (counts only; contacts
//! audited on view).

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use cris::kernel::access::{Actor, Role};
use cris::surveys::focus_groups::model::FocusGroupForm;
use cris::surveys::focus_groups::service as focus;

use crate::support::{Customer, SmtpSink, TestApp, actor_of as actor, link_param};

async fn hq(app: &TestApp) -> Actor {
    app.actor("hq.focus", Role::Headquarters, "NBC").await
}

/// A customer's appointment at `office`, a week ago, with its own name and telephone.
async fn customer(app: &TestApp, n: i64, office: &str, email: Option<&str>, lang: &str, first: &str) -> i64 {
    let c = Customer {
        confirmation: format!("FOC{n:07}"),
        office,
        starts: app.clock.now() - Duration::days(7) + Duration::minutes(n),
        first_name: first,
        phone: format!("+1212555{:04}", 1000 + n),
        email,
        lang,
    };
    app.appointment_row(&c).await
}

fn form(office: &str, size: i32) -> FocusGroupForm {
    FocusGroupForm {
        office: office.into(),
        held_on: "2026-12-10".into(),
        place: "26 Federal Plaza, room 8, 10:00 AM".into(),
        size: size.to_string(),
        reply_by: "2026-11-20".into(),
        ..Default::default()
    }
}

async fn define(app: &TestApp, a: &Actor, f: &FocusGroupForm) -> cris::surveys::focus_groups::model::FocusGroup {
    focus::define(&app.db, &app.catalog, app.state.token_key(), app.state.public_url(), a, app.clock.now(), f)
        .await
        .unwrap()
        .unwrap()
}

/// The focus-group invitations queued: (recipient, subject, body), in queue order.
async fn focus_mail(app: &TestApp) -> Vec<(String, String, String)> {
    cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT recipient, subject, body FROM outbox WHERE body LIKE '%/focus-group?%' ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap()
    })
}

fn token_of(body: &str) -> String {
    link_param(body, "t")
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    cris::with_db!(&app.db, pool => { sqlx::query_scalar(sql).fetch_one(pool).await.unwrap() })
}

async fn post_reply(app: &TestApp, form: &[(&str, &str)]) -> (u16, String) {
    let body = serde_urlencoded::to_string(form).unwrap();
    let (status, _, page) = app
        .request("POST", "/focus-group?lang=en", &[("content-type", "application/x-www-form-urlencoded")], &body)
        .await;
    (status, page)
}

// R-SV-05: the draw takes, at random, customers of the group's office who gave an email
// address, one invitation an address however many appointments it has, in their language.
// R-SV-04: an address on the opt-out list is never drawn.
#[tokio::test]
async fn the_draw_respects_office_email_and_opt_out() {
    let app = TestApp::new().await;
    let a = hq(&app).await;
    for n in 1..=5 {
        customer(&app, n, "NYC", Some(&format!("c{n}@example.com")), "en", "Ana").await;
    }
    customer(&app, 6, "NYC", Some("c6@example.com"), "es", "Beto").await;
    customer(&app, 7, "NYC", Some("C1@Example.com"), "en", "Ana").await;
    customer(&app, 8, "NYC", None, "en", "Sin").await;
    customer(&app, 9, "LOS", Some("los@example.com"), "en", "Lou").await;
    customer(&app, 10, "NYC", Some("optedout@example.com"), "en", "Otto").await;
    let rid = app.staff("desk.nyc", Role::Reception, "NYC").await;
    let desk = actor(&app, rid, "desk.nyc", Role::Reception, "NYC");
    let key = app.state.token_key().clone();
    cris::surveys::service::opt_out_at_desk(
        &app.db,
        &app.catalog,
        &key,
        &desk,
        app.clock.now(),
        &"OptedOut@example.com".parse().unwrap(),
    )
    .await
    .unwrap();

    let g = define(&app, &a, &form("nyc", 20)).await;
    assert_eq!(g.counts.drawn, 6, "six addresses qualify");
    let mail = focus_mail(&app).await;
    let to: HashSet<String> = mail.iter().map(|m| m.0.to_lowercase()).collect();
    let expected: HashSet<String> = (1..=6).map(|n| format!("c{n}@example.com")).collect();
    assert_eq!(to, expected, "NYC only, with an address, once an address, not the opted-out one");
    let beto = mail.iter().find(|m| m.0 == "c6@example.com").unwrap();
    assert!(beto.1.starts_with("Invitación a un grupo focal"), "{}", beto.1);
    assert!(beto.2.contains("/focus-group?lang=es&t=") && beto.2.contains("/survey/opt-out?lang=es&o="), "{}", beto.2);
    let ana = mail.iter().find(|m| m.0 != "c6@example.com").unwrap();
    assert!(ana.1.starts_with("Invitation to a USCIS focus group"), "{}", ana.1);
    // The draw stores the hash of each link's token and its group: nothing about the person.
    let rows = crate::infopass::every_row(&app.db).await;
    let invitations: Vec<&String> = rows.iter().filter(|r| r.starts_with("focus_invitations: ")).collect();
    assert_eq!(invitations.len(), 6);
    assert!(invitations.iter().all(|r| !r.contains('@') && !r.contains("Ana")));

    // Asked for fewer, it draws that many, and not always the same ones.
    let mut drawn = HashSet::new();
    for _ in 0..20 {
        let before = focus_mail(&app).await.len();
        let g = define(&app, &a, &form("NYC", 2)).await;
        assert_eq!(g.counts.drawn, 2);
        let mut pair: Vec<String> = focus_mail(&app).await[before..].iter().map(|m| m.0.to_lowercase()).collect();
        pair.sort();
        assert!(pair.iter().all(|p| expected.contains(p)) && pair[0] != pair[1], "{pair:?}");
        drawn.insert(pair);
    }
    assert!(drawn.len() >= 5, "20 draws of 2 among 6 gave only {} pairs", drawn.len());

    // Only headquarters (surveys.manage) defines a group.
    assert!(matches!(
        focus::define(&app.db, &app.catalog, &key, app.state.public_url(), &desk, app.clock.now(), &form("NYC", 2))
            .await,
        Err(cris::kernel::error::ServiceError::Denied(_))
    ));
    // A mistaken form draws nothing.
    let mut bad = form("NYC", 0);
    bad.reply_by = "2026-12-11".into();
    let errs = focus::define(&app.db, &app.catalog, &key, app.state.public_url(), &a, app.clock.now(), &bad)
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(errs.iter().map(|e| e.field).collect::<Vec<_>>(), vec!["size", "reply_by"]);
}

// R-SV-05: a customer accepts through the single-use link with a first name and a telephone,
// and those are all that is kept of them; a mistake keeps what was typed; the link then refuses.
#[tokio::test]
async fn accepting_keeps_only_first_name_and_telephone() {
    let app = TestApp::new().await;
    let a = hq(&app).await;
    customer(&app, 1, "NYC", Some("zoraida.q@example.com"), "en", "Zoraida").await;
    let mut f = form("NYC", 5);
    f.omb_number = "1615-0121".into();
    f.omb_expires_on = "2027-03-31".into();
    f.burden_minutes = "90".into();
    let g = define(&app, &a, &f).await;
    let mail = focus_mail(&app).await;
    let t = token_of(&mail[0].2);

    let (status, _, page) = app.get(&format!("/focus-group?lang=en&t={t}"), &[]).await;
    assert_eq!(status, 200);
    assert!(page.contains("26 Federal Plaza, room 8") && page.contains("December 10, 2026"), "the meeting");
    assert!(page.contains("1615-0121") && page.contains("Paperwork Reduction Act"), "PRA statement");
    let (status, page) =
        post_reply(&app, &[("t", &t), ("answer", "accept"), ("first_name", "Zory"), ("phone", "12")]).await;
    assert_eq!(status, 422);
    assert!(page.contains(r#"value="Zory""#) && page.contains(r#"value="12""#), "what was typed stays");
    assert!(page.contains("Enter a telephone number we can call"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM focus_contacts").await, 0);
    let (status, page) =
        post_reply(&app, &[("t", &t), ("answer", "accept"), ("first_name", "Zory"), ("phone", "(202) 555-0143")]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Thank you for taking part"));
    let (status, page) =
        post_reply(&app, &[("t", &t), ("answer", "accept"), ("first_name", "Zory"), ("phone", "(202) 555-0143")]).await;
    assert_eq!(status, 410);
    assert!(page.contains("already answered"));

    // The contact row: the group, the first name and telephone given, the day of contact.
    let rows: Vec<(i64, String, String, NaiveDate)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT group_id, first_name, phone, contacted_on FROM focus_contacts").fetch_all(pool).await.unwrap()
    });
    assert_eq!(rows, vec![(g.id, "Zory".into(), "+12025550143".into(), app.clock.now().date_naive())]);
    let every = crate::infopass::every_row(&app.db).await;
    for r in every.iter().filter(|r| r.starts_with("focus_")) {
        assert!(!r.contains("zoraida.q") && !r.contains("Quintero") && !r.contains("Zoraida"), "{r}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM focus_invitations").await, 0, "the token is burnt");
    assert_eq!(count(&app, "SELECT accepted FROM focus_groups").await, 1);
    // The acceptance is audited by row ids only.
    let audit: Vec<String> =
        every.iter().filter(|r| r.starts_with("audit_log: ") && r.contains("surveys.focus")).cloned().collect();
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert!(audit.iter().all(|r| !r.contains("Zory") && !r.contains("555-0143") && !r.contains("2025550143")));
}

// R-SV-05: those who decline, and those who do not answer by the reply-by day, leave nothing:
// their invitation is deleted (a count stays), and the sent email keeps neither link nor address.
#[tokio::test]
async fn declining_or_not_answering_leaves_nothing() {
    let app = TestApp::new().await;
    let a = hq(&app).await;
    for n in 1..=3 {
        customer(&app, n, "NYC", Some(&format!("person{n}@example.com")), "en", "Ana").await;
    }
    define(&app, &a, &form("NYC", 3)).await;
    let sink = SmtpSink::start().await;
    let mailer = cris::notify::Mailer::new(&sink.url, "CRIS <alerts@cris.test>").unwrap();
    let mail = focus_mail(&app).await;
    assert_eq!(mail.len(), 3);
    let by = |who: &str| mail.iter().find(|m| m.0 == who).map(|m| token_of(&m.2)).unwrap();
    let (accepts, declines, silent) = (by("person1@example.com"), by("person2@example.com"), by("person3@example.com"));
    cris::notify::deliver_due(&app.db, &mailer, app.clock.now(), 10).await.unwrap();
    assert_eq!(sink.received().len(), 3);
    assert!(focus_mail(&app).await.is_empty(), "sent invitations keep no link");

    let (status, page) = post_reply(&app, &[("t", &declines), ("answer", "decline")]).await;
    assert_eq!(status, 200);
    assert!(page.contains("We keep nothing about you"));
    let (status, _) =
        post_reply(&app, &[("t", &accepts), ("answer", "accept"), ("first_name", "Ana"), ("phone", "202 555 0143")])
            .await;
    assert_eq!(status, 200);
    // The reply-by day passes: the job closes what is left.
    app.clock.advance(Duration::days(19));
    let r = cris::surveys::service::run_invitations(
        &app.db,
        app.state.token_key(),
        app.state.public_url(),
        app.clock.now(),
    )
    .await
    .unwrap();
    assert_eq!(r.invited, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM focus_invitations").await, 0);
    let (status, _, _) = app.get(&format!("/focus-group?lang=en&t={silent}"), &[]).await;
    assert_eq!(status, 410);
    let g = focus::list(&app.db, &app.catalog, &a, app.clock.now()).await.unwrap().remove(0);
    assert_eq!(
        (g.counts.drawn, g.counts.accepted, g.counts.declined, g.counts.unanswered, g.counts.awaiting()),
        (3, 1, 1, 1, 0)
    );
    // Outside the appointment book (purged with the appointment, R-RT-01), no table holds their
    // address or anything of their link.
    for r in crate::infopass::every_row(&app.db).await.iter().filter(|r| !r.starts_with("appointments: ")) {
        for (who, t) in [("person2@", &declines), ("person3@", &silent)] {
            assert!(!r.contains(who) && !r.contains(t.as_str()), "{r}");
        }
    }
}

// R-RT-02: a contact is deleted within 120 days of contact (fixed clock): kept on day 119,
// gone on day 120; a second run removes nothing; afterwards, with the appointments purged too,
// no table holds the person's name, email or telephone.
#[tokio::test]
async fn contacts_are_purged_within_120_days() {
    let app = TestApp::new().await;
    let a = hq(&app).await;
    customer(&app, 1, "NYC", Some("zoraida.q@example.com"), "es", "Zoraida").await;
    define(&app, &a, &form("NYC", 1)).await;
    let contacted = app.clock.now().date_naive();
    let t = token_of(&focus_mail(&app).await[0].2);
    let (status, _) =
        post_reply(&app, &[("t", &t), ("answer", "accept"), ("first_name", "Zoraida"), ("phone", "(202) 555-0143")])
            .await;
    assert_eq!(status, 200);

    let purge = |day: NaiveDate| {
        let db = app.db.clone();
        async move {
            let mut n = 0;
            loop {
                let k = cris::surveys::service::purge_focus_contacts_before(&db, focus::contact_purge_cutoff(day), 1)
                    .await
                    .unwrap();
                if k == 0 {
                    return n;
                }
                n += k;
            }
        }
    };
    assert_eq!(purge(contacted + Duration::days(119)).await, 0, "kept on day 119");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM focus_contacts").await, 1);
    assert_eq!(purge(contacted + Duration::days(120)).await, 1, "gone on day 120");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM focus_contacts").await, 0);
    assert_eq!(purge(contacted + Duration::days(121)).await, 0, "a second run removes nothing");

    // The engine's run (R-RT-01) takes the appointment and the rest.
    app.clock.advance(Duration::days(121));
    let policies = cris::retention::model::Policies::default();
    cris::retention::service::run(&app.db, &policies, &app.clock, "job:test").await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM appointments").await, 0);
    for r in crate::infopass::every_row(&app.db).await {
        for needle in
            ["Zoraida", "Quintero", "zoraida.q", "2025550143", "555-0143", "2125551001", "FOC0000001", "1980-01-01"]
        {
            assert!(!r.contains(needle), "{needle} left in {r}");
        }
    }
}

// R-SV-05, R-AU-01: the staff pages: the form names its mistakes and keeps what was typed; the
// status shows counts only; the contacts (first name, telephone) only to surveys.manage, each
// view audited without them.
#[tokio::test]
async fn staff_pages_show_counts_and_audit_the_contacts() {
    let app = TestApp::new().await;
    app.staff("hq.focus", Role::Headquarters, "NBC").await;
    app.staff("desk.nyc", Role::Reception, "NYC").await;
    customer(&app, 1, "NYC", Some("zoraida.q@example.com"), "en", "Zoraida").await;
    customer(&app, 2, "NYC", Some("other@example.com"), "en", "Otra").await;
    let cookie = app.sign_in("hq.focus").await;

    let (status, _, page) = app.get("/staff/focus-groups/new", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"<option value="NYC""#));
    let typed = [
        ("office", "NYC"),
        ("held_on", "2026-12-10"),
        ("place", "Room 8"),
        ("size", "500"),
        ("reply_by", "2026-11-20"),
    ];
    let (status, _, page) = app.post_form("/staff/focus-groups/new", &cookie, &typed).await;
    assert_eq!(status, 422);
    assert!(page.contains("from 1 to 50") && page.contains(r#"value="Room 8""#) && page.contains(r#"value="500""#));
    let mut good = typed;
    good[3] = ("size", "2");
    let (status, headers, _) = app.post_form("/staff/focus-groups/new", &cookie, &good).await;
    assert_eq!(status, 303);
    let at = headers.get("location").unwrap().to_str().unwrap().to_owned();
    let id = at.trim_start_matches("/staff/focus-groups/").split('?').next().unwrap().to_owned();
    let t = token_of(&focus_mail(&app).await[0].2);
    post_reply(&app, &[("t", &t), ("answer", "accept"), ("first_name", "Zoraida"), ("phone", "(202) 555-0143")]).await;

    let (status, _, page) = app.get(&at, &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"id="count-drawn">2<"#) && page.contains(r#"id="count-accepted">1<"#), "counts");
    assert!(!page.contains("Zoraida") && !page.contains("555") && !page.contains("@example.com"), "counts only");
    let (status, _, page) = app.get("/staff/focus-groups", &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/staff/focus-groups/{id}")) && !page.contains("Zoraida"));

    let contacts = format!("/staff/focus-groups/{id}/contacts");
    let (status, headers, page) = app.get(&contacts, &[("cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(page.contains("Zoraida") && page.contains("(202) 555-0143"), "{page}");
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    let audit: Vec<(String, String, String)> = cris::with_db!(&app.db, pool => {
        sqlx::query_as("SELECT username, record, detail FROM audit_log WHERE event = 'surveys.focus_contacts.view'")
            .fetch_all(pool)
            .await
            .unwrap()
    });
    assert_eq!(audit, vec![("hq.focus".into(), format!("focus_group:{id}"), "1 contacts shown".into())]);

    // The front desk may not see them, nor the group.
    let desk = app.sign_in("desk.nyc").await;
    let (status, _, page) = app.get(&contacts, &[("cookie", &desk)]).await;
    assert_eq!(status, 403);
    assert!(!page.contains("Zoraida"));
    assert_eq!(app.get(&at, &[("cookie", &desk)]).await.0, 403);
    assert_eq!(app.get("/staff/focus-groups/999/contacts", &[("cookie", &cookie)]).await.0, 404);
    assert_eq!(app.get("/staff/focus-groups/nope", &[("cookie", &cookie)]).await.0, 404);
}

/// Accepts an invitation through its link with a first name and a telephone; the status.
async fn accept(app: &TestApp, t: &str) -> u16 {
    post_reply(app, &[("t", t), ("answer", "accept"), ("first_name", "Ana"), ("phone", "(202) 555-0143")]).await.0
}

// R-SV-04: an opt-out after a focus-group invitation voids the open invitation at once, whether
// made by the email's link or at the desk: the link neither opens nor accepts, the invitation is
// deleted and counted as declined. Acceptance checks the list in SQL too: an invitation an
// opt-out did not reach (as if it came between the page and the answer) still refuses.
#[tokio::test]
async fn an_opt_out_voids_open_focus_group_invitations() {
    let app = TestApp::new().await;
    let a = hq(&app).await;
    for (n, email) in
        [(1, "linked@example.com"), (2, "desk@example.com"), (3, "raced@example.com"), (4, "stays@example.com")]
    {
        customer(&app, n, "NYC", Some(email), "en", "Ana").await;
    }
    define(&app, &a, &form("NYC", 4)).await;
    let mail = focus_mail(&app).await;
    assert_eq!(mail.len(), 4);
    let by = |who: &str| mail.iter().find(|m| m.0 == who).map(|m| (token_of(&m.2), link_param(&m.2, "o"))).unwrap();

    let (linked, o) = by("linked@example.com");
    let ct = [("content-type", "application/x-www-form-urlencoded")];
    assert_eq!(app.request("POST", "/survey/opt-out", &ct, &format!("o={o}")).await.0, 200);
    assert_eq!(app.get(&format!("/focus-group?lang=en&t={linked}"), &[]).await.0, 410);
    assert_eq!(accept(&app, &linked).await, 410);

    let desk = app.actor("desk.nyc", Role::Reception, "NYC").await;
    let email = "Desk@Example.com".parse().unwrap();
    cris::surveys::service::opt_out_at_desk(
        &app.db,
        &app.catalog,
        app.state.token_key(),
        &desk,
        app.clock.now(),
        &email,
    )
    .await
    .unwrap();
    assert_eq!(accept(&app, &by("desk@example.com").0).await, 410);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM focus_invitations").await, 2, "both voided at once");
    assert_eq!(count(&app, "SELECT declined FROM focus_groups").await, 2);

    let (raced, o) = by("raced@example.com");
    cris::with_db!(&app.db, pool => {
        sqlx::query("INSERT INTO survey_opt_outs (email_hash, since) VALUES ($1, $2)")
            .bind(&o)
            .bind(app.clock.now().date_naive())
            .execute(pool)
            .await
            .unwrap();
    });
    assert_eq!(accept(&app, &raced).await, 410);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM focus_contacts").await, 0);

    assert_eq!(accept(&app, &by("stays@example.com").0).await, 200, "the others still accept");
    assert_eq!(count(&app, "SELECT accepted FROM focus_groups").await, 1);
}
