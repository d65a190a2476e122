//! Server-side sessions for staff and customers: a random token in a Secure (under TLS),
//! HttpOnly, SameSite=Strict cookie; only its hash is stored. Sessions end after an idle period
//! and after an absolute lifetime, at sign-out, or everywhere at once. Also the CSRF token of
//! every state-changing form (double-submit: a random cookie echoed in a hidden field).

use axum::http::{HeaderMap, HeaderValue, header};
use chrono::{DateTime, Duration, Utc};

use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::random::{self, RandomError, constant_time_eq, sha256_hex};

/// Whose session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A staff member.
    Staff,
    /// A customer account.
    Customer,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::Customer => "customer",
        }
    }

    /// The cookie that carries it.
    pub fn cookie(self) -> &'static str {
        match self {
            Kind::Staff => "cris_staff",
            Kind::Customer => "cris_customer",
        }
    }
}

/// Time limits of sessions.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Ends after this long without a request.
    pub idle: Duration,
    /// Ends this long after sign-in, whatever happens.
    pub absolute: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { idle: Duration::minutes(15), absolute: Duration::hours(12) }
    }
}

/// Session storage failed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Storage.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Randomness.
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl From<sqlx::Error> for SessionError {
    fn from(e: sqlx::Error) -> Self {
        SessionError::Db(DbError::Query(e))
    }
}

/// Starts a session; returns the token for the cookie.
pub async fn create(
    db: &Db,
    kind: Kind,
    subject: i64,
    ip: &str,
    now: DateTime<Utc>,
    limits: Limits,
) -> Result<String, SessionError> {
    let token = random::token(32)?;
    crate::with_db!(db, pool => {
        sqlx::query(
            "INSERT INTO sessions (token_hash, kind, subject_id, ip, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(sha256_hex(token.as_bytes()))
        .bind(kind.as_str())
        .bind(subject)
        .bind(ip)
        .bind(now)
        .bind(now + limits.absolute)
        .execute(pool)
        .await?;
    });
    Ok(token)
}

/// The subject of a live session, renewing its idle timer. Expired sessions are removed.
pub async fn lookup(
    db: &Db,
    kind: Kind,
    token: &str,
    now: DateTime<Utc>,
    limits: Limits,
) -> Result<Option<i64>, SessionError> {
    let hash = sha256_hex(token.as_bytes());
    let row: Option<(i64, DateTime<Utc>, DateTime<Utc>)> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT subject_id, last_seen_at, expires_at FROM sessions WHERE token_hash = $1 AND kind = $2")
            .bind(&hash)
            .bind(kind.as_str())
            .fetch_optional(pool)
            .await?
    });
    let Some((subject, last_seen, expires)) = row else { return Ok(None) };
    if now >= expires || now - last_seen >= limits.idle {
        delete(db, token).await?;
        return Ok(None);
    }
    // Writing on every request would serialise reads on SQLite; a minute's precision is enough.
    if now - last_seen >= Duration::minutes(1) {
        crate::with_db!(db, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2").bind(now).bind(&hash).execute(pool).await?;
        });
    }
    Ok(Some(subject))
}

/// Ends one session.
pub async fn delete(db: &Db, token: &str) -> Result<(), SessionError> {
    crate::with_db!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(sha256_hex(token.as_bytes())).execute(pool).await?;
    });
    Ok(())
}

/// Ends every session of a subject (sign out everywhere, deactivation, lockout).
pub async fn delete_all(db: &Db, kind: Kind, subject: i64) -> Result<u64, SessionError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query("DELETE FROM sessions WHERE kind = $1 AND subject_id = $2")
            .bind(kind.as_str())
            .bind(subject)
            .execute(pool)
            .await?
            .rows_affected()
    }))
}

/// [`delete_all`] inside a transaction (a password changed, an account closed).
pub async fn delete_all_in(tx: &mut Tx, kind: Kind, subject: i64) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query("DELETE FROM sessions WHERE kind = $1 AND subject_id = $2")
            .bind(kind.as_str())
            .bind(subject)
            .execute(&mut *conn)
            .await?
            .rows_affected())
    })
}

// ---------------------------------------------------------------- sign-in flows
//
// The state between the steps of a staff sign-in (`auth_flows`), behind a cookie; `staff::service`
// runs the steps.

/// Starts or advances a sign-in flow.
pub async fn put_flow(
    db: &Db,
    token_hash: &str,
    stage: &str,
    user: Option<i64>,
    expires: DateTime<Utc>,
) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        sqlx::query(
            "INSERT INTO auth_flows (token_hash, stage, user_id, expires_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (token_hash) DO UPDATE SET stage = excluded.stage, user_id = excluded.user_id, \
             account = NULL, password_ok = FALSE, expires_at = excluded.expires_at",
        )
        .bind(token_hash)
        .bind(stage)
        .bind(user)
        .bind(expires)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Moves a flow to the step that asks for password and code together (a throttled account): the
