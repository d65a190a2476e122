//! Portfolio SQL: the cases a portfolio follows, and for the retention engine (closing an account
//! erases it at once; what is left to purge is recovery links past their expiry).

use chrono::{DateTime, Utc};

use crate::kernel::db::{Db, DbError, Extent, Tx};

/// Recovery tokens that expired before `before`.
pub async fn expired_recovery(db: &Db, before: DateTime<Utc>) -> Result<Extent, DbError> {
    let (n, lo, hi): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT COUNT(*), MIN(expires_at), MAX(expires_at) FROM recovery_tokens WHERE expires_at < $1")
            .bind(before)
            .fetch_one(pool)
            .await?
    });
    Ok(Extent::from_times(n, lo, hi))
}

/// Deletes up to `batch` recovery tokens that expired before `before`.
pub async fn purge_recovery_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query(
            "DELETE FROM recovery_tokens WHERE token_hash IN \
             (SELECT token_hash FROM recovery_tokens WHERE expires_at < $1 ORDER BY token_hash LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(&mut *conn)
        .await?
        .rows_affected())
    })
}

/// The ids of the cases a portfolio follows.
pub async fn case_ids(db: &Db, customer: i64) -> Result<Vec<i64>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT case_id FROM portfolio_cases WHERE customer_id = $1").bind(customer).fetch_all(pool).await?
    }))
}

/// How to reach an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Contact {
    /// Id.
    pub id: i64,
    /// User ID.
    pub user_id: String,
    /// Email address.
    pub email: String,
    /// Language (`en`, `es`).
    pub lang: String,
}

/// How to reach these accounts.
pub async fn contacts(db: &Db, ids: &[i64]) -> Result<Vec<Contact>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new("SELECT id, user_id, email, lang FROM customers WHERE 1 = 1");
        crate::kernel::db::push_in(&mut q, "id", ids);
        q.build_query_as().fetch_all(pool).await?
    }))
}
