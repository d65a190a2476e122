//! The offices' SQL (`offices`, `zip_office_overrides`).

use super::kind_code;
use crate::kernel::db::{Db, DbError};
use crate::reference::Catalog;

/// Writes every office of the catalogue, updating those already present, in one transaction.
pub async fn sync_from_catalog(db: &Db, catalog: &Catalog) -> Result<(), DbError> {
    crate::with_db!(db, pool => {
        let mut tx = pool.begin().await?;
        for o in catalog.offices() {
            sqlx::query(
                "INSERT INTO offices (code, kind, name_en, name_es, street, city, state, zip, lat, lon, tz, district, region) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                 ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name_en = excluded.name_en, \
                 name_es = excluded.name_es, street = excluded.street, city = excluded.city, state = excluded.state, \
                 zip = excluded.zip, lat = excluded.lat, lon = excluded.lon, tz = excluded.tz, \
                 district = excluded.district, region = excluded.region",
            )
            .bind(&o.code)
            .bind(kind_code(o.kind))
            .bind(&o.name_en)
            .bind(&o.name_es)
            .bind(&o.street)
            .bind(&o.city)
            .bind(&o.state)
            .bind(&o.zip)
            .bind(o.lat)
            .bind(o.lon)
            .bind(o.tz.name())
            .bind(&o.district)
            .bind(&o.region)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Number of offices stored.
pub async fn count(db: &Db) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM offices").fetch_one(pool).await?
    }))
}

/// The office a ZIP code is assigned to by jurisdiction, if any.
pub async fn assigned_office(db: &Db, zip: &str) -> Result<Option<String>, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT office_code FROM zip_office_overrides WHERE zip = $1").bind(zip).fetch_optional(pool).await?
    }))
}
