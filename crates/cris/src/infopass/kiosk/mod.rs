//! Kiosk mode (R-IP-10): the public pages on a terminal in a field office. Rooms: `model` (how
//! long a terminal stays a kiosk; the signed cookie, which every page's context reads, and the
//! no-store layer are the web shell's, `web::kiosk`), `service` (turning a terminal into a kiosk,
//! audited), `routes` (the welcome screen and the staff page that sets a kiosk up). No tables.

pub mod model;
pub mod routes;
pub mod service;

// The sub-room's face for `app` and the tests (`infopass::kiosk::…`).
pub use model::{COOKIE, IDLE_SECONDS, cookie_value, office_of};
pub use routes::routes;
