//! A short-lived cache of status reports for the machine interfaces, which third-party trackers
//! poll hard: a report is kept for a few seconds (unknown receipt numbers too), so a burst of
//! lookups costs one database read. A status change applied through this node drops its entry at
//! once; other nodes see it when their entry expires, which is the staleness a public lookup can
//! live with. Each entry lives between one and two TTLs, at random, so that entries filled
//! together do not all expire together. The posted processing times the reports include are
//! kept for a minute (they change monthly).

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;

use super::model::Report;
use crate::kernel::db::{Db, DbError};
use crate::kernel::recent::Recent;
use crate::processing_times::Posted;

impl crate::web::AppState {
    /// This node's cache of status reports for the machine interfaces: case status's part of the
    /// application state, which the shell holds without knowing it.
    pub fn reports(&self) -> &Arc<ReportCache> {
        self.part::<Arc<ReportCache>>()
    }
}

/// How long a report is served from memory, at least.
pub const TTL: Duration = Duration::from_secs(5);

/// How long past its expiry an entry is still served while it is being refreshed.
const GRACE: Duration = Duration::from_secs(30);

/// How long a refresh may take before another caller starts one.
const REFRESH_WAIT: Duration = Duration::from_secs(2);

/// What the cache holds for a receipt number.
#[derive(Debug)]
pub enum Lookup {
    /// A report (or the fact that there is none) within its time.
    Fresh(Option<Arc<Cached>>),
    /// One past its time: serve it, and refresh it.
    Stale(Option<Arc<Cached>>),
    /// Nothing usable.
    Missing,
}

/// How long posted processing times are served from memory.
const POSTED_TTL: Duration = Duration::from_secs(60);

/// Entries kept: at most twice this many, the ones asked for recently (`kernel::recent`). Enough
/// for the pollers' working set over a few seconds; under lookups spread over millions of cases
/// the cache cannot help, and 200,000 entries held gigabytes (issue 18).
const GENERATION: usize = 5_000;

/// A cached report, with the developer API's rendering of it, made on first use: pollers
/// then cost a copy of bytes rather than a serialisation.
#[derive(Debug)]
pub struct Cached {
    report: Report,
    api_body: OnceLock<Bytes>,
}

impl Cached {
    /// Wraps a report.
    pub fn new(report: Report) -> Cached {
        Cached { report, api_body: OnceLock::new() }
    }

    /// The developer API's body, rendered once.
    pub fn api_body(&self, render: impl FnOnce(&Report) -> String) -> Bytes {
        self.api_body.get_or_init(|| Bytes::from(render(&self.report))).clone()
    }
}

impl std::ops::Deref for Cached {
    type Target = Report;

    fn deref(&self) -> &Report {
        &self.report
    }
}

/// When an entry expires, and the report (`None`: unknown or not to be disclosed).
type Entry = (Instant, Option<Arc<Cached>>);

/// The postings of the whole table, by form then office (looked up without building a key),
/// and when they were read.
type Board = (Instant, Arc<HashMap<String, HashMap<String, Arc<Posted>>>>);

/// Reports by receipt number, and the posted processing times.
#[derive(Debug)]
pub struct ReportCache {
    entries: Mutex<Recent<Entry>>,
    posted: Mutex<Option<Board>>,
}

impl Default for ReportCache {
    fn default() -> ReportCache {
        ReportCache { entries: Mutex::new(Recent::new(GENERATION)), posted: Mutex::default() }
    }
}

impl ReportCache {
    /// What the cache holds for a receipt number. An entry past its expiry is still served, for
    /// a grace period, while one caller refreshes it: the first caller to find it stale is told
    /// so, and the entry is held fresh a little longer so that the others are not.
    pub fn get(&self, receipt: &str, now: Instant) -> Lookup {
        let Ok(mut map) = self.entries.lock() else { return Lookup::Missing };
        let (entry, retired) = map.get_mut(receipt);
        let found = match entry {
            Some((expires, report)) if now < *expires => Lookup::Fresh(report.clone()),
            Some((expires, report)) if now < *expires + GRACE => {
                *expires = now + REFRESH_WAIT;
                Lookup::Stale(report.clone())
            }
            _ => Lookup::Missing,
        };
        drop(map);
        drop(retired);
        found
    }

