//! The scans' table (`usps_events`): the scans worth showing of cases, and new scans stored.

use std::collections::HashMap;

use sqlx::QueryBuilder;

use super::model::{Meaning, NewScan, Shown};
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

/// Stores scans matched to cases, from the extract file `file_name`; a scan already stored (the
/// same item, event, day, time and place) is left as it is. How many were new.
///
/// The scans go in as a few bound values, which the engine unpacks into rows: binding nine
/// values a row costs more than the insert itself. PostgreSQL takes one array a column
/// (unnested); SQLite, which has no arrays, one JSON array of rows.
pub async fn add<'a>(tx: &mut Tx, file_name: &str, scans: &[NewScan<'a>]) -> Result<u64, DbError> {
    Ok(match tx {
        Tx::Sqlite(t, _) => {
            let rows: Vec<serde_json::Value> = scans
                .iter()
                .map(|s| {
                    serde_json::json!([
                        s.case_id,
                        s.tracking_number,
                        s.event_code,
                        s.event_name,
                        s.event_date,
                        s.event_time,
                        s.facility_zip,
                        s.facility_name
                    ])
                })
                .collect();
            sqlx::query(
                "INSERT INTO usps_events (case_id, tracking_number, event_code, event_name, event_date, event_time, facility_zip, facility_name, file_name) \
                 SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, $2 FROM json_each($1) WHERE true \
                 ON CONFLICT (tracking_number, event_code, event_date, event_time, facility_zip) DO NOTHING",
            )
            .bind(serde_json::Value::Array(rows).to_string())
            .bind(file_name)
            .execute(&mut **t)
            .await?
            .rows_affected()
        }
        Tx::Postgres(t) => {
            let column = |f: fn(&NewScan<'a>) -> &'a str| scans.iter().map(f).collect::<Vec<&str>>();
            sqlx::query(
                "INSERT INTO usps_events (case_id, tracking_number, event_code, event_name, event_date, event_time, facility_zip, facility_name, file_name) \
                 SELECT u.*, $9 FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[]) AS u \
                 ON CONFLICT (tracking_number, event_code, event_date, event_time, facility_zip) DO NOTHING",
            )
            .bind(scans.iter().map(|s| s.case_id).collect::<Vec<i64>>())
            .bind(column(|s| s.tracking_number))
            .bind(column(|s| s.event_code))
            .bind(column(|s| s.event_name))
            .bind(scans.iter().map(|s| s.event_date).collect::<Vec<chrono::NaiveDate>>())
            .bind(column(|s| s.event_time))
            .bind(column(|s| s.facility_zip))
            .bind(column(|s| s.facility_name))
            .bind(file_name)
            .execute(&mut **t)
            .await?
            .rows_affected()
        }
    })
}
