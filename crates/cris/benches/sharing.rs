//! Partner queries end to end (issue 20): `PERSONS` demo persons enrolled (default 100,000, two
//! fingers each), CRIS served on loopback behind the stand-in IDENT, then `QUERIES` partner
//! queries (default 40; every fifth about a stranger) sent by `CLIENTS` partners at once (default
//! 2) through IDENT's documented interface (`POST /v1/partners/CAN/transactions`, which posts to
//! CRIS's `/ident/v1/transactions`; CRIS answers 202 once it has matched, decided and stored).
//! Prints queries a second, p50 and p99 of one query, the first query apart (it loads the
//! in-memory gallery), and the matcher's one-to-many time over one finger position: every
//! enrolled finger compared (as before) and prefiltered, plus the old per-query read of the
//! gallery from the database.
//!
//! On a fresh SQLite file, or the database named by `CRIS_BENCH_DB` (created first; persons
//! already there are kept). Run: `bench/sharing.sh`.

#![expect(clippy::expect_used, reason = "a benchmark stops at the first failure")]
#![expect(clippy::disallowed_methods, reason = "a benchmark measures the wall clock")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use cris::cpms::service as cpms;
use cris::ident::Partner;
use cris::ident::standin::{self, person_finger_seed};
use cris::kernel::clock::Clock;
use fingerprint::matcher::{Prepared, search, search_prepared, to_xyt};
use fingerprint::synth::Finger;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Another impression of demo person `index`'s fingers; a stranger's past the enrolled.
fn probe(index: u64, salt: u64) -> Vec<ansi_nist::FingerMinutiae> {
    [1u8, 2].into_iter().map(|f| Finger::generate(person_finger_seed(index, f)).impression(salt, f)).collect()
}

/// Partner query `n`, sent through IDENT; how long until CRIS took it. Every fifth is about a
/// stranger (nobody matches), the others about enrolled persons.
async fn ask(ident: &standin::StandIns, n: u64, persons: u64, as_of: chrono::NaiveDate) -> Duration {
    let index = if n % 5 == 4 { persons + 1_000_000 + n } else { n.wrapping_mul(7_919) % persons.max(1) };
    let q = standin::sample_query(Partner::Canada, probe(index, 1_000_000 + n), as_of);
    let t = Instant::now();
    ident.partner_asks(Partner::Canada, &q).await.expect("CRIS took the query");
    t.elapsed()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let persons = env("PERSONS", 100_000);
    let queries = env("QUERIES", 40);
    let clients = env("CLIENTS", 2);
    let file = std::env::temp_dir().join(format!("cris-bench-sharing-{}.db", std::process::id()));
    let url = std::env::var("CRIS_BENCH_DB").unwrap_or_else(|_| format!("sqlite://{}?mode=rwc", file.display()));
    let (db, catalog) = cris::app::open(&url, 8).await.expect("open the database");
    let clock = Clock::System;
    let as_of = clock.today_in(chrono_tz::America::New_York);

    let started = Instant::now();
    let demo = cpms::Demo {
        persons,
        seeds: person_finger_seed,
        keep_until: cris::retention::model::sharing_keep_until,
        officer: None,
    };
    let enrolled = cpms::load_demo(&db, clock.now(), as_of, &demo).await.expect("enrol");
    println!("enrolled {enrolled} persons (2 fingers each) in {:.1} s", started.elapsed().as_secs_f64());

    let ident = standin::start(standin::Options { cris_inbound: None, gallery_size: Some(20), clock: clock.clone() })
        .await
        .expect("stand-ins");
    let i18n = Arc::new(cris::kernel::i18n::I18n::load().expect("catalogues"));
    let state = cris::web::AppState::new(db.clone(), catalog, i18n, clock.clone(), false)
        .with_ident(Some(ident.client().expect("client")), Some(ident.inbound_token.clone()));
    let router = cris::app::router(state.clone(), Duration::from_secs(60));
    let listen = cris::web::server::Listen {
        addr: "127.0.0.1:0".parse().expect("address"),
        tls: None,
        grace: Duration::from_secs(1),
        limits: Default::default(),
        trusted_proxies: Default::default(),
    };
    let (running, _task) = cris::web::server::start(router, &listen).await.expect("serve");
    ident.set_cris_inbound(&format!("http://{}/ident/v1/transactions", running.addr));
    let ident = Arc::new(ident);

    let first = ask(&ident, 0, persons, as_of).await;
    println!("first query (loads the in-memory gallery): {:.2} s", first.as_secs_f64());

    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let ident = ident.clone();
        tasks.push(tokio::spawn(async move {
            let mut took = Vec::new();
            let mut n = 1 + c;
            while n <= queries {
                took.push(ask(&ident, n, persons, as_of).await);
                n += clients;
            }
            took
        }));
    }
    let mut took = Vec::new();
    for t in tasks {
        took.extend(t.await.expect("a client"));
    }
    let wall = started.elapsed().as_secs_f64();
    took.sort();
    println!(
        "{} partner queries, {clients} at a time, against {persons} persons: {:.2} queries/s, p50 {:.0} ms, p99 {:.0} ms",
        took.len(),
        took.len() as f64 / wall,
        percentile(&took, 0.50).as_secs_f64() * 1000.0,
        percentile(&took, 0.99).as_secs_f64() * 1000.0,
    );

    // The matcher alone, one probe finger against every enrolled finger of its position.
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let positions = cris::cpms::gallery::Gallery::default().current(&db).await.expect("gallery");
    let position = positions.get(&1).expect("right thumbs").clone();
    let probe_finger = to_xyt(&probe(17, 4_242)[0]);
    let prepared_probe = Prepared::new(probe_finger.clone());
    let t = Instant::now();
    let found = search_prepared(&prepared_probe, &position.fingers, threads);
    let prefiltered = t.elapsed().as_secs_f64();
    let plain: Vec<Vec<fingerprint::XytMinutia>> = position.fingers.iter().map(|f| f.minutiae.clone()).collect();
    let t = Instant::now();
    let all = search(&probe_finger, &plain, threads);
    let full = t.elapsed().as_secs_f64();
    assert_eq!(found, all, "the prefilter changed the result");
    let t = Instant::now();
    let top = cris::cpms::store::gallery_stamp(&db).await.expect("stamp").top;
    let rows = cris::cpms::store::fingers_between(&db, 0, top).await.expect("fingers");
    let read = t.elapsed().as_secs_f64();
    println!(
        "one-to-many over {} fingers on {threads} threads: every finger compared {full:.2} s, prefiltered {prefiltered:.3} s; \
         reading and decoding the gallery from the database (before: every query) {read:.2} s for {} fingers",
        plain.len(),
        rows.len()
    );
    running.shutdown(Duration::from_secs(1));
    db.close().await;
    let _ = std::fs::remove_file(&file);
}
