//! The clients' table (`api_clients`).

use chrono::{DateTime, Utc};

use super::model::ApiClient;
use crate::kernel::db::{Db, DbError, Tx};

/// A client to insert: its identifier, name, secret hash, limits and scopes.
pub struct Row<'a> {
    /// Public identifier.
    pub client_id: &'a str,
    /// Application name.
    pub name: &'a str,
    /// SHA-256 of the secret.
    pub secret_hash: &'a str,
    /// Requests a second.
    pub rate_per_second: i64,
    /// Requests a day.
    pub daily_quota: i64,
    /// Scopes, space-separated.
    pub scopes: &'a str,
}

/// Inserts a client; `None` when its identifier is taken.
pub async fn insert(tx: &mut Tx, row: &Row<'_>, now: DateTime<Utc>) -> Result<Option<i64>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO api_clients (client_id, name, secret_hash, rate_per_second, daily_quota, created_at, scopes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (client_id) DO NOTHING RETURNING id",
        )
        .bind(row.client_id)
        .bind(row.name)
        .bind(row.secret_hash)
        .bind(row.rate_per_second)
        .bind(row.daily_quota)
        .bind(now)
        .bind(row.scopes)
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// Every client, by name.
pub async fn all(db: &Db) -> Result<Vec<ApiClient>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM api_clients ORDER BY name").fetch_all(pool).await?
    }))
}

/// The active client with this identifier.
pub async fn active(db: &Db, client_id: &str) -> Result<Option<ApiClient>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM api_clients WHERE client_id = $1 AND active = TRUE").bind(client_id).fetch_optional(pool).await?
    }))
}
