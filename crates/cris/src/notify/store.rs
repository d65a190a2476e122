//! The outbox and the text opt-outs (`outbox`, `sms_opt_outs`): messages queued, claimed,
//! recorded as sent or retried, numbers that sent STOP, and the retention engine's deletes
//! (messages sent or given up on go once past their time; pending ones stay until delivered).

use chrono::{DateTime, Duration, Utc};

use super::{Channel, Message};
use crate::kernel::db::{Db, DbError, Engine, Extent, Tx};

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

/// Inserts messages inside the caller's transaction, a few statements in all; `erase`: blank
/// them once sent or given up.
pub async fn insert(tx: &mut Tx, now: DateTime<Utc>, messages: &[Message], erase: bool) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        // 10 values a row: 3,000 rows stay inside SQLite's bound-value limit.
        for part in messages.chunks(3_000) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO outbox (channel, recipient, subject, body, created_at, next_try_at, customer_id, appointment_id, attachment, erase_when_sent) ",
            );
            q.push_values(part, |mut b, m| {
                b.push_bind(m.channel.as_str())
                    .push_bind(m.recipient.clone())
                    .push_bind(m.subject.clone())
                    .push_bind(m.body.clone())
                    .push_bind(now)
                    .push_bind(now)
                    .push_bind(m.customer_id)
                    .push_bind(m.appointment_id)
                    .push_bind(m.attachment.clone())
                    .push_bind(erase);
            });
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    })
}

/// A message claimed for sending.
#[derive(sqlx::FromRow)]
pub struct Pending {
    /// Row id.
    pub id: i64,
    /// Address or number.
    pub recipient: String,
    /// Subject (email).
    pub subject: String,
    /// Body.
    pub body: String,
    /// An attachment (email), as stored.
    pub attachment: Option<String>,
    /// Tries so far.
    pub attempts: i32,
}

/// How long a claimed message is reserved for the node sending it; if that node dies, another
/// sends it after this (at-least-once delivery).
const LEASE_SECS: i64 = 120;

/// Claims up to `batch` due messages of a channel, with a lease.
pub async fn claim(db: &Db, channel: Channel, now: DateTime<Utc>, batch: i64) -> Result<Vec<Pending>, DbError> {
    // The due rows are picked first, then updated by id: a plan that cannot turn quadratic when
    // the table's statistics lag behind a sudden burst of alerts. On PostgreSQL, rows another
    // node is claiming at the same moment are skipped rather than waited for.
    let sql = match db.engine() {
        Engine::Sqlite => {
            "WITH due AS (SELECT id FROM outbox WHERE status = 'pending' AND channel = $2 AND next_try_at <= $3 ORDER BY id LIMIT $4) \
             UPDATE outbox SET next_try_at = $1 FROM due WHERE outbox.id = due.id RETURNING outbox.id, recipient, subject, body, attachment, attempts"
        }
        Engine::Postgres => {
            "WITH due AS (SELECT id FROM outbox WHERE status = 'pending' AND channel = $2 AND next_try_at <= $3 ORDER BY id LIMIT $4 \
             FOR UPDATE SKIP LOCKED) \
             UPDATE outbox SET next_try_at = $1 FROM due WHERE outbox.id = due.id RETURNING outbox.id, recipient, subject, body, attachment, attempts"
        }
    };
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(sql)
            .bind(now + Duration::seconds(LEASE_SECS))
            .bind(channel.as_str())
            .bind(now)
            .bind(batch)
            .fetch_all(pool)
            .await?
    }))
}

/// The assignments that blank a message marked `erase_when_sent` once `$done` holds (it was
/// sent, or given up): its single-use link and its address go with its sending.
macro_rules! erase_if_done {
    ($done:literal) => {
        concat!(
            "recipient = CASE WHEN erase_when_sent AND ",
            $done,
            " THEN '' ELSE recipient END, ",
            "body = CASE WHEN erase_when_sent AND ",
            $done,
            " THEN '' ELSE body END, ",
            "attachment = CASE WHEN erase_when_sent AND ",
            $done,
            " THEN NULL ELSE attachment END"
        )
    };
}

/// Records a failed try: retried at `next`, or given up (`give_up`) and blanked if it asked to be.
pub async fn retry_or_fail(
    db: &Db,
    id: i64,
    give_up: bool,
    attempts: i32,
    next: DateTime<Utc>,
    error: &str,
) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        sqlx::query(concat!(
            "UPDATE outbox SET status = $1, attempts = $2, next_try_at = $3, last_error = $4, ",
            erase_if_done!("$1 = 'failed'"),
            " WHERE id = $5"
        ))
            .bind(if give_up { "failed" } else { "pending" })
            .bind(attempts)
            .bind(next)
            .bind(error.chars().take(500).collect::<String>())
            .bind(id)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Marks these messages sent, a statement per 10,000.
pub async fn mark_sent(db: &Db, ids: &[i64], now: DateTime<Utc>) -> Result<(), DbError> {
    for part in ids.chunks(10_000) {
        crate::with_db!(db, pool => {
            let mut q = sqlx::QueryBuilder::new(concat!(
                "UPDATE outbox SET status = 'sent', attempts = attempts + 1, ",
                erase_if_done!("TRUE"),
                ", sent_at = "
            ));
            q.push_bind(now).push(", last_error = NULL WHERE 1 = 1");
            crate::kernel::db::push_in(&mut q, "id", part);
            q.build().execute(pool).await?;
        });
    }
    Ok(())
}

/// Whether a number has opted out of texts.
pub async fn opted_out(db: &Db, mobile: &str) -> Result<bool, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar::<_, i32>("SELECT 1 FROM sms_opt_outs WHERE mobile = $1").bind(mobile).fetch_optional(pool).await?.is_some()
    }))
}

/// Records that a number sent STOP; nothing already queued for it goes out either.
pub async fn opt_out(db: &Db, mobile: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        sqlx::query("INSERT INTO sms_opt_outs (mobile, at) VALUES ($1, $2) ON CONFLICT (mobile) DO NOTHING")
            .bind(mobile)
            .bind(now)
            .execute(pool)
            .await?;
        sqlx::query("UPDATE outbox SET status = 'failed', last_error = 'the number sent STOP' WHERE channel = 'sms' AND status = 'pending' AND recipient = $1")
            .bind(mobile)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Records that a number sent START: texts again.
pub async fn opt_in(db: &Db, mobile: &str) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        sqlx::query("DELETE FROM sms_opt_outs WHERE mobile = $1").bind(mobile).execute(pool).await?;
    });
    Ok(())
}
