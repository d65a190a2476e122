//! Filing a service request (R-SR-02 to R-SR-08) and reading requests back. A request is checked
//! against the case, refused when the case is within its posted processing time or when an open
//! request for the same case and issue is younger than 30 days, and otherwise stored, routed to
//! the case's office and confirmed, in one transaction.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::model::{CaseCheck, Channel, Details, Issue, RESPONSE_DAYS, Reply};
use crate::case_status::cache::ReportCache;
use crate::case_status::service as cases;
use crate::kernel::access::Actor;
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::random::{self, RandomError};
use crate::notify::{self, Message};
use crate::reference::Catalog;

/// Why a request may not be filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// What was given does not match a case on file (which part is not said, R-SR-02).
    NoMatch,
    /// The case is within its posted processing time: inquiries open on this date (R-SR-03).
    WithinTime(NaiveDate),
    /// The case is decided: there is no processing time to ask about.
    Decided,
    /// An open request for this case and issue is younger than 30 days: another may be filed on
    /// this date if it is still unanswered (R-SR-06).
    Duplicate(NaiveDate),
}

/// Why filing failed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Refused, with the reason to tell the customer.
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// Storage failed; nothing was written.
    #[error(transparent)]
    Db(#[from] DbError),
    /// No randomness for the confirmation number.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The details did not encode (they always do: strings and a date).
    #[error(transparent)]
    Encode(#[from] serde_json::Error),
}

impl From<sqlx::Error> for FileError {
    fn from(e: sqlx::Error) -> Self {
        FileError::Db(e.into())
    }
}

/// The case a request is about, as found.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRef {
    /// Row id.
    pub id: i64,
    /// The office holding it.
    pub office_code: String,
    /// Current status.
    pub status_code: String,
}

/// Checks step one against the case on file and the posted processing times (R-SR-02, R-SR-03).
/// Duplicates are checked when filing.
pub async fn check_case(
    db: &Db,
    catalog: &Catalog,
    posted: &ReportCache,
    c: &CaseCheck,
) -> Result<Result<CaseRef, Refusal>, DbError> {
    let claim = cases::Claim { zip: Some(c.zip.five()), form: Some(&c.form), received_on: Some(c.filed) };
    let Some(case) = cases::check(db, &c.receipt, &claim).await? else {
        return Ok(Err(Refusal::NoMatch));
    };
    let (id, form, office_code, status_code, received) =
        (case.id, case.form_code, case.office_code, case.status_code, case.received_on);
    if c.issue == Issue::Late {
        if catalog.status(&status_code).is_some_and(|s| s.terminal) {
            return Ok(Err(Refusal::Decided));
        }
        // With no time posted for the form at the office there is nothing to be within.
        if let Some(p) = posted.posted(db, &form, &office_code).await?
            && !p.is_outside(received)
        {
            let from = received + (p.publication_date - p.service_request_date) + Duration::days(1);
            return Ok(Err(Refusal::WithinTime(from)));
        }
    }
    Ok(Ok(CaseRef { id, office_code, status_code }))
}

/// A request ready to be stored.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    /// The case, as checked.
    pub case: &'a CaseRef,
    /// The issue.
    pub issue: Issue,
    /// How it came in.
    pub channel: Channel,
    /// What step two collected.
    pub details: &'a Details,
    /// How to answer.
    pub reply: &'a Reply,
    /// The customer's language (`en` or `es`): letters and emails use it.
    pub lang: &'a str,
    /// The staff member who took it (calls, letters, office visits), audited.
    pub taken_by: Option<&'a Actor>,
}

/// A filed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    /// Its confirmation number.
    pub confirmation: String,
    /// The office it was routed to.
    pub office_code: String,
    /// When the answer is due.
    pub due_on: NaiveDate,
}

/// Writes the confirmation message: (subject, body), given the confirmation number and due date.
pub type Compose<'a> = dyn Fn(&str, NaiveDate) -> (String, String) + Send + Sync + 'a;

