//! The focus-group use cases: headquarters defines a group, which draws and invites at once, and
//! sees its status and, audited, the contacts of those who accepted (`surveys.manage`); a
//! customer answers with the link's single-use token; the survey job closes lapsed invitations;
//! the retention engine purges contacts (R-RT-02).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::model::{self, FocusGroup, FocusGroupForm, Reply};
use super::store;
use crate::kernel::access::{Actor, Capability, entry, permit, permit_at};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::contact::{Email, Phone};
use crate::kernel::db::{Db, DbError};
use crate::kernel::error::{InvalidInput, ServiceError};
use crate::kernel::i18n::{I18n, Lang};
use crate::kernel::random;
use crate::kernel::tokens::TokenKey;
use crate::notify::{self, Channel, Message};
use crate::reference::{Catalog, OfficeKind};

/// The OS generator failing is reported like a storage failure: the request stops.
fn random_failed(e: random::RandomError) -> DbError {
    DbError::Query(sqlx::Error::Protocol(e.to_string()))
}

fn token_hash(token: &str) -> String {
    random::sha256_hex(token.trim().as_bytes())
}

/// Shuffles in place with the OS generator (Fisher–Yates): every order equally likely.
fn shuffle<T>(items: &mut [T]) -> Result<(), DbError> {
    for i in (1..items.len()).rev() {
        let j = random::below(u64::try_from(i + 1).unwrap_or(u64::MAX)).map_err(random_failed)?;
        items.swap(i, usize::try_from(j).unwrap_or(0));
    }
    Ok(())
}

/// The invitation email of one person drawn, in their language: the office, the day, the place,
/// the reply-by day, the link and the opt-out link.
#[expect(clippy::too_many_arguments, reason = "the parts of one email")]
fn invitation(
    i18n: &I18n,
    catalog: &Catalog,
    lang: Lang,
    g: &FocusGroup,
    link: &str,
    optout: &str,
    recipient: &str,
    appointment_id: i64,
) -> Message {
    let office =
        catalog.office(&g.office_code).map(|o| o.name(lang).to_owned()).unwrap_or_else(|| g.office_code.clone());
    let held = crate::reference::format_date(g.held_on, lang);
    let reply_by = crate::reference::format_date(g.reply_by, lang);
    let args = [
        ("office", office.as_str()),
        ("date", held.as_str()),
        ("place", g.place.as_str()),
        ("replyby", reply_by.as_str()),
        ("link", link),
        ("optout", optout),
    ];
    Message {
        channel: Channel::Email,
        recipient: recipient.to_owned(),
        subject: i18n.t_args(lang, "focus-email-subject", &args),
        body: i18n.t_args(lang, "focus-email-body", &args),
        customer_id: None,
        // A cancelled (or purged) appointment takes its unsent invitation with it.
        appointment_id: Some(appointment_id),
        attachment: None,
    }
}

