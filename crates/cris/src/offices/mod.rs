//! Offices: service centres, the National Benefits Center, field offices, asylum offices and
//! Application Support Centers. The reference catalogue is the source of the list; it is written
//! to the database at every start so that cases, appointments and staff can refer to offices.

pub mod holidays;
pub mod nearest;

use crate::kernel::db::{Db, DbError};
use crate::reference::{Catalog, OfficeKind};

/// The database's name for an office kind.
pub fn kind_code(kind: OfficeKind) -> &'static str {
    match kind {
        OfficeKind::ServiceCenter => "service_center",
        OfficeKind::BenefitsCenter => "benefits_center",
        OfficeKind::FieldOffice => "field_office",
        OfficeKind::AsylumOffice => "asylum_office",
        OfficeKind::Asc => "asc",
    }
}

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
