//! The appointment book's SQL for the focus-group draw (`appointments`, owned by `infopass`).

use crate::infopass::booking::SurveyContact;
use crate::infopass::booking::store::{ContactRow, contact};
use crate::kernel::db::{Db, DbError};

/// Appointments at `office` that have an email address: what an invitation needs, nothing more.
/// At most `limit`, in id order.
pub async fn with_email_at(db: &Db, office: &str, limit: i64) -> Result<Vec<SurveyContact>, DbError> {
    let rows: Vec<ContactRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, office_code, service, starts_at, email, lang FROM appointments \
             WHERE office_code = $1 AND email IS NOT NULL ORDER BY id LIMIT $2",
        )
        .bind(office)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().filter_map(contact).collect())
}
