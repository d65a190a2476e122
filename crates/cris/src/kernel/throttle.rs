//! Throttling of guessed secrets (NIST SP 800-63B 5.2.2): appointment PINs, portfolio passwords
//! and staff passwords. Instead of a lock that anyone who knows an identifier can trigger, failed
//! attempts earn growing delays, counted three ways:
//!
//! - by source address (one address guessing across many accounts);
//! - by account and source (one address guessing one account): the delay the guesser meets;
//! - by account (many addresses guessing one account): while that delay runs, addresses that
//!   already failed on the account wait; an address that has not (the real user, typically) is
//!   still heard, so a stranger's guesses never shut the real user out.
//!
//! The right secret clears the account's counts. Time comes in as `now`; the counts live in the
//! database, so every node sees the same delays. This file is its own store (`throttles`).

use chrono::{DateTime, Duration, Utc};

use crate::kernel::db::{Db, DbError, Tx};

/// How many failures are free, and how the delay grows after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures before any delay.
    pub free: i32,
    /// The first delay; each further failure doubles it.
    pub first_delay_secs: i64,
    /// The longest delay.
    pub max_delay_secs: i64,
}

impl Policy {
    /// The delay after `failures` failures, if any.
    pub fn delay(self, failures: i32) -> Option<Duration> {
        let over = failures.checked_sub(self.free)?;
        if over < 0 {
            return None;
        }
        let doublings = u32::try_from(over).unwrap_or(u32::MAX).min(30);
        let secs = self.first_delay_secs.saturating_mul(1_i64 << doublings).min(self.max_delay_secs);
        Some(Duration::seconds(secs))
    }
}

/// One address guessing one account: three free tries, then 2 s, 4 s, 8 s ... up to an hour.
pub const BY_ACCOUNT_AND_SOURCE: Policy = Policy { free: 3, first_delay_secs: 2, max_delay_secs: 3_600 };
/// Many addresses guessing one account: five free, then 2 s ... up to 15 minutes.
pub const BY_ACCOUNT: Policy = Policy { free: 5, first_delay_secs: 2, max_delay_secs: 900 };
/// One address guessing many accounts: twenty free, then 2 s ... up to an hour.
pub const BY_SOURCE: Policy = Policy { free: 20, first_delay_secs: 2, max_delay_secs: 3_600 };

/// What may be guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    /// The PIN of an appointment (account: the appointment).
    AppointmentPin,
    /// A portfolio's password or recovery answers (account: the customer).
    PortfolioPassword,
    /// A staff member's password or code (account: the staff account).
    StaffPassword,
}

impl Secret {
    fn prefix(self) -> &'static str {
        match self {
            Secret::AppointmentPin => "pin",
            Secret::PortfolioPassword => "portfolio",
            Secret::StaffPassword => "staff",
        }
    }
}

/// The keys of one attempt.
struct Keys {
    source: String,
    account_source: String,
    account: String,
}

fn keys(secret: Secret, account: &str, source: &str) -> Keys {
    let p = secret.prefix();
    Keys {
        source: format!("{p}:src:{source}"),
        account_source: format!("{p}:acct:{account}:src:{source}"),
        account: format!("{p}:acct:{account}"),
    }
}

/// Whether an attempt is heard now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Check the secret. `account_throttled`: the account is under many addresses' guesses, so a
    /// right secret alone should not be confirmed where a second factor follows.
    Hear {
        /// The account's own delay is running.
        account_throttled: bool,
    },
    /// Not before then; the secret is not even checked.
    Wait(DateTime<Utc>),
}

type Row = (i32, Option<DateTime<Utc>>);

async fn read(tx: &mut Tx, key: &str) -> Result<Option<Row>, DbError> {
    crate::with_tx!(tx, conn => {
        let row: Option<Row> = sqlx::query_as("SELECT failures, blocked_until FROM throttles WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
        Ok(row)
    })
}

/// Before checking a secret for `account` from `source`, in the caller's transaction.
pub async fn check(
    tx: &mut Tx,
    secret: Secret,
    account: &str,
    source: &str,
    now: DateTime<Utc>,
) -> Result<Verdict, DbError> {
    let k = keys(secret, account, source);
    let by_source = read(tx, &k.source).await?;
    let by_pair = read(tx, &k.account_source).await?;
    let by_account = read(tx, &k.account).await?;
    let until = |row: Option<Row>| row.and_then(|r| r.1).filter(|u| *u > now);
    if let Some(u) = until(by_source) {
        return Ok(Verdict::Wait(u));
    }
    if let Some(u) = until(by_pair) {
        return Ok(Verdict::Wait(u));
    }
    let account_throttled = until(by_account);
    if let Some(u) = account_throttled
        && by_pair.is_some_and(|r| r.0 > 0)
    {
        return Ok(Verdict::Wait(u));
    }
    Ok(Verdict::Hear { account_throttled: account_throttled.is_some() })
}

async fn bump(tx: &mut Tx, key: &str, policy: Policy, now: DateTime<Utc>) -> Result<i32, DbError> {
    let failures: i32 = crate::with_tx!(tx, conn => {
        let n: i32 = sqlx::query_scalar(
            "INSERT INTO throttles (key, failures, blocked_until, last_failure_at) VALUES ($1, 1, NULL, $2) \
             ON CONFLICT (key) DO UPDATE SET failures = throttles.failures + 1, last_failure_at = excluded.last_failure_at \
             RETURNING failures",
        )
        .bind(key)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        n
    });
    let until = policy.delay(failures).map(|d| now + d);
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE throttles SET blocked_until = $1 WHERE key = $2").bind(until).bind(key).execute(&mut *conn).await?;
    });
    Ok(failures)
}

