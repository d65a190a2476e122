//! The dashboard's use case: what a supervisor sees of an office's lobby, for those who may
//! watch it.

use chrono::{DateTime, Utc};

use crate::kernel::access::{Actor, Capability, permit_at};
use crate::kernel::db::Db;
use crate::kernel::error::ServiceError;
use crate::lobby::alerts::{self, Alert, Measures};
use crate::lobby::queue::{self, Status, Ticket};
use crate::lobby::rules::{self, OfficeRules};
use crate::reference::{Catalog, Office};

/// An office's lobby as the dashboard shows it.
pub struct View {
    /// The measures now.
    pub measures: Measures,
    /// The office's rules, thresholds included.
    pub rules: OfficeRules,
    /// The latest alerts, open ones first.
    pub alerts: Vec<Alert>,
    /// Waiting, in queue order.
    pub waiting: Vec<Ticket>,
    /// Called or served, by counter.
    pub counters: Vec<Ticket>,
}

/// The dashboard of an office (R-QM-07), for those who watch its lobby.
pub async fn view(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    office: &Office,
) -> Result<View, ServiceError> {
    permit_at(db, catalog, actor, now, Capability::LobbyMonitor, ("lobby.dashboard", &office.code)).await?;
    let day = queue::local_day(office.tz, now);
    let measures = alerts::measures(db, &office.code, day, now).await?;
    let rules = rules::of_office(db, &office.code).await?;
    let recent = alerts::recent(db, &office.code, 10).await?;
    let waiting = queue::of_day(db, &office.code, day, Status::Waiting).await?;
    let mut counters = queue::of_day(db, &office.code, day, Status::Called).await?;
    counters.extend(queue::of_day(db, &office.code, day, Status::Serving).await?);
    counters.sort_by(|a, b| a.counter.cmp(&b.counter));
    Ok(View { measures, rules, alerts: recent, waiting, counters })
}
