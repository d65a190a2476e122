//! Focus groups (R-SV-05, R-RT-02), a sub-room of `surveys` with the same furniture.
//! Headquarters defines a group (office, date, place, size); CRIS draws that many customers at
//! random among those whose appointment office matches, who gave an email address and who did
//! not opt out (checked in SQL against the keyed hashes of `survey_opt_outs`), and invites them by
//! email in their language with a single-use link. Those who accept give a first name and a
//! telephone, the only things kept of them; those who decline or do not answer by the reply-by
//! day leave nothing. Contacts are purged within 120 days of contact by the retention engine,
//! through `surveys::service::purge_focus_contacts_before`.

pub mod model;
pub mod routes;
pub mod service;
pub mod store;
