//! The retention engine's own tables: purge certificates (`retention_runs`) and legal holds
//! (`legal_holds`), and the lock that orders holds and purge batches.

use chrono::{DateTime, Utc};

use super::model::{Certificate, Count, Hold, Kind};
use crate::kernel::db::{Db, DbError, Tx};

/// Orders a purge batch and the placing of a hold: on PostgreSQL a transaction-scoped advisory
/// lock (SQLite's write transactions are serialised already), so a hold placed while a batch
/// runs waits for it, and a batch started after sees the hold.
pub async fn lock(tx: &mut Tx) -> Result<(), DbError> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock(7240319001)").execute(&mut **t).await?;
    }
    Ok(())
}

/// The records of a kind under an active hold.
pub async fn held_ids(tx: &mut Tx, kind: Kind) -> Result<Vec<i64>, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query_scalar("SELECT record_id FROM legal_holds WHERE kind = $1 AND released_at IS NULL ORDER BY record_id")
            .bind(kind.code())
            .fetch_all(&mut *conn)
            .await?)
    })
}

/// How many records of each kind are held.
pub async fn held_counts(db: &Db) -> Result<Vec<(String, i64)>, DbError> {
    crate::with_db!(db, pool => {
        Ok(sqlx::query_as("SELECT kind, COUNT(*) FROM legal_holds WHERE released_at IS NULL GROUP BY kind")
            .fetch_all(pool)
            .await?)
    })
}

/// Places a hold; `None` when the record is held already.
pub async fn insert_hold(
    tx: &mut Tx,
    kind: Kind,
    record_id: i64,
    reason: &str,
    by: &str,
    at: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query_scalar(
            "INSERT INTO legal_holds (kind, record_id, reason, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (kind, record_id) WHERE released_at IS NULL DO NOTHING RETURNING id",
        )
        .bind(kind.code())
        .bind(record_id)
        .bind(reason)
        .bind(by)
        .bind(at)
        .fetch_optional(&mut *conn)
        .await?)
    })
}

/// Releases an active hold; returns its kind and record, or `None` when there is none.
pub async fn release_hold(tx: &mut Tx, id: i64, by: &str, at: DateTime<Utc>) -> Result<Option<(String, i64)>, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query_as(
            "UPDATE legal_holds SET released_by = $2, released_at = $3 WHERE id = $1 AND released_at IS NULL \
             RETURNING kind, record_id",
        )
        .bind(id)
        .bind(by)
        .bind(at)
        .fetch_optional(&mut *conn)
        .await?)
    })
}

/// Active holds, newest first.
pub async fn active_holds(db: &Db) -> Result<Vec<Hold>, DbError> {
    crate::with_db!(db, pool => {
        Ok(sqlx::query_as(
            "SELECT id, kind, record_id, reason, placed_by, placed_at FROM legal_holds WHERE released_at IS NULL ORDER BY id DESC",
        )
        .fetch_all(pool)
        .await?)
    })
}

/// Stores a certificate.
pub async fn insert_certificate(tx: &mut Tx, c: &Certificate) -> Result<(), DbError> {
    let counts = serde_json::to_string(&c.counts).map_err(|e| DbError::Query(sqlx::Error::Encode(Box::new(e))))?;
    let total = i64::try_from(c.total()).unwrap_or(i64::MAX);
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO retention_runs (id, policy_version, started_at, finished_at, run_by, counts, total) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&c.id)
        .bind(&c.policy_version)
        .bind(c.started_at)
        .bind(c.finished_at)
        .bind(&c.run_by)
        .bind(counts)
        .bind(total)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// The latest certificates, newest first.
pub async fn certificates(db: &Db, limit: i64) -> Result<Vec<Certificate>, DbError> {
    type Row = (String, String, DateTime<Utc>, DateTime<Utc>, String, String);
    let rows: Vec<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, policy_version, started_at, finished_at, run_by, counts FROM retention_runs \
             ORDER BY started_at DESC, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|(id, policy_version, started_at, finished_at, run_by, counts)| Certificate {
            id,
            policy_version,
            started_at,
            finished_at,
            run_by,
            counts: serde_json::from_str::<Vec<Count>>(&counts).unwrap_or_default(),
        })
        .collect())
}
