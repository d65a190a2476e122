//! Staff use cases: creating and managing accounts, signing in (banner, password, code) with
//! failures throttled rather than locked, alerts (one an hour per account) and the unused-account
//! job. Every operation takes the acting staff member and the time,
//! checks access with the one policy function, and writes its audit rows in its own transaction.

use chrono::{DateTime, Duration, Utc};

use super::model::{Alert, AutolockEntry, MIN_PASSWORD, NewStaff, StaffUser};
use super::store;
use crate::kernel::access::{Actor, Capability, Level, Place, Places, Role, authorize};
use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::error::InvalidInput;
use crate::kernel::i18n::{ArgValue, Args, I18n, Lang};
use crate::kernel::random::{self, sha256_hex};
use crate::kernel::session::{self, Kind, Limits};
use crate::kernel::throttle::{self, Secret, Verdict};
use crate::kernel::{password, totp};
use crate::notify::{self, Channel, Message};
use crate::reference::Catalog;

use crate::kernel::access::{deny, entry, permit};
/// The service error, under the name staff code had before it moved to the kernel.
pub use crate::kernel::error::ServiceError as StaffError;
use crate::kernel::error::ServiceError;

/// The place of an office in the hierarchy.
pub fn place_of(catalog: &Catalog, office: &str) -> Option<Place> {
    catalog.office(office).map(Place::of)
}

/// The offices an actor reaches; `None` for every office.
pub fn reach(catalog: &Catalog, actor: &Actor) -> Option<Vec<String>> {
    catalog.reach(actor)
}

/// The field offices an actor reaches, as (code, English name), for office pickers.
pub fn field_offices_in_reach(catalog: &Catalog, actor: &Actor) -> Vec<(String, String)> {
    catalog.field_offices_in_reach(actor)
}

/// A staff message in the catalogue's words (staff pages, their emails and the command line are
/// English); its id if the catalogues did not load, which a test rules out.
fn words(id: &str) -> String {
    I18n::shared().map_or_else(|| id.to_owned(), |i| i.t(Lang::En, id))
}

/// [`words`] with arguments.
fn words_with(id: &str, args: &(impl Args + ?Sized)) -> String {
    I18n::shared().map_or_else(|| id.to_owned(), |i| i.t_with(Lang::En, id, args))
}

/// At most one alert (and email) per account in this many hours.
const ALERT_EVERY_HOURS: i64 = 1;

/// Installs the alert that follows a refusal (R-AU-07): staff owns alerts and the accounts of
/// the administrators who are told, so the kernel's check calls back here.
pub fn install_alerts() {
    crate::kernel::access::on_refusal(|tx, places, now, r| {
        Box::pin(async move {
            let alert = Alert::new(now, r.kind, &r.actor.username, &r.actor.ip, Some(r.office), r.detail.to_owned());
            raise_alert(tx, places, now, &alert).await
        })
    });
}

/// Installs who holds a staff session into the web shell's `Staff` extractor: the shell
/// imports no capability, so the accounts' owner hands it the lookup at start.
pub fn install_sessions() {
    crate::web::staff_ctx::on_staff_session(|db, catalog, now, token, ip, limits| {
        Box::pin(actor_for_session(db, catalog, now, token, ip, limits))
    });
}

/// Stores an alert and emails it to the administrators whose reach covers its office. Alerts are
/// aggregated: within an hour of an alert about the same account (whatever its kind), another is
/// only counted on it (`occurrences`), so a guesser or a curious user makes one email an hour.
async fn raise_alert(tx: &mut Tx, places: &dyn Places, now: DateTime<Utc>, alert: &Alert) -> Result<(), DbError> {
    if let Some(id) = store::recent_alert(tx, &alert.username, now - Duration::hours(ALERT_EVERY_HOURS)).await? {
        return store::repeat_alert(tx, id, now).await;
    }
    store::insert_alert(tx, alert).await?;
    let place = alert.office_code.as_deref().and_then(|o| places.place(o));
    for admin in store::administrators(tx).await? {
        let (Some(role), Some(home)) = (admin.role(), places.place(&admin.office_code)) else { continue };
        let covers = match (&place, role.level()) {
            (_, Level::Nation) => true,
            (Some(p), Level::Region) => p.region == home.region,
            (Some(p), Level::District) => p.district == home.district,
            _ => false,
        };
        if covers {
            let at = alert.at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
            let args: [(&str, &dyn ArgValue); 6] = [
                ("kind", &alert.kind),
                ("at", &at),
                ("user", &alert.username),
                ("ip", &alert.ip),
                ("office", &alert.office_code.as_deref().unwrap_or("-")),
                ("detail", &alert.detail),
            ];
            let body = words_with("staff-alert-email-body", &args) + "\n";
            let message = Message {
                channel: Channel::Email,
                recipient: admin.email.clone(),
                subject: words_with("staff-alert-email-subject", &args),
                body,
                customer_id: None,
                appointment_id: None,
                attachment: None,
            };
            notify::enqueue(tx, now, &message).await?;
        }
    }
    Ok(())
}

