//! Alerts at scale (R-CS-09): 100,000 status changes on cases held in 20,000 portfolios (5 cases
//! each), applied as one import with their email alerts queued, then delivered to a local SMTP
//! listener. Runs on the database named by `CRIS_BENCH_DB` (a URL, e.g. the 10,000,000-case demo
//! that `bench/seed.sh` leaves), else on a fresh 1,000,000-case SQLite demo. Prints both figures;
//! the targets are under 10 s to apply and queue, and 2,000 messages a second or more.
//! Run: `cargo bench --bench alerts`.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]
#![expect(clippy::disallowed_methods, reason = "a benchmark measures, and stamps its rows with, the wall clock")]

#[path = "../tests/it/smtp_sink.rs"]
mod smtp_sink;

use std::time::Instant;

use chrono::Utc;
use cris::case_status::events::{self, RawEvent};
use cris::kernel::db::Db;
use cris::notify::{Mailer, deliver_due};

const CHANGES: usize = 100_000;
const PORTFOLIOS: usize = 20_000;
const PER_PORTFOLIO: usize = CHANGES / PORTFOLIOS;

/// Bench accounts are marked by their user ids; a run first removes the previous run's (their
/// portfolios and queued messages go with them).
async fn portfolios(db: &Db, cases: &[i64]) {
    let now = Utc::now();
    cris::with_db!(db, pool => {
        sqlx::query("DELETE FROM customers WHERE user_id LIKE 'bench-%'").execute(pool).await.expect("clean up");
        for (n, chunk) in cases.chunks(PER_PORTFOLIO * 1_000).enumerate() {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO customers (user_id, password_hash, email, lang, created_at) ");
            q.push_values(0..chunk.len() / PER_PORTFOLIO, |mut b, i| {
                let k = n * 1_000 + i;
                b.push_bind(format!("bench-{k}"))
                    .push_bind("!")
                    .push_bind(format!("bench-{k}@example.com"))
                    .push_bind(if k % 2 == 0 { "en" } else { "es" })
                    .push_bind(now);
            });
            q.push(" RETURNING id");
            let ids: Vec<i64> = q.build_query_scalar().fetch_all(pool).await.expect("customers");
            let mut q = sqlx::QueryBuilder::new("INSERT INTO portfolio_cases (customer_id, case_id, added_at) ");
            q.push_values(chunk.iter().enumerate(), |mut b, (i, case_id)| {
                b.push_bind(ids[i / PER_PORTFOLIO]).push_bind(*case_id).push_bind(now);
            });
            q.build().execute(pool).await.expect("portfolio cases");
        }
    });
}

async fn run(db: &Db, catalog: &cris::reference::Catalog) {
    let picked: Vec<(i64, String)> = cris::with_db!(db, pool => {
        sqlx::query_as("SELECT id, receipt_number FROM cases WHERE restricted = false AND id % 7 = 3 ORDER BY id LIMIT $1")
            .bind(i64::try_from(CHANGES).expect("count"))
            .fetch_all(pool)
            .await
            .expect("cases")
    });
    assert_eq!(picked.len(), CHANGES, "the database holds too few cases");
    let ids: Vec<i64> = picked.iter().map(|(id, _)| *id).collect();
    let started = Instant::now();
    portfolios(db, &ids).await;
    println!("{PORTFOLIOS} portfolios of {PER_PORTFOLIO} cases set up in {:.1} s", started.elapsed().as_secs_f64());

    let now = Utc::now();
    let run = now.timestamp();
    let raw: Vec<events::Read> = picked
        .iter()
        .enumerate()
        .map(|(i, (_, receipt))| {
            let event = RawEvent {
                event_id: Some(format!("bench-{run}-{i}")),
                receipt_number: Some(receipt.clone()),
                action_code: Some("CASE_APPROVED".into()),
                date: Some(now.date_naive().format("%Y-%m-%d").to_string()),
                ..RawEvent::default()
            };
            (i + 1, Ok(event))
        })
        .collect();
    let started = Instant::now();
    let outcome = events::apply(db, now, events::prepare(raw, catalog, now.date_naive())).await.expect("apply");
    let applied_in = started.elapsed().as_secs_f64();
    assert_eq!(outcome.applied, CHANGES, "every change applies: {:?}", outcome.rejected.first());
    assert_eq!(outcome.chunks_retried, 0, "every chunk applies in a batch");
    let queued: i64 = cris::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND recipient LIKE 'bench-%'")
            .fetch_one(pool)
            .await
            .expect("count")
    });
    assert_eq!(queued, i64::try_from(CHANGES).expect("count"), "one email per subscriber per change");
    println!(
        "{CHANGES} status changes applied, {queued} alerts queued in {applied_in:.2} s ({:.0} changes/s; target < 10 s)",
        CHANGES as f64 / applied_in
    );

    let sink = smtp_sink::SmtpSink::start().await;
    let mailer = Mailer::new(&sink.url, "CRIS <no-reply@uscis.example>").expect("mailer");
    let started = Instant::now();
    let mut sent = 0;
    loop {
        let round = deliver_due(db, &mailer, Utc::now(), 4_000).await.expect("deliver");
        assert_eq!(round.failed + round.retrying, 0, "every message is accepted");
        if round.sent == 0 {
            break;
        }
        sent += round.sent;
    }
    let secs = started.elapsed().as_secs_f64();
    assert!(sent >= u64::try_from(queued).expect("count") && sink.received().len() >= CHANGES);
    println!(
        "{sent} emails delivered to the SMTP listener in {secs:.2} s ({:.0} messages/s; target ≥ 2,000)",
        sent as f64 / secs
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let (url, scratch) = match std::env::var("CRIS_BENCH_DB") {
            Ok(url) => (url, None),
            Err(_) => {
                let dir = std::env::temp_dir().join(format!("cris-bench-alerts-{}", std::process::id()));
                (format!("sqlite://{}/cris.db", dir.display()), Some(dir))
            }
        };
        let (db, catalog) = cris::app::open(&url, 8).await.expect("open the database");
        if scratch.is_some() {
            let as_of = Utc::now().date_naive();
            cris::seed::load_demo(&db, &catalog, 1_000_000, as_of).await.expect("demo cases");
        }
        println!("database: {:?}", db.engine());
        run(&db, &catalog).await;
        db.close().await;
        if let Some(dir) = scratch {
            let _ = std::fs::remove_dir_all(dir);
        }
    });
}
