//! Change of address (AR-11, R-CA-01, R-CA-02): a non-citizen who moves tells USCIS online, in
//! English or Spanish, with their name, A-Number, date of birth, previous and new address and the
//! receipt numbers of their pending cases. One transaction records the change, moves those
//! cases to the new address keeping the earlier ones as history, and queues the confirmation.

pub mod model;
pub mod routes;
pub mod service;
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

/// A case's mailing addresses, newest first, for staff researching it: (lines, since, the
/// confirmation number of the change that brought it, while that change is kept). The addresses
/// are the case service's; the confirmation numbers are this capability's.
pub async fn address_history(
    db: &crate::kernel::db::Db,
    case_id: i64,
) -> Result<Vec<(Vec<String>, chrono::DateTime<chrono::Utc>, Option<String>)>, crate::kernel::db::DbError> {
    let rows = crate::case_status::service::addresses(db, case_id).await?;
    let mut ids: Vec<i64> = rows.iter().filter_map(|a| a.change_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let confirmations: std::collections::HashMap<i64, String> =
        if ids.is_empty() { Default::default() } else { store::confirmations(db, &ids).await?.into_iter().collect() };
    Ok(rows
        .into_iter()
        .map(|a| {
            let mut lines = vec![a.line1];
            lines.extend(a.line2);
            lines.push(format!("{} {} {}", a.city, a.state, a.zip));
            let confirmation = a.change_id.and_then(|id| confirmations.get(&id).cloned());
            (lines, a.since, confirmation)
        })
        .collect())
}