/// Creates an account. `actor` is None only for the first account, made from the command line.
pub async fn create(
    db: &Db,
    catalog: &Catalog,
    actor: Option<&Actor>,
    now: DateTime<Utc>,
    new: NewStaff,
) -> Result<i64, ServiceError> {
    let place =
        place_of(catalog, &new.office).ok_or_else(|| InvalidInput::new("office", words("staff-users-err-office")))?;
    if let Some(actor) = actor
        && let Err(d) = authorize(actor, Capability::UsersManage, Some(&place))
    {
        return Err(deny(db, catalog, actor, now, "staff_user.create", Some(&place.office), d).await.into());
    }
    if new.display_name.trim().is_empty() || new.display_name.chars().count() > 100 {
        return Err(InvalidInput::new("display_name", words("staff-users-err-display-name")).into());
    }
    password::check_new(&new.password, MIN_PASSWORD, &[new.username.as_str()])?;
    let hash = password::hash(&new.password).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut tx = db.begin().await?;
    let id = store::insert(
        &mut tx,
        new.username.as_str(),
        new.display_name.trim(),
        new.email.as_str(),
        new.role.as_str(),
        &place.office,
        &hash,
        now,
    )
    .await?
    .ok_or_else(|| InvalidInput::new("username", words("staff-users-err-username-taken")))?;
    let record = format!("staff_user:{id}");
    let detail = format!("created {} as {} at {}", new.username.as_str(), new.role.as_str(), place.office);
    let system = system_actor(&place);
    let actor = actor.unwrap_or(&system);
    audit::record(&mut tx, now, &entry(actor, Category::Change, "staff_user.create", &record, Outcome::Ok, &detail))
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The actor recorded for what the system does by itself (jobs, the command line).
pub fn system_actor(place: &Place) -> Actor {
    Actor { user_id: 0, username: "system".into(), role: Role::GlobalAdmin, place: place.clone(), ip: "-".into() }
}

/// Accounts within the actor's reach (an audited read of staff personal data).
pub async fn list(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<StaffUser>, ServiceError> {
    permit(db, catalog, actor, now, Capability::UsersRead, ("staff_user.list", None)).await?;
    let mut users = store::list(db, reach(catalog, actor).as_deref()).await?;
    with_throttles(db, &mut users).await?;
    let detail = format!("{} accounts", users.len());
    audit::record_alone(db, now, &entry(actor, Category::Access, "staff_user.list", "-", Outcome::Ok, &detail)).await?;
    Ok(users)
}

/// Fills in, for the administrators' pages, which accounts' sign-in is being slowed and their
/// failures so far.
async fn with_throttles(db: &Db, users: &mut [StaffUser]) -> Result<(), DbError> {
    let slowed = throttle::throttled_accounts(db, Secret::StaffPassword).await?;
    for u in users.iter_mut() {
        if let Some((_, n, until)) = slowed.iter().find(|(name, ..)| *name == u.username) {
            u.failed_attempts = *n;
            u.slowed_until = Some(*until);
        }
    }
    Ok(())
}

/// Loads an account the actor may act on with `cap`, or refuses (and records why).
async fn load_for(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    cap: Capability,
    what: &str,
) -> Result<StaffUser, ServiceError> {
    permit(db, catalog, actor, now, cap, (what, None)).await?;
    let user = store::by_id(db, id).await?.ok_or(ServiceError::NotFound)?;
    let place = place_of(catalog, &user.office_code).ok_or(ServiceError::NotFound)?;
    if let Err(d) = authorize(actor, cap, Some(&place)) {
        return Err(deny(db, catalog, actor, now, &format!("{what} staff_user:{id}"), Some(&place.office), d)
            .await
            .into());
    }
    Ok(user)
}

/// One account (an audited read).
pub async fn view(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
) -> Result<StaffUser, ServiceError> {
    let mut user = load_for(db, catalog, actor, now, id, Capability::UsersRead, "staff_user.view").await?;
    with_throttles(db, std::slice::from_mut(&mut user)).await?;
    let record = format!("staff_user:{id}");
    audit::record_alone(db, now, &entry(actor, Category::Access, "staff_user.view", &record, Outcome::Ok, "")).await?;
    Ok(user)
}

/// Applies one change with its audit row, in one transaction: both land or neither does.
async fn audited_change(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    event: &str,
    record: &str,
    detail: &str,
    change: impl AsyncFnOnce(&mut Tx) -> Result<(), DbError>,
) -> Result<(), ServiceError> {
    let mut tx = db.begin().await?;
    change(&mut tx).await?;
    audit::record(&mut tx, now, &entry(actor, Category::Change, event, record, Outcome::Ok, detail)).await?;
    tx.commit().await?;
    Ok(())
}

/// Deactivates an account (and ends its sessions).
pub async fn deactivate(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
    why: &str,
) -> Result<(), ServiceError> {
    let user = load_for(db, catalog, actor, now, id, Capability::UsersManage, "staff_user.deactivate").await?;
    let why = why.trim();
    if why.is_empty() {
        return Err(InvalidInput::new("reason", words("staff-users-err-reason")).into());
    }
    let record = format!("staff_user:{id}");
    audited_change(db, actor, now, "staff_user.deactivate", &record, why, async |tx| {
        store::deactivate(tx, user.id, why, now).await
    })
    .await
}

/// Ends the slowing of an account's sign-in (its throttle counts from every address are
/// forgotten) and reactivates it if it was deactivated (R-AU-06).
pub async fn reinstate(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
) -> Result<(), ServiceError> {
    let user = load_for(db, catalog, actor, now, id, Capability::UsersManage, "staff_user.reinstate").await?;
    let record = format!("staff_user:{id}");
    audited_change(db, actor, now, "staff_user.reinstate", &record, "", async |tx| {
        throttle::forget_account(tx, Secret::StaffPassword, &user.username).await?;
        store::reinstate(tx, user.id, &actor.username, now).await
    })
    .await
}

/// Clears an account's second factor: a new one is set up at the next sign-in.
pub async fn reset_code(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
) -> Result<(), ServiceError> {
    let user = load_for(db, catalog, actor, now, id, Capability::UsersManage, "staff_user.reset_code").await?;
    let record = format!("staff_user:{id}");
    audited_change(db, actor, now, "staff_user.reset_code", &record, "", async |tx| {
        store::set_totp(tx, user.id, None).await
    })
    .await
}

/// The autolock log within reach.
pub async fn autolock_log(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Vec<AutolockEntry>, ServiceError> {
    permit(db, catalog, actor, now, Capability::SecurityRead, ("autolock_log.read", None)).await?;
    let rows = store::autolock_log(db, reach(catalog, actor).as_deref(), 500).await?;
    audit::record_alone(db, now, &entry(actor, Category::Access, "autolock_log.read", "-", Outcome::Ok, "")).await?;
    Ok(rows)
}

/// Security alerts within reach, open ones first.
pub async fn alerts(db: &Db, catalog: &Catalog, actor: &Actor, now: DateTime<Utc>) -> Result<Vec<Alert>, ServiceError> {
    permit(db, catalog, actor, now, Capability::SecurityRead, ("security_alert.read", None)).await?;
    Ok(store::alerts(db, reach(catalog, actor).as_deref(), 500).await?)
}

/// Marks an alert seen.
pub async fn acknowledge(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    id: i64,
) -> Result<(), ServiceError> {
    permit(db, catalog, actor, now, Capability::SecurityRead, ("security_alert.acknowledge", None)).await?;
    let alert = store::alert(db, id).await?.ok_or(ServiceError::NotFound)?;
    if let Some(place) = alert.office_code.as_deref().and_then(|o| place_of(catalog, o))
        && let Err(d) = authorize(actor, Capability::SecurityRead, Some(&place))
    {
        return Err(deny(db, catalog, actor, now, "security_alert.acknowledge", Some(&place.office), d).await.into());
    }
    let record = format!("security_alert:{id}");
    audited_change(db, actor, now, "security_alert.acknowledge", &record, "", async |tx| {
        store::acknowledge(tx, id, &actor.username, now).await
    })
    .await
}

/// Deactivates accounts unused for `max_idle` (R-AU-08); returns them, as the job's report.
pub async fn deactivate_unused(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    max_idle: Duration,
) -> Result<Vec<StaffUser>, ServiceError> {
    let unused: Vec<StaffUser> =
        store::list(db, None).await?.into_iter().filter(|u| u.is_unused(now, max_idle)).collect();
    for u in &unused {
        let Some(place) = place_of(catalog, &u.office_code) else { continue };
        let why = format!("unused for {} days", max_idle.num_days());
        let record = format!("staff_user:{}", u.id);
        audited_change(db, &system_actor(&place), now, "staff_user.deactivate_unused", &record, &why, async |tx| {
            store::deactivate(tx, u.id, &why, now).await
        })
        .await?;
    }
    Ok(unused)
}

/// Why a sign-in step did not go through.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignInError {
    /// The banner step is missing or the flow timed out: start again.
    #[error("start again")]
    Restart,
    /// Wrong user name or password (which one is not said).
    #[error("user name or password is not right")]
    BadCredentials,
    /// Wrong or reused code.
    #[error("the code is not right")]
    BadCode,
    /// While the account is throttled: the user name, password or code is wrong, and which is
    /// not said, so that a right password is never confirmed alone.
    #[error("user name, password or code is not right")]
    BadCombination,
    /// This address failed too often (on this account, or on many): not before then. The
    /// secret was not checked.
    #[error("too many failed attempts; wait until {0}")]
    Wait(DateTime<Utc>),
    /// The account is deactivated.
    #[error("the account is deactivated")]
    Inactive,
    /// Something failed inside.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for SignInError {
    fn from(e: DbError) -> Self {
        SignInError::Internal(e.to_string())
    }
}

/// How long each sign-in step may take.
const FLOW_TTL_MINUTES: i64 = 10;

/// After the warning banner is acknowledged (R-AU-04): starts a sign-in flow; returns its token.
pub async fn acknowledge_banner(db: &Db, now: DateTime<Utc>) -> Result<String, SignInError> {
    let token = random::token(32).map_err(|e| SignInError::Internal(e.to_string()))?;
    session::put_flow(db, &sha256_hex(token.as_bytes()), "banner", None, now + Duration::minutes(FLOW_TTL_MINUTES))
        .await?;
    Ok(token)
}

/// What follows a right password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterPassword {
    /// Ask for the authenticator code.
    Code,
    /// First sign-in: set up the authenticator.
    Enrol,
}

fn security_entry<'a>(
    username: &'a str,
    ip: &'a str,
    office: &'a str,
    event: &'a str,
    record: &'a str,
    outcome: Outcome,
    detail: &'a str,
) -> Entry<'a> {
    Entry { category: Category::Security, event, username, ip, office, record, outcome, detail }
}

