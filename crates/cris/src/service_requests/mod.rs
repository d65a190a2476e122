//! Service requests: e-Request for the public and the Service Request Management Tool for staff
//! (R-SR-01 to R-SR-12). A customer, or call-centre staff for them, files a request about a case;
//! it is routed to the office holding the case, a supervisor assigns it, an officer answers by
//! letter, email or telephone within 30 days, and every step stays on the request's trail.

pub mod letter;
pub mod model;
pub mod routes;
pub mod service;
pub mod staff_routes;
pub mod store;

/// The service's earlier name, which the status page, the staff home, the retention engine and
/// the tests still use.
pub use service as work;
