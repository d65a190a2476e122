//! What the lobby holds for a staff member's home: how many wait at their office today, by
//! service, and the dashboard's open alerts. Counts only: nothing personal leaves the lobby.

use chrono::{DateTime, Utc};

use super::alerts;
use super::queue::{self, Status};
use crate::infopass::calendar::Service;
use crate::kernel::access::{Actor, Capability, permit_at};
use crate::kernel::error::ServiceError;
use crate::reference::Catalog;

/// An office's lobby in numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workload {
    /// Customers waiting now.
    pub waiting: i64,
    /// Of those, by service (services with nobody waiting left out).
    pub by_service: Vec<(Service, i64)>,
    /// Open alerts of the dashboard, for those who watch it (`None` for the others).
    pub open_alerts: Option<i64>,
}

/// The lobby of the actor's office today, for a role that works the lobby (check-in, calling or
/// watching it); `None` for the others, and for an office that has no lobby.
pub async fn workload(
    db: &crate::kernel::db::Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<Workload>, ServiceError> {
    let role = actor.role;
    let Some(capability) =
        [Capability::LobbyMonitor, Capability::QueueCall, Capability::CheckIn].into_iter().find(|c| role.can(*c))
    else {
        return Ok(None);
    };
    let Some(office) = catalog.field_office(&actor.place.office) else { return Ok(None) };
    permit_at(db, catalog, actor, now, capability, ("lobby.workload", &office.code)).await?;
    let day = queue::local_day(office.tz, now);
    let tickets = queue::of_day(db, &office.code, day, Status::Waiting).await?;
    let mut by_service: Vec<(Service, i64)> = Vec::new();
    for t in &tickets {
        match by_service.iter_mut().find(|(s, _)| *s == t.service) {
            Some((_, n)) => *n += 1,
            None => by_service.push((t.service, 1)),
        }
    }
    by_service.sort_by_key(|(s, _)| Service::ALL.iter().position(|x| x == s));
    let open_alerts = if role.can(Capability::LobbyMonitor) {
        let recent = alerts::recent(db, &office.code, 50).await?;
        Some(i64::try_from(recent.iter().filter(|a| a.cleared_at.is_none()).count()).unwrap_or(i64::MAX))
    } else {
        None
    };
    Ok(Some(Workload { waiting: i64::try_from(tickets.len()).unwrap_or(i64::MAX), by_service, open_alerts }))
}
