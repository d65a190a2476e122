//! InfoPass: appointments at field offices (R-IP-01 to R-IP-11). So far the first step of
//! booking: the field offices nearest the customer's ZIP code, in English and Spanish.

pub mod routes;
