//! The use cases of service requests: filing (e-Request and staff intake, R-SR-02 to R-SR-08),
//! the lists staff work from, and working requests (R-SR-09 to R-SR-12): supervisors assign,
//! reassign and redirect; officers put requests on hold and answer them by letter, email or a
//! recorded call. Every step is checked against the actor's capability and the request's office,
//! written to the request's trail and to the audit log in the same transaction. What discloses or
//! changes a request for staff asks for the [`Allowed`] proof of a passed check; the routes only
//! extract, call here and render.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::model::{CaseCheck, Method, MoveReason};
use super::store::{self, Event};
pub use super::store::{CaseRef, Compose, FileError, Filed, NewRequest, Refusal, Request, Summary};
use crate::case_status::cache::ReportCache;
use crate::kernel::access::{Actor, Allowed, Capability, Level, Role, entry, permit_at};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::ServiceError;
use crate::kernel::i18n::{I18n, Lang};
use crate::notify::{self, Channel, Message};
use crate::reference::Catalog;

/// An officer who can take requests, and how many they hold now.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct Officer {
    /// Staff user id.
    pub id: i64,
    /// User name.
    pub username: String,
    /// Name.
    pub display_name: String,
    /// Requests assigned and not resolved.
    pub workload: i64,
}

/// The roles that work requests.
fn working_roles() -> Vec<&'static str> {
    Role::ALL.into_iter().filter(|r| r.can(Capability::ServiceRequestsWork)).map(Role::as_str).collect()
}

/// An office's active officers with their current workloads, lightest first (R-SR-09).
pub async fn officers(db: &Db, office: &str) -> Result<Vec<Officer>, ServiceError> {
    let roles = working_roles();
    let staff: Vec<_> = crate::staff::service::colleagues_at(db, office)
        .await?
        .into_iter()
        .filter(|c| c.active && roles.contains(&c.role.as_str()))
        .collect();
    let ids: Vec<i64> = staff.iter().map(|c| c.id).collect();
    let loads = if ids.is_empty() { Default::default() } else { store::workloads(db, &ids).await? };
    let mut officers: Vec<Officer> = staff
        .into_iter()
        .map(|c| Officer {
            workload: loads.get(&c.id).copied().unwrap_or(0),
            id: c.id,
            username: c.username,
            display_name: c.display_name,
        })
        .collect();
    officers.sort_by(|a, b| a.workload.cmp(&b.workload).then_with(|| a.username.cmp(&b.username)));
    Ok(officers)
}

/// Requests counted for a staff member's home: theirs, their office's and, for headquarters,
/// every office's (R-SR-09, R-SR-12). A count the role has no part in is `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workload {
    /// Their own open requests (assigned or on hold).
    pub mine: Option<i64>,
    /// Of those, past their due date.
    pub mine_overdue: i64,
    /// Of those, due within `NEARLY_DUE_DAYS`.
    pub mine_due_soon: i64,
    /// The office's requests nobody works yet, for supervisors.
    pub unassigned: Option<i64>,
    /// Overdue requests, in the supervisor's office or, for headquarters, everywhere.
    pub overdue: Option<i64>,
    /// Requests due within `NEARLY_DUE_DAYS` and not yet overdue, likewise.
    pub due_soon: Option<i64>,
}

/// Days before the due date a request counts as nearly due.
pub const NEARLY_DUE_DAYS: i64 = 5;

