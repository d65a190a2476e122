//! The CMIS lobby (R-QM-01 to R-QM-08): check-in at the front desk, tickets numbered in
//! sequence per office and day, the queue with its ordering rule, the officer's console, visit
//! notes kept apart from case data, the live events the lobby display follows, the supervisor's
//! dashboard with its alerts, and each office's rules.

pub mod alerts;
pub mod dashboard;
pub mod events;
pub mod history;
pub mod queue;
pub mod routes;
pub mod rules;
pub mod store;
pub mod workload;

/// The productivity report's reading of the visits: an office's segments between two days
/// (inclusive), of one officer (`officer` > 0) or all.
pub async fn report_segments(
    db: &crate::kernel::db::Db,
    office: &str,
    from: &str,
    to: &str,
    officer: i64,
) -> Result<Vec<store::ReportSegment>, crate::kernel::db::DbError> {
    store::report_segments(db, office, from, to, officer).await
}
