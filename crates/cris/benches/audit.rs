//! What the audit trail adds to a write: the same small transaction (one row written) with and
//! without its chained audit row, on SQLite and, when `CRIS_BENCH_POSTGRES` names a server, on
//! PostgreSQL. Prints mean and p99 per write and the difference. Run: `cargo bench --bench audit`.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]
#![expect(clippy::disallowed_methods, reason = "a benchmark measures, and stamps its rows with, the wall clock")]

use std::time::{Duration, Instant};

use chrono::Utc;
use cris::kernel::audit::{self, Category, Entry, Outcome};
use cris::kernel::db::Db;

const WRITES: usize = 2_000;

fn stats(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let mean = samples.iter().map(Duration::as_secs_f64).sum::<f64>() / samples.len() as f64;
    let p99 = samples[(samples.len() * 99 / 100).min(samples.len() - 1)].as_secs_f64();
    (mean * 1e6, p99 * 1e6)
}

async fn run(db: &Db, label: &str) {
    let mut plain = Vec::with_capacity(WRITES);
    let mut audited = Vec::with_capacity(WRITES);
    for i in 0..WRITES {
        for with_audit in [false, true] {
            let started = Instant::now();
            let mut tx = db.begin().await.expect("begin");
            let key = format!("bench-{with_audit}-{i}");
            cris::with_tx!(&mut tx, conn => {
                sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, 'v')").bind(&key).execute(&mut *conn).await.expect("insert");
            });
            if with_audit {
                let e = Entry {
                    category: Category::Change,
                    event: "bench.write",
                    username: "bench",
                    ip: "127.0.0.1",
                    office: "NYC",
                    record: &key,
                    outcome: Outcome::Ok,
                    detail: "",
                };
                audit::record(&mut tx, Utc::now(), &e).await.expect("audit");
            }
            tx.commit().await.expect("commit");
            if with_audit { audited.push(started.elapsed()) } else { plain.push(started.elapsed()) }
        }
    }
    let (pm, pp) = stats(plain);
    let (am, ap) = stats(audited);
    println!("{label}: {WRITES} writes each");
    println!("  without audit: mean {pm:8.1} µs   p99 {pp:8.1} µs");
    println!("  with audit:    mean {am:8.1} µs   p99 {ap:8.1} µs");
    println!("  audit adds:    mean {:8.1} µs   ({:+.0} %)", am - pm, (am / pm - 1.0) * 100.0);
    let v = audit::verify(db).await.expect("verify");
    assert!(v.broken.is_none() && v.checked as usize == WRITES);
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("cris-bench-audit-{}", std::process::id()));
        let (db, _) = cris::app::open(&format!("sqlite://{}/cris.db", dir.display()), 4).await.expect("open sqlite");
        run(&db, "SQLite (WAL, synchronous=NORMAL)").await;
        db.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        if let Ok(base) = std::env::var("CRIS_BENCH_POSTGRES") {
            let name = format!("cris_bench_audit_{}", std::process::id());
            let Ok(Db::Postgres(admin)) = Db::connect(&format!("{base}/postgres"), 1).await else {
                println!("PostgreSQL at {base} not reachable; skipped");
                return;
            };
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin)
                .await
                .expect("create db");
            let (db, _) = cris::app::open(&format!("{base}/{name}"), 4).await.expect("open postgres");
            run(&db, "PostgreSQL").await;
            db.close().await;
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name}"))).execute(&admin).await.expect("drop db");
        }
    });
}
