//! Registering clients (administrators, checked and audited; the command line and the demo as
//! the system), listing them, and authenticating a client's token request.

use chrono::{DateTime, Utc};

use super::model::{ApiClient, NewClient};
use super::store;
use crate::kernel::access::{Actor, Capability, authorize};
use crate::kernel::access::{deny, permit};
use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::db::{Db, DbError};
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;
use crate::kernel::random::{self, constant_time_eq, sha256_hex};
use crate::reference::Catalog;

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
    let (name, scopes) = new.checked()?;
    let name = name.as_str();
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
    let secret_hash = sha256_hex(secret.as_bytes());
    let row = store::Row {
        client_id: &client_id,
        name,
        secret_hash: &secret_hash,
        rate_per_second: new.rate_per_second,
        daily_quota: new.daily_quota,
        scopes: &scopes,
    };
    let id = store::insert(&mut tx, &row, now).await?;
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
    Ok(store::all(db).await?)
}

/// The active client whose id and secret these are.
pub async fn authenticate(db: &Db, client_id: &str, secret: &str) -> Result<Option<ApiClient>, DbError> {
    let client = store::active(db, client_id).await?;
    Ok(client.filter(|c| constant_time_eq(c.secret_hash.as_bytes(), sha256_hex(secret.as_bytes()).as_bytes())))
}