/// What waits for the actor among service requests (`service_requests.read` at their office):
/// counts only, so nothing personal is disclosed and nothing is audited.
pub async fn workload(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    today: chrono::NaiveDate,
) -> Result<Workload, ServiceError> {
    permit_at(db, catalog, actor, now, Capability::ServiceRequestsRead, ("service_requests.list", &actor.place.office))
        .await?;
    let soon = due_horizon(today);
    let split = |rows: &[store::Summary]| {
        let overdue = rows.iter().filter(|r| r.overdue(today)).count();
        let soon = rows.iter().filter(|r| !r.overdue(today) && r.status != "on_hold" && r.due_on <= soon).count();
        (i64::try_from(overdue).unwrap_or(i64::MAX), i64::try_from(soon).unwrap_or(i64::MAX))
    };
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let mut w = Workload::default();
    if actor.role.can(Capability::ServiceRequestsWork) {
        let mine = store::assigned_to(db, &actor.username).await?;
        (w.mine_overdue, w.mine_due_soon) = split(&mine);
        w.mine = Some(count(mine.len()));
    }
    let supervises = actor.role.can(Capability::ServiceRequestsAssign);
    if supervises {
        w.unassigned = Some(count(store::unassigned(db, &actor.place.office).await?.len()));
    }
    let national = actor.role.level() == Level::Nation;
    if supervises || national {
        let office = (!national).then_some(actor.place.office.as_str());
        let due = store::due_by(db, office, soon).await?;
        let (overdue, soon) = split(&due);
        (w.overdue, w.due_soon) = (Some(overdue), Some(soon));
    }
    Ok(w)
}

/// Loads a request and checks the actor may act on it with `capability` (its office in reach);
/// a refusal is recorded as `what`.
async fn load(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    capability: Capability,
    what: &str,
    confirmation: &str,
) -> Result<(Request, Allowed), ServiceError> {
    let r = store::get(db, confirmation).await?.ok_or(ServiceError::NotFound)?;
    let allowed = permit_at(db, catalog, actor, now, capability, (what, &r.summary.office_code)).await?;
    Ok((r, allowed))
}

/// Reads a request (audited: it holds personal data).
pub async fn read(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    confirmation: &str,
) -> Result<Request, ServiceError> {
    let (r, _) =
        load(db, catalog, actor, now, Capability::ServiceRequestsRead, "service_requests.read", confirmation).await?;
    let record = format!("service_request:{}", r.summary.id);
    let e = entry(actor, Category::Access, "service_requests.read", &record, Outcome::Ok, &r.summary.confirmation);
    audit::record_alone(db, now, &e).await?;
    Ok(r)
}

/// Records one step: the trail and the audit log, then commits.
async fn finish(
    mut tx: Tx,
    actor: &Actor,
    now: DateTime<Utc>,
    r: &Request,
    event: &Event<'_>,
) -> Result<i64, ServiceError> {
    let id = store::add_event(&mut tx, r.summary.id, now, event).await?;
    let record = format!("service_request:{}", r.summary.id);
    let detail = [Some(r.summary.confirmation.as_str()), event.office, event.officer, event.reason]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let what = format!("service_requests.{}", event.kind);
    audit::record(&mut tx, now, &entry(actor, Category::Change, &what, &record, Outcome::Ok, &detail)).await?;
    tx.commit().await?;
    Ok(id)
}

/// A request's change after its check (the proof): exactly one row changed, or the request moved
/// on meanwhile (another officer's change) and is not there in the state the change expects.
fn changed(_: &Allowed, done: bool) -> Result<(), ServiceError> {
    if done { Ok(()) } else { Err(ServiceError::NotFound) }
}

