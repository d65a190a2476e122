//! Reports (R-RP-01): workload and productivity of the offices, each reader limited to the
//! offices within reach, with charts drawn on the server and CSV export.

pub mod chart;
pub mod model;
pub mod routes;
pub mod service;

/// The report's earlier module name, which the tests still use.
pub use service as lobby;