/// Defines a focus group and draws it (`surveys.manage`, the office within reach): among the
/// customers of the office's appointments who gave an email address, one appointment an
/// address, in a random order, the first `size` not on the opt-out list (checked in SQL, R-SV-04)
/// are invited by email in their language with a single-use link (R-SV-05). Nothing about those
/// drawn is stored but the hash of each link's token; the messages are blanked once sent.
/// Returns the group, with the number invited, or the form's mistakes.
pub async fn define(
    db: &Db,
    catalog: &Catalog,
    key: &TokenKey,
    public_url: &str,
    actor: &Actor,
    now: DateTime<Utc>,
    form: &FocusGroupForm,
) -> Result<Result<FocusGroup, Vec<InvalidInput>>, ServiceError> {
    let offices: Vec<String> = catalog.offices_of_kind(OfficeKind::FieldOffice).map(|o| o.code.clone()).collect();
    let mut group = match form.parse(now.date_naive(), &offices) {
        Ok(g) => g,
        Err(e) => {
            permit(db, catalog, actor, now, Capability::SurveysManage, ("surveys.focus_group.create", None)).await?;
            return Ok(Err(e));
        }
    };
    let _allowed = permit_at(
        db,
        catalog,
        actor,
        now,
        Capability::SurveysManage,
        ("surveys.focus_group.create", &group.office_code),
    )
    .await?;
    let i18n = I18n::shared().ok_or_else(|| ServiceError::Internal("message catalogues not loaded".into()))?;
    // One appointment an address (its keyed hash, the form the opt-out list keeps), chosen at
    // random among the address's appointments by the shuffle that orders the draw.
    let mut candidates: Vec<(String, crate::infopass::booking::SurveyContact)> =
        crate::infopass::survey_contacts::service::focus_group_pool(db, &group.office_code)
            .await?
            .into_iter()
            .filter_map(|c| {
                let email: Email = c.email.parse().ok()?;
                Some((
                    key.digest(crate::surveys::model::OPT_OUT_LABEL, &crate::surveys::model::normalise_email(&email)),
                    c,
                ))
            })
            .collect();
    shuffle(&mut candidates)?;
    let mut seen = std::collections::HashSet::new();
    candidates.retain(|(hash, _)| seen.insert(hash.clone()));

    let mut tx = db.begin().await?;
    group.id = store::insert_group(&mut tx, &group, &actor.username).await?;
    let mut messages = Vec::new();
    for (hash, c) in &candidates {
        if messages.len() >= usize::try_from(group.size).unwrap_or(0) {
            break;
        }
        let token = random::token(32).map_err(random_failed)?;
        if store::invite(&mut tx, group.id, &token_hash(&token), hash).await? {
            let link = format!("{public_url}/focus-group?lang={}&t={token}", c.lang.tag());
            let optout = format!("{public_url}/survey/opt-out?lang={}&o={hash}", c.lang.tag());
            messages.push(invitation(i18n, catalog, c.lang, &group, &link, &optout, &c.email, c.appointment_id));
        }
    }
    group.counts.drawn = i64::try_from(messages.len()).unwrap_or(0);
    store::set_drawn(&mut tx, group.id, group.counts.drawn).await?;
    notify::enqueue_erased_when_sent(&mut tx, now, &messages).await?;
    let record = format!("focus_group:{}", group.id);
    let detail = format!("office {}, size {}, invited {}", group.office_code, group.size, group.counts.drawn);
    audit::record(
        &mut tx,
        now,
        &entry(actor, Category::Change, "surveys.focus_group.create", &record, Outcome::Ok, &detail),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(group))
}