/// Assigns requests of an office to one of its officers (R-SR-09). A request already assigned
/// needs a reason: that is a reassignment (R-SR-10).
pub async fn assign(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    confirmations: &[String],
    officer_id: i64,
    reason: Option<MoveReason>,
) -> Result<usize, ServiceError> {
    let mut done = 0;
    for confirmation in confirmations {
        let (r, allowed) =
            load(db, catalog, actor, now, Capability::ServiceRequestsAssign, "service_requests.assign", confirmation)
                .await?;
        let officer = officers(db, &r.summary.office_code)
            .await?
            .into_iter()
            .find(|o| o.id == officer_id)
            .ok_or_else(|| invalid("officer", "Choose an officer of the request's office."))?;
        if r.summary.status == "resolved" || r.assigned_to == Some(officer_id) {
            return Err(invalid("officer", "This request is resolved or already with that officer."));
        }
        let reassign = r.assigned_to.is_some();
        if reassign && reason.is_none() {
            return Err(invalid("reason", "Give the reason for reassigning."));
        }
        let mut tx = db.begin().await?;
        changed(&allowed, store::assign(&mut tx, r.summary.id, officer.id, &r.summary.status).await?)?;
        let event = Event {
            kind: if reassign { "reassigned" } else { "assigned" },
            actor: Some(&actor.username),
            officer: Some(&officer.username),
            reason: reason.filter(|_| reassign).map(MoveReason::code),
            ..Event::default()
        };
        finish(tx, actor, now, &r, &event).await?;
        done += 1;
    }
    Ok(done)
}

/// Sends a request to another office, unassigned there (R-SR-10).
pub async fn redirect(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    confirmation: &str,
    office: &str,
    reason: MoveReason,
) -> Result<(), ServiceError> {
    let (r, allowed) =
        load(db, catalog, actor, now, Capability::ServiceRequestsAssign, "service_requests.redirect", confirmation)
            .await?;
    // Requests are worked where cases are: service and benefits centres, field and asylum
    // offices; an ASC only takes fingerprints.
    let target = catalog
        .office(office)
        .filter(|o| works_requests(o))
        .ok_or_else(|| invalid("office", "Choose a service centre, field office or asylum office."))?;
    if target.code == r.summary.office_code || r.summary.status == "resolved" {
        return Err(invalid("office", "Choose another office; resolved requests stay where they are."));
    }
    let mut tx = db.begin().await?;
    changed(&allowed, store::redirect(&mut tx, r.summary.id, &target.code, &r.summary.office_code).await?)?;
    let event = Event {
        kind: "redirected",
        actor: Some(&actor.username),
        office: Some(&target.code),
        reason: Some(reason.code()),
        ..Event::default()
    };
    finish(tx, actor, now, &r, &event).await?;
    Ok(())
}

/// Whether an office works service requests (every kind but an ASC).
pub fn works_requests(office: &crate::reference::Office) -> bool {
    office.kind != crate::reference::OfficeKind::Asc
}

/// Whether the actor may work this request: its officer, or a supervisor of its office.
fn works(actor: &Actor, r: &Request) -> Result<(), ServiceError> {
    if r.assigned_to == Some(actor.user_id) || actor.role.can(Capability::ServiceRequestsAssign) {
        Ok(())
    } else {
        Err(invalid("request", "Only the assigned officer or a supervisor works this request."))
    }
}

/// Puts a request on hold with a reason; the due date stops (R-SR-12).
pub async fn hold(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    confirmation: &str,
    reason: &str,
) -> Result<(), ServiceError> {
    let (r, allowed) =
        load(db, catalog, actor, now, Capability::ServiceRequestsWork, "service_requests.hold", confirmation).await?;
    works(actor, &r)?;
    let reason = super::model::hold_reason(reason)?;
    let mut tx = db.begin().await?;
    changed(&allowed, store::hold(&mut tx, r.summary.id, now, &reason).await?)?;
    let event = Event { kind: "held", actor: Some(&actor.username), reason: Some(&reason), ..Event::default() };
    finish(tx, actor, now, &r, &event).await?;
    Ok(())
}