/// The audit row of a sign-in attempt on `user` (or on a name that is no account).
fn attempt_entry<'a>(
    user: Option<&'a StaffUser>,
    ip: &'a str,
    record: &'a str,
    outcome: Outcome,
    detail: &'a str,
) -> Entry<'a> {
    let (username, office) = user.map_or(("-", "-"), |u| (u.username.as_str(), u.office_code.as_str()));
    security_entry(username, ip, office, "staff.sign_in", record, outcome, detail)
}

fn record_of(user: Option<&StaffUser>) -> String {
    user.map_or_else(|| "-".to_owned(), |u| format!("staff_user:{}", u.id))
}

/// Counts a wrong secret (password or code) for the name typed and the address
/// (`kernel::throttle`), with its audit row. Nothing is locked: when the account's own delay runs
/// (many addresses guessing), the autolock log opens a line and the administrators are alerted
/// (at most one alert an hour per account, see [`raise_alert`]).
async fn fail(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    ip: &str,
    name: &str,
    user: Option<&StaffUser>,
    detail: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    let n = throttle::failed(&mut tx, Secret::StaffPassword, name, ip, now).await?;
    let record = record_of(user);
    audit::record(&mut tx, now, &attempt_entry(user, ip, &record, Outcome::Failed, detail)).await?;
    if let Some(u) = user
        && throttle::BY_ACCOUNT.delay(n).is_some()
    {
        store::open_autolock(&mut tx, u, now).await?;
        let detail = format!(
            "{n} failed sign-ins on {}: guesses are slowed, password and code together still sign in",
            u.username
        );
        let alert = Alert::new(now, "account_throttled", &u.username, ip, Some(&u.office_code), detail);
        raise_alert(&mut tx, catalog, now, &alert).await?;
    }
    tx.commit().await
}

