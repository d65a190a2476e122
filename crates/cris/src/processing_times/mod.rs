//! Processing times (R-CS-04): how long a form takes at an office, posted per form, subtype and
//! office with a publication date and a service-request date (a case received before it is
//! outside normal processing time, which is also what e-Request uses to decide whether an inquiry
//! may be filed). CRIS suggests the figures to post from completed cases: the median and the 80th
//! percentile of the time from receipt to decision.

pub mod model;
pub mod pages;
pub mod public;
pub mod routes;
pub mod service;
pub mod store;

pub use model::{DAYS_PER_MONTH, Posted, RangeArgs, Suggestion, all_key, service_request_date, suggest, trim};
pub use service::{
    DecisionDays, all, at_office, compute_suggestions, decisions_since, for_form, forms, on_decisions, post,
    post_suggestions, post_suggestions_from, refresh_suggestions, refresh_suggestions_if_stale, suggestions,
    suggestions_from,
};
