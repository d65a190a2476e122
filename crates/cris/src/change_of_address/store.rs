//! Recording a change of address (R-CA-02): the change itself, the cases moved to the new address
//! with their address history, and the confirmation email, in one transaction.

use chrono::{DateTime, Utc};

use super::model::ChangeOfAddress;
use crate::case_status::service as cases;
use crate::kernel::db::{Db, DbError, Tx};
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

async fn insert_change(
    tx: &mut Tx,
    c: &ChangeOfAddress,
    confirmation: &str,
    lang: &str,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let (p, n) = (&c.previous, &c.new);
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO address_changes (confirmation, first_name, last_name, a_number, birth_date, \
             previous_line1, previous_line2, previous_city, previous_state, previous_zip, \
             new_line1, new_line2, new_city, new_state, new_zip, email, lang, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
        )
        .bind(confirmation)
        .bind(&c.first_name)
        .bind(&c.last_name)
        .bind(c.a_number.as_str())
        .bind(c.birth_date.to_string())
        .bind(&p.line1)
        .bind(p.line2.as_deref())
        .bind(&p.city)
        .bind(&p.state)
        .bind(p.zip.as_str())
        .bind(&n.line1)
        .bind(n.line2.as_deref())
        .bind(&n.city)
        .bind(&n.state)
        .bind(n.zip.as_str())
        .bind(c.email.as_ref().map(|e| e.as_str()))
        .bind(lang)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// The confirmation numbers of these address changes (those still kept), by id.
pub async fn confirmations(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, DbError> {
    Ok(crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new("SELECT id, confirmation FROM address_changes WHERE 1 = 1");
        crate::kernel::db::push_in(&mut q, "id", ids);
        q.build_query_as().fetch_all(pool).await?
    }))
}

/// Address changes filed before `before` (the retention engine's plan).
pub async fn expired_changes(db: &Db, before: DateTime<Utc>) -> Result<crate::kernel::db::Extent, DbError> {
    let (n, lo, hi): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT COUNT(*), MIN(submitted_at), MAX(submitted_at) FROM address_changes WHERE submitted_at < $1")
            .bind(before)
            .fetch_one(pool)
            .await?
    });
    Ok(crate::kernel::db::Extent::from_times(n, lo, hi))
}

/// Deletes up to `batch` address changes filed before `before` (not those in `keep`); the cases'
/// address history stays with the cases, no longer pointing at the change.
pub async fn purge_changes_before(
    tx: &mut Tx,
    before: DateTime<Utc>,
    batch: i64,
    keep: &[i64],
) -> Result<u64, DbError> {
    let ids: Vec<i64> = crate::with_tx!(&mut *tx, conn => {
        let mut q = sqlx::QueryBuilder::new("SELECT id FROM address_changes WHERE submitted_at < ");
        q.push_bind(before);
        crate::kernel::db::push_not_in(&mut q, "id", keep);
        q.push(" ORDER BY id LIMIT ").push_bind(batch);
        q.build_query_scalar().fetch_all(&mut *conn).await?
    });
    if ids.is_empty() {
        return Ok(0);
    }
    crate::case_status::service::forget_address_changes(tx, &ids).await?;
    crate::with_tx!(tx, conn => {
        let mut d = sqlx::QueryBuilder::new("DELETE FROM address_changes WHERE 1 = 1");
        crate::kernel::db::push_in(&mut d, "id", &ids);
        Ok(d.build().execute(&mut *conn).await?.rows_affected())
    })
}
