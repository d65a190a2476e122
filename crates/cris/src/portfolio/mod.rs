//! Case Status Online portfolios (R-CS-07 to R-CS-11): customers (applicants, employers,
//! attorneys, community organisations) keep up to 100 receipt numbers in an account and are told
//! by email, and by text if they choose, whenever one of those cases changes. Portfolio data is
//! used for nothing else; closing the account erases it.

pub mod model;
pub mod routes;
pub mod service;
pub mod store;
