//! Registered representatives, the use cases (R-IP-05): a customer asks; a national
//! administrator decides (checked, emailed and audited in one transaction); the appointments a
//! representative holds.

use chrono::{DateTime, Utc};

use super::model::{Application, ClientAppointment, Decision, Listed, Registration, Status};
use super::store;
use crate::kernel::access::{Actor, Capability};
use crate::kernel::access::{entry, permit};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, DbError};
use crate::kernel::error::ServiceError;
use crate::kernel::i18n::{I18n, Lang};
use crate::notify::{self, Channel, Message};
use crate::reference::Catalog;

/// A customer's registration, if they asked for one.
pub async fn of_customer(db: &Db, customer_id: i64) -> Result<Option<Registration>, DbError> {
    store::of_customer(db, customer_id).await
}

/// Whether the customer books as an approved representative.
pub async fn is_approved(db: &Db, customer_id: i64) -> Result<bool, DbError> {
    Ok(of_customer(db, customer_id).await?.is_some_and(|r| r.status == Status::Approved))
}

/// Records a customer's request. Returns false when one is already pending or approved.
pub async fn apply(db: &Db, customer_id: i64, a: &Application, now: DateTime<Utc>) -> Result<bool, DbError> {
    store::apply(db, customer_id, a, now).await
}

/// Every registration, pending ones first, then approved, then the rest; oldest first within each,
/// for a national administrator (`representatives.manage`).
pub async fn listed(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<Listed>, ServiceError> {
    permit(db, catalog, actor, now, Capability::RepresentativesManage, ("representatives.list", None)).await?;
    let rows = store::listed(db).await?;
    // The accounts' user IDs and addresses are the portfolio's.
    let ids: Vec<i64> = rows.iter().map(|r| r.customer_id).collect();
    let mut contacts = crate::portfolio::service::contacts(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|registration| {
            let c = contacts.remove(&registration.customer_id)?;
            Some(Listed { registration, user_id: c.user_id, email: c.email })
        })
        .collect())
}

/// Decides a registration (`representatives.manage`); the customer is emailed in their language
/// and the decision audited, in one transaction. A registration not in the state the decision
/// applies to (decided meanwhile by someone else) is `NotFound`.
pub async fn decide(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    customer_id: i64,
    decision: Decision,
) -> Result<(), ServiceError> {
    let event = format!("representatives.{}", decision.to().code());
    permit(db, catalog, actor, now, Capability::RepresentativesManage, (&event, None)).await?;
    let i18n = I18n::shared().ok_or_else(|| ServiceError::Internal("message catalogues not loaded".into()))?;
    let mut tx = db.begin().await?;
    let decided = store::decide(&mut tx, customer_id, decision, (&actor.username, now)).await?;
    let Some(organization) = decided else { return Err(ServiceError::NotFound) };
    let Some(customer) = crate::portfolio::service::contacts(db, &[customer_id]).await?.remove(&customer_id) else {
        return Err(ServiceError::NotFound);
    };
    let (email, lang) = (customer.email, Lang::from_tag(&customer.lang).unwrap_or(Lang::En));
    let key = format!("rep-{}", decision.to().code());
    let args = [("organization", organization.as_str())];
    let message = Message {
        channel: Channel::Email,
        recipient: email,
        subject: i18n.t_args(lang, &format!("{key}-subject"), &args),
        body: i18n.t_args(lang, &format!("{key}-body"), &args),
        customer_id: Some(customer_id),
        appointment_id: None,
        attachment: None,
    };
    notify::enqueue(&mut tx, now, &message).await?;
    let record = format!("customer:{customer_id}");
    audit::record(&mut tx, now, &entry(actor, Category::Change, &event, &record, Outcome::Ok, &organization)).await?;
    tx.commit().await?;
    Ok(())
}

/// The appointments ahead that a representative booked, soonest first.
pub async fn appointments(db: &Db, customer_id: i64, now: DateTime<Utc>) -> Result<Vec<ClientAppointment>, DbError> {
    store::appointments(db, customer_id, now).await
}

/// How many appointments ahead a representative holds.
pub async fn active(db: &Db, customer_id: i64, now: DateTime<Utc>) -> Result<i64, DbError> {
    store::active(db, customer_id, now).await
}
