//! Portfolio use cases: sign up, sign in (wrong passwords slow the guesser, never lock the
//! customer out: `kernel::throttle`), recover access
//! (security questions, then an emailed link), keep up to 100 cases, choose alerts, close the
//! account (erasing it), and queue the alerts when a case in a portfolio changes.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::model::{Customer, MAX_CASES, MIN_PASSWORD, NewCustomer, QUESTIONS, normalise_answer};
use super::store::{self, Subscriber};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::error::InvalidInput;
use crate::kernel::i18n::{I18n, Lang};
use crate::kernel::ids::ReceiptNumber;
use crate::kernel::password;
use crate::kernel::random::{self, sha256_hex};
use crate::kernel::session::{self, Kind, Limits};
use crate::kernel::throttle::{self, Secret, Verdict};
use crate::notify::{self, Channel, Message};

/// Why a portfolio operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PortfolioError {
    /// A value is not valid (shown next to the field).
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Wrong user ID or password (which one is not said).
    #[error("wrong user ID or password")]
    BadCredentials,
    /// This address failed too often (on this account, or on many): not before then. The
    /// password was not checked; the customer, from an address that has not guessed wrong, is
    /// still heard.
    #[error("too many failed attempts; wait until {0}")]
    Paused(DateTime<Utc>),
    /// The user ID belongs to another account.
    #[error("this user ID is taken")]
    UserIdTaken,
    /// The receipt number is unknown (or not to be disclosed).
    #[error("receipt number not recognised")]
    UnknownCase,
    /// The portfolio already holds the most cases it may (R-CS-08).
    #[error("a portfolio holds at most {MAX_CASES} receipt numbers")]
    Full,
    /// Something failed inside.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for PortfolioError {
    fn from(e: DbError) -> Self {
        PortfolioError::Internal(e.to_string())
    }
}

fn internal(e: impl std::fmt::Display) -> PortfolioError {
    PortfolioError::Internal(e.to_string())
}

/// A customer by id.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<Customer>, DbError> {
    store::by_id(db, id).await
}

/// How to reach these accounts (user ID, email, language), by id: for the registrations of
/// representatives, whose accounts are portfolios.
pub async fn contacts(db: &Db, ids: &[i64]) -> Result<HashMap<i64, store::Contact>, DbError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(store::contacts(db, &ids).await?.into_iter().map(|c| (c.id, c)).collect())
}

async fn by_user_id(db: &Db, user_id: &str) -> Result<Option<Customer>, DbError> {
    store::by_user_id(db, &user_id.trim().to_lowercase()).await
}

/// Creates an account (R-CS-07); returns its id.
pub async fn sign_up(db: &Db, now: DateTime<Utc>, new: NewCustomer) -> Result<i64, PortfolioError> {
    super::model::check_questions(&new.questions)?;
    password::check_new(&new.password, MIN_PASSWORD, &[new.user_id.as_str()])?;
    let hash = password::hash(&new.password).map_err(internal)?;
    let mut answers = Vec::new();
    for (q, a) in &new.questions {
        answers.push((q.clone(), password::hash(&normalise_answer(a)).map_err(internal)?));
    }
    let mut tx = db.begin().await?;
    let row = store::NewRow {
        user_id: new.user_id.as_str(),
        password_hash: &hash,
        email: new.email.as_str(),
        mobile: new.mobile.as_ref().map(|m| m.e164().to_owned()),
        lang: new.lang.tag(),
        notify_email: new.email_alerts,
        notify_sms: new.mobile.is_some(),
    };
    let id = store::insert_customer(&mut tx, &row, now).await?.ok_or(PortfolioError::UserIdTaken)?;
    store::insert_questions(&mut tx, id, &answers).await?;
    tx.commit().await?;
    Ok(id)
}

