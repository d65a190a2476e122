//! The International Case Tracking System (R-IS-04, R-IS-05, R-IS-07): a foreign partner's query
//! that IDENT forwards and whose fingerprints match a person of CPMS becomes a case in the
//! international analysts' queue, unless the person is protected (then, as when nothing matches,
//! the partner gets "no match" at once). An analyst prepares the response from the partner's
//! template with only the fields its agreement allows, attaches the documents asked for, and a
//! second analyst approves it before it leaves through IDENT. CPMS holds the persons, agreements,
//! exchanges and disclosures; ICTS reaches them only through `cpms::service`.

pub mod inbound;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
