//! The case tables, as status lookups read them.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::Mailed;
use crate::kernel::db::{Db, DbError};

/// A case row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRow {
    /// Id.
    pub id: i64,
    /// Receipt number.
    pub receipt_number: String,
    /// Form.
    pub form_code: String,
    /// Office.
    pub office_code: String,
    /// Current status.
    pub status_code: String,
    /// Received.
    pub received_on: NaiveDate,
    /// Current status since.
    pub status_on: NaiveDate,
    /// Not to be disclosed.
    pub restricted: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A case with its history (oldest first) and mailed items, by receipt number.
pub async fn case(db: &Db, receipt: &str) -> Result<Option<(CaseRow, Vec<(String, NaiveDate)>, Vec<Mailed>)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let row: Option<CaseRow> = sqlx::query_as(
            "SELECT id, receipt_number, form_code, office_code, status_code, received_on, status_on, restricted, updated_at \
             FROM cases WHERE receipt_number = $1",
        )
        .bind(receipt)
        .fetch_optional(pool)
        .await?;
        match row {
            None => None,
            Some(row) => {
                let history: Vec<(String, NaiveDate)> =
                    sqlx::query_as("SELECT status_code, occurred_on FROM case_history WHERE case_id = $1 ORDER BY seq")
                        .bind(row.id)
                        .fetch_all(pool)
                        .await?;
                let mailed: Vec<Mailed> =
                    sqlx::query_as("SELECT tracking_number, kind, mailed_on FROM mail_items WHERE case_id = $1 ORDER BY mailed_on")
                        .bind(row.id)
                        .fetch_all(pool)
                        .await?;
                Some((row, history, mailed))
            }
        }
    }))
}