/// Takes a request off hold; its due date moves by the days it was held (R-SR-12).
pub async fn release(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    confirmation: &str,
) -> Result<(), ServiceError> {
    let (r, allowed) =
        load(db, catalog, actor, now, Capability::ServiceRequestsWork, "service_requests.release", confirmation)
            .await?;
    works(actor, &r)?;
    let held_since = r.events.iter().rev().find(|e| e.kind == "held").map_or(now, |e| e.at);
    // Part of a day held counts as a day: the customer never loses time to a hold.
    let held_days = ((now - held_since).num_minutes() + 24 * 60 - 1).div_euclid(24 * 60).max(0);
    let due_on = r.summary.due_on + Duration::days(held_days);
    let mut tx = db.begin().await?;
    changed(&allowed, store::release(&mut tx, r.summary.id, due_on).await?)?;
    let body = format!("due {due_on}");
    let event = Event { kind: "released", actor: Some(&actor.username), body: Some(&body), ..Event::default() };
    finish(tx, actor, now, &r, &event).await?;
    Ok(())
}

/// The letter's and email's frame in the customer's language: (subject, greeting, closing).
fn frame(lang: Lang, r: &Request) -> Option<(String, String, String)> {
    let i18n = I18n::shared()?;
    let args = [("confirmation", r.summary.confirmation.as_str()), ("receipt", r.summary.receipt_number.as_str())];
    let name = r.details.full_name().unwrap_or_default();
    Some((
        i18n.t_args(lang, "sr-letter-subject", &args),
        i18n.t_args(lang, "sr-letter-greeting", &[("name", name.as_str())]),
        i18n.t_args(lang, "sr-letter-closing", &args),
    ))
}

/// Answers the customer (R-SR-11): a response letter (kept, printable as PDF in their language,
/// and emailed when they gave an address), an email, or a telephone call's summary. `resolves`
/// closes the request.
#[expect(clippy::too_many_arguments, reason = "a use case takes the actor, the time and its inputs")]
pub async fn respond(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    confirmation: &str,
    method: Method,
    body: &str,
    resolves: bool,
) -> Result<i64, ServiceError> {
    let (r, allowed) =
        load(db, catalog, actor, now, Capability::ServiceRequestsWork, "service_requests.respond", confirmation)
            .await?;
    works(actor, &r)?;
    let body = super::model::response_text(body)?;
    if r.summary.status == "resolved" {
        return Err(invalid("body", "This request is resolved already."));
    }
    let email = match (method, &r.email) {
        (Method::Email, None) => return Err(invalid("method", "The customer gave no email address.")),
        (Method::Phone, _) if r.phone.is_none() => return Err(invalid("method", "The customer gave no phone number.")),
        (Method::Phone, _) => None,
        // A letter is mailed, or emailed when there is no address.
        (Method::Letter, None) if r.details.address.is_none() => {
            return Err(invalid("method", "The customer gave no mailing or email address for a letter."));
        }
        (_, e) => e.clone(),
    };
    let lang = Lang::from_tag(&r.lang).unwrap_or(Lang::En);
    let mut tx = db.begin().await?;
    if let Some(to) = email {
        let (subject, greeting, closing) =
            frame(lang, &r).ok_or_else(|| ServiceError::Internal("message catalogues not loaded".into()))?;
        let message = Message {
            channel: Channel::Email,
            recipient: to,
            subject,
            body: format!("{greeting}\n\n{body}\n\n{closing}"),
            customer_id: None,
            appointment_id: None,
            attachment: None,
        };
        notify::enqueue(&mut tx, now, &message).await?;
    }
    if resolves {
        changed(&allowed, store::resolve(&mut tx, r.summary.id, now, method.code()).await?)?;
    }
    let event = Event { kind: method.code(), actor: Some(&actor.username), body: Some(&body), ..Event::default() };
    let id = store::add_event(&mut tx, r.summary.id, now, &event).await?;
    let closing =
        Event { kind: "resolved", actor: Some(&actor.username), body: Some(method.code()), ..Event::default() };
    if resolves {
        finish(tx, actor, now, &r, &closing).await?;
    } else {
        let record = format!("service_request:{}", r.summary.id);
        let what = format!("service_requests.{}", method.code());
        audit::record(&mut tx, now, &entry(actor, Category::Change, &what, &record, Outcome::Ok, confirmation)).await?;
        tx.commit().await?;
    }
    Ok(id)
}

