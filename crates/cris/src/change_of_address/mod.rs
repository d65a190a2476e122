//! Change of address (AR-11, R-CA-01, R-CA-02): a non-citizen who moves tells USCIS online, in
//! English or Spanish, with their name, A-Number, date of birth, previous and new address and the
//! receipt numbers of their pending cases. One transaction records the change, moves those
//! cases to the new address keeping the earlier ones as history, and queues the confirmation.

pub mod model;
pub mod routes;
pub mod store;

/// Address changes filed before `before` (the retention engine's plan).
pub async fn expired_changes(
    db: &crate::kernel::db::Db,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<crate::kernel::db::Extent, crate::kernel::db::DbError> {
    store::expired_changes(db, before).await
}

/// Whether address change `id` exists (the retention engine refuses a hold on nothing).
pub async fn change_exists(tx: &mut crate::kernel::db::Tx, id: i64) -> Result<bool, crate::kernel::db::DbError> {
    store::change_exists(tx, id).await
}

/// The retention engine's purge of address changes: up to `batch` filed before `before`, not
/// those in `keep` (held); the cases keep their address history.
pub async fn purge_changes_before(
    tx: &mut crate::kernel::db::Tx,
    before: chrono::DateTime<chrono::Utc>,
    batch: i64,
    keep: &[i64],
) -> Result<u64, crate::kernel::db::DbError> {
    store::purge_changes_before(tx, before, batch, keep).await
}
