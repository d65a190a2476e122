//! The survey use cases: headquarters writes surveys (`surveys.manage`); the job inside `serve`
//! invites and reminds; customers answer with the token of their link, or opt out; the desk
//! records an opt-out (`checkin.create`); reports for `reports.read`. Staff acts are audited in
//! their transaction. Answering is not audited and logs nothing: an audit row's time stamp would
//! link the answer to the request that carried the token (R-SV-03).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::model::{self, Report, Survey, SurveyForm};
use super::store::{self, Settled};
use crate::kernel::access::{Actor, Capability};
use crate::kernel::access::{entry, permit, permit_at};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::contact::Email;
use crate::kernel::db::{Db, DbError};
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;
use crate::kernel::i18n::{I18n, Lang};
use crate::kernel::random;
use crate::kernel::tokens::TokenKey;
use crate::notify::{self, Channel, Message};
use crate::reference::Catalog;

/// How far back the job looks for visits to invite: a survey started today does not write to
/// customers seen weeks ago.
pub const LOOK_BACK_DAYS: i64 = 14;
/// Invitations or reminders settled in one transaction.
const BATCH: i64 = 200;

/// Writes a survey (`surveys.manage`).
pub async fn create(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    form: &SurveyForm,
) -> Result<Result<i64, Vec<InvalidInput>>, ServiceError> {
    permit(db, catalog, actor, now, Capability::SurveysManage, ("surveys.create", None)).await?;
    let offices: Vec<String> =
        catalog.offices_of_kind(crate::reference::OfficeKind::FieldOffice).map(|o| o.code.clone()).collect();
    let services: Vec<&str> = crate::infopass::calendar::Service::ALL.iter().map(|s| s.code()).collect();
    let survey = match form.parse(now.date_naive(), &offices, &services) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let mut tx = db.begin().await?;
    let id = store::insert(&mut tx, &survey, &actor.username, now).await?;
    let record = format!("survey:{id}");
    let detail = format!("OMB {} until {}", survey.omb_number, survey.expires_on);
    audit::record(&mut tx, now, &entry(actor, Category::Change, "surveys.create", &record, Outcome::Ok, &detail))
        .await?;
    tx.commit().await?;
    Ok(Ok(id))
}

