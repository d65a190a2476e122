//! Who may do what, where (R-AU-01, R-AU-02). Roles are sets of named capabilities; offices sit
//! in a hierarchy (office, district, region, nation); a staff member reaches their own office,
//! except district, region and global administrators, who reach their level. One function,
//! [`authorize`], decides every staff request; anything it does not allow is denied.
//!
//! Services check through [`permit`] or [`permit_at`], which write a refusal to the security log
//! and raise its alert (R-AU-07), and hand back an [`Allowed`] proof on success. Only this module
//! can make one, so a function that asks for it cannot be reached without the check.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use crate::kernel::audit::{self, Category, Entry, Outcome};
use crate::kernel::db::{Db, DbError, Tx};
use crate::kernel::error::ServiceError;

/// A staff role (R-AU-01). Customers are not staff; they have accounts of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Call-centre tier 1: answers from scripts, records service requests.
    Tier1,
    /// Call-centre tier 2: researches cases and requests.
    Tier2,
    /// Immigration Information Officer.
    Iio,
    /// Supervisory Immigration Information Officer.
    Siio,
    /// Immigration Service Officer (serves the lobby queue).
    Iso,
    /// Reception desk (check-in).
    Reception,
    /// District administrator.
    DistrictAdmin,
    /// Region administrator.
    RegionAdmin,
    /// Global administrator.
    GlobalAdmin,
    /// Headquarters staff (processing times, scripts, national reports).
    Headquarters,
    /// Asylum or refugee officer.
    AsylumOfficer,
    /// Fraud analyst.
    FraudAnalyst,
    /// International analyst (partner queries and responses).
    InternationalAnalyst,
}

impl Role {
    /// Every role, in the order the docs list them.
    pub const ALL: [Role; 13] = [
        Role::Tier1,
        Role::Tier2,
        Role::Iio,
        Role::Siio,
        Role::Iso,
        Role::Reception,
        Role::DistrictAdmin,
        Role::RegionAdmin,
        Role::GlobalAdmin,
        Role::Headquarters,
        Role::AsylumOfficer,
        Role::FraudAnalyst,
        Role::InternationalAnalyst,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Tier1 => "tier1",
            Role::Tier2 => "tier2",
            Role::Iio => "iio",
            Role::Siio => "siio",
            Role::Iso => "iso",
            Role::Reception => "reception",
            Role::DistrictAdmin => "district_admin",
            Role::RegionAdmin => "region_admin",
            Role::GlobalAdmin => "global_admin",
            Role::Headquarters => "headquarters",
            Role::AsylumOfficer => "asylum_officer",
            Role::FraudAnalyst => "fraud_analyst",
            Role::InternationalAnalyst => "international_analyst",
        }
    }

    /// How far the role reaches from its office (R-AU-02).
    pub fn level(self) -> Level {
        match self {
            Role::DistrictAdmin => Level::District,
            Role::RegionAdmin => Level::Region,
            // Headquarters oversees every office: national reports, late service requests.
            Role::GlobalAdmin | Role::Headquarters => Level::Nation,
            _ => Level::Office,
        }
    }

    /// The capabilities the role holds: only what it needs (R-AU-01).
    pub fn capabilities(self) -> &'static [Capability] {
        use Capability::*;
        match self {
            Role::Tier1 => &[CasesRead, ScriptsRead, ServiceRequestsCreate],
            Role::Tier2 => &[CasesRead, ScriptsRead, ServiceRequestsCreate, ServiceRequestsRead],
            Role::Iio => &[CasesRead, ScriptsRead, ServiceRequestsRead, ServiceRequestsWork, AppointmentsRead],
            Role::Siio => &[
                CasesRead,
                ScriptsRead,
                ServiceRequestsRead,
                ServiceRequestsWork,
                ServiceRequestsAssign,
                AppointmentsRead,
                QueueCallOutOfOrder,
                LobbyMonitor,
                ReportsRead,
            ],
            Role::Iso => &[CasesRead, AppointmentsRead, QueueCall, VisitNotesRead, VisitNotesWrite],
            Role::Reception => &[AppointmentsRead, CheckIn],
            Role::DistrictAdmin | Role::RegionAdmin => &[
                UsersRead,
                UsersManage,
                SecurityRead,
                AuditRead,
                ReportsRead,
                OfficesManage,
                AppointmentsRead,
                AppointmentsManage,
                LobbyMonitor,
            ],
            Role::GlobalAdmin => &[
                UsersRead,
                UsersManage,
                SecurityRead,
                AuditRead,
                ReportsRead,
                OfficesManage,
                AppointmentsRead,
                AppointmentsManage,
                LobbyMonitor,
                ApiClientsManage,
                RepresentativesManage,
                RetentionRead,
                LegalHold,
            ],
            Role::Headquarters => &[
                ProcessingTimesPublish,
                ReportsRead,
                ScriptsRead,
                ScriptsAuthor,
                ScriptsApprove,
                ServiceRequestsRead,
                SurveysManage,
                RetentionRead,
                SharingAgreements,
            ],
            Role::AsylumOfficer => &[CasesRead, SharingQuery, SharingCases],
            Role::FraudAnalyst => &[CasesRead, SharingRead, SharingCases],
            Role::InternationalAnalyst => &[SharingRead, SharingRespond, SharingDisclosures],
        }
    }

    /// Whether the role holds a capability.
    pub fn can(self, cap: Capability) -> bool {
        self.capabilities().contains(&cap)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = crate::kernel::error::InvalidInput;

    fn from_str(s: &str) -> Result<Role, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| crate::kernel::error::InvalidInput::new("role", "Choose one of the listed roles."))
    }
}

