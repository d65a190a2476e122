//! Outbox SQL for the retention engine: messages sent or given up on are deleted once past their
//! time; pending ones stay until delivered.

use chrono::{DateTime, Utc};

use crate::kernel::db::{Db, DbError, Extent, Tx};

/// Sent or failed messages created before `before`.
pub async fn expired_messages(db: &Db, before: DateTime<Utc>) -> Result<Extent, DbError> {
    let (n, lo, hi): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(created_at), MAX(created_at) FROM outbox WHERE status <> 'pending' AND created_at < $1",
        )
        .bind(before)
        .fetch_one(pool)
        .await?
    });
    Ok(Extent::from_times(n, lo, hi))
}

/// Deletes up to `batch` sent or failed messages created before `before`.
pub async fn purge_messages_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query(
            "DELETE FROM outbox WHERE id IN \
             (SELECT id FROM outbox WHERE status <> 'pending' AND created_at < $1 ORDER BY id LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(&mut *conn)
        .await?
        .rows_affected())
    })
}

/// Deletes the messages of a customer.
pub async fn forget_customer(tx: &mut Tx, customer: i64) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query("DELETE FROM outbox WHERE customer_id = $1").bind(customer).execute(&mut *conn).await?.rows_affected())
    })
}
