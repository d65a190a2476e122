//! Registered third-party representatives (R-IP-05): attorneys, accredited representatives and
//! community-based organisations whose customer account USCIS has approved. They hold several
//! appointments at once, booking for their clients, and see and cancel them from their account.
//! A customer asks from their account; a national administrator approves, refuses or revokes,
//! and the customer is told by email in their language.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::booking::parse_slot;
use super::calendar::Service;
use crate::kernel::access::{Actor, Capability};
use crate::kernel::access::{entry, permit};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::{Db, DbError};
use crate::kernel::error::InvalidInput;
use crate::kernel::error::ServiceError;
use crate::kernel::i18n::{I18n, Lang};
use crate::notify::{self, Channel, Message};
use crate::reference::Catalog;

/// Appointments ahead a representative may hold at once: several, not the whole calendar.
pub const MAX_ACTIVE: i64 = 50;

/// What kind of representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An attorney in good standing.
    Attorney,
    /// A representative accredited by the Department of Justice.
    Accredited,
    /// A community-based organisation.
    Cbo,
}

impl Kind {
    /// Every kind, in the order the form offers them.
    pub const ALL: [Kind; 3] = [Kind::Attorney, Kind::Accredited, Kind::Cbo];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::Attorney => "attorney",
            Kind::Accredited => "accredited",
            Kind::Cbo => "cbo",
        }
    }

    /// Parses a stored or submitted code.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Asked, not yet decided.
    Pending,
    /// Approved: the account books as a representative.
    Approved,
    /// Refused; the customer may ask again.
    Refused,
    /// Approved once, then withdrawn; the customer may ask again.
    Revoked,
}

impl Status {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Refused => "refused",
            Status::Revoked => "revoked",
        }
    }

    fn parse(s: &str) -> Status {
        match s {
            "approved" => Status::Approved,
            "refused" => Status::Refused,
            "revoked" => Status::Revoked,
            _ => Status::Pending,
        }
    }
}

/// A request to be registered, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// The firm or organisation.
    pub organization: String,
    /// What kind of representative.
    pub kind: Kind,
}

impl Application {
    /// Parses the form: an organisation of 2 to 200 characters and a kind.
    pub fn parse(organization: &str, kind: &str) -> Result<Application, InvalidInput> {
        let organization = organization.trim();
        let length = organization.chars().count();
        if !(2..=200).contains(&length) || organization.chars().any(char::is_control) {
            return Err(InvalidInput::new("organization", "Give the firm or organisation, in 2 to 200 characters."));
        }
        let kind = Kind::parse(kind)
            .ok_or_else(|| InvalidInput::new("kind", "Choose what kind of representative you are."))?;
        Ok(Application { organization: organization.to_owned(), kind })
    }
}

/// A customer's registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// The customer account.
    pub customer_id: i64,
    /// The firm or organisation.
    pub organization: String,
    /// What kind of representative.
    pub kind: Kind,
    /// Where it stands.
    pub status: Status,
    /// When the customer asked.
    pub requested_at: DateTime<Utc>,
}

type RegistrationRow = (i64, String, String, String, DateTime<Utc>);

fn registration((customer_id, organization, kind, status, requested_at): RegistrationRow) -> Registration {
    Registration {
        customer_id,
        organization,
        kind: Kind::parse(&kind).unwrap_or(Kind::Attorney),
        status: Status::parse(&status),
        requested_at,
    }
}

