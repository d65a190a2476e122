//! Rate limits kept in memory: token buckets by key (an IP address, an account, an API client)
//! and daily quotas. Per process: several nodes each enforce their own share, which is what a
//! limit meant to slow abuse needs; exact global counting would cost a database write a request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use chrono::NaiveDate;

use super::recent::Recent;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by key.
#[derive(Debug)]
pub struct Limiter {
    buckets: Mutex<Recent<Bucket>>,
    daily: Mutex<HashMap<String, (NaiveDate, u64)>>,
}

/// Keys kept: at most twice this many buckets. A bucket idle for a whole generation is
/// forgotten; one idle that long has refilled anyway at any rate these limits use (100,000 new
/// addresses take seconds even at national load; a burst refills in two).
const GENERATION: usize = 100_000;

/// Beyond this many daily quotas, past days' are forgotten.
const MAX_KEYS: usize = 100_000;

impl Default for Limiter {
    fn default() -> Limiter {
        Limiter { buckets: Mutex::new(Recent::new(GENERATION)), daily: Mutex::default() }
    }
}

impl Limiter {
    /// Takes one token from `key`'s bucket, which refills at `per_second` up to `burst`.
    /// False when empty.
    pub fn allow(&self, key: &str, per_second: f64, burst: f64, now: Instant) -> bool {
        let Ok(mut map) = self.buckets.lock() else { return true };
        // A known key is found without copying it (issue 18: every API request asks).
        let (found, mut retired) = map.get_mut(key);
        let allowed = match found {
            Some(b) => {
                let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
                b.tokens = (b.tokens + elapsed * per_second).min(burst);
                b.at = now;
                take(b)
            }
            None => {
                let (b, old) = map.insert(key.to_owned(), Bucket { tokens: burst, at: now });
                retired = old;
                b.is_none_or(take)
            }
        };
        drop(map);
        drop(retired);
        allowed
    }

    /// Counts one use of `key` on `day`; false once `quota` uses were counted that day.
    pub fn within_daily(&self, key: &str, quota: u64, day: NaiveDate) -> bool {
        let Ok(mut map) = self.daily.lock() else { return true };
        if !map.contains_key(key) {
            // Only a new key can grow the map, so only a new key prunes it.
            if map.len() > MAX_KEYS {
                map.retain(|_, (d, _)| *d == day);
            }
            map.insert(key.to_owned(), (day, 0));
        }
        let Some(entry) = map.get_mut(key) else { return true };
        if entry.0 != day {
            *entry = (day, 0);
        }
        if entry.1 >= quota {
            return false;
        }
        entry.1 += 1;
        true
    }
}

/// Takes a token from a bucket when it has one.
fn take(b: &mut Bucket) -> bool {
    if b.tokens >= 1.0 {
        b.tokens -= 1.0;
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn buckets_refill_and_quotas_reset_daily() {
        let l = Limiter::default();
        let t0 = crate::kernel::clock::monotonic();
        assert!((0..3).all(|_| l.allow("ip", 1.0, 3.0, t0)));
        assert!(!l.allow("ip", 1.0, 3.0, t0));
        assert!(l.allow("other", 1.0, 3.0, t0), "keys are separate");
        assert!(l.allow("ip", 1.0, 3.0, t0 + Duration::from_millis(1100)));
        let d1 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert!(l.within_daily("c", 2, d1) && l.within_daily("c", 2, d1));
        assert!(!l.within_daily("c", 2, d1));
        assert!(l.within_daily("c", 2, d1.succ_opt().unwrap()));
    }
}
