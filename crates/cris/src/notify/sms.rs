//! The SMS gateway interface (documented in `docs/SMS.md`, provider-neutral): CRIS posts each
//! text as JSON to the gateway's URL; the provider posts replies (STOP, HELP, START) to CRIS.

use std::time::Duration;

use serde::Serialize;

use super::Failure;
use crate::kernel::db::{Db, DbError};

/// An HTTP SMS gateway.
#[derive(Debug, Clone)]
pub struct Gateway {
    url: String,
    token: Option<String>,
    http: reqwest::Client,
}

#[derive(Serialize)]
struct Outgoing<'a> {
    to: &'a str,
    body: &'a str,
    reference: &'a str,
}

impl Gateway {
    /// A gateway at `url`, authenticated with a bearer `token` when given.
    pub fn new(url: &str, token: Option<String>) -> Result<Gateway, super::MailConfigError> {
        crate::kernel::install_crypto_provider();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(super::MailConfigError(format!("SMS gateway URL {url:?} must start with https:// or http://")));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| super::MailConfigError(format!("SMS gateway client: {e}")))?;
        Ok(Gateway { url: url.to_owned(), token, http })
    }

    /// Sends one text. 2xx: accepted; 429 and 5xx: try again; other 4xx: never.
    pub async fn send(&self, to: &str, body: &str, reference: &str) -> Result<(), Failure> {
        let mut req = self.http.post(&self.url).json(&Outgoing { to, body, reference });
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        match req.send().await {
            Ok(res) if res.status().is_success() => Ok(()),
            Ok(res) if res.status().as_u16() == 429 || res.status().is_server_error() => {
                Err(Failure::Temporary(format!("gateway answered {}", res.status())))
            }
            Ok(res) => Err(Failure::Permanent(format!("gateway refused: {}", res.status()))),
            Err(e) => Err(Failure::Temporary(format!("gateway unreachable: {e}"))),
        }
    }
}

/// Whether a number has opted out of texts.
pub async fn opted_out(db: &Db, mobile: &str) -> Result<bool, DbError> {
    super::store::opted_out(db, mobile).await
}

/// What a reply asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// Stop all texts.
    Stop,
    /// Texts again.
    Start,
    /// What is this?
    Help,
    /// Anything else.
    Other,
}

impl Keyword {
    /// Reads the carriers' standard keywords (English and Spanish).
    pub fn of(body: &str) -> Keyword {
        match body.trim().trim_end_matches(['.', '!']).to_uppercase().as_str() {
            "STOP" | "STOPALL" | "UNSUBSCRIBE" | "CANCEL" | "END" | "QUIT" | "PARAR" | "ALTO" => Keyword::Stop,
            "START" | "UNSTOP" | "YES" | "INICIAR" => Keyword::Start,
            "HELP" | "INFO" | "AYUDA" => Keyword::Help,
            _ => Keyword::Other,
        }
    }
}

/// Applies a reply: records an opt-out or opt-in. The caller answers with the matching text.
pub async fn handle_reply(
    db: &Db,
    from: &str,
    keyword: Keyword,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbError> {
    match keyword {
        Keyword::Stop => super::store::opt_out(db, from, now).await,
        Keyword::Start => super::store::opt_in(db, from).await,
        Keyword::Help | Keyword::Other => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords() {
        assert_eq!(Keyword::of(" stop "), Keyword::Stop);
        assert_eq!(Keyword::of("Parar"), Keyword::Stop);
        assert_eq!(Keyword::of("HELP!"), Keyword::Help);
        assert_eq!(Keyword::of("start"), Keyword::Start);
        assert_eq!(Keyword::of("thanks"), Keyword::Other);
    }
}
