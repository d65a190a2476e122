//! A registered client and the rules of registering one.

use chrono::{DateTime, Utc};

use crate::kernel::error::InvalidInput;

/// The public service's limits, for clients registered without their own.
pub const DEFAULT_RATE_PER_SECOND: i64 = 10;
/// Requests a day, by default.
pub const DEFAULT_DAILY_QUOTA: i64 = 5_000;

/// A registered client.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiClient {
    /// Id.
    pub id: i64,
    /// Public identifier.
    pub client_id: String,
    /// Application name.
    pub name: String,
    /// SHA-256 of the secret.
    pub secret_hash: String,
    /// Requests a second.
    pub rate_per_second: i64,
    /// Requests a day.
    pub daily_quota: i64,
    /// Usable.
    pub active: bool,
    /// Registered.
    pub created_at: DateTime<Utc>,
    /// What it may do, space-separated: `case_status` (read), `case_events` (push status changes).
    pub scopes: String,
}

/// A client to register.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// Application name.
    pub name: String,
    /// Identifier; generated when None.
    pub client_id: Option<String>,
    /// Secret; generated when None.
    pub secret: Option<String>,
    /// Requests a second.
    pub rate_per_second: i64,
    /// Requests a day.
    pub daily_quota: i64,
    /// Scopes, space-separated; see [`SCOPES`].
    pub scopes: String,
}

/// The scopes a client may hold.
pub const SCOPES: [&str; 2] = ["case_status", "case_events"];

impl NewClient {
    /// The name and the scopes (one space between) as registered, or what is wrong with them.
    pub fn checked(&self) -> Result<(String, String), InvalidInput> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(InvalidInput::new("name", "Enter the application's name (up to 100 characters)."));
        }
        if !(1..=100_000).contains(&self.rate_per_second) || !(1..=1_000_000_000).contains(&self.daily_quota) {
            return Err(InvalidInput::new(
                "rate",
                "Give a rate of 1 to 100,000 a second and a quota of at least 1 a day.",
            ));
        }
        let scopes: Vec<&str> = self.scopes.split_whitespace().collect();
        if scopes.is_empty() || scopes.iter().any(|s| !SCOPES.contains(s)) {
            return Err(InvalidInput::new("scopes", "Give one or more of: case_status, case_events."));
        }
        Ok((name.to_owned(), scopes.join(" ")))
    }
}
