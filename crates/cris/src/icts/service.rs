//! ICTS's use cases for international analysts (R-IS-05): the queue, a case (an audited read), its
//! assignment, the prepared response, documents, and the second analyst's approval. Every step is
//! checked (`sharing.respond`; a refusal is logged and alerted by `permit`), follows the case's
//! stage (model), and is audited in the transaction that makes it.

use chrono::{DateTime, NaiveDate, Utc};

use super::model::{Document, Stage, StepError};
pub use super::store::Summary;
use super::store::{self, Case, DocumentInfo};
use crate::kernel::access::{self, Actor, Allowed, Capability, Denial, entry, permit};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::{InvalidInput, ServiceError};
use crate::reference::Catalog;

/// The day ICTS counts due dates in: headquarters' (Washington, on New York's clock).
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&chrono_tz::America::New_York).date_naive()
}

/// An analyst, as the queue shows and the assignment offers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analyst {
    /// Staff user id.
    pub id: i64,
    /// User name.
    pub username: String,
    /// Name.
    pub name: String,
}

/// What the queue page shows.
#[derive(Debug, Clone)]
pub struct Queue {
    /// Open cases, earliest due first.
    pub open: Vec<Summary>,
    /// The latest sent.
    pub sent: Vec<Summary>,
    /// Analysts to assign to.
    pub analysts: Vec<Analyst>,
    /// Answers waiting for IDENT.
    pub unsent: i64,
}

impl Queue {
    /// An analyst's user name, by id.
    pub fn who(&self, id: &Option<i64>) -> Option<&str> {
        id.and_then(|id| self.analysts.iter().find(|a| a.id == id)).map(|a| a.username.as_str())
    }
}

/// The check of every ICTS step: the capability, no office's reach (ICTS is national).
async fn check(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    what: &str,
) -> Result<Allowed, ServiceError> {
    permit(db, catalog, actor, now, Capability::SharingRespond, (what, None)).await
}

/// The analysts who may work cases.
pub async fn analysts(db: &Db) -> Result<Vec<Analyst>, ServiceError> {
    Ok(crate::staff::service::holders_of(db, Capability::SharingRespond)
        .await?
        .into_iter()
        .map(|(id, username, name)| Analyst { id, username, name })
        .collect())
}

/// The queue (R-IS-05): open cases by due date and priority, the overdue among them, the latest
/// sent. Lists hold the partner's name for the person, so reading them is audited.
pub async fn queue(db: &Db, catalog: &Catalog, actor: &Actor, now: DateTime<Utc>) -> Result<Queue, ServiceError> {
    check(db, catalog, actor, now, "icts.queue").await?;
    let open = store::queue(db).await?;
    let sent = store::sent(db, 20).await?;
    let e = entry(actor, Category::Access, "icts.queue", "icts_cases", Outcome::Ok, "");
    audit::record_alone(db, now, &e).await?;
    Ok(Queue { open, sent, analysts: analysts(db).await?, unsent: store::unsent(db).await? })
}

/// A case with its documents.
#[derive(Debug, Clone)]
pub struct CaseView {
    /// The case.
    pub case: Case,
    /// Its stage.
    pub stage: Stage,
    /// Documents attached, without bytes.
    pub documents: Vec<DocumentInfo>,
    /// The person's record (CPMS), as (catalogue message of the label, value).
    pub record: Vec<(&'static str, String)>,
    /// What the response form offers.
    pub offers: Vec<Offer>,
}

/// A field the response form offers, with the person's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// Type-2 field number.
    pub number: u16,
    /// The value that would leave.
    pub value: String,
}

fn record_of(id: i64) -> String {
    format!("icts_case:{id}")
}

/// Loads a case and its stage.
async fn load(db: &Db, id: i64) -> Result<(Case, Stage), ServiceError> {
    let case = store::get(db, id).await?.ok_or(ServiceError::NotFound)?;
    let stage = Stage::of_row(&case.state, case.assigned_to, case.prepared_by, case.approved_by)
        .ok_or_else(|| ServiceError::Internal(format!("icts case {id} is in no stage")))?;
    Ok((case, stage))
}

/// Reads a case (audited: the partner's request is personal data).
pub async fn case(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
) -> Result<CaseView, ServiceError> {
    check(db, catalog, actor, now, "icts.read").await?;
    let (case, stage) = load(db, id).await?;
    let documents = store::documents(db, id).await?;
    let record = record_of(id);
    let e = entry(actor, Category::Access, "icts.read", &record, Outcome::Ok, &case.partner);
    audit::record_alone(db, now, &e).await?;
    let mut view = CaseView { case, stage, documents, record: Vec::new(), offers: Vec::new() };
    super::inbound::record_and_offers(db, catalog, actor, now, &mut view).await?;
    Ok(view)
}

