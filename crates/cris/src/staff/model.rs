//! Staff accounts and the rules about them: user names, when an account counts as unused. No I/O
//! here. Repeated failed sign-ins slow the guesses (`kernel::throttle`) instead of locking.

use chrono::{DateTime, Duration, Utc};

use crate::kernel::access::Role;
use crate::kernel::error::InvalidInput;

/// Shortest staff password: a second factor follows it (NIST SP 800-63B).
pub const MIN_PASSWORD: usize = 12;

/// A staff user name: 3 to 32 of a-z, 0-9, `.`, `_`, `-`, stored lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// Parses a user name.
    pub fn parse(s: &str) -> Result<Username, InvalidInput> {
        let v = s.trim().to_lowercase();
        let ok_chars = v.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if !(3..=32).contains(&v.len()) || !ok_chars {
            return Err(InvalidInput::new("username", "Use 3 to 32 letters, digits, dots, dashes or underscores."));
        }
        Ok(Username(v))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A staff account as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffUser {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// Work email (alerts go here).
    pub email: String,
    /// Role name (see [`StaffUser::role`]).
    pub role: String,
    /// Office.
    pub office_code: String,
    /// Argon2id hash.
    pub password_hash: String,
    /// Base32 TOTP secret, once issued.
    pub totp_secret: Option<String>,
    /// Whether the second factor is set up.
    pub totp_enabled: bool,
    /// Last TOTP step used (replay guard).
    pub totp_last_step: i64,
    /// Failed sign-ins from every address since the last success (from `kernel::throttle`,
    /// filled in for the administrators' pages; not a column).
    #[sqlx(skip)]
    pub failed_attempts: i32,
    /// Until when guesses at the account are slowed (many addresses guessing; filled in like
    /// `failed_attempts`). Nothing is locked: password and code together still sign in.
    #[sqlx(skip)]
    pub slowed_until: Option<DateTime<Utc>>,
    /// False once deactivated.
    pub active: bool,
    /// When deactivated.
    pub deactivated_at: Option<DateTime<Utc>>,
    /// Why deactivated.
    pub deactivated_why: Option<String>,
    /// Last successful sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl StaffUser {
    /// The role; an unknown stored role (a newer release's) holds no capability.
    pub fn role(&self) -> Option<Role> {
        self.role.parse().ok()
    }

    /// Guesses at the account are being slowed (R-AU-06, as NIST SP 800-63B 5.2.2 asks: a delay,
    /// not a lock).
    pub fn is_slowed(&self) -> bool {
        self.slowed_until.is_some()
    }

    /// Whether the account has gone unused for `max_idle` at `now` (never-used accounts count
    /// from their creation) (R-AU-08).
    pub fn is_unused(&self, now: DateTime<Utc>, max_idle: Duration) -> bool {
        self.active && now - self.last_sign_in_at.unwrap_or(self.created_at) >= max_idle
    }
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewStaff {
    /// Sign-in name.
    pub username: Username,
    /// Full name.
    pub display_name: String,
    /// Work email.
    pub email: crate::kernel::contact::Email,
    /// Role.
    pub role: Role,
    /// Office code.
    pub office: String,
    /// Initial password (checked against the policy).
    pub password: String,
}

/// A line of the autolock log (R-AU-06): when guesses at an account began to be slowed, and when
/// that ended (the right password and code, or an administrator).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AutolockEntry {
    /// Id.
    pub id: i64,
    /// The account.
    pub user_id: i64,
    /// User name.
    pub username: String,
    /// Name.
    pub display_name: String,
    /// Site.
    pub office_code: String,
    /// Last successful sign-in before the lock.
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// When locked.
    pub locked_at: DateTime<Utc>,
    /// When reinstated.
    pub reinstated_at: Option<DateTime<Utc>>,
    /// By whom.
    pub reinstated_by: Option<String>,
}

/// A security alert (R-AU-07).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Alert {
    /// Id.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Kind: `account_throttled`, `throttled_attempt`, `permission_denied`, `other_office`.
    pub kind: String,
    /// Who tried.
    pub username: String,
    /// From where.
    pub ip: String,
    /// The office concerned.
    pub office_code: Option<String>,
    /// What happened.
    pub detail: String,
    /// Acknowledged by.
    pub acknowledged_by: Option<String>,
    /// Acknowledged when.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// How many times it happened: alerts about one account within an hour of its first are
    /// counted here rather than raised (and emailed) again.
    pub occurrences: i32,
    /// The latest repeat, if any.
    pub last_at: Option<DateTime<Utc>>,
}

impl Alert {
    /// A new, open alert.
    pub fn new(at: DateTime<Utc>, kind: &str, username: &str, ip: &str, office: Option<&str>, detail: String) -> Alert {
        Alert {
            id: 0,
            at,
            kind: kind.to_owned(),
            username: username.to_owned(),
            ip: ip.to_owned(),
            office_code: office.map(str::to_owned),
            detail,
            acknowledged_by: None,
            acknowledged_at: None,
            occurrences: 1,
            last_at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn usernames_and_unused_accounts() {
        assert_eq!(Username::parse(" J.Doe ").unwrap().as_str(), "j.doe");
        assert!(Username::parse("jd").is_err());
        assert!(Username::parse("jane doe").is_err());
        assert!(Username::parse("ádmin").is_err());
        let t = |d| Utc.with_ymd_and_hms(2026, 1, d, 0, 0, 0).unwrap();
        let mut u = StaffUser {
            id: 1,
            username: "a".into(),
            display_name: "A".into(),
            email: "a@b.gov".into(),
            role: "iso".into(),
            office_code: "NYC".into(),
            password_hash: String::new(),
            totp_secret: None,
            totp_enabled: false,
            totp_last_step: 0,
            failed_attempts: 0,
            slowed_until: None,
            active: true,
            deactivated_at: None,
            deactivated_why: None,
            last_sign_in_at: None,
            created_at: t(1),
        };
        // R-AU-08
        assert!(u.is_unused(t(31), Duration::days(30)));
        u.last_sign_in_at = Some(t(20));
        assert!(!u.is_unused(t(31), Duration::days(30)));
        assert_eq!(u.role(), Some(Role::Iso));
    }
}

/// A staff account as other capabilities see it (officer pickers, workloads, alert emails,
/// reports): who, where, in what role; never a secret.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Colleague {
    /// Id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// Work email.
    pub email: String,
    /// Role name.
    pub role: String,
    /// Office.
    pub office_code: String,
    /// False once deactivated.
    pub active: bool,
}
