//! Staff use cases: creating and managing accounts, signing in (banner, password, code), lockout,
//! alerts and the unused-account job. Every operation takes the acting staff member and the time,
//! checks access with the one policy function, and writes its audit rows in its own transaction.

use chrono::{DateTime, Duration, Utc};

use super::model::{Alert, AutolockEntry, LOCK_AFTER, MIN_PASSWORD, NewStaff, StaffUser};
use super::store;
use crate::kernel::access::{Actor, Capability, Level, Place, Places, Role, authorize};
use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::error::InvalidInput;
use crate::kernel::random::{self, sha256_hex};
use crate::kernel::session::{self, Kind, Limits};
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

/// Stores an alert and emails it to the administrators whose reach covers its office.
async fn raise_alert(tx: &mut Tx, places: &dyn Places, now: DateTime<Utc>, alert: &Alert) -> Result<(), DbError> {
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
            let body = format!(
                "CRIS security alert ({kind})\n\nWhen: {at}\nUser: {user}\nFrom: {ip}\nOffice: {office}\n\n{detail}\n\nReview open alerts on the CRIS staff site under Administration, Security alerts.\n",
                kind = alert.kind,
                at = alert.at.format("%Y-%m-%d %H:%M:%S UTC"),
                user = alert.username,
                ip = alert.ip,
                office = alert.office_code.as_deref().unwrap_or("-"),
                detail = alert.detail,
            );
            let message = Message {
                channel: Channel::Email,
                recipient: admin.email.clone(),
                subject: format!("CRIS security alert: {}", alert.kind),
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
        place_of(catalog, &new.office).ok_or_else(|| InvalidInput::new("office", "Choose an office from the list."))?;
    if let Some(actor) = actor
        && let Err(d) = authorize(actor, Capability::UsersManage, Some(&place))
    {
        return Err(deny(db, catalog, actor, now, "staff_user.create", Some(&place.office), d).await.into());
    }
    if new.display_name.trim().is_empty() || new.display_name.chars().count() > 100 {
        return Err(InvalidInput::new("display_name", "Enter the person's name (up to 100 characters).").into());
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
    .ok_or_else(|| InvalidInput::new("username", "This user name is taken."))?;
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
    let users = store::list(db, reach(catalog, actor).as_deref()).await?;
    let detail = format!("{} accounts", users.len());
    audit::record_alone(db, now, &entry(actor, Category::Access, "staff_user.list", "-", Outcome::Ok, &detail)).await?;
    Ok(users)
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
    let user = load_for(db, catalog, actor, now, id, Capability::UsersRead, "staff_user.view").await?;
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
        return Err(InvalidInput::new("reason", "Say why the account is deactivated.").into());
    }
    let record = format!("staff_user:{id}");
    audited_change(db, actor, now, "staff_user.deactivate", &record, why, async |tx| {
        store::deactivate(tx, user.id, why, now).await
    })
    .await
}

/// Unlocks a locked account and reactivates a deactivated one (R-AU-06).
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
    /// The account is locked.
    #[error("the account is locked")]
    Locked,
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
    store::put_flow(db, &sha256_hex(token.as_bytes()), "banner", None, now + Duration::minutes(FLOW_TTL_MINUTES))
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

/// Counts a failure; at the limit the account is locked, logged and alerted.
async fn fail(
    db: &Db,
    catalog: &Catalog,
    now: DateTime<Utc>,
    ip: &str,
    user: &StaffUser,
    event: &str,
    detail: &str,
) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    let n = store::add_failure(&mut tx, user.id).await?;
    let record = format!("staff_user:{}", user.id);
    audit::record(
        &mut tx,
        now,
        &security_entry(&user.username, ip, &user.office_code, event, &record, Outcome::Failed, detail),
    )
    .await?;
    if n >= LOCK_AFTER && !user.is_locked() {
        store::lock(&mut tx, user, now).await?;
        crate::with_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM sessions WHERE kind = 'staff' AND subject_id = $1").bind(user.id).execute(&mut *conn).await?;
        });
        let detail = format!("{} was locked after {n} failed sign-ins", user.username);
        audit::record(
            &mut tx,
            now,
            &security_entry(&user.username, ip, &user.office_code, "staff.lock", &record, Outcome::Ok, &detail),
        )
        .await?;
        let alert = Alert::new(now, "account_locked", &user.username, ip, Some(&user.office_code), detail);
        raise_alert(&mut tx, catalog, now, &alert).await?;
    }
    tx.commit().await
}

