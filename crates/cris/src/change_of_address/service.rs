//! Recording a change of address (R-CA-02): the change itself, the cases moved to the new address
//! with their address history (by the case service), and the confirmation email, in one
//! transaction.

use chrono::{DateTime, Utc};

use super::model::ChangeOfAddress;
use super::store::insert_change;
use crate::case_status::service as cases;
use crate::kernel::db::{Db, DbError};
use crate::kernel::ids::ReceiptNumber;
use crate::kernel::random::{self, RandomError};
use crate::notify::{self, Channel, Message};
use crate::reference::Catalog;

/// Why a change was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// No case with this receipt number is on file at the previous address given (or it may not
    /// be disclosed): which of the two is not said.
    #[error("no case matches {0}")]
    NoMatch(ReceiptNumber),
    /// The case is decided: there is nothing pending to move.
    #[error("{0} is no longer pending")]
    NotPending(ReceiptNumber),
    /// Storage failed; nothing was written.
    #[error(transparent)]
    Db(#[from] DbError),
    /// No randomness for the confirmation number.
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl From<sqlx::Error> for SubmitError {
    fn from(e: sqlx::Error) -> Self {
        SubmitError::Db(e.into())
    }
}

/// A recorded change.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// Its confirmation number, `AR11-` and 10 digits.
    pub confirmation: String,
    /// The cases moved to the new address.
    pub updated: Vec<ReceiptNumber>,
}

/// Writes the confirmation email: (subject, body), given the confirmation number.
pub type Compose<'a> = dyn Fn(&str) -> (String, String) + Send + Sync + 'a;

/// Records the change (R-CA-02). Every receipt number must name a pending case whose mailing ZIP
/// code on file is the previous address's; otherwise nothing is written.
pub async fn submit(
    db: &Db,
    catalog: &Catalog,
    c: &ChangeOfAddress,
    lang: &str,
    now: DateTime<Utc>,
    email: &Compose<'_>,
) -> Result<Submitted, SubmitError> {
    let confirmation = format!("AR11-{:010}", random::below(10_000_000_000)?);
    let mut tx = db.begin().await?;
    let mut cases = Vec::with_capacity(c.receipts.len());
    // A case with no mailing ZIP code on file cannot be checked, so it is refused like a
    // mismatch: matching it by default would let anyone move it (issue 16).
    let claim = cases::Claim { zip: Some(c.previous.zip.five()), ..cases::Claim::default() };
    for receipt in &c.receipts {
        let Some(case) = cases::check_in(&mut tx, receipt, &claim).await? else {
            return Err(SubmitError::NoMatch(receipt.clone()));
        };
        if catalog.status(&case.status_code).is_some_and(|s| s.terminal) {
            return Err(SubmitError::NotPending(receipt.clone()));
        }
        cases.push(case.id);
    }
    let change_id = insert_change(&mut tx, c, &confirmation, lang, now).await?;
    cases::move_mailing_address(&mut tx, &cases, &c.previous, &c.new, change_id, now).await?;
    if let Some(to) = &c.email {
        let (subject, body) = email(&confirmation);
        let message = Message {
            channel: Channel::Email,
            recipient: to.as_str().to_owned(),
            subject,
            body,
            customer_id: None,
            appointment_id: None,
            attachment: None,
        };
        notify::enqueue(&mut tx, now, &message).await?;
    }
    tx.commit().await?;
    Ok(Submitted { confirmation, updated: c.receipts.clone() })
}
