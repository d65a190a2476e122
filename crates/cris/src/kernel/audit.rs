//! The audit trail (R-AU-05): every staff read or change of personal data and every transaction,
//! and the security log of sign-ins, sign-outs, failures, lockouts and denials. Rows are appended
//! in the same transaction as the change they describe, and each carries a SHA-256 hash chained to
//! the one before, so that changing, removing or inserting a row breaks the chain at that row
//! (`cris audit verify`).

use std::fmt::Write as _;

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};
use sqlx::QueryBuilder;

use crate::kernel::db::{Db, DbError, Tx};

/// What kind of event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// A read of personal data.
    Access,
    /// A transaction: a change.
    Change,
    /// Sign-ins, sign-outs, failures, lockouts, denials (the security log).
    Security,
}

impl Category {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Access => "access",
            Category::Change => "change",
            Category::Security => "security",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Category> {
        [Category::Access, Category::Change, Category::Security].into_iter().find(|c| c.as_str() == s)
    }
}

/// How it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Ok,
    /// Refused by access control.
    Denied,
    /// Attempted and failed (a wrong password, say).
    Failed,
}

impl Outcome {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// Kind.
    pub category: Category,
    /// What happened, e.g. `staff.sign_in` or `staff_user.create`.
    pub event: &'a str,
    /// Who (user name; `-` when unknown).
    pub username: &'a str,
    /// From where.
    pub ip: &'a str,
    /// The site: the office of the actor or record.
    pub office: &'a str,
    /// The record touched, e.g. `staff_user:42` (`-` when none).
    pub record: &'a str,
    /// How it ended.
    pub outcome: Outcome,
    /// Anything else worth keeping (never secrets).
    pub detail: &'a str,
}

/// A stored row.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq)]
pub struct Row {
    /// Position in the chain, from 1.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Category name.
    pub category: String,
    /// Event name.
    pub event: String,
    /// User name.
    pub username: String,
    /// IP address.
    pub ip: String,
    /// Site.
    pub office: String,
    /// Record.
    pub record: String,
    /// Outcome name.
    pub outcome: String,
    /// Detail.
    pub detail: String,
    /// The previous row's hash.
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
}

/// Timestamps are hashed as text, so they are kept to the microsecond both engines store.
fn canonical_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The hash of a row: every field, length-prefixed so that no two rows serialise alike.
#[expect(clippy::too_many_arguments, reason = "the fields of one row")]
fn chain_hash(
    id: i64,
    at: DateTime<Utc>,
    category: &str,
    event: &str,
    username: &str,
    ip: &str,
    office: &str,
    record: &str,
    outcome: &str,
    detail: &str,
    prev: &str,
) -> String {
    let mut h = Sha256::new();
    let id = id.to_string();
    let at = canonical_time(at);
    for field in [id.as_str(), at.as_str(), category, event, username, ip, office, record, outcome, detail, prev] {
        h.update(field.len().to_string().as_bytes());
        h.update(b":");
        h.update(field.as_bytes());
    }
    crate::kernel::random::hex(&h.finalize())
}

fn row_hash(r: &Row) -> String {
    chain_hash(
        r.id,
        r.at,
        &r.category,
        &r.event,
        &r.username,
        &r.ip,
        &r.office,
        &r.record,
        &r.outcome,
        &r.detail,
        &r.prev_hash,
    )
}

/// Appends an entry inside the caller's transaction. The head row is updated first, so its row
/// lock orders concurrent writers and the chain never forks.
pub async fn record(tx: &mut Tx, now: DateTime<Utc>, e: &Entry<'_>) -> Result<i64, DbError> {
    let at = now.trunc_subsecs(6);
    crate::with_tx!(tx, conn => {
        let (id, prev): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash")
                .fetch_one(&mut *conn)
                .await?;
        let (cat, outcome) = (e.category.as_str(), e.outcome.as_str());
        let hash = chain_hash(id, at, cat, e.event, e.username, e.ip, e.office, e.record, outcome, e.detail, &prev);
        sqlx::query(
            "INSERT INTO audit_log (id, at, category, event, username, ip, office, record, outcome, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id)
        .bind(at)
        .bind(cat)
        .bind(e.event)
        .bind(e.username)
        .bind(e.ip)
        .bind(e.office)
        .bind(e.record)
        .bind(outcome)
        .bind(e.detail)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
        Ok(id)
    })
}

/// Appends an entry in a transaction of its own (for reads and refusals, which change nothing).
pub async fn record_alone(db: &Db, now: DateTime<Utc>, e: &Entry<'_>) -> Result<i64, DbError> {
    let mut tx = db.begin().await?;
    let id = record(&mut tx, now, e).await?;
    tx.commit().await?;
    Ok(id)
}

/// The first place the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The row at which it breaks (for a truncated log, the first missing id).
    pub id: i64,
    /// What is wrong there.
    pub reason: String,
}

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked.
    pub checked: u64,
    /// The first break, if any.
    pub broken: Option<Break>,
}