/// A response letter as a PDF, in the customer's language (R-SR-11).
pub async fn letter_pdf(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    confirmation: &str,
    event_id: i64,
) -> Result<Vec<u8>, ServiceError> {
    let r = read(db, catalog, actor, now, confirmation).await?;
    let letter = r.events.iter().find(|e| e.id == event_id && e.kind == "letter").ok_or(ServiceError::NotFound)?;
    let lang = Lang::from_tag(&r.lang).unwrap_or(Lang::En);
    let (subject, greeting, closing) =
        frame(lang, &r).ok_or_else(|| ServiceError::Internal("message catalogues not loaded".into()))?;
    let office = catalog.office(&r.summary.office_code);
    let mut head = vec!["U.S. Citizenship and Immigration Services".to_owned()];
    if let Some(o) = office {
        head.push(o.name(lang).to_owned());
        head.push(format!("{}, {}, {} {}", o.street, o.city, o.state, o.zip));
    }
    head.push(crate::reference::format_date(letter.at.date_naive(), lang));
    head.push(String::new());
    if let Some(name) = r.details.full_name() {
        head.push(name);
    }
    head.extend(r.details.address.clone().unwrap_or_default());
    let body = letter.body.clone().unwrap_or_default();
    super::letter::render(lang.tag(), &head, &subject, &[greeting, body, closing])
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

fn invalid(field: &'static str, reason: &str) -> ServiceError {
    ServiceError::Invalid(crate::kernel::error::InvalidInput::new(field, reason))
}

/// Resolved requests answered before `before` (the retention engine's plan).
pub async fn expired_requests(
    db: &Db,
    before: DateTime<Utc>,
) -> Result<crate::kernel::db::Extent, crate::kernel::db::DbError> {
    super::store::expired_requests(db, before).await
}

/// Whether service request `id` exists (the retention engine refuses a hold on nothing).
pub async fn request_exists(tx: &mut Tx, id: i64) -> Result<bool, crate::kernel::db::DbError> {
    super::store::request_exists(tx, id).await
}

/// The retention engine's purge of service requests: up to `batch` resolved before `before`,
/// not those in `keep` (held), with their trail. Open requests are never purged.
pub async fn purge_requests_before(
    tx: &mut Tx,
    before: DateTime<Utc>,
    batch: i64,
    keep: &[i64],
) -> Result<u64, crate::kernel::db::DbError> {
    super::store::purge_requests_before(tx, before, batch, keep).await
}

/// Requests about a case, newest first (the public status page shows them, R-SR-12).
pub async fn for_case(db: &Db, receipt: &str) -> Result<Vec<Summary>, crate::kernel::db::DbError> {
    store::for_case(db, receipt).await
}

/// Checks step one against the case on file and the posted processing times (R-SR-02, R-SR-03):
/// the public form's and the staff intake's first step. It discloses nothing beyond the refusal.
pub async fn check_case(
    db: &Db,
    catalog: &Catalog,
    posted: &ReportCache,
    c: &CaseCheck,
) -> Result<Result<CaseRef, Refusal>, crate::kernel::db::DbError> {
    store::check_case(db, catalog, posted, c).await
}

/// Files a request a customer sends themselves (e-Request, R-SR-05, R-SR-06).
pub async fn file(db: &Db, r: &NewRequest<'_>, now: DateTime<Utc>, compose: &Compose<'_>) -> Result<Filed, FileError> {
    store::file(db, r, now, compose).await
}

/// Records a request a staff member took by phone, letter or at an office (R-SR-07): the same
/// filing, after the `service_requests.create` check, attributed to them.
pub async fn record(
    db: &Db,
    _: &Allowed,
    r: &NewRequest<'_>,
    now: DateTime<Utc>,
    compose: &Compose<'_>,
) -> Result<Filed, FileError> {
    store::file(db, r, now, compose).await
}

/// A caller's earlier requests, by the receipt number, email address or phone number they give
/// (R-SR-07); audited, as it shows their requests. Phone numbers are stored in E.164, and a
/// caller says them however they like.
pub async fn earlier(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    caller: &str,
) -> Result<Vec<Summary>, ServiceError> {
    let key = caller.trim();
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let key = key.parse::<crate::kernel::contact::Phone>().map_or_else(|_| key.to_owned(), |p| p.as_str().to_owned());
    let key = key.parse::<crate::kernel::ids::ReceiptNumber>().map_or(key, |r| r.as_str().to_owned());
    let found = store::for_caller(db, &key).await?;
    let detail = format!("{} found", found.len());
    let e = entry(actor, Category::Access, "service_requests.lookup", "-", Outcome::Ok, &detail);
    audit::record_alone(db, now, &e).await?;
    Ok(found)
}

/// The lists of the requests page, each for the roles that work it: `None` where the role has
/// no part.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    /// The office's unassigned requests, for supervisors (R-SR-09).
    pub unassigned: Option<Vec<Summary>>,
    /// The office's officers with their workloads, for supervisors.
    pub officers: Vec<Officer>,
    /// The officer's own requests.
    pub mine: Option<Vec<Summary>>,
    /// Overdue and nearly due: supervisors their office's, headquarters every office's (R-SR-12).
    pub due: Option<Vec<Summary>>,
}

