//! The appointment book's SQL for the focus-group draw (`appointments`, owned by `infopass`).

use chrono::NaiveDate;

use crate::infopass::booking::SurveyContact;
use crate::kernel::db::{Db, DbError};
use crate::kernel::i18n::Lang;

/// Appointments at `office` that have an email address: what an invitation needs, nothing more.
/// At most `limit`, in id order.
pub async fn with_email_at(db: &Db, office: &str, limit: i64) -> Result<Vec<SurveyContact>, DbError> {
    let rows: Vec<(i64, String, String, String, String, String)> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, office_code, service, starts_at, email, lang FROM appointments \
             WHERE office_code = $1 AND email IS NOT NULL ORDER BY id LIMIT $2",
        )
        .bind(office)
        .bind(limit)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(SurveyContact {
                appointment_id: r.0,
                office_code: r.1,
                service: r.2,
                day: NaiveDate::parse_from_str(r.3.get(..10)?, "%Y-%m-%d").ok()?,
                email: r.4,
                lang: Lang::from_tag(&r.5).unwrap_or(Lang::En),
            })
        })
        .collect())
}