/// Asks the throttle whether an attempt on `name` from `ip` is heard. An address that must wait
/// is answered [`SignInError::Wait`] without its secret being checked; the refusal is audited and,
/// for an account, alerted (aggregated).
async fn heard(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    ip: &str,
    name: &str,
    user: Option<&StaffUser>,
) -> Result<bool, SignInError> {
    let mut tx = db.begin().await?;
    match throttle::check(&mut tx, Secret::StaffPassword, name, ip, now).await? {
        Verdict::Hear { account_throttled } => {
            tx.commit().await?;
            Ok(account_throttled)
        }
        Verdict::Wait(until) => {
            let record = record_of(user);
            let detail = format!("attempt while this address must wait (until {})", until.format("%H:%M:%S UTC"));
            audit::record(&mut tx, now, &attempt_entry(user, ip, &record, Outcome::Denied, &detail)).await?;
            if let Some(u) = user {
                let alert = Alert::new(now, "throttled_attempt", &u.username, ip, Some(&u.office_code), detail);
                raise_alert(&mut tx, catalog, now, &alert).await?;
            }
            tx.commit().await?;
            Err(SignInError::Wait(until))
        }
    }
}

/// The password step. Failures slow the guesser (`kernel::throttle`, NIST SP 800-63B 5.2.2)
/// instead of locking the account. While the account itself is throttled (many addresses
/// guessing), a heard address is asked for the code whatever the password was, and the code step
/// answers one generic message unless both are right: a right password is never confirmed alone.
pub async fn password_step(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    ip: &str,
    flow: &str,
    username: &str,
    pass: &str,
) -> Result<AfterPassword, SignInError> {
    let flow_hash = sha256_hex(flow.as_bytes());
    match session::get_flow(db, &flow_hash, now).await? {
        Some((stage, _)) if stage == "banner" || stage == "password" => {}
        _ => return Err(SignInError::Restart),
    }
    let name = username.trim().to_lowercase();
    let user = store::by_username(db, &name).await?;
    let account_throttled = heard(db, catalog, now, ip, &name, user.as_ref()).await?;
    let right = match &user {
        Some(u) => password::verify(pass, &u.password_hash),
        None => {
            password::verify_dummy(pass);
            false
        }
    };
    if account_throttled {
        // Password and code together; the wrong part, if any, is counted and named (to the
        // audit trail only) at the code step.
        let ok = right && user.as_ref().is_some_and(|u| u.active);
        let expires = now + Duration::minutes(FLOW_TTL_MINUTES);
        session::put_both_flow(db, &flow_hash, user.as_ref().map(|u| u.id), &name, ok, expires).await?;
        return Ok(AfterPassword::Code);
    }
    let Some(user) = user else {
        let detail = format!("unknown user name {name:?}");
        fail(db, catalog, now, ip, &name, None, &detail).await?;
        return Err(SignInError::BadCredentials);
    };
    let record = format!("staff_user:{}", user.id);
    if !right {
        fail(db, catalog, now, ip, &name, Some(&user), "wrong password").await?;
        return Err(SignInError::BadCredentials);
    }
    if !user.active {
        audit::record_alone(
            db,
            now,
            &security_entry(
                &user.username,
                ip,
                &user.office_code,
                "staff.sign_in",
                &record,
                Outcome::Denied,
                "deactivated account",
            ),
        )
        .await?;
        return Err(SignInError::Inactive);
    }
    let next = if user.totp_enabled && user.totp_secret.is_some() { AfterPassword::Code } else { AfterPassword::Enrol };
    if next == AfterPassword::Enrol && user.totp_secret.is_none() {
        let secret = totp::new_secret().map_err(|e| SignInError::Internal(e.to_string()))?;
        let mut tx = db.begin().await?;
        store::set_totp(&mut tx, user.id, Some(&secret)).await?;
        tx.commit().await?;
    }
    let stage = if next == AfterPassword::Code { "password" } else { "enrol" };
    session::put_flow(db, &flow_hash, stage, Some(user.id), now + Duration::minutes(FLOW_TTL_MINUTES)).await?;
    Ok(next)
}