/// Walks the whole chain, recomputing every hash.
pub async fn verify(db: &Db) -> Result<Verification, DbError> {
    let (head_id, head_hash): (i64, String) = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE id = 1").fetch_one(pool).await?
    });
    let mut prev = String::from("0000000000000000000000000000000000000000000000000000000000000000");
    let mut expected_id = 1i64;
    let mut checked = 0u64;
    let page = 5_000i64;
    loop {
        let rows: Vec<Row> = crate::with_db!(db, pool => {
            sqlx::query_as("SELECT * FROM audit_log WHERE id >= $1 ORDER BY id LIMIT $2")
                .bind(expected_id)
                .bind(page)
                .fetch_all(pool)
                .await?
        });
        let n = rows.len();
        for r in rows {
            let broken =
                |reason: &str| Verification { checked, broken: Some(Break { id: r.id, reason: reason.to_owned() }) };
            if r.id != expected_id {
                return Ok(Verification {
                    checked,
                    broken: Some(Break { id: expected_id, reason: format!("row {expected_id} is missing") }),
                });
            }
            if r.prev_hash != prev {
                return Ok(broken("its link to the previous row does not match"));
            }
            if row_hash(&r) != r.hash {
                return Ok(broken("its content does not match its hash"));
            }
            prev = r.hash;
            expected_id += 1;
            checked += 1;
        }
        if i64::try_from(n).unwrap_or(0) < page {
            break;
        }
    }
    let last = expected_id - 1;
    if last != head_id || (last > 0 && prev != head_hash) {
        return Ok(Verification {
            checked,
            broken: Some(Break {
                id: last + 1,
                reason: format!("the log ends at row {last} but was written up to row {head_id}"),
            }),
        });
    }
    Ok(Verification { checked, broken: None })
}

/// Filters for reading the logs.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this category (the security log is `Security`).
    pub category: Option<Category>,
    /// Only this event name.
    pub event: Option<String>,
    /// Only this user.
    pub username: Option<String>,
    /// Only this office.
    pub office: Option<String>,
    /// Only these offices (the reader's reach); `None` means every office.
    pub within: Option<Vec<String>>,
    /// From this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Rows older than this id (paging backwards).
    pub before_id: Option<i64>,
    /// How many rows at most.
    pub limit: i64,
}

/// Rows matching a filter, newest first.
pub async fn search(db: &Db, f: &Filter) -> Result<Vec<Row>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = QueryBuilder::new("SELECT * FROM audit_log WHERE 1 = 1");
        if let Some(c) = f.category {
            q.push(" AND category = ").push_bind(c.as_str());
        }
        if let Some(e) = &f.event {
            q.push(" AND event = ").push_bind(e.clone());
        }
        if let Some(u) = &f.username {
            q.push(" AND username = ").push_bind(u.clone());
        }
        if let Some(o) = &f.office {
            q.push(" AND office = ").push_bind(o.clone());
        }
        if let Some(within) = &f.within {
            crate::kernel::db::push_in(&mut q, "office", within);
        }
        if let Some(from) = f.from {
            q.push(" AND at >= ").push_bind(from);
        }
        if let Some(to) = f.to {
            q.push(" AND at < ").push_bind(to);
        }
        if let Some(before) = f.before_id {
            q.push(" AND id < ").push_bind(before);
        }
        q.push(" ORDER BY id DESC LIMIT ").push_bind(f.limit.clamp(1, 10_000));
        q.build_query_as::<Row>().fetch_all(pool).await?
    }))
}

/// Rows as CSV (RFC 4180). Cells that a spreadsheet would run as a formula are prefixed with `'`.
pub fn to_csv(rows: &[Row]) -> String {
    use super::csv::cell;
    let mut out = String::from("id,time,category,event,user,ip,site,record,outcome,detail,hash\r\n");
    for r in rows {
        let _ = write!(out, "{},", r.id);
        for v in [
            canonical_time(r.at).as_str(),
            &r.category,
            &r.event,
            &r.username,
            &r.ip,
            &r.office,
            &r.record,
            &r.outcome,
            &r.detail,
        ] {
            cell(&mut out, v);
            out.push(',');
        }
        cell(&mut out, &r.hash);
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn csv_escapes_quotes_and_formulas() {
        let r = Row {
            id: 7,
            at: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(),
            category: "change".into(),
            event: "x".into(),
            username: "=cmd()".into(),
            ip: "1.2.3.4".into(),
            office: "NYC".into(),
            record: "r".into(),
            outcome: "ok".into(),
            detail: "say \"hi\", then go".into(),
            prev_hash: "p".into(),
            hash: "h".into(),
        };
        let csv = to_csv(&[r]);
        assert!(csv.contains(r#""'=cmd()""#));
        assert!(csv.contains(r#""say ""hi"", then go""#));
        assert!(csv.starts_with("id,time,"));
        assert!(csv.contains("\"2026-01-02T03:04:05.000000Z\""));
    }

    #[test]
    fn the_hash_covers_every_field() {
        let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let base = chain_hash(1, at, "a", "b", "c", "d", "e", "f", "g", "h", "p");
        assert_ne!(base, chain_hash(1, at, "a", "b", "c", "d", "e", "f", "g", "h ", "p"));
        assert_ne!(base, chain_hash(2, at, "a", "b", "c", "d", "e", "f", "g", "h", "p"));
        // Moving text between fields changes the hash (length prefixes).
        assert_ne!(
            chain_hash(1, at, "ab", "", "c", "d", "e", "f", "g", "h", "p"),
            chain_hash(1, at, "a", "b", "c", "d", "e", "f", "g", "h", "p")
        );
    }
}