/// A step refused by the case's stage, as the page words it.
pub(super) fn step_refused(e: StepError) -> ServiceError {
    let field = match e {
        StepError::SameAnalyst => "approve",
        StepError::NotAssignee | StepError::WrongStage => "state",
    };
    InvalidInput::new(field, e.to_string())
        .with_code(match e {
            StepError::SameAnalyst => "icts-same-analyst",
            StepError::NotAssignee => "icts-not-assignee",
            StepError::WrongStage => "icts-wrong-stage",
        })
        .into()
}

/// Audits a step and commits.
async fn finish(
    mut tx: Tx,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    what: &str,
    detail: &str,
) -> Result<(), ServiceError> {
    audit::record(&mut tx, now, &entry(actor, Category::Change, what, &record_of(id), Outcome::Ok, detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a case not yet prepared to an analyst (any analyst may take or hand on work, as the
/// service-request queue's supervisors do).
pub async fn assign(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    to: i64,
) -> Result<(), ServiceError> {
    check(db, catalog, actor, now, "icts.assign").await?;
    let (_, stage) = load(db, id).await?;
    let Some(analyst) = analysts(db).await?.into_iter().find(|a| a.id == to) else {
        return Err(InvalidInput::new("analyst", "choose an international analyst").into());
    };
    let next = match stage {
        Stage::Received(r) => r.assign(to),
        Stage::Assigned(a) => a.reassign(to),
        _ => return Err(step_refused(StepError::WrongStage)),
    };
    let mut tx = db.begin().await?;
    if !store::assign(&mut tx, id, next.to).await? {
        return Err(step_refused(StepError::WrongStage));
    }
    finish(tx, actor, now, id, "icts.assign", &analyst.username).await
}

/// The assigned analyst prepares the response: the fields to disclose, each one the form offers
/// (the partner's template and its agreement in force today). It can be changed until approved.
pub async fn prepare(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    choice: &[String],
) -> Result<Vec<u16>, ServiceError> {
    check(db, catalog, actor, now, "icts.prepare").await?;
    let (case, stage) = load(db, id).await?;
    let offered = super::inbound::offered_now(db, &case.partner, now).await?;
    let fields = super::model::chosen(choice, &offered)?;
    let prepared = match stage {
        Stage::Assigned(a) => a.prepare(actor.user_id),
        Stage::Prepared(p) => p.revise(actor.user_id),
        _ => Err(StepError::WrongStage),
    }
    .map_err(step_refused)?;
    let text = super::model::fields_text(&fields);
    let mut tx = db.begin().await?;
    if !store::prepare(&mut tx, id, prepared.by, &text, now).await? {
        return Err(step_refused(StepError::WrongStage));
    }
    finish(tx, actor, now, id, "icts.prepare", &text).await?;
    Ok(fields)
}

/// The analyst the case is assigned to attaches a document the partner asked for, checked by
/// content and size (model), while the response is not yet approved. Another analyst (the page
/// offers them no form, so a forged post) is refused as a record out of reach: logged and
/// alerted like every refusal.
pub async fn attach(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    label: &str,
    bytes: Vec<u8>,
) -> Result<i64, ServiceError> {
    check(db, catalog, actor, now, "icts.attach").await?;
    let (_, stage) = load(db, id).await?;
    let assignee = match stage {
        Stage::Assigned(a) => a.to,
        Stage::Prepared(p) => p.to,
        _ => return Err(step_refused(StepError::WrongStage)),
    };
    if assignee != actor.user_id {
        let denial = access::deny(db, catalog, actor, now, "icts.attach", None, Denial::Reach).await;
        return Err(denial.into());
    }
    let doc = Document::check(label, bytes)?;
    let mut tx = db.begin().await?;
    let doc_id = store::add_document(&mut tx, id, &doc, actor.user_id, now).await?;
    let detail = format!("document:{doc_id} {} {}", doc.media_type.as_str(), doc.sha256);
    finish(tx, actor, now, id, "icts.attach", &detail).await?;
    Ok(doc_id)
}

/// One document of a case (audited).
pub async fn document(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    doc: i64,
) -> Result<(String, Vec<u8>), ServiceError> {
    check(db, catalog, actor, now, "icts.document").await?;
    let found = store::document(db, id, doc).await?.ok_or(ServiceError::NotFound)?;
    let (record, detail) = (record_of(id), format!("document:{doc}"));
    let e = entry(actor, Category::Access, "icts.document", &record, Outcome::Ok, &detail);
    audit::record_alone(db, now, &e).await?;
    Ok(found)
}
