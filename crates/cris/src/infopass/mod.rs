//! InfoPass: appointments at field offices (R-IP-01 to R-IP-11), in English and Spanish: the field
//! offices nearest the customer's ZIP code, the dates and times an office offers (its calendar,
//! less the seats taken), booking under a hold with no account, the notice with its PIN,
//! reprinting and cancelling, kiosks, and registered representatives who book for clients.
//!
//! A large capability in sub-rooms with the same furniture (`model`, `store`, `service`,
//! `routes`): `calendar` (offices' hours, services and closures; the pages that find a time),
//! `booking` (holds, bookings, reprints, cancellations; the booking pages), `representatives`,
//! `kiosk` (no tables), and `survey_contacts` (the focus-group draw's question). Shared by them:
//! `model` (the booking form and the appointment) and `notice` (the notice's barcode, PDF and
//! calendar file). Each sub-room's `mod.rs` re-exports what other capabilities and the tests
//! name (`infopass::booking::hold`, `infopass::calendar::Service`).

pub mod booking;
pub mod calendar;
pub mod kiosk;
pub mod model;
pub mod notice;
pub mod representatives;
pub mod survey_contacts;

/// The productivity report's reading of the appointment books: appointments booked at an office
/// from `from` until before `until`, by service.
pub async fn booked_by_service(
    db: &crate::kernel::db::Db,
    office: &str,
    from: &str,
    until: &str,
) -> Result<Vec<(String, i64)>, crate::kernel::db::DbError> {
    booking::store::booked_by_service(db, office, from, until).await
}

/// What is left of cancelled and purged appointments at an office between two days
/// (inclusive): (service, outcome, count).
pub async fn gone_by_service(
    db: &crate::kernel::db::Db,
    office: &str,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, i64)>, crate::kernel::db::DbError> {
    booking::store::gone_by_service(db, office, from, to).await
}