/// Stores a request, routes it to the office holding the case (R-SR-08) and queues the
/// confirmation (R-SR-05); refuses a duplicate (R-SR-06). One transaction.
pub async fn file(db: &Db, r: &NewRequest<'_>, now: DateTime<Utc>, compose: &Compose<'_>) -> Result<Filed, FileError> {
    let confirmation = format!("SRQ{:010}", random::below(10_000_000_000)?);
    let due_on = now.date_naive() + Duration::days(RESPONSE_DAYS);
    let details = serde_json::to_string(r.details)?;
    let (email, phone) = match r.reply {
        Reply::Email(e) => (Some(e.as_str()), None),
        Reply::Phone(p) => (None, Some(p.as_str())),
        Reply::Mail => (None, None),
    };
    let mut tx = db.begin().await?;
    // The case's row is locked until commit (on SQLite, BEGIN IMMEDIATE's write lock), so two
    // filings about one case take turns and the second sees the first (the duplicate rule holds
    // under concurrency, on both engines).
    cases::lock(&mut tx, &[r.case.id]).await?;
    if let Some(open_since) = open_request(&mut tx, r.case.id, r.issue, now).await? {
        return Err(FileError::Refused(Refusal::Duplicate(open_since.date_naive() + Duration::days(RESPONSE_DAYS))));
    }
    let id: i64 = crate::with_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO service_requests (confirmation, case_id, issue, channel, office_code, status, lang, email, phone, \
             details, filed_by, filed_at, due_on) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(&confirmation)
        .bind(r.case.id)
        .bind(r.issue.code())
        .bind(r.channel.code())
        .bind(&r.case.office_code)
        .bind(r.lang)
        .bind(email)
        .bind(phone)
        .bind(&details)
        .bind(r.taken_by.map(|a| a.user_id))
        .bind(now)
        .bind(due_on)
        .fetch_one(&mut *conn)
        .await?
    });
    let actor = r.taken_by.map(|a| a.username.as_str());
    add_event(&mut tx, id, now, &Event { kind: "filed", actor, body: Some(r.channel.code()), ..Event::default() })
        .await?;
    let routed = Event { kind: "routed", actor, office: Some(&r.case.office_code), ..Event::default() };
    add_event(&mut tx, id, now, &routed).await?;
    let (subject, body) = compose(&confirmation, due_on);
    let channel = match r.reply {
        Reply::Email(_) => Some(notify::Channel::Email),
        Reply::Phone(_) => Some(notify::Channel::Sms),
        Reply::Mail => None,
    };
    if let (Some(channel), Some(recipient)) = (channel, email.or(phone)) {
        let message = Message {
            channel,
            recipient: recipient.to_owned(),
            subject,
            body,
            customer_id: None,
            appointment_id: None,
            attachment: None,
        };
        notify::enqueue(&mut tx, now, &message).await?;
    }
    if let Some(actor) = r.taken_by {
        let record = format!("service_request:{id}");
        let detail = format!("{} {} via {}", confirmation, r.issue.code(), r.channel.code());
        let e = crate::kernel::access::entry(
            actor,
            Category::Change,
            "service_requests.create",
            &record,
            Outcome::Ok,
            &detail,
        );
        audit::record(&mut tx, now, &e).await?;
    }
    tx.commit().await?;
    Ok(Filed { confirmation, office_code: r.case.office_code.clone(), due_on })
}

/// When the open request for this case and issue filed in the last 30 days was filed, if any.
async fn open_request(
    tx: &mut Tx,
    case_id: i64,
    issue: Issue,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "SELECT filed_at FROM service_requests WHERE case_id = $1 AND issue = $2 AND status <> 'resolved' \
             AND filed_at > $3 ORDER BY filed_at DESC LIMIT 1",
        )
        .bind(case_id)
        .bind(issue.code())
        .bind(now - Duration::days(RESPONSE_DAYS))
        .fetch_optional(&mut *conn)
        .await?
    }))
}

/// A step of a request's trail.
#[derive(Debug, Clone, Default)]
pub struct Event<'a> {
    /// `filed`, `routed`, `assigned`, `reassigned`, `redirected`, `held`, `released`, `letter`,
    /// `email`, `phone`, `resolved`.
    pub kind: &'a str,
    /// The staff member (none for the customer).
    pub actor: Option<&'a str>,
    /// The office it went to.
    pub office: Option<&'a str>,
    /// The officer it went to.
    pub officer: Option<&'a str>,
    /// Why.
    pub reason: Option<&'a str>,
    /// What was said (an exchange with the customer) or how it came in.
    pub body: Option<&'a str>,
}