    /// Keeps a report (or the fact that there is none).
    pub fn put(&self, receipt: &str, report: Option<Arc<Cached>>, now: Instant) {
        let jitter = std::collections::hash_map::RandomState::new().hash_one(receipt) % 1_000;
        let expires = now + TTL + TTL.mul_f64(jitter as f64 / 1_000.0);
        let Ok(mut map) = self.entries.lock() else { return };
        let (_, retired) = map.insert(receipt.to_owned(), (expires, report));
        // A retired generation's reports are freed after the lock is released.
        drop(map);
        drop(retired);
    }

    /// The processing time posted for a form at an office (its first subtype), from a copy of
    /// the table read at most a minute ago.
    pub async fn posted(&self, db: &Db, form: &str, office: &str) -> Result<Option<Arc<Posted>>, DbError> {
        let now = crate::kernel::clock::monotonic();
        let board =
            self.posted.lock().ok().and_then(|b| b.clone()).filter(|(at, _)| now.duration_since(*at) < POSTED_TTL);
        let board = match board {
            Some((_, board)) => board,
            None => {
                let mut all: HashMap<String, HashMap<String, Arc<Posted>>> = HashMap::new();
                for p in crate::processing_times::all(db).await? {
                    all.entry(p.form_code.clone())
                        .or_default()
                        .entry(p.office_code.clone())
                        .or_insert_with(|| Arc::new(p));
                }
                let all = Arc::new(all);
                if let Ok(mut b) = self.posted.lock() {
                    *b = Some((now, all.clone()));
                }
                all
            }
        };
        Ok(board.get(form).and_then(|offices| offices.get(office)).cloned())
    }

    /// Drops the copy of the posted processing times (after a publication).
    pub fn forget_posted(&self) {
        if let Ok(mut b) = self.posted.lock() {
            *b = None;
        }
    }

    /// Drops the entries of changed cases.
    pub fn forget<'a>(&self, receipts: impl IntoIterator<Item = &'a str>) {
        if let Ok(mut map) = self.entries.lock() {
            for r in receipts {
                map.remove(r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_can_be_forgotten() {
        let cache = ReportCache::default();
        let t0 = crate::kernel::clock::monotonic();
        let r = "EAC9999103403";
        cache.put(r, None, t0);
        assert!(matches!(cache.get(r, t0), Lookup::Fresh(None)), "an unknown receipt is cached too");
        assert!(
            matches!(cache.get(r, t0 + TTL - Duration::from_millis(1)), Lookup::Fresh(_)),
            "kept for a TTL at least"
        );
        let late = t0 + TTL * 2;
        assert!(matches!(cache.get(r, late), Lookup::Stale(_)), "then served stale to one caller, who refreshes it");
        assert!(matches!(cache.get(r, late), Lookup::Fresh(_)), "while the others are served as before");
        assert!(matches!(cache.get(r, late + REFRESH_WAIT + GRACE), Lookup::Missing), "a refresh that never came");
        cache.put(r, None, t0);
        cache.forget([r]);
        assert!(matches!(cache.get(r, t0), Lookup::Missing));
    }

    #[test]
    fn expiries_are_spread() {
        let cache = ReportCache::default();
        let t0 = crate::kernel::clock::monotonic();
        for i in 0..100 {
            cache.put(&format!("EAC99991{i:05}"), None, t0);
        }
        let halfway = t0 + TTL + TTL / 2;
        let alive =
            (0..100).filter(|i| matches!(cache.get(&format!("EAC99991{i:05}"), halfway), Lookup::Fresh(_))).count();
        assert!((10..90).contains(&alive), "entries filled together expire at different times: {alive} of 100 alive");
    }
}