/// The password step.
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
    match store::get_flow(db, &flow_hash, now).await? {
        Some((stage, _)) if stage == "banner" || stage == "password" => {}
        _ => return Err(SignInError::Restart),
    }
    let name = username.trim().to_lowercase();
    let Some(user) = store::by_username(db, &name).await? else {
        password::verify_dummy(pass);
        let detail = format!("unknown user name {name:?}");
        audit::record_alone(db, now, &security_entry("-", ip, "-", "staff.sign_in", "-", Outcome::Failed, &detail))
            .await?;
        return Err(SignInError::BadCredentials);
    };
    let right = password::verify(pass, &user.password_hash);
    let record = format!("staff_user:{}", user.id);
    if user.is_locked() {
        // R-AU-07: an attempt on a locked account is an alert.
        let mut tx = db.begin().await?;
        let detail = format!("sign-in attempt on locked account {}", user.username);
        audit::record(
            &mut tx,
            now,
            &security_entry(&user.username, ip, &user.office_code, "staff.sign_in", &record, Outcome::Denied, &detail),
        )
        .await?;
        let alert = Alert::new(now, "locked_account_attempt", &user.username, ip, Some(&user.office_code), detail);
        raise_alert(&mut tx, catalog, now, &alert).await?;
        tx.commit().await?;
        // Only someone who knows the password learns that the account is locked.
        return Err(if right { SignInError::Locked } else { SignInError::BadCredentials });
    }
    if !right {
        fail(db, catalog, now, ip, &user, "staff.sign_in", "wrong password").await?;
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
    store::put_flow(db, &flow_hash, stage, Some(user.id), now + Duration::minutes(FLOW_TTL_MINUTES)).await?;
    Ok(next)
}

/// The account of a flow that passed the password step.
pub async fn flow_user(db: &Db, now: DateTime<Utc>, flow: &str) -> Result<(String, StaffUser), SignInError> {
    let Some((stage, Some(id))) = store::get_flow(db, &sha256_hex(flow.as_bytes()), now).await? else {
        return Err(SignInError::Restart);
    };
    let user = store::by_id(db, id).await?.ok_or(SignInError::Restart)?;
    Ok((stage, user))
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
    let (stage, user) = flow_user(db, now, flow).await?;
    if stage != "password" && stage != "enrol" {
        return Err(SignInError::Restart);
    }
    if user.is_locked() {
        return Err(SignInError::Locked);
    }
    if !user.active {
        return Err(SignInError::Inactive);
    }
    let secret = user.totp_secret.clone().ok_or(SignInError::Restart)?;
    let Some(step) = totp::verify(&secret, code, now.timestamp(), user.totp_last_step) else {
        fail(db, catalog, now, ip, &user, "staff.sign_in", "wrong or reused code").await?;
        return Err(SignInError::BadCode);
    };
    let token = session::create(db, Kind::Staff, user.id, ip, now, limits)
        .await
        .map_err(|e| SignInError::Internal(e.to_string()))?;
    let mut tx = db.begin().await?;
    store::signed_in(&mut tx, user.id, step, now).await?;
    let record = format!("staff_user:{}", user.id);
    let detail = if stage == "enrol" { "second factor set up" } else { "" };
    audit::record(
        &mut tx,
        now,
        &security_entry(&user.username, ip, &user.office_code, "staff.sign_in", &record, Outcome::Ok, detail),
    )
    .await?;
    tx.commit().await?;
    store::delete_flow(db, &sha256_hex(flow.as_bytes())).await?;
    Ok(token)
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
    if !user.active || user.is_locked() {
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
