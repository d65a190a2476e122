//! A short-lived cache of status reports for the machine interfaces, which third-party trackers
//! poll hard: a report is kept for a few seconds (unknown receipt numbers too), so a burst of
//! lookups costs one database read. A status change applied through this node drops its entry at
//! once; other nodes see it when their entry expires, which is the staleness a public lookup can
//! live with.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::model::Report;

/// How long a report is served from memory.
pub const TTL: Duration = Duration::from_secs(5);

/// Entries kept at most; past this, expired ones are dropped, then the whole map if need be.
const CAPACITY: usize = 200_000;

/// When an entry was stored, and the report (`None`: unknown or not to be disclosed).
type Entry = (Instant, Option<Arc<Report>>);

/// Reports by receipt number.
#[derive(Debug, Default)]
pub struct ReportCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl ReportCache {
    /// A fresh entry, if any.
    pub fn get(&self, receipt: &str, now: Instant) -> Option<Option<Arc<Report>>> {
        let map = self.entries.lock().ok()?;
        map.get(receipt).filter(|(at, _)| now.duration_since(*at) < TTL).map(|(_, r)| r.clone())
    }

    /// Keeps a report (or the fact that there is none).
    pub fn put(&self, receipt: &str, report: Option<Arc<Report>>, now: Instant) {
        let Ok(mut map) = self.entries.lock() else { return };
        if map.len() >= CAPACITY {
            map.retain(|_, (at, _)| now.duration_since(*at) < TTL);
            if map.len() >= CAPACITY {
                map.clear();
            }
        }
        map.insert(receipt.to_owned(), (now, report));
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
        let t0 = Instant::now();
        cache.put("EAC9999103403", None, t0);
        assert_eq!(cache.get("EAC9999103403", t0).map(|r| r.is_none()), Some(true), "an unknown receipt is cached too");
        assert!(cache.get("EAC9999103403", t0 + TTL).is_none(), "expired");
        cache.put("EAC9999103403", None, t0);
        cache.forget(["EAC9999103403"]);
        assert!(cache.get("EAC9999103403", t0).is_none());
    }
}
