//! What other capabilities ask of a case's scans: `usps` stores the scans it matched.

pub use super::model::NewScan;
use super::store;
use crate::kernel::db::{DbError, Tx};

/// Stores scans matched to cases, from the extract file `file_name`, inside the caller's
/// transaction (which then refreshes the cases' reports); scans already stored are left as they
/// are. How many were new.
pub async fn add(tx: &mut Tx, file_name: &str, scans: &[NewScan<'_>]) -> Result<u64, DbError> {
    store::add(tx, file_name, scans).await
}
