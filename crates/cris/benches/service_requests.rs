//! Service request intake at load (issue 6): 100 concurrent clients each file 50 requests the
//! way e-Request does (check the case and its posted processing time, then file with the
//! duplicate rule, the trail and the confirmation email in one transaction), on a fresh SQLite
//! file or on the database named by `CRIS_BENCH_DB` (e.g.
//! `postgres://postgres@127.0.0.1:5432/cris_bench`, created first). Prints requests a second and
//! the latency of one filing (p50, p99).
//!
//! Run: `cargo bench --bench service_requests`.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]
#![expect(clippy::disallowed_methods, reason = "a benchmark measures, and stamps its rows with, the wall clock")]

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use cris::service_requests::model::{CaseCheck, Channel, Details, Issue, Reply};
use cris::service_requests::store::{self, NewRequest};

const CLIENTS: usize = 100;
const EACH: usize = 50;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let file = std::env::temp_dir().join(format!("cris-bench-sr-{}.db", std::process::id()));
    let url = std::env::var("CRIS_BENCH_DB").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", file.display()));
    let (db, catalog) = cris::app::open(&url, 16).await.expect("open the database");
    let received = NaiveDate::from_ymd_opt(2024, 1, 2).expect("a date");
    let total = CLIENTS * EACH;
    cris::with_db!(&db, pool => {
        for t in ["DELETE FROM service_request_events", "DELETE FROM service_requests", "DELETE FROM outbox", "DELETE FROM case_history", "DELETE FROM cases WHERE receipt_number LIKE 'LIN24%'"] {
            sqlx::query(t).execute(pool).await.expect("clean up");
        }
        for chunk in (0..total).collect::<Vec<_>>().chunks(500) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO cases (receipt_number, form_code, office_code, status_code, received_on, status_on, mailing_zip, restricted, updated_at) ",
            );
            q.push_values(chunk, |mut b, n| {
                b.push_bind(format!("LIN24{:08}", n))
                    .push_bind("I-485")
                    .push_bind("NSC")
                    .push_bind("ACTIVELY_REVIEWED")
                    .push_bind(received)
                    .push_bind(received)
                    .push_bind("60601")
                    .push_bind(false)
                    .push_bind(Utc::now());
            });
            q.build().execute(pool).await.expect("cases");
        }
    });
    let reports = std::sync::Arc::new(cris::case_status::cache::ReportCache::default());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let (db, catalog, reports) = (db.clone(), catalog.clone(), reports.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(EACH);
            for i in 0..EACH {
                let t = Instant::now();
                let check = CaseCheck {
                    receipt: format!("LIN24{:08}", client * EACH + i).parse().expect("receipt"),
                    form: "I-485".into(),
                    filed: received,
                    zip: "60601".parse().expect("zip"),
                    issue: Issue::Late,
                };
                let case = store::check_case(&db, &catalog, &reports, &check).await.expect("check").expect("eligible");
                let details = Details {
                    first_name: Some("Ana".into()),
                    last_name: Some("García".into()),
                    birth_date: NaiveDate::from_ymd_opt(1990, 1, 31),
                    ..Details::default()
                };
                let reply = Reply::Email("ana@example.com".parse().expect("email"));
                let request = NewRequest {
                    case: &case,
                    issue: Issue::Late,
                    channel: Channel::Online,
                    details: &details,
                    reply: &reply,
                    lang: "en",
                    taken_by: None,
                };
                let compose = |c: &str, due: NaiveDate| (format!("Request {c}"), format!("Due {due}"));
                store::file(&db, &request, Utc::now(), &compose).await.expect("file");
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut times = Vec::with_capacity(total);
    for t in tasks {
        times.extend(t.await.expect("client"));
    }
    let elapsed = started.elapsed();
    times.sort();
    println!(
        "intake: {total} requests by {CLIENTS} clients in {:.2} s = {:.0} requests/s; one filing p50 {:.1} ms, p99 {:.1} ms",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
    );
    let _ = std::fs::remove_file(&file);
}
