//! The staff tables: accounts, the autolock log and security alerts (sign-in flows and sessions
//! are `kernel::session`'s).

use chrono::{DateTime, Utc};

use super::model::{Alert, AutolockEntry, Colleague, StaffUser};
use crate::kernel::db::{Db, DbError, Tx, push_in};

/// Inserts an account; a taken user name is `Ok(None)`.
#[expect(clippy::too_many_arguments, reason = "the columns of one row")]
pub async fn insert(
    tx: &mut Tx,
    username: &str,
    display_name: &str,
    email: &str,
    role: &str,
    office: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbError> {
    crate::with_tx!(tx, conn => {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO staff_users (username, display_name, email, role, office_code, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(username)
        .bind(display_name)
        .bind(email)
        .bind(role)
        .bind(office)
        .bind(password_hash)
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(id)
    })
}

/// An account by id.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<StaffUser>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM staff_users WHERE id = $1").bind(id).fetch_optional(pool).await?
    }))
}

/// An account by user name.
pub async fn by_username(db: &Db, username: &str) -> Result<Option<StaffUser>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM staff_users WHERE username = $1").bind(username).fetch_optional(pool).await?
    }))
}

/// Accounts of some offices (all when `offices` is None), by user name.
pub async fn list(db: &Db, offices: Option<&[String]>) -> Result<Vec<StaffUser>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new("SELECT * FROM staff_users WHERE 1 = 1");
        if let Some(offices) = offices {
            push_in(&mut q, "office_code", offices);
        }
        q.push(" ORDER BY username");
        q.build_query_as::<StaffUser>().fetch_all(pool).await?
    }))
}

/// Active administrators (district, region, global), for alert emails.
pub async fn administrators(tx: &mut Tx) -> Result<Vec<StaffUser>, DbError> {
    crate::with_tx!(tx, conn => {
        let admins = sqlx::query_as(
            "SELECT * FROM staff_users WHERE active = TRUE AND role IN ('district_admin', 'region_admin', 'global_admin')",
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(admins)
    })
}

/// Opens an autolock log line (R-AU-06) when guesses at the account begin to be slowed, unless
/// one is open already.
pub async fn open_autolock(tx: &mut Tx, u: &StaffUser, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        let open: Option<i64> = sqlx::query_scalar("SELECT id FROM autolock_log WHERE user_id = $1 AND reinstated_at IS NULL")
            .bind(u.id)
            .fetch_optional(&mut *conn)
            .await?;
        if open.is_none() {
            sqlx::query(
                "INSERT INTO autolock_log (user_id, username, display_name, office_code, last_sign_in_at, locked_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(u.id)
            .bind(&u.username)
            .bind(&u.display_name)
            .bind(&u.office_code)
            .bind(u.last_sign_in_at)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    })
}

/// Closes an account's open autolock log lines: `by` ended the slowing (the person themselves,
/// signing in with password and code, or an administrator).
pub async fn close_autolock(tx: &mut Tx, id: i64, by: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE autolock_log SET reinstated_at = $1, reinstated_by = $2 WHERE user_id = $3 AND reinstated_at IS NULL")
            .bind(now)
            .bind(by)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// Reactivates an account, and closes its open autolock log lines.
pub async fn reinstate(tx: &mut Tx, id: i64, by: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE staff_users SET active = TRUE, deactivated_at = NULL, deactivated_why = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    });
    close_autolock(tx, id, by, now).await
}

