//! InfoPass: appointments at field offices (R-IP-01 to R-IP-11), in English and Spanish: the field
//! offices nearest the customer's ZIP code, the dates and times an office offers (its calendar,
//! less the seats taken), booking under a hold with no account, the notice with its PIN,
//! reprinting and cancelling, kiosks, and registered representatives who book for clients.

pub mod booking;
pub mod booking_routes;
pub mod calendar;
pub mod closures;
pub mod kiosk;
pub mod model;
pub mod notice;
pub mod representative_routes;
pub mod representatives;
pub mod routes;
pub mod staff_routes;
pub mod store;
pub mod survey_contacts;