/// Appends a step to a request's trail.
pub async fn add_event(tx: &mut Tx, request_id: i64, now: DateTime<Utc>, e: &Event<'_>) -> Result<i64, DbError> {
    Ok(crate::with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO service_request_events (request_id, kind, at, actor, office_code, officer, reason, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(request_id)
        .bind(e.kind)
        .bind(now)
        .bind(e.actor)
        .bind(e.office)
        .bind(e.officer)
        .bind(e.reason)
        .bind(e.body)
        .fetch_one(&mut *conn)
        .await?
    }))
}

/// A request as lists show it.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct Summary {
    /// Row id.
    pub id: i64,
    /// Confirmation number.
    pub confirmation: String,
    /// The case's row id.
    pub case_id: i64,
    /// The case's receipt number (the case service's, filled in after the read).
    #[sqlx(default)]
    pub receipt_number: String,
    /// Issue code.
    pub issue: String,
    /// Channel code.
    pub channel: String,
    /// Office it sits with.
    pub office_code: String,
    /// The assigned officer's id.
    pub officer_id: Option<i64>,
    /// Officer's user name, when assigned (the staff service's, filled in after the read).
    #[sqlx(default)]
    pub officer: Option<String>,
    /// `open`, `assigned`, `on_hold`, `resolved`.
    pub status: String,
    /// When filed.
    pub filed_at: DateTime<Utc>,
    /// When the answer is due.
    pub due_on: NaiveDate,
    /// Why it is on hold.
    pub hold_reason: Option<String>,
    /// When it was answered.
    pub resolved_at: Option<DateTime<Utc>>,
}

impl Summary {
    /// Whether the office must see it flagged (a disability accommodation).
    pub fn flagged(&self) -> bool {
        Issue::parse(&self.issue).is_some_and(Issue::flagged)
    }

    /// Whether the answer is late.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status != "resolved" && self.status != "on_hold" && self.due_on < today
    }
}

const SUMMARY: &str = "SELECT r.id, r.confirmation, r.case_id, r.issue, r.channel, r.office_code, \
     r.assigned_to AS officer_id, r.status, r.filed_at, r.due_on, r.hold_reason, r.resolved_at FROM service_requests r";

/// A value bound to a statement of this module's dynamic SQL (a list's condition, a request's
/// update).
#[derive(Debug, Clone, Copy)]
pub(super) enum Arg<'a> {
    Int(i64),
    Text(&'a str),
    Time(DateTime<Utc>),
    Date(NaiveDate),
}

/// Binds `args` in order to a query or a typed query (the two have no common trait to write a
/// function over).
macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match *a {
                Arg::Int(i) => q.bind(i),
                Arg::Text(t) => q.bind(t),
                Arg::Time(t) => q.bind(t),
                Arg::Date(d) => q.bind(d),
            };
        }
        q
    }};
}