/// A successful sign-in: time recorded, TOTP step consumed.
pub async fn signed_in(tx: &mut Tx, id: i64, step: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE staff_users SET last_sign_in_at = $1, totp_last_step = $2, totp_enabled = TRUE WHERE id = $3")
            .bind(now)
            .bind(step)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// Sets (or clears) the TOTP secret; setting a new one requires enrolment again.
pub async fn set_totp(tx: &mut Tx, id: i64, secret: Option<&str>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE staff_users SET totp_secret = $1, totp_enabled = FALSE, totp_last_step = 0 WHERE id = $2")
            .bind(secret)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// Deactivates an account.
pub async fn deactivate(tx: &mut Tx, id: i64, why: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(&mut *tx, conn => {
        sqlx::query("UPDATE staff_users SET active = FALSE, deactivated_at = $1, deactivated_why = $2 WHERE id = $3")
            .bind(now)
            .bind(why)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    });
    crate::kernel::session::delete_all_in(tx, crate::kernel::session::Kind::Staff, id).await?;
    Ok(())
}

/// Records an alert.
pub async fn insert_alert(tx: &mut Tx, a: &Alert) -> Result<i64, DbError> {
    crate::with_tx!(tx, conn => {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO security_alerts (at, kind, username, ip, office_code, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(a.at)
        .bind(&a.kind)
        .bind(&a.username)
        .bind(&a.ip)
        .bind(&a.office_code)
        .bind(&a.detail)
        .fetch_one(&mut *conn)
        .await?;
        Ok(id)
    })
}

/// The latest alert about `username` raised since `since`, if any.
pub async fn recent_alert(tx: &mut Tx, username: &str, since: DateTime<Utc>) -> Result<Option<i64>, DbError> {
    crate::with_tx!(tx, conn => {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM security_alerts WHERE username = $1 AND at > $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(username)
        .bind(since)
        .fetch_optional(&mut *conn)
        .await?;
        Ok(id)
    })
}

/// Counts one more occurrence of an alert (instead of raising another).
pub async fn repeat_alert(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE security_alerts SET occurrences = occurrences + 1, last_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// Newest alerts of some offices (all when None), open ones first.
pub async fn alerts(db: &Db, offices: Option<&[String]>, limit: i64) -> Result<Vec<Alert>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new("SELECT * FROM security_alerts WHERE 1 = 1");
        if let Some(offices) = offices {
            push_in(&mut q, "office_code", offices);
        }
        q.push(" ORDER BY (acknowledged_at IS NULL) DESC, id DESC LIMIT ").push_bind(limit);
        q.build_query_as::<Alert>().fetch_all(pool).await?
    }))
}

/// An alert by id.
pub async fn alert(db: &Db, id: i64) -> Result<Option<Alert>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM security_alerts WHERE id = $1").bind(id).fetch_optional(pool).await?
    }))
}

/// Marks an alert seen.
pub async fn acknowledge(tx: &mut Tx, id: i64, by: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE security_alerts SET acknowledged_by = $1, acknowledged_at = $2 WHERE id = $3 AND acknowledged_at IS NULL")
            .bind(by)
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// The autolock log of some offices (all when None), newest first.
pub async fn autolock_log(db: &Db, offices: Option<&[String]>, limit: i64) -> Result<Vec<AutolockEntry>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new("SELECT * FROM autolock_log WHERE 1 = 1");
        if let Some(offices) = offices {
            push_in(&mut q, "office_code", offices);
        }
        q.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
        q.build_query_as::<AutolockEntry>().fetch_all(pool).await?
    }))
}

macro_rules! colleague_columns {
    () => {
        "SELECT id, username, display_name, email, role, office_code, active FROM staff_users "
    };
}

/// The accounts of an office, by user name.
pub async fn colleagues_at(db: &Db, office: &str) -> Result<Vec<Colleague>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!(colleague_columns!(), "WHERE office_code = $1 ORDER BY username")).bind(office).fetch_all(pool).await?
    }))
}

/// [`colleagues_at`] inside a transaction.
pub async fn colleagues_at_in(tx: &mut Tx, office: &str) -> Result<Vec<Colleague>, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query_as(concat!(colleague_columns!(), "WHERE office_code = $1 ORDER BY username")).bind(office).fetch_all(&mut *conn).await?)
    })
}

/// These accounts (by id).
pub async fn colleagues(db: &Db, ids: &[i64]) -> Result<Vec<Colleague>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(concat!(colleague_columns!(), "WHERE 1 = 1"));
        push_in(&mut q, "id", ids);
        q.build_query_as().fetch_all(pool).await?
    }))
}
