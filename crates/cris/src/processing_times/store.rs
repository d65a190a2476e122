//! The processing-time tables (`processing_times`, `processing_time_suggestions`): postings and
//! the daily suggestions, read and written.

use chrono::{DateTime, Utc};

use super::model::{Posted, Suggestion};
use crate::kernel::db::{Db, DbError, Tx};

/// Replaces the stored suggestions with these, in one transaction.
pub async fn replace_suggestions(db: &Db, suggestions: &[Suggestion]) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    crate::with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM processing_time_suggestions").execute(&mut *conn).await?;
        for chunk in suggestions.chunks(1_000) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO processing_time_suggestions (form_code, office_code, median_months, p80_months, cases, as_of, computed_at) ",
            );
            qb.push_values(chunk, |mut b, s| {
                b.push_bind(&s.form_code)
                    .push_bind(&s.office_code)
                    .push_bind(s.median_months)
                    .push_bind(s.p80_months)
                    .push_bind(s.cases)
                    .push_bind(s.as_of)
                    .push_bind(s.computed_at);
            });
            qb.build().execute(&mut *conn).await?;
        }
    });
    tx.commit().await
}

/// When the stored suggestions were computed (`None`: never).
pub async fn suggestions_computed_at(db: &Db) -> Result<Option<DateTime<Utc>>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT MAX(computed_at) FROM processing_time_suggestions").fetch_one(pool).await?
    }))
}

/// The stored suggestions, by form and office.
pub async fn suggestions(db: &Db) -> Result<Vec<Suggestion>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as("SELECT * FROM processing_time_suggestions ORDER BY form_code, office_code").fetch_all(pool).await?
    }))
}

/// Posts (or replaces) a processing time, inside the caller's transaction.
pub async fn post(tx: &mut Tx, p: &Posted, by: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    crate::with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO processing_times (form_code, form_key, subtype_en, subtype_es, office_code, range_low, range_high, unit, \
             publication_date, service_request_date, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (form_code, form_key, office_code) DO UPDATE SET subtype_en = excluded.subtype_en, subtype_es = excluded.subtype_es, \
             range_low = excluded.range_low, range_high = excluded.range_high, unit = excluded.unit, publication_date = excluded.publication_date, \
             service_request_date = excluded.service_request_date, published_by = excluded.published_by, published_at = excluded.published_at",
        )
        .bind(&p.form_code)
        .bind(&p.form_key)
        .bind(&p.subtype_en)
        .bind(&p.subtype_es)
        .bind(&p.office_code)
        .bind(p.range_low)
        .bind(p.range_high)
        .bind(&p.unit)
        .bind(p.publication_date)
        .bind(p.service_request_date)
        .bind(by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    })
}

/// The columns of a row, as a macro so that statements are whole `&'static str`s (`concat!`),
/// with no SQL assembled at run time.
macro_rules! columns {
    () => {
        "form_code, form_key, subtype_en, subtype_es, office_code, range_low, range_high, unit, publication_date, service_request_date"
    };
}

/// Every posting of a form (all offices and subtypes).
pub async fn for_form(db: &Db, form: &str) -> Result<Vec<Posted>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM processing_times WHERE form_code = $1 ORDER BY office_code, form_key"))
            .bind(form)
            .fetch_all(pool)
            .await?
    }))
}

/// The postings of a form at an office.
pub async fn at_office(db: &Db, form: &str, office: &str) -> Result<Vec<Posted>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM processing_times WHERE form_code = $1 AND office_code = $2 ORDER BY form_key"))
            .bind(form)
            .bind(office)
            .fetch_all(pool)
            .await?
    }))
}

/// Every posting, by form, office and subtype.
pub async fn all(db: &Db) -> Result<Vec<Posted>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_as(concat!("SELECT ", columns!(), " FROM processing_times ORDER BY form_code, office_code, form_key"))
            .fetch_all(pool)
            .await?
    }))
}

/// Forms that have at least one posting.
pub async fn forms(db: &Db) -> Result<Vec<String>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT DISTINCT form_code FROM processing_times ORDER BY form_code").fetch_all(pool).await?
    }))
}