/// Every focus group with the counts of its draw (`surveys.manage`).
pub async fn list(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<FocusGroup>, ServiceError> {
    permit(db, catalog, actor, now, Capability::SurveysManage, ("surveys.focus_group.list", None)).await?;
    Ok(store::groups(db).await?)
}

/// One group's status: its definition and counts, never who (`surveys.manage`).
pub async fn status(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
) -> Result<FocusGroup, ServiceError> {
    permit(db, catalog, actor, now, Capability::SurveysManage, ("surveys.focus_group.view", None)).await?;
    store::group_by_id(db, id).await?.ok_or(ServiceError::NotFound)
}

/// The first names and telephones of those who accepted (`surveys.manage`, the office within
/// reach), audited in the same transaction as the view: the audit row names the group and how
/// many were shown, never a name or a number.
pub async fn contacts(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
) -> Result<(FocusGroup, Vec<(String, Phone)>), ServiceError> {
    let group = store::group_by_id(db, id).await?;
    let office = group.as_ref().map(|g| g.office_code.clone()).unwrap_or_default();
    let allowed = match &group {
        Some(_) => {
            permit_at(db, catalog, actor, now, Capability::SurveysManage, ("surveys.focus_contacts.view", &office))
                .await
        }
        None => permit(db, catalog, actor, now, Capability::SurveysManage, ("surveys.focus_contacts.view", None)).await,
    };
    allowed?;
    let group = group.ok_or(ServiceError::NotFound)?;
    let mut tx = db.begin().await?;
    let rows = store::contacts(db, id).await?;
    let record = format!("focus_group:{id}");
    let detail = format!("{} contacts shown", rows.len());
    audit::record(
        &mut tx,
        now,
        &entry(actor, Category::Access, "surveys.focus_contacts.view", &record, Outcome::Ok, &detail),
    )
    .await?;
    tx.commit().await?;
    let list = rows.into_iter().filter_map(|(name, phone)| Some((name, phone.parse::<Phone>().ok()?))).collect();
    Ok((group, list))
}

/// Why an invitation's link does not take an answer.
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    /// The token is unknown or already used.
    #[error("the link is not valid or was already used")]
    Used,
    /// The reply-by day has passed.
    #[error("the invitation has closed")]
    Closed,
    /// The form's mistakes, by field.
    #[error("the answer is not complete")]
    Invalid(Vec<InvalidInput>),
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The group a live link's token invites to, while its reply-by day has not passed.
pub async fn open(db: &Db, token: &str, today: NaiveDate) -> Result<FocusGroup, ReplyError> {
    let group = store::group_of_token(db, &token_hash(token)).await?.ok_or(ReplyError::Used)?;
    if today > group.reply_by {
        return Err(ReplyError::Closed);
    }
    Ok(group)
}

/// Takes a customer's answer and burns the token in the same transaction: an acceptance keeps
/// the first name and telephone given, with the day they were contacted (the group's draw), and
/// nothing else; a refusal keeps nothing but a count (R-SV-05). Audited by the group and the
/// contact's row id only.
pub async fn reply(
    db: &Db,
    token: &str,
    answer: &str,
    first_name: &str,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<Reply, ReplyError> {
    let group = open(db, token, now.date_naive()).await?;
    let reply = model::parse_reply(answer, first_name, phone).map_err(ReplyError::Invalid)?;
    let mut tx = db.begin().await?;
    let Some(group_id) = store::burn(&mut tx, &token_hash(token)).await? else { return Err(ReplyError::Used) };
    let (event, record) = match &reply {
        Reply::Accept { first_name, phone } => {
            let id = store::insert_contact(&mut tx, group_id, first_name, phone.as_str(), group.created_on).await?;
            ("surveys.focus_group.accept", format!("focus_contact:{id}"))
        }
        Reply::Decline => {
            store::count_declined(&mut tx, group_id).await?;
            ("surveys.focus_group.decline", format!("focus_group:{group_id}"))
        }
    };
    let detail = format!("focus_group:{group_id}");
    let e = audit::Entry {
        category: Category::Change,
        event,
        username: "public",
        ip: "-",
        office: &group.office_code,
        record: &record,
        outcome: Outcome::Ok,
        detail: &detail,
    };
    audit::record(&mut tx, now, &e).await?;
    tx.commit().await?;
    Ok(reply)
}

/// Closes the invitations whose reply-by day has passed: deleted, counted as unanswered, so that
/// nothing is kept of those who did not answer. Run by the survey job inside `serve`; returns
/// how many were closed.
pub async fn close_lapsed(db: &Db, now: DateTime<Utc>) -> Result<u64, DbError> {
    let mut closed = 0;
    for id in store::lapsed_groups(db, now.date_naive()).await? {
        let mut tx = db.begin().await?;
        closed += store::close_invitations(&mut tx, id).await?;
        tx.commit().await?;
    }
    Ok(closed)
}

/// The day before which contacts are purged on `today` (R-RT-02): a contact made on day D is
/// purged from day D + 120 on, so that a daily purge keeps none beyond 120 days of contact.
pub fn contact_purge_cutoff(today: NaiveDate) -> NaiveDate {
    today - Duration::days(model::CONTACT_DAYS - 1)
}

/// What [`purge_focus_contacts_before`] would delete (the retention engine's plan).
pub async fn expired_focus_contacts(db: &Db, before: NaiveDate) -> Result<crate::kernel::db::Extent, DbError> {
    store::expired_focus_contacts(db, before).await
}

/// Voids, inside the opt-out's transaction, the open invitations of the address whose keyed
/// hash opted out (R-SV-04); they count as declined. Returns how many.
pub async fn void_invitations_of(tx: &mut crate::kernel::db::Tx, email_hash: &str) -> Result<u64, DbError> {
    store::void_invitations_of(tx, email_hash).await
}

/// Deletes up to `batch` focus-group contacts made before `before` (and any invitation of a
/// group drawn before it); returns how many rows went (the retention engine's entry point,
/// shaped like `purge_invitations_before`; call until it returns 0).
pub async fn purge_focus_contacts_before(db: &Db, before: NaiveDate, batch: i64) -> Result<u64, DbError> {
    store::purge_focus_contacts_before(db, before, batch).await
}
