//! The `address_changes` table: the change as filed, the confirmation numbers staff see beside a
//! case's addresses, and the retention engine's plan and purge.

use chrono::{DateTime, Utc};

use super::model::ChangeOfAddress;
use crate::kernel::db::{Db, DbError, Tx};

/// Stores the change as filed; its id.
pub(super) async fn insert_change(
    tx: &mut Tx,
    c: &ChangeOfAddress,
    confirmation: &str,
    lang: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let (p, n) = (&c.previous, &c.new);
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO address_changes (confirmation, first_name, last_name, a_number, birth_date, \
             previous_line1, previous_line2, previous_city, previous_state, previous_zip, \
             new_line1, new_line2, new_city, new_state, new_zip, email, lang, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
        )
        .bind(confirmation)
        .bind(&c.first_name)
        .bind(&c.last_name)
        .bind(c.a_number.as_str())
        .bind(c.birth_date.to_string())
        .bind(&p.line1)
        .bind(p.line2.as_deref())
        .bind(&p.city)
        .bind(&p.state)
        .bind(p.zip.as_str())
        .bind(&n.line1)
        .bind(n.line2.as_deref())
        .bind(&n.city)
        .bind(&n.state)
        .bind(n.zip.as_str())
        .bind(c.email.as_ref().map(|e| e.as_str()))
        .bind(lang)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// The confirmation numbers of these address changes (those still kept), by id.
pub async fn confirmations(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new("SELECT id, confirmation FROM address_changes WHERE 1 = 1");
        crate::kernel::db::push_in(&mut q, "id", ids);
        q.build_query_as().fetch_all(pool).await?
    }))
}

/// Address changes filed before `before` (the retention engine's plan).
pub async fn expired_changes(db: &Db, before: DateTime<Utc>) -> Result<crate::kernel::db::Extent, DbError> {
    let (n, lo, hi): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT COUNT(*), MIN(submitted_at), MAX(submitted_at) FROM address_changes WHERE submitted_at < $1")
            .bind(before)
            .fetch_one(pool)
            .await?
    });
    Ok(crate::kernel::db::Extent::from_times(n, lo, hi))
}

/// Whether address change `id` exists (for a legal hold).
pub async fn change_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    crate::kernel::db::counts_row(tx, "SELECT COUNT(*) FROM address_changes WHERE id = $1", id).await
}

/// Deletes up to `batch` address changes filed before `before` (not those in `keep`); the cases'
/// address history stays with the cases, no longer pointing at the change.
pub async fn purge_changes_before(
    tx: &mut Tx,
    before: DateTime<Utc>,
    batch: i64,
    keep: &[i64],
) -> Result<u64, DbError> {
    let ids: Vec<i64> = crate::with_tx!(&mut *tx, conn => {
        let mut q = sqlx::QueryBuilder::new("SELECT id FROM address_changes WHERE submitted_at < ");
        q.push_bind(before);
        crate::kernel::db::push_not_in(&mut q, "id", keep);
        q.push(" ORDER BY id LIMIT ").push_bind(batch);
        q.build_query_scalar().fetch_all(&mut *conn).await?
    });
    if ids.is_empty() {
        return Ok(0);
    }
    crate::case_status::service::forget_address_changes(tx, &ids).await?;
    crate::with_tx!(tx, conn => {
        let mut d = sqlx::QueryBuilder::new("DELETE FROM address_changes WHERE 1 = 1");
        crate::kernel::db::push_in(&mut d, "id", &ids);
        Ok(d.build().execute(&mut *conn).await?.rows_affected())
    })
}
