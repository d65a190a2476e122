//! The call-centre script gateway (R-GW-01): the approved answers call-centre staff read to
//! callers who ask about laws, regulations and forms, in English and Spanish, found by topic or
//! form or by a typo-tolerant search. Headquarters writes versions and a second person approves
//! each (four eyes); only the latest approved version is shown and searched, earlier ones are
//! kept. Staff record which script answered which call.

pub mod model;
pub mod routes;
pub mod search;
pub mod service;
pub mod store;
