//! InfoPass: appointments at field offices (R-IP-01 to R-IP-11). So far the first steps of
//! booking: the field offices nearest the customer's ZIP code, and the dates and times an office
//! offers for a service (its calendar), in English and Spanish.

pub mod calendar;
pub mod routes;
