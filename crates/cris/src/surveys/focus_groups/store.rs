//! The focus-group tables' SQL (`focus_groups`, `focus_invitations`, `focus_contacts`), and the
//! opt-out check of the draw against `survey_opt_outs`, on both engines.

use chrono::NaiveDate;

use super::model::{Counts, FocusGroup, Pra};
use crate::kernel::db::{Db, DbError, Tx};

macro_rules! group_columns {
    () => {
        "id, office_code, held_on, place, size, reply_by, omb_number, omb_expires_on, burden_minutes, \
         drawn, accepted, declined, unanswered, created_on"
    };
}

type GroupRow = (
    i64,
    String,
    NaiveDate,
    String,
    i32,
    NaiveDate,
    Option<String>,
    Option<NaiveDate>,
    Option<i32>,
    i64,
    i64,
    i64,
    i64,
    NaiveDate,
);

fn group(r: GroupRow) -> FocusGroup {
    let pra = match (r.6, r.7, r.8) {
        (Some(omb_number), Some(expires_on), Some(burden_minutes)) => {
            Some(Pra { omb_number, expires_on, burden_minutes })
        }
        _ => None,
    };
    FocusGroup {
        id: r.0,
        office_code: r.1,
        held_on: r.2,
        place: r.3,
        size: r.4,
        reply_by: r.5,
        pra,
        counts: Counts { drawn: r.9, accepted: r.10, declined: r.11, unanswered: r.12 },
        created_on: r.13,
    }
}

/// Stores a new group; returns its id.
pub async fn insert_group(tx: &mut Tx, g: &FocusGroup, by: &str) -> Result<i64, DbError> {
    crate::with_tx!(tx, conn => {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO focus_groups (office_code, held_on, place, size, reply_by, omb_number, omb_expires_on, burden_minutes, \
             created_on, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&g.office_code)
        .bind(g.held_on)
        .bind(&g.place)
        .bind(g.size)
        .bind(g.reply_by)
        .bind(g.pra.as_ref().map(|p| p.omb_number.clone()))
        .bind(g.pra.as_ref().map(|p| p.expires_on))
        .bind(g.pra.as_ref().map(|p| p.burden_minutes))
        .bind(g.created_on)
        .bind(by)
        .fetch_one(&mut *conn)
        .await?;
        Ok(id)
    })
}

/// Invites one person drawn, unless their address's keyed hash is on the opt-out list (checked
/// here, in SQL: R-SV-04): stores the hash of the link's token with the group and the address's
/// keyed hash (so that a later opt-out voids the invitation), nothing else about the person.
/// Returns whether the invitation was recorded (and the email may go).
pub async fn invite(tx: &mut Tx, group_id: i64, token_hash: &str, email_hash: &str) -> Result<bool, DbError> {
    crate::with_tx!(tx, conn => {
        let n = sqlx::query(
            "INSERT INTO focus_invitations (token_hash, group_id, email_hash) \
             SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM survey_opt_outs WHERE email_hash = $3)",
        )
        .bind(token_hash)
        .bind(group_id)
        .bind(email_hash)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        Ok(n > 0)
    })
}

/// Records how many were invited.
pub async fn set_drawn(tx: &mut Tx, group_id: i64, drawn: i64) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE focus_groups SET drawn = $1 WHERE id = $2").bind(drawn).bind(group_id).execute(&mut *conn).await?;
        Ok(())
    })
}

/// Every group, newest first.
pub async fn groups(db: &Db) -> Result<Vec<FocusGroup>, DbError> {
    let rows: Vec<GroupRow> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", group_columns!(), " FROM focus_groups ORDER BY id DESC")).fetch_all(pool).await?
    });
    Ok(rows.into_iter().map(group).collect())
}

/// One group.
pub async fn group_by_id(db: &Db, id: i64) -> Result<Option<FocusGroup>, DbError> {
    let row: Option<GroupRow> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", group_columns!(), " FROM focus_groups WHERE id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(group))
}

/// An invitation is live while its address is not on the opt-out list (R-SV-04).
macro_rules! not_opted_out {
    () => {
        "NOT EXISTS (SELECT 1 FROM survey_opt_outs o WHERE o.email_hash = focus_invitations.email_hash)"
    };
}

/// The group a live invitation's token belongs to.
pub async fn group_of_token(db: &Db, token_hash: &str) -> Result<Option<FocusGroup>, DbError> {
    let row: Option<GroupRow> = crate::with_db!(db, pool => {
        sqlx::query_as(concat!(
            "SELECT ", group_columns!(), " FROM focus_groups WHERE id = \
             (SELECT group_id FROM focus_invitations WHERE token_hash = $1 AND ", not_opted_out!(), ")"
        ))
        .bind(token_hash)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(group))
}

/// Burns an invitation's token: returns its group, or `None` when it was not live (unknown,
/// used, or its address opted out since: checked again here, in the accepting transaction).
pub async fn burn(tx: &mut Tx, token_hash: &str) -> Result<Option<i64>, DbError> {
    crate::with_tx!(tx, conn => {
        Ok(sqlx::query_scalar(concat!(
            "DELETE FROM focus_invitations WHERE token_hash = $1 AND ", not_opted_out!(), " RETURNING group_id"
        ))
            .bind(token_hash)
            .fetch_optional(&mut *conn)
            .await?)
    })
}

/// Keeps the first name and telephone of someone who accepted, with the day they were contacted;
/// counts the acceptance. Returns the contact's id.
pub async fn insert_contact(
    tx: &mut Tx,
    group_id: i64,
    first_name: &str,
    phone: &str,
    contacted_on: NaiveDate,
) -> Result<i64, DbError> {
    crate::with_tx!(tx, conn => {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO focus_contacts (group_id, first_name, phone, contacted_on) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(group_id)
        .bind(first_name)
        .bind(phone)
        .bind(contacted_on)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query("UPDATE focus_groups SET accepted = accepted + 1 WHERE id = $1").bind(group_id).execute(&mut *conn).await?;
        Ok(id)
    })
}

/// Counts a refusal.
pub async fn count_declined(tx: &mut Tx, group_id: i64) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query("UPDATE focus_groups SET declined = declined + 1 WHERE id = $1").bind(group_id).execute(&mut *conn).await?;
        Ok(())
    })
}

