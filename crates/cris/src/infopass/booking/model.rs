//! What booking deals in (R-IP-02 to R-IP-09): slots and the holds on their seats, the booking
//! as asked, what it gives back, and why it can be refused. Types and rules only, no I/O.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::infopass::calendar::Service;
use crate::infopass::model::{Appointment, Details};
use crate::kernel::db::DbError;
use crate::kernel::i18n::Lang;
use crate::kernel::ids::Pin;
use crate::kernel::random::RandomError;

/// How long a slot is kept for a customer filling in the form.
pub const HOLD_MINUTES: i64 = 15;

/// One slot of one service at one office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// Field office.
    pub office_code: String,
    /// Appointment type.
    pub service: Service,
    /// Start, local time.
    pub starts: NaiveDateTime,
}

/// A seat kept for a customer until `expires`.
#[derive(Debug, Clone)]
pub struct Hold {
    /// The token in the booking pages' address.
    pub token: String,
    /// The slot.
    pub slot: Slot,
    /// When the seat goes back.
    pub expires: DateTime<Utc>,
}

/// Why a booking did not go through.
#[derive(Debug, thiserror::Error)]
pub enum BookError {
    /// The slot filled up (the hold had expired and others took the seats).
    #[error("the slot is full")]
    SlotTaken,
    /// The person already holds an appointment (R-IP-04).
    #[error("the person already has an appointment")]
    AlreadyBooked,
    /// Storage.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The random generator.
    #[error(transparent)]
    Random(#[from] RandomError),
}

impl From<sqlx::Error> for BookError {
    fn from(e: sqlx::Error) -> Self {
        BookError::Db(e.into())
    }
}

/// What the customer gets at confirmation: the appointment and its PIN, shown this once.
#[derive(Debug)]
pub struct Booked {
    /// The appointment.
    pub appointment: Appointment,
    /// The PIN (R-IP-07): never stored, never shown again.
    pub pin: Pin,
}

/// Writes the email copy of a booked appointment: (subject, body, calendar file).
pub type Compose<'a> = dyn Fn(&Appointment) -> (String, String, String) + Send + Sync + 'a;

/// Who books, and where the email copy goes.
pub struct Booking<'a> {
    /// The hold the customer filled the form under.
    pub hold: &'a Hold,
    /// The customer's details.
    pub details: &'a Details,
    /// The language of the pages, and of the email copy.
    pub lang: Lang,
    /// The office's time zone.
    pub tz: Tz,
    /// The registered representative booking for a client (R-IP-05).
    pub representative: Option<i64>,
    /// Writes the email copy, sent when the customer gave an email address.
    pub email: &'a Compose<'a>,
    /// The address the booking came from, for the audit trail.
    pub ip: &'a str,
}

/// Why a cancellation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    /// No appointment has this confirmation number and PIN (which of the two is wrong is not said).
    #[error("no appointment matches")]
    NoMatch,
    /// Too many wrong PINs: locked until then.
    #[error("locked")]
    Locked(DateTime<Utc>),
    /// Storage.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for CancelError {
    fn from(e: sqlx::Error) -> Self {
        CancelError::Db(e.into())
    }
}

/// What remains of a cancelled appointment, for the page that confirms it.
#[derive(Debug, Clone)]
pub struct Cancelled {
    /// Field office.
    pub office_code: String,
    /// Start, local time.
    pub starts: NaiveDateTime,
}

/// What a survey invitation needs of an appointment (R-SV-01), and nothing more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyContact {
    /// The appointment.
    pub appointment_id: i64,
    /// Its office.
    pub office_code: String,
    /// Its service code.
    pub service: String,
    /// Its day (local).
    pub day: NaiveDate,
    /// The customer's email address.
    pub email: String,
    /// The customer's language.
    pub lang: Lang,
}
