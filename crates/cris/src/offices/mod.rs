//! Offices: service centres, the National Benefits Center, field offices, asylum offices and
//! Application Support Centers. The reference catalogue is the source of the list; it is written
//! to the database at every start so that cases, appointments and staff can refer to offices.

pub mod holidays;
pub mod nearest;
pub mod store;

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
    store::sync_from_catalog(db, catalog).await
}

/// Number of offices stored.
pub async fn count(db: &Db) -> Result<i64, DbError> {
    store::count(db).await
}