/// Whether an attempt on the account named `user_id` from `ip` is heard now
/// (`kernel::throttle`: by account and address, by account from many addresses, by address).
async fn heard(db: &Db, user_id: &str, ip: &str, now: DateTime<Utc>) -> Result<(), PortfolioError> {
    let mut tx = db.begin().await?;
    let verdict = throttle::check(&mut tx, Secret::PortfolioPassword, &account_key(user_id), ip, now).await?;
    tx.commit().await?;
    match verdict {
        Verdict::Hear { .. } => Ok(()),
        Verdict::Wait(until) => Err(PortfolioError::Paused(until)),
    }
}

/// The throttle's name for an account: the user ID as typed, normalised, so that a name without
/// an account is slowed alike and the answers do not tell which names exist.
fn account_key(user_id: &str) -> String {
    user_id.trim().to_lowercase()
}

/// Counts a wrong password or wrong answers: growing delays for the address, and for the account
/// from the addresses that guessed wrong; no lock, no session ended.
async fn count_failure(db: &Db, user_id: &str, ip: &str, now: DateTime<Utc>) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    throttle::failed(&mut tx, Secret::PortfolioPassword, &account_key(user_id), ip, now).await?;
    tx.commit().await
}

/// Signs in; returns the session token.
pub async fn sign_in(
    db: &Db,
    now: DateTime<Utc>,
    user_id: &str,
    pass: &str,
    ip: &str,
    limits: Limits,
) -> Result<String, PortfolioError> {
    heard(db, user_id, ip, now).await?;
    let customer = by_user_id(db, user_id).await?;
    let right = match &customer {
        Some(c) => password::verify(pass, &c.password_hash),
        None => {
            password::verify_dummy(pass);
            false
        }
    };
    let Some(c) = customer.filter(|_| right) else {
        count_failure(db, user_id, ip, now).await?;
        return Err(PortfolioError::BadCredentials);
    };
    let mut tx = db.begin().await?;
    throttle::succeeded(&mut tx, Secret::PortfolioPassword, &account_key(user_id), ip).await?;
    store::signed_in(&mut tx, c.id, now).await?;
    tx.commit().await?;
    session::create(db, Kind::Customer, c.id, ip, now, limits).await.map_err(internal)
}

/// The security questions of an account (message ids), for recovery. An unknown user ID gets
/// three questions too, so that the page does not tell who has an account.
pub async fn questions_for(db: &Db, user_id: &str) -> Result<Vec<String>, DbError> {
    let Some(c) = by_user_id(db, user_id).await? else {
        return Ok(QUESTIONS.iter().take(3).map(|q| (*q).to_owned()).collect());
    };
    store::questions(db, c.id).await
}

/// Minutes a recovery link works.
const RECOVERY_MINUTES: i64 = 30;

/// Checks the answers; when all are right, emails a link to set a new password. The answer is
/// the same either way (the caller says "if the answers were right, we sent a link"). Wrong
/// answers are throttled like wrong passwords.
pub async fn recover(
    db: &Db,
    now: DateTime<Utc>,
    user_id: &str,
    answers: &[String],
    (base_url, ip): (&str, &str),
) -> Result<(), PortfolioError> {
    heard(db, user_id, ip, now).await?;
    let Some(c) = by_user_id(db, user_id).await? else {
        count_failure(db, user_id, ip, now).await?;
        return Ok(());
    };
    let stored = store::answer_hashes(db, c.id).await?;
    let right = stored.len() == answers.len()
        && stored.iter().zip(answers).all(|(h, a)| password::verify(&normalise_answer(a), h));
    if !right {
        count_failure(db, user_id, ip, now).await?;
        return Ok(());
    }
    let token = random::token(32).map_err(internal)?;
    let lang = c.language();
    let i18n = I18n::shared().ok_or_else(|| internal("message catalogues"))?;
    let link = format!("{}/account/reset?token={token}", base_url.trim_end_matches('/'));
    let mut tx = db.begin().await?;
    store::insert_recovery(&mut tx, &sha256_hex(token.as_bytes()), c.id, now + Duration::minutes(RECOVERY_MINUTES))
        .await?;
    let message = Message {
        channel: Channel::Email,
        recipient: c.email.clone(),
        subject: i18n.t(lang, "pf-recover-subject"),
        body: i18n.t_args(lang, "pf-recover-body", &[("link", &link)]),
        customer_id: Some(c.id),
        appointment_id: None,
        attachment: None,
    };
    notify::enqueue(&mut tx, now, &message).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with a recovery link's token; the token works once.
pub async fn reset_password(
    db: &Db,
    now: DateTime<Utc>,
    token: &str,
    new_password: &str,
) -> Result<(), PortfolioError> {
    let hash = sha256_hex(token.as_bytes());
    let owner = store::recovery_owner(db, &hash, now).await?;
    let Some(id) = owner else {
        return Err(InvalidInput::new("token", "This link has expired or was already used. Start again.").into());
    };
    let c = by_id(db, id).await?.ok_or_else(|| InvalidInput::new("token", "This link has expired. Start again."))?;
    password::check_new(new_password, MIN_PASSWORD, &[&c.user_id])?;
    let new_hash = password::hash(new_password).map_err(internal)?;
    let mut tx = db.begin().await?;
    store::set_password(&mut tx, id, &new_hash).await?;
    session::delete_all_in(&mut tx, Kind::Customer, id).await?;
    tx.commit().await?;
    Ok(())
}

/// A case on the dashboard.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Held {
    /// Receipt number.
    pub receipt_number: String,
    /// Form.
    pub form_code: String,
    /// Current status code.
    pub status_code: String,
    /// Since.
    pub status_on: chrono::NaiveDate,
}