/// The requests page's lists for the actor, after the page's check (`service_requests.list`).
pub async fn lists(db: &Db, _: &Allowed, actor: &Actor, now: DateTime<Utc>) -> Result<Lists, ServiceError> {
    let (role, office) = (actor.role, actor.place.office.as_str());
    let mut lists = Lists::default();
    if role.can(Capability::ServiceRequestsAssign) {
        lists.unassigned = Some(store::unassigned(db, office).await?);
        lists.officers = officers(db, office).await?;
    }
    if role.can(Capability::ServiceRequestsWork) {
        lists.mine = Some(store::assigned_to(db, &actor.username).await?);
    }
    let national = role.level() == Level::Nation && role.can(Capability::ServiceRequestsRead);
    if role.can(Capability::ServiceRequestsAssign) || national {
        let scope = (!national).then_some(office);
        lists.due = Some(store::due_by(db, scope, due_horizon(now.date_naive())).await?);
    }
    Ok(lists)
}

/// The last due date that counts as nearly due today.
fn due_horizon(today: NaiveDate) -> NaiveDate {
    today + Duration::days(NEARLY_DUE_DAYS)
}

/// The requests about a case as staff research it, after the `cases.read` check on the case's
/// office; audited as a read of the case.
pub async fn of_case(
    db: &Db,
    _: &Allowed,
    actor: &Actor,
    now: DateTime<Utc>,
    receipt: &crate::kernel::ids::ReceiptNumber,
) -> Result<Vec<Summary>, ServiceError> {
    let record = format!("case:{}", receipt.as_str());
    let e = entry(actor, Category::Access, "cases.read", &record, Outcome::Ok, "");
    audit::record_alone(db, now, &e).await?;
    Ok(store::for_case(db, receipt.as_str()).await?)
}

/// Installs a case's requests into the case page (R-SR-12): cases import no request, so the
/// requests' owner hands the page its read at start (`app::open`, `app::router`).
pub fn install_case_page() {
    crate::case_status::routes::on_case_requests(|db, case_id| {
        Box::pin(async move {
            let lines = store::lines_of_case(db, case_id).await?;
            Ok(lines
                .into_iter()
                .map(|q| crate::case_status::routes::RequestLine {
                    issue: q.issue,
                    status: q.status,
                    filed_at: q.filed_at,
                    due_on: q.due_on,
                    resolved_at: q.resolved_at,
                })
                .collect())
        })
    });
}
