//! The script gateway's use cases: read and search (`scripts.read`), draft (`scripts.author`),
//! approve or return (`scripts.approve`, never one's own draft), and record the call a script
//! answered. Each takes the [`Allowed`] proof of the page's check of that capability (the page
//! makes it through `kernel::access`, so that a refusal is logged and alerted as ever), and those
//! that change a script the acting staff member and the time. Every change is audited in its own
//! transaction.

use chrono::{DateTime, Utc};

use super::model::{CallUse, Draft, DraftForm, Search, Status, Topic, Version};
use super::search::{Hit, ScriptIndex};
use super::store;
use crate::kernel::access::entry;
use crate::kernel::access::{Actor, Allowed, Capability};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::Db;
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;

/// Scripts a search shows at most.
pub const RESULTS: usize = 20;

/// What the scripts page shows.
#[derive(Debug, Clone)]
pub enum Found {
    /// No words and no filter: the topics, with how many scripts each holds.
    Topics(Vec<(Topic, i64)>),
    /// No words, a topic or form chosen: its scripts, by title.
    Listed(Vec<Version>),
    /// Words: the best matches.
    Hits(Vec<Hit>),
}

/// Searches, or browses when no words are given (`scripts.read`).
pub async fn find(db: &Db, index: &ScriptIndex, _: &Allowed, s: &Search) -> Result<Found, ServiceError> {
    if !s.words.trim().is_empty() {
        let hits = index.search(db, s, RESULTS).await.map_err(|e| ServiceError::Internal(e.to_string()))?;
        return Ok(Found::Hits(hits));
    }
    if s.topic.is_none() && s.form_code.is_none() {
        return Ok(Found::Topics(store::topic_counts(db).await?));
    }
    Ok(Found::Listed(store::browse(db, s.topic, s.form_code.as_deref()).await?))
}

/// A script as its page shows it.
#[derive(Debug, Clone)]
pub struct ScriptView {
    /// The script.
    pub script_id: i64,
    /// The version call-centre staff read: the latest approved one.
    pub current: Option<Version>,
    /// Every version, newest first (authors and approvers only).
    pub history: Vec<Version>,
    /// Calls it answered (authors and approvers only).
    pub uses: Option<i64>,
}

/// Whether the actor writes or approves scripts, and so sees drafts, history and use counts.
pub fn manages(actor: &Actor) -> bool {
    actor.role.can(Capability::ScriptsAuthor) || actor.role.can(Capability::ScriptsApprove)
}

/// A script (`scripts.read`); one with no approved version is visible to authors and approvers only.
pub async fn view(db: &Db, _: &Allowed, actor: &Actor, script_id: i64) -> Result<ScriptView, ServiceError> {
    let current = store::current(db, script_id).await?;
    let (history, uses) = if manages(actor) {
        (store::history(db, script_id).await?, Some(store::use_count(db, script_id).await?))
    } else {
        (Vec::new(), None)
    };
    if current.is_none() && history.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(ScriptView { script_id, current, history, uses })
}

/// The form to write a script's next version: its open draft when it has one (returned drafts
/// come back with their reason), else its current text (`scripts.author`).
pub async fn for_editing(db: &Db, _: &Allowed, script_id: i64) -> Result<(DraftForm, Option<Version>), ServiceError> {
    let history = store::history(db, script_id).await?;
    let open = history.iter().find(|v| v.status != Status::Approved).cloned();
    let Some(base) = open.as_ref().or(history.first()) else { return Err(ServiceError::NotFound) };
    let mut form = base.content.typed();
    // A new version starts without the last one's note; an open draft keeps its own.
    if open.is_none() {
        form.note.clear();
    }
    Ok((form, open))
}

/// Writes a new script as a draft for approval (`scripts.author`); returns its id.
pub async fn draft_new(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    d: &Draft,
) -> Result<i64, ServiceError> {
    let mut tx = db.begin().await?;
    let script_id = store::insert_script(&mut tx, &actor.username, now).await?;
    let (_, version) = store::insert_version(&mut tx, script_id, d, &actor.username, now)
        .await?
        .ok_or_else(|| ServiceError::Internal("a new script already had a draft".into()))?;
    let (record, detail) = (format!("script:{script_id}"), format!("version {version}: {}", d.title_en));
    audit::record(&mut tx, now, &entry(actor, Category::Change, "scripts.draft", &record, Outcome::Ok, &detail))
        .await?;
    tx.commit().await?;
    Ok(script_id)
}

/// Writes a script's next version (`scripts.author`): rewrites its open draft when it has one
/// (sending a returned one back for approval), else starts one. Returns the version number.
pub async fn draft_revision(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    script_id: i64,
    d: &Draft,
) -> Result<i64, ServiceError> {
    let mut tx = db.begin().await?;
    if !store::script_exists(&mut tx, script_id).await? {
        return Err(ServiceError::NotFound);
    }
    let (event, version) = match store::revise_open(&mut tx, script_id, d, &actor.username, now).await? {
        Some((_, version)) => ("scripts.revise", version),
        None => match store::insert_version(&mut tx, script_id, d, &actor.username, now).await? {
            Some((_, version)) => ("scripts.draft", version),
            // Another author started one between the two statements (PostgreSQL).
            None => {
                return Err(
                    InvalidInput::new("title_en", "Another author has just started a new version. Reload it.").into()
                );
            }
        },
    };
    let (record, detail) = (format!("script:{script_id}"), format!("version {version}: {}", d.title_en));
    audit::record(&mut tx, now, &entry(actor, Category::Change, event, &record, Outcome::Ok, &detail)).await?;
    tx.commit().await?;
    Ok(version)
}

