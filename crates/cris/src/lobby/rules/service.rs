//! The rules' use cases: an office's rules (the defaults when it has none of its own), and
//! saving them, for administrators within reach, audited with the values set.

use chrono::{DateTime, Utc};

use super::model::OfficeRules;
use super::store;
use crate::kernel::access::{Actor, Capability};
use crate::kernel::access::{entry, permit_at};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, DbError};
use crate::kernel::error::ServiceError;
use crate::reference::Catalog;

/// An office's rules; the defaults when it has none of its own.
pub async fn of_office(db: &Db, office: &str) -> Result<OfficeRules, DbError> {
    Ok(store::of_office(db, office).await?.unwrap_or_default())
}

/// Stores an office's rules (offices within the administrator's reach only); audited with the
/// values set.
pub async fn save(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    office: &str,
    r: &OfficeRules,
) -> Result<(), ServiceError> {
    permit_at(db, catalog, actor, now, Capability::OfficesManage, ("lobby.rules", office)).await?;
    let mut tx = db.begin().await?;
    store::save(&mut tx, office, r, &actor.username, now).await?;
    let detail = format!(
        "early {} late {} ageing {} calls {}; wait {}/{} waiting {}/{} late {}/{}",
        r.queue.early_minutes,
        r.queue.late_minutes,
        r.queue.ageing_minutes,
        r.queue.max_calls,
        r.longest_wait.warning,
        r.longest_wait.critical,
        r.waiting.warning,
        r.waiting.critical,
        r.running_late.warning,
        r.running_late.critical
    );
    let record = format!("office:{office}");
    audit::record(&mut tx, now, &entry(actor, Category::Change, "lobby.rules", &record, Outcome::Ok, &detail)).await?;
    tx.commit().await?;
    Ok(())
}
