//! Registered third-party representatives (R-IP-05): attorneys, accredited representatives and
//! community-based organisations who hold several appointments at once for their clients.
//! Rooms: `model` (kinds, statuses, the request and the decisions), `store` (the registrations'
//! SQL and the appointments a representative holds), `service` (ask, decide: checked, emailed,
//! audited), `routes` (the customer's page and the administrators' page).

pub mod model;
pub mod routes;
pub mod service;
pub mod store;

// The sub-room's face for the booking pages (`infopass::representatives::…`).
pub use model::MAX_ACTIVE;
pub use service::{active, is_approved};