/// A customer's registration, if they asked for one.
pub async fn of_customer(db: &Db, customer_id: i64) -> Result<Option<Registration>, DbError> {
    let row: Option<RegistrationRow> = crate::with_db!(db, pool => {
        sqlx::query_as("SELECT customer_id, organization, kind, status, requested_at FROM representatives WHERE customer_id = $1")
            .bind(customer_id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(registration))
}

/// Whether the customer books as an approved representative.
pub async fn is_approved(db: &Db, customer_id: i64) -> Result<bool, DbError> {
    Ok(of_customer(db, customer_id).await?.is_some_and(|r| r.status == Status::Approved))
}

/// Records a customer's request. Returns false when one is already pending or approved.
pub async fn apply(db: &Db, customer_id: i64, a: &Application, now: DateTime<Utc>) -> Result<bool, DbError> {
    let written = crate::with_db!(db, pool => {
        sqlx::query(
            "INSERT INTO representatives (customer_id, organization, kind, status, requested_at) VALUES ($1, $2, $3, 'pending', $4) \
             ON CONFLICT (customer_id) DO UPDATE SET organization = excluded.organization, kind = excluded.kind, \
             status = 'pending', requested_at = excluded.requested_at, decided_by = NULL, decided_at = NULL \
             WHERE representatives.status IN ('refused', 'revoked')",
        )
        .bind(customer_id)
        .bind(&a.organization)
        .bind(a.kind.code())
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(written == 1)
}

/// A registration as administrators see it, with the account's user ID and email.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The registration.
    pub registration: Registration,
    /// The account's user ID.
    pub user_id: String,
    /// The account's email address.
    pub email: String,
}

/// Every registration, pending ones first, then approved, then the rest; oldest first within each.
pub async fn listed(db: &Db) -> Result<Vec<Listed>, DbError> {
    type Row = (i64, String, String, String, DateTime<Utc>);
    let rows: Vec<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT customer_id, organization, kind, status, requested_at FROM representatives \
             ORDER BY CASE status WHEN 'pending' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END, requested_at",
        )
        .fetch_all(pool)
        .await?
    });
    // The accounts' user IDs and addresses are the portfolio's.
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut contacts = crate::portfolio::service::contacts(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, org, kind, status, at)| {
            let c = contacts.remove(&id)?;
            Some(Listed { registration: registration((id, org, kind, status, at)), user_id: c.user_id, email: c.email })
        })
        .collect())
}

/// An administrator's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Approve a pending request.
    Approve,
    /// Refuse a pending request.
    Refuse,
    /// Withdraw an approval.
    Revoke,
}

impl Decision {
    /// Parses the form's button value.
    pub fn parse(s: &str) -> Option<Decision> {
        match s.trim() {
            "approve" => Some(Decision::Approve),
            "refuse" => Some(Decision::Refuse),
            "revoke" => Some(Decision::Revoke),
            _ => None,
        }
    }

    /// The status it leads to.
    fn to(self) -> Status {
        match self {
            Decision::Approve => Status::Approved,
            Decision::Refuse => Status::Refused,
            Decision::Revoke => Status::Revoked,
        }
    }

    /// The status it applies to: requests are approved or refused, approvals revoked.
    fn from(self) -> Status {
        match self {
            Decision::Approve | Decision::Refuse => Status::Pending,
            Decision::Revoke => Status::Approved,
        }
    }
}

