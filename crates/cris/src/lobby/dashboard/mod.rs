//! The supervisor's dashboard (R-QM-07) and the rules page: `service` (what the dashboard shows,
//! for those who may watch it), `routes` (the pages, the out-of-order call). Its measures and
//! alerts are `lobby::alerts`, its rules `lobby::rules`.

pub mod routes;
pub mod service;

pub use routes::routes;
