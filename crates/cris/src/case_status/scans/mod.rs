//! The USPS scans of a case's mailed items (R-CS-05, R-CS-06): what the status page shows of
//! them and what a scan means to the customer. The scans are facts of the case, like its mailed
//! items, so the case service owns their table and reads them into the case's stored report;
//! `usps` reads the extract files, matches their scans to cases and hands them in here. That
//! keeps the dependency one way (`usps` uses `case_status`, never the reverse).

pub mod model;
pub mod service;
pub mod store;
