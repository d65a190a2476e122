//! The report's use cases: run it for an office within the reader's reach (checked and audited),
//! and list the office's officers for the page's picker. The rows come from their owners' query
//! functions (lobby: the visits; staff: the officers; InfoPass: the appointment books), not from
//! views: each function sits beside its tables, compiled and tested with them.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

pub use super::model::{DayRow, Filter, MAX_DAYS, OfficerRow, Report, ServiceRow, Stats, csv};
use super::model::{Visit, compile};
use crate::kernel::access::entry;
use crate::kernel::access::{Actor, Allowed, Capability, Role};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::Db;
use crate::kernel::error::ServiceError;

/// The capability of the report, checked by the page on the office asked for (`reports.lobby`)
/// before it calls [`run`] with the proof.
pub const READ: Capability = Capability::ReportsRead;

/// Runs the report for an office within the reader's reach, after the page's check on that
/// office; the reading is audited.
pub async fn run(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    filter: &Filter,
) -> Result<Report, ServiceError> {
    let (from, to) = (filter.from.to_string(), filter.to.to_string());
    let after = (filter.to + Duration::days(1)).to_string();
    // Each owner answers for its tables (lobby: the visits; staff: the officers' names;
    // InfoPass: the appointment books), and the report puts them together.
    let segments = crate::lobby::report_segments(db, &filter.office, &from, &to, filter.officer.unwrap_or(0)).await?;
    let ids: Vec<i64> = segments.iter().filter_map(|s| s.officer_id).collect();
    let names = crate::staff::service::usernames(db, &ids).await?;
    let visits: Vec<Visit> = segments
        .into_iter()
        .map(|s| Visit {
            officer: s.officer_id.and_then(|id| names.get(&id).cloned()),
            ticket_id: s.ticket_id,
            day: s.day,
            service: s.service,
            status: s.status,
            confirmation: s.confirmation,
            queued_at: s.queued_at,
            called_at: s.called_at,
            started_at: s.started_at,
            ended_at: s.ended_at,
            outcome: s.outcome,
        })
        .collect();
    let booked = crate::infopass::booked_by_service(db, &filter.office, &from, &after).await?;
    // Appointments the retention engine purged (R-RT-01) stay in the books as counts (R-RT-03).
    let counted = crate::infopass::gone_by_service(db, &filter.office, &from, &to).await?;
    let of = |outcome: &str| -> Vec<(String, i64)> {
        counted.iter().filter(|(_, o, _)| o == outcome).map(|(s, _, n)| (s.clone(), *n)).collect()
    };
    let cancelled = of("cancelled");
    let mut booked = booked;
    booked.extend(of("purged"));
    let report = compile(filter.clone(), &visits, &booked, &cancelled);
    let tickets = visits.iter().map(|v| v.ticket_id).collect::<BTreeSet<_>>().len();
    let detail = format!("{} to {}, {tickets} visits", filter.from, filter.to);
    let record = format!("office:{}", filter.office);
    audit::record_alone(db, now, &entry(actor, Category::Access, "reports.lobby", &record, Outcome::Ok, &detail))
        .await?;
    Ok(report)
}

/// The staff of an office who call customers to a counter, for the officer picker; a database
/// error is an error, not an empty list.
pub async fn officers(db: &Db, office: &str) -> Result<Vec<(i64, String)>, ServiceError> {
    let calls = |r: Role| r.can(Capability::QueueCall) || r.can(Capability::QueueCallOutOfOrder);
    Ok(crate::staff::service::colleagues_at(db, office)
        .await?
        .into_iter()
        .filter(|c| c.role.parse::<Role>().is_ok_and(calls))
        .map(|c| (c.id, c.username))
        .collect())
}
