//! Errors shared by every capability: the parse error of the edge, and the error of a service.
//!
//! Values from outside (forms, JSON, files) are parsed once at the edge; when one does not parse,
//! the person who typed it needs to know which field is wrong and why, in plain words.

use crate::kernel::access::Denial;
use crate::kernel::db::DbError;

/// A value from outside that does not parse: names the field and says why, in words fit for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidInput {
    /// The field the value was given for, such as `receipt_number`.
    pub field: &'static str,
    /// Why the value was refused, as an English sentence for the person who typed it.
    pub reason: String,
    /// A stable code for a refusal that pages word on their own, in every language, because the
    /// field's general message would mislead (`receipt-centre`: well formed, but the centre code
    /// is not one USCIS uses). Pages show the catalogue message `err-<code>`.
    pub code: Option<&'static str>,
}

impl InvalidInput {
    /// An error for `field`, explained by `reason`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into(), code: None }
    }

    /// The same refusal, marked with a stable code that pages word themselves.
    #[must_use]
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// The same refusal for another field (a form that names the field differently), code kept.
    #[must_use]
    pub fn for_field(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }

    /// The catalogue message of a coded refusal (`err-<code>`), if it has a code.
    pub fn message_id(&self) -> Option<String> {
        self.code.map(|c| format!("err-{c}"))
    }
}

/// The stable code of an error answer, carried beside its message in every problem document
/// and on every error page, so that a person reading a code to support, or a program branching
/// on it, does not depend on wording. The list, with what each means, is `docs/ERRORS.md`; a
/// test keeps the two the same. Codes never change meaning once published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The request cannot be read at all (a malformed body, query or header).
    BadRequest,
    /// No credentials, or credentials that are not valid.
    Unauthorized,
    /// The caller may not do this (a role, a network or a token that does not allow it).
    Forbidden,
    /// A form's anti-forgery token did not match: the form is too old or came from elsewhere.
    FormExpired,
    /// Nothing is there, or nothing the caller may know of.
    NotFound,
    /// The path exists but does not take this method.
    MethodNotAllowed,
    /// The request conflicts with the record's state (already done, already taken).
    Conflict,
    /// The body is larger than the service accepts.
    PayloadTooLarge,
    /// A value is not valid; the answer names the fields.
    InvalidInput,
    /// A batch file (case events, USPS scans) cannot be read as a whole.
    InvalidBatch,
    /// Too many requests or attempts from this client or for this record; try again later.
    RateLimited,
    /// An unexpected failure inside CRIS; logged with the request id.
    Internal,
    /// CRIS or a system it depends on (the database) cannot answer now.
    Unavailable,
}

impl ErrorCode {
    /// Every code, in the order `docs/ERRORS.md` lists them.
    pub const ALL: [ErrorCode; 13] = [
        ErrorCode::BadRequest,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::FormExpired,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Conflict,
        ErrorCode::PayloadTooLarge,
        ErrorCode::InvalidInput,
        ErrorCode::InvalidBatch,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
        ErrorCode::Unavailable,
    ];

    /// The code as it is written in answers and in the documentation.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad-request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::FormExpired => "form-expired",
            ErrorCode::NotFound => "not-found",
            ErrorCode::MethodNotAllowed => "method-not-allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload-too-large",
            ErrorCode::InvalidInput => "invalid-input",
            ErrorCode::InvalidBatch => "invalid-batch",
            ErrorCode::RateLimited => "rate-limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
        }
    }

    /// The general code of an HTTP status, for answers that have no more precise one.
    pub const fn for_status(status: u16) -> ErrorCode {
        match status {
            401 => ErrorCode::Unauthorized,
            403 => ErrorCode::Forbidden,
            404 | 410 => ErrorCode::NotFound,
            405 => ErrorCode::MethodNotAllowed,
            409 => ErrorCode::Conflict,
            413 => ErrorCode::PayloadTooLarge,
            422 => ErrorCode::InvalidInput,
            429 => ErrorCode::RateLimited,
            503 => ErrorCode::Unavailable,
            400..=499 => ErrorCode::BadRequest,
            _ => ErrorCode::Internal,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a service did not do what it was asked: the error every capability's service shares, so
/// that routes answer it the same way (a page or a problem document with its status).
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A value is not valid.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// Access control refused it (already written to the security log and alerted).
    #[error(transparent)]
    Denied(#[from] Denial),
    /// No such record (or not one the actor may know of).
    #[error("no such account")]
    NotFound,
    /// Storage or another internal failure.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    /// The stable code of this refusal.
    pub const fn code(&self) -> ErrorCode {
        match self {
            ServiceError::Invalid(_) => ErrorCode::InvalidInput,
            ServiceError::Denied(_) => ErrorCode::Forbidden,
            ServiceError::NotFound => ErrorCode::NotFound,
            ServiceError::Internal(_) => ErrorCode::Internal,
        }
    }
}

impl From<DbError> for ServiceError {
    fn from(e: DbError) -> Self {
        ServiceError::Internal(e.to_string())
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(e: sqlx::Error) -> Self {
        ServiceError::Internal(e.to_string())
    }
}

/// The value of a parse that succeeded; the error of one that did not goes to `errors`, so that a
/// form can name every field that is wrong at once.
pub fn keep<T>(errors: &mut Vec<InvalidInput>, r: Result<T, InvalidInput>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// An optional field: nothing when left empty, else its parse.
pub fn optional<T: std::str::FromStr<Err = InvalidInput>>(text: &str) -> Result<Option<T>, InvalidInput> {
    if text.trim().is_empty() { Ok(None) } else { text.parse().map(Some) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_field_and_reason() {
        let err = InvalidInput::new("receipt_number", "Enter a receipt number.");
        assert_eq!(err.field, "receipt_number");
        assert_eq!(err.to_string(), "receipt_number: Enter a receipt number.");
    }

    #[test]
    fn every_status_has_a_code_and_codes_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            assert!(c.as_str().bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{c}");
        }
        assert_eq!(ErrorCode::for_status(404), ErrorCode::NotFound);
        assert_eq!(ErrorCode::for_status(418), ErrorCode::BadRequest);
        assert_eq!(ErrorCode::for_status(500), ErrorCode::Internal);
        assert_eq!(ErrorCode::for_status(503), ErrorCode::Unavailable);
    }
}
