//! The retention engine's use cases: plan (what a run would remove), run (remove it in batches,
//! then certify), legal holds (own capability, reason, audited) and the certificates' list.
//! Every deletion of a record past its time goes through [`run`].

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{Certificate, Count, Cutoff, Hold, Kind, PlanLine, Policies};
use super::store;
use crate::kernel::access::{Actor, Capability, Places, entry, permit};
use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::clock::Clock;
use crate::kernel::db::{Db, DbError, Extent, Tx};
use crate::kernel::error::ServiceError;
use crate::kernel::progress::Progress;

/// "Today" for kinds that live by the day: the day at USCIS headquarters.
pub fn today(clock: &Clock) -> NaiveDate {
    clock.today_in(chrono_tz::America::New_York)
}

/// What a run now would remove, kind by kind (nothing is deleted).
pub async fn plan(
    db: &Db,
    policies: &Policies,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<PlanLine>, DbError> {
    let held = store::held_counts(db).await?;
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let cut = policies.cutoff(kind, now, today);
        let extent = expired(db, kind, cut).await?;
        let held = held.iter().find(|(k, _)| k == kind.code()).map_or(0, |(_, n)| usize::try_from(*n).unwrap_or(0));
        out.push(PlanLine { kind, before: cut.shown(kind), extent, held });
    }
    Ok(out)
}

/// "Within 120 days of contact" (R-RT-02): a contact made on day 0 is gone by the run of day
/// 120, so focus contacts go before the day after the cut-off (plan and run alike).
fn focus_before(cut: Cutoff) -> NaiveDate {
    cut.day.succ_opt().unwrap_or(cut.day)
}

async fn expired(db: &Db, kind: Kind, cut: Cutoff) -> Result<Extent, DbError> {
    let day = cut.day.to_string();
    match kind {
        Kind::Appointments => crate::infopass::booking::expired_appointments(db, &day).await,
        Kind::SurveyInvitations => crate::surveys::service::expired_invitations(db, cut.day).await,
        Kind::LobbyTickets => crate::lobby::queue::expired_tickets(db, &day).await,
        Kind::VisitNotes => crate::lobby::queue::expired_notes(db, cut.at).await,
        Kind::FocusContacts => crate::surveys::service::expired_focus_contacts(db, focus_before(cut)).await,
        Kind::ServiceRequests => crate::service_requests::work::expired_requests(db, cut.at).await,
        Kind::AddressChanges => crate::change_of_address::expired_changes(db, cut.at).await,
        Kind::Outbox => crate::notify::expired_messages(db, cut.at).await,
        Kind::Sessions => crate::kernel::session::expired(db, cut.at).await,
        Kind::PortfolioRecovery => crate::portfolio::service::expired_recovery(db, cut.at).await,
        Kind::Throttles => crate::kernel::throttle::expired(db, cut.at).await,
        Kind::SharingRecords => crate::cpms::service::expired_persons(db, cut.day).await,
    }
}

/// One batch of one kind, inside the engine's transaction; `keep` holds the held records.
async fn purge_batch(tx: &mut Tx, kind: Kind, cut: Cutoff, batch: i64, keep: &[i64]) -> Result<u64, DbError> {
    let day = cut.day.to_string();
    match kind {
        Kind::Appointments => crate::infopass::booking::purge_appointments_before(tx, &day, batch, keep).await,
        Kind::SurveyInvitations => Ok(0),
        Kind::LobbyTickets => crate::lobby::queue::scrub_tickets_before(tx, &day, batch, keep).await,
        Kind::VisitNotes => crate::lobby::queue::purge_notes_before(tx, cut.at, batch, keep).await,
        Kind::FocusContacts => Ok(0),
        Kind::ServiceRequests => crate::service_requests::work::purge_requests_before(tx, cut.at, batch, keep).await,
        Kind::AddressChanges => crate::change_of_address::purge_changes_before(tx, cut.at, batch, keep).await,
        Kind::Outbox => crate::notify::purge_messages_before(tx, cut.at, batch).await,
        Kind::Sessions => crate::kernel::session::purge_expired_before(tx, cut.at, batch).await,
        Kind::PortfolioRecovery => crate::portfolio::service::purge_recovery_before(tx, cut.at, batch).await,
        Kind::Throttles => crate::kernel::throttle::purge_before(tx, cut.at, batch).await,
        Kind::SharingRecords => crate::cpms::service::purge_persons_before(tx, cut.day, batch, keep).await,
    }
}

/// Whether the held record exists, asked of its owner inside the hold's transaction.
async fn record_exists(tx: &mut Tx, kind: Kind, id: i64) -> Result<bool, DbError> {
    match kind {
        Kind::Appointments => crate::infopass::booking::appointment_exists(tx, id).await,
        Kind::LobbyTickets => crate::lobby::queue::ticket_exists(tx, id).await,
        Kind::VisitNotes => crate::lobby::queue::note_exists(tx, id).await,
        Kind::ServiceRequests => crate::service_requests::work::request_exists(tx, id).await,
        Kind::AddressChanges => crate::change_of_address::change_exists(tx, id).await,
        _ => Ok(false),
    }
}

/// Removes everything past its time, kind by kind, in transactions of at most `policies.batch`
/// rows (holds re-read inside each), then stores the certificate and its audit row in one
/// transaction. `run_by` says who: `job:daily`, `command:<user>`.
pub async fn run(db: &Db, policies: &Policies, clock: &Clock, run_by: &str) -> Result<Certificate, DbError> {
    run_with(db, policies, clock, run_by, &Progress::hidden()).await
}