/// Counts a wrong secret, in the caller's transaction; returns the account's failures so far
/// (from every address), for alerts.
pub async fn failed(
    tx: &mut Tx,
    secret: Secret,
    account: &str,
    source: &str,
    now: DateTime<Utc>,
) -> Result<i32, DbError> {
    let k = keys(secret, account, source);
    bump(tx, &k.source, BY_SOURCE, now).await?;
    bump(tx, &k.account_source, BY_ACCOUNT_AND_SOURCE, now).await?;
    bump(tx, &k.account, BY_ACCOUNT, now).await
}

/// The right secret: the account's counts start again (the source's stay, since one address
/// may be guessing several accounts).
pub async fn succeeded(tx: &mut Tx, secret: Secret, account: &str, source: &str) -> Result<(), DbError> {
    let k = keys(secret, account, source);
    crate::with_tx!(tx, conn => {
        sqlx::query("DELETE FROM throttles WHERE key = $1 OR key = $2")
            .bind(&k.account)
            .bind(&k.account_source)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Forgets an account (an appointment cancelled, an account closed) from every address.
pub async fn forget_account(tx: &mut Tx, secret: Secret, account: &str) -> Result<(), DbError> {
    let k = keys(secret, account, "");
    crate::with_tx!(tx, conn => {
        sqlx::query("DELETE FROM throttles WHERE key = $1 OR key LIKE $2")
            .bind(&k.account)
            .bind(format!("{}:src:%", k.account))
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// The accounts of one kind that earned their own delay (failures from many addresses beyond
/// [`BY_ACCOUNT`]'s free ones, not yet cleared by the right secret), with their failures and
/// the end of the latest delay, for the administrators' pages: (account, failures, until).
pub async fn throttled_accounts(db: &Db, secret: Secret) -> Result<Vec<(String, i32, DateTime<Utc>)>, DbError> {
    let prefix = format!("{}:acct:", secret.prefix());
    let rows: Vec<(String, i32, DateTime<Utc>)> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT key, failures, blocked_until FROM throttles \
             WHERE key LIKE $1 AND key NOT LIKE $2 AND blocked_until IS NOT NULL ORDER BY key",
        )
        .bind(format!("{prefix}%"))
        .bind(format!("{prefix}%:src:%"))
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .filter_map(|(key, n, until)| key.strip_prefix(&prefix).map(|a| (a.to_owned(), n, until)))
        .collect())
}

/// Counts without a failure since `before`: how many, and the days of the oldest and newest last
/// failure (the retention engine's plan; see `retention`).
pub async fn expired(db: &Db, before: DateTime<Utc>) -> Result<crate::kernel::db::Extent, DbError> {
    let (n, lo, hi): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT COUNT(*), MIN(last_failure_at), MAX(last_failure_at) FROM throttles WHERE last_failure_at < $1")
            .bind(before)
            .fetch_one(pool)
            .await?
    });
    Ok(crate::kernel::db::Extent::from_times(n, lo, hi))
}

/// Drops up to `batch` counts without a failure since `before` (the retention engine calls it,
/// in its transaction; see `retention`).
pub async fn purge_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query("DELETE FROM throttles WHERE key IN (SELECT key FROM throttles WHERE last_failure_at < $1 ORDER BY key LIMIT $2)")
            .bind(before)
            .bind(batch)
            .execute(&mut *conn)
            .await?
            .rows_affected())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stop_growing() {
        let p = BY_ACCOUNT_AND_SOURCE;
        assert_eq!(p.delay(2), None);
        assert_eq!(p.delay(3), Some(Duration::seconds(2)));
        assert_eq!(p.delay(4), Some(Duration::seconds(4)));
        assert_eq!(p.delay(8), Some(Duration::seconds(64)));
        assert_eq!(p.delay(40), Some(Duration::seconds(3_600)));
        assert_eq!(p.delay(i32::MAX), Some(Duration::seconds(3_600)));
    }
}