/// A draft waiting for approval, beside the version it would replace.
#[derive(Debug, Clone)]
pub struct Queued {
    /// The draft.
    pub draft: Version,
    /// What call-centre staff read now, if the script has an approved version.
    pub current: Option<Version>,
}

/// The drafts waiting for an approver, oldest first (`scripts.approve`).
pub async fn queue(db: &Db, _: &Allowed) -> Result<Vec<Queued>, ServiceError> {
    let mut queued = Vec::new();
    // The queue is short (drafts wait hours, not months): one read a draft is fine.
    for draft in store::pending(db).await? {
        let current = store::current(db, draft.script_id).await?;
        queued.push(Queued { draft, current });
    }
    Ok(queued)
}

/// An approver's decision on a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approve: the version becomes what call-centre staff read.
    Approve,
    /// Send it back to the authors, saying why.
    Return(String),
}

impl Decision {
    /// The event it is checked and audited as.
    pub fn event(&self) -> &'static str {
        match self {
            Decision::Approve => "scripts.approve",
            Decision::Return(_) => "scripts.return",
        }
    }
}

/// The field of the review page a refusal belongs to.
pub const DECISION_FIELD: &str = "decision";

/// Approves or returns a pending draft (`scripts.approve`). Whoever wrote any of it may do
/// neither (four eyes): the attempt is refused and recorded in the security log. Returns the
/// version decided.
pub async fn decide(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    version_id: i64,
    decision: &Decision,
) -> Result<Version, ServiceError> {
    let event = decision.event();
    let mut tx = db.begin().await?;
    let Some(v) = store::version_in(&mut tx, version_id).await? else { return Err(ServiceError::NotFound) };
    let record = format!("script:{}", v.script_id);
    let gone =
        || InvalidInput::new(DECISION_FIELD, "This draft is no longer waiting: it was decided or changed meanwhile.");
    if v.status != Status::Pending {
        return Err(gone().into());
    }
    if v.written_by(&actor.username) {
        drop(tx);
        let detail =
            format!("version {} was written by {}: another approver must decide it", v.version, actor.username);
        audit::record_alone(db, now, &entry(actor, Category::Security, event, &record, Outcome::Denied, &detail))
            .await?;
        return Err(InvalidInput::new(DECISION_FIELD, "You wrote this draft: another approver must decide it.").into());
    }
    let detail = match decision {
        Decision::Approve => {
            store::approve(&mut tx, version_id, &actor.username, now).await?.ok_or_else(gone)?;
            format!("version {} approved: {}", v.version, v.content.title_en)
        }
        Decision::Return(reason) => {
            if !store::return_version(&mut tx, version_id, &actor.username, now, reason).await? {
                return Err(gone().into());
            }
            format!("version {} returned: {reason}", v.version)
        }
    };
    audit::record(&mut tx, now, &entry(actor, Category::Change, event, &record, Outcome::Ok, &detail)).await?;
    tx.commit().await?;
    Ok(v)
}

/// Records that an approved version of a script answered a call (`scripts.read`); returns the
/// record's id.
pub async fn record_use(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    script_id: i64,
    u: &CallUse,
) -> Result<i64, ServiceError> {
    let mut tx = db.begin().await?;
    if !store::is_approved(&mut tx, script_id, u.version).await? {
        return Err(ServiceError::NotFound);
    }
    let id = store::insert_use(&mut tx, script_id, u, (&actor.username, &actor.place.office), now).await?;
    let detail = format!(
        "version {}; call {}; receipt {}",
        u.version,
        u.call_ref.as_deref().unwrap_or("-"),
        u.receipt.as_ref().map_or("-", |r| r.as_str())
    );
    let record = format!("script:{script_id}");
    audit::record(&mut tx, now, &entry(actor, Category::Change, "scripts.use", &record, Outcome::Ok, &detail)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes scripts already approved, in one transaction, for demo data and benchmarks (no staff
/// member acts: `author` and `approver` name the source). Returns the scripts' ids.
pub async fn import_approved(
    db: &Db,
    drafts: &[Draft],
    (author, approver): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Vec<i64>, ServiceError> {
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(drafts.len());
    for d in drafts {
        let script_id = store::insert_script(&mut tx, author, now).await?;
        let (version_id, _) = store::insert_version(&mut tx, script_id, d, author, now)
            .await?
            .ok_or_else(|| ServiceError::Internal("a new script already had a draft".into()))?;
        store::approve(&mut tx, version_id, approver, now)
            .await?
            .ok_or_else(|| ServiceError::Internal("a new draft was not pending".into()))?;
        ids.push(script_id);
    }
    tx.commit().await?;
    Ok(ids)
}