/// Summaries matching a condition on `r` (service_requests), with their cases' receipt numbers
/// from the case service and their officers' names from the staff service. The condition and the
/// order are fixed text (`'static`), with `$n` for the values in `args`.
async fn summaries(
    db: &Db,
    condition: &'static str,
    args: &[Arg<'_>],
    order: &'static str,
) -> Result<Vec<Summary>, DbError> {
    let mut found: Vec<Summary> = crate::with_db!(db, pool => {
        let mut sql = sqlx::QueryBuilder::new(SUMMARY);
        sql.push(" WHERE ").push(condition).push(" ORDER BY ").push(order).push(" LIMIT 500");
        let q = bind_args!(sql.build_query_as::<Summary>(), args);
        q.fetch_all(pool).await?
    });
    let mut ids: Vec<i64> = found.iter().map(|s| s.case_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let receipts: std::collections::HashMap<i64, String> =
        cases::by_ids(db, &ids).await?.into_iter().map(|c| (c.id, c.receipt_number)).collect();
    let officers: Vec<i64> = found.iter().filter_map(|s| s.officer_id).collect();
    let names = crate::staff::service::usernames(db, &officers).await?;
    for s in &mut found {
        s.receipt_number = receipts.get(&s.case_id).cloned().unwrap_or_default();
        s.officer = s.officer_id.and_then(|id| names.get(&id).cloned());
    }
    Ok(found)
}

/// An office's requests nobody is working yet, oldest first (R-SR-09).
pub async fn unassigned(db: &Db, office: &str) -> Result<Vec<Summary>, DbError> {
    summaries(db, "r.office_code = $1 AND r.status = 'open'", &[Arg::Text(office)], "r.due_on, r.id").await
}

/// An officer's open requests, soonest due first.
pub async fn assigned_to(db: &Db, username: &str) -> Result<Vec<Summary>, DbError> {
    let Some(id) = crate::staff::service::id_of(db, username).await? else { return Ok(Vec::new()) };
    summaries(db, "r.assigned_to = $1 AND r.status IN ('assigned', 'on_hold')", &[Arg::Int(id)], "r.due_on, r.id").await
}

/// The open requests (assigned or on hold) of each of these officers.
pub async fn workloads(db: &Db, officers: &[i64]) -> Result<std::collections::HashMap<i64, i64>, DbError> {
    let rows: Vec<(i64, i64)> = crate::with_db!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT assigned_to, CAST(COUNT(*) AS BIGINT) FROM service_requests WHERE status IN ('assigned', 'on_hold')",
        );
        crate::kernel::db::push_in(&mut q, "assigned_to", officers);
        q.push(" GROUP BY assigned_to");
        q.build_query_as().fetch_all(pool).await?
    });
    Ok(rows.into_iter().collect())
}

/// Whether any request is stored (the demo's requests go only into a database without).
pub async fn any(db: &Db) -> Result<bool, DbError> {
    let n: i64 = crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM service_requests").fetch_one(pool).await?
    });
    Ok(n > 0)
}

/// Unresolved requests due by `by` (overdue and nearly due), in `office` or everywhere (R-SR-12).
pub async fn due_by(db: &Db, office: Option<&str>, by: NaiveDate) -> Result<Vec<Summary>, DbError> {
    match office {
        Some(o) => {
            let due = "r.status <> 'resolved' AND r.due_on <= $1 AND r.office_code = $2";
            summaries(db, due, &[Arg::Date(by), Arg::Text(o)], "r.due_on, r.id").await
        }
        None => summaries(db, "r.status <> 'resolved' AND r.due_on <= $1", &[Arg::Date(by)], "r.due_on, r.id").await,
    }
}

/// Requests about a case, newest first.
pub async fn for_case(db: &Db, receipt: &str) -> Result<Vec<Summary>, DbError> {
    let Some(case_id) = cases::id_of(db, receipt).await? else { return Ok(Vec::new()) };
    for_case_id(db, case_id).await
}

/// Requests about a case by its id, newest first.
pub async fn for_case_id(db: &Db, case_id: i64) -> Result<Vec<Summary>, DbError> {
    summaries(db, "r.case_id = $1", &[Arg::Int(case_id)], "r.filed_at DESC, r.id DESC").await
}

/// What the case page shows of a request about the case (R-SR-12).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseLine {
    /// Issue code.
    pub issue: String,
    /// `open`, `assigned`, `on_hold`, `resolved`.
    pub status: String,
    /// When filed.
    pub filed_at: DateTime<Utc>,
    /// When the answer is due.
    pub due_on: NaiveDate,
    /// When it was answered.
    pub resolved_at: Option<DateTime<Utc>>,
}

const LINES_OF_CASE: &str = "SELECT issue, status, filed_at, due_on, resolved_at FROM service_requests WHERE case_id = $1 ORDER BY filed_at DESC, id DESC";