/// A named permission. Names are stable: they appear in the docs and the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// Read case records.
    CasesRead,
    /// Read call-centre scripts.
    ScriptsRead,
    /// Write script drafts.
    ScriptsAuthor,
    /// Approve script versions.
    ScriptsApprove,
    /// Record service requests.
    ServiceRequestsCreate,
    /// Read service requests.
    ServiceRequestsRead,
    /// Work and resolve assigned service requests.
    ServiceRequestsWork,
    /// Assign, reassign and redirect service requests.
    ServiceRequestsAssign,
    /// Read appointments.
    AppointmentsRead,
    /// Manage calendars, closures and appointments.
    AppointmentsManage,
    /// Check customers in at the front desk.
    CheckIn,
    /// Call the next customer and serve them.
    QueueCall,
    /// Call a customer out of queue order (audited with a reason).
    QueueCallOutOfOrder,
    /// Read visit notes.
    VisitNotesRead,
    /// Write visit notes.
    VisitNotesWrite,
    /// Watch the lobby dashboard and its alerts.
    LobbyMonitor,
    /// Run workload and productivity reports.
    ReportsRead,
    /// Maintain offices, hours and services.
    OfficesManage,
    /// Publish processing times.
    ProcessingTimesPublish,
    /// Read staff accounts.
    UsersRead,
    /// Create, deactivate and reinstate staff accounts.
    UsersManage,
    /// Read the autolock log and security alerts.
    SecurityRead,
    /// Read and export the audit and security logs.
    AuditRead,
    /// Register machine clients of the APIs.
    ApiClientsManage,
    /// Approve, refuse and revoke third-party representatives (R-IP-05).
    RepresentativesManage,
    /// Write satisfaction surveys (R-SV-01).
    SurveysManage,
    /// Read the retention engine's purge certificates and holds.
    RetentionRead,
    /// Place and release legal holds that keep records past their time.
    LegalHold,
    /// Ask a foreign partner about a person.
    SharingQuery,
    /// Read partner data (sequestered, R-IS-09).
    SharingRead,
    /// Prepare and send responses to partner queries.
    SharingRespond,
    /// Report disclosures to partners.
    SharingDisclosures,
    /// See a case's international sharing record: its officer's queries and the partners'
    /// answers (R-IS-03: the officer assigned to the case and fraud analysts only).
    SharingCases,
    /// Enter and end agreements with foreign partners (R-IS-08): headquarters negotiates them,
    /// the analysts apply them.
    SharingAgreements,
}

impl Capability {
    /// Every capability.
    pub const ALL: [Capability; 34] = [
        Capability::CasesRead,
        Capability::ScriptsRead,
        Capability::ScriptsAuthor,
        Capability::ScriptsApprove,
        Capability::ServiceRequestsCreate,
        Capability::ServiceRequestsRead,
        Capability::ServiceRequestsWork,
        Capability::ServiceRequestsAssign,
        Capability::AppointmentsRead,
        Capability::AppointmentsManage,
        Capability::CheckIn,
        Capability::QueueCall,
        Capability::QueueCallOutOfOrder,
        Capability::VisitNotesRead,
        Capability::VisitNotesWrite,
        Capability::LobbyMonitor,
        Capability::ReportsRead,
        Capability::OfficesManage,
        Capability::ProcessingTimesPublish,
        Capability::UsersRead,
        Capability::UsersManage,
        Capability::SecurityRead,
        Capability::AuditRead,
        Capability::ApiClientsManage,
        Capability::RepresentativesManage,
        Capability::SurveysManage,
        Capability::RetentionRead,
        Capability::LegalHold,
        Capability::SharingQuery,
        Capability::SharingRead,
        Capability::SharingRespond,
        Capability::SharingDisclosures,
        Capability::SharingCases,
        Capability::SharingAgreements,
    ];

