//! The link to IDENT as this node holds it: the client CRIS calls IDENT with and the token IDENT
//! sends with partners' queries (`docs/IDENT.md`). It is IDENT's part of the application state,
//! which the web shell holds without knowing it; `cpms` and `icts` reach it through
//! [`AppState::ident`].

use crate::web::AppState;

/// The configured client and inbound token, if any.
#[derive(Debug, Clone, Default)]
struct Link {
    client: Option<super::Client>,
    inbound_token: Option<String>,
}

impl AppState {
    /// The same state reaching IDENT with this client and accepting IDENT's calls with this
    /// token (`docs/IDENT.md`).
    pub fn with_ident(self, client: Option<super::Client>, inbound_token: Option<String>) -> AppState {
        self.with_part(Link { client, inbound_token: inbound_token.filter(|t| !t.is_empty()) })
    }

    /// The client of IDENT, when IDENT is configured.
    pub fn ident(&self) -> Option<&super::Client> {
        self.part::<Link>().client.as_ref()
    }

    /// The token IDENT sends with partners' queries, when configured.
    pub fn ident_inbound_token(&self) -> Option<&str> {
        self.part::<Link>().inbound_token.as_deref()
    }
}
