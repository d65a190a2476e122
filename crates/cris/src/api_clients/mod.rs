//! Registered machine clients of the APIs (the public Case Status API, system interfaces): a
//! client id and a secret (stored as a SHA-256 hash: secrets are random and long, so a slow hash
//! would only slow every token request), each with its own rate limit and daily quota.

pub mod routes;

use chrono::{DateTime, Utc};

use crate::kernel::access::{Actor, Capability, authorize};
use crate::kernel::access::{deny, permit};
use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::db::{Db, DbError};
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;
use crate::kernel::random::{self, constant_time_eq, sha256_hex};
use crate::reference::Catalog;

/// The public service's limits, for clients registered without their own.
pub const DEFAULT_RATE_PER_SECOND: i64 = 10;
/// Requests a day, by default.
pub const DEFAULT_DAILY_QUOTA: i64 = 5_000;

/// A registered client.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiClient {
    /// Id.
    pub id: i64,
    /// Public identifier.
    pub client_id: String,
    /// Application name.
    pub name: String,
    /// SHA-256 of the secret.
    pub secret_hash: String,
    /// Requests a second.
    pub rate_per_second: i64,
    /// Requests a day.
    pub daily_quota: i64,
    /// Usable.
    pub active: bool,
    /// Registered.
    pub created_at: DateTime<Utc>,
    /// What it may do, space-separated: `case_status` (read), `case_events` (push status changes).
    pub scopes: String,
}

/// A client to register.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// Application name.
    pub name: String,
    /// Identifier; generated when None.
    pub client_id: Option<String>,
    /// Secret; generated when None.
    pub secret: Option<String>,
    /// Requests a second.
    pub rate_per_second: i64,
    /// Requests a day.
    pub daily_quota: i64,
    /// Scopes, space-separated; see [`SCOPES`].
    pub scopes: String,
}

/// The scopes a client may hold.
pub const SCOPES: [&str; 2] = ["case_status", "case_events"];

/// Registers a client; returns (client id, secret). The secret is shown once and never stored.
/// `actor` is None for the command line and the demo data.
pub async fn register(
    db: &Db,
    catalog: &Catalog,
    actor: Option<&Actor>,
    now: DateTime<Utc>,
    new: NewClient,
) -> Result<(String, String), ServiceError> {
    if let Some(a) = actor
        && let Err(d) = authorize(a, Capability::ApiClientsManage, None)
    {
        return Err(deny(db, catalog, a, now, "api_client.register", None, d).await.into());
    }
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(InvalidInput::new("name", "Enter the application's name (up to 100 characters).").into());
    }
    if !(1..=100_000).contains(&new.rate_per_second) || !(1..=1_000_000_000).contains(&new.daily_quota) {
        return Err(
            InvalidInput::new("rate", "Give a rate of 1 to 100,000 a second and a quota of at least 1 a day.").into()
        );
    }
    let scopes: Vec<&str> = new.scopes.split_whitespace().collect();
    if scopes.is_empty() || scopes.iter().any(|s| !SCOPES.contains(s)) {
        return Err(InvalidInput::new("scopes", "Give one or more of: case_status, case_events.").into());
    }
    let scopes = scopes.join(" ");
    let random_part = |n| random::token(n).map_err(|e| ServiceError::Internal(e.to_string()));
    let client_id = match new.client_id {
        Some(c) if !c.trim().is_empty() => c.trim().to_owned(),
        _ => random_part(16)?,
    };
    let secret = match new.secret {
        Some(s) if !s.is_empty() => s,
        _ => random_part(32)?,
    };
    let mut tx = db.begin().await?;
    let id: Option<i64> = crate::with_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO api_clients (client_id, name, secret_hash, rate_per_second, daily_quota, created_at, scopes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (client_id) DO NOTHING RETURNING id",
        )
        .bind(&client_id)
        .bind(name)
        .bind(sha256_hex(secret.as_bytes()))
        .bind(new.rate_per_second)
        .bind(new.daily_quota)
        .bind(now)
        .bind(&scopes)
        .fetch_optional(&mut *conn)
        .await?
    });
    let id = id.ok_or_else(|| InvalidInput::new("client_id", "This client id is taken."))?;
    let record = format!("api_client:{id}");
    let detail = format!("registered {client_id} ({name})");
    let (username, ip, office) =
        actor.map_or(("system", "-", "-"), |a| (a.username.as_str(), a.ip.as_str(), a.place.office.as_str()));
    let e = Entry {
        category: Category::Change,
        event: "api_client.register",
        username,
        ip,
        office,
        record: &record,
        outcome: Outcome::Ok,
        detail: &detail,
    };
    audit::record(&mut tx, now, &e).await?;
    tx.commit().await?;
    Ok((client_id, secret))
}

/// Every client (for administrators).
pub async fn list(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<ApiClient>, ServiceError> {
    permit(db, catalog, actor, now, Capability::ApiClientsManage, ("api_client.list", None)).await?;
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM api_clients ORDER BY name").fetch_all(pool).await?
    }))
}

/// The active client whose id and secret these are.
pub async fn authenticate(db: &Db, client_id: &str, secret: &str) -> Result<Option<ApiClient>, DbError> {
    let client: Option<ApiClient> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM api_clients WHERE client_id = $1 AND active = TRUE").bind(client_id).fetch_optional(pool).await?
    });
    Ok(client.filter(|c| constant_time_eq(c.secret_hash.as_bytes(), sha256_hex(secret.as_bytes()).as_bytes())))
}