/// [`run`], counting the rows removed on `progress`, with the kind under way beside it
/// (`cris retention run`).
pub async fn run_with(
    db: &Db,
    policies: &Policies,
    clock: &Clock,
    run_by: &str,
    progress: &Progress,
) -> Result<Certificate, DbError> {
    let started_at = clock.now();
    let today = today(clock);
    let batch = policies.batch.max(1);
    let mut counts = Vec::new();
    for kind in Kind::ALL {
        let cut = policies.cutoff(kind, started_at, today);
        progress.note(kind.code());
        let mut removed = 0u64;
        loop {
            let n = if kind == Kind::SurveyInvitations {
                // The surveys' purges run their own short statements (no hold applies to them).
                crate::surveys::service::purge_invitations_before(db, cut.day, batch).await?
            } else if kind == Kind::FocusContacts {
                crate::surveys::service::purge_focus_contacts_before(db, focus_before(cut), batch).await?
            } else {
                let mut tx = db.begin().await?;
                store::lock(&mut tx).await?;
                let keep = if kind.holdable() { store::held_ids(&mut tx, kind).await? } else { Vec::new() };
                let n = purge_batch(&mut tx, kind, cut, batch, &keep).await?;
                tx.commit().await?;
                n
            };
            removed += n;
            progress.inc(n);
            if n < u64::try_from(batch).unwrap_or(u64::MAX) || n == 0 {
                break;
            }
            // Let bookings and look-ups in between two batches.
            tokio::time::sleep(policies.pause).await;
        }
        counts.push(Count { kind: kind.code().to_owned(), before: cut.shown(kind), removed });
    }
    progress.finish();
    let id = crate::kernel::random::token(12).map_err(|e| DbError::Query(sqlx::Error::Protocol(e.to_string())))?;
    let cert = Certificate {
        id,
        policy_version: policies.version(),
        started_at,
        finished_at: clock.now(),
        run_by: run_by.to_owned(),
        counts,
    };
    let mut tx = db.begin().await?;
    store::insert_certificate(&mut tx, &cert).await?;
    let record = format!("retention_run:{}", cert.id);
    let detail = format!("policy {}; removed {}: {}", cert.policy_version, cert.total(), cert.summary());
    let e = Entry {
        category: Category::Change,
        event: "retention.run",
        username: run_by,
        ip: "-",
        office: "-",
        record: &record,
        outcome: Outcome::Ok,
        detail: &detail,
    };
    audit::record(&mut tx, cert.finished_at, &e).await?;
    tx.commit().await?;
    Ok(cert)
}

/// The certificates, newest first (`retention.read`).
pub async fn certificates(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Certificate>, ServiceError> {
    permit(db, places, actor, now, Capability::RetentionRead, ("retention.certificates", None)).await?;
    Ok(store::certificates(db, 200).await?)
}

/// Active legal holds (`retention.read` or `retention.hold`).
pub async fn holds(db: &Db, places: &dyn Places, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<Hold>, ServiceError> {
    let cap = if actor.role.can(Capability::LegalHold) { Capability::LegalHold } else { Capability::RetentionRead };
    permit(db, places, actor, now, cap, ("retention.holds", None)).await?;
    Ok(store::active_holds(db).await?)
}

/// Places a legal hold (`retention.hold`): the record survives its time until released. The
/// reason is kept with the hold; the audit row names the kind and record id only. A record that
/// does not exist (never did, or already purged) is refused as not found, and nothing is written.
pub async fn place_hold(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    kind: Kind,
    record_id: i64,
    reason: &str,
) -> Result<Option<i64>, ServiceError> {
    permit(db, places, actor, now, Capability::LegalHold, ("retention.hold", None)).await?;
    if !kind.holdable() || record_id <= 0 {
        return Err(ServiceError::NotFound);
    }
    let mut tx = db.begin().await?;
    store::lock(&mut tx).await?;
    if !record_exists(&mut tx, kind, record_id).await? {
        return Err(ServiceError::NotFound);
    }
    let id = store::insert_hold(&mut tx, kind, record_id, reason, &actor.username, now).await?;
    let record = format!("{}:{record_id}", kind.code());
    let detail = match id {
        Some(h) => format!("legal hold {h} placed"),
        None => "already held".to_owned(),
    };
    audit::record(&mut tx, now, &entry(actor, Category::Change, "retention.hold", &record, Outcome::Ok, &detail))
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Releases a legal hold (`retention.hold`); the record then goes at the next run if past its time.
pub async fn release_hold(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    hold_id: i64,
) -> Result<(), ServiceError> {
    permit(db, places, actor, now, Capability::LegalHold, ("retention.release", None)).await?;
    let mut tx = db.begin().await?;
    store::lock(&mut tx).await?;
    let Some((kind, record_id)) = store::release_hold(&mut tx, hold_id, &actor.username, now).await? else {
        return Err(ServiceError::NotFound);
    };
    let record = format!("{kind}:{record_id}");
    let detail = format!("legal hold {hold_id} released");
    audit::record(&mut tx, now, &entry(actor, Category::Change, "retention.release", &record, Outcome::Ok, &detail))
        .await?;
    tx.commit().await?;
    Ok(())
}
