//! Kiosk mode (R-IP-10): the public pages on a terminal in a field office. Rooms: `model` (the
//! signed kiosk cookie), `service` (turning a terminal into a kiosk, audited), `routes` (the
//! welcome screen, the staff page that sets a kiosk up, and the no-store layer). No tables.

pub mod model;
pub mod routes;
pub mod service;

// The sub-room's face for the web shell, the page context and the tests (`infopass::kiosk::…`).
pub use model::{COOKIE, IDLE_SECONDS, cookie_value, office_of};
pub use routes::{mark_no_store, no_store, routes};