    /// The stable name, e.g. `service_requests.assign`.
    pub fn name(self) -> &'static str {
        match self {
            Capability::CasesRead => "cases.read",
            Capability::ScriptsRead => "scripts.read",
            Capability::ScriptsAuthor => "scripts.author",
            Capability::ScriptsApprove => "scripts.approve",
            Capability::ServiceRequestsCreate => "service_requests.create",
            Capability::ServiceRequestsRead => "service_requests.read",
            Capability::ServiceRequestsWork => "service_requests.work",
            Capability::ServiceRequestsAssign => "service_requests.assign",
            Capability::AppointmentsRead => "appointments.read",
            Capability::AppointmentsManage => "appointments.manage",
            Capability::CheckIn => "checkin.create",
            Capability::QueueCall => "queue.call",
            Capability::QueueCallOutOfOrder => "queue.call_out_of_order",
            Capability::VisitNotesRead => "visit_notes.read",
            Capability::VisitNotesWrite => "visit_notes.write",
            Capability::LobbyMonitor => "lobby.monitor",
            Capability::ReportsRead => "reports.read",
            Capability::OfficesManage => "offices.manage",
            Capability::ProcessingTimesPublish => "processing_times.publish",
            Capability::UsersRead => "users.read",
            Capability::UsersManage => "users.manage",
            Capability::SecurityRead => "security.read",
            Capability::AuditRead => "audit.read",
            Capability::ApiClientsManage => "api_clients.manage",
            Capability::RepresentativesManage => "representatives.manage",
            Capability::SurveysManage => "surveys.manage",
            Capability::RetentionRead => "retention.read",
            Capability::LegalHold => "retention.hold",
            Capability::SharingQuery => "sharing.query",
            Capability::SharingRead => "sharing.read",
            Capability::SharingRespond => "sharing.respond",
            Capability::SharingDisclosures => "sharing.disclosures",
            Capability::SharingCases => "sharing.cases",
            Capability::SharingAgreements => "sharing.agreements",
        }
    }
}

/// How far from their office a role reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Their own office only.
    Office,
    /// Every office of their district.
    District,
    /// Every office of their region.
    Region,
    /// Every office.
    Nation,
}

/// An office's place in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Office code.
    pub office: String,
    /// District code.
    pub district: String,
    /// Region code.
    pub region: String,
}

impl Place {
    /// The place of an office (of the reference catalogue).
    pub fn of(office: &impl Located) -> Place {
        office.place()
    }
}

/// Something that sits at a place of the hierarchy: an office of the reference catalogue. The
/// catalogue implements it, so that the kernel names no module above it.
pub trait Located {
    /// Its place.
    fn place(&self) -> Place;
}

/// Where each office sits: what [`permit_at`] needs to judge reach. The reference catalogue
/// answers it.
pub trait Places: Send + Sync {
    /// The place of the office with this code, if there is one.
    fn place(&self, office: &str) -> Option<Place>;
}

impl<T: Places + ?Sized> Places for std::sync::Arc<T> {
    fn place(&self, office: &str) -> Option<Place> {
        (**self).place(office)
    }
}

/// The staff member acting: who, in what role, from which office and address.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Staff user id.
    pub user_id: i64,
    /// User name, as recorded in the audit trail.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Their office.
    pub place: Place,
    /// Client address.
    pub ip: String,
}

