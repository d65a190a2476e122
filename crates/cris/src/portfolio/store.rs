//! Portfolio SQL: accounts, their security questions, recovery links and the cases they follow;
//! and for the retention engine (closing an account erases it at once; what is left to purge is
//! recovery links past their expiry). Rules and checks stay in the service.

use chrono::{DateTime, Utc};

use super::model::Customer;
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

/// A customer by id.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<Customer>, DbError> {
    Ok(
        crate::with_db!(db, pool => sqlx::query_as("SELECT * FROM customers WHERE id = $1").bind(id).fetch_optional(pool).await?),
    )
}

/// A customer by user ID (as stored: trimmed, lower case).
pub async fn by_user_id(db: &Db, user_id: &str) -> Result<Option<Customer>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM customers WHERE user_id = $1").bind(user_id).fetch_optional(pool).await?
    }))
}

/// A new account's row, its secrets already hashed.
pub struct NewRow<'a> {
    /// Sign-in name.
    pub user_id: &'a str,
    /// Argon2id hash of the password.
    pub password_hash: &'a str,
    /// Email.
    pub email: &'a str,
    /// Mobile, E.164.
    pub mobile: Option<String>,
    /// Language tag.
    pub lang: &'a str,
    /// Email on every change.
    pub notify_email: bool,
    /// Text on every change.
    pub notify_sms: bool,
}

/// Inserts an account; `None` when its user ID is taken.
pub async fn insert_customer(tx: &mut Tx, new: &NewRow<'_>, now: DateTime<Utc>) -> Result<Option<i64>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO customers (user_id, password_hash, email, mobile, lang, notify_email, notify_sms, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id) DO NOTHING RETURNING id",
        )
        .bind(new.user_id)
        .bind(new.password_hash)
        .bind(new.email)
        .bind(new.mobile.as_deref())
        .bind(new.lang)
        .bind(new.notify_email)
        .bind(new.notify_sms)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// Stores an account's security questions with their answers' hashes, in order.
pub async fn insert_questions(tx: &mut Tx, customer: i64, answers: &[(String, String)]) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        for (i, (q, h)) in answers.iter().enumerate() {
            sqlx::query("INSERT INTO customer_questions (customer_id, position, question, answer_hash) VALUES ($1, $2, $3, $4)")
                .bind(customer)
                .bind(i32::try_from(i).unwrap_or(0))
                .bind(q)
                .bind(h)
                .execute(&mut *conn)
                .await?;
        }
    });
    Ok(())
}

/// Notes a sign-in.
pub async fn signed_in(tx: &mut Tx, customer: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE customers SET last_sign_in_at = $1 WHERE id = $2")
            .bind(now)
            .bind(customer)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// An account's security questions (message ids), in order.
pub async fn questions(db: &Db, customer: i64) -> Result<Vec<String>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT question FROM customer_questions WHERE customer_id = $1 ORDER BY position").bind(customer).fetch_all(pool).await?
    }))
}

/// The hashes of an account's answers, in the questions' order.
pub async fn answer_hashes(db: &Db, customer: i64) -> Result<Vec<String>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT answer_hash FROM customer_questions WHERE customer_id = $1 ORDER BY position").bind(customer).fetch_all(pool).await?
    }))
}

/// Stores a recovery link's token hash until `expires_at`.
pub async fn insert_recovery(
    tx: &mut Tx,
    token_hash: &str,
    customer: i64,
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("INSERT INTO recovery_tokens (token_hash, customer_id, expires_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(customer)
            .bind(expires_at)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// The account a recovery token hash opens, while it has not expired.
pub async fn recovery_owner(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<i64>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT customer_id FROM recovery_tokens WHERE token_hash = $1 AND expires_at > $2").bind(token_hash).bind(now).fetch_optional(pool).await?
    }))
}

/// Sets a new password hash and deletes the account's recovery links.
pub async fn set_password(tx: &mut Tx, customer: i64, password_hash: &str) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE customers SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(customer).execute(&mut *conn).await?;
        sqlx::query("DELETE FROM recovery_tokens WHERE customer_id = $1").bind(customer).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Locks the account's row on PostgreSQL until the transaction ends; SQLite's BEGIN IMMEDIATE
/// already makes writers take turns.
pub async fn lock_customer(tx: &mut Tx, customer: i64) -> Result<(), DbError> {
    if let Tx::Postgres(t) = tx {
        sqlx::query("SELECT id FROM customers WHERE id = $1 FOR UPDATE").bind(customer).execute(&mut **t).await?;
    }
    Ok(())
}

/// How many cases a portfolio holds.
pub async fn count_cases_in(tx: &mut Tx, customer: i64) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT COUNT(*) FROM portfolio_cases WHERE customer_id = $1").bind(customer).fetch_one(&mut *conn).await?
    }))
}

/// Whether a portfolio holds a case.
pub async fn holds_in(tx: &mut Tx, customer: i64, case_id: i64) -> Result<bool, DbError> {
    let found: Option<i32> = crate::with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT 1 FROM portfolio_cases WHERE customer_id = $1 AND case_id = $2").bind(customer).bind(case_id).fetch_optional(&mut *conn).await?
    });
    Ok(found.is_some())
}

/// Adds a case to a portfolio (nothing if it is there).
pub async fn add_case_in(tx: &mut Tx, customer: i64, case_id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("INSERT INTO portfolio_cases (customer_id, case_id, added_at) VALUES ($1, $2, $3) ON CONFLICT (customer_id, case_id) DO NOTHING")
            .bind(customer)
            .bind(case_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    });
    Ok(())
}

/// Removes a case from a portfolio.
pub async fn remove_case(db: &Db, customer: i64, case_id: i64) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        sqlx::query("DELETE FROM portfolio_cases WHERE customer_id = $1 AND case_id = $2")
            .bind(customer)
            .bind(case_id)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Stores an account's alert preferences and language.
pub async fn set_preferences(
    db: &Db,
    customer: i64,
    (email_alerts, text_alerts): (bool, bool),
    mobile: Option<String>,
    lang: &str,
) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        sqlx::query("UPDATE customers SET notify_email = $1, notify_sms = $2, mobile = $3, lang = $4 WHERE id = $5")
            .bind(email_alerts)
            .bind(text_alerts)
            .bind(mobile)
            .bind(lang)
            .bind(customer)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Deletes an account (its questions, cases and links go with it by cascade).
pub async fn delete_customer(tx: &mut Tx, customer: i64) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("DELETE FROM customers WHERE id = $1").bind(customer).execute(&mut *conn).await?;
    });
    Ok(())
}

/// Someone to alert about a case, and how.
#[derive(sqlx::FromRow)]
pub struct Subscriber {
    /// The case followed.
    pub case_id: i64,
    /// The account.
    pub id: i64,
    /// Email address.
    pub email: String,
    /// Mobile, E.164.
    pub mobile: Option<String>,
    /// Language tag.
    pub lang: String,
    /// Emailed on every change.
    pub by_email: bool,
    /// Texted on every change.
    pub by_text: bool,
}

/// The accounts that follow these cases (at most a few thousand ids a call), with how to
/// alert them.
pub async fn subscribers_in(tx: &mut Tx, case_ids: &[i64]) -> Result<Vec<Subscriber>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT p.case_id, c.id, c.email, c.mobile, c.lang, c.notify_email AS by_email, c.notify_sms AS by_text \
             FROM portfolio_cases p JOIN customers c ON c.id = p.customer_id WHERE 1 = 1",
        );
        crate::kernel::db::push_in(&mut q, "p.case_id", case_ids);
        q.build_query_as().fetch_all(&mut *conn).await?
    }))
}