/// The cases of a portfolio, by receipt number. Undisclosed cases show as unknown.
pub async fn cases(db: &Db, customer: i64) -> Result<Vec<Held>, DbError> {
    let ids = store::case_ids(db, customer).await?;
    let mut held: Vec<Held> = crate::case_status::service::by_ids(db, &ids)
        .await?
        .into_iter()
        .map(|c| Held {
            receipt_number: c.receipt_number,
            form_code: c.form_code,
            status_code: if c.restricted { "UNKNOWN".to_owned() } else { c.status_code },
            status_on: c.status_on,
        })
        .collect();
    held.sort_by(|a, b| a.receipt_number.cmp(&b.receipt_number));
    Ok(held)
}

/// Adds a receipt number (R-CS-08: at most 100).
pub async fn add_case(
    db: &Db,
    now: DateTime<Utc>,
    customer: i64,
    receipt: &ReceiptNumber,
) -> Result<(), PortfolioError> {
    let mut tx = db.begin().await?;
    // Count, then insert, under the customer's row lock on PostgreSQL, so that concurrent adds
    // queue and the portfolio never passes 100 (R-CS-08); SQLite's BEGIN IMMEDIATE already
    // makes writers take turns.
    store::lock_customer(&mut tx, customer).await?;
    let held = store::count_cases_in(&mut tx, customer).await?;
    let case = crate::case_status::service::find_in(&mut tx, receipt).await?;
    let Some(case_id) = case.filter(|c| !c.restricted).map(|c| c.id) else { return Err(PortfolioError::UnknownCase) };
    if store::holds_in(&mut tx, customer, case_id).await? {
        return Ok(());
    }
    if held >= MAX_CASES {
        return Err(PortfolioError::Full);
    }
    store::add_case_in(&mut tx, customer, case_id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a receipt number.
pub async fn remove_case(db: &Db, customer: i64, receipt: &ReceiptNumber) -> Result<(), PortfolioError> {
    let Some(case) = crate::case_status::service::find(db, receipt).await? else { return Ok(()) };
    store::remove_case(db, customer, case.id).await?;
    Ok(())
}

/// Alert preferences. A mobile number is kept only while texts are chosen (R-CS-10).
pub async fn set_preferences(
    db: &Db,
    customer: i64,
    email_alerts: bool,
    text_alerts: bool,
    mobile: Option<&crate::kernel::contact::Phone>,
    lang: Lang,
) -> Result<(), PortfolioError> {
    if text_alerts && mobile.is_none() {
        return Err(InvalidInput::new("mobile", "Enter your mobile number to get text messages.").into());
    }
    let mobile = if text_alerts { mobile.map(|m| m.e164().to_owned()) } else { None };
    store::set_preferences(db, customer, (email_alerts, text_alerts), mobile, lang.tag()).await?;
    Ok(())
}

/// Closes an account: the account, its questions, cases, sessions, links and waiting messages
/// are deleted (R-CS-11).
pub async fn close(db: &Db, customer: i64) -> Result<(), PortfolioError> {
    let name = by_id(db, customer).await?.map(|c| c.user_id);
    let mut tx = db.begin().await?;
    if let Some(name) = name {
        throttle::forget_account(&mut tx, Secret::PortfolioPassword, &account_key(&name)).await?;
    }
    session::delete_all_in(&mut tx, Kind::Customer, customer).await?;
    // Messages already sent keep no link to the account; waiting ones go with it.
    notify::forget_customer(&mut tx, customer).await?;
    store::delete_customer(&mut tx, customer).await?;
    tx.commit().await?;
    Ok(())
}

/// Installs the alerts into the cases' status changes: cases import no portfolio, so the
/// subscriptions' owner hands them the hook at start (`app::open`).
pub fn install_alerts() {
    crate::case_status::events::on_status_change(|tx, changes, now| Box::pin(alert_subscribers_of(tx, changes, now)));
}

/// Queues the alerts for a status change of a case, inside the transaction that applies it
/// (R-CS-09, R-CS-10): one email and one text at most per subscriber, in their language, saying
/// only that the case changed, its receipt number, and to sign in for details.
pub async fn alert_subscribers(tx: &mut Tx, case_id: i64, receipt: &str, now: DateTime<Utc>) -> Result<usize, DbError> {
    alert_subscribers_of(tx, &[(case_id, receipt)], now).await
}

/// [`alert_subscribers`] for many changes at once (a case changed twice alerts twice).
pub async fn alert_subscribers_of(tx: &mut Tx, changes: &[(i64, &str)], now: DateTime<Utc>) -> Result<usize, DbError> {
    let mut ids: Vec<i64> = changes.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut subscribers: HashMap<i64, Vec<Subscriber>> = HashMap::new();
    for part in ids.chunks(10_000) {
        for s in store::subscribers_in(tx, part).await? {
            subscribers.entry(s.case_id).or_default().push(s);
        }
    }
    if subscribers.is_empty() {
        return Ok(0);
    }
    let Some(i18n) = I18n::shared() else { return Ok(0) };
    let mut messages = Vec::new();
    for (case_id, receipt) in changes {
        for s in subscribers.get(case_id).into_iter().flatten() {
            let lang = Lang::from_tag(&s.lang).unwrap_or_default();
            let args = [("receipt", *receipt)];
            if s.by_email {
                messages.push(Message {
                    channel: Channel::Email,
                    recipient: s.email.clone(),
                    subject: i18n.t_args(lang, "pf-alert-subject", &args),
                    body: i18n.t_args(lang, "pf-alert-email", &args),
                    customer_id: Some(s.id),
                    appointment_id: None,
                    attachment: None,
                });
            }
            if let (true, Some(mobile)) = (s.by_text, &s.mobile) {
                messages.push(Message {
                    channel: Channel::Sms,
                    recipient: mobile.clone(),
                    subject: String::new(),
                    body: i18n.t_args(lang, "pf-alert-sms", &args),
                    customer_id: Some(s.id),
                    appointment_id: None,
                    attachment: None,
                });
            }
        }
    }
    notify::enqueue_many(tx, now, &messages).await?;
    Ok(messages.len())
}

/// Recovery links that expired before `before` (the retention engine's plan).
pub async fn expired_recovery(db: &Db, before: DateTime<Utc>) -> Result<crate::kernel::db::Extent, DbError> {
    store::expired_recovery(db, before).await
}

/// The retention engine's purge of portfolio data: up to `batch` recovery links that expired
/// before `before` (closed accounts are erased when closed).
pub async fn purge_recovery_before(tx: &mut Tx, before: DateTime<Utc>, batch: i64) -> Result<u64, DbError> {
    store::purge_recovery_before(tx, before, batch).await
}
