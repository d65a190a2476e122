//! Live lobby events (R-QM-07): what the lobby display and the supervisor's dashboard follow,
//! sent to them as server-sent events. Events carry ticket labels and counters only, never a
//! name. Each node publishes what happens on it; a display is served by one node.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::broadcast;

impl crate::web::AppState {
    /// This node's lobby events: the lobby's part of the application state.
    pub fn lobby(&self) -> &Hub {
        self.part::<Hub>()
    }
}

/// Something that happened in a lobby.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    /// `issued`, `called`, `recalled`, `serving`, `done`, `no_show` or `transferred`.
    pub kind: &'static str,
    /// The ticket's label.
    pub ticket: String,
    /// The counter it is called to, when called.
    pub counter: Option<String>,
    /// Customers waiting after this event.
    pub waiting: i64,
}

/// Per office, the channel its screens listen on.
#[derive(Debug, Default)]
pub struct Hub {
    offices: Mutex<HashMap<String, broadcast::Sender<Event>>>,
}

impl Hub {
    fn sender(&self, office: &str) -> Option<broadcast::Sender<Event>> {
        let mut map = self.offices.lock().ok()?;
        Some(map.entry(office.to_owned()).or_insert_with(|| broadcast::channel(256).0).clone())
    }

    /// Follows an office's events.
    pub fn subscribe(&self, office: &str) -> Option<broadcast::Receiver<Event>> {
        self.sender(office).map(|s| s.subscribe())
    }

    /// Tells the office's screens; nobody listening is fine.
    pub fn publish(&self, office: &str, event: Event) {
        if let Some(s) = self.sender(office) {
            let _ = s.send(event);
        }
    }
}
