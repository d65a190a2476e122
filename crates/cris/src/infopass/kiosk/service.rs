//! Kiosk mode, the use case (R-IP-10): front-desk staff turn a terminal into their office's
//! kiosk, or back.

use chrono::{DateTime, Utc};

use crate::kernel::access::{Actor, Allowed, entry};
use crate::kernel::audit::{self, Category, Outcome};
use crate::kernel::db::Db;
use crate::kernel::session;

/// Turns the terminal into the actor's office's kiosk, or back (`stop`): audited, and the staff
/// member's session (`session_token`) ended so that the public never finds a staff session on
/// the terminal. Neither step holds the other up: the terminal changes mode either way (its
/// cookie is the page's to set).
pub async fn turn(db: &Db, _allowed: &Allowed, actor: &Actor, now: DateTime<Utc>, stop: bool, session_token: &str) {
    let event = if stop { "kiosk.stop" } else { "kiosk.start" };
    let record = format!("office:{}", actor.place.office);
    let _ = audit::record_alone(db, now, &entry(actor, Category::Change, event, &record, Outcome::Ok, "")).await;
    let _ = session::delete(db, session_token).await;
}