impl Actor {
    /// Whether `place` is within the actor's reach (R-AU-02).
    pub fn reaches(&self, place: &Place) -> bool {
        match self.role.level() {
            Level::Office => self.place.office == place.office,
            Level::District => self.place.district == place.district,
            Level::Region => self.place.region == place.region,
            Level::Nation => true,
        }
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denial {
    /// The role does not hold the capability.
    #[error("your role does not allow this")]
    Capability,
    /// The record belongs to an office outside the actor's reach.
    #[error("this record belongs to another office")]
    Reach,
}

/// Proof that a check allowed an action. Its field is private and only [`authorize`] makes one,
/// so a function that takes it cannot be called without a passed check:
///
/// ```compile_fail
/// use cris::kernel::access::{Allowed, Capability};
/// let forged = Allowed { capability: Capability::UsersManage };
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Allowed {
    capability: Capability,
}

impl Allowed {
    /// The capability that was checked.
    pub fn capability(&self) -> Capability {
        self.capability
    }
}

/// Decides a staff request: the capability must be held and, when the request touches a record
/// of an office, that office must be within reach. Everything else is denied.
pub fn authorize(actor: &Actor, capability: Capability, target: Option<&Place>) -> Result<Allowed, Denial> {
    if !actor.role.can(capability) {
        return Err(Denial::Capability);
    }
    match target {
        Some(place) if !actor.reaches(place) => Err(Denial::Reach),
        _ => Ok(Allowed { capability }),
    }
}

// ---------------------------------------------------------------- the check, in services

/// A refusal, as the alert that follows it needs it.
#[derive(Debug, Clone, Copy)]
pub struct Refusal<'a> {
    /// `permission_denied` or `other_office`.
    pub kind: &'static str,
    /// Who was refused.
    pub actor: &'a Actor,
    /// The office the request named, else the actor's own.
    pub office: &'a str,
    /// What was refused, and why, in a sentence.
    pub detail: &'a str,
}

/// What a refusal sets off beyond its security-log row, in the same transaction: the security
/// alert, stored and mailed to the administrators who cover the office (R-AU-07). Alerts and
/// accounts belong to `staff`, which installs the hook at start (`app::open`), so that the kernel
/// imports no capability.
pub type AlertHook = for<'a> fn(
    &'a mut Tx,
    &'a dyn Places,
    DateTime<Utc>,
    Refusal<'a>,
) -> Pin<Box<dyn Future<Output = Result<(), DbError>> + Send + 'a>>;

static ALERT_HOOK: OnceLock<AlertHook> = OnceLock::new();

/// Installs what a refusal sets off (once per process; later calls do nothing).
pub fn on_refusal(hook: AlertHook) {
    let _ = ALERT_HOOK.set(hook);
}

/// An audit entry of an actor's act.
pub fn entry<'a>(
    actor: &'a Actor,
    category: Category,
    event: &'a str,
    record: &'a str,
    outcome: Outcome,
    detail: &'a str,
) -> Entry<'a> {
    Entry {
        category,
        event,
        username: &actor.username,
        ip: &actor.ip,
        office: &actor.place.office,
        record,
        outcome,
        detail,
    }
}

/// Checks a capability that no office's reach limits; a refusal is recorded and alerted as
/// `what`, at `office` when the request named one (see [`deny`]).
pub async fn permit(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    capability: Capability,
    (what, office): (&str, Option<&str>),
) -> Result<Allowed, ServiceError> {
    match authorize(actor, capability, None) {
        Ok(allowed) => Ok(allowed),
        Err(d) => Err(deny(db, places, actor, now, what, office, d).await.into()),
    }
}

/// Checks a capability on an office's records: the capability must be held and the office
/// within reach; a refusal is recorded and alerted as `what` (see [`deny`]).
pub async fn permit_at(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    capability: Capability,
    (what, office): (&str, &str),
) -> Result<Allowed, ServiceError> {
    let Some(place) = places.place(office) else { return Err(ServiceError::NotFound) };
    match authorize(actor, capability, Some(&place)) {
        Ok(allowed) => Ok(allowed),
        Err(d) => Err(deny(db, places, actor, now, what, Some(office), d).await.into()),
    }
}

/// Records a refusal in the security log and raises an alert (R-AU-07), in one transaction;
/// returns the denial.
pub async fn deny(
    db: &Db,
    places: &dyn Places,
    actor: &Actor,
    now: DateTime<Utc>,
    what: &str,
    office: Option<&str>,
    denial: Denial,
) -> Denial {
    let kind = match denial {
        Denial::Capability => "permission_denied",
        Denial::Reach => "other_office",
    };
    let detail = format!("{} ({}) was refused {what}: {denial}", actor.username, actor.role.as_str());
    let result: Result<(), DbError> = async {
        let mut tx = db.begin().await?;
        audit::record(&mut tx, now, &entry(actor, Category::Security, "access.denied", what, Outcome::Denied, &detail))
            .await?;
        match ALERT_HOOK.get() {
            Some(raise) => {
                let refusal = Refusal { kind, actor, office: office.unwrap_or(&actor.place.office), detail: &detail };
                raise(&mut tx, places, now, refusal).await?;
            }
            None => tracing::error!("no alert hook installed: a refusal is logged without its alert"),
        }
        tx.commit().await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not record a denial");
    }
    denial
}