/// Groups whose reply-by day is before `today` and that still have open invitations.
pub async fn lapsed_groups(db: &Db, today: NaiveDate) -> Result<Vec<i64>, DbError> {
    crate::with_db!(db, pool => {
        Ok(sqlx::query_scalar(
            "SELECT g.id FROM focus_groups g WHERE g.reply_by < $1 \
             AND EXISTS (SELECT 1 FROM focus_invitations i WHERE i.group_id = g.id) ORDER BY g.id",
        )
        .bind(today)
        .fetch_all(pool)
        .await?)
    })
}

/// Deletes a group's open invitations and counts them as unanswered; returns how many.
pub async fn close_invitations(tx: &mut Tx, group_id: i64) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let n = sqlx::query("DELETE FROM focus_invitations WHERE group_id = $1").bind(group_id).execute(&mut *conn).await?.rows_affected();
        sqlx::query("UPDATE focus_groups SET unanswered = unanswered + $1 WHERE id = $2")
            .bind(i64::try_from(n).unwrap_or(i64::MAX))
            .bind(group_id)
            .execute(&mut *conn)
            .await?;
        Ok(n)
    })
}

/// Deletes the open invitations of an address that opted out (R-SV-04) and counts them as
/// declined in their groups; returns how many.
pub async fn void_invitations_of(tx: &mut Tx, email_hash: &str) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let groups: Vec<i64> = sqlx::query_scalar("DELETE FROM focus_invitations WHERE email_hash = $1 RETURNING group_id")
            .bind(email_hash)
            .fetch_all(&mut *conn)
            .await?;
        for g in &groups {
            sqlx::query("UPDATE focus_groups SET declined = declined + 1 WHERE id = $1").bind(g).execute(&mut *conn).await?;
        }
        Ok(u64::try_from(groups.len()).unwrap_or(u64::MAX))
    })
}

/// The first names and telephones of a group's contacts, in the order they accepted.
pub async fn contacts(db: &Db, group_id: i64) -> Result<Vec<(String, String)>, DbError> {
    crate::with_db!(db, pool => {
        Ok(sqlx::query_as("SELECT first_name, phone FROM focus_contacts WHERE group_id = $1 ORDER BY id")
            .bind(group_id)
            .fetch_all(pool)
            .await?)
    })
}

/// The contacts (and open invitations of groups drawn) before `before` that
/// [`purge_focus_contacts_before`] would delete: count, oldest and newest day of contact.
pub async fn expired_focus_contacts(db: &Db, before: NaiveDate) -> Result<crate::kernel::db::Extent, DbError> {
    let (n, lo, hi): (i64, Option<NaiveDate>, Option<NaiveDate>) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(d), MAX(d) FROM \
             (SELECT contacted_on AS d FROM focus_contacts WHERE contacted_on < $1 \
              UNION ALL SELECT g.created_on AS d FROM focus_invitations i JOIN focus_groups g ON g.id = i.group_id \
              WHERE g.created_on < $1) AS gone",
        )
        .bind(before)
        .fetch_one(pool)
        .await?
    });
    Ok(crate::kernel::db::Extent { count: n, oldest: lo, newest: hi })
}

/// Deletes up to `batch` contacts made before `before` and, so that nothing of a draw outlives
/// it either, up to `batch` open invitations of groups drawn before `before` (long past their
/// reply-by day); returns how many rows went. For the retention engine (R-RT-02): call until it
/// returns 0.
pub async fn purge_focus_contacts_before(db: &Db, before: NaiveDate, batch: i64) -> Result<u64, DbError> {
    crate::with_db!(db, pool => {
        let contacts = sqlx::query(
            "DELETE FROM focus_contacts WHERE id IN \
             (SELECT id FROM focus_contacts WHERE contacted_on < $1 ORDER BY id LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(pool)
        .await?
        .rows_affected();
        let invitations = sqlx::query(
            "DELETE FROM focus_invitations WHERE token_hash IN \
             (SELECT i.token_hash FROM focus_invitations i JOIN focus_groups g ON g.id = i.group_id \
              WHERE g.created_on < $1 ORDER BY i.token_hash LIMIT $2)",
        )
        .bind(before)
        .bind(batch)
        .execute(pool)
        .await?
        .rows_affected();
        Ok(contacts + invitations)
    })
}
