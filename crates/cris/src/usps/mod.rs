//! USPS delivery tracking (R-CS-05, R-CS-06): the daily tracking extract files the Secure Mail
//! Initiative pushes, one way, are read from a file (`cris ingest usps FILE`) or an inbox folder
//! the server watches. Scan events are matched to cases by the customer reference (the receipt
//! number) or a tracking number already on the case, shown on the status page in the customer's
//! words, and a delivery or a return also moves the case's status, through the same path as any
//! other status change.

pub mod model;
pub mod service;
pub mod store;