/// name typed, the account if there is one, and whether the password was right, none of which
/// the client sees.
pub async fn put_both_flow(
    db: &Db,
    token_hash: &str,
    user: Option<i64>,
    account: &str,
    password_ok: bool,
    expires: DateTime<Utc>,
) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        sqlx::query(
            "INSERT INTO auth_flows (token_hash, stage, user_id, account, password_ok, expires_at) VALUES ($1, 'both', $2, $3, $4, $5) \
             ON CONFLICT (token_hash) DO UPDATE SET stage = excluded.stage, user_id = excluded.user_id, \
             account = excluded.account, password_ok = excluded.password_ok, expires_at = excluded.expires_at",
        )
        .bind(token_hash)
        .bind(user)
        .bind(account)
        .bind(password_ok)
        .bind(expires)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// A live flow at the password-and-code step: (user, name typed, password right).
pub async fn get_both_flow(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Option<i64>, String, bool)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT user_id, account, password_ok FROM auth_flows WHERE token_hash = $1 AND stage = 'both' AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await?
    }))
}

/// A live flow: (stage, user).
pub async fn get_flow(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<(String, Option<i64>)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT stage, user_id FROM auth_flows WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
    }))
}

/// Ends a flow.
pub async fn delete_flow(db: &Db, token_hash: &str) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        sqlx::query("DELETE FROM auth_flows WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
    });
    Ok(())
}

/// Sessions and sign-in flows that expired before `before` (the retention engine's plan).
pub async fn expired(db: &Db, before: DateTime<Utc>) -> Result<crate::kernel::db::Extent, DbError> {
    let (n, lo, hi): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(expires_at), MAX(expires_at) FROM \
             (SELECT expires_at FROM sessions WHERE expires_at < $1 UNION ALL SELECT expires_at FROM auth_flows WHERE expires_at < $1) AS gone",
        )
        .bind(before)
        .fetch_one(pool)
        .await?
    });
    Ok(crate::kernel::db::Extent::from_times(n, lo, hi))
}

/// Deletes up to `batch` sessions and `batch` sign-in flows that expired before `before` (the
/// retention engine calls it; see `retention`).
pub async fn purge_expired_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let a = sqlx::query(
            "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions WHERE expires_at < $1 ORDER BY token_hash LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        let b = sqlx::query(
            "DELETE FROM auth_flows WHERE token_hash IN (SELECT token_hash FROM auth_flows WHERE expires_at < $1 ORDER BY token_hash LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        Ok(a + b)
    })
}

/// The value of a cookie in a request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(name)?.strip_prefix('='))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure under TLS; `max_age` None
/// makes a browser-session cookie, Some(0) deletes it.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The CSRF cookie's name.
pub const CSRF_COOKIE: &str = "cris_csrf";

/// The CSRF token of a request, and the cookie to set when the browser has none yet.
pub fn csrf_token(headers: &HeaderMap, secure: bool) -> Result<(String, Option<HeaderValue>), RandomError> {
    if let Some(existing) = cookie(headers, CSRF_COOKIE).filter(|t| t.len() >= 32) {
        return Ok((existing.to_owned(), None));
    }
    let token = random::token(24)?;
    let set = set_cookie(CSRF_COOKIE, &token, secure, None);
    Ok((token, Some(set)))
}

/// Attaches the CSRF cookie made for this request, if one was made (see [`csrf_token`]).
pub fn with_csrf_cookie(res: impl axum::response::IntoResponse, set: Option<&HeaderValue>) -> axum::response::Response {
    let mut res = res.into_response();
    if let Some(v) = set {
        res.headers_mut().append(header::SET_COOKIE, v.clone());
    }
    res
}

/// Whether a submitted form's token matches the browser's CSRF cookie.
pub fn csrf_ok(headers: &HeaderMap, submitted: &str) -> bool {
    cookie(headers, CSRF_COOKIE).is_some_and(|c| c.len() >= 32 && constant_time_eq(c.as_bytes(), submitted.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_csrf() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; cris_csrf=0123456789abcdef0123456789abcdef; b=2"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert!(csrf_ok(&h, "0123456789abcdef0123456789abcdef"));
        assert!(!csrf_ok(&h, "0123456789abcdef0123456789abcdeX"));
        assert!(!csrf_ok(&HeaderMap::new(), ""));
        let (token, set) = csrf_token(&HeaderMap::new(), true).unwrap();
        let set = set.unwrap();
        let set = set.to_str().unwrap();
        assert!(
            set.starts_with(&format!("cris_csrf={token};"))
                && set.contains("Secure")
                && set.contains("SameSite=Strict")
        );
    }
}