/// The requests about a case as its status page lists them, newest first: on a SQLite file read
/// on this thread, as the case itself was just read (`kernel::db::Readers`, issue 18).
pub async fn lines_of_case(db: &Db, case_id: i64) -> Result<Vec<CaseLine>, DbError> {
    let here = db.read_here(|conn| {
        let mut statement = conn.prepare_cached(LINES_OF_CASE)?;
        let lines = statement.query_map([case_id], |r| {
            Ok(CaseLine {
                issue: r.get(0)?,
                status: r.get(1)?,
                filed_at: r.get(2)?,
                due_on: r.get(3)?,
                resolved_at: r.get(4)?,
            })
        })?;
        lines.collect()
    });
    match here {
        Some(lines) => lines,
        None => Ok(crate::with_db!(db, pool => sqlx::query_as(LINES_OF_CASE).bind(case_id).fetch_all(pool).await?)),
    }
}

/// A caller's earlier requests: by the receipt number, email address or phone number they give
/// (R-SR-07).
pub async fn for_caller(db: &Db, key: &str) -> Result<Vec<Summary>, DbError> {
    let order = "r.filed_at DESC, r.id DESC";
    match cases::id_of(db, key).await? {
        Some(case_id) => {
            let condition = "(r.case_id = $2 OR r.email = $1 OR r.phone = $1)";
            summaries(db, condition, &[Arg::Text(key), Arg::Int(case_id)], order).await
        }
        None => summaries(db, "(r.email = $1 OR r.phone = $1)", &[Arg::Text(key)], order).await,
    }
}

/// A request whole: what was filed, where it is, and its trail.
#[derive(Debug, Clone)]
pub struct Request {
    /// As lists show it.
    pub summary: Summary,
    /// The case's row id.
    pub case_id: i64,
    /// The assigned officer's id.
    pub assigned_to: Option<i64>,
    /// The customer's language.
    pub lang: String,
    /// Email to answer, if given.
    pub email: Option<String>,
    /// Phone to answer, if given.
    pub phone: Option<String>,
    /// What step two collected.
    pub details: Details,
    /// The trail, oldest first.
    pub events: Vec<EventRow>,
}

/// A stored step of the trail.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct EventRow {
    /// Row id.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Staff member.
    pub actor: Option<String>,
    /// Office.
    pub office_code: Option<String>,
    /// Officer.
    pub officer: Option<String>,
    /// Reason.
    pub reason: Option<String>,
    /// Exchange text.
    pub body: Option<String>,
}

/// A request by its confirmation number.
pub async fn get(db: &Db, confirmation: &str) -> Result<Option<Request>, DbError> {
    let Some(summary) =
        summaries(db, "r.confirmation = $1", &[Arg::Text(confirmation)], "r.id").await?.into_iter().next()
    else {
        return Ok(None);
    };
    type Row = (i64, Option<i64>, String, Option<String>, Option<String>, String);
    let (case_id, assigned_to, lang, email, phone, details): Row = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT case_id, assigned_to, lang, email, phone, details FROM service_requests WHERE id = $1")
            .bind(summary.id)
            .fetch_one(pool)
            .await?
    });
    let events: Vec<EventRow> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, kind, at, actor, office_code, officer, reason, body FROM service_request_events \
             WHERE request_id = $1 ORDER BY id",
        )
        .bind(summary.id)
        .fetch_all(pool)
        .await?
    });
    // Details were written by this code; should they not read back, the request still shows.
    let details = serde_json::from_str(&details).unwrap_or_default();
    Ok(Some(Request { summary, case_id, assigned_to, lang, email, phone, details, events }))
}

/// Resolved requests answered before `before` (the retention engine's plan).
pub async fn expired_requests(db: &Db, before: DateTime<Utc>) -> Result<crate::kernel::db::Extent, DbError> {
    let (n, lo, hi): (i64, Option<DateTime<Utc>>, Option<DateTime<Utc>>) = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(resolved_at), MAX(resolved_at) FROM service_requests \
             WHERE status = 'resolved' AND resolved_at < $1",
        )
        .bind(before)
        .fetch_one(pool)
        .await?
    });
    Ok(crate::kernel::db::Extent::from_times(n, lo, hi))
}

/// Whether service request `id` exists (for a legal hold).
pub async fn request_exists(tx: &mut Tx, id: i64) -> Result<bool, DbError> {
    crate::kernel::db::counts_row(tx, "SELECT COUNT(*) FROM service_requests WHERE id = $1", id).await
}