/// Decides a registration (`representatives.manage`); the customer is emailed in their language
/// and the decision audited, in one transaction. A registration not in the state the decision
/// applies to (decided meanwhile by someone else) is `NotFound`.
pub async fn decide(
    db: &Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
    customer_id: i64,
    decision: Decision,
) -> Result<(), ServiceError> {
    let event = format!("representatives.{}", decision.to().code());
    permit(db, catalog, actor, now, Capability::RepresentativesManage, (&event, None)).await?;
    let i18n = I18n::shared().ok_or_else(|| ServiceError::Internal("message catalogues not loaded".into()))?;
    let mut tx = db.begin().await?;
    let decided: Option<String> = crate::with_tx!(&mut tx, conn => {
        sqlx::query_scalar(
            "UPDATE representatives SET status = $1, decided_by = $2, decided_at = $3 WHERE customer_id = $4 AND status = $5 \
             RETURNING organization",
        )
        .bind(decision.to().code())
        .bind(&actor.username)
        .bind(now)
        .bind(customer_id)
        .bind(decision.from().code())
        .fetch_optional(&mut *conn)
        .await?
    });
    let Some(organization) = decided else { return Err(ServiceError::NotFound) };
    let Some(customer) = crate::portfolio::service::contacts(db, &[customer_id]).await?.remove(&customer_id) else {
        return Err(ServiceError::NotFound);
    };
    let (email, lang) = (customer.email, Lang::from_tag(&customer.lang).unwrap_or(Lang::En));
    let key = format!("rep-{}", decision.to().code());
    let args = [("organization", organization.as_str())];
    let message = Message {
        channel: Channel::Email,
        recipient: email,
        subject: i18n.t_args(lang, &format!("{key}-subject"), &args),
        body: i18n.t_args(lang, &format!("{key}-body"), &args),
        customer_id: Some(customer_id),
        appointment_id: None,
        attachment: None,
    };
    notify::enqueue(&mut tx, now, &message).await?;
    let record = format!("customer:{customer_id}");
    audit::record(&mut tx, now, &entry(actor, Category::Change, &event, &record, Outcome::Ok, &organization)).await?;
    tx.commit().await?;
    Ok(())
}

/// An appointment a representative booked for a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAppointment {
    /// The confirmation number.
    pub confirmation: String,
    /// The client's name.
    pub name: String,
    /// The office.
    pub office_code: String,
    /// The service.
    pub service: Service,
    /// When, in the office's time.
    pub starts: NaiveDateTime,
}

/// The appointments ahead that a representative booked, soonest first.
pub async fn appointments(db: &Db, customer_id: i64, now: DateTime<Utc>) -> Result<Vec<ClientAppointment>, DbError> {
    type Row = (String, String, String, String, String, String);
    let rows: Vec<Row> = crate::with_db!(db, pool => {
        sqlx::query_as(
            "SELECT confirmation, first_name, last_name, office_code, service, starts_at FROM appointments \
             WHERE representative_id = $1 AND starts_utc > $2 ORDER BY starts_utc, id",
        )
        .bind(customer_id)
        .bind(now)
        .fetch_all(pool)
        .await?
    });
    Ok(rows
        .into_iter()
        .filter_map(|(confirmation, first, last, office_code, service, starts)| {
            Some(ClientAppointment {
                confirmation,
                name: format!("{first} {last}"),
                office_code,
                service: Service::parse(&service)?,
                starts: parse_slot(&starts)?,
            })
        })
        .collect())
}

/// How many appointments ahead a representative holds.
pub async fn active(db: &Db, customer_id: i64, now: DateTime<Utc>) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE representative_id = $1 AND starts_utc > $2")
            .bind(customer_id)
            .bind(now)
            .fetch_one(pool)
            .await?
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    // R-IP-05: the request is parsed once; decisions apply only from the state they decide.
    #[test]
    fn applications_and_decisions() {
        let a = Application::parse("  Legal Aid of Chicago ", "cbo").unwrap();
        assert_eq!((a.organization.as_str(), a.kind), ("Legal Aid of Chicago", Kind::Cbo));
        assert_eq!(Application::parse("X", "attorney").unwrap_err().field, "organization");
        assert_eq!(Application::parse("Firm\u{7}", "attorney").unwrap_err().field, "organization");
        assert_eq!(Application::parse(&"x".repeat(201), "attorney").unwrap_err().field, "organization");
        assert_eq!(Application::parse("Smith & Jones LLP", "notary").unwrap_err().field, "kind");
        assert_eq!(Decision::parse("approve").map(Decision::from), Some(Status::Pending));
        assert_eq!(Decision::parse("revoke").map(|d| (d.from(), d.to())), Some((Status::Approved, Status::Revoked)));
        assert_eq!(Decision::parse("delete"), None);
        for s in [Status::Pending, Status::Approved, Status::Refused, Status::Revoked] {
            assert_eq!(Status::parse(s.code()), s);
        }
    }
}