/// The role-capability matrix as a Markdown table (the docs hold a copy; a test keeps it true).
pub fn matrix_markdown() -> String {
    let mut out = String::from("| capability |");
    for r in Role::ALL {
        out.push_str(&format!(" {} |", r.as_str()));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(Role::ALL.len()));
    out.push('\n');
    for c in Capability::ALL {
        out.push_str(&format!("| `{}` |", c.name()));
        for r in Role::ALL {
            out.push_str(if r.can(c) { " ✔ |" } else { "  |" });
        }
        out.push('\n');
    }
    out.push_str("| **reach** |");
    for r in Role::ALL {
        out.push_str(match r.level() {
            Level::Office => " office |",
            Level::District => " district |",
            Level::Region => " region |",
            Level::Nation => " nation |",
        });
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Staff pages name a role by its message, `staff-role-<code>`; every role has one.
    #[test]
    fn every_role_has_its_title_in_the_staff_catalogue() {
        let i18n = crate::kernel::i18n::I18n::load().unwrap();
        for role in Role::ALL {
            let id = format!("staff-role-{}", role.as_str());
            let title = i18n.t(crate::kernel::i18n::Lang::En, &id);
            assert!(title != id && !title.is_empty(), "{id} is missing");
        }
    }

    fn actor(role: Role, office: &str, district: &str, region: &str) -> Actor {
        Actor {
            user_id: 1,
            username: "u".into(),
            role,
            place: Place { office: office.into(), district: district.into(), region: region.into() },
            ip: "127.0.0.1".into(),
        }
    }

    // R-AU-02: only district, region and global administrators reach beyond their office.
    #[test]
    fn reach_follows_the_hierarchy() {
        let same_district = Place { office: "BRO".into(), district: "D-NYC".into(), region: "NORTHEAST".into() };
        let same_region = Place { office: "BOS".into(), district: "D-NE".into(), region: "NORTHEAST".into() };
        let far = Place { office: "LOS".into(), district: "D-LA".into(), region: "WEST".into() };
        let home = ("NYC", "D-NYC", "NORTHEAST");
        let at = |role| actor(role, home.0, home.1, home.2);
        assert_eq!(
            authorize(&at(Role::DistrictAdmin), Capability::UsersRead, Some(&same_district)).map(|_| ()),
            Ok(())
        );
        assert_eq!(
            authorize(&at(Role::DistrictAdmin), Capability::UsersRead, Some(&same_region)).err(),
            Some(Denial::Reach)
        );
        assert!(authorize(&at(Role::RegionAdmin), Capability::UsersRead, Some(&same_region)).is_ok());
        assert_eq!(authorize(&at(Role::RegionAdmin), Capability::UsersRead, Some(&far)).err(), Some(Denial::Reach));
        assert!(authorize(&at(Role::GlobalAdmin), Capability::UsersRead, Some(&far)).is_ok());
        assert_eq!(
            authorize(&at(Role::Siio), Capability::ServiceRequestsAssign, Some(&same_district)).err(),
            Some(Denial::Reach)
        );
        assert!(authorize(&at(Role::Siio), Capability::ServiceRequestsAssign, Some(&at(Role::Siio).place)).is_ok());
    }

    // R-AU-01: each role holds only what it needs; nothing is allowed by default.
    #[test]
    fn capabilities_are_denied_unless_granted() {
        let a = actor(Role::Reception, "NYC", "D", "R");
        assert_eq!(authorize(&a, Capability::AuditRead, None).err(), Some(Denial::Capability));
        assert!(authorize(&a, Capability::CheckIn, None).is_ok());
        assert!(!Role::Tier1.can(Capability::ServiceRequestsAssign));
        assert!(Role::Siio.can(Capability::QueueCallOutOfOrder) && !Role::Iso.can(Capability::QueueCallOutOfOrder));
        assert!(!Role::FraudAnalyst.can(Capability::SharingRespond));
        // Partner data (R-IS-09) only for benefits administration and fraud analysts.
        let readers: Vec<Role> = Role::ALL.into_iter().filter(|r| r.can(Capability::SharingRead)).collect();
        assert_eq!(readers, vec![Role::FraudAnalyst, Role::InternationalAnalyst]);
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn the_docs_hold_the_current_matrix() {
        let docs = include_str!("../../../../docs/ACCESS.md");
        assert!(docs.contains(&matrix_markdown()), "docs/ACCESS.md is out of date; paste:\n{}", matrix_markdown());
    }
}
