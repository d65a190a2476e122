//! Registered third-party representatives (R-IP-05), their types and rules: attorneys, accredited representatives and
//! community-based organisations whose customer account USCIS has approved. They hold several
//! appointments at once, booking for their clients, and see and cancel them from their account.
//! A customer asks from their account; a national administrator approves, refuses or revokes,
//! and the customer is told by email in their language.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::infopass::calendar::Service;
use crate::kernel::error::InvalidInput;

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

    /// The status of a stored code (an unknown one reads as pending).
    pub fn parse(s: &str) -> Status {
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
    pub fn to(self) -> Status {
        match self {
            Decision::Approve => Status::Approved,
            Decision::Refuse => Status::Refused,
            Decision::Revoke => Status::Revoked,
        }
    }

    /// The status it applies to: requests are approved or refused, approvals revoked.
    pub fn from(self) -> Status {
        match self {
            Decision::Approve | Decision::Refuse => Status::Pending,
            Decision::Revoke => Status::Approved,
        }
    }
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
