//! The USPS tables as the case service reads them: the scans worth showing of a case.

use std::collections::HashMap;

use sqlx::QueryBuilder;

use super::model::Meaning;
use super::service::Shown;
use crate::kernel::db::{Db, DbError, Tx, push_in};

/// The scans of a case, newest first, without the ones customers are not shown.
pub async fn scans_of(db: &Db, case_id: i64) -> Result<Vec<Shown>, DbError> {
    let rows: Vec<Shown> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT tracking_number, event_code, event_name, event_date, event_time, facility_zip, facility_name FROM usps_events \
             WHERE case_id = $1 ORDER BY event_date DESC, event_time DESC, id DESC",
        )
        .bind(case_id)
        .fetch_all(pool)
        .await?
    });
    Ok(rows.into_iter().filter(|s| Meaning::of(&s.event_code) != Meaning::NotShown).collect())
}

/// The scans worth showing of each of these cases, newest first, inside a transaction: what the
/// case service keeps in each case's report.
pub async fn scans_of_many(tx: &mut Tx, case_ids: &[i64]) -> Result<HashMap<i64, Vec<Shown>>, DbError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        case_id: i64,
        #[sqlx(flatten)]
        shown: Shown,
    }
    let mut by_case: HashMap<i64, Vec<Shown>> = HashMap::new();
    for part in case_ids.chunks(5_000) {
        let rows: Vec<Row> = crate::with_tx!(tx, conn => {
            let mut q = QueryBuilder::new(
                "SELECT case_id, tracking_number, event_code, event_name, event_date, event_time, facility_zip, facility_name FROM usps_events WHERE 1 = 1",
            );
            push_in(&mut q, "case_id", part);
            q.push(" ORDER BY case_id, event_date DESC, event_time DESC, id DESC");
            q.build_query_as().fetch_all(&mut *conn).await?
        });
        for r in rows {
            if Meaning::of(&r.shown.event_code) != Meaning::NotShown {
                by_case.entry(r.case_id).or_default().push(r.shown);
            }
        }
    }
    Ok(by_case)
}