/// The account of a flow that passed the password step.
pub async fn flow_user(db: &Db, now: DateTime<Utc>, flow: &str) -> Result<(String, StaffUser), SignInError> {
    let Some((stage, Some(id))) = session::get_flow(db, &sha256_hex(flow.as_bytes()), now).await? else {
        return Err(SignInError::Restart);
    };
    let user = store::by_id(db, id).await?.ok_or(SignInError::Restart)?;
    Ok((stage, user))
}

/// The step a live flow is at (`banner`, `password`, `enrol` or `both`), if it is live.
pub async fn flow_stage(db: &Db, now: DateTime<Utc>, flow: &str) -> Result<Option<String>, SignInError> {
    Ok(session::get_flow(db, &sha256_hex(flow.as_bytes()), now).await?.map(|(stage, _)| stage))
}

/// Signs the account in: the session, the consumed code, the throttle's counts and the open
/// autolock line cleared, the audit row. Returns the session's token.
async fn complete(
    db: &Db,
    now: DateTime<Utc>,
    ip: &str,
    user: &StaffUser,
    step: i64,
    (detail, limits): (&str, Limits),
) -> Result<String, SignInError> {
    let token = session::create(db, Kind::Staff, user.id, ip, now, limits)
        .await
        .map_err(|e| SignInError::Internal(e.to_string()))?;
    let mut tx = db.begin().await?;
    store::signed_in(&mut tx, user.id, step, now).await?;
    throttle::succeeded(&mut tx, Secret::StaffPassword, &user.username, ip).await?;
    store::close_autolock(&mut tx, user.id, &user.username, now).await?;
    let record = format!("staff_user:{}", user.id);
    audit::record(
        &mut tx,
        now,
        &security_entry(&user.username, ip, &user.office_code, "staff.sign_in", &record, Outcome::Ok, detail),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The code step (also completes enrolment). Returns the new session's token.
pub async fn code_step(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    ip: &str,
    flow: &str,
    code: &str,
    limits: Limits,
) -> Result<String, SignInError> {
    let flow_hash = sha256_hex(flow.as_bytes());
    if flow_stage(db, now, flow).await?.as_deref() == Some("both") {
        return both_step(db, catalog, now, ip, &flow_hash, code, limits).await;
    }
    let (stage, user) = flow_user(db, now, flow).await?;
    if stage != "password" && stage != "enrol" {
        return Err(SignInError::Restart);
    }
    heard(db, catalog, now, ip, &user.username, Some(&user)).await?;
    if !user.active {
        return Err(SignInError::Inactive);
    }
    let secret = user.totp_secret.clone().ok_or(SignInError::Restart)?;
    let Some(step) = totp::verify(&secret, code, now.timestamp(), user.totp_last_step) else {
        fail(db, catalog, now, ip, &user.username, Some(&user), "wrong or reused code").await?;
        return Err(SignInError::BadCode);
    };
    let detail = if stage == "enrol" { "second factor set up" } else { "" };
    let token = complete(db, now, ip, &user, step, (detail, limits)).await?;
    session::delete_flow(db, &flow_hash).await?;
    Ok(token)
}

/// The code of a throttled account, which came with a password that may or may not have been
/// right: only both right sign in; anything else is counted as one failure and answered
/// [`SignInError::BadCombination`], and the flow goes back to the password step.
async fn both_step(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    ip: &str,
    flow_hash: &str,
    code: &str,
    limits: Limits,
) -> Result<String, SignInError> {
    let Some((user_id, name, password_ok)) = session::get_both_flow(db, flow_hash, now).await? else {
        return Err(SignInError::Restart);
    };
    let user = match user_id {
        Some(id) => store::by_id(db, id).await?,
        None => None,
    };
    heard(db, catalog, now, ip, &name, user.as_ref()).await?;
    let enrolled = user.as_ref().filter(|u| u.active && u.totp_enabled);
    let step = enrolled.and_then(|u| {
        let secret = u.totp_secret.as_deref()?;
        totp::verify(secret, code, now.timestamp(), u.totp_last_step)
    });
    if let (Some(u), Some(step), true) = (enrolled, step, password_ok) {
        let token = complete(db, now, ip, u, step, ("password and code while throttled", limits)).await?;
        session::delete_flow(db, flow_hash).await?;
        return Ok(token);
    }
    let detail = match (password_ok, step.is_some()) {
        (false, true) => "wrong password (right code) while throttled",
        (false, false) => "wrong password and code while throttled",
        (true, _) => "wrong or reused code (right password) while throttled",
    };
    fail(db, catalog, now, ip, &name, user.as_ref(), detail).await?;
    session::put_flow(db, flow_hash, "banner", None, now + Duration::minutes(FLOW_TTL_MINUTES)).await?;
    Err(SignInError::BadCombination)
}

/// The staff member behind a session cookie, if the session is live and the account usable.
pub async fn actor_for_session(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    token: &str,
    ip: &str,
    limits: Limits,
) -> Result<Option<Actor>, DbError> {
    let Some(id) =
        session::lookup(db, Kind::Staff, token, now, limits).await.map_err(|e| DbError::Url(e.to_string()))?
    else {
        return Ok(None);
    };
    let Some(user) = store::by_id(db, id).await? else { return Ok(None) };
    if !user.active {
        return Ok(None);
    }
    let (Some(role), Some(place)) = (user.role(), place_of(catalog, &user.office_code)) else { return Ok(None) };
    Ok(Some(Actor { user_id: user.id, username: user.username, role, place, ip: ip.to_owned() }))
}

/// Signs out this session, or every session of the actor.
pub async fn sign_out(
    db: &Db,
    actor: &Actor,
    now: DateTime<Utc>,
    token: &str,
    everywhere: bool,
) -> Result<(), ServiceError> {
    if everywhere {
        session::delete_all(db, Kind::Staff, actor.user_id).await.map_err(|e| ServiceError::Internal(e.to_string()))?;
    } else {
        session::delete(db, token).await.map_err(|e| ServiceError::Internal(e.to_string()))?;
    }
    let record = format!("staff_user:{}", actor.user_id);
    let event = if everywhere { "staff.sign_out_everywhere" } else { "staff.sign_out" };
    audit::record_alone(db, now, &entry(actor, Category::Security, event, &record, Outcome::Ok, "")).await?;
    Ok(())
}

// ---------------------------------------------------------------- for other capabilities
//
// Who works where, for officer pickers, workloads, alert emails and reports: other
// capabilities ask here rather than read `staff_users` (`docs/ARCHITECTURE.md`, "Who owns
// each table"). No secret leaves: a `Colleague` has none.

pub use super::model::Colleague;

/// The accounts of an office, active or not, by user name.
pub async fn colleagues_at(db: &Db, office: &str) -> Result<Vec<Colleague>, DbError> {
    store::colleagues_at(db, office).await
}

/// [`colleagues_at`] inside a transaction.
pub async fn colleagues_at_in(tx: &mut Tx, office: &str) -> Result<Vec<Colleague>, DbError> {
    store::colleagues_at_in(tx, office).await
}

/// The user names of these accounts, by id (an id without an account is left out).
pub async fn usernames(db: &Db, ids: &[i64]) -> Result<std::collections::HashMap<i64, String>, DbError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(store::colleagues(db, &ids).await?.into_iter().map(|c| (c.id, c.username)).collect())
}

/// The id of the account with this user name.
pub async fn id_of(db: &Db, username: &str) -> Result<Option<i64>, DbError> {
    Ok(store::by_username(db, username).await?.map(|u| u.id))
}

/// The active staff whose role holds `capability`, by user name: (id, user name, name). For
/// pages that name or pick colleagues (ICTS's analysts), without reading the staff tables.
pub async fn holders_of(db: &Db, capability: Capability) -> Result<Vec<(i64, String, String)>, ServiceError> {
    let users = store::list(db, None).await?;
    Ok(users
        .into_iter()
        .filter(|u| u.active && u.role().is_some_and(|r| r.can(capability)))
        .map(|u| (u.id, u.username, u.display_name))
        .collect())
}