/// Deletes up to `batch` resolved requests answered before `before` (not those in `keep`), with
/// their trail.
pub async fn purge_requests_before(
    tx: &mut Tx,
    before: DateTime<Utc>,
    batch: i64,
    keep: &[i64],
) -> Result<u64, DbError> {
    crate::with_tx!(tx, conn => {
        let mut s = sqlx::QueryBuilder::new("SELECT id FROM service_requests WHERE status = 'resolved' AND resolved_at < ");
        s.push_bind(before);
        crate::kernel::db::push_not_in(&mut s, "id", keep);
        s.push(" ORDER BY id LIMIT ").push_bind(batch);
        let ids: Vec<i64> = s.build_query_scalar().fetch_all(&mut *conn).await?;
        if ids.is_empty() {
            return Ok(0);
        }
        let mut e = sqlx::QueryBuilder::new("DELETE FROM service_request_events WHERE 1 = 1");
        crate::kernel::db::push_in(&mut e, "request_id", &ids);
        e.build().execute(&mut *conn).await?;
        let mut d = sqlx::QueryBuilder::new("DELETE FROM service_requests WHERE 1 = 1");
        crate::kernel::db::push_in(&mut d, "id", &ids);
        Ok(d.build().execute(&mut *conn).await?.rows_affected())
    })
}

/// One request's row changed by a fixed statement (`$1` its id, then `args`); whether it changed.
async fn change(tx: &mut Tx, sql: &'static str, id: i64, args: &[Arg<'_>]) -> Result<bool, DbError> {
    let done = crate::with_tx!(tx, conn => {
        let q = bind_args!(sqlx::query(sql).bind(id), args);
        q.execute(&mut *conn).await?.rows_affected()
    });
    Ok(done == 1)
}

/// Gives a request in the state `from` to an officer; a held request stays on hold.
pub async fn assign(tx: &mut Tx, id: i64, officer: i64, from: &str) -> Result<bool, DbError> {
    let sql = "UPDATE service_requests SET assigned_to = $2, \
               status = CASE WHEN status = 'on_hold' THEN status ELSE 'assigned' END \
               WHERE id = $1 AND status = $3";
    change(tx, sql, id, &[Arg::Int(officer), Arg::Text(from)]).await
}

/// Sends a request from office `from` to `office`, unassigned there; a held request stays on hold.
pub async fn redirect(tx: &mut Tx, id: i64, office: &str, from: &str) -> Result<bool, DbError> {
    let sql = "UPDATE service_requests SET office_code = $2, assigned_to = NULL, \
               status = CASE WHEN status = 'on_hold' THEN status ELSE 'open' END WHERE id = $1 AND office_code = $3";
    change(tx, sql, id, &[Arg::Text(office), Arg::Text(from)]).await
}

/// Puts an assigned request on hold.
pub async fn hold(tx: &mut Tx, id: i64, since: DateTime<Utc>, reason: &str) -> Result<bool, DbError> {
    let sql = "UPDATE service_requests SET status = 'on_hold', held_since = $2, hold_reason = $3 \
               WHERE id = $1 AND status = 'assigned'";
    change(tx, sql, id, &[Arg::Time(since), Arg::Text(reason)]).await
}

/// Takes a held request off hold with its moved due date.
pub async fn release(tx: &mut Tx, id: i64, due_on: NaiveDate) -> Result<bool, DbError> {
    let sql = "UPDATE service_requests SET status = 'assigned', held_since = NULL, hold_reason = NULL, due_on = $2 \
               WHERE id = $1 AND status = 'on_hold'";
    change(tx, sql, id, &[Arg::Date(due_on)]).await
}

/// Closes a request, answered by `by` (the method's code).
pub async fn resolve(tx: &mut Tx, id: i64, at: DateTime<Utc>, by: &str) -> Result<bool, DbError> {
    let sql = "UPDATE service_requests SET status = 'resolved', resolved_at = $2, resolved_by = $3 \
               WHERE id = $1 AND status <> 'resolved'";
    change(tx, sql, id, &[Arg::Time(at), Arg::Text(by)]).await
}