/// Stores a survey written outside the pages (the demo data) when none exists yet; returns its
/// id, or `None` when there were surveys already. Audited as written by `by`.
pub async fn import(
    db: &Db,
    catalog: &Catalog,
    form: &SurveyForm,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, ServiceError> {
    if !store::surveys(db, None).await?.is_empty() {
        return Ok(None);
    }
    let offices: Vec<String> =
        catalog.offices_of_kind(crate::reference::OfficeKind::FieldOffice).map(|o| o.code.clone()).collect();
    let services: Vec<&str> = crate::infopass::calendar::Service::ALL.iter().map(|s| s.code()).collect();
    let survey =
        form.parse(now.date_naive(), &offices, &services).map_err(|mut e| ServiceError::Invalid(e.remove(0)))?;
    let mut tx = db.begin().await?;
    let id = store::insert(&mut tx, &survey, by, now).await?;
    let record = format!("survey:{id}");
    let e = audit::Entry {
        category: Category::Change,
        event: "surveys.create",
        username: by,
        ip: "-",
        office: "-",
        record: &record,
        outcome: Outcome::Ok,
        detail: "demo data",
    };
    audit::record(&mut tx, now, &e).await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Every survey, newest first (`surveys.manage` or `reports.read`).
pub async fn list(db: &Db, catalog: &Catalog, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<Survey>, ServiceError> {
    if !actor.role.can(Capability::SurveysManage) {
        permit(db, catalog, actor, now, Capability::ReportsRead, ("surveys.list", None)).await?;
    }
    Ok(store::surveys(db, None).await?)
}

/// What one run of the invitation job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Invitations queued.
    pub invited: usize,
    /// Reminders queued.
    pub reminded: usize,
    /// Invitations found answered when their reminder was due.
    pub answered: usize,
    /// Invitations whose address opted out before the reminder.
    pub opted_out: usize,
}

fn email_hash(key: &TokenKey, email: &str) -> Option<String> {
    let email: Email = email.parse().ok()?;
    Some(key.digest(model::OPT_OUT_LABEL, &model::normalise_email(&email)))
}

/// The OS generator failing is reported like a storage failure: the job or request stops.
fn random_failed(e: random::RandomError) -> DbError {
    DbError::Query(sqlx::Error::Protocol(e.to_string()))
}

fn new_token() -> Result<(String, String), DbError> {
    let t = random::token(32).map_err(random_failed)?;
    let h = random::sha256_hex(t.as_bytes());
    Ok((t, h))
}

#[expect(clippy::too_many_arguments, reason = "the parts of one email")]
fn compose(
    i18n: &I18n,
    lang: Lang,
    survey: &Survey,
    public_url: &str,
    token: &str,
    opt_out: &str,
    reminder: bool,
    contact: &crate::infopass::booking::SurveyContact,
) -> Message {
    let link = format!("{public_url}/survey?lang={}&t={token}", lang.tag());
    let opt = format!("{public_url}/survey/opt-out?lang={}&o={opt_out}", lang.tag());
    let minutes = survey.burden_minutes.to_string();
    let args = [
        ("title", survey.title(lang)),
        ("minutes", minutes.as_str()),
        ("link", link.as_str()),
        ("optout", opt.as_str()),
    ];
    let key = if reminder { "survey-reminder" } else { "survey-email" };
    Message {
        channel: Channel::Email,
        recipient: contact.email.clone(),
        subject: i18n.t_args(lang, &format!("{key}-subject"), &args),
        body: i18n.t_args(lang, &format!("{key}-body"), &args),
        customer_id: None,
        appointment_id: Some(contact.appointment_id),
        attachment: None,
    }
}

/// The job inside `serve`: invites, once, the customers of visits closed in the lobby or whose
/// day has passed (R-SV-01) to the first active survey that covers the office and service, unless
/// they opted out (R-SV-04); then, four days on, reminds once those who neither answered nor
/// opted out (R-SV-02). Safe to run on several nodes at once: an invitation is a row keyed by
/// the appointment.
pub async fn run_invitations(db: &Db, key: &TokenKey, public_url: &str, now: DateTime<Utc>) -> Result<Round, DbError> {
    let mut round = Round::default();
    // Focus-group invitations past their reply-by day keep nothing of those who did not answer.
    super::focus_groups::service::close_lapsed(db, now).await?;
    let Some(i18n) = I18n::shared() else { return Ok(round) };
    let today = now.date_naive();
    let surveys = store::surveys(db, Some(today)).await?;
    if !surveys.is_empty() {
        let since = now - Duration::days(LOOK_BACK_DAYS);
        let closed = crate::lobby::queue::closed_appointments(db, since.date_naive()).await?;
        // A day after it starts, an appointment's local day is over wherever the office is.
        let contacts = crate::infopass::booking::survey_contacts(db, since, now - Duration::days(1), &closed).await?;
        let ids: Vec<i64> = contacts.iter().map(|c| c.appointment_id).collect();
        let invited = store::invited(db, &ids).await?;
        let fresh: Vec<_> = contacts.into_iter().filter(|c| !invited.contains(&c.appointment_id)).collect();
        for chunk in fresh.chunks(usize::try_from(BATCH).unwrap_or(200)) {
            let mut tx = db.begin().await?;
            let mut messages = Vec::new();
            for c in chunk {
                let Some(survey) = surveys.iter().rev().find(|s| s.covers(&c.office_code, &c.service)) else {
                    continue;
                };
                let Some(hash) = email_hash(key, &c.email) else { continue };
                let (token, token_hash) = new_token()?;
                if store::invite(&mut tx, c.appointment_id, survey.id, &c.office_code, c.day, today, &hash, &token_hash)
                    .await?
                {
                    messages.push(compose(i18n, c.lang, survey, public_url, &token, &hash, false, c));
                }
            }
            notify::enqueue_erased_when_sent(&mut tx, now, &messages).await?;
            tx.commit().await?;
            round.invited += messages.len();
        }
    }
    loop {
        let due = store::due_reminders(db, today - Duration::days(model::REMINDER_AFTER_DAYS), BATCH).await?;
        if due.is_empty() {
            break;
        }
        let ids: Vec<i64> = due.iter().map(|d| d.0).collect();
        let contacts = crate::infopass::booking::survey_contacts_of(db, &ids).await?;
        let all = store::surveys(db, None).await?;
        let mut tx = db.begin().await?;
        let mut messages = Vec::new();
        for (appointment_id, survey_id, _) in &due {
            let contact = contacts.iter().find(|c| c.appointment_id == *appointment_id);
            let hash = contact.and_then(|c| email_hash(key, &c.email)).unwrap_or_default();
            let (token, token_hash) = new_token()?;
            match store::settle(&mut tx, *appointment_id, &hash, &token_hash).await? {
                Settled::Answered => round.answered += 1,
                Settled::OptedOut => round.opted_out += 1,
                Settled::Remind => {
                    let survey = all.iter().find(|s| s.id == *survey_id).filter(|s| s.active(today));
                    if let (Some(c), Some(s)) = (contact, survey) {
                        messages.push(compose(i18n, c.lang, s, public_url, &token, &hash, true, c));
                    }
                }
            }
        }
        notify::enqueue_erased_when_sent(&mut tx, now, &messages).await?;
        tx.commit().await?;
        round.reminded += messages.len();
    }
    Ok(round)
}

/// Why a link does not open a survey.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// The token is unknown or already used.
    #[error("the link is not valid or was already used")]
    Used,
    /// The survey's approval has expired.
    #[error("the survey has ended")]
    Expired,
    /// An answer is not valid.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The survey a link's token opens, if it is live and the survey still approved.
pub async fn open(db: &Db, token: &str, today: NaiveDate) -> Result<Survey, AnswerError> {
    let hash = random::sha256_hex(token.trim().as_bytes());
    let Some((survey_id, _)) = store::token(db, &hash).await? else { return Err(AnswerError::Used) };
    let survey = store::survey(db, survey_id).await?.ok_or(AnswerError::Used)?;
    if !survey.active(today) {
        return Err(AnswerError::Expired);
    }
    Ok(survey)
}

/// Stores a customer's answers and burns the token in the same transaction (R-SV-03): the
/// response keeps the survey, the office and the ISO week, under a random id; a second use of
/// the token, or of any token of the same invitation, is refused.
pub async fn answer(db: &Db, token: &str, given: &[(String, String)], now: DateTime<Utc>) -> Result<(), AnswerError> {
    let today = now.date_naive();
    let survey = open(db, token, today).await?;
    let answers = model::parse_answers(&survey, given)?;
    let hash = random::sha256_hex(token.trim().as_bytes());
    let id = random::token(16).map_err(random_failed)?;
    let mut tx = db.begin().await?;
    let Some((survey_id, office)) = store::burn(&mut tx, &hash).await? else { return Err(AnswerError::Used) };
    store::insert_response(&mut tx, &id, survey_id, &office, &model::iso_week(today), &answers).await?;
    tx.commit().await?;
    Ok(())
}

/// Records an opt-out from the link in an email: `o` is the keyed hash the link carries, which
/// only the server can make, so nobody can opt out an address they were not sent.
pub async fn opt_out_by_link(db: &Db, o: &str, today: NaiveDate) -> Result<bool, DbError> {
    let o = o.trim();
    if o.len() != 64 || !o.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let hash = o.to_ascii_lowercase();
    let mut tx = db.begin().await?;
    store::add_opt_out(&mut tx, &hash, today).await?;
    super::focus_groups::service::void_invitations_of(&mut tx, &hash).await?;
    tx.commit().await?;
    Ok(true)
}

/// Records an opt-out a customer asks for at the desk (`checkin.create`), audited without the
/// address.
pub async fn opt_out_at_desk(
    db: &Db,
    catalog: &Catalog,
    key: &TokenKey,
    actor: &Actor,
    now: DateTime<Utc>,
    email: &Email,
) -> Result<(), ServiceError> {
    permit(db, catalog, actor, now, Capability::CheckIn, ("surveys.opt_out", None)).await?;
    let hash = key.digest(model::OPT_OUT_LABEL, &model::normalise_email(email));
    let mut tx = db.begin().await?;
    store::add_opt_out(&mut tx, &hash, now.date_naive()).await?;
    super::focus_groups::service::void_invitations_of(&mut tx, &hash).await?;
    audit::record(&mut tx, now, &entry(actor, Category::Change, "surveys.opt_out", "-", Outcome::Ok, "desk")).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether an address is on the opt-out list.
pub async fn is_opted_out(db: &Db, key: &TokenKey, email: &Email) -> Result<bool, DbError> {
    store::opted_out(db, &key.digest(model::OPT_OUT_LABEL, &model::normalise_email(email))).await
}

#[expect(clippy::too_many_arguments, reason = "the report's filters")]
/// A survey's report for an office (or all) over the ISO weeks of `from` to `to` (`reports.read`;
/// an office must be within reach). Groups of fewer than 5 responses show no figures (R-SV-06).
pub async fn report(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    survey_id: i64,
    office: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Report, ServiceError> {
    let _allowed = match office {
        Some(o) => permit_at(db, catalog, actor, now, Capability::ReportsRead, ("surveys.report", o)).await?,
        None => permit(db, catalog, actor, now, Capability::ReportsRead, ("surveys.report", None)).await?,
    };
    let survey = store::survey(db, survey_id).await?.ok_or(ServiceError::NotFound)?;
    let (from_week, to_week) = (model::iso_week(from), model::iso_week(to));
    let responses = store::count_responses(db, survey_id, office, &from_week, &to_week).await?;
    let questions = if responses < model::SUPPRESS_BELOW {
        Vec::new()
    } else {
        store::question_counts(db, &survey, office, &from_week, &to_week).await?
    };
    Ok(Report { survey, office: office.map(str::to_owned), from_week, to_week, responses, questions })
}

/// Deletes up to `batch` invitations of appointments dated before `before` (the retention
/// engine's entry point; see [`store::purge_invitations_before`]).
pub async fn purge_invitations_before(db: &Db, before: NaiveDate, batch: i64) -> Result<u64, DbError> {
    store::purge_invitations_before(db, before, batch).await
}

/// Deletes up to `batch` focus-group contacts (first name and telephone of those who accepted)
/// made before `before`, and any open invitation of a group drawn before it; returns how many
/// rows went. For the retention engine (R-RT-02: within 120 days of contact, so it passes
/// `today - 120 days`, see [`super::focus_groups::service::contact_purge_cutoff`]); in batches
/// short enough not to hold locks for long; call until it returns 0.
pub async fn purge_focus_contacts_before(db: &Db, before: NaiveDate, batch: i64) -> Result<u64, DbError> {
    super::focus_groups::service::purge_focus_contacts_before(db, before, batch).await
}

/// Focus-group contacts (and open invitations) the retention engine would purge with
/// [`purge_focus_contacts_before`] and the same `before`.
pub async fn expired_focus_contacts(db: &Db, before: NaiveDate) -> Result<crate::kernel::db::Extent, DbError> {
    super::focus_groups::service::expired_focus_contacts(db, before).await
}

/// Invitations the retention engine would purge: those of appointments dated before `before`.
pub async fn expired_invitations(db: &Db, before: NaiveDate) -> Result<crate::kernel::db::Extent, DbError> {
    store::expired_invitations(db, before).await
}
